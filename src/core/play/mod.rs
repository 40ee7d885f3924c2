//! Playing a round: drawing questions, the session that is answered, the ledger of finished attempts, and the contest in force.

pub mod draw;
pub mod ledger;
pub mod loaded;
pub mod session;
