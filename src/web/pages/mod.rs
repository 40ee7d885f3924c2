//! One component per screen; each turns taps into `Action`s and draws the `Device` (`core::device`).

mod home;
mod practice;
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

use super::loader::load_regions;
use crate::core::device::{Action, Device};

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
        let lang = state.prefs.lang;
        let missing = missing.clone();
        if *no_table || missing.is_some() {
            wasm_bindgen_futures::spawn_local(async move {
                let action = match missing {
                    None => load_regions(REGION_INDEX, "./", lang).await.map(|t| Action::RegionsLoaded(Rc::new(t))),
                    Some(file) => load_regions(&format!("questions/regions/{file}"), "./", lang)
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
