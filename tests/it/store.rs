//! Object storage for real: an S3-protocol server (moto's server mode, from PyPI) on
//! 127.0.0.1, started here. newsmill reads its inputs from it and writes datasets to it
//! (`extract`, `run`), `inspect` and `dedupe` work on a dataset there, and `eval` scores
//! labelled pages kept there. Skipped when
//! moto is not installed, unless `NEWSMILL_REQUIRE_S3=1` (CI) makes that a
//! failure.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{bin, fixtures, manifests, rows};
use crate::portal;
use crate::server::Server;

/// A moto S3 server on a free port of 127.0.0.1, stopped when dropped.
pub struct S3 {
    child: Child,
    endpoint: String,
    runtime: tokio::runtime::Runtime,
    client: reqwest::Client,
}

impl Drop for S3 {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl S3 {
    pub fn start() -> Option<S3> {
        Self::start_with(&[])
    }

    /// The server with extra environment for it (moto's own settings).
    pub fn start_with(env: &[(&str, &str)]) -> Option<S3> {
        let installed = Command::new("python3")
            .args(["-m", "moto.server", "--help"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !installed {
            assert!(
                std::env::var_os("NEWSMILL_REQUIRE_S3").is_none(),
                "NEWSMILL_REQUIRE_S3 is set but moto's server is not installed (pip install 'moto[server]')"
            );
            eprintln!("skipped: no S3 server (pip install 'moto[server]' provides one)");
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("python3")
            .args([
                "-m",
                "moto.server",
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let _ = rustls::crypto::ring::default_provider().install_default();
        let s3 = S3 {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
            runtime: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap(),
            client: reqwest::Client::new(),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        // Any answer will do (with authentication on, moto answers 403).
        while s3.request(reqwest::Method::GET, "/", vec![]).is_none() {
            assert!(Instant::now() < deadline, "moto_server did not start");
            std::thread::sleep(Duration::from_millis(200));
        }
        Some(s3)
    }

    /// One request; `None` when nothing answered.
    fn request(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Vec<u8>,
    ) -> Option<(u16, Vec<u8>)> {
        let url = format!("{}{path}", self.endpoint);
        self.runtime.block_on(async {
            let r = self
                .client
                .request(method, url)
                .body(body)
                .send()
                .await
                .ok()?;
            let status = r.status().as_u16();
            Some((status, r.bytes().await.ok()?.to_vec()))
        })
    }

    pub fn create_bucket(&self, bucket: &str) {
        let (status, _) = self
            .request(reqwest::Method::PUT, &format!("/{bucket}"), vec![])
            .unwrap();
        assert_eq!(status, 200);
    }

    fn put(&self, bucket: &str, key: &str, body: Vec<u8>) {
        let (status, _) = self
            .request(reqwest::Method::PUT, &format!("/{bucket}/{key}"), body)
            .unwrap();
        assert_eq!(status, 200);
    }

    /// Every key of the bucket (hidden temporaries included).
    pub fn keys(&self, bucket: &str) -> Vec<String> {
        let (_, body) = self
            .request(
                reqwest::Method::GET,
                &format!("/{bucket}?list-type=2&max-keys=1000"),
                vec![],
            )
            .unwrap();
        let text = String::from_utf8(body).unwrap();
        let mut keys: Vec<String> = text
            .split("<Key>")
            .skip(1)
            .filter_map(|s| s.split("</Key>").next())
            .map(str::to_string)
            .collect();
        keys.sort();
        keys
    }

    /// The objects under `prefix` copied into `dir`, as a local dataset to read back,
    /// with another S3 client (boto3, which moto brings).
    pub fn download(&self, bucket: &str, prefix: &str, dir: &Path) {
        let script = r#"
import sys, os, boto3
endpoint, bucket, prefix, dest = sys.argv[1:5]
s3 = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="test",
                  aws_secret_access_key="test", region_name="us-east-1")
for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix + "/"):
    for o in page.get("Contents", []):
        rel = o["Key"][len(prefix) + 1:]
        path = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        s3.download_file(bucket, o["Key"], path)
"#;
        let o = Command::new("python3")
            .arg("-c")
            .arg(script)
            .args([&self.endpoint, bucket, prefix])
            .arg(dir)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }

    /// `newsmill` with the store's address and credentials in its environment.
    fn newsmill(&self) -> Command {
        let mut c = bin();
        self.configure(&mut c);
        c
    }

    /// Puts the store's address and credentials in a command's environment.
    pub fn configure(&self, c: &mut Command) {
        c.env("AWS_ENDPOINT_URL", &self.endpoint)
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_ALLOW_HTTP", "true");
    }
}

/// Runs a boto3 script against the server (`S3_ENDPOINT` in its environment) and
/// returns what it printed.
fn boto3(s3: &S3, script: &str) -> String {
    let o = Command::new("python3")
        .arg("-c")
        .arg(script)
        .env("S3_ENDPOINT", &s3.endpoint)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).to_string()
}

#[test]
fn wrong_credentials_stop_the_command_with_exit_2_and_publish_nothing() {
    // moto checks signatures once its first N actions are done: the start-up probe
    // (one request), then three that create a user with a key and a policy allowing
    // everything (its IAM); from then on only that key, signed with its secret, is let in.
    let Some(s3) = S3::start_with(&[("INITIAL_NO_AUTH_ACTION_COUNT", "4")]) else {
        return;
    };
    let setup = r#"
import os, json, boto3
kw = dict(endpoint_url=os.environ["S3_ENDPOINT"], region_name="us-east-1")
iam = boto3.client("iam", aws_access_key_id="x", aws_secret_access_key="x", **kw)
iam.create_user(UserName="ci")
key = iam.create_access_key(UserName="ci")["AccessKey"]
iam.put_user_policy(UserName="ci", PolicyName="all", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
s3 = boto3.client("s3", aws_access_key_id=key["AccessKeyId"],
                  aws_secret_access_key=key["SecretAccessKey"], **kw)
s3.create_bucket(Bucket="news")
s3.put_object(Bucket="news", Key="in.html", Body=b"<html></html>")
print(key["AccessKeyId"], key["SecretAccessKey"])
"#;
    let out = boto3(&s3, setup);
    let (id, secret) = out.trim().split_once(' ').unwrap();
    // The key is good: boto3 reads the bucket with it, and is refused without it.
    let list = |id: &str, secret: &str| {
        boto3(
            &s3,
            &format!(
                r#"
import os, boto3
s3 = boto3.client("s3", endpoint_url=os.environ["S3_ENDPOINT"], region_name="us-east-1",
                  aws_access_key_id="{id}", aws_secret_access_key="{secret}")
try:
    print(sorted(o["Key"] for o in s3.list_objects_v2(Bucket="news").get("Contents", [])))
except Exception as e:
    print("refused", type(e).__name__, e.response["Error"]["Code"])
"#
            ),
        )
    };
    assert_eq!(list(id, secret).trim(), "['in.html']");
    assert!(list(id, "wrong").starts_with("refused"));

    let seed = fixtures().join("seed");
    for (key, secret, code) in [
        ("AKIANOSUCHKEY0000000", "whatever", "InvalidAccessKeyId"),
        (id, "not-the-secret", "SignatureDoesNotMatch"),
    ] {
        let run = |args: &[&std::ffi::OsStr]| {
            let o = bin()
                .env("AWS_ENDPOINT_URL", &s3.endpoint)
                .env("AWS_ACCESS_KEY_ID", key)
                .env("AWS_SECRET_ACCESS_KEY", secret)
                .env("AWS_REGION", "us-east-1")
                .env("AWS_ALLOW_HTTP", "true")
                .args(args)
                .output()
                .unwrap();
            let err = String::from_utf8_lossy(&o.stderr).to_string();
            assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
            assert!(
                err.contains("the credentials were refused") && err.contains(code),
                "{args:?}: {err}"
            );
            assert!(
                !err.contains("<?xml"),
                "the store's words, not its XML: {err}"
            );
        };
        // Writing a dataset, reading inputs, reading a dataset.
        run(&[
            "extract".as_ref(),
            "-q".as_ref(),
            seed.as_os_str(),
            "--out".as_ref(),
            "s3://news/ds".as_ref(),
        ]);
        let local = tempfile::tempdir().unwrap();
        run(&[
            "extract".as_ref(),
            "-q".as_ref(),
            "s3://news/in.html".as_ref(),
            "--out".as_ref(),
            local.path().join("ds").as_os_str(),
        ]);
        assert!(!local.path().join("ds").exists(), "no local dataset begun");
        run(&["inspect".as_ref(), "s3://news/ds".as_ref()]);
    }
    // Nothing was published, not even a hidden temporary.
    assert_eq!(list(id, secret).trim(), "['in.html']");
}

fn ok(o: std::process::Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).to_string()
}

fn ids(dir: &Path) -> BTreeSet<String> {
    rows(dir, "articles")
        .iter()
        .map(|a| a["article_id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn datasets_and_inputs_in_s3_for_extract_inspect_and_dedupe_stages() {
    let Some(s3) = S3::start() else {
        return;
    };
    s3.create_bucket("news");
    // Inputs in the bucket: six stories, the seed, and a syndicated copy of the seed.
    let local_in = tempfile::tempdir().unwrap();
    let mut pages: Vec<(String, Vec<u8>)> = (1..=6)
        .map(|i| {
            (
                format!("2024/05/story-{i}.html"),
                portal::article_html("https://tin.example", i, 0).into_bytes(),
            )
        })
        .collect();
    pages.push((
        "2024/06/seed.html".into(),
        std::fs::read(fixtures().join("seed/portal-article.html")).unwrap(),
    ));
    pages.push((
        "2024/06/copy.html".into(),
        crate::dedupe::syndicated_seed("c555").into_bytes(),
    ));
    for (key, body) in &pages {
        s3.put("news", &format!("in/{key}"), body.clone());
        let p = local_in.path().join(key.replace('/', "-"));
        std::fs::write(p, body).unwrap();
    }

    // The same pages extracted locally, for comparison.
    let local = tempfile::tempdir().unwrap();
    ok(bin()
        .args(["extract", "-q", "--out"])
        .arg(local.path())
        .arg(local_in.path())
        .output()
        .unwrap());

    // From the bucket to the bucket.
    ok(s3
        .newsmill()
        .args(["extract", "-q", "s3://news/in/", "--out", "s3://news/ds"])
        .output()
        .unwrap());
    let keys = s3.keys("news");
    let ds: Vec<&String> = keys.iter().filter(|k| k.starts_with("ds/")).collect();
    assert!(
        ds.iter()
            .all(|k| !k.contains(".uploading") && !k.contains(".tmp")),
        "{ds:?}"
    );
    for table in [
        "articles",
        "images",
        "participants",
        "duplicates",
        "rejects",
        "signatures",
    ] {
        assert_eq!(
            ds.iter()
                .filter(|k| k.starts_with(&format!("ds/{table}/")))
                .count(),
            1,
            "{table}: {ds:?}"
        );
    }
    assert_eq!(ds.iter().filter(|k| k.starts_with("ds/runs/")).count(), 1);
    let back = tempfile::tempdir().unwrap();
    s3.download("news", "ds", back.path());
    assert_eq!(ids(back.path()), ids(local.path()));
    assert_eq!(
        ids(back.path()).len(),
        7,
        "the copy is caught within the run"
    );
    assert!(
        rows(back.path(), "articles").iter().all(|a| a["source"]
            .as_str()
            .unwrap()
            .starts_with("s3://news/in/2024/")),
        "sources name the objects"
    );

    // A pattern picks objects: one month's pages only.
    ok(s3
        .newsmill()
        .args([
            "extract",
            "-q",
            "s3://news/in/2024/06/*.html",
            "--out",
            "s3://news/june",
        ])
        .output()
        .unwrap());
    let june = tempfile::tempdir().unwrap();
    s3.download("news", "june", june.path());
    assert_eq!(manifests(june.path())[0]["counts"]["pages_in"], 2);

    // inspect reads the dataset where it is.
    let text = ok(s3
        .newsmill()
        .args(["inspect", "s3://news/ds", "-n", "0"])
        .output()
        .unwrap());
    assert!(text.contains("s3://news/ds (1 runs)"), "{text}");
    assert!(text.contains("articles: 7 rows in 1 files"), "{text}");

    // A second run from local pages (the copy again, under another name), then the
    // global dedupe in stages, on the dataset in the bucket.
    let more = tempfile::tempdir().unwrap();
    std::fs::write(
        more.path().join("again.html"),
        crate::dedupe::syndicated_seed("c556"),
    )
    .unwrap();
    ok(s3
        .newsmill()
        .args(["extract", "-q", "--out", "s3://news/ds"])
        .arg(more.path())
        .output()
        .unwrap());
    for k in 0..2 {
        ok(s3
            .newsmill()
            .args([
                "dedupe",
                "-q",
                "s3://news/ds",
                "--stage",
                "buckets",
                "--shard",
            ])
            .arg(format!("{k}/2"))
            .output()
            .unwrap());
    }
    assert_eq!(
        s3.keys("news")
            .iter()
            .filter(|k| k.starts_with("ds/_dedupe/"))
            .count(),
        2
    );
    ok(s3
        .newsmill()
        .args(["dedupe", "-q", "s3://news/ds", "--stage", "decide"])
        .output()
        .unwrap());
    let keys = s3.keys("news");
    assert!(
        !keys.iter().any(|k| k.starts_with("ds/_dedupe/")),
        "spent pairs are removed: {keys:?}"
    );
    let back = tempfile::tempdir().unwrap();
    s3.download("news", "ds", back.path());
    let m = manifests(back.path());
    let dedupe_run = m.iter().find(|m| m["command"] == "dedupe").unwrap();
    assert_eq!(dedupe_run["counts"]["duplicates"], 1, "{dedupe_run}");
    assert_eq!(dedupe_run["duplicates_by_method"]["near"], 1);

    // An analyst's export and report read the dataset where it is: the same rows as
    // from a downloaded copy, the copy the dedupe found left out.
    let outs = tempfile::tempdir().unwrap();
    // `newsmill COMMAND -q FROM --out NAME`, and what it wrote.
    let written = |command: &str, from: &std::ffi::OsStr, name: &str| {
        let file = outs.path().join(name);
        ok(s3
            .newsmill()
            .args([command, "-q"])
            .arg(from)
            .arg("--out")
            .arg(&file)
            .output()
            .unwrap());
        std::fs::read_to_string(&file).unwrap()
    };
    let remote_rows = written("export", "s3://news/ds".as_ref(), "remote.jsonl");
    let local_rows = written("export", back.path().as_os_str(), "local.jsonl");
    assert_eq!(remote_rows, local_rows);
    assert_eq!(remote_rows.lines().count(), 7, "{remote_rows}");
    let totals = |from: &std::ffi::OsStr, name: &str| {
        let page = written("report", from, name);
        page.split(r#"<p class="totals">"#)
            .nth(1)
            .and_then(|t| t.split("</p>").next())
            .unwrap_or_default()
            .to_string()
    };
    let remote_totals = totals("s3://news/ds".as_ref(), "remote.html");
    assert!(
        remote_totals.starts_with("7 articles (newest versions, copies left out;"),
        "the report counts the dataset in the bucket: {remote_totals}"
    );
    assert_eq!(remote_totals, totals(back.path().as_os_str(), "local.html"));

    // Errors: a bucket that does not exist, a store that does not answer, a scheme
    // newsmill does not know: exit code 2, a message naming the problem, nothing made.
    let o = s3
        .newsmill()
        .args([
            "extract",
            "-q",
            "s3://news/in/",
            "--out",
            "s3://no-such-bucket/ds",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("bucket does not exist"));
    let o = s3
        .newsmill()
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .args(["inspect", "s3://news/ds"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot be reached"));
    let o = s3
        .newsmill()
        .args(["extract", "-q", "s3://news/in/", "--out", "ftp://news/ds"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("ftp://"));
    let o = s3
        .newsmill()
        .args(["inspect", "s3://news/nothing-here"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no newsmill dataset"));
}

#[test]
fn a_crawl_publishes_each_checkpoint_to_s3_and_keeps_its_state_local() {
    let Some(s3) = S3::start() else {
        return;
    };
    s3.create_bucket("crawl");
    let server = Server::start(HashMap::new());
    portal::install(&server, 30, 0);
    let tmp = tempfile::tempdir().unwrap();
    let pipeline = tmp.path().join("p.toml");
    std::fs::write(
        &pipeline,
        format!(
            "{}checkpoint_pages = 10\n",
            portal::pipeline(&server, &tmp.path().join("unused"), "")
        ),
    )
    .unwrap();
    // The state is required, and stays on local disk.
    let o = s3
        .newsmill()
        .args(["run", "-q", "--out", "s3://crawl/site"])
        .arg(&pipeline)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--state"));
    let state = tmp.path().join("state.sqlite");
    ok(s3
        .newsmill()
        .args(["run", "-q", "--out", "s3://crawl/site", "--state"])
        .arg(&state)
        .arg(&pipeline)
        .output()
        .unwrap());
    assert!(state.is_file());
    let keys = s3.keys("crawl");
    let parts = keys
        .iter()
        .filter(|k| k.starts_with("site/articles/"))
        .count();
    assert!(parts >= 3, "a part per checkpoint: {keys:?}");
    assert!(
        !keys
            .iter()
            .any(|k| k.contains("state") || k.contains(".uploading"))
    );
    let back = tempfile::tempdir().unwrap();
    s3.download("crawl", "site", back.path());
    assert_eq!(ids(back.path()).len(), 30);
    let m = manifests(back.path());
    assert_eq!(m.len(), 1);
    assert_eq!(m[0]["parts"].as_array().unwrap().len(), parts - 1);
    // The outbox beside the state is empty once everything is published.
    let outbox = tmp.path().join("state.sqlite.outbox");
    assert!(newsmill::store::files(&outbox).unwrap().is_empty());

    // A second run: incremental as with a local dataset (nothing new to export).
    ok(s3
        .newsmill()
        .args(["run", "-q", "--out", "s3://crawl/site", "--state"])
        .arg(&state)
        .arg(&pipeline)
        .output()
        .unwrap());
    let back = tempfile::tempdir().unwrap();
    s3.download("crawl", "site", back.path());
    let m = manifests(back.path());
    assert_eq!(m.len(), 2);
    assert_eq!(m[1]["crawl"]["unchanged"], 30);
}

#[test]
fn eval_scores_labelled_pages_kept_in_s3_as_it_scores_them_on_disk() {
    let Some(s3) = S3::start() else {
        return;
    };
    s3.create_bucket("news");
    let set = fixtures().join("vi-portals");
    let local = tempfile::tempdir().unwrap();
    let pages = [
        "tuoitre-thanh-tra-chat-cay-xanh-2015",
        "dantri-lich-nghi-tet-2013-2012",
        "soha-can-lo-lo-2012",
    ];
    for page in pages {
        for (folder, ext) in [("html", "html"), ("labels", "json")] {
            let rel = format!("{folder}/{page}.{ext}");
            let body = std::fs::read(set.join(&rel)).unwrap();
            s3.put("news", &format!("gold/{rel}"), body.clone());
            std::fs::create_dir_all(local.path().join(folder)).unwrap();
            std::fs::write(local.path().join(&rel), body).unwrap();
        }
    }
    let on_disk = ok(bin()
        .args(["eval", "--json", "-q"])
        .arg(local.path())
        .output()
        .unwrap());
    let in_s3 = ok(s3
        .newsmill()
        .args(["eval", "--json", "-q", "s3://news/gold/"])
        .output()
        .unwrap());
    let scores: serde_json::Value = serde_json::from_str(&in_s3).unwrap();
    assert_eq!(scores["title"], 1.0, "{in_s3}");
    assert_eq!(in_s3, on_disk);
    // An empty prefix is bad usage, named.
    let o = s3
        .newsmill()
        .args(["eval", "s3://news/no-such-set/"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("holds no files"));
}
