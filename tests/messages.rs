//! One source for what a type says: an error's English `Display` is its English message, and
//! its Chinese message is Chinese throughout.

use kepu_quiz::core::formats::codec::{DecodeError, Json, SerdeJson};
use kepu_quiz::core::model::bank::{Bank, BankError};
use kepu_quiz::core::model::contest::{Contest, ContestError};
use kepu_quiz::core::play::session::QuizError;
use kepu_quiz::core::storage::persist::{StorageError, Stored};
use kepu_quiz::core::{Lang, Message, Notice};

fn check(what: &str, said: &(impl Message + std::fmt::Display)) {
    let (zh, en) = (said.message(Lang::Zh), said.message(Lang::En));
    assert_eq!(said.to_string(), en, "{what}: Display differs from the English message");
    assert_ne!(zh, en, "{what}: no Chinese message");
    assert!(zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{what}: {zh}");
    assert!(!en.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{what}: {en}");
}

#[test]
fn every_error_says_the_same_in_display_and_in_english() {
    check("storage full", &StorageError::QuotaExceeded(Stored::Ledger));
    check("unknown question", &QuizError::UnknownQuestion("q-1".into()));
    let not_json = SerdeJson::decode::<Vec<u32>>("{").unwrap_err();
    check("not JSON", &not_json);
    let shape: DecodeError = SerdeJson::decode::<Vec<u32>>("[\"7\"]").unwrap_err();
    check("wrong shape", &shape);
    let bank: BankError = Bank::from_json("{\"format\":\"other\"}").unwrap_err();
    check("not a bank", &bank);
    let contest: ContestError = Contest::from_json("[]").unwrap_err();
    check("not a contest", &contest);
}

#[test]
fn a_notice_keeps_both_languages() {
    let full = StorageError::QuotaExceeded(Stored::Ledger);
    let notice = Notice::of(&full);
    assert_eq!(notice.get(Lang::Zh), full.message(Lang::Zh));
    assert_eq!(notice.get(Lang::En), full.message(Lang::En));
    let two = Notice::lines([notice.clone(), Notice::new("二", "two")]).unwrap();
    assert_eq!(two.get(Lang::En), format!("{}\ntwo", full.message(Lang::En)));
    assert_eq!(Notice::lines([]), None);
}
