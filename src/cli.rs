//! Command-line interface: flags and commands, wired to the library's stages.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::Result;
use clap::{Parser, Subcommand};

use crate::normalise::{Options as NormaliseOptions, text::ToneStyle};
use crate::pipeline::{self, ExtractOptions};

/// Turn news portals into clean, deduplicated Parquet datasets.
#[derive(Debug, Parser)]
#[command(name = "newsmill", version, about, long_about = None)]
pub struct Cli {
    /// Hide progress bars and the summary; only errors are printed.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// More log output (-v info, -vv debug: one line per rejected page).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Extract articles from saved pages (files or folders of *.html, *.htm, *.html.gz).
    Extract {
        /// Files or folders to read; folders are searched recursively.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Dataset folder; each run adds its own files to it.
        #[arg(short, long)]
        out: PathBuf,
        /// Worker threads for parsing (default: all cores).
        #[arg(short = 'j', long)]
        threads: Option<usize>,
        /// Pages larger than this many bytes are rejected as `too_large`.
        #[arg(long, default_value_t = 16 * 1024 * 1024)]
        max_page_bytes: u64,
        /// Where Vietnamese tone marks go in "oa", "oe", "uy": old ("hòa", the default), new ("hoà"), or keep as written.
        #[arg(long, value_enum, default_value_t = ToneStyle::Old)]
        tone_style: ToneStyle,
        /// Estimated Jaccard similarity of bodies at which a page is a near-duplicate.
        #[arg(long, default_value_t = 0.8)]
        near_threshold: f64,
        /// A site's pipeline file: its [parse] rules and [people] lexicon apply to these pages.
        #[arg(long)]
        pipeline: Option<PathBuf>,
        /// Take shard K of N (0-based, e.g. 0/4): a deterministic 1/N of the pages, for
        /// N processes writing into one dataset. Default: from SLURM_ARRAY_TASK_ID or
        /// JOB_COMPLETION_INDEX when set.
        #[arg(long, value_name = "K/N")]
        shard: Option<String>,
        /// The number of shards, for a Kubernetes Indexed Job (JOB_COMPLETION_INDEX).
        #[arg(long, value_name = "N")]
        shard_count: Option<u32>,
    },
    /// Crawl a site from its pipeline file: discover, fetch, extract, export. Several
    /// files, or a folder of them, run each site with its own state and dataset,
    /// concurrently, and end with one table.
    Run {
        /// Pipeline files or folders of them (see pipelines/).
        #[arg(required = true)]
        pipeline: Vec<PathBuf>,
        /// Dataset folder (default: the pipeline's output.dir).
        #[arg(short, long)]
        out: Option<PathBuf>,
        /// Crawl state file (default: OUT/state.sqlite).
        #[arg(long)]
        state: Option<PathBuf>,
        /// Only articles published in this window ("7d", "24h") or since this date ("2024-01-31").
        #[arg(long)]
        since: Option<String>,
        /// Fetch at most N article URLs in this run.
        #[arg(long)]
        limit: Option<usize>,
        /// Fetch everything unconditionally, as if no earlier run existed (the state is still updated).
        #[arg(long)]
        ignore_state: bool,
        /// Keep the raw responses as WARC under OUT/warc/.
        #[arg(long)]
        warc: bool,
        /// Worker threads for parsing (default: all cores).
        #[arg(short = 'j', long)]
        threads: Option<usize>,
        #[arg(long, value_enum, default_value_t = ToneStyle::Old)]
        tone_style: ToneStyle,
        /// Exit with code 3 when the run's quality drifted from its last runs (a field
        /// filled far less often: see the pipeline's [alerts]).
        #[arg(long)]
        fail_on_drift: bool,
        /// Print the summary as JSON on standard output, for a scheduler.
        #[arg(long)]
        json: bool,
        /// With several pipelines: sites crawled at the same time.
        #[arg(long, default_value_t = 4)]
        parallel: usize,
        /// With several pipelines: article requests in flight across all sites.
        #[arg(long, default_value_t = 32)]
        connections: usize,
        /// Take shard K of N (0-based, e.g. 0/4): a deterministic 1/N of the pages, for
        /// N processes writing into one dataset. Default: from SLURM_ARRAY_TASK_ID or
        /// JOB_COMPLETION_INDEX when set.
        #[arg(long, value_name = "K/N")]
        shard: Option<String>,
        /// The number of shards, for a Kubernetes Indexed Job (JOB_COMPLETION_INDEX).
        #[arg(long, value_name = "N")]
        shard_count: Option<u32>,
    },
    /// Find duplicates across a whole dataset (every run's articles), writing a new
    /// duplicates file and leaving the other files untouched.
    Dedupe {
        /// Dataset folder written by `newsmill extract` or `newsmill run`.
        dir: PathBuf,
        /// Estimated Jaccard similarity of bodies at which a page is a near-duplicate.
        #[arg(long, default_value_t = 0.8)]
        near_threshold: f64,
        /// Worker threads for signatures (default: all cores).
        #[arg(short = 'j', long)]
        threads: Option<usize>,
        /// Run one stage, for a scheduler: `buckets` (with --shard K/N: the verified
        /// candidate pairs of bands K, K+N, ...) on every shard, then `decide` once.
        /// Without it both run here.
        #[arg(long, value_parser = ["all", "buckets", "decide"], default_value = "all")]
        stage: String,
        /// The buckets stage's shard K of N (0-based), else from SLURM_ARRAY_TASK_ID or
        /// JOB_COMPLETION_INDEX.
        #[arg(long)]
        shard: Option<String>,
        /// The number of shards, for a Kubernetes Indexed Job (JOB_COMPLETION_INDEX).
        #[arg(long)]
        shard_count: Option<u32>,
    },
    /// Validate a pipeline file without running it.
    Check {
        /// Pipeline file to check.
        pipeline: PathBuf,
    },
    /// Score extraction on labelled pages (vi-news style labels/ + html/, or a
    /// benchmark's ground-truth.json + html/).
    Eval {
        /// Folder of labelled pages (`--verbose` adds one line per page, with what differs).
        dir: PathBuf,
        /// JSON file of expected scores; exit 1 when one falls more than --tolerance under it.
        #[arg(long)]
        baseline: Option<PathBuf>,
        #[arg(long, default_value_t = 0.01)]
        tolerance: f64,
        /// Print the scores as JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Worker threads (default: all cores).
        #[arg(short = 'j', long)]
        threads: Option<usize>,
        /// Score with a site's pipeline file: its [parse] rules and [people] lexicon
        /// apply, as they will in `newsmill run`.
        #[arg(long)]
        pipeline: Option<PathBuf>,
    },
    /// Export one table of a dataset for analysts (CSV, JSON Lines or Parquet): the
    /// newest version of each article, duplicates left out, filtered.
    Export {
        /// Dataset folder written by `newsmill extract` or `newsmill run`.
        dir: PathBuf,
        /// Output file (.csv, .jsonl or .parquet), or `-` for standard output with --format.
        #[arg(short, long)]
        out: PathBuf,
        /// The table: articles, or images / participants with their article's url,
        /// title, site and published_at on each row.
        #[arg(short, long, value_enum, default_value_t = crate::select::Table::Articles)]
        table: crate::select::Table,
        /// Output format, when the file name does not say it.
        #[arg(long, value_enum)]
        format: Option<crate::select::Format>,
        /// Start a CSV with a UTF-8 byte order mark (Excel needs it to show accents).
        #[arg(long)]
        bom: bool,
        /// Only these sites (repeat or separate with commas).
        #[arg(long, value_delimiter = ',')]
        site: Vec<String>,
        /// Only articles published on or after this day (2024-03-01) or instant (RFC 3339).
        #[arg(long)]
        since: Option<String>,
        /// Only articles published on or before this day (the whole day) or instant.
        #[arg(long)]
        until: Option<String>,
        /// Only these languages (ISO 639-1, e.g. vi,en).
        #[arg(long, value_delimiter = ',')]
        lang: Vec<String>,
        /// Only these kinds of article (text, photo, video, live).
        #[arg(long, value_delimiter = ',')]
        kind: Vec<String>,
        /// Only articles whose title, lead or body contains this text, ignoring case and
        /// accents ("bo truong" finds "Bộ trưởng").
        #[arg(long)]
        contains: Option<String>,
        /// Only articles naming this person among their participants (accents ignored;
        /// "Messi" finds "Lionel Messi").
        #[arg(long)]
        person: Option<String>,
        /// Only articles of at least this many words.
        #[arg(long)]
        min_words: Option<i32>,
        /// Only these columns, in this order (comma-separated).
        #[arg(long, value_delimiter = ',')]
        columns: Option<Vec<String>>,
        /// At most this many rows.
        #[arg(long)]
        limit: Option<u64>,
        /// Every version of each article, not only the newest.
        #[arg(long)]
        all_versions: bool,
        /// Keep articles the dedupe stage found to be copies.
        #[arg(long)]
        include_duplicates: bool,
    },
    /// Write one self-contained HTML report of a dataset: articles per day and site,
    /// rejects, fields filled run by run, people named most, duplicates.
    Report {
        /// Dataset folder written by `newsmill extract` or `newsmill run`.
        dir: PathBuf,
        /// The HTML file to write.
        #[arg(short, long, default_value = "report.html")]
        out: PathBuf,
    },
    /// Show the tables of a dataset: files, row counts, schema and sample rows.
    Inspect {
        /// Dataset folder written by `newsmill extract`.
        dir: PathBuf,
        /// Sample rows to show per table.
        #[arg(short = 'n', long, default_value_t = 3)]
        rows: usize,
        /// Only this table (articles, images, participants, duplicates, rejects).
        #[arg(short, long)]
        table: Option<String>,
    },
}

/// Runs the parsed command; the caller maps errors to exit codes.
pub fn run(cli: Cli) -> Result<i32> {
    match cli.command {
        Command::Extract {
            paths,
            out,
            threads,
            max_page_bytes,
            tone_style,
            near_threshold,
            pipeline,
            shard,
            shard_count,
        } => {
            let shard = crate::shard::Shard::of_process(shard.as_deref(), shard_count)?;
            let _claim = shard
                .map(|s| crate::shard::claim(s, "extract", &out.to_string_lossy()))
                .transpose()?;
            let site = pipeline.as_deref().map(crate::config::load).transpose()?;
            let threads = threads.unwrap_or_else(|| {
                std::thread::available_parallelism()
                    .map(|n| n.get())
                    .unwrap_or(1)
            });
            // A dataset in object storage is written to a local outbox and published
            // from it once the run is complete (nothing of a failed run is published).
            let remote = crate::store::parse(&out.to_string_lossy())?;
            if let Some(r) = &remote {
                r.check()?;
            }
            let outbox = remote
                .map(|r| crate::store::Outbox::new(r, None))
                .transpose()?;
            let opts = ExtractOptions {
                inputs: paths,
                out: outbox.as_ref().map_or(out, |o| o.local.clone()),
                threads,
                max_page_bytes,
                normalise: NormaliseOptions { tone_style },
                dedupe: near_params(near_threshold)?,
                progress: show_progress(cli.quiet),
                arguments: std::env::args().collect(),
                site,
                shard,
            };
            let summary = pipeline::extract(&opts)?;
            if let Some(o) = &outbox {
                o.flush()?;
            }
            Ok(report(&summary, cli.quiet))
        }
        Command::Run {
            pipeline,
            out,
            state,
            since,
            limit,
            ignore_state,
            warc,
            threads,
            tone_style,
            fail_on_drift,
            json,
            parallel,
            connections,
            shard,
            shard_count,
        } => {
            let shard = crate::shard::Shard::of_process(shard.as_deref(), shard_count)?;
            let _claim = match (shard, &out) {
                (Some(s), Some(o)) => crate::shard::claim(s, "run", &o.to_string_lossy())?,
                _ => None,
            };
            // A dataset in object storage: the crawl state stays on local disk, and the
            // run's files go through an outbox beside it, so that what a killed run
            // committed is published by the next one.
            let remote = match &out {
                Some(o) => crate::store::parse(&o.to_string_lossy())?,
                None => None,
            };
            let outbox = match remote {
                Some(r) => {
                    let Some(state) = &state else {
                        return Err(crate::error::UsageError(format!(
                            "--out {}: a dataset in object storage needs --state PATH, the crawl state on local disk (one per shard, e.g. /var/lib/newsmill/site-$SLURM_ARRAY_TASK_ID.sqlite)",
                            r.url
                        ))
                        .into());
                    };
                    r.check()?;
                    let mut local = state.clone().into_os_string();
                    local.push(".outbox");
                    let o = crate::store::Outbox::new(r, Some(PathBuf::from(local)))?;
                    let left = o.flush()?;
                    if left > 0 {
                        tracing::info!(
                            "published {left} files an earlier run left in {}",
                            o.local.display()
                        );
                    }
                    Some(std::sync::Arc::new(o))
                }
                None => None,
            };
            let out = match &outbox {
                Some(o) => Some(o.local.clone()),
                None => out,
            };
            let opts = crate::crawl::RunOptions {
                out,
                state,
                outbox: outbox.clone(),
                since,
                limit,
                ignore_state,
                warc,
                threads: threads.unwrap_or_else(default_threads),
                normalise: NormaliseOptions { tone_style },
                progress: show_progress(cli.quiet),
                arguments: std::env::args().collect(),
                budget: None,
                shard,
            };
            if crate::batch::is_batch(&pipeline) {
                if opts.out.is_some() || opts.state.is_some() || opts.outbox.is_some() {
                    return Err(crate::error::UsageError(
                        "--out and --state name one site's dataset and state; with several \
                         pipelines each uses its own output.dir (and OUT/state.sqlite)"
                            .into(),
                    )
                    .into());
                }
                let files = crate::batch::pipeline_files(&pipeline)?;
                let sites = crate::batch::load_all(&files)?;
                // Several sites at once: no bars, one table at the end.
                let opts = crate::crawl::RunOptions {
                    progress: false,
                    ..opts
                };
                let results = crate::batch::run(sites, &opts, parallel, connections);
                if json {
                    println!("{}", serde_json::to_string_pretty(&results)?);
                } else if !cli.quiet {
                    print!("{}", crate::batch::table(&results));
                }
                return Ok(crate::batch::exit_code(&results, fail_on_drift));
            }
            let cfg = crate::config::load(&pipeline[0])?;
            let summary = crate::crawl::run(cfg, &opts)?;
            if let Some(o) = &outbox {
                o.flush()?;
            }
            let code = if json {
                println!("{}", serde_json::to_string_pretty(&summary)?);
                report(&summary, true)
            } else {
                report(&summary, cli.quiet)
            };
            // A failed run says so first; drift only matters for a run that worked.
            Ok(if code == 0 && fail_on_drift && !summary.drift.is_empty() {
                3
            } else {
                code
            })
        }
        Command::Dedupe {
            dir,
            near_threshold,
            threads,
            stage,
            shard,
            shard_count,
        } => {
            use crate::dedupe::dataset::{Done, Stage};
            let stage = match stage.as_str() {
                "buckets" => Stage::Buckets(
                    crate::shard::Shard::of_process(shard.as_deref(), shard_count)?
                        .unwrap_or(crate::shard::Shard { index: 0, count: 1 }),
                ),
                _ if shard.is_some() => {
                    return Err(crate::error::UsageError(
                        "--shard applies to `--stage buckets` only: the decision runs once".into(),
                    )
                    .into());
                }
                "decide" => Stage::Decide,
                _ => Stage::All,
            };
            // A remote dataset: the parts dedupe reads are copied here, and what it
            // writes (its duplicates file and manifest, or a shard's pairs) published.
            let remote = crate::store::parse(&dir.to_string_lossy())?;
            let copy = match &remote {
                Some(r) => {
                    r.check()?;
                    Some(crate::store::mirror(
                        r,
                        &["articles", "signatures", crate::dedupe::staged::WORK_DIR],
                    )?)
                }
                None => None,
            };
            let local = copy
                .as_ref()
                .map_or(dir.clone(), |c| c.path().to_path_buf());
            let before = copy
                .as_ref()
                .map(|c| crate::store::files(c.path()))
                .transpose()?;
            let done = crate::dedupe::dataset::run(
                &local,
                near_params(near_threshold)?,
                stage,
                threads.unwrap_or_else(default_threads),
                show_progress(cli.quiet),
                std::env::args().collect(),
            )?;
            if let (Some(r), Some(before)) = (&remote, &before) {
                crate::store::publish_changes(&local, before, r)?;
            }
            match done {
                Done::Run(summary) => Ok(report(&summary, cli.quiet)),
                Done::Pairs { shard, pairs, path } => {
                    if !cli.quiet {
                        println!(
                            "shard {}/{}: {pairs} near-duplicate pairs in {}",
                            shard.index,
                            shard.count,
                            path.display()
                        );
                    }
                    Ok(0)
                }
            }
        }
        Command::Check { pipeline } => {
            let cfg = crate::config::load(&pipeline)?;
            crate::pipeline::check_dir_could_be_created(
                &cfg.out_dir,
                &format!(
                    "{}: output.dir {}",
                    pipeline.display(),
                    cfg.out_dir.display()
                ),
            )?;
            let p = &cfg.pipeline;
            println!(
                "{}: ok (site {}, {} domains, {} sitemaps, {} feeds, {} listings, output {})",
                pipeline.display(),
                p.site.id,
                p.site.domains.len(),
                p.discovery.sitemaps.len(),
                p.discovery.feeds.len(),
                p.discovery.listings.len(),
                cfg.out_dir.display()
            );
            Ok(0)
        }
        Command::Eval {
            dir,
            baseline,
            tolerance,
            json,
            threads,
            pipeline,
        } => {
            let site = pipeline.as_deref().map(crate::config::load).transpose()?;
            // Labelled pages in object storage are scored from a local copy.
            let data = crate::store::Readable::labelled(&dir)?;
            let report = crate::eval::run(
                data.path(),
                threads.unwrap_or_else(default_threads),
                site.as_ref(),
            )?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report.scores)?);
            } else {
                print!("{}", report.render(cli.verbose > 0));
            }
            if let Some(b) = baseline {
                let text = std::fs::read_to_string(&b).map_err(|e| {
                    crate::error::UsageError(format!(
                        "cannot read the baseline {}: {e}",
                        b.display()
                    ))
                })?;
                let want: crate::eval::Scores = serde_json::from_str(&text).map_err(|e| {
                    crate::error::UsageError(format!(
                        "{}: not a JSON map of scores: {e}",
                        b.display()
                    ))
                })?;
                let regressions = report.regressions(&want, tolerance);
                if !regressions.is_empty() {
                    eprintln!(
                        "quality regressed against {}:\n  {}",
                        b.display(),
                        regressions.join("\n  ")
                    );
                    return Ok(1);
                }
            }
            Ok(0)
        }
        Command::Export {
            dir,
            out,
            table,
            format,
            bom,
            site,
            since,
            until,
            lang,
            kind,
            contains,
            person,
            min_words,
            columns,
            limit,
            all_versions,
            include_duplicates,
        } => {
            use crate::select::filter::{fold, parse_bound};
            let filters = crate::select::Filters {
                sites: site,
                since: since
                    .map(|s| parse_bound("--since", &s, false))
                    .transpose()?,
                until: until
                    .map(|s| parse_bound("--until", &s, true))
                    .transpose()?,
                languages: lang,
                kinds: kind,
                contains: contains.map(|c| fold(&c)).filter(|c| !c.trim().is_empty()),
                person: person.map(|p| fold(&p)).filter(|p| !p.trim().is_empty()),
                min_words,
            };
            crate::pipeline::not_a_url(&out, &format!("--out {}", out.display()))?;
            let data = crate::store::Readable::open(&dir, &crate::export::schema::TABLES)?;
            let opts = crate::select::Options {
                format: crate::select::Format::resolve(&out, format)?,
                dir: data.path().to_path_buf(),
                table,
                out,
                bom,
                filters,
                columns,
                limit,
                keep: crate::select::Keep {
                    all_versions,
                    duplicates: include_duplicates,
                },
                progress: show_progress(cli.quiet),
            };
            let summary = crate::select::run(&opts)?;
            if !cli.quiet {
                // Standard error: standard output may be the export itself.
                eprintln!("{}", summary.render(&opts));
            }
            Ok(0)
        }
        Command::Report { dir, out } => {
            crate::pipeline::not_a_url(&out, &format!("--out {}", out.display()))?;
            let data = crate::store::Readable::open(&dir, &crate::export::schema::TABLES)?;
            let facts = crate::report::write(data.path(), &out)?;
            if !cli.quiet {
                eprintln!(
                    "wrote {} ({} articles, {} runs with a quality profile)",
                    out.display(),
                    facts.articles,
                    facts.runs.len()
                );
            }
            Ok(0)
        }
        Command::Inspect { dir, rows, table } => {
            // A remote dataset is read from a local copy of its tables.
            let data = crate::store::Readable::open(&dir, &crate::export::schema::TABLES)?;
            let text = crate::inspect::render(data.path(), rows, table.as_deref())?;
            print!("{}", data.name_paths(&text));
            Ok(0)
        }
    }
}

/// Near-duplicate settings from the command line, checked like a pipeline file's.
fn near_params(threshold: f64) -> Result<crate::dedupe::Params> {
    let p = crate::dedupe::Params {
        threshold,
        ..Default::default()
    };
    p.validate()
        .map_err(|e| crate::error::UsageError(format!("--near-threshold: {e}")))?;
    Ok(p)
}

fn default_threads() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

/// Prints a run's summary (unless quiet) and gives its exit code: 1 when interrupted.
fn report(summary: &crate::pipeline::RunSummary, quiet: bool) -> i32 {
    if !quiet {
        println!("{}", summary.render());
    }
    if summary.interrupted || summary.failed() {
        1
    } else {
        0
    }
}

/// Progress bars only for a person at a terminal.
fn show_progress(quiet: bool) -> bool {
    !quiet && std::io::stderr().is_terminal()
}
