//! In-article images with their alt text and caption.
//!
//! Captions come in a few layouts across CMSs: `figure` with `figcaption` (one caption
//! may serve an album of several images), a layout table with the caption in a cell
//! (`table.picture` / `td.caption`), or a caption block right after the image. The
//! search climbs from the image to the nearest ancestor that holds a caption, but never
//! past a block of running text, so one image never takes another's caption.

use std::collections::{HashMap, HashSet};

use ego_tree::NodeId;
use ego_tree::iter::Edge;
use scraper::{ElementRef, Html};
use url::Url;

use super::content::Boilerplate;
use super::dom::{parent, style_has, text_of};
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
/// images that link to other pages (related-article thumbnails). The page itself is
/// reached through `scope`; `_doc` stays for the callers.
pub fn extract(
    _doc: &Html,
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
    let mut seen: HashSet<String> = HashSet::new();
    let mut blocks: HashMap<NodeId, Block<'_>> = HashMap::new();
    for img in imgs {
        if is_decoration(img, bp) || links_elsewhere(img) {
            continue;
        }
        let Some(src) = real_src(img, &src_count, base) else {
            continue;
        };
        if !seen.insert(src.clone()) {
            continue;
        }
        let alt = img.value().attr("alt").map(|a| a.to_string());
        let caption = caption_for(img, scope, bp, caption_rule, &mut blocks);
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
    if let Some(src) = v.attr("src")
        && !is_placeholder(src, src_count.get(src).copied().unwrap_or(0))
        && let Some(abs) = locate(base, src)
    {
        return Some(abs);
    }
    for attr in LAZY_ATTRS {
        let Some(value) = v.attr(attr) else { continue };
        let candidate = if attr.ends_with("srcset") {
            largest_in_srcset(value)
        } else {
            Some(value.trim().to_string())
        };
        if let Some(c) = candidate.filter(|c| !is_placeholder(c, 0))
            && let Some(abs) = locate(base, &c)
        {
            return Some(abs);
        }
    }
    None
}

/// The image's address: absolute against the page's base, or as written when a saved
/// page gives no address to resolve against (an image with a relative address is still
/// the article's image, and its caption still its text).
fn locate(base: Option<&Url>, src: &str) -> Option<String> {
    match base {
        Some(_) => resolve(base, src),
        None => resolve(None, src).or_else(|| {
            let s = src.trim();
            (!s.is_empty() && !s.starts_with('#')).then(|| s.to_string())
        }),
    }
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
/// levels, stopping at blocks that hold running text. `blocks` keeps what was read off
/// each ancestor for the other images under it.
fn caption_for<'a>(
    img: ElementRef<'a>,
    scope: ElementRef<'a>,
    bp: &Boilerplate,
    rule: Option<&scraper::Selector>,
    blocks: &mut HashMap<NodeId, Block<'a>>,
) -> Option<String> {
    caption_around(img, scope, bp, rule, blocks).or_else(|| image_line_after(img))
}

/// [`caption_for`]'s search of the blocks around the image.
fn caption_around<'a>(
    img: ElementRef<'a>,
    scope: ElementRef<'a>,
    bp: &Boilerplate,
    rule: Option<&scraper::Selector>,
    blocks: &mut HashMap<NodeId, Block<'a>>,
) -> Option<String> {
    let mut node = img;
    for _ in 0..MAX_CAPTION_CLIMB {
        let Some(up) = parent(node) else { break };
        if up.id() == scope.id() {
            // The image's block sits right in the article: its caption may be the next
            // block ("<p><img></p><p style="text-align:center"><em>caption</em></p>").
            return caption_after(node);
        }
        let block = blocks
            .entry(up.id())
            .or_insert_with(|| Block::of(up, bp, rule));
        if !block.captions.is_empty() {
            let chosen = if block.captions.len() == 1 {
                block.captions[0]
            } else {
                // Several captions: the first one after this image in page order.
                let before = block.before.get(&img.id()).copied().unwrap_or(usize::MAX);
                match block.captions.get(before) {
                    Some(c) => *c,
                    None => return None,
                }
            };
            let text = text_of(chosen);
            return (!text.is_empty()).then_some(text);
        }
        // The block holds prose besides the branch we came from: climbing further would reach other images.
        let running_text = match block.prose.as_slice() {
            [] => false,
            [only] => *only != node.id(),
            _ => true,
        };
        // The branch we came from is the block of the level below, read once too.
        let after = match blocks.get_mut(&node.id()) {
            Some(b) => b
                .caption_after
                .get_or_insert_with(|| caption_after(node))
                .clone(),
            None => caption_after(node),
        };
        if after.is_some() {
            return after;
        }
        if running_text {
            break;
        }
        node = up;
    }
    None
}

/// What the caption search reads off one ancestor block, once for all the images under
/// it: reading it again for each image made a flat gallery of a thousand captioned
/// images take half a minute.
struct Block<'a> {
    /// The outermost caption elements of the block (itself included) in page order (a
    /// `td.caption` holding a `p.caption` is one caption).
    captions: Vec<ElementRef<'a>>,
    /// For each image in the block, how many of `captions` start before it.
    before: HashMap<NodeId, usize>,
    /// The first two child paragraphs of running text (over 150 characters): two mean
    /// prose besides any branch, one means prose besides any other branch.
    prose: Vec<NodeId>,
    /// [`caption_after`] the block, once asked.
    caption_after: Option<Option<String>>,
}

impl<'a> Block<'a> {
    /// One walk of the block that steps over each caption's inside.
    fn of(up: ElementRef<'a>, bp: &Boilerplate, rule: Option<&scraper::Selector>) -> Self {
        let mut captions = Vec::new();
        let mut before = HashMap::new();
        // The caption whose inside is being stepped over.
        let mut inside: Option<NodeId> = None;
        for edge in up.traverse() {
            match edge {
                Edge::Open(n) => {
                    let Some(e) = ElementRef::wrap(n) else {
                        continue;
                    };
                    if e.value().name() == "img" {
                        before.insert(n.id(), captions.len());
                    }
                    if inside.is_some() {
                        continue;
                    }
                    if hints::is_caption(e, bp.hints(e)) || rule.is_some_and(|r| r.matches(&e)) {
                        captions.push(e);
                        inside = Some(n.id());
                    }
                }
                Edge::Close(n) => {
                    if inside == Some(n.id()) {
                        inside = None;
                    }
                }
            }
        }
        let prose = up
            .children()
            .filter_map(ElementRef::wrap)
            .filter(|c| c.value().name() == "p" && text_of(*c).chars().count() > 150)
            .map(|c| c.id())
            .take(2)
            .collect();
        Block {
            captions,
            before,
            prose,
            caption_after: None,
        }
    }
}

/// The caption line after an image block: an image, or a block of little text, followed
/// by one ("<p><img></p><p><em>caption</em></p>").
fn caption_after(block: ElementRef<'_>) -> Option<String> {
    if text_of(block).chars().count() < 20 {
        next_caption_block(block)
    } else {
        None
    }
}

/// An italic line right after an image in the same block, maybe after a line break
/// ("<img><br><span style="font-style: italic">caption</span>"): the image's caption.
///
/// In a centred block (`<p style="text-align:center"><img><br><span>caption</span></p>`)
/// the line under the image is its caption however it is styled.
pub fn is_image_line(el: ElementRef<'_>) -> bool {
    let italic = match el.value().name() {
        "em" | "i" => true,
        "span" => style_has(el, "font-style:italic"),
        _ => false,
    };
    let centred_line = matches!(el.value().name(), "span" | "font" | "strong" | "b")
        && parent(el).is_some_and(|p| {
            matches!(p.value().name(), "p" | "div")
                && (style_has(p, "text-align:center")
                    || p.value()
                        .attr("align")
                        .is_some_and(|a| a.eq_ignore_ascii_case("center")))
        });
    if !(italic || centred_line) || !(1..=300).contains(&text_of(el).chars().count()) {
        return false;
    }
    // The line ends with it: a sentence going on after it ("<em>quote</em> Read our
    // review") makes it part of a paragraph.
    let line_ends = el
        .next_siblings()
        .find(|n| !matches!(n.value(), scraper::Node::Text(t) if t.trim().is_empty()))
        .is_none_or(|n| match n.value() {
            scraper::Node::Element(e) => {
                e.name() == "br" || ElementRef::wrap(n).is_some_and(|x| text_of(x).is_empty())
            }
            _ => false,
        });
    if !line_ends {
        return false;
    }
    for n in el.prev_siblings() {
        match n.value() {
            scraper::Node::Text(t) if t.trim().is_empty() => {}
            scraper::Node::Element(e) if e.name() == "br" => {}
            scraper::Node::Element(e) => {
                return e.name() == "img" || ElementRef::wrap(n).is_some_and(wraps_one_image);
            }
            _ => return false,
        }
    }
    false
}

/// An inline element holding nothing but one image (`<span><img></span>`).
fn wraps_one_image(e: ElementRef<'_>) -> bool {
    matches!(e.value().name(), "span" | "a" | "em" | "i" | "font")
        && text_of(e).is_empty()
        && e.descendants()
            .filter(|d| matches!(d.value(), scraper::Node::Element(x) if x.name() == "img"))
            .count()
            == 1
}

/// The italic line after an image (see [`is_image_line`]), or after the inline element
/// that wraps it alone.
fn image_line_after(img: ElementRef<'_>) -> Option<String> {
    let from = parent(img).filter(|p| wraps_one_image(*p)).unwrap_or(img);
    from.next_siblings()
        .filter_map(ElementRef::wrap)
        .find(|e| e.value().name() != "br")
        .filter(|e| is_image_line(*e))
        .map(text_of)
}

/// A caption written as the element right after the image block (an `em`/`i` line, or
/// a short centred paragraph).
fn next_caption_block(block: ElementRef<'_>) -> Option<String> {
    let next = block.next_siblings().find_map(ElementRef::wrap)?;
    let name = next.value().name();
    let text = text_of(next);
    let len = text.chars().count();
    // A picture table's row of text under the image's row ("<tr><td><img></td></tr>
    // <tr><td class="Image">caption</td></tr>"): however it is styled, it is the caption.
    if name == "tr"
        && block.value().name() == "tr"
        && (1..=500).contains(&len)
        && !next
            .descendants()
            .any(|d| matches!(d.value(), scraper::Node::Element(e) if e.name() == "img"))
    {
        return Some(text);
    }
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
    let centred = style_has(next, "text-align:center")
        || next
            .value()
            .attr("align")
            .is_some_and(|a| a.eq_ignore_ascii_case("center"));
    if (name == "p" || name == "div") && (italic || centred) && !text.ends_with(':') {
        return Some(text);
    }
    None
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
        "Foto:",
        "Fotos:",
        "Bild:",
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

/// True when a line is nothing but a picture's credit ("(Image: © NASA/ESA)",
/// "Photo: Jane Doe/Reuters"): a caption's part set as a paragraph of its own, which
/// stays out of the body as captions do.
pub fn is_credit_line(line: &str) -> bool {
    line.chars().count() <= 100 && matches!(split_credit(line), (cap, Some(_)) if cap.is_empty())
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
    fn a_line_that_is_only_a_credit() {
        assert!(is_credit_line("(Image: © ESO/Jane Roe)"));
        assert!(is_credit_line("Photo: Jane Doe/Reuters"));
        assert!(is_credit_line("Foto: dpa"));
        assert!(is_credit_line("Ảnh: Hoàng Hà"));
        // A caption with its credit, or a sentence, is not.
        assert!(!is_credit_line("The harbour at dawn. Photo: Jane Doe"));
        assert!(!is_credit_line(
            "Image: the council wants a new bridge. It has asked for money twice."
        ));
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
    fn each_image_of_a_flat_gallery_takes_the_caption_after_it() {
        let imgs = images_of(
            r#"<div><div class="gallery"><img src="/1.jpg"><p class="caption">First <span class="caption">view</span></p><img src="/2.jpg"><p class="caption">Second view</p></div><p>text</p></div>"#,
        );
        let caps: Vec<_> = imgs.iter().map(|i| i.caption.as_deref()).collect();
        assert_eq!(caps, [Some("First view"), Some("Second view")]);
    }

    #[test]
    fn a_gallery_of_thousands_of_captioned_images_stays_linear() {
        // Comparing captions pairwise took ~30 s (release) for 1,500 image-caption pairs.
        let items: String = (0..3000)
            .map(|i| format!(r#"<img src="/p/{i}.jpg"><p class="caption">Photo {i}</p>"#))
            .collect();
        let page = format!(r#"<div><div class="gallery">{items}</div><p>text</p></div>"#);
        let t = std::time::Instant::now();
        let imgs = images_of(&page);
        assert_eq!(imgs.len(), 3000);
        assert_eq!(imgs[2999].caption.as_deref(), Some("Photo 2999"));
        assert!(t.elapsed().as_secs() < 30, "{:?}", t.elapsed());
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
    fn a_saved_page_without_an_address_keeps_relative_image_addresses() {
        let doc = Html::parse_document(
            r#"<div><figure><img src="/Files/a/1.jpg"><figcaption>Toàn cảnh buổi lễ</figcaption></figure><img src="data:image/gif;base64,R0lG"></div>"#,
        );
        let bp = Boilerplate::of(&doc);
        let imgs = extract(&doc, doc.root_element(), &bp, None, None);
        assert_eq!(imgs.len(), 1);
        assert_eq!(imgs[0].src, "/Files/a/1.jpg");
        assert_eq!(imgs[0].caption.as_deref(), Some("Toàn cảnh buổi lễ"));
    }

    #[test]
    fn picture_table_with_its_caption_in_the_next_row() {
        let imgs = images_of(
            r#"<div><table class="showborder"><tr><td><p align="center"><img src="https://c.vn/1.jpg" alt=""></p></td></tr><tr><td class="Image">Người đẹp bước lên sân khấu trao lại vương miện, tối 19/12.</td></tr></table></div>"#,
        );
        assert_eq!(
            imgs[0].caption.as_deref(),
            Some("Người đẹp bước lên sân khấu trao lại vương miện, tối 19/12.")
        );
    }

    #[test]
    fn caption_paragraph_after_image() {
        let imgs = images_of(
            r#"<div><p><img src="/1.jpg"></p><p style="text-align: center"><em>Chú thích ảnh</em></p><p>Long body text here.</p></div>"#,
        );
        assert_eq!(imgs[0].caption.as_deref(), Some("Chú thích ảnh"));
    }

    #[test]
    fn the_line_under_an_image_in_a_centred_block_is_its_caption() {
        let imgs = images_of(
            r#"<div><p style="text-align:center"><img src="/1.jpg"><br><span style="color:#595959">Hiện trường vụ cháy</span></p><p>Long body text here.</p></div>"#,
        );
        assert_eq!(imgs[0].caption.as_deref(), Some("Hiện trường vụ cháy"));
        // Not centred, not italic: a line of the text.
        let imgs = images_of(
            r#"<div><p><img src="/1.jpg"><br><span style="color:#595959">Hiện trường vụ cháy</span></p><p>Long body text here.</p></div>"#,
        );
        assert_eq!(imgs[0].caption, None);
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
