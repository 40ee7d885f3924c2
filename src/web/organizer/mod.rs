//! The organizer's workspace (a separate page and wasm, so citizens never download it):
//! PIN gate, statistics, question banks, rules, exports and merging results files.

mod banks;
mod dashboard;
mod data;
mod echarts;
mod file_pick;
mod live;
mod pin;
mod rules;
mod stats;
mod tabs;
mod verify;

use std::rc::Rc;

use wasm_bindgen::JsValue;
use yew::prelude::*;

use crate::core::machines::desk;
pub use crate::core::machines::desk::Tab;

use super::browser::json::BrowserJson;
use super::browser::loader::{contest_path, load_contest, stored_prefs, Loaded};
use super::browser::storage::device_store;
use super::now_ms;
use super::pages::{load_error_view, LoadedProps};

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
            wasm_bindgen_futures::spawn_local(data::load_collection(desk));
        });
    }
    let body = if !desk.unlocked {
        html! { <pin::PinGate desk={desk.clone()} /> }
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
