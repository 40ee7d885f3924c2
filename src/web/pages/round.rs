//! One question per screen, with progress, countdown and big answer buttons.

use std::rc::Rc;

use crate::core::Message;
use gloo_timers::callback::Interval;
use yew::prelude::*;

use crate::core::machines::device::Action;
use crate::core::model::bank::letter;
use crate::core::storage::persist::Pref;
use crate::core::Lang;
use crate::web::browser::speech::{self, use_voice, Voice};
use crate::web::now_ms;

use super::read_aloud::read_aloud_button;
use super::PageProps;

/// The last seconds of a question's time that 长辈模式 counts down, on screen and aloud.
const COUNTDOWN_SECONDS: i64 = 5;

#[component]
pub fn RoundPage(props: &PageProps) -> Html {
    let state = &props.state;
    let lang = state.prefs.lang;
    let now = use_state(now_ms);
    let timed = state.round.as_ref().is_some_and(|r| r.per_question_ms.is_some() || r.round_ms.is_some());
    {
        // Redraw the countdown four times a second; the clock itself lives in the round.
        let now = now.clone();
        use_effect_with(timed, move |timed| {
            let interval = timed.then(|| Interval::new(250, move || now.set(now_ms())));
            move || drop(interval)
        });
    }
    // Hooks run on every render, in the same order (Yew's rule): none after the return below.
    // Each new question takes the focus on its heading, so a screen reader reads it out and
    // keyboard users go on from there (focus used to fall to <body>).
    let heading = use_node_ref();
    {
        let heading = heading.clone();
        let shown = state.round.as_ref().map(|r| (r.started_at, r.current));
        use_effect_with(shown, move |_| {
            if let Some(h) = heading.cast::<web_sys::HtmlElement>() {
                let _ = h.focus();
            }
        });
    }
    let remaining = state.round.as_ref().and_then(|r| r.remaining_ms(*now));
    let paused = state.round.as_ref().is_some_and(|r| r.is_paused(*now));
    let voice = use_voice();
    // Read aloud: the stem, then the choices as shown; the clock may stand still meanwhile.
    let speaking = use_state(|| false);
    let spoken = state.round.as_ref().and_then(|r| {
        let drawn = r.current_question();
        let q = state.loaded.bank.get(&drawn.qid)?;
        Some(Rc::new(q.spoken((0..drawn.order.len()).filter_map(|shown| drawn.bank_index(shown)))))
    });
    let read = {
        let (state, speaking) = (state.clone(), speaking.clone());
        let question = state.round.as_ref().map_or(0, |r| r.current);
        move |parts: &[String]| {
            let started = {
                let (state, speaking) = (state.clone(), speaking.clone());
                Callback::from(move |()| {
                    speaking.set(true);
                    state.dispatch(Action::ReadingStarted { question, now: now_ms() });
                })
            };
            let ended = {
                let (state, speaking) = (state.clone(), speaking.clone());
                Callback::from(move |()| {
                    speaking.set(false);
                    state.dispatch(Action::ReadingEnded(now_ms()));
                })
            };
            speech::speak(parts, Some(started), Some(ended));
        }
    };
    {
        // A new question stops the reading of the last; with 自动朗读 it is read as it appears.
        let read = read.clone();
        let auto = state.prefs.auto_read && voice == Voice::Chinese;
        use_effect_with((spoken.clone(), auto), move |(spoken, auto)| {
            if let Some(parts) = spoken.as_ref().filter(|_| *auto) {
                read(parts);
            }
            speech::stop
        });
    }
    // 长辈模式 counts the last seconds down; with 自动朗读 (and a voice) it says them too.
    let countdown = remaining
        .map(|ms| (ms + 999) / 1000)
        .filter(|s| state.prefs.older_reader && (1..=COUNTDOWN_SECONDS).contains(s));
    {
        let say = state.prefs.auto_read && voice == Voice::Chinese && !paused;
        use_effect_with((countdown, state.round.as_ref().map(|r| r.current)), move |(countdown, _)| {
            if let Some(s) = countdown.filter(|_| say) {
                speech::speak(&[s.to_string()], None, None);
            }
        });
    }
    {
        let state = state.clone();
        let current = state.round.as_ref().map(|r| r.current);
        use_effect_with((remaining == Some(0), current), move |(expired, _)| {
            if *expired {
                state.dispatch(Action::Tick(now_ms()));
            }
        });
    }
    let Some(round) = state.round.as_ref() else {
        return html! {};
    };
    let drawn = round.current_question();
    let Some(q) = state.loaded.bank.get(&drawn.qid) else {
        // Rounds are checked against the bank when taken up (Round::still_fits); should one
        // still miss a question, the person is told and can leave, never left on a dead screen.
        let home = {
            let state = state.clone();
            Callback::from(move |_| state.dispatch(Action::Go(crate::core::machines::device::Screen::Home)))
        };
        return html! {
            <main class="page round">
                <p class="notice" data-testid="error" role="alert">{ crate::core::play::session::QuizError::UnknownQuestion(drawn.qid.clone()).message(lang) }</p>
                <button class="primary big" onclick={home}>{ lang.pick("返回首页", "Back to the start") }</button>
            </main>
        };
    };
    let warning = match remaining {
        Some(ms) if ms > 0 && ms <= 5_000 => {
            lang.pick("时间快到了，还剩不到 5 秒", "Time is nearly up: under 5 seconds left")
        }
        _ => "",
    };
    let total = round.questions.len();
    let chosen_any = !round.answers[round.current].is_empty();
    let on_next = {
        let (state, question) = (state.clone(), round.current);
        Callback::from(move |_| state.dispatch(Action::Next { question, now: now_ms() }))
    };
    let next_label = if round.practice && !round.revealed {
        lang.pick("查看答案", "Check")
    } else if round.is_last() {
        if round.practice {
            lang.pick("完成练习", "Finish")
        } else {
            lang.pick("交卷", "Submit")
        }
    } else {
        lang.pick("下一题", "Next")
    };
    let type_hint = q.qtype.hint(lang);
    let read_now = {
        let (spoken, speaking) = (spoken.clone(), *speaking);
        Callback::from(move |_| match (&spoken, speaking) {
            (Some(parts), false) => read(parts),
            _ => speech::stop(),
        })
    };
    let toggle_auto = {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(Action::Toggle(Pref::AutoRead)))
    };
    let auto_read = state.prefs.auto_read;
    let options = (0..drawn.order.len()).map(|shown| {
        let index = drawn.bank_index(shown).unwrap_or(0);
        let pressed = round.is_chosen(shown);
        let verdict = if round.revealed {
            if q.answer.contains(index) { " right" } else if pressed { " wrong" } else { "" }
        } else {
            ""
        };
        let onclick = {
            let (state, question) = (state.clone(), round.current);
            Callback::from(move |_| state.dispatch(Action::Choose { question, shown, now: now_ms() }))
        };
        let key = letter(shown).to_string();
        html! {
            <li>
                <button class={format!("option{}{}", if pressed { " chosen" } else { "" }, verdict)}
                    data-testid="option" data-key={key.clone()} aria-pressed={pressed.to_string()} {onclick}>
                    <span class="key" aria-hidden="true">{ if q.qtype.has_written_options() { key } else if index == 0 { "✓".to_string() } else { "✗".to_string() } }</span>
                    <span class="text">{ q.choice_text(index, lang) }</span>
                </button>
            </li>
        }
    });
    let leave = if round.practice {
        let state = state.clone();
        html! { <button class="link" onclick={Callback::from(move |_| state.dispatch(Action::QuitPractice))}>{ lang.pick("退出练习", "Leave practice") }</button> }
    } else {
        html! {}
    };
    let back = if round.allow_back && round.current > 0 {
        let state = state.clone();
        html! { <button class="secondary" onclick={Callback::from(move |_| state.dispatch(Action::Previous(now_ms())))}>{ lang.pick("上一题", "Back") }</button> }
    } else {
        html! {}
    };
    html! {
        <main class="page round">
            <div class="round-bar">
                <span class="progress" data-testid="progress" aria-label={lang.pick("进度", "Progress")}>{ format!("{}/{}", round.current + 1, total) }</span>
                if round.practice {
                    <span class="tag">{ lang.pick("练习", "Practice") }</span>
                }
                if let Some(ms) = remaining {
                    <span class={if ms <= 5_000 { "timer urgent" } else { "timer" }} data-testid="timer" role="timer">
                        { match lang { Lang::Zh => format!("剩余 {} 秒", (ms + 999) / 1000), Lang::En => format!("{} s left", (ms + 999) / 1000) } }
                        if paused {
                            <span class="paused" data-testid="timer-paused">{ lang.pick("（朗读中，暂停计时）", " (paused while reading)") }</span>
                        }
                    </span>
                }
            </div>
            if let Some(s) = countdown {
                <p class="countdown" data-testid="countdown" aria-hidden="true">
                    { match lang { Lang::Zh => format!("还剩 {s} 秒"), Lang::En => format!("{s} s left") } }
                </p>
            }
            // Said once when the time is nearly up; the region is on the page before it speaks.
            <p class="visually-hidden" aria-live="assertive" data-testid="time-warning">{ warning }</p>
            <section class="card question" data-testid="question" data-qid={q.id.clone()} data-qtype={q.qtype.code()}>
                <p class="hint">{ type_hint }</p>
                <h1 class="stem" tabindex="-1" ref={heading}>{ q.stem.clone() }</h1>
                <div class="read-row">
                    { read_aloud_button(voice, lang, ("朗读", "Read aloud"), *speaking, read_now) }
                    if voice != Voice::Missing {
                        <button type="button" class="secondary toggle" data-testid="auto-read" aria-pressed={auto_read.to_string()} onclick={toggle_auto}>
                            { lang.pick("自动朗读", "Read every question") }{ if auto_read { lang.pick("：开", ": on") } else { lang.pick("：关", ": off") } }
                        </button>
                    }
                </div>
                <ul class="options">{ for options }</ul>
                if round.revealed {
                    <div class={if round.answers[round.current] == q.answer { "feedback right" } else { "feedback wrong" }} role="status" data-testid="feedback">
                        <p><strong>{ if round.answers[round.current] == q.answer { lang.pick("回答正确！", "Correct!") } else { lang.pick("回答错误。", "Not quite.") } }</strong>
                            { lang.pick(" 正确答案：", " Answer: ") }{ q.answer.indices().map(|i| q.choice_text(i, lang)).collect::<Vec<_>>().join(lang.pick("；", "; ")) }</p>
                        if !q.explanation.is_empty() {
                            <p class="explanation">{ lang.pick("解析：", "Why: ") }{ q.explanation.clone() }</p>
                        }
                    </div>
                }
            </section>
            <div class="actions">
                { back }
                <button class="primary big" data-testid="next" onclick={on_next} disabled={!chosen_any}>{ next_label }</button>
                { leave }
            </div>
        </main>
    }
}
