//! Sharded runs: N processes, each with its share, writing into one dataset; the
//! shares together are every page exactly once (saved pages, WARC records, crawls).

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use crate::common::{bin, files_under, manifests, rows};
use crate::portal::{self, article_path};
use crate::server::Server;

fn sources(out: &Path) -> Vec<String> {
    rows(out, "articles")
        .iter()
        .map(|r| r["source"].as_str().unwrap().to_string())
        .collect()
}

fn ok(o: std::process::Output) {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn shards_of_saved_pages_and_of_a_warc_file_together_take_each_page_once() {
    let tmp = tempfile::tempdir().unwrap();
    let pages = tmp.path().join("pages");
    std::fs::create_dir_all(&pages).unwrap();
    for i in 0..12 {
        let html = portal::article_html("https://tin.example", i, 0);
        std::fs::write(pages.join(format!("story-{i}.html")), html).unwrap();
    }
    let out = tmp.path().join("out");
    for k in 0..3 {
        ok(bin()
            .args(["extract", "-q", "--shard", &format!("{k}/3"), "--out"])
            .arg(&out)
            .arg(&pages)
            .output()
            .unwrap());
    }
    let got = sources(&out);
    let distinct: BTreeSet<&String> = got.iter().collect();
    assert_eq!((got.len(), distinct.len()), (12, 12), "{got:?}");
    let per_run: Vec<u64> = manifests(&out)
        .iter()
        .map(|m| m["counts"]["articles"].as_u64().unwrap())
        .collect();
    assert_eq!(per_run.iter().sum::<u64>(), 12);
    assert!(
        per_run.iter().all(|&n| n < 12),
        "each shard took a part: {per_run:?}"
    );
    let shards: BTreeSet<String> = manifests(&out)
        .iter()
        .map(|m| format!("{}/{}", m["shard"]["index"], m["shard"]["count"]))
        .collect();
    assert_eq!(shards.len(), 3);

    // A SLURM array task finds its shard in the environment.
    let slurm = tmp.path().join("slurm");
    for id in 1..=2 {
        ok(bin()
            .args(["extract", "-q", "--out"])
            .arg(&slurm)
            .arg(&pages)
            .env("SLURM_ARRAY_TASK_ID", id.to_string())
            .env("SLURM_ARRAY_TASK_MIN", "1")
            .env("SLURM_ARRAY_TASK_COUNT", "2")
            .output()
            .unwrap());
    }
    assert_eq!(sources(&slurm).len(), 12);

    // One WARC file of a crawl, split by its records' URLs.
    let server = Server::start(HashMap::new());
    portal::install(&server, 10, 0);
    let crawl = tmp.path().join("crawl");
    let pipeline = tmp.path().join("p.toml");
    std::fs::write(&pipeline, portal::pipeline(&server, &crawl, "")).unwrap();
    ok(bin()
        .args(["run", "-q", "--warc"])
        .arg(&pipeline)
        .output()
        .unwrap());
    let warc = files_under(&crawl.join("warc"));
    assert_eq!(warc.len(), 1);
    let split = tmp.path().join("split");
    for k in 0..2 {
        ok(bin()
            .args(["extract", "-q", "--shard", &format!("{k}/2"), "--out"])
            .arg(&split)
            .arg(crawl.join("warc").join(&warc[0]))
            .output()
            .unwrap());
    }
    let got: BTreeSet<String> = rows(&split, "articles")
        .iter()
        .map(|r| r["url"].as_str().unwrap().to_string())
        .collect();
    let want: BTreeSet<String> = (0..10).map(|i| server.url(&article_path(i))).collect();
    assert_eq!(got, want);
    assert_eq!(rows(&split, "articles").len(), 10, "no record twice");
}

#[test]
fn crawl_shards_split_the_site_each_with_its_own_state() {
    let server = Server::start(HashMap::new());
    portal::install(&server, 30, 0);
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let pipeline = tmp.path().join("p.toml");
    std::fs::write(&pipeline, portal::pipeline(&server, &out, "")).unwrap();
    let mut per_shard = Vec::new();
    for k in 0..2 {
        ok(bin()
            .args(["run", "-q", "--shard", &format!("{k}/2")])
            .arg(&pipeline)
            .output()
            .unwrap());
        per_shard.push(sources(&out).len());
    }
    let got: BTreeSet<String> = sources(&out).into_iter().collect();
    let want: BTreeSet<String> = (0..30).map(|i| server.url(&article_path(i))).collect();
    assert_eq!(got, want);
    assert_eq!(sources(&out).len(), 30, "no article in both shards");
    assert!(per_shard[0] > 0 && per_shard[0] < 30, "{per_shard:?}");
    assert!(out.join("state-0-of-2.sqlite").is_file());
    assert!(out.join("state-1-of-2.sqlite").is_file());

    // A Kubernetes Indexed Job gives the index; the count is a flag.
    let o = bin()
        .args(["run", "-q"])
        .arg(&pipeline)
        .env("JOB_COMPLETION_INDEX", "0")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--shard-count"));
    let o = bin()
        .args(["run", "-q", "--shard-count", "2"])
        .arg(&pipeline)
        .env("JOB_COMPLETION_INDEX", "1")
        .output()
        .unwrap();
    ok(o);
    assert_eq!(
        sources(&out).len(),
        30,
        "shard 1 again: everything unchanged"
    );
}
