//! Every CSV file the app reads or writes, through the `csv` crate: question sheets and
//! population files read as Excel reads them (RFC 4180 quoting, CRLF, LF or CR, a delimiter
//! chosen from the header row, rows numbered as Excel shows them), and reports written as
//! Excel and WPS open them directly (UTF-8 with a BOM, CRLF, text guarded against formulas).
//!
//! Decoding bytes (GBK, UTF-16, BOMs) is the importer's; this module reads text.

use std::borrow::Cow;

use csv::{ByteRecord, ReaderBuilder, Terminator, WriterBuilder};

/// One record of a CSV text and the row Excel shows it on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CsvRow {
    /// Blank lines count as rows; a line break inside quotes does not start one.
    pub number: usize,
    /// Quoted line breaks read as `\n`, as Excel keeps them in a cell.
    pub fields: Vec<String>,
}

/// The records of a CSV text, and the row where a quote was opened and never closed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CsvRecords {
    /// Records in order; blank lines have none (only their row numbers show them).
    pub rows: Vec<CsvRow>,
    pub unterminated_quote_row: Option<usize>,
}

/// Appended to the text being read. After a closed quote it is a record of its own, starting
/// right after the text; after an unclosed one `csv` reads it into the open field, as it does
/// the rest of the file. That tells the two apart without a second quote parser.
const SENTINEL: &str = "\n.";

/// Reads every record of `text` (a leading BOM is skipped). Fields are as `csv` reads them
/// with `delimiter`, except that a quoted CRLF becomes `\n`.
pub(crate) fn read(text: &str, delimiter: u8) -> CsvRecords {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let input = [text, SENTINEL].concat();
    let bytes = input.as_bytes();
    let mut reader = ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .terminator(Terminator::CRLF)
        .from_reader(bytes);
    // (starting byte, row, fields) of each record.
    let mut records: Vec<(usize, usize, ByteRecord)> = Vec::new();
    let mut record = ByteRecord::new();
    let mut row = 1;
    // Reading a slice cannot fail, so an error can only end the text early.
    while let Ok(true) = reader.read_byte_record(&mut record) {
        // `csv` places a record where the one before it stopped: after the first byte of its
        // line break, before any blank lines it skipped. Counting the line breaks from that
        // byte to the record's first byte numbers rows the way Excel does.
        let gap = record.position().map_or(0, |p| p.byte() as usize);
        let start = gap + bytes[gap..].iter().take_while(|b| matches!(b, b'\r' | b'\n')).count();
        let line_breaks_from = if records.is_empty() { gap } else { gap - 1 };
        row += line_breaks(&bytes[line_breaks_from..start]);
        records.push((start, row, record.clone()));
    }

    let mut unterminated_quote_row = None;
    match records.last_mut() {
        Some((start, _, _)) if *start == text.len() + 1 => {
            records.pop();
        }
        Some((_, row, fields)) => {
            unterminated_quote_row = Some(*row);
            let mut kept = ByteRecord::new();
            let last = fields.len() - 1;
            for (i, field) in fields.iter().enumerate() {
                kept.push_field(if i == last { &field[..field.len() - SENTINEL.len()] } else { field });
            }
            *fields = kept;
        }
        None => {}
    }
    let rows = records
        .into_iter()
        .map(|(_, number, fields)| CsvRow {
            number,
            fields: fields.iter().map(|f| String::from_utf8_lossy(f).replace("\r\n", "\n")).collect(),
        })
        .collect();
    CsvRecords { rows, unterminated_quote_row }
}

/// CRLF, CR and LF each end one line.
fn line_breaks(bytes: &[u8]) -> usize {
    bytes.iter().enumerate().filter(|&(i, &b)| b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'))).count()
}

/// The fields of the first record of `line`.
pub(crate) fn first_record(line: &str, delimiter: u8) -> Vec<String> {
    read(line, delimiter).rows.into_iter().next().map(|row| row.fields).unwrap_or_default()
}

/// Comma, unless the first non-blank line has more tab- or semicolon-separated fields.
pub(crate) fn detect_delimiter(text: &str) -> u8 {
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let fields = |delimiter| first_record(line, delimiter).len();
    let (commas, tabs, semicolons) = (fields(b','), fields(b'\t'), fields(b';'));
    if tabs > commas && tabs >= semicolons {
        b'\t'
    } else if semicolons > commas && semicolons > tabs {
        b';'
    } else {
        b','
    }
}

/// A CSV file as Excel and WPS open it by double-click: a UTF-8 BOM first, CRLF after every
/// record, fields quoted only when they hold a comma, a quote or a line break.
pub(crate) struct CsvWriter(csv::Writer<Vec<u8>>);

impl CsvWriter {
    pub fn new() -> CsvWriter {
        let bom = "\u{feff}".as_bytes().to_vec();
        CsvWriter(WriterBuilder::new().flexible(true).terminator(Terminator::CRLF).from_writer(bom))
    }

    /// One record. Text typed by people goes through [`guard_formula`] first.
    pub fn record<I: IntoIterator<Item = T>, T: AsRef<[u8]>>(&mut self, fields: I) {
        // Writing to memory with records of any length has no way to fail.
        self.0.write_record(fields).expect("CSV written to memory");
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.0.into_inner().expect("CSV written to memory")
    }
}

/// Text that starts with `=` `+` `-` `@`, a tab or a CR gets a leading apostrophe, so a
/// spreadsheet shows it instead of running it as a formula.
pub(crate) fn guard_formula(value: &str) -> Cow<'_, str> {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str, delimiter: u8) -> Vec<(usize, Vec<String>)> {
        read(text, delimiter).rows.into_iter().map(|r| (r.number, r.fields)).collect()
    }

    fn row(number: usize, fields: &[&str]) -> (usize, Vec<String>) {
        (number, fields.iter().map(|f| f.to_string()).collect())
    }

    #[test]
    fn quoting_newlines_and_row_numbers() {
        let text = "题型,题干\r\n单选,\"第一行\r\n第二行，含\"\"引号\"\"\"\r\n\r\n判断,\"a,b\"\n";
        let csv = read(text, b',');
        assert_eq!(
            csv.rows.iter().map(|r| (r.number, r.fields.clone())).collect::<Vec<_>>(),
            [row(1, &["题型", "题干"]), row(2, &["单选", "第一行\n第二行，含\"引号\""]), row(4, &["判断", "a,b"])]
        );
        assert_eq!(csv.unterminated_quote_row, None);
    }

    #[test]
    fn blank_lines_count_as_rows_with_every_line_ending() {
        for end in ["\n", "\r\n", "\r"] {
            let text = ["", "a", "", "", "b,\"x", "y\"", "c"].join(end);
            assert_eq!(
                rows(&text, b','),
                [row(2, &["a"]), row(5, &["b", &format!("x{end}y").replace("\r\n", "\n")]), row(6, &["c"])],
                "{end:?}"
            );
        }
        assert_eq!(rows("\u{feff}a,b\r\n", b','), [row(1, &["a", "b"])], "a BOM is not a field");
        assert_eq!(rows("", b','), []);
        assert_eq!(rows("\r\n\n", b','), []);
    }

    #[test]
    fn last_line_without_newline_and_unterminated_quote() {
        let csv = read("a,b\nc,\"d\ne", b',');
        assert_eq!(
            csv.rows,
            [
                CsvRow { number: 1, fields: vec!["a".into(), "b".into()] },
                CsvRow { number: 2, fields: vec!["c".into(), "d\ne".into()] }
            ]
        );
        assert_eq!(csv.unterminated_quote_row, Some(2));
        assert_eq!(rows("a;\"b\"c", b';'), [row(1, &["a", "bc"])], "text after a closing quote is kept, as Excel does");
        assert_eq!(
            rows("a,b\"c\",\"d\"\"\"", b','),
            [row(1, &["a", "b\"c\"", "d\""])],
            "a quote opens a field only at its start"
        );
        // A quote opened in a later field of a record spanning lines is reported at the record's row.
        let csv = read("h\n\nx,\"1\n2\",\"3\n4", b',');
        assert_eq!(csv.unterminated_quote_row, Some(3));
        assert_eq!(csv.rows[1].fields, ["x", "1\n2", "3\n4"]);
        assert_eq!(read("\"", b',').unterminated_quote_row, Some(1));
        assert_eq!(read("\"a\"\"", b',').rows[0].fields, ["a\""]);
        assert_eq!(read("a,\"b\"", b',').unterminated_quote_row, None);
        assert_eq!(read("\"a\r", b',').rows[0].fields, ["a\r"], "a lone CR in quotes is kept");
    }

    #[test]
    fn delimiter_from_header_row() {
        assert_eq!(detect_delimiter("题型,题干,答案\n"), b',');
        assert_eq!(detect_delimiter("\n题型\t题干\t答案\n"), b'\t');
        assert_eq!(detect_delimiter("题型;题干;答案"), b';');
        assert_eq!(detect_delimiter("题型;\"题,干\";答案"), b';');
        assert_eq!(detect_delimiter("\"题型,题干\"\t答案"), b'\t');
        assert_eq!(detect_delimiter("题干"), b',');
        assert_eq!(first_record("\"题干\"\t\"答案\"\r\n单选", b'\t'), ["题干", "答案"]);
    }

    fn written(records: &[&[&str]]) -> String {
        let mut csv = CsvWriter::new();
        for record in records {
            csv.record(record.iter().map(|field| guard_formula(field).into_owned()));
        }
        String::from_utf8(csv.into_bytes()).unwrap()
    }

    #[test]
    fn rfc4180_quoting_with_a_bom_and_crlf() {
        assert_eq!(written(&[&["张三", "", "1"], &["张,三"]]), "\u{feff}张三,,1\r\n\"张,三\"\r\n");
        assert_eq!(written(&[&["他说\"好\""]]), "\u{feff}\"他说\"\"好\"\"\"\r\n");
        assert_eq!(written(&[&["两\n行", "回车\r"]]), "\u{feff}\"两\n行\",\"回车\r\"\r\n");
        assert_eq!(written(&[]), "\u{feff}");
    }

    #[test]
    fn formula_injection_guard() {
        assert_eq!(written(&[&["=HYPERLINK(\"http://x\")"]]), "\u{feff}\"'=HYPERLINK(\"\"http://x\"\")\"\r\n");
        assert_eq!(guard_formula("+86 138"), "'+86 138");
        assert_eq!(guard_formula("-1"), "'-1");
        assert_eq!(guard_formula("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(guard_formula("\tcmd"), "'\tcmd");
        assert_eq!(written(&[&["\rcmd"]]), "\u{feff}\"'\rcmd\"\r\n");
        assert_eq!(guard_formula("a=b"), "a=b", "only a leading sign matters");
    }

    #[test]
    fn what_is_written_reads_back() {
        let fields = ["a,b", "\"q\"", "两\r\n行", "", "末"];
        let text = written(&[&fields, &["x"]]);
        let back = read(&text, detect_delimiter(&text));
        assert_eq!(back.rows[0].fields, ["a,b", "\"q\"", "两\n行", "", "末"]);
        assert_eq!((back.rows[1].number, back.unterminated_quote_row), (2, None), "a quoted line break is no row");
    }
}
