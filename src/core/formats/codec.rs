//! JSON through serde: every file and stored record is a `#[derive(Serialize, Deserialize)]`
//! type, read and written by a [`Json`] codec.
//!
//! Two codecs share the types. [`SerdeJson`] (serde_json) reads natively, on the organizer's page
//! and in the import worker. The citizen's app uses the browser's own `JSON.parse` /
//! `JSON.stringify` with serde-wasm-bindgen (`web::browser::json`), which keeps serde_json's parser out of
//! the phone's download. Both report errors with the field path (serde_path_to_error) and a
//! reason in the reader's language, from serde's own error kinds.

use crate::core::Message;
use std::fmt::Write as _;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::core::Lang;

/// Reads and writes JSON text as serde types.
pub trait Json {
    fn decode<T: DeserializeOwned>(text: &str) -> Result<T, DecodeError>;
    fn encode<T: Serialize + ?Sized>(value: &T) -> String;

    /// A `T` from a file whose `format` must be `format` and whose `version` is at most
    /// `newest`, checked first, so a foreign or newer file is named as such instead of failing
    /// on some field deep inside. A codec that can parse once and read twice does so.
    fn decode_headed<T: DeserializeOwned>(text: &str, format: &str, newest: u32) -> Result<T, HeaderError> {
        read_header::<Self>(text, format, newest)?;
        Self::decode(text).map_err(HeaderError::Json)
    }
}

/// serde_json: natively, on the organizer's page and in the import worker.
pub struct SerdeJson;

impl Json for SerdeJson {
    fn decode<T: DeserializeOwned>(text: &str) -> Result<T, DecodeError> {
        SerdeJson::decode_borrowed(text)
    }

    fn encode<T: Serialize + ?Sized>(value: &T) -> String {
        serde_json::to_string(value).expect("our types always serialize")
    }
}

impl SerdeJson {
    /// [`Json::decode`] of a type that may borrow from the text (`&RawValue`).
    pub fn decode_borrowed<'a, T: Deserialize<'a>>(text: &'a str) -> Result<T, DecodeError> {
        let mut de = serde_json::Deserializer::from_str(text);
        match serde_path_to_error::deserialize(&mut de) {
            Ok(value) => de.end().map(|()| value).map_err(|e| DecodeError::syntax(e.line(), e.column())),
            Err(e) => {
                let path = e.path().to_string();
                let inner = e.into_inner();
                if inner.classify() == serde_json::error::Category::Data {
                    let text = inner.to_string();
                    // serde_json appends the place; the path says it better.
                    let text = text.rsplit_once(" at line ").map_or(text.as_str(), |(m, _)| m);
                    Err(DecodeError::shape(path, text))
                } else {
                    Err(DecodeError::syntax(inner.line(), inner.column()))
                }
            }
        }
    }
}

/// Why JSON text could not be read as the type wanted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DecodeError {
    /// Not JSON at all; the place where reading stopped, when known (1-based).
    Syntax { line: usize, column: usize },
    /// JSON, but not of the shape wanted: where (`rules.round.mix[0].count`) and why.
    Shape { path: String, reason: Reason },
}

/// What was wrong with a value, from serde's error kinds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reason {
    WrongType {
        expected: Kind,
        found: Found,
    },
    OutOfRange {
        expected: Kind,
        found: Found,
    },
    Missing(String),
    UnknownValue {
        found: String,
        expected: Vec<String>,
    },
    WrongLength(String),
    /// A message of our own types' checks, or one serde gave in another form.
    Other(String),
}

/// A kind of JSON value, as a type expects it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind {
    Integer,
    Number,
    Text,
    Bool,
    List,
    Object,
    Any,
}

/// The value found instead.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Found {
    Text(String),
    Integer(String),
    Number(String),
    Bool(bool),
    Null,
    List,
    Object,
    Other(String),
}

impl Message for DecodeError {
    /// The whole message in `lang`: "not valid JSON" only for text that is not JSON.
    fn message(&self, lang: Lang) -> String {
        match self {
            DecodeError::Syntax { line: 0, .. } => lang.pick("不是有效的 JSON", "not valid JSON").into(),
            DecodeError::Syntax { line, column } => match lang {
                Lang::Zh => format!("不是有效的 JSON（第 {line} 行第 {column} 列）"),
                Lang::En => format!("not valid JSON (line {line}, column {column})"),
            },
            DecodeError::Shape { path, reason } => {
                let reason = reason.message(lang);
                match (path.is_empty(), lang) {
                    (true, Lang::Zh) => format!("格式不对：{reason}"),
                    (true, Lang::En) => format!("wrong shape: {reason}"),
                    (false, Lang::Zh) => format!("格式不对：{path} {reason}"),
                    (false, Lang::En) => format!("wrong shape: {path}: {reason}"),
                }
            }
        }
    }
}

impl DecodeError {
    pub fn syntax(line: usize, column: usize) -> DecodeError {
        DecodeError::Syntax { line, column }
    }

    /// A shape error from serde's message (`invalid type: string "7", expected u32`).
    pub fn shape(path: String, message: &str) -> DecodeError {
        let path = if path == "." { String::new() } else { path };
        DecodeError::Shape { path, reason: Reason::from_serde(message) }
    }

    /// Where the problem is, for a message such as `规则 round.mix[0].count 应为整数`.
    pub fn path(&self) -> &str {
        match self {
            DecodeError::Syntax { .. } => "",
            DecodeError::Shape { path, .. } => path,
        }
    }

    /// The same error, as found inside the member `place` of a larger file.
    pub fn within(self, place: &str) -> DecodeError {
        match self {
            DecodeError::Shape { path, reason } => {
                let sep = if path.is_empty() || path.starts_with('[') { "" } else { "." };
                DecodeError::Shape { path: format!("{place}{sep}{path}"), reason }
            }
            syntax => syntax,
        }
    }

    pub fn is_syntax(&self) -> bool {
        matches!(self, DecodeError::Syntax { .. })
    }
}

crate::core::english_display!(DecodeError);

/// Text between the first pair of backticks in `s`, and what follows it.
fn backticked(s: &str) -> Option<(&str, &str)> {
    let (_, rest) = s.split_once('`')?;
    rest.split_once('`')
}

impl Message for Reason {
    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (Reason::WrongType { expected, found }, Lang::Zh) => {
                format!("应为{}，实际是{}", expected.name(lang), found.describe(lang))
            }
            (Reason::WrongType { expected, found }, Lang::En) => {
                format!("expected {}, found {}", expected.name(lang), found.describe(lang))
            }
            (Reason::OutOfRange { expected, found }, Lang::Zh) => {
                format!("{}超出范围（应为{}）", found.describe(lang), expected.name(lang))
            }
            (Reason::OutOfRange { expected, found }, Lang::En) => {
                format!("{} is out of range (expected {})", found.describe(lang), expected.name(lang))
            }
            (Reason::Missing(field), Lang::Zh) => format!("缺少 {field}"),
            (Reason::Missing(field), Lang::En) => format!("{field} is missing"),
            (Reason::UnknownValue { found, expected }, _) => {
                let mut list = String::new();
                for (i, e) in expected.iter().enumerate() {
                    let _ = write!(list, "{}{e}", if i == 0 { "" } else { lang.pick("、", ", ") });
                }
                match lang {
                    Lang::Zh => format!("“{found}”无法识别（应为 {list}）"),
                    Lang::En => format!("\"{found}\" is not known (expected one of {list})"),
                }
            }
            (Reason::WrongLength(n), Lang::Zh) => format!("长度 {n} 不对"),
            (Reason::WrongLength(n), Lang::En) => format!("the length {n} is wrong"),
            (Reason::Other(m), _) => m.clone(),
        }
    }
}

impl Reason {
    /// Reads serde's standard error texts (`serde::de::Error`'s provided methods), which both
    /// serde_json and serde-wasm-bindgen produce; anything else is kept as it is.
    pub fn from_serde(message: &str) -> Reason {
        let m = message.trim();
        let typed = |rest: &str| {
            let (found, expected) = rest.rsplit_once(", expected ")?;
            Some((Kind::from_serde(expected), Found::from_serde(found)))
        };
        if let Some(rest) = m.strip_prefix("invalid type: ") {
            if let Some((expected, found)) = typed(rest) {
                return Reason::WrongType { expected, found };
            }
        }
        if let Some(rest) = m.strip_prefix("invalid value: ") {
            if let Some((expected, found)) = typed(rest) {
                return Reason::OutOfRange { expected, found };
            }
        }
        if let Some(rest) = m.strip_prefix("missing field ") {
            if let Some((field, _)) = backticked(rest) {
                return Reason::Missing(field.to_string());
            }
        }
        if let Some(rest) = m.strip_prefix("unknown variant ") {
            if let Some((found, rest)) = backticked(rest) {
                let expected = rest.split('`').skip(1).step_by(2).map(str::to_string).collect();
                return Reason::UnknownValue { found: found.to_string(), expected };
            }
        }
        if let Some(rest) = m.strip_prefix("invalid length ") {
            return Reason::WrongLength(rest.split(',').next().unwrap_or(rest).to_string());
        }
        Reason::Other(m.to_string())
    }
}

impl Kind {
    fn from_serde(expected: &str) -> Kind {
        let e = expected.trim();
        let integer = ["u8", "u16", "u32", "u64", "usize", "i8", "i16", "i32", "i64", "isize"];
        if integer.contains(&e) || e.contains("integer") {
            Kind::Integer
        } else if e == "f32" || e == "f64" || e.contains("number") {
            Kind::Number
        } else if e.contains("string") || e.contains("char") || e.contains("identifier") {
            Kind::Text
        } else if e.contains("bool") {
            Kind::Bool
        } else if e.contains("sequence") || e.contains("tuple") || e.contains("array") {
            Kind::List
        } else if e.starts_with("struct ") || e.contains("map") {
            Kind::Object
        } else {
            Kind::Any
        }
    }

    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            Kind::Integer => lang.pick("整数", "a whole number"),
            Kind::Number => lang.pick("数字", "a number"),
            Kind::Text => lang.pick("文字", "text"),
            Kind::Bool => lang.pick("true 或 false", "true or false"),
            Kind::List => lang.pick("列表", "a list"),
            Kind::Object => lang.pick("对象", "an object"),
            Kind::Any => lang.pick("其他值", "another value"),
        }
    }
}

impl Found {
    fn from_serde(found: &str) -> Found {
        let f = found.trim();
        if let Some(s) = f.strip_prefix("string ") {
            return Found::Text(s.trim_matches('"').to_string());
        }
        let quoted = |prefix: &str| f.strip_prefix(prefix).and_then(|r| backticked(r)).map(|(v, _)| v.to_string());
        if let Some(n) = quoted("integer ") {
            return Found::Integer(n);
        }
        if let Some(n) = quoted("floating point ") {
            return Found::Number(n);
        }
        if let Some(b) = quoted("boolean ") {
            return Found::Bool(b == "true");
        }
        match f {
            "null" | "unit value" | "Option value" => Found::Null,
            "sequence" => Found::List,
            "map" => Found::Object,
            _ => Found::Other(f.to_string()),
        }
    }

    fn describe(&self, lang: Lang) -> String {
        match (self, lang) {
            (Found::Text(s), Lang::Zh) => format!("文字“{s}”"),
            (Found::Text(s), Lang::En) => format!("the text \"{s}\""),
            (Found::Integer(n) | Found::Number(n), Lang::Zh) => format!("数字 {n}"),
            (Found::Integer(n) | Found::Number(n), Lang::En) => format!("the number {n}"),
            (Found::Bool(b), _) => b.to_string(),
            (Found::Null, _) => "null".into(),
            (Found::List, _) => lang.pick("列表", "a list").into(),
            (Found::Object, _) => lang.pick("对象", "an object").into(),
            (Found::Other(s), _) => s.clone(),
        }
    }
}

/// The `format` and `version` every file of ours starts with.
#[derive(Deserialize)]
pub struct Header {
    format: Option<String>,
    version: Option<u64>,
}

impl Header {
    /// Refuses a header of another format or a newer version.
    pub fn check(self, format: &str, newest: u32) -> Result<(), HeaderError> {
        check_header(self.format.as_deref(), self.version, format, newest)
    }
}

/// Why a file's header (its `format` and `version` fields) was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HeaderError {
    Json(DecodeError),
    WrongFormat,
    NewerVersion(u32),
}

/// Checks only the header of `text`.
pub(crate) fn read_header<J: Json + ?Sized>(text: &str, format: &str, newest: u32) -> Result<(), HeaderError> {
    J::decode::<Header>(text).map_err(HeaderError::from_header_decode)?.check(format, newest)
}

impl HeaderError {
    /// Text that is not JSON is a damaged file; JSON without a readable header is another kind.
    pub fn from_header_decode(e: DecodeError) -> HeaderError {
        match e {
            DecodeError::Syntax { .. } => HeaderError::Json(e),
            DecodeError::Shape { .. } => HeaderError::WrongFormat,
        }
    }
}

pub(crate) fn check_header(
    found: Option<&str>,
    version: Option<u64>,
    format: &str,
    newest: u32,
) -> Result<(), HeaderError> {
    if found != Some(format) {
        return Err(HeaderError::WrongFormat);
    }
    match version {
        Some(v) if v > u64::from(newest) => Err(HeaderError::NewerVersion(u32::try_from(v).unwrap_or(u32::MAX))),
        _ => Ok(()),
    }
}

/// What a stored record must mean beyond its shape, checked whenever it is read: a record
/// that is well-formed JSON of the right type but cannot be true (a round whose current
/// question is not one of its questions, a PIN hash of four billion rounds) is refused like
/// unreadable data, so the web adapter sets it aside instead of the app breaking on it.
pub trait Meaningful {
    /// The first thing that cannot be true of this record: where (below `data`) and why.
    fn meaning(&self) -> Result<(), (String, String)> {
        Ok(())
    }
}

/// Instants a record may hold: from 1970 to 2100 (epoch milliseconds).
pub const PLAUSIBLE_MS: std::ops::RangeInclusive<i64> = 0..=4_102_444_800_000;
/// Durations a record may hold: up to 30 days.
pub const PLAUSIBLE_SPAN_MS: std::ops::RangeInclusive<i64> = 0..=30 * 86_400_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Mix {
        count: u32,
        #[serde(rename = "type")]
        kind: crate::core::model::bank::QuestionType,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Round {
        mix: Vec<Mix>,
    }

    fn zh<T: DeserializeOwned + std::fmt::Debug>(text: &str) -> String {
        SerdeJson::decode::<T>(text).unwrap_err().message(Lang::Zh)
    }

    #[test]
    fn shape_errors_name_the_path_in_chinese() {
        assert_eq!(
            zh::<Round>(r#"{"mix":[{"count":"7","type":"single"}]}"#),
            "格式不对：mix[0].count 应为整数，实际是文字“7”"
        );
        assert_eq!(zh::<Round>(r#"{"mix":[{"type":"single"}]}"#), "格式不对：mix[0] 缺少 count");
        assert_eq!(
            zh::<Round>(r#"{"mix":[{"count":1,"type":"essay"}]}"#),
            "格式不对：mix[0].type “essay”无法识别（应为 single、multiple、true_false）"
        );
        assert_eq!(
            zh::<Round>(r#"{"mix":[{"count":-1,"type":"single"}]}"#),
            "格式不对：mix[0].count 数字 -1超出范围（应为整数）"
        );
        assert_eq!(zh::<Round>(r#"{"mix":{}}"#), "格式不对：mix 应为列表，实际是对象");
        let en = SerdeJson::decode::<Round>(r#"{"mix":[{"count":true,"type":"single"}]}"#).unwrap_err();
        assert_eq!(en.message(Lang::En), "wrong shape: mix[0].count: expected a whole number, found true");
    }

    #[test]
    fn syntax_errors_say_not_json_with_the_place() {
        let e = SerdeJson::decode::<Round>("{\"mix\":\n [,]}").unwrap_err();
        assert!(e.is_syntax());
        assert_eq!(e.message(Lang::Zh), "不是有效的 JSON（第 2 行第 3 列）");
        assert!(SerdeJson::decode::<Round>(r#"{"mix":[]} x"#).unwrap_err().is_syntax(), "trailing text");
    }

    #[test]
    fn header_first() {
        let r = SerdeJson::decode_headed::<Round>(r#"{"format":"a","version":3,"mix":1}"#, "a", 2);
        assert_eq!(r.unwrap_err(), HeaderError::NewerVersion(3));
        let r = SerdeJson::decode_headed::<Round>(r#"[1]"#, "a", 2);
        assert_eq!(r.unwrap_err(), HeaderError::WrongFormat);
        let r = SerdeJson::decode_headed::<Round>(r#"{"format":"b","mix":[]}"#, "a", 2);
        assert_eq!(r.unwrap_err(), HeaderError::WrongFormat);
        assert!(SerdeJson::decode_headed::<Round>(r#"{"format":"a","mix":[]}"#, "a", 2).is_ok());
    }
}
