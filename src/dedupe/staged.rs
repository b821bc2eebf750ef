//! The dataset dedupe as two stages a scheduler can spread: candidate pairs by band
//! (`--stage buckets --shard K/N`: bands K, K+N, K+2N... of every signature), then one
//! decision over all of them (`--stage decide`). Run in one process, the same two
//! stages are `newsmill dedupe DIR`, so the verdicts are the same however the work
//! was split.
//!
//! Articles with the same text (same body hash) form one class: their signatures are
//! equal, so a class is banded and compared once, and a thousand copies of one
//! syndicated story cost what one does. Within a band, classes whose band keys share
//! their high 32 bits are candidates; every candidate pair is verified on the whole
//! signature on the thread pool, and only pairs at or above the threshold are kept.
//! Bands are independent, so which process handles a band changes nothing.
//!
//! The decision then walks the articles in the same deterministic order as a run
//! (earliest published, then the smallest `article_id`): the same page under another
//! URL form is `url`, the same text `exact`, and a pair to a kept article `near` (the
//! most similar wins, then the earliest in the order).

use anyhow::{Context, Result};
use rayon::prelude::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::corpus::{Articles, Item, Want};
use super::{Hasher, Verdict, minhash};
use crate::shard::Shard;

/// Two classes of text (by body hash) whose signatures agree at or above the threshold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pair {
    pub a: u64,
    pub b: u64,
    pub similarity: f64,
}

/// (band key, class) words sorted in one pass over the corpus at most: 128 MiB.
const PASS_KEYS: usize = 1 << 24;

/// The verified candidate pairs of this shard's bands.
pub fn candidates(
    corpus: &dyn Articles,
    pool: &rayon::ThreadPool,
    shard: Shard,
) -> Result<Vec<Pair>> {
    candidates_in_passes(corpus, pool, shard, PASS_KEYS)
}

/// [`candidates`], sorting at most `pass_keys` band keys at a time.
fn candidates_in_passes(
    corpus: &dyn Articles,
    pool: &rayon::ThreadPool,
    shard: Shard,
    pass_keys: usize,
) -> Result<Vec<Pair>> {
    let params = corpus.params();
    let hasher = Hasher::new(params);
    let mine: Vec<usize> = (0..params.bands)
        .filter(|b| b % shard.count as usize == shard.index as usize)
        .collect();
    let n = corpus.n().max(1);
    let per_pass = (pass_keys / n).clamp(1, mine.len().max(1));
    let mut class_of: HashMap<u64, u32> = HashMap::default();
    let mut bodies: Vec<u64> = Vec::new();
    let mut pairs: Vec<u64> = Vec::new();
    for bands in mine.chunks(per_pass) {
        let mut keys: Vec<Vec<u64>> = vec![Vec::new(); bands.len()];
        let mut banded: HashSet<u64> = HashSet::default();
        corpus.read(pool, Want::Signature, &mut |items: Vec<Item>| {
            for item in items {
                let e = &item.entry;
                let class = *class_of.entry(e.body).or_insert_with(|| {
                    bodies.push(e.body);
                    (bodies.len() - 1) as u32
                });
                // A class is banded once per pass (its copies have the same keys).
                if !banded.insert(e.body) {
                    continue;
                }
                let all = hasher.band_keys(&e.signature);
                for (j, &band) in bands.iter().enumerate() {
                    if let Some(key) = all.get(band) {
                        keys[j].push((key & !0xFFFF_FFFF) | u64::from(class));
                    }
                }
            }
            Ok(())
        })?;
        pool.install(|| keys.par_iter_mut().for_each(|k| k.sort_unstable()));
        for band in &keys {
            for group in band.chunk_by(|a, b| a >> 32 == b >> 32) {
                for (i, x) in group.iter().enumerate() {
                    for y in &group[i + 1..] {
                        let (a, b) = (*x as u32, *y as u32);
                        pairs.push((u64::from(a.min(b)) << 32) | u64::from(a.max(b)));
                    }
                }
            }
        }
    }
    pool.install(|| pairs.par_sort_unstable());
    pairs.dedup();
    if pairs.is_empty() {
        return Ok(vec![]);
    }
    // The signatures of the classes in a pair, read once more and set aside in a
    // temporary file (1 KiB each, read back at random by the verifying threads): the
    // operating system's page cache holds them, not this process's memory.
    let needed: HashSet<u32> = pairs
        .iter()
        .flat_map(|p| [(p >> 32) as u32, *p as u32])
        .collect();
    let width = params.positions * 2;
    let mut spill = tempfile::tempfile().context("cannot create a temporary file")?;
    let mut slot: HashMap<u32, u32> = HashMap::default();
    {
        use std::io::Write;
        let mut out = std::io::BufWriter::new(&mut spill);
        corpus.read(pool, Want::Signature, &mut |items: Vec<Item>| {
            for item in items {
                if let Some(&class) = class_of.get(&item.entry.body)
                    && needed.contains(&class)
                    && !slot.contains_key(&class)
                    && item.entry.signature.len() * 2 == width
                {
                    slot.insert(class, slot.len() as u32);
                    for v in item.entry.signature.iter() {
                        out.write_all(&v.to_le_bytes())?;
                    }
                }
            }
            Ok(())
        })?;
        out.flush().context("cannot write the temporary file")?;
    }
    let read = |class: u32, buf: &mut Vec<u8>| -> Option<Vec<u16>> {
        use std::os::unix::fs::FileExt;
        let at = *slot.get(&class)? as u64 * width as u64;
        buf.resize(width, 0);
        spill.read_exact_at(buf, at).ok()?;
        Some(
            buf.chunks_exact(2)
                .map(|b| u16::from_le_bytes([b[0], b[1]]))
                .collect(),
        )
    };
    let threshold = params.threshold;
    let verified: Vec<Pair> = pool.install(|| {
        pairs
            .par_iter()
            .map_init(Vec::new, |buf, &p| {
                let (a, b) = ((p >> 32) as u32, p as u32);
                let s = minhash::similarity(&read(a, buf)?, &read(b, buf)?);
                (s >= threshold).then(|| Pair {
                    a: bodies[a as usize],
                    b: bodies[b as usize],
                    similarity: s,
                })
            })
            .flatten()
            .collect()
    });
    Ok(verified)
}

/// A duplicate, with what its `duplicates` row names.
pub struct Found {
    pub verdict: Verdict,
    pub url: String,
    pub source: String,
}

/// What the decision keeps of every article, column by column: about 70 bytes each
/// (10M articles in 700 MB), where a struct of owned strings and options took twice
/// that. The article ids sit end to end in one buffer.
struct Table {
    ids: String,
    /// Where each article's id starts in `ids` (high 48 bits) and its length (low 16).
    id_at: Vec<u64>,
    /// The URL key's hash, or [`Table::NO_URL`] in `flags`.
    url: Vec<u64>,
    body: Vec<u64>,
    /// `i64::MAX` when unknown: the order puts it last, as `order_key` does.
    published: Vec<i64>,
    origin: Vec<u64>,
    flags: Vec<u8>,
    /// The few articles that name other URL forms of themselves.
    aliases: HashMap<u32, Box<[u64]>>,
}

impl Table {
    const SEEN: u8 = 1;
    const HAS_URL: u8 = 2;

    fn new(n: usize) -> Table {
        Table {
            ids: String::new(),
            id_at: vec![0; n],
            url: vec![0; n],
            body: vec![0; n],
            published: vec![0; n],
            origin: vec![0; n],
            flags: vec![0; n],
            aliases: HashMap::default(),
        }
    }

    fn set(&mut self, seq: usize, e: super::Entry) {
        if seq >= self.flags.len() {
            return;
        }
        let id = &e.article_id[..e.article_id.len().min(u16::MAX as usize)];
        self.id_at[seq] = ((self.ids.len() as u64) << 16) | id.len() as u64;
        self.ids.push_str(id);
        self.url[seq] = e.url.unwrap_or(0);
        self.body[seq] = e.body;
        self.published[seq] = e.published.unwrap_or(i64::MAX);
        self.origin[seq] = e.origin;
        self.flags[seq] = Self::SEEN | if e.url.is_some() { Self::HAS_URL } else { 0 };
        if !e.aliases.is_empty() {
            self.aliases
                .insert(seq as u32, e.aliases.into_boxed_slice());
        }
    }

    fn id(&self, seq: usize) -> &str {
        let at = self.id_at[seq];
        let start = (at >> 16) as usize;
        self.ids
            .get(start..start + (at & 0xFFFF) as usize)
            .unwrap_or_default()
    }

    /// The URL key and the alias keys of an article.
    fn keys(&self, seq: usize) -> impl Iterator<Item = u64> + '_ {
        let url = (self.flags[seq] & Self::HAS_URL != 0).then_some(self.url[seq]);
        let aliases = self
            .aliases
            .get(&(seq as u32))
            .map(|a| &a[..])
            .unwrap_or(&[]);
        url.into_iter().chain(aliases.iter().copied())
    }

    fn key(&self, seq: usize) -> (i64, &str, u64, u64, usize) {
        let published = Some(self.published[seq]);
        super::order_key(
            published,
            self.id(seq),
            self.body[seq],
            self.origin[seq],
            seq,
        )
    }
}

/// One verdict before its strings are looked up: 16 bytes.
#[derive(Clone, Copy)]
struct Slim {
    seq: u32,
    of: u32,
    method: u8,
    similarity: f32,
}

const METHODS: [&str; 3] = ["url", "exact", "near"];

/// Logs (at debug level) this process's memory now and at its peak, after `step`: the
/// decision's memory is what bounds the size of a dataset one machine can dedupe.
fn memory(step: &str) {
    if !tracing::enabled!(tracing::Level::DEBUG) {
        return;
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .map(str::trim)
            .unwrap_or("?")
            .to_string()
    };
    tracing::debug!(
        "dedupe {step}: memory {} (peak {})",
        field("VmRSS:"),
        field("VmHWM:")
    );
}

/// Decides every article of `corpus` given every shard's verified pairs, handing each
/// duplicate to `emit` in the order the articles are read. Returns how many there were.
pub fn decide(
    corpus: &dyn Articles,
    pool: &rayon::ThreadPool,
    pairs: Vec<Pair>,
    emit: &mut dyn FnMut(Found) -> Result<()>,
) -> Result<usize> {
    memory("started");
    let mut table = Table::new(corpus.n());
    corpus.read(pool, Want::Hashes, &mut |items: Vec<Item>| {
        for item in items {
            table.set(item.seq as usize, item.entry);
        }
        Ok(())
    })?;
    table.ids.shrink_to_fit();
    memory("read");
    let seen = table
        .flags
        .iter()
        .filter(|f| **f & Table::SEEN != 0)
        .count();
    anyhow::ensure!(
        seen == corpus.n(),
        "the dataset changed while it was read ({seen} of {} articles)",
        corpus.n()
    );
    // The pairs of each text, as one sorted list (text, other text, similarity).
    let mut near: Vec<(u64, u64, f64)> = Vec::with_capacity(pairs.len() * 2);
    for p in pairs {
        near.push((p.a, p.b, p.similarity));
        near.push((p.b, p.a, p.similarity));
    }
    pool.install(|| near.par_sort_unstable_by(|x, y| x.0.cmp(&y.0).then(x.1.cmp(&y.1))));
    // A pair found in several shards' bands is the same pair (the same signatures).
    near.dedup_by(|x, y| x.0 == y.0 && x.1 == y.1);
    let mut order: Vec<u32> = (0..corpus.n() as u32).collect();
    pool.install(|| order.par_sort_by(|&a, &b| table.key(a as usize).cmp(&table.key(b as usize))));
    memory("ordered");
    let mut rank = vec![0u32; order.len()];
    for (r, &seq) in order.iter().enumerate() {
        rank[seq as usize] = r as u32;
    }
    let mut urls: HashMap<u64, u32> = HashMap::default();
    // The kept article of each text.
    let mut bodies: HashMap<u64, u32> = HashMap::default();
    let mut verdicts: Vec<Slim> = Vec::new();
    for &seq in &order {
        let i = seq as usize;
        let body = table.body[i];
        let slim = |of: u32, method: u8, similarity: f64| Slim {
            seq,
            of,
            method,
            similarity: similarity as f32,
        };
        let verdict = if let Some(&k) = table.keys(i).find_map(|k| urls.get(&k)) {
            Some(slim(k, 0, 1.0))
        } else if let Some(&k) = bodies.get(&body) {
            Some(slim(k, 1, 1.0))
        } else {
            // The most similar kept text; on a tie, the earliest in the order.
            let from = near.partition_point(|x| x.0 < body);
            let mut best: Option<(f64, u32, u32)> = None;
            for &(_, other, s) in near[from..].iter().take_while(|x| x.0 == body) {
                if let Some(&k) = bodies.get(&other) {
                    let better = match best {
                        None => true,
                        Some((b, r, _)) => s > b || (s == b && rank[k as usize] < r),
                    };
                    if better {
                        best = Some((s, rank[k as usize], k));
                    }
                }
            }
            best.map(|(s, _, k)| slim(k, 2, s))
        };
        match verdict {
            Some(v) => verdicts.push(v),
            None => {
                for k in table.keys(i) {
                    urls.insert(k, seq);
                }
                bodies.insert(body, seq);
            }
        }
    }
    // The similarity a verdict reports is the pair's own (f64), found again here:
    // keeping it as f32 in the verdicts halves their size.
    let similarity = |v: &Slim| -> f64 {
        if v.method != 2 {
            return 1.0;
        }
        let (a, b) = (table.body[v.seq as usize], table.body[v.of as usize]);
        let from = near.partition_point(|x| (x.0, x.1) < (a, b));
        near.get(from)
            .filter(|x| x.0 == a && x.1 == b)
            .map_or(f64::from(v.similarity), |x| x.2)
    };
    memory("decided");
    drop((order, rank, urls, bodies));
    verdicts.sort_unstable_by_key(|v| v.seq);
    let found = verdicts.len();
    // The duplicates' URL and source, read once more; each row goes out as it is read.
    corpus.read(pool, Want::Hashes, &mut |items: Vec<Item>| {
        for item in items {
            if let Ok(i) = verdicts.binary_search_by_key(&item.seq, |v| v.seq) {
                let v = &verdicts[i];
                emit(Found {
                    verdict: Verdict {
                        seq: v.seq as usize,
                        article_id: table.id(v.seq as usize).to_string(),
                        duplicate_of: table.id(v.of as usize).to_string(),
                        method: METHODS[v.method as usize],
                        similarity: similarity(v),
                    },
                    url: item.url,
                    source: item.source,
                })?;
            }
        }
        Ok(())
    })?;
    memory("written");
    Ok(found)
}

/// Where the buckets stage leaves its pairs: a folder readers of the tables never open.
pub const WORK_DIR: &str = "_dedupe";
const FINGERPRINT_KEY: &str = "newsmill.dedupe.fingerprint";

fn pairs_schema() -> arrow_schema::SchemaRef {
    use arrow_schema::{DataType, Field, Schema};
    std::sync::Arc::new(Schema::new(vec![
        Field::new("a", DataType::UInt64, false),
        Field::new("b", DataType::UInt64, false),
        Field::new("similarity", DataType::Float64, false),
    ]))
}

/// The pairs file of `shard`.
pub fn pairs_path(dir: &std::path::Path, shard: Shard) -> std::path::PathBuf {
    dir.join(WORK_DIR)
        .join(format!("pairs-{}-of-{}.parquet", shard.index, shard.count))
}

/// Writes this shard's pairs (atomically: a hidden temporary, renamed when complete),
/// marked with the fingerprint of the dataset they were found in.
pub fn write_pairs(
    dir: &std::path::Path,
    shard: Shard,
    fingerprint: u64,
    pairs: &[Pair],
) -> Result<std::path::PathBuf> {
    use anyhow::Context;
    use arrow_array::{ArrayRef, Float64Array, RecordBatch, UInt64Array};
    let dest = pairs_path(dir, shard);
    let folder = dest.parent().context("pairs file without a folder")?;
    std::fs::create_dir_all(folder)
        .with_context(|| format!("cannot create {}", folder.display()))?;
    let tmp = folder.join(format!(
        ".pairs-{}-of-{}.parquet.tmp",
        shard.index, shard.count
    ));
    let write = || -> Result<()> {
        let file = std::fs::File::create(&tmp)?;
        let props = parquet::file::properties::WriterProperties::builder()
            .set_key_value_metadata(Some(vec![parquet::file::metadata::KeyValue::new(
                FINGERPRINT_KEY.to_string(),
                format!("{fingerprint:016x}"),
            )]))
            .build();
        let mut w = parquet::arrow::ArrowWriter::try_new(file, pairs_schema(), Some(props))?;
        for chunk in pairs.chunks(64 * 1024) {
            let cols: Vec<ArrayRef> = vec![
                std::sync::Arc::new(chunk.iter().map(|p| p.a).collect::<UInt64Array>()),
                std::sync::Arc::new(chunk.iter().map(|p| p.b).collect::<UInt64Array>()),
                std::sync::Arc::new(chunk.iter().map(|p| p.similarity).collect::<Float64Array>()),
            ];
            w.write(&RecordBatch::try_new(pairs_schema(), cols)?)?;
        }
        w.into_inner()?.sync_all()?;
        std::fs::rename(&tmp, &dest)?;
        Ok(())
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        e.context(format!("cannot write {}", dest.display()))
    })?;
    Ok(dest)
}

/// Every shard's pairs for the dataset as it is now (same fingerprint), or a usage
/// error naming what is missing. Returns the pairs and the files they came from.
pub fn read_pairs(
    dir: &std::path::Path,
    fingerprint: u64,
) -> Result<(Vec<Pair>, Vec<std::path::PathBuf>)> {
    use crate::error::UsageError;
    use anyhow::Context;
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Float64Type, UInt64Type};
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let folder = dir.join(WORK_DIR);
    let again = format!(
        "run `newsmill dedupe {} --stage buckets --shard K/N` for every K of one N first",
        dir.display()
    );
    let listed = match std::fs::read_dir(&folder) {
        Ok(l) => l,
        Err(_) => {
            return Err(UsageError(format!(
                "{} holds no pairs of the buckets stage: {again}",
                dir.display()
            ))
            .into());
        }
    };
    // Shard count -> shard index -> file, for the files of this very dataset.
    let mut sets: std::collections::BTreeMap<u32, std::collections::BTreeMap<u32, _>> =
        Default::default();
    let mut stale = 0;
    for entry in listed.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_string();
        let Some(shard) = name
            .strip_prefix("pairs-")
            .and_then(|s| s.strip_suffix(".parquet"))
            .and_then(|s| s.split_once("-of-"))
            .and_then(|(k, n)| Shard::parse(&format!("{k}/{n}")).ok())
        else {
            continue;
        };
        let file = std::fs::File::open(&path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        let builder = ParquetRecordBatchReaderBuilder::try_new(file)
            .with_context(|| format!("{} is not a readable Parquet file", path.display()))?;
        let mark = builder
            .metadata()
            .file_metadata()
            .key_value_metadata()
            .and_then(|kv| kv.iter().find(|k| k.key == FINGERPRINT_KEY))
            .and_then(|k| k.value.clone())
            .unwrap_or_default();
        if mark != format!("{fingerprint:016x}") {
            stale += 1;
            continue;
        }
        sets.entry(shard.count)
            .or_default()
            .insert(shard.index, (path, builder));
    }
    let Some((count, files)) = sets
        .into_iter()
        .find(|(count, files)| files.len() == *count as usize)
        .or_else(|| None)
    else {
        let why = if stale > 0 {
            format!(
                "{stale} pairs file(s) in {} were made from the dataset as it was before (a run was added or removed since, or other settings): {again}",
                folder.display()
            )
        } else {
            format!(
                "the pairs in {} do not cover every shard of one count: {again}",
                folder.display()
            )
        };
        return Err(UsageError(why).into());
    };
    let mut pairs = Vec::new();
    let mut paths = Vec::new();
    for (_, (path, builder)) in files {
        let reader = builder
            .build()
            .with_context(|| format!("cannot read {}", path.display()))?;
        for batch in reader {
            let batch = batch.with_context(|| format!("cannot read {}", path.display()))?;
            let col = |i: usize| batch.column(i).as_primitive_opt::<UInt64Type>();
            let (Some(a), Some(b), Some(s)) = (
                col(0),
                col(1),
                batch.column(2).as_primitive_opt::<Float64Type>(),
            ) else {
                anyhow::bail!("{}: not a pairs file of this version", path.display());
            };
            for i in 0..batch.num_rows() {
                pairs.push(Pair {
                    a: a.value(i),
                    b: b.value(i),
                    similarity: s.value(i),
                });
            }
        }
        paths.push(path);
    }
    tracing::debug!("{} pairs from {count} shards", pairs.len());
    Ok((pairs, paths))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dedupe::{Deduper, Entry, Params, body_hash, key_hash};

    /// Articles held in memory, for the stages' tests.
    struct InMemory(Vec<Entry>);

    impl Articles for InMemory {
        fn n(&self) -> usize {
            self.0.len()
        }
        fn params(&self) -> Params {
            Params::default()
        }
        fn read(
            &self,
            _pool: &rayon::ThreadPool,
            want: Want,
            f: &mut dyn FnMut(Vec<Item>) -> Result<()>,
        ) -> Result<()> {
            for chunk in self.0.chunks(7).enumerate() {
                let (c, entries) = chunk;
                f(entries
                    .iter()
                    .enumerate()
                    .map(|(i, e)| {
                        let mut entry = e.clone();
                        if want == Want::Hashes {
                            entry.signature = Box::default();
                        }
                        Item {
                            seq: (c * 7 + i) as u32,
                            entry,
                            url: format!("u{}", c * 7 + i),
                            source: String::new(),
                        }
                    })
                    .collect())?;
            }
            Ok(())
        }
    }

    fn words(seed: usize, n: usize) -> Vec<String> {
        (0..n)
            .map(|i| format!("w{}", (i * 7919 + seed * 15_485_863) % 100_003))
            .collect()
    }

    /// Stories in families: originals, exact copies, copies with a few words changed
    /// (near), the same URL again, and unrelated texts; dates repeat so ties happen.
    fn dataset() -> Vec<Entry> {
        let h = Hasher::new(Params::default());
        let mut out = Vec::new();
        for i in 0..240usize {
            let family = i % 40;
            let mut w = words(family, 200);
            let variant = i / 40;
            // Variants 2 and 4 rewrite a few words: near, not exact, copies.
            if variant == 2 || variant == 4 {
                for k in 0..(variant / 2) {
                    w[(k * 13 + variant) % 200] = format!("x{i}{k}");
                }
            }
            let body = w.join(" ");
            let url = if variant == 5 {
                format!("site/{family}")
            } else {
                format!("site/{i}")
            };
            out.push(Entry {
                article_id: format!("id{:03}", (i * 37) % 240),
                url: Some(key_hash(&url)),
                aliases: vec![],
                body: body_hash(&body),
                published: (i % 3 != 0).then_some((i % 5) as i64),
                origin: i as u64,
                signature: h.signature(&body),
            });
        }
        out
    }

    fn verdicts(found: &[Found]) -> Vec<(usize, String, &'static str, u64)> {
        found
            .iter()
            .map(|f| {
                let v = &f.verdict;
                (
                    v.seq,
                    v.duplicate_of.clone(),
                    v.method,
                    (v.similarity * 1e6) as u64,
                )
            })
            .collect()
    }

    #[test]
    fn the_stages_decide_as_one_process_whatever_the_shards_passes_or_threads() {
        let entries = dataset();
        let mut d = Deduper::new(Params::default());
        for e in &entries {
            d.add(e.clone());
        }
        let expected: Vec<_> = d
            .resolve(None)
            .unwrap()
            .into_iter()
            .map(|v| (v.seq, v.duplicate_of, v.method, (v.similarity * 1e6) as u64))
            .collect();
        let methods: std::collections::BTreeSet<_> = expected.iter().map(|v| v.2).collect();
        assert_eq!(
            methods.into_iter().collect::<Vec<_>>(),
            vec!["exact", "near", "url"],
            "the data must exercise every method"
        );
        let corpus = InMemory(entries);
        for threads in [1, 2] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            for count in [1u32, 3, 40] {
                for pass_keys in [1, 1000, PASS_KEYS] {
                    let mut pairs = Vec::new();
                    for index in 0..count {
                        let shard = Shard { index, count };
                        pairs.extend(
                            candidates_in_passes(&corpus, &pool, shard, pass_keys).unwrap(),
                        );
                    }
                    let mut found = Vec::new();
                    let n = decide(&corpus, &pool, pairs, &mut |f| {
                        found.push(f);
                        Ok(())
                    })
                    .unwrap();
                    assert_eq!(n, found.len());
                    found.sort_by_key(|f| f.verdict.seq);
                    let got = verdicts(&found);
                    assert_eq!(got, expected, "{count} shards, {threads} threads");
                }
            }
        }
    }
}
