//! Discovery: which article URLs a crawl should fetch.
//!
//! Sitemap indexes and urlsets (plain or gzipped, and those named in robots.txt), with
//! Google News fields to put the newest articles first and to honour `since`; RSS 2.0
//! and Atom feeds; listing pages, whose links are sorted into articles and further
//! listings by the pipeline's allow/deny/follow patterns, up to `max_depth`.

use std::collections::{HashMap, HashSet, VecDeque};
use std::io::Read;

use chrono::{DateTime, Utc};
use quick_xml::Reader;
use quick_xml::events::Event;
use scraper::{Html, Selector};
use url::Url;

use crate::config::Loaded;
use crate::crawl::fetch::{Fetched, Fetcher};
use crate::normalise::dates;

/// Sitemap nesting deeper than this is not followed (loops, runaway indexes).
const MAX_SITEMAP_DEPTH: usize = 4;
/// At most this many sitemap documents per run.
const MAX_SITEMAPS: usize = 2000;

/// One URL found by discovery, with what the source said about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub url: String,
    pub published: Option<DateTime<Utc>>,
    pub title: Option<String>,
    pub language: Option<String>,
}

/// The parts of a sitemap document.
#[derive(Debug, Default, PartialEq)]
pub struct Sitemap {
    /// Child sitemaps of an index.
    pub sitemaps: Vec<String>,
    pub urls: Vec<Entry>,
}

/// What discovery found; the article URLs themselves go to the caller as they are found.
#[derive(Debug, Default)]
pub struct Discovered {
    /// Distinct article URLs found.
    pub articles: u64,
    /// Sitemaps, feeds and listings that could not be read: (url, reason, detail).
    pub errors: Vec<(String, String, String)>,
    /// Discovery documents fetched (sitemaps, feeds, listing pages).
    pub documents: usize,
}

fn named_entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        _ => return None,
    })
}

fn attributes(e: &quick_xml::events::BytesStart<'_>) -> HashMap<String, String> {
    e.attributes()
        .flatten()
        .map(|a| {
            let value = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map(|v| v.into_owned())
                .unwrap_or_default();
            (a.key.local_name().as_ref().to_ascii_lowercase(), value)
        })
        .collect()
}

/// Reads the text of XML elements by their local names, as (path of local names, text) events.
fn xml_items<F: FnMut(&[String], Option<&str>, &HashMap<String, String>)>(
    text: &str,
    mut on: F,
) -> Result<(), String> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().trim_text(true);
    let mut path: Vec<String> = Vec::new();
    let mut buf = String::new();
    let mut attrs: HashMap<String, String> = HashMap::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                path.push(e.local_name().as_ref().to_ascii_lowercase());
                attrs = attributes(&e);
                buf.clear();
            }
            Ok(Event::Empty(e)) => {
                path.push(e.local_name().as_ref().to_ascii_lowercase());
                on(&path, None, &attributes(&e));
                path.pop();
            }
            Ok(Event::Text(t)) => buf.push_str(&t.xml10_content()),
            Ok(Event::CData(t)) => buf.push_str(&t.into_inner()),
            Ok(Event::GeneralRef(r)) => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    buf.push(c);
                } else if let Some(c) = named_entity(&r.xml10_content()) {
                    buf.push(c);
                }
            }
            Ok(Event::End(_)) => {
                let text = buf.trim().to_string();
                on(&path, Some(&text), &attrs);
                buf.clear();
                path.pop();
            }
            Ok(Event::Eof) => return Ok(()),
            Ok(_) => {}
            Err(e) => {
                return Err(format!(
                    "not well-formed XML at byte {}: {e}",
                    reader.buffer_position()
                ));
            }
        }
    }
}

fn date(s: &str) -> Option<DateTime<Utc>> {
    dates::parse(s, chrono::FixedOffset::east_opt(0).expect("zero offset"))
}

/// Parses a sitemap index or urlset, including Google News fields.
pub fn parse_sitemap(text: &str) -> Result<Sitemap, String> {
    let mut out = Sitemap::default();
    let mut urls = Vec::new();
    read_sitemap(text, &mut |e| urls.push(e), &mut out.sitemaps)?;
    out.urls = urls;
    Ok(out)
}

/// Streams a sitemap: each URL entry goes to `on_url` as it is read (a 50,000-URL
/// sitemap is never held as a list); child sitemaps of an index go to `children`.
pub fn read_sitemap(
    text: &str,
    on_url: &mut dyn FnMut(Entry),
    children: &mut Vec<String>,
) -> Result<(), String> {
    let mut cur: Option<Entry> = None;
    let mut lastmod: Option<DateTime<Utc>> = None;
    xml_items(text, |path, text, _| {
        let names: Vec<&str> = path.iter().map(String::as_str).collect();
        match (names.as_slice(), text) {
            ([.., "sitemap", "loc"], Some(t)) => children.push(t.to_string()),
            ([.., "url", "loc"], Some(t)) => {
                cur.get_or_insert_with(|| Entry {
                    url: String::new(),
                    published: None,
                    title: None,
                    language: None,
                })
                .url = t.to_string();
            }
            ([.., "url", "lastmod"], Some(t)) => lastmod = date(t),
            ([.., "news", "publication_date"], Some(t)) => {
                if let Some(c) = cur.as_mut() {
                    c.published = date(t);
                } else {
                    cur = Some(Entry {
                        url: String::new(),
                        published: date(t),
                        title: None,
                        language: None,
                    });
                }
            }
            ([.., "news", "title"], Some(t)) => {
                if let Some(c) = cur.as_mut() {
                    c.title = Some(t.to_string());
                }
            }
            ([.., "publication", "language"], Some(t)) => {
                if let Some(c) = cur.as_mut() {
                    c.language = Some(t.to_string());
                }
            }
            ([.., "url"], Some(_)) => {
                if let Some(mut c) = cur.take() {
                    if c.published.is_none() {
                        c.published = lastmod;
                    }
                    if !c.url.is_empty() {
                        on_url(c);
                    }
                }
                lastmod = None;
            }
            _ => {}
        }
    })
}

/// Parses an RSS 2.0 or Atom feed into entries.
pub fn parse_feed(text: &str) -> Result<Vec<Entry>, String> {
    let mut out = Vec::new();
    let mut cur = Entry {
        url: String::new(),
        published: None,
        title: None,
        language: None,
    };
    xml_items(text, |path, text, attrs| {
        let names: Vec<&str> = path.iter().map(String::as_str).collect();
        match (names.as_slice(), text) {
            ([.., "item" | "entry", "link"], t) => {
                let rel = attrs.get("rel").map(String::as_str).unwrap_or("alternate");
                if let Some(href) = attrs.get("href").filter(|_| rel == "alternate") {
                    cur.url = href.clone();
                } else if let Some(t) = t.filter(|t| !t.is_empty()) {
                    cur.url = t.to_string();
                }
            }
            ([.., "item", "guid"], Some(t)) if cur.url.is_empty() && t.starts_with("http") => {
                cur.url = t.to_string()
            }
            ([.., "item" | "entry", "pubdate" | "published" | "date"], Some(t)) => {
                cur.published = date(t)
            }
            ([.., "entry", "updated"], Some(t)) if cur.published.is_none() => {
                cur.published = date(t)
            }
            ([.., "item" | "entry", "title"], Some(t)) => cur.title = Some(t.to_string()),
            ([.., "item" | "entry"], Some(_)) => {
                let done = std::mem::replace(
                    &mut cur,
                    Entry {
                        url: String::new(),
                        published: None,
                        title: None,
                        language: None,
                    },
                );
                if !done.url.is_empty() {
                    out.push(done);
                }
            }
            _ => {}
        }
    })?;
    Ok(out)
}

/// Absolute links of a listing page, in page order, without fragments and duplicates.
pub fn listing_links(html: &str, base: &Url) -> Vec<String> {
    let doc = Html::parse_document(html);
    let Ok(sel) = Selector::parse("a[href]") else {
        return vec![];
    };
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for a in doc.select(&sel) {
        let Some(href) = a.value().attr("href") else {
            continue;
        };
        let Ok(mut u) = base.join(href.trim()) else {
            continue;
        };
        u.set_fragment(None);
        if matches!(u.scheme(), "http" | "https") && seen.insert(u.to_string()) {
            out.push(u.to_string());
        }
    }
    out
}

/// Gunzips a body that is gzip (by magic bytes), capped at `max` bytes.
fn maybe_gunzip(bytes: Vec<u8>, max: u64) -> Result<Vec<u8>, String> {
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Ok(bytes);
    }
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes.as_slice())
        .take(max + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("broken gzip: {e}"))?;
    if out.len() as u64 > max {
        return Err(format!("larger than {max} bytes once decompressed"));
    }
    Ok(out)
}

/// Runs discovery for a pipeline, handing each in-scope article URL to `found` as it
/// is read (a URL found again with a date is handed again, so the date is kept). Only
/// 16 bytes per URL stay in memory; the caller keeps the URLs on disk (the crawl state)
/// and orders them newest first there.
pub async fn discover(
    fetcher: &Fetcher,
    cfg: &Loaded,
    since: Option<DateTime<Utc>>,
    found: &mut dyn FnMut(Entry),
) -> Discovered {
    let d = &cfg.pipeline.discovery;
    let max = cfg.pipeline.fetch.max_page_bytes;
    // URL hash -> whether it came with a date.
    let mut seen: HashMap<u128, bool> = HashMap::new();
    let mut out = Discovered::default();
    let mut add = |e: Entry, out: &mut Discovered| {
        let Ok(u) = Url::parse(&e.url) else { return };
        if !cfg.in_scope(&u) || !cfg.is_article(&e.url) {
            return;
        }
        if let (Some(s), Some(p)) = (since, e.published)
            && p < s
        {
            return;
        }
        let key = xxhash_rust::xxh3::xxh3_128(e.url.as_bytes());
        match seen.get(&key) {
            Some(true) => {}
            Some(false) if e.published.is_none() => {}
            Some(false) => {
                seen.insert(key, true);
                found(e);
            }
            None => {
                seen.insert(key, e.published.is_some());
                out.articles += 1;
                found(e);
            }
        }
    };

    // Sitemaps: configured ones, then those robots.txt names.
    let mut queue: VecDeque<(String, usize)> = d.sitemaps.iter().map(|s| (s.clone(), 0)).collect();
    if d.robots_sitemaps {
        let mut origins: Vec<Url> = d
            .sitemaps
            .iter()
            .chain(&d.feeds)
            .chain(&d.listings)
            .filter_map(|u| Url::parse(u).ok())
            .collect();
        origins.dedup_by_key(|u| u.origin().ascii_serialization());
        for o in origins {
            for s in fetcher.robots_sitemaps(&o).await {
                if !queue.iter().any(|(q, _)| *q == s) {
                    queue.push_back((s, 0));
                }
            }
        }
    }
    let mut seen_maps = HashSet::new();
    while let Some((url, depth)) = queue.pop_front() {
        if !seen_maps.insert(url.clone()) || seen_maps.len() > MAX_SITEMAPS {
            continue;
        }
        let Some(text) = document(fetcher, &url, max, &mut out).await else {
            continue;
        };
        let mut children = Vec::new();
        let read = read_sitemap(&text, &mut |e| add(e, &mut out), &mut children);
        drop(text);
        if let Err(e) = read {
            out.errors.push((url, "bad_sitemap".into(), e));
        }
        for child in children {
            if depth + 1 < MAX_SITEMAP_DEPTH {
                queue.push_back((child, depth + 1));
            }
        }
    }
    for url in &d.feeds {
        let Some(text) = document(fetcher, url, max, &mut out).await else {
            continue;
        };
        match parse_feed(&text) {
            Ok(entries) => entries.into_iter().for_each(|e| add(e, &mut out)),
            Err(e) => out.errors.push((url.clone(), "bad_feed".into(), e)),
        }
    }
    // Listing pages, breadth first.
    let mut listings: VecDeque<(String, u32)> = d.listings.iter().map(|l| (l.clone(), 1)).collect();
    let mut seen_listings = HashSet::new();
    while let Some((url, depth)) = listings.pop_front() {
        if !seen_listings.insert(url.clone()) {
            continue;
        }
        let Some(text) = document(fetcher, &url, max, &mut out).await else {
            continue;
        };
        let Ok(base) = Url::parse(&url) else { continue };
        for link in listing_links(&text, &base) {
            let Ok(u) = Url::parse(&link) else { continue };
            if !cfg.in_scope(&u) {
                continue;
            }
            if cfg.is_listing(&link) {
                if depth < d.max_depth {
                    listings.push_back((link, depth + 1));
                }
            } else if cfg.is_article(&link) && !cfg.allow.is_empty() {
                add(
                    Entry {
                        url: link,
                        published: None,
                        title: None,
                        language: None,
                    },
                    &mut out,
                );
            }
        }
    }
    out
}

/// Fetches one discovery document, counting it, and records why when it cannot be read.
async fn document(fetcher: &Fetcher, url: &str, max: u64, out: &mut Discovered) -> Option<String> {
    out.documents += 1;
    match fetch_text(fetcher, url, max).await {
        Ok(t) => Some(t),
        Err((reason, detail)) => {
            out.errors.push((url.to_string(), reason, detail));
            None
        }
    }
}

async fn fetch_text(fetcher: &Fetcher, url: &str, max: u64) -> Result<String, (String, String)> {
    match fetcher.get(url, None).await {
        Fetched::Page { page, .. } => {
            let bytes = maybe_gunzip(page.bytes, max)
                .map_err(|e| ("gzip_corrupt".to_string(), format!("{url}: {e}")))?;
            Ok(crate::parse::charset::decode(&bytes, page.content_type.as_deref(), None).text)
        }
        Fetched::NotModified { .. } => Err((
            "not_modified".into(),
            format!("{url} answered 304 to an unconditional request"),
        )),
        Fetched::Failed { reason, detail, .. } => Err((reason.to_string(), detail)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sitemap_index_and_news_urlset() {
        let index = r#"<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
          <sitemap><loc>https://e.vn/news.xml</loc></sitemap><sitemap><loc>https://e.vn/2020.xml.gz</loc></sitemap></sitemapindex>"#;
        assert_eq!(
            parse_sitemap(index).unwrap().sitemaps,
            vec!["https://e.vn/news.xml", "https://e.vn/2020.xml.gz"]
        );
        let news = r#"<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
          <url><loc>https://e.vn/a.html?x=1&amp;y=2</loc><news:news><news:publication><news:name>E</news:name><news:language>vi</news:language></news:publication>
          <news:publication_date>2020-09-17T15:19:00+07:00</news:publication_date><news:title>Tiêu đề A</news:title></news:news></url>
          <url><loc>https://e.vn/b.html</loc><lastmod>2020-09-16</lastmod></url></urlset>"#;
        let m = parse_sitemap(news).unwrap();
        assert_eq!(m.urls.len(), 2);
        assert_eq!(m.urls[0].url, "https://e.vn/a.html?x=1&y=2");
        assert_eq!(m.urls[0].title.as_deref(), Some("Tiêu đề A"));
        assert_eq!(m.urls[0].language.as_deref(), Some("vi"));
        assert_eq!(
            m.urls[0].published.unwrap().to_rfc3339(),
            "2020-09-17T08:19:00+00:00"
        );
        assert_eq!(
            m.urls[1].published.unwrap().to_rfc3339(),
            "2020-09-16T00:00:00+00:00"
        );
    }

    #[test]
    fn rss_and_atom() {
        let rss = r#"<rss version="2.0"><channel><title>E</title><item><title><![CDATA[Tin A]]></title><link>https://e.vn/a.html</link>
          <pubDate>Thu, 17 Sep 2020 15:19:00 +0700</pubDate></item><item><title>B</title><guid>https://e.vn/b.html</guid></item></channel></rss>"#;
        let items = parse_feed(rss).unwrap();
        assert_eq!(
            items.iter().map(|e| e.url.as_str()).collect::<Vec<_>>(),
            vec!["https://e.vn/a.html", "https://e.vn/b.html"]
        );
        assert_eq!(items[0].title.as_deref(), Some("Tin A"));
        assert!(items[0].published.is_some());
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>A</title><link rel="alternate" href="https://e.vn/a.html"/>
          <link rel="enclosure" href="https://e.vn/a.jpg"/><updated>2020-09-17T08:19:00Z</updated></entry></feed>"#;
        let entries = parse_feed(atom).unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].url, "https://e.vn/a.html");
    }

    #[test]
    fn broken_xml_is_an_error() {
        assert!(parse_sitemap("<urlset><url><loc>x</url>").is_err());
    }

    #[test]
    fn links_are_absolute_and_unique() {
        let base = Url::parse("https://e.vn/thoi-su/").unwrap();
        let links = listing_links(
            r##"<a href="a.html">A</a><a href="/b.html#c">B</a><a href="a.html">A</a><a href="mailto:x@e.vn">m</a>"##,
            &base,
        );
        assert_eq!(
            links,
            vec!["https://e.vn/thoi-su/a.html", "https://e.vn/b.html"]
        );
    }
}
