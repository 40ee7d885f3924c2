//! The Web Worker that parses imported question banks off the page's thread.

#[cfg(target_arch = "wasm32")]
fn main() {
    kepu_quiz::web::browser::import_worker::run_worker();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the import worker runs in the browser; it is built by scripts/build (trunk).");
}
