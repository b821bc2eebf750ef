//! `newsmill dedupe DIR`: the dedupe stage over a dataset that already exists.
//!
//! For datasets written before near-duplicate detection, or merged from several
//! crawls: every run's `articles` files are read (only the columns dedupe needs, one
//! batch at a time), signed on the thread pool, and decided together in the same
//! deterministic order as a run. The result is one new `duplicates` file and a
//! manifest; nothing else in the dataset is touched, so the run's own files stay what
//! they were and readers anti-join on `duplicates.article_id`.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use arrow_array::cast::AsArray;
use arrow_array::types::TimestampMicrosecondType;
use arrow_array::{Array, RecordBatch};
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;

use super::{Deduper, Entry, Hasher, Params, body_hash, key_hash};
use crate::export::writer::{BATCH_ROWS, DuplicateRows, Rows, TableFile};
use crate::pipeline::{self, ManifestInfo, RunSummary, Sink, StageContext};
use crate::record::Duplicate;

/// One article of the dataset: what a `duplicates` row names.
struct Row {
    url: String,
    source: String,
}

/// Runs the dedupe stage over `dir` and writes `duplicates/<run>.parquet`.
pub fn run(
    dir: &Path,
    params: Params,
    threads: usize,
    progress: bool,
    arguments: Vec<String>,
) -> Result<RunSummary> {
    let started = chrono::Utc::now();
    crate::pipeline::not_a_url(dir, &format!("dataset folder {}", dir.display()))?;
    let clock = Instant::now();
    let files = crate::inspect::table_files(dir, "articles")?;
    if files.is_empty() {
        return Err(crate::error::UsageError(format!(
            "{} has no articles/*.parquet: give the folder a `newsmill extract` or `newsmill run` wrote",
            dir.display()
        ))
        .into());
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .context("cannot start the worker threads")?;
    let hasher = Hasher::new(params);
    let mut deduper = Deduper::new(params);
    let mut rows: Vec<Row> = Vec::new();
    // A later run's version of an article replaces the earlier one: versions of one
    // article are not copies of each other.
    let mut by_id: HashMap<String, usize> = HashMap::default();
    let pb = pipeline::progress_bar(files.len() as u64, progress);
    // Files sort by run id, which starts with the run's time: older runs first.
    for file in &files {
        let f =
            std::fs::File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
        let builder = ParquetRecordBatchReaderBuilder::try_new(f)
            .with_context(|| format!("{} is not a readable Parquet file", file.display()))?;
        let mask = ProjectionMask::columns(
            builder.parquet_schema(),
            [
                "article_id",
                "url",
                "source",
                "title",
                "lead",
                "body",
                "published_at",
            ],
        );
        let reader = builder
            .with_projection(mask)
            .with_batch_size(BATCH_ROWS)
            .build()
            .with_context(|| format!("cannot read {}", file.display()))?;
        for batch in reader {
            let batch = batch.with_context(|| format!("cannot read {}", file.display()))?;
            let signed = pool.install(|| sign(&batch, &hasher)).with_context(|| {
                format!("{}: not an articles table of this schema", file.display())
            })?;
            for (entry, row) in signed {
                match by_id.get(&entry.article_id) {
                    Some(&i) => {
                        deduper.entries[i] = entry;
                        rows[i] = row;
                    }
                    None => {
                        by_id.insert(entry.article_id.clone(), rows.len());
                        deduper.add(entry);
                        rows.push(row);
                    }
                }
            }
        }
        pb.inc(1);
    }
    pb.finish_and_clear();
    let verdicts = deduper.resolve(None)?;

    let run_id = pipeline::new_run_id();
    let mut file = TableFile::create(dir, "duplicates", &run_id)?;
    let mut out = DuplicateRows::default();
    let mut sink = Sink::new(params);
    sink.counts.pages_in = rows.len() as u64;
    sink.counts.articles = (rows.len() - verdicts.len()) as u64;
    for v in &verdicts {
        let r = &rows[v.seq];
        out.push(
            &Duplicate {
                article_id: v.article_id.clone(),
                url: r.url.clone(),
                source: r.source.clone(),
                duplicate_of: v.duplicate_of.clone(),
                method: v.method,
                similarity: v.similarity,
            },
            &run_id,
        );
        if out.len() >= BATCH_ROWS {
            file.write(out.finish())?;
        }
        sink.counts.duplicates += 1;
        *sink
            .duplicates_by_method
            .entry(v.method.to_string())
            .or_default() += 1;
    }
    if !out.is_empty() {
        file.write(out.finish())?;
    }
    let written = vec![{
        let (path, n) = file.commit()?;
        ("duplicates".to_string(), path, n)
    }];
    let ctx = StageContext::new(Default::default());
    let info = ManifestInfo {
        out: dir,
        run_id: &run_id,
        command: "dedupe",
        arguments: &arguments,
        started,
        wall_seconds: clock.elapsed().as_secs_f64(),
        threads,
        written: &written,
        extra_files: vec![],
        alerts: None,
        shard: None,
    };
    pipeline::finish(info, sink, &ctx, false)
}

/// Entries of one batch of articles, signed in parallel.
fn sign(batch: &RecordBatch, hasher: &Hasher) -> Result<Vec<(Entry, Row)>> {
    let text = |name: &str| {
        batch
            .column_by_name(name)
            .and_then(|c| c.as_string_opt::<i32>())
            .with_context(|| format!("column {name} is missing or not text"))
    };
    let (ids, urls, sources, titles, leads, bodies) = (
        text("article_id")?,
        text("url")?,
        text("source")?,
        text("title")?,
        text("lead")?,
        text("body")?,
    );
    let published = batch
        .column_by_name("published_at")
        .and_then(|c| c.as_primitive_opt::<TimestampMicrosecondType>());
    if ids.null_count() > 0 || bodies.null_count() > 0 {
        bail!("article_id and body must not be null");
    }
    Ok((0..batch.num_rows())
        .into_par_iter()
        .map(|i| {
            let row = Row {
                url: urls.value(i).to_string(),
                source: sources.value(i).to_string(),
            };
            let key = crate::normalise::url::canonical_key(&row.url);
            let lead = leads.is_valid(i).then(|| leads.value(i));
            let compared = super::dedupe_text(titles.value(i), lead, bodies.value(i));
            let entry = Entry {
                article_id: ids.value(i).to_string(),
                url: key.as_deref().map(key_hash),
                aliases: Vec::new(),
                body: body_hash(&compared),
                published: published.filter(|p| p.is_valid(i)).map(|p| p.value(i)),
                origin: xxhash_rust::xxh3::xxh3_64(row.source.as_bytes()),
                signature: hasher.signature(&compared),
            };
            (entry, row)
        })
        .collect())
}
