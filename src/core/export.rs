//! Files for organizers' reports: region counts, the attempt list and item analysis as CSV
//! that Excel and WPS open directly (UTF-8 with BOM, CRLF), and their file names.
//!
//! Names and stems are typed by people, so every text field is escaped per RFC 4180 and
//! guarded against formula injection; numbers are written as plain numbers.

use super::bank::{Bank, QuestionType};
use super::clock::{format_day, format_shanghai, shanghai_day};
use super::ledger::Attempt;
use super::region::RegionTable;
use super::stats::{ItemStat, RegionRow};
use super::Lang;

const BOM: &str = "\u{feff}";

/// One CSV text field: a leading `=` `+` `-` `@` tab or CR gets an apostrophe so a
/// spreadsheet shows it as text instead of running it; then RFC 4180 quoting.
pub fn csv_text(value: &str) -> String {
    let guarded =
        if value.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{value}") } else { value.to_string() };
    if guarded.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// A CSV document being written: BOM first, CRLF after every row.
struct CsvWriter(String);

impl CsvWriter {
    fn new() -> CsvWriter {
        CsvWriter(BOM.to_string())
    }

    /// Cells are already escaped (text through [`csv_text`]) or numbers.
    fn row<S: AsRef<str>>(&mut self, cells: &[S]) {
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                self.0.push(',');
            }
            self.0.push_str(cell.as_ref());
        }
        self.0.push_str("\r\n");
    }

    fn into_bytes(self) -> Vec<u8> {
        self.0.into_bytes()
    }
}

/// Participation by region (the `export-region-csv` file). The 人口 and 每万人参赛人数
/// columns appear only when some row has a population. The closing 合计 row has an empty
/// code and the totals passed in: distinct people overall, not the sum of the rows.
pub fn region_csv(rows: &[RegionRow], total_participants: usize, total_participations: usize) -> Vec<u8> {
    let with_population = rows.iter().any(|r| r.population.is_some());
    let mut csv = CsvWriter::new();
    let mut header = vec!["地区代码", "地区", "参赛人数", "参赛人次"];
    if with_population {
        header.extend(["人口", "每万人参赛人数"]);
    }
    csv.row(&header);
    for r in rows {
        let mut cells =
            vec![csv_text(&r.code), csv_text(&r.name), r.participants.to_string(), r.participations.to_string()];
        if with_population {
            cells.push(r.population.map(|p| p.to_string()).unwrap_or_default());
            cells.push(r.per_10k.map(|v| format!("{v:.2}")).unwrap_or_default());
        }
        csv.row(&cells);
    }
    let mut total =
        vec![String::new(), "合计".to_string(), total_participants.to_string(), total_participations.to_string()];
    if with_population {
        total.extend([String::new(), String::new()]);
    }
    csv.row(&total);
    csv.into_bytes()
}

/// Every attempt, earliest start first. Phones are already masked in the ledger; times
/// are Asia/Shanghai; 用时 is whole seconds rounded up, as the result page shows it.
pub fn attempts_csv(attempts: &[Attempt], regions: &RegionTable) -> Vec<u8> {
    let mut sorted: Vec<&Attempt> = attempts.iter().collect();
    sorted.sort_by(|a, b| a.started_at.cmp(&b.started_at).then_with(|| a.id.cmp(&b.id)));
    let mut csv = CsvWriter::new();
    csv.row(&[
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
    ]);
    for a in sorted {
        let region = a.region.as_deref().unwrap_or("");
        csv.row(&[
            csv_text(&a.name),
            csv_text(a.phone.as_deref().unwrap_or("")),
            csv_text(region),
            csv_text(&if region.is_empty() { String::new() } else { regions.full_name(region) }),
            csv_text(a.crowd.as_deref().unwrap_or("")),
            format_shanghai(a.started_at),
            format_shanghai(a.finished_at),
            a.score.to_string(),
            a.max_score.to_string(),
            a.correct.to_string(),
            ((a.time_used_ms.max(0) + 999) / 1000).to_string(),
        ]);
    }
    csv.into_bytes()
}

/// Item analysis in the order given (hardest first from `item_analysis`). 正确率 is a
/// percent with one decimal; 最常见错选 reads like `C（4次）` (`错误（4次）` for true/false).
pub fn items_csv(items: &[ItemStat], bank: &Bank) -> Vec<u8> {
    let mut csv = CsvWriter::new();
    csv.row(&[
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
    ]);
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
        csv.row(&[
            csv_text(&item.qid),
            csv_text(q.map(|q| q.qtype.label(Lang::Zh)).unwrap_or("")),
            csv_text(q.map(|q| q.category.as_str()).unwrap_or("")),
            csv_text(q.map(|q| q.stem.as_str()).unwrap_or("")),
            item.shown.to_string(),
            item.correct.to_string(),
            format!("{:.1}%", item.correct_rate * 100.0),
            item.mean_seconds.map(|s| format!("{s:.1}")).unwrap_or_default(),
            csv_text(&top_wrong),
            csv_text(item.flag.map(|f| f.label(Lang::Zh)).unwrap_or("")),
        ]);
    }
    csv.into_bytes()
}

/// `kepu-demo_地区参赛统计_2026-11-23.csv`: contest id, report kind and the Asia/Shanghai
/// date of `now_ms`, with characters that are unsafe in file names left out.
pub fn report_file_name(contest_id: &str, kind: &str, now_ms: i64) -> String {
    let id = match safe_file_part(contest_id) {
        s if s.is_empty() => "kepu".to_string(),
        s => s,
    };
    let kind = safe_file_part(kind);
    let date = format_day(shanghai_day(now_ms));
    if kind.is_empty() {
        format!("{id}_{date}.csv")
    } else {
        format!("{id}_{kind}_{date}.csv")
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
    fn rfc4180_quoting() {
        assert_eq!(csv_text("张三"), "张三");
        assert_eq!(csv_text("张,三"), "\"张,三\"");
        assert_eq!(csv_text("他说\"好\""), "\"他说\"\"好\"\"\"");
        assert_eq!(csv_text("两\n行"), "\"两\n行\"");
        assert_eq!(csv_text("回车\r"), "\"回车\r\"");
        assert_eq!(csv_text(""), "");
    }

    #[test]
    fn formula_injection_guard() {
        assert_eq!(csv_text("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
        assert_eq!(csv_text("+86 138"), "'+86 138");
        assert_eq!(csv_text("-1"), "'-1");
        assert_eq!(csv_text("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_text("\tcmd"), "'\tcmd");
        assert_eq!(csv_text("\rcmd"), "\"'\rcmd\"");
        assert_eq!(csv_text("a=b"), "a=b", "only a leading sign matters");
    }

    #[test]
    fn file_names_use_shanghai_date_and_safe_characters() {
        // 2026-11-23 23:30 in Shanghai is still the 23rd there (15:30 UTC).
        let late = parse_shanghai("2026-11-23 23:30").unwrap();
        assert_eq!(report_file_name("kepu-demo", "地区参赛统计", late), "kepu-demo_地区参赛统计_2026-11-23.csv");
        assert_eq!(
            report_file_name("kepu-demo", "地区参赛统计", late + 30 * 60_000),
            "kepu-demo_地区参赛统计_2026-11-24.csv"
        );
        assert_eq!(report_file_name("../a/b:c*?\"<>| d", "答题记录", late), "abcd_答题记录_2026-11-23.csv");
        assert_eq!(report_file_name("///", "题目分析", late), "kepu_题目分析_2026-11-23.csv");
    }
}
