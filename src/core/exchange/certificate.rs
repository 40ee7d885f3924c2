//! 电子证书: who earns one is the contest's
//! [`CertificateRule`](crate::core::model::contest::CertificateRule); here are its verification code, what the
//! certificate and the 分享 poster show ([`CertificateRequest`]), how their text is fitted to
//! the image, and the QR code of the contest's address. The images are drawn by a wasm of its
//! own (`src/bin/certificate.rs`, `web::certificate`), loaded only when a person asks for them.
//!
//! The code is a short form of a SHA-256 over the contest, the person, the attempt and its
//! score, and the collector's receipt where one was signed: twelve Crockford base32 characters
//! (60 bits) grouped by four, `7Q2M-K9XD-4TRA`. Whoever holds the attempt's record (this
//! device, a merged results file, the collector) computes the same code and so can check one.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::core::play::ledger::Attempt;
use crate::core::Lang;

/// Crockford's base32 alphabet (no I, L, O, U).
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Characters of a code, without its dashes.
pub const CODE_LEN: usize = 12;

/// The verification code of an attempt: `XXXX-XXXX-XXXX`. `receipt` is the collector's
/// signature (hex) when it signed one; a code with and one without are both the attempt's.
pub fn verification_code(contest: &str, person: &str, attempt: &str, score: u32, receipt: Option<&str>) -> String {
    let digest = Sha256::new()
        .chain_update(
            format!(
                "kepu-certificate/1\n{contest}\n{person}\n{attempt}\n{score}\n{}\n",
                receipt.map(|r| r.trim().to_ascii_lowercase()).unwrap_or_default()
            )
            .as_bytes(),
        )
        .finalize();
    let bits = u64::from_be_bytes(digest[..8].try_into().expect("eight bytes")) >> 4;
    let mut code = String::with_capacity(CODE_LEN + 2);
    for i in 0..CODE_LEN {
        if i > 0 && i % 4 == 0 {
            code.push('-');
        }
        code.push(ALPHABET[((bits >> (5 * (CODE_LEN - 1 - i))) & 31) as usize] as char);
    }
    code
}

/// The code of `attempt` (with the receipt the collector signed for it, if any).
pub fn code_of(attempt: &Attempt, receipt: Option<&str>) -> String {
    verification_code(&attempt.contest_id, &attempt.participant_id, &attempt.id, attempt.score, receipt)
}

/// A code as typed: spaces, dashes and case ignored, and Crockford's look-alikes read as
/// digits (O as 0, I and L as 1). `None` when it cannot be a code (wrong length or letter).
pub fn normalize_code(typed: &str) -> Option<String> {
    let mut plain = String::with_capacity(CODE_LEN);
    for c in typed.chars().filter(|c| !c.is_whitespace() && !matches!(c, '-' | '—' | '－' | '_' | '·')) {
        let c = match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        };
        if !c.is_ascii() || !ALPHABET.contains(&(c as u8)) {
            return None;
        }
        plain.push(c);
    }
    if plain.len() != CODE_LEN {
        return None;
    }
    Some(plain.as_bytes().chunks(4).map(|g| std::str::from_utf8(g).expect("ascii")).collect::<Vec<_>>().join("-"))
}

/// Where a verified attempt was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Found {
    ThisDevice,
    Merged,
    Collector,
}

impl Found {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Found::ThisDevice => lang.pick("本机成绩", "this device's results"),
            Found::Merged => lang.pick("合并的成绩文件", "merged results files"),
            Found::Collector => lang.pick("成绩收集服务器", "the results collector"),
        }
    }
}

/// The attempt among `attempts` whose code (without a receipt, or with the one `receipt_of`
/// knows for it) is `code` (already normalized).
pub fn find<'a>(
    code: &str,
    attempts: impl IntoIterator<Item = &'a Attempt>,
    receipt_of: impl Fn(&str) -> Option<&'a str>,
) -> Option<&'a Attempt> {
    attempts
        .into_iter()
        .find(|a| code_of(a, None) == code || receipt_of(&a.id).is_some_and(|r| code_of(a, Some(r)) == code))
}

/// What the collector answers to `GET /v1/contests/{contest}/certificates/{code}`: whether an
/// attempt it accepted has that code (without or with its receipt), and which.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectorVerification {
    pub found: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempt: Option<VerifiedAttempt>,
}

/// The attempt a code belongs to, as the organizer's verify box shows it. The collector knows
/// no names, so its matches have none.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifiedAttempt {
    pub id: String,
    #[serde(default)]
    pub name: String,
    /// GB/T 2260 code, or empty.
    #[serde(default)]
    pub region: String,
    pub score: u32,
    pub max_score: u32,
    pub finished_at: i64,
}

impl VerifiedAttempt {
    pub fn of(attempt: &Attempt) -> VerifiedAttempt {
        VerifiedAttempt {
            id: attempt.id.clone(),
            name: attempt.name.clone(),
            region: attempt.region.clone().unwrap_or_default(),
            score: attempt.score,
            max_score: attempt.max_score,
            finished_at: attempt.finished_at,
        }
    }

    /// "验证码有效：…" naming who, what and when; `region_name` is the region's full name.
    pub fn message(&self, found: Found, region_name: &str, lang: Lang) -> String {
        let when = crate::core::model::clock::format_shanghai(self.finished_at);
        let who = match (self.name.is_empty(), region_name.is_empty()) {
            (false, false) => format!("{}（{region_name}）", self.name),
            (false, true) => self.name.clone(),
            (true, false) => region_name.to_string(),
            (true, true) => String::new(),
        };
        match lang {
            Lang::Zh => format!(
                "验证码有效。{}{} / {} 分，{when} 完成；记录在{}（答题记录 {}）。",
                if who.is_empty() { String::new() } else { format!("{who}，") },
                self.score,
                self.max_score,
                found.label(lang),
                self.id
            ),
            Lang::En => format!(
                "The code is valid. {}{} of {} points, finished {when} (Asia/Shanghai); found in {} (attempt {}).",
                if who.is_empty() { String::new() } else { format!("{who}: ") },
                self.score,
                self.max_score,
                found.label(lang),
                self.id
            ),
        }
    }
}

/// The verify box's answer for a code that matches nothing it could look in.
pub fn no_match_message(lang: Lang) -> &'static str {
    lang.pick(
        "没有找到与这个验证码相符的成绩。请核对验证码；如果成绩在其他设备上，请先合并那台设备的成绩文件。",
        "No result matches this code. Check the code; if the round was played on another device, merge that device's results file first.",
    )
}

/// The verify box's answer for text that cannot be a code.
pub fn not_a_code_message(lang: Lang) -> &'static str {
    lang.pick(
        "验证码是 12 位字母和数字，例如 7Q2M-K9XD-4TRA（空格、短横线和大小写都不影响）。",
        "A code has 12 letters and digits, such as 7Q2M-K9XD-4TRA (spaces, dashes and case do not matter).",
    )
}

/// What the certificate and the poster show, as the result page sends it to the drawing wasm.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateRequest {
    pub lang: Lang,
    pub contest_id: String,
    pub title: String,
    #[serde(default)]
    pub organizer: String,
    pub person: String,
    pub name: String,
    /// The region's full name ("广东省 广州市 天河区"), or empty.
    #[serde(default)]
    pub region: String,
    pub attempt: String,
    pub score: u32,
    pub max_score: u32,
    /// When the round finished (ms).
    pub finished_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<String>,
    /// The contest's address, for the poster's QR code.
    #[serde(default)]
    pub address: String,
}

impl CertificateRequest {
    pub fn code(&self) -> String {
        verification_code(&self.contest_id, &self.person, &self.attempt, self.score, self.receipt.as_deref())
    }

    /// The day the round finished, Asia/Shanghai: `2026年12月2日` / `2 December 2026`.
    pub fn date(&self) -> String {
        let day = crate::core::model::clock::format_day(crate::core::model::clock::shanghai_day(self.finished_at));
        let mut parts = day.split('-').map(|p| p.parse::<u32>().unwrap_or(0));
        let (y, m, d) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0), parts.next().unwrap_or(0));
        match self.lang {
            Lang::Zh => format!("{y}年{m}月{d}日"),
            Lang::En => {
                const MONTHS: [&str; 12] = [
                    "January",
                    "February",
                    "March",
                    "April",
                    "May",
                    "June",
                    "July",
                    "August",
                    "September",
                    "October",
                    "November",
                    "December",
                ];
                format!("{d} {} {y}", MONTHS.get(m.wrapping_sub(1) as usize).unwrap_or(&""))
            }
        }
    }
}

/// Lines of `text` at the largest size from `largest` down to `smallest` (in steps of 2) at
/// which it fits `max_lines` lines of `width`; `measure(text, size)` is the drawn width. Text
/// breaks between any two CJK characters and, in Latin text, at a space when the line has one.
/// Lines are balanced: wrapped to the narrowest width that needs no more lines, so a title
/// never leaves one character alone on its last line. At the smallest size a text that still
/// does not fit ends its last line with "…". Returns the size and the lines.
pub fn fit_text(
    text: &str,
    width: f64,
    largest: u32,
    smallest: u32,
    max_lines: usize,
    measure: impl Fn(&str, u32) -> f64,
) -> (u32, Vec<String>) {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut size = largest.max(smallest);
    loop {
        let (lines, split) = wrap(&text, width, |t| measure(t, size));
        if lines.len() <= max_lines.max(1) && lines.len() > 1 && !split {
            // The narrowest width that needs no more lines and splits no word.
            let (mut narrow, mut wide) = (width / lines.len() as f64, width);
            while wide - narrow > 1.0 {
                let mid = (narrow + wide) / 2.0;
                let (at_mid, split) = wrap(&text, mid, |t| measure(t, size));
                if at_mid.len() <= lines.len() && !split {
                    wide = mid;
                } else {
                    narrow = mid;
                }
            }
            return (size, wrap(&text, wide, |t| measure(t, size)).0);
        }
        if lines.len() <= max_lines.max(1) || size <= smallest {
            let mut lines = lines;
            if lines.len() > max_lines.max(1) {
                lines.truncate(max_lines.max(1));
                let last = lines.last_mut().expect("at least one line");
                while !last.is_empty() && measure(&format!("{last}…"), size) > width {
                    last.pop();
                }
                last.push('…');
            }
            return (size, lines);
        }
        size = size.saturating_sub(2).max(smallest);
    }
}

/// Greedy line breaking of `text` to `width`, and whether a word longer than the width had to
/// be split.
fn wrap(text: &str, width: f64, measure: impl Fn(&str) -> f64) -> (Vec<String>, bool) {
    let mut split = false;
    let mut lines = Vec::new();
    let mut line = String::new();
    for c in text.chars() {
        let mut candidate = line.clone();
        candidate.push(c);
        if line.is_empty() || measure(&candidate) <= width {
            line = candidate;
            continue;
        }
        // Over the width: break at the line's last space when the break falls inside a word.
        let in_word = c.is_ascii_alphanumeric() && line.chars().last().is_some_and(|p| p.is_ascii_alphanumeric());
        match line.rfind(' ').filter(|_| in_word) {
            Some(at) => {
                let rest = line[at + 1..].to_string();
                line.truncate(at);
                lines.push(std::mem::take(&mut line));
                line = rest;
                line.push(c);
            }
            None => {
                split |= in_word;
                lines.push(std::mem::take(&mut line).trim_end().to_string());
                if c != ' ' {
                    line.push(c);
                }
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    (lines, split)
}

/// The QR code of `address` as rows of dark (`true`) modules, without the quiet zone;
/// `None` for an address too long for a QR code.
pub fn qr_modules(address: &str) -> Option<Vec<Vec<bool>>> {
    let code = qrcode::QrCode::with_error_correction_level(address.as_bytes(), qrcode::EcLevel::M).ok()?;
    let width = code.width();
    let colors = code.to_colors();
    Some(colors.chunks(width).map(|row| row.iter().map(|c| *c == qrcode::Color::Dark).collect()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_back_as_typed() {
        let code = verification_code("c", "p", "a", 85, None);
        assert_eq!(code.len(), 14);
        assert_eq!(normalize_code(&code).as_deref(), Some(code.as_str()));
        assert_eq!(normalize_code(&code.to_lowercase().replace('-', " ")).as_deref(), Some(code.as_str()));
        assert_eq!(normalize_code("oooo-iiii-llll").as_deref(), Some("0000-1111-1111"));
        assert_eq!(normalize_code("ABCD-EFGH-JKM"), None, "too short");
        assert_eq!(normalize_code("ABCD-EFGH-JKMU"), None, "U is not in the alphabet");
        assert_eq!(normalize_code("中文"), None);
    }

    #[test]
    fn text_wraps_and_shrinks() {
        // Every character is `size` wide.
        let measure = |t: &str, size: u32| t.chars().count() as f64 * size as f64;
        assert_eq!(fit_text("短标题", 300.0, 60, 30, 2, measure), (60, vec!["短标题".to_string()]));
        let (size, lines) = fit_text("全民科学素质网络知识竞赛（示范）", 300.0, 60, 30, 2, measure);
        assert!(lines.len() <= 2 && lines.iter().all(|l| measure(l, size) <= 300.0), "{size} {lines:?}");
        // Balanced: 16 characters in two lines of 8, not 10 and 6.
        let (size, lines) = fit_text("全民科学素质网络知识竞赛（示范）", 600.0, 60, 30, 2, measure);
        assert_eq!((size, lines), (60, vec!["全民科学素质网络".to_string(), "知识竞赛（示范）".to_string()]));
        let (_, lines) = fit_text("hello wonderful world", 10.0 * 12.0, 10, 10, 3, measure);
        assert_eq!(lines, ["hello", "wonderful", "world"]);
        let (size, lines) = fit_text(&"长".repeat(100), 300.0, 60, 30, 2, measure);
        assert_eq!(size, 30);
        assert_eq!(lines.len(), 2);
        assert!(lines[1].ends_with('…') && measure(&lines[1], 30) <= 300.0);
    }
}
