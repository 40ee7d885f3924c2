//! Results files exchanged between devices (the `export-ledger` / `ledger-file` pair): one
//! contest's attempts with a SHA-256 checksum, read back with every refusal explained, and
//! merged into a ledger without ever changing a record already there.

use sha2::{Digest, Sha256};

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::codec::{self, DecodeError, Json, SerdeJson};
use super::ledger::{Attempt, AttemptLedger};
use super::rng::FastMap;
use super::Lang;

pub const LEDGER_FORMAT: &str = "kepu-ledger";
/// 2: the attempts in the compact stored form of `ledger_codec` (a third of version 1's
/// size); 1 (still read): one JSON object per attempt.
pub const LEDGER_VERSION: u32 = 2;

// A results file: `format`, `version`, `contest_id`, `device`, `exported_at`, `count`, then
// `ledger` (version 2: the compact ledger, checksummed exactly as written) or `attempts`
// (version 1: one object per attempt), and `checksum`.

/// Lowercase hex SHA-256 of the contest id, a newline, and the attempts' JSON as written in
/// the file: any change to a record or to the id breaks it.
fn checksum(contest_id: &str, attempts_json: &str) -> String {
    let digest =
        Sha256::new().chain_update(contest_id.as_bytes()).chain_update(b"\n").chain_update(attempts_json).finalize();
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes this device's results file for `contest_id`. Only that contest's attempts are
/// included, so the file never carries records another device would refuse.
pub fn export_ledger<J: Json>(contest_id: &str, device_label: &str, attempts: &[Attempt], now_ms: i64) -> String {
    let ledger = AttemptLedger { attempts: attempts.iter().filter(|a| a.contest_id == contest_id).cloned().collect() };
    let json = J::encode(&ledger);
    let head = J::encode(&FileHead {
        format: LEDGER_FORMAT,
        version: LEDGER_VERSION,
        contest_id,
        device: device_label,
        exported_at: now_ms,
        count: ledger.attempts.len(),
    });
    // The ledger goes in exactly as written, so the checksum covers these very bytes.
    let head = head.strip_suffix('}').unwrap_or(&head);
    format!(r#"{head},"ledger":{json},"checksum":"{}"}}"#, checksum(contest_id, &json))
}

/// A results file's fields before its ledger.
#[derive(Serialize)]
struct FileHead<'a> {
    format: &'a str,
    version: u32,
    contest_id: &'a str,
    device: &'a str,
    exported_at: i64,
    count: usize,
}

/// A results file as read: the version-2 ledger kept as written, for its checksum.
#[derive(Deserialize)]
struct File<'a> {
    contest_id: String,
    #[allow(dead_code)]
    device: String,
    #[allow(dead_code)]
    exported_at: i64,
    count: usize,
    checksum: String,
    #[serde(borrow, default)]
    ledger: Option<&'a RawValue>,
    /// Version 1: checksummed exactly as written too.
    #[serde(borrow, default)]
    attempts: Option<&'a RawValue>,
}

/// Why a results file was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LedgerFileError {
    #[error("not a kepu-quiz results file")]
    NotALedger,
    #[error("the results file is damaged: {0}")]
    Json(DecodeError),
    #[error("the results file has neither a ledger nor attempts")]
    NoAttempts,
    #[error("results file version {0} is newer than this app")]
    NewerVersion(u32),
    #[error("the results file belongs to contest {found}")]
    ForeignContest { found: String },
    #[error("the results file failed its checksum")]
    Tampered,
    #[error("the results file's record count does not match")]
    CountMismatch,
}

impl LedgerFileError {
    pub fn message(&self, lang: Lang) -> String {
        use LedgerFileError::*;
        match (self, lang) {
            (NotALedger, Lang::Zh) => "这不是科普答题的成绩文件".into(),
            (NotALedger, Lang::En) => "this is not a kepu-quiz results file".into(),
            (Json(e), Lang::Zh) => format!("成绩文件已损坏，无法读取：{}", e.message(lang)),
            (Json(e), Lang::En) => format!("the results file is damaged and cannot be read: {}", e.message(lang)),
            (NoAttempts, Lang::Zh) => "成绩文件中没有成绩记录（缺少 ledger）".into(),
            (NoAttempts, Lang::En) => "the results file holds no records (ledger is missing)".into(),
            (NewerVersion(v), Lang::Zh) => format!("成绩文件格式版本 {v} 比本程序新，请先更新程序"),
            (NewerVersion(v), Lang::En) => format!("results file version {v} is newer than this app; please update"),
            (ForeignContest { found }, Lang::Zh) => format!("这是另一场竞赛（{found}）的成绩文件，不能合并到本竞赛"),
            (ForeignContest { found }, Lang::En) => {
                format!("this results file belongs to another contest ({found}) and cannot be merged here")
            }
            (Tampered, Lang::Zh) => "文件校验不通过，可能被修改过".into(),
            (Tampered, Lang::En) => "the file failed its checksum; it may have been modified".into(),
            (CountMismatch, Lang::Zh) => "文件中的记录条数与标注不符，文件可能不完整".into(),
            (CountMismatch, Lang::En) => {
                "the number of records does not match the file's count; it may be incomplete".into()
            }
        }
    }
}

/// Reads a results file for `contest_id`, refusing files of other contests (or holding
/// their records), newer formats, and any file whose checksum or count does not hold.
pub fn read_ledger_file(text: &str, contest_id: &str) -> Result<Vec<Attempt>, LedgerFileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let refused = |e| match e {
        // Something that starts like JSON is a damaged file; anything else is the wrong file.
        codec::HeaderError::Json(e) if text.trim_start().starts_with('{') => LedgerFileError::Json(e),
        codec::HeaderError::Json(_) | codec::HeaderError::WrongFormat => LedgerFileError::NotALedger,
        codec::HeaderError::NewerVersion(v) => LedgerFileError::NewerVersion(v),
    };
    codec::read_header::<SerdeJson>(text, LEDGER_FORMAT, LEDGER_VERSION).map_err(refused)?;
    let file: File = SerdeJson::decode_borrowed(text).map_err(LedgerFileError::Json)?;
    if file.contest_id != contest_id {
        return Err(LedgerFileError::ForeignContest { found: file.contest_id });
    }
    let verify = |json: &str| match file.checksum.eq_ignore_ascii_case(&checksum(&file.contest_id, json)) {
        true => Ok(()),
        false => Err(LedgerFileError::Tampered),
    };
    let attempts = match (file.ledger, file.attempts) {
        (Some(ledger), None) => {
            verify(ledger.get())?;
            SerdeJson::decode::<AttemptLedger>(ledger.get())
                .map_err(|e| LedgerFileError::Json(e.within("ledger")))?
                .attempts
        }
        (None, Some(attempts)) => {
            verify(attempts.get())?;
            SerdeJson::decode::<Vec<Attempt>>(attempts.get())
                .map_err(|e| LedgerFileError::Json(e.within("attempts")))?
        }
        _ => return Err(LedgerFileError::NoAttempts),
    };
    let count = file.count;
    if count != attempts.len() {
        return Err(LedgerFileError::CountMismatch);
    }
    if let Some(a) = attempts.iter().find(|a| a.contest_id != contest_id) {
        return Err(LedgerFileError::ForeignContest { found: a.contest_id.clone() });
    }
    Ok(attempts)
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MergeReport {
    pub added: usize,
    /// Same id and same content: already here.
    pub already_present: usize,
    /// Same id, different content: the record already here is kept untouched.
    pub conflicting: usize,
}

/// Merges attempts into the ledger, de-duplicated by `Attempt::id`; records already there
/// never change. Merging the same file twice adds nothing, and A then B gives the same set
/// of attempt ids as B then A.
pub fn merge_into(ledger: &mut AttemptLedger, incoming: Vec<Attempt>) -> MergeReport {
    let mut index: FastMap<String, usize> =
        ledger.attempts.iter().enumerate().map(|(i, a)| (a.id.clone(), i)).collect();
    let mut report = MergeReport::default();
    for attempt in incoming {
        match index.get(&attempt.id) {
            Some(&i) if ledger.attempts[i] == attempt => report.already_present += 1,
            Some(_) => report.conflicting += 1,
            None => {
                index.insert(attempt.id.clone(), ledger.attempts.len());
                ledger.attempts.push(attempt);
                report.added += 1;
            }
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attempt(id: &str, contest: &str) -> Attempt {
        Attempt {
            id: id.into(),
            contest_id: contest.into(),
            participant_id: "p1".into(),
            name: "张三".into(),
            region: None,
            crowd: None,
            started_at: 1_795_393_800_000,
            finished_at: 1_795_393_860_000,
            questions: vec!["t1".into()],
            answers: vec![1],
            score: 5,
            max_score: 5,
            correct: 1,
            time_used_ms: 60_000,
            question_ds: vec![600],
            rules_revision: 1,
            bank: "b@1".into(),
            rules_hash: None,
        }
    }

    #[test]
    fn export_keeps_only_the_contests_own_attempts() {
        let text = export_ledger::<SerdeJson>("c1", "一号机", &[attempt("x", "c1"), attempt("y", "c2")], 7);
        let back = read_ledger_file(&text, "c1").unwrap();
        assert_eq!(back.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(), vec!["x"]);
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["count"], 1);
        assert_eq!(v["device"], "一号机");
        assert_eq!(v["exported_at"], 7);
    }

    #[test]
    fn a_foreign_record_inside_a_valid_file_is_refused() {
        // A file whose checksum holds (as another build might write it) but with a record
        // of another contest among its attempts.
        let text = export_ledger::<SerdeJson>("c1", "d", &[attempt("x", "c1"), attempt("y", "c1")], 0);
        let json = SerdeJson::encode(&AttemptLedger { attempts: vec![attempt("x", "c1"), attempt("y", "c2")] });
        let (start, end) = (text.find(r#""ledger":"#).unwrap() + 9, text.find(r#","checksum":"#).unwrap());
        let old_sum = &text[end + 13..end + 13 + 64];
        let forged = format!("{}{json}{}", &text[..start], &text[end..]).replace(old_sum, &checksum("c1", &json));
        assert_eq!(read_ledger_file(&forged, "c1"), Err(LedgerFileError::ForeignContest { found: "c2".into() }));
    }

    #[test]
    fn count_mismatch_and_newer_version() {
        let text = export_ledger::<SerdeJson>("c1", "d", &[attempt("x", "c1")], 0);
        let wrong_count = text.replace(r#""count":1"#, r#""count":2"#);
        assert_ne!(wrong_count, text);
        assert_eq!(read_ledger_file(&wrong_count, "c1"), Err(LedgerFileError::CountMismatch));
        let newer = text.replace(r#""version":2"#, r#""version":3"#);
        assert_eq!(read_ledger_file(&newer, "c1"), Err(LedgerFileError::NewerVersion(3)));
        assert!(LedgerFileError::NewerVersion(3).message(Lang::Zh).contains("版本 3"));
    }

    #[test]
    fn checksum_covers_the_contest_id() {
        let a = "[]";
        assert_ne!(checksum("c1", a), checksum("c2", a));
        assert_eq!(checksum("c1", a).len(), 64);
        assert!(checksum("c1", a).bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
    }
}
