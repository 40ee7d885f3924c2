//! Practice: pick a category, then answer untimed with instant feedback; never scored.

use yew::prelude::*;

use crate::core::machines::device::{Action, Screen};
use crate::core::Lang;
use crate::web::{fresh_seed, now_ms};

use super::PageProps;

#[component]
pub fn PracticePick(props: &PageProps) -> Html {
    let state = &props.state;
    let lang = state.prefs.lang;
    let bank = &state.loaded.bank;
    let start = |category: Option<String>| {
        let state = state.clone();
        Callback::from(move |_| {
            state.dispatch(Action::StartPractice { category: category.clone(), now: now_ms(), seed: fresh_seed() })
        })
    };
    let back = {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(Action::Go(Screen::Home)))
    };
    html! {
        <main class="page practice">
            <section class="card">
                <h1>{ lang.pick("练习", "Practice") }</h1>
                if let Some((right, total)) = state.practice_done {
                    <p class="feedback right" role="status" data-testid="practice-summary">{ match lang {
                        Lang::Zh => format!("练习完成：答对 {right} / {total} 题"),
                        Lang::En => format!("Practice done: {right} of {total} correct"),
                    } }</p>
                }
                <p>{ lang.pick("选一个类别，不限时，每题马上看到答案和解析，不计入竞赛成绩。",
                    "Pick a topic. No clock; see the answer and explanation after each question. Not counted in the contest.") }</p>
                <ul class="categories">
                    { for bank.categories().into_iter().map(|c| {
                        let n = bank.questions.iter().filter(|q| q.category == c).count();
                        html! { <li><button class="secondary big" data-testid="practice-category" onclick={start(Some(c.clone()))}>
                            { c.clone() }<span class="count">{ match lang { Lang::Zh => format!("{n} 题"), Lang::En => format!("{n} questions") } }</span>
                        </button></li> }
                    }) }
                </ul>
                <button class="link" onclick={back}>{ lang.pick("返回首页", "Home") }</button>
            </section>
        </main>
    }
}
