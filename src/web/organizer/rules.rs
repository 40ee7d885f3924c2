//! The rules editor: every rule of the contest package, checked against the bank.

use crate::core::Message;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::core::machines::desk::new_stage;
use crate::core::model::bank::QuestionType;
use crate::core::model::contest::Award;
use crate::core::model::contest::{
    ContestRules, CrowdFirst, MixItem, MultipleScoring, PhoneField, ReadingPause, ScorePolicy, Stage,
};
use crate::core::Lang;

use super::{DeskAction, DeskProps};

fn input_value(e: &Event) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

fn select_value(e: &Event) -> String {
    e.target_unchecked_into::<HtmlSelectElement>().value()
}

#[component]
pub fn RulesTab(props: &DeskProps) -> Html {
    let desk = &props.desk;
    let lang = desk.lang;
    let draft = {
        let rules = desk.contest.rules.clone();
        use_state(move || rules)
    };
    // One callback per field: apply `edit` to a copy of the draft.
    let edit = |f: fn(&mut ContestRules, String)| {
        let draft = draft.clone();
        Callback::from(move |e: Event| {
            let mut r = (*draft).clone();
            let v = if e.target_dyn_into::<HtmlSelectElement>().is_some() { select_value(&e) } else { input_value(&e) };
            f(&mut r, v);
            draft.set(r);
        })
    };
    let r = (*draft).clone();
    let categories = desk.bank.categories();
    // Warnings only: a crowd short of tagged questions gets the rest from the whole bank.
    let crowd_warnings = r.round.crowd_shortfalls(&desk.bank);
    let save = {
        let (desk, draft) = (desk.clone(), draft.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            desk.dispatch(DeskAction::SaveRules(Box::new((*draft).clone())));
        })
    };
    let reset = {
        let (desk, draft) = (desk.clone(), draft.clone());
        Callback::from(move |_| {
            draft.set(desk.package.package_contest.rules.clone());
            desk.dispatch(DeskAction::ResetRules);
        })
    };
    let add_mix = {
        let draft = draft.clone();
        Callback::from(move |_| {
            let mut r = (*draft).clone();
            r.round.mix.push(MixItem { qtype: QuestionType::Single, category: None, count: 1 });
            draft.set(r);
        })
    };
    let mix_rows = r.round.mix.iter().enumerate().map(|(i, m)| {
        let set = |f: fn(&mut MixItem, String)| {
            let draft = draft.clone();
            Callback::from(move |e: Event| {
                let mut r = (*draft).clone();
                let v = if e.target_dyn_into::<HtmlSelectElement>().is_some() { select_value(&e) } else { input_value(&e) };
                f(&mut r.round.mix[i], v);
                draft.set(r);
            })
        };
        let remove = {
            let draft = draft.clone();
            Callback::from(move |_| {
                let mut r = (*draft).clone();
                r.round.mix.remove(i);
                draft.set(r);
            })
        };
        html! {
            <tr data-testid="mix-row">
                <td><select aria-label={lang.pick("题型", "Type")} onchange={set(|m, v| m.qtype = QuestionType::parse(&v).unwrap_or(m.qtype))}>
                    { for QuestionType::ALL.iter().map(|t| html! { <option value={t.code()} selected={*t == m.qtype}>{ t.label(lang) }</option> }) }
                </select></td>
                <td><select aria-label={lang.pick("分类", "Category")} onchange={set(|m, v| m.category = (!v.is_empty()).then_some(v))}>
                    <option value="" selected={m.category.is_none()}>{ lang.pick("不限分类", "Any category") }</option>
                    { for categories.iter().map(|c| html! { <option value={c.clone()} selected={m.category.as_ref() == Some(c)}>{ c.clone() }</option> }) }
                </select></td>
                <td><input type="number" min="1" aria-label={lang.pick("题数", "Count")} data-testid="mix-count" value={m.count.to_string()}
                    onchange={set(|m, v| m.count = v.trim().parse().unwrap_or(0))} /></td>
                <td><button type="button" class="link" onclick={remove}>{ lang.pick("删除", "Remove") }</button></td>
            </tr>
        }
    });
    let add_stage = {
        let draft = draft.clone();
        Callback::from(move |_| {
            let mut r = (*draft).clone();
            r.stages.push(new_stage(&r));
            draft.set(r);
        })
    };
    let stage_rows = r.stages.iter().enumerate().map(|(i, st)| {
        let set = |f: fn(&mut Stage, String)| {
            let draft = draft.clone();
            Callback::from(move |e: Event| {
                let mut r = (*draft).clone();
                f(&mut r.stages[i], input_value(&e));
                draft.set(r);
            })
        };
        let remove = {
            let draft = draft.clone();
            Callback::from(move |_| {
                let mut r = (*draft).clone();
                r.stages.remove(i);
                draft.set(r);
            })
        };
        let own = match (st.mix.is_some(), lang) {
            (true, Lang::Zh) => "本阶段另有题目组成（在竞赛文件中设置）。",
            (true, Lang::En) => "This stage has its own mix of questions (set in the contest package).",
            (false, Lang::Zh) => "题目组成与计分同上面的设置。",
            (false, Lang::En) => "Questions and scoring as set above.",
        };
        html! {
            <div class="stage-edit" data-testid="stage-row">
                <p class="hint">{ match lang {
                    Lang::Zh => format!("编号 {}（成绩按编号记录，不可修改）", st.id),
                    Lang::En => format!("Id {} (results keep it; it cannot change)", st.id),
                } }</p>
                <label>{ lang.pick("阶段名称", "Stage title") }<input type="text" data-testid="stage-title" value={st.title.clone()} onchange={set(|s, v| s.title = v)} /></label>
                <label>{ lang.pick("开始时间（北京时间）", "Starts (Beijing time)") }<input type="text" data-testid="stage-starts" placeholder="2026-05-01 08:00" value={st.starts.clone()} onchange={set(|s, v| s.starts = v.trim().to_string())} /></label>
                <label>{ lang.pick("结束时间（北京时间，含这一分钟）", "Ends (Beijing time, that minute included)") }<input type="text" data-testid="stage-ends" placeholder="2026-05-07 23:59" value={st.ends.clone()} onchange={set(|s, v| s.ends = v.trim().to_string())} /></label>
                <label>{ lang.pick("每人每天答题次数（空为同整个竞赛，0 为不限）", "Attempts per person per day (empty = as the contest, 0 = unlimited)") }
                    <input type="number" min="0" data-testid="stage-attempts" value={st.attempts_per_day.map(|n| n.to_string()).unwrap_or_default()}
                        onchange={set(|s, v| s.attempts_per_day = v.trim().parse().ok())} /></label>
                <p class="hint">{ own }</p>
                <button type="button" class="link" data-testid="stage-remove" onclick={remove}>{ lang.pick("删除这个阶段（已有成绩不会删除）", "Remove this stage (results stay)") }</button>
            </div>
        }
    });
    html! {
        <form class="card rules-form" onsubmit={save}>
            <h2>{ lang.pick("竞赛规则", "Contest rules") }</h2>
            <label>{ lang.pick("竞赛名称", "Title") }<input type="text" data-testid="rule-title" value={r.title.clone()} onchange={edit(|r, v| r.title = v)} /></label>
            <label>{ lang.pick("主办单位", "Organizer") }<input type="text" value={r.organizer.clone()} onchange={edit(|r, v| r.organizer = v)} /></label>
            <label>{ lang.pick("开始时间（北京时间）", "Starts (Beijing time)") }<input type="text" placeholder="2026-01-01 00:00" value={r.starts.clone()} onchange={edit(|r, v| r.starts = v)} /></label>
            <label>{ lang.pick("结束时间（北京时间）", "Ends (Beijing time)") }<input type="text" placeholder="2026-12-31 23:59" value={r.ends.clone()} onchange={edit(|r, v| r.ends = v)} /></label>
            <fieldset><legend>{ lang.pick("每轮组卷", "Questions per round") }</legend>
                <table class="grid"><tbody>{ for mix_rows }</tbody></table>
                <button type="button" class="secondary" onclick={add_mix}>{ lang.pick("增加一项", "Add a row") }</button>
            </fieldset>
            <fieldset data-testid="stages"><legend>{ lang.pick("阶段（可不设）", "Stages (optional)") }</legend>
                <p class="hint">{ lang.pick(
                    "设了阶段，就只在阶段时间内可以答题，首页显示当前阶段和下一阶段，统计可按阶段查看。阶段不能重叠，且要在竞赛时间内。",
                    "With stages, rounds can be played only while a stage is open; home shows the open and the next stage, and the statistics can be read per stage. Stages may not overlap and must lie within the contest's dates.",
                ) }</p>
                { for stage_rows }
                <button type="button" class="secondary" data-testid="stage-add" onclick={add_stage}>{ lang.pick("增加一个阶段", "Add a stage") }</button>
            </fieldset>
            <label>{ lang.pick("每题限时（秒，空为不限）", "Seconds per question (empty = none)") }
                <input type="number" min="0" value={r.round.seconds_per_question.map(|s| s.to_string()).unwrap_or_default()}
                    onchange={edit(|r, v| r.round.seconds_per_question = v.trim().parse::<u32>().ok().filter(|n| *n > 0))} /></label>
            <label>{ lang.pick("整轮限时（秒，空为不限）", "Seconds per round (empty = none)") }
                <input type="number" min="0" value={r.round.seconds_per_round.map(|s| s.to_string()).unwrap_or_default()}
                    onchange={edit(|r, v| r.round.seconds_per_round = v.trim().parse::<u32>().ok().filter(|n| *n > 0))} /></label>
            <label>{ lang.pick("允许返回上一题", "Allow going back") }
                <select onchange={edit(|r, v| r.round.allow_back = v == "yes")}>
                    <option value="no" selected={!r.round.allow_back}>{ lang.pick("不允许", "No") }</option>
                    <option value="yes" selected={r.round.allow_back}>{ lang.pick("允许", "Yes") }</option>
                </select></label>
            <label>{ lang.pick("按人群抽题比例（%，0 为不按人群）", "Share drawn for the person's group (%, 0 = off)") }
                <input type="number" min="0" max="100" data-testid="rule-crowd-percent" value={r.round.crowd_first.map_or(0, |c| c.percent).to_string()}
                    onchange={edit(|r, v| r.round.crowd_first = v.trim().parse::<u32>().ok().filter(|p| *p > 0).map(|percent| CrowdFirst { percent }))} /></label>
            <p class="hint">{ lang.pick(
                "每项组卷先按此比例抽取标注了参赛者所在人群（报名时选择）的题目，不够时从全部题目中补足；未选人群或选“其他”的参赛者从全部题目中抽取。需要在报名信息中填写人群类别。",
                "Each row of the mix first draws this share from questions tagged for the person's group (chosen when registering), then tops up from the whole bank; people without a group, or in 其他, draw from the whole bank. Needs the group asked at registration.",
            ) }</p>
            if !crowd_warnings.is_empty() {
                <ul class="hint warn" data-testid="crowd-warnings">
                    { for crowd_warnings.iter().map(|w| html! { <li>{ w.message(lang) }</li> }) }
                </ul>
            }
            <label>{ lang.pick("朗读时暂停计时", "Clock stops while a question is read aloud") }
                <select data-testid="rule-reading-pause" onchange={edit(|r, v| r.round.pause_timer_while_reading = match v.as_str() { "everyone" => ReadingPause::Everyone, "off" => ReadingPause::Off, _ => ReadingPause::Older })}>
                    <option value="older" selected={r.round.pause_timer_while_reading == ReadingPause::Older}>{ lang.pick("仅老年人", "Only for 老年人 (older people)") }</option>
                    <option value="everyone" selected={r.round.pause_timer_while_reading == ReadingPause::Everyone}>{ lang.pick("所有人", "Everyone") }</option>
                    <option value="off" selected={r.round.pause_timer_while_reading == ReadingPause::Off}>{ lang.pick("不暂停", "Never") }</option>
                </select></label>
            <label>{ lang.pick("每题朗读最多暂停（秒）", "Most seconds the clock stops per question") }
                <input type="number" min="0" value={r.round.reading_pause_seconds.to_string()} onchange={edit(|r, v| r.round.reading_pause_seconds = v.trim().parse().unwrap_or(0))} /></label>
            <label>{ lang.pick("每人每天答题次数（0 为不限）", "Attempts per person per day (0 = unlimited)") }
                <input type="number" min="0" data-testid="rule-attempts" value={r.attempts_per_day.to_string()} onchange={edit(|r, v| r.attempts_per_day = v.trim().parse().unwrap_or(0))} /></label>
            <fieldset><legend>{ lang.pick("每题分值", "Points per question") }</legend>
                <label>{ QuestionType::TrueFalse.label(lang) }<input type="number" min="0" value={r.scoring.true_false.to_string()} onchange={edit(|r, v| r.scoring.true_false = v.trim().parse().unwrap_or(0))} /></label>
                <label>{ QuestionType::Single.label(lang) }<input type="number" min="0" value={r.scoring.single.to_string()} onchange={edit(|r, v| r.scoring.single = v.trim().parse().unwrap_or(0))} /></label>
                <label>{ QuestionType::Multiple.label(lang) }<input type="number" min="0" value={r.scoring.multiple.to_string()} onchange={edit(|r, v| r.scoring.multiple = v.trim().parse().unwrap_or(0))} /></label>
                <label>{ lang.pick("多选题计分", "Multiple choice") }
                    <select onchange={edit(|r, v| r.scoring.multiple_mode = if v == "partial" { MultipleScoring::Partial } else { MultipleScoring::AllOrNothing })}>
                        <option value="all" selected={r.scoring.multiple_mode == MultipleScoring::AllOrNothing}>{ lang.pick("全部选对才得分", "All or nothing") }</option>
                        <option value="partial" selected={r.scoring.multiple_mode == MultipleScoring::Partial}>{ lang.pick("少选且无错选得部分分", "Partial credit for a correct subset") }</option>
                    </select></label>
                if r.scoring.multiple_mode == MultipleScoring::Partial {
                    <label>{ lang.pick("部分得分比例（%）", "Partial credit (%)") }<input type="number" min="0" max="100" value={r.scoring.partial_percent.to_string()} onchange={edit(|r, v| r.scoring.partial_percent = v.trim().parse().unwrap_or(50))} /></label>
                }
            </fieldset>
            <label>{ lang.pick("成绩计算", "Score policy") }
                <select onchange={edit(|r, v| r.score_policy = match v.as_str() { "cumulative" => ScorePolicy::Cumulative, "latest" => ScorePolicy::Latest, _ => ScorePolicy::Best })}>
                    <option value="best" selected={r.score_policy == ScorePolicy::Best}>{ lang.pick("取最高一次", "Best attempt") }</option>
                    <option value="cumulative" selected={r.score_policy == ScorePolicy::Cumulative}>{ lang.pick("累计", "Cumulative") }</option>
                    <option value="latest" selected={r.score_policy == ScorePolicy::Latest}>{ lang.pick("取最近一次", "Latest attempt") }</option>
                </select></label>
            <label>{ lang.pick("及格分", "Pass mark") }<input type="number" min="0" value={r.pass_mark.to_string()} onchange={edit(|r, v| r.pass_mark = v.trim().parse().unwrap_or(0))} /></label>
            <fieldset><legend>{ lang.pick("电子证书", "Certificate") }</legend>
                <label>{ lang.pick("发给", "Given to") }
                    <select data-testid="rule-certificate" onchange={edit(|r, v| r.certificate.award = match v.as_str() { "finished" => Award::Finished, "passed" => Award::Passed, _ => Award::None })}>
                        <option value="none" selected={r.certificate.award == Award::None}>{ lang.pick("不发证书", "Nobody") }</option>
                        <option value="finished" selected={r.certificate.award == Award::Finished}>{ lang.pick("完成一轮的参赛者", "Everyone who finishes a round") }</option>
                        <option value="passed" selected={r.certificate.award == Award::Passed}>{ lang.pick("达到分数线的参赛者", "Those who reach a score") }</option>
                    </select></label>
                if r.certificate.award == Award::Passed {
                    <label>{ lang.pick("证书分数线（空为及格分）", "Score for a certificate (empty = pass mark)") }
                        <input type="number" min="0" value={r.certificate.min_score.map(|s| s.to_string()).unwrap_or_default()}
                            onchange={edit(|r, v| r.certificate.min_score = v.trim().parse().ok())} /></label>
                }
                <p class="hint">{ r.certificate.describe(r.pass_mark, lang) }</p>
            </fieldset>
            <fieldset><legend>{ lang.pick("报名信息", "Registration") }</legend>
                <label>{ lang.pick("手机号", "Phone") }
                    <select onchange={edit(|r, v| r.registration.phone = match v.as_str() { "optional" => PhoneField::Optional, "required" => PhoneField::Required, _ => PhoneField::Off })}>
                        <option value="off" selected={r.registration.phone == PhoneField::Off}>{ lang.pick("不填", "Off") }</option>
                        <option value="optional" selected={r.registration.phone == PhoneField::Optional}>{ lang.pick("选填", "Optional") }</option>
                        <option value="required" selected={r.registration.phone == PhoneField::Required}>{ lang.pick("必填", "Required") }</option>
                    </select></label>
                <label>{ lang.pick("地区选到", "Region down to") }
                    <select onchange={edit(|r, v| r.registration.region_depth = v.parse().unwrap_or(3))}>
                        { for [(0u8, "不填", "none"), (1, "省", "province"), (2, "市", "city"), (3, "县（区）", "county")].iter().map(|(d, zh, en)| html! {
                            <option value={d.to_string()} selected={r.registration.region_depth == *d}>{ lang.pick(zh, en) }</option>
                        }) }
                    </select></label>
                <label>{ lang.pick("地区范围（省或市的 6 位代码，空为全国）", "Region scope (6-digit province or city code; empty = whole country)") }
                    <input type="text" inputmode="numeric" value={r.registration.region_scope.clone().unwrap_or_default()}
                        onchange={edit(|r, v| r.registration.region_scope = (!v.trim().is_empty()).then(|| v.trim().to_string()))} /></label>
                <label>{ lang.pick("填写人群类别", "Ask for the group") }
                    <select onchange={edit(|r, v| r.registration.crowd = v == "yes")}>
                        <option value="yes" selected={r.registration.crowd}>{ lang.pick("是", "Yes") }</option>
                        <option value="no" selected={!r.registration.crowd}>{ lang.pick("否", "No") }</option>
                    </select></label>
            </fieldset>
            <button class="primary big" type="submit" data-testid="rules-save">{ lang.pick("保存规则", "Save the rules") }</button>
            if desk.setup.rules.is_some() {
                <button class="link" type="button" onclick={reset}>{ lang.pick("恢复竞赛文件中的规则", "Restore the package's rules") }</button>
            }
            <p class="hint">{ match lang {
                Lang::Zh => format!("改动只对本机生效；要发给所有人，请在“题库”页下载竞赛文件。竞赛编号 {} 不可修改。", r.id),
                Lang::En => format!("Changes apply on this device; to publish them, download the contest package on the Banks tab. The contest id {} cannot change.", r.id),
            } }</p>
        </form>
    }
}
