//! The date a URL carries in its path.

use chrono::{Datelike, NaiveDate};

use crate::normalise::dates::{self, DayOrder, visible};

/// What a URL path says about the date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum UrlDate {
    Day(NaiveDate),
    /// `/2016/12/`: a year and month only.
    Month(i32, u32),
}

/// In `/2023/10/03/` the day is a whole path segment; in `/2023/10/3-fragen/` the
/// "3" starts the title.
fn whole_day(path: &str, s: &visible::Shown) -> bool {
    let slashed = path[s.start..s.end].contains('/');
    let next = path.as_bytes().get(s.end).copied();
    !slashed || matches!(next, None | Some(b'/' | b'?' | b'#' | b'.' | b'_'))
}

/// The date in a URL: `/2016/12/23/`, `/2016-12-23-title`, `/20161223/`, `-20161223.html`,
/// `_23.12.2016_`, or a month `/2016/12/`.
pub(super) fn url_date(url: &str) -> Option<UrlDate> {
    // The host holds no date; the path and query may.
    let path = url
        .find("://")
        .map(|i| &url[i + 3..])
        .and_then(|rest| rest.find('/').map(|j| &rest[j..]))
        .unwrap_or(url);
    if let Some(s) = visible::scan(path, DayOrder::DayFirst).find(|s| whole_day(path, s)) {
        return Some(UrlDate::Day(s.date));
    }
    let b = path.as_bytes();
    for r in visible::digit_runs(path) {
        let (run, i) = (&path[r.clone()], r.end);
        if run.len() == 8
            && let Ok(d) = NaiveDate::parse_from_str(run, "%Y%m%d")
            && d.year() >= dates::EARLIEST_YEAR
        {
            return Some(UrlDate::Day(d));
        }
        // "/2016/12/": a year, a separator and a month of one or two digits, then a separator.
        if run.len() == 4 && b.get(i) == Some(&b'/') {
            let y: i32 = run.parse().ok()?;
            let rest = &path[i + 1..];
            let m_len = rest.bytes().take_while(u8::is_ascii_digit).count();
            if (1..=2).contains(&m_len)
                && rest.as_bytes().get(m_len) == Some(&b'/')
                && y >= dates::EARLIEST_YEAR
            {
                let m: u32 = rest[..m_len].parse().ok()?;
                if (1..=12).contains(&m) {
                    return Some(UrlDate::Month(y, m));
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_dates() {
        let day = |u: &str| match url_date(u) {
            Some(UrlDate::Day(d)) => d.to_string(),
            Some(UrlDate::Month(y, m)) => format!("{y}-{m:02}"),
            None => "none".into(),
        };
        assert_eq!(day("https://x.org/2016/12/23/story"), "2016-12-23");
        assert_eq!(
            day("https://x.org/news/2016-12-23-story.html"),
            "2016-12-23"
        );
        assert_eq!(day("https://x.org/a/20161223/story"), "2016-12-23");
        assert_eq!(day("https://x.org/story-20161223.html"), "2016-12-23");
        assert_eq!(day("https://x.org/bericht_vom_23.12.2016_x"), "2016-12-23");
        assert_eq!(day("https://x.org/2016/12/story"), "2016-12");
        assert_eq!(day("https://x.org/2023/10/3-questions-for-ann/"), "2023-10");
        assert_eq!(day("https://x.org/story/123456"), "none");
        assert_eq!(day("https://2016.x.org/story"), "none");
    }
}
