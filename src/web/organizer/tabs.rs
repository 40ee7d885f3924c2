//! The desk's navigation as real tabs (WAI-ARIA tabs pattern): one tab stop for the list, the
//! arrow keys, Home and End move between tabs, each tab names the panel it controls.

use yew::prelude::*;

use super::{DeskAction, DeskProps, Tab};

/// Id of the one tab panel; every tab controls it.
pub const PANEL_ID: &str = "desk-panel";

impl Tab {
    /// The tabs in the order they are shown.
    pub const ALL: [Tab; 5] = [Tab::Stats, Tab::Banks, Tab::Rules, Tab::Data, Tab::Live];

    /// The tab a key moves to from this one (wrapping at either end), if the key moves at all.
    /// Left/Up and Right/Down both work, as the list is a row on a phone and a column at a desk.
    pub fn moved_by(self, key: &str) -> Option<Tab> {
        let i = Tab::ALL.iter().position(|t| *t == self).unwrap_or(0);
        let n = Tab::ALL.len();
        match key {
            "ArrowRight" | "ArrowDown" => Some(Tab::ALL[(i + 1) % n]),
            "ArrowLeft" | "ArrowUp" => Some(Tab::ALL[(i + n - 1) % n]),
            "Home" => Some(Tab::ALL[0]),
            "End" => Some(Tab::ALL[n - 1]),
            _ => None,
        }
    }

    /// The tab's `data-testid`, also its element id.
    pub fn testid(self) -> &'static str {
        match self {
            Tab::Stats => "tab-stats",
            Tab::Banks => "tab-banks",
            Tab::Rules => "tab-rules",
            Tab::Data => "tab-data",
            Tab::Live => "tab-live",
        }
    }

    fn label(self) -> (&'static str, &'static str) {
        match self {
            Tab::Stats => ("统计", "Statistics"),
            Tab::Banks => ("题库", "Banks"),
            Tab::Rules => ("规则", "Rules"),
            Tab::Data => ("导出与合并", "Export & merge"),
            Tab::Live => ("实时", "Live"),
        }
    }
}

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
                let (zh, en) = t.label();
                let desk = desk.clone();
                html! {
                    <button role="tab" id={t.testid()} data-testid={t.testid()} aria-selected={current.to_string()}
                        aria-controls={PANEL_ID} tabindex={if current { "0" } else { "-1" }}
                        class={if current { "tab current" } else { "tab" }}
                        onclick={Callback::from(move |_| desk.dispatch(DeskAction::Tab(t)))}>{ lang.pick(zh, en) }</button>
                }
            }) }
        </div>
    }
}
