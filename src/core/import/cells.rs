//! A workbook cell as the text a person sees in Excel: numbers as typed (1000, not 1000.0;
//! 0.3, not 0.30000000000000004), dates in the cell's own number format (2017年6月14日).

use calamine::{DataRef, ExcelDateTime};

/// The cell's text; `format` is its number format code when the reader knows it.
pub(crate) fn cell_text(value: &DataRef<'_>, format: Option<&str>) -> String {
    match value {
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => number_text(*f),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => s.to_string(),
        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        DataRef::DateTime(d) if d.is_datetime() => date_text(d, format),
        DataRef::DateTime(d) => number_text(d.as_f64()),
        DataRef::DateTimeIso(s) => iso_date_text(s),
        DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => e.to_string(),
        DataRef::Empty => String::new(),
    }
}

/// Whole numbers without ".0", others to Excel's 15 significant digits.
pub(crate) fn number_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        return format!("{}", f as i64);
    }
    if !f.is_finite() {
        return format!("{f}");
    }
    // Round to 15 significant digits, then print the shortest form of that.
    let rounded: f64 = format!("{f:.14e}").parse().unwrap_or(f);
    format!("{rounded}")
}

/// An ISO date from an OpenDocument sheet: the date alone when the time is midnight.
fn iso_date_text(iso: &str) -> String {
    match iso.split_once('T') {
        Some((date, "00:00:00")) => date.to_string(),
        Some((date, time)) => format!("{date} {time}"),
        None => iso.to_string(),
    }
}

/// A date in the cell's number format. Without one (the East Asian built-in formats, whose
/// code the file does not carry, and .xls/.xlsb cells) it reads the Chinese way, 2017年6月14日;
/// built-in format 14 reads as Excel in Chinese shows it, 2017/6/14.
fn date_text(date: &ExcelDateTime, format: Option<&str>) -> String {
    let (year, month, day, hour, minute, second, _) = date.to_ymd_hms_milli();
    let parts = DateParts { year, month, day, hour, minute, second };
    match format {
        // Built-in format 14, which Excel in Chinese shows as 2017/6/14.
        Some("mm-dd-yy") | Some("m/d/yy") => parts.format("yyyy/m/d"),
        None => parts.format("yyyy\"年\"m\"月\"d\"日\""),
        Some(code) if code.eq_ignore_ascii_case("general") => parts.format("yyyy\"年\"m\"月\"d\"日\""),
        Some(code) => parts.format(code),
    }
}

struct DateParts {
    year: u16,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
}

impl DateParts {
    /// Follows the date and time tokens of an Excel number format (y, m, d, h, m, s, quoted
    /// and escaped literals; `[...]` locale and colour marks dropped; first section only).
    fn format(&self, code: &str) -> String {
        let chars: Vec<char> = code.chars().collect();
        let mut out = String::new();
        let mut i = 0;
        let mut last_was_hour = false;
        while i < chars.len() {
            let c = chars[i];
            let run = chars[i..].iter().take_while(|x| x.eq_ignore_ascii_case(&c)).count();
            match c.to_ascii_lowercase() {
                ';' => break,
                '"' => {
                    let end = chars[i + 1..].iter().position(|x| *x == '"').map_or(chars.len(), |p| i + 1 + p);
                    out.extend(&chars[i + 1..end]);
                    i = end + 1;
                    continue;
                }
                '\\' => {
                    if let Some(next) = chars.get(i + 1) {
                        out.push(*next);
                    }
                    i += 2;
                    continue;
                }
                '[' => {
                    i = chars[i..].iter().position(|x| *x == ']').map_or(chars.len(), |p| i + p + 1);
                    continue;
                }
                'y' | 'e' => {
                    if run <= 2 {
                        out.push_str(&format!("{:02}", self.year % 100));
                    } else {
                        out.push_str(&self.year.to_string());
                    }
                }
                'm' => {
                    let next_is_seconds = chars[i + run..]
                        .iter()
                        .find(|x| x.is_ascii_alphabetic())
                        .is_some_and(|x| x.eq_ignore_ascii_case(&'s'));
                    if (last_was_hour || next_is_seconds) && run <= 2 {
                        out.push_str(&pad(self.minute, run));
                    } else if run <= 2 {
                        out.push_str(&pad(self.month, run));
                    } else {
                        out.push_str(&format!("{}月", self.month));
                    }
                }
                'd' if run <= 2 => out.push_str(&pad(self.day, run)),
                'd' | 'a' => {}
                'h' => out.push_str(&pad(self.hour, run)),
                's' => out.push_str(&pad(self.second, run)),
                '@' | '_' | '*' => {}
                _ => out.extend(std::iter::repeat_n(c, run)),
            }
            if c.is_ascii_alphabetic() {
                last_was_hour = c.eq_ignore_ascii_case(&'h');
            }
            i += run;
        }
        out.trim().to_string()
    }
}

fn pad(value: u8, run: usize) -> String {
    if run >= 2 {
        format!("{value:02}")
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::ExcelDateTimeType;

    fn date(serial: f64, format: Option<&str>) -> String {
        cell_text(&DataRef::DateTime(ExcelDateTime::new(serial, ExcelDateTimeType::DateTime, false)), format)
    }

    #[test]
    fn numbers_read_as_people_typed_them() {
        assert_eq!(number_text(5.0), "5");
        assert_eq!(number_text(1000.0), "1000");
        assert_eq!(number_text(20240001.0), "20240001");
        assert_eq!(number_text(2.5), "2.5");
        assert_eq!(number_text(-3.0), "-3");
        assert_eq!(number_text(0.1 + 0.2), "0.3");
        assert_eq!(number_text(1.0 / 3.0), "0.333333333333333");
        assert_eq!(cell_text(&DataRef::Bool(true), None), "TRUE");
    }

    #[test]
    fn dates_read_in_their_format() {
        // 42900 is 2017-06-14.
        assert_eq!(date(42900.0, Some("yyyy\"年\"m\"月\"d\"日\"")), "2017年6月14日");
        assert_eq!(date(42900.0, Some("yyyy年m月d日")), "2017年6月14日");
        assert_eq!(date(42900.0, None), "2017年6月14日");
        assert_eq!(date(42900.0, Some("mm-dd-yy")), "2017/6/14");
        assert_eq!(date(42900.0, Some("yyyy/m/d")), "2017/6/14");
        assert_eq!(date(42900.0, Some("yyyy-mm-dd")), "2017-06-14");
        assert_eq!(date(42900.5, Some("yyyy-mm-dd hh:mm")), "2017-06-14 12:00");
        assert_eq!(date(42900.0, Some("[$-804]yyyy\"年\"m\"月\";@")), "2017年6月");
        assert_eq!(date(42900.0, Some("m\"月\"d\"日\"")), "6月14日");
        assert_eq!(cell_text(&DataRef::DateTimeIso("2017-06-14T00:00:00".into()), None), "2017-06-14");
    }
}
