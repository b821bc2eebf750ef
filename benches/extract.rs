//! Throughput of `extract` over the extraction benchmark's real pages.
//!
//! Prints pages/s and MB/s of HTML for: a baseline (scraper parsing each page, the
//! floor any DOM-based extractor pays), newsmill's per-page stages on one thread, and
//! the whole pipeline (read, parse, normalise, people, dedupe, Parquet) on one thread
//! and on all cores. Figures are given as ratios to the baseline measured in this same
//! process, since the machine is shared and noisy. Run with `cargo bench --bench extract`;
//! with `NEWSMILL_BENCH_PYTHON=/path/to/python` (one with trafilatura installed) it
//! also runs `benches/vs_trafilatura.py`: the whole `newsmill extract --threads 1`
//! process against trafilatura's extraction loop, CPU time, in one script.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use newsmill::normalise::Options;
use newsmill::pipeline::{self, ExtractOptions};
use newsmill::record::{Outcome, RawPage};

/// Best of this many runs of each measurement.
const ROUNDS: usize = 3;

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("NEWSMILL_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/extraction-bench/html")
        });
    dir.is_dir().then_some(dir)
}

fn best<F: FnMut()>(mut f: F) -> Duration {
    (0..ROUNDS)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn line(name: &str, pages: usize, bytes: usize, d: Duration, baseline: Duration) {
    let s = d.as_secs_f64();
    println!(
        "{name:<34} {:>8.1} pages/s {:>7.1} MB/s   {:>5.2}x baseline time",
        pages as f64 / s,
        bytes as f64 / s / 1e6,
        s / baseline.as_secs_f64()
    );
}

fn main() {
    let Some(dir) = corpus() else {
        eprintln!(
            "extract bench: ../shared/corpus/extraction-bench/html not found (set NEWSMILL_BENCH_DIR); nothing measured"
        );
        return;
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("corpus lists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    let pages: Vec<RawPage> = files
        .iter()
        .map(|f| RawPage {
            source: f.display().to_string(),
            url: None,
            content_type: None,
            fetched_at: chrono::Utc::now(),
            bytes: std::fs::read(f).expect("page reads"),
        })
        .collect();
    let n = pages.len();
    let bytes: usize = pages.iter().map(|p| p.bytes.len()).sum();
    println!(
        "corpus: {n} pages, {:.1} MB of HTML ({})",
        bytes as f64 / 1e6,
        dir.display()
    );

    let baseline = best(|| {
        for p in &pages {
            let text = String::from_utf8_lossy(&p.bytes);
            let doc = scraper::Html::parse_document(&text);
            std::hint::black_box(doc.root_element().text().count());
        }
    });
    line("baseline: scraper parse only", n, bytes, baseline, baseline);

    // What the parse stage's DOM costs once scripts, styles, comments and the
    // attributes no extractor reads are pruned.
    let pruned = best(|| {
        for p in &pages {
            let text = String::from_utf8_lossy(&p.bytes);
            let text = newsmill::parse::prune::prune_with(&text, false);
            let doc = scraper::Html::parse_document(&text);
            std::hint::black_box(doc.root_element().text().count());
        }
    });
    line("pruned page, scraper parse", n, bytes, pruned, baseline);

    let opts = Options::default();
    let ctx = pipeline::StageContext::new(opts);
    let mut articles = 0;
    let stages = best(|| {
        articles = 0;
        for p in &pages {
            if let Outcome::Article(a) = pipeline::process(p, &ctx) {
                articles += 1;
                std::hint::black_box(a);
            }
        }
    });
    line("newsmill stages, 1 thread", n, bytes, stages, baseline);

    // What the people stage adds: the same stages without it, on these pages and the
    // Vietnamese ones, measured in alternation so that noise hits both alike.
    let vi: Vec<RawPage> = std::fs::read_dir(dir.join("../../vi-news/html"))
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .filter_map(|f| {
                    Some(RawPage {
                        source: f.display().to_string(),
                        url: None,
                        content_type: None,
                        fetched_at: chrono::Utc::now(),
                        bytes: std::fs::read(&f).ok()?,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let mut no_people = pipeline::StageContext::new(opts);
    no_people.people = false;
    let all: Vec<&RawPage> = pages.iter().chain(&vi).collect();
    // Per page, the faster of five runs of each, alternating page by page.
    let (mut with, mut without) = (Duration::ZERO, Duration::ZERO);
    for p in &all {
        let (mut a, mut b) = (Duration::MAX, Duration::MAX);
        for _ in 0..5 {
            for (c, slot) in [(&ctx, &mut a), (&no_people, &mut b)] {
                let t = Instant::now();
                std::hint::black_box(pipeline::process(p, c));
                *slot = (*slot).min(t.elapsed());
            }
        }
        with += a;
        without += b;
    }
    println!(
        "people stage: {:.1}% of the stages' time on {} pages ({} of them Vietnamese)",
        (with.as_secs_f64() / without.as_secs_f64() - 1.0) * 100.0,
        all.len(),
        vi.len()
    );

    let cores = std::thread::available_parallelism()
        .map(|c| c.get())
        .unwrap_or(1);
    for threads in [1, cores] {
        let elapsed = best(|| {
            let out = tempfile::tempdir().expect("temp dir");
            let o = ExtractOptions {
                inputs: vec![dir.clone()],
                out: out.path().to_path_buf(),
                threads,
                max_page_bytes: 16 << 20,
                normalise: opts,
                dedupe: Default::default(),
                progress: false,
                arguments: vec![],
                site: None,
                shard: None,
            };
            let summary = pipeline::extract(&o).expect("extract runs");
            assert_eq!(summary.counts.pages_in as usize, n);
        });
        line(
            &format!("newsmill extract, {threads} thread(s)"),
            n,
            bytes,
            elapsed,
            baseline,
        );
    }
    println!(
        "({articles} of {n} pages became articles; reference: trafilatura extracts these pages at about 51 pages/s, 8.9 MB/s on one core)"
    );

    // The whole `newsmill extract` process against trafilatura itself, measured in one
    // script, when a Python with trafilatura is named.
    if let Some(python) = std::env::var_os("NEWSMILL_BENCH_PYTHON") {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/vs_trafilatura.py");
        let status = std::process::Command::new(python)
            .arg(script)
            .arg(env!("CARGO_BIN_EXE_newsmill"))
            .arg(&dir)
            .status();
        if !status.is_ok_and(|s| s.success()) {
            eprintln!(
                "vs_trafilatura.py failed (is trafilatura installed in NEWSMILL_BENCH_PYTHON?)"
            );
        }
    } else {
        println!(
            "(set NEWSMILL_BENCH_PYTHON to a Python with trafilatura to compare with it in this run)"
        );
    }
}
