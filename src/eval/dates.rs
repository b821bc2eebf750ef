//! The publication-date benchmark's format: `dates.json` maps each page file of `html/`
//! to `{url, published: "YYYY-MM-DD"}` (`published` may be null or `NaN` when the page
//! has no date).
//!
//! Its rules, kept as they are so figures compare with other tools': a page where no
//! date is found is a false negative; a date whose day equals the gold day is a true
//! positive; any other date (also one found on a page whose gold is empty) is a false
//! positive. The day is read in the page's own time zone: the offset the page stated
//! with the date (kept as `Article::published_offset`), not the UTC day, which would
//! move evening dates east of Greenwich to the next day.

use std::path::Path;

use anyhow::{Context, Result};
use rayon::prelude::*;
use serde_json::Value;

use super::{Report, article, counted_scores, read_page};
use crate::pipeline::{StageContext, process};
use crate::record::Outcome;

/// What newsmill made of one page.
struct Found {
    file: String,
    gold: Option<String>,
    /// The day found, in the page's zone, and where it was read.
    day: Option<(String, &'static str)>,
    /// Why there is no article, when the page was rejected.
    rejected: Option<&'static str>,
}

/// JSON as Python writes it may hold bare `NaN` values, which JSON forbids: they become
/// `null` (outside strings only, so a URL holding "NaN" stays as it is).
fn nan_to_null(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let (mut in_str, mut escaped) = (false, false);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if in_str {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_str = false;
            }
        } else if c == '"' {
            in_str = true;
        } else if rest.starts_with("NaN") {
            out.push_str("null");
            rest = &rest[3..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Scores every page of `dir` (`dates.json` + `html/`), each page on its own.
pub(super) fn run(dir: &Path, ctx: &StageContext) -> Result<Report> {
    let text = std::fs::read_to_string(dir.join("dates.json"))
        .with_context(|| format!("cannot read {}", dir.join("dates.json").display()))?;
    let gold: Value =
        serde_json::from_str(&nan_to_null(&text)).context("dates.json is not valid JSON")?;
    let gold = gold
        .as_object()
        .context("dates.json must map page files to {url, published}")?;
    let mut files: Vec<&String> = gold.keys().collect();
    files.sort();
    let found: Vec<Found> = files
        .par_iter()
        .map(|file| {
            let g = &gold[file.as_str()];
            let url = g["url"].as_str().map(str::to_string);
            let outcome = read_page(&dir.join("html").join(file.as_str()), url)
                .ok()
                .map(|raw| process(&raw, ctx));
            let rejected = match &outcome {
                Some(Outcome::Reject(r)) => Some(r.reason),
                None => Some("read_error"),
                _ => None,
            };
            let day = outcome.and_then(article).and_then(|a| {
                let at = a.published_at?;
                let zone = a
                    .published_offset
                    .unwrap_or(chrono::FixedOffset::east_opt(0)?);
                let day = at.with_timezone(&zone).format("%Y-%m-%d").to_string();
                Some((day, a.date_source.unwrap_or("?")))
            });
            Found {
                file: (*file).clone(),
                gold: g["published"]
                    .as_str()
                    .map(str::to_string)
                    .filter(|s| !s.is_empty()),
                day,
                rejected,
            }
        })
        .collect();
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    let mut per_page = Vec::new();
    for f in &found {
        let want = f.gold.as_deref().unwrap_or("none");
        match &f.day {
            Some((day, _)) if f.gold.as_deref() == Some(day.as_str()) => tp += 1,
            Some((day, source)) => {
                fp += 1;
                per_page.push(format!(
                    "{:<48} WRONG    {day} ({source}), want {want}",
                    f.file
                ));
            }
            None => {
                fn_ += 1;
                let why = f
                    .rejected
                    .map(|r| format!(" (rejected: {r})"))
                    .unwrap_or_default();
                per_page.push(format!("{:<48} MISSING  want {want}{why}", f.file));
            }
        }
    }
    let scores = counted_scores(tp, fp, fn_, tp, found.len());
    Ok(Report {
        format: "publication dates",
        pages: found.len(),
        scores,
        per_page,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nan_becomes_null_outside_strings_only() {
        assert_eq!(
            nan_to_null(r#"{"a": {"url": "https://x/NaN\"NaN", "published": NaN}}"#),
            r#"{"a": {"url": "https://x/NaN\"NaN", "published": null}}"#
        );
    }

    fn page(date_markup: &str) -> String {
        let para = "<p>A paragraph of the story with enough words in it to count as the running text of an article page, written for this test only.</p>";
        format!(
            "<html lang=en><head><title>A headline for the test</title>{date_markup}</head><body><article><h1>A headline for the test</h1>{p}{p}{p}</article></body></html>",
            p = para
        )
    }

    #[test]
    fn scores_by_the_benchmark_rules() {
        let dir = tempfile::tempdir().unwrap();
        let html = dir.path().join("html");
        std::fs::create_dir(&html).unwrap();
        // Right, with the day read in the page's own zone (the UTC day is the 16th).
        std::fs::write(
            html.join("a.html"),
            page(r#"<meta property="article:published_time" content="2019-10-17T00:30:00+02:00">"#),
        )
        .unwrap();
        // Wrong day.
        std::fs::write(
            html.join("b.html"),
            page(r#"<meta property="article:published_time" content="2019-10-18T10:00:00Z">"#),
        )
        .unwrap();
        // No date at all.
        std::fs::write(html.join("c.html"), page("")).unwrap();
        // Not an article: no date either.
        std::fs::write(html.join("d.html"), "<html><body><p>Hi</p></body></html>").unwrap();
        std::fs::write(
            dir.path().join("dates.json"),
            r#"{"a.html": {"url": "https://example.org/a", "published": "2019-10-17"},
                "b.html": {"url": "https://example.org/b", "published": "2019-10-17"},
                "c.html": {"url": "https://example.org/c", "published": "2019-10-17"},
                "d.html": {"url": "https://example.org/d", "published": NaN}}"#,
        )
        .unwrap();
        let ctx = StageContext::new(Default::default());
        let r = run(dir.path(), &ctx).unwrap();
        assert_eq!(r.pages, 4);
        let near = |k: &str, v: f64| (r.scores[k] - v).abs() < 1e-9;
        assert!(near("precision", 0.5), "{:?}", r.scores);
        assert!(near("recall", 1.0 / 3.0), "{:?}", r.scores);
        assert!(near("accuracy", 0.25), "{:?}", r.scores);
        assert!(near("f1", 0.4), "{:?}", r.scores);
        assert_eq!(r.per_page.len(), 3, "{:?}", r.per_page);
        assert!(r.per_page[0].contains("WRONG    2019-10-18 (meta)"));
        assert!(r.per_page[2].contains("rejected: no_article"));
    }
}
