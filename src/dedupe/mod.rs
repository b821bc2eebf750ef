//! Dedupe stage: URL variants, exact copies and near-duplicates, within a run and
//! against every earlier run.
//!
//! Articles are exported as they stream in, and each leaves a small [`Entry`] here
//! (hashes and a MinHash signature, never text). When the run's pages are all in,
//! [`Deduper::resolve`] decides in one deterministic order — earliest published first,
//! then the smallest `article_id` — so the copy that is kept does not depend on thread
//! count or arrival order. Earlier runs come first of all: what they exported stays
//! exported, and a page that repeats one of their articles is the duplicate. The
//! export stage then leaves the duplicates' rows out of the run's files.

pub mod dataset;
pub mod minhash;

use rustc_hash::FxHashMap as HashMap;
use xxhash_rust::xxh3::{xxh3_64, xxh3_128};

use crate::record::Article;
pub use minhash::{Hasher, Params, Signature};

/// What the dedupe stage keeps of one article.
#[derive(Debug, Clone)]
pub struct Entry {
    pub article_id: String,
    /// Hash of the canonical URL key.
    pub url: Option<u64>,
    /// Hashes of other URL keys the page names as itself (its AMP version).
    pub aliases: Vec<u64>,
    /// Hash of the normalised body.
    pub body: u64,
    /// Publication time in microseconds since the epoch.
    pub published: Option<i64>,
    /// Hash of where the page came from (file or URL): the last tie-break, so that
    /// even two copies of one page are ordered the same way in every run.
    pub origin: u64,
    pub signature: Signature,
}

impl Entry {
    /// The entry of an article, holding `signature` (the article's own, or an empty one
    /// when the signature waits on disk).
    pub fn of(a: &Article, signature: Signature) -> Self {
        Entry {
            article_id: a.article_id.clone(),
            url: a.url_key.as_deref().map(key_hash),
            aliases: a.alias_keys.iter().map(|k| key_hash(k)).collect(),
            body: body_hash(&a.body),
            published: a.published_at.map(|t| t.timestamp_micros()),
            origin: xxh3_64(a.source.as_bytes()),
            signature,
        }
    }
}

/// Hash of a canonical URL key, as stored in the crawl state.
pub fn key_hash(key: &str) -> u64 {
    xxh3_64(key.as_bytes())
}

/// Hash of a normalised body, as stored in the crawl state.
pub fn body_hash(body: &str) -> u64 {
    // The 128-bit hash folded: 64 bits keep collisions negligible at corpus sizes.
    let h = xxh3_128(body.as_bytes());
    (h as u64) ^ ((h >> 64) as u64)
}

/// One page found to repeat another: `seq` is its place in the order pages were added.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub seq: usize,
    pub duplicate_of: String,
    pub method: &'static str,
    pub similarity: f64,
}

/// A kept article of an earlier run, as a candidate.
pub struct Earlier {
    pub article_id: String,
    pub signature: Signature,
}

/// Articles exported by earlier runs (the crawl state). Each lookup leaves out the
/// article `except`: a page whose content changed keeps its identity and is exported
/// again as its new version, not called a copy of itself.
///
/// A history that also [`keeps`](History::keep) this run's articles holds the whole
/// index on disk: the decision then keeps nothing per article in memory but its order,
/// and signatures are read back from it ([`History::signature`]).
pub trait History {
    fn by_url(&mut self, url: u64, except: &str) -> anyhow::Result<Option<String>>;
    fn by_body(&mut self, body: u64, except: &str) -> anyhow::Result<Option<String>>;
    fn by_bands(&mut self, keys: &[u64], except: &str) -> anyhow::Result<Vec<Earlier>>;
    /// The signature of this run's entry `seq`, when it was set aside on disk.
    fn signature(&mut self, _seq: usize) -> anyhow::Result<Option<Signature>> {
        Ok(None)
    }
    /// True when this run already kept an article with this id (the same page under
    /// another URL form).
    fn kept_here(&mut self, _article_id: &str) -> anyhow::Result<bool> {
        Ok(false)
    }
    /// Records a kept article of this run so that later lookups find it. Returns false
    /// when this history does not keep the run's articles (the caller indexes them).
    fn keep(
        &mut self,
        _entry: &Entry,
        _signature: &[u16],
        _hasher: &Hasher,
    ) -> anyhow::Result<bool> {
        Ok(false)
    }
}

/// Collects a run's entries and decides which are duplicates.
pub struct Deduper {
    hasher: Hasher,
    entries: Vec<Entry>,
}

impl Deduper {
    pub fn new(params: Params) -> Self {
        Deduper {
            hasher: Hasher::new(params),
            entries: Vec::new(),
        }
    }

    /// Adds an article; returns its sequence number.
    pub fn add(&mut self, entry: Entry) -> usize {
        self.entries.push(entry);
        self.entries.len() - 1
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Decides every entry, in the deterministic order, against earlier runs and the
    /// entries kept before it. Returns the duplicates, by sequence number.
    pub fn resolve(&self, mut history: Option<&mut dyn History>) -> anyhow::Result<Vec<Verdict>> {
        let params = self.hasher.params();
        let mut order: Vec<usize> = (0..self.entries.len()).collect();
        order.sort_by(|&a, &b| {
            let (x, y) = (&self.entries[a], &self.entries[b]);
            x.published
                .unwrap_or(i64::MAX)
                .cmp(&y.published.unwrap_or(i64::MAX))
                .then_with(|| x.article_id.cmp(&y.article_id))
                .then_with(|| x.body.cmp(&y.body))
                .then_with(|| x.origin.cmp(&y.origin))
                .then_with(|| a.cmp(&b))
        });
        let mut urls: HashMap<u64, usize> = HashMap::default();
        let mut bodies: HashMap<u64, usize> = HashMap::default();
        // LSH buckets of kept entries: the first entry per band key, then a chain
        // through `next` (one slot per entry and band), so the index costs a few bytes
        // per band instead of a vector per bucket.
        let mut heads: HashMap<u64, u32> = HashMap::default();
        // Allocated on the first entry kept in memory (never, when the history keeps them).
        let mut next: Vec<u32> = Vec::new();
        let mut verdicts = Vec::new();
        for &seq in &order {
            let e = &self.entries[seq];
            let dup = |of: &str, method, similarity| Verdict {
                seq,
                duplicate_of: of.to_string(),
                method,
                similarity,
            };
            // The entry's own signature, or the one its history set aside on disk.
            let stashed: Option<Signature> = match history.as_deref_mut() {
                Some(h) if e.signature.is_empty() => h.signature(seq)?,
                _ => None,
            };
            let signature: &[u16] = stashed.as_deref().unwrap_or(&e.signature);
            // 1. The same page under another URL form.
            if let Some(h) = history.as_deref_mut() {
                if h.kept_here(&e.article_id)? {
                    verdicts.push(dup(&e.article_id, "url", 1.0));
                    continue;
                }
            }
            let in_run = e
                .url
                .iter()
                .chain(&e.aliases)
                .find_map(|k| urls.get(k).copied());
            if let Some(k) = in_run {
                verdicts.push(dup(&self.entries[k].article_id, "url", 1.0));
                continue;
            }
            if let Some(h) = history.as_deref_mut() {
                let mut found = None;
                for k in e.url.iter().chain(&e.aliases) {
                    found = h.by_url(*k, &e.article_id)?;
                    if found.is_some() {
                        break;
                    }
                }
                if let Some(of) = found {
                    verdicts.push(dup(&of, "url", 1.0));
                    continue;
                }
            }
            // 2. The same text.
            if let Some(&k) = bodies.get(&e.body) {
                verdicts.push(dup(&self.entries[k].article_id, "exact", 1.0));
                continue;
            }
            if let Some(h) = history.as_deref_mut() {
                if let Some(of) = h.by_body(e.body, &e.article_id)? {
                    verdicts.push(dup(&of, "exact", 1.0));
                    continue;
                }
            }
            // 3. Nearly the same text: candidates from the bands, verified on the
            // signature. The most similar wins; earlier runs first on a tie.
            let keys = self.hasher.band_keys(signature);
            let mut best: Option<(f64, String)> = None;
            let mut consider = |s: f64, id: &str| {
                if s >= params.threshold && best.as_ref().is_none_or(|(b, _)| s > *b) {
                    best = Some((s, id.to_string()));
                }
            };
            if let Some(h) = history.as_deref_mut() {
                for c in h.by_bands(&keys, &e.article_id)? {
                    consider(minhash::similarity(signature, &c.signature), &c.article_id);
                }
            }
            let mut seen: Vec<u32> = Vec::new();
            for (band, key) in keys.iter().enumerate() {
                let mut at = heads.get(key).copied().unwrap_or(u32::MAX);
                while at != u32::MAX {
                    if !seen.contains(&at) {
                        seen.push(at);
                        let k = &self.entries[at as usize];
                        consider(minhash::similarity(signature, &k.signature), &k.article_id);
                    }
                    at = next[at as usize * params.bands + band];
                }
            }
            if let Some((s, of)) = best {
                verdicts.push(dup(&of, "near", s));
                continue;
            }
            // Kept: into the history's index when it keeps one, else into memory.
            if let Some(h) = history.as_deref_mut() {
                if h.keep(e, signature, &self.hasher)? {
                    continue;
                }
            }
            for k in e.url.iter().chain(&e.aliases) {
                urls.insert(*k, seq);
            }
            bodies.insert(e.body, seq);
            if next.is_empty() {
                next = vec![u32::MAX; self.entries.len() * params.bands];
            }
            for (band, key) in keys.iter().enumerate() {
                let slot = seq * params.bands + band;
                if let Some(prev) = heads.insert(*key, seq as u32) {
                    next[slot] = prev;
                }
            }
        }
        verdicts.sort_by_key(|v| v.seq);
        Ok(verdicts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(h: &Hasher, id: &str, url: Option<&str>, published: Option<i64>, body: &str) -> Entry {
        Entry {
            article_id: id.into(),
            url: url.map(key_hash),
            aliases: vec![],
            body: body_hash(body),
            published,
            origin: 0,
            signature: h.signature(body),
        }
    }

    fn story(seed: usize, n: usize) -> String {
        (0..n)
            .map(|i| format!("chữ{}", (i * 7919 + seed * 15_485_863) % 100_003))
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn run(entries: &[Entry]) -> Vec<(String, String, &'static str)> {
        let mut d = Deduper::new(Params::default());
        for e in entries {
            d.add(e.clone());
        }
        let mut out: Vec<_> = d
            .resolve(None)
            .unwrap()
            .into_iter()
            .map(|v| (entries[v.seq].article_id.clone(), v.duplicate_of, v.method))
            .collect();
        out.sort();
        out
    }

    #[test]
    fn url_then_exact_then_near() {
        let h = Hasher::new(Params::default());
        let base = story(1, 300);
        let words: Vec<&str> = base.split(' ').collect();
        let edited = format!("{} {}", story(7, 20), words[20..].join(" "));
        let entries = vec![
            entry(&h, "a1", Some("e.vn/1"), Some(10), &base),
            entry(&h, "a2", Some("e.vn/1"), Some(20), "another body"),
            entry(&h, "b1", Some("e.vn/2"), Some(30), &base),
            entry(&h, "c1", Some("e.vn/3"), Some(40), &edited),
            entry(&h, "d1", Some("e.vn/4"), Some(50), &story(2, 300)),
        ];
        assert_eq!(
            run(&entries),
            vec![
                ("a2".into(), "a1".into(), "url"),
                ("b1".into(), "a1".into(), "exact"),
                ("c1".into(), "a1".into(), "near"),
            ]
        );
    }

    #[test]
    fn the_earliest_published_is_kept_whatever_the_order_or_threads() {
        let h = Hasher::new(Params::default());
        let base = story(3, 300);
        let mut entries = vec![
            entry(&h, "late", Some("x.vn/a"), Some(300), &base),
            entry(&h, "early", Some("y.vn/b"), Some(100), &base),
            entry(&h, "undated", Some("z.vn/c"), None, &base),
            entry(&h, "zz", Some("y.vn/d"), Some(100), &format!("{base} thêm")),
        ];
        let expected = run(&entries);
        assert!(
            expected.iter().all(|(_, of, _)| of == "early"),
            "{expected:?}"
        );
        // Same result for every arrival order.
        for shift in 1..entries.len() {
            entries.rotate_left(1);
            assert_eq!(run(&entries), expected, "rotation {shift}");
        }
        entries.reverse();
        assert_eq!(run(&entries), expected);
    }

    struct Past(Vec<Entry>, Hasher);

    impl History for Past {
        fn by_url(&mut self, url: u64, except: &str) -> anyhow::Result<Option<String>> {
            Ok(self
                .0
                .iter()
                .find(|e| e.url == Some(url) && e.article_id != except)
                .map(|e| e.article_id.clone()))
        }
        fn by_body(&mut self, body: u64, except: &str) -> anyhow::Result<Option<String>> {
            Ok(self
                .0
                .iter()
                .find(|e| e.body == body && e.article_id != except)
                .map(|e| e.article_id.clone()))
        }
        fn by_bands(&mut self, keys: &[u64], except: &str) -> anyhow::Result<Vec<Earlier>> {
            Ok(self
                .0
                .iter()
                .filter(|e| e.article_id != except)
                .filter(|e| {
                    self.1
                        .band_keys(&e.signature)
                        .iter()
                        .any(|k| keys.contains(k))
                })
                .map(|e| Earlier {
                    article_id: e.article_id.clone(),
                    signature: e.signature.clone(),
                })
                .collect())
        }
    }

    #[test]
    fn earlier_runs_win_and_a_changed_page_is_not_its_own_copy() {
        let h = Hasher::new(Params::default());
        let base = story(4, 300);
        let mut past = Past(
            vec![entry(&h, "old", Some("e.vn/old"), Some(500), &base)],
            Hasher::new(Params::default()),
        );
        let mut d = Deduper::new(Params::default());
        // Published earlier, but the earlier run's export stands.
        d.add(entry(
            &h,
            "syndicated",
            Some("other.vn/x"),
            Some(1),
            &format!("{base} nguồn"),
        ));
        // The same article, edited: exported again as itself.
        d.add(entry(
            &h,
            "old",
            Some("e.vn/old"),
            Some(500),
            &format!("{base} cập nhật"),
        ));
        let v = d.resolve(Some(&mut past)).unwrap();
        assert_eq!(v.len(), 1, "{v:?}");
        assert_eq!(
            (v[0].seq, v[0].duplicate_of.as_str(), v[0].method),
            (0, "old", "near")
        );
        assert!(v[0].similarity >= 0.8, "{v:?}");
    }

    #[test]
    fn an_amp_page_is_the_same_article_as_the_page_naming_it() {
        use crate::record::Document;
        let body = story(9, 200);
        let doc = |canonical: Option<&str>, fetched: &str, amp: Option<&str>| Document {
            source: fetched.to_string(),
            canonical_url: canonical.map(str::to_string),
            fetched_url: Some(fetched.to_string()),
            amphtml_url: amp.map(str::to_string),
            title: Some("Tiêu đề".into()),
            paragraphs: vec![body.clone()],
            ..Document::default()
        };
        let article = |d: Document| {
            let mut a = crate::normalise::normalise(d, Default::default(), &[]).unwrap();
            a.signature = Hasher::new(Params::default()).signature(&a.body);
            Entry::of(&a, a.signature.clone())
        };
        // The main page names its AMP version; the AMP page, fetched on its own without
        // a canonical link, is caught by that name, and an edited copy would not matter.
        let main = article(doc(
            Some("https://www.e.vn/tin/a.html"),
            "https://www.e.vn/tin/a.html?utm_source=x",
            Some("https://www.e.vn/amp/tin/a.html"),
        ));
        let amp = article(doc(None, "https://www.e.vn/amp/tin/a.html", None));
        assert_ne!(main.article_id, amp.article_id);
        let mut d = Deduper::new(Params::default());
        d.add(Entry {
            published: Some(1),
            ..main.clone()
        });
        d.add(Entry {
            published: Some(2),
            ..amp
        });
        let v = d.resolve(None).unwrap();
        assert_eq!(v.len(), 1);
        assert_eq!((v[0].seq, v[0].method), (1, "url"));
        assert_eq!(v[0].duplicate_of, main.article_id);
    }
}
