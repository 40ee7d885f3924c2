//! Turning a text file's bytes into a `String` the way Excel and Notepad write them, and the
//! full-width/half-width folding that headers and values go through.

use encoding_rs::{GB18030, UTF_16BE, UTF_16LE};

/// Decodes a text file: a BOM decides (UTF-8, or UTF-16 from Excel's "Unicode text"), then
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
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_string(), "UTF-8"),
        Err(_) => (GB18030.decode_without_bom_handling(bytes).0.into_owned(), "GB18030"),
    }
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
    fn folds_full_width_forms() {
        assert_eq!(half_width("选项Ａ（必填）　ａ１，"), "选项A(必填) a1,");
    }
}
