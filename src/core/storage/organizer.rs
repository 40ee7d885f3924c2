//! The organizer's settings on a device: the PIN (stored only as a salted, iterated hash),
//! banks saved from imports, and which bank and rules a contest uses here.

use crate::core::Message;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::core::formats::codec::Json;
use crate::core::model::bank::{Bank, BankError, QuestionType, RawBank, RawQuestion};
use crate::core::model::contest::{Contest, ContestRules, RuleProblem, CONTEST_FORMAT, CONTEST_VERSION};
use crate::core::storage::persist::Stored;
use crate::core::Lang;

pub const PIN_MIN_DIGITS: usize = 4;
/// PBKDF2-HMAC-SHA256 rounds for a new PIN.
pub const PIN_ITERATIONS: u32 = 100_000;

/// The organizer's PIN as stored: never the PIN itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinHash {
    /// `pbkdf2-sha256`; absent in hashes written before it (an iterated SHA-256, still accepted
    /// and replaced on the next correct entry).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kdf: Option<String>,
    pub salt: String,
    pub iterations: u32,
    pub hash: String,
}

const PBKDF2: &str = "pbkdf2-sha256";

fn pbkdf2(pin: &str, salt: &str, iterations: u32) -> String {
    let mut out = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<Sha256>(pin.as_bytes(), salt.as_bytes(), iterations, &mut out);
    hex::encode(out)
}

/// The iterated SHA-256 of the first builds, kept only to accept their stored PINs.
fn legacy(pin: &str, salt: &str, iterations: u32) -> String {
    let mut digest = Sha256::digest(format!("kepu-pin\u{1f}{salt}\u{1f}{pin}").as_bytes());
    for _ in 1..iterations {
        let mut h = Sha256::new();
        h.update(salt.as_bytes());
        h.update(digest);
        digest = h.finalize();
    }
    hex::encode(digest)
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PinProblem {
    TooShort,
    NotDigits,
    Wrong,
}

impl Message for PinProblem {
    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (PinProblem::TooShort, Lang::Zh) => format!("密码至少 {PIN_MIN_DIGITS} 位数字"),
            (PinProblem::TooShort, Lang::En) => format!("The PIN needs at least {PIN_MIN_DIGITS} digits"),
            (PinProblem::NotDigits, Lang::Zh) => "密码只能是数字".into(),
            (PinProblem::NotDigits, Lang::En) => "The PIN may contain digits only".into(),
            (PinProblem::Wrong, Lang::Zh) => "密码错误，请重试".into(),
            (PinProblem::Wrong, Lang::En) => "Wrong PIN, please try again".into(),
        }
    }
}

impl crate::core::formats::codec::Meaningful for ContestSetup {}
impl crate::core::formats::codec::Meaningful for Vec<SavedBank> {}

impl crate::core::formats::codec::Meaningful for PinHash {
    /// A hash this app could have written: hex salt and hash, and a number of rounds the page
    /// can compute (four billion would hold the organizer's page for hours).
    fn meaning(&self) -> Result<(), (String, String)> {
        if !(1..=MAX_PIN_ITERATIONS).contains(&self.iterations) {
            return Err(("iterations".into(), format!("{} rounds", self.iterations)));
        }
        let hex = |s: &str| !s.is_empty() && s.len() <= 128 && s.bytes().all(|b| b.is_ascii_hexdigit());
        if !hex(&self.salt) {
            return Err(("salt".into(), "not hex digits".into()));
        }
        if !hex(&self.hash) {
            return Err(("hash".into(), "not hex digits".into()));
        }
        Ok(())
    }
}

/// The most rounds a stored PIN hash may ask for (this build writes 100,000).
const MAX_PIN_ITERATIONS: u32 = 1_000_000;

impl PinHash {
    /// A new PIN; `salt_seed` comes from the browser's randomness.
    pub fn set(pin: &str, salt_seed: u64) -> Result<PinHash, PinProblem> {
        let pin = pin.trim();
        if !pin.chars().all(|c| c.is_ascii_digit()) {
            return Err(PinProblem::NotDigits);
        }
        if pin.len() < PIN_MIN_DIGITS {
            return Err(PinProblem::TooShort);
        }
        let salt = format!("{salt_seed:016x}");
        Ok(PinHash {
            kdf: Some(PBKDF2.into()),
            hash: pbkdf2(pin, &salt, PIN_ITERATIONS),
            salt,
            iterations: PIN_ITERATIONS,
        })
    }

    /// Checks a PIN. `Ok(Some(hash))` when it was right but stored the old way: store the
    /// returned hash instead.
    pub fn check(&self, pin: &str, salt_seed: u64) -> Result<Option<PinHash>, PinProblem> {
        let pin = pin.trim();
        match self.kdf.as_deref() {
            Some(PBKDF2) if pbkdf2(pin, &self.salt, self.iterations) == self.hash => Ok(None),
            None if legacy(pin, &self.salt, self.iterations) == self.hash => PinHash::set(pin, salt_seed).map(Some),
            _ => Err(PinProblem::Wrong),
        }
    }
}

/// Whether a PIN reset removes what is stored under `key`: the PIN, the saved banks, every
/// contest's setup (the bank chosen and the rules changed on this device) and the results
/// collector's address and token, so whoever resets
/// the PIN at a kiosk inherits none of the previous organizer's banks and rules. Participants'
/// data stays, and so does anything set aside as unreadable (it is never destroyed).
pub fn wiped_by_pin_reset(key: &str) -> bool {
    if key.contains(".unreadable.") {
        return false;
    }
    key == Stored::OrganizerPin.key("")
        || key == Stored::Banks.key("")
        || key == Stored::CollectorLink.key("")
        || key.starts_with(&Stored::Setup.key(""))
}

/// A bank the organizer imported and saved on this device (kept in our JSON format).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedBank {
    pub id: String,
    pub title: String,
    pub source_file: String,
    pub saved_at: i64,
    pub questions: usize,
    pub json: String,
}

impl SavedBank {
    pub fn new(bank: &Bank, source_file: &str, saved_at: i64) -> SavedBank {
        SavedBank {
            id: bank.id.clone(),
            title: bank.title.clone(),
            source_file: source_file.to_string(),
            saved_at,
            questions: bank.questions.len(),
            json: bank.to_json(),
        }
    }

    pub fn bank<J: Json>(&self) -> Result<Bank, BankError> {
        Bank::read::<J>(&self.json)
    }

    /// The type and stem of the first `n` questions, read without reading the rest of the bank
    /// (a preview of a bank of thousands costs no more than one of twenty). Empty if the bank
    /// cannot be read.
    pub fn preview(&self, n: usize) -> Vec<(Option<QuestionType>, String)> {
        use serde::de::{Deserializer, IgnoredAny, SeqAccess, Visitor};
        struct First(usize);
        impl<'de> Visitor<'de> for First {
            type Value = Vec<RawQuestion>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list of questions")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut first = Vec::new();
                while first.len() < self.0 {
                    match seq.next_element::<RawQuestion>()? {
                        Some(q) => first.push(q),
                        None => return Ok(first),
                    }
                }
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(first)
            }
        }
        #[derive(Deserialize)]
        struct Preview {
            #[serde(default)]
            questions: PreviewQuestions,
        }
        #[derive(Default)]
        struct PreviewQuestions(Vec<RawQuestion>);
        impl<'de> Deserialize<'de> for PreviewQuestions {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_seq(First(PREVIEW_MAX)).map(PreviewQuestions)
            }
        }
        const PREVIEW_MAX: usize = 100;
        serde_json::from_str::<Preview>(&self.json)
            .map(|p| p.questions.0.into_iter().take(n).map(|q| (QuestionType::parse(&q.qtype), q.stem)).collect())
            .unwrap_or_default()
    }
}

/// What the organizer changed for a contest on this device.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContestSetup {
    /// Id of a saved bank used instead of the package's bank.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bank_id: Option<String>,
    /// Rules used instead of the package's rules (same contest id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<ContestRules>,
}

/// Checks edited rules against a bank: the rules themselves, then whether the bank fills the mix.
pub fn check_rules(rules: ContestRules, bank: &Bank) -> Result<Contest, Vec<RuleProblem>> {
    let contest = Contest::new(rules).map_err(|e| match e {
        crate::core::model::contest::ContestError::Rules(p) => p,
        _ => Vec::new(),
    })?;
    let shortfalls = contest.shortfalls(bank);
    if shortfalls.is_empty() {
        Ok(contest)
    } else {
        Err(shortfalls)
    }
}

/// One self-contained contest package (rules + inline bank) that can be put in `questions/`.
pub fn contest_package(rules: &ContestRules, bank: &Bank) -> String {
    #[derive(Serialize)]
    struct Package<'a> {
        format: &'a str,
        version: u32,
        rules: &'a ContestRules,
        bank: RawBank,
    }
    let package = Package { format: CONTEST_FORMAT, version: CONTEST_VERSION, rules, bank: bank.to_raw() };
    serde_json::to_string_pretty(&package).expect("our types always serialize")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::bank::QuestionType;
    use crate::core::model::contest::tests::{bank, rules};
    use crate::core::model::contest::{BankSource, MixItem};

    #[test]
    fn pin_is_salted_and_checked() {
        let a = PinHash::set("2468", 1).unwrap();
        let b = PinHash::set("2468", 2).unwrap();
        assert_ne!(a.hash, b.hash, "different salts, different hashes");
        assert!(!a.hash.contains("2468") && !a.salt.contains("2468"));
        assert_eq!(a.check("2468", 9), Ok(None));
        assert_eq!(a.check(" 2468 ", 9), Ok(None));
        assert_eq!(a.check("2469", 9), Err(PinProblem::Wrong));
        assert_eq!(a.kdf.as_deref(), Some("pbkdf2-sha256"));
        // PBKDF2-HMAC-SHA256 itself, checked against an independent computation (Python's
        // hashlib.pbkdf2_hmac('sha256', b'2468', b'0000000000000001', 100000).hex()).
        assert_eq!(a.salt, "0000000000000001");
        assert_eq!(a.hash, PBKDF2_2468);
        assert_eq!(PinHash::set("123", 1), Err(PinProblem::TooShort));
        assert_eq!(PinHash::set("12a4", 1), Err(PinProblem::NotDigits));
        assert_eq!(a.hash.len(), 64);
    }

    const PBKDF2_2468: &str = "4a0c41e405c7d6564b60b5e34d97c014df99086e091c8b1b15c1b4e8b9c40838";

    #[test]
    fn a_pin_stored_the_old_way_is_accepted_once_and_upgraded() {
        // As the first builds stored it: no `kdf`, 20,000 rounds of salted SHA-256.
        let old: PinHash = serde_json::from_str(&format!(
            r#"{{"salt":"ab","iterations":20000,"hash":"{}"}}"#,
            legacy("1357", "ab", 20_000)
        ))
        .unwrap();
        assert_eq!(old.check("1358", 3), Err(PinProblem::Wrong));
        let new = old.check("1357", 3).unwrap().expect("an upgrade");
        assert_eq!(new.kdf.as_deref(), Some("pbkdf2-sha256"));
        assert_eq!(new.iterations, PIN_ITERATIONS);
        assert_eq!(new.check("1357", 4), Ok(None));
    }

    #[test]
    fn a_pin_reset_wipes_every_bank_and_setup_but_no_results() {
        for key in [
            "kepu.v1.organizer.pin",
            "kepu.v1.banks",
            "kepu.v1.setup.kepu-demo",
            "kepu.v1.setup.other",
            "kepu.v1.organizer.collector",
        ] {
            assert!(wiped_by_pin_reset(key), "{key}");
        }
        for key in [
            "kepu.v1.roster",
            "kepu.v1.prefs",
            "kepu.v1.ledger.kepu-demo",
            "kepu.v1.round.kepu-demo",
            "kepu.v1.collected.kepu-demo",
            "kepu.v1.outbox.kepu-demo",
            "kepu.v1.setup.kepu-demo.unreadable.1795393800000",
            "kepu.v1.banks.unreadable.1",
            "other.setup",
        ] {
            assert!(!wiped_by_pin_reset(key), "{key}");
        }
    }

    #[test]
    fn saved_bank_round_trips() {
        let b = bank();
        let saved = SavedBank::new(&b, "题库.xlsx", 5);
        assert_eq!(saved.questions, 8);
        assert_eq!(saved.bank::<crate::core::formats::codec::SerdeJson>().unwrap(), b);
    }

    #[test]
    fn a_preview_reads_the_first_questions_only() {
        let b = bank();
        let saved = SavedBank::new(&b, "题库.xlsx", 5);
        let preview = saved.preview(3);
        assert_eq!(preview.len(), 3);
        assert_eq!(preview[0], (Some(b.questions[0].qtype), b.questions[0].stem.clone()));
        assert_eq!(saved.preview(100).len(), 8);
        let broken = SavedBank { json: "{".into(), ..saved };
        assert_eq!(broken.preview(3), vec![]);
    }

    #[test]
    fn edited_rules_are_refused_with_the_shortfall() {
        let mut r = rules();
        r.round.mix.push(MixItem { qtype: QuestionType::Single, category: Some("丙".into()), count: 2 });
        let problems = check_rules(r, &bank()).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message(Lang::Zh).contains("“丙”类单选题 需要 2 道，只有 0 道"));
        let mut r = rules();
        r.title = " ".into();
        assert_eq!(check_rules(r, &bank()).unwrap_err(), vec![RuleProblem::MissingField("title")]);
        assert!(check_rules(rules(), &bank()).is_ok());
    }

    #[test]
    fn package_opens_as_a_contest_with_its_bank_inline() {
        let text = contest_package(&rules(), &bank());
        let (c, src) = Contest::from_json(&text).unwrap();
        assert_eq!(c.rules, rules());
        assert!(matches!(src, BankSource::Inline(b) if *b == bank()));
    }
}
