//! Importing question banks from organizers' files: CSV and XLSX by the template of
//! `spec/import-template.md`, our own `kepu-bank` JSON, and Moodle's GIFT and Aiken.
//!
//! Every format ends in one [`ImportReport`]: the valid questions in file order, every
//! rejected row with its place (sheet, row as Excel shows it, column header) and all of its
//! problems, duplicates merged, and warnings. Validation itself is `bank::check_question`, so
//! the rules live in one place. Nothing is saved here: the organizer confirms first.

mod aiken;
mod gift;
mod json;
mod sheet;
mod text;
mod xlsx;

use crate::core::codec::DecodeError;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::fmt;

use super::bank::{check_question, Bank, BankError, Problem, Question, QuestionType, RawQuestion, MAX_OPTIONS};
use super::Lang;

pub use sheet::Field;

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
    Gift,
    Aiken,
}

impl ImportFormat {
    pub fn label(self) -> &'static str {
        match self {
            ImportFormat::Json => "JSON",
            ImportFormat::Csv => "CSV",
            ImportFormat::Xlsx => "Excel (XLSX)",
            ImportFormat::Gift => "GIFT",
            ImportFormat::Aiken => "Aiken",
        }
    }

    /// How a place in a file of this format is counted.
    fn unit(self) -> RowUnit {
        match self {
            ImportFormat::Csv | ImportFormat::Xlsx => RowUnit::Row,
            ImportFormat::Gift | ImportFormat::Aiken => RowUnit::Line,
            ImportFormat::Json => RowUnit::Question,
        }
    }
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

/// By extension first (.json .csv .txt .xlsx .gift), then by sniffing the content.
///
/// A `.csv` or `.txt` that is really a zip (an XLSX renamed) is read as XLSX; a `.txt` is a
/// tab-separated table when its first line has the template's headers (Excel's "Unicode
/// text"), else Aiken or GIFT by their markers, else Aiken.
pub fn detect_format(file_name: &str, bytes: &[u8]) -> Option<ImportFormat> {
    let extension = file_name.rsplit_once('.').map(|(_, e)| e.trim().to_ascii_lowercase()).unwrap_or_default();
    let is_zip = bytes.starts_with(b"PK\x03\x04");
    match extension.as_str() {
        "json" => Some(ImportFormat::Json),
        "xlsx" | "xlsm" => Some(ImportFormat::Xlsx),
        "gift" => Some(ImportFormat::Gift),
        "csv" | "tsv" if is_zip => Some(ImportFormat::Xlsx),
        "csv" | "tsv" => Some(ImportFormat::Csv),
        "txt" if is_zip => Some(ImportFormat::Xlsx),
        "txt" => {
            let (text, _) = text::decode(bytes);
            Some(sniff_text(&text).filter(|f| *f != ImportFormat::Json).unwrap_or(ImportFormat::Aiken))
        }
        _ if is_zip => Some(ImportFormat::Xlsx),
        _ => sniff_text(&text::decode(bytes).0),
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
    if bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        return Err(fail(ImportFailure::LegacyExcel));
    }
    let format = detect_format(file_name, bytes).ok_or_else(|| fail(ImportFailure::UnknownFormat))?;
    let mut out = Collector::new(file_name, format);
    if format == ImportFormat::Xlsx {
        xlsx::import(bytes, &mut out)?;
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
            ImportFormat::Xlsx => unreachable!("handled above"),
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

impl RejectedRow {
    pub fn message(&self, lang: Lang) -> String {
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
            let unit = if unit == RowUnit::Question { "题" } else { "行" };
            format!("{file}{sheet}第 {row} {unit}")
        }
        Lang::En => {
            let sheet = sheet.map(|s| format!(", sheet {s},")).unwrap_or_default();
            let unit = match unit {
                RowUnit::Row => "row",
                RowUnit::Line => "line",
                RowUnit::Question => "question",
            };
            format!("{file}{sheet} {unit} {row}")
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

impl DuplicateRow {
    pub fn message(&self, lang: Lang) -> String {
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
}

impl RowProblem {
    pub fn message(&self, lang: Lang) -> String {
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

impl ImportWarning {
    pub fn message(&self, lang: Lang) -> String {
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
    /// An .xls (or WPS .et) binary workbook.
    LegacyExcel,
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
    MissingColumns(Vec<Field>),
    /// Header and data rows fine, but not one question in them.
    NoQuestions,
    NotJson(DecodeError),
    NotKepuBank,
    NewerVersion(u32),
}

impl ImportError {
    pub fn message(&self, lang: Lang) -> String {
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
                format!("无法识别 {file} 的格式：请使用 Excel（.xlsx）、CSV、JSON 题库、GIFT 或 Aiken 文件")
            }
            (UnknownFormat, Lang::En) => {
                format!("the format of {file} is not recognised: use Excel (.xlsx), CSV, a JSON bank, GIFT or Aiken")
            }
            (NotText, Lang::Zh) => format!(
                "{file} 不是文本文件：里面是二进制数据（可能是图片、Word 文档或压缩包改了扩展名）。请在 Excel 或 WPS 中打开题库，另存为 .xlsx 或 CSV 后再导入"
            ),
            (NotText, Lang::En) => format!(
                "{file} is not a text file: it holds binary data (perhaps a picture, a document or an archive renamed). Open the bank in Excel or WPS, save it as .xlsx or CSV, and import that"
            ),
            (LegacyExcel, Lang::Zh) => {
                format!("{file} 是旧版 Excel（.xls）文件：请在 Excel 或 WPS 中“另存为” .xlsx 或 CSV 后再导入")
            }
            (LegacyExcel, Lang::En) => {
                format!("{file} is an old Excel (.xls) workbook: save it as .xlsx or CSV in Excel or WPS, then import that")
            }
            (NotASpreadsheet(e), Lang::Zh) => format!("{file} 不是可以读取的 .xlsx 表格（{e}）"),
            (NotASpreadsheet(e), Lang::En) => format!("{file} is not a readable .xlsx workbook ({e})"),
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
            (MissingColumns(fields), Lang::Zh) => {
                let list: Vec<String> =
                    fields.iter().map(|f| format!("「{}」（可用列名：{}）", f.label(lang), f.headers().join("、"))).collect();
                format!("{file} 缺少必填列{}", list.join("、"))
            }
            (MissingColumns(fields), Lang::En) => {
                let list: Vec<String> =
                    fields.iter().map(|f| format!("{} (headers: {})", f.label(lang), f.headers().join(", "))).collect();
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

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for ImportError {}

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
    /// Problems the reader found itself (bad points, GIFT syntax), with their column.
    pub problems: Vec<(Option<String>, RowProblem)>,
}

type ContentKey = (QuestionType, String, Vec<String>);

/// Validates entries one by one into the report: problems mapped to columns, duplicates
/// merged, explicit ids kept unique.
pub(crate) struct Collector {
    report: ImportReport,
    unit: RowUnit,
    /// Type, stem and options of each kept question → its sheet and row.
    by_content: HashMap<ContentKey, (Option<String>, usize)>,
    ids: HashSet<String>,
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
            },
            unit: format.unit(),
            by_content: HashMap::new(),
            ids: HashSet::new(),
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
        self.report.rows_read += 1;
        let Entry { sheet, row, raw, mut problems } = entry;
        match check_question(&raw) {
            Ok(q) if problems.is_empty() => {
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
                if !self.ids.insert(q.id.clone()) {
                    let problem = Problem::DuplicateId(q.id.clone());
                    problems.push((columns.of(&problem, &raw), RowProblem::Question(problem)));
                } else {
                    self.by_content.insert(key, (sheet, row));
                    if raw.category.trim().is_empty() {
                        self.default_category += 1;
                    }
                    self.report.questions.push(q);
                    return;
                }
            }
            Ok(_) => {}
            Err(found) => {
                for problem in found {
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
        if self.report.rows_read == 0 {
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
