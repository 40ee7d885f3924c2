//! Files for organizers' reports: region counts, the attempt list and item analysis as CSV
//! that Excel and WPS open directly (UTF-8 with BOM, CRLF) or as one-sheet .xlsx workbooks,
//! and their file names. Each report is built once as a table of typed cells and written
//! either way.
//!
//! Names and stems are typed by people, so every CSV text field is quoted per RFC 4180 when
//! needed and guarded against formula injection. In XLSX (written by `rust_xlsxwriter`) text
//! is a string cell, which a spreadsheet never evaluates, so it is written as typed; counts
//! are numbers, rates are fractions shown as percents, and the bold header row stays in view.

use crate::core::Message;
use rust_xlsxwriter::{Format, RowNum, Workbook, XlsxError};

use crate::core::formats::csv_io::{guard_formula, CsvWriter};
use crate::core::model::bank::Bank;
use crate::core::model::clock::{format_day, format_shanghai, shanghai_day};
use crate::core::model::contest::Stage;
use crate::core::model::region::RegionTable;
use crate::core::play::ledger::{Attempt, PackageRules};
use crate::core::reports::stats::{ItemStat, RegionReport};
use crate::core::Lang;

/// The flag of an attempt played under rules or a bank changed on its device.
pub const CHANGED_ON_DEVICE: &str = "本机修改过规则";

/// One cell of a report, typed so that CSV and XLSX each show it the same way.
#[derive(Clone, Debug, PartialEq)]
enum Cell {
    Empty,
    /// Text as typed.
    Text(String),
    /// `40` in both formats.
    Count(u64),
    /// A measure rounded to `places` decimals: `2.50` in CSV, 2.5 shown as `0.00` in XLSX.
    Decimal {
        value: f64,
        places: usize,
    },
    /// A fraction rounded to a tenth of a percent: `15.4%` in CSV, 0.154 shown as `0.0%`.
    Percent(f64),
}

impl Cell {
    /// A measure rounded as `{:.places$}` shows it, so the XLSX holds the number the CSV shows.
    fn decimal(value: f64, places: usize) -> Cell {
        Cell::Decimal { value: format!("{value:.places$}").parse().unwrap_or(value), places }
    }

    /// 2/13 → 0.154, as `15.4%` shows it. Parsed from the decimal text, since dividing by 100
    /// would give 0.33299999999999996 for 1/3.
    fn percent(fraction: f64) -> Cell {
        Cell::Percent(format!("{:.1}e-2", fraction * 100.0).parse().unwrap_or(fraction))
    }

    fn count(value: impl Into<u64>) -> Cell {
        Cell::Count(value.into())
    }

    /// The text of the cell in CSV, and what a spreadsheet shows of it in XLSX.
    fn shown(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(value) => value.clone(),
            Cell::Count(value) => value.to_string(),
            Cell::Decimal { value, places } => format!("{value:.places$}"),
            Cell::Percent(fraction) => format!("{:.1}%", fraction * 100.0),
        }
    }
}

/// A report as a table: the header row, then the data rows. CSV and XLSX are written from
/// the same table, so their columns cannot drift apart.
type Table = Vec<Vec<Cell>>;

/// Text, or an empty cell for empty text.
fn text(value: &str) -> Cell {
    if value.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(value.to_string())
    }
}

fn header(names: &[&str]) -> Vec<Cell> {
    names.iter().map(|name| text(name)).collect()
}

/// The CSV form of a table: text guarded against formulas, everything else as [`Cell::shown`].
fn table_csv(table: &[Vec<Cell>]) -> Vec<u8> {
    let mut csv = CsvWriter::new();
    for row in table {
        csv.record(row.iter().map(|cell| match cell {
            Cell::Text(value) => guard_formula(value).into_owned(),
            number => number.shown(),
        }));
    }
    csv.into_bytes()
}

/// A workbook that could not be written: Excel holds at most 1,048,576 rows and 32,767
/// characters in a cell. The CSV of the same report has no such limits.
#[derive(Debug)]
pub struct XlsxExportError(XlsxError);

impl Message for XlsxExportError {
    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!("无法生成 Excel 文件（{}），请改为下载 CSV", self.0),
            Lang::En => format!("cannot write the Excel file ({}); download the CSV instead", self.0),
        }
    }
}

impl From<XlsxError> for XlsxExportError {
    fn from(e: XlsxError) -> Self {
        XlsxExportError(e)
    }
}

/// The widest a column is made, in Excel's units (the width of a `0`); longer text still
/// shows in full when its cell is selected.
const MAX_COLUMN_WIDTH: usize = 50;

/// Whether a character takes two columns on screen: CJK ideographs, kana, hangul and
/// full-width forms (East Asian Wide and Fullwidth).
fn is_wide(c: char) -> bool {
    matches!(c,
        '\u{1100}'..='\u{115F}'
        | '\u{2E80}'..='\u{A4CF}'
        | '\u{AC00}'..='\u{D7A3}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FE30}'..='\u{FE4F}'
        | '\u{FF00}'..='\u{FF60}'
        | '\u{FFE0}'..='\u{FFE6}'
        | '\u{20000}'..='\u{3FFFD}')
}

/// The width of the longest line of `text`, counting a wide character as two.
fn display_width(text: &str) -> usize {
    text.lines().map(|line| line.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()).max().unwrap_or(0)
}

/// Widths that fit each column's widest cell with a margin of two, at most [`MAX_COLUMN_WIDTH`].
fn column_widths(table: &[Vec<Cell>]) -> Vec<usize> {
    let mut widths: Vec<usize> = Vec::new();
    for row in table {
        widths.resize(widths.len().max(row.len()), 0);
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(display_width(&cell.shown()));
        }
    }
    widths.into_iter().map(|w| (w + 2).min(MAX_COLUMN_WIDTH)).collect()
}

/// The table as the one sheet `name` of a workbook: the first row bold and frozen, numbers
/// as numbers with the number formats of [`Cell`], columns as wide as [`column_widths`].
fn table_xlsx(name: &str, table: &[Vec<Cell>]) -> Result<Vec<u8>, XlsxExportError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(name)?;
    let bold = Format::new().set_bold();
    let percent = Format::new().set_num_format("0.0%");
    let decimals = |places: usize| Format::new().set_num_format(format!("0.{}", "0".repeat(places)));
    for (r, row) in table.iter().enumerate() {
        // Past u32, the row is past Excel's limit too, and rust_xlsxwriter says so.
        let r = RowNum::try_from(r).unwrap_or(RowNum::MAX);
        for (c, cell) in (0..).zip(row) {
            match cell {
                Cell::Empty => continue,
                Cell::Text(value) if r == 0 => sheet.write_string_with_format(r, c, value, &bold),
                Cell::Text(value) => sheet.write_string(r, c, value),
                Cell::Count(value) => sheet.write_number(r, c, *value as f64),
                Cell::Decimal { value, places } => sheet.write_number_with_format(r, c, *value, &decimals(*places)),
                Cell::Percent(value) => sheet.write_number_with_format(r, c, *value, &percent),
            }?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    for (c, width) in (0..).zip(column_widths(table)) {
        sheet.set_column_width(c, width as f64)?;
    }
    Ok(workbook.save_to_buffer()?)
}

/// Participation by region. The 人口 and 每万人参赛人数 columns appear only when some row
/// has a population; 每万人参赛人数 is rounded to two decimals. The closing 合计 row has an
/// empty code and the report's totals: distinct people overall, not the sum of the rows.
fn region_table(report: &RegionReport) -> Table {
    let rows = &report.rows;
    let with_population = rows.iter().any(|r| r.population.is_some());
    let mut names = vec!["地区代码", "地区", "参赛人数", "参赛人次"];
    if with_population {
        names.extend(["人口", "每万人参赛人数"]);
    }
    let mut table = vec![header(&names)];
    for r in rows {
        let mut cells = vec![
            text(&r.code),
            text(&r.name),
            Cell::count(r.participants as u64),
            Cell::count(r.participations as u64),
        ];
        if with_population {
            cells.push(r.population.map_or(Cell::Empty, Cell::count));
            cells.push(r.per_10k.map_or(Cell::Empty, |v| Cell::decimal(v, 2)));
        }
        table.push(cells);
    }
    let mut total = vec![
        Cell::Empty,
        text("合计"),
        Cell::count(report.participants as u64),
        Cell::count(report.participations as u64),
    ];
    if with_population {
        total.extend([Cell::Empty, Cell::Empty]);
    }
    table.push(total);
    table
}

/// Participation by region (the `export-region-csv` file); see [`region_table`] for the columns.
pub fn region_csv(report: &RegionReport) -> Vec<u8> {
    table_csv(&region_table(report))
}

/// The region counts of [`region_csv`] as a one-sheet workbook (地区参赛统计).
pub fn region_xlsx(report: &RegionReport) -> Result<Vec<u8>, XlsxExportError> {
    table_xlsx("地区参赛统计", &region_table(report))
}

/// Every attempt, earliest start first. 参赛者编号 is the participant id (a person key or a
/// random id: no phone is kept, see `participant`); times are Asia/Shanghai text; 用时 is
/// whole seconds rounded up, as the result page shows it; 规则 says 本机修改过规则 for an
/// attempt played under rules or a bank changed on its device (see [`PackageRules`]). A
/// contest in stages adds 阶段: the title of the stage an attempt was played in (its id when
/// the contest no longer names it).
fn attempts_table(attempts: &[Attempt], regions: &RegionTable, package: &PackageRules, stages: &[Stage]) -> Table {
    let mut sorted: Vec<&Attempt> = attempts.iter().collect();
    sorted.sort_by(|a, b| a.started_at.cmp(&b.started_at).then_with(|| a.id.cmp(&b.id)));
    let with_stage = !stages.is_empty() || attempts.iter().any(|a| a.stage.is_some());
    let stage_title = |id: &str| stages.iter().find(|s| s.id == id).map_or(id, |s| s.title.as_str()).to_string();
    let mut columns = vec![
        "姓名",
        "参赛者编号",
        "地区代码",
        "地区",
        "人群",
        "开始时间",
        "交卷时间",
        "得分",
        "满分",
        "答对题数",
        "用时(秒)",
        "规则",
    ];
    if with_stage {
        columns.push("阶段");
    }
    let mut table = vec![header(&columns)];
    for a in sorted {
        let region = a.region.as_deref().unwrap_or("");
        let mut row = vec![
            text(&a.name),
            text(&a.participant_id),
            text(region),
            text(&if region.is_empty() { String::new() } else { regions.full_name(region) }),
            text(a.crowd.as_deref().unwrap_or("")),
            text(&format_shanghai(a.started_at)),
            text(&format_shanghai(a.finished_at)),
            Cell::count(a.score),
            Cell::count(a.max_score),
            Cell::count(a.correct),
            Cell::count(((a.time_used_ms.max(0) + 999) / 1000) as u64),
            text(if package.changed_on_device(a) { CHANGED_ON_DEVICE } else { "" }),
        ];
        if with_stage {
            row.push(text(&a.stage.as_deref().map(stage_title).unwrap_or_default()));
        }
        table.push(row);
    }
    table
}

/// Every attempt, earliest start first; see [`attempts_table`] for the columns.
pub fn attempts_csv(attempts: &[Attempt], regions: &RegionTable, package: &PackageRules, stages: &[Stage]) -> Vec<u8> {
    table_csv(&attempts_table(attempts, regions, package, stages))
}

/// The attempt list of [`attempts_csv`] as a one-sheet workbook (答题记录).
pub fn attempts_xlsx(
    attempts: &[Attempt],
    regions: &RegionTable,
    package: &PackageRules,
    stages: &[Stage],
) -> Result<Vec<u8>, XlsxExportError> {
    table_xlsx("答题记录", &attempts_table(attempts, regions, package, stages))
}

/// Item analysis in the order given (hardest first from `item_analysis`). 正确率 is a
/// fraction rounded to a tenth of a percent; 平均用时 is rounded to a tenth of a second;
/// 最常见错选 reads like `C（4次）` (`错误（4次）` for true/false).
fn items_table(items: &[ItemStat], bank: &Bank) -> Table {
    let mut table = vec![header(&[
        "题目编号",
        "题型",
        "分类",
        "题干",
        "作答次数",
        "答对次数",
        "正确率",
        "平均用时(秒)",
        "最常见错选",
        "提示",
    ])];
    for item in items {
        let q = bank.get(&item.qid);
        let top_wrong = match (item.top_wrong, q) {
            (Some((set, n)), Some(q)) => {
                let choice = if q.qtype.has_written_options() {
                    set.letters()
                } else {
                    set.indices().map(|i| q.choice_text(i, Lang::Zh)).collect::<Vec<_>>().join("、")
                };
                format!("{choice}（{n}次）")
            }
            (Some((set, n)), None) => format!("{}（{n}次）", set.letters()),
            (None, _) => String::new(),
        };
        table.push(vec![
            text(&item.qid),
            text(q.map(|q| q.qtype.label(Lang::Zh)).unwrap_or("")),
            text(q.map(|q| q.category.as_str()).unwrap_or("")),
            text(q.map(|q| q.stem.as_str()).unwrap_or("")),
            Cell::count(item.shown as u64),
            Cell::count(item.correct as u64),
            Cell::percent(item.correct_rate),
            item.mean_seconds.map_or(Cell::Empty, |s| Cell::decimal(s, 1)),
            text(&top_wrong),
            text(item.flag.map(|f| f.label(Lang::Zh)).unwrap_or("")),
        ]);
    }
    table
}

/// Item analysis in the order given (hardest first from `item_analysis`); see
/// [`items_table`] for the columns.
pub fn items_csv(items: &[ItemStat], bank: &Bank) -> Vec<u8> {
    table_csv(&items_table(items, bank))
}

/// The item analysis of [`items_csv`] as a one-sheet workbook (题目分析).
pub fn items_xlsx(items: &[ItemStat], bank: &Bank) -> Result<Vec<u8>, XlsxExportError> {
    table_xlsx("题目分析", &items_table(items, bank))
}

/// `kepu-demo_地区参赛统计_2026-11-23.csv`: contest id, report kind and the Asia/Shanghai
/// date of `now_ms`, with characters that are unsafe in file names left out.
pub fn report_file_name(contest_id: &str, kind: &str, extension: &str, now_ms: i64) -> String {
    let id = match safe_file_part(contest_id) {
        s if s.is_empty() => "kepu".to_string(),
        s => s,
    };
    let kind = safe_file_part(kind);
    let date = format_day(shanghai_day(now_ms));
    if kind.is_empty() {
        format!("{id}_{date}.{extension}")
    } else {
        format!("{id}_{kind}_{date}.{extension}")
    }
}

fn safe_file_part(text: &str) -> String {
    let kept: String = text
        .chars()
        .filter(|c| {
            !c.is_control() && !c.is_whitespace() && !matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|')
        })
        .collect();
    kept.trim_matches('.').to_string()
}

crate::core::english_display!(XlsxExportError);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::clock::parse_shanghai;

    #[test]
    fn widths_count_wide_characters_twice_and_take_the_longest_line() {
        assert_eq!(display_width("=1+1\n等于几？"), 8);
        assert_eq!(display_width("ＡB 한글かな"), 12);
        assert_eq!(display_width(""), 0);
        let table = vec![
            vec![text("题干"), text("n")],
            vec![text(&"长".repeat(30)), Cell::percent(1.0)],
            vec![Cell::Empty, Cell::decimal(1.0 / 3.0, 2), text("第三列")],
        ];
        // 60 is capped at 50; "100.0%" is 6; the third column only has data.
        assert_eq!(column_widths(&table), [50, 8, 8]);
    }

    #[test]
    fn file_names_use_shanghai_date_and_safe_characters() {
        // 2026-11-23 23:30 in Shanghai is still the 23rd there (15:30 UTC).
        let late = parse_shanghai("2026-11-23 23:30").unwrap();
        assert_eq!(report_file_name("kepu-demo", "地区参赛统计", "csv", late), "kepu-demo_地区参赛统计_2026-11-23.csv");
        assert_eq!(
            report_file_name("kepu-demo", "地区参赛统计", "csv", late + 30 * 60_000),
            "kepu-demo_地区参赛统计_2026-11-24.csv"
        );
        assert_eq!(report_file_name("../a/b:c*?\"<>| d", "答题记录", "xlsx", late), "abcd_答题记录_2026-11-23.xlsx");
        assert_eq!(report_file_name("///", "题目分析", "csv", late), "kepu_题目分析_2026-11-23.csv");
    }
}
