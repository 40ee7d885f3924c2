//! The answering state machine of one round (scored or practice), and its scoring.
//!
//! The clock keeps running while the page is closed: every call takes `now`, and
//! [`Round::sync`] applies all the time-outs that fell due since the last call.

use crate::core::Message;
use serde::{Deserialize, Serialize};

use crate::core::model::bank::{AnswerSet, Bank, Question, QuestionType};
use crate::core::model::contest::{Contest, MultipleScoring, Scoring};
use crate::core::play::draw::DrawnQuestion;
use crate::core::play::reading::ReadingPauses;
use crate::core::Lang;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QuizError {
    Finished,
    NoChoice,
    NoGoingBack,
    NoSuchChoice,
    UnknownQuestion(String),
}

impl Message for QuizError {
    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (QuizError::Finished, Lang::Zh) => "本轮已经结束".into(),
            (QuizError::Finished, Lang::En) => "This round is over".into(),
            (QuizError::NoChoice, Lang::Zh) => "请先选择答案".into(),
            (QuizError::NoChoice, Lang::En) => "Please choose an answer first".into(),
            (QuizError::NoGoingBack, Lang::Zh) => "本竞赛不允许返回上一题".into(),
            (QuizError::NoGoingBack, Lang::En) => "This contest does not allow going back".into(),
            (QuizError::NoSuchChoice, Lang::Zh) => "没有这个选项".into(),
            (QuizError::NoSuchChoice, Lang::En) => "There is no such choice".into(),
            (QuizError::UnknownQuestion(id), Lang::Zh) => format!("题库中找不到题目 {id}，题库可能已更换"),
            (QuizError::UnknownQuestion(id), Lang::En) => {
                format!("question {id} is not in the bank; the bank may have changed")
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Round {
    pub contest_id: String,
    pub participant_id: String,
    pub practice: bool,
    pub questions: Vec<DrawnQuestion>,
    /// Choices per question, as bank indices (what the participant picked, in bank order).
    pub answers: Vec<AnswerSet>,
    pub current: usize,
    pub started_at: i64,
    pub question_started_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_question_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub round_ms: Option<i64>,
    #[serde(default)]
    pub allow_back: bool,
    /// Practice only: the current question's answer has been checked and shown.
    #[serde(default)]
    pub revealed: bool,
    /// Milliseconds spent on each question (for item analysis).
    #[serde(default)]
    pub spent_ms: Vec<i64>,
    /// The rules and bank the round was drawn under; none in rounds of earlier builds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub played_under: Option<PlayedUnder>,
    /// The clock standing still while questions are read aloud (off unless the rules allow it
    /// for this person).
    #[serde(default, skip_serializing_if = "ReadingPauses::is_off")]
    pub reading: ReadingPauses,
    /// The id of the contest's stage the round is played in (`Contest::in_stage`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
}

/// What a round was drawn under, to tell on resuming whether the contest changed since.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlayedUnder {
    /// [`Contest::fingerprint`] of the rules and bank in force.
    pub fingerprint: String,
    pub rules_revision: u32,
    /// The bank's `id@revision` and title.
    pub bank: String,
    pub bank_title: String,
}

/// Why a stored round cannot go on: the contest it was drawn under has changed on this
/// device. The round is closed (not recorded, not counted); the message names the change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RoundClosed {
    /// The bank in force is another one (or another revision), or no longer holds all of the
    /// round's questions.
    BankChanged {
        /// The bank the round was drawn from, when the round recorded it.
        was: Option<String>,
        now: String,
        /// How many of the round's questions the bank in force does not have.
        missing: usize,
    },
    /// The rules changed (the bank did not).
    RulesChanged { was: u32, now: u32 },
}

impl Message for RoundClosed {
    fn message(&self, lang: Lang) -> String {
        let why = match (self, lang) {
            (RoundClosed::BankChanged { was, now, missing }, Lang::Zh) => {
                let was = was.as_ref().map(|w| format!("原为“{w}”，")).unwrap_or_default();
                let missing = if *missing > 0 {
                    format!("，这一轮有 {missing} 道题不在现在的题库里")
                } else {
                    String::new()
                };
                format!("本机的题库已更换（{was}现为“{now}”）{missing}")
            }
            (RoundClosed::BankChanged { was, now, missing }, Lang::En) => {
                let was = was.as_ref().map(|w| format!("from \"{w}\" ")).unwrap_or_default();
                let missing = if *missing > 0 {
                    format!("; {missing} of this round's questions are not in it")
                } else {
                    String::new()
                };
                format!("the bank on this device was changed {was}to \"{now}\"{missing}")
            }
            (RoundClosed::RulesChanged { was, now }, Lang::Zh) if was != now => {
                format!("竞赛规则已更改（第 {was} 版 → 第 {now} 版）")
            }
            (RoundClosed::RulesChanged { .. }, Lang::Zh) => "竞赛规则已在本机更改".to_string(),
            (RoundClosed::RulesChanged { was, now }, Lang::En) if was != now => {
                format!("the contest rules were changed (revision {was} → {now})")
            }
            (RoundClosed::RulesChanged { .. }, Lang::En) => "the contest rules were changed on this device".to_string(),
        };
        match lang {
            Lang::Zh => format!("进行中的一轮已关闭：{why}。这一轮不计成绩，也不占答题次数，请重新开始答题。"),
            Lang::En => format!(
                "The round in progress was closed: {why}. It is not scored and does not count as an attempt; please start again."
            ),
        }
    }
}

impl Round {
    pub fn start(contest: &Contest, participant_id: &str, questions: Vec<DrawnQuestion>, now: i64) -> Round {
        let r = &contest.rules.round;
        // A practice round with the contest's clock and rules on going back, and counted.
        Round {
            practice: false,
            per_question_ms: r.seconds_per_question.map(|s| i64::from(s) * 1000),
            round_ms: r.seconds_per_round.map(|s| i64::from(s) * 1000),
            allow_back: r.allow_back,
            stage: contest.stage_id().map(str::to_string),
            ..Round::practice(&contest.rules.id, participant_id, questions, now)
        }
    }

    /// Records what the round is drawn under: `in_force` is `contest.fingerprint(bank)`.
    pub fn under(mut self, contest: &Contest, bank: &Bank, in_force: &str) -> Round {
        self.played_under = Some(PlayedUnder {
            fingerprint: in_force.to_string(),
            rules_revision: contest.rules.revision,
            bank: bank.reference(),
            bank_title: bank.title.clone(),
        });
        self
    }

    /// Lets the clock stand still while a question is read aloud, at most `cap_ms` per question
    /// (`RoundRules::reading_pause_ms` for the person); `None` leaves it running.
    pub fn reading_pause(mut self, cap_ms: Option<i64>) -> Round {
        self.reading = cap_ms.map(|ms| ReadingPauses::new(ms, self.questions.len())).unwrap_or_default();
        self
    }

    /// Whether this stored round can go on under the contest and bank in force now: every one
    /// of its questions is in the bank, and (when the round recorded it) neither the rules nor
    /// the bank changed since it was drawn. A round that cannot go on must be closed, never
    /// shown (its questions could not be drawn or scored).
    pub fn still_fits(&self, contest: &Contest, bank: &Bank, in_force: &str) -> Result<(), RoundClosed> {
        let missing = self.questions.iter().filter(|q| bank.get(&q.qid).is_none()).count();
        let now = || format!("{}（{}）", bank.title, bank.reference());
        let was = self.played_under.as_ref();
        let bank_changed = was.is_some_and(|w| w.bank != bank.reference());
        if missing > 0 || bank_changed {
            return Err(RoundClosed::BankChanged {
                was: was.map(|w| format!("{}（{}）", w.bank_title, w.bank)),
                now: now(),
                missing,
            });
        }
        match was {
            Some(w) if w.fingerprint != in_force => {
                Err(RoundClosed::RulesChanged { was: w.rules_revision, now: contest.rules.revision })
            }
            _ => Ok(()),
        }
    }

    /// An untimed practice round with instant feedback; never recorded.
    pub fn practice(contest_id: &str, participant_id: &str, questions: Vec<DrawnQuestion>, now: i64) -> Round {
        Round {
            contest_id: contest_id.to_string(),
            participant_id: participant_id.to_string(),
            practice: true,
            answers: vec![AnswerSet::default(); questions.len()],
            questions,
            current: 0,
            started_at: now,
            question_started_at: now,
            finished_at: None,
            per_question_ms: None,
            round_ms: None,
            allow_back: true,
            revealed: false,
            spent_ms: Vec::new(),
            played_under: None,
            reading: ReadingPauses::default(),
            stage: None,
        }
    }

    pub fn is_finished(&self) -> bool {
        self.finished_at.is_some()
    }

    pub fn is_last(&self) -> bool {
        self.current + 1 >= self.questions.len()
    }

    pub fn current_question(&self) -> &DrawnQuestion {
        &self.questions[self.current.min(self.questions.len() - 1)]
    }

    /// Whether the choice shown at position `shown` of the current question is picked.
    pub fn is_chosen(&self, shown: usize) -> bool {
        self.current_question().bank_index(shown).is_some_and(|i| self.answers[self.current].contains(i))
    }

    /// Books the time spent on the current question up to `at` (never negative).
    fn leave_current(&mut self, at: i64) {
        if self.spent_ms.len() < self.questions.len() {
            self.spent_ms.resize(self.questions.len(), 0);
        }
        self.spent_ms[self.current] += (at - self.question_started_at).max(0);
        self.reading.leave(at);
    }

    /// The moments the current question and the round time out as of `now` (later by the time
    /// the clock stood still for reading aloud), if limits apply.
    fn deadlines(&self, now: i64) -> (Option<i64>, Option<i64>) {
        let here = self.reading.here_at(now);
        let q = self.per_question_ms.map(|ms| self.question_started_at + ms + here);
        let r = self.round_ms.map(|ms| self.started_at + ms + self.reading.before_ms + here);
        (q, r)
    }

    /// The moment the current question times out as of `now`, if any limit applies.
    fn deadline(&self, now: i64) -> Option<i64> {
        match self.deadlines(now) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Whether the clock stands still at `now` because the question is being read aloud.
    pub fn is_paused(&self, now: i64) -> bool {
        self.deadline(now).is_some() && self.reading.is_paused(now)
    }

    /// Milliseconds left on the clock shown to the participant; `None` when untimed.
    pub fn remaining_ms(&self, now: i64) -> Option<i64> {
        let deadline = self.deadline(now)?;
        // A clock moved backwards never gives more than the full limit.
        let cap = match (self.per_question_ms, self.round_ms) {
            (Some(q), Some(r)) => q.min(r),
            (q, r) => q.or(r).unwrap_or(0),
        };
        Some((deadline - now).clamp(0, cap))
    }

    /// Applies every time-out due by `now`: the choice on screen stands (none = wrong), the
    /// next question starts at the moment the previous one timed out, and a round past its
    /// overall limit ends. Returns true if anything moved.
    pub fn sync(&mut self, now: i64) -> bool {
        let mut moved = false;
        while !self.is_finished() {
            let Some(deadline) = self.deadline(now) else { break };
            if now < deadline {
                break;
            }
            moved = true;
            let round_over = self.deadlines(now).1.is_some_and(|end| deadline >= end);
            self.leave_current(deadline);
            if round_over || self.is_last() {
                self.finished_at = Some(deadline);
            } else {
                self.current += 1;
                self.question_started_at = deadline;
            }
        }
        moved
    }

    /// Picks (or, for multiple choice, toggles) the choice shown at position `shown` of
    /// question `question`, the one on screen when it was tapped. A tap meant for a question
    /// that is no longer current (it timed out, or another tab moved on) is ignored: it never
    /// answers a question the person has not seen.
    pub fn choose(&mut self, bank: &Bank, question: usize, shown: usize, now: i64) -> Result<(), QuizError> {
        self.sync(now);
        if self.is_finished() {
            return Err(QuizError::Finished);
        }
        if self.revealed || question != self.current {
            return Ok(());
        }
        let q = self.question(bank, self.current)?;
        let index = self.current_question().bank_index(shown).ok_or(QuizError::NoSuchChoice)?;
        let a = &mut self.answers[self.current];
        *a = q.qtype.tap(*a, index);
        Ok(())
    }

    /// Confirms the answer to `question` (the one on screen when tapped) and goes on; on the
    /// last question it submits. In practice the first call reveals the answer and the second
    /// goes on. A tap meant for a question that is no longer current is ignored.
    pub fn next(&mut self, question: usize, now: i64) -> Result<(), QuizError> {
        if self.sync(now) {
            return Ok(()); // the clock already moved on; the tap landed on a question that timed out
        }
        if self.is_finished() {
            return Err(QuizError::Finished);
        }
        if question != self.current {
            return Ok(());
        }
        if self.answers[self.current].is_empty() {
            return Err(QuizError::NoChoice);
        }
        if self.practice && !self.revealed {
            self.revealed = true;
            return Ok(());
        }
        self.revealed = false;
        self.leave_current(now);
        if self.is_last() {
            self.finished_at = Some(now.max(self.started_at));
        } else {
            self.current += 1;
            self.question_started_at = now;
        }
        Ok(())
    }

    /// The device began reading question `question` (the one on screen) aloud at `now`: the
    /// clock stands still while it reads, within the rules' allowance. Returns whether anything
    /// changed (nothing does in an untimed round, or for a question no longer on screen).
    pub fn start_reading(&mut self, question: usize, now: i64) -> bool {
        let moved = self.sync(now);
        if self.is_finished() || question != self.current || self.deadline(now).is_none() {
            return moved;
        }
        self.reading.start(now) || moved
    }

    /// The device stopped reading at `now` (it finished, was stopped, or failed).
    pub fn stop_reading(&mut self, now: i64) -> bool {
        let moved = self.sync(now);
        self.reading.stop(now) || moved
    }

    pub fn previous(&mut self, now: i64) -> Result<(), QuizError> {
        self.sync(now);
        if self.is_finished() {
            return Err(QuizError::Finished);
        }
        if !self.allow_back {
            return Err(QuizError::NoGoingBack);
        }
        if self.current > 0 {
            self.leave_current(now);
            self.current -= 1;
            self.question_started_at = now;
            self.revealed = false;
        }
        Ok(())
    }

    /// Ends the round now (e.g. the participant submits early); unanswered questions are wrong.
    pub fn finish(&mut self, now: i64) {
        self.sync(now);
        if !self.is_finished() {
            self.leave_current(now);
            self.finished_at = Some(now.max(self.started_at));
        }
    }

    /// Time used, never over the limit, and never below the sum of the time spent on each
    /// question, even if the device clock went backwards between start and finish.
    pub fn time_used_ms(&self) -> i64 {
        let end = self.finished_at.unwrap_or(self.started_at);
        let used = (end - self.started_at).max(self.spent_ms.iter().sum());
        match self.round_ms {
            Some(limit) => used.min(limit),
            None => used,
        }
    }

    fn question<'b>(&self, bank: &'b Bank, i: usize) -> Result<&'b Question, QuizError> {
        let id = &self.questions[i].qid;
        bank.get(id).ok_or_else(|| QuizError::UnknownQuestion(id.clone()))
    }

    /// Scores every question of the round.
    pub fn outcome(&self, bank: &Bank, scoring: &Scoring) -> Result<Outcome, QuizError> {
        let mut items = Vec::with_capacity(self.questions.len());
        for (i, a) in self.answers.iter().enumerate() {
            let q = self.question(bank, i)?;
            let max = q.points.unwrap_or(scoring.points_for(q.qtype));
            let (points, correct) = score_answer(q, max, scoring, *a);
            items.push(ItemOutcome { points, max, correct, chosen: *a });
        }
        Ok(Outcome {
            score: items.iter().map(|i| i.points).sum(),
            max_score: items.iter().map(|i| i.max).sum(),
            correct: items.iter().filter(|i| i.correct).count() as u32,
            time_used_ms: self.time_used_ms(),
            items,
        })
    }
}

impl crate::core::formats::codec::Meaningful for Round {
    /// What the app relies on in a stored round: questions, one answer and at most one time
    /// per question, a current question among them, choices shown in an order that is a
    /// permutation (2–8 choices), answers among those choices, plausible times and limits.
    fn meaning(&self) -> Result<(), (String, String)> {
        use crate::core::formats::codec::{PLAUSIBLE_MS, PLAUSIBLE_SPAN_MS};
        let n = self.questions.len();
        let fail = |path: String, why: String| Err((path, why));
        if n == 0 {
            return fail("questions".into(), "a round without questions".into());
        }
        if self.answers.len() != n {
            return fail("answers".into(), format!("{} answers to {n} questions", self.answers.len()));
        }
        if self.current >= n {
            return fail("current".into(), format!("question {} of {n}", self.current + 1));
        }
        if self.spent_ms.len() > n {
            return fail("spent_ms".into(), format!("{} times for {n} questions", self.spent_ms.len()));
        }
        if let Some(i) = self.spent_ms.iter().position(|t| !PLAUSIBLE_SPAN_MS.contains(t)) {
            return fail(format!("spent_ms[{i}]"), format!("{} ms", self.spent_ms[i]));
        }
        for (i, q) in self.questions.iter().enumerate() {
            let k = q.order.len();
            let mut seen = [false; 8];
            let permutation = (2..=8).contains(&k)
                && q.order.iter().all(|&o| usize::from(o) < k && !std::mem::replace(&mut seen[usize::from(o)], true));
            if !permutation {
                return fail(format!("questions[{i}].order"), format!("not an order of 2 to 8 choices ({k} numbers)"));
            }
            if u32::from(self.answers[i].0) >> k != 0 {
                return fail(format!("answers[{i}]"), format!("a choice beyond the {k} shown"));
            }
        }
        let instants = [
            ("started_at", Some(self.started_at)),
            ("question_started_at", Some(self.question_started_at)),
            ("finished_at", self.finished_at),
        ];
        for (path, at) in instants {
            if let Some(at) = at.filter(|t| !PLAUSIBLE_MS.contains(t)) {
                return fail(path.into(), format!("{at} is not a time this app could have written"));
            }
        }
        for (path, limit) in [("per_question_ms", self.per_question_ms), ("round_ms", self.round_ms)] {
            if let Some(ms) = limit.filter(|ms| *ms <= 0 || !PLAUSIBLE_SPAN_MS.contains(ms)) {
                return fail(path.into(), format!("a time limit of {ms} ms"));
            }
        }
        let r = &self.reading;
        let spans = [
            ("cap_ms", r.cap_ms),
            ("round_cap_ms", r.round_cap_ms),
            ("before_ms", r.before_ms),
            ("here_ms", r.here_ms),
        ];
        if let Some((path, ms)) = spans.into_iter().find(|(_, ms)| !PLAUSIBLE_SPAN_MS.contains(ms)) {
            return fail(format!("reading.{path}"), format!("{ms} ms"));
        }
        if r.round_cap_ms > r.cap_ms.saturating_mul(n as i64) {
            return fail("reading.round_cap_ms".into(), format!("more than {n} × {} ms", r.cap_ms));
        }
        Ok(())
    }
}

/// Points and correctness of one answer. A multiple-choice answer under partial scoring
/// earns `partial_percent` of the points (rounded down) for a strict, non-empty subset of
/// the right options with no wrong pick; it still counts as not correct.
pub fn score_answer(q: &Question, max: u32, scoring: &Scoring, chosen: AnswerSet) -> (u32, bool) {
    if chosen == q.answer {
        return (max, true);
    }
    let partial = q.qtype == QuestionType::Multiple
        && scoring.multiple_mode == MultipleScoring::Partial
        && !chosen.is_empty()
        && chosen.is_strict_subset_of(q.answer);
    if partial {
        (max * scoring.partial_percent / 100, false)
    } else {
        (0, false)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemOutcome {
    pub points: u32,
    pub max: u32,
    pub correct: bool,
    pub chosen: AnswerSet,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub score: u32,
    pub max_score: u32,
    pub correct: u32,
    pub time_used_ms: i64,
    pub items: Vec<ItemOutcome>,
}

crate::core::english_display!(QuizError);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::contest::tests::{bank, rules};
    use crate::core::play::draw::draw_round;

    const T0: i64 = 1_795_393_800_000;

    fn round() -> (Contest, Bank, Round) {
        let c = Contest::new(rules()).unwrap();
        let b = bank();
        let qs = draw_round(&c, &b, None, 5).unwrap();
        let r = Round::start(&c, "p1", qs, T0);
        (c, b, r)
    }

    /// The display position of bank choice `index` in question `i`.
    fn shown(r: &Round, i: usize, index: usize) -> usize {
        r.questions[i].order.iter().position(|o| usize::from(*o) == index).unwrap()
    }

    fn answer_right(r: &mut Round, b: &Bank, now: i64) {
        let q = b.get(&r.current_question().qid).unwrap().clone();
        for index in q.answer.indices() {
            r.choose(b, r.current, shown(r, r.current, index), now).unwrap();
        }
        r.next(r.current, now).unwrap();
    }

    #[test]
    fn all_right_scores_the_maximum() {
        let (c, b, mut r) = round();
        for k in 0..5 {
            answer_right(&mut r, &b, T0 + 1000 * (k + 1));
        }
        assert!(r.is_finished());
        let o = r.outcome(&b, &c.rules.scoring).unwrap();
        let ids: Vec<String> = r.questions.iter().map(|q| q.qid.clone()).collect();
        assert_eq!(o.score, c.max_score(&b, &ids));
        assert_eq!(o.score, o.max_score);
        assert_eq!(o.correct, 5);
        assert_eq!(o.time_used_ms, 5000);
        assert_eq!(r.spent_ms, vec![1000; 5]);
        assert_eq!(r.next(4, T0 + 9000), Err(QuizError::Finished));
    }

    #[test]
    fn scoring_each_type_and_partial_credit() {
        let b = bank();
        let mut s = rules().scoring;
        let m2 = b.get("m2").unwrap(); // BDE
        assert_eq!(score_answer(m2, 10, &s, AnswerSet(0b11010)), (10, true));
        assert_eq!(score_answer(m2, 10, &s, AnswerSet(0b01010)), (5, false), "strict subset, no wrong pick");
        assert_eq!(score_answer(m2, 10, &s, AnswerSet(0b01011)), (0, false), "a wrong pick earns nothing");
        assert_eq!(score_answer(m2, 10, &s, AnswerSet(0)), (0, false));
        s.multiple_mode = MultipleScoring::AllOrNothing;
        assert_eq!(score_answer(m2, 10, &s, AnswerSet(0b01010)), (0, false));
        s.multiple_mode = MultipleScoring::Partial;
        s.partial_percent = 33;
        assert_eq!(score_answer(m2, 10, &s, AnswerSet(0b00010)), (3, false), "rounded down");
        let s1 = b.get("s1").unwrap(); // B
        assert_eq!(score_answer(s1, 5, &s, AnswerSet::single(1)), (5, true));
        assert_eq!(score_answer(s1, 5, &s, AnswerSet::single(0)), (0, false));
        let t2 = b.get("t2").unwrap(); // 错
        assert_eq!(score_answer(t2, 2, &s, AnswerSet::FALSE), (2, true));
        assert_eq!(score_answer(t2, 2, &s, AnswerSet::TRUE), (0, false));
    }

    #[test]
    fn question_points_override_type_points() {
        let b = bank();
        let c = Contest::new(rules()).unwrap();
        assert_eq!(c.max_score(&b, &["s3".to_string(), "s1".to_string()]), 12);
    }

    #[test]
    fn single_choice_replaces_multiple_toggles() {
        let (_, b, mut r) = round();
        assert_eq!(r.next(0, T0), Err(QuizError::NoChoice));
        r.choose(&b, 0, 0, T0).unwrap();
        r.choose(&b, 0, 1, T0).unwrap();
        assert!(!r.is_chosen(0) && r.is_chosen(1));
        assert_eq!(r.choose(&b, 0, 2, T0), Err(QuizError::NoSuchChoice), "true/false has two choices");
        for k in 0..4 {
            answer_right(&mut r, &b, T0 + k);
        }
        assert_eq!(b.get(&r.current_question().qid).unwrap().qtype, QuestionType::Multiple);
        r.choose(&b, 4, 0, T0 + 10).unwrap();
        r.choose(&b, 4, 2, T0 + 10).unwrap();
        r.choose(&b, 4, 0, T0 + 10).unwrap();
        assert!(!r.is_chosen(0) && r.is_chosen(2));
    }

    #[test]
    fn time_out_advances_keeps_the_choice_and_auto_submits() {
        let (c, b, mut r) = round();
        assert_eq!(r.remaining_ms(T0 + 5_000), Some(15_000));
        let right = b.get(&r.questions[0].qid).unwrap().answer.indices().next().unwrap();
        r.choose(&b, 0, shown(&r, 0, right), T0 + 1000).unwrap();
        // The page was closed for 50 s: questions 1 and 2 timed out (20 s each), the third is on.
        assert!(r.sync(T0 + 50_000));
        assert_eq!(r.current, 2);
        assert_eq!(r.question_started_at, T0 + 40_000);
        assert_eq!(r.remaining_ms(T0 + 50_000), Some(10_000));
        // A tap on "next" that arrives after the deadline does not confirm the next question.
        r.choose(&b, 2, 0, T0 + 59_000).unwrap();
        assert_eq!(r.next(2, T0 + 61_000), Ok(()));
        assert_eq!(r.current, 3);
        r.sync(T0 + 500_000);
        assert!(r.is_finished());
        assert_eq!(r.finished_at, Some(T0 + 100_000));
        let o = r.outcome(&b, &c.rules.scoring).unwrap();
        assert!(o.items[0].correct, "the choice on screen stands at time-out");
        assert_eq!(o.items[1].chosen, AnswerSet(0), "unanswered");
        assert_eq!(r.spent_ms, vec![20_000; 5], "each question used its full 20 s");
        assert!(!o.items[1].correct);
        assert_eq!(o.time_used_ms, 100_000);
    }

    #[test]
    fn round_limit_ends_the_round() {
        let mut rl = rules();
        rl.round.seconds_per_question = None;
        rl.round.seconds_per_round = Some(60);
        let c = Contest::new(rl).unwrap();
        let b = bank();
        let mut r = Round::start(&c, "p", draw_round(&c, &b, None, 1).unwrap(), T0);
        answer_right(&mut r, &b, T0 + 10_000);
        assert_eq!(r.remaining_ms(T0 + 10_000), Some(50_000));
        assert!(r.sync(T0 + 61_000));
        assert_eq!(r.finished_at, Some(T0 + 60_000));
        assert_eq!(r.current, 1);
        assert_eq!(r.outcome(&b, &c.rules.scoring).unwrap().correct, 1);
    }

    #[test]
    fn clock_moved_backwards_never_gives_negative_or_extra_time() {
        let (_, b, mut r) = round();
        assert_eq!(r.remaining_ms(T0 - 3_600_000), Some(20_000));
        r.choose(&b, 0, 0, T0 - 3_600_000).unwrap();
        r.finish(T0 - 3_600_000);
        assert_eq!(r.time_used_ms(), 0);
    }

    #[test]
    fn going_back_only_when_allowed_and_practice_reveals_first() {
        let (_, b, mut r) = round();
        answer_right(&mut r, &b, T0 + 1);
        assert_eq!(r.previous(T0 + 2), Err(QuizError::NoGoingBack));
        let qs = crate::core::play::draw::draw_practice(&b, None, 1);
        let mut p = Round::practice("c1", "p", qs, T0);
        assert_eq!(p.remaining_ms(T0 + 10_000_000), None);
        p.choose(&b, 0, 0, T0).unwrap();
        p.next(0, T0).unwrap();
        assert!(p.revealed && p.current == 0);
        p.choose(&b, 0, 1, T0).unwrap();
        assert!(p.is_chosen(0), "choice is frozen once revealed");
        p.next(0, T0).unwrap();
        assert!(!p.revealed && p.current == 1);
        p.previous(T0).unwrap();
        assert_eq!(p.current, 0);
        assert!(!p.sync(T0 + 10_000_000), "practice never times out");
    }

    #[test]
    fn unknown_question_is_an_error() {
        let (c, _, r) = round();
        let other = Bank::from_json(r#"{"format":"kepu-bank","version":1,"questions":[{"id":"zz","type":"true_false","stem":"s","answer":"对"}]}"#).unwrap();
        assert!(matches!(r.outcome(&other, &c.rules.scoring), Err(QuizError::UnknownQuestion(_))));
    }

    #[test]
    fn a_round_drawn_under_another_bank_or_rules_is_closed_naming_the_change() {
        let (c, b, r) = round();
        let in_force = c.fingerprint::<crate::core::formats::codec::SerdeJson>(&b);
        let r = r.under(&c, &b, &in_force);
        assert_eq!(r.still_fits(&c, &b, &in_force), Ok(()));
        // A bank without the round's questions (another bank chosen, or a new contest file).
        let other = Bank::from_json(r#"{"format":"kepu-bank","version":1,"id":"other","title":"新题库","questions":[{"id":"zz","type":"true_false","stem":"s","answer":"对"}]}"#).unwrap();
        let closed = r.still_fits(&c, &other, "ffff").unwrap_err();
        assert!(matches!(closed, RoundClosed::BankChanged { missing: 5, .. }), "{closed:?}");
        let zh = closed.message(Lang::Zh);
        assert!(zh.contains("题库已更换") && zh.contains("新题库") && zh.contains("5 道题"), "{zh}");
        assert!(closed.message(Lang::En).contains("5 of this round's questions"));
        // A round of an earlier build (nothing recorded) is closed only when questions are missing.
        let mut old = r.clone();
        old.played_under = None;
        assert_eq!(old.still_fits(&c, &b, "ffff"), Ok(()));
        assert!(matches!(old.still_fits(&c, &other, "ffff"), Err(RoundClosed::BankChanged { was: None, .. })));
        // The same bank under changed rules.
        let mut changed = c.rules.clone();
        changed.revision += 1;
        changed.scoring.single += 1;
        let changed = Contest::new(changed).unwrap();
        let now = changed.fingerprint::<crate::core::formats::codec::SerdeJson>(&b);
        let closed = r.still_fits(&changed, &b, &now).unwrap_err();
        assert_eq!(closed, RoundClosed::RulesChanged { was: c.rules.revision, now: c.rules.revision + 1 });
        assert!(closed.message(Lang::Zh).contains("竞赛规则已更改"));
    }

    #[test]
    fn a_tap_meant_for_a_question_that_timed_out_never_answers_the_next() {
        let (_, b, mut r) = round();
        // Question 0 times out at T0 + 20 s; the tap on its first choice lands 30 ms later.
        r.choose(&b, 0, 0, T0 + 20_030).unwrap();
        assert_eq!(r.current, 1);
        assert!(r.answers[1].is_empty(), "the unseen question is not answered");
        assert!(r.answers[0].is_empty(), "nor is the one that timed out");
        // Nor does a tap on 下一题 meant for question 0 confirm question 1.
        r.choose(&b, 1, 0, T0 + 21_000).unwrap();
        r.next(0, T0 + 21_500).unwrap();
        assert_eq!(r.current, 1);
        r.next(1, T0 + 22_000).unwrap();
        assert_eq!(r.current, 2);
    }

    #[test]
    fn time_used_is_never_below_the_time_spent_on_the_questions() {
        let (c, b, mut r) = round();
        answer_right(&mut r, &b, T0 + 5_000);
        answer_right(&mut r, &b, T0 + 10_000);
        // The device clock is put back an hour before the round ends.
        r.finish(T0 - 3_600_000);
        assert_eq!(r.spent_ms.iter().sum::<i64>(), 10_000);
        assert_eq!(r.time_used_ms(), 10_000);
        assert_eq!(r.outcome(&b, &c.rules.scoring).unwrap().time_used_ms, 10_000);
    }

    /// A round of 20 s questions where reading aloud stops the clock at most 30 s per question.
    fn read_aloud_round() -> (Bank, Round) {
        let (_, b, r) = round();
        (b, r.reading_pause(Some(30_000)))
    }

    #[test]
    fn the_clock_stands_still_only_while_reading_and_only_when_the_rules_allow() {
        let (b, mut r) = read_aloud_round();
        assert_eq!(r.remaining_ms(T0 + 2_000), Some(18_000));
        assert!(r.start_reading(0, T0 + 2_000));
        assert!(r.is_paused(T0 + 12_000));
        assert_eq!(r.remaining_ms(T0 + 12_000), Some(18_000), "frozen while reading");
        assert!(!r.sync(T0 + 25_000), "no time-out while reading");
        assert!(r.stop_reading(T0 + 14_000));
        assert!(!r.is_paused(T0 + 15_000));
        assert_eq!(r.remaining_ms(T0 + 15_000), Some(17_000), "runs again once reading ends");
        // The question now times out 12 s later than it would have.
        assert!(!r.sync(T0 + 31_999));
        assert!(r.sync(T0 + 32_000));
        assert_eq!((r.current, r.question_started_at), (1, T0 + 32_000));
        assert_eq!(r.reading.before_ms, 12_000);
        // Another question, another allowance; answering books the pause and moves on.
        r.start_reading(1, T0 + 33_000);
        answer_right(&mut r, &b, T0 + 40_000);
        assert_eq!((r.current, r.reading.before_ms, r.reading.since), (2, 19_000, None));
        // Without the rule (or untimed) reading changes nothing.
        let (_, _, mut plain) = round();
        assert!(!plain.start_reading(0, T0 + 1_000));
        assert_eq!(plain.remaining_ms(T0 + 11_000), Some(9_000));
        let qs = crate::core::play::draw::draw_practice(&b, None, 1);
        let mut practice = Round::practice("c1", "p", qs, T0).reading_pause(Some(30_000));
        assert!(!practice.start_reading(0, T0 + 1_000), "untimed: nothing to pause");
    }

    #[test]
    fn reading_cannot_buy_more_than_the_cap_per_question() {
        let (_, mut r) = read_aloud_round();
        // Pressing 朗读 again and again: the pauses add up to 30 s and no more.
        let mut now = T0;
        for _ in 0..10 {
            r.start_reading(0, now);
            now += 5_000;
            r.stop_reading(now);
        }
        assert_eq!(r.current, 1, "question 0 timed out after 20 s + 30 s");
        assert_eq!(r.question_started_at, T0 + 50_000);
        assert_eq!(r.spent_ms[0], 50_000);
        // A reading that never ends (the device stopped reporting) also ends at the cap.
        r.start_reading(1, T0 + 50_000);
        assert_eq!(r.remaining_ms(T0 + 79_000), Some(20_000));
        assert_eq!(r.remaining_ms(T0 + 90_000), Some(10_000), "past the cap the clock runs");
        assert!(r.sync(T0 + 100_000));
        assert_eq!((r.current, r.question_started_at), (2, T0 + 100_000));
        // A reading started for a question no longer on screen changes nothing.
        assert!(!r.start_reading(1, T0 + 100_500));
        assert_eq!(r.reading.since, None);
    }

    #[test]
    fn a_round_limit_is_extended_by_the_pauses_within_their_allowance() {
        let mut rl = rules();
        rl.round.seconds_per_question = None;
        rl.round.seconds_per_round = Some(60);
        let c = Contest::new(rl).unwrap();
        let b = bank();
        let mut r = Round::start(&c, "p", draw_round(&c, &b, None, 1).unwrap(), T0).reading_pause(Some(10_000));
        r.start_reading(0, T0 + 1_000);
        r.stop_reading(T0 + 8_000);
        assert_eq!(r.remaining_ms(T0 + 8_000), Some(59_000), "7 s of the 8 did not count");
        answer_right(&mut r, &b, T0 + 9_000);
        // Reading the second question for ever: 10 s of it count, then the round ends.
        r.start_reading(1, T0 + 10_000);
        assert!(!r.sync(T0 + 76_999));
        assert!(r.sync(T0 + 77_000));
        assert_eq!(r.finished_at, Some(T0 + 77_000), "60 s + 7 s + 10 s");
        assert_eq!(r.time_used_ms(), 60_000, "time used never exceeds the limit");
    }

    #[test]
    fn the_reading_pause_rule_defaults_to_older_people_and_old_files_keep_their_fingerprint() {
        use crate::core::model::contest::{ReadingPause, RoundRules};
        let written_before: RoundRules =
            serde_json::from_str(r#"{"mix":[{"type":"single","count":1}],"seconds_per_question":30}"#).unwrap();
        assert_eq!(written_before.pause_timer_while_reading, ReadingPause::Older);
        assert_eq!(written_before.reading_pause_ms(Some("老年人")), Some(60_000));
        assert_eq!(written_before.reading_pause_ms(Some("农民")), None);
        assert_eq!(written_before.reading_pause_ms(None), None);
        let json = serde_json::to_string(&written_before).unwrap();
        assert!(!json.contains("reading"), "defaults are not written, so fingerprints stay: {json}");
        let everyone: RoundRules = serde_json::from_str(
            r#"{"mix":[{"type":"single","count":1}],"pause_timer_while_reading":"everyone","reading_pause_seconds":20}"#,
        )
        .unwrap();
        assert_eq!(everyone.reading_pause_ms(None), Some(20_000));
        assert!(serde_json::to_string(&everyone).unwrap().contains(r#""pause_timer_while_reading":"everyone""#));
        let off: RoundRules =
            serde_json::from_str(r#"{"mix":[{"type":"single","count":1}],"pause_timer_while_reading":"off"}"#).unwrap();
        assert_eq!(off.reading_pause_ms(Some("老年人")), None);
        let zero: RoundRules =
            serde_json::from_str(r#"{"mix":[{"type":"single","count":1}],"reading_pause_seconds":0}"#).unwrap();
        assert_eq!(zero.reading_pause_ms(Some("老年人")), None);
    }
}
