//! Participants on a device: registration checks, identity, and phone privacy.

use serde::{Deserialize, Serialize};

use super::contest::{PhoneField, Registration};
use super::region::RegionTable;
use super::rng::fnv1a64;
use super::Lang;

/// Crowd groups a person can register in.
pub const CROWD_CHOICES: [&str; 6] = ["青少年", "农民", "产业工人", "老年人", "领导干部和公务员", "其他"];
pub const NAME_MAX_CHARS: usize = 20;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    /// Identity on the device: a hash of name + phone + region.
    pub id: String,
    pub name: String,
    /// Only the masked phone is kept, e.g. `138****1234`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
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

    /// Makes a registered participant the one answering; false if unknown.
    pub fn select(&mut self, id: &str) -> bool {
        let known = self.get(id).is_some();
        if known {
            self.current = Some(id.to_string());
        }
        known
    }
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

impl FormProblem {
    pub fn field(&self) -> Field {
        match self {
            FormProblem::NameMissing | FormProblem::NameTooLong => Field::Name,
            FormProblem::PhoneMissing | FormProblem::PhoneInvalid => Field::Phone,
            FormProblem::RegionMissing | FormProblem::RegionIncomplete => Field::Region,
            FormProblem::CrowdMissing => Field::Crowd,
        }
    }

    pub fn message(&self, lang: Lang) -> String {
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

/// Normalises a mainland mobile number (spaces, dashes and a +86 prefix allowed).
pub fn normalize_phone(text: &str) -> Option<String> {
    let digits: String = text.chars().filter(|c| !matches!(c, ' ' | '-' | '\u{3000}')).collect();
    let digits = digits.strip_prefix("+86").or_else(|| digits.strip_prefix("0086")).unwrap_or(&digits).to_string();
    let b = digits.as_bytes();
    let ok = b.len() == 11 && b.iter().all(u8::is_ascii_digit) && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]);
    ok.then_some(digits)
}

/// `13812341234` → `138****1234`.
pub fn mask_phone(phone: &str) -> String {
    if phone.len() == 11 && phone.is_ascii() {
        format!("{}****{}", &phone[..3], &phone[7..])
    } else {
        "****".to_string()
    }
}

/// Checks a registration form against the contest's rules and builds the participant.
pub fn register(
    rules: &Registration,
    regions: Option<&RegionTable>,
    form: &RegistrationForm,
) -> Result<Participant, Vec<FormProblem>> {
    let mut problems = Vec::new();
    let name: String = form.name.split_whitespace().collect::<Vec<_>>().join(" ");
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
    let key = format!("{name}\u{1f}{}\u{1f}{}", phone.as_deref().unwrap_or(""), region.as_deref().unwrap_or(""));
    Ok(Participant {
        id: format!("p{:016x}", fnv1a64(key.as_bytes())),
        name,
        phone: phone.as_deref().map(mask_phone),
        region,
        crowd,
    })
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
        assert_eq!(mask_phone("13812345678"), "138****5678");
    }

    #[test]
    fn registers_with_masked_phone_and_stable_id() {
        let t = table();
        let p = register(&rules(PhoneField::Required), Some(&t), &form()).unwrap();
        assert_eq!(p.name, "张 三");
        assert_eq!(p.phone.as_deref(), Some("138****5678"));
        assert!(!format!("{p:?}").contains("13812345678"), "the full phone is never kept");
        let again = register(&rules(PhoneField::Required), Some(&t), &form()).unwrap();
        assert_eq!(p.id, again.id);
        let mut other = form();
        other.phone = "13812345679".into();
        assert_ne!(p.id, register(&rules(PhoneField::Required), Some(&t), &other).unwrap().id);
    }

    #[test]
    fn every_missing_field_is_reported() {
        let t = table();
        let empty = RegistrationForm::default();
        assert_eq!(
            register(&rules(PhoneField::Required), Some(&t), &empty).unwrap_err(),
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
            register(&rules(PhoneField::Optional), Some(&t), &f).unwrap_err(),
            vec![FormProblem::PhoneInvalid, FormProblem::RegionIncomplete]
        );
        f.phone.clear();
        f.region = Some("441900".into()); // 东莞 has no counties: a city is complete
        assert!(register(&rules(PhoneField::Optional), Some(&t), &f).is_ok());
        f.name = "名".repeat(21);
        assert_eq!(register(&rules(PhoneField::Off), Some(&t), &f).unwrap_err(), vec![FormProblem::NameTooLong]);
    }

    #[test]
    fn roster_registers_once_and_switches() {
        let t = table();
        let p = register(&rules(PhoneField::Off), Some(&t), &form()).unwrap();
        let mut roster = Roster::default();
        roster.register(p.clone());
        roster.register(p.clone());
        assert_eq!(roster.people.len(), 1);
        let mut f = form();
        f.name = "李四".into();
        let q = register(&rules(PhoneField::Off), Some(&t), &f).unwrap();
        roster.register(q.clone());
        assert_eq!(roster.current().map(|x| x.name.as_str()), Some("李四"));
        assert!(roster.select(&p.id));
        assert_eq!(roster.current(), Some(&p));
        assert!(!roster.select("nobody"));
        assert_eq!(roster.current(), Some(&p));
    }

    #[test]
    fn region_scope_is_enforced() {
        let t = table();
        let mut r = rules(PhoneField::Off);
        r.region_scope = Some("450000".into());
        assert_eq!(register(&r, Some(&t), &form()).unwrap_err(), vec![FormProblem::RegionIncomplete]);
        let mut f = form();
        f.region = Some("450102".into());
        assert!(register(&r, Some(&t), &f).is_ok());
    }
}
