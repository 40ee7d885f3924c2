//! Where a device keeps its records: localStorage in the browser (`web::browser::storage::LocalStore`),
//! or a [`MemoryStore`] in tests, which can also be made full or refuse everything. Records go
//! in and out as the text of `persist::encode`; what cannot be read is moved aside, never
//! overwritten.

use crate::core::{Message, Notice};
use std::cell::RefCell;
use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::core::formats::codec::Json;
use crate::core::formats::codec::Meaningful;
use crate::core::storage::persist::{decode, encode, StorageError, Stored, KEY_PREFIX};

/// Why a write was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refused {
    /// No room left.
    Full,
    /// The store takes nothing at all (site data blocked, a private window), with the cause.
    Unavailable(String),
}

pub trait Store {
    /// The text under `key`, if any.
    fn read(&self, key: &str) -> Result<Option<String>, StorageError>;
    fn write(&self, key: &str, text: &str) -> Result<(), Refused>;
    /// Removes `key` (what is not there is nothing to remove).
    fn remove(&self, key: &str);
    /// Whether `chars` more characters still fit.
    fn has_room_for(&self, chars: usize) -> bool;
    /// Every key stored.
    fn keys(&self) -> Vec<String>;

    /// Keys of records moved aside because they could not be read ([`set_aside`]), in order.
    fn set_aside_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> =
            self.keys().into_iter().filter(|k| k.starts_with(KEY_PREFIX) && k.contains(".unreadable.")).collect();
        crate::core::model::sort::sort_by(&mut keys, |a, b| a.cmp(b));
        keys
    }
}

/// A store the browser did not give: every read and write says why.
pub struct NoStore(pub String);

impl Store for NoStore {
    fn read(&self, _: &str) -> Result<Option<String>, StorageError> {
        Err(StorageError::Unavailable(self.0.clone()))
    }

    fn write(&self, _: &str, _: &str) -> Result<(), Refused> {
        Err(Refused::Unavailable(self.0.clone()))
    }

    fn remove(&self, _: &str) {}

    fn has_room_for(&self, _: usize) -> bool {
        false
    }

    fn keys(&self) -> Vec<String> {
        Vec::new()
    }
}

/// A store in memory with a limit in characters, for tests: set `limit` to make it full.
#[derive(Default)]
pub struct MemoryStore {
    pub items: RefCell<BTreeMap<String, String>>,
    pub limit: RefCell<Option<usize>>,
}

impl MemoryStore {
    fn used(&self) -> usize {
        self.items.borrow().iter().map(|(k, v)| k.chars().count() + v.chars().count()).sum()
    }
}

impl Store for MemoryStore {
    fn read(&self, key: &str) -> Result<Option<String>, StorageError> {
        Ok(self.items.borrow().get(key).cloned())
    }

    fn write(&self, key: &str, text: &str) -> Result<(), Refused> {
        let old = self.items.borrow().get(key).map_or(0, |v| key.chars().count() + v.chars().count());
        let needed = self.used() - old + key.chars().count() + text.chars().count();
        if self.limit.borrow().is_some_and(|limit| needed > limit) {
            return Err(Refused::Full);
        }
        self.items.borrow_mut().insert(key.to_string(), text.to_string());
        Ok(())
    }

    fn remove(&self, key: &str) {
        self.items.borrow_mut().remove(key);
    }

    fn has_room_for(&self, chars: usize) -> bool {
        self.limit.borrow().is_none_or(|limit| self.used() + chars <= limit)
    }

    fn keys(&self) -> Vec<String> {
        self.items.borrow().keys().cloned().collect()
    }
}

impl Refused {
    /// The error of a refused write of a record of `kind`.
    fn of(self, kind: Stored) -> StorageError {
        match self {
            Refused::Full => StorageError::QuotaExceeded(kind),
            Refused::Unavailable(why) => StorageError::Unavailable(why),
        }
    }
}

/// Stores text made by `persist::encode` as `kind` of contest `id`.
pub fn save_text(store: &dyn Store, kind: Stored, id: &str, text: &str) -> Result<(), StorageError> {
    store.write(&kind.key(id), text).map_err(|refused| refused.of(kind))
}

pub fn save<J: Json, T: Serialize>(store: &dyn Store, kind: Stored, id: &str, value: &T) -> Result<(), StorageError> {
    save_text(store, kind, id, &encode::<J, _>(kind, value))
}

/// Moves what is stored as `kind` of `id` to `<key>.unreadable.<now>`, so a fresh value can be
/// saved without destroying it. Returns the key it is kept under.
pub fn set_aside(store: &dyn Store, kind: Stored, id: &str, now: i64) -> Result<String, StorageError> {
    let key = kind.key(id);
    let aside = format!("{key}.unreadable.{now}");
    if let Some(text) = store.read(&key)? {
        store.write(&aside, &text).map_err(|refused| refused.of(kind))?;
        store.remove(&key);
    }
    Ok(aside)
}

/// Reads one stored value; what cannot be read is reported in `notices` and moved aside (never
/// overwritten), and the caller starts from nothing.
pub fn read_or_set_aside<J: Json, T: DeserializeOwned + Meaningful>(
    store: &dyn Store,
    kind: Stored,
    id: &str,
    notices: &mut Vec<Notice>,
    now: i64,
) -> Option<T> {
    match store.read(&kind.key(id)) {
        Ok(text) => decode_or_set_aside::<J, T>(store, kind, id, &text?, notices, now),
        Err(e) => {
            notices.push(Notice::of(&e));
            None
        }
    }
}

/// Decodes `text`, stored as `kind` of `id`; text that cannot be read is reported and moved
/// aside.
pub fn decode_or_set_aside<J: Json, T: DeserializeOwned + Meaningful>(
    store: &dyn Store,
    kind: Stored,
    id: &str,
    text: &str,
    notices: &mut Vec<Notice>,
    now: i64,
) -> Option<T> {
    match decode::<J, T>(kind, text) {
        Ok(value) => Some(value),
        Err(e) => {
            let aside = set_aside(store, kind, id, now).unwrap_or_default();
            notices.push(Notice::each(|lang| format!("{} [{aside}]", e.message(lang))));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_write_says_full_only_when_it_is() {
        let full = MemoryStore::default();
        full.write("kepu.v1.roster", "{}").unwrap();
        *full.limit.borrow_mut() = Some(20);
        assert_eq!(set_aside(&full, Stored::Roster, "c", 1), Err(StorageError::QuotaExceeded(Stored::Roster)));
        assert_eq!(full.read("kepu.v1.roster").unwrap().as_deref(), Some("{}"), "kept where it was");
        let refused = NoStore("SecurityError".into());
        assert_eq!(
            save_text(&refused, Stored::Roster, "c", "{}"),
            Err(StorageError::Unavailable("SecurityError".into()))
        );
    }
}
