//! Drift alerts: a site's redesign that quietly empties a field.
//!
//! A portal that moves its dates to a new element or renames its body container does
//! not make a crawl fail: pages still parse, the run exits 0, and every new article
//! lacks `published_at`. Each run therefore records a quality profile in its manifest
//! (share of articles with a date, authors, a lead, images, participants; median body
//! words; share of pages rejected, by reason), and a crawl compares its profile with
//! the median of the same pipeline's last runs and warns when a share falls (or the
//! rejected share rises) by more than the pipeline's `[alerts]` thresholds.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::config::Alerts;
use crate::record::Article;

/// Word counts up to this are counted exactly for the median; longer bodies share the
/// last bucket (a fixed histogram keeps memory flat however long the crawl).
const WORD_BUCKETS: usize = 20_000;

/// The quality profile of one run's articles, as its manifest records it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    /// Articles the profile is over (copies included: it measures extraction).
    pub articles: u64,
    /// Shares of articles with the field filled, 0 to 1.
    pub published_at: f64,
    pub authors: f64,
    pub lead: f64,
    pub images: f64,
    pub participants: f64,
    pub median_body_words: f64,
    /// Share of pages parsed (or fetched) that were rejected, and by reason.
    pub rejected: f64,
    #[serde(default)]
    pub rejected_by_reason: BTreeMap<String, f64>,
}

/// Counts a profile is made of, kept as articles pass.
#[derive(Debug, Clone)]
pub struct ProfileCounts {
    articles: u64,
    published_at: u64,
    authors: u64,
    lead: u64,
    images: u64,
    participants: u64,
    words: Vec<u64>,
}

impl Default for ProfileCounts {
    fn default() -> Self {
        ProfileCounts {
            articles: 0,
            published_at: 0,
            authors: 0,
            lead: 0,
            images: 0,
            participants: 0,
            words: vec![0; WORD_BUCKETS + 1],
        }
    }
}

impl ProfileCounts {
    pub fn add(&mut self, a: &Article) {
        self.articles += 1;
        self.published_at += a.published_at.is_some() as u64;
        self.authors += !a.authors.is_empty() as u64;
        self.lead += a.lead.as_deref().is_some_and(|l| !l.is_empty()) as u64;
        self.images += !a.images.is_empty() as u64;
        self.participants += !a.participants.is_empty() as u64;
        self.words[(a.word_count as usize).min(WORD_BUCKETS)] += 1;
    }

    /// The profile, given the pages that entered the stages and the rejects by reason.
    pub fn profile(&self, pages: u64, rejects: &BTreeMap<String, u64>) -> Profile {
        let share = |n: u64, of: u64| if of == 0 { 0.0 } else { n as f64 / of as f64 };
        let n = self.articles;
        Profile {
            articles: n,
            published_at: share(self.published_at, n),
            authors: share(self.authors, n),
            lead: share(self.lead, n),
            images: share(self.images, n),
            participants: share(self.participants, n),
            median_body_words: histogram_median(&self.words),
            rejected: share(rejects.values().sum(), pages),
            rejected_by_reason: rejects
                .iter()
                .map(|(r, c)| (r.clone(), share(*c, pages)))
                .collect(),
        }
    }
}

fn histogram_median(h: &[u64]) -> f64 {
    let total: u64 = h.iter().sum();
    if total == 0 {
        return 0.0;
    }
    let mut seen = 0;
    for (words, count) in h.iter().enumerate() {
        seen += count;
        if seen * 2 >= total {
            return words as f64;
        }
    }
    0.0
}

/// Reads one share of a profile.
type Share = fn(&Profile) -> f64;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    if v.is_empty() {
        0.0
    } else if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    }
}

/// Earlier profiles of the same site's crawls in `dir`, oldest first: completed runs
/// with enough articles to say something.
pub fn history(dir: &Path, site: &str, alerts: &Alerts) -> Vec<Profile> {
    let mut out = Vec::new();
    for m in crate::export::manifest::read_all(dir) {
        let same_site = m["crawl"]["site"].as_str() == Some(site);
        if m["command"] != "run" || m["status"] != "completed" || !same_site {
            continue;
        }
        if let Ok(p) = serde_json::from_value::<Profile>(m["profile"].clone())
            && p.articles >= alerts.min_articles
        {
            out.push(p);
        }
    }
    let keep = out.len().saturating_sub(alerts.window);
    out.split_off(keep)
}

/// Warnings for `now` against the median of `earlier` (empty when there is no history
/// or this run has too few articles to judge).
pub fn compare(now: &Profile, earlier: &[Profile], alerts: &Alerts) -> Vec<String> {
    if earlier.is_empty() || now.articles < alerts.min_articles {
        return vec![];
    }
    let runs = earlier.len();
    let mut warnings = Vec::new();
    let fields: [(&str, Share); 5] = [
        ("published_at", |p| p.published_at),
        ("authors", |p| p.authors),
        ("lead", |p| p.lead),
        ("images", |p| p.images),
        ("participants", |p| p.participants),
    ];
    for (name, get) in fields {
        let before = median(earlier.iter().map(get).collect());
        let drop = before - get(now);
        if drop > alerts.max_drop {
            warnings.push(format!(
                "{name} filled on {:.0}% of articles, down from {:.0}% (median of the last {runs} runs)",
                get(now) * 100.0,
                before * 100.0
            ));
        }
    }
    let words = median(earlier.iter().map(|p| p.median_body_words).collect());
    if words > 0.0 && now.median_body_words < words * (1.0 - alerts.max_words_drop) {
        warnings.push(format!(
            "median body {} words, down from {} (median of the last {runs} runs)",
            now.median_body_words, words
        ));
    }
    let rejected = median(earlier.iter().map(|p| p.rejected).collect());
    if now.rejected - rejected > alerts.max_drop {
        let top = now
            .rejected_by_reason
            .iter()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map(|(r, _)| format!(", mostly {r}"))
            .unwrap_or_default();
        warnings.push(format!(
            "{:.0}% of pages rejected{top}, up from {:.0}% (median of the last {runs} runs)",
            now.rejected * 100.0,
            rejected * 100.0
        ));
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(date: f64, words: f64, rejected: f64) -> Profile {
        Profile {
            articles: 50,
            published_at: date,
            authors: 0.9,
            lead: 1.0,
            images: 0.8,
            participants: 0.7,
            median_body_words: words,
            rejected,
            rejected_by_reason: BTreeMap::from([("no_article".to_string(), rejected)]),
        }
    }

    #[test]
    fn a_field_that_empties_is_named_against_the_median_of_earlier_runs() {
        let alerts = Alerts::default();
        let earlier = [
            profile(1.0, 500.0, 0.0),
            profile(0.2, 480.0, 0.0),
            profile(0.98, 510.0, 0.02),
        ];
        assert!(compare(&profile(0.96, 495.0, 0.01), &earlier, &alerts).is_empty());
        let w = compare(&profile(0.0, 495.0, 0.0), &earlier, &alerts);
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].starts_with("published_at filled on 0% of articles, down from 98%"));
        let w = compare(&profile(0.98, 120.0, 0.6), &earlier, &alerts);
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(w[0].contains("median body 120 words, down from 500"));
        assert!(w[1].contains("60% of pages rejected, mostly no_article"));
    }

    #[test]
    fn no_history_or_too_few_articles_says_nothing() {
        let alerts = Alerts::default();
        assert!(compare(&profile(0.0, 10.0, 1.0), &[], &alerts).is_empty());
        let mut small = profile(0.0, 10.0, 1.0);
        small.articles = 2;
        assert!(compare(&small, &[profile(1.0, 500.0, 0.0)], &alerts).is_empty());
    }

    #[test]
    fn the_median_of_body_words_comes_from_a_fixed_histogram() {
        let mut h = vec![0u64; 10];
        h[3] = 2;
        h[7] = 1;
        assert_eq!(histogram_median(&h), 3.0);
        assert_eq!(histogram_median(&[0, 0]), 0.0);
        assert_eq!(median(vec![3.0, 1.0, 2.0, 10.0]), 2.5);
    }
}
