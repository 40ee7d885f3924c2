//! Results files exchanged between devices (the `export-ledger` / `ledger-file` pair): one
//! contest's attempts with a SHA-256 checksum, read back with every refusal explained, and
//! merged into a ledger without ever changing a record already there.

use sha2::{Digest, Sha256};

use super::json::{self, FromJson, ObjectWriter};
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
pub fn export_ledger(contest_id: &str, device_label: &str, attempts: &[Attempt], now_ms: i64) -> String {
    let ledger = AttemptLedger { attempts: attempts.iter().filter(|a| a.contest_id == contest_id).cloned().collect() };
    let json = json::to_string(&ledger);
    let mut out = String::new();
    ObjectWriter::new(&mut out)
        .field("format", LEDGER_FORMAT)
        .field("version", &LEDGER_VERSION)
        .field("contest_id", contest_id)
        .field("device", device_label)
        .field("exported_at", &now_ms)
        .field("count", &ledger.attempts.len())
        .field("ledger", &json::Raw(&json))
        .field("checksum", &checksum(contest_id, &json))
        .end();
    out
}

/// Why a results file was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LedgerFileError {
    #[error("not a kepu-quiz results file")]
    NotALedger,
    #[error("the results file is damaged: {0}")]
    Json(String),
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
            (Json(e), Lang::Zh) => format!("成绩文件已损坏，无法读取：{e}"),
            (Json(e), Lang::En) => format!("the results file is damaged and cannot be read: {e}"),
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
        super::HeaderError::Json(e) if text.trim_start().starts_with('{') => LedgerFileError::Json(e),
        super::HeaderError::Json(_) | super::HeaderError::WrongFormat => LedgerFileError::NotALedger,
        super::HeaderError::NewerVersion(v) => LedgerFileError::NewerVersion(v),
    };
    // One parse that keeps each member's text: the checksum covers the ledger as written.
    let (value, texts) = json::object_with_text(text).map_err(|e| refused(super::HeaderError::Json(e.to_string())))?;
    super::check_header(&value, LEDGER_FORMAT, LEDGER_VERSION).map_err(refused)?;
    let json_error = |e: json::Error| LedgerFileError::Json(e.to_string());
    let file = value.object().map_err(json_error)?;
    let file_contest: String = file.field("contest_id").map_err(json_error)?;
    let (count, sum): (usize, String) =
        (file.field("count").map_err(json_error)?, file.field("checksum").map_err(json_error)?);
    file.field::<String>("device").and(file.field::<i64>("exported_at")).map_err(json_error)?;
    if file_contest != contest_id {
        return Err(LedgerFileError::ForeignContest { found: file_contest });
    }
    let verify = |json: &str| match sum.eq_ignore_ascii_case(&checksum(&file_contest, json)) {
        true => Ok(()),
        false => Err(LedgerFileError::Tampered),
    };
    let present = |key| file.get(key).filter(|v| **v != json::Value::Null);
    let attempts = match (present("ledger"), present("attempts")) {
        (Some(ledger), None) => {
            verify(texts.iter().find(|(k, _)| k == "ledger").map_or("", |(_, raw)| raw))?;
            AttemptLedger::from_json(ledger).map_err(|e| json_error(e.within("ledger")))?.attempts
        }
        (None, Some(attempts)) => {
            let attempts = Vec::<Attempt>::from_json(attempts).map_err(|e| json_error(e.within("attempts")))?;
            verify(&json::to_string(&attempts))?;
            attempts
        }
        _ => return Err(LedgerFileError::Json("attempts".into())),
    };
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
            phone: None,
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
        }
    }

    #[test]
    fn export_keeps_only_the_contests_own_attempts() {
        let text = export_ledger("c1", "一号机", &[attempt("x", "c1"), attempt("y", "c2")], 7);
        let back = read_ledger_file(&text, "c1").unwrap();
        assert_eq!(back.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(), vec!["x"]);
        let v = json::parse(&text).unwrap();
        assert_eq!(v.get("count").and_then(json::Value::as_u64), Some(1));
        assert_eq!(v.get("device").and_then(json::Value::as_str), Some("一号机"));
        assert_eq!(v.get("exported_at").and_then(json::Value::as_u64), Some(7));
    }

    #[test]
    fn a_foreign_record_inside_a_valid_file_is_refused() {
        // A file whose checksum holds (as another build might write it) but with a record
        // of another contest among its attempts.
        let text = export_ledger("c1", "d", &[attempt("x", "c1"), attempt("y", "c1")], 0);
        let json = json::to_string(&AttemptLedger { attempts: vec![attempt("x", "c1"), attempt("y", "c2")] });
        let (start, end) = (text.find(r#""ledger":"#).unwrap() + 9, text.find(r#","checksum":"#).unwrap());
        let old_sum = &text[end + 13..end + 13 + 64];
        let forged = format!("{}{json}{}", &text[..start], &text[end..]).replace(old_sum, &checksum("c1", &json));
        assert_eq!(read_ledger_file(&forged, "c1"), Err(LedgerFileError::ForeignContest { found: "c2".into() }));
    }

    #[test]
    fn count_mismatch_and_newer_version() {
        let text = export_ledger("c1", "d", &[attempt("x", "c1")], 0);
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
