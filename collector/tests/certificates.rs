//! `GET /v1/contests/{contest}/certificates/{code}` against a real PostgreSQL: an accepted
//! attempt is found by its certificate code with and without the receipt the collector signed
//! (typed any way people type it), a changed code finds nothing, the organizer's token is
//! required, text that is no code is refused, and attempts stored before the codes existed get
//! theirs when the collector starts.

mod common;

use std::time::{SystemTime, UNIX_EPOCH};

use common::*;
use kepu_collector::contests;
use kepu_collector::sample;
use kepu_quiz::core::exchange::certificate::code_of;
use kepu_quiz::core::exchange::submission::{Submission, SubmittedAttempt};

const CONTEST: &str = "kepu-demo";

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() as i64
}

fn path(code: &str) -> String {
    format!("/v1/contests/{CONTEST}/certificates/{code}")
}

#[test]
fn a_certificate_code_finds_its_attempt_on_the_collector() {
    let cluster = Cluster::start();
    let c = Collector::start(&cluster, &[]);
    let loaded = contests::load(&questions(), None).unwrap();
    let served = &loaded.by_id[CONTEST];
    let sent: SubmittedAttempt = sample::honest(served, "r9-a", "r9", Some("440106"), now_ms() - 30 * 60_000, 42);
    let body = serde_json::to_string(&Submission { contest: CONTEST.into(), attempts: vec![sent.clone()] }).unwrap();
    let reply = c.post(&body);
    assert_eq!(reply.status, 200, "{}", reply.text());
    let receipt = reply.json()["results"][0]["receipt"].as_str().expect("a receipt").to_string();
    let attempt = sent.check(&served.record_check(now_ms()), &loaded.regions).unwrap();
    let plain = code_of(&attempt, None);
    let signed = code_of(&attempt, Some(&receipt));
    assert_ne!(plain, signed);

    for code in [signed.clone(), plain.clone(), signed.to_lowercase().replace('-', "%20")] {
        let r = c.get(&path(&code), Some(TOKEN));
        assert_eq!(r.status, 200, "{code}: {}", r.text());
        let v = r.json();
        assert_eq!(v["found"], true, "{code}");
        assert_eq!(v["attempt"]["id"], "r9-a");
        assert_eq!(v["attempt"]["region"], "440106");
        assert_eq!(v["attempt"]["score"], attempt.score);
        assert_eq!(v["attempt"]["max_score"], attempt.max_score);
        assert_eq!(v["attempt"]["finished_at"], attempt.finished_at);
        assert!(v["attempt"].get("person").is_none(), "no person key is revealed");
    }
    // Another code (the last character changed) matches nothing.
    let last = signed.chars().last().unwrap();
    let changed = format!("{}{}", &signed[..signed.len() - 1], if last == '0' { '1' } else { '0' });
    let r = c.get(&path(&changed), Some(TOKEN));
    assert_eq!((r.status, r.json()["found"].clone()), (200, serde_json::json!(false)), "{}", r.text());
    assert!(r.json().get("attempt").is_none());
    // Not a code: 400 with the reason; no token: 401, revealing nothing.
    let r = c.get(&path("not-a-code"), Some(TOKEN));
    assert_eq!(r.status, 400);
    assert!(r.json()["error"].as_str().unwrap().contains("12 位"));
    for token in [None, Some("wrong")] {
        let r = c.get(&path(&signed), token);
        assert_eq!(r.status, 401);
        assert!(!r.text().contains("r9-a"));
    }

    // An attempt stored before the codes existed gets them when the collector starts again.
    drop(c);
    cluster.sql("UPDATE attempts SET code = NULL, signed_code = NULL");
    let c = Collector::start(&cluster, &[]);
    for code in [&signed, &plain] {
        assert_eq!(c.get(&path(code), Some(TOKEN)).json()["found"], true, "{code} after the backfill");
    }
}
