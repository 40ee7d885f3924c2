//! What a device keeps: versioned records behind the `Store` trait, the compact ledger form, and the organizer's settings.

pub(crate) mod ledger_codec;
pub mod organizer;
pub mod persist;
pub mod store;
