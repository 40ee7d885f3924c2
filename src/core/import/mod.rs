//! Importing question banks from organizers' files: CSV and workbooks (.xlsx, .xls, .xlsb,
//! .ods) by the template of `docs/import-template.md` and the real layouts of
//! `docs/import.md`, our own `kepu-bank` JSON, and Moodle's GIFT and Aiken.
//!
//! Every format ends in one [`ImportReport`]: the valid questions in file order, every
//! rejected row with its place (sheet, row as Excel shows it, column header) and all of its
//! problems, duplicates merged, and warnings. Validation itself is `bank::check_question`, so
//! the rules live in one place. Nothing is saved here: the organizer confirms first.

mod aiken;
mod cells;
mod docx;
mod gift;
mod headers;
mod json;
mod layout;
mod markup;
mod plain;
mod sheet;
pub mod summary;
mod text;
mod workbook;

use crate::core::formats::codec::DecodeError;
use crate::core::Message;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

use super::Lang;
use crate::core::model::bank::{
    check_question, Bank, BankError, Problem, Question, QuestionType, RawQuestion, MAX_OPTIONS,
};

pub use headers::{header_aliases, Field};

/// Files larger than this are refused before any parsing.
pub const MAX_IMPORT_BYTES: usize = 20 * 1024 * 1024;
/// An XLSX whose entries declare more than this, uncompressed, is refused (zip bomb).
pub const MAX_XLSX_UNCOMPRESSED_BYTES: u64 = 200 * 1024 * 1024;
/// An XLSX entry compressed more than this many times is refused (zip bomb).
pub const MAX_XLSX_COMPRESSION_RATIO: u64 = 200;
/// The category of questions that name none.
pub const DEFAULT_CATEGORY: &str = "未分类";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImportFormat {
    Json,
    Csv,
    Xlsx,
    Xls,
    Xlsb,
    Ods,
    Gift,
    Aiken,
    /// Word .docx in the layout Chinese organizers type (numbered stems, A、 options, 答案：).
    Docx,
    /// Plain text in that layout: a .txt, or text pasted into the organizer's page.
    Text,
}

impl ImportFormat {
    /// Every format the importer reads: the file picker's `accept` and the unknown-format
    /// message are built from this list.
    pub const ALL: [ImportFormat; 10] = [
        ImportFormat::Xlsx,
        ImportFormat::Xls,
        ImportFormat::Xlsb,
        ImportFormat::Ods,
        ImportFormat::Csv,
        ImportFormat::Docx,
        ImportFormat::Text,
        ImportFormat::Json,
        ImportFormat::Gift,
        ImportFormat::Aiken,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ImportFormat::Json => "JSON",
            ImportFormat::Csv => "CSV",
            ImportFormat::Xlsx => "Excel (XLSX)",
            ImportFormat::Xls => "Excel 97–2003 (XLS)",
            ImportFormat::Xlsb => "Excel (XLSB)",
            ImportFormat::Ods => "OpenDocument (ODS)",
            ImportFormat::Gift => "GIFT",
            ImportFormat::Aiken => "Aiken",
            ImportFormat::Docx => "Word (DOCX)",
            ImportFormat::Text => "文本题目（1. 题干 / A、选项 / 答案：）",
        }
    }

    /// The file name extensions of the format (`et` is WPS's own spreadsheet, an .xls inside).
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            ImportFormat::Json => &["json"],
            ImportFormat::Csv => &["csv", "tsv"],
            ImportFormat::Xlsx => &["xlsx", "xlsm"],
            ImportFormat::Xls => &["xls", "et"],
            ImportFormat::Xlsb => &["xlsb"],
            ImportFormat::Ods => &["ods"],
            ImportFormat::Gift => &["gift"],
            ImportFormat::Aiken => &[],
            ImportFormat::Docx => &["docx"],
            ImportFormat::Text => &["txt"],
        }
    }

    /// A workbook read through calamine.
    fn is_workbook(self) -> bool {
        matches!(self, ImportFormat::Xlsx | ImportFormat::Xls | ImportFormat::Xlsb | ImportFormat::Ods)
    }

    /// How a place in a file of this format is counted.
    fn unit(self) -> RowUnit {
        match self {
            ImportFormat::Csv | ImportFormat::Xlsx | ImportFormat::Xls | ImportFormat::Xlsb | ImportFormat::Ods => {
                RowUnit::Row
            }
            ImportFormat::Gift | ImportFormat::Aiken | ImportFormat::Docx | ImportFormat::Text => RowUnit::Line,
            ImportFormat::Json => RowUnit::Question,
        }
    }
}

/// The file picker's `accept`: every extension of [`ImportFormat::ALL`].
pub fn accept_attribute() -> String {
    ImportFormat::ALL.iter().flat_map(|f| f.extensions()).map(|e| format!(".{e}")).collect::<Vec<_>>().join(",")
}

/// What a `row` number counts: a spreadsheet row (header = 1), a line of a text file, or
/// the position of a question in a JSON bank (first = 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RowUnit {
    Row,
    Line,
    Question,
}

impl RowUnit {
    /// What one of these is called in a report: 行/题, row/line/question.
    fn word(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (RowUnit::Question, Lang::Zh) => "题",
            (_, Lang::Zh) => "行",
            (RowUnit::Row, Lang::En) => "row",
            (RowUnit::Line, Lang::En) => "line",
            (RowUnit::Question, Lang::En) => "question",
        }
    }
}

/// By content where it is certain (a zip is an .xlsx, .xlsb or .ods by its entries; an OLE
/// compound file is an .xls), then by extension, then by sniffing the text.
///
/// A `.txt` is a tab-separated table when its first line has the template's headers (Excel's
/// "Unicode text"), else Aiken or GIFT by their markers, else Aiken.
pub fn detect_format(file_name: &str, bytes: &[u8]) -> Option<ImportFormat> {
    let extension = file_name.rsplit_once('.').map(|(_, e)| e.trim().to_ascii_lowercase()).unwrap_or_default();
    if bytes.starts_with(b"PK\x03\x04") {
        return Some(zip_kind(bytes));
    }
    if bytes.starts_with(OLE_MAGIC) {
        return Some(ImportFormat::Xls);
    }
    match ImportFormat::ALL.into_iter().find(|f| f.extensions().contains(&extension.as_str())) {
        Some(ImportFormat::Text) => {
            let (text, _) = text::decode(bytes);
            Some(sniff_text(&text).filter(|f| *f != ImportFormat::Json).unwrap_or(ImportFormat::Aiken))
        }
        Some(format) => Some(format),
        None => sniff_text(&text::decode(bytes).0),
    }
}

/// The first bytes of an OLE compound file: an .xls (or WPS .et), or an old Word .doc.
const OLE_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// Which workbook a zip holds, by the entry names stored in it.
fn zip_kind(bytes: &[u8]) -> ImportFormat {
    let holds = |name: &[u8]| bytes.windows(name.len()).any(|w| w == name);
    if holds(b"word/document.xml") {
        ImportFormat::Docx
    } else if holds(b"xl/workbook.bin") {
        ImportFormat::Xlsb
    } else if holds(b"application/vnd.oasis.opendocument.spreadsheet") {
        ImportFormat::Ods
    } else {
        ImportFormat::Xlsx
    }
}

fn sniff_text(text: &str) -> Option<ImportFormat> {
    if sheet::looks_like_header(text.lines().find(|l| !l.trim().is_empty()).unwrap_or("")) {
        return Some(ImportFormat::Csv);
    }
    if text.trim_start().starts_with('{') {
        return Some(ImportFormat::Json);
    }
    if aiken::looks_like_aiken(text) {
        return Some(ImportFormat::Aiken);
    }
    if gift::looks_like_gift(text) {
        return Some(ImportFormat::Gift);
    }
    if plain::looks_like_typed_questions(text) {
        return Some(ImportFormat::Text);
    }
    None
}

/// Parses a whole file into a report. Whole-file failures are an [`ImportError`]; problems
/// of single rows are in the report.
pub fn import_file(file_name: &str, bytes: &[u8]) -> Result<ImportReport, ImportError> {
    let fail = |reason| ImportError { file_name: file_name.to_string(), sheet: None, reason };
    if bytes.len() > MAX_IMPORT_BYTES {
        return Err(fail(ImportFailure::TooLarge { bytes: bytes.len() as u64 }));
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(fail(ImportFailure::Empty));
    }
    if bytes.starts_with(OLE_MAGIC) && file_name.to_ascii_lowercase().ends_with(".doc") {
        return Err(fail(ImportFailure::LegacyWord));
    }
    let format = detect_format(file_name, bytes).ok_or_else(|| fail(ImportFailure::UnknownFormat))?;
    let mut out = Collector::new(file_name, format);
    if format.is_workbook() {
        workbook::import(bytes, format, &mut out)?;
    } else if format == ImportFormat::Docx {
        let text = docx::document_text(bytes).map_err(fail)?;
        plain::import(&text, &mut out);
    } else {
        let (text, encoding) = text::decode(bytes);
        out.report.encoding = Some(encoding.to_string());
        if text.trim().is_empty() {
            return Err(fail(ImportFailure::Empty));
        }
        if text::looks_binary(&text) {
            return Err(fail(ImportFailure::NotText));
        }
        match format {
            ImportFormat::Csv => sheet::import_csv(&text, &mut out)?,
            ImportFormat::Json => json::import(&text, &mut out)?,
            ImportFormat::Gift => gift::import(&text, &mut out),
            ImportFormat::Aiken => aiken::import(&text, &mut out),
            ImportFormat::Text => plain::import(&text, &mut out),
            ImportFormat::Xlsx | ImportFormat::Xls | ImportFormat::Xlsb | ImportFormat::Ods | ImportFormat::Docx => {
                unreachable!("handled above")
            }
        }
    }
    out.finish()
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportReport {
    pub file_name: String,
    pub format: ImportFormat,
    /// How a text file was decoded: "UTF-8", "UTF-8 (BOM)", "GB18030", "UTF-16LE"; none for XLSX.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// Non-empty data rows (questions) seen: valid + rejected + duplicates.
    pub rows_read: usize,
    /// The valid questions, in file order, duplicates merged (the first is kept).
    pub questions: Vec<Question>,
    pub rejected: Vec<RejectedRow>,
    pub duplicates: Vec<DuplicateRow>,
    pub warnings: Vec<ImportWarning>,
    /// What the organizer should know about kept questions: optional cells read as their
    /// default, types inferred, options kept in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<NotedRow>,
    /// Rows of types the contests do not use (简答, 填空, 问答 …), skipped; not in `rows_read`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<SkippedRow>,
}

impl ImportReport {
    /// Valid questions per type, every type listed (in `QuestionType::ALL` order), zeros included.
    pub fn counts_by_type(&self) -> Vec<(QuestionType, usize)> {
        QuestionType::ALL.iter().map(|t| (*t, self.questions.iter().filter(|q| q.qtype == *t).count())).collect()
    }

    /// Valid questions per category, in first-seen order.
    pub fn counts_by_category(&self) -> Vec<(String, usize)> {
        let mut counts: Vec<(String, usize)> = Vec::new();
        for q in &self.questions {
            match counts.iter_mut().find(|(c, _)| *c == q.category) {
                Some((_, n)) => *n += 1,
                None => counts.push((q.category.clone(), 1)),
            }
        }
        counts
    }

    /// Rows rejected, counting a row once however many problems it has.
    pub fn rejected_row_count(&self) -> usize {
        self.rejected.iter().map(|r| (&r.sheet, r.row)).collect::<HashSet<_>>().len()
    }

    /// Rejections, duplicates and notes grouped by reason, in first-seen order: one line per
    /// reason with its rows as ranges and a count, so a 2,500-row file with one repeated
    /// problem reads as one line.
    pub fn groups(&self, lang: Lang) -> Vec<ReportGroup> {
        let mut items: Vec<(GroupKey, usize)> = Vec::new();
        for r in &self.rejected {
            items
                .push(((GroupKind::Rejected, r.sheet.as_deref(), r.column.as_deref(), r.problem.message(lang)), r.row));
        }
        let merged = lang.pick(
            "与前面的题重复（题型、题干和选项都相同），已合并",
            "repeat earlier questions (same type, stem and options); merged",
        );
        for d in &self.duplicates {
            items.push(((GroupKind::Duplicate, d.sheet.as_deref(), None, merged.to_string()), d.row));
        }
        for k in &self.skipped {
            let message = match lang {
                Lang::Zh => format!("“{}”不是本竞赛使用的题型（只用单选、多选、判断），已跳过", clip(&k.qtype)),
                Lang::En => format!(
                    "\"{}\" is not a type these contests use (only single, multiple and true/false); skipped",
                    clip(&k.qtype)
                ),
            };
            items.push(((GroupKind::Skipped, k.sheet.as_deref(), None, message), k.row));
        }
        for n in &self.notes {
            items.push(((GroupKind::Note, n.sheet.as_deref(), n.column.as_deref(), n.note.message(lang)), n.row));
        }
        let mut groups: Vec<(GroupKey, Vec<usize>)> = Vec::new();
        let mut index: HashMap<GroupKey, usize> = HashMap::new();
        for (key, row) in items {
            match index.get(&key) {
                Some(&i) => groups[i].1.push(row),
                None => {
                    index.insert(key.clone(), groups.len());
                    groups.push((key, vec![row]));
                }
            }
        }
        let unit = self.format.unit();
        groups
            .into_iter()
            .map(|((kind, sheet, column, message), rows)| {
                let count = rows.len();
                ReportGroup { kind, text: group_text(lang, sheet, &rows, unit, column, &message), count }
            })
            .collect()
    }

    /// A bank of the valid questions; ids are unique by construction.
    pub fn to_bank(&self, id: &str, title: &str) -> Result<Bank, BankError> {
        Bank::new(id.to_string(), title.to_string(), 1, Vec::new(), self.questions.clone())
    }
}

/// One problem of one rejected row; a row with three problems appears three times.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RejectedRow {
    pub file_name: String,
    /// Named only when several sheets were read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    pub row: usize,
    pub unit: RowUnit,
    /// The column header as found in the file (or the JSON field name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    pub problem: RowProblem,
}

impl Message for RejectedRow {
    fn message(&self, lang: Lang) -> String {
        let place = place(lang, &self.file_name, self.sheet.as_deref(), self.row, self.unit);
        let column = match (&self.column, lang, self.unit) {
            (None, _, _) => String::new(),
            (Some(c), Lang::Zh, RowUnit::Question) => format!("「{c}」字段"),
            (Some(c), Lang::Zh, _) => format!("「{c}」列"),
            (Some(c), Lang::En, RowUnit::Question) => format!(", field {c}"),
            (Some(c), Lang::En, _) => format!(", column {c}"),
        };
        let colon = lang.pick("：", ": ");
        format!("{place}{column}{colon}{}", self.problem.message(lang))
    }
}

/// "题库.xlsx 工作表「单选题」第 12 行" / "题库.xlsx, sheet 单选题, row 12".
fn place(lang: Lang, file: &str, sheet: Option<&str>, row: usize, unit: RowUnit) -> String {
    match lang {
        Lang::Zh => {
            let sheet = sheet.map(|s| format!(" 工作表「{s}」")).unwrap_or_else(|| " ".to_string());
            format!("{file}{sheet}第 {row} {}", unit.word(lang))
        }
        Lang::En => {
            let sheet = sheet.map(|s| format!(", sheet {s},")).unwrap_or_default();
            format!("{file}{sheet} {} {row}", unit.word(lang))
        }
    }
}

/// What makes rows one line of the report: kind, sheet, column and reason.
type GroupKey<'a> = (GroupKind, Option<&'a str>, Option<&'a str>, String);

/// What a line of the grouped report is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupKind {
    Rejected,
    Skipped,
    Duplicate,
    Note,
}

/// One reason and every row it concerns, as one line of the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportGroup {
    pub kind: GroupKind,
    /// "第 5–2571 行「难度」列：难度“必须掌握”无法识别 → 按中等处理，共 2,567 行"
    pub text: String,
    pub count: usize,
}

/// How many ranges of rows a group line names before "等".
const RANGES_SHOWN: usize = 6;

/// "第 3、5–9 行「答案」列：…，共 6 行" / "rows 3, 5–9, column 答案: … (6 rows)".
fn group_text(
    lang: Lang,
    sheet: Option<&str>,
    rows: &[usize],
    unit: RowUnit,
    column: Option<&str>,
    message: &str,
) -> String {
    let mut sorted = rows.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for r in sorted {
        match ranges.last_mut() {
            Some((_, end)) if *end + 1 == r => *end = r,
            _ => ranges.push((r, r)),
        }
    }
    let more = ranges.len() > RANGES_SHOWN;
    let shown: Vec<String> = ranges
        .iter()
        .take(RANGES_SHOWN)
        .map(|(a, b)| if a == b { a.to_string() } else { format!("{a}–{b}") })
        .collect();
    let count = rows.len();
    match lang {
        Lang::Zh => {
            let sheet = sheet.map(|s| format!("工作表「{s}」")).unwrap_or_default();
            let unit = unit.word(lang);
            let etc = if more { " 等" } else { "" };
            let column = match (column, unit) {
                (None, _) => String::new(),
                (Some(c), "题") => format!("「{c}」字段"),
                (Some(c), _) => format!("「{c}」列"),
            };
            let total = if count > 1 { format!("，共 {} {unit}", thousands(count)) } else { String::new() };
            format!("{sheet}第 {}{etc} {unit}{column}：{message}{total}", shown.join("、"))
        }
        Lang::En => {
            let sheet = sheet.map(|s| format!("sheet {s}, ")).unwrap_or_default();
            let unit = unit.word(lang);
            let plural = if ranges.len() > 1 || ranges.first().is_some_and(|(a, b)| a != b) { "s" } else { "" };
            let etc = if more { ", …" } else { "" };
            let column = column.map(|c| format!(", column {c}")).unwrap_or_default();
            let total = if count > 1 { format!(" ({} {unit}s)", thousands(count)) } else { String::new() };
            format!("{sheet}{unit}{plural} {}{etc}{column}: {message}{total}", shown.join(", "))
        }
    }
}

/// 2567 → "2,567".
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A row of a type the contests do not use, as written (简答题).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SkippedRow {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    pub row: usize,
    pub qtype: String,
}

/// A kept question's row and what the organizer should know about it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NotedRow {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    pub row: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    pub note: RowNote,
}

/// Something read differently from how it was written, never a reason to reject a row.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RowNote {
    /// An optional difficulty the importer cannot read; the question counts as 中.
    UnknownDifficulty(String),
    /// A crowd group that is not one of the five; it is left out.
    UnknownCrowd(String),
    /// Points that are not a whole number ≥ 0; the contest's points for the type apply.
    BadPoints(String),
    /// No type was given; this one follows from the options and the answer.
    TypeInferred(QuestionType),
    /// Every option was in one cell, each with its letter; they were split.
    OptionsSplit,
    /// An option refers to the others (以上都对, A和B): the options keep their order.
    NoShuffle,
    /// Images in the question's HTML or Markdown that cannot be shown; they were left out.
    ImagesDropped(usize),
}

impl Message for RowNote {
    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (RowNote::UnknownDifficulty(d), Lang::Zh) => format!("难度“{}”无法识别 → 按中等处理", clip(d)),
            (RowNote::UnknownDifficulty(d), Lang::En) => {
                format!("difficulty \"{}\" is not recognised → read as medium", clip(d))
            }
            (RowNote::UnknownCrowd(c), Lang::Zh) => format!("适用人群“{}”无法识别 → 已略去", clip(c)),
            (RowNote::UnknownCrowd(c), Lang::En) => format!("crowd group \"{}\" is not recognised → left out", clip(c)),
            (RowNote::BadPoints(p), Lang::Zh) => format!("分值“{}”不是大于等于 0 的整数 → 按竞赛规则的分值计", clip(p)),
            (RowNote::BadPoints(p), Lang::En) => {
                format!("points \"{}\" is not a whole number of 0 or more → the contest's points apply", clip(p))
            }
            (RowNote::TypeInferred(t), Lang::Zh) => format!("没有题型，按选项和答案推断为{}", t.label(lang)),
            (RowNote::TypeInferred(t), Lang::En) => {
                format!("no question type given; read as {} from the options and the answer", t.label(lang))
            }
            (RowNote::OptionsSplit, Lang::Zh) => "全部选项写在一个单元格里，已按 A、B、C… 拆开".into(),
            (RowNote::OptionsSplit, Lang::En) => "all options were in one cell; split at A, B, C …".into(),
            (RowNote::ImagesDropped(_), Lang::Zh) => "题目中的图片无法显示，已去掉，请检查题意是否完整".into(),
            (RowNote::ImagesDropped(_), Lang::En) => {
                "images in the question cannot be shown and were left out; check it still reads whole".into()
            }
            (RowNote::NoShuffle, Lang::Zh) => "有选项指向其他选项（如“以上都对”“A和B”）→ 不打乱选项，保持原顺序".into(),
            (RowNote::NoShuffle, Lang::En) => {
                "an option refers to the others (\"all of the above\", \"A and B\") → options kept in order, not shuffled".into()
            }
        }
    }
}

impl RowNote {
    /// The field whose column the note concerns.
    fn field(&self) -> Option<Field> {
        match self {
            RowNote::UnknownDifficulty(_) => Some(Field::Difficulty),
            RowNote::UnknownCrowd(_) => Some(Field::Crowd),
            RowNote::BadPoints(_) => Some(Field::Points),
            RowNote::TypeInferred(_) => Some(Field::Type),
            RowNote::OptionsSplit => Some(Field::Options),
            RowNote::NoShuffle | RowNote::ImagesDropped(_) => None,
        }
    }
}

/// A row whose question (same type, stem and options) was already read; it was merged.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DuplicateRow {
    pub file_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    pub row: usize,
    pub unit: RowUnit,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub same_as_sheet: Option<String>,
    pub same_as_row: usize,
}

impl Message for DuplicateRow {
    fn message(&self, lang: Lang) -> String {
        let here = place(lang, &self.file_name, self.sheet.as_deref(), self.row, self.unit);
        let unit_zh = if self.unit == RowUnit::Question { "题" } else { "行" };
        let other_sheet = if self.same_as_sheet != self.sheet { self.same_as_sheet.as_deref() } else { None };
        match lang {
            Lang::Zh => {
                let sheet = other_sheet.map(|s| format!("工作表「{s}」")).unwrap_or_default();
                format!("{here}与{sheet}第 {} {unit_zh}重复（题型、题干和选项都相同），已合并", self.same_as_row)
            }
            Lang::En => {
                let sheet = other_sheet.map(|s| format!("sheet {s}, ")).unwrap_or_default();
                let unit = match self.unit {
                    RowUnit::Row => "row",
                    RowUnit::Line => "line",
                    RowUnit::Question => "question",
                };
                format!("{here} repeats {sheet}{unit} {} (same type, stem and options); merged", self.same_as_row)
            }
        }
    }
}

/// The GIFT question kinds this app has no counterpart for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GiftKind {
    Numerical,
    Matching,
    ShortAnswer,
    Essay,
    Description,
}

impl GiftKind {
    fn label(self, lang: Lang) -> &'static str {
        match self {
            GiftKind::Numerical => lang.pick("数值题", "numerical"),
            GiftKind::Matching => lang.pick("匹配题", "matching"),
            GiftKind::ShortAnswer => lang.pick("简答（填空）题", "short answer"),
            GiftKind::Essay => lang.pick("问答题", "essay"),
            GiftKind::Description => lang.pick("说明文字（没有答案）", "description (no answers)"),
        }
    }
}

/// Why a row is rejected: a validation problem of the question, or one of the file format.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum RowProblem {
    Question(Problem),
    TypeMissing,
    /// The points cell is not a whole number ≥ 0.
    BadPoints(String),
    UnsupportedGiftKind(GiftKind),
    /// A `{` that is never closed.
    GiftUnclosedBrace,
    /// The text in braces has no `=`/`~` answers, nor T/F.
    GiftUnreadableAnswers,
    AikenMissingAnswerLine,
    /// A line after the options that is neither the next option nor `ANSWER:`.
    AikenUnexpectedLine {
        line: usize,
        text: String,
    },
    /// A JSON question that is not shaped like one (wrong field types, not an object).
    Malformed(DecodeError),
    /// Every option in one cell, but not each starting with its letter (A., B、…), so where one
    /// ends is a guess.
    OptionsNotLettered(String),
}

impl Message for RowProblem {
    fn message(&self, lang: Lang) -> String {
        use RowProblem::*;
        match (self, lang) {
            (Question(p), _) => p.message(lang),
            (TypeMissing, Lang::Zh) => "缺少题型（应为单选、多选或判断）".into(),
            (TypeMissing, Lang::En) => "the question type is missing (single, multiple or true_false)".into(),
            (BadPoints(p), Lang::Zh) => format!("分值“{p}”不是大于等于 0 的整数"),
            (BadPoints(p), Lang::En) => format!("points \"{p}\" is not a whole number of 0 or more"),
            (UnsupportedGiftKind(k), Lang::Zh) => format!("不支持的 GIFT 题型：{}", k.label(lang)),
            (UnsupportedGiftKind(k), Lang::En) => format!("unsupported GIFT question kind: {}", k.label(lang)),
            (GiftUnclosedBrace, Lang::Zh) => "答案部分的“{”没有对应的“}”".into(),
            (GiftUnclosedBrace, Lang::En) => "the answers' \"{\" is never closed with \"}\"".into(),
            (GiftUnreadableAnswers, Lang::Zh) => "大括号里没有以 = 或 ~ 开头的答案，也不是 T/F".into(),
            (GiftUnreadableAnswers, Lang::En) => "the braces hold no answers starting with = or ~, nor T/F".into(),
            (AikenMissingAnswerLine, Lang::Zh) => "缺少“ANSWER: 字母”行".into(),
            (AikenMissingAnswerLine, Lang::En) => "the \"ANSWER: letter\" line is missing".into(),
            (AikenUnexpectedLine { line, text }, Lang::Zh) => {
                format!("第 {line} 行“{}”既不是下一个选项（如“B. …”），也不是“ANSWER:”行", clip(text))
            }
            (AikenUnexpectedLine { line, text }, Lang::En) => {
                format!(
                    "line {line} \"{}\" is neither the next option (like \"B. …\") nor the ANSWER: line",
                    clip(text)
                )
            }
            (Malformed(e), Lang::Zh) => format!("题目不是题库格式：{}", e.message(lang)),
            (Malformed(e), Lang::En) => format!("the question is not in the bank format: {}", e.message(lang)),
            (OptionsNotLettered(_), Lang::Zh) => {
                "全部选项写在一个单元格里，但不是每一项都以字母开头（如 A.…/B.…），无法确定怎样拆开".into()
            }
            (OptionsNotLettered(_), Lang::En) => {
                "all options are in one cell, but not each starts with its letter (A.…/B.…), so they cannot be split"
                    .into()
            }
        }
    }
}

/// A long cell quoted in a message is cut to a readable length.
fn clip(text: &str) -> String {
    const MAX: usize = 40;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(MAX).collect::<String>())
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ImportWarning {
    /// Headers that match no column of the template; their cells were not read.
    UnknownColumns { file_name: String, sheet: Option<String>, columns: Vec<String> },
    /// A header that appears twice; only the first column with it was read.
    DuplicateColumn { file_name: String, sheet: Option<String>, column: String },
    /// The header was found below the first row (a title row above it, say).
    HeaderNotOnFirstRow { file_name: String, sheet: Option<String>, header_row: usize },
    /// Sheets of a workbook that were not read (and are not empty).
    ExtraSheetsIgnored { file_name: String, read: Vec<String>, ignored: Vec<String> },
    /// A sheet named like a type that has nothing in it.
    EmptySheet { file_name: String, sheet: String },
    /// Questions with no category went to 未分类.
    DefaultCategoryUsed { file_name: String, count: usize },
    /// A quote opened on this row is never closed: the rest of the file is in one cell.
    UnterminatedQuote { file_name: String, row: usize },
    /// GIFT per-answer feedback (`~wrong#feedback`) has no place in this app.
    AnswerFeedbackIgnored { file_name: String, count: usize },
}

impl Message for ImportWarning {
    fn message(&self, lang: Lang) -> String {
        use ImportWarning::*;
        let in_sheet = |file: &str, sheet: &Option<String>| match (sheet, lang) {
            (None, _) => file.to_string(),
            (Some(s), Lang::Zh) => format!("{file} 工作表「{s}」"),
            (Some(s), Lang::En) => format!("{file}, sheet {s},"),
        };
        match (self, lang) {
            (UnknownColumns { file_name, sheet, columns }, Lang::Zh) => {
                format!("{} 中这些列无法识别，已忽略：{}", in_sheet(file_name, sheet), columns.join("、"))
            }
            (UnknownColumns { file_name, sheet, columns }, Lang::En) => {
                format!(
                    "{}: these columns are not recognised and were ignored: {}",
                    in_sheet(file_name, sheet),
                    columns.join(", ")
                )
            }
            (DuplicateColumn { file_name, sheet, column }, Lang::Zh) => {
                format!("{} 中「{column}」列出现了不止一次，只读取了第一列", in_sheet(file_name, sheet))
            }
            (DuplicateColumn { file_name, sheet, column }, Lang::En) => {
                format!(
                    "{}: column {column} appears more than once; only the first was read",
                    in_sheet(file_name, sheet)
                )
            }
            (HeaderNotOnFirstRow { file_name, sheet, header_row }, Lang::Zh) => {
                format!("{} 的表头在第 {header_row} 行，上面的行已跳过", in_sheet(file_name, sheet))
            }
            (HeaderNotOnFirstRow { file_name, sheet, header_row }, Lang::En) => {
                format!(
                    "{}: the header is on row {header_row}; the rows above it were skipped",
                    in_sheet(file_name, sheet)
                )
            }
            (ExtraSheetsIgnored { file_name, read, ignored }, Lang::Zh) => {
                format!("{file_name} 只读取了工作表 {}，忽略了工作表 {}", read.join("、"), ignored.join("、"))
            }
            (ExtraSheetsIgnored { file_name, read, ignored }, Lang::En) => {
                format!(
                    "{file_name}: only sheet(s) {} were read; sheet(s) {} were ignored",
                    read.join(", "),
                    ignored.join(", ")
                )
            }
            (EmptySheet { file_name, sheet }, Lang::Zh) => format!("{file_name} 的工作表「{sheet}」是空的"),
            (EmptySheet { file_name, sheet }, Lang::En) => format!("{file_name}: sheet {sheet} is empty"),
            (DefaultCategoryUsed { file_name, count }, Lang::Zh) => {
                format!("{file_name} 中有 {count} 道题没有填写分类，已归入「{DEFAULT_CATEGORY}」")
            }
            (DefaultCategoryUsed { file_name, count }, Lang::En) => {
                format!("{file_name}: {count} question(s) have no category and were put in {DEFAULT_CATEGORY}")
            }
            (UnterminatedQuote { file_name, row }, Lang::Zh) => {
                format!("{file_name} 第 {row} 行的引号没有闭合，此后直到文件末尾的内容都被读进了同一个单元格")
            }
            (UnterminatedQuote { file_name, row }, Lang::En) => {
                format!("{file_name}: a quote opened on row {row} is never closed, so the rest of the file went into one cell")
            }
            (AnswerFeedbackIgnored { file_name, count }, Lang::Zh) => {
                format!("{file_name} 中 {count} 处针对单个选项的反馈（#…）没有导入")
            }
            (AnswerFeedbackIgnored { file_name, count }, Lang::En) => {
                format!("{file_name}: {count} per-answer feedback text(s) (#…) were not imported")
            }
        }
    }
}

/// A required column that no header names, and the header most like it, if any.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MissingColumn {
    pub field: Field,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closest: Option<String>,
}

impl MissingColumn {
    /// `field` is missing; `unknown` are the headers that named nothing.
    pub(crate) fn new(field: Field, unknown: &[String]) -> MissingColumn {
        MissingColumn { field, closest: headers::closest_header(field, unknown) }
    }
}

/// "Excel (XLSX) (.xlsx .xlsm)、…": every format and its extensions, from one list.
fn format_list() -> String {
    ImportFormat::ALL
        .iter()
        .map(|f| {
            format!("{} ({})", f.label(), f.extensions().iter().map(|e| format!(".{e}")).collect::<Vec<_>>().join(" "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A file that cannot be imported at all.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportError {
    pub file_name: String,
    /// The sheet at fault, when a workbook's sheets are read by type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    pub reason: ImportFailure,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ImportFailure {
    Empty,
    TooLarge {
        bytes: u64,
    },
    UnknownFormat,
    /// Binary data (a picture, a document, an archive) under a text file's name.
    NotText,
    /// An old Word .doc (an OLE compound file, not a zip).
    LegacyWord,
    /// A .docx whose text cannot be read.
    NotAWordDocument(String),
    NotASpreadsheet(String),
    /// The zip entries declare more than `MAX_XLSX_UNCOMPRESSED_BYTES` in all.
    ZipTooLarge {
        declared: u64,
    },
    /// One zip entry is compressed more than `MAX_XLSX_COMPRESSION_RATIO` times.
    ZipRatio {
        entry: String,
        ratio: u64,
    },
    NoHeaderRow,
    MissingColumns(Vec<MissingColumn>),
    /// Header and data rows fine, but not one question in them.
    NoQuestions,
    NotJson(DecodeError),
    NotKepuBank,
    NewerVersion(u32),
}

impl Message for ImportError {
    fn message(&self, lang: Lang) -> String {
        let file = match (&self.sheet, lang) {
            (None, _) => self.file_name.clone(),
            (Some(s), Lang::Zh) => format!("{} 工作表「{s}」", self.file_name),
            (Some(s), Lang::En) => format!("{}, sheet {s}", self.file_name),
        };
        let mib = |b: u64| b.div_ceil(1024 * 1024);
        use ImportFailure::*;
        match (&self.reason, lang) {
            (Empty, Lang::Zh) => format!("{file} 是空文件"),
            (Empty, Lang::En) => format!("{file} is empty"),
            (TooLarge { bytes }, Lang::Zh) => {
                format!("{file} 有 {} MiB，超过了 {} MiB 的上限", mib(*bytes), MAX_IMPORT_BYTES / 1024 / 1024)
            }
            (TooLarge { bytes }, Lang::En) => {
                format!("{file} is {} MiB, over the {} MiB limit", mib(*bytes), MAX_IMPORT_BYTES / 1024 / 1024)
            }
            (UnknownFormat, Lang::Zh) => {
                format!("无法识别 {file} 的格式：请使用 {}", format_list())
            }
            (UnknownFormat, Lang::En) => {
                format!("the format of {file} is not recognised: use {}", format_list())
            }
            (NotText, Lang::Zh) => format!(
                "{file} 不是文本文件：里面是二进制数据（可能是图片、Word 文档或压缩包改了扩展名）。请在 Excel 或 WPS 中打开题库，另存为 .xlsx 或 CSV 后再导入"
            ),
            (NotText, Lang::En) => format!(
                "{file} is not a text file: it holds binary data (perhaps a picture, a document or an archive renamed). Open the bank in Excel or WPS, save it as .xlsx or CSV, and import that"
            ),
            (LegacyWord, Lang::Zh) => {
                format!("{file} 是旧版 Word（.doc）文件：请在 Word 或 WPS 中“另存为” .docx 后再导入")
            }
            (LegacyWord, Lang::En) => {
                format!("{file} is an old Word (.doc) file: save it as .docx in Word or WPS, then import that")
            }
            (NotAWordDocument(e), Lang::Zh) => format!("{file} 不是可以读取的 Word（.docx）文件（{e}）"),
            (NotAWordDocument(e), Lang::En) => format!("{file} is not a readable Word (.docx) document ({e})"),
            (NotASpreadsheet(e), Lang::Zh) => format!("{file} 不是可以读取的表格文件（{e}）"),
            (NotASpreadsheet(e), Lang::En) => format!("{file} is not a readable workbook ({e})"),
            (ZipTooLarge { declared }, Lang::Zh) => format!(
                "{file} 解压后有 {} MiB，超过 {} MiB 的上限（可能是恶意的压缩炸弹），已拒绝",
                mib(*declared),
                MAX_XLSX_UNCOMPRESSED_BYTES / 1024 / 1024
            ),
            (ZipTooLarge { declared }, Lang::En) => format!(
                "{file} would unpack to {} MiB, over the {} MiB limit (possibly a zip bomb); refused",
                mib(*declared),
                MAX_XLSX_UNCOMPRESSED_BYTES / 1024 / 1024
            ),
            (ZipRatio { entry, ratio }, Lang::Zh) => format!(
                "{file} 中的 {entry} 压缩比为 {ratio}:1，超过 {MAX_XLSX_COMPRESSION_RATIO}:1（可能是恶意的压缩炸弹），已拒绝"
            ),
            (ZipRatio { entry, ratio }, Lang::En) => format!(
                "{file}: entry {entry} is compressed {ratio}:1, over {MAX_XLSX_COMPRESSION_RATIO}:1 (possibly a zip bomb); refused"
            ),
            (NoHeaderRow, Lang::Zh) => format!("{file} 中没有表头行"),
            (NoHeaderRow, Lang::En) => format!("{file} has no header row"),
            (MissingColumns(missing), Lang::Zh) => {
                let list: Vec<String> = missing
                    .iter()
                    .map(|m| {
                        let closest = m.closest.as_ref().map(|c| format!("；表中的「{c}」最接近，是不是这一列？")).unwrap_or_default();
                        format!("「{}」（可用列名：{}{closest}）", m.field.label(lang), m.field.headers().join("、"))
                    })
                    .collect();
                format!("{file} 缺少必填列{}", list.join("、"))
            }
            (MissingColumns(missing), Lang::En) => {
                let list: Vec<String> = missing
                    .iter()
                    .map(|m| {
                        let closest =
                            m.closest.as_ref().map(|c| format!("; the closest header is \"{c}\": is it this one?")).unwrap_or_default();
                        format!("{} (headers: {}{closest})", m.field.label(lang), m.field.headers().join(", "))
                    })
                    .collect();
                format!("{file} lacks the required column(s) {}", list.join("; "))
            }
            (NoQuestions, Lang::Zh) => format!("{file} 中没有题目"),
            (NoQuestions, Lang::En) => format!("{file} holds no questions"),
            (NotJson(e), _) => format!("{file}：{}", e.message(lang)),
            (NotKepuBank, Lang::Zh) => format!("{file} 不是科普答题题库文件（format 应为 kepu-bank）"),
            (NotKepuBank, Lang::En) => format!("{file} is not a kepu-quiz bank file (format must be kepu-bank)"),
            (NewerVersion(v), Lang::Zh) => format!("{file} 的题库格式版本 {v} 比本程序新，请更新程序"),
            (NewerVersion(v), Lang::En) => format!("{file} uses bank format version {v}, newer than this app; please update"),
        }
    }
}

crate::core::english_display!(ImportError);

/// How the fields of a question are named in the file, to point a problem at its column.
#[derive(Clone, Debug, Default)]
pub(crate) struct ColumnNames {
    pub qtype: Option<String>,
    pub stem: Option<String>,
    /// By option index; `all_options` names them when there is no header per option.
    pub options: Vec<Option<String>>,
    pub all_options: Option<String>,
    pub answer: Option<String>,
    pub category: Option<String>,
    pub difficulty: Option<String>,
    pub points: Option<String>,
    pub crowd: Option<String>,
    pub id: Option<String>,
}

impl ColumnNames {
    /// The header of a field's column.
    fn field(&self, field: Field) -> Option<String> {
        match field {
            Field::Type => self.qtype.clone(),
            Field::Stem => self.stem.clone(),
            Field::Options => self.all_options.clone().or_else(|| self.option(0)),
            Field::Answer => self.answer.clone(),
            Field::Explanation => None,
            Field::Category => self.category.clone(),
            Field::Difficulty => self.difficulty.clone(),
            Field::Points => self.points.clone(),
            Field::Crowd => self.crowd.clone(),
            Field::Id => self.id.clone(),
        }
    }

    fn option(&self, index: usize) -> Option<String> {
        self.options.get(index).cloned().flatten().or_else(|| self.all_options.clone())
    }

    fn of(&self, problem: &Problem, raw: &RawQuestion) -> Option<String> {
        let letter_index = |c: &char| (*c as usize).saturating_sub('A' as usize);
        match problem {
            Problem::EmptyStem => self.stem.clone(),
            Problem::UnknownType(_) => self.qtype.clone(),
            Problem::TooFewOptions { found, .. } => self.option(*found).or_else(|| self.option(0)),
            Problem::TooManyOptions(_) => self.option(MAX_OPTIONS),
            Problem::EmptyOption(c) | Problem::DuplicateOption(_, c) => self.option(letter_index(c)),
            Problem::OptionsOnTrueFalse => {
                self.option(raw.options.iter().position(|o| !o.trim().is_empty()).unwrap_or(0))
            }
            Problem::AnswerMissing
            | Problem::AnswerUnreadable(_)
            | Problem::AnswerOutOfRange(_)
            | Problem::SingleNeedsOneAnswer(_)
            | Problem::MultipleNeedsTwoAnswers => self.answer.clone(),
            Problem::DuplicateId(_) => self.id.clone(),
            Problem::UnknownDifficulty(_) => self.difficulty.clone(),
            Problem::UnknownCrowd(_) => self.crowd.clone(),
            Problem::EmptyCategory => self.category.clone(),
        }
    }
}

/// One question as read from a file, before validation.
pub(crate) struct Entry {
    pub sheet: Option<String>,
    pub row: usize,
    pub raw: RawQuestion,
    /// Problems the reader found itself (GIFT syntax), with their column.
    pub problems: Vec<(Option<String>, RowProblem)>,
    /// What the reader read differently from how it was written (bad points).
    pub notes: Vec<RowNote>,
}

impl Entry {
    pub fn new(sheet: Option<String>, row: usize, raw: RawQuestion) -> Entry {
        Entry { sheet, row, raw, problems: Vec::new(), notes: Vec::new() }
    }
}

type ContentKey = (QuestionType, String, Vec<String>);

/// Validates entries one by one into the report: problems mapped to columns, duplicates
/// merged, explicit ids kept unique.
pub(crate) struct Collector {
    report: ImportReport,
    unit: RowUnit,
    /// Type, stem and options of each kept question → its sheet and row.
    by_content: HashMap<ContentKey, (Option<String>, usize)>,
    /// Each kept question's id → the sheet it came from.
    ids: HashMap<String, Option<String>>,
    default_category: usize,
}

impl Collector {
    fn new(file_name: &str, format: ImportFormat) -> Collector {
        Collector {
            report: ImportReport {
                file_name: file_name.to_string(),
                format,
                encoding: None,
                rows_read: 0,
                questions: Vec::new(),
                rejected: Vec::new(),
                duplicates: Vec::new(),
                warnings: Vec::new(),
                notes: Vec::new(),
                skipped: Vec::new(),
            },
            unit: format.unit(),
            by_content: HashMap::new(),
            ids: HashMap::new(),
            default_category: 0,
        }
    }

    pub fn file_name(&self) -> &str {
        &self.report.file_name
    }

    pub fn error(&self, sheet: Option<String>, reason: ImportFailure) -> ImportError {
        ImportError { file_name: self.report.file_name.clone(), sheet, reason }
    }

    pub fn warn(&mut self, warning: ImportWarning) {
        self.report.warnings.push(warning);
    }

    /// A question the reader could not even build; it counts as one row read.
    pub fn reject(&mut self, sheet: Option<String>, row: usize, problems: Vec<(Option<String>, RowProblem)>) {
        self.report.rows_read += 1;
        self.push_rejected(sheet, row, problems);
    }

    fn push_rejected(&mut self, sheet: Option<String>, row: usize, problems: Vec<(Option<String>, RowProblem)>) {
        for (column, problem) in problems {
            self.report.rejected.push(RejectedRow {
                file_name: self.report.file_name.clone(),
                sheet: sheet.clone(),
                row,
                unit: self.unit,
                column,
                problem,
            });
        }
    }

    pub fn add(&mut self, entry: Entry, columns: &ColumnNames) {
        let Entry { sheet, row, mut raw, mut problems, mut notes } = entry;
        if let Some(unused) = layout::unused_type(&raw.qtype) {
            let qtype = unused.to_string();
            self.report.skipped.push(SkippedRow { sheet, row, qtype });
            return;
        }
        self.report.rows_read += 1;
        let (layout_notes, layout_problems) = layout::tidy(&mut raw);
        notes.extend(layout_notes);
        notes.extend(layout::optional_columns(&mut raw));
        let options_column = columns.field(Field::Options);
        problems.extend(layout_problems.into_iter().map(|p| (options_column.clone(), p)));
        match check_question(&raw) {
            Ok(mut q) if problems.is_empty() => {
                let key = (q.qtype, q.stem.clone(), q.options.clone());
                if let Some((same_as_sheet, same_as_row)) = self.by_content.get(&key) {
                    self.report.duplicates.push(DuplicateRow {
                        file_name: self.report.file_name.clone(),
                        sheet,
                        row,
                        unit: self.unit,
                        same_as_sheet: same_as_sheet.clone(),
                        same_as_row: *same_as_row,
                    });
                    return;
                }
                // 编号 restarting in each sheet of a workbook (1…20 per type) is scoped to its sheet.
                let taken_in_another_sheet = self.ids.get(&q.id).is_some_and(|first| *first != sheet);
                if let (true, Some(name), Some(_)) = (taken_in_another_sheet, &sheet, &raw.id) {
                    q.id = format!("{name}-{}", q.id);
                }
                if self.ids.contains_key(&q.id) {
                    let problem = Problem::DuplicateId(q.id.clone());
                    problems.push((columns.of(&problem, &raw), RowProblem::Question(problem)));
                } else {
                    self.ids.insert(q.id.clone(), sheet.clone());
                    self.by_content.insert(key, (sheet.clone(), row));
                    if raw.category.trim().is_empty() {
                        self.default_category += 1;
                    }
                    for note in notes {
                        let column = note.field().and_then(|f| columns.field(f));
                        self.report.notes.push(NotedRow { sheet: sheet.clone(), row, column, note });
                    }
                    self.report.questions.push(q);
                    return;
                }
            }
            Ok(_) => {}
            Err(found) => {
                let options_unsplit = problems.iter().any(|(_, p)| matches!(p, RowProblem::OptionsNotLettered(_)));
                for problem in found {
                    if options_unsplit && matches!(problem, Problem::TooFewOptions { .. }) {
                        continue;
                    }
                    let column = columns.of(&problem, &raw);
                    let problem = match problem {
                        Problem::UnknownType(t) if t.trim().is_empty() => RowProblem::TypeMissing,
                        p => RowProblem::Question(p),
                    };
                    problems.push((column, problem));
                }
            }
        }
        self.push_rejected(sheet, row, problems);
    }

    fn finish(mut self) -> Result<ImportReport, ImportError> {
        if self.report.rows_read == 0 && self.report.skipped.is_empty() {
            return Err(self.error(None, ImportFailure::NoQuestions));
        }
        if self.default_category > 0 {
            let warning = ImportWarning::DefaultCategoryUsed {
                file_name: self.report.file_name.clone(),
                count: self.default_category,
            };
            self.warn(warning);
        }
        Ok(self.report)
    }
}
