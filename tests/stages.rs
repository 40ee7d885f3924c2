//! Contests in stages (每日一题, 第 N 周, 决赛; issue #13): the package's stages checked, which one is
//! open when, a round drawn, scored and limited under the open stage's rules on the citizen's
//! device (`core::machines::device`, against an in-memory store), the stage carried by the
//! stored ledger, results files and the collector's submission, and statistics per stage.

use std::rc::Rc;

use kepu_quiz::core::exchange::ledger_file::{
    export_ledger, merge_into, read_and_check, read_ledger_file, CheckSpec, Implausible, KnownRules, RecordCheck,
};
use kepu_quiz::core::exchange::submission::SubmittedAttempt;
use kepu_quiz::core::formats::codec::{Json, SerdeJson};
use kepu_quiz::core::machines::desk::new_stage;
use kepu_quiz::core::machines::device::{Action, Device, Screen};
use kepu_quiz::core::model::bank::Bank;
use kepu_quiz::core::model::clock::parse_shanghai;
use kepu_quiz::core::model::contest::{Contest, ContestError, RuleProblem, ScorePolicy, Window};
use kepu_quiz::core::model::participant::{nfkc, register, Participant, RegistrationForm};
use kepu_quiz::core::model::region::RegionTable;
use kepu_quiz::core::play::ledger::{Attempt, AttemptLedger, PackageRules, StartRefusal};
use kepu_quiz::core::reports::export::attempts_csv;
use kepu_quiz::core::reports::stats::{headline, of_stage};
use kepu_quiz::core::storage::loaded::Loaded;
use kepu_quiz::core::storage::organizer::ContestSetup;
use kepu_quiz::core::storage::persist::{decode, encode, Stored};
use kepu_quiz::core::storage::store::MemoryStore;
use kepu_quiz::core::{Lang, Message};

const FILE: &str = "tests/e2e-contests/stages.json";

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn t(at: &str) -> i64 {
    parse_shanghai(at).unwrap()
}

/// The e2e contest in two stages: 每日一题 (2027-04-01 08:00–11:59, one 判断, once a day) and
/// 决赛 (04-01 14:00 to 04-02 23:59, two 单选 and a 多选, twice a day, latest attempt counts);
/// the contest itself asks for three questions, three times a day, best attempt.
fn staged() -> (Contest, Bank) {
    let (contest, _) = Contest::from_json(&read(FILE)).unwrap();
    (contest, Bank::from_json(&read("questions/default-bank.json")).unwrap())
}

fn package_with_stages(stages: &str) -> Result<Contest, ContestError> {
    let text = read(FILE);
    let at = text.find(r#""stages""#).unwrap();
    let end = text.rfind(r#""bank""#).unwrap();
    let text = format!("{}\"stages\": {stages}\n  }},\n  {}", &text[..at], &text[end..]);
    Contest::from_json(&text).map(|(c, _)| c)
}

fn stage(id: &str, starts: &str, ends: &str) -> String {
    format!(r#"{{ "id": "{id}", "title": "第{id}周", "starts": "{starts}", "ends": "{ends}" }}"#)
}

#[test]
fn stages_are_checked_and_every_problem_names_its_stage() {
    let (contest, bank) = staged();
    assert_eq!(contest.rules.stages.len(), 2);
    assert!(contest.shortfalls(&bank).is_empty());

    let overlap = package_with_stages(&format!(
        "[{}, {}]",
        stage("1", "2027-04-01 08:00", "2027-04-07 23:59"),
        stage("2", "2027-04-07 23:59", "2027-04-14 23:59")
    ))
    .unwrap_err();
    assert_eq!(overlap, ContestError::Rules(vec![RuleProblem::StagesOverlap("1".into(), "2".into())]));
    assert_eq!(overlap.message(Lang::Zh), "阶段“1”与阶段“2”的时间重叠");
    assert_eq!(overlap.message(Lang::En), "stages \"1\" and \"2\" overlap");
    // An end given to the minute includes it: the next stage may start on the next minute.
    assert!(package_with_stages(&format!(
        "[{}, {}]",
        stage("1", "2027-04-01 08:00", "2027-04-07 23:59"),
        stage("2", "2027-04-08 00:00", "2027-04-14 23:59")
    ))
    .is_ok());

    let outside =
        package_with_stages(&format!("[{}]", stage("w5", "2027-04-28 00:00", "2027-05-04 23:59"))).unwrap_err();
    assert_eq!(outside, ContestError::Rules(vec![RuleProblem::StageOutside("w5".into())]));
    assert_eq!(outside.message(Lang::Zh), "阶段“w5”的时间超出了竞赛时间");
    assert_eq!(outside.message(Lang::En), "stage \"w5\" is not within the contest's dates");

    let twice = package_with_stages(&format!(
        "[{}, {}]",
        stage("w1", "2027-04-01 00:00", "2027-04-07 23:59"),
        stage("w1", "2027-04-08 00:00", "2027-04-14 23:59")
    ))
    .unwrap_err();
    assert_eq!(twice, ContestError::Rules(vec![RuleProblem::DuplicateStage("w1".into())]));
    assert_eq!(twice.message(Lang::Zh), "阶段编号“w1”重复");

    let own = package_with_stages(
        r#"[{ "id": "w1", "title": " ", "starts": "2027-04-01 25:00", "ends": "2027-04-07 23:59", "mix": [] },
            { "id": "", "title": "决赛", "starts": "2027-04-20 00:00", "ends": "2027-04-19 00:00" }]"#,
    )
    .unwrap_err();
    let msg = own.message(Lang::Zh);
    assert!(msg.contains("阶段“w1”：缺少 title"), "{msg}");
    assert!(msg.contains("阶段“w1”：starts 的时间“2027-04-01 25:00”无法识别"), "{msg}");
    assert!(msg.contains("阶段“w1”：每轮题目数为 0"), "{msg}");
    assert!(msg.contains("阶段“#2”：缺少 id"), "{msg}");
    assert!(msg.contains("阶段“#2”：结束时间早于开始时间"), "{msg}");
    assert!(own.message(Lang::En).contains("stage \"#2\": the contest ends before it starts"));

    // A mix the bank cannot fill names the stage too, and the round is refused.
    let greedy = package_with_stages(
        r#"[{ "id": "final", "title": "决赛", "starts": "2027-04-20 00:00", "ends": "2027-04-30 23:59",
              "mix": [{ "type": "single", "category": "没有这一类", "count": 2 }] }]"#,
    )
    .unwrap();
    let short = greedy.shortfalls(&bank);
    assert_eq!(short.len(), 1, "{short:?}");
    assert_eq!(short[0].message(Lang::Zh), "阶段“final”：题库不够组卷：“没有这一类”类单选题 需要 2 道，只有 0 道");
    assert!(short[0].message(Lang::En).starts_with("stage \"final\": the bank cannot fill the round"));
    let in_final = greedy.in_stage(0);
    assert!(kepu_quiz::core::play::draw::draw_round(&in_final, &bank, None, 1).is_err());
}

#[test]
fn a_contest_without_stages_keeps_its_json_and_fingerprint() {
    let (contest, _) = Contest::from_json(&read("questions/contest.json")).unwrap();
    assert!(contest.rules.stages.is_empty());
    assert!(!SerdeJson::encode(&contest.rules).contains("stages"), "nothing written: the fingerprint stays");
    let (staged, _) = staged();
    assert!(SerdeJson::encode(&staged.rules).contains(r#""stages":[{"id":"daily-1""#));
    // Without stages the contest runs as it is, at any time.
    let now = t("2026-12-02 09:00");
    assert_eq!(*contest.running(now), contest);
    assert!(!contest.between_stages());
    assert_eq!(contest.stage_lines(now, Lang::Zh), None);
}

#[test]
fn the_open_stage_at_its_boundaries() {
    let (c, _) = staged();
    let at = |s: &str| c.stage_at(t(s));
    assert_eq!(at("2027-04-01 07:59"), None, "before the first stage");
    assert_eq!(c.next_stage(t("2027-04-01 07:59")), Some(0));
    assert_eq!(at("2027-04-01 08:00"), Some(0), "from its start");
    // "ends": "11:59" includes that minute, to its last millisecond.
    assert_eq!(c.stage_at(t("2027-04-01 11:59") + 59_999), Some(0));
    assert_eq!(c.stage_at(t("2027-04-01 11:59") + 60_000), None, "between stages");
    assert_eq!(c.next_stage(t("2027-04-01 12:00")), Some(1));
    assert_eq!(at("2027-04-01 14:00"), Some(1));
    assert_eq!(at("2027-04-02 23:59"), Some(1));
    assert_eq!(at("2027-04-03 00:00"), None, "after the last");
    assert_eq!(c.next_stage(t("2027-04-03 00:00")), None);
    assert_eq!(c.window(t("2027-04-03 00:00")), Window::Open, "the contest itself is still open");

    // The home page is drawn again at each stage's start and end.
    assert_eq!(c.next_change(t("2027-04-01 07:00")), Some(t("2027-04-01 08:00")));
    assert_eq!(c.next_change(t("2027-04-01 09:00")), Some(t("2027-04-01 12:00")));
    assert_eq!(c.next_change(t("2027-04-01 12:00")), Some(t("2027-04-01 14:00")));

    // What home says: the stage open and the next one, or that none is open.
    let (open, next) = c.stage_lines(t("2027-04-01 09:00"), Lang::Zh).unwrap();
    assert_eq!(open, "当前阶段：每日一题（2027-04-01 08:00 至 2027-04-01 11:59）");
    assert_eq!(next.as_deref(), Some("下一阶段：决赛，2027-04-01 14:00 开始"));
    let (open, next) = c.stage_lines(t("2027-04-01 12:30"), Lang::En).unwrap();
    assert_eq!(open, "No stage is open now");
    assert_eq!(next.as_deref(), Some("Next stage: Final, opens 2027-04-01 14:00"));
    let (_, next) = c.stage_lines(t("2027-04-01 15:00"), Lang::Zh).unwrap();
    assert_eq!(next, None, "the final is the last");

    // Within a stage the contest runs under that stage's rules, for the fields it names only.
    let daily = c.running(t("2027-04-01 09:00"));
    assert_eq!(daily.stage_id(), Some("daily-1"));
    assert_eq!(daily.rules.round.question_count(), 1);
    assert_eq!(daily.rules.attempts_per_day, 1);
    assert_eq!(daily.rules.score_policy, ScorePolicy::Best, "not named: the contest's");
    assert_eq!(daily.rules.round.seconds_per_question, Some(60));
    assert!(daily.describe(Lang::Zh)[0].starts_with("本阶段（每日一题）：2027-04-01 08:00 至 2027-04-01 11:59"));
    let fin = c.running(t("2027-04-01 15:00"));
    assert_eq!((fin.rules.round.question_count(), fin.rules.attempts_per_day), (3, 2));
    assert_eq!(fin.rules.score_policy, ScorePolicy::Latest);
    assert_eq!(c.score_policy_in(Some("final")), ScorePolicy::Latest);
    assert_eq!(c.score_policy_in(None), ScorePolicy::Best);
    assert!(c.running(t("2027-04-01 12:30")).between_stages());
}

fn loaded() -> Rc<Loaded> {
    let (contest, bank) = staged();
    Rc::new(
        Loaded::on_device::<SerdeJson>(FILE, Rc::new(contest), Rc::new(bank), &ContestSetup::default(), &[]).unwrap(),
    )
}

fn person(name: &str, random: u64) -> Participant {
    let regions = RegionTable::from_json(&read("questions/regions.json")).unwrap();
    let form = RegistrationForm {
        name: name.into(),
        phone: String::new(),
        region: Some("430104".into()),
        crowd: Some("其他".into()),
    };
    register(&loaded().contest.rules.registration, Some(&regions), &form, random, nfkc).unwrap()
}

/// Answers every question with its first choice, a second apart; returns the time after.
fn play_through(device: &mut Device, mut now: i64) -> i64 {
    while let Some(round) = &device.round {
        let question = round.current;
        now += 1_000;
        device.apply::<SerdeJson>(Action::Choose { question, shown: 0, now });
        device.apply::<SerdeJson>(Action::Next { question, now });
    }
    now
}

#[test]
fn rounds_are_drawn_scored_and_limited_under_the_open_stage() {
    let store = Rc::new(MemoryStore::default());
    let start = |device: &mut Device, now: i64| device.apply::<SerdeJson>(Action::StartRound { now, seed: now as u64 });
    let mut device = Device::restore::<SerdeJson>(loaded(), store.clone(), t("2027-04-01 07:00"));
    device.apply::<SerdeJson>(Action::Register(person("赵阶段", 11)));
    let pid = device.participant().unwrap().id.clone();

    // Before the first stage: the contest is open, but no round starts.
    start(&mut device, t("2027-04-01 07:00"));
    assert_eq!(device.screen, Screen::Home);
    let notice = device.notice.clone().unwrap();
    assert_eq!(notice.get(Lang::Zh), "现在没有进行中的阶段");
    let c = &device.loaded.contest;
    assert_eq!(device.ledger.attempts_left(&c.running(t("2027-04-01 07:00")), &pid, t("2027-04-01 07:00")), None);

    // 每日一题: one 判断, once a day.
    let now = t("2027-04-01 09:00");
    start(&mut device, now);
    let round = device.round.clone().unwrap();
    assert_eq!(round.questions.len(), 1);
    assert_eq!(round.stage.as_deref(), Some("daily-1"));
    assert_eq!(device.loaded.bank.get(&round.questions[0].qid).unwrap().qtype.label(Lang::En), "true/false");
    // A reload mid-round keeps its stage.
    let reloaded = Device::restore::<SerdeJson>(loaded(), store.clone(), now + 500);
    assert_eq!(reloaded.round.as_ref().unwrap().stage.as_deref(), Some("daily-1"));
    play_through(&mut device, now);
    let daily = device.last.clone().unwrap();
    assert_eq!(daily.stage.as_deref(), Some("daily-1"));
    assert_eq!((daily.questions.len(), daily.max_score), (1, 5), "scored under the stage's mix");
    start(&mut device, now + 60_000);
    assert_eq!(device.notice.clone().unwrap().get(Lang::Zh), "今天的 1 次答题机会已用完，明天再来吧");

    // Between the stages: nothing starts; 决赛 then has its own limit of two a day, whatever
    // was played in 每日一题 the same day.
    start(&mut device, t("2027-04-01 12:00"));
    assert_eq!(device.notice.clone().unwrap().get(Lang::En), "No stage is open now");
    let now = t("2027-04-01 14:00");
    let running = device.loaded.contest.running(now).into_owned();
    assert_eq!(device.ledger.attempts_left(&running, &pid, now), Some(2));
    for k in 0..2 {
        start(&mut device, now + k * 600_000);
        assert_eq!(device.round.as_ref().unwrap().questions.len(), 3, "two 单选 and a 多选");
        play_through(&mut device, now + k * 600_000);
        assert_eq!(device.last.as_ref().unwrap().stage.as_deref(), Some("final"));
        assert_eq!(device.last.as_ref().unwrap().max_score, 15);
    }
    assert_eq!(device.ledger.attempts_left(&running, &pid, now + 1_800_000), Some(0));
    start(&mut device, now + 1_800_000);
    assert!(device.round.is_none());
    assert_eq!(device.notice.clone().unwrap().get(Lang::Zh), "今天的 2 次答题机会已用完，明天再来吧");
    // The next day the final's two attempts are back.
    let tomorrow = t("2027-04-02 09:00");
    assert_eq!(device.ledger.attempts_left(&device.loaded.contest.running(tomorrow), &pid, tomorrow), Some(2));

    // What is stored carries each attempt's stage, and reads back.
    let again = Device::restore::<SerdeJson>(loaded(), store, tomorrow);
    let stages: Vec<Option<&str>> = again.ledger.attempts.iter().map(|a| a.stage.as_deref()).collect();
    assert_eq!(stages, [Some("daily-1"), Some("final"), Some("final")]);
    // The leaderboard of a stage counts that stage's attempts under its policy.
    assert_eq!(again.ledger.standings_in(ScorePolicy::Latest, Some("final"))[0].attempts, 2);
    assert_eq!(again.ledger.standings_in(ScorePolicy::Best, Some("daily-1"))[0].attempts, 1);
    assert_eq!(again.ledger.standings(ScorePolicy::Best)[0].attempts, 3);
    assert_eq!(again.ledger.can_start(&again.loaded.contest.running(tomorrow), &pid, tomorrow), Ok(()));
    assert_eq!(
        again.ledger.can_start(&again.loaded.contest.running(t("2027-04-10 09:00")), &pid, t("2027-04-10 09:00")),
        Err(StartRefusal::NoStageOpen)
    );
}

fn attempt(i: usize, stage: Option<&str>) -> Attempt {
    let started_at = t("2027-04-01 14:30") + i as i64 * 600_000;
    let pid = format!("r{i:016x}");
    Attempt {
        id: format!("{pid}-{started_at:x}"),
        contest_id: "e2e-stages".into(),
        participant_id: pid,
        name: format!("参赛者{i}"),
        region: Some("430104".into()),
        crowd: None,
        started_at,
        finished_at: started_at + 30_000,
        questions: vec!["q1".into(), "q2".into()],
        answers: vec![1, 2],
        score: 5,
        max_score: 10,
        correct: 1,
        time_used_ms: 30_000,
        question_ds: vec![100, 200],
        rules_revision: 1,
        bank: "kepu-default@2".into(),
        rules_hash: Some("0123456789ab".into()),
        stage: stage.map(str::to_string),
        receipt: None,
    }
}

#[test]
fn the_stored_ledger_keeps_the_stage_compactly_and_reads_ledgers_without_one() {
    let mixed = AttemptLedger {
        attempts: vec![attempt(0, Some("daily-1")), attempt(1, None), attempt(2, Some("final")), attempt(3, None)],
    };
    let text = encode::<SerdeJson, _>(Stored::Ledger, &mixed);
    assert!(text.contains(r#""st":["daily-1",null,"final"]"#), "{text}");
    assert_eq!(decode::<SerdeJson, AttemptLedger>(Stored::Ledger, &text).unwrap(), mixed);
    // Without a stage nothing is written, as before this field existed.
    let plain = AttemptLedger { attempts: vec![attempt(1, None), attempt(3, None)] };
    let text = encode::<SerdeJson, _>(Stored::Ledger, &plain);
    assert!(!text.contains(r#""st""#), "{text}");
    assert_eq!(decode::<SerdeJson, AttemptLedger>(Stored::Ledger, &text).unwrap(), plain);
    // The rows themselves are as before: a stage costs no byte per attempt.
    let staged = encode::<SerdeJson, _>(Stored::Ledger, &AttemptLedger { attempts: vec![attempt(1, Some("final"))] });
    let unstaged = encode::<SerdeJson, _>(Stored::Ledger, &AttemptLedger { attempts: vec![attempt(1, None)] });
    assert_eq!(staged.len(), unstaged.len() + r#","st":["final"]"#.len());
}

/// An honest attempt of `stage` played on a device: drawn and scored by the device itself.
fn played(stage_at: &str, person_no: u64) -> Attempt {
    let store = Rc::new(MemoryStore::default());
    let now = t(stage_at);
    let mut device = Device::restore::<SerdeJson>(loaded(), store, now);
    device.apply::<SerdeJson>(Action::Register(person(&format!("参赛者{person_no}"), person_no)));
    device.apply::<SerdeJson>(Action::StartRound { now, seed: person_no });
    play_through(&mut device, now);
    (*device.last.clone().unwrap()).clone()
}

#[test]
fn results_files_and_submissions_carry_the_stage_and_are_checked_under_its_rules() {
    let (contest, bank) = staged();
    let fingerprint = contest.fingerprint::<SerdeJson>(&bank);
    let daily = played("2027-04-01 09:00", 1);
    let fin = played("2027-04-01 15:00", 2);
    assert_eq!(daily.rules_hash.as_deref(), Some(fingerprint.as_str()), "the package's fingerprint, not the stage's");
    let file = export_ledger::<SerdeJson>("e2e-stages", "平板", &[daily.clone(), fin.clone()], t("2027-04-02 08:00"));
    let read = read_ledger_file(&file, "e2e-stages").unwrap();
    assert_eq!(read, vec![daily.clone(), fin.clone()]);
    let spec = CheckSpec {
        contest: contest.rules.clone(),
        known: vec![KnownRules {
            fingerprint: fingerprint.clone(),
            rules: contest.rules.clone(),
            bank: bank.to_json(),
        }],
        now: t("2027-04-02 08:00"),
        receipt_key: None,
    };
    let checked = read_and_check(&file, &spec).unwrap();
    assert!(checked.refused.is_empty(), "{:?}", checked.refused);
    let mut merged = AttemptLedger::default();
    for chunk in &checked.chunks {
        let part: AttemptLedger = decode::<SerdeJson, _>(Stored::Collected, chunk).unwrap();
        merge_into(&mut merged, part.attempts);
    }
    assert_eq!(merged.attempts, vec![daily.clone(), fin.clone()]);

    // Each record is checked under its stage's rules and window.
    let check = RecordCheck { contest: &contest, known: vec![(fingerprint, &contest, &bank)], now: spec.now };
    assert_eq!(check.problem(&daily), None);
    assert_eq!(check.problem(&fin), None);
    let as_final = Attempt { stage: Some("final".into()), ..daily.clone() };
    assert_eq!(check.problem(&as_final), Some(Implausible::OutsideWindow), "played before the final opened");
    let six_hours = 6 * 3_600_000;
    let moved =
        Attempt { started_at: daily.started_at + six_hours, finished_at: daily.finished_at + six_hours, ..as_final };
    assert_eq!(check.problem(&moved), Some(Implausible::QuestionCount), "the final asks three questions");
    let unknown = Attempt { stage: Some("week-9".into()), ..fin.clone() };
    assert_eq!(check.problem(&unknown), Some(Implausible::UnknownStage));
    let no_stage = Attempt { stage: None, ..fin.clone() };
    assert_eq!(check.problem(&no_stage), None, "no stage: the contest's own mix, also three questions");

    // The collector's submission carries it, and only when there is one.
    let sent = SubmittedAttempt::of(&fin);
    assert_eq!(sent.stage.as_deref(), Some("final"));
    assert!(SerdeJson::encode(&sent).contains(r#""stage":"final""#));
    assert!(!SerdeJson::encode(&SubmittedAttempt::of(&Attempt { stage: None, ..fin })).contains("stage"));
}

#[test]
fn statistics_per_stage_and_overall() {
    let ledger = Rc::new(AttemptLedger {
        attempts: vec![
            Attempt { score: 10, ..attempt(0, Some("daily-1")) },
            attempt(1, Some("final")),
            attempt(2, Some("final")),
            Attempt { participant_id: "r0000000000000001".into(), ..attempt(3, Some("final")) },
        ],
    });
    let all = of_stage(&ledger, None);
    assert!(Rc::ptr_eq(&all, &ledger), "全部阶段 is the ledger itself: nothing is copied or worked out again");
    let h = headline(&all.attempts, 5);
    assert_eq!((h.participants, h.participations), (3, 4));
    let fin = headline(&of_stage(&ledger, Some("final")).attempts, 5);
    assert_eq!((fin.participants, fin.participations), (2, 3));
    let daily = headline(&of_stage(&ledger, Some("daily-1")).attempts, 5);
    assert_eq!((daily.participants, daily.participations, daily.perfect_rate), (1, 1, 1.0));
    assert_eq!(headline(&of_stage(&ledger, Some("week-9")).attempts, 5).participations, 0);
}

#[test]
fn the_attempt_list_names_each_attempts_stage() {
    let (contest, _) = staged();
    let regions = RegionTable::from_json(&read("questions/regions.json")).unwrap();
    let package = PackageRules { revision: 1, fingerprint: String::new() };
    let attempts = [attempt(0, Some("daily-1")), attempt(1, Some("final")), attempt(2, None), attempt(3, Some("gone"))];
    let csv = String::from_utf8(attempts_csv(&attempts, &regions, &package, &contest.rules.stages)).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].ends_with(",规则,阶段"), "{}", lines[0]);
    let stage_of = |line: &str| line.rsplit(',').next().unwrap().to_string();
    let titles: Vec<String> = lines[1..].iter().map(|l| stage_of(l)).collect();
    let expected = |id: &str| contest.rules.stages.iter().find(|s| s.id == id).unwrap().title.clone();
    assert_eq!(titles, [expected("daily-1"), expected("final"), String::new(), "gone".to_string()]);
    // A contest without stages keeps the columns it always had.
    let plain = String::from_utf8(attempts_csv(&attempts[2..3], &regions, &package, &[])).unwrap();
    assert!(plain.lines().next().unwrap().ends_with(",规则"));
}

#[test]
fn a_stage_added_in_the_rules_form_follows_the_last_one_and_keeps_a_new_id() {
    let (contest, _) = staged();
    let mut rules = contest.rules.clone();
    // After 决赛 (ends 2027-04-02 23:59, that minute included) up to the contest's end.
    let added = new_stage(&rules);
    assert_eq!((added.id.as_str(), added.title.as_str()), ("stage-3", "第 3 阶段"));
    assert_eq!((added.starts.as_str(), added.ends.as_str()), ("2027-04-03 00:00", "2027-04-30 23:59"));
    assert_eq!((added.mix.clone(), added.attempts_per_day, added.score_policy), (None, None, None));
    rules.stages.push(added);
    let three = Contest::new(rules.clone()).expect("an added stage is valid as it comes");
    assert_eq!(three.stage_at(t("2027-04-03 00:00")), Some(2));
    assert_eq!(three.stage_at(t("2027-04-02 23:59")), Some(1));
    // The first stage of a contest without any spans the contest; an id in use is passed over.
    let mut plain = contest.rules.clone();
    plain.stages.clear();
    let first = new_stage(&plain);
    assert_eq!(
        (first.id.as_str(), first.starts.as_str(), first.ends.as_str()),
        ("stage-1", "2027-04-01 00:00", "2027-04-30 23:59")
    );
    plain.stages.push(first);
    plain.stages[0].id = "stage-2".into();
    assert_eq!(new_stage(&plain).id, "stage-3");
    // One more after a stage that reaches the contest's end cannot be saved as it comes.
    rules.stages.push(new_stage(&rules));
    let problems = match Contest::new(rules) {
        Err(ContestError::Rules(p)) => p.iter().map(|p| p.message(Lang::Zh)).collect::<Vec<_>>().join("；"),
        other => panic!("expected rule problems, got {other:?}"),
    };
    assert!(problems.contains("stage-4"), "{problems}");
}
