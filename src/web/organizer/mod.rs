//! The organizer's workspace (a separate page and wasm, so citizens never download it):
//! PIN gate, statistics, question banks, rules, exports and merging results files.

mod banks;
mod data;
mod file_pick;
mod live;
mod rules;
mod stats;
mod tabs;
mod verify;

use std::rc::Rc;

use yew::prelude::*;

use crate::core::bank::Bank;
use crate::core::codec::SerdeJson;
use crate::core::contest::{Contest, ContestRules};
use crate::core::ledger::AttemptLedger;
use crate::core::ledger_file::merge_into;
use crate::core::ledger_file::CHUNK_ATTEMPTS;
use crate::core::organizer::{wiped_by_pin_reset, ContestSetup, PinHash, SavedBank};
use crate::core::persist::{decode, encode, Stored};
use crate::core::region::RegionTable;
use crate::core::Lang;

use super::loader::{
    contest_path, contest_setup, load_contest, load_error_view, saved_banks, stored_prefs, Loaded, LoadedProps,
};
use super::storage::{read_or_set_aside, LocalStore};
use super::{fresh_seed, idb};
use crate::core::store::Store;

/// Mounts the organizer's app.
pub fn start() {
    let document = web_sys::window().and_then(|w| w.document()).expect("a browser document");
    let root = document.get_element_by_id("app").expect("organizer page has #app");
    root.set_inner_html("");
    yew::Renderer::<OrganizerApp>::with_root(root).render();
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Stats,
    Banks,
    Rules,
    Data,
    Live,
}

/// The organizer's desk: the effective contest on this device and everything saved here.
#[derive(Clone)]
pub struct Desk {
    pub package: Rc<Loaded>,
    pub contest: Rc<Contest>,
    pub bank: Rc<Bank>,
    pub lang: Lang,
    pub pin: Option<PinHash>,
    pub unlocked: bool,
    pub tab: Tab,
    /// This device's own attempts (localStorage).
    pub own: Rc<AttemptLedger>,
    /// How many attempts were merged in from other devices (kept in IndexedDB); `None`
    /// until read.
    pub collected: Option<usize>,
    /// The collection as stored in IndexedDB: chunks of envelopes as text, kept so a merge
    /// writes only its new chunks.
    pub collected_chunks: Rc<Vec<wasm_bindgen::JsValue>>,
    /// Everything the statistics and exports cover: own attempts, then collected ones.
    pub ledger: Rc<AttemptLedger>,
    pub banks: Rc<Vec<SavedBank>>,
    pub setup: ContestSetup,
    pub regions: Option<Rc<RegionTable>>,
    pub notice: Option<String>,
    pub flash: Option<String>,
}

impl PartialEq for Desk {
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

pub enum DeskAction {
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
        chunks: Rc<Vec<wasm_bindgen::JsValue>>,
        flash: Option<String>,
    },
    Notice(String),
    Flash(String),
}

impl Desk {
    fn new(package: Rc<Loaded>) -> Desk {
        let id = package.contest.rules.id.clone();
        let lang = stored_prefs().lang;
        let mut notices = Vec::new();
        let own: Rc<AttemptLedger> =
            Rc::new(read_or_set_aside(Stored::Ledger, &id, lang, &mut notices).unwrap_or_default());
        let pin = read_or_set_aside(Stored::OrganizerPin, "", lang, &mut notices);
        Desk {
            contest: package.contest.clone(),
            bank: package.bank.clone(),
            setup: contest_setup(&id),
            package,
            lang,
            pin,
            unlocked: false,
            tab: Tab::Stats,
            ledger: own.clone(),
            own,
            collected: None,
            collected_chunks: Rc::default(),
            banks: Rc::new(saved_banks()),
            regions: None,
            notice: (!notices.is_empty()).then(|| notices.join("\n")),
            flash: None,
        }
    }

    fn id(&self) -> String {
        self.package.contest.rules.id.clone()
    }

    /// Saves, reporting a failure; returns whether it was saved.
    fn save<T: serde::Serialize>(&mut self, kind: Stored, key: &str, value: &T) -> bool {
        match LocalStore::open().and_then(|s| s.save(kind, key, value)) {
            Ok(()) => true,
            Err(e) => {
                self.notice = Some(e.message(self.lang));
                false
            }
        }
    }
}

impl Reducible for Desk {
    type Action = DeskAction;

    fn reduce(self: Rc<Self>, action: DeskAction) -> Rc<Self> {
        let mut d = (*self).clone();
        let lang = d.lang;
        d.flash = None;
        match action {
            DeskAction::SetPin(pin) => {
                if d.save(Stored::OrganizerPin, "", &pin) {
                    d.pin = Some(pin);
                    d.unlocked = true;
                    d.notice = None;
                }
            }
            DeskAction::Unlock => {
                d.unlocked = true;
                d.notice = None;
            }
            DeskAction::ResetOrganizer => {
                // The PIN, every saved bank and every contest's changed rules go, so nobody
                // inherits the previous organizer's; participants' results are never touched.
                if let Ok(s) = LocalStore::open() {
                    for key in s.keys().into_iter().filter(|k| wiped_by_pin_reset(k)) {
                        s.remove(&key);
                    }
                }
                d.pin = None;
                d.setup = ContestSetup::default();
                d.banks = Rc::new(Vec::new());
                d.contest = d.package.package_contest.clone();
                d.bank = d.package.package_bank.clone();
                d.notice = None;
                d.flash = Some(
                    lang.pick(
                        "管理设置已清除：本机保存的题库和改过的规则都已删除，竞赛按竞赛文件进行。请设置新密码。成绩数据未受影响。",
                        "Organizer settings cleared: the banks saved here and the changed rules are gone; the contest runs by its package. Set a new PIN. Results were not touched.",
                    )
                    .into(),
                );
            }
            DeskAction::Tab(t) => {
                d.tab = t;
                d.notice = None;
            }
            DeskAction::Regions(t) => d.regions = Some(t),
            DeskAction::SaveBank(saved) => {
                let mut banks = (*d.banks).clone();
                banks.retain(|b| b.id != saved.id);
                banks.push(*saved);
                if d.save(Stored::Banks, "", &banks) {
                    d.banks = Rc::new(banks);
                    d.notice = None;
                    d.flash = Some(lang.pick("题库已保存", "Bank saved").into());
                }
            }
            DeskAction::DeleteBank(id) => {
                let mut banks = (*d.banks).clone();
                banks.retain(|b| b.id != id);
                if d.setup.bank_id.as_deref() == Some(id.as_str()) {
                    return Rc::new(Desk {
                        notice: Some(
                            lang.pick(
                                "正在使用的题库不能删除，请先换用其他题库",
                                "The bank in use cannot be deleted; switch banks first",
                            )
                            .into(),
                        ),
                        ..d
                    });
                }
                if d.save(Stored::Banks, "", &banks) {
                    d.banks = Rc::new(banks);
                }
            }
            DeskAction::UseBank(id) => {
                let bank = match &id {
                    None => Ok(d.package.package_bank.clone()),
                    Some(id) => {
                        match d.banks.iter().find(|b| &b.id == id).map(SavedBank::bank::<crate::core::codec::SerdeJson>)
                        {
                            Some(Ok(b)) => Ok(Rc::new(b)),
                            Some(Err(e)) => Err(e.message(lang)),
                            None => Err(lang.pick("找不到这个题库", "No such bank").to_string()),
                        }
                    }
                };
                match bank {
                    Err(e) => d.notice = Some(e),
                    Ok(bank) => {
                        let shortfalls = d.contest.shortfalls(&bank);
                        if !shortfalls.is_empty() {
                            d.notice = Some(shortfalls.iter().map(|p| p.message(lang)).collect::<Vec<_>>().join("\n"));
                        } else {
                            let mut setup = d.setup.clone();
                            setup.bank_id = id;
                            if d.save(Stored::Setup, &d.id(), &setup) {
                                d.setup = setup;
                                d.bank = bank;
                                d.notice = None;
                                d.flash = Some(
                                    lang.pick("竞赛已改用这个题库", "The contest now draws from this bank").into(),
                                );
                            }
                        }
                    }
                }
            }
            DeskAction::SaveRules(rules) => match crate::core::organizer::check_rules((*rules).clone(), &d.bank) {
                Err(problems) => {
                    d.notice = Some(problems.iter().map(|p| p.message(lang)).collect::<Vec<_>>().join("\n"))
                }
                Ok(contest) => {
                    let mut setup = d.setup.clone();
                    setup.rules = Some(*rules);
                    if d.save(Stored::Setup, &d.id(), &setup) {
                        d.setup = setup;
                        d.contest = Rc::new(contest);
                        d.notice = None;
                        d.flash = Some(
                            lang.pick(
                                "规则已保存，本机下一轮答题起生效",
                                "Rules saved; they apply from the next round on this device",
                            )
                            .into(),
                        );
                    }
                }
            },
            DeskAction::ResetRules => {
                let mut setup = d.setup.clone();
                setup.rules = None;
                if d.package.package_contest.shortfalls(&d.bank).is_empty() && d.save(Stored::Setup, &d.id(), &setup) {
                    d.setup = setup;
                    d.contest = d.package.package_contest.clone();
                }
            }
            DeskAction::Collected { all, collected, chunks, flash } => {
                d.collected = Some(collected);
                d.collected_chunks = chunks;
                d.ledger = Rc::new(all);
                if flash.is_some() {
                    d.notice = None;
                    d.flash = flash;
                }
            }
            DeskAction::Notice(n) => d.notice = Some(n),
            DeskAction::Flash(f) => d.flash = Some(f),
        }
        Rc::new(d)
    }
}

#[derive(Properties, PartialEq)]
pub struct DeskProps {
    pub desk: UseReducerHandle<Desk>,
}

#[component]
fn OrganizerApp() -> Html {
    let load = use_state(|| None::<Result<Rc<Loaded>, (String, String)>>);
    // Read once, not on every render: reading can set damaged preferences aside (a write).
    let lang = *use_state(|| stored_prefs().lang);
    {
        let load = load.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let result = load_contest::<true>(&contest_path(), "../", lang).await.map(Rc::new);
                load.set(Some(result));
            });
        });
    }
    match &*load {
        None => html! { <p class="loading" role="status">{ lang.pick("正在加载…", "Loading…") }</p> },
        Some(Err((file, reason))) => load_error_view(file, reason, lang, "../"),
        Some(Ok(loaded)) => html! { <DeskView loaded={loaded.clone()} /> },
    }
}

#[component]
fn DeskView(props: &LoadedProps) -> Html {
    let loaded = props.loaded.clone();
    let desk = use_reducer(move || Desk::new(loaded));
    let lang = desk.lang;
    {
        let desk = desk.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(load_collection(desk));
        });
    }
    let body = if !desk.unlocked {
        html! { <PinGate desk={desk.clone()} /> }
    } else {
        html! {
            <div class="desk">
                <tabs::TabBar desk={desk.clone()} />
                <div class="desk-panel" role="tabpanel" id={tabs::PANEL_ID} aria-labelledby={desk.tab.testid()} tabindex="0">
                { match desk.tab {
                    Tab::Stats => html! { <stats::StatsTab desk={desk.clone()} /> },
                    Tab::Banks => html! { <banks::BanksTab desk={desk.clone()} /> },
                    Tab::Rules => html! { <rules::RulesTab desk={desk.clone()} /> },
                    Tab::Data => html! { <data::DataTab desk={desk.clone()} /> },
                    Tab::Live => html! { <live::LiveTab desk={desk.clone()} /> },
                } }
                </div>
            </div>
        }
    };
    let back = format!("../{}", web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default());
    html! {
        <>
            <header class="topbar">
                <span class="brand">{ lang.pick("科普答题 · 管理", "Science Quiz · Organizer") }</span>
                <a class="chip" href={back}>{ lang.pick("返回答题", "Back to quiz") }</a>
            </header>
            <main class="page organizer">
                <p class="contest-name">{ desk.contest.rules.title.clone() }</p>
                if let Some(n) = &desk.notice {
                    <p class="notice" data-testid="error" role="alert">{ n.clone() }</p>
                }
                if let Some(f) = &desk.flash {
                    <p class="flash" role="status" data-testid="flash">{ f.clone() }</p>
                }
                { body }
            </main>
        </>
    }
}

/// Reads the collection from IndexedDB a chunk per task (100,000 attempts are 20 chunks), then
/// puts this device's own attempts with it.
async fn load_collection(desk: UseReducerHandle<Desk>) {
    let (id, lang) = (desk.id(), desk.lang);
    let chunks = match idb::load_chunks(Stored::Collected, &id).await {
        Ok(chunks) => chunks,
        Err(e) => return desk.dispatch(DeskAction::Notice(e.message(lang))),
    };
    let mut collected = AttemptLedger::default();
    let mut oversized = false;
    for chunk in chunks.iter() {
        gloo_timers::future::TimeoutFuture::new(0).await;
        match decode::<SerdeJson, AttemptLedger>(Stored::Collected, &chunk.as_string().unwrap_or_default()) {
            Ok(part) => {
                oversized |= part.attempts.len() > CHUNK_ATTEMPTS;
                collected.attempts.extend(part.attempts);
            }
            Err(e) => return desk.dispatch(DeskAction::Notice(e.message(lang))),
        }
    }
    // A collection an earlier build stored as one envelope is read once in one go, then
    // stored again in chunks, the same attempts, so it never is again.
    let chunks = if oversized {
        let mut rechunked = Vec::new();
        for part in collected.attempts.chunks(CHUNK_ATTEMPTS) {
            gloo_timers::future::TimeoutFuture::new(0).await;
            let text = encode::<SerdeJson, _>(Stored::Collected, &AttemptLedger { attempts: part.to_vec() });
            rechunked.push(wasm_bindgen::JsValue::from_str(&text));
        }
        match idb::save_chunks(Stored::Collected, &id, &rechunked).await {
            Ok(()) => rechunked,
            Err(_) => chunks,
        }
    } else {
        chunks
    };
    gloo_timers::future::TimeoutFuture::new(0).await;
    let count = collected.attempts.len();
    merge_into(&mut collected, desk.own.attempts.clone());
    desk.dispatch(DeskAction::Collected { all: collected, collected: count, chunks: Rc::new(chunks), flash: None });
}

#[component]
fn PinGate(props: &DeskProps) -> Html {
    let desk = &props.desk;
    let lang = desk.lang;
    let input = use_node_ref();
    let forgot = use_state(|| false);
    let first = desk.pin.is_none();
    let onsubmit = {
        let (desk, input) = (desk.clone(), input.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let pin = input.cast::<web_sys::HtmlInputElement>().map(|i| i.value()).unwrap_or_default();
            match &desk.pin {
                None => match PinHash::set(&pin, fresh_seed()) {
                    Ok(h) => desk.dispatch(DeskAction::SetPin(h)),
                    Err(p) => desk.dispatch(DeskAction::Notice(p.message(lang))),
                },
                Some(h) => match h.check(&pin, fresh_seed()) {
                    Ok(None) => desk.dispatch(DeskAction::Unlock),
                    // Right, but stored the old way: keep it with PBKDF2 from now on.
                    Ok(Some(upgraded)) => desk.dispatch(DeskAction::SetPin(upgraded)),
                    Err(p) => desk.dispatch(DeskAction::Notice(p.message(lang))),
                },
            }
        })
    };
    let reset = {
        let desk = desk.clone();
        Callback::from(move |_| desk.dispatch(DeskAction::ResetOrganizer))
    };
    html! {
        <form class="card" {onsubmit}>
            <h1>{ if first { lang.pick("设置管理密码", "Set an organizer PIN") } else { lang.pick("输入管理密码", "Enter the organizer PIN") } }</h1>
            if first {
                <p>{ lang.pick("第一次进入管理区，请设置至少 4 位数字的密码。密码只以加盐散列保存在本机。",
                    "First visit: choose a PIN of at least 4 digits. Only a salted hash of it is kept on this device.") }</p>
            }
            <label for="pin">{ lang.pick("密码", "PIN") }
                <input id="pin" data-testid="pin-input" ref={input} type="password" inputmode="numeric" autocomplete="off" />
            </label>
            <button class="primary big" type="submit" data-testid="pin-submit">{ if first { lang.pick("设置并进入", "Set and enter") } else { lang.pick("进入", "Enter") } }</button>
            if !first {
                <button class="link" type="button" onclick={let forgot = forgot.clone(); Callback::from(move |_| forgot.set(!*forgot))}>{ lang.pick("忘记密码？", "Forgot the PIN?") }</button>
                if *forgot {
                    <div class="card warn">
                        <p>{ lang.pick("重设密码会清除本机所有的管理设置：保存的题库，以及各竞赛改用的题库和改过的规则，竞赛恢复按竞赛文件进行。参赛者的成绩记录不会被删除。",
                            "Resetting the PIN clears every organizer setting on this device: the saved banks, and every contest's chosen bank and edited rules; contests run by their packages again. Participants' results are never deleted.") }</p>
                        <button class="secondary" type="button" data-testid="pin-reset" onclick={reset}>{ lang.pick("清除管理设置并重设密码", "Clear organizer settings and reset the PIN") }</button>
                    </div>
                }
            }
        </form>
    }
}
