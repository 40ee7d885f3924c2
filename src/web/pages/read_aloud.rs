//! The 朗读 (read aloud) button: reads its texts in zh-CN, or says plainly that this phone
//! cannot read aloud. A plain function, not a component: the pages hold its state (a component
//! of its own cost the phone's download more than the feature's own code).

use yew::prelude::*;

use crate::core::Lang;
use crate::web::browser::speech::Voice;

/// The button for a device with `voice`: `label` (Chinese, English), or 停止朗读 while
/// `speaking`; on a phone that cannot read Chinese aloud, a disabled button that says so.
pub fn read_aloud_button(
    voice: Voice,
    lang: Lang,
    label: (&str, &str),
    speaking: bool,
    onclick: Callback<MouseEvent>,
) -> Html {
    if voice == Voice::Missing {
        return html! {
            <button type="button" class="read-aloud secondary big" data-testid="read-aloud" disabled=true>
                { lang.pick("这部手机不能朗读（没有中文语音）", "This phone cannot read aloud (no Chinese voice)") }
            </button>
        };
    }
    let text = if speaking { lang.pick("停止朗读", "Stop reading") } else { lang.pick(label.0, label.1) };
    html! {
        <button type="button" class="read-aloud secondary big" data-testid="read-aloud" aria-pressed={speaking.to_string()} {onclick}>
            { text.to_string() }
        </button>
    }
}
