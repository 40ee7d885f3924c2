//! Questions typed the way Chinese organizers type them, in Word or in a text box:
//!
//! ```text
//! 一、单选题（每题 2 分）
//! 1. 光年是什么单位？（  ）
//! A、时间  B、长度
//! C、速度  D、质量
//! 答案：B
//! 解析：光在一年里走过的距离。
//! ```
//!
//! Type headings (一、单选题, 【判断题】) set the type of the questions under them; numbered
//! stems (`1.` `1、` `（1）` `第1题`) start a question; options carry their letters, one per line
//! or several on a line; `答案：` and `解析：` lines close it. An answer written in the stem's
//! brackets (`…（ B ）`) counts when there is no 答案 line.

use super::layout::{split_lettered, unused_type};
use super::text::half_width;
use super::{Collector, ColumnNames, Entry};
use crate::core::model::bank::{QuestionType, RawQuestion};

/// Whether `text` reads like typed questions: a numbered stem and an 答案 line.
pub(crate) fn looks_like_typed_questions(text: &str) -> bool {
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    lines.iter().any(|l| question_start(l).is_some()) && lines.iter().any(|l| answer_line(l).is_some())
}

/// The text after a question's number: `1.` `1、` `1．` `1)` `（1）` `第1题`.
fn question_start(line: &str) -> Option<&str> {
    let t = line.trim_start();
    if let Some(rest) = t.strip_prefix('第') {
        let digits = rest.chars().take_while(|c| c.is_ascii_digit()).count();
        if digits > 0 {
            if let Some(after) = rest[digits..].strip_prefix('题') {
                return Some(after.trim_start_matches([':', '：', '、', '.', '．', ' ']).trim());
            }
        }
    }
    if let Some(rest) = t.strip_prefix('（').or_else(|| t.strip_prefix('(')) {
        let digits = rest.chars().take_while(|c| c.is_ascii_digit()).count();
        if digits > 0 {
            if let Some(after) = rest[digits..].strip_prefix('）').or_else(|| rest[digits..].strip_prefix(')')) {
                return Some(after.trim());
            }
        }
        return None;
    }
    let digits = t.chars().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 || digits > 4 {
        return None;
    }
    let rest = &t[digits..];
    let mark = rest.chars().next()?;
    // `1.5 米` is a number, not a question: the mark must not be followed by a digit.
    let after = &rest[mark.len_utf8()..];
    if matches!(mark, '.' | '、' | '．' | ')' | '）') && !after.starts_with(|c: char| c.is_ascii_digit()) {
        Some(after.trim())
    } else {
        None
    }
}

/// The answer of an `答案：B` / `【答案】B` / `参考答案：对` line.
fn answer_line(line: &str) -> Option<&str> {
    labelled(line, &["正确答案", "参考答案", "标准答案", "答案"])
}

fn explanation_line(line: &str) -> Option<&str> {
    labelled(line, &["答案解析", "试题解析", "解析", "分析"])
}

/// The text after `label：` (or `【label】`, `label:`), if the line starts so.
fn labelled<'a>(line: &'a str, labels: &[&str]) -> Option<&'a str> {
    let t = line.trim_start();
    for label in labels {
        if let Some(rest) = t.strip_prefix('【').and_then(|r| r.strip_prefix(label)).and_then(|r| r.strip_prefix('】'))
        {
            return Some(rest.trim_start_matches([':', '：']).trim());
        }
        if let Some(rest) = t.strip_prefix(label) {
            if let Some(rest) = rest.trim_start().strip_prefix([':', '：']) {
                return Some(rest.trim());
            }
        }
    }
    None
}

/// A type heading: `一、单选题（每题2分）`, `二．多项选择题`, `【判断题】`, `判断题` alone.
/// `Ok(type)` for the contests' types, `Err(name)` for others (简答题 …).
fn type_heading(line: &str) -> Option<Result<QuestionType, String>> {
    let t = line.trim();
    let numbered = t.trim_start_matches(['一', '二', '三', '四', '五', '六', '七', '八', '九', '十']);
    let body = if numbered.len() < t.len() {
        numbered.strip_prefix(['、', '.', '．', ' '])?
    } else {
        t.trim_start_matches(['【', '[']).trim_end_matches([']', '】'])
    };
    let name: String = body.chars().take_while(|c| !matches!(c, '（' | '(' | '：' | ':' | ' ' | '，' | ',')).collect();
    let name = name.trim_end_matches(['】', ']']);
    if name.is_empty() || name.chars().count() > 8 || t.chars().count() > 40 {
        return None;
    }
    let known = match name {
        "选择题" | "单项选择题" | "单选题" | "单选" | "单项选择" => Some(QuestionType::Single),
        _ => QuestionType::parse(name),
    };
    match known {
        Some(t) => Some(Ok(t)),
        None => unused_type(name).map(|u| Err(u.to_string())),
    }
}

/// A type written before the stem: `[单选]`, `【多选题】`, `（判断）`, `_[单选]_`.
fn stem_type_tag(stem: &str) -> (Option<QuestionType>, &str) {
    let t = stem.trim_start_matches('_');
    let Some(open) = t.chars().next().filter(|c| matches!(c, '[' | '【' | '(' | '（')) else { return (None, stem) };
    let Some(close) = t.find([']', '】', ')', '）']) else { return (None, stem) };
    let name = &t[open.len_utf8()..close];
    match QuestionType::parse(name) {
        Some(qtype) => {
            let rest = &t[close + t[close..].chars().next().map_or(1, char::len_utf8)..];
            (Some(qtype), rest.trim_start_matches('_').trim())
        }
        None => (None, stem),
    }
}

/// A question being read.
#[derive(Default)]
struct Draft {
    line: usize,
    qtype: String,
    stem: String,
    options: String,
    answer: String,
    explanation: String,
    /// Where the next plain line goes.
    part: Part,
}

#[derive(Default, PartialEq)]
enum Part {
    #[default]
    Stem,
    Options,
    Explanation,
}

pub(crate) fn import(text: &str, out: &mut Collector) {
    let mut section = String::new();
    let mut draft: Option<Draft> = None;
    for (index, raw_line) in text.lines().enumerate() {
        let line = raw_line.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(heading) = type_heading(line) {
            finish(draft.take(), out);
            section = match heading {
                Ok(t) => t.code().to_string(),
                Err(name) => name,
            };
            continue;
        }
        if let Some(stem) = question_start(line) {
            finish(draft.take(), out);
            let (tagged, stem) = stem_type_tag(stem);
            let qtype = tagged.map_or_else(|| section.clone(), |t| t.code().to_string());
            draft = Some(Draft { line: index + 1, qtype, stem: stem.to_string(), ..Draft::default() });
            continue;
        }
        let Some(d) = draft.as_mut() else { continue };
        // Markdown bullets before options: `- A: 编译型语言`.
        let line = line.strip_prefix(['-', '*', '•']).map_or(line, str::trim_start);
        // An answer may follow the last option on its line: `D、丁    答案：B`.
        let (body, inline_answer) = match line.find("答案") {
            Some(at) if at > 0 && answer_line(&line[at..]).is_some() => (line[..at].trim(), answer_line(&line[at..])),
            _ => (line, None),
        };
        if let Some(answer) = answer_line(body).or(inline_answer.filter(|_| body.is_empty())) {
            d.answer = answer.to_string();
            d.part = Part::Explanation;
            continue;
        }
        if let Some(explanation) = explanation_line(body) {
            d.explanation = explanation.to_string();
            d.part = Part::Explanation;
            continue;
        }
        match d.part {
            Part::Stem | Part::Options if starts_with_option_a(body) || d.part == Part::Options => {
                if !d.options.is_empty() {
                    d.options.push('\n');
                }
                d.options.push_str(body);
                d.part = Part::Options;
            }
            Part::Stem => {
                d.stem.push('\n');
                d.stem.push_str(body);
            }
            Part::Options => unreachable!("handled above"),
            Part::Explanation => {
                if !d.explanation.is_empty() {
                    d.explanation.push('\n');
                }
                d.explanation.push_str(body);
            }
        }
        if let Some(answer) = inline_answer {
            d.answer = answer.to_string();
            d.part = Part::Explanation;
        }
    }
    finish(draft, out);
}

/// Whether a line starts with option A's mark: `A、` `A.` `A:` `A)` `(A)`.
fn starts_with_option_a(line: &str) -> bool {
    let chars: Vec<char> = half_width(line).chars().take(3).collect();
    match chars[..] {
        ['A', mark, ..] => matches!(mark, '.' | '、' | ':' | ')'),
        ['(', 'A', ')', ..] => true,
        _ => false,
    }
}

fn finish(draft: Option<Draft>, out: &mut Collector) {
    let Some(mut d) = draft else { return };
    if d.answer.is_empty() {
        if let Some((stem, answer)) = answer_in_brackets(&d.stem) {
            d.stem = stem;
            d.answer = answer;
        }
    }
    let options = if d.options.is_empty() {
        Vec::new()
    } else {
        split_lettered(&d.options).unwrap_or_else(|| vec![d.options.clone()])
    };
    let raw = RawQuestion {
        qtype: d.qtype,
        stem: d.stem.trim().to_string(),
        options,
        answer: d.answer,
        explanation: d.explanation.trim().to_string(),
        ..RawQuestion::default()
    };
    out.add(Entry::new(None, d.line, raw), &ColumnNames::default());
}

/// `光年是（ B ）单位` → (`光年是（  ）单位`, `B`): letters or √/×/对/错 in the stem's last
/// brackets.
fn answer_in_brackets(stem: &str) -> Option<(String, String)> {
    let open = stem.rfind(['（', '('])?;
    let close_at = stem[open..].find(['）', ')'])? + open;
    let inside = stem[open + stem[open..].chars().next()?.len_utf8()..close_at].trim();
    let letters = !inside.is_empty()
        && half_width(inside).chars().all(|c| c.is_ascii_uppercase() || matches!(c, ',' | '、' | ' '))
        && inside.chars().count() <= 8;
    let truth = matches!(inside, "√" | "×" | "对" | "错" | "✓" | "✗" | "正确" | "错误");
    if !(letters || truth) {
        return None;
    }
    let close_len = stem[close_at..].chars().next()?.len_utf8();
    let blanked = format!("{}（  ）{}", &stem[..open], &stem[close_at + close_len..]);
    Some((blanked, inside.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_shapes() {
        assert_eq!(question_start("1. 光年是什么？"), Some("光年是什么？"));
        assert_eq!(question_start("12、题"), Some("题"));
        assert_eq!(question_start("（3）题"), Some("题"));
        assert_eq!(question_start("第4题：题"), Some("题"));
        assert_eq!(question_start("1.5 米高"), None);
        assert_eq!(question_start("2024年的题"), None);
        assert_eq!(answer_line("答案：B"), Some("B"));
        assert_eq!(answer_line("【答案】AC"), Some("AC"));
        assert_eq!(answer_line("参考答案: 对"), Some("对"));
        assert_eq!(answer_line("答案在书里"), None);
        assert_eq!(explanation_line("解析：因为"), Some("因为"));
        assert_eq!(type_heading("一、单选题（每题 2 分，共 20 分）"), Some(Ok(QuestionType::Single)));
        assert_eq!(type_heading("二．多项选择题"), Some(Ok(QuestionType::Multiple)));
        assert_eq!(type_heading("【判断题】"), Some(Ok(QuestionType::TrueFalse)));
        assert_eq!(type_heading("四、简答题"), Some(Err("简答题".into())));
        assert_eq!(type_heading("一、下列说法正确的是"), None);
        assert_eq!(answer_in_brackets("光年是（ B ）单位"), Some(("光年是（  ）单位".to_string(), "B".to_string())));
        assert_eq!(answer_in_brackets("水往低处流（√）"), Some(("水往低处流（  ）".to_string(), "√".to_string())));
        assert_eq!(answer_in_brackets("光年（light year）是"), None);
        assert_eq!(stem_type_tag("_[单选]_Python 是？"), (Some(QuestionType::Single), "Python 是？"));
        assert_eq!(stem_type_tag("【多选题】哪些？"), (Some(QuestionType::Multiple), "哪些？"));
        assert_eq!(stem_type_tag("（注意）哪些？"), (None, "（注意）哪些？"));
    }
}
