//! `newsmill run` against a real HTTP server on 127.0.0.1 serving a fixture portal.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::time::Duration;

use crate::common::{assert_only_complete_files, bin, manifests, rows, table_files};
use crate::portal::{self, article_path};
use crate::server::{Route, Server};

fn write_pipeline(dir: &Path, text: &str) -> std::path::PathBuf {
    let p = dir.join("pipeline.toml");
    std::fs::write(&p, text).unwrap();
    p
}

fn run_pipeline(pipeline: &Path, extra: &[&str]) -> std::process::Output {
    let o = bin()
        .arg("run")
        .arg(pipeline)
        .arg("-q")
        .args(extra)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "run failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

fn sources(out: &Path, table: &str) -> Vec<String> {
    rows(out, table)
        .iter()
        .map(|r| r["source"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn crawl_exports_every_allowed_article_once_and_never_requests_disallowed_urls() {
    let server = Server::start(HashMap::new());
    portal::install(&server, 60, 3);
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    // Discovery through robots.txt's Sitemap line as well as the feed and listing pages.
    let pipeline = write_pipeline(tmp.path(), &portal::pipeline(&server, &out, ""));
    run_pipeline(&pipeline, &[]);

    let articles = sources(&out, "articles");
    let want: BTreeSet<String> = (0..60).map(|i| server.url(&article_path(i))).collect();
    let got: BTreeSet<String> = articles.iter().cloned().collect();
    assert_eq!(articles.len(), 60, "each article exactly once");
    assert_eq!(got, want);
    let requested = server.requested();
    assert!(
        !requested.iter().any(|p| p.starts_with("/private/")),
        "a disallowed URL was requested: {requested:?}"
    );
    assert_eq!(requested.iter().filter(|p| *p == "/robots.txt").count(), 1);
    let rejects = rows(&out, "rejects");
    let disallowed = rejects
        .iter()
        .filter(|r| r["reason"] == "robots_disallowed")
        .count();
    assert_eq!(disallowed, 3, "{rejects:?}");
    let m = &manifests(&out)[0];
    assert_eq!(m["crawl"]["discovered"], 63);
    assert_eq!(m["crawl"]["new"], 60);
    assert_eq!(m["counts"]["pages_in"], 63);
    // Images and participants came along.
    assert_eq!(rows(&out, "images").len(), 60);
    assert!(rows(&out, "participants").len() >= 60);
}

#[test]
fn faults_end_exported_or_rejected_with_their_reason() {
    let server = Server::start(HashMap::new());
    portal::install(&server, 50, 0);
    let base = format!("http://{}", server.addr);
    let page = |i: usize| Route::Page {
        body: portal::article_html(&base, i, 0).into_bytes(),
        content_type: "text/html; charset=utf-8".into(),
    };
    let legacy = newsmill::parse::charset::encode_windows_1258(
        &portal::article_html(&base, 509, 0).replace("<meta charset=\"utf-8\">", ""),
    );
    let faults: Vec<(&str, Route)> = vec![
        (
            "/fault/503.html",
            Route::FailFirst {
                n: 1,
                status: 503,
                retry_after: None,
                then: Box::new(page(501)),
            },
        ),
        (
            "/fault/429.html",
            Route::FailFirst {
                n: 1,
                status: 429,
                retry_after: Some(1),
                then: Box::new(page(502)),
            },
        ),
        (
            "/fault/slow.html",
            Route::Slow {
                delay: Duration::from_secs(4),
            },
        ),
        ("/fault/reset.html", Route::Reset),
        (
            "/fault/truncated.html",
            Route::TruncatedGzip {
                body: portal::article_html(&base, 503, 0).repeat(20).into_bytes(),
            },
        ),
        ("/fault/bomb.html", Route::GzipBomb { expanded: 64 << 20 }),
        (
            "/fault/loop-a.html",
            Route::Redirect {
                to: "/fault/loop-b.html".into(),
            },
        ),
        (
            "/fault/loop-b.html",
            Route::Redirect {
                to: "/fault/loop-a.html".into(),
            },
        ),
        (
            "/fault/legacy.html",
            Route::Page {
                body: legacy,
                content_type: "text/html".into(),
            },
        ),
        // A redirect off the pipeline's domains is refused before any connection.
        (
            "/fault/offsite.html",
            Route::Redirect {
                to: "http://offsite.invalid/a.html".into(),
            },
        ),
    ];
    let mut links: Vec<String> = faults
        .iter()
        .filter(|(p, _)| *p != "/fault/loop-b.html")
        .map(|(p, _)| p.to_string())
        .collect();
    links.push("/fault/missing.html".into());
    for (p, r) in faults {
        server.set(p, r);
    }
    let list: String = links
        .iter()
        .map(|l| format!("<a href=\"{l}\">x</a>"))
        .collect();
    server.set(
        "/chuyen-muc/su-co.html",
        Route::Page {
            body: format!("<html><body>{list}</body></html>").into_bytes(),
            content_type: "text/html".into(),
        },
    );

    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let text = portal::pipeline(&server, &out, "max_page_bytes = 4194304")
        .replace("read_timeout_secs = 2", "read_timeout_secs = 1")
        .replace("total_timeout_secs = 3", "total_timeout_secs = 1.5")
        .replace(
            "listings = [",
            &format!("listings = [\"{base}/chuyen-muc/su-co.html\", "),
        );
    let pipeline = write_pipeline(tmp.path(), &text);
    run_pipeline(&pipeline, &[]);

    let exported: BTreeSet<String> = sources(&out, "articles").into_iter().collect();
    let rejects = rows(&out, "rejects");
    let reason: HashMap<String, String> = rejects
        .iter()
        .map(|r| {
            (
                r["source"].as_str().unwrap().to_string(),
                r["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for p in ["/fault/503.html", "/fault/429.html", "/fault/legacy.html"] {
        assert!(
            exported.contains(&server.url(p)),
            "{p} should be exported; rejects: {reason:?}"
        );
    }
    for (p, want) in [
        ("/fault/slow.html", "timeout"),
        ("/fault/reset.html", "connection_error"),
        ("/fault/truncated.html", "truncated_body"),
        ("/fault/bomb.html", "too_large"),
        ("/fault/loop-a.html", "redirect_loop"),
        ("/fault/missing.html", "http_404"),
        ("/fault/offsite.html", "out_of_scope"),
    ] {
        assert_eq!(
            reason.get(&server.url(p)).map(String::as_str),
            Some(want),
            "{p}: {reason:?}"
        );
    }
    // The legacy page decoded from windows-1258 without a charset in the header.
    let legacy = rows(&out, "articles")
        .into_iter()
        .find(|a| a["source"].as_str() == Some(server.url("/fault/legacy.html").as_str()))
        .unwrap();
    assert_eq!(legacy["charset"], "windows-1258");
    assert!(
        legacy["title"]
            .as_str()
            .unwrap()
            .starts_with("Tỉnh triển khai kế hoạch")
    );
    // Nothing lost: discovered = exported ∪ duplicates ∪ rejects.
    let m = &manifests(&out)[0];
    let discovered = m["crawl"]["discovered"].as_u64().unwrap() as usize;
    let dups = sources(&out, "duplicates");
    let mut accounted: BTreeSet<String> = exported.clone();
    accounted.extend(dups.iter().cloned());
    accounted.extend(reason.keys().cloned());
    assert_eq!(discovered, 50 + links.len());
    assert_eq!(accounted.len(), discovered);
    assert_eq!(exported.len() + dups.len() + rejects.len(), discovered);
}

#[test]
fn second_run_is_incremental_and_a_changed_page_is_exported_again() {
    let server = Server::start(HashMap::new());
    portal::install(&server, 50, 0);
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let pipeline = write_pipeline(tmp.path(), &portal::pipeline(&server, &out, ""));
    run_pipeline(&pipeline, &[]);
    assert_eq!(rows(&out, "articles").len(), 50);

    server.clear_log();
    run_pipeline(&pipeline, &[]);
    let m = manifests(&out);
    assert_eq!(m[1]["counts"]["articles"], 0);
    assert_eq!(m[1]["crawl"]["unchanged"], 50);
    assert_eq!(m[1]["crawl"]["new"], 0);
    let log = server.log.lock().unwrap().clone();
    let conditional = log
        .iter()
        .filter(|l| {
            l.path.starts_with("/tin-tuc/")
                && l.if_none_match.is_some()
                && l.if_modified_since.is_some()
        })
        .count();
    assert_eq!(conditional, 50, "every article request was conditional");

    let base = format!("http://{}", server.addr);
    server.set(
        &article_path(7),
        Route::Page {
            body: portal::article_html(&base, 7, 1).into_bytes(),
            content_type: "text/html; charset=utf-8".into(),
        },
    );
    run_pipeline(&pipeline, &[]);
    let m = manifests(&out);
    assert_eq!(m[2]["counts"]["articles"], 1);
    assert_eq!(m[2]["crawl"]["changed"], 1);
    assert_eq!(m[2]["crawl"]["unchanged"], 49);
    let third_run = m[2]["run_id"].as_str().unwrap();
    let again: Vec<String> = rows(&out, "articles")
        .iter()
        .filter(|a| a["run_id"] == third_run)
        .map(|a| a["source"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(again, vec![server.url(&article_path(7))]);
}

#[test]
fn an_unreachable_site_fails_the_run_with_its_reason() {
    // A port nothing listens on: bound, then closed.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let pipeline = write_pipeline(
        tmp.path(),
        &format!(
            r#"[site]
id = "down"
domains = ["127.0.0.1"]

[discovery]
feeds = ["http://127.0.0.1:{port}/rss.xml"]
allow = ['/tin-tuc/']

[fetch]
allow_private_addresses = true
connect_timeout_secs = 2
retries = 0
backoff_secs = 0.05

[output]
dir = "{out}"
"#,
            out = out.display()
        ),
    );
    let o = bin().arg("run").arg(&pipeline).output().unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("FAILED") && stdout.contains("could not be reached"),
        "{stdout}"
    );
    // Off a terminal, log lines carry no colour codes.
    assert!(
        stderr.contains("rss.xml") && !stderr.contains('\u{1b}'),
        "{stderr:?}"
    );
    let m = &manifests(&out)[0];
    assert_eq!(m["status"], "failed");
    assert!(m["crawl"]["failure"].as_str().unwrap().contains("rss.xml"));
}

#[test]
fn a_second_run_on_a_state_in_use_is_turned_away_and_touches_nothing() {
    let server = Server::start(HashMap::new());
    portal::install(&server, 5, 0);
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let pipeline = write_pipeline(tmp.path(), &portal::pipeline(&server, &out, ""));
    run_pipeline(&pipeline, &[]);
    let files_before = crate::common::files_under(&out);
    // This test process holds the state's lock, as a running crawl does.
    std::fs::create_dir_all(&out).unwrap();
    let lock = std::fs::File::create(out.join("state.sqlite.lock")).unwrap();
    lock.lock().unwrap();
    let requests_before = server.requested().len();
    let o = bin().arg("run").arg(&pipeline).arg("-q").output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("another newsmill run is using the crawl state"),
        "{stderr}"
    );
    assert_eq!(
        server.requested().len(),
        requests_before,
        "the site was contacted"
    );
    assert_eq!(crate::common::files_under(&out), files_before);
    // Once the other run is over, the next run goes ahead.
    drop(lock);
    run_pipeline(&pipeline, &[]);
    assert_eq!(manifests(&out).len(), 2);
}

#[test]
fn limit_and_ignore_state() {
    let server = Server::start(HashMap::new());
    portal::install(&server, 30, 0);
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let pipeline = write_pipeline(tmp.path(), &portal::pipeline(&server, &out, ""));
    run_pipeline(&pipeline, &["--limit", "10"]);
    assert_eq!(rows(&out, "articles").len(), 10);
    // A second limited run moves on to the next ten instead of asking for the same ten
    // newest pages again.
    run_pipeline(&pipeline, &["--limit", "10"]);
    assert_eq!(rows(&out, "articles").len(), 20);
    let m = manifests(&out);
    let second = m
        .iter()
        .find(|m| m["crawl"]["new"] == 10 && m["crawl"]["unchanged"] == 0)
        .map(|m| m["crawl"].clone());
    assert!(second.is_some(), "{m:?}");
    // The rest are fetched next time; the first twenty are unchanged.
    run_pipeline(&pipeline, &[]);
    assert_eq!(rows(&out, "articles").len(), 30);
    // --ignore-state fetches and exports everything again.
    run_pipeline(&pipeline, &["--ignore-state"]);
    assert_eq!(rows(&out, "articles").len(), 60);
}

#[test]
fn kill_9_then_resume_equals_one_uninterrupted_run() {
    let server = Server::start(HashMap::new());
    portal::install(&server, 60, 0);
    let tmp = tempfile::tempdir().unwrap();
    // Slow enough (30 requests/s) that the kill lands mid-run.
    let slow = |out: &Path| {
        portal::pipeline(&server, out, "").replace("per_host_rate = 0", "per_host_rate = 30")
    };
    let whole = tmp.path().join("whole");
    let p1 = tmp.path().join("p1");
    std::fs::create_dir_all(&p1).unwrap();
    let pw = write_pipeline(&p1, &slow(&whole));
    run_pipeline(&pw, &[]);

    let resumed = tmp.path().join("resumed");
    let p2 = tmp.path().join("p2");
    std::fs::create_dir_all(&p2).unwrap();
    let pr = write_pipeline(&p2, &slow(&resumed));
    let mut child = bin().arg("run").arg(&pr).arg("-q").spawn().unwrap();
    std::thread::sleep(Duration::from_millis(1200));
    child.kill().unwrap(); // SIGKILL
    let status = child.wait().unwrap();
    assert!(!status.success(), "the run should have been killed mid-way");
    run_pipeline(&pr, &[]);

    let key = |out: &Path| -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = rows(out, "articles")
            .iter()
            .map(|a| {
                (
                    a["article_id"].as_str().unwrap().to_string(),
                    a["content_hash"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let (a, b) = (key(&whole), key(&resumed));
    assert_eq!(a.len(), 60);
    assert_eq!(a, b, "resumed crawl differs from an uninterrupted one");
    // No Parquet file is half-written.
    assert_only_complete_files(&resumed);
}

#[test]
fn a_killed_crawl_keeps_its_checkpoints_and_the_resume_fetches_only_the_rest() {
    let server = Server::start(HashMap::new());
    portal::install(&server, 60, 0);
    let tmp = tempfile::tempdir().unwrap();
    // 30 requests/s, a checkpoint every 10 pages.
    let text = |out: &Path| {
        format!(
            "{}checkpoint_pages = 10\n",
            portal::pipeline(&server, out, "").replace("per_host_rate = 0", "per_host_rate = 30")
        )
    };
    let whole = tmp.path().join("whole");
    let p1 = tmp.path().join("p1");
    std::fs::create_dir_all(&p1).unwrap();
    run_pipeline(&write_pipeline(&p1, &text(&whole)), &[]);
    // The uninterrupted run committed in parts, and its manifest lists them.
    let m = manifests(&whole);
    assert_eq!(m.len(), 1);
    let parts = m[0]["parts"].as_array().map_or(0, Vec::len);
    assert!(parts >= 4, "{}", m[0]);
    assert_eq!(m[0]["crawl"]["checkpoints"].as_u64(), Some(parts as u64));
    assert_eq!(table_files(&whole, "articles").len(), parts + 1);

    let resumed = tmp.path().join("resumed");
    let p2 = tmp.path().join("p2");
    std::fs::create_dir_all(&p2).unwrap();
    let pr = write_pipeline(&p2, &text(&resumed));
    server.clear_log();
    let mut child = bin().arg("run").arg(&pr).arg("-q").spawn().unwrap();
    // Killed once two parts are in place.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while table_files(&resumed, "articles").len() < 2 {
        assert!(std::time::Instant::now() < deadline, "no checkpoint came");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL
    assert!(!child.wait().unwrap().success(), "killed before its end");
    // What the killed run committed is there, complete, without a manifest.
    assert!(!resumed.join("runs").exists() || manifests(&resumed).is_empty());
    assert_only_complete_files(&resumed);
    let kept: BTreeSet<String> = rows(&resumed, "articles")
        .iter()
        .map(|a| a["url"].as_str().unwrap().to_string())
        .collect();
    assert!(kept.len() >= 20 && kept.len() < 60, "{}", kept.len());

    server.clear_log();
    run_pipeline(&pr, &[]);
    // The resume did not fetch a committed page again.
    let fetched_again: Vec<String> = server
        .requested()
        .into_iter()
        .filter(|p| kept.contains(&server.url(p)))
        .collect();
    assert!(fetched_again.is_empty(), "{fetched_again:?}");
    // (A part whose state was committed when the kill came, but not yet all its
    // files renamed, is published at the resume's start: it counts as resumed too.)
    let m = manifests(&resumed);
    let resumed_pages = m[0]["crawl"]["resumed"].as_u64().unwrap();
    assert!(
        resumed_pages >= kept.len() as u64 && resumed_pages.is_multiple_of(10),
        "{resumed_pages} resumed, {} kept",
        kept.len()
    );
    let articles_fetched = server
        .requested()
        .iter()
        .filter(|p| p.contains("/tin-tuc/"))
        .count() as u64;
    assert_eq!(articles_fetched + resumed_pages, 60);

    let key = |out: &Path| -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = rows(out, "articles")
            .iter()
            .map(|a| {
                (
                    a["article_id"].as_str().unwrap().to_string(),
                    a["content_hash"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let (a, b) = (key(&whole), key(&resumed));
    assert_eq!(a.len(), 60);
    assert_eq!(a, b, "resumed crawl differs from an uninterrupted one");

    // A later run revalidates everything again, as after any finished run.
    server.clear_log();
    run_pipeline(&pr, &[]);
    let articles_asked = server
        .requested()
        .iter()
        .filter(|p| p.contains("/tin-tuc/"))
        .count();
    assert_eq!(articles_asked, 60);
}

#[test]
fn private_addresses_are_refused_unless_allowed() {
    let server = Server::start(HashMap::new());
    portal::install(&server, 5, 0);
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let text = portal::pipeline(&server, &out, "").replace(
        "allow_private_addresses = true",
        "allow_private_addresses = false",
    );
    let pipeline = write_pipeline(tmp.path(), &text);
    // Nothing of the site could be read: the run fails and says why.
    let o = bin().arg("run").arg(&pipeline).arg("-q").output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("allow_private_addresses"), "{stderr}");
    assert!(
        server.requested().is_empty(),
        "connected to a loopback address: {:?}",
        server.requested()
    );
    assert!(rows(&out, "articles").is_empty());
}

#[test]
fn warc_keeps_responses_and_extract_reads_them_back() {
    let server = Server::start(HashMap::new());
    portal::install(&server, 12, 0);
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let pipeline = write_pipeline(tmp.path(), &portal::pipeline(&server, &out, ""));
    run_pipeline(&pipeline, &["--warc"]);
    let crawled: BTreeSet<String> = rows(&out, "articles")
        .iter()
        .map(|a| a["article_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(crawled.len(), 12);
    let again = tmp.path().join("again");
    let o = bin()
        .arg("extract")
        .arg(out.join("warc"))
        .arg("--out")
        .arg(&again)
        .arg("-q")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let parsed: BTreeSet<String> = rows(&again, "articles")
        .iter()
        .map(|a| a["article_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(parsed, crawled);
}

#[test]
fn check_validates_pipeline_files() {
    let tmp = tempfile::tempdir().unwrap();
    let good = tmp.path().join("good.toml");
    std::fs::write(
        &good,
        "[site]\nid = \"x\"\ndomains = [\"example.vn\"]\n\n[output]\ndir = \"out\"\n",
    )
    .unwrap();
    let o = bin().arg("check").arg(&good).output().unwrap();
    assert!(o.status.success());
    let bad = tmp.path().join("bad.toml");
    std::fs::write(&bad, "[site]\nid = \"x\"\ndomains = [\"example.vn\"]\nlanguage = \"vi\"\nzone = 7\n\n[output]\ndir = \"out\"\n").unwrap();
    let o = bin().arg("check").arg(&bad).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("bad.toml:5"), "{err}");
    // The shipped pipeline files are all valid.
    for entry in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("pipelines")).unwrap()
    {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "toml") {
            let o = bin().arg("check").arg(&p).output().unwrap();
            assert!(
                o.status.success(),
                "{}: {}",
                p.display(),
                String::from_utf8_lossy(&o.stderr)
            );
        }
    }
}
