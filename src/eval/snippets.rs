//! The snippet format of trafilatura's multilingual evaluation set: `evaldata.json`
//! maps each page's URL to `{file, with: [...], without: [...]}`, the pages lying in
//! `html/`, `eval/` or `cache/` beside it. `with` holds passages of the main text that
//! must be extracted (often at its start and end, where extractors fail), `without`
//! passages of boilerplate that must not be.
//!
//! It is dev data of a different make from the other sets: 990 pages of news, blogs,
//! shops and public bodies in many languages, labelled by hand. Its rules, as its
//! authors score it: a `with` passage found is a true positive, one missing a false
//! negative (so is every `with` passage of a rejected page); a `without` passage found
//! is a false positive, one absent a true negative. Passages and the text searched are
//! put in the same comparison form as the vi-news labels' body snippets ([`norm`]:
//! NFC, one space for each run of white space, no soft hyphens). The text searched is
//! the lead and the body, what a reader sees of the article under its headline.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use rayon::prelude::*;
use serde_json::Value;

use super::{Report, article, counted_scores, norm, read_page};
use crate::pipeline::{StageContext, process};
use crate::record::Outcome;

/// Where one page's passages were found.
struct Found {
    file: String,
    missing: Vec<String>,
    leaked: Vec<String>,
    with: usize,
    without: usize,
    rejected: Option<&'static str>,
}

fn passages(entry: &Value, key: &str) -> Vec<String> {
    entry[key]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).map(norm).collect())
        .unwrap_or_default()
}

/// The page file named `file`, in the first of the folders that holds it.
fn page_path(dir: &Path, file: &str) -> Option<PathBuf> {
    ["html", "eval", "cache"]
        .iter()
        .map(|sub| dir.join(sub).join(file))
        .find(|p| p.is_file())
}

/// Scores every page of `dir` (`evaldata.json` and the page folders), each on its own.
pub fn run(dir: &Path, ctx: &StageContext) -> Result<Report> {
    let path = dir.join("evaldata.json");
    let data: Value = serde_json::from_slice(
        &std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?,
    )
    .with_context(|| format!("{} is not valid JSON", path.display()))?;
    let data = data.as_object().with_context(|| {
        format!(
            "{} must map URLs to {{file, with, without}}",
            path.display()
        )
    })?;
    let mut entries: Vec<(&String, &Value)> = data.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    let found: Vec<Found> = entries
        .par_iter()
        .filter_map(|(url, entry)| {
            let file = entry["file"].as_str()?;
            let (with, without) = (passages(entry, "with"), passages(entry, "without"));
            let outcome = page_path(dir, file)
                .and_then(|p| read_page(&p, Some((*url).clone())).ok())
                .map(|raw| process(&raw, ctx));
            let rejected = match &outcome {
                Some(Outcome::Reject(r)) => Some(r.reason),
                None => Some("missing_file"),
                _ => None,
            };
            let text = outcome
                .and_then(article)
                .map(|a| norm(&format!("{}\n{}", a.lead.unwrap_or_default(), a.body)))
                .unwrap_or_default();
            Some(Found {
                file: file.to_string(),
                with: with.len(),
                without: without.len(),
                missing: with
                    .into_iter()
                    .filter(|w| !text.contains(w.as_str()))
                    .collect(),
                leaked: without
                    .into_iter()
                    .filter(|w| text.contains(w.as_str()))
                    .collect(),
                rejected,
            })
        })
        .collect();
    let (mut tp, mut fn_, mut fp, mut tn) = (0usize, 0usize, 0usize, 0usize);
    let mut per_page = Vec::new();
    for f in &found {
        tp += f.with - f.missing.len();
        fn_ += f.missing.len();
        fp += f.leaked.len();
        tn += f.without - f.leaked.len();
        if let Some(reason) = f.rejected {
            per_page.push(format!("{}  rejected: {reason}", f.file));
        } else if !f.missing.is_empty() || !f.leaked.is_empty() {
            let show = |v: &[String]| {
                v.iter()
                    .map(|s| format!("{:?}", s.chars().take(50).collect::<String>()))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            per_page.push(format!(
                "{}  missing {}/{} [{}]  leaked {}/{} [{}]",
                f.file,
                f.missing.len(),
                f.with,
                show(&f.missing),
                f.leaked.len(),
                f.without,
                show(&f.leaked)
            ));
        }
    }
    let scores = counted_scores(tp, fp, fn_, tp + tn, tp + tn + fp + fn_);
    Ok(Report {
        format: "snippet evaluation (with / without passages)",
        pages: found.len(),
        scores,
        per_page,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_passages_found_and_leaked() {
        let dir = tempfile::tempdir().unwrap();
        let html = dir.path().join("eval");
        std::fs::create_dir(&html).unwrap();
        let para = "The ferry company added an early crossing on weekdays, so people who start work before seven no longer wait an hour at the pier.";
        std::fs::write(
            html.join("a.html"),
            format!(
                r#"<html><head><title>Ferry adds a crossing</title></head><body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
                <h1>Ferry adds a crossing</h1><article><p>{para}</p><p>{para}</p><p>Tickets cost the same as   before.</p></article>
                <footer><p>Imprint and privacy of the ferry company's own site.</p></footer></body></html>"#
            ),
        )
        .unwrap();
        std::fs::write(html.join("b.html"), "<html><body><p>Hi</p></body></html>").unwrap();
        std::fs::write(
            dir.path().join("evaldata.json"),
            r#"{"https://example.org/a": {"file": "a.html",
                   "with": ["Tickets cost the same as before", "an early crossing on weekdays", "a line that is not there"],
                   "without": ["Imprint and privacy", "Home News"]},
                "https://example.org/b": {"file": "b.html", "with": ["Hi there"], "without": ["Contact"]}}"#,
        )
        .unwrap();
        let ctx = StageContext::new(Default::default());
        let r = run(dir.path(), &ctx).unwrap();
        assert_eq!(r.pages, 2);
        // a: 2 of 3 found, no boilerplate leaked; b: rejected, so its passage is missing.
        let near = |k: &str, v: f64| (r.scores[k] - v).abs() < 1e-9;
        assert!(near("precision", 1.0), "{:?}", r.scores);
        assert!(near("recall", 0.5), "{:?}", r.scores);
        assert!(near("accuracy", 5.0 / 7.0), "{:?}", r.scores);
        assert!(r.per_page[0].contains("missing 1/3"), "{:?}", r.per_page);
        assert!(
            r.per_page[1].contains("rejected: no_article"),
            "{:?}",
            r.per_page
        );
    }
}
