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
//!
//! Near-duplicates within the run are found by sorting, not by probing an index per
//! article: the band keys of all signatures are sorted a few bands at a time, and only
//! the buckets that two or more articles share are kept ([`Buckets`]). With distinct
//! articles nearly every bucket holds one, so the in-run index costs a few bytes per
//! article, and a crawl whose signatures wait on disk reads them in order, not at random.

pub mod corpus;
pub mod dataset;
pub mod minhash;
pub mod staged;

use std::borrow::Cow;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
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
            body: body_hash(&dedupe_text(&a.title, a.lead.as_deref(), &a.body)),
            published: a.published_at.map(|t| t.timestamp_micros()),
            origin: xxh3_64(a.source.as_bytes()),
            signature,
        }
    }
}

/// The text an article is compared by: its body, or for a photo story told only in
/// captions, its headline and lead (every empty body would otherwise be the same text,
/// and the dataset's articles table, which dedupe also reads, has no captions).
pub fn dedupe_text<'a>(title: &'a str, lead: Option<&'a str>, body: &'a str) -> Cow<'a, str> {
    if body.is_empty() {
        Cow::Owned(format!("{title}\n{}", lead.unwrap_or("")))
    } else {
        Cow::Borrowed(body)
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

/// Where an article stands in the decision's order (the same in a run, at a crawl's
/// checkpoints and in `newsmill dedupe`): earliest published first (undated last), then
/// the smallest `article_id`, body hash, origin hash and arrival.
pub fn order_key(
    published: Option<i64>,
    article_id: &str,
    body: u64,
    origin: u64,
    seq: usize,
) -> (i64, &str, u64, u64, usize) {
    (published.unwrap_or(i64::MAX), article_id, body, origin, seq)
}

/// One page found to repeat another: `seq` is its place in the order pages were added.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub seq: usize,
    /// The duplicate's own `article_id`.
    pub article_id: String,
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
/// A history may also hold this run's entries and signatures, set aside on disk as the
/// articles streamed in ([`History::entry`], [`History::each_signature`]), and records
/// the articles this run keeps once the decision is made ([`History::keep_all`]).
pub trait History {
    /// False when no earlier run can match anything (a first run, `--ignore-state`):
    /// the decision then asks the history only for signatures.
    fn has_earlier(&mut self) -> anyhow::Result<bool> {
        Ok(true)
    }
    fn by_url(&mut self, url: u64, except: &str) -> anyhow::Result<Option<String>>;
    fn by_body(&mut self, body: u64, except: &str) -> anyhow::Result<Option<String>>;
    fn by_bands(&mut self, keys: &[u64], except: &str) -> anyhow::Result<Vec<Earlier>>;
    /// This run's entry `seq`, when it was set aside on disk (without its signature).
    fn entry(&mut self, _seq: usize) -> anyhow::Result<Option<Entry>> {
        Ok(None)
    }
    /// The sequence numbers of the entries set aside on disk, in the decision's order
    /// (see [`Deduper::resolve`]).
    fn order(&mut self) -> anyhow::Result<Vec<usize>> {
        Ok(Vec::new())
    }
    /// The signature of this run's entry `seq`, when it was set aside on disk.
    fn signature(&mut self, _seq: usize) -> anyhow::Result<Option<Signature>> {
        Ok(None)
    }
    /// Calls `f` with every signature set aside for this run, in sequence order.
    fn each_signature(&mut self, _f: &mut dyn FnMut(usize, &[u16])) -> anyhow::Result<()> {
        Ok(())
    }
    /// Records the articles this run keeps (`kept[seq]`; set aside on disk), so that
    /// later runs find them.
    fn keep_all(&mut self, _kept: &[bool], _hasher: &Hasher) -> anyhow::Result<()> {
        Ok(())
    }
}

/// What receives each entry's signature: its sequence number and the signature.
type SignatureVisitor<'a> = dyn FnMut(usize, &[u16]) + 'a;

/// How many (band key, entry) pairs one pass of [`Buckets::build`] sorts at most: a
/// bound on the decision's memory (8 bytes a pair, 2 MiB a pass) whatever the run's size.
const PASS_PAIRS: usize = 1 << 18;

/// The in-run LSH index: the buckets (band keys) that two or more of the run's
/// entries share, and the buckets of each entry. An entry's buckets are
/// `bucket[start[seq]..start[seq + 1]]`; `owner` names the entry of each slot.
struct Buckets {
    start: Vec<u32>,
    bucket: Vec<u32>,
    owner: Vec<u32>,
    count: usize,
}

impl Buckets {
    /// Sorts the band keys of every signature a few bands at a time (so that at most
    /// `pass_pairs` are in memory) and keeps the shared ones.
    fn build(
        n: usize,
        hasher: &Hasher,
        pass_pairs: usize,
        each_signature: &mut dyn FnMut(&mut SignatureVisitor<'_>) -> anyhow::Result<()>,
    ) -> anyhow::Result<Self> {
        let bands = hasher.params().bands;
        let per_pass = (pass_pairs / n.max(1)).clamp(1, bands);
        let mut members: Vec<(u32, u32)> = Vec::new();
        let mut count = 0u32;
        // A pair packed in a word: the high half of the band key above the entry. Two
        // keys that share their high half only make a false candidate, which the
        // signature check then turns away.
        let mut keys: Vec<u64> = Vec::new();
        for first in (0..bands).step_by(per_pass) {
            let last = (first + per_pass).min(bands);
            keys.clear();
            each_signature(&mut |seq, sig| {
                // (A state file edited by hand could name entries this run never had.)
                if seq >= n {
                    return;
                }
                let all = hasher.band_keys(sig);
                for key in all.get(first..last.min(all.len())).unwrap_or(&[]) {
                    keys.push((key & !0xFFFF_FFFF) | seq as u64);
                }
            })?;
            keys.sort_unstable();
            for group in keys.chunk_by(|a, b| a >> 32 == b >> 32) {
                if group.len() > 1 {
                    members.extend(group.iter().map(|&k| (k as u32, count)));
                    count += 1;
                }
            }
        }
        members.sort_unstable();
        let mut start = vec![0u32; n + 1];
        for &(seq, _) in &members {
            start[seq as usize + 1] += 1;
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        Ok(Buckets {
            start,
            bucket: members.iter().map(|&(_, b)| b).collect(),
            owner: members.iter().map(|&(seq, _)| seq).collect(),
            count: count as usize,
        })
    }

    /// The slots of entry `seq`.
    fn slots(&self, seq: usize) -> std::ops::Range<usize> {
        self.start[seq] as usize..self.start[seq + 1] as usize
    }
}

/// Collects a run's entries and decides which are duplicates.
///
/// Entries are kept either here ([`Deduper::add`]) or, in a crawl, set aside in the
/// crawl state ([`Deduper::add_set_aside`]), so that memory does not grow with the
/// crawl; one run uses one or the other.
pub struct Deduper {
    hasher: Hasher,
    entries: Vec<Entry>,
    set_aside: usize,
}

impl Deduper {
    pub fn new(params: Params) -> Self {
        Deduper {
            hasher: Hasher::new(params),
            entries: Vec::new(),
            set_aside: 0,
        }
    }

    /// Forgets every entry (a crawl's checkpoint decided them): sequence numbers start
    /// again from 0.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.set_aside = 0;
    }

    /// Counts an entry its history holds; returns its sequence number.
    pub fn add_set_aside(&mut self) -> usize {
        self.set_aside += 1;
        self.entries.len() + self.set_aside - 1
    }

    fn len(&self) -> usize {
        self.entries.len() + self.set_aside
    }

    /// Entry `seq`, from memory or from the history that holds it.
    fn entry_of(
        &self,
        seq: usize,
        history: &mut Option<&mut dyn History>,
    ) -> anyhow::Result<Cow<'_, Entry>> {
        if let Some(e) = self.entries.get(seq) {
            return Ok(Cow::Borrowed(e));
        }
        let found = match history.as_deref_mut() {
            Some(h) => h.entry(seq)?,
            None => None,
        };
        found.map(Cow::Owned).ok_or_else(|| {
            anyhow::anyhow!("article {seq} of this run is missing from the crawl state")
        })
    }

    /// Adds an article; returns its sequence number.
    pub fn add(&mut self, entry: Entry) -> usize {
        self.entries.push(entry);
        self.entries.len() - 1
    }

    /// The signature of entry `seq`: its own, or the one its history set aside.
    fn signature_of(
        &self,
        seq: usize,
        history: &mut Option<&mut dyn History>,
    ) -> anyhow::Result<Cow<'_, [u16]>> {
        let own: &[u16] = self.entries.get(seq).map_or(&[], |e| &e.signature);
        if own.is_empty()
            && let Some(h) = history.as_deref_mut()
            && let Some(s) = h.signature(seq)?
        {
            return Ok(Cow::Owned(s.into_vec()));
        }
        Ok(Cow::Borrowed(own))
    }

    /// Decides every entry, in the deterministic order, against earlier runs and the
    /// entries kept before it. Returns the duplicates, by sequence number; a history
    /// then records the kept entries.
    pub fn resolve(&self, mut history: Option<&mut dyn History>) -> anyhow::Result<Vec<Verdict>> {
        let params = self.hasher.params();
        let n = self.len();
        let mut order: Vec<usize> = (0..self.entries.len()).collect();
        order.sort_by(|&a, &b| {
            let (x, y) = (&self.entries[a], &self.entries[b]);
            order_key(x.published, &x.article_id, x.body, x.origin, a).cmp(&order_key(
                y.published,
                &y.article_id,
                y.body,
                y.origin,
                b,
            ))
        });
        if self.set_aside > 0 {
            if let Some(h) = history.as_deref_mut() {
                order.extend(h.order()?);
            }
            anyhow::ensure!(
                order.len() == n,
                "the crawl state holds {} of this run's {n} articles",
                order.len()
            );
        }
        let mut rank = vec![0u32; n];
        for (r, &seq) in order.iter().enumerate() {
            rank[seq] = r as u32;
        }
        let buckets = Buckets::build(n, &self.hasher, PASS_PAIRS, &mut |f| {
            for (seq, e) in self.entries.iter().enumerate() {
                if !e.signature.is_empty() {
                    f(seq, &e.signature);
                }
            }
            match history.as_deref_mut() {
                Some(h) => h.each_signature(f),
                None => Ok(()),
            }
        })?;
        let earlier = match history.as_deref_mut() {
            Some(h) => h.has_earlier()?,
            None => false,
        };
        let mut kept = vec![false; n];
        // Article ids kept so far, when a history re-exports changed pages: the same
        // page under another URL form is caught here.
        let mut kept_ids: HashSet<u64> = HashSet::default();
        let mut urls: HashMap<u64, usize> = HashMap::default();
        let mut bodies: HashMap<u64, usize> = HashMap::default();
        // Kept entries of each bucket, newest first, chained through their slots.
        let mut head = vec![u32::MAX; buckets.count];
        let mut next = vec![u32::MAX; buckets.bucket.len()];
        let mut seen: Vec<u32> = Vec::new();
        let mut verdicts = Vec::new();
        for &seq in &order {
            let e = self.entry_of(seq, &mut history)?;
            let dup = |of: &str, method, similarity| Verdict {
                seq,
                article_id: e.article_id.clone(),
                duplicate_of: of.to_string(),
                method,
                similarity,
            };
            // 1. The same page under another URL form.
            let id_hash = xxh3_64(e.article_id.as_bytes());
            if history.is_some() && kept_ids.contains(&id_hash) {
                verdicts.push(dup(&e.article_id, "url", 1.0));
                continue;
            }
            let in_run = e
                .url
                .iter()
                .chain(&e.aliases)
                .find_map(|k| urls.get(k).copied());
            if let Some(k) = in_run {
                verdicts.push(dup(&self.entry_of(k, &mut history)?.article_id, "url", 1.0));
                continue;
            }
            if let Some(h) = history.as_deref_mut().filter(|_| earlier) {
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
                verdicts.push(dup(
                    &self.entry_of(k, &mut history)?.article_id,
                    "exact",
                    1.0,
                ));
                continue;
            }
            if let Some(h) = history.as_deref_mut().filter(|_| earlier)
                && let Some(of) = h.by_body(e.body, &e.article_id)?
            {
                verdicts.push(dup(&of, "exact", 1.0));
                continue;
            }
            // 3. Nearly the same text: candidates from the bands, verified on the
            // signature. The most similar wins; on a tie, earlier runs first, then the
            // earliest in the order.
            let slots = buckets.slots(seq);
            if earlier || !slots.is_empty() {
                let signature = self.signature_of(seq, &mut history)?;
                // (similarity, rank of the candidate: None for an earlier run, its id)
                let mut best: Option<(f64, Option<u32>, String)> = None;
                let mut consider = |s: f64, r: Option<u32>, id: &str| {
                    let better = match &best {
                        None => true,
                        Some((b, br, _)) => s > *b || (s == *b && br.is_some() && r < *br),
                    };
                    if s >= params.threshold && better {
                        best = Some((s, r, id.to_string()));
                    }
                };
                if let Some(h) = history.as_deref_mut().filter(|_| earlier) {
                    let keys = self.hasher.band_keys(&signature);
                    for c in h.by_bands(&keys, &e.article_id)? {
                        consider(
                            minhash::similarity(&signature, &c.signature),
                            None,
                            &c.article_id,
                        );
                    }
                }
                seen.clear();
                for slot in slots.clone() {
                    let mut at = head[buckets.bucket[slot] as usize];
                    while at != u32::MAX {
                        let k = buckets.owner[at as usize];
                        if !seen.contains(&k) {
                            seen.push(k);
                            let theirs = self.signature_of(k as usize, &mut history)?;
                            let s = minhash::similarity(&signature, &theirs);
                            // The id only matters for a match (read from disk then).
                            if s >= params.threshold {
                                let id = self.entry_of(k as usize, &mut history)?;
                                consider(s, Some(rank[k as usize]), &id.article_id);
                            }
                        }
                        at = next[at as usize];
                    }
                }
                if let Some((s, _, of)) = best {
                    verdicts.push(dup(&of, "near", s));
                    continue;
                }
            }
            // Kept.
            kept[seq] = true;
            if history.is_some() {
                kept_ids.insert(id_hash);
            }
            for k in e.url.iter().chain(&e.aliases) {
                urls.insert(*k, seq);
            }
            bodies.insert(e.body, seq);
            for slot in slots {
                let b = buckets.bucket[slot] as usize;
                next[slot] = head[b];
                head[b] = slot as u32;
            }
        }
        if let Some(h) = history {
            h.keep_all(&kept, &self.hasher)?;
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

    #[test]
    fn buckets_are_the_same_whatever_the_bands_per_pass() {
        let h = Hasher::new(Params::default());
        let base = story(5, 300);
        let words: Vec<&str> = base.split(' ').collect();
        let mut sigs: Vec<Signature> = (0..30).map(|i| h.signature(&story(100 + i, 300))).collect();
        // Near copies of one story: they share buckets with it and each other.
        for k in 0..4 {
            let edited = format!("{} {}", story(200 + k, 10), words[10..].join(" "));
            sigs.push(h.signature(&edited));
        }
        sigs.push(h.signature(&base));
        let n = sigs.len();
        // For each entry, the entries it shares a bucket with.
        let together = |pass_pairs: usize| {
            let b = Buckets::build(n, &h, pass_pairs, &mut |f| {
                for (seq, s) in sigs.iter().enumerate() {
                    f(seq, s);
                }
                Ok(())
            })
            .unwrap();
            let b = &b;
            (0..n)
                .map(|seq| {
                    let mut with: Vec<u32> = Vec::new();
                    for slot in b.slots(seq) {
                        for o in 0..b.bucket.len() {
                            if b.bucket[o] == b.bucket[slot] && b.owner[o] as usize != seq {
                                with.push(b.owner[o]);
                            }
                        }
                    }
                    with.sort_unstable();
                    with.dedup();
                    with
                })
                .collect::<Vec<_>>()
        };
        let one_pass = together(usize::MAX / 2);
        // The near copies and the story are found together...
        assert_eq!(one_pass[n - 1], vec![30, 31, 32, 33]);
        // ... and one band per pass, or three, finds exactly the same.
        assert_eq!(together(n), one_pass);
        assert_eq!(together(3 * n), one_pass);
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
