//! `newsmill run pipelines/`: many sites in one command, for a scheduler.
//!
//! Each pipeline keeps its own state and dataset (its `output.dir`) and its own lock,
//! so this is exactly the runs one would schedule one by one, only concurrent: up to
//! `--parallel` sites at once, all fetching under one global connection budget so that
//! a folder of fifty sites does not open fifty times a site's connections. Every
//! pipeline file is checked before any site starts (a bad file is a configuration
//! error, exit 2, and nothing is touched). One site that fails does not stop the
//! others; the table at the end (or `--json`) says which did.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::Result;
use serde::Serialize;
use tokio::sync::Semaphore;

use crate::config::Loaded;
use crate::crawl::RunOptions;
use crate::error::UsageError;
use crate::pipeline::RunSummary;

/// The pipeline files named on the command line: files as given, folders as their
/// `*.toml` files in name order.
pub fn pipeline_files(args: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for a in args {
        if a.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(a)
                .map_err(|e| UsageError(format!("cannot list {}: {e}", a.display())))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "toml"))
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(UsageError(format!(
                    "{} holds no pipeline files (*.toml)",
                    a.display()
                ))
                .into());
            }
            files.extend(found);
        } else {
            files.push(a.clone());
        }
    }
    Ok(files)
}

/// How one site's run ended.
#[derive(Debug, Serialize)]
pub struct SiteResult {
    pub pipeline: PathBuf,
    pub site: String,
    /// `completed`, `failed`, `interrupted` or `error` (the run stopped with an error).
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub wall_seconds: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<RunSummary>,
}

impl SiteResult {
    pub fn failed(&self) -> bool {
        matches!(self.status, "failed" | "error" | "interrupted")
    }

    pub fn drifted(&self) -> bool {
        self.summary.as_ref().is_some_and(|s| !s.drift.is_empty())
    }
}

/// Loads every pipeline first: one bad file stops the command before any site runs.
pub fn load_all(files: &[PathBuf]) -> Result<Vec<Loaded>> {
    let mut loaded = Vec::new();
    let mut errors = Vec::new();
    for f in files {
        match crate::config::load(f) {
            Ok(c) => loaded.push(c),
            Err(e) => errors.push(format!("{e:#}")),
        }
    }
    if !errors.is_empty() {
        return Err(UsageError(format!(
            "{} of {} pipeline files are not valid; no site was run:\n  {}",
            errors.len(),
            files.len(),
            errors.join("\n  ")
        ))
        .into());
    }
    Ok(loaded)
}

/// Runs the sites, at most `parallel` at a time, all fetching under `connections`.
pub fn run(
    sites: Vec<Loaded>,
    base: &RunOptions,
    parallel: usize,
    connections: usize,
) -> Vec<SiteResult> {
    let budget = Arc::new(Semaphore::new(connections.max(1)));
    let queue: Mutex<Vec<(usize, Loaded)>> =
        Mutex::new(sites.into_iter().enumerate().rev().collect());
    let results: Mutex<Vec<(usize, SiteResult)>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..parallel.max(1) {
            s.spawn(|| {
                loop {
                    let next = queue.lock().unwrap_or_else(|p| p.into_inner()).pop();
                    let Some((i, cfg)) = next else { break };
                    if crate::pipeline::cancelled() {
                        break;
                    }
                    let r = one(cfg, base, budget.clone());
                    results
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .push((i, r));
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_else(|p| p.into_inner());
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

fn one(cfg: Loaded, base: &RunOptions, budget: Arc<Semaphore>) -> SiteResult {
    let clock = Instant::now();
    let pipeline = cfg.path.clone();
    let site = cfg.pipeline.site.id.clone();
    let opts = RunOptions {
        budget: Some(budget),
        ..base.clone()
    };
    // Log lines of this site's run say which site they are about.
    let span = tracing::warn_span!("site", id = %site);
    match span.in_scope(|| crate::crawl::run(cfg, &opts)) {
        Ok(summary) => SiteResult {
            status: if summary.failed() {
                "failed"
            } else if summary.interrupted {
                "interrupted"
            } else {
                "completed"
            },
            error: summary.crawl.as_ref().and_then(|k| k.failure.clone()),
            wall_seconds: summary.wall_seconds,
            summary: Some(summary),
            pipeline,
            site,
        },
        Err(e) => {
            tracing::error!("{site}: {e:#}");
            SiteResult {
                pipeline,
                site,
                status: "error",
                error: Some(format!("{e:#}")),
                wall_seconds: clock.elapsed().as_secs_f64(),
                summary: None,
            }
        }
    }
}

/// One line per site: what a person reads in the morning.
pub fn table(results: &[SiteResult]) -> String {
    let width = results
        .iter()
        .map(|r| r.site.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    let mut s = format!(
        "{:<width$}  {:>6} {:>8} {:>10} {:>7} {:>8} {:>9}  status\n",
        "site", "new", "changed", "unchanged", "failed", "rejects", "wall s"
    );
    for r in results {
        let k = r.summary.as_ref().and_then(|s| s.crawl.as_ref());
        let n = |f: fn(&crate::export::manifest::CrawlReport) -> u64| {
            k.map(|k| f(k).to_string()).unwrap_or_else(|| "-".into())
        };
        let rejects = r
            .summary
            .as_ref()
            .map(|s| s.counts.rejects.to_string())
            .unwrap_or_else(|| "-".into());
        let mut status = r.status.to_string();
        if r.drifted() {
            status.push_str(", drift");
        }
        if let Some(e) = &r.error {
            status.push_str(&format!(": {}", first_line(e)));
        }
        s.push_str(&format!(
            "{:<width$}  {:>6} {:>8} {:>10} {:>7} {:>8} {:>9.1}  {status}\n",
            r.site,
            n(|k| k.new),
            n(|k| k.changed),
            n(|k| k.unchanged),
            n(|k| k.failed),
            rejects,
            r.wall_seconds,
        ));
        for w in r.summary.iter().flat_map(|s| &s.drift) {
            s.push_str(&format!("{:<width$}  DRIFT {w}\n", ""));
        }
    }
    s
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

/// The exit code of the whole command: 1 when any site failed, else 3 when asked to
/// fail on drift and any site drifted, else 0.
pub fn exit_code(results: &[SiteResult], fail_on_drift: bool) -> i32 {
    if results.iter().any(SiteResult::failed) {
        1
    } else if fail_on_drift && results.iter().any(SiteResult::drifted) {
        3
    } else {
        0
    }
}

/// True when the command line names more than one pipeline, or a folder.
pub fn is_batch(args: &[PathBuf]) -> bool {
    args.len() > 1 || args.first().is_some_and(|a| Path::new(a).is_dir())
}
