//! Reports for organizers: statistics over the ledger and the files they are exported as.

pub mod dashboard;
pub mod export;
pub mod stats;
