//! Dates as pages write them, turned into instants that keep the page's offset.
//!
//! Machine-readable forms (ISO 8601, RFC 2822, compact `20161223`, Unix times) come
//! from JSON-LD and meta tags; visible forms are what readers see ("17/09/2020 - 15:19",
//! "Thứ năm, 17/9/2020, 15:19 (GMT+7)", "ngày 17 tháng 9 năm 2020", "19. Juli 2014",
//! "July 19, 2014": see [`visible`]). A time without an offset is read in the page's
//! zone, which for Vietnamese pages is Asia/Ho_Chi_Minh (UTC+7 all year, no daylight
//! saving). The offset a date was stated in is kept, because the day a page means is
//! the day in its own zone, not the UTC day.

pub mod visible;

use std::sync::LazyLock;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use regex::Regex;

pub use visible::DayOrder;

/// Asia/Ho_Chi_Minh: a fixed +07:00.
pub fn vietnam() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("valid offset")
}

/// Earliest year accepted as a publication date: news pages on the web start in the
/// mid-1990s, and older years in a page are copyright lines, birthdays or history.
pub const EARLIEST_YEAR: i32 = 1995;

/// Neither older than [`EARLIEST_YEAR`] nor later than a day after the page was read
/// (a day of slack for clocks and zones).
pub fn plausible<Tz: TimeZone>(d: &DateTime<Tz>, fetched_at: DateTime<Utc>) -> bool {
    use chrono::Datelike;
    d.year() >= EARLIEST_YEAR && d.with_timezone(&Utc) <= fetched_at + chrono::Duration::days(1)
}

/// UTC as an offset.
pub fn utc() -> FixedOffset {
    FixedOffset::east_opt(0).expect("zero offset")
}

/// Parses a machine-readable or visible date; `zone` applies when the text has no offset.
pub fn parse(text: &str, zone: FixedOffset) -> Option<DateTime<Utc>> {
    parse_local(text, zone).map(|d| d.with_timezone(&Utc))
}

/// Like [`parse`], keeping the offset the text states (else `zone`).
pub fn parse_local(text: &str, zone: FixedOffset) -> Option<DateTime<FixedOffset>> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    parse_iso(t, zone)
        .or_else(|| parse_rfc2822(t))
        .or_else(|| parse_compact(t, zone))
        .or_else(|| find_visible(t, zone).map(|(d, _)| d))
}

/// ISO 8601 with or without a time or offset.
pub fn parse_iso(t: &str, zone: FixedOffset) -> Option<DateTime<FixedOffset>> {
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Some(dt);
    }
    // "2020-09-17T15:19:00+0700", "2020-09-17 15:19:00+07:00", "2020-09-17T15:19+07:00",
    // "2020-09-17 15:19:00 +0700"
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M%z",
        "%Y-%m-%d %H:%M%z",
        "%Y-%m-%d %H:%M:%S%.f %z",
    ] {
        if let Ok(dt) = DateTime::parse_from_str(t, fmt) {
            return Some(dt);
        }
    }
    if let Some(stripped) = t.strip_suffix('Z').or_else(|| t.strip_suffix(" UTC")) {
        return parse_naive_iso(stripped).map(|n| utc().from_utc_datetime(&n));
    }
    // A two-digit offset: "2020-09-17T15:19:00+07".
    if let Some((head, off)) = t
        .rsplit_once(['+', '-'])
        .filter(|(h, o)| h.len() >= 16 && o.len() == 2 && o.bytes().all(|b| b.is_ascii_digit()))
    {
        let hours: i32 = off.parse().ok()?;
        let sign = if t.as_bytes()[head.len()] == b'-' {
            -1
        } else {
            1
        };
        let zone = FixedOffset::east_opt(sign * hours * 3600)?;
        return parse_naive_iso(head).and_then(|n| zone.from_local_datetime(&n).single());
    }
    parse_naive_iso(t).and_then(|n| zone.from_local_datetime(&n).single())
}

/// "20161223" and Unix times in seconds or milliseconds, as some meta tags give them.
fn parse_compact(t: &str, zone: FixedOffset) -> Option<DateTime<FixedOffset>> {
    if !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match t.len() {
        8 => {
            let d = NaiveDate::parse_from_str(t, "%Y%m%d").ok()?;
            zone.from_local_datetime(&d.and_time(NaiveTime::MIN))
                .single()
        }
        10 => DateTime::from_timestamp(t.parse().ok()?, 0).map(|d| d.with_timezone(&utc())),
        13 => DateTime::from_timestamp_millis(t.parse().ok()?).map(|d| d.with_timezone(&utc())),
        _ => None,
    }
}

fn parse_naive_iso(t: &str) -> Option<NaiveDateTime> {
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(n) = NaiveDateTime::parse_from_str(t, fmt) {
            return Some(n);
        }
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .ok()
        .map(|d| d.and_time(NaiveTime::MIN))
}

fn parse_rfc2822(t: &str) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc2822(t).ok()
}

// Digits are spelled `[0-9]`: `\d` is every Unicode digit, which makes each pattern
// several times larger to compile and slower to run, and page dates are ASCII.
static DMY: LazyLock<Regex> = LazyLock::new(|| {
    // 17/09/2020, 17-9-2020, 17.09.2020 with an optional time before or after it.
    Regex::new(
        r"(?x)
        (?:(?P<h1>[0-9]{1,2})[:hg](?P<m1>[0-9]{2})(?::[0-9]{2})?\s*(?P<ap1>[AaPp][Mm])?\s*(?:,|-|–|\|)?\s*(?:ngày\s+)?)?
        (?P<d>[0-9]{1,2})[/.\-](?P<mo>[0-9]{1,2})[/.\-](?P<y>[0-9]{4})
        (?:(?:\s*(?:,|-|–|\||lúc)?\s*|T)(?P<h2>[0-9]{1,2})[:hg](?P<m2>[0-9]{2})(?::(?P<s2>[0-9]{2}))?(?:\s*(?P<ap2>[AaPp][Mm])\b)?)?
        (?:\s*\(?\s*(?:GMT|UTC)\s*(?P<off>[+\-]\s*[0-9]{1,2})(?::?(?P<offm>[0-9]{2}))?\s*\)?
          |(?P<off2>[+\-][0-9]{2}):(?P<offm2>[0-9]{2}))?
    ",
    )
    .expect("valid regex")
});

static WORDY: LazyLock<Regex> = LazyLock::new(|| {
    // "ngày 17 tháng 9 năm 2020", optionally with a time.
    Regex::new(r"(?i)(?P<d>[0-9]{1,2})\s+tháng\s+(?P<mo>[0-9]{1,2})\s*(?:,|năm)\s*(?P<y>[0-9]{4})(?:[^0-9]{0,8}(?P<h>[0-9]{1,2})[:hg](?P<m>[0-9]{2}))?").expect("valid regex")
});

static RELATIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b([0-9]{1,3})\s*(phút|giờ|tiếng|ngày|tuần|minutes?|mins?|hours?|hrs?|days?|weeks?)\s*(trước|ago)\b").expect("valid regex")
});

/// A relative date as news sites show recent stories ("3 giờ trước", "15 phút trước",
/// "2 hours ago"), resolved against the time the page was fetched.
pub fn parse_relative(text: &str, fetched_at: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let c = RELATIVE.captures(text)?;
    let n: i64 = c.get(1)?.as_str().parse().ok()?;
    let unit = c.get(2)?.as_str().to_lowercase();
    let d = match unit.as_str() {
        "phút" | "minute" | "minutes" | "min" | "mins" => chrono::Duration::minutes(n),
        "giờ" | "tiếng" | "hour" | "hours" | "hr" | "hrs" => chrono::Duration::hours(n),
        "ngày" | "day" | "days" => chrono::Duration::days(n),
        "tuần" | "week" | "weeks" => chrono::Duration::weeks(n),
        _ => return None,
    };
    Some(fetched_at - d)
}

/// Finds a visible date inside running text such as "Sức khoẻ 17/09/2020 - 15:19".
pub fn parse_visible(t: &str, zone: FixedOffset) -> Option<DateTime<Utc>> {
    find_visible(t, zone).map(|(dt, _)| dt.with_timezone(&Utc))
}

/// Like [`parse_visible`], also returning the matched text as shown on the page; two
/// small numbers ("05/07/2014") are read day first.
pub fn find_visible(t: &str, zone: FixedOffset) -> Option<(DateTime<FixedOffset>, String)> {
    find_visible_with(t, zone, DayOrder::DayFirst)
}

/// The first date written in `t`, with the text that shows it; `order` reads two small
/// numbers, `zone` applies when no offset is written.
pub fn find_visible_with(
    t: &str,
    zone: FixedOffset,
    order: DayOrder,
) -> Option<(DateTime<FixedOffset>, String)> {
    // The portal forms first: a time before or after the date, "(GMT+7)".
    if let Some(found) = dmy(t, zone, order) {
        return Some(found);
    }
    if let Some(c) = WORDY.captures(t) {
        let num = |name: &str| c.name(name).and_then(|m| m.as_str().parse::<u32>().ok());
        let date = NaiveDate::from_ymd_opt(num("y")? as i32, num("mo")?, num("d")?)?;
        let time = NaiveTime::from_hms_opt(num("h").unwrap_or(0), num("m").unwrap_or(0), 0)?;
        let dt = zone.from_local_datetime(&date.and_time(time)).single()?;
        let shown = c
            .get(0)
            .map(|m| m.as_str().trim().to_string())
            .unwrap_or_default();
        return Some((dt, shown));
    }
    let s = visible::first(t, order)?;
    Some((instant(&s, zone)?, t[s.start..s.end].trim().to_string()))
}

/// The instant of a date found in text: midnight when no time is written, in the
/// written offset else `zone`.
pub fn instant(s: &visible::Shown, zone: FixedOffset) -> Option<DateTime<FixedOffset>> {
    let offset = match s.offset {
        Some(o) => FixedOffset::east_opt(o)?,
        None => zone,
    };
    offset
        .from_local_datetime(&s.date.and_time(s.time.unwrap_or(NaiveTime::MIN)))
        .single()
}

/// "17/09/2020 - 15:19", "15:19 17/09/2020", "17/9/2020, 15:19 (GMT+7)".
fn dmy(t: &str, zone: FixedOffset, order: DayOrder) -> Option<(DateTime<FixedOffset>, String)> {
    let c = DMY.captures(t)?;
    let num = |name: &str| {
        c.name(name)
            .and_then(|m| m.as_str().trim().parse::<u32>().ok())
    };
    let sep_dot = c.get(0).is_some_and(|m| {
        let s = m.as_str();
        s.contains('.') && !s.contains('/') && !s.contains('-')
    });
    let order = if sep_dot { DayOrder::DayFirst } else { order };
    let (mo, d) = visible::month_day(num("d")?, num("mo")?, order)?;
    let date = NaiveDate::from_ymd_opt(num("y")? as i32, mo, d)?;
    let (mut h, m, ap) = match (num("h2"), num("m2"), num("h1"), num("m1")) {
        (Some(h), Some(m), _, _) => (h, m, c.name("ap2")),
        (None, None, Some(h), Some(m)) => (h, m, c.name("ap1")),
        _ => (0, 0, None),
    };
    // "03:20 PM | 21/12/2012"; "15:20 PM" is already in 24 hours.
    match ap.map(|a| a.as_str().to_ascii_lowercase()) {
        Some(a) if a == "pm" && h < 12 => h += 12,
        Some(a) if a == "am" && h == 12 => h = 0,
        _ => {}
    }
    let s = num("s2").unwrap_or(0);
    let time = NaiveTime::from_hms_opt(h, m, s)?;
    // "(GMT+7)" as portals write it, or "+07:00" after an ISO-like time.
    let offset = match c.name("off").or_else(|| c.name("off2")) {
        Some(off) => {
            let hours: i32 = off.as_str().replace(' ', "").parse().ok()?;
            let mins = num("offm").or_else(|| num("offm2")).unwrap_or(0) as i32;
            FixedOffset::east_opt(hours.signum() * (hours.abs() * 3600 + mins * 60))?
        }
        None => zone,
    };
    let dt = offset.from_local_datetime(&date.and_time(time)).single()?;
    let shown = c
        .get(0)
        .map(|m| m.as_str().trim().to_string())
        .unwrap_or_default();
    Some((dt, shown))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vn(text: &str) -> String {
        parse(text, vietnam())
            .map(|d| d.to_rfc3339())
            .unwrap_or_else(|| "none".into())
    }

    #[test]
    fn iso_forms() {
        assert_eq!(vn("2020-09-17T15:19:00+07:00"), "2020-09-17T08:19:00+00:00");
        assert_eq!(vn("2020-09-17T15:19:00+0700"), "2020-09-17T08:19:00+00:00");
        assert_eq!(vn("2020-09-17T08:19:00Z"), "2020-09-17T08:19:00+00:00");
        assert_eq!(
            vn("2020-09-17T15:19:00.123+07:00"),
            "2020-09-17T08:19:00.123+00:00"
        );
        // no offset: read in the page's zone
        assert_eq!(vn("2020-09-17T15:19:00"), "2020-09-17T08:19:00+00:00");
        assert_eq!(vn("2020-09-17 15:19"), "2020-09-17T08:19:00+00:00");
    }

    #[test]
    fn rfc2822() {
        assert_eq!(
            vn("Thu, 17 Sep 2020 15:19:00 +0700"),
            "2020-09-17T08:19:00+00:00"
        );
    }

    #[test]
    fn seed_meta_line() {
        assert_eq!(
            vn("Sức khoẻ 17/09/2020 - 15:19"),
            "2020-09-17T08:19:00+00:00"
        );
        assert_eq!(
            find_visible("Sức khoẻ 17/09/2020 - 15:19", vietnam())
                .map(|x| x.1)
                .as_deref(),
            Some("17/09/2020 - 15:19")
        );
    }

    #[test]
    fn weekday_and_gmt_offset() {
        assert_eq!(
            vn("Thứ năm, 17/9/2020, 15:19 (GMT+7)"),
            "2020-09-17T08:19:00+00:00"
        );
        assert_eq!(vn("17/09/2020 15:19 GMT+7"), "2020-09-17T08:19:00+00:00");
        assert_eq!(
            vn("Thứ Năm, 17/9/2020 - 15:19"),
            "2020-09-17T08:19:00+00:00"
        );
        // An explicit offset other than the zone wins.
        assert_eq!(vn("17/09/2020 15:19 GMT+9"), "2020-09-17T06:19:00+00:00");
    }

    #[test]
    fn time_before_date() {
        assert_eq!(vn("15:19 17/09/2020"), "2020-09-17T08:19:00+00:00");
        assert_eq!(vn("07/03/2026 08:01 GMT+7"), "2026-03-07T01:01:00+00:00");
        // A 12-hour mark between the time and a "|" before the date.
        assert_eq!(vn("09:45 PM | 03/02/2015"), "2015-02-03T14:45:00+00:00");
        assert_eq!(vn("21:45 PM | 03/02/2015"), "2015-02-03T14:45:00+00:00");
    }

    #[test]
    fn day_first_date_with_an_iso_time() {
        // Some portals fill JSON-LD with the day first and an ISO time after "T".
        assert_eq!(vn("05-11-2018T06:30:00+07:00"), "2018-11-04T23:30:00+00:00");
        assert_eq!(vn("05-11-2018T06:30:00+09:00"), "2018-11-04T21:30:00+00:00");
    }

    #[test]
    fn wordy_vietnamese() {
        assert_eq!(
            vn("Cập nhật ngày 17 tháng 9 năm 2020"),
            "2020-09-16T17:00:00+00:00"
        );
    }

    #[test]
    fn relative_to_the_fetch_time() {
        let fetched = parse("2020-09-17T15:19:00+07:00", vietnam()).unwrap();
        assert_eq!(
            parse_relative("3 giờ trước", fetched).unwrap().to_rfc3339(),
            "2020-09-17T05:19:00+00:00"
        );
        assert_eq!(
            parse_relative("Cập nhật 15 phút trước", fetched)
                .unwrap()
                .to_rfc3339(),
            "2020-09-17T08:04:00+00:00"
        );
        assert_eq!(
            parse_relative("2 days ago", fetched).unwrap().to_rfc3339(),
            "2020-09-15T08:19:00+00:00"
        );
        assert!(parse_relative("giờ làm việc", fetched).is_none());
    }

    #[test]
    fn nonsense_is_none() {
        assert_eq!(vn("hôm qua"), "none");
        assert_eq!(vn("32/13/2020"), "none");
        assert_eq!(vn(""), "none");
    }
}
