//! Versioned storage: every stored value is an envelope `{ "version": N, "data": … }`
//! under a key with the `kepu.` prefix. Decoding migrates old versions forward and refuses
//! newer ones, so the web adapter can keep unreadable data aside instead of overwriting it.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::codec::{DecodeError, Json};
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
    /// Attempts waiting for the contest's results collector, and what became of those sent.
    Outbox,
    /// The organizer's results collector: its address and token (live counts).
    CollectorLink,
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
            Stored::Outbox => format!("{KEY_PREFIX}outbox.{contest_id}"),
            Stored::CollectorLink => format!("{KEY_PREFIX}organizer.collector"),
        }
    }
}

/// A person's display choices on this device.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Prefs {
    pub lang: Lang,
    pub large_text: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StorageError {
    #[error("stored data unreadable: {0}")]
    Unreadable(DecodeError),
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
            (StorageError::Unreadable(e), Lang::Zh) => {
                format!("本机保存的数据无法读取（{}），原数据已保留未改动", e.message(lang))
            }
            (StorageError::Unreadable(e), Lang::En) => {
                format!("Saved data could not be read ({}); it has been kept unchanged", e.message(lang))
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

/// The envelope every stored value travels in.
#[derive(Serialize, Deserialize)]
struct Envelope<T> {
    version: u32,
    data: T,
}

/// Version 1 of the ledger: one object per attempt.
#[derive(Deserialize)]
struct LedgerV1 {
    attempts: Vec<Attempt>,
}

pub fn encode<J: Json, T: Serialize>(kind: Stored, data: &T) -> String {
    J::encode(&Envelope { version: kind.version(), data })
}

pub fn decode<J: Json, T: DeserializeOwned>(kind: Stored, text: &str) -> Result<T, StorageError> {
    #[derive(Deserialize)]
    struct Version {
        version: u32,
    }
    // One parse on the usual path (a tablet's ledger is megabytes); the version alone is read
    // only when the record is not of today's shape.
    let current = J::decode::<Envelope<T>>(text);
    let version = match &current {
        Ok(envelope) => envelope.version,
        Err(_) => J::decode::<Version>(text).map_err(StorageError::Unreadable)?.version,
    };
    match (kind, version) {
        (_, v) if v > kind.version() => Err(StorageError::NewerVersion(v)),
        (_, v) if v == kind.version() => current.map(|e| e.data).map_err(StorageError::Unreadable),
        // Older versions are brought forward here, one arm per step.
        (Stored::Ledger, 1) => {
            let v1 = J::decode::<Envelope<LedgerV1>>(text).map_err(StorageError::Unreadable)?.data;
            let ledger = J::encode(&AttemptLedger { attempts: v1.attempts });
            J::decode(&ledger).map_err(|e: DecodeError| StorageError::Unreadable(e.within("data")))
        }
        (_, v) => Err(StorageError::Unreadable(DecodeError::Shape {
            path: "version".into(),
            reason: super::codec::Reason::Other(format!("{v}")),
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::codec::SerdeJson;

    #[test]
    fn envelope_round_trip_and_keys() {
        let l = AttemptLedger::default();
        let text = encode::<SerdeJson, _>(Stored::Ledger, &l);
        assert_eq!(text, r#"{"version":2,"data":{"c":[],"p":[],"b":[],"q":[],"attempts":[]}}"#);
        assert_eq!(decode::<SerdeJson, AttemptLedger>(Stored::Ledger, &text), Ok(l));
        assert_eq!(Stored::Ledger.key("c1"), "kepu.v1.ledger.c1");
        assert_eq!(Stored::Roster.key("c1"), "kepu.v1.roster");
    }

    #[test]
    fn v1_fixture_loads() {
        let text = include_str!("../../tests/fixtures/stored/ledger-v1.json");
        let l: AttemptLedger = decode::<SerdeJson, _>(Stored::Ledger, text).unwrap();
        assert_eq!(l.attempts.len(), 1);
        assert_eq!(l.attempts[0].score, 35);
        // The masked phone of earlier builds is not carried on.
        assert!(text.contains("138****5678") && !encode::<SerdeJson, _>(Stored::Ledger, &l).contains("5678"));
    }

    #[test]
    fn unreadable_and_newer_data_are_errors_not_defaults() {
        assert!(matches!(
            decode::<SerdeJson, AttemptLedger>(Stored::Ledger, r#"{"version":1,"data":{"attem"#),
            Err(StorageError::Unreadable(_))
        ));
        assert!(matches!(
            decode::<SerdeJson, AttemptLedger>(Stored::Ledger, r#"{"version":1,"data":{"attempts":5}}"#),
            Err(StorageError::Unreadable(_))
        ));
        assert_eq!(
            decode::<SerdeJson, AttemptLedger>(Stored::Ledger, r#"{"version":7,"data":{}}"#),
            Err(StorageError::NewerVersion(7))
        );
        assert!(matches!(
            decode::<SerdeJson, AttemptLedger>(Stored::Ledger, r#"{"version":0,"data":{}}"#),
            Err(StorageError::Unreadable(_))
        ));
        assert!(StorageError::QuotaExceeded.message(Lang::Zh).contains("已满"));
    }
}
