//! The importers against real-world-shaped banks (issue 19): the fixtures of
//! `tests/fixtures/import/real/` (written by `make_real.py` there) and workbooks and
//! documents built here, each in the shape of a template organizers were seen to use
//! (`docs/import.md` lists them).

use kepu_quiz::core::Message;
use std::fs;

use kepu_quiz::core::import::{header_aliases, import_file, Field, ImportFailure, ImportReport};
use kepu_quiz::core::model::bank::{AnswerSet, Difficulty, QuestionType};
use kepu_quiz::core::Lang;

#[path = "common/import.rs"]
mod import_common;
use import_common::{failure, import_bytes, read_fixture};

const DIR: &str = "tests/fixtures/import/real";

fn fixture(name: &str) -> Vec<u8> {
    read_fixture(DIR, name)
}

fn import(name: &str) -> ImportReport {
    import_bytes(name, &fixture(name))
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

// (3) Optional columns never reject a row; the report is grouped by reason.

/// A safety-training bank of 2,578 questions whose 难度 column holds the trainers' own words
/// (必须掌握 / 较常见 / 偶见), under a title row and an instruction row.
fn training_bank() -> String {
    let mut csv = String::from("安全生产知识题库（2023 版）\n说明：难度分为 必须掌握、较常见、偶见\n");
    csv.push_str("题型,题干,选项A,选项B,选项C,选项D,答案,难度,所属题库\n");
    csv.push_str("单选,第 4 行的题,甲,乙,丙,丁,A,易,通用\n");
    for row in 5..=2571 {
        csv.push_str(&format!("单选,第 {row} 行的题,甲,乙,丙,丁,B,必须掌握,通用\n"));
    }
    for row in 2572..=2580 {
        csv.push_str(&format!("多选,第 {row} 行的题,甲,乙,丙,丁,AC,较常见,通用\n"));
    }
    csv.push_str("判断,第 2581 行的题,,,,,对,偶见,通用\n");
    // Three rows with the same real problem, one with another.
    for row in 2582..=2585 {
        let answer = if row == 2583 { "" } else { "C" };
        csv.push_str(&format!("单选,第 {row} 行的题,甲,乙,,,{answer},易,通用\n"));
    }
    csv
}

#[test]
fn unknown_optional_values_are_notes_and_the_report_is_grouped_by_reason() {
    let report = import_bytes("安全生产题库.csv", training_bank().as_bytes());
    assert_eq!(report.questions.len(), 2578);
    assert!(report.questions[1..].iter().all(|q| q.difficulty == Difficulty::Medium));
    assert_eq!(report.questions[0].category, "通用", "所属题库 is the category");
    let groups: Vec<String> = report.groups(Lang::Zh).into_iter().map(|g| g.text).collect();
    assert_eq!(
        groups,
        [
            "第 2582、2584–2585 行「答案」列：答案 C 指向不存在的选项，共 3 行",
            "第 2583 行「答案」列：缺少答案",
            "第 5–2571 行「难度」列：难度“必须掌握”无法识别 → 按中等处理，共 2,567 行",
            "第 2572–2580 行「难度」列：难度“较常见”无法识别 → 按中等处理，共 9 行",
            "第 2581 行「难度」列：难度“偶见”无法识别 → 按中等处理",
        ]
    );
    let en: Vec<String> = report.groups(Lang::En).into_iter().map(|g| g.text).collect();
    assert_eq!(
        en[2],
        "rows 5–2571, column 难度: difficulty \"必须掌握\" is not recognised → read as medium (2,567 rows)"
    );
    assert_eq!(en[1], "row 2583, column 答案: the answer is missing");
}

#[test]
fn a_group_names_its_first_ranges_then_says_there_are_more() {
    let mut csv = String::from("题型,题干,选项A,选项B,答案\n");
    for row in 2..=40 {
        let answer = if row % 2 == 0 { "E" } else { "A" };
        csv.push_str(&format!("单选,题 {row},甲,乙,{answer}\n"));
    }
    let report = import_bytes("隔行.csv", csv.as_bytes());
    let groups = report.groups(Lang::Zh);
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].text, "第 2、4、6、8、10、12 等 行「答案」列：答案 E 指向不存在的选项，共 20 行");
    assert_eq!(groups[0].count, 20);
}

// (4) Options in one cell; the type inferred without a 题型 column.

#[test]
fn options_in_one_cell_are_split_and_the_type_is_inferred() {
    let report = import("one-cell-options.csv");
    let q = &report.questions;
    let summary: Vec<(QuestionType, Vec<&str>, AnswerSet)> =
        q.iter().map(|q| (q.qtype, q.options.iter().map(String::as_str).collect(), q.answer)).collect();
    use QuestionType::*;
    assert_eq!(
        summary,
        [
            (Single, vec!["106块", "206块", "306块", "406块"], AnswerSet(0b10)),
            (Multiple, vec!["太阳能", "风能", "煤炭", "地热能"], AnswerSet(0b1011)),
            (Single, vec!["110", "119", "120", "122"], AnswerSet(0b100)),
            (Multiple, vec!["立即开窗通风", "打开电灯查看", "关闭燃气阀门"], AnswerSet(0b101)),
            (TrueFalse, vec![], AnswerSet::FALSE),
            (TrueFalse, vec![], AnswerSet::TRUE),
        ]
    );
    assert_eq!(
        rejected(&report),
        ["one-cell-options.csv 第 8 行「题目所有答案」列：全部选项写在一个单元格里，但不是每一项都以字母开头（如 A.…/B.…），无法确定怎样拆开"]
    );
    let groups: Vec<String> = report.groups(Lang::Zh).into_iter().map(|g| g.text).collect();
    assert_eq!(
        groups[1..],
        [
            "第 2–5 行「题目所有答案」列：全部选项写在一个单元格里，已按 A、B、C… 拆开，共 4 行",
            "第 2、4 行：没有题型，按选项和答案推断为单选题，共 2 行",
            "第 3、5 行：没有题型，按选项和答案推断为多选题，共 2 行",
            "第 6–7 行：没有题型，按选项和答案推断为判断题，共 2 行",
        ]
    );
}

// (5) Own letters stripped; options referring to each other keep their order.

#[test]
fn own_letters_are_stripped_and_referring_options_keep_their_order() {
    let report = import("lettered-options.csv");
    assert!(report.rejected.is_empty(), "{:?}", rejected(&report));
    let q = &report.questions;
    assert_eq!(q[0].options, ["安全第一", "效益优先", "速度至上", "规模为先"]);
    assert_eq!(q[1].options[1], "用湿毛巾捂住口鼻低姿撤离");
    assert_eq!(q[2].options, ["勤洗手", "接种疫苗", "通风换气", "以上都是"]);
    assert_eq!(q[3].options, ["鲸", "蝙蝠", "A和B", "企鹅"]);
    assert_eq!(q[4].options, ["体检一次", "从不体检", "只在生病时体检"]);
    assert_eq!(q[5].options, ["A型血可以输给任何人", "B型血是万能受血者", "以上说法都不对"], "no letter of its own");
    let kept: Vec<bool> = q.iter().map(|q| q.shuffle).collect();
    assert_eq!(kept, [true, true, false, false, true, false]);
    let groups: Vec<String> = report.groups(Lang::Zh).into_iter().map(|g| g.text).collect();
    assert_eq!(groups, ["第 4–5、7 行：有选项指向其他选项（如“以上都对”“A和B”）→ 不打乱选项，保持原顺序，共 3 行"]);
    let bank = report.to_bank("b", "t").unwrap();
    let json = bank.to_json();
    assert_eq!(json.matches(r#""shuffle":false"#).count(), 3, "{json}");
    assert_eq!(kepu_quiz::core::model::bank::Bank::from_json(&json).unwrap(), bank);
}

// (6) Dates in their format, numbers as typed.

/// A history-of-science quiz kept in Excel: option cells typed as dates (two formats), years
/// and amounts typed as numbers, ids as numbers.
fn dates_workbook() -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let chinese = Format::new().set_num_format("yyyy\"年\"m\"月\"d\"日\"");
    let slashes = Format::new().set_num_format("yyyy/m/d");
    let headers = ["编号", "题型", "题干", "选项A", "选项B", "选项C", "答案", "分值"];
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let day = |y, m, d| ExcelDateTime::from_ymd(y, m, d).unwrap();
    sheet.write_number(1, 0, 1000.0).unwrap();
    sheet.write_string(1, 1, "单选").unwrap();
    sheet.write_string(1, 2, "《中华人民共和国科学技术普及法》是哪天公布施行的？").unwrap();
    sheet.write_datetime_with_format(1, 3, day(2002, 6, 29), &chinese).unwrap();
    sheet.write_datetime_with_format(1, 4, day(2017, 6, 14), &chinese).unwrap();
    sheet.write_datetime_with_format(1, 5, day(1999, 10, 1), &chinese).unwrap();
    sheet.write_string(1, 6, "A").unwrap();
    sheet.write_number(1, 7, 2.0).unwrap();
    sheet.write_number(2, 0, 1001.0).unwrap();
    sheet.write_string(2, 1, "单选").unwrap();
    sheet.write_string(2, 2, "全国科普日定在每年 9 月的第三个周末，首个全国科普日是哪天？").unwrap();
    sheet.write_datetime_with_format(2, 3, day(2004, 9, 18), &slashes).unwrap();
    sheet.write_datetime_with_format(2, 4, day(2005, 9, 17), &slashes).unwrap();
    sheet.write_string(2, 6, "A").unwrap();
    sheet.write_number(3, 0, 1002.0).unwrap();
    sheet.write_string(3, 1, "单选").unwrap();
    sheet.write_string(3, 2, "1 千瓦时电能约可供 1000 瓦的电器工作多久？").unwrap();
    sheet.write_number(3, 3, 1000.0).unwrap();
    sheet.write_number(3, 4, 0.5).unwrap();
    sheet.write_number(3, 5, 0.1 + 0.2).unwrap();
    sheet.write_string(3, 6, "A").unwrap();
    workbook.save_to_buffer().unwrap()
}

#[test]
fn dates_read_in_the_cells_format_and_numbers_as_typed() {
    let report = import_bytes("科学史.xlsx", &dates_workbook());
    assert!(report.rejected.is_empty(), "{:?}", rejected(&report));
    let q = &report.questions;
    assert_eq!(q[0].options, ["2002年6月29日", "2017年6月14日", "1999年10月1日"]);
    assert_eq!((q[0].id.as_str(), q[0].points), ("1000", Some(2)));
    assert_eq!(q[1].options, ["2004/9/18", "2005/9/17"]);
    assert_eq!(q[2].options, ["1000", "0.5", "0.3"]);
}

// (7) .xls, .xlsb and .ods.

#[test]
fn an_xls_saved_by_wps_is_read() {
    let report = import("wps-template.xls");
    assert_eq!(report.format, kepu_quiz::core::import::ImportFormat::Xls);
    assert!(report.rejected.is_empty(), "{:?}", rejected(&report));
    let q = &report.questions;
    let summary: Vec<(&str, QuestionType, AnswerSet, Option<u32>)> =
        q.iter().map(|q| (q.id.as_str(), q.qtype, q.answer, q.points)).collect();
    assert_eq!(
        summary,
        [
            ("501", QuestionType::Single, AnswerSet(1), Some(2)),
            ("502", QuestionType::Multiple, AnswerSet(0b11), Some(3)),
            ("503", QuestionType::TrueFalse, AnswerSet::TRUE, Some(1)),
            ("504", QuestionType::Single, AnswerSet(1), None),
        ]
    );
    assert_eq!(q[0].options[0], "5月12日", "text stays text");
    assert_eq!(q[3].options, ["2008年5月12日", "2010年4月14日"], "date cells read as dates");
}

/// An OpenDocument spreadsheet as LibreOffice saves one: `mimetype` stored first, then the
/// sheet in content.xml (strings, a float typed 1000, a date).
fn ods(rows: &[&[(&str, &str)]]) -> Vec<u8> {
    use std::io::Write;
    use zip::write::SimpleFileOptions;
    let mut content = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="题库">"#,
    );
    for row in rows {
        content.push_str("<table:table-row>");
        for (kind, value) in *row {
            match *kind {
                "float" => content.push_str(&format!(
                    r#"<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>"#
                )),
                "date" => content.push_str(&format!(
                    r#"<table:table-cell office:value-type="date" office:date-value="{value}"><text:p>{value}</text:p></table:table-cell>"#
                )),
                "" => content.push_str("<table:table-cell/>"),
                _ => content.push_str(&format!(
                    r#"<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>"#
                )),
            }
        }
        content.push_str("</table:table-row>");
    }
    content.push_str("</table:table></office:spreadsheet></office:body></office:document-content>");
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet").unwrap();
    zip.start_file("META-INF/manifest.xml", SimpleFileOptions::default()).unwrap();
    zip.write_all(manifest.as_bytes()).unwrap();
    zip.start_file("content.xml", SimpleFileOptions::default()).unwrap();
    zip.write_all(content.as_bytes()).unwrap();
    zip.finish().unwrap().into_inner()
}

#[test]
fn an_ods_saved_by_libreoffice_is_read() {
    let s = |v| ("string", v);
    let bytes = ods(&[
        &[s("题型"), s("题干"), s("选项A"), s("选项B"), s("选项C"), s("答案"), s("分值")],
        &[
            s("单选"),
            s("1 度电可供 1000 瓦的电器工作多久？"),
            s("1 小时"),
            s("2 小时"),
            s("半小时"),
            s("A"),
            ("float", "2"),
        ],
        &[s("单选"), s("这个数是多少？"), ("float", "1000"), ("float", "0.5"), ("", ""), s("A"), ("", "")],
        &[
            s("单选"),
            s("哪天是全国科技工作者日？"),
            ("date", "2017-05-30"),
            ("date", "2017-06-14"),
            ("", ""),
            s("A"),
            ("", ""),
        ],
    ]);
    let report = import_bytes("题库.ods", &bytes);
    assert_eq!(report.format, kepu_quiz::core::import::ImportFormat::Ods);
    assert!(report.rejected.is_empty(), "{:?}", rejected(&report));
    let q = &report.questions;
    assert_eq!((q[0].points, q[0].options.len()), (Some(2), 3));
    assert_eq!(q[1].options, ["1000", "0.5"]);
    assert_eq!(q[2].options, ["2017-05-30", "2017-06-14"]);
}

/// One BIFF12 record: its type and size as 7-bit groups, then the data.
fn record(out: &mut Vec<u8>, typ: u16, data: &[u8]) {
    if typ < 0x80 {
        out.push(typ as u8);
    } else {
        out.extend([(typ & 0x7F) as u8 | 0x80, (typ >> 7) as u8]);
    }
    let mut len = data.len();
    loop {
        let byte = (len & 0x7F) as u8;
        len >>= 7;
        out.push(if len > 0 { byte | 0x80 } else { byte });
        if len == 0 {
            break;
        }
    }
    out.extend_from_slice(data);
}

fn wide(text: &str) -> Vec<u8> {
    let units: Vec<u16> = text.encode_utf16().collect();
    let mut out = (units.len() as u32).to_le_bytes().to_vec();
    out.extend(units.iter().flat_map(|u| u.to_le_bytes()));
    out
}

/// An Excel binary workbook (.xlsb) as Excel saves one, reduced to what a reader needs: the
/// sheet list in xl/workbook.bin and one sheet of inline strings and numbers.
fn xlsb(sheet_name: &str, rows: &[&[Result<&str, f64>]]) -> Vec<u8> {
    use std::io::Write;
    use zip::write::SimpleFileOptions;
    let mut workbook = Vec::new();
    let mut bundle = [0u32.to_le_bytes(), 1u32.to_le_bytes()].concat();
    bundle.extend(wide("rId1"));
    bundle.extend(wide(sheet_name));
    record(&mut workbook, 0x009C, &bundle); // BrtBundleSh
    record(&mut workbook, 0x0090, &[]); // BrtEndBundleShs
    record(&mut workbook, 0x009D, &[]); // BrtCalcProp: after the names
    let mut sheet = Vec::new();
    let dimension = [0u32, rows.len() as u32 - 1, 0, 9].iter().flat_map(|v| v.to_le_bytes()).collect::<Vec<u8>>();
    record(&mut sheet, 0x0094, &dimension); // BrtWsDim
    record(&mut sheet, 0x0091, &[]); // BrtBeginSheetData
    for (r, cells) in rows.iter().enumerate() {
        record(&mut sheet, 0x0000, &(r as u32).to_le_bytes()); // BrtRowHdr
        for (c, cell) in cells.iter().enumerate() {
            let mut data = (c as u32).to_le_bytes().to_vec();
            data.extend([0, 0, 0, 0]); // style, flags
            match cell {
                Ok(text) => {
                    data.extend(wide(text));
                    record(&mut sheet, 0x0006, &data); // BrtCellSt
                }
                Err(number) => {
                    data.extend(number.to_le_bytes());
                    record(&mut sheet, 0x0005, &data); // BrtCellReal
                }
            }
        }
    }
    record(&mut sheet, 0x0092, &[]); // BrtEndSheetData
    let rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.bin"/></Relationships>"#;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in [
        ("xl/workbook.bin", workbook),
        ("xl/_rels/workbook.bin.rels", rels.as_bytes().to_vec()),
        ("xl/worksheets/sheet1.bin", sheet),
    ] {
        zip.start_file(name, SimpleFileOptions::default()).unwrap();
        zip.write_all(&data).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn an_xlsb_is_read() {
    let t = |s| Ok(s);
    let bytes = xlsb(
        "判断题",
        &[
            &[t("题号"), t("题干"), t("选项A"), t("选项B"), t("答案"), t("分值")],
            &[Err(1.0), t("水在 0 ℃ 以下会结冰。"), t("正确"), t("错误"), t("A"), Err(2.0)],
            &[Err(2.0), t("铁比铝轻。"), t("正确"), t("错误"), t("B"), Err(2.0)],
        ],
    );
    let report = import_bytes("题库.xlsb", &bytes);
    assert_eq!(report.format, kepu_quiz::core::import::ImportFormat::Xlsb);
    assert!(report.rejected.is_empty(), "{:?}", rejected(&report));
    let summary: Vec<(QuestionType, AnswerSet, Option<u32>)> =
        report.questions.iter().map(|q| (q.qtype, q.answer, q.points)).collect();
    assert_eq!(
        summary,
        [(QuestionType::TrueFalse, AnswerSet::TRUE, Some(2)), (QuestionType::TrueFalse, AnswerSet::FALSE, Some(2))]
    );
}

#[test]
fn xlsb_and_every_format_are_in_one_list() {
    use kepu_quiz::core::import::{accept_attribute, detect_format, ImportFormat};
    let accept = accept_attribute();
    for extension in [".xlsx", ".xls", ".xlsb", ".ods", ".et", ".csv", ".json", ".txt", ".gift"] {
        assert!(accept.split(',').any(|e| e == extension), "{extension} in {accept}");
    }
    // A zip with the binary workbook's entry is an .xlsb whatever it is called; a damaged one
    // is refused with a reason, never a crash.
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("xl/workbook.bin", zip::write::SimpleFileOptions::default()).unwrap();
    std::io::Write::write_all(&mut zip, b"not records").unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    assert_eq!(detect_format("题库.xlsx", &bytes), Some(ImportFormat::Xlsb));
    assert!(matches!(failure("题库.xlsb", &bytes).reason, ImportFailure::NotASpreadsheet(_)));
    assert_eq!(detect_format("题库.et", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), Some(ImportFormat::Xls));
    let e = failure("x.bin", b"hello");
    assert!(e.message(Lang::Zh).contains("OpenDocument (ODS) (.ods)"), "{}", e.message(Lang::Zh));
}

// (8) GIFT text formats.

#[test]
fn moodle_gift_html_markdown_and_plain_become_plain_text() {
    let report = import("moodle-export.gift");
    assert!(report.rejected.is_empty(), "{:?}", rejected(&report));
    let q = &report.questions;
    assert_eq!(q[0].stem, "在标准大气压下，水的沸点是\n多少摄氏度？");
    assert_eq!(q[0].options, ["100", "90", "80 ℃"]);
    assert_eq!(q[0].explanation, "标准大气压下水的沸点是 100 ℃。");
    assert_eq!(q[0].category, "物质与能量");
    assert_eq!((q[1].stem.as_str(), q[1].qtype), ("下列哪些是金属？", QuestionType::Multiple));
    assert_eq!(q[1].options, ["铁", "铜", "木头"]);
    assert_eq!(q[2].stem, "图中的仪器用来测量什么？", "the image is dropped");
    assert_eq!((q[3].stem.as_str(), q[3].answer), ("月球自己会发光。", AnswerSet::FALSE));
    assert_eq!(q[4].stem, "水的化学式是？");
    assert_eq!(q[5].stem, "<b>加粗</b>标签在 [plain] 题中是文字吗？", "[plain] is taken as written");
    let groups: Vec<String> = report.groups(Lang::Zh).into_iter().map(|g| g.text).collect();
    assert_eq!(groups, ["第 21 行：题目中的图片无法显示，已去掉，请检查题意是否完整"]);
}

// (9) Identities and multi-sheet workbooks.

/// A contest committee's workbook: sheets 单选题, 多选题 and 判断题 each numbered 1…20 in
/// 题号 (and, with `ids`, in 编号 too), a 填写说明 sheet, 判断 options 正确/错误.
fn three_sheets(ids: bool) -> Vec<u8> {
    use rust_xlsxwriter::Workbook;
    let mut workbook = Workbook::new();
    let notes = workbook.add_worksheet();
    notes.set_name("填写说明").unwrap();
    notes.write_string(0, 0, "每个工作表填写一种题型，题号从 1 开始。").unwrap();
    for (sheet_name, kind) in [("单选题", 0), ("多选题", 1), ("判断题", 2)] {
        let sheet = workbook.add_worksheet();
        sheet.set_name(sheet_name).unwrap();
        let mut headers = vec!["题号", "题干", "选项A", "选项B", "选项C", "选项D", "答案"];
        if ids {
            headers.push("编号");
        }
        for (c, h) in headers.iter().enumerate() {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        for n in 1..=20u32 {
            let row = n;
            sheet.write_number(row, 0, f64::from(n)).unwrap();
            sheet.write_string(row, 1, format!("{sheet_name}第 {n} 题")).unwrap();
            let (options, answer): (&[&str], &str) = match kind {
                0 => (&["甲", "乙", "丙", "丁"], "B"),
                1 => (&["甲", "乙", "丙", "丁"], "ACD"),
                _ => (&["正确", "错误"], if n % 2 == 0 { "A" } else { "B" }),
            };
            for (c, o) in options.iter().enumerate() {
                sheet.write_string(row, 2 + c as u16, *o).unwrap();
            }
            sheet.write_string(row, 6, answer).unwrap();
            if ids {
                sheet.write_number(row, 7, f64::from(n)).unwrap();
            }
        }
    }
    workbook.save_to_buffer().unwrap()
}

#[test]
fn every_sheet_is_read_and_row_numbers_are_not_ids() {
    let report = import_bytes("竞赛题库.xlsx", &three_sheets(false));
    assert!(report.rejected.is_empty(), "{:?}", rejected(&report));
    assert_eq!(report.questions.len(), 60);
    let per_type: Vec<usize> = report.counts_by_type().into_iter().map(|(_, n)| n).collect();
    assert_eq!(per_type, [20, 20, 20], "判断, 单选, 多选");
    assert!(report.questions.iter().all(|q| q.id.starts_with('q')), "题号 numbers rows; ids come from the content");
    let again = import_bytes("竞赛题库.xlsx", &three_sheets(false));
    assert_eq!(again.questions, report.questions, "generated ids are stable");
    let warnings: Vec<String> = report.warnings.iter().map(|w| w.message(Lang::Zh)).collect();
    assert_eq!(warnings[0], "竞赛题库.xlsx 只读取了工作表 单选题、多选题、判断题，忽略了工作表 填写说明");
}

#[test]
fn ids_repeated_in_another_sheet_are_scoped_to_it() {
    let report = import_bytes("竞赛题库.xlsx", &three_sheets(true));
    assert!(report.rejected.is_empty(), "{:?}", rejected(&report));
    let ids: Vec<&str> = report.questions.iter().map(|q| q.id.as_str()).collect();
    assert_eq!(ids.len(), 60);
    assert_eq!((ids[0], ids[19]), ("1", "20"));
    assert_eq!((ids[20], ids[40], ids[59]), ("多选题-1", "判断题-1", "判断题-20"));
    // Within one sheet a repeated 编号 is still an error.
    let csv = "编号,题型,题干,选项A,选项B,答案\n7,单选,一,甲,乙,A\n7,单选,二,甲,乙,B\n";
    assert_eq!(rejected(&import_bytes("重号.csv", csv.as_bytes())), ["重号.csv 第 3 行「编号」列：题目编号 7 重复"]);
}

#[test]
fn sheets_named_freely_are_all_read_when_they_have_a_header() {
    use rust_xlsxwriter::Workbook;
    let mut workbook = Workbook::new();
    for (name, stem) in [("第一章", "第一章的题"), ("第二章", "第二章的题")] {
        let sheet = workbook.add_worksheet();
        sheet.set_name(name).unwrap();
        for (c, h) in ["题型", "题干", "选项A", "选项B", "答案"].iter().enumerate() {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        for (c, v) in ["单选", stem, "甲", "乙", "A"].iter().enumerate() {
            sheet.write_string(1, c as u16, *v).unwrap();
        }
    }
    let report = import_bytes("分章.xlsx", &workbook.save_to_buffer().unwrap());
    let stems: Vec<&str> = report.questions.iter().map(|q| q.stem.as_str()).collect();
    assert_eq!(stems, ["第一章的题", "第二章的题"]);
}

// (10) Types the contests do not use.

#[test]
fn short_answer_and_fill_in_rows_are_skipped_as_groups() {
    let report = import("exam-all-types.csv");
    assert!(report.rejected.is_empty(), "{:?}", rejected(&report));
    assert_eq!(report.questions.len(), 3);
    assert_eq!((report.rows_read, report.skipped.len()), (3, 5));
    let groups: Vec<String> = report.groups(Lang::Zh).into_iter().map(|g| g.text).collect();
    assert_eq!(
        groups,
        [
            "第 3、9 行：“填空题”不是本竞赛使用的题型（只用单选、多选、判断），已跳过，共 2 行",
            "第 4、6 行：“简答题”不是本竞赛使用的题型（只用单选、多选、判断），已跳过，共 2 行",
            "第 7 行：“问答题”不是本竞赛使用的题型（只用单选、多选、判断），已跳过",
        ]
    );
    // A sheet named for such a type is skipped whole, without a 题型 column.
    use rust_xlsxwriter::Workbook;
    let mut workbook = Workbook::new();
    for name in ["判断题", "简答题"] {
        let sheet = workbook.add_worksheet();
        sheet.set_name(name).unwrap();
        sheet.write_string(0, 0, "题干").unwrap();
        sheet.write_string(0, 1, "答案").unwrap();
        sheet.write_string(1, 0, format!("{name}的一道题")).unwrap();
        sheet.write_string(1, 1, "对").unwrap();
    }
    let report = import_bytes("两页.xlsx", &workbook.save_to_buffer().unwrap());
    assert_eq!((report.questions.len(), report.skipped.len()), (1, 1));
    assert_eq!(report.skipped[0].sheet.as_deref(), Some("简答题"));
}

// (11) Word and typed text.

fn check_typed_paper(report: &ImportReport) {
    assert!(report.rejected.is_empty(), "{:?}", rejected(report));
    let q = &report.questions;
    let summary: Vec<(QuestionType, &str, usize, AnswerSet)> =
        q.iter().map(|q| (q.qtype, q.stem.as_str(), q.options.len(), q.answer)).collect();
    use QuestionType::*;
    assert_eq!(
        summary,
        [
            (Single, "光年是什么单位？（  ）", 4, AnswerSet(0b10)),
            (Single, "人体最大的器官是（  ）", 4, AnswerSet(0b100)),
            (Single, "家用电器着火，首先应该（  ）", 4, AnswerSet(1)),
            (Multiple, "下列属于可再生能源的有", 4, AnswerSet(0b1011)),
            (TrueFalse, "闪电时躲在大树下是安全的。", 0, AnswerSet::FALSE),
            (TrueFalse, "地球绕太阳公转一周约为一年。（  ）", 0, AnswerSet::TRUE),
        ]
    );
    assert_eq!(q[0].options, ["时间", "长度", "速度", "质量"]);
    assert_eq!(q[0].explanation, "光年是光在一年中走过的距离。");
    assert_eq!(q[1].options, ["心脏", "肝脏", "皮肤", "大脑"]);
    assert!(!q[2].shuffle, "以上都对 keeps the order");
    assert_eq!(q[3].explanation, "煤炭是化石能源，\n用完不能再生。");
    assert_eq!(report.skipped.len(), 1, "the 简答 question is skipped");
}

#[test]
fn a_typed_paper_in_text_is_read() {
    let report = import("typed-paper.txt");
    assert_eq!(report.format, kepu_quiz::core::import::ImportFormat::Text);
    check_typed_paper(&report);
    let groups: Vec<String> = report.groups(Lang::Zh).into_iter().map(|g| g.text).collect();
    assert!(
        groups.contains(&"第 33 行：“简答题”不是本竞赛使用的题型（只用单选、多选、判断），已跳过".to_string()),
        "{groups:?}"
    );
    // Text pasted into the organizer's page goes the same way.
    let pasted = String::from_utf8(fixture("typed-paper.txt")).unwrap();
    assert_eq!(import_bytes("粘贴的题目.txt", pasted.as_bytes()).questions, report.questions);
}

/// A .docx as Word writes the same paper: one paragraph per line, runs split mid-word, the
/// 判断 section numbered by Word's list numbering instead of typed numbers.
fn paper_docx() -> Vec<u8> {
    use std::io::Write;
    use zip::write::SimpleFileOptions;
    let text = String::from_utf8(fixture("typed-paper.txt")).unwrap();
    let mut body = String::new();
    let mut in_true_false = false;
    for line in text.lines() {
        in_true_false = (in_true_false || line.starts_with("三、")) && !line.starts_with("四、");
        let escaped = line.replace('&', "&amp;").replace('<', "&lt;");
        let numbered = in_true_false && (line.starts_with("5. ") || line.starts_with("6. "));
        if numbered {
            let stem = &escaped[3..];
            let (a, b) = stem.split_at(stem.char_indices().nth(2).map_or(0, |(i, _)| i));
            body.push_str(&format!(
                r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="3"/></w:numPr></w:pPr><w:r><w:t>{a}</w:t></w:r><w:r><w:t>{b}</w:t></w:r></w:p>"#
            ));
        } else {
            body.push_str(&format!(r#"<w:p><w:r><w:t xml:space="preserve">{escaped}</w:t></w:r></w:p>"#));
        }
    }
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    let types = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("[Content_Types].xml", SimpleFileOptions::default()).unwrap();
    zip.write_all(types.as_bytes()).unwrap();
    zip.start_file("word/document.xml", SimpleFileOptions::default()).unwrap();
    zip.write_all(document.as_bytes()).unwrap();
    zip.finish().unwrap().into_inner()
}

#[test]
fn a_word_docx_is_read() {
    let report = import_bytes("竞赛试题.docx", &paper_docx());
    assert_eq!(report.format, kepu_quiz::core::import::ImportFormat::Docx);
    check_typed_paper(&report);
    let e = failure("坏.docx", b"PK\x03\x04word/document.xml");
    assert!(matches!(e.reason, ImportFailure::NotAWordDocument(_)), "{e:?}");
    assert!(e.message(Lang::Zh).starts_with("坏.docx 不是可以读取的 Word（.docx）文件"), "{}", e.message(Lang::Zh));
}

// Templates found in public repositories of exam and quiz systems (docs/import.md, "Templates
// tried"): each header row exactly as the template has it, with questions written here.

/// (template, file name, contents, questions expected, rows rejected).
const TEMPLATES: [(&str, &str, &str, usize, usize); 11] = [
    (
        "ilhaha/ted-back ImportQuestionConstant (first version)",
        "ted-back-1.csv",
        "问题,题型（0单选，1判断，2多选）,考试人员类型（1-作业人员，2-检验人员）,选项A,选项B,选项C,选项D,答案（多选用英文逗号分隔，如：A,B）\n\
         特种设备作业人员应当持证上岗吗？,1,1,正确,错误,,,A\n\
         压力容器的安全附件包括,2,2,安全阀,压力表,爆破片,门把手,\"A,B,C\"\n\
         电梯困人时应该,0,1,扒门自救,按警铃等待救援,跳跃,撬开轿顶,B\n",
        3,
        0,
    ),
    (
        "ilhaha/ted-back ImportQuestionConstant (second version)",
        "ted-back-2.csv",
        "项目代码,知识类型名称,问题,选项A,选项B,选项C,选项D,\"答案\n（多选用英文逗号分隔如：A,B）\",题型,考试人员类型\n\
         T01,安全常识,燃气泄漏时不能做的是,开灯,关阀,开窗,离开,A,单选,作业人员\n\
         T01,安全常识,灭火的基本方法有,隔离,窒息,冷却,加热,\"A,B,C\",多选,作业人员\n",
        2,
        0,
    ),
    (
        "zzlling123/annotation SingleChoiceSheetModel",
        "annotation-single.csv",
        "序号,题目分类,题目难度,所属范围,试题,选项A,选项B,选项C,选项D,答案,知识点名称\n\
         1,科学常识,简单,全员,彩虹有几种颜色？,5,6,7,8,C,光学\n\
         2,科学常识,困难,全员,声音在哪种介质中传播最快？,空气,水,钢铁,真空,C,声学\n",
        2,
        0,
    ),
    (
        "6ink9/datiba SingleChoice (sheet 单选题)",
        "datiba-single.csv",
        "题目（必填）,选项A（必填）,选项B（必填）,选项C,选项D,正确选项（必填）,解析\n\
         地球上最大的海洋是,太平洋,大西洋,印度洋,北冰洋,A,\n\
         人体血液呈红色是因为含有,血红蛋白,叶绿素,胡萝卜素,黑色素,A,血红蛋白含铁。\n",
        2,
        0,
    ),
    (
        "FT-Fetters/PoliceLearning SingleChoice",
        "police-learning.csv",
        "问题,选项A,选项B,选项C,选项D,答案\n\
         报警电话是,110,119,120,122,A\n\
         火警电话是,110,119,120,122,B\n",
        2,
        0,
    ),
    (
        "an online-judge's ChoiceProblemExcel",
        "oj-choice.csv",
        "题目标题,题目内容,选项A,选项B,选项C,选项D,答案\n\
         进制,二进制数 10 等于十进制的,1,2,3,4,B\n\
         存储,1 KB 等于多少字节,100,1000,1024,2048,C\n",
        2,
        0,
    ),
    (
        "an online-judge's JudgeProblemExcel",
        "oj-judge.csv",
        "题目标题,题目内容,正确答案,解析,难度,岗位类型\n\
         冒泡,冒泡排序是稳定的排序算法。,true,,EASY,开发\n\
         哈希,哈希表查找的时间复杂度总是 O(1)。,否,最坏情况更慢。,MEDIUM,开发\n",
        2,
        0,
    ),
    (
        "a Next.js exam admin's CSV template",
        "nextjs-admin.csv",
        "题目类型*,题目内容*,选项A,选项B,选项C,选项D,正确答案*,分值*,难度等级*,知识点,解析\n\
         单选题,光合作用主要在植物的哪个部位进行？,根,茎,叶,花,C,2,简单,生物,\n\
         判断题,植物晚上也进行光合作用。,,,,,错误,1,一般,生物,没有光就不能。\n",
        2,
        0,
    ),
    (
        "an English question-bank template (questionText, questionType MULTIPLE_CHOICE)",
        "question-bank-en.csv",
        "questionText,points,questionType,difficultyLevel,optionA,optionB,optionC,optionD,correctAnswer,attachmentUrl\n\
         2 + 2 = ?,1.0,MULTIPLE_CHOICE,EASY,3,4,5,6,B,\n\
         The Earth is round.,0.5,TRUE_FALSE,EASY,,,,,TRUE,\n",
        2,
        0,
    ),
    (
        "QuizMate's sample CSV (options separated by ; without letters)",
        "quizmate.csv",
        "questionText,type,options,correctAnswers,tags\n\
         地球是第几颗行星？,single,第二;第三;第四,第三,天文\n",
        0,
        0,
    ),
    (
        "a web quiz's template with option1… and isCorrect1…",
        "iscorrect.csv",
        "content,type,option1,option2,option3,option4,isCorrect1,isCorrect2,isCorrect3,isCorrect4,correctAnswer,explanation\n\
         哪个是哺乳动物？,single,鲸,鲨鱼,金枪鱼,海星,true,false,false,false,,\n\
         鲸是鱼。,tf,,,,,,,,,false,\n",
        1,
        1,
    ),
];

#[test]
fn templates_found_in_public_repositories() {
    let mut without_editing = 0;
    for (template, name, contents, questions, rejected_rows) in TEMPLATES {
        match import_file(name, contents.as_bytes()) {
            Ok(report) => {
                assert_eq!(
                    (report.questions.len(), report.rejected_row_count()),
                    (questions, rejected_rows),
                    "{template}: {:?}",
                    rejected(&report)
                );
                if rejected_rows == 0 && questions > 0 {
                    without_editing += 1;
                }
            }
            Err(e) => assert_eq!(questions, 0, "{template}: {}", e.message(Lang::Zh)),
        }
    }
    assert_eq!(without_editing, 9, "of {} templates", TEMPLATES.len());
    // The Markdown-flavoured text layout of a course site's import script.
    let text = "1、_[单选]_下列哪项是 Python 的特点？\n- A: 编译型语言\n- B: 解释型语言\n- C: 汇编语言\n- D: 机器语言\n正确答案：B\n解析：逐行解释执行。\n\n2、_[多选]_下列属于编程语言的是\n- A: Python\n- B: HTML 标签\n- C: Rust\n- D: Java\n正确答案：ACD\n";
    let report = import_bytes("题目.txt", text.as_bytes());
    assert!(report.rejected.is_empty(), "{:?}", rejected(&report));
    let types: Vec<QuestionType> = report.questions.iter().map(|q| q.qtype).collect();
    assert_eq!(types, [QuestionType::Single, QuestionType::Multiple]);
    assert_eq!(report.questions[0].options[1], "解释型语言");
}
