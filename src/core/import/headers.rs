//! The one table of header names the spreadsheet importers accept, with where each was seen
//! (documented in `docs/import.md`), header normalisation, and the closest-header guess
//! shown when a required column is missing.

use super::text::half_width;
use crate::core::Lang;
use serde::{Deserialize, Serialize};

/// A column of the template.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Field {
    Type,
    Stem,
    Options,
    Answer,
    Explanation,
    Category,
    Difficulty,
    Points,
    Crowd,
    Id,
}

impl Field {
    pub(crate) const ALL: [Field; 10] = [
        Field::Type,
        Field::Stem,
        Field::Options,
        Field::Answer,
        Field::Explanation,
        Field::Category,
        Field::Difficulty,
        Field::Points,
        Field::Crowd,
        Field::Id,
    ];

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Field::Type => lang.pick("题型", "question type"),
            Field::Stem => lang.pick("题干", "stem"),
            Field::Options => lang.pick("选项", "options"),
            Field::Answer => lang.pick("答案", "answer"),
            Field::Explanation => lang.pick("解析", "explanation"),
            Field::Category => lang.pick("分类", "category"),
            Field::Difficulty => lang.pick("难度", "difficulty"),
            Field::Points => lang.pick("分值", "points"),
            Field::Crowd => lang.pick("适用人群", "crowd"),
            Field::Id => lang.pick("编号", "id"),
        }
    }

    /// The headers the template accepts for this column, as listed in an error message.
    pub fn headers(self) -> Vec<&'static str> {
        if self == Field::Options {
            return vec!["选项A … 选项H", "选项1 … 选项8", "A … H", "option_a … option_h", "选项（一格写全部选项）"];
        }
        ALIASES.iter().filter(|a| a.names == Column::Field(self)).map(|a| a.header).collect()
    }
}

/// What a header cell names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Column {
    Field(Field),
    /// Option `i` (0 = A) in a column of its own.
    Option(usize),
    /// Every option of the question in one cell (`A.9种/B.10种/C.12种`).
    AllOptions,
    /// 序号, 题号: rows numbered per sheet, never an identity; read as nothing.
    RowNumber,
}

/// One accepted header (already normalised: half-width, lower case, no spaces) and where
/// organizers' files were seen to use it.
pub(crate) struct Alias {
    pub header: &'static str,
    pub names: Column,
    pub seen_in: &'static str,
}

const fn alias(header: &'static str, names: Column, seen_in: &'static str) -> Alias {
    Alias { header, names, seen_in }
}

use Column::{AllOptions, RowNumber};
const TYPE: Column = Column::Field(Field::Type);
const STEM: Column = Column::Field(Field::Stem);
const ANSWER: Column = Column::Field(Field::Answer);
const EXPLANATION: Column = Column::Field(Field::Explanation);
const CATEGORY: Column = Column::Field(Field::Category);
const DIFFICULTY: Column = Column::Field(Field::Difficulty);
const POINTS: Column = Column::Field(Field::Points);
const CROWD: Column = Column::Field(Field::Crowd);
const ID: Column = Column::Field(Field::Id);

/// Every header the importer accepts besides the per-option forms (选项A, 选项1, A,
/// option_a), which [`match_header`] reads by pattern. `docs/import.md` lists the same table.
pub(crate) const ALIASES: &[Alias] = &[
    alias("题型", TYPE, "spec template"),
    alias("题目类型", TYPE, "spec template; exam-system exports"),
    alias("试题类型", TYPE, "issue #19 survey (exam-system templates)"),
    alias("类型", TYPE, "spec template"),
    alias("type", TYPE, "spec template; English templates"),
    alias("questiontype", TYPE, "English templates (questionType)"),
    alias("题干", STEM, "spec template"),
    alias("题目", STEM, "spec template"),
    alias("题目内容", STEM, "spec template; exports that write 题目内容"),
    alias("问题", STEM, "issue #19 survey; ilhaha/ted-back and FT-Fetters/PoliceLearning import headers"),
    alias("问题内容", STEM, "issue #19 survey (问题内容*)"),
    alias("试题", STEM, "spec template; zzlling123/annotation's single-choice sheet"),
    alias("试题内容", STEM, "issue #19 survey"),
    alias("题目名称", STEM, "questionnaire-style templates"),
    alias("question", STEM, "spec template"),
    alias("questiontext", STEM, "English templates (questionText)"),
    alias("stem", STEM, "spec template"),
    alias("content", STEM, "issue #19 survey; English templates"),
    alias("title", STEM, "issue #19 survey; English templates"),
    alias("选项", AllOptions, "spec template (one cell)"),
    alias("备选答案", AllOptions, "spec template (one cell)"),
    alias("题目所有答案", AllOptions, "spec template (one cell)"),
    alias("所有选项", AllOptions, "one-cell option lists"),
    alias("答案选项", AllOptions, "one-cell option lists"),
    alias("options", AllOptions, "English templates"),
    alias("答案", ANSWER, "spec template"),
    alias("正确答案", ANSWER, "spec template"),
    alias("正确选项", ANSWER, "spec template"),
    alias("标准答案", ANSWER, "spec template"),
    alias("参考答案", ANSWER, "Word papers (参考答案)"),
    alias("answer", ANSWER, "spec template"),
    alias("correctanswer", ANSWER, "English templates (correctAnswer)"),
    alias("解析", EXPLANATION, "spec template"),
    alias("答案解析", EXPLANATION, "spec template"),
    alias("试题解析", EXPLANATION, "exam-system templates"),
    alias("说明", EXPLANATION, "spec template"),
    alias("explanation", EXPLANATION, "spec template"),
    alias("analysis", EXPLANATION, "exports that write analysis"),
    alias("分类", CATEGORY, "spec template"),
    alias("题目分类", CATEGORY, "spec template; zzlling123/annotation's sheets"),
    alias("类别", CATEGORY, "spec template"),
    alias("知识点", CATEGORY, "spec template"),
    alias("知识点名称", CATEGORY, "zzlling123/annotation's sheets"),
    alias("章节", CATEGORY, "issue #19 survey"),
    alias("题库分类", CATEGORY, "issue #19 survey"),
    alias("所属题库", CATEGORY, "issue #19 survey"),
    alias("category", CATEGORY, "spec template"),
    alias("难度", DIFFICULTY, "spec template"),
    alias("题目难度", DIFFICULTY, "spec template; zzlling123/annotation's sheets"),
    alias("难易度", DIFFICULTY, "issue #19 survey"),
    alias("难易程度", DIFFICULTY, "exam-system templates"),
    alias("难度系数", DIFFICULTY, "issue #19 survey"),
    alias("难度等级", DIFFICULTY, "a Next.js exam admin's CSV template (难度等级*)"),
    alias("difficulty", DIFFICULTY, "spec template"),
    alias("difficultylevel", DIFFICULTY, "English templates (difficultyLevel)"),
    alias("分值", POINTS, "spec template"),
    alias("分数", POINTS, "spec template"),
    alias("points", POINTS, "spec template"),
    alias("score", POINTS, "English templates"),
    alias("适用人群", CROWD, "spec template"),
    alias("人群", CROWD, "spec template"),
    alias("crowd", CROWD, "spec template"),
    alias("编号", ID, "spec template"),
    alias("id", ID, "spec template"),
    alias("序号", RowNumber, "spec template: a row number, never an id"),
    alias("题号", RowNumber, "spec template: a row number, never an id"),
    alias("题目序号", RowNumber, "numbered templates"),
    alias("no", RowNumber, "numbered English templates (No.)"),
];

/// Every accepted header as (header, what it names, where it was seen), for documentation.
pub fn header_aliases() -> impl Iterator<Item = (&'static str, String, &'static str)> {
    ALIASES.iter().map(|a| {
        let names = match a.names {
            Column::Field(f) => f.label(Lang::Zh).to_string(),
            Column::Option(i) => format!("选项{}", crate::core::model::bank::letter(i)),
            Column::AllOptions => "选项（一格）".to_string(),
            Column::RowNumber => "行号（忽略）".to_string(),
        };
        (a.header, names, a.seen_in)
    })
}

/// Trims, folds full-width forms, drops `*`, spaces, a trailing colon and any bracketed
/// remark (`（必填）`, `(多选用逗号分隔)`, `【选填】`), lower-cases latin letters.
pub(crate) fn normalize_header(header: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in half_width(header).chars() {
        match c {
            '(' | '[' | '【' | '〔' => depth += 1,
            ')' | ']' | '】' | '〕' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            '*' | '.' | ':' | '_' | '-' => {}
            c if c.is_whitespace() => {}
            c => out.extend(c.to_lowercase()),
        }
    }
    if out.is_empty() && depth == 0 {
        // A header wholly in brackets (`【题干】`) is its own name.
        let unbracketed: String = header.chars().filter(|c| !"()[]（）【】〔〕".contains(*c)).collect();
        if unbracketed != header {
            return normalize_header(&unbracketed);
        }
    }
    out
}

/// What a header names, if anything.
pub(crate) fn match_header(header: &str) -> Option<Column> {
    let h = normalize_header(header);
    if let Some(a) = ALIASES.iter().find(|a| a.header == h) {
        return Some(a.names);
    }
    let letter = h.strip_prefix("选项").or_else(|| h.strip_prefix("option")).unwrap_or(&h);
    let letter = letter.strip_suffix("选项").unwrap_or(letter);
    let mut chars = letter.chars();
    match (chars.next(), chars.next()) {
        (Some(c @ 'a'..='h'), None) => Some(Column::Option(c as usize - 'a' as usize)),
        (Some(c @ '1'..='8'), None) if h != letter => Some(Column::Option(c as usize - '1' as usize)),
        _ => None,
    }
}

/// The header of `candidates` most like one of `field`'s names, if any is close enough to
/// be a likely misspelling (`题目描述` for 题目内容, `正确答按` for 正确答案).
pub(crate) fn closest_header(field: Field, candidates: &[String]) -> Option<String> {
    let names: Vec<&str> = ALIASES.iter().filter(|a| a.names == Column::Field(field)).map(|a| a.header).collect();
    candidates
        .iter()
        .filter_map(|c| {
            let n: Vec<char> = normalize_header(c).chars().collect();
            let best = names
                .iter()
                .map(|name| {
                    let name: Vec<char> = name.chars().collect();
                    let shared = n.iter().filter(|ch| name.contains(ch)).count();
                    (edit_distance(&n, &name), shared, name.len())
                })
                .filter(|(d, shared, len)| *shared > 0 && *d * 2 <= (*len).max(n.len()))
                .min()?;
            Some((best.0, std::cmp::Reverse(best.1), c.clone()))
        })
        .min()
        .map(|(_, _, c)| c)
}

fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_after_normalisation() {
        assert_eq!(match_header(" 题干（必填）"), Some(Column::Field(Field::Stem)));
        assert_eq!(match_header("*答案"), Some(Column::Field(Field::Answer)));
        assert_eq!(match_header("正确答案(必填)"), Some(Column::Field(Field::Answer)));
        assert_eq!(match_header("答案（多选用英文逗号分隔，如：A,B）"), Some(Column::Field(Field::Answer)));
        assert_eq!(match_header("问题内容*"), Some(Column::Field(Field::Stem)));
        assert_eq!(match_header("【试题类型】"), Some(Column::Field(Field::Type)));
        assert_eq!(match_header("试题 类型："), Some(Column::Field(Field::Type)));
        assert_eq!(match_header("ＴＹＰＥ"), Some(Column::Field(Field::Type)));
        assert_eq!(match_header("选项Ｃ"), Some(Column::Option(2)));
        assert_eq!(match_header("选项 c"), Some(Column::Option(2)));
        assert_eq!(match_header("Option_H"), Some(Column::Option(7)));
        assert_eq!(match_header("C选项"), Some(Column::Option(2)));
        assert_eq!(match_header("ｄ"), Some(Column::Option(3)));
        assert_eq!(match_header("选项1"), Some(Column::Option(0)));
        assert_eq!(match_header("选项５"), Some(Column::Option(4)));
        assert_eq!(match_header("option8"), Some(Column::Option(7)));
        assert_eq!(match_header("1"), None, "a bare number is not an option column");
        assert_eq!(match_header("选项9"), None);
        assert_eq!(match_header("选项I"), None);
        assert_eq!(match_header("备注"), None);
        assert_eq!(match_header("知识点"), Some(Column::Field(Field::Category)));
        assert_eq!(match_header("题号"), Some(Column::RowNumber));
        assert_eq!(match_header("序号"), Some(Column::RowNumber));
        assert_eq!(match_header("选项"), Some(Column::AllOptions));
    }

    #[test]
    fn every_alias_is_normalised_and_listed_once() {
        for a in ALIASES {
            assert_eq!(normalize_header(a.header), a.header, "{}", a.header);
            assert_eq!(ALIASES.iter().filter(|b| b.header == a.header).count(), 1, "{}", a.header);
            assert!(!a.seen_in.is_empty());
        }
    }

    #[test]
    fn the_closest_header_is_suggested() {
        let found = |headers: &[&str]| headers.iter().map(|h| h.to_string()).collect::<Vec<_>>();
        assert_eq!(closest_header(Field::Stem, &found(&["备注", "题目描述"])), Some("题目描述".into()));
        assert_eq!(closest_header(Field::Answer, &found(&["正确答按", "备注"])), Some("正确答按".into()));
        assert_eq!(closest_header(Field::Answer, &found(&["备注", "出题人"])), None);
    }
}
