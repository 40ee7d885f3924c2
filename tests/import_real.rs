//! The importers against real-world-shaped banks (issue 19): the fixtures of
//! `tests/fixtures/import/real/` (written by `make_real.py` there) and workbooks and
//! documents built here, each in the shape of a template organizers were seen to use
//! (`docs/import.md` lists them).

use std::fs;

use kepu_quiz::core::bank::{AnswerSet, Difficulty, QuestionType};
use kepu_quiz::core::import::{header_aliases, import_file, Field, ImportError, ImportFailure, ImportReport};
use kepu_quiz::core::Lang;

const DIR: &str = "tests/fixtures/import/real";

fn fixture(name: &str) -> Vec<u8> {
    fs::read(format!("{DIR}/{name}")).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn import(name: &str) -> ImportReport {
    import_bytes(name, &fixture(name))
}

fn import_bytes(name: &str, bytes: &[u8]) -> ImportReport {
    import_file(name, bytes).unwrap_or_else(|e| panic!("{}", e.message(Lang::Zh)))
}

fn failure(name: &str, bytes: &[u8]) -> ImportError {
    match import_file(name, bytes) {
        Ok(report) => panic!("{name} imported: {report:?}"),
        Err(e) => e,
    }
}

fn rejected(report: &ImportReport) -> Vec<String> {
    report.rejected.iter().map(|r| r.message(Lang::Zh)).collect()
}

// (1) Header recognition.

#[test]
fn questionnaire_headers_are_recognised() {
    let report = import("headers-questionnaire.csv");
    assert!(report.rejected.is_empty(), "{:?}", rejected(&report));
    let q = &report.questions;
    assert_eq!(q.len(), 3);
    assert_eq!(q[0].stem, "我国的法定计量单位中，长度的基本单位是");
    assert_eq!(q[0].options, ["米", "厘米", "千米", "尺"]);
    assert_eq!((q[0].answer, q[0].difficulty), (AnswerSet(1), Difficulty::Easy));
    assert_eq!(q[0].explanation, "米是国际单位制的基本单位。");
    assert_eq!(q[0].category, "第一章 计量", "章节 is the category");
    assert_eq!((q[1].qtype, q[1].options.len(), q[1].answer), (QuestionType::Multiple, 5, AnswerSet(0b1011)));
    assert_eq!(q[2].difficulty, Difficulty::Hard, "难易度 is the difficulty");
    assert!(q.iter().all(|q| q.id.starts_with('q')), "序号 is a row number, not an id");
    let warnings: Vec<String> = report.warnings.iter().map(|w| w.message(Lang::Zh)).collect();
    assert_eq!(warnings, ["headers-questionnaire.csv 中这些列无法识别，已忽略：备注"]);
}

#[test]
fn english_headers_are_recognised() {
    let report = import("headers-english.csv");
    assert!(report.rejected.is_empty(), "{:?}", rejected(&report));
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    let q = &report.questions;
    assert_eq!((q[0].qtype, q[0].answer, q[0].category.as_str()), (QuestionType::Single, AnswerSet(2), "Biology"));
    assert_eq!((q[1].qtype, q[1].difficulty), (QuestionType::Multiple, Difficulty::Medium));
}

#[test]
fn a_missing_required_column_names_the_closest_header() {
    let e = failure("headers-misspelt.csv", &fixture("headers-misspelt.csv"));
    let ImportFailure::MissingColumns(missing) = &e.reason else { panic!("{e:?}") };
    assert_eq!(missing.len(), 1);
    assert_eq!((missing[0].field, missing[0].closest.as_deref()), (Field::Stem, Some("题目描述")));
    let message = e.message(Lang::Zh);
    assert!(message.contains("缺少必填列「题干」"), "{message}");
    assert!(message.contains("表中的「题目描述」最接近"), "{message}");
    assert!(e.message(Lang::En).contains("the closest header is \"题目描述\""), "{}", e.message(Lang::En));
}

#[test]
fn every_alias_is_documented_with_its_source() {
    let docs = fs::read_to_string("docs/import.md").unwrap();
    for (header, _, seen_in) in header_aliases() {
        assert!(docs.contains(&format!("`{header}`")), "docs/import.md lacks the alias {header}");
        assert!(!seen_in.is_empty());
    }
}

// (2) 判断 with options.

#[test]
fn true_false_with_options_in_either_order_and_any_answer_notation() {
    let report = import("judge-options-gbk.csv");
    assert_eq!(report.encoding.as_deref(), Some("GB18030"));
    assert!(report.rejected.is_empty(), "{:?}", rejected(&report));
    let answers: Vec<(QuestionType, AnswerSet, usize)> =
        report.questions.iter().map(|q| (q.qtype, q.answer, q.options.len())).collect();
    use QuestionType::*;
    let (t, f) = (AnswerSet::TRUE, AnswerSet::FALSE);
    assert_eq!(
        answers,
        [
            (TrueFalse, f, 0),
            (TrueFalse, t, 0),
            (TrueFalse, f, 0),
            (TrueFalse, t, 0),
            (TrueFalse, f, 0),
            (TrueFalse, t, 0),
            (TrueFalse, f, 0),
            (TrueFalse, t, 0),
            (Single, AnswerSet(1), 4),
        ]
    );
}
