//! The 电子证书 and 分享 poster's drawing (certificate/index.html): a wasm of its own, loaded by
//! the result page with a dynamic `import()` only when a person asks for an image, so neither
//! the drawing nor the QR encoder is in the phone's first download.

#[cfg(target_arch = "wasm32")]
mod exports {
    use kepu_quiz::core::certificate::CertificateRequest;
    use wasm_bindgen::prelude::*;

    fn request(value: JsValue) -> Result<CertificateRequest, JsValue> {
        serde_wasm_bindgen::from_value(value).map_err(|e| JsValue::from_str(&e.to_string()))
    }

    /// The certificate of `request` (a `core::certificate::CertificateRequest` as a plain
    /// object): `{ image, code, width, height }`, `image` a PNG data URL.
    #[wasm_bindgen]
    pub fn certificate(request_value: JsValue) -> Result<JsValue, JsValue> {
        kepu_quiz::web::certificate::certificate(&request(request_value)?)
    }

    /// The 分享 poster of `request`: `{ image, code: "", width, height }`.
    #[wasm_bindgen]
    pub fn poster(request_value: JsValue) -> Result<JsValue, JsValue> {
        kepu_quiz::web::certificate::poster(&request(request_value)?)
    }
}

fn main() {
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("the certificate's drawing runs in the browser; it is built by scripts/build (trunk).");
}
