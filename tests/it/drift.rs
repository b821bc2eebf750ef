//! Drift alerts end to end: a local portal redesigns its article template between
//! runs (the date leaves the markup for a script-rendered timestamp, the body container
//! is renamed), and the next run says so, in its summary, its manifest and its JSON.

use std::collections::HashMap;

use serde_json::Value;

use crate::common::{bin, manifests};
use crate::portal::{self, article_path};
use crate::server::{Route, Server};

/// Article `i` after the redesign: no date in JSON-LD or in the visible meta line (a
/// script fills it in from a data attribute), the body container renamed.
fn redesigned(base: &str, i: usize) -> String {
    let html = portal::article_html(base, i, 0);
    let start = html.find("<div class=\"article-meta\">").unwrap();
    let end = start + html[start..].find("</div>").unwrap() + "</div>".len();
    let html = format!(
        "{}<div class=\"tm\" data-ts=\"1600328340\"></div>{}",
        &html[..start],
        &html[end..]
    );
    let html = html.replace(",\"datePublished\":\"2020-09-", ",\"x\":\"");
    html.replace("class=\"article-body\"", "class=\"ct-8f3a\"")
}

#[test]
fn a_redesign_that_drops_the_date_is_reported_and_can_fail_the_run() {
    let server = Server::start(HashMap::new());
    portal::install(&server, 20, 0);
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let pipeline = tmp.path().join("pipeline.toml");
    std::fs::write(&pipeline, portal::pipeline(&server, &out, "")).unwrap();
    let run = |extra: &[&str]| {
        bin()
            .arg("run")
            .arg(&pipeline)
            .args(extra)
            .output()
            .unwrap()
    };
    let first = run(&["-q", "--fail-on-drift"]);
    assert_eq!(first.status.code(), Some(0), "no history, no drift");

    // Twenty more stories, published after the redesign.
    portal::install(&server, 40, 0);
    let base = format!("http://{}", server.addr);
    for i in 20..40 {
        server.set(
            &article_path(i),
            Route::Page {
                body: redesigned(&base, i).into_bytes(),
                content_type: "text/html; charset=utf-8".into(),
            },
        );
    }
    let second = run(&["--json", "--fail-on-drift"]);
    assert_eq!(
        second.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    let summary: Value = serde_json::from_slice(&second.stdout).unwrap();
    assert_eq!(summary["crawl"]["new"], 20);
    let drift: Vec<&str> = summary["drift"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert!(
        drift
            .iter()
            .any(|w| w.starts_with("published_at filled on 0% of articles, down from 100%")),
        "{drift:?}"
    );
    assert!(
        String::from_utf8_lossy(&second.stderr).contains("drift: published_at"),
        "logged as a warning too"
    );

    let m = manifests(&out);
    assert_eq!(m.len(), 2);
    let last = m.iter().find(|m| m.get("drift").is_some());
    let last = last.unwrap_or_else(|| panic!("{m:?}"));
    assert_eq!(last["profile"]["articles"], 20);
    assert_eq!(last["profile"]["published_at"], 0.0);
    assert_eq!(last["drift"].as_array().map(|d| d.len()), Some(drift.len()));
    let first = m.iter().find(|m| m.get("drift").is_none()).unwrap();
    assert_eq!(first["profile"]["published_at"], 1.0);
    assert_eq!(first["profile"]["articles"], 20);

    // Without --fail-on-drift the run warns and exits 0, the summary naming the field.
    portal::install(&server, 60, 0);
    for i in 40..60 {
        server.set(
            &article_path(i),
            Route::Page {
                body: redesigned(&base, i).into_bytes(),
                content_type: "text/html; charset=utf-8".into(),
            },
        );
    }
    let third = run(&[]);
    assert_eq!(third.status.code(), Some(0));
    let text = String::from_utf8_lossy(&third.stdout);
    assert!(
        text.contains("DRIFT       published_at filled on 0%"),
        "the median of runs 1 and 2 is 50%, more than 20 points above: {text}"
    );
}
