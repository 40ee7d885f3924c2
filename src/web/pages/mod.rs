//! One component per screen; each turns taps into `Action`s and draws the `Device` (`core::machines::device`).

mod home;
mod practice;
mod read_aloud;
mod register;
mod result;
mod round;

pub use home::Home;
pub use practice::PracticePick;
pub use register::RegisterPage;
pub use result::ResultPage;
pub use round::RoundPage;

use std::rc::Rc;

use yew::prelude::*;

use super::browser::loader::load_regions;
use crate::core::machines::device::{Action, Device};
use crate::core::storage::loaded::Loaded;
use crate::core::Lang;

/// The citizen's region data, split by scripts/split-regions.mjs: provinces and cities here,
/// each province's counties in a file next to it.
const REGION_INDEX: &str = "questions/regions/index.json";

/// Loads the provinces and cities once, and the counties of the province of `code` when
/// `depth` (1 province, 2 city, 3 county; 0 none) goes that deep: a phone downloads only the
/// regions it shows.
#[hook]
pub fn use_regions(state: &UseReducerHandle<Device>, code: Option<String>, depth: u8) {
    let table = state.regions.clone();
    let missing = match (&table, &code) {
        (Some(t), Some(c)) if depth >= 3 => t.missing_counties(c),
        _ => None,
    };
    let state = state.clone();
    use_effect_with((depth > 0 && table.is_none(), missing), move |(no_table, missing)| {
        let missing = missing.clone();
        if *no_table || missing.is_some() {
            wasm_bindgen_futures::spawn_local(async move {
                let action = match missing {
                    None => load_regions(REGION_INDEX, "./").await.map(|t| Action::RegionsLoaded(Rc::new(t))),
                    Some(file) => load_regions(&format!("questions/regions/{file}"), "./")
                        .await
                        .map(|t| Action::CountiesLoaded { province: file[..2].to_string(), file: Rc::new(t) }),
                };
                state.dispatch(action.unwrap_or_else(Action::Notice));
            });
        }
    });
}

#[derive(Properties, PartialEq)]
pub struct PageProps {
    pub state: UseReducerHandle<Device>,
}

/// Props of a component that runs a loaded contest (compared by identity).
#[derive(Properties)]
pub struct LoadedProps {
    pub loaded: Rc<Loaded>,
}

impl PartialEq for LoadedProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.loaded, &o.loaded)
    }
}

/// The page shown when a contest cannot be opened: which file, and why.
pub fn load_error_view(file: &str, reason: &str, lang: Lang, home: &str) -> Html {
    html! {
        <main class="page">
            <section class="card load-error" data-testid="load-error" role="alert">
                <h1>{ lang.pick("无法打开竞赛", "Cannot open the contest") }</h1>
                <p>{ lang.pick("文件：", "File: ") }<code>{ file.to_string() }</code></p>
                <pre class="reason">{ reason.to_string() }</pre>
                <p>{ lang.pick("请检查链接是否正确，或联系主办方。", "Check the link, or contact the organizer.") }</p>
                <a class="button" href={home.to_string()}>{ lang.pick("打开默认竞赛", "Open the default contest") }</a>
            </section>
        </main>
    }
}

/// What the result screen announces to a screen reader when it opens.
pub fn result_announcement(a: &crate::core::play::ledger::Attempt, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!(
            "本轮成绩 {} 分（满分 {} 分），答对 {} 题，共 {} 题",
            a.score,
            a.max_score,
            a.correct,
            a.questions.len()
        ),
        Lang::En => format!(
            "Your result: {} of {} points, {} of {} questions right",
            a.score,
            a.max_score,
            a.correct,
            a.questions.len()
        ),
    }
}
