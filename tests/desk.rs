//! The organizer's desk (`core::machines::desk`) run natively over an in-memory store: the PIN,
//! its reset, saved banks, the bank and rules in force and the one rule that decides them,
//! storage that is full or damaged, and merged attempts.

use std::rc::Rc;

use kepu_quiz::core::formats::codec::SerdeJson;
use kepu_quiz::core::machines::desk::{Desk, DeskAction, Tab};
use kepu_quiz::core::model::bank::Bank;
use kepu_quiz::core::model::contest::Contest;
use kepu_quiz::core::play::ledger::AttemptLedger;
use kepu_quiz::core::storage::loaded::Loaded;
use kepu_quiz::core::storage::organizer::{ContestSetup, PinHash, SavedBank};
use kepu_quiz::core::storage::persist::Stored;
use kepu_quiz::core::storage::store::{MemoryStore, Store};
use kepu_quiz::core::{Lang, Notice};

const CONTEST: &str = "kepu-demo";
const NOW: i64 = 1_790_000_000_000;

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn package() -> (Rc<Contest>, Rc<Bank>) {
    let (contest, _) = Contest::from_json(&read("questions/contest.json")).unwrap();
    let bank = Bank::from_json(&read("questions/default-bank.json")).unwrap();
    (Rc::new(contest), Rc::new(bank))
}

/// The default contest as this store's settings make it (the citizen's loader does the same).
fn loaded(store: &MemoryStore) -> Rc<Loaded> {
    let (contest, bank) = package();
    let setup: ContestSetup =
        store.read(&Stored::Setup.key(CONTEST)).unwrap().and_then(|t| decode(Stored::Setup, &t)).unwrap_or_default();
    let banks: Vec<SavedBank> =
        store.read(&Stored::Banks.key("")).unwrap().and_then(|t| decode(Stored::Banks, &t)).unwrap_or_default();
    Rc::new(Loaded::on_device::<SerdeJson>("questions/contest.json", contest, bank, &setup, &banks).unwrap())
}

/// What the citizens' loader reads of a setting (nothing, where it cannot be read).
fn decode<T: serde::de::DeserializeOwned + kepu_quiz::core::formats::codec::Meaningful>(
    kind: Stored,
    text: &str,
) -> Option<T> {
    kepu_quiz::core::storage::persist::decode::<SerdeJson, T>(kind, text).ok()
}

fn open(store: &Rc<MemoryStore>) -> Desk<String> {
    Desk::open::<SerdeJson>(loaded(store), store.clone(), NOW)
}

fn apply(desk: &mut Desk<String>, action: DeskAction<String>) {
    desk.apply::<SerdeJson>(action);
}

fn zh(notice: &Option<Notice>) -> &str {
    notice.as_ref().map_or("", |n| n.get(Lang::Zh))
}

/// The default bank saved under another id: it fills the default contest's mix.
fn full_bank(id: &str) -> SavedBank {
    saved(id, read("questions/default-bank.json"), 607)
}

/// A bank of three 判断 questions: far too few for the default contest.
fn small_bank(id: &str) -> SavedBank {
    let question = |n: u32| {
        format!(r#"{{"id":"s{n}","type":"true_false","stem":"问题{n}","answer":"正确","explanation":"因为{n}"}}"#)
    };
    let json = format!(
        r#"{{"format":"kepu-bank","version":1,"id":"small","title":"小题库","questions":[{},{},{}]}}"#,
        question(1),
        question(2),
        question(3)
    );
    saved(id, json, 3)
}

fn saved(id: &str, json: String, questions: usize) -> SavedBank {
    SavedBank { id: id.into(), title: id.into(), source_file: format!("{id}.xlsx"), saved_at: NOW, questions, json }
}

fn stored(store: &MemoryStore, kind: Stored, id: &str) -> Option<String> {
    store.read(&kind.key(id)).unwrap()
}

#[test]
fn a_pin_is_set_kept_and_asked_for_after_a_reload() {
    let store = Rc::new(MemoryStore::default());
    let mut desk = open(&store);
    assert!(desk.pin.is_none() && !desk.unlocked);
    apply(&mut desk, DeskAction::SetPin(PinHash::set("2468", 7).unwrap()));
    assert!(desk.unlocked);
    assert!(stored(&store, Stored::OrganizerPin, "").is_some());
    let again = open(&store);
    assert!(!again.unlocked, "a reload asks for the PIN again");
    assert_eq!(again.pin.as_ref().unwrap().check("2468", 1), Ok(None));
}

#[test]
fn a_pin_reset_wipes_every_organizer_setting_and_never_results() {
    let store = Rc::new(MemoryStore::default());
    let results = kepu_quiz::core::storage::persist::encode::<SerdeJson, _>(Stored::Ledger, &AttemptLedger::default());
    store.write(&Stored::Ledger.key(CONTEST), &results).unwrap();
    let mut desk = open(&store);
    apply(&mut desk, DeskAction::SetPin(PinHash::set("2468", 7).unwrap()));
    apply(&mut desk, DeskAction::SaveBank(Box::new(full_bank("mine"))));
    apply(&mut desk, DeskAction::UseBank(Some("mine".into())));
    assert!(stored(&store, Stored::Setup, CONTEST).is_some());
    apply(&mut desk, DeskAction::ResetOrganizer);
    for (kind, id) in [(Stored::OrganizerPin, ""), (Stored::Banks, ""), (Stored::Setup, CONTEST)] {
        assert_eq!(stored(&store, kind, id), None, "{kind:?} left after a reset");
    }
    assert_eq!(stored(&store, Stored::Ledger, CONTEST), Some(results), "results are never wiped");
    assert!(desk.pin.is_none() && desk.banks.is_empty());
    assert!(Rc::ptr_eq(&desk.bank, &desk.package.package_bank), "the package's bank is back in force");
    assert!(zh(&desk.flash).contains("管理设置已清除"));
}

#[test]
fn a_saved_bank_is_used_kept_across_a_reload_and_not_deleted_while_in_use() {
    let store = Rc::new(MemoryStore::default());
    let mut desk = open(&store);
    apply(&mut desk, DeskAction::SaveBank(Box::new(full_bank("mine"))));
    assert_eq!(desk.banks.len(), 1);
    apply(&mut desk, DeskAction::UseBank(Some("mine".into())));
    assert_eq!(desk.setup.bank_id.as_deref(), Some("mine"));
    assert!(!Rc::ptr_eq(&desk.bank, &desk.package.package_bank), "the saved bank is in force");
    assert!(zh(&desk.flash).contains("改用"));

    // The citizens' loader puts the same bank in force from what was stored.
    let reloaded = loaded(&store);
    assert!(!Rc::ptr_eq(&reloaded.bank, &reloaded.package_bank));
    assert_eq!(open(&store).setup.bank_id.as_deref(), Some("mine"));

    apply(&mut desk, DeskAction::DeleteBank("mine".into()));
    assert!(zh(&desk.notice).contains("正在使用的题库不能删除"));
    assert_eq!(desk.banks.len(), 1);
    apply(&mut desk, DeskAction::UseBank(None));
    assert!(Rc::ptr_eq(&desk.bank, &desk.package.package_bank));
    apply(&mut desk, DeskAction::DeleteBank("mine".into()));
    assert!(desk.banks.is_empty());
    assert_eq!(stored(&store, Stored::Banks, "").as_deref().map(|t| t.contains("mine")), Some(false));
}

#[test]
fn a_bank_that_cannot_fill_the_rules_is_refused_and_nothing_is_stored() {
    let store = Rc::new(MemoryStore::default());
    let mut desk = open(&store);
    apply(&mut desk, DeskAction::SaveBank(Box::new(small_bank("small"))));
    apply(&mut desk, DeskAction::UseBank(Some("small".into())));
    assert!(zh(&desk.notice).contains("判断题"), "{:?}", desk.notice);
    assert_eq!(desk.setup.bank_id, None);
    assert_eq!(stored(&store, Stored::Setup, CONTEST), None);
    assert!(Rc::ptr_eq(&desk.bank, &desk.package.package_bank));
    apply(&mut desk, DeskAction::UseBank(Some("gone".into())));
    assert_eq!(zh(&desk.notice), "找不到这个题库");
}

#[test]
fn rules_are_checked_saved_and_reset() {
    let store = Rc::new(MemoryStore::default());
    let mut desk = open(&store);
    let mut shorter = desk.contest.rules.clone();
    shorter.round.mix[0].count = 5;
    apply(&mut desk, DeskAction::SaveRules(Box::new(shorter)));
    assert_eq!(desk.contest.rules.round.mix[0].count, 5);
    assert!(stored(&store, Stored::Setup, CONTEST).unwrap().contains("\"count\":5"));
    assert_eq!(loaded(&store).contest.rules.round.mix[0].count, 5, "the citizens' app runs by them");

    let mut impossible = desk.contest.rules.clone();
    impossible.round.mix[0].count = 5_000;
    apply(&mut desk, DeskAction::SaveRules(Box::new(impossible)));
    assert!(!zh(&desk.notice).is_empty());
    assert_eq!(desk.contest.rules.round.mix[0].count, 5, "the rules in force are unchanged");
    assert!(stored(&store, Stored::Setup, CONTEST).unwrap().contains("\"count\":5"), "nothing half written");

    apply(&mut desk, DeskAction::ResetRules);
    assert!(Rc::ptr_eq(&desk.contest, &desk.package.package_contest));
    assert_eq!(desk.setup.rules, None);
    assert_eq!(loaded(&store).contest.rules.round.mix[0].count, 7);
}

#[test]
fn full_storage_keeps_the_desk_as_it_was_and_says_so() {
    let store = Rc::new(MemoryStore::default());
    let mut desk = open(&store);
    *store.limit.borrow_mut() = Some(1_000);
    apply(&mut desk, DeskAction::SaveBank(Box::new(full_bank("big"))));
    assert!(desk.banks.is_empty());
    assert!(zh(&desk.notice).contains("已满"), "{:?}", desk.notice);
    assert_eq!(stored(&store, Stored::Banks, ""), None);
}

#[test]
fn damaged_settings_are_set_aside_and_said() {
    let store = Rc::new(MemoryStore::default());
    store.write(&Stored::Banks.key(""), "{not json").unwrap();
    let desk = open(&store);
    assert!(desk.banks.is_empty());
    assert!(!zh(&desk.notice).is_empty());
    assert_eq!(store.set_aside_keys().len(), 1, "the damaged record is kept aside, not lost");
    assert_eq!(stored(&store, Stored::Banks, ""), None);
}

#[test]
fn a_setup_that_no_longer_fits_is_passed_over_for_citizens_and_explained_to_the_organizer() {
    let store = Rc::new(MemoryStore::default());
    let setup = ContestSetup { bank_id: Some("deleted".into()), rules: None };
    store
        .write(
            &Stored::Setup.key(CONTEST),
            &kepu_quiz::core::storage::persist::encode::<SerdeJson, _>(Stored::Setup, &setup),
        )
        .unwrap();
    let citizens = loaded(&store);
    assert!(Rc::ptr_eq(&citizens.bank, &citizens.package_bank), "citizens get the package's contest");
    let desk = open(&store);
    assert!(zh(&desk.notice).contains("本机的管理设置无法使用"), "{:?}", desk.notice);
    assert!(desk.notice.as_ref().unwrap().get(Lang::En).contains("cannot be used"));
}

#[test]
fn merged_attempts_replace_what_the_statistics_cover() {
    let store = Rc::new(MemoryStore::default());
    let mut desk = open(&store);
    assert_eq!(desk.collected, None);
    let chunks = Rc::new(vec!["chunk".to_string()]);
    let flash = Notice::new("合并完成", "Merged");
    apply(
        &mut desk,
        DeskAction::Collected {
            all: AttemptLedger::default(),
            collected: 0,
            chunks: chunks.clone(),
            flash: Some(flash.clone()),
        },
    );
    assert_eq!(desk.collected, Some(0));
    assert!(Rc::ptr_eq(&desk.collected_chunks, &chunks));
    assert_eq!(desk.flash, Some(flash));
}

#[test]
fn the_arrow_keys_move_between_tabs_and_wrap() {
    assert_eq!(Tab::Stats.moved_by("ArrowRight"), Some(Tab::Banks));
    assert_eq!(Tab::Stats.moved_by("ArrowLeft"), Some(Tab::Live));
    assert_eq!(Tab::Live.moved_by("ArrowDown"), Some(Tab::Stats));
    assert_eq!(Tab::Rules.moved_by("End"), Some(Tab::Live));
    assert_eq!(Tab::Rules.moved_by("Home"), Some(Tab::Stats));
    assert_eq!(Tab::Rules.moved_by("a"), None);
}
