//! Sends finished attempts to the contest's results collector: the outbox of `core::exchange::outbox`,
//! kept in localStorage (`kepu.v1.outbox.<contest>`), sent when a round ends, at start-up, on
//! the `online` event and on a timer. What to send, when to retry and what an answer means
//! are the core's; this adapter only does the I/O. With no collector in the contest package
//! nothing here runs.

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

use crate::core::exchange::outbox::{DeliveryStatus, Outbox, SendFailure, TICK_MS};
use crate::core::exchange::submission::{Submission, SubmitReply, SubmittedAttempt};
use crate::core::formats::codec::Json;
use crate::core::play::ledger::{Attempt, AttemptLedger};
use crate::core::storage::persist::Stored;

use super::json::BrowserJson;
use super::storage::{read_or_set_aside, LocalStore};
use crate::core::machines::device::Device;
use crate::web::now_ms;

/// What the result screen shows of the outbox: the stored outbox as last read or written.
#[derive(Clone, Debug, PartialEq)]
pub struct OutboxView {
    pub outbox: Rc<Outbox>,
}

impl OutboxView {
    pub fn status(&self, attempt_id: &str) -> DeliveryStatus {
        self.outbox.status(attempt_id)
    }

    /// The collector's receipt for an attempt it accepted.
    pub fn receipt(&self, attempt_id: &str) -> Option<String> {
        self.outbox.settled.iter().rev().find(|s| s.id == attempt_id).and_then(|s| s.receipt.clone())
    }
}

/// `POST /v1/attempts` of the collector at `address` (absolute, or relative to the page).
fn submit_url(address: &str) -> Option<String> {
    let page = web_sys::window()?.location().href().ok()?;
    let base = web_sys::Url::new_with_base(address, &page).ok()?;
    web_sys::Url::new_with_base("v1/attempts", &base.href()).ok().map(|u| u.href())
}

fn read(contest: &str) -> Outbox {
    read_or_set_aside::<Outbox>(Stored::Outbox, contest, &mut Vec::new()).unwrap_or_default()
}

/// Stores `outbox` after merging in what another tab stored meanwhile.
fn write(contest: &str, outbox: &mut Outbox) {
    let stored = read(contest);
    if stored != *outbox {
        outbox.merge(stored);
    }
    if let Ok(store) = LocalStore::open() {
        // A full storage keeps the old outbox: the attempts are in the ledger, and start-up
        // catches up with the ledger.
        let _ = store.save(Stored::Outbox, contest, &*outbox);
    }
}

/// Puts finished attempts in the outbox (those of the ledger it does not know, finished since
/// this device began sending), and returns it.
fn enqueue<'a>(contest: &str, attempts: impl IntoIterator<Item = &'a Attempt>) -> Outbox {
    let mut outbox = read(contest);
    if outbox.since == 0 {
        outbox = Outbox::new(now_ms() - 1);
    }
    let changed = outbox.catch_up(attempts) > 0;
    if changed || read(contest).since == 0 {
        write(contest, &mut outbox);
    }
    outbox
}

/// One send: the collector's answer, or why there is none.
async fn post(url: &str, attempts: Vec<SubmittedAttempt>, contest: &str) -> Result<SubmitReply, SendFailure> {
    let body = BrowserJson::encode(&Submission { contest: contest.to_string(), attempts });
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    // text/plain is a "simple" request: no CORS preflight round trip from a phone.
    let headers = web_sys::Headers::new().map_err(|_| SendFailure::Network)?;
    let _ = headers.set("Content-Type", "text/plain;charset=UTF-8");
    init.set_headers(&headers);
    init.set_body(&body.into());
    init.set_cache(web_sys::RequestCache::NoStore);
    let window = web_sys::window().ok_or(SendFailure::Network)?;
    let request = web_sys::Request::new_with_str_and_init(url, &init).map_err(|_| SendFailure::Network)?;
    let response = JsFuture::from(window.fetch_with_request(&request)).await.map_err(|_| SendFailure::Network)?;
    let response: web_sys::Response = response.dyn_into().map_err(|_| SendFailure::Network)?;
    let text = match response.text() {
        Ok(p) => JsFuture::from(p).await.ok().and_then(|t| t.as_string()).unwrap_or_default(),
        Err(_) => String::new(),
    };
    if response.status() == 200 {
        return BrowserJson::decode::<SubmitReply>(&text).map_err(|_| SendFailure::Retry { retry_after_s: None });
    }
    let retry_after = response.headers().get("Retry-After").ok().flatten();
    let error = BrowserJson::decode::<ErrorBody>(&text).ok().map(|e| e.error);
    Err(SendFailure::of_status(response.status(), retry_after.as_deref(), error))
}

/// The body of the collector's error answers.
#[derive(serde::Deserialize)]
struct ErrorBody {
    error: String,
}

thread_local! {
    /// One send at a time per tab (two tabs may both send: the collector counts once).
    static SENDING: Cell<bool> = const { Cell::new(false) };
}

/// Sends what is due, batch after batch, until nothing is due or a send fails.
async fn flush(contest: String, address: String, on_change: Callback<Rc<Outbox>>) {
    if SENDING.with(|s| s.replace(true)) {
        return;
    }
    let Some(url) = submit_url(&address) else {
        SENDING.with(|s| s.set(false));
        return;
    };
    loop {
        let outbox = read(&contest);
        if !outbox.due(now_ms()) {
            on_change.emit(Rc::new(outbox));
            break;
        }
        // The attempts as the stored ledger holds them (this tab's or another's).
        let ledger: AttemptLedger = read_or_set_aside(Stored::Ledger, &contest, &mut Vec::new()).unwrap_or_default();
        let mut outbox = outbox;
        let batch = outbox.batch(&ledger.attempts);
        if batch.is_empty() {
            // Ids whose attempts the stored ledger does not have (it could not be saved):
            // nothing to send until it is.
            on_change.emit(Rc::new(outbox));
            break;
        }
        let ids: Vec<String> = batch.iter().map(|a| a.id.clone()).collect();
        let result = post(&url, batch, &contest).await;
        let mut outbox = read(&contest);
        let ok = result.is_ok();
        match result {
            Ok(reply) => outbox.settle(&reply, now_ms()),
            Err(failure) => outbox.failed(&ids, failure, now_ms(), js_sys::Math::random()),
        }
        write(&contest, &mut outbox);
        on_change.emit(Rc::new(outbox));
        if !ok {
            break;
        }
    }
    SENDING.with(|s| s.set(false));
}

/// Keeps the outbox moving for the open contest and gives the result screen its view:
/// a finished attempt is added (after the ledger has it) and sent; at start-up, on `online`
/// and every [`TICK_MS`] whatever is due is sent. `None` without a collector.
#[hook]
pub fn use_outbox(state: &UseReducerHandle<Device>) -> Option<OutboxView> {
    let address = state.loaded.contest.rules.collector.clone();
    let contest = state.loaded.contest.rules.id.clone();
    let view = use_state(|| None::<Rc<Outbox>>);
    let on_change = {
        let view = view.clone();
        use_callback((), move |outbox: Rc<Outbox>, _| view.set(Some(outbox)))
    };
    {
        // A new attempt in the ledger (this tab's round, or one recorded after a reload): into
        // the outbox, then sent.
        let (address, contest, on_change) = (address.clone(), contest.clone(), on_change.clone());
        let ledger = state.ledger.clone();
        use_effect_with(
            (Rc::as_ptr(&ledger) as usize, state.last.as_ref().map(|a| Rc::as_ptr(a) as usize)),
            move |_| {
                if let Some(address) = address {
                    let outbox = enqueue(&contest, ledger.attempts.iter().filter(|a| a.contest_id == contest));
                    on_change.emit(Rc::new(outbox));
                    wasm_bindgen_futures::spawn_local(flush(contest, address, on_change));
                }
            },
        );
    }
    {
        // Back online: send at once. And a timer for retries that fall due.
        let (address, contest) = (address.clone(), contest.clone());
        use_effect_with((), move |_| {
            let listeners = address.map(|address| {
                let window = web_sys::window().expect("a window");
                let online = {
                    let (address, contest, on_change) = (address.clone(), contest.clone(), on_change.clone());
                    gloo_events::EventListener::new(&window, "online", move |_| {
                        let mut outbox = read(&contest);
                        outbox.retry_now(now_ms());
                        write(&contest, &mut outbox);
                        wasm_bindgen_futures::spawn_local(flush(contest.clone(), address.clone(), on_change.clone()));
                    })
                };
                let timer = gloo_timers::callback::Interval::new(TICK_MS, move || {
                    if read(&contest).due(now_ms()) {
                        wasm_bindgen_futures::spawn_local(flush(contest.clone(), address.clone(), on_change.clone()));
                    }
                });
                (online, timer)
            });
            move || drop(listeners)
        });
    }
    address.as_ref()?;
    Some(OutboxView { outbox: (*view).clone().unwrap_or_default() })
}
