//! What the organizer's page is told about an import: the [`ImportReport`]'s grouped lines
//! ([`ImportReport::groups`]) made where the report was made (the import worker) and bounded,
//! so that no file, however many rows it has, sends the page more than a few hundred lines to
//! read and draw. The questions stay with the report in the worker until the organizer saves
//! them.

use serde::{Deserialize, Serialize};

use super::{GroupKind, ImportFormat, ImportReport, ImportWarning, ReportGroup};
use crate::core::model::bank::QuestionType;
use crate::core::Lang;

/// Lines of each kind (rejected, skipped, duplicate, note) and warnings listed; the rest are
/// counted.
pub const LISTED: usize = 100;
/// Categories listed by name; the rest are counted.
pub const CATEGORIES_LISTED: usize = 12;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportSummary {
    pub file_name: String,
    pub format: ImportFormat,
    pub encoding: Option<String>,
    pub rows_read: usize,
    /// Valid questions.
    pub questions: usize,
    /// Valid questions per type, every type listed.
    pub by_type: Vec<(QuestionType, usize)>,
    /// Valid questions per category, in first-seen order, the first [`CATEGORIES_LISTED`].
    pub by_category: Vec<(String, usize)>,
    /// Categories beyond those listed.
    pub more_categories: usize,
    /// Rows rejected (a row once however many problems it has).
    pub rejected_rows: usize,
    pub duplicates: usize,
    /// Rows of types these contests do not use (简答 …), skipped.
    pub skipped: usize,
    /// The report's lines, one per reason, in first-seen order: at most [`LISTED`] of each kind.
    pub groups: Vec<ReportGroup>,
    /// Lines of each kind beyond those listed.
    pub more_groups: Vec<(GroupKind, usize)>,
    pub warnings: Vec<ImportWarning>,
    /// Warnings beyond those listed.
    pub more_warnings: usize,
}

impl ImportSummary {
    pub fn of(report: &ImportReport, lang: Lang) -> ImportSummary {
        let categories = report.counts_by_category();
        let mut groups = Vec::new();
        let mut more_groups: Vec<(GroupKind, usize)> = Vec::new();
        for group in report.groups(lang) {
            if groups.iter().filter(|g: &&ReportGroup| g.kind == group.kind).count() < LISTED {
                groups.push(group);
            } else {
                match more_groups.iter_mut().find(|(k, _)| *k == group.kind) {
                    Some((_, n)) => *n += 1,
                    None => more_groups.push((group.kind, 1)),
                }
            }
        }
        ImportSummary {
            file_name: report.file_name.clone(),
            format: report.format,
            encoding: report.encoding.clone(),
            rows_read: report.rows_read,
            questions: report.questions.len(),
            by_type: report.counts_by_type(),
            more_categories: categories.len().saturating_sub(CATEGORIES_LISTED),
            by_category: categories.into_iter().take(CATEGORIES_LISTED).collect(),
            rejected_rows: report.rejected_row_count(),
            duplicates: report.duplicates.len(),
            skipped: report.skipped.len(),
            groups,
            more_groups,
            more_warnings: report.warnings.len().saturating_sub(LISTED),
            warnings: report.warnings.iter().take(LISTED).cloned().collect(),
        }
    }

    /// Lines of `kind` beyond those listed.
    pub fn more(&self, kind: GroupKind) -> usize {
        self.more_groups.iter().find(|(k, _)| *k == kind).map_or(0, |(_, n)| *n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::import::import_file;

    #[test]
    fn a_report_of_many_bad_rows_is_grouped_and_bounded() {
        let mut csv = String::from("题型,题干,选项A,选项B,答案,分类\n");
        for i in 0..3_000 {
            csv.push_str(&format!("单选,第{i}题？,甲,乙,Z,数学\n"));
        }
        for i in 0..5 {
            csv.push_str(&format!("单选,,甲,乙,A,数学{i}\n"));
        }
        for i in 0..120 {
            csv.push_str(&format!("判断,对的{i}。,,,对,类{i}\n"));
        }
        let report = import_file("题库.csv", csv.as_bytes()).unwrap();
        let summary = ImportSummary::of(&report, Lang::Zh);
        assert_eq!((summary.rows_read, summary.questions, summary.rejected_rows), (3_125, 120, 3_005));
        let rejected: Vec<&ReportGroup> = summary.groups.iter().filter(|g| g.kind == GroupKind::Rejected).collect();
        assert_eq!(rejected.len(), 2, "{rejected:?}");
        assert_eq!(rejected[0].count, 3_000);
        assert!(rejected[0].text.starts_with("第 2–3001 行「答案」列"), "{}", rejected[0].text);
        assert_eq!(rejected[1].count, 5);
        assert!(rejected[1].text.contains("「题干」列"), "{}", rejected[1].text);
        assert_eq!((summary.by_category.len(), summary.more_categories), (CATEGORIES_LISTED, 120 - CATEGORIES_LISTED));
        assert_eq!(summary.by_type.iter().map(|(_, n)| n).sum::<usize>(), 120);
        // What crosses to the page stays small, whatever the number of rows.
        let text = serde_json::to_string(&summary).unwrap();
        assert!(text.len() < 60_000, "{} bytes", text.len());
    }

    #[test]
    fn lines_of_one_kind_beyond_the_listed_are_counted() {
        // Each row's 难度 is a word of its own, so each is a line of its own.
        let mut csv = String::from("题型,题干,选项A,选项B,答案,难度\n");
        for i in 0..(LISTED + 30) {
            csv.push_str(&format!("单选,第{i}题？,甲,乙,A,等级{i}\n"));
        }
        let report = import_file("题库.csv", csv.as_bytes()).unwrap();
        let summary = ImportSummary::of(&report, Lang::Zh);
        assert_eq!(summary.questions, LISTED + 30);
        assert_eq!(summary.groups.iter().filter(|g| g.kind == GroupKind::Note).count(), LISTED);
        assert_eq!(summary.more(GroupKind::Note), 30);
        assert_eq!(summary.more(GroupKind::Rejected), 0);
    }
}
