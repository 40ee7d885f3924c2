//! Playing a round: drawing questions, the session that is answered, and the ledger of
//! finished attempts.

pub mod draw;
pub mod ledger;
pub mod reading;
pub mod session;
