//! The cluster recipe for real: `deploy/slurm/submit.sh` through a Slurm cluster (CI
//! starts a one-node one with `deploy/slurm/local-cluster.sh`). A 4-shard extract of a
//! WARC file and saved pages, then a 2-shard crawl of a site, each followed by the
//! dedupe stages as array jobs, must give the dataset one process gives: the same
//! articles, images, participants and duplicate verdicts.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::process::Command;

use crate::common::{bin, files_under, fixtures, manifests, rows};
use crate::portal;
use crate::server::Server;

/// Whether a Slurm cluster answers; `NEWSMILL_REQUIRE_SLURM=1` (CI) makes its absence
/// a failure instead of a skip.
fn cluster_up() -> bool {
    let up = Command::new("sinfo")
        .args(["-h", "-o", "%t"])
        .output()
        .map(|o| {
            o.status.success()
                && String::from_utf8_lossy(&o.stdout)
                    .lines()
                    .any(|s| ["idle", "mix", "alloc"].contains(&s.trim()))
        })
        .unwrap_or(false);
    if !up {
        assert!(
            std::env::var_os("NEWSMILL_REQUIRE_SLURM").is_none(),
            "NEWSMILL_REQUIRE_SLURM is set but no Slurm node answers sinfo \
             (deploy/slurm/local-cluster.sh starts one)"
        );
        eprintln!("skipped: no Slurm cluster (deploy/slurm/local-cluster.sh starts one)");
    }
    up
}

fn ok(o: std::process::Output, what: &str) {
    assert!(
        o.status.success(),
        "{what}: {}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

fn submit(logs: &Path, shards: u32, args: &[&std::ffi::OsStr]) {
    submit_with(logs, shards, args, |_| {});
}

/// `submit.sh --wait`; `env` adds to the environment the array tasks inherit.
fn submit_with(
    logs: &Path,
    shards: u32,
    args: &[&std::ffi::OsStr],
    env: impl FnOnce(&mut Command),
) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/slurm/submit.sh");
    let mut cmd = Command::new("bash");
    cmd.arg(script)
        .args(["--shards", &shards.to_string(), "--wait", "--sbatch"])
        .arg(format!("--output={}/%x-%A_%a.out", logs.display()))
        .args(args)
        .env("NEWSMILL", env!("CARGO_BIN_EXE_newsmill"));
    env(&mut cmd);
    let o = cmd.output().unwrap();
    if !o.status.success() {
        let mut logs_text = String::new();
        for f in files_under(logs) {
            logs_text.push_str(&std::fs::read_to_string(logs.join(&f)).unwrap_or_default());
        }
        panic!(
            "submit.sh {args:?}: {}\n{}\ntask logs:\n{logs_text}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

/// What a dataset holds once every duplicates file is applied: the verdicts of the
/// runs' own dedupe and of the last `newsmill dedupe`, and the kept articles' rows.
#[derive(Debug, PartialEq)]
struct Merged {
    verdicts: BTreeMap<String, (String, String)>,
    articles: BTreeSet<(String, String)>,
    images: BTreeSet<(String, i64, String)>,
    participants: BTreeSet<(String, String, String)>,
}

fn merged(dir: &Path) -> Merged {
    let m = manifests(dir);
    let last_dedupe = m
        .iter()
        .filter(|m| m["command"] == "dedupe")
        .map(|m| m["run_id"].as_str().unwrap().to_string())
        .max();
    let mut verdicts = BTreeMap::new();
    for d in rows(dir, "duplicates") {
        let run = d["run_id"].as_str().unwrap();
        let global = m
            .iter()
            .any(|m| m["run_id"] == run && m["command"] == "dedupe");
        if global && Some(run) != last_dedupe.as_deref() {
            continue;
        }
        let old = verdicts.insert(
            d["article_id"].as_str().unwrap().to_string(),
            (
                d["duplicate_of"].as_str().unwrap().to_string(),
                d["method"].as_str().unwrap().to_string(),
            ),
        );
        assert!(old.is_none(), "two verdicts for {d:?}");
    }
    let kept = |id: &str| !verdicts.contains_key(id);
    let s = |v: &serde_json::Value| v.as_str().unwrap_or("").to_string();
    Merged {
        articles: rows(dir, "articles")
            .iter()
            .filter(|a| kept(a["article_id"].as_str().unwrap()))
            .map(|a| (s(&a["article_id"]), s(&a["url"])))
            .collect(),
        images: rows(dir, "images")
            .iter()
            .filter(|a| kept(a["article_id"].as_str().unwrap()))
            .map(|a| {
                (
                    s(&a["article_id"]),
                    a["position"].as_i64().unwrap(),
                    s(&a["src"]),
                )
            })
            .collect(),
        participants: rows(dir, "participants")
            .iter()
            .filter(|a| kept(a["article_id"].as_str().unwrap()))
            .map(|a| (s(&a["article_id"]), s(&a["name"]), s(&a["rank"])))
            .collect(),
        verdicts,
    }
}

#[test]
#[ignore = "needs a Slurm cluster (deploy/slurm/local-cluster.sh); .ci/run starts one"]
fn sharded_runs_and_dedupe_stages_on_slurm_equal_one_process() {
    if !cluster_up() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let logs = tmp.path().join("logs");
    std::fs::create_dir_all(&logs).unwrap();

    // Inputs: one site's crawl kept as WARC, the seed page and a syndicated copy of it.
    let site_a = Server::start(HashMap::new());
    portal::install(&site_a, 16, 0);
    let scratch = tmp.path().join("scratch");
    let p_a = tmp.path().join("a.toml");
    std::fs::write(&p_a, portal::pipeline(&site_a, &scratch, "")).unwrap();
    ok(
        bin()
            .args(["run", "-q", "--warc"])
            .arg(&p_a)
            .output()
            .unwrap(),
        "crawl for the WARC file",
    );
    let inputs = tmp.path().join("inputs");
    std::fs::create_dir_all(&inputs).unwrap();
    let warc = files_under(&scratch.join("warc"));
    assert_eq!(warc.len(), 1);
    std::fs::copy(
        scratch.join("warc").join(&warc[0]),
        inputs.join("site-a.warc.gz"),
    )
    .unwrap();
    std::fs::copy(
        fixtures().join("seed/portal-article.html"),
        inputs.join("seed.html"),
    )
    .unwrap();
    std::fs::write(
        inputs.join("copy.html"),
        crate::dedupe::syndicated_seed("c901"),
    )
    .unwrap();
    // A second site republishes the first one's stories under its own addresses.
    let site_b = Server::start(HashMap::new());
    portal::install(&site_b, 12, 0);
    let p_b = tmp.path().join("b.toml");
    std::fs::write(
        &p_b,
        portal::pipeline(&site_b, &tmp.path().join("unused"), ""),
    )
    .unwrap();

    // One process.
    let one = tmp.path().join("one");
    ok(
        bin()
            .args(["extract", "-q", "--out"])
            .arg(&one)
            .arg(&inputs)
            .output()
            .unwrap(),
        "extract",
    );
    ok(
        bin()
            .args(["run", "-q", "--out"])
            .arg(&one)
            .arg(&p_b)
            .output()
            .unwrap(),
        "crawl",
    );
    ok(
        bin().arg("dedupe").arg("-q").arg(&one).output().unwrap(),
        "dedupe",
    );

    // The cluster: 4 extract shards, then 2 crawl shards, each step followed by the
    // dedupe stages on as many array tasks.
    let sharded = tmp.path().join("sharded");
    submit(
        &logs,
        4,
        &["extract".as_ref(), sharded.as_os_str(), inputs.as_os_str()],
    );
    let runs = manifests(&sharded);
    let extract_shards: BTreeSet<String> = runs
        .iter()
        .filter(|m| m["command"] == "extract")
        .map(|m| format!("{}/{}", m["shard"]["index"], m["shard"]["count"]))
        .collect();
    assert_eq!(extract_shards.len(), 4, "{extract_shards:?}");
    submit(
        &logs,
        2,
        &["run".as_ref(), sharded.as_os_str(), p_b.as_os_str()],
    );
    assert!(sharded.join("state-0-of-2.sqlite").is_file());
    assert!(sharded.join("state-1-of-2.sqlite").is_file());

    let want = merged(&one);
    let got = merged(&sharded);
    // The data has what the comparison needs: both sites, images, people, copies.
    // Site A (16 stories) and the seed; site B's stories are all copies.
    assert_eq!(want.articles.len(), 17, "{:?}", want.articles);
    assert!(!want.images.is_empty() && !want.participants.is_empty());
    let methods: BTreeSet<&str> = want.verdicts.values().map(|v| v.1.as_str()).collect();
    assert!(methods.contains("near"), "{:?}", want.verdicts);
    assert!(
        want.verdicts.len() >= 12,
        "site B's stories are copies of site A's: {:?}",
        want.verdicts
    );
    assert_eq!(got, want);
    // The same through the scheduler into object storage (the S3 server on 127.0.0.1):
    // the tasks find the store in the environment they inherit, the crawl shards keep
    // their states on local disk.
    match crate::store::S3::start() {
        Some(s3) => {
            s3.create_bucket("lake");
            let states = tmp.path().join("states");
            std::fs::create_dir_all(&states).unwrap();
            let env = |c: &mut Command| {
                s3.configure(c);
                c.env("NEWSMILL_STATE_DIR", &states);
            };
            submit_with(
                &logs,
                4,
                &[
                    "extract".as_ref(),
                    "s3://lake/news".as_ref(),
                    inputs.as_os_str(),
                ],
                env,
            );
            submit_with(
                &logs,
                2,
                &["run".as_ref(), "s3://lake/news".as_ref(), p_b.as_os_str()],
                env,
            );
            assert!(states.join("state-0-of-2.sqlite").is_file());
            let keys = s3.keys("lake");
            assert!(
                !keys
                    .iter()
                    .any(|k| k.contains(".uploading") || k.contains("_dedupe"))
            );
            let back = tmp.path().join("from-s3");
            s3.download("lake", "news", &back);
            assert_eq!(merged(&back), want, "the dataset in object storage");
            eprintln!(
                "slurm + s3: {} objects in s3://lake/news, equal to one process",
                keys.len()
            );
        }
        None => eprintln!("(the object-storage leg needs an S3 server: skipped)"),
    }

    let mut by_method: BTreeMap<&str, usize> = BTreeMap::new();
    for v in got.verdicts.values() {
        *by_method.entry(v.1.as_str()).or_default() += 1;
    }
    eprintln!(
        "slurm: {} runs; kept {} articles, {} images, {} participants; duplicates {by_method:?}; equal to one process",
        manifests(&sharded).len(),
        got.articles.len(),
        got.images.len(),
        got.participants.len()
    );
}
