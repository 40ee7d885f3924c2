//! Our own `kepu-bank` JSON, read question by question (question N is "row" N) so that a bank
//! with a few bad questions still yields the good ones, like a spreadsheet does.

use serde::Deserialize;
use serde_json::value::RawValue;

use super::{Collector, ColumnNames, Entry, ImportError, ImportFailure, RowProblem};
use crate::core::formats::codec::{self, HeaderError, Json, SerdeJson};
use crate::core::model::bank::{RawQuestion, BANK_FORMAT, BANK_VERSION};

/// The bank with each question kept as written, to be read one by one.
#[derive(Deserialize)]
struct Questions<'a> {
    #[serde(borrow)]
    questions: Vec<&'a RawValue>,
}

pub(crate) fn import(text: &str, out: &mut Collector) -> Result<(), ImportError> {
    codec::read_header::<SerdeJson>(text, BANK_FORMAT, BANK_VERSION).map_err(|e| match e {
        HeaderError::Json(e) => out.error(None, ImportFailure::NotJson(e)),
        HeaderError::WrongFormat => out.error(None, ImportFailure::NotKepuBank),
        HeaderError::NewerVersion(v) => out.error(None, ImportFailure::NewerVersion(v)),
    })?;
    let file: Questions = SerdeJson::decode_borrowed(text).map_err(|e| out.error(None, ImportFailure::NotJson(e)))?;
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
    for (index, question) in file.questions.iter().enumerate() {
        let row = index + 1;
        match SerdeJson::decode::<RawQuestion>(question.get()) {
            Ok(raw) => out.add(Entry::new(None, row, raw), &columns),
            Err(e) => out.reject(None, row, vec![(None, RowProblem::Malformed(e))]),
        }
    }
    Ok(())
}
