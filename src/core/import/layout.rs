//! The layouts of real templates turned into the bank's, for every format before validation:
//! all options in one cell, options that carry their own letter, the type inferred when none
//! is given, 判断 rows whose options are 正确/错误, options that refer to each other.

use super::text::half_width;
use super::{RowNote, RowProblem};
use crate::core::model::bank::{Difficulty, QuestionType, RawQuestion, CROWDS, MAX_OPTIONS};

/// Reads a question as the bank wants it; `raw` is changed in place. Returns what was read
/// differently from how it was written, and problems only this step can see.
pub(crate) fn tidy(raw: &mut RawQuestion) -> (Vec<RowNote>, Vec<RowProblem>) {
    let mut notes = Vec::new();
    let mut problems = Vec::new();
    if let [one, rest @ ..] = &raw.options[..] {
        if rest.iter().all(|o| o.trim().is_empty()) && !one.trim().is_empty() && truth_word(one).is_none() {
            match split_lettered(one) {
                Some(pieces) => {
                    raw.options = pieces;
                    notes.push(RowNote::OptionsSplit);
                }
                None if one.contains(SEPARATORS) => problems.push(RowProblem::OptionsNotLettered(one.clone())),
                None => {}
            }
        }
    }
    strip_own_letters(&mut raw.options);
    if raw.qtype.trim().is_empty() || is_choice_word(&raw.qtype) {
        let inferred = infer_type(raw);
        raw.qtype = inferred.code().to_string();
        notes.push(RowNote::TypeInferred(inferred));
    }
    if QuestionType::parse(&raw.qtype).is_some_and(|t| !t.has_written_options()) {
        true_false_options(raw);
    }
    if raw.shuffle.is_none() && raw.options.iter().any(|o| refers_to_other_options(o)) {
        raw.shuffle = Some(false);
        notes.push(RowNote::NoShuffle);
    }
    (notes, problems)
}

/// `A、防风险` `B.` `(C)` `D ` → the text, when every option carries its own letter in order.
fn strip_own_letters(options: &mut [String]) {
    let used = options.iter().rposition(|o| !o.trim().is_empty()).map_or(0, |p| p + 1);
    if used < 2 {
        return;
    }
    let starts: Option<Vec<usize>> = options[..used]
        .iter()
        .enumerate()
        .map(|(k, o)| {
            let chars: Vec<char> = o.trim_start().chars().map(super::text::half_width_char).collect();
            let letter = crate::core::model::bank::letter(k);
            letter_mark(&chars, 0, letter).or_else(|| {
                (chars.first() == Some(&letter) && chars.get(1).is_some_and(|c| c.is_whitespace())).then_some(2)
            })
        })
        .collect();
    let Some(starts) = starts else { return };
    for (option, start) in options.iter_mut().zip(starts) {
        let text: String = option.trim_start().chars().skip(start).collect();
        if !text.trim().is_empty() {
            *option = text.trim().to_string();
        }
    }
}

/// Whether an option only makes sense next to the others: 以上都对, 以上均不正确, 上述说法,
/// 所有以上答案, 全部选项, A和B, A、C都对, both/all/none of the above. `65岁以上` is not one.
pub(crate) fn refers_to_other_options(option: &str) -> bool {
    let t: String = half_width(option).chars().filter(|c| !c.is_whitespace()).collect();
    let lower = t.to_lowercase();
    if lower.contains("above") && ["all", "none", "both", "neither"].iter().any(|w| lower.contains(w)) {
        return true;
    }
    if ["所有以上", "所有选项", "全部选项", "以上所有", "上述所有", "前面选项", "其他选项"]
        .iter()
        .any(|p| t.contains(p))
    {
        return true;
    }
    const AFTER: [&str; 16] =
        ["都", "均", "全", "皆", "各", "说法", "选项", "答案", "三", "四", "两", "二", "几", "情况", "都不", "所述"];
    for word in ["以上", "上述"] {
        if t.starts_with(word) {
            return true;
        }
        for (at, _) in t.match_indices(word) {
            if AFTER.iter().any(|a| t[at + word.len()..].starts_with(a)) {
                return true;
            }
        }
    }
    // Two option letters standing alone, joined: A和B, A与C, A、B, A+B, AB都对, AB两项.
    let chars: Vec<char> = t.chars().collect();
    let is_letter = |k: usize| chars.get(k).is_some_and(|c| ('A'..='H').contains(c));
    let alone_before = |k: usize| k == 0 || !chars[k - 1].is_ascii_alphanumeric();
    let alone_after = |k: usize| chars.get(k).is_none_or(|c| !c.is_ascii_alphanumeric());
    for k in 0..chars.len() {
        if !is_letter(k) || !alone_before(k) {
            continue;
        }
        let joined =
            chars.get(k + 1).is_some_and(|c| "和与及、,+&或".contains(*c)) && is_letter(k + 2) && alone_after(k + 3);
        let paired = is_letter(k + 1) && chars.get(k + 2).is_some_and(|c| "都均两二三全".contains(*c));
        if joined || paired {
            return true;
        }
    }
    false
}

/// A type that says "choice" without saying how many answers (选择题, MULTIPLE_CHOICE in
/// English templates, where it means one or more): the answer decides.
fn is_choice_word(qtype: &str) -> bool {
    let t = half_width(qtype.trim()).to_lowercase().replace(['-', ' '], "_");
    matches!(t.as_str(), "选择" | "选择题" | "choice" | "multiple_choice" | "multiplechoice" | "mcq" | "single_choice")
}

/// What separates options written in one cell.
const SEPARATORS: [char; 10] = ['\n', '/', '|', ';', '；', ',', '，', '、', '\t', '　'];

/// 判断 when the options are 正确/错误 or there are none and the answer is 对/错; 多选 when
/// the answer has two or more letters; otherwise 单选.
fn infer_type(raw: &RawQuestion) -> QuestionType {
    let no_options = raw.options.iter().all(|o| o.trim().is_empty());
    if true_false_pair(&raw.options).is_some() || (no_options && truth_word(&raw.answer).is_some()) {
        return QuestionType::TrueFalse;
    }
    let letters = half_width(&raw.answer).chars().filter(|c| c.is_ascii_alphabetic()).count();
    if letters >= 2 {
        QuestionType::Multiple
    } else {
        QuestionType::Single
    }
}

/// Where option `letter`'s own mark (`A.`, `A、`, `A:`, `A)`, `(A)`) starts at `i` of the
/// half-width `chars`, and where its text begins.
fn letter_mark(chars: &[char], i: usize, letter: char) -> Option<usize> {
    let at = |k: usize| chars.get(k).copied();
    if at(i) == Some(letter) && matches!(at(i + 1), Some('.' | '、' | ':' | ')' | '．')) {
        return Some(i + 2);
    }
    if at(i) == Some('(') && at(i + 1) == Some(letter) && at(i + 2) == Some(')') {
        return Some(i + 3);
    }
    None
}

/// `A.9种/B.10种/C.12种`, `A. x | B. y`, `A、x；B、y`, one per line: the options, when every
/// piece starts with its own letter in order (A first) after a separator.
pub(crate) fn split_lettered(cell: &str) -> Option<Vec<String>> {
    let original: Vec<char> = cell.trim().chars().collect();
    let chars: Vec<char> = original.iter().map(|c| super::text::half_width_char(*c)).collect();
    // (mark start, text start) of each option.
    let mut marks: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let letter = crate::core::model::bank::letter(marks.len());
        let after_separator = i == 0 || chars[i - 1].is_whitespace() || SEPARATORS.contains(&original[i - 1]);
        match letter_mark(&chars, i, letter).filter(|_| after_separator && marks.len() < MAX_OPTIONS) {
            Some(text) => {
                marks.push((i, text));
                i = text;
            }
            None if marks.is_empty() => return None,
            None => i += 1,
        }
    }
    if marks.len() < 2 {
        return None;
    }
    let pieces: Vec<String> = marks
        .iter()
        .enumerate()
        .map(|(k, (_, text))| {
            let end = marks.get(k + 1).map_or(original.len(), |(start, _)| *start);
            let piece: String = original[*text..end].iter().collect();
            piece.trim().trim_end_matches(|c: char| c.is_whitespace() || SEPARATORS.contains(&c)).trim().to_string()
        })
        .collect();
    pieces.iter().all(|p| !p.is_empty()).then_some(pieces)
}

/// The types of question the contests do not use (填空, 简答, 问答, 论述 …): their rows are
/// skipped as a group, not rejected one by one. The name as written, trimmed.
pub(crate) fn unused_type(text: &str) -> Option<&str> {
    const UNUSED: [&str; 22] = [
        "填空",
        "简答",
        "问答",
        "论述",
        "计算",
        "名词解释",
        "案例",
        "材料",
        "作文",
        "主观",
        "连线",
        "匹配",
        "排序",
        "阅读",
        "实操",
        "操作",
        "识图",
        "画图",
        "essay",
        "short",
        "fill",
        "matching",
    ];
    let t = text.trim();
    let lower = half_width(t).to_lowercase();
    (!t.is_empty() && QuestionType::parse(t).is_none() && UNUSED.iter().any(|u| lower.contains(u))).then_some(t)
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

    fn split(cell: &str) -> Option<Vec<String>> {
        split_lettered(cell)
    }

    #[test]
    fn options_in_one_cell_split_only_when_each_carries_its_letter() {
        let abcd = Some(vec!["9种".to_string(), "10种".into(), "12种".into(), "13种".into()]);
        assert_eq!(split("A.9种/B.10种/C.12种/D.13种"), abcd);
        assert_eq!(split("A．9种　B．10种　C．12种　D．13种"), abcd);
        assert_eq!(split("A、9种；B、10种；C、12种；D、13种"), abcd);
        assert_eq!(split("A. 9种 | B. 10种 | C. 12种 | D. 13种"), abcd);
        assert_eq!(split("A:9种\nB:10种\nC:12种\nD:13种"), abcd);
        assert_eq!(split("(A)9种 (B)10种 (C)12种 (D)13种"), abcd);
        assert_eq!(split("（A）9种，（B）10种，（C）12种，（D）13种"), abcd);
        assert_eq!(split("A.用 B超检查/B.用 X 光"), Some(vec!["用 B超检查".to_string(), "用 X 光".into()]));
        assert_eq!(split("A.A、B两项/B.都不是"), Some(vec!["A、B两项".to_string(), "都不是".into()]));
        assert_eq!(split("9种/10种/12种"), None, "no letters");
        assert_eq!(split("B.10种/A.9种"), None, "not from A");
        assert_eq!(split("A.9种"), None, "one piece is not a split");
        assert_eq!(split("A.9种/B./C.12种"), None, "an empty piece");
        assert_eq!(split("A.9种/C.12种"), None, "C is not B");
    }

    #[test]
    fn own_letters_are_stripped_only_when_every_option_has_its_own() {
        let strip = |options: &[&str]| {
            let mut options: Vec<String> = options.iter().map(|o| o.to_string()).collect();
            strip_own_letters(&mut options);
            options
        };
        assert_eq!(
            strip(&["A、防风险", "B.保安全", "(C)促发展", "D 惠民生"]),
            ["防风险", "保安全", "促发展", "惠民生"]
        );
        assert_eq!(strip(&["Ａ．甲", "Ｂ．乙", ""]), ["甲", "乙", ""]);
        assert_eq!(strip(&["A型血", "B型血", "O型血"]), ["A型血", "B型血", "O型血"]);
        assert_eq!(strip(&["A、甲", "乙"]), ["A、甲", "乙"], "not every option has its letter");
        assert_eq!(strip(&["B、甲", "A、乙"]), ["B、甲", "A、乙"], "letters out of order");
        assert_eq!(strip(&["A、甲"]), ["A、甲"]);
    }

    #[test]
    fn options_that_refer_to_each_other_are_found() {
        for yes in [
            "以上都对",
            "以上均不正确",
            "以上说法都不对",
            "以上三项",
            "上述都是",
            "所有以上答案",
            "以上皆是",
            "A和B",
            "A、C都对",
            "A与B均正确",
            "AB都对",
            "A+B",
            "All of the above",
            "none of the above",
        ] {
            assert!(refers_to_other_options(yes), "{yes}");
        }
        for no in ["65岁以上的老人", "3次以上", "DNA和RNA", "维生素A和维生素C", "B超", "A型血", "温度在0℃以上"]
        {
            assert!(!refers_to_other_options(no), "{no}");
        }
    }

    #[test]
    fn unused_types_are_named() {
        for t in ["简答题", "填空题", " 问答 ", "论述题", "计算题", "名词解释", "Essay"] {
            assert_eq!(unused_type(t), Some(t.trim()), "{t}");
        }
        for t in ["单选题", "", "判断", "选择题"] {
            assert_eq!(unused_type(t), None, "{t}");
        }
    }

    #[test]
    fn the_type_is_inferred_from_options_and_answer() {
        let infer = |options: &[&str], answer: &str| {
            let mut raw = RawQuestion {
                stem: "s".into(),
                options: options.iter().map(|o| o.to_string()).collect(),
                answer: answer.into(),
                ..RawQuestion::default()
            };
            let (notes, _) = tidy(&mut raw);
            (QuestionType::parse(&raw.qtype), notes)
        };
        use QuestionType::*;
        assert_eq!(infer(&["正确", "错误"], "A"), (Some(TrueFalse), vec![RowNote::TypeInferred(TrueFalse)]));
        assert_eq!(infer(&[], "对").0, Some(TrueFalse));
        assert_eq!(infer(&["甲", "乙", "丙"], "A,C").0, Some(Multiple));
        assert_eq!(infer(&["甲", "乙", "丙"], "B").0, Some(Single));
        assert_eq!(
            infer(&["A.甲/B.乙/C.丙"], "BC"),
            (Some(Multiple), vec![RowNote::OptionsSplit, RowNote::TypeInferred(Multiple)])
        );
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
