//! What the organizer's page is told about an import: the [`ImportReport`] grouped and bounded
//! where it was made (the import worker), so that no file, however many rows it has, sends the
//! page more than a few hundred lines to read and draw. The questions stay with the report in
//! the worker until the organizer saves them.

use serde::{Deserialize, Serialize};

use super::bank::QuestionType;
use super::import::{DuplicateRow, ImportFormat, ImportReport, ImportWarning, RejectedRow, RowProblem};

/// Rows of each kind (rejected, duplicate, warnings) listed one by one; the rest are counted.
pub const LISTED: usize = 100;
/// Categories listed by name; the rest are counted.
pub const CATEGORIES_LISTED: usize = 50;

/// Rejected rows with the same kind of problem in the same column, e.g. 300,000 rows whose
/// 答案 is not a letter of an option.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RejectedGroup {
    /// The kind of problem, e.g. `Question.AnswerOutOfRange`.
    pub kind: String,
    /// How many problems of this kind (a row with two counts twice).
    pub count: usize,
    /// The first of them, which names the column and shows the problem.
    pub example: RejectedRow,
}

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
    /// Every problem of every rejected row.
    pub rejected_problems: usize,
    /// Problems by kind and column, the commonest first, at most [`LISTED`] groups.
    pub rejected_groups: Vec<RejectedGroup>,
    /// The first [`LISTED`] problems.
    pub rejected: Vec<RejectedRow>,
    pub duplicates: usize,
    /// The first [`LISTED`] duplicates.
    pub duplicate_examples: Vec<DuplicateRow>,
    pub warnings: Vec<ImportWarning>,
    /// Warnings beyond those listed.
    pub more_warnings: usize,
}

/// The kind of a row's problem: its variant, and for a question's problem the question
/// problem's variant too (`Question.EmptyStem`).
fn kind(problem: &RowProblem) -> String {
    let variant = |value: serde_json::Value| match value {
        serde_json::Value::String(name) => name,
        serde_json::Value::Object(map) => map.into_iter().next().map(|(name, _)| name).unwrap_or_default(),
        _ => String::new(),
    };
    match problem {
        RowProblem::Question(p) => format!("Question.{}", variant(serde_json::to_value(p).unwrap_or_default())),
        other => variant(serde_json::to_value(other).unwrap_or_default()),
    }
}

impl ImportSummary {
    pub fn of(report: &ImportReport) -> ImportSummary {
        let categories = report.counts_by_category();
        let mut groups: Vec<RejectedGroup> = Vec::new();
        let mut index: std::collections::HashMap<(String, Option<String>), usize> = Default::default();
        for row in &report.rejected {
            let key = (kind(&row.problem), row.column.clone());
            match index.get(&key) {
                Some(&i) => groups[i].count += 1,
                None => {
                    index.insert(key.clone(), groups.len());
                    groups.push(RejectedGroup { kind: key.0, count: 1, example: row.clone() });
                }
            }
        }
        // The commonest first; equal counts in the order first seen.
        groups.sort_by_key(|g| std::cmp::Reverse(g.count));
        groups.truncate(LISTED);
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
            rejected_problems: report.rejected.len(),
            rejected_groups: groups,
            rejected: report.rejected.iter().take(LISTED).cloned().collect(),
            duplicates: report.duplicates.len(),
            duplicate_examples: report.duplicates.iter().take(LISTED).cloned().collect(),
            more_warnings: report.warnings.len().saturating_sub(LISTED),
            warnings: report.warnings.iter().take(LISTED).cloned().collect(),
        }
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
        let summary = ImportSummary::of(&report);
        assert_eq!((summary.rows_read, summary.questions, summary.rejected_rows), (3_125, 120, 3_005));
        assert_eq!(summary.rejected.len(), LISTED);
        assert_eq!(summary.rejected[0], report.rejected[0]);
        assert_eq!(summary.rejected_groups.len(), 2);
        let answer = &summary.rejected_groups[0];
        assert_eq!((answer.count, answer.example.row), (3_000, 2));
        assert_eq!(answer.example.column.as_deref(), Some("答案"));
        assert!(answer.kind.starts_with("Question."), "{}", answer.kind);
        assert_eq!(summary.rejected_groups[1].count, 5);
        assert_eq!(summary.rejected_groups[1].example.column.as_deref(), Some("题干"));
        assert_eq!((summary.by_category.len(), summary.more_categories), (CATEGORIES_LISTED, 70));
        assert_eq!(summary.by_type.iter().map(|(_, n)| n).sum::<usize>(), 120);
        // What crosses to the page stays small, whatever the number of rows.
        let text = serde_json::to_string(&summary).unwrap();
        assert!(text.len() < 60_000, "{} bytes", text.len());
    }
}
