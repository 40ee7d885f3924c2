//! A small .xlsx writer for organizers' reports: inline strings and plain numbers in an
//! uncompressed (STORED) ZIP, with no dependency and no styles beyond the required default.
//!
//! The output is deterministic: every entry carries the same fixed timestamp.

/// One cell of a sheet.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

/// A named sheet; each row lists its cells from column A.
#[derive(Clone, Debug, PartialEq)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<Vec<Cell>>,
}

/// A minimal valid .xlsx workbook: [Content_Types].xml, _rels/.rels, xl/workbook.xml,
/// xl/_rels/workbook.xml.rels, xl/styles.xml (minimal), and one xl/worksheets/sheetN.xml per
/// sheet (an empty slice gives one empty sheet, as a workbook needs at least one).
///
/// Text becomes inline strings with control characters other than tab and newline removed;
/// numbers become `<v>`, except NaN and infinities, which have no spreadsheet form and are
/// left empty. Sheet names are cut to 31 characters (UTF-16 units, as Excel counts), `[]:*?/\`
/// become `_`, apostrophes around them and control characters go, an empty name becomes
/// `SheetN`, and repeats (compared case-insensitively, as Excel does) get ` (2)`, ` (3)`…
pub fn write_xlsx(sheets: &[Sheet]) -> Vec<u8> {
    let default = [Sheet { name: "Sheet1".into(), rows: Vec::new() }];
    let sheets = if sheets.is_empty() { &default[..] } else { sheets };
    let names = sheet_names(sheets);
    let n = sheets.len();

    let mut types = String::from(concat!(
        r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#,
        r#"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#,
        r#"<Default Extension="xml" ContentType="application/xml"/>"#,
        r#"<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#,
        r#"<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#,
    ));
    let mut workbook = format!(r#"<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets>"#);
    let mut rels = format!(r#"<Relationships xmlns="{PKG_REL_NS}">"#);
    for (i, name) in (1..=n).zip(&names) {
        types.push_str(&format!(
            r#"<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
        ));
        workbook.push_str(&format!(r#"<sheet name="{}" sheetId="{i}" r:id="rId{i}"/>"#, xml_escape(name)));
        rels.push_str(&format!(
            r#"<Relationship Id="rId{i}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>"#
        ));
    }
    types.push_str("</Types>");
    workbook.push_str("</sheets></workbook>");
    rels.push_str(&format!(r#"<Relationship Id="rId{}" Type="{REL_NS}/styles" Target="styles.xml"/>"#, n + 1));
    rels.push_str("</Relationships>");
    let root_rels = format!(
        r#"<Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
    );

    let mut zip = ZipWriter::default();
    zip.add("[Content_Types].xml", &types);
    zip.add("_rels/.rels", &root_rels);
    zip.add("xl/workbook.xml", &workbook);
    zip.add("xl/_rels/workbook.xml.rels", &rels);
    zip.add("xl/styles.xml", STYLES);
    for (i, sheet) in (1..=n).zip(sheets) {
        zip.add(&format!("xl/worksheets/sheet{i}.xml"), &worksheet_xml(&sheet.rows));
    }
    zip.finish()
}

const MAIN_NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PKG_REL_NS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const XML_DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

/// One font, the two fills Excel insists on, one border, one cell format.
const STYLES: &str = concat!(
    r#"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#,
    r#"<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>"#,
    r#"<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>"#,
    r#"<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"#,
    r#"<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>"#,
    r#"<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>"#,
    r#"<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>"#,
    r#"</styleSheet>"#,
);

fn worksheet_xml(rows: &[Vec<Cell>]) -> String {
    let mut xml = format!(r#"<worksheet xmlns="{MAIN_NS}"><sheetData>"#);
    for (r, row) in (1..).zip(rows) {
        xml.push_str(&format!(r#"<row r="{r}">"#));
        for (c, cell) in row.iter().enumerate() {
            let at = format!("{}{r}", column_name(c));
            match cell {
                Cell::Text(text) => xml.push_str(&format!(
                    r#"<c r="{at}" t="inlineStr"><is><t xml:space="preserve">{}</t></is></c>"#,
                    xml_escape(text)
                )),
                Cell::Number(v) if v.is_finite() => xml.push_str(&format!(r#"<c r="{at}"><v>{v}</v></c>"#)),
                Cell::Number(_) | Cell::Empty => {}
            }
        }
        xml.push_str("</row>");
    }
    xml.push_str("</sheetData></worksheet>");
    xml
}

/// `0` → `A`, `25` → `Z`, `26` → `AA`.
fn column_name(mut index: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.iter().rev().map(|&b| b as char).collect()
}

/// Escapes `& < > "` and drops what XML 1.0 cannot hold or Excel would mangle: control
/// characters other than tab and newline, and the noncharacters U+FFFE and U+FFFF.
fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' => out.push(c),
            c if c.is_control() || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Names Excel accepts: no control characters or `[]:*?/\`, no leading or trailing
/// apostrophe, not empty, at most 31 UTF-16 units, unique regardless of case.
fn sheet_names(sheets: &[Sheet]) -> Vec<String> {
    fn cut(text: &str, max_units: usize) -> String {
        let mut units = 0;
        text.chars()
            .take_while(|c| {
                units += c.len_utf16();
                units <= max_units
            })
            .collect()
    }
    let mut names: Vec<String> = Vec::new();
    for (i, sheet) in (1..).zip(sheets) {
        let cleaned: String = sheet
            .name
            .chars()
            .filter(|c| !c.is_control())
            .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
            .collect();
        let cleaned = cleaned.trim_matches('\'');
        let base = if cleaned.trim().is_empty() { format!("Sheet{i}") } else { cleaned.to_string() };
        let mut name = cut(&base, 31);
        let mut n = 2;
        while names.iter().any(|taken| taken.to_lowercase() == name.to_lowercase()) {
            let suffix = format!(" ({n})");
            name = cut(&base, 31 - suffix.len()) + &suffix;
            n += 1;
        }
        names.push(name);
    }
    names
}

/// CRC-32 as ZIP uses it (IEEE, reflected polynomial 0xEDB88320).
fn crc32(bytes: &[u8]) -> u32 {
    const TABLE: [u32; 256] = {
        let mut table = [0u32; 256];
        let mut i = 0;
        while i < 256 {
            let mut c = i as u32;
            let mut k = 0;
            while k < 8 {
                c = if c & 1 == 1 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
                k += 1;
            }
            table[i] = c;
            i += 1;
        }
        table
    };
    !bytes.iter().fold(!0u32, |crc, &b| TABLE[((crc ^ b as u32) & 0xFF) as usize] ^ (crc >> 8))
}

/// A ZIP archive of STORED entries (no compression, no ZIP64: reports stay far below 4 GiB).
#[derive(Default)]
struct ZipWriter {
    out: Vec<u8>,
    central: Vec<u8>,
    entries: u16,
}

/// 1980-01-01 00:00, the earliest MS-DOS date, for every entry.
const DOS_TIME: u16 = 0;
const DOS_DATE: u16 = (1 << 5) | 1;

impl ZipWriter {
    fn add(&mut self, name: &str, xml: &str) {
        let data = [XML_DECL.as_bytes(), xml.as_bytes()].concat();
        let offset = self.out.len() as u32;
        // Version needed 2.0, no flags, method 0 (STORED), time, date, CRC, both sizes, name length.
        let mut common = Vec::with_capacity(26);
        for half in [20, 0, 0, DOS_TIME, DOS_DATE] {
            common.extend(u16::to_le_bytes(half));
        }
        for word in [crc32(&data), data.len() as u32, data.len() as u32] {
            common.extend(word.to_le_bytes());
        }
        common.extend((name.len() as u16).to_le_bytes());

        self.out.extend(0x0403_4b50u32.to_le_bytes());
        self.out.extend(&common);
        self.out.extend(0u16.to_le_bytes()); // extra field length
        self.out.extend(name.as_bytes());
        self.out.extend(&data);

        self.central.extend(0x0201_4b50u32.to_le_bytes());
        self.central.extend(20u16.to_le_bytes()); // version made by
        self.central.extend(&common);
        self.central.extend([0; 12]); // extra, comment, disk, internal and external attributes
        self.central.extend(offset.to_le_bytes());
        self.central.extend(name.as_bytes());
        self.entries += 1;
    }

    fn finish(mut self) -> Vec<u8> {
        let (start, size) = (self.out.len() as u32, self.central.len() as u32);
        self.out.append(&mut self.central);
        self.out.extend(0x0605_4b50u32.to_le_bytes());
        self.out.extend([0; 4]); // this disk, the disk where the directory starts
        self.out.extend(self.entries.to_le_bytes());
        self.out.extend(self.entries.to_le_bytes());
        self.out.extend(size.to_le_bytes());
        self.out.extend(start.to_le_bytes());
        self.out.extend(0u16.to_le_bytes()); // comment length
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
    use std::io::Cursor;

    /// Every sheet's name and its cells from A1, as calamine reads them back.
    fn read_back(bytes: Vec<u8>) -> Vec<(String, Vec<Vec<Cell>>)> {
        let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("calamine opens the workbook");
        let names = book.sheet_names();
        names
            .into_iter()
            .map(|name| {
                let range = book.worksheet_range(&name).unwrap();
                let (end_row, end_col) = range.end().unwrap_or((0, 0));
                let rows = (0..=end_row)
                    .map(|r| {
                        (0..=end_col)
                            .map(|c| match range.get_value((r, c)) {
                                Some(Data::String(s)) => Cell::Text(s.clone()),
                                Some(Data::Float(v)) => Cell::Number(*v),
                                Some(Data::Int(v)) => Cell::Number(*v as f64),
                                Some(Data::Empty) | None => Cell::Empty,
                                Some(other) => panic!("unexpected cell {other:?}"),
                            })
                            .collect()
                    })
                    .collect();
                (name, rows)
            })
            .collect()
    }

    fn t(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }

    #[test]
    fn crc32_known_vectors() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32(b"The quick brown fox jumps over the lazy dog"), 0x414F_A339);
    }

    #[test]
    fn two_sheets_read_back_with_calamine() {
        let first = vec![
            vec![t("姓名"), t("得分"), t("备注")],
            vec![t("张三"), Cell::Number(95.0), t("<b>A&B</b> \"引号\" 'x'")],
            vec![t("李四"), Cell::Empty, t("两\n行\t制表")],
            vec![t("=1+1"), Cell::Number(-2.5), Cell::Number(0.154)],
        ];
        let second = vec![vec![Cell::Empty, t("地区")], vec![Cell::Number(1e-7), t("湖南省 长沙市")]];
        let bytes = write_xlsx(&[
            Sheet { name: "答题记录".into(), rows: first.clone() },
            Sheet { name: "题目分析".into(), rows: second.clone() },
        ]);
        assert_eq!(&bytes[..4], b"PK\x03\x04");
        let book = read_back(bytes);
        let names: Vec<&str> = book.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, ["答题记录", "题目分析"]);
        assert_eq!(book[0].1, first);
        assert_eq!(book[1].1, second);
    }

    #[test]
    fn control_characters_and_non_finite_numbers_are_left_out() {
        let rows =
            vec![vec![t("a\u{0}b\u{1b}c\rd\u{fffe}"), Cell::Number(f64::NAN), Cell::Number(f64::INFINITY), t("z")]];
        let book = read_back(write_xlsx(&[Sheet { name: "s".into(), rows }]));
        assert_eq!(book[0].1, vec![vec![t("abcd"), Cell::Empty, Cell::Empty, t("z")]]);
    }

    #[test]
    fn sheet_names_are_made_acceptable() {
        let sheet = |name: &str| Sheet { name: name.into(), rows: vec![vec![t("x")]] };
        let long = "一二三四五六七八九十".repeat(4);
        let sheets = [
            sheet("a/b:c*?[d]\\"),
            sheet("'报告'"),
            sheet("REPORT"),
            sheet("report"),
            sheet(""),
            sheet(&long),
            sheet(&long),
        ];
        let book = read_back(write_xlsx(&sheets));
        let names: Vec<String> = book.into_iter().map(|(name, _)| name).collect();
        let cut: String = long.chars().take(31).collect();
        let cut_for_suffix: String = long.chars().take(27).collect();
        assert_eq!(
            names,
            ["a_b_c___d__", "报告", "REPORT", "report (2)", "Sheet5", cut.as_str(), &format!("{cut_for_suffix} (2)")]
        );
        // 31 UTF-16 units: an emoji counts two.
        assert_eq!(sheet_names(&[sheet(&"😀".repeat(20))])[0].chars().count(), 15);
    }

    #[test]
    fn an_empty_workbook_still_has_a_sheet() {
        let book = read_back(write_xlsx(&[]));
        assert_eq!(book, vec![("Sheet1".to_string(), vec![vec![Cell::Empty]])]);
    }

    #[test]
    fn column_names() {
        let names: Vec<String> = [0, 1, 25, 26, 27, 51, 52, 701, 702, 16383].into_iter().map(column_name).collect();
        assert_eq!(names, ["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA", "XFD"]);
    }
}
