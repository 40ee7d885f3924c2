//! Reading aloud (朗读) in zh-CN through the browser's `speechSynthesis`: whether this device
//! has a Chinese voice, and reading a list of texts one after another.

use std::cell::{Cell, RefCell};

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{SpeechSynthesis, SpeechSynthesisUtterance};
use yew::prelude::*;

/// Whether this device can read Chinese aloud.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Voice {
    /// The voices have not loaded yet (browsers load them late).
    Checking,
    Chinese,
    /// No speech synthesis, or no Chinese voice among its voices.
    Missing,
}

/// The device's speech synthesis; `None` where the browser has none. Read as a property so a
/// browser without it is told, not a failed call.
fn synth() -> Option<SpeechSynthesis> {
    let window = web_sys::window()?;
    let found = js_sys::Reflect::get(&window, &JsValue::from_str("speechSynthesis")).ok()?;
    let utterance = js_sys::Reflect::get(&window, &JsValue::from_str("SpeechSynthesisUtterance")).ok()?;
    (found.is_object() && utterance.is_function()).then(|| found.unchecked_into())
}

/// `Some(true)` when a voice speaks Chinese (`zh-CN`, `zh_TW`, `cmn-…`, `yue-…`), `Some(false)`
/// when voices are listed but none does, `None` while the list is empty (not loaded yet).
fn chinese_listed(synth: &SpeechSynthesis) -> Option<bool> {
    let voices = synth.get_voices();
    if voices.length() == 0 {
        return None;
    }
    Some(voices.iter().any(|v| {
        let lang = js_sys::Reflect::get(&v, &JsValue::from_str("lang")).ok().and_then(|l| l.as_string());
        lang.is_some_and(|l| {
            let l = l.to_ascii_lowercase();
            ["zh", "cmn", "yue"].iter().any(|p| l.starts_with(p))
        })
    }))
}

thread_local! {
    static VOICE: Cell<Voice> = const { Cell::new(Voice::Checking) };
    /// What is read now: its utterances (their handlers are cleared when it is cut short) and
    /// what to tell when it ends.
    static READING: RefCell<Option<Reading>> = const { RefCell::new(None) };
}

struct Reading {
    utterances: Vec<SpeechSynthesisUtterance>,
    _handlers: Vec<Closure<dyn FnMut()>>,
    on_end: Option<Callback<()>>,
}

/// What is known now about this device's voices (asked of the browser until it is known).
fn voice_now() -> Voice {
    let known = VOICE.with(Cell::get);
    if known != Voice::Checking {
        return known;
    }
    let found = match synth() {
        None => Voice::Missing,
        Some(s) => match chinese_listed(&s) {
            Some(true) => Voice::Chinese,
            Some(false) => Voice::Missing,
            None => Voice::Checking,
        },
    };
    VOICE.with(|v| v.set(found));
    found
}

/// Whether this device can read Chinese aloud. Voices often load after the page: while the
/// list is empty the answer waits for the browser's `voiceschanged` (once), or 3 s at most.
#[hook]
pub fn use_voice() -> Voice {
    let voice = use_state(voice_now);
    {
        let voice = voice.clone();
        use_effect_with((), move |_| {
            let mut timeout = None;
            if *voice == Voice::Checking {
                if let Some(s) = synth() {
                    let on_change = voice.clone();
                    let listener =
                        gloo_events::EventListener::once(&s, "voiceschanged", move |_| on_change.set(voice_now()));
                    // Some browsers never say; then an empty list means no voice to read with.
                    timeout = Some(gloo_timers::callback::Timeout::new(3_000, move || {
                        drop(listener);
                        if voice_now() == Voice::Checking {
                            VOICE.with(|v| v.set(Voice::Missing));
                        }
                        voice.set(voice_now());
                    }));
                }
            }
            move || drop(timeout)
        });
    }
    *voice
}

/// Stops what is being read (its `on_end` is told), if anything.
pub fn stop() {
    let cut = READING.with(|r| r.borrow_mut().take());
    if let Some(reading) = cut {
        for u in &reading.utterances {
            u.set_onstart(None);
            u.set_onend(None);
            u.set_onerror(None);
        }
        if let Some(s) = synth() {
            s.cancel();
        }
        if let Some(on_end) = reading.on_end {
            on_end.emit(());
        }
    }
}

/// Reads `parts` aloud in zh-CN one after another, after stopping whatever was being read.
/// `on_start` is told when the device starts speaking, `on_end` when it has finished, failed
/// or been stopped. Returns false where the device cannot speak.
pub fn speak(parts: &[String], on_start: Option<Callback<()>>, on_end: Option<Callback<()>>) -> bool {
    stop();
    let Some(s) = synth() else { return false };
    let mut utterances = Vec::with_capacity(parts.len());
    let mut handlers = Vec::new();
    let last = parts.len().saturating_sub(1);
    for (i, text) in parts.iter().enumerate() {
        let Ok(u) = SpeechSynthesisUtterance::new_with_text(text) else { return false };
        u.set_lang("zh-CN");
        // A little slower than the default: easier to follow for older listeners.
        u.set_rate(0.9);
        if let (0, Some(cb)) = (i, on_start.clone()) {
            let handler = Closure::<dyn FnMut()>::new(move || cb.emit(()));
            u.set_onstart(Some(handler.as_ref().unchecked_ref()));
            handlers.push(handler);
        }
        if i == last {
            // The reading (and this handler) stays until the next one replaces it; only what
            // to tell is taken, so it is told once.
            let handler = Closure::<dyn FnMut()>::new(|| {
                let on_end = READING.with(|r| r.borrow_mut().as_mut().and_then(|r| r.on_end.take()));
                if let Some(cb) = on_end {
                    cb.emit(());
                }
            });
            u.set_onend(Some(handler.as_ref().unchecked_ref()));
            u.set_onerror(Some(handler.as_ref().unchecked_ref()));
            handlers.push(handler);
        }
        utterances.push(u);
    }
    for u in &utterances {
        s.speak(u);
    }
    READING.with(|r| *r.borrow_mut() = Some(Reading { utterances, _handlers: handlers, on_end }));
    true
}
