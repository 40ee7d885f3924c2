//! Prints one honest attempt of a contest as a `POST /v1/attempts` body, for the load
//! benchmark: its id, person and region are the placeholders `@ID@`, `@PERSON@` and `@REGION@`
//! that `bench/collector-load.lua` fills in for every request.
//!
//! `cargo run -p kepu-collector --example sample-attempt -- questions kepu-demo`

use kepu_collector::{contests, sample};
use kepu_quiz::core::exchange::submission::Submission;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let folder = args.first().map_or("questions", String::as_str);
    let loaded = contests::load(folder.as_ref(), None).unwrap_or_else(|e| panic!("{e}"));
    let served = match args.get(1) {
        Some(id) => loaded.by_id.get(id).unwrap_or_else(|| panic!("no contest {id} in {folder}")),
        None => loaded.by_id.values().next().expect("a contest"),
    };
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64;
    let started_at = (now - 3_600_000).clamp(served.contest.starts_ms, served.contest.ends_ms - 120_000);
    let attempt = sample::honest(served, "@ID@", "@PERSON@", Some("@REGION@"), started_at, 0x5eed);
    let body = Submission { contest: served.contest.rules.id.clone(), attempts: vec![attempt] };
    println!("{}", serde_json::to_string(&body).expect("JSON"));
}
