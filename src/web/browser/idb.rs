//! IndexedDB for what outgrows localStorage: the results an organizer collects from other
//! devices (100,000 attempts are about 18 MB, localStorage holds about 5). One object store
//! of versioned envelopes, written in one transaction that either commits or changes nothing.
//!
//! The collection is kept as a list of chunks, each an envelope of at most
//! `ledger_file::CHUNK_ATTEMPTS` attempts ([`load_chunks`], [`save_chunks`]), so the page reads
//! and writes it a chunk per task and a merge writes only its new chunks; a collection stored
//! by earlier builds as one envelope reads as one chunk.

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::core::formats::codec::SerdeJson;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{IdbDatabase, IdbOpenDbRequest, IdbRequest, IdbTransaction, IdbTransactionMode};

use crate::core::storage::persist::{decode, encode, StorageError, Stored};

use super::storage::js_error_name;

const DATABASE: &str = "kepu";
const STORE: &str = "kv";

fn unavailable(e: JsValue) -> StorageError {
    match js_error_name(&e).as_str() {
        "QuotaExceededError" => StorageError::QuotaExceeded(Stored::Collected),
        other => StorageError::Unavailable(format!("IndexedDB {other}")),
    }
}

/// Resolves once `register` has wired the promise's resolve and reject to the events.
async fn settle(register: impl FnOnce(&js_sys::Function, &js_sys::Function)) -> Result<(), ()> {
    let mut register = Some(register);
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        if let Some(register) = register.take() {
            register(&resolve, &reject)
        }
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.map(drop).map_err(drop)
}

async fn request_result(request: &IdbRequest) -> Result<JsValue, StorageError> {
    let outcome = settle(|ok, fail| {
        request.set_onsuccess(Some(ok));
        request.set_onerror(Some(fail));
    })
    .await;
    request.set_onsuccess(None);
    request.set_onerror(None);
    match outcome {
        Ok(()) => request.result().map_err(unavailable),
        Err(()) => Err(request
            .error()
            .ok()
            .flatten()
            .map_or(StorageError::Unavailable("IndexedDB".into()), |e| unavailable(e.into()))),
    }
}

async fn open() -> Result<IdbDatabase, StorageError> {
    let factory = web_sys::window()
        .and_then(|w| w.indexed_db().ok().flatten())
        .ok_or_else(|| StorageError::Unavailable("IndexedDB".into()))?;
    let request = factory.open_with_u32(DATABASE, 1).map_err(unavailable)?;
    let upgrade = Closure::<dyn FnMut(web_sys::Event)>::new(|e: web_sys::Event| {
        let db = e.target().and_then(|t| t.unchecked_into::<IdbOpenDbRequest>().result().ok());
        if let Some(db) = db {
            let _ = db.unchecked_into::<IdbDatabase>().create_object_store(STORE);
        }
    });
    request.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
    let db = request_result(&request).await;
    request.set_onupgradeneeded(None);
    Ok(db?.unchecked_into())
}

/// `Ok(None)` when nothing is stored under `contest`'s key for `kind`.
pub async fn load<T: DeserializeOwned + crate::core::formats::codec::Meaningful>(
    kind: Stored,
    contest: &str,
) -> Result<Option<T>, StorageError> {
    let db = open().await?;
    let store = db.transaction_with_str(STORE).and_then(|t| t.object_store(STORE)).map_err(unavailable)?;
    let request = store.get(&kind.key(contest).into()).map_err(unavailable)?;
    let value = request_result(&request).await?;
    db.close();
    value.as_string().map(|text| decode::<SerdeJson, _>(kind, &text)).transpose()
}

/// The envelopes stored under `contest`'s key for `kind`, as JavaScript strings (read into
/// the wasm one at a time by the caller): a list of chunks, or one envelope (as earlier builds
/// stored it). Empty when nothing is stored.
pub async fn load_chunks(kind: Stored, contest: &str) -> Result<Vec<JsValue>, StorageError> {
    let db = open().await?;
    let store = db.transaction_with_str(STORE).and_then(|t| t.object_store(STORE)).map_err(unavailable)?;
    let request = store.get(&kind.key(contest).into()).map_err(unavailable)?;
    let value = request_result(&request).await?;
    db.close();
    Ok(if value.is_string() {
        vec![value]
    } else if js_sys::Array::is_array(&value) {
        js_sys::Array::from(&value).iter().filter(JsValue::is_string).collect()
    } else {
        Vec::new()
    })
}

/// Replaces the stored value with a list of chunks (envelopes as JavaScript strings) in one
/// transaction.
pub async fn save_chunks(kind: Stored, contest: &str, chunks: &[JsValue]) -> Result<(), StorageError> {
    let list: js_sys::Array = chunks.iter().collect();
    put(kind, contest, &list).await
}

/// Stores `value` under `contest`'s key for `kind`; returns once the transaction has committed.
async fn put(kind: Stored, contest: &str, value: &JsValue) -> Result<(), StorageError> {
    let db = open().await?;
    let tx: IdbTransaction =
        db.transaction_with_str_and_mode(STORE, IdbTransactionMode::Readwrite).map_err(unavailable)?;
    tx.object_store(STORE).and_then(|s| s.put_with_key(value, &kind.key(contest).into())).map_err(unavailable)?;
    let outcome = settle(|ok, fail| {
        tx.set_oncomplete(Some(ok));
        tx.set_onabort(Some(fail));
    })
    .await;
    db.close();
    outcome.map_err(|()| tx.error().map_or(StorageError::Unavailable("IndexedDB".into()), |e| unavailable(e.into())))
}

/// Replaces the stored value; returns once the transaction has committed.
pub async fn save<T: Serialize>(kind: Stored, contest: &str, value: &T) -> Result<(), StorageError> {
    put(kind, contest, &encode::<SerdeJson, _>(kind, value).into()).await
}
