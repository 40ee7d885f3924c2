//! The JSON of our files and stored records: a small reader into [`Value`], a writer, and the
//! [`FromJson`] / [`ToJson`] traits our types implement (by hand or through
//! [`json_object!`](crate::json_object) and [`json_enum!`](crate::json_enum)).
//!
//! It replaces serde_json on every path a phone runs: the generic machinery of a serde
//! deserializer cost the citizen's wasm about a fifth of its code. Output matches what
//! serde_json wrote (compact, fields in declaration order, the same escapes), so checksums of
//! files written before stay valid.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::rc::Rc;

/// A parsed JSON value, borrowing from the text where it can (field names, numbers, strings
/// without escapes), which halves the allocations of reading a bank. Numbers keep their text,
/// so 64-bit integers stay exact and a number is only refused when a field that needs a whole
/// number gets a fraction.
#[derive(Clone, Debug, PartialEq)]
pub enum Value<'a> {
    Null,
    Bool(bool),
    Number(&'a str),
    String(Cow<'a, str>),
    Array(Vec<Value<'a>>),
    Object(Vec<(Cow<'a, str>, Value<'a>)>),
}

/// Why JSON text could not be read, or a value did not have the expected shape: a line and
/// column for syntax, the field path (`rules.round.mix[0].count`) for shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    path: String,
    reason: String,
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.path.is_empty() {
            true => f.write_str(&self.reason),
            false => write!(f, "{}: {}", self.path, self.reason),
        }
    }
}

impl Error {
    pub fn new(reason: impl Into<String>) -> Error {
        Error { path: String::new(), reason: reason.into() }
    }

    #[inline(never)]
    fn missing(key: &str) -> Error {
        Error::new(format!("missing field `{key}`"))
    }

    fn at_index(self, index: usize) -> Error {
        self.within(&format!("[{index}]"))
    }

    /// Places the error inside field or index `place`.
    #[inline(never)]
    pub fn within(mut self, place: &str) -> Error {
        if !self.path.is_empty() && !self.path.starts_with('[') {
            self.path.insert(0, '.');
        }
        self.path.insert_str(0, place);
        self
    }
}

/// Deeper nesting than any of our formats uses is refused rather than risking the stack.
const MAX_DEPTH: usize = 128;

struct Parser<'a> {
    text: &'a str,
    at: usize,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn error(&self, what: &str) -> Error {
        let before = &self.text[..self.at.min(self.text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Error::new(format!("{what} at line {line} column {column}"))
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.at += 1;
        }
    }

    /// Skips space, then consumes `byte` if it comes next.
    fn eat(&mut self, byte: u8) -> bool {
        self.skip_space();
        let found = self.peek() == Some(byte);
        self.at += usize::from(found);
        found
    }

    fn expect(&mut self, byte: u8, what: &str) -> Result<(), Error> {
        match self.eat(byte) {
            true => Ok(()),
            false => Err(self.unexpected(what)),
        }
    }

    fn unexpected(&self, expected: &str) -> Error {
        match self.peek() {
            None => self.error(&format!("the text ends where {expected} was expected")),
            Some(_) => self.error(&format!("expected {expected}")),
        }
    }

    fn value(&mut self) -> Result<Value<'a>, Error> {
        self.skip_space();
        let rest = &self.text[self.at..];
        for (word, value) in [("null", Value::Null), ("true", Value::Bool(true)), ("false", Value::Bool(false))] {
            if rest.starts_with(word) {
                self.at += word.len();
                return Ok(value);
            }
        }
        match self.peek() {
            Some(b'"') => self.string().map(Value::String),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(open @ (b'[' | b'{')) => {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(self.error("nested too deeply"));
                }
                self.at += 1;
                let value = if open == b'[' { self.array() } else { self.object() }?;
                self.depth -= 1;
                Ok(value)
            }
            _ => Err(self.unexpected("a value")),
        }
    }

    /// The items of a list or the members of an object, separated by `,`, up to `close`
    /// (the opening bracket already read).
    fn items(
        &mut self,
        close: u8,
        expected: &str,
        mut item: impl FnMut(&mut Self) -> Result<(), Error>,
    ) -> Result<(), Error> {
        if self.eat(close) {
            return Ok(());
        }
        loop {
            item(self)?;
            if self.eat(close) {
                return Ok(());
            }
            self.expect(b',', expected)?;
        }
    }

    fn array(&mut self) -> Result<Value<'a>, Error> {
        let mut items = Vec::new();
        self.items(b']', "`,` or `]`", |p| {
            items.push(p.value()?);
            Ok(())
        })?;
        Ok(Value::Array(items))
    }

    fn object(&mut self) -> Result<Value<'a>, Error> {
        let mut members = Vec::new();
        self.items(b'}', "`,` or `}`", |p| {
            let (key, value, _) = p.member()?;
            members.push((key, value));
            Ok(())
        })?;
        Ok(Value::Object(members))
    }

    /// A member of an object: its name, its value, and the value's text as written.
    fn member(&mut self) -> Result<(Cow<'a, str>, Value<'a>, &'a str), Error> {
        self.skip_space();
        if self.peek() != Some(b'"') {
            return Err(self.unexpected("a field name in quotes"));
        }
        let key = self.string()?;
        self.expect(b':', "`:`")?;
        self.skip_space();
        let start = self.at;
        let value = self.value()?;
        let text: &'a str = self.text;
        Ok((key, value, &text[start..self.at]))
    }

    fn number(&mut self) -> Result<Value<'a>, Error> {
        let start = self.at;
        let digits = |p: &mut Parser| {
            let from = p.at;
            while let Some(b'0'..=b'9') = p.peek() {
                p.at += 1;
            }
            p.at > from
        };
        self.at += usize::from(self.peek() == Some(b'-'));
        let int_start = self.at;
        let mut ok = digits(self) && !(self.text.as_bytes()[int_start] == b'0' && self.at - int_start > 1);
        if ok && self.peek() == Some(b'.') {
            self.at += 1;
            ok = digits(self);
        }
        if ok && matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.at += 1;
            }
            ok = digits(self);
        }
        match ok {
            true => Ok(Value::Number(&self.text[start..self.at])),
            false => Err(self.error("invalid number")),
        }
    }

    /// A string starting at the opening quote: borrowed unless it has escapes.
    fn string(&mut self) -> Result<Cow<'a, str>, Error> {
        self.at += 1;
        let mut out: Option<String> = None;
        loop {
            let text: &'a str = self.text;
            let rest = &text[self.at..];
            // Bytes of multi-byte characters are all ≥ 0x80, so scanning bytes is exact.
            let plain = rest.bytes().position(|b| b == b'"' || b == b'\\' || b < b' ').unwrap_or(rest.len());
            let run = &rest[..plain];
            self.at += plain;
            match self.peek() {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(match out {
                        None => Cow::Borrowed(run),
                        Some(mut s) => {
                            s.push_str(run);
                            Cow::Owned(s)
                        }
                    });
                }
                Some(b'\\') => {
                    self.at += 1;
                    let c = match self.peek() {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => self.unicode_escape()?,
                        _ => return Err(self.error("invalid escape")),
                    };
                    self.at += 1;
                    let s = out.get_or_insert_with(String::new);
                    s.push_str(run);
                    s.push(c);
                }
                None => return Err(self.error("the text ends inside a string")),
                Some(_) => return Err(self.error("a control character inside a string")),
            }
        }
    }

    /// `\uXXXX` (with `at` on the `u`), and a second one after it for a surrogate pair.
    /// Leaves `at` on the last hex digit.
    fn unicode_escape(&mut self) -> Result<char, Error> {
        let hex = |p: &Parser, from: usize| {
            p.text
                .get(from..from + 4)
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .filter(|_| p.text.as_bytes()[from..from + 4].iter().all(u8::is_ascii_hexdigit))
        };
        let first = hex(self, self.at + 1).ok_or_else(|| self.error("invalid \\u escape"))?;
        self.at += 4;
        let code = match first {
            0xD800..=0xDBFF if self.text[self.at + 1..].starts_with("\\u") => {
                let second = hex(self, self.at + 3).filter(|s| (0xDC00..=0xDFFF).contains(s));
                let second = second.ok_or_else(|| self.error("unpaired surrogate in \\u escape"))?;
                self.at += 6;
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            _ => first,
        };
        char::from_u32(code).ok_or_else(|| self.error("unpaired surrogate in \\u escape"))
    }

    fn end(&mut self) -> Result<(), Error> {
        self.skip_space();
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(self.error("trailing characters")),
        }
    }
}

/// Reads one JSON value that makes up the whole text.
pub fn parse(text: &str) -> Result<Value<'_>, Error> {
    let mut parser = Parser { text, at: 0, depth: 0 };
    let value = parser.value()?;
    parser.end()?;
    Ok(value)
}

/// Each member of an object with its value's text as written.
pub type MemberTexts<'a> = Vec<(Cow<'a, str>, &'a str)>;

/// The object that makes up the whole text, and each member's name with its value's text
/// exactly as written (for a checksum over part of a file).
pub fn object_with_text(text: &str) -> Result<(Value<'_>, MemberTexts<'_>), Error> {
    let mut parser = Parser { text, at: 0, depth: 1 };
    let (mut members, mut texts) = (Vec::new(), Vec::new());
    parser.expect(b'{', "an object")?;
    parser.items(b'}', "`,` or `}`", |p| {
        let (key, value, text) = p.member()?;
        texts.push((key.clone(), text));
        members.push((key, value));
        Ok(())
    })?;
    parser.end()?;
    Ok((Value::Object(members), texts))
}

impl<'a> Value<'a> {
    /// The value of field `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Value<'_>> {
        match self {
            Value::Object(members) => Object(members).get(key),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Value<'a>]> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// A whole number ≥ 0 (`None` for fractions, negatives and anything not a number).
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Number(n) => n.parse().ok(),
            _ => None,
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "a list",
            Value::Object(_) => "an object",
        }
    }

    /// The error for a value that is not `expected`.
    #[inline(never)]
    pub fn wrong(&self, expected: &str) -> Error {
        Error::new(format!("expected {expected}, found {}", self.kind()))
    }

    /// The members of an object.
    pub fn object(&self) -> Result<Object<'_>, Error> {
        match self {
            Value::Object(members) => Ok(Object(members)),
            other => Err(other.wrong("an object")),
        }
    }
}

/// An object's members, read field by field.
#[derive(Clone, Copy)]
pub struct Object<'a>(&'a [(Cow<'a, str>, Value<'a>)]);

impl<'a> Object<'a> {
    pub fn get(self, key: &str) -> Option<&'a Value<'a>> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Field `key`, which must be present, as it is.
    pub fn require(self, key: &str) -> Result<&'a Value<'a>, Error> {
        self.get(key).ok_or_else(|| Error::missing(key))
    }

    /// Field `key`, which must be present unless its type has a meaning for absence (`Option`).
    pub fn field<T: FromJson>(self, key: &str) -> Result<T, Error> {
        match self.get(key) {
            Some(v) => T::from_json(v).map_err(|e| e.within(key)),
            None => T::absent().ok_or_else(|| Error::missing(key)),
        }
    }

    /// Field `key`, or `default` when it is absent.
    pub fn field_or<T: FromJson>(self, key: &str, default: T) -> Result<T, Error> {
        match self.get(key) {
            Some(_) => self.field(key),
            None => Ok(default),
        }
    }
}

/// Reading a type from a parsed value.
pub trait FromJson: Sized {
    fn from_json(value: &Value) -> Result<Self, Error>;

    /// The value of a missing field; `None` makes the field required.
    fn absent() -> Option<Self> {
        None
    }
}

/// Writing a type as compact JSON, exactly as serde_json did.
pub trait ToJson {
    fn write_json(&self, out: &mut String);

    /// Whether an object field holding this value is left out (`None` is).
    fn skip(&self) -> bool {
        false
    }
}

/// Reads `text` as a `T`.
pub fn from_str<T: FromJson>(text: &str) -> Result<T, Error> {
    T::from_json(&parse(text)?)
}

pub fn to_string<T: ToJson + ?Sized>(value: &T) -> String {
    let mut out = String::new();
    value.write_json(&mut out);
    out
}

/// Writes an object field by field.
pub struct ObjectWriter<'a> {
    out: &'a mut String,
    first: bool,
}

impl<'a> ObjectWriter<'a> {
    pub fn new(out: &'a mut String) -> ObjectWriter<'a> {
        out.push('{');
        ObjectWriter { out, first: true }
    }

    pub fn field<T: ToJson + ?Sized>(&mut self, key: &str, value: &T) -> &mut Self {
        if !value.skip() {
            if !self.first {
                self.out.push(',');
            }
            self.first = false;
            key.write_json(self.out);
            self.out.push(':');
            value.write_json(self.out);
        }
        self
    }

    pub fn end(&mut self) {
        self.out.push('}');
    }
}

impl FromJson for String {
    fn from_json(value: &Value) -> Result<Self, Error> {
        value.as_str().map(str::to_string).ok_or_else(|| value.wrong("a string"))
    }
}

impl FromJson for Rc<str> {
    fn from_json(value: &Value) -> Result<Self, Error> {
        value.as_str().map(Rc::from).ok_or_else(|| value.wrong("a string"))
    }
}

impl ToJson for str {
    fn write_json(&self, out: &mut String) {
        out.push('"');
        let mut rest = self;
        while let Some(i) = rest.find(|c: char| c == '"' || c == '\\' || c < ' ') {
            out.push_str(&rest[..i]);
            let c = rest.as_bytes()[i];
            match c {
                b'"' => out.push_str("\\\""),
                b'\\' => out.push_str("\\\\"),
                b'\n' => out.push_str("\\n"),
                b'\r' => out.push_str("\\r"),
                b'\t' => out.push_str("\\t"),
                8 => out.push_str("\\b"),
                12 => out.push_str("\\f"),
                _ => {
                    let _ = write!(out, "\\u{c:04x}");
                }
            }
            rest = &rest[i + 1..];
        }
        out.push_str(rest);
        out.push('"');
    }
}

impl ToJson for String {
    fn write_json(&self, out: &mut String) {
        self.as_str().write_json(out)
    }
}

impl ToJson for Rc<str> {
    fn write_json(&self, out: &mut String) {
        (**self).write_json(out)
    }
}

/// A character is a one-character string.
impl FromJson for char {
    fn from_json(value: &Value) -> Result<Self, Error> {
        let mut chars = value.as_str().unwrap_or_default().chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => Ok(c),
            _ => Err(value.wrong("one character")),
        }
    }
}

impl ToJson for char {
    fn write_json(&self, out: &mut String) {
        self.encode_utf8(&mut [0; 4]).write_json(out)
    }
}

impl FromJson for bool {
    fn from_json(value: &Value) -> Result<Self, Error> {
        match value {
            Value::Bool(b) => Ok(*b),
            other => Err(other.wrong("true or false")),
        }
    }
}

impl ToJson for bool {
    fn write_json(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" })
    }
}

macro_rules! integers {
    ($($t:ty),*) => {$(
        impl FromJson for $t {
            fn from_json(value: &Value) -> Result<Self, Error> {
                match value {
                    Value::Number(n) => n.parse().map_err(|_| Error::new(format!("{n} is not a whole number in range"))),
                    other => Err(other.wrong("a whole number")),
                }
            }
        }

        impl ToJson for $t {
            fn write_json(&self, out: &mut String) {
                let _ = write!(out, "{self}");
            }
        }
    )*};
}

integers!(u8, u32, u64, usize, i64);

impl<T: FromJson> FromJson for Option<T> {
    fn from_json(value: &Value) -> Result<Self, Error> {
        match value {
            Value::Null => Ok(None),
            v => T::from_json(v).map(Some),
        }
    }

    fn absent() -> Option<Self> {
        Some(None)
    }
}

impl<T: ToJson> ToJson for Option<T> {
    fn write_json(&self, out: &mut String) {
        match self {
            Some(v) => v.write_json(out),
            None => out.push_str("null"),
        }
    }

    fn skip(&self) -> bool {
        self.is_none()
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(value: &Value) -> Result<Self, Error> {
        let items = value.as_array().ok_or_else(|| value.wrong("a list"))?;
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            out.push(T::from_json(item).map_err(|e| e.at_index(i))?);
        }
        Ok(out)
    }
}

impl<T: ToJson> ToJson for [T] {
    fn write_json(&self, out: &mut String) {
        out.push('[');
        for (i, item) in self.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            item.write_json(out);
        }
        out.push(']');
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn write_json(&self, out: &mut String) {
        self.as_slice().write_json(out)
    }
}

impl<T: ToJson + ?Sized> ToJson for &T {
    fn write_json(&self, out: &mut String) {
        (**self).write_json(out)
    }

    fn skip(&self) -> bool {
        (**self).skip()
    }
}

impl<A: FromJson, B: FromJson> FromJson for (A, B) {
    fn from_json(value: &Value) -> Result<Self, Error> {
        match value.as_array() {
            Some([a, b]) => Ok((A::from_json(a)?, B::from_json(b)?)),
            _ => Err(value.wrong("a list of two")),
        }
    }
}

impl<A: ToJson, B: ToJson> ToJson for (A, B) {
    fn write_json(&self, out: &mut String) {
        out.push('[');
        self.0.write_json(out);
        out.push(',');
        self.1.write_json(out);
        out.push(']');
    }
}

/// JSON text written as it is (already valid, e.g. a part that a checksum covers).
pub struct Raw<'a>(pub &'a str);

impl ToJson for Raw<'_> {
    fn write_json(&self, out: &mut String) {
        out.push_str(self.0)
    }
}

/// Re-indents compact JSON text with two spaces, for files people open and edit by hand.
pub fn pretty(compact: &str) -> String {
    let mut out = String::with_capacity(compact.len() * 2);
    let mut indent = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = compact.chars().peekable();
    let newline = |out: &mut String, indent: usize| {
        out.push('\n');
        out.extend(std::iter::repeat_n(' ', indent * 2));
    };
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' if matches!(chars.peek(), Some('}' | ']')) => {
                out.push(c);
                out.extend(chars.next());
            }
            '{' | '[' => {
                out.push(c);
                indent += 1;
                newline(&mut out, indent);
            }
            '}' | ']' => {
                indent = indent.saturating_sub(1);
                newline(&mut out, indent);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, indent);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

/// `FromJson` and `ToJson` for a struct whose fields map one to one onto an object's members,
/// in declaration order: `field: "key"` (required, or `None` when absent for an `Option`) or
/// `field: "key" = default` (the default when absent). `None` fields are not written.
#[macro_export]
macro_rules! json_object {
    ($ty:ident { $($field:ident : $key:literal $(= $default:expr)?),* $(,)? }) => {
        impl $crate::core::json::FromJson for $ty {
            fn from_json(value: &$crate::core::json::Value) -> Result<Self, $crate::core::json::Error> {
                let o = value.object()?;
                Ok($ty { $($field: $crate::json_object!(@read o, $key $(, $default)?),)* })
            }
        }

        impl $crate::core::json::ToJson for $ty {
            fn write_json(&self, out: &mut String) {
                $crate::core::json::ObjectWriter::new(out)$(.field($key, &self.$field))*.end();
            }
        }
    };
    (@read $o:ident, $key:literal) => { $o.field($key)? };
    (@read $o:ident, $key:literal, $default:expr) => { $o.field_or($key, $default)? };
}

/// `FromJson` and `ToJson` for an enum of unit variants written as strings.
#[macro_export]
macro_rules! json_enum {
    ($ty:ident { $($variant:ident = $text:literal),* $(,)? }) => {
        impl $crate::core::json::FromJson for $ty {
            fn from_json(value: &$crate::core::json::Value) -> Result<Self, $crate::core::json::Error> {
                match value.as_str() {
                    $(Some($text) => Ok($ty::$variant),)*
                    _ => Err(value.wrong(concat!("one of" $(, " \"", $text, "\"")*))),
                }
            }
        }

        impl $crate::core::json::ToJson for $ty {
            fn write_json(&self, out: &mut String) {
                out.push_str(match self { $($ty::$variant => concat!("\"", $text, "\""),)* })
            }
        }
    };
}

/// `FromJson` and `ToJson` for an enum whose variants carry data, written as serde wrote them:
/// a unit variant as its name (`"TypeMissing"`), any other as an object of one member named
/// after it, holding the value (`{"BadPoints":"x"}`), the list of values (`{"Pair":[1,2]}`) or
/// the fields (`{"Line":{"line":3,"text":"x"}}`). The names in `( )` are placeholders.
#[macro_export]
macro_rules! json_variants {
    ($ty:ident { $($body:tt)* }) => {
        impl $crate::core::json::FromJson for $ty {
            fn from_json(value: &$crate::core::json::Value) -> Result<Self, $crate::core::json::Error> {
                use $crate::core::json::{Error, Value};
                let (name, payload): (&str, Option<&Value>) = match value {
                    Value::String(name) => (name, None),
                    Value::Object(members) if members.len() == 1 => (&members[0].0, Some(&members[0].1)),
                    other => return Err(other.wrong(concat!("a ", stringify!($ty)))),
                };
                let payload = || payload.ok_or_else(|| Error::new(format!("{name} needs a value")));
                $crate::json_variants!(@read $ty name payload; $($body)*);
                Err(Error::new(format!("unknown {} {name}", stringify!($ty))))
            }
        }

        impl $crate::core::json::ToJson for $ty {
            fn write_json(&self, out: &mut String) {
                $crate::json_variants!(@write self out $ty [] $($body)*)
            }
        }
    };

    (@read $ty:ident $name:ident $payload:ident; $(,)?) => {};
    (@read $ty:ident $name:ident $payload:ident; $v:ident { $($f:ident),* } $(, $($rest:tt)*)?) => {
        if $name == stringify!($v) {
            let o = $payload()?.object()?;
            return Ok($ty::$v { $($f: o.field(stringify!($f))?),* });
        }
        $crate::json_variants!(@read $ty $name $payload; $($($rest)*)?);
    };
    (@read $ty:ident $name:ident $payload:ident; $v:ident ($one:ident) $(, $($rest:tt)*)?) => {
        if $name == stringify!($v) {
            return Ok($ty::$v($crate::core::json::FromJson::from_json($payload()?).map_err(|e| e.within(stringify!($v)))?));
        }
        $crate::json_variants!(@read $ty $name $payload; $($($rest)*)?);
    };
    (@read $ty:ident $name:ident $payload:ident; $v:ident ($($t:ident),+) $(, $($rest:tt)*)?) => {
        if $name == stringify!($v) {
            let payload = $payload()?;
            let mut items = payload.as_array().ok_or_else(|| payload.wrong("a list"))?.iter();
            let mut next = || items.next().ok_or_else(|| Error::new(concat!(stringify!($v), " needs more values")));
            return Ok($ty::$v($({ let $t = $crate::core::json::FromJson::from_json(next()?)?; $t }),+));
        }
        $crate::json_variants!(@read $ty $name $payload; $($($rest)*)?);
    };
    (@read $ty:ident $name:ident $payload:ident; $v:ident $(, $($rest:tt)*)?) => {
        if $name == stringify!($v) {
            return Ok($ty::$v);
        }
        $crate::json_variants!(@read $ty $name $payload; $($($rest)*)?);
    };

    (@write $self:ident $out:ident $ty:ident [$($arms:tt)*] $(,)?) => {
        match $self { $($arms)* }
    };
    (@write $self:ident $out:ident $ty:ident [$($arms:tt)*] $v:ident { $($f:ident),* } $(, $($rest:tt)*)?) => {
        $crate::json_variants!(@write $self $out $ty [$($arms)* $ty::$v { $($f),* } => {
            $out.push_str(concat!("{\"", stringify!($v), "\":"));
            $crate::core::json::ObjectWriter::new($out)$(.field(stringify!($f), $f))*.end();
            $out.push('}');
        }] $($($rest)*)?)
    };
    (@write $self:ident $out:ident $ty:ident [$($arms:tt)*] $v:ident ($one:ident) $(, $($rest:tt)*)?) => {
        $crate::json_variants!(@write $self $out $ty [$($arms)* $ty::$v($one) => {
            $out.push_str(concat!("{\"", stringify!($v), "\":"));
            $crate::core::json::ToJson::write_json($one, $out);
            $out.push('}');
        }] $($($rest)*)?)
    };
    (@write $self:ident $out:ident $ty:ident [$($arms:tt)*] $v:ident ($($t:ident),+) $(, $($rest:tt)*)?) => {
        $crate::json_variants!(@write $self $out $ty [$($arms)* $ty::$v($($t),+) => {
            $out.push_str(concat!("{\"", stringify!($v), "\":"));
            let mut sep = '[';
            $( $out.push(sep); sep = ','; $crate::core::json::ToJson::write_json($t, $out); )+
            let _ = sep;
            $out.push_str("]}");
        }] $($($rest)*)?)
    };
    (@write $self:ident $out:ident $ty:ident [$($arms:tt)*] $v:ident $(, $($rest:tt)*)?) => {
        $crate::json_variants!(@write $self $out $ty [$($arms)* $ty::$v => {
            $out.push_str(concat!("\"", stringify!($v), "\""));
        }] $($($rest)*)?)
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_kind_of_value() {
        let v =
            parse(" {\"a\": [1, -2.5e3, true, false, null], \"b\": {\"c\": \"\\u00e9\\ud83d\\ude00\\n\"}} ").unwrap();
        assert_eq!(v.get("a").and_then(Value::as_array).map(<[Value]>::len), Some(5));
        assert_eq!(v.get("a").unwrap().as_array().unwrap()[1], Value::Number("-2.5e3"));
        assert_eq!(v.get("b").and_then(|b| b.get("c")).and_then(Value::as_str), Some("é😀\n"));
        assert_eq!(parse("18446744073709551615").unwrap().as_u64(), Some(u64::MAX), "64-bit integers stay exact");
    }

    #[test]
    fn syntax_errors_name_line_and_column() {
        let cases = [
            ("{\"a\": 1,\n  \"b\" 2}", "expected `:` at line 2 column 7"),
            ("[1, 2", "the text ends where `,` or `]` was expected at line 1 column 6"),
            ("{\"a\": tru}", "expected a value at line 1 column 7"),
            ("\"abc", "the text ends inside a string at line 1 column 5"),
            ("01", "invalid number at line 1 column 3"),
            ("1.", "invalid number at line 1 column 3"),
            ("{} x", "trailing characters at line 1 column 4"),
            ("\"\\x\"", "invalid escape at line 1 column 3"),
            ("\"\\ud800\"", "unpaired surrogate in \\u escape at line 1 column 7"),
            ("\"a\tb\"", "a control character inside a string at line 1 column 3"),
            ("{1: 2}", "expected a field name in quotes at line 1 column 2"),
        ];
        for (text, message) in cases {
            assert_eq!(parse(text).unwrap_err().to_string(), message, "{text:?}");
        }
        assert!(parse(&"[".repeat(200)).unwrap_err().to_string().starts_with("nested too deeply"));
    }

    #[derive(Debug, PartialEq)]
    struct Inner {
        n: u32,
        tag: Option<String>,
    }
    json_object!(Inner { n: "n", tag: "t" });

    #[derive(Debug, PartialEq)]
    struct Outer {
        items: Vec<Inner>,
        flag: bool,
        level: u8,
    }
    json_object!(Outer { items: "items", flag: "flag" = false, level: "level" = 3 });

    #[test]
    fn objects_read_defaults_and_name_the_bad_field() {
        let o: Outer = from_str(r#"{"items":[{"n":1},{"n":2,"t":"x"}],"extra":[{}]}"#).unwrap();
        assert_eq!(
            o,
            Outer {
                items: vec![Inner { n: 1, tag: None }, Inner { n: 2, tag: Some("x".into()) }],
                flag: false,
                level: 3
            }
        );
        assert_eq!(to_string(&o), r#"{"items":[{"n":1},{"n":2,"t":"x"}],"flag":false,"level":3}"#);
        let e = from_str::<Outer>(r#"{"items":[{"n":1},{"n":"2"}]}"#).unwrap_err();
        assert_eq!(e.to_string(), "items[1].n: expected a whole number, found a string");
        let e = from_str::<Outer>(r#"{"items":[{}]}"#).unwrap_err();
        assert_eq!(e.to_string(), "items[0]: missing field `n`");
        assert_eq!(
            from_str::<Outer>(r#"{"items":[],"level":300}"#).unwrap_err().to_string(),
            "level: 300 is not a whole number in range"
        );
        assert_eq!(from_str::<Outer>("[]").unwrap_err().to_string(), "expected an object, found a list");
    }

    #[derive(Debug, PartialEq)]
    enum Mode {
        AllOrNothing,
        Partial,
    }
    json_enum!(Mode { AllOrNothing = "all_or_nothing", Partial = "partial" });

    #[test]
    fn enums_are_strings() {
        assert_eq!(from_str::<Mode>("\"partial\""), Ok(Mode::Partial));
        assert_eq!(to_string(&Mode::AllOrNothing), "\"all_or_nothing\"");
        assert_eq!(
            from_str::<Mode>("\"some\"").unwrap_err().to_string(),
            "expected one of \"all_or_nothing\" \"partial\", found a string"
        );
    }

    #[derive(Debug, PartialEq)]
    enum Shape {
        Empty,
        Named(String),
        Pair(char, u32),
        Line { line: usize, text: Option<String> },
    }
    json_variants!(Shape { Empty, Named(a), Pair(a, b), Line { line, text } });

    #[test]
    fn variants_with_data_are_written_as_serde_did() {
        let all = [
            (Shape::Empty, r#""Empty""#),
            (Shape::Named("x".into()), r#"{"Named":"x"}"#),
            (Shape::Pair('题', 7), r#"{"Pair":["题",7]}"#),
            (Shape::Line { line: 3, text: None }, r#"{"Line":{"line":3}}"#),
        ];
        for (shape, text) in all {
            assert_eq!(to_string(&shape), text);
            assert_eq!(from_str::<Shape>(text), Ok(shape));
        }
        assert_eq!(from_str::<Shape>(r#""Circle""#).unwrap_err().to_string(), "unknown Shape Circle");
        assert_eq!(
            from_str::<Shape>(r#"{"Pair":["ab",1]}"#).unwrap_err().to_string(),
            "expected one character, found a string"
        );
        assert_eq!(from_str::<Shape>(r#"{"Pair":["a"]}"#).unwrap_err().to_string(), "Pair needs more values");
        assert_eq!(from_str::<Shape>(r#""Named""#).unwrap_err().to_string(), "Named needs a value");
    }

    #[test]
    fn strings_are_escaped_like_serde_json() {
        let text = "引号\"反斜杠\\换行\n制表\t\u{1}/é";
        assert_eq!(to_string(text), "\"引号\\\"反斜杠\\\\换行\\n制表\\t\\u0001/é\"");
        assert_eq!(from_str::<String>(&to_string(text)).unwrap(), text);
    }

    #[test]
    fn members_keep_their_text_and_pretty_indents() {
        let (value, texts) = object_with_text("{\"a\" : [1, 2] ,\"b\":{\"c\":\"}\"}}").unwrap();
        assert_eq!(value.get("b").and_then(|b| b.get("c")).and_then(Value::as_str), Some("}"));
        assert_eq!(texts, vec![("a".into(), "[1, 2]"), ("b".into(), "{\"c\":\"}\"}")]);
        assert!(object_with_text("[1]").is_err());
        assert_eq!(pretty("{\"a\":[1,{}],\"b\":\"x,{\"}"), "{\n  \"a\": [\n    1,\n    {}\n  ],\n  \"b\": \"x,{\"\n}");
    }
}
