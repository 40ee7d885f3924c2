//! Files for organizers' reports: region counts, the attempt list and item analysis as CSV
//! that Excel and WPS open directly (UTF-8 with BOM, CRLF) or as one-sheet .xlsx workbooks,
//! and their file names. Each report is built once as a table of cells and written either way.
//!
//! Names and stems are typed by people, so every CSV text field is quoted per RFC 4180 when
//! needed and guarded against formula injection; numbers are written as plain numbers. In XLSX, text is
//! an inline string, which a spreadsheet never evaluates, so it is written as typed.

use super::bank::{Bank, QuestionType};
use super::clock::{format_day, format_shanghai, shanghai_day};
use super::csv_io::{guard_formula, CsvWriter};
use super::ledger::Attempt;
use super::region::RegionTable;
use super::stats::{ItemStat, RegionRow};
use super::xlsx_writer::{write_xlsx, Cell, Sheet};
use super::Lang;

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

/// `value` rounded as `{:.decimals$}` shows it, so the XLSX holds the number the CSV shows.
fn rounded(value: f64, decimals: usize) -> f64 {
    format!("{value:.decimals$}").parse().unwrap_or(value)
}

/// A fraction rounded to a tenth of a percent: 2/13 → 0.154, as `15.4%` shows it. Parsed
/// from the decimal text, since dividing by 100 would give 0.33299999999999996 for 1/3.
fn percent_rounded(fraction: f64) -> f64 {
    format!("{:.1}e-2", fraction * 100.0).parse().unwrap_or(fraction)
}

/// The CSV form of a table: text guarded against formulas, empty cells empty, and numbers
/// as `number(column, value)` writes them.
fn table_csv(table: &[Vec<Cell>], number: impl Fn(usize, f64) -> String) -> Vec<u8> {
    let mut csv = CsvWriter::new();
    for row in table {
        csv.record(row.iter().enumerate().map(|(column, cell)| match cell {
            Cell::Text(value) => guard_formula(value).into_owned(),
            Cell::Number(value) => number(column, *value),
            Cell::Empty => String::new(),
        }));
    }
    csv.into_bytes()
}

fn one_sheet(name: &str, rows: Table) -> Vec<u8> {
    write_xlsx(&[Sheet { name: name.to_string(), rows }])
}

/// The 每万人参赛人数 column of [`region_table`], written with two decimals in CSV.
const PER_10K_COLUMN: usize = 5;

/// Participation by region. The 人口 and 每万人参赛人数 columns appear only when some row
/// has a population. The closing 合计 row has an empty code and the totals passed in:
/// distinct people overall, not the sum of the rows.
fn region_table(rows: &[RegionRow], total_participants: usize, total_participations: usize) -> Table {
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
            Cell::Number(r.participants as f64),
            Cell::Number(r.participations as f64),
        ];
        if with_population {
            cells.push(r.population.map_or(Cell::Empty, |p| Cell::Number(p as f64)));
            cells.push(r.per_10k.map_or(Cell::Empty, |v| Cell::Number(rounded(v, 2))));
        }
        table.push(cells);
    }
    let mut total = vec![
        Cell::Empty,
        text("合计"),
        Cell::Number(total_participants as f64),
        Cell::Number(total_participations as f64),
    ];
    if with_population {
        total.extend([Cell::Empty, Cell::Empty]);
    }
    table.push(total);
    table
}

/// Participation by region (the `export-region-csv` file); see [`region_xlsx`] for the columns.
pub fn region_csv(rows: &[RegionRow], total_participants: usize, total_participations: usize) -> Vec<u8> {
    table_csv(&region_table(rows, total_participants, total_participations), |column, v| {
        if column == PER_10K_COLUMN {
            format!("{v:.2}")
        } else {
            v.to_string()
        }
    })
}

/// Participation by region as a one-sheet workbook (地区参赛统计). The 人口 and 每万人参赛人数
/// columns appear only when some row has a population; 每万人参赛人数 is rounded to two
/// decimals. The closing 合计 row has an empty code and the totals passed in: distinct
/// people overall, not the sum of the rows.
pub fn region_xlsx(rows: &[RegionRow], total_participants: usize, total_participations: usize) -> Vec<u8> {
    one_sheet("地区参赛统计", region_table(rows, total_participants, total_participations))
}

/// Every attempt, earliest start first. Phones are already masked in the ledger; times
/// are Asia/Shanghai text; 用时 is whole seconds rounded up, as the result page shows it.
fn attempts_table(attempts: &[Attempt], regions: &RegionTable) -> Table {
    let mut sorted: Vec<&Attempt> = attempts.iter().collect();
    sorted.sort_by(|a, b| a.started_at.cmp(&b.started_at).then_with(|| a.id.cmp(&b.id)));
    let mut table = vec![header(&[
        "姓名",
        "手机",
        "地区代码",
        "地区",
        "人群",
        "开始时间",
        "交卷时间",
        "得分",
        "满分",
        "答对题数",
        "用时(秒)",
    ])];
    for a in sorted {
        let region = a.region.as_deref().unwrap_or("");
        table.push(vec![
            text(&a.name),
            text(a.phone.as_deref().unwrap_or("")),
            text(region),
            text(&if region.is_empty() { String::new() } else { regions.full_name(region) }),
            text(a.crowd.as_deref().unwrap_or("")),
            text(&format_shanghai(a.started_at)),
            text(&format_shanghai(a.finished_at)),
            Cell::Number(a.score.into()),
            Cell::Number(a.max_score.into()),
            Cell::Number(a.correct.into()),
            Cell::Number(((a.time_used_ms.max(0) + 999) / 1000) as f64),
        ]);
    }
    table
}

/// Every attempt, earliest start first. Phones are already masked in the ledger; times
/// are Asia/Shanghai; 用时 is whole seconds rounded up, as the result page shows it.
pub fn attempts_csv(attempts: &[Attempt], regions: &RegionTable) -> Vec<u8> {
    table_csv(&attempts_table(attempts, regions), |_, v| v.to_string())
}

/// The attempt list of [`attempts_csv`] as a one-sheet workbook (答题记录).
pub fn attempts_xlsx(attempts: &[Attempt], regions: &RegionTable) -> Vec<u8> {
    one_sheet("答题记录", attempts_table(attempts, regions))
}

/// The 正确率 and 平均用时(秒) columns of [`items_table`].
const RATE_COLUMN: usize = 6;
const MEAN_SECONDS_COLUMN: usize = 7;

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
                let choice = if q.qtype == QuestionType::TrueFalse {
                    set.indices().map(|i| q.choice_text(i, Lang::Zh)).collect::<Vec<_>>().join("、")
                } else {
                    set.letters()
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
            Cell::Number(item.shown as f64),
            Cell::Number(item.correct as f64),
            Cell::Number(percent_rounded(item.correct_rate)),
            item.mean_seconds.map_or(Cell::Empty, |s| Cell::Number(rounded(s, 1))),
            text(&top_wrong),
            text(item.flag.map(|f| f.label(Lang::Zh)).unwrap_or("")),
        ]);
    }
    table
}

/// Item analysis in the order given (hardest first from `item_analysis`). 正确率 is a
/// percent with one decimal; 最常见错选 reads like `C（4次）` (`错误（4次）` for true/false).
pub fn items_csv(items: &[ItemStat], bank: &Bank) -> Vec<u8> {
    table_csv(&items_table(items, bank), |column, v| match column {
        RATE_COLUMN => format!("{:.1}%", v * 100.0),
        MEAN_SECONDS_COLUMN => format!("{v:.1}"),
        _ => v.to_string(),
    })
}

/// The item analysis of [`items_csv`] as a one-sheet workbook (题目分析); 正确率 is a
/// fraction (0.154 for 15.4%) since the workbook carries no number formats.
pub fn items_xlsx(items: &[ItemStat], bank: &Bank) -> Vec<u8> {
    one_sheet("题目分析", items_table(items, bank))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::clock::parse_shanghai;

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
