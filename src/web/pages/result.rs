//! The result of a scored round: score, correct count, time, rank, and a full review.

use crate::core::Message;
use yew::prelude::*;

use crate::core::exchange::outbox::DeliveryStatus;
use crate::core::machines::device::{Action, Screen};
use crate::core::model::bank::AnswerSet;
use crate::core::Lang;

use super::read_aloud::read_aloud_button;
use super::PageProps;
use crate::web::browser::outbox::OutboxView;
use crate::web::browser::speech::{self, use_voice};

fn status_class(status: &DeliveryStatus) -> &'static str {
    match status {
        DeliveryStatus::Waiting(_) => "waiting",
        DeliveryStatus::Submitted => "submitted",
        DeliveryStatus::Refused(_) => "refused",
        DeliveryStatus::Unknown => "",
    }
}

#[component]
pub fn ResultPage(props: &PageProps) -> Html {
    let state = &props.state;
    let lang = state.prefs.lang;
    // The result takes the focus on its heading (it is also announced, see app.rs).
    let heading = use_node_ref();
    {
        let heading = heading.clone();
        use_effect_with((), move |_| {
            if let Some(h) = heading.cast::<web_sys::HtmlElement>() {
                let _ = h.focus();
            }
        });
    }
    let outbox = use_context::<Option<OutboxView>>().flatten();
    // 长辈模式 shows one thing per screen: the score, then the review one question at a time.
    let review_at = use_state(|| None::<usize>);
    let voice = use_voice();
    // Leaving the result stops what it was reading.
    use_effect_with((), |_| speech::stop);
    // The region's name on the certificate (a province's small county file at most).
    let region = state.last.as_ref().and_then(|a| a.region.clone());
    super::use_regions(state, region.clone(), if region.is_some() { 3 } else { 0 });
    let Some(a) = state.last.clone() else {
        return html! {};
    };
    let rules = &state.loaded.contest.rules;
    let bank = &state.loaded.bank;
    // Ranked among the attempts of its stage, under that stage's score policy.
    let stage = a.stage.as_deref();
    let rank = state.ledger.rank_in(state.loaded.contest.score_policy_in(stage), stage, &a.participant_id);
    // With a results collector: submitted, waiting (how many) or refused (why).
    let delivery = outbox.as_ref().map(|o| o.status(&a.id));
    let passed = rules.pass_mark > 0 && a.score >= rules.pass_mark;
    let region = match (&a.region, &state.regions) {
        (Some(c), Some(t)) => t.full_name(c),
        _ => String::new(),
    };
    let earned = rules.certificate.earned(a.score, rules.pass_mark);
    let go_home = {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(Action::Go(Screen::Home)))
    };
    let next_person = {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(Action::NextParticipant))
    };
    let answer_text = |q: &crate::core::model::bank::Question, set: AnswerSet| -> String {
        if set.is_empty() {
            return lang.pick("未作答", "No answer").to_string();
        }
        set.indices().map(|i| q.choice_text(i, lang)).collect::<Vec<_>>().join(lang.pick("；", "; "))
    };
    let save_file = {
        // With the collector's receipt, when it accepted the attempt: the organizer checks it.
        let receipt = outbox.as_ref().and_then(|o| o.receipt(&a.id));
        let (a, id) = (a.clone(), rules.id.clone());
        Callback::from(move |_| {
            let carried = crate::core::play::ledger::Attempt { receipt: receipt.clone(), ..(*a).clone() };
            let text = crate::core::exchange::ledger_file::export_ledger::<crate::web::browser::json::BrowserJson>(
                &id,
                "unsaved",
                std::slice::from_ref(&carried),
                crate::web::now_ms(),
            );
            let name = crate::core::reports::export::report_file_name(&id, "成绩文件", "json", a.finished_at);
            crate::web::browser::download::download(&name, "application/json", text.as_bytes());
        })
    };
    let older = state.prefs.older_reader;
    let reviewed: Vec<_> = a
        .questions
        .iter()
        .zip(&a.answers)
        .filter_map(|(qid, chosen)| bank.get(qid).map(|q| (q, AnswerSet(*chosen))))
        .collect();
    let review_item = |q: &crate::core::model::bank::Question, chosen: AnswerSet| {
        let right = chosen == q.answer;
        html! {
            <li class={if right { "review-item right" } else { "review-item wrong" }} data-testid="review-item" data-qid={q.id.clone()}>
                <p class="stem"><span class="mark" aria-label={if right { lang.pick("答对", "correct") } else { lang.pick("答错", "wrong") }}>{ if right { "✓ " } else { "✗ " } }</span>{ q.stem.clone() }</p>
                <p>{ lang.pick("你的答案：", "Your answer: ") }{ answer_text(q, chosen) }</p>
                <p>{ lang.pick("正确答案：", "Right answer: ") }<strong>{ answer_text(q, q.answer) }</strong></p>
                if !q.explanation.is_empty() {
                    <p class="explanation">{ lang.pick("解析：", "Why: ") }{ q.explanation.clone() }</p>
                    { read_aloud_button(voice, lang, ("朗读解析", "Read the explanation aloud"), false, {
                        let parts = [q.explanation.clone()];
                        Callback::from(move |_| { speech::speak(&parts, None, None); })
                    }) }
                }
            </li>
        }
    };
    let show_review = |at: Option<usize>| {
        let review_at = review_at.clone();
        Callback::from(move |_| review_at.set(at))
    };
    if let (true, Some(at)) = (older, *review_at) {
        let at = at.min(reviewed.len().saturating_sub(1));
        let Some((q, chosen)) = reviewed.get(at) else {
            return html! {};
        };
        return html! {
            <main class="page result">
                <section class="card review one">
                    <h2>{ match lang { Lang::Zh => format!("答题回顾 第 {} / {} 题", at + 1, reviewed.len()), Lang::En => format!("Review: {} of {}", at + 1, reviewed.len()) } }</h2>
                    <ol start={(at + 1).to_string()}>{ review_item(q, *chosen) }</ol>
                    <div class="actions">
                        if at + 1 < reviewed.len() {
                            <button class="primary big" data-testid="review-next" onclick={show_review(Some(at + 1))}>{ lang.pick("下一题", "Next question") }</button>
                        }
                        if at > 0 {
                            <button class="secondary big" onclick={show_review(Some(at - 1))}>{ lang.pick("上一题", "Previous question") }</button>
                        }
                        <button class="secondary big" data-testid="review-close" onclick={show_review(None)}>{ lang.pick("返回成绩", "Back to the result") }</button>
                    </div>
                </section>
            </main>
        };
    }
    html! {
        <main class="page result">
            if state.unsaved {
                <section class="card warn" data-testid="unsaved" role="alert">
                    <p>{ lang.pick("浏览器存储空间已满，这次成绩没能保存在本机。请下载成绩文件交给主办方；清理浏览器空间后刷新页面，程序会再次尝试保存。",
                        "Browser storage is full, so this result could not be saved on the device. Download the results file and give it to the organizer; after freeing space, reload the page and the app tries to save it again.") }</p>
                    <button class="primary big" data-testid="download-unsaved" onclick={save_file}>{ lang.pick("下载成绩文件", "Download the results file") }</button>
                </section>
            }
            <section class="card score-card">
                <h1 tabindex="-1" ref={heading}>{ lang.pick("本轮成绩", "Your result") }</h1>
                <p class="score"><span data-testid="result-score">{ a.score }</span>
                    <span class="of">{ match lang { Lang::Zh => format!(" / {} 分", a.max_score), Lang::En => format!(" / {} points", a.max_score) } }</span></p>
                <ul class="facts">
                    <li>{ lang.pick("答对 ", "Correct: ") }<strong data-testid="result-correct">{ a.correct }</strong>
                        { match lang { Lang::Zh => format!(" / {} 题", a.questions.len()), Lang::En => format!(" of {}", a.questions.len()) } }</li>
                    <li>{ lang.pick("用时 ", "Time: ") }<strong data-testid="result-time">{ (a.time_used_ms + 999) / 1000 }</strong>{ lang.pick(" 秒", " s") }</li>
                    if let Some((r, n)) = rank {
                        <li data-testid="result-rank">{ match lang { Lang::Zh => format!("本机排名：第 {r} 名（共 {n} 人）"), Lang::En => format!("Rank on this device: {r} of {n}") } }</li>
                    }
                    if rules.pass_mark > 0 {
                        <li class={if passed { "pass" } else { "fail" }}>{ if passed { lang.pick("已及格", "Passed") } else { lang.pick("未及格", "Not passed") } }</li>
                    }
                </ul>
                if let Some(status) = delivery.filter(|d| *d != DeliveryStatus::Unknown) {
                    <p class={classes!("submit-status", status_class(&status))} data-testid="submit-status" role="status">{ status.message(lang) }</p>
                }
                <button class="primary big" onclick={go_home}>{ lang.pick("返回首页", "Home") }</button>
                <button class="secondary big" data-testid="next-participant" onclick={next_person}>{ lang.pick("换下一位答题", "Next person") }</button>
            </section>
            // 电子证书 and 分享: the card carries what the images show (the fields of
            // `core::exchange::certificate::CertificateRequest`); the start-up script's click handler
            // (scripts/link-certificate.mjs) loads the drawing's own wasm when a button is
            // tapped, and it puts the image in `.keepsake-place`. Nothing of it is in this wasm.
            <section class="card keepsakes" data-keepsake="" data-lang={lang.pick("zh", "en")}
                data-contest-id={rules.id.clone()} data-title={rules.title.clone()} data-organizer={rules.organizer.clone()}
                data-person={a.participant_id.clone()} data-name={a.name.clone()} data-region={region}
                data-attempt={a.id.clone()} data-score={a.score.to_string()} data-max-score={a.max_score.to_string()}
                data-finished-at={a.finished_at.to_string()} data-receipt={outbox.as_ref().and_then(|o| o.receipt(&a.id))}
                data-busy={lang.pick("正在生成图片…", "Drawing the picture…")}
                data-failed={lang.pick("图片未能生成，请联网后刷新页面再试。", "The picture could not be made. Go online, reload the page and try again.")}>
                <h2>{ lang.pick("电子证书与分享", "Certificate and sharing") }</h2>
                if earned {
                    <button class="primary big" data-testid="open-certificate" data-draw="certificate">{ lang.pick("查看电子证书", "Show my certificate") }</button>
                }
                <button class="secondary big" data-testid="open-poster" data-draw="poster">{ lang.pick("生成分享图", "Make a picture to share") }</button>
                <div class="keepsake-place"></div>
            </section>
            if older {
                <section class="card">
                    <button class="secondary big" data-testid="open-review" onclick={show_review(Some(0))}>
                        { match lang { Lang::Zh => format!("查看答题回顾（{} 题）", reviewed.len()), Lang::En => format!("Review the {} questions", reviewed.len()) } }
                    </button>
                </section>
            } else {
                <section class="card review">
                    <h2>{ lang.pick("答题回顾", "Review") }</h2>
                    <ol>{ for reviewed.iter().map(|(q, chosen)| review_item(q, *chosen)) }</ol>
                </section>
            }
        </main>
    }
}
