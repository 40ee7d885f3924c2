//! The browser's JSON codec: its own `JSON.parse` / `JSON.stringify` with serde-wasm-bindgen
//! between JavaScript values and our serde types. It keeps serde_json's parser and printer out
//! of the phone's download (see README, "Measured").
//!
//! `PATHS` says whether a shape error names the field (`round.mix[0].count`) through
//! serde_path_to_error. The phone's app reads without (10 KB of its wasm); the organizer's page,
//! which checks the same files before they are deployed, reads with.

use serde::de::DeserializeOwned;
use serde::Serialize;

use wasm_bindgen::JsValue;

use crate::core::formats::codec::{DecodeError, Header, HeaderError, Json};

pub struct Browser<const PATHS: bool>;

/// The phone's codec: a shape error names the file (and a bank's question) and the reason;
/// the organizer's page reads with `Browser<true>`, which also names the field.
pub type BrowserJson = Browser<false>;

impl<const PATHS: bool> Json for Browser<PATHS> {
    fn decode<T: DeserializeOwned>(text: &str) -> Result<T, DecodeError> {
        from_value::<PATHS, T>(parse(text)?)
    }

    fn encode<T: Serialize + ?Sized>(value: &T) -> String {
        let value =
            value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).expect("our types are JSON-compatible");
        js_sys::JSON::stringify(&value).map(String::from).unwrap_or_default()
    }

    /// Parses the text once (a bank is large) and reads the header from the parsed value.
    fn decode_headed<T: DeserializeOwned>(text: &str, format: &str, newest: u32) -> Result<T, HeaderError> {
        from_value::<PATHS, T>(parse_headed(text, format, newest)?).map_err(HeaderError::Json)
    }
}

/// The parsed text of a file whose header has been checked (see [`Json::decode_headed`]).
pub(crate) fn parse_headed(text: &str, format: &str, newest: u32) -> Result<JsValue, HeaderError> {
    let value = parse(text).map_err(HeaderError::Json)?;
    from_value::<false, Header>(value.clone()).map_err(HeaderError::from_header_decode)?.check(format, newest)?;
    Ok(value)
}

fn parse(text: &str) -> Result<JsValue, DecodeError> {
    js_sys::JSON::parse(text).map_err(|e| syntax_error(text, &e))
}

/// Our type from a parsed value; with `PATHS`, the error names the field.
pub(crate) fn from_value<const PATHS: bool, T: DeserializeOwned>(value: JsValue) -> Result<T, DecodeError> {
    let deserializer = serde_wasm_bindgen::Deserializer::from(value);
    let (path, error) = if PATHS {
        match serde_path_to_error::deserialize(deserializer) {
            Ok(value) => return Ok(value),
            Err(e) => (e.path().to_string(), e.into_inner()),
        }
    } else {
        match T::deserialize(deserializer) {
            Ok(value) => return Ok(value),
            Err(e) => (String::new(), e),
        }
    };
    let message = error.to_string();
    Err(DecodeError::shape(path, message.strip_prefix("Error: ").unwrap_or(&message)))
}

/// The line and column of a `JSON.parse` error, from the position Chromium and Firefox name
/// in their message (`… at position 10`); none when the message has no position.
fn syntax_error(text: &str, error: &JsValue) -> DecodeError {
    let message = js_sys::Reflect::get(error, &"message".into()).ok().and_then(|m| m.as_string()).unwrap_or_default();
    let position = message
        .split_once("position ")
        .and_then(|(_, rest)| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse::<usize>().ok());
    let Some(position) = position else {
        return DecodeError::syntax(0, 0);
    };
    // JavaScript counts UTF-16 units.
    let (mut line, mut column, mut units) = (1, 1, 0);
    for c in text.chars() {
        if units >= position {
            break;
        }
        units += c.len_utf16();
        if c == '\n' {
            line += 1;
            column = 1;
        } else {
            column += 1;
        }
    }
    DecodeError::syntax(line, column)
}
