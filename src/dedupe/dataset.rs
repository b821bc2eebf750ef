//! `newsmill dedupe DIR`: the dedupe stage over a dataset that already exists.
//!
//! For datasets merged from several crawls or shards, or written before near-duplicate
//! detection: every run's articles are read (their signatures files, or the articles
//! themselves signed on the thread pool) and decided together in the same
//! deterministic order as a run. The result is one new `duplicates` file and a
//! manifest; nothing else in the dataset is touched, so the runs' own files stay what
//! they were and readers anti-join on `duplicates.article_id`.
//!
//! The work is two stages (see `staged`): `--stage buckets --shard K/N` finds the
//! verified candidate pairs of a share of the bands, `--stage decide` makes the
//! decision from every share's pairs. Without `--stage` both run in this process.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};

use super::Params;
use super::corpus::Corpus;
use super::staged;
use crate::export::writer::{BATCH_ROWS, DuplicateRows, Rows, TableFile};
use crate::pipeline::{self, ManifestInfo, RunSummary, Sink, StageContext};
use crate::record::Duplicate;
use crate::shard::Shard;

/// Which part of the dataset dedupe this process does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Both stages, here.
    All,
    /// The candidate pairs of one shard of the bands.
    Buckets(Shard),
    /// The decision from every shard's pairs.
    Decide,
}

/// What `newsmill dedupe` did: a run (the decision) or one shard's pairs.
pub enum Done {
    Run(Box<RunSummary>),
    Pairs {
        shard: Shard,
        pairs: usize,
        path: std::path::PathBuf,
    },
}

/// Runs `stage` of the dataset dedupe over `dir`.
pub fn run(
    dir: &Path,
    params: Params,
    stage: Stage,
    threads: usize,
    progress: bool,
    arguments: Vec<String>,
) -> Result<Done> {
    let started = chrono::Utc::now();
    let clock = Instant::now();
    let corpus = Corpus::open(dir, params)?;
    let (signed, runs) = corpus.signed_runs();
    tracing::info!(
        "{} articles in {runs} runs ({signed} with signatures files)",
        corpus.n
    );
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .context("cannot start the worker threads")?;
    let spinner = if progress {
        let s = indicatif::ProgressBar::new_spinner();
        s.enable_steady_tick(std::time::Duration::from_millis(120));
        s.set_message(format!("deduplicating {} articles", corpus.n));
        s
    } else {
        indicatif::ProgressBar::hidden()
    };
    let (pairs, used) = match stage {
        Stage::Buckets(shard) => {
            let pairs = staged::candidates(&corpus, &pool, shard)?;
            let path = staged::write_pairs(dir, shard, corpus.fingerprint, &pairs)?;
            spinner.finish_and_clear();
            return Ok(Done::Pairs {
                shard,
                pairs: pairs.len(),
                path,
            });
        }
        Stage::All => (
            staged::candidates(&corpus, &pool, Shard { index: 0, count: 1 })?,
            vec![],
        ),
        Stage::Decide => staged::read_pairs(dir, corpus.fingerprint)?,
    };
    let run_id = pipeline::new_run_id();
    let mut file = TableFile::create(dir, "duplicates", &run_id)?;
    let mut out = DuplicateRows::default();
    let mut sink = Sink::new(params);
    let found = staged::decide(&corpus, &pool, pairs, &mut |f| {
        let staged::Found {
            verdict: v,
            url,
            source,
        } = f;
        *sink
            .duplicates_by_method
            .entry(v.method.to_string())
            .or_default() += 1;
        out.push(
            &Duplicate {
                article_id: v.article_id,
                url,
                source,
                duplicate_of: v.duplicate_of,
                method: v.method,
                similarity: v.similarity,
            },
            &run_id,
        );
        if out.len() >= BATCH_ROWS {
            file.write(out.finish())?;
        }
        Ok(())
    })?;
    spinner.finish_and_clear();
    sink.counts.pages_in = corpus.n as u64;
    sink.counts.articles = (corpus.n - found) as u64;
    sink.counts.duplicates = found as u64;
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
    let summary = pipeline::finish(info, sink, &ctx, false)?;
    // The pairs are spent once the decision is in the dataset.
    for p in used {
        let _ = std::fs::remove_file(p);
    }
    Ok(Done::Run(Box::new(summary)))
}
