//! The domain of a quiz contest, free of any browser dependency.
//!
//! Randomness arrives as a seed and time as milliseconds since the Unix epoch, so every
//! behaviour here is exact and tested natively with `cargo test`.

// Layers, each using only those listed before it (`import` reads files into a model bank).
pub mod exchange;
pub mod formats;
pub mod import;
pub mod machines;
pub mod model;
pub mod play;
pub mod reports;
pub mod storage;

/// Lowercase hex of `bytes` (digests, keys and checksums).
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The language a person reads the app in. Error types render their messages in it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Zh,
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
