//! What a device keeps: versioned records behind the `Store` trait, the compact ledger form,
//! the organizer's settings, and the contest in force under them.

pub(crate) mod ledger_codec;
pub mod loaded;
pub mod organizer;
pub mod persist;
pub mod store;
