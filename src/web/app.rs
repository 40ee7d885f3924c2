//! The app shell: loads the contest package, then runs this device's state machine
//! (`core::machines::device`) in one reducer and shows the page for its screen.

use std::rc::Rc;

use yew::prelude::*;

use crate::core::machines::device::{Action, Changed, Device, Screen};
use crate::core::storage::persist::Pref;
use crate::core::Lang;

use super::browser::json::BrowserJson;
use super::browser::loader::{contest_path, load_contest, load_explanations, stored_prefs, Loaded};
use super::browser::storage::device_store;
use super::now_ms;
use super::pages::{load_error_view, Home, LoadedProps, PracticePick, RegisterPage, ResultPage, RoundPage};

/// Mounts the app over the static loading shell of `index.html`.
pub fn start() {
    let document = web_sys::window().and_then(|w| w.document()).expect("a browser document");
    let root = document.get_element_by_id("app").expect("index.html has #app");
    root.set_inner_html("");
    yew::Renderer::<App>::with_root(root).render();
}

enum Load {
    Loading,
    Failed { file: String, reason: String },
    Ready(Rc<Loaded>),
}

#[component]
pub fn App() -> Html {
    let load = use_state(|| Load::Loading);
    // Read once, not on every render: reading can set damaged preferences aside (a write).
    let lang = *use_state(|| stored_prefs().lang);
    {
        let load = load.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let path = contest_path();
                let loaded = match load_contest::<false>(&path, "./", lang).await {
                    Ok(l) => Load::Ready(Rc::new(l)),
                    Err((file, reason)) => Load::Failed { file, reason },
                };
                // The first screen is drawn in a task of its own: with the default contest in
                // the page nothing above waited, and one long start-up task delays taps.
                gloo_timers::callback::Timeout::new(0, move || load.set(loaded)).forget();
            });
        });
    }
    // start() replaced the loading line of index.html; this shows until the contest loads.
    match &*load {
        Load::Loading => {
            html! { <p class="loading" role="status">{ lang.pick("正在加载题库…", "Loading the contest…") }</p> }
        }
        Load::Failed { file, reason } => {
            // The static first screen (web::browser::shell), if on show, gives way to the reason.
            super::browser::shell::take_over();
            load_error_view(file, reason, lang, "./")
        }
        Load::Ready(loaded) => html! { <ContestApp loaded={loaded.clone()} /> },
    }
}

/// The device's state machine (`core::machines::device`) under Yew: each action runs in the core, which
/// keeps the records in the store it was given; an action that changed nothing keeps the same
/// state (no redraw).
impl Reducible for Device {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut device = (*self).clone();
        match device.apply::<BrowserJson>(action) {
            Changed::Yes => Rc::new(device),
            Changed::No => self,
        }
    }
}

#[component]
fn ContestApp(props: &LoadedProps) -> Html {
    let loaded = props.loaded.clone();
    let state = use_reducer(move || {
        let mut device = Device::restore::<BrowserJson>(loaded, device_store(), now_ms());
        // The static first screen (web::browser::shell), if on show, gives way to this one, which opens
        // on the screen the person went to there (only a fresh device has one).
        if let Some(screen) =
            super::browser::shell::take_over().filter(|s| *s != Screen::Home && device.participant().is_none())
        {
            device.apply::<BrowserJson>(Action::Go(screen));
        }
        device
    });
    use_effect_with((), |_| super::browser::shell::restore_focus());
    let lang = state.prefs.lang;
    {
        // Keep the document's language and text size in step with the preferences.
        let prefs = state.prefs;
        use_effect_with(prefs, move |prefs| {
            if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
                let _ = root.set_attribute("lang", prefs.lang.pick("zh-CN", "en"));
                let classes = [(prefs.large_text, "large"), (prefs.older_reader, "older")];
                let class = classes.iter().filter(|(on, _)| *on).map(|(_, c)| *c).collect::<Vec<_>>().join(" ");
                let _ = root.set_attribute("class", &class);
            }
        });
    }
    {
        // The default bank's explanations, which the page leaves out of its copy to be
        // quicker to open: fetched once the app runs, again every 15 s while offline.
        let state = state.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                loop {
                    match load_explanations("./").await {
                        Ok(Some(found)) => break state.dispatch(Action::Explained(Rc::new(found))),
                        Ok(None) => break,
                        Err(_) => gloo_timers::future::TimeoutFuture::new(15_000).await,
                    }
                }
            });
        });
    }
    {
        // Two tabs on one device: follow what the other tab writes.
        let state = state.clone();
        use_effect_with((), move |_| {
            let listener = super::browser::storage::on_storage(move |key| {
                if key.starts_with(crate::core::storage::persist::KEY_PREFIX) {
                    state.dispatch(Action::StorageChanged(now_ms()));
                }
            });
            move || drop(listener)
        });
    }
    // Finished attempts also go to the contest's results collector, when it names one.
    let outbox = super::browser::outbox::use_outbox(&state);
    let toggle_lang = {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(Action::SetLang(if lang == Lang::Zh { Lang::En } else { Lang::Zh })))
    };
    let toggle = |pref: Pref| {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(Action::Toggle(pref)))
    };
    let page = match state.screen {
        Screen::Home => html! { <Home state={state.clone()} /> },
        Screen::Register => html! { <RegisterPage state={state.clone()} /> },
        Screen::Round => html! { <RoundPage state={state.clone()} /> },
        Screen::Result => html! { <ResultPage state={state.clone()} /> },
        Screen::PracticePick => html! { <PracticePick state={state.clone()} /> },
    };
    let announcement = match (&state.last, state.screen) {
        (Some(a), Screen::Result) => super::pages::result_announcement(a, lang),
        _ => String::new(),
    };
    html! {
        <>
            <header class="topbar">
                <span class="brand">{ lang.pick("科普答题", "Science Quiz") }</span>
                <button class="chip" data-testid="large-text" aria-pressed={state.prefs.large_text.to_string()} onclick={toggle(Pref::LargeText)}>
                    { lang.pick("大字", "Large text") }
                </button>
                <button class="chip" data-testid="older-reader" aria-pressed={state.prefs.older_reader.to_string()} onclick={toggle(Pref::OlderReader)}>
                    { lang.pick("长辈模式", "Easy reading") }
                </button>
                <button class="chip" data-testid="lang" lang={lang.pick("en", "zh-CN")} onclick={toggle_lang}>
                    { lang.pick("English", "中文") }
                </button>
            </header>
            // On the page from the start, so what it is given to say is announced.
            <p class="visually-hidden" aria-live="polite" data-testid="announce">{ announcement }</p>
            if let Some(n) = &state.notice {
                <p class="notice" data-testid="error" role="alert">{ n.get(lang) }</p>
            }
            <ContextProvider<Option<super::browser::outbox::OutboxView>> context={outbox}>{ page }</ContextProvider<Option<super::browser::outbox::OutboxView>>>
        </>
    }
}
