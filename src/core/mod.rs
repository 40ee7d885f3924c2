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
pub mod ledger;
mod ledger_codec;
pub mod ledger_file;
pub mod organizer;
pub mod participant;
pub mod persist;
pub mod region;
pub mod rng;
pub mod session;
pub mod stats;
pub mod xlsx_writer;

/// The `format` and `version` fields our JSON files start with, read before the rest so a
/// foreign or newer file is named as such instead of failing on some field deep inside.
#[derive(serde::Deserialize)]
struct Header {
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    version: Option<u64>,
}

/// Why a JSON file's header was refused.
enum HeaderError {
    Json(String),
    WrongFormat,
    NewerVersion(u32),
}

/// Checks that `text` is JSON whose `format` is `format` and whose `version` is at most `newest`.
fn check_header(text: &str, format: &str, newest: u32) -> Result<(), HeaderError> {
    let header: Header = serde_json::from_str(text).map_err(|e| match e.is_data() {
        true => HeaderError::WrongFormat,
        false => HeaderError::Json(e.to_string()),
    })?;
    if header.format.as_deref() != Some(format) {
        return Err(HeaderError::WrongFormat);
    }
    match header.version {
        Some(v) if v > u64::from(newest) => Err(HeaderError::NewerVersion(u32::try_from(v).unwrap_or(u32::MAX))),
        _ => Ok(()),
    }
}

/// The language a person reads the app in. Error types render their messages in it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Lang {
    #[default]
    #[serde(rename = "zh")]
    Zh,
    #[serde(rename = "en")]
    En,
}

impl Lang {
    /// Picks the Chinese or the English text.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}
