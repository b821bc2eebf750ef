//! Parse stage: page bytes in, a [`Document`] of raw fields out.
//!
//! Generic for any CMS: machine-readable declarations (JSON-LD, OpenGraph, meta tags)
//! first, the visible page second. The heavy lifting lives in the submodules; this
//! file decides which source wins for each field.

pub mod appeals;
pub mod authors;
pub mod charset;
pub mod content;
pub mod dates;
pub mod declared_body;
pub mod depth;
pub mod dom;
pub mod hints;
pub mod images;
pub mod labels;
pub mod legacy_vi;
pub mod meta;
pub mod prune;
pub mod rules;
pub mod slug;

use rustc_hash::FxHashSet as HashSet;
use std::sync::LazyLock;

use ego_tree::NodeId;
use scraper::{ElementRef, Html, Selector};
use url::Url;

use crate::record::{Document, Kind, RawPage, Reject, Stage, TextPlace};
use content::{Boilerplate, Content};
use dom::text_of;
use meta::{Meta, sel};
use rules::SiteRules;

/// Body text (in [`text_weight`] units) below which a page is not an article: a
/// sentence or two. Short stories, briefs and blog posts are articles however short.
const MIN_BODY_WEIGHT: usize = 40;
/// A page that declares itself an article (JSON-LD, og:type, a lead, a published date)
/// is one from [`MIN_BODY_WEIGHT`] on; an undeclared page with less than this is one
/// only when its body is the page's one clear block of prose ([`is_clear_block`]).
const MIN_BODY_WEIGHT_UNSIGNED: usize = 400;

static H1: LazyLock<Selector> = LazyLock::new(|| sel("h1"));
static NAMED_HEADLINE: LazyLock<Selector> = LazyLock::new(|| sel("h2, h3, h4"));

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
    let mut html = Html::parse_document(&text);
    depth::cap(&mut html.tree, depth::MAX_DEPTH);
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
    let by_rules = !by_rule.is_empty();
    let found = if !by_rules {
        content::find(&html, &nodes, &stats, &bp)
    } else {
        Some(Content { roots: by_rule })
    };
    // A page without running text may still be a photo story: its text is in the
    // captions of a series of images.
    let mut kind = Kind::Text;
    let mut content = match found {
        Some(c) => c,
        None => match gallery(&html, pick_h1(&html, &meta, None), &bp, base.as_ref()) {
            Some(g) => {
                kind = Kind::Photo;
                Content { roots: vec![g] }
            }
            None => {
                return Err(no_article(
                    "no block of running text found: this looks like a listing, an app shell or an error page",
                ));
            }
        },
    };
    let mut body = read_body(&html, &meta, rules, &stats, &bp, &mut content);
    let signed = meta.ld.found
        || meta.og_type.as_deref() == Some("article")
        || body.lead.is_some()
        || !meta.published.is_empty()
        || in_article_element(body.h1, &content);
    let sized = |b: &Body<'_>| {
        let weight: usize = b.paragraphs.iter().map(|p| text_weight(p)).sum();
        let chars = text_chars(&b.paragraphs);
        weight >= MIN_BODY_WEIGHT_UNSIGNED
            || (weight >= MIN_BODY_WEIGHT
                && b.title.as_deref().is_some_and(|t| !is_error_title(t))
                && (signed || is_clear_block(chars, &stats.get(html.tree.root().id()), &bp)))
    };
    // The block taken for the story was its standfirst ("teaser-text", "c-intro__text":
    // a short block whose name holds a body word): once the lead is out nothing is
    // left. Look again without it, for a story longer than its standfirst (a line or
    // two found instead is more likely a caption of a photo story).
    if kind == Kind::Text
        && body.paragraphs.is_empty()
        && !by_rules
        && let Some(l) = body.lead_el
        && let Some(mut again) = content::find_without(&html, &nodes, &stats, &bp, Some(l.id()))
    {
        let retry = read_body(&html, &meta, rules, &stats, &bp, &mut again);
        let lead_chars = retry.lead.as_deref().map_or(0, |l| l.chars().count());
        if sized(&retry) && text_chars(&retry.paragraphs) >= 2 * lead_chars {
            content = again;
            body = retry;
        }
    }
    // A short item whose teaser is its one paragraph: the lead is the whole story.
    if kind == Kind::Text && body.paragraphs.is_empty() && body.lead_repeated {
        body.paragraphs.extend(body.lead.clone());
    }
    // The markup holds less than half of the story the page declares (a paywall's
    // teaser, a story written by a script, a story block lost among promotions): the
    // declared text is the body, when it is this page's story (its headline matches).
    if kind == Kind::Text
        && !by_rules
        && let Some(declared) = meta.ld.body.as_deref()
        && let Some(headline) = meta.ld.headline.as_deref()
        && let found = text_chars(&body.paragraphs)
        // The cheap bound first: most pages' declared body is no longer than the markup's.
        && declared_body::may_replace(declared, found)
        && body
            .title
            .as_deref()
            .is_some_and(|t| overlap(t, headline) >= 0.6 && overlap(headline, t) >= 0.6)
    {
        // Parsed (HTML) only past the cheap bound above.
        let mut declared = declared_body::paragraphs(declared);
        if declared_body::replaces(&declared, found) {
            if declared.first() == body.lead.as_ref() {
                declared.remove(0);
            }
            body.paragraphs = declared;
        }
    }
    if kind == Kind::Text && !sized(&body) {
        // Too little prose for a text story: a gallery of captioned images around the
        // headline makes it a photo story, whose text is its captions.
        if let Some(g) = gallery(&html, body.h1, &bp, base.as_ref()) {
            kind = Kind::Photo;
            content = Content { roots: vec![g] };
            body = read_body(&html, &meta, rules, &stats, &bp, &mut content);
        }
    }
    if kind == Kind::Text && !sized(&body) {
        let body_chars = text_chars(&body.paragraphs);
        return Err(no_article(&format!(
            "only {body_chars} characters of article text found (a listing page, a JS-only page or a stub); nothing to export"
        )));
    }
    let Body {
        h1,
        title,
        lead,
        paragraphs,
        byline,
        ..
    } = body;
    // Clear prose without a declared headline: the URL's or file's slug names it.
    let title = title.or_else(|| {
        [
            canonical_url.as_deref(),
            raw.url.as_deref(),
            Some(raw.source.as_str()),
        ]
        .into_iter()
        .flatten()
        .find_map(slug::title_from_slug)
    });
    let Some(title) = title else {
        return Err(Reject::new(
            &raw.source,
            Stage::Parse,
            "no_title",
            "the page has article text but no headline (no h1, og:title or <title>) and its address names none",
        ));
    };

    let scope = article_scope(h1, &content);
    let caption_rule = rules.and_then(|r| r.captions.as_ref());
    let images = images::extract(&html, scope, &bp, base.as_ref(), caption_rule);
    // A picture's caption that the body took in as a line of its own (a centred line
    // under the image, in markup that says nothing of captions) leaves the body: the
    // line repeats the image's alternative text, and captions stay out of the body.
    let mut paragraphs = paragraphs;
    if images.iter().any(|i| i.alt.is_some()) {
        paragraphs.retain(|p| {
            !images
                .iter()
                .any(|i| i.alt.as_deref().is_some_and(|a| repeats_alt(p, a)))
        });
    }
    if kind == Kind::Text {
        kind = kind_of(&meta, raw.url.as_deref(), &paragraphs, &images);
    }
    if kind == Kind::Photo && images.iter().all(|i| i.caption.is_none()) && paragraphs.is_empty() {
        return Err(no_article(
            "a gallery without captions or text: nothing to export but pictures",
        ));
    }
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
        // Judged on the article's own words: a page's first kilobytes may be all markup.
        zone: dates::page_zone(&meta, &article_sample(&title, &paragraphs)),
        order: dates::day_order(&meta),
        fetched_at: raw.fetched_at,
        source: &decoded.text,
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
        .or_else(|| category(&html, &meta, &title, scope, h1, &bp));
    let site = canonical_url
        .as_deref()
        .or(raw.url.as_deref())
        .and_then(crate::normalise::url::site);
    let mut authors: Vec<String> = rules
        .and_then(|r| r.authors.as_ref())
        .map(|s| {
            html.select(s)
                .flat_map(|e| authors::split_names(&text_of(e)))
                .collect()
        })
        .unwrap_or_default();
    if authors.is_empty() {
        authors = authors::find(&html, &meta, &bp, scope, &content, h1, site.as_deref());
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
        kind,
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

/// The headline and the first paragraphs, for judging the article's language.
fn article_sample(title: &str, paragraphs: &[String]) -> String {
    let mut s = title.to_string();
    for p in paragraphs {
        if s.len() > 4000 {
            break;
        }
        s.push(' ');
        s.push_str(p);
    }
    s
}

/// Characters in a body's paragraphs.
fn text_chars(paragraphs: &[String]) -> usize {
    paragraphs.iter().map(|p| p.chars().count()).sum()
}

/// What [`read_body`] finds in the body containers.
struct Body<'a> {
    h1: Option<ElementRef<'a>>,
    lead_el: Option<ElementRef<'a>>,
    /// The body's first block repeated the lead and was dropped.
    lead_repeated: bool,
    title: Option<String>,
    lead: Option<String>,
    paragraphs: Vec<String>,
    /// Names from a byline closing the body ("Theo X"), for when the page has no other.
    byline: Vec<String>,
}

/// Headline, lead and body paragraphs of the chosen containers. A sapo next to the
/// body that was taken for more of the body is taken out of `content`.
fn read_body<'a>(
    html: &'a Html,
    meta: &Meta,
    rules: Option<&SiteRules>,
    stats: &content::Stats,
    bp: &Boilerplate,
    content: &mut Content<'a>,
) -> Body<'a> {
    let h1 = pick_h1(html, meta, Some(content));
    let title = rules
        .and_then(|r| rules::first(html, &r.title))
        .map(text_of)
        .filter(|t| !t.is_empty())
        .or_else(|| h1.map(text_of).filter(|t| !t.is_empty()))
        .or_else(|| meta_title(meta));
    let lead_el = rules
        .and_then(|r| rules::first(html, &r.lead))
        .or_else(|| find_lead(html, bp, h1, content))
        .or_else(|| lead_by_description(html, meta, bp, h1, content))
        .or_else(|| lead_by_source_tag(html, bp, h1));
    let lead = lead_el.map(lead_text).filter(|t| !t.is_empty());
    // The headline is the title, not body text; an `h1` further down is a section
    // heading (HTML5 sections each open with one) and stays in the body.
    let mut skip: HashSet<NodeId> = h1.iter().map(|h| h.id()).collect();
    // A lead inside the body's own container may be the story's first paragraph, set
    // in larger type: then it stays in the body too (see `inside_the_body`).
    let maybe_in_flow = lead_el.is_some_and(|l| inside_the_body(l, content));
    if let Some(l) = lead_el.filter(|_| !maybe_in_flow) {
        if content.roots.len() > 1 {
            content.roots.retain(|r| r.id() != l.id());
        }
        skip.insert(l.id());
    }
    let mut paras = content::paragraphs(content, stats, bp, &skip);
    // Only where it does open the body: a block further down that was taken for the
    // lead (a next-story teaser named "row-desc") is left out after all.
    let lead_in_flow = maybe_in_flow
        && lead
            .as_deref()
            .is_some_and(|l| paras.first().is_some_and(|p| p.text.starts_with(l)));
    if let Some(l) = lead_el.filter(|_| maybe_in_flow && !lead_in_flow) {
        skip.insert(l.id());
        paras = content::paragraphs(content, stats, bp, &skip);
    }
    let mut byline = split_signature(&mut paras);
    let mut paragraphs: Vec<String> = paras.into_iter().map(|p| p.text).collect();
    // The lead or headline repeated as the first block is not body text.
    let mut lead_repeated = false;
    while paragraphs
        .first()
        .is_some_and(|p| (!lead_in_flow && Some(p) == lead.as_ref()) || Some(p) == title.as_ref())
    {
        lead_repeated |= Some(&paragraphs[0]) == lead.as_ref();
        paragraphs.remove(0);
    }
    paragraphs.retain(|p| !labels::is_widget_label(p) && !images::is_credit_line(p));
    drop_dateline_edges(&mut paragraphs);
    // Appeals first: a byline closing the story may stand above them.
    appeals::drop_trailing(&mut paragraphs);
    byline.splice(0..0, authors::split_trailing_byline(&mut paragraphs));
    if byline.is_empty() {
        byline = signature_after(content);
    }
    Body {
        h1,
        lead_el,
        lead_repeated,
        title,
        lead,
        paragraphs,
        byline,
    }
}

/// A lead printed inside the body's own container as a paragraph
/// ("<p class="story-body__introduction">", "<div class="content lead"><p>") is the
/// story's opening paragraph in larger type: readers read it as the first paragraph,
/// so it stays in `body` as well as filling `lead`. A sapo set apart from the body (a
/// heading, a `<div class="sapo">` of bare text, a block beside the body's container)
/// is not body text, even when the container taken for the body is wide enough to
/// hold it.
fn inside_the_body(lead: ElementRef<'_>, content: &Content<'_>) -> bool {
    let mut children = lead.children().filter_map(ElementRef::wrap).peekable();
    let a_paragraph = lead.value().name() == "p"
        || (children.peek().is_some() && children.all(|c| c.value().name() == "p"));
    a_paragraph
        && content
            .roots
            .iter()
            .any(|r| r.id() != lead.id() && lead.ancestors().any(|a| a.id() == r.id()))
}

/// The lead's text without a "read also" link on a line of its own at its end
/// ("... gây ô nhiễm.<br><a>>> Xả rác - sự hồn nhiên độc ác</a>"): another story's
/// headline, not the lead.
fn lead_text(el: ElementRef<'_>) -> String {
    let children: Vec<_> = el.children().collect();
    let blank = |n: &ego_tree::NodeRef<'_, scraper::Node>| match n.value() {
        scraper::Node::Text(t) => t.trim().is_empty(),
        scraper::Node::Element(_) => false,
        _ => true,
    };
    let is = |n: &ego_tree::NodeRef<'_, scraper::Node>, tag: &str| matches!(n.value(), scraper::Node::Element(e) if e.name() == tag);
    let cut = children.iter().rposition(|n| is(n, "br")).filter(|&b| {
        let tail = &children[b + 1..];
        tail.iter().any(|n| is(n, "a")) && tail.iter().all(|n| is(n, "a") || blank(n))
    });
    let Some(cut) = cut.filter(|&c| c > 0) else {
        return text_of(el);
    };
    let mut out = String::new();
    for n in &children[..cut] {
        match n.value() {
            scraper::Node::Text(t) => out.push_str(t),
            scraper::Node::Element(_) => {
                if let Some(e) = ElementRef::wrap(*n) {
                    let block = dom::is_block_tag(e.value().name());
                    if block {
                        out.push(' ');
                    }
                    out.push_str(&text_of(e));
                    if block {
                        out.push(' ');
                    }
                }
            }
            _ => {}
        }
    }
    dom::collapse(&out)
}

/// The signature printed just after the story's container rather than inside it: a
/// right-aligned name (`<div style="text-align:right"><b>K. Miên</b>`) among the two
/// blocks that follow the body. (A "Theo X" line there names an outlet as often as a
/// writer, so it is left alone.)
fn signature_after(content: &Content<'_>) -> Vec<String> {
    let Some(last) = content.roots.last() else {
        return Vec::new();
    };
    last.next_siblings()
        .filter_map(ElementRef::wrap)
        .filter(|e| !matches!(e.value().name(), "script" | "style" | "noscript"))
        .filter(|e| !text_of(*e).is_empty())
        .take(2)
        .find_map(|e| {
            content::aligns_right(e)
                .then(|| authors::signature_names(&text_of(e)))
                .flatten()
        })
        .unwrap_or_default()
}

/// How many closing paragraphs may hold the signature: after it come at most a photo
/// credit and a "read more" or share line.
const SIGNATURE_WINDOW: usize = 3;

/// Takes the signature off the end of the body and returns its names: the author's
/// name aligned right under the story, as many Vietnamese portals print it
/// (`<p align=right><strong>Papai</strong></p>`). What follows it (a photo credit, a
/// "share your story" line, "Theo dòng sự kiện:") is page furniture and goes with it.
fn split_signature(paras: &mut Vec<content::Para>) -> Vec<String> {
    let from = paras.len().saturating_sub(SIGNATURE_WINDOW);
    let Some((at, mut names)) = (from..paras.len()).find_map(|i| {
        paras[i]
            .right_aligned
            .then(|| authors::signature_names(&paras[i].text))
            .flatten()
            .map(|names| (i, names))
    }) else {
        return Vec::new();
    };
    // The signature's own names, then any source credited under it ("Theo Infonet").
    names.extend(
        paras[at + 1..]
            .iter()
            .filter_map(|p| authors::credit_names(&p.text))
            .flatten(),
    );
    paras.truncate(at);
    names
}

/// True when an HTML5 `<article>` (or an element declaring itself the article in
/// microdata) holds both the headline and the body: the page says it is one story.
/// Teasers on a listing are `<article>`s too, but the listing's headline is outside them.
fn in_article_element(h1: Option<ElementRef<'_>>, content: &Content<'_>) -> bool {
    let (Some(h1), Some(first)) = (h1, content.roots.first()) else {
        return false;
    };
    h1.ancestors().filter_map(ElementRef::wrap).any(|a| {
        (a.value().name() == "article" || content::declares_article(a))
            && first.ancestors().any(|b| b.id() == a.id())
    })
}

/// Captioned images that make a page a photo story: at least this many.
const GALLERY_MIN_IMAGES: usize = 3;

/// The container of a photo story's gallery: the nearest element around the headline
/// (or the page's `article`/`main`) holding at least [`GALLERY_MIN_IMAGES`] in-article
/// images with captions, whose captions together read like a story.
fn gallery<'a>(
    html: &'a Html,
    h1: Option<ElementRef<'a>>,
    bp: &Boilerplate,
    base: Option<&Url>,
) -> Option<ElementRef<'a>> {
    static MAIN: LazyLock<Selector> = LazyLock::new(|| sel("article, main, [role=main]"));
    let start = h1
        .and_then(dom::parent)
        .or_else(|| html.select(&MAIN).find(|e| !bp.contains(e.id())))?;
    let mut cur = Some(start);
    for _ in 0..6 {
        let el = cur?;
        if matches!(el.value().name(), "html") || bp.contains(el.id()) {
            return None;
        }
        let images = images::extract(html, el, bp, base, None);
        let captions: Vec<&str> = images.iter().filter_map(|i| i.caption.as_deref()).collect();
        let weight: usize = captions.iter().map(|c| text_weight(c)).sum();
        if captions.len() >= GALLERY_MIN_IMAGES && weight >= MIN_BODY_WEIGHT * 2 {
            return Some(el);
        }
        if el.value().name() == "body" {
            return None;
        }
        cur = dom::parent(el);
    }
    None
}

/// What kind of story a page with a body is: declared (JSON-LD type, `og:type`, a
/// `/video/` or `/photo/` section in the URL), else a photo story when its captions
/// say more than its prose.
fn kind_of(
    meta: &Meta,
    url: Option<&str>,
    paragraphs: &[String],
    images: &[crate::record::Image],
) -> Kind {
    let types = &meta.ld.types;
    if types.iter().any(|t| t == "liveblogposting") {
        return Kind::Live;
    }
    let body: usize = paragraphs.iter().map(|p| text_weight(p)).sum();
    let captions: Vec<&str> = images.iter().filter_map(|i| i.caption.as_deref()).collect();
    let caption_weight: usize = captions.iter().map(|c| text_weight(c)).sum();
    // The URL's sections, never the story's slug (the last segment).
    let sections: Vec<String> = url
        .and_then(|u| Url::parse(u).ok())
        .and_then(|u| {
            let segs: Vec<String> = u.path_segments()?.map(str::to_ascii_lowercase).collect();
            Some(segs[..segs.len().saturating_sub(1)].to_vec())
        })
        .unwrap_or_default();
    let section = |names: &[&str]| sections.iter().any(|s| names.contains(&s.as_str()));
    let declared_video = meta
        .og_type
        .as_deref()
        .is_some_and(|t| t.starts_with("video"))
        || (!meta.ld.found && types.iter().any(|t| t == "videoobject"))
        || section(&["video", "videos", "clip", "tv"]);
    // A video page carries little prose of its own; a story with a player is a story.
    if declared_video && body < MIN_BODY_WEIGHT_UNSIGNED * 2 {
        return Kind::Video;
    }
    let gallery = captions.len() >= GALLERY_MIN_IMAGES;
    let declared_photo = types.iter().any(|t| t == "imagegallery")
        || section(&[
            "photo",
            "photos",
            "gallery",
            "galleries",
            "anh",
            "photostory",
            "emagazine",
        ]);
    if gallery && (caption_weight >= body || declared_photo) {
        return Kind::Photo;
    }
    Kind::Text
}

/// Length of text in Latin-letter equivalents. A Chinese or Japanese character, or a
/// Korean syllable, carries about what three Latin letters do, so a bar counted in plain
/// characters would hold a CJK story to a bar three times higher (and one counted in
/// space-separated words would never let it pass).
pub fn text_weight(s: &str) -> usize {
    s.chars()
        .map(|c| match c as u32 {
            0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF => 3,
            _ => 1,
        })
        .sum()
}

/// A short body is the article when it is most of the page's prose on a page that is
/// not a list of links: a one-story page, not a listing or a menu with a blurb.
fn is_clear_block(body_chars: usize, page: &content::NodeStats, bp: &Boilerplate) -> bool {
    page.link_chars * 2 < page.chars && body_chars * 2 >= bp.unmarked_prose()
}

/// Headlines of error pages ("404 Not Found", "Page not found", "Không tìm thấy trang"):
/// whatever text they carry, they are not articles.
fn is_error_title(title: &str) -> bool {
    let t = title.to_lowercase();
    let words: Vec<&str> = t.split(|c: char| !c.is_alphanumeric()).collect();
    // A status code alone names an error page; in a longer headline it may be anything.
    (words.iter().filter(|w| !w.is_empty()).count() <= 5
        && words
            .iter()
            .any(|w| matches!(*w, "404" | "403" | "410" | "500")))
        || [
            "not found",
            "page not found",
            "access denied",
            "forbidden",
            "không tìm thấy",
            "trang không tồn tại",
            "seite nicht gefunden",
            "page introuvable",
        ]
        .iter()
        .any(|p| t.contains(p))
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

/// True when body line `line` is the image's alternative text `alt` shown again, as
/// its caption: the same words, three or more of them.
fn repeats_alt(line: &str, alt: &str) -> bool {
    let alt = alt.trim();
    alt.split_whitespace().nth(2).is_some() && line.trim() == alt
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
/// Lower headings marked as the headline: in microdata, or named as the title
/// ("<H3 class=Title>", "article-title").
fn named_headlines(doc: &Html) -> Vec<ElementRef<'_>> {
    doc.select(&NAMED_HEADLINE)
        .filter(|h| {
            let e = h.value();
            e.attr("itemprop") == Some("headline")
                || e.classes().chain(e.id()).any(|c| {
                    let c = c.to_ascii_lowercase();
                    c == "title" || c.ends_with("-title") || (c.ends_with("title") && c.len() <= 12)
                })
        })
        .filter(|h| (10..=250).contains(&text_of(*h).chars().count()))
        .collect()
}

fn pick_h1<'a>(
    doc: &'a Html,
    meta: &Meta,
    content: Option<&Content<'a>>,
) -> Option<ElementRef<'a>> {
    let declared: Vec<&str> = [
        meta.ld.headline.as_deref(),
        meta.og_title.as_deref(),
        meta.title_tag.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect();
    // An `h1` named as the logo or brand holds the site's name, not a headline.
    let logo = |h: &ElementRef<'_>| {
        let e = h.value();
        e.classes().chain(e.id()).any(|c| {
            let c = c.to_ascii_lowercase();
            c.contains("logo") || c.contains("brand")
        })
    };
    let mut h1s: Vec<ElementRef<'a>> = doc
        .select(&H1)
        .filter(|h| text_of(*h).chars().count() >= 4)
        .collect();
    // The site's own name set as an `h1` (a masthead) matches the name the title tag
    // ends with; it is never the headline while another `h1` is left.
    let site_names: Vec<String> = [meta.og_site_name.as_deref(), meta.ld.publisher.as_deref()]
        .into_iter()
        .flatten()
        .map(str::to_string)
        .chain(declared.iter().filter_map(|d| title_end(d)))
        .map(|n| title_words(&n).join(" "))
        .filter(|n| !n.is_empty())
        .collect();
    let masthead =
        |h: &ElementRef<'_>| logo(h) || site_names.contains(&title_words(&text_of(*h)).join(" "));
    if h1s.iter().any(|h| !masthead(h)) {
        h1s.retain(|h| !masthead(h));
    }
    // Older portals have no `h1` but the logo: their headline is a lower heading named
    // as the title ("<H3 class=Title>") or marked as the headline in microdata.
    // Read at most once: asked when every `h1` is a logo, and when none is the title.
    let named = std::cell::OnceCell::new();
    let named = || named.get_or_init(|| named_headlines(doc));
    if h1s.iter().all(logo) && !named().is_empty() {
        h1s = named().clone();
    }
    let best = |hs: &[ElementRef<'a>]| {
        hs.iter()
            .map(|h| {
                let t = text_of(*h);
                let score = declared.iter().map(|d| overlap(&t, d)).fold(0.0, f64::max);
                (score, *h)
            })
            .filter(|(s, _)| *s >= 0.6)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, h)| h)
    };
    if let Some(h) = best(&h1s) {
        return Some(h);
    }
    // No `h1` is the declared title (the page's `h1`s title its footer's boxes): a
    // lower heading marked as the headline that is, is the headline.
    if !declared.is_empty()
        && let Some(h) = best(named())
    {
        return Some(h);
    }
    let Some(body_start) = content.and_then(|c| c.roots.first()).map(|r| r.id()) else {
        return h1s.first().copied();
    };
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

/// The short last part of a title after a separator ("Storm hits the coast - Gazette",
/// "风暴袭击海岸_某某日报"): where CMSs put the site's name.
fn title_end(title: &str) -> Option<String> {
    let t = title.trim();
    let mut last = None;
    for (i, c) in t.char_indices() {
        let end = i + c.len_utf8();
        let spaced = t[..i].ends_with(' ') && t[end..].starts_with(' ');
        // A dash between words only when spaced: "Covid-19" is one word.
        if matches!(c, '|' | '_' | '»' | '·') || (matches!(c, '-' | '–' | '—') && spaced) {
            last = Some((i, end));
        }
    }
    let (start, end) = last?;
    let (head, tail) = (t[..start].trim(), t[end..].trim());
    (!head.is_empty() && !tail.is_empty() && tail.chars().count() * 2 < head.chars().count())
        .then(|| tail.to_string())
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
            && !holds_paragraphs(el)
            && is_one_passage(el)
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

/// How many blocks after the headline may stand before an unmarked lead (a date line,
/// share buttons).
const LEAD_MAX_BLOCKS_AFTER_H1: usize = 4;

/// The standfirst written as the page's declared description: a block right after the
/// headline whose text the description repeats ("<h3>(NLĐO) - Cho rằng ...</h3>",
/// "<div class="baiviet-head-noidung">", an unnamed `<p>` under a NYT headline). Many
/// portals mark their sapo with no class a rule could know, but their CMS copies it
/// into `<meta name="description">`. Outside the body such a block is the lead; inside
/// it, only a Vietnamese sapo set apart as a heading or in bold is (see below): a
/// description that repeats the body's first paragraph does not make it a lead.
fn lead_by_description<'a>(
    doc: &'a Html,
    meta: &Meta,
    bp: &Boilerplate,
    h1: Option<ElementRef<'a>>,
    content: &Content<'a>,
) -> Option<ElementRef<'a>> {
    let h1 = h1?;
    // Every description the page declares: a site may put its own blurb in
    // `description` and the story's standfirst in `og:description`.
    let vietnamese = meta
        .descriptions
        .iter()
        .any(|d| crate::normalise::language::looks_vietnamese(d));
    let described: Vec<Vec<String>> = meta.descriptions.iter().map(|d| title_words(d)).collect();
    let wants: Vec<HashSet<(&str, &str, &str)>> = described
        .iter()
        .map(|w| shingles3(w))
        .filter(|w| w.len() >= 6)
        .collect();
    if wants.is_empty() {
        return None;
    }
    let in_body = |el: ElementRef<'_>| {
        content
            .roots
            .iter()
            .any(|r| el.ancestors().any(|a| a.id() == r.id()))
    };
    let mut blocks = 0;
    for el in elements_after_headline(doc, bp, h1) {
        let name = el.value().name();
        if !matches!(
            name,
            "p" | "div" | "h2" | "h3" | "h4" | "span" | "strong" | "b"
        ) {
            continue;
        }
        // A block holding other blocks is a wrapper, not the lead itself (asked first:
        // the text of a wrapper can be the whole page).
        if el.children().filter_map(ElementRef::wrap).any(|c| {
            matches!(
                c.value().name(),
                "p" | "div" | "h2" | "h3" | "h4" | "table" | "ul"
            )
        }) {
            continue;
        }
        let text = text_of(el);
        if text.chars().count() < 30 {
            continue;
        }
        blocks += 1;
        if !is_one_passage(el) {
            continue;
        }
        if blocks > LEAD_MAX_BLOCKS_AFTER_H1 {
            return None;
        }
        // In the body, only a heading or bold block is taken out of it as the lead, and
        // only as a Vietnamese sapo: opening with the portal's source tag ("<h3>(NLĐO)
        // -") or on a Vietnamese page, where the sapo set apart under the headline is a
        // convention (elsewhere a bold first paragraph is as often the story's start).
        // An agency's dateline paragraph ("(ANSA) - ROMA") stays in the body.
        let set_apart = matches!(name, "h2" | "h3" | "h4" | "strong" | "b");
        if in_body(el) && !(set_apart && (vietnamese || opens_with_source_tag(&text))) {
            continue;
        }
        // The description repeats the block, maybe cut short or with words of its own
        // in front (the URL slug): most three-word runs of one are in the other.
        let words = title_words(&text);
        let got = shingles3(&words);
        let repeats = |want: &HashSet<(&str, &str, &str)>| {
            let shared = got.intersection(want).count();
            let share = shared as f64 / got.len().min(want.len()).max(1) as f64;
            shared >= 4 && share >= 0.75
        };
        if wants.iter().any(repeats) {
            return Some(el);
        }
    }
    None
}

/// The elements after the headline in page order, leaving out boilerplate and the
/// headline's own wrappers: where an unmarked sapo is looked for.
fn elements_after_headline<'a: 'b, 'b>(
    doc: &'a Html,
    bp: &'b Boilerplate,
    h1: ElementRef<'a>,
) -> impl Iterator<Item = ElementRef<'a>> + 'b {
    doc.tree
        .root()
        .descendants()
        .skip_while(move |n| n.id() != h1.id())
        .skip(1)
        .filter(move |n| !bp.contains(n.id()) && !h1.ancestors().any(|a| a.id() == n.id()))
        .filter_map(ElementRef::wrap)
}

/// A Vietnamese sapo with no class and no description to recognise it by: the first
/// block of text under the headline, wholly in bold, opening with the portal's source
/// tag ("<p><strong>TT - Trao đổi với ...</strong></p>", "(Dân trí) - ..."). The tag
/// is the sapo's mark on these portals; the story's own paragraphs do not carry it.
fn lead_by_source_tag<'a>(
    doc: &'a Html,
    bp: &Boilerplate,
    h1: Option<ElementRef<'a>>,
) -> Option<ElementRef<'a>> {
    for el in elements_after_headline(doc, bp, h1?) {
        if !matches!(el.value().name(), "p" | "div" | "h2" | "h3")
            || el
                .children()
                .filter_map(ElementRef::wrap)
                .any(|c| dom::is_block_tag(c.value().name()))
        {
            continue;
        }
        let text = text_of(el);
        let len = text.chars().count();
        if len < 30 {
            continue;
        }
        // Only the first block of text decides.
        let bold = matches!(el.value().name(), "h2" | "h3") || {
            let bold_chars: usize = el
                .descendants()
                .filter(|d| {
                    d.ancestors()
                        .filter_map(ElementRef::wrap)
                        .take_while(|a| a.id() != el.id())
                        .any(|a| matches!(a.value().name(), "strong" | "b"))
                })
                .filter_map(|d| d.value().as_text().map(|t| t.trim().chars().count()))
                .sum();
            bold_chars * 10 >= len * 9
        };
        let tagged = opens_with_source_tag(&text) || opens_with_bare_source_tag(&text);
        return (bold
            && tagged
            && len <= 1000
            && is_one_passage(el)
            && crate::normalise::language::looks_vietnamese(&text))
        .then_some(el);
    }
    None
}

/// "TT - ", "TTO - ", "VOV.VN - ", "NDĐT–": a short upper-case source tag and a dash,
/// the unbracketed form of [`opens_with_source_tag`].
fn opens_with_bare_source_tag(text: &str) -> bool {
    let t = text.trim_start();
    let Some(dash) = t.find(['-', '–']) else {
        return false;
    };
    let tag = t[..dash].trim_end();
    let n = tag.chars().count();
    (2..=10).contains(&n)
        && tag
            .chars()
            .all(|c| c.is_uppercase() || c.is_ascii_digit() || c == '.')
        && tag.chars().filter(|c| c.is_uppercase()).count() >= 2
}

/// Runs of three words, for comparing a block with the declared description.
fn shingles3(words: &[String]) -> HashSet<(&str, &str, &str)> {
    words
        .windows(3)
        .map(|w| (w[0].as_str(), w[1].as_str(), w[2].as_str()))
        .collect()
}

/// "(NLĐO) - Cho rằng...", "(TNO) TAND...", "(Dân trí) -": a short tag in brackets
/// naming the source opens the sapo on Vietnamese portals.
fn opens_with_source_tag(text: &str) -> bool {
    let t = text.trim_start();
    t.starts_with('(')
        && t.find(')')
            .is_some_and(|close| (2..=24).contains(&t[..close].chars().count()))
}

/// A lead is one block of text; an element named like one ("editorial-teaser") that
/// holds several paragraphs of prose is the story itself, or a list of teasers.
fn holds_paragraphs(el: ElementRef<'_>) -> bool {
    el.descendants()
        .filter_map(ElementRef::wrap)
        .filter(|e| e.value().name() == "p" && text_of(*e).chars().count() >= 80)
        .nth(1)
        .is_some()
}

/// A lead reads as one passage: not a row of teasers or a column of page parts (a
/// carousel of headlines, "Published ... GMT" over a photo and its caption), which
/// show as several blocks of text or as mostly links.
fn is_one_passage(el: ElementRef<'_>) -> bool {
    let mut blocks = 0;
    let (mut chars, mut link_chars) = (0, 0);
    for d in el.descendants() {
        let scraper::Node::Text(t) = d.value() else {
            continue;
        };
        let n = t.trim().chars().count();
        if n == 0 {
            continue;
        }
        chars += n;
        let mut in_link = false;
        let mut holder = None;
        for a in d.ancestors().filter_map(ElementRef::wrap) {
            let name = a.value().name();
            in_link |= name == "a";
            if holder.is_none() && (dom::is_block_tag(name) || matches!(name, "li" | "h4" | "h5")) {
                holder = Some(a.id());
            }
            if a.id() == el.id() {
                break;
            }
        }
        if in_link {
            link_chars += n;
        }
        if n >= 10 && holder.is_some_and(|h| h != el.id()) {
            blocks += 1;
        }
    }
    blocks < 3 && link_chars * 2 <= chars
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
    h1: Option<ElementRef<'_>>,
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
    // A crumb that is the site's own domain ("genk.vn") names no section either.
    let domain = |s: &str| s.contains('.') && !s.contains(' ');
    // Headings of boxes of other stories ("Liên quan", "Xem thêm") name no section,
    // though such a box is often classed as a section of the page.
    let other_stories = |s: &str| {
        matches!(
            s.to_lowercase().trim_end_matches(':'),
            "liên quan"
                | "tin liên quan"
                | "bài liên quan"
                | "xem thêm"
                | "đọc thêm"
                | "tin khác"
                | "tin cùng chuyên mục"
                | "cùng chuyên mục"
                | "related"
                | "related articles"
                | "related stories"
                | "read more"
                | "more stories"
                | "see also"
                | "đọc nhiều nhất"
                | "xem nhiều nhất"
                | "đọc nhiều"
                | "xem nhiều"
                | "tin mới nhất"
                | "tin nổi bật"
                | "most read"
                | "most popular"
        )
    };
    let usable = |s: &str| {
        !home(s)
            && !domain(s)
            && !other_stories(s)
            && s != title
            && s.chars().count() <= 60
            && overlap(title, s) < 0.8
    };
    // One walk finds both kinds of trail. Older microdata marks each crumb on its own
    // (data-vocabulary.org/Breadcrumb), the last one being the section, and wins; else
    // the first trail marked as a whole (or a trail of links from the home page) gives
    // its deepest usable item.
    let mut vocab: Vec<String> = Vec::new();
    let mut marked: Option<String> = None;
    for node in doc.tree.root().descendants() {
        let Some(el) = ElementRef::wrap(node) else {
            continue;
        };
        let h = bp.hints(el);
        // One pass over the attributes: `attr` would intern each name it looks up.
        let (mut is_crumb, mut is_vocab) =
            (h.contains("breadcrumb") || h.contains("bread-crumb"), false);
        for (name, value) in el.value().attrs() {
            match name {
                "itemtype" => {
                    is_crumb |= value.contains("BreadcrumbList");
                    is_vocab |= value.contains("data-vocabulary.org/Breadcrumb");
                }
                "itemprop" => is_crumb |= value == "breadcrumb",
                "aria-label" => is_crumb |= value.to_ascii_lowercase().contains("breadcrumb"),
                _ => {}
            }
        }
        if is_vocab
            && let Some(t) = el
                .descendants()
                .filter_map(ElementRef::wrap)
                .find(|d| d.value().attr("itemprop") == Some("title"))
        {
            vocab.push(text_of(t));
        }
        if marked.is_some() || !(is_crumb || is_link_trail(el, &home)) {
            continue;
        }
        marked = el
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
            .last();
    }
    if let Some(last) = vocab.into_iter().rev().find(|s| usable(s)) {
        return Some(last);
    }
    if marked.is_some() {
        return marked;
    }
    if let Some(last) = meta.ld.breadcrumb.iter().rev().find(|s| usable(s)) {
        return Some(last.clone());
    }
    // "News", "Article": a CMS default that names no section.
    let generic = |s: &str| {
        matches!(
            s.to_lowercase().as_str(),
            "news" | "tin tức" | "article" | "articles" | "general" | "uncategorized" | "default"
        )
    };
    if let Some(s) = meta
        .section
        .clone()
        .or_else(|| meta.ld.section.clone())
        .filter(|s| usable(s) && !generic(s))
    {
        return Some(s);
    }
    // A category label in the article's meta line ("Sức khoẻ 17/09/2020 - 15:19"); its
    // first label when it holds widgets too ("Chính trị - Xã hội" before "Cỡ chữ: A- A+").
    let is_label = |e: &ElementRef<'_>| {
        let h = bp.hints(*e);
        (h.contains("cate")
            || h.contains("section")
            || h.contains("chuyen-muc")
            || h.contains("chuyenmuc"))
            && !h.contains("related")
            && !h.contains("sidebar")
            && !h.contains("box-category")
    };
    let label_in = |root: ElementRef<'_>| {
        root.descendants()
            .filter_map(ElementRef::wrap)
            .filter(&is_label)
            // The first few labels: a box heading ("Liên quan") may come first.
            .take(3)
            .map(first_label)
            .find(|t| usable(t) && t.chars().count() <= 40)
    };
    // The label may also stand just before the block that holds headline and body (a
    // section bar above a printable story wrapper): the few blocks before it, and
    // before its parent.
    let before = |el: ElementRef<'_>| {
        el.prev_siblings()
            .filter_map(ElementRef::wrap)
            .take(3)
            .find_map(label_in)
    };
    label_in(scope)
        .or_else(|| before(scope))
        .or_else(|| dom::parent(scope).and_then(before))
        .or_else(|| h1.and_then(kicker).filter(|t| usable(t) && !generic(t)))
        .or_else(|| section_in_title_tag(doc, meta).filter(|t| usable(t) && !generic(t)))
        .or_else(|| active_menu_item(doc, bp).filter(|t| usable(t) && !generic(t)))
}

/// How much text may stand between a section link and the headline under it.
const KICKER_MAX_GAP: usize = 80;

/// The section link printed just above the headline (a "kicker": `<h2><a
/// href="/anh.html">Ảnh</a></h2>` then `<h3 class=Title>`): the nearest link before the
/// headline, alone in its block, with little text between them.
fn kicker(h1: ElementRef<'_>) -> Option<String> {
    let mut gap = 0;
    // Back through the page from the headline: each node's earlier siblings, deepest
    // last first, then its parent's.
    let mut node = *h1;
    loop {
        let prev = match node.prev_sibling() {
            Some(p) => p,
            None => {
                node = node.parent()?;
                continue;
            }
        };
        node = prev;
        let Some(el) = ElementRef::wrap(prev) else {
            if let scraper::Node::Text(t) = prev.value() {
                gap += t.trim().chars().count();
            }
            if gap > KICKER_MAX_GAP {
                return None;
            }
            continue;
        };
        if matches!(el.value().name(), "script" | "style" | "noscript") {
            continue;
        }
        let links: Vec<ElementRef<'_>> = el
            .descendants()
            .filter_map(ElementRef::wrap)
            .filter(|a| a.value().name() == "a" && !text_of(*a).is_empty())
            .collect();
        if let Some(a) = links.last() {
            let name = text_of(*a);
            // Alone in its block: the nearest block around the link says nothing else.
            let block = a
                .ancestors()
                .filter_map(ElementRef::wrap)
                .take_while(|b| b.id() != el.id())
                .chain(std::iter::once(el))
                .find(|b| {
                    let n = b.value().name();
                    dom::is_block_tag(n) || matches!(n, "h2" | "h3" | "h4" | "h5" | "li" | "td")
                })
                .unwrap_or(el);
            // ... and not an item of a menu: no other named link beside its block.
            let text_links = |e: ElementRef<'_>| {
                e.descendants()
                    .filter_map(ElementRef::wrap)
                    .filter(|x| x.value().name() == "a" && !text_of(*x).is_empty())
                    .count()
            };
            let in_menu = block.value().name() == "li"
                || dom::parent(block).is_some_and(|p| text_links(p) > 1);
            // Set apart as a heading, or named as one ("ArticleHeader", "kicker").
            let named = |e: ElementRef<'_>| {
                e.value().classes().chain(e.value().id()).any(|c| {
                    let c = c.to_ascii_lowercase();
                    [
                        "title", "header", "head", "cat", "section", "kicker", "label", "topic",
                    ]
                    .iter()
                    .any(|w| c.contains(w))
                })
            };
            let heading = matches!(block.value().name(), "h2" | "h3" | "h4" | "h5")
                || named(*a)
                || named(block);
            let alone = !in_menu
                && heading
                && text_of(block)
                    .chars()
                    .filter(|c| c.is_alphanumeric())
                    .eq(name.chars().filter(|c| c.is_alphanumeric()));
            let href = a.value().attr("href").unwrap_or("");
            let to_page =
                !href.is_empty() && !href.starts_with('#') && !href.starts_with("javascript");
            return (alone && to_page && (2..=40).contains(&name.chars().count())).then_some(name);
        }
        gap += text_of(el).chars().count();
        if gap > KICKER_MAX_GAP {
            return None;
        }
    }
}

/// A breadcrumb trail not named as one: a block of two to five links, the first to the
/// home page by name, with a separator mark and nothing else between them ("Trang chủ
/// › Hậu trường › Hollywood"). A footer's "logo | Contact" row has no such marks.
fn is_link_trail(el: ElementRef<'_>, home: &dyn Fn(&str) -> bool) -> bool {
    const MARKS: &[char] = &['›', '»', '>', '/', '→', '·', '•', '|'];
    let mut links = 0;
    let mut marks = 0;
    // Some(true) for a separator mark, Some(false) for blank, None for other text.
    let between = |text: &str| {
        let t = text.trim();
        if t.is_empty() {
            Some(false)
        } else {
            t.chars()
                .all(|c| MARKS.contains(&c) || c.is_whitespace())
                .then_some(true)
        }
    };
    for child in el.children() {
        match child.value() {
            scraper::Node::Element(e) if e.name() == "a" => {
                let Some(a) = ElementRef::wrap(child) else {
                    return false;
                };
                let text = text_of(a);
                let first_ok = links > 0 || (!text.is_empty() && home(&text));
                if !first_ok || text.chars().count() > 40 {
                    return false;
                }
                links += 1;
            }
            scraper::Node::Element(e) if matches!(e.name(), "span" | "i" | "b") => {
                let Some(sep) = ElementRef::wrap(child) else {
                    return false;
                };
                // A separator drawn by CSS is an empty span.
                let text = text_of(sep);
                match between(&text) {
                    Some(_) => marks += 1,
                    None => return false,
                }
            }
            scraper::Node::Text(t) => match between(t) {
                Some(mark) => marks += usize::from(mark),
                None => return false,
            },
            scraper::Node::Element(_) => return false,
            _ => {}
        }
    }
    (2..=5).contains(&links) && marks + 1 >= links
}

/// The section named in the middle of the `<title>` ("Headline | Pháp luật | Người Lao
/// Động Online"), when a link on the page bears the same name: the site's menu.
fn section_in_title_tag(doc: &Html, meta: &Meta) -> Option<String> {
    let title = meta.title_tag.as_deref()?;
    let parts: Vec<&str> = title.split(" | ").map(str::trim).collect();
    let [_, middle @ .., _] = parts.as_slice() else {
        return None;
    };
    let section = *middle.last()?;
    if section.is_empty() || section.chars().count() > 40 {
        return None;
    }
    let linked = doc
        .tree
        .root()
        .descendants()
        .filter_map(ElementRef::wrap)
        .filter(|e| e.value().name() == "a")
        .any(|a| text_of(a).eq_ignore_ascii_case(section));
    linked.then(|| section.to_string())
}

/// The text of an element's first labelled child (a link, a span, a heading), else all
/// its text.
fn first_label(e: ElementRef<'_>) -> String {
    e.descendants()
        .filter_map(ElementRef::wrap)
        .filter(|c| matches!(c.value().name(), "a" | "span" | "h2" | "h3" | "strong"))
        .map(text_of)
        .find(|t| !t.is_empty())
        .unwrap_or_else(|| text_of(e))
}

/// The section a portal's menu marks as the current one (`li class="active"`,
/// "menusub_active", "current"), the deepest when a sub-menu marks one too: where many
/// portals say which section an article is in when they have no breadcrumb.
fn active_menu_item(doc: &Html, bp: &Boilerplate) -> Option<String> {
    let marked = |e: &ElementRef<'_>| {
        e.value().classes().any(|c| {
            let c = c.to_ascii_lowercase();
            matches!(
                c.as_str(),
                "active" | "current" | "selected" | "current-menu-item"
            ) || c.ends_with("_active")
                || c.ends_with("-active")
        })
    };
    let in_menu = |e: &ElementRef<'_>| {
        e.ancestors().filter_map(ElementRef::wrap).take(6).any(|a| {
            a.value().name() == "nav" || {
                let h = bp.hints(a);
                h.contains("menu") || h.contains("nav")
            }
        })
    };
    doc.root_element()
        .descendants()
        .filter_map(ElementRef::wrap)
        .filter(|e| matches!(e.value().name(), "li" | "a") && marked(e) && in_menu(e))
        // A section is a link somewhere ("Guest", a login tab, is not).
        .filter(|e| {
            e.value().name() == "a"
                || e.descendants()
                    .filter_map(ElementRef::wrap)
                    .any(|a| a.value().name() == "a")
        })
        .map(first_label)
        .filter(|t| (2..=40).contains(&t.chars().count()))
        .last()
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
            "veröffentlicht",
            "erstellt am",
            "aktualisiert",
            "publiziert",
            "publié",
            "mis à jour",
            "publicado",
            "actualizado",
            "atualizado",
            "pubblicato",
            "aggiornato",
        ]
        .iter()
        .any(|m| lower.starts_with(m));
        if !marked {
            return false;
        }
        shows_date(p)
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
    let furniture =
        |p: &str| is_dateline(p) || is_bare_date(p) || is_reading_time(p) || is_taxonomy_line(p);
    while paragraphs.len() > 1 && paragraphs.last().is_some_and(|p| furniture(p)) {
        paragraphs.pop();
    }
    while paragraphs.len() > 1
        && paragraphs
            .first()
            .is_some_and(|p| furniture(p) || is_leading_byline(p))
    {
        paragraphs.remove(0);
    }
    // A date line just under a first line the body took in (a kicker, a teaser): the
    // header's furniture, not the story ("Aktualisiert: 11.04.2020, 10:27").
    // So is a byline line there that carries the date or the reading time ("By Jane
    // Doe Feb 8, 2020 5 min read").
    let dated_byline = |p: &str| is_leading_byline(p) && (has_reading_mark(p) || shows_date(p));
    let mut i = 1;
    while i < paragraphs.len().min(HEAD_LINES) && paragraphs.len() > 1 {
        let p = &paragraphs[i];
        if is_dateline(p) || is_reading_time(p) || dated_byline(p) {
            paragraphs.remove(i);
        } else {
            i += 1;
        }
    }
}

/// True when a date can be read from line `p` (in UTC: only whether, not when).
fn shows_date(p: &str) -> bool {
    crate::normalise::dates::parse_visible(
        p,
        chrono::FixedOffset::east_opt(0).expect("zero offset"),
    )
    .is_some()
}

/// How many lines at the top of a body are looked at for a date line that is not
/// the first.
const HEAD_LINES: usize = 3;

/// A line that files the story under categories or tags ("Category: Press Releases",
/// "Kategorie: News, open3", "Tags: budget, council"): a blog template's furniture at
/// the body's edge. A few words after the label, no sentence.
fn is_taxonomy_line(p: &str) -> bool {
    const LABELS: &[&str] = &[
        "category:",
        "categories:",
        "tags:",
        "filed under:",
        "kategorie:",
        "kategorien:",
        "schlagwörter:",
        "catégorie:",
        "catégories:",
        "categoría:",
        "categoria:",
        "etiquetas:",
        "chuyên mục:",
    ];
    p.split_whitespace().nth(10).is_none() && !p.ends_with('.') && {
        let lower = p.to_lowercase();
        LABELS.iter().any(|l| lower.starts_with(l))
    }
}

/// A line that only says how long the story takes to read ("5 min read", "Lesezeit:
/// 3 Minuten", "4 minutes de lecture"): a few words, a number among them.
fn is_reading_time(p: &str) -> bool {
    p.split_whitespace().nth(6).is_none() && has_reading_mark(p)
}

/// True when a line states a reading time anywhere ("... Feb 8, 2020 5 min read").
fn has_reading_mark(p: &str) -> bool {
    const MARKS: &[&str] = &[
        "min read",
        "minute read",
        "minutes read",
        "mins read",
        "lesezeit",
        "de lecture",
        "de lectura",
        "de leitura",
        "di lettura",
        "phút đọc",
    ];
    p.chars().any(|c| c.is_ascii_digit()) && {
        let lower = p.to_lowercase();
        MARKS.iter().any(|m| lower.contains(m))
    }
}

/// A line that is nothing but a date and time ("Sunday, Feb 1, 2015 11:57 AM UTC",
/// "Thứ Năm, 17/9/2020 - 15:19"): every word is a number, a month, a weekday, a clock
/// mark or a zone, and a date is read from it.
fn is_bare_date(p: &str) -> bool {
    const WORDS: &[&str] = &[
        "jan",
        "january",
        "feb",
        "february",
        "mar",
        "march",
        "apr",
        "april",
        "may",
        "jun",
        "june",
        "jul",
        "july",
        "aug",
        "august",
        "sep",
        "sept",
        "september",
        "oct",
        "october",
        "nov",
        "november",
        "dec",
        "december",
        "mon",
        "monday",
        "tue",
        "tues",
        "tuesday",
        "wed",
        "wednesday",
        "thu",
        "thur",
        "thurs",
        "thursday",
        "fri",
        "friday",
        "sat",
        "saturday",
        "sun",
        "sunday",
        "am",
        "pm",
        "a.m",
        "p.m",
        "at",
        "on",
        "utc",
        "gmt",
        "est",
        "edt",
        "cst",
        "cdt",
        "mst",
        "mdt",
        "pst",
        "pdt",
        "bst",
        "cet",
        "cest",
        "thứ",
        "hai",
        "ba",
        "tư",
        "năm",
        "sáu",
        "bảy",
        "chủ",
        "nhật",
        "ngày",
        "tháng",
        "lúc",
    ];
    let words: Vec<String> = p
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '|' | '-' | '–' | '—' | '(' | ')'))
        .filter(|w| !w.is_empty())
        .map(|w| w.trim_end_matches('.').to_lowercase())
        .collect();
    !words.is_empty()
        && words.len() <= 10
        && words.iter().any(|w| w.chars().any(|c| c.is_ascii_digit()))
        && words.iter().all(|w| {
            WORDS.contains(&w.as_str())
                || w.chars()
                    .all(|c| c.is_ascii_digit() || matches!(c, ':' | '/' | '.' | '+'))
                || w.strip_prefix("gmt")
                    .or_else(|| w.strip_prefix("utc"))
                    .is_some_and(|z| {
                        z.chars()
                            .all(|c| c.is_ascii_digit() || matches!(c, ':' | '+'))
                    })
        })
        && shows_date(p)
}

/// A byline opening the body ("By Jane Doe March 18 at 12:22 PM Follow @janedoe"):
/// short, "By" and a capitalised name. The story's own first sentence is longer, and
/// a sentence that starts with "By" goes on in lower case ("By noon the river ...").
fn is_leading_byline(p: &str) -> bool {
    let mut words = p.split_whitespace();
    let (Some(first), Some(name)) = (words.next(), words.next()) else {
        return false;
    };
    matches!(first, "By" | "BY")
        && name.chars().next().is_some_and(char::is_uppercase)
        && p.split_whitespace().nth(12).is_none()
        && !p.trim_end().ends_with(['.', '!', '?', '"', '”'])
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
            "Thứ Năm, 17/9/2020 - 15:19".to_string(),
            "Erstellt am Dienstag, 6. Mai 2014".to_string(),
            "Lesezeit: 4 Minuten".to_string(),
        ];
        drop_dateline_edges(&mut paras);
        assert_eq!(
            paras,
            vec![
                "The first sentence of the story.",
                "The last sentence, published as part of the story."
            ]
        );
        // Under a kicker the body took in.
        let mut paras = vec![
            "Coronavirus".to_string(),
            "Aktualisiert: 11.04.2020, 10:27".to_string(),
            "The first sentence of the story.".to_string(),
            "Updated at noon, the council said, the roads would reopen on 4 May 2020.".to_string(),
        ];
        drop_dateline_edges(&mut paras);
        assert_eq!(paras.len(), 3, "{paras:?}");
        assert_eq!(paras[1], "The first sentence of the story.");
        let mut paras = vec![
            "The first sentence of the story.".to_string(),
            "Category: Press Releases".to_string(),
        ];
        drop_dateline_edges(&mut paras);
        assert_eq!(paras.len(), 1);
        assert!(!is_taxonomy_line(
            "Tags: the council did not say which streets would be closed first."
        ));
        let mut paras = vec![
            "5 min read".to_string(),
            "It took the crew 5 minutes to read the whole report aloud.".to_string(),
        ];
        drop_dateline_edges(&mut paras);
        assert_eq!(paras.len(), 1);
        assert!(!is_reading_time(
            "The reading took 5 min, and the crowd read along."
        ));
        // A byline with its date or reading time under a teaser line.
        let mut paras = vec![
            "Steps to take when the train is packed.".to_string(),
            "By Ann Marie Lee Feb 8, 2020 5 min read".to_string(),
            "By Monday the line was running again, and most riders were back.".to_string(),
        ];
        drop_dateline_edges(&mut paras);
        assert_eq!(
            paras,
            vec![
                "Steps to take when the train is packed.",
                "By Monday the line was running again, and most riders were back."
            ]
        );
    }

    #[test]
    fn bare_dates_and_a_leading_byline_leave_the_body_edges() {
        let mut paras = vec![
            "By Ann Lee Jan 4 at 9:10 AM Follow @annlee".to_string(),
            "Tuesday, Jan 4, 2022 9:10 AM UTC".to_string(),
            "By noon the river had risen two metres.".to_string(),
            "The council met at 9 on Monday.".to_string(),
        ];
        drop_dateline_edges(&mut paras);
        assert_eq!(
            paras,
            vec![
                "By noon the river had risen two metres.",
                "The council met at 9 on Monday."
            ]
        );
        // A date with words of its own is a sentence, not a dateline.
        assert!(!is_bare_date(
            "Monday 4 May 2020 was the day the ferry stopped"
        ));
        assert!(is_bare_date("Sunday, Feb 1, 2015 11:57 AM UTC"));
        assert!(!is_leading_byline(
            "By the end of the week, the road will reopen"
        ));
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
    fn a_standfirst_the_description_repeats_is_the_lead() {
        let para = "The council voted on Tuesday night after a long debate about the costs of the new building and the staff it will need over the coming ten years. ";
        let stand = "The city's oldest library will close for two years while a new wing is built on the site of the old car park.";
        // An unnamed paragraph under the headline, outside the story's container.
        let html = format!(
            r#"<html><head><title>Library to close</title><meta name="description" content="{stand}"></head><body>
            <header><h1>Library to close for two years</h1><p class="x1">{stand}</p></header>
            <article><p>{para}</p><p>{para}</p><p>{para}</p></article></body></html>"#
        );
        let doc = parse_page(&page(&html)).unwrap();
        assert_eq!(doc.lead.as_deref(), Some(stand));
        assert!(!doc.paragraphs.iter().any(|p| p == stand));
        // The same words as the first paragraph of the story stay in the body.
        let html = format!(
            r#"<html><head><title>Library to close</title><meta name="description" content="{stand}"></head><body>
            <article><h1>Library to close for two years</h1><h2>{stand}</h2><p>{para}</p><p>{para}</p><p>{para}</p></article></body></html>"#
        );
        let doc = parse_page(&page(&html)).unwrap();
        assert_eq!(doc.lead, None);
        assert_eq!(doc.paragraphs.first().map(String::as_str), Some(stand));
        // The site's own blurb in `description`, the standfirst in `og:description`,
        // and a short teaser line in `twitter:description`.
        let html = format!(
            r#"<html><head><title>Library to close</title>
            <meta name="description" content="The City Gazette: news, sport and weather from the city and the valley since 1881.">
            <meta property="og:description" content="{stand}">
            <meta name="twitter:description" content="By our city reporter, on the council's vote">
            </head><body>
            <header><h1>Library to close for two years</h1><p class="x1">{stand}</p></header>
            <article><p>{para}</p><p>{para}</p><p>{para}</p></article></body></html>"#
        );
        let doc = parse_page(&page(&html)).unwrap();
        assert_eq!(doc.lead.as_deref(), Some(stand));
    }

    #[test]
    fn a_vietnamese_sapo_inside_the_body_is_the_lead_but_a_dateline_is_not() {
        let para = "Theo cơ quan công an, đối tượng đã nhiều lần đến nhà chủ nợ để đòi tiền nhưng không được trả, sau đó hai bên xảy ra cự cãi và xô xát ngay trước cửa nhà. ";
        let sapo = "(ABC) - Cho rằng chủ nợ không chịu trả tiền, một thanh niên đã mang dao đến nhà người này để nói chuyện.";
        let html = format!(
            r#"<html><head><title>Mang dao đi đòi nợ</title><meta name="description" content="{sapo}"></head><body>
            <div class="ct"><h1>Mang dao đi đòi nợ</h1><p class="t">Thứ Tư, 26/12/2012 17:14</p><h3>{sapo}</h3><p>{para}</p><p>{para}</p><p>{para}</p></div></body></html>"#
        );
        let doc = parse_page(&page(&html)).unwrap();
        assert_eq!(doc.lead.as_deref(), Some(sapo));
        // An agency's dateline paragraph is the story's first paragraph.
        let first = "(XYZ) - ROMA, 28 LUG - The referee for the Sunday match was named today by the league, which also named the officials for the other games of the round.";
        let html = format!(
            r#"<html><head><title>Referees named</title><meta name="description" content="The referee for the Sunday match was named today by the league, which also named the officials for the other games of the round."></head><body>
            <article><h1>Referees named</h1><p>{first}</p><p>{para}</p></article></body></html>"#
        );
        let doc = parse_page(&page(&html)).unwrap();
        assert_eq!(doc.lead, None);
        assert_eq!(doc.paragraphs.first().map(String::as_str), Some(first));
    }

    #[test]
    fn a_bold_first_paragraph_opening_with_a_source_tag_is_the_lead() {
        let para = "Theo kế hoạch, đoàn thanh tra sẽ làm việc trong 30 ngày và báo cáo kết quả cho chủ tịch thành phố trước cuối tháng sau, kèm theo các kiến nghị xử lý. ";
        let sapo = "TTO - Trao đổi với báo chí, lãnh đạo sở cho biết sẽ kiểm điểm nghiêm túc những sai sót trong việc thay thế cây xanh.";
        let page_with = |first: &str| {
            format!(
                r#"<html><head><title>Thanh tra</title><meta name="description" content=""></head><body>
                <section class="fck"><h1>Thanh tra việc thay cây xanh</h1><span class="date">23/03/2015 08:06</span>{first}<p>{para}</p><p>{para}</p><p>{para}</p></section></body></html>"#
            )
        };
        let doc = parse_page(&page(&page_with(&format!(
            "<p><strong>{sapo}</strong></p>"
        ))))
        .unwrap();
        assert_eq!(doc.lead.as_deref(), Some(sapo));
        assert!(doc.paragraphs.iter().all(|p| !p.contains("TTO -")));
        // Not bold, or bold without the tag: the story's first paragraph.
        let doc = parse_page(&page(&page_with(&format!("<p>{sapo}</p>")))).unwrap();
        assert_eq!(doc.lead, None);
        let untagged = &sapo["TTO - ".len()..];
        let doc = parse_page(&page(&page_with(&format!(
            "<p><strong>{untagged}</strong></p>"
        ))))
        .unwrap();
        assert_eq!(doc.lead, None);
        assert_eq!(doc.paragraphs.first().map(String::as_str), Some(untagged));
    }

    #[test]
    fn the_section_from_the_menu_a_crumb_or_a_label_with_widgets() {
        let para = "Nhiều nghệ sĩ đã tham gia chương trình từ thiện tổ chức tại nhà hát lớn thành phố vào tối qua, thu hút hàng nghìn khán giả đến xem và ủng hộ. ";
        let story = format!(
            "<h1>Đêm nhạc từ thiện thu hút khán giả</h1><p>{para}</p><p>{para}</p><p>{para}</p>"
        );
        let section = |extra: &str, body_extra: &str| {
            let html = format!(
                r#"<html><head><title>Đêm nhạc</title><meta property="article:section" content="News">{extra}</head><body>{body_extra}<div class="detail">{story}</div></body></html>"#
            );
            parse_page(&page(&html)).unwrap().category
        };
        // "News" names no section; the menu's active item does.
        let menu = r#"<ul class="menu"><li><a href="/">Trang chủ</a></li><li class="menusub_active"><a href="/giai-tri">Giải trí</a></li><li><a href="/the-thao">Thể thao</a></li></ul>"#;
        assert_eq!(section("", menu).as_deref(), Some("Giải trí"));
        assert_eq!(section("", ""), None);
        // A crumb marked only by itemprop.
        let crumb = r#"<div itemprop="breadcrumb"><a href="/giao-duc">Giáo dục - du học</a></div>"#;
        assert_eq!(section("", crumb).as_deref(), Some("Giáo dục - du học"));
        // A category label holding a font-size widget gives its first label only.
        let html = format!(
            r#"<html><head><title>Đêm nhạc</title></head><body><div class="detail"><div class="categories1"><span>Văn hóa</span><div class="font_sizer">Cỡ chữ : <a href="/x">A-</a> <a href="/y">A+</a></div></div>{story}</div></body></html>"#
        );
        assert_eq!(
            parse_page(&page(&html)).unwrap().category.as_deref(),
            Some("Văn hóa")
        );
        // A story in a printable wrapper ("print-news", a weak boilerplate name that its
        // prose outweighs), the section label in the bar just before it, the comment
        // form after it.
        let form = r#"<div class="comment-form"><p>Tên của bạn (*)</p><p>Email (*)</p><p>Báo hoan nghênh ý kiến của bạn đọc. Các thảo luận sẽ được xem xét trước và có thể được lược trích khi đăng tải, bạn đọc thảo luận bằng tiếng Việt có dấu.</p></div>"#;
        let form = form.repeat(6);
        let long = format!("{story}<p>{para}</p><p>{para}</p>");
        let html = format!(
            r#"<html><head><title>Đêm nhạc</title></head><body><div class="col"><div class="categories1"><span>Văn hóa</span></div><div id="print-news">{long}</div>{form}</div><a class="print-btn" href="/print">In bài</a></body></html>"#
        );
        let doc = parse_page(&page(&html)).unwrap();
        assert_eq!(doc.category.as_deref(), Some("Văn hóa"));
        assert_eq!(doc.paragraphs.len(), 5, "{:?}", doc.paragraphs);
        // A box of other stories classed as a section names none: its heading is skipped.
        let related = r#"<div class="more list-section"><h3>Tin liên quan</h3><ul><li><a href="/a">Một bài khác</a></li></ul></div>"#;
        let html = format!(
            r#"<html><head><title>Đêm nhạc</title></head><body><div class="detail">{related}<span class="cate-name">Âm nhạc</span>{story}</div></body></html>"#
        );
        assert_eq!(
            parse_page(&page(&html)).unwrap().category.as_deref(),
            Some("Âm nhạc")
        );
        assert!(doc.paragraphs[0].starts_with("Nhiều nghệ sĩ"));
    }

    #[test]
    fn the_section_from_old_microdata_an_unnamed_trail_or_the_title_tag() {
        let para = "Nhiều nghệ sĩ đã tham gia chương trình từ thiện tổ chức tại nhà hát lớn thành phố vào tối qua, thu hút hàng nghìn khán giả đến xem và ủng hộ. ";
        let story = format!(
            "<h1>Đêm nhạc từ thiện thu hút khán giả</h1><p>{para}</p><p>{para}</p><p>{para}</p>"
        );
        let section = |title: &str, before: &str| {
            let html = format!(
                r#"<html><head><title>{title}</title></head><body>{before}<div class="detail">{story}</div></body></html>"#
            );
            parse_page(&page(&html)).unwrap().category
        };
        // data-vocabulary.org crumbs, one element each; the site's domain is no section.
        let crumbs = r#"<div style="display:none"><div itemscope itemtype="http://data-vocabulary.org/Breadcrumb"><a href="/"><span itemprop="title">baomau.vn</span></a></div><div itemscope itemtype="http://data-vocabulary.org/Breadcrumb"><a href="/am-nhac"><span itemprop="title">Âm nhạc</span></a></div></div>"#;
        assert_eq!(section("Đêm nhạc", crumbs).as_deref(), Some("Âm nhạc"));
        // A trail of links from the home page, with separators between them.
        let trail = r#"<div class="nav2"><a href="/">Trang chủ</a><span class="sep"></span><a href="/van-hoa">Văn hóa</a> › <a href="/san-khau">Sân khấu</a></div>"#;
        assert_eq!(section("Đêm nhạc", trail).as_deref(), Some("Sân khấu"));
        // A footer's logo and contact link is no trail.
        let footer = r#"<div class="foot"><a href="/"><img src="/logo.png"></a><a href="/lien-he">Liên hệ</a></div>"#;
        assert_eq!(section("Đêm nhạc", footer), None);
        // The middle of "Headline | Section | Site", named by a menu link.
        let menu = r#"<ul><li><a href="/am-nhac">Âm nhạc</a></li></ul>"#;
        assert_eq!(
            section("Đêm nhạc từ thiện | Âm nhạc | Báo Mẫu", menu).as_deref(),
            Some("Âm nhạc")
        );
        assert_eq!(section("Đêm nhạc từ thiện | Âm nhạc | Báo Mẫu", ""), None);
    }

    #[test]
    fn the_section_link_just_above_the_headline() {
        let para = "<p>Nhiều nghệ sĩ đã tham gia chương trình từ thiện tổ chức tại nhà hát lớn thành phố vào tối qua, thu hút hàng nghìn khán giả.</p>";
        let section = |above: &str| {
            let html = format!(
                r#"<html><head><title>Đêm nhạc</title></head><body>{above}<div class="detail"><h1>Đêm nhạc từ thiện thu hút khán giả</h1>{para}{para}{para}</div></body></html>"#
            );
            parse_page(&page(&html)).unwrap().category
        };
        let kicker = r#"<div class="top"><a href="https://facebook.com/share"><img src="/fb.png"></a><div id="x"><h2><a href="/am-nhac.html">Âm nhạc</a></h2></div></div>"#;
        assert_eq!(section(kicker).as_deref(), Some("Âm nhạc"));
        // The last item of the menu above the headline is not its section.
        let menu = r#"<ul class="nav2"><li><a href="/the-thao">Thể thao</a></li><li><a href="/am-nhac">Âm nhạc</a></li></ul>"#;
        assert_eq!(section(menu), None);
        // Nor is a link far above it.
        let far = format!(
            r#"<h2><a href="/am-nhac">Âm nhạc</a></h2><p>{}</p>"#,
            "Quảng cáo ".repeat(12)
        );
        assert_eq!(section(&far), None);
    }

    #[test]
    fn untitled_prose_takes_its_title_from_the_file_name() {
        let para = "The river rose two metres overnight and the council closed the old bridge to traffic, sending lorries on a forty-minute detour through the hills. ";
        let html = format!(
            "<html><head></head><body><p>{}</p><p>{}</p><p>{}</p></body></html>",
            para.repeat(2),
            para.repeat(2),
            para.repeat(2)
        );
        let mut raw = page(&html);
        raw.source = "saved/old-bridge-closed-by-flood.html".into();
        let doc = parse_page(&raw).unwrap();
        assert_eq!(doc.title.as_deref(), Some("Old bridge closed by flood"));
        assert_eq!(doc.paragraphs.len(), 3);
        // No slug to read: still no headline.
        raw.source = "saved/1545286960.html".into();
        let err = parse_page(&raw).unwrap_err();
        assert_eq!(err.reason, "no_title");
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
    fn text_in_plain_divs_interrupted_by_a_list_and_links_is_one_body() {
        let prose = |w: &str| {
            format!(
                "The {w} part of the story runs on for a while, with commas, clauses and enough words to read as prose, as any reporter would write it."
            )
        };
        let html = format!(
            r#"<html><head><title>River flood recedes</title></head><body>
            <div class="menu"><a href="/">Home</a> <a href="/news">News</a></div>
            <article><h1>River flood recedes</h1>
            <div>{first}</div>
            <h2>What was lost</h2>
            <ul><li>Two bridges on the north road</li><li>The old mill by the weir</li></ul>
            <p><a href="/a">Earlier report</a></p><p><a href="/b">Map of the valley</a></p>
            <div><iframe src="https://video.example/embed/1"></iframe></div>
            <div>{second}</div>
            </article>
            <div class="footer">Contact us</div></body></html>"#,
            first = prose("first"),
            second = prose("second"),
        );
        let doc = parse_page(&page(&html)).unwrap();
        let body = doc.paragraphs.join("\n");
        assert!(body.contains("The first part of the story"), "{body}");
        assert!(body.contains("The second part of the story"), "{body}");
        assert!(body.contains("What was lost"), "{body}");
        assert!(
            body.contains("Two bridges on the north road\nThe old mill"),
            "{body}"
        );
        for junk in ["Earlier report", "Map of the valley", "Contact us", "Home"] {
            assert!(!body.contains(junk), "{junk} in {body}");
        }
    }

    #[test]
    fn tables_read_a_row_a_line_and_prose_lists_keep_their_link_items() {
        let prose = "The committee met for the third time this year, and its members agreed on a plan for the coming season, after a long debate.";
        let html = format!(
            r#"<html><head><title>Season plan agreed</title></head><body><article><h1>Season plan agreed</h1>
            <p>{prose}</p>
            <table><tr><th>Team</th><th>Points</th></tr><tr><td>North</td><td>12</td></tr></table>
            <ul><li><a href="/review">Read our year in review!</a></li><li>The new pitch opens in May, a month later than planned, because of the rain.</li></ul>
            <p>{prose}</p>
            <ul><li><a href="/x">Another story</a></li><li><a href="/y">Yet another story</a></li></ul>
            </article></body></html>"#
        );
        let doc = parse_page(&page(&html)).unwrap();
        let body = doc.paragraphs.join("\n");
        assert!(body.contains("\nTeam | Points\nNorth | 12\n"), "{body}");
        assert!(body.contains("Read our year in review!"), "{body}");
        assert!(!body.contains("Another story"), "{body}");
    }

    #[test]
    fn a_right_aligned_name_under_the_story_is_its_signature() {
        let para = |n: usize| {
            format!(
                "<p>Đoạn {n}: người dân trong xóm kể lại rằng nước sông lên rất nhanh trong đêm, nhiều nhà không kịp chuyển đồ đạc lên cao.</p>"
            )
        };
        let story = (1..=3).map(para).collect::<String>();
        let html = |sig: &str| {
            format!(
                r#"<html><head><title>Nước lên trong đêm</title></head><body><div class="detail"><h1>Nước lên trong đêm</h1>
                {story}{sig}<p>Chia sẻ câu chuyện của bạn tại đây.</p></div></body></html>"#
            )
        };
        // A pen name of one word and a photo credit under it.
        let doc = parse_page(&page(&html(
            r#"<p align="right"><strong>Mây Trắng<br></strong><em>Ảnh</em>: Gió</p>"#,
        )))
        .unwrap();
        assert_eq!(doc.authors, vec!["Mây Trắng"]);
        assert_eq!(doc.paragraphs.len(), 3, "{:?}", doc.paragraphs);
        // Initials, aligned by style.
        let doc = parse_page(&page(&html(
            r#"<div style="text-align: right"><b>T.K.</b></div>"#,
        )))
        .unwrap();
        assert_eq!(doc.authors, vec!["T.K."]);
        // A right-aligned sentence is text, and a left-aligned name is not a signature.
        let doc = parse_page(&page(&html(
            r#"<p align="right">Hà Nội, mùa lũ năm nay đến sớm hơn mọi năm.</p><p><b>Mây Trắng</b></p>"#,
        )))
        .unwrap();
        assert!(doc.authors.is_empty(), "{:?}", doc.authors);
        assert_eq!(doc.paragraphs.len(), 6, "{:?}", doc.paragraphs);
        // The signature just after the story's container.
        let html = format!(
            r#"<html><head><title>Nước lên trong đêm</title></head><body><h1>Nước lên trong đêm</h1><div class="content">{story}</div>
            <div style="text-align:right;font-weight:bold">K. Mây</div><a href="javascript:history.go(-1)">[Quay lại]</a></body></html>"#
        );
        let doc = parse_page(&page(&html)).unwrap();
        assert_eq!(doc.authors, vec!["K. Mây"]);
    }

    #[test]
    fn a_read_also_link_closing_the_lead_is_not_part_of_it() {
        let para = "<p>Người dân trong xóm kể lại rằng nước sông lên rất nhanh trong đêm, nhiều nhà không kịp chuyển đồ đạc lên cao.</p>";
        let html = format!(
            r#"<html><head><title>Nước lên</title></head><body><div class="detail"><h1>Nước lên trong đêm</h1>
            <h2 class="Lead">Nước sông lên <b>hai mét</b> chỉ trong một đêm. Nhiều nhà bị ngập.<br><a href="/x">&gt;&gt; Lũ về sớm hơn mọi năm</a></h2>
            {para}{para}{para}</div></body></html>"#
        );
        let doc = parse_page(&page(&html)).unwrap();
        assert_eq!(
            doc.lead.as_deref(),
            Some("Nước sông lên hai mét chỉ trong một đêm. Nhiều nhà bị ngập.")
        );
    }

    #[test]
    fn without_an_h1_but_the_logo_the_headline_is_the_heading_named_title() {
        let para = "<p>Người dân trong xóm kể lại rằng nước sông lên rất nhanh trong đêm, nhiều nhà không kịp chuyển đồ đạc lên cao.</p>";
        let html = format!(
            r#"<html><head><title>Báo Mẫu - Tin tức cho mọi nhà</title></head><body>
            <h1 id="image-logo"><a href="/"><img alt="Báo Mẫu - Tin tức cho mọi nhà" src="/logo.png">Báo Mẫu - Tin tức cho mọi nhà</a></h1>
            <div class="dtContent"><H3 class=Title>Nước sông lên hai mét trong một đêm</H3>{para}{para}{para}</div></body></html>"#
        );
        let doc = parse_page(&page(&html)).unwrap();
        assert_eq!(
            doc.title.as_deref(),
            Some("Nước sông lên hai mét trong một đêm")
        );
    }

    #[test]
    fn a_masthead_h1_with_the_sites_name_is_not_the_headline() {
        let para = "<p>The council met on a wet evening to weigh the plan for the river path, \
            and after a long debate about costs, bridges and trees it agreed to try again.</p>";
        let html = format!(
            r#"<html><head><title>How the river path plan got approved - Example Gazette</title></head><body>
            <h1 class="site-header"><a href="/">Example Gazette</a></h1>
            <article><h1>How the river path plan was finally approved</h1>{para}{para}{para}</article></body></html>"#
        );
        let doc = parse_page(&page(&html)).unwrap();
        assert_eq!(
            doc.title.as_deref(),
            Some("How the river path plan was finally approved")
        );
    }

    #[test]
    fn the_short_end_of_a_title_after_a_separator() {
        assert_eq!(
            title_end("Storm hits the coast - Gazette").as_deref(),
            Some("Gazette")
        );
        assert_eq!(
            title_end("风暴袭击了海岸线城市_某某日报").as_deref(),
            Some("某某日报")
        );
        assert_eq!(
            title_end("Storm hits the coast | The Daily").as_deref(),
            Some("The Daily")
        );
        // A hyphen inside a word, or an end as long as the rest, is not a site name.
        assert_eq!(title_end("Covid-19 cases rise again in the north"), None);
        assert_eq!(title_end("Storm - The Daily Example Gazette"), None);
    }

    #[test]
    fn captions_as_a_centred_line_or_an_italic_line_under_the_image() {
        let para = |n: usize| {
            format!(
                "<DIV>Đoạn {n}: người dân trong xóm kể lại rằng nước sông lên rất nhanh trong đêm, nhiều nhà không kịp chuyển đồ đạc lên cao.</DIV>"
            )
        };
        let html = format!(
            r#"<html><head><title>Nước lên</title></head><body><h1>Nước lên trong đêm</h1><div class="detail">
            {}{}
            <DIV style="TEXT-ALIGN: center"><IMG src="/a.jpg" width=500></DIV>
            <DIV style="TEXT-ALIGN: center"><SPAN style="COLOR: #4682b4">Nước ngập ngang đầu gối</SPAN></DIV>
            {}
            <p style="text-align: center"><span><img src="/b.jpg"><br><span style="font-style: italic">Người dân chuyển đồ lên gác</span></span></p>
            <p><span style="font-style: italic"><img src="/c.jpg"></span><br><span style="font-style: italic">Xuồng cứu hộ trong đêm</span></p>
            <p><span><img src="/d.jpg"></span><em>"Nước lên nhanh quá"</em> là điều ai cũng nói khi chúng tôi hỏi chuyện.</p>
            {}</div></body></html>"#,
            para(1),
            para(2),
            para(3),
            para(4)
        );
        let doc = parse_page(&page(&html)).unwrap();
        let caps: Vec<Option<&str>> = doc.images.iter().map(|i| i.caption.as_deref()).collect();
        assert_eq!(
            caps,
            vec![
                Some("Nước ngập ngang đầu gối"),
                Some("Người dân chuyển đồ lên gác"),
                Some("Xuồng cứu hộ trong đêm"),
                None
            ]
        );
        let body = doc.paragraphs.join("\n");
        assert!(!body.contains("Người dân chuyển đồ lên gác"), "{body}");
        assert!(body.contains("\"Nước lên nhanh quá\" là điều"), "{body}");
        assert!(body.contains("Đoạn 4"), "{body}");
    }

    #[test]
    fn a_step_beside_its_picture_is_text_but_a_caption_row_is_not() {
        let intro = "Chiếc bánh này dành cho các cặp đôi, làm rất dễ và chỉ cần vài nguyên liệu có sẵn trong bếp của mọi nhà.";
        let step =
            "Trộn bột và trứng gà với nhau, thêm chút nước cho dễ nhào rồi chia bột làm hai phần.";
        let html = format!(
            r#"<html><head><title>Bánh tình yêu</title></head><body><h1>Bánh tình yêu</h1><div class="article">
            <p>{intro}</p><p>{intro}</p>
            <table><tr><td><img src="/1.jpg"></td><td><p><strong>Bước 1:</strong></p><p>{step}</p></td></tr></table>
            <table><tr><td><img src="/2.jpg"></td></tr><tr><td>Bánh sau khi nướng xong</td></tr></table>
            <p>{intro}</p></div></body></html>"#
        );
        let doc = parse_page(&page(&html)).unwrap();
        let body = doc.paragraphs.join("\n");
        assert!(body.contains(step), "{body}");
        assert!(!body.contains("Bánh sau khi nướng xong"), "{body}");
    }

    #[test]
    fn a_card_for_another_story_inside_the_body_is_not_body_text() {
        let para = |n: usize| {
            format!(
                "<p>Đoạn {n}: người dân trong xóm kể lại rằng nước sông lên rất nhanh trong đêm, nhiều nhà không kịp chuyển đồ đạc lên cao.</p>"
            )
        };
        let html = format!(
            r#"<html><head><title>Nước lên</title></head><body><h1>Nước lên trong đêm</h1><div class="detail">
            {}{}
            <div class="inner-x"><a href="/khac.html"><img src="/t.jpg"></a><h4><a href="/khac.html">Cách giữ đồ đạc khô ráo mùa lũ</a></h4><p>Vài mẹo nhỏ giúp gia đình bạn qua mùa mưa bão an toàn hơn.</p></div>
            {}<p><b>Mây Trắng</b></p></div></body></html>"#,
            para(1),
            para(2),
            para(3)
        );
        let doc = parse_page(&page(&html)).unwrap();
        let body = doc.paragraphs.join("\n");
        assert!(!body.contains("Vài mẹo nhỏ"), "{body}");
        assert!(body.contains("Đoạn 3"), "{body}");
        assert_eq!(doc.authors, vec!["Mây Trắng"]);
    }

    #[test]
    fn section_h1s_and_link_sublists_of_a_prose_list_stay_in_the_body() {
        let prose = "The team shipped the release on time, with fixes for the crashes reported last month and a faster start-up.";
        let html = format!(
            r#"<html><head><title>Release notes for March</title></head><body><article>
            <h1>Release notes for March</h1>
            <p>{prose}</p>
            <section><h1>Known problems</h1><p>{prose}</p></section>
            <ul><li>Two more testers joined this month, and both of them sent their first reports within a week.</li>
            <li>Work still in progress:
              <ul><li><a href="/bug/1">Bug 1 - window flickers on resize</a></li>
                  <li><a href="/bug/2">Bug 2 - settings lost after update</a></li></ul></li></ul>
            <p>{prose}</p>
            </article></body></html>"#
        );
        let doc = parse_page(&page(&html)).unwrap();
        let body = doc.paragraphs.join("\n");
        assert_eq!(doc.title.as_deref(), Some("Release notes for March"));
        assert!(!body.contains("Release notes for March"), "{body}");
        assert!(body.contains("\nKnown problems\n"), "{body}");
        assert!(
            body.contains("Bug 1 - window flickers on resize\nBug 2 - settings lost"),
            "{body}"
        );
        // A heading that is all link, over a list of points, heads a section.
        let html = format!(
            r#"<html><head><title>Release notes for March</title></head><body><article>
            <h1>Release notes for March</h1><p>{prose}</p>
            <h4><a href="https://wiki.example.org/Password_Manager">Password Manager</a></h4>
            <ul><li>Saved logins now sync within a minute of being changed on any device.</li></ul>
            <h4><a href="/2020/other-story">Our story from last week</a></h4><p>{prose}</p>
            </article></body></html>"#
        );
        let doc = parse_page(&page(&html)).unwrap();
        let body = doc.paragraphs.join("\n");
        assert!(body.contains("\nPassword Manager\nSaved logins"), "{body}");
        assert!(!body.contains("Our story from last week"), "{body}");
    }

    #[test]
    fn a_heading_that_links_to_itself_stays_but_a_jump_button_does_not() {
        let prose = "The query counts the requests of each status every minute, and flags the minutes that stand far from the mean.";
        let html = format!(
            r##"<html><head><title>Finding anomalies with SQL</title></head><body><article>
            <h1>Finding anomalies with SQL</h1>
            <p><a class="jump" href="#comments">Join the discussion</a></p>
            <p>{prose}</p>
            <h2 id="z-score"><a href="#z-score">Understanding the z-score</a></h2>
            <p>{prose}</p>
            <h2><a href="/2020/other-story">Another story from our blog</a></h2>
            <p>{prose}</p>
            </article></body></html>"##
        );
        let doc = parse_page(&page(&html)).unwrap();
        let body = doc.paragraphs.join("\n");
        assert!(body.contains("\nUnderstanding the z-score\n"), "{body}");
        assert!(!body.contains("Join the discussion"), "{body}");
        assert!(!body.contains("Another story"), "{body}");
    }

    #[test]
    fn an_intro_paragraph_opening_the_body_stays_in_it() {
        let intro = "The harbour bridge will close for six weeks from Monday while engineers replace the cables that hold up its central span.";
        let para = "Buses will run every ten minutes between the two banks, and the ferry will add an early crossing for people who start work before seven.";
        let html = |class: &str, teaser: &str| {
            format!(
                r#"<html><head><title>Bridge to close</title></head><body><h1>Bridge to close for six weeks</h1>
                <div class="story-body"><figure><img src="/b.jpg"><figcaption>The bridge at dusk</figcaption></figure>
                <p class="{class}">{intro}</p><p>{para}</p><p>{para}</p><p>{para}</p>{teaser}</div></body></html>"#
            )
        };
        let doc = parse_page(&page(&html("story-body__introduction", ""))).unwrap();
        assert_eq!(doc.lead.as_deref(), Some(intro));
        assert_eq!(doc.paragraphs.first().map(String::as_str), Some(intro));
        assert_eq!(doc.paragraphs.len(), 4);
        // A block named like a lead further down (the next story's teaser) is not the
        // body's opening: it stays out of the body, which opens as before.
        let teaser = r#"<div class="next-desc"><h5>Tram line opens</h5><p>The new line links the station to the university in twelve minutes.</p></div><div class="share"><a href="/s">Share</a></div>"#;
        let doc = parse_page(&page(&html("", teaser))).unwrap();
        assert!(doc.lead.as_deref().is_some_and(|l| l.contains("Tram line")));
        assert_eq!(doc.paragraphs.first().map(String::as_str), Some(intro));
        assert!(doc.paragraphs.iter().all(|p| !p.contains("Tram line")));
        // A sapo of bare text set apart above the body's block stays out of the body,
        // even when the container taken for the body holds both.
        let html = format!(
            r#"<html><head><title>Bridge to close</title></head><body><div class="article"><h1>Bridge to close for six weeks</h1>
            <div class="article-sapo">{intro}</div><div class="ct-8f3a"><p>{para}</p><p>{para}</p><p>{para}</p></div></div></body></html>"#
        );
        let doc = parse_page(&page(&html)).unwrap();
        assert_eq!(doc.lead.as_deref(), Some(intro));
        assert_eq!(doc.paragraphs, vec![para; 3]);
    }

    #[test]
    fn a_standfirst_taken_for_the_body_gives_way_to_the_story() {
        // The standfirst's name holds "text", which scores it as a text container; the
        // story is one paragraph of lines split by <br>, which scores lower.
        let line = "Der Verband hält die Pläne für falsch, erklärt der Vorsitzende, denn im Land gibt es genug Platz für neue Anlagen im Einklang mit Mensch und Natur.";
        let html = format!(
            r#"<html><head><title>Verband enttäuscht</title></head><body><h1>Verband enttäuscht nach dem Gespräch</h1>
            <div class="news"><div class="box"><div class="teaser-text text-center">Nach dem Treffen mit dem Minister zeigt sich der Verband enttäuscht über das Ergebnis.</div></div>
            <div class="box"><figure><img src="/a.jpg"><figcaption>Foto: Verband</figcaption></figure></div>
            <div class="box"><div class="rte"><p>{line}<br><br>{line}<br><br>{line}</p></div></div></div></body></html>"#
        );
        let doc = parse_page(&page(&html)).unwrap();
        assert_eq!(
            doc.lead.as_deref(),
            Some(
                "Nach dem Treffen mit dem Minister zeigt sich der Verband enttäuscht über das Ergebnis."
            )
        );
        assert_eq!(doc.paragraphs, vec![line; 3]);
    }

    #[test]
    fn a_short_item_whose_teaser_is_its_one_paragraph_keeps_it() {
        let text = "Frankfurt (dpa) - Der Preis für das beste Buch des Jahres geht an eine Autorin aus Leipzig. Ihr Roman erzählt von drei Generationen einer Familie an der Küste und wurde von der Jury einstimmig gewählt.";
        let html = format!(
            r#"<html><head><title>Buchpreis vergeben</title></head><body><h1>Buchpreis vergeben</h1>
            <section><header><div class="teaser-detail"><p>{text}</p></div></header>
            <article><div class="text-detail"><p>{text}</p></div></article></section></body></html>"#
        );
        let doc = parse_page(&page(&html)).unwrap();
        assert_eq!(doc.lead.as_deref(), Some(text));
        assert_eq!(doc.paragraphs, vec![text]);
    }

    #[test]
    fn a_long_comment_thread_under_a_short_story_is_not_the_story() {
        let para = "Der Konzern hat die Aktivistin über den Tisch gezogen, und in der Logik des Unternehmens lohnt sich das sogar, denn die Aufträge bleiben und das Bild in der Öffentlichkeit wird kaum schlechter. ";
        let comment = "Ich sehe das anders, weil die Firma am Ende doch nur an den eigenen Umsatz denkt und sich um das Klima nicht schert, wie man an vielen Beispielen aus den letzten Jahren sehen kann. ";
        let story: String = (0..6).map(|_| format!("<p>{para}</p>")).collect();
        let comments: String = (0..20)
            .map(|i| {
                format!(r#"<li class="member"><p class="name">Leser {i}</p><p>{comment}</p></li>"#)
            })
            .collect();
        let html = format!(
            r#"<html><head><title>Kaeser und Neubauer</title></head><body><div class="page"><h1>Kaeser und Neubauer</h1><article class="sectbody">{story}</article></div>
            <div class="page"><div class="sect sect_commentlinks"><ul class="directory">{comments}</ul></div></div></body></html>"#
        );
        let doc = parse_page(&page(&html)).unwrap();
        assert_eq!(doc.paragraphs.len(), 6, "{:?}", doc.paragraphs);
        assert!(doc.paragraphs.iter().all(|p| p.starts_with("Der Konzern")));
    }

    #[test]
    fn a_readers_forum_beside_a_story_named_as_text_is_not_the_story() {
        let para = "Le roman suit un architecte qui a bâti la ville nouvelle, et une femme restée dans le vieux quartier, dont les souvenirs croisent les siens bien des années plus tard. ";
        let post = "Je ne suis pas d'accord avec cette lecture du livre, qui oublie la répression dont le pays a été le théâtre pendant tant d'années et qui continue encore aujourd'hui. ";
        let story: String = (0..6).map(|_| format!("<p>{para}</p>")).collect();
        let posts: String = (0..20)
            .map(|i| format!(r#"<li class="forum-thread"><b>Lecteur {i}</b><p>{post}</p></li>"#))
            .collect();
        let forum = format!(r#"<div class="forum-box"><ul class="forum">{posts}</ul></div>"#);
        let html = format!(
            r#"<html><head><title>Turpitude</title></head><body><div id="main"><h1>Turpitude</h1>
            <div class="article-text">{story}</div></div><div id="side">{forum}</div></body></html>"#
        );
        let doc = parse_page(&page(&html)).unwrap();
        assert_eq!(doc.paragraphs.len(), 6, "{:?}", doc.paragraphs);
        assert!(doc.paragraphs.iter().all(|p| p.starts_with("Le roman")));
        // A forum page is its posts: with no story beside them, they are the text.
        let html = format!(
            r#"<html><head><title>Turpitude</title></head><body><h1>Turpitude</h1>{forum}</body></html>"#
        );
        let doc = parse_page(&page(&html)).unwrap();
        assert!(
            doc.paragraphs
                .iter()
                .filter(|p| p.starts_with("Je ne suis"))
                .count()
                >= 10,
            "{:?}",
            doc.paragraphs
        );
    }

    #[test]
    fn a_story_the_markup_shows_cut_is_read_from_its_declared_body() {
        let story = "The harbour board approved the new ferry terminal on Tuesday, after two years of hearings and a redesign that moved the car lanes away from the old fish market. ";
        let declared = format!("{}\n{}", story.repeat(3), story.repeat(2));
        let page_with = |headline: &str| {
            format!(
                r#"<html><head><title>Ferry terminal approved</title>
                <script type="application/ld+json">{{"@type":"NewsArticle","headline":"{headline}","articleBody":"{declared}"}}</script></head>
                <body><h1>Ferry terminal approved</h1><div class="article-body"><p>{story}</p>
                <div class="paywall">Subscribe to read the rest of this story.</div></div></body></html>"#,
                declared = declared.replace('\n', "\\n")
            )
        };
        let doc = parse_page(&page(&page_with("Ferry terminal approved"))).unwrap();
        assert_eq!(doc.paragraphs.len(), 2, "{:?}", doc.paragraphs);
        assert_eq!(doc.paragraphs[0], story.repeat(3).trim());
        // The declared body of another story (a listing's first item) is not this one's.
        let doc = parse_page(&page(&page_with("Council budget passes"))).unwrap();
        assert_eq!(doc.paragraphs[0], story.trim());
        assert!(doc.paragraphs.iter().all(|p| p.len() < 2 * story.len()));
    }

    #[test]
    fn a_story_split_into_deeply_wrapped_blocks_is_read_whole() {
        // A page builder wraps each block of the story in six levels of layout, with
        // an advert between the blocks.
        let block = |id: usize, text: &str| {
            format!(
                r#"<div id="block-{id}"><section class="content-section"><div class="wrapper"><div class="row"><div class="col">
                <div class="content-section__content richtext"><p>{text}</p></div></div></div></div></section></div>"#
            )
        };
        let first = "The supplier has never had so many orders, its chief said on Monday, and it is hiring again after two years of cuts in every plant.";
        let second = "Most of the new work is for the cabins of long-haul aircraft, which airlines are refitting now that travellers have come back.";
        let third = "The company expects its sales to grow by a fifth this year, and by as much again next year if the engine makers keep up.";
        let html = format!(
            r#"<html><head><title>Orders take off</title></head><body><h1>Orders take off</h1><div class="paywall-content">
            {}<div class="ad">Advertisement</div>{}{}</div></body></html>"#,
            block(1, &format!("{first} {first}")),
            block(2, &format!("{second} {second}")),
            block(3, &format!("{third} {third} {third}"))
        );
        let doc = parse_page(&page(&html)).unwrap();
        let body = doc.paragraphs.join("\n");
        assert!(body.starts_with(first), "{body}");
        assert!(body.contains(second), "{body}");
        assert!(body.contains(third), "{body}");
    }

    #[test]
    fn a_story_split_into_blocks_of_different_layouts_is_read_whole() {
        // The text blocks ("bodytext") are the template's; the boxes around them differ
        // (full width for the opening, split beside a picture for the rest, one text
        // block per paragraph there).
        let first = "Most homes in the region are still heated with gas, the utility said, and half of the boilers are more than twenty years old.";
        let rest = "A heat pump suits a new house or a full renovation, where the walls are well insulated and the floors carry the heating pipes.";
        let html = format!(
            r#"<html><head><title>Which heating is right</title></head><body><h1>Which heating is right</h1>
            <div class="container"><div class="row textpic"><div class="col-full"><div class="textpic_text">
            <div class="bodytext"><p>{first}</p></div></div></div></div>
            <div class="row textpic"><div class="col-split"><img src="pump.jpg"></div><div class="col-split">
            <div class="textpic_text textpic_text--split"><span class="bodytext"><p>{rest}</p></span><span class="bodytext"><p>{rest}</p></span>
            <span class="bodytext"><p>{rest}</p></span></div></div></div>
            </div></body></html>"#
        );
        let doc = parse_page(&page(&html)).unwrap();
        let body = doc.paragraphs.join("\n");
        assert!(body.starts_with(first), "{body}");
        assert_eq!(body.matches(rest).count(), 3, "{body}");
    }

    #[test]
    fn a_story_split_over_grid_cells_of_one_template_is_read_whole() {
        // The opening in a full-width cell, the rest in a narrower cell of the same
        // grid with one more class, beside a box of related links.
        let first = "The lending agency cut its outlook for next year on Tuesday, citing a shortage of workers and prices that keep rising.";
        let second = "It said growth this year would hold at the figure it gave in July, well below last year's pace after the pandemic.";
        let rest = "It now expects the world economy to grow by less than three per cent, down from the figure it gave in the summer.";
        let html = format!(
            r#"<html><head><title>Outlook cut</title></head><body><h1>Outlook cut</h1>
            <section class="col-md-8"><div class="row"><div class="col-md-12"><p>{first}</p><p>{second}</p></div></div>
            <div class="row"><div class="col-lg-7 col-md-12">{}</div>
            <div class="col-lg-5 col-md-12 related"><h2>Related news</h2><a href="/a">Rates rise again</a></div></div>
            </section></body></html>"#,
            format!("<p>{rest}</p>").repeat(8)
        );
        let doc = parse_page(&page(&html)).unwrap();
        assert_eq!(doc.paragraphs[..3], [first, second, rest]);
        assert_eq!(doc.paragraphs.len(), 10, "{:?}", doc.paragraphs);
    }

    #[test]
    fn a_line_repeating_an_images_alt_text_is_its_caption_not_body() {
        let para = |n: usize| {
            format!(
                "<P>Đoạn {n}: dịp Tết Âm lịch năm nay, công chức, viên chức sẽ được nghỉ chín ngày liên tục theo thông báo của thành phố.</P>"
            )
        };
        let html = format!(
            r#"<html><head><title>Lịch nghỉ Tết</title></head><body><h1>Lịch nghỉ Tết</h1><div class="detail">
            {}<DIV align=center><IMG alt="Hoa đào đem không khí Tết đến mọi nhà" src="/hoa.jpg" width=450></DIV>
            <DIV align=center><SPAN style="FONT-SIZE: 10pt">Hoa đào đem không khí Tết đến mọi nhà</SPAN><BR></DIV>
            {}{}</div></body></html>"#,
            para(1),
            para(2),
            para(3)
        );
        let doc = parse_page(&page(&html)).unwrap();
        assert_eq!(doc.paragraphs.len(), 3, "{:?}", doc.paragraphs);
        assert!(doc.paragraphs.iter().all(|p| p.starts_with("Đoạn")));
        assert_eq!(
            doc.images[0].caption.as_deref(),
            Some("Hoa đào đem không khí Tết đến mọi nhà")
        );
        // Two words of alt text ("Hoa đào") are too few to say a line repeats it.
        assert!(!repeats_alt("Hoa đào", "Hoa đào"));
    }

    #[test]
    fn a_picture_wrapper_named_as_text_does_not_outrank_the_story() {
        let para = "The society laid a memorial stone in Cologne on Thursday for the social scientist, who fled in 1933 and taught abroad until her death.";
        let html = format!(
            r#"<html><head><title>A stone for Hertha</title></head><body><h1>A stone for Hertha</h1>
            <div class="textpic-center"><img src="stone.jpg"><p class="credit">Photo: A. Sackmann, Cologne</p></div>
            <div class="c_element"><p>{para}</p><p>{para}</p></div></body></html>"#
        );
        let doc = parse_page(&page(&html)).unwrap();
        assert_eq!(doc.paragraphs, vec![para, para]);
    }

    #[test]
    fn the_headline_marked_in_microdata_beats_footer_h1s() {
        let para = "The world championships planned for May move to July next year, the federation said, after talks with the organisers in the host city.";
        let html = format!(
            r#"<html><head><title>Championships postponed - Swimming Federation</title></head><body>
            <div itemscope itemtype="http://schema.org/Article"><h3 itemprop="headline">Championships postponed</h3>
            <div class="news-text"><p>{para}</p><p>{para}</p></div></div>
            <footer><h1>Partners</h1><p>Our sponsors</p><h1>Imprint</h1></footer></body></html>"#
        );
        let doc = parse_page(&page(&html)).unwrap();
        assert_eq!(doc.title.as_deref(), Some("Championships postponed"));
    }

    #[test]
    fn a_slide_show_inside_the_story_does_not_take_its_place() {
        let slide = "Under the chancellor, the empire took territories in four regions, and a later conference in 1890 settled which kingdoms, islands and coasts would be ruled from the capital, and by whom.";
        let para = "The council voted on Tuesday to rename three streets, saying the old names honoured men who led brutal campaigns.";
        let slides: String = (0..8)
            .map(|i| {
                format!(
                    r#"<li><h3>Slide {i}</h3><div class="slide-text"><p>{slide}</p></div></li>"#
                )
            })
            .collect();
        let html = format!(
            r#"<html><head><title>Streets renamed</title></head><body><h1>Streets renamed</h1><div class="longText">
            <p>{para}</p><div class="gallery"><div class="imgTeaser slideshow"><ul class="slides">{slides}</ul></div></div>
            <p>{para}</p><p>{para}</p><p>{para}</p></div></body></html>"#
        );
        let doc = parse_page(&page(&html)).unwrap();
        assert!(doc.paragraphs.len() >= 4, "{:?}", doc.paragraphs);
        assert!(
            doc.paragraphs.iter().filter(|p| *p == para).count() == 4,
            "{:?}",
            doc.paragraphs
        );
    }

    #[test]
    fn a_row_of_teasers_is_not_the_lead() {
        let para = "<p>The council voted on Tuesday night after a long debate about the costs of the new building and the staff it will need.</p>";
        // A "summary" box of other stories' headlines after the headline.
        let html = format!(
            r#"<html><head><title>Library to close</title></head><body><h1>Library to close</h1>
            <div class="story-summary"><div><a href="/a">Bridge reopens after a year of repairs</a></div><div><a href="/b">Schools add a week to the summer break</a></div><div><a href="/c">Market moves to the old station yard</a></div></div>
            <article>{para}{para}{para}</article></body></html>"#
        );
        assert_eq!(parse_page(&page(&html)).unwrap().lead, None);
    }

    #[test]
    fn a_block_named_like_a_lead_that_holds_the_story_is_not_the_lead() {
        let para = |n: usize| {
            format!(
                "<p>Paragraph {n} of the story tells what happened next, in a sentence long enough to count.</p>"
            )
        };
        let html = format!(
            r#"<html><head><title>Storm closes schools</title></head><body><h1>Storm closes schools</h1>
            <div class="editorial-teaser">{}{}{}</div></body></html>"#,
            para(1),
            para(2),
            para(3)
        );
        let doc = parse_page(&page(&html)).unwrap();
        assert_eq!(doc.lead, None);
        assert_eq!(doc.paragraphs.len(), 3);
    }

    #[test]
    fn a_story_shown_in_an_overlay_is_not_dropped_with_the_overlay() {
        // A portal opens the story in a "modal" over a stream of teasers: the wrapper's
        // name says how it is shown, and the <article> inside holds headline and text.
        let teaser = |n: usize| {
            format!(
                "<li><h3>Teaser {n}</h3><p>Teaser {n} sums up another story in one sentence, with a comma, for the stream.</p></li>"
            )
        };
        let para = |n: usize| {
            format!(
                "<p>Paragraph {n} of the launch story says what the space agency reported about the cargo ship, and when, in one long sentence.</p>"
            )
        };
        let teasers: String = (1..=5).map(teaser).collect();
        let paras: String = (1..=4).map(para).collect();
        let html = format!(
            r#"<html><head><title>Cargo ship breaks up</title></head><body>
            <aside><ul class="stream">{teasers}</ul></aside>
            <div class="render-target-modal"><article><h1>Cargo ship breaks up</h1>
            <div class="canvas-body">{paras}</div></article></div>
            <footer><p>About us, contact, careers, terms of service, privacy policy, cookie settings, advertise with us, and help.</p>
            <p>Copyright notice: all rights reserved by the publisher and its partners, in every country, this year and after.</p></footer></body></html>"#
        );
        let doc = parse_page(&page(&html)).unwrap();
        assert_eq!(doc.title.as_deref(), Some("Cargo ship breaks up"));
        assert_eq!(doc.paragraphs.len(), 4, "{:?}", doc.paragraphs);
        assert!(doc.paragraphs[0].starts_with("Paragraph 1 of the launch story"));
    }

    #[test]
    fn a_page_builder_calls_every_block_a_widget_and_only_boxes_are_left_out() {
        // Page builders name the article's own text block "widget" like every other
        // block; a sidebar widget of links and a call-to-action box stay out.
        let para = |n: usize| {
            format!(
                "<p>Paragraph {n} of the review says how the new season of the series begins, who joins the cast, and why.</p>"
            )
        };
        let paras: String = (1..=6).map(para).collect();
        // The site's legal text: the article holds less than half of the page's prose.
        let legal: String = (1..=6)
            .map(|n| format!("<p>Legal notice {n}: this site stores cookies, and by reading on you agree to the terms, the privacy policy and the rules.</p>"))
            .collect();
        let links: String = (1..=8)
            .map(|n| {
                format!(r#"<li><a href="/s{n}">Another story number {n} on this site</a></li>"#)
            })
            .collect();
        let html = format!(
            r#"<html><head><title>A new season begins</title></head><body>
            <div class="builder-widget-wrap"><h1>A new season begins</h1></div>
            <div class="builder-widget builder-widget-theme-post-content"><div class="builder-widget-container">{paras}</div></div>
            <div class="builder-widget builder-widget-posts"><ul>{links}</ul></div>
            <div class="zone-widget zone-widget-cta-letter"><p>A word to our readers: we rely on your support, and every gift, however small, keeps our reporting free for everyone to read.</p></div>
            <footer>{legal}</footer></body></html>"#
        );
        let doc = parse_page(&page(&html)).unwrap();
        assert_eq!(doc.paragraphs.len(), 6, "{:?}", doc.paragraphs);
        assert!(doc.paragraphs.iter().all(|p| p.starts_with("Paragraph ")));
    }

    #[test]
    fn text_styled_away_inside_a_sentence_is_not_body_text() {
        // A formula's MathML is kept hidden for screen readers beside its image; an
        // aria-hidden glyph is still seen by readers and stays.
        let html = r#"<html><head><title>Matrices</title></head><body><h1>Matrices</h1><div class="content">
            <p>A square matrix is Hermitian when it equals its conjugate transpose <span style="display: none"><math><mi>A</mi><mi>H</mi></math></span><img src="f.png" alt="">, which the rest of this long sentence explains.</p>
            <p>Hermitian matrices are named after Charles Hermite, who showed in 1855 that they always have real eigenvalues <span aria-hidden="true">[1]</span>.</p>
            <p>They are the complex extension of real symmetric matrices, and they appear throughout quantum mechanics, as observables.</p>
            </div></body></html>"#;
        let doc = parse_page(&page(html)).unwrap();
        assert_eq!(
            doc.paragraphs[0],
            "A square matrix is Hermitian when it equals its conjugate transpose , which the rest of this long sentence explains."
        );
        assert!(
            doc.paragraphs[1].ends_with("real eigenvalues [1]."),
            "{}",
            doc.paragraphs[1]
        );
    }

    #[test]
    fn live_blogs_and_video_pages_say_what_they_are() {
        let para = "Crews worked through the night to clear the road, and the first cars passed at dawn, the police said in a statement to reporters.";
        let live = format!(
            r#"<html><head><title>Storm live</title><script type="application/ld+json">{{"@context":"https://schema.org","@type":"LiveBlogPosting","headline":"Storm live"}}</script></head>
            <body><article><h1>Storm live</h1><p>{para}</p><p>{para}</p></article></body></html>"#
        );
        assert_eq!(parse_page(&page(&live)).unwrap().kind, Kind::Live);
        let video = format!(
            r#"<html><head><title>Watch: the road reopens</title><meta property="og:type" content="video.other"></head>
            <body><article><h1>Watch: the road reopens</h1><video src="/v.mp4"></video><p>{para}</p></article></body></html>"#
        );
        assert_eq!(parse_page(&page(&video)).unwrap().kind, Kind::Video);
        let text = format!(
            r#"<html><head><title>Road reopens</title></head><body><article><h1>Road reopens</h1><p>{para}</p><p>{para}</p></article></body></html>"#
        );
        assert_eq!(parse_page(&page(&text)).unwrap().kind, Kind::Text);
    }

    #[test]
    fn a_short_story_in_an_article_element_is_an_article_beside_a_long_footer() {
        let footer = "Our office is open on weekdays from nine to five, and the switchboard takes calls about subscriptions, deliveries and notices. ".repeat(4);
        let story = "<p>The regional court ruled on Monday that the disputed land belongs to the village, ending a case that ran for nine years.</p>";
        let html = format!(
            r#"<html><head><title>Court rules on land</title></head><body>
            <main><article><h1>Court rules on land</h1><div class="post-content">{story}</div></article></main>
            <div class="site-info"><p>{footer}</p></div></body></html>"#
        );
        let doc = parse_page(&page(&html)).unwrap();
        assert!(doc.paragraphs[0].starts_with("The regional court ruled"));
        // The same story outside an article element, beside as much other prose, is not
        // told apart from a page of notices.
        let loose = html
            .replace("<article>", "<div>")
            .replace("</article>", "</div>");
        assert!(parse_page(&page(&loose)).is_err());
    }

    #[test]
    fn widget_labels_left_in_the_body_are_not_text() {
        let para = "The harbour reopened on Thursday after a week of repairs to the sea wall, and the first ferries left on time.";
        let html = format!(
            "<html><head><title>Harbour reopens</title></head><body><article><h1>Harbour reopens</h1><p>{para}</p><p>Advert</p><p>{para}</p><p>Tags</p></article></body></html>"
        );
        let doc = parse_page(&page(&html)).unwrap();
        assert_eq!(doc.paragraphs.len(), 2, "{:?}", doc.paragraphs);
    }

    #[test]
    fn a_short_story_with_a_headline_is_an_article() {
        let html = "<html><head><title>Council approves new library</title></head><body><main><h1>Council approves new library</h1>
            <p>The town council voted on Tuesday to build a new library next to the station.</p></main></body></html>";
        let doc = parse_page(&page(html)).unwrap();
        assert_eq!(doc.title.as_deref(), Some("Council approves new library"));
        assert_eq!(doc.paragraphs.len(), 1);
        // Under a sentence is still not an article, and neither is an error page.
        assert!(
            parse_page(&page(
                "<html><head><title>Note</title></head><body><p>Back soon.</p></body></html>"
            ))
            .is_err()
        );
        let err = parse_page(&page("<html><head><title>404 Not Found</title></head><body><h1>404 Not Found</h1><p>The page you were looking for has moved or never existed on this server.</p></body></html>")).unwrap_err();
        assert_eq!(err.reason, "no_article");
    }

    #[test]
    fn a_short_chinese_story_is_weighed_by_its_characters() {
        // 60 characters of Chinese: about what 180 Latin letters say.
        let html = "<html lang=\"zh\"><head><meta charset=\"utf-8\"><title>市图书馆周末开放</title></head><body><h1>市图书馆周末开放</h1>
            <div class=\"content\"><p>市政府星期二宣布，新建的市图书馆将从本周末起向公众开放，市民可以凭身份证免费借阅图书，每人每次最多借五本。</p></div></body></html>";
        let doc = parse_page(&page(html)).unwrap();
        assert!(doc.paragraphs[0].starts_with("市政府星期二宣布"));
        assert_eq!(text_weight("市政府ab"), 11);
    }

    #[test]
    fn ruby_readings_are_not_read_into_the_text() {
        // A news page for learners prints each kanji's reading above it.
        let html = "<html lang=\"ja\"><head><meta charset=\"utf-8\"><title>図書館</title></head><body><h1>新しい図書館</h1>
            <div class=\"content\"><p>市の<ruby>新<rp>(</rp><rt>あたら</rt><rp>)</rp></ruby>しい<ruby>図書館<rt>としょかん</rt></ruby>が<ruby>今週<rt>こんしゅう</rt></ruby>の<ruby>土曜日<rt>どようび</rt></ruby>から<ruby>開<rt>ひら</rt></ruby>きます。<ruby>本<rt>ほん</rt></ruby>は<ruby>一人<rt>ひとり</rt></ruby>五冊まで借りることができます。</p></div></body></html>";
        let doc = parse_page(&page(html)).unwrap();
        assert_eq!(
            doc.paragraphs[0],
            "市の新しい図書館が今週の土曜日から開きます。本は一人五冊まで借りることができます。"
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
