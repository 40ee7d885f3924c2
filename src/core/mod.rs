//! The domain of a quiz contest, free of any browser dependency.
//!
//! Randomness arrives as a seed and time as milliseconds since the Unix epoch, so every
//! behaviour here is exact and tested natively with `cargo test`.

pub mod bank;
pub mod certificate;
pub mod clock;
pub mod codec;
pub mod contest;
mod csv_io;
pub mod device;
pub mod draw;
pub mod export;
pub mod import;
pub mod import_summary;
pub mod ledger;
mod ledger_codec;
pub mod ledger_file;
pub mod loaded;
pub mod organizer;
pub mod outbox;
pub mod participant;
pub mod persist;
pub mod region;
pub mod rng;
pub mod session;
pub mod sort;
pub mod stats;
pub mod store;
pub mod submission;

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
