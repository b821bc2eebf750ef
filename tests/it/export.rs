//! `newsmill export` on a real dataset of two runs: an edited article, a copy found by
//! `newsmill dedupe`, filters, the three formats read back.

use std::fs::File;
use std::path::Path;
use std::process::Output;

use arrow_array::Array;
use arrow_array::cast::AsArray;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use serde_json::Value;

use crate::common::{bin, extract, rows};
use crate::portal::{self, article_path};

const BASE: &str = "https://tin.example";

/// Run 1: stories 1 to 4. Run 2: story 1 edited, and story 5, a copy of story 2
/// under another URL. Then `newsmill dedupe` over both runs.
fn two_runs(dir: &Path) -> std::path::PathBuf {
    let out = dir.join("out");
    let first = dir.join("run1");
    std::fs::create_dir_all(&first).unwrap();
    for i in 1..=4 {
        let html = portal::article_html(BASE, i, 0);
        std::fs::write(first.join(format!("story-{i}.html")), html).unwrap();
    }
    assert!(extract(&[&first], &out).status.success());
    let second = dir.join("run2");
    std::fs::create_dir_all(&second).unwrap();
    std::fs::write(
        second.join("story-1.html"),
        portal::article_html(BASE, 1, 1),
    )
    .unwrap();
    let copy = portal::article_html(BASE, 2, 0).replace(&article_path(2), &article_path(5));
    std::fs::write(second.join("story-5.html"), copy).unwrap();
    assert!(extract(&[&second], &out).status.success());
    let o = bin().args(["dedupe", "-q"]).arg(&out).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(rows(&out, "duplicates").len(), 1, "story 5 copies story 2");
    out
}

fn export(out: &Path, args: &[&str]) -> Output {
    let o = bin().arg("export").arg(out).args(args).output().unwrap();
    assert!(
        o.status.success(),
        "export {args:?} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

fn jsonl(o: &Output) -> Vec<Value> {
    String::from_utf8(o.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn urls(rows: &[Value]) -> Vec<String> {
    let mut u: Vec<String> = rows
        .iter()
        .map(|r| {
            r["url"]
                .as_str()
                .unwrap()
                .trim_start_matches(BASE)
                .to_string()
        })
        .collect();
    u.sort();
    u
}

#[test]
fn an_export_holds_each_article_once_in_its_newest_version_without_copies() {
    let tmp = tempfile::tempdir().unwrap();
    let out = two_runs(tmp.path());
    let stdout = ["--out", "-", "--format", "jsonl"];

    let current = jsonl(&export(&out, &stdout));
    let got = urls(&current);
    assert_eq!(got.len(), 4, "{got:?}");
    assert!(got.contains(&article_path(1)) && got.contains(&article_path(3)));
    assert!(
        got.contains(&article_path(2)) ^ got.contains(&article_path(5)),
        "one of the two copies: {got:?}"
    );
    let story1 = current
        .iter()
        .find(|r| r["url"].as_str().unwrap().ends_with(&article_path(1)))
        .unwrap();
    assert!(
        story1["body"].as_str().unwrap().contains("Cập nhật lần 1"),
        "the edited version, not the first"
    );

    let versions = jsonl(&export(&out, &[&stdout[..], &["--all-versions"]].concat()));
    assert_eq!(versions.len(), 5);
    let copies = jsonl(&export(
        &out,
        &[&stdout[..], &["--include-duplicates"]].concat(),
    ));
    assert_eq!(copies.len(), 5);
    let u = urls(&copies);
    assert!(u.contains(&article_path(2)) && u.contains(&article_path(5)));
}

#[test]
fn filters_pick_articles_by_date_text_person_and_site() {
    let tmp = tempfile::tempdir().unwrap();
    let out = two_runs(tmp.path());
    let stdout = ["--out", "-", "--format", "jsonl"];
    let with = |extra: &[&str]| urls(&jsonl(&export(&out, &[&stdout[..], extra].concat())));

    // Story i is dated 2020-09-(i+1); story 5 is story 2's copy, date included.
    let window = with(&["--since", "2020-09-03", "--until", "2020-09-04"]);
    assert_eq!(window.len(), 2, "{window:?}");
    assert!(window.contains(&article_path(3)));
    assert!(!window.contains(&article_path(1)) && !window.contains(&article_path(4)));
    // "y tế" is story 1's topic (topics go by i % 6).
    assert_eq!(
        with(&["--contains", "KE HOACH Y TE"]),
        vec![article_path(1)]
    );
    assert!(with(&["--contains", "khong co dau"]).is_empty());
    // Story 3 quotes Phạm Quốc Dũng (people of i % 6 == 3).
    assert_eq!(with(&["--person", "pham quoc dung"]), vec![article_path(3)]);
    assert!(with(&["--site", "other.example"]).is_empty());
    assert_eq!(with(&["--site", "tin.example", "--limit", "2"]).len(), 2);
    assert_eq!(with(&["--min-words", "100000"]).len(), 0);
}

#[test]
fn participants_carry_their_article_and_csv_is_excel_friendly() {
    let tmp = tempfile::tempdir().unwrap();
    let out = two_runs(tmp.path());
    let csv = tmp.path().join("people.csv");
    let o = export(
        &out,
        &[
            "--table",
            "participants",
            "--person",
            "Phạm Quốc Dũng",
            "--columns",
            "name,titles,url,published_at",
            "--bom",
            "--out",
            csv.to_str().unwrap(),
        ],
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("exported 1 participants rows"));
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with('\u{feff}'), "byte order mark");
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines[0], "name,titles,url,published_at");
    assert_eq!(
        lines[1],
        format!(
            "Phạm Quốc Dũng,Bí thư Tỉnh ủy,{BASE}{},2020-09-04T08:19:00Z",
            article_path(3)
        )
    );
    assert_eq!(lines.len(), 2);
}

#[test]
fn parquet_exports_read_back_with_the_columns_asked_for() {
    let tmp = tempfile::tempdir().unwrap();
    let out = two_runs(tmp.path());
    let file = tmp.path().join("images.parquet");
    export(
        &out,
        &["--table", "images", "--out", file.to_str().unwrap(), "-q"],
    );
    let reader = ParquetRecordBatchReaderBuilder::try_new(File::open(&file).unwrap())
        .unwrap()
        .build()
        .unwrap();
    let mut captions = Vec::new();
    for batch in reader {
        let batch = batch.unwrap();
        let names: Vec<String> = batch
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        assert_eq!(
            &names[..5],
            &["article_id", "url", "title", "site", "published_at"]
        );
        let c = batch.column_by_name("caption").unwrap().as_string::<i32>();
        let t = batch.column_by_name("title").unwrap().as_string::<i32>();
        for i in 0..batch.num_rows() {
            assert!(c.is_valid(i));
            captions.push((t.value(i).to_string(), c.value(i).to_string()));
        }
    }
    assert_eq!(captions.len(), 4, "one image per current article");
    for i in [1, 3, 4] {
        let title = portal::headline(i);
        let caption = captions.iter().find(|(t, _)| *t == title);
        assert_eq!(
            caption.map(|c| c.1.as_str()),
            Some(format!("Quang cảnh hội nghị triển khai kế hoạch số {i}").as_str()),
            "{captions:?}"
        );
    }
}

#[test]
fn bad_requests_exit_2_with_what_to_do_and_leave_no_file() {
    let tmp = tempfile::tempdir().unwrap();
    let out = two_runs(tmp.path());
    for (args, says) in [
        (
            vec!["--out", "x.xlsx"],
            "name the file .csv, .jsonl or .parquet",
        ),
        (vec!["--out", "-"], "needs --format"),
        (vec!["--out", "a.csv", "--since", "last week"], "give a day"),
        (
            vec!["--out", "a.csv", "--columns", "title,nope"],
            "has no column \"nope\"",
        ),
    ] {
        let o = bin()
            .current_dir(tmp.path())
            .arg("export")
            .arg(&out)
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    }
    let o = bin()
        .arg("export")
        .arg(tmp.path().join("nothing"))
        .args(["--out", "-", "--format", "csv"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a dataset folder"));
    let left: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".csv") || n.ends_with(".tmp") || n.ends_with(".xlsx"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
