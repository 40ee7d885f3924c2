//! The citizen's device as a state machine: who is registered, the attempts, the round in
//! progress and the screen, and what each [`Action`] does to them. It reads and writes through
//! a [`Store`] and a JSON codec given by the caller; time and randomness come in with the
//! actions. The Yew shell (`web::app`) only dispatches actions and draws the state.

use std::rc::Rc;

use crate::core::exchange::ledger_file::merge_into;
use crate::core::formats::codec::Json;
use crate::core::model::bank::Explanations;
use crate::core::model::participant::{Participant, Roster};
use crate::core::model::region::RegionTable;
use crate::core::play::draw::{draw_practice, draw_round};
use crate::core::play::ledger::{Attempt, AttemptLedger};
use crate::core::play::session::{QuizError, Round, RoundClosed};
use crate::core::storage::loaded::Loaded;
use crate::core::storage::persist::{attempt_reserve_chars, encode, Pref, Prefs, StorageError, Stored};
use crate::core::storage::store::{self, decode_or_set_aside, read_or_set_aside, Store};
use crate::core::{Lang, Notice};

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
pub struct Device {
    /// Where this device keeps its records (localStorage in the browser).
    store: Rc<dyn Store>,
    pub loaded: Rc<Loaded>,
    pub prefs: Prefs,
    /// Everyone registered here (thousands on an event tablet): shared between the states an
    /// action makes, copied only when an action changes it.
    pub roster: Rc<Roster>,
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
    pub notice: Option<Notice>,
    /// Practice summary: correct and total of the practice just ended.
    pub practice_done: Option<(u32, u32)>,
    pub regions: Option<Rc<RegionTable>>,
}

impl PartialEq for Device {
    /// Cheap: the large parts are compared by identity (they are replaced, never mutated).
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.loaded, &o.loaded)
            && Rc::ptr_eq(&self.ledger, &o.ledger)
            && self.prefs == o.prefs
            && Rc::ptr_eq(&self.roster, &o.roster)
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
    Toggle(Pref),
    Go(Screen),
    RegionsLoaded(Rc<RegionTable>),
    /// One province's counties for a split region table.
    CountiesLoaded {
        province: String,
        file: Rc<RegionTable>,
    },
    Notice(Notice),
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
    /// A tap on a choice of `question` (the one on screen).
    Choose {
        question: usize,
        shown: usize,
        now: i64,
    },
    /// A tap on 下一题/交卷 while `question` was on screen.
    Next {
        question: usize,
        now: i64,
    },
    Previous(i64),
    Tick(i64),
    /// The device began reading `question` (the one on screen) aloud.
    ReadingStarted {
        question: usize,
        now: i64,
    },
    /// The device stopped reading aloud (done, stopped or failed).
    ReadingEnded(i64),
    QuitPractice,
    /// Another tab changed this device's storage.
    StorageChanged(i64),
    /// The explanations the page's copy of the bank left out arrived.
    Explained(Rc<Explanations>),
}

/// Whether an action changed the device (a timer tick that moved nothing did not).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Changed {
    Yes,
    No,
}

impl Device {
    fn contest_id(&self) -> &str {
        &self.loaded.contest.rules.id
    }

    pub fn participant(&self) -> Option<&Participant> {
        self.roster.current()
    }

    /// Reads what this device stored for the contest and resumes a round in progress.
    pub fn restore<J: Json>(loaded: Rc<Loaded>, store: Rc<dyn Store>, now: i64) -> Device {
        let mut notices = Vec::new();
        let prefs = read_or_set_aside::<J, Prefs>(&*store, Stored::Prefs, "", &mut notices, now);
        let prefs = prefs.unwrap_or_default();
        let id = loaded.contest.rules.id.clone();
        let roster = read_or_set_aside::<J, Roster>(&*store, Stored::Roster, &id, &mut notices, now);
        let round = read_or_set_aside::<J, Round>(&*store, Stored::Round, &id, &mut notices, now);
        let mut device = Device {
            store: store.clone(),
            loaded,
            prefs,
            roster: Rc::new(roster.unwrap_or_default()),
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
        device.merge_stored_ledger::<J>(&*store, &mut notices, now);
        device.resume::<J>(&*store, round, now);
        notices.extend(device.notice.take());
        device.notice = Notice::lines(notices);
        device
    }

    /// Takes up a scored round in progress (stored by this tab or another one). A round the
    /// contest or bank in force can no longer carry is closed, with the reason.
    fn resume<J: Json>(&mut self, store: &dyn Store, round: Option<Round>, now: i64) {
        if let Some(mut round) = round.filter(|r| r.contest_id == self.contest_id() && !r.practice) {
            if let Err(closed) = round.still_fits(&self.loaded.contest, &self.loaded.bank, &self.loaded.in_force) {
                return self.close_round(store, closed);
            }
            Rc::make_mut(&mut self.roster).select(&round.participant_id);
            // Nothing reads aloud in a page just opened: a reading stored as going on ends.
            round.stop_reading(now);
            self.round = Some(round);
            self.screen = Screen::Round;
            self.after_move::<J>(store);
        }
    }

    /// Closes the round in progress, unrecorded, telling the person what changed.
    fn close_round(&mut self, store: &dyn Store, closed: RoundClosed) {
        store.remove(&Stored::Round.key(self.contest_id()));
        self.round = None;
        self.notice = Some(Notice::of(&closed));
        self.screen = Screen::Home;
    }

    /// Picks up what another tab wrote: people, attempts, and a round in progress.
    fn refresh_from_storage<J: Json>(&mut self, store: &dyn Store, now: i64) {
        let id = self.contest_id().to_string();
        let mut notices = Vec::new();
        if let Some(roster) = read_or_set_aside::<J, Roster>(store, Stored::Roster, &id, &mut notices, now) {
            let current = self.roster.current.clone();
            self.roster = Rc::new(roster);
            if let Some(c) = current {
                Rc::make_mut(&mut self.roster).select(&c);
            }
        }
        self.merge_stored_ledger::<J>(store, &mut notices, now);
        let stored_round = read_or_set_aside::<J, Round>(store, Stored::Round, &id, &mut notices, now);
        match (&self.round, stored_round) {
            // Another tab moved the shared round on: follow it.
            (Some(mine), Some(theirs)) if !mine.practice && mine.started_at == theirs.started_at => {
                match theirs.still_fits(&self.loaded.contest, &self.loaded.bank, &self.loaded.in_force) {
                    Ok(()) => self.round = Some(theirs),
                    Err(closed) => self.close_round(store, closed),
                }
            }
            // Another tab finished the round (or it was never ours to keep).
            (Some(mine), None) if !mine.practice => {
                self.round = None;
                self.screen = Screen::Home;
            }
            (None, Some(theirs)) if self.screen != Screen::Result => self.resume::<J>(store, Some(theirs), now),
            _ => {}
        }
        if let Some(notice) = Notice::lines(notices) {
            self.notice = Some(notice);
        }
    }

    /// Stores text made by `persist::encode`; a failure is told to the person.
    fn save_text(&mut self, store: &dyn Store, kind: Stored, text: &str) -> bool {
        match store::save_text(store, kind, self.contest_id(), text) {
            Ok(()) => true,
            Err(e) => {
                self.notice = Some(Notice::of(&e));
                false
            }
        }
    }

    fn save<J: Json, T: serde::Serialize>(&mut self, store: &dyn Store, kind: Stored, value: &T) -> bool {
        self.save_text(store, kind, &encode::<J, _>(kind, value))
    }

    /// Stores the roster (encoded in place: it holds everyone registered on the device).
    fn save_roster<J: Json>(&mut self, store: &dyn Store) -> bool {
        let text = encode::<J, _>(Stored::Roster, &self.roster);
        self.save_text(store, Stored::Roster, &text)
    }

    fn save_prefs<J: Json>(&mut self, store: &dyn Store) {
        let prefs = self.prefs;
        self.save::<J, _>(store, Stored::Prefs, &prefs);
    }

    /// Makes `id` the one answering now.
    fn select<J: Json>(&mut self, store: &dyn Store, id: &str) {
        Rc::make_mut(&mut self.roster).select(id);
        self.save_roster::<J>(store);
    }

    /// Saves the ledger without losing what another tab saved meanwhile: the stored
    /// attempts are read and merged in first (attempts are only ever added).
    fn save_ledger<J: Json>(&mut self, store: &dyn Store, now: i64) -> bool {
        self.merge_stored_ledger::<J>(store, &mut Vec::new(), now);
        let text = encode::<J, _>(Stored::Ledger, &*self.ledger);
        let saved = self.save_text(store, Stored::Ledger, &text);
        if saved {
            self.ledger_text = Some(text.into());
        }
        saved
    }

    /// Merges in the attempts stored by another tab since this one last read or wrote the
    /// ledger; the stored text is decoded only when it changed.
    fn merge_stored_ledger<J: Json>(&mut self, store: &dyn Store, notices: &mut Vec<Notice>, now: i64) {
        let id = self.contest_id().to_string();
        let raw = match store.read(&Stored::Ledger.key(&id)) {
            Ok(raw) => raw,
            Err(_) => return,
        };
        if raw.as_deref() == self.ledger_text.as_deref() {
            return;
        }
        let stored = raw
            .as_deref()
            .and_then(|t| decode_or_set_aside::<J, AttemptLedger>(store, Stored::Ledger, &id, t, notices, now));
        match stored {
            Some(stored) if self.ledger.attempts.is_empty() => self.ledger = Rc::new(stored),
            Some(stored) => {
                merge_into(Rc::make_mut(&mut self.ledger), stored.attempts);
            }
            None => {}
        }
        self.ledger_text = raw.map(Rc::from);
    }

    /// Stores a round about to start, with room left for its result; a round that could not
    /// be kept (and then recorded) does not start, so a reload never loses it.
    fn make_room_for<J: Json>(&mut self, store: &dyn Store, round: &Round) -> Result<(), StorageError> {
        match store::save::<J, _>(store, Stored::Round, self.contest_id(), round) {
            Err(StorageError::QuotaExceeded(_)) => return Err(StorageError::NoRoomForRound),
            other => other?,
        }
        if !store.has_room_for(attempt_reserve_chars(round.questions.len())) {
            store.remove(&Stored::Round.key(self.contest_id()));
            return Err(StorageError::NoRoomForRound);
        }
        Ok(())
    }

    /// After any move in a round: save it, or finish it when it is over.
    fn after_move<J: Json>(&mut self, store: &dyn Store) {
        let Some(round) = &self.round else { return };
        if round.is_finished() {
            self.complete_round::<J>(store);
        } else if !round.practice {
            let round = round.clone();
            self.save::<J, _>(store, Stored::Round, &round);
        }
    }

    fn complete_round<J: Json>(&mut self, store: &dyn Store) {
        let Some(round) = self.round.take() else { return };
        if round.practice {
            let outcome = round.outcome(&self.loaded.bank, &self.loaded.contest.rules.scoring);
            self.practice_done = outcome.ok().map(|o| (o.correct, o.items.len() as u32));
            self.screen = Screen::PracticePick;
            return;
        }
        let participant = self.roster.get(&round.participant_id).cloned();
        let attempt = participant.ok_or(QuizError::Finished).and_then(|p| {
            Attempt::from_round(&round, &p, &self.loaded.contest, &self.loaded.bank, &self.loaded.in_force)
        });
        match attempt {
            Ok(attempt) => {
                let finished = attempt.finished_at;
                Rc::make_mut(&mut self.ledger).record(attempt.clone());
                // If the ledger cannot be saved (storage full), the finished round stays
                // stored so a reload records it again, and the result is offered as a file.
                self.unsaved = !self.save_ledger::<J>(store, finished);
                if self.unsaved {
                    let _ = self.save::<J, _>(store, Stored::Round, &round);
                    self.notice = Some(Notice::of(&StorageError::QuotaExceeded(Stored::Ledger)));
                } else {
                    store.remove(&Stored::Round.key(self.contest_id()));
                }
                self.last = Some(Rc::new(attempt));
                self.screen = Screen::Result;
            }
            Err(e) => {
                self.notice = Some(Notice::of(&e));
                self.screen = Screen::Home;
            }
        }
    }

    /// Carries out `action`, reading and writing the device's store with the codec `J`.
    pub fn apply<J: Json>(&mut self, action: Action) -> Changed {
        let store = self.store.clone();
        let store = &*store;
        let loaded = self.loaded.clone();
        match action {
            Action::SetLang(lang) => {
                self.prefs.lang = lang;
                self.save_prefs::<J>(store);
            }
            Action::Toggle(pref) => {
                self.prefs.toggle(pref);
                self.save_prefs::<J>(store);
            }
            Action::Go(screen) => {
                self.notice = None;
                self.practice_done = None;
                self.screen = screen;
            }
            Action::RegionsLoaded(t) => self.regions = Some(t),
            Action::CountiesLoaded { province, file } => {
                if let Some(t) = &self.regions {
                    let mut t = (**t).clone();
                    t.add_counties(&file, &province);
                    self.regions = Some(Rc::new(t));
                }
            }
            Action::Notice(n) => self.notice = Some(n),
            Action::Register(p) => {
                self.notice = None;
                Rc::make_mut(&mut self.roster).register(p);
                self.save_roster::<J>(store);
                self.screen = Screen::Home;
            }
            Action::Continue(id) => {
                self.notice = None;
                self.select::<J>(store, &id);
                self.screen = Screen::Home;
            }
            Action::Select(id) => self.select::<J>(store, &id),
            Action::NextParticipant => {
                Rc::make_mut(&mut self.roster).current = None;
                self.save_roster::<J>(store);
                self.last = None;
                self.notice = None;
                self.screen = Screen::Register;
            }
            Action::StartRound { now, seed } => self.start_round::<J>(store, now, seed),
            Action::StartPractice { category, now, seed } => {
                let pid = self.participant().map(|p| p.id.clone()).unwrap_or_default();
                let questions = draw_practice(&loaded.bank, category.as_deref(), seed);
                if !questions.is_empty() {
                    self.round = Some(Round::practice(self.contest_id(), &pid, questions, now));
                    self.practice_done = None;
                    self.screen = Screen::Round;
                }
            }
            Action::Choose { question, shown, now } => {
                if let Some(r) = self.round.as_mut() {
                    if let Err(e) = r.choose(&loaded.bank, question, shown, now) {
                        self.notice = Some(Notice::of(&e));
                    }
                }
                self.after_move::<J>(store);
            }
            Action::Next { question, now } => {
                if let Some(r) = self.round.as_mut() {
                    self.notice = r.next(question, now).err().map(|e| Notice::of(&e));
                }
                self.after_move::<J>(store);
            }
            Action::Previous(now) => {
                if let Some(r) = self.round.as_mut() {
                    self.notice = r.previous(now).err().map(|e| Notice::of(&e));
                }
                self.after_move::<J>(store);
            }
            Action::Tick(now) => {
                if !self.round.as_mut().is_some_and(|r| r.sync(now)) {
                    return Changed::No;
                }
                self.notice = None;
                self.after_move::<J>(store);
            }
            Action::ReadingStarted { question, now } => {
                if !self.round.as_mut().is_some_and(|r| r.start_reading(question, now)) {
                    return Changed::No;
                }
                self.after_move::<J>(store);
            }
            Action::ReadingEnded(now) => {
                if !self.round.as_mut().is_some_and(|r| r.stop_reading(now)) {
                    return Changed::No;
                }
                self.after_move::<J>(store);
            }
            Action::StorageChanged(now) => self.refresh_from_storage::<J>(store, now),
            Action::QuitPractice => {
                if self.round.as_ref().is_some_and(|r| r.practice) {
                    self.round = None;
                }
                self.screen = Screen::Home;
            }
            Action::Explained(found) => match self.loaded.with_explanations(&found) {
                Some(loaded) => self.loaded = Rc::new(loaded),
                None => return Changed::No,
            },
        }
        Changed::Yes
    }

    fn start_round<J: Json>(&mut self, store: &dyn Store, now: i64, seed: u64) {
        self.notice = None;
        let Some(p) = self.participant().cloned() else {
            self.screen = Screen::Register;
            return;
        };
        // Another tab may have started a round or finished attempts meanwhile: a round in
        // progress is resumed, never started twice.
        self.refresh_from_storage::<J>(store, now);
        if self.round.is_some() {
            return;
        }
        let loaded = self.loaded.clone();
        // Under the open stage's rules, when the contest has stages.
        let contest = &*loaded.contest.running(now);
        if let Err(refusal) = self.ledger.can_start(contest, &p.id, now) {
            self.notice = Some(Notice::of(&refusal));
            return;
        }
        let round = match draw_round(contest, &loaded.bank, p.crowd.as_deref(), seed) {
            Ok(questions) => Round::start(contest, &p.id, questions, now)
                .under(contest, &loaded.bank, &loaded.in_force)
                .reading_pause(contest.rules.round.reading_pause_ms(p.crowd.as_deref())),
            Err(e) => return self.notice = Some(Notice::of(&e)),
        };
        match self.make_room_for::<J>(store, &round) {
            Ok(()) => {
                self.round = Some(round);
                self.screen = Screen::Round;
            }
            Err(e) => self.notice = Some(Notice::of(&e)),
        }
    }
}
