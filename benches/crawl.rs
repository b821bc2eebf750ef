//! Crawl throughput on loopback, politeness off, all figures from this one run:
//!
//! (a) newsmill's fetch stage against a bare tokio + reqwest loop fetching the same URLs
//!     at the same concurrency (ratio of pages/s);
//! (b) the whole pipeline, `newsmill run` from sitemap to Parquet, in pages/s;
//! (c) peak RSS of `newsmill run` for 2,000 and for 20,000 pages.
//!
//! The site is generated on the fly by a local server: article pages of about 90 KB.
//! Run with `cargo bench --bench crawl` (NEWSMILL_BENCH_PAGES changes the large size;
//! NEWSMILL_BENCH_RSS_TRACE=1 prints the run's resident memory every two seconds;
//! NEWSMILL_MALLOC=glibc, passed on to `newsmill run`, measures it with glibc's
//! allocator defaults instead of `newsmill::alloc`'s settings;
//! NEWSMILL_BENCH_PYTHON=/path/to/python, one with Scrapy installed, adds Scrapy
//! fetching and saving the same pages, the reference for (b), measured in this run;
//! NEWSMILL_BENCH_DUMP=DIR only writes 200 of the pages there, to profile `newsmill extract`;
//! NEWSMILL_BENCH_SERVE=DIR only serves the site, with a pipeline file in DIR, to profile
//! `newsmill run` by hand).

#[path = "../tests/it/portal.rs"]
#[allow(dead_code)]
mod portal;
#[path = "../tests/it/server.rs"]
#[allow(dead_code)]
mod server;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use server::{Route, Server};

const CONCURRENCY: usize = 32;

/// An article of about 90 KB: a real-looking story inside a heavy page.
fn article(i: usize) -> String {
    let sidebar: String = (0..560).map(|k| format!("<li><a href=\"/p/{}.html\">Tin liên quan số {k} về chủ đề thời sự trong ngày hôm nay</a></li>", (i + k) % 1000)).collect();
    let script = "var cfg = {a: 1, b: [1,2,3], c: 'xin chào'};".repeat(650);
    format!(
        r#"<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Tin số {i} - Báo Ví Dụ</title>
<link rel="canonical" href="/p/{i}.html"><meta property="og:type" content="article">
<script>{script}</script></head><body><div class="menu"><ul>{menu}</ul></div>
<div class="article"><h1>Tỉnh triển khai kế hoạch phát triển kinh tế số {i}</h1><div class="sapo">Sáng nay, tỉnh tổ chức hội nghị triển khai kế hoạch số {i} với sự tham dự của các sở, ngành.</div>
<div class="article-body">{body}{own}</div></div><div class="sidebar"><ul>{sidebar}</ul></div><div class="footer">© Báo Ví Dụ</div></body></html>"#,
        own = portal::own_paragraph(i, 400),
        menu = (0..40).map(|k| format!("<li><a href=\"/c/{k}\">Chuyên mục {k}</a></li>")).collect::<String>(),
        body = (0..12).map(|k| format!("<p>Đoạn {k} của bài {i}: ông Nguyễn Văn An, Chủ tịch UBND tỉnh, cho biết kế hoạch được triển khai đồng bộ, với nhiều giải pháp về vốn, nhân lực và thủ tục hành chính, nhằm hoàn thành các chỉ tiêu trong năm.</p>")).collect::<String>(),
    )
}

fn serve(base: Arc<std::sync::OnceLock<String>>) -> Server {
    let fallback: server::Fallback = Arc::new(move |path: &str| {
        let base = base.get().cloned().unwrap_or_default();
        if let Some(n) = path
            .strip_prefix("/sitemap-")
            .and_then(|p| p.strip_suffix(".xml"))
            .and_then(|n| n.parse::<usize>().ok())
        {
            let urls: String = (0..n)
                .map(|i| format!("<url><loc>{base}/p/{i}.html</loc></url>"))
                .collect();
            let body = format!(
                r#"<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>"#
            );
            return Some(Route::Page {
                body: body.into_bytes(),
                content_type: "application/xml".into(),
            });
        }
        let i: usize = path
            .strip_prefix("/p/")?
            .strip_suffix(".html")?
            .parse()
            .ok()?;
        Some(Route::Page {
            body: article(i).into_bytes(),
            content_type: "text/html; charset=utf-8".into(),
        })
    });
    let mut routes = HashMap::new();
    routes.insert(
        "/robots.txt".to_string(),
        Route::Page {
            body: b"User-agent: *\nAllow: /\n".to_vec(),
            content_type: "text/plain".into(),
        },
    );
    Server::start_with(routes, Some(fallback))
}

fn pipeline_text(base: &str, pages: usize, out: &Path) -> String {
    format!(
        r#"[site]
id = "bench"
domains = ["127.0.0.1"]
language = "vi"
time_zone = "+07:00"

[discovery]
sitemaps = ["{base}/sitemap-{pages}.xml"]
robots_sitemaps = false
allow = ['/p/[0-9]+\.html$']

[fetch]
concurrency = {CONCURRENCY}
per_host_concurrency = {CONCURRENCY}
per_host_rate = 0
allow_private_addresses = true
retries = 1

[output]
dir = "{out}"
"#,
        out = out.display()
    )
}

/// CPU seconds (user + system) used so far by this process's waited-for children: a
/// run's CPU cost, steadier than its wall time on a shared machine.
fn children_cpu_seconds() -> f64 {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    return rusage_seconds(libc::RUSAGE_CHILDREN);
    #[allow(unreachable_code)]
    0.0
}

/// CPU seconds used so far by this process (the local server, mostly).
fn own_cpu_seconds() -> f64 {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    return rusage_seconds(libc::RUSAGE_SELF);
    #[allow(unreachable_code)]
    0.0
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn rusage_seconds(who: libc::c_int) -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(who, &mut u) } != 0 {
        return 0.0;
    }
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(u.ru_utime) + secs(u.ru_stime)
}

/// Peak RSS (VmHWM, KiB) of a child process, sampled until it exits.
fn run_measured(cmd: &mut std::process::Command) -> (Duration, u64, bool) {
    let t = Instant::now();
    let mut child = cmd.spawn().expect("newsmill starts");
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    loop {
        if let Ok(s) = std::fs::read_to_string(&status_path) {
            if std::env::var_os("NEWSMILL_BENCH_RSS_TRACE").is_some()
                && t.elapsed().as_millis() % 2000 < 25
            {
                let rss: Vec<&str> = s
                    .lines()
                    .filter(|l| l.starts_with("VmRSS:") || l.starts_with("Rss"))
                    .collect();
                eprintln!("{:>6.1} s {}", t.elapsed().as_secs_f64(), rss.join(" "));
            }
            if let Some(kb) = s
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
            {
                if kb > peak && std::env::var_os("NEWSMILL_BENCH_RSS_TRACE").is_some() {
                    eprintln!("{:>6.1} s new peak {kb} kB", t.elapsed().as_secs_f64());
                }
                peak = peak.max(kb);
            }
        }
        if let Ok(Some(status)) = child.try_wait() {
            return (t.elapsed(), peak, status.success());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn main() {
    // For profiling the parse stage on its own: `newsmill extract DIR` over these pages.
    if let Some(dir) = std::env::var_os("NEWSMILL_BENCH_DUMP") {
        let dir = Path::new(&dir);
        std::fs::create_dir_all(dir).expect("dump directory");
        for i in 0..200 {
            std::fs::write(dir.join(format!("{i}.html")), article(i)).expect("page written");
        }
        println!("wrote 200 pages to {}", dir.display());
        return;
    }
    let large: usize = std::env::var("NEWSMILL_BENCH_PAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let base_cell = Arc::new(std::sync::OnceLock::new());
    let server = serve(base_cell.clone());
    let base = format!("http://{}", server.addr);
    let _ = base_cell.set(base.clone());
    println!(
        "site: {large} generated pages of {:.0} KB on {base}, concurrency {CONCURRENCY}",
        article(1).len() as f64 / 1024.0
    );
    // For profiling `newsmill run` by hand: serve the site and write its pipeline file.
    if let Some(dir) = std::env::var_os("NEWSMILL_BENCH_SERVE") {
        let dir = Path::new(&dir);
        std::fs::create_dir_all(dir).expect("serve directory");
        let p = dir.join("bench.toml");
        std::fs::write(&p, pipeline_text(&base, large, &dir.join("out"))).expect("pipeline");
        println!("serving; run: newsmill run {} (Ctrl-C stops)", p.display());
        loop {
            std::thread::sleep(Duration::from_secs(3600));
        }
    }
    let urls: Vec<String> = (0..large).map(|i| format!("{base}/p/{i}.html")).collect();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");

    // (a) bare reqwest loop, then newsmill's fetch stage, same URLs and concurrency.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let bare = rt.block_on(async {
        let gate = Arc::new(tokio::sync::Semaphore::new(CONCURRENCY));
        let t = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for u in &urls {
            let (c, u, permit) = (
                client.clone(),
                u.clone(),
                gate.clone().acquire_owned().await.expect("permit"),
            );
            tasks.spawn(async move {
                let n = match c.get(&u).send().await {
                    Ok(r) => r.bytes().await.map(|b| b.len()).unwrap_or(0),
                    Err(_) => 0,
                };
                drop(permit);
                n
            });
        }
        let mut bytes = 0;
        while let Some(n) = tasks.join_next().await {
            bytes += n.unwrap_or(0);
        }
        (t.elapsed(), bytes)
    });
    let tmp = tempfile::tempdir().expect("temp dir");
    let pfile = tmp.path().join("bench.toml");
    std::fs::write(
        &pfile,
        pipeline_text(&base, large, &tmp.path().join("unused")),
    )
    .expect("pipeline written");
    let cfg = Arc::new(newsmill::config::load(&pfile).expect("pipeline loads"));
    let fetcher = Arc::new(newsmill::crawl::fetch::Fetcher::new(cfg, None).expect("fetcher"));
    let ours = rt.block_on(async {
        let gate = Arc::new(tokio::sync::Semaphore::new(CONCURRENCY));
        let t = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for u in &urls {
            let (f, u, permit) = (
                fetcher.clone(),
                u.clone(),
                gate.clone().acquire_owned().await.expect("permit"),
            );
            tasks.spawn(async move {
                let n = match f.get(&u, None).await {
                    newsmill::crawl::fetch::Fetched::Page { page, .. } => page.bytes.len(),
                    _ => 0,
                };
                drop(permit);
                n
            });
        }
        let mut bytes = 0;
        while let Some(n) = tasks.join_next().await {
            bytes += n.unwrap_or(0);
        }
        (t.elapsed(), bytes)
    });
    let rate = |n: usize, d: Duration| n as f64 / d.as_secs_f64();
    println!(
        "(a) bare tokio+reqwest loop   {:>8.0} pages/s ({:.0} MB/s)",
        rate(large, bare.0),
        bare.1 as f64 / bare.0.as_secs_f64() / 1e6
    );
    println!(
        "    newsmill fetch stage      {:>8.0} pages/s ({:.0} MB/s)  = {:.2}x the bare loop",
        rate(large, ours.0),
        ours.1 as f64 / ours.0.as_secs_f64() / 1e6,
        bare.0.as_secs_f64() / ours.0.as_secs_f64()
    );
    assert_eq!(ours.1, bare.1, "both loops must fetch the same bytes");

    // The ceiling of (b) on this machine: scraper parsing the same pages, nothing else.
    let sample: Vec<String> = (0..200).map(article).collect();
    let t = Instant::now();
    for page in &sample {
        std::hint::black_box(
            scraper::Html::parse_document(page)
                .root_element()
                .children()
                .count(),
        );
    }
    let parse_only = rate(sample.len(), t.elapsed());
    let cores = std::thread::available_parallelism()
        .map(|c| c.get())
        .unwrap_or(1);
    println!(
        "    scraper parse alone          {parse_only:>8.0} pages/s per core ({:.0} on {cores} cores with nothing else running)",
        parse_only * cores as f64
    );

    // (b) and (c): the whole pipeline as a separate process, 2,000 then `large` pages.
    let exe = env!("CARGO_BIN_EXE_newsmill");
    let mut peaks = Vec::new();
    let mut cpu_per_page = Vec::new();
    let mut run_rate = 0.0;
    for pages in [2_000.min(large), large] {
        let out = tmp.path().join(format!("out-{pages}"));
        let p = tmp.path().join(format!("p-{pages}.toml"));
        std::fs::write(&p, pipeline_text(&base, pages, &out)).expect("pipeline written");
        let cpu_before = children_cpu_seconds();
        let server_before = own_cpu_seconds();
        let (elapsed, peak_kib, ok) =
            run_measured(std::process::Command::new(exe).arg("run").arg(&p).arg("-q"));
        let cpu = children_cpu_seconds() - cpu_before;
        let server_cpu = own_cpu_seconds() - server_before;
        assert!(ok, "newsmill run failed");
        let runs: Vec<_> = std::fs::read_dir(out.join("runs"))
            .expect("runs")
            .filter_map(|e| e.ok())
            .collect();
        let manifest: serde_json::Value =
            serde_json::from_slice(&std::fs::read(runs[0].path()).expect("manifest"))
                .expect("json");
        let articles = manifest["counts"]["articles"].as_u64().unwrap_or(0);
        println!(
            "    stage seconds {} (wall {:.1} s); process CPU {cpu:.1} s = {:.2} ms per page; the local server's CPU meanwhile {server_cpu:.1} s",
            manifest["stage_seconds"],
            manifest["wall_seconds"].as_f64().unwrap_or(0.0),
            cpu * 1000.0 / pages as f64
        );
        println!(
            "(b) newsmill run, {pages:>6} pages {:>8.0} pages/s ({articles} articles, {:.1} s)   (c) peak RSS {:.0} MB",
            rate(pages, elapsed),
            elapsed.as_secs_f64(),
            peak_kib as f64 / 1024.0
        );
        peaks.push(peak_kib);
        cpu_per_page.push(cpu / pages as f64);
        run_rate = rate(pages, elapsed);
    }
    if cpu_per_page.len() == 2 && cpu_per_page[0] > 0.0 {
        println!(
            "    process CPU per page ratio {large} / 2000 pages: {:.2}x",
            cpu_per_page[1] / cpu_per_page[0]
        );
    }
    if peaks.len() == 2 && peaks[0] > 0 {
        println!(
            "    peak RSS ratio {large} / 2000 pages: {:.2}x",
            peaks[1] as f64 / peaks[0] as f64
        );
    }

    // The reference for (b): Scrapy fetching the same pages and saving each to a file,
    // same server, same concurrency, in this run (when a Python with Scrapy is named).
    let Some(python) = std::env::var_os("NEWSMILL_BENCH_PYTHON") else {
        println!(
            "(set NEWSMILL_BENCH_PYTHON to a Python with Scrapy to compare (b) with it in this run)"
        );
        return;
    };
    let list = tmp.path().join("urls.txt");
    std::fs::write(&list, urls.join("\n")).expect("URL list written");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/scrapy_fetch_save.py");
    let server_before = own_cpu_seconds();
    let output = std::process::Command::new(python)
        .arg(script)
        .arg(&list)
        .arg(tmp.path().join("scrapy-out"))
        .arg(CONCURRENCY.to_string())
        .output();
    let server_cpu = own_cpu_seconds() - server_before;
    let parsed = output.ok().and_then(|o| {
        let text = String::from_utf8_lossy(&o.stdout).to_string();
        let mut last = text.lines().last()?.split_whitespace();
        let saved: f64 = last.next()?.parse().ok()?;
        let secs: f64 = last.next()?.parse().ok()?;
        Some((saved, secs))
    });
    match parsed {
        Some((saved, secs)) => {
            let scrapy = saved / secs;
            println!(
                "    Scrapy fetch+save, {saved:.0} pages {scrapy:>8.0} pages/s (the local server's CPU meanwhile {server_cpu:.1} s)  -> newsmill run (fetch to Parquet) = {:.2}x Scrapy",
                run_rate / scrapy
            );
        }
        None => {
            eprintln!("scrapy_fetch_save.py failed (is Scrapy installed in NEWSMILL_BENCH_PYTHON?)")
        }
    }
}
