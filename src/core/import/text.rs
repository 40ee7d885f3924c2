//! Turning a text file's bytes into a `String` the way Excel and Notepad write them, and the
//! full-width/half-width folding that headers and values go through.

use encoding_rs::{GB18030, UTF_16BE, UTF_16LE};

/// Decodes a text file: a BOM decides (UTF-8, or UTF-16 from Excel's "Unicode text"), then
/// UTF-16 written without a BOM is recognised by its zero bytes ([`utf16_without_bom`]), then
/// valid UTF-8 is UTF-8, and anything else is GB18030 (a superset of GBK, which Excel on a
/// Chinese Windows writes for "CSV"). Never fails: unmappable bytes become U+FFFD.
pub(crate) fn decode(bytes: &[u8]) -> (String, &'static str) {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return (String::from_utf8_lossy(rest).into_owned(), "UTF-8 (BOM)");
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return (UTF_16LE.decode_without_bom_handling(rest).0.into_owned(), "UTF-16LE");
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return (UTF_16BE.decode_without_bom_handling(rest).0.into_owned(), "UTF-16BE");
    }
    if let Some((encoding, label)) = utf16_without_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(bytes);
        if !looks_binary(&text) {
            return (text.into_owned(), label);
        }
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_string(), "UTF-8"),
        Err(_) => (GB18030.decode_without_bom_handling(bytes).0.into_owned(), "GB18030"),
    }
}

/// UTF-16 without a byte-order mark. A table's text always has ASCII (separators, line ends,
/// digits), which UTF-16 writes with a zero byte beside each: on the odd bytes for
/// little-endian, on the even ones for big-endian. Text in UTF-8 or GBK has no zero bytes at
/// all. So: at least one character in ten with a zero byte, nearly all on one side.
fn utf16_without_bom(bytes: &[u8]) -> Option<(&'static encoding_rs::Encoding, &'static str)> {
    let (mut even, mut odd) = (0usize, 0usize);
    for (i, b) in bytes.iter().enumerate() {
        if *b == 0 {
            if i % 2 == 0 {
                even += 1;
            } else {
                odd += 1;
            }
        }
    }
    let pairs = bytes.len() / 2;
    if pairs == 0 {
        None
    } else if odd * 10 >= pairs && even * 10 <= odd {
        Some((UTF_16LE, "UTF-16LE (no BOM)"))
    } else if even * 10 >= pairs && odd * 10 <= even {
        Some((UTF_16BE, "UTF-16BE (no BOM)"))
    } else {
        None
    }
}

/// Whether decoded "text" is really binary data (a picture, a document, an archive renamed):
/// text files hold no NUL, few control characters other than tab and line ends, and few
/// bytes that no encoding could read (U+FFFD).
pub(crate) fn looks_binary(text: &str) -> bool {
    let (mut chars, mut controls, mut unreadable) = (0usize, 0usize, 0usize);
    for c in text.chars() {
        chars += 1;
        match c {
            '\0' => return true,
            '\t' | '\n' | '\r' | '\u{c}' => {}
            c if c.is_control() && (c as u32) < 0x20 => controls += 1,
            '\u{FFFD}' => unreadable += 1,
            _ => {}
        }
    }
    controls * 100 > chars || unreadable * 20 > chars
}

/// Full-width ASCII forms (`Ａ`, `１`, `（`, `，`) and the ideographic space become their
/// half-width counterparts; everything else is kept.
pub(crate) fn half_width_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

pub(crate) fn half_width(text: &str) -> String {
    text.chars().map(half_width_char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_each_encoding_and_names_it() {
        assert_eq!(decode("题干".as_bytes()), ("题干".to_string(), "UTF-8"));
        assert_eq!(decode(b"\xEF\xBB\xBFa"), ("a".to_string(), "UTF-8 (BOM)"));
        let (gbk, _, _) = GB18030.encode("题型,题干");
        assert_eq!(decode(&gbk), ("题型,题干".to_string(), "GB18030"));
        assert_eq!(decode(b"\xFF\xFEa\x00b\x00"), ("ab".to_string(), "UTF-16LE"));
        assert_eq!(decode(b"\xFE\xFF\x00a"), ("a".to_string(), "UTF-16BE"));
    }

    #[test]
    fn utf16_without_a_bom_is_recognised() {
        let text = "题型,题干,答案\r\n判断,地球绕太阳公转。,对\r\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        assert_eq!(decode(&le), (text.to_string(), "UTF-16LE (no BOM)"));
        assert_eq!(decode(&be), (text.to_string(), "UTF-16BE (no BOM)"));
        // CJK alone has no zero bytes: still UTF-8 and GBK as before.
        assert_eq!(decode("题型题干".as_bytes()).1, "UTF-8");
    }

    #[test]
    fn binary_data_is_told_from_text() {
        assert!(looks_binary("\u{89}PNG\r\n\u{1a}\n\0\0\0\rIHDR"));
        assert!(looks_binary(&"\u{1}\u{2}abc".repeat(10)));
        assert!(!looks_binary("题型,题干\r\n判断,\t地球绕太阳公转。\r\n"));
        assert!(!looks_binary(""));
    }

    #[test]
    fn folds_full_width_forms() {
        assert_eq!(half_width("选项Ａ（必填）　ａ１，"), "选项A(必填) a1,");
    }
}
