//! Question banks: import a file (parsed in a Web Worker), review the report, save it,
//! and choose which bank the contest draws from.

use std::cell::RefCell;
use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::core::import::{accept_attribute, GroupKind, ImportReport, ReportGroup, MAX_IMPORT_BYTES};
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
    let paste = use_node_ref();
    let import_pasted = {
        let (desk, import, worker, paste) = (desk.clone(), import.clone(), worker.clone(), paste.clone());
        Callback::from(move |_| {
            let Some(area) = paste.cast::<web_sys::HtmlTextAreaElement>() else { return };
            let text = area.value();
            if text.trim().is_empty() {
                desk.dispatch(DeskAction::Notice(
                    lang.pick("请先粘贴题目文本。", "Paste the questions first.").to_string(),
                ));
                return;
            }
            if text.len() > MAX_IMPORT_BYTES {
                desk.dispatch(DeskAction::Notice(match lang {
                    Lang::Zh => format!("粘贴的文本超过 {} MB，无法导入", MAX_IMPORT_BYTES / 1024 / 1024),
                    Lang::En => {
                        format!("the pasted text is over {} MB and cannot be imported", MAX_IMPORT_BYTES / 1024 / 1024)
                    }
                }));
                return;
            }
            if let Err(e) = ensure_worker(&worker, &desk, &import, lang) {
                desk.dispatch(DeskAction::Notice(e));
                return;
            }
            let name = lang.pick("粘贴的题目.txt", "pasted questions.txt").to_string();
            import.set(Import::Reading(name.clone()));
            let buffer = js_sys::Uint8Array::from(text.as_bytes()).buffer();
            let sent = worker.borrow().as_ref().map(|w| w.parse(&name, &buffer));
            if let Some(Err(e)) = sent {
                import.set(Import::Idle);
                desk.dispatch(DeskAction::Notice(e));
            }
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
        Import::Report(r) => {
            let groups = r.groups(lang);
            let mut categories = r.counts_by_category();
            let more_categories = categories.len().saturating_sub(CATEGORIES_SHOWN);
            categories.truncate(CATEGORIES_SHOWN);
            html! {
            <section class="card report" data-testid="import-report">
                <h2>{ lang.pick("导入报告：", "Import report: ") }{ r.file_name.clone() }</h2>
                <p>{ match lang {
                    Lang::Zh => format!("读取 {} 行，可导入 {} 题，拒绝 {} 行{}{}。", r.rows_read, r.questions.len(), r.rejected_row_count(),
                        if r.duplicates.is_empty() { String::new() } else { format!("，合并重复 {} 题", r.duplicates.len()) },
                        if r.skipped.is_empty() { String::new() } else { format!("，跳过简答等其他题型 {} 行", r.skipped.len()) }),
                    Lang::En => format!("{} rows read, {} questions valid, {} rows rejected{}{}.", r.rows_read, r.questions.len(), r.rejected_row_count(),
                        if r.duplicates.is_empty() { String::new() } else { format!(", {} duplicates merged", r.duplicates.len()) },
                        if r.skipped.is_empty() { String::new() } else { format!(", {} rows of other types skipped", r.skipped.len()) }),
                } }{ r.encoding.as_ref().map(|e| format!(" ({e})")).unwrap_or_default() }</p>
                <ul class="counts">
                    { for r.counts_by_type().into_iter().map(|(t, n)| html! { <li data-testid="import-type-count">{ format!("{}：{n}", t.label(lang)) }</li> }) }
                </ul>
                <ul class="counts">
                    { for categories.iter().map(|(c, n)| html! { <li>{ format!("{c}：{n}") }</li> }) }
                    if more_categories > 0 {
                        <li>{ match lang { Lang::Zh => format!("另有 {more_categories} 类"), Lang::En => format!("{more_categories} more") } }</li>
                    }
                </ul>
                { group_list(&groups, GroupKind::Rejected, lang.pick("被拒绝的行", "Rejected rows"), "rejected", "import-rejected") }
                { group_list(&groups, GroupKind::Skipped, lang.pick("跳过的其他题型", "Other types skipped"), "", "import-skipped") }
                { group_list(&groups, GroupKind::Duplicate, lang.pick("合并的重复题", "Duplicates merged"), "", "import-duplicate") }
                if groups.iter().any(|g| g.kind == GroupKind::Note) || !r.warnings.is_empty() {
                    <h3>{ lang.pick("请留意", "Please note") }</h3>
                    <ul class="report-lines">
                        { for groups.iter().filter(|g| g.kind == GroupKind::Note).map(|g| html! { <li data-testid="import-note">{ g.text.clone() }</li> }) }
                        { for r.warnings.iter().map(|x| html! { <li data-testid="import-warning">{ x.message(lang) }</li> }) }
                    </ul>
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
            }
        }
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
                <p class="hint">{ lang.pick("支持 Excel（.xlsx、.xls、.xlsb）、WPS、OpenDocument（.ods）、CSV（UTF-8 或 GBK）、Word（.docx）和文本题目、本程序的 JSON、GIFT 和 Aiken 文本。表头可用：题型、题干、选项A…选项H（或选项1…8、一格写全部选项）、答案、解析、分类、难度、分值、适用人群、编号，以及常见的别名。",
                    "Excel (.xlsx, .xls, .xlsb), WPS, OpenDocument (.ods), CSV (UTF-8 or GBK), Word (.docx) and typed text, this app's JSON, GIFT and Aiken text. Headers: 题型, 题干, 选项A…选项H (or 选项1…8, or all options in one cell), 答案, 解析, 分类, 难度, 分值, 适用人群, 编号, and their common aliases.") }</p>
                <label for="bank-file">{ lang.pick("选择文件", "Choose a file") }
                    <input id="bank-file" data-testid="bank-file" type="file" accept={accept_attribute()} {onchange} />
                </label>
                <label for="bank-paste">{ lang.pick("或者粘贴题目文本（从 Word、WPS 或网页复制）", "Or paste the questions as text (copied from Word, WPS or a web page)") }
                    <textarea id="bank-paste" data-testid="bank-paste" ref={paste} rows="6"
                        placeholder={ lang.pick("一、单选题\n1. 光年是什么单位？\nA、时间 B、长度 C、速度 D、质量\n答案：B\n解析：光在一年里走过的距离。", "一、单选题\n1. …？\nA、… B、… C、… D、…\n答案：B\n解析：…") } />
                </label>
                <button class="secondary" data-testid="bank-paste-import" onclick={import_pasted}>{ lang.pick("读取粘贴的题目", "Read the pasted questions") }</button>
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

/// Categories listed in the report before "另有 N 类".
const CATEGORIES_SHOWN: usize = 12;

/// The report's lines of one kind, one per reason (computed in the core).
fn group_list(groups: &[ReportGroup], kind: GroupKind, title: &str, class: &'static str, testid: &'static str) -> Html {
    let lines: Vec<&ReportGroup> = groups.iter().filter(|g| g.kind == kind).collect();
    if lines.is_empty() {
        return html! {};
    }
    html! {
        <>
            <h3>{ title }</h3>
            <ul class={classes!("report-lines", class)}>{ for lines.into_iter().map(|g| html! { <li data-testid={testid}>{ g.text.clone() }</li> }) }</ul>
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
