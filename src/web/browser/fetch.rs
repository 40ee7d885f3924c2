//! Fetching contest, bank and region files as text.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::core::{Lang, Message};

/// Why a file could not be fetched, in words for the load-error page.
#[derive(Clone, Debug, PartialEq)]
pub enum FetchError {
    Status(u16),
    /// The browser could not reach the server (fetch rejects with a `TypeError`: offline, the
    /// server down, the connection cut).
    Unreachable,
    /// The download stopped part way, with the browser's reason.
    Interrupted(String),
    /// The address cannot be read as one.
    BadAddress(String),
    ForeignOrigin,
}

/// What a browser error says, as text: its `message` (never the `JsValue(TypeError …)` of a
/// debug print), or its name.
pub fn js_reason(e: &wasm_bindgen::JsValue) -> String {
    if let Some(text) = e.as_string() {
        return text;
    }
    let field = |name: &str| js_sys::Reflect::get(e, &name.into()).ok().and_then(|v| v.as_string()).unwrap_or_default();
    match (field("name"), field("message")) {
        (_, message) if !message.is_empty() => message,
        (name, _) => name,
    }
}

/// A rejected fetch: a `TypeError` means the network failed; anything else stopped it.
fn network_error(e: wasm_bindgen::JsValue) -> FetchError {
    let name = js_sys::Reflect::get(&e, &"name".into()).ok().and_then(|v| v.as_string()).unwrap_or_default();
    match name.as_str() {
        "TypeError" => FetchError::Unreachable,
        _ => FetchError::Interrupted(js_reason(&e)),
    }
}

impl Message for FetchError {
    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (FetchError::Status(404), Lang::Zh) => "文件不存在（HTTP 404）".into(),
            (FetchError::Status(404), Lang::En) => "file not found (HTTP 404)".into(),
            (FetchError::Status(s), Lang::Zh) => format!("服务器返回错误（HTTP {s}）"),
            (FetchError::Status(s), Lang::En) => format!("the server answered with an error (HTTP {s})"),
            (FetchError::Unreachable, Lang::Zh) => {
                "网络错误：无法连接到服务器，文件没能下载。请检查网络后刷新页面".into()
            }
            (FetchError::Unreachable, Lang::En) => {
                "network error: the server could not be reached and the file was not downloaded; check the connection and reload".into()
            }
            (FetchError::Interrupted(e), Lang::Zh) if e.is_empty() => "网络错误：下载中途中断，请刷新页面重试".into(),
            (FetchError::Interrupted(e), Lang::En) if e.is_empty() => {
                "network error: the download was interrupted; reload to try again".into()
            }
            (FetchError::Interrupted(e), Lang::Zh) => format!("网络错误：下载中途中断（{e}），请刷新页面重试"),
            (FetchError::Interrupted(e), Lang::En) => format!("network error: the download was interrupted ({e}); reload to try again"),
            (FetchError::BadAddress(a), Lang::Zh) => format!("“{a}”不是有效的文件地址"),
            (FetchError::BadAddress(a), Lang::En) => format!("\"{a}\" is not a valid address for a file"),
            (FetchError::ForeignOrigin, Lang::Zh) => "只能打开本站点上的竞赛文件".into(),
            (FetchError::ForeignOrigin, Lang::En) => "only contest files on this site can be opened".into(),
        }
    }
}

/// Resolves `path` against `base` (a URL or page-relative path) to an absolute same-origin URL.
pub fn resolve(path: &str, base: &str) -> Result<String, FetchError> {
    let window = web_sys::window().ok_or(FetchError::Unreachable)?;
    let page = window.location().href().map_err(|_| FetchError::BadAddress(path.to_string()))?;
    let base = web_sys::Url::new_with_base(base, &page).map_err(|_| FetchError::BadAddress(base.to_string()))?;
    let url = web_sys::Url::new_with_base(path, &base.href()).map_err(|_| FetchError::BadAddress(path.to_string()))?;
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
        let window = web_sys::window().ok_or(FetchError::Unreachable)?;
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
    let response = JsFuture::from(promise).await.map_err(network_error)?;
    let response: web_sys::Response = response.dyn_into().map_err(|e| FetchError::Interrupted(js_reason(&e)))?;
    if !response.ok() {
        return Err(FetchError::Status(response.status()));
    }
    // Reading the body can fail too (the connection cut part way): that is a stopped download.
    let interrupted = |e: wasm_bindgen::JsValue| match network_error(e) {
        FetchError::Unreachable => FetchError::Interrupted(String::new()),
        other => other,
    };
    let text = JsFuture::from(response.text().map_err(interrupted)?).await.map_err(interrupted)?;
    Ok(text.as_string().unwrap_or_default())
}

/// The text of a file the person picked (empty if the browser cannot read it).
pub async fn file_text(file: &web_sys::File) -> String {
    gloo_file::futures::read_as_text(&gloo_file::Blob::from(file.clone())).await.unwrap_or_default()
}
