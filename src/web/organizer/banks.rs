//! Question banks: import a file (parsed in a Web Worker), review the report, save it,
//! and choose which bank the contest draws from.

use crate::core::Message;
use crate::core::Notice;
use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::core::import::summary::ImportSummary;
use crate::core::import::{accept_attribute, GroupKind, ReportGroup, MAX_IMPORT_BYTES};
use crate::core::storage::organizer::{contest_package, SavedBank};
use crate::core::Lang;
use crate::web::browser::download::download;
use crate::web::browser::import_worker::{ImportWorker, Imported};
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
                let mb = MAX_IMPORT_BYTES / 1024 / 1024;
                desk.dispatch(DeskAction::Notice(Notice::new(
                    format!("{name}：文件超过 {mb} MB，无法导入"),
                    format!("{name}: the file is over {mb} MB and cannot be imported"),
                )));
                return;
            }
            import.set(Import::Reading(name.clone()));
            let (desk, import) = (desk.clone(), import.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match gloo_file::futures::read_as_array_buffer(&gloo_file::Blob::from(file)).await {
                    Ok(buffer) => read_in_worker(name, buffer, desk, import, lang).await,
                    Err(e) => {
                        import.set(Import::Idle);
                        desk.dispatch(DeskAction::Notice(Notice::as_told(format!("{name}: {e}"))));
                    }
                }
            });
        })
    };
    let paste = use_node_ref();
    let import_pasted = {
        let (desk, import, paste) = (desk.clone(), import.clone(), paste.clone());
        Callback::from(move |_| {
            let Some(area) = paste.cast::<web_sys::HtmlTextAreaElement>() else { return };
            let text = area.value();
            if text.trim().is_empty() {
                desk.dispatch(DeskAction::Notice(Notice::new("请先粘贴题目文本。", "Paste the questions first.")));
                return;
            }
            if text.len() > MAX_IMPORT_BYTES {
                let mb = MAX_IMPORT_BYTES / 1024 / 1024;
                desk.dispatch(DeskAction::Notice(Notice::new(
                    format!("粘贴的文本超过 {mb} MB，无法导入"),
                    format!("the pasted text is over {mb} MB and cannot be imported"),
                )));
                return;
            }
            let name = lang.pick("粘贴的题目.txt", "pasted questions.txt").to_string();
            import.set(Import::Reading(name.clone()));
            let buffer = js_sys::Uint8Array::from(text.as_bytes()).buffer();
            wasm_bindgen_futures::spawn_local(read_in_worker(name, buffer, desk.clone(), import.clone(), lang));
        })
    };
    // The id of the bank being saved, until it is in the stored list.
    let saving = use_state(|| None::<String>);
    let confirm = {
        let (desk, import, title, saving) = (desk.clone(), import.clone(), title.clone(), saving.clone());
        Callback::from(move |_| {
            let Import::Report(report) = &*import else { return };
            let id = format!("bank-{:x}", now_ms());
            saving.set(Some(id.clone()));
            let title = title.cast::<HtmlInputElement>().map(|i| i.value()).filter(|t| !t.trim().is_empty());
            let title = title.unwrap_or_else(|| report.file_name.clone()).trim().to_string();
            let (desk, import, name) = (desk.clone(), import.clone(), report.file_name.clone());
            // The questions are in the worker: it makes the bank, the page saves it.
            wasm_bindgen_futures::spawn_local(async move {
                let saved = match ImportWorker::shared(lang) {
                    Ok(worker) => worker.save(&id, &title, now_ms()).await,
                    Err(e) => return desk.dispatch(DeskAction::Notice(Notice::as_told(e))),
                };
                match saved {
                    // The report stays until the bank is in the stored list (see below): a
                    // bank too big for the device's storage keeps its report on screen.
                    Ok(Ok(bank)) => desk.dispatch(DeskAction::SaveBank(Box::new(bank))),
                    Ok(Err(message)) => desk.dispatch(DeskAction::Notice(Notice::as_told(message))),
                    Err(failure) => {
                        import.set(Import::Idle);
                        desk.dispatch(DeskAction::Notice(Notice::as_told(failure.message(&name, lang))));
                    }
                }
            });
        })
    };
    {
        // A saved bank ends the import: its report goes once the bank is in the list.
        let import = import.clone();
        let saved_ids: Vec<String> = desk.banks.iter().map(|b| b.id.clone()).collect();
        let saving = saving.clone();
        use_effect_with(saved_ids, move |ids| {
            if saving.as_ref().is_some_and(|id| ids.contains(id)) {
                import.set(Import::Idle);
                saving.set(None);
            }
        });
    }
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
                <p class="hint">{ lang.pick("支持 Excel（.xlsx、.xls、.xlsb）、WPS、OpenDocument（.ods）、CSV（UTF-8 或 GBK）、Word（.docx）和文本题目、本程序的 JSON、GIFT 和 Aiken 文本。表头可用：题型、题干、选项A…选项H（或选项1…8、一格写全部选项）、答案、解析、分类、难度、分值、适用人群、编号，以及常见的别名。",
                    "Excel (.xlsx, .xls, .xlsb), WPS, OpenDocument (.ods), CSV (UTF-8 or GBK), Word (.docx) and typed text, this app's JSON, GIFT and Aiken text. Headers: 题型, 题干, 选项A…选项H (or 选项1…8, or all options in one cell), 答案, 解析, 分类, 难度, 分值, 适用人群, 编号, and their common aliases.") }</p>
                <super::file_pick::FilePick id="bank-file" label={lang.pick("题库文件", "Bank file")} accept={accept_attribute()} {lang} {onchange} />
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
                        html! { <li data-testid="bank-item">
                            <span>{ b.title.clone() }{ match lang { Lang::Zh => format!("（{} 题）", b.questions), Lang::En => format!(" ({} questions)", b.questions) } }</span>
                            if current { <strong>{ lang.pick(" 使用中", " in use") }</strong> }
                            else { <button class="secondary" data-testid="bank-use" onclick={use_bank(Some(b.id.clone()))}>{ lang.pick("使用", "Use") }</button> }
                            <button class="link" onclick={delete}>{ lang.pick("删除", "Delete") }</button>
                            <BankPreview bank={Rc::new(b.clone())} {lang} />
                        </li> }
                    }) }
                </ul>
                if desk.banks.is_empty() {
                    <p class="empty-state" data-testid="banks-empty">{ lang.pick("本机还没有导入的题库 · 在上方选择题库文件或粘贴题目导入",
                        "No bank imported on this device yet · choose a bank file or paste questions above") }</p>
                }
                <button class="secondary" data-testid="download-package" onclick={download_package}>{ lang.pick("下载当前竞赛文件（规则+题库）", "Download the contest package (rules + bank)") }</button>
                <p class="hint">{ lang.pick("把下载的文件放到网站的 questions/ 目录，用 ?contest=questions/文件名.json 打开即可分享。",
                    "Put the downloaded file in the site's questions/ folder and share ?contest=questions/<file>.json.") }</p>
            </section>
        </>
    }
}

/// Has the worker read a file: its report, or why it could not.
async fn read_in_worker(
    name: String,
    buffer: js_sys::ArrayBuffer,
    desk: UseReducerHandle<super::Desk>,
    import: UseStateHandle<Import>,
    lang: Lang,
) {
    let failed = |message: String| {
        import.set(Import::Idle);
        desk.dispatch(DeskAction::Notice(Notice::as_told(message)));
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
}

/// The report's lines of one kind, one per reason (computed in the core, bounded in the
/// worker), and how many more there are.
fn group_list(
    r: &ImportSummary,
    kind: GroupKind,
    title: &str,
    class: &'static str,
    testid: &'static str,
    lang: Lang,
) -> Html {
    let lines: Vec<&ReportGroup> = r.groups.iter().filter(|g| g.kind == kind).collect();
    if lines.is_empty() {
        return html! {};
    }
    let more = r.more(kind);
    html! {
        <>
            <h3>{ title }</h3>
            <ul class={classes!("report-lines", class)}>{ for lines.into_iter().map(|g| html! { <li data-testid={testid}>{ g.text.clone() }</li> }) }</ul>
            if more > 0 {
                <p class="hint">{ match lang {
                    Lang::Zh => format!("另有 {more} 条未列出。"),
                    Lang::En => format!("{more} more not listed."),
                } }</p>
            }
        </>
    }
}

/// The import report as the worker sent it: counts, then the grouped lines of each kind.
fn report_view(
    r: &ImportSummary,
    lang: Lang,
    title: &NodeRef,
    confirm: Callback<MouseEvent>,
    cancel: Callback<MouseEvent>,
) -> Html {
    let notes = r.groups.iter().filter(|g| g.kind == GroupKind::Note);
    html! {
        <section class="card report" data-testid="import-report">
            <h2>{ lang.pick("导入报告：", "Import report: ") }{ r.file_name.clone() }</h2>
            <p>{ match lang {
                Lang::Zh => format!("读取 {} 行，可导入 {} 题，拒绝 {} 行{}{}。", r.rows_read, r.questions, r.rejected_rows,
                    if r.duplicates == 0 { String::new() } else { format!("，合并重复 {} 题", r.duplicates) },
                    if r.skipped == 0 { String::new() } else { format!("，跳过简答等其他题型 {} 行", r.skipped) }),
                Lang::En => format!("{} rows read, {} questions valid, {} rows rejected{}{}.", r.rows_read, r.questions, r.rejected_rows,
                    if r.duplicates == 0 { String::new() } else { format!(", {} duplicates merged", r.duplicates) },
                    if r.skipped == 0 { String::new() } else { format!(", {} rows of other types skipped", r.skipped) }),
            } }{ r.encoding.as_ref().map(|e| format!(" ({e})")).unwrap_or_default() }</p>
            <ul class="counts">
                { for r.by_type.iter().map(|(t, n)| html! { <li data-testid="import-type-count">{ format!("{}：{n}", t.label(lang)) }</li> }) }
            </ul>
            <ul class="counts">
                { for r.by_category.iter().map(|(c, n)| html! { <li>{ format!("{c}：{n}") }</li> }) }
                if r.more_categories > 0 {
                    <li>{ match lang { Lang::Zh => format!("另有 {} 类", r.more_categories), Lang::En => format!("{} more", r.more_categories) } }</li>
                }
            </ul>
            { group_list(r, GroupKind::Rejected, lang.pick("被拒绝的行", "Rejected rows"), "rejected", "import-rejected", lang) }
            { group_list(r, GroupKind::Skipped, lang.pick("跳过的其他题型", "Other types skipped"), "", "import-skipped", lang) }
            { group_list(r, GroupKind::Duplicate, lang.pick("合并的重复题", "Duplicates merged"), "", "import-duplicate", lang) }
            if r.more(GroupKind::Note) > 0 || notes.clone().next().is_some() || !r.warnings.is_empty() {
                <h3>{ lang.pick("请留意", "Please note") }</h3>
                <ul class="report-lines">
                    { for notes.map(|g| html! { <li data-testid="import-note">{ g.text.clone() }</li> }) }
                    { for r.warnings.iter().map(|x| html! { <li data-testid="import-warning">{ x.message(lang) }</li> }) }
                </ul>
                if r.more(GroupKind::Note) + r.more_warnings > 0 {
                    <p class="hint">{ match lang {
                        Lang::Zh => format!("另有 {} 条未列出。", r.more(GroupKind::Note) + r.more_warnings),
                        Lang::En => format!("{} more not listed.", r.more(GroupKind::Note) + r.more_warnings),
                    } }</p>
                }
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
