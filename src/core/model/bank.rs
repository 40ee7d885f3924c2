//! Question banks: the model, our versioned JSON format, answer notations and validation.

use crate::core::Message;
use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::core::formats::codec::{self, DecodeError, Json, SerdeJson};
use crate::core::model::rng::{fnv1a64, FastMap};
use crate::core::Lang;

pub const BANK_FORMAT: &str = "kepu-bank";
pub const BANK_VERSION: u32 = 1;
pub const MAX_OPTIONS: usize = 8;
/// The crowd groups of the 全民科学素质 action plan a question or a person can belong to.
pub const CROWDS: [&str; 5] = ["青少年", "农民", "产业工人", "老年人", "领导干部和公务员"];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionType {
    Single,
    Multiple,
    TrueFalse,
}

impl QuestionType {
    pub const ALL: [QuestionType; 3] = [QuestionType::TrueFalse, QuestionType::Single, QuestionType::Multiple];

    pub fn code(self) -> &'static str {
        match self {
            QuestionType::Single => "single",
            QuestionType::Multiple => "multiple",
            QuestionType::TrueFalse => "true_false",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            QuestionType::Single => lang.pick("单选题", "single choice"),
            QuestionType::Multiple => lang.pick("多选题", "multiple choice"),
            QuestionType::TrueFalse => lang.pick("判断题", "true/false"),
        }
    }

    /// Whether the bank writes the choices out (`options`); true/false shows 正确 / 错误.
    pub fn has_written_options(self) -> bool {
        match self {
            QuestionType::Single | QuestionType::Multiple => true,
            QuestionType::TrueFalse => false,
        }
    }

    /// The fewest written options a question of this type needs.
    pub fn min_options(self) -> usize {
        match self {
            QuestionType::Single => 2,
            QuestionType::Multiple => 3,
            QuestionType::TrueFalse => 0,
        }
    }

    /// What is wrong with a right answer of `count` choices, if anything.
    pub fn answer_count_problem(self, count: usize) -> Option<Problem> {
        match self {
            QuestionType::Single if count != 1 => Some(Problem::SingleNeedsOneAnswer(count)),
            QuestionType::Multiple if count < 2 => Some(Problem::MultipleNeedsTwoAnswers),
            QuestionType::Single | QuestionType::Multiple | QuestionType::TrueFalse => None,
        }
    }

    /// The answer after tapping choice `index` (in the bank's order) on `current`: a multiple
    /// choice toggles it, the others replace the answer with it.
    pub fn tap(self, current: AnswerSet, index: usize) -> AnswerSet {
        match self {
            QuestionType::Multiple => AnswerSet(current.0 ^ AnswerSet::single(index).0),
            QuestionType::Single | QuestionType::TrueFalse => AnswerSet::single(index),
        }
    }

    /// What the round screen says above a question of this type.
    pub fn hint(self, lang: Lang) -> &'static str {
        match self {
            QuestionType::Multiple => lang.pick("多选题：可以选多个答案", "Multiple choice: pick all that apply"),
            QuestionType::Single => lang.pick("单选题：选一个答案", "Single choice: pick one"),
            QuestionType::TrueFalse => lang.pick("判断题：这句话对吗？", "True or false?"),
        }
    }

    /// Reads the type notations of the spreadsheet template and of our JSON.
    pub fn parse(text: &str) -> Option<QuestionType> {
        match text.trim().to_ascii_lowercase().as_str() {
            "single" | "单选" | "单选题" | "单项选择" | "单项选择题" => Some(QuestionType::Single),
            "multiple" | "多选" | "多选题" | "多项选择" | "多项选择题" => Some(QuestionType::Multiple),
            "true_false" | "判断" | "判断题" | "是非" | "是非题" | "tf" | "judge" | "truefalse" | "true/false" => {
                Some(QuestionType::TrueFalse)
            }
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Difficulty {
    Easy,
    #[default]
    Medium,
    Hard,
}

impl Difficulty {
    pub fn parse(text: &str) -> Option<Difficulty> {
        match text.trim().to_ascii_lowercase().as_str() {
            "easy" | "易" | "简单" | "1" => Some(Difficulty::Easy),
            "medium" | "中" | "一般" | "中等" | "2" => Some(Difficulty::Medium),
            "hard" | "难" | "困难" | "3" => Some(Difficulty::Hard),
            _ => None,
        }
    }
}

/// A set of option indices (bit i = option i), in the bank's own option order.
/// For true/false, bit 0 is 正确 and bit 1 is 错误.
/// Written as its bitmask.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AnswerSet(pub u8);

impl AnswerSet {
    pub const TRUE: AnswerSet = AnswerSet(1);
    pub const FALSE: AnswerSet = AnswerSet(2);

    pub fn single(index: usize) -> AnswerSet {
        AnswerSet(1 << index)
    }
    pub fn contains(self, index: usize) -> bool {
        index < 8 && self.0 & (1 << index) != 0
    }
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    pub fn is_strict_subset_of(self, other: AnswerSet) -> bool {
        self.0 & !other.0 == 0 && self != other
    }
    pub fn indices(self) -> impl Iterator<Item = usize> {
        (0..8).filter(move |i| self.contains(*i))
    }
    /// Letters of the indices, e.g. `ACD`.
    pub fn letters(self) -> String {
        self.indices().map(letter).collect()
    }
}

pub fn letter(index: usize) -> char {
    (b'A' + index as u8) as char
}

/// Reads an answer as organizers write it: letters in many notations for choice questions
/// (`ABD`, `A,B,D`, `A、B、D`, full-width `Ａ`), and 对/错, √/×, T/F, A/B … for true/false.
pub fn parse_answer(qtype: QuestionType, text: &str) -> Result<AnswerSet, Problem> {
    let t = text.trim();
    if t.is_empty() {
        return Err(Problem::AnswerMissing);
    }
    if !qtype.has_written_options() {
        return match t.to_ascii_lowercase().as_str() {
            "对" | "正确" | "是" | "√" | "✓" | "✔" | "t" | "true" | "a" | "ａ" | "y" | "yes" | "1" | "１" => {
                Ok(AnswerSet::TRUE)
            }
            "错" | "错误" | "否" | "×" | "✗" | "✘" | "x" | "f" | "false" | "b" | "ｂ" | "n" | "no" | "0" | "０" => {
                Ok(AnswerSet::FALSE)
            }
            _ => Err(Problem::AnswerUnreadable(t.to_string())),
        };
    }
    let mut set = 0u8;
    for c in t.chars() {
        let c = match c {
            'Ａ'..='Ｚ' => char::from_u32(c as u32 - 'Ａ' as u32 + 'A' as u32).unwrap_or(c),
            'ａ'..='ｚ' => char::from_u32(c as u32 - 'ａ' as u32 + 'A' as u32).unwrap_or(c),
            _ => c.to_ascii_uppercase(),
        };
        match c {
            'A'..='Z' => {
                let i = c as usize - 'A' as usize;
                if i >= MAX_OPTIONS {
                    return Err(Problem::AnswerOutOfRange(c.to_string()));
                }
                set |= 1 << i;
            }
            ',' | '，' | '、' | ';' | '；' | ' ' | '\u{3000}' | '/' => {}
            _ => return Err(Problem::AnswerUnreadable(t.to_string())),
        }
    }
    if set == 0 {
        return Err(Problem::AnswerUnreadable(t.to_string()));
    }
    Ok(AnswerSet(set))
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Question {
    pub id: String,
    pub qtype: QuestionType,
    pub stem: String,
    /// Empty for true/false.
    pub options: Vec<String>,
    pub answer: AnswerSet,
    pub explanation: String,
    pub category: String,
    pub difficulty: Difficulty,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<u32>,
    pub crowds: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Whether the options may be shown in a random order. False when an option refers to
    /// the others (以上都对, A和B): the draw keeps the bank's order.
    #[serde(default = "shuffled_by_default", skip_serializing_if = "is_true")]
    pub shuffle: bool,
}

fn shuffled_by_default() -> bool {
    true
}

fn is_true(value: &bool) -> bool {
    *value
}

impl Question {
    /// How many answer choices a person sees (2 for true/false).
    pub fn choice_count(&self) -> usize {
        match self.qtype.has_written_options() {
            true => self.options.len(),
            false => 2,
        }
    }

    /// The text of choice `index` in the bank's order.
    pub fn choice_text(&self, index: usize, lang: Lang) -> String {
        match self.qtype.has_written_options() {
            true => self.options.get(index).cloned().unwrap_or_default(),
            false => if index == 0 { lang.pick("正确", "True") } else { lang.pick("错误", "False") }.to_string(),
        }
    }

    /// What 朗读 (read aloud, always in Chinese) says for this question with its choices in
    /// the order shown (`shown` yields bank indices): the stem, then each choice with the
    /// letter on its button (`A、…`), or 正确 and 错误 for true/false (whose buttons show ✓ ✗).
    pub fn spoken(&self, shown: impl Iterator<Item = usize>) -> Vec<String> {
        let choices = shown.enumerate().map(|(at, index)| {
            let text = self.choice_text(index, Lang::Zh);
            if self.qtype.has_written_options() {
                format!("{}、{text}", letter(at))
            } else {
                text
            }
        });
        std::iter::once(self.stem.clone()).chain(choices).collect()
    }
}

/// A question as it stands in our JSON format. Empty lists and an empty category are left out.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct RawQuestion {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(rename = "type")]
    pub qtype: String,
    pub stem: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    pub answer: String,
    #[serde(default)]
    pub explanation: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub category: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub difficulty: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub crowds: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// `false`: show the options in the bank's order (`"shuffle": false`); absent = shuffled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shuffle: Option<bool>,
}

/// A bank file as it stands.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RawBank {
    format: String,
    version: Option<u64>,
    #[serde(default)]
    id: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    revision: u32,
    #[serde(default)]
    sources: Vec<String>,
    /// Absent reads as none (refused as [`BankError::Empty`]), so the web adapter can read a
    /// large bank's questions in slices.
    #[serde(default)]
    pub questions: Vec<RawQuestion>,
}

/// Why one question is not acceptable.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Problem {
    EmptyStem,
    UnknownType(String),
    TooFewOptions { min: usize, found: usize },
    TooManyOptions(usize),
    EmptyOption(char),
    DuplicateOption(char, char),
    OptionsOnTrueFalse,
    AnswerMissing,
    AnswerUnreadable(String),
    AnswerOutOfRange(String),
    SingleNeedsOneAnswer(usize),
    MultipleNeedsTwoAnswers,
    DuplicateId(String),
    UnknownDifficulty(String),
    UnknownCrowd(String),
    EmptyCategory,
}

impl Message for Problem {
    fn message(&self, lang: Lang) -> String {
        use Problem::*;
        match (self, lang) {
            (EmptyStem, Lang::Zh) => "题干为空".into(),
            (EmptyStem, Lang::En) => "the stem is empty".into(),
            (UnknownType(t), Lang::Zh) => format!("无法识别的题型“{t}”（应为单选、多选或判断）"),
            (UnknownType(t), Lang::En) => {
                format!("unknown question type \"{t}\" (expected single, multiple or true_false)")
            }
            (TooFewOptions { min, found }, Lang::Zh) => format!("选项太少：至少需要 {min} 个，只有 {found} 个"),
            (TooFewOptions { min, found }, Lang::En) => {
                format!("too few options: at least {min} needed, {found} given")
            }
            (TooManyOptions(n), Lang::Zh) => format!("选项太多：最多 {MAX_OPTIONS} 个，有 {n} 个"),
            (TooManyOptions(n), Lang::En) => format!("too many options: at most {MAX_OPTIONS}, {n} given"),
            (EmptyOption(c), Lang::Zh) => format!("选项 {c} 为空（选项必须从 A 起连续填写）"),
            (EmptyOption(c), Lang::En) => format!("option {c} is empty (options must run from A with no gap)"),
            (DuplicateOption(a, b), Lang::Zh) => format!("选项 {a} 与选项 {b} 内容相同"),
            (DuplicateOption(a, b), Lang::En) => format!("options {a} and {b} are the same"),
            (OptionsOnTrueFalse, Lang::Zh) => "判断题不应填写选项".into(),
            (OptionsOnTrueFalse, Lang::En) => "a true/false question takes no options".into(),
            (AnswerMissing, Lang::Zh) => "缺少答案".into(),
            (AnswerMissing, Lang::En) => "the answer is missing".into(),
            (AnswerUnreadable(a), Lang::Zh) => format!("无法识别的答案“{a}”"),
            (AnswerUnreadable(a), Lang::En) => format!("unreadable answer \"{a}\""),
            (AnswerOutOfRange(a), Lang::Zh) => format!("答案 {a} 指向不存在的选项"),
            (AnswerOutOfRange(a), Lang::En) => format!("answer {a} points at an option that does not exist"),
            (SingleNeedsOneAnswer(n), Lang::Zh) => format!("单选题只能有 1 个答案，这里有 {n} 个"),
            (SingleNeedsOneAnswer(n), Lang::En) => {
                format!("a single-choice question needs exactly 1 answer, found {n}")
            }
            (MultipleNeedsTwoAnswers, Lang::Zh) => "多选题至少需要 2 个正确答案".into(),
            (MultipleNeedsTwoAnswers, Lang::En) => "a multiple-choice question needs at least 2 correct answers".into(),
            (DuplicateId(id), Lang::Zh) => format!("题目编号 {id} 重复"),
            (DuplicateId(id), Lang::En) => format!("question id {id} is used twice"),
            (UnknownDifficulty(d), Lang::Zh) => format!("无法识别的难度“{d}”（应为易、中或难）"),
            (UnknownDifficulty(d), Lang::En) => format!("unknown difficulty \"{d}\" (expected easy, medium or hard)"),
            (UnknownCrowd(c), Lang::Zh) => format!("无法识别的适用人群“{c}”"),
            (UnknownCrowd(c), Lang::En) => format!("unknown crowd group \"{c}\""),
            (EmptyCategory, Lang::Zh) => "分类为空".into(),
            (EmptyCategory, Lang::En) => "the category is empty".into(),
        }
    }
}

/// One problem found in a bank: which question (0-based position, and id when known).
#[derive(Clone, Debug, PartialEq)]
pub struct BankIssue {
    pub index: usize,
    pub id: Option<String>,
    pub problem: Problem,
}

#[derive(Clone, Debug, PartialEq)]
pub enum BankError {
    Json(DecodeError),
    WrongFormat,
    NewerVersion(u32),
    Invalid(Vec<BankIssue>),
    Empty,
}

impl From<codec::HeaderError> for BankError {
    fn from(e: codec::HeaderError) -> BankError {
        match e {
            codec::HeaderError::Json(e) => BankError::Json(e),
            codec::HeaderError::WrongFormat => BankError::WrongFormat,
            codec::HeaderError::NewerVersion(v) => BankError::NewerVersion(v),
        }
    }
}

impl Message for BankError {
    /// Every problem, one line each, naming the question by number and id.
    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (BankError::Json(e), Lang::Zh) => format!("题库文件{}", e.message(lang)),
            (BankError::Json(e), Lang::En) => format!("the bank file: {}", e.message(lang)),
            (BankError::WrongFormat, Lang::Zh) => "这不是科普答题题库文件（format 应为 kepu-bank）".into(),
            (BankError::WrongFormat, Lang::En) => "not a kepu-quiz bank file (format must be kepu-bank)".into(),
            (BankError::NewerVersion(v), Lang::Zh) => format!("题库格式版本 {v} 比本程序新，请更新程序"),
            (BankError::NewerVersion(v), Lang::En) => {
                format!("bank format version {v} is newer than this app; please update")
            }
            (BankError::Empty, Lang::Zh) => "题库中没有题目".into(),
            (BankError::Empty, Lang::En) => "the bank has no questions".into(),
            (BankError::Invalid(issues), _) => issues
                .iter()
                .map(|i| {
                    let id = i.id.as_deref().map(|id| format!(" ({id})")).unwrap_or_default();
                    match lang {
                        Lang::Zh => format!("第 {} 题{id}：{}", i.index + 1, i.problem.message(lang)),
                        Lang::En => format!("question {}{id}: {}", i.index + 1, i.problem.message(lang)),
                    }
                })
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }
}

/// Turns one raw question into a checked one, or says everything wrong with it.
pub fn check_question(raw: &RawQuestion) -> Result<Question, Vec<Problem>> {
    let mut problems = Vec::new();
    let stem = raw.stem.trim().to_string();
    if stem.is_empty() {
        problems.push(Problem::EmptyStem);
    }
    let qtype = QuestionType::parse(&raw.qtype);
    if qtype.is_none() {
        problems.push(Problem::UnknownType(raw.qtype.clone()));
    }
    let options: Vec<String> = raw.options.iter().map(|o| o.trim().to_string()).collect();
    let mut answer = AnswerSet::default();
    if let Some(qtype) = qtype {
        if !qtype.has_written_options() {
            if options.iter().any(|o| !o.is_empty()) {
                problems.push(Problem::OptionsOnTrueFalse);
            }
        } else {
            let min = qtype.min_options();
            // Trailing empty options are tolerated (a spreadsheet with 选项A–H); a gap is not.
            let used = options.iter().rposition(|o| !o.is_empty()).map_or(0, |p| p + 1);
            if used < min {
                problems.push(Problem::TooFewOptions { min, found: used });
            }
            if used > MAX_OPTIONS {
                problems.push(Problem::TooManyOptions(used));
            }
            for (i, o) in options.iter().take(used).enumerate() {
                if o.is_empty() {
                    problems.push(Problem::EmptyOption(letter(i)));
                }
            }
            for i in 0..used.min(MAX_OPTIONS) {
                for j in 0..i {
                    if !options[i].is_empty() && options[i] == options[j] {
                        problems.push(Problem::DuplicateOption(letter(j), letter(i)));
                    }
                }
            }
        }
        match parse_answer(qtype, &raw.answer) {
            Ok(a) => {
                answer = a;
                let n = if !qtype.has_written_options() {
                    2
                } else {
                    options.iter().rposition(|o| !o.is_empty()).map_or(0, |p| p + 1)
                };
                let out: String = a
                    .indices()
                    .filter(|i| *i >= n || (qtype.has_written_options() && options[*i].is_empty()))
                    .map(letter)
                    .collect();
                if !out.is_empty() {
                    problems.push(Problem::AnswerOutOfRange(out));
                }
                problems.extend(qtype.answer_count_problem(a.len()));
            }
            Err(p) => problems.push(p),
        }
    }
    let difficulty = match raw.difficulty.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        None => Difficulty::default(),
        Some(d) => Difficulty::parse(d).unwrap_or_else(|| {
            problems.push(Problem::UnknownDifficulty(d.to_string()));
            Difficulty::default()
        }),
    };
    for c in &raw.crowds {
        if !CROWDS.contains(&c.trim()) {
            problems.push(Problem::UnknownCrowd(c.clone()));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let qtype = qtype.expect("checked above");
    let options = if !qtype.has_written_options() {
        Vec::new()
    } else {
        let used = options.iter().rposition(|o| !o.is_empty()).map_or(0, |p| p + 1);
        options[..used].to_vec()
    };
    let category = raw.category.trim();
    let id = match raw.id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(id) => id.to_string(),
        None => content_id(qtype, &stem, &options),
    };
    Ok(Question {
        id,
        qtype,
        stem,
        options,
        answer,
        explanation: raw.explanation.trim().to_string(),
        category: if category.is_empty() { "未分类".to_string() } else { category.to_string() },
        difficulty,
        points: raw.points,
        crowds: raw.crowds.iter().map(|c| c.trim().to_string()).collect(),
        source: raw.source.clone().filter(|s| !s.trim().is_empty()),
        shuffle: raw.shuffle.unwrap_or(true),
    })
}

/// A stable id for a question without one: the same content always gets the same id.
pub fn content_id(qtype: QuestionType, stem: &str, options: &[String]) -> String {
    let mut key = format!("{}\u{1f}{stem}", qtype.code());
    for o in options {
        key.push('\u{1f}');
        key.push_str(o);
    }
    format!("q{:012x}", fnv1a64(key.as_bytes()) >> 16)
}

impl Question {
    pub fn to_raw(&self) -> RawQuestion {
        RawQuestion {
            id: Some(self.id.clone()),
            qtype: self.qtype.code().to_string(),
            stem: self.stem.clone(),
            options: self.options.clone(),
            answer: match self.qtype.has_written_options() {
                true => self.answer.letters(),
                false if self.answer == AnswerSet::TRUE => "正确".into(),
                false => "错误".into(),
            },
            explanation: self.explanation.clone(),
            category: self.category.clone(),
            difficulty: Some(
                match self.difficulty {
                    Difficulty::Easy => "easy",
                    Difficulty::Medium => "medium",
                    Difficulty::Hard => "hard",
                }
                .to_string(),
            ),
            points: self.points,
            crowds: self.crowds.clone(),
            source: self.source.clone(),
            shuffle: (!self.shuffle).then_some(false),
        }
    }
}

/// A bank's explanations kept apart from it: `scripts/inline-contest.mjs` leaves them out of
/// the copy of the default bank inside the page (37 KB of the phone's first download) and
/// writes them to a file that the app reads once it is running (see README, "Measured").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Explanations {
    /// The bank's [`Bank::reference`], `id@revision`.
    pub bank: String,
    pub questions: Vec<Explained>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Explained {
    pub id: String,
    pub explanation: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Bank {
    pub id: String,
    pub title: String,
    pub revision: u32,
    pub sources: Vec<String>,
    pub questions: Vec<Question>,
    by_id: FastMap<String, usize>,
}

impl Bank {
    /// Builds a bank from checked questions; ids must be unique.
    pub fn new(
        id: String,
        title: String,
        revision: u32,
        sources: Vec<String>,
        questions: Vec<Question>,
    ) -> Result<Bank, BankError> {
        if questions.is_empty() {
            return Err(BankError::Empty);
        }
        let mut by_id = FastMap::with_capacity_and_hasher(questions.len(), Default::default());
        let mut issues = Vec::new();
        for (i, q) in questions.iter().enumerate() {
            if by_id.insert(q.id.clone(), i).is_some() {
                issues.push(BankIssue {
                    index: i,
                    id: Some(q.id.clone()),
                    problem: Problem::DuplicateId(q.id.clone()),
                });
            }
        }
        if !issues.is_empty() {
            return Err(BankError::Invalid(issues));
        }
        Ok(Bank { id, title, revision, sources, questions, by_id })
    }

    /// Parses and validates a bank in our JSON format, reporting every problem at once.
    pub fn from_json(text: &str) -> Result<Bank, BankError> {
        Bank::read::<SerdeJson>(text)
    }

    /// [`Bank::from_json`] with the given JSON codec.
    pub fn read<J: Json>(text: &str) -> Result<Bank, BankError> {
        Bank::from_raw(J::decode_headed::<RawBank>(text, BANK_FORMAT, BANK_VERSION)?)
    }

    /// Validates a bank as read (a file, or a bank inside a contest package).
    pub fn from_raw(raw: RawBank) -> Result<Bank, BankError> {
        codec::check_header(Some(&raw.format), raw.version, BANK_FORMAT, BANK_VERSION)?;
        let mut issues = Vec::new();
        let mut questions = Vec::with_capacity(raw.questions.len());
        let mut seen = HashSet::new();
        for (index, rq) in raw.questions.iter().enumerate() {
            match check_question(rq) {
                Ok(q) => {
                    if !seen.insert(q.id.clone()) {
                        issues.push(BankIssue {
                            index,
                            id: Some(q.id.clone()),
                            problem: Problem::DuplicateId(q.id.clone()),
                        });
                    }
                    questions.push(q);
                }
                Err(problems) => {
                    issues.extend(problems.into_iter().map(|problem| BankIssue { index, id: rq.id.clone(), problem }))
                }
            }
        }
        if !issues.is_empty() {
            return Err(BankError::Invalid(issues));
        }
        Bank::new(raw.id, raw.title, raw.revision, raw.sources, questions)
    }

    /// This bank with the explanations that `found` carries for it filled in where a question
    /// has none; `None` when `found` is for another bank or revision.
    pub fn with_explanations(&self, found: &Explanations) -> Option<Bank> {
        if found.bank != self.reference() {
            return None;
        }
        let mut bank = self.clone();
        for e in &found.questions {
            if let Some(q) = bank.index_of(&e.id).map(|i| &mut bank.questions[i]) {
                if q.explanation.is_empty() {
                    q.explanation = e.explanation.trim().to_string();
                }
            }
        }
        Some(bank)
    }

    pub fn to_json(&self) -> String {
        SerdeJson::encode(&self.to_raw())
    }

    /// The bank as it stands in our JSON format.
    pub fn to_raw(&self) -> RawBank {
        RawBank {
            format: BANK_FORMAT.to_string(),
            version: Some(u64::from(BANK_VERSION)),
            id: self.id.clone(),
            title: self.title.clone(),
            revision: self.revision,
            sources: self.sources.clone(),
            questions: self.questions.iter().map(Question::to_raw).collect(),
        }
    }

    /// `id@revision`, as attempts name the bank they were drawn from.
    pub fn reference(&self) -> String {
        format!("{}@{}", self.id, self.revision)
    }

    pub fn get(&self, id: &str) -> Option<&Question> {
        self.index_of(id).map(|i| &self.questions[i])
    }

    /// Position of question `id` in `questions`.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// Categories in first-seen order.
    pub fn categories(&self) -> Vec<String> {
        let mut seen = Vec::<String>::new();
        for q in &self.questions {
            if !seen.contains(&q.category) {
                seen.push(q.category.clone());
            }
        }
        seen
    }

    pub fn count(&self, qtype: QuestionType, category: Option<&str>) -> usize {
        self.questions.iter().filter(|q| q.qtype == qtype && category.is_none_or(|c| q.category == c)).count()
    }
}

crate::core::english_display!(BankError);

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(qtype: &str, options: &[&str], answer: &str) -> RawQuestion {
        RawQuestion {
            id: Some("q1".into()),
            qtype: qtype.into(),
            stem: "题干".into(),
            options: options.iter().map(|s| s.to_string()).collect(),
            answer: answer.into(),
            explanation: "解析".into(),
            category: "物质与能量".into(),
            ..Default::default()
        }
    }

    fn problems(r: &RawQuestion) -> Vec<Problem> {
        check_question(r).err().unwrap_or_default()
    }

    #[test]
    fn explanations_kept_apart_fill_in_only_their_own_bank() {
        let mut two = raw("single", &["甲", "乙"], "A");
        two.id = Some("q2".into());
        two.explanation = "原有解析".into();
        let mut one = raw("single", &["甲", "乙"], "A");
        one.explanation = String::new();
        let bank = Bank::new(
            "b".into(),
            "题库".into(),
            3,
            vec![],
            vec![check_question(&one).unwrap(), check_question(&two).unwrap()],
        )
        .unwrap();
        let found = |bank: &str| Explanations {
            bank: bank.into(),
            questions: vec![
                Explained { id: "q1".into(), explanation: " 补上的解析 ".into() },
                Explained { id: "q2".into(), explanation: "另一份".into() },
                Explained { id: "q9".into(), explanation: "不在题库里".into() },
            ],
        };
        let filled = bank.with_explanations(&found("b@3")).unwrap();
        assert_eq!(filled.get("q1").unwrap().explanation, "补上的解析");
        // A question that has its explanation keeps it.
        assert_eq!(filled.get("q2").unwrap().explanation, "原有解析");
        assert_eq!(filled.questions.len(), 2);
        // Another revision of the bank: nothing is filled in.
        assert_eq!(bank.with_explanations(&found("b@2")), None);
    }

    #[test]
    fn answer_notations() {
        let m = QuestionType::Multiple;
        for t in ["ABD", "A,B,D", "A，B，D", "A、B、D", "A;B;D", "A B D", "dba", "ＡＢＤ", "ａ、ｂ、ｄ"] {
            assert_eq!(parse_answer(m, t), Ok(AnswerSet(0b1011)), "{t}");
        }
        for t in ["对", "正确", "是", "√", "✓", "T", "true", "A", "1"] {
            assert_eq!(parse_answer(QuestionType::TrueFalse, t), Ok(AnswerSet::TRUE), "{t}");
        }
        for t in ["错", "错误", "否", "×", "✗", "F", "FALSE", "b", "0"] {
            assert_eq!(parse_answer(QuestionType::TrueFalse, t), Ok(AnswerSet::FALSE), "{t}");
        }
        assert_eq!(parse_answer(m, ""), Err(Problem::AnswerMissing));
        assert!(matches!(parse_answer(m, "A1"), Err(Problem::AnswerUnreadable(_))));
        assert!(matches!(parse_answer(QuestionType::TrueFalse, "也许"), Err(Problem::AnswerUnreadable(_))));
        assert_eq!(parse_answer(m, "AZ"), Err(Problem::AnswerOutOfRange("Z".into())));
    }

    #[test]
    fn valid_questions_of_each_type() {
        let s = check_question(&raw("单选", &["甲", "乙", "丙", ""], "b")).unwrap();
        assert_eq!((s.qtype, s.options.len(), s.answer), (QuestionType::Single, 3, AnswerSet(2)));
        let m = check_question(&raw("multiple", &["甲", "乙", "丙", "丁"], "A、C")).unwrap();
        assert_eq!(m.answer.letters(), "AC");
        let t = check_question(&raw("判断题", &[], "×")).unwrap();
        assert_eq!((t.answer, t.choice_count()), (AnswerSet::FALSE, 2));
    }

    #[test]
    fn each_kind_of_bad_question_is_named() {
        let mut r = raw("single", &["甲", "乙"], "A");
        r.stem = "  ".into();
        assert_eq!(problems(&r), vec![Problem::EmptyStem]);
        assert_eq!(problems(&raw("填空", &["甲", "乙"], "A")), vec![Problem::UnknownType("填空".into())]);
        assert_eq!(problems(&raw("single", &["甲", "乙"], "C")), vec![Problem::AnswerOutOfRange("C".into())]);
        assert_eq!(problems(&raw("single", &["甲", "乙", "丙"], "AB")), vec![Problem::SingleNeedsOneAnswer(2)]);
        assert_eq!(problems(&raw("multiple", &["甲", "乙", "丙"], "A")), vec![Problem::MultipleNeedsTwoAnswers]);
        assert_eq!(problems(&raw("single", &["甲", "甲", "丙"], "A")), vec![Problem::DuplicateOption('A', 'B')]);
        assert_eq!(problems(&raw("single", &["甲", "", "丙"], "A")), vec![Problem::EmptyOption('B')]);
        assert_eq!(problems(&raw("single", &["甲"], "A")), vec![Problem::TooFewOptions { min: 2, found: 1 }]);
        assert_eq!(problems(&raw("true_false", &["对", "错"], "A")), vec![Problem::OptionsOnTrueFalse]);
        let nine: Vec<&str> = vec!["1", "2", "3", "4", "5", "6", "7", "8", "9"];
        assert_eq!(problems(&raw("single", &nine, "A")), vec![Problem::TooManyOptions(9)]);
        let mut r = raw("single", &["甲", "乙"], "A");
        r.difficulty = Some("超难".into());
        r.crowds = vec!["宇航员".into()];
        assert_eq!(
            problems(&r),
            vec![Problem::UnknownDifficulty("超难".into()), Problem::UnknownCrowd("宇航员".into())]
        );
    }

    #[test]
    fn bank_reports_every_issue_with_position_and_id() {
        let text = r#"{"format":"kepu-bank","version":1,"id":"b","title":"t","questions":[
            {"id":"a","type":"single","stem":"s","options":["x","y"],"answer":"A"},
            {"id":"a","type":"single","stem":"s2","options":["x","y"],"answer":"A"},
            {"id":"c","type":"single","stem":"","options":["x","y"],"answer":"E"}]}"#;
        let err = Bank::from_json(text).unwrap_err();
        let BankError::Invalid(issues) = &err else { panic!("{err:?}") };
        assert_eq!(issues.len(), 3);
        assert_eq!(issues[0], BankIssue { index: 1, id: Some("a".into()), problem: Problem::DuplicateId("a".into()) });
        let msg = err.message(Lang::Zh);
        assert!(msg.contains("第 3 题 (c)：题干为空"), "{msg}");
        assert!(msg.contains("答案 E 指向不存在的选项"), "{msg}");
        assert!(err.message(Lang::En).contains("question 2 (a): question id a is used twice"));
    }

    #[test]
    fn a_question_may_keep_its_option_order() {
        let text = r#"{"format":"kepu-bank","version":1,"id":"b","title":"t","questions":[
            {"id":"k","type":"single","stem":"s","options":["x","y","以上都对"],"answer":"C","shuffle":false}]}"#;
        let bank = Bank::from_json(text).unwrap();
        assert!(!bank.questions[0].shuffle);
        assert!(bank.to_json().contains(r#""shuffle":false"#));
        assert_eq!(Bank::from_json(&bank.to_json()).unwrap(), bank);
    }

    #[test]
    fn bank_format_and_version_are_checked() {
        assert_eq!(Bank::from_json(r#"{"questions":[]}"#), Err(BankError::WrongFormat));
        assert_eq!(
            Bank::from_json(r#"{"format":"kepu-bank","version":9,"questions":[]}"#),
            Err(BankError::NewerVersion(9))
        );
        assert_eq!(Bank::from_json(r#"{"format":"kepu-bank","version":1,"questions":[]}"#), Err(BankError::Empty));
        assert!(matches!(Bank::from_json("{"), Err(BankError::Json(_))));
    }

    #[test]
    fn json_round_trip_and_stable_generated_ids() {
        let text = r#"{"format":"kepu-bank","version":1,"id":"b","title":"t","questions":[
            {"type":"multiple","stem":"s","options":["x","y","z"],"answer":"AC","crowds":["农民"]},
            {"type":"true_false","stem":"t","answer":"错误","difficulty":"hard"}]}"#;
        let bank = Bank::from_json(text).unwrap();
        let again = Bank::from_json(&bank.to_json()).unwrap();
        assert_eq!(bank, again);
        assert!(bank.questions[0].shuffle, "shuffled unless the bank says otherwise");
        assert!(!bank.to_json().contains("shuffle"), "the default is not written");
        assert!(bank.questions[0].id.starts_with('q'));
        assert_eq!(bank.questions[0].id, Bank::from_json(text).unwrap().questions[0].id);
        assert_ne!(bank.questions[0].id, bank.questions[1].id);
        assert_eq!(bank.questions[0].category, "未分类");
    }

    #[test]
    fn read_aloud_says_the_stem_then_each_choice_with_the_letter_shown() {
        let b = Bank::from_json(
            r#"{"format":"kepu-bank","version":1,"questions":[
            {"id":"s","type":"single","stem":"水的化学式是？","options":["H2O","CO2","O2"],"answer":"A"},
            {"id":"t","type":"true_false","stem":"月亮会发光。","answer":"错"}]}"#,
        )
        .unwrap();
        let s = b.get("s").unwrap();
        assert_eq!(s.spoken([2, 0, 1].into_iter()), ["水的化学式是？", "A、O2", "B、H2O", "C、CO2"]);
        assert_eq!(b.get("t").unwrap().spoken([0, 1].into_iter()), ["月亮会发光。", "正确", "错误"]);
    }
}
