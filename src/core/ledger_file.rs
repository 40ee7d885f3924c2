//! Results files exchanged between devices (the `export-ledger` / `ledger-file` pair): one
//! contest's attempts with a SHA-256 checksum, read back with every refusal explained, and
//! merged into a ledger without ever changing a record already there.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::ledger::{Attempt, AttemptLedger};
use super::rng::FastMap;
use super::Lang;

pub const LEDGER_FORMAT: &str = "kepu-ledger";
pub const LEDGER_VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct LedgerFile {
    format: String,
    version: u32,
    contest_id: String,
    device: String,
    exported_at: i64,
    count: usize,
    attempts: Vec<Attempt>,
    checksum: String,
}

/// Lowercase hex SHA-256 of the contest id, a newline, and the attempts as
/// `serde_json::to_string` writes them: any change to a record or to the id breaks it.
fn checksum(contest_id: &str, attempts: &[Attempt]) -> String {
    let json = serde_json::to_string(attempts).expect("attempts always serialize");
    let digest = Sha256::new().chain_update(contest_id.as_bytes()).chain_update(b"\n").chain_update(json).finalize();
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes this device's results file for `contest_id`. Only that contest's attempts are
/// included, so the file never carries records another device would refuse.
pub fn export_ledger(contest_id: &str, device_label: &str, attempts: &[Attempt], now_ms: i64) -> String {
    let attempts: Vec<Attempt> = attempts.iter().filter(|a| a.contest_id == contest_id).cloned().collect();
    let file = LedgerFile {
        format: LEDGER_FORMAT.to_string(),
        version: LEDGER_VERSION,
        contest_id: contest_id.to_string(),
        device: device_label.to_string(),
        exported_at: now_ms,
        count: attempts.len(),
        checksum: checksum(contest_id, &attempts),
        attempts,
    };
    serde_json::to_string(&file).expect("a results file always serializes")
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
    super::check_header(text, LEDGER_FORMAT, LEDGER_VERSION).map_err(|e| match e {
        // Something that starts like JSON is a damaged file; anything else is the wrong file.
        super::HeaderError::Json(e) if text.trim_start().starts_with('{') => LedgerFileError::Json(e),
        super::HeaderError::Json(_) | super::HeaderError::WrongFormat => LedgerFileError::NotALedger,
        super::HeaderError::NewerVersion(v) => LedgerFileError::NewerVersion(v),
    })?;
    let file: LedgerFile = serde_json::from_str(text).map_err(|e| LedgerFileError::Json(e.to_string()))?;
    if file.contest_id != contest_id {
        return Err(LedgerFileError::ForeignContest { found: file.contest_id });
    }
    if !file.checksum.eq_ignore_ascii_case(&checksum(&file.contest_id, &file.attempts)) {
        return Err(LedgerFileError::Tampered);
    }
    if file.count != file.attempts.len() {
        return Err(LedgerFileError::CountMismatch);
    }
    if let Some(a) = file.attempts.iter().find(|a| a.contest_id != contest_id) {
        return Err(LedgerFileError::ForeignContest { found: a.contest_id.clone() });
    }
    Ok(file.attempts)
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
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["count"], 1);
        assert_eq!(v["device"], "一号机");
        assert_eq!(v["exported_at"], 7);
    }

    #[test]
    fn a_foreign_record_inside_a_valid_file_is_refused() {
        // A file whose checksum holds (as another build might write it) but with a record
        // of another contest among its attempts.
        let attempts = vec![attempt("x", "c1"), attempt("y", "c2")];
        let file = LedgerFile {
            format: LEDGER_FORMAT.into(),
            version: 1,
            contest_id: "c1".into(),
            device: "d".into(),
            exported_at: 0,
            count: 2,
            checksum: checksum("c1", &attempts),
            attempts,
        };
        let text = serde_json::to_string(&file).unwrap();
        assert_eq!(read_ledger_file(&text, "c1"), Err(LedgerFileError::ForeignContest { found: "c2".into() }));
    }

    #[test]
    fn count_mismatch_and_newer_version() {
        let text = export_ledger("c1", "d", &[attempt("x", "c1")], 0);
        let wrong_count = text.replace(r#""count":1"#, r#""count":2"#);
        assert_ne!(wrong_count, text);
        assert_eq!(read_ledger_file(&wrong_count, "c1"), Err(LedgerFileError::CountMismatch));
        let newer = text.replace(r#""version":1"#, r#""version":2"#);
        assert_eq!(read_ledger_file(&newer, "c1"), Err(LedgerFileError::NewerVersion(2)));
        assert!(LedgerFileError::NewerVersion(2).message(Lang::Zh).contains("版本 2"));
    }

    #[test]
    fn checksum_covers_the_contest_id() {
        let a = [attempt("x", "c1")];
        assert_ne!(checksum("c1", &a), checksum("c2", &a));
        assert_eq!(checksum("c1", &a).len(), 64);
        assert!(checksum("c1", &a).bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
    }
}
