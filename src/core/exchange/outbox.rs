//! The outbox: finished attempts waiting to be sent to the contest's results collector, and
//! what became of those sent. A finished attempt goes to the ledger first (as always), then
//! its id here (the attempt itself is read from the ledger when it is sent, so nothing is
//! stored twice); the browser adapter (`web::browser::outbox`) sends [`Outbox::batch`] when
//! [`Outbox::due`] and reports the answer with [`Outbox::settle`] or [`Outbox::failed`].
//!
//! Retries back off exponentially with full jitter (the wait is a random share of
//! `BASE_DELAY_MS × 2^failures`, at most `MAX_DELAY_MS`) and never sooner than a `Retry-After`.
//! An answer 4xx other than 429 refuses the attempts sent: they are never retried, and stay
//! in the ledger. Time and randomness come in as values, so every case is tested exactly.

use crate::core::Message;
use serde::{Deserialize, Serialize};

use crate::core::exchange::submission::{SubmitReply, SubmitStatus, SubmittedAttempt, MAX_BATCH};
use crate::core::model::rng::FastMap;
use crate::core::play::ledger::Attempt;
use crate::core::Lang;

/// The first retry waits up to this long.
pub const BASE_DELAY_MS: i64 = 2_000;
/// No retry waits longer than this (before `Retry-After`).
pub const MAX_DELAY_MS: i64 = 300_000;
/// How many settled attempts are remembered (for the result screen and to never send one twice).
pub const KEEP_SETTLED: usize = 1_000;
/// How often the app looks whether a retry is due.
pub const TICK_MS: u32 = 15_000;

/// What became of an attempt sent to the collector. Plain fields, not a tagged enum: serde's
/// internally tagged and flattened forms would add their buffering code to the phone's wasm.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settled {
    pub id: String,
    /// The collector's signature, for an attempt it accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<String>,
    /// Why the collector will never count it; `None`: counted (now, or already before).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
}

/// Where an attempt stands, for the result screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeliveryStatus {
    /// Not sent yet, or to be sent again; with how many attempts of the device are waiting.
    Waiting(usize),
    Submitted,
    Refused(String),
    /// Not in the outbox (no collector, or played before it was configured).
    Unknown,
}

impl Message for DeliveryStatus {
    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (DeliveryStatus::Waiting(n), Lang::Zh) => format!("待提交：本机共 {n} 条成绩等待上传，联网后自动提交"),
            (DeliveryStatus::Waiting(n), Lang::En) => {
                format!("Waiting to be submitted: {n} result(s) on this device, sent when online")
            }
            (DeliveryStatus::Submitted, _) => lang.pick("已提交到主办方", "Submitted to the organizer").into(),
            (DeliveryStatus::Refused(why), Lang::Zh) => format!("未被接受：{why}"),
            (DeliveryStatus::Refused(why), Lang::En) => format!("Not accepted: {why}"),
            (DeliveryStatus::Unknown, _) => String::new(),
        }
    }
}

/// Why a send did not get a 200.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SendFailure {
    /// No answer (offline, DNS, CORS, connection reset).
    Network,
    /// An answer that asks to try again: 429, 5xx (with its `Retry-After`, in seconds).
    Retry { retry_after_s: Option<u64> },
    /// 4xx other than 429: the attempts sent are refused, with the collector's reason.
    Refused { status: u16, reason: String },
}

impl SendFailure {
    /// What an HTTP status other than 200 means, with the `Retry-After` and `error` it came with.
    pub fn of_status(status: u16, retry_after: Option<&str>, error: Option<String>) -> SendFailure {
        if status == 429 || !(400..500).contains(&status) {
            SendFailure::Retry { retry_after_s: retry_after.and_then(|s| s.trim().parse().ok()) }
        } else {
            SendFailure::Refused {
                status,
                reason: error.filter(|e| !e.is_empty()).unwrap_or_else(|| format!("HTTP {status}")),
            }
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Outbox {
    /// Ids of the attempts to send, oldest first.
    pub waiting: Vec<String>,
    /// Oldest first; at most [`KEEP_SETTLED`].
    pub settled: Vec<Settled>,
    /// Failed sends in a row.
    pub failures: u32,
    /// No send before this time (ms).
    pub next_try_at: i64,
    /// When this device started sending to a collector: attempts of the ledger finished since
    /// and not in the outbox are added at start-up (a tab closed between ledger and outbox).
    pub since: i64,
}

/// Its instants are real ones: a `next_try_at` far ahead would stop sending for good.
impl crate::core::formats::codec::Meaningful for Outbox {
    fn meaning(&self) -> Result<(), (String, String)> {
        for (field, at) in [("next_try_at", self.next_try_at), ("since", self.since)] {
            if !crate::core::formats::codec::PLAUSIBLE_MS.contains(&at) {
                return Err((field.into(), format!("{at} is not a time")));
            }
        }
        Ok(())
    }
}

impl Outbox {
    pub fn new(now: i64) -> Outbox {
        Outbox { since: now, ..Outbox::default() }
    }

    fn knows(&self, id: &str) -> bool {
        self.waiting.iter().any(|a| a == id) || self.settled.iter().any(|s| s.id == id)
    }

    /// Puts an attempt in the outbox; `false` when it is already there or was settled.
    pub fn add(&mut self, attempt: &Attempt) -> bool {
        if self.knows(&attempt.id) {
            return false;
        }
        self.waiting.push(attempt.id.clone());
        true
    }

    /// Adds the ledger's attempts finished since the outbox began that it does not know.
    pub fn catch_up<'a>(&mut self, attempts: impl IntoIterator<Item = &'a Attempt>) -> usize {
        let since = self.since;
        attempts.into_iter().filter(|a| a.finished_at >= since).filter(|a| self.add(a)).count()
    }

    pub fn status(&self, id: &str) -> DeliveryStatus {
        if self.waiting.iter().any(|a| a == id) {
            return DeliveryStatus::Waiting(self.waiting.len());
        }
        match self.settled.iter().rev().find(|s| s.id == id) {
            Some(Settled { refused: None, .. }) => DeliveryStatus::Submitted,
            Some(Settled { refused: Some(reason), .. }) => DeliveryStatus::Refused(reason.clone()),
            None => DeliveryStatus::Unknown,
        }
    }

    /// Whether a send should go now.
    pub fn due(&self, now: i64) -> bool {
        !self.waiting.is_empty() && now >= self.next_try_at
    }

    /// The next attempts to send, at most a batch, as the ledger holds them. An id the ledger
    /// does not have is dropped (there is nothing to send).
    pub fn batch(&mut self, ledger: &[Attempt]) -> Vec<SubmittedAttempt> {
        let by_id: FastMap<&str, &Attempt> = ledger.iter().map(|a| (a.id.as_str(), a)).collect();
        self.waiting.retain(|id| by_id.contains_key(id.as_str()));
        self.waiting
            .iter()
            .take(MAX_BATCH)
            .filter_map(|id| by_id.get(id.as_str()))
            .map(|a| SubmittedAttempt::of(a))
            .collect()
    }

    /// A way back online (the `online` event): try at once, whatever the back-off said.
    pub fn retry_now(&mut self, now: i64) {
        self.next_try_at = self.next_try_at.min(now);
    }

    fn settle_one(&mut self, id: &str, receipt: Option<String>, refused: Option<String>) {
        self.waiting.retain(|a| a != id);
        self.settled.retain(|s| s.id != id);
        self.settled.push(Settled { id: id.to_string(), receipt, refused });
    }

    fn trim(&mut self) {
        let over = self.settled.len().saturating_sub(KEEP_SETTLED);
        self.settled.drain(..over);
    }

    /// The collector answered 200: each attempt it names is settled; the back-off resets.
    pub fn settle(&mut self, reply: &SubmitReply, now: i64) {
        for r in &reply.results {
            if !self.waiting.contains(&r.id) {
                continue;
            }
            let refused = match r.status {
                SubmitStatus::Accepted | SubmitStatus::Duplicate => None,
                SubmitStatus::Rejected => Some(r.reason.clone().unwrap_or_default()),
            };
            self.settle_one(&r.id, r.receipt.clone(), refused);
        }
        self.trim();
        self.failures = 0;
        self.next_try_at = now;
    }

    /// A send of the attempts `sent` failed at `now`; `jitter` is a random number in [0, 1).
    pub fn failed(&mut self, sent: &[String], failure: SendFailure, now: i64, jitter: f64) {
        match failure {
            SendFailure::Refused { reason, .. } => {
                for id in sent {
                    if self.waiting.contains(id) {
                        self.settle_one(id, None, Some(reason.clone()));
                    }
                }
                self.trim();
                self.failures = 0;
                self.next_try_at = now;
            }
            SendFailure::Network | SendFailure::Retry { .. } => {
                let ceiling = BASE_DELAY_MS.saturating_mul(1 << self.failures.min(20)).min(MAX_DELAY_MS);
                let mut wait = (ceiling as f64 * jitter.clamp(0.0, 1.0)) as i64;
                if let SendFailure::Retry { retry_after_s: Some(s) } = failure {
                    wait = wait.max(i64::try_from(s).unwrap_or(i64::MAX / 2).saturating_mul(1000));
                }
                self.failures = self.failures.saturating_add(1);
                self.next_try_at = now.saturating_add(wait);
            }
        }
    }

    /// Takes in what another tab stored: every attempt either knows, and what either settled.
    pub fn merge(&mut self, other: Outbox) {
        for s in other.settled {
            if !self.settled.iter().any(|mine| mine.id == s.id) {
                self.waiting.retain(|a| *a != s.id);
                self.settled.push(s);
            }
        }
        for id in other.waiting {
            if !self.knows(&id) {
                self.waiting.push(id);
            }
        }
        self.trim();
        self.since = match (self.since, other.since) {
            (0, s) | (s, 0) => s,
            (a, b) => a.min(b),
        };
        self.failures = self.failures.max(other.failures);
        self.next_try_at = self.next_try_at.max(other.next_try_at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::exchange::submission::SubmitResult;
    use std::rc::Rc;

    #[test]
    fn a_stored_outbox_that_would_never_send_again_is_set_aside() {
        use crate::core::formats::codec::SerdeJson;
        use crate::core::storage::persist::{decode, StorageError, Stored};
        let good = r#"{"version":1,"data":{"waiting":["a"],"next_try_at":1764662400000,"since":0}}"#;
        assert_eq!(decode::<SerdeJson, Outbox>(Stored::Outbox, good).unwrap().waiting, ["a"]);
        let stuck = good.replace("1764662400000", "9000000000000000");
        let e = decode::<SerdeJson, Outbox>(Stored::Outbox, &stuck).unwrap_err();
        assert!(matches!(e, StorageError::Unreadable(_)), "{e:?}");
        assert!(e.message(crate::core::Lang::En).contains("data.next_try_at"), "{}", e.message(crate::core::Lang::En));
    }

    fn attempt(id: &str, finished_at: i64) -> Attempt {
        Attempt {
            id: id.into(),
            contest_id: "c".into(),
            participant_id: "r1".into(),
            name: "张三".into(),
            region: Some("410102".into()),
            crowd: None,
            started_at: finished_at - 60_000,
            finished_at,
            questions: vec![Rc::from("q1"), Rc::from("q2")],
            answers: vec![1, 0b101],
            score: 5,
            max_score: 10,
            correct: 1,
            time_used_ms: 60_000,
            question_ds: vec![],
            rules_revision: 1,
            bank: "b@1".into(),
            rules_hash: None,
            stage: None,
            receipt: None,
        }
    }

    fn result(id: &str, status: SubmitStatus, reason: Option<&str>) -> SubmitResult {
        SubmitResult { id: id.into(), status, reason: reason.map(Into::into), receipt: None }
    }

    #[test]
    fn an_attempt_waits_then_is_submitted_or_refused_and_never_sent_twice() {
        let mut o = Outbox::new(1_000);
        assert!(o.add(&attempt("a", 2_000)));
        assert!(!o.add(&attempt("a", 2_000)), "once");
        assert!(o.add(&attempt("b", 3_000)));
        assert_eq!(o.status("a"), DeliveryStatus::Waiting(2));
        assert!(o.due(3_000));
        let ledger = [attempt("a", 2_000), attempt("b", 3_000), attempt("c", 3_500)];
        let batch = o.batch(&ledger);
        assert_eq!(batch.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(batch[0].answers[1].choice, "AC", "bank letters");
        assert_eq!(batch[0], SubmittedAttempt::of(&ledger[0]), "sent as the ledger holds it");
        o.settle(
            &SubmitReply {
                results: vec![
                    result("a", SubmitStatus::Duplicate, None),
                    result("b", SubmitStatus::Rejected, Some("与按题库重新计算的得分不符")),
                ],
            },
            4_000,
        );
        assert_eq!(o.status("a"), DeliveryStatus::Submitted);
        assert_eq!(o.status("b"), DeliveryStatus::Refused("与按题库重新计算的得分不符".into()));
        assert!(!o.due(5_000), "nothing waits");
        assert!(!o.add(&attempt("a", 2_000)), "a settled attempt is not sent again");
        assert_eq!(o.status("zzz"), DeliveryStatus::Unknown);
        assert!(DeliveryStatus::Refused("x".into()).message(Lang::Zh).contains("x"));
    }

    #[test]
    fn retries_back_off_with_full_jitter_and_honour_retry_after() {
        let mut o = Outbox::new(0);
        o.add(&attempt("a", 10));
        let ids = vec!["a".to_string()];
        o.failed(&ids, SendFailure::Network, 1_000, 0.5);
        assert_eq!((o.failures, o.next_try_at), (1, 1_000 + BASE_DELAY_MS / 2));
        assert!(!o.due(1_999) && o.due(2_000));
        o.failed(&ids, SendFailure::Network, 2_000, 0.999_999);
        assert_eq!(o.next_try_at, 2_000 + 2 * BASE_DELAY_MS - 1, "the ceiling doubles");
        o.failed(&ids, SendFailure::Retry { retry_after_s: None }, 10_000, 0.0);
        assert_eq!(o.next_try_at, 10_000, "full jitter may retry at once");
        for _ in 0..30 {
            o.failed(&ids, SendFailure::Network, 0, 1.0);
        }
        assert_eq!(o.next_try_at, MAX_DELAY_MS, "capped");
        o.failed(&ids, SendFailure::of_status(429, Some("120"), None), 50_000, 0.0);
        assert_eq!(o.next_try_at, 50_000 + 120_000, "Retry-After is a floor");
        o.failed(&ids, SendFailure::of_status(503, Some("1"), None), 60_000, 1.0);
        assert_eq!(o.next_try_at, 60_000 + MAX_DELAY_MS, "a longer back-off stands");
        o.retry_now(61_000);
        assert!(o.due(61_000), "online: at once");
        assert_eq!(o.status("a"), DeliveryStatus::Waiting(1), "still waiting after every failure");
        o.settle(&SubmitReply { results: vec![result("a", SubmitStatus::Accepted, None)] }, 62_000);
        assert_eq!((o.failures, o.status("a")), (0, DeliveryStatus::Submitted));
    }

    #[test]
    fn a_4xx_other_than_429_refuses_the_attempts_sent_and_only_those() {
        let mut o = Outbox::new(0);
        o.add(&attempt("a", 10));
        o.add(&attempt("b", 20));
        assert_eq!(
            SendFailure::of_status(400, None, Some("请求格式不符".into())),
            SendFailure::Refused { status: 400, reason: "请求格式不符".into() }
        );
        assert_eq!(
            SendFailure::of_status(413, None, None),
            SendFailure::Refused { status: 413, reason: "HTTP 413".into() }
        );
        assert_eq!(SendFailure::of_status(502, None, None), SendFailure::Retry { retry_after_s: None });
        o.failed(&["a".to_string()], SendFailure::of_status(400, None, Some("坏".into())), 100, 0.3);
        assert_eq!(o.status("a"), DeliveryStatus::Refused("坏".into()));
        assert_eq!(o.status("b"), DeliveryStatus::Waiting(1));
        assert!(o.due(100));
    }

    #[test]
    fn two_tabs_merge_without_losing_or_resending() {
        let mut one = Outbox::new(100);
        one.add(&attempt("a", 200));
        one.add(&attempt("b", 300));
        let mut two = one.clone();
        two.settle(&SubmitReply { results: vec![result("a", SubmitStatus::Accepted, None)] }, 400);
        two.add(&attempt("c", 500));
        one.add(&attempt("d", 600));
        one.merge(two);
        assert_eq!(one.status("a"), DeliveryStatus::Submitted);
        assert_eq!(one.waiting, ["b", "d", "c"]);
    }

    #[test]
    fn an_id_the_ledger_does_not_have_is_dropped_not_sent_forever() {
        let mut o = Outbox::new(0);
        o.add(&attempt("gone", 10));
        o.add(&attempt("kept", 20));
        assert_eq!(o.batch(&[attempt("kept", 20)]).len(), 1);
        assert_eq!(o.waiting, ["kept"]);
        assert!(o.batch(&[]).is_empty() && !o.due(100), "nothing left to send");
    }

    #[test]
    fn catching_up_adds_only_attempts_finished_since_the_outbox_began() {
        let mut o = Outbox::new(1_000);
        let ledger = [attempt("old", 900), attempt("new", 1_500), attempt("newer", 2_000)];
        assert_eq!(o.catch_up(&ledger), 2);
        assert_eq!(o.catch_up(&ledger), 0);
        assert_eq!(o.status("old"), DeliveryStatus::Unknown);
    }

    #[test]
    fn settled_attempts_are_remembered_up_to_a_limit() {
        let mut o = Outbox::new(0);
        for i in 0..KEEP_SETTLED + 5 {
            o.add(&attempt(&format!("a{i}"), 10));
        }
        let results = o.waiting.iter().map(|id| result(id, SubmitStatus::Accepted, None)).collect();
        o.settle(&SubmitReply { results }, 10);
        assert_eq!(o.settled.len(), KEEP_SETTLED);
        assert_eq!(o.settled[0].id, "a5", "the oldest are forgotten first");
    }
}
