//! Registration: name, phone (per the rules), region as cascading selects, crowd group.

use crate::core::Message;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::core::machines::device::{Action, Screen};
use crate::core::model::clock::format_shanghai;
use crate::core::model::contest::PhoneField;
use crate::core::model::participant::{
    check_form, earlier_build_id, Field, FormProblem, Known, Participant, Registrant, RegistrationForm, CROWD_CHOICES,
};
use crate::core::model::region::ancestor;
use crate::core::Lang;

use super::PageProps;

#[component]
pub fn RegisterPage(props: &PageProps) -> Html {
    let state = &props.state;
    let lang = state.prefs.lang;
    let reg = state.loaded.contest.rules.registration.clone();
    let name = use_node_ref();
    let phone = use_node_ref();
    let form_ref = use_node_ref();
    // What was typed on the static form of index.html before the app ran (web::browser::shell).
    let typed = use_state(|| crate::web::browser::shell::take_form().unwrap_or_default());
    // Chosen codes per level: province, city, county. A scope fixes the top levels.
    let scope = reg.region_scope.clone();
    let province = typed.province.clone();
    let chosen = use_state(move || {
        let mut c: [Option<String>; 3] = [province, None, None];
        if let Some(s) = &scope {
            c[0] = ancestor(s, 1);
            if crate::core::model::region::level(s) == 2 {
                c[1] = Some(s.clone());
            }
        }
        c
    });
    let typed_crowd = typed.crowd.clone();
    let crowd = use_state(move || typed_crowd);
    let problems = use_state(Vec::<FormProblem>::new);
    // A registration whose name and region match people already here, and their ids.
    let asking = use_state(|| None::<(Participant, Vec<String>)>);
    // The person key takes its 100,000 PBKDF2 rounds (up to a second on a slow phone): the
    // form says so first, then works it out in a task of its own.
    let busy = use_state(|| false);
    super::use_regions(state, chosen[0].clone(), reg.region_depth);
    {
        // What was typed there goes into the fields once (a `value` here would be set again
        // on every redraw, wiping what is typed after), unless typing went on here already.
        let (name, phone, typed) = (name.clone(), phone.clone(), typed.clone());
        use_effect_with((), move |_| {
            for (field, text) in [(name, &typed.name), (phone, &typed.phone)] {
                if let Some(input) =
                    field.cast::<HtmlInputElement>().filter(|i| !text.is_empty() && i.value().is_empty())
                {
                    input.set_value(text);
                }
            }
        });
    }
    {
        // Sent on the static form before the app ran: sent now, once the regions can be checked.
        let (form_ref, unsent) = (form_ref.clone(), use_mut_ref(|| typed.sent));
        use_effect_with(reg.region_depth == 0 || state.regions.is_some(), move |ready| {
            if *ready && std::mem::take(&mut *unsent.borrow_mut()) {
                if let Some(form) = form_ref.cast::<web_sys::HtmlFormElement>() {
                    let _ = form.request_submit();
                }
            }
        });
    }
    let onsubmit = {
        let state = state.clone();
        let (name, phone, chosen, crowd, problems, asking, busy) = (
            name.clone(),
            phone.clone(),
            chosen.clone(),
            crowd.clone(),
            problems.clone(),
            asking.clone(),
            busy.clone(),
        );
        let reg = reg.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let form = RegistrationForm {
                name: name.cast::<HtmlInputElement>().map(|i| i.value()).unwrap_or_default(),
                phone: phone.cast::<HtmlInputElement>().map(|i| i.value()).unwrap_or_default(),
                region: chosen.iter().rev().flatten().next().cloned(),
                crowd: (*crowd).clone(),
            };
            // Problems are shown at once; only the person key of someone with a phone waits.
            let registrant = match check_form(&reg, state.regions.as_deref(), &form, crate::web::nfkc) {
                Ok(r) => r,
                Err(p) => return problems.set(p),
            };
            problems.set(Vec::new());
            let (state, asking, busy_done) = (state.clone(), asking.clone(), busy.clone());
            let finish = move |registrant: Registrant| {
                busy_done.set(false);
                let p = registrant.identify(crate::web::random_u64());
                match state.roster.recognise(&p, earlier_build_id(&form).as_deref()) {
                    Known::Same(id) => state.dispatch(Action::Continue(id)),
                    Known::New => state.dispatch(Action::Register(p)),
                    Known::Namesakes(ids) => asking.set(Some((p, ids))),
                }
            };
            if registrant.has_phone() {
                busy.set(true);
                // 50 ms: time for a frame, so 正在登记… is on screen while the key is worked out.
                gloo_timers::callback::Timeout::new(50, move || finish(registrant)).forget();
            } else {
                finish(registrant);
            }
        })
    };
    let errors_for = |field: Field| -> Html {
        html! { <>{ for problems.iter().filter(|p| p.field() == field).map(|p| html! {
            <p class="field-error" data-testid="error" role="alert">{ p.message(lang) }</p>
        }) }</> }
    };
    let region_selects = match (&state.regions, reg.region_depth) {
        (_, 0) => html! {},
        (None, _) => html! { <p class="loading" role="status">{ lang.pick("正在加载地区…", "Loading regions…") }</p> },
        (Some(table), depth) => {
            let labels = [lang.pick("省份", "Province"), lang.pick("城市", "City"), lang.pick("区县", "County")];
            html! {
                <fieldset class="regions">
                    <legend>{ lang.pick("所在地区", "Region") }</legend>
                    { for (0..usize::from(depth)).map(|level| {
                        let parent = if level == 0 { None } else { chosen[level - 1].clone() };
                        if level > 0 && parent.is_none() {
                            return html! {};
                        }
                        if level == 2 && parent.as_deref().and_then(|p| table.missing_counties(p)).is_some() {
                            return html! { <p class="loading" role="status">{ lang.pick("正在加载区县…", "Loading counties…") }</p> };
                        }
                        let options = table.children(parent.as_deref());
                        if options.is_empty() {
                            return html! {};
                        }
                        let fixed = level < 2 && scope_fixes(&reg.region_scope, level);
                        let onchange = {
                            let chosen = chosen.clone();
                            Callback::from(move |e: Event| {
                                let value = e.target_unchecked_into::<HtmlSelectElement>().value();
                                let mut c = (*chosen).clone();
                                c[level] = (!value.is_empty()).then_some(value);
                                for deeper in c.iter_mut().skip(level + 1) {
                                    *deeper = None;
                                }
                                chosen.set(c);
                            })
                        };
                        let id = format!("reg-region-{}", level + 1);
                        let current = chosen[level].clone().unwrap_or_default();
                        html! {
                            <label for={id.clone()}>{ labels[level] }
                                <select id={id.clone()} data-testid={id} {onchange} disabled={fixed}>
                                    <option value="" selected={current.is_empty()}>{ lang.pick("请选择", "Choose") }</option>
                                    { for options.into_iter().map(|(code, name)| html! {
                                        <option value={code.to_string()} selected={current == code}>{ name.to_string() }</option>
                                    }) }
                                </select>
                            </label>
                        }
                    }) }
                    { errors_for(Field::Region) }
                </fieldset>
            }
        }
    };
    let on_crowd = {
        let crowd = crowd.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            crowd.set((!v.is_empty()).then_some(v));
        })
    };
    let back = {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(Action::Go(Screen::Home)))
    };
    if let Some((candidate, ids)) = &*asking {
        return namesake_prompt(state, &asking, candidate, ids);
    }
    html! {
        <main class="page register">
            <form class="card" ref={form_ref} {onsubmit} novalidate=true>
                <h1>{ lang.pick("填写参赛信息", "Your details") }</h1>
                <label for="reg-name">{ lang.pick("姓名或昵称", "Name or nickname") }
                    <input id="reg-name" data-testid="reg-name" ref={name} type="text" autocomplete="name" maxlength="40" />
                </label>
                { errors_for(Field::Name) }
                if reg.phone != PhoneField::Off {
                    <label for="reg-phone">
                        { if reg.phone == PhoneField::Required { lang.pick("手机号", "Mobile number") } else { lang.pick("手机号（选填）", "Mobile number (optional)") } }
                        <input id="reg-phone" data-testid="reg-phone" ref={phone} type="tel" inputmode="numeric" autocomplete="tel" maxlength="20" />
                    </label>
                    { errors_for(Field::Phone) }
                }
                { region_selects }
                if reg.crowd {
                    <label for="reg-crowd">{ lang.pick("人群类别", "Group") }
                        <select id="reg-crowd" data-testid="reg-crowd" onchange={on_crowd}>
                            <option value="" selected={crowd.is_none()}>{ lang.pick("请选择", "Choose") }</option>
                            { for CROWD_CHOICES.iter().map(|c| html! {
                                <option value={*c} selected={crowd.as_deref() == Some(*c)}>{ crowd_label(c, lang) }</option>
                            }) }
                        </select>
                    </label>
                    { errors_for(Field::Crowd) }
                }
                <p class="privacy">{ lang.pick("信息只保存在本机，用于统计参赛人数。手机号不会保存，连部分数字也不保存：只保存由姓名、手机号和地区算出的编号，用来把您在不同设备上的答题算作一人。",
                    "Your details stay on this device and are used to count participants. Your phone number is not kept, not even in part: only a code computed from your name, number and region, so that your attempts on different devices count as one person.") }</p>
                <button class="primary big" type="submit" data-testid="reg-submit" aria-busy={busy.to_string()} data-busy={lang.pick("正在登记…", "Registering…")}>
                    { if *busy { lang.pick("正在登记…", "Registering…") } else { lang.pick("确定", "Continue") } }
                </button>
                <button class="link" type="button" onclick={back}>{ lang.pick("返回", "Back") }</button>
            </form>
        </main>
    }
}

/// 是同一个人吗？ Someone of the same name and region is already on this device: yes takes
/// their identity (and their attempts today), no makes a new one.
fn namesake_prompt(
    state: &yew::UseReducerHandle<crate::core::machines::device::Device>,
    asking: &UseStateHandle<Option<(Participant, Vec<String>)>>,
    candidate: &Participant,
    ids: &[String],
) -> Html {
    let lang = state.prefs.lang;
    let same = |id: &str| {
        let (state, id) = (state.clone(), id.to_string());
        Callback::from(move |_| state.dispatch(Action::Continue(id.clone())))
    };
    let new = {
        let (state, candidate) = (state.clone(), candidate.clone());
        Callback::from(move |_| state.dispatch(Action::Register(candidate.clone())))
    };
    let back = {
        let asking = asking.clone();
        Callback::from(move |_| asking.set(None))
    };
    html! {
        <main class="page register">
            <section class="card" data-testid="namesake" role="alertdialog" aria-labelledby="namesake-title">
                <h1 id="namesake-title">{ match lang {
                    Lang::Zh => format!("本机已有同名、同地区的参赛者“{}”。是同一个人吗？", candidate.name),
                    Lang::En => format!("Someone named “{}” from the same region is already on this device. Is it the same person?", candidate.name),
                } }</h1>
                { for ids.iter().filter_map(|id| state.roster.get(id)).map(|p| {
                    let last = state.ledger.last_finished(&p.id).map(format_shanghai);
                    let crowd = p.crowd.as_deref().map(|c| crowd_label(c, lang).to_string());
                    let about = [crowd, Some(match (&last, lang) {
                        (Some(t), Lang::Zh) => format!("上次答题 {t}"),
                        (Some(t), Lang::En) => format!("last played {t}"),
                        (None, _) => lang.pick("本竞赛还没有答过题", "not played in this contest yet").to_string(),
                    })];
                    let about: Vec<String> = about.into_iter().flatten().collect();
                    html! {
                        <button class="primary big" data-testid="namesake-same" onclick={same(&p.id)}>
                            { match lang { Lang::Zh => "是，就是这位", Lang::En => "Yes, this one" } }
                            <small>{ format!(" {}（{}）", p.name, about.join("，")) }</small>
                        </button>
                    }
                }) }
                <button class="secondary big" data-testid="namesake-new" onclick={new}>{ lang.pick("不是，是另一个人", "No, someone else") }</button>
                <p class="hint">{ lang.pick("选“是”会沿用这位参赛者的记录（包括今天已用的答题次数）；选“不是”则作为新的参赛者登记。",
                    "Yes continues that person's record (today's attempts included); no registers a new participant.") }</p>
                <button class="link" type="button" onclick={back}>{ lang.pick("返回修改", "Back to the form") }</button>
            </section>
        </main>
    }
}

fn scope_fixes(scope: &Option<String>, level: usize) -> bool {
    match scope {
        None => false,
        Some(s) => level < usize::from(crate::core::model::region::level(s)),
    }
}

fn crowd_label(c: &str, lang: Lang) -> &str {
    match lang {
        Lang::Zh => c,
        Lang::En => match c {
            "青少年" => "Young people",
            "农民" => "Farmers",
            "产业工人" => "Industrial workers",
            "老年人" => "Older people",
            "领导干部和公务员" => "Officials and civil servants",
            _ => "Other",
        },
    }
}
