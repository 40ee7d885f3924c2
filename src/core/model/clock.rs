//! Contest time: instants are milliseconds since the Unix epoch; calendar days and
//! written dates are in the contest time zone, Asia/Shanghai (UTC+8, no daylight saving),
//! whatever zone the device is set to.

pub const MS_PER_DAY: i64 = 86_400_000;
const SHANGHAI_OFFSET_MS: i64 = 8 * 3_600_000;

/// The page's clock: wall-clock milliseconds that never go back while the page is open.
///
/// It advances with a monotonic clock (the browser's `performance.now`), so moving the
/// device clock back mid-round neither freezes the countdown nor shortens the time used.
/// When the wall clock is ahead of it (the phone slept, which a monotonic clock may not count,
/// or the clock was put forward), it takes the wall clock: a timer never gains time.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PageClock {
    /// (wall, monotonic) at the last re-anchoring; none before the first reading.
    anchor: Option<(i64, f64)>,
}

impl PageClock {
    /// Now, from the device clock's `wall` (epoch ms) and the monotonic `mono` (ms).
    pub fn now(&mut self, wall: i64, mono: f64) -> i64 {
        let advanced = self.anchor.map(|(w, m)| w + (mono - m).max(0.0) as i64);
        match advanced {
            Some(t) if t >= wall => t,
            _ => {
                self.anchor = Some((wall, mono));
                wall
            }
        }
    }
}

/// The Asia/Shanghai calendar day an instant falls on, as days since 1970-01-01.
pub fn shanghai_day(ms: i64) -> i64 {
    (ms + SHANGHAI_OFFSET_MS).div_euclid(MS_PER_DAY)
}

/// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Parses `YYYY-MM-DD HH:MM` (or `YYYY-MM-DDTHH:MM`, or a bare date = 00:00) read as
/// Asia/Shanghai wall time, into epoch milliseconds.
pub fn parse_shanghai(text: &str) -> Option<i64> {
    let text = text.trim();
    let (date, time) = match text.split_once([' ', 'T']) {
        Some((d, t)) => (d, t.trim()),
        None => (text, "00:00"),
    };
    let mut dp = date.split('-');
    let y: i64 = dp.next()?.parse().ok()?;
    let m: u32 = dp.next()?.parse().ok()?;
    let d: u32 = dp.next()?.parse().ok()?;
    if dp.next().is_some() || !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    let mut tp = time.split(':');
    let hh: i64 = tp.next()?.parse().ok()?;
    let mm: i64 = tp.next()?.parse().ok()?;
    let ss: i64 = match tp.next() {
        Some(s) => s.parse().ok()?,
        None => 0,
    };
    if tp.next().is_some() || hh > 23 || mm > 59 || ss > 59 || hh < 0 || mm < 0 || ss < 0 {
        return None;
    }
    let local = days_from_civil(y, m, d) * MS_PER_DAY + (hh * 3600 + mm * 60 + ss) * 1000;
    Some(local - SHANGHAI_OFFSET_MS)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `YYYY-MM-DD HH:MM` in Asia/Shanghai.
pub fn format_shanghai(ms: i64) -> String {
    let local = ms + SHANGHAI_OFFSET_MS;
    let (y, m, d) = civil_from_days(local.div_euclid(MS_PER_DAY));
    let mins = local.rem_euclid(MS_PER_DAY) / 60_000;
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}", mins / 60, mins % 60)
}

/// The end of a period written as `parse_shanghai` reads it, exclusive: an end given to the
/// minute (`2030-12-31 23:59`, or a bare date, 00:00) includes that whole minute, one given to
/// the second includes that second.
pub fn parse_shanghai_end(text: &str) -> Option<i64> {
    let at = parse_shanghai(text)?;
    let with_seconds = text.trim().split_once([' ', 'T']).is_some_and(|(_, time)| time.matches(':').count() == 2);
    Some(at + if with_seconds { 1_000 } else { 60_000 })
}

/// The first Asia/Shanghai midnight after `ms`.
pub fn shanghai_midnight_after(ms: i64) -> i64 {
    (shanghai_day(ms) + 1) * MS_PER_DAY - SHANGHAI_OFFSET_MS
}

/// `YYYY-MM-DD` of an Asia/Shanghai day number.
pub fn format_day(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_format_round_trip() {
        let ms = parse_shanghai("2026-11-23 08:30").unwrap();
        // 08:30 in Shanghai is 00:30 UTC.
        assert_eq!(ms, 1_795_393_800_000);
        assert_eq!(format_shanghai(ms), "2026-11-23 08:30");
        assert_eq!(parse_shanghai("2024-02-29").map(format_shanghai).unwrap(), "2024-02-29 00:00");
        assert_eq!(parse_shanghai("2026-11-23T08:30:15").unwrap(), ms + 15_000);
    }

    #[test]
    fn rejects_impossible_dates() {
        for bad in ["2023-02-29", "2026-13-01", "2026-11-31", "2026-11-23 24:00", "tomorrow", "2026-11"] {
            assert_eq!(parse_shanghai(bad), None, "{bad}");
        }
    }

    #[test]
    fn shanghai_midnight_is_the_day_boundary() {
        let before = parse_shanghai("2026-11-23 23:59:59").unwrap();
        let after = before + 1000;
        assert_eq!(shanghai_day(after), shanghai_day(before) + 1);
        assert_eq!(format_day(shanghai_day(after)), "2026-11-24");
        // 16:00 UTC is already the next day in Shanghai.
        assert_eq!(format_shanghai(after), "2026-11-24 00:00");
    }

    #[test]
    fn the_page_clock_ignores_the_device_clock_moved_back_and_takes_it_moved_forward() {
        let mut clock = PageClock::default();
        let t0 = 1_795_393_800_000;
        assert_eq!(clock.now(t0, 100.0), t0);
        assert_eq!(clock.now(t0 + 5_000, 5_100.0), t0 + 5_000);
        // The device clock is put back an hour: the page's clock goes on.
        assert_eq!(clock.now(t0 - 3_600_000, 7_100.0), t0 + 7_000);
        assert_eq!(clock.now(t0 - 3_590_000, 17_100.0), t0 + 17_000);
        // The phone slept 10 minutes (the monotonic clock stood still): the wall clock is taken.
        assert_eq!(clock.now(t0 + 600_000, 17_200.0), t0 + 600_000);
        assert_eq!(clock.now(t0 + 600_000, 18_200.0), t0 + 601_000);
    }
}
