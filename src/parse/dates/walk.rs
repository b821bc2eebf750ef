//! The walk over a page's elements that collects the dates it shows: microdata,
//! `<time>`, elements named for dates, and the text around the headline.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind};
use ego_tree::NodeId;
use rustc_hash::FxHashSet as HashSet;
use scraper::ElementRef;

use super::{Candidate, Page, machine, weight};
use crate::normalise::dates::{self, DayOrder, visible};
use crate::parse::dom::text_of;
use crate::parse::hints;

/// What an element's class and id words say about the dates in it.
mod names {
    /// Where dates are shown: "date", "time", "publish", "datum"...
    pub const DATE: u8 = 1;
    /// Blocks that often hold the date among other things (author, category).
    pub const META: u8 = 2;
    /// A later change: "updated", "modified".
    pub const UPDATE: u8 = 4;
    /// The publication date itself: "published", "posted-on", "pubdate".
    pub const PUBLISHED: u8 = 8;

    #[rustfmt::skip]
    pub const WORDS: &[(&str, u8)] = &[
        ("date", DATE), ("time", DATE), ("publish", DATE | PUBLISHED),
        ("posted", DATE | PUBLISHED), ("pubdate", DATE | PUBLISHED), ("datum", DATE),
        ("fecha", DATE), ("ngay", DATE), ("dateline", DATE),
        ("meta", META), ("byline", META), ("submitted", META), ("info", META),
        ("author", META), ("created", META | PUBLISHED),
        ("updat", UPDATE), ("modif", UPDATE), ("edited", UPDATE), ("revis", UPDATE),
    ];
}

static NAMES: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .kind(Some(AhoCorasickKind::DFA))
        .build(names::WORDS.iter().map(|(w, _)| w))
        .expect("the date name words build an automaton")
});

/// The [`names`] flags of an element's hint text, in one pass over it.
fn name_flags(h: &str) -> u8 {
    if h.is_empty() {
        return 0;
    }
    NAMES
        .find_overlapping_iter(h)
        .fold(0, |f, m| f | names::WORDS[m.pattern().as_usize()].1)
}

/// Words that mark a date as a later change, before dates in text.
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

/// The article's own containers: the headline, the scope, everything above them, and
/// which of those are the article itself (up to the `<article>` holding the headline).
struct Chain {
    all: HashSet<NodeId>,
    inner: HashSet<NodeId>,
}

impl Chain {
    fn of(p: &Page<'_, '_>) -> Chain {
        let mut all = HashSet::default();
        for el in [Some(p.scope), p.h1].into_iter().flatten() {
            all.insert(el.id());
            all.extend(el.ancestors().map(|a| a.id()));
        }
        // The article itself: the `<article>` (or microdata Article) around the
        // headline, else the scope.
        let is_article = |n: &ego_tree::NodeRef<'_, scraper::Node>| {
            matches!(n.value(), scraper::Node::Element(e) if e.name() == "article"
                || e.attr("itemtype").is_some_and(crate::parse::content::is_article_type))
        };
        let start = p.h1.unwrap_or(p.scope);
        let root = std::iter::once(*start)
            .chain(start.ancestors())
            .find(is_article)
            .map_or(p.scope.id(), |n| n.id());
        let inner = all
            .iter()
            .copied()
            .filter(|id| {
                p.doc
                    .tree
                    .get(*id)
                    .is_some_and(|n| n.id() == root || n.ancestors().any(|a| a.id() == root))
            })
            .collect();
        Chain { all, inner }
    }
}

/// Layout words: a block inside the article named so is the article's own footer or
/// side column ("entry-footer", "article-sidebar"), which carries its date.
const LAYOUT_NAMES: [&str; 3] = ["footer", "sidebar", "widget"];

fn layout_only(b: ElementRef<'_>, h: &str) -> bool {
    b.value().name() != "aside"
        && h.split_ascii_whitespace()
            .all(|t| !hints::names_other_stories(t) || LAYOUT_NAMES.iter().any(|w| t.contains(w)))
}

/// True when an element sits in a block of other stories or comments, whose dates
/// belong to those. Only blocks below the article's own containers count: a page
/// wrapper named for its layout ("site-content sidebar", "has-sidebar", a blog's
/// "widget blog") holds the article too, and inside the article a block named only
/// for its layout is the article's.
fn in_other_stories(p: &Page<'_, '_>, chain: &Chain, el: ElementRef<'_>) -> bool {
    let mut blocks: Vec<ElementRef<'_>> = Vec::new();
    for a in el.ancestors() {
        if chain.all.contains(&a.id()) {
            let inside = chain.inner.contains(&a.id());
            return blocks
                .iter()
                .any(|b| !(inside && layout_only(*b, p.bp.hints(*b))));
        }
        if let Some(a) = ElementRef::wrap(a)
            && hints::is_other_stories(a, p.bp.hints(a))
        {
            blocks.push(a);
        }
    }
    !blocks.is_empty()
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
pub(super) fn walk(p: &Page<'_, '_>, cands: &mut Vec<Candidate>, modified: &mut Vec<String>) {
    let anchor = p.h1.unwrap_or(p.scope).id();
    let body = p.body.map(|b| b.id()).filter(|b| *b != anchor);
    let chain = Chain::of(p);
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
        let flags = name_flags(h);
        let date_named = flags & names::DATE != 0;
        let meta_named = !date_named && flags & names::META != 0;
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
            continue;
        }
        // The words just before the date label it: "last updated <time>", or a
        // "Updated:" term beside the cell that holds it. Read only once a date is found:
        // most elements asked hold none.
        let labelled = || {
            let label = label_before(el);
            let update = UPDATE_WORDS.iter().any(|w| label.contains(w));
            let published = !update && PUBLISHED_WORDS.iter().any(|w| label.contains(w));
            (
                flags & names::UPDATE != 0 || prop_kind == Some(false) || update,
                pubdate || flags & names::PUBLISHED != 0 || published,
            )
        };
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
        if let Some(text) = attr_value
            && let Some((at, timed, stated)) = machine(text, p.zone)
        {
            let (updated, published) = labelled();
            if updated {
                modified.push(text.to_string());
            }
            let weight = match prop_kind {
                Some(true) => weight::MICRODATA,
                _ => time_weight(published, inside, true),
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
        let text = text_of(el);
        if text.is_empty() || text.chars().count() > 200 {
            continue;
        }
        let found = first_unmarked(&text, p.order).or_else(|| {
            // A short year is a date only where the element says it holds one.
            (date_named || meta_named || is_time || prop_kind.is_some())
                .then(|| visible::short_year(&text, p.order))
                .flatten()
                .map(|s| (s, false))
        });
        let Some((s, marked)) = found else {
            // A relative date ("3 giờ trước") is resolved against the fetch time; only
            // inside the article, since lists of other stories say "2 giờ trước" too.
            if inside
                && (date_named || is_time)
                && let Some(at) = dates::parse_relative(&text, p.fetched_at)
            {
                cands.push(Candidate {
                    at: at.with_timezone(&p.zone),
                    timed: true,
                    stated: true,
                    source: "visible",
                    weight: weight::NAMED + 6,
                    shown: Some(text.clone()),
                });
            }
            continue;
        };
        let Some(at) = dates::instant(&s, p.zone) else {
            continue;
        };
        let shown = text[s.start..s.end].trim().to_string();
        let (updated, published) = labelled();
        let updated = updated || marked;
        let mut weight = match (prop_kind, is_time) {
            (Some(true), _) => weight::MICRODATA,
            (_, true) => time_weight(published, inside, false),
            _ => {
                weight::NAMED
                    + if date_named { 4 } else { 0 }
                    + if published { 12 } else { 0 }
                    + if inside { 8 } else { 0 }
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
fn near_headline(p: &Page<'_, '_>, chain: &Chain, near: &NearText, cands: &mut Vec<Candidate>) {
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
    // Both are kept: the one after the headline outweighs the one before, and the
    // one before may still give the time of a day stated elsewhere (see `refine_time`).
    for (found, weight) in [(after, weight::NEAR_AFTER), (before, weight::NEAR_BEFORE)] {
        let Some(found) = found else { continue };
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
}

/// Characters of text before a date element read as its label.
const LABEL_CHARS: usize = 24;
/// Bytes of text an element before the date may hold and still be read for its label.
const LABEL_BLOCK_BYTES: usize = 200;

/// The text right before `el` on its line, lower-cased: its previous siblings' text,
/// or, when it opens its block, the text before the block (up to three levels up, as
/// in `<dt>Updated:</dt><dd><span><time>`). Empty when a block boundary comes first.
fn label_before(el: ElementRef<'_>) -> String {
    let mut node = *el;
    for _ in 0..3 {
        let mut text = String::new();
        for sib in node.prev_siblings() {
            let piece = match sib.value() {
                scraper::Node::Text(t) => t.to_string(),
                // A long block before the date is no label, and is not read whole.
                scraper::Node::Element(_) => match ElementRef::wrap(sib) {
                    Some(e) if short_block(e) => text_of(e),
                    _ => break,
                },
                _ => continue,
            };
            text.insert_str(0, &piece);
            if text.trim().chars().count() >= LABEL_CHARS {
                break;
            }
        }
        let text = text.trim();
        if !text.is_empty() {
            // Only the words after any earlier date: in "Updated 4 May, 3 May" the
            // label belongs to 4 May.
            let text = text
                .rsplit(|c: char| c.is_ascii_digit())
                .next()
                .unwrap_or("");
            let skip = text.chars().count().saturating_sub(LABEL_CHARS);
            return text.chars().skip(skip).collect::<String>().to_lowercase();
        }
        match node.parent() {
            Some(parent) if ElementRef::wrap(parent).is_some() => node = parent,
            _ => break,
        }
    }
    String::new()
}

/// True when `el` holds at most [`LABEL_BLOCK_BYTES`] of text, read no further than that.
fn short_block(el: ElementRef<'_>) -> bool {
    let mut bytes = 0;
    el.text().all(|t| {
        bytes += t.len();
        bytes <= LABEL_BLOCK_BYTES
    })
}

/// Weight of a `<time>` element.
fn time_weight(published: bool, inside: bool, machine: bool) -> i32 {
    weight::TIME
        + if published { 20 } else { 0 }
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
