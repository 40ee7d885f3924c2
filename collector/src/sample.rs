//! Honest attempts of a served contest, drawn and scored by the app's core: for the tests and
//! the load benchmark (`examples/sample-attempt.rs`).

use kepu_quiz::core::exchange::submission::{SubmittedAnswer, SubmittedAttempt};
use kepu_quiz::core::model::bank::AnswerSet;
use kepu_quiz::core::play::draw::draw_round;
use kepu_quiz::core::play::session::score_answer;

use crate::contests::ServedContest;

/// A round drawn with `seed`, answered right except where the seed's bits say otherwise,
/// started at `started_at` and taking a minute; its score, maximum and right answers are what
/// the answers earn.
pub fn honest(
    served: &ServedContest,
    id: &str,
    person: &str,
    region: Option<&str>,
    started_at: i64,
    seed: u64,
) -> SubmittedAttempt {
    let drawn = draw_round(&served.contest, &served.bank, None, seed).expect("the contest's bank fills its round");
    let scoring = &served.contest.rules.scoring;
    let (mut score, mut max, mut correct) = (0, 0, 0);
    let answers = drawn
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let q = served.bank.get(&d.qid).expect("a drawn question is in the bank");
            let right = (seed >> (i % 64)) & 1 == 0 || i % 3 == 0;
            let chosen = if right {
                q.answer
            } else {
                // Another single option: wrong for every type.
                let other = (0..q.choice_count()).find(|o| AnswerSet::single(*o) != q.answer).unwrap_or(0);
                AnswerSet::single(other)
            };
            let points = q.points.unwrap_or(scoring.points_for(q.qtype));
            let (earned, ok) = score_answer(q, points, scoring, chosen);
            score += earned;
            max += points;
            correct += u32::from(ok);
            SubmittedAnswer { q: d.qid.clone(), choice: chosen.letters() }
        })
        .collect();
    SubmittedAttempt {
        id: id.to_string(),
        person: person.to_string(),
        region: region.map(str::to_string),
        crowd: None,
        started_at,
        finished_at: started_at + 60_000,
        answers,
        score,
        max,
        correct,
        stage: None,
    }
}
