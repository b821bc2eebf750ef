//! Bad input never loses data: each bad page is a reject with its reason, the run goes
//! on, and usage mistakes fail at once with exit code 2.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use crate::common::{
    assert_only_complete_files, extract, fixtures, manifests, rows, run, table_files,
};

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

fn manifest(out: &Path) -> serde_json::Value {
    let mut all = manifests(out);
    assert_eq!(all.len(), 1);
    all.remove(0)
}

#[test]
fn each_bad_page_is_a_reject_with_its_reason_and_the_run_goes_on() {
    let input = tempfile::tempdir().unwrap();
    let dir = input.path();
    let seed = std::fs::read(fixtures().join("seed/portal-article.html")).unwrap();
    std::fs::write(dir.join("good.html"), &seed).unwrap();
    std::fs::write(dir.join("empty.html"), b"").unwrap();
    std::fs::write(
        dir.join("binary.html"),
        [
            0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, b'I', b'H', b'D', b'R',
        ],
    )
    .unwrap();
    std::fs::copy(fixtures().join("listing.html"), dir.join("listing.html")).unwrap();
    let gz = gzip(&seed);
    std::fs::write(dir.join("truncated.html.gz"), &gz[..gz.len() / 2]).unwrap();
    std::os::unix::fs::symlink(
        "/nonexistent/newsmill/page.html",
        dir.join("unreadable.html"),
    )
    .unwrap();
    // A 30 MB page: the real article padded with a huge comment.
    let mut big = seed.clone();
    big.extend(std::iter::repeat_n(b'x', 30 * 1024 * 1024));
    std::fs::write(dir.join("huge.html"), &big).unwrap();
    std::fs::write(
        dir.join("notes.txt"),
        b"not a page: folders only yield *.html, *.htm, *.html.gz",
    )
    .unwrap();

    let out = tempfile::tempdir().unwrap();
    extract(&[dir], out.path());
    let rejects = rows(out.path(), "rejects");
    let by_file: HashMap<String, String> = rejects
        .iter()
        .map(|r| {
            let source = r["source"].as_str().unwrap();
            let file = Path::new(source)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .to_string();
            assert!(!r["detail"].as_str().unwrap().is_empty());
            (file, r["reason"].as_str().unwrap().to_string())
        })
        .collect();
    let want = [
        ("empty.html", "empty"),
        ("binary.html", "binary"),
        ("listing.html", "no_article"),
        ("truncated.html.gz", "gzip_corrupt"),
        ("unreadable.html", "read_error"),
        ("huge.html", "too_large"),
    ];
    for (file, reason) in want {
        assert_eq!(
            by_file.get(file).map(String::as_str),
            Some(reason),
            "reject of {file}: {by_file:?}"
        );
    }
    assert_eq!(rejects.len(), want.len());
    let articles = rows(out.path(), "articles");
    assert_eq!(articles.len(), 1);
    assert!(
        articles[0]["source"]
            .as_str()
            .unwrap()
            .ends_with("good.html")
    );
    let m = manifest(out.path());
    assert_eq!(m["counts"]["pages_in"], 7);
    assert_eq!(m["counts"]["rejects"], 6);
    assert_eq!(m["rejects_by_reason"]["too_large"], 1);
    assert_eq!(m["status"], "completed");
}

#[test]
fn missing_input_path_fails_with_exit_code_2() {
    let out = tempfile::tempdir().unwrap();
    let o = run(&[
        "extract",
        "/no/such/newsmill/input",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("/no/such/newsmill/input"), "{err}");
    assert!(table_files(out.path(), "articles").is_empty());
}

#[test]
fn unwritable_out_fails_with_exit_code_2() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("a-file");
    std::fs::write(&file, b"x").unwrap();
    let out = file.join("dataset");
    let seed = fixtures().join("seed/portal-article.html");
    let o = run(&[
        "extract",
        seed.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--out"));
}

#[test]
fn bad_usage_exits_2() {
    assert_eq!(run(&["extract"]).status.code(), Some(2));
    assert_eq!(run(&["no-such-command"]).status.code(), Some(2));
    assert_eq!(run(&["inspect", "/no/such/dataset"]).status.code(), Some(2));
}

#[test]
fn ctrl_c_leaves_only_complete_parquet_files() {
    let input = tempfile::tempdir().unwrap();
    let seed = std::fs::read_to_string(fixtures().join("seed/portal-article.html")).unwrap();
    for i in 0..600 {
        // Distinct pages (canonical URL and body) so every one is exported.
        let page = seed.replace("a1209.html", &format!("a{i}.html")).replace(
            "nhiệm kỳ 2020-2025./.",
            &format!("nhiệm kỳ 2020-2025 ({i})./."),
        );
        std::fs::write(input.path().join(format!("p{i:04}.html")), page).unwrap();
    }
    let out = tempfile::tempdir().unwrap();
    let mut child = crate::common::bin()
        .args([
            "extract",
            input.path().to_str().unwrap(),
            "--out",
            out.path().to_str().unwrap(),
            "-q",
            "-j",
            "1",
        ])
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(700));
    let _ = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let status = child.wait().unwrap();
    // Interrupted runs exit 1 but keep what they finished; a run that beat the signal exits 0.
    assert!(matches!(status.code(), Some(0) | Some(1)), "{status:?}");
    assert_only_complete_files(out.path());
    let articles = rows(out.path(), "articles").len() as u64;
    let m = manifest(out.path());
    assert_eq!(m["counts"]["articles"], articles);
    assert_eq!(
        m["counts"]["pages_in"],
        articles
            + m["counts"]["duplicates"].as_u64().unwrap()
            + m["counts"]["rejects"].as_u64().unwrap()
    );
    if status.code() == Some(1) {
        assert_eq!(m["status"], "interrupted");
        assert!(articles < 600);
    }
}

/// A pipeline file of a site that is never contacted (the checks come first).
fn pipeline_into(dir: &Path, out: &str) -> std::path::PathBuf {
    let p = dir.join("site.toml");
    std::fs::write(
        &p,
        format!(
            "[site]\nid = \"x\"\ndomains = [\"127.0.0.1\"]\n\n[discovery]\nfeeds = [\"http://127.0.0.1:9/rss.xml\"]\n\n[output]\ndir = \"{out}\"\n"
        ),
    )
    .unwrap();
    p
}

#[test]
fn an_unusable_state_or_output_dir_is_named_exits_2_and_creates_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let p = pipeline_into(tmp.path(), &out.display().to_string());
    let o = crate::common::bin()
        .args(["run", "-q"])
        .arg(&p)
        .args(["--state", "/proc/x/state.sqlite"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("--state /proc/x/state.sqlite"), "{err}");
    assert!(
        !out.exists(),
        "the dataset folder was created before failing"
    );

    // output.dir that cannot be: `check` says so, and `run` names output.dir, not --out.
    let p = pipeline_into(tmp.path(), "/proc/x/data");
    let o = crate::common::bin().arg("check").arg(&p).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("output.dir /proc/x/data"), "{err}");
    let o = crate::common::bin()
        .args(["run", "-q"])
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("output.dir /proc/x/data") && !err.contains("--out"),
        "{err}"
    );
}

#[test]
fn export_and_report_on_an_empty_dataset_say_so_with_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("articles")).unwrap();
    for args in [
        vec!["export", "--out", "-", "--format", "csv"],
        vec!["report", "--out", "r.html"],
    ] {
        let o = crate::common::bin()
            .current_dir(tmp.path())
            .arg(args[0])
            .arg(tmp.path())
            .args(&args[1..])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&o.stderr).contains("is an empty dataset"));
        assert!(!tmp.path().join("r.html").exists());
    }
}

#[test]
fn unreachable_or_unsupported_object_storage_is_a_usage_error_not_a_local_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let page = tmp.path().join("a.html");
    std::fs::write(&page, "<html><body><h1>x</h1></body></html>").unwrap();
    for args in [
        vec![
            "extract",
            page.to_str().unwrap(),
            "--out",
            "s3://bucket/news",
        ],
        vec!["extract", "s3://bucket/cc-news/a.warc.gz", "--out", "out"],
        vec!["export", "s3://bucket/news", "--out", "a.csv"],
        vec!["report", "s3://bucket/news", "--out", "r.html"],
        // Output files are local: an address there is refused, not made a folder.
        vec!["export", "ds", "--out", "s3://bucket/a.csv"],
        vec!["report", "ds", "--out", "gs://bucket/r.html"],
    ] {
        // (A store that does not answer: nothing listens on port 9.)
        let o = crate::common::bin()
            .current_dir(tmp.path())
            .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
            .env("AWS_ALLOW_HTTP", "true")
            .env("AWS_ACCESS_KEY_ID", "x")
            .env("AWS_SECRET_ACCESS_KEY", "x")
            .env("AWS_REGION", "us-east-1")
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        let address = args.iter().find(|a| a.contains("://")).unwrap();
        assert!(err.contains(address), "{err}");
        assert!(
            err.contains("cannot be reached") || err.contains("not taken here"),
            "{err}"
        );
    }
    let left: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 1, "only the page: {left:?}");
}
