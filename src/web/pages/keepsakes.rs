//! The result screen's 电子证书 and 分享 poster. The images are drawn by a wasm of their own
//! (`src/bin/certificate.rs`), which the page loads with a dynamic `import()` only when a person
//! taps a button (`window.kepuDraw`, written into the start-up script by
//! scripts/link-certificate.mjs), so none of the drawing is in the phone's first download.

use wasm_bindgen::{JsCast, JsValue};
use yew::prelude::*;

use crate::core::certificate::CertificateRequest;
use crate::core::Lang;

/// A drawn image: its PNG as a data URL, and the certificate's code.
#[derive(Clone, PartialEq)]
struct Drawn {
    image: String,
    code: String,
}

#[derive(Clone, PartialEq, Default)]
struct Shown {
    certificate: Option<Drawn>,
    poster: Option<Drawn>,
    busy: bool,
    failed: bool,
}

#[derive(Properties, PartialEq)]
pub struct KeepsakeProps {
    pub request: CertificateRequest,
    /// Whether the round earned a certificate (the poster is for everyone).
    pub earned: bool,
}

/// `window.kepuDraw(what, request)`: loads the drawing wasm (once) and draws.
async fn draw(what: &str, request: &CertificateRequest) -> Option<Drawn> {
    let window = web_sys::window()?;
    let load: js_sys::Function = js_sys::Reflect::get(&window, &"kepuDraw".into()).ok()?.dyn_into().ok()?;
    let value = serde::Serialize::serialize(request, &serde_wasm_bindgen::Serializer::json_compatible()).ok()?;
    let promise: js_sys::Promise = load.call2(&JsValue::NULL, &what.into(), &value).ok()?.dyn_into().ok()?;
    let out = wasm_bindgen_futures::JsFuture::from(promise).await.ok()?;
    let field = |name: &str| js_sys::Reflect::get(&out, &name.into()).ok().and_then(|v| v.as_string());
    Some(Drawn { image: field("image")?, code: field("code").unwrap_or_default() })
}

/// Saves a data URL's image under `name` (an `<a download>`; WeChat's browser ignores it, so
/// the image itself is shown to be long-pressed).
fn save(url: &str, name: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let Some(a) = document.create_element("a").ok().and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    else {
        return;
    };
    a.set_href(url);
    a.set_download(name);
    if let Some(body) = document.body() {
        let _ = body.append_child(&a);
        a.click();
        a.remove();
    }
}

#[component]
pub fn Keepsakes(props: &KeepsakeProps) -> Html {
    let lang = props.request.lang;
    let shown = use_state(Shown::default);
    let ask = |what: &'static str| {
        let (shown, request) = (shown.clone(), props.request.clone());
        Callback::from(move |_| {
            let (shown, request) = (shown.clone(), request.clone());
            shown.set(Shown { busy: true, failed: false, ..(*shown).clone() });
            wasm_bindgen_futures::spawn_local(async move {
                let drawn = draw(what, &request).await;
                let mut next = Shown { busy: false, failed: drawn.is_none(), ..(*shown).clone() };
                if what == "certificate" {
                    next.certificate = drawn.or(next.certificate);
                } else {
                    next.poster = drawn.or(next.poster);
                }
                shown.set(next);
            });
        })
    };
    let file = |kind: &str| format!("{}-{kind}-{}.png", props.request.contest_id, props.request.attempt);
    let long_press = lang.pick("长按图片可保存或发送给朋友", "Press and hold the image to save or send it");
    html! {
        <section class="card keepsakes">
            <h2>{ if props.earned { lang.pick("电子证书与分享", "Certificate and sharing") } else { lang.pick("分享成绩", "Share your score") } }</h2>
            <p class="actions">
                if props.earned {
                    <button class="primary big" data-testid="open-certificate" disabled={shown.busy} onclick={ask("certificate")}>{ lang.pick("查看电子证书", "Show my certificate") }</button>
                }
                <button class="secondary big" data-testid="open-poster" disabled={shown.busy} onclick={ask("poster")}>{ lang.pick("生成分享图", "Make a picture to share") }</button>
            </p>
            if shown.busy {
                <p role="status">{ lang.pick("正在生成图片…", "Drawing the picture…") }</p>
            }
            if shown.failed {
                <p class="error" data-testid="error" role="alert">{ lang.pick("图片未能生成，请联网后刷新页面再试。", "The picture could not be made. Go online, reload the page and try again.") }</p>
            }
            if let Some(c) = &shown.certificate {
                <figure class="keepsake">
                    <img data-testid="certificate" src={c.image.clone()} alt={lang.pick("电子证书", "Certificate")} />
                    <figcaption>
                        { lang.pick("验证码：", "Verification code: ") }<strong class="code" data-testid="certificate-code">{ c.code.clone() }</strong>
                        <br />{ long_press }
                    </figcaption>
                    <button class="secondary" data-testid="certificate-download" onclick={
                        let (url, name) = (c.image.clone(), file(if lang == Lang::Zh { "证书" } else { "certificate" }));
                        Callback::from(move |_| save(&url, &name))
                    }>{ lang.pick("下载证书 PNG", "Download the certificate (PNG)") }</button>
                </figure>
            }
            if let Some(p) = &shown.poster {
                <figure class="keepsake">
                    <img data-testid="poster" src={p.image.clone()} alt={lang.pick("分享图", "Picture to share")} />
                    <figcaption>{ long_press }</figcaption>
                    <button class="secondary" data-testid="poster-download" onclick={
                        let (url, name) = (p.image.clone(), file(if lang == Lang::Zh { "分享" } else { "share" }));
                        Callback::from(move |_| save(&url, &name))
                    }>{ lang.pick("下载分享图 PNG", "Download the picture (PNG)") }</button>
                </figure>
            }
        </section>
    }
}
