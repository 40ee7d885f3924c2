//! The vocabulary of a contest: banks, contest packages, regions, participants, and time and randomness as values.

pub mod bank;
pub mod clock;
pub mod contest;
pub mod participant;
pub mod region;
pub mod rng;
pub mod sort;
