//! The clock standing still while a question is read aloud (朗读): how long it may stand still,
//! and how long it has stood still by a given moment. Time comes in as values.
//!
//! A pause lasts only while the device says it is speaking (from the first utterance's start
//! to the last one's end), never more than the contest's cap on any one question, and never
//! more than the cap times the round's number of questions in all (going back and forth
//! between questions gains nothing). A reading still "in progress" when the device stops
//! reporting (a reload, a browser that never ends it) ends at the cap.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReadingPauses {
    /// The most the clock may stand still on one question, in ms; 0: never.
    pub cap_ms: i64,
    /// The most it may stand still in the whole round, in ms.
    pub round_cap_ms: i64,
    /// Paused on the questions left before the current one.
    pub before_ms: i64,
    /// Paused on the current question by readings that ended.
    pub here_ms: i64,
    /// A reading in progress since this moment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<i64>,
}

impl ReadingPauses {
    /// Pauses of at most `cap_ms` per question in a round of `questions` questions.
    pub fn new(cap_ms: i64, questions: usize) -> ReadingPauses {
        let cap_ms = cap_ms.max(0);
        ReadingPauses { cap_ms, round_cap_ms: cap_ms.saturating_mul(questions as i64), ..ReadingPauses::default() }
    }

    /// Whether the clock never stands still (rounds of earlier builds, rules that say so).
    pub fn is_off(&self) -> bool {
        self.cap_ms <= 0
    }

    /// How long the clock has stood still on the current question by `now`.
    pub fn here_at(&self, now: i64) -> i64 {
        let running = self.since.map_or(0, |since| (now - since).max(0));
        let room = self.cap_ms.min(self.round_cap_ms - self.before_ms);
        (self.here_ms + running).min(room).max(0)
    }

    /// How long the clock has stood still in the whole round by `now`.
    pub fn total_at(&self, now: i64) -> i64 {
        self.before_ms + self.here_at(now)
    }

    /// Whether the clock stands still at `now`: a reading is in progress and the caps leave room.
    pub fn is_paused(&self, now: i64) -> bool {
        self.since.is_some() && self.here_at(now) < self.cap_ms.min(self.round_cap_ms - self.before_ms)
    }

    /// The device began reading at `now`. Returns whether anything changed.
    pub fn start(&mut self, now: i64) -> bool {
        if self.is_off() || self.since.is_some() {
            return false;
        }
        self.since = Some(now);
        true
    }

    /// The device stopped reading at `now`. Returns whether anything changed.
    pub fn stop(&mut self, now: i64) -> bool {
        if self.since.is_none() {
            return false;
        }
        self.here_ms = self.here_at(now);
        self.since = None;
        true
    }

    /// The current question was left at `at`: its pauses are booked, and the next starts with
    /// none (and no reading: the page stops reading when the question changes).
    pub fn leave(&mut self, at: i64) {
        self.before_ms += self.here_at(at);
        self.here_ms = 0;
        self.since = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_never_pauses() {
        let mut p = ReadingPauses::default();
        assert!(!p.start(10));
        assert_eq!(p.here_at(1_000_000), 0);
        assert!(!p.is_paused(20));
    }

    #[test]
    fn a_reading_pauses_until_it_ends_and_never_past_the_cap() {
        let mut p = ReadingPauses::new(30_000, 5);
        assert!(p.start(1_000));
        assert!(!p.start(2_000), "a second start does not restart the pause");
        assert_eq!(p.here_at(11_000), 10_000);
        assert!(p.is_paused(11_000));
        assert!(p.stop(11_000));
        assert_eq!(p.here_at(50_000), 10_000, "stopped: the clock runs again");
        // Reading again and again adds up, to the cap and no further.
        p.start(60_000);
        assert_eq!(p.here_at(70_000), 20_000);
        assert_eq!(p.here_at(999_000), 30_000);
        assert!(!p.is_paused(999_000));
        p.stop(999_000);
        p.start(1_000_000);
        assert_eq!(p.here_at(1_005_000), 30_000, "nothing left on this question");
        // The next question has its own allowance.
        p.leave(1_005_000);
        assert_eq!((p.before_ms, p.here_ms, p.since), (30_000, 0, None));
        p.start(1_010_000);
        assert_eq!(p.total_at(1_015_000), 35_000);
    }

    #[test]
    fn the_round_allowance_bounds_going_back_and_forth() {
        let mut p = ReadingPauses::new(10_000, 2);
        let mut now = 0;
        for _ in 0..10 {
            p.start(now);
            now += 60_000;
            p.leave(now);
        }
        assert_eq!(p.total_at(now), 20_000, "never more than 2 × 10 s in all");
        p.start(now);
        assert!(!p.is_paused(now + 1));
    }

    #[test]
    fn a_clock_moved_back_never_gives_negative_pauses() {
        let mut p = ReadingPauses::new(10_000, 3);
        p.start(50_000);
        assert_eq!(p.here_at(40_000), 0);
        p.stop(40_000);
        assert_eq!(p.total_at(0), 0);
    }
}
