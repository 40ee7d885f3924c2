//! The statistics drawn: ECharts options for the charts and the map (their figures come from
//! `core::reports`), the map card with drill-down and its own boundaries, PNG downloads, and
//! the big screen (数据大屏).

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use serde_json::{json, Value};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::core::reports::dashboard::ScreenFigures;
use crate::core::reports::dashboard::{
    legend_bands, map_regions, parent_area, read_map_file, short_name, tooltip_lines, MapShapes,
};
use crate::core::reports::export::report_file_name;
use crate::core::reports::stats::{grouped, GroupRow, RankBy, RegionReport};
use crate::core::{Lang, Message, Notice};
use crate::web::browser::download::download;
use crate::web::browser::fetch::file_text;
use crate::web::now_ms;

use super::echarts::{data_url_bytes, png_of, register_map, replace_map, Chart};
use super::{Desk, DeskAction};

const GREEN: &str = "#0b6e4f";
const ORANGE: &str = "#d9822b";

fn base(title: &str) -> Value {
    json!({
        "animation": false,
        "title": { "text": title, "left": 0, "textStyle": { "fontSize": 15 } },
        "grid": { "left": 8, "right": 16, "top": 48, "bottom": 8, "containLabel": true },
        "tooltip": { "trigger": "axis" },
    })
}

fn merge(mut a: Value, b: Value) -> Value {
    if let (Some(a), Value::Object(b)) = (a.as_object_mut(), b) {
        a.extend(b);
    }
    a
}

/// Attempts per day (line) with the day's 人数 beside it.
pub fn days_option(lang: Lang, days: &[GroupRow]) -> Value {
    let people = lang.pick("参赛人数", "Participants");
    let attempts = lang.pick("参赛人次", "Attempts");
    merge(
        base(lang.pick("每日参赛人次与人数", "Attempts and participants per day")),
        json!({
            "legend": { "top": 24, "right": 0 },
            "xAxis": { "type": "category", "data": days.iter().map(|d| d.key.get(5..).unwrap_or(&d.key)).collect::<Vec<_>>() },
            "yAxis": { "type": "value", "minInterval": 1 },
            "series": [
                { "name": attempts, "type": "line", "data": days.iter().map(|d| d.participations).collect::<Vec<_>>(), "color": GREEN, "symbolSize": 6 },
                { "name": people, "type": "line", "data": days.iter().map(|d| d.participants).collect::<Vec<_>>(), "color": ORANGE, "symbolSize": 6, "lineStyle": { "type": "dashed" } },
            ],
        }),
    )
}

/// Attempts per band of the score.
pub fn scores_option(lang: Lang, scores: &[(u32, u32, usize)]) -> Value {
    merge(
        base(lang.pick("得分分布（占满分比例）", "Scores (share of the maximum)")),
        json!({
            "xAxis": { "type": "category", "data": scores.iter().map(|(lo, hi, _)| format!("{lo}–{hi}%")).collect::<Vec<_>>() },
            "yAxis": { "type": "value", "minInterval": 1 },
            "series": [{ "name": lang.pick("参赛人次", "Attempts"), "type": "bar", "data": scores.iter().map(|s| s.2).collect::<Vec<_>>(), "color": GREEN }],
        }),
    )
}

/// 人数 and 人次 per crowd group.
pub fn crowds_option(lang: Lang, crowds: &[GroupRow]) -> Value {
    merge(
        base(lang.pick("按人群", "By group")),
        json!({
            "legend": { "top": 24, "right": 0 },
            "xAxis": { "type": "category", "data": crowds.iter().map(|c| c.key.as_str()).collect::<Vec<_>>() },
            "yAxis": { "type": "value", "minInterval": 1 },
            "series": [
                { "name": lang.pick("参赛人数", "Participants"), "type": "bar", "data": crowds.iter().map(|c| c.participants).collect::<Vec<_>>(), "color": ORANGE },
                { "name": lang.pick("参赛人次", "Attempts"), "type": "bar", "data": crowds.iter().map(|c| c.participations).collect::<Vec<_>>(), "color": GREEN },
            ],
        }),
    )
}

/// What a measure is called.
pub fn measure_name(by: RankBy, lang: Lang) -> &'static str {
    match by {
        RankBy::Participants => lang.pick("参赛人数", "participants"),
        RankBy::Participations => lang.pick("参赛人次", "attempts"),
        RankBy::PerTenThousand => lang.pick("每万人参赛人数", "per 10,000 residents"),
        RankBy::Composite { .. } => lang.pick("综合分", "composite"),
    }
}

/// The top regions as horizontal bars, best at the top.
pub fn top_option(lang: Lang, top: &[(crate::core::reports::stats::RegionRow, f64)], by: RankBy, big: bool) -> Value {
    let title = format!("{} · {}", lang.pick("地区前 10 名", "Top 10 regions"), measure_name(by, lang));
    let rows: Vec<_> = top.iter().rev().collect();
    let round = |v: f64| (v * 100.0).round() / 100.0;
    let font = if big { 20 } else { 12 };
    merge(
        base(&title),
        json!({
            "title": { "text": title, "left": 0, "textStyle": { "fontSize": if big { 24 } else { 15 }, "color": if big { "#fff" } else { "#222" } } },
            "xAxis": { "type": "value", "axisLabel": { "fontSize": font, "color": if big { "#ddd" } else { "#555" } } },
            "yAxis": { "type": "category", "data": rows.iter().map(|(r, _)| short_name(&r.name)).collect::<Vec<_>>(),
                       "axisLabel": { "fontSize": font, "color": if big { "#fff" } else { "#333" } } },
            "series": [{ "type": "bar", "name": measure_name(by, lang), "data": rows.iter().map(|(_, v)| round(*v)).collect::<Vec<_>>(),
                         "color": if big { "#f2c14e" } else { GREEN }, "label": { "show": true, "position": "right", "fontSize": font, "color": if big { "#fff" } else { "#333" } } }],
        }),
    )
}

/// The map's option: one data item per shape with the table row's figures as its tooltip,
/// shaded by the measure in the legend's bands.
pub fn map_option(
    lang: Lang,
    shapes: &MapShapes,
    report: &RegionReport,
    by: RankBy,
    with_population: bool,
    big: bool,
) -> Value {
    let regions = map_regions(&shapes.shapes, report, by);
    let max = regions.iter().filter_map(|r| r.value).fold(0.0, f64::max);
    let whole = matches!(by, RankBy::Participants | RankBy::Participations);
    let bands = legend_bands(max, 5, whole);
    let shades = ["#e5f5ec", "#b7e1c8", "#7cc69f", "#3f9c73", "#0b6e4f", "#064a35"];
    let label = |v: f64| if whole { grouped(v as usize) } else { format!("{v:.1}") };
    let pieces: Vec<Value> = bands
        .iter()
        .enumerate()
        .map(|(i, (lo, hi))| json!({ "gte": lo, "lt": hi, "label": format!("{} – {}", label(*lo), label(*hi)), "color": shades[i.min(shades.len() - 1)] }))
        .collect();
    let data: Vec<Value> = regions
        .iter()
        .map(|r| {
            let tip = tooltip_lines(r, by, with_population, lang).join("<br/>");
            json!({ "name": r.code, "code": r.code, "value": r.value, "tooltip": { "formatter": tip } })
        })
        .collect();
    let text = if big { "#fff" } else { "#222" };
    json!({
        "animation": false,
        "tooltip": { "trigger": "item", "className": "map-tip", "confine": true },
        "visualMap": { "type": "piecewise", "pieces": pieces, "left": 0, "bottom": 0, "orient": "vertical", "showLabel": true,
                       "text": [measure_name(by, lang)], "textStyle": { "color": text, "fontSize": if big { 18 } else { 12 } },
                       "itemWidth": 14, "itemHeight": 10 },
        "series": [{
            "type": "map", "map": shapes.area, "nameProperty": "code", "roam": false, "selectedMode": false,
            "layoutCenter": ["50%", "48%"], "layoutSize": "92%",
            "itemStyle": { "areaColor": if big { "#33405a" } else { "#eeeeee" }, "borderColor": if big { "#8aa" } else { "#999" }, "borderWidth": 0.6 },
            "emphasis": { "label": { "show": false }, "itemStyle": { "areaColor": "#f2c14e" } },
            "data": data,
        }],
    })
}

/// Downloads the chart drawn in the element with `data-testid=testid` as a PNG named like the
/// other exports.
pub fn download_png(desk: &UseReducerHandle<Desk>, testid: &str, kind: &str) {
    let found = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(&format!("[data-testid=\"{testid}\"]")).ok().flatten())
        .and_then(|el| png_of(&el))
        .and_then(|url| data_url_bytes(&url));
    match found {
        Some(bytes) => {
            download(&report_file_name(&desk.contest.rules.id, kind, "png", now_ms()), "image/png", &bytes);
        }
        None => desk.dispatch(DeskAction::Notice(Notice::new(
            "图表尚未画好，请稍后再试",
            "The chart is not drawn yet; try again in a moment",
        ))),
    }
}

#[derive(Properties, PartialEq)]
pub struct ChartCardProps {
    pub desk: UseReducerHandle<Desk>,
    pub option: Rc<Value>,
    pub testid: AttrValue,
    pub label: AttrValue,
    /// The file name's kind (e.g. 每日参赛).
    pub kind: AttrValue,
}

/// A chart with its PNG download.
#[component]
pub fn ChartCard(props: &ChartCardProps) -> Html {
    let lang = props.desk.lang;
    let onclick = {
        let (desk, testid, kind) = (props.desk.clone(), props.testid.clone(), props.kind.clone());
        Callback::from(move |_| download_png(&desk, &testid, &kind))
    };
    html! {
        <figure class="chart">
            <Chart option={props.option.clone()} testid={props.testid.clone()} label={props.label.clone()} />
            <button class="secondary small" data-testid={format!("{}-png", props.testid)} {onclick}>{ lang.pick("下载图片 PNG", "Download PNG") }</button>
        </figure>
    }
}

thread_local! {
    /// Boundary files read this session, by area (the organizer's own file replaces one).
    static MAP_FILES: RefCell<HashMap<String, Rc<MapShapes>>> = RefCell::new(HashMap::new());
}

/// The boundaries of `area`, fetched once from `maps/AREA.json` beside the page.
pub async fn map_shapes(area: &str) -> Result<Rc<MapShapes>, Notice> {
    if let Some(found) = MAP_FILES.with(|m| m.borrow().get(area).cloned()) {
        return Ok(found);
    }
    let path = format!("maps/{area}.json");
    let missing = || Notice::new("这一级没有边界数据", "No boundaries for this area");
    let text = crate::web::browser::fetch::fetch_text(&path).await.map_err(|_| missing())?;
    let (shapes, text) = read_map_file(&text, None).map_err(|e| Notice::of(&e))?;
    super::echarts::ready().await.map_err(|_| Notice::new("图表库未能加载", "The chart library did not load"))?;
    register_map(area, &text);
    let shapes = Rc::new(MapShapes { area: area.to_string(), ..shapes });
    MAP_FILES.with(|m| m.borrow_mut().insert(area.to_string(), shapes.clone()));
    Ok(shapes)
}

/// What an area is called: 全国, or its full name from the region list (its code without one).
pub fn area_name(desk: &Desk, area: &str) -> String {
    match area {
        crate::core::reports::dashboard::COUNTRY => desk.lang.pick("全国", "China").to_string(),
        _ => desk
            .regions
            .as_ref()
            .map(|t| t.full_name(area))
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| area.to_string()),
    }
}

#[derive(Properties, PartialEq)]
pub struct MapCardProps {
    pub desk: UseReducerHandle<Desk>,
    /// The area shown; its inner level is the table's level.
    pub area: UseStateHandle<String>,
    /// The contest's own area (the map never goes above it).
    pub start: AttrValue,
    /// The region report at `level`, once computed.
    pub report: Option<Rc<RegionReport>>,
    pub level: u8,
    pub by: RankBy,
    pub with_population: bool,
    /// The map's level once its boundaries are in, and whether this is the map opening (not a
    /// click on it or going up).
    pub on_level: Callback<(u8, bool)>,
    /// The big screen: no controls, light text on dark.
    #[prop_or_default]
    pub big: bool,
}

/// The map of participation: shaded by the measure, a click drills down, 上一级 goes back.
#[component]
pub fn MapCard(props: &MapCardProps) -> Html {
    let desk = &props.desk;
    let lang = desk.lang;
    let area = (*props.area).clone();
    let shapes = use_state(|| None::<Rc<MapShapes>>);
    let version = use_state(|| 0u32); // bumped when the organizer loads their own file
    let opened = use_mut_ref(|| false);
    {
        let (shapes, desk, on_level) = (shapes.clone(), desk.clone(), props.on_level.clone());
        use_effect_with((area.clone(), *version), move |(area, _)| {
            let area = area.clone();
            let opening = !std::mem::replace(&mut *opened.borrow_mut(), true);
            wasm_bindgen_futures::spawn_local(async move {
                match map_shapes(&area).await {
                    Ok(s) => {
                        on_level.emit((s.level, opening));
                        shapes.set(Some(s));
                    }
                    Err(n) => desk.dispatch(DeskAction::Notice(n)),
                }
            });
        });
    }
    let current = shapes.as_ref().filter(|s| s.area == area).cloned();
    let option = use_memo(
        (current.clone(), props.report.clone(), props.by, props.with_population, props.level, props.big, lang),
        |(shapes, report, by, with_population, level, big, lang)| match (shapes, report) {
            (Some(s), Some(r)) if s.level == *level => {
                Some(Rc::new(map_option(*lang, s, r, *by, *with_population, *big)))
            }
            _ => None,
        },
    );
    let drill = {
        let (area_state, shapes) = (props.area.clone(), current.clone());
        Callback::from(move |code: String| {
            let Some(s) = &shapes else { return };
            // Only a province's or a city's code opens a map of its own.
            if s.level < 3 && code.len() == 6 && code.ends_with("00") && !code.starts_with('?') {
                area_state.set(code);
            }
        })
    };
    let up = parent_area(&area, &props.start).map(|parent| {
        let area_state = props.area.clone();
        Callback::from(move |_| area_state.set(parent.clone()))
    });
    let on_own = {
        let (desk, area_state, version) = (desk.clone(), props.area.clone(), version.clone());
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
            let (desk, area_state, version) = (desk.clone(), area_state.clone(), version.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let name = file.name();
                let text = file_text(&file).await;
                match read_map_file(&text, desk.regions.as_deref()) {
                    Ok((shapes, text)) => {
                        let _ = super::echarts::ready().await;
                        let shapes = Rc::new(MapShapes { source: name.clone(), ..shapes });
                        replace_map(&shapes.area, &text);
                        MAP_FILES.with(|m| m.borrow_mut().insert(shapes.area.clone(), shapes.clone()));
                        area_state.set(shapes.area.clone());
                        version.set(*version + 1);
                    }
                    Err(e) => {
                        desk.dispatch(DeskAction::Notice(Notice::each(|lang| format!("{name}: {}", e.message(lang)))))
                    }
                }
            });
        })
    };
    let testid = if props.big { "big-map" } else { "map" };
    let label = match lang {
        Lang::Zh => format!("参赛地图：按{}着色", measure_name(props.by, lang)),
        Lang::En => format!("Map of participation, shaded by {}", measure_name(props.by, lang)),
    };
    let level_name = |l: u8| match l {
        1 => lang.pick("省", "provinces"),
        2 => lang.pick("市", "cities"),
        _ => lang.pick("县（区）", "counties"),
    };
    let mismatch = current.as_ref().filter(|s| s.level != props.level).map(|s| match lang {
        Lang::Zh => format!(
            "地图显示{}一级：点击地图上的地区查看下一级，表格回到同一层级后地图即显示数字。",
            level_name(s.level)
        ),
        Lang::En => format!(
            "The map shows {}: click a region to go down; the map shows figures when the table is at the same level.",
            level_name(s.level)
        ),
    });
    let chart = match (*option).clone() {
        Some(option) => {
            html! { <super::echarts::Chart {option} testid={testid} label={label} class={classes!("map-chart")} onclick={(!props.big).then_some(drill)} /> }
        }
        None => {
            html! { <div class="map-chart echart" data-testid={format!("{testid}-loading")}><p class="loading" role="status">{
            mismatch.unwrap_or_else(|| lang.pick("正在画地图…", "Drawing the map…").to_string()) }</p></div> }
        }
    };
    if props.big {
        return chart;
    }
    let area_name = current.as_ref().map(|_| area_name(desk, &area));
    let source = current.as_ref().map(|s| s.source.clone()).unwrap_or_default();
    let png = {
        let desk = desk.clone();
        Callback::from(move |_| download_png(&desk, "map", desk.lang.pick("参赛地图", "map")))
    };
    html! {
        <figure class="map-card">
            <div class="controls">
                <strong data-testid="map-area">{ area_name.unwrap_or_default() }</strong>
                if let Some(up) = up {
                    <button class="secondary small" data-testid="map-up" onclick={up}>{ lang.pick("返回上一级", "Up one level") }</button>
                }
                <button class="secondary small" data-testid="map-png" onclick={png}>{ lang.pick("下载地图 PNG", "Download map (PNG)") }</button>
            </div>
            { chart }
            <figcaption class="hint" data-testid="map-source">{ match lang {
                Lang::Zh => format!("边界为示意，非标准地图；数据来源：{source}。点击省、市可查看下一级。"),
                Lang::En => format!("Boundaries are indicative (示意), not a standard map; source: {source}. Click a province or city to see its parts."),
            } }</figcaption>
            <super::file_pick::FilePick id="map-file" label={lang.pick("使用自己的边界文件（GeoJSON，如审图号标准地图）", "Use your own boundaries (GeoJSON, e.g. an approved standard map)")}
                accept=".json,.geojson,application/geo+json,application/json" {lang} onchange={on_own} />
        </figure>
    }
}

#[derive(Properties, PartialEq)]
pub struct BigScreenProps {
    pub desk: UseReducerHandle<Desk>,
    /// This device's figures, or the collector's when one is set.
    pub figures: Option<ScreenFigures>,
    /// Why the collector's newest counts could not be read (the last ones stay on screen).
    pub error: Option<String>,
    pub map: Html,
    pub top: Option<Rc<Value>>,
    pub on_close: Callback<()>,
}

/// The big screen (数据大屏): full screen, large figures, the map and the top regions, no
/// controls; Esc (or leaving full screen) closes it. The page refreshes the data under it, and
/// a line names where the figures come from.
#[component]
pub fn BigScreen(props: &BigScreenProps) -> Html {
    let lang = props.desk.lang;
    let node = use_node_ref();
    {
        let (node, on_close) = (node.clone(), props.on_close.clone());
        use_effect_with((), move |_| {
            if let Some(el) = node.cast::<web_sys::Element>() {
                let _ = el.request_fullscreen(); // not everywhere: the view fills the window anyway
                if let Some(h) = node.cast::<web_sys::HtmlElement>() {
                    let _ = h.focus();
                }
            }
            let document = web_sys::window().and_then(|w| w.document()).expect("a document");
            let on_key = {
                let on_close = on_close.clone();
                gloo_events::EventListener::new(&document, "keydown", move |e| {
                    let key = wasm_bindgen::JsCast::dyn_ref::<web_sys::KeyboardEvent>(e).map(|k| k.key());
                    if key.as_deref() == Some("Escape") {
                        on_close.emit(());
                    }
                })
            };
            let doc2 = document.clone();
            let on_fullscreen = gloo_events::EventListener::new(&document, "fullscreenchange", move |_| {
                if doc2.fullscreen_element().is_none() {
                    on_close.emit(());
                }
            });
            move || {
                drop((on_key, on_fullscreen));
                if let Some(d) = web_sys::window().and_then(|w| w.document()) {
                    if d.fullscreen_element().is_some() {
                        d.exit_fullscreen();
                    }
                }
            }
        });
    }
    let kpi = |n: String, label: &str, id: &str| {
        html! {
            <div class="big-kpi"><span class="n" data-testid={id.to_string()}>{ n }</span><span>{ label.to_string() }</span></div>
        }
    };
    html! {
        <div class="bigscreen" ref={node} data-testid="bigscreen" tabindex="-1" role="dialog" aria-modal="true"
            aria-label={lang.pick("数据大屏（按 Esc 退出）", "Big screen (Esc leaves)")}>
            <h1>{ props.desk.contest.rules.title.clone() }</h1>
            if let Some(f) = &props.figures {
                <div class="big-kpis">
                    { kpi(grouped(f.participants), lang.pick("参赛人数", "participants"), "big-participants") }
                    { kpi(grouped(f.participations), lang.pick("参赛人次", "attempts"), "big-participations") }
                    if let Some((average, pass)) = f.scores {
                        { kpi(format!("{average:.1}"), lang.pick("平均分", "average score"), "big-average") }
                        { kpi(format!("{:.1}%", pass * 100.0), lang.pick("及格率", "pass rate"), "big-pass") }
                    }
                </div>
                <p class="big-source" data-testid="big-source">{ f.source_line(lang) }{
                    props.error.as_ref().map(|why| match lang {
                        Lang::Zh => format!("（暂时无法更新：{why}）"),
                        Lang::En => format!(" (cannot update now: {why})"),
                    }).unwrap_or_default()
                }</p>
            }
            <div class="big-body">
                <div class="big-map">{ props.map.clone() }</div>
                <div class="big-top">
                    if let Some(top) = &props.top {
                        <Chart option={top.clone()} testid="big-top" label={lang.pick("地区前 10 名", "Top 10 regions")} />
                    }
                </div>
            </div>
        </div>
    }
}
