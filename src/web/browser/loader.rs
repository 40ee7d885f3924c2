//! Loading a contest for either app: the package named by `?contest=` (or the default),
//! its bank, and what the organizer changed on this device (a saved bank, edited rules).

use wasm_bindgen::JsCast;

use crate::core::formats::codec::Json;
use crate::core::model::bank::{Bank, BankError, Explanations, RawBank, BANK_FORMAT, BANK_VERSION};
use crate::core::model::contest::{BankSource, Contest, ContestError};
use crate::core::model::region::RegionTable;
pub use crate::core::storage::loaded::Loaded;
use crate::core::storage::organizer::{ContestSetup, SavedBank};
use crate::core::storage::persist::{Prefs, Stored};
use crate::core::{Lang, Message, Notice};
use std::rc::Rc;

use super::fetch::{fetch_text, resolve, FetchError, PendingFetch};
use super::json::{self, Browser, BrowserJson};
use super::storage::read_or_set_aside;

pub const DEFAULT_CONTEST: &str = "questions/contest.json";
/// The bank the default contest names (fetched together with it).
const DEFAULT_BANK: &str = "questions/default-bank.json";
/// The whole region table (the organizer's statistics; phones read the split files).
pub const REGIONS_FILE: &str = "questions/regions.json";

/// A region file at `path` (relative to `base`), or why not, naming the file.
pub async fn load_regions(path: &str, base: &str) -> Result<RegionTable, Notice> {
    let failed = |e: &dyn Message| Notice::each(|lang| format!("{path}: {}", e.message(lang)));
    let url = resolve(path, base).map_err(|e| failed(&e))?;
    let text = fetch_text(&url).await.map_err(|e| failed(&e))?;
    RegionTable::read::<BrowserJson>(&text).map_err(|e| failed(&e))
}

/// Questions read between two yields to the browser when a bank is read in slices.
const BANK_SLICE: usize = 100;

/// [`Bank::read`] of a bank file in slices of [`BANK_SLICE`] questions with a yield to the
/// browser between them, so reading a large bank never holds the main thread for long (the
/// 607-question default bank took one task of 130–190 ms with the CPU slowed 4×).
async fn read_bank_in_slices<const PATHS: bool>(text: &str) -> Result<Bank, BankError> {
    // Wall time from the first slice to the last, yields included (bench/load.mjs).
    let measure = crate::web::Measure::start("kepu:read-bank");
    let value = json::parse_headed(text, BANK_FORMAT, BANK_VERSION)?;
    let questions = js_sys::Reflect::get(&value, &"questions".into()).ok().filter(js_sys::Array::is_array);
    if questions.is_some() {
        let _ = js_sys::Reflect::delete_property(value.unchecked_ref::<js_sys::Object>(), &"questions".into());
    }
    let mut raw: RawBank = json::from_value::<PATHS, _>(value).map_err(BankError::Json)?;
    let questions: js_sys::Array = questions.map(JsCast::unchecked_into).unwrap_or_default();
    for (i, question) in questions.iter().enumerate() {
        if i > 0 && i % BANK_SLICE == 0 {
            gloo_timers::future::TimeoutFuture::new(0).await;
        }
        let question = json::from_value::<PATHS, _>(question)
            .map_err(|e| BankError::Json(e.within(&format!("questions[{i}]"))))?;
        raw.questions.push(question);
    }
    let bank = Bank::from_raw(raw);
    measure.end();
    bank
}

/// A stored value, or the default; data that cannot be read is first moved aside, so a
/// later save never overwrites it (the pages that own the data report it).
fn stored_or_default<T: serde::de::DeserializeOwned + crate::core::formats::codec::Meaningful + Default>(
    kind: Stored,
    key: &str,
) -> T {
    read_or_set_aside(kind, key, &mut Vec::new()).unwrap_or_default()
}

pub fn stored_prefs() -> Prefs {
    stored_or_default(Stored::Prefs, "")
}

/// The `?contest=` parameter, or the bundled default.
pub fn contest_path() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .and_then(|q| web_sys::UrlSearchParams::new_with_str(&q).ok())
        .and_then(|p| p.get("contest"))
        .filter(|p| !p.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_CONTEST.to_string())
}

/// The banks the organizer saved on this device.
fn saved_banks() -> Vec<SavedBank> {
    stored_or_default(Stored::Banks, "")
}

fn contest_setup(contest_id: &str) -> ContestSetup {
    stored_or_default(Stored::Setup, contest_id)
}

/// Fetches and checks the contest and its bank; `root` is the app root relative to the
/// page (`./` for the citizen app, `../` for the organizer's). Errors name the file, and
/// with `PATHS` the field (see [`Browser`]).
pub async fn load_contest<const PATHS: bool>(path: &str, root: &str, lang: Lang) -> Result<Loaded, (String, String)> {
    let fail = |file: &str, reason: String| (file.to_string(), reason);
    let root_url = resolve(root, "./").map_err(|e| fail(path, e.message(lang)))?;
    let url = resolve(path, &root_url).map_err(|e| fail(path, e.message(lang)))?;
    // The default contest and its bank come with the page (scripts/inline-contest.mjs) or
    // start downloading together, saving a round trip on slow networks; any other bank is
    // fetched once the package names it.
    let is_default = path == DEFAULT_CONTEST;
    let default_bank = is_default
        .then(|| {
            resolve(DEFAULT_BANK, &root_url)
                .ok()
                .and_then(|u| PendingFetch::in_page_or_start(DEFAULT_BANK_BLOCK, &u).ok())
        })
        .flatten();
    let contest_file = match is_default {
        true => PendingFetch::in_page_or_start("kepu-default-contest", &url),
        false => PendingFetch::start(&url),
    };
    let text = async { contest_file?.text().await }.await.map_err(|e| fail(path, e.message(lang)))?;
    let (package_contest, source) = crate::web::timed("kepu:read-contest", || Contest::read::<Browser<PATHS>>(&text))
        .map_err(|e| fail(path, e.message(lang)))?;
    let package_contest = Rc::new(package_contest);
    let (package_bank, bank_file) = match source {
        BankSource::Inline(bank) => (*bank, path.to_string()),
        BankSource::Path(bank_path) => {
            let bank_url = resolve(&bank_path, &url).map_err(|e| fail(&bank_path, e.message(lang)))?;
            let text = match default_bank.filter(|f| f.url == bank_url) {
                Some(started) => started.text().await,
                None => fetch_text(&bank_url).await,
            }
            .map_err(|e| fail(&bank_path, e.message(lang)))?;
            (read_bank_in_slices::<PATHS>(&text).await.map_err(|e| fail(&bank_path, e.message(lang)))?, bank_path)
        }
    };
    let setup = contest_setup(&package_contest.rules.id);
    Loaded::on_device::<BrowserJson>(path, package_contest, Rc::new(package_bank), &setup, &saved_banks())
        .map_err(|shortfalls| fail(&bank_file, ContestError::Rules(shortfalls).message(lang)))
}

/// The element that carries the default bank inside the page (scripts/inline-contest.mjs).
const DEFAULT_BANK_BLOCK: &str = "kepu-default-bank";

/// The explanations the page's copy of the default bank left out, from the file its block
/// names in `data-explanations`; `None` when the page's copy has them all (or the file is
/// not one: the questions then show no explanation, as a bank without them does).
pub async fn load_explanations(root: &str) -> Result<Option<Explanations>, FetchError> {
    let file = web_sys::window()
        .and_then(|w| w.document()?.get_element_by_id(DEFAULT_BANK_BLOCK)?.get_attribute("data-explanations"));
    let Some(file) = file else {
        return Ok(None);
    };
    let text = fetch_text(&resolve(&file, &resolve(root, "./")?)?).await?;
    Ok(BrowserJson::decode(&text).ok())
}
