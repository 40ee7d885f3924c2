//! The organizer's desk as a state machine: the contest in force on this device, the PIN, the
//! saved banks and rules, the attempts the statistics cover, and what each [`DeskAction`] does
//! to them. It reads and writes through a [`Store`] and a JSON codec given by the caller, like
//! the citizen's [`Device`](crate::core::machines::device::Device). The Yew shell
//! (`web::organizer`) dispatches actions and draws the state; reading files and IndexedDB
//! stays there, and their results arrive here as actions.
//!
//! `K` is how the shell holds a stored chunk of the merged collection (a JavaScript string in
//! the browser); the desk only keeps the chunks, so a merge writes just its new ones.

use std::rc::Rc;

use crate::core::formats::codec::Json;
use crate::core::model::bank::Bank;
use crate::core::model::clock::{format_shanghai, parse_shanghai_end};
use crate::core::model::contest::{Contest, ContestRules, Stage};
use crate::core::model::region::RegionTable;
use crate::core::play::ledger::AttemptLedger;
use crate::core::storage::loaded::{in_force, Loaded};
use crate::core::storage::organizer::{wiped_by_pin_reset, ContestSetup, PinHash, SavedBank};
use crate::core::storage::persist::{Prefs, Stored};
use crate::core::storage::store::{self, read_or_set_aside, Store};
use crate::core::{Lang, Notice};

/// The desk's tabs, in the order they are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Stats,
    Banks,
    Rules,
    Data,
    Live,
}

impl Tab {
    pub const ALL: [Tab; 5] = [Tab::Stats, Tab::Banks, Tab::Rules, Tab::Data, Tab::Live];

    /// The tab a key moves to from this one (wrapping at either end), if the key moves at all.
    /// Left/Up and Right/Down both work, as the list is a row on a phone and a column at a desk.
    pub fn moved_by(self, key: &str) -> Option<Tab> {
        let i = Tab::ALL.iter().position(|t| *t == self).unwrap_or(0);
        let n = Tab::ALL.len();
        match key {
            "ArrowRight" | "ArrowDown" => Some(Tab::ALL[(i + 1) % n]),
            "ArrowLeft" | "ArrowUp" => Some(Tab::ALL[(i + n - 1) % n]),
            "Home" => Some(Tab::ALL[0]),
            "End" => Some(Tab::ALL[n - 1]),
            _ => None,
        }
    }

    /// The tab's `data-testid`, also its element id.
    pub fn testid(self) -> &'static str {
        match self {
            Tab::Stats => "tab-stats",
            Tab::Banks => "tab-banks",
            Tab::Rules => "tab-rules",
            Tab::Data => "tab-data",
            Tab::Live => "tab-live",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Tab::Stats => lang.pick("统计", "Statistics"),
            Tab::Banks => lang.pick("题库", "Banks"),
            Tab::Rules => lang.pick("规则", "Rules"),
            Tab::Data => lang.pick("导出与合并", "Export & merge"),
            Tab::Live => lang.pick("实时", "Live"),
        }
    }
}

/// The organizer's desk: the effective contest on this device and everything saved here.
#[derive(Clone)]
pub struct Desk<K> {
    store: Rc<dyn Store>,
    pub package: Rc<Loaded>,
    pub contest: Rc<Contest>,
    pub bank: Rc<Bank>,
    pub lang: Lang,
    pub pin: Option<PinHash>,
    pub unlocked: bool,
    pub tab: Tab,
    /// This device's own attempts.
    pub own: Rc<AttemptLedger>,
    /// How many attempts were merged in from other devices; `None` until read.
    pub collected: Option<usize>,
    /// The collection as stored, in chunks, kept so a merge writes only its new chunks.
    pub collected_chunks: Rc<Vec<K>>,
    /// Everything the statistics and exports cover: own attempts, then collected ones.
    pub ledger: Rc<AttemptLedger>,
    pub banks: Rc<Vec<SavedBank>>,
    pub setup: ContestSetup,
    pub regions: Option<Rc<RegionTable>>,
    pub notice: Option<Notice>,
    pub flash: Option<Notice>,
}

impl<K> PartialEq for Desk<K> {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.contest, &o.contest)
            && Rc::ptr_eq(&self.bank, &o.bank)
            && Rc::ptr_eq(&self.ledger, &o.ledger)
            && self.collected == o.collected
            && Rc::ptr_eq(&self.collected_chunks, &o.collected_chunks)
            && Rc::ptr_eq(&self.banks, &o.banks)
            && self.unlocked == o.unlocked
            && self.pin == o.pin
            && self.tab == o.tab
            && self.setup == o.setup
            && self.notice == o.notice
            && self.flash == o.flash
            && self.regions.as_ref().map(Rc::as_ptr) == o.regions.as_ref().map(Rc::as_ptr)
    }
}

pub enum DeskAction<K> {
    SetPin(PinHash),
    Unlock,
    ResetOrganizer,
    Tab(Tab),
    Regions(Rc<RegionTable>),
    SaveBank(Box<SavedBank>),
    DeleteBank(String),
    UseBank(Option<String>),
    SaveRules(Box<ContestRules>),
    ResetRules,
    /// The collection as now stored: every attempt the statistics cover (own and collected),
    /// how many were collected, the stored chunks, and what to tell the organizer.
    Collected {
        all: AttemptLedger,
        collected: usize,
        chunks: Rc<Vec<K>>,
        flash: Option<Notice>,
    },
    Notice(Notice),
    Flash(Notice),
}

/// A stage for the organizer to add to `rules` in the rules form: the first unused id `stage-N`
/// (attempts keep it, so it never changes), titled 第 N 阶段, from the end of the latest
/// stage (or the contest's start) to the contest's end, with the contest's own mix, daily
/// limit and score policy. Saving checks it as every stage is checked.
pub fn new_stage(rules: &ContestRules) -> Stage {
    let n = (rules.stages.len() + 1..)
        .find(|n| rules.stages.iter().all(|s| s.id != format!("stage-{n}")))
        .unwrap_or_default();
    let after_last = rules.stages.iter().filter_map(|s| parse_shanghai_end(&s.ends)).max();
    Stage {
        id: format!("stage-{n}"),
        title: format!("第 {n} 阶段"),
        title_en: String::new(),
        starts: after_last.map(format_shanghai).unwrap_or_else(|| rules.starts.clone()),
        ends: rules.ends.clone(),
        mix: None,
        attempts_per_day: None,
        score_policy: None,
    }
}

impl<K> Desk<K> {
    /// The desk for `package` as this device has it; what cannot be read is set aside and said.
    pub fn open<J: Json>(package: Rc<Loaded>, store: Rc<dyn Store>, now: i64) -> Desk<K> {
        let id = package.contest.rules.id.clone();
        let mut notices = Vec::new();
        let lang =
            read_or_set_aside::<J, Prefs>(&*store, Stored::Prefs, "", &mut notices, now).unwrap_or_default().lang;
        let own = read_or_set_aside::<J, AttemptLedger>(&*store, Stored::Ledger, &id, &mut notices, now);
        let pin = read_or_set_aside::<J, PinHash>(&*store, Stored::OrganizerPin, "", &mut notices, now);
        let setup = read_or_set_aside::<J, ContestSetup>(&*store, Stored::Setup, &id, &mut notices, now);
        let banks = read_or_set_aside::<J, Vec<SavedBank>>(&*store, Stored::Banks, "", &mut notices, now);
        let (setup, banks) = (setup.unwrap_or_default(), banks.unwrap_or_default());
        // The citizens' app passes over a setup that does not fit; the organizer is told why.
        if let Some(problem) = &package.passed_over {
            notices.push(Notice::each(|lang| {
                format!(
                    "{}{}",
                    lang.pick(
                        "本机的管理设置无法使用，竞赛按竞赛文件进行：",
                        "The organizer settings on this device cannot be used; the contest runs by its package: "
                    ),
                    crate::core::Message::message(problem, lang)
                )
            }));
        }
        let own = Rc::new(own.unwrap_or_default());
        Desk {
            store,
            contest: package.contest.clone(),
            bank: package.bank.clone(),
            package,
            lang,
            pin,
            unlocked: false,
            tab: Tab::Stats,
            ledger: own.clone(),
            own,
            collected: None,
            collected_chunks: Rc::new(Vec::new()),
            banks: Rc::new(banks),
            setup,
            regions: None,
            notice: Notice::lines(notices),
            flash: None,
        }
    }

    pub fn id(&self) -> &str {
        &self.package.contest.rules.id
    }

    /// Saves, reporting a failure; returns whether it was saved.
    fn save<J: Json, T: serde::Serialize>(&mut self, kind: Stored, key: &str, value: &T) -> bool {
        match store::save::<J, T>(&*self.store, kind, key, value) {
            Ok(()) => true,
            Err(e) => {
                self.notice = Some(Notice::of(&e));
                false
            }
        }
    }

    /// Stores `setup` and puts the contest and bank it gives in force, or says why it cannot
    /// be used (nothing is stored then).
    fn use_setup<J: Json>(&mut self, setup: ContestSetup, done: Notice) {
        match in_force::<J>(&self.package.package_contest, &self.package.package_bank, &setup, &self.banks) {
            Err(problem) => self.notice = Some(Notice::of(&problem)),
            Ok((contest, bank)) => {
                let id = self.id().to_owned();
                if self.save::<J, _>(Stored::Setup, &id, &setup) {
                    self.setup = setup;
                    self.contest = contest;
                    self.bank = bank;
                    self.notice = None;
                    self.flash = Some(done);
                }
            }
        }
    }

    pub fn apply<J: Json>(&mut self, action: DeskAction<K>) {
        self.flash = None;
        match action {
            DeskAction::SetPin(pin) => {
                if self.save::<J, _>(Stored::OrganizerPin, "", &pin) {
                    self.pin = Some(pin);
                    self.unlocked = true;
                    self.notice = None;
                }
            }
            DeskAction::Unlock => {
                self.unlocked = true;
                self.notice = None;
            }
            DeskAction::ResetOrganizer => {
                // The PIN, every saved bank and every contest's changed rules go, so nobody
                // inherits the previous organizer's; participants' results are never touched.
                for key in self.store.keys().into_iter().filter(|k| wiped_by_pin_reset(k)) {
                    self.store.remove(&key);
                }
                self.pin = None;
                self.setup = ContestSetup::default();
                self.banks = Rc::new(Vec::new());
                self.contest = self.package.package_contest.clone();
                self.bank = self.package.package_bank.clone();
                self.notice = None;
                self.flash = Some(Notice::new(
                    "管理设置已清除：本机保存的题库和改过的规则都已删除，竞赛按竞赛文件进行。请设置新密码。成绩数据未受影响。",
                    "Organizer settings cleared: the banks saved here and the changed rules are gone; the contest runs by its package. Set a new PIN. Results were not touched.",
                ));
            }
            DeskAction::Tab(t) => {
                self.tab = t;
                self.notice = None;
            }
            DeskAction::Regions(t) => self.regions = Some(t),
            DeskAction::SaveBank(saved) => {
                let mut banks = (*self.banks).clone();
                banks.retain(|b| b.id != saved.id);
                banks.push(*saved);
                if self.save::<J, _>(Stored::Banks, "", &banks) {
                    self.banks = Rc::new(banks);
                    self.notice = None;
                    self.flash = Some(Notice::new("题库已保存", "Bank saved"));
                }
            }
            DeskAction::DeleteBank(id) => {
                if self.setup.bank_id.as_deref() == Some(id.as_str()) {
                    self.notice = Some(Notice::new(
                        "正在使用的题库不能删除，请先换用其他题库",
                        "The bank in use cannot be deleted; switch banks first",
                    ));
                    return;
                }
                let mut banks = (*self.banks).clone();
                banks.retain(|b| b.id != id);
                if self.save::<J, _>(Stored::Banks, "", &banks) {
                    self.banks = Rc::new(banks);
                }
            }
            DeskAction::UseBank(bank_id) => {
                let setup = ContestSetup { bank_id, ..self.setup.clone() };
                self.use_setup::<J>(setup, Notice::new("竞赛已改用这个题库", "The contest now draws from this bank"));
            }
            DeskAction::SaveRules(rules) => {
                let setup = ContestSetup { rules: Some(*rules), ..self.setup.clone() };
                self.use_setup::<J>(
                    setup,
                    Notice::new(
                        "规则已保存，本机下一轮答题起生效",
                        "Rules saved; they apply from the next round on this device",
                    ),
                );
            }
            DeskAction::ResetRules => {
                let setup = ContestSetup { rules: None, ..self.setup.clone() };
                self.use_setup::<J>(
                    setup,
                    Notice::new(
                        "已恢复竞赛文件的规则，本机下一轮答题起生效",
                        "The package's rules are back; they apply from the next round on this device",
                    ),
                );
            }
            DeskAction::Collected { all, collected, chunks, flash } => {
                self.collected = Some(collected);
                self.collected_chunks = chunks;
                self.ledger = Rc::new(all);
                if flash.is_some() {
                    self.notice = None;
                    self.flash = flash;
                }
            }
            DeskAction::Notice(n) => self.notice = Some(n),
            DeskAction::Flash(f) => self.flash = Some(f),
        }
    }
}
