//! The results collector of 科普答题: phones submit finished attempts, organizers read live
//! counts. The contract is `spec/collector-api.md`; the storage design is in `store`.

pub mod config;
pub mod contests;
pub mod http;
pub mod limit;
pub mod receipt;
pub mod sample;
pub mod store;
