//! What a phone sends the results collector (`POST /v1/attempts`, see the collector contract)
//! and what it answers, and the collector's check of each attempt: the record checks of a
//! merged results file (`ledger_file::RecordCheck`, which rescores the answers with the
//! contest's bank and rules) plus the region, the identifiers and the duration.
//!
//! Both ends use these types: the app builds a [`SubmittedAttempt`] from its ledger's
//! [`Attempt`], the collector turns one back into an [`Attempt`] and checks it.

use crate::core::Message;
use std::rc::Rc;

use serde::{Deserialize, Serialize};

use crate::core::exchange::ledger_file::{Implausible, RecordCheck};
use crate::core::model::bank::AnswerSet;
use crate::core::model::region::RegionTable;
use crate::core::play::ledger::Attempt;
use crate::core::reports::stats::{RegionReport, RegionRow};
use crate::core::Lang;

/// At most this many attempts in one request.
pub const MAX_BATCH: usize = 50;
/// At most this many bytes in one request body.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// A round that took longer than a day is not a round someone played.
pub const MAX_DURATION_MS: i64 = 86_400_000;

/// One question of a submitted attempt: its id and the chosen options as the bank's letters
/// (`A` = the bank's first option; for 判断 `A` = 正确, `B` = 错误), `""` for none.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmittedAnswer {
    pub q: String,
    pub choice: String,
}

/// One finished attempt as it travels to the collector: no name, no phone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmittedAttempt {
    pub id: String,
    pub person: String,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub crowd: Option<String>,
    pub started_at: i64,
    pub finished_at: i64,
    pub answers: Vec<SubmittedAnswer>,
    pub score: u32,
    pub max: u32,
    pub correct: u32,
    /// The id of the contest's stage it was played in; absent in a contest without stages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
}

/// The body of `POST /v1/attempts`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submission {
    pub contest: String,
    pub attempts: Vec<SubmittedAttempt>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SubmitStatus {
    /// Stored and counted now.
    Accepted,
    /// Already stored: counted once, earlier.
    Duplicate,
    /// Will never be counted; `reason` says why.
    Rejected,
}

/// The collector's answer for one attempt, in the order sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmitResult {
    pub id: String,
    pub status: SubmitStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The collector's Ed25519 signature of [`receipt_message`], lowercase hex, for an
    /// accepted attempt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<String>,
}

/// The body of a 200 answer to `POST /v1/attempts`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmitReply {
    pub results: Vec<SubmitResult>,
}

/// One region of the collector's counts (`GET /v1/contests/{contest}/counts`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountedRegion {
    /// GB/T 2260 code at the level asked for; `""` for 未知地区.
    pub code: String,
    pub name: String,
    pub participants: usize,
    pub participations: usize,
}

/// The collector's counts at one level: the region rows add up to the totals.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectedCounts {
    pub participants: usize,
    pub participations: usize,
    pub regions: Vec<CountedRegion>,
}

impl CollectedCounts {
    pub fn of(report: &RegionReport) -> CollectedCounts {
        CollectedCounts {
            participants: report.participants,
            participations: report.participations,
            regions: report
                .rows
                .iter()
                .map(|r| CountedRegion {
                    code: r.code.clone(),
                    name: r.name.clone(),
                    participants: r.participants,
                    participations: r.participations,
                })
                .collect(),
        }
    }

    /// The collected counts as a region report, to export as the organizer's own are.
    pub fn report(&self) -> RegionReport {
        RegionReport {
            rows: self
                .regions
                .iter()
                .map(|r| RegionRow {
                    code: r.code.clone(),
                    name: r.name.clone(),
                    participants: r.participants,
                    participations: r.participations,
                    population: None,
                    per_10k: None,
                })
                .collect(),
            participants: self.participants,
            participations: self.participations,
        }
    }
}

/// Where the organizer's page reads live counts: the collector's address and token.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectorLink {
    pub address: String,
    pub token: String,
    /// The collector's public receipt key (hex), pasted by the organizer or read from
    /// `GET /v1/receipt-key` when connecting; merges check receipts with it, offline too.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub receipt_key: String,
}

impl crate::core::formats::codec::Meaningful for CollectorLink {}

impl CollectorLink {
    /// `…/v1/contests/{contest}/counts?level=…` under the collector's address.
    pub fn counts_path(contest: &str, level: u8) -> String {
        let level = match level {
            1 => "province",
            2 => "city",
            _ => "county",
        };
        format!("v1/contests/{}/counts?level={level}", path_segment(contest))
    }

    /// `…/v1/contests/{contest}/certificates/{code}`: the attempt whose certificate has `code`.
    pub fn certificate_path(contest: &str, code: &str) -> String {
        format!("v1/contests/{}/certificates/{}", path_segment(contest), path_segment(code))
    }
}

/// `text` percent-encoded as one segment of a URL's path.
fn path_segment(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A region's participants and participations counted on this device and by the collector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SideBySide {
    pub code: String,
    pub name: String,
    pub local: (usize, usize),
    pub collected: (usize, usize),
}

/// The device's region rows and the collector's, one row per region either has, ranked: the
/// most people collected first, ties by code, 未知地区 last.
pub fn side_by_side(local: &[RegionRow], collected: &CollectedCounts) -> Vec<SideBySide> {
    let mut rows: Vec<SideBySide> = Vec::new();
    for r in local {
        rows.push(SideBySide {
            code: r.code.clone(),
            name: r.name.clone(),
            local: (r.participants, r.participations),
            collected: (0, 0),
        });
    }
    for c in &collected.regions {
        match rows.iter_mut().find(|r| r.code == c.code) {
            Some(r) => r.collected = (c.participants, c.participations),
            None => rows.push(SideBySide {
                code: c.code.clone(),
                name: c.name.clone(),
                local: (0, 0),
                collected: (c.participants, c.participations),
            }),
        }
    }
    let rank = |r: &SideBySide| (r.code.is_empty(), std::cmp::Reverse(r.collected.0), r.code.clone());
    rows.sort_by_key(rank);
    rows
}

/// Why the collector will never count an attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Not one of the collector's contests.
    UnknownContest,
    /// An attempt id or person key that is empty, too long or not printable ASCII.
    BadIdentifier,
    /// A choice that is not letters of the question's options.
    BadChoice(String),
    /// A region the contest's region data does not have at the depth the contest asks for.
    BadRegion(String),
    /// A round longer than [`MAX_DURATION_MS`].
    TooSlow,
    /// What a merged results file is refused for, rescoring included.
    Implausible(Implausible),
}

impl Message for Refusal {
    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (Refusal::UnknownContest, _) => {
                lang.pick("收集服务器上没有这个竞赛", "not a contest of this collector").into()
            }
            (Refusal::BadIdentifier, _) => lang.pick("答题编号或参赛人编号无效", "bad attempt id or person key").into(),
            (Refusal::BadChoice(q), Lang::Zh) => format!("第 {q} 题的选项无效"),
            (Refusal::BadChoice(q), Lang::En) => format!("bad choice for question {q}"),
            (Refusal::BadRegion(r), Lang::Zh) => format!("地区代码“{r}”不在本竞赛的地区范围内"),
            (Refusal::BadRegion(r), Lang::En) => format!("region \"{r}\" is not one of the contest's regions"),
            (Refusal::TooSlow, _) => lang.pick("用时超过一天", "took more than a day").into(),
            (Refusal::Implausible(why), _) => why.message(lang),
        }
    }
}

/// A key or id: 1–128 printable ASCII characters without spaces.
fn is_identifier(text: &str) -> bool {
    (1..=128).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_graphic())
}

/// `ACD` → the bitmask of options A, C and D, when each letter names one of `choices`
/// options once; `""` is no choice.
fn parse_choice(text: &str, choices: usize) -> Option<AnswerSet> {
    let mut set = 0u8;
    for b in text.bytes() {
        let index = b.checked_sub(b'A').map(usize::from).filter(|i| *i < choices.min(8))?;
        let bit = 1u8 << index;
        if set & bit != 0 {
            return None;
        }
        set |= bit;
    }
    Some(AnswerSet(set))
}

impl SubmittedAttempt {
    /// What the app sends of an attempt of its ledger.
    pub fn of(attempt: &Attempt) -> SubmittedAttempt {
        SubmittedAttempt {
            id: attempt.id.clone(),
            person: attempt.participant_id.clone(),
            region: attempt.region.clone(),
            crowd: attempt.crowd.clone(),
            started_at: attempt.started_at,
            finished_at: attempt.finished_at,
            answers: attempt
                .questions
                .iter()
                .zip(&attempt.answers)
                .map(|(q, a)| SubmittedAnswer { q: q.to_string(), choice: AnswerSet(*a).letters() })
                .collect(),
            score: attempt.score,
            max: attempt.max_score,
            correct: attempt.correct,
            stage: attempt.stage.clone(),
        }
    }

    /// The attempt as the ledger keeps it, when every identifier, choice, the region and the
    /// record as a whole can be true; `check.known` must hold the contest's package rules and
    /// bank first, under whose fingerprint the attempt is rescored.
    pub fn check(&self, check: &RecordCheck, regions: &RegionTable) -> Result<Attempt, Refusal> {
        let (fingerprint, contest, bank) = check.known.first().ok_or(Refusal::UnknownContest)?;
        if !is_identifier(&self.id) || !is_identifier(&self.person) {
            return Err(Refusal::BadIdentifier);
        }
        let registration = &contest.rules.registration;
        let region = self.region.as_deref().filter(|r| !r.is_empty());
        match (region, registration.region_depth) {
            (None, _) => {}
            (Some(r), 0) => return Err(Refusal::BadRegion(r.to_string())),
            (Some(r), depth) => {
                let known = r.len() == 6 && regions.name(r).is_some();
                if !known || !regions.is_complete(r, depth) || !regions.within(r, registration.region_scope.as_deref())
                {
                    return Err(Refusal::BadRegion(r.chars().take(12).collect()));
                }
            }
        }
        let answers = self
            .answers
            .iter()
            .map(|a| {
                let choices = bank.get(&a.q).map_or(8, |q| q.choice_count());
                parse_choice(&a.choice, choices).map(|set| set.0).ok_or_else(|| Refusal::BadChoice(a.q.clone()))
            })
            .collect::<Result<Vec<u8>, Refusal>>()?;
        let attempt = Attempt {
            id: self.id.clone(),
            contest_id: contest.rules.id.clone(),
            participant_id: self.person.clone(),
            name: String::new(),
            region: region.map(str::to_string),
            crowd: self.crowd.clone().filter(|c| !c.is_empty()),
            started_at: self.started_at,
            finished_at: self.finished_at,
            questions: self.answers.iter().map(|a| Rc::from(a.q.as_str())).collect(),
            answers,
            score: self.score,
            max_score: self.max,
            correct: self.correct,
            time_used_ms: self.finished_at.saturating_sub(self.started_at),
            question_ds: Vec::new(),
            rules_revision: contest.rules.revision,
            bank: bank.reference(),
            rules_hash: Some(fingerprint.clone()),
            stage: self.stage.clone(),
            receipt: None,
        };
        if let Some(why) = check.problem(&attempt) {
            return Err(Refusal::Implausible(why));
        }
        if attempt.time_used_ms > MAX_DURATION_MS {
            return Err(Refusal::TooSlow);
        }
        Ok(attempt)
    }
}

/// What a receipt signs: every figure that is counted, one per line, so a receipt cannot be
/// moved to another attempt, person, region, score or stage. An attempt of a contest in stages
/// adds its stage on a line of its own (`kepu-receipt/2`); without one the message is the
/// `kepu-receipt/1` of earlier builds, so their receipts still verify.
pub fn receipt_message(contest: &str, attempt: &Attempt) -> String {
    let (version, stage) = match &attempt.stage {
        Some(stage) => (2, format!("{stage}\n")),
        None => (1, String::new()),
    };
    format!(
        "kepu-receipt/{version}\n{contest}\n{}\n{}\n{}\n{}\n{}\n{}/{}/{}\n{stage}",
        attempt.id,
        attempt.participant_id,
        attempt.region.as_deref().unwrap_or(""),
        attempt.started_at,
        attempt.finished_at,
        attempt.score,
        attempt.max_score,
        attempt.correct
    )
}

/// Whether `receipt` (hex) is the collector's Ed25519 signature, under `public_key` (hex), of
/// what it counted of `attempt` in `contest` ([`receipt_message`]).
pub fn verify_receipt(public_key: &str, contest: &str, attempt: &Attempt, receipt: &str) -> bool {
    crate::core::exchange::receipts::CollectorKey::parse(public_key)
        .is_ok_and(|k| k.verifies(contest, attempt, receipt))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::formats::codec::SerdeJson;
    use crate::core::model::bank::Bank;
    use crate::core::model::contest::tests::{bank, rules};
    use crate::core::model::contest::Contest;

    fn regions() -> RegionTable {
        RegionTable::from_json(r#"{"format":"kepu-regions","regions":[["410000","河南省"],["410100","郑州市"],["410102","中原区"],["440000","广东省"],["440100","广州市"],["440106","天河区"]]}"#).unwrap()
    }

    /// An honest attempt of the test contest: every question answered right.
    fn honest(contest: &Contest, bank: &Bank) -> SubmittedAttempt {
        let qids = ["t1", "t2", "s1", "s2", "m1"];
        let answers: Vec<SubmittedAnswer> = qids
            .iter()
            .map(|id| SubmittedAnswer { q: id.to_string(), choice: bank.get(id).unwrap().answer.letters() })
            .collect();
        let max = contest.max_score(bank, &qids.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        SubmittedAttempt {
            id: "r0123456789abcdef-18c0f3a1b2c".into(),
            person: "r0123456789abcdef".into(),
            region: Some("410102".into()),
            crowd: Some("农民".into()),
            started_at: contest.starts_ms + 3_600_000,
            finished_at: contest.starts_ms + 3_600_000 + 60_000,
            score: max,
            max,
            correct: answers.len() as u32,
            answers,
            stage: None,
        }
    }

    /// The collector's check of attempts at `contest` with `bank`, a day into the contest.
    fn check_under<'a>(contest: &'a Contest, bank: &'a Bank) -> RecordCheck<'a> {
        RecordCheck {
            contest,
            known: vec![(contest.fingerprint::<SerdeJson>(bank), contest, bank)],
            now: contest.starts_ms + 86_400_000,
        }
    }

    #[test]
    fn an_honest_attempt_passes_and_every_forgery_is_refused_with_its_reason() {
        let contest = Contest::new(rules()).unwrap();
        let bank = bank();
        let check = check_under(&contest, &bank);
        let regions = regions();
        let good = honest(&contest, &bank);
        let attempt = good.check(&check, &regions).unwrap();
        assert_eq!(SubmittedAttempt::of(&attempt), good, "the app's form of the checked attempt is what was sent");
        let refused = |f: &dyn Fn(&mut SubmittedAttempt)| {
            let mut a = good.clone();
            f(&mut a);
            a.check(&check, &regions).err()
        };
        assert_eq!(refused(&|a| a.score -= 5), Some(Refusal::Implausible(Implausible::ScoreDiffers)));
        assert_eq!(refused(&|a| a.correct -= 1), Some(Refusal::Implausible(Implausible::ScoreDiffers)));
        assert_eq!(refused(&|a| a.answers[0].choice = "Z".into()), Some(Refusal::BadChoice(good.answers[0].q.clone())));
        assert_eq!(
            refused(&|a| a.answers[1].choice = "AA".into()),
            Some(Refusal::BadChoice(good.answers[1].q.clone()))
        );
        assert_eq!(refused(&|a| a.region = Some("410100".into())), Some(Refusal::BadRegion("410100".into())), "a city");
        assert_eq!(refused(&|a| a.region = Some("999999".into())), Some(Refusal::BadRegion("999999".into())));
        assert_eq!(refused(&|a| a.id = String::new()), Some(Refusal::BadIdentifier));
        assert_eq!(refused(&|a| a.person = "a b".into()), Some(Refusal::BadIdentifier));
        assert_eq!(refused(&|a| a.finished_at = a.started_at + 100), Some(Refusal::Implausible(Implausible::TooFast)));
        assert_eq!(refused(&|a| a.finished_at = a.started_at + MAX_DURATION_MS + 1), Some(Refusal::TooSlow));
        assert_eq!(
            refused(&|a| a.started_at = contest.starts_ms - 86_400_000),
            Some(Refusal::Implausible(Implausible::OutsideWindow))
        );
        assert_eq!(refused(&|a| a.region = None), None, "no region is counted as 未知地区");
        let none = refused(&|a| {
            a.answers[0].choice = String::new();
            a.score -= contest.rules.scoring.points_for(bank.get(&a.answers[0].q).unwrap().qtype);
            a.correct -= 1;
        });
        assert_eq!(none, None, "an unanswered question is \"\"");
    }

    #[test]
    fn a_receipt_verifies_only_for_the_attempt_and_key_it_was_made_for() {
        use ed25519_dalek::{Signer, SigningKey};
        let contest = Contest::new(rules()).unwrap();
        let bank = bank();
        let check = check_under(&contest, &bank);
        let attempt = honest(&contest, &bank).check(&check, &regions()).unwrap();
        let key = SigningKey::from_bytes(&[9; 32]);
        let public = hex::encode(key.verifying_key().as_bytes());
        let receipt = hex::encode(key.sign(receipt_message("c1", &attempt).as_bytes()).to_bytes());
        assert!(verify_receipt(&public, "c1", &attempt, &receipt));
        assert!(!verify_receipt(&public, "c2", &attempt, &receipt), "another contest");
        let moved = Attempt { region: Some("440106".into()), ..attempt.clone() };
        assert!(!verify_receipt(&public, "c1", &moved, &receipt), "another region");
        let raised = Attempt { score: attempt.score + 1, ..attempt.clone() };
        assert!(!verify_receipt(&public, "c1", &raised, &receipt), "another score");
        let other = hex::encode(SigningKey::from_bytes(&[8; 32]).verifying_key().as_bytes());
        assert!(!verify_receipt(&other, "c1", &attempt, &receipt), "another key");
        assert!(!verify_receipt(&public, "c1", &attempt, "zz"));
    }

    #[test]
    fn local_and_collected_counts_side_by_side() {
        let row = |code: &str, name: &str, p, n| RegionRow {
            code: code.into(),
            name: name.into(),
            participants: p,
            participations: n,
            population: None,
            per_10k: None,
        };
        let local = vec![row("110000", "北京市", 7, 7), row("440000", "广东省", 2, 3), row("", "未知地区", 1, 1)];
        let rows = vec![row("410000", "河南省", 5, 9), row("440000", "广东省", 4, 6)];
        let collected = CollectedCounts::of(&RegionReport { rows, participants: 9, participations: 15 });
        let text = serde_json::to_string(&collected).unwrap();
        assert!(
            text.starts_with(r#"{"participants":9,"participations":15,"regions":[{"code":"410000","name":"河南省""#)
        );
        let rows = side_by_side(&local, &collected);
        type Shown<'a> = (&'a str, (usize, usize), (usize, usize));
        let shown: Vec<Shown> = rows.iter().map(|r| (r.code.as_str(), r.local, r.collected)).collect();
        // Ranked by people collected (not by code: 110000 has none collected), 未知地区 last.
        assert_eq!(
            shown,
            [("410000", (0, 0), (5, 9)), ("440000", (2, 3), (4, 6)), ("110000", (7, 7), (0, 0)), ("", (1, 1), (0, 0))]
        );
        // Exported as the organizer's own report is, with the collector's totals.
        let csv = String::from_utf8(crate::core::reports::export::region_csv(&collected.report())).unwrap();
        assert!(csv.ends_with("410000,河南省,5,9\r\n440000,广东省,4,6\r\n,合计,9,15\r\n"), "{csv}");
        assert_eq!(CollectorLink::counts_path("kepu demo", 2), "v1/contests/kepu%20demo/counts?level=city");
    }

    #[test]
    fn submissions_read_and_write_the_contracts_json() {
        let body = r#"{"contest":"c","attempts":[{"id":"x","person":"p","region":"410102","crowd":"农民","started_at":1,"finished_at":2,"answers":[{"q":"sci-001","choice":"B"}],"score":5,"max":5,"correct":1}]}"#;
        let s: Submission = serde_json::from_str(body).unwrap();
        assert_eq!(s.attempts[0].answers[0].choice, "B");
        assert_eq!(serde_json::to_string(&s).unwrap(), body);
        let reply = SubmitReply {
            results: vec![SubmitResult {
                id: "x".into(),
                status: SubmitStatus::Duplicate,
                reason: None,
                receipt: None,
            }],
        };
        assert_eq!(serde_json::to_string(&reply).unwrap(), r#"{"results":[{"id":"x","status":"duplicate"}]}"#);
    }
}
