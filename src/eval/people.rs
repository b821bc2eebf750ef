//! People scores, for labelled pages and for labelled texts.
//!
//! Both formats label each person `{name, rank, titles}`. Names are compared in
//! [`norm`] form; a (name, title) pair counts when both match, so a right name with a
//! wrong title scores in `people_*` but not in `pair_f1`.
//!
//! The text format (`labels/<id>.json` beside `texts/<id>.txt`) scores the people stage
//! alone on article texts from a news corpus: line 1 is the headline, line 2 the lead,
//! the rest the body. Each label also names the text's `category`, and the scores are
//! given per category as well as overall, so a rule that helps sport and hurts law shows.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use rayon::prelude::*;
use serde_json::Value;

use super::{Report, Scores, f1, norm};
use crate::people;
use crate::pipeline::StageContext;
use crate::record::{Participant, TextPlace};

/// People found against people labelled, summed over pages or texts.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct PeopleTally {
    pub tp: usize,
    pub got: usize,
    pub want: usize,
    pub pair_tp: usize,
    pub pair_got: usize,
    pub pair_want: usize,
}

/// What one page or text got wrong, for `--verbose`.
#[derive(Debug, Default)]
pub(super) struct PeopleDiff {
    pub missed: Vec<String>,
    pub extra: Vec<String>,
    pub titles_missed: Vec<String>,
    pub titles_extra: Vec<String>,
}

impl PeopleDiff {
    /// One line per kind of difference, sorted so that runs compare.
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (what, items) in [
            ("people missed", &self.missed),
            ("people not in the labels", &self.extra),
            ("titles not in the labels", &self.titles_extra),
            ("titles missed", &self.titles_missed),
        ] {
            if !items.is_empty() {
                let mut items = items.clone();
                items.sort();
                out.push(format!("{what}: {}", items.join("; ")));
            }
        }
        out
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

impl PeopleTally {
    /// Adds one page's people: `want` is the label's `participants` array.
    pub fn add(&mut self, want: &[Value], got: &[Participant]) -> PeopleDiff {
        let want_names: HashSet<String> = want
            .iter()
            .filter_map(|p| p["name"].as_str().map(norm))
            .collect();
        let got_names: HashSet<String> = got.iter().map(|p| norm(&p.name)).collect();
        let want_pairs: HashSet<(String, String)> = want
            .iter()
            .flat_map(|p| {
                let name = p["name"].as_str().map(norm).unwrap_or_default();
                p["titles"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|t| t.as_str().map(norm))
                    .map(move |t| (name.clone(), t))
                    .collect::<Vec<_>>()
            })
            .collect();
        let got_pairs: HashSet<(String, String)> = got
            .iter()
            .flat_map(|p| p.titles.iter().map(|t| (norm(&p.name), norm(t))))
            .collect();
        self.tp += got_names.intersection(&want_names).count();
        self.got += got_names.len();
        self.want += want_names.len();
        self.pair_tp += got_pairs.intersection(&want_pairs).count();
        self.pair_got += got_pairs.len();
        self.pair_want += want_pairs.len();
        let pairs =
            |a: &HashSet<(String, String)>, b: &HashSet<(String, String)>, of: &HashSet<String>| {
                a.difference(b)
                    .filter(|(n, _)| of.contains(n))
                    .map(|(n, t)| format!("{n} / {t}"))
                    .collect()
            };
        PeopleDiff {
            missed: want_names.difference(&got_names).cloned().collect(),
            extra: got_names.difference(&want_names).cloned().collect(),
            titles_extra: pairs(&got_pairs, &want_pairs, &want_names),
            titles_missed: pairs(&want_pairs, &got_pairs, &got_names),
        }
    }

    /// What was added since `earlier`, a copy of this tally taken before.
    pub fn since(&self, earlier: &PeopleTally) -> PeopleTally {
        PeopleTally {
            tp: self.tp - earlier.tp,
            got: self.got - earlier.got,
            want: self.want - earlier.want,
            pair_tp: self.pair_tp - earlier.pair_tp,
            pair_got: self.pair_got - earlier.pair_got,
            pair_want: self.pair_want - earlier.pair_want,
        }
    }

    /// Adds another tally's counts to this one.
    pub fn merge(&mut self, other: &PeopleTally) {
        self.tp += other.tp;
        self.got += other.got;
        self.want += other.want;
        self.pair_tp += other.pair_tp;
        self.pair_got += other.pair_got;
        self.pair_want += other.pair_want;
    }

    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.got)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.want)
    }
    pub fn pair_f1(&self) -> f64 {
        f1(
            ratio(self.pair_tp, self.pair_got),
            ratio(self.pair_tp, self.pair_want),
        )
    }

    /// `people_precision`, `people_recall`, `people_f1` and `pair_f1`, names suffixed
    /// with `suffix` (" [thể thao]" for a category, "" overall).
    pub fn insert_scores(&self, scores: &mut Scores, suffix: &str) {
        let (p, r) = (self.precision(), self.recall());
        scores.insert(format!("people_precision{suffix}"), p);
        scores.insert(format!("people_recall{suffix}"), r);
        scores.insert(format!("people_f1{suffix}"), f1(p, r));
        scores.insert(format!("pair_f1{suffix}"), self.pair_f1());
    }
}

/// The passages of a corpus text: line 1 the headline, line 2 the lead, the rest the
/// body. A person named only in the headline is named in the article, so the
/// headline is read too (as a lead-like passage).
pub fn text_passages(text: &str) -> (Vec<(TextPlace, String)>, String) {
    let mut lines = text.lines().map(str::trim);
    let title = lines.next().unwrap_or("").to_string();
    let lead = lines.next().unwrap_or("").to_string();
    let body: Vec<&str> = lines.filter(|l| !l.is_empty()).collect();
    let body = body.join("\n\n");
    let mut out = Vec::new();
    for (place, t) in [(TextPlace::Lead, title), (TextPlace::Lead, lead)] {
        if !t.is_empty() {
            out.push((place, t));
        }
    }
    for p in body.split("\n\n") {
        out.push((TextPlace::Body, p.to_string()));
    }
    (out, body)
}

/// One labelled text: id, category, the labelled people, the people found.
type TextResult = (String, String, Vec<Value>, Vec<Participant>);

/// Scores the people stage on every labelled text of `dir` (`labels/`, `texts/`).
pub(super) fn run(dir: &Path, ctx: &StageContext) -> Result<Report> {
    let mut labels: Vec<PathBuf> = std::fs::read_dir(dir.join("labels"))
        .with_context(|| format!("cannot read {}", dir.join("labels").display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    labels.sort();
    let results: Vec<Result<TextResult>> = labels
        .par_iter()
        .map(|lp| {
            let l: Value = serde_json::from_slice(
                &std::fs::read(lp).with_context(|| format!("cannot read {}", lp.display()))?,
            )
            .with_context(|| format!("{} is not valid JSON", lp.display()))?;
            let id = l["id"]
                .as_str()
                .with_context(|| format!("{}: no \"id\"", lp.display()))?
                .to_string();
            let path = dir.join("texts").join(format!("{id}.txt"));
            let text = std::fs::read_to_string(&path).with_context(|| {
                format!(
                    "cannot read {} (labelled in {})",
                    path.display(),
                    lp.display()
                )
            })?;
            let (passages, body) = text_passages(&text);
            let got = people::extract(&passages, &body, Some("vi"), &ctx.lexicon);
            let category = l["category"].as_str().unwrap_or("?").to_string();
            let want = l["participants"].as_array().cloned().unwrap_or_default();
            Ok((id, category, want, got))
        })
        .collect();
    let mut all = PeopleTally::default();
    let mut by_category: BTreeMap<String, (usize, PeopleTally)> = BTreeMap::new();
    let mut per_page = Vec::new();
    for r in results {
        let (id, category, want, got) = r?;
        let diff = all.add(&want, &got);
        let c = by_category.entry(category.clone()).or_default();
        c.0 += 1;
        c.1.add(&want, &got);
        let lines = diff.lines();
        per_page.push(format!(
            "{id:<12} {category:<20} people {}/{} of {}{}",
            got.len() - diff.extra.len(),
            got.len(),
            want.len(),
            if lines.is_empty() {
                String::new()
            } else {
                format!("\n    {}", lines.join("\n    "))
            }
        ));
    }
    per_page.push(String::new());
    per_page.push(format!(
        "{:<22} {:>5} {:>6} {:>9} {:>7} {:>8}",
        "category", "texts", "people", "precision", "recall", "pair_f1"
    ));
    let mut scores = Scores::new();
    all.insert_scores(&mut scores, "");
    for (c, (texts, t)) in &by_category {
        per_page.push(format!(
            "{c:<22} {texts:>5} {:>6} {:>9.3} {:>7.3} {:>8.3}",
            t.want,
            t.precision(),
            t.recall(),
            t.pair_f1()
        ));
        t.insert_scores(&mut scores, &format!(" [{c}]"));
    }
    Ok(Report {
        format: "labelled texts, people stage",
        pages: labels.len(),
        scores,
        per_page,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(name: &str, titles: &[&str]) -> Participant {
        Participant {
            name: name.into(),
            rank: None,
            titles: titles.iter().map(|t| t.to_string()).collect(),
            other_titles: Vec::new(),
            role_group: None,
            mentions: 1,
            first_offset: None,
            place: TextPlace::Body,
        }
    }

    #[test]
    fn names_and_pairs_are_scored_apart() {
        let want: Vec<Value> = serde_json::from_str(
            r#"[{"name":"Tô Lâm","rank":"Đại tướng","titles":["Bộ trưởng Bộ Công an"]},
                {"name":"Lionel Messi","rank":null,"titles":[]}]"#,
        )
        .unwrap();
        let got = [person("Tô Lâm", &["Bộ trưởng"]), person("Hàn Quốc", &[])];
        let mut t = PeopleTally::default();
        let d = t.add(&want, &got);
        assert_eq!((t.tp, t.got, t.want), (1, 2, 2));
        assert_eq!((t.pair_tp, t.pair_got, t.pair_want), (0, 1, 1));
        assert_eq!(d.missed, vec!["Lionel Messi".to_string()]);
        assert_eq!(d.extra, vec!["Hàn Quốc".to_string()]);
        assert_eq!(
            d.titles_missed,
            vec!["Tô Lâm / Bộ trưởng Bộ Công an".to_string()]
        );
        assert_eq!(t.precision(), 0.5);
        assert_eq!(t.recall(), 0.5);
        assert_eq!(t.pair_f1(), 0.0);
    }

    #[test]
    fn a_text_is_headline_lead_and_body() {
        let (p, body) = text_passages("Tiêu đề\nSapo ngắn.\nĐoạn một.\n\nĐoạn hai.\n");
        assert_eq!(p.len(), 4);
        assert_eq!(p[1], (TextPlace::Lead, "Sapo ngắn.".to_string()));
        assert_eq!(body, "Đoạn một.\n\nĐoạn hai.");
    }
}
