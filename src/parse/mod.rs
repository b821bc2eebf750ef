//! Parse stage: page bytes in, a [`Document`] of raw fields out.
//!
//! Generic for any CMS: machine-readable declarations (JSON-LD, OpenGraph, meta tags)
//! first, the visible page second. The heavy lifting lives in the submodules; this
//! file decides which source wins for each field.

pub mod charset;
pub mod content;
pub mod dates;
pub mod dom;
pub mod hints;
pub mod images;
pub mod meta;
pub mod prune;
pub mod rules;

use rustc_hash::FxHashSet as HashSet;
use std::sync::LazyLock;

use ego_tree::NodeId;
use scraper::{ElementRef, Html, Selector};
use url::Url;

use crate::record::{Document, RawPage, Reject, Stage, TextPlace};
use content::{Boilerplate, Content};
use dom::text_of;
use meta::{Meta, sel};
use rules::SiteRules;

/// Pages with less body text than this are not articles (listings, app shells, errors).
const MIN_BODY_CHARS: usize = 150;
/// Without any sign of being an article (JSON-LD, og:type, a lead), the bar is higher.
const MIN_BODY_CHARS_UNSIGNED: usize = 400;

static H1: LazyLock<Selector> = LazyLock::new(|| sel("h1"));

/// Parses one page. Errors are rejects with a reason, never panics.
pub fn parse(raw: &RawPage, rules: Option<&SiteRules>) -> Result<Document, Reject> {
    if raw.bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Reject::new(
            &raw.source,
            Stage::Decode,
            "empty",
            "the page is empty; check that the file was saved completely",
        ));
    }
    if looks_binary(&raw.bytes) {
        return Err(Reject::new(
            &raw.source,
            Stage::Decode,
            "binary",
            "the page is not text (it holds NUL or control bytes); it may be an image, a PDF or a compressed file without a .gz name",
        ));
    }
    let fetched = raw.url.as_deref().and_then(|u| Url::parse(u).ok());
    let tld = fetched
        .as_ref()
        .and_then(|u| u.host_str())
        .and_then(|h| h.rsplit('.').next())
        .map(str::to_string);
    let decoded = charset::decode(&raw.bytes, raw.content_type.as_deref(), tld.as_deref());
    // A site's own rules may select on any attribute; the generic extractor reads few.
    let text = prune::prune_with(&decoded.text, rules.is_some());
    let html = Html::parse_document(&text);
    let meta = meta::read(&html);
    let base = base_url(&meta, fetched.as_ref());
    let canonical_url = [
        meta.canonical.as_deref(),
        meta.og_url.as_deref(),
        meta.ld.url.as_deref(),
    ]
    .into_iter()
    .flatten()
    .find_map(|u| {
        crate::normalise::url::resolve(base.as_ref(), u).filter(|r| r.starts_with("http"))
    });

    let dropped: HashSet<NodeId> = rules
        .map(|r| {
            r.drop
                .iter()
                .flat_map(|s| html.select(s).map(|e| e.id()))
                .collect()
        })
        .unwrap_or_default();
    let nodes: Vec<ego_tree::NodeRef<'_, scraper::Node>> = html.tree.root().descendants().collect();
    let stats = content::Stats::of(&nodes);
    let bp = Boilerplate::with_dropped(&html, &nodes, &stats, &dropped);
    // A page whose text is written by scripts (an app shell, a bot wall) is told apart
    // from a page that simply has no article, so users know a browser would be needed.
    let js_only = stats.get(html.tree.root().id()).chars < 300 && is_script_shell(&html);
    let no_article = |why: &str| {
        if js_only {
            Reject::new(
                &raw.source,
                Stage::Parse,
                "js_only",
                "the page's text is built by JavaScript (an app shell or a bot check); fetch it with a browser or find the site's feed",
            )
        } else {
            Reject::new(&raw.source, Stage::Parse, "no_article", why.to_string())
        }
    };
    let by_rule: Vec<ElementRef<'_>> = rules
        .and_then(|r| r.body.as_ref())
        .map(|s| html.select(s).collect())
        .unwrap_or_default();
    let found = if by_rule.is_empty() {
        content::find(&html, &nodes, &stats, &bp)
    } else {
        Some(Content { roots: by_rule })
    };
    let Some(mut content) = found else {
        return Err(no_article(
            "no block of running text found: this looks like a listing, an app shell or an error page",
        ));
    };
    let h1 = pick_h1(&html, &meta, &content);
    let title = rules
        .and_then(|r| rules::first(&html, &r.title))
        .map(text_of)
        .filter(|t| !t.is_empty())
        .or_else(|| h1.map(text_of).filter(|t| !t.is_empty()))
        .or_else(|| meta_title(&meta));
    let lead_el = rules
        .and_then(|r| rules::first(&html, &r.lead))
        .or_else(|| find_lead(&html, &bp, h1, &content));
    let lead = lead_el.map(text_of).filter(|t| !t.is_empty());
    // A sapo next to the body may have been taken for more of the body.
    if let Some(l) = lead_el {
        if content.roots.len() > 1 {
            content.roots.retain(|r| r.id() != l.id());
        }
    }
    let mut skip: HashSet<NodeId> = HashSet::default();
    if let Some(l) = lead_el {
        skip.insert(l.id());
    }
    let mut paragraphs: Vec<String> = content::paragraphs(&content, &bp, &skip)
        .into_iter()
        .map(|p| p.text)
        .collect();
    // The lead or headline repeated as the first block is not body text.
    while paragraphs
        .first()
        .is_some_and(|p| Some(p) == lead.as_ref() || Some(p) == title.as_ref())
    {
        paragraphs.remove(0);
    }
    drop_dateline_edges(&mut paragraphs);
    let byline = split_trailing_byline(&mut paragraphs);
    let body_chars: usize = paragraphs.iter().map(|p| p.chars().count()).sum();
    let signed = meta.ld.found
        || meta.og_type.as_deref() == Some("article")
        || lead.is_some()
        || !meta.published.is_empty();
    if body_chars < MIN_BODY_CHARS || (!signed && body_chars < MIN_BODY_CHARS_UNSIGNED) {
        return Err(no_article(&format!(
            "only {body_chars} characters of article text found (a listing page, a JS-only page or a stub); nothing to export"
        )));
    }
    let Some(title) = title else {
        return Err(Reject::new(
            &raw.source,
            Stage::Parse,
            "no_title",
            "the page has article text but no headline (no h1, og:title or <title>)",
        ));
    };

    let scope = article_scope(h1, &content);
    let caption_rule = rules.and_then(|r| r.captions.as_ref());
    let images = images::extract(&html, scope, &bp, base.as_ref(), caption_rule);
    let passages = passages(&lead, &content, &paragraphs, &images);
    let site_url = canonical_url.as_deref().or(raw.url.as_deref());
    let found = dates::find(&dates::Page {
        doc: &html,
        meta: &meta,
        bp: &bp,
        scope,
        h1,
        body: content.roots.first().copied(),
        url: site_url,
        zone: dates::page_zone(&meta, &text),
        order: dates::day_order(&meta),
        fetched_at: raw.fetched_at,
    });
    let mut published_text = found.shown;
    let mut published: Vec<(String, &'static str)> = Vec::new();
    if let Some((r, el)) = rules.and_then(|r| rules::first(&html, &r.date).map(|el| (r, el))) {
        let text = text_of(el);
        if let Some(dt) = r.date_of(&text) {
            published.push((dt.to_rfc3339(), "rule"));
            published_text = Some(text);
        }
    }
    published.extend(found.published);
    let modified = found.modified;

    let mut tags: Vec<String> = meta.tags.clone();
    if tags.is_empty() {
        tags = if meta.ld.keywords.is_empty() {
            meta.keywords.clone()
        } else {
            meta.ld.keywords.clone()
        };
    }
    let category = rules
        .and_then(|r| r.category.as_ref())
        .and_then(|s| html.select(s).next_back())
        .map(text_of)
        .filter(|t| !t.is_empty())
        .or_else(|| category(&html, &meta, &title, scope, &bp));
    let site = canonical_url
        .as_deref()
        .or(raw.url.as_deref())
        .and_then(crate::normalise::url::site);
    let mut authors: Vec<String> = rules
        .and_then(|r| r.authors.as_ref())
        .map(|s| {
            html.select(s)
                .flat_map(|e| split_names(&text_of(e)))
                .collect()
        })
        .unwrap_or_default();
    if authors.is_empty() {
        authors = self::authors(&html, &meta, &bp, scope, site.as_deref());
    }
    if authors.is_empty() {
        authors = byline;
    }
    let declared_language = meta
        .ld
        .language
        .clone()
        .or_else(|| meta.html_lang.clone())
        .or_else(|| meta.og_locale.clone());

    Ok(Document {
        source: raw.source.clone(),
        canonical_url,
        fetched_url: raw.url.clone(),
        amphtml_url: meta
            .amphtml
            .as_deref()
            .and_then(|u| crate::normalise::url::resolve(base.as_ref(), u)),
        title: Some(title),
        lead,
        paragraphs,
        passages,
        category,
        tags,
        authors,
        published,
        modified,
        published_text: published_text
            .or_else(|| meta.ld.date_published.clone())
            .or_else(|| meta.published.first().cloned()),
        declared_language,
        images,
        charset: decoded.charset.to_string(),
        html_bytes: raw.bytes.len(),
        fetched_at: raw.fetched_at,
    })
}

/// Scripts and an empty mount point, or a `<noscript>` asking for JavaScript.
fn is_script_shell(doc: &Html) -> bool {
    let mut scripts = 0;
    let mut asks_for_js = false;
    let mut mount = false;
    for el in doc
        .root_element()
        .descendants()
        .filter_map(ElementRef::wrap)
    {
        match el.value().name() {
            "script" => scripts += 1,
            "noscript" => {
                let t: String = el.text().collect::<String>().to_lowercase();
                asks_for_js |= t.contains("javascript") || t.contains("enable js");
            }
            "div" | "main" | "app-root" => {
                let id = el.value().id().unwrap_or("").to_ascii_lowercase();
                mount |= matches!(
                    id.as_str(),
                    "root" | "app" | "__next" | "__nuxt" | "main-app"
                ) && el.children().all(|c| !c.value().is_element());
            }
            _ => {}
        }
    }
    asks_for_js || (scripts >= 2 && mount)
}

/// NUL bytes or many control bytes in the first KiB mean this is not a text page.
fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    if head.contains(&0) {
        // UTF-16 pages have NULs too, but start with a BOM.
        return !(head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]));
    }
    let control = head
        .iter()
        .filter(|b| **b < 0x09 || (**b > 0x0D && **b < 0x20))
        .count();
    control * 10 > head.len()
}

fn base_url(meta: &Meta, fetched: Option<&Url>) -> Option<Url> {
    let page = fetched
        .cloned()
        .or_else(|| meta.canonical.as_deref().and_then(|c| Url::parse(c).ok()))
        .or_else(|| meta.og_url.as_deref().and_then(|c| Url::parse(c).ok()));
    match (&meta.base_href, &page) {
        (Some(b), Some(p)) => p.join(b).ok().or(page),
        (Some(b), None) => Url::parse(b).ok(),
        _ => page,
    }
}

/// Words of a title, lower-cased, for comparing headings with declared titles.
fn title_words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Share of `h1`'s words found in `declared`.
fn overlap(h1: &str, declared: &str) -> f64 {
    let a = title_words(h1);
    if a.is_empty() {
        return 0.0;
    }
    let b: HashSet<String> = title_words(declared).into_iter().collect();
    a.iter().filter(|w| b.contains(*w)).count() as f64 / a.len() as f64
}

/// The headline element: the `h1` that best matches what the page declares as its
/// title, else the last `h1` before the body.
fn pick_h1<'a>(doc: &'a Html, meta: &Meta, content: &Content<'a>) -> Option<ElementRef<'a>> {
    let declared: Vec<&str> = [
        meta.ld.headline.as_deref(),
        meta.og_title.as_deref(),
        meta.title_tag.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect();
    let h1s: Vec<ElementRef<'a>> = doc
        .select(&H1)
        .filter(|h| text_of(*h).chars().count() >= 4)
        .collect();
    let best = h1s
        .iter()
        .map(|h| {
            let t = text_of(*h);
            let score = declared.iter().map(|d| overlap(&t, d)).fold(0.0, f64::max);
            (score, *h)
        })
        .filter(|(s, _)| *s >= 0.6)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    if let Some((_, h)) = best {
        return Some(h);
    }
    let body_start = content.roots.first()?.id();
    let mut last_before = None;
    for node in doc.tree.root().descendants() {
        if node.id() == body_start {
            break;
        }
        if let Some(h) = h1s.iter().find(|h| h.id() == node.id()) {
            last_before = Some(*h);
        }
    }
    last_before.or_else(|| h1s.first().copied())
}

/// A declared title without the site name that CMSs append ("Title - Site", "Site | Title").
fn meta_title(meta: &Meta) -> Option<String> {
    let raw = meta
        .ld
        .headline
        .clone()
        .or_else(|| meta.og_title.clone())
        .or_else(|| meta.title_tag.clone())?;
    Some(strip_site_suffix(&raw, meta.og_site_name.as_deref()))
}

/// Removes a site name at either end of a title.
pub fn strip_site_suffix(title: &str, site_name: Option<&str>) -> String {
    for sep in [" | ", " - ", " – ", " — ", " :: ", " » "] {
        let parts: Vec<&str> = title.split(sep).collect();
        if parts.len() < 2 {
            continue;
        }
        let words = |s: &str| s.split_whitespace().count();
        let is_site = |s: &str, rest: &str| {
            site_name.is_some_and(|n| n.eq_ignore_ascii_case(s.trim()))
                || (words(s) <= 8 && words(s) * 2 < words(rest))
        };
        let last = parts[parts.len() - 1];
        let head = parts[..parts.len() - 1].join(sep);
        if is_site(last, &head) {
            return head.trim().to_string();
        }
        let first = parts[0];
        let tail = parts[1..].join(sep);
        if is_site(first, &tail) && site_name.is_some_and(|n| n.eq_ignore_ascii_case(first.trim()))
        {
            return tail.trim().to_string();
        }
    }
    title.trim().to_string()
}

/// The sapo: a block named as a lead, after the headline and before the body's end.
fn find_lead<'a>(
    doc: &'a Html,
    bp: &Boilerplate,
    h1: Option<ElementRef<'a>>,
    content: &Content<'a>,
) -> Option<ElementRef<'a>> {
    let mut after_h1 = h1.is_none();
    let body_end = content
        .roots
        .last()
        .map(|r| r.last_child().map_or(r.id(), |c| c.id()));
    for node in doc.tree.root().descendants() {
        if h1.is_some_and(|h| h.id() == node.id()) {
            after_h1 = true;
            continue;
        }
        if Some(node.id()) == body_end {
            break;
        }
        let Some(el) = ElementRef::wrap(node) else {
            continue;
        };
        if !after_h1 || bp.contains(node.id()) || !hints::is_lead(bp.hints(el)) {
            continue;
        }
        let len = text_of(el).chars().count();
        if (30..=2000).contains(&len)
            && !content
                .roots
                .iter()
                .any(|r| r.ancestors().any(|a| a.id() == el.id()))
        {
            return Some(el);
        }
    }
    None
}

/// The part of the page that belongs to the article: the nearest element holding both
/// the headline and the body, unless that is the whole page.
fn article_scope<'a>(h1: Option<ElementRef<'a>>, content: &Content<'a>) -> ElementRef<'a> {
    let first = content.roots[0];
    let body_parent = if content.roots.len() > 1 {
        dom::parent(first).unwrap_or(first)
    } else {
        first
    };
    let Some(h1) = h1 else { return body_parent };
    let h1_ancestors: HashSet<NodeId> = h1.ancestors().map(|a| a.id()).collect();
    let mut cur = Some(body_parent);
    let mut depth = 0;
    while let Some(c) = cur {
        if h1_ancestors.contains(&c.id()) || c.id() == h1.id() {
            // Too wide a scope (body, a page wrapper) would take in sidebars.
            return if matches!(c.value().name(), "body" | "html" | "form") || depth > 6 {
                body_parent
            } else {
                c
            };
        }
        cur = dom::parent(c);
        depth += 1;
    }
    body_parent
}

/// Lead, body blocks and captions in page order, for the people stage.
fn passages(
    lead: &Option<String>,
    content: &Content<'_>,
    paras: &[String],
    images: &[crate::record::Image],
) -> Vec<(TextPlace, String)> {
    let mut out = Vec::new();
    if let Some(l) = lead {
        out.push((TextPlace::Lead, l.clone()));
    }
    // Body paragraphs and the captions that sit between them, in order.
    let mut captions: Vec<String> = images
        .iter()
        .filter_map(|i| i.caption.as_deref())
        .map(|c| images::split_credit(c).0)
        .collect();
    captions.dedup();
    let caption_positions = caption_order(content, paras, &captions);
    let mut ci = 0;
    for (pi, p) in paras.iter().enumerate() {
        while ci < caption_positions.len() && caption_positions[ci].0 <= pi {
            out.push((TextPlace::Caption, caption_positions[ci].1.clone()));
            ci += 1;
        }
        out.push((TextPlace::Body, p.clone()));
    }
    for (_, c) in &caption_positions[ci..] {
        out.push((TextPlace::Caption, c.clone()));
    }
    out
}

/// For each caption, the index of the body paragraph it comes before (by text position in the container).
fn caption_order(
    content: &Content<'_>,
    paras: &[String],
    captions: &[String],
) -> Vec<(usize, String)> {
    if captions.is_empty() {
        return Vec::new();
    }
    let mut full = String::new();
    for r in &content.roots {
        full.push_str(&text_of(*r));
        full.push(' ');
    }
    let mut para_pos: Vec<usize> = Vec::new();
    let mut from = 0;
    for p in paras {
        let pos = full[from..]
            .find(p.as_str())
            .map(|x| x + from)
            .unwrap_or(from);
        para_pos.push(pos);
        from = pos;
    }
    let mut out: Vec<(usize, String)> = captions
        .iter()
        .map(|c| {
            let pos = full.find(c.as_str()).unwrap_or(usize::MAX);
            let idx = para_pos.iter().position(|p| *p > pos).unwrap_or(usize::MAX);
            (idx, c.clone())
        })
        .collect();
    out.sort_by_key(|(i, _)| *i);
    out
}

/// The deepest breadcrumb item that is not home or the headline; then declared sections.
fn category(
    doc: &Html,
    meta: &Meta,
    title: &str,
    scope: ElementRef<'_>,
    bp: &Boilerplate,
) -> Option<String> {
    let home = |s: &str| {
        let l = s.to_lowercase();
        matches!(
            l.as_str(),
            "trang chủ" | "home" | "trang nhất" | "homepage" | "start" | "accueil" | "inicio"
        ) || l.is_empty()
    };
    // A crumb that repeats the headline is the article itself, not its section.
    let usable =
        |s: &str| !home(s) && s != title && s.chars().count() <= 60 && overlap(title, s) < 0.8;
    for node in doc.tree.root().descendants() {
        let Some(el) = ElementRef::wrap(node) else {
            continue;
        };
        let h = bp.hints(el);
        // One pass over the attributes: `attr` would intern each name it looks up.
        let is_crumb = h.contains("breadcrumb")
            || h.contains("bread-crumb")
            || el.value().attrs().any(|(name, value)| match name {
                "itemtype" => value.contains("BreadcrumbList"),
                "aria-label" => value.to_ascii_lowercase().contains("breadcrumb"),
                _ => false,
            });
        if !is_crumb {
            continue;
        }
        let items: Vec<String> = el
            .descendants()
            .filter_map(ElementRef::wrap)
            .filter(|e| {
                e.value().name() == "a"
                    || (e.value().name() == "li"
                        && !e.descendants().any(
                            |d| matches!(d.value(), scraper::Node::Element(x) if x.name() == "a"),
                        ))
            })
            .map(text_of)
            .filter(|t| usable(t))
            .collect();
        if let Some(last) = items.last() {
            return Some(last.clone());
        }
    }
    if let Some(last) = meta.ld.breadcrumb.iter().rev().find(|s| usable(s)) {
        return Some(last.clone());
    }
    if let Some(s) = meta
        .section
        .clone()
        .or_else(|| meta.ld.section.clone())
        .filter(|s| usable(s))
    {
        return Some(s);
    }
    // A category label in the article's meta line ("Sức khoẻ 17/09/2020 - 15:19").
    scope
        .descendants()
        .filter_map(ElementRef::wrap)
        .find(|e| {
            let h = bp.hints(*e);
            (h.contains("cate") || h.contains("section") || h.contains("chuyen-muc"))
                && !h.contains("related")
                && !h.contains("box-category")
        })
        .map(text_of)
        .filter(|t| usable(t) && t.chars().count() <= 40)
}

/// Author names: JSON-LD, then meta tags, then a byline element; names must look like names.
fn authors(
    doc: &Html,
    meta: &Meta,
    bp: &Boilerplate,
    scope: ElementRef<'_>,
    site: Option<&str>,
) -> Vec<String> {
    // The publisher is not an author ("VnExpress", "Dân Trí" in meta author tags).
    let mut publishers: Vec<String> = [meta.og_site_name.as_deref(), meta.ld.publisher.as_deref()]
        .into_iter()
        .flatten()
        .map(fold)
        .collect();
    if let Some(host) = site {
        publishers.extend(host.split('.').filter(|l| l.len() > 3).map(fold));
    }
    let is_publisher = |name: &str| {
        let f = fold(name);
        publishers
            .iter()
            .any(|p| !p.is_empty() && (p == &f || p.starts_with(&f) || f.starts_with(p.as_str())))
    };
    let clean = |list: &[String]| -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for raw in list {
            for name in split_names(raw) {
                if !out.contains(&name) && !is_publisher(&name) {
                    out.push(name);
                }
            }
        }
        out
    };
    let from_ld = clean(&meta.ld.authors);
    if !from_ld.is_empty() {
        return from_ld;
    }
    let from_meta = clean(&meta.meta_authors);
    if !from_meta.is_empty() {
        return from_meta;
    }
    let _ = doc;
    let bylines: Vec<String> = scope
        .descendants()
        .filter_map(ElementRef::wrap)
        .filter(|e| {
            let h = bp.hints(*e);
            (h.contains("author")
                || h.contains("byline")
                || h.contains("tac-gia")
                || h.contains("writer")
                || h.contains("reporter"))
                && !h.contains("avatar")
                && !h.contains("img")
        })
        .filter(|e| {
            !e.ancestors().any(|a| {
                a.id() != scope.id()
                    && bp.contains(a.id())
                    && ElementRef::wrap(a).is_some_and(|el| !bp.hints(el).contains("author"))
            })
        })
        .map(text_of)
        .filter(|t| !t.is_empty() && t.chars().count() <= 80)
        .take(1)
        .collect();
    clean(&bylines)
}

/// Removes short first or last paragraphs that only state when the story was published
/// or updated ("Published Monday, November 18, 2019 8:22AM EST", "Cập nhật 17/09/2020"):
/// page furniture that CMSs place inside the body container.
fn drop_dateline_edges(paragraphs: &mut Vec<String>) {
    let is_dateline = |p: &str| {
        // The cheap test first, stopping at the 13th word: a body's last paragraph is
        // often its longest.
        if p.split_whitespace().nth(12).is_some() {
            return false;
        }
        let lower = p.to_lowercase();
        let marked = [
            "published",
            "updated",
            "posted",
            "last modified",
            "cập nhật",
            "đăng lúc",
            "ngày đăng",
        ]
        .iter()
        .any(|m| lower.starts_with(m));
        if !marked {
            return false;
        }
        crate::normalise::dates::parse_visible(
            p,
            chrono::FixedOffset::east_opt(0).expect("zero offset"),
        )
        .is_some()
            || [
                "january",
                "february",
                "march",
                "april",
                "may",
                "june",
                "july",
                "august",
                "september",
                "october",
                "november",
                "december",
            ]
            .iter()
            .any(|m| lower.contains(m))
    };
    while paragraphs.len() > 1 && paragraphs.last().is_some_and(|p| is_dateline(p)) {
        paragraphs.pop();
    }
    while paragraphs.len() > 1 && paragraphs.first().is_some_and(|p| is_dateline(p)) {
        paragraphs.remove(0);
    }
}

/// Removes trailing paragraphs that are a byline or a source credit ("Hà Thu (tổng
/// hợp)", "Theo Thanh Xuân", "VnEconomy") and returns the person names among them.
/// Many CMSs put the byline as the last paragraph of the body.
fn split_trailing_byline(paragraphs: &mut Vec<String>) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    while paragraphs.len() > 1 && names.len() < 6 {
        let Some(last) = paragraphs.last() else { break };
        let Some(core) = byline_core(last) else { break };
        let found: Vec<String> = split_names(&core)
            .into_iter()
            .filter(|n| n.split_whitespace().count() >= 2)
            .collect();
        names.splice(0..0, found);
        paragraphs.pop();
    }
    names
}

/// The names part of a byline line, or `None` when the line reads like text.
fn byline_core(line: &str) -> Option<String> {
    let t = line.trim();
    if t.is_empty()
        || t.chars().count() > 60
        || t.ends_with(['.', '!', '?', ':', ',', ';', '"', '”'])
    {
        return None;
    }
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

/// Lower-case ASCII letters only, for comparing names across spellings ("Dân Trí" ~ "dantri").
fn fold(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfd()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect::<String>()
        .replace('đ', "d")
}

/// Splits a byline into validated person names.
pub fn split_names(raw: &str) -> Vec<String> {
    let mut s = raw.trim().to_string();
    for prefix in [
        "Theo ",
        "theo ",
        "By ",
        "by ",
        "Bởi ",
        "Tác giả:",
        "Tác giả",
        "Author:",
        "Nhóm phóng viên",
        "PV:",
    ] {
        if let Some(rest) = s.strip_prefix(prefix) {
            s = rest.trim().to_string();
        }
    }
    s.split([',', '/', '&', ';', '|'])
        .flat_map(|p| p.split(" và ").map(str::to_string).collect::<Vec<_>>())
        .flat_map(|p| p.split(" and ").map(str::to_string).collect::<Vec<_>>())
        .map(|p| {
            p.trim()
                .trim_matches(['-', '–', '(', ')', '.', ' '])
                .to_string()
        })
        .filter(|p| is_person_name(p))
        .collect()
}

fn is_person_name(s: &str) -> bool {
    let words: Vec<&str> = s.split_whitespace().collect();
    if words.is_empty() || words.len() > 5 || s.contains('@') || s.contains("://") {
        return false;
    }
    let lower = s.to_lowercase();
    if [
        "email",
        "admin",
        "facebook",
        "twitter",
        "staff",
        "reporter",
        "editor",
        "tổng hợp",
        "báo ",
        "tác giả",
        "khác",
        "news",
        "online",
    ]
    .iter()
    .any(|w| lower.contains(w))
    {
        return false;
    }
    words.iter().all(|w| {
        w.chars().next().is_some_and(char::is_uppercase)
            && w.chars()
                .all(|c| c.is_alphabetic() || c == '\'' || c == '-' || c == '.')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_suffix_is_stripped() {
        assert_eq!(
            strip_site_suffix(
                "Khởi công nhà ga T3 sân bay Tân Sơn Nhất hôm nay - Báo Dân trí",
                None
            ),
            "Khởi công nhà ga T3 sân bay Tân Sơn Nhất hôm nay"
        );
        assert_eq!(
            strip_site_suffix("VnExpress | Tin tức hôm nay", Some("VnExpress")),
            "Tin tức hôm nay"
        );
        assert_eq!(strip_site_suffix("A - B", None), "A - B");
    }

    #[test]
    fn datelines_at_the_edges_leave_the_body() {
        let mut paras = vec![
            "Published Monday, November 18, 2019 8:22AM EST".to_string(),
            "The first sentence of the story.".to_string(),
            "The last sentence, published as part of the story.".to_string(),
            "Cập nhật 17/09/2020 - 15:19".to_string(),
        ];
        drop_dateline_edges(&mut paras);
        assert_eq!(
            paras,
            vec![
                "The first sentence of the story.",
                "The last sentence, published as part of the story."
            ]
        );
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

    fn parse_page(raw: &RawPage) -> Result<Document, Reject> {
        parse(raw, None)
    }

    fn page(html: &str) -> RawPage {
        RawPage {
            source: "t.html".into(),
            url: None,
            content_type: None,
            fetched_at: chrono::Utc::now(),
            bytes: html.as_bytes().to_vec(),
        }
    }

    #[test]
    fn listing_page_is_rejected() {
        let items: String = (0..30)
            .map(|i| {
                format!(
                    "<li><a href='/a{i}.html'>Tin số {i} về một chủ đề nào đó trong ngày</a></li>"
                )
            })
            .collect();
        let err = parse_page(&page(&format!(
            "<html><body><h1>Tin mới</h1><ul>{items}</ul></body></html>"
        )))
        .unwrap_err();
        assert_eq!(err.reason, "no_article");
    }

    #[test]
    fn boilerplate_inside_the_article_stays_out_of_the_body() {
        let para = |n: usize| {
            format!(
                "<p>Đoạn văn số {n} của bài viết, với đủ chữ để được tính là văn bản chính của bài báo, kể cả dấu phẩy, dấu chấm và các chi tiết khác.</p>"
            )
        };
        let html = format!(
            r#"<html lang="vi"><head><title>Tiêu đề bài - Báo</title><link rel="canonical" href="https://bao.vn/tieu-de.html"><meta property="og:type" content="article"></head><body>
            <div class="article"><h1>Tiêu đề bài</h1>
            <div class="author">Nguyễn Văn Phóng Viên</div>
            <div class="share-buttons"><a href="/fb">Chia sẻ Facebook</a> <a href="/zalo">Chia sẻ Zalo</a></div>
            <div class="article-body">{p1}{p2}
              <figure><img src="/a.jpg"><figcaption>Chú thích của ảnh minh họa</figcaption></figure>
              <div class="related-news"><h3>Tin liên quan</h3><ul><li><a href="/x.html">Một bài liên quan khác</a></li></ul></div>
              {p3}
              <div class="ad-slot">Quảng cáo: mua ngay sản phẩm giảm giá</div>
              {p4}
            </div>
            <div class="comments"><p>Bình luận của bạn đọc: bài viết rất hay, cảm ơn tác giả đã chia sẻ thông tin hữu ích này.</p></div>
            </div></body></html>"#,
            p1 = para(1),
            p2 = para(2),
            p3 = para(3),
            p4 = para(4)
        );
        let doc = parse_page(&page(&html)).unwrap();
        let body = doc.paragraphs.join("\n");
        for n in 1..=4 {
            assert!(body.contains(&format!("Đoạn văn số {n}")), "{body}");
        }
        for junk in [
            "Chia sẻ Facebook",
            "Chú thích của ảnh",
            "Một bài liên quan khác",
            "Quảng cáo",
            "Bình luận của bạn đọc",
            "Phóng Viên",
        ] {
            assert!(!body.contains(junk), "{junk} in {body}");
        }
        assert_eq!(
            doc.images[0].caption.as_deref(),
            Some("Chú thích của ảnh minh họa")
        );
    }

    #[test]
    fn js_only_page_is_its_own_reject() {
        let shell = r#"<html><head><title>Tin tức</title><script src="/app.js"></script><script>window.__STATE__={}</script></head>
            <body><noscript>You need to enable JavaScript to run this app.</noscript><div id="root"></div></body></html>"#;
        assert_eq!(parse_page(&page(shell)).unwrap_err().reason, "js_only");
        // An empty page without scripts is simply not an article.
        assert_eq!(
            parse_page(&page("<html><body><p>Hi</p></body></html>"))
                .unwrap_err()
                .reason,
            "no_article"
        );
    }

    #[test]
    fn binary_is_rejected() {
        let mut raw = page("");
        raw.bytes = vec![0x89, b'P', b'N', b'G', 0, 0, 0, 13, 1, 2, 3];
        assert_eq!(parse(&raw, None).unwrap_err().reason, "binary");
    }
}
