//! The organizer's workspace (a separate page and wasm, so citizens never download it):
//! PIN gate, statistics, question banks, rules, exports and merging results files.

mod banks;
mod data;
mod file_pick;
mod live;
mod rules;
mod stats;
mod tabs;

use std::rc::Rc;

use wasm_bindgen::JsValue;
use yew::prelude::*;

use crate::core::exchange::ledger_file::{merge_into, CHUNK_ATTEMPTS};
use crate::core::formats::codec::SerdeJson;
use crate::core::machines::desk;
pub use crate::core::machines::desk::Tab;
use crate::core::play::ledger::AttemptLedger;
use crate::core::storage::persist::{decode, encode, Stored};
use crate::core::Notice;

use super::json::BrowserJson;
use super::loader::{contest_path, load_contest, load_error_view, stored_prefs, Loaded, LoadedProps};
use super::storage::device_store;
use super::{fresh_seed, idb, now_ms};
use crate::core::storage::organizer::PinHash;

/// Mounts the organizer's app.
pub fn start() {
    let document = web_sys::window().and_then(|w| w.document()).expect("a browser document");
    let root = document.get_element_by_id("app").expect("organizer page has #app");
    root.set_inner_html("");
    yew::Renderer::<OrganizerApp>::with_root(root).render();
}

/// The organizer's desk (`core::machines::desk`); the collection's stored chunks are kept
/// as the JavaScript strings IndexedDB gave.
pub type Desk = desk::Desk<JsValue>;
pub type DeskAction = desk::DeskAction<JsValue>;

/// Each action runs in the core, which keeps the settings in the store it was given.
impl Reducible for Desk {
    type Action = DeskAction;

    fn reduce(self: Rc<Self>, action: DeskAction) -> Rc<Self> {
        let mut desk = (*self).clone();
        desk.apply::<BrowserJson>(action);
        Rc::new(desk)
    }
}

#[derive(Properties, PartialEq)]
pub struct DeskProps {
    pub desk: UseReducerHandle<Desk>,
}

#[component]
fn OrganizerApp() -> Html {
    let load = use_state(|| None::<Result<Rc<Loaded>, (String, String)>>);
    // Read once, not on every render: reading can set damaged preferences aside (a write).
    let lang = *use_state(|| stored_prefs().lang);
    {
        let load = load.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let result = load_contest::<true>(&contest_path(), "../", lang).await.map(Rc::new);
                load.set(Some(result));
            });
        });
    }
    match &*load {
        None => html! { <p class="loading" role="status">{ lang.pick("正在加载…", "Loading…") }</p> },
        Some(Err((file, reason))) => load_error_view(file, reason, lang, "../"),
        Some(Ok(loaded)) => html! { <DeskView loaded={loaded.clone()} /> },
    }
}

#[component]
fn DeskView(props: &LoadedProps) -> Html {
    let loaded = props.loaded.clone();
    let desk = use_reducer(move || Desk::open::<BrowserJson>(loaded, device_store(), now_ms()));
    let lang = desk.lang;
    {
        let desk = desk.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(load_collection(desk));
        });
    }
    let body = if !desk.unlocked {
        html! { <PinGate desk={desk.clone()} /> }
    } else {
        html! {
            <div class="desk">
                <tabs::TabBar desk={desk.clone()} />
                <div class="desk-panel" role="tabpanel" id={tabs::PANEL_ID} aria-labelledby={desk.tab.testid()} tabindex="0">
                { match desk.tab {
                    Tab::Stats => html! { <stats::StatsTab desk={desk.clone()} /> },
                    Tab::Banks => html! { <banks::BanksTab desk={desk.clone()} /> },
                    Tab::Rules => html! { <rules::RulesTab desk={desk.clone()} /> },
                    Tab::Data => html! { <data::DataTab desk={desk.clone()} /> },
                    Tab::Live => html! { <live::LiveTab desk={desk.clone()} /> },
                } }
                </div>
            </div>
        }
    };
    let back = format!("../{}", web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default());
    html! {
        <>
            <header class="topbar">
                <span class="brand">{ lang.pick("科普答题 · 管理", "Science Quiz · Organizer") }</span>
                <a class="chip" href={back}>{ lang.pick("返回答题", "Back to quiz") }</a>
            </header>
            <main class="page organizer">
                <p class="contest-name">{ desk.contest.rules.title.clone() }</p>
                if let Some(n) = &desk.notice {
                    <p class="notice" data-testid="error" role="alert">{ n.get(lang) }</p>
                }
                if let Some(f) = &desk.flash {
                    <p class="flash" role="status" data-testid="flash">{ f.get(lang) }</p>
                }
                { body }
            </main>
        </>
    }
}

/// Reads the collection from IndexedDB a chunk per task (100,000 attempts are 20 chunks), then
/// puts this device's own attempts with it.
async fn load_collection(desk: UseReducerHandle<Desk>) {
    let id = desk.id().to_owned();
    let chunks = match idb::load_chunks(Stored::Collected, &id).await {
        Ok(chunks) => chunks,
        Err(e) => return desk.dispatch(DeskAction::Notice(Notice::of(&e))),
    };
    let mut collected = AttemptLedger::default();
    let mut oversized = false;
    for chunk in chunks.iter() {
        gloo_timers::future::TimeoutFuture::new(0).await;
        match decode::<SerdeJson, AttemptLedger>(Stored::Collected, &chunk.as_string().unwrap_or_default()) {
            Ok(part) => {
                oversized |= part.attempts.len() > CHUNK_ATTEMPTS;
                collected.attempts.extend(part.attempts);
            }
            Err(e) => return desk.dispatch(DeskAction::Notice(Notice::of(&e))),
        }
    }
    // A collection an earlier build stored as one envelope is read once in one go, then
    // stored again in chunks, the same attempts, so it never is again.
    let chunks = if oversized {
        let mut rechunked = Vec::new();
        for part in collected.attempts.chunks(CHUNK_ATTEMPTS) {
            gloo_timers::future::TimeoutFuture::new(0).await;
            let text = encode::<SerdeJson, _>(Stored::Collected, &AttemptLedger { attempts: part.to_vec() });
            rechunked.push(wasm_bindgen::JsValue::from_str(&text));
        }
        match idb::save_chunks(Stored::Collected, &id, &rechunked).await {
            Ok(()) => rechunked,
            Err(_) => chunks,
        }
    } else {
        chunks
    };
    gloo_timers::future::TimeoutFuture::new(0).await;
    let count = collected.attempts.len();
    merge_into(&mut collected, desk.own.attempts.clone());
    desk.dispatch(DeskAction::Collected { all: collected, collected: count, chunks: Rc::new(chunks), flash: None });
}

#[component]
fn PinGate(props: &DeskProps) -> Html {
    let desk = &props.desk;
    let lang = desk.lang;
    let input = use_node_ref();
    let forgot = use_state(|| false);
    let first = desk.pin.is_none();
    let onsubmit = {
        let (desk, input) = (desk.clone(), input.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let pin = input.cast::<web_sys::HtmlInputElement>().map(|i| i.value()).unwrap_or_default();
            match &desk.pin {
                None => match PinHash::set(&pin, fresh_seed()) {
                    Ok(h) => desk.dispatch(DeskAction::SetPin(h)),
                    Err(p) => desk.dispatch(DeskAction::Notice(Notice::of(&p))),
                },
                Some(h) => match h.check(&pin, fresh_seed()) {
                    Ok(None) => desk.dispatch(DeskAction::Unlock),
                    // Right, but stored the old way: keep it with PBKDF2 from now on.
                    Ok(Some(upgraded)) => desk.dispatch(DeskAction::SetPin(upgraded)),
                    Err(p) => desk.dispatch(DeskAction::Notice(Notice::of(&p))),
                },
            }
        })
    };
    let reset = {
        let desk = desk.clone();
        Callback::from(move |_| desk.dispatch(DeskAction::ResetOrganizer))
    };
    html! {
        <form class="card" {onsubmit}>
            <h1>{ if first { lang.pick("设置管理密码", "Set an organizer PIN") } else { lang.pick("输入管理密码", "Enter the organizer PIN") } }</h1>
            if first {
                <p>{ lang.pick("第一次进入管理区，请设置至少 4 位数字的密码。密码只以加盐散列保存在本机。",
                    "First visit: choose a PIN of at least 4 digits. Only a salted hash of it is kept on this device.") }</p>
            }
            <label for="pin">{ lang.pick("密码", "PIN") }
                <input id="pin" data-testid="pin-input" ref={input} type="password" inputmode="numeric" autocomplete="off" />
            </label>
            <button class="primary big" type="submit" data-testid="pin-submit">{ if first { lang.pick("设置并进入", "Set and enter") } else { lang.pick("进入", "Enter") } }</button>
            if !first {
                <button class="link" type="button" onclick={let forgot = forgot.clone(); Callback::from(move |_| forgot.set(!*forgot))}>{ lang.pick("忘记密码？", "Forgot the PIN?") }</button>
                if *forgot {
                    <div class="card warn">
                        <p>{ lang.pick("重设密码会清除本机所有的管理设置：保存的题库，以及各竞赛改用的题库和改过的规则，竞赛恢复按竞赛文件进行。参赛者的成绩记录不会被删除。",
                            "Resetting the PIN clears every organizer setting on this device: the saved banks, and every contest's chosen bank and edited rules; contests run by their packages again. Participants' results are never deleted.") }</p>
                        <button class="secondary" type="button" data-testid="pin-reset" onclick={reset}>{ lang.pick("清除管理设置并重设密码", "Clear organizer settings and reset the PIN") }</button>
                    </div>
                }
            }
        </form>
    }
}
