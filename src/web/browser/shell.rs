//! Taking over the static first screen (`shell/shell.js`, put into index.html by
//! scripts/shell.mjs): the home screen and registration form as this app drew them at build
//! time, which work before the WebAssembly has started. When the contest is ready the app
//! reads the screen the person is on, what they typed and chose, whether they already sent the
//! form and where the focus is, draws the same screen, and removes the static one.

use std::cell::RefCell;

use wasm_bindgen::JsCast;

use crate::core::machines::device::Screen;

/// What was typed and chosen on the static registration form.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ShellForm {
    pub name: String,
    pub phone: String,
    /// Only the province can be chosen there (the lists below it come with the app).
    pub province: Option<String>,
    pub crowd: Option<String>,
    /// The form was sent before the app ran: the app sends it once it can check it.
    pub sent: bool,
}

thread_local! {
    static FORM: RefCell<Option<ShellForm>> = const { RefCell::new(None) };
    static FOCUS: RefCell<Option<Focus>> = const { RefCell::new(None) };
}

/// The element that had the focus on the static screen, by id, with the caret of a text field.
struct Focus {
    id: String,
    caret: Option<(u32, u32)>,
}

fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}

/// The static screen, when it is the one on show (shell.js removes it where it is not used).
fn shell() -> Option<web_sys::HtmlElement> {
    let shell = document()?.get_element_by_id("kepu-shell")?.dyn_into::<web_sys::HtmlElement>().ok()?;
    (!shell.hidden()).then_some(shell)
}

/// Takes over the static screen, if on show: reads the screen the person is on (returned), what
/// they typed (for the registration page, [`take_form`]) and where the focus is
/// ([`restore_focus`]), then removes it and shows the app's. Called as the app draws its first
/// screen, before that is put into the page (so the two never show together).
pub fn take_over() -> Option<Screen> {
    let screen = read();
    remove();
    screen
}

fn read() -> Option<Screen> {
    let shell = shell()?;
    let value = |id: &str| -> String {
        shell
            .query_selector(&format!("#{id}"))
            .ok()
            .flatten()
            .and_then(|e| js_sys::Reflect::get(&e, &"value".into()).ok())
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    };
    let chosen = |id: &str| Some(value(id)).filter(|v| !v.is_empty());
    let screen = match shell.get_attribute("data-screen").as_deref() {
        Some("register") => Screen::Register,
        Some("wait") => Screen::PracticePick,
        _ => Screen::Home,
    };
    let form = ShellForm {
        name: value("reg-name"),
        phone: value("reg-phone"),
        province: chosen("reg-region-1"),
        crowd: chosen("reg-crowd"),
        sent: shell.get_attribute("data-submit").is_some(),
    };
    let focus = document().and_then(|d| d.active_element()).filter(|e| shell.contains(Some(e))).map(|e| Focus {
        id: e.id(),
        caret: e
            .dyn_ref::<web_sys::HtmlInputElement>()
            .and_then(|i| Some((i.selection_start().ok()??, i.selection_end().ok()??))),
    });
    FORM.with(|f| *f.borrow_mut() = (screen == Screen::Register).then_some(form));
    FOCUS.with(|f| *f.borrow_mut() = focus.filter(|f| !f.id.is_empty()));
    Some(screen)
}

/// What was typed on the static form, for the registration page that takes it over (once).
pub fn take_form() -> Option<ShellForm> {
    FORM.with(|f| f.borrow_mut().take())
}

fn remove() {
    let Some(document) = document() else {
        return;
    };
    if let Some(shell) = document.get_element_by_id("kepu-shell") {
        shell.remove();
    }
    if let Some(app) = document.get_element_by_id("app").and_then(|a| a.dyn_into::<web_sys::HtmlElement>().ok()) {
        app.set_hidden(false);
    }
}

/// Puts the focus where it was on the static screen, once the app's screen is in the page.
pub fn restore_focus() {
    let (Some(document), Some(focus)) = (document(), FOCUS.with(|f| f.borrow_mut().take())) else {
        return;
    };
    let Some(element) = document.get_element_by_id(&focus.id) else {
        return;
    };
    if let Some(e) = element.dyn_ref::<web_sys::HtmlElement>() {
        let _ = e.focus();
    }
    if let (Some(input), Some((start, end))) = (element.dyn_ref::<web_sys::HtmlInputElement>(), focus.caret) {
        let _ = input.set_selection_range(start, end);
    }
}
