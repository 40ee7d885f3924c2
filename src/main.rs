//! The browser entry point; everything lives in the library so tests can import it.

#[cfg(target_arch = "wasm32")]
fn main() {
    kepu_quiz::web::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("kepu-quiz is a web app: build it with `trunk build --release` (see README.md).");
}
