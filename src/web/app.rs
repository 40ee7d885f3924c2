//! The app shell: loads the contest package, then holds this device's state (people,
//! ledger, the round in progress) in one reducer and shows the page for the screen.

use std::rc::Rc;

use yew::prelude::*;

use crate::core::draw::{draw_practice, draw_round};
use crate::core::ledger::{Attempt, AttemptLedger};
use crate::core::ledger_file::merge_into;
use crate::core::participant::{Participant, Roster};
use crate::core::persist::{encode, Prefs, StorageError, Stored};
use crate::core::region::RegionTable;
use crate::core::session::Round;
use crate::core::Lang;

use super::json::BrowserJson;
use super::loader::{contest_path, load_contest, load_error_view, stored_prefs, Loaded, LoadedProps};
use super::now_ms;
use super::pages::{Home, PracticePick, RegisterPage, ResultPage, RoundPage};
use super::storage::{decode_or_set_aside, read_or_set_aside, LocalStore};

enum Load {
    Loading,
    Failed { file: String, reason: String },
    Ready(Rc<Loaded>),
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
                let loaded = match load_contest(&path, "./", lang).await {
                    Ok(l) => Load::Ready(Rc::new(l)),
                    Err((file, reason)) => Load::Failed { file, reason },
                };
                // The first screen is drawn in a task of its own: with the default contest in
                // the page nothing above waited, and one long start-up task delays taps.
                gloo_timers::callback::Timeout::new(0, move || load.set(loaded)).forget();
            });
        });
    }
    // start() replaced the static shell of index.html; this shows until the contest loads.
    match &*load {
        Load::Loading => {
            html! { <p class="loading" role="status">{ lang.pick("正在加载题库…", "Loading the contest…") }</p> }
        }
        Load::Failed { file, reason } => load_error_view(file, reason, lang, "./"),
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
    /// The stored ledger's text as this tab last read or wrote it: unchanged text is not
    /// decoded again (an event tablet holds thousands of attempts).
    ledger_text: Option<Rc<str>>,
    pub round: Option<Round>,
    /// The attempt just finished (kept even if it could not be saved).
    pub last: Option<Rc<Attempt>>,
    /// The last attempt could not be saved (storage full): it is offered as a download.
    pub unsaved: bool,
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
            && self.unsaved == o.unsaved
            && self.last.as_ref().map(Rc::as_ptr) == o.last.as_ref().map(Rc::as_ptr)
            && self.regions.as_ref().map(Rc::as_ptr) == o.regions.as_ref().map(Rc::as_ptr)
    }
}

pub enum Action {
    SetLang(Lang),
    ToggleLargeText,
    Go(Screen),
    RegionsLoaded(Rc<RegionTable>),
    /// One province's counties for a split region table.
    CountiesLoaded {
        province: String,
        file: Rc<RegionTable>,
    },
    Notice(String),
    Register(Participant),
    /// Someone registering turned out to be this person already on the device.
    Continue(String),
    Select(String),
    NextParticipant,
    StartRound {
        now: i64,
        seed: u64,
    },
    StartPractice {
        category: Option<String>,
        now: i64,
        seed: u64,
    },
    Choose {
        shown: usize,
        now: i64,
    },
    Next(i64),
    Previous(i64),
    Tick(i64),
    QuitPractice,
    /// Another tab changed this device's storage.
    StorageChanged,
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
        let id = loaded.contest.rules.id.clone();
        let roster = read_or_set_aside::<Roster>(Stored::Roster, &id, prefs.lang, &mut notices).unwrap_or_default();
        let round = read_or_set_aside::<Round>(Stored::Round, &id, prefs.lang, &mut notices);
        let mut state = DeviceState {
            loaded,
            prefs,
            roster,
            ledger: Rc::default(),
            ledger_text: None,
            round: None,
            last: None,
            unsaved: false,
            screen: Screen::Home,
            notice: None,
            practice_done: None,
            regions: None,
        };
        state.merge_stored_ledger(&mut notices);
        state.notice = (!notices.is_empty()).then(|| notices.join("\n"));
        state.resume(round);
        state
    }

    /// Takes up a scored round in progress (stored by this tab or another one).
    fn resume(&mut self, round: Option<Round>) {
        if let Some(mut round) = round.filter(|r| r.contest_id == self.contest_id() && !r.practice) {
            self.roster.select(&round.participant_id);
            round.sync(now_ms());
            self.round = Some(round);
            self.screen = Screen::Round;
            self.after_move();
        }
    }

    /// Picks up what another tab wrote: people, attempts, and a round in progress.
    fn refresh_from_storage(&mut self) {
        let (id, lang) = (self.contest_id().to_string(), self.lang());
        let mut notices = Vec::new();
        if let Some(roster) = read_or_set_aside::<Roster>(Stored::Roster, &id, lang, &mut notices) {
            let current = self.roster.current.clone();
            self.roster = roster;
            if let Some(c) = current {
                self.roster.select(&c);
            }
        }
        self.merge_stored_ledger(&mut notices);
        let stored_round = read_or_set_aside::<Round>(Stored::Round, &id, lang, &mut notices);
        match (&self.round, stored_round) {
            // Another tab moved the shared round on: follow it.
            (Some(mine), Some(theirs)) if !mine.practice && mine.started_at == theirs.started_at => {
                self.round = Some(theirs);
            }
            // Another tab finished the round (or it was never ours to keep).
            (Some(mine), None) if !mine.practice => {
                self.round = None;
                self.screen = Screen::Home;
            }
            (None, Some(theirs)) if self.screen != Screen::Result => self.resume(Some(theirs)),
            _ => {}
        }
        if !notices.is_empty() {
            self.notice = Some(notices.join("\n"));
        }
    }

    fn save<T: serde::Serialize>(&mut self, kind: Stored, value: &T) -> bool {
        self.save_text(kind, &encode::<BrowserJson, _>(kind, value))
    }

    /// Stores the roster (encoded in place: it holds everyone registered on the device).
    fn save_roster(&mut self) -> bool {
        let text = encode::<BrowserJson, _>(Stored::Roster, &self.roster);
        self.save_text(Stored::Roster, &text)
    }

    /// Makes `id` the one answering now.
    fn select(&mut self, id: &str) {
        self.roster.select(id);
        self.save_roster();
    }

    /// Stores text made by `persist::encode`; a failure is told to the person.
    fn save_text(&mut self, kind: Stored, text: &str) -> bool {
        match LocalStore::open().and_then(|s| s.save_text(kind, self.contest_id(), text)) {
            Ok(()) => true,
            Err(e) => {
                self.notice = Some(e.message(self.lang()));
                false
            }
        }
    }

    /// Saves the ledger without losing what another tab saved meanwhile: the stored
    /// attempts are read and merged in first (attempts are only ever added).
    fn save_ledger(&mut self) -> bool {
        self.merge_stored_ledger(&mut Vec::new());
        let text = encode::<BrowserJson, _>(Stored::Ledger, &*self.ledger);
        let saved = self.save_text(Stored::Ledger, &text);
        if saved {
            self.ledger_text = Some(text.into());
        }
        saved
    }

    /// Merges in the attempts stored by another tab since this one last read or wrote the
    /// ledger; the stored text is decoded only when it changed.
    fn merge_stored_ledger(&mut self, notices: &mut Vec<String>) {
        let (id, lang) = (self.contest_id().to_string(), self.lang());
        let Ok(store) = LocalStore::open() else { return };
        let raw = store.raw(&Stored::Ledger.key(&id)).ok().flatten();
        if raw.as_deref() == self.ledger_text.as_deref() {
            return;
        }
        let stored = raw.as_deref().and_then(|t| decode_or_set_aside(&store, Stored::Ledger, &id, t, lang, notices));
        match stored {
            Some(stored) if self.ledger.attempts.is_empty() => self.ledger = Rc::new(stored),
            Some(stored) => {
                merge_into(Rc::make_mut(&mut self.ledger), stored.attempts);
            }
            None => {}
        }
        self.ledger_text = raw.map(Rc::from);
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
        let attempt = participant.ok_or(crate::core::session::QuizError::Finished).and_then(|p| {
            Attempt::from_round(&round, &p, &self.loaded.contest, &self.loaded.bank, &self.loaded.in_force)
        });
        match attempt {
            Ok(attempt) => {
                Rc::make_mut(&mut self.ledger).record(attempt.clone());
                // If the ledger cannot be saved (storage full), the finished round stays
                // stored so a reload records it again, and the result is offered as a file.
                self.unsaved = !self.save_ledger();
                if self.unsaved {
                    let _ = self.save(Stored::Round, &round);
                    self.notice = Some(StorageError::QuotaExceeded.message(self.lang()));
                } else if let Ok(s) = LocalStore::open() {
                    s.remove(Stored::Round, self.contest_id());
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

/// Listens to `storage` events (fired in the other tabs of this origin); stops when dropped.
fn on_storage(on_key: impl Fn(String) + 'static) -> Option<gloo_events::EventListener> {
    use wasm_bindgen::JsCast;
    let window = web_sys::window()?;
    Some(gloo_events::EventListener::new(&window, "storage", move |e| {
        if let Some(e) = e.dyn_ref::<web_sys::StorageEvent>() {
            on_key(e.key().unwrap_or_default());
        }
    }))
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
            Action::CountiesLoaded { province, file } => {
                if let Some(t) = &s.regions {
                    let mut t = (**t).clone();
                    t.add_counties(&file, &province);
                    s.regions = Some(Rc::new(t));
                }
            }
            Action::Notice(n) => s.notice = Some(n),
            Action::Register(p) => {
                s.notice = None;
                s.roster.register(p);
                s.save_roster();
                s.screen = Screen::Home;
            }
            Action::Continue(id) => {
                s.notice = None;
                s.select(&id);
                s.screen = Screen::Home;
            }
            Action::Select(id) => s.select(&id),
            Action::NextParticipant => {
                s.roster.current = None;
                s.save_roster();
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
                // Another tab may have started a round or finished attempts meanwhile:
                // a round in progress is resumed, never started twice.
                s.refresh_from_storage();
                if s.round.is_some() {
                    return Rc::new(s);
                }
                let contest = &s.loaded.contest;
                if let Err(refusal) = s.ledger.can_start(contest, &p.id, now) {
                    s.notice = Some(refusal.message(lang));
                    return Rc::new(s);
                }
                match draw_round(contest, &bank.bank, p.crowd.as_deref(), seed) {
                    Ok(questions) => {
                        s.round = Some(Round::start(contest, &p.id, questions, now));
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
                    s.round = Some(Round::practice(s.contest_id(), &pid, questions, now));
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
            Action::StorageChanged => s.refresh_from_storage(),
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

#[component]
fn ContestApp(props: &LoadedProps) -> Html {
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
    {
        // Two tabs on one device: follow what the other tab writes.
        let state = state.clone();
        use_effect_with((), move |_| {
            let listener = on_storage(move |key| {
                if key.starts_with(crate::core::persist::KEY_PREFIX) {
                    state.dispatch(Action::StorageChanged);
                }
            });
            move || drop(listener)
        });
    }
    // Finished attempts also go to the contest's results collector, when it names one.
    let outbox = super::outbox::use_outbox(&state);
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
            <ContextProvider<Option<super::outbox::OutboxView>> context={outbox}>{ page }</ContextProvider<Option<super::outbox::OutboxView>>>
        </>
    }
}
