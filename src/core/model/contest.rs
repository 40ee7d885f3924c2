//! Contest packages: the rules of a contest plus its bank (inline, or a path beside it).

use crate::core::model::bank::{Bank, BankError, QuestionType, CROWDS};
use crate::core::model::clock::{format_shanghai, parse_shanghai, parse_shanghai_end, shanghai_midnight_after};
use crate::core::Message;
use serde::{Deserialize, Serialize};

use crate::core::formats::codec::{self, DecodeError, Json, SerdeJson};
use crate::core::model::bank::RawBank;
use crate::core::Lang;

pub const CONTEST_FORMAT: &str = "kepu-contest";
pub const CONTEST_VERSION: u32 = 1;

/// How many questions of a type (and optionally of one category) a round draws.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MixItem {
    #[serde(rename = "type")]
    pub qtype: QuestionType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    pub count: usize,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MultipleScoring {
    /// Full points only for exactly the right set.
    #[default]
    AllOrNothing,
    /// A strict, non-empty subset with no wrong pick earns `partial_percent` of the points.
    Partial,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scoring {
    pub single: u32,
    pub multiple: u32,
    pub true_false: u32,
    #[serde(default)]
    pub multiple_mode: MultipleScoring,
    #[serde(default = "fifty")]
    pub partial_percent: u32,
}

fn fifty() -> u32 {
    50
}

fn three() -> u8 {
    3
}

impl Scoring {
    pub fn points_for(&self, qtype: QuestionType) -> u32 {
        match qtype {
            QuestionType::Single => self.single,
            QuestionType::Multiple => self.multiple,
            QuestionType::TrueFalse => self.true_false,
        }
    }
}

/// Which of a participant's attempts stands for their contest score.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScorePolicy {
    #[default]
    Best,
    Cumulative,
    Latest,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhoneField {
    #[default]
    Off,
    Optional,
    Required,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registration {
    #[serde(default)]
    pub phone: PhoneField,
    /// 0 = no region, 1 = province, 2 = city, 3 = county.
    #[serde(default = "three")]
    pub region_depth: u8,
    /// Narrows regions to one province or city: a GB/T 2260 code such as `440000` or `440100`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region_scope: Option<String>,
    #[serde(default)]
    pub crowd: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundRules {
    pub mix: Vec<MixItem>,
    /// Seconds for each question; `None` for no per-question limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seconds_per_question: Option<u32>,
    /// Seconds for the whole round; `None` for no round limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seconds_per_round: Option<u32>,
    #[serde(default)]
    pub allow_back: bool,
    /// Draw part of each mix item from questions tagged for the participant's crowd.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crowd_first: Option<CrowdFirst>,
    /// Whose clock stands still while the app reads a question aloud (default: 老年人).
    /// Written only when not the default, so the fingerprint of rules written before the rule
    /// existed does not change.
    #[serde(default, skip_serializing_if = "ReadingPause::is_default")]
    pub pause_timer_while_reading: ReadingPause,
    /// The most the clock may stand still for reading, per question, in seconds.
    #[serde(default = "ReadingPause::default_seconds", skip_serializing_if = "ReadingPause::is_default_seconds")]
    pub reading_pause_seconds: u32,
}

/// Who may have the clock stopped while a question is read aloud (朗读). Reading is not
/// answering: a person who listens to the question should not lose the time it takes. The
/// pause lasts only while the device is speaking and at most `reading_pause_seconds` per
/// question, so it cannot be used to gain unlimited time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReadingPause {
    /// People registered in the crowd group 老年人 (the default).
    #[default]
    Older,
    Everyone,
    /// Nobody: the clock runs while reading.
    Off,
}

impl ReadingPause {
    /// The crowd group the default applies to.
    pub const OLDER_CROWD: &'static str = "老年人";
    const DEFAULT_SECONDS: u32 = 60;

    fn is_default(&self) -> bool {
        *self == ReadingPause::default()
    }

    fn default_seconds() -> u32 {
        Self::DEFAULT_SECONDS
    }

    fn is_default_seconds(s: &u32) -> bool {
        *s == Self::DEFAULT_SECONDS
    }

    /// Whether a person of `crowd` has the clock stopped while reading.
    pub fn applies_to(self, crowd: Option<&str>) -> bool {
        match self {
            ReadingPause::Older => crowd == Some(Self::OLDER_CROWD),
            ReadingPause::Everyone => true,
            ReadingPause::Off => false,
        }
    }
}

/// Each participant's round is drawn first from questions tagged for their crowd group,
/// then topped up from the whole bank: of a mix item of `count` questions,
/// round(count × percent / 100) come from that item's questions tagged for the crowd (as
/// many as there are), the rest from all of the item's questions. People without a crowd
/// (or in 其他) draw from the whole bank.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrowdFirst {
    /// 0–100.
    pub percent: u32,
}

impl CrowdFirst {
    /// How many of `count` questions should come from the crowd's questions, rounded half up.
    pub fn share(self, count: usize) -> usize {
        (count * self.percent.min(100) as usize + 50) / 100
    }
}

impl RoundRules {
    /// The most the clock may stand still for reading aloud per question, in ms, for a person of
    /// `crowd`; `None` when the rules do not pause the clock for them.
    pub fn reading_pause_ms(&self, crowd: Option<&str>) -> Option<i64> {
        (self.pause_timer_while_reading.applies_to(crowd) && self.reading_pause_seconds > 0)
            .then(|| i64::from(self.reading_pause_seconds) * 1000)
    }

    pub fn question_count(&self) -> usize {
        self.mix.iter().map(|m| m.count).sum()
    }

    /// The crowd share of each mix item, in mix order (all 0 without `crowd_first`).
    pub fn crowd_shares(&self) -> Vec<usize> {
        self.mix.iter().map(|m| self.crowd_first.map_or(0, |c| c.share(m.count))).collect()
    }

    /// For each crowd a question can be tagged for, the mix items whose crowd share its
    /// tagged questions cannot fill. Not a refusal: the draw tops a round up from the whole
    /// bank, so these only say which crowds get fewer of their own questions than the rule
    /// asks. Counted as [`Contest::shortfalls`] counts: category items first, then the open
    /// items of the type share what those left.
    pub fn crowd_shortfalls(&self, bank: &Bank) -> Vec<RuleProblem> {
        let mut out = Vec::new();
        let Some(rule) = self.crowd_first.filter(|c| c.percent > 0) else { return out };
        for crowd in CROWDS {
            let tagged = |qtype: QuestionType, category: Option<&str>| {
                bank.questions
                    .iter()
                    .filter(|q| {
                        q.qtype == qtype
                            && category.is_none_or(|c| q.category == c)
                            && q.crowds.iter().any(|g| g == crowd)
                    })
                    .count()
            };
            for qtype in QuestionType::ALL {
                let items: Vec<&MixItem> = self.mix.iter().filter(|m| m.qtype == qtype).collect();
                let mut used_in_categories = 0;
                let mut push = |category: Option<String>, wanted: usize, available: usize| {
                    if available < wanted {
                        out.push(RuleProblem::CrowdShortfall {
                            crowd: crowd.to_string(),
                            qtype,
                            category,
                            wanted,
                            available,
                        });
                    }
                };
                for m in items.iter().filter(|m| m.category.is_some()) {
                    let wanted = rule.share(m.count);
                    let available = tagged(qtype, m.category.as_deref());
                    push(m.category.clone(), wanted, available);
                    used_in_categories += wanted.min(available);
                }
                let open: usize = items.iter().filter(|m| m.category.is_none()).map(|m| rule.share(m.count)).sum();
                if open > 0 {
                    push(None, open, tagged(qtype, None).saturating_sub(used_in_categories));
                }
            }
        }
        out
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContestRules {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub organizer: String,
    #[serde(default)]
    pub revision: u32,
    /// Asia/Shanghai wall time, `YYYY-MM-DD HH:MM`.
    pub starts: String,
    pub ends: String,
    pub round: RoundRules,
    /// 0 = unlimited.
    #[serde(default)]
    pub attempts_per_day: u32,
    pub scoring: Scoring,
    #[serde(default)]
    pub score_policy: ScorePolicy,
    pub registration: Registration,
    /// Score needed to pass, in points.
    #[serde(default)]
    pub pass_mark: u32,
    /// Who earns a 电子证书 (`{ "award": "passed" }`); absent: nobody. Skipped when absent, so
    /// the rules of a contest without one keep their JSON and fingerprint.
    #[serde(default, skip_serializing_if = "CertificateRule::is_none")]
    pub certificate: CertificateRule,
    /// The results collector's address (`https://collect.example.org/`, or `/` when the site
    /// itself forwards `/v1/` to it): finished attempts are also sent there. None: results
    /// stay on the device, as always.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collector: Option<String>,
    /// Stages (每日一题, 第 N 周, 决赛), each with its own window and, where it says so, its
    /// own mix, attempts per day and score policy. None: the contest is one open window, as
    /// before (left out of the JSON, so the fingerprint of rules without stages stays).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stages: Vec<Stage>,
}

/// One stage of a contest: its window (Asia/Shanghai, read as the contest's) and the rules it
/// changes; every rule it does not name is the contest's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    pub id: String,
    pub title: String,
    /// The title in English; the Chinese one when absent.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title_en: String,
    pub starts: String,
    pub ends: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mix: Option<Vec<MixItem>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempts_per_day: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score_policy: Option<ScorePolicy>,
}

impl Stage {
    pub fn title(&self, lang: Lang) -> &str {
        match lang {
            Lang::En if !self.title_en.is_empty() => &self.title_en,
            _ => &self.title,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleProblem {
    MissingField(&'static str),
    BadTime(&'static str, String),
    EndsBeforeStart,
    EmptyMix,
    ZeroCount(usize),
    BadRegionDepth(u8),
    BadRegionScope(String),
    PartialPercent(u32),
    CrowdPercent(u32),
    /// A collector address that is neither an http(s) URL nor a path of the site.
    BadCollector(String),
    Shortfall {
        qtype: QuestionType,
        category: Option<String>,
        wanted: usize,
        available: usize,
    },
    /// A problem of one stage's own fields (its id, or `#n` when it has none).
    InStage(String, Box<RuleProblem>),
    /// A stage id given twice.
    DuplicateStage(String),
    /// A stage that opens before the contest or closes after it.
    StageOutside(String),
    /// Two stages open at the same time.
    StagesOverlap(String, String),
    /// A warning, not a refusal: the crowd's tagged questions cannot fill its share of a
    /// mix item, so its rounds are topped up from the whole bank.
    CrowdShortfall {
        crowd: String,
        qtype: QuestionType,
        category: Option<String>,
        wanted: usize,
        available: usize,
    },
}

impl Message for RuleProblem {
    fn message(&self, lang: Lang) -> String {
        use RuleProblem::*;
        match (self, lang) {
            (MissingField(f), Lang::Zh) => format!("缺少 {f}"),
            (MissingField(f), Lang::En) => format!("{f} is missing"),
            (BadTime(f, v), Lang::Zh) => format!("{f} 的时间“{v}”无法识别（应为 YYYY-MM-DD HH:MM）"),
            (BadTime(f, v), Lang::En) => format!("{f}: cannot read the time \"{v}\" (expected YYYY-MM-DD HH:MM)"),
            (EndsBeforeStart, Lang::Zh) => "结束时间早于开始时间".into(),
            (EndsBeforeStart, Lang::En) => "the contest ends before it starts".into(),
            (EmptyMix, Lang::Zh) => "每轮题目数为 0".into(),
            (EmptyMix, Lang::En) => "a round has no questions".into(),
            (ZeroCount(i), Lang::Zh) => format!("组卷规则第 {} 项的题数为 0", i + 1),
            (ZeroCount(i), Lang::En) => format!("mix item {} asks for 0 questions", i + 1),
            (BadRegionDepth(d), Lang::Zh) => format!("地区层级 {d} 无效（应为 0–3）"),
            (BadRegionDepth(d), Lang::En) => format!("region depth {d} is invalid (0–3)"),
            (BadRegionScope(s), Lang::Zh) => format!("地区范围“{s}”不是 6 位省级或市级行政区划代码"),
            (BadRegionScope(s), Lang::En) => format!("region scope \"{s}\" is not a six-digit province or city code"),
            (PartialPercent(p), Lang::Zh) => format!("部分得分比例 {p}% 无效（应为 0–100）"),
            (PartialPercent(p), Lang::En) => format!("partial credit {p}% is invalid (0–100)"),
            (CrowdPercent(p), Lang::Zh) => format!("按人群抽题比例 {p}% 无效（应为 0–100）"),
            (CrowdPercent(p), Lang::En) => format!("crowd share {p}% is invalid (0–100)"),
            (BadCollector(u), Lang::Zh) => format!("成绩收集服务器地址“{u}”应以 https://、http:// 或 / 开头"),
            (BadCollector(u), Lang::En) => format!("collector address \"{u}\" must start with https://, http:// or /"),
            (InStage(id, p), Lang::Zh) => format!("阶段“{id}”：{}", p.message(lang)),
            (InStage(id, p), Lang::En) => format!("stage \"{id}\": {}", p.message(lang)),
            (DuplicateStage(id), Lang::Zh) => format!("阶段编号“{id}”重复"),
            (DuplicateStage(id), Lang::En) => format!("stage id \"{id}\" is used twice"),
            (StageOutside(id), Lang::Zh) => format!("阶段“{id}”的时间超出了竞赛时间"),
            (StageOutside(id), Lang::En) => format!("stage \"{id}\" is not within the contest's dates"),
            (StagesOverlap(a, b), Lang::Zh) => format!("阶段“{a}”与阶段“{b}”的时间重叠"),
            (StagesOverlap(a, b), Lang::En) => format!("stages \"{a}\" and \"{b}\" overlap"),
            (CrowdShortfall { crowd, qtype, category, wanted, available }, Lang::Zh) => format!(
                "适合“{crowd}”的{}{}每轮应有 {wanted} 道，题库只有 {available} 道，其余从全部题目中补足",
                category.as_deref().map(|c| format!("“{c}”类")).unwrap_or_default(),
                qtype.label(lang)
            ),
            (CrowdShortfall { crowd, qtype, category, wanted, available }, Lang::En) => format!(
                "{crowd}: {wanted} {} question(s){} tagged for this group wanted a round, {available} in the bank; the rest come from the whole bank",
                qtype.label(lang),
                category.as_deref().map(|c| format!(" in \"{c}\"")).unwrap_or_default()
            ),
            (Shortfall { qtype, category, wanted, available }, Lang::Zh) => format!(
                "题库不够组卷：{}{} 需要 {wanted} 道，只有 {available} 道",
                category.as_deref().map(|c| format!("“{c}”类")).unwrap_or_default(),
                qtype.label(lang)
            ),
            (Shortfall { qtype, category, wanted, available }, Lang::En) => format!(
                "the bank cannot fill the round: {wanted} {} question(s){} wanted, {available} available",
                qtype.label(lang),
                category.as_deref().map(|c| format!(" in \"{c}\"")).unwrap_or_default()
            ),
        }
    }
}

/// A contest package as it stands.
#[derive(Deserialize)]
struct Package {
    rules: ContestRules,
    bank: BankField,
}

/// The package's `bank`: a path beside the file, or the bank itself.
enum BankField {
    Path(String),
    Inline(Box<RawBank>),
}

/// A string is a path and an object a bank (an externally tagged enum cannot say that).
impl<'de> Deserialize<'de> for BankField {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Either;
        impl<'de> serde::de::Visitor<'de> for Either {
            type Value = BankField;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string or a map")
            }
            fn visit_str<E: serde::de::Error>(self, path: &str) -> Result<BankField, E> {
                Ok(BankField::Path(path.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<BankField, A::Error> {
                RawBank::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(|b| BankField::Inline(Box::new(b)))
            }
        }
        deserializer.deserialize_any(Either)
    }
}

/// Where a contest's bank lives.
#[derive(Clone, Debug, PartialEq)]
pub enum BankSource {
    Inline(Box<Bank>),
    /// Relative to the contest file.
    Path(String),
}

#[derive(Clone, Debug, PartialEq)]
pub enum ContestError {
    Json(DecodeError),
    WrongFormat,
    NewerVersion(u32),
    Rules(Vec<RuleProblem>),
    Bank(BankError),
}

impl Message for ContestError {
    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (ContestError::Json(e), _) => e.message(lang),
            (ContestError::WrongFormat, Lang::Zh) => "这不是竞赛文件（format 应为 kepu-contest）".into(),
            (ContestError::WrongFormat, Lang::En) => "not a contest package (format must be kepu-contest)".into(),
            (ContestError::NewerVersion(v), Lang::Zh) => format!("竞赛文件版本 {v} 比本程序新，请更新程序"),
            (ContestError::NewerVersion(v), Lang::En) => {
                format!("contest file version {v} is newer than this app; please update")
            }
            (ContestError::Rules(ps), _) => ps.iter().map(|p| p.message(lang)).collect::<Vec<_>>().join("\n"),
            (ContestError::Bank(e), _) => e.message(lang),
        }
    }
}

/// The parsed rules with their times resolved.
#[derive(Clone, Debug, PartialEq)]
pub struct Contest {
    pub rules: ContestRules,
    /// The window: the contest's, or the stage's in a contest running in one ([`Contest::in_stage`]).
    pub starts_ms: i64,
    pub ends_ms: i64,
    /// Each stage's window `[start, end)` in ms, in the order of `rules.stages`.
    pub stage_windows: Vec<(i64, i64)>,
    /// The stage this contest runs in ([`Contest::in_stage`]): its index in `rules.stages`.
    pub stage: Option<usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Window {
    NotYet,
    Open,
    Closed,
}

impl Contest {
    /// Parses a contest package; the bank comes back separately, inline or as a path.
    pub fn from_json(text: &str) -> Result<(Contest, BankSource), ContestError> {
        Contest::read::<SerdeJson>(text)
    }

    /// [`Contest::from_json`] with the given JSON codec.
    pub fn read<J: Json>(text: &str) -> Result<(Contest, BankSource), ContestError> {
        let package: Package = J::decode_headed(text, CONTEST_FORMAT, CONTEST_VERSION).map_err(|e| match e {
            codec::HeaderError::Json(e) => ContestError::Json(e),
            codec::HeaderError::WrongFormat => ContestError::WrongFormat,
            codec::HeaderError::NewerVersion(v) => ContestError::NewerVersion(v),
        })?;
        let contest = Contest::new(package.rules)?;
        let bank = match package.bank {
            BankField::Path(path) => BankSource::Path(path),
            BankField::Inline(raw) => BankSource::Inline(Box::new(Bank::from_raw(*raw).map_err(ContestError::Bank)?)),
        };
        Ok((contest, bank))
    }

    /// Checks the rules on their own (without a bank).
    pub fn new(rules: ContestRules) -> Result<Contest, ContestError> {
        let mut problems = Vec::new();
        if rules.id.trim().is_empty() {
            problems.push(RuleProblem::MissingField("id"));
        }
        if rules.title.trim().is_empty() {
            problems.push(RuleProblem::MissingField("title"));
        }
        let starts = parse_shanghai(&rules.starts);
        let ends = parse_shanghai_end(&rules.ends);
        if starts.is_none() {
            problems.push(RuleProblem::BadTime("starts", rules.starts.clone()));
        }
        if ends.is_none() {
            problems.push(RuleProblem::BadTime("ends", rules.ends.clone()));
        }
        if let (Some(s), Some(e)) = (starts, ends) {
            if e <= s {
                problems.push(RuleProblem::EndsBeforeStart);
            }
        }
        if rules.round.mix.is_empty() {
            problems.push(RuleProblem::EmptyMix);
        }
        for (i, m) in rules.round.mix.iter().enumerate() {
            if m.count == 0 {
                problems.push(RuleProblem::ZeroCount(i));
            }
        }
        if rules.registration.region_depth > 3 {
            problems.push(RuleProblem::BadRegionDepth(rules.registration.region_depth));
        }
        if let Some(scope) = &rules.registration.region_scope {
            let ok = scope.len() == 6 && scope.bytes().all(|b| b.is_ascii_digit()) && scope.ends_with("00");
            if !ok {
                problems.push(RuleProblem::BadRegionScope(scope.clone()));
            }
        }
        if rules.scoring.partial_percent > 100 {
            problems.push(RuleProblem::PartialPercent(rules.scoring.partial_percent));
        }
        if let Some(c) = rules.round.crowd_first.filter(|c| c.percent > 100) {
            problems.push(RuleProblem::CrowdPercent(c.percent));
        }
        if let Some(url) =
            rules.collector.as_ref().filter(|u| !["https://", "http://", "/"].iter().any(|p| u.starts_with(p)))
        {
            problems.push(RuleProblem::BadCollector(url.clone()));
        }
        let stage_windows = stage_problems(&rules, starts.zip(ends), &mut problems);
        if !problems.is_empty() {
            return Err(ContestError::Rules(problems));
        }
        Ok(Contest {
            starts_ms: starts.unwrap_or_default(),
            ends_ms: ends.unwrap_or_default(),
            rules,
            stage_windows,
            stage: None,
        })
    }

    /// The contest as it runs in stage `i`: that stage's window, and its mix, attempts per
    /// day and score policy where it names them.
    pub fn in_stage(&self, i: usize) -> Contest {
        let mut c = self.clone();
        let s = &self.rules.stages[i];
        if let Some(mix) = &s.mix {
            c.rules.round.mix = mix.clone();
        }
        c.rules.attempts_per_day = s.attempts_per_day.unwrap_or(c.rules.attempts_per_day);
        c.rules.score_policy = s.score_policy.unwrap_or(c.rules.score_policy);
        (c.starts_ms, c.ends_ms) = self.stage_windows[i];
        c.stage = Some(i);
        c
    }

    /// The id of the stage this contest runs in, if any.
    pub fn stage_id(&self) -> Option<&str> {
        self.stage.map(|i| self.rules.stages[i].id.as_str())
    }

    /// The index of the stage with id `id`.
    pub fn stage_index(&self, id: &str) -> Option<usize> {
        self.rules.stages.iter().position(|s| s.id == id)
    }

    /// The stage open at `now`.
    pub fn stage_at(&self, now: i64) -> Option<usize> {
        self.stage_windows.iter().position(|&(a, b)| a <= now && now < b)
    }

    /// The stage that opens next after `now`.
    pub fn next_stage(&self, now: i64) -> Option<usize> {
        (0..self.stage_windows.len())
            .filter(|&i| self.stage_windows[i].0 > now)
            .min_by_key(|&i| self.stage_windows[i].0)
    }

    /// The contest as a round started at `now` runs: under the open stage's rules, or as it
    /// is (a contest with stages then takes no round: see [`Contest::between_stages`]).
    pub fn running(&self, now: i64) -> std::borrow::Cow<'_, Contest> {
        match self.stage_at(now) {
            Some(i) if self.stage.is_none() => std::borrow::Cow::Owned(self.in_stage(i)),
            _ => std::borrow::Cow::Borrowed(self),
        }
    }

    /// A contest with stages, none of them the one it runs in: no round can start.
    pub fn between_stages(&self) -> bool {
        !self.rules.stages.is_empty() && self.stage.is_none()
    }

    /// The rules an attempt of stage `stage` was played under: that stage's (`None` when the
    /// contest has no such stage), or the contest's for an attempt of no stage.
    pub fn for_stage(&self, stage: Option<&str>) -> Option<std::borrow::Cow<'_, Contest>> {
        match stage {
            None => Some(std::borrow::Cow::Borrowed(self)),
            Some(id) => self.stage_index(id).map(|i| std::borrow::Cow::Owned(self.in_stage(i))),
        }
    }

    /// The score policy of stage `stage` (the contest's for `None` or a stage it does not have).
    pub fn score_policy_in(&self, stage: Option<&str>) -> ScorePolicy {
        let s = stage.and_then(|id| self.stage_index(id)).and_then(|i| self.rules.stages[i].score_policy);
        s.unwrap_or(self.rules.score_policy)
    }

    /// What the home page says of the stages at `now`: the stage open (or that none is), and
    /// the next one with when it opens. `None` for a contest without stages.
    pub fn stage_lines(&self, now: i64, lang: Lang) -> Option<(String, Option<String>)> {
        if self.rules.stages.is_empty() {
            return None;
        }
        let open = match self.stage_at(now) {
            Some(i) => {
                let (title, (a, b)) = (self.rules.stages[i].title(lang), self.stage_windows[i]);
                let (a, b) = (format_shanghai(a), format_shanghai(b - 1));
                match lang {
                    Lang::Zh => format!("当前阶段：{title}（{a} 至 {b}）"),
                    Lang::En => format!("Stage open now: {title} ({a} to {b})"),
                }
            }
            None => lang.pick("现在没有进行中的阶段", "No stage is open now").to_string(),
        };
        let next = self.next_stage(now).map(|i| {
            let (title, at) = (self.rules.stages[i].title(lang), format_shanghai(self.stage_windows[i].0));
            match lang {
                Lang::Zh => format!("下一阶段：{title}，{at} 开始"),
                Lang::En => format!("Next stage: {title}, opens {at}"),
            }
        });
        Some((open, next))
    }

    /// Every mix item the bank cannot fill. Items are filled in order, so a typed item
    /// without category competes with category items of the same type for questions.
    /// Each stage's own mix is checked too, its problems naming the stage.
    pub fn shortfalls(&self, bank: &Bank) -> Vec<RuleProblem> {
        let mut out = mix_shortfalls(&self.rules.round.mix, bank);
        for s in &self.rules.stages {
            if let Some(mix) = &s.mix {
                let named = |p| RuleProblem::InStage(s.id.clone(), Box::new(p));
                out.extend(mix_shortfalls(mix, bank).into_iter().map(named));
            }
        }
        out
    }

    /// What an attempt records of the rules and bank in force (see [`Attempt`](crate::core::play::ledger::Attempt)):
    /// the first 12 hex digits of the SHA-256 of the rules as JSON, a newline, and the bank's
    /// `id@revision`. Any change of a rule or of the bank on a device changes it, while the
    /// rules' `revision` may stay. `J` writes the same text on every page (serde_json and the
    /// browser's `JSON.stringify` agree on these types: no maps, no `null`s, no floats).
    pub fn fingerprint<J: Json>(&self, bank: &Bank) -> String {
        use sha2::{Digest, Sha256};
        let digest = Sha256::new()
            .chain_update(J::encode(&self.rules).as_bytes())
            .chain_update(b"\n")
            .chain_update(bank.reference().as_bytes())
            .finalize();
        hex::encode(&digest[..6])
    }

    /// When what the home page shows next changes with time alone: the start, the end, and,
    /// with a daily limit, each Asia/Shanghai midnight while the contest is open (the
    /// attempts left start again). `None` once the contest has ended.
    /// Stages add their starts and ends (and midnights, when one has a daily limit).
    pub fn next_change(&self, now_ms: i64) -> Option<i64> {
        let daily = self.rules.attempts_per_day > 0 || self.rules.stages.iter().any(|s| s.attempts_per_day > Some(0));
        let contest = if now_ms < self.starts_ms {
            Some(self.starts_ms)
        } else if now_ms < self.ends_ms {
            let midnight = shanghai_midnight_after(now_ms);
            Some(if daily { midnight.min(self.ends_ms) } else { self.ends_ms })
        } else {
            None
        };
        let stage = self.stage_windows.iter().flat_map(|&(a, b)| [a, b]).filter(|&t| t > now_ms).min();
        match (contest, stage) {
            (Some(c), Some(s)) => Some(c.min(s)),
            (c, s) => c.or(s),
        }
    }

    /// The last moment of the contest, as written in the rules (`ends` to the minute).
    pub fn last_moment(&self) -> i64 {
        self.ends_ms - 1
    }

    pub fn window(&self, now_ms: i64) -> Window {
        if now_ms < self.starts_ms {
            Window::NotYet
        } else if now_ms >= self.ends_ms {
            Window::Closed
        } else {
            Window::Open
        }
    }

    pub fn max_score(&self, bank: &Bank, qids: &[String]) -> u32 {
        qids.iter()
            .filter_map(|id| bank.get(id))
            .map(|q| q.points.unwrap_or(self.rules.scoring.points_for(q.qtype)))
            .sum()
    }

    /// The rules in plain words, one line each, for the home screen.
    pub fn describe(&self, lang: Lang) -> Vec<String> {
        let r = &self.rules;
        let mut lines = Vec::new();
        let stage = self.stage.map(|i| self.rules.stages[i].title(lang));
        lines.push(match (lang, stage) {
            (Lang::Zh, Some(title)) => format!(
                "本阶段（{title}）：{} 至 {}（北京时间）",
                format_shanghai(self.starts_ms),
                format_shanghai(self.last_moment())
            ),
            (Lang::En, Some(title)) => format!(
                "This stage ({title}): {} to {} (Beijing time)",
                format_shanghai(self.starts_ms),
                format_shanghai(self.last_moment())
            ),
            (Lang::Zh, None) => format!(
                "比赛时间：{} 至 {}（北京时间）",
                format_shanghai(self.starts_ms),
                format_shanghai(self.last_moment())
            ),
            (Lang::En, None) => format!(
                "Open from {} to {} (Beijing time)",
                format_shanghai(self.starts_ms),
                format_shanghai(self.last_moment())
            ),
        });
        let parts: Vec<String> = r
            .round
            .mix
            .iter()
            .map(|m| match lang {
                Lang::Zh => format!(
                    "{}{} {} 道",
                    m.category.as_deref().map(|c| format!("{c}·")).unwrap_or_default(),
                    m.qtype.label(lang),
                    m.count
                ),
                Lang::En => format!(
                    "{} {}{}",
                    m.count,
                    m.qtype.label(lang),
                    m.category.as_deref().map(|c| format!(" ({c})")).unwrap_or_default()
                ),
            })
            .collect();
        lines.push(match lang {
            Lang::Zh => format!("每轮 {} 题：{}", r.round.question_count(), parts.join("，")),
            Lang::En => format!("{} questions a round: {}", r.round.question_count(), parts.join(", ")),
        });
        if let Some(c) = r.round.crowd_first.filter(|c| c.percent > 0 && r.registration.crowd) {
            lines.push(match lang {
                Lang::Zh => format!("每类题目中约 {}% 选自适合您所在人群的题目", c.percent),
                Lang::En => format!("About {}% of each kind of question is chosen for your group", c.percent),
            });
        }
        let mut time = Vec::new();
        if let Some(s) = r.round.seconds_per_question {
            time.push(match lang {
                Lang::Zh => format!("每题限时 {s} 秒，时间到自动进入下一题"),
                Lang::En => format!("{s} seconds per question; when time is up the next question comes"),
            });
        }
        if let Some(s) = r.round.seconds_per_round {
            time.push(match lang {
                Lang::Zh => format!("整轮限时 {} 分 {} 秒", s / 60, s % 60),
                Lang::En => format!("{} min {} s for the whole round", s / 60, s % 60),
            });
        }
        lines.extend(time);
        let s = &r.scoring;
        lines.push(match lang {
            Lang::Zh => format!(
                "计分：判断题每题 {} 分，单选题每题 {} 分，多选题每题 {} 分{}",
                s.true_false,
                s.single,
                s.multiple,
                if s.multiple_mode == MultipleScoring::Partial {
                    format!("（少选且无错选得 {}%）", s.partial_percent)
                } else {
                    "（须全部选对）".to_string()
                }
            ),
            Lang::En => format!(
                "Scoring: true/false {}, single {}, multiple {} points{}",
                s.true_false,
                s.single,
                s.multiple,
                if s.multiple_mode == MultipleScoring::Partial {
                    format!(" ({}% for a correct subset with no wrong pick)", s.partial_percent)
                } else {
                    " (all correct choices needed)".to_string()
                }
            ),
        });
        if r.attempts_per_day > 0 {
            lines.push(match lang {
                Lang::Zh => format!("每人每天可答 {} 次", r.attempts_per_day),
                Lang::En => format!("{} attempt(s) per person per day", r.attempts_per_day),
            });
        }
        lines.push(match (r.score_policy, lang) {
            (ScorePolicy::Best, Lang::Zh) => "成绩取最高一次".to_string(),
            (ScorePolicy::Best, Lang::En) => "Your best attempt counts".to_string(),
            (ScorePolicy::Cumulative, Lang::Zh) => "成绩按每次得分累计".to_string(),
            (ScorePolicy::Cumulative, Lang::En) => "Scores of all attempts add up".to_string(),
            (ScorePolicy::Latest, Lang::Zh) => "成绩取最近一次".to_string(),
            (ScorePolicy::Latest, Lang::En) => "Your latest attempt counts".to_string(),
        });
        if r.pass_mark > 0 {
            lines.push(match lang {
                Lang::Zh => format!("{} 分及格", r.pass_mark),
                Lang::En => format!("Pass mark: {} points", r.pass_mark),
            });
        }
        lines
    }
}

/// Every item of `mix` the bank cannot fill. Items are filled in order, so a typed item
/// without category competes with category items of the same type for questions.
fn mix_shortfalls(mix: &[MixItem], bank: &Bank) -> Vec<RuleProblem> {
    let mut out = Vec::new();
    for qtype in QuestionType::ALL {
        let items: Vec<&MixItem> = mix.iter().filter(|m| m.qtype == qtype).collect();
        let mut used_in_categories = 0;
        for m in items.iter().filter(|m| m.category.is_some()) {
            let available = bank.count(qtype, m.category.as_deref());
            if available < m.count {
                out.push(RuleProblem::Shortfall { qtype, category: m.category.clone(), wanted: m.count, available });
            }
            used_in_categories += m.count.min(available);
        }
        let open: usize = items.iter().filter(|m| m.category.is_none()).map(|m| m.count).sum();
        if open > 0 {
            let available = bank.count(qtype, None).saturating_sub(used_in_categories);
            if available < open {
                out.push(RuleProblem::Shortfall { qtype, category: None, wanted: open, available });
            }
        }
    }
    out
}

/// Checks the stages (ids, titles, windows inside the contest's `window` and apart, mixes)
/// into `problems`, and gives each stage's window (`(0, 0)` where it cannot be read).
fn stage_problems(
    rules: &ContestRules,
    window: Option<(i64, i64)>,
    problems: &mut Vec<RuleProblem>,
) -> Vec<(i64, i64)> {
    use RuleProblem::*;
    let mut windows = Vec::new();
    let mut seen: Vec<(&str, i64, i64)> = Vec::new();
    for (i, s) in rules.stages.iter().enumerate() {
        let name = if s.id.trim().is_empty() { format!("#{}", i + 1) } else { s.id.clone() };
        let mut own = Vec::new();
        if s.id.trim().is_empty() {
            own.push(MissingField("id"));
        }
        if s.title.trim().is_empty() {
            own.push(MissingField("title"));
        }
        let (starts, ends) = (parse_shanghai(&s.starts), parse_shanghai_end(&s.ends));
        if starts.is_none() {
            own.push(BadTime("starts", s.starts.clone()));
        }
        if ends.is_none() {
            own.push(BadTime("ends", s.ends.clone()));
        }
        match s.mix.as_deref() {
            Some([]) => own.push(EmptyMix),
            Some(mix) => own.extend(mix.iter().enumerate().filter(|(_, m)| m.count == 0).map(|(i, _)| ZeroCount(i))),
            None => {}
        }
        match starts.zip(ends) {
            Some((a, b)) if b <= a => own.push(EndsBeforeStart),
            Some((a, b)) => {
                if window.is_some_and(|(cs, ce)| a < cs || b > ce) {
                    problems.push(StageOutside(name.clone()));
                }
                for &(other, oa, ob) in &seen {
                    if a < ob && oa < b {
                        problems.push(StagesOverlap(other.to_string(), name.clone()));
                    }
                }
                seen.push((&s.id, a, b));
            }
            None => {}
        }
        if rules.stages[..i].iter().any(|o| o.id == s.id) && !s.id.trim().is_empty() {
            problems.push(DuplicateStage(name.clone()));
        }
        problems.extend(own.into_iter().map(|p| InStage(name.clone(), Box::new(p))));
        windows.push(starts.zip(ends).unwrap_or_default());
    }
    windows
}

/// Who of those who finish a round earns a certificate. Read through a `String` (whose reading
/// the phone's wasm has anyway) rather than a derived enum visitor: smaller.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", try_from = "String")]
pub enum Award {
    /// Nobody (contests written before certificates).
    #[default]
    None,
    /// Everyone who finishes a scored round.
    Finished,
    /// A finished round with at least `min_score` points (or the contest's `pass_mark`).
    Passed,
}

impl TryFrom<String> for Award {
    type Error = String;

    fn try_from(text: String) -> Result<Award, String> {
        match text.as_str() {
            "none" => Ok(Award::None),
            "finished" => Ok(Award::Finished),
            "passed" => Ok(Award::Passed),
            other => Err(format!("unknown award \"{other}\" (none, finished or passed)")),
        }
    }
}

/// The contest's certificate rule (`rules.certificate`), e.g. `{ "award": "passed" }` or
/// `{ "award": "passed", "min_score": 80 }`. Absent: no certificate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateRule {
    #[serde(default)]
    pub award: Award,
    /// For `passed`: the points needed; none = the contest's `pass_mark`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_score: Option<u32>,
}

impl CertificateRule {
    /// Whether the rule is absent (so the rules' JSON, and their fingerprint, stay as before).
    pub fn is_none(&self) -> bool {
        *self == CertificateRule::default()
    }

    /// Whether a finished round of `score` points earns a certificate.
    pub fn earned(&self, score: u32, pass_mark: u32) -> bool {
        match self.award {
            Award::None => false,
            Award::Finished => true,
            Award::Passed => score >= self.min_score.unwrap_or(pass_mark),
        }
    }

    /// The rule in plain words, for the organizer.
    pub fn describe(&self, pass_mark: u32, lang: Lang) -> String {
        match (self.award, lang) {
            (Award::None, _) => lang.pick("不发证书", "no certificate").into(),
            (Award::Finished, _) => lang.pick("完成一轮即发证书", "a certificate for every finished round").into(),
            (Award::Passed, Lang::Zh) => format!("得分不低于 {} 分发证书", self.min_score.unwrap_or(pass_mark)),
            (Award::Passed, Lang::En) => {
                format!("a certificate for {} points or more", self.min_score.unwrap_or(pass_mark))
            }
        }
    }
}

crate::core::english_display!(ContestError);

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn rules() -> ContestRules {
        ContestRules {
            id: "c1".into(),
            title: "测试竞赛".into(),
            organizer: "科协".into(),
            revision: 1,
            starts: "2026-11-01 00:00".into(),
            ends: "2026-12-01 00:00".into(),
            round: RoundRules {
                mix: vec![
                    MixItem { qtype: QuestionType::TrueFalse, category: None, count: 2 },
                    MixItem { qtype: QuestionType::Single, category: Some("甲".into()), count: 1 },
                    MixItem { qtype: QuestionType::Single, category: None, count: 1 },
                    MixItem { qtype: QuestionType::Multiple, category: None, count: 1 },
                ],
                seconds_per_question: Some(20),
                seconds_per_round: None,
                allow_back: false,
                crowd_first: None,
                pause_timer_while_reading: ReadingPause::Older,
                reading_pause_seconds: 60,
            },
            attempts_per_day: 2,
            scoring: Scoring {
                single: 5,
                multiple: 10,
                true_false: 2,
                multiple_mode: MultipleScoring::Partial,
                partial_percent: 50,
            },
            score_policy: ScorePolicy::Best,
            registration: Registration {
                phone: PhoneField::Optional,
                region_depth: 3,
                region_scope: None,
                crowd: true,
            },
            pass_mark: 10,
            certificate: Default::default(),
            collector: None,
            stages: Vec::new(),
        }
    }

    pub fn bank() -> Bank {
        Bank::from_json(
            r#"{"format":"kepu-bank","version":1,"id":"b","title":"t","questions":[
            {"id":"t1","type":"true_false","stem":"t1","answer":"对","category":"甲"},
            {"id":"t2","type":"true_false","stem":"t2","answer":"错","category":"乙"},
            {"id":"t3","type":"true_false","stem":"t3","answer":"错","category":"乙"},
            {"id":"s1","type":"single","stem":"s1","options":["a","b","c","d"],"answer":"B","category":"甲"},
            {"id":"s2","type":"single","stem":"s2","options":["a","b","c","d"],"answer":"D","category":"乙"},
            {"id":"s3","type":"single","stem":"s3","options":["a","b","c"],"answer":"A","category":"乙","points":7},
            {"id":"m1","type":"multiple","stem":"m1","options":["a","b","c","d"],"answer":"AC","category":"甲"},
            {"id":"m2","type":"multiple","stem":"m2","options":["a","b","c","d","e"],"answer":"BDE","category":"乙"}]}"#,
        )
        .unwrap()
    }

    #[test]
    fn a_collector_address_is_optional_and_an_http_url_or_a_path_of_the_site() {
        assert!(
            !SerdeJson::encode(&rules()).contains("collector"),
            "no collector: the rules (and fingerprints) as before"
        );
        for ok in ["https://collect.example.org/", "http://127.0.0.1:8090", "/"] {
            assert!(Contest::new(ContestRules { collector: Some(ok.into()), ..rules() }).is_ok(), "{ok}");
        }
        let bad = Contest::new(ContestRules { collector: Some("collect.example.org".into()), ..rules() });
        assert_eq!(bad, Err(ContestError::Rules(vec![RuleProblem::BadCollector("collect.example.org".into())])));
    }

    #[test]
    fn package_with_path_or_inline_bank() {
        let rules_json = SerdeJson::encode(&rules());
        let text = format!(r#"{{"format":"kepu-contest","version":1,"rules":{rules_json},"bank":"bank.json"}}"#);
        let (c, src) = Contest::from_json(&text).unwrap();
        assert_eq!(src, BankSource::Path("bank.json".into()));
        assert_eq!(c.rules, rules());
        assert_eq!(c.starts_ms, parse_shanghai("2026-11-01 00:00").unwrap());
        let inline =
            format!(r#"{{"format":"kepu-contest","version":1,"rules":{rules_json},"bank":{}}}"#, bank().to_json());
        let (_, src) = Contest::from_json(&inline).unwrap();
        assert!(matches!(src, BankSource::Inline(b) if b.questions.len() == 8));
    }

    #[test]
    fn bad_packages_say_why() {
        assert_eq!(Contest::from_json("[]"), Err(ContestError::WrongFormat));
        assert!(matches!(Contest::from_json("nope"), Err(ContestError::Json(_))));
        assert_eq!(Contest::from_json(r#"{"format":"kepu-contest","version":2}"#), Err(ContestError::NewerVersion(2)));
        let mut r = rules();
        r.ends = "2026-10-01".into();
        r.starts = "2026-11-01 25:00".into();
        r.round.mix[0].count = 0;
        r.registration.region_scope = Some("4401".into());
        let err = Contest::new(r).unwrap_err();
        let ContestError::Rules(ps) = &err else { panic!() };
        assert_eq!(ps.len(), 3, "{ps:?}"); // bad start time, zero count, bad scope (end vs start needs both times)
        let msg = err.message(Lang::Zh);
        assert!(msg.contains("starts 的时间“2026-11-01 25:00”无法识别"), "{msg}");
        assert!(msg.contains("组卷规则第 1 项的题数为 0"), "{msg}");
        assert!(msg.contains("地区范围“4401”"), "{msg}");
    }

    #[test]
    fn shortfall_names_type_and_category() {
        let c = Contest::new(rules()).unwrap();
        assert!(c.shortfalls(&bank()).is_empty());
        let mut r = rules();
        r.round.mix.push(MixItem { qtype: QuestionType::Multiple, category: Some("丙".into()), count: 1 });
        r.round.mix[0].count = 4;
        let c = Contest::new(r).unwrap();
        let s = c.shortfalls(&bank());
        assert_eq!(
            s,
            vec![
                RuleProblem::Shortfall { qtype: QuestionType::TrueFalse, category: None, wanted: 4, available: 3 },
                RuleProblem::Shortfall {
                    qtype: QuestionType::Multiple,
                    category: Some("丙".into()),
                    wanted: 1,
                    available: 0
                },
            ]
        );
        assert_eq!(s[1].message(Lang::Zh), "题库不够组卷：“丙”类多选题 需要 1 道，只有 0 道");
    }

    #[test]
    fn crowd_first_reads_writes_and_is_checked() {
        let mut r = rules();
        let plain = SerdeJson::encode(&r);
        assert!(!plain.contains("crowd_first"), "left out when not set: {plain}");
        r.round.crowd_first = Some(CrowdFirst { percent: 50 });
        let text = SerdeJson::encode(&r);
        assert!(text.contains(r#""crowd_first":{"percent":50}"#), "{text}");
        let package = format!(r#"{{"format":"kepu-contest","version":1,"rules":{text},"bank":"b.json"}}"#);
        assert_eq!(Contest::from_json(&package).unwrap().0.rules, r);
        assert!(c_lines(&r).iter().any(|l| l.contains("约 50% 选自适合您所在人群的题目")));
        r.registration.crowd = false;
        assert!(!c_lines(&r).iter().any(|l| l.contains("人群")), "no crowd asked, nothing to say");
        r.round.crowd_first = Some(CrowdFirst { percent: 120 });
        let err = Contest::new(r).unwrap_err();
        assert_eq!(err, ContestError::Rules(vec![RuleProblem::CrowdPercent(120)]));
        assert_eq!(err.message(Lang::Zh), "按人群抽题比例 120% 无效（应为 0–100）");
        // round(count × percent / 100), a half rounded up.
        let half = CrowdFirst { percent: 50 };
        assert_eq!([1, 2, 3, 7].map(|n| half.share(n)), [1, 1, 2, 4]);
        assert_eq!(CrowdFirst { percent: 0 }.share(20), 0);
        assert_eq!(CrowdFirst { percent: 100 }.share(7), 7);
    }

    fn c_lines(r: &ContestRules) -> Vec<String> {
        Contest::new(r.clone()).unwrap().describe(Lang::Zh)
    }

    #[test]
    fn crowd_shortfalls_name_crowd_type_and_category() {
        // t1 and s1 for 农民 (s1 in 甲), m1 for 老年人; 判断 2 + 单选 甲 1 + 单选 1 + 多选 1.
        let tagged = bank()
            .to_json()
            .replace(r#""id":"t1","#, r#""id":"t1","crowds":["农民"],"#)
            .replace(r#""id":"s1","#, r#""id":"s1","crowds":["农民"],"#)
            .replace(r#""id":"m1","#, r#""id":"m1","crowds":["老年人"],"#);
        let b = Bank::from_json(&tagged).unwrap();
        assert_eq!(b.get("s1").unwrap().crowds, vec!["农民"]);
        let mut r = rules();
        assert!(r.round.crowd_shortfalls(&b).is_empty(), "no rule, no warning");
        r.round.crowd_first = Some(CrowdFirst { percent: 0 });
        assert!(r.round.crowd_shortfalls(&b).is_empty(), "0% is off");
        r.round.crowd_first = Some(CrowdFirst { percent: 100 });
        let warnings = r.round.crowd_shortfalls(&b);
        let for_crowd = |crowd: &str| {
            warnings
                .iter()
                .filter(|w| matches!(w, RuleProblem::CrowdShortfall { crowd: c, .. } if c == crowd))
                .cloned()
                .collect::<Vec<_>>()
        };
        use QuestionType::*;
        let short = |crowd: &str, qtype, category: Option<&str>, wanted, available| RuleProblem::CrowdShortfall {
            crowd: crowd.into(),
            qtype,
            category: category.map(Into::into),
            wanted,
            available,
        };
        // 农民: 判断 wants 2 and has 1; 单选 of 甲 is filled by s1, which leaves none for the open 单选.
        assert_eq!(
            for_crowd("农民"),
            vec![
                short("农民", TrueFalse, None, 2, 1),
                short("农民", Single, None, 1, 0),
                short("农民", Multiple, None, 1, 0)
            ]
        );
        assert_eq!(
            for_crowd("老年人"),
            vec![
                short("老年人", TrueFalse, None, 2, 0),
                short("老年人", Single, Some("甲"), 1, 0),
                short("老年人", Single, None, 1, 0)
            ]
        );
        // The three other crowds have no tagged questions: every item falls short.
        assert_eq!(warnings.len(), 3 + 3 + 3 * 4);
        assert_eq!(
            warnings[0].message(Lang::Zh),
            "适合“青少年”的判断题每轮应有 2 道，题库只有 0 道，其余从全部题目中补足"
        );
        assert_eq!(
            short("老年人", Single, Some("甲"), 1, 0).message(Lang::En),
            "老年人: 1 single choice question(s) in \"甲\" tagged for this group wanted a round, 0 in the bank; the rest come from the whole bank"
        );
        // A lower share asks less: at 50% the 判断 item wants 1, which 农民 has.
        r.round.crowd_first = Some(CrowdFirst { percent: 50 });
        assert!(!r
            .round
            .crowd_shortfalls(&b)
            .iter()
            .any(|w| matches!(w, RuleProblem::CrowdShortfall { crowd, qtype: TrueFalse, .. } if crowd == "农民")));
    }

    #[test]
    fn window_follows_shanghai_time() {
        let c = Contest::new(rules()).unwrap();
        let start = parse_shanghai("2026-11-01 00:00").unwrap();
        assert_eq!(c.window(start - 1), Window::NotYet);
        assert_eq!(c.window(start), Window::Open);
        // "ends": "2026-12-01 00:00" includes that minute.
        let end = parse_shanghai("2026-12-01 00:00").unwrap();
        assert_eq!(c.window(end + 59_999), Window::Open);
        assert_eq!(c.window(end + 60_000), Window::Closed);
        assert!(c.describe(Lang::Zh).iter().any(|l| l.contains("至 2026-12-01 00:00")));
        assert!(c.describe(Lang::Zh).iter().any(|l| l.contains("每人每天可答 2 次")));
    }

    #[test]
    fn an_end_given_to_the_minute_includes_that_minute() {
        let mut r = rules();
        r.ends = "2026-11-30 23:59".into();
        let c = Contest::new(r.clone()).unwrap();
        let last_minute = parse_shanghai("2026-11-30 23:59").unwrap();
        assert_eq!(c.window(last_minute), Window::Open);
        assert_eq!(c.window(last_minute + 30_000), Window::Open, "23:59:30 is inside 23:59");
        assert_eq!(c.window(last_minute + 60_000), Window::Closed);
        r.ends = "2026-11-30 23:59:30".into();
        let c = Contest::new(r).unwrap();
        assert_eq!(c.window(last_minute + 30_999), Window::Open);
        assert_eq!(c.window(last_minute + 31_000), Window::Closed);
    }

    #[test]
    fn the_home_page_changes_at_the_start_the_end_and_each_midnight_of_a_daily_limit() {
        let c = Contest::new(rules()).unwrap();
        assert_eq!(c.rules.attempts_per_day, 2);
        let start = parse_shanghai("2026-11-01 00:00").unwrap();
        let end = parse_shanghai("2026-12-01 00:01").unwrap();
        assert_eq!(c.next_change(start - 5_000), Some(start));
        assert_eq!(c.next_change(start + 3_600_000), Some(parse_shanghai("2026-11-02 00:00").unwrap()));
        assert_eq!(
            c.next_change(parse_shanghai("2026-11-30 23:00").unwrap()),
            Some(parse_shanghai("2026-12-01 00:00").unwrap())
        );
        assert_eq!(c.next_change(parse_shanghai("2026-12-01 00:00").unwrap()), Some(end));
        assert_eq!(c.next_change(end), None);
        let mut unlimited = rules();
        unlimited.attempts_per_day = 0;
        assert_eq!(Contest::new(unlimited).unwrap().next_change(start + 3_600_000), Some(end));
    }
}
