//! Finding the article inside a page: the container that holds the body, its
//! paragraphs in order, and the lead next to it.
//!
//! Blocks of running text vote for the containers above them (more for longer text
//! with commas, less the further up), container names add or subtract, and link-heavy
//! containers lose. The winner and any sibling that looks like more of the same article
//! (text split across several containers) form the body; inside them, boilerplate
//! blocks, captions, figures and link lists are left out.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use ego_tree::{NodeId, NodeRef};
use scraper::{ElementRef, Html, Node};

use super::dom::{collapse, is_block_tag, is_skipped_tag, push_hints, text_of};
use super::hints;

/// How many levels above the best container the body may widen. Page builders wrap
/// each block of a story in five or six levels of layout (block, section, wrapper,
/// row, column, text), and the blocks' common parent is one above that.
const WIDEN_LEVELS: usize = 9;

/// A sibling of the best container joins the body with at least this score (a few
/// sentences of its own), or a fifth of the best one's, whichever is higher.
const SIBLING_MIN_SCORE: f64 = 5.0;

/// Paragraph-like blocks shorter than this do not vote.
const MIN_VOTE_CHARS: usize = 25;

/// The body containers chosen for a page, in document order.
pub struct Content<'a> {
    pub roots: Vec<ElementRef<'a>>,
}

/// Boilerplate marks for every element: an element is boilerplate when it or an ancestor is.
///
/// Also holds every element's class/id hint text ([`super::dom::hints`]), computed once: the
/// extractors ask for it many times per element (boilerplate, lead, caption, date and
/// breadcrumb checks, each walking ancestors), and building it is most of their cost.
pub struct Boilerplate {
    marked: HashSet<NodeId>,
    hints: HashMap<NodeId, Box<str>>,
    unmarked_prose: usize,
}

impl Boilerplate {
    /// Marks the page. A block named like boilerplate ("sidebar-1", "ads-disable") that
    /// nevertheless holds most of the page's prose is a misnamed wrapper, not boilerplate:
    /// some CMSs name their main column that way.
    pub fn of(doc: &Html) -> Self {
        let nodes: Vec<NodeRef<'_, Node>> = doc.tree.root().descendants().collect();
        Self::with_dropped(doc, &nodes, &Stats::of(&nodes), &HashSet::default())
    }

    /// Like [`Boilerplate::of`], also marking the given elements (a site's `drop` rules).
    pub fn with_dropped(
        doc: &Html,
        nodes: &[NodeRef<'_, Node>],
        stats: &Stats,
        dropped: &HashSet<NodeId>,
    ) -> Self {
        let prose = |id: NodeId| {
            let s = stats.get(id);
            s.chars - s.link_chars
        };
        let total = prose(doc.tree.root().id());
        let holders = story_holders(nodes, &prose);
        // Only asked of a negatively named block holding most of the prose: rare.
        let stories = std::cell::OnceCell::new();
        let mut marked = HashSet::default();
        let mut marked_prose = 0;
        let mut hints = HashMap::default();
        let mut h = String::new();
        for node in nodes {
            let Some(el) = ElementRef::wrap(*node) else {
                continue;
            };
            h.clear();
            push_hints(&mut h, el);
            if !h.is_empty() {
                hints.insert(node.id(), Box::<str>::from(h.as_str()));
            }
            let parent_marked = node.parent().is_some_and(|p| marked.contains(&p.id()));
            let name = el.value().name();
            // Inline elements are judged with their paragraph: a link named "cms-relate"
            // inside a sentence is part of the sentence.
            let by_name = || {
                !matches!(name, "html" | "body")
                    && !declares_article(el)
                    && !holders.contains(&node.id())
                    && (is_block_tag(name)
                        || matches!(name, "aside" | "nav" | "footer" | "img" | "picture"))
                    && {
                        let beside_a_story = || {
                            beside_a_story(*node, stories.get_or_init(|| stories_of(nodes, &prose)))
                        };
                        ((prose(node.id()) * 2 < total
                            || (hints::names_other_stories(&h) && beside_a_story()))
                            && (hints::is_boilerplate(el, &h)
                                || (hints::is_weak_boilerplate(&h)
                                    && looks_like_a_box(stats.get(node.id())))))
                            || (hints::names_forum(&h) && beside_a_story())
                    }
            };
            // Hidden blocks are out even when they hold much of the prose (a collapsed
            // duplicate, a dialog), unless they hold nearly all of it (the page hides its
            // article until a script shows it) or declare themselves the article in
            // microdata (a full copy of a story the page shows cut). Inside a sentence,
            // text the page styles away (a formula's MathML kept for screen readers next
            // to its image) is not part of what readers see.
            let hidden = || {
                if is_block_tag(name) {
                    prose(node.id()) * 5 < total * 4
                        && hints::is_hidden(el)
                        && !declares_article(el)
                } else {
                    hints::is_styled_hidden(el)
                }
            };
            if parent_marked
                || is_skipped_tag(name)
                || dropped.contains(&node.id())
                || by_name()
                || hidden()
            {
                if !parent_marked {
                    marked_prose += prose(node.id());
                }
                marked.insert(node.id());
            }
        }
        Boilerplate {
            marked,
            hints,
            unmarked_prose: total.saturating_sub(marked_prose),
        }
    }

    /// Characters of the page's text outside links and outside boilerplate: what a
    /// reader sees as the page's own prose.
    pub fn unmarked_prose(&self) -> usize {
        self.unmarked_prose
    }

    pub fn contains(&self, id: NodeId) -> bool {
        self.marked.contains(&id)
    }

    /// The element's lower-cased class/id/role words ("" when it has none).
    pub fn hints(&self, el: ElementRef<'_>) -> &str {
        self.hints.get(&el.id()).map_or("", |h| h)
    }
}

/// A block with little prose of its own, or mostly links: what a sidebar box holds.
/// Decides blocks only weakly named as boilerplate ([`hints::is_weak_boilerplate`]).
fn looks_like_a_box(st: NodeStats) -> bool {
    let prose = st.chars - st.link_chars;
    prose < BOX_MAX_PROSE || st.link_chars * 3 > st.chars
}

/// Prose above which a weakly named block with few links is text, not a box: more
/// than a sidebar's "about" blurb.
const BOX_MAX_PROSE: usize = 600;

/// Prose a story element must hold for the containers around it to be exempt from
/// boilerplate names: a few paragraphs, more than any teaser.
const STORY_HOLDER_PROSE: usize = 500;

/// Every element around a whole story: an HTML5 `<article>` (or a microdata Article)
/// that holds an `<h1>` and a few paragraphs of prose. A name such as "modal" or
/// "popup" on such a wrapper describes how the page shows the story (in an overlay
/// over a stream of teasers), not boilerplate; the story must not be dropped with it.
/// Teasers on a listing are `<article>`s too, but their headlines are not `<h1>`s and
/// their text is short.
fn story_holders(nodes: &[NodeRef<'_, Node>], prose: &impl Fn(NodeId) -> usize) -> HashSet<NodeId> {
    let mut holders = HashSet::default();
    for node in nodes {
        let Some(el) = ElementRef::wrap(*node) else {
            continue;
        };
        if !(el.value().name() == "article" || declares_article(el))
            || prose(node.id()) < STORY_HOLDER_PROSE
        {
            continue;
        }
        let has_h1 = node
            .descendants()
            .any(|d| d.value().as_element().is_some_and(|e| e.name() == "h1"));
        if has_h1 {
            for a in std::iter::once(*node).chain(node.ancestors()) {
                if !holders.insert(a.id()) {
                    break;
                }
            }
        }
    }
    holders
}

/// Prose an `<article>` (or microdata Article) must hold to count as the story when a
/// block of comments beside it holds more: several paragraphs, more than any teaser.
const STORY_PROSE: usize = 1000;

/// The elements holding [`STORY_PROSE`] or more that say they are the story: an
/// `<article>`, a microdata Article, or a block named only as article text
/// ("article-text", "entry-content"; a "comment-content" is named both ways).
fn stories_of(nodes: &[NodeRef<'_, Node>], prose: &impl Fn(NodeId) -> usize) -> Vec<NodeId> {
    let mut h = String::new();
    nodes
        .iter()
        .filter(|n| {
            prose(n.id()) >= STORY_PROSE
                && ElementRef::wrap(**n).is_some_and(|el| {
                    el.value().name() == "article" || declares_article(el) || {
                        h.clear();
                        push_hints(&mut h, el);
                        hints::class_weight(&h) > 0.0
                    }
                })
        })
        .map(|n| n.id())
        .collect()
}

/// True when a story stands beside `node` (neither inside it nor around it). A block
/// named as comments or other stories that holds most of the page's prose is still
/// that, not a misnamed wrapper, when it does: a long comment thread under a short
/// opinion piece. A readers' forum is boilerplate only then: a forum page with no story
/// beside it is its posts.
fn beside_a_story(node: NodeRef<'_, Node>, stories: &[NodeId]) -> bool {
    stories.iter().any(|&s| {
        s != node.id()
            && !node.ancestors().any(|a| a.id() == s)
            && !node
                .tree()
                .get(s)
                .is_some_and(|st| st.ancestors().any(|a| a.id() == node.id()))
    })
}

/// True for an element that says in microdata that it is the article or its body
/// (`itemprop="articleBody"`, `itemtype=".../BlogPosting"`): whatever its class names
/// say ("entry author-jane"), it is not boilerplate.
///
/// Asked of every element of a page, so it walks the attributes once by name rather
/// than looking two names up (each lookup interns its name).
pub fn declares_article(el: ElementRef<'_>) -> bool {
    el.value().attrs().any(|(name, value)| match name {
        "itemprop" => value.split_ascii_whitespace().any(|p| p == "articleBody"),
        "itemtype" => is_article_type(value),
        _ => false,
    })
}

/// A microdata type naming an article (`https://schema.org/NewsArticle`).
pub fn is_article_type(itemtype: &str) -> bool {
    ["Article", "BlogPosting", "NewsArticle", "Report"]
        .iter()
        .any(|k| itemtype.trim_end_matches('/').ends_with(k))
}

/// Text measures of one subtree, computed for every node in one pass so that scoring
/// never walks a subtree twice.
#[derive(Debug, Default, Clone, Copy)]
pub struct NodeStats {
    /// Characters of visible text (scripts and styles left out).
    pub chars: usize,
    /// Of those, characters inside links.
    pub link_chars: usize,
    /// Commas in the text: a cheap sign of sentences.
    pub commas: usize,
}

/// [`NodeStats`] of every node of a page.
pub struct Stats {
    map: HashMap<NodeId, NodeStats>,
}

impl Stats {
    /// `nodes` in document order (pre-order), as `descendants()` yields them. One pass
    /// with a stack of the open ancestors: a node's totals are final when the walk
    /// leaves it, and are then added to its parent's.
    pub fn of(nodes: &[NodeRef<'_, Node>]) -> Self {
        const LINK: u8 = 1;
        const HIDDEN: u8 = 2;
        struct Open {
            id: NodeId,
            flags: u8,
            st: NodeStats,
        }
        let mut map: HashMap<NodeId, NodeStats> =
            HashMap::with_capacity_and_hasher(nodes.len() / 2, Default::default());
        let mut open: Vec<Open> = Vec::with_capacity(64);
        let close = |open: &mut Vec<Open>, map: &mut HashMap<NodeId, NodeStats>| {
            if let Some(done) = open.pop() {
                if let Some(parent) = open.last_mut() {
                    parent.st.chars += done.st.chars;
                    parent.st.link_chars += done.st.link_chars;
                    parent.st.commas += done.st.commas;
                }
                map.insert(done.id, done.st);
            }
        };
        for n in nodes {
            // Leave the open nodes that are not this node's parent.
            let parent = n.parent().map(|p| p.id());
            while open.last().is_some_and(|o| Some(o.id) != parent) {
                close(&mut open, &mut map);
            }
            let inherited = open.last().map_or(0, |o| o.flags);
            match n.value() {
                Node::Text(t) => {
                    let Some(o) = open.last_mut().filter(|o| o.flags & HIDDEN == 0) else {
                        continue;
                    };
                    let t = t.trim();
                    if t.is_empty() {
                        continue;
                    }
                    let chars = t.chars().count();
                    o.st.chars += chars;
                    if o.flags & LINK != 0 {
                        o.st.link_chars += chars;
                    }
                    let b = t.as_bytes();
                    o.st.commas += memchr::memchr_iter(b',', b).count();
                    // CJK commas start with these bytes; most text has neither.
                    if memchr::memchr2(0xEF, 0xE3, b).is_some() {
                        o.st.commas += t.matches(['，', '、']).count();
                    }
                }
                v => {
                    let own = match v {
                        Node::Element(e) => {
                            (if e.name() == "a" { LINK } else { 0 })
                                | (if is_skipped_tag(e.name()) { HIDDEN } else { 0 })
                        }
                        _ => 0,
                    };
                    open.push(Open {
                        id: n.id(),
                        flags: own | inherited,
                        st: NodeStats::default(),
                    });
                }
            }
        }
        while !open.is_empty() {
            close(&mut open, &mut map);
        }
        Stats { map }
    }

    pub fn get(&self, id: NodeId) -> NodeStats {
        self.map.get(&id).copied().unwrap_or_default()
    }
}

fn is_paragraph_like(el: ElementRef<'_>) -> bool {
    match el.value().name() {
        "p" | "pre" | "blockquote" | "h2" | "h3" | "h4" | "li" | "td" | "dd" => true,
        "div" | "section" | "article" | "span" | "font" => has_direct_text(el),
        _ => false,
    }
}

/// True when an element holds running text itself rather than only in child blocks.
fn has_direct_text(el: ElementRef<'_>) -> bool {
    let mut n = 0;
    for c in el.children() {
        match c.value() {
            Node::Text(t) => n += t.trim().len(),
            Node::Element(e) if !is_block_tag(e.name()) && !is_skipped_tag(e.name()) => {
                if let Some(ce) = ElementRef::wrap(c) {
                    n += ce.text().map(|t| t.trim().len()).sum::<usize>();
                }
            }
            _ => {}
        }
        if n >= MIN_VOTE_CHARS * 2 {
            return true;
        }
    }
    false
}

/// Picks the body containers of a page, or `None` when nothing reads like an article.
pub fn find<'a>(
    doc: &'a Html,
    nodes: &[NodeRef<'a, Node>],
    stats: &Stats,
    bp: &Boilerplate,
) -> Option<Content<'a>> {
    find_without(doc, nodes, stats, bp, None)
}

/// [`find`], leaving out the text inside `left_out` (a block already known not to be
/// the body, such as the lead).
pub fn find_without<'a>(
    doc: &'a Html,
    nodes: &[NodeRef<'a, Node>],
    stats: &Stats,
    bp: &Boilerplate,
    left_out: Option<NodeId>,
) -> Option<Content<'a>> {
    let mut scores: HashMap<NodeId, f64> = HashMap::default();
    let mut order: Vec<NodeId> = Vec::new();
    let is_left_out = |n: &NodeRef<'_, Node>| {
        left_out.is_some_and(|l| n.id() == l || n.ancestors().any(|a| a.id() == l))
    };
    for node in nodes {
        let Some(el) = ElementRef::wrap(*node) else {
            continue;
        };
        if bp.contains(node.id()) || !is_paragraph_like(el) || is_left_out(node) {
            continue;
        }
        let st = stats.get(node.id());
        let len = st.chars;
        if len < MIN_VOTE_CHARS || st.link_chars * 2 > len {
            continue;
        }
        let mut vote = 1.0 + st.commas as f64 + (len as f64 / 100.0).min(3.0);
        // A slide's caption in a slide show set inside the story is a caption, however
        // long: the slides together must not out-vote the story around them.
        if node
            .ancestors()
            .take(SLIDE_DEPTH)
            .filter_map(ElementRef::wrap)
            .any(|a| hints::names_slideshow(bp.hints(a)))
        {
            vote /= 4.0;
        }
        // A div with its own text is its own container too.
        let own = matches!(el.value().name(), "div" | "section" | "article" | "td");
        let mut target = if own { Some(*node) } else { node.parent() };
        let mut share = 1.0;
        for _ in 0..3 {
            let Some(t) = target else {
                break;
            };
            if ElementRef::wrap(t).is_none() {
                break;
            }
            let entry = scores.entry(t.id()).or_insert_with(|| {
                order.push(t.id());
                0.0
            });
            *entry += vote * share;
            share = if share == 1.0 { 0.5 } else { share / 1.5 };
            target = t.parent();
        }
    }
    let mut best: Option<(NodeId, f64)> = None;
    let mut finals: HashMap<NodeId, f64> = HashMap::default();
    for id in &order {
        let Some(el) = doc.tree.get(*id).and_then(ElementRef::wrap) else {
            continue;
        };
        let st = stats.get(*id);
        let density = st.link_chars as f64 / st.chars.max(1) as f64;
        let marked = if el.value().attr("itemprop") == Some("articleBody") {
            25.0
        } else {
            0.0
        };
        // A name says "text" or "content" of the block, but only prose makes it the
        // story: an image's wrapper named "textpic" holding a credit line is not.
        let named = match hints::class_weight(bp.hints(el)) {
            w if w > 0.0 && st.chars - st.link_chars < NAMED_MIN_PROSE => 0.0,
            w => w,
        };
        let score = (scores[id] + named + marked) * (1.0 - density);
        finals.insert(*id, score);
        if best.is_none_or(|(_, s)| score > s) {
            best = Some((*id, score));
        }
    }
    let (best_id, best_score) = best?;
    let top = doc.tree.get(best_id).and_then(ElementRef::wrap)?;
    let top = widen(top, stats, bp);
    let roots = with_siblings(top, best_score, &finals, stats, bp);
    // Why a page's body is what it is: `NEWSMILL_LOG=newsmill::parse=trace`.
    tracing::trace!(
        best = %describe(top, bp),
        roots = ?roots.iter().map(|r| describe(*r, bp)).collect::<Vec<_>>(),
        "body containers"
    );
    Some(Content { roots })
}

/// An element as `tag.hints`, for trace logs.
fn describe(el: ElementRef<'_>, bp: &Boilerplate) -> String {
    format!("{}.{}", el.value().name(), bp.hints(el).replace(' ', "."))
}

/// Prose a block must hold for its name ("article-text", "content") to count.
const NAMED_MIN_PROSE: usize = 100;

/// How far above a caption its slide show's container is looked for (slide show,
/// slide list, slide, the slide's text box, with room for a wrapper or two).
const SLIDE_DEPTH: usize = 6;

/// Climbs from the best container while its parent holds more prose paragraphs of the
/// same article: CMSs often split a story across several blocks (a first paragraph
/// above an embedded player, the rest below), and a reader would call it one body.
fn widen<'a>(top: ElementRef<'a>, stats: &Stats, bp: &Boilerplate) -> ElementRef<'a> {
    let mut root = top;
    let mut level = top;
    // The classes of the blocks that hold the best container's own paragraphs
    // ("bodytext" in "textpic_text > fliess_text > p"): the template's text blocks.
    let text_blocks: Vec<&str> = top
        .descendants()
        .filter_map(ElementRef::wrap)
        .filter(|e| e.value().name() == "p" && stats.get(e.id()).chars >= 80)
        .filter_map(|e| e.parent().and_then(ElementRef::wrap))
        .filter(|b| b.id() != top.id())
        .filter_map(|b| b.value().attr("class").filter(|c| !c.trim().is_empty()))
        .take(8)
        .collect();
    for _ in 0..WIDEN_LEVELS {
        let Some(parent) = level.parent().and_then(ElementRef::wrap) else {
            break;
        };
        if matches!(parent.value().name(), "body" | "html") || bp.contains(parent.id()) {
            break;
        }
        let st = stats.get(parent.id());
        if st.link_chars * 2 > st.chars {
            break;
        }
        // Prose outside the current body, in blocks built like the best container
        // (same tag and class: the same CMS template, so the same story) or like the
        // text blocks inside it, not boilerplate.
        let mut extra = 0;
        for n in parent.descendants() {
            let Some(el) = ElementRef::wrap(n) else {
                continue;
            };
            // Cheap tests first: most nodes are not paragraphs of the template.
            if el.value().name() != "p"
                || !el.parent().and_then(ElementRef::wrap).is_some_and(|p| {
                    same_kind(p, top)
                        || nested_classes(p, top)
                        || p.value()
                            .attr("class")
                            .is_some_and(|c| text_blocks.contains(&c))
                })
                || bp.contains(n.id())
                || n.ancestors().any(|a| a.id() == root.id())
            {
                continue;
            }
            let ps = stats.get(n.id());
            if ps.chars >= 80 && ps.link_chars * 4 < ps.chars {
                extra += ps.chars;
            }
        }
        // Wrappers that add nothing are climbed through; a level that adds prose is taken.
        if extra >= 120 {
            root = parent;
        }
        level = parent;
    }
    root
}

/// Same tag, and one's classes all among the other's: the same grid cell with one more
/// modifier ("col-md-12" and "col-lg-7 col-md-12").
fn nested_classes(a: ElementRef<'_>, b: ElementRef<'_>) -> bool {
    if a.value().name() != b.value().name() {
        return false;
    }
    let (ca, cb): (Vec<&str>, Vec<&str>) =
        (a.value().classes().collect(), b.value().classes().collect());
    !ca.is_empty()
        && !cb.is_empty()
        && (ca.iter().all(|c| cb.contains(c)) || cb.iter().all(|c| ca.contains(c)))
}

/// Same tag and same class list: blocks made by the same template.
fn same_kind(a: ElementRef<'_>, b: ElementRef<'_>) -> bool {
    a.value().name() == b.value().name() && a.value().attr("class") == b.value().attr("class")
}

/// The top container plus siblings that continue the article (same class, or a good
/// score of their own, or a plain paragraph of prose).
fn with_siblings<'a>(
    top: ElementRef<'a>,
    top_score: f64,
    finals: &HashMap<NodeId, f64>,
    stats: &Stats,
    bp: &Boilerplate,
) -> Vec<ElementRef<'a>> {
    let Some(parent) = top.parent() else {
        return vec![top];
    };
    let threshold = (top_score * 0.2).max(SIBLING_MIN_SCORE);
    let top_class = top.value().attr("class").unwrap_or("");
    let mut roots: Vec<ElementRef<'a>> = Vec::new();
    for child in parent.children() {
        let Some(el) = ElementRef::wrap(child) else {
            continue;
        };
        if child.id() == top.id() {
            roots.push(el);
            continue;
        }
        if bp.contains(child.id()) {
            continue;
        }
        let score = finals.get(&child.id()).copied().unwrap_or(0.0);
        // Blocks made by the same template as the best one: the same class, or (for
        // class-less markup) the same tag holding text of its own, as the best one does.
        let same_class = !top_class.is_empty() && el.value().attr("class") == Some(top_class);
        let same_plain = top_class.is_empty() && same_kind(el, top) && has_direct_text(el);
        let prose = el.value().name() == "p" && {
            let st = stats.get(child.id());
            st.chars > 80 && st.link_chars * 4 < st.chars
        };
        if score >= threshold || ((same_class || same_plain) && score > 0.0) || prose {
            roots.push(el);
        }
    }
    fill_gaps(parent, roots, bp)
}

/// Everything between the first and the last body block belongs to the article: a story
/// is interrupted by subheadings, a list, a table, an embedded player or a run of short
/// or link-only paragraphs, and the text after the interruption is still the story.
/// Boilerplate in the gap stays out (the paragraph walk skips it), and so does anything
/// before the first block or after the last one.
fn fill_gaps<'a>(
    parent: NodeRef<'a, Node>,
    roots: Vec<ElementRef<'a>>,
    bp: &Boilerplate,
) -> Vec<ElementRef<'a>> {
    if roots.len() < 2 {
        return roots;
    }
    let (first, last) = (roots[0].id(), roots[roots.len() - 1].id());
    let mut inside = false;
    let mut out = Vec::with_capacity(roots.len());
    for child in parent.children() {
        if child.id() == first {
            inside = true;
        }
        if inside
            && !bp.contains(child.id())
            && let Some(el) = ElementRef::wrap(child)
        {
            out.push(el);
        }
        if child.id() == last {
            break;
        }
    }
    out
}

/// One block of text from the body.
#[derive(Debug, Clone)]
pub struct Para {
    pub text: String,
    pub link_chars: usize,
    pub heading: bool,
    /// An item of a list that also holds prose: kept however many links it has.
    pub in_prose_list: bool,
    /// Set apart as a signature: aligned right, as Vietnamese portals print the
    /// author's name under the story.
    pub right_aligned: bool,
}

/// What the text being walked sits in.
#[derive(Clone, Copy, Default)]
struct Inline {
    link: bool,
    right: bool,
}

/// Paragraphs of the body containers in order, leaving out boilerplate, captions,
/// figures, picture tables, the lead block and link lists.
pub fn paragraphs(
    content: &Content<'_>,
    stats: &Stats,
    bp: &Boilerplate,
    skip: &HashSet<NodeId>,
) -> Vec<Para> {
    let mut em = Emitter {
        out: Vec::new(),
        cur: String::new(),
        cur_links: 0,
        heading: false,
        in_prose_list: false,
        cur_right: false,
        stats,
        prose_lists: HashMap::default(),
    };
    for root in &content.roots {
        em.flush();
        walk(**root, Inline::default(), bp, skip, &mut em);
        em.flush();
    }
    em.out
        .into_iter()
        .filter(|p| p.in_prose_list || p.link_chars * 10 < p.text.chars().count() * 6)
        .collect()
}

/// True for a list with at least one item of prose: its link-only items ("Here's our
/// year in review!") are points of the story like the others. A list of nothing but
/// links is a related-stories box and stays out.
fn is_prose_list(list: NodeRef<'_, Node>, stats: &Stats) -> bool {
    // A sub-list is a point of its item: under a prose list it is the outline's detail
    // ("In progress:" then the bugs it names), however many links it holds.
    let under_prose_item = list
        .parent()
        .filter(|li| matches!(li.value(), Node::Element(e) if e.name() == "li"))
        .and_then(|li| li.parent())
        .is_some_and(|outer| is_prose_list(outer, stats));
    under_prose_item
        || list.children().any(|li| {
            matches!(li.value(), Node::Element(e) if e.name() == "li") && {
                let st = stats.get(li.id());
                st.chars >= MIN_VOTE_CHARS && st.link_chars * 2 < st.chars
            }
        })
}

struct Emitter<'s> {
    out: Vec<Para>,
    cur: String,
    cur_links: usize,
    heading: bool,
    in_prose_list: bool,
    /// The text so far sits in a right-aligned block.
    cur_right: bool,
    stats: &'s Stats,
    /// [`is_prose_list`] of each list met, asked once per list rather than once per
    /// item (a list of thousands of short items was quadratic).
    prose_lists: HashMap<NodeId, bool>,
}

impl Emitter<'_> {
    /// [`is_prose_list`], asked once per list.
    fn is_prose_list(&mut self, list: NodeRef<'_, Node>) -> bool {
        let stats = self.stats;
        *self
            .prose_lists
            .entry(list.id())
            .or_insert_with(|| is_prose_list(list, stats))
    }

    fn flush(&mut self) {
        let text = collapse(&self.cur);
        if !text.is_empty() {
            self.out.push(Para {
                text,
                link_chars: self.cur_links,
                heading: self.heading,
                in_prose_list: self.in_prose_list,
                right_aligned: self.cur_right,
            });
        }
        self.cur.clear();
        self.cur_links = 0;
        self.heading = false;
        self.in_prose_list = false;
        self.cur_right = false;
    }
}

fn walk(
    node: NodeRef<'_, Node>,
    at: Inline,
    bp: &Boilerplate,
    skip: &HashSet<NodeId>,
    em: &mut Emitter,
) {
    for child in node.children() {
        match child.value() {
            Node::Text(t) => {
                if !t.trim().is_empty() {
                    em.cur_right |= at.right;
                }
                em.cur.push_str(t);
                if at.link {
                    em.cur_links += t.trim().chars().count();
                }
            }
            Node::Element(e) => {
                let name = e.name();
                if skip.contains(&child.id()) || bp.contains(child.id()) {
                    // A boilerplate block splits the text around it.
                    if is_block_tag(name) {
                        em.flush();
                    }
                    continue;
                }
                let Some(el) = ElementRef::wrap(child) else {
                    continue;
                };
                if matches!(name, "figure" | "figcaption" | "header")
                    || hints::is_caption(el, bp.hints(el))
                    || is_picture_table(el)
                    || super::images::is_image_line(el)
                    || is_teaser_card(el)
                {
                    em.flush();
                    continue;
                }
                if name == "br" {
                    em.flush();
                    continue;
                }
                if matches!(name, "td" | "th") {
                    // A table row reads as one line, its cells joined by " | ".
                    if !em.cur.trim().is_empty() {
                        em.cur.push_str(" | ");
                    }
                    walk(child, at, bp, skip, em);
                } else if is_block_tag(name) {
                    em.flush();
                    em.heading = matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6");
                    em.in_prose_list = if name == "li" {
                        child.parent().is_some_and(|list| em.is_prose_list(list))
                    } else {
                        // A heading over a list of points heads a section of the story
                        // however much of it is a link ("<h4><a href=wiki>Password
                        // Manager</a></h4><ul>..."); over a teaser it stays out.
                        em.heading
                            && el
                                .next_siblings()
                                .find_map(ElementRef::wrap)
                                .filter(|n| matches!(n.value().name(), "ul" | "ol"))
                                .is_some_and(|list| em.is_prose_list(*list))
                    };
                    let right = at.right || aligns_right(el);
                    walk(child, Inline { right, ..at }, bp, skip, em);
                    em.flush();
                } else {
                    // A heading's permalink leads to a place in this page: its text is
                    // the story's own. A jump button elsewhere ("Jump to recipe", "Join
                    // the discussion") and a table of contents still count as links.
                    let own = em.heading && is_in_page_anchor(el);
                    let link = at.link || (name == "a" && !own);
                    walk(child, Inline { link, ..at }, bp, skip, em);
                }
            }
            _ => {}
        }
    }
}

/// A link to a place in the same page (`href="#section"`), not a bare `#` (a script's
/// button).
fn is_in_page_anchor(el: ElementRef<'_>) -> bool {
    el.value()
        .attr("href")
        .is_some_and(|h| h.trim().strip_prefix('#').is_some_and(|f| !f.is_empty()))
}

/// A card for another story set inside the body: a linked picture and a heading that
/// is all link, with at most a short summary ("<div><a><img></a><h4><a>Title</a></h4>
/// <p>summary</p></div>"). The summary is the other story's, not this one's.
fn is_teaser_card(el: ElementRef<'_>) -> bool {
    if !matches!(el.value().name(), "div" | "aside" | "section") {
        return false;
    }
    let kids: Vec<ElementRef<'_>> = el.children().filter_map(ElementRef::wrap).collect();
    if kids.len() > 4 {
        return false;
    }
    let is = |e: &ElementRef<'_>, tags: &[&str]| tags.contains(&e.value().name());
    // Asked in order of cost: most blocks have no linked picture among their children.
    let linked_picture = kids.iter().any(|k| {
        is(k, &["a"])
            && k.descendants()
                .any(|d| matches!(d.value(), Node::Element(x) if x.name() == "img"))
    });
    if !linked_picture {
        return false;
    }
    let linked_heading = kids.iter().any(|k| {
        is(k, &["h2", "h3", "h4", "h5", "h6"]) && {
            let text = text_of(*k);
            !text.is_empty()
                && k.children()
                    .filter_map(ElementRef::wrap)
                    .any(|a| a.value().name() == "a" && text_of(a) == text)
        }
    });
    linked_heading
        && kids
            .iter()
            .filter(|k| !is(k, &["a", "h2", "h3", "h4", "h5", "h6"]))
            .map(|k| text_of(*k).chars().count())
            .sum::<usize>()
            <= 300
}

/// `align="right"` or an inline `text-align: right`.
pub fn aligns_right(el: ElementRef<'_>) -> bool {
    el.value()
        .attr("align")
        .is_some_and(|a| a.eq_ignore_ascii_case("right"))
        || super::dom::style_has(el, "text-align:right")
}

/// A layout table that frames an image and its caption (as on many older portals).
///
/// A table that sets a step's text beside its picture (a row of an image cell and a
/// cell of sentences, as recipes and how-tos on older portals do) is a layout of the
/// story, not a picture with its caption.
pub fn is_picture_table(el: ElementRef<'_>) -> bool {
    if el.value().name() != "table" {
        return false;
    }
    let has_img = |e: ElementRef<'_>| {
        e.descendants()
            .any(|n| matches!(n.value(), Node::Element(x) if x.name() == "img"))
    };
    if !has_img(el) || text_of(el).chars().count() >= 400 {
        return false;
    }
    let text_beside_image = el
        .descendants()
        .filter_map(ElementRef::wrap)
        .filter(|r| r.value().name() == "tr")
        .any(|row| {
            let cells: Vec<ElementRef<'_>> = row
                .children()
                .filter_map(ElementRef::wrap)
                .filter(|c| matches!(c.value().name(), "td" | "th"))
                .collect();
            cells.iter().any(|c| has_img(*c))
                && cells
                    .iter()
                    .any(|c| !has_img(*c) && text_of(*c).chars().count() >= STEP_CHARS)
        });
    !text_beside_image
}

/// Text beside a picture, in the same row, that is a step of the story rather than a
/// label: a sentence or two.
const STEP_CHARS: usize = 80;
