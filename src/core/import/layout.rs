//! The layouts of real templates turned into the bank's, for every format before validation:
//! 判断 rows whose options are 正确/错误.

use super::text::half_width;
use super::RowNote;
use crate::core::bank::{Difficulty, QuestionType, RawQuestion, CROWDS};

/// Reads a question as the bank wants it; `raw` is changed in place.
pub(crate) fn tidy(raw: &mut RawQuestion) {
    if QuestionType::parse(&raw.qtype) == Some(QuestionType::TrueFalse) {
        true_false_options(raw);
    }
}

/// Optional cells never reject a row: a difficulty the importer cannot read counts as 中 and
/// a crowd group that is not one of the five is left out, each with a note.
pub(crate) fn optional_columns(raw: &mut RawQuestion) -> Vec<RowNote> {
    let mut notes = Vec::new();
    if let Some(d) = raw.difficulty.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        if Difficulty::parse(d).is_none() {
            notes.push(RowNote::UnknownDifficulty(d.to_string()));
            raw.difficulty = None;
        }
    }
    raw.crowds.retain(|c| {
        let known = CROWDS.contains(&c.trim());
        if !known {
            notes.push(RowNote::UnknownCrowd(c.trim().to_string()));
        }
        known
    });
    notes
}

/// 是 / 否 as a 判断 option or answer word (正确, 对, √, T, true …); `None` for anything else.
pub(crate) fn truth_word(text: &str) -> Option<bool> {
    let t = half_width(text.trim()).to_lowercase();
    let t = t.trim_end_matches(['.', '。']);
    match t {
        "正确" | "对" | "是" | "√" | "✓" | "✔" | "t" | "true" | "y" | "yes" | "对的" | "正确的" => {
            Some(true)
        }
        "错误" | "错" | "否" | "×" | "✗" | "✘" | "x" | "f" | "false" | "n" | "no" | "错的" | "错误的" | "不正确" => {
            Some(false)
        }
        _ => None,
    }
}

/// The non-empty options, if they are exactly one 正确-like and one 错误-like word.
pub(crate) fn true_false_pair(options: &[String]) -> Option<[bool; 2]> {
    let filled: Vec<&String> = options.iter().filter(|o| !o.trim().is_empty()).collect();
    match filled[..] {
        [a, b] => match (truth_word(a), truth_word(b)) {
            (Some(a), Some(b)) if a != b && options[0].trim() == filled[0].trim() => Some([a, b]),
            _ => None,
        },
        _ => None,
    }
}

/// 判断 with 正确/错误 (or 对/错) written into 选项A/选项B, in either order: the answer,
/// a letter, the option's text or 1/0, becomes 正确 or 错误, and the options go.
fn true_false_options(raw: &mut RawQuestion) {
    let Some(truths) = true_false_pair(&raw.options) else { return };
    let answer = half_width(raw.answer.trim()).to_uppercase();
    let truth = match answer.as_str() {
        "A" => Some(truths[0]),
        "B" => Some(truths[1]),
        "1" => Some(true),
        "0" => Some(false),
        other => truth_word(other),
    };
    if let Some(truth) = truth {
        raw.answer = if truth { "正确" } else { "错误" }.to_string();
        raw.options.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tf(options: &[&str], answer: &str) -> RawQuestion {
        let mut raw = RawQuestion {
            qtype: "判断".into(),
            stem: "s".into(),
            options: options.iter().map(|o| o.to_string()).collect(),
            answer: answer.into(),
            ..RawQuestion::default()
        };
        tidy(&mut raw);
        raw
    }

    #[test]
    fn true_false_options_in_either_order() {
        for (options, answer, expected) in [
            (&["正确", "错误"][..], "A", "正确"),
            (&["正确", "错误"], "B", "错误"),
            (&["错误", "正确"], "A", "错误"),
            (&["错", "对"], "b", "正确"),
            (&["对", "错"], "错", "错误"),
            (&["对", "错"], "正确", "正确"),
            (&["对", "错"], "1", "正确"),
            (&["对", "错"], "0", "错误"),
            (&["√", "×", "", ""], "Ａ", "正确"),
        ] {
            let raw = tf(options, answer);
            assert_eq!((raw.answer.as_str(), raw.options.len()), (expected, 0), "{options:?} {answer}");
        }
        assert_eq!(tf(&["对", "对"], "A").options.len(), 2, "not a pair: left for validation to reject");
        assert_eq!(tf(&["对", "错"], "C").options.len(), 2, "an answer off the pair is left as written");
        assert_eq!(tf(&["", "对", "错"], "A").options.len(), 3, "a gap is not the pair");
    }
}
