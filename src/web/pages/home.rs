//! Home: the contest, its rules in plain words, who is answering, and the way in.

use yew::prelude::*;

use crate::core::machines::device::{Action, Screen};
use crate::core::model::clock::format_shanghai;
use crate::core::model::contest::Window;
use crate::core::Lang;
use crate::web::{fresh_seed, now_ms};

use super::PageProps;

#[component]
pub fn Home(props: &PageProps) -> Html {
    let state = &props.state;
    let lang = state.prefs.lang;
    let contest = &state.loaded.contest;
    let rules = &contest.rules;
    // Drawn again at the next moment its state changes (the start, the end, midnight for the
    // attempts left), so a page left open never shows a stale state.
    let redraws = use_state(|| 0u32);
    let now = now_ms();
    let next_change = contest.next_change(now);
    {
        let redraws = redraws.clone();
        use_effect_with((next_change, *redraws), move |(next, _)| {
            // Checked again at least hourly: a phone that slept may fire its timer late.
            let timer = next.map(|at| {
                let wait = (at - now_ms()).clamp(0, 3_600_000) as u32 + 20;
                gloo_timers::callback::Timeout::new(wait, move || redraws.set(*redraws + 1))
            });
            move || drop(timer)
        });
    }
    // Under the open stage's rules, when the contest has stages.
    let running = contest.running(now);
    let window = contest.window(now);
    let stages = contest.stage_lines(now, lang);
    let participant = state.participant().cloned();
    // The participant's region by name (a province's small county file at most).
    let region = participant.as_ref().and_then(|p| p.region.clone());
    super::use_regions(state, region.clone(), if region.is_some() { 3 } else { 0 });
    let dispatch = |action: fn() -> Action| {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(action()))
    };
    let start = {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(Action::StartRound { now: now_ms(), seed: fresh_seed() }))
    };
    let (status_class, status) = match window {
        Window::NotYet => ("status soon", lang.pick("尚未开始", "Not started yet")),
        Window::Open => ("status open", lang.pick("进行中", "Open now")),
        Window::Closed => ("status closed", lang.pick("已结束", "Closed")),
    };
    let left = participant.as_ref().and_then(|p| state.ledger.attempts_left(&running, &p.id, now));
    let standings = state.ledger.standings_in(running.rules.score_policy, running.stage_id());
    let region_name = |code: &Option<String>| -> String {
        match (code, &state.regions) {
            (Some(c), Some(t)) => format!("（{}）", t.full_name(c)),
            _ => String::new(),
        }
    };
    html! {
        <main class="page home">
            <section class="card hero">
                <h1 data-testid="contest-title">{ rules.title.clone() }</h1>
                if !rules.organizer.is_empty() {
                    <p class="organizer">{ lang.pick("主办：", "Organizer: ") }{ rules.organizer.clone() }</p>
                }
                <p><span class={status_class} data-testid="contest-status" data-starts={contest.starts_ms.to_string()} data-ends={contest.ends_ms.to_string()}>{ status }</span>
                    <span class="dates">{ format!(" {} — {}", format_shanghai(contest.starts_ms), format_shanghai(contest.last_moment())) }</span></p>
                if let Some((open, next)) = stages {
                    <p class="stage" data-testid="stage-open" data-stage={running.stage_id().unwrap_or_default().to_string()}>{ open }</p>
                    if let Some(next) = next {
                        <p class="stage" data-testid="stage-next">{ next }</p>
                    }
                }
            </section>
            <section class="card who">
                if let Some(p) = &participant {
                    <p class="participant" data-testid="participant">
                        { lang.pick("答题人：", "Answering: ") }<strong>{ p.name.clone() }</strong>
                        { region_name(&p.region) }
                    </p>
                    if let Some(n) = left {
                        <p class="left" data-testid="attempts-left">{ match lang {
                            Lang::Zh => format!("今天还可答 {n} 次"),
                            Lang::En => format!("{n} attempt(s) left today"),
                        } }</p>
                    }
                } else {
                    <p>{ lang.pick("第一次参加？先填写姓名和地区。", "First time? Enter your name and region first.") }</p>
                }
                <button class="primary big" data-testid="start-round" onclick={start} disabled={window != Window::Open || running.between_stages()}>
                    { lang.pick("开始答题", "Start the quiz") }
                </button>
                <button class="secondary big" data-testid="start-practice" onclick={dispatch(|| Action::Go(Screen::PracticePick))}>
                    { lang.pick("练习（不计成绩）", "Practice (not scored)") }
                </button>
                if participant.is_some() {
                    <button class="link" data-testid="next-participant" onclick={dispatch(|| Action::NextParticipant)}>
                        { lang.pick("换下一位答题", "Next person") }
                    </button>
                }
                <OtherPeople state={state.clone()} />
            </section>
            <section class="card rules">
                <h2>{ lang.pick("竞赛规则", "Rules") }</h2>
                <ul>{ for running.describe(lang).into_iter().map(|l| html! { <li>{ l }</li> }) }</ul>
            </section>
            if !standings.is_empty() {
                <section class="card board">
                    <h2>{ lang.pick("本机排行榜", "Leaderboard on this device") }{ running.stage.map(|i| format!(" · {}", rules.stages[i].title(lang))).unwrap_or_default() }</h2>
                    <ol data-testid="leaderboard">
                        { for standings.iter().take(10).map(|s| html! {
                            <li>
                                <span class="name">{ s.name.clone() }</span>
                                <span class="score">{ match lang {
                                    Lang::Zh => format!("{} 分 · {} 秒", s.score, s.time_used_ms / 1000),
                                    Lang::En => format!("{} pts · {} s", s.score, s.time_used_ms / 1000),
                                } }</span>
                            </li>
                        }) }
                    </ol>
                </section>
            }
            <p class="footer">
                <a data-testid="organizer-entry" href={format!("organizer/{}", web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default())}>
                    { lang.pick("主办方管理入口", "Organizer area") }
                </a>
            </p>
        </main>
    }
}

/// Others registered on this device, to switch to without typing again.
#[component]
fn OtherPeople(props: &PageProps) -> Html {
    let state = &props.state;
    let lang = state.prefs.lang;
    let current = state.roster.current.clone();
    let others: Vec<_> = state.roster.people.iter().filter(|p| Some(&p.id) != current.as_ref()).cloned().collect();
    if others.is_empty() {
        return html! {};
    }
    html! {
        <details class="others">
            <summary>{ lang.pick("本机其他答题人", "Others on this device") }</summary>
            { for others.into_iter().map(|p| {
                // Namesakes on one device are told apart by when they last played.
                let last = state.ledger.last_finished(&p.id).map(|t| match lang {
                    Lang::Zh => format!("（上次答题 {}）", format_shanghai(t)),
                    Lang::En => format!(" (last played {})", format_shanghai(t)),
                });
                let state = state.clone();
                let id = p.id.clone();
                html! {
                    <button class="secondary" onclick={Callback::from(move |_| state.dispatch(Action::Select(id.clone())))}>
                        { p.name.clone() }{ last.unwrap_or_default() }
                    </button>
                }
            }) }
        </details>
    }
}
