//! Dates as readers see them, in many languages: "19. Juli 2014", "July 19, 2014",
//! "19 de julio de 2014", "19/07/2014", "2014-07-19", "2014年7月19日".
//!
//! The scan is anchored on years: a page's text is searched for runs of exactly four
//! digits between 1995 and 2099 (a byte scan), and only the few characters around each
//! are matched against the forms a date takes before a year ("19 July ", "07/19/") or
//! after it ("-07-19", "年7月19日"). Text without a year costs one pass over its bytes,
//! so the scan can afford to read every date-like element of a page.

use std::sync::LazyLock;

use chrono::{NaiveDate, NaiveTime};
use regex::Regex;

/// How a numeric date with two small numbers ("05/07/2014") is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DayOrder {
    /// 5 July: most of the world.
    #[default]
    DayFirst,
    /// May 7: American English.
    MonthFirst,
}

impl DayOrder {
    /// The order a page's language tag implies: month first for English unless a
    /// region that writes day first is named (`en-GB`, `en-AU`, `en-IN`...).
    pub fn for_language(lang: &str) -> DayOrder {
        let l = lang.to_ascii_lowercase().replace('_', "-");
        let mut parts = l.split('-');
        if parts.next() != Some("en") {
            return DayOrder::DayFirst;
        }
        match parts.next() {
            None | Some("us") | Some("ca") | Some("ph") => DayOrder::MonthFirst,
            Some(_) => DayOrder::DayFirst,
        }
    }
}

/// One date found in text: the day, the time of day and offset when written next to
/// it, and where it stands in the text (byte range).
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    pub date: NaiveDate,
    pub time: Option<NaiveTime>,
    /// Offset in seconds east of UTC, when the text states one ("GMT+7", "+02:00").
    pub offset: Option<i32>,
    pub start: usize,
    pub end: usize,
}

/// Month names and their usual abbreviations in the languages of most news pages
/// (en, de, fr, es, it, pt, nl, the Nordic languages, pl, cs, tr, ro, hu, id, ru).
fn month(word: &str) -> Option<u32> {
    let w = word.to_lowercase();
    let w = w.trim_end_matches('.');
    Some(match w {
        "january" | "jan" | "januar" | "jänner" | "janvier" | "janv" | "enero" | "ene"
        | "gennaio" | "gen" | "janeiro" | "januari" | "janúar" | "января" | "январь"
        | "stycznia" | "ledna" | "ocak" | "ianuarie" | "január" => 1,
        "february" | "feb" | "februar" | "feber" | "février" | "fevrier" | "févr" | "fevr"
        | "febrero" | "febbraio" | "fevereiro" | "fev" | "februari" | "февраля" | "февраль"
        | "lutego" | "února" | "şubat" | "februarie" | "február" => 2,
        "march" | "mar" | "märz" | "mär" | "maerz" | "mars" | "marzo" | "março" | "marco"
        | "maart" | "mrt" | "marts" | "марта" | "март" | "marca" | "března" | "mart" | "maret"
        | "martie" | "március" => 3,
        "april" | "apr" | "avril" | "avr" | "abril" | "abr" | "aprile" | "апреля" | "апрель"
        | "kwietnia" | "dubna" | "nisan" | "aprilie" | "április" => 4,
        "may" | "mai" | "mayo" | "maggio" | "mag" | "maio" | "mei" | "maj" | "мая" | "май"
        | "maja" | "května" | "mayıs" | "május" => 5,
        "june" | "jun" | "juni" | "juin" | "junio" | "giugno" | "giu" | "junho" | "июня"
        | "июнь" | "czerwca" | "června" | "haziran" | "iunie" | "június" => 6,
        "july" | "jul" | "juli" | "juillet" | "juil" | "julio" | "luglio" | "lug" | "julho"
        | "июля" | "июль" | "lipca" | "července" | "temmuz" | "iulie" | "július" => 7,
        "august" | "aug" | "août" | "aout" | "agosto" | "ago" | "augustus" | "augusti"
        | "августа" | "август" | "sierpnia" | "srpna" | "ağustos" | "agustus" | "augusztus" => {
            8
        }
        "september" | "sep" | "sept" | "septembre" | "septiembre" | "setiembre" | "settembre"
        | "set" | "setembro" | "сентября" | "сентябрь" | "września" | "září" | "eylül"
        | "septembrie" | "szeptember" => 9,
        "october" | "oct" | "oktober" | "okt" | "octobre" | "octubre" | "ottobre" | "ott"
        | "outubro" | "out" | "октября" | "октябрь" | "października" | "října" | "ekim"
        | "octombrie" | "október" => 10,
        "november" | "nov" | "novembre" | "noviembre" | "novembro" | "ноября" | "ноябрь"
        | "listopada" | "listopadu" | "kasım" | "noiembrie" => 11,
        "december" | "dec" | "dezember" | "dez" | "décembre" | "decembre" | "déc" | "dic"
        | "diciembre" | "dicembre" | "dezembro" | "декабря" | "декабрь" | "grudnia"
        | "prosince" | "aralık" | "desember" | "desemba" | "decembrie" => 12,
        _ => return None,
    })
}

// Digits are spelled `[0-9]`: `\d` is every Unicode digit.
/// "19/07/", "19.07.", "7-19-" before a year.
static NUM_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^0-9])([0-9]{1,2})([/.\-])\s?([0-9]{1,2})([/.\-])\s?$").expect("valid regex")
});
/// "19 July ", "19. Juli ", "19th of July, ", "19 de julio de " before a year. Month
/// names are Latin or Cyrillic letters: a narrow class compiles in a fraction of the
/// time `\p{L}` takes.
static DAY_MONTH_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:^|[^0-9])([0-3]?[0-9])(?:\.|st|nd|rd|th|er|º|ª)?\s*(?:de\s+|of\s+)?([a-zA-Z\u{C0}-\u{24F}\u{400}-\u{4FF}]{3,10})\.?,?\s*(?:de\s+|del\s+)?$",
    )
    .expect("valid regex")
});
/// "July 19, ", "Jul. 19th " before a year.
static MONTH_DAY_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)([a-zA-Z\u{C0}-\u{24F}\u{400}-\u{4FF}]{3,10})\.?\s+([0-3]?[0-9])(?:st|nd|rd|th)?,?\s+$").expect("valid regex")
});
/// "17 tháng 9 năm " / "17 tháng 9, " before a year.
static VI_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)([0-9]{1,2})\s+tháng\s+([0-9]{1,2})\s*(?:,|năm)\s*$").expect("valid regex")
});
/// "-07-19", "/7/19", ".07.19" after a year.
static NUM_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([/.\-])([0-9]{1,2})([/.\-])([0-9]{1,2})(?:[^0-9]|$)").expect("valid regex")
});
/// ". augusztus 18." after a year (Hungarian writes the year first).
static MONTH_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\.\s*([a-zA-Z\u{C0}-\u{24F}]{3,12})\.?\s+([0-3]?[0-9])\.(?:[^0-9]|$)")
        .expect("valid regex")
});
/// "年7月19日", "년 7월 19일" after a year.
static CJK_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*[年년]\s*([0-9]{1,2})\s*[月월]\s*([0-9]{1,2})\s*[日일]").expect("valid regex")
});
/// A time of day after a date: ", 15:19", " um 15.19 Uhr", " at 3:19 pm", "T15:19:00+02:00".
/// A time written just before its date, with only a separator between them ("15:20 PM
/// | 21/12/2012", "08:30, 21/12/2012"), matched at the end of the text before the date.
static TIME_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)
        (?:^|[^0-9:])
        (?P<h>[0-9]{1,2})[:h](?P<m>[0-9]{2})(?::(?P<s>[0-9]{2}))?
        (?:\s*(?P<ap>[ap])\.?\s?m\b\.?)?
        \s*(?:,|-|–|\|)?\s*(?:ngày\s*)?$",
    )
    .expect("valid regex")
});

static TIME_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^
        (?:\s*(?:,|-|–|\||@|/|T|at|um|à|às|alle|ore|a\s+las|lúc|kl\.?|om)?\s*)
        (?P<h>[0-9]{1,2})[:h.](?P<m>[0-9]{2})(?::(?P<s>[0-9]{2})(?:\.[0-9]+)?)?
        (?:\s*(?P<ap>[ap])\.?\s?m\b\.?)?
        (?:\s*(?P<vn>sáng|trưa|chiều|tối|đêm)(?:[^\p{L}]|$))?
        (?:\s*(?:Uhr|h)\b)?
        (?:\s*\(?\s*(?:GMT|UTC)\s*(?P<oh>[+\-][0-9]{1,2})(?::?(?P<om>[0-9]{2}))?\s*\)?
          |(?P<oh2>[+\-][0-9]{2}):?(?P<om2>[0-9]{2})
          |\s*(?P<z>Z)\b)?",
    )
    .expect("valid regex")
});

/// Byte ranges of the runs of ASCII digits in `text`, in order.
pub fn digit_runs(text: &str) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let b = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < b.len() && !b[i].is_ascii_digit() {
            i += 1;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        (i > start).then_some(start..i)
    })
}

/// The bytes of `text` that are a four-digit year 1995..=2099 standing alone.
fn years(text: &str) -> impl Iterator<Item = (usize, i32)> + '_ {
    digit_runs(text).filter_map(move |r| {
        let y: i32 = text[r.clone()].parse().ok().filter(|_| r.len() == 4)?;
        (1995..=2099).contains(&y).then_some((r.start, y))
    })
}

/// The char boundary at or after `i`.
fn ceil(text: &str, mut i: usize) -> usize {
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// The char boundary at or before `i`.
fn floor(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Reads two small numbers as (month, day) by their values, then by `order`.
pub(crate) fn month_day(a: u32, b: u32, order: DayOrder) -> Option<(u32, u32)> {
    match (a > 12, b > 12) {
        (true, true) => None,
        (true, false) => Some((b, a)),
        (false, true) => Some((a, b)),
        (false, false) => Some(match order {
            DayOrder::DayFirst => (b, a),
            DayOrder::MonthFirst => (a, b),
        }),
    }
}

/// Every date written in `text`, in order of appearance, none overlapping the one
/// before it.
pub fn scan(text: &str, order: DayOrder) -> impl Iterator<Item = Shown> + '_ {
    let mut last_end = 0;
    years(text).filter_map(move |(ys, y)| {
        if ys < last_end {
            return None;
        }
        let s = at_year(text, ys, y, order).filter(|s| s.start >= last_end)?;
        last_end = s.end;
        Some(s)
    })
}

/// "31.10.23", "31/10/23": a day, a month and a two-digit year (2000 onwards).
static SHORT_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^0-9./])([0-9]{1,2})([./])([0-9]{1,2})([./])([0-9]{2})(?:[^0-9./]|$)")
        .expect("valid regex")
});

/// The first date with a two-digit year in `text`. Too ambiguous for running text
/// (scores, versions, prices), it is read only from elements that hold dates.
pub fn short_year(text: &str, order: DayOrder) -> Option<Shown> {
    let c = SHORT_YEAR.captures(text)?;
    if c[2] != c[4] {
        return None;
    }
    let order = if &c[2] == "." {
        DayOrder::DayFirst
    } else {
        order
    };
    let (mo, d) = month_day(c[1].parse().ok()?, c[3].parse().ok()?, order)?;
    let y = 2000 + c[5].parse::<i32>().ok()?;
    let date = NaiveDate::from_ymd_opt(y, mo, d)?;
    let (start, end) = (c.get(1)?.start(), c.get(5)?.end());
    Some(with_time(text, date, start, end))
}

/// The first date written in `text`.
pub fn first(text: &str, order: DayOrder) -> Option<Shown> {
    scan(text, order).next()
}

fn at_year(text: &str, ys: usize, y: i32, order: DayOrder) -> Option<Shown> {
    let ye = ys + 4;
    let after = &text[ye..floor(text, ye + 24)];
    // Each form is tried only when the characters next to the year allow it: a regex
    // call costs far more than looking at a byte.
    let after_first = after.as_bytes().first().copied();
    // Year first: ISO and East Asian forms.
    if let Some(c) = matches!(after_first, Some(b'/' | b'.' | b'-'))
        .then(|| NUM_AFTER.captures(after))
        .flatten()
        && c[1] == c[3]
    {
        let (mo, d) = (c[2].parse().ok()?, c[4].parse().ok()?);
        if let Some(date) = NaiveDate::from_ymd_opt(y, mo, d) {
            let end = ye + c.get(4).map_or(0, |m| m.end());
            return Some(with_time(text, date, ys, end));
        }
    }
    if let Some(c) = after
        .trim_start()
        .starts_with(['年', '년'])
        .then(|| CJK_AFTER.captures(after))
        .flatten()
    {
        let date = NaiveDate::from_ymd_opt(y, c[1].parse().ok()?, c[2].parse().ok()?)?;
        let end = ye + c.get(0).map_or(0, |m| m.end());
        return Some(with_time(text, date, ys, end));
    }
    if let Some(c) = (after_first == Some(b'.'))
        .then(|| MONTH_AFTER.captures(after))
        .flatten()
        && let Some(mo) = month(&c[1])
    {
        let date = NaiveDate::from_ymd_opt(y, mo, c[2].parse().ok()?)?;
        let end = ye + c.get(2).map_or(0, |m| m.end()) + 1;
        return Some(with_time(text, date, ys, end));
    }
    let from = ceil(text, ys.saturating_sub(40));
    let before = &text[from..ys];
    let last = before.trim_end().chars().next_back()?;
    if !before.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    if let Some(c) = matches!(last, '/' | '.' | '-')
        .then(|| NUM_BEFORE.captures(before))
        .flatten()
    {
        let (a, b): (u32, u32) = (c[1].parse().ok()?, c[3].parse().ok()?);
        if c[2] == c[4] {
            // Dots are European: always day first.
            let order = if &c[2] == "." {
                DayOrder::DayFirst
            } else {
                order
            };
            let (mo, d) = month_day(a, b, order)?;
            let date = NaiveDate::from_ymd_opt(y, mo, d)?;
            return Some(with_time(text, date, from + c.get(1)?.start(), ye));
        }
    }
    if let Some(c) = (before.contains("áng") || before.contains("ÁNG"))
        .then(|| VI_BEFORE.captures(before))
        .flatten()
    {
        let date = NaiveDate::from_ymd_opt(y, c[2].parse().ok()?, c[1].parse().ok()?)?;
        return Some(with_time(text, date, from + c.get(0)?.start(), ye));
    }
    let word_last = last.is_alphabetic() || matches!(last, '.' | ',');
    if let Some(c) = word_last
        .then(|| DAY_MONTH_BEFORE.captures(before))
        .flatten()
        && let Some(mo) = month(&c[2])
    {
        let date = NaiveDate::from_ymd_opt(y, mo, c[1].parse().ok()?)?;
        return Some(with_time(text, date, from + c.get(1)?.start(), ye));
    }
    let day_last = last.is_ascii_digit() || last.is_alphabetic() || last == ',';
    if let Some(c) = day_last
        .then(|| MONTH_DAY_BEFORE.captures(before))
        .flatten()
        && let Some(mo) = month(&c[1])
    {
        let date = NaiveDate::from_ymd_opt(y, mo, c[2].parse().ok()?)?;
        return Some(with_time(text, date, from + c.get(1)?.start(), ye));
    }
    None
}

/// A date with the time of day (and offset) written right after it, if any.
fn with_time(text: &str, date: NaiveDate, start: usize, end: usize) -> Shown {
    let mut shown = Shown {
        date,
        time: None,
        offset: None,
        start,
        end,
    };
    let after = &text[end..floor(text, end + 48)];
    let c = if after.bytes().take(12).any(|b| b.is_ascii_digit()) {
        TIME_AFTER.captures(after)
    } else {
        None
    };
    let Some(c) = c else {
        return time_before(text, shown);
    };
    let num = |n: &str| c.name(n).and_then(|m| m.as_str().parse::<i32>().ok());
    let (Some(mut h), Some(m)) = (num("h"), num("m")) else {
        return shown;
    };
    h = with_meridiem(h, c.name("ap").map(|a| a.as_str()));
    // Vietnamese names the part of the day after a 12-hour time: "11:05 tối" is 23:05,
    // "2:30 chiều" 14:30, "1:00 trưa" 13:00, "11 giờ đêm" 23:00 (but "2:00 đêm" stays).
    match c.name("vn").map(|v| v.as_str().to_lowercase()) {
        Some(v) if matches!(v.as_str(), "chiều" | "tối") && h < 12 => h += 12,
        Some(v) if v == "đêm" && (6..12).contains(&h) => h += 12,
        Some(v) if v == "trưa" && h < 5 => h += 12,
        _ => {}
    }
    let Some(time) = NaiveTime::from_hms_opt(h as u32, m as u32, num("s").unwrap_or(0) as u32)
    else {
        return shown;
    };
    shown.time = Some(time);
    shown.end = end + c.get(0).map_or(0, |m| m.end());
    if c.name("z").is_some() {
        shown.offset = Some(0);
    } else if let Some(oh) = num("oh").or_else(|| num("oh2")) {
        let om = num("om").or_else(|| num("om2")).unwrap_or(0);
        if oh.abs() <= 14 && om < 60 {
            shown.offset = Some(oh.signum() * (oh.abs() * 3600 + om * 60));
        }
    }
    shown
}

/// The hour on a 24-hour clock after an "a"/"p" mark: "03:20 PM" is 15:20, "12:10 AM"
/// 0:10, and "15:20 PM" already is 15:20.
fn with_meridiem(h: i32, mark: Option<&str>) -> i32 {
    match mark {
        Some(a) if a.eq_ignore_ascii_case("p") && h < 12 => h + 12,
        Some(a) if a.eq_ignore_ascii_case("a") && h == 12 => 0,
        _ => h,
    }
}

/// [`with_time`] for a time written before the date.
fn time_before(text: &str, mut shown: Shown) -> Shown {
    let from = ceil(text, shown.start.saturating_sub(24));
    let before = &text[from..shown.start];
    let Some(c) = TIME_BEFORE.captures(before) else {
        return shown;
    };
    let num = |n: &str| c.name(n).and_then(|m| m.as_str().parse::<i32>().ok());
    let (Some(h), Some(m)) = (num("h"), num("m")) else {
        return shown;
    };
    let h = with_meridiem(h, c.name("ap").map(|a| a.as_str()));
    if let Some(time) = NaiveTime::from_hms_opt(h as u32, m as u32, num("s").unwrap_or(0) as u32) {
        shown.time = Some(time);
        shown.start = from + c.name("h").map_or(0, |m| m.start());
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str, order: DayOrder) -> String {
        first(text, order)
            .map(|s| s.date.to_string())
            .unwrap_or_else(|| "none".into())
    }

    fn dm(text: &str) -> String {
        day(text, DayOrder::DayFirst)
    }

    #[test]
    fn month_names_in_many_languages() {
        assert_eq!(dm("Veröffentlicht am 19. Juli 2014"), "2014-07-19");
        assert_eq!(dm("Posted on July 19, 2014 by Ann"), "2014-07-19");
        assert_eq!(dm("Jul. 19th, 2014"), "2014-07-19");
        assert_eq!(dm("19 July 2014"), "2014-07-19");
        assert_eq!(dm("the 19th of July, 2014"), "2014-07-19");
        assert_eq!(dm("Publié le 1er juillet 2014"), "2014-07-01");
        assert_eq!(dm("19 de julio de 2014"), "2014-07-19");
        assert_eq!(dm("19 luglio 2014"), "2014-07-19");
        assert_eq!(dm("19 de julho de 2014"), "2014-07-19");
        assert_eq!(dm("19 juli 2014"), "2014-07-19");
        assert_eq!(dm("3. März 2015"), "2015-03-03");
        assert_eq!(dm("19 août 2014"), "2014-08-19");
        assert_eq!(dm("Sat, 19 Jul 2014 10:00"), "2014-07-19");
        assert_eq!(dm("19 lipca 2014"), "2014-07-19");
        assert_eq!(dm("19. července 2014"), "2014-07-19");
        assert_eq!(dm("19 Temmuz 2014"), "2014-07-19");
        assert_eq!(dm("19 iulie 2014"), "2014-07-19");
        assert_eq!(dm("19 Juli 2014"), "2014-07-19");
        assert_eq!(dm("2014. július 19."), "2014-07-19");
    }

    #[test]
    fn numeric_forms() {
        assert_eq!(dm("19/07/2014"), "2014-07-19");
        assert_eq!(dm("19.07.2014, 10:15 Uhr"), "2014-07-19");
        assert_eq!(dm("Thứ Năm, 17/9/2020"), "2020-09-17");
        assert_eq!(dm("2014-07-19"), "2014-07-19");
        assert_eq!(dm("2014/7/19"), "2014-07-19");
        assert_eq!(dm("2014年7月19日"), "2014-07-19");
        assert_eq!(dm("2014년 7월 19일"), "2014-07-19");
        assert_eq!(dm("ngày 17 tháng 9 năm 2020"), "2020-09-17");
    }

    #[test]
    fn day_and_month_order() {
        // A value over 12 decides.
        assert_eq!(dm("07/19/2014"), "2014-07-19");
        assert_eq!(day("19/07/2014", DayOrder::MonthFirst), "2014-07-19");
        // Otherwise the language does; dots are always day first.
        assert_eq!(dm("05/07/2014"), "2014-07-05");
        assert_eq!(day("05/07/2014", DayOrder::MonthFirst), "2014-05-07");
        assert_eq!(day("05.07.2014", DayOrder::MonthFirst), "2014-07-05");
        assert_eq!(DayOrder::for_language("en-US"), DayOrder::MonthFirst);
        assert_eq!(DayOrder::for_language("en"), DayOrder::MonthFirst);
        assert_eq!(DayOrder::for_language("en-GB"), DayOrder::DayFirst);
        assert_eq!(DayOrder::for_language("de"), DayOrder::DayFirst);
    }

    #[test]
    fn times_and_offsets() {
        let s = first("July 19, 2014 at 3:05 pm", DayOrder::MonthFirst).unwrap();
        assert_eq!(s.time, NaiveTime::from_hms_opt(15, 5, 0));
        let s = first("2014-07-19T10:15:00+02:00", DayOrder::DayFirst).unwrap();
        assert_eq!(s.time, NaiveTime::from_hms_opt(10, 15, 0));
        assert_eq!(s.offset, Some(7200));
        let s = first(
            "Cập nhật thứ hai, ngày 24/12/2012 11:05 tối",
            DayOrder::DayFirst,
        )
        .unwrap();
        assert_eq!(s.time.map(|t| t.to_string()).as_deref(), Some("23:05:00"));
        let s = first("ngày 03/05/2013 2:30 chiều", DayOrder::DayFirst).unwrap();
        assert_eq!(s.time.map(|t| t.to_string()).as_deref(), Some("14:30:00"));
        let s = first("ngày 03/05/2013 9:15 sáng", DayOrder::DayFirst).unwrap();
        assert_eq!(s.time.map(|t| t.to_string()).as_deref(), Some("09:15:00"));
        let s = first("17/09/2020 15:19 (GMT+7)", DayOrder::DayFirst).unwrap();
        assert_eq!(s.offset, Some(7 * 3600));
        // A time written before its date.
        let t = |text: &str| {
            first(text, DayOrder::DayFirst)
                .and_then(|s| s.time)
                .map(|t| t.to_string())
        };
        assert_eq!(t("15:20 PM | 21/12/2012").as_deref(), Some("15:20:00"));
        assert_eq!(t("03:20 PM | 21/12/2012").as_deref(), Some("15:20:00"));
        assert_eq!(t("08:05, ngày 21/12/2012").as_deref(), Some("08:05:00"));
        // A number that ends a sentence is no time of the date after it.
        assert_eq!(t("Tỷ số 2:1. Ngày 21/12/2012"), None);
    }

    #[test]
    fn not_dates() {
        assert_eq!(dm("Copyright 2014"), "none");
        assert_eq!(dm("July 2014"), "none");
        assert_eq!(dm("call 0123 20145 now"), "none");
        assert_eq!(dm("31/02/2014"), "none");
        assert_eq!(dm("1990-01-01"), "none");
        assert_eq!(dm("the 12 best things 2014"), "none");
        assert_eq!(dm(""), "none");
    }

    #[test]
    fn two_digit_years_on_request() {
        let short = |t: &str| {
            short_year(t, DayOrder::DayFirst)
                .map(|s| s.date.to_string())
                .unwrap_or_else(|| "none".into())
        };
        assert_eq!(short("Von: Ann Lee | 31.10.23"), "2023-10-31");
        assert_eq!(short("31.10.23, 14:05"), "2023-10-31");
        assert_eq!(short("12.5 km"), "none");
        assert_eq!(short("1.2.3.4"), "none");
        assert_eq!(short("31.10.2023"), "none");
        // The year scan never reads them.
        assert_eq!(dm("31.10.23"), "none");
    }

    #[test]
    fn all_dates_in_order() {
        let all: Vec<String> = scan(
            "Published 19 July 2014, updated 2014-07-21",
            DayOrder::DayFirst,
        )
        .map(|s| s.date.to_string())
        .collect();
        assert_eq!(all, vec!["2014-07-19", "2014-07-21"]);
    }

    /// Thousands of strings built from the pieces dates are made of, with multi-byte
    /// characters next to digits: every reader returns, none panics, and every range
    /// it reports is a slice of the text.
    #[test]
    fn no_panic_on_date_like_noise() {
        const PIECES: &[&str] = &[
            "2019", "1995", "12", "3", "31", "07", "-", "/", ".", " ", ",", "年", "月", "日", "년",
            "tháng", "năm", "Juli", "July", "de", "août", "T", ":", "+02:00", "Z", "GMT+7", "pm",
            "é", "ß", "🙂", "\u{a0}", "20161223", "99", "0", "00",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..5000 {
            let n = (next() % 12) as usize;
            let text: String = (0..n)
                .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                .collect();
            for order in [DayOrder::DayFirst, DayOrder::MonthFirst] {
                for s in scan(&text, order) {
                    assert!(text.get(s.start..s.end).is_some(), "{text:?}");
                }
                if let Some(s) = short_year(&text, order) {
                    assert!(text.get(s.start..s.end).is_some(), "{text:?}");
                }
            }
            let _ = crate::normalise::dates::parse_local(&text, crate::normalise::dates::utc());
        }
    }
}
