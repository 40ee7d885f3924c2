//! The client of the fault runs (`bench/collector-faults.sh`): sends `count` honest attempts
//! of the default contest, one per request from `workers` threads, and keeps resending each
//! until the collector answers `accepted` or `duplicate`, whatever happens in between
//! (connection refused while the collector restarts, 503 while PostgreSQL does). Every person
//! plays two attempts. Prints what it saw; the run's ids are `<run>-<n>`, so running it again
//! with the same run resends everything.
//!
//! `cargo run -p kepu-collector --example resend -- ADDRESS RUN COUNT WORKERS [questions]`

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use kepu_collector::{contests, sample};
use kepu_quiz::core::exchange::submission::Submission;

const REGIONS: [&str; 5] = ["410102", "410105", "410302", "440106", "440103"];

/// One POST on its own connection: the status and body, or `None` when the connection failed.
fn post(address: &str, body: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(address).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let request = format!(
        "POST /v1/attempts HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).ok()?;
    let mut raw = String::new();
    stream.read_to_string(&mut raw).ok()?;
    let status = raw.split(' ').nth(1)?.parse().ok()?;
    Some((status, raw.split("\r\n\r\n").nth(1).unwrap_or_default().to_string()))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [address, run, count, workers] = &args[..4] else { panic!("ADDRESS RUN COUNT WORKERS [questions]") };
    let count: usize = count.parse().expect("COUNT");
    let workers: usize = workers.parse().expect("WORKERS");
    let folder = args.get(4).map_or("questions", String::as_str);
    let loaded = contests::load(folder.as_ref(), None).expect("contests");
    let served = &loaded.by_id["kepu-demo"];
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() as i64;
    let next = AtomicUsize::new(0);
    let (accepted, duplicate, rejected, retries) =
        (AtomicUsize::new(0), AtomicUsize::new(0), AtomicUsize::new(0), AtomicUsize::new(0));
    let start = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let n = next.fetch_add(1, Ordering::SeqCst);
                if n >= count {
                    return;
                }
                let person = n / 2;
                let attempt = sample::honest(
                    served,
                    &format!("{run}-{n}"),
                    &format!("{run}p{person}"),
                    Some(REGIONS[person % REGIONS.len()]),
                    now - 3_600_000 + n as i64,
                    n as u64,
                );
                let body = serde_json::to_string(&Submission { contest: "kepu-demo".into(), attempts: vec![attempt] })
                    .unwrap();
                let mut wait = Duration::from_millis(50);
                let tally = loop {
                    match post(address, &body) {
                        Some((200, reply)) if reply.contains("\"accepted\"") => break &accepted,
                        Some((200, reply)) if reply.contains("\"duplicate\"") => break &duplicate,
                        Some((200, _)) => break &rejected,
                        _ => {
                            retries.fetch_add(1, Ordering::SeqCst);
                            std::thread::sleep(wait);
                            wait = (wait * 2).min(Duration::from_secs(1));
                        }
                    }
                };
                tally.fetch_add(1, Ordering::SeqCst);
            });
        }
    });
    println!(
        "RESULT sent={count} accepted={} duplicate={} rejected={} retries={} people={} seconds={:.1}",
        accepted.into_inner(),
        duplicate.into_inner(),
        rejected.into_inner(),
        retries.into_inner(),
        count.div_ceil(2),
        start.elapsed().as_secs_f64()
    );
}
