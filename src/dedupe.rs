//! Dedupe stage: exact duplicates within a run.
//!
//! A page whose canonical URL, or whose normalised body, was already exported in this
//! run is not exported again; it becomes a `duplicates` row naming the kept article.
//! Only 128-bit hashes are kept in memory, never texts.

use std::collections::HashMap;

use xxhash_rust::xxh3::xxh3_128;

use crate::record::{Article, Duplicate};

/// Remembers what a run has exported: hashes mapped to the kept article's id, both as
/// 128-bit numbers (article ids are hex), so memory per article stays at a few dozen bytes.
#[derive(Default)]
pub struct Deduper {
    urls: HashMap<u128, u128>,
    bodies: HashMap<u128, u128>,
}

fn id_number(id: &str) -> u128 {
    u128::from_str_radix(id, 16).unwrap_or_else(|_| xxh3_128(id.as_bytes()))
}

fn id_text(n: u128, like: &str) -> String {
    format!("{n:0width$x}", width = like.len())
}

impl Deduper {
    /// Returns the duplicate record when `a` repeats an earlier article; otherwise
    /// remembers `a` and returns `None`.
    pub fn check(&mut self, a: &Article) -> Option<Duplicate> {
        let url_hash = a.url_key.as_deref().map(|k| xxh3_128(k.as_bytes()));
        let body_hash = xxh3_128(a.body.as_bytes());
        let dup = |kept: &u128, method: &'static str| Duplicate {
            article_id: a.article_id.clone(),
            url: a.url.clone(),
            source: a.source.clone(),
            duplicate_of: id_text(*kept, &a.article_id),
            method,
            similarity: 1.0,
        };
        if let Some(kept) = url_hash.and_then(|h| self.urls.get(&h)) {
            return Some(dup(kept, "url"));
        }
        if let Some(kept) = self.bodies.get(&body_hash) {
            return Some(dup(kept, "exact"));
        }
        let id = id_number(&a.article_id);
        if let Some(h) = url_hash {
            self.urls.insert(h, id);
        }
        self.bodies.insert(body_hash, id);
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Article;

    fn article(id: &str, url_key: Option<&str>, body: &str) -> Article {
        Article {
            article_id: id.into(),
            url: url_key.unwrap_or("x").into(),
            source: format!("{id}.html"),
            site: None,
            title: "t".into(),
            lead: None,
            body: body.into(),
            category: None,
            tags: vec![],
            authors: vec![],
            published_at: None,
            date_source: None,
            published_text: None,
            modified_at: None,
            language: None,
            language_confidence: None,
            word_count: 1,
            content_hash: String::new(),
            charset: "UTF-8".into(),
            html_bytes: 0,
            fetched_at: chrono::Utc::now(),
            images: vec![],
            participants: vec![],
            url_key: url_key.map(str::to_string),
        }
    }

    #[test]
    fn same_url_then_same_body() {
        let mut d = Deduper::default();
        assert!(
            d.check(&article("0a", Some("e.vn/1"), "body one"))
                .is_none()
        );
        let by_url = d
            .check(&article("0b", Some("e.vn/1"), "other body"))
            .unwrap();
        assert_eq!((by_url.method, by_url.duplicate_of.as_str()), ("url", "0a"));
        let by_body = d.check(&article("0c", Some("e.vn/2"), "body one")).unwrap();
        assert_eq!(
            (by_body.method, by_body.duplicate_of.as_str()),
            ("exact", "0a")
        );
        assert!(d.check(&article("0d", Some("e.vn/3"), "new")).is_none());
    }
}
