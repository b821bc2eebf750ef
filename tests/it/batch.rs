//! `newsmill run pipelines/`: several sites (real HTTP servers on 127.0.0.1) in one
//! command, one table, JSON for the scheduler, and an exit code that tells a failed site.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

use crate::common::{bin, rows};
use crate::portal;
use crate::server::Server;

/// A pipeline file for the fixture portal on `server` as site `id`, into `out`.
fn site(dir: &Path, server: &Server, id: &str, out: &Path) {
    let text = portal::pipeline(server, out, "")
        .replace("id = \"fixture-portal\"", &format!("id = \"{id}\""));
    assert!(text.contains(&format!("id = \"{id}\"")));
    std::fs::write(dir.join(format!("{id}.toml")), text).unwrap();
}

#[test]
fn a_folder_of_pipelines_runs_every_site_into_its_own_dataset() {
    let (a, b) = (Server::start(HashMap::new()), Server::start(HashMap::new()));
    portal::install(&a, 12, 0);
    portal::install(&b, 7, 0);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("pipelines");
    std::fs::create_dir_all(&dir).unwrap();
    let (out_a, out_b) = (tmp.path().join("a"), tmp.path().join("b"));
    site(&dir, &a, "alpha", &out_a);
    site(&dir, &b, "beta", &out_b);

    let o = bin()
        .args(["run", "--connections", "3"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let table = String::from_utf8_lossy(&o.stdout);
    let lines: Vec<&str> = table.lines().collect();
    assert!(
        lines[0].starts_with("site ") && lines[0].contains("unchanged"),
        "{table}"
    );
    let alpha: Vec<&str> = lines[1].split_whitespace().collect();
    assert_eq!(&alpha[..6], &["alpha", "12", "0", "0", "0", "0"], "{table}");
    assert_eq!(alpha.last(), Some(&"completed"));
    assert!(lines[2].starts_with("beta  "), "{table}");
    assert_eq!(rows(&out_a, "articles").len(), 12);
    assert_eq!(rows(&out_b, "articles").len(), 7);
    assert!(out_a.join("state.sqlite").is_file() && out_b.join("state.sqlite").is_file());

    // The next run finds both sites unchanged; --json says so per site.
    let o = bin().args(["run", "--json"]).arg(&dir).output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    let sites: Vec<Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(sites.len(), 2);
    assert_eq!(sites[1]["site"], "beta");
    assert_eq!(sites[1]["status"], "completed");
    assert_eq!(sites[1]["summary"]["crawl"]["unchanged"], 7);
    assert_eq!(sites[1]["summary"]["crawl"]["new"], 0);
}

#[test]
fn one_site_down_fails_the_command_but_not_the_other_sites() {
    let up = Server::start(HashMap::new());
    portal::install(&up, 5, 0);
    let down = Server::start(HashMap::new());
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("pipelines");
    std::fs::create_dir_all(&dir).unwrap();
    site(&dir, &up, "up", &tmp.path().join("up"));
    // A site whose feed and listing are not there: nothing can be discovered.
    site(&dir, &down, "down", &tmp.path().join("down"));

    let o = bin().args(["run", "--json"]).arg(&dir).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let sites: Vec<Value> = serde_json::from_slice(&o.stdout).unwrap();
    let by_id: HashMap<&str, &Value> = sites
        .iter()
        .map(|s| (s["site"].as_str().unwrap(), s))
        .collect();
    assert_eq!(by_id["down"]["status"], "failed");
    assert!(
        by_id["down"]["error"]
            .as_str()
            .unwrap()
            .contains("could not be reached"),
        "{sites:?}"
    );
    assert_eq!(by_id["up"]["status"], "completed");
    assert_eq!(by_id["up"]["summary"]["crawl"]["new"], 5);
    assert_eq!(rows(&tmp.path().join("up"), "articles").len(), 5);
}

#[test]
fn a_bad_pipeline_file_stops_everything_before_any_site_runs() {
    let server = Server::start(HashMap::new());
    portal::install(&server, 3, 0);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("pipelines");
    std::fs::create_dir_all(&dir).unwrap();
    site(&dir, &server, "good", &tmp.path().join("good"));
    std::fs::write(dir.join("broken.toml"), "[site]\nid = \"x\"\nbogus = 1\n").unwrap();

    let o = bin().arg("run").arg(&dir).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("broken.toml") && err.contains("no site was run"),
        "{err}"
    );
    assert!(server.requested().is_empty(), "nothing was fetched");
    assert!(!tmp.path().join("good").exists());

    let o = bin()
        .arg("run")
        .arg(&dir)
        .args(["--out", "x"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}
