//! Text into values and back: the JSON codec with its plain-language errors, and CSV.

pub mod codec;
pub(crate) mod csv_io;
