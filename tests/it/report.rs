//! `newsmill report`: the HTML file of a real dataset, its content checked, then
//! opened in a real headless Chromium (Debian's, installed by `.ci/run`): the DOM
//! Chromium builds holds the charts, and a screenshot of it has ink where they are.

use std::path::Path;
use std::process::Command;

use crate::common::{bin, extract};
use crate::portal::{self, article_path};

const BASE: &str = "https://tin.example";

/// Two runs of six stories, a copy of story 2, and a page that is no article.
fn dataset(dir: &Path) -> std::path::PathBuf {
    let out = dir.join("out");
    for (run, stories) in [("run1", 1..=3), ("run2", 4..=6)] {
        let d = dir.join(run);
        std::fs::create_dir_all(&d).unwrap();
        for i in stories {
            std::fs::write(
                d.join(format!("story-{i}.html")),
                portal::article_html(BASE, i, 0),
            )
            .unwrap();
        }
        if run == "run2" {
            let copy = portal::article_html(BASE, 2, 0).replace(&article_path(2), &article_path(9));
            std::fs::write(d.join("copy.html"), copy).unwrap();
            std::fs::write(d.join("empty.html"), "<html><body></body></html>").unwrap();
        }
        assert!(extract(&[&d], &out).status.success());
    }
    let o = bin().args(["dedupe", "-q"]).arg(&out).output().unwrap();
    assert!(o.status.success());
    out
}

fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser"].into_iter().find(|c| {
        Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

const HEADLESS: [&str; 9] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
];

#[test]
fn the_report_is_one_self_contained_file_that_chromium_renders() {
    let tmp = tempfile::tempdir().unwrap();
    let out = dataset(tmp.path());
    let html_path = tmp.path().join("report.html");
    let o = bin()
        .arg("report")
        .arg(&out)
        .arg("--out")
        .arg(&html_path)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = std::fs::read_to_string(&html_path).unwrap();
    // 6 stories, one of the two copies left out; 2 extract runs with profiles.
    assert!(
        html.contains("6 articles (newest versions, copies left out; 0 without a date)"),
        "{html}"
    );
    assert!(html.contains("1 rejects · 1 duplicates · 2 runs"), "{html}");
    for id in ["articles-per-day", "rejects", "fill-shares", "duplicates"] {
        assert!(
            html.contains(&format!("<svg class=\"chart\" id=\"{id}\"")),
            "chart {id}"
        );
    }
    assert!(html.contains("<td>Phạm Quốc Dũng</td><td>1</td><td>Bí thư Tỉnh ủy</td>"));
    assert!(html.contains(">no_article<"));
    // Nothing to fetch when opened.
    for needle in ["<script", "src=", "<link", "@import", "url("] {
        assert!(
            !html.contains(needle),
            "{needle} in a self-contained report"
        );
    }

    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("NEWSMILL_REQUIRE_BROWSER").is_none(),
            "NEWSMILL_REQUIRE_BROWSER is set but Chromium is not installed"
        );
        eprintln!("skipped the Chromium half: chromium is not installed (.ci/run installs it)");
        return;
    };
    let profile = tempfile::tempdir().unwrap();
    let url = format!("file://{}", html_path.display());
    let dom = Command::new(browser)
        .args(HEADLESS)
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(["--enable-logging=stderr", "--v=0", "--dump-dom"])
        .arg(&url)
        .output()
        .unwrap();
    assert!(
        dom.status.success(),
        "{}",
        String::from_utf8_lossy(&dom.stderr)
    );
    let dom_text = String::from_utf8_lossy(&dom.stdout);
    assert_eq!(dom_text.matches("<svg class=\"chart\"").count(), 4);
    assert!(
        dom_text.matches("<rect class=\"bar\"").count() >= 6,
        "bars in the DOM"
    );
    assert!(dom_text.contains("<polyline class=\"line\""));
    let log = String::from_utf8_lossy(&dom.stderr);
    assert!(!log.contains("Uncaught"), "script errors: {log}");

    let shot = tmp.path().join("shot.png");
    let o = Command::new(browser)
        .args(HEADLESS)
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--screenshot={}", shot.display()))
        .args(["--window-size=1000,1400"])
        .arg(&url)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let pixels = &buf[..info.buffer_size()];
    // Coloured pixels (not white, black or grey): the bars, lines and legend swatches.
    let coloured = pixels
        .chunks(channels)
        .filter(|p| {
            let (r, g, b) = (p[0] as i32, p[1] as i32, p[2] as i32);
            (r - g).abs() > 40 || (g - b).abs() > 40 || (r - b).abs() > 40
        })
        .count();
    let total = pixels.len() / channels;
    assert!(
        coloured > total / 200,
        "the charts left no colour on the screenshot: {coloured} of {total} pixels"
    );
}

#[test]
fn a_folder_that_is_no_dataset_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let o = bin()
        .arg("report")
        .arg(tmp.path())
        .arg("--out")
        .arg(tmp.path().join("r.html"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a dataset folder"));
    assert!(!tmp.path().join("r.html").exists());
}
