//! Fetching contest, bank and region files as text.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::core::Lang;

/// Why a file could not be fetched, in words for the load-error page.
#[derive(Clone, Debug, PartialEq)]
pub enum FetchError {
    Status(u16),
    Network(String),
    ForeignOrigin,
}

impl FetchError {
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (FetchError::Status(404), Lang::Zh) => "文件不存在（HTTP 404）".into(),
            (FetchError::Status(404), Lang::En) => "file not found (HTTP 404)".into(),
            (FetchError::Status(s), Lang::Zh) => format!("服务器返回错误（HTTP {s}）"),
            (FetchError::Status(s), Lang::En) => format!("the server answered with an error (HTTP {s})"),
            (FetchError::Network(e), Lang::Zh) => format!("网络错误，无法下载（{e}）"),
            (FetchError::Network(e), Lang::En) => format!("network error, could not download ({e})"),
            (FetchError::ForeignOrigin, Lang::Zh) => "只能打开本站点上的竞赛文件".into(),
            (FetchError::ForeignOrigin, Lang::En) => "only contest files on this site can be opened".into(),
        }
    }
}

/// Resolves `path` against `base` (a URL or page-relative path) to an absolute same-origin URL.
pub fn resolve(path: &str, base: &str) -> Result<String, FetchError> {
    let window = web_sys::window().ok_or_else(|| FetchError::Network("no window".into()))?;
    let page = window.location().href().map_err(|_| FetchError::Network("no location".into()))?;
    let base = web_sys::Url::new_with_base(base, &page).map_err(|_| FetchError::Network(base.to_string()))?;
    let url = web_sys::Url::new_with_base(path, &base.href()).map_err(|_| FetchError::Network(path.to_string()))?;
    let origin = window.location().origin().unwrap_or_default();
    if url.origin() != origin {
        return Err(FetchError::ForeignOrigin);
    }
    Ok(url.href())
}

pub async fn fetch_text(url: &str) -> Result<String, FetchError> {
    PendingFetch::start(url)?.text().await
}

/// A file's text on its way: a download already under way (so the next file can start
/// before this one is read), or the copy the build put into the page.
pub struct PendingFetch {
    pub url: String,
    source: Source,
}

enum Source {
    Download(js_sys::Promise),
    InPage(String),
}

impl PendingFetch {
    pub fn start(url: &str) -> Result<PendingFetch, FetchError> {
        let window = web_sys::window().ok_or_else(|| FetchError::Network("no window".into()))?;
        Ok(PendingFetch { url: url.to_string(), source: Source::Download(window.fetch_with_str(url)) })
    }

    /// The copy of a file that `scripts/inline-contest.mjs` put into the page as the
    /// element `id`, else a download of `url`.
    pub fn in_page_or_start(id: &str, url: &str) -> Result<PendingFetch, FetchError> {
        let in_page = web_sys::window().and_then(|w| w.document()?.get_element_by_id(id)?.text_content());
        match in_page {
            Some(text) => Ok(PendingFetch { url: url.to_string(), source: Source::InPage(text) }),
            None => PendingFetch::start(url),
        }
    }

    pub async fn text(self) -> Result<String, FetchError> {
        match self.source {
            Source::Download(promise) => read_text(promise).await,
            Source::InPage(text) => Ok(text),
        }
    }
}

async fn read_text(promise: js_sys::Promise) -> Result<String, FetchError> {
    let net = |e: wasm_bindgen::JsValue| FetchError::Network(e.as_string().unwrap_or_else(|| format!("{e:?}")));
    let response = JsFuture::from(promise).await.map_err(net)?;
    let response: web_sys::Response = response.dyn_into().map_err(net)?;
    if !response.ok() {
        return Err(FetchError::Status(response.status()));
    }
    let text = JsFuture::from(response.text().map_err(net)?).await.map_err(net)?;
    Ok(text.as_string().unwrap_or_default())
}

/// The text of a file the person picked (empty if the browser cannot read it).
pub async fn file_text(file: &web_sys::File) -> String {
    gloo_file::futures::read_as_text(&gloo_file::Blob::from(file.clone())).await.unwrap_or_default()
}
