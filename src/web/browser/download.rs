//! Handing a file to the person: a Blob behind a temporary `<a download>`.

use wasm_bindgen::JsCast;

/// Starts a download of `bytes` named `file_name`; returns false if the browser refused.
pub fn download(file_name: &str, mime: &str, bytes: &[u8]) -> bool {
    let run = || -> Option<()> {
        let document = web_sys::window()?.document()?;
        let url = gloo_file::ObjectUrl::from(gloo_file::Blob::new_with_options(bytes, Some(mime)));
        let a: web_sys::HtmlAnchorElement = document.create_element("a").ok()?.dyn_into().ok()?;
        a.set_href(&url);
        a.set_download(file_name);
        a.set_attribute("hidden", "").ok()?;
        document.body()?.append_child(&a).ok()?;
        a.click();
        a.remove();
        // The URL is revoked when dropped: later, as some browsers read the blob after click() returns.
        gloo_timers::callback::Timeout::new(10_000, move || drop(url)).forget();
        Some(())
    };
    run().is_some()
}

/// The MIME type of a report file by its extension.
pub fn mime(extension: &str) -> &'static str {
    match extension {
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "json" => "application/json",
        _ => "text/csv;charset=utf-8",
    }
}
