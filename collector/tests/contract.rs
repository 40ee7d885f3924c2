//! The collector contract (spec/collector-api.md) driven over HTTP against a real PostgreSQL:
//! accepted / duplicate / rejected, a tampered score refused, 400 / 413 / 401 / 429, counts
//! and the region CSV, receipts, the recount, the database going down and coming back, and
//! concurrent resends counted once.

mod common;

use std::time::{SystemTime, UNIX_EPOCH};

use common::*;
use kepu_collector::contests::{self, Contests};
use kepu_collector::sample;
use kepu_quiz::core::exchange::ledger_file::{export_ledger, read_ledger_file};
use kepu_quiz::core::exchange::receipts::{CollectorKey, ReceiptTally};
use kepu_quiz::core::exchange::submission::{verify_receipt, Submission, SubmittedAttempt};
use kepu_quiz::core::formats::codec::SerdeJson;
use kepu_quiz::core::play::ledger::Attempt;
use kepu_quiz::core::reports::export::region_csv;
use kepu_quiz::core::reports::stats::region_report;
use serde_json::Value;

const CONTEST: &str = "kepu-demo";

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() as i64
}

fn load() -> Contests {
    contests::load(&questions(), None).unwrap()
}

/// An honest attempt of the default contest, started `minutes_ago`.
fn attempt(loaded: &Contests, id: &str, person: &str, region: &str, minutes_ago: i64) -> SubmittedAttempt {
    let served = &loaded.by_id[CONTEST];
    sample::honest(
        served,
        id,
        person,
        Some(region),
        now_ms() - minutes_ago * 60_000,
        id.len() as u64 * 7919 + minutes_ago as u64,
    )
}

fn body(attempts: &[&SubmittedAttempt]) -> String {
    serde_json::to_string(&Submission {
        contest: CONTEST.into(),
        attempts: attempts.iter().map(|a| (*a).clone()).collect(),
    })
    .unwrap()
}

fn statuses(reply: &Reply) -> Vec<String> {
    assert_eq!(reply.status, 200, "{}", reply.text());
    reply.json()["results"].as_array().unwrap().iter().map(|r| r["status"].as_str().unwrap().to_string()).collect()
}

/// What the app's own statistics make of these attempts (each person in one region here, so
/// "first attempt's region" and "every region they played in" agree).
fn core_attempts(loaded: &Contests, sent: &[&SubmittedAttempt]) -> Vec<Attempt> {
    let served = &loaded.by_id[CONTEST];
    sent.iter().map(|a| a.check(&served.record_check(now_ms()), &loaded.regions).unwrap()).collect()
}

fn counts(c: &Collector, level: &str) -> Value {
    let reply = c.get(&format!("/v1/contests/{CONTEST}/counts?level={level}"), Some(TOKEN));
    assert_eq!(reply.status, 200, "{}", reply.text());
    reply.json()
}

#[test]
fn attempts_are_checked_stored_once_and_counted_like_the_organizers_page() {
    let cluster = Cluster::start();
    let c = Collector::start(&cluster, &[]);
    let loaded = load();
    let a1 = attempt(&loaded, "r1-a", "r1", "410102", 90);
    let a2 = attempt(&loaded, "r1-b", "r1", "410102", 60);
    let a3 = attempt(&loaded, "r2-a", "r2", "410105", 50);
    let a4 = attempt(&loaded, "r3-a", "r3", "440106", 40);

    let first = c.post(&body(&[&a1, &a2, &a3]));
    assert_eq!(statuses(&first), ["accepted", "accepted", "accepted"]);
    // Receipts verify with the published key against what was counted, and only that.
    let key = c.get("/v1/receipt-key", None).json()["public_key"].as_str().unwrap().to_string();
    let checked = core_attempts(&loaded, &[&a1]);
    let receipt = first.json()["results"][0]["receipt"].as_str().unwrap().to_string();
    assert!(verify_receipt(&key, CONTEST, &checked[0], &receipt));
    let mut forged = checked[0].clone();
    forged.score += 5;
    assert!(!verify_receipt(&key, CONTEST, &forged, &receipt));
    // The organizer's page counts them with the same core function it uses on a merged results
    // file (`ReceiptTally`, `CollectorKey`): each attempt as the phone keeps it, with the receipt
    // the collector answered, written to a results file and read back.
    let mut carried = core_attempts(&loaded, &[&a1, &a2, &a3]);
    for (a, r) in carried.iter_mut().zip(first.json()["results"].as_array().unwrap()) {
        a.receipt = Some(r["receipt"].as_str().unwrap().to_string());
    }
    let file = export_ledger::<SerdeJson>(CONTEST, "phone", &carried, now_ms());
    let read = read_ledger_file(&file, CONTEST).unwrap();
    let collector_key = CollectorKey::parse(&key).unwrap();
    assert_eq!(
        ReceiptTally::of_records(Some(&collector_key), CONTEST, &read),
        ReceiptTally { valid: 3, invalid: 0, without: 0, unchecked: 0 }
    );
    forged = read[1].clone();
    forged.started_at -= 1;
    assert_eq!(ReceiptTally::of_records(Some(&collector_key), CONTEST, [&forged]).invalid, 1);

    // A resend is a duplicate; a tampered score, a region outside the data and a city where the
    // contest asks for a county are refused with reasons; nothing of those is counted.
    let mut tampered = attempt(&loaded, "r4-a", "r4", "410102", 30);
    tampered.score -= 5;
    let mut bad_region = attempt(&loaded, "r5-a", "r5", "410102", 30);
    bad_region.region = Some("999999".into());
    let mut city = attempt(&loaded, "r6-a", "r6", "410102", 30);
    city.region = Some("410100".into());
    let second = c.post(&body(&[&a1, &a4, &tampered, &bad_region, &city, &a4]));
    assert_eq!(statuses(&second), ["duplicate", "accepted", "rejected", "rejected", "rejected", "duplicate"]);
    let results = second.json()["results"].clone();
    assert_eq!(results[2]["reason"], "与按题库重新计算的得分不符");
    assert!(results[3]["reason"].as_str().unwrap().contains("999999"));
    assert!(results[2].get("receipt").is_none() && results[0].get("receipt").is_none());

    // Unknown contest: every attempt refused, with the reason.
    let other = c.post(&body(&[&a1]).replace(CONTEST, "no-such-contest"));
    assert_eq!(statuses(&other), ["rejected"]);
    assert_eq!(other.json()["results"][0]["reason"], "收集服务器上没有这个竞赛");

    // 400 for what is not the contract's shape, 413 for too much.
    for bad in ["not json", "{\"contest\":\"kepu-demo\"}", "{\"contest\":\"kepu-demo\",\"attempts\":[{\"id\":1}]}"] {
        let r = c.post(bad);
        assert_eq!(r.status, 400, "{bad}: {}", r.text());
        assert!(r.json()["error"].as_str().is_some_and(|e| !e.is_empty()));
    }
    let big = format!("{{\"contest\":\"kepu-demo\",\"attempts\":[],\"pad\":\"{}\"}}", "x".repeat(70_000));
    assert_eq!(c.post(&big).status, 413);
    let many: Vec<SubmittedAttempt> =
        (0..51).map(|i| SubmittedAttempt { id: format!("m{i}"), answers: vec![], ..a1.clone() }).collect();
    let many_body = body(&many.iter().collect::<Vec<_>>());
    assert!(many_body.len() < 64 * 1024);
    assert_eq!(c.post(&many_body).status, 413, "51 attempts");

    // The organizer's endpoints: 401 without the token, revealing nothing.
    for token in [None, Some("wrong")] {
        for path in ["counts?level=province", "counts.csv?level=county", "recount"] {
            let r = c.get(&format!("/v1/contests/{CONTEST}/{path}"), token);
            assert_eq!(r.status, 401, "{path}");
            assert!(!r.text().contains("410000") && !r.text().contains("participants"));
        }
    }
    assert_eq!(c.get("/v1/contests/no-such-contest/counts?level=city", Some(TOKEN)).status, 404);
    assert_eq!(c.get(&format!("/v1/contests/{CONTEST}/counts?level=street"), Some(TOKEN)).status, 400);

    // Counts: 3 people, 4 attempts; the rows add up to the totals at every level.
    let province = counts(&c, "province");
    assert_eq!((province["participants"].as_u64(), province["participations"].as_u64()), (Some(3), Some(4)));
    let rows: Vec<(String, u64, u64)> = province["regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["code"].as_str().unwrap().into(),
                r["participants"].as_u64().unwrap(),
                r["participations"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(rows, [("410000".to_string(), 2, 3), ("440000".to_string(), 1, 1)]);
    let county = counts(&c, "county");
    assert_eq!(county["regions"][0]["code"], "410102");
    assert_eq!(county["regions"][0]["name"], "河南省 郑州市 中原区");
    assert_eq!(
        (county["regions"][0]["participants"].as_u64(), county["regions"][0]["participations"].as_u64()),
        (Some(1), Some(2))
    );

    // The CSV is byte for byte what the organizer's page exports for the same attempts.
    let accepted = core_attempts(&loaded, &[&a1, &a2, &a3, &a4]);
    for (name, level) in [("province", 1), ("city", 2), ("county", 3)] {
        let r = c.get(&format!("/v1/contests/{CONTEST}/counts.csv?level={name}"), Some(TOKEN));
        assert_eq!(r.status, 200);
        assert!(r.header("content-type").unwrap().starts_with("text/csv"));
        let page = region_csv(&region_report(&accepted, &loaded.regions, level, None));
        assert_eq!(r.text(), String::from_utf8(page.clone()).unwrap(), "{name}");
        assert_eq!(r.body, page, "{name}");
    }

    // The recount agrees with the counters, by HTTP and by the operator's command…
    let recount = c.get(&format!("/v1/contests/{CONTEST}/recount"), Some(TOKEN)).json();
    assert_eq!(recount["mismatches"], serde_json::json!([]));
    assert_eq!((recount["participants"].as_u64(), recount["participations"].as_u64()), (Some(3), Some(4)));
    let out = run_collector(&cluster, &["recount"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8_lossy(&out.stdout)
        .contains("kepu-demo: counters match the tables: 3 participants, 4 participations"));
    // …and finds a counter changed behind its back.
    let psql = psql(&cluster, "UPDATE region_counters SET participations = participations + 1 WHERE region = '440106'");
    assert!(psql.status.success(), "{}", String::from_utf8_lossy(&psql.stderr));
    let out = run_collector(&cluster, &["recount", "--contest", CONTEST]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"440106\": counters (1, 2), tables (1, 1)"));

    // CORS: the configured origin may submit from a browser, another may not.
    let preflight = |origin: &str| {
        c.request(
            "OPTIONS",
            "/v1/attempts",
            &[
                ("Origin", origin),
                ("Access-Control-Request-Method", "POST"),
                ("Access-Control-Request-Headers", "content-type"),
            ],
            b"",
        )
    };
    assert_eq!(
        preflight("https://quiz.example.org").header("access-control-allow-origin"),
        Some("https://quiz.example.org")
    );
    assert_eq!(preflight("https://evil.example").header("access-control-allow-origin"), None);

    // SIGTERM: exits 0.
    assert!(c.terminate().success());
}

fn psql(cluster: &Cluster, sql: &str) -> std::process::Output {
    std::process::Command::new("psql").args([&cluster.url(), "-v", "ON_ERROR_STOP=1", "-c", sql]).output().unwrap()
}

#[test]
fn per_address_limits_apply_only_to_a_trusted_proxys_header() {
    let cluster = Cluster::start();
    let c = Collector::start(&cluster, &["--client-ip-header", "X-Real-IP", "--per-ip-rate", "1"]);
    let empty = "{\"contest\":\"kepu-demo\",\"attempts\":[]}";
    let from = |ip: &str| c.request("POST", "/v1/attempts", &[("X-Real-IP", ip)], empty.as_bytes());
    for _ in 0..10 {
        assert_eq!(from("203.0.113.5").status, 200, "a burst of 10");
    }
    let limited = from("203.0.113.5");
    assert_eq!(limited.status, 429);
    assert!(limited.header("retry-after").unwrap().parse::<u64>().unwrap() >= 1);
    assert_eq!(from("203.0.113.6").status, 200, "another address behind the proxy");
    // Without the header (or from an untrusted peer) the address is not guessed.
    for _ in 0..20 {
        assert_eq!(c.post(empty).status, 200);
    }
}

#[test]
fn the_database_going_down_gives_503_and_coming_back_needs_no_restart() {
    let cluster = Cluster::start();
    let c = Collector::start(&cluster, &[]);
    let loaded = load();
    let a1 = attempt(&loaded, "d1-a", "d1", "410102", 30);
    let a2 = attempt(&loaded, "d1-b", "d1", "410102", 20);
    assert_eq!(statuses(&c.post(&body(&[&a1]))), ["accepted"]);
    cluster.down();
    let down = c.post(&body(&[&a2]));
    assert_eq!(down.status, 503, "{}", down.text());
    assert!(down.header("retry-after").is_some());
    assert_eq!(c.get("/healthz", None).status, 503);
    assert_eq!(c.get(&format!("/v1/contests/{CONTEST}/counts?level=province"), Some(TOKEN)).status, 503);
    cluster.up();
    c.wait_healthy(std::time::Duration::from_secs(30));
    assert_eq!(statuses(&c.post(&body(&[&a2, &a1]))), ["accepted", "duplicate"]);
    let province = counts(&c, "province");
    assert_eq!((province["participants"].as_u64(), province["participations"].as_u64()), (Some(1), Some(2)));
    assert!(c.terminate().success());
}

/// `--read-database-url` (the organizer's reads from a streaming replica): counts, the CSV, the
/// recount and certificate lookups read there, while attempts are written to `DATABASE_URL`.
/// Two independent clusters stand in for primary and replica, so where each answer came from
/// shows in the numbers.
#[test]
fn the_organizers_reads_go_to_the_read_database() {
    let (primary, replica) = (Cluster::start(), Cluster::start());
    let loaded = load();
    // The "replica" holds one attempt (written there by a collector of its own)…
    let on_replica = Collector::start(&replica, &[]);
    let r1 = attempt(&loaded, "rr-a", "rr", "440106", 30);
    assert_eq!(statuses(&on_replica.post(&body(&[&r1]))), ["accepted"]);
    assert!(on_replica.terminate().success());
    // …the primary gets two, through a collector that reads from the replica.
    let url = replica.url();
    let c = Collector::start(&primary, &["--read-database-url", &url]);
    let (p1, p2) = (attempt(&loaded, "rp-a", "rp", "410102", 30), attempt(&loaded, "rq-a", "rq", "410102", 20));
    assert_eq!(statuses(&c.post(&body(&[&p1, &p2]))), ["accepted", "accepted"]);
    let province = counts(&c, "province");
    assert_eq!((province["participants"].as_u64(), province["participations"].as_u64()), (Some(1), Some(1)));
    assert_eq!(province["regions"][0]["code"], "440000", "the replica's attempt, not the primary's");
    let csv = c.get(&format!("/v1/contests/{CONTEST}/counts.csv?level=province"), Some(TOKEN));
    assert!(csv.text().contains("440000,广东省,1,1"), "{}", csv.text());
    let recount = c.get(&format!("/v1/contests/{CONTEST}/recount"), Some(TOKEN));
    assert_eq!(recount.status, 200, "{}", recount.text());
    let code = |a: &SubmittedAttempt| {
        let attempt = core_attempts(&loaded, &[a]).remove(0);
        kepu_quiz::core::exchange::certificate::code_of(&attempt, None)
    };
    let found = |a: &SubmittedAttempt| {
        c.get(&format!("/v1/contests/{CONTEST}/certificates/{}", code(a)), Some(TOKEN)).json()["found"].clone()
    };
    assert_eq!((found(&r1), found(&p1)), (Value::Bool(true), Value::Bool(false)));
    // Writes went to the primary: without the option the same database counts them.
    assert!(c.terminate().success());
    let plain = Collector::start(&primary, &[]);
    assert_eq!(counts(&plain, "province")["participations"].as_u64(), Some(2));
    assert_eq!(statuses(&plain.post(&body(&[&p1]))), ["duplicate"]);
}

#[test]
fn concurrent_resends_are_counted_exactly_once() {
    let cluster = Cluster::start();
    let c = Collector::start(&cluster, &[]);
    let loaded = load();
    let regions = ["410102", "410105", "410302", "440106", "440103"];
    // 20 people, 3 attempts each, each person in one county.
    let all: Vec<SubmittedAttempt> = (0..60)
        .map(|i| {
            attempt(
                &loaded,
                &format!("c{}-{}", i / 3, i % 3),
                &format!("c{}", i / 3),
                regions[i / 3 % 5],
                10 + i as i64,
            )
        })
        .collect();
    let accepted = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for t in 0..6 {
            let (all, accepted, c) = (&all, &accepted, &c);
            s.spawn(move || {
                // Every thread sends every attempt, in its own order, in batches of 7.
                let mut order: Vec<&SubmittedAttempt> = all.iter().collect();
                order.rotate_left(t * 10);
                if t % 2 == 1 {
                    order.reverse();
                }
                for batch in order.chunks(7) {
                    let n = statuses(&c.post(&body(batch))).iter().filter(|s| *s == "accepted").count();
                    accepted.fetch_add(n, std::sync::atomic::Ordering::SeqCst);
                }
            });
        }
    });
    assert_eq!(accepted.into_inner(), 60, "each attempt accepted once over all threads");
    let county = counts(&c, "county");
    assert_eq!((county["participants"].as_u64(), county["participations"].as_u64()), (Some(20), Some(60)));
    let recount = c.get(&format!("/v1/contests/{CONTEST}/recount"), Some(TOKEN)).json();
    assert_eq!(recount["mismatches"], serde_json::json!([]));
    assert_eq!((recount["participants"].as_u64(), recount["participations"].as_u64()), (Some(20), Some(60)));
}

/// A contest in stages, written for the test around the present: 第一周 is over, 决赛 is open
/// now and asks two 单选 (the contest itself three questions of each type).
fn staged_contests() -> (std::path::PathBuf, Contests) {
    use kepu_quiz::core::model::clock::format_shanghai;
    let now = now_ms();
    let at = |hours: i64| format_shanghai(now + hours * 3_600_000);
    let dir = std::env::temp_dir().join(format!("kepu-stages-{}-{now}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bank = questions().join("default-bank.json");
    let package = format!(
        r#"{{ "format": "kepu-contest", "version": 1, "bank": {bank:?},
  "rules": {{ "id": "kepu-stages", "title": "分阶段", "revision": 1, "starts": "{}", "ends": "{}",
    "round": {{ "mix": [{{ "type": "true_false", "count": 3 }}, {{ "type": "single", "count": 3 }}, {{ "type": "multiple", "count": 3 }}] }},
    "scoring": {{ "single": 5, "multiple": 5, "true_false": 5 }},
    "registration": {{ "region_depth": 3 }},
    "stages": [
      {{ "id": "week-1", "title": "第一周", "starts": "{}", "ends": "{}", "mix": [{{ "type": "true_false", "count": 1 }}] }},
      {{ "id": "final", "title": "决赛", "starts": "{}", "ends": "{}", "mix": [{{ "type": "single", "count": 2 }}] }}
    ] }} }}"#,
        at(-72),
        at(72),
        at(-48),
        at(-3),
        at(-2),
        at(48)
    );
    std::fs::write(dir.join("staged.json"), package).unwrap();
    let loaded = contests::load(&dir, Some(&questions().join("regions.json"))).unwrap();
    (dir, loaded)
}

#[test]
fn an_attempt_of_a_stage_is_stored_with_it_counted_and_rescored_under_the_stages_rules() {
    let (dir, loaded) = staged_contests();
    let cluster = Cluster::start();
    let regions = questions().join("regions.json");
    let c = Collector::start(&cluster, &["--contests", dir.to_str().unwrap(), "--regions", regions.to_str().unwrap()]);
    let served = &loaded.by_id["kepu-stages"];
    let final_index = served.contest.stage_index("final").unwrap();
    // Drawn and scored by the core under the final's rules, as a phone does.
    let in_final = kepu_collector::contests::ServedContest {
        contest: served.contest.in_stage(final_index),
        bank: served.bank.clone(),
        fingerprint: served.fingerprint.clone(),
        index: served.index.clone(),
    };
    let honest = |id: &str, stage: Option<&str>, under: &kepu_collector::contests::ServedContest| SubmittedAttempt {
        stage: stage.map(str::to_string),
        ..sample::honest(under, id, &format!("p-{id}"), Some("410102"), now_ms() - 30 * 60_000, id.len() as u64)
    };
    let fin = honest("s1", Some("final"), &in_final);
    assert_eq!(fin.answers.len(), 2);
    // The contest's own round under the final's name: three times too many questions.
    let wrong_mix = honest("s2", Some("final"), served);
    // Played now, but named for the week that is over; and a stage the contest does not have.
    let wrong_week = honest("s3", Some("week-1"), &in_final);
    let no_such = honest("s4", Some("week-9"), &in_final);
    let send = |attempts: &[&SubmittedAttempt]| {
        let body = serde_json::to_string(&Submission {
            contest: "kepu-stages".into(),
            attempts: attempts.iter().map(|a| (*a).clone()).collect(),
        })
        .unwrap();
        c.post(&body)
    };
    let reply = send(&[&fin, &wrong_mix, &wrong_week, &no_such]);
    assert_eq!(statuses(&reply), ["accepted", "rejected", "rejected", "rejected"]);
    let results = reply.json()["results"].clone();
    assert_eq!(results[1]["reason"], "题目数与竞赛规则不符");
    assert_eq!(results[2]["reason"], "开始时间在竞赛时间之外");
    assert_eq!(results[3]["reason"], "竞赛中没有它所属的阶段");
    assert_eq!(statuses(&send(&[&fin])), ["duplicate"]);

    // Stored with its stage (migration 0003), and counted.
    let out = std::process::Command::new("psql")
        .args([&cluster.url(), "-At", "-c", "SELECT id, coalesce(stage, '-') FROM attempts ORDER BY id"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "s1|final\n", "{}", String::from_utf8_lossy(&out.stderr));
    let counts = c.get("/v1/contests/kepu-stages/counts?level=province", Some(TOKEN)).json();
    assert_eq!((counts["participants"].as_u64(), counts["participations"].as_u64()), (Some(1), Some(1)));
    assert!(c.terminate().success());
    let _ = std::fs::remove_dir_all(dir);
}
