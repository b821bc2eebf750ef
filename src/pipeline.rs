//! Wiring of the stages: source -> parse -> normalise -> people -> dedupe -> export.
//!
//! A source (the file reader, or the fetcher) feeds [`Work`] through a bounded channel;
//! a rayon pool parses and normalises pages from it (CPU work stays off the async
//! runtime); a second bounded channel carries results to the single sink thread that
//! dedupes, exports and records crawl state. Bounded channels make a slow stage slow
//! down the one before it, so memory stays flat however many pages a run reads.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, sync_channel};
use std::sync::{Arc, OnceLock};
use std::thread::JoinHandle;
use std::time::Instant;

use anyhow::{Context, Result};
use chrono::Utc;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use crate::crawl::state::{State, Update};
use crate::dedupe::{self, Deduper, Params as DedupeParams};
use crate::error::UsageError;
use crate::export::Exporter;
use crate::export::manifest::{Counts, CrawlReport, Manifest, SCHEMA_VERSION};
use crate::normalise::{self, Options as NormaliseOptions};
use crate::parse::rules::SiteRules;
use crate::people::{self, Lexicon};
use crate::record::{Done, Duplicate, FetchMeta, Outcome, RawPage, Reject, Stage, Work};
use crate::sources;

/// Everything `extract` needs to know.
#[derive(Debug, Clone)]
pub struct ExtractOptions {
    pub inputs: Vec<PathBuf>,
    pub out: PathBuf,
    pub threads: usize,
    pub max_page_bytes: u64,
    pub normalise: NormaliseOptions,
    /// Shingles, bands and threshold of near-duplicate detection.
    pub dedupe: DedupeParams,
    pub progress: bool,
    /// The command line, recorded in the manifest.
    pub arguments: Vec<String>,
    /// A site's pipeline file, whose parse rules and lexicon apply to these pages.
    pub site: Option<crate::config::Loaded>,
    /// This process's share of the inputs (see `shard`).
    pub shard: Option<crate::shard::Shard>,
}

/// What a run did, for the summary and the caller's exit code.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RunSummary {
    pub run_id: String,
    pub counts: Counts,
    pub rejects_by_reason: BTreeMap<String, u64>,
    pub duplicates_by_method: BTreeMap<String, u64>,
    pub crawl: Option<CrawlReport>,
    pub wall_seconds: f64,
    pub interrupted: bool,
    /// Drift warnings: fields this run filled far less often than its last runs.
    pub drift: Vec<String>,
}

impl RunSummary {
    /// True when the run failed as a whole (see [`CrawlReport::failure`]).
    pub fn failed(&self) -> bool {
        self.crawl.as_ref().is_some_and(|k| k.failure.is_some())
    }

    /// A few lines for people: what came in, what went out, what was left out and why.
    pub fn render(&self) -> String {
        let c = &self.counts;
        let rate = if self.wall_seconds > 0.0 {
            c.pages_in as f64 / self.wall_seconds
        } else {
            0.0
        };
        let mut s = format!(
            "run {}{}\n",
            self.run_id,
            if self.interrupted {
                " (interrupted)"
            } else {
                ""
            }
        );
        if let Some(reason) = self.crawl.as_ref().and_then(|k| k.failure.as_ref()) {
            s.push_str(&format!("  FAILED      {reason}\n"));
        }
        if let Some(k) = &self.crawl {
            let failed: Vec<String> = k
                .failed_by_reason
                .iter()
                .map(|(r, n)| format!("{r} {n}"))
                .collect();
            s.push_str(&format!(
                "  crawl       {} new, {} changed, {} unchanged, {} failed{} ({} URLs discovered, {} requests)\n",
                k.new,
                k.changed,
                k.unchanged,
                k.failed,
                if failed.is_empty() { String::new() } else { format!(" ({})", failed.join(", ")) },
                k.discovered,
                k.requests
            ));
        }
        let methods: Vec<String> = self
            .duplicates_by_method
            .iter()
            .map(|(m, n)| format!("{m} {n}"))
            .collect();
        s.push_str(&format!(
            "  pages read  {}\n  articles    {} ({} images, {} participants)\n  duplicates  {}{}\n  rejects     {}\n",
            c.pages_in,
            c.articles,
            c.images,
            c.participants,
            c.duplicates,
            if methods.is_empty() {
                String::new()
            } else {
                format!(" ({})", methods.join(", "))
            },
            c.rejects
        ));
        for (reason, n) in &self.rejects_by_reason {
            s.push_str(&format!("    {reason:<18}{n}\n"));
        }
        for w in &self.drift {
            s.push_str(&format!("  DRIFT       {w}\n"));
        }
        s.push_str(&format!(
            "  wall time   {:.2} s ({rate:.1} pages/s)",
            self.wall_seconds
        ));
        s
    }
}

/// Set by Ctrl-C: stop taking new pages, finish what is in flight, commit the files.
static CANCEL: AtomicBool = AtomicBool::new(false);
static HANDLER: OnceLock<()> = OnceLock::new();

/// True once Ctrl-C was pressed.
pub fn cancelled() -> bool {
    CANCEL.load(Ordering::SeqCst)
}

/// Installs the Ctrl-C handler (once per process) and clears the flag for a new run.
pub fn install_ctrlc() {
    HANDLER.get_or_init(|| {
        let _ = ctrlc::set_handler(|| {
            if CANCEL.swap(true, Ordering::SeqCst) {
                // Second Ctrl-C: leave now; only hidden temporary files can be left behind.
                std::process::exit(130);
            }
            eprintln!("\ninterrupted: finishing the pages in flight and closing the files (Ctrl-C again to quit at once)");
        });
    });
    CANCEL.store(false, Ordering::SeqCst);
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
pub fn check_out_dir(out: &Path) -> Result<(), UsageError> {
    check_dir(out, &format!("--out {}", out.display()))
}

/// Creates the dataset folder `out` and checks that files can be written in it;
/// `what` names where the folder came from (`--out X`, or a pipeline's `output.dir`),
/// so that the message points at what the user must change.
pub fn check_dir(out: &Path, what: &str) -> Result<(), UsageError> {
    not_a_url(out, what)?;
    std::fs::create_dir_all(out).map_err(|e| {
        UsageError(format!(
            "{what} cannot be created: {e}; choose a writable folder"
        ))
    })?;
    let probe = out.join(format!(".newsmill-write-test-{}", std::process::id()));
    std::fs::write(&probe, b"").map_err(|e| {
        UsageError(format!(
            "{what} is not writable: {e}; choose a writable folder"
        ))
    })?;
    let _ = std::fs::remove_file(probe);
    Ok(())
}

/// Refuses an object-storage or web address where a local folder is needed: without
/// this, `--out s3://bucket/x` quietly made a local folder named `s3:`.
pub fn not_a_url(path: &Path, what: &str) -> Result<(), UsageError> {
    let text = path.to_string_lossy();
    let scheme = text.split_once("://").map(|(s, _)| s).filter(|s| {
        !s.is_empty()
            && s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
    });
    match scheme {
        Some(scheme) => Err(UsageError(format!(
            "{what}: {scheme}:// addresses are not taken here; object storage works for \
             `extract` inputs and --out, `run --out` (with a local --state), and the dataset \
             that `inspect`, `export`, `report`, `dedupe` and `eval` read"
        ))),
        None => Ok(()),
    }
}

/// Whether `dir` could be used as a dataset folder, without creating it: its nearest
/// existing ancestor must be a folder that accepts files (for `newsmill check`).
pub fn check_dir_could_be_created(dir: &Path, what: &str) -> Result<(), UsageError> {
    not_a_url(dir, what)?;
    let mut at = dir;
    while !at.exists() {
        match at.parent() {
            Some(p) if !p.as_os_str().is_empty() => at = p,
            _ => return Ok(()),
        }
    }
    if !at.is_dir() {
        return Err(UsageError(format!(
            "{what}: {} is not a folder; choose a writable folder",
            at.display()
        )));
    }
    tempfile::tempfile_in(at).map(drop).map_err(|e| {
        UsageError(format!(
            "{what} cannot be written: nothing can be created in {} ({e}); choose a writable folder",
            at.display()
        ))
    })
}

/// CPU time per stage, summed over worker threads, in nanoseconds.
#[derive(Default)]
pub struct StageClock {
    parse: AtomicU64,
    normalise: AtomicU64,
    people: AtomicU64,
    /// The end-of-run dedupe decision, on the sink thread.
    dedupe: AtomicU64,
}

impl StageClock {
    /// Adds the time of the dedupe decision.
    pub fn add_dedupe(&self, d: std::time::Duration) {
        self.dedupe
            .fetch_add(d.as_nanos() as u64, Ordering::Relaxed);
    }

    fn seconds(&self) -> BTreeMap<String, f64> {
        let secs = |a: &AtomicU64| a.load(Ordering::Relaxed) as f64 / 1e9;
        BTreeMap::from([
            ("parse".to_string(), secs(&self.parse)),
            ("normalise".to_string(), secs(&self.normalise)),
            ("people".to_string(), secs(&self.people)),
            ("dedupe".to_string(), secs(&self.dedupe)),
        ])
    }
}

/// What the CPU stages need besides the page.
pub struct StageContext {
    pub normalise: NormaliseOptions,
    /// Signs each body for near-duplicate detection (on the CPU pool, not the sink).
    pub minhash: crate::dedupe::Hasher,
    /// The pipeline's own tracking-only query parameters, dropped from URL keys.
    pub tracking_params: Vec<String>,
    /// Run the people stage (off only to measure what it costs).
    pub people: bool,
    pub lexicon: Lexicon,
    pub rules: Option<SiteRules>,
    pub clock: StageClock,
}

impl StageContext {
    pub fn new(normalise: NormaliseOptions) -> Self {
        StageContext {
            normalise,
            minhash: crate::dedupe::Hasher::new(crate::dedupe::Params::default()),
            tracking_params: Vec::new(),
            people: true,
            lexicon: Lexicon::vietnamese(),
            rules: None,
            clock: StageClock::default(),
        }
    }

    /// Applies a pipeline file's site knowledge: its `[parse]` rules (dates in its time
    /// zone), its `[people]` lexicon entries and its tracking parameters. The same for a
    /// crawl and for saved pages or labelled pages of that site, so what `eval` measures
    /// with a pipeline is what `run` will extract.
    pub fn with_pipeline(mut self, cfg: &crate::config::Loaded) -> Result<Self, UsageError> {
        if let Some(rules) = &cfg.pipeline.parse {
            self.rules = Some(
                SiteRules::compile(rules, cfg.zone)
                    .map_err(|e| UsageError(format!("{}: [parse]: {e}", cfg.path.display())))?,
            );
        }
        self.tracking_params = cfg.pipeline.dedupe.tracking_params.clone();
        for (list, entries) in &cfg.pipeline.people {
            self.lexicon.extend(list, entries);
        }
        Ok(self)
    }
}

/// Runs one page through parse, normalise and people. Never panics: a panic in an
/// extractor becomes a reject, so one odd page cannot stop a crawl.
pub fn process(raw: &RawPage, ctx: &StageContext) -> Outcome {
    let clock = &ctx.clock;
    let run = || {
        let t = Instant::now();
        let doc = crate::parse::parse(raw, ctx.rules.as_ref());
        clock
            .parse
            .fetch_add(t.elapsed().as_nanos() as u64, Ordering::Relaxed);
        let doc = match doc {
            Ok(d) => d,
            Err(r) => return Outcome::Reject(r),
        };
        let t = Instant::now();
        let passages = normalise::passages(&doc, ctx.normalise);
        let article = normalise::normalise(doc, ctx.normalise, &ctx.tracking_params);
        clock
            .normalise
            .fetch_add(t.elapsed().as_nanos() as u64, Ordering::Relaxed);
        let mut article = match article {
            Ok(a) => a,
            Err(r) => return Outcome::Reject(r),
        };
        article.signature = ctx.minhash.signature(&crate::dedupe::dedupe_text(
            &article.title,
            article.lead.as_deref(),
            &article.body,
        ));
        let t = Instant::now();
        if ctx.people {
            article.participants = people::extract(
                &passages,
                &article.body,
                article.language.as_deref(),
                &ctx.lexicon,
            );
        }
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

/// Starts the CPU stages on their own pool, reading `input` and sending results back.
pub fn spawn_cpu(
    input: Box<dyn Iterator<Item = Work> + Send>,
    threads: usize,
    ctx: Arc<StageContext>,
) -> Result<(Receiver<Done>, JoinHandle<()>)> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .thread_name(|i| format!("newsmill-cpu-{i}"))
        .build()
        .context("cannot start the worker threads")?;
    let (tx, rx) = sync_channel::<Done>(threads.max(1) * 4);
    let handle = std::thread::Builder::new()
        .name("newsmill-cpu".into())
        .spawn(move || {
            pool.install(|| {
                input.par_bridge().for_each_with(tx, |tx, work| {
                    let done = match work {
                        Work::Page(raw, meta) => {
                            let outcome = process(&raw, &ctx);
                            match (&outcome, &meta) {
                                // Same article as last time (only the page around it changed).
                                (Outcome::Article(a), Some(m))
                                    if m.previous_content_hash.as_deref()
                                        == Some(a.content_hash.as_str()) =>
                                {
                                    Done::Unchanged(m.clone())
                                }
                                _ => Done::Outcome(outcome, meta),
                            }
                        }
                        Work::Reject(r, meta) => Done::Outcome(Outcome::Reject(r), meta),
                        Work::Unchanged(meta) => Done::Unchanged(meta),
                    };
                    let _ = tx.send(done);
                });
            });
        })?;
    Ok((rx, handle))
}

/// A progress bar of `total` pages, hidden unless `show`.
pub fn progress_bar(total: u64, show: bool) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    // The rate is whole pages a second, and the message (rejects so far) brings its own
    // separator, so an empty one leaves no stray comma behind.
    let style = ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} pages, {rate}{msg}",
    )
    .map(|s| {
        s.with_key(
            "rate",
            |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.0} pages/s", state.per_sec());
            },
        )
    })
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    pb.set_style(style);
    pb
}

/// At most this many articles are reserved for up front (see [`Sink::reserve`]).
const MAX_RESERVED: usize = 1 << 20;

/// When and where a crawl commits a part of its run (see [`Sink::checkpoint`]).
pub struct Checkpoints {
    dir: PathBuf,
    run_id: String,
    params: DedupeParams,
    every_pages: u64,
    every: Option<std::time::Duration>,
    earlier_runs: bool,
    /// The part being written (1 for the first).
    part: u32,
    since: Instant,
    pages_at: u64,
    /// The files of each part committed so far.
    parts: Vec<crate::export::Written>,
    /// Where a remote dataset's parts are published from.
    outbox: Option<Arc<crate::store::Outbox>>,
}

impl Checkpoints {
    /// A crawl's checkpoints as its pipeline's `[output]` sets them; `earlier_runs` is
    /// false with `--ignore-state`.
    pub fn new(
        dir: &Path,
        run_id: &str,
        params: DedupeParams,
        output: &crate::config::Output,
        earlier_runs: bool,
    ) -> Self {
        Checkpoints {
            dir: dir.to_path_buf(),
            run_id: run_id.to_string(),
            params,
            every_pages: output.checkpoint_pages,
            every: (output.checkpoint_secs > 0)
                .then(|| std::time::Duration::from_secs(output.checkpoint_secs)),
            earlier_runs,
            part: 1,
            since: Instant::now(),
            pages_at: 0,
            parts: Vec::new(),
            outbox: None,
        }
    }

    /// Publishes each part to object storage from `outbox` once it is committed.
    pub fn publishing_to(mut self, outbox: Option<Arc<crate::store::Outbox>>) -> Self {
        self.outbox = outbox;
        self
    }

    fn due(&self, pages_in: u64) -> bool {
        let pages = pages_in - self.pages_at;
        pages > 0
            && ((self.every_pages > 0 && pages >= self.every_pages)
                || self.every.is_some_and(|e| self.since.elapsed() >= e))
    }
}

/// The single writer: dedupe, export, crawl state, counters.
pub struct Sink {
    pub counts: Counts,
    pub rejects_by_reason: BTreeMap<String, u64>,
    pub duplicates_by_method: BTreeMap<String, u64>,
    pub crawl: CrawlReport,
    /// What the drift check compares (see `drift`).
    pub profile: crate::drift::ProfileCounts,
    dedupe: Deduper,
    /// What the export and the counts need to take back an article found to be a copy.
    exported: Vec<Exported>,
    /// A crawl's checkpoints; `None` commits once, at the end.
    pub checkpoints: Option<Checkpoints>,
    /// Time the checkpoints' dedupe decisions took (the stage clock's `dedupe`).
    pub checkpoint_dedupe: std::time::Duration,
}

/// One exported article, by sequence number.
struct Exported {
    /// URL and source; `None` when a crawl state holds them (see [`State::stash`]).
    origin: Option<Box<(String, String)>>,
    images: u32,
    participants: u32,
    seen_before: Option<bool>,
}

impl Sink {
    pub fn new(dedupe: DedupeParams) -> Self {
        Sink {
            counts: Counts::default(),
            rejects_by_reason: BTreeMap::new(),
            duplicates_by_method: BTreeMap::new(),
            crawl: CrawlReport::default(),
            profile: Default::default(),
            dedupe: Deduper::new(dedupe),
            exported: Vec::new(),
            checkpoints: None,
            checkpoint_dedupe: std::time::Duration::ZERO,
        }
    }

    /// Commits what the run did so far as one part, like the end of a run: the dedupe
    /// decision over this part (against earlier runs and earlier parts), the part's
    /// files renamed into place, then the crawl state. The run goes on with the files
    /// of its next part; a kill from here on loses only the pages that come later.
    pub fn checkpoint(&mut self, exporter: &mut Exporter, state: &mut State) -> Result<()> {
        let Some(plan) = &self.checkpoints else {
            return Ok(());
        };
        let next = Exporter::create_part(&plan.dir, &plan.run_id, plan.params, plan.part + 1)?;
        let earlier_runs = plan.earlier_runs;
        let t = Instant::now();
        let dropped = self.settle(exporter, Some(state), earlier_runs)?;
        self.checkpoint_dedupe += t.elapsed();
        let prepared = std::mem::replace(exporter, next).prepare(&dropped)?;
        state.checkpoint(&prepared.renames())?;
        let written = prepared.publish()?;
        state.published()?;
        if let Some(outbox) = self.checkpoints.as_ref().and_then(|c| c.outbox.clone()) {
            outbox.flush()?;
        }
        self.exported.clear();
        self.dedupe.clear();
        self.crawl.checkpoints += 1;
        let pages_in = self.counts.pages_in;
        if let Some(plan) = &mut self.checkpoints {
            tracing::info!(
                "checkpoint: part {} of run {} committed ({pages_in} pages so far)",
                plan.part,
                plan.run_id
            );
            plan.part += 1;
            plan.parts.push(written);
            plan.since = Instant::now();
            plan.pages_at = pages_in;
        }
        Ok(())
    }

    /// Makes room for `pages` articles up front: the per-article records then never
    /// grow by doubling (which, near the end of a long crawl, held up to twice their
    /// size, and both copies while moving). Room not yet used costs no memory.
    pub fn reserve(&mut self, pages: usize) {
        self.exported.reserve(pages.min(MAX_RESERVED));
    }

    /// Runs the dedupe decision over everything this run exported (and, with a crawl
    /// state, everything earlier runs exported), writes the `duplicates` rows, takes
    /// the copies back out of the counts and the state, and tells the exporter which
    /// rows to leave out of the files. `earlier_runs: false` (`--ignore-state`) decides
    /// as if no earlier run existed, while still recording this run in the state.
    pub fn settle(
        &mut self,
        exporter: &mut Exporter,
        mut state: Option<&mut State>,
        earlier_runs: bool,
    ) -> Result<Dropped> {
        if let Some(s) = state.as_deref_mut() {
            s.begin_dedupe(earlier_runs)?;
        }
        let history = state.as_deref_mut().map(|s| s as &mut dyn dedupe::History);
        let verdicts = self.dedupe.resolve(history)?;
        let mut articles = vec![false; self.exported.len()];
        for v in &verdicts {
            let e = &self.exported[v.seq];

            let (url, source) = match (&e.origin, state.as_deref_mut()) {
                (Some(origin), _) => (origin.0.clone(), origin.1.clone()),
                (None, Some(s)) => s.stashed_origin(v.seq)?,
                (None, None) => Default::default(),
            };
            exporter.duplicate(&Duplicate {
                article_id: v.article_id.clone(),
                url: url.clone(),
                source,
                duplicate_of: v.duplicate_of.clone(),
                method: v.method,
                similarity: v.similarity,
            })?;
            articles[v.seq] = true;
            self.counts.articles -= 1;
            self.counts.images -= u64::from(e.images);
            self.counts.participants -= u64::from(e.participants);
            self.counts.duplicates += 1;
            *self
                .duplicates_by_method
                .entry(v.method.to_string())
                .or_default() += 1;
            match e.seen_before {
                Some(true) => self.crawl.changed -= 1,
                Some(false) => self.crawl.new -= 1,
                None => {}
            }
            if let Some(s) = state.as_deref_mut() {
                s.mark_duplicate(&url, &v.duplicate_of)?;
            }
        }
        Ok(Dropped {
            images: expand(&articles, self.exported.iter().map(|e| e.images)),
            participants: expand(&articles, self.exported.iter().map(|e| e.participants)),
            articles,
        })
    }

    /// Consumes results until the CPU stages are done. Stops intake on a write error.
    pub fn consume(
        &mut self,
        rx: Receiver<Done>,
        exporter: &mut Exporter,
        mut state: Option<&mut State>,
        pb: &ProgressBar,
    ) -> Result<()> {
        for done in rx {
            let mut result = self.one(done, exporter, state.as_deref_mut());
            if result.is_ok()
                && let Some(s) = state.as_deref_mut()
                && self
                    .checkpoints
                    .as_ref()
                    .is_some_and(|c| c.due(self.counts.pages_in))
            {
                result = self.checkpoint(exporter, s);
            }
            if let Err(e) = result {
                // Stop intake; dropping the receiver on return unblocks the producers.
                CANCEL.store(true, Ordering::SeqCst);
                return Err(e);
            }
            pb.inc(1);
            if self.counts.rejects > 0 {
                pb.set_message(format!(", {} rejects", self.counts.rejects));
            }
            if self.counts.pages_in.is_multiple_of(TRIM_EVERY) {
                crate::alloc::release_freed_memory();
            }
        }
        Ok(())
    }

    fn one(
        &mut self,
        done: Done,
        exporter: &mut Exporter,
        mut state: Option<&mut State>,
    ) -> Result<()> {
        self.counts.pages_in += 1;
        let (outcome, meta) = match done {
            Done::Unchanged(meta) => {
                self.counts.unchanged += 1;
                self.crawl.unchanged += 1;
                if let Some(s) = state {
                    s.record(&update(&meta, "unchanged"))?;
                }
                return Ok(());
            }
            Done::Outcome(o, meta) => (o, meta),
        };
        match &outcome {
            Outcome::Article(a) => {
                // Every article is written now; copies are taken back out by `settle`.
                self.counts.html_bytes += a.html_bytes;
                self.counts.articles += 1;
                self.counts.images += a.images.len() as u64;
                self.counts.participants += a.participants.len() as u64;
                self.profile.add(a);
                let mut entry = dedupe::Entry::of(a, Box::default());
                exporter.article(a, &entry, &a.signature)?;
                // With a crawl state the dedupe entry, URL and source wait on disk.
                let origin = match state.as_deref_mut() {
                    Some(s) => {
                        let seq = self.dedupe.add_set_aside();
                        s.stash(seq, &entry, &a.signature, &a.url, &a.source)?;
                        None
                    }
                    None => {
                        entry.signature = a.signature.clone();
                        self.dedupe.add(entry);
                        Some(Box::new((a.url.clone(), a.source.clone())))
                    }
                };
                self.exported.push(Exported {
                    origin,
                    images: a.images.len() as u32,
                    participants: a.participants.len() as u32,
                    seen_before: meta.as_ref().map(|m| m.seen_before),
                });
                if let Some(m) = &meta {
                    if m.seen_before {
                        self.crawl.changed += 1;
                    } else {
                        self.crawl.new += 1;
                    }
                    if let Some(s) = state {
                        s.record(&Update {
                            content_hash: Some(a.content_hash.clone()),
                            article_id: Some(a.article_id.clone()),
                            ..update(m, "exported")
                        })?;
                    }
                }
            }
            Outcome::Reject(r) => {
                self.counts.rejects += 1;
                *self
                    .rejects_by_reason
                    .entry(r.reason.to_string())
                    .or_default() += 1;
                tracing::debug!(source = %r.source, reason = r.reason, "{}", r.detail);
                exporter.reject(r)?;
                if let Some(m) = &meta {
                    self.crawl.failed += 1;
                    *self
                        .crawl
                        .failed_by_reason
                        .entry(r.reason.to_string())
                        .or_default() += 1;
                    if let Some(s) = state {
                        // A page that parsed to nothing was fetched fine: keep its validators.
                        let status = if r.stage == Stage::Fetch {
                            "failed"
                        } else {
                            "rejected"
                        };
                        s.record(&Update {
                            error: Some(format!("{}: {}", r.reason, r.detail)),
                            ..update(m, status)
                        })?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// Rows of this run's files to leave out, per table, in the order they were written.
pub struct Dropped {
    pub articles: Vec<bool>,
    pub images: Vec<bool>,
    pub participants: Vec<bool>,
}

/// One flag per child row, from one flag per article and its number of children.
fn expand(articles: &[bool], children: impl Iterator<Item = u32>) -> Vec<bool> {
    articles
        .iter()
        .zip(children)
        .flat_map(|(&d, n)| std::iter::repeat_n(d, n as usize))
        .collect()
}

fn update(m: &FetchMeta, status: &'static str) -> Update {
    Update {
        url: m.url.clone(),
        status,
        http_status: m.http_status,
        etag: m.etag.clone(),
        last_modified: m.last_modified.clone(),
        body_hash: m.body_hash.clone(),
        content_hash: None,
        article_id: None,
        error: None,
    }
}

/// Everything that goes into the manifest besides the counts.
pub struct ManifestInfo<'a> {
    pub out: &'a Path,
    pub run_id: &'a str,
    pub command: &'a str,
    pub arguments: &'a [String],
    pub started: chrono::DateTime<Utc>,
    pub wall_seconds: f64,
    pub threads: usize,
    pub written: &'a crate::export::Written,
    pub extra_files: Vec<(String, PathBuf)>,
    /// A crawl's drift thresholds: its profile is compared with its last runs'.
    pub alerts: Option<&'a crate::config::Alerts>,
    pub shard: Option<crate::shard::Shard>,
}

/// Writes the run manifest and returns the summary.
/// How a run ended, as its manifest and its crawl state record it: `failed` (see
/// [`CrawlReport::failure`]), `interrupted` by Ctrl-C, or `completed`.
pub fn run_status(failed: bool) -> &'static str {
    if failed {
        "failed"
    } else if cancelled() {
        "interrupted"
    } else {
        "completed"
    }
}

pub fn finish(
    info: ManifestInfo<'_>,
    sink: Sink,
    ctx: &StageContext,
    crawl: bool,
) -> Result<RunSummary> {
    let interrupted = cancelled();
    let mut files: BTreeMap<String, String> = info
        .written
        .iter()
        .map(|(t, p, _)| {
            (
                t.clone(),
                p.strip_prefix(info.out).unwrap_or(p).display().to_string(),
            )
        })
        .collect();
    for (name, p) in &info.extra_files {
        files.insert(
            name.clone(),
            p.strip_prefix(info.out).unwrap_or(p).display().to_string(),
        );
    }
    let crawl_report = crawl.then(|| sink.crawl.clone());
    let profile = sink.profile.profile(
        sink.counts.pages_in - sink.counts.unchanged,
        &sink.rejects_by_reason,
    );
    // Compared before this run's manifest exists, so only earlier runs are history.
    let drift = match info.alerts {
        Some(alerts) if sink.crawl.failure.is_none() && !interrupted => {
            let earlier = crate::drift::history(info.out, &sink.crawl.site, alerts);
            crate::drift::compare(&profile, &earlier, alerts)
        }
        _ => vec![],
    };
    for w in &drift {
        tracing::warn!("drift: {w}");
    }
    let manifest = Manifest {
        run_id: info.run_id.to_string(),
        newsmill_version: env!("CARGO_PKG_VERSION"),
        schema_version: SCHEMA_VERSION,
        command: info.command.to_string(),
        arguments: info.arguments.to_vec(),
        status: run_status(sink.crawl.failure.is_some()),
        started_at: info.started.to_rfc3339(),
        finished_at: Utc::now().to_rfc3339(),
        wall_seconds: info.wall_seconds,
        threads: info.threads,
        counts: sink.counts.clone(),
        rejects_by_reason: sink.rejects_by_reason.clone(),
        duplicates_by_method: sink.duplicates_by_method.clone(),
        stage_seconds: ctx.clock.seconds(),
        crawl: crawl_report.clone(),
        shard: info.shard,
        profile: Some(profile),
        drift: drift.clone(),
        files,
        parts: sink
            .checkpoints
            .iter()
            .flat_map(|c| &c.parts)
            .map(|w| {
                w.iter()
                    .map(|(t, p, _)| {
                        (
                            t.clone(),
                            p.strip_prefix(info.out).unwrap_or(p).display().to_string(),
                        )
                    })
                    .collect()
            })
            .collect(),
    };
    manifest.write(info.out)?;
    Ok(RunSummary {
        run_id: info.run_id.to_string(),
        counts: sink.counts,
        rejects_by_reason: sink.rejects_by_reason,
        duplicates_by_method: sink.duplicates_by_method,
        crawl: crawl_report,
        wall_seconds: info.wall_seconds,
        interrupted,
        drift,
    })
}

/// Reads saved pages (HTML files and WARC files) as a stream of work.
fn file_source(
    inputs: Vec<sources::Input>,
    max_bytes: u64,
    shard: Option<crate::shard::Shard>,
) -> Box<dyn Iterator<Item = Work> + Send> {
    let (tx, rx) = sync_channel::<Work>(16);
    let spawned = std::thread::Builder::new()
        .name("newsmill-read".into())
        .spawn(move || {
            for input in &inputs {
                if cancelled() {
                    break;
                }
                let warc = input.is_warc();
                // A saved page (or an input that cannot be read) is split by its path,
                // before it is read; a WARC file's records are split by their URLs.
                if !warc && shard.is_some_and(|s| !s.takes(&input.name())) {
                    continue;
                }
                let items: Vec<Result<RawPage, Reject>> = match (warc, input) {
                    (true, sources::Input::File(p)) => crate::crawl::warc::read_pages(p, max_bytes),
                    // A remote WARC file is fetched whole, read, and its copy removed.
                    (true, _) => match sources::fetch(input) {
                        Ok(local) => {
                            crate::crawl::warc::read_pages_named(&local, &input.name(), max_bytes)
                        }
                        Err(r) => vec![Err(r)],
                    },
                    (false, _) => vec![sources::read(input, max_bytes)],
                };
                for item in items {
                    let key = match &item {
                        Ok(page) => crate::shard::page_key(page.url.as_deref(), &page.source),
                        Err(r) => r.source.clone(),
                    };
                    if warc && shard.is_some_and(|s| !s.takes(&key)) {
                        continue;
                    }
                    let work = match item {
                        Ok(page) => Work::Page(page, None),
                        Err(r) => Work::Reject(r, None),
                    };
                    if tx.send(work).is_err() {
                        return;
                    }
                }
            }
        });
    if let Err(e) = spawned {
        tracing::error!("cannot start the reader thread: {e}");
    }
    Box::new(rx.into_iter())
}

/// `newsmill extract`: saved pages in, one run of the dataset out.
pub fn extract(opts: &ExtractOptions) -> Result<RunSummary> {
    let started = Utc::now();
    let clock_start = Instant::now();
    // Inputs first: a wrong input path must not leave an empty dataset folder behind.
    let inputs = sources::list(&opts.inputs)?;
    check_out_dir(&opts.out)?;
    install_ctrlc();
    let run_id = new_run_id();
    let mut exporter = Exporter::create(&opts.out, &run_id, opts.dedupe)?;
    let threads = opts.threads.max(1);
    let pb = progress_bar(inputs.len() as u64, opts.progress);
    let mut ctx = StageContext::new(opts.normalise);
    if let Some(cfg) = &opts.site {
        ctx = ctx.with_pipeline(cfg)?;
    }
    ctx.minhash = dedupe::Hasher::new(opts.dedupe);
    let ctx = Arc::new(ctx);
    let (rx, cpu) = spawn_cpu(
        file_source(inputs, opts.max_page_bytes, opts.shard),
        threads,
        ctx.clone(),
    )?;
    let mut sink = Sink::new(opts.dedupe);
    let consumed = sink.consume(rx, &mut exporter, None, &pb);
    let _ = cpu.join();
    pb.finish_and_clear();
    if let Err(e) = consumed {
        return Err(e.context(format!(
            "run {run_id} failed while writing to {}; no file of this run was kept",
            opts.out.display()
        )));
    }
    let t = Instant::now();
    let dropped = sink.settle(&mut exporter, None, false)?;
    ctx.clock.add_dedupe(t.elapsed());
    let written = exporter.commit(&dropped)?;
    let info = ManifestInfo {
        out: &opts.out,
        run_id: &run_id,
        command: "extract",
        arguments: &opts.arguments,
        started,
        wall_seconds: clock_start.elapsed().as_secs_f64(),
        threads,
        written: &written,
        extra_files: vec![],
        alerts: None,
        shard: opts.shard,
    };
    finish(info, sink, &ctx, false)
}

/// Pages between two calls of [`crate::alloc::release_freed_memory`]. Freed memory piles up between
/// two calls (a 20,000-page crawl's RSS swung by 15 MB with 512), so the interval is
/// short; each call costs about a millisecond.
const TRIM_EVERY: u64 = 128;
