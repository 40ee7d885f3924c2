//! Writes a results file of simulated attempts at the bundled contest, for the benchmarks:
//! `cargo run --release --example results-file -- <attempts> <people> <device> <out.json>`;
//! files of different `device` numbers hold different people, as separate tablets would.
//! Each attempt is a real round: drawn by `draw_round`, answered (about 70 % right) through
//! `Round`, and recorded by `Attempt::from_round`, by people registered through `register`
//! in counties of the bundled region table, over the contest's first 60 days.

use kepu_quiz::core::exchange::ledger_file::export_ledger;
use kepu_quiz::core::formats::codec::SerdeJson;
use kepu_quiz::core::model::bank::Bank;
use kepu_quiz::core::model::contest::{BankSource, Contest};
use kepu_quiz::core::model::participant::{nfkc, register, RegistrationForm, CROWD_CHOICES};
use kepu_quiz::core::model::region::{level, RegionTable};
use kepu_quiz::core::model::rng::SeededRng;
use kepu_quiz::core::play::draw::draw_round;
use kepu_quiz::core::play::ledger::Attempt;
use kepu_quiz::core::play::session::Round;
use kepu_quiz::core::storage::persist::{encode, Stored};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, attempts, people, device, out] = &args[..] else {
        eprintln!("usage: results-file <attempts> <people> <device> <out.json>");
        std::process::exit(2);
    };
    let (attempts, people): (usize, usize) = (attempts.parse().expect("attempts"), people.parse().expect("people"));
    let device: u64 = device.parse().expect("device number");
    let read = |p: &str| std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{p}: {e}"));
    let (contest, source) = Contest::from_json(&read("questions/contest.json")).expect("bundled contest");
    let bank = match source {
        BankSource::Path(p) => Bank::from_json(&read(&format!("questions/{p}"))).expect("bundled bank"),
        BankSource::Inline(b) => *b,
    };
    let regions = RegionTable::from_json(&read("questions/regions.json")).expect("bundled regions");
    let counties: Vec<String> = regions
        .children(None)
        .into_iter()
        .flat_map(|(p, _)| regions.children(Some(p)))
        .flat_map(|(c, _)| regions.children(Some(c)))
        .map(|(code, _)| code.to_string())
        .filter(|code| level(code) == 3)
        .collect();
    let mut rng = SeededRng::new(device);
    // One person in twenty gives a phone: each of their keys costs the person key's 100,000
    // PBKDF2 rounds (tens of milliseconds), as it does once at registration on a phone.
    let participants: Vec<_> = (0..people)
        .map(|i| {
            let form = RegistrationForm {
                name: format!("参赛者{device}-{i}"),
                phone: match i % 20 {
                    0 => format!("13{:09}", (device as usize * 100_003 + i * 7919) % 1_000_000_000),
                    _ => String::new(),
                },
                region: Some(counties[rng.below(counties.len())].clone()),
                crowd: Some(CROWD_CHOICES[rng.below(CROWD_CHOICES.len())].to_string()),
            };
            register(&contest.rules.registration, Some(&regions), &form, rng.next_u64(), nfkc)
                .expect("a valid registration")
        })
        .collect();
    let in_force = contest.fingerprint::<SerdeJson>(&bank);
    // Over the contest's first 60 days: merging refuses attempts dated more than a day ahead of
    // the organizer's clock, and the bundled contest runs until 2030.
    let days = ((contest.ends_ms - contest.starts_ms) / 86_400_000).clamp(1, 60);
    let mut list: Vec<Attempt> = Vec::with_capacity(attempts);
    for i in 0..attempts {
        let p = &participants[i % people];
        let start = contest.starts_ms + (i as i64 % days) * 86_400_000 + 8 * 3_600_000 + rng.below(43_200_000) as i64;
        let seed = rng.next_u64();
        let mut round =
            Round::start(&contest, &p.id, draw_round(&contest, &bank, p.crowd.as_deref(), seed).expect("draw"), start);
        let mut now = start;
        while !round.is_finished() {
            now += 3_000 + rng.below(20_000) as i64;
            let q = round.current_question().clone();
            let right = bank.get(&q.qid).expect("a drawn question is in the bank").answer;
            let choices = q.order.len();
            // About 70 % right: the key's choices, else one random choice.
            let picks: Vec<usize> = if rng.below(10) < 7 {
                (0..choices).filter(|&s| right.contains(q.bank_index(s).unwrap_or(usize::MAX))).collect()
            } else {
                vec![rng.below(choices)]
            };
            for s in picks {
                round.choose(&bank, round.current, s, now).expect("choose");
            }
            if round.is_last() {
                round.finish(now);
            } else {
                round.next(round.current, now).expect("next");
            }
        }
        list.push(Attempt::from_round(&round, p, &contest, &bank, &in_force).expect("attempt"));
    }
    let file =
        export_ledger::<SerdeJson>(&contest.rules.id, &format!("bench device {device}"), &list, contest.starts_ms);
    std::fs::write(out, &file).unwrap_or_else(|e| panic!("{out}: {e}"));
    let stored =
        encode::<SerdeJson, _>(Stored::Ledger, &kepu_quiz::core::play::ledger::AttemptLedger { attempts: list });
    println!(
        "{attempts} attempts by {people} people: results file {} bytes; stored ledger {} bytes, {} per attempt",
        file.len(),
        stored.len(),
        stored.len() / attempts
    );
}
