//! Every file shipped in `questions/` (and the end-to-end contests) loads and validates.

mod common;
use common::CATEGORIES;
use kepu_quiz::core::Message;
use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::Path;

use kepu_quiz::core::model::bank::{Bank, Difficulty, QuestionType};
use kepu_quiz::core::model::contest::{BankSource, Contest, ContestError};
use kepu_quiz::core::model::participant::CROWD_CHOICES;
use kepu_quiz::core::model::region::{level, RegionTable};
use kepu_quiz::core::play::draw::draw_round;

fn read(path: &str) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn default_bank() -> Bank {
    Bank::from_json(&read("questions/default-bank.json"))
        .unwrap_or_else(|e| panic!("{}", e.message(kepu_quiz::core::Lang::Zh)))
}

#[test]
fn default_bank_is_large_complete_and_explained() {
    let bank = default_bank();
    assert!(bank.questions.len() >= 300, "{} questions", bank.questions.len());
    assert!(!bank.sources.is_empty(), "the bank names the kinds of its sources");
    let mut per_category: BTreeMap<&str, usize> = BTreeMap::new();
    for q in &bank.questions {
        assert!(q.explanation.chars().count() >= 10, "{}: every answer has an explanation", q.id);
        assert!(q.source.is_some(), "{}: names the kind of source", q.id);
        assert!(CATEGORIES.contains(&q.category.as_str()), "{}: category {}", q.id, q.category);
        // Options are shuffled, so none may refer to the others by position.
        for o in &q.options {
            for bad in ["以上", "都对", "都不对", "均正确"] {
                assert!(!o.contains(bad), "{}: option \"{o}\" refers to other options", q.id);
            }
        }
        if q.qtype == QuestionType::Multiple {
            assert!(q.answer.len() < q.options.len(), "{}: a 多选 with every option right teaches nothing", q.id);
        }
        *per_category.entry(q.category.as_str()).or_default() += 1;
    }
    for c in CATEGORIES {
        assert!(per_category.get(c).copied().unwrap_or(0) >= 20, "category {c}: {:?}", per_category.get(c));
    }
    for t in QuestionType::ALL {
        assert!(bank.count(t, None) >= 60, "{t:?}");
    }
    for d in [Difficulty::Easy, Difficulty::Medium, Difficulty::Hard] {
        assert!(bank.questions.iter().filter(|q| q.difficulty == d).count() >= 30, "{d:?}");
    }
    let stems: HashSet<&str> = bank.questions.iter().map(|q| q.stem.as_str()).collect();
    assert_eq!(stems.len(), bank.questions.len(), "no stem twice");
    let tf_true = bank.questions.iter().filter(|q| q.qtype == QuestionType::TrueFalse && q.answer.0 == 1).count();
    let tf = bank.count(QuestionType::TrueFalse, None);
    assert!(tf_true * 3 > tf && tf_true * 3 < tf * 2, "判断 answers are balanced: {tf_true} of {tf} true");
}

fn check_contest(path: &Path) -> (Contest, Bank) {
    let text = read(path.to_str().unwrap());
    let (contest, source) = Contest::from_json(&text)
        .unwrap_or_else(|e| panic!("{}: {}", path.display(), e.message(kepu_quiz::core::Lang::Zh)));
    let bank = match source {
        BankSource::Inline(b) => *b,
        BankSource::Path(p) => {
            let bank_path = path.parent().unwrap().join(&p);
            // End-to-end contests point at the served bank (../questions/ from /e2e/).
            let bank_path = if bank_path.exists() {
                bank_path
            } else {
                Path::new("questions").join(Path::new(&p).file_name().unwrap())
            };
            Bank::from_json(&read(bank_path.to_str().unwrap())).unwrap()
        }
    };
    (contest, bank)
}

#[test]
fn default_contest_loads_and_its_bank_fills_every_round() {
    let (contest, bank) = check_contest(Path::new("questions/contest.json"));
    assert!(contest.shortfalls(&bank).is_empty());
    let crowds = std::iter::once(None).chain(CROWD_CHOICES.iter().copied().map(Some));
    for (seed, crowd) in (0..100).zip(crowds.cycle()) {
        let round = draw_round(&contest, &bank, crowd, seed).unwrap();
        assert_eq!(round.len(), contest.rules.round.question_count());
    }
}

#[test]
fn every_contest_file_parses() {
    // Every contest file of the repository, named, so a new one cannot be skipped unnoticed.
    let good = [
        "questions/contest.json",
        "tests/e2e-contests/crowd.json",
        "tests/e2e-contests/fast-timer.json",
        "tests/e2e-contests/hostile.json",
        "tests/e2e-contests/limit.json",
        "tests/e2e-contests/window.json",
        "tests/e2e-contests/collected.json",
        "tests/e2e-contests/voice.json",
        "tests/e2e-contests/stages.json",
    ];
    for file in good {
        let (contest, bank) = check_contest(Path::new(file));
        assert!(contest.shortfalls(&bank).is_empty(), "{file}");
    }
    // The files the end-to-end tests use to show errors fail, and as expected.
    let (contest, bank) = check_contest(Path::new("tests/e2e-contests/shortfall.json"));
    assert!(!contest.shortfalls(&bank).is_empty());
    let broken = Contest::from_json(&read("tests/e2e-contests/broken.json"));
    assert!(matches!(broken, Err(ContestError::Json(_))), "{broken:?}");
    assert_eq!(Contest::from_json(&read("tests/e2e-contests/newer.json")), Err(ContestError::NewerVersion(2)));
    let mut named: Vec<String> = good.iter().map(|f| f.to_string()).collect();
    named.extend(["shortfall", "broken", "newer"].map(|f| format!("tests/e2e-contests/{f}.json")));
    for dir in ["questions", "tests/e2e-contests"] {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path().display().to_string();
            let is_contest = read(&path).contains("\"kepu-contest\"") || dir == "tests/e2e-contests";
            assert!(!is_contest || named.contains(&path), "{path} is a contest file this test does not name");
        }
    }
}

#[test]
fn region_data_is_a_complete_hierarchy() {
    let t = RegionTable::from_json(&read("questions/regions.json")).unwrap();
    let provinces = t.children(None);
    assert_eq!(provinces.len(), 31, "31 mainland provincial-level divisions");
    let mut counties = 0;
    for (p, _) in &provinces {
        let cities = t.children(Some(p));
        assert!(!cities.is_empty(), "{p} has cities");
        for (c, _) in cities {
            assert_eq!(level(c), 2);
            counties += t.children(Some(c)).len();
        }
    }
    assert!(counties > 2800, "{counties} counties");
    assert_eq!(t.full_name("430104"), "湖南省 长沙市 岳麓区");
    assert_eq!(t.full_name("110101"), "北京市 东城区");
    assert!(t.is_complete("441900", 3), "东莞 has no counties");
}
