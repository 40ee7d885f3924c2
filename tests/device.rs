//! The citizen's device as a state machine (`core::machines::device`), natively: every action against an
//! in-memory store that can be made full or hold damaged records, with time and randomness given.

use std::rc::Rc;

use kepu_quiz::core::formats::codec::SerdeJson;
use kepu_quiz::core::machines::device::{Action, Changed, Device, Screen};
use kepu_quiz::core::model::bank::Bank;
use kepu_quiz::core::model::clock::parse_shanghai;
use kepu_quiz::core::model::contest::Contest;
use kepu_quiz::core::model::participant::{nfkc, register, RegistrationForm};
use kepu_quiz::core::model::region::RegionTable;
use kepu_quiz::core::storage::loaded::Loaded;
use kepu_quiz::core::storage::organizer::ContestSetup;
use kepu_quiz::core::storage::persist::{Pref, Prefs, Stored};
use kepu_quiz::core::storage::store::{MemoryStore, Store};
use kepu_quiz::core::Lang;

const CONTEST: &str = "kepu-demo";

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The bundled default contest: 20 questions of 30 s each, 3 attempts a day.
fn loaded() -> Rc<Loaded> {
    let (contest, _) = Contest::from_json(&read("questions/contest.json")).unwrap();
    let bank = Bank::from_json(&read("questions/default-bank.json")).unwrap();
    let (contest, bank) = (Rc::new(contest), Rc::new(bank));
    let setup = ContestSetup::default();
    Rc::new(Loaded::on_device::<SerdeJson>("questions/contest.json", contest, bank, &setup, &[]).unwrap())
}

fn t(at: &str) -> i64 {
    parse_shanghai(at).unwrap()
}

fn open(store: &Rc<MemoryStore>, now: i64) -> Device {
    Device::restore::<SerdeJson>(loaded(), store.clone(), now)
}

fn person(name: &str, random: u64) -> kepu_quiz::core::model::participant::Participant {
    person_of(name, random, "农民")
}

fn person_of(name: &str, random: u64, crowd: &str) -> kepu_quiz::core::model::participant::Participant {
    let regions = RegionTable::from_json(&read("questions/regions.json")).unwrap();
    let form = RegistrationForm {
        name: name.into(),
        phone: String::new(),
        region: Some("430104".into()),
        crowd: Some(crowd.into()),
    };
    register(&loaded().contest.rules.registration, Some(&regions), &form, random, nfkc).unwrap()
}

fn apply(device: &mut Device, action: Action) -> Changed {
    device.apply::<SerdeJson>(action)
}

/// Answers every question with its first choice, a second apart; returns the time after.
fn play_through(device: &mut Device, mut now: i64) -> i64 {
    while let Some(round) = &device.round {
        let question = round.current;
        now += 1_000;
        apply(device, Action::Choose { question, shown: 0, now });
        apply(device, Action::Next { question, now });
    }
    now
}

fn stored(store: &MemoryStore, kind: Stored) -> Option<String> {
    store.read(&kind.key(CONTEST)).unwrap()
}

#[test]
fn registering_selects_the_person_and_a_reload_keeps_them() {
    let store = Rc::new(MemoryStore::default());
    let now = t("2026-12-02 09:00");
    let mut device = open(&store, now);
    assert_eq!(device.screen, Screen::Home);
    assert!(device.participant().is_none());
    apply(&mut device, Action::Register(person("张伟", 1)));
    assert_eq!(device.participant().unwrap().name, "张伟");
    assert_eq!(open(&store, now).participant().unwrap().name, "张伟");
}

#[test]
fn a_round_is_stored_as_it_goes_and_recorded_when_it_ends() {
    let store = Rc::new(MemoryStore::default());
    let now = t("2026-12-02 09:00");
    let mut device = open(&store, now);
    apply(&mut device, Action::StartRound { now, seed: 7 });
    assert_eq!(device.screen, Screen::Register, "nobody registered: the form first");
    apply(&mut device, Action::Register(person("李娜", 2)));
    apply(&mut device, Action::StartRound { now, seed: 7 });
    assert_eq!(device.screen, Screen::Round);
    assert_eq!(device.round.as_ref().unwrap().questions.len(), 20);
    assert!(stored(&store, Stored::Round).is_some(), "the round is stored before the first question");

    // A reload mid-round takes it up at the same question.
    apply(&mut device, Action::Choose { question: 0, shown: 0, now: now + 1_000 });
    apply(&mut device, Action::Next { question: 0, now: now + 1_000 });
    let reloaded = open(&store, now + 2_000);
    assert_eq!(reloaded.screen, Screen::Round);
    assert_eq!(reloaded.round.as_ref().unwrap().current, 1);

    play_through(&mut device, now + 2_000);
    assert_eq!(device.screen, Screen::Result);
    assert_eq!(device.ledger.attempts.len(), 1);
    assert_eq!(device.last.as_ref().unwrap().questions.len(), 20);
    assert!(stored(&store, Stored::Round).is_none(), "a recorded round is no longer stored");
    assert_eq!(open(&store, now + 60_000).ledger.attempts.len(), 1);
}

#[test]
fn a_tap_for_a_question_no_longer_on_screen_changes_nothing() {
    let store = Rc::new(MemoryStore::default());
    let now = t("2026-12-02 09:00");
    let mut device = open(&store, now);
    apply(&mut device, Action::Register(person("王芳", 3)));
    apply(&mut device, Action::StartRound { now, seed: 1 });
    apply(&mut device, Action::Choose { question: 0, shown: 0, now: now + 1_000 });
    apply(&mut device, Action::Next { question: 0, now: now + 1_000 });
    // A late tap meant for question 0 (say, a double tap) lands after question 1 is shown.
    apply(&mut device, Action::Choose { question: 0, shown: 1, now: now + 1_100 });
    apply(&mut device, Action::Next { question: 0, now: now + 1_100 });
    let round = device.round.as_ref().unwrap();
    assert_eq!(round.current, 1);
    assert!(round.answers[1].is_empty(), "{:?}", round.answers);
}

#[test]
fn time_outs_advance_and_submit_the_round() {
    let store = Rc::new(MemoryStore::default());
    let now = t("2026-12-02 09:00");
    let mut device = open(&store, now);
    apply(&mut device, Action::Register(person("赵强", 4)));
    apply(&mut device, Action::StartRound { now, seed: 3 });
    assert_eq!(apply(&mut device, Action::Tick(now + 10_000)), Changed::No, "nothing to move yet");
    assert_eq!(apply(&mut device, Action::Tick(now + 30_001)), Changed::Yes);
    assert_eq!(device.round.as_ref().unwrap().current, 1);
    apply(&mut device, Action::Tick(now + 20 * 30_000 + 1));
    assert_eq!(device.screen, Screen::Result);
    let attempt = device.last.as_ref().unwrap();
    assert_eq!((attempt.score, attempt.correct), (0, 0));
}

#[test]
fn storage_full_at_the_end_keeps_the_round_and_a_reload_records_it() {
    let store = Rc::new(MemoryStore::default());
    let now = t("2026-12-02 09:00");
    let mut device = open(&store, now);
    apply(&mut device, Action::Register(person("陈静", 5)));
    apply(&mut device, Action::StartRound { now, seed: 5 });
    let mut end = now;
    for question in 0..20 {
        end += 1_000;
        apply(&mut device, Action::Choose { question, shown: 0, now: end });
        if question == 19 {
            // Full from here on: the finished round still fits where it was, its result not.
            let used: usize = store.items.borrow().iter().map(|(k, v)| k.chars().count() + v.chars().count()).sum();
            *store.limit.borrow_mut() = Some(used + 60);
        }
        apply(&mut device, Action::Next { question, now: end });
    }
    assert!(device.unsaved);
    assert_eq!(device.screen, Screen::Result, "the result is still shown, and offered as a file");
    assert!(device.notice.as_ref().unwrap().get(Lang::Zh).contains("成绩未能保存"), "{:?}", device.notice);
    assert!(stored(&store, Stored::Ledger).is_none());
    assert!(stored(&store, Stored::Round).is_some(), "the finished round stays stored");
    *store.limit.borrow_mut() = None;
    let reloaded = open(&store, end + 1_000);
    assert_eq!(reloaded.ledger.attempts.len(), 1, "recorded on the next start");
    assert!(stored(&store, Stored::Round).is_none());
}

#[test]
fn a_round_does_not_start_without_room_for_its_result() {
    let store = Rc::new(MemoryStore::default());
    let now = t("2026-12-02 09:00");
    let mut device = open(&store, now);
    apply(&mut device, Action::Register(person("周敏", 6)));
    let used: usize = store.items.borrow().iter().map(|(k, v)| k.chars().count() + v.chars().count()).sum();
    // Room for the round's record, not for its result as well.
    *store.limit.borrow_mut() = Some(used + 1_500);
    apply(&mut device, Action::StartRound { now, seed: 5 });
    assert!(device.round.is_none());
    assert_eq!(device.screen, Screen::Home);
    assert!(device.notice.as_ref().unwrap().get(Lang::Zh).contains("无法开始答题"), "{:?}", device.notice);
    assert!(stored(&store, Stored::Round).is_none());
}

#[test]
fn a_second_tab_sees_the_first_tabs_attempt_and_the_daily_limit_counts_both() {
    let store = Rc::new(MemoryStore::default());
    let now = t("2026-12-02 09:00");
    let mut a = open(&store, now);
    apply(&mut a, Action::Register(person("孙丽", 7)));
    let mut b = open(&store, now);
    assert_eq!(b.participant().unwrap().name, "孙丽");

    // Tab A plays twice, tab B once: three attempts, the daily limit.
    apply(&mut a, Action::StartRound { now, seed: 1 });
    let mut clock = play_through(&mut a, now);
    apply(&mut a, Action::StartRound { now: clock, seed: 2 });
    clock = play_through(&mut a, clock);
    apply(&mut b, Action::StorageChanged(clock));
    assert_eq!(b.ledger.attempts.len(), 2, "tab B follows what tab A stored");
    apply(&mut b, Action::StartRound { now: clock, seed: 3 });
    clock = play_through(&mut b, clock);
    assert_eq!(b.ledger.attempts.len(), 3);

    // Tab A has not heard of B's attempt, but starting reads the store first.
    apply(&mut a, Action::Go(Screen::Home));
    apply(&mut a, Action::StartRound { now: clock, seed: 4 });
    assert!(a.round.is_none());
    let limit = a.notice.clone().unwrap();
    assert_eq!(limit.get(Lang::Zh), "今天的 3 次答题机会已用完，明天再来吧");
    // A notice is a value: switching the language shows the same notice in English.
    a.apply::<SerdeJson>(Action::SetLang(Lang::En));
    assert_eq!(a.notice, Some(limit.clone()), "the notice stays on screen");
    assert!(limit.get(Lang::En).contains("3"), "{limit:?}");
    assert!(!limit.get(Lang::En).contains('今'), "{limit:?}");
    assert_eq!(a.ledger.attempts.len(), 3);
    // The next day the person may play again.
    apply(&mut a, Action::StartRound { now: t("2026-12-03 09:00"), seed: 5 });
    assert!(a.round.is_some());
}

#[test]
fn a_round_started_in_one_tab_is_taken_up_not_started_twice_in_another() {
    let store = Rc::new(MemoryStore::default());
    let now = t("2026-12-02 09:00");
    let mut a = open(&store, now);
    apply(&mut a, Action::Register(person("吴刚", 8)));
    let mut b = open(&store, now);
    apply(&mut a, Action::StartRound { now, seed: 1 });
    apply(&mut b, Action::StartRound { now: now + 500, seed: 2 });
    assert_eq!(b.round.as_ref().unwrap().started_at, a.round.as_ref().unwrap().started_at);
    assert_eq!(b.round.as_ref().unwrap().questions, a.round.as_ref().unwrap().questions);
}

#[test]
fn damaged_records_are_set_aside_and_never_overwritten() {
    let store = Rc::new(MemoryStore::default());
    store.write(&Stored::Roster.key(CONTEST), "{not json").unwrap();
    store.write(&Stored::Ledger.key(CONTEST), r#"{"version":2,"data":{"attempts":7}}"#).unwrap();
    let now = t("2026-12-02 09:00");
    let mut device = open(&store, now);
    let notice = device.notice.clone().unwrap().get(Lang::Zh).to_owned();
    assert_eq!(notice.lines().count(), 2, "{notice}");
    assert!(notice.contains("原数据已保留未改动"), "{notice}");
    let aside = store.set_aside_keys();
    assert_eq!(aside.len(), 2, "{aside:?}");
    apply(&mut device, Action::Register(person("郑洁", 9)));
    apply(&mut device, Action::StartRound { now, seed: 1 });
    play_through(&mut device, now);
    assert_eq!(store.set_aside_keys(), aside);
    let kept = store.read(aside.iter().find(|k| k.contains("roster")).unwrap()).unwrap();
    assert_eq!(kept.as_deref(), Some("{not json"));
}

#[test]
fn storage_the_browser_refuses_is_told_as_such() {
    let store = Rc::new(kepu_quiz::core::storage::store::NoStore("SecurityError".into()));
    let now = t("2026-12-02 09:00");
    let mut device = Device::restore::<SerdeJson>(loaded(), store, now);
    apply(&mut device, Action::Register(person("钱程", 10)));
    let notice = device.notice.unwrap().get(Lang::Zh).to_owned();
    assert!(notice.contains("浏览器不允许本网站保存数据"), "{notice}");
    assert!(!notice.contains("已满"), "not called full: {notice}");
}

#[test]
fn practice_is_never_recorded() {
    let store = Rc::new(MemoryStore::default());
    let now = t("2026-12-02 09:00");
    let mut device = open(&store, now);
    apply(&mut device, Action::Register(person("冯雪", 11)));
    apply(&mut device, Action::StartPractice { category: None, now, seed: 9 });
    assert!(device.round.as_ref().unwrap().practice);
    assert!(stored(&store, Stored::Round).is_none(), "practice is not stored");
    apply(&mut device, Action::QuitPractice);
    assert_eq!((device.screen, device.round.is_none()), (Screen::Home, true));
    assert!(device.ledger.attempts.is_empty());
}

#[test]
fn the_reading_preferences_are_kept_with_large_text_and_older_records_read_with_them_off() {
    let store = Rc::new(MemoryStore::default());
    let now = t("2026-12-02 09:00");
    // Preferences written before 长辈模式 and 自动朗读 existed.
    store.write(&Stored::Prefs.key(""), r#"{"version":1,"data":{"lang":"en","large_text":true}}"#).unwrap();
    let mut device = open(&store, now);
    assert_eq!(
        device.prefs,
        Prefs { lang: kepu_quiz::core::Lang::En, large_text: true, older_reader: false, auto_read: false }
    );
    assert!(device.notice.is_none(), "nothing set aside");
    apply(&mut device, Action::Toggle(Pref::OlderReader));
    apply(&mut device, Action::Toggle(Pref::AutoRead));
    apply(&mut device, Action::Toggle(Pref::LargeText));
    let kept = open(&store, now).prefs;
    assert_eq!((kept.large_text, kept.older_reader, kept.auto_read), (false, true, true));
    let text = store.read(&Stored::Prefs.key("")).unwrap().unwrap();
    assert!(
        text.starts_with(r#"{"version":1,"#)
            && text.contains(r#""older_reader":true"#)
            && text.contains(r#""auto_read":true"#),
        "{text}"
    );
    apply(&mut device, Action::Toggle(Pref::AutoRead));
    assert!(!open(&store, now).prefs.auto_read);
}

#[test]
fn reading_aloud_stops_the_clock_for_older_people_by_default_and_not_for_others() {
    let store = Rc::new(MemoryStore::default());
    let now = t("2026-12-02 09:00");
    let mut device = open(&store, now);
    apply(&mut device, Action::Register(person_of("刘奶奶", 5, "老年人")));
    apply(&mut device, Action::StartRound { now, seed: 2 });
    let reading = Action::ReadingStarted { question: 0, now: now + 1_000 };
    assert_eq!(apply(&mut device, reading), Changed::Yes);
    let remaining = |d: &Device, at: i64| d.round.as_ref().unwrap().remaining_ms(at);
    assert_eq!(remaining(&device, now + 21_000), Some(29_000), "30 s a question; 20 s of reading did not count");
    // A reload while the device was reading: nothing reads in the new page, so the pause ends.
    let reloaded = open(&store, now + 21_000);
    assert_eq!(remaining(&reloaded, now + 31_000), Some(19_000));
    assert_eq!(apply(&mut device, Action::ReadingEnded(now + 21_000)), Changed::Yes);
    assert_eq!(apply(&mut device, Action::ReadingEnded(now + 22_000)), Changed::No, "nothing was being read");
    assert_eq!(remaining(&device, now + 26_000), Some(24_000));
    // Reading for ever gains 60 s a question at most (the default allowance).
    apply(&mut device, Action::ReadingStarted { question: 0, now: now + 26_000 });
    assert_eq!(apply(&mut device, Action::Tick(now + 30_000 + 60_000 - 1)), Changed::No);
    assert_eq!(apply(&mut device, Action::Tick(now + 30_000 + 60_000)), Changed::Yes);
    assert_eq!(device.round.as_ref().unwrap().current, 1);

    let store = Rc::new(MemoryStore::default());
    let mut device = open(&store, now);
    apply(&mut device, Action::Register(person_of("李叔叔", 6, "农民")));
    apply(&mut device, Action::StartRound { now, seed: 2 });
    assert_eq!(apply(&mut device, Action::ReadingStarted { question: 0, now: now + 1_000 }), Changed::No);
    assert_eq!(remaining(&device, now + 21_000), Some(9_000), "the clock ran while reading");
}
