//! The domain of a quiz contest, free of any browser dependency.
//!
//! Randomness arrives as a seed and time as milliseconds since the Unix epoch, so every
//! behaviour here is exact and tested natively with `cargo test`.

pub mod bank;
pub mod clock;
pub mod contest;
pub mod draw;
pub mod export;
pub mod import;
pub mod json;
pub mod ledger;
mod ledger_codec;
pub mod ledger_file;
pub mod organizer;
pub mod participant;
pub mod persist;
pub mod region;
pub mod rng;
pub mod session;
pub mod sort;
pub mod stats;
pub mod xlsx_writer;

/// Why a JSON file's header (its `format` and `version` fields) was refused.
enum HeaderError {
    Json(String),
    WrongFormat,
    NewerVersion(u32),
}

/// Reads `text` as JSON whose `format` is `format` and whose `version` is at most `newest`, so
/// a foreign or newer file is named as such instead of failing on some field deep inside.
fn read_with_header<'a>(text: &'a str, format: &str, newest: u32) -> Result<json::Value<'a>, HeaderError> {
    let value = json::parse(text).map_err(|e| HeaderError::Json(e.to_string()))?;
    check_header(&value, format, newest)?;
    Ok(value)
}

fn check_header(value: &json::Value, format: &str, newest: u32) -> Result<(), HeaderError> {
    if value.get("format").and_then(json::Value::as_str) != Some(format) {
        return Err(HeaderError::WrongFormat);
    }
    match value.get("version") {
        None | Some(json::Value::Null) => Ok(()),
        Some(v) => match v.as_u64() {
            Some(v) if v > u64::from(newest) => Err(HeaderError::NewerVersion(u32::try_from(v).unwrap_or(u32::MAX))),
            Some(_) => Ok(()),
            None => Err(HeaderError::WrongFormat),
        },
    }
}

/// The language a person reads the app in. Error types render their messages in it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

crate::json_enum!(Lang { Zh = "zh", En = "en" });

impl Lang {
    /// Picks the Chinese or the English text.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}
