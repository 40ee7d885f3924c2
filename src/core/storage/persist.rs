//! Versioned storage: every stored value is an envelope `{ "version": N, "data": … }`
//! under a key with the `kepu.` prefix. Decoding migrates old versions forward and refuses
//! newer ones, so the web adapter can keep unreadable data aside instead of overwriting it.

use crate::core::Message;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::core::formats::codec::{DecodeError, Json, Meaningful};
use crate::core::play::ledger::{Attempt, AttemptLedger};
use crate::core::Lang;

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
    /// What a record of this kind is, in a message: 成绩, 答题人名单 ….
    pub fn what(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Stored::Roster, Lang::Zh) => "答题人名单",
            (Stored::Roster, Lang::En) => "the list of people",
            (Stored::Ledger, Lang::Zh) => "成绩",
            (Stored::Ledger, Lang::En) => "the result",
            (Stored::Collected, Lang::Zh) => "合并的成绩",
            (Stored::Collected, Lang::En) => "the merged results",
            (Stored::Round, Lang::Zh) => "答题进度",
            (Stored::Round, Lang::En) => "the progress of this round",
            (Stored::Prefs, Lang::Zh) => "显示设置",
            (Stored::Prefs, Lang::En) => "the display settings",
            (Stored::OrganizerPin, Lang::Zh) => "管理密码",
            (Stored::OrganizerPin, Lang::En) => "the PIN",
            (Stored::Banks, Lang::Zh) => "题库",
            (Stored::Banks, Lang::En) => "the bank",
            (Stored::Setup, Lang::Zh) => "竞赛设置",
            (Stored::Setup, Lang::En) => "the contest settings",
            (Stored::Outbox, Lang::Zh) => "待提交的成绩",
            (Stored::Outbox, Lang::En) => "the results waiting to be sent",
            (Stored::CollectorLink, Lang::Zh) => "汇总服务器设置",
            (Stored::CollectorLink, Lang::En) => "the collector settings",
        }
    }

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
    /// 长辈模式: higher contrast, larger targets, one thing per screen, a visible countdown.
    pub older_reader: bool,
    /// 自动朗读: every question is read aloud when it appears.
    pub auto_read: bool,
}

/// A preference a person turns on or off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pref {
    LargeText,
    OlderReader,
    AutoRead,
}

impl Prefs {
    /// Turns `pref` on if it was off, off if it was on.
    pub fn toggle(&mut self, pref: Pref) {
        let flag = match pref {
            Pref::LargeText => &mut self.large_text,
            Pref::OlderReader => &mut self.older_reader,
            Pref::AutoRead => &mut self.auto_read,
        };
        *flag = !*flag;
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StorageError {
    Unreadable(DecodeError),
    NewerVersion(u32),
    /// The browser's storage is full: a record of this kind could not be saved.
    QuotaExceeded(Stored),
    /// Not enough room left to keep a round's progress and its result: the round does not start.
    NoRoomForRound,
    /// The browser does not let the site store anything (site data blocked, a private window).
    Unavailable(String),
}

impl Message for StorageError {
    fn message(&self, lang: Lang) -> String {
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
            (StorageError::QuotaExceeded(Stored::Ledger), Lang::Zh) => "浏览器存储空间已满，成绩未能保存".into(),
            (StorageError::QuotaExceeded(Stored::Ledger), Lang::En) => {
                "Browser storage is full; the result could not be saved".into()
            }
            (StorageError::QuotaExceeded(Stored::Banks), Lang::Zh) => {
                "浏览器存储空间已满：这个题库太大，本机放不下，未能保存（导入报告仍在，可删除其他题库后再保存）".into()
            }
            (StorageError::QuotaExceeded(Stored::Banks), Lang::En) => "Browser storage is full: this bank is too big to keep on this device and was not saved (the import report stays; delete other banks and save again)".into(),
            (StorageError::QuotaExceeded(kind), Lang::Zh) => format!("浏览器存储空间已满，{}未能保存", kind.what(lang)),
            (StorageError::QuotaExceeded(kind), Lang::En) => {
                format!("Browser storage is full; {} could not be saved", kind.what(lang))
            }
            (StorageError::NoRoomForRound, Lang::Zh) => "浏览器存储空间已满，无法开始答题：答题进度和成绩都要保存在本机。请主办方导出成绩文件后清理本网站的数据。".into(),
            (StorageError::NoRoomForRound, Lang::En) => "Browser storage is full, so the round cannot start: its progress and result must be kept on this device. Ask the organizer to export the results file and clear this site's data.".into(),
            (StorageError::Unavailable(e), Lang::Zh) => {
                format!("浏览器不允许本网站保存数据（可能关闭了网站数据，或处于无痕模式；{e}），答题记录无法保存")
            }
            (StorageError::Unavailable(e), Lang::En) => format!(
                "The browser does not let this site save data (site data may be blocked, or this is a private window; {e}); nothing can be kept"
            ),
        }
    }
}

/// Room to keep free when a round starts, in characters: its result is added to the ledger
/// when it ends (about 180 characters for 20 questions), with a wide margin.
pub fn attempt_reserve_chars(questions: usize) -> usize {
    1_024 + 32 * questions
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

impl Meaningful for Prefs {}

pub fn encode<J: Json, T: Serialize>(kind: Stored, data: &T) -> String {
    J::encode(&Envelope { version: kind.version(), data })
}

pub fn decode<J: Json, T: DeserializeOwned + Meaningful>(kind: Stored, text: &str) -> Result<T, StorageError> {
    let data: T = decode_shape::<J, T>(kind, text)?;
    data.meaning().map_err(|(path, why)| {
        StorageError::Unreadable(DecodeError::Shape {
            path: if path.is_empty() { "data".into() } else { format!("data.{path}") },
            reason: crate::core::formats::codec::Reason::Other(why),
        })
    })?;
    Ok(data)
}

/// Reads the envelope and migrates older versions (the shape only).
fn decode_shape<J: Json, T: DeserializeOwned>(kind: Stored, text: &str) -> Result<T, StorageError> {
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
            reason: crate::core::formats::codec::Reason::Other(format!("{v}")),
        })),
    }
}

crate::core::english_display!(StorageError);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::formats::codec::SerdeJson;

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
        let text = include_str!("../../../tests/fixtures/stored/ledger-v1.json");
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
        assert!(StorageError::QuotaExceeded(Stored::Ledger).message(Lang::Zh).contains("已满"));
    }

    #[test]
    fn storage_messages_say_what_was_not_saved_and_why() {
        // "成绩未能保存" is only for a result.
        assert_eq!(StorageError::QuotaExceeded(Stored::Ledger).message(Lang::Zh), "浏览器存储空间已满，成绩未能保存");
        for kind in [Stored::Round, Stored::Roster, Stored::Prefs, Stored::Banks, Stored::Setup, Stored::OrganizerPin] {
            let zh = StorageError::QuotaExceeded(kind).message(Lang::Zh);
            assert!(zh.contains("已满") && !zh.contains("成绩"), "{kind:?}: {zh}");
        }
        assert!(StorageError::QuotaExceeded(Stored::Banks).message(Lang::Zh).contains("题库太大"));
        assert!(StorageError::NoRoomForRound.message(Lang::Zh).contains("无法开始答题"));
        // Storage that is switched off is not called full.
        let off = StorageError::Unavailable("SecurityError".into()).message(Lang::Zh);
        assert!(off.contains("不允许") && !off.contains("已满"), "{off}");
    }
}
