//! What class and id names say about a block, for any CMS.
//!
//! Publishers name their containers after what they hold ("related-news", "share-bar",
//! "article-body", "sapo"); these words are a cheap, strong signal that works across sites.
//! Short words are matched as whole tokens so "ad" does not match "header" or "download".

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind};
use scraper::ElementRef;

/// Blocks that are never article text, whatever else their name says.
#[rustfmt::skip]
const STRONG_NEGATIVE: &[&str] = &[
    "share", "social", "advert", "banner", "breadcrumb", "bread-crumb", "newsletter", "popup",
    "cookie", "modal", "signup", "login", "subscribe", "tinlienquan", "sponsor", "promo",
    "pagination", "rating", "toolbar", "masthead", "navbar", "menu", "author",
    "byline", "avatar", "tags", "keyword", "copyright", "disclaimer", "event-stream", "follow",
    "poll", "video",
];

/// Blocks that list other stories: related, most read, sidebars, comments.
#[rustfmt::skip]
const OTHER_STORIES: &[&str] = &[
    "related", "relate", "comment", "sidebar", "recommend", "most-read", "mostread", "trending",
    "readmore", "read-more", "xem-them", "tin-lien-quan", "lienquan", "box-category", "samecate", "same-cate",
    "outbrain", "taboola", "footer", "list-news", "news-list", "other-news", "tin-khac",
];

/// Words that name boilerplate on some sites and every block on others: "widget" is a
/// WordPress sidebar box, but page builders (Elementor and the like) call every block a
/// widget, the article's text included. Such a word marks a block only when the block
/// also looks like boilerplate (see [`is_weak_boilerplate`]).
///
/// "print" is the same: a print button or link on most sites, but the wrapper of the
/// printable story on others ("print-news", "printArea").
const WEAK_NEGATIVE: &[&str] = &["widget", "print"];

/// Short negative words matched only as whole tokens of a class or id.
const NEGATIVE_TOKENS: &[&str] = &[
    "ad",
    "ads",
    "adv",
    "qc",
    "nav",
    "tag",
    "meta",
    "tool",
    "tools",
    "share",
    "sns",
    "nocontent",
    // Call-to-action boxes: donate, subscribe, a letter from the editors.
    "cta",
];

/// Names of containers that hold an article.
const POSITIVE: &[&str] = &[
    "article",
    "content",
    "body",
    "entry",
    "main",
    "detail",
    "post",
    "story",
    "text",
    "fck",
    "singular",
    "news-content",
    "cms-body",
    "maincontent",
    "noidung",
    "noi-dung",
    "chi-tiet",
];

/// Names of the lead/summary block ("sapo" is the word Vietnamese newsrooms use).
const LEAD: &[&str] = &[
    "sapo",
    "lead",
    "summary",
    "excerpt",
    "intro",
    "chapeau",
    "standfirst",
    "description",
    "desc",
    "dek",
    "abstract",
    "teaser",
    "tom-tat",
    "tomtat",
];

fn tokens(h: &str) -> impl Iterator<Item = &str> {
    h.split(|c: char| c.is_whitespace() || c == '-' || c == '_' || c == '.')
}

/// Hint strength of an element's class/id (`h`, its [`super::dom::hints`]): positive
/// for article containers, negative for boilerplate, zero when it says nothing.
pub fn class_weight(h: &str) -> f64 {
    if h.is_empty() {
        return 0.0;
    }
    let mut w = 0.0;
    if POSITIVE.iter().any(|p| h.contains(p)) {
        w += 25.0;
    }
    if is_boilerplate_hint(h) {
        w -= 25.0;
    }
    w
}

/// Every long negative word in one automaton: a block's hints are scanned once.
static NEGATIVE: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .kind(Some(AhoCorasickKind::DFA))
        .build(STRONG_NEGATIVE.iter().chain(OTHER_STORIES))
        .expect("the negative hint words build an automaton")
});

/// True when an element (with hint text `h`) is boilerplate by its tag or name
/// (related links, share bars, ads...) or is hidden.
pub fn is_boilerplate(el: ElementRef<'_>, h: &str) -> bool {
    if matches!(el.value().name(), "nav" | "footer" | "aside") {
        return true;
    }
    is_hidden(el) || is_boilerplate_hint(h)
}

/// True for an element the page hides from readers (`hidden`, `aria-hidden="true"`,
/// `display: none` or `visibility: hidden` inline).
pub fn is_hidden(el: ElementRef<'_>) -> bool {
    is_styled_hidden(el) || el.value().attr("aria-hidden") == Some("true")
}

/// True when the only boilerplate word in hint text `h` is a weak one ("widget"). The
/// caller decides with what the block holds: links and little prose make it a box.
pub fn is_weak_boilerplate(h: &str) -> bool {
    !h.is_empty() && WEAK_NEGATIVE.iter().any(|w| h.contains(w)) && !is_boilerplate_hint(h)
}

/// True for an element hidden from every reader: the `hidden` attribute or an inline
/// `display: none` / `visibility: hidden`. Unlike [`is_hidden`], `aria-hidden` does not
/// count: inside a sentence it hides a glyph or a duplicate from screen readers only.
pub fn is_styled_hidden(el: ElementRef<'_>) -> bool {
    el.value().attrs().any(|(name, value)| match name {
        "hidden" => true,
        "style" => style_hides(value),
        _ => false,
    })
}

/// `display: none` or `visibility: hidden` in an inline style.
fn style_hides(style: &str) -> bool {
    let s = super::dom::compact_style(style);
    s.contains("display:none") || s.contains("visibility:hidden")
}

fn is_boilerplate_hint(h: &str) -> bool {
    !h.is_empty() && (names(&NEGATIVE, h) || tokens(h).any(|t| NEGATIVE_TOKENS.contains(&t)))
}

/// Longer words that hold a negative word but name the story itself: "commentary" is
/// an opinion piece (`div.article.commentary`), not the comments under one.
const STORY_WORDS: &[&str] = &["commentary"];

/// True when one of `words`' matches in hint text `h` is not part of a [`STORY_WORDS`] word.
fn names(words: &AhoCorasick, h: &str) -> bool {
    words
        .find_iter(h)
        .any(|m| !STORY_WORDS.iter().any(|w| h[m.start()..].starts_with(w)))
}

static OTHER: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .kind(Some(AhoCorasickKind::DFA))
        .build(OTHER_STORIES)
        .expect("the other-stories words build an automaton")
});

/// True for blocks that list other stories (related, most read, sidebars, comments):
/// their dates, images and names belong to those stories. A footer is one; an unnamed
/// `<aside>` only when it links to other stories: some layouts put the article's own
/// byline and date in an aside column beside its text.
pub fn is_other_stories(el: ElementRef<'_>, h: &str) -> bool {
    let named = !h.is_empty() && names(&OTHER, h);
    match el.value().name() {
        "footer" => true,
        "aside" if !named => links_stories(el),
        _ => named,
    }
}

/// Words in a link's text from which it reads as a story's headline.
const HEADLINE_LINK_WORDS: usize = 4;

/// True when `el` holds links that read as other stories' headlines (two or more), or
/// any story markup of its own (`<article>`, a heading): a byline's profile links and
/// a list of share buttons are short.
fn links_stories(el: ElementRef<'_>) -> bool {
    let mut headlines = 0;
    for d in el.descendants().filter_map(ElementRef::wrap) {
        match d.value().name() {
            "article" | "h2" | "h3" | "h4" => return true,
            "a" => {
                let words = d
                    .text()
                    .flat_map(str::split_whitespace)
                    .take(HEADLINE_LINK_WORDS)
                    .count();
                if words >= HEADLINE_LINK_WORDS {
                    headlines += 1;
                    if headlines >= 2 {
                        return true;
                    }
                }
            }
            _ => {}
        }
    }
    false
}

/// True when hint text alone names a block of other stories (no element name check).
pub fn names_other_stories(h: &str) -> bool {
    !h.is_empty() && names(&OTHER, h)
}

/// True when hint text `h` names a readers' forum ("forum", "divforum"): the comments
/// under a story on some CMSs, and the page itself on a message board.
pub fn names_forum(h: &str) -> bool {
    h.contains("forum")
}

/// True when hint text `h` names a slide show ("slideshow", "carousel", "slider").
pub fn names_slideshow(h: &str) -> bool {
    !h.is_empty()
        && ["slideshow", "carousel", "slider"]
            .iter()
            .any(|w| h.contains(w))
}

/// True when an element's hint text `h` names it as the article's lead.
pub fn is_lead(h: &str) -> bool {
    // Most elements' names hold no lead word at all: one automaton pass turns them away
    // before the finer checks below.
    if h.is_empty()
        || !LEAD_WORDS.is_match(h)
        || h.contains("caption")
        || h.contains("image")
        || h.contains("photo")
        || h.contains("img")
        || h.contains("video")
        // A slide show's "slideshow-description" is a slide's caption.
        || h.contains("slide")
    {
        return false;
    }
    // "desc" only as a token: "cms-desc" yes, "description-list-item" of a listing no.
    // "lead" and "sapo" also end a camel-case name, lower-cased here ("ArticleLead"),
    // after a word naming the story.
    const STORY: &[&str] = &[
        "article", "news", "post", "story", "detail", "content", "entry",
    ];
    let glued = |t: &str, l: &str| {
        matches!(l, "lead" | "sapo") && t.strip_suffix(l).is_some_and(|pre| STORY.contains(&pre))
    };
    LEAD.iter().any(|l| {
        if l.len() <= 4 {
            tokens(h).any(|t| t == *l || glued(t, l))
        } else {
            h.contains(l)
        }
    })
}

/// [`LEAD`] as one automaton, as substrings (the short ones are then checked as tokens).
static LEAD_WORDS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .kind(Some(AhoCorasickKind::DFA))
        .build(LEAD)
        .expect("the lead words build an automaton")
});

/// Names of image captions.
#[rustfmt::skip]
const CAPTION: &[&str] = &[
    "caption", "chu-thich", "chuthich", "img-desc", "image-desc", "photo-desc", "desc-img",
    "expnoedit", "pic-desc", "legend",
];

static CAPTIONS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .kind(Some(AhoCorasickKind::DFA))
        .build(CAPTION)
        .expect("the caption words build an automaton")
});

/// True when an element (with hint text `h`) is an image caption.
pub fn is_caption(el: ElementRef<'_>, h: &str) -> bool {
    el.value().name() == "figcaption" || (!h.is_empty() && CAPTIONS.is_match(h))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::dom::hints;
    use scraper::{Html, Selector};

    fn first(html: &str) -> (Html, Selector) {
        (Html::parse_fragment(html), Selector::parse("div").unwrap())
    }

    fn boilerplate(doc: &Html, s: &Selector) -> bool {
        let el = doc.select(s).next().unwrap();
        is_boilerplate(el, &hints(el))
    }

    fn caption(doc: &Html, s: &Selector) -> bool {
        let el = doc.select(s).next().unwrap();
        is_caption(el, &hints(el))
    }

    fn lead(doc: &Html, s: &Selector) -> bool {
        is_lead(&hints(doc.select(s).next().unwrap()))
    }

    #[test]
    fn short_words_are_tokens() {
        let (doc, s) = first(r#"<div class="header-download">x</div>"#);
        assert!(!boilerplate(&doc, &s));
        let (doc, s) = first(r#"<div class="box ad-slot">x</div>"#);
        assert!(boilerplate(&doc, &s));
    }

    #[test]
    fn taxonomy_classes_say_nothing_about_the_block() {
        // A blog engine's post container: "tag-review" is the post's tag, not a tag box.
        let (doc, s) = first(
            r#"<div class="post-7908 post type-post tag-book tag-review category-news hentry">x</div>"#,
        );
        assert!(!boilerplate(&doc, &s));
        // A real tag list still is one.
        let (doc, s) = first(r#"<div class="tag-list">x</div>"#);
        assert!(boilerplate(&doc, &s));
    }

    #[test]
    fn layout_notes_about_a_sidebar_do_not_make_a_block_a_sidebar() {
        for class in [
            "pagebody pagebody--with-sidebar",
            "main has-sidebar",
            "layout no-sidebar",
            "list_item list_item_image no_sidebar",
            // Utility classes: the main column, at large sizes laid out beside a sidebar.
            "w-full lg:w-main-with-right-sidebar lg:shrink px-0",
        ] {
            let (doc, s) = first(&format!(r#"<div class="{class}">x</div>"#));
            assert!(!boilerplate(&doc, &s), "{class}");
        }
        // A sidebar is still one, and other modifiers still count.
        let (doc, s) = first(r#"<div class="sidebar sidebar--right">x</div>"#);
        assert!(boilerplate(&doc, &s));
        let (doc, s) = first(r#"<div class="box--related">x</div>"#);
        assert!(boilerplate(&doc, &s));
        let (doc, s) = first(r#"<div class="hidden lg:block lg:w-sidebar">x</div>"#);
        assert!(boilerplate(&doc, &s));
    }

    #[test]
    fn a_block_noted_as_having_no_caption_is_not_a_caption() {
        let (doc, s) = first(r#"<div class="list_item list_item_image no_caption">x</div>"#);
        assert!(!caption(&doc, &s));
        let (doc, s) = first(r#"<div class="image_caption">x</div>"#);
        assert!(caption(&doc, &s));
    }

    #[test]
    fn an_opinion_piece_named_commentary_is_not_comments() {
        let (doc, s) = first(r#"<div class="page article news commentary">x</div>"#);
        assert!(!boilerplate(&doc, &s));
        let (doc, s) = first(r#"<div class="sect sect_commentlinks">x</div>"#);
        assert!(boilerplate(&doc, &s));
        // A name holding both still names the comments.
        let (doc, s) = first(r#"<div class="commentary-comments">x</div>"#);
        assert!(boilerplate(&doc, &s));
    }

    #[test]
    fn a_story_promoted_to_the_front_page_is_not_a_promo_box() {
        let (doc, s) = first(r#"<div class="node node--type-article node--promoted">x</div>"#);
        assert!(!boilerplate(&doc, &s));
        let (doc, s) = first(r#"<div class="promoted-stories">x</div>"#);
        assert!(boilerplate(&doc, &s));
    }

    #[test]
    fn related_inside_content_is_boilerplate() {
        let (doc, s) = first(r#"<div class="related-content">x</div>"#);
        assert!(boilerplate(&doc, &s));
    }

    #[test]
    fn call_to_action_boxes_are_boilerplate_and_widget_alone_is_weak() {
        let (doc, s) = first(r#"<div class="zone-box-custom-cta-letter">x</div>"#);
        assert!(boilerplate(&doc, &s));
        // A word that merely contains the letters is not the token.
        let (doc, s) = first(r#"<div class="tactical-notes">x</div>"#);
        assert!(!boilerplate(&doc, &s));
        assert!(is_weak_boilerplate("builder-widget-theme-post-content"));
        assert!(!is_weak_boilerplate("sidebar-widget"));
        assert!(!is_weak_boilerplate("post-content"));
        assert!(is_weak_boilerplate("print-news"));
        assert!(!is_boilerplate_hint("print-news"));
    }

    #[test]
    fn lead_names() {
        for class in [
            "singular-sapo",
            "detail-sapo",
            "article__sapo cms-desc",
            "description",
            "news-sapo",
            "bold ArticleLead",
            "postSapo",
        ] {
            let (doc, s) = first(&format!(r#"<div class="{class}">x</div>"#));
            assert!(lead(&doc, &s), "{class}");
        }
        for class in [
            "image-description",
            "leader-board",
            "mislead-x",
            "slideshow-description",
        ] {
            let (doc, s) = first(&format!(r#"<div class="{class}">x</div>"#));
            assert!(!lead(&doc, &s), "{class}");
        }
    }
}
