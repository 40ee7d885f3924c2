//! The localStorage adapter over `core::persist`: never panics, reports what failed, and
//! never overwrites data it could not read (that is first moved aside under its own key).

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::json::BrowserJson;
use crate::core::persist::{decode, encode, Meaningful, StorageError, Stored};
use crate::core::Lang;

pub struct LocalStore {
    storage: web_sys::Storage,
}

/// The `name` of a thrown DOM exception (`QuotaExceededError`, …), or empty.
pub(super) fn js_error_name(e: &wasm_bindgen::JsValue) -> String {
    js_sys::Reflect::get(e, &"name".into()).ok().and_then(|n| n.as_string()).unwrap_or_default()
}

impl LocalStore {
    pub fn open() -> Result<LocalStore, StorageError> {
        let window = web_sys::window().ok_or_else(|| StorageError::Unavailable("no window".into()))?;
        match window.local_storage() {
            Ok(Some(storage)) => Ok(LocalStore { storage }),
            Ok(None) => Err(StorageError::Unavailable("localStorage".into())),
            Err(e) => Err(StorageError::Unavailable(js_error_name(&e))),
        }
    }

    /// `Ok(None)` when nothing is stored; an error leaves the stored text untouched.
    pub fn load<T: DeserializeOwned + Meaningful>(
        &self,
        kind: Stored,
        contest: &str,
    ) -> Result<Option<T>, StorageError> {
        match self.raw(&kind.key(contest))? {
            None => Ok(None),
            Some(text) => decode::<BrowserJson, _>(kind, &text).map(Some),
        }
    }

    pub fn save<T: Serialize>(&self, kind: Stored, contest: &str, value: &T) -> Result<(), StorageError> {
        self.save_text(kind, contest, &encode::<BrowserJson, _>(kind, value))
    }

    /// Stores text already made by `persist::encode`.
    pub fn save_text(&self, kind: Stored, contest: &str, text: &str) -> Result<(), StorageError> {
        self.storage.set_item(&kind.key(contest), text).map_err(|e| self.why_not_saved(kind, &e))
    }

    /// A failed write: full, or storage that takes nothing at all (Safari's private windows
    /// answer even a few bytes with a quota error), which is not "full".
    fn why_not_saved(&self, kind: Stored, e: &wasm_bindgen::JsValue) -> StorageError {
        match js_error_name(e).as_str() {
            "QuotaExceededError" | "NS_ERROR_DOM_QUOTA_REACHED" => {
                let probe = format!("{}probe", crate::core::persist::KEY_PREFIX);
                let takes_nothing =
                    self.storage.length().unwrap_or(0) == 0 && self.storage.set_item(&probe, "1").is_err();
                let _ = self.storage.remove_item(&probe);
                if takes_nothing {
                    StorageError::Unavailable("localStorage 0 B".into())
                } else {
                    StorageError::QuotaExceeded(kind)
                }
            }
            other => StorageError::Unavailable(other.to_string()),
        }
    }

    /// Whether `chars` more characters still fit (written once under a key of its own, then
    /// removed); a round is started only with room for its result.
    pub fn has_room_for(&self, chars: usize) -> bool {
        let key = format!("{}reserve", crate::core::persist::KEY_PREFIX);
        let fits = self.storage.set_item(&key, &"x".repeat(chars)).is_ok();
        let _ = self.storage.remove_item(&key);
        fits
    }

    pub fn remove(&self, kind: Stored, contest: &str) {
        let _ = self.storage.remove_item(&kind.key(contest));
    }

    /// Moves unreadable data to `<key>.unreadable.<ms>` so a fresh value can be saved
    /// without destroying it. Returns the key it was kept under.
    pub fn set_aside(&self, kind: Stored, contest: &str, now_ms: i64) -> Result<String, StorageError> {
        let key = kind.key(contest);
        let aside = format!("{key}.unreadable.{now_ms}");
        if let Some(text) = self.raw(&key)? {
            self.storage.set_item(&aside, &text).map_err(|e| StorageError::Unavailable(js_error_name(&e)))?;
            self.storage.remove_item(&key).map_err(|e| StorageError::Unavailable(js_error_name(&e)))?;
        }
        Ok(aside)
    }

    /// Every key stored for this site.
    pub fn keys(&self) -> Vec<String> {
        let n = self.storage.length().unwrap_or(0);
        (0..n).filter_map(|i| self.storage.key(i).ok().flatten()).collect()
    }

    /// Removes a key (what is not there is nothing to remove).
    pub fn remove_key(&self, key: &str) {
        let _ = self.storage.remove_item(key);
    }

    /// Keys holding data that could not be read and was moved aside (see `set_aside`).
    pub fn set_aside_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self
            .keys()
            .into_iter()
            .filter(|k| k.starts_with(crate::core::persist::KEY_PREFIX) && k.contains(".unreadable."))
            .collect();
        crate::core::sort::sort_by(&mut keys, |a, b| a.cmp(b));
        keys
    }

    pub fn raw(&self, key: &str) -> Result<Option<String>, StorageError> {
        self.storage.get_item(key).map_err(|e| StorageError::Unavailable(js_error_name(&e)))
    }
}

/// Reads one stored value; data that cannot be read is reported and moved aside (never
/// overwritten), and the caller starts from an empty value.
pub fn read_or_set_aside<T: DeserializeOwned + Meaningful>(
    kind: Stored,
    id: &str,
    lang: Lang,
    notices: &mut Vec<String>,
) -> Option<T> {
    let store = match LocalStore::open() {
        Ok(s) => s,
        Err(e) => {
            notices.push(e.message(lang));
            return None;
        }
    };
    match store.raw(&kind.key(id)) {
        Ok(text) => decode_or_set_aside(&store, kind, id, &text?, lang, notices),
        Err(e) => {
            notices.push(e.message(lang));
            None
        }
    }
}

/// Decodes `text`, stored under `kind` and `id`; text that cannot be read is reported and
/// moved aside (never overwritten).
pub fn decode_or_set_aside<T: DeserializeOwned + Meaningful>(
    store: &LocalStore,
    kind: Stored,
    id: &str,
    text: &str,
    lang: Lang,
    notices: &mut Vec<String>,
) -> Option<T> {
    match decode::<BrowserJson, _>(kind, text) {
        Ok(v) => Some(v),
        Err(e) => {
            let aside = store.set_aside(kind, id, crate::web::now_ms()).unwrap_or_default();
            notices.push(format!("{} [{aside}]", e.message(lang)));
            None
        }
    }
}
