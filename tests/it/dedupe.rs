//! Duplicates end to end: copies within a run, across runs through the crawl state,
//! over an existing dataset with `newsmill dedupe`, and the same answer whatever the
//! thread count.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use crate::common::{bin, extract, fixtures, manifests, rows, table_files};
use crate::portal::{self, article_path};
use crate::server::{Route, Server};

/// The seed page republished elsewhere: another URL, one sentence added.
pub fn syndicated_seed(new_id: &str) -> String {
    let seed = std::fs::read_to_string(fixtures().join("seed/portal-article.html")).unwrap();
    seed.replace("a1209.html", &format!("{new_id}.html")).replacen(
        r#"<p style="text-align: justify;">"#,
        r#"<p style="text-align: justify;">Bài viết được đăng lại từ Cổng thông tin điện tử tỉnh Bắc Kạn, với sự đồng ý của tòa soạn.</p><p style="text-align: justify;">"#,
        1,
    )
}

/// The fixture portal republishes story 7 as story 20: a new URL, one line added.
fn republish_story_7_as_20(server: &Server) {
    let base = format!("http://{}", server.addr);
    let copy = portal::article_html(&base, 7, 0)
        .replace(&article_path(7), &article_path(20))
        .replace(
            "<p>Kết thúc hội nghị",
            "<p>Bài viết được đăng lại theo đề nghị của bạn đọc.</p><p>Kết thúc hội nghị",
        );
    server.set(
        &article_path(20),
        Route::Page {
            body: copy.into_bytes(),
            content_type: "text/html; charset=utf-8".into(),
        },
    );
}

/// `n` pages that are all different stories (the fixture portal's, as files), so
/// these tests need nothing beside the checkout.
fn distinct_pages(dir: &Path, n: usize) {
    for i in 1..=n {
        let html = portal::article_html("https://tin.example", i, 0);
        std::fs::write(dir.join(format!("story-{i}.html")), html).unwrap();
    }
}

fn dup_triples(out: &Path) -> BTreeSet<(String, String, String)> {
    rows(out, "duplicates")
        .iter()
        .map(|d| {
            (
                d["source"]
                    .as_str()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_string(),
                d["duplicate_of"].as_str().unwrap().to_string(),
                d["method"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn near_copy_in_one_run_is_caught_and_left_out_of_every_table() {
    let input = tempfile::tempdir().unwrap();
    let seed = std::fs::read(fixtures().join("seed/portal-article.html")).unwrap();
    std::fs::write(input.path().join("a.html"), &seed).unwrap();
    std::fs::write(input.path().join("b.html"), syndicated_seed("b5555")).unwrap();
    distinct_pages(input.path(), 3);
    let out = tempfile::tempdir().unwrap();
    extract(&[input.path()], out.path());
    let articles = rows(out.path(), "articles");
    assert_eq!(articles.len(), 4, "the seed once and three other stories");
    let dups = rows(out.path(), "duplicates");
    assert_eq!(dups.len(), 1, "{dups:?}");
    let d = &dups[0];
    assert_eq!(d["method"], "near");
    let sim = d["similarity"].as_f64().unwrap();
    assert!((0.8..=1.0).contains(&sim), "similarity {sim}");
    let kept = d["duplicate_of"].as_str().unwrap();
    assert!(articles.iter().any(|a| a["article_id"] == kept));
    // The copy's images and participants are gone with it.
    let copy = d["article_id"].as_str().unwrap();
    assert!(!articles.iter().any(|a| a["article_id"] == copy));
    for table in ["images", "participants"] {
        assert!(
            rows(out.path(), table)
                .iter()
                .all(|r| r["article_id"] != copy),
            "{table} still holds the copy"
        );
    }
    let kept_images = rows(out.path(), "images")
        .iter()
        .filter(|i| i["article_id"] == kept)
        .count();
    assert_eq!(
        kept_images, 5,
        "the kept seed article has its five images once"
    );
    let m = &manifests(out.path())[0];
    assert_eq!(m["counts"]["duplicates"], 1);
    assert_eq!(m["duplicates_by_method"]["near"], 1);
    assert_eq!(m["counts"]["articles"], 4);
}

#[test]
fn same_result_with_one_or_two_threads_and_any_file_order() {
    let input = tempfile::tempdir().unwrap();
    let seed = std::fs::read(fixtures().join("seed/portal-article.html")).unwrap();
    // Names chosen so that the copies sort before and after the original.
    std::fs::write(input.path().join("m.html"), &seed).unwrap();
    std::fs::write(input.path().join("a.html"), syndicated_seed("a1")).unwrap();
    std::fs::write(input.path().join("z.html"), syndicated_seed("z1")).unwrap();
    std::fs::write(input.path().join("y.html"), &seed).unwrap();
    distinct_pages(input.path(), 4);
    let mut results = Vec::new();
    for threads in ["1", "2"] {
        let out = tempfile::tempdir().unwrap();
        let o = bin()
            .args(["extract", "-q", "-j", threads, "--out"])
            .arg(out.path())
            .arg(input.path())
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let kept: BTreeSet<String> = rows(out.path(), "articles")
            .iter()
            .map(|a| {
                a["source"]
                    .as_str()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_string()
            })
            .collect();
        results.push((kept, dup_triples(out.path())));
    }
    assert_eq!(results[0], results[1]);
    let (kept, dups) = &results[0];
    assert_eq!(kept.len(), 5, "{kept:?}");
    assert_eq!(dups.len(), 3, "{dups:?}");
    // The three copies all name the one kept seed article.
    let targets: BTreeSet<&String> = dups.iter().map(|d| &d.1).collect();
    assert_eq!(targets.len(), 1);
}

#[test]
fn dedupe_command_finds_copies_across_earlier_runs_and_touches_nothing_else() {
    let first = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixtures().join("seed/portal-article.html"),
        first.path().join("seed.html"),
    )
    .unwrap();
    distinct_pages(first.path(), 2);
    let second = tempfile::tempdir().unwrap();
    std::fs::write(second.path().join("copy.html"), syndicated_seed("c777")).unwrap();
    distinct_pages(second.path(), 0);
    let out = tempfile::tempdir().unwrap();
    extract(&[first.path()], out.path());
    // Without a crawl state, `extract` cannot know the first run: the copy is exported.
    extract(&[second.path()], out.path());
    assert_eq!(rows(out.path(), "articles").len(), 4);
    let before: HashMap<_, _> = table_files(out.path(), "articles")
        .into_iter()
        .map(|f| (f.clone(), std::fs::read(&f).unwrap()))
        .collect();

    let o = bin()
        .arg("dedupe")
        .arg(out.path())
        .arg("-q")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let dups = rows(out.path(), "duplicates");
    assert_eq!(dups.len(), 1, "{dups:?}");
    assert!(dups[0]["source"].as_str().unwrap().ends_with("copy.html"));
    assert_eq!(dups[0]["method"], "near");
    let seed_id = rows(out.path(), "articles")
        .iter()
        .find(|a| a["source"].as_str().unwrap().ends_with("seed.html"))
        .map(|a| a["article_id"].as_str().unwrap().to_string())
        .unwrap();
    assert_eq!(dups[0]["duplicate_of"].as_str(), Some(seed_id.as_str()));
    // The articles files are byte for byte what they were; a manifest records the pass.
    for (f, bytes) in before {
        assert_eq!(std::fs::read(&f).unwrap(), bytes, "{} changed", f.display());
    }
    let m = manifests(out.path());
    assert_eq!(m.len(), 3);
    assert!(m.iter().any(|m| m["command"] == "dedupe"));

    // Not a dataset: a usage error naming the folder.
    let empty = tempfile::tempdir().unwrap();
    let o = bin().arg("dedupe").arg(empty.path()).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("articles"));
}

#[test]
fn a_later_run_catches_a_syndicated_copy_of_an_earlier_runs_article() {
    let server = Server::start(HashMap::new());
    portal::install(&server, 20, 0);
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let pipeline = tmp.path().join("pipeline.toml");
    std::fs::write(&pipeline, portal::pipeline(&server, &out, "")).unwrap();
    let run = || {
        let o = bin().arg("run").arg(&pipeline).arg("-q").output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    run();
    assert_eq!(rows(&out, "articles").len(), 20);
    let original = rows(&out, "articles")
        .into_iter()
        .find(|a| a["source"].as_str() == Some(server.url(&article_path(7)).as_str()))
        .unwrap();

    // Next day the site republishes story 7 under a new URL, with a line added.
    portal::install(&server, 21, 0);
    republish_story_7_as_20(&server);
    run();
    let m = manifests(&out);
    assert_eq!(m[1]["counts"]["articles"], 0, "{}", m[1]);
    assert_eq!(m[1]["counts"]["duplicates"], 1);
    assert_eq!(m[1]["crawl"]["unchanged"], 20);
    let dups = rows(&out, "duplicates");
    assert_eq!(dups.len(), 1);
    assert_eq!(
        dups[0]["url"].as_str(),
        Some(server.url(&article_path(20)).as_str())
    );
    assert_eq!(dups[0]["duplicate_of"], original["article_id"]);
    assert_eq!(dups[0]["method"], "near");
    assert_eq!(
        rows(&out, "articles").len(),
        20,
        "the copy was not exported"
    );
}

#[test]
fn a_crawl_catches_a_near_copy_within_its_own_run() {
    // A crawl sets signatures aside in its state while pages stream in; the decision
    // reads them back from there.
    let server = Server::start(HashMap::new());
    portal::install(&server, 21, 0);
    republish_story_7_as_20(&server);
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let pipeline = tmp.path().join("pipeline.toml");
    std::fs::write(&pipeline, portal::pipeline(&server, &out, "")).unwrap();
    let o = bin().arg("run").arg(&pipeline).arg("-q").output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let articles = rows(&out, "articles");
    assert_eq!(articles.len(), 20);
    let dups = rows(&out, "duplicates");
    assert_eq!(dups.len(), 1, "{dups:?}");
    assert_eq!(dups[0]["method"], "near");
    assert!(dups[0]["similarity"].as_f64().unwrap() >= 0.8);
    // The pair is story 7 and its copy: one kept, the other pointing at it.
    let pair = [server.url(&article_path(7)), server.url(&article_path(20))];
    let dup_url = dups[0]["url"].as_str().unwrap().to_string();
    assert!(pair.contains(&dup_url), "{dup_url}");
    let kept = articles
        .iter()
        .find(|a| pair.contains(&a["url"].as_str().unwrap().to_string()))
        .expect("one of the pair is exported");
    assert_ne!(kept["url"].as_str(), Some(dup_url.as_str()));
    assert_eq!(dups[0]["duplicate_of"], kept["article_id"]);
    let m = manifests(&out);
    assert_eq!(m[0]["counts"]["duplicates"], 1);
    assert_eq!(m[0]["duplicates_by_method"]["near"], 1);
}

/// (article id, duplicate of, method, similarity) of one `duplicates` file.
fn verdicts_in(file: &Path) -> Vec<(String, String, String, String)> {
    let f = std::fs::File::open(file).unwrap();
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(f)
        .unwrap()
        .build()
        .unwrap();
    let mut out = Vec::new();
    for batch in reader {
        let batch = batch.unwrap();
        let text = |name: &str, i: usize| {
            arrow_array::cast::AsArray::as_string::<i32>(batch.column_by_name(name).unwrap())
                .value(i)
                .to_string()
        };
        let sim = arrow_array::cast::AsArray::as_primitive::<arrow_array::types::Float64Type>(
            batch.column_by_name("similarity").unwrap(),
        );
        for i in 0..batch.num_rows() {
            out.push((
                text("article_id", i),
                text("duplicate_of", i),
                text("method", i),
                format!("{:.6}", sim.value(i)),
            ));
        }
    }
    out.sort();
    out
}

/// The duplicates file the last `newsmill dedupe` wrote in `dir`.
fn last_dedupe_verdicts(dir: &Path) -> Vec<(String, String, String, String)> {
    let m = manifests(dir);
    let run = m
        .iter()
        .filter(|m| m["command"] == "dedupe")
        .map(|m| m["run_id"].as_str().unwrap().to_string())
        .max()
        .expect("a dedupe manifest");
    verdicts_in(&dir.join("duplicates").join(format!("{run}.parquet")))
}

fn copy_dir(from: &Path, to: &Path) {
    let o = std::process::Command::new("cp")
        .arg("-r")
        .arg(from)
        .arg(to)
        .output()
        .unwrap();
    assert!(o.status.success());
}

fn dedupe(dir: &Path, args: &[&str]) -> std::process::Output {
    bin()
        .arg("dedupe")
        .arg(dir)
        .arg("-q")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn dedupe_in_stages_over_shards_gives_the_verdicts_of_one_process() {
    // Two runs: the second repeats the first's seed (a syndicated near copy) and one of
    // its stories under another file name, and brings stories of its own.
    let first = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixtures().join("seed/portal-article.html"),
        first.path().join("seed.html"),
    )
    .unwrap();
    distinct_pages(first.path(), 6);
    let second = tempfile::tempdir().unwrap();
    std::fs::write(second.path().join("copy.html"), syndicated_seed("c778")).unwrap();
    // Story 3 again under another address: the same text, another article.
    let again = portal::article_html("https://tin.example", 3, 0)
        .replace(&article_path(3), &article_path(30));
    std::fs::write(second.path().join("again-3.html"), again).unwrap();
    for i in 7..=9 {
        let html = portal::article_html("https://tin.example", i, 0);
        std::fs::write(second.path().join(format!("story-{i}.html")), html).unwrap();
    }
    let work = tempfile::tempdir().unwrap();
    let base = work.path().join("base");
    extract(&[first.path()], &base);
    extract(&[second.path()], &base);
    // Each run wrote its signatures beside its articles, row for row.
    let sig_rows = rows(&base, "signatures").len();
    assert_eq!(sig_rows, rows(&base, "articles").len());
    assert_eq!(table_files(&base, "signatures").len(), 2);

    // One process.
    let one = work.path().join("one");
    copy_dir(&base, &one);
    let o = dedupe(&one, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let expected = last_dedupe_verdicts(&one);
    let methods: BTreeSet<&str> = expected.iter().map(|v| v.2.as_str()).collect();
    assert_eq!(expected.len(), 2, "{expected:?}");
    assert_eq!(methods, BTreeSet::from(["exact", "near"]), "{expected:?}");

    // Three bucket shards (in any order), then the decision.
    let staged = work.path().join("staged");
    copy_dir(&base, &staged);
    for k in [2, 0, 1] {
        let o = dedupe(
            &staged,
            &["--stage", "buckets", "--shard", &format!("{k}/3")],
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    assert_eq!(
        std::fs::read_dir(staged.join("_dedupe")).unwrap().count(),
        3
    );
    let o = dedupe(&staged, &["--stage", "decide"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(last_dedupe_verdicts(&staged), expected);
    // The pairs are spent: a second decision must be told to run the buckets again.
    assert_eq!(
        std::fs::read_dir(staged.join("_dedupe")).unwrap().count(),
        0
    );
    let o = dedupe(&staged, &["--stage", "decide"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--stage buckets"));

    // The shard from a SLURM job array's environment.
    let slurm = work.path().join("slurm");
    copy_dir(&base, &slurm);
    for k in 0..2 {
        let o = bin()
            .arg("dedupe")
            .arg(&slurm)
            .args(["-q", "--stage", "buckets"])
            .env("SLURM_ARRAY_TASK_ID", (10 + k).to_string())
            .env("SLURM_ARRAY_TASK_MIN", "10")
            .env("SLURM_ARRAY_TASK_COUNT", "2")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    assert!(dedupe(&slurm, &["--stage", "decide"]).status.success());
    assert_eq!(last_dedupe_verdicts(&slurm), expected);

    // Without signatures files (a dataset of an older newsmill) the articles are
    // signed again, with the same verdicts.
    let unsigned = work.path().join("unsigned");
    copy_dir(&base, &unsigned);
    std::fs::remove_dir_all(unsigned.join("signatures")).unwrap();
    assert!(dedupe(&unsigned, &[]).status.success());
    assert_eq!(last_dedupe_verdicts(&unsigned), expected);

    // A run added between the stages: the pairs are stale, and the decision says so.
    let stale = work.path().join("stale");
    copy_dir(&base, &stale);
    assert!(
        dedupe(&stale, &["--stage", "buckets", "--shard", "0/1"])
            .status
            .success()
    );
    let third = tempfile::tempdir().unwrap();
    distinct_pages(third.path(), 1);
    extract(&[third.path()], &stale);
    let o = dedupe(&stale, &["--stage", "decide"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("before"), "{err}");

    // Usage errors: a shard out of range, a shard for the decision.
    for args in [
        &["--stage", "buckets", "--shard", "3/3"][..],
        &["--stage", "decide", "--shard", "0/2"][..],
    ] {
        let o = dedupe(&base, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&o.stderr).contains("shard"));
    }
}
