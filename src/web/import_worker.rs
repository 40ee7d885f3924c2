//! Spreadsheet and text-bank parsing in a Web Worker, so a 10,000-row file never freezes
//! the page and the parsers stay out of what citizens download.
//!
//! Protocol: the worker posts `"ready"` once its handler is set (a message sent before that
//! would be lost), then the page posts `{ name, bytes: ArrayBuffer }` and the worker answers
//! with a JSON string `{"ok": ImportReport}` or `{"error": {"zh": …, "en": …}}`.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::core::import::{import_file, ImportError, ImportReport};
use serde::{Deserialize, Serialize};

use crate::core::codec::{Json, SerdeJson};
use crate::core::Lang;

/// The worker side: called once when the worker starts.
pub fn run_worker() {
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
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

/// The worker's answer as it travels: `{"ok": ImportReport}` or `{"error": ImportError}`.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Answer {
    Ok(Box<ImportReport>),
    Error(ImportError),
}

/// What came back from the worker.
pub enum WorkerAnswer {
    Report(Box<ImportReport>),
    Error(String),
}

/// The page side: a started worker and the callback for its answers.
pub struct ImportWorker {
    worker: web_sys::Worker,
    /// `None` once the worker said it is ready; until then, the file waiting to be sent.
    waiting: Rc<RefCell<Option<Option<js_sys::Object>>>>,
    _onmessage: Closure<dyn Fn(web_sys::MessageEvent)>,
}

impl ImportWorker {
    pub fn start(script: &str, lang: Lang, on_answer: impl Fn(WorkerAnswer) + 'static) -> Result<ImportWorker, String> {
        let worker = web_sys::Worker::new(script).map_err(|e| format!("{e:?}"))?;
        let waiting: Rc<RefCell<Option<Option<js_sys::Object>>>> = Rc::new(RefCell::new(Some(None)));
        let (ready_worker, ready_waiting) = (worker.clone(), waiting.clone());
        let onmessage = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            let text = e.data().as_string().unwrap_or_default();
            if text == READY {
                if let Some(Some(message)) = ready_waiting.borrow_mut().take() {
                    let _ = send(&ready_worker, &message);
                }
                return;
            }
            on_answer(read_answer(&text, lang));
        });
        worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
        Ok(ImportWorker { worker, waiting, _onmessage: onmessage })
    }

    /// Sends a file to parse (or keeps it until the worker is ready).
    pub fn parse(&self, name: &str, bytes: &js_sys::ArrayBuffer) -> Result<(), String> {
        let message = js_sys::Object::new();
        js_sys::Reflect::set(&message, &"name".into(), &name.into()).map_err(|e| format!("{e:?}"))?;
        js_sys::Reflect::set(&message, &"bytes".into(), bytes).map_err(|e| format!("{e:?}"))?;
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

/// The worker's answer, read on the page.
fn read_answer(text: &str, lang: Lang) -> WorkerAnswer {
    match SerdeJson::decode::<Answer>(text) {
        Ok(Answer::Ok(report)) => WorkerAnswer::Report(report),
        Ok(Answer::Error(e)) => WorkerAnswer::Error(e.message(lang)),
        Err(e) => WorkerAnswer::Error(e.message(lang)),
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
