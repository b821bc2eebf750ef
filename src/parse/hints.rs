//! What class and id names say about a block, for any CMS.
//!
//! Publishers name their containers after what they hold ("related-news", "share-bar",
//! "article-body", "sapo"); these words are a cheap, strong signal that works across sites.
//! Short words are matched as whole tokens so "ad" does not match "header" or "download".

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use scraper::ElementRef;

use super::dom::{hints, push_hint};

/// Blocks that are never article text, whatever else their name says.
#[rustfmt::skip]
const STRONG_NEGATIVE: &[&str] = &[
    "share", "social", "advert", "banner", "breadcrumb", "bread-crumb", "newsletter", "popup",
    "cookie", "modal", "signup", "login", "subscribe", "tinlienquan", "sponsor", "promo",
    "pagination", "rating", "print", "toolbar", "masthead", "navbar", "menu", "author",
    "byline", "avatar", "tags", "keyword", "copyright", "disclaimer", "event-stream", "follow",
    "poll", "video",
];

/// Blocks that list other stories: related, most read, sidebars, comments.
#[rustfmt::skip]
const OTHER_STORIES: &[&str] = &[
    "related", "relate", "comment", "sidebar", "recommend", "most-read", "mostread", "trending",
    "readmore", "read-more", "xem-them", "tin-lien-quan", "lienquan", "box-category", "samecate", "same-cate",
    "outbrain", "taboola", "footer", "widget", "list-news", "news-list", "other-news", "tin-khac",
];

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

/// Hint strength of an element's class/id: positive for article containers, negative
/// for boilerplate, zero when it says nothing.
pub fn class_weight(el: ElementRef<'_>) -> f64 {
    let h = hints(el);
    if h.is_empty() {
        return 0.0;
    }
    let mut w = 0.0;
    if POSITIVE.iter().any(|p| h.contains(p)) {
        w += 25.0;
    }
    if is_boilerplate_hint(&h) {
        w -= 25.0;
    }
    w
}

/// Every long negative word in one automaton: a block's hints are scanned once.
static NEGATIVE: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::new(STRONG_NEGATIVE.iter().chain(OTHER_STORIES))
        .expect("the negative hint words build an automaton")
});

/// True when an element's name marks it as boilerplate (related links, share bars, ads...).
pub fn is_boilerplate(el: ElementRef<'_>) -> bool {
    if matches!(el.value().name(), "nav" | "footer" | "aside") {
        return true;
    }
    let mut h = String::new();
    for (name, value) in el.value().attrs() {
        let hidden = match name {
            "hidden" => true,
            "aria-hidden" => value == "true",
            "style" => style_hides(value),
            _ => {
                push_hint(&mut h, name, value);
                false
            }
        };
        if hidden {
            return true;
        }
    }
    is_boilerplate_hint(&h)
}

/// `display: none` or `visibility: hidden` in an inline style.
fn style_hides(style: &str) -> bool {
    let s: String = style
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    s.contains("display:none") || s.contains("visibility:hidden")
}

fn is_boilerplate_hint(h: &str) -> bool {
    !h.is_empty() && (NEGATIVE.is_match(h) || tokens(h).any(|t| NEGATIVE_TOKENS.contains(&t)))
}

/// True for blocks that list other stories (related, most read, sidebars, comments):
/// their dates, images and names belong to those stories.
pub fn is_other_stories(el: ElementRef<'_>) -> bool {
    matches!(el.value().name(), "footer" | "aside") || {
        let h = hints(el);
        !h.is_empty() && OTHER_STORIES.iter().any(|w| h.contains(w))
    }
}

/// True when an element's name marks it as the article's lead.
pub fn is_lead(el: ElementRef<'_>) -> bool {
    let h = hints(el);
    if h.is_empty()
        || h.contains("caption")
        || h.contains("image")
        || h.contains("photo")
        || h.contains("img")
        || h.contains("video")
    {
        return false;
    }
    // "desc" only as a token: "cms-desc" yes, "description-list-item" of a listing no.
    LEAD.iter().any(|l| {
        if l.len() <= 4 {
            tokens(&h).any(|t| t == *l)
        } else {
            h.contains(l)
        }
    })
}

/// True when an element's name marks it as an image caption.
pub fn is_caption(el: ElementRef<'_>) -> bool {
    if el.value().name() == "figcaption" {
        return true;
    }
    let h = hints(el);
    !h.is_empty()
        && (h.contains("caption")
            || h.contains("chu-thich")
            || h.contains("chuthich")
            || h.contains("img-desc")
            || h.contains("image-desc")
            || h.contains("photo-desc")
            || h.contains("desc-img")
            || h.contains("expnoedit")
            || h.contains("pic-desc")
            || h.contains("legend"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper::{Html, Selector};

    fn first(html: &str) -> (Html, Selector) {
        (Html::parse_fragment(html), Selector::parse("div").unwrap())
    }

    #[test]
    fn short_words_are_tokens() {
        let (doc, s) = first(r#"<div class="header-download">x</div>"#);
        assert!(!is_boilerplate(doc.select(&s).next().unwrap()));
        let (doc, s) = first(r#"<div class="box ad-slot">x</div>"#);
        assert!(is_boilerplate(doc.select(&s).next().unwrap()));
    }

    #[test]
    fn taxonomy_classes_say_nothing_about_the_block() {
        // A blog engine's post container: "tag-review" is the post's tag, not a tag box.
        let (doc, s) = first(
            r#"<div class="post-7908 post type-post tag-book tag-review category-news hentry">x</div>"#,
        );
        assert!(!is_boilerplate(doc.select(&s).next().unwrap()));
        // A real tag list still is one.
        let (doc, s) = first(r#"<div class="tag-list">x</div>"#);
        assert!(is_boilerplate(doc.select(&s).next().unwrap()));
    }

    #[test]
    fn related_inside_content_is_boilerplate() {
        let (doc, s) = first(r#"<div class="related-content">x</div>"#);
        assert!(is_boilerplate(doc.select(&s).next().unwrap()));
    }

    #[test]
    fn lead_names() {
        for class in [
            "singular-sapo",
            "detail-sapo",
            "article__sapo cms-desc",
            "description",
            "news-sapo",
        ] {
            let (doc, s) = first(&format!(r#"<div class="{class}">x</div>"#));
            assert!(is_lead(doc.select(&s).next().unwrap()), "{class}");
        }
        let (doc, s) = first(r#"<div class="image-description">x</div>"#);
        assert!(!is_lead(doc.select(&s).next().unwrap()));
    }
}
