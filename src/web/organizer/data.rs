//! Exports for the organizer's report, and results files to merge devices.

use crate::core::Message;
use crate::core::Notice;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::core::exchange::ledger_file::{
    export_ledger, merge_into, refusal_summary, CheckSpec, KnownRules, LedgerFileError, Merge, MergeReport,
    CHUNK_ATTEMPTS, MAX_RESULTS_FILE_BYTES,
};
use crate::core::exchange::outbox::Outbox;
use crate::core::exchange::receipts::with_receipts;
use crate::core::exchange::submission::CollectorLink;
use crate::core::formats::codec::SerdeJson;
use crate::core::model::rng::FastMap;
use crate::core::play::ledger::{Attempt, AttemptLedger};
use crate::core::reports::export::{
    attempts_csv, attempts_xlsx, items_csv, items_xlsx, report_file_name, XlsxExportError,
};
use crate::core::reports::stats::item_analysis;
use crate::core::storage::persist::Stored;
use crate::core::storage::persist::{decode, encode};
use crate::core::storage::store::Store;
use crate::core::Lang;
use crate::web::browser::download::{download, mime};
use crate::web::browser::idb;
use crate::web::browser::import_worker::{Checked, ImportWorker};
use crate::web::browser::json::BrowserJson;
use crate::web::browser::storage::{read_or_set_aside, LocalStore};
use crate::web::now_ms;
use std::rc::Rc;

use super::stats::use_regions;
use super::{Desk, DeskAction, DeskProps};

#[component]
pub fn DataTab(props: &DeskProps) -> Html {
    let desk = &props.desk;
    let lang = desk.lang;
    use_regions(desk);
    type Made = Option<Result<Vec<u8>, XlsxExportError>>;
    let report = |kind: &'static str, extension: &'static str, make: fn(&Desk) -> Made| {
        let desk = desk.clone();
        Callback::from(move |_| match make(&desk) {
            Some(Ok(bytes)) => {
                let name = report_file_name(&desk.contest.rules.id, kind, extension, now_ms());
                download(&name, mime(extension), &bytes);
            }
            Some(Err(e)) => desk.dispatch(DeskAction::Notice(Notice::of(&e))),
            None => {}
        })
    };
    let export_attempts = report("答题记录", "csv", |d| {
        d.regions
            .as_ref()
            .map(|r| Ok(attempts_csv(&d.ledger.attempts, r, &d.package.package_rules, &d.contest.rules.stages)))
    });
    let export_attempts_xlsx = report("答题记录", "xlsx", |d| {
        d.regions
            .as_ref()
            .map(|r| attempts_xlsx(&d.ledger.attempts, r, &d.package.package_rules, &d.contest.rules.stages))
    });
    let export_items = report("题目分析", "csv", |d| {
        Some(Ok(items_csv(&item_analysis(&d.ledger.attempts, &d.bank, None), &d.bank)))
    });
    let export_items_xlsx = report("题目分析", "xlsx", |d| {
        Some(items_xlsx(&item_analysis(&d.ledger.attempts, &d.bank, None), &d.bank))
    });
    let export_ledger_file = {
        let desk = desk.clone();
        Callback::from(move |_| {
            let id = &desk.contest.rules.id;
            // This device's own attempts go out with the receipts of its outbox; merged ones
            // carry theirs already.
            let outbox = outbox_receipts(id);
            let attempts = with_receipts(&desk.ledger.attempts, |a| outbox.get(a).cloned().flatten());
            let text =
                export_ledger::<crate::core::formats::codec::SerdeJson>(id, &device_label(), &attempts, now_ms());
            let name = report_file_name(id, "成绩文件", "json", now_ms());
            download(&name, "application/json", text.as_bytes());
        })
    };
    let on_ledger_file = {
        let desk = desk.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(files) = input.files() else { return };
            let files: Vec<web_sys::File> = (0..files.length()).filter_map(|i| files.get(i)).collect();
            input.set_value("");
            wasm_bindgen_futures::spawn_local(merge_files(desk.clone(), files));
        })
    };
    let set_aside: Vec<String> = LocalStore::open().map(|s| s.set_aside_keys()).unwrap_or_default();
    html! {
        <>
            if !set_aside.is_empty() {
                <section class="card warn" data-testid="set-aside">
                    <h2>{ lang.pick("本机无法读取的数据", "Data this device could not read") }</h2>
                    <p>{ lang.pick("这些数据已原样保留，没有被覆盖。可以下载后交给技术人员检查。",
                        "It was kept exactly as found, never overwritten. Download it for a technician to look at.") }</p>
                    <ul>{ for set_aside.into_iter().map(|key| {
                        let k = key.clone();
                        let save = Callback::from(move |_| {
                            let text = LocalStore::open().ok().and_then(|s| s.read(&k).ok().flatten()).unwrap_or_default();
                            download(&format!("{k}.json"), mime("json"), text.as_bytes());
                        });
                        html! { <li><code>{ key }</code> <button class="secondary" data-testid="download-set-aside" onclick={save}>{ lang.pick("下载", "Download") }</button></li> }
                    }) }</ul>
                </section>
            }
            <section class="card">
                <h2>{ lang.pick("导出报表", "Reports") }</h2>
                <p class="hint">{ lang.pick("CSV 文件为 UTF-8（带 BOM），可直接用 Excel 打开；本程序不保存手机号，答题记录中只有参赛者编号。地区统计在“统计”页按所选层级下载。",
                    "CSV files are UTF-8 with BOM and open in Excel; no phone number is kept, the attempt list names participants by their code. Region counts download from the Statistics tab at the chosen level.") }</p>
                <button class="secondary" data-testid="export-attempts-csv" onclick={export_attempts} disabled={desk.regions.is_none()}>{ lang.pick("下载答题记录 CSV", "Download attempts (CSV)") }</button>
                <button class="secondary" data-testid="export-attempts-xlsx" onclick={export_attempts_xlsx} disabled={desk.regions.is_none()}>{ lang.pick("下载答题记录 Excel", "Download attempts (Excel)") }</button>
                <button class="secondary" data-testid="export-items-csv" onclick={export_items}>{ lang.pick("下载题目分析 CSV", "Download item analysis (CSV)") }</button>
                <button class="secondary" data-testid="export-items-xlsx" onclick={export_items_xlsx}>{ lang.pick("下载题目分析 Excel", "Download item analysis (Excel)") }</button>
            </section>
            <section class="card">
                <h2>{ lang.pick("多台设备合并", "Merge devices") }</h2>
                <p data-testid="attempt-counts">{ match (lang, &desk.collected) {
                    (Lang::Zh, Some(c)) => format!("本机答题 {} 条，合并进来的 {c} 条，共 {} 条（去重后）。", desk.own.attempts.len(), desk.ledger.attempts.len()),
                    (Lang::En, Some(c)) => format!("{} attempts on this device, {c} merged in, {} in all (each counted once).", desk.own.attempts.len(), desk.ledger.attempts.len()),
                    (_, None) => lang.pick("正在读取合并进来的成绩…", "Reading merged results…").to_string(),
                } }</p>
                <button class="primary" data-testid="export-ledger" onclick={export_ledger_file}>{ lang.pick("导出成绩文件（含合并进来的）", "Export the results file (merged ones included)") }</button>
                <super::file_pick::FilePick id="ledger-file" label={lang.pick("合并其他设备的成绩文件（可多选）", "Merge results files from other devices (several allowed)")}
                    accept=".json,application/json" multiple=true {lang} onchange={on_ledger_file} />
                <p class="hint">{ lang.pick("同一条记录只计一次，本机已有记录不会被改变。损坏、被截断或被随手改过的文件以及其他竞赛的文件会被拒绝；不可能成立的记录（得分超过满分、时间顺序或竞赛时间不对、用时过短、与按题库重新计算的得分不符）不会合并，并说明原因。校验和只能发现损坏，不能防止有意伪造；收集服务器的回执才能证明成绩确实被计入：合并时用“实时”页保存的回执公钥核对，并分别统计有效、无效和无回执的条数。",
                    "Each record counts once; records already here are never changed. Damaged, cut or carelessly edited files and files of another contest are refused; impossible records (score above the maximum, times out of order or outside the contest, too fast, a score its answers do not earn) are not merged, with the reason. A checksum catches damage, not a deliberate forgery; the collector's receipts prove an attempt was counted: merging checks them with the receipt key kept on the Live tab and counts valid, invalid and missing ones.") }</p>
            </section>
            <super::verify::VerifyBox desk={props.desk.clone()} />
        </>
    }
}

/// What the import worker checks records against: the package's rules and bank, and those in
/// force on this device if they differ, each with its fingerprint.
fn check_spec(desk: &Desk) -> CheckSpec {
    let package = &desk.package;
    let mut known = vec![KnownRules {
        fingerprint: package.package_rules.fingerprint.clone(),
        rules: package.package_contest.rules.clone(),
        bank: package.package_bank.to_json(),
    }];
    let here = desk.contest.fingerprint::<BrowserJson>(&desk.bank);
    if here != known[0].fingerprint {
        known.push(KnownRules { fingerprint: here, rules: desk.contest.rules.clone(), bank: desk.bank.to_json() });
    }
    let link = read_or_set_aside::<CollectorLink>(Stored::CollectorLink, "", &mut Vec::new()).unwrap_or_default();
    let receipt_key = Some(link.receipt_key).filter(|k| !k.is_empty());
    CheckSpec { contest: package.package_contest.rules.clone(), known, now: now_ms(), receipt_key }
}

/// The receipts in this device's outbox for `contest`, by attempt id (`None`: sent, no receipt).
pub fn outbox_receipts(contest: &str) -> FastMap<String, Option<String>> {
    let outbox = read_or_set_aside::<Outbox>(Stored::Outbox, contest, &mut Vec::new()).unwrap_or_default();
    outbox.settled.into_iter().filter(|s| s.refused.is_none()).map(|s| (s.id, s.receipt)).collect()
}

/// Gives the page back to the browser between chunks of work, so none runs long.
async fn next_task() {
    gloo_timers::future::TimeoutFuture::new(0).await;
}

/// Merges results files into the collection in IndexedDB. Each file is read and checked in the
/// import worker (never on the page); its records come back in chunks, each decoded and merged
/// in a task of its own; the new records are stored as new chunks in one transaction, so files
/// chosen together never overwrite each other's records, and records already here never change.
async fn merge_files(desk: UseReducerHandle<Desk>, files: Vec<web_sys::File>) {
    let (id, lang) = (desk.id().to_owned(), desk.lang);
    let worker = match ImportWorker::shared(lang) {
        Ok(w) => w,
        Err(e) => return desk.dispatch(DeskAction::Notice(Notice::as_told(e))),
    };
    let spec = check_spec(&desk);
    // Everything already here by id (this device's own attempts and those collected), then
    // what this merge adds.
    let here = desk.ledger.clone();
    let mut merge = Merge::new(&here.attempts);
    while merge.index_some(CHUNK_ATTEMPTS) {
        next_task().await;
    }
    // What to store: chunks as the worker wrote them, and the parts of what was added to write
    // again.
    let (mut new_chunks, mut to_write): (Vec<wasm_bindgen::JsValue>, Vec<std::ops::Range<usize>>) = Default::default();
    let (mut merged, mut refused) = (Vec::new(), Vec::new());
    for file in files {
        let name = file.name();
        if file.size() > MAX_RESULTS_FILE_BYTES as f64 {
            let too_large = LedgerFileError::TooLarge { bytes: file.size() as u64 };
            refused.push(format!("{name}: {}", too_large.message(lang)));
            continue;
        }
        let buffer = match gloo_file::futures::read_as_array_buffer(&gloo_file::Blob::from(file)).await {
            Ok(b) => b,
            Err(e) => {
                refused.push(format!("{name}: {e}"));
                continue;
            }
        };
        let (chunks, impossible, receipts) = match worker.results(&name, buffer, spec.clone()).await {
            Ok(Checked::Records { chunks, refused, receipts }) => (chunks, refused, receipts),
            Ok(Checked::Refused(reason)) => {
                refused.push(format!("{name}: {reason}"));
                continue;
            }
            Err(failure) => {
                refused.push(failure.message(&name, lang));
                continue;
            }
        };
        let mut r = MergeReport::default();
        for chunk in chunks {
            next_task().await;
            let first_added = merge.added().len();
            let attempts =
                match decode::<SerdeJson, AttemptLedger>(Stored::Collected, &chunk.as_string().unwrap_or_default()) {
                    Ok(l) => l.attempts,
                    Err(e) => {
                        refused.push(format!("{name}: {}", e.message(lang)));
                        continue;
                    }
                };
            let decoded_len = attempts.len();
            r += merge.add(attempts);
            // A chunk whose records are all new is stored as the worker wrote it; otherwise its
            // new records are written again below.
            let chunk_len = merge.added().len() - first_added;
            if chunk_len > 0 && chunk_len == decoded_len {
                new_chunks.push(chunk);
            } else if chunk_len > 0 {
                to_write.push(first_added..merge.added().len());
            }
        }
        let refused_here = refusal_summary(&impossible, lang).map(|r| format!("{}{r}", lang.pick("；", "; ")));
        let (added_here, already_present, conflicting) = (r.added, r.already_present, r.conflicting);
        merged.push(match lang {
            Lang::Zh => format!("{name}：新增 {added_here} 条，已有 {already_present} 条，冲突 {conflicting} 条（保留本机记录）{}；{}", refused_here.unwrap_or_default(), receipts.message(lang)),
            Lang::En => format!("{name}: {added_here} added, {already_present} already here, {conflicting} conflicting (the record here kept){}; {}", refused_here.unwrap_or_default(), receipts.message(lang)),
        });
    }
    let added = merge.into_added();
    if !added.is_empty() {
        // Only the new records are stored, as new chunks beside those there.
        let mut chunks = (*desk.collected_chunks).clone();
        chunks.extend(new_chunks);
        let rewrite: Vec<Attempt> = to_write.into_iter().flat_map(|range| added[range].to_vec()).collect();
        for part in rewrite.chunks(CHUNK_ATTEMPTS) {
            next_task().await;
            let text = encode::<SerdeJson, _>(Stored::Collected, &AttemptLedger { attempts: part.to_vec() });
            chunks.push(wasm_bindgen::JsValue::from_str(&text));
        }
        if let Err(e) = idb::save_chunks(Stored::Collected, &id, &chunks).await {
            refused.push(e.message(lang));
            merged.clear();
        } else {
            // The whole ledger the statistics cover, copied a chunk per task.
            let mut all = Vec::with_capacity(here.attempts.len() + added.len());
            for slice in here.attempts.chunks(CHUNK_ATTEMPTS) {
                next_task().await;
                all.extend_from_slice(slice);
            }
            let collected = desk.collected.unwrap_or(0) + added.len();
            all.extend(added);
            let flash = format!("{}{}", lang.pick("合并完成。", "Merged. "), merged.join("；"));
            desk.dispatch(DeskAction::Collected {
                all: AttemptLedger { attempts: all },
                collected,
                chunks: Rc::new(chunks),
                flash: Some(Notice::as_told(flash)),
            });
            merged.clear();
        }
    }
    if !merged.is_empty() {
        desk.dispatch(DeskAction::Flash(Notice::as_told(format!(
            "{}{}",
            lang.pick("合并完成。", "Merged. "),
            merged.join("；")
        ))));
    }
    if !refused.is_empty() {
        desk.dispatch(DeskAction::Notice(Notice::as_told(refused.join("\n"))));
    }
}

/// A label for this device in exported files (its browser, as far as it tells).
fn device_label() -> String {
    web_sys::window().and_then(|w| w.navigator().user_agent().ok()).unwrap_or_default().chars().take(120).collect()
}

/// Reads the collection from IndexedDB a chunk per task (100,000 attempts are 20 chunks), then
/// puts this device's own attempts with it.
pub async fn load_collection(desk: UseReducerHandle<Desk>) {
    let id = desk.id().to_owned();
    let chunks = match idb::load_chunks(Stored::Collected, &id).await {
        Ok(chunks) => chunks,
        Err(e) => return desk.dispatch(DeskAction::Notice(Notice::of(&e))),
    };
    let own = desk.own.attempts.clone();
    put_together(desk, chunks, own).await;
}

/// What [`refresh`] last saw: this device's attempts and the stored chunks' total length.
pub type Seen = Rc<std::cell::RefCell<Option<(usize, u32)>>>;

/// Reads this device's attempts and the stored collection again (for the big screen, every few
/// seconds: another tab may have answered or merged a file); puts them together only when
/// either changed since `seen`.
pub async fn refresh(desk: UseReducerHandle<Desk>, seen: Seen) {
    let id = desk.id().to_owned();
    let own = crate::web::browser::storage::read_or_set_aside::<AttemptLedger>(Stored::Ledger, &id, &mut Vec::new())
        .unwrap_or_default();
    let Ok(chunks) = idb::load_chunks(Stored::Collected, &id).await else { return };
    let length: u32 =
        chunks.iter().filter_map(|c| wasm_bindgen::JsCast::dyn_ref::<js_sys::JsString>(c).map(|s| s.length())).sum();
    let now = Some((own.attempts.len(), length));
    if *seen.borrow() == now {
        return;
    }
    *seen.borrow_mut() = now;
    put_together(desk, chunks, own.attempts).await;
}

async fn put_together(desk: UseReducerHandle<Desk>, chunks: Vec<wasm_bindgen::JsValue>, own: Vec<Attempt>) {
    let id = desk.id().to_owned();
    let mut collected = AttemptLedger::default();
    let mut oversized = false;
    for chunk in chunks.iter() {
        gloo_timers::future::TimeoutFuture::new(0).await;
        match decode::<SerdeJson, AttemptLedger>(Stored::Collected, &chunk.as_string().unwrap_or_default()) {
            Ok(part) => {
                oversized |= part.attempts.len() > CHUNK_ATTEMPTS;
                collected.attempts.extend(part.attempts);
            }
            Err(e) => return desk.dispatch(DeskAction::Notice(Notice::of(&e))),
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
    merge_into(&mut collected, own);
    desk.dispatch(DeskAction::Collected { all: collected, collected: count, chunks: Rc::new(chunks), flash: None });
}
