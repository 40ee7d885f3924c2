//! The organizer's page (organizer/index.html): a separate wasm so citizens never download it.

#[cfg(target_arch = "wasm32")]
fn main() {
    kepu_quiz::web::organizer::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the organizer's page is built by scripts/build (trunk).");
}
