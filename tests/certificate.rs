//! 电子证书 natively: the contest's certificate rule, the verification code (fixed for a known
//! input, different for any changed input, tolerant as typed), finding an attempt by its code,
//! and the poster's QR code.

use kepu_quiz::core::exchange::certificate::{
    code_of, find, fit_text, normalize_code, qr_modules, verification_code, CertificateRequest,
};
use kepu_quiz::core::formats::codec::{Json, SerdeJson};
use kepu_quiz::core::model::contest::Contest;
use kepu_quiz::core::model::contest::{Award, CertificateRule};
use kepu_quiz::core::play::ledger::Attempt;
use kepu_quiz::core::Lang;

fn attempt(id: &str, person: &str, score: u32) -> Attempt {
    Attempt {
        id: id.into(),
        contest_id: "kepu-demo".into(),
        participant_id: person.into(),
        name: "张三".into(),
        region: Some("440106".into()),
        crowd: None,
        started_at: 1_764_662_400_000,
        finished_at: 1_764_662_700_000,
        questions: vec![],
        answers: vec![],
        score,
        max_score: 100,
        correct: score / 5,
        time_used_ms: 300_000,
        question_ds: vec![],
        rules_revision: 1,
        bank: "b@1".into(),
        rules_hash: None,
        stage: None,
        receipt: None,
    }
}

const PERSON: &str = "r0123456789abcdef";
const ATTEMPT: &str = "r0123456789abcdef-18c0f3a1b2c";

#[test]
fn a_known_input_gives_a_fixed_code() {
    // Computed independently (Python's hashlib over the same text, first 60 bits in Crockford
    // base32), so a change of the code's recipe fails here.
    assert_eq!(verification_code("kepu-demo", PERSON, ATTEMPT, 85, None), "473D-EH5Q-K771");
    assert_eq!(verification_code("kepu-demo", PERSON, ATTEMPT, 85, Some(&"ab".repeat(64))), "61N4-48CQ-Q04Q");
    // A receipt is read as hex, whatever its case or surrounding spaces.
    assert_eq!(
        verification_code("kepu-demo", PERSON, ATTEMPT, 85, Some(&format!(" {} ", "AB".repeat(64)))),
        "61N4-48CQ-Q04Q"
    );
}

#[test]
fn changing_any_input_changes_the_code() {
    let base = verification_code("kepu-demo", PERSON, ATTEMPT, 85, None);
    let receipt = "ab".repeat(64);
    let changed = [
        verification_code("kepu-demo2", PERSON, ATTEMPT, 85, None),
        verification_code("kepu-demo", "r0123456789abcdee", ATTEMPT, 85, None),
        verification_code("kepu-demo", PERSON, "r0123456789abcdef-18c0f3a1b2d", 85, None),
        verification_code("kepu-demo", PERSON, ATTEMPT, 86, None),
        verification_code("kepu-demo", PERSON, ATTEMPT, 85, Some(&receipt)),
        verification_code("kepu-demo", PERSON, ATTEMPT, 85, Some(&"ac".repeat(64))),
        // Fields run together differently are another input, not the same text.
        verification_code("kepu-dem", &format!("o\n{PERSON}"), ATTEMPT, 85, None),
    ];
    for (i, code) in changed.iter().enumerate() {
        assert_ne!(*code, base, "change {i}");
        assert_eq!(normalize_code(code).as_deref(), Some(code.as_str()));
    }
    let distinct: std::collections::HashSet<_> = changed.iter().collect();
    assert_eq!(distinct.len(), changed.len());
}

#[test]
fn a_code_is_read_as_people_type_it() {
    let code = verification_code("kepu-demo", PERSON, ATTEMPT, 85, None);
    for typed in ["473D-EH5Q-K771", "473deh5qk771", " 473D EH5Q K771 ", "473d—eh5q—k77l", "473D_EH5Q_K77I"] {
        assert_eq!(normalize_code(typed).as_deref(), Some(code.as_str()), "{typed}");
    }
    for typed in ["", "473D-EH5Q-K77", "473D-EH5Q-K7711", "473D-EH5Q-K77U", "证书编号"] {
        assert_eq!(normalize_code(typed), None, "{typed}");
    }
}

#[test]
fn an_attempt_is_found_by_its_code_with_or_without_its_receipt() {
    let attempts = [attempt("a1", "p1", 80), attempt("a2", "p2", 90), attempt("a3", "p1", 95)];
    let receipt = "cd".repeat(64);
    let receipts = |id: &str| (id == "a2").then_some(receipt.as_str());
    let plain = code_of(&attempts[1], None);
    let signed = code_of(&attempts[1], Some(&receipt));
    assert_ne!(plain, signed);
    assert_eq!(find(&plain, &attempts, receipts).map(|a| a.id.as_str()), Some("a2"));
    assert_eq!(find(&signed, &attempts, receipts).map(|a| a.id.as_str()), Some("a2"));
    assert_eq!(find(&code_of(&attempts[2], None), &attempts, receipts).map(|a| a.id.as_str()), Some("a3"));
    // A receipt the organizer does not know: the signed code matches nothing here.
    assert_eq!(find(&signed, &attempts, |_| None), None);
    let mut raised = attempts[1].clone();
    raised.score = 100;
    assert_eq!(find(&code_of(&raised, None), &attempts, receipts), None, "another score");
    // The request the result page sends gives the same code as the attempt.
    let request = CertificateRequest {
        contest_id: "kepu-demo".into(),
        person: "p2".into(),
        attempt: "a2".into(),
        score: 90,
        receipt: Some(receipt.clone()),
        ..CertificateRequest::default()
    };
    assert_eq!(request.code(), signed);
}

#[test]
fn the_rule_says_who_earns_a_certificate() {
    let none = CertificateRule::default();
    assert!(none.is_none());
    assert!(!none.earned(100, 60));
    let finished = CertificateRule { award: Award::Finished, min_score: None };
    assert!(finished.earned(0, 60));
    let passed = CertificateRule { award: Award::Passed, min_score: None };
    assert!(passed.earned(60, 60) && !passed.earned(59, 60));
    let eighty = CertificateRule { award: Award::Passed, min_score: Some(80) };
    assert!(eighty.earned(80, 60) && !eighty.earned(79, 60));
    assert_eq!(eighty.describe(60, Lang::Zh), "得分不低于 80 分发证书");
    assert_eq!(passed.describe(60, Lang::En), "a certificate for 60 points or more");
}

#[test]
fn contests_without_the_rule_load_and_keep_their_fingerprint() {
    let text = std::fs::read_to_string("questions/contest.json").unwrap();
    let (with, _) = Contest::from_json(&text).unwrap();
    assert_eq!(with.rules.certificate, CertificateRule { award: Award::Passed, min_score: None });
    assert!(with.rules.certificate.earned(with.rules.pass_mark, with.rules.pass_mark));

    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    value["rules"].as_object_mut().unwrap().remove("certificate");
    let (without, _) = Contest::from_json(&value.to_string()).unwrap();
    assert!(without.rules.certificate.is_none());
    // Absent, it is not written: the rules' JSON (and so their fingerprint) is as before.
    let json = SerdeJson::encode(&without.rules);
    assert!(!json.contains("certificate"), "{json}");
    assert!(SerdeJson::encode(&with.rules).contains(r#""certificate":{"award":"passed"}"#));

    value["rules"]["certificate"] = serde_json::json!({ "award": "passed", "min_score": 90 });
    let (ninety, _) = Contest::from_json(&value.to_string()).unwrap();
    assert!(!ninety.rules.certificate.earned(85, 60) && ninety.rules.certificate.earned(90, 60));
    value["rules"]["certificate"] = serde_json::json!({ "award": "sometimes" });
    assert!(Contest::from_json(&value.to_string()).is_err(), "an unknown award is refused");
}

#[test]
fn the_date_is_the_day_in_shanghai() {
    // 2026-12-01 16:30 UTC is 2 December 00:30 in Shanghai.
    let request = CertificateRequest { finished_at: 1_796_142_600_000, ..CertificateRequest::default() };
    assert_eq!(request.date(), "2026年12月2日");
    assert_eq!(CertificateRequest { lang: Lang::En, ..request }.date(), "2 December 2026");
}

#[test]
fn long_names_fit_their_box() {
    let measure =
        |t: &str, size: u32| t.chars().map(|c| if c.is_ascii() { 0.6 } else { 1.0 }).sum::<f64>() * size as f64;
    let name = "Maximilian Alexander von Hohenzollern-Sigmaringen";
    let (size, lines) = fit_text(name, 800.0, 88, 40, 2, measure);
    assert!(lines.len() <= 2, "{lines:?}");
    assert!(lines.iter().all(|l| measure(l, size) <= 800.0), "{size} {lines:?}");
    assert_eq!(lines.join(" "), name, "nothing lost when it fits");
}

#[test]
fn the_poster_qr_code_is_a_real_qr_code() {
    let address = "https://quiz.example.org/?contest=questions/contest.json";
    let rows = qr_modules(address).unwrap();
    let width = rows.len();
    assert!(width >= 21 && (width - 17).is_multiple_of(4), "a QR code's width is 17 + 4 × version: {width}");
    assert!(rows.iter().all(|r| r.len() == width));
    // The three finder patterns: a dark 7×7 ring with a dark 3×3 centre.
    for (top, left) in [(0, 0), (0, width - 7), (width - 7, 0)] {
        for i in 0..7 {
            for j in 0..7 {
                let ring = i == 0 || i == 6 || j == 0 || j == 6;
                let centre = (2..=4).contains(&i) && (2..=4).contains(&j);
                assert_eq!(rows[top + i][left + j], ring || centre, "finder at ({top},{left}) [{i}][{j}]");
            }
        }
    }
    assert_ne!(qr_modules("https://quiz.example.org/?contest=other.json").unwrap(), rows);
    assert!(qr_modules(&"x".repeat(5000)).is_none(), "too long for a QR code");
}

#[test]
fn the_verify_box_says_who_what_and_when() {
    let a = attempt("a1", "p1", 85);
    let v = kepu_quiz::core::exchange::certificate::VerifiedAttempt::of(&a);
    let zh = v.message(kepu_quiz::core::exchange::certificate::Found::Merged, "广东省 广州市 海珠区", Lang::Zh);
    assert_eq!(zh, "验证码有效。张三（广东省 广州市 海珠区），85 / 100 分，2025-12-02 16:05 完成；记录在合并的成绩文件（答题记录 a1）。");
    let en = v.message(kepu_quiz::core::exchange::certificate::Found::Collector, "", Lang::En);
    assert!(en.contains("张三: 85 of 100 points") && en.contains("the results collector"), "{en}");
}
