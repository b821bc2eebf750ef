//! `newsmill eval`: extraction quality on labelled pages.
//!
//! Two label formats are read: the per-page JSON labels of the vi-news corpus (title,
//! category, published, lead, authors, body snippets that must or must not appear,
//! images with captions, participants), and the article-extraction benchmark's
//! `ground-truth.json` (`articleBody` per page id), scored with its shingle metric.
//! Users label a few pages of their own sites the same way to check a pipeline before
//! scheduling it; CI runs it against a baseline so quality cannot slip unnoticed.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use rayon::prelude::*;
use serde_json::Value;

use crate::error::UsageError;
use crate::normalise::text::{ToneStyle, clean};
use crate::pipeline::{StageContext, process};
use crate::record::{Article, Outcome, RawPage};

mod dates;
mod people;
mod snippets;
pub use people::text_passages;

/// Scores by name, e.g. `title` or `f1`.
pub type Scores = BTreeMap<String, f64>;

/// The result of an evaluation.
pub struct Report {
    pub format: &'static str,
    pub pages: usize,
    pub scores: Scores,
    /// One line per page, shown with `--verbose`.
    pub per_page: Vec<String>,
}

impl Report {
    pub fn render(&self, verbose: bool) -> String {
        let mut s = format!("{} pages ({})\n", self.pages, self.format);
        if verbose {
            for l in &self.per_page {
                s.push_str(l);
                s.push('\n');
            }
            s.push('\n');
        }
        for (k, v) in &self.scores {
            let _ = writeln!(s, "{k:<20} {v:.3}");
        }
        s
    }

    /// Scores that fell more than `tolerance` under a baseline.
    pub fn regressions(&self, baseline: &Scores, tolerance: f64) -> Vec<String> {
        baseline
            .iter()
            .filter_map(|(k, want)| {
                let got = self.scores.get(k).copied().unwrap_or(0.0);
                (got + tolerance < *want).then(|| {
                    format!("{k}: {got:.3} is more than {tolerance} under the baseline {want:.3}")
                })
            })
            .collect()
    }
}

/// Comparison form of a label or an extracted value: the page text normalised the same
/// way on both sides (NFC, tone style, whitespace, no space before closing punctuation).
pub fn norm(s: &str) -> String {
    let c = clean(s, ToneStyle::Old);
    let mut out = String::with_capacity(c.len());
    for ch in c.chars() {
        if matches!(ch, ',' | '.' | ';' | ':' | '!' | '?' | ')') && out.ends_with(' ') {
            out.pop();
        }
        out.push(ch);
    }
    out
}

fn read_page(path: &Path, url: Option<String>) -> Result<RawPage> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(RawPage {
        source: path.display().to_string(),
        url,
        content_type: None,
        fetched_at: Utc::now(),
        bytes,
    })
}

/// Runs the labelled pages of `dir` and scores them. The format is recognised from
/// the folder: `labels/*.json` with `html/`, `labels/*.json` with `texts/` (people in
/// article texts), `ground-truth.json` with `html/`, `dates.json` with `html/`, or
/// `evaldata.json` (passages with and without) beside the pages.
///
/// With `site`, a pipeline file's parse rules and lexicon apply, as in a crawl.
pub fn run(dir: &Path, threads: usize, site: Option<&crate::config::Loaded>) -> Result<Report> {
    let mut ctx = StageContext::new(Default::default());
    if let Some(cfg) = site {
        ctx = ctx.with_pipeline(cfg)?;
    }
    let ctx = Arc::new(ctx);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .context("cannot start the worker threads")?;
    if dir.join("ground-truth.json").is_file() {
        pool.install(|| bench(dir, &ctx))
    } else if dir.join("labels").is_dir() && dir.join("texts").is_dir() {
        pool.install(|| people::run(dir, &ctx))
    } else if dir.join("labels").is_dir() {
        pool.install(|| labelled(dir, &ctx))
    } else if dir.join("dates.json").is_file() {
        pool.install(|| dates::run(dir, &ctx))
    } else if dir.join("evaldata.json").is_file() {
        pool.install(|| snippets::run(dir, &ctx))
    } else {
        Err(UsageError(format!(
            "{} holds none of labels/ (with html/ or texts/), ground-truth.json, dates.json or evaldata.json; see README.md for the label formats",
            dir.display()
        ))
        .into())
    }
}

fn article(outcome: Outcome) -> Option<Box<Article>> {
    match outcome {
        Outcome::Article(a) => Some(a),
        Outcome::Reject(_) => None,
    }
}

// ---------------------------------------------------------------- benchmark format

/// Tokens as Python's `\w+`: letters, digits and `_`, but not combining marks.
pub fn tokens(text: &str) -> Vec<&str> {
    let is_word = |c: char| {
        (c.is_alphanumeric() || c == '_') && !unicode_normalization::char::is_combining_mark(c)
    };
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (is_word(c), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(&text[s..i]);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(&text[s..]);
    }
    out
}

fn shingles(text: &str) -> HashMap<Vec<&str>, usize> {
    let t = tokens(text);
    let mut m: HashMap<Vec<&str>, usize> = HashMap::new();
    if t.is_empty() {
        return m;
    }
    if t.len() < 4 {
        m.insert(t, 1);
        return m;
    }
    for w in t.windows(4) {
        *m.entry(w.to_vec()).or_default() += 1;
    }
    m
}

/// Per-page precision and recall of `pred` against `truth` (the benchmark's metric).
pub fn page_pr(truth: &str, pred: &str) -> (f64, f64) {
    let (t, p) = (shingles(truth), shingles(pred));
    let tp: usize = t
        .iter()
        .map(|(k, n)| (*n).min(p.get(k).copied().unwrap_or(0)))
        .sum();
    let fp: usize = p.values().sum::<usize>() - tp;
    let fn_: usize = t.values().sum::<usize>() - tp;
    if fp == 0 && fn_ == 0 {
        return (1.0, 1.0);
    }
    let prec = if tp + fp == 0 {
        0.0
    } else {
        tp as f64 / (tp + fp) as f64
    };
    let rec = if tp + fn_ == 0 {
        0.0
    } else {
        tp as f64 / (tp + fn_) as f64
    };
    (prec, rec)
}

/// One benchmark page's score.
struct PageScore {
    id: String,
    /// Precision and recall, `None` when nothing was extracted.
    pr: Option<(f64, f64)>,
    truth_empty: bool,
    exact: bool,
}

fn bench(dir: &Path, ctx: &StageContext) -> Result<Report> {
    let truth: Value = serde_json::from_slice(&std::fs::read(dir.join("ground-truth.json"))?)
        .context("ground-truth.json is not valid JSON")?;
    let truth = truth
        .as_object()
        .context("ground-truth.json must map page ids to {articleBody, url}")?;
    let mut ids: Vec<&String> = truth.keys().collect();
    ids.sort();
    let results: Vec<PageScore> = ids
        .par_iter()
        .map(|id| {
            let t = &truth[id.as_str()];
            let body = t["articleBody"].as_str().unwrap_or("");
            let path = ["html", "html.gz"]
                .iter()
                .map(|e| dir.join("html").join(format!("{id}.{e}")))
                .find(|p| p.is_file());
            let pred = path
                .and_then(|p| read_page(&p, t["url"].as_str().map(str::to_string)).ok())
                .and_then(|raw| article(process(&raw, ctx)))
                .map(|a| a.body)
                .unwrap_or_default();
            PageScore {
                id: (*id).clone(),
                pr: (!pred.is_empty()).then(|| page_pr(body, &pred)),
                truth_empty: tokens(body).is_empty(),
                exact: tokens(body) == tokens(&pred),
            }
        })
        .collect();
    // Precision leaves out empty predictions; recall counts them as 0.
    let mut per_page = Vec::new();
    let (mut psum, mut pn, mut rsum, mut rn, mut exact_n) = (0.0, 0usize, 0.0, 0usize, 0usize);
    for r in &results {
        match r.pr {
            Some((p, rec)) => {
                psum += p;
                pn += 1;
                per_page.push(format!(
                    "{:.16}  P {p:.3}  R {rec:.3}{}",
                    r.id,
                    if r.exact { "  exact" } else { "" }
                ));
            }
            None => per_page.push(format!("{:.16}  no article extracted", r.id)),
        }
        if !r.truth_empty {
            rsum += r.pr.map_or(0.0, |(_, rec)| rec);
            rn += 1;
        }
        exact_n += r.exact as usize;
    }
    let precision = if pn == 0 { 0.0 } else { psum / pn as f64 };
    let recall = if rn == 0 { 0.0 } else { rsum / rn as f64 };
    let scores = Scores::from([
        ("precision".into(), precision),
        ("recall".into(), recall),
        ("f1".into(), f1(precision, recall)),
        (
            "accuracy".into(),
            exact_n as f64 / results.len().max(1) as f64,
        ),
    ]);
    Ok(Report {
        format: "article-extraction benchmark",
        pages: results.len(),
        scores,
        per_page,
    })
}

// ---------------------------------------------------------------- labelled pages

/// An image's address without scheme and host. A page saved without its address keeps
/// relative sources ("/Files/a.jpg"), which newsmill leaves relative rather than guess a
/// host; labels write them absolute against the portal ("http://site/Files/a.jpg").
/// Both name the same picture.
fn src_key(src: &str) -> &str {
    let rest = src
        .strip_prefix("https://")
        .or_else(|| src.strip_prefix("http://"))
        .or_else(|| src.strip_prefix("//"));
    match rest {
        Some(r) => r.find('/').map_or("/", |i| &r[i..]),
        None => src,
    }
}

/// Hits out of checks for one field.
#[derive(Debug, Default, Clone, Copy)]
pub struct Tally {
    pub hit: usize,
    pub total: usize,
}

impl Tally {
    pub fn add(&mut self, ok: bool) {
        self.total += 1;
        self.hit += ok as usize;
    }
    /// Share of checks that hit (1.0 when there were none).
    pub fn rate(&self) -> f64 {
        if self.total == 0 {
            1.0
        } else {
            self.hit as f64 / self.total as f64
        }
    }
}

fn opt_eq(got: Option<&str>, want: &Value) -> bool {
    got.map(norm).filter(|s| !s.is_empty()) == want.as_str().map(norm).filter(|s| !s.is_empty())
}

fn published_ok(got: Option<DateTime<Utc>>, want: &Value) -> bool {
    match want.as_str() {
        None => got.is_none(),
        Some(w) if w.len() > 10 => {
            let want = DateTime::parse_from_rfc3339(w)
                .ok()
                .map(|d| d.timestamp() / 60);
            got.map(|g| g.timestamp() / 60) == want
        }
        Some(w) => {
            let vn = crate::normalise::dates::vietnam();
            got.map(|g| g.with_timezone(&vn).format("%Y-%m-%d").to_string())
                .as_deref()
                == Some(w)
        }
    }
}

/// `a / b`, or 0 when there is nothing to divide by.
fn share(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// Precision, recall, F1 and accuracy from counts of true and false positives and
/// false negatives, as the date and snippet benchmarks score them; `right` of `total`
/// is the accuracy, which each benchmark counts its own way.
fn counted_scores(tp: usize, fp: usize, fn_: usize, right: usize, total: usize) -> Scores {
    let (precision, recall) = (share(tp, tp + fp), share(tp, tp + fn_));
    Scores::from([
        ("precision".into(), precision),
        ("recall".into(), recall),
        ("f1".into(), f1(precision, recall)),
        ("accuracy".into(), share(right, total)),
    ])
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

fn labelled(dir: &Path, ctx: &StageContext) -> Result<Report> {
    let mut labels: Vec<PathBuf> = std::fs::read_dir(dir.join("labels"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    labels.sort();
    let pages: Vec<(Value, Option<Box<Article>>)> = labels
        .par_iter()
        .map(|lp| {
            let l: Value = std::fs::read(lp)
                .ok()
                .and_then(|b| serde_json::from_slice(&b).ok())
                .unwrap_or(Value::Null);
            let file = l["file"].as_str().unwrap_or("");
            let a = read_page(&dir.join("html").join(file), None)
                .ok()
                .and_then(|raw| article(process(&raw, ctx)));
            (l, a)
        })
        .collect();
    let names = [
        "title",
        "category",
        "published",
        "lead",
        "authors",
        "body_include",
        "body_exclude",
        "captions",
    ];
    let mut t: BTreeMap<&str, Tally> = names
        .iter()
        .map(|n| (*n, Tally { hit: 0, total: 0 }))
        .collect();
    let (mut img_tp, mut img_got, mut img_want) = (0usize, 0usize, 0usize);
    let mut ppl = people::PeopleTally::default();
    let (mut macro_p, mut macro_r): (Vec<f64>, Vec<f64>) = (Vec::new(), Vec::new());
    let ratio = |a: usize, b: usize| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    let mut per_page = Vec::new();
    let mut sites: BTreeMap<String, SiteTally> = BTreeMap::new();
    for (l, a) in &pages {
        let file = l["file"].as_str().unwrap_or("?");
        let site = sites
            .entry(l["site"].as_str().unwrap_or("?").to_string())
            .or_default();
        site.pages += 1;
        let Some(a) = a else {
            per_page.push(format!("{file:<48} NOT EXTRACTED"));
            for n in names {
                for tally in [&mut t, &mut site.fields] {
                    tally.entry(n).or_default().add(false);
                }
            }
            let imgs = l["images"].as_array().map_or(0, Vec::len);
            img_want += imgs;
            site.img_want += imgs;
            let people = l["participants"].as_array().map_or(0, Vec::len);
            ppl.want += people;
            site.ppl.want += people;
            continue;
        };
        let mut page_t: BTreeMap<&str, Tally> = BTreeMap::new();
        let mut misses: Vec<String> = Vec::new();
        let mut check =
            |name: &'static str, ok: bool, what: String, t: &mut BTreeMap<&str, Tally>| {
                t.entry(name).or_default().add(ok);
                if !ok {
                    misses.push(format!("{name}: {what}"));
                }
            };
        check(
            "title",
            opt_eq(Some(&a.title), &l["title"]),
            format!("got {:?}", a.title),
            &mut page_t,
        );
        check(
            "category",
            opt_eq(a.category.as_deref(), &l["category"]),
            format!("got {:?} want {}", a.category, l["category"]),
            &mut page_t,
        );
        check(
            "published",
            published_ok(a.published_at, &l["published"]),
            format!(
                "got {:?} want {}",
                a.published_at.map(|d| d.to_rfc3339()),
                l["published"]
            ),
            &mut page_t,
        );
        check(
            "lead",
            opt_eq(a.lead.as_deref(), &l["lead"]),
            format!("got {:.60}", a.lead.clone().unwrap_or_default()),
            &mut page_t,
        );
        let want_authors: Vec<String> = l["authors"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(norm))
            .collect();
        let got_authors: Vec<String> = a.authors.iter().map(|s| norm(s)).collect();
        check(
            "authors",
            want_authors == got_authors,
            format!("got {got_authors:?} want {want_authors:?}"),
            &mut page_t,
        );
        let body = norm(&a.body);
        for s in l["body_must_include"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            check(
                "body_include",
                body.contains(&norm(s)),
                format!("missing {s:.60}"),
                &mut page_t,
            );
        }
        for s in l["body_must_exclude"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            check(
                "body_exclude",
                !body.contains(&norm(s)),
                format!("has {s:.60}"),
                &mut page_t,
            );
        }
        let want_imgs = l["images"].as_array().cloned().unwrap_or_default();
        let got_srcs: HashSet<&str> = a.images.iter().map(|i| src_key(&i.src)).collect();
        let tp = want_imgs
            .iter()
            .filter(|w| {
                w["src"]
                    .as_str()
                    .is_some_and(|s| got_srcs.contains(src_key(s)))
            })
            .count();
        for w in &want_imgs {
            if let Some(g) = a
                .images
                .iter()
                .find(|g| w["src"].as_str().map(src_key) == Some(src_key(&g.src)))
            {
                check(
                    "captions",
                    opt_eq(g.caption.as_deref(), &w["caption"]),
                    format!("caption of {:.40}: got {:?}", g.src, g.caption),
                    &mut page_t,
                );
            }
        }
        img_tp += tp;
        img_got += a.images.len();
        img_want += want_imgs.len();
        site.img_tp += tp;
        site.img_want += want_imgs.len();
        let want_people = l["participants"].as_array().cloned().unwrap_or_default();
        let before = ppl;
        let diff = ppl.add(&want_people, &a.participants);
        let (ptp, got_n, want_n) = (
            ppl.tp - before.tp,
            ppl.got - before.got,
            ppl.want - before.want,
        );
        // Macro figures: each page with labelled people counts once.
        if want_n > 0 || got_n > 0 {
            macro_p.push(ratio(ptp, got_n));
            macro_r.push(ratio(ptp, want_n));
        }
        site.ppl.merge(&ppl.since(&before));
        for (name, x) in &page_t {
            for tally in [&mut t, &mut site.fields] {
                let e = tally.entry(name).or_default();
                e.hit += x.hit;
                e.total += x.total;
            }
        }
        misses.extend(diff.lines());
        per_page.push(format!(
            "{file:<48} images {tp}/{} of {}  people {ptp}/{} of {}{}",
            a.images.len(),
            want_imgs.len(),
            got_n,
            want_n,
            if misses.is_empty() {
                String::new()
            } else {
                format!("\n    {}", misses.join("\n    "))
            }
        ));
    }
    if sites.len() > 1 {
        per_page.push(String::new());
        per_page.extend(site_table(&sites, &names));
    }
    let mut scores: Scores = t.iter().map(|(k, v)| (k.to_string(), v.rate())).collect();
    let (ip, ir) = (ratio(img_tp, img_got), ratio(img_tp, img_want));
    scores.insert("image_precision".into(), ip);
    scores.insert("image_recall".into(), ir);
    ppl.insert_scores(&mut scores, "");
    let mean = |v: &[f64]| {
        if v.is_empty() {
            1.0
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    };
    scores.insert("people_precision_macro".into(), mean(&macro_p));
    scores.insert("people_recall_macro".into(), mean(&macro_r));
    Ok(Report {
        format: "per-page labels",
        pages: pages.len(),
        scores,
        per_page,
    })
}

/// One portal's share of a labelled set, for the per-portal table.
#[derive(Default)]
struct SiteTally {
    pages: usize,
    fields: BTreeMap<&'static str, Tally>,
    img_tp: usize,
    img_want: usize,
    ppl: people::PeopleTally,
}

/// The per-portal table of `--verbose`: each field's score on each site's pages.
fn site_table(sites: &BTreeMap<String, SiteTally>, names: &[&'static str]) -> Vec<String> {
    let short = |n: &str| n.chars().take(8).collect::<String>();
    let mut head = format!("{:<24} {:>5}", "site", "pages");
    for n in names {
        let _ = write!(head, " {:>8}", short(n));
    }
    let _ = write!(
        head,
        " {:>8} {:>8} {:>8} {:>8}",
        "img_rec", "ppl_P", "ppl_R", "pair_f1"
    );
    let mut out = vec![head];
    for (site, s) in sites {
        let mut row = format!("{site:<24} {:>5}", s.pages);
        for n in names {
            let _ = match s.fields.get(n) {
                Some(x) if x.total > 0 => write!(row, " {:>8.3}", x.rate()),
                _ => write!(row, " {:>8}", "-"),
            };
        }
        let img = if s.img_want == 0 {
            "-".to_string()
        } else {
            format!("{:.3}", s.img_tp as f64 / s.img_want as f64)
        };
        let _ = write!(
            row,
            " {img:>8} {:>8.3} {:>8.3} {:>8.3}",
            s.ppl.precision(),
            s.ppl.recall(),
            s.ppl.pair_f1()
        );
        out.push(row);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_sources_compare_without_scheme_and_host() {
        assert_eq!(src_key("http://site.vn/Files/a.jpg"), "/Files/a.jpg");
        assert_eq!(
            src_key("https://cdn.site.vn/Files/a.jpg?w=1"),
            "/Files/a.jpg?w=1"
        );
        assert_eq!(src_key("//site.vn/Files/a.jpg"), "/Files/a.jpg");
        assert_eq!(src_key("/Files/a.jpg"), "/Files/a.jpg");
        assert_ne!(
            src_key("http://site.vn/Files/a.jpg"),
            src_key("/Files/b.jpg")
        );
    }

    #[test]
    fn tokens_follow_python_word_rule() {
        assert_eq!(
            tokens("Hello, world_1! Xin chào"),
            vec!["Hello", "world_1", "Xin", "chào"]
        );
        // A combining mark splits a word, as Python's \\w does.
        assert_eq!(tokens("a\u{0301}b"), vec!["a", "b"]);
    }

    #[test]
    fn metric_counts_shingles() {
        assert_eq!(page_pr("a b c d e", "a b c d e"), (1.0, 1.0));
        let (p, r) = page_pr("a b c d e", "a b c d");
        assert_eq!((p, r), (1.0, 0.5));
        assert_eq!(page_pr("one two", "one two"), (1.0, 1.0));
        assert_eq!(page_pr("a b c d", ""), (0.0, 0.0));
    }
}
