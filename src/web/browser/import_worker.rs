//! The organizer's heavy file work in a Web Worker: question banks parsed, and results files
//! read, checked and chunked, so that no file freezes the page, and the parsers stay out of
//! what citizens download.
//!
//! Protocol: the worker posts `"ready"` once its handler is set (a message sent before that
//! would be lost). The page then posts one [`Request`] at a time, as JSON text in `request`
//! with the file's bytes, if any, transferred in `bytes`; the worker answers `{ answer }`, an
//! [`Answer`] as JSON text, with the stored chunks of a results file beside it as separate
//! strings in `chunks` (so the page reads them one task at a time, never as one long text).
//! What crosses to the page is bounded: an import's report comes as an [`ImportSummary`] (its
//! grouped lines, at most 100 of each kind); its questions stay in the worker until they are
//! saved.
//!
//! Every way the worker can fail reaches the waiting request as a [`WorkerFailure`]: a panic
//! (its message, posted by a panic hook just before the worker stops), an `error` event (a
//! trap, running out of memory, a script that would not load), a message it could not read, or
//! no answer within [`TIME_LIMIT_MS`]. The failed worker is then stopped and a new one started.

use crate::core::Message;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::core::exchange::ledger_file::{read_and_check, CheckSpec, CheckedFile, LedgerFileError};
use crate::core::formats::codec::{Json, SerdeJson};
use crate::core::import::summary::ImportSummary;
use crate::core::import::{import_file, ImportError, ImportReport};
use crate::core::storage::organizer::SavedBank;
use crate::core::Lang;

/// How long a request may take before the worker is given up on: a 20 MB file of a million
/// rows takes about 20 s here; a phone may be several times slower.
pub const TIME_LIMIT_MS: u32 = 180_000;

const READY: &str = "ready";

/// What the page asks of the worker.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Request {
    /// Parse the bank file in `bytes`; the report stays in the worker, its lines are sent in
    /// `lang`.
    Import { name: String, lang: Lang },
    /// Make a saved bank of the last report's questions.
    Save { id: String, title: String, saved_at: i64 },
    /// Read and check the results file in `bytes`.
    Results { name: String, spec: Box<CheckSpec> },
}

/// The worker's answer as it travels.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Answer {
    /// The import's report, grouped and bounded.
    Ok(Box<ImportSummary>),
    Error(ImportError),
    Saved(Box<SavedBank>),
    /// The questions could not be made a bank (the message in both languages).
    NotSaved {
        zh: String,
        en: String,
    },
    /// A results file read and checked; its chunks travel beside this answer.
    Checked {
        refused: Vec<(String, crate::core::exchange::ledger_file::Implausible)>,
        #[serde(default)]
        receipts: crate::core::exchange::receipts::ReceiptTally,
    },
    NotMerged(LedgerFileError),
    /// The worker panicked, with the panic's message; it stops right after.
    Crashed(String),
}

thread_local! {
    /// The last import's report, kept in the worker until its questions are saved.
    static LAST_REPORT: RefCell<Option<ImportReport>> = const { RefCell::new(None) };
}

fn post(scope: &web_sys::DedicatedWorkerGlobalScope, answer: &Answer, chunks: Option<Vec<String>>) {
    let message = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&message, &"answer".into(), &SerdeJson::encode(answer).into());
    if let Some(chunks) = chunks {
        let list: js_sys::Array = chunks.into_iter().map(JsValue::from).collect();
        let _ = js_sys::Reflect::set(&message, &"chunks".into(), &list);
    }
    let _ = scope.post_message(&message);
}

fn answer(request: Request, bytes: Vec<u8>) -> (Answer, Option<Vec<String>>) {
    match request {
        Request::Import { name, lang } => match import_file(&name, &bytes) {
            Ok(report) => {
                let summary = ImportSummary::of(&report, lang);
                LAST_REPORT.with(|last| *last.borrow_mut() = Some(report));
                (Answer::Ok(Box::new(summary)), None)
            }
            Err(e) => (Answer::Error(e), None),
        },
        Request::Save { id, title, saved_at } => {
            let saved = LAST_REPORT.with(|last| {
                let last = last.borrow();
                let report =
                    last.as_ref().ok_or_else(|| ("没有可保存的导入结果".to_string(), "nothing to save".to_string()))?;
                report
                    .to_bank(&id, &title)
                    .map(|bank| SavedBank::new(&bank, &report.file_name, saved_at))
                    .map_err(|e| (e.message(Lang::Zh), e.message(Lang::En)))
            });
            match saved {
                Ok(saved) => (Answer::Saved(Box::new(saved)), None),
                Err((zh, en)) => (Answer::NotSaved { zh, en }, None),
            }
        }
        Request::Results { spec, .. } => {
            let text = String::from_utf8_lossy(&bytes);
            match read_and_check(&text, &spec) {
                Ok(CheckedFile { chunks, refused, receipts }) => (Answer::Checked { refused, receipts }, Some(chunks)),
                Err(e) => (Answer::NotMerged(e), None),
            }
        }
    }
}

/// The worker side: called once when the worker starts.
pub fn run_worker() {
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    // A panic is told to the page before the worker stops (with `panic = "abort"` it stops
    // right after this hook).
    std::panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let why = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        post(&js_sys::global().unchecked_into(), &Answer::Crashed(why), None);
    }));
    let reply_scope = scope.clone();
    let onmessage = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
        let data = e.data();
        let request =
            js_sys::Reflect::get(&data, &"request".into()).ok().and_then(|r| r.as_string()).unwrap_or_default();
        let bytes = js_sys::Reflect::get(&data, &"bytes".into())
            .ok()
            .filter(|b| !b.is_undefined())
            .map(|b| js_sys::Uint8Array::new(&b).to_vec())
            .unwrap_or_default();
        let (answer, chunks) = match SerdeJson::decode::<Request>(&request) {
            Ok(request) => answer(request, bytes),
            Err(e) => (Answer::Crashed(e.message(Lang::En)), None),
        };
        post(&reply_scope, &answer, chunks);
    });
    scope.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
    let _ = scope.post_message(&JsValue::from_str(READY));
}

/// How a worker failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WorkerFailure {
    /// A panic, a trap, running out of memory, a message it could not read or a script that
    /// would not load; the detail the browser or the panic gave, if any.
    Crashed(String),
    /// No answer within [`TIME_LIMIT_MS`].
    TimedOut,
}

impl WorkerFailure {
    pub fn message(&self, file: &str, lang: Lang) -> String {
        let seconds = TIME_LIMIT_MS / 1000;
        match (self, lang) {
            (WorkerFailure::Crashed(detail), Lang::Zh) => format!(
                "{file}：导入程序读取这个文件时出错{}，已重新启动。文件可能已损坏或结构异常：请检查，或在 Excel / WPS 中另存为新的 .xlsx 或 CSV 后再导入。",
                if detail.is_empty() { String::new() } else { format!("（{detail}）") }
            ),
            (WorkerFailure::Crashed(detail), Lang::En) => format!(
                "{file}: the importer failed on this file{}; it has been restarted. The file may be damaged or unusually built: check it, or save it again as a new .xlsx or CSV in Excel or WPS and import that.",
                if detail.is_empty() { String::new() } else { format!(" ({detail})") }
            ),
            (WorkerFailure::TimedOut, Lang::Zh) => format!(
                "{file}：{seconds} 秒内没有读完，已停止并重新启动导入程序。文件可能太大或结构异常，可以拆成几个较小的文件再导入。"
            ),
            (WorkerFailure::TimedOut, Lang::En) => format!(
                "{file}: not read within {seconds} s; the importer was stopped and restarted. The file may be too large or unusually built; try importing it in smaller parts."
            ),
        }
    }
}

/// What the page gets back about a bank file.
pub enum Imported {
    Report(Box<ImportSummary>),
    Refused(String),
}

/// What the page gets back about a results file.
pub enum Checked {
    /// The stored chunks of the records that can be true (JavaScript strings, read into the wasm
    /// one at a time by the caller), and those refused.
    Records {
        chunks: Vec<JsValue>,
        refused: Vec<(String, crate::core::exchange::ledger_file::Implausible)>,
        /// The receipts of the records kept, checked with the spec's key.
        receipts: crate::core::exchange::receipts::ReceiptTally,
    },
    Refused(String),
}

/// A request waiting for its answer: `resolve` gets the worker's message, or a failure.
struct Pending {
    message: js_sys::Object,
    transfer: js_sys::Array,
    resolve: js_sys::Function,
}

#[derive(Default)]
struct Queue {
    ready: bool,
    waiting: VecDeque<Pending>,
    in_flight: Option<Pending>,
    deadline: Option<gloo_timers::callback::Timeout>,
    /// The worker failed; everything asked of it since fails the same way.
    failed: Option<WorkerFailure>,
}

/// The page side: the one worker of the organizer's page, asked one request at a time.
pub struct ImportWorker {
    worker: web_sys::Worker,
    queue: Rc<RefCell<Queue>>,
    lang: Lang,
    _onmessage: Closure<dyn Fn(web_sys::MessageEvent)>,
    _onerror: Closure<dyn Fn(web_sys::Event)>,
}

thread_local! {
    static SHARED: RefCell<Option<Rc<ImportWorker>>> = const { RefCell::new(None) };
}

const SCRIPT: &str = "./import-worker_loader.js";

/// A failure as the waiting request receives it.
fn failure_value(failure: &WorkerFailure) -> JsValue {
    let value = js_sys::Object::new();
    let (kind, detail) = match failure {
        WorkerFailure::Crashed(detail) => ("crashed", detail.as_str()),
        WorkerFailure::TimedOut => ("timeout", ""),
    };
    let _ = js_sys::Reflect::set(&value, &"failed".into(), &kind.into());
    let _ = js_sys::Reflect::set(&value, &"detail".into(), &detail.into());
    value.into()
}

impl ImportWorker {
    /// The worker, started on first use, and again after a failure.
    pub fn shared(lang: Lang) -> Result<Rc<ImportWorker>, String> {
        if let Some(worker) = SHARED.with(|s| s.borrow().clone()) {
            return Ok(worker);
        }
        let worker = Rc::new(ImportWorker::start(lang)?);
        SHARED.with(|s| *s.borrow_mut() = Some(worker.clone()));
        Ok(worker)
    }

    fn start(lang: Lang) -> Result<ImportWorker, String> {
        let worker = web_sys::Worker::new(SCRIPT).map_err(|e| crate::web::browser::fetch::js_reason(&e))?;
        let queue: Rc<RefCell<Queue>> = Rc::default();
        let (on_message_queue, on_message_worker) = (queue.clone(), worker.clone());
        let onmessage = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            let data = e.data();
            if data.as_string().as_deref() == Some(READY) {
                on_message_queue.borrow_mut().ready = true;
                send_next(&on_message_queue, &on_message_worker, lang);
                return;
            }
            let text = js_sys::Reflect::get(&data, &"answer".into()).ok().and_then(|a| a.as_string());
            // A panic's last word is a failure like an error event.
            if let Some(Answer::Crashed(why)) = text.as_deref().and_then(|t| SerdeJson::decode::<Answer>(t).ok()) {
                fail(&on_message_queue, WorkerFailure::Crashed(why), lang);
                return;
            }
            let done = {
                let mut q = on_message_queue.borrow_mut();
                q.deadline.take();
                q.in_flight.take()
            };
            if let Some(done) = done {
                let _ = done.resolve.call1(&JsValue::NULL, &data);
            }
            send_next(&on_message_queue, &on_message_worker, lang);
        });
        // An error event (a trap, out of memory, a script that failed to load) or a message
        // that cannot be read: the worker is of no more use.
        let on_error_queue = queue.clone();
        let onerror = Closure::<dyn Fn(web_sys::Event)>::new(move |e: web_sys::Event| {
            e.prevent_default();
            let detail = e.dyn_ref::<web_sys::ErrorEvent>().map(|e| e.message()).unwrap_or_default();
            fail(&on_error_queue, WorkerFailure::Crashed(detail), lang);
        });
        worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
        worker.set_onerror(Some(onerror.as_ref().unchecked_ref()));
        worker.set_onmessageerror(Some(onerror.as_ref().unchecked_ref()));
        Ok(ImportWorker { worker, queue, lang, _onmessage: onmessage, _onerror: onerror })
    }

    /// Sends a request (after those before it) and waits for the worker's message.
    async fn ask(&self, request: &Request, bytes: Option<js_sys::ArrayBuffer>) -> Result<JsValue, WorkerFailure> {
        let message = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&message, &"request".into(), &SerdeJson::encode(request).into());
        let transfer = js_sys::Array::new();
        if let Some(bytes) = bytes {
            let _ = js_sys::Reflect::set(&message, &"bytes".into(), &bytes);
            transfer.push(&bytes);
        }
        let mut pending = Some((message, transfer));
        let queue = self.queue.clone();
        let promise = js_sys::Promise::new(&mut |resolve, _reject| {
            let (message, transfer) = pending.take().expect("called once");
            let mut q = queue.borrow_mut();
            match &q.failed {
                Some(failure) => {
                    let _ = resolve.call1(&JsValue::NULL, &failure_value(failure));
                }
                None => q.waiting.push_back(Pending { message, transfer, resolve }),
            }
        });
        send_next(&self.queue, &self.worker, self.lang);
        let value = wasm_bindgen_futures::JsFuture::from(promise).await.unwrap_or(JsValue::NULL);
        match js_sys::Reflect::get(&value, &"failed".into()).ok().and_then(|f| f.as_string()).as_deref() {
            Some("timeout") => Err(WorkerFailure::TimedOut),
            Some(_) => Err(WorkerFailure::Crashed(
                js_sys::Reflect::get(&value, &"detail".into()).ok().and_then(|d| d.as_string()).unwrap_or_default(),
            )),
            None => Ok(value),
        }
    }

    fn answer_of(value: &JsValue) -> Result<Answer, WorkerFailure> {
        let text = js_sys::Reflect::get(value, &"answer".into()).ok().and_then(|a| a.as_string()).unwrap_or_default();
        SerdeJson::decode::<Answer>(&text).map_err(|e| WorkerFailure::Crashed(e.message(Lang::En)))
    }

    /// Parses a bank file; its questions stay in the worker until [`ImportWorker::save`].
    pub async fn import(&self, name: &str, bytes: js_sys::ArrayBuffer) -> Result<Imported, WorkerFailure> {
        let value = self.ask(&Request::Import { name: name.to_string(), lang: self.lang }, Some(bytes)).await?;
        Ok(match ImportWorker::answer_of(&value)? {
            Answer::Ok(summary) => Imported::Report(summary),
            Answer::Error(e) => Imported::Refused(e.message(self.lang)),
            _ => Imported::Refused(String::new()),
        })
    }

    /// The last import's questions as a bank to save, or why not.
    pub async fn save(&self, id: &str, title: &str, saved_at: i64) -> Result<Result<SavedBank, String>, WorkerFailure> {
        let request = Request::Save { id: id.to_string(), title: title.to_string(), saved_at };
        let value = self.ask(&request, None).await?;
        Ok(match ImportWorker::answer_of(&value)? {
            Answer::Saved(saved) => Ok(*saved),
            Answer::NotSaved { zh, en } => Err(self.lang.pick(&zh, &en).to_string()),
            _ => Err(String::new()),
        })
    }

    /// Reads and checks a results file.
    pub async fn results(
        &self,
        name: &str,
        bytes: js_sys::ArrayBuffer,
        spec: CheckSpec,
    ) -> Result<Checked, WorkerFailure> {
        let request = Request::Results { name: name.to_string(), spec: Box::new(spec) };
        let value = self.ask(&request, Some(bytes)).await?;
        Ok(match ImportWorker::answer_of(&value)? {
            Answer::Checked { refused, receipts } => {
                let chunks = js_sys::Reflect::get(&value, &"chunks".into())
                    .ok()
                    .map(|c| js_sys::Array::from(&c).iter().collect())
                    .unwrap_or_default();
                Checked::Records { chunks, refused, receipts }
            }
            Answer::NotMerged(e) => Checked::Refused(e.message(self.lang)),
            _ => Checked::Refused(String::new()),
        })
    }
}

/// Sends the next waiting request when the worker is ready and idle, with its deadline.
fn send_next(queue: &Rc<RefCell<Queue>>, worker: &web_sys::Worker, lang: Lang) {
    let mut q = queue.borrow_mut();
    if !q.ready || q.in_flight.is_some() || q.failed.is_some() {
        return;
    }
    let Some(next) = q.waiting.pop_front() else { return };
    if let Err(e) = worker.post_message_with_transfer(&next.message, &next.transfer) {
        let detail = crate::web::browser::storage::js_error_name(&e);
        q.waiting.push_front(next);
        drop(q);
        fail(queue, WorkerFailure::Crashed(detail), lang);
        return;
    }
    q.in_flight = Some(next);
    let deadline_queue = queue.clone();
    q.deadline = Some(gloo_timers::callback::Timeout::new(TIME_LIMIT_MS, move || {
        fail(&deadline_queue, WorkerFailure::TimedOut, lang)
    }));
}

/// The worker failed: every request waiting on it gets the failure, and a new worker is
/// started for the next ones (later, as this may run inside the failed worker's own handler).
fn fail(queue: &Rc<RefCell<Queue>>, failure: WorkerFailure, lang: Lang) {
    let (pending, deadline) = {
        let mut q = queue.borrow_mut();
        if q.failed.is_some() {
            return; // a panic is followed by an error event: the first one counts
        }
        q.failed = Some(failure.clone());
        let pending: Vec<Pending> = q.in_flight.take().into_iter().chain(q.waiting.drain(..)).collect();
        (pending, q.deadline.take())
    };
    for p in pending {
        let _ = p.resolve.call1(&JsValue::NULL, &failure_value(&failure));
    }
    // Later: this may run inside the deadline's own callback, or the failed worker's handler,
    // neither of which may be dropped while it runs.
    gloo_timers::callback::Timeout::new(0, move || {
        drop(deadline);
        SHARED.with(|s| s.borrow_mut().take());
        let _ = ImportWorker::shared(lang);
    })
    .forget();
}

impl Drop for ImportWorker {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}
