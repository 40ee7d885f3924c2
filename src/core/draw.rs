//! Drawing a round: seeded, stratified by the contest's mix, no question twice, options
//! shuffled (true/false keeps 正确 before 错误).

use serde::{Deserialize, Serialize};

use super::bank::{Bank, QuestionType};
use super::contest::{Contest, ContestError, MixItem};
use super::rng::SeededRng;

/// One question of a round and the order its choices are shown in:
/// `order[k]` is the bank index of the choice shown at position k (key `A` + k).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DrawnQuestion {
    pub qid: String,
    pub order: Vec<u8>,
}

impl DrawnQuestion {
    /// The bank index shown at display position `shown`.
    pub fn bank_index(&self, shown: usize) -> Option<usize> {
        self.order.get(shown).map(|i| usize::from(*i))
    }
}

/// Draws a scored round. Fails, naming every shortfall, when the bank cannot fill the mix.
pub fn draw_round(contest: &Contest, bank: &Bank, seed: u64) -> Result<Vec<DrawnQuestion>, ContestError> {
    let shortfalls = contest.shortfalls(bank);
    if !shortfalls.is_empty() {
        return Err(ContestError::Rules(shortfalls));
    }
    let mut rng = SeededRng::new(seed);
    let mut taken = vec![false; bank.questions.len()];
    let mut picked = Vec::with_capacity(contest.rules.round.question_count());
    // Category items first, so an open item of the same type cannot starve them.
    let mix = &contest.rules.round.mix;
    let ordered = mix.iter().filter(|m| m.category.is_some()).chain(mix.iter().filter(|m| m.category.is_none()));
    let mut by_item: Vec<(usize, Vec<usize>)> = Vec::new();
    for item in ordered {
        let chosen = pick(bank, item, &mut taken, &mut rng);
        let position = mix.iter().position(|m| std::ptr::eq(m, item)).unwrap_or(0);
        by_item.push((position, chosen));
    }
    // Present in the mix's own order (e.g. all 判断 first, then 单选, then 多选).
    super::sort::sort_by(&mut by_item, |a, b| a.0 < b.0);
    for (_, chosen) in by_item {
        for i in chosen {
            picked.push(shuffled(bank, i, &mut rng));
        }
    }
    Ok(picked)
}

fn pick(bank: &Bank, item: &MixItem, taken: &mut [bool], rng: &mut SeededRng) -> Vec<usize> {
    let mut pool: Vec<usize> = bank
        .questions
        .iter()
        .enumerate()
        .filter(|(i, q)| !taken[*i] && q.qtype == item.qtype && item.category.as_ref().is_none_or(|c| &q.category == c))
        .map(|(i, _)| i)
        .collect();
    rng.shuffle(&mut pool);
    pool.truncate(item.count);
    for i in &pool {
        taken[*i] = true;
    }
    pool
}

fn shuffled(bank: &Bank, index: usize, rng: &mut SeededRng) -> DrawnQuestion {
    let q = &bank.questions[index];
    let mut order: Vec<u8> = (0..q.choice_count() as u8).collect();
    if q.qtype != QuestionType::TrueFalse {
        rng.shuffle(&mut order);
    }
    DrawnQuestion { qid: q.id.clone(), order }
}

/// Practice: every question of a category (or of the whole bank), in a seeded order.
pub fn draw_practice(bank: &Bank, category: Option<&str>, seed: u64) -> Vec<DrawnQuestion> {
    let mut rng = SeededRng::new(seed);
    let mut pool: Vec<usize> = bank
        .questions
        .iter()
        .enumerate()
        .filter(|(_, q)| category.is_none_or(|c| q.category == c))
        .map(|(i, _)| i)
        .collect();
    rng.shuffle(&mut pool);
    pool.into_iter().map(|i| shuffled(bank, i, &mut rng)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::contest::tests::{bank, rules};
    use std::collections::HashSet;

    #[test]
    fn honours_the_mix_with_no_repeats() {
        let c = Contest::new(rules()).unwrap();
        let b = bank();
        for seed in 0..200 {
            let round = draw_round(&c, &b, seed).unwrap();
            assert_eq!(round.len(), 5);
            let ids: HashSet<&str> = round.iter().map(|d| d.qid.as_str()).collect();
            assert_eq!(ids.len(), 5, "no repeats");
            let types: Vec<QuestionType> = round.iter().map(|d| b.get(&d.qid).unwrap().qtype).collect();
            use QuestionType::*;
            assert_eq!(types, vec![TrueFalse, TrueFalse, Single, Single, Multiple]);
            assert_eq!(b.get(&round[2].qid).unwrap().category, "甲", "category item is honoured");
            for d in &round {
                let q = b.get(&d.qid).unwrap();
                let mut o = d.order.clone();
                o.sort();
                assert_eq!(o, (0..q.choice_count() as u8).collect::<Vec<_>>());
                if q.qtype == TrueFalse {
                    assert_eq!(d.order, vec![0, 1]);
                }
            }
        }
    }

    #[test]
    fn same_seed_same_round_and_seeds_vary() {
        let c = Contest::new(rules()).unwrap();
        let b = bank();
        assert_eq!(draw_round(&c, &b, 9).unwrap(), draw_round(&c, &b, 9).unwrap());
        let distinct: HashSet<Vec<DrawnQuestion>> = (0..50).map(|s| draw_round(&c, &b, s).unwrap()).collect();
        assert!(distinct.len() > 10, "only {} distinct rounds", distinct.len());
        // Every single-choice question with 4 options is shown with A in each position over many seeds.
        let mut positions = HashSet::new();
        for s in 0..200 {
            for d in draw_round(&c, &b, s).unwrap() {
                if d.qid == "s1" {
                    positions.insert(d.order.iter().position(|i| *i == 1).unwrap());
                }
            }
        }
        assert_eq!(positions.len(), 4);
    }

    #[test]
    fn shortfall_is_an_error_not_a_short_round() {
        let mut r = rules();
        r.round.mix[3].count = 3;
        let c = Contest::new(r).unwrap();
        let err = draw_round(&c, &bank(), 1).unwrap_err();
        assert!(
            err.message(crate::core::Lang::Zh).contains("多选题 需要 3 道，只有 2 道"),
            "{}",
            err.message(crate::core::Lang::Zh)
        );
    }

    #[test]
    fn practice_covers_a_category() {
        let b = bank();
        let p = draw_practice(&b, Some("甲"), 3);
        let mut ids: Vec<&str> = p.iter().map(|d| d.qid.as_str()).collect();
        ids.sort();
        assert_eq!(ids, vec!["m1", "s1", "t1"]);
        assert_eq!(draw_practice(&b, None, 3).len(), 8);
    }
}
