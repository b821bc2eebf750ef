//! In-article images with their alt text and caption.
//!
//! Captions come in a few layouts across CMSs: `figure` with `figcaption` (one caption
//! may serve an album of several images), a layout table with the caption in a cell
//! (`table.picture` / `td.caption`), or a caption block right after the image. The
//! search climbs from the image to the nearest ancestor that holds a caption, but never
//! past a block of running text, so one image never takes another's caption.

use std::collections::HashMap;

use ego_tree::NodeId;
use scraper::{ElementRef, Html};
use url::Url;

use super::content::Boilerplate;
use super::dom::{parent, text_of};
use super::hints;
use crate::normalise::url::resolve;
use crate::record::Image;

/// Attributes that lazy-loading scripts read the real image URL from, in order of trust.
pub(super) const LAZY_ATTRS: &[&str] = &[
    "data-src",
    "data-original",
    "data-lazy-src",
    "data-lazy",
    "data-url",
    "data-full-src",
    "data-srcset",
    "srcset",
    "data-lazy-srcset",
];

/// How far up from an image a caption is looked for.
const MAX_CAPTION_CLIMB: usize = 4;

/// Images inside `scope` in page order, leaving out boilerplate blocks, icons, logos and
/// images that link to other pages (related-article thumbnails).
pub fn extract(
    doc: &Html,
    scope: ElementRef<'_>,
    bp: &Boilerplate,
    base: Option<&Url>,
    caption_rule: Option<&scraper::Selector>,
) -> Vec<Image> {
    let imgs: Vec<ElementRef<'_>> = scope
        .descendants()
        .filter_map(ElementRef::wrap)
        .filter(|e| e.value().name() == "img" && !bp.contains(e.id()))
        .collect();
    // A src shared by several lazy images is a placeholder, whatever its name.
    let mut src_count: HashMap<&str, usize> = HashMap::new();
    for img in &imgs {
        if let Some(s) = img.value().attr("src") {
            *src_count.entry(s).or_default() += 1;
        }
    }
    let mut out: Vec<Image> = Vec::new();
    for img in imgs {
        if is_decoration(img, bp) || links_elsewhere(img) {
            continue;
        }
        let Some(src) = real_src(img, &src_count, base) else {
            continue;
        };
        if out.iter().any(|i| i.src == src) {
            continue;
        }
        let alt = img.value().attr("alt").map(|a| a.to_string());
        let caption = caption_for(doc, img, scope, bp, caption_rule);
        // The caption stays as the page shows it; the credit is also given on its own.
        let credit = caption.as_deref().and_then(|c| split_credit(c).1);
        out.push(Image {
            src,
            alt,
            caption,
            credit,
        });
    }
    out
}

fn is_decoration(img: ElementRef<'_>, bp: &Boilerplate) -> bool {
    let v = img.value();
    let small = |a: &str| {
        v.attr(a)
            .and_then(|w| w.trim_end_matches("px").parse::<u32>().ok())
            .is_some_and(|w| w > 0 && w < 60)
    };
    if small("width") || small("height") {
        return true;
    }
    let h = format!(
        "{} {}",
        bp.hints(img),
        v.attr("src").unwrap_or("").to_ascii_lowercase()
    );
    [
        "logo",
        "avatar",
        "icon",
        "emoji",
        "sprite",
        "tracking",
        "pixel.gif",
        "badge",
    ]
    .iter()
    .any(|w| h.contains(w))
}

/// True when the image is a link to another HTML page: a teaser, not a picture of this story.
fn links_elsewhere(img: ElementRef<'_>) -> bool {
    for anc in img.ancestors().take(3) {
        let Some(a) = ElementRef::wrap(anc) else {
            continue;
        };
        if a.value().name() == "a" {
            let href = a.value().attr("href").unwrap_or("").to_ascii_lowercase();
            let to_image = [".jpg", ".jpeg", ".png", ".webp", ".gif", ".avif"]
                .iter()
                .any(|e| href.split('?').next().unwrap_or("").ends_with(e));
            return !href.is_empty()
                && !href.starts_with('#')
                && !href.starts_with("javascript")
                && !to_image;
        }
    }
    false
}

fn is_placeholder(src: &str, shared: usize) -> bool {
    let s = src.trim().to_ascii_lowercase();
    s.is_empty()
        || s.starts_with("data:")
        || shared >= 3
        || [
            "blank.",
            "placeholder",
            "spacer",
            "transparent",
            "1x1",
            "lazy.",
            "loading.",
            "grey.gif",
            "gray.gif",
            "no-image",
            "noimage",
        ]
        .iter()
        .any(|w| s.contains(w))
}

/// The image's real URL: `src` unless it is a placeholder, else the lazy-loading attributes.
fn real_src(
    img: ElementRef<'_>,
    src_count: &HashMap<&str, usize>,
    base: Option<&Url>,
) -> Option<String> {
    let v = img.value();
    if let Some(src) = v.attr("src") {
        if !is_placeholder(src, src_count.get(src).copied().unwrap_or(0)) {
            if let Some(abs) = resolve(base, src) {
                return Some(abs);
            }
        }
    }
    for attr in LAZY_ATTRS {
        let Some(value) = v.attr(attr) else { continue };
        let candidate = if attr.ends_with("srcset") {
            largest_in_srcset(value)
        } else {
            Some(value.trim().to_string())
        };
        if let Some(c) = candidate.filter(|c| !is_placeholder(c, 0)) {
            if let Some(abs) = resolve(base, &c) {
                return Some(abs);
            }
        }
    }
    None
}

/// The widest candidate of a `srcset` ("a.jpg 480w, b.jpg 960w").
fn largest_in_srcset(srcset: &str) -> Option<String> {
    srcset
        .split(',')
        .filter_map(|part| {
            let mut it = part.split_whitespace();
            let url = it.next()?;
            let w = it
                .next()
                .and_then(|d| d.trim_end_matches(['w', 'x']).parse::<f64>().ok())
                .unwrap_or(1.0);
            Some((w, url.to_string()))
        })
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, u)| u)
}

/// The caption of an image: the nearest caption element found climbing at most a few
/// levels, stopping at blocks that hold running text.
fn caption_for(
    doc: &Html,
    img: ElementRef<'_>,
    scope: ElementRef<'_>,
    bp: &Boilerplate,
    rule: Option<&scraper::Selector>,
) -> Option<String> {
    let mut node = img;
    for _ in 0..MAX_CAPTION_CLIMB {
        let Some(up) = parent(node) else { break };
        if up.id() == scope.id() {
            break;
        }
        let captions: Vec<ElementRef<'_>> = up
            .descendants()
            .filter_map(ElementRef::wrap)
            .filter(|e| hints::is_caption(*e, bp.hints(*e)) || rule.is_some_and(|r| r.matches(e)))
            .collect();
        // Keep the outermost caption elements only (a td.caption holding a p.caption is one caption).
        let captions: Vec<ElementRef<'_>> = captions
            .iter()
            .copied()
            .filter(|c| {
                !captions
                    .iter()
                    .any(|o| o.id() != c.id() && c.ancestors().any(|a| a.id() == o.id()))
            })
            .collect();
        if !captions.is_empty() {
            let chosen = if captions.len() == 1 {
                captions[0]
            } else {
                // Several captions: the first one after this image in page order.
                match captions.iter().find(|c| follows(doc, img.id(), c.id())) {
                    Some(c) => *c,
                    None => return None,
                }
            };
            let text = text_of(chosen);
            return (!text.is_empty()).then_some(text);
        }
        // An image block followed by a caption line ("<p><img></p><p><em>caption</em></p>").
        if text_of(node).chars().count() < 20 {
            if let Some(c) = next_caption_block(node) {
                return Some(c);
            }
        }
        if holds_running_text(up, node) {
            break;
        }
        node = up;
    }
    None
}

/// True when `up` holds prose besides the branch we came from: climbing further would reach other images.
fn holds_running_text(up: ElementRef<'_>, from: ElementRef<'_>) -> bool {
    up.children()
        .filter_map(ElementRef::wrap)
        .filter(|c| c.id() != from.id())
        .any(|c| c.value().name() == "p" && text_of(c).chars().count() > 150)
}

/// A caption written as the element right after the image block (an `em`/`i` line, or
/// a short centred paragraph).
fn next_caption_block(block: ElementRef<'_>) -> Option<String> {
    let next = block.next_siblings().find_map(ElementRef::wrap)?;
    let name = next.value().name();
    let text = text_of(next);
    let len = text.chars().count();
    if len == 0 || len > 300 {
        return None;
    }
    let italic = next.children().filter_map(ElementRef::wrap).count() == 1
        && next
            .children()
            .filter_map(ElementRef::wrap)
            .all(|c| matches!(c.value().name(), "em" | "i"))
        && next
            .children()
            .filter_map(ElementRef::wrap)
            .all(|c| text_of(c) == text);
    let centred = next
        .value()
        .attr("style")
        .is_some_and(|s| s.replace(' ', "").contains("text-align:center"))
        || next.value().attr("align") == Some("center");
    if (name == "p" || name == "div") && (italic || centred) && !text.ends_with(':') {
        return Some(text);
    }
    None
}

/// True when node `b` comes after node `a` in document order.
fn follows(doc: &Html, a: NodeId, b: NodeId) -> bool {
    let mut seen_a = false;
    for n in doc.tree.root().descendants() {
        if n.id() == a {
            seen_a = true;
        } else if n.id() == b {
            return seen_a;
        }
    }
    false
}

/// Splits a trailing or leading photo credit ("Ảnh: X", "(Photo: X)") off a caption.
pub fn split_credit(caption: &str) -> (String, Option<String>) {
    const MARKS: &[&str] = &[
        "Ảnh:",
        "ảnh:",
        "Ảnh :",
        "Photo:",
        "Photo :",
        "Nguồn ảnh:",
        "Ảnh minh họa:",
        "Image:",
        "Credit:",
    ];
    let trimmed = caption.trim();
    for mark in MARKS {
        if let Some(pos) = trimmed.rfind(mark) {
            let before = trimmed[..pos].trim_end();
            let after = trimmed[pos + mark.len()..].trim();
            // "(Ảnh: X)." at the end or "Ảnh: X" standing alone.
            let (before, after) = match before.strip_suffix('(') {
                Some(b) => (
                    b.trim_end(),
                    after
                        .trim_end_matches(['.', ' '])
                        .trim_end_matches(')')
                        .trim(),
                ),
                None => (before, after.trim_end_matches('.').trim()),
            };
            if !after.is_empty() && after.chars().count() <= 60 && !after.contains(". ") {
                let cap = before
                    .trim_end_matches([' ', '-', '–', '|'])
                    .trim()
                    .to_string();
                return (cap, Some(after.to_string()));
            }
        }
    }
    (trimmed.to_string(), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn images_of(html: &str) -> Vec<Image> {
        let doc = Html::parse_document(html);
        let bp = Boilerplate::of(&doc);
        let base = Url::parse("https://e.vn/a.html").ok();
        extract(&doc, doc.root_element(), &bp, base.as_ref(), None)
    }

    #[test]
    fn figure_with_figcaption() {
        let imgs = images_of(
            r#"<figure><img src="/1.jpg" alt="A"><figcaption>Cap 1</figcaption></figure><p>text</p>"#,
        );
        assert_eq!(imgs.len(), 1);
        assert_eq!(imgs[0].src, "https://e.vn/1.jpg");
        assert_eq!(imgs[0].caption.as_deref(), Some("Cap 1"));
    }

    #[test]
    fn picture_table_with_caption_cell() {
        let imgs = images_of(
            r#"<div><table class="picture"><tr><td class="pic"><img src="https://c.vn/1.jpg" alt="T - ảnh 1"></td></tr><tr><td class="caption"><p>Toàn cảnh</p></td></tr></table></div>"#,
        );
        assert_eq!(imgs[0].caption.as_deref(), Some("Toàn cảnh"));
        assert_eq!(imgs[0].alt.as_deref(), Some("T - ảnh 1"));
    }

    #[test]
    fn album_shares_one_caption() {
        let imgs = images_of(
            r#"<div class="layout-image-2"><figure><img src="/1.jpg"></figure><figure><img src="/2.jpg"></figure><figcaption>Album</figcaption></div><p>x</p>"#,
        );
        assert_eq!(imgs.len(), 2);
        assert!(imgs.iter().all(|i| i.caption.as_deref() == Some("Album")));
    }

    #[test]
    fn caption_paragraph_after_image() {
        let imgs = images_of(
            r#"<div><p><img src="/1.jpg"></p><p style="text-align: center"><em>Chú thích ảnh</em></p><p>Long body text here.</p></div>"#,
        );
        assert_eq!(imgs[0].caption.as_deref(), Some("Chú thích ảnh"));
    }

    #[test]
    fn lazy_src_and_placeholders() {
        let imgs = images_of(
            r#"<img src="data:image/gif;base64,R0lG" data-src="/real.jpg"><img src="/blank.gif" data-original="/real2.jpg"><img srcset="/s.jpg 320w, /l.jpg 1024w">"#,
        );
        let srcs: Vec<&str> = imgs.iter().map(|i| i.src.as_str()).collect();
        assert_eq!(
            srcs,
            vec![
                "https://e.vn/real.jpg",
                "https://e.vn/real2.jpg",
                "https://e.vn/l.jpg"
            ]
        );
    }

    #[test]
    fn teasers_and_icons_are_left_out() {
        let imgs = images_of(
            r#"<a href="/other-story.html"><img src="/t.jpg"></a><img src="/logo.png"><img src="/x.jpg" width="16"><a href="/big.jpg"><img src="/small.jpg"></a>"#,
        );
        let srcs: Vec<&str> = imgs.iter().map(|i| i.src.as_str()).collect();
        assert_eq!(srcs, vec!["https://e.vn/small.jpg"]);
    }

    #[test]
    fn credit_is_split_off() {
        assert_eq!(
            split_credit("Thủ tướng phát biểu (Ảnh: Tâm Linh)."),
            ("Thủ tướng phát biểu".into(), Some("Tâm Linh".into()))
        );
        assert_eq!(
            split_credit("Toàn cảnh hội nghị. Ảnh: TTXVN"),
            ("Toàn cảnh hội nghị.".into(), Some("TTXVN".into()))
        );
        assert_eq!(
            split_credit("Không có tín dụng"),
            ("Không có tín dụng".into(), None)
        );
    }
}
