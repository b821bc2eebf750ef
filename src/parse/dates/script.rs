//! Dates in a page's script state: the last place to look.
//!
//! Shops and single-page apps keep the record they render in a script as JSON
//! (`"published_at":"2019-03-02T06:22:28+01:00"` in a product object,
//! `"createdAt":...` in a framework's hydration state) and show readers no date at all.
//! The first publication key in the page's scripts is usually the record the page is
//! about; the state also holds other records (related items, menus), so the date read
//! here only counts when no other place states one.
//!
//! The page's source is scanned as text: the parsed document has its scripts emptied
//! (see [`crate::parse::prune`]), and JSON-LD, also found this way, has already given
//! its date when it has one.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

/// Keys that name the publication, then keys that name the creation (a fallback).
const PUBLISHED_KEYS: &[&str] = &[
    "datePublished",
    "published_at",
    "publishedAt",
    "publishDate",
    "publish_date",
    "publishedDate",
    "pubDate",
    "firstPublishedAt",
    "first_published_at",
];
const CREATED_KEYS: &[&str] = &["createdAt", "created_at", "dateCreated"];

static KEYS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::new(PUBLISHED_KEYS.iter().chain(CREATED_KEYS))
        .expect("the script date keys build an automaton")
});

/// The first publication date in the page's source (else the first creation date),
/// as the string the script holds; `true` when it is a publication key.
pub(super) fn first_date(source: &str) -> Option<(String, bool)> {
    let mut created: Option<&str> = None;
    for m in KEYS.find_iter(source) {
        // A whole key: quoted on both sides (the closing quote may be escaped).
        let quoted = source[..m.start()].ends_with('"');
        let Some(value) = value_after(&source[m.end()..]).filter(|_| quoted) else {
            continue;
        };
        if m.pattern().as_usize() < PUBLISHED_KEYS.len() {
            return Some((value.to_string(), true));
        }
        created.get_or_insert(value);
    }
    created.map(|c| (c.to_string(), false))
}

/// Markers of a script that writes text into the page as it loads.
const WRITERS: &[&str] = &[".innerHTML", "document.write("];

/// How many written strings are read at most: a page's date is written near the top.
const MAX_WRITTEN: usize = 16;

/// Strings a script writes into the page (`el.innerHTML = "Thứ năm, 20/12/2012, 16:10
/// GMT+7"`, `document.write('...')`), entities decoded. Old portal templates filled
/// the date line under the headline this way, so readers see it though the markup
/// holds an empty element; the texts are scanned for dates like visible text.
pub(super) fn written_texts(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    for w in WRITERS {
        for (at, _) in source.match_indices(w).take(MAX_WRITTEN) {
            let rest = &source[at + w.len()..];
            let rest = rest.trim_start();
            let rest = rest.strip_prefix('=').unwrap_or(rest).trim_start();
            let Some(quote) = rest.chars().next().filter(|c| matches!(c, '"' | '\'')) else {
                continue;
            };
            let body = &rest[1..];
            let Some(end) = body.find(quote) else {
                continue;
            };
            let text = &body[..end];
            if text.len() > 200 || !text.bytes().any(|b| b.is_ascii_digit()) {
                continue;
            }
            let decoded = scraper::Html::parse_fragment(text)
                .root_element()
                .text()
                .collect::<String>();
            out.push(decoded);
        }
    }
    out
}

/// The string value after a key's name: `": "2019-03-02T06:22:28+01:00"` (escaped JSON
/// inside a string, `\":\"...\"`, too), when it starts with a four-digit year.
fn value_after(rest: &str) -> Option<&str> {
    let rest = rest
        .strip_prefix("\\\"")
        .or_else(|| rest.strip_prefix('"'))?;
    let rest = rest.trim_start().strip_prefix(':')?.trim_start();
    let rest = rest.trim_start_matches('\\').strip_prefix('"')?;
    let end = rest.find(['"', '\\'])?;
    let v = &rest[..end];
    let year_first = v.len() >= 10 && v.as_bytes()[..4].iter().all(u8::is_ascii_digit);
    (year_first && v.len() <= 40).then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(html: &str) -> Option<(String, bool)> {
        first_date(html)
    }

    #[test]
    fn publication_keys_before_creation_keys() {
        let html = r#"<html><head><script>window.state = {"item":{"createdAt":"2022-01-30T10:00:00+01:00","title":"x","published_at":"2022-01-31T15:58:43+01:00"}};</script></head><body></body></html>"#;
        assert_eq!(
            first(html),
            Some(("2022-01-31T15:58:43+01:00".into(), true))
        );
    }

    #[test]
    fn creation_key_when_nothing_is_published_and_escaped_json() {
        let html = r#"<html><body><script>var s = "{\"createdAt\":\"2022-01-31T15:58:43+01:00\"}";</script></body></html>"#;
        assert_eq!(
            first(html),
            Some(("2022-01-31T15:58:43+01:00".into(), false))
        );
    }

    #[test]
    fn strings_written_into_the_page_are_read_with_entities_decoded() {
        let html = r#"<span id="d"></span><script>document.getElementById("d").innerHTML="Th&#7913; n&#259;m, 20/12/2012, 16:10 GMT+7";</script><script>document.write('<b>Hôm nay 3/1/2013</b>'); x.innerHTML = "no digits";</script>"#;
        assert_eq!(
            written_texts(html),
            vec!["Thứ năm, 20/12/2012, 16:10 GMT+7", "Hôm nay 3/1/2013"]
        );
    }

    #[test]
    fn values_that_are_not_dates_are_skipped() {
        let html = r#"<html><head><script>var a = {"publishDate": null, "pubDate": "soon", "created_at": 1580000000};</script></head></html>"#;
        assert_eq!(first(html), None);
    }
}
