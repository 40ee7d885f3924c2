//! Handing a file to the person: a Blob behind a temporary `<a download>`.

use wasm_bindgen::JsCast;

/// Starts a download of `bytes` named `file_name`; returns false if the browser refused.
pub fn download(file_name: &str, mime: &str, bytes: &[u8]) -> bool {
    let run = || -> Option<()> {
        let document = web_sys::window()?.document()?;
        let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
        let options = web_sys::BlobPropertyBag::new();
        options.set_type(mime);
        let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).ok()?;
        let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
        let a: web_sys::HtmlAnchorElement = document.create_element("a").ok()?.dyn_into().ok()?;
        a.set_href(&url);
        a.set_download(file_name);
        a.set_attribute("hidden", "").ok()?;
        document.body()?.append_child(&a).ok()?;
        a.click();
        a.remove();
        // Revoke later: some browsers read the blob after click() returns.
        let _ = gloo_timers::callback::Timeout::new(10_000, move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        })
        .forget();
        Some(())
    };
    run().is_some()
}
