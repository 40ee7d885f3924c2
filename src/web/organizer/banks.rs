//! Question banks: import a file (parsed in a Web Worker), review the report, save it,
//! and choose which bank the contest draws from.

use std::cell::RefCell;
use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::core::import::{ImportReport, MAX_IMPORT_BYTES};
use crate::core::organizer::{contest_package, SavedBank};
use crate::core::Lang;
use crate::web::download::download;
use crate::web::import_worker::{ImportWorker, WorkerAnswer};
use crate::web::now_ms;

use super::{DeskAction, DeskProps};

#[derive(Clone, PartialEq)]
enum Import {
    Idle,
    Reading(String),
    Report(Rc<ImportReport>),
}

#[component]
pub fn BanksTab(props: &DeskProps) -> Html {
    let desk = &props.desk;
    let lang = desk.lang;
    let import = use_state(|| Import::Idle);
    let worker = use_mut_ref(|| None::<ImportWorker>);
    let title = use_node_ref();
    let onchange = {
        let (desk, import, worker) = (desk.clone(), import.clone(), worker.clone());
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
            let name = file.name();
            if file.size() > MAX_IMPORT_BYTES as f64 {
                desk.dispatch(DeskAction::Notice(match lang {
                    Lang::Zh => format!("{name}：文件超过 {} MB，无法导入", MAX_IMPORT_BYTES / 1024 / 1024),
                    Lang::En => {
                        format!("{name}: the file is over {} MB and cannot be imported", MAX_IMPORT_BYTES / 1024 / 1024)
                    }
                }));
                return;
            }
            if let Err(e) = ensure_worker(&worker, &desk, &import, lang) {
                desk.dispatch(DeskAction::Notice(e));
                return;
            }
            import.set(Import::Reading(name.clone()));
            let (desk, import, worker) = (desk.clone(), import.clone(), worker.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let buffer = match gloo_file::futures::read_as_array_buffer(&gloo_file::Blob::from(file)).await {
                    Ok(b) => b,
                    Err(e) => {
                        import.set(Import::Idle);
                        desk.dispatch(DeskAction::Notice(format!("{name}: {e}")));
                        return;
                    }
                };
                let sent = worker.borrow().as_ref().map(|w| w.parse(&name, &buffer));
                if let Some(Err(e)) = sent {
                    import.set(Import::Idle);
                    desk.dispatch(DeskAction::Notice(e));
                    restart_worker(&worker, &desk, &import, lang);
                }
            });
            input.set_value("");
        })
    };
    let confirm = {
        let (desk, import, title) = (desk.clone(), import.clone(), title.clone());
        Callback::from(move |_| {
            let Import::Report(report) = &*import else { return };
            let title = title.cast::<HtmlInputElement>().map(|i| i.value()).filter(|t| !t.trim().is_empty());
            let title = title.unwrap_or_else(|| report.file_name.clone());
            let id = format!("bank-{:x}", now_ms());
            match report.to_bank(&id, title.trim()) {
                Ok(bank) => {
                    desk.dispatch(DeskAction::SaveBank(Box::new(SavedBank::new(&bank, &report.file_name, now_ms()))));
                    import.set(Import::Idle);
                }
                Err(e) => desk.dispatch(DeskAction::Notice(e.message(lang))),
            }
        })
    };
    let cancel = {
        let import = import.clone();
        Callback::from(move |_| import.set(Import::Idle))
    };
    let report_html = match &*import {
        Import::Idle => html! {},
        Import::Reading(name) => html! {
            <div class="card" role="status" data-testid="import-progress">
                <p>{ match lang { Lang::Zh => format!("正在读取 {name}…"), Lang::En => format!("Reading {name}…") } }</p>
                <progress aria-label={lang.pick("读取进度", "Reading")}></progress>
            </div>
        },
        Import::Report(r) => html! {
            <section class="card" data-testid="import-report">
                <h2>{ lang.pick("导入报告：", "Import report: ") }{ r.file_name.clone() }</h2>
                <p>{ match lang {
                    Lang::Zh => format!("读取 {} 行，可导入 {} 题，拒绝 {} 行，合并重复 {} 题。", r.rows_read, r.questions.len(), r.rejected_row_count(), r.duplicates.len()),
                    Lang::En => format!("{} rows read, {} questions valid, {} rows rejected, {} duplicates merged.", r.rows_read, r.questions.len(), r.rejected_row_count(), r.duplicates.len()),
                } }{ r.encoding.as_ref().map(|e| format!(" ({e})")).unwrap_or_default() }</p>
                <ul class="counts">
                    { for r.counts_by_type().into_iter().map(|(t, n)| html! { <li data-testid="import-type-count">{ format!("{}：{n}", t.label(lang)) }</li> }) }
                </ul>
                <ul class="counts">
                    { for r.counts_by_category().into_iter().map(|(c, n)| html! { <li>{ format!("{c}：{n}") }</li> }) }
                </ul>
                if !r.rejected.is_empty() {
                    <h3>{ lang.pick("被拒绝的行", "Rejected rows") }</h3>
                    <ul class="rejected">{ for r.rejected.iter().map(|x| html! { <li data-testid="import-rejected">{ x.message(lang) }</li> }) }</ul>
                }
                if !r.duplicates.is_empty() {
                    <h3>{ lang.pick("合并的重复题", "Duplicates merged") }</h3>
                    <ul>{ for r.duplicates.iter().map(|x| html! { <li>{ x.message(lang) }</li> }) }</ul>
                }
                if !r.warnings.is_empty() {
                    <h3>{ lang.pick("提示", "Warnings") }</h3>
                    <ul>{ for r.warnings.iter().map(|x| html! { <li>{ x.message(lang) }</li> }) }</ul>
                }
                if r.questions.is_empty() {
                    <p class="field-error">{ lang.pick("没有可导入的题目。", "There is nothing to import.") }</p>
                } else {
                    <label for="bank-title">{ lang.pick("题库名称", "Bank title") }
                        <input id="bank-title" data-testid="bank-title" ref={title} type="text" value={r.file_name.clone()} />
                    </label>
                    <button class="primary big" data-testid="import-confirm" onclick={confirm}>
                        { match lang { Lang::Zh => format!("保存这 {} 道题", r.questions.len()), Lang::En => format!("Save these {} questions", r.questions.len()) } }
                    </button>
                }
                <button class="link" onclick={cancel}>{ lang.pick("放弃", "Discard") }</button>
            </section>
        },
    };
    let in_use = desk.setup.bank_id.clone();
    let use_bank = |id: Option<String>| {
        let desk = desk.clone();
        Callback::from(move |_| desk.dispatch(DeskAction::UseBank(id.clone())))
    };
    let download_package = {
        let desk = desk.clone();
        Callback::from(move |_| {
            let text = contest_package(&desk.contest.rules, &desk.bank);
            let name = format!("{}.json", desk.contest.rules.id);
            download(&name, "application/json", text.as_bytes());
        })
    };
    html! {
        <>
            <section class="card">
                <h2>{ lang.pick("导入题库", "Import a bank") }</h2>
                <p class="hint">{ lang.pick("支持 Excel（.xlsx）、CSV（UTF-8 或 GBK）、本程序的 JSON、GIFT 和 Aiken 文本。表头可用：题型、题干、选项A…选项H、答案、解析、分类、难度、分值、适用人群、编号。",
                    "Excel (.xlsx), CSV (UTF-8 or GBK), this app's JSON, GIFT and Aiken text. Headers: 题型, 题干, 选项A…选项H, 答案, 解析, 分类, 难度, 分值, 适用人群, 编号.") }</p>
                <label for="bank-file">{ lang.pick("选择文件", "Choose a file") }
                    <input id="bank-file" data-testid="bank-file" type="file" accept=".xlsx,.csv,.json,.txt,.gift" {onchange} />
                </label>
            </section>
            { report_html }
            <section class="card">
                <h2>{ lang.pick("本机题库", "Banks on this device") }</h2>
                <p>{ lang.pick("竞赛当前使用：", "The contest draws from: ") }<strong data-testid="bank-current">{ desk.bank.title.clone() }</strong>
                    { match lang { Lang::Zh => format!("（{} 题）", desk.bank.questions.len()), Lang::En => format!(" ({} questions)", desk.bank.questions.len()) } }</p>
                <ul class="banks">
                    <li>
                        <span>{ desk.package.package_bank.title.clone() }{ lang.pick("（竞赛文件自带）", " (from the contest file)") }</span>
                        if in_use.is_some() {
                            <button class="secondary" data-testid="bank-use" onclick={use_bank(None)}>{ lang.pick("使用", "Use") }</button>
                        }
                    </li>
                    { for desk.banks.iter().map(|b| {
                        let delete = { let desk = desk.clone(); let id = b.id.clone(); Callback::from(move |_| desk.dispatch(DeskAction::DeleteBank(id.clone()))) };
                        let current = in_use.as_deref() == Some(b.id.as_str());
                        let preview = b.bank::<crate::core::codec::SerdeJson>().map(|bank| bank.questions.into_iter().take(20).collect::<Vec<_>>()).unwrap_or_default();
                        html! { <li data-testid="bank-item">
                            <span>{ b.title.clone() }{ match lang { Lang::Zh => format!("（{} 题）", b.questions), Lang::En => format!(" ({} questions)", b.questions) } }</span>
                            if current { <strong>{ lang.pick(" 使用中", " in use") }</strong> }
                            else { <button class="secondary" data-testid="bank-use" onclick={use_bank(Some(b.id.clone()))}>{ lang.pick("使用", "Use") }</button> }
                            <button class="link" onclick={delete}>{ lang.pick("删除", "Delete") }</button>
                            <details><summary>{ lang.pick("预览", "Preview") }</summary>
                                <ol>{ for preview.iter().map(|q| html! { <li>{ format!("[{}] {}", q.qtype.label(lang), q.stem) }</li> }) }</ol>
                            </details>
                        </li> }
                    }) }
                </ul>
                <button class="secondary" data-testid="download-package" onclick={download_package}>{ lang.pick("下载当前竞赛文件（规则+题库）", "Download the contest package (rules + bank)") }</button>
                <p class="hint">{ lang.pick("把下载的文件放到网站的 questions/ 目录，用 ?contest=questions/文件名.json 打开即可分享。",
                    "Put the downloaded file in the site's questions/ folder and share ?contest=questions/<file>.json.") }</p>
            </section>
        </>
    }
}

/// Starts the import worker on first use; its answers update the import state. A worker that
/// failed is replaced by a new one.
fn ensure_worker(
    worker: &Rc<RefCell<Option<ImportWorker>>>,
    desk: &UseReducerHandle<super::Desk>,
    import: &UseStateHandle<Import>,
    lang: Lang,
) -> Result<(), String> {
    if worker.borrow().is_some() {
        return Ok(());
    }
    let (desk, import, this) = (desk.clone(), import.clone(), Rc::downgrade(worker));
    let started = ImportWorker::start("./import-worker_loader.js", lang, move |answer| match answer {
        WorkerAnswer::Report(r) => import.set(Import::Report(Rc::from(r))),
        WorkerAnswer::Error(e) => {
            import.set(Import::Idle);
            desk.dispatch(DeskAction::Notice(e));
        }
        WorkerAnswer::Failed { file, failure } => {
            import.set(Import::Idle);
            desk.dispatch(DeskAction::Notice(failure.message(&file, lang)));
            if let Some(worker) = this.upgrade() {
                restart_worker(&worker, &desk, &import, lang);
            }
        }
    })?;
    *worker.borrow_mut() = Some(started);
    Ok(())
}

/// Stops a worker that failed and starts a new one. Deferred: this may run inside the failed
/// worker's own event handler, which must not be dropped while it runs.
fn restart_worker(
    worker: &Rc<RefCell<Option<ImportWorker>>>,
    desk: &UseReducerHandle<super::Desk>,
    import: &UseStateHandle<Import>,
    lang: Lang,
) {
    let (worker, desk, import) = (worker.clone(), desk.clone(), import.clone());
    gloo_timers::callback::Timeout::new(0, move || {
        worker.borrow_mut().take();
        if let Err(e) = ensure_worker(&worker, &desk, &import, lang) {
            desk.dispatch(DeskAction::Notice(e));
        }
    })
    .forget();
}
