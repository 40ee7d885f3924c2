//! Every kind of stored record, as version 1 wrote it, still loads (schema migrations start here).

use kepu_quiz::core::bank::AnswerSet;
use kepu_quiz::core::ledger::AttemptLedger;
use kepu_quiz::core::organizer::{ContestSetup, PinHash, SavedBank};
use kepu_quiz::core::participant::Roster;
use kepu_quiz::core::persist::{decode, Prefs, Stored};
use kepu_quiz::core::session::Round;
use kepu_quiz::core::Lang;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("tests/fixtures/stored/{name}")).unwrap()
}

#[test]
fn version_1_records_of_every_kind_load() {
    let ledger: AttemptLedger = decode(Stored::Ledger, &fixture("ledger-v1.json")).unwrap();
    assert_eq!(ledger.attempts[0].question_ds, Vec::<u32>::new(), "older attempts without per-question times");

    let roster: Roster = decode(Stored::Roster, &fixture("roster-v1.json")).unwrap();
    assert_eq!(roster.current().map(|p| p.name.as_str()), Some("李四"));
    assert_eq!(roster.people[0].phone.as_deref(), Some("138****5678"));

    let prefs: Prefs = decode(Stored::Prefs, &fixture("prefs-v1.json")).unwrap();
    assert_eq!(prefs, Prefs { lang: Lang::En, large_text: true });

    let round: Round = decode(Stored::Round, &fixture("round-v1.json")).unwrap();
    assert_eq!((round.current, round.answers[0], round.per_question_ms), (1, AnswerSet(4), Some(30_000)));
    assert_eq!(round.remaining_ms(1_795_393_812_000 + 10_000), Some(20_000));

    let pin: PinHash = decode(Stored::OrganizerPin, &fixture("organizer-pin-v1.json")).unwrap();
    assert_eq!(pin.iterations, 20_000);

    let setup: ContestSetup = decode(Stored::Setup, &fixture("setup-v1.json")).unwrap();
    assert_eq!(setup.bank_id.as_deref(), Some("bank-19ab"));
    assert_eq!(setup.rules, None);

    let banks: Vec<SavedBank> = decode(Stored::Banks, &fixture("banks-v1.json")).unwrap();
    let bank = banks[0].bank().unwrap();
    assert_eq!((bank.questions.len(), bank.questions[0].answer), (1, AnswerSet::TRUE));
}
