//! Prints the cells of a workbook's first sheet as calamine reads them, one row a line, cells
//! separated by tabs (numbers as numbers): `cargo run --example xlsx-cells -- <file.xlsx>`.
//! The end-to-end tests read the organizer's downloaded reports with it.

use calamine::{open_workbook_auto, Data, Reader};

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: xlsx-cells <file.xlsx>");
        std::process::exit(2);
    };
    let mut book = open_workbook_auto(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let sheet = book.sheet_names().first().cloned().unwrap_or_else(|| panic!("{path}: no sheet"));
    let range = book.worksheet_range(&sheet).unwrap_or_else(|e| panic!("{path}: {e}"));
    for row in range.rows() {
        let cells: Vec<String> = row
            .iter()
            .map(|cell| match cell {
                Data::Int(n) => n.to_string(),
                Data::Float(f) => f.to_string(),
                other => other.to_string(),
            })
            .collect();
        println!("{}", cells.join("\t"));
    }
}
