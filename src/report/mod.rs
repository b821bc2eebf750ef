//! `newsmill report DIR --out report.html`: one self-contained HTML file to look at a
//! dataset: articles per day and site, rejects by reason, the quality profile run by
//! run (the drift lines), the people named most and their titles, duplicates by method.
//!
//! The file needs nothing when opened (no network, no script library): charts are
//! inline SVG drawn here ([`svg`]). Articles are counted as an export would read them,
//! newest version of each, copies left out.

pub mod svg;

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use arrow_array::Array;
use arrow_array::cast::AsArray;
use arrow_array::types::TimestampMicrosecondType;
use chrono::{DateTime, NaiveDate};
use rustc_hash::FxHashSet;

use crate::select::versions::{self, Keep};
use svg::esc;

/// Sites drawn as their own series; the rest are "other sites".
const TOP_SITES: usize = 7;
/// People listed.
const TOP_PEOPLE: usize = 25;

/// Articles naming a person, and the titles given them with their counts.
pub type Named = (u64, HashMap<String, u64>);

/// What the report shows, gathered from the dataset.
#[derive(Debug, Default)]
pub struct Facts {
    pub articles: u64,
    pub undated: u64,
    /// Articles per published day and site.
    pub per_day: BTreeMap<NaiveDate, BTreeMap<String, u64>>,
    pub rejects: BTreeMap<String, u64>,
    pub duplicates: BTreeMap<String, u64>,
    /// (run id, site, profile) of each run with a profile, oldest first.
    pub runs: Vec<(String, String, crate::drift::Profile)>,
    /// Person -> (articles naming them, titles with counts).
    pub people: HashMap<String, Named>,
}

fn read(
    path: &Path,
    columns: &[&str],
) -> Result<parquet::arrow::arrow_reader::ParquetRecordBatchReader> {
    let f = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let b = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(f)
        .with_context(|| format!("{} is not a readable Parquet file", path.display()))?;
    let mask = parquet::arrow::ProjectionMask::columns(b.parquet_schema(), columns.iter().copied());
    b.with_projection(mask)
        .with_batch_size(crate::export::writer::BATCH_ROWS)
        .build()
        .with_context(|| format!("cannot read {}", path.display()))
}

/// Counts of a text column over every file of a table.
fn count_column(dir: &Path, table: &str, column: &str) -> Result<BTreeMap<String, u64>> {
    let mut counts = BTreeMap::new();
    for f in crate::inspect::table_files(dir, table)? {
        for batch in read(&f, &[column])? {
            let batch = batch.with_context(|| format!("cannot read {}", f.display()))?;
            let Some(values) = batch
                .column_by_name(column)
                .and_then(|c| c.as_string_opt::<i32>())
            else {
                continue;
            };
            for v in values.iter().flatten() {
                *counts.entry(v.to_string()).or_default() += 1;
            }
        }
    }
    Ok(counts)
}

/// Reads what the report shows.
pub fn gather(dir: &Path) -> Result<Facts> {
    let articles = crate::inspect::dataset_articles(dir)?;
    let duplicates = crate::inspect::table_files(dir, "duplicates")?;
    let mut facts = Facts::default();
    let selection = versions::select(
        &articles,
        &duplicates,
        Keep::default(),
        versions::CHUNK_ENTRIES,
    )?;
    for (f, path) in articles.iter().enumerate() {
        let mut row = 0usize;
        let mut kept_ids: FxHashSet<String> = FxHashSet::default();
        for batch in read(path, &["article_id", "site", "published_at"])? {
            let batch = batch.with_context(|| format!("cannot read {}", path.display()))?;
            let ids = batch
                .column_by_name("article_id")
                .and_then(|c| c.as_string_opt::<i32>());
            let sites = batch
                .column_by_name("site")
                .and_then(|c| c.as_string_opt::<i32>());
            let published = batch
                .column_by_name("published_at")
                .and_then(|c| c.as_primitive_opt::<TimestampMicrosecondType>());
            for i in 0..batch.num_rows() {
                let kept = selection.contains(f, row + i);
                if !kept {
                    continue;
                }
                facts.articles += 1;
                if let Some(ids) = ids.filter(|c| c.is_valid(i)) {
                    kept_ids.insert(ids.value(i).to_string());
                }
                let site = sites
                    .filter(|c| c.is_valid(i))
                    .map(|c| c.value(i).to_string())
                    .unwrap_or_else(|| "(no site)".into());
                let day = published
                    .filter(|c| c.is_valid(i))
                    .and_then(|c| DateTime::from_timestamp_micros(c.value(i)))
                    .map(|t| t.date_naive());
                match day {
                    Some(d) => *facts.per_day.entry(d).or_default().entry(site).or_default() += 1,
                    None => facts.undated += 1,
                }
            }
            row += batch.num_rows();
        }
        let people = dir
            .join("participants")
            .join(format!("{}.parquet", versions::run_of(path)));
        if people.is_file() {
            count_people(&people, &kept_ids, &mut facts.people)?;
        }
    }
    facts.rejects = count_column(dir, "rejects", "reason")?;
    facts.duplicates = count_column(dir, "duplicates", "method")?;
    facts.runs = runs(dir);
    Ok(facts)
}

fn count_people(
    path: &Path,
    kept: &FxHashSet<String>,
    people: &mut HashMap<String, Named>,
) -> Result<()> {
    for batch in read(path, &["article_id", "name", "titles"])? {
        let batch = batch.with_context(|| format!("cannot read {}", path.display()))?;
        let (Some(ids), Some(names)) = (
            batch
                .column_by_name("article_id")
                .and_then(|c| c.as_string_opt::<i32>()),
            batch
                .column_by_name("name")
                .and_then(|c| c.as_string_opt::<i32>()),
        ) else {
            continue;
        };
        let titles = batch
            .column_by_name("titles")
            .and_then(|c| c.as_list_opt::<i32>());
        for i in 0..batch.num_rows() {
            if !ids.is_valid(i) || !names.is_valid(i) || !kept.contains(ids.value(i)) {
                continue;
            }
            let entry = people.entry(names.value(i).to_string()).or_default();
            entry.0 += 1;
            if let Some(t) = titles.filter(|t| t.is_valid(i)) {
                let items = t.value(i);
                if let Some(items) = items.as_string_opt::<i32>() {
                    for title in items.iter().flatten() {
                        *entry.1.entry(title.to_string()).or_default() += 1;
                    }
                }
            }
        }
    }
    Ok(())
}

/// Profiles of the runs, oldest first (runs written before profiles existed are left out).
fn runs(dir: &Path) -> Vec<(String, String, crate::drift::Profile)> {
    crate::export::manifest::read_all(dir)
        .into_iter()
        .filter_map(|m| {
            let profile: crate::drift::Profile =
                serde_json::from_value(m["profile"].clone()).ok()?;
            if m["command"] == "dedupe" || profile.articles == 0 {
                return None;
            }
            let site = m["crawl"]["site"].as_str().unwrap_or("").to_string();
            Some((m["run_id"].as_str()?.to_string(), site, profile))
        })
        .collect()
}

/// The HTML page.
pub fn render(dir: &Path, facts: &Facts) -> String {
    let mut h = String::new();
    let title = format!("newsmill report: {}", dir.display());
    let _ = write!(
        h,
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{}</title><style>{STYLE}</style></head><body><h1>{}</h1>"#,
        esc(&title),
        esc(&title)
    );
    let _ = write!(
        h,
        r#"<p class="totals">{} articles (newest versions, copies left out; {} without a date) · {} rejects · {} duplicates · {} runs</p>"#,
        facts.articles,
        facts.undated,
        facts.rejects.values().sum::<u64>(),
        facts.duplicates.values().sum::<u64>(),
        facts.runs.len()
    );

    // Articles per day (per month when the span is long), by site.
    h.push_str("<h2>Articles per day, by site</h2>");
    let mut site_totals: BTreeMap<&str, u64> = BTreeMap::new();
    for by_site in facts.per_day.values() {
        for (s, n) in by_site {
            *site_totals.entry(s).or_default() += n;
        }
    }
    let mut sites: Vec<(&str, u64)> = site_totals.into_iter().collect();
    sites.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let shown: Vec<&str> = sites.iter().take(TOP_SITES).map(|s| s.0).collect();
    let monthly = facts.per_day.len() > 120;
    let mut buckets: BTreeMap<String, BTreeMap<&str, u64>> = BTreeMap::new();
    for (day, by_site) in &facts.per_day {
        let key = if monthly {
            day.format("%Y-%m").to_string()
        } else {
            day.to_string()
        };
        let b = buckets.entry(key).or_default();
        for (s, n) in by_site {
            let s = if shown.contains(&s.as_str()) {
                s.as_str()
            } else {
                "other sites"
            };
            *b.entry(s).or_default() += n;
        }
    }
    if buckets.is_empty() {
        h.push_str("<p>No article has a publication date.</p>");
    } else {
        let labels: Vec<String> = buckets.keys().cloned().collect();
        let mut names: Vec<&str> = shown.clone();
        if sites.len() > TOP_SITES {
            names.push("other sites");
        }
        let series: Vec<(String, Vec<f64>)> = names
            .iter()
            .map(|n| {
                (
                    n.to_string(),
                    buckets
                        .values()
                        .map(|b| *b.get(n).unwrap_or(&0) as f64)
                        .collect(),
                )
            })
            .collect();
        if monthly {
            h.push_str("<p class=\"note\">Per month: the dataset spans more than 120 days.</p>");
        }
        h.push_str(&svg::stacked_bars("articles-per-day", &labels, &series));
    }

    h.push_str("<h2>Rejects by reason</h2>");
    if facts.rejects.is_empty() {
        h.push_str("<p>No page was rejected.</p>");
    } else {
        let mut rows: Vec<(String, f64)> = facts
            .rejects
            .iter()
            .map(|(r, n)| (r.clone(), *n as f64))
            .collect();
        rows.sort_by(|a, b| b.1.total_cmp(&a.1));
        h.push_str(&svg::hbars("rejects", &rows));
    }

    h.push_str("<h2>Fields filled, run by run</h2>");
    if facts.runs.is_empty() {
        h.push_str("<p>No run of this dataset recorded a quality profile.</p>");
    } else {
        let labels: Vec<String> = facts
            .runs
            .iter()
            .map(|(id, site, _)| {
                let when = id.get(..13).unwrap_or(id);
                if site.is_empty() {
                    when.to_string()
                } else {
                    format!("{when} {site}")
                }
            })
            .collect();
        let field = |name: &str, get: fn(&crate::drift::Profile) -> f64| {
            (
                name.to_string(),
                facts.runs.iter().map(|r| get(&r.2)).collect::<Vec<f64>>(),
            )
        };
        let series = vec![
            field("published_at", |p| p.published_at),
            field("authors", |p| p.authors),
            field("lead", |p| p.lead),
            field("images", |p| p.images),
            field("participants", |p| p.participants),
            field("rejected", |p| p.rejected),
        ];
        h.push_str(&svg::share_lines("fill-shares", &labels, &series));
    }

    h.push_str("<h2>People named most</h2>");
    let mut people: Vec<(&String, &Named)> = facts.people.iter().collect();
    people.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(b.0)));
    if people.is_empty() {
        h.push_str("<p>No participants.</p>");
    } else {
        h.push_str(r#"<table id="people"><tr><th>person</th><th>articles</th><th>titles (most used first)</th></tr>"#);
        for (name, (n, titles)) in people.iter().take(TOP_PEOPLE) {
            let mut t: Vec<(&String, &u64)> = titles.iter().collect();
            t.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            let t: Vec<String> = t.iter().take(4).map(|(t, _)| esc(t)).collect();
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{n}</td><td>{}</td></tr>",
                esc(name),
                t.join("; ")
            );
        }
        h.push_str("</table>");
    }

    h.push_str("<h2>Duplicates by method</h2>");
    if facts.duplicates.is_empty() {
        h.push_str("<p>No duplicates.</p>");
    } else {
        let rows: Vec<(String, f64)> = facts
            .duplicates
            .iter()
            .map(|(m, n)| (m.clone(), *n as f64))
            .collect();
        h.push_str(&svg::hbars("duplicates", &rows));
    }
    let _ = writeln!(
        h,
        "<p class=\"note\">Made by newsmill {} on {}.</p></body></html>",
        env!("CARGO_PKG_VERSION"),
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC")
    );
    h
}

/// Writes the report to `out`, atomically.
pub fn write(dir: &Path, out: &Path) -> Result<Facts> {
    let facts = gather(dir)?;
    let html = render(dir, &facts);
    let tmp = crate::select::output::temporary_for(out)?;
    std::fs::write(&tmp, html).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, out)
        .with_context(|| format!("cannot rename {} to {}", tmp.display(), out.display()))?;
    Ok(facts)
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:960px;margin:2em auto;color:#222}\
h1{font-size:1.4em}h2{font-size:1.1em;margin-top:2em}svg.chart{width:100%;height:auto;display:block}\
.legend span{margin-right:1em;font-size:.85em}.legend i{display:inline-block;width:.8em;height:.8em;margin-right:.3em}\
table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:.25em .6em;text-align:left;font-size:.9em}\
.note,.totals{color:#555;font-size:.9em}";
