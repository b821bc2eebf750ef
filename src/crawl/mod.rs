//! `newsmill run`: crawl a site from its pipeline file into the dataset.
//!
//! Discovery runs first (it is small next to the articles), then the frontier (newest
//! first, plus unfinished URLs of earlier runs) is fetched by tokio tasks under the
//! global concurrency limit while the CPU stages and the sink work on what arrives.
//! Earlier results in the crawl state turn into conditional requests, and pages whose
//! bytes or article did not change are counted as unchanged and not exported again.

pub mod discover;
pub mod fetch;
pub mod state;
pub mod warc;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use tokio::sync::Semaphore;
use xxhash_rust::xxh3::xxh3_128;

use crate::config::{self, Loaded};
use crate::crawl::fetch::{Fetched, Fetcher, Validators};
use crate::crawl::state::State;
use crate::crawl::warc::WarcWriter;
use crate::export::Exporter;
use crate::normalise::Options as NormaliseOptions;
use crate::pipeline::{self, ManifestInfo, RunSummary, Sink, StageContext};
use crate::record::{FetchMeta, Reject, Stage, Work};

/// Options of `newsmill run` beyond the pipeline file.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Dataset folder (default: the pipeline's `output.dir`).
    pub out: Option<PathBuf>,
    /// State file (default: `OUT/state.sqlite`).
    pub state: Option<PathBuf>,
    /// Overrides `discovery.since`.
    pub since: Option<String>,
    /// At most this many article URLs fetched in this run.
    pub limit: Option<usize>,
    /// Fetch everything unconditionally, as if no earlier run existed (the state is still written).
    pub ignore_state: bool,
    /// Keep raw responses as WARC (also turned on by `output.warc`).
    pub warc: bool,
    pub threads: usize,
    pub normalise: NormaliseOptions,
    pub progress: bool,
    pub arguments: Vec<String>,
    /// Connections shared with other sites' runs (`newsmill run pipelines/`): every
    /// article request holds one of these as well as one of the site's own.
    pub budget: Option<Arc<Semaphore>>,
    /// This process's share of the site's articles (see `shard`).
    pub shard: Option<crate::shard::Shard>,
    /// A dataset in object storage: `out` is this outbox's folder, published at each
    /// checkpoint (the caller publishes the end).
    pub outbox: Option<Arc<crate::store::Outbox>>,
}

/// One URL to fetch and what earlier runs knew of it.
struct Target {
    validators: Option<Validators>,
    meta: FetchMeta,
    previous_body_hash: Option<String>,
}

fn hex(v: u128) -> String {
    format!("{v:032x}")
}

/// Why a crawl failed when discovery could read none of the site's sitemaps, feeds
/// or listings (nothing listening, a wrong host, every address answering 404): it found
/// no URLs because it could not look, which a scheduler must see as a failure rather
/// than as a quiet day.
fn unreachable_site(found: &discover::Discovered) -> Option<String> {
    let (url, reason, detail) = found.errors.first()?;
    (found.articles == 0 && found.errors.len() >= found.documents).then(|| {
        format!(
            "the site could not be reached: none of its {} sitemaps, feeds or listings could be read \
             (first: {url}: {reason}: {detail}); check that the site is up and that the pipeline's \
             addresses are right",
            found.documents
        )
    })
}

/// Crawls the site of `cfg`.
pub fn run(mut cfg: Loaded, opts: &RunOptions) -> Result<RunSummary> {
    if let Some(s) = opts.shard {
        cfg.pipeline.fetch.shards = s.count;
    }
    let started = Utc::now();
    let clock = Instant::now();
    let out = opts.out.clone().unwrap_or_else(|| cfg.out_dir.clone());
    let out_named = match &opts.out {
        Some(o) => format!("--out {}", o.display()),
        None => format!("output.dir {} (of {})", out.display(), cfg.path.display()),
    };
    let since_text = opts
        .since
        .clone()
        .or_else(|| cfg.pipeline.discovery.since.clone());
    let since: Option<DateTime<Utc>> = match &since_text {
        Some(s) => Some(config::parse_since(s, started).ok_or_else(|| {
            crate::error::UsageError(format!(
                "--since {s:?} is neither a window like \"7d\" nor a date like \"2024-01-31\""
            ))
        })?),
        None => None,
    };
    let run_id = pipeline::new_run_id();
    let state_path = opts.state.clone().unwrap_or_else(|| match opts.shard {
        // Shards share the dataset folder but each keeps its own state.
        Some(s) => out.join(format!("state-{}-of-{}.sqlite", s.index, s.count)),
        None => out.join("state.sqlite"),
    });
    // An explicit --state is checked (and locked) before the dataset folder is made, so
    // a bad --state leaves nothing behind; the default state lives in that folder.
    let _lock = if opts.state.is_some() {
        let lock = crate::crawl::state::StateLock::acquire(&state_path)?;
        pipeline::check_dir(&out, &out_named)?;
        lock
    } else {
        pipeline::check_dir(&out, &out_named)?;
        crate::crawl::state::StateLock::acquire(&state_path)?
    };
    let mut state = State::open(&state_path, &run_id)?;
    let mut ctx = StageContext::new(opts.normalise).with_pipeline(&cfg)?;
    ctx.minhash = crate::dedupe::Hasher::new(cfg.pipeline.dedupe.params());
    let ctx = Arc::new(ctx);
    let warc = if opts.warc || cfg.pipeline.output.warc {
        Some(Arc::new(Mutex::new(WarcWriter::create(&out, &run_id)?)))
    } else {
        None
    };
    let cfg = Arc::new(cfg);
    let fetcher = Arc::new(Fetcher::new(cfg.clone(), warc.clone())?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .thread_name("newsmill-io")
        .build()
        .context("cannot start the async runtime")?;
    pipeline::install_ctrlc();

    // Discovery writes URLs straight into the state; the frontier is then read back
    // from it newest first, so no per-URL list is held in memory.
    let shard = opts.shard;
    let found = runtime.block_on(discover::discover(&fetcher, &cfg, since, &mut |e| {
        // Another shard's article: that shard discovers it too and fetches it.
        if shard.is_some_and(|s| !s.takes(&crate::shard::page_key(Some(&e.url), &e.url))) {
            return;
        }
        if let Err(err) = state.discovered(
            &e.url,
            "article",
            e.published.map(|p| p.to_rfc3339()).as_deref(),
        ) {
            tracing::error!("cannot record {} in the crawl state: {err:#}", e.url);
        }
    }));
    for (url, reason, detail) in &found.errors {
        tracing::warn!("discovery: cannot read {url} ({reason}): {detail}");
    }
    state.flush()?;
    let max_attempts = cfg.pipeline.fetch.retries + 2;
    // After a kill, what the killed run committed at its checkpoints is not fetched
    // again (with --ignore-state everything is).
    let resume = !opts.ignore_state;
    let resumed = if resume { state.resumed_pages()? } else { 0 };
    if resumed > 0 {
        tracing::info!(
            "resuming: {resumed} pages a killed run committed at its checkpoints are not fetched again"
        );
    }
    let frontier_len = state.frontier_len(max_attempts, opts.limit, resume)?;
    let mut rows =
        crate::crawl::state::frontier(&state_path, &run_id, max_attempts, opts.limit, resume)?;
    let ignore_state = opts.ignore_state;
    let to_target = move |row: crate::crawl::state::FrontierRow| -> Target {
        let known = Some(row.known).filter(|_| !ignore_state);
        let done_before = known
            .as_ref()
            .is_some_and(|k| matches!(k.status.as_str(), "exported" | "duplicate"));
        let known = known.filter(|_| done_before);
        Target {
            validators: known
                .as_ref()
                .map(|k| Validators {
                    etag: k.etag.clone(),
                    last_modified: k.last_modified.clone(),
                })
                .filter(|v| v.etag.is_some() || v.last_modified.is_some()),
            previous_body_hash: known.as_ref().and_then(|k| k.body_hash.clone()),
            meta: FetchMeta {
                url: row.url,
                previous_content_hash: known.as_ref().and_then(|k| k.content_hash.clone()),
                seen_before: done_before,
                ..Default::default()
            },
        }
    };

    let mut sink = Sink::new(cfg.pipeline.dedupe.params());
    sink.reserve(usize::try_from(frontier_len).unwrap_or(usize::MAX));
    sink.crawl.site = cfg.pipeline.site.id.clone();
    sink.crawl.discovered = found.articles;
    sink.crawl.frontier = frontier_len;
    sink.crawl.resumed = resumed;
    sink.checkpoints = Some(
        pipeline::Checkpoints::new(
            &out,
            &run_id,
            cfg.pipeline.dedupe.params(),
            &cfg.pipeline.output,
            !opts.ignore_state,
        )
        .publishing_to(opts.outbox.clone()),
    );
    sink.crawl.discovery_errors = found
        .errors
        .iter()
        .map(|(u, r, d)| format!("{u}: {r}: {d}"))
        .collect();
    sink.crawl.failure = unreachable_site(&found);
    if let Some(reason) = &sink.crawl.failure {
        tracing::error!("{reason}");
    }
    let pb = pipeline::progress_bar(frontier_len, opts.progress);

    // Fetch tasks feed the CPU stages through a bounded channel.
    let concurrency = cfg.pipeline.fetch.concurrency;
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Work>(concurrency * 2);
    let budget = opts.budget.clone();
    let producer = {
        let fetcher = fetcher.clone();
        runtime.spawn(async move {
            let gate = Arc::new(Semaphore::new(concurrency));
            let mut tasks = tokio::task::JoinSet::new();
            while let Some(row) = rows.recv().await {
                let t = to_target(row);
                if pipeline::cancelled() {
                    break;
                }
                let Ok(permit) = gate.clone().acquire_owned().await else {
                    break;
                };
                let shared = match &budget {
                    Some(b) => match b.clone().acquire_owned().await {
                        Ok(p) => Some(p),
                        Err(_) => break,
                    },
                    None => None,
                };
                let (fetcher, tx) = (fetcher.clone(), tx.clone());
                tasks.spawn(async move {
                    let work = fetch_one(&fetcher, t).await;
                    drop(shared);
                    let _ = tx.send(work).await;
                    drop(permit);
                });
                while tasks.try_join_next().is_some() {}
            }
            while tasks.join_next().await.is_some() {}
        })
    };
    let input: Box<dyn Iterator<Item = Work> + Send> =
        Box::new(std::iter::from_fn(move || rx.blocking_recv()));
    let threads = opts.threads.max(1);
    let (done_rx, cpu) = pipeline::spawn_cpu(input, threads, ctx.clone())?;
    let mut exporter = Exporter::create(&out, &run_id, ctx.minhash.params())?;
    let consumed = sink.consume(done_rx, &mut exporter, Some(&mut state), &pb);
    let _ = cpu.join();
    let _ = runtime.block_on(producer);
    pb.finish_and_clear();
    if let Err(e) = consumed {
        return Err(e.context(format!(
            "run {run_id} failed while writing to {}; no file of this run was kept",
            out.display()
        )));
    }
    sink.crawl.requests = fetcher.requests.load(std::sync::atomic::Ordering::Relaxed);
    let t = std::time::Instant::now();
    let dropped = sink.settle(&mut exporter, Some(&mut state), !opts.ignore_state)?;
    ctx.clock.add_dedupe(t.elapsed() + sink.checkpoint_dedupe);
    let prepared = exporter.prepare(&dropped)?;
    let mut extra_files = vec![];
    drop(fetcher);
    if let Some(w) = warc {
        let w = Arc::try_unwrap(w)
            .map_err(|_| anyhow::anyhow!("the WARC writer is still in use"))?
            .into_inner()
            .unwrap_or_else(|p| p.into_inner());
        extra_files.push(("warc".to_string(), w.commit()?));
    }
    // The state says these pages are done in the same transaction that lists the
    // renames publishing the run's files; a kill in between is finished at next start.
    let renames = prepared.renames();
    state.commit(pipeline::run_status(sink.crawl.failure.is_some()), &renames)?;
    let written = prepared.publish()?;
    let info = ManifestInfo {
        out: &out,
        run_id: &run_id,
        command: "run",
        arguments: &opts.arguments,
        started,
        wall_seconds: clock.elapsed().as_secs_f64(),
        threads,
        written: &written,
        extra_files,
        alerts: Some(&cfg.pipeline.alerts),
        shard: opts.shard,
    };
    pipeline::finish(info, sink, &ctx, true)
}

async fn fetch_one(fetcher: &Fetcher, t: Target) -> Work {
    let mut meta = t.meta;
    match fetcher.get(&meta.url, t.validators.as_ref()).await {
        Fetched::Page {
            page,
            status,
            etag,
            last_modified,
        } => {
            let body_hash = hex(xxh3_128(&page.bytes));
            meta.http_status = Some(status);
            meta.etag = etag;
            meta.last_modified = last_modified;
            let same = t.previous_body_hash.as_deref() == Some(body_hash.as_str());
            meta.body_hash = Some(body_hash);
            if same {
                Work::Unchanged(meta)
            } else {
                Work::Page(page, Some(meta))
            }
        }
        Fetched::NotModified { status } => {
            meta.http_status = Some(status);
            Work::Unchanged(meta)
        }
        Fetched::Failed {
            reason,
            detail,
            status,
        } => {
            meta.http_status = status;
            Work::Reject(
                Reject::new(&meta.url, Stage::Fetch, reason, detail),
                Some(meta),
            )
        }
    }
}
