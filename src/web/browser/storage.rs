//! The localStorage adapter of `core::storage::store::Store`: never panics, reports what failed, and
//! never overwrites data it could not read (`core::storage::store` first moves that aside).

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::json::BrowserJson;
use crate::core::formats::codec::Meaningful;
use crate::core::storage::persist::{decode, StorageError, Stored};
use crate::core::storage::store::{self, NoStore, Refused, Store};
use crate::core::Notice;

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
        match self.read(&kind.key(contest))? {
            None => Ok(None),
            Some(text) => decode::<BrowserJson, _>(kind, &text).map(Some),
        }
    }

    pub fn save<T: Serialize>(&self, kind: Stored, contest: &str, value: &T) -> Result<(), StorageError> {
        store::save::<BrowserJson, _>(self, kind, contest, value)
    }

    pub fn set_aside(&self, kind: Stored, contest: &str, now_ms: i64) -> Result<String, StorageError> {
        store::set_aside(self, kind, contest, now_ms)
    }
}

impl Store for LocalStore {
    fn keys(&self) -> Vec<String> {
        let n = self.storage.length().unwrap_or(0);
        (0..n).filter_map(|i| self.storage.key(i).ok().flatten()).collect()
    }

    fn read(&self, key: &str) -> Result<Option<String>, StorageError> {
        self.storage.get_item(key).map_err(|e| StorageError::Unavailable(js_error_name(&e)))
    }

    /// A failed write is "full" only when something is stored: storage that takes nothing at
    /// all (Safari's private windows answer even a few bytes with a quota error) is not.
    fn write(&self, key: &str, text: &str) -> Result<(), Refused> {
        let Err(e) = self.storage.set_item(key, text) else {
            return Ok(());
        };
        match js_error_name(&e).as_str() {
            "QuotaExceededError" | "NS_ERROR_DOM_QUOTA_REACHED" => {
                let probe = format!("{}probe", crate::core::storage::persist::KEY_PREFIX);
                let takes_nothing =
                    self.storage.length().unwrap_or(0) == 0 && self.storage.set_item(&probe, "1").is_err();
                let _ = self.storage.remove_item(&probe);
                match takes_nothing {
                    true => Err(Refused::Unavailable("localStorage 0 B".into())),
                    false => Err(Refused::Full),
                }
            }
            other => Err(Refused::Unavailable(other.to_string())),
        }
    }

    fn remove(&self, key: &str) {
        let _ = self.storage.remove_item(key);
    }

    /// Written once under a key of its own, then removed.
    fn has_room_for(&self, chars: usize) -> bool {
        let key = format!("{}reserve", crate::core::storage::persist::KEY_PREFIX);
        let fits = self.storage.set_item(&key, &"x".repeat(chars)).is_ok();
        let _ = self.storage.remove_item(&key);
        fits
    }
}

/// This device's store: localStorage, or why the browser does not give it.
pub fn device_store() -> std::rc::Rc<dyn Store> {
    match LocalStore::open() {
        Ok(s) => std::rc::Rc::new(s),
        Err(e) => std::rc::Rc::new(NoStore(match e {
            StorageError::Unavailable(why) => why,
            other => other.to_string(),
        })),
    }
}

/// [`store::read_or_set_aside`] on this device's store.
pub fn read_or_set_aside<T: DeserializeOwned + Meaningful>(
    kind: Stored,
    id: &str,
    notices: &mut Vec<Notice>,
) -> Option<T> {
    store::read_or_set_aside::<BrowserJson, T>(&*device_store(), kind, id, notices, crate::web::now_ms())
}

/// Listens to `storage` events (fired in the other tabs of this origin); stops when dropped.
pub fn on_storage(on_key: impl Fn(String) + 'static) -> Option<gloo_events::EventListener> {
    use wasm_bindgen::JsCast;
    let window = web_sys::window()?;
    Some(gloo_events::EventListener::new(&window, "storage", move |e| {
        if let Some(e) = e.dyn_ref::<web_sys::StorageEvent>() {
            on_key(e.key().unwrap_or_default());
        }
    }))
}
