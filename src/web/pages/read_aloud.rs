//! The 朗读 (read aloud) button: reads its texts in zh-CN, or says plainly that this phone
//! cannot read aloud.

use std::rc::Rc;

use yew::prelude::*;

use crate::core::Lang;
use crate::web::speech::{self, use_voice, Voice};

#[derive(Properties, PartialEq)]
pub struct ReadAloudProps {
    /// What to say, in order.
    pub parts: Rc<Vec<String>>,
    pub lang: Lang,
    /// The label, as (Chinese, English); 朗读 / Read aloud when none.
    #[prop_or(("朗读", "Read aloud"))]
    pub label: (&'static str, &'static str),
    /// Told when the device starts speaking, and when it has stopped.
    #[prop_or_default]
    pub on_start: Option<Callback<()>>,
    #[prop_or_default]
    pub on_end: Option<Callback<()>>,
    /// Read as soon as shown, and again whenever `parts` change (自动朗读).
    #[prop_or_default]
    pub auto: bool,
}

#[component]
pub fn ReadAloud(props: &ReadAloudProps) -> Html {
    let voice = use_voice();
    let speaking = use_state(|| false);
    let read = {
        let (parts, speaking) = (props.parts.clone(), speaking.clone());
        let (on_start, on_end) = (props.on_start.clone(), props.on_end.clone());
        Rc::new(move || {
            let started = {
                let (speaking, on_start) = (speaking.clone(), on_start.clone());
                Callback::from(move |()| {
                    speaking.set(true);
                    if let Some(cb) = &on_start {
                        cb.emit(());
                    }
                })
            };
            let ended = {
                let (speaking, on_end) = (speaking.clone(), on_end.clone());
                Callback::from(move |()| {
                    speaking.set(false);
                    if let Some(cb) = &on_end {
                        cb.emit(());
                    }
                })
            };
            speech::speak(&parts, Some(started), Some(ended));
        })
    };
    {
        // New texts (the next question) stop the reading of the old; with 自动朗读 they are read.
        let read = read.clone();
        let ready = voice == Voice::Chinese;
        use_effect_with((props.parts.clone(), props.auto && ready), move |(_, auto)| {
            if *auto {
                read();
            }
            move || speech::stop()
        });
    }
    let lang = props.lang;
    if voice == Voice::Missing {
        return html! {
            <button type="button" class="read-aloud secondary big" data-testid="read-aloud" disabled=true>
                { lang.pick("这部手机不能朗读（没有中文语音）", "This phone cannot read aloud (no Chinese voice)") }
            </button>
        };
    }
    let onclick = {
        let speaking = *speaking;
        Callback::from(move |_| if speaking { speech::stop() } else { read() })
    };
    let (zh, en) = props.label;
    html! {
        <button type="button" class="read-aloud secondary big" data-testid="read-aloud" aria-pressed={speaking.to_string()} {onclick}>
            { if *speaking { lang.pick("停止朗读", "Stop reading") } else { lang.pick(zh, en) } }
        </button>
    }
}
