//! The spreadsheet template shared by CSV and XLSX: finding columns by header, reading a
//! row's cells into a question, and pointing each problem at the header it concerns.

use super::headers::{match_header, Column, Field};
use super::text::{half_width, half_width_char};
use super::{Collector, ColumnNames, Entry, ImportError, ImportFailure, ImportWarning, MissingColumn, RowNote};
use crate::core::formats::csv_io;
use crate::core::model::bank::{QuestionType, RawQuestion, MAX_OPTIONS};

/// Whether a text line is a header row of the template (used to sniff `.txt` files).
pub(crate) fn looks_like_header(line: &str) -> bool {
    let cells: Vec<Option<Column>> =
        csv_io::first_record(line, csv_io::detect_delimiter(line)).iter().map(|c| match_header(c)).collect();
    cells.contains(&Some(Column::Field(Field::Stem))) && cells.contains(&Some(Column::Field(Field::Answer)))
}

/// One row of a sheet: its number as Excel shows it and its non-empty cells by column.
pub(crate) struct SheetRow {
    pub number: usize,
    /// Sorted by column index.
    pub cells: Vec<(usize, String)>,
}

impl SheetRow {
    fn get(&self, column: Option<usize>) -> &str {
        column
            .and_then(|c| self.cells.binary_search_by_key(&c, |(i, _)| *i).ok())
            .map_or("", |i| self.cells[i].1.as_str())
    }

    fn is_blank(&self) -> bool {
        self.cells.iter().all(|(_, v)| v.trim().is_empty())
    }
}

/// A sheet to read: its name when several are read, and the type its name gives.
pub(crate) struct Sheet {
    pub name: Option<String>,
    /// The type its name gives (单选题), or the name of a type the contests do not use
    /// (简答题), for rows whose type cell is empty.
    pub default_type: Option<String>,
    pub rows: Vec<SheetRow>,
}

#[derive(Default)]
struct Layout {
    /// By `Field as usize` (declaration order, as in `Field::ALL`).
    fields: [Option<usize>; Field::ALL.len()],
    options: [Option<usize>; MAX_OPTIONS],
    /// One cell holding every option.
    all_options: Option<usize>,
    /// Codes the type header explains, `题型（0单选，1判断，2多选）` → 0 = 单选 ….
    type_codes: Vec<(String, QuestionType)>,
    names: ColumnNames,
}

impl Layout {
    fn field(&self, field: Field) -> Option<usize> {
        self.fields[field as usize]
    }
}

pub(crate) fn import_csv(text: &str, out: &mut Collector) -> Result<(), ImportError> {
    let parsed = csv_io::read(text, csv_io::detect_delimiter(text));
    if let Some(row) = parsed.unterminated_quote_row {
        out.warn(ImportWarning::UnterminatedQuote { file_name: out.file_name().to_string(), row });
    }
    let rows = parsed
        .rows
        .into_iter()
        .map(|row| SheetRow {
            number: row.number,
            cells: row.fields.into_iter().enumerate().filter(|(_, v)| !v.is_empty()).collect(),
        })
        .collect();
    match import_sheet(Sheet { name: None, default_type: None, rows }, out) {
        Ok(true) => Ok(()),
        Ok(false) => Err(out.error(None, ImportFailure::NoHeaderRow)),
        Err(e) => Err(e),
    }
}

/// Where the header row (one naming a stem and an answer column) is among the first ten
/// non-blank rows.
pub(crate) fn header_position(rows: &[SheetRow]) -> Option<usize> {
    rows.iter().filter(|r| !r.is_blank()).take(10).position(|r| {
        let columns: Vec<Option<Column>> = r.cells.iter().map(|(_, v)| match_header(v)).collect();
        columns.contains(&Some(Column::Field(Field::Stem))) && columns.contains(&Some(Column::Field(Field::Answer)))
    })
}

/// Reads one sheet into the collector; `Ok(false)` when the sheet has no rows at all.
pub(crate) fn import_sheet(sheet: Sheet, out: &mut Collector) -> Result<bool, ImportError> {
    let Sheet { name, default_type, rows } = sheet;
    let rows: Vec<SheetRow> = rows.into_iter().filter(|r| !r.is_blank()).collect();
    let Some(first) = rows.first() else {
        return Ok(false);
    };
    // The first row is the header; a title row above it is tolerated.
    let header_index = header_position(&rows).unwrap_or(0);
    let header = &rows[header_index];
    let file_name = out.file_name().to_string();
    if header.number != first.number {
        out.warn(ImportWarning::HeaderNotOnFirstRow {
            file_name: file_name.clone(),
            sheet: name.clone(),
            header_row: header.number,
        });
    }

    let mut layout = Layout::default();
    let mut unknown = Vec::new();
    for (index, text) in &header.cells {
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        let slot = match match_header(text) {
            Some(Column::Field(f)) => &mut layout.fields[f as usize],
            Some(Column::Option(i)) => &mut layout.options[i],
            Some(Column::AllOptions) => &mut layout.all_options,
            Some(Column::RowNumber) => continue,
            None => {
                unknown.push(text.to_string());
                continue;
            }
        };
        if slot.is_some() {
            out.warn(ImportWarning::DuplicateColumn {
                file_name: file_name.clone(),
                sheet: name.clone(),
                column: text.to_string(),
            });
        } else {
            *slot = Some(*index);
        }
    }
    if !unknown.is_empty() {
        let columns = unknown.clone();
        out.warn(ImportWarning::UnknownColumns { file_name: file_name.clone(), sheet: name.clone(), columns });
    }
    let header_text = |column: Option<usize>| column.map(|c| header.get(Some(c)).trim().to_string());
    layout.type_codes = header_text(layout.field(Field::Type)).map(|h| type_codes(&h)).unwrap_or_default();
    layout.names = ColumnNames {
        qtype: header_text(layout.field(Field::Type)),
        stem: header_text(layout.field(Field::Stem)),
        options: layout.options.iter().map(|c| header_text(*c)).collect(),
        all_options: header_text(layout.all_options),
        answer: header_text(layout.field(Field::Answer)),
        category: header_text(layout.field(Field::Category)),
        difficulty: header_text(layout.field(Field::Difficulty)),
        points: header_text(layout.field(Field::Points)),
        crowd: header_text(layout.field(Field::Crowd)),
        id: header_text(layout.field(Field::Id)),
    };

    let mut missing = Vec::new();
    for field in [Field::Stem, Field::Answer] {
        if layout.field(field).is_none() {
            missing.push(field);
        }
    }
    if !missing.is_empty() {
        let missing = missing.into_iter().map(|field| MissingColumn::new(field, &unknown)).collect();
        return Err(out.error(name, ImportFailure::MissingColumns(missing)));
    }

    let entries: Vec<Entry> = rows[header_index + 1..]
        .iter()
        .filter_map(|row| read_row(row, &layout, name.as_ref(), default_type.as_deref()))
        .collect();
    let needs_options = entries.iter().any(|e| {
        matches!(QuestionType::parse(&e.raw.qtype), Some(QuestionType::Single) | Some(QuestionType::Multiple))
    });
    if needs_options && layout.options.iter().all(Option::is_none) && layout.all_options.is_none() {
        let missing = vec![MissingColumn::new(Field::Options, &unknown)];
        return Err(out.error(name, ImportFailure::MissingColumns(missing)));
    }
    for entry in entries {
        out.add(entry, &layout.names);
    }
    Ok(true)
}

/// A data row as a question; `None` for a row with no question content (stem, options,
/// answer and explanation all blank), such as a template row with only its type filled in.
fn read_row(row: &SheetRow, layout: &Layout, sheet: Option<&String>, default_type: Option<&str>) -> Option<Entry> {
    let cell = |field: Field| row.get(layout.field(field)).trim();
    let used_options = layout.options.iter().rposition(Option::is_some).map_or(0, |p| p + 1);
    let mut options: Vec<String> = layout.options[..used_options].iter().map(|c| row.get(*c).to_string()).collect();
    let all_options = row.get(layout.all_options);
    if options.iter().all(|o| o.trim().is_empty()) && !all_options.trim().is_empty() {
        // One cell holds every option; the layout step splits it.
        options = vec![all_options.to_string()];
    }
    let has_content = [Field::Stem, Field::Answer, Field::Explanation].iter().any(|f| !cell(*f).is_empty())
        || options.iter().any(|o| !o.trim().is_empty());
    if !has_content {
        return None;
    }
    let mut notes = Vec::new();
    let points = parse_points(cell(Field::Points)).unwrap_or_else(|text| {
        notes.push(RowNote::BadPoints(text));
        None
    });
    let qtype = match (cell(Field::Type), default_type) {
        ("", Some(t)) => t.to_string(),
        (text, _) => match layout.type_codes.iter().find(|(code, _)| code == text) {
            Some((_, t)) => t.code().to_string(),
            None => text.to_string(),
        },
    };
    let optional = |text: &str| Some(text.to_string()).filter(|t| !t.is_empty());
    let raw = RawQuestion {
        id: optional(cell(Field::Id)),
        qtype,
        stem: cell(Field::Stem).to_string(),
        options,
        answer: half_width(cell(Field::Answer)),
        explanation: cell(Field::Explanation).to_string(),
        category: cell(Field::Category).to_string(),
        difficulty: optional(&half_width(cell(Field::Difficulty))),
        points,
        crowds: split_crowds(cell(Field::Crowd)),
        source: None,
        shuffle: None,
    };
    Some(Entry { notes, ..Entry::new(sheet.cloned(), row.number, raw) })
}

/// The codes a type header explains in brackets: `题型（0单选，1判断，2多选）`,
/// `类型(1=单选;2=多选;3=判断)`.
fn type_codes(header: &str) -> Vec<(String, QuestionType)> {
    let folded = half_width(header);
    let Some(inside) = folded.split_once('(').map(|(_, rest)| rest.split(')').next().unwrap_or(rest)) else {
        return Vec::new();
    };
    inside
        .split([',', ';', '、', ' ', '，', '；'])
        .filter_map(|piece| {
            let piece = piece.trim();
            let code: String = piece.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
            let name = piece[code.len()..].trim_start_matches(['=', '-', ':', '.', ' ']);
            let qtype = QuestionType::parse(name).or_else(|| QuestionType::parse(&format!("{name}题")))?;
            (!code.is_empty()).then_some((code, qtype))
        })
        .collect()
}

/// Points as a whole number ≥ 0: `5`, `５`, `5.0` (a number cell) → 5; empty → none.
fn parse_points(text: &str) -> Result<Option<u32>, String> {
    let t = half_width(text.trim());
    if t.is_empty() {
        return Ok(None);
    }
    if let Ok(n) = t.parse::<u32>() {
        return Ok(Some(n));
    }
    match t.parse::<f64>() {
        Ok(f) if f.is_finite() && f >= 0.0 && f.fract() == 0.0 && f <= f64::from(u32::MAX) => Ok(Some(f as u32)),
        _ => Err(text.trim().to_string()),
    }
}

/// One or more crowd groups separated by 、 , ; or spaces (full-width too).
fn split_crowds(text: &str) -> Vec<String> {
    text.split(|c: char| matches!(half_width_char(c), '、' | ',' | ';') || half_width_char(c).is_whitespace())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_codes_from_the_header() {
        use QuestionType::*;
        assert_eq!(
            type_codes("题型（0单选，1判断，2多选）"),
            vec![("0".to_string(), Single), ("1".into(), TrueFalse), ("2".into(), Multiple)]
        );
        assert_eq!(type_codes("类型(1=单选;2=多选;3=判断题)").len(), 3);
        assert!(type_codes("题型").is_empty());
    }

    #[test]
    fn points_and_crowds() {
        assert_eq!(parse_points("5"), Ok(Some(5)));
        assert_eq!(parse_points("5.0"), Ok(Some(5)));
        assert_eq!(parse_points("５"), Ok(Some(5)));
        assert_eq!(parse_points(""), Ok(None));
        assert_eq!(parse_points("2.5"), Err("2.5".into()));
        assert_eq!(parse_points("-1"), Err("-1".into()));
        assert_eq!(parse_points("五"), Err("五".into()));
        assert_eq!(parse_points("1e99"), Err("1e99".into()));
        assert_eq!(
            split_crowds("农民、老年人，青少年;产业工人　领导干部和公务员"),
            vec!["农民", "老年人", "青少年", "产业工人", "领导干部和公务员"]
        );
    }
}
