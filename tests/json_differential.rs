//! Our JSON reader (src/core/json.rs) against serde_json on thousands of damaged copies of the
//! files we ship and store: both accept the same texts (but numbers beyond f64, which JSON
//! allows and serde_json refuses) and read the same values, and what our writer produces
//! serde_json reads back unchanged.

use kepu_quiz::core::json::{self, Value};
use kepu_quiz::core::rng::SeededRng;

/// Our value as serde_json's (a repeated field name keeps the last value, as serde_json does).
fn as_serde(value: &Value) -> serde_json::Value {
    match value {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Number(n) => serde_json::from_str(n).expect("a number serde_json reads too"),
        Value::String(s) => serde_json::Value::String(s.to_string()),
        Value::Array(items) => serde_json::Value::Array(items.iter().map(as_serde).collect()),
        Value::Object(members) => {
            serde_json::Value::Object(members.iter().map(|(k, v)| (k.to_string(), as_serde(v))).collect())
        }
    }
}

fn samples() -> Vec<String> {
    let files = [
        "questions/contest.json",
        "tests/fixtures/import/bank.json",
        "tests/fixtures/stored/ledger-v1.json",
        "tests/fixtures/stored/ledger-v2.json",
        "tests/fixtures/stored/round-v1.json",
        "tests/fixtures/stored/roster-v1.json",
        "tests/fixtures/stored/banks-v1.json",
        "tests/fixtures/stored/setup-v1.json",
        "tests/fixtures/stored/prefs-v1.json",
    ];
    let mut texts: Vec<String> = files.iter().map(|f| std::fs::read_to_string(f).unwrap()).collect();
    // A slice of the default bank (the whole bank is 150 KB) and texts with every escape.
    let bank = std::fs::read_to_string("questions/default-bank.json").unwrap();
    texts.push(format!("{}]}}", &bank[..bank.char_indices().nth(6_000).unwrap().0].rsplit_once("},").unwrap().0));
    texts.push(r#"{"s":"引号\"反斜杠\\斜杠\/\b\f\n\r\t\u00e9\ud83d\ude00","n":[0,-1,2.5e-3,1E+2,18446744073709551615],"e":{}}"#.into());
    texts
}

/// One random edit: delete, insert or replace a character, with JSON's own characters likely.
fn damage(text: &str, rng: &mut SeededRng) -> String {
    let chars: Vec<char> = text.chars().collect();
    let at = rng.below(chars.len() + 1);
    const PICK: &[char] =
        &['{', '}', '[', ']', '"', ',', ':', '\\', '0', '1', '-', '.', 'e', 'u', 'n', ' ', '\n', '\u{1}', '题'];
    let pick = PICK[rng.below(PICK.len())];
    let mut out = chars.clone();
    match rng.below(3) {
        0 if at < out.len() => {
            out.remove(at);
        }
        1 if at < out.len() => out[at] = pick,
        _ => out.insert(at, pick),
    }
    out.into_iter().collect()
}

#[test]
fn accepts_and_reads_exactly_what_serde_json_does() {
    let mut rng = SeededRng::new(2026);
    let (mut accepted, mut refused) = (0, 0);
    for original in samples() {
        for round in 0..600 {
            let mut text = original.clone();
            for _ in 0..=(round % 3) {
                text = damage(&text, &mut rng);
            }
            if round == 0 {
                text = original.clone();
            }
            let ours = json::parse(&text);
            let theirs = serde_json::from_str::<serde_json::Value>(&text);
            match (&ours, &theirs) {
                (Ok(a), Ok(b)) => {
                    assert_eq!(&as_serde(a), b, "{text}");
                    accepted += 1;
                }
                (Err(_), Err(_)) => refused += 1,
                // JSON allows any length of number; serde_json refuses those beyond f64, we keep
                // the text (a field that needs a whole number in range still refuses it).
                (Ok(_), Err(e)) if e.to_string().starts_with("number out of range") => {}
                _ => panic!("ours {:?}, serde_json {:?}, on {text:?}", ours.map(|_| ()), theirs.map(|_| ())),
            }
        }
    }
    // Both outcomes are exercised, not just one.
    assert!(accepted > 500 && refused > 2_000, "{accepted} accepted, {refused} refused");
}

#[test]
fn what_we_write_serde_json_reads_back() {
    for file in ["tests/fixtures/stored/ledger-v2.json", "questions/contest.json"] {
        let text = std::fs::read_to_string(file).unwrap();
        let (value, members) = json::object_with_text(&text).unwrap();
        for (key, raw) in members {
            let ours = as_serde(value.get(&key).unwrap());
            assert_eq!(serde_json::from_str::<serde_json::Value>(raw).unwrap(), ours, "{file}: {key}");
        }
    }
    let escapes = "引号\"反斜杠\\换行\n制表\t\u{1}\u{1f}/é😀";
    assert_eq!(serde_json::from_str::<String>(&json::to_string(escapes)).unwrap(), escapes);
    assert_eq!(json::to_string(escapes), serde_json::to_string(escapes).unwrap());
}
