//! 实时 (live): the results collector's 参赛人数 / 参赛人次 by province, city or county,
//! refreshed every few seconds, beside this device's own figures. The address and token are
//! entered once and kept on the device (a PIN reset removes them).

use crate::core::Message;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use std::rc::Rc;

use crate::core::exchange::receipts::{CollectorKey, DeviceReceipts};
use crate::core::exchange::submission::{side_by_side, CollectedCounts, CollectorLink};
use crate::core::formats::codec::Json;
use crate::core::model::rng::FastMap;
use crate::core::play::ledger::AttemptLedger;
use crate::core::reports::export::{region_csv, region_xlsx, report_file_name};
use crate::core::reports::stats::region_report;
use crate::core::storage::persist::Stored;
use crate::core::Lang;
use crate::core::Notice;
use crate::web::browser::download::{download, mime};
use crate::web::browser::json::BrowserJson;
use crate::web::browser::storage::{read_or_set_aside, LocalStore};
use crate::web::now_ms;

use super::stats::use_regions;
use super::{DeskAction, DeskProps};

/// How often the counts are asked for again.
const REFRESH_MS: u32 = 5_000;

/// The collector's counts, or why there are none, in words.
pub(super) async fn fetch_counts(
    link: &CollectorLink,
    contest: &str,
    level: u8,
    lang: Lang,
) -> Result<CollectedCounts, String> {
    let window = web_sys::window().ok_or("no window")?;
    let page = window.location().href().map_err(|_| "no location")?;
    let base = web_sys::Url::new_with_base(&link.address, &page).map_err(|_| lang.pick("地址无效", "bad address"))?;
    let url = web_sys::Url::new_with_base(&CollectorLink::counts_path(contest, level), &base.href())
        .map_err(|_| lang.pick("地址无效", "bad address"))?;
    let init = web_sys::RequestInit::new();
    let headers = web_sys::Headers::new().map_err(|_| "headers")?;
    let _ = headers.set("Authorization", &format!("Bearer {}", link.token.trim()));
    init.set_headers(&headers);
    init.set_cache(web_sys::RequestCache::NoStore);
    let request = web_sys::Request::new_with_str_and_init(&url.href(), &init).map_err(|_| "request")?;
    let network = |_| lang.pick("无法连接收集服务器", "cannot reach the collector").to_string();
    let response = JsFuture::from(window.fetch_with_request(&request)).await.map_err(network)?;
    let response: web_sys::Response = response.dyn_into().map_err(|_| "response")?;
    match response.status() {
        200 => {}
        401 => return Err(lang.pick("令牌不正确（HTTP 401）", "wrong token (HTTP 401)").into()),
        404 => {
            return Err(lang
                .pick("收集服务器上没有这个竞赛（HTTP 404）", "the collector does not serve this contest (HTTP 404)")
                .into())
        }
        s => return Err(format!("HTTP {s}")),
    }
    let text = JsFuture::from(response.text().map_err(|_| "text")?).await.map_err(network)?;
    BrowserJson::decode::<CollectedCounts>(&text.as_string().unwrap_or_default()).map_err(|e| e.message(lang))
}

#[derive(serde::Deserialize)]
struct PublishedKey {
    public_key: String,
}

/// The collector's `GET /v1/receipt-key`, if it answers.
async fn fetch_key(link: &CollectorLink) -> Option<String> {
    let window = web_sys::window()?;
    let page = window.location().href().ok()?;
    let base = web_sys::Url::new_with_base(&link.address, &page).ok()?;
    let url = web_sys::Url::new_with_base("v1/receipt-key", &base.href()).ok()?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(&url.href())).await.ok()?.dyn_into().ok()?;
    if response.status() != 200 {
        return None;
    }
    let text = JsFuture::from(response.text().ok()?).await.ok()?.as_string()?;
    BrowserJson::decode::<PublishedKey>(&text).ok().map(|k| k.public_key)
}

/// The key receipts are checked with, and where it came from in words: the one kept in the
/// settings (pasted, or read before), else the collector's, which is then kept so merges check
/// receipts offline too.
async fn resolve_key(link: &CollectorLink, lang: Lang) -> Result<(CollectorKey, String), String> {
    let published = match link.address.is_empty() {
        true => None,
        false => fetch_key(link).await,
    };
    if !link.receipt_key.is_empty() {
        let key = CollectorKey::parse(&link.receipt_key).map_err(|e| e.message(lang))?;
        let differs = published.as_deref().is_some_and(|p| CollectorKey::parse(p).ok().as_ref() != Some(&key));
        let source = match differs {
            true => lang.pick(
                "设置中保存的公钥，与收集服务器现在公布的不同！",
                "the key kept in the settings, NOT the one the collector publishes now!",
            ),
            false => lang.pick("设置中保存的公钥", "the key kept in the settings"),
        };
        return Ok((key, source.into()));
    }
    let published = published
        .ok_or_else(|| lang.pick("无法读取收集服务器的公钥", "cannot read the collector's public key").to_string())?;
    let key = CollectorKey::parse(&published).map_err(|e| e.message(lang))?;
    let kept = CollectorLink { receipt_key: key.hex(), ..link.clone() };
    if let Ok(store) = LocalStore::open() {
        let _ = store.save(Stored::CollectorLink, "", &kept);
    }
    Ok((key, lang.pick("收集服务器公布的公钥，已保存", "published by the collector, now kept").into()))
}

/// The receipts of this device's own attempts (from its outbox) and of those merged in, checked
/// a chunk per task so the page stays responsive.
async fn count_receipts(
    key: CollectorKey,
    contest: String,
    ledger: Rc<AttemptLedger>,
    own: Rc<AttemptLedger>,
) -> DeviceReceipts {
    let outbox = super::data::outbox_receipts(&contest);
    let own: FastMap<String, Option<String>> =
        own.attempts.iter().map(|a| (a.id.clone(), outbox.get(&a.id).cloned().flatten())).collect();
    let mut tally = DeviceReceipts::default();
    for chunk in ledger.attempts.chunks(500) {
        gloo_timers::future::TimeoutFuture::new(0).await;
        tally.add_chunk(Some(&key), &contest, chunk, &own);
    }
    tally
}

#[component]
pub fn LiveTab(props: &DeskProps) -> Html {
    let desk = &props.desk;
    let lang = desk.lang;
    use_regions(desk);
    let link = use_state(|| {
        read_or_set_aside::<CollectorLink>(Stored::CollectorLink, "", &mut Vec::new()).unwrap_or_default()
    });
    let level = use_state(|| 1u8);
    let counts = use_state(|| None::<Result<CollectedCounts, String>>);
    {
        let (counts, contest) = (counts.clone(), desk.contest.rules.id.clone());
        use_effect_with(((*link).clone(), *level), move |(link, level)| {
            let timer = (!link.address.is_empty()).then(|| {
                let (link, level) = (link.clone(), *level);
                let refresh = move || {
                    let (counts, link, contest) = (counts.clone(), link.clone(), contest.clone());
                    wasm_bindgen_futures::spawn_local(async move {
                        counts.set(Some(fetch_counts(&link, &contest, level, lang).await));
                    });
                };
                refresh();
                gloo_timers::callback::Interval::new(REFRESH_MS, refresh)
            });
            move || drop(timer)
        });
    }
    // The receipts of the data here, checked again when the key or the data change, or when asked.
    let asked = use_state(|| 0u32);
    let receipts = use_state(|| None::<Result<(String, DeviceReceipts), String>>);
    {
        let receipts = receipts.clone();
        let (contest, ledger, own) = (desk.contest.rules.id.clone(), desk.ledger.clone(), desk.own.clone());
        let data = (desk.ledger.attempts.len(), desk.own.attempts.len());
        use_effect_with(((*link).clone(), data, *asked), move |(link, _, _)| {
            let link = link.clone();
            if !link.address.is_empty() || !link.receipt_key.is_empty() {
                wasm_bindgen_futures::spawn_local(async move {
                    let checked = match resolve_key(&link, lang).await {
                        Ok((key, source)) => {
                            let shown = format!("{}…（{source}）", &key.hex()[..16]);
                            Ok((shown, count_receipts(key, contest, ledger, own).await))
                        }
                        Err(why) => Err(why),
                    };
                    receipts.set(Some(checked));
                });
            }
        });
    }
    let check = {
        let asked = asked.clone();
        Callback::from(move |_| asked.set(*asked + 1))
    };
    let address_ref = use_node_ref();
    let token_ref = use_node_ref();
    let key_ref = use_node_ref();
    let connect = {
        let (link, counts) = (link.clone(), counts.clone());
        let (address_ref, token_ref, key_ref) = (address_ref.clone(), token_ref.clone(), key_ref.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let value =
                |r: &NodeRef| r.cast::<HtmlInputElement>().map(|i| i.value().trim().to_string()).unwrap_or_default();
            let next =
                CollectorLink { address: value(&address_ref), token: value(&token_ref), receipt_key: value(&key_ref) };
            if let Ok(store) = LocalStore::open() {
                let _ = store.save(Stored::CollectorLink, "", &next);
            }
            counts.set(None);
            link.set(next);
        })
    };
    let on_level = {
        let level = level.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<HtmlSelectElement>() {
                level.set(s.value().parse().unwrap_or(1));
            }
        })
    };
    // Worked out again only when the data, the region list or the level change, not on every
    // refresh of the collector's counts.
    let local = {
        let (ledger, regions) = (desk.ledger.clone(), desk.regions.clone());
        let key = (Rc::as_ptr(&ledger) as usize, regions.as_ref().map(|t| Rc::as_ptr(t) as usize), *level);
        use_memo(key, move |(_, _, level)| regions.map(|t| region_report(&ledger.attempts, &t, *level, None)))
    };
    let table = match (&*counts, &*local) {
        (Some(Ok(c)), Some(local)) => {
            let rows = side_by_side(&local.rows, c);
            let total_local = (local.participants, local.participations);
            let export = |extension: &'static str| {
                let (desk, report) = (desk.clone(), c.report());
                Callback::from(move |_| {
                    let bytes = match extension {
                        "xlsx" => region_xlsx(&report),
                        _ => Ok(region_csv(&report)),
                    };
                    match bytes {
                        Ok(bytes) => {
                            let kind = desk.lang.pick("收集的地区参赛统计", "collected regions");
                            download(
                                &report_file_name(&desk.contest.rules.id, kind, extension, now_ms()),
                                mime(extension),
                                &bytes,
                            );
                        }
                        Err(e) => desk.dispatch(DeskAction::Notice(Notice::of(&e))),
                    }
                })
            };
            html! {
                <>
                <table class="grid" data-testid="live-table">
                    <thead><tr>
                        <th>{ lang.pick("地区", "Region") }</th>
                        <th>{ lang.pick("收集 人数", "Collected people") }</th><th>{ lang.pick("收集 人次", "Collected attempts") }</th>
                        <th>{ lang.pick("本机 人数", "This device: people") }</th><th>{ lang.pick("本机 人次", "This device: attempts") }</th>
                    </tr></thead>
                    <tbody>
                        { for rows.iter().map(|r| html! {
                            <tr data-code={r.code.clone()}>
                                <td>{ r.name.clone() }</td>
                                <td>{ r.collected.0 }</td><td>{ r.collected.1 }</td>
                                <td>{ r.local.0 }</td><td>{ r.local.1 }</td>
                            </tr>
                        }) }
                        <tr class="total" data-testid="live-total">
                            <td>{ lang.pick("合计", "Total") }</td>
                            <td>{ c.participants }</td><td>{ c.participations }</td>
                            <td>{ total_local.0 }</td><td>{ total_local.1 }</td>
                        </tr>
                    </tbody>
                </table>
                <p class="hint">{ lang.pick("按收集人数排名。", "Ranked by people collected.") }</p>
                <button class="primary" data-testid="export-collected-csv" onclick={export("csv")}>{ lang.pick("下载收集的地区统计 CSV", "Download collected counts (CSV)") }</button>
                <button class="secondary" data-testid="export-collected-xlsx" onclick={export("xlsx")}>{ lang.pick("下载收集的地区统计 Excel", "Download collected counts (Excel)") }</button>
                </>
            }
        }
        (Some(Err(why)), _) => html! { <p class="notice" data-testid="live-error" role="alert">{ why.clone() }</p> },
        _ if link.address.is_empty() => html! {},
        _ => html! { <p class="loading" role="status">{ lang.pick("正在读取…", "Loading…") }</p> },
    };
    html! {
        <section class="card">
            <h2>{ lang.pick("实时统计（成绩收集服务器）", "Live counts (results collector)") }</h2>
            <form onsubmit={connect}>
                <label>{ lang.pick("服务器地址", "Address") }
                    <input ref={address_ref} data-testid="live-address" value={link.address.clone()} placeholder="https://collect.example.org/" />
                </label>
                <label>{ lang.pick("主办方令牌", "Organizer token") }
                    <input ref={token_ref} data-testid="live-token" type="password" value={link.token.clone()} autocomplete="off" />
                </label>
                <label>{ lang.pick("回执公钥（可不填：连接时从收集服务器读取并保存）", "Receipt key (optional: read from the collector when connecting, then kept)") }
                    <input ref={key_ref} data-testid="live-receipt-key" value={link.receipt_key.clone()} placeholder="64 hex" autocomplete="off" spellcheck="false" />
                </label>
                <button class="primary" data-testid="live-connect" type="submit">{ lang.pick("连接", "Connect") }</button>
            </form>
            <label>{ lang.pick("层级 ", "Level ") }
                <select data-testid="live-level" onchange={on_level}>
                    <option value="1" selected={*level == 1}>{ lang.pick("省", "Province") }</option>
                    <option value="2" selected={*level == 2}>{ lang.pick("市", "City") }</option>
                    <option value="3" selected={*level == 3}>{ lang.pick("县", "County") }</option>
                </select>
            </label>
            <p class="hint">{ lang.pick("每 5 秒刷新。收集数为服务器上的全部成绩；本机数为本机与合并进来的成绩。",
                "Refreshed every 5 s. Collected: every result the server counted; this device: its own and merged results.") }</p>
            { table }
            if !link.address.is_empty() || !link.receipt_key.is_empty() {
                <div class="receipts" data-testid="receipt-panel">
                    <h3>{ lang.pick("回执核对", "Receipts") }</h3>
                    { match &*receipts {
                        None => html! { <p class="loading" role="status">{ lang.pick("正在核对…", "Checking…") }</p> },
                        Some(Err(why)) => html! { <p class="notice" data-testid="receipt-result" role="status">{ why.clone() }</p> },
                        Some(Ok((key, tally))) => html! {
                            <>
                            <p class="hint" data-testid="receipt-key">{ lang.pick("公钥 ", "Key ") }<code>{ key.clone() }</code></p>
                            <p data-testid="receipt-own">{ lang.pick("本机成绩 · ", "This device · ") }{ tally.own.message(lang) }</p>
                            <p data-testid="receipt-merged">{ lang.pick("合并进来的成绩 · ", "Merged in · ") }{ tally.merged.message(lang) }</p>
                            <p data-testid="receipt-result" role="status" data-valid={tally.valid().to_string()}>{ match &*counts {
                                Some(Ok(c)) => tally.beside_collector(c.participations, lang),
                                _ => match lang {
                                    Lang::Zh => format!("带有效回执 {} 条", tally.valid()),
                                    Lang::En => format!("{} with a valid receipt", tally.valid()),
                                },
                            } }</p>
                            </>
                        },
                    } }
                    <p class="hint">{ lang.pick("回执是收集服务器对它计入的每条成绩的签名：带有效回执的成绩确实按文件所写被计入。回执无效（签名后记录被改过，或不是这个服务器的回执）的成绩照常合并、单独列出，因为去掉回执的成绩同样会被合并。",
                        "A receipt is the collector's signature of each attempt it counted: an attempt with a valid receipt was counted as the file says. Attempts whose receipt is invalid (changed after signing, or another server's) are merged as usual and shown apart, since an attempt with its receipt removed would be merged too.") }</p>
                    <button class="secondary" data-testid="receipt-check" onclick={check}>{ lang.pick("重新核对", "Check again") }</button>
                </div>
            }
        </section>
    }
}
