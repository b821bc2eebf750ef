//! Who wrote the article: what the page declares (JSON-LD `author`, meta tags) and what
//! it shows (a byline element or a "By ..." line), validated as person names.
//!
//! Declarations are exact but sometimes name the publisher, an uploader's account, or
//! only the first of several writers; the visible byline is what readers see but sits in
//! markup full of dates, roles and share links. Both are read: the declared names win,
//! unless the byline agrees with them and names more (or agrees with one of several
//! conflicting meta tags), in which case the byline is the fuller truth.

mod names;

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind};
use scraper::{ElementRef, Html, Node};

use super::content::{Boilerplate, Content};
use super::dom::{self, text_of};
use super::hints;
use super::meta::Meta;
use names::key;
pub use names::split_names;

/// Longest text of an element read as a byline: longer ones hold more than names.
const MAX_BYLINE_CHARS: usize = 160;

/// Author names of the article, or none when the page names no person.
pub fn find(
    doc: &Html,
    meta: &Meta,
    bp: &Boilerplate,
    scope: ElementRef<'_>,
    content: &Content<'_>,
    h1: Option<ElementRef<'_>>,
    site: Option<&str>,
) -> Vec<String> {
    let publisher = Publisher::new(meta, site);
    let clean = |raw: &[String]| -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for name in raw.iter().flat_map(|r| split_names(r)) {
            let name = publisher.strip(name);
            if !publisher.is(&name) && !out.iter().any(|o| key(o) == key(&name)) {
                out.push(name);
            }
        }
        out
    };
    let declared = clean(&meta.ld.authors);
    let tags: Vec<Vec<String>> = meta
        .meta_authors
        .iter()
        .map(|m| clean(std::slice::from_ref(m)))
        .filter(|m| !m.is_empty())
        .collect();
    let shown: Vec<String> = shown(doc, bp, scope, content, h1, &|n: &str| !publisher.is(n))
        .into_iter()
        .map(|n| publisher.strip(n))
        .collect();
    let agrees = |names: &[String]| names.iter().any(|n| contains(&shown, n));
    if !declared.is_empty() && agrees(&declared) {
        // The byline names more writers than the declaration lists.
        let fuller = shown.len() > declared.len() && declared.iter().all(|n| contains(&shown, n));
        return if fuller { shown } else { declared };
    }
    // A byline that a meta tag confirms outvotes a declaration it contradicts (an
    // uploader's account in JSON-LD, the real writer in the byline and `sailthru.author`).
    if tags.iter().any(|t| agrees(t)) {
        return shown;
    }
    if !declared.is_empty() {
        return declared;
    }
    tags.into_iter().next().unwrap_or(shown)
}

fn contains(list: &[String], name: &str) -> bool {
    let k = key(name);
    list.iter().any(|n| key(n) == k)
}

/// The publisher's names: the site name, the JSON-LD publisher, the host's labels.
/// ("VnExpress" and "Dân Trí" in author tags are the publisher, not a writer.)
struct Publisher {
    keys: Vec<String>,
}

impl Publisher {
    fn new(meta: &Meta, site: Option<&str>) -> Self {
        let mut keys: Vec<String> = [meta.og_site_name.as_deref(), meta.ld.publisher.as_deref()]
            .into_iter()
            .flatten()
            .map(key)
            .collect();
        if let Some(host) = site {
            keys.extend(host.split('.').filter(|l| l.len() > 3).map(key));
        }
        keys.retain(|k| !k.is_empty());
        Publisher { keys }
    }

    /// Drops the publisher's name glued after a writer's ("Jane Doe ExampleDaily").
    fn strip(&self, name: String) -> String {
        match name.rsplit_once(' ') {
            Some((head, last)) if head.contains(' ') => {
                let k = key(last);
                if k.chars().count() >= 4 && self.keys.contains(&k) {
                    head.to_string()
                } else {
                    name
                }
            }
            _ => name,
        }
    }

    fn is(&self, name: &str) -> bool {
        let f = key(name);
        if f.is_empty() {
            return false;
        }
        let one_word = !name.contains(' ');
        self.keys.iter().any(|p| {
            p == &f
                || p.starts_with(&f)
                || f.starts_with(p.as_str())
                // "LinkNaija" on thelinknaija.com: a one-word name inside the host.
                || (one_word && f.chars().count() >= 5 && p.contains(&f))
        })
    }
}

/// Names in the page's visible byline: elements named for authors (class or id with
/// `author`/`byline`/`writer`, `rel=author`, `itemprop=author`) or a short line opened by
/// a byline marker ("By", "Von", "Par", "Por", "Tác giả"). Inside the article first, then
/// elsewhere before the body's end, never in lists of other stories or comments.
fn shown(
    doc: &Html,
    bp: &Boilerplate,
    scope: ElementRef<'_>,
    content: &Content<'_>,
    h1: Option<ElementRef<'_>>,
    keep: &dyn Fn(&str) -> bool,
) -> Vec<String> {
    // The article's own wrappers (around its body or its headline) hold the byline:
    // only blocks off those lines can be lists of other stories ("sidebar" on the body
    // of a page with a sidebar, or on a misnamed headline column, is not).
    let line: Vec<ego_tree::NodeId> = content
        .roots
        .first()
        .into_iter()
        .chain(h1.as_ref())
        .flat_map(|r| r.ancestors().map(|a| a.id()))
        .collect();
    let listed = |el: ElementRef<'_>| {
        el.ancestors()
            .take_while(|a| !line.contains(&a.id()))
            .filter_map(ElementRef::wrap)
            .any(|a| {
                let h = bp.hints(a);
                is_comment(h) || (a.value().name() != "footer" && hints::is_other_stories(a, h))
            })
    };
    let names = first_byline(scope.descendants(), bp, keep, &|el| !listed(el));
    if !names.is_empty() {
        return names;
    }
    // Outside the article: up to the end of the body, skipping the article itself.
    let Some(end) = content.roots.last().map(|r| last_descendant(**r)) else {
        return Vec::new();
    };
    let mut past = false;
    let nodes = doc.tree.root().descendants().take_while(|n| {
        let go = !past;
        past |= n.id() == end;
        go
    });
    first_byline(nodes, bp, keep, &|el| {
        !el.ancestors().any(|a| a.id() == scope.id()) && !listed(el)
    })
}

fn last_descendant(node: ego_tree::NodeRef<'_, Node>) -> ego_tree::NodeId {
    let mut cur = node;
    while let Some(last) = cur.last_child() {
        cur = last;
    }
    cur.id()
}

fn is_comment(h: &str) -> bool {
    h.contains("comment")
}

/// The names of the first byline among `nodes` (in page order) that yields any.
fn first_byline<'a>(
    nodes: impl Iterator<Item = ego_tree::NodeRef<'a, Node>>,
    bp: &Boilerplate,
    keep: &dyn Fn(&str) -> bool,
    allowed: &dyn Fn(ElementRef<'a>) -> bool,
) -> Vec<String> {
    for node in nodes {
        let el = match node.value() {
            Node::Element(_) => match ElementRef::wrap(node) {
                Some(el) if is_byline_element(el, bp.hints(el)) => el,
                _ => continue,
            },
            Node::Text(t) if opens_byline(t) => match marker_line(node) {
                Marker::Element(el) => el,
                Marker::Line(anchor, line) => {
                    if allowed(anchor) {
                        let found: Vec<String> = names::names(&line, false)
                            .into_iter()
                            .filter(|n| keep(n))
                            .collect();
                        if !found.is_empty() {
                            return found;
                        }
                    }
                    continue;
                }
                Marker::None => continue,
            },
            _ => continue,
        };
        if !allowed(el) {
            continue;
        }
        let names = names_in(el, keep);
        if names.is_empty() {
            continue;
        }
        // A wrapper ("Jane Doe Outlet Published 7:07 PM") yields to the element inside
        // it that holds the names alone.
        let (el, names) = el
            .descendants()
            .skip(1)
            .filter_map(ElementRef::wrap)
            .filter(|d| is_byline_element(*d, bp.hints(*d)))
            .find_map(|d| {
                let n = names_in(d, keep);
                (!n.is_empty()).then_some((d, n))
            })
            .unwrap_or((el, names));
        // "By <a rel=author>A</a> and <a rel=author>B</a>": its siblings name the others.
        if let Some(parent) = dom::parent(el) {
            let mut all: Vec<String> = Vec::new();
            for sib in parent.children().filter_map(ElementRef::wrap) {
                if sib.id() == el.id() || is_byline_element(sib, bp.hints(sib)) {
                    for n in names_in(sib, keep) {
                        if !contains(&all, &n) {
                            all.push(n);
                        }
                    }
                }
            }
            if all.len() > names.len() && names.iter().all(|n| contains(&all, n)) {
                return all;
            }
        }
        return names;
    }
    Vec::new()
}

/// Names in one byline element; `itemprop=author` with an `itemprop=name` inside reads
/// the name only.
fn names_in(el: ElementRef<'_>, keep: &dyn Fn(&str) -> bool) -> Vec<String> {
    let itemprop = |e: ElementRef<'_>, want: &str| {
        e.value()
            .attrs()
            .any(|(k, v)| k == "itemprop" && v.split_ascii_whitespace().any(|p| p == want))
    };
    let named = el
        .value()
        .attrs()
        .any(|(k, _)| k == "itemprop")
        .then(|| {
            el.descendants()
                .skip(1)
                .filter_map(ElementRef::wrap)
                .find(|d| itemprop(*d, "name"))
        })
        .flatten();
    let text = match named {
        Some(n) => n
            .value()
            .attr("content")
            .map(str::to_string)
            .or_else(|| short_text(n)),
        None => short_text(el),
    };
    let Some(text) = text.filter(|t| !t.is_empty() && t.chars().count() <= MAX_BYLINE_CHARS) else {
        return Vec::new();
    };
    names::names(&text, declares_author(el))
        .into_iter()
        .filter(|n| keep(n))
        .collect()
}

/// `rel=author` or `itemprop=author`: markup that says its text is the author.
fn declares_author(el: ElementRef<'_>) -> bool {
    el.value().attrs().any(|(name, value)| match name {
        "rel" => value
            .split_ascii_whitespace()
            .any(|r| r.eq_ignore_ascii_case("author")),
        "itemprop" => value.contains("author") || value.contains("creator"),
        _ => false,
    })
}

/// The element's text, or `None` when its raw text is far longer than any byline: a
/// wrapper named "author-page" around the whole page is not read whole, only to be
/// thrown away.
fn short_text(el: ElementRef<'_>) -> Option<String> {
    let mut bytes = 0;
    for t in el.descendants().filter_map(|n| n.value().as_text()) {
        bytes += t.len();
        if bytes > 8 * MAX_BYLINE_CHARS {
            return None;
        }
    }
    Some(byline_text(el))
}

/// Where two inline elements meet in a byline's text, and where a block starts or ends.
const SEAM: char = '\u{1}';
const BREAK: char = '\u{2}';

/// Text of a byline element, with ` | ` where a block ends or where two of its elements
/// meet with no space between (`<a>Jane Doe</a><span>Staff Writer</span>`,
/// `<a>Jane</a><i>Twitter</i>`): a name never runs across elements glued only by markup,
/// and reading them as one word made "Jane DoeStaff" an author.
fn byline_text(el: ElementRef<'_>) -> String {
    fn walk(node: ego_tree::NodeRef<'_, Node>, out: &mut String) {
        for child in node.children() {
            match child.value() {
                Node::Text(t) => out.push_str(t),
                Node::Element(e) if !dom::is_skipped_tag(e.name()) => {
                    let mark = if dom::is_block_tag(e.name()) {
                        BREAK
                    } else {
                        SEAM
                    };
                    out.push(mark);
                    walk(child, out);
                    out.push(mark);
                }
                _ => {}
            }
        }
    }
    let mut raw = String::new();
    walk(*el, &mut raw);
    let mut out = String::with_capacity(raw.len());
    let mut seam = false;
    for c in raw.chars() {
        match c {
            SEAM => seam = true,
            BREAK => out.push(BREAK),
            c if c.is_whitespace() => {
                seam = false;
                out.push(' ');
            }
            c => {
                if std::mem::take(&mut seam) && !out.ends_with([' ', BREAK]) && !out.is_empty() {
                    out.push(BREAK);
                }
                out.push(c);
            }
        }
    }
    let parts: Vec<String> = out
        .split(BREAK)
        .map(dom::collapse)
        .filter(|p| !p.is_empty())
        .collect();
    parts.join(" | ")
}

/// Hint words of author elements, and of their parts that are never the name.
const AUTHOR_HINTS: &[&str] = &[
    "author", "byline", "by-line", "writer", "reporter", "tac-gia", "tacgia",
];
/// [`AUTHOR_HINTS`] as one automaton: every element with hint text is asked, and seven
/// substring searches each cost more than one pass of a DFA.
static AUTHOR_HINT_WORDS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .kind(Some(AhoCorasickKind::DFA))
        .build(AUTHOR_HINTS)
        .expect("the author hint words build an automaton")
});
const NOT_NAME_HINTS: &[&str] = &[
    "avatar", "img", "image", "photo", "comment", "bio", "desc", "about", "social", "share",
    "follow", "twitter", "email", "mail", "more", "other",
];

fn is_byline_element(el: ElementRef<'_>, h: &str) -> bool {
    let v = el.value();
    if matches!(
        v.name(),
        "body" | "html" | "article" | "main" | "img" | "meta" | "link"
    ) {
        return false;
    }
    let hinted = !h.is_empty()
        && AUTHOR_HINT_WORDS.is_match(h)
        && !NOT_NAME_HINTS.iter().any(|w| h.contains(w));
    hinted || declares_author(el)
}

/// A text that starts like a byline: "By Jane Doe", "Von ...", "Par ...", "Tác giả: ...".
fn opens_byline(t: &str) -> bool {
    let t = t.trim_start();
    // Most text nodes fail on their first letter.
    if !matches!(
        t.as_bytes().first(),
        Some(b'B' | b'b' | b'V' | b'P' | b'W' | b'T')
    ) {
        return false;
    }
    let Some(first) = t.split_whitespace().next() else {
        return false;
    };
    let first = first.trim_end_matches(':');
    matches!(
        first,
        "By" | "BY" | "by" | "Von" | "Par" | "Por" | "Bởi" | "Written" | "Posted"
    ) || t.starts_with("Tác giả")
}

/// Where a byline marker's line is.
enum Marker<'a> {
    /// A short element that holds the whole line.
    Element(ElementRef<'a>),
    /// The line's text, when its element also holds much else (`<div><span>By</span>
    /// <a>Jane</a> ... share buttons ...</div>`), with the element that holds it.
    Line(ElementRef<'a>, String),
    None,
}

/// The line a byline marker opens: the text's parent, or its parent when the marker
/// stands alone in its own element (`<em>By</em> <span>Jane</span>`); when that element
/// is long, the marker and the inline content after it.
fn marker_line(text: ego_tree::NodeRef<'_, Node>) -> Marker<'_> {
    let Some(mut el) = text.parent().and_then(ElementRef::wrap) else {
        return Marker::None;
    };
    // A link or a heading that starts with "By" is another story's title.
    let title = |e: ElementRef<'_>| {
        matches!(
            e.value().name(),
            "a" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "pre" | "code"
        )
    };
    if title(el) {
        return Marker::None;
    }
    // The node whose following siblings continue the line.
    let mut start = text;
    for _ in 0..2 {
        match short_text(el) {
            Some(t) if t.split_whitespace().count() > 1 => break,
            None => break,
            Some(_) => {}
        }
        start = *el;
        let Some(parent) = dom::parent(el) else {
            return Marker::None;
        };
        el = parent;
    }
    if title(el) {
        return Marker::None;
    }
    match short_text(el) {
        // The marker opens the line ("PARTITION BY x" in code does not).
        Some(t) if t.chars().count() <= MAX_BYLINE_CHARS => {
            if opens_byline(&t) {
                Marker::Element(el)
            } else {
                Marker::None
            }
        }
        // Only when nothing comes before the marker in its block: "... codebase by
        // <a>Dave</a>" is a sentence, not a byline.
        _ if start.prev_siblings().all(|p| match p.value() {
            Node::Text(t) => t.trim().is_empty(),
            Node::Element(_) => ElementRef::wrap(p).is_some_and(|e| text_of(e).is_empty()),
            _ => true,
        }) =>
        {
            Marker::Line(el, inline_run(start))
        }
        _ => Marker::None,
    }
}

/// Text of `start` and the inline nodes after it, up to the next block or a byline's
/// length.
fn inline_run(start: ego_tree::NodeRef<'_, Node>) -> String {
    let mut out = String::new();
    for n in std::iter::once(start).chain(start.next_siblings()) {
        let piece = match n.value() {
            Node::Text(t) => t.to_string(),
            Node::Element(e) if n.id() != start.id() && dom::is_block_tag(e.name()) => break,
            Node::Element(_) => match ElementRef::wrap(n).and_then(short_text) {
                Some(t) => t,
                None => break,
            },
            _ => continue,
        };
        if out.len() + piece.len() > MAX_BYLINE_CHARS * 2 {
            break;
        }
        out.push_str(&piece);
        out.push(' ');
    }
    dom::collapse(&out)
}

/// Removes trailing paragraphs that are a byline or a source credit ("Hà Thu (tổng
/// hợp)", "Theo Thanh Xuân", "VnEconomy") and returns the person names among them.
/// Many CMSs put the byline as the last paragraph of the body.
pub fn split_trailing_byline(paragraphs: &mut Vec<String>) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    while paragraphs.len() > 1 && names.len() < 6 {
        let Some(last) = paragraphs.last() else { break };
        let Some(found) = credit_names(last) else {
            break;
        };
        names.splice(0..0, found);
        paragraphs.pop();
    }
    names
}

/// The names of a closing byline or credit line, or `None` when the line reads like
/// text. "Theo Infonet": a credit names its source, one word or more; a bare line
/// needs a full name to be taken for a byline rather than a stray label.
pub fn credit_names(line: &str) -> Option<Vec<String>> {
    let core = byline_core(line)?;
    let credited = is_credit_line(line);
    Some(
        split_names(&core)
            .into_iter()
            .filter(|n| credited || n.split_whitespace().count() >= 2)
            .collect(),
    )
}

/// The names in a signature line, a short line set apart under the story ("Papai",
/// "H.V.", "Nguyễn Đình Quân" aligned right). Its place and alignment mark it as the
/// byline, so a single word or initials count as a name here.
pub fn signature_names(line: &str) -> Option<Vec<String>> {
    let t = line.trim();
    let initials = t.chars().count() <= 12
        && t.contains('.')
        && t.chars().any(char::is_uppercase)
        && t.chars().all(|c| c.is_uppercase() || c == '.' || c == ' ');
    if initials {
        return Some(vec![t.to_string()]);
    }
    let names = split_names(&byline_core(t)?);
    (!names.is_empty()).then_some(names)
}

/// "Theo X", "Tin, ảnh: X": a line that credits someone.
fn is_credit_line(line: &str) -> bool {
    let t = line.trim().trim_start_matches('(').to_lowercase();
    t.starts_with("theo ") || CREDIT_PREFIXES.iter().any(|p| t.starts_with(p))
}

/// Words before the names of who reported and photographed ("Tin, ảnh: Vũ Phương Thảo").
const CREDIT_PREFIXES: &[&str] = &[
    "tin, ảnh:",
    "tin và ảnh:",
    "bài, ảnh:",
    "bài và ảnh:",
    "bài:",
    "tin:",
    "thực hiện:",
    "nhóm thực hiện:",
];

/// The names part of a byline line, or `None` when the line reads like text.
fn byline_core(line: &str) -> Option<String> {
    let t = line.trim();
    if t.is_empty()
        || t.chars().count() > 60
        || t.ends_with(['.', '!', '?', ':', ',', ';', '"', '”'])
    {
        return None;
    }
    let lower = t.to_lowercase();
    let t = match CREDIT_PREFIXES.iter().find(|p| lower.starts_with(*p)) {
        // The prefixes are ASCII-cased the same in both forms, so byte lengths agree.
        Some(p) if t.is_char_boundary(p.len()) => t[p.len()..].trim(),
        _ => t,
    };
    // "Minh Nguyễn/Vcamp.vn", "Sầm Hoa (Vietnamnet/Reuters)": the outlet after the
    // name is not a person.
    let t = match (t.find('('), t.ends_with(')')) {
        (Some(open), true) if open > 0 => t[..open].trim(),
        _ => t,
    };
    let t = t.split('/').next().unwrap_or(t).trim();
    let mut core = t.to_string();
    for mark in ["(tổng hợp)", "(Tổng hợp)", "(tổng hợp", "tổng hợp"] {
        core = core.replace(mark, " ");
    }
    let core = core
        .trim()
        .trim_start_matches("Theo ")
        .trim_start_matches("theo ")
        .trim();
    // "(Theo Reuters)" and similar credits in brackets.
    let core = core
        .trim_start_matches('(')
        .trim_end_matches(')')
        .trim()
        .trim_start_matches("Theo ")
        .trim();
    let words: Vec<&str> = core
        .split_whitespace()
        .filter(|w| !matches!(*w, "-" | "–" | "/" | "và" | "&"))
        .collect();
    let capitalised = |w: &&str| {
        w.chars().next().is_some_and(char::is_uppercase)
            && w.chars()
                .all(|c| c.is_alphabetic() || matches!(c, '.' | '-' | '\''))
    };
    (!words.is_empty() && words.len() <= 6 && words.iter().all(capitalised))
        .then(|| core.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::RawPage;

    #[test]
    fn credit_lines_closing_the_body_name_their_authors() {
        let byline = |last: &str| {
            let mut ps = vec!["Câu chuyện kết thúc ở đây.".to_string(), last.to_string()];
            let names = split_trailing_byline(&mut ps);
            (names, ps.len())
        };
        assert_eq!(
            byline("Theo Lan Chi/Tuoitre.vn"),
            (vec!["Lan Chi".to_string()], 1)
        );
        assert_eq!(
            byline("Tin, ảnh: Trần Văn Bảo"),
            (vec!["Trần Văn Bảo".to_string()], 1)
        );
        assert_eq!(
            byline("Theo Hoài Nam (Reuters/AFP)"),
            (vec!["Hoài Nam".to_string()], 1)
        );
        // "Theo X" credits its source even in one word ("Papai", a pen name); a bare
        // word is no byline name.
        assert_eq!(byline("Theo Papai"), (vec!["Papai".to_string()], 1));
        // A credited outlet is where the story came from, not who wrote it: the line
        // leaves the body and names nobody.
        assert_eq!(byline("Theo Infonet"), (vec![], 1));
        assert_eq!(byline("Theo Thanh Niên"), (vec![], 1));
        assert_eq!(byline("(Theo Newsweek)"), (vec![], 1));
        assert_eq!(byline("VnEconomy"), (vec![], 1));
        // A sentence is not a byline.
        assert_eq!(byline("Theo ông Nam, việc này cần làm ngay."), (vec![], 2));
    }

    /// Authors of a made-up article page with `head` in its `<head>` and `byline` between
    /// the headline and the body.
    fn authors_of(head: &str, byline: &str) -> Vec<String> {
        let para = "<p>The council met on a wet evening to weigh the plan for the river path, \
            and after a long debate about costs, bridges and trees it agreed to try again next year.</p>";
        let html = format!(
            r#"<html lang="en"><head><title>River path plan - Example Gazette</title>
            <meta property="og:site_name" content="Example Gazette">
            <meta property="og:type" content="article">{head}</head><body>
            <div class="sidebar"><div class="byline">By Other Writer</div></div>
            <article><h1>River path plan</h1>{byline}
            <div class="story-body">{para}{para}{para}</div></article></body></html>"#
        );
        let raw = RawPage {
            source: "t.html".into(),
            url: Some("https://www.examplegazette.com/news/river-path.html".into()),
            content_type: None,
            fetched_at: chrono::Utc::now(),
            bytes: html.into_bytes(),
        };
        crate::parse::parse(&raw, None)
            .map(|d| d.authors)
            .unwrap_or_else(|r| panic!("not an article: {}", r.reason))
    }

    #[test]
    fn byline_forms() {
        assert_eq!(
            authors_of("", r#"<p>By <a rel="author" href="/u/jd">Jane Doe</a></p>"#),
            vec!["Jane Doe"]
        );
        assert_eq!(
            authors_of(
                "",
                r#"<span itemprop="author" itemscope><span itemprop="name">Jane Doe</span> <span>Senior Writer</span></span>"#
            ),
            vec!["Jane Doe"]
        );
        assert_eq!(
            authors_of(
                "",
                r#"<div class="article-byline">By Jane Doe and John Roe | May 3, 2021</div>"#
            ),
            vec!["Jane Doe", "John Roe"]
        );
        assert_eq!(
            authors_of(
                "",
                r#"<div class="post-meta"><a class="author" href="/a">Jane Doe</a>, <a class="author" href="/b">John Roe</a> &amp; <a class="author" href="/c">Ann Poe</a></div>"#
            ),
            vec!["Jane Doe", "John Roe", "Ann Poe"]
        );
        // A plain line opened by a marker, no class at all.
        assert_eq!(
            authors_of("", "<p>Von Max Muster, 19. Juli 2014</p>"),
            vec!["Max Muster"]
        );
        assert_eq!(
            authors_of("", "<p>Tác giả: Lê Văn Bình</p>"),
            vec!["Lê Văn Bình"]
        );
        assert_eq!(
            authors_of(
                "",
                r#"<div class="writer">Jane Doe <span>Updated 2 hours ago</span></div>"#
            ),
            vec!["Jane Doe"]
        );
    }

    #[test]
    fn declared_authors() {
        let ld = |author: &str| {
            format!(
                r#"<script type="application/ld+json">{{"@type":"NewsArticle","headline":"River path plan","author":{author}}}</script>"#
            )
        };
        assert_eq!(authors_of(&ld(r#""Jane Doe""#), ""), vec!["Jane Doe"]);
        assert_eq!(
            authors_of(
                &ld(
                    r#"[{"@type":"Person","name":"Jane Doe"},{"@type":"Person","name":"John Roe"}]"#
                ),
                ""
            ),
            vec!["Jane Doe", "John Roe"]
        );
        assert_eq!(
            authors_of(
                &ld(r#"{"@type":"Person","name":"By JANE DOE, Example Sports Writer"}"#),
                ""
            ),
            vec!["JANE DOE"]
        );
        let graph = r#"<script type="application/ld+json">{"@graph":[
            {"@type":"Article","headline":"River path plan","author":{"@id":"https://x.example/#/person/1"}},
            {"@type":["Person"],"@id":"https://x.example/#/person/1","name":"Jane Doe"}]}</script>"#;
        assert_eq!(authors_of(graph, ""), vec!["Jane Doe"]);
        for tag in ["author", "parsely-author", "sailthru.author", "dc.creator"] {
            let head = format!(r#"<meta name="{tag}" content="Jane Doe">"#);
            assert_eq!(authors_of(&head, ""), vec!["Jane Doe"], "{tag}");
        }
        let head = r#"<meta property="article:author" content="https://www.facebook.com/janedoe">"#;
        assert!(authors_of(head, "").is_empty());
    }

    #[test]
    fn declaration_and_byline_together() {
        // The byline names all three writers, the declaration only the first.
        let head = r#"<script type="application/ld+json">{"@type":"NewsArticle","author":{"@type":"Person","name":"Jane Doe"}}</script>"#;
        assert_eq!(
            authors_of(
                head,
                r#"<p class="byline">By Jane Doe, John Roe, Ann Poe</p>"#
            ),
            vec!["Jane Doe", "John Roe", "Ann Poe"]
        );
        // A byline that contradicts the declaration does not replace it...
        assert_eq!(
            authors_of(head, r#"<p class="byline">By John Roe</p>"#),
            vec!["Jane Doe"]
        );
        // ...unless a meta tag says the same as the byline.
        let head = format!(r#"{head}<meta name="sailthru.author" content="By John Roe">"#);
        assert_eq!(
            authors_of(&head, r#"<p class="byline">By John Roe</p>"#),
            vec!["John Roe"]
        );
    }

    #[test]
    fn non_persons_are_not_authors() {
        let org = r#"<script type="application/ld+json">{"@type":"NewsArticle","author":{"@type":"NewsMediaOrganization","name":"Example Gazette"}}</script>"#;
        assert!(authors_of(org, "").is_empty());
        assert!(authors_of(r#"<meta name="author" content="Example Gazette">"#, "").is_empty());
        assert!(authors_of(r#"<meta name="author" content="examplegazette">"#, "").is_empty());
        for byline in [
            r#"<div class="byline">By Staff</div>"#,
            r#"<div class="byline">Reuters</div>"#,
            r#"<div class="author"><a>Reuters,</a> <span class="author-place">Washington,</span> Nov 20 2019</div>"#,
            r#"<div class="byline">By The Editorial Board</div>"#,
            r#"<div class="author">jane.doe@example.com</div>"#,
            r#"<div class="author">Gazette Wire Services</div>"#,
            "<p>By most accounts, the plan worked.</p>",
            r#"<div class="author">Internacional</div>"#,
            r#"<h3><a href="/other">By Land And Sea</a></h3>"#,
            "<pre><code>SELECT a\nPARTITION BY Region</code></pre>",
            "<p>The path began as a side project of the <a href='/p'>town's parks board</a> by <a href='/d'>Dave Roe</a>, \
             <a href='/j'>Joe Poe</a> and <a href='/b'>Bea Lee</a>, who believed that the river deserved better than the \
             car park that had stood beside it for forty years.</p>",
        ] {
            assert!(authors_of("", byline).is_empty(), "{byline}");
        }
    }

    #[test]
    fn byline_in_a_misnamed_headline_column() {
        // The headline and byline sit in a column named "sidebar", the body beside it.
        let para = "<p>The council met on a wet evening to weigh the plan for the river path, \
            and after a long debate about costs, bridges and trees it agreed to try again.</p>";
        let html = format!(
            r#"<html><head><title>River path plan</title><meta property="og:type" content="article"></head>
            <body><article><div id="sidebar" class="left-col"><h1>River path plan</h1>
            <span class="author vcard"><a rel="author" href="/u/jd">Jane Doe</a></span></div>
            <div class="right-col">{para}{para}{para}</div></article></body></html>"#
        );
        let raw = RawPage {
            source: "t.html".into(),
            url: None,
            content_type: None,
            fetched_at: chrono::Utc::now(),
            bytes: html.into_bytes(),
        };
        let doc = crate::parse::parse(&raw, None).unwrap_or_else(|r| panic!("{}", r.reason));
        assert_eq!(doc.authors, vec!["Jane Doe"]);
    }

    #[test]
    fn marker_line_inside_a_long_block() {
        let share: String = (0..40)
            .map(|i| format!("<a href='/s{i}'>Share on network {i}</a> "))
            .collect();
        assert_eq!(
            authors_of(
                "",
                &format!(
                    r#"<div class="meta"><span>By</span> <a href="/u/jd">Jane Doe</a> <span>May 3, 2021</span> {share}</div>"#
                )
            ),
            vec!["Jane Doe"]
        );
    }

    #[test]
    fn publisher_glued_to_a_name_is_dropped() {
        assert_eq!(
            authors_of("", r#"<div class="byline">Jane Doe ExampleGazette</div>"#),
            vec!["Jane Doe"]
        );
    }

    #[test]
    fn elements_glued_without_a_space_are_not_one_name() {
        // A role, a social link or a second writer right after the name's element.
        for (byline, want) in [
            (
                r#"<div class="byline"><span>By</span><a href="/p/ann-lee">Ann Lee</a><span class="role">Staff Writer</span></div>"#,
                vec!["Ann Lee"],
            ),
            (
                r#"<span class="author"><a rel="author" href="/a/tom-ray">Tom Ray</a><a href="https://twitter.com/x"><i>Twitter</i></a></span>"#,
                vec!["Tom Ray"],
            ),
            (
                r#"<div class="authors"><a href="/a/1">Mia Holt</a><a href="/a/2">Sam Orr</a></div>"#,
                vec!["Mia Holt", "Sam Orr"],
            ),
            // Newlines inside one text node are spaces, not seams.
            (
                "<span class=\"byline\"><a itemprop=\"author\" href=\"/a/3\">Will\n   Penn</a></span>",
                vec!["Will Penn"],
            ),
        ] {
            assert_eq!(authors_of("", byline), want, "{byline}");
        }
    }

    #[test]
    fn byline_in_an_aside_column_beside_the_text() {
        let aside = r#"<aside><address><a rel="author" href="/p/ann">Ann Lee</a> and
            <a rel="author" href="/p/tom">Tom Ray</a></address>
            <ul><li><a href="https://x.example/share" aria-label="Share">S</a></li></ul></aside>"#;
        assert_eq!(authors_of("", aside), vec!["Ann Lee", "Tom Ray"]);
        // An aside of other stories: their bylines are not this story's.
        let others = r#"<aside><a href="/a">Council votes on the new river path plan</a>
            <span class="byline">By Ann Lee</span>
            <a href="/b">Storm closes the old harbour road again</a></aside>"#;
        assert_eq!(authors_of("", others), Vec::<String>::new());
    }

    #[test]
    fn trailing_byline_leaves_the_body() {
        let mut paras = vec![
            "Nội dung bài viết dài.".to_string(),
            "Theo Thanh Xuân".to_string(),
            "VnEconomy".to_string(),
        ];
        assert_eq!(split_trailing_byline(&mut paras), vec!["Thanh Xuân"]);
        assert_eq!(paras, vec!["Nội dung bài viết dài."]);
        let mut paras = vec!["Đoạn một.".to_string(), "Hà Thu (tổng hợp)".to_string()];
        assert_eq!(split_trailing_byline(&mut paras), vec!["Hà Thu"]);
        // A last sentence is body text.
        let mut paras = vec![
            "Đoạn một.".to_string(),
            "Bộ Y tế cho biết sẽ tiếp tục theo dõi.".to_string(),
        ];
        assert!(split_trailing_byline(&mut paras).is_empty());
        assert_eq!(paras.len(), 2);
    }

    #[test]
    fn byline_names() {
        assert_eq!(
            split_names("NHẬT XUÂN và NGHI VŨ"),
            vec!["NHẬT XUÂN", "NGHI VŨ"]
        );
        assert_eq!(split_names("Theo Thanh Xuân"), vec!["Thanh Xuân"]);
        assert!(split_names("Email the author").is_empty());
        assert!(split_names("17/09/2020").is_empty());
    }
}
