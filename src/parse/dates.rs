//! When a page says it was published: every place a date lives, weighed.
//!
//! Publishers state the date in several places at once, each more or less reliable:
//! machine declarations (JSON-LD `datePublished`, meta tags, microdata), `<time>`
//! elements, the URL path (`/2016/12/23/`), and the text readers see near the headline
//! ("19. Juli 2014", "July 19, 2014 at 3:05 pm"). Each place found gives a candidate
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

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeZone, Timelike, Utc};
use ego_tree::NodeId;
use rustc_hash::FxHashSet as HashSet;
use scraper::{ElementRef, Html};

use super::content::Boilerplate;
use super::dom::text_of;
use super::hints;
use super::meta::Meta;
use crate::normalise::dates::{self, DayOrder, visible};

/// Candidate weights: how often each place holds the original publication date.
mod weight {
    pub const JSON_LD: i32 = 90;
    pub const META: i32 = 88;
    pub const MICRODATA: i32 = 86;
    pub const JSON_LD_CREATED: i32 = 80;
    pub const JSON_LD_OTHER: i32 = 78;
    pub const URL: i32 = 75;
    /// `date`, `DC.date`: often the page's build or review date, so below the
    /// dates shown next to the headline.
    pub const META_DATED: i32 = 44;
    /// A `<time>` element; more when marked published, inside the article, with `datetime`.
    pub const TIME: i32 = 56;
    /// An element named for dates (`class="date"`, `post-meta`, `byline`); more when
    /// inside the article.
    pub const NAMED: i32 = 50;
    /// A date shown in the article that may overrule a machine date (see `prefer_shown`).
    pub const SHOWN: i32 = 56;
    /// A date in the text right after the headline, without markup.
    pub const NEAR_AFTER: i32 = 45;
    /// The last date in the text right before the headline.
    pub const NEAR_BEFORE: i32 = 40;
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
    if let Some(UrlDate::Day(day)) = url {
        if let Some(at) = p
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
    }
    walk(p, &mut cands, &mut modified);

    cands.retain(|c| dates::plausible(&c.at, p.fetched_at));
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
    let shown = cands.iter().find_map(|c| c.shown.clone());
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
    let count = |d: NaiveDate| cands.iter().filter(|c| day(c) == d).count();
    if count(shown_day) >= count(best_day) {
        cands[..=i].rotate_right(1);
    }
}

/// What a URL path says about the date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UrlDate {
    Day(NaiveDate),
    /// `/2016/12/`: a year and month only.
    Month(i32, u32),
}

/// The date in a URL: `/2016/12/23/`, `/2016-12-23-title`, `/20161223/`, `-20161223.html`,
/// `_23.12.2016_`, or a month `/2016/12/`.
fn url_date(url: &str) -> Option<UrlDate> {
    // The host holds no date; the path and query may.
    let path = url
        .find("://")
        .map(|i| &url[i + 3..])
        .and_then(|rest| rest.find('/').map(|j| &rest[j..]))
        .unwrap_or(url);
    if let Some(s) = visible::first(path, DayOrder::DayFirst) {
        return Some(UrlDate::Day(s.date));
    }
    let b = path.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let run = &path[start..i];
        if run.len() == 8 {
            if let Ok(d) = NaiveDate::parse_from_str(run, "%Y%m%d") {
                if d.year() >= dates::EARLIEST_YEAR {
                    return Some(UrlDate::Day(d));
                }
            }
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

/// Words of class and id names that mark where dates are shown.
const DATE_NAMES: &[&str] = &[
    "date", "time", "publish", "posted", "datum", "fecha", "ngay", "dateline",
];
/// Words of blocks that often hold the date among other things (author, category).
const META_NAMES: &[&str] = &["meta", "byline", "submitted", "info", "author", "created"];
/// Words that mark a date as a later change, in class names and before dates in text.
const UPDATE_NAMES: &[&str] = &["updat", "modif", "edited", "revis"];
const UPDATE_WORDS: &[&str] = &[
    "updated",
    "update",
    "modified",
    "aktualisiert",
    "geändert",
    "mis à jour",
    "modifié",
    "actualizado",
    "actualización",
    "aggiornato",
    "atualizado",
    "bijgewerkt",
    "last edited",
];

/// Characters of text read after the headline for dates written without markup.
const NEAR_AFTER: usize = 1200;
/// Characters of text kept from before the headline (a date above it, a kicker line).
const NEAR_BEFORE: usize = 240;
/// Characters of the body read for a dateline ("Berlin, 3. Mai 2020 – ..."): dates
/// further into the text are what the story is about, not when it was published,
/// unless a word labels them so.
const NEAR_BODY: usize = 80;

/// Text around the headline, with the element each piece came from.
#[derive(Default)]
struct NearText {
    text: String,
    /// Start in `text` of each piece and the node it came from.
    pieces: Vec<(usize, NodeId)>,
    /// Where the text from the headline on starts.
    anchor: usize,
    started: bool,
    /// Where the body's text starts, once reached.
    body: Option<usize>,
}

impl NearText {
    /// Drops all but about the last `n` bytes of text (whole pieces are kept).
    fn keep_last(&mut self, n: usize) {
        let Some(cut) = self.text.len().checked_sub(n) else {
            return;
        };
        // Cut where a piece starts, so every byte left has its node.
        let first = self.pieces.partition_point(|(at, _)| *at < cut);
        let Some(&(at, _)) = self.pieces.get(first) else {
            self.text.clear();
            self.pieces.clear();
            return;
        };
        self.text.drain(..at);
        self.pieces.drain(..first);
        for p in &mut self.pieces {
            p.0 -= at;
        }
    }
}

/// True when an element sits in a block of other stories or comments, whose dates
/// belong to those. Only blocks below the article's own containers count: a page
/// wrapper named for its layout ("site-content sidebar", "has-sidebar", a blog's
/// "widget blog") holds the article too.
fn in_other_stories(p: &Page<'_, '_>, chain: &HashSet<NodeId>, el: ElementRef<'_>) -> bool {
    el.ancestors()
        .take_while(|a| !chain.contains(&a.id()))
        .filter_map(ElementRef::wrap)
        .any(|a| hints::is_other_stories(a, p.bp.hints(a)))
}

/// The headline, the article's scope, and every element above them.
fn article_chain(p: &Page<'_, '_>) -> HashSet<NodeId> {
    let mut chain = HashSet::default();
    for el in [Some(p.scope), p.h1].into_iter().flatten() {
        chain.insert(el.id());
        chain.extend(el.ancestors().map(|a| a.id()));
    }
    chain
}

/// Words that label a date as the publication ("Veröffentlicht am 16.08.2019").
const PUBLISHED_WORDS: &[&str] = &[
    "published",
    "posted",
    "veröffentlicht",
    "erstellt",
    "datum",
    "publié",
    "mise en ligne",
    "publicado",
    "pubblicato",
    "gepubliceerd",
    "date:",
    "ngày đăng",
];

/// One pass over the elements: microdata dates, `<time>`, elements named for dates,
/// and the text around the headline.
fn walk(p: &Page<'_, '_>, cands: &mut Vec<Candidate>, modified: &mut Vec<String>) {
    let anchor = p.h1.unwrap_or(p.scope).id();
    let body = p.body.map(|b| b.id()).filter(|b| *b != anchor);
    let chain = article_chain(p);
    let mut near = NearText::default();
    for node in p.doc.tree.root().descendants() {
        if node.id() == anchor {
            near.keep_last(NEAR_BEFORE);
            near.started = true;
            near.anchor = near.text.len();
        }
        if Some(node.id()) == body && near.started && near.body.is_none() {
            near.body = Some(near.text.len());
        }
        if let scraper::Node::Text(t) = node.value() {
            if !near.started || near.text.len() - near.anchor < NEAR_AFTER {
                let parent = node.parent().map(|n| n.id());
                if let (Some(parent), false) = (parent, t.trim().is_empty()) {
                    if !near.started && near.text.len() > 4 * NEAR_BEFORE {
                        near.keep_last(NEAR_BEFORE);
                    }
                    near.pieces.push((near.text.len(), parent));
                    near.text.push_str(t);
                    near.text.push(' ');
                }
            }
            continue;
        }
        let Some(el) = ElementRef::wrap(node) else {
            continue;
        };
        let v = el.value();
        if matches!(
            v.name(),
            "meta" | "script" | "style" | "noscript" | "template"
        ) {
            continue;
        }
        let is_time = v.name() == "time";
        let (mut itemprop, mut datetime, mut content, mut title, mut pubdate) =
            (None, None, None, None, false);
        for (name, value) in v.attrs() {
            match name {
                "itemprop" => itemprop = Some(value),
                "datetime" => datetime = Some(value),
                "content" => content = Some(value),
                "title" => title = Some(value),
                "pubdate" => pubdate = true,
                _ => {}
            }
        }
        let prop = itemprop.map(|i| i.to_ascii_lowercase());
        let h = p.bp.hints(el);
        let named = |words: &[&str]| !h.is_empty() && words.iter().any(|w| h.contains(w));
        let date_named = named(DATE_NAMES);
        let meta_named = !date_named && named(META_NAMES);
        let prop_kind = prop.as_deref().and_then(|i| match i {
            "datepublished" => Some(true),
            "datecreated" | "uploaddate" => Some(true),
            "datemodified" => Some(false),
            _ => None,
        });
        if prop_kind.is_none() && !is_time && !date_named && !meta_named {
            continue;
        }
        if in_other_stories(p, &chain, el) {
            tracing::debug!(
                "date skipped in other stories: {:?}",
                el.ancestors()
                    .filter_map(ElementRef::wrap)
                    .map(|a| format!("{}.{}", a.value().name(), p.bp.hints(a)))
                    .collect::<Vec<_>>()
            );
            continue;
        }
        let updated = named(UPDATE_NAMES) || prop_kind == Some(false);
        let inside = el.ancestors().any(|a| a.id() == p.scope.id());
        // Machine values first: microdata `content`/`datetime`, `<time datetime>`, and
        // a `title` holding an ISO date (`<abbr class="published" title="2013-04-04T18:52">`).
        let attr_value = datetime
            .or(content)
            .filter(|_| prop_kind.is_some() || is_time)
            .or(title.filter(|t| {
                (is_time || date_named || v.name() == "abbr")
                    && t.len() >= 10
                    && t.as_bytes()[..4].iter().all(u8::is_ascii_digit)
            }));
        if let Some(text) = attr_value {
            if let Some((at, timed, stated)) = machine(text, p.zone) {
                if updated {
                    modified.push(text.to_string());
                }
                let weight = match prop_kind {
                    Some(true) => weight::MICRODATA,
                    _ => time_weight(h, pubdate, inside, true),
                };
                cands.push(Candidate {
                    at,
                    timed,
                    stated,
                    source: if prop_kind.is_some() {
                        "microdata"
                    } else {
                        "time"
                    },
                    weight: weight + if updated { weight::UPDATED } else { 0 },
                    shown: None,
                });
                continue;
            }
        }
        let text = text_of(el);
        if text.is_empty() || text.chars().count() > 200 {
            continue;
        }
        let Some((s, marked)) = first_unmarked(&text, p.order) else {
            // A relative date ("3 giờ trước") is resolved against the fetch time; only
            // inside the article, since lists of other stories say "2 giờ trước" too.
            if inside && (date_named || is_time) {
                if let Some(at) = dates::parse_relative(&text, p.fetched_at) {
                    cands.push(Candidate {
                        at: at.with_timezone(&p.zone),
                        timed: true,
                        stated: true,
                        source: "visible",
                        weight: weight::NAMED + 6,
                        shown: Some(text.clone()),
                    });
                }
            }
            continue;
        };
        let Some(at) = dates::instant(&s, p.zone) else {
            continue;
        };
        let shown = text[s.start..s.end].trim().to_string();
        let updated = updated || marked;
        let mut weight = match (prop_kind, is_time) {
            (Some(true), _) => weight::MICRODATA,
            (_, true) => time_weight(h, pubdate, inside, false),
            _ => {
                weight::NAMED
                    + if date_named { 4 } else { 0 }
                    + if inside { 6 } else { 0 }
                    + if s.time.is_some() { 1 } else { 0 }
            }
        };
        if updated {
            weight += weight::UPDATED;
            modified.push(at.to_rfc3339());
        }
        cands.push(Candidate {
            at,
            timed: s.time.is_some(),
            stated: s.offset.is_some(),
            source: if prop_kind.is_some() {
                "microdata"
            } else if is_time {
                "time"
            } else {
                "visible"
            },
            weight,
            shown: Some(shown),
        });
    }
    near_headline(p, &chain, &near, cands);
}

/// Dates written in the text around the headline without any markup ("Datum:
/// 03.11.2021", "24. April 2020 | Politik"): the first after the headline, else the
/// last before it.
fn near_headline(
    p: &Page<'_, '_>,
    chain: &HashSet<NodeId>,
    near: &NearText,
    cands: &mut Vec<Candidate>,
) {
    if !near.started {
        return;
    }
    let usable = |s: &visible::Shown| {
        let i = near.pieces.partition_point(|(at, _)| *at <= s.start);
        let node = i
            .checked_sub(1)
            .and_then(|i| near.pieces.get(i))
            .and_then(|(_, id)| p.doc.tree.get(*id))
            .and_then(ElementRef::wrap);
        node.is_some_and(|el| !in_other_stories(p, chain, el))
    };
    let mut before: Option<visible::Shown> = None;
    let mut after: Option<visible::Shown> = None;
    let mut prev_end = 0;
    for s in visible::scan(&near.text, p.order) {
        let lead = near.text[prev_end..s.start].to_lowercase();
        prev_end = s.end;
        if UPDATE_WORDS.iter().any(|w| lead.contains(w)) || !usable(&s) {
            continue;
        }
        // Deeper in the body only a date labelled as the publication counts.
        let in_prose = near.body.is_some_and(|b| s.start > b + NEAR_BODY);
        if in_prose {
            let from = lead.len().saturating_sub(40);
            let from = (from..=lead.len())
                .find(|i| lead.is_char_boundary(*i))
                .unwrap_or(lead.len());
            if !PUBLISHED_WORDS.iter().any(|w| lead[from..].contains(w)) {
                continue;
            }
        }
        if s.start >= near.anchor {
            after = Some(s);
            break;
        }
        before = Some(s);
    }
    let (found, weight) = match (after, before) {
        (Some(s), _) => (s, weight::NEAR_AFTER),
        (None, Some(s)) => (s, weight::NEAR_BEFORE),
        _ => return,
    };
    if let Some(at) = dates::instant(&found, p.zone) {
        cands.push(Candidate {
            at,
            timed: found.time.is_some(),
            stated: found.offset.is_some(),
            source: "visible",
            weight,
            shown: Some(near.text[found.start..found.end].trim().to_string()),
        });
    }
}

/// Weight of a `<time>` element.
fn time_weight(h: &str, pubdate: bool, inside: bool, machine: bool) -> i32 {
    let marked = pubdate || h.contains("publish") || h.contains("posted") || h.contains("created");
    weight::TIME
        + if marked { 20 } else { 0 }
        + if inside { 8 } else { 0 }
        + if machine { 4 } else { 0 }
}

/// The first date of `text` that no update word precedes ("Published 2 May 2019,
/// updated 3 May 2019" gives 2 May); when every date is an update, the first, marked.
fn first_unmarked(text: &str, order: DayOrder) -> Option<(visible::Shown, bool)> {
    let mut first = None;
    let mut prev_end = 0;
    for s in visible::scan(text, order) {
        let lead = text[prev_end..s.start].to_lowercase();
        prev_end = s.end;
        let marked = UPDATE_WORDS.iter().any(|w| lead.contains(w));
        if !marked {
            return Some((s, false));
        }
        if first.is_none() {
            first = Some(s);
        }
    }
    first.map(|s| (s, true))
}

/// Vietnamese pages state times in Asia/Ho_Chi_Minh; other pages without an offset are read as UTC.
pub fn page_zone(meta: &Meta, text: &str) -> FixedOffset {
    if language(meta).to_ascii_lowercase().starts_with("vi")
        || (language(meta).is_empty() && crate::normalise::language::looks_vietnamese(text))
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
        assert_eq!(day("https://x.org/story/123456"), "none");
        assert_eq!(day("https://2016.x.org/story"), "none");
    }
}
