//! Moodle's Aiken format: a question line, options `A. text` or `A) text`, then
//! `ANSWER: B`. Single choice; `ANSWER: A,C` is read as multiple choice.

use super::text::half_width_char;
use super::{Collector, ColumnNames, Entry, RowProblem};
use crate::core::model::bank::RawQuestion;

pub(crate) fn looks_like_aiken(text: &str) -> bool {
    text.lines().any(|l| answer_line(l).is_some())
}

/// The letters of an `ANSWER: B` line (`ANSWER：B` and lower case too).
fn answer_line(line: &str) -> Option<&str> {
    let t = line.trim();
    let rest = t.get(..6).filter(|p| p.eq_ignore_ascii_case("answer")).map(|_| t[6..].trim_start())?;
    rest.strip_prefix(':').or_else(|| rest.strip_prefix('：')).map(str::trim)
}

/// `A. text`, `A) text`, `A、text`, full-width forms too: the option's index and text.
fn option_line(line: &str) -> Option<(usize, String)> {
    let mut chars = line.trim_start().chars();
    let c = half_width_char(chars.next()?);
    let separator = half_width_char(chars.next()?);
    if !c.is_ascii_uppercase() || !matches!(separator, '.' | ')' | '、') {
        return None;
    }
    Some((c as usize - 'A' as usize, chars.as_str().trim().to_string()))
}

struct Pending {
    row: usize,
    stem: String,
    options: Vec<String>,
    /// A blank line came after the options: only the next option or ANSWER may follow.
    blank_after_options: bool,
    problems: Vec<RowProblem>,
}

impl Pending {
    fn new(row: usize, stem: &str) -> Pending {
        Pending { row, stem: stem.to_string(), options: Vec::new(), blank_after_options: false, problems: Vec::new() }
    }
}

pub(crate) fn import(text: &str, out: &mut Collector) {
    let mut pending: Option<Pending> = None;
    for (index, line) in text.split('\n').enumerate() {
        let number = index + 1;
        let t = line.trim();
        let Some(mut p) = pending.take() else {
            if !t.is_empty() {
                let mut p = Pending::new(number, t);
                // An ANSWER line with no question before it is reported on its own line.
                if let Some(answer) = answer_line(t) {
                    p.stem.clear();
                    finish(p, Some(answer), out);
                } else {
                    pending = Some(p);
                }
            }
            continue;
        };
        if t.is_empty() {
            p.blank_after_options |= !p.options.is_empty();
            pending = Some(p);
        } else if let Some(answer) = answer_line(t) {
            finish(p, Some(answer), out);
        } else if let Some((_, option)) = option_line(t).filter(|(i, _)| *i == p.options.len()) {
            p.options.push(option);
            p.blank_after_options = false;
            pending = Some(p);
        } else if p.options.is_empty() {
            // A stem may run over several lines.
            p.stem.push('\n');
            p.stem.push_str(t);
            pending = Some(p);
        } else if p.blank_after_options {
            // The question ended without its ANSWER line; this line starts the next one.
            finish(p, None, out);
            pending = Some(Pending::new(number, t));
        } else {
            p.problems.push(RowProblem::AikenUnexpectedLine { line: number, text: t.to_string() });
            pending = Some(p);
        }
    }
    if let Some(p) = pending {
        finish(p, None, out);
    }
}

fn finish(mut p: Pending, answer: Option<&str>, out: &mut Collector) {
    let Some(answer) = answer else {
        p.problems.push(RowProblem::AikenMissingAnswerLine);
        out.reject(None, p.row, p.problems.into_iter().map(|problem| (None, problem)).collect());
        return;
    };
    let letters = answer.chars().filter(|c| half_width_char(*c).is_ascii_alphabetic()).count();
    let raw = RawQuestion {
        qtype: if letters >= 2 { "multiple" } else { "single" }.to_string(),
        stem: p.stem,
        options: p.options,
        answer: answer.to_string(),
        ..RawQuestion::default()
    };
    let problems = p.problems.into_iter().map(|problem| (None, problem)).collect();
    out.add(Entry { problems, ..Entry::new(None, p.row, raw) }, &ColumnNames::default());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_shapes() {
        assert_eq!(answer_line(" ANSWER: B "), Some("B"));
        assert_eq!(answer_line("answer：A,C"), Some("A,C"));
        assert_eq!(answer_line("ANSWERS B"), None);
        assert_eq!(option_line("A. 铁"), Some((0, "铁".to_string())));
        assert_eq!(option_line("B) 铜"), Some((1, "铜".to_string())));
        assert_eq!(option_line("Ｃ．木"), Some((2, "木".to_string())));
        assert_eq!(option_line("D、石"), Some((3, "石".to_string())));
        assert_eq!(option_line("水是什么？"), None);
        assert_eq!(option_line("a. 小写"), None);
    }
}
