//! `newsmill export` on generated datasets: memory stays flat as the dataset grows.
//!
//! For each size N a dataset is written with newsmill's own exporter: N article rows
//! over ten run files, a tenth of the articles edited once (a second version in a later
//! run), and a twentieth named as copies in a `duplicates` file. Then `newsmill export
//! DIR --out x.csv` runs in a child process and its peak RSS (VmHWM) is sampled.
//! The baseline, measured in this process on the same files, is reading every
//! articles file with the Parquet reader: the floor of any export.
//!
//! With `NEWSMILL_BENCH_PYTHON` naming a Python that has `duckdb`, DuckDB does the same
//! (newest version per article, anti-join on `duplicates`, CSV; `benches/export_duckdb.py`)
//! on the same files, one thread each (`newsmill export` has no thread flag: its reading
//! and writing is one thread).
//!
//! `cargo bench --bench export` (NEWSMILL_BENCH_ROWS="100000 1000000" to choose sizes).

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use newsmill::dedupe::Entry;
use newsmill::export::Exporter;
use newsmill::pipeline::Dropped;
use newsmill::record::{Article, Duplicate, Kind};

const RUNS: usize = 10;

fn article(i: usize, version: u32) -> Article {
    let words: Vec<String> = (0..40)
        .map(|w| format!("từ{}", (i * 7 + w * 13 + version as usize) % 5000))
        .collect();
    Article {
        article_id: format!("{:024x}", i as u128 * 0x9e37_79b9 + 1),
        url: format!("https://tin.example/bai-{i}.html"),
        source: format!("https://tin.example/bai-{i}.html"),
        site: Some(format!("site{}.example", i % 20)),
        title: format!("Bài số {i} phiên bản {version}"),
        kind: Kind::Text,
        lead: Some(format!("Tóm tắt bài {i}")),
        body: words.join(" "),
        category: Some("Thời sự".into()),
        tags: vec!["tin".into(), format!("nhãn {}", i % 100)],
        authors: vec![format!("Tác Giả {}", i % 300)],
        published_at: Utc.timestamp_opt(1_600_000_000 + i as i64 * 60, 0).single(),
        published_offset: None,
        date_source: Some("meta"),
        published_text: None,
        modified_at: None,
        language: Some("vi".into()),
        language_confidence: Some(1.0),
        word_count: 40,
        content_hash: format!("{:032x}", i as u128 * 31 + version as u128),
        charset: "UTF-8".into(),
        html_bytes: 50_000,
        fetched_at: Utc::now(),
        images: vec![],
        participants: vec![],
        url_key: None,
        alias_keys: vec![],
        signature: Box::new([]),
    }
}

/// Writes the dataset; returns (rows written, rows an export keeps).
fn generate(dir: &Path, n: usize) -> (usize, usize) {
    let per_run = n.div_ceil(RUNS);
    let mut written = 0;
    // Every article once, in its newest version, but those named as copies.
    let kept = (0..n).filter(|i| i % 20 != 7).count();
    for r in 0..RUNS {
        let run_id = format!("20260101T{r:02}0000000Z-bench");
        let mut ex = Exporter::create(dir, &run_id, newsmill::dedupe::Params::default())
            .expect("run files open");
        let first = r * per_run;
        let last = ((r + 1) * per_run).min(n);
        let mut articles = 0;
        for i in first..last {
            let a = article(i, 0);
            ex.article(&a, &Entry::of(&a, Box::default()), &a.signature)
                .unwrap();
            articles += 1;
            if i % 20 == 7 {
                ex.duplicate(&Duplicate {
                    article_id: format!("{:024x}", i as u128 * 0x9e37_79b9 + 1),
                    url: String::new(),
                    source: String::new(),
                    duplicate_of: String::new(),
                    method: "exact",
                    similarity: 1.0,
                })
                .unwrap();
            }
        }
        // Every tenth article of the previous run, edited.
        if r > 0 {
            for i in ((r - 1) * per_run..(r * per_run).min(n)).filter(|i| i % 10 == 0) {
                let a = article(i, 1);
                ex.article(&a, &Entry::of(&a, Box::default()), &a.signature)
                    .unwrap();
                articles += 1;
            }
        }
        written += articles;
        let dropped = Dropped {
            articles: vec![false; articles],
            images: vec![],
            participants: vec![],
        };
        ex.commit(&dropped).expect("run files commit");
    }
    (written, kept)
}

/// Peak RSS (VmHWM, KiB) of a child process, sampled until it exits.
fn run_measured(cmd: &mut std::process::Command) -> (Duration, u64, bool) {
    let t = Instant::now();
    let mut child = cmd.spawn().expect("newsmill starts");
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    loop {
        if let Ok(s) = std::fs::read_to_string(&status_path)
            && let Some(kb) = s
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
        {
            peak = peak.max(kb);
        }
        if let Ok(Some(status)) = child.try_wait() {
            return (t.elapsed(), peak, status.success());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn read_all(dir: &Path) -> (Duration, usize) {
    let t = Instant::now();
    let mut rows = 0;
    for f in newsmill::inspect::table_files(dir, "articles").unwrap() {
        let file = std::fs::File::open(&f).unwrap();
        let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
            .unwrap()
            .build()
            .unwrap();
        for b in reader {
            rows += b.unwrap().num_rows();
        }
    }
    (t.elapsed(), rows)
}

fn main() {
    let sizes: Vec<usize> = std::env::var("NEWSMILL_BENCH_ROWS")
        .unwrap_or_else(|_| "100000 1000000".into())
        .split_whitespace()
        .filter_map(|s| s.parse().ok())
        .collect();
    let exe = Path::new(env!("CARGO_BIN_EXE_newsmill"));
    let mut first_peak = None;
    let python = std::env::var("NEWSMILL_BENCH_PYTHON").ok();
    println!(
        "{:>10} {:>10} {:>9} {:>9} {:>9} {:>10} {:>8} {:>10} {:>11}",
        "rows",
        "exported",
        "gen s",
        "read s",
        "export s",
        "peak MiB",
        "vs first",
        "duckdb s",
        "duckdb MiB"
    );
    for n in sizes {
        let tmp = tempfile::tempdir().expect("temporary folder");
        let ds = tmp.path().join("ds");
        let t = Instant::now();
        let (written, kept) = generate(&ds, n);
        let gen_s = t.elapsed().as_secs_f64();
        let (read, rows) = read_all(&ds);
        assert_eq!(rows, written);
        let out = tmp.path().join("x.csv");
        let (took, peak, ok) = run_measured(
            std::process::Command::new(exe)
                .arg("export")
                .arg(&ds)
                .arg("--out")
                .arg(&out)
                .arg("-q"),
        );
        assert!(ok, "export failed");
        let lines =
            std::io::BufRead::lines(std::io::BufReader::new(std::fs::File::open(&out).unwrap()))
                .count();
        assert_eq!(
            lines - 1,
            kept,
            "rows exported: newest versions without copies"
        );
        let first = *first_peak.get_or_insert(peak);
        let duck = python.as_deref().map(|py| {
            let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/export_duckdb.py");
            let o = std::process::Command::new(py)
                .arg(script)
                .arg(&ds)
                .arg(tmp.path().join("duck.csv"))
                .output()
                .expect("python starts");
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("one JSON line");
            assert_eq!(v["rows"].as_u64(), Some(kept as u64), "duckdb rows");
            (
                format!("{:.1}", v["seconds"].as_f64().unwrap_or(0.0)),
                format!("{:.1}", v["peak_kib"].as_f64().unwrap_or(0.0) / 1024.0),
            )
        });
        let (duck_s, duck_mib) = duck.unwrap_or_else(|| ("-".into(), "-".into()));
        println!(
            "{:>10} {:>10} {:>9.1} {:>9.1} {:>9.1} {:>10.1} {:>8.2} {duck_s:>10} {duck_mib:>11}",
            written,
            kept,
            gen_s,
            read.as_secs_f64(),
            took.as_secs_f64(),
            peak as f64 / 1024.0,
            peak as f64 / first as f64
        );
    }
}
