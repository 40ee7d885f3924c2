//! Every kind of stored record, as version 1 wrote it, still loads (schema migrations start here).

use kepu_quiz::core::formats::codec::SerdeJson;
use kepu_quiz::core::model::bank::AnswerSet;
use kepu_quiz::core::model::participant::Roster;
use kepu_quiz::core::play::ledger::AttemptLedger;
use kepu_quiz::core::play::session::Round;
use kepu_quiz::core::storage::organizer::{ContestSetup, PinHash, SavedBank};
use kepu_quiz::core::storage::persist::{decode, encode, Prefs, Stored};
use kepu_quiz::core::Lang;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("tests/fixtures/stored/{name}")).unwrap()
}

#[test]
fn version_1_records_of_every_kind_load() {
    let ledger: AttemptLedger = decode::<SerdeJson, _>(Stored::Ledger, &fixture("ledger-v1.json")).unwrap();
    assert_eq!(ledger.attempts[0].question_ds, Vec::<u32>::new(), "older attempts without per-question times");

    let roster: Roster = decode::<SerdeJson, _>(Stored::Roster, &fixture("roster-v1.json")).unwrap();
    assert_eq!(roster.current().map(|p| p.name.as_str()), Some("李四"));
    // Earlier builds kept a masked phone; it is dropped when read (#17.1).
    assert_eq!(roster.people[0].region.as_deref(), Some("440106"));
    assert!(!encode::<SerdeJson, _>(Stored::Roster, &roster).contains("5678"));

    let prefs: Prefs = decode::<SerdeJson, _>(Stored::Prefs, &fixture("prefs-v1.json")).unwrap();
    assert_eq!(prefs, Prefs { lang: Lang::En, large_text: true, ..Prefs::default() });

    let round: Round = decode::<SerdeJson, _>(Stored::Round, &fixture("round-v1.json")).unwrap();
    assert_eq!((round.current, round.answers[0], round.per_question_ms), (1, AnswerSet(4), Some(30_000)));
    assert_eq!(round.remaining_ms(1_795_393_812_000 + 10_000), Some(20_000));

    let pin: PinHash = decode::<SerdeJson, _>(Stored::OrganizerPin, &fixture("organizer-pin-v1.json")).unwrap();
    assert_eq!(pin.iterations, 20_000);

    let setup: ContestSetup = decode::<SerdeJson, _>(Stored::Setup, &fixture("setup-v1.json")).unwrap();
    assert_eq!(setup.bank_id.as_deref(), Some("bank-19ab"));
    assert_eq!(setup.rules, None);

    let banks: Vec<SavedBank> = decode::<SerdeJson, _>(Stored::Banks, &fixture("banks-v1.json")).unwrap();
    let bank = banks[0].bank::<SerdeJson>().unwrap();
    assert_eq!((bank.questions.len(), bank.questions[0].answer), (1, AnswerSet::TRUE));
}

#[test]
fn version_2_ledger_loads_and_version_1_migrates_to_it() {
    let v2: AttemptLedger = decode::<SerdeJson, _>(Stored::Ledger, &fixture("ledger-v2.json")).unwrap();
    let v1: AttemptLedger = decode::<SerdeJson, _>(Stored::Ledger, &fixture("ledger-v1.json")).unwrap();
    assert_eq!(v2.attempts[0], v1.attempts[0], "the same attempt in both encodings");
    let a = &v2.attempts[1];
    assert_eq!((a.name.as_str(), a.region.as_deref(), a.crowd.as_deref()), ("张三", Some("440106"), Some("农民")));
    assert_eq!(a.id, format!("p1-{:x}", a.started_at), "the usual id is derived, not stored");
    assert_eq!((a.questions.clone(), a.answers.clone()), (vec!["s1".into(), "t1".into()], vec![1, 0]));
    assert_eq!((a.score, a.max_score, a.correct, a.question_ds.clone()), (30, 40, 1, vec![300, 200]));
    assert_eq!((a.finished_at - a.started_at, a.time_used_ms), (50_000, 50_000));
    assert_eq!(
        encode::<SerdeJson, _>(Stored::Ledger, &v2),
        fixture("ledger-v2.json").trim_end().replace(r#""138****5678""#, "null"),
        "written back unchanged, but for the masked phone earlier builds kept (#17.1)"
    );
}
