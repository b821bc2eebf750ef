//! When a page says it was published: every place a date lives, weighed.
//!
//! Publishers state the date in several places at once, each more or less reliable:
//! machine declarations (JSON-LD `datePublished`, meta tags, microdata), `<time>`
//! elements, the URL path (`/2016/12/23/`), and the text readers see near the headline
//! ("19. Juli 2014", "July 19, 2014 at 3:05 pm"), and, when none of those has one, the
//! record a script keeps as page state. Each place found gives a candidate
//! with a weight for how often that place holds the original publication date; the
//! heaviest plausible one wins, and the others correct it where they know better:
//!
//! - an instant stated in UTC is told in the offset the page states elsewhere, since
//!   the day a page means is its own (an evening story in New York is not tomorrow's);
//! - a URL that carries a full date outranks the guesses from page text, and a URL
//!   with only a month (`/2016/12/`) breaks ties between visible dates;
//! - dates marked as updated or modified, and dates inside lists of other stories or
//!   comments, count less than the unmarked date next to the headline.
//!
//! One walk over the elements reads microdata, `<time>` and date-named elements
//! together; only elements that are named for dates, or are `<time>`, have their text
//! read, and text is scanned for dates only around four-digit years
//! ([`crate::normalise::dates::visible`]).

mod script;
mod url;
mod walk;

#[cfg(test)]
mod tests;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeZone, Timelike, Utc};
use scraper::{ElementRef, Html};

use super::content::Boilerplate;
use super::meta::Meta;
use crate::normalise::dates::{self, DayOrder};
use url::{UrlDate, url_date};

/// Candidate weights: how often each place holds the original publication date.
mod weight {
    pub const JSON_LD: i32 = 90;
    pub const META: i32 = 88;
    pub const MICRODATA: i32 = 86;
    pub const JSON_LD_CREATED: i32 = 80;
    pub const JSON_LD_OTHER: i32 = 78;
    pub const URL: i32 = 75;
    /// A `<time>` element; more when marked published, inside the article, with `datetime`.
    pub const TIME: i32 = 56;
    /// A date shown in the article that may overrule a machine date (see `prefer_shown`).
    pub const SHOWN: i32 = 56;
    /// An element named for dates (`class="date"`, `post-meta`, `byline`); more when
    /// inside the article or named as the publication.
    pub const NAMED: i32 = 50;
    /// A date in the text right after the headline, without markup.
    pub const NEAR_AFTER: i32 = 45;
    /// `date`, `DC.date`: often the page's build or review date, so below the
    /// dates shown next to the headline.
    pub const META_DATED: i32 = 44;
    /// The last date in the text right before the headline.
    pub const NEAR_BEFORE: i32 = 40;
    /// A date a script writes into the page as it loads (shown, but not in the markup).
    pub const SCRIPT_WRITTEN: i32 = 35;
    /// A publication key in the page's script state: only when nothing else states a date.
    pub const SCRIPT: i32 = 30;
    /// Marked as an update: kept only as a last resort.
    pub const UPDATED: i32 = -35;
}

/// What the page says about its dates, for the [`crate::record::Document`].
#[derive(Debug, Default)]
pub struct Found {
    /// Publication date candidates, best first: the date (RFC 3339, in the offset the
    /// page stated) and where it was read.
    pub published: Vec<(String, &'static str)>,
    pub modified: Vec<String>,
    /// The date as the page shows it to readers.
    pub shown: Option<String>,
}

/// The parts of a parsed page the date search reads.
pub struct Page<'a, 'b> {
    pub doc: &'a Html,
    pub meta: &'b Meta,
    pub bp: &'b Boilerplate,
    /// The element holding the headline and the body.
    pub scope: ElementRef<'a>,
    pub h1: Option<ElementRef<'a>>,
    /// The first block of the body text.
    pub body: Option<ElementRef<'a>>,
    /// The page's URL (canonical, else fetched).
    pub url: Option<&'b str>,
    /// Visible times without an offset are in this zone.
    pub zone: FixedOffset,
    pub order: DayOrder,
    pub fetched_at: DateTime<Utc>,
    /// The page's whole decoded text, scripts included (the parsed `doc` has them emptied).
    pub source: &'b str,
}

/// One place that states a date.
#[derive(Debug, Clone)]
struct Candidate {
    at: DateTime<FixedOffset>,
    /// A time of day was stated (not only a day).
    timed: bool,
    /// The offset was stated (not assumed).
    stated: bool,
    source: &'static str,
    weight: i32,
    /// The text readers see, for visible dates.
    shown: Option<String>,
}

/// Offset and timing of a machine-readable date string, beside its instant.
fn machine(text: &str, zone: FixedOffset) -> Option<(DateTime<FixedOffset>, bool, bool)> {
    let at = dates::parse_local(text, zone)?;
    let t = text.trim();
    // "2020-09-17" or "20200917" state a day only.
    let timed = t.len() > 10 && t.bytes().filter(|b| b.is_ascii_digit()).count() > 8;
    let stated = timed
        && (t.ends_with('Z')
            || t.ends_with("UTC")
            || t.ends_with("GMT")
            || t.as_bytes()[10..].iter().any(|b| matches!(b, b'+' | b'-'))
            || t.bytes().all(|b| b.is_ascii_digit()));
    Some((at, timed, stated))
}

/// Finds every publication and modification date the page states, best first.
pub fn find(p: &Page<'_, '_>) -> Found {
    let mut cands: Vec<Candidate> = Vec::new();
    let mut modified: Vec<String> = Vec::new();
    let mut push_machine = |text: &str, source: &'static str, weight: i32| {
        if let Some((at, timed, stated)) = machine(text, p.zone) {
            cands.push(Candidate {
                at,
                timed,
                stated,
                source,
                weight,
                shown: None,
            });
        }
    };
    let ld = &p.meta.ld;
    if let Some(d) = &ld.date_published {
        push_machine(d, "json-ld", weight::JSON_LD);
    }
    for d in &p.meta.published {
        push_machine(d, "meta", weight::META);
    }
    if let Some(d) = &ld.date_created {
        push_machine(d, "json-ld", weight::JSON_LD_CREATED);
    }
    if let Some(d) = &ld.other_published {
        push_machine(d, "json-ld", weight::JSON_LD_OTHER);
    }
    for d in &p.meta.dated {
        push_machine(d, "meta", weight::META_DATED);
    }
    modified.extend(ld.date_modified.iter().cloned());
    modified.extend(p.meta.modified.iter().cloned());
    let url = p.url.and_then(url_date);
    if let Some(UrlDate::Day(day)) = url
        && let Some(at) = p
            .zone
            .from_local_datetime(&day.and_time(Default::default()))
            .single()
    {
        cands.push(Candidate {
            at,
            timed: false,
            stated: false,
            source: "url",
            weight: weight::URL,
            shown: None,
        });
    }
    walk::walk(p, &mut cands, &mut modified);
    // A date line a script writes under the headline: below every place in the markup.
    if let Some((s, text)) = script::written_texts(p.source).into_iter().find_map(|t| {
        let s = dates::visible::scan(&t, p.order).next();
        s.map(|s| (s, t))
    }) && let Some(at) = dates::instant(&s, p.zone)
    {
        cands.push(Candidate {
            at,
            timed: s.time.is_some(),
            stated: s.offset.is_some(),
            source: "script",
            weight: weight::SCRIPT_WRITTEN,
            shown: Some(text[s.start..s.end].trim().to_string()),
        });
    }

    settle_day_month(&mut cands);
    cands.retain(|c| dates::plausible(&c.at, p.fetched_at));
    if cands.is_empty()
        && let Some((at, timed, stated)) =
            script::first_date(p.source).and_then(|(text, _)| machine(&text, p.zone))
        && dates::plausible(&at, p.fetched_at)
    {
        cands.push(Candidate {
            at,
            timed,
            stated,
            source: "script",
            weight: weight::SCRIPT,
            shown: None,
        });
    }
    // A URL month confirms the visible dates that fall in it.
    if let Some(UrlDate::Month(y, m)) = url {
        for c in cands.iter_mut() {
            if c.at.year() == y && c.at.month() == m {
                c.weight += 5;
            }
        }
    }
    // Heaviest first; among equals, the first found (document order).
    cands.sort_by_key(|c| std::cmp::Reverse(c.weight));
    // The page's own offset: the first one it states other than UTC.
    let page_offset = cands
        .iter()
        .filter(|c| c.stated && c.timed && c.at.offset().local_minus_utc() != 0)
        .map(|c| *c.at.offset())
        .next();
    if let Some(off) = page_offset {
        for c in cands.iter_mut() {
            if c.stated && c.timed && c.at.offset().local_minus_utc() == 0 {
                c.at = c.at.with_timezone(&off);
            }
        }
    }
    local_day_of_utc(&mut cands);
    prefer_shown(&mut cands);
    prefer_url_original(&mut cands);
    refine_time(&mut cands);
    if tracing::enabled!(tracing::Level::DEBUG) {
        for c in &cands {
            tracing::debug!(
                "date candidate {} {} w{} {:?}",
                c.at.to_rfc3339(),
                c.source,
                c.weight,
                c.shown
            );
        }
    }
    // The words the page shows for the winning day, if it shows it.
    let best_day = cands.first().map(|c| c.at.date_naive());
    let shown = cands
        .iter()
        .filter(|c| Some(c.at.date_naive()) == best_day)
        .find_map(|c| c.shown.clone());
    Found {
        published: cands
            .into_iter()
            .map(|c| (c.at.to_rfc3339(), c.source))
            .collect(),
        modified,
        shown,
    }
}

/// When the best date is an instant stated in UTC and the page shows readers a local
/// date or time of the same moment (a `<time>` without offset, the date under the
/// headline, the URL's day), the page's offset is taken from that: with a time, the
/// difference of the two clocks; with a day only, the smallest whole-hour offset that
/// puts the instant on that day. The instant is unchanged; only the day it is told in
/// follows the page ("2023-11-09T01:09Z" on a page that shows "November 8, 2023 at
/// 6:09 p.m." is the 8th).
fn local_day_of_utc(cands: &mut [Candidate]) {
    let Some(best) = cands.first() else { return };
    if !(best.stated && best.timed && best.at.offset().local_minus_utc() == 0) {
        return;
    }
    let utc = best.at.naive_utc();
    // The heaviest local statement decides, also when it agrees with the UTC day.
    let Some(c) = cands[1..]
        .iter()
        .find(|c| !c.stated && c.weight >= weight::NAMED)
    else {
        return;
    };
    let local = c.at.naive_local();
    let offset = if c.timed {
        let secs = (local - utc).num_seconds();
        // The same moment on two clocks: whole quarter hours apart, at most 14 h.
        let off = ((secs as f64 / 900.0).round() as i32) * 900;
        ((secs - off as i64).abs() <= 90 && off.abs() <= 14 * 3600).then_some(off)
    } else if matches!(c.source, "url" | "time" | "microdata") {
        // A day only: trusted from the URL or date markup, and for the offsets of
        // inhabited zones (UTC-8 to UTC+11 cover nearly all news).
        let (day, utc_day) = (local.date(), utc.date());
        let hour = utc.time().hour() as i32;
        if Some(day) == utc_day.pred_opt() && hour < 8 {
            Some(-(hour + 1) * 3600)
        } else if Some(day) == utc_day.succ_opt() && hour >= 13 {
            Some((24 - hour) * 3600)
        } else {
            None
        }
    } else {
        None
    };
    let Some(off) = offset.and_then(FixedOffset::east_opt) else {
        return;
    };
    for c in cands.iter_mut() {
        if c.stated && c.timed && c.at.offset().local_minus_utc() == 0 {
            c.at = c.at.with_timezone(&off);
        }
    }
}

/// A machine date or URL often states the day only ("2012-12-25") while the line under
/// the headline shows the same day with its time ("Thứ Ba, 25/12/2012 - 10:03"): the
/// publication is then that timed moment. Only a statement of the same day that is
/// not marked as an update lends its time; the day never changes here.
fn refine_time(cands: &mut [Candidate]) {
    let Some(best) = cands.first() else { return };
    if best.timed {
        return;
    }
    let day = best.at.date_naive();
    let Some(timed) = cands[1..]
        .iter()
        .find(|c| c.timed && c.weight > 0 && c.at.date_naive() == day)
    else {
        return;
    };
    let (at, stated) = (timed.at, timed.stated);
    let best = &mut cands[0];
    best.at = at;
    best.timed = true;
    best.stated = stated;
}

/// "11/01/2021" was read by the page's language (day first in German); when the
/// page's own machine date names the other reading and not this one, the page wrote
/// it the other way (templates often print dates month first whatever the language).
fn settle_day_month(cands: &mut [Candidate]) {
    let machine: Vec<NaiveDate> = cands
        .iter()
        .filter(|c| c.shown.is_none() && matches!(c.source, "json-ld" | "meta" | "microdata"))
        .map(|c| c.at.date_naive())
        .collect();
    if machine.is_empty() {
        return;
    }
    for c in cands.iter_mut() {
        let Some(text) = c.shown.as_deref() else {
            continue;
        };
        let d = c.at.date_naive();
        let numeric = text.starts_with(|ch: char| ch.is_ascii_digit())
            && !text.as_bytes().iter().take(4).all(u8::is_ascii_digit)
            && text.contains(['/', '-']);
        if !numeric || d.day() > 12 || d.day() == d.month() {
            continue;
        }
        let Some(swapped) = NaiveDate::from_ymd_opt(d.year(), d.day(), d.month()) else {
            continue;
        };
        if machine.contains(&swapped)
            && !machine.contains(&d)
            && let Some(at) = c.at.checked_add_signed(swapped - d)
        {
            c.at = at;
        }
    }
}

/// A URL's date is set when the page is first made and never changes; a machine date
/// days later than it is a re-publication or an update stamped as the publication
/// ("prefer the original"): the URL's day wins then.
fn prefer_url_original(cands: &mut [Candidate]) {
    let Some(best) = cands.first() else { return };
    let Some(i) = cands.iter().position(|c| c.source == "url") else {
        return;
    };
    if i > 0 && (best.at.date_naive() - cands[i].at.date_naive()).num_days() > 2 {
        cands[..=i].rotate_right(1);
    }
}

/// Machine dates go stale: a CMS keeps the day a draft was created, or stamps every
/// re-save as the publication. When the date shown to readers in the article (a
/// date-named element or a `<time>` there) names another day, and at least as many of
/// the page's places state that day as state the machine's, the shown date wins.
fn prefer_shown(cands: &mut [Candidate]) {
    let Some(best) = cands.first() else { return };
    if !matches!(best.source, "json-ld" | "meta" | "microdata") {
        return;
    }
    let day = |c: &Candidate| c.at.date_naive();
    let best_day = day(best);
    let Some(i) = cands.iter().position(|c| {
        matches!(c.source, "visible" | "time")
            && c.weight >= weight::SHOWN
            && c.weight < weight::JSON_LD_OTHER
    }) else {
        return;
    };
    let shown_day = day(&cands[i]);
    if shown_day == best_day {
        return;
    }
    // Places, not candidates: a date-named element inside another, or the headline
    // text scan meeting the same element, state the day once.
    let count = |d: NaiveDate| {
        let mut seen: Vec<(&str, DateTime<FixedOffset>, Option<&str>)> = Vec::new();
        for c in cands.iter().filter(|c| day(c) == d) {
            let key = (c.source, c.at, c.shown.as_deref());
            if !seen.contains(&key) {
                seen.push(key);
            }
        }
        seen.len()
    };
    if count(shown_day) >= count(best_day) {
        cands[..=i].rotate_right(1);
    }
}

/// Vietnamese pages state times in Asia/Ho_Chi_Minh; other pages without an offset are read as UTC.
pub fn page_zone(meta: &Meta, text: &str) -> FixedOffset {
    // The text wins over the declaration: CMS templates declare "en-us" on Vietnamese
    // pages, but no page not in Vietnamese is full of Vietnamese-only letters.
    if language(meta).to_ascii_lowercase().starts_with("vi")
        || crate::normalise::language::looks_vietnamese(text)
    {
        dates::vietnam()
    } else {
        dates::utc()
    }
}

/// How the page's language writes two small numbers in a date.
pub fn day_order(meta: &Meta) -> DayOrder {
    DayOrder::for_language(language(meta))
}

fn language(meta: &Meta) -> &str {
    meta.ld
        .language
        .as_deref()
        .or(meta.html_lang.as_deref())
        .or(meta.og_locale.as_deref())
        .unwrap_or("")
}
