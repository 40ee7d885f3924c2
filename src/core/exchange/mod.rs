//! What leaves a device: results files, and attempts submitted to the collector with their outbox.

pub mod certificate;
pub mod ledger_file;
pub mod outbox;
pub mod receipts;
pub mod submission;
