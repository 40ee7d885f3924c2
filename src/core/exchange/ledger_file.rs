//! Results files exchanged between devices (the `export-ledger` / `ledger-file` pair): one
//! contest's attempts with a SHA-256 checksum, read back with every refusal explained, each
//! record checked for plausibility (and rescored where its bank and rules are known), and
//! merged into a ledger without ever changing a record already there.
//!
//! The checksum catches a damaged or cut file and a careless edit, not a forgery: anyone can
//! recompute a plain SHA-256. [`check_records`] refuses what cannot be true; only a server's
//! signed receipt (the collector's, carried by each attempt that has one: `Attempt::receipt`,
//! checked by `receipts`) proves a record was counted as it reads.
//!
//! The receipts are inside the checksum: they are part of `ledger` as written, so a damaged
//! receipt fails the file like any damaged record. The checksum still proves nothing against a
//! forger; the receipt's signature does, whatever the checksum.

use crate::core::Message;
use sha2::{Digest, Sha256};

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::core::exchange::receipts::{CollectorKey, ReceiptTally};
use crate::core::formats::codec::{self, DecodeError, Json, SerdeJson};
use crate::core::model::bank::{AnswerSet, Bank};
use crate::core::model::contest::{Contest, ContestRules, Window};
use crate::core::model::rng::FastMap;
use crate::core::play::ledger::{Attempt, AttemptLedger};
use crate::core::play::session::score_answer;
use crate::core::Lang;

pub const LEDGER_FORMAT: &str = "kepu-ledger";
/// 2: the attempts in the compact stored form of `ledger_codec` (a third of version 1's
/// size); 1 (still read): one JSON object per attempt.
pub const LEDGER_VERSION: u32 = 2;
/// Results files larger than this are refused before they are read, as imports are: 20 MiB
/// hold about 100,000 attempts.
pub const MAX_RESULTS_FILE_BYTES: usize = 20 * 1024 * 1024;
/// Attempts per chunk when a results file's records cross from the import worker to the page
/// and when the collection is kept in IndexedDB: each chunk is read and written in a task of
/// its own (about 25 ms on this machine's Chromium), well under 100 ms.
pub const CHUNK_ATTEMPTS: usize = 2_000;

// A results file: `format`, `version`, `contest_id`, `device`, `exported_at`, `count`, then
// `ledger` (version 2: the compact ledger, checksummed exactly as written) or `attempts`
// (version 1: one object per attempt), and `checksum`.

/// Lowercase hex SHA-256 of the contest id, a newline, and the attempts' JSON as written in
/// the file: any change to a record or to the id breaks it.
fn checksum(contest_id: &str, attempts_json: &str) -> String {
    let digest =
        Sha256::new().chain_update(contest_id.as_bytes()).chain_update(b"\n").chain_update(attempts_json).finalize();
    hex::encode(digest)
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LedgerFileError {
    TooLarge { bytes: u64 },
    NotALedger,
    Json(DecodeError),
    NoAttempts,
    NewerVersion(u32),
    ForeignContest { found: String },
    Tampered,
    CountMismatch,
}

impl Message for LedgerFileError {
    fn message(&self, lang: Lang) -> String {
        use LedgerFileError::*;
        let mib = |b: u64| b.div_ceil(1024 * 1024);
        match (self, lang) {
            (TooLarge { bytes }, Lang::Zh) => format!(
                "文件有 {} MiB，超过成绩文件 {} MiB 的上限，没有读取（本程序导出的成绩文件约 180 字节一条，20 MiB 可容纳约 10 万条）",
                mib(*bytes),
                MAX_RESULTS_FILE_BYTES / 1024 / 1024
            ),
            (TooLarge { bytes }, Lang::En) => format!(
                "the file is {} MiB, over the {} MiB limit of results files, and was not read (about 180 bytes an attempt: 20 MiB hold about 100,000)",
                mib(*bytes),
                MAX_RESULTS_FILE_BYTES / 1024 / 1024
            ),
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
    if text.len() > MAX_RESULTS_FILE_BYTES {
        return Err(LedgerFileError::TooLarge { bytes: text.len() as u64 });
    }
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

/// The least time a round of `n` questions can take: a tap to choose and one to go on, for
/// each question, take longer than this.
pub const MIN_MS_PER_QUESTION: i64 = 500;
/// How far ahead of the organizer's clock a record may finish (a device's clock may be off).
const CLOCK_SLACK_MS: i64 = 24 * 3_600_000;

/// Why a record of a results file cannot be true, so it is not merged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Implausible {
    /// More points than the maximum.
    ScoreOverMax,
    /// More right answers than questions.
    CorrectOverQuestions,
    /// Not one answer per question.
    AnswerCount,
    /// Finished before it started.
    FinishedBeforeStart,
    /// Started before the contest opened or after it closed.
    OutsideWindow,
    /// Finished more than a day after the organizer's clock.
    InTheFuture,
    /// Less than [`MIN_MS_PER_QUESTION`] per question, or a negative time.
    TooFast,
    /// The rules it names ask for another number of questions.
    QuestionCount,
    /// A question its bank does not have.
    UnknownQuestion,
    /// Score, maximum or right answers differ from those worked out from its answers.
    ScoreDiffers,
    /// A stage the contest does not have.
    UnknownStage,
}

impl Implausible {
    pub fn message(self, lang: Lang) -> String {
        use Implausible::*;
        match self {
            ScoreOverMax => lang.pick("得分超过满分", "score above the maximum").into(),
            CorrectOverQuestions => lang.pick("答对题数超过题目数", "more right answers than questions").into(),
            AnswerCount => lang.pick("答案数与题目数不符", "not one answer per question").into(),
            FinishedBeforeStart => lang.pick("交卷时间早于开始时间", "finished before it started").into(),
            OutsideWindow => lang.pick("开始时间在竞赛时间之外", "started outside the contest's dates").into(),
            InTheFuture => lang.pick("交卷时间晚于现在", "finished later than now").into(),
            TooFast => match lang {
                Lang::Zh => format!("用时过短（每题不到 {} 秒）", MIN_MS_PER_QUESTION as f64 / 1000.0),
                Lang::En => format!("too fast (under {} s a question)", MIN_MS_PER_QUESTION as f64 / 1000.0),
            },
            QuestionCount => lang.pick("题目数与竞赛规则不符", "another number of questions than the rules ask").into(),
            UnknownQuestion => lang.pick("有题目不在它所用的题库中", "a question its bank does not have").into(),
            ScoreDiffers => lang
                .pick("与按题库重新计算的得分不符", "its score differs from the one worked out from its answers")
                .into(),
            UnknownStage => lang.pick("竞赛中没有它所属的阶段", "a stage the contest does not have").into(),
        }
    }
}

/// What records of a results file are checked against on the organizer's device.
pub struct RecordCheck<'a> {
    /// The contest package: its dates.
    pub contest: &'a Contest,
    /// The rules and banks known here, each with its [`Contest::fingerprint`]: the package's
    /// first, then the one in force on this device if it differs. A record is rescored with
    /// the one it names by fingerprint, or, for records of builds without fingerprints, with
    /// one of the same revision and bank.
    pub known: Vec<(String, &'a Contest, &'a Bank)>,
    /// The organizer's clock.
    pub now: i64,
}

impl RecordCheck<'_> {
    /// The first reason `a` cannot be true, if any.
    pub fn problem(&self, a: &Attempt) -> Option<Implausible> {
        use Implausible::*;
        let n = a.questions.len();
        if a.answers.len() != n {
            return Some(AnswerCount);
        }
        if a.score > a.max_score {
            return Some(ScoreOverMax);
        }
        if a.correct as usize > n {
            return Some(CorrectOverQuestions);
        }
        if a.finished_at < a.started_at {
            return Some(FinishedBeforeStart);
        }
        if self.contest.window(a.started_at) != Window::Open {
            return Some(OutsideWindow);
        }
        // A stage's attempt started within that stage.
        if let Some(id) = &a.stage {
            let Some(i) = self.contest.stage_index(id) else { return Some(UnknownStage) };
            let (from, to) = self.contest.stage_windows[i];
            if a.started_at < from || a.started_at >= to {
                return Some(OutsideWindow);
            }
        }
        if a.finished_at > self.now.saturating_add(CLOCK_SLACK_MS) {
            return Some(InTheFuture);
        }
        // Time used, not finish − start: a clock moved mid-round changes the latter only.
        if a.time_used_ms < MIN_MS_PER_QUESTION * n as i64 || a.time_used_ms < 0 {
            return Some(TooFast);
        }
        let known = match &a.rules_hash {
            Some(hash) => self.known.iter().find(|(h, _, _)| h == hash),
            None => self.known.iter().find(|(_, c, b)| c.rules.revision == a.rules_revision && b.reference() == a.bank),
        };
        let (_, contest, bank) = known?;
        // Rescored under the rules of its stage.
        let Some(contest) = contest.for_stage(a.stage.as_deref()) else { return Some(UnknownStage) };
        if n != contest.rules.round.question_count() {
            return Some(QuestionCount);
        }
        let (mut score, mut max, mut correct) = (0, 0, 0);
        for (qid, &answer) in a.questions.iter().zip(&a.answers) {
            let Some(q) = bank.get(qid) else { return Some(UnknownQuestion) };
            let points = q.points.unwrap_or(contest.rules.scoring.points_for(q.qtype));
            let (earned, right) = score_answer(q, points, &contest.rules.scoring, AnswerSet(answer));
            score += earned;
            max += points;
            correct += u32::from(right);
        }
        ((score, max, correct) != (a.score, a.max_score, a.correct)).then_some(ScoreDiffers)
    }
}

/// Splits records into those that can be true and those that cannot, with the reason each.
pub fn check_records(attempts: Vec<Attempt>, check: &RecordCheck) -> (Vec<Attempt>, Vec<(String, Implausible)>) {
    let mut refused = Vec::new();
    let kept = attempts
        .into_iter()
        .filter(|a| match check.problem(a) {
            Some(reason) => {
                refused.push((a.id.clone(), reason));
                false
            }
            None => true,
        })
        .collect();
    (kept, refused)
}

/// What [`RecordCheck`] needs, as it crosses to the import worker: the contest package's rules,
/// the rules and banks known here (each bank in our JSON) with their fingerprints, and the
/// organizer's clock.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CheckSpec {
    pub contest: ContestRules,
    pub known: Vec<KnownRules>,
    pub now: i64,
    /// The collector's public key (hex) the receipts are checked with, when the organizer has one.
    #[serde(default)]
    pub receipt_key: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct KnownRules {
    pub fingerprint: String,
    pub rules: ContestRules,
    pub bank: String,
}

/// A results file read and checked where it cannot hold up the page (the import worker).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckedFile {
    /// The records that can be true, as stored chunks of at most [`CHUNK_ATTEMPTS`]
    /// (`persist::encode` of `Stored::Collected`).
    pub chunks: Vec<String>,
    pub refused: Vec<(String, Implausible)>,
    /// The receipts of the records kept, checked with [`CheckSpec::receipt_key`].
    #[serde(default)]
    pub receipts: ReceiptTally,
}

/// Reads a results file ([`read_ledger_file`]), checks its records ([`check_records`]) against
/// `spec`, and writes those kept as stored chunks.
pub fn read_and_check(text: &str, spec: &CheckSpec) -> Result<CheckedFile, LedgerFileError> {
    let attempts = read_ledger_file(text, &spec.contest.id)?;
    let broken = |_| LedgerFileError::NotALedger;
    let contest = Contest::new(spec.contest.clone()).map_err(broken)?;
    let known: Vec<(String, Contest, Bank)> = spec
        .known
        .iter()
        .filter_map(|k| {
            let bank = Bank::read::<SerdeJson>(&k.bank).ok()?;
            Some((k.fingerprint.clone(), Contest::new(k.rules.clone()).ok()?, bank))
        })
        .collect();
    let check = RecordCheck {
        contest: &contest,
        known: known.iter().map(|(f, c, b)| (f.clone(), c, b)).collect(),
        now: spec.now,
    };
    let (kept, refused) = check_records(attempts, &check);
    let key = spec.receipt_key.as_deref().and_then(|k| CollectorKey::parse(k).ok());
    let receipts = ReceiptTally::of_records(key.as_ref(), &spec.contest.id, &kept);
    Ok(CheckedFile { chunks: stored_chunks(kept), refused, receipts })
}

/// Attempts as stored chunks of at most [`CHUNK_ATTEMPTS`] each.
pub fn stored_chunks(attempts: Vec<Attempt>) -> Vec<String> {
    attempts
        .chunks(CHUNK_ATTEMPTS)
        .map(|chunk| {
            crate::core::storage::persist::encode::<SerdeJson, _>(
                crate::core::storage::persist::Stored::Collected,
                &AttemptLedger { attempts: chunk.to_vec() },
            )
        })
        .collect()
}

/// Refused records counted by reason, e.g. `拒绝 3 条：得分超过满分 1 条，用时过短（每题不到 0.5 秒）2 条`.
pub fn refusal_summary(refused: &[(String, Implausible)], lang: Lang) -> Option<String> {
    if refused.is_empty() {
        return None;
    }
    let mut reasons: Vec<Implausible> = refused.iter().map(|(_, r)| *r).collect();
    reasons.sort();
    let mut counts: Vec<(Implausible, usize)> = Vec::new();
    for r in reasons {
        match counts.last_mut() {
            Some((last, n)) if *last == r => *n += 1,
            _ => counts.push((r, 1)),
        }
    }
    let parts: Vec<String> = counts
        .iter()
        .map(|(r, n)| match lang {
            Lang::Zh => format!("{} {n} 条", r.message(lang)),
            Lang::En => format!("{}: {n}", r.message(lang)),
        })
        .collect();
    Some(match lang {
        Lang::Zh => format!("拒绝 {} 条不可能成立的记录：{}", refused.len(), parts.join("，")),
        Lang::En => format!("{} impossible record(s) refused: {}", refused.len(), parts.join("; ")),
    })
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MergeReport {
    pub added: usize,
    /// Same id and same content: already here.
    pub already_present: usize,
    /// Same id, different content: the record already here is kept untouched.
    pub conflicting: usize,
}

impl std::ops::AddAssign for MergeReport {
    fn add_assign(&mut self, other: MergeReport) {
        self.added += other.added;
        self.already_present += other.already_present;
        self.conflicting += other.conflicting;
    }
}

/// A merge of incoming attempts into those `here`, de-duplicated by `Attempt::id`: records
/// already here never change, and what is new collects in [`Merge::added`]. The index of what
/// is here can be built a slice at a time ([`Merge::index_some`]) and incoming attempts come a
/// chunk at a time, so the organizer's page can yield to the browser between them.
pub struct Merge<'a> {
    here: &'a [Attempt],
    indexed: usize,
    index: FastMap<String, usize>,
    added: Vec<Attempt>,
}

impl<'a> Merge<'a> {
    pub fn new(here: &'a [Attempt]) -> Merge<'a> {
        Merge { here, indexed: 0, index: FastMap::default(), added: Vec::new() }
    }

    /// Indexes up to `n` more of the attempts here; false once all are.
    pub fn index_some(&mut self, n: usize) -> bool {
        let end = self.here.len().min(self.indexed.saturating_add(n));
        let slice = &self.here[self.indexed..end];
        self.index.extend(slice.iter().enumerate().map(|(i, a)| (a.id.clone(), self.indexed + i)));
        self.indexed = end;
        end < self.here.len()
    }

    /// Merges one chunk of incoming attempts (index everything here first).
    pub fn add(&mut self, incoming: Vec<Attempt>) -> MergeReport {
        debug_assert_eq!(self.indexed, self.here.len(), "index what is here first");
        let mut report = MergeReport::default();
        for attempt in incoming {
            let existing = self.index.get(&attempt.id).map(|&i| match self.here.get(i) {
                Some(here) => here,
                None => &self.added[i - self.here.len()],
            });
            match existing {
                // The same record with or without a receipt: the one here stays as it is.
                Some(e) if e.same_record(&attempt) => report.already_present += 1,
                Some(_) => report.conflicting += 1,
                None => {
                    self.index.insert(attempt.id.clone(), self.here.len() + self.added.len());
                    self.added.push(attempt);
                    report.added += 1;
                }
            }
        }
        report
    }

    /// The attempts added so far, in the order they came.
    pub fn added(&self) -> &[Attempt] {
        &self.added
    }

    pub fn into_added(self) -> Vec<Attempt> {
        self.added
    }
}

/// Merges attempts into the ledger ([`Merge`] in one go). Merging the same file twice adds
/// nothing, and A then B gives the same set of attempt ids as B then A.
pub fn merge_into(ledger: &mut AttemptLedger, incoming: Vec<Attempt>) -> MergeReport {
    let mut merge = Merge::new(&ledger.attempts);
    while merge.index_some(usize::MAX) {}
    let report = merge.add(incoming);
    let added = merge.into_added();
    ledger.attempts.extend(added);
    report
}

crate::core::english_display!(LedgerFileError);

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
            stage: None,
            receipt: None,
        }
    }

    /// A round of the test contest played for real: every question answered right, 4 s each.
    fn played(contest: &Contest, bank: &Bank) -> Attempt {
        use crate::core::model::participant::Participant;
        use crate::core::play::draw::draw_round;
        use crate::core::play::session::Round;
        let t0 = crate::core::model::clock::parse_shanghai("2026-11-20 10:00").unwrap();
        let mut r = Round::start(contest, "p1", draw_round(contest, bank, None, 3).unwrap(), t0);
        for k in 1..=5 {
            let q = bank.get(&r.current_question().qid).unwrap().clone();
            for index in q.answer.indices() {
                let shown = r.current_question().order.iter().position(|o| usize::from(*o) == index).unwrap();
                r.choose(bank, r.current, shown, t0 + 4_000 * k).unwrap();
            }
            r.next(r.current, t0 + 4_000 * k).unwrap();
        }
        let p = Participant { id: "p1".into(), name: "张三".into(), region: None, crowd: None };
        Attempt::from_round(&r, &p, contest, bank, &contest.fingerprint::<SerdeJson>(bank)).unwrap()
    }

    #[test]
    fn impossible_records_are_refused_with_the_reason_and_known_ones_rescored() {
        use crate::core::model::contest::tests::{bank, rules};
        let (contest, bank) = (Contest::new(rules()).unwrap(), bank());
        let check = RecordCheck {
            contest: &contest,
            known: vec![(contest.fingerprint::<SerdeJson>(&bank), &contest, &bank)],
            now: crate::core::model::clock::parse_shanghai("2026-11-21 10:00").unwrap(),
        };
        let honest = played(&contest, &bank);
        assert_eq!(honest.score, honest.max_score);
        assert_eq!(check.problem(&honest), None);
        let forged = |f: &dyn Fn(&mut Attempt)| {
            let mut a = honest.clone();
            f(&mut a);
            check.problem(&a)
        };
        use Implausible::*;
        assert_eq!(forged(&|a: &mut Attempt| a.score = 999), Some(ScoreOverMax));
        assert_eq!(forged(&|a: &mut Attempt| a.correct = 6), Some(CorrectOverQuestions));
        assert_eq!(forged(&|a: &mut Attempt| a.answers.pop().map(drop).unwrap_or(())), Some(AnswerCount));
        assert_eq!(forged(&|a: &mut Attempt| a.finished_at = a.started_at - 1), Some(FinishedBeforeStart));
        let moved = |a: &mut Attempt, to: i64| {
            a.finished_at += to - a.started_at;
            a.started_at = to;
        };
        assert_eq!(forged(&|a: &mut Attempt| moved(a, 4_070_908_800_000)), Some(OutsideWindow), "a start in 2099");
        assert_eq!(
            forged(&|a: &mut Attempt| moved(a, a.started_at - 30 * 86_400_000)),
            Some(OutsideWindow),
            "before the opening"
        );
        assert_eq!(forged(&|a: &mut Attempt| a.finished_at += 2 * 86_400_000), Some(InTheFuture));
        assert_eq!(forged(&|a: &mut Attempt| a.time_used_ms = 2_499), Some(TooFast), "5 questions in under 2.5 s");
        assert_eq!(forged(&|a: &mut Attempt| a.time_used_ms = -1), Some(TooFast));
        // Plausible figures that are not what the answers earn.
        assert_eq!(forged(&|a: &mut Attempt| a.score -= 2), Some(ScoreDiffers));
        assert_eq!(forged(&|a: &mut Attempt| a.max_score += 1), Some(ScoreDiffers));
        assert_eq!(
            forged(&|a: &mut Attempt| a.answers[0] ^= 3),
            Some(ScoreDiffers),
            "a changed answer, the score kept"
        );
        assert_eq!(forged(&|a: &mut Attempt| a.questions[0] = "zz".into()), Some(UnknownQuestion));
        assert_eq!(forged(&|a: &mut Attempt| a.questions.push("t3".into())), Some(AnswerCount));
        // Without a fingerprint (earlier builds): rescored when the revision and bank match…
        assert_eq!(
            forged(&|a: &mut Attempt| {
                a.rules_hash = None;
                a.score -= 2;
            }),
            Some(ScoreDiffers)
        );
        // …and only checked for plausibility when the rules it was played under are unknown.
        assert_eq!(
            forged(&|a: &mut Attempt| {
                a.rules_hash = Some("ffffffffffff".into());
                a.score -= 2;
            }),
            None
        );
        let (kept, refused) =
            check_records(vec![honest.clone(), Attempt { score: 999, id: "x".into(), ..honest.clone() }], &check);
        assert_eq!((kept, refused), (vec![honest], vec![("x".to_string(), ScoreOverMax)]));
    }

    #[test]
    fn a_file_over_the_limit_is_refused_unread() {
        let huge = " ".repeat(MAX_RESULTS_FILE_BYTES + 1);
        assert_eq!(
            read_ledger_file(&huge, "c1"),
            Err(LedgerFileError::TooLarge { bytes: MAX_RESULTS_FILE_BYTES as u64 + 1 })
        );
        assert!(LedgerFileError::TooLarge { bytes: 21 << 20 }.message(Lang::Zh).contains("超过成绩文件 20 MiB 的上限"));
    }

    #[test]
    fn a_file_is_read_checked_and_chunked_for_the_page() {
        use crate::core::model::contest::tests::{bank, rules};
        use crate::core::storage::persist::{decode, Stored};
        let (contest, bank) = (Contest::new(rules()).unwrap(), bank());
        let honest = played(&contest, &bank);
        let mut attempts: Vec<Attempt> =
            (0..CHUNK_ATTEMPTS * 2 + 7).map(|i| Attempt { id: format!("a{i}"), ..honest.clone() }).collect();
        attempts[3].score = 999;
        let text = export_ledger::<SerdeJson>("c1", "d", &attempts, 0);
        let spec = CheckSpec {
            contest: rules(),
            known: vec![KnownRules {
                fingerprint: contest.fingerprint::<SerdeJson>(&bank),
                rules: rules(),
                bank: bank.to_json(),
            }],
            now: crate::core::model::clock::parse_shanghai("2026-11-21 10:00").unwrap(),
            receipt_key: None,
        };
        let checked = read_and_check(&text, &spec).unwrap();
        assert_eq!(checked.refused, vec![("a3".to_string(), Implausible::ScoreOverMax)]);
        assert_eq!(checked.chunks.len(), 3);
        let back: Vec<Attempt> = checked
            .chunks
            .iter()
            .flat_map(|c| decode::<SerdeJson, AttemptLedger>(Stored::Collected, c).unwrap().attempts)
            .collect();
        attempts.remove(3);
        assert_eq!(back, attempts);
    }

    #[test]
    fn the_receipts_of_the_records_kept_are_counted_valid_invalid_and_without() {
        use crate::core::exchange::submission::receipt_message;
        use crate::core::model::contest::tests::{bank, rules};
        use ed25519_dalek::{Signer, SigningKey};
        let (contest, bank) = (Contest::new(rules()).unwrap(), bank());
        let key = SigningKey::from_bytes(&[5; 32]);
        let sign = |a: &Attempt| hex::encode(key.sign(receipt_message("c1", a).as_bytes()).to_bytes());
        let honest = played(&contest, &bank);
        let mut attempts: Vec<Attempt> = (0..6).map(|i| Attempt { id: format!("a{i}"), ..honest.clone() }).collect();
        for a in &mut attempts[..4] {
            a.receipt = Some(sign(a));
        }
        // Signed, then its region changed: still a plausible record, no longer the one counted.
        attempts[1].region = Some("440106".into());
        // Signed, then refused for its score: not merged, so not counted either way.
        attempts[3].score = 999;
        let text = export_ledger::<SerdeJson>("c1", "d", &attempts, 0);
        let mut spec = CheckSpec {
            contest: rules(),
            known: vec![KnownRules {
                fingerprint: contest.fingerprint::<SerdeJson>(&bank),
                rules: rules(),
                bank: bank.to_json(),
            }],
            now: crate::core::model::clock::parse_shanghai("2026-11-21 10:00").unwrap(),
            receipt_key: Some(hex::encode(key.verifying_key().as_bytes())),
        };
        let checked = read_and_check(&text, &spec).unwrap();
        assert_eq!(checked.receipts, ReceiptTally { valid: 2, invalid: 1, without: 2, unchecked: 0 });
        let kept: Vec<Attempt> = checked
            .chunks
            .iter()
            .flat_map(|c| {
                crate::core::storage::persist::decode::<SerdeJson, AttemptLedger>(
                    crate::core::storage::persist::Stored::Collected,
                    c,
                )
                .unwrap()
                .attempts
            })
            .collect();
        assert_eq!(
            kept.iter().filter(|a| a.receipt.is_some()).count(),
            3,
            "every receipt is kept, the invalid one too"
        );
        assert_eq!(kept[1].receipt, attempts[1].receipt);
        spec.receipt_key = None;
        assert_eq!(
            read_and_check(&text, &spec).unwrap().receipts,
            ReceiptTally { valid: 0, invalid: 0, without: 2, unchecked: 3 }
        );
        // A merge meets the same record again with a receipt: already here, the one here unchanged.
        let mut ledger = AttemptLedger { attempts: vec![Attempt { receipt: None, ..attempts[0].clone() }] };
        let report = merge_into(&mut ledger, vec![attempts[0].clone()]);
        assert_eq!((report.added, report.already_present, report.conflicting), (0, 1, 0));
        assert_eq!(ledger.attempts[0].receipt, None);
    }

    #[test]
    fn refusals_are_counted_by_reason() {
        use Implausible::*;
        let refused = [("a".into(), TooFast), ("b".into(), ScoreOverMax), ("c".into(), TooFast)];
        assert_eq!(
            refusal_summary(&refused, Lang::Zh).unwrap(),
            "拒绝 3 条不可能成立的记录：得分超过满分 1 条，用时过短（每题不到 0.5 秒） 2 条"
        );
        assert_eq!(refusal_summary(&[], Lang::Zh), None);
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
