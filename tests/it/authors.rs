//! Authors of the extraction benchmark's pages against `tests/fixtures/eval/authors.json`,
//! labels made by reading each page by hand (its byline, JSON-LD and meta tags).

use serde_json::Value;

use crate::common::{corpus, extract, fixtures, rows};

/// Lower-case words of a name, for comparing "JANE DOE" with "Jane Doe".
fn fold(s: &str) -> String {
    s.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
#[ignore = "needs ../shared/corpus/extraction-bench (run by .ci/run with --include-ignored)"]
fn extraction_bench_authors_match_hand_labels() {
    let Some(dir) = corpus("extraction-bench") else {
        return;
    };
    let dir = dir.join("html");
    let labels: Value = serde_json::from_slice(
        &std::fs::read(fixtures().join("eval/authors.json")).expect("authors.json is readable"),
    )
    .expect("authors.json is JSON");
    let out = tempfile::tempdir().unwrap();
    extract(&[&dir], out.path());
    let got: Vec<(String, Vec<String>)> = rows(out.path(), "articles")
        .iter()
        .map(|a| {
            let id = a["source"]
                .as_str()
                .and_then(|s| std::path::Path::new(s).file_stem())
                .and_then(|s| s.to_str())
                .unwrap_or("")
                .to_string();
            let names = a["authors"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(fold)
                .collect();
            (id, names)
        })
        .collect();
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    let mut misses = Vec::new();
    for (id, want) in labels.as_object().unwrap() {
        if id.starts_with('_') {
            continue;
        }
        let want: Vec<String> = want
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .map(fold)
            .collect();
        let names = got
            .iter()
            .find(|(g, _)| g == id)
            .map(|(_, n)| n.clone())
            .unwrap_or_default();
        let hit = names.iter().filter(|n| want.contains(n)).count();
        tp += hit;
        fp += names.len() - hit;
        fn_ += want.len() - hit;
        if hit != names.len() || hit != want.len() {
            misses.push(format!("{:.12} got {names:?} want {want:?}", id));
        }
    }
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / (tp + fn_).max(1) as f64;
    eprintln!(
        "authors: precision {precision:.3} recall {recall:.3}\n{}",
        misses.join("\n")
    );
    assert!(precision >= 0.95, "author precision {precision:.3} < 0.95");
    assert!(recall >= 0.90, "author recall {recall:.3} < 0.90");
}
