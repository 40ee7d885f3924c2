//! 核验证书: the organizer types a certificate's code and learns whether it belongs to an
//! attempt on this device, in the merged results files, or (with a collector set up in 实时) on
//! the collector, and whose, with what score and when.

use crate::core::Message;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::core::exchange::certificate::{
    find, no_match_message, normalize_code, not_a_code_message, CollectorVerification, Found, VerifiedAttempt,
};
use crate::core::exchange::outbox::Outbox;
use crate::core::exchange::submission::CollectorLink;
use crate::core::formats::codec::Json;
use crate::core::storage::persist::Stored;
use crate::core::Lang;
use crate::web::browser::json::BrowserJson;
use crate::web::browser::storage::read_or_set_aside;

use super::{Desk, DeskProps};

/// The answer shown, and whether it is a match.
#[derive(Clone, PartialEq)]
struct Answer {
    matched: bool,
    text: String,
}

/// The attempt of `code` among this device's and the merged attempts.
fn look_here(desk: &Desk, code: &str) -> Option<(Found, VerifiedAttempt)> {
    let contest = &desk.contest.rules.id;
    let outbox = read_or_set_aside::<Outbox>(Stored::Outbox, contest, &mut Vec::new()).unwrap_or_default();
    let receipt_of = |id: &str| outbox.settled.iter().find(|s| s.id == id).and_then(|s| s.receipt.as_deref());
    if let Some(a) = find(code, &desk.own.attempts, receipt_of) {
        return Some((Found::ThisDevice, VerifiedAttempt::of(a)));
    }
    let own: std::collections::HashSet<&str> = desk.own.attempts.iter().map(|a| a.id.as_str()).collect();
    // Merged attempts carry their receipts.
    let merged = || desk.ledger.attempts.iter().filter(|a| !own.contains(a.id.as_str()));
    let carried: crate::core::model::rng::FastMap<&str, &str> =
        merged().filter_map(|a| Some((a.id.as_str(), a.receipt.as_deref()?))).collect();
    find(code, merged(), |id| carried.get(id).copied()).map(|a| (Found::Merged, VerifiedAttempt::of(a)))
}

/// `GET …/v1/contests/{contest}/certificates/{code}` on the collector; `Err` says why not.
async fn ask_collector(
    link: &CollectorLink,
    contest: &str,
    code: &str,
    lang: Lang,
) -> Result<CollectorVerification, String> {
    let unreachable = lang.pick("无法连接收集服务器", "cannot reach the collector").to_string();
    let window = web_sys::window().ok_or(unreachable.clone())?;
    let page = window.location().href().map_err(|_| unreachable.clone())?;
    let bad = |_| lang.pick("收集服务器地址无效", "the collector's address is not valid").to_string();
    let base = web_sys::Url::new_with_base(&link.address, &page).map_err(bad)?;
    let url =
        web_sys::Url::new_with_base(&CollectorLink::certificate_path(contest, code), &base.href()).map_err(bad)?;
    let init = web_sys::RequestInit::new();
    let headers = web_sys::Headers::new().map_err(|_| unreachable.clone())?;
    let _ = headers.set("Authorization", &format!("Bearer {}", link.token.trim()));
    init.set_headers(&headers);
    init.set_cache(web_sys::RequestCache::NoStore);
    let request = web_sys::Request::new_with_str_and_init(&url.href(), &init).map_err(|_| unreachable.clone())?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(|_| unreachable.clone())?
        .dyn_into()
        .map_err(|_| unreachable.clone())?;
    match response.status() {
        200 => {}
        401 => return Err(lang.pick("收集服务器令牌不正确（HTTP 401）", "wrong collector token (HTTP 401)").into()),
        s => return Err(format!("{unreachable} (HTTP {s})")),
    }
    let text = JsFuture::from(response.text().map_err(|_| unreachable.clone())?).await.map_err(|_| unreachable)?;
    BrowserJson::decode::<CollectorVerification>(&text.as_string().unwrap_or_default()).map_err(|e| e.message(lang))
}

#[component]
pub fn VerifyBox(props: &DeskProps) -> Html {
    let desk = &props.desk;
    let lang = desk.lang;
    let input = use_node_ref();
    let answer = use_state(|| None::<Answer>);
    let busy = use_state(|| false);
    let onsubmit = {
        let (desk, input, answer, busy) = (desk.clone(), input.clone(), answer.clone(), busy.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let typed = input.cast::<HtmlInputElement>().map(|i| i.value()).unwrap_or_default();
            let Some(code) = normalize_code(&typed) else {
                answer.set(Some(Answer { matched: false, text: not_a_code_message(lang).into() }));
                return;
            };
            let region_name = |v: &VerifiedAttempt| match (&desk.regions, v.region.is_empty()) {
                (Some(t), false) => t.full_name(&v.region),
                _ => String::new(),
            };
            if let Some((found, v)) = look_here(&desk, &code) {
                answer.set(Some(Answer { matched: true, text: v.message(found, &region_name(&v), lang) }));
                return;
            }
            let link =
                read_or_set_aside::<CollectorLink>(Stored::CollectorLink, "", &mut Vec::new()).unwrap_or_default();
            if link.address.trim().is_empty() {
                answer.set(Some(Answer { matched: false, text: no_match_message(lang).into() }));
                return;
            }
            busy.set(true);
            let (desk, answer, busy) = (desk.clone(), answer.clone(), busy.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let contest = desk.contest.rules.id.clone();
                let text = match ask_collector(&link, &contest, &code, lang).await {
                    Ok(CollectorVerification { found: true, attempt: Some(v) }) => {
                        let name = match (&desk.regions, v.region.is_empty()) {
                            (Some(t), false) => t.full_name(&v.region),
                            _ => String::new(),
                        };
                        Answer { matched: true, text: v.message(Found::Collector, &name, lang) }
                    }
                    Ok(_) => Answer { matched: false, text: no_match_message(lang).into() },
                    Err(why) => Answer {
                        matched: false,
                        text: format!(
                            "{}{}{why}",
                            no_match_message(lang),
                            lang.pick("（未能查询收集服务器：", " (the collector could not be asked: ")
                        ) + lang.pick("）", ")"),
                    },
                };
                busy.set(false);
                answer.set(Some(text));
            });
        })
    };
    html! {
        <section class="card verify">
            <h2>{ lang.pick("核验证书", "Verify a certificate") }</h2>
            <p class="hint">{ lang.pick("输入证书上的验证码，查看它是否与本机、合并的成绩文件或成绩收集服务器中的某次答题相符。",
                "Enter the code printed on a certificate to see whether it matches an attempt on this device, in merged results files or on the results collector.") }</p>
            <form class="verify-form" {onsubmit}>
                <label>{ lang.pick("验证码", "Code") }
                    <input ref={input} data-testid="verify-input" type="text" inputmode="latin" autocomplete="off" spellcheck="false" placeholder="XXXX-XXXX-XXXX" /></label>
                <button class="primary" type="submit" data-testid="verify-submit" disabled={*busy}>{ lang.pick("核验", "Verify") }</button>
            </form>
            if *busy {
                <p role="status">{ lang.pick("正在查询收集服务器…", "Asking the collector…") }</p>
            }
            if let Some(a) = &*answer {
                <p class={classes!("verify-result", if a.matched { "match" } else { "no-match" })} data-testid="verify-result" data-match={a.matched.to_string()} role="status">{ a.text.clone() }</p>
            }
        </section>
    }
}
