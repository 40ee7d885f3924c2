//! How the attempt ledger is stored (version 2): what repeats across attempts — contests,
//! people, banks and question ids — is written once in tables, and each attempt is one short
//! ASCII row of indices and base-36 numbers. A 20-question attempt takes about 170 bytes
//! instead of about 565 as a version-1 JSON object, so 10,000 fit in 2 MB of localStorage.
//!
//! A row is 12 or 13 fields joined by `.`:
//! `contest.person.bank.revision.started.duration.time.score.max.correct.questions.answers.times[.id]`
//! - numbers are base 36 (a leading `-` for negatives); `duration` is finished − started;
//! - `questions` is the question-table index of each question, all of the same width
//!   (the base-36 digits of the table's last index);
//! - `answers` is the bank-order choice bitmask of each question in base 36, one digit each
//!   when every mask of the attempt is below 36, else two digits each;
//! - `times` is the tenths of a second spent per question, joined by `,`;
//! - `id` is written only when it is not the usual `{participant}-{started, hex}`.
//!
//! The fingerprint of the rules in force (`Attempt::rules_hash`) goes with the bank: `b` lists
//! each distinct bank and fingerprint once, and `h`, beside it, the fingerprint of each entry of
//! `b`. Rows stay as they were, so rows and files of earlier builds, without `h`, still read
//! (their attempts have no fingerprint), and earlier builds read these rows.
//!
//! The stage of a contest in stages (`Attempt::stage`) goes there too: `st`, beside `b`, names
//! each entry's stage (left out when no attempt has one), so rows stay as they were.
//! The collector's receipt of an attempt (`Attempt::receipt`) goes in `r`, beside `attempts`,
//! one entry per row (`null` for none), and only when some attempt has one: rows are unchanged,
//! earlier builds read such ledgers (without the receipts), and ours read theirs.

use std::rc::Rc;

use serde::{Deserialize, Serialize};

use crate::core::model::rng::FastMap;
use crate::core::play::ledger::{Attempt, AttemptLedger};

/// One distinct person as attempts name them: id, name, masked phone, region, crowd group.
/// Written as a list of five, absent ones `null`. The phone is always written `null` and
/// ignored when read: earlier builds kept a masked phone there, which next to an id made
/// from the phone gave it away.
type Person = (String, String, Option<String>, Option<String>, Option<String>);

#[derive(Serialize, Deserialize)]
pub(crate) struct CompactLedger {
    #[serde(rename = "c")]
    contests: Vec<String>,
    #[serde(rename = "p")]
    people: Vec<Person>,
    #[serde(rename = "b")]
    banks: Vec<String>,
    /// The rules fingerprint of each entry of `banks` (`null` for none); left out when no
    /// attempt has one.
    #[serde(rename = "h", default, skip_serializing_if = "Vec::is_empty")]
    fingerprints: Vec<Option<String>>,
    /// The stage of each entry of `banks` (`null` for none); left out when no attempt has one.
    #[serde(rename = "st", default, skip_serializing_if = "Vec::is_empty")]
    stages: Vec<Option<String>>,
    #[serde(rename = "q")]
    questions: Vec<Rc<str>>,
    attempts: Vec<String>,
    /// The collector's receipt of each row of `attempts` (`null` for none); left out when no
    /// attempt has one.
    #[serde(rename = "r", default, skip_serializing_if = "Vec::is_empty")]
    receipts: Vec<Option<String>>,
}

/// Index of `value` in `table`, adding it the first time it is seen.
fn intern<K: Copy + Eq + std::hash::Hash>(table: &mut Vec<K>, index: &mut FastMap<K, usize>, value: K) -> usize {
    *index.entry(value).or_insert_with(|| {
        table.push(value);
        table.len() - 1
    })
}

/// Appends `n` in base 36, with leading zeros up to `width` digits.
fn push_b36(out: &mut String, n: i64, width: usize) {
    if n < 0 {
        out.push('-');
    }
    let mut n = n.unsigned_abs();
    let mut digits = [b'0'; 13];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b"0123456789abcdefghijklmnopqrstuvwxyz"[(n % 36) as usize];
        n /= 36;
        if n == 0 {
            break;
        }
    }
    let from = i.min(digits.len().saturating_sub(width));
    out.push_str(std::str::from_utf8(&digits[from..]).expect("ASCII digits"));
}

fn read_b36(s: &str) -> Result<i64, String> {
    let (negative, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    // from_str_radix would also take a sign; the digits alone must not.
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_lowercase()) {
        return Err(format!("“{s}” is not a number"));
    }
    let n = u64::from_str_radix(digits, 36).map_err(|_| format!("“{s}” is too large"))?;
    let n = i64::try_from(n).map_err(|_| format!("“{s}” is too large"))?;
    Ok(if negative { -n } else { n })
}

fn read_u32(s: &str) -> Result<u32, String> {
    u32::try_from(read_b36(s)?).map_err(|_| format!("“{s}” is out of range"))
}

fn pick<'a, T>(table: &'a [T], field: &str, what: &str) -> Result<&'a T, String> {
    let i = usize::try_from(read_b36(field)?).map_err(|_| format!("no {what} “{field}”"))?;
    table.get(i).ok_or_else(|| format!("no {what} “{field}”"))
}

/// Base-36 digits of the largest question index, so every index can be written at one width.
fn index_width(table_len: usize) -> usize {
    let mut width = 1;
    let mut n = table_len.saturating_sub(1) / 36;
    while n > 0 {
        width += 1;
        n /= 36;
    }
    width
}

fn usual_id(participant_id: &str, started_at: i64) -> String {
    format!("{participant_id}-{started_at:x}")
}

/// An [`AttemptLedger`] is stored in the compact form.
impl Serialize for AttemptLedger {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        CompactLedger::from(self).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for AttemptLedger {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        AttemptLedger::try_from(CompactLedger::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

impl From<&AttemptLedger> for CompactLedger {
    fn from(ledger: &AttemptLedger) -> Self {
        let (mut contests, mut people, mut banks, mut questions) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let (mut contest_index, mut person_index, mut bank_index, mut question_index) =
            (FastMap::default(), FastMap::default(), FastMap::default(), FastMap::default());
        // Question indices first: their width depends on the size of the whole table.
        let indices: Vec<Vec<usize>> = ledger
            .attempts
            .iter()
            .map(|a| a.questions.iter().map(|q| intern(&mut questions, &mut question_index, &**q)).collect())
            .collect();
        let width = index_width(questions.len());
        let mut rows = Vec::with_capacity(ledger.attempts.len());
        for (a, qs) in ledger.attempts.iter().zip(indices) {
            let person = (a.participant_id.as_str(), a.name.as_str(), a.region.as_deref(), a.crowd.as_deref());
            let mut row = String::with_capacity(64 + qs.len() * (width + 5));
            for n in [
                intern(&mut contests, &mut contest_index, a.contest_id.as_str()) as i64,
                intern(&mut people, &mut person_index, person) as i64,
                intern(&mut banks, &mut bank_index, (a.bank.as_str(), a.rules_hash.as_deref(), a.stage.as_deref()))
                    as i64,
                i64::from(a.rules_revision),
                a.started_at,
                a.finished_at - a.started_at,
                a.time_used_ms,
                i64::from(a.score),
                i64::from(a.max_score),
                i64::from(a.correct),
            ] {
                push_b36(&mut row, n, 1);
                row.push('.');
            }
            for q in qs {
                push_b36(&mut row, q as i64, width);
            }
            row.push('.');
            let answer_width = if a.answers.iter().all(|&m| m < 36) { 1 } else { 2 };
            for &m in &a.answers {
                push_b36(&mut row, i64::from(m), answer_width);
            }
            row.push('.');
            for (i, ds) in a.question_ds.iter().enumerate() {
                if i > 0 {
                    row.push(',');
                }
                push_b36(&mut row, i64::from(*ds), 1);
            }
            if a.id != usual_id(&a.participant_id, a.started_at) {
                row.push('.');
                row.push_str(&a.id);
            }
            rows.push(row);
        }
        let owned = |o: Option<&str>| o.map(str::to_string);
        let fingerprints = match banks.iter().any(|(_, h, _)| h.is_some()) {
            true => banks.iter().map(|(_, h, _)| owned(*h)).collect(),
            false => Vec::new(),
        };
        let stages = match banks.iter().any(|(_, _, s)| s.is_some()) {
            true => banks.iter().map(|(_, _, s)| owned(*s)).collect(),
            false => Vec::new(),
        };
        let receipts = match ledger.attempts.iter().any(|a| a.receipt.is_some()) {
            true => ledger.attempts.iter().map(|a| a.receipt.clone()).collect(),
            false => Vec::new(),
        };
        CompactLedger {
            contests: contests.into_iter().map(str::to_string).collect(),
            people: people
                .into_iter()
                .map(|(id, name, region, crowd)| (id.to_string(), name.to_string(), None, owned(region), owned(crowd)))
                .collect(),
            banks: banks.into_iter().map(|(b, _, _)| b.to_string()).collect(),
            fingerprints,
            stages,
            questions: questions.into_iter().map(Rc::from).collect(),
            attempts: rows,
            receipts,
        }
    }
}

impl TryFrom<CompactLedger> for AttemptLedger {
    type Error = String;

    fn try_from(c: CompactLedger) -> Result<Self, String> {
        let width = index_width(c.questions.len());
        let attempts = c
            .attempts
            .iter()
            .enumerate()
            .map(|(i, row)| {
                let mut attempt = read_row(&c, width, row).map_err(|e| format!("attempt {}: {e}", i + 1))?;
                attempt.receipt = c.receipts.get(i).cloned().flatten();
                Ok::<_, String>(attempt)
            })
            .collect::<Result<_, _>>()?;
        Ok(AttemptLedger { attempts })
    }
}

fn read_row(c: &CompactLedger, width: usize, row: &str) -> Result<Attempt, String> {
    // The id comes last and may itself contain dots.
    let mut f = [""; 14];
    let mut fields = 0;
    for (slot, field) in f.iter_mut().zip(row.splitn(14, '.')) {
        *slot = field;
        fields += 1;
    }
    if fields < 13 {
        return Err(format!("{fields} fields instead of 13"));
    }
    let (pid, name, _masked_phone, region, crowd) = pick(&c.people, f[1], "person")?.clone();
    let started_at = read_b36(f[4])?;
    let finished_at = started_at.checked_add(read_b36(f[5])?).ok_or("finish time out of range")?;
    let (qs, answers) = (f[10], f[11]);
    let count = qs.len() / width;
    let answer_width = if answers.len() == count * 2 && count > 0 { 2 } else { 1 };
    if !qs.is_ascii() || qs.len() % width != 0 || answers.len() != count * answer_width || !answers.is_ascii() {
        return Err("questions and answers do not match".into());
    }
    let questions = (0..count)
        .map(|i| pick(&c.questions, &qs[i * width..(i + 1) * width], "question").cloned())
        .collect::<Result<Vec<_>, _>>()?;
    let answers = (0..count)
        .map(|i| {
            let digits = &answers[i * answer_width..(i + 1) * answer_width];
            read_b36(digits).ok().and_then(|m| u8::try_from(m).ok()).ok_or_else(|| format!("bad answer “{digits}”"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let question_ds =
        if f[12].is_empty() { Vec::new() } else { f[12].split(',').map(read_u32).collect::<Result<_, _>>()? };
    Ok(Attempt {
        id: if fields == 14 { f[13].to_string() } else { usual_id(&pid, started_at) },
        contest_id: pick(&c.contests, f[0], "contest")?.clone(),
        participant_id: pid,
        name,
        region,
        crowd,
        started_at,
        finished_at,
        questions,
        answers,
        score: read_u32(f[7])?,
        max_score: read_u32(f[8])?,
        correct: read_u32(f[9])?,
        time_used_ms: read_b36(f[6])?,
        question_ds,
        rules_revision: read_u32(f[3])?,
        bank: pick(&c.banks, f[2], "bank")?.clone(),
        rules_hash: c.fingerprints.get(read_b36(f[2])? as usize).cloned().flatten(),
        stage: c.stages.get(read_b36(f[2])? as usize).cloned().flatten(),
        // Set from `r` by the caller, which knows the row's index.
        receipt: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::formats::codec::SerdeJson;
    use crate::core::storage::persist::{decode, encode, Stored};

    /// A realistic device: `people` participants, three attempts each, 20 of 324 questions.
    fn sample(people: usize, attempts: usize) -> AttemptLedger {
        let attempts = (0..attempts)
            .map(|i| {
                let pid = format!("p{:016x}", ((i % people) as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
                let started_at = 1_795_393_800_000 + i as i64 * 97_000;
                Attempt {
                    id: usual_id(&pid, started_at),
                    contest_id: "kepu-demo".into(),
                    participant_id: pid,
                    name: format!("参赛者{}", i % people),
                    region: Some("440106".into()),
                    crowd: Some("农民".into()),
                    started_at,
                    finished_at: started_at + 312_400,
                    questions: (0..20).map(|k| format!("kp-{:03}", (i * 7 + k * 13) % 324).into()).collect(),
                    answers: (0..20).map(|k| 1 << ((i + k) % 4)).collect(),
                    score: 75,
                    max_score: 100,
                    correct: 15,
                    time_used_ms: 312_400,
                    question_ds: (0..20).map(|k| 40 + ((i + k) % 260) as u32).collect(),
                    rules_revision: 3,
                    bank: "kepu-default@2".into(),
                    rules_hash: Some("0123456789ab".into()),
                    stage: None,
                    receipt: None,
                }
            })
            .collect();
        AttemptLedger { attempts }
    }

    #[test]
    fn round_trip_keeps_every_field() {
        let mut l = sample(4, 12);
        l.attempts[1].id = "imported.id.with.dots".into();
        l.attempts[2].region = None;
        l.attempts[2].started_at = -5;
        l.attempts[3].question_ds.clear();
        l.attempts[4].questions.clear();
        l.attempts[4].answers.clear();
        l.attempts[5].contest_id = "other".into();
        l.attempts[6].answers[0] = 0xff;
        l.attempts[7].answers = vec![35; 20];
        l.attempts[8].rules_hash = None;
        l.attempts[9].rules_hash = Some("ba9876543210".into());
        l.attempts[10].receipt = Some("ab".repeat(64));
        l.attempts[10].stage = Some("final".into());
        l.attempts[11].stage = Some("week-1".into());
        let text = encode::<SerdeJson, _>(Stored::Ledger, &l);
        assert!(
            text.contains(&format!(
                r#""r":[null,null,null,null,null,null,null,null,null,null,"{}",null]"#,
                "ab".repeat(64)
            )),
            "{text}"
        );
        assert!(
            text.contains(
                r#""b":["kepu-default@2","kepu-default@2","kepu-default@2","kepu-default@2","kepu-default@2"],"h":["0123456789ab",null,"ba9876543210","0123456789ab","0123456789ab"],"st":[null,null,null,"final","week-1"]"#
            ),
            "{text}"
        );
        assert!(text.starts_with(r#"{"version":2,"#), "{text}");
        assert_eq!(decode::<SerdeJson, AttemptLedger>(Stored::Ledger, &text), Ok(l));
    }

    #[test]
    fn without_fingerprints_there_is_no_h_and_rows_of_earlier_builds_read_without_one() {
        let mut l = sample(2, 3);
        for a in &mut l.attempts {
            a.rules_hash = None;
        }
        let text = encode::<SerdeJson, _>(Stored::Ledger, &l);
        assert!(!text.contains(r#""h":"#) && !text.contains(r#""r":"#), "{text}");
        assert_eq!(decode::<SerdeJson, AttemptLedger>(Stored::Ledger, &text), Ok(l));
    }

    #[test]
    fn ten_thousand_attempts_fit_in_two_megabytes() {
        let l = sample(3400, 10_000);
        let text = encode::<SerdeJson, _>(Stored::Ledger, &l);
        let per_attempt = text.len() / l.attempts.len();
        assert!(text.len() <= 2_000_000, "{} bytes, {per_attempt} per attempt", text.len());
        assert!(per_attempt <= 200, "{per_attempt} bytes per attempt");
        // bench/run prints this line (run with --nocapture).
        println!("storage: 10000 attempts by 3400 people = {} bytes, {per_attempt} bytes per attempt", text.len());
        assert_eq!(decode::<SerdeJson, AttemptLedger>(Stored::Ledger, &text).unwrap().attempts.len(), 10_000);
    }

    #[test]
    fn question_index_width_grows_with_the_table() {
        assert_eq!((index_width(0), index_width(36), index_width(37)), (1, 1, 2));
        assert_eq!((index_width(1296), index_width(1297)), (2, 3));
        let mut l = sample(1, 1);
        l.attempts[0].questions = (0..40).map(|k| format!("q{k}").into()).collect();
        l.attempts[0].answers = vec![1; 40];
        let text = encode::<SerdeJson, _>(Stored::Ledger, &l);
        assert!(text.contains(".0001020304"), "two digits per index: {text}");
        assert_eq!(decode::<SerdeJson, AttemptLedger>(Stored::Ledger, &text), Ok(l));
    }

    #[test]
    fn damaged_rows_are_refused_with_the_attempt_number() {
        let row = r#"{"version":2,"data":{"c":["c"],"p":[["p","n",null,null,null]],"b":["b"],"q":["a"],"attempts":["#;
        for (bad, reason) in [
            (r#""0.0.0.1.1.1.1.1.1.1.0.1""#, "fields"),
            (r#""0.5.0.1.1.1.1.1.1.1.0.1.""#, "no person"),
            (r#""0.0.0.1.1.1.1.1.1.1.0.A.""#, "bad answer"),
            (r#""0.0.0.1.1.1.1.1.1.1.0.80.""#, "bad answer"),
            (r#""0.0.0.1.1.1.1.1.1.1.0.123.""#, "do not match"),
            (r#""0.0.0.1.1.1.1.1.1.1.中.123456.""#, "do not match"),
            (r#""0.0.0.1.1.1.1.1.1.1.1.1.""#, "no question"),
            (r#""0.0.0.1.1.1.1.1.1.1.0.1.+5""#, "not a number"),
            (r#""0.0.0.1.zzzzzzzzzzzzzz.1.1.1.1.1.0.1.""#, "too large"),
        ] {
            let err = decode::<SerdeJson, AttemptLedger>(Stored::Ledger, &format!("{row}{bad}]}}}}")).unwrap_err();
            assert!(err.to_string().contains("attempt 1") && err.to_string().contains(reason), "{bad}: {err}");
        }
    }
}
