//! CSV records as Excel reads them: RFC 4180 quoting (quoted fields may hold delimiters,
//! newlines and doubled quotes), CRLF or LF, and a delimiter chosen from the header row.

/// The records of a CSV text, and the record where a quote was opened and never closed.
pub(crate) struct CsvRecords {
    /// Record `i` is the row Excel shows as `i + 1` (a quoted newline does not start a row).
    pub records: Vec<Vec<String>>,
    pub unterminated_quote_row: Option<usize>,
}

/// Comma, unless the first non-empty line clearly uses tabs or semicolons instead.
pub(crate) fn detect_delimiter(text: &str) -> char {
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let (mut commas, mut tabs, mut semicolons) = (0usize, 0usize, 0usize);
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => commas += 1,
            '\t' if !quoted => tabs += 1,
            ';' if !quoted => semicolons += 1,
            _ => {}
        }
    }
    if tabs > commas && tabs >= semicolons {
        '\t'
    } else if semicolons > commas && semicolons > tabs {
        ';'
    } else {
        ','
    }
}

pub(crate) fn parse(text: &str, delimiter: char) -> CsvRecords {
    let mut records = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    // Whether the current field has started (a quote only opens a field at its start).
    let mut started = false;
    let mut quoted = false;
    let mut quote_row = 0;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\r' if chars.peek() == Some(&'\n') => {}
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if !started => {
                quoted = true;
                started = true;
                quote_row = records.len() + 1;
            }
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                fields.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut fields));
                started = false;
            }
            _ if c == delimiter => {
                fields.push(std::mem::take(&mut field));
                started = false;
            }
            _ => {
                // Text after a closing quote is kept, as Excel does: `"a"b` reads `ab`.
                field.push(c);
                started = true;
            }
        }
    }
    if started || !fields.is_empty() {
        fields.push(field);
        records.push(fields);
    }
    CsvRecords { records, unterminated_quote_row: quoted.then_some(quote_row) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_newlines_and_row_numbers() {
        let text = "题型,题干\r\n单选,\"第一行\n第二行，含\"\"引号\"\"\"\r\n\r\n判断,\"a,b\"\n";
        let csv = parse(text, ',');
        assert_eq!(csv.records.len(), 4);
        assert_eq!(csv.records[1], vec!["单选", "第一行\n第二行，含\"引号\""]);
        assert_eq!(csv.records[2], vec![""]);
        assert_eq!(csv.records[3], vec!["判断", "a,b"]);
        assert_eq!(csv.unterminated_quote_row, None);
    }

    #[test]
    fn last_line_without_newline_and_unterminated_quote() {
        let csv = parse("a,b\nc,\"d\ne", ',');
        assert_eq!(csv.records, vec![vec!["a", "b"], vec!["c", "d\ne"]]);
        assert_eq!(csv.unterminated_quote_row, Some(2));
        assert_eq!(parse("a;\"b\"c", ';').records, vec![vec!["a", "bc"]]);
    }

    #[test]
    fn delimiter_from_header_row() {
        assert_eq!(detect_delimiter("题型,题干,答案\n"), ',');
        assert_eq!(detect_delimiter("\n题型\t题干\t答案\n"), '\t');
        assert_eq!(detect_delimiter("题型;题干;答案"), ';');
        assert_eq!(detect_delimiter("题型;\"题,干\";答案"), ';');
        assert_eq!(detect_delimiter("题干"), ',');
    }
}
