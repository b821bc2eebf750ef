//! A dataset as the input of `newsmill dedupe`: every run's articles, each with its
//! dedupe entry, in one fixed order that every stage and every shard agrees on.
//!
//! Entries come from the run's `signatures/<run_id>.parquet` when it has one made with
//! the same settings (hashes and a 1 KiB signature per article: no text is read), and
//! otherwise from its `articles` file, signed again on the thread pool (datasets
//! written before signatures were, or with other shingle settings).
//!
//! The order is the order of the runs' files (their names start with the run's time)
//! and of rows within them. A later run's version of an article takes the place of the
//! earlier one, so versions of one article are never copies of each other. Each
//! article's place is its sequence number (`seq`), the same in every process that
//! opens the same dataset; [`Corpus::fingerprint`] tells two openings apart when the
//! dataset changed between the stages of one dedupe.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use arrow_array::cast::AsArray;
use arrow_array::types::{TimestampMicrosecondType, UInt64Type};
use arrow_array::{Array, RecordBatch};
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use xxhash_rust::xxh3::{xxh3_64, xxh3_128};

use super::{Entry, Hasher, Params, body_hash, key_hash};
use crate::export::writer::BATCH_ROWS;

/// The footer key of a signatures file that says how its signatures were made.
pub const PARAMS_KEY: &str = "newsmill.minhash";

/// What makes two signatures comparable: the shingle and the positions (the bands
/// and rows only decide which pairs are looked at).
pub fn params_text(p: &Params) -> String {
    format!(
        "shingle={} positions={} bands={} rows={}",
        p.shingle, p.positions, p.bands, p.rows
    )
}

fn comparable(footer: &str, p: &Params) -> bool {
    let mine = params_text(p);
    let head = |s: &str| s.split(" bands=").next().unwrap_or("").to_string();
    head(footer) == head(&mine)
}

/// Marks a row that a later version of the same article replaces.
const REPLACED: u32 = u32::MAX;

/// One run's articles in the dataset.
struct Part {
    articles: PathBuf,
    /// The run's signatures file, when it has one made with comparable settings and
    /// the same rows as the articles file.
    signatures: Option<PathBuf>,
    /// The sequence number of each row, or [`REPLACED`].
    seq: Vec<u32>,
}

/// The articles of a dataset, in dedupe order.
pub struct Corpus {
    parts: Vec<Part>,
    /// Articles (latest versions only).
    pub n: usize,
    /// Changes when any file, row count or setting that the decision depends on does.
    pub fingerprint: u64,
    pub params: Params,
}

/// One article as read.
pub struct Item {
    pub seq: u32,
    /// Its entry; the signature is empty unless asked for.
    pub entry: Entry,
    pub url: String,
    pub source: String,
}

/// What a reading needs besides the entry's hashes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Want {
    /// Hashes only (the decision).
    Hashes,
    /// Hashes and the signature (candidates and their similarity).
    Signature,
}

/// Articles in dedupe order, read as many times as a stage needs.
pub trait Articles {
    /// How many (sequence numbers are `0..n`).
    fn n(&self) -> usize;
    fn params(&self) -> Params;
    /// Every article once, in order, a batch at a time.
    fn read(
        &self,
        pool: &rayon::ThreadPool,
        want: Want,
        f: &mut dyn FnMut(Vec<Item>) -> Result<()>,
    ) -> Result<()>;
}

impl Articles for Corpus {
    fn n(&self) -> usize {
        self.n
    }
    fn params(&self) -> Params {
        self.params
    }
    fn read(
        &self,
        pool: &rayon::ThreadPool,
        want: Want,
        f: &mut dyn FnMut(Vec<Item>) -> Result<()>,
    ) -> Result<()> {
        self.read_all(pool, want, f)
    }
}

impl Corpus {
    /// Lists the dataset's runs and numbers their articles (reading only `article_id`).
    pub fn open(dir: &Path, params: Params) -> Result<Corpus> {
        crate::pipeline::not_a_url(dir, &format!("dataset folder {}", dir.display()))?;
        let files = crate::inspect::table_files(dir, "articles")?;
        if files.is_empty() {
            return Err(crate::error::UsageError(format!(
                "{} has no articles/*.parquet: give the folder a `newsmill extract` or `newsmill run` wrote",
                dir.display()
            ))
            .into());
        }
        let mut parts = Vec::with_capacity(files.len());
        // Article id (hashed to 128 bits) -> (its seq, part and row of its latest version).
        let mut by_id: HashMap<u128, (u32, u32, u32)> = HashMap::default();
        let mut n = 0u32;
        let mut print = String::new();
        for (p, file) in files.iter().enumerate() {
            let ids = read_ids(file)?;
            let mut seq = Vec::with_capacity(ids.len());
            for (row, id) in ids.iter().enumerate() {
                let key = xxh3_128(id.as_bytes());
                match by_id.get_mut(&key) {
                    Some((s, at_part, at_row)) => {
                        let slot = if *at_part as usize == p {
                            seq.get_mut(*at_row as usize)
                        } else {
                            parts
                                .get_mut(*at_part as usize)
                                .and_then(|e: &mut Part| e.seq.get_mut(*at_row as usize))
                        };
                        if let Some(slot) = slot {
                            *slot = REPLACED;
                        }
                        seq.push(*s);
                        (*at_part, *at_row) = (p as u32, row as u32);
                    }
                    None => {
                        by_id.insert(key, (n, p as u32, row as u32));
                        seq.push(n);
                        n = n
                            .checked_add(1)
                            .context("more than 4 billion articles in one dataset")?;
                    }
                }
            }
            let signatures = signatures_of(dir, file, ids.len(), &params);
            print.push_str(&format!(
                "{}:{}:{}\n",
                file.file_name().unwrap_or_default().to_string_lossy(),
                ids.len(),
                signatures.is_some()
            ));
            parts.push(Part {
                articles: file.clone(),
                signatures,
                seq,
            });
        }
        print.push_str(&params_text(&params));
        print.push_str(&format!(" threshold={}", params.threshold));
        Ok(Corpus {
            parts,
            n: n as usize,
            fingerprint: xxh3_64(print.as_bytes()),
            params,
        })
    }

    /// Runs with a usable signatures file, of all runs.
    pub fn signed_runs(&self) -> (usize, usize) {
        (
            self.parts.iter().filter(|p| p.signatures.is_some()).count(),
            self.parts.len(),
        )
    }

    /// Reads every article once, in order, a batch at a time; signing (where a run has
    /// no signatures file) runs on `pool`.
    fn read_all(
        &self,
        pool: &rayon::ThreadPool,
        want: Want,
        f: &mut dyn FnMut(Vec<Item>) -> Result<()>,
    ) -> Result<()> {
        let hasher = Hasher::new(self.params);
        for part in &self.parts {
            let (file, columns): (&Path, Vec<&str>) = match &part.signatures {
                Some(s) => {
                    let mut columns = SIGNATURE_HASHES.to_vec();
                    if want == Want::Signature {
                        columns.push("signature");
                    }
                    (s, columns)
                }
                None => (&part.articles, ARTICLE_COLUMNS.to_vec()),
            };
            let mut at = 0usize;
            for batch in batches(file, &columns)? {
                let batch = batch.with_context(|| format!("cannot read {}", file.display()))?;
                let seqs = part
                    .seq
                    .get(at..at + batch.num_rows())
                    .with_context(|| format!("{} changed while it was read", file.display()))?;
                at += batch.num_rows();
                let items = match &part.signatures {
                    Some(_) => from_signatures(&batch, seqs, want),
                    None => pool.install(|| from_articles(&batch, seqs, want, &hasher)),
                }
                .with_context(|| format!("{}: not a table of this schema", file.display()))?;
                f(items)?;
            }
        }
        Ok(())
    }
}

/// The signatures file's columns a decision reads; a candidate search adds `signature`.
const SIGNATURE_HASHES: [&str; 8] = [
    "article_id",
    "url",
    "source",
    "url_hash",
    "alias_hashes",
    "body_hash",
    "published_at",
    "origin_hash",
];
const ARTICLE_COLUMNS: [&str; 7] = [
    "article_id",
    "url",
    "source",
    "title",
    "lead",
    "body",
    "published_at",
];

fn batches(
    file: &Path,
    columns: &[&str],
) -> Result<parquet::arrow::arrow_reader::ParquetRecordBatchReader> {
    let f = std::fs::File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(f)
        .with_context(|| format!("{} is not a readable Parquet file", file.display()))?;
    let mask = ProjectionMask::columns(builder.parquet_schema(), columns.iter().copied());
    builder
        .with_projection(mask)
        .with_batch_size(BATCH_ROWS)
        .build()
        .with_context(|| format!("cannot read {}", file.display()))
}

fn read_ids(file: &Path) -> Result<Vec<String>> {
    let mut ids = Vec::new();
    for batch in batches(file, &["article_id"])? {
        let batch = batch.with_context(|| format!("cannot read {}", file.display()))?;
        let col = batch
            .column_by_name("article_id")
            .and_then(|c| c.as_string_opt::<i32>())
            .with_context(|| format!("{}: column article_id is missing", file.display()))?;
        if col.null_count() > 0 {
            bail!("{}: article_id must not be null", file.display());
        }
        ids.extend(col.iter().map(|v| v.unwrap_or_default().to_string()));
    }
    Ok(ids)
}

/// The run's signatures file, if it exists, was made with comparable settings and
/// holds as many rows as the articles file (anything else: sign again, and say why).
fn signatures_of(dir: &Path, articles: &Path, rows: usize, params: &Params) -> Option<PathBuf> {
    let path = dir.join("signatures").join(articles.file_name()?);
    if !path.is_file() {
        return None;
    }
    let check = || -> Result<bool> {
        let f = std::fs::File::open(&path)?;
        let builder = ParquetRecordBatchReaderBuilder::try_new(f)?;
        let meta = builder.metadata().file_metadata();
        let made = meta
            .key_value_metadata()
            .and_then(|kv| kv.iter().find(|k| k.key == PARAMS_KEY))
            .and_then(|k| k.value.clone())
            .unwrap_or_default();
        Ok(comparable(&made, params) && meta.num_rows() as usize == rows)
    };
    match check() {
        Ok(true) => Some(path),
        Ok(false) => {
            tracing::info!(
                "{}: made with other settings or other rows; signing the run's articles again",
                path.display()
            );
            None
        }
        Err(e) => {
            tracing::warn!(
                "{} cannot be read ({e:#}); signing the run's articles again",
                path.display()
            );
            None
        }
    }
}

fn text<'a>(batch: &'a RecordBatch, name: &str) -> Result<&'a arrow_array::StringArray> {
    batch
        .column_by_name(name)
        .and_then(|c| c.as_string_opt::<i32>())
        .with_context(|| format!("column {name} is missing or not text"))
}

fn published(batch: &RecordBatch, i: usize) -> Option<i64> {
    batch
        .column_by_name("published_at")
        .and_then(|c| c.as_primitive_opt::<TimestampMicrosecondType>())
        .filter(|p| p.is_valid(i))
        .map(|p| p.value(i))
}

fn from_signatures(batch: &RecordBatch, seqs: &[u32], want: Want) -> Result<Vec<Item>> {
    let (ids, urls, sources) = (
        text(batch, "article_id")?,
        text(batch, "url")?,
        text(batch, "source")?,
    );
    let u64s = |name: &str| {
        batch
            .column_by_name(name)
            .and_then(|c| c.as_primitive_opt::<UInt64Type>())
            .with_context(|| format!("column {name} is missing or not UInt64"))
    };
    let (url_hash, body, origin) = (u64s("url_hash")?, u64s("body_hash")?, u64s("origin_hash")?);
    let aliases = batch
        .column_by_name("alias_hashes")
        .and_then(|c| c.as_list_opt::<i32>())
        .context("column alias_hashes is missing or not a list")?;
    let signatures = match want {
        Want::Signature => Some(
            batch
                .column_by_name("signature")
                .and_then(|c| c.as_binary_opt::<i32>())
                .context("column signature is missing or not binary")?,
        ),
        Want::Hashes => None,
    };
    let mut out = Vec::with_capacity(batch.num_rows());
    for (i, &seq) in seqs.iter().enumerate() {
        if seq == REPLACED {
            continue;
        }
        let alias_list = aliases.value(i);
        let alias_hashes = alias_list
            .as_primitive_opt::<UInt64Type>()
            .context("alias_hashes holds no UInt64")?;
        let signature = signatures
            .map(|s| {
                s.value(i)
                    .chunks_exact(2)
                    .map(|b| u16::from_le_bytes([b[0], b[1]]))
                    .collect()
            })
            .unwrap_or_default();
        out.push(Item {
            seq,
            entry: Entry {
                article_id: ids.value(i).to_string(),
                url: url_hash.is_valid(i).then(|| url_hash.value(i)),
                aliases: alias_hashes.values().to_vec(),
                body: body.value(i),
                published: published(batch, i),
                origin: origin.value(i),
                signature,
            },
            url: urls.value(i).to_string(),
            source: sources.value(i).to_string(),
        });
    }
    Ok(out)
}

/// Entries of a batch of articles, signed in parallel (when asked).
fn from_articles(
    batch: &RecordBatch,
    seqs: &[u32],
    want: Want,
    hasher: &Hasher,
) -> Result<Vec<Item>> {
    let (ids, urls, sources, titles, leads, bodies) = (
        text(batch, "article_id")?,
        text(batch, "url")?,
        text(batch, "source")?,
        text(batch, "title")?,
        text(batch, "lead")?,
        text(batch, "body")?,
    );
    if ids.null_count() > 0 || bodies.null_count() > 0 {
        bail!("article_id and body must not be null");
    }
    Ok((0..batch.num_rows())
        .into_par_iter()
        .filter(|&i| seqs[i] != REPLACED)
        .map(|i| {
            let url = urls.value(i).to_string();
            let source = sources.value(i).to_string();
            let key = crate::normalise::url::canonical_key(&url);
            let lead = leads.is_valid(i).then(|| leads.value(i));
            let compared = super::dedupe_text(titles.value(i), lead, bodies.value(i));
            let entry = Entry {
                article_id: ids.value(i).to_string(),
                url: key.as_deref().map(key_hash),
                aliases: Vec::new(),
                body: body_hash(&compared),
                published: published(batch, i),
                origin: xxh3_64(source.as_bytes()),
                signature: match want {
                    Want::Signature => hasher.signature(&compared),
                    Want::Hashes => Box::default(),
                },
            };
            Item {
                seq: seqs[i],
                entry,
                url,
                source,
            }
        })
        .collect())
}
