//! Statistics: headline counts, regions (with ranking and per-10k), crowds, days, scores,
//! and item analysis.

use crate::core::Message;
use crate::core::Notice;
use std::collections::HashMap;
use std::rc::Rc;

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::core::exchange::submission::CollectorLink;
use crate::core::model::bank::AnswerSet;
use crate::core::model::region::RegionTable;
use crate::core::play::ledger::AttemptLedger;
use crate::core::reports::dashboard::{
    inner_level, map_area_for_level, report_within, start_area, top_regions, ScreenFigures,
};
use crate::core::reports::export::{region_csv, region_xlsx, report_file_name};
use crate::core::reports::stats::{
    by_crowd, by_day, grouped, headline, of_stage, parse_population_csv, rank_regions, region_report,
    score_distribution, GroupRow, Headline, ItemAnalysis, ItemFlag, ItemStat, RankBy, RegionReport,
};
use crate::core::storage::persist::Stored;
use crate::core::Lang;
use crate::web::browser::download::download;
use crate::web::browser::fetch::file_text;
use crate::web::browser::loader::{load_regions, REGIONS_FILE};
use crate::web::browser::storage::read_or_set_aside;
use crate::web::now_ms;

use super::dashboard;
use super::{DeskAction, DeskProps};

/// Loads the region table once for the organizer's pages.
#[hook]
pub fn use_regions(desk: &UseReducerHandle<super::Desk>) {
    let desk = desk.clone();
    let needed = desk.regions.is_none();
    use_effect_with(needed, move |needed| {
        if *needed {
            wasm_bindgen_futures::spawn_local(async move {
                match load_regions(REGIONS_FILE, "../").await {
                    Ok(t) => desk.dispatch(DeskAction::Regions(Rc::new(t))),
                    Err(e) => desk.dispatch(DeskAction::Notice(e)),
                }
            });
        }
    });
}

/// Item-analysis rows shown before "show all".
const ITEMS_SHOWN: usize = 30;
/// Region rows shown before "show all" (a county list has thousands).
const REGIONS_SHOWN: usize = 50;

/// The headline numbers, and the attempts played under rules or a bank changed on their
/// device (本机修改过规则).
struct Overview {
    headline: Headline,
    changed_on_device: usize,
}

/// The charts' options: attempts and people per day, the score distribution, crowd groups.
struct Charts {
    days: Rc<serde_json::Value>,
    scores: Rc<serde_json::Value>,
    crowds: Rc<serde_json::Value>,
}

/// A value worked out in a task of its own once the page is drawn, and again when `deps`
/// change (`None` until then): each part of the statistics over 100,000 attempts is a task of
/// its own, and none holds up a render or a merge.
#[hook]
fn use_later<T, D, F>(deps: D, compute: F) -> Option<Rc<T>>
where
    T: 'static,
    D: PartialEq + Clone + 'static,
    F: FnOnce(&D) -> T + 'static,
{
    let value = use_state(|| None::<(D, Rc<T>)>);
    {
        let value = value.clone();
        use_effect_with(deps.clone(), move |deps| {
            let deps = deps.clone();
            let task = gloo_timers::callback::Timeout::new(0, move || {
                let computed = Rc::new(compute(&deps));
                value.set(Some((deps, computed)));
            });
            // Deps changed or the tab closed first: that result is not wanted.
            move || drop(task)
        });
    }
    value.as_ref().filter(|(d, _)| *d == deps).map(|(_, v)| v.clone())
}

/// [`use_later`] for work done over several tasks: `compute` gives a future that yields to the
/// browser between slices; a result for deps that have changed since is dropped.
#[hook]
fn use_later_async<T, D, F, Fut>(deps: D, compute: F) -> Option<Rc<T>>
where
    T: 'static,
    D: PartialEq + Clone + 'static,
    F: FnOnce(D) -> Fut + 'static,
    Fut: std::future::Future<Output = T> + 'static,
{
    let value = use_state(|| None::<(D, Rc<T>)>);
    let generation = use_mut_ref(|| 0u64);
    {
        let (value, generation) = (value.clone(), generation.clone());
        use_effect_with(deps.clone(), move |deps| {
            *generation.borrow_mut() += 1;
            let (mine, deps, latest) = (*generation.borrow(), deps.clone(), generation.clone());
            wasm_bindgen_futures::spawn_local(async move {
                gloo_timers::future::TimeoutFuture::new(0).await;
                let computed = Rc::new(compute(deps.clone()).await);
                if *latest.borrow() == mine {
                    value.set(Some((deps, computed)));
                }
            });
            move || *generation.borrow_mut() += 1
        });
    }
    value.as_ref().filter(|(d, _)| *d == deps).map(|(_, v)| v.clone())
}

/// The region reports of `ledger` at each level (province, city, county), worked out once per
/// ledger, region list and population: the levels in `first` (the table's and the map's)
/// before the others, each in a task of its own, so a level chosen or drilled to later is
/// already there and the map only redraws.
#[hook]
fn use_region_reports(
    ledger: Rc<AttemptLedger>,
    table: Option<Rc<RegionTable>>,
    population: Option<Rc<HashMap<String, u64>>>,
    first: [u8; 2],
) -> [Option<Rc<RegionReport>>; 3] {
    let key = (
        Rc::as_ptr(&ledger) as usize,
        table.as_ref().map(|t| Rc::as_ptr(t) as usize),
        population.as_ref().map(|p| Rc::as_ptr(p) as usize),
    );
    let cache = use_mut_ref(|| (key, [None, None, None]));
    if cache.borrow().0 != key {
        *cache.borrow_mut() = (key, [None, None, None]);
    }
    let redraw = use_force_update();
    {
        let cache = cache.clone();
        use_effect_with((key, first), move |(_, first)| {
            let cancelled = Rc::new(std::cell::Cell::new(false));
            // A level already worked out is passed over.
            let order: Vec<u8> = first.iter().copied().chain(1..=3).filter(|l| (1..=3).contains(l)).collect();
            if let Some(table) = table {
                let cancelled = cancelled.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    for level in order {
                        gloo_timers::future::TimeoutFuture::new(0).await;
                        if cancelled.get() {
                            return;
                        }
                        let slot = usize::from(level - 1);
                        if cache.borrow().1[slot].is_none() {
                            let report = region_report(&ledger.attempts, &table, level, population.as_deref());
                            cache.borrow_mut().1[slot] = Some(Rc::new(report));
                            redraw.force_update();
                        }
                    }
                });
            }
            move || cancelled.set(true)
        });
    }
    let reports = cache.borrow().1.clone();
    reports
}

/// The big screen's figures from the results collector, when one is set on 实时: its counts at
/// the map's level, the last ones kept while it cannot be reached (with the reason).
#[derive(Clone, PartialEq)]
struct Collected {
    report: Option<Rc<RegionReport>>,
    error: Option<String>,
}

/// How often the big screen reads this device's data, or the collector's counts, again (ms).
const BIG_REFRESH_MS: u32 = 3_000;

/// Attempts counted per task by the work done over several tasks (a few milliseconds each).
const SLICE: usize = 10_000;

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

fn group_table(lang: Lang, key_label: &str, rows: &[GroupRow]) -> Html {
    html! {
        <table class="grid">
            <thead><tr><th>{ key_label.to_string() }</th><th class="num">{ lang.pick("参赛人数", "Participants") }</th><th class="num">{ lang.pick("参赛人次", "Attempts") }</th></tr></thead>
            <tbody>{ for rows.iter().map(|r| html! { <tr><td class="name">{ r.key.clone() }</td><td class="num">{ grouped(r.participants) }</td><td class="num">{ grouped(r.participations) }</td></tr> }) }</tbody>
        </table>
    }
}

#[component]
pub fn StatsTab(props: &DeskProps) -> Html {
    let desk = &props.desk;
    let lang = desk.lang;
    use_regions(desk);
    let level = use_state(|| 3u8);
    let rank = use_state(|| "participants".to_string());
    let weight = use_state(|| 70u32);
    let population = use_state(|| None::<Rc<HashMap<String, u64>>>);
    let all_items = use_state(|| false);
    let all_regions = use_state(|| false);
    // Item analysis of one crowd group (a key of the 按人群 table), or of everyone.
    let item_crowd = use_state(|| None::<String>);
    // The attempts of one stage (全部阶段: all of them, the ledger itself).
    let stage = use_state(|| None::<String>);
    let stage_ledger = {
        let ledger = desk.ledger.clone();
        use_memo((Rc::as_ptr(&ledger) as usize, (*stage).clone()), move |(_, s)| of_stage(&ledger, s.as_deref()))
    };
    // Computed once per ledger (100,000 attempts take a noticeable moment), not per render.
    let ledger_key = Rc::as_ptr(&*stage_ledger) as usize;
    let overview = {
        let (ledger, pass_mark, package) =
            ((*stage_ledger).clone(), desk.contest.rules.pass_mark, desk.package.package_rules.clone());
        use_later((ledger_key, pass_mark), move |_| Overview {
            headline: headline(&ledger.attempts, pass_mark),
            changed_on_device: ledger.attempts.iter().filter(|a| package.changed_on_device(a)).count(),
        })
    };
    let crowds = {
        let ledger = (*stage_ledger).clone();
        use_later(ledger_key, move |_| by_crowd(&ledger.attempts))
    };
    let charts = {
        let (ledger, lang) = ((*stage_ledger).clone(), lang);
        use_later((ledger_key, lang), move |_| Charts {
            days: Rc::new(dashboard::days_option(lang, &by_day(&ledger.attempts))),
            scores: Rc::new(dashboard::scores_option(lang, &score_distribution(&ledger.attempts, 10))),
            crowds: Rc::new(dashboard::crowds_option(lang, &by_crowd(&ledger.attempts))),
        })
    };
    let area = use_state(|| start_area(desk.contest.rules.registration.region_scope.as_deref()));
    let big = use_state(|| false);
    let items = {
        let (ledger, bank) = ((*stage_ledger).clone(), desk.bank.clone());
        use_later_async(
            (ledger_key, Rc::as_ptr(&desk.bank) as usize, (*item_crowd).clone()),
            move |(_, _, crowd)| async move {
                let mut tally = ItemAnalysis::new(&bank);
                for slice in ledger.attempts.chunks(SLICE) {
                    tally.add(slice, &bank, crowd.as_deref());
                    gloo_timers::future::TimeoutFuture::new(0).await;
                }
                tally.finish(&bank)
            },
        )
    };
    // The map draws its area's level, the table its own (the same after a click on the map).
    let map_level = use_state(|| inner_level(&area));
    let reports =
        use_region_reports((*stage_ledger).clone(), desk.regions.clone(), (*population).clone(), [*level, *map_level]);
    let report: Option<Rc<RegionReport>> = reports[usize::from(*level - 1)].clone();
    let map_report = reports[usize::from(*map_level - 1)].clone();
    // The table and its top 10 list the regions inside the map's area; downloads hold them all.
    let in_area = use_memo((report.clone(), (*area).clone()), |(report, area)| {
        report.as_ref().map(|r| Rc::new(report_within(r, area)))
    });
    let in_area: Option<Rc<RegionReport>> = (*in_area).clone();
    // The collector's counts while the big screen is open and one is set on 实时.
    let collected = use_state_eq(|| None::<Collected>);
    let computing = || html! { <p class="loading" role="status">{ lang.pick("正在计算…", "Working it out…") }</p> };
    let by = match rank.as_str() {
        "participations" => RankBy::Participations,
        "per10k" => RankBy::PerTenThousand,
        "composite" => RankBy::Composite { participants_weight: *weight },
        _ => RankBy::Participants,
    };
    let top_option = use_memo((in_area.clone(), by, lang), |(report, by, lang)| {
        report.as_ref().map(|r| Rc::new(dashboard::top_option(*lang, &top_regions(r, *by, 10), *by, false)))
    });
    let top_option: Option<Rc<serde_json::Value>> = (*top_option).clone();
    // The big screen's figures: the collector's when one answers, else this device's.
    let screen_report = match &*collected {
        Some(c) => c.report.clone(),
        None => map_report.clone(),
    };
    let figures = match &*collected {
        Some(c) => c.report.as_deref().map(|r| ScreenFigures::of_collector(r, stage.is_some())),
        None => overview.as_ref().map(|o| ScreenFigures::of_device(&o.headline)),
    };
    // It ranks the regions its map shows.
    let big_top =
        use_memo((screen_report.clone(), (*area).clone(), by, lang, *big), |(report, area, by, lang, big)| {
            report.as_ref().filter(|_| *big).map(|r| {
                Rc::new(dashboard::top_option(*lang, &top_regions(&report_within(r, area), *by, 10), *by, true))
            })
        });
    // The map's level once its boundaries are in; after a click on the map (not when it opens)
    // the table follows to that level.
    let on_map_level = {
        let (level, map_level) = (level.clone(), map_level.clone());
        Callback::from(move |(l, opening): (u8, bool)| {
            if *map_level != l {
                map_level.set(l);
            }
            if !opening && *level != l {
                level.set(l)
            }
        })
    };
    let start = start_area(desk.contest.rules.registration.region_scope.as_deref());
    let map_card = |big: bool, report: Option<Rc<RegionReport>>| {
        html! {
            <dashboard::MapCard desk={desk.clone()} area={area.clone()} start={start.clone()} {report} level={*map_level}
                by={by} with_population={population.is_some()} on_level={on_map_level.clone()} {big} />
        }
    };
    // While the big screen is open it reads, every few seconds, the collector's counts when one
    // is set on 实时 (the settings are read each time: set or removed in another tab, they
    // apply), else this device's storage.
    {
        let (desk, seen, collected) = (desk.clone(), use_mut_ref(|| None::<(usize, u32)>), collected.clone());
        use_effect_with((*big, *map_level), move |(big, level)| {
            let level = *level;
            let timer = big.then(|| {
                let last = Rc::new(std::cell::RefCell::new(None::<Rc<RegionReport>>));
                // Counts that arrive after the settings were removed are dropped.
                let removed = Rc::new(std::cell::Cell::new(0u64));
                let tick = move || {
                    let link = read_or_set_aside::<CollectorLink>(Stored::CollectorLink, "", &mut Vec::new())
                        .filter(|l| !l.address.is_empty());
                    let Some(link) = link else {
                        removed.set(removed.get() + 1);
                        collected.set(None);
                        last.replace(None);
                        wasm_bindgen_futures::spawn_local(super::data::refresh(desk.clone(), seen.clone()));
                        return;
                    };
                    let (collected, last, contest, lang) =
                        (collected.clone(), last.clone(), desk.contest.rules.id.clone(), desk.lang);
                    let (removed, then) = (removed.clone(), removed.get());
                    wasm_bindgen_futures::spawn_local(async move {
                        let fetched = super::live::fetch_counts(&link, &contest, level, lang).await;
                        if removed.get() != then {
                            return;
                        }
                        let error = match fetched {
                            Ok(counts) => {
                                last.replace(Some(Rc::new(counts.report())));
                                None
                            }
                            Err(why) => Some(why),
                        };
                        collected.set(Some(Collected { report: last.borrow().clone(), error }));
                    });
                };
                tick();
                gloo_timers::callback::Interval::new(BIG_REFRESH_MS, tick)
            });
            move || drop(timer)
        });
    }
    let open_big = {
        let big = big.clone();
        Callback::from(move |_| big.set(true))
    };
    let close_big = {
        let big = big.clone();
        Callback::from(move |_| big.set(false))
    };
    let regions_html = match (&desk.regions, &report, &in_area) {
        (None, ..) => html! { <p class="loading">{ lang.pick("正在加载地区…", "Loading regions…") }</p> },
        (Some(_), Some(all), Some(shown)) => {
            let ranked = rank_regions(&shown.rows, by);
            let left_out = all.rows.len() - shown.rows.len();
            let shown_regions = if *all_regions { ranked.len() } else { ranked.len().min(REGIONS_SHOWN) };
            let export = |extension: &'static str| {
                let (desk, report) = (desk.clone(), all.clone());
                Callback::from(move |_| {
                    let bytes = match extension {
                        "xlsx" => region_xlsx(&report),
                        _ => Ok(region_csv(&report)),
                    };
                    match bytes {
                        Ok(bytes) => {
                            let kind = desk.lang.pick("地区参赛统计", "regions");
                            let name = report_file_name(&desk.contest.rules.id, kind, extension, now_ms());
                            download(&name, crate::web::browser::download::mime(extension), &bytes);
                        }
                        Err(e) => desk.dispatch(DeskAction::Notice(Notice::of(&e))),
                    }
                })
            };
            html! {
                <>
                    <div class="region-split">
                    <table class="grid" data-testid="region-table">
                        <thead><tr>
                            <th class="num">{ "#" }</th><th>{ lang.pick("地区", "Region") }</th><th class="num">{ lang.pick("人数", "People") }</th>
                            <th class="num">{ lang.pick("人次", "Attempts") }</th>
                            if population.is_some() { <th>{ lang.pick("每万人", "Per 10k") }</th> }
                            if matches!(by, RankBy::Composite { .. }) { <th>{ lang.pick("综合分", "Score") }</th> }
                        </tr></thead>
                        <tbody>{ for ranked.iter().take(shown_regions).enumerate().map(|(i, (r, score))| html! {
                            <tr>
                                <td class="num">{ i + 1 }</td><td class="name">{ r.name.clone() }</td><td class="num">{ grouped(r.participants) }</td><td class="num">{ grouped(r.participations) }</td>
                                if population.is_some() { <td>{ r.per_10k.map(|v| format!("{v:.2}")).unwrap_or_else(|| "—".into()) }</td> }
                                if matches!(by, RankBy::Composite { .. }) { <td>{ format!("{:.1}", score * 100.0) }</td> }
                            </tr>
                        }) }</tbody>
                    </table>
                    </div>
                    if left_out > 0 {
                        <p class="hint" data-testid="region-area-note">{ match lang {
                            Lang::Zh => format!("只列出{}的 {} 个地区（另有 {} 个不在其中）；下载的文件包含全部地区。", dashboard::area_name(desk, &area), grouped(ranked.len()), grouped(left_out)),
                            Lang::En => format!("Only the {} regions in {} are listed ({} more elsewhere); downloads include every region.", grouped(ranked.len()), dashboard::area_name(desk, &area), grouped(left_out)),
                        } }</p>
                    }
                    if shown_regions < ranked.len() {
                        <button class="secondary" data-testid="show-all-regions" onclick={let all = all_regions.clone(); Callback::from(move |_| all.set(true))}>{ match lang {
                            Lang::Zh => format!("显示全部 {} 个地区（下载的文件总是包含全部）", grouped(ranked.len())),
                            Lang::En => format!("Show all {} regions (downloads always include all)", grouped(ranked.len())),
                        } }</button>
                    }
                    <button class="primary" data-testid="export-region-csv" onclick={export("csv")}>{ lang.pick("下载地区统计 CSV", "Download region counts (CSV)") }</button>
                    <button class="secondary" data-testid="export-region-xlsx" onclick={export("xlsx")}>{ lang.pick("下载地区统计 Excel", "Download region counts (Excel)") }</button>
                </>
            }
        }
        _ => computing(),
    };
    let on_level = {
        let (level, area, start) = (level.clone(), area.clone(), start.clone());
        Callback::from(move |e: Event| {
            let chosen = e.target_unchecked_into::<HtmlSelectElement>().value().parse().unwrap_or(3);
            level.set(chosen);
            // The map follows where it can: up to the level chosen (never above the contest's area).
            if let Some(up) = map_area_for_level(&area, &start, chosen) {
                area.set(up);
            }
        })
    };
    let on_rank = {
        let rank = rank.clone();
        Callback::from(move |e: Event| rank.set(e.target_unchecked_into::<HtmlSelectElement>().value()))
    };
    let on_weight = {
        let weight = weight.clone();
        Callback::from(move |e: Event| {
            weight.set(e.target_unchecked_into::<HtmlInputElement>().value().parse::<u32>().unwrap_or(70).min(100))
        })
    };
    let on_population = {
        let (desk, population) = (desk.clone(), population.clone());
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
            let (desk, population) = (desk.clone(), population.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let name = file.name();
                let text = file_text(&file).await;
                match parse_population_csv(&text) {
                    Ok(map) => population.set(Some(Rc::new(map))),
                    Err(e) => {
                        desk.dispatch(DeskAction::Notice(Notice::each(|lang| format!("{name}: {}", e.message(lang)))))
                    }
                }
            });
        })
    };
    let items: &[ItemStat] = items.as_deref().map(Vec::as_slice).unwrap_or_default();
    // The groups with attempts, and the one chosen even if merged files changed the list.
    let mut crowd_keys: Vec<String> = crowds.iter().flat_map(|c| c.iter()).map(|g| g.key.clone()).collect();
    if let Some(chosen) = item_crowd.as_ref().filter(|c| !crowd_keys.contains(c)) {
        crowd_keys.push(chosen.clone());
    }
    let on_item_crowd = {
        let item_crowd = item_crowd.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            item_crowd.set((!v.is_empty()).then_some(v));
        })
    };
    // Hardest first; a phone shows the first rows, the rest on request.
    let shown_items = if *all_items { items.len() } else { items.len().min(ITEMS_SHOWN) };
    let show_all = {
        let all_items = all_items.clone();
        Callback::from(move |_| all_items.set(true))
    };
    let flag_text = |f: &Option<ItemFlag>| match f {
        Some(ItemFlag::TooEasy) => lang.pick("过易", "too easy"),
        Some(ItemFlag::TooHard) => lang.pick("过难", "too hard"),
        Some(ItemFlag::PossiblyMiskeyed) => lang.pick("答案可能有误", "possibly mis-keyed"),
        None => "",
    };
    // Nothing to count yet: the overview says what to do next, and no empty tables follow.
    let empty = overview.as_ref().is_some_and(|o| o.headline.participations == 0);
    let go_to_data = {
        let desk = desk.clone();
        Callback::from(move |_| desk.dispatch(DeskAction::Tab(super::Tab::Data)))
    };
    html! {
        <div class="stats-board">
            if *big {
                <dashboard::BigScreen desk={desk.clone()} {figures} error={collected.as_ref().and_then(|c| c.error.clone())}
                    map={map_card(true, screen_report)} top={(*big_top).clone()} on_close={close_big} />
            }
            <section class="card wide">
                <div class="card-head">
                    <h2>{ lang.pick("参赛概况", "Overview") }</h2>
                    <button class="secondary small" data-testid="open-bigscreen" onclick={open_big}>{ lang.pick("数据大屏", "Big screen") }</button>
                </div>
                if !desk.contest.rules.stages.is_empty() {
                    <label>{ lang.pick("阶段", "Stage") }
                        <select data-testid="stat-stage" onchange={let stage = stage.clone(); Callback::from(move |e: Event| {
                            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
                            stage.set((!v.is_empty()).then_some(v));
                        })}>
                            <option value="" selected={stage.is_none()}>{ lang.pick("全部阶段", "All stages") }</option>
                            { for desk.contest.rules.stages.iter().map(|s| html! {
                                <option value={s.id.clone()} selected={stage.as_deref() == Some(s.id.as_str())}>{ s.title(lang).to_string() }</option>
                            }) }
                        </select>
                    </label>
                }
                if let Some(o) = &overview {
                    <div class="kpis">
                        <div class="kpi"><span class="n" data-testid="stat-participants">{ grouped(o.headline.participants) }</span><span>{ lang.pick("参赛人数", "participants") }</span></div>
                        <div class="kpi"><span class="n" data-testid="stat-participations">{ grouped(o.headline.participations) }</span><span>{ lang.pick("参赛人次", "attempts") }</span></div>
                        <div class="kpi"><span class="n">{ format!("{:.1}", o.headline.average_score) }</span><span>{ lang.pick("平均分", "average score") }</span></div>
                        <div class="kpi"><span class="n">{ pct(o.headline.perfect_rate) }</span><span>{ lang.pick("满分率", "perfect scores") }</span></div>
                        <div class="kpi"><span class="n">{ pct(o.headline.pass_rate) }</span><span>{ lang.pick("及格率", "pass rate") }</span></div>
                    </div>
                    if o.headline.participations == 0 {
                        <div class="empty-state" data-testid="stats-empty">
                            <p><strong>{ lang.pick("暂无参赛数据", "No results yet") }</strong>{ " · " }
                                { lang.pick("导入成绩文件或等待答题", "import a results file or wait for people to answer") }</p>
                            <button class="primary" data-testid="stats-empty-import" onclick={go_to_data}>{ lang.pick("导入成绩文件", "Import a results file") }</button>
                        </div>
                    }
                    if o.changed_on_device > 0 {
                        <p class="notice" data-testid="stat-modified">{ match lang {
                            Lang::Zh => format!("本机修改过规则：其中 {} 次答题是在设备上改过的规则或题库下进行的（竞赛文件的版本号相同），导出的答题记录中已标注。", o.changed_on_device),
                            Lang::En => format!("Rules changed on a device (本机修改过规则): {} of these attempts were played under rules or a bank changed on their device (same package revision); the attempt list marks them.", o.changed_on_device),
                        } }</p>
                    }
                } else {
                    { computing() }
                }
            </section>
            if !empty {
            <section class="card wide region-card">
                <h2>{ lang.pick("按地区", "By region") }</h2>
                <div class="controls">
                    <label>{ lang.pick("层级", "Level") }
                        <select data-testid="stat-level" onchange={on_level}>
                            <option value="1" selected={*level == 1}>{ lang.pick("省", "Province") }</option>
                            <option value="2" selected={*level == 2}>{ lang.pick("市", "City") }</option>
                            <option value="3" selected={*level == 3}>{ lang.pick("县（区）", "County") }</option>
                        </select>
                    </label>
                    <label>{ lang.pick("排名依据", "Rank by") }
                        <select data-testid="stat-rank" onchange={on_rank}>
                            <option value="participants" selected={*rank == "participants"}>{ lang.pick("参赛人数", "participants") }</option>
                            <option value="participations" selected={*rank == "participations"}>{ lang.pick("参赛人次", "attempts") }</option>
                            <option value="composite" selected={*rank == "composite"}>{ lang.pick("综合（人数与人次加权）", "weighted composite") }</option>
                            <option value="per10k" selected={*rank == "per10k"}>{ lang.pick("每万人参赛人数", "per 10,000 residents") }</option>
                        </select>
                    </label>
                    if *rank == "composite" {
                        <label>{ lang.pick("人数权重（%），其余为人次", "Weight of participants (%), rest on attempts") }
                            <input type="number" min="0" max="100" value={weight.to_string()} onchange={on_weight} />
                        </label>
                    }
                    <super::file_pick::FilePick id="population-file" label={lang.pick("人口数据（CSV：地区代码,人口）", "Population (CSV: code,population)")}
                        accept=".csv,text/csv" {lang} onchange={on_population} />
                </div>
                if desk.regions.is_some() {
                    <div class="map-split">
                        { map_card(false, map_report.clone()) }
                        <div class="region-list">{ regions_html }</div>
                    </div>
                } else {
                    { regions_html }
                }
            </section>
            <section class="card">
                <h2>{ lang.pick("按人群", "By group") }</h2>
                { match &crowds { Some(c) => group_table(lang, lang.pick("人群", "Group"), c), None => computing() } }
            </section>
            <section class="card wide charts">
                if let Some(c) = &charts {
                    <dashboard::ChartCard desk={desk.clone()} option={c.days.clone()} testid="chart-days" kind={lang.pick("每日参赛", "per-day")}
                        label={lang.pick("每日参赛人次与人数折线图", "Line chart of attempts and participants per day")} />
                    <dashboard::ChartCard desk={desk.clone()} option={c.scores.clone()} testid="chart-scores" kind={lang.pick("得分分布", "scores")}
                        label={lang.pick("得分分布柱状图", "Bar chart of scores")} />
                    <dashboard::ChartCard desk={desk.clone()} option={c.crowds.clone()} testid="chart-crowds" kind={lang.pick("按人群", "groups")}
                        label={lang.pick("按人群柱状图", "Bar chart by group")} />
                    if let Some(top) = &top_option {
                        <dashboard::ChartCard desk={desk.clone()} option={top.clone()} testid="chart-top" kind={lang.pick("地区前10", "top-regions")}
                            label={lang.pick("地区前 10 名条形图", "Bar chart of the top 10 regions")} />
                    }
                } else {
                    { computing() }
                }
            </section>
            <section class="card wide">
                <h2>{ lang.pick("题目分析", "Item analysis") }</h2>
                <p class="hint">{ lang.pick("作答 10 次以上的题目才会标注提示。", "Flags need at least 10 answers.") }</p>
                <div class="controls">
                    <label>{ lang.pick("人群", "Group") }
                        <select data-testid="item-crowd" onchange={on_item_crowd}>
                            <option value="" selected={item_crowd.is_none()}>{ lang.pick("全部人群", "Everyone") }</option>
                            { for crowd_keys.iter().map(|key| html! {
                                <option value={key.clone()} selected={item_crowd.as_deref() == Some(key.as_str())}>{ key.clone() }</option>
                            }) }
                        </select>
                    </label>
                </div>
                <table class="grid" data-testid="item-table">
                    <thead><tr><th>{ lang.pick("题目", "Question") }</th><th>{ lang.pick("作答", "Shown") }</th><th>{ lang.pick("正确率", "Correct") }</th>
                        <th>{ lang.pick("平均用时", "Mean time") }</th><th>{ lang.pick("最常见错选", "Top wrong") }</th><th>{ lang.pick("提示", "Flag") }</th></tr></thead>
                    <tbody>{ for items.iter().take(shown_items).map(|it| {
                        let q = desk.bank.get(&it.qid);
                        let wrong = it.top_wrong.map(|(a, n): (AnswerSet, usize)| {
                            let text = q.map(|q| a.indices().map(|i| q.choice_text(i, lang)).collect::<Vec<_>>().join("；")).unwrap_or_default();
                            format!("{text} ({n})")
                        }).unwrap_or_default();
                        html! { <tr class={if it.flag.is_some() { "flagged" } else { "" }}>
                            <td>{ q.map(|q| q.stem.clone()).unwrap_or_else(|| it.qid.clone()) }</td><td class="num">{ grouped(it.shown) }</td><td>{ pct(it.correct_rate) }</td>
                            <td>{ it.mean_seconds.map(|s| format!("{s:.1}s")).unwrap_or_default() }</td><td>{ wrong }</td><td>{ flag_text(&it.flag) }</td>
                        </tr> }
                    }) }</tbody>
                </table>
                if shown_items < items.len() {
                    <button class="secondary" onclick={show_all}>{ match lang {
                        Lang::Zh => format!("显示全部 {} 题", items.len()),
                        Lang::En => format!("Show all {} questions", items.len()),
                    } }</button>
                }
            </section>
            }
        </div>
    }
}
