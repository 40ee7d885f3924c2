//! Word `.docx`: the text of `word/document.xml`, one line per paragraph (and per table row,
//! cells separated by tabs), read with the `zip` and `quick-xml` crates calamine already
//! brings. Paragraphs numbered by Word's own list numbering (the number is not in the text)
//! get their number written in, so `1. 光年是…` reads the same either way. The text then goes
//! through the typed-questions reader.

use std::io::{Cursor, Read};

use quick_xml::events::Event;
use quick_xml::Reader;

use super::workbook::check_zip;
use super::{ImportFailure, MAX_XLSX_UNCOMPRESSED_BYTES};

/// The document's text, paragraph by paragraph.
pub(crate) fn document_text(bytes: &[u8]) -> Result<String, ImportFailure> {
    check_zip(bytes).map_err(|e| match e {
        ImportFailure::NotASpreadsheet(why) => ImportFailure::NotAWordDocument(why),
        bomb => bomb,
    })?;
    let broken = ImportFailure::NotAWordDocument;
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| broken(e.to_string()))?;
    let mut xml = Vec::new();
    archive
        .by_name("word/document.xml")
        .map_err(|e| broken(e.to_string()))?
        .take(MAX_XLSX_UNCOMPRESSED_BYTES)
        .read_to_end(&mut xml)
        .map_err(|e| broken(e.to_string()))?;
    paragraphs(&xml).map_err(broken)
}

/// Lines of text from WordprocessingML: `w:t` runs joined, `w:tab` as a tab, `w:br` as a
/// line break, a line per `w:p`, table cells separated by tabs.
fn paragraphs(xml: &[u8]) -> Result<String, String> {
    let mut reader = Reader::from_reader(xml);
    let mut out = String::new();
    let mut line = String::new();
    let mut in_text = false;
    let mut numbered = false;
    let mut list_number = 0usize;
    let mut in_cell = 0usize;
    let mut buffer = Vec::new();
    loop {
        let event = reader.read_event_into(&mut buffer).map_err(|e| e.to_string())?;
        match event {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "numPr" => numbered = true,
            Event::Start(e) => match e.local_name().as_ref() {
                "t" => in_text = true,
                "tc" => in_cell += 1,
                _ => {}
            },
            Event::Empty(e) => match e.local_name().as_ref() {
                "tab" => line.push('\t'),
                "br" | "cr" => line.push('\n'),
                _ => {}
            },
            Event::Text(t) if in_text => line.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if in_text => match r.resolve_char_ref() {
                Ok(Some(c)) => line.push(c),
                _ => line.push_str(match r.as_ref() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    _ => "",
                }),
            },
            Event::End(e) => match e.local_name().as_ref() {
                "t" => in_text = false,
                "p" => {
                    let text = line.trim();
                    if numbered && !text.is_empty() && !starts_with_mark(text) {
                        list_number += 1;
                        out.push_str(&format!("{list_number}. "));
                    }
                    out.push_str(text);
                    out.push(if in_cell > 0 { '\t' } else { '\n' });
                    line.clear();
                    numbered = false;
                }
                "tc" => in_cell = in_cell.saturating_sub(1),
                "tr" => out.push('\n'),
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        buffer.clear();
    }
    Ok(out)
}

/// A paragraph that already says what it is: a number, an option letter, 答案 or 解析.
fn starts_with_mark(text: &str) -> bool {
    let first = text.chars().next().unwrap_or(' ');
    first.is_ascii_digit()
        || ('A'..='H').contains(&first)
        || ('Ａ'..='Ｈ').contains(&first)
        || ["答案", "解析", "【", "（", "("].iter().any(|m| text.starts_with(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_runs_and_list_numbers() {
        let xml = r#"<w:document xmlns:w="w"><w:body>
            <w:p><w:r><w:t>一、单选题</w:t></w:r></w:p>
            <w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t xml:space="preserve">光年是</w:t></w:r><w:r><w:t>什么单位？</w:t></w:r></w:p>
            <w:p><w:r><w:t>A、时间</w:t></w:r><w:r><w:tab/><w:t>B、长度</w:t></w:r></w:p>
            <w:p><w:r><w:t>答案：B &amp; 解析</w:t></w:r><w:r><w:br/><w:t>第二行</w:t></w:r></w:p>
            <w:tbl><w:tr><w:tc><w:p><w:r><w:t>甲</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>乙</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
        </w:body></w:document>"#;
        assert_eq!(
            paragraphs(xml.as_bytes()).unwrap(),
            "一、单选题\n1. 光年是什么单位？\nA、时间\tB、长度\n答案：B & 解析\n第二行\n甲\t乙\t\n"
        );
    }
}
