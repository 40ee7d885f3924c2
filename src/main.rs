//! The browser entry point; everything lives in the library so tests can import it.

// Talc instead of the default dlmalloc: 3 KB smaller after brotli (README, "Measured").
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(target_arch = "wasm32")]
fn main() {
    kepu_quiz::web::app::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("kepu-quiz is a web app: build it with `trunk build --release` (see README.md).");
}
