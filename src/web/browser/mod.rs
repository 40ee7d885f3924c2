//! Adapters to what the browser provides: storage (localStorage as a `Store`, IndexedDB),
//! fetching and opening a contest, JSON through the browser's parser, downloads, the import
//! worker and the collector's outbox. Pages and components use them; they know no page.

pub mod download;
pub mod fetch;
pub mod idb;
pub mod import_worker;
pub mod json;
pub mod loader;
pub mod outbox;
pub mod shell;
pub mod speech;
pub mod storage;
