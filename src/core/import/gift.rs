//! Moodle's GIFT format, the kinds this app has: multiple choice with one right answer
//! (`{=right ~wrong}`), with several (`{~%50%a ~%50%b ~%-100%c}`) and true/false (`{T}`).
//! Other kinds (numerical, matching, short answer, essay) are rejected by name. Text marked
//! `[html]`/`[moodle]` or `[markdown]` (the question's, or an answer's own) becomes plain
//! text; `[plain]` is taken as written.

use super::markup::TextFormat;
use super::{Collector, ColumnNames, Entry, GiftKind, ImportWarning, RowNote, RowProblem};
use crate::core::model::bank::{letter, RawQuestion};

/// A character of the source, and whether it was escaped (`\=` is a literal `=`).
type Token = (char, bool);

pub(crate) fn looks_like_gift(text: &str) -> bool {
    let starts_with_ignoring_case =
        |text: &str, prefix: &str| text.get(..prefix.len()).is_some_and(|p| p.eq_ignore_ascii_case(prefix));
    if text.lines().any(|l| {
        let t = l.trim_start();
        t.starts_with("::") || starts_with_ignoring_case(t, "$CATEGORY:")
    }) {
        return true;
    }
    text.match_indices('{').any(|(i, _)| {
        let rest = text[i + 1..].trim_start();
        rest.starts_with('=')
            || rest.starts_with('~')
            || ["T}", "F}", "TRUE}", "FALSE}"].iter().any(|m| starts_with_ignoring_case(rest, m))
    })
}

pub(crate) fn import(text: &str, out: &mut Collector) {
    let mut category = String::new();
    let mut block: Vec<(usize, &str)> = Vec::new();
    let mut feedback_ignored = 0;
    for (index, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let trimmed = line.trim();
        if trimmed.starts_with("//") {
            continue;
        }
        if trimmed.is_empty() {
            flush(&mut block, &category, &mut feedback_ignored, out);
            continue;
        }
        if block.is_empty() && trimmed.get(..10).is_some_and(|p| p.eq_ignore_ascii_case("$CATEGORY:")) {
            category = category_name(&trimmed[10..]);
            continue;
        }
        block.push((index + 1, line));
    }
    flush(&mut block, &category, &mut feedback_ignored, out);
    if feedback_ignored > 0 {
        out.warn(ImportWarning::AnswerFeedbackIgnored {
            file_name: out.file_name().to_string(),
            count: feedback_ignored,
        });
    }
}

/// Reads the question whose lines are `block` and empties it.
fn flush(block: &mut Vec<(usize, &str)>, category: &str, feedback_ignored: &mut usize, out: &mut Collector) {
    let Some(&(row, _)) = block.first() else {
        return;
    };
    let source: Vec<&str> = block.iter().map(|(_, l)| *l).collect();
    match parse_question(&source.join("\n"), feedback_ignored) {
        Ok((mut raw, images)) => {
            raw.category = category.to_string();
            let mut entry = Entry::new(None, row, raw);
            if images > 0 {
                entry.notes.push(RowNote::ImagesDropped(images));
            }
            out.add(entry, &ColumnNames::default());
        }
        Err(problem) => out.reject(None, row, vec![(None, problem)]),
    }
    block.clear();
}

/// Moodle writes a path (`$course$/top/科普/物理`); our categories are flat, so the last part.
fn category_name(path: &str) -> String {
    path.split('/').map(str::trim).rfind(|p| !p.is_empty() && !p.starts_with('$')).unwrap_or("").to_string()
}

fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push((c, false));
            continue;
        }
        match chars.peek().copied() {
            Some(n @ (':' | '=' | '~' | '#' | '{' | '}' | '\\')) => {
                chars.next();
                out.push((n, true));
            }
            Some('n') => {
                chars.next();
                out.push(('\n', true));
            }
            _ => out.push(('\\', false)),
        }
    }
    out
}

fn plain(tokens: &[Token]) -> String {
    tokens.iter().map(|(c, _)| *c).collect::<String>().trim().to_string()
}

/// Where the unescaped `pattern` first occurs at or after `from`.
fn find(tokens: &[Token], from: usize, pattern: &str) -> Option<usize> {
    let pattern: Vec<char> = pattern.chars().collect();
    (from..tokens.len().saturating_sub(pattern.len() - 1))
        .find(|&i| pattern.iter().enumerate().all(|(k, p)| tokens[i + k] == (*p, false)))
}

fn trim_tokens(mut t: &[Token]) -> &[Token] {
    while t.first().is_some_and(|(c, _)| c.is_whitespace()) {
        t = &t[1..];
    }
    while t.last().is_some_and(|(c, _)| c.is_whitespace()) {
        t = &t[..t.len() - 1];
    }
    t
}

/// The question and how many images its text lost.
fn parse_question(source: &str, feedback_ignored: &mut usize) -> Result<(RawQuestion, usize), RowProblem> {
    let all = tokens(source);
    let mut t = trim_tokens(&all);
    if find(t, 0, "::") == Some(0) {
        if let Some(end) = find(t, 2, "::") {
            t = trim_tokens(&t[end + 2..]);
        }
    }
    let head: String = t.iter().take(12).map(|(c, _)| c.to_ascii_lowercase()).collect();
    let (marked, _) = TextFormat::split_marker(&head);
    let format = marked.unwrap_or(TextFormat::Plain);
    if marked.is_some() {
        let marker_len = head.find(']').map_or(0, |p| p + 1);
        t = trim_tokens(&t[marker_len..]);
    }
    // Text in the question's format as plain text; images dropped are counted.
    let mut images = 0;
    let mut render = |text: &str, format: TextFormat| {
        let (plain, dropped) = format.to_plain(text);
        images += dropped;
        plain
    };
    let open = find(t, 0, "{").ok_or(RowProblem::UnsupportedGiftKind(GiftKind::Description))?;
    let close = find(t, open + 1, "}").ok_or(RowProblem::GiftUnclosedBrace)?;
    let before = render(&plain(&t[..open]), format);
    let after = render(&plain(&t[close + 1..]), format);
    // A "missing word" question has text after the answers: the gap is shown as ____.
    let stem = if after.is_empty() { before } else { format!("{before} ____ {after}").trim().to_string() };

    let mut inner = &t[open + 1..close];
    let mut explanation = String::new();
    if let Some(p) = find(inner, 0, "####") {
        let feedback = plain(&inner[p + 4..]);
        let (own, text) = TextFormat::split_marker(&feedback);
        explanation = render(text, own.unwrap_or(format));
        inner = &inner[..p];
    }
    let inner = trim_tokens(inner);
    if inner.is_empty() {
        return Err(RowProblem::UnsupportedGiftKind(GiftKind::Essay));
    }
    if inner[0] == ('#', false) {
        return Err(RowProblem::UnsupportedGiftKind(GiftKind::Numerical));
    }
    let true_false_end = find(inner, 0, "#").unwrap_or(inner.len());
    let answer = match plain(&inner[..true_false_end]).to_uppercase().as_str() {
        "T" | "TRUE" => Some("T"),
        "F" | "FALSE" => Some("F"),
        _ => None,
    };
    if let Some(answer) = answer {
        if true_false_end < inner.len() {
            *feedback_ignored += 1;
        }
        return Ok((
            RawQuestion {
                qtype: "true_false".into(),
                stem,
                answer: answer.into(),
                explanation,
                ..RawQuestion::default()
            },
            images,
        ));
    }

    // Answers: each starts at an unescaped `=` (right) or `~` (wrong, or weighted).
    let starts: Vec<usize> = (0..inner.len()).filter(|&i| matches!(inner[i], ('=', false) | ('~', false))).collect();
    match starts.first() {
        Some(&first) if plain(&inner[..first]).is_empty() => {}
        _ => return Err(RowProblem::GiftUnreadableAnswers),
    }
    let mut options = Vec::new();
    let mut right = String::new();
    let mut any_wrong_marker = false;
    for (k, &start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(inner.len());
        let is_right = inner[start].0 == '=';
        any_wrong_marker |= !is_right;
        let mut item = trim_tokens(&inner[start + 1..end]);
        if find(item, 0, "->").is_some() {
            return Err(RowProblem::UnsupportedGiftKind(GiftKind::Matching));
        }
        let mut weight = None;
        if item.first() == Some(&('%', false)) {
            if let Some(p) = find(item, 1, "%") {
                weight = plain(&item[1..p]).parse::<f64>().ok();
                item = &item[p + 1..];
            }
        }
        if let Some(p) = find(item, 0, "#") {
            *feedback_ignored += 1;
            item = &item[..p];
        }
        if weight.map_or(is_right, |w| w > 0.0) {
            right.push(letter(options.len().min(25)));
        }
        let text = plain(item);
        let (own, text) = TextFormat::split_marker(&text);
        options.push(render(text, own.unwrap_or(format)));
    }
    if !any_wrong_marker {
        return Err(RowProblem::UnsupportedGiftKind(GiftKind::ShortAnswer));
    }
    let qtype = if right.chars().count() >= 2 { "multiple" } else { "single" };
    Ok((
        RawQuestion { qtype: qtype.into(), stem, options, answer: right, explanation, ..RawQuestion::default() },
        images,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(source: &str) -> Result<RawQuestion, RowProblem> {
        parse_question(source, &mut 0).map(|(q, _)| q)
    }

    #[test]
    fn kinds_and_escapes() {
        let q = parse("::t1:: 1 \\+ 1 \\= ? {=2 ~3#不对 ~4 ####因为 1\\+1\\=2}").unwrap();
        assert_eq!((q.qtype.as_str(), q.stem.as_str()), ("single", "1 \\+ 1 = ?"));
        assert_eq!(
            (q.options, q.answer.as_str(), q.explanation.as_str()),
            (vec!["2".to_string(), "3".into(), "4".into()], "A", "因为 1\\+1=2")
        );
        let q = parse("哪些是金属？{~%50%铁 ~%50%铜 ~%-100%木}").unwrap();
        assert_eq!((q.qtype.as_str(), q.answer.as_str()), ("multiple", "AB"));
        let q = parse("水是液体。{TRUE####常温下}").unwrap();
        assert_eq!((q.qtype.as_str(), q.answer.as_str(), q.explanation.as_str()), ("true_false", "T", "常温下"));
        assert_eq!(parse("地球是平的{F}").unwrap().answer, "F");
        let q = parse("[html]太阳从{=东方 ~西方}升起").unwrap();
        assert_eq!(q.stem, "太阳从 ____ 升起");
        let q = parse("符号 \\{ 与 \\} 与 \\~ 与 \\# 与 a\\:b{=是 ~否}").unwrap();
        assert_eq!(q.stem, "符号 { 与 } 与 ~ 与 # 与 a:b");
    }

    #[test]
    fn unsupported_kinds_are_named() {
        let kind = |s: &str| parse(s).unwrap_err();
        assert_eq!(kind("圆周率？{#3.14:0.01}"), RowProblem::UnsupportedGiftKind(GiftKind::Numerical));
        assert_eq!(kind("配对{=猫 -> 喵 =狗 -> 汪 =牛 -> 哞}"), RowProblem::UnsupportedGiftKind(GiftKind::Matching));
        assert_eq!(kind("首都是？{=北京 =北京市}"), RowProblem::UnsupportedGiftKind(GiftKind::ShortAnswer));
        assert_eq!(kind("谈谈你的看法{}"), RowProblem::UnsupportedGiftKind(GiftKind::Essay));
        assert_eq!(kind("只是说明文字"), RowProblem::UnsupportedGiftKind(GiftKind::Description));
        assert_eq!(kind("没有闭合{=a ~b"), RowProblem::GiftUnclosedBrace);
        assert_eq!(kind("乱写{随便}"), RowProblem::GiftUnreadableAnswers);
    }

    #[test]
    fn sniffing_and_categories() {
        assert!(looks_like_gift("问题 { =对 ~错 }"));
        assert!(looks_like_gift("::标题:: 问题{T}"));
        assert!(looks_like_gift("问题{false}"));
        assert!(!looks_like_gift("题型,题干\n单选,{a}"));
        assert_eq!(category_name(" $course$/top/科普/物理 "), "物理");
        assert_eq!(category_name("健康"), "健康");
    }
}
