//! Workbooks through calamine: .xlsx, .xlsb, .xls (and WPS .et) and .ods. A zip is checked
//! against bombs from its central directory before calamine opens it; .xlsx and .xlsb sheets
//! are streamed cell by cell (never as a dense grid, so a stray cell at XFD1048576 costs
//! nothing), .xls and .ods sheets are read as calamine's sparse ranges.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, DataRef, Ods, Reader, Sheets, Xls, Xlsb, Xlsx};

use super::cells::cell_text;
use super::layout::unused_type;
use super::sheet::{header_position, import_sheet, Sheet, SheetRow};
use super::text::half_width;
use super::{
    Collector, ImportError, ImportFailure, ImportFormat, ImportWarning, MAX_XLSX_COMPRESSION_RATIO,
    MAX_XLSX_UNCOMPRESSED_BYTES,
};
use crate::core::model::bank::QuestionType;

/// Entries smaller than this are not held to the compression ratio: they cannot hurt, and
/// tiny runs of repeated XML compress very well.
const RATIO_CHECK_MIN_BYTES: u64 = 1024 * 1024;

pub(crate) fn import(bytes: &[u8], format: ImportFormat, out: &mut Collector) -> Result<(), ImportError> {
    if format == ImportFormat::Xls {
        check_ole(bytes).map_err(|reason| out.error(None, reason))?;
    } else {
        check_zip(bytes).map_err(|reason| out.error(None, reason))?;
    }
    // calamine 0.38 does unchecked arithmetic on cell references (`r="AAAAAAAA1"`), which
    // panics in builds with overflow checks (debug, tests) and wraps in release. A damaged
    // workbook must be an error, not a crash, wherever unwinding is available.
    let file_name = out.file_name().to_string();
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_workbook(bytes, format, out))).unwrap_or_else(
        |panic| {
            let why = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(ImportError {
                file_name,
                sheet: None,
                reason: ImportFailure::NotASpreadsheet(format!("damaged: {why}")),
            })
        },
    )
}

fn open(bytes: &[u8], format: ImportFormat) -> Result<Sheets<Cursor<&[u8]>>, String> {
    let cursor = Cursor::new(bytes);
    match format {
        ImportFormat::Xls => Xls::new(cursor).map(Sheets::Xls).map_err(|e| e.to_string()),
        ImportFormat::Xlsb => Xlsb::new(cursor).map(Sheets::Xlsb).map_err(|e| e.to_string()),
        ImportFormat::Ods => Ods::new(cursor).map(Sheets::Ods).map_err(|e| e.to_string()),
        _ => Xlsx::new(cursor).map(Sheets::Xlsx).map_err(|e| e.to_string()),
    }
}

fn read_workbook(bytes: &[u8], format: ImportFormat, out: &mut Collector) -> Result<(), ImportError> {
    let mut workbook = open(bytes, format).map_err(|e| out.error(None, ImportFailure::NotASpreadsheet(e)))?;
    let mut names = workbook.sheet_names();
    // Excel forbids two sheets of one name, but a crafted file may have them; calamine would
    // hand back the first for both.
    let mut seen = std::collections::HashSet::new();
    names.retain(|n| seen.insert(n.clone()));
    if names.is_empty() {
        return Err(out.error(None, ImportFailure::NotASpreadsheet("no sheets".into())));
    }
    let sheet_type = |name: &str| QuestionType::parse(&half_width(name));
    // Every sheet with questions is read: one whose first rows hold a header, or one named
    // like a type (单选题, 多选题, 判断题). Others (instructions, empty) are named as ignored.
    let mut sheets: Vec<(String, Vec<SheetRow>)> = Vec::new();
    for name in &names {
        match read_rows(&mut workbook, name) {
            Ok(rows) => sheets.push((name.clone(), rows)),
            Err(e) if names.len() == 1 => return Err(out.error(None, ImportFailure::NotASpreadsheet(e))),
            Err(_) => sheets.push((name.clone(), Vec::new())),
        }
    }
    let has_questions = |(name, rows): &(String, Vec<SheetRow>)| {
        header_position(rows).is_some() || (sheet_type(name).is_some() && !rows.is_empty())
    };
    let mut to_read: Vec<bool> = sheets.iter().map(has_questions).collect();
    if !to_read.contains(&true) {
        // No sheet looks right: the first one's problems (a missing column) are the report.
        to_read[0] = true;
    }
    let several = to_read.iter().filter(|r| **r).count() > 1;
    let read: Vec<String> = sheets.iter().zip(&to_read).filter(|(_, r)| **r).map(|((n, _), _)| n.clone()).collect();
    let ignored: Vec<String> = sheets
        .iter()
        .zip(&to_read)
        .filter(|((_, rows), r)| !**r && !rows.is_empty())
        .map(|((n, _), _)| n.clone())
        .collect();
    if !ignored.is_empty() {
        out.warn(ImportWarning::ExtraSheetsIgnored { file_name: out.file_name().to_string(), read, ignored });
    }

    for ((name, rows), _) in sheets.into_iter().zip(to_read).filter(|(_, r)| *r) {
        let label = several.then(|| name.clone());
        let default_type = sheet_type(&name)
            .map(|t| t.code().to_string())
            .or_else(|| unused_type(&name).map(|_| name.trim().to_string()));
        let sheet = Sheet { name: label.clone(), default_type, rows };
        if !import_sheet(sheet, out)? {
            if several {
                out.warn(ImportWarning::EmptySheet { file_name: out.file_name().to_string(), sheet: name.clone() });
            } else {
                return Err(out.error(None, ImportFailure::NoHeaderRow));
            }
        }
    }
    Ok(())
}

/// The non-empty cells of a sheet by row.
fn read_rows(workbook: &mut Sheets<Cursor<&[u8]>>, name: &str) -> Result<Vec<SheetRow>, String> {
    let mut rows: BTreeMap<u32, Vec<(usize, String)>> = BTreeMap::new();
    match workbook {
        Sheets::Xlsx(book) => read_xlsx_rows(book, name, &mut rows)?,
        Sheets::Xlsb(book) => {
            let mut reader = book.worksheet_cells_reader(name).map_err(|e| e.to_string())?;
            while let Some(cell) = reader.next_cell().map_err(|e| e.to_string())? {
                let (row, column) = cell.get_position();
                keep(&mut rows, row, column, cell_text(cell.get_value(), None));
            }
        }
        Sheets::Xls(_) | Sheets::Ods(_) => {
            let range = workbook.worksheet_range(name).map_err(|e| e.to_string())?;
            let (top, left) = range.start().unwrap_or((0, 0));
            for (row, column, value) in range.used_cells() {
                let (row, column) = (top + row as u32, left + column as u32);
                keep(&mut rows, row, column, cell_text(&data_ref(value), None));
            }
        }
    }
    Ok(rows
        .into_iter()
        .map(|(row, mut cells)| {
            cells.sort_by_key(|(c, _)| *c);
            // A column written twice in one row keeps its last value, as Excel would show.
            cells.reverse();
            cells.dedup_by_key(|(c, _)| *c);
            cells.reverse();
            SheetRow { number: row as usize + 1, cells }
        })
        .collect())
}

/// Adds a non-blank cell's text; whether it was kept.
fn keep(rows: &mut BTreeMap<u32, Vec<(usize, String)>>, row: u32, column: u32, text: String) -> bool {
    if text.trim().is_empty() {
        return false;
    }
    rows.entry(row).or_default().push((column as usize, text));
    true
}

fn data_ref(value: &Data) -> DataRef<'_> {
    match value {
        Data::Int(i) => DataRef::Int(*i),
        Data::Float(f) => DataRef::Float(*f),
        Data::String(s) => DataRef::SharedString(s),
        Data::Bool(b) => DataRef::Bool(*b),
        Data::DateTime(d) => DataRef::DateTime(*d),
        Data::DateTimeIso(s) => DataRef::DateTimeIso(s.clone()),
        Data::DurationIso(s) => DataRef::DurationIso(s.clone()),
        Data::Error(e) => DataRef::Error(e.clone()),
        Data::Empty => DataRef::Empty,
    }
}

/// An .xlsx sheet's cells, streamed; date cells are formatted with their number format,
/// read from the styles only for a sheet that has dates.
fn read_xlsx_rows<RS: std::io::Read + std::io::Seek>(
    workbook: &mut Xlsx<RS>,
    name: &str,
    rows: &mut BTreeMap<u32, Vec<(usize, String)>>,
) -> Result<(), String> {
    let mut reader = workbook.worksheet_cells_reader(name).map_err(|e| e.to_string())?;
    let mut dates: Vec<(u32, u32, calamine::ExcelDateTime)> = Vec::new();
    while let Some(cell) = reader.next_cell().map_err(|e| e.to_string())? {
        let (row, column) = cell.get_position();
        if let DataRef::DateTime(d) = cell.get_value() {
            if d.is_datetime() {
                dates.push((row, column, *d));
                continue;
            }
        }
        keep(rows, row, column, cell_text(cell.get_value(), None));
    }
    drop(reader);
    if !dates.is_empty() {
        let styles = workbook.worksheet_style(name).ok();
        for (row, column, date) in dates {
            let format = styles.as_ref().and_then(|s| s.get((row, column))).and_then(|s| s.number_format.as_ref());
            keep(rows, row, column, cell_text(&DataRef::DateTime(date), format.map(|f| f.format_code.as_str())));
        }
    }
    Ok(())
}

fn u16_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?)))
}

fn u32_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?)))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// Walks the zip's central directory and refuses an archive that declares more than 200 MiB
/// in all, or an entry compressed more than 200:1. The zip reader never inflates an entry past
/// its declared size, so the declared sizes bound what parsing can allocate.
pub(crate) fn check_zip(bytes: &[u8]) -> Result<(), ImportFailure> {
    let broken = |what: &str| ImportFailure::NotASpreadsheet(what.to_string());
    const EOCD: &[u8] = b"PK\x05\x06";
    let search_from = bytes.len().saturating_sub(22 + 65_535);
    let eocd = (search_from..bytes.len().saturating_sub(21))
        .rev()
        .find(|&i| bytes[i..].starts_with(EOCD))
        .ok_or_else(|| broken("no zip directory"))?;
    let mut entries = u16_at(bytes, eocd + 10).ok_or_else(|| broken("truncated zip directory"))?;
    let mut cd_size = u32_at(bytes, eocd + 12).ok_or_else(|| broken("truncated zip directory"))?;
    let mut cd_offset = u32_at(bytes, eocd + 16).ok_or_else(|| broken("truncated zip directory"))?;
    if entries == 0xFFFF || cd_size == 0xFFFF_FFFF || cd_offset == 0xFFFF_FFFF {
        // ZIP64: the locator sits just before the end record and points at the ZIP64 end record.
        let locator = eocd.checked_sub(20).filter(|&l| bytes[l..].starts_with(b"PK\x06\x07"));
        let record = locator
            .and_then(|l| u64_at(bytes, l + 8))
            .and_then(|r| usize::try_from(r).ok())
            .filter(|&r| bytes.get(r..).is_some_and(|b| b.starts_with(b"PK\x06\x06")))
            .ok_or_else(|| broken("broken ZIP64 directory"))?;
        entries = u64_at(bytes, record + 32).ok_or_else(|| broken("broken ZIP64 directory"))?;
        cd_size = u64_at(bytes, record + 40).ok_or_else(|| broken("broken ZIP64 directory"))?;
        cd_offset = u64_at(bytes, record + 48).ok_or_else(|| broken("broken ZIP64 directory"))?;
    }
    // Data prepended to the archive shifts every offset; the directory then ends at the end record.
    let mut at = usize::try_from(cd_offset).unwrap_or(usize::MAX);
    if !bytes.get(at..).is_some_and(|b| b.starts_with(b"PK\x01\x02")) {
        at = usize::try_from(cd_size)
            .ok()
            .and_then(|s| eocd.checked_sub(s))
            .ok_or_else(|| broken("no zip directory"))?;
    }
    let mut total: u64 = 0;
    for _ in 0..entries {
        if !bytes.get(at..).is_some_and(|b| b.starts_with(b"PK\x01\x02")) {
            return Err(broken("broken zip directory"));
        }
        let field = |off: usize| u32_at(bytes, at + off).ok_or_else(|| broken("truncated zip directory"));
        let short = |off: usize| u16_at(bytes, at + off).ok_or_else(|| broken("truncated zip directory"));
        let mut compressed = field(20)?;
        let mut uncompressed = field(24)?;
        let name_len = short(28)? as usize;
        let extra_len = short(30)? as usize;
        let comment_len = short(32)? as usize;
        let name_at = at + 46;
        let name = bytes.get(name_at..name_at + name_len).ok_or_else(|| broken("truncated zip directory"))?;
        let extra = bytes
            .get(name_at + name_len..name_at + name_len + extra_len)
            .ok_or_else(|| broken("truncated zip directory"))?;
        if uncompressed == 0xFFFF_FFFF || compressed == 0xFFFF_FFFF {
            let (u, c) = zip64_sizes(extra, uncompressed == 0xFFFF_FFFF, compressed == 0xFFFF_FFFF)
                .ok_or_else(|| broken("broken ZIP64 entry"))?;
            uncompressed = u.unwrap_or(uncompressed);
            compressed = c.unwrap_or(compressed);
        }
        total = total.saturating_add(uncompressed);
        if total > MAX_XLSX_UNCOMPRESSED_BYTES {
            return Err(ImportFailure::ZipTooLarge { declared: total });
        }
        if uncompressed >= RATIO_CHECK_MIN_BYTES && uncompressed / compressed.max(1) > MAX_XLSX_COMPRESSION_RATIO {
            return Err(ImportFailure::ZipRatio {
                entry: String::from_utf8_lossy(name).into_owned(),
                ratio: uncompressed / compressed.max(1),
            });
        }
        at = name_at + name_len + extra_len + comment_len;
    }
    Ok(())
}

/// Sector pointers at or above this are markers (end of chain, free, FAT, DIFAT).
const OLE_MARKERS: u32 = 0xFFFF_FFFA;

/// calamine follows an .xls's sector chains without a bound, so a chain that loops (a damaged
/// or crafted file) would grow until memory runs out. The file allocation table is checked
/// first: every sector's next is a marker or a sector of the file, no sector is reached from
/// two, and no chain loops; then every chain is shorter than the file.
pub(crate) fn check_ole(bytes: &[u8]) -> Result<(), ImportFailure> {
    let broken = |what: &str| ImportFailure::NotASpreadsheet(what.to_string());
    let size = match u16_at(bytes, 30) {
        Some(9) => 512,
        Some(12) => 4096,
        _ => return Err(broken("not an OLE compound file")),
    };
    let data = bytes.get(size..).ok_or_else(|| broken("truncated OLE header"))?;
    let sectors = data.len().div_ceil(size);
    let sector = |id: u64| -> Option<Vec<u32>> {
        let start = usize::try_from(id).ok()?.checked_mul(size)?;
        let chunk = data.get(start..(start + size).min(data.len()))?;
        Some(chunk.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect())
    };
    // The DIFAT: 109 entries in the header, then a chain of sectors whose last entry is the next.
    let mut difat: Vec<u32> = (0..109).filter_map(|k| u32_at(bytes, 76 + 4 * k)).map(|v| v as u32).collect();
    let mut next = u32_at(bytes, 68).ok_or_else(|| broken("truncated OLE header"))? as u32;
    let mut steps = 0;
    while next < OLE_MARKERS {
        steps += 1;
        let mut entries = sector(u64::from(next)).filter(|_| steps <= sectors).ok_or_else(|| broken("broken DIFAT"))?;
        next = entries.pop().unwrap_or(u32::MAX);
        difat.extend(entries);
    }
    let mut fat: Vec<u32> = Vec::new();
    for id in difat.into_iter().filter(|id| *id < OLE_MARKERS) {
        fat.extend(sector(u64::from(id)).ok_or_else(|| broken("FAT sector past the end"))?);
        if fat.len() > sectors.saturating_mul(2).max(4096) {
            return Err(broken("FAT larger than the file"));
        }
    }
    let nodes = sectors.min(fat.len());
    let mut reached = vec![false; nodes];
    for &next in &fat[..nodes] {
        if next >= OLE_MARKERS {
            continue;
        }
        let next = next as usize;
        if next >= nodes || reached[next] {
            return Err(broken("broken sector chain"));
        }
        reached[next] = true;
    }
    // Walking from every chain's head visits every sector not on a loop.
    let mut visited = vec![false; nodes];
    for head in (0..nodes).filter(|h| !reached[*h]) {
        let mut at = head;
        while !visited[at] {
            visited[at] = true;
            match fat[at] {
                next if next < OLE_MARKERS => at = next as usize,
                _ => break,
            }
        }
    }
    if visited.contains(&false) {
        return Err(broken("looping sector chain"));
    }
    Ok(())
}

/// The 64-bit sizes of the ZIP64 extra field (id 1), present only for the sizes marked.
fn zip64_sizes(extra: &[u8], has_uncompressed: bool, has_compressed: bool) -> Option<(Option<u64>, Option<u64>)> {
    let mut at = 0;
    while at + 4 <= extra.len() {
        let id = u16_at(extra, at)?;
        let len = u16_at(extra, at + 2)? as usize;
        let data = extra.get(at + 4..at + 4 + len)?;
        if id == 1 {
            let mut pos = 0;
            let mut next = |present: bool| -> Option<Option<u64>> {
                if !present {
                    return Some(None);
                }
                let v = u64_at(data, pos)?;
                pos += 8;
                Some(Some(v))
            };
            let u = next(has_uncompressed)?;
            let c = next(has_compressed)?;
            return Some((u, c));
        }
        at += 4 + len;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_looping_xls_sector_chain_is_refused() {
        // Header: 512-byte sectors, FAT in sector 0, directory from sector 1; no DIFAT sectors.
        let mut file = vec![0u8; 512 * 4];
        file[..8].copy_from_slice(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1");
        file[30] = 9;
        file[68..72].copy_from_slice(&u32::MAX.to_le_bytes());
        file[76..80].copy_from_slice(&0u32.to_le_bytes());
        for k in 1..109 {
            file[76 + 4 * k..80 + 4 * k].copy_from_slice(&u32::MAX.to_le_bytes());
        }
        let fat_at = 512;
        let mut fat =
            |id: usize, next: u32| file[fat_at + 4 * id..fat_at + 4 * id + 4].copy_from_slice(&next.to_le_bytes());
        fat(0, 0xFFFF_FFFD);
        fat(1, 2);
        fat(2, 0xFFFF_FFFE);
        for id in 3..128 {
            fat(id, u32::MAX);
        }
        assert_eq!(check_ole(&file), Ok(()));
        let mut looping = file.clone();
        looping[fat_at + 8..fat_at + 12].copy_from_slice(&1u32.to_le_bytes());
        assert!(matches!(check_ole(&looping), Err(ImportFailure::NotASpreadsheet(_))));
        let mut past_the_end = file;
        past_the_end[fat_at + 8..fat_at + 12].copy_from_slice(&900u32.to_le_bytes());
        assert!(matches!(check_ole(&past_the_end), Err(ImportFailure::NotASpreadsheet(_))));
    }

    #[test]
    fn not_a_zip_is_refused() {
        assert!(matches!(check_zip(b"hello"), Err(ImportFailure::NotASpreadsheet(_))));
        assert!(matches!(check_zip(b"PK\x05\x06"), Err(ImportFailure::NotASpreadsheet(_))));
    }
}
