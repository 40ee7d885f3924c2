//! The attempt ledger: one compact record per finished scored round, daily limits,
//! contest scores by policy, and the device leaderboard.

use crate::core::Message;
use std::cmp::Ordering;
use std::rc::Rc;

use serde::{Deserialize, Serialize};

use crate::core::model::bank::Bank;
use crate::core::model::clock::shanghai_day;
use crate::core::model::contest::{Contest, ScorePolicy, Window};
use crate::core::model::participant::Participant;
use crate::core::model::rng::FastMap;
use crate::core::play::session::{QuizError, Round};
use crate::core::Lang;

/// One finished scored round. Field names are short because thousands are kept in
/// localStorage; each carries who answered so results from several devices can be merged.
/// Attempts of earlier builds also carried a masked phone (`ph`); it is dropped when read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempt {
    pub id: String,
    #[serde(rename = "c")]
    pub contest_id: String,
    #[serde(rename = "p")]
    pub participant_id: String,
    #[serde(rename = "n")]
    pub name: String,
    #[serde(rename = "r", default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(rename = "g", default, skip_serializing_if = "Option::is_none")]
    pub crowd: Option<String>,
    #[serde(rename = "s")]
    pub started_at: i64,
    #[serde(rename = "f")]
    pub finished_at: i64,
    /// Question ids in the order asked (shared: 100,000 attempts name the same few hundred).
    #[serde(rename = "q")]
    pub questions: Vec<Rc<str>>,
    /// Choices per question as bank-order bitmasks.
    #[serde(rename = "a")]
    pub answers: Vec<u8>,
    #[serde(rename = "sc")]
    pub score: u32,
    #[serde(rename = "mx")]
    pub max_score: u32,
    #[serde(rename = "ok")]
    pub correct: u32,
    #[serde(rename = "t")]
    pub time_used_ms: i64,
    /// Tenths of a second spent on each question, in the order asked (item analysis).
    #[serde(rename = "qt", default)]
    pub question_ds: Vec<u32>,
    #[serde(rename = "rv")]
    pub rules_revision: u32,
    #[serde(rename = "b")]
    pub bank: String,
    /// [`Contest::fingerprint`] of the rules and bank in force when it was played; `None` in
    /// attempts of earlier builds.
    #[serde(rename = "rh", default, skip_serializing_if = "Option::is_none")]
    pub rules_hash: Option<String>,
    /// The id of the contest's stage it was played in; `None` in a contest without stages.
    #[serde(rename = "st", default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
    /// The results collector's Ed25519 receipt for it (hex, `submission::verify_receipt`), when
    /// it carries one: in results files and the organizer's collection. A phone keeps the
    /// receipts of its own attempts in its outbox and puts them here when it exports.
    #[serde(rename = "rc", default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<String>,
}

impl Attempt {
    /// Whether `other` is the same record, whatever receipt either carries: a receipt says
    /// that the collector counted it, not what it is.
    pub fn same_record(&self, other: &Attempt) -> bool {
        match self.receipt == other.receipt {
            true => self == other,
            false => *self == Attempt { receipt: self.receipt.clone(), ..other.clone() },
        }
    }

    /// Records a finished round; `in_force` is `contest.fingerprint(bank)`, worked out once.
    pub fn from_round(
        round: &Round,
        participant: &Participant,
        contest: &Contest,
        bank: &Bank,
        in_force: &str,
    ) -> Result<Attempt, QuizError> {
        let outcome = round.outcome(bank, &contest.rules.scoring)?;
        let finished_at = round.finished_at.ok_or(QuizError::Finished)?;
        Ok(Attempt {
            id: format!("{}-{:x}", participant.id, round.started_at),
            contest_id: contest.rules.id.clone(),
            participant_id: participant.id.clone(),
            name: participant.name.clone(),
            region: participant.region.clone(),
            crowd: participant.crowd.clone(),
            started_at: round.started_at,
            finished_at,
            questions: round.questions.iter().map(|q| Rc::from(q.qid.as_str())).collect(),
            answers: round.answers.iter().map(|a| a.0).collect(),
            score: outcome.score,
            max_score: outcome.max_score,
            correct: outcome.correct,
            time_used_ms: outcome.time_used_ms,
            question_ds: (0..round.questions.len())
                .map(|i| (round.spent_ms.get(i).copied().unwrap_or(0) / 100).clamp(0, i64::from(u32::MAX)) as u32)
                .collect(),
            rules_revision: contest.rules.revision,
            bank: bank.reference(),
            rules_hash: Some(in_force.to_string()),
            stage: round.stage.clone(),
            receipt: None,
        })
    }

    /// The Asia/Shanghai day the attempt counts on: the day it started.
    pub fn day(&self) -> i64 {
        shanghai_day(self.started_at)
    }
}

/// The contest package's rules and bank as attempts record them, to tell which attempts were
/// played under rules changed on a device (本机修改过规则).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackageRules {
    pub revision: u32,
    /// [`Contest::fingerprint`] of the package's rules and bank.
    pub fingerprint: String,
}

impl PackageRules {
    pub fn of<J: crate::core::formats::codec::Json>(contest: &Contest, bank: &Bank) -> PackageRules {
        PackageRules { revision: contest.rules.revision, fingerprint: contest.fingerprint::<J>(bank) }
    }

    /// Played under this revision of the rules, but not under the package's rules and bank: an
    /// organizer (or someone who reset the PIN) changed them on the device. Attempts of other
    /// revisions, and of builds that recorded no fingerprint, are not flagged.
    pub fn changed_on_device(&self, a: &Attempt) -> bool {
        a.rules_revision == self.revision && a.rules_hash.as_deref().is_some_and(|h| h != self.fingerprint)
    }
}

/// Tie-break: higher score, then less time used, then earlier finish.
pub fn rank_order(a: (u32, i64, i64), b: (u32, i64, i64)) -> Ordering {
    b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2))
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Standing {
    pub participant_id: String,
    pub name: String,
    pub score: u32,
    pub time_used_ms: i64,
    pub finished_at: i64,
    pub attempts: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StartRefusal {
    NotYet,
    Closed,
    DailyLimit(u32),
    /// A contest with stages between two of them.
    NoStageOpen,
}

impl Message for StartRefusal {
    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (StartRefusal::NotYet, Lang::Zh) => "竞赛尚未开始".into(),
            (StartRefusal::NotYet, Lang::En) => "The contest has not started yet".into(),
            (StartRefusal::Closed, Lang::Zh) => "竞赛已经结束".into(),
            (StartRefusal::Closed, Lang::En) => "The contest has ended".into(),
            (StartRefusal::NoStageOpen, _) => lang.pick("现在没有进行中的阶段", "No stage is open now").into(),
            (StartRefusal::DailyLimit(n), Lang::Zh) => format!("今天的 {n} 次答题机会已用完，明天再来吧"),
            (StartRefusal::DailyLimit(n), Lang::En) => {
                format!("You have used today's {n} attempt(s); come back tomorrow")
            }
        }
    }
}

/// One contest's attempts on this device. Stored in the compact form of `core::storage::ledger_codec`,
/// which also holds its serde impls; results files carry the attempts as JSON objects.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AttemptLedger {
    pub attempts: Vec<Attempt>,
}

impl crate::core::formats::codec::Meaningful for AttemptLedger {
    /// One answer per question in each attempt (statistics and exports read them side by
    /// side). The compact ledger's decoder already refuses rows that break its own rules;
    /// times per question are read with `get`, and any instant is only shown, never indexed.
    fn meaning(&self) -> Result<(), (String, String)> {
        match self.attempts.iter().position(|a| a.answers.len() != a.questions.len()) {
            Some(i) => Err((
                format!("attempts[{i}]"),
                format!("{} answers to {} questions", self.attempts[i].answers.len(), self.attempts[i].questions.len()),
            )),
            None => Ok(()),
        }
    }
}

impl AttemptLedger {
    /// Adds an attempt unless one with the same id is there already. Returns whether it was added.
    pub fn record(&mut self, attempt: Attempt) -> bool {
        if self.attempts.iter().any(|a| a.id == attempt.id) {
            return false;
        }
        self.attempts.push(attempt);
        true
    }

    /// The participant's attempts of `stage` (`None`: of no stage) on `day`.
    pub fn attempts_on_day(&self, participant_id: &str, stage: Option<&str>, day: i64) -> usize {
        self.attempts
            .iter()
            .filter(|a| a.participant_id == participant_id && a.stage.as_deref() == stage && a.day() == day)
            .count()
    }

    /// When the participant last finished an attempt here, if ever (tells namesakes apart).
    pub fn last_finished(&self, participant_id: &str) -> Option<i64> {
        self.attempts.iter().filter(|a| a.participant_id == participant_id).map(|a| a.finished_at).max()
    }

    /// Attempts left today (`None` = unlimited, or no stage open), in the stage `contest`
    /// runs in ([`Contest::running`]): each stage has its own daily limit.
    pub fn attempts_left(&self, contest: &Contest, participant_id: &str, now: i64) -> Option<u32> {
        let limit = contest.rules.attempts_per_day;
        let done = || self.attempts_on_day(participant_id, contest.stage_id(), shanghai_day(now)) as u32;
        (limit > 0 && !contest.between_stages()).then(|| limit.saturating_sub(done()))
    }

    /// Whether a scored round may start now in `contest` as it runs now ([`Contest::running`]).
    pub fn can_start(&self, contest: &Contest, participant_id: &str, now: i64) -> Result<(), StartRefusal> {
        match contest.window(now) {
            Window::NotYet => return Err(StartRefusal::NotYet),
            Window::Closed => return Err(StartRefusal::Closed),
            Window::Open => {}
        }
        if contest.between_stages() {
            return Err(StartRefusal::NoStageOpen);
        }
        if self.attempts_left(contest, participant_id, now) == Some(0) {
            return Err(StartRefusal::DailyLimit(contest.rules.attempts_per_day));
        }
        Ok(())
    }

    /// Each participant's contest score under `policy`, best first.
    pub fn standings(&self, policy: ScorePolicy) -> Vec<Standing> {
        self.standings_in(policy, None)
    }

    /// [`AttemptLedger::standings`] of the attempts of one stage (`None`: of all of them).
    pub fn standings_in(&self, policy: ScorePolicy, stage: Option<&str>) -> Vec<Standing> {
        let mut out: Vec<Standing> = Vec::new();
        // Where each person's row is: an event tablet holds thousands of people.
        let mut row: FastMap<&str, usize> = FastMap::default();
        for a in self.attempts.iter().filter(|a| stage.is_none() || a.stage.as_deref() == stage) {
            let entry = match row.get(a.participant_id.as_str()) {
                Some(&i) => &mut out[i],
                None => {
                    row.insert(&a.participant_id, out.len());
                    out.push(Standing {
                        participant_id: a.participant_id.clone(),
                        name: a.name.clone(),
                        score: a.score,
                        time_used_ms: a.time_used_ms,
                        finished_at: a.finished_at,
                        attempts: 1,
                    });
                    continue;
                }
            };
            entry.attempts += 1;
            let replace = match policy {
                ScorePolicy::Best => {
                    rank_order(
                        (a.score, a.time_used_ms, a.finished_at),
                        (entry.score, entry.time_used_ms, entry.finished_at),
                    ) == Ordering::Less
                }
                ScorePolicy::Latest => a.finished_at > entry.finished_at,
                ScorePolicy::Cumulative => {
                    entry.score += a.score;
                    entry.time_used_ms += a.time_used_ms;
                    entry.finished_at = entry.finished_at.max(a.finished_at);
                    false
                }
            };
            if replace {
                entry.score = a.score;
                entry.time_used_ms = a.time_used_ms;
                entry.finished_at = a.finished_at;
            }
        }
        crate::core::model::sort::sort_by(&mut out, |a, b| {
            rank_order((a.score, a.time_used_ms, a.finished_at), (b.score, b.time_used_ms, b.finished_at))
        });
        out
    }

    /// 1-based rank of a participant on this device under `policy`.
    pub fn rank_of(&self, policy: ScorePolicy, participant_id: &str) -> Option<(usize, usize)> {
        self.rank_in(policy, None, participant_id)
    }

    /// [`AttemptLedger::rank_of`] among the attempts of one stage (`None`: of all of them).
    pub fn rank_in(&self, policy: ScorePolicy, stage: Option<&str>, participant_id: &str) -> Option<(usize, usize)> {
        let s = self.standings_in(policy, stage);
        s.iter().position(|x| x.participant_id == participant_id).map(|i| (i + 1, s.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::clock::parse_shanghai;
    use crate::core::model::contest::tests::{bank, rules};
    use crate::core::play::draw::draw_round;

    fn attempt(pid: &str, score: u32, time: i64, finished: i64) -> Attempt {
        Attempt {
            id: format!("{pid}-{finished}"),
            contest_id: "c1".into(),
            participant_id: pid.into(),
            name: pid.to_uppercase(),
            region: None,
            crowd: None,
            started_at: finished - time,
            finished_at: finished,
            questions: vec![],
            answers: vec![],
            score,
            max_score: 100,
            correct: 0,
            time_used_ms: time,
            question_ds: vec![],
            rules_revision: 1,
            bank: "b@1".into(),
            rules_hash: None,
            stage: None,
            receipt: None,
        }
    }

    #[test]
    fn tie_break_score_then_time_then_finish() {
        let mut l = AttemptLedger::default();
        l.record(attempt("a", 80, 50_000, 3_000_000));
        l.record(attempt("b", 90, 90_000, 4_000_000));
        l.record(attempt("c", 80, 40_000, 5_000_000));
        l.record(attempt("d", 80, 40_000, 2_000_000));
        let order: Vec<String> = l.standings(ScorePolicy::Best).into_iter().map(|s| s.participant_id).collect();
        assert_eq!(order, vec!["b", "d", "c", "a"]);
        assert_eq!(l.rank_of(ScorePolicy::Best, "c"), Some((3, 4)));
    }

    #[test]
    fn score_policies() {
        let mut l = AttemptLedger::default();
        l.record(attempt("a", 70, 30_000, 1_000_000));
        l.record(attempt("a", 90, 60_000, 2_000_000));
        l.record(attempt("a", 60, 20_000, 3_000_000));
        assert!(!l.record(attempt("a", 60, 20_000, 3_000_000)), "same id is not added twice");
        let best = &l.standings(ScorePolicy::Best)[0];
        assert_eq!((best.score, best.time_used_ms, best.attempts), (90, 60_000, 3));
        let latest = &l.standings(ScorePolicy::Latest)[0];
        assert_eq!((latest.score, latest.time_used_ms), (60, 20_000));
        let sum = &l.standings(ScorePolicy::Cumulative)[0];
        assert_eq!((sum.score, sum.time_used_ms), (220, 110_000));
    }

    #[test]
    fn daily_limit_resets_at_shanghai_midnight_and_counts_start_day() {
        let c = Contest::new(rules()).unwrap(); // 2 a day
        let mut l = AttemptLedger::default();
        let evening = parse_shanghai("2026-11-20 23:50").unwrap();
        l.record(attempt("a", 50, 60_000, evening));
        // Started 23:58:30, finished after midnight: counts on the 20th.
        let mut late = attempt("a", 50, 180_000, evening + 10 * 60_000 + 30_000);
        late.started_at = parse_shanghai("2026-11-20 23:58:30").unwrap();
        l.record(late);
        assert_eq!(l.can_start(&c, "a", evening + 9 * 60_000), Err(StartRefusal::DailyLimit(2)));
        assert_eq!(l.attempts_left(&c, "a", evening + 9 * 60_000), Some(0));
        // 00:00 Shanghai is 16:00 UTC of the previous day; the device zone does not matter.
        let midnight = parse_shanghai("2026-11-21 00:00").unwrap();
        assert_eq!(l.can_start(&c, "a", midnight - 1), Err(StartRefusal::DailyLimit(2)));
        assert_eq!(l.can_start(&c, "a", midnight), Ok(()));
        assert_eq!(l.attempts_left(&c, "a", midnight), Some(2));
        assert_eq!(l.can_start(&c, "b", evening), Ok(()), "limits are per participant");
        assert!(StartRefusal::DailyLimit(2).message(Lang::Zh).contains("2 次"));
    }

    #[test]
    fn window_refusals() {
        let c = Contest::new(rules()).unwrap();
        let l = AttemptLedger::default();
        assert_eq!(l.can_start(&c, "a", parse_shanghai("2026-10-31 23:59").unwrap()), Err(StartRefusal::NotYet));
        assert_eq!(l.can_start(&c, "a", parse_shanghai("2026-12-01 00:01").unwrap()), Err(StartRefusal::Closed));
        assert_eq!(
            l.can_start(&c, "a", parse_shanghai("2026-12-01 00:00").unwrap() + 59_000),
            Ok(()),
            "the end minute is inside"
        );
    }

    #[test]
    fn the_fingerprint_changes_with_any_rule_or_the_bank_and_flags_those_attempts() {
        use crate::core::formats::codec::SerdeJson;
        let c = Contest::new(rules()).unwrap();
        let b = bank();
        let package = PackageRules::of::<SerdeJson>(&c, &b);
        assert_eq!(package.fingerprint.len(), 12);
        assert!(package.fingerprint.bytes().all(|x| x.is_ascii_hexdigit() && !x.is_ascii_uppercase()));
        assert_eq!(package.fingerprint, c.fingerprint::<SerdeJson>(&b), "the same rules and bank, the same hash");
        // 100 points a question and unlimited attempts, the revision unchanged: another hash.
        let mut r = rules();
        r.scoring.single = 100;
        r.attempts_per_day = 0;
        let changed = Contest::new(r).unwrap();
        assert_ne!(changed.fingerprint::<SerdeJson>(&b), package.fingerprint);
        let mut other_bank = b.clone();
        other_bank.revision += 1;
        assert_ne!(c.fingerprint::<SerdeJson>(&other_bank), package.fingerprint);

        let mut a = attempt("p", 50, 60_000, 1);
        assert!(!package.changed_on_device(&a), "attempts of earlier builds carry no hash");
        a.rules_hash = Some(package.fingerprint.clone());
        assert!(!package.changed_on_device(&a));
        a.rules_hash = Some(changed.fingerprint::<SerdeJson>(&b));
        assert!(package.changed_on_device(&a), "played under changed rules of the same revision");
        a.rules_revision = 2;
        assert!(!package.changed_on_device(&a), "another revision of the package is not a change on a device");
    }

    #[test]
    fn attempt_from_a_round_is_compact_and_complete() {
        let c = Contest::new(rules()).unwrap();
        let b = bank();
        let p = Participant {
            id: "p1".into(),
            name: "张三".into(),
            region: Some("440106".into()),
            crowd: Some("农民".into()),
        };
        let t0 = parse_shanghai("2026-11-20 10:00").unwrap();
        let mut r = Round::start(&c, &p.id, draw_round(&c, &b, None, 1).unwrap(), t0);
        r.sync(t0 + 10 * 60_000);
        let a = Attempt::from_round(&r, &p, &c, &b, "0123456789ab").unwrap();
        assert_eq!(a.questions.len(), 5);
        // 2 判断 × 2 + 单选 s1 (5) + one more 单选 (s2: 5, s3: 7) + 1 多选 × 10.
        let expected_max = if a.questions.iter().any(|q| &**q == "s3") { 26 } else { 24 };
        assert_eq!((a.score, a.correct, a.max_score), (0, 0, expected_max));
        assert_eq!(a.time_used_ms, 100_000);
        assert_eq!(a.question_ds, vec![200; 5]);
        assert_eq!(a.bank, "b@0");
        assert_eq!(a.rules_hash.as_deref(), Some("0123456789ab"));
        let json = serde_json::to_string(&a).unwrap();
        assert!(json.contains(r#""sc":0"#) && json.len() < 350, "{json}");
        let back: Attempt = serde_json::from_str(&json).unwrap();
        assert_eq!(back, a);
    }
}
