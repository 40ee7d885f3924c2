//! Versioned storage: every stored value is an envelope `{ "version": N, "data": … }`
//! under a key with the `kepu.` prefix. Decoding migrates old versions forward and refuses
//! newer ones, so the web adapter can keep unreadable data aside instead of overwriting it.

use super::json::{self, FromJson, ObjectWriter, ToJson};
use super::ledger::{Attempt, AttemptLedger};
use super::Lang;

pub const KEY_PREFIX: &str = "kepu.v1.";

/// What is stored, each under its own key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stored {
    /// People registered on this device and who is answering now.
    Roster,
    /// Finished attempts of one contest on this device.
    Ledger,
    /// Attempts the organizer merged in from other devices' results files (in IndexedDB,
    /// which holds far more than localStorage); the same encoding as `Ledger`.
    Collected,
    /// The round in progress, so a reload resumes it.
    Round,
    /// Language and text size.
    Prefs,
    /// The organizer's PIN hash.
    OrganizerPin,
    /// Banks the organizer saved on this device.
    Banks,
    /// Which bank and rules a contest uses on this device.
    Setup,
}

impl Stored {
    /// The current data version of this kind of record.
    pub fn version(self) -> u32 {
        match self {
            // 2: the compact ledger of `ledger_codec` (1 was a JSON object per attempt).
            Stored::Ledger | Stored::Collected => 2,
            _ => 1,
        }
    }

    /// The localStorage key, per contest where the data belongs to one.
    pub fn key(self, contest_id: &str) -> String {
        match self {
            Stored::Roster => format!("{KEY_PREFIX}roster"),
            Stored::Prefs => format!("{KEY_PREFIX}prefs"),
            Stored::Ledger => format!("{KEY_PREFIX}ledger.{contest_id}"),
            Stored::Round => format!("{KEY_PREFIX}round.{contest_id}"),
            Stored::OrganizerPin => format!("{KEY_PREFIX}organizer.pin"),
            Stored::Banks => format!("{KEY_PREFIX}banks"),
            Stored::Setup => format!("{KEY_PREFIX}setup.{contest_id}"),
            Stored::Collected => format!("{KEY_PREFIX}collected.{contest_id}"),
        }
    }
}

/// A person's display choices on this device.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Prefs {
    pub lang: Lang,
    pub large_text: bool,
}

crate::json_object!(Prefs { lang: "lang" = Lang::Zh, large_text: "large_text" = false });

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StorageError {
    #[error("stored data unreadable: {0}")]
    Unreadable(String),
    #[error("stored data version {0} is newer than this app")]
    NewerVersion(u32),
    #[error("storage full")]
    QuotaExceeded,
    #[error("storage unavailable: {0}")]
    Unavailable(String),
}

impl StorageError {
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (StorageError::Unreadable(e), Lang::Zh) => format!("本机保存的数据无法读取（{e}），原数据已保留未改动"),
            (StorageError::Unreadable(e), Lang::En) => {
                format!("Saved data could not be read ({e}); it has been kept unchanged")
            }
            (StorageError::NewerVersion(v), Lang::Zh) => format!("本机数据来自更新版本的程序（版本 {v}），请刷新页面"),
            (StorageError::NewerVersion(v), Lang::En) => {
                format!("Saved data comes from a newer version of the app (version {v}); please reload")
            }
            (StorageError::QuotaExceeded, Lang::Zh) => "浏览器存储空间已满，成绩未能保存".into(),
            (StorageError::QuotaExceeded, Lang::En) => "Browser storage is full; the result could not be saved".into(),
            (StorageError::Unavailable(e), Lang::Zh) => format!("浏览器不允许保存数据（{e}）"),
            (StorageError::Unavailable(e), Lang::En) => format!("The browser does not allow saving data ({e})"),
        }
    }
}

pub fn encode<T: ToJson>(kind: Stored, data: &T) -> String {
    let mut out = String::new();
    ObjectWriter::new(&mut out).field("version", &kind.version()).field("data", data).end();
    out
}

pub fn decode<T: FromJson>(kind: Stored, text: &str) -> Result<T, StorageError> {
    let unreadable = |e: json::Error| StorageError::Unreadable(e.to_string());
    let envelope = json::parse(text).map_err(unreadable)?;
    let envelope = envelope.object().map_err(unreadable)?;
    let version: u32 = envelope.field("version").map_err(unreadable)?;
    let data = envelope.require("data").map_err(unreadable)?;
    match (kind, version) {
        (_, v) if v > kind.version() => Err(StorageError::NewerVersion(v)),
        (_, v) if v == kind.version() => T::from_json(data).map_err(unreadable),
        // Older versions are brought forward here, one arm per step.
        (Stored::Ledger, 1) => {
            let attempts: Vec<Attempt> = data.object().and_then(|o| o.field("attempts")).map_err(unreadable)?;
            json::from_str(&json::to_string(&AttemptLedger { attempts })).map_err(unreadable)
        }
        (_, v) => Err(StorageError::Unreadable(format!("version {v}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_round_trip_and_keys() {
        let l = AttemptLedger::default();
        let text = encode(Stored::Ledger, &l);
        assert_eq!(text, r#"{"version":2,"data":{"c":[],"p":[],"b":[],"q":[],"attempts":[]}}"#);
        assert_eq!(decode::<AttemptLedger>(Stored::Ledger, &text), Ok(l));
        assert_eq!(Stored::Ledger.key("c1"), "kepu.v1.ledger.c1");
        assert_eq!(Stored::Roster.key("c1"), "kepu.v1.roster");
    }

    #[test]
    fn v1_fixture_loads() {
        let text = include_str!("../../tests/fixtures/stored/ledger-v1.json");
        let l: AttemptLedger = decode(Stored::Ledger, text).unwrap();
        assert_eq!(l.attempts.len(), 1);
        assert_eq!(l.attempts[0].score, 35);
        assert_eq!(l.attempts[0].phone.as_deref(), Some("138****5678"));
    }

    #[test]
    fn unreadable_and_newer_data_are_errors_not_defaults() {
        assert!(matches!(
            decode::<AttemptLedger>(Stored::Ledger, r#"{"version":1,"data":{"attem"#),
            Err(StorageError::Unreadable(_))
        ));
        assert!(matches!(
            decode::<AttemptLedger>(Stored::Ledger, r#"{"version":1,"data":{"attempts":5}}"#),
            Err(StorageError::Unreadable(_))
        ));
        assert_eq!(
            decode::<AttemptLedger>(Stored::Ledger, r#"{"version":7,"data":{}}"#),
            Err(StorageError::NewerVersion(7))
        );
        assert!(matches!(
            decode::<AttemptLedger>(Stored::Ledger, r#"{"version":0,"data":{}}"#),
            Err(StorageError::Unreadable(_))
        ));
        assert!(StorageError::QuotaExceeded.message(Lang::Zh).contains("已满"));
    }
}
