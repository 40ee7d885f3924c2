//! The organizer's dashboard as the charts and the map draw it: which area a map shows and
//! where a click leads, each shape's figures (the same rows as the region table), the
//! legend's bands, and the top regions. The page only turns these into chart options.

use serde_json::Value;

use crate::core::model::region::{level, RegionTable};
use crate::core::reports::stats::{grouped, rank_regions, Headline, RankBy, RegionReport, RegionRow};
use crate::core::Lang;
use crate::core::Message;

/// The whole country's map: its shapes are the provinces.
pub const COUNTRY: &str = "100000";

/// The area a contest's map opens on: the country, or the province or city it is scoped to.
pub fn start_area(scope: Option<&str>) -> String {
    match scope {
        Some(s) if s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit()) && s.ends_with("00") => s.to_string(),
        _ => COUNTRY.to_string(),
    }
}

/// The area one level up from `area` (a city's province, a province's country), or `None` at
/// the contest's own start area or the country: a map never leaves the contest's scope.
pub fn parent_area(area: &str, start: &str) -> Option<String> {
    if area == start || area == COUNTRY {
        return None;
    }
    Some(if area.ends_with("0000") { COUNTRY.to_string() } else { format!("{}0000", &area[..2]) })
}

/// The area whose regions are at `chosen` level, going up from `area` (a map can go up by
/// itself; going down needs a region to be picked): `None` when `area` already is at that
/// level, or the level is below it, or above the contest's `start`.
pub fn map_area_for_level(area: &str, start: &str, chosen: u8) -> Option<String> {
    let mut current = area.to_string();
    while inner_level(&current) > chosen {
        current = parent_area(&current, start)?;
    }
    (current != area).then_some(current)
}

/// The level (1 province, 2 city, 3 county) of the regions inside `area`.
pub fn inner_level(area: &str) -> u8 {
    if area == COUNTRY {
        1
    } else {
        (level(area) + 1).min(3)
    }
}

/// Whether `code` lies inside `area` (the country holds every code).
pub fn within(code: &str, area: &str) -> bool {
    match area {
        COUNTRY => true,
        a if a.ends_with("0000") => code.get(..2) == a.get(..2),
        a => code.get(..4) == a.get(..4),
    }
}

/// The rows of `report` inside `area` (the 未知地区 row only for the whole country), with
/// totals that are the sums of those rows: the table and the top 10 of a drilled-down map.
pub fn report_within(report: &RegionReport, area: &str) -> RegionReport {
    if area == COUNTRY {
        return report.clone();
    }
    let rows: Vec<RegionRow> = report.rows.iter().filter(|r| within(&r.code, area)).cloned().collect();
    RegionReport {
        participants: rows.iter().map(|r| r.participants).sum(),
        participations: rows.iter().map(|r| r.participations).sum(),
        rows,
    }
}

/// Where the big screen's figures come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScreenSource {
    /// This device's ledger (its own attempts and those merged in).
    Device,
    /// The results collector's counters, of every stage: it counts no stage apart, so
    /// `true` when the organizer has chosen one (the screen then says it shows them all).
    Collector { stage_chosen: bool },
}

/// The big screen's headline figures. Only this device's data has the scores: the
/// collector counts people and attempts, so its screen shows no average or pass rate.
#[derive(Clone, Debug, PartialEq)]
pub struct ScreenFigures {
    pub source: ScreenSource,
    pub participants: usize,
    pub participations: usize,
    /// The average score and the pass rate (0–1).
    pub scores: Option<(f64, f64)>,
}

impl ScreenFigures {
    pub fn of_device(headline: &Headline) -> ScreenFigures {
        ScreenFigures {
            source: ScreenSource::Device,
            participants: headline.participants,
            participations: headline.participations,
            scores: Some((headline.average_score, headline.pass_rate)),
        }
    }

    /// The collector's totals, from its counts at any level, while the statistics show one
    /// stage (`stage_chosen`) or all of them.
    pub fn of_collector(counts: &RegionReport, stage_chosen: bool) -> ScreenFigures {
        ScreenFigures {
            source: ScreenSource::Collector { stage_chosen },
            participants: counts.participants,
            participations: counts.participations,
            scores: None,
        }
    }

    /// The line naming the source under the figures.
    pub fn source_line(&self, lang: Lang) -> &'static str {
        match self.source {
            ScreenSource::Device => lang.pick("数据来源：本机数据", "Source: this device's data"),
            ScreenSource::Collector { stage_chosen: false } => {
                lang.pick("数据来源：汇总服务器", "Source: the results collector")
            }
            ScreenSource::Collector { stage_chosen: true } => lang.pick(
                "数据来源：汇总服务器（全部阶段：服务器不分阶段计数）",
                "Source: the results collector (all stages: it does not count stages apart)",
            ),
        }
    }
}

/// One shape of the map with the figures of its row in the region table; a shape without a
/// row (nobody from there yet, or a region the code list does not know) has no figures.
#[derive(Clone, Debug, PartialEq)]
pub struct MapRegion {
    pub code: String,
    pub name: String,
    pub row: Option<RegionRow>,
    /// The measure the map is shaded by: as the table ranks (`rank_regions`); `None` without a
    /// row, or per 10,000 residents without a population.
    pub value: Option<f64>,
}

/// The map's shapes (`(code, name)` as the boundary file gives them) with the rows of
/// `report`, measured `by` as the region table ranks them (a composite is scaled to 0–100 as
/// the table shows it). Rows are looked up by code, so the report must be at the shapes' level.
pub fn map_regions(shapes: &[(String, String)], report: &RegionReport, by: RankBy) -> Vec<MapRegion> {
    let ranked = rank_regions(&report.rows, by);
    shapes
        .iter()
        .map(|(code, name)| {
            let row = report.rows.iter().find(|r| &r.code == code).cloned();
            let value = ranked.iter().find(|(r, _)| &r.code == code).map(|(_, v)| match by {
                RankBy::Composite { .. } => *v * 100.0,
                _ => *v,
            });
            MapRegion {
                code: code.clone(),
                name: row.as_ref().map(|r| r.name.clone()).unwrap_or_else(|| name.clone()),
                row,
                value,
            }
        })
        .collect()
}

/// The figures a region's row in the table shows, as lines for the map's tooltip: 人数, 人次,
/// per 10,000 residents when a population was given, and the composite when ranked by it.
pub fn tooltip_lines(region: &MapRegion, by: RankBy, with_population: bool, lang: Lang) -> Vec<String> {
    let Some(row) = &region.row else {
        return vec![region.name.clone(), lang.pick("暂无参赛数据", "No results yet").to_string()];
    };
    let mut lines = vec![
        row.name.clone(),
        format!("{} {}", lang.pick("人数", "People"), grouped(row.participants)),
        format!("{} {}", lang.pick("人次", "Attempts"), grouped(row.participations)),
    ];
    if with_population {
        let v = row.per_10k.map(|v| format!("{v:.2}")).unwrap_or_else(|| "—".into());
        lines.push(format!("{} {v}", lang.pick("每万人", "Per 10k")));
    }
    if let (RankBy::Composite { .. }, Some(v)) = (by, region.value) {
        lines.push(format!("{} {v:.1}", lang.pick("综合分", "Score")));
    }
    lines
}

/// The legend's bands for values up to `max`: `bands` ranges `[low, high)` of equal, round
/// width (1, 2 or 5 times a power of ten, at least 1 for counts), the last one reaching `max`.
/// Without a positive maximum there is one band, `[0, 1)`.
pub fn legend_bands(max: f64, bands: usize, whole: bool) -> Vec<(f64, f64)> {
    let bands = bands.max(1);
    if max.is_nan() || max <= 0.0 {
        return vec![(0.0, 1.0)];
    }
    let raw = max / bands as f64;
    let power = 10f64.powf(raw.log10().floor());
    let mut width = [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * power).find(|w| *w >= raw).unwrap_or(10.0 * power);
    if whole {
        width = width.max(1.0).ceil();
    }
    let mut out = Vec::new();
    let mut low = 0.0;
    while low <= max && out.len() < bands + 1 {
        out.push((low, low + width));
        low += width;
    }
    // `max` itself falls in the last band.
    if let Some(last) = out.last() {
        if last.1 <= max {
            out.push((last.1, last.1 + width));
        }
    }
    out
}

/// The top `n` regions of the report ranked `by` (the 未知地区 row left out), as the table's
/// first rows.
pub fn top_regions(report: &RegionReport, by: RankBy, n: usize) -> Vec<(RegionRow, f64)> {
    rank_regions(&report.rows, by).into_iter().take(n).collect()
}

/// The last part of a region's full name (`湖南省 长沙市 岳麓区` → `岳麓区`), as short labels
/// on a chart's axis show it.
pub fn short_name(full: &str) -> &str {
    full.rsplit(' ').next().unwrap_or(full)
}

/// A boundary file's shapes: the area it draws, the level of its regions, where the shapes
/// come from, and each shape's `(code, name)` in file order.
#[derive(Clone, Debug, PartialEq)]
pub struct MapShapes {
    pub area: String,
    pub level: u8,
    pub source: String,
    pub shapes: Vec<(String, String)>,
}

/// Why a GeoJSON file cannot be drawn.
#[derive(Clone, Debug, PartialEq)]
pub enum MapFileError {
    /// Not JSON, or not a FeatureCollection with features.
    NotGeoJson,
    /// No feature could be given a region code (by a code property or by its name).
    NoRegions,
    /// The regions are not all inside one province or city at one level.
    Mixed,
}

impl Message for MapFileError {
    fn message(&self, lang: Lang) -> String {
        match self {
            MapFileError::NotGeoJson => lang.pick("不是 GeoJSON 边界文件（需要 FeatureCollection）", "not a GeoJSON boundary file (a FeatureCollection is needed)"),
            MapFileError::NoRegions => lang.pick(
                "边界文件中没有可识别的地区：每个区域需要 adcode 或 code（六位地区代码），或与地区名称一致的 name",
                "no region in the file could be recognised: each feature needs an adcode or code (six-digit region code), or a name as in the region list",
            ),
            MapFileError::Mixed => lang.pick("边界文件中的地区不属于同一个省或市的同一层级", "the file's regions are not of one level inside one province or city"),
        }
        .to_string()
    }
}

crate::core::english_display!(MapFileError);

/// A six-digit code from a feature's `adcode`, `code` or `id` (numbers or text; two- and
/// four-digit codes are a province's and a city's).
fn code_of(value: &Value) -> Option<String> {
    let text = match value {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.trim().to_string(),
        _ => return None,
    };
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match text.len() {
        2 => Some(format!("{text}0000")),
        4 => Some(format!("{text}00")),
        6 => Some(text),
        _ => None,
    }
}

/// Reads a boundary file: this build's own (`properties.code`, with `level` and `source`) or an
/// organizer's GeoJSON, whose features are given codes by `adcode`/`code`/`id`, or by `name`
/// as the region list names a region (for 省直辖 counties and renamed places a code is
/// needed). Returns the shapes and the file with each feature's `properties.code` set (the map
/// draws by it); features without a code are kept and drawn without figures.
pub fn read_map_file(text: &str, regions: Option<&RegionTable>) -> Result<(MapShapes, String), MapFileError> {
    let mut doc: Value = serde_json::from_str(text).map_err(|_| MapFileError::NotGeoJson)?;
    let source = doc.get("source").and_then(Value::as_str).unwrap_or_default().to_string();
    let features = doc.get_mut("features").and_then(Value::as_array_mut).ok_or(MapFileError::NotGeoJson)?;
    if features.is_empty() {
        return Err(MapFileError::NotGeoJson);
    }
    // Every region named `name` (county names repeat across the country).
    let named = |name: &str| -> Vec<String> {
        let Some(table) = regions else { return Vec::new() };
        let mut found = Vec::new();
        for (p, pn) in table.children(None) {
            if pn == name {
                found.push(p.to_string());
            }
            for (c, cn) in table.children(Some(p)) {
                if cn == name {
                    found.push(c.to_string());
                }
                found.extend(
                    table.children(Some(c)).into_iter().filter(|(_, n)| *n == name).map(|(k, _)| k.to_string()),
                );
            }
        }
        found
    };
    let given: Vec<Option<String>> = features
        .iter()
        .map(|f| {
            let props = f.get("properties");
            ["code", "adcode", "id"]
                .iter()
                .find_map(|k| props.and_then(|p| p.get(*k)).and_then(code_of))
                .or_else(|| f.get("id").and_then(code_of))
        })
        .collect();
    // A name with several regions is taken inside the area of the first code given or found.
    let anchor = given.iter().flatten().next().cloned().or_else(|| {
        features.iter().find_map(|f| {
            let found = named(f.get("properties")?.get("name")?.as_str()?);
            (found.len() == 1).then(|| found[0].clone())
        })
    });
    let by_name = |name: &str| -> Option<String> {
        let found = named(name);
        match (found.len(), &anchor) {
            (0, _) => None,
            (1, _) => found.into_iter().next(),
            (_, Some(a)) => {
                found.into_iter().find(|c| c.get(..4) == a.get(..4) || (level(a) == 1 && c.get(..2) == a.get(..2)))
            }
            (_, None) => None,
        }
    };
    let mut shapes = Vec::new();
    for (i, f) in features.iter_mut().enumerate() {
        let props = f.get("properties").cloned().unwrap_or(Value::Null);
        let name = props.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
        let code = given[i].clone().or_else(|| by_name(&name));
        let key = code.clone().unwrap_or_else(|| format!("?{i}:{name}"));
        if let Some(obj) = f.as_object_mut() {
            let props = obj.entry("properties").or_insert_with(|| Value::Object(Default::default()));
            if let Some(p) = props.as_object_mut() {
                p.insert("code".into(), Value::String(key.clone()));
            }
        }
        let name = match (regions, &code) {
            (Some(t), Some(c)) if !t.full_name(c).is_empty() && name.is_empty() => t.full_name(c),
            _ if name.is_empty() => key.clone(),
            _ => name,
        };
        shapes.push((key, name));
    }
    let codes: Vec<&str> = shapes.iter().map(|(c, _)| c.as_str()).filter(|c| !c.starts_with('?')).collect();
    if codes.is_empty() {
        return Err(MapFileError::NoRegions);
    }
    let levels: Vec<u8> = codes.iter().map(|c| level(c)).collect();
    let inner =
        doc.get("level").and_then(Value::as_u64).map(|l| l as u8).unwrap_or_else(|| *levels.iter().max().unwrap_or(&1));
    let area = match doc.get("code").and_then(code_of) {
        Some(a) => a,
        None if inner == 1 => COUNTRY.to_string(),
        None => {
            let parent = |c: &str| if inner == 2 { format!("{}0000", &c[..2]) } else { format!("{}00", &c[..4]) };
            let first = parent(codes[0]);
            if codes.iter().any(|c| parent(c) != first) || levels.iter().any(|l| *l != inner) {
                return Err(MapFileError::Mixed);
            }
            first
        }
    };
    Ok((MapShapes { area, level: inner, source, shapes }, doc.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn areas_up_and_down() {
        assert_eq!(start_area(None), COUNTRY);
        assert_eq!(start_area(Some("430000")), "430000");
        assert_eq!(start_area(Some("4301")), COUNTRY);
        assert_eq!(inner_level(COUNTRY), 1);
        assert_eq!(inner_level("430000"), 2);
        assert_eq!(inner_level("430100"), 3);
        assert_eq!(parent_area("430100", COUNTRY).as_deref(), Some("430000"));
        assert_eq!(parent_area("430000", COUNTRY).as_deref(), Some(COUNTRY));
        assert_eq!(parent_area(COUNTRY, COUNTRY), None);
        assert_eq!(parent_area("430000", "430000"), None, "not above the contest's scope");
        assert_eq!(map_area_for_level("430100", COUNTRY, 1).as_deref(), Some(COUNTRY));
        assert_eq!(map_area_for_level("430100", COUNTRY, 2).as_deref(), Some("430000"));
        assert_eq!(map_area_for_level("430100", COUNTRY, 3), None);
        assert_eq!(map_area_for_level(COUNTRY, COUNTRY, 3), None, "going down needs a region picked");
        assert_eq!(map_area_for_level("430100", "430100", 1), None, "not above the contest's area");
        assert!(within("430104", "430100") && !within("430204", "430100"));
        assert!(within("430204", "430000") && !within("440204", "430000"));
    }
}
