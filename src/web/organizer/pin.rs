//! The PIN that guards the organizer's workspace: set on the first visit, asked for after, and
//! a reset that clears every organizer setting on the device (never results).

use yew::prelude::*;

use super::{DeskAction, DeskProps};
use crate::core::storage::organizer::PinHash;
use crate::core::Notice;
use crate::web::fresh_seed;

#[component]
pub fn PinGate(props: &DeskProps) -> Html {
    let desk = &props.desk;
    let lang = desk.lang;
    let input = use_node_ref();
    let forgot = use_state(|| false);
    let first = desk.pin.is_none();
    let onsubmit = {
        let (desk, input) = (desk.clone(), input.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let pin = input.cast::<web_sys::HtmlInputElement>().map(|i| i.value()).unwrap_or_default();
            match &desk.pin {
                None => match PinHash::set(&pin, fresh_seed()) {
                    Ok(h) => desk.dispatch(DeskAction::SetPin(h)),
                    Err(p) => desk.dispatch(DeskAction::Notice(Notice::of(&p))),
                },
                Some(h) => match h.check(&pin, fresh_seed()) {
                    Ok(None) => desk.dispatch(DeskAction::Unlock),
                    // Right, but stored the old way: keep it with PBKDF2 from now on.
                    Ok(Some(upgraded)) => desk.dispatch(DeskAction::SetPin(upgraded)),
                    Err(p) => desk.dispatch(DeskAction::Notice(Notice::of(&p))),
                },
            }
        })
    };
    let reset = {
        let desk = desk.clone();
        Callback::from(move |_| desk.dispatch(DeskAction::ResetOrganizer))
    };
    html! {
        <form class="card" {onsubmit}>
            <h1>{ if first { lang.pick("设置管理密码", "Set an organizer PIN") } else { lang.pick("输入管理密码", "Enter the organizer PIN") } }</h1>
            if first {
                <p>{ lang.pick("第一次进入管理区，请设置至少 4 位数字的密码。密码只以加盐散列保存在本机。",
                    "First visit: choose a PIN of at least 4 digits. Only a salted hash of it is kept on this device.") }</p>
            }
            <label for="pin">{ lang.pick("密码", "PIN") }
                <input id="pin" data-testid="pin-input" ref={input} type="password" inputmode="numeric" autocomplete="off" />
            </label>
            <button class="primary big" type="submit" data-testid="pin-submit">{ if first { lang.pick("设置并进入", "Set and enter") } else { lang.pick("进入", "Enter") } }</button>
            if !first {
                <button class="link" type="button" onclick={let forgot = forgot.clone(); Callback::from(move |_| forgot.set(!*forgot))}>{ lang.pick("忘记密码？", "Forgot the PIN?") }</button>
                if *forgot {
                    <div class="card warn">
                        <p>{ lang.pick("重设密码会清除本机所有的管理设置：保存的题库，以及各竞赛改用的题库和改过的规则，竞赛恢复按竞赛文件进行。参赛者的成绩记录不会被删除。",
                            "Resetting the PIN clears every organizer setting on this device: the saved banks, and every contest's chosen bank and edited rules; contests run by their packages again. Participants' results are never deleted.") }</p>
                        <button class="secondary" type="button" data-testid="pin-reset" onclick={reset}>{ lang.pick("清除管理设置并重设密码", "Clear organizer settings and reset the PIN") }</button>
                    </div>
                }
            }
        </form>
    }
}
