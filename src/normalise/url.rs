//! URLs in one canonical form, so that one article has one identity.
//!
//! Two URLs that a reader would call the same page (host case, `www.`, default port,
//! fragment, tracking parameters, a trailing slash) get the same key. The key is only
//! used for identity and dedupe; the `url` column keeps the page's own canonical URL.

use url::Url;

/// Query parameters that only say where a click came from.
fn is_tracking_param(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.starts_with("utm_")
        || matches!(
            n.as_str(),
            "fbclid"
                | "gclid"
                | "dclid"
                | "msclkid"
                | "yclid"
                | "mc_cid"
                | "mc_eid"
                | "igshid"
                | "_ga"
                | "ref_src"
                | "zarsrc"
                | "gidzl"
        )
}

/// The identity key of a URL: lower-case scheme and host, no `www.`, no default port,
/// no fragment, no tracking parameters, sorted query, no trailing slash on the path.
/// Returns `None` for strings that are not absolute http(s) URLs.
pub fn canonical_key(raw: &str) -> Option<String> {
    let url = Url::parse(raw.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let host = url.host_str()?.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    let mut params: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !is_tracking_param(k))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    params.sort();
    let mut path = url.path().to_string();
    while path.len() > 1 && path.ends_with('/') {
        path.pop();
    }
    let mut key = format!("{host}{path}");
    if let Some(port) = url.port() {
        key = format!("{host}:{port}{path}");
    }
    if !params.is_empty() {
        let query: Vec<String> = params
            .iter()
            .map(|(k, v)| {
                if v.is_empty() {
                    k.clone()
                } else {
                    format!("{k}={v}")
                }
            })
            .collect();
        key.push('?');
        key.push_str(&query.join("&"));
    }
    Some(key)
}

/// The host of an absolute URL, lower-cased, without `www.`.
pub fn site(raw: &str) -> Option<String> {
    let url = Url::parse(raw).ok()?;
    let host = url.host_str()?.to_ascii_lowercase();
    Some(host.strip_prefix("www.").unwrap_or(&host).to_string())
}

/// Resolves `href` against `base`; drops `javascript:`/`data:` and blank values.
pub fn resolve(base: Option<&Url>, href: &str) -> Option<String> {
    let href = href.trim();
    if href.is_empty()
        || href.starts_with("data:")
        || href.starts_with("javascript:")
        || href.starts_with('#')
    {
        return None;
    }
    if let Ok(abs) = Url::parse(href) {
        return Some(abs.to_string());
    }
    base.and_then(|b| b.join(href).ok()).map(|u| u.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_share_a_key() {
        let a = canonical_key("https://www.Example.com/news/a-1.html?utm_source=fb&fbclid=x#top")
            .unwrap();
        let b = canonical_key("http://example.com:80/news/a-1.html").unwrap();
        assert_eq!(a, "example.com/news/a-1.html");
        assert_eq!(b, a);
        assert_eq!(
            canonical_key("https://example.com/news/").unwrap(),
            "example.com/news"
        );
    }

    #[test]
    fn meaningful_query_is_kept_and_sorted() {
        assert_eq!(
            canonical_key("https://e.vn/a?b=2&a=1&utm_medium=x").unwrap(),
            "e.vn/a?a=1&b=2"
        );
    }

    #[test]
    fn non_http_is_none() {
        assert_eq!(canonical_key("/relative/path"), None);
        assert_eq!(canonical_key("file:///tmp/a.html"), None);
    }

    #[test]
    fn resolve_relative_and_reject_data() {
        let base = Url::parse("https://e.vn/tin/a.html").ok();
        assert_eq!(
            resolve(base.as_ref(), "/img/1.jpg").as_deref(),
            Some("https://e.vn/img/1.jpg")
        );
        assert_eq!(resolve(base.as_ref(), "data:image/gif;base64,R0lGOD"), None);
        assert_eq!(resolve(None, "img/1.jpg"), None);
    }
}
