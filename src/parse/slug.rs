//! A headline read from the page's URL or file name, for pages that declare none.
//!
//! Some pages carry clear article prose but no `h1`, `og:title` or `<title>`: stripped
//! saved copies, print views, test pages, feeds' full-text items saved alone. News CMSs
//! and people saving pages both name them after the headline ("/2020/09/17/
//! council-approves-new-library.html", "council-approves-new-library.html"), so the
//! slug is the page's own words for what it is about, which is better than losing the
//! article. Paths without such a slug (numeric ids, "index", one word) give nothing,
//! and the page is rejected as `no_title` as before.

/// File extensions a slug may end with.
const EXTENSIONS: &[&str] = &[
    ".html", ".htm", ".shtml", ".php", ".aspx", ".asp", ".jsp", ".gz", ".amp", ".chn", ".ece",
];

/// Path segments that name a place in a site, not a story.
const NOT_SLUGS: &[&str] = &[
    "index", "default", "home", "article", "story", "post", "amp",
];

/// The headline a URL path or file path spells out, sentence-cased: at least two words
/// of letters, ids and dates dropped.
pub fn title_from_slug(location: &str) -> Option<String> {
    let path = location
        .split(['?', '#'])
        .next()
        .unwrap_or(location)
        .trim_end_matches('/');
    let mut segment = path.rsplit(['/', '\\']).next()?.to_lowercase();
    while let Some(ext) = EXTENSIONS.iter().find(|e| segment.ends_with(*e)) {
        segment.truncate(segment.len() - ext.len());
    }
    if NOT_SLUGS.contains(&segment.as_str()) {
        return None;
    }
    let words: Vec<&str> = segment
        .split(['-', '_', '+', ' ', '.'])
        .filter(|w| !w.is_empty())
        // Ids, dates and hashes ("20200917", "a1b2c3d4") are not words of a headline.
        .filter(|w| !w.chars().any(|c| c.is_ascii_digit()) || w.chars().count() <= 2)
        .collect();
    let lettered = words
        .iter()
        .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 2)
        .count();
    if words.len() < 2 || lettered < 2 || !words.iter().any(|w| w.chars().count() >= 4) {
        return None;
    }
    let text = words.join(" ");
    let mut chars = text.chars();
    let first = chars.next()?;
    Some(first.to_uppercase().chain(chars).collect())
}

#[cfg(test)]
mod tests {
    use super::title_from_slug;

    #[test]
    fn a_news_slug_becomes_a_sentence() {
        assert_eq!(
            title_from_slug("https://news.example/2020/09/17/council-approves-new-library.html")
                .as_deref(),
            Some("Council approves new library")
        );
        assert_eq!(
            title_from_slug("saved/river_flood_recedes.htm").as_deref(),
            Some("River flood recedes")
        );
    }

    #[test]
    fn ids_and_dates_are_dropped() {
        assert_eq!(
            title_from_slug("https://bao.example/bo-truong-tham-benh-vien-20200917151900123.htm")
                .as_deref(),
            Some("Bo truong tham benh vien")
        );
        assert_eq!(
            title_from_slug("https://x.example/harbour-reopens/?utm_source=feed").as_deref(),
            Some("Harbour reopens")
        );
    }

    #[test]
    fn no_slug_no_title() {
        assert_eq!(
            title_from_slug("https://x.example/news/1545286960.html"),
            None
        );
        assert_eq!(title_from_slug("https://x.example/index.html"), None);
        assert_eq!(title_from_slug("https://x.example/politics"), None);
        assert_eq!(title_from_slug("https://x.example/a-b"), None);
        assert_eq!(title_from_slug("pages/p-12345.html"), None);
    }
}
