//! Drawing a round: seeded, stratified by the contest's mix, no question twice, options
//! shuffled (true/false keeps 正确 before 错误, and a question marked `"shuffle": false`
//! keeps its bank order).

use serde::{Deserialize, Serialize};

use crate::core::model::bank::{Bank, CROWDS};
use crate::core::model::contest::{Contest, ContestError, MixItem};
use crate::core::model::rng::SeededRng;

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

/// Draws a scored round for a participant of `crowd`. Fails, naming every shortfall, when
/// the bank cannot fill the mix.
///
/// With the contest's `crowd_first` rule, each mix item first takes its crowd share from the
/// item's questions tagged for `crowd`, then fills up from all of the item's questions, so
/// a crowd with few tagged questions still gets a full round. A person without a crowd, or
/// in a group no question can be tagged for (其他), draws exactly as without the rule.
pub fn draw_round(
    contest: &Contest,
    bank: &Bank,
    crowd: Option<&str>,
    seed: u64,
) -> Result<Vec<DrawnQuestion>, ContestError> {
    let shortfalls = contest.shortfalls(bank);
    if !shortfalls.is_empty() {
        return Err(ContestError::Rules(shortfalls));
    }
    let round = &contest.rules.round;
    let crowd = crowd.filter(|c| CROWDS.contains(c));
    let shares = round.crowd_shares();
    let mut rng = SeededRng::new(seed);
    let mut taken = vec![false; bank.questions.len()];
    let mut picked = Vec::with_capacity(round.question_count());
    // Category items first, so an open item of the same type cannot starve them.
    let mix = &round.mix;
    let ordered = (0..mix.len())
        .filter(|i| mix[*i].category.is_some())
        .chain((0..mix.len()).filter(|i| mix[*i].category.is_none()));
    let mut by_item: Vec<(usize, Vec<usize>)> = Vec::new();
    for position in ordered {
        let own = crowd.filter(|_| shares[position] > 0).map(|c| (c, shares[position]));
        by_item.push((position, pick(bank, &mix[position], own, &mut taken, &mut rng)));
    }
    // Present in the mix's own order (e.g. all 判断 first, then 单选, then 多选).
    crate::core::model::sort::sort_by(&mut by_item, |a, b| a.0.cmp(&b.0));
    for (_, chosen) in by_item {
        for i in chosen {
            picked.push(shuffled(bank, i, &mut rng));
        }
    }
    Ok(picked)
}

/// Bank indices for one mix item: `own` = (crowd, share) first takes up to `share` of the
/// item's questions tagged for the crowd, then the rest come from all of them.
fn pick(
    bank: &Bank,
    item: &MixItem,
    own: Option<(&str, usize)>,
    taken: &mut [bool],
    rng: &mut SeededRng,
) -> Vec<usize> {
    let free = |taken: &[bool], tagged: Option<&str>| -> Vec<usize> {
        bank.questions
            .iter()
            .enumerate()
            .filter(|(i, q)| {
                !taken[*i]
                    && q.qtype == item.qtype
                    && item.category.as_ref().is_none_or(|c| &q.category == c)
                    && tagged.is_none_or(|g| q.crowds.iter().any(|c| c == g))
            })
            .map(|(i, _)| i)
            .collect()
    };
    let mut chosen = match own {
        Some((crowd, share)) => take(free(taken, Some(crowd)), share.min(item.count), taken, rng),
        None => Vec::new(),
    };
    let rest = item.count - chosen.len();
    chosen.extend(take(free(taken, None), rest, taken, rng));
    if own.is_some() {
        // The crowd's questions should not always come first within the item.
        rng.shuffle(&mut chosen);
    }
    chosen
}

/// `n` of `pool` in a seeded order, marked as taken.
fn take(mut pool: Vec<usize>, n: usize, taken: &mut [bool], rng: &mut SeededRng) -> Vec<usize> {
    rng.shuffle(&mut pool);
    pool.truncate(n);
    for i in &pool {
        taken[*i] = true;
    }
    pool
}

fn shuffled(bank: &Bank, index: usize, rng: &mut SeededRng) -> DrawnQuestion {
    let q = &bank.questions[index];
    let mut order: Vec<u8> = (0..q.choice_count() as u8).collect();
    if q.qtype.has_written_options() && q.shuffle {
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
    use crate::core::model::bank::QuestionType;
    use crate::core::model::contest::tests::{bank, rules};
    use crate::core::Message;
    use std::collections::HashSet;

    #[test]
    fn honours_the_mix_with_no_repeats() {
        let c = Contest::new(rules()).unwrap();
        let b = bank();
        for seed in 0..200 {
            let round = draw_round(&c, &b, None, seed).unwrap();
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
        assert_eq!(draw_round(&c, &b, None, 9).unwrap(), draw_round(&c, &b, None, 9).unwrap());
        let distinct: HashSet<Vec<DrawnQuestion>> = (0..50).map(|s| draw_round(&c, &b, None, s).unwrap()).collect();
        assert!(distinct.len() > 10, "only {} distinct rounds", distinct.len());
        // Every single-choice question with 4 options is shown with A in each position over many seeds.
        let mut positions = HashSet::new();
        for s in 0..200 {
            for d in draw_round(&c, &b, None, s).unwrap() {
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
        let err = draw_round(&c, &bank(), None, 1).unwrap_err();
        assert!(
            err.message(crate::core::Lang::Zh).contains("多选题 需要 3 道，只有 2 道"),
            "{}",
            err.message(crate::core::Lang::Zh)
        );
    }

    /// 判断 t1–t8 (t1–t4 for 农民, t4–t5 for 老年人), 单选 s1–s4 in 甲 and 乙 (s1 and s3 for 农民).
    fn crowd_bank() -> Bank {
        let tf = |id: &str, crowds: &str| {
            format!(
                r#"{{"id":"{id}","type":"true_false","stem":"{id}","answer":"对","category":"乙","crowds":[{crowds}]}}"#
            )
        };
        let single = |id: &str, category: &str, crowds: &str| {
            format!(
                r#"{{"id":"{id}","type":"single","stem":"{id}","options":["a","b","c"],"answer":"A","category":"{category}","crowds":[{crowds}]}}"#
            )
        };
        let questions = [
            tf("t1", r#""农民""#),
            tf("t2", r#""农民""#),
            tf("t3", r#""农民""#),
            tf("t4", r#""农民","老年人""#),
            tf("t5", r#""老年人""#),
            tf("t6", ""),
            tf("t7", ""),
            tf("t8", ""),
            single("s1", "甲", r#""农民""#),
            single("s2", "甲", ""),
            single("s3", "乙", r#""农民""#),
            single("s4", "乙", ""),
        ];
        Bank::from_json(&format!(
            r#"{{"format":"kepu-bank","version":1,"id":"crowd","title":"t","questions":[{}]}}"#,
            questions.join(",")
        ))
        .unwrap()
    }

    /// 4 判断 + 1 单选 of 甲 + 1 单选, drawn `percent` first for the participant's crowd.
    fn crowd_contest(percent: Option<u32>) -> Contest {
        use crate::core::model::contest::CrowdFirst;
        let mut r = rules();
        r.round.mix = vec![
            MixItem { qtype: QuestionType::TrueFalse, category: None, count: 4 },
            MixItem { qtype: QuestionType::Single, category: Some("甲".into()), count: 1 },
            MixItem { qtype: QuestionType::Single, category: None, count: 1 },
        ];
        r.round.crowd_first = percent.map(|percent| CrowdFirst { percent });
        Contest::new(r).unwrap()
    }

    fn tagged_for(b: &Bank, round: &[DrawnQuestion], crowd: &str) -> Vec<bool> {
        round.iter().map(|d| b.get(&d.qid).unwrap().crowds.iter().any(|c| c == crowd)).collect()
    }

    #[test]
    fn the_crowd_share_is_met_when_the_bank_has_enough() {
        let b = crowd_bank();
        let half = crowd_contest(Some(50));
        let all = crowd_contest(Some(100));
        for seed in 0..200 {
            let round = draw_round(&half, &b, Some("农民"), seed).unwrap();
            let tagged = tagged_for(&b, &round, "农民");
            // round(4 × 50%) = 2 of the 判断, round(1 × 50%) = 1 of each 单选 item.
            assert!(tagged[..4].iter().filter(|t| **t).count() >= 2, "seed {seed}: {round:?}");
            assert_eq!(round[4].qid, "s1", "the category item's one question is the crowd's");
            assert_eq!(round[5].qid, "s3", "the open item's crowd question is the one left");
            let round = draw_round(&all, &b, Some("农民"), seed).unwrap();
            assert!(tagged_for(&b, &round, "农民").iter().all(|t| *t), "seed {seed}: {round:?}");
            let types: Vec<QuestionType> = round.iter().map(|d| b.get(&d.qid).unwrap().qtype).collect();
            use QuestionType::*;
            assert_eq!(types, vec![TrueFalse, TrueFalse, TrueFalse, TrueFalse, Single, Single], "mix order kept");
        }
        // The crowd's questions are not always first within an item.
        let positions: HashSet<usize> = (0..100)
            .map(|seed| draw_round(&half, &b, Some("老年人"), seed).unwrap())
            .filter_map(|round| tagged_for(&b, &round, "老年人")[..4].iter().position(|t| *t))
            .collect();
        assert!(positions.len() > 1, "{positions:?}");
    }

    #[test]
    fn a_crowd_with_too_few_questions_is_topped_up_from_the_whole_bank() {
        let b = crowd_bank();
        let c = crowd_contest(Some(100));
        for seed in 0..200 {
            let round = draw_round(&c, &b, Some("老年人"), seed).unwrap();
            assert_eq!(round.len(), 6);
            let tagged = tagged_for(&b, &round, "老年人");
            // Only t4 and t5 are tagged 老年人: both are drawn, two more 判断 come from the rest.
            assert_eq!(tagged[..4].iter().filter(|t| **t).count(), 2, "seed {seed}: {round:?}");
            assert!(!tagged[4] && !tagged[5]);
            let ids: HashSet<&str> = round.iter().map(|d| d.qid.as_str()).collect();
            assert_eq!(ids.len(), 6, "no question twice");
        }
    }

    #[test]
    fn crowd_rounds_are_deterministic_per_seed_and_never_repeat_a_question() {
        let b = crowd_bank();
        let c = crowd_contest(Some(50));
        for crowd in ["农民", "老年人", "青少年"] {
            let rounds: HashSet<Vec<DrawnQuestion>> = (0..60)
                .map(|seed| {
                    let round = draw_round(&c, &b, Some(crowd), seed).unwrap();
                    assert_eq!(round, draw_round(&c, &b, Some(crowd), seed).unwrap());
                    let ids: HashSet<&str> = round.iter().map(|d| d.qid.as_str()).collect();
                    assert_eq!(ids.len(), round.len());
                    round
                })
                .collect();
            assert!(rounds.len() > 10, "{crowd}: only {} distinct rounds", rounds.len());
        }
    }

    #[test]
    fn without_a_crowd_the_round_is_drawn_as_before() {
        let b = crowd_bank();
        let without_rule = crowd_contest(None);
        let with_rule = crowd_contest(Some(50));
        let off = crowd_contest(Some(0));
        for seed in 0..100 {
            let before = draw_round(&without_rule, &b, None, seed).unwrap();
            assert_eq!(draw_round(&with_rule, &b, None, seed).unwrap(), before);
            assert_eq!(draw_round(&with_rule, &b, Some("其他"), seed).unwrap(), before);
            assert_eq!(draw_round(&without_rule, &b, Some("农民"), seed).unwrap(), before);
            assert_eq!(draw_round(&off, &b, Some("农民"), seed).unwrap(), before);
        }
        // And the old contest fixture, without the rule, draws the same for any crowd.
        let c = Contest::new(rules()).unwrap();
        assert_eq!(draw_round(&c, &bank(), Some("老年人"), 4).unwrap(), draw_round(&c, &bank(), None, 4).unwrap());
    }

    #[test]
    fn a_question_marked_not_to_shuffle_keeps_its_order() {
        let c = Contest::new(rules()).unwrap();
        let mut b = bank();
        let index = b.index_of("s1").unwrap();
        b.questions[index].shuffle = false;
        let mut seen = 0;
        for seed in 0..200 {
            for d in draw_round(&c, &b, None, seed).unwrap().into_iter().chain(draw_practice(&b, None, seed)) {
                if d.qid == "s1" {
                    seen += 1;
                    assert_eq!(d.order, (0..b.questions[index].options.len() as u8).collect::<Vec<_>>());
                }
            }
        }
        assert!(seen > 50, "s1 was drawn {seen} times");
        // The flag changes the order of its own options only: the same questions are drawn.
        let unchanged = bank();
        for seed in 0..50 {
            let ids = |round: Vec<DrawnQuestion>| round.into_iter().map(|d| d.qid).collect::<Vec<_>>();
            assert_eq!(
                ids(draw_round(&c, &b, None, seed).unwrap()),
                ids(draw_round(&c, &unchanged, None, seed).unwrap())
            );
        }
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
