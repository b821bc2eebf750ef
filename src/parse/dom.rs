//! Small DOM helpers shared by the extractors: text of a subtree, class/id hints.

use ego_tree::NodeRef;
use scraper::{ElementRef, Node};

/// Elements whose text is never article text.
pub fn is_skipped_tag(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "iframe"
            | "svg"
            | "canvas"
            | "button"
            | "select"
            | "option"
            | "input"
            | "textarea"
            | "object"
            | "embed"
            | "video"
            | "audio"
            | "head"
            | "title"
            | "meta"
            | "link"
            // MathML's source encodings (TeX): browsers show the rendered formula only.
            | "annotation"
            | "annotation-xml"
            // Ruby annotations: the reading printed over Japanese or Chinese characters
            // ("子<rt>こ</rt>ども") and its fallback brackets. The text is the base
            // characters; read inline, the reading doubles every annotated word.
            | "rt"
            | "rp"
    )
}

/// Elements that start a new paragraph.
pub fn is_block_tag(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "section"
            | "article"
            | "main"
            | "aside"
            | "header"
            | "footer"
            | "nav"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "ul"
            | "ol"
            | "li"
            | "dl"
            | "dt"
            | "dd"
            | "blockquote"
            | "pre"
            | "table"
            | "tr"
            | "td"
            | "th"
            | "tbody"
            | "thead"
            | "tfoot"
            | "figure"
            | "figcaption"
            | "form"
            | "fieldset"
            | "address"
            | "hr"
            | "br"
            | "center"
            | "details"
            | "summary"
            | "caption"
    )
}

/// Visible text of a subtree with single spaces, block boundaries turned into spaces.
pub fn text_of(el: ElementRef<'_>) -> String {
    let mut out = String::new();
    collect_text(*el, &mut out);
    collapse(&out)
}

fn collect_text(node: NodeRef<'_, Node>, out: &mut String) {
    for child in node.children() {
        match child.value() {
            Node::Text(t) => out.push_str(t),
            Node::Element(e) => {
                let name = e.name();
                if is_skipped_tag(name) {
                    continue;
                }
                let block = is_block_tag(name);
                if block {
                    out.push(' ');
                }
                collect_text(child, out);
                if block {
                    out.push(' ');
                }
            }
            _ => {}
        }
    }
}

/// Collapses runs of whitespace to one space and trims.
pub fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Lower-cased `class`, `id` and `role` of an element, joined, for hint matching.
///
/// One pass over the attributes: looking each name up with `attr` would intern it
/// first. Extractors read a page's hints through [`super::content::Boilerplate::hints`],
/// which computes them once per element.
pub fn hints(el: ElementRef<'_>) -> String {
    let mut s = String::new();
    push_hints(&mut s, el);
    s
}

/// Appends the element's hint text (see [`hints`]) to `s`.
pub fn push_hints(s: &mut String, el: ElementRef<'_>) {
    for (name, value) in el.value().attrs() {
        push_hint(s, name, value);
    }
}

/// Adds a `class`, `id` or `role` value to hint text, lower-cased.
///
/// Taxonomy classes (`tag-review`, `category-news`, `author-jane`, which blog engines put
/// on every post container beside `hentry`/`type-post`) name what the article is about
/// or who wrote it, not what the block is: on such containers they are left out, or
/// every tagged post would read as a "tag" box and every signed one as an author box.
fn push_hint(s: &mut String, name: &str, value: &str) {
    if !matches!(name, "class" | "id" | "role") || value.is_empty() {
        return;
    }
    let post = name == "class" && is_post_container(value);
    for part in value.split_ascii_whitespace() {
        if post && is_taxonomy_class(part) {
            continue;
        }
        // Layout notes say what a block has beside it, not what it is: a modifier
        // naming a sidebar ("pagebody--wsidebar" is a page body laid out beside one) and
        // "has-sidebar" / "with-comments" / "no-sidebar" / "no_caption".
        // So is the same note inside a name ("main-with-right-sidebar"). A utility
        // class's screen-size or state prefix ("lg:", "hover:") says when the style
        // applies, not what the block is.
        let part = if name == "class" {
            let part = part.rsplit(':').next().unwrap_or(part);
            match part.find("--").or_else(|| part.find("-with-")) {
                Some(i) if part[i..].contains("sidebar") => &part[..i],
                _ => part,
            }
        } else {
            part
        };
        if part.is_empty() {
            continue;
        }
        if name == "class" && (is_layout_note(part) || is_listing_state(part)) {
            continue;
        }
        if !s.is_empty() {
            s.push(' ');
        }
        let from = s.len();
        s.push_str(part);
        s[from..].make_ascii_lowercase();
    }
}

/// The classes blog engines give a post's container (`hentry`, `type-post`, `post-123`).
fn is_post_container(classes: &str) -> bool {
    classes.split_ascii_whitespace().any(|c| {
        c.eq_ignore_ascii_case("hentry")
            || c.starts_with("type-")
            || c.strip_prefix("post-")
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    })
}

fn is_layout_note(class: &str) -> bool {
    [
        "has-", "with-", "no-", "without-", "has_", "with_", "no_", "without_",
    ]
    .iter()
    .any(|p| {
        class.len() > p.len() && class.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes())
    })
}

/// A flag saying how the CMS lists the post, not what the block is: Drupal puts
/// `node--promoted` on every story promoted to the front page (and "promo" would
/// otherwise name it an advert). "promoted-stories" (a sponsored box) is not one.
fn is_listing_state(class: &str) -> bool {
    // Asked of every class of every element: compared in place, without lower-casing
    // a copy.
    const FLAG: &[u8] = b"promoted";
    let b = class.as_bytes();
    b.len() >= FLAG.len()
        && b[b.len() - FLAG.len()..].eq_ignore_ascii_case(FLAG)
        && (b.len() == FLAG.len() || matches!(b[b.len() - FLAG.len() - 1], b'-' | b'_'))
}

fn is_taxonomy_class(class: &str) -> bool {
    ["tag-", "category-", "post_tag-", "post-tag-", "author-"]
        .iter()
        .any(|p| {
            class.len() > p.len() && class.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes())
        })
}

/// True when the element's inline style declares `decl` ("text-align:right"), however
/// the page spaced or cased it ("TEXT-ALIGN: right").
pub fn style_has(el: ElementRef<'_>, decl: &str) -> bool {
    el.value()
        .attr("style")
        .is_some_and(|s| compact_style(s).contains(decl))
}

/// An inline style without white space, in lower case: declarations compare as written
/// in the rules ("display:none").
pub fn compact_style(style: &str) -> String {
    style
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Parent element, if any.
pub fn parent(el: ElementRef<'_>) -> Option<ElementRef<'_>> {
    el.parent().and_then(ElementRef::wrap)
}
