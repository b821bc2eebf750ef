//! Page metadata that publishers declare for machines: `<meta>` tags, OpenGraph,
//! `<link rel=canonical>` and JSON-LD `NewsArticle`/`Article` objects.

use scraper::{Html, Selector};
use serde_json::Value;

use super::dom::collapse;

/// What the page declares about itself; every field is raw text.
#[derive(Debug, Default)]
pub struct Meta {
    pub og_title: Option<String>,
    pub og_url: Option<String>,
    pub og_type: Option<String>,
    pub og_site_name: Option<String>,
    pub og_locale: Option<String>,
    /// Every distinct description the page declares (`description`, `og:description`,
    /// `twitter:description`): a site may put its own blurb in one and the story's
    /// standfirst in another.
    pub descriptions: Vec<String>,
    pub canonical: Option<String>,
    /// `<link rel=amphtml>`: the same article's AMP page.
    pub amphtml: Option<String>,
    pub html_lang: Option<String>,
    pub title_tag: Option<String>,
    pub base_href: Option<String>,
    pub section: Option<String>,
    pub tags: Vec<String>,
    pub keywords: Vec<String>,
    pub meta_authors: Vec<String>,
    /// Names that say "published": `article:published_time`, `itemprop=datePublished`,
    /// `pubdate`, `parsely-pub-date`, `citation_publication_date`...
    pub published: Vec<String>,
    /// Names that only say "date" or "created": `date`, `DC.date`, `dcterms.created`...
    pub dated: Vec<String>,
    pub modified: Vec<String>,
    pub ld: LdArticle,
}

/// The fields of the page's JSON-LD article object.
#[derive(Debug, Default)]
pub struct LdArticle {
    pub found: bool,
    /// Every `@type` of the page's JSON-LD objects, lower-cased (`newsarticle`,
    /// `liveblogposting`, `videoobject`): what kind of page it declares itself.
    pub types: Vec<String>,
    pub headline: Option<String>,
    pub date_published: Option<String>,
    /// `dateCreated` of the article object.
    pub date_created: Option<String>,
    pub date_modified: Option<String>,
    /// `datePublished` (else `dateCreated`, `uploadDate`) of the first other object that
    /// has one (a `WebPage`, a `VideoObject`), for pages without an article object.
    pub other_published: Option<String>,
    pub authors: Vec<String>,
    /// `author` entries that only point at a `Person` elsewhere (`{"@id": ...}`), as
    /// Yoast's `@graph` writes them; resolved once every script is read.
    pub author_refs: Vec<String>,
    /// The same on the `WebPage` object, where older Yoast versions put the author.
    pub page_author_refs: Vec<String>,
    /// `@id` and `name` of every `Person` object, for resolving `author_refs`.
    pub people: Vec<(String, String)>,
    pub section: Option<String>,
    pub keywords: Vec<String>,
    pub language: Option<String>,
    pub url: Option<String>,
    pub publisher: Option<String>,
    /// Names of the `BreadcrumbList` items, in order.
    pub breadcrumb: Vec<String>,
    /// `articleBody` of the article object, as written (lines and any markup kept).
    pub body: Option<String>,
}

pub(crate) fn sel(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("built-in selector {css:?} is invalid: {e}"))
}

fn non_empty(s: &str) -> Option<String> {
    let s = collapse(&decode_entities(s));
    (!s.is_empty()).then_some(s)
}

/// Decodes HTML character references left inside JSON-LD strings (script text is not
/// decoded by the HTML parser): "NH&#7852;T XU&Acirc;N" -> "NHẬT XUÂN".
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let tail = &rest[amp..];
        let end = tail.find(';').filter(|e| *e <= 10);
        let decoded = end.and_then(|e| {
            let name = &tail[1..e];
            let c = if let Some(num) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                u32::from_str_radix(num, 16).ok().and_then(char::from_u32)
            } else if let Some(num) = name.strip_prefix('#') {
                num.parse::<u32>().ok().and_then(char::from_u32)
            } else {
                match name {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    "nbsp" => Some('\u{a0}'),
                    _ => None,
                }
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &tail[e + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Reads every declaration the page makes about itself.
pub fn read(doc: &Html) -> Meta {
    let mut m = Meta::default();
    // One walk over the page sorts out every element this module reads.
    let (mut metas, mut links, mut scripts) = (Vec::new(), Vec::new(), Vec::new());
    for el in doc
        .root_element()
        .descendants()
        .filter_map(scraper::ElementRef::wrap)
    {
        let v = el.value();
        match v.name() {
            "meta" => metas.push(el),
            "link" if v.attr("rel").is_some() => links.push(el),
            "script"
                if v.attr("type")
                    .is_some_and(|t| t.eq_ignore_ascii_case("application/ld+json")) =>
            {
                scripts.push(el)
            }
            // Untyped JSON-LD; other scripts were emptied before parsing, so this is cheap.
            "script"
                if v.attr("type").is_none()
                    && el
                        .text()
                        .next()
                        .is_some_and(|t| super::prune::is_bare_json_ld(t.as_bytes())) =>
            {
                scripts.push(el)
            }
            "title" if m.title_tag.is_none() => {
                m.title_tag =
                    Some(collapse(&el.text().collect::<String>())).filter(|t| !t.is_empty());
            }
            "base" if m.base_href.is_none() => m.base_href = v.attr("href").and_then(non_empty),
            _ => {}
        }
    }
    m.html_lang = doc.root_element().value().attr("lang").and_then(non_empty);
    for el in metas {
        let v = el.value();
        let key = v
            .attr("property")
            .or_else(|| v.attr("name"))
            .or_else(|| v.attr("itemprop"))
            .unwrap_or("")
            .to_ascii_lowercase();
        let Some(content) = v.attr("content").and_then(non_empty) else {
            continue;
        };
        match key.as_str() {
            "og:title" | "twitter:title" if m.og_title.is_none() => m.og_title = Some(content),
            "og:url" => m.og_url = Some(content),
            "og:type" => m.og_type = Some(content.to_ascii_lowercase()),
            "og:site_name" => m.og_site_name = Some(content),
            "og:locale" => m.og_locale = Some(content),
            "description" | "og:description" | "twitter:description" => {
                if !m.descriptions.contains(&content) {
                    m.descriptions.push(content);
                }
            }
            "article:section" | "section" => m.section = m.section.take().or(Some(content)),
            "article:tag" => m.tags.push(content),
            "keywords" | "news_keywords" => m.keywords.extend(split_list(&content)),
            "author" | "article:author" | "og:article:author" | "dc.creator"
            | "dcterms.creator" | "byl" | "parsely-author" | "sailthru.author" => {
                m.meta_authors.push(content)
            }
            _ => match date_name(&key) {
                Some(DateName::Published) => m.published.push(content),
                Some(DateName::Dated) => m.dated.push(content),
                Some(DateName::Modified) => m.modified.push(content),
                None => {}
            },
        }
    }
    for el in links {
        let v = el.value();
        let rel = v.attr("rel").unwrap_or("").to_ascii_lowercase();
        if rel.split_whitespace().any(|r| r == "amphtml") && m.amphtml.is_none() {
            m.amphtml = v.attr("href").and_then(non_empty);
        }
        if rel.split_whitespace().any(|r| r == "canonical") && m.canonical.is_none() {
            m.canonical = v.attr("href").and_then(non_empty);
        }
    }
    for script in scripts {
        let raw: String = script.text().collect();
        if let Ok(value) = serde_json::from_str::<Value>(raw.trim()) {
            read_ld(&value, &mut m.ld);
        } else if let Ok(value) = serde_json::from_str::<Value>(&sanitize_json(&raw)) {
            read_ld(&value, &mut m.ld);
        }
    }
    if m.ld.authors.is_empty() {
        let ld = &mut m.ld;
        let refs = if ld.author_refs.is_empty() {
            &ld.page_author_refs
        } else {
            &ld.author_refs
        };
        ld.authors = refs
            .iter()
            .filter_map(|r| ld.people.iter().find(|(id, _)| id == r))
            .map(|(_, name)| name.clone())
            .collect();
    }
    m
}

/// What a `<meta>` name says about the date in its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateName {
    /// The publication date, by name: `article:published_time`, `pubdate`, `sailthru.date`...
    Published,
    /// A date without saying which: `date`, `DC.date`, `dcterms.created`.
    Dated,
    /// `article:modified_time`, `og:updated_time`, `lastmod`...
    Modified,
}

/// Classifies a meta name (lower-cased) by its words rather than by a list of exact
/// names, since every CMS and vendor spells them its own way (`og:article:published_time`,
/// `cXenseParse:publishtime`, `parsely-pub-date`, `DC.date.issued`, `citation_date`).
pub fn date_name(key: &str) -> Option<DateName> {
    let has = |w: &str| key.contains(w);
    let names_time = ["date", "time", "publish", "created", "issued", "lastmod"]
        .iter()
        .any(|w| has(w))
        || key.ends_with("pub");
    if !names_time {
        return None;
    }
    // Dates of something else than this page's text.
    if [
        "expir", "valid", "start", "end", "event", "birth", "current", "render", "gentime",
    ]
    .iter()
    .any(|w| has(w))
    {
        return None;
    }
    if ["modif", "updat", "lastmod", "revis", "edited", "last"]
        .iter()
        .any(|w| has(w))
    {
        return Some(DateName::Modified);
    }
    if [
        "publi", "pub_", "pub-", "pubdate", "pubtime", "issued", "release", "posted",
    ]
    .iter()
    .any(|w| has(w))
        || key.ends_with("pub")
        || key == "sailthru.date"
        || key == "citation_date"
    {
        return Some(DateName::Published);
    }
    // "date", "dc.date", "dcterms.date", "dcterms.created", "datecreated", "uploaddate".
    let last = key.rsplit(['.', ':', '_', '-']).next().unwrap_or(key);
    if matches!(
        last,
        "date" | "created" | "datecreated" | "uploaddate" | "creation"
    ) {
        return Some(DateName::Dated);
    }
    None
}

/// JSON-LD in the wild has raw newlines and tabs inside strings; JSON forbids them.
fn sanitize_json(raw: &str) -> String {
    raw.trim()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn split_list(s: &str) -> Vec<String> {
    s.split([',', ';']).filter_map(non_empty).collect()
}

fn as_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => non_empty(s),
        Value::Array(a) => a.iter().find_map(as_text),
        Value::Object(o) => o.get("name").or_else(|| o.get("@value")).and_then(as_text),
        _ => None,
    }
}

fn types(v: &Value) -> Vec<String> {
    match v.get("@type") {
        Some(Value::String(s)) => vec![s.to_ascii_lowercase()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|t| t.as_str())
            .map(str::to_ascii_lowercase)
            .collect(),
        _ => vec![],
    }
}

fn read_ld(v: &Value, out: &mut LdArticle) {
    match v {
        Value::Array(items) => items.iter().for_each(|i| read_ld(i, out)),
        Value::Object(o) => {
            if let Some(graph) = o.get("@graph") {
                read_ld(graph, out);
            }
            let t = types(v);
            out.types.extend(t.iter().cloned());
            if t.iter().any(|t| t == "person")
                && let (Some(id), Some(name)) = (
                    o.get("@id").and_then(Value::as_str),
                    o.get("name").and_then(as_text),
                )
            {
                out.people.push((id.to_string(), name));
            }
            if t.iter().any(|t| t == "webpage") && out.page_author_refs.is_empty() {
                out.page_author_refs = ld_refs(o.get("author"));
            }
            if t.iter().any(|t| t == "breadcrumblist")
                && let Some(Value::Array(items)) = o.get("itemListElement")
            {
                let mut named: Vec<(i64, String)> = items
                    .iter()
                    .filter_map(|i| {
                        let pos = i
                            .get("position")
                            .and_then(|p| p.as_i64().or_else(|| p.as_str()?.parse().ok()))
                            .unwrap_or(0);
                        let name = i
                            .get("name")
                            .or_else(|| i.get("item").and_then(|it| it.get("name")))
                            .and_then(as_text)?;
                        Some((pos, name))
                    })
                    .collect();
                named.sort_by_key(|(p, _)| *p);
                if out.breadcrumb.is_empty() {
                    out.breadcrumb = named.into_iter().map(|(_, n)| n).collect();
                }
            }
            // An article may sit inside the page object (`WebPage.mainEntity`).
            if let Some(main) = o.get("mainEntity") {
                read_ld(main, out);
            }
            let is_article = t.iter().any(|t| {
                t.ends_with("article")
                    || t == "blogposting"
                    || t == "report"
                    || t == "liveblogposting"
            });
            if !is_article && out.other_published.is_none() {
                out.other_published = ["datePublished", "dateCreated", "uploadDate"]
                    .iter()
                    .find_map(|k| o.get(*k).and_then(as_text));
            }
            if is_article && !out.found {
                out.found = true;
                out.headline = o
                    .get("headline")
                    .or_else(|| o.get("name"))
                    .and_then(as_text);
                out.date_published = o.get("datePublished").and_then(as_text);
                out.date_created = o.get("dateCreated").and_then(as_text);
                out.date_modified = o.get("dateModified").and_then(as_text);
                out.section = o.get("articleSection").and_then(as_text);
                out.language = o.get("inLanguage").and_then(as_text);
                out.url = o
                    .get("url")
                    .or_else(|| {
                        o.get("mainEntityOfPage")
                            .and_then(|m| m.get("@id").or(Some(m)))
                    })
                    .and_then(|u| u.as_str())
                    .and_then(non_empty);
                out.keywords = match o.get("keywords") {
                    Some(Value::String(s)) => split_list(s),
                    Some(Value::Array(a)) => a.iter().filter_map(as_text).collect(),
                    _ => vec![],
                };
                let author = o.get("author").or_else(|| o.get("creator"));
                out.authors = ld_people(author);
                out.author_refs = ld_refs(author);
                out.publisher = o.get("publisher").and_then(as_text);
                out.body = o
                    .get("articleBody")
                    .and_then(Value::as_str)
                    .map(str::to_string);
            }
        }
        _ => {}
    }
}

/// Author names from a JSON-LD `author` value, leaving out organisations. A string is
/// kept whole: the author cleaner splits lists and drops an outlet after a comma.
fn ld_people(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => non_empty(s).into_iter().collect(),
        Some(Value::Array(a)) => a.iter().flat_map(|x| ld_people(Some(x))).collect(),
        Some(o @ Value::Object(_)) => {
            if types(o)
                .iter()
                .any(|t| t.ends_with("organization") || matches!(t.as_str(), "brand" | "website"))
            {
                return vec![];
            }
            o.get("name").and_then(as_text).into_iter().collect()
        }
        _ => vec![],
    }
}

/// The `@id`s of `author` entries that carry no name of their own.
fn ld_refs(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(a)) => a.iter().flat_map(|x| ld_refs(Some(x))).collect(),
        Some(Value::Object(o)) if o.get("name").is_none() => o
            .get("@id")
            .and_then(Value::as_str)
            .map(str::to_string)
            .into_iter()
            .collect(),
        _ => vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_ld_graph_and_breadcrumb() {
        let html = r#"<html lang="vi"><head>
        <script type="application/ld+json">{"@context":"https://schema.org","@graph":[
          {"@type":"BreadcrumbList","itemListElement":[{"@type":"ListItem","position":2,"name":"Thời sự"},{"@type":"ListItem","position":1,"name":"Trang chủ"}]},
          {"@type":"NewsArticle","headline":"Tiêu đề","datePublished":"2020-09-17T15:19:00+07:00",
           "author":[{"@type":"Person","name":"Hà Thu"},{"@type":"Organization","name":"Báo X"}],"articleSection":"Sức khỏe","keywords":"a, b"}]}
        </script></head><body></body></html>"#;
        let m = read(&Html::parse_document(html));
        assert!(m.ld.found);
        assert_eq!(m.ld.headline.as_deref(), Some("Tiêu đề"));
        assert_eq!(m.ld.authors, vec!["Hà Thu"]);
        assert_eq!(m.ld.breadcrumb, vec!["Trang chủ", "Thời sự"]);
        assert_eq!(m.ld.keywords, vec!["a", "b"]);
        assert_eq!(m.html_lang.as_deref(), Some("vi"));
    }

    #[test]
    fn json_ld_with_raw_newline_in_string() {
        let html = "<script type=\"application/ld+json\">{\"@type\":\"Article\",\"headline\":\"Dòng\nhai\"}</script>";
        let m = read(&Html::parse_document(html));
        assert_eq!(m.ld.headline.as_deref(), Some("Dòng hai"));
    }

    #[test]
    fn entities_in_json_ld_are_decoded() {
        assert_eq!(
            decode_entities("NH&#7852;T XU&#xC2;N &amp; B"),
            "NHẬT XUÂN & B"
        );
        assert_eq!(decode_entities("a & b &unknown; c"), "a & b &unknown; c");
    }

    #[test]
    fn meta_tags() {
        let html = r#"<head><meta property="og:title" content="A"><meta property="article:published_time" content="2020-01-01T00:00:00Z">
        <link rel="canonical" href="https://e.vn/a.html"><meta name="keywords" content="x; y"></head>"#;
        let m = read(&Html::parse_document(html));
        assert_eq!(m.og_title.as_deref(), Some("A"));
        assert_eq!(m.canonical.as_deref(), Some("https://e.vn/a.html"));
        assert_eq!(m.published, vec!["2020-01-01T00:00:00Z"]);
        assert_eq!(m.keywords, vec!["x", "y"]);
    }
}
