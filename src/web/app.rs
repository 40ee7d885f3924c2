//! The app shell: loads the contest package, then holds this device's state (people,
//! ledger, the round in progress) in one reducer and shows the page for the screen.

use std::rc::Rc;

use yew::prelude::*;

use crate::core::bank::Bank;
use crate::core::contest::{BankSource, Contest, ContestError};
use crate::core::draw::{draw_practice, draw_round};
use crate::core::ledger::{Attempt, AttemptLedger};
use crate::core::participant::{Participant, Roster};
use crate::core::persist::{Prefs, StorageError, Stored};
use crate::core::region::RegionTable;
use crate::core::session::Round;
use crate::core::Lang;

use super::fetch::{fetch_text, resolve};
use super::now_ms;
use super::pages::{Home, PracticePick, RegisterPage, ResultPage, RoundPage};
use super::storage::LocalStore;

pub const DEFAULT_CONTEST: &str = "questions/contest.json";
pub const REGIONS_FILE: &str = "questions/regions.json";

/// A contest package ready to run.
pub struct Loaded {
    pub contest: Contest,
    pub bank: Bank,
}

enum Load {
    Loading,
    Failed { file: String, reason: String },
    Ready(Rc<Loaded>),
}

fn stored_prefs() -> Prefs {
    LocalStore::open().ok().and_then(|s| s.load(Stored::Prefs, "").ok().flatten()).unwrap_or_default()
}

/// The `?contest=` parameter, or the bundled default.
fn contest_path() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .and_then(|q| web_sys::UrlSearchParams::new_with_str(&q).ok())
        .and_then(|p| p.get("contest"))
        .filter(|p| !p.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_CONTEST.to_string())
}

/// Fetches and checks the contest and its bank; the error names the file and the reason.
async fn load_contest(path: &str, lang: Lang) -> Result<Loaded, (String, String)> {
    let fail = |file: &str, reason: String| (file.to_string(), reason);
    let url = resolve(path, "./").map_err(|e| fail(path, e.message(lang)))?;
    let text = fetch_text(&url).await.map_err(|e| fail(path, e.message(lang)))?;
    let (contest, source) = Contest::from_json(&text).map_err(|e| fail(path, e.message(lang)))?;
    let (bank, bank_file) = match source {
        BankSource::Inline(bank) => (*bank, path.to_string()),
        BankSource::Path(bank_path) => {
            let bank_url = resolve(&bank_path, &url).map_err(|e| fail(&bank_path, e.message(lang)))?;
            let text = fetch_text(&bank_url).await.map_err(|e| fail(&bank_path, e.message(lang)))?;
            (Bank::from_json(&text).map_err(|e| fail(&bank_path, e.message(lang)))?, bank_path)
        }
    };
    let shortfalls = contest.shortfalls(&bank);
    if !shortfalls.is_empty() {
        return Err(fail(&bank_file, ContestError::Rules(shortfalls).message(lang)));
    }
    Ok(Loaded { contest, bank })
}

#[component]
pub fn App() -> Html {
    let load = use_state(|| Load::Loading);
    let lang = stored_prefs().lang;
    {
        let load = load.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let path = contest_path();
                load.set(match load_contest(&path, lang).await {
                    Ok(l) => Load::Ready(Rc::new(l)),
                    Err((file, reason)) => Load::Failed { file, reason },
                });
            });
        });
    }
    // The static shell in index.html stays until the first real screen replaces it.
    match &*load {
        Load::Loading => {
            html! { <p class="loading" role="status">{ lang.pick("正在加载题库…", "Loading the contest…") }</p> }
        }
        Load::Failed { file, reason } => html! {
            <main class="page">
            <section class="card load-error" data-testid="load-error" role="alert">
                <h1>{ lang.pick("无法打开竞赛", "Cannot open the contest") }</h1>
                <p>{ lang.pick("文件：", "File: ") }<code>{ file.clone() }</code></p>
                <pre class="reason">{ reason.clone() }</pre>
                <p>{ lang.pick("请检查链接是否正确，或联系主办方。", "Check the link, or contact the organizer.") }</p>
                <a class="button" href="./">{ lang.pick("打开默认竞赛", "Open the default contest") }</a>
            </section>
            </main>
        },
        Load::Ready(loaded) => html! { <ContestApp loaded={loaded.clone()} /> },
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    Home,
    Register,
    Round,
    Result,
    PracticePick,
}

/// Everything the app knows on this device for the open contest.
#[derive(Clone)]
pub struct DeviceState {
    pub loaded: Rc<Loaded>,
    pub prefs: Prefs,
    pub roster: Roster,
    pub ledger: Rc<AttemptLedger>,
    pub round: Option<Round>,
    /// The attempt just finished (kept even if it could not be saved).
    pub last: Option<Rc<Attempt>>,
    pub screen: Screen,
    /// A message for the person (shown with `data-testid="error"`).
    pub notice: Option<String>,
    /// Practice summary: correct and total of the practice just ended.
    pub practice_done: Option<(u32, u32)>,
    pub regions: Option<Rc<RegionTable>>,
}

impl PartialEq for DeviceState {
    /// Cheap: the large parts are compared by identity (they are replaced, never mutated).
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.loaded, &o.loaded)
            && Rc::ptr_eq(&self.ledger, &o.ledger)
            && self.prefs == o.prefs
            && self.roster == o.roster
            && self.round == o.round
            && self.screen == o.screen
            && self.notice == o.notice
            && self.practice_done == o.practice_done
            && self.last.as_ref().map(Rc::as_ptr) == o.last.as_ref().map(Rc::as_ptr)
            && self.regions.as_ref().map(Rc::as_ptr) == o.regions.as_ref().map(Rc::as_ptr)
    }
}

pub enum Action {
    SetLang(Lang),
    ToggleLargeText,
    Go(Screen),
    RegionsLoaded(Rc<RegionTable>),
    Notice(String),
    Register(Participant),
    Select(String),
    NextParticipant,
    StartRound { now: i64, seed: u64 },
    StartPractice { category: Option<String>, now: i64, seed: u64 },
    Choose { shown: usize, now: i64 },
    Next(i64),
    Previous(i64),
    Tick(i64),
    QuitPractice,
}

impl DeviceState {
    fn contest_id(&self) -> &str {
        &self.loaded.contest.rules.id
    }

    fn lang(&self) -> Lang {
        self.prefs.lang
    }

    pub fn participant(&self) -> Option<&Participant> {
        self.roster.current()
    }

    /// Reads what this device stored for the contest and resumes a round in progress.
    fn restore(loaded: Rc<Loaded>) -> DeviceState {
        let prefs = stored_prefs();
        let mut notices = Vec::new();
        let store = LocalStore::open();
        let id = loaded.contest.rules.id.clone();
        let mut read = |kind: Stored| -> Option<String> {
            let store = match &store {
                Ok(s) => s,
                Err(e) => {
                    notices.push(e.message(prefs.lang));
                    return None;
                }
            };
            match store.raw(&kind.key(&id)) {
                Ok(t) => t,
                Err(e) => {
                    notices.push(e.message(prefs.lang));
                    None
                }
            }
        };
        let roster_text = read(Stored::Roster);
        let ledger_text = read(Stored::Ledger);
        let round_text = read(Stored::Round);
        let mut decode_or_set_aside = |kind: Stored, text: Option<String>| -> Option<serde_json::Value> {
            let text = text?;
            match crate::core::persist::decode::<serde_json::Value>(kind, &text) {
                Ok(v) => Some(v),
                Err(e) => {
                    notices.push(e.message(prefs.lang));
                    if let (Ok(s), StorageError::Unreadable(_)) = (&store, &e) {
                        let _ = s.set_aside(kind, &id, now_ms());
                    }
                    None
                }
            }
        };
        let roster: Roster = decode_or_set_aside(Stored::Roster, roster_text)
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default();
        let ledger: AttemptLedger = decode_or_set_aside(Stored::Ledger, ledger_text)
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default();
        let round: Option<Round> =
            decode_or_set_aside(Stored::Round, round_text).and_then(|v| serde_json::from_value(v).ok());
        let mut state = DeviceState {
            loaded,
            prefs,
            roster,
            ledger: Rc::new(ledger),
            round: None,
            last: None,
            screen: Screen::Home,
            notice: (!notices.is_empty()).then(|| notices.join("\n")),
            practice_done: None,
            regions: None,
        };
        if let Some(mut round) = round.filter(|r| r.contest_id == state.contest_id() && !r.practice) {
            state.roster.select(&round.participant_id);
            round.sync(now_ms());
            state.round = Some(round);
            state.screen = Screen::Round;
            state.after_move();
        }
        state
    }

    fn save<T: serde::Serialize>(&mut self, kind: Stored, value: &T) {
        let result = LocalStore::open().and_then(|s| s.save(kind, self.contest_id(), value));
        if let Err(e) = result {
            self.notice = Some(e.message(self.lang()));
        }
    }

    /// After any move in a round: save it, or finish it when it is over.
    fn after_move(&mut self) {
        let Some(round) = &self.round else { return };
        if round.is_finished() {
            self.complete_round();
        } else if !round.practice {
            let round = round.clone();
            self.save(Stored::Round, &round);
        }
    }

    fn complete_round(&mut self) {
        let Some(round) = self.round.take() else { return };
        if round.practice {
            let outcome = round.outcome(&self.loaded.bank, &self.loaded.contest.rules.scoring);
            self.practice_done = outcome.ok().map(|o| (o.correct, o.items.len() as u32));
            self.screen = Screen::PracticePick;
            return;
        }
        let participant = self.roster.get(&round.participant_id).cloned();
        let attempt = participant
            .ok_or(crate::core::session::QuizError::Finished)
            .and_then(|p| Attempt::from_round(&round, &p, &self.loaded.contest, &self.loaded.bank));
        match attempt {
            Ok(attempt) => {
                Rc::make_mut(&mut self.ledger).record(attempt.clone());
                let ledger = self.ledger.clone();
                self.save(Stored::Ledger, &*ledger);
                if self.notice.is_none() {
                    if let Ok(s) = LocalStore::open() {
                        s.remove(Stored::Round, self.contest_id());
                    }
                }
                self.last = Some(Rc::new(attempt));
                self.screen = Screen::Result;
            }
            Err(e) => {
                self.notice = Some(e.message(self.lang()));
                self.screen = Screen::Home;
            }
        }
    }
}

impl Reducible for DeviceState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = (*self).clone();
        let lang = s.lang();
        let bank = s.loaded.clone();
        match action {
            Action::SetLang(lang) => {
                s.prefs.lang = lang;
                let prefs = s.prefs;
                s.save(Stored::Prefs, &prefs);
            }
            Action::ToggleLargeText => {
                s.prefs.large_text = !s.prefs.large_text;
                let prefs = s.prefs;
                s.save(Stored::Prefs, &prefs);
            }
            Action::Go(screen) => {
                s.notice = None;
                s.practice_done = None;
                s.screen = screen;
            }
            Action::RegionsLoaded(t) => s.regions = Some(t),
            Action::Notice(n) => s.notice = Some(n),
            Action::Register(p) => {
                s.notice = None;
                s.roster.register(p);
                let roster = s.roster.clone();
                s.save(Stored::Roster, &roster);
                s.screen = Screen::Home;
            }
            Action::Select(id) => {
                s.roster.select(&id);
                let roster = s.roster.clone();
                s.save(Stored::Roster, &roster);
            }
            Action::NextParticipant => {
                s.roster.current = None;
                let roster = s.roster.clone();
                s.save(Stored::Roster, &roster);
                s.last = None;
                s.notice = None;
                s.screen = Screen::Register;
            }
            Action::StartRound { now, seed } => {
                s.notice = None;
                let Some(p) = s.participant().cloned() else {
                    s.screen = Screen::Register;
                    return Rc::new(s);
                };
                let contest = &s.loaded.contest;
                if let Err(refusal) = s.ledger.can_start(contest, &p.id, now) {
                    s.notice = Some(refusal.message(lang));
                    return Rc::new(s);
                }
                match draw_round(contest, &bank.bank, seed) {
                    Ok(questions) => {
                        s.round = Some(Round::start(contest, &p.id, questions, seed, now));
                        s.screen = Screen::Round;
                        s.after_move();
                    }
                    Err(e) => s.notice = Some(e.message(lang)),
                }
            }
            Action::StartPractice { category, now, seed } => {
                let pid = s.participant().map(|p| p.id.clone()).unwrap_or_default();
                let questions = draw_practice(&bank.bank, category.as_deref(), seed);
                if !questions.is_empty() {
                    s.round = Some(Round::practice(s.contest_id(), &pid, questions, seed, now));
                    s.practice_done = None;
                    s.screen = Screen::Round;
                }
            }
            Action::Choose { shown, now } => {
                if let Some(r) = s.round.as_mut() {
                    if let Err(e) = r.choose(&bank.bank, shown, now) {
                        s.notice = Some(e.message(lang));
                    }
                }
                s.after_move();
            }
            Action::Next(now) => {
                if let Some(r) = s.round.as_mut() {
                    s.notice = r.next(now).err().map(|e| e.message(lang));
                }
                s.after_move();
            }
            Action::Previous(now) => {
                if let Some(r) = s.round.as_mut() {
                    s.notice = r.previous(now).err().map(|e| e.message(lang));
                }
                s.after_move();
            }
            Action::Tick(now) => {
                let moved = s.round.as_mut().is_some_and(|r| r.sync(now));
                if !moved {
                    return self;
                }
                s.notice = None;
                s.after_move();
            }
            Action::QuitPractice => {
                if s.round.as_ref().is_some_and(|r| r.practice) {
                    s.round = None;
                }
                s.screen = Screen::Home;
            }
        }
        Rc::new(s)
    }
}

#[derive(Properties)]
struct ContestAppProps {
    loaded: Rc<Loaded>,
}

impl PartialEq for ContestAppProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.loaded, &o.loaded)
    }
}

#[component]
fn ContestApp(props: &ContestAppProps) -> Html {
    let loaded = props.loaded.clone();
    let state = use_reducer(move || DeviceState::restore(loaded));
    let lang = state.prefs.lang;
    {
        // Keep the document's language and text size in step with the preferences.
        let prefs = state.prefs;
        use_effect_with(prefs, move |prefs| {
            if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
                let _ = root.set_attribute("lang", prefs.lang.pick("zh-CN", "en"));
                let _ = root.set_attribute("class", if prefs.large_text { "large" } else { "" });
            }
        });
    }
    let toggle_lang = {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(Action::SetLang(if lang == Lang::Zh { Lang::En } else { Lang::Zh })))
    };
    let toggle_large = {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(Action::ToggleLargeText))
    };
    let page = match state.screen {
        Screen::Home => html! { <Home state={state.clone()} /> },
        Screen::Register => html! { <RegisterPage state={state.clone()} /> },
        Screen::Round => html! { <RoundPage state={state.clone()} /> },
        Screen::Result => html! { <ResultPage state={state.clone()} /> },
        Screen::PracticePick => html! { <PracticePick state={state.clone()} /> },
    };
    html! {
        <>
            <header class="topbar">
                <span class="brand">{ lang.pick("科普答题", "Science Quiz") }</span>
                <button class="chip" data-testid="large-text" aria-pressed={state.prefs.large_text.to_string()} onclick={toggle_large}>
                    { lang.pick("大字", "Large text") }
                </button>
                <button class="chip" data-testid="lang" lang={lang.pick("en", "zh-CN")} onclick={toggle_lang}>
                    { lang.pick("English", "中文") }
                </button>
            </header>
            if let Some(n) = &state.notice {
                <p class="notice" data-testid="error" role="alert">{ n.clone() }</p>
            }
            { page }
        </>
    }
}
