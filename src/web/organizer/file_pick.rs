//! A file input as a button labelled in the page's language, showing the chosen file's name
//! (the browser's own control says "Choose File" in the browser's language).

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::core::Lang;

#[derive(Properties, PartialEq)]
pub struct FilePickProps {
    /// The input's id and `data-testid`.
    pub id: AttrValue,
    /// What the files are for, shown above the button.
    pub label: AttrValue,
    pub accept: AttrValue,
    #[prop_or_default]
    pub multiple: bool,
    pub lang: Lang,
    pub onchange: Callback<Event>,
}

#[component]
pub fn FilePick(props: &FilePickProps) -> Html {
    let lang = props.lang;
    let chosen = use_state(|| None::<String>);
    let onchange = {
        let (chosen, outer) = (chosen.clone(), props.onchange.clone());
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let names: Vec<String> = match input.files() {
                Some(list) => (0..list.length()).filter_map(|i| list.get(i)).map(|f| f.name()).collect(),
                None => Vec::new(),
            };
            chosen.set((!names.is_empty()).then(|| names.join("、")));
            outer.emit(e);
        })
    };
    let button = if props.multiple {
        lang.pick("选择文件（可多选）", "Choose files")
    } else {
        lang.pick("选择文件", "Choose a file")
    };
    html! {
        <div class="file-pick">
            <span class="file-label">{ props.label.clone() }</span>
            // The label is the visible button; the input stays in the Tab order and the
            // accessibility tree (visually hidden, not display:none), named by the label.
            <label class="file-button">
                <input type="file" class="visually-hidden" id={props.id.clone()} data-testid={props.id.clone()}
                    accept={props.accept.clone()} multiple={props.multiple} {onchange}
                    aria-describedby={format!("{}-name", props.id)} />
                <span aria-hidden="true">{ button }</span>
                <span class="visually-hidden">{ format!("{} {}", props.label, button) }</span>
            </label>
            <span class="file-name" id={format!("{}-name", props.id)} data-testid={format!("{}-name", props.id)}>
                { chosen.as_deref().unwrap_or(lang.pick("未选择文件", "No file chosen")).to_string() }
            </span>
        </div>
    }
}
