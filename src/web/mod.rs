//! The Yew front end: thin components over `crate::core`.

pub mod app;
pub mod browser;
pub mod certificate;
pub mod organizer;
mod pages;

/// Runs `work` as a User Timing measure named `name` (`performance.measure`), which
/// bench/load.mjs reads to report how long start-up spends reading the contest and the bank.
pub fn timed<T>(name: &str, work: impl FnOnce() -> T) -> T {
    let measure = Measure::start(name);
    let out = work();
    measure.end();
    out
}

/// A User Timing measure begun with a mark, for work that spans several tasks.
pub struct Measure {
    name: String,
    performance: Option<web_sys::Performance>,
}

impl Measure {
    pub fn start(name: &str) -> Measure {
        let performance = web_sys::window().and_then(|w| w.performance());
        if let Some(p) = &performance {
            let _ = p.mark(&format!("{name}:start"));
        }
        Measure { name: name.to_string(), performance }
    }

    /// Records the measure from the start mark to now.
    pub fn end(self) {
        if let Some(p) = self.performance {
            let _ = p.measure_with_start_mark(&self.name, &format!("{}:start", self.name));
        }
    }
}

/// Milliseconds since the Unix epoch: the device clock when the page first asks, then advanced
/// by the browser's monotonic clock (`core::model::clock::PageClock`), so a clock moved back while
/// the page is open changes nothing.
pub fn now_ms() -> i64 {
    thread_local! {
        static CLOCK: std::cell::Cell<crate::core::model::clock::PageClock> = Default::default();
    }
    let mono = web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now());
    CLOCK.with(|c| {
        let mut clock = c.get();
        let now = clock.now(js_sys::Date::now() as i64, mono);
        c.set(clock);
        now
    })
}

/// 64 random bits from the browser, e.g. for the id of a person registering without a phone.
pub fn random_u64() -> u64 {
    let half = || (js_sys::Math::random() * 4_294_967_296.0) as u64;
    (half() << 32) | half()
}

/// Unicode NFKC by the browser's own `String.prototype.normalize` (see `participant::Nfkc`).
pub fn nfkc(text: &str) -> String {
    js_sys::JsString::from(text).normalize("NFKC").into()
}

/// A seed for drawing a round: the clock mixed with the browser's randomness.
pub fn fresh_seed() -> u64 {
    let r = (js_sys::Math::random() * u32::MAX as f64) as u64;
    (r << 32) ^ now_ms() as u64
}
