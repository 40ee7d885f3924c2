//! In-browser tests of the localStorage adapter (headless Chromium via wasm-bindgen-test).
#![cfg(target_arch = "wasm32")]

use kepu_quiz::core::play::ledger::{Attempt, AttemptLedger};
use kepu_quiz::core::storage::persist::{StorageError, Stored};
use kepu_quiz::core::storage::store::Store;
use kepu_quiz::core::Message;
use kepu_quiz::web::browser::storage::LocalStore;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const CONTEST: &str = "wasm-test";

fn storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

fn fresh() -> LocalStore {
    storage().clear().unwrap();
    LocalStore::open().unwrap()
}

fn ledger(n: usize, name: &str) -> AttemptLedger {
    let attempts = (0..n)
        .map(|i| Attempt {
            id: format!("p-{i}"),
            contest_id: CONTEST.into(),
            participant_id: "p".into(),
            name: name.into(),
            region: Some("430104".into()),
            crowd: None,
            started_at: 1_795_393_800_000 + i as i64,
            finished_at: 1_795_393_860_000 + i as i64,
            questions: vec!["q1".into(); 20],
            answers: vec![1; 20],
            score: 80,
            max_score: 100,
            correct: 16,
            time_used_ms: 60_000,
            question_ds: vec![30; 20],
            rules_revision: 1,
            bank: "b@1".into(),
            rules_hash: None,
            stage: None,
            receipt: None,
        })
        .collect();
    AttemptLedger { attempts }
}

#[wasm_bindgen_test]
fn saves_and_loads_through_a_versioned_envelope() {
    let store = fresh();
    assert_eq!(store.load::<AttemptLedger>(Stored::Ledger, CONTEST), Ok(None));
    let l = ledger(3, "张三");
    store.save(Stored::Ledger, CONTEST, &l).unwrap();
    let raw = storage().get_item("kepu.v1.ledger.wasm-test").unwrap().unwrap();
    assert!(raw.starts_with(r#"{"version":2,"data":"#), "{raw}");
    assert_eq!(store.load::<AttemptLedger>(Stored::Ledger, CONTEST), Ok(Some(l)));
    store.remove(&Stored::Ledger.key(CONTEST));
    assert_eq!(store.load::<AttemptLedger>(Stored::Ledger, CONTEST), Ok(None));
}

#[wasm_bindgen_test]
fn unreadable_data_is_reported_kept_and_can_be_set_aside() {
    let store = fresh();
    let key = Stored::Ledger.key(CONTEST);
    storage().set_item(&key, r#"{"version":1,"data":{"attempts":[{"id""#).unwrap();
    assert!(matches!(store.load::<AttemptLedger>(Stored::Ledger, CONTEST), Err(StorageError::Unreadable(_))));
    assert!(storage().get_item(&key).unwrap().unwrap().ends_with(r#"{"id""#), "left untouched");
    let aside = store.set_aside(Stored::Ledger, CONTEST, 42).unwrap();
    assert_eq!(aside, format!("{key}.unreadable.42"));
    assert_eq!(storage().get_item(&key).unwrap(), None);
    assert!(storage().get_item(&aside).unwrap().unwrap().ends_with(r#"{"id""#), "kept aside, byte for byte");
}

#[wasm_bindgen_test]
fn newer_versions_are_refused() {
    let store = fresh();
    storage().set_item(&Stored::Ledger.key(CONTEST), r#"{"version":99,"data":{}}"#).unwrap();
    assert_eq!(store.load::<AttemptLedger>(Stored::Ledger, CONTEST), Err(StorageError::NewerVersion(99)));
}

#[wasm_bindgen_test]
fn quota_exceeded_is_reported_and_the_old_value_stays_intact() {
    let store = fresh();
    let small = ledger(2, "旧");
    store.save(Stored::Ledger, CONTEST, &small).unwrap();
    // Fill the origin's quota with filler keys.
    let chunk = "x".repeat(256 * 1024);
    let mut i = 0;
    while storage().set_item(&format!("filler.{i}"), &chunk).is_ok() {
        i += 1;
        assert!(i < 1000, "localStorage never filled up");
    }
    let big = ledger(5000, "新"); // about 700,000 characters: more than the last chunk left free
    assert_eq!(store.save(Stored::Ledger, CONTEST, &big), Err(StorageError::QuotaExceeded(Stored::Ledger)));
    assert_eq!(store.load::<AttemptLedger>(Stored::Ledger, CONTEST), Ok(Some(small)), "no half-written key");
    storage().clear().unwrap();
}

#[wasm_bindgen_test]
fn the_browser_codec_names_the_field_only_on_the_organizers_page() {
    use kepu_quiz::core::formats::codec::Json;
    use kepu_quiz::core::Lang;
    use kepu_quiz::web::browser::json::{Browser, BrowserJson};

    #[derive(serde::Deserialize, Debug)]
    struct Mix {
        #[allow(dead_code)]
        count: u32,
    }
    #[derive(serde::Deserialize, Debug)]
    struct Round {
        #[allow(dead_code)]
        mix: Vec<Mix>,
    }
    let text = r#"{"mix":[{"count":"7"}]}"#;
    let phone = BrowserJson::decode::<Round>(text).unwrap_err();
    assert_eq!(phone.message(Lang::Zh), "格式不对：应为整数，实际是文字“7”");
    let organizer = Browser::<true>::decode::<Round>(text).unwrap_err();
    assert_eq!(organizer.message(Lang::Zh), "格式不对：mix[0].count 应为整数，实际是文字“7”");
    assert_eq!(BrowserJson::decode::<Round>(r#"{"mix":[{"count":7}]}"#).unwrap().mix.len(), 1);
}
