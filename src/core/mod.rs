//! The domain of a quiz contest, free of any browser dependency.
//!
//! Randomness arrives as a seed and time as milliseconds since the Unix epoch, so every
//! behaviour here is exact and tested natively with `cargo test`.

// Layers, from the bottom: formats, model, play, storage, reports, import, exchange, machines.
// Each uses only those before it in that order (tests/layers.rs checks it).
pub mod exchange;
pub mod formats;
pub mod import;
pub mod machines;
pub mod model;
pub mod play;
pub mod reports;
pub mod storage;

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

/// What a value says to a person, in the language they read: every error type of the core
/// says what went wrong through this one trait, and its English `Display` is the same text
/// ([`english_display!`]), so the two cannot drift apart.
pub trait Message {
    fn message(&self, lang: Lang) -> String;
}

/// `Display` and `std::error::Error` for types that implement [`Message`]: the English
/// message.
macro_rules! english_display {
    ($($t:ty),+ $(,)?) => {$(
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&$crate::core::Message::message(self, $crate::core::Lang::En))
            }
        }
        impl std::error::Error for $t {}
    )+};
}
pub(crate) use english_display;

/// A notice kept as a value, in both languages, so that one already on screen follows a
/// change of language.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Notice {
    zh: String,
    en: String,
}

impl Notice {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Notice {
        Notice { zh: zh.into(), en: en.into() }
    }

    /// What `said` says, in both languages.
    pub fn of(said: &(impl Message + ?Sized)) -> Notice {
        Notice { zh: said.message(Lang::Zh), en: said.message(Lang::En) }
    }

    /// Text already in the reader's language (the import worker's answers, a browser's own
    /// reason), shown as it is whichever language is chosen.
    pub fn as_told(text: impl Into<String>) -> Notice {
        let text = text.into();
        Notice { zh: text.clone(), en: text }
    }

    /// Each language's text made by `text`.
    pub fn each(text: impl Fn(Lang) -> String) -> Notice {
        Notice { zh: text(Lang::Zh), en: text(Lang::En) }
    }

    pub fn get(&self, lang: Lang) -> &str {
        lang.pick(&self.zh, &self.en)
    }

    /// Several notices as one, a line each; `None` when there are none.
    pub fn lines(notices: impl IntoIterator<Item = Notice>) -> Option<Notice> {
        notices
            .into_iter()
            .reduce(|a, b| Notice { zh: format!("{}\n{}", a.zh, b.zh), en: format!("{}\n{}", a.en, b.en) })
    }
}
