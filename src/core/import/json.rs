//! Our own `kepu-bank` JSON, read question by question (question N is "row" N) so that a bank
//! with a few bad questions still yields the good ones, like a spreadsheet does.

use super::{Collector, ColumnNames, Entry, ImportError, ImportFailure, RowProblem};
use crate::core::bank::{RawQuestion, BANK_FORMAT, BANK_VERSION};
use crate::core::json::{self, FromJson};

pub(crate) fn import(text: &str, out: &mut Collector) -> Result<(), ImportError> {
    let value = json::parse(text).map_err(|e| out.error(None, ImportFailure::NotJson(e.to_string())))?;
    if value.get("format").and_then(json::Value::as_str) != Some(BANK_FORMAT) {
        return Err(out.error(None, ImportFailure::NotKepuBank));
    }
    match value.get("version").map(|v| v.as_u64()) {
        Some(Some(v)) if v > u64::from(BANK_VERSION) => {
            return Err(out.error(None, ImportFailure::NewerVersion(u32::try_from(v).unwrap_or(u32::MAX))));
        }
        Some(Some(_)) => {}
        _ => return Err(out.error(None, ImportFailure::NotJson("\"version\" must be a whole number".into()))),
    }
    let Some(questions) = value.get("questions").and_then(json::Value::as_array) else {
        return Err(out.error(None, ImportFailure::NotJson("\"questions\" must be a list".into())));
    };
    let name = |field: &str| Some(field.to_string());
    let columns = ColumnNames {
        qtype: name("type"),
        stem: name("stem"),
        options: Vec::new(),
        all_options: name("options"),
        answer: name("answer"),
        category: name("category"),
        difficulty: name("difficulty"),
        points: name("points"),
        crowd: name("crowds"),
        id: name("id"),
    };
    for (index, question) in questions.iter().enumerate() {
        let row = index + 1;
        match RawQuestion::from_json(question) {
            Ok(raw) => out.add(Entry { sheet: None, row, raw, problems: Vec::new() }, &columns),
            Err(e) => out.reject(None, row, vec![(None, RowProblem::Malformed(e.to_string()))]),
        }
    }
    Ok(())
}
