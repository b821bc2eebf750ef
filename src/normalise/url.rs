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
    canonical_key_with(raw, &[])
}

/// [`canonical_key`], also dropping the query parameters named in `extra` (a pipeline's
/// own tracking parameters).
///
/// AMP and mobile editions are the same article: an `amp.`/`m.` host, an `/amp` path
/// segment or an `amp` parameter leave the key. Percent-escapes of characters that need
/// none are decoded and the rest upper-cased, as RFC 3986 says equivalent URLs are.
pub fn canonical_key_with(raw: &str, extra: &[String]) -> Option<String> {
    let url = Url::parse(raw.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let host = url.host_str()?.to_ascii_lowercase();
    let mut host = host.as_str();
    for prefix in ["www.", "amp.", "m.", "mobile."] {
        // Only a prefix of a longer name: "m.vn" is a domain, not a mobile edition.
        if let Some(rest) = host.strip_prefix(prefix).filter(|r| r.contains('.')) {
            host = rest;
        }
    }
    let mut params: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| {
            !is_tracking_param(k)
                && !k.eq_ignore_ascii_case("amp")
                && !extra.iter().any(|e| e.eq_ignore_ascii_case(k))
        })
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    params.sort();
    let mut path = normalise_escapes(url.path());
    loop {
        while path.len() > 1 && path.ends_with('/') {
            path.pop();
        }
        match path.strip_suffix("/amp") {
            Some(p) => path = p.to_string(),
            None => break,
        }
    }
    if path.is_empty() {
        path.push('/');
    }
    let mut key = match url.port() {
        Some(port) => format!("{host}:{port}{path}"),
        None => format!("{host}{path}"),
    };
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

/// Decodes escapes of unreserved characters (`%41` is `A`) and upper-cases the hex of
/// the others (`%c3%a1` is `%C3%A1`).
fn normalise_escapes(path: &str) -> String {
    let b = path.as_bytes();
    let mut out = String::with_capacity(path.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() && b[i + 1..i + 3].iter().all(u8::is_ascii_hexdigit) {
            let hex = &path[i + 1..i + 3];
            if let Ok(v) = u8::from_str_radix(hex, 16) {
                if v.is_ascii_alphanumeric() || matches!(v, b'-' | b'.' | b'_' | b'~') {
                    out.push(v as char);
                } else {
                    out.push('%');
                    out.push_str(&hex.to_ascii_uppercase());
                }
                i += 3;
                continue;
            }
        }
        // Not an escape: copy the whole character.
        let ch = path[i..].chars().next().unwrap_or('\u{fffd}');
        out.push(ch);
        i += ch.len_utf8().max(1);
    }
    out
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
    fn amp_and_mobile_editions_share_a_key() {
        let key = "e.vn/thoi-su/bai-1.html";
        for variant in [
            "https://amp.e.vn/thoi-su/bai-1.html",
            "https://m.e.vn/thoi-su/bai-1.html",
            "https://e.vn/thoi-su/bai-1.html/amp",
            "https://e.vn/thoi-su/bai-1.html?amp",
            "https://e.vn/thoi-su/bai-1.html?amp=1&utm_campaign=x",
        ] {
            assert_eq!(canonical_key(variant).as_deref(), Some(key), "{variant}");
        }
        // A domain that merely starts like a prefix keeps it.
        assert_eq!(canonical_key("https://m.vn/a").as_deref(), Some("m.vn/a"));
    }

    #[test]
    fn escapes_are_normalised() {
        assert_eq!(
            canonical_key("https://e.vn/%7Etin/%61%c3%a1").unwrap(),
            "e.vn/~tin/a%C3%A1"
        );
        assert_eq!(
            canonical_key("https://e.vn/a%2Fb").unwrap(),
            "e.vn/a%2Fb",
            "an escaped slash is not a path separator"
        );
    }

    #[test]
    fn pipeline_tracking_parameters_leave_the_key() {
        let extra = vec!["src".to_string()];
        assert_eq!(
            canonical_key_with("https://e.vn/a?src=home&id=3", &extra).unwrap(),
            "e.vn/a?id=3"
        );
        assert_eq!(
            canonical_key("https://e.vn/a?src=home&id=3").unwrap(),
            "e.vn/a?id=3&src=home"
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
