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
    },
    /// Crawl a site from its pipeline file: discover, fetch, extract, export.
    Run {
        /// Pipeline file (see pipelines/).
        pipeline: PathBuf,
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
        } => {
            let site = pipeline.as_deref().map(crate::config::load).transpose()?;
            let threads = threads.unwrap_or_else(|| {
                std::thread::available_parallelism()
                    .map(|n| n.get())
                    .unwrap_or(1)
            });
            let opts = ExtractOptions {
                inputs: paths,
                out,
                threads,
                max_page_bytes,
                normalise: NormaliseOptions { tone_style },
                dedupe: near_params(near_threshold)?,
                progress: show_progress(cli.quiet),
                arguments: std::env::args().collect(),
                site,
            };
            let summary = pipeline::extract(&opts)?;
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
        } => {
            let cfg = crate::config::load(&pipeline)?;
            let opts = crate::crawl::RunOptions {
                out,
                state,
                since,
                limit,
                ignore_state,
                warc,
                threads: threads.unwrap_or_else(default_threads),
                normalise: NormaliseOptions { tone_style },
                progress: show_progress(cli.quiet),
                arguments: std::env::args().collect(),
            };
            let summary = crate::crawl::run(cfg, &opts)?;
            Ok(report(&summary, cli.quiet))
        }
        Command::Dedupe {
            dir,
            near_threshold,
            threads,
        } => {
            let summary = crate::dedupe::dataset::run(
                &dir,
                near_params(near_threshold)?,
                threads.unwrap_or_else(default_threads),
                show_progress(cli.quiet),
                std::env::args().collect(),
            )?;
            Ok(report(&summary, cli.quiet))
        }
        Command::Check { pipeline } => {
            let cfg = crate::config::load(&pipeline)?;
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
            let report =
                crate::eval::run(&dir, threads.unwrap_or_else(default_threads), site.as_ref())?;
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
        Command::Inspect { dir, rows, table } => {
            print!("{}", crate::inspect::render(&dir, rows, table.as_deref())?);
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
