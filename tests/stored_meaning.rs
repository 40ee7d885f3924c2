//! #17.7: a stored record of any kind, damaged or edited into something well-formed but
//! untrue, never breaks the app: either it is refused when read (and the web adapter sets it
//! aside, byte for byte), or every use the app makes of it works. Records of every kind are
//! mutated at random (numbers, lists, strings, fields) and each result is read and then used
//! as the app uses it, under `catch_unwind`.

use kepu_quiz::core::Message;
use std::panic::{catch_unwind, AssertUnwindSafe};

use kepu_quiz::core::formats::codec::Meaningful;
use kepu_quiz::core::formats::codec::{Json, SerdeJson};
use kepu_quiz::core::model::bank::Bank;
use kepu_quiz::core::model::contest::{BankSource, Contest};
use kepu_quiz::core::model::participant::{Participant, Roster};
use kepu_quiz::core::model::rng::SeededRng;
use kepu_quiz::core::play::draw::draw_round;
use kepu_quiz::core::play::ledger::{Attempt, AttemptLedger};
use kepu_quiz::core::play::session::Round;
use kepu_quiz::core::reports::stats;
use kepu_quiz::core::storage::organizer::{ContestSetup, PinHash, SavedBank};
use kepu_quiz::core::storage::persist::{decode, encode, Prefs, StorageError, Stored};
use kepu_quiz::core::Lang;
use serde::de::DeserializeOwned;
use serde_json::Value;

const T0: i64 = 1_795_393_800_000;

struct World {
    contest: Contest,
    bank: Bank,
    in_force: String,
}

fn world() -> World {
    let (contest, source) = Contest::from_json(&std::fs::read_to_string("questions/contest.json").unwrap()).unwrap();
    let bank = match source {
        BankSource::Path(_) => {
            Bank::from_json(&std::fs::read_to_string("questions/default-bank.json").unwrap()).unwrap()
        }
        BankSource::Inline(b) => *b,
    };
    let in_force = contest.fingerprint::<SerdeJson>(&bank);
    World { contest, bank, in_force }
}

fn person() -> Participant {
    SerdeJson::decode(r#"{"id":"p1","name":"张三","region":"430104","crowd":"农民"}"#).unwrap()
}

/// A round drawn from the default contest, three questions answered.
fn sample_round(w: &World) -> Round {
    let qs = draw_round(&w.contest, &w.bank, None, 7).unwrap();
    let mut r = Round::start(&w.contest, "p1", qs, T0).under(&w.contest, &w.bank, &w.in_force);
    for k in 0..3 {
        let now = T0 + 3_000 * (k + 1);
        r.choose(&w.bank, r.current, 0, now).unwrap();
        r.next(r.current, now).unwrap();
    }
    r
}

/// Everything the app does with a stored round once it has read it.
fn use_round(w: &World, mut r: Round) {
    if r.still_fits(&w.contest, &w.bank, &w.in_force).is_err() {
        return; // closed with a message, never shown
    }
    let now = r.question_started_at + 1_000;
    r.sync(now);
    let _ = r.remaining_ms(now);
    if !r.is_finished() {
        let drawn = r.current_question().clone();
        let q = w.bank.get(&drawn.qid).unwrap();
        for shown in 0..drawn.order.len() {
            let _ = r.is_chosen(shown);
            let _ = q.choice_text(drawn.bank_index(shown).unwrap(), Lang::Zh);
        }
        let _ = r.choose(&w.bank, r.current, 0, now);
        let _ = r.next(r.current, now);
        let _ = r.previous(now);
    }
    r.finish(now + 1_000);
    if let Ok(a) = Attempt::from_round(&r, &person(), &w.contest, &w.bank, &w.in_force) {
        let mut l = AttemptLedger::default();
        l.record(a);
        use_ledger(w, l);
    }
}

fn use_ledger(w: &World, l: AttemptLedger) {
    let _ = l.standings(w.contest.rules.score_policy);
    let _ = l.attempts_left(&w.contest, "p1", T0);
    let _ = l.can_start(&w.contest, "p1", T0);
    let _ = l.last_finished("p1");
    let _ = stats::headline(&l.attempts, w.contest.rules.pass_mark);
    let _ = stats::by_crowd(&l.attempts);
    let _ = stats::by_day(&l.attempts);
    let _ = stats::score_distribution(&l.attempts, 10);
    let _ = stats::item_analysis(&l.attempts, &w.bank, None);
    let _ = encode::<SerdeJson, _>(Stored::Ledger, &l);
}

fn use_roster(mut r: Roster) {
    let _ = r.current().map(|p| p.name.clone());
    let first = r.people.first().map(|p| p.id.clone());
    if let Some(id) = first {
        r.select(&id);
    }
    r.register(person());
    let _ = encode::<SerdeJson, _>(Stored::Roster, &r);
}

fn use_pin(p: PinHash) {
    let _ = p.check("2468", 1);
}

fn use_banks(banks: Vec<SavedBank>) {
    for b in banks {
        let _ = b.preview(20);
        let _ = b.bank::<SerdeJson>();
    }
}

fn use_setup(w: &World, s: ContestSetup) {
    if let Some(rules) = s.rules {
        let _ = kepu_quiz::core::storage::organizer::check_rules(rules, &w.bank);
    }
}

/// One random change somewhere in a JSON value.
fn mutate(v: &mut Value, rng: &mut SeededRng) {
    const NUMBERS: [i64; 10] = [-1, 0, 1, 2, 7, 9, 255, 256, 4_294_967_295, i64::MAX];
    let pick_number = |rng: &mut SeededRng| -> Value {
        match rng.below(4) {
            0 => Value::from(NUMBERS[rng.below(NUMBERS.len())]),
            1 => Value::from(1e300),
            2 => Value::from(-(rng.below(1000) as i64)),
            _ => Value::from(rng.below(100)),
        }
    };
    // Walk down to a random node, then change it.
    let mut node = v;
    loop {
        let children = match node {
            Value::Array(a) => a.len(),
            Value::Object(o) => o.len(),
            _ => 0,
        };
        if children == 0 || rng.below(3) == 0 {
            break;
        }
        let i = rng.below(children);
        node = match node {
            Value::Array(a) => &mut a[i],
            Value::Object(o) => o.values_mut().nth(i).unwrap(),
            _ => unreachable!(),
        };
    }
    *node = match node.take() {
        Value::Number(_) | Value::Bool(_) | Value::Null => match rng.below(5) {
            0 => Value::Null,
            1 => Value::Bool(rng.below(2) == 0),
            _ => pick_number(rng),
        },
        Value::String(s) => match rng.below(4) {
            0 => Value::String(String::new()),
            1 => Value::String(format!("{s}{s}")),
            2 => Value::String("\u{0}\u{202e}<b>x</b>".into()),
            _ => pick_number(rng),
        },
        Value::Array(mut a) => {
            match rng.below(4) {
                0 => a.clear(),
                1 if !a.is_empty() => {
                    a.remove(rng.below(a.len()));
                }
                2 if !a.is_empty() => {
                    let extra = a[rng.below(a.len())].clone();
                    a.push(extra);
                }
                _ => a.push(pick_number(rng)),
            }
            Value::Array(a)
        }
        Value::Object(mut o) => {
            if !o.is_empty() && rng.below(2) == 0 {
                let key = o.keys().nth(rng.below(o.len())).unwrap().clone();
                o.remove(&key);
            }
            Value::Object(o)
        }
    };
}

/// Mutates `text` (a stored record) `runs` times; each readable result is used by `uses`.
/// Returns how many were refused (to be set aside) and how many were read and used.
fn fuzz<T: DeserializeOwned + Meaningful>(kind: Stored, text: &str, runs: usize, uses: impl Fn(T)) -> (usize, usize) {
    let original: Value = serde_json::from_str(text).unwrap();
    let mut rng = SeededRng::new(17);
    let (mut refused, mut used) = (0, 0);
    for run in 0..runs {
        let mut v = original.clone();
        for _ in 0..=rng.below(3) {
            mutate(&mut v, &mut rng);
        }
        let mutated = if run % 25 == 0 {
            let t = v.to_string();
            t[..t.floor_char_boundary(rng.below(t.len()))].to_string()
        } else {
            v.to_string()
        };
        let outcome = catch_unwind(AssertUnwindSafe(|| match decode::<SerdeJson, T>(kind, &mutated) {
            Ok(value) => {
                uses(value);
                false
            }
            Err(StorageError::Unreadable(_) | StorageError::NewerVersion(_)) => true,
            Err(e) => panic!("unexpected {e:?}"),
        }));
        match outcome {
            Ok(true) => refused += 1,
            Ok(false) => used += 1,
            Err(_) => panic!("{kind:?}: the app broke on this stored record:\n{mutated}"),
        }
    }
    (refused, used)
}

#[test]
fn rounds_that_cannot_be_true_are_refused_not_panicked_on() {
    let w = world();
    let good = encode::<SerdeJson, _>(Stored::Round, &sample_round(&w));
    let edit = |f: &dyn Fn(&mut Value)| {
        let mut v: Value = serde_json::from_str(&good).unwrap();
        f(&mut v["data"]);
        v.to_string()
    };
    // The three tampered rounds of the issue, and more of their kind.
    for bad in [
        edit(&|d| d["current"] = Value::from(99)),
        edit(&|d| d["answers"] = Value::Array(vec![])),
        edit(&|d| d["questions"] = Value::Array(vec![])),
        edit(&|d| d["questions"][0]["order"] = serde_json::json!([0, 0, 9])),
        edit(&|d| {
            d["spent_ms"] =
                serde_json::json!([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23])
        }),
        edit(&|d| d["per_question_ms"] = Value::from(i64::MAX)),
        edit(&|d| d["started_at"] = Value::from(i64::MIN)),
    ] {
        assert!(
            matches!(decode::<SerdeJson, Round>(Stored::Round, &bad), Err(StorageError::Unreadable(_))),
            "refused (to be set aside): {bad}"
        );
    }
    let e = decode::<SerdeJson, Round>(Stored::Round, &edit(&|d| d["current"] = Value::from(99))).unwrap_err();
    assert!(e.message(Lang::Zh).contains("data.current"), "{}", e.message(Lang::Zh));
    use_round(&w, decode::<SerdeJson, Round>(Stored::Round, &good).unwrap());
}

#[test]
fn mutated_records_of_every_kind_are_refused_or_work() {
    let w = world();
    let fixture = |name: &str| std::fs::read_to_string(format!("tests/fixtures/stored/{name}")).unwrap();
    let round = encode::<SerdeJson, _>(Stored::Round, &sample_round(&w));
    let (refused, used) = fuzz::<Round>(Stored::Round, &round, 3_000, |r| use_round(&w, r));
    assert!(refused > 0 && used > 0, "rounds: {refused} refused, {used} used");
    fuzz::<Round>(Stored::Round, &fixture("round-v1.json"), 500, |r| use_round(&w, r));

    let mut played = sample_round(&w);
    played.finish(T0 + 60_000);
    let mut ledger = AttemptLedger::default();
    ledger.record(Attempt::from_round(&played, &person(), &w.contest, &w.bank, &w.in_force).unwrap());
    let ledger = encode::<SerdeJson, _>(Stored::Ledger, &ledger);
    fuzz::<AttemptLedger>(Stored::Ledger, &ledger, 2_000, |l| use_ledger(&w, l));
    fuzz::<AttemptLedger>(Stored::Ledger, &fixture("ledger-v1.json"), 500, |l| use_ledger(&w, l));
    fuzz::<AttemptLedger>(Stored::Ledger, &fixture("ledger-v2.json"), 500, |l| use_ledger(&w, l));
    fuzz::<Roster>(Stored::Roster, &fixture("roster-v1.json"), 1_000, use_roster);
    fuzz::<Prefs>(Stored::Prefs, &fixture("prefs-v1.json"), 300, |_| {});
    // A PIN check runs the stored number of rounds: refused above a million, it stays quick.
    fuzz::<PinHash>(Stored::OrganizerPin, &fixture("organizer-pin-v1.json"), 40, use_pin);
    fuzz::<Vec<SavedBank>>(Stored::Banks, &fixture("banks-v1.json"), 1_000, use_banks);
    fuzz::<ContestSetup>(Stored::Setup, &fixture("setup-v1.json"), 300, |s| use_setup(&w, s));
}

#[test]
fn a_pin_hash_of_four_billion_rounds_is_refused() {
    let text =
        r#"{"version":1,"data":{"kdf":"pbkdf2-sha256","salt":"00000000000000ff","iterations":4294967295,"hash":"00"}}"#;
    assert!(matches!(decode::<SerdeJson, PinHash>(Stored::OrganizerPin, text), Err(StorageError::Unreadable(_))));
}
