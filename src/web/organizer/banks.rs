//! Question banks: import a file (parsed in a Web Worker), review the report, save it,
//! and choose which bank the contest draws from.

use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::core::import::MAX_IMPORT_BYTES;
use crate::core::import_summary::ImportSummary;
use crate::core::organizer::{contest_package, SavedBank};
use crate::core::Lang;
use crate::web::download::download;
use crate::web::import_worker::{ImportWorker, Imported};
use crate::web::now_ms;

use super::{DeskAction, DeskProps};

#[derive(Clone, PartialEq)]
enum Import {
    Idle,
    Reading(String),
    Report(Rc<ImportSummary>),
}

#[component]
pub fn BanksTab(props: &DeskProps) -> Html {
    let desk = &props.desk;
    let lang = desk.lang;
    let import = use_state(|| Import::Idle);
    let title = use_node_ref();
    let onchange = {
        let (desk, import) = (desk.clone(), import.clone());
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
            input.set_value("");
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
            import.set(Import::Reading(name.clone()));
            let (desk, import) = (desk.clone(), import.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let failed = |message: String| {
                    import.set(Import::Idle);
                    desk.dispatch(DeskAction::Notice(message));
                };
                let buffer = match gloo_file::futures::read_as_array_buffer(&gloo_file::Blob::from(file)).await {
                    Ok(b) => b,
                    Err(e) => return failed(format!("{name}: {e}")),
                };
                let worker = match ImportWorker::shared(lang) {
                    Ok(w) => w,
                    Err(e) => return failed(e),
                };
                match worker.import(&name, buffer).await {
                    Ok(Imported::Report(summary)) => import.set(Import::Report(Rc::from(summary))),
                    Ok(Imported::Refused(message)) => failed(message),
                    Err(failure) => failed(failure.message(&name, lang)),
                }
            });
        })
    };
    let confirm = {
        let (desk, import, title) = (desk.clone(), import.clone(), title.clone());
        Callback::from(move |_| {
            let Import::Report(report) = &*import else { return };
            let title = title.cast::<HtmlInputElement>().map(|i| i.value()).filter(|t| !t.trim().is_empty());
            let title = title.unwrap_or_else(|| report.file_name.clone()).trim().to_string();
            let (desk, import, name) = (desk.clone(), import.clone(), report.file_name.clone());
            // The questions are in the worker: it makes the bank, the page saves it.
            wasm_bindgen_futures::spawn_local(async move {
                let saved = match ImportWorker::shared(lang) {
                    Ok(worker) => worker.save(&format!("bank-{:x}", now_ms()), &title, now_ms()).await,
                    Err(e) => return desk.dispatch(DeskAction::Notice(e)),
                };
                match saved {
                    Ok(Ok(bank)) => {
                        desk.dispatch(DeskAction::SaveBank(Box::new(bank)));
                        import.set(Import::Idle);
                    }
                    Ok(Err(message)) => desk.dispatch(DeskAction::Notice(message)),
                    Err(failure) => {
                        import.set(Import::Idle);
                        desk.dispatch(DeskAction::Notice(failure.message(&name, lang)));
                    }
                }
            });
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
        Import::Report(r) => report_view(r, lang, &title, confirm, cancel),
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
                        html! { <li data-testid="bank-item">
                            <span>{ b.title.clone() }{ match lang { Lang::Zh => format!("（{} 题）", b.questions), Lang::En => format!(" ({} questions)", b.questions) } }</span>
                            if current { <strong>{ lang.pick(" 使用中", " in use") }</strong> }
                            else { <button class="secondary" data-testid="bank-use" onclick={use_bank(Some(b.id.clone()))}>{ lang.pick("使用", "Use") }</button> }
                            <button class="link" onclick={delete}>{ lang.pick("删除", "Delete") }</button>
                            <BankPreview bank={Rc::new(b.clone())} {lang} />
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

/// The import report as the worker sent it: counts, problems grouped by kind and column, and
/// the first rows of each kind one by one (the rest counted).
fn report_view(
    r: &ImportSummary,
    lang: Lang,
    title: &NodeRef,
    confirm: Callback<MouseEvent>,
    cancel: Callback<MouseEvent>,
) -> Html {
    let more = |listed: usize, all: usize| -> Html {
        if all > listed {
            html! { <p class="hint">{ match lang {
                Lang::Zh => format!("只列出前 {listed} 项，共 {all} 项。"),
                Lang::En => format!("The first {listed} of {all} are listed."),
            } }</p> }
        } else {
            html! {}
        }
    };
    html! {
        <section class="card" data-testid="import-report">
            <h2>{ lang.pick("导入报告：", "Import report: ") }{ r.file_name.clone() }</h2>
            <p>{ match lang {
                Lang::Zh => format!("读取 {} 行，可导入 {} 题，拒绝 {} 行，合并重复 {} 题。", r.rows_read, r.questions, r.rejected_rows, r.duplicates),
                Lang::En => format!("{} rows read, {} questions valid, {} rows rejected, {} duplicates merged.", r.rows_read, r.questions, r.rejected_rows, r.duplicates),
            } }{ r.encoding.as_ref().map(|e| format!(" ({e})")).unwrap_or_default() }</p>
            <ul class="counts">
                { for r.by_type.iter().map(|(t, n)| html! { <li data-testid="import-type-count">{ format!("{}：{n}", t.label(lang)) }</li> }) }
            </ul>
            <ul class="counts">
                { for r.by_category.iter().map(|(c, n)| html! { <li>{ format!("{c}：{n}") }</li> }) }
                if r.more_categories > 0 {
                    <li>{ match lang { Lang::Zh => format!("另有 {} 类", r.more_categories), Lang::En => format!("{} more categories", r.more_categories) } }</li>
                }
            </ul>
            if !r.rejected_groups.is_empty() {
                <h3>{ lang.pick("被拒绝的原因", "Why rows were rejected") }</h3>
                <ul class="rejected" data-testid="import-rejected-groups">{ for r.rejected_groups.iter().map(|g| html! {
                    <li>{ match lang {
                        Lang::Zh => format!("{} 处，例如 {}", g.count, g.example.message(lang)),
                        Lang::En => format!("{} problem(s), e.g. {}", g.count, g.example.message(lang)),
                    } }</li>
                }) }</ul>
            }
            if !r.rejected.is_empty() {
                <h3>{ lang.pick("被拒绝的行", "Rejected rows") }</h3>
                <ul class="rejected">{ for r.rejected.iter().map(|x| html! { <li data-testid="import-rejected">{ x.message(lang) }</li> }) }</ul>
                { more(r.rejected.len(), r.rejected_problems) }
            }
            if !r.duplicate_examples.is_empty() {
                <h3>{ lang.pick("合并的重复题", "Duplicates merged") }</h3>
                <ul>{ for r.duplicate_examples.iter().map(|x| html! { <li>{ x.message(lang) }</li> }) }</ul>
                { more(r.duplicate_examples.len(), r.duplicates) }
            }
            if !r.warnings.is_empty() {
                <h3>{ lang.pick("提示", "Warnings") }</h3>
                <ul>{ for r.warnings.iter().map(|x| html! { <li>{ x.message(lang) }</li> }) }</ul>
                { more(r.warnings.len(), r.warnings.len() + r.more_warnings) }
            }
            if r.questions == 0 {
                <p class="field-error">{ lang.pick("没有可导入的题目。", "There is nothing to import.") }</p>
            } else {
                <label for="bank-title">{ lang.pick("题库名称", "Bank title") }
                    <input id="bank-title" data-testid="bank-title" ref={title.clone()} type="text" value={r.file_name.clone()} />
                </label>
                <button class="primary big" data-testid="import-confirm" onclick={confirm}>
                    { match lang { Lang::Zh => format!("保存这 {} 道题", r.questions), Lang::En => format!("Save these {} questions", r.questions) } }
                </button>
            }
            <button class="link" onclick={cancel}>{ lang.pick("放弃", "Discard") }</button>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct BankPreviewProps {
    bank: Rc<SavedBank>,
    lang: Lang,
}

/// The first 20 questions of a saved bank, read only once the preview is opened (and then
/// without reading the rest of the bank): a bank of thousands is not parsed on every render.
#[component]
fn BankPreview(props: &BankPreviewProps) -> Html {
    let lang = props.lang;
    let open = use_state(|| false);
    let ontoggle = {
        let open = open.clone();
        Callback::from(move |e: Event| {
            open.set(e.target_unchecked_into::<web_sys::HtmlDetailsElement>().open());
        })
    };
    let preview = if *open { props.bank.preview(20) } else { Vec::new() };
    html! {
        <details {ontoggle}><summary>{ lang.pick("预览", "Preview") }</summary>
            <ol>{ for preview.iter().map(|(qtype, stem)| html! { <li>{ format!("[{}] {stem}", qtype.map_or("?", |t| t.label(lang))) }</li> }) }</ol>
        </details>
    }
}
