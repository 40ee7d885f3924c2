//! The state machines the pages run: the citizen's device. Storage comes in as a `Store`, time and randomness as values.

pub mod desk;
pub mod device;
