//! Participation statistics and item analysis over the attempt ledger: headline numbers,
//! counts by region, crowd and day, region rankings, score distribution, and how each
//! question performed.
//!
//! 参赛人数 counts distinct `participant_id`s, 参赛人次 counts attempts.

use crate::core::Message;
use std::collections::{BTreeMap, HashMap};

use crate::core::formats::csv_io;
use crate::core::model::bank::{AnswerSet, Bank};
use crate::core::model::clock::format_day;
use crate::core::model::participant::CROWD_CHOICES;
use crate::core::model::region::{ancestor, RegionTable};
use crate::core::model::rng::{FastMap, FastSet};
use crate::core::play::ledger::{Attempt, AttemptLedger};
use crate::core::Lang;

/// Name of the row for attempts without a region at the chosen level.
pub const UNKNOWN_REGION: &str = "未知地区";
/// Key of the group for attempts without a crowd group.
pub const NO_CROWD: &str = "未填写";

#[derive(Clone, Debug, PartialEq)]
pub struct Headline {
    /// 参赛人数: distinct participants.
    pub participants: usize,
    /// 参赛人次: attempts.
    pub participations: usize,
    pub average_score: f64,
    /// Share of attempts with `score == max_score`.
    pub perfect_rate: f64,
    /// Share of attempts with `score >= pass_mark`; every attempt passes a pass mark of 0.
    pub pass_rate: f64,
}

/// The attempts the statistics cover: those of one stage of the contest, or (`None`, 全部阶段)
/// all of them, which is `ledger` itself. Every report of this module then works per stage.
pub fn of_stage(ledger: &std::rc::Rc<AttemptLedger>, stage: Option<&str>) -> std::rc::Rc<AttemptLedger> {
    match stage {
        None => ledger.clone(),
        Some(id) => std::rc::Rc::new(AttemptLedger {
            attempts: ledger.attempts.iter().filter(|a| a.stage.as_deref() == Some(id)).cloned().collect(),
        }),
    }
}

/// The organizer's headline numbers. With no attempts every average and rate is 0.
pub fn headline(attempts: &[Attempt], pass_mark: u32) -> Headline {
    let n = attempts.len();
    let share = |count: usize| if n == 0 { 0.0 } else { count as f64 / n as f64 };
    let total: u64 = attempts.iter().map(|a| u64::from(a.score)).sum();
    Headline {
        participants: distinct_participants(attempts.iter()),
        participations: n,
        average_score: if n == 0 { 0.0 } else { total as f64 / n as f64 },
        perfect_rate: share(attempts.iter().filter(|a| a.score == a.max_score).count()),
        pass_rate: share(attempts.iter().filter(|a| a.score >= pass_mark).count()),
    }
}

/// A count as people read figures: digits in groups of three, `1,234,567` (the same in
/// Chinese and English reports).
pub fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

fn distinct_participants<'a>(attempts: impl Iterator<Item = &'a Attempt>) -> usize {
    attempts.map(|a| a.participant_id.as_str()).collect::<FastSet<_>>().len()
}

#[derive(Clone, Debug, PartialEq)]
pub struct RegionRow {
    /// GB/T 2260 code at the chosen level; empty for the 未知地区 row.
    pub code: String,
    /// Full name, e.g. `湖南省 长沙市 岳麓区`.
    pub name: String,
    pub participants: usize,
    pub participations: usize,
    pub population: Option<u64>,
    /// Participants per 10,000 residents, when the population is known.
    pub per_10k: Option<f64>,
}

impl RegionRow {
    pub fn is_unknown(&self) -> bool {
        self.code.is_empty()
    }
}

/// Groups at level 1 (province), 2 (city) or 3 (county) using [`ancestor`]; attempts whose
/// region is missing or shallower than the level (a city without counties at level 3) go
/// to a row with code `""` and name 未知地区, listed last. Other rows are sorted by code
/// and named with [`RegionTable::full_name`]; a code missing from the table keeps its row,
/// named as far as the table knows its ancestors (or by the code itself).
pub fn by_region(
    attempts: &[Attempt],
    regions: &RegionTable,
    level: u8,
    population: Option<&HashMap<String, u64>>,
) -> Vec<RegionRow> {
    // By stored code first: far fewer codes than attempts to find the ancestor of.
    let mut by_code: FastMap<Option<&str>, Vec<&Attempt>> = FastMap::default();
    for a in attempts {
        by_code.entry(a.region.as_deref()).or_default().push(a);
    }
    let mut groups: BTreeMap<String, Vec<&Attempt>> = BTreeMap::new();
    let mut unknown: Vec<&Attempt> = Vec::new();
    for (code, list) in by_code {
        match code.and_then(|r| ancestor(r, level)) {
            Some(code) => groups.entry(code).or_default().extend(list),
            None => unknown.extend(list),
        }
    }
    let mut rows: Vec<RegionRow> = groups
        .into_iter()
        .map(|(code, group)| {
            let population = population.and_then(|p| p.get(&code)).copied().filter(|p| *p > 0);
            let participants = distinct_participants(group.iter().copied());
            RegionRow {
                name: region_name(regions, &code),
                participants,
                participations: group.len(),
                population,
                per_10k: population.map(|p| participants as f64 * 10_000.0 / p as f64),
                code,
            }
        })
        .collect();
    if !unknown.is_empty() {
        rows.push(RegionRow {
            code: String::new(),
            name: UNKNOWN_REGION.to_string(),
            participants: distinct_participants(unknown.iter().copied()),
            participations: unknown.len(),
            population: None,
            per_10k: None,
        });
    }
    rows
}

/// Participation by region at one level: the rows, and the totals over everyone counted (each
/// person once, however many rows their attempts fall in, so 参赛人数 is not the rows' sum).
/// The organizer's page shows it, and the CSV and XLSX files are written from it.
#[derive(Clone, Debug, PartialEq)]
pub struct RegionReport {
    pub rows: Vec<RegionRow>,
    pub participants: usize,
    pub participations: usize,
}

/// The region report of `attempts` at `level` (see [`by_region`] for the rows).
pub fn region_report(
    attempts: &[Attempt],
    regions: &RegionTable,
    level: u8,
    population: Option<&HashMap<String, u64>>,
) -> RegionReport {
    RegionReport {
        rows: by_region(attempts, regions, level, population),
        participants: distinct_participants(attempts.iter()),
        participations: attempts.len(),
    }
}

impl RegionReport {
    /// The report of counts kept per stored region code (the collector's counters, each person
    /// counted once in one region; see [`by_region_counts`]): the totals are their sums.
    pub fn of_counts(counts: &[(Option<String>, usize, usize)], regions: &RegionTable, level: u8) -> RegionReport {
        RegionReport {
            rows: by_region_counts(counts, regions, level),
            participants: counts.iter().map(|c| c.1).sum(),
            participations: counts.iter().map(|c| c.2).sum(),
        }
    }
}

fn region_name(regions: &RegionTable, code: &str) -> String {
    match regions.full_name(code) {
        n if n.is_empty() => code.to_string(),
        n => n,
    }
}

/// Counts already kept per stored region code (the collector's counters: each person
/// counted once, in one region) grouped at `level` as [`by_region`] groups attempts: the
/// same rows, names and 未知地区 row, so [`export::region_csv`](crate::core::reports::export::region_csv)
/// writes them the same way. Each entry is (stored code or `None`, participants, participations).
pub fn by_region_counts(counts: &[(Option<String>, usize, usize)], regions: &RegionTable, level: u8) -> Vec<RegionRow> {
    let mut groups: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut unknown: Option<(usize, usize)> = None;
    for (code, participants, participations) in counts {
        let slot = match code.as_deref().and_then(|r| ancestor(r, level)) {
            Some(code) => groups.entry(code).or_default(),
            None => unknown.get_or_insert((0, 0)),
        };
        slot.0 += participants;
        slot.1 += participations;
    }
    let row = |code: String, name: String, (participants, participations): (usize, usize)| RegionRow {
        code,
        name,
        participants,
        participations,
        population: None,
        per_10k: None,
    };
    let mut rows: Vec<RegionRow> = groups
        .into_iter()
        .map(|(code, n)| {
            let name = region_name(regions, &code);
            row(code, name, n)
        })
        .collect();
    rows.extend(unknown.map(|n| row(String::new(), UNKNOWN_REGION.to_string(), n)));
    rows
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RankBy {
    Participants,
    Participations,
    PerTenThousand,
    /// Each measure divided by its maximum over the rows, then weighted: e.g. 70 gives
    /// 70% 人数 + 30% 人次, as some provinces score their counties.
    Composite {
        /// Percent, 0..=100 (larger values count as 100); participations get the rest.
        participants_weight: u32,
    },
}

/// Ranks regions best first, ties by code. The 未知地区 row is not a region and is left
/// out, and so, when ranking per 10,000 residents, are rows whose population is unknown.
pub fn rank_regions(rows: &[RegionRow], by: RankBy) -> Vec<(RegionRow, f64)> {
    let ranked: Vec<&RegionRow> = rows
        .iter()
        .filter(|r| !r.is_unknown())
        .filter(|r| by != RankBy::PerTenThousand || r.per_10k.is_some())
        .collect();
    let max_people = ranked.iter().map(|r| r.participants).max().unwrap_or(0);
    let max_attempts = ranked.iter().map(|r| r.participations).max().unwrap_or(0);
    let ratio = |v: usize, max: usize| if max == 0 { 0.0 } else { v as f64 / max as f64 };
    let mut out: Vec<(RegionRow, f64)> = ranked
        .into_iter()
        .map(|r| {
            let score = match by {
                RankBy::Participants => r.participants as f64,
                RankBy::Participations => r.participations as f64,
                RankBy::PerTenThousand => r.per_10k.unwrap_or(0.0),
                RankBy::Composite { participants_weight } => {
                    let w = f64::from(participants_weight.min(100)) / 100.0;
                    w * ratio(r.participants, max_people) + (1.0 - w) * ratio(r.participations, max_attempts)
                }
            };
            (r.clone(), score)
        })
        .collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.code.cmp(&b.0.code)));
    out
}

/// Why a population file was not read.
#[derive(Clone, Debug, PartialEq)]
pub enum PopulationError {
    NoRows,
    Line { line: usize, problem: PopulationProblem },
}

#[derive(Clone, Debug, PartialEq)]
pub enum PopulationProblem {
    /// Fewer than two columns.
    MissingColumn,
    /// Not a six-digit GB/T 2260 code.
    BadCode(String),
    /// Not a positive whole number.
    BadPopulation(String),
    /// The code was listed on an earlier line.
    Duplicate(String),
}

impl Message for PopulationError {
    fn message(&self, lang: Lang) -> String {
        use PopulationProblem::*;
        let (line, problem) = match self {
            PopulationError::NoRows => {
                return lang.pick("人口文件中没有数据行", "the population file has no data rows").to_string()
            }
            PopulationError::Line { line, problem } => (line, problem),
        };
        match (problem, lang) {
            (MissingColumn, Lang::Zh) => format!("第 {line} 行：应为“地区代码,人口”两列"),
            (MissingColumn, Lang::En) => format!("line {line}: expected two columns, code,population"),
            (BadCode(c), Lang::Zh) => format!("第 {line} 行：“{c}”不是六位地区代码"),
            (BadCode(c), Lang::En) => format!("line {line}: \"{c}\" is not a six-digit region code"),
            (BadPopulation(p), Lang::Zh) => format!("第 {line} 行：人口“{p}”不是正整数"),
            (BadPopulation(p), Lang::En) => format!("line {line}: population \"{p}\" is not a positive whole number"),
            (Duplicate(c), Lang::Zh) => format!("第 {line} 行：地区代码 {c} 重复"),
            (Duplicate(c), Lang::En) => format!("line {line}: region code {c} is listed twice"),
        }
    }
}

/// Reads `code,population` rows (a spreadsheet saved as CSV). A header on the first row,
/// a UTF-8 BOM, blank rows, quoted fields, thousands separators inside quotes
/// (`"1,234,567"`) and extra columns are tolerated. Lines are rows as Excel numbers them.
pub fn parse_population_csv(text: &str) -> Result<HashMap<String, u64>, PopulationError> {
    let mut map = HashMap::new();
    let mut first = true;
    for row in csv_io::read(text, b',').rows {
        let line = row.number;
        let fields = row.fields;
        if fields.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let code = fields[0].trim();
        let is_first = std::mem::replace(&mut first, false);
        if is_first && !is_region_code(code) && !code.bytes().any(|b| b.is_ascii_digit()) {
            continue; // a header such as 地区代码,人口
        }
        let err = |problem| PopulationError::Line { line, problem };
        let Some(pop_text) = fields.get(1).map(|f| f.trim()) else {
            return Err(err(PopulationProblem::MissingColumn));
        };
        if !is_region_code(code) {
            return Err(err(PopulationProblem::BadCode(code.to_string())));
        }
        let digits: String = pop_text.chars().filter(|c| !matches!(c, ',' | ' ' | '，')).collect();
        let population = match digits.parse::<u64>() {
            Ok(p) if p > 0 && digits.bytes().all(|b| b.is_ascii_digit()) => p,
            _ => return Err(err(PopulationProblem::BadPopulation(pop_text.to_string()))),
        };
        if map.insert(code.to_string(), population).is_some() {
            return Err(err(PopulationProblem::Duplicate(code.to_string())));
        }
    }
    if map.is_empty() {
        return Err(PopulationError::NoRows);
    }
    Ok(map)
}

fn is_region_code(s: &str) -> bool {
    s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit())
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupRow {
    pub key: String,
    pub participants: usize,
    pub participations: usize,
}

fn group_rows<K: Ord>(groups: BTreeMap<K, (String, Vec<&Attempt>)>) -> Vec<GroupRow> {
    groups
        .into_values()
        .map(|(key, group)| GroupRow {
            key,
            participants: distinct_participants(group.iter().copied()),
            participations: group.len(),
        })
        .collect()
}

/// Counts by crowd group: the registration choices in their usual order, then any other
/// group by name, then 未填写 for attempts without one. Only groups with attempts appear.
pub fn by_crowd(attempts: &[Attempt]) -> Vec<GroupRow> {
    let mut by_name: FastMap<&str, Vec<&Attempt>> = FastMap::default();
    for a in attempts {
        by_name.entry(crowd_key(a)).or_default().push(a);
    }
    let mut groups: BTreeMap<(usize, String), (String, Vec<&Attempt>)> = BTreeMap::new();
    for (key, list) in by_name {
        let order = match CROWD_CHOICES.iter().position(|c| *c == key) {
            Some(i) => i,
            None if key == NO_CROWD => usize::MAX,
            None => CROWD_CHOICES.len(),
        };
        groups.insert((order, key.to_string()), (key.to_string(), list));
    }
    group_rows(groups)
}

/// The crowd group an attempt is counted in: its crowd, or [`NO_CROWD`] without one.
pub fn crowd_key(a: &Attempt) -> &str {
    a.crowd.as_deref().map(str::trim).filter(|c| !c.is_empty()).unwrap_or(NO_CROWD)
}

/// Counts by the Asia/Shanghai day each attempt started on (`YYYY-MM-DD`), in date order.
pub fn by_day(attempts: &[Attempt]) -> Vec<GroupRow> {
    let mut groups: BTreeMap<i64, (String, Vec<&Attempt>)> = BTreeMap::new();
    for a in attempts {
        let day = a.day();
        groups.entry(day).or_insert_with(|| (format_day(day), Vec::new())).1.push(a);
    }
    group_rows(groups)
}

/// Attempts per band of score as a percent of the maximum: `(low, high, count)`, with
/// `[0,10) [10,20) … [90,100]` for 10 buckets (the last band includes 100). `buckets` is
/// kept within 1..=100; attempts with a maximum of 0 have no percent and are left out.
pub fn score_distribution(attempts: &[Attempt], buckets: u32) -> Vec<(u32, u32, usize)> {
    let b = buckets.clamp(1, 100);
    let mut counts = vec![0usize; b as usize];
    for a in attempts.iter().filter(|a| a.max_score > 0) {
        // Exact: the bucket of score/max is floor(score * b / max).
        let i = (u64::from(a.score) * u64::from(b) / u64::from(a.max_score)).min(u64::from(b - 1));
        counts[i as usize] += 1;
    }
    counts.into_iter().enumerate().map(|(i, n)| (i as u32 * 100 / b, (i as u32 + 1) * 100 / b, n)).collect()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemFlag {
    /// More than 95% answer it correctly.
    TooEasy,
    /// Fewer than 20% answer it correctly.
    TooHard,
    /// One wrong answer is chosen more often than the keyed one: check the key.
    PossiblyMiskeyed,
}

impl ItemFlag {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            ItemFlag::TooEasy => lang.pick("过于简单", "too easy"),
            ItemFlag::TooHard => lang.pick("过难", "too hard"),
            ItemFlag::PossiblyMiskeyed => lang.pick("答案可能有误，请核对", "possibly mis-keyed; check the answer"),
        }
    }
}

/// Questions need this many answers before they are flagged.
pub const FLAG_MIN_SHOWN: usize = 10;

#[derive(Clone, Debug, PartialEq)]
pub struct ItemStat {
    pub qid: String,
    /// Times the question was asked.
    pub shown: usize,
    pub correct: usize,
    pub correct_rate: f64,
    /// Mean seconds spent, from `Attempt::question_ds`; `None` when no attempt recorded it.
    pub mean_seconds: Option<f64>,
    /// The wrong non-empty answer chosen most often (ties: the smaller bitmask), and how often.
    pub top_wrong: Option<(AnswerSet, usize)>,
    /// Times it was left without an answer.
    pub unanswered: usize,
    pub flag: Option<ItemFlag>,
}

#[derive(Default)]
struct ItemTally {
    shown: usize,
    correct: usize,
    unanswered: usize,
    ds_sum: u64,
    ds_count: usize,
    /// Each wrong answer's bitmask and count, in first-seen order (there are few).
    wrong: Vec<(u8, usize)>,
}

/// How each question asked in `attempts` performed, hardest first (ties in bank order).
/// Questions not in `bank` are skipped, and so are bank questions never asked. An answer
/// is correct when its bitmask equals the key. Flags need [`FLAG_MIN_SHOWN`] answers; a
/// possibly mis-keyed question is flagged so even when it is also too hard.
///
/// `crowd` keeps only the attempts of one crowd group, named as [`by_crowd`] names its rows
/// ([`NO_CROWD`] for attempts without one); `None` keeps every attempt.
pub fn item_analysis(attempts: &[Attempt], bank: &Bank, crowd: Option<&str>) -> Vec<ItemStat> {
    let mut tally = ItemAnalysis::new(bank);
    tally.add(attempts, bank, crowd);
    tally.finish(bank)
}

/// [`item_analysis`] a slice of attempts at a time (so a page can count 100,000 attempts in
/// several short tasks): [`ItemAnalysis::add`] each slice, then [`ItemAnalysis::finish`], with
/// the same bank throughout.
pub struct ItemAnalysis {
    tallies: Vec<ItemTally>,
}

impl ItemAnalysis {
    pub fn new(bank: &Bank) -> ItemAnalysis {
        let mut tallies: Vec<ItemTally> = Vec::new();
        tallies.resize_with(bank.questions.len(), ItemTally::default);
        ItemAnalysis { tallies }
    }

    pub fn add(&mut self, attempts: &[Attempt], bank: &Bank, crowd: Option<&str>) {
        for a in attempts.iter().filter(|a| crowd.is_none_or(|c| crowd_key(a) == c)) {
            for (i, qid) in a.questions.iter().enumerate() {
                let Some(index) = bank.index_of(qid) else { continue };
                let t = &mut self.tallies[index];
                t.shown += 1;
                let answer = a.answers.get(i).copied().unwrap_or(0);
                if answer == 0 {
                    t.unanswered += 1;
                } else if answer == bank.questions[index].answer.0 {
                    t.correct += 1;
                } else {
                    match t.wrong.iter_mut().find(|(m, _)| *m == answer) {
                        Some((_, n)) => *n += 1,
                        None => t.wrong.push((answer, 1)),
                    }
                }
                if let Some(ds) = a.question_ds.get(i) {
                    t.ds_sum += u64::from(*ds);
                    t.ds_count += 1;
                }
            }
        }
    }

    pub fn finish(self, bank: &Bank) -> Vec<ItemStat> {
        let mut items: Vec<ItemStat> = bank
            .questions
            .iter()
            .zip(self.tallies)
            .filter(|(_, t)| t.shown > 0)
            .map(|(q, mut t)| {
                let correct_rate = t.correct as f64 / t.shown as f64;
                // Highest count; on a tie the first (smallest) bitmask stays.
                t.wrong.sort_unstable();
                let top_wrong = t
                    .wrong
                    .iter()
                    .fold(None::<(u8, usize)>, |best, (m, n)| match best {
                        Some((_, bn)) if bn >= *n => best,
                        _ => Some((*m, *n)),
                    })
                    .map(|(m, n)| (AnswerSet(m), n));
                let flag = if t.shown < FLAG_MIN_SHOWN {
                    None
                } else if top_wrong.is_some_and(|(_, n)| n > t.correct) {
                    Some(ItemFlag::PossiblyMiskeyed)
                } else if correct_rate > 0.95 {
                    Some(ItemFlag::TooEasy)
                } else if correct_rate < 0.2 {
                    Some(ItemFlag::TooHard)
                } else {
                    None
                };
                ItemStat {
                    qid: q.id.clone(),
                    shown: t.shown,
                    correct: t.correct,
                    correct_rate,
                    mean_seconds: (t.ds_count > 0).then(|| t.ds_sum as f64 / t.ds_count as f64 / 10.0),
                    top_wrong,
                    unanswered: t.unanswered,
                    flag,
                }
            })
            .collect();
        items.sort_by(|a, b| a.correct_rate.total_cmp(&b.correct_rate));
        items
    }
}

crate::core::english_display!(PopulationError);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouped_puts_a_comma_every_three_digits() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_000), "1,000");
        assert_eq!(grouped(123_456), "123,456");
        assert_eq!(grouped(1_234_567), "1,234,567");
        assert_eq!(grouped(u32::MAX as usize), "4,294,967,295");
    }

    #[test]
    fn population_csv_with_header_bom_and_quotes() {
        let map =
            parse_population_csv("\u{feff}地区代码,人口\r\n430102,\"523,000\"\r\n\r\n430104, 1500000 ,备注\n").unwrap();
        assert_eq!(map.len(), 2);
        assert_eq!(map["430102"], 523_000);
        assert_eq!(map["430104"], 1_500_000);
        // Without a header.
        assert_eq!(parse_population_csv("430102,10").unwrap()["430102"], 10);
    }

    #[test]
    fn population_csv_errors_name_line_and_reason() {
        let e = parse_population_csv("code,population\n430102,100\n43010,5\n").unwrap_err();
        assert_eq!(e, PopulationError::Line { line: 3, problem: PopulationProblem::BadCode("43010".into()) });
        assert_eq!(e.message(Lang::Zh), "第 3 行：“43010”不是六位地区代码");
        let e = parse_population_csv("430102,100\n430104,很多\n").unwrap_err();
        assert!(e.message(Lang::En).starts_with("line 2: population \"很多\""), "{}", e.message(Lang::En));
        let e = parse_population_csv("430102,0\n").unwrap_err();
        assert!(matches!(e, PopulationError::Line { line: 1, problem: PopulationProblem::BadPopulation(_) }));
        let e = parse_population_csv("430102,1\n430102,2\n").unwrap_err();
        assert_eq!(e, PopulationError::Line { line: 2, problem: PopulationProblem::Duplicate("430102".into()) });
        let e = parse_population_csv("430102\n").unwrap_err();
        assert_eq!(e, PopulationError::Line { line: 1, problem: PopulationProblem::MissingColumn });
        assert_eq!(parse_population_csv("地区代码,人口\n\n").unwrap_err(), PopulationError::NoRows);
        assert_eq!(parse_population_csv("").unwrap_err().message(Lang::Zh), "人口文件中没有数据行");
        // A note with a line break in quotes is one row, as Excel shows it.
        let e = parse_population_csv("430102,1,\"备\r\n注\"\r\n\r\n430104,\"十\"\r\n").unwrap_err();
        assert_eq!(e, PopulationError::Line { line: 3, problem: PopulationProblem::BadPopulation("十".into()) });
    }

    #[test]
    fn distribution_bounds_for_uneven_buckets() {
        assert_eq!(score_distribution(&[], 3), vec![(0, 33, 0), (33, 66, 0), (66, 100, 0)]);
        assert_eq!(score_distribution(&[], 0).len(), 1);
    }
}
