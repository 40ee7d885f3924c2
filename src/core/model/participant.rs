//! Participants on a device: registration checks, identity, and phone privacy.
//!
//! A phone number is never kept, whole or masked. A person who gives one is known by a
//! *person key*: PBKDF2-HMAC-SHA256 of name, phone and region, so the same person registering
//! on another device gets the same key and 参赛人数 counts them once, while finding the phone
//! behind a key means running the slow KDF for every mobile number. A person without a phone
//! gets a random id: one person on one device.

use crate::core::Message;
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::core::model::contest::{PhoneField, Registration};
use crate::core::model::region::RegionTable;
use crate::core::Lang;

/// Crowd groups a person can register in.
pub const CROWD_CHOICES: [&str; 6] = ["青少年", "农民", "产业工人", "老年人", "领导干部和公务员", "其他"];
pub const NAME_MAX_CHARS: usize = 20;

/// PBKDF2-HMAC-SHA256 rounds of the person key: each guess at a phone number costs this many.
pub const PERSON_KEY_ROUNDS: u32 = 100_000;
/// The KDF's salt. Name and region are inside the key too, so no table of precomputed keys
/// serves more than one person; the salt keeps the key apart from any other use of PBKDF2.
const PERSON_KEY_SALT: &str = "kepu-person-key-v1";

/// A participant as kept on the device and named in attempts. Records of earlier builds also
/// carried a masked phone (`phone`); it is dropped when they are read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    /// `k` + 24 hex digits: the person key of someone who gave a phone (see [`person_key`]);
    /// `r` + 16 hex digits: random, for someone who did not. Builds before these kept
    /// `p` + 16 hex digits, a fast hash of name, phone and region.
    pub id: String,
    pub name: String,
    /// GB/T 2260 code of the deepest region chosen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crowd: Option<String>,
}

/// Everyone registered on this device, and who is answering now.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Roster {
    pub people: Vec<Participant>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<String>,
}

impl crate::core::formats::codec::Meaningful for Roster {}

impl Roster {
    /// Adds (or refreshes) a participant and makes them the one answering.
    pub fn register(&mut self, p: Participant) {
        self.current = Some(p.id.clone());
        match self.people.iter_mut().find(|x| x.id == p.id) {
            Some(existing) => *existing = p,
            None => self.people.push(p),
        }
    }

    pub fn current(&self) -> Option<&Participant> {
        let id = self.current.as_deref()?;
        self.people.iter().find(|p| p.id == id)
    }

    pub fn get(&self, id: &str) -> Option<&Participant> {
        self.people.iter().find(|p| p.id == id)
    }

    /// Who a registration is among the people already on this device. `former_id` is the id
    /// an earlier build would have given the same form ([`earlier_build_id`]).
    pub fn recognise(&self, candidate: &Participant, former_id: Option<&str>) -> Known {
        for id in std::iter::once(candidate.id.as_str()).chain(former_id) {
            if self.get(id).is_some() {
                return Known::Same(id.to_string());
            }
        }
        // Two person keys that differ are two phones, so two people; anyone else of the same
        // name and region may be this person, and only they can say.
        let both_keyed = |p: &Participant| is_person_key(&p.id) && is_person_key(&candidate.id);
        let namesakes: Vec<String> = self
            .people
            .iter()
            .filter(|p| p.name == candidate.name && p.region == candidate.region && !both_keyed(p))
            .map(|p| p.id.clone())
            .collect();
        if namesakes.is_empty() {
            Known::New
        } else {
            Known::Namesakes(namesakes)
        }
    }

    /// Makes a registered participant the one answering; false if unknown.
    pub fn select(&mut self, id: &str) -> bool {
        let known = self.get(id).is_some();
        if known {
            self.current = Some(id.to_string());
        }
        known
    }
}

/// How a registration relates to the people already on a device ([`Roster::recognise`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Known {
    /// Already here, under this id: the same person key, or the id an earlier build gave.
    Same(String),
    /// People of the same name and region who may be this person: the app asks
    /// 是同一个人吗？ — yes takes that identity, no makes a new one.
    Namesakes(Vec<String>),
    /// Nobody like them here: a new identity.
    New,
}

fn is_person_key(id: &str) -> bool {
    id.len() == 25 && id.starts_with('k')
}

/// Unicode NFKC normalization, as the platform provides it: [`nfkc`] natively, the browser's
/// own `String.prototype.normalize("NFKC")` in the app (so its tables stay out of the wasm).
pub type Nfkc = fn(&str) -> String;

/// NFKC by the `unicode-normalization` crate.
pub fn nfkc(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    text.nfkc().collect()
}

/// Characters that show nothing: Unicode's default-ignorable code points (zero-width spaces
/// and joiners, the BOM, bidirectional controls, variation selectors, tags, …), the Hangul
/// fillers and the blank braille pattern.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{2800}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{FFF0}'..='\u{FFF8}' | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0000}'..='\u{E0FFF}')
}

/// Combining marks, which show only on a character before them.
fn is_combining(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

/// A name as kept: NFKC (full-width letters and compatibility forms made plain, so the same
/// name typed on two phones is the same text), control and invisible characters removed, runs
/// of white space made one space, trimmed. Empty when nothing visible is left.
pub fn normalize_name(text: &str, nfkc: Nfkc) -> String {
    let mut name = String::new();
    let mut space = false;
    for c in nfkc(text).chars() {
        if c.is_whitespace() {
            space = !name.is_empty();
        } else if !c.is_control() && !is_invisible(c) {
            if std::mem::take(&mut space) {
                name.push(' ');
            }
            name.push(c);
        }
    }
    if name.chars().all(is_combining) {
        name.clear();
    }
    name
}

/// What a person typed into the registration form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RegistrationForm {
    pub name: String,
    pub phone: String,
    pub region: Option<String>,
    pub crowd: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Name,
    Phone,
    Region,
    Crowd,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormProblem {
    NameMissing,
    NameTooLong,
    PhoneMissing,
    PhoneInvalid,
    RegionMissing,
    RegionIncomplete,
    CrowdMissing,
}

impl Message for FormProblem {
    fn message(&self, lang: Lang) -> String {
        match self {
            FormProblem::NameMissing => lang.pick("请填写姓名或昵称", "Please enter your name or nickname").into(),
            FormProblem::NameTooLong => match lang {
                Lang::Zh => format!("姓名最多 {NAME_MAX_CHARS} 个字"),
                Lang::En => format!("A name has at most {NAME_MAX_CHARS} characters"),
            },
            FormProblem::PhoneMissing => lang.pick("请填写手机号", "Please enter your mobile number").into(),
            FormProblem::PhoneInvalid => {
                lang.pick("手机号应为 11 位数字，以 1 开头", "A mobile number has 11 digits and starts with 1").into()
            }
            FormProblem::RegionMissing => lang.pick("请选择所在地区", "Please choose your region").into(),
            FormProblem::RegionIncomplete => {
                lang.pick("请把地区选到最后一级", "Please choose your region down to the last level").into()
            }
            FormProblem::CrowdMissing => lang.pick("请选择人群类别", "Please choose your group").into(),
        }
    }
}

impl FormProblem {
    pub fn field(&self) -> Field {
        match self {
            FormProblem::NameMissing | FormProblem::NameTooLong => Field::Name,
            FormProblem::PhoneMissing | FormProblem::PhoneInvalid => Field::Phone,
            FormProblem::RegionMissing | FormProblem::RegionIncomplete => Field::Region,
            FormProblem::CrowdMissing => Field::Crowd,
        }
    }
}

/// Normalises a mainland mobile number (spaces, dashes and a +86 prefix allowed).
pub fn normalize_phone(text: &str) -> Option<String> {
    let digits: String = text.chars().filter(|c| !matches!(c, ' ' | '-' | '\u{3000}')).collect();
    let digits = digits.strip_prefix("+86").or_else(|| digits.strip_prefix("0086")).unwrap_or(&digits).to_string();
    let b = digits.as_bytes();
    let ok = b.len() == 11 && b.iter().all(u8::is_ascii_digit) && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]);
    ok.then_some(digits)
}

/// The person key of someone who gave a phone: `k` and the first 12 bytes, in hex, of
/// PBKDF2-HMAC-SHA256 over name, phone and region (joined by U+001F), [`PERSON_KEY_ROUNDS`]
/// rounds. The same on every device, so people are counted once across devices.
pub fn person_key(name: &str, phone: &str, region: Option<&str>) -> String {
    let secret = format!("{name}\u{1f}{phone}\u{1f}{}", region.unwrap_or(""));
    let mut key = [0u8; 12];
    pbkdf2::pbkdf2_hmac::<Sha256>(secret.as_bytes(), PERSON_KEY_SALT.as_bytes(), PERSON_KEY_ROUNDS, &mut key);
    format!("k{}", hex::encode(key))
}

/// The id builds before person keys gave this form (`p` + FNV-1a of name, phone and region),
/// so that someone registered by them is recognised; only with a valid phone, since without
/// one the same name and region are namesakes to ask about. Never stored.
pub fn earlier_build_id(form: &RegistrationForm) -> Option<String> {
    let phone = normalize_phone(form.phone.trim())?;
    let name = form.name.split_whitespace().collect::<Vec<_>>().join(" ");
    let key = format!("{name}\u{1f}{phone}\u{1f}{}", form.region.as_deref().unwrap_or(""));
    Some(format!("p{:016x}", crate::core::model::rng::fnv1a64(key.as_bytes())))
}

/// Checks a registration form against the contest's rules and builds the participant.
/// `random` (fresh randomness from the device) makes the id of someone without a phone; the
/// name is normalized by [`normalize_name`] with `nfkc`.
pub fn register(
    rules: &Registration,
    regions: Option<&RegionTable>,
    form: &RegistrationForm,
    random: u64,
    nfkc: Nfkc,
) -> Result<Participant, Vec<FormProblem>> {
    check_form(rules, regions, form, nfkc).map(|r| r.identify(random))
}

/// A registration form that passed its checks, before the participant's id is made. It holds
/// the phone number in memory only, to make the person key from it.
pub struct Registrant {
    name: String,
    phone: Option<String>,
    region: Option<String>,
    crowd: Option<String>,
}

impl std::fmt::Debug for Registrant {
    /// Never the phone number.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registrant")
            .field("name", &self.name)
            .field("phone", &self.phone.as_ref().map(|_| "given"))
            .field("region", &self.region)
            .field("crowd", &self.crowd)
            .finish()
    }
}

impl Registrant {
    /// Whether making the id takes the person key's [`PERSON_KEY_ROUNDS`] (a phone was given).
    pub fn has_phone(&self) -> bool {
        self.phone.is_some()
    }

    /// The participant: a person key from the phone, or `random` without one.
    pub fn identify(self, random: u64) -> Participant {
        let id = match &self.phone {
            Some(phone) => person_key(&self.name, phone, self.region.as_deref()),
            None => format!("r{random:016x}"),
        };
        Participant { id, name: self.name, region: self.region, crowd: self.crowd }
    }
}

/// The checks of [`register`], every problem at once; the participant's id is made after, by
/// [`Registrant::identify`] (slow with a phone).
pub fn check_form(
    rules: &Registration,
    regions: Option<&RegionTable>,
    form: &RegistrationForm,
    nfkc: Nfkc,
) -> Result<Registrant, Vec<FormProblem>> {
    let mut problems = Vec::new();
    let name = normalize_name(&form.name, nfkc);
    if name.is_empty() {
        problems.push(FormProblem::NameMissing);
    } else if name.chars().count() > NAME_MAX_CHARS {
        problems.push(FormProblem::NameTooLong);
    }
    let phone = match (rules.phone, form.phone.trim()) {
        (PhoneField::Off, _) => None,
        (PhoneField::Optional, "") => None,
        (PhoneField::Required, "") => {
            problems.push(FormProblem::PhoneMissing);
            None
        }
        (_, p) => {
            let n = normalize_phone(p);
            if n.is_none() {
                problems.push(FormProblem::PhoneInvalid);
            }
            n
        }
    };
    let region = if rules.region_depth == 0 {
        None
    } else {
        match (&form.region, regions) {
            (None, _) => {
                problems.push(FormProblem::RegionMissing);
                None
            }
            (Some(code), Some(table)) => {
                if !table.is_complete(code, rules.region_depth) || !table.within(code, rules.region_scope.as_deref()) {
                    problems.push(FormProblem::RegionIncomplete);
                }
                Some(code.clone())
            }
            (Some(code), None) => Some(code.clone()),
        }
    };
    let crowd = if rules.crowd {
        match form.crowd.as_deref().filter(|c| CROWD_CHOICES.contains(c)) {
            Some(c) => Some(c.to_string()),
            None => {
                problems.push(FormProblem::CrowdMissing);
                None
            }
        }
    } else {
        None
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Registrant { name, phone, region, crowd })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(phone: PhoneField) -> Registration {
        Registration { phone, region_depth: 3, region_scope: None, crowd: true }
    }

    fn table() -> RegionTable {
        RegionTable::from_json(
            r#"{"format":"kepu-regions","version":1,"regions":[["440000","广东省"],["440100","广州市"],["440106","天河区"],["441900","东莞市"],["450000","广西壮族自治区"],["450100","南宁市"],["450102","兴宁区"]]}"#,
        )
        .unwrap()
    }

    fn form() -> RegistrationForm {
        RegistrationForm {
            name: " 张  三 ".into(),
            phone: "138 1234 5678".into(),
            region: Some("440106".into()),
            crowd: Some("农民".into()),
        }
    }

    #[test]
    fn phone_rules() {
        assert_eq!(normalize_phone("+86 138-1234-5678").as_deref(), Some("13812345678"));
        for bad in ["1381234567", "23812345678", "12812345678", "1381234567x", ""] {
            assert_eq!(normalize_phone(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_phone_gives_the_slow_person_key_and_nothing_of_the_phone_is_kept() {
        let t = table();
        let p = register(&rules(PhoneField::Required), Some(&t), &form(), 1, nfkc).unwrap();
        assert_eq!(p.name, "张 三");
        // PBKDF2-HMAC-SHA256, 100,000 rounds, checked against an independent computation:
        // hashlib.pbkdf2_hmac('sha256', '张 三\x1f13812345678\x1f440106'.encode(),
        //                     b'kepu-person-key-v1', 100000)[:12].hex()
        assert_eq!(p.id, "ka8fde649d852510eae5c0f28");
        assert_eq!(PERSON_KEY_ROUNDS, 100_000);
        // Neither the phone nor any part of it is kept: a masked 138****5678 next to the key
        // would leave 10,000 guesses instead of every mobile number.
        let kept = serde_json::to_string(&Roster { people: vec![p.clone()], current: Some(p.id.clone()) }).unwrap();
        for part in ["13812345678", "138", "5678", "****"] {
            assert!(!kept.contains(part), "{part} in {kept}");
        }
        // Checked but not yet identified, the form holds the phone in memory only, and never
        // shows it.
        let checked = check_form(&rules(PhoneField::Required), Some(&t), &form(), nfkc).unwrap();
        assert!(checked.has_phone() && !format!("{checked:?}").contains("5678"), "{checked:?}");
        assert_eq!(checked.identify(9), p);
        // The same person on another device gets the same key; another phone another one.
        let again = register(&rules(PhoneField::Required), Some(&t), &form(), 2, nfkc).unwrap();
        assert_eq!(p.id, again.id);
        let mut other = form();
        other.phone = "13812345679".into();
        assert_ne!(p.id, register(&rules(PhoneField::Required), Some(&t), &other, 1, nfkc).unwrap().id);
    }

    #[test]
    fn without_a_phone_the_id_is_random() {
        let t = table();
        let mut f = form();
        f.phone.clear();
        let a = register(&rules(PhoneField::Optional), Some(&t), &f, 0x1234, nfkc).unwrap();
        let b = register(&rules(PhoneField::Optional), Some(&t), &f, 0x5678, nfkc).unwrap();
        assert_eq!(a.id, "r0000000000001234");
        assert_ne!(a.id, b.id, "the same name and region on two registrations are two people");
    }

    #[test]
    fn a_stored_masked_phone_of_an_earlier_build_is_dropped() {
        let old = r#"{"id":"p1","name":"张三","phone":"138****5678","region":"440106"}"#;
        let p: Participant = serde_json::from_str(old).unwrap();
        assert!(!serde_json::to_string(&p).unwrap().contains("5678"));
    }

    #[test]
    fn every_missing_field_is_reported() {
        let t = table();
        let empty = RegistrationForm::default();
        assert_eq!(
            register(&rules(PhoneField::Required), Some(&t), &empty, 0, nfkc).unwrap_err(),
            vec![
                FormProblem::NameMissing,
                FormProblem::PhoneMissing,
                FormProblem::RegionMissing,
                FormProblem::CrowdMissing
            ]
        );
        let mut f = form();
        f.phone = "12345".into();
        f.region = Some("440100".into());
        assert_eq!(
            register(&rules(PhoneField::Optional), Some(&t), &f, 0, nfkc).unwrap_err(),
            vec![FormProblem::PhoneInvalid, FormProblem::RegionIncomplete]
        );
        f.phone.clear();
        f.region = Some("441900".into()); // 东莞 has no counties: a city is complete
        assert!(register(&rules(PhoneField::Optional), Some(&t), &f, 0, nfkc).is_ok());
        f.name = "名".repeat(21);
        assert_eq!(
            register(&rules(PhoneField::Off), Some(&t), &f, 0, nfkc).unwrap_err(),
            vec![FormProblem::NameTooLong]
        );
    }

    #[test]
    fn roster_registers_once_and_switches() {
        let t = table();
        let p = register(&rules(PhoneField::Off), Some(&t), &form(), 1, nfkc).unwrap();
        let mut roster = Roster::default();
        roster.register(p.clone());
        roster.register(p.clone());
        assert_eq!(roster.people.len(), 1);
        let mut f = form();
        f.name = "李四".into();
        let q = register(&rules(PhoneField::Off), Some(&t), &f, 2, nfkc).unwrap();
        roster.register(q.clone());
        assert_eq!(roster.current().map(|x| x.name.as_str()), Some("李四"));
        assert!(roster.select(&p.id));
        assert_eq!(roster.current(), Some(&p));
        assert!(!roster.select("nobody"));
        assert_eq!(roster.current(), Some(&p));
    }

    #[test]
    fn namesakes_are_asked_about_and_keys_recognised() {
        let t = table();
        let rules = rules(PhoneField::Optional);
        let mut f = form();
        f.phone.clear();
        let first = register(&rules, Some(&t), &f, 1, nfkc).unwrap();
        let mut roster = Roster::default();
        assert_eq!(roster.recognise(&first, None), Known::New);
        roster.register(first.clone());
        // The second 张 三 of 天河区 without a phone: the same person, or another?
        let second = register(&rules, Some(&t), &f, 2, nfkc).unwrap();
        assert_eq!(roster.recognise(&second, None), Known::Namesakes(vec![first.id.clone()]));
        roster.register(second.clone());
        assert_eq!(roster.people.len(), 2, "no: a new identity");
        // Elsewhere, the same name is someone else.
        let mut g = f.clone();
        g.region = Some("450102".into());
        assert_eq!(roster.recognise(&register(&rules, Some(&t), &g, 3, nfkc).unwrap(), None), Known::New);
        // With a phone: the key is recognised; a namesake without one is asked about.
        let keyed = register(&rules, Some(&t), &form(), 4, nfkc).unwrap();
        assert_eq!(roster.recognise(&keyed, None), Known::Namesakes(vec![first.id.clone(), second.id.clone()]));
        roster.register(keyed.clone());
        assert_eq!(
            roster.recognise(&register(&rules, Some(&t), &form(), 5, nfkc).unwrap(), None),
            Known::Same(keyed.id)
        );
        // Another phone is another person; only the namesakes without a phone are asked about.
        let mut other = form();
        other.phone = "13912345678".into();
        let other = register(&rules, Some(&t), &other, 6, nfkc).unwrap();
        assert_eq!(roster.recognise(&other, None), Known::Namesakes(vec![first.id.clone(), second.id]));
    }

    #[test]
    fn someone_registered_by_an_earlier_build_is_recognised_by_name_phone_and_region() {
        let t = table();
        // As earlier builds stored 张 三 of 天河区 with 13812345678: FNV-1a of the three (the
        // id `register` gave at commit af3bc14).
        let old = Participant {
            id: "p44b87f193a6fad94".into(),
            name: "张 三".into(),
            region: Some("440106".into()),
            crowd: None,
        };
        assert_eq!(earlier_build_id(&form()).as_deref(), Some(old.id.as_str()));
        let roster = Roster { people: vec![old.clone()], current: None };
        let again = register(&rules(PhoneField::Optional), Some(&t), &form(), 1, nfkc).unwrap();
        assert_eq!(roster.recognise(&again, earlier_build_id(&form()).as_deref()), Known::Same(old.id));
        let mut no_phone = form();
        no_phone.phone.clear();
        assert_eq!(earlier_build_id(&no_phone), None);
    }

    #[test]
    fn a_name_of_only_invisible_characters_is_missing() {
        let t = table();
        let mut f = form();
        f.phone.clear();
        for blank in [
            "\u{200B}\u{200B}",     // zero-width spaces
            "\u{FEFF}",             // a byte-order mark
            "\0",                   // NUL
            "\u{200D} \u{2060}",    // a joiner, a space and a word joiner
            "\u{3164}",             // the Hangul filler (NFKC makes it U+1160, also a filler)
            "\u{00AD}\u{E0041}",    // a soft hyphen and a tag letter
            "\u{202E}\u{2066}\t\n", // bidirectional controls and white space
            "\u{0301}\u{0308}",     // combining marks with nothing to sit on
            "\u{2800}\u{3000}",     // the blank braille pattern, an ideographic space
        ] {
            f.name = blank.into();
            assert_eq!(
                register(&rules(PhoneField::Optional), Some(&t), &f, 0, nfkc).unwrap_err(),
                vec![FormProblem::NameMissing],
                "{blank:?}"
            );
        }
    }

    #[test]
    fn names_are_nfkc_without_invisible_characters() {
        assert_eq!(normalize_name("\u{200B}张\u{200D}伟\u{FEFF}", nfkc), "张伟", "zero-width characters go");
        assert_eq!(normalize_name("Ｌｉ　Ｌｅｉ", nfkc), "Li Lei", "full-width letters and space made plain");
        assert_eq!(normalize_name(" 王\t\u{3000}小\u{0000}明 ", nfkc), "王 小明");
        assert_eq!(normalize_name("e\u{0301}", nfkc), "é", "composed");
        assert_eq!(normalize_name("㈱", nfkc), "(株)", "compatibility forms");
        // The limit counts what is kept: zero-width padding does not make a name too long.
        let t = table();
        let mut f = form();
        f.name = format!("{}{}", "名".repeat(20), "\u{200B}".repeat(30));
        assert_eq!(register(&rules(PhoneField::Optional), Some(&t), &f, 0, nfkc).unwrap().name, "名".repeat(20));
        // The same name typed two ways is the same person key.
        let mut g = form();
        g.name = "张\u{200B}　三".into();
        assert_eq!(
            register(&rules(PhoneField::Optional), Some(&t), &g, 0, nfkc).unwrap().id,
            register(&rules(PhoneField::Optional), Some(&t), &form(), 0, nfkc).unwrap().id
        );
    }

    #[test]
    fn region_scope_is_enforced() {
        let t = table();
        let mut r = rules(PhoneField::Off);
        r.region_scope = Some("450000".into());
        assert_eq!(register(&r, Some(&t), &form(), 0, nfkc).unwrap_err(), vec![FormProblem::RegionIncomplete]);
        let mut f = form();
        f.region = Some("450102".into());
        assert!(register(&r, Some(&t), &f, 0, nfkc).is_ok());
    }
}
