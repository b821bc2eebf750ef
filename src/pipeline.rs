//! Wiring of the stages: read -> parse -> normalise -> people -> dedupe -> export.
//!
//! One reader thread feeds a bounded channel; a rayon pool parses and normalises pages
//! from it (CPU work stays off any async runtime, and the fetcher can feed the same
//! channel later); a second bounded channel carries outcomes to the single writer
//! thread that dedupes and exports. Bounded channels make a slow stage slow down the
//! one before it, so memory stays flat however many pages a run reads.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::sync_channel;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use anyhow::{Context, Result};
use chrono::Utc;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use crate::dedupe::Deduper;
use crate::error::UsageError;
use crate::export::Exporter;
use crate::export::manifest::{Counts, Manifest, SCHEMA_VERSION};
use crate::normalise::{self, Options as NormaliseOptions};
use crate::people::{self, Lexicon};
use crate::record::{Outcome, RawPage, Reject, Stage};
use crate::sources;

/// Everything `extract` needs to know.
#[derive(Debug, Clone)]
pub struct ExtractOptions {
    pub inputs: Vec<PathBuf>,
    pub out: PathBuf,
    pub threads: usize,
    pub max_page_bytes: u64,
    pub normalise: NormaliseOptions,
    pub progress: bool,
    /// The command line, recorded in the manifest.
    pub arguments: Vec<String>,
}

/// What a run did, for the summary line and the caller's exit code.
#[derive(Debug, Clone)]
pub struct RunSummary {
    pub run_id: String,
    pub counts: Counts,
    pub rejects_by_reason: BTreeMap<String, u64>,
    pub duplicates_by_method: BTreeMap<String, u64>,
    pub wall_seconds: f64,
    pub interrupted: bool,
}

impl RunSummary {
    /// A few lines for people: what came in, what went out, what was left out and why.
    pub fn render(&self) -> String {
        let c = &self.counts;
        let rate = if self.wall_seconds > 0.0 {
            c.pages_in as f64 / self.wall_seconds
        } else {
            0.0
        };
        let mut s = format!(
            "run {}{}\n  pages read  {}\n  articles    {} ({} images, {} participants)\n  duplicates  {}\n  rejects     {}\n",
            self.run_id,
            if self.interrupted {
                " (interrupted)"
            } else {
                ""
            },
            c.pages_in,
            c.articles,
            c.images,
            c.participants,
            c.duplicates,
            c.rejects
        );
        for (reason, n) in &self.rejects_by_reason {
            s.push_str(&format!("    {reason:<14}{n}\n"));
        }
        s.push_str(&format!(
            "  wall time   {:.2} s ({rate:.1} pages/s)",
            self.wall_seconds
        ));
        s
    }
}

/// Set by Ctrl-C: stop reading new pages, finish what is in flight, commit the files.
static CANCEL: AtomicBool = AtomicBool::new(false);
static HANDLER: OnceLock<()> = OnceLock::new();

fn install_ctrlc() {
    HANDLER.get_or_init(|| {
        let _ = ctrlc::set_handler(|| {
            if CANCEL.swap(true, Ordering::SeqCst) {
                // Second Ctrl-C: leave now; only hidden temporary files can be left behind.
                std::process::exit(130);
            }
            eprintln!("\ninterrupted: finishing the pages in flight and closing the files (Ctrl-C again to quit at once)");
        });
    });
}

/// A run id that sorts by start time and does not collide between runs.
pub fn new_run_id() -> String {
    let now = Utc::now();
    let salt = xxhash_rust::xxh3::xxh3_64(
        format!(
            "{}{}",
            now.timestamp_nanos_opt().unwrap_or(0),
            std::process::id()
        )
        .as_bytes(),
    );
    format!(
        "{}-{:06x}",
        now.format("%Y%m%dT%H%M%S%.3fZ")
            .to_string()
            .replace('.', ""),
        salt & 0xFF_FFFF
    )
}

/// Makes sure `out` exists and is writable before any work starts.
pub fn check_out_dir(out: &std::path::Path) -> Result<(), UsageError> {
    std::fs::create_dir_all(out).map_err(|e| {
        UsageError(format!(
            "--out {} cannot be created: {e}; choose a writable folder",
            out.display()
        ))
    })?;
    let probe = out.join(format!(".newsmill-write-test-{}", std::process::id()));
    std::fs::write(&probe, b"").map_err(|e| {
        UsageError(format!(
            "--out {} is not writable: {e}; choose a writable folder",
            out.display()
        ))
    })?;
    let _ = std::fs::remove_file(probe);
    Ok(())
}

/// CPU time per stage, summed over worker threads, in nanoseconds.
#[derive(Default)]
struct StageClock {
    parse: AtomicU64,
    normalise: AtomicU64,
    people: AtomicU64,
}

/// Runs one page through parse, normalise and people. Never panics: a panic in an
/// extractor becomes a reject, so one odd page cannot stop a crawl.
pub fn process_page(raw: &RawPage, opts: NormaliseOptions, lexicon: &Lexicon) -> Outcome {
    process_timed(raw, opts, lexicon, &StageClock::default())
}

fn process_timed(
    raw: &RawPage,
    opts: NormaliseOptions,
    lexicon: &Lexicon,
    clock: &StageClock,
) -> Outcome {
    let run = || {
        let t = Instant::now();
        let doc = crate::parse::parse(raw);
        clock
            .parse
            .fetch_add(t.elapsed().as_nanos() as u64, Ordering::Relaxed);
        let doc = match doc {
            Ok(d) => d,
            Err(r) => return Outcome::Reject(r),
        };
        let t = Instant::now();
        let passages = normalise::passages(&doc, opts);
        let article = normalise::normalise(doc, opts);
        clock
            .normalise
            .fetch_add(t.elapsed().as_nanos() as u64, Ordering::Relaxed);
        let mut article = match article {
            Ok(a) => a,
            Err(r) => return Outcome::Reject(r),
        };
        let t = Instant::now();
        article.participants = people::extract(
            &passages,
            &article.body,
            article.language.as_deref(),
            lexicon,
        );
        clock
            .people
            .fetch_add(t.elapsed().as_nanos() as u64, Ordering::Relaxed);
        Outcome::Article(Box::new(article))
    };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)) {
        Ok(o) => o,
        Err(p) => {
            let msg = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Outcome::Reject(Reject::new(
                &raw.source,
                Stage::Parse,
                "internal_error",
                format!(
                    "newsmill failed on this page ({msg}); please report it with the page attached"
                ),
            ))
        }
    }
}

fn progress_bar(total: u64, show: bool) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} pages, {per_sec}, {msg}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    pb.set_style(style);
    pb
}

/// `newsmill extract`: saved pages in, one run of the dataset out.
pub fn extract(opts: &ExtractOptions) -> Result<RunSummary> {
    let started = Utc::now();
    let clock_start = Instant::now();
    check_out_dir(&opts.out)?;
    let inputs = sources::list(&opts.inputs)?;
    install_ctrlc();
    CANCEL.store(false, Ordering::SeqCst);
    let run_id = new_run_id();
    let mut exporter = Exporter::create(&opts.out, &run_id)?;
    let threads = opts.threads.max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("newsmill-cpu-{i}"))
        .build()
        .context("cannot start the worker threads")?;
    let pb = progress_bar(inputs.len() as u64, opts.progress);
    let lexicon = Arc::new(Lexicon::vietnamese());
    let clock = Arc::new(StageClock::default());

    let cap = threads * 4;
    let (raw_tx, raw_rx) = sync_channel::<Result<RawPage, Reject>>(cap);
    let (out_tx, out_rx) = sync_channel::<Outcome>(cap);
    let max_bytes = opts.max_page_bytes;
    let reader = std::thread::Builder::new()
        .name("newsmill-read".into())
        .spawn(move || {
            for input in &inputs {
                if CANCEL.load(Ordering::SeqCst) {
                    break;
                }
                if raw_tx.send(sources::read(input, max_bytes)).is_err() {
                    break;
                }
            }
        })?;
    let norm = opts.normalise;
    let (lx, ck) = (lexicon.clone(), clock.clone());
    let workers = std::thread::Builder::new()
        .name("newsmill-cpu".into())
        .spawn(move || {
            pool.install(|| {
                raw_rx
                    .into_iter()
                    .par_bridge()
                    .for_each_with(out_tx, |tx, item| {
                        let outcome = match item {
                            Ok(raw) => process_timed(&raw, norm, &lx, &ck),
                            Err(reject) => Outcome::Reject(reject),
                        };
                        let _ = tx.send(outcome);
                    });
            });
        })?;

    let mut counts = Counts::default();
    let mut rejects_by_reason: BTreeMap<String, u64> = BTreeMap::new();
    let mut duplicates_by_method: BTreeMap<String, u64> = BTreeMap::new();
    let mut dedupe = Deduper::default();
    let mut export_err: Option<anyhow::Error> = None;
    for outcome in out_rx {
        counts.pages_in += 1;
        let result = match &outcome {
            Outcome::Article(a) => {
                counts.html_bytes += a.html_bytes;
                match dedupe.check(a) {
                    Some(dup) => {
                        counts.duplicates += 1;
                        *duplicates_by_method
                            .entry(dup.method.to_string())
                            .or_default() += 1;
                        exporter.duplicate(&dup)
                    }
                    None => {
                        counts.articles += 1;
                        counts.images += a.images.len() as u64;
                        counts.participants += a.participants.len() as u64;
                        exporter.article(a)
                    }
                }
            }
            Outcome::Reject(r) => {
                counts.rejects += 1;
                *rejects_by_reason.entry(r.reason.to_string()).or_default() += 1;
                tracing::debug!(source = %r.source, reason = r.reason, "{}", r.detail);
                pb.set_message(format!("{} rejects", counts.rejects));
                exporter.reject(r)
            }
        };
        pb.inc(1);
        if let Err(e) = result {
            // Stop intake; the uncommitted files are removed when the exporter drops.
            CANCEL.store(true, Ordering::SeqCst);
            export_err = Some(e);
            break;
        }
    }
    let _ = reader.join();
    let _ = workers.join();
    pb.finish_and_clear();
    if let Some(e) = export_err {
        return Err(e.context(format!(
            "run {run_id} failed while writing to {}; no file of this run was kept",
            opts.out.display()
        )));
    }
    let written = exporter.commit()?;
    let interrupted = CANCEL.load(Ordering::SeqCst);
    let wall_seconds = clock_start.elapsed().as_secs_f64();
    let secs = |a: &AtomicU64| a.load(Ordering::Relaxed) as f64 / 1e9;
    let manifest = Manifest {
        run_id: run_id.clone(),
        newsmill_version: env!("CARGO_PKG_VERSION"),
        schema_version: SCHEMA_VERSION,
        command: "extract".into(),
        arguments: opts.arguments.clone(),
        status: if interrupted {
            "interrupted"
        } else {
            "completed"
        },
        started_at: started.to_rfc3339(),
        finished_at: Utc::now().to_rfc3339(),
        wall_seconds,
        threads,
        counts: counts.clone(),
        rejects_by_reason: rejects_by_reason.clone(),
        duplicates_by_method: duplicates_by_method.clone(),
        stage_seconds: BTreeMap::from([
            ("parse".to_string(), secs(&clock.parse)),
            ("normalise".to_string(), secs(&clock.normalise)),
            ("people".to_string(), secs(&clock.people)),
        ]),
        files: written
            .iter()
            .map(|(t, p, _)| {
                (
                    t.clone(),
                    p.strip_prefix(&opts.out).unwrap_or(p).display().to_string(),
                )
            })
            .collect(),
    };
    manifest.write(&opts.out)?;
    Ok(RunSummary {
        run_id,
        counts,
        rejects_by_reason,
        duplicates_by_method,
        wall_seconds,
        interrupted,
    })
}
