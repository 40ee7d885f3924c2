//! The importers against the fixtures of `tests/fixtures/import/` (written by
//! `make_fixtures.py` there): every encoding, delimiter, notation and kind of bad row of the
//! spreadsheet template, XLSX sheets and zip bombs, GIFT, Aiken and JSON, and random input.

use kepu_quiz::core::Message;
use std::fs;

use kepu_quiz::core::formats::codec::{Json, SerdeJson};
use kepu_quiz::core::import::{
    detect_format, import_file, DuplicateRow, Field, GiftKind, ImportError, ImportFailure, ImportFormat, ImportReport,
    ImportWarning, MissingColumn, RowNote, RowProblem, RowUnit, MAX_IMPORT_BYTES,
};
use kepu_quiz::core::model::bank::{AnswerSet, Difficulty, Problem, QuestionType};
use kepu_quiz::core::model::rng::SeededRng;
use kepu_quiz::core::Lang;

#[path = "common/import.rs"]
mod import_common;
use import_common::{failure, import_bytes, read_fixture};

const DIR: &str = "tests/fixtures/import";

fn fixture(name: &str) -> Vec<u8> {
    read_fixture(DIR, name)
}

fn import(name: &str) -> ImportReport {
    import_bytes(name, &fixture(name))
}

/// The problems of one rejected row as (column, problem).
fn row_problems(report: &ImportReport, sheet: Option<&str>, row: usize) -> Vec<(Option<String>, RowProblem)> {
    report
        .rejected
        .iter()
        .filter(|r| r.row == row && r.sheet.as_deref() == sheet)
        .map(|r| (r.column.clone(), r.problem.clone()))
        .collect()
}

fn missing(fields: &[Field]) -> Vec<MissingColumn> {
    fields.iter().map(|f| MissingColumn { field: *f, closest: None }).collect()
}

fn messages(report: &ImportReport, lang: Lang) -> Vec<String> {
    report.rejected.iter().map(|r| r.message(lang)).collect()
}

fn stems(report: &ImportReport) -> Vec<&str> {
    report.questions.iter().map(|q| q.stem.as_str()).collect()
}

#[test]
fn utf8_csv_reads_every_type_and_field() {
    let report = import("good.csv");
    assert_eq!((report.format, report.encoding.as_deref()), (ImportFormat::Csv, Some("UTF-8")));
    assert_eq!(report.rows_read, 4, "the empty row 5 is skipped");
    assert!(report.rejected.is_empty(), "{:?}", messages(&report, Lang::Zh));
    let q = &report.questions;
    assert_eq!(q.len(), 4);

    assert_eq!((q[0].id.as_str(), q[0].qtype), ("g1", QuestionType::Single));
    assert_eq!(q[0].stem, "下列哪种能源是可再生能源？\n（单选）", "a quoted newline stays in the cell");
    assert_eq!(q[0].options, ["煤炭", "石油", "太阳能", "天然气"]);
    assert_eq!(q[0].answer, AnswerSet(0b100));
    assert_eq!((q[0].explanation.as_str(), q[0].category.as_str()), ("太阳能取之不尽。", "物质与能量"));
    assert_eq!((q[0].difficulty, q[0].points), (Difficulty::Easy, Some(5)));
    assert_eq!(q[0].crowds, ["农民", "老年人"]);

    assert_eq!(
        (q[1].qtype, q[1].answer, q[1].difficulty, q[1].points),
        (QuestionType::Multiple, AnswerSet(0b11), Difficulty::Medium, None)
    );
    assert_eq!(q[2].stem, "<b>闪电</b>时躲在大树下是安全的。", "HTML is kept as plain text");
    assert_eq!(
        (q[2].qtype, q[2].answer, q[2].difficulty, q[2].points),
        (QuestionType::TrueFalse, AnswerSet::FALSE, Difficulty::Hard, Some(2))
    );
    assert!(q[2].options.is_empty());
    assert_eq!(q[3].stem, "他说：\"水往低处流\"。这句话说明了什么？");
    assert!(q[3].id.starts_with('q'), "an id is generated when the column is empty");
    assert_eq!(q[3].category, "未分类");

    assert_eq!(
        report.warnings,
        vec![
            ImportWarning::UnknownColumns { file_name: "good.csv".into(), sheet: None, columns: vec!["备注".into()] },
            ImportWarning::DefaultCategoryUsed { file_name: "good.csv".into(), count: 1 },
        ]
    );
    assert_eq!(report.warnings[0].message(Lang::Zh), "good.csv 中这些列无法识别，已忽略：备注");
    assert_eq!(report.warnings[1].message(Lang::En), "good.csv: 1 question(s) have no category and were put in 未分类");
    assert_eq!(
        report.counts_by_type(),
        vec![(QuestionType::TrueFalse, 1), (QuestionType::Single, 2), (QuestionType::Multiple, 1)]
    );
    assert_eq!(
        report.counts_by_category(),
        vec![
            ("物质与能量".to_string(), 1),
            ("生命与健康".to_string(), 1),
            ("应急避险".to_string(), 1),
            ("未分类".to_string(), 1),
        ]
    );
    let bank = report.to_bank("imported", "导入的题库").unwrap();
    assert_eq!((bank.id.as_str(), bank.title.as_str(), bank.questions.len()), ("imported", "导入的题库", 4));
    assert!(bank.get("g2").is_some());
}

#[test]
fn bom_and_gbk_csv_read_the_same_questions() {
    let utf8 = import("good.csv");
    let bom = import("good-bom.csv");
    assert_eq!(bom.encoding.as_deref(), Some("UTF-8 (BOM)"));
    assert_eq!(bom.questions, utf8.questions);
    let gbk = import("good-gbk.csv");
    assert_eq!(gbk.encoding.as_deref(), Some("GB18030"));
    assert_eq!(gbk.questions, utf8.questions);
    // GBK as encoding_rs writes it, not only as Python does.
    let text = String::from_utf8(fixture("good.csv")).unwrap();
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&bytes).is_err(), "the fixture must really be non-UTF-8");
    let gbk = import_bytes("题库.csv", &bytes);
    assert_eq!((gbk.encoding.as_deref(), &gbk.questions), (Some("GB18030"), &utf8.questions));
}

#[test]
fn excel_unicode_text_is_read_as_utf16_tab_separated() {
    let bytes = fixture("unicode-text.txt");
    assert_eq!(detect_format("unicode-text.txt", &bytes), Some(ImportFormat::Csv));
    let report = import("unicode-text.txt");
    assert_eq!(report.encoding.as_deref(), Some("UTF-16LE"));
    assert_eq!(report.questions, import("good.csv").questions);
}

#[test]
fn every_answer_notation() {
    let report = import("notations.csv");
    assert!(report.rejected.is_empty(), "{:?}", messages(&report, Lang::Zh));
    assert_eq!(report.questions.len(), 30);
    for q in &report.questions {
        let expected = match q.stem.as_str() {
            s if s.starts_with("多选题") => AnswerSet(0b1011),
            s if s.starts_with("判断对") => AnswerSet::TRUE,
            s if s.starts_with("判断错") => AnswerSet::FALSE,
            s if s.starts_with("单选题") => AnswerSet(0b100),
            s => panic!("unexpected stem {s}"),
        };
        assert_eq!(q.answer, expected, "{}", q.stem);
    }
}

#[test]
fn full_width_headers_and_answers() {
    let report = import("full-width.csv");
    assert!(report.rejected.is_empty(), "{:?}", messages(&report, Lang::Zh));
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    let q = &report.questions;
    assert_eq!(
        (q[0].answer, q[0].points, q[0].id.as_str(), q[0].category.as_str()),
        (AnswerSet(0b10), Some(5), "ｆｗ１", "物理")
    );
    assert_eq!((q[1].qtype, q[1].answer), (QuestionType::Multiple, AnswerSet(0b101)));
}

#[test]
fn tab_and_semicolon_delimiters() {
    let tab = import("tab.csv");
    assert_eq!(stems(&tab), ["逗号,不分列", "制表符分隔"]);
    let semicolon = import("semicolon.csv");
    assert_eq!(stems(&semicolon), ["逗号,不分列", "分号分隔"]);
    assert_eq!(semicolon.questions[0].options, ["甲", "乙;含分号"]);
    assert_eq!((semicolon.questions[0].answer, semicolon.questions[1].answer), (AnswerSet(0b10), AnswerSet::FALSE));
}

#[test]
fn each_bad_row_is_reported_with_row_column_and_reason() {
    let report = import("bad-rows.csv");
    let cases: [(usize, &str, &str, &str); 7] = [
        (4, "题干", "题干为空", "the stem is empty"),
        (5, "答案", "答案 E 指向不存在的选项", "answer E points at an option that does not exist"),
        (6, "答案", "答案 C 指向不存在的选项", "answer C points at an option that does not exist"),
        (7, "选项B", "选项 B 为空", "option B is empty"),
        (8, "答案", "单选题只能有 1 个答案，这里有 2 个", "needs exactly 1 answer, found 2"),
        (9, "答案", "多选题至少需要 2 个正确答案", "needs at least 2 correct answers"),
        (13, "编号", "题目编号 ok1 重复", "question id ok1 is used twice"),
    ];
    for (row, column, zh, en) in cases {
        let found: Vec<_> = report.rejected.iter().filter(|r| r.row == row).collect();
        assert_eq!(found.len(), 1, "row {row}: {found:?}");
        let r = found[0];
        assert_eq!((r.column.as_deref(), r.sheet.as_deref(), r.unit), (Some(column), None, RowUnit::Row), "row {row}");
        let (message_zh, message_en) = (r.message(Lang::Zh), r.message(Lang::En));
        assert!(message_zh.starts_with(&format!("bad-rows.csv 第 {row} 行「{column}」列：")), "{message_zh}");
        assert!(message_zh.contains(zh), "{message_zh}");
        assert!(message_en.starts_with(&format!("bad-rows.csv row {row}, column {column}: ")), "{message_en}");
        assert!(message_en.contains(en), "{message_en}");
    }
    assert_eq!(
        report.rejected.iter().find(|r| r.row == 5).unwrap().message(Lang::Zh),
        "bad-rows.csv 第 5 行「答案」列：答案 E 指向不存在的选项"
    );
    assert_eq!(
        report.rejected.iter().find(|r| r.row == 5).unwrap().message(Lang::En),
        "bad-rows.csv row 5, column 答案: answer E points at an option that does not exist"
    );
    assert_eq!(stems(&report), ["两行的\n题干", "难度不对", "分值不对", "人群不对", "缺题型", "没有编号的好题"]);
    assert_eq!(report.rows_read, 14, "rows 2 and 4–13 and 15–17; the 填空 row 3 and the empty row 14 are skipped");
    assert_eq!(report.rejected_row_count(), 8);
    assert_eq!((report.skipped.len(), report.skipped[0].row, report.skipped[0].qtype.as_str()), (1, 3, "填空"));
    // Optional cells never reject a row: they are read as their default, with a note.
    let notes: Vec<(usize, Option<&str>, &RowNote)> =
        report.notes.iter().map(|n| (n.row, n.column.as_deref(), &n.note)).collect();
    assert_eq!(
        notes,
        [
            (10, Some("难度"), &RowNote::UnknownDifficulty("超难".into())),
            (11, Some("分值"), &RowNote::BadPoints("2.5".into())),
            (12, Some("适用人群"), &RowNote::UnknownCrowd("宇航员".into())),
            (16, Some("题型"), &RowNote::TypeInferred(QuestionType::Single)),
        ]
    );
    let q = &report.questions;
    assert_eq!((q[1].difficulty, q[2].points, q[3].crowds.len()), (Difficulty::Medium, None, 0));
}

#[test]
fn a_row_with_many_problems_reports_them_all() {
    let report = import("bad-rows.csv");
    let column = |c: &str| Some(c.to_string());
    assert_eq!(
        row_problems(&report, None, 15),
        vec![
            (column("题干"), RowProblem::Question(Problem::EmptyStem)),
            (column("选项B"), RowProblem::Question(Problem::TooFewOptions { min: 2, found: 1 })),
            (column("答案"), RowProblem::Question(Problem::AnswerOutOfRange("E".into()))),
        ]
    );
}

#[test]
fn quoted_newlines_do_not_shift_row_numbers() {
    let csv = "题型,题干,选项A,选项B,答案\r\n单选,\"一\r\n二\r\n三\",甲,乙,A\r\n单选,第三行,甲,乙,Z\r\n";
    let report = import_bytes("多行.csv", csv.as_bytes());
    assert_eq!(report.questions[0].stem, "一\n二\n三");
    assert_eq!(report.rejected.len(), 1);
    assert_eq!(report.rejected[0].row, 3);
    assert_eq!(report.rejected[0].message(Lang::Zh), "多行.csv 第 3 行「答案」列：答案 Z 指向不存在的选项");
}

#[test]
fn duplicates_are_merged_and_reported() {
    let report = import("duplicates.csv");
    assert_eq!(report.questions.len(), 3);
    assert_eq!(report.rows_read, 5);
    let dup = |row| DuplicateRow {
        file_name: "duplicates.csv".into(),
        sheet: None,
        row,
        unit: RowUnit::Row,
        same_as_sheet: None,
        same_as_row: 2,
    };
    assert_eq!(report.duplicates, vec![dup(3), dup(6)]);
    assert_eq!(report.questions[0].answer, AnswerSet(1), "the first is kept");
    assert_eq!(
        report.duplicates[0].message(Lang::Zh),
        "duplicates.csv 第 3 行与第 2 行重复（题型、题干和选项都相同），已合并"
    );
    assert_eq!(
        report.duplicates[1].message(Lang::En),
        "duplicates.csv row 6 repeats row 2 (same type, stem and options); merged"
    );
}

#[test]
fn header_problems() {
    let e = failure("missing-column.csv", &fixture("missing-column.csv"));
    assert_eq!(e.reason, ImportFailure::MissingColumns(missing(&[Field::Answer])));
    let message = e.message(Lang::Zh);
    assert!(message.starts_with("missing-column.csv 缺少必填列「答案」"), "{message}");
    assert!(message.contains("正确答案"), "the accepted headers are listed: {message}");
    assert!(e.message(Lang::En).contains("missing-column.csv lacks the required column(s) answer"));

    let e = failure("t.csv", "题干,选项A\n题,甲\n".as_bytes());
    assert_eq!(e.reason, ImportFailure::MissingColumns(missing(&[Field::Answer])), "the type can be inferred");
    let e = failure("t.csv", "题型,题干,答案\n单选,题,A\n".as_bytes());
    assert_eq!(e.reason, ImportFailure::MissingColumns(missing(&[Field::Options])));
    // Without choice questions the option columns may be left out.
    assert_eq!(import_bytes("t.csv", "题型,题干,答案\n判断,题,对\n".as_bytes()).questions.len(), 1);

    let report = import_bytes("t.csv", "题型,题干,答案,答案,备注,说明\n判断,题,对,错,x,解析\n".as_bytes());
    assert_eq!(report.questions[0].answer, AnswerSet::TRUE, "the first of two 答案 columns is read");
    assert_eq!(report.questions[0].explanation, "解析");
    assert!(report.warnings.contains(&ImportWarning::DuplicateColumn {
        file_name: "t.csv".into(),
        sheet: None,
        column: "答案".into()
    }));
}

#[test]
fn whole_file_failures() {
    assert_eq!(failure("a.csv", b"").reason, ImportFailure::Empty);
    assert_eq!(failure("a.csv", b" \r\n").reason, ImportFailure::Empty);
    assert_eq!(failure("a.csv", b",,,\n,,\n").reason, ImportFailure::NoHeaderRow);
    assert_eq!(failure("a.csv", "题型,题干,答案\n".as_bytes()).reason, ImportFailure::NoQuestions);
    let big = vec![b'a'; MAX_IMPORT_BYTES + 1];
    let e = failure("big.csv", &big);
    assert_eq!(e.reason, ImportFailure::TooLarge { bytes: big.len() as u64 });
    assert_eq!(e.message(Lang::Zh), "big.csv 有 21 MiB，超过了 20 MiB 的上限");
    let e = failure("x.bin", b"hello");
    assert_eq!(e.reason, ImportFailure::UnknownFormat);
    assert!(e.message(Lang::En).contains("the format of x.bin is not recognised"));
    let e = failure("old.xls", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest");
    assert!(matches!(e.reason, ImportFailure::NotASpreadsheet(_)), "a damaged .xls: {e:?}");
    let e = failure("old.doc", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest");
    assert_eq!(e.reason, ImportFailure::LegacyWord);
    assert!(e.message(Lang::Zh).contains("另存为"));
    assert!(matches!(failure("x.xlsx", b"not a zip").reason, ImportFailure::NotASpreadsheet(_)));
    assert_eq!(e.to_string(), e.message(Lang::En));
}

#[test]
fn xlsx_first_sheet_by_default_with_numbers_typed_as_numbers() {
    let report = import("first-sheet.xlsx");
    assert_eq!((report.format, report.encoding.as_deref()), (ImportFormat::Xlsx, None));
    assert_eq!(report.rows_read, 3);
    let q = &report.questions;
    assert_eq!(q.len(), 3);
    assert_eq!(
        (q[0].id.as_str(), q[0].points, q[0].difficulty, q[0].answer),
        ("1001", Some(5), Difficulty::Easy, AnswerSet(0b10))
    );
    assert_eq!((q[1].id.as_str(), q[1].points), ("1002", None), "points 2.5 fall back to the contest's");
    assert_eq!((q[2].id.as_str(), q[2].points, q[2].difficulty), ("1003", Some(3), Difficulty::Medium));
    assert!(report.rejected.is_empty());
    let groups: Vec<String> = report.groups(Lang::Zh).into_iter().map(|g| g.text).collect();
    assert_eq!(groups, ["第 5 行「分值」列：分值“2.5”不是大于等于 0 的整数 → 按竞赛规则的分值计"]);
    assert_eq!(
        report.warnings,
        vec![
            ImportWarning::ExtraSheetsIgnored {
                file_name: "first-sheet.xlsx".into(),
                read: vec!["题库".into()],
                ignored: vec!["说明".into()],
            },
            ImportWarning::HeaderNotOnFirstRow { file_name: "first-sheet.xlsx".into(), sheet: None, header_row: 2 },
            ImportWarning::DefaultCategoryUsed { file_name: "first-sheet.xlsx".into(), count: 1 },
        ]
    );
}

#[test]
fn xlsx_sheets_named_by_type_need_no_type_column() {
    let report = import("by-type.xlsx");
    let summary: Vec<(&str, QuestionType, AnswerSet)> =
        report.questions.iter().map(|q| (q.stem.as_str(), q.qtype, q.answer)).collect();
    assert_eq!(
        summary,
        [
            ("单选工作表的题", QuestionType::Single, AnswerSet(0b1000)),
            ("单选工作表的第二题", QuestionType::Single, AnswerSet(0b1)),
            ("多选工作表的题", QuestionType::Multiple, AnswerSet(0b111)),
            ("布尔值答案", QuestionType::TrueFalse, AnswerSet::TRUE),
            ("文字答案", QuestionType::TrueFalse, AnswerSet::FALSE),
        ]
    );
    assert!(report.questions.iter().all(|q| q.id.starts_with('q')), "题号 numbers rows; ids are generated");
    assert_eq!(report.questions[0].points, Some(2));
    assert_eq!(
        row_problems(&report, Some("多选"), 3),
        vec![(Some("答案".into()), RowProblem::Question(Problem::MultipleNeedsTwoAnswers))]
    );
    assert_eq!(
        messages(&report, Lang::Zh),
        ["by-type.xlsx 工作表「多选」第 3 行「答案」列：多选题至少需要 2 个正确答案"]
    );
    assert_eq!(
        messages(&report, Lang::En),
        ["by-type.xlsx, sheet 多选, row 3, column 答案: a multiple-choice question needs at least 2 correct answers"]
    );
    assert_eq!(
        report.warnings,
        vec![
            ImportWarning::ExtraSheetsIgnored {
                file_name: "by-type.xlsx".into(),
                read: vec!["单选题".into(), "多选".into(), "判断题".into()],
                ignored: vec!["说明".into()],
            },
            ImportWarning::DefaultCategoryUsed { file_name: "by-type.xlsx".into(), count: 5 },
        ]
    );
    assert_eq!(
        report.warnings[0].message(Lang::Zh),
        "by-type.xlsx 只读取了工作表 单选题、多选、判断题，忽略了工作表 说明"
    );
}

#[test]
fn xlsx_missing_column_names_the_file() {
    let e = failure("missing-column.xlsx", &fixture("missing-column.xlsx"));
    assert_eq!((e.sheet.as_deref(), &e.reason), (None, &ImportFailure::MissingColumns(missing(&[Field::Answer]))));
}

#[test]
fn xlsx_zip_bomb_by_compression_ratio_is_refused() {
    let e = failure("bomb.xlsx", &fixture("bomb.xlsx"));
    let ImportFailure::ZipRatio { entry, ratio } = &e.reason else { panic!("{e:?}") };
    assert_eq!(entry, "xl/worksheets/sheet1.xml");
    assert!(*ratio > 200, "{ratio}");
    assert!(e.message(Lang::Zh).contains("压缩炸弹"), "{}", e.message(Lang::Zh));
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for b in data {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// A name, its data, and optionally the (compressed, uncompressed) sizes to declare instead.
type ZipEntry<'a> = (&'a str, &'a [u8], Option<(u64, u64)>);

/// A zip of stored (uncompressed) entries. `declared` overrides the (compressed,
/// uncompressed) sizes written in the directory; sizes of 4 GiB or more go into a ZIP64
/// extra field.
fn zip(entries: &[ZipEntry]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut directory = Vec::new();
    for (name, data, declared) in entries {
        let (compressed, uncompressed) = declared.unwrap_or((data.len() as u64, data.len() as u64));
        let big = uncompressed >= 0xFFFF_FFFF || compressed >= 0xFFFF_FFFF;
        let small = |v: u64| if big { 0xFFFF_FFFFu32 } else { v as u32 };
        let extra: Vec<u8> = if big {
            [&1u16.to_le_bytes()[..], &16u16.to_le_bytes(), &uncompressed.to_le_bytes(), &compressed.to_le_bytes()]
                .concat()
        } else {
            Vec::new()
        };
        // version, flags, method (stored), time, date, crc, sizes, name length
        let mut fixed = Vec::new();
        fixed.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        fixed.extend_from_slice(&crc32(data).to_le_bytes());
        fixed.extend_from_slice(&small(compressed).to_le_bytes());
        fixed.extend_from_slice(&small(uncompressed).to_le_bytes());
        fixed.extend_from_slice(&(name.len() as u16).to_le_bytes());
        let offset = out.len() as u32;
        out.extend_from_slice(b"PK\x03\x04");
        out.extend_from_slice(&fixed);
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        directory.extend_from_slice(b"PK\x01\x02\x14\x00");
        directory.extend_from_slice(&fixed);
        directory.extend_from_slice(&(extra.len() as u16).to_le_bytes());
        directory.extend_from_slice(&[0; 10]); // comment length, disk, internal and external attributes
        directory.extend_from_slice(&offset.to_le_bytes());
        directory.extend_from_slice(name.as_bytes());
        directory.extend_from_slice(&extra);
    }
    let directory_offset = out.len() as u32;
    out.extend_from_slice(&directory);
    out.extend_from_slice(b"PK\x05\x06\x00\x00\x00\x00");
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(directory.len() as u32).to_le_bytes());
    out.extend_from_slice(&directory_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

fn zip_declaring(entries: &[(&str, u64, u64)]) -> Vec<u8> {
    let entries: Vec<ZipEntry> = entries.iter().map(|(name, c, u)| (*name, &b""[..], Some((*c, *u)))).collect();
    zip(&entries)
}

/// A cell of a hand-built sheet: text (inline string) or a number.
enum Cell<'a> {
    Text(&'a str),
    Number(f64),
}

fn sheet_xml(cells: &[(&str, Cell)]) -> String {
    let mut rows: Vec<(u32, String)> = Vec::new();
    for (at, cell) in cells {
        let row: u32 = at.trim_start_matches(|c: char| c.is_ascii_uppercase()).parse().unwrap();
        let xml = match cell {
            Cell::Text(t) => {
                let t = t.replace('&', "&amp;").replace('<', "&lt;");
                format!(r#"<c r="{at}" t="inlineStr"><is><t>{t}</t></is></c>"#)
            }
            Cell::Number(n) => format!(r#"<c r="{at}"><v>{n}</v></c>"#),
        };
        match rows.last_mut() {
            Some((r, body)) if *r == row => body.push_str(&xml),
            _ => rows.push((row, xml)),
        }
    }
    let body: String = rows.iter().map(|(r, cells)| format!(r#"<row r="{r}">{cells}</row>"#)).collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{body}</sheetData></worksheet>"#
    )
}

/// A workbook of the given sheets, stored uncompressed.
fn xlsx(sheets: &[(&str, String)]) -> Vec<u8> {
    let mut workbook = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>"#,
    );
    let mut rels = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    );
    for (i, (name, _)) in sheets.iter().enumerate() {
        let n = i + 1;
        workbook.push_str(&format!(r#"<sheet name="{name}" sheetId="{n}" r:id="rId{n}"/>"#));
        rels.push_str(&format!(
            r#"<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{n}.xml"/>"#
        ));
    }
    workbook.push_str("</sheets></workbook>");
    rels.push_str("</Relationships>");
    let names: Vec<String> = (1..=sheets.len()).map(|n| format!("xl/worksheets/sheet{n}.xml")).collect();
    let root_rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
    let mut entries: Vec<ZipEntry> = vec![
        ("_rels/.rels", root_rels.as_bytes(), None),
        ("xl/workbook.xml", workbook.as_bytes(), None),
        ("xl/_rels/workbook.xml.rels", rels.as_bytes(), None),
    ];
    for (name, (_, xml)) in names.iter().zip(sheets) {
        entries.push((name.as_str(), xml.as_bytes(), None));
    }
    zip(&entries)
}

fn small_sheet() -> String {
    use Cell::{Number, Text};
    sheet_xml(&[
        ("A1", Text("题型")),
        ("B1", Text("题干")),
        ("C1", Text("选项A")),
        ("D1", Text("选项B")),
        ("E1", Text("答案")),
        ("F1", Text("分值")),
        ("A2", Text("单选")),
        ("B2", Text("手写的 <工作簿> & 题")),
        ("C2", Text("甲")),
        ("D2", Text("乙")),
        ("E2", Text("B")),
        ("F2", Number(4.0)),
    ])
}

/// calamine's debug-only overflow panics are caught by the importer and reported as a
/// damaged workbook; keep their messages out of the test output (every other panic prints).
fn quiet_calamine_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !info.location().is_some_and(|l| l.file().contains("calamine")) {
                default_hook(info);
            }
        }));
    });
}

#[test]
fn hand_built_xlsx_is_read_and_a_far_away_cell_costs_nothing() {
    quiet_calamine_panics();
    let report = import_bytes("手写.xlsx", &xlsx(&[("题库", small_sheet())]));
    assert_eq!(stems(&report), ["手写的 <工作簿> & 题"]);
    assert_eq!((report.questions[0].answer, report.questions[0].points), (AnswerSet(0b10), Some(4)));
    // The last cell Excel has: a dense grid would be 17 billion cells.
    let far = small_sheet().replace(
        "</sheetData>",
        r#"<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>远处</t></is></c></row></sheetData>"#,
    );
    let report = import_bytes("远.xlsx", &xlsx(&[("题库", far)]));
    assert_eq!((report.rows_read, report.questions.len()), (1, 1));
    // A cell reference past any column: calamine's column arithmetic overflows on it, which
    // panics in a debug build (the tests' build). The importer catches that and refuses the file
    // as damaged; returning at all is the point in either build.
    let overflow = small_sheet().replace(r#"r="A2""#, r#"r="AAAAAAAAAAAAAAAA2""#);
    let result = import_file("坏.xlsx", &xlsx(&[("题库", overflow)]));
    #[cfg(debug_assertions)]
    assert!(matches!(result.unwrap_err().reason, ImportFailure::NotASpreadsheet(_)));
    #[cfg(not(debug_assertions))]
    drop(result);
}

#[test]
fn xlsx_zip_bomb_by_declared_size_is_refused() {
    const MIB: u64 = 1024 * 1024;
    // Each entry is within the ratio; together they declare 300 MiB.
    let bytes =
        zip_declaring(&[("xl/sharedStrings.xml", MIB, 150 * MIB), ("xl/worksheets/sheet1.xml", MIB, 150 * MIB)]);
    let e = failure("大.xlsx", &bytes);
    assert_eq!(e.reason, ImportFailure::ZipTooLarge { declared: 300 * MIB });
    assert_eq!(e.message(Lang::Zh), "大.xlsx 解压后有 300 MiB，超过 200 MiB 的上限（可能是恶意的压缩炸弹），已拒绝");
    // ZIP64 sizes in the extra field count too.
    let bytes = zip_declaring(&[("xl/worksheets/sheet1.xml", 100 * MIB, 5 * 1024 * MIB)]);
    assert_eq!(failure("大.xlsx", &bytes).reason, ImportFailure::ZipTooLarge { declared: 5 * 1024 * MIB });
    // A modest archive passes the check and is then refused as not being a workbook.
    let bytes = zip_declaring(&[("hello.txt", 10, 20)]);
    assert!(matches!(failure("小.xlsx", &bytes).reason, ImportFailure::NotASpreadsheet(_)));
}

#[test]
fn gift_sample() {
    let report = import("sample.gift");
    assert_eq!((report.format, report.rows_read), (ImportFormat::Gift, 10));
    let q = &report.questions;
    assert_eq!(
        stems(&report),
        [
            "在标准大气压下，水的沸点是多少摄氏度？",
            "下列哪些是金属？",
            "地球绕太阳公转。",
            "月球会自己发光。",
            "猫的叫声写作“喵~”，比例写作 1:2，这些转义符号都能读出来吗？",
        ]
    );
    assert_eq!(
        (q[0].qtype, &q[0].options, q[0].answer),
        (QuestionType::Single, &vec!["100".to_string(), "90".into(), "80".into()], AnswerSet(1))
    );
    assert_eq!(q[0].explanation, "标准大气压下水的沸点是 100 ℃。");
    assert_eq!((q[1].qtype, q[1].answer), (QuestionType::Multiple, AnswerSet(0b11)));
    assert_eq!((q[2].qtype, q[2].answer, q[3].answer), (QuestionType::TrueFalse, AnswerSet::TRUE, AnswerSet::FALSE));
    assert_eq!(q[3].explanation, "月光是反射的太阳光。");
    let categories: Vec<&str> = q.iter().map(|q| q.category.as_str()).collect();
    assert_eq!(categories, ["物质与能量", "物质与能量", "物质与能量", "物质与能量", "健康"]);

    let rejected: Vec<(usize, RowProblem)> = report.rejected.iter().map(|r| (r.row, r.problem.clone())).collect();
    assert_eq!(
        rejected,
        [
            (20, RowProblem::UnsupportedGiftKind(GiftKind::Numerical)),
            (24, RowProblem::UnsupportedGiftKind(GiftKind::Matching)),
            (26, RowProblem::GiftUnclosedBrace),
            (28, RowProblem::UnsupportedGiftKind(GiftKind::ShortAnswer)),
            (30, RowProblem::UnsupportedGiftKind(GiftKind::Essay)),
        ]
    );
    assert_eq!(report.rejected[0].message(Lang::En), "sample.gift line 20: unsupported GIFT question kind: numerical");
    assert_eq!(report.rejected[0].message(Lang::Zh), "sample.gift 第 20 行：不支持的 GIFT 题型：数值题");
    assert_eq!(
        report.warnings,
        vec![ImportWarning::AnswerFeedbackIgnored { file_name: "sample.gift".into(), count: 1 }]
    );
}

#[test]
fn aiken_sample() {
    let report = import("sample-aiken.txt");
    assert_eq!((report.format, report.rows_read), (ImportFormat::Aiken, 5));
    let q = &report.questions;
    assert_eq!((q[0].qtype, q[0].options.len(), q[0].answer), (QuestionType::Single, 4, AnswerSet(1)));
    assert_eq!(
        (q[1].qtype, &q[1].options, q[1].answer),
        (QuestionType::Multiple, &vec!["太阳能".to_string(), "风能".into(), "煤炭".into()], AnswerSet(0b11))
    );
    let rejected: Vec<(usize, RowProblem)> = report.rejected.iter().map(|r| (r.row, r.problem.clone())).collect();
    assert_eq!(
        rejected,
        [
            (14, RowProblem::AikenMissingAnswerLine),
            (18, RowProblem::Question(Problem::AnswerOutOfRange("C".into()))),
            (23, RowProblem::AikenUnexpectedLine { line: 25, text: "C. 丙".into() }),
            (23, RowProblem::Question(Problem::TooFewOptions { min: 2, found: 1 })),
        ]
    );
    assert_eq!(report.rejected[0].message(Lang::Zh), "sample-aiken.txt 第 14 行：缺少“ANSWER: 字母”行");
    assert_eq!(
        report.rejected[1].message(Lang::En),
        "sample-aiken.txt line 18: answer C points at an option that does not exist"
    );
}

#[test]
fn json_bank_is_reported_per_question() {
    let report = import("bank.json");
    assert_eq!((report.format, report.rows_read, report.encoding.as_deref()), (ImportFormat::Json, 6, Some("UTF-8")));
    let ids: Vec<&str> = report.questions.iter().map(|q| q.id.as_str()).collect();
    assert_eq!(ids.len(), 2);
    assert_eq!(ids[0], "j1");
    assert_eq!(report.questions[1].crowds, ["农民"]);
    let field = |f: &str| Some(f.to_string());
    assert_eq!(
        row_problems(&report, None, 2),
        vec![
            (field("stem"), RowProblem::Question(Problem::EmptyStem)),
            (field("answer"), RowProblem::Question(Problem::AnswerOutOfRange("E".into()))),
        ]
    );
    assert!(matches!(&row_problems(&report, None, 3)[..], [(None, RowProblem::Malformed(_))]));
    assert_eq!(
        row_problems(&report, None, 4),
        vec![(field("id"), RowProblem::Question(Problem::DuplicateId("j1".into())))]
    );
    assert_eq!(report.duplicates.iter().map(|d| (d.row, d.same_as_row)).collect::<Vec<_>>(), [(5, 1)]);
    assert_eq!(report.rejected[1].message(Lang::Zh), "bank.json 第 2 题「answer」字段：答案 E 指向不存在的选项");
    assert_eq!(
        report.rejected[1].message(Lang::En),
        "bank.json question 2, field answer: answer E points at an option that does not exist"
    );
    assert_eq!(
        report.duplicates[0].message(Lang::Zh),
        "bank.json 第 5 题与第 1 题重复（题型、题干和选项都相同），已合并"
    );
}

#[test]
fn json_whole_file_failures() {
    assert!(matches!(failure("b.json", b"{").reason, ImportFailure::NotJson(_)));
    assert_eq!(failure("b.json", br#"{"questions":[]}"#).reason, ImportFailure::NotKepuBank);
    assert_eq!(
        failure("b.json", br#"{"format":"kepu-bank","version":2,"questions":[]}"#).reason,
        ImportFailure::NewerVersion(2)
    );
    assert!(matches!(
        failure("b.json", br#"{"format":"kepu-bank","version":1,"questions":{}}"#).reason,
        ImportFailure::NotJson(_)
    ));
    assert_eq!(
        failure("b.json", br#"{"format":"kepu-bank","version":1,"questions":[]}"#).reason,
        ImportFailure::NoQuestions
    );
}

#[test]
fn format_by_extension_then_content() {
    let gift = "问题{=对 ~错}".as_bytes();
    let aiken = "问题\nA. 甲\nB. 乙\nANSWER: A\n".as_bytes();
    let zip = b"PK\x03\x04rest";
    let cases: [(&str, &[u8], Option<ImportFormat>); 14] = [
        ("题库.JSON", b"", Some(ImportFormat::Json)),
        ("题库.xlsx", b"", Some(ImportFormat::Xlsx)),
        ("题库.csv", b"a,b", Some(ImportFormat::Csv)),
        ("题库.csv", zip, Some(ImportFormat::Xlsx)),
        ("题库.gift", b"", Some(ImportFormat::Gift)),
        ("题库.txt", aiken, Some(ImportFormat::Aiken)),
        ("题库.txt", gift, Some(ImportFormat::Gift)),
        ("题库.txt", "题型\t题干\t答案\n".as_bytes(), Some(ImportFormat::Csv)),
        ("题库.txt", "随便写写".as_bytes(), Some(ImportFormat::Aiken)),
        ("题库", zip, Some(ImportFormat::Xlsx)),
        ("题库", b"  {\"format\":1}", Some(ImportFormat::Json)),
        ("题库", gift, Some(ImportFormat::Gift)),
        ("题库", aiken, Some(ImportFormat::Aiken)),
        ("题库.doc", b"hello", None),
    ];
    for (name, bytes, expected) in cases {
        assert_eq!(detect_format(name, bytes), expected, "{name} {:?}", String::from_utf8_lossy(bytes));
    }
}

#[test]
fn report_travels_as_json() {
    // The import worker hands its report to the page as JSON (serde_json).
    for name in ["bad-rows.csv", "by-type.xlsx", "sample.gift", "sample-aiken.txt", "bank.json"] {
        let report = import(name);
        let back: ImportReport = SerdeJson::decode(&SerdeJson::encode(&report)).unwrap();
        assert_eq!(back, report, "{name}");
    }
    let e = failure("missing-column.csv", &fixture("missing-column.csv"));
    let back: ImportError = SerdeJson::decode(&SerdeJson::encode(&e)).unwrap();
    assert_eq!(back, e);
    // Every shape of variant: unit, one value, two values, named fields, nested.
    let problems = vec![
        RowProblem::TypeMissing,
        RowProblem::BadPoints("五".into()),
        RowProblem::Question(Problem::DuplicateOption('A', 'C')),
        RowProblem::Question(Problem::TooFewOptions { min: 2, found: 1 }),
        RowProblem::AikenUnexpectedLine { line: 7, text: "\"引号\"\n".into() },
    ];
    assert_eq!(SerdeJson::decode::<Vec<RowProblem>>(&SerdeJson::encode(&problems)).unwrap(), problems);
}

#[test]
fn huge_lines_and_cells_are_read() {
    let long = "长".repeat(2_000_000);
    let csv = format!("题型,题干,选项A,选项B,答案\n单选,{long},甲,乙,A\n");
    let report = import_bytes("长.csv", csv.as_bytes());
    assert_eq!(report.questions[0].stem.chars().count(), 2_000_000);
    let quotes = "\"".repeat(3_000_001);
    assert!(import_file("引号.csv", quotes.as_bytes()).is_err());
    let braces = "{".repeat(3_000_000);
    let _ = import_file("括号.gift", braces.as_bytes());
    let _ = import_file("括号", format!("::{}", "{ ".repeat(2_000_000)).as_bytes());
    let answers = format!("题\n{}", "ANSWER: A\n".repeat(500_000));
    let _ = import_file("答案.txt", answers.as_bytes());
}

/// Consistency every report keeps, whatever the input.
fn check_invariants(report: &ImportReport) {
    assert_eq!(
        report.rows_read,
        report.questions.len() + report.duplicates.len() + report.rejected_row_count(),
        "{report:?}"
    );
    if !report.questions.is_empty() {
        assert!(report.to_bank("b", "t").is_ok());
    }
    for r in &report.rejected {
        let _ = (r.message(Lang::Zh), r.message(Lang::En));
    }
    for w in &report.warnings {
        let _ = (w.message(Lang::Zh), w.message(Lang::En));
    }
}

const PIECES: [&[u8]; 41] = [
    "一、单选题\n".as_bytes(),
    "1. ".as_bytes(),
    "答案：".as_bytes(),
    "解析：".as_bytes(),
    "A、甲 B、乙\n".as_bytes(),
    b"[html]<p>",
    b"&#x6C34;<br>",
    b"\"",
    b",",
    b"\t",
    b";",
    b"\n",
    b"\r\n",
    b"{",
    b"}",
    b"=",
    b"~",
    b"#",
    b"::",
    b"\\",
    b"%50%",
    b"->",
    b"ANSWER: ",
    b"A. ",
    b"B) ",
    b"$CATEGORY: ",
    b"T}",
    b"\xEF\xBB\xBF",
    b"\xFF\xFE",
    b"PK\x03\x04",
    b"PK\x01\x02",
    b"PK\x05\x06",
    "题型,题干,选项A,选项B,答案\n".as_bytes(),
    "单选,".as_bytes(),
    "多选".as_bytes(),
    br#"{"format":"kepu-bank","version":1,"questions":[{"type":"single","#,
    b"]}",
    b"\xff\xfe\xfd\x80",
    b"0",
    b"\x00",
    "　Ａ，".as_bytes(),
];

const FUZZ_ROUNDS: usize = 2000;
const FUZZ_XML_ROUNDS: usize = 500;

const NAMES: [&str; 10] = ["r.json", "r.csv", "r.txt", "r.xlsx", "r.gift", "r", "r.tsv", "r.docx", "r.xls", "r.ods"];

fn random_input(rng: &mut SeededRng) -> Vec<u8> {
    let mut out = Vec::new();
    if rng.below(2) == 0 {
        for _ in 0..rng.below(600) {
            out.push(rng.below(256) as u8);
        }
    } else {
        for _ in 0..rng.below(80) {
            out.extend_from_slice(PIECES[rng.below(PIECES.len())]);
            if rng.below(3) == 0 {
                out.push(b'a' + rng.below(26) as u8);
            }
        }
    }
    out
}

fn mutate(rng: &mut SeededRng, mut bytes: Vec<u8>) -> Vec<u8> {
    for _ in 0..1 + rng.below(8) {
        let len = bytes.len();
        match rng.below(6) {
            0 if len > 0 => {
                let at = rng.below(len);
                bytes[at] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let at = rng.below(len);
                let end = (at + rng.below(64)).min(len);
                bytes.drain(at..end);
            }
            2 => {
                let at = rng.below(len + 1);
                let piece = PIECES[rng.below(PIECES.len())];
                bytes.splice(at..at, piece.iter().copied());
            }
            3 if len > 0 => {
                let at = rng.below(len);
                let end = (at + rng.below(256)).min(len);
                let copy = bytes[at..end].to_vec();
                let to = rng.below(len + 1);
                bytes.splice(to..to, copy);
            }
            4 if len > 0 => bytes.truncate(rng.below(len)),
            _ => {
                if len > 0 {
                    let at = rng.below(len);
                    bytes[at] = rng.below(256) as u8;
                }
            }
        }
    }
    bytes
}

#[test]
fn random_and_mutated_inputs_never_panic() {
    quiet_calamine_panics();
    let mut rng = SeededRng::new(20_240_901);
    let mut fixtures: Vec<(String, Vec<u8>)> = fs::read_dir(DIR)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e != "py"))
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), fs::read(&p).unwrap()))
        .collect();
    // The real-world-shaped fixtures too (typed text, GIFT markup, .xls).
    fixtures.extend(
        fs::read_dir(format!("{DIR}/real"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e != "py"))
            .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), fs::read(&p).unwrap())),
    );
    fixtures.sort();
    assert!(fixtures.len() >= 25);
    // Stored (uncompressed) workbooks: a mutation lands in the XML itself.
    let two_sheets = xlsx(&[("单选题", small_sheet()), ("判断", small_sheet())]);
    fixtures.push(("stored.xlsx".into(), two_sheets));
    let (mut ok, mut failed) = (0, 0);
    for round in 0..FUZZ_ROUNDS {
        let input = random_input(&mut rng);
        for name in NAMES {
            match import_file(name, &input) {
                Ok(report) => {
                    check_invariants(&report);
                    ok += 1;
                }
                Err(e) => {
                    let _ = e.message(Lang::Zh);
                    failed += 1;
                }
            }
        }
        let (name, bytes) = &fixtures[round % fixtures.len()];
        let mutated = mutate(&mut rng, bytes.clone());
        for name in [name.as_str(), NAMES[rng.below(NAMES.len())]] {
            match import_file(name, &mutated) {
                Ok(report) => {
                    check_invariants(&report);
                    ok += 1;
                }
                Err(_) => failed += 1,
            }
        }
    }
    // Mutated XML inside a valid zip reaches calamine's parser (a mutated deflate stream
    // mostly stops at the zip's checksum).
    let sheet = small_sheet();
    for _ in 0..FUZZ_XML_ROUNDS {
        let mutated = String::from_utf8_lossy(&mutate(&mut rng, sheet.clone().into_bytes())).into_owned();
        let other = sheet_xml(&[("A1", Cell::Text("题干")), ("B1", Cell::Text("答案"))]);
        let names = ["单选题", "判断"];
        let bytes = xlsx(&[(names[rng.below(2)], mutated), (names[rng.below(2)], other)]);
        match import_file("m.xlsx", &bytes) {
            Ok(report) => {
                check_invariants(&report);
                ok += 1;
            }
            Err(_) => failed += 1,
        }
    }
    // Both outcomes must actually occur, or the inputs test nothing.
    assert!(ok > 500 && failed > 500, "ok {ok}, failed {failed}");
}
