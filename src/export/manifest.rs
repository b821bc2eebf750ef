//! The run manifest: what a run read, wrote and left out, as one JSON file per run.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use serde::Serialize;

/// Re-exported so the manifest and the files agree on one version.
pub use super::schema::SCHEMA_VERSION;

/// Counts of pages at each stage; `pages_in = articles + duplicates + rejects`.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Counts {
    /// Pages that entered the CPU stages (or were found unchanged).
    pub pages_in: u64,
    pub articles: u64,
    pub duplicates: u64,
    pub rejects: u64,
    pub images: u64,
    pub participants: u64,
    pub html_bytes: u64,
    /// Crawled pages that did not change since the last run (not exported again).
    pub unchanged: u64,
}

/// What a crawl did beyond the counts: "N new, M unchanged, K failed (by reason)".
#[derive(Debug, Default, Clone, Serialize)]
pub struct CrawlReport {
    pub site: String,
    /// Article URLs found by discovery in this run.
    pub discovered: u64,
    /// Article URLs this run set out to fetch (discovered, plus unfinished ones from earlier runs).
    pub frontier: u64,
    pub new: u64,
    pub changed: u64,
    pub unchanged: u64,
    pub failed: u64,
    pub failed_by_reason: BTreeMap<String, u64>,
    pub requests: u64,
    /// Pages a killed run had committed at its checkpoints, which this run (resuming
    /// it) did not fetch again.
    pub resumed: u64,
    /// Checkpoints this run committed before its end.
    pub checkpoints: u64,
    /// Sitemaps, feeds and listings that could not be read.
    pub discovery_errors: Vec<String>,
    /// Why the run failed, when it did: a crawl that could read none of the site's
    /// sitemaps, feeds or listings found nothing because it could not look, and must
    /// not pass for a run that found the site unchanged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
}

/// One JSON file per run under `runs/`.
#[derive(Debug, Serialize)]
pub struct Manifest {
    pub run_id: String,
    pub newsmill_version: &'static str,
    pub schema_version: u32,
    pub command: String,
    pub arguments: Vec<String>,
    /// `completed`; `interrupted` when Ctrl-C stopped intake early; `failed` when a
    /// crawl could not reach its site (see [`CrawlReport::failure`]).
    pub status: &'static str,
    pub started_at: String,
    pub finished_at: String,
    pub wall_seconds: f64,
    pub threads: usize,
    pub counts: Counts,
    pub rejects_by_reason: BTreeMap<String, u64>,
    pub duplicates_by_method: BTreeMap<String, u64>,
    /// Seconds of CPU time spent in each CPU stage, summed over threads.
    pub stage_seconds: BTreeMap<String, f64>,
    /// Crawl figures (`newsmill run` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crawl: Option<CrawlReport>,
    /// The share of the work this run took, when it was one of several shards.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shard: Option<crate::shard::Shard>,
    /// The quality profile of this run's articles, for drift checks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<crate::drift::Profile>,
    /// Drift warnings against the last runs of the same pipeline.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub drift: Vec<String>,
    /// Relative paths of the files this run wrote, by table (of its last part, for a
    /// crawl that committed in parts).
    pub files: BTreeMap<String, String>,
    /// The files of each part a crawl committed at a checkpoint before its last.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<BTreeMap<String, String>>,
}

/// Every run manifest of a dataset as JSON, oldest run first (hidden temporaries left
/// out; an unreadable one is logged and skipped).
pub fn read_all(dir: &Path) -> Vec<serde_json::Value> {
    let Ok(entries) = std::fs::read_dir(dir.join("runs")) else {
        return vec![];
    };
    let mut files: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().is_some_and(|x| x == "json")
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    files.sort();
    files
        .iter()
        .filter_map(|f| {
            let text = std::fs::read_to_string(f).ok()?;
            match serde_json::from_str(&text) {
                Ok(m) => Some(m),
                Err(_) => {
                    tracing::warn!(
                        "{}: not a run manifest (unreadable JSON); left out",
                        f.display()
                    );
                    None
                }
            }
        })
        .collect()
}

impl Manifest {
    /// Writes `dir/runs/<run_id>.json` atomically.
    pub fn write(&self, dir: &Path) -> Result<()> {
        let runs = dir.join("runs");
        std::fs::create_dir_all(&runs)
            .with_context(|| format!("cannot create {}", runs.display()))?;
        let dest = runs.join(format!("{}.json", self.run_id));
        let tmp = runs.join(format!(".{}.json.tmp", self.run_id));
        let json = serde_json::to_vec_pretty(self).context("cannot serialise the run manifest")?;
        std::fs::write(&tmp, json).with_context(|| format!("cannot write {}", tmp.display()))?;
        std::fs::rename(&tmp, &dest)
            .with_context(|| format!("cannot rename {} to {}", tmp.display(), dest.display()))?;
        Ok(())
    }
}
