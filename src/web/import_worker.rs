//! Spreadsheet and text-bank parsing in a Web Worker, so a 10,000-row file never freezes
//! the page and the parsers stay out of what citizens download.
//!
//! Protocol: the worker posts `"ready"` once its handler is set (a message sent before that
//! would be lost), then the page posts `{ name, bytes: ArrayBuffer }` and the worker answers
//! with a JSON string `{"ok": ImportReport}`, `{"error": ImportError}`, or, when it panics,
//! `{"crashed": "…"}` just before it stops.
//!
//! Every way a worker can fail reaches the page as a [`WorkerFailure`]: a panic (its message),
//! an `error` event (a trap, running out of memory, a script that would not load), a message
//! it could not read, or no answer within [`TIME_LIMIT_MS`]. The page then says so and starts a
//! new worker; a worker that failed is never asked again.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::core::import::{import_file, ImportError, ImportReport};
use serde::{Deserialize, Serialize};

use crate::core::codec::{Json, SerdeJson};
use crate::core::Lang;

/// How long a file may take before the worker is given up on: a 20 MB file of a million rows
/// takes about 20 s here; a phone may be several times slower.
pub const TIME_LIMIT_MS: u32 = 180_000;

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
        let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
        let _ = scope.post_message(&JsValue::from_str(&SerdeJson::encode(&Answer::Crashed(why))));
    }));
    let reply_scope = scope.clone();
    let onmessage = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
        let data = e.data();
        let name = js_sys::Reflect::get(&data, &"name".into()).ok().and_then(|n| n.as_string()).unwrap_or_default();
        let bytes = js_sys::Reflect::get(&data, &"bytes".into())
            .map(|b| js_sys::Uint8Array::new(&b).to_vec())
            .unwrap_or_default();
        let answer = match import_file(&name, &bytes) {
            Ok(report) => Answer::Ok(Box::new(report)),
            Err(e) => Answer::Error(e),
        };
        let _ = reply_scope.post_message(&JsValue::from_str(&SerdeJson::encode(&answer)));
    });
    scope.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
    let _ = scope.post_message(&JsValue::from_str(READY));
}

const READY: &str = "ready";

/// The worker's answer as it travels: `{"ok": ImportReport}`, `{"error": ImportError}` or
/// `{"crashed": "…"}`.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Answer {
    Ok(Box<ImportReport>),
    Error(ImportError),
    /// The worker panicked, with the panic's message; it stops right after.
    Crashed(String),
}

/// What came back from the worker about a file.
pub enum WorkerAnswer {
    Report(Box<ImportReport>),
    Error(String),
    /// The worker failed on the file named; it has been given up on.
    Failed {
        file: String,
        failure: WorkerFailure,
    },
}

/// How a worker failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WorkerFailure {
    /// A panic, a trap, running out of memory, or a script that would not load; the detail the
    /// browser or the panic gave, if any.
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

/// The page side: a started worker and the callback for its answers. Once it has failed it
/// answers nothing more; start a new one.
pub struct ImportWorker {
    worker: web_sys::Worker,
    /// `None` once the worker said it is ready; until then, the file waiting to be sent.
    waiting: Rc<RefCell<Option<Option<js_sys::Object>>>>,
    /// The file being read, if any: an answer or failure is about it, and only one of them
    /// counts (a panic is followed by an `error` event).
    in_flight: Rc<RefCell<Option<String>>>,
    /// Gives up on the file in flight after [`TIME_LIMIT_MS`].
    deadline: Rc<RefCell<Option<gloo_timers::callback::Timeout>>>,
    /// Set when the worker failed with no file in flight (a script that would not load).
    broken: Rc<RefCell<Option<WorkerFailure>>>,
    lang: Lang,
    on_answer: Rc<dyn Fn(WorkerAnswer)>,
    _onmessage: Closure<dyn Fn(web_sys::MessageEvent)>,
    _onerror: Closure<dyn Fn(web_sys::Event)>,
}

impl ImportWorker {
    pub fn start(script: &str, lang: Lang, on_answer: impl Fn(WorkerAnswer) + 'static) -> Result<ImportWorker, String> {
        let worker = web_sys::Worker::new(script).map_err(|e| format!("{e:?}"))?;
        let waiting: Rc<RefCell<Option<Option<js_sys::Object>>>> = Rc::new(RefCell::new(Some(None)));
        let in_flight: Rc<RefCell<Option<String>>> = Rc::default();
        let broken: Rc<RefCell<Option<WorkerFailure>>> = Rc::default();
        let deadline: Rc<RefCell<Option<gloo_timers::callback::Timeout>>> = Rc::default();
        let on_answer: Rc<dyn Fn(WorkerAnswer)> = Rc::new(on_answer);
        // The file in flight is done with: its deadline goes, and it is answered only once.
        let finish = {
            let (in_flight, deadline, on_answer) = (in_flight.clone(), deadline.clone(), on_answer.clone());
            move |answer: Box<dyn FnOnce(String) -> WorkerAnswer>| {
                deadline.borrow_mut().take();
                let file = in_flight.borrow_mut().take();
                if let Some(file) = file {
                    on_answer(answer(file));
                }
            }
        };
        let (ready_worker, ready_waiting, finish_message) = (worker.clone(), waiting.clone(), finish.clone());
        let onmessage = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            let text = e.data().as_string().unwrap_or_default();
            if text == READY {
                if let Some(Some(message)) = ready_waiting.borrow_mut().take() {
                    let _ = send(&ready_worker, &message);
                }
                return;
            }
            let answer = read_answer(&text, lang);
            finish_message(Box::new(move |file| match answer {
                Ok(answer) => answer,
                Err(failure) => WorkerAnswer::Failed { file, failure },
            }));
        });
        // An error event (a trap, out of memory, a script that failed to load) or a message
        // that cannot be read: the worker is of no more use.
        let (broken_here, in_flight_here) = (broken.clone(), in_flight.clone());
        let onerror = Closure::<dyn Fn(web_sys::Event)>::new(move |e: web_sys::Event| {
            e.prevent_default();
            let detail = e.dyn_ref::<web_sys::ErrorEvent>().map(|e| e.message()).unwrap_or_default();
            let failure = WorkerFailure::Crashed(detail);
            if in_flight_here.borrow().is_none() {
                *broken_here.borrow_mut() = Some(failure.clone());
            }
            finish(Box::new(move |file| WorkerAnswer::Failed { file, failure }));
        });
        worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
        worker.set_onerror(Some(onerror.as_ref().unchecked_ref()));
        worker.set_onmessageerror(Some(onerror.as_ref().unchecked_ref()));
        Ok(ImportWorker {
            worker,
            waiting,
            in_flight,
            deadline,
            broken,
            lang,
            on_answer,
            _onmessage: onmessage,
            _onerror: onerror,
        })
    }

    /// Sends a file to parse (or keeps it until the worker is ready); gives up on it after
    /// [`TIME_LIMIT_MS`].
    pub fn parse(&self, name: &str, bytes: &js_sys::ArrayBuffer) -> Result<(), String> {
        if let Some(failure) = self.broken.borrow().as_ref() {
            return Err(failure.message(name, self.lang));
        }
        let message = js_sys::Object::new();
        js_sys::Reflect::set(&message, &"name".into(), &name.into()).map_err(|e| format!("{e:?}"))?;
        js_sys::Reflect::set(&message, &"bytes".into(), bytes).map_err(|e| format!("{e:?}"))?;
        *self.in_flight.borrow_mut() = Some(name.to_string());
        let (in_flight, on_answer) = (self.in_flight.clone(), self.on_answer.clone());
        *self.deadline.borrow_mut() = Some(gloo_timers::callback::Timeout::new(TIME_LIMIT_MS, move || {
            let file = in_flight.borrow_mut().take();
            if let Some(file) = file {
                on_answer(WorkerAnswer::Failed { file, failure: WorkerFailure::TimedOut });
            }
        }));
        let mut waiting = self.waiting.borrow_mut();
        match waiting.as_mut() {
            Some(slot) => {
                *slot = Some(message);
                Ok(())
            }
            None => send(&self.worker, &message),
        }
    }
}

/// The worker's answer, read on the page; a panic's last word is a failure.
fn read_answer(text: &str, lang: Lang) -> Result<WorkerAnswer, WorkerFailure> {
    match SerdeJson::decode::<Answer>(text) {
        Ok(Answer::Ok(report)) => Ok(WorkerAnswer::Report(report)),
        Ok(Answer::Error(e)) => Ok(WorkerAnswer::Error(e.message(lang))),
        Ok(Answer::Crashed(why)) => Err(WorkerFailure::Crashed(why)),
        Err(e) => Err(WorkerFailure::Crashed(e.message(lang))),
    }
}

fn send(worker: &web_sys::Worker, message: &js_sys::Object) -> Result<(), String> {
    let bytes = js_sys::Reflect::get(message, &"bytes".into()).map_err(|e| format!("{e:?}"))?;
    worker.post_message_with_transfer(message, &js_sys::Array::of1(&bytes)).map_err(|e| format!("{e:?}"))
}

impl Drop for ImportWorker {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}
