//! The results collector's receipts inside results files (`kepu-ledger` version 2): a file
//! with receipts round-trips and its receipts verify with the collector's public key; a
//! receipt changed, or a record changed after it was signed, is found; files of earlier builds
//! (fixtures, without receipts) still verify and merge.

use std::fs;

use ed25519_dalek::{Signer, SigningKey};
use kepu_quiz::core::exchange::ledger_file::{export_ledger, merge_into, read_ledger_file, LedgerFileError};
use kepu_quiz::core::exchange::receipts::{with_receipts, CollectorKey, NotAKey, ReceiptState, ReceiptTally};
use kepu_quiz::core::exchange::submission::{receipt_message, verify_receipt};
use kepu_quiz::core::formats::codec::SerdeJson;
use kepu_quiz::core::play::ledger::{Attempt, AttemptLedger};
use kepu_quiz::core::{Lang, Message};
use sha2::{Digest, Sha256};

const CONTEST: &str = "kepu-demo";

fn hex(bytes: &[u8]) -> String {
    hex::encode(bytes)
}
const FIXTURE: &str = "tests/fixtures/reports/results-v2-receipts.json";

/// The collector's signing key of the fixture (its secret: 32 bytes of 7).
fn collector() -> SigningKey {
    SigningKey::from_bytes(&[7; 32])
}

fn public_hex() -> String {
    hex(collector().verifying_key().as_bytes())
}

fn attempt(i: usize) -> Attempt {
    let started_at = 1_795_400_000_000 + i as i64 * 3_600_000;
    Attempt {
        id: format!("p{i}-{started_at:x}"),
        contest_id: CONTEST.into(),
        participant_id: format!("p{i}"),
        name: format!("参赛者{i}"),
        region: Some("410102".into()),
        crowd: Some("农民".into()),
        started_at,
        finished_at: started_at + 95_000,
        questions: vec!["t1".into(), "s1".into(), "m1".into()],
        answers: vec![1, 2, 13],
        score: 30,
        max_score: 30,
        correct: 3,
        time_used_ms: 95_000,
        question_ds: vec![300, 320, 330],
        rules_revision: 1,
        bank: "demo@1".into(),
        rules_hash: Some("0123456789ab".into()),
        stage: None,
        receipt: None,
    }
}

/// Four attempts of one phone; the collector accepted the first three (their receipts are in
/// the phone's outbox), the fourth was played offline and is not sent yet.
fn phone() -> (Vec<Attempt>, Vec<(String, String)>) {
    let attempts: Vec<Attempt> = (0..4).map(attempt).collect();
    let outbox = attempts[..3]
        .iter()
        .map(|a| (a.id.clone(), hex(&collector().sign(receipt_message(CONTEST, a).as_bytes()).to_bytes())))
        .collect();
    (attempts, outbox)
}

fn exported() -> String {
    let (attempts, outbox) = phone();
    let carried = with_receipts(&attempts, |id| outbox.iter().find(|(i, _)| i == id).map(|(_, r)| r.clone()));
    export_ledger::<SerdeJson>(CONTEST, "phone", &carried, 1_795_500_000_000)
}

fn tally(attempts: &[Attempt]) -> ReceiptTally {
    let key = CollectorKey::parse(&public_hex()).unwrap();
    ReceiptTally::of_records(Some(&key), CONTEST, attempts)
}

/// Replaces `from` by `to` in the file and writes the checksum again, as a forger would.
fn forged(text: &str, from: &str, to: &str) -> String {
    let changed = text.replacen(from, to, 1);
    assert_ne!(changed, text, "{from}");
    let (start, end) = (changed.find(r#""ledger":"#).unwrap() + 9, changed.find(r#","checksum":"#).unwrap());
    let digest = Sha256::new().chain_update(CONTEST).chain_update(b"\n").chain_update(&changed[start..end]).finalize();
    format!("{},\"checksum\":\"{}\"}}", &changed[..end], hex(&digest))
}

#[test]
fn a_results_file_with_receipts_is_the_fixture_and_round_trips() {
    let text = exported();
    if std::env::var_os("KEPU_WRITE_FIXTURE").is_some() {
        fs::write(FIXTURE, &text).unwrap();
    }
    assert_eq!(text, fs::read_to_string(FIXTURE).unwrap(), "this build writes the fixture's very bytes");
    // The receipts are one entry per row beside the rows, inside `ledger`, so inside the checksum.
    assert!(text.contains(r#","r":[""#) && text.contains("\",null]},\"checksum\""), "{text}");
    let back = read_ledger_file(&text, CONTEST).unwrap();
    let (attempts, outbox) = phone();
    assert_eq!(back.len(), 4);
    for (a, b) in attempts.iter().zip(&back) {
        assert!(a.same_record(b));
        assert_eq!(b.receipt, outbox.iter().find(|(id, _)| *id == b.id).map(|(_, r)| r.clone()));
    }
    assert_eq!(tally(&back), ReceiptTally { valid: 3, invalid: 0, without: 1, unchecked: 0 });
    assert!(back[..3].iter().all(|a| verify_receipt(&public_hex(), CONTEST, a, a.receipt.as_deref().unwrap())));
    // Merged, the receipts stay with their records, and go out again in the organizer's file.
    let mut ledger = AttemptLedger::default();
    assert_eq!(merge_into(&mut ledger, back.clone()).added, 4);
    assert_eq!(tally(&ledger.attempts).valid, 3);
    let again = export_ledger::<SerdeJson>(CONTEST, "organizer", &ledger.attempts, 0);
    assert_eq!(tally(&read_ledger_file(&again, CONTEST).unwrap()).valid, 3);
    assert_eq!(tally(&back).message(Lang::Zh), "回执：有效 3 条，无回执 1 条", "the words the organizer reads");
}

#[test]
fn a_changed_receipt_or_a_record_changed_after_signing_is_found() {
    let text = exported();
    let back = read_ledger_file(&text, CONTEST).unwrap();
    let receipt = back[0].receipt.clone().unwrap();
    // Changed without the checksum written again: the whole file is refused, receipts included.
    let flipped = format!("{}{}", if receipt.starts_with('0') { '1' } else { '0' }, &receipt[1..]);
    assert_eq!(read_ledger_file(&text.replacen(&receipt, &flipped, 1), CONTEST), Err(LedgerFileError::Tampered));
    // With the checksum written again, the file reads, and the receipt no longer verifies.
    let forged_receipt = read_ledger_file(&forged(&text, &receipt, &flipped), CONTEST).unwrap();
    assert_eq!(tally(&forged_receipt), ReceiptTally { valid: 2, invalid: 1, without: 1, unchecked: 0 });
    // A receipt moved to another attempt of the file.
    let other = back[1].receipt.clone().unwrap();
    let moved = read_ledger_file(&forged(&text, &receipt, &other), CONTEST).unwrap();
    assert_eq!(tally(&moved).invalid, 1);
    // A record changed after it was signed: its score (row field 8, base 36: 30 = "u") raised
    // to 40 ("14"), and the maximum with it, so the figures stay consistent.
    let row = &text[text.find(r#""attempts":[""#).unwrap() + 13..];
    let row = &row[..row.find('"').unwrap()];
    let fields: Vec<&str> = row.split('.').collect();
    assert_eq!((fields[7], fields[8]), ("u", "u"), "{row}");
    let mut raised = fields.clone();
    raised[7] = "14";
    raised[8] = "14";
    let changed = read_ledger_file(&forged(&text, row, &raised.join(".")), CONTEST).unwrap();
    assert_eq!((changed[0].score, changed[0].receipt.as_deref()), (40, Some(receipt.as_str())));
    assert_eq!(tally(&changed), ReceiptTally { valid: 2, invalid: 1, without: 1, unchecked: 0 });
    let key = CollectorKey::parse(&public_hex()).unwrap();
    assert_eq!(key.check(CONTEST, &changed[0], changed[0].receipt.as_deref()), ReceiptState::Invalid);
    // Another collector's key verifies none; without a key they are counted, not checked.
    let stranger = CollectorKey::parse(&hex(SigningKey::from_bytes(&[8; 32]).verifying_key().as_bytes())).unwrap();
    assert_eq!(ReceiptTally::of_records(Some(&stranger), CONTEST, &back).invalid, 3);
    let unkeyed = ReceiptTally::of_records(None, CONTEST, &back);
    assert_eq!(unkeyed, ReceiptTally { valid: 0, invalid: 0, without: 1, unchecked: 3 });
    assert_eq!(
        unkeyed.message(Lang::Zh),
        "回执：无回执 1 条，3 条有回执但未核验（没有回执公钥，请在“实时”页连接收集服务器或填写公钥）"
    );
    let invalid = ReceiptTally { valid: 2, invalid: 1, without: 1, unchecked: 0 };
    assert!(invalid.message(Lang::Zh).contains("无效 1 条（签名后记录被改过"), "{}", invalid.message(Lang::Zh));
    assert!(invalid.message(Lang::En).contains("1 invalid (the record changed after signing"));
    // What is not a key is told.
    assert_eq!(CollectorKey::parse("abc"), Err(NotAKey));
    assert_eq!(CollectorKey::parse(&format!(" {} ", public_hex().to_uppercase())).unwrap().hex(), public_hex());
    assert!(NotAKey.message(Lang::En).contains("64 hex digits"));
}

#[test]
fn files_of_earlier_builds_still_verify_and_merge_without_receipts() {
    for (name, count) in [("results-v1.json", 7), ("results-v2-809b8e7.json", 12)] {
        let text = fs::read_to_string(format!("tests/fixtures/reports/{name}")).unwrap();
        let attempts = read_ledger_file(&text, CONTEST).unwrap();
        assert_eq!(attempts.len(), count, "{name}");
        assert_eq!(tally(&attempts), ReceiptTally { without: count, ..ReceiptTally::default() }, "{name}");
        let mut ledger = AttemptLedger::default();
        assert_eq!(merge_into(&mut ledger, attempts.clone()).added, count, "{name}");
        // Written again by this build: no `r` when nothing carries a receipt.
        let again = export_ledger::<SerdeJson>(CONTEST, "d", &ledger.attempts, 0);
        assert!(!again.contains(r#""r":"#), "{name}");
        assert_eq!(read_ledger_file(&again, CONTEST).unwrap(), attempts);
    }
}

#[test]
fn a_receipt_signs_the_stage_and_earlier_receipts_keep_verifying() {
    let staged = Attempt { stage: Some("final".into()), ..attempt(0) };
    let message = receipt_message(CONTEST, &staged);
    assert!(message.starts_with("kepu-receipt/2\n") && message.ends_with("\nfinal\n"), "{message}");
    // Without a stage the message is the one earlier builds signed (the fixture's receipts).
    assert!(receipt_message(CONTEST, &attempt(0)).starts_with("kepu-receipt/1\n"));
    let receipt = hex(&collector().sign(message.as_bytes()).to_bytes());
    assert!(verify_receipt(&public_hex(), CONTEST, &staged, &receipt));
    // Moved to another stage, or stripped of it, the receipt no longer verifies.
    assert!(!verify_receipt(
        &public_hex(),
        CONTEST,
        &Attempt { stage: Some("daily-1".into()), ..staged.clone() },
        &receipt
    ));
    assert!(!verify_receipt(&public_hex(), CONTEST, &Attempt { stage: None, ..staged }, &receipt));
}
