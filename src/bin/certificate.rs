//! The 电子证书 and 分享 poster's drawing (certificate/index.html): a wasm of its own, loaded by
//! the result page with a dynamic `import()` only when a person asks for an image, so neither
//! the drawing nor the QR encoder is in the phone's first download.

#[cfg(target_arch = "wasm32")]
mod exports {
    use kepu_quiz::core::exchange::certificate::CertificateRequest;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    /// Draws `what` (`certificate` or `poster`) and returns `{ image, code, width, height }`,
    /// `image` a PNG data URL. `request` is either the result page's card (whose `data-*`
    /// attributes carry the fields of `core::exchange::certificate::CertificateRequest`; the image is
    /// then shown in its `.keepsake-place`), or those fields as a plain object, shown in
    /// `place` if one is given.
    #[wasm_bindgen]
    pub fn draw(what: &str, request: JsValue, place: Option<web_sys::Element>) -> Result<JsValue, JsValue> {
        if let Some(card) = request.dyn_ref::<web_sys::Element>() {
            let request = kepu_quiz::web::certificate::request_of(card);
            let place = card.query_selector(".keepsake-place")?;
            return kepu_quiz::web::certificate::draw(what, &request, place.as_ref());
        }
        let request: CertificateRequest =
            serde_wasm_bindgen::from_value(request).map_err(|e| JsValue::from_str(&e.to_string()))?;
        kepu_quiz::web::certificate::draw(what, &request, place.as_ref())
    }
}

fn main() {
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("the certificate's drawing runs in the browser; it is built by scripts/build (trunk).");
}
