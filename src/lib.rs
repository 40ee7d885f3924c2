//! 科普答题 (kepu-quiz): science-literacy quiz contests as a static WebAssembly app.
//!
//! `core` is the domain with no browser dependency; `web` is the Yew front end over it.

pub mod core;
#[cfg(target_arch = "wasm32")]
pub mod web;
