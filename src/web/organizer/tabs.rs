//! The desk's navigation as real tabs (WAI-ARIA tabs pattern): one tab stop for the list, the
//! arrow keys, Home and End move between tabs, each tab names the panel it controls.

use yew::prelude::*;

use super::{DeskAction, DeskProps, Tab};

/// Id of the one tab panel; every tab controls it.
pub const PANEL_ID: &str = "desk-panel";

/// The tab list. Only the current tab is in the Tab order; the arrow keys choose and focus
/// another (automatic activation: a panel shows as soon as its tab has focus).
#[component]
pub fn TabBar(props: &DeskProps) -> Html {
    let desk = &props.desk;
    let lang = desk.lang;
    let onkeydown = {
        let desk = desk.clone();
        Callback::from(move |e: KeyboardEvent| {
            let Some(next) = desk.tab.moved_by(&e.key()) else { return };
            e.prevent_default();
            desk.dispatch(DeskAction::Tab(next));
            if let Some(el) =
                web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(next.testid()))
            {
                let _ = wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlElement>(el).focus();
            }
        })
    };
    html! {
        <div class="tabs" role="tablist" aria-label={lang.pick("管理功能", "Organizer sections")} {onkeydown}>
            { for Tab::ALL.iter().map(|&t| {
                let current = desk.tab == t;
                let desk = desk.clone();
                html! {
                    <button role="tab" id={t.testid()} data-testid={t.testid()} aria-selected={current.to_string()}
                        aria-controls={PANEL_ID} tabindex={if current { "0" } else { "-1" }}
                        class={if current { "tab current" } else { "tab" }}
                        onclick={Callback::from(move |_| desk.dispatch(DeskAction::Tab(t)))}>{ t.label(lang) }</button>
                }
            }) }
        </div>
    }
}
