//! The answering state machine of one round (scored or practice), and its scoring.
//!
//! The clock keeps running while the page is closed: every call takes `now`, and
//! [`Round::sync`] applies all the time-outs that fell due since the last call.

use serde::{Deserialize, Serialize};

use super::bank::{AnswerSet, Bank, Question, QuestionType};
use super::contest::{Contest, MultipleScoring, Scoring};
use super::draw::DrawnQuestion;
use super::Lang;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QuizError {
    #[error("the round is over")]
    Finished,
    #[error("no choice made")]
    NoChoice,
    #[error("going back is not allowed")]
    NoGoingBack,
    #[error("no such choice")]
    NoSuchChoice,
    #[error("question missing from bank")]
    UnknownQuestion(String),
}

impl QuizError {
    pub fn message(&self, lang: Lang) -> String {
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
}

impl Round {
    pub fn start(contest: &Contest, participant_id: &str, questions: Vec<DrawnQuestion>, now: i64) -> Round {
        let r = &contest.rules.round;
        Round {
            contest_id: contest.rules.id.clone(),
            participant_id: participant_id.to_string(),
            practice: false,
            answers: vec![AnswerSet::default(); questions.len()],
            questions,
            current: 0,
            started_at: now,
            question_started_at: now,
            finished_at: None,
            per_question_ms: r.seconds_per_question.map(|s| i64::from(s) * 1000),
            round_ms: r.seconds_per_round.map(|s| i64::from(s) * 1000),
            allow_back: r.allow_back,
            revealed: false,
            spent_ms: Vec::new(),
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
    }

    /// The moment the current question times out, if any limit applies.
    fn deadline(&self) -> Option<i64> {
        let q = self.per_question_ms.map(|ms| self.question_started_at + ms);
        let r = self.round_ms.map(|ms| self.started_at + ms);
        match (q, r) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Milliseconds left on the clock shown to the participant; `None` when untimed.
    pub fn remaining_ms(&self, now: i64) -> Option<i64> {
        let deadline = self.deadline()?;
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
            let Some(deadline) = self.deadline() else { break };
            if now < deadline {
                break;
            }
            moved = true;
            let round_over = self.round_ms.is_some_and(|ms| deadline >= self.started_at + ms);
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

    /// Picks (or, for multiple choice, toggles) the choice shown at position `shown`.
    pub fn choose(&mut self, bank: &Bank, shown: usize, now: i64) -> Result<(), QuizError> {
        self.sync(now);
        if self.is_finished() {
            return Err(QuizError::Finished);
        }
        if self.revealed {
            return Ok(());
        }
        let q = self.question(bank, self.current)?;
        let index = self.current_question().bank_index(shown).ok_or(QuizError::NoSuchChoice)?;
        let a = &mut self.answers[self.current];
        *a = q.qtype.tap(*a, index);
        Ok(())
    }

    /// Confirms the current answer and goes on; on the last question it submits.
    /// In practice the first call reveals the answer and the second goes on.
    pub fn next(&mut self, now: i64) -> Result<(), QuizError> {
        if self.sync(now) {
            return Ok(()); // the clock already moved on; the tap landed on a question that timed out
        }
        if self.is_finished() {
            return Err(QuizError::Finished);
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

    /// Time used, never negative even if the device clock went backwards, never over the limit.
    pub fn time_used_ms(&self) -> i64 {
        let end = self.finished_at.unwrap_or(self.started_at);
        let used = (end - self.started_at).max(0);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::contest::tests::{bank, rules};
    use crate::core::draw::draw_round;

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
            r.choose(b, shown(r, r.current, index), now).unwrap();
        }
        r.next(now).unwrap();
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
        assert_eq!(r.next(T0 + 9000), Err(QuizError::Finished));
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
        assert_eq!(r.next(T0), Err(QuizError::NoChoice));
        r.choose(&b, 0, T0).unwrap();
        r.choose(&b, 1, T0).unwrap();
        assert!(!r.is_chosen(0) && r.is_chosen(1));
        assert_eq!(r.choose(&b, 2, T0), Err(QuizError::NoSuchChoice), "true/false has two choices");
        for k in 0..4 {
            answer_right(&mut r, &b, T0 + k);
        }
        assert_eq!(b.get(&r.current_question().qid).unwrap().qtype, QuestionType::Multiple);
        r.choose(&b, 0, T0 + 10).unwrap();
        r.choose(&b, 2, T0 + 10).unwrap();
        r.choose(&b, 0, T0 + 10).unwrap();
        assert!(!r.is_chosen(0) && r.is_chosen(2));
    }

    #[test]
    fn time_out_advances_keeps_the_choice_and_auto_submits() {
        let (c, b, mut r) = round();
        assert_eq!(r.remaining_ms(T0 + 5_000), Some(15_000));
        let right = b.get(&r.questions[0].qid).unwrap().answer.indices().next().unwrap();
        r.choose(&b, shown(&r, 0, right), T0 + 1000).unwrap();
        // The page was closed for 50 s: questions 1 and 2 timed out (20 s each), the third is on.
        assert!(r.sync(T0 + 50_000));
        assert_eq!(r.current, 2);
        assert_eq!(r.question_started_at, T0 + 40_000);
        assert_eq!(r.remaining_ms(T0 + 50_000), Some(10_000));
        // A tap on "next" that arrives after the deadline does not confirm the next question.
        r.choose(&b, 0, T0 + 59_000).unwrap();
        assert_eq!(r.next(T0 + 61_000), Ok(()));
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
        r.choose(&b, 0, T0 - 3_600_000).unwrap();
        r.finish(T0 - 3_600_000);
        assert_eq!(r.time_used_ms(), 0);
    }

    #[test]
    fn going_back_only_when_allowed_and_practice_reveals_first() {
        let (_, b, mut r) = round();
        answer_right(&mut r, &b, T0 + 1);
        assert_eq!(r.previous(T0 + 2), Err(QuizError::NoGoingBack));
        let qs = crate::core::draw::draw_practice(&b, None, 1);
        let mut p = Round::practice("c1", "p", qs, T0);
        assert_eq!(p.remaining_ms(T0 + 10_000_000), None);
        p.choose(&b, 0, T0).unwrap();
        p.next(T0).unwrap();
        assert!(p.revealed && p.current == 0);
        p.choose(&b, 1, T0).unwrap();
        assert!(p.is_chosen(0), "choice is frozen once revealed");
        p.next(T0).unwrap();
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
}
