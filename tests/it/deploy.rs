//! The scheduling examples README shows (`deploy/`): systemd units checked by
//! `systemd-analyze verify`, the CronJob by a YAML parser, and every newsmill command
//! line in them parsed by newsmill's own flags, so a renamed flag breaks this test
//! rather than someone's schedule.

use std::path::{Path, PathBuf};
use std::process::Command;

use clap::Parser;
use newsmill::cli::Cli;

fn deploy() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy")
}

fn has(tool: &str) -> bool {
    Command::new(tool).arg("--version").output().is_ok()
}

/// Parses a newsmill command line (the words after the program) with the real CLI.
fn parses(words: &[&str]) {
    let args = std::iter::once("newsmill").chain(words.iter().copied());
    if let Err(e) = Cli::try_parse_from(args) {
        panic!("{words:?} is not a valid newsmill command line: {e}");
    }
}

/// The words of a shell-ish command line after the newsmill program, up to a redirect.
fn after_program(line: &str) -> Vec<&str> {
    line.split_whitespace()
        .skip_while(|w| !w.ends_with("/newsmill"))
        .skip(1)
        .take_while(|w| !w.starts_with('>') && !w.starts_with("2>"))
        .collect()
}

#[test]
fn the_systemd_units_verify_and_run_a_valid_command() {
    let service = std::fs::read_to_string(deploy().join("newsmill.service")).unwrap();
    let exec = service
        .lines()
        .find_map(|l| l.strip_prefix("ExecStart="))
        .expect("an ExecStart line");
    parses(&after_program(exec));
    if !has("systemd-analyze") {
        eprintln!("skipped systemd-analyze verify: systemd-analyze is not installed");
        return;
    }
    // verify also checks that ExecStart's program exists: point it at this build.
    let tmp = tempfile::tempdir().unwrap();
    let exe = env!("CARGO_BIN_EXE_newsmill");
    std::fs::write(
        tmp.path().join("newsmill.service"),
        service.replace("/usr/local/bin/newsmill", exe),
    )
    .unwrap();
    std::fs::copy(
        deploy().join("newsmill.timer"),
        tmp.path().join("newsmill.timer"),
    )
    .unwrap();
    let o = Command::new("systemd-analyze")
        .arg("verify")
        .arg(tmp.path().join("newsmill.timer"))
        .arg(tmp.path().join("newsmill.service"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(
        !err.contains("newsmill."),
        "warnings about our units: {err}"
    );
}

#[test]
fn the_crontab_line_has_five_time_fields_and_a_valid_command() {
    let text = std::fs::read_to_string(deploy().join("crontab")).unwrap();
    let line = text
        .lines()
        .find(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
        .unwrap();
    let fields: Vec<&str> = line.split_whitespace().take(6).collect();
    let field_ok = |f: &str, max: u32| {
        f == "*"
            || f.split(',').all(|p| {
                let p = p.split('/').next().unwrap_or(p);
                p == "*"
                    || p.split('-')
                        .all(|n| n.parse::<u32>().is_ok_and(|n| n <= max))
            })
    };
    for (f, max) in fields.iter().zip([59, 23, 31, 12, 7]) {
        assert!(field_ok(f, max), "bad cron field {f:?} in {line:?}");
    }
    assert!(fields[5].ends_with("/newsmill"), "{line}");
    parses(&after_program(line));
}

#[test]
fn the_kubernetes_cronjob_is_valid_yaml_with_a_valid_command() {
    let path = deploy().join("cronjob.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    // The command line, from the args array.
    let args_line = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("args:"))
        .unwrap();
    let words: Vec<String> = serde_json::from_str(args_line.trim()).unwrap();
    parses(&words.iter().map(String::as_str).collect::<Vec<_>>());
    let has_yaml = Command::new("python3")
        .args(["-c", "import yaml"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_yaml {
        eprintln!("skipped the YAML parse: python3 with PyYAML is not installed");
        return;
    }
    let o = Command::new("python3")
        .arg("-c")
        .arg(
            "import sys, yaml, json; d = yaml.safe_load(open(sys.argv[1])); \
             print(json.dumps(d))",
        )
        .arg(&path)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let job: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(job["apiVersion"], "batch/v1");
    assert_eq!(job["kind"], "CronJob");
    assert_eq!(job["spec"]["concurrencyPolicy"], "Forbid");
    assert_eq!(
        job["spec"]["schedule"].as_str().unwrap().split(' ').count(),
        5
    );
    let pod = &job["spec"]["jobTemplate"]["spec"]["template"]["spec"];
    assert_eq!(pod["restartPolicy"], "Never");
    let mounts: Vec<&str> = pod["containers"][0]["volumeMounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    let volumes: Vec<&str> = pod["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    assert_eq!(mounts, volumes, "every mount has its volume");
}

#[test]
fn the_indexed_jobs_are_valid_yaml_with_valid_sharded_commands() {
    let path = deploy().join("indexed-job.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let commands: Vec<Vec<String>> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("args:"))
        .map(|a| serde_json::from_str(a.trim()).unwrap())
        .collect();
    assert_eq!(commands.len(), 3);
    for words in &commands {
        parses(&words.iter().map(String::as_str).collect::<Vec<_>>());
    }
    let has_yaml = Command::new("python3")
        .args(["-c", "import yaml"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_yaml {
        eprintln!("skipped the YAML parse: python3 with PyYAML is not installed");
        return;
    }
    let o = Command::new("python3")
        .arg("-c")
        .arg(
            "import sys, yaml, json; print(json.dumps(list(yaml.safe_load_all(open(sys.argv[1])))))",
        )
        .arg(&path)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let jobs: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(jobs.len(), 3);
    for job in &jobs {
        assert_eq!(job["kind"], "Job");
        let args: Vec<&str> = job["spec"]["template"]["spec"]["containers"][0]["args"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        // An indexed job's pods find their shard in JOB_COMPLETION_INDEX; the count
        // flag must say how many completions there are.
        if job["spec"]["completionMode"] == "Indexed" {
            let count = args
                .iter()
                .skip_while(|a| **a != "--shard-count")
                .nth(1)
                .unwrap();
            assert_eq!(job["spec"]["completions"].to_string(), *count);
        }
    }
}

#[test]
fn the_slurm_scripts_are_valid_bash_with_valid_commands() {
    for script in [
        "slurm/newsmill.sbatch",
        "slurm/submit.sh",
        "slurm/local-cluster.sh",
    ] {
        let o = Command::new("bash")
            .arg("-n")
            .arg(deploy().join(script))
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{script}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    // The command lines submit.sh builds, as each array task runs them.
    for words in [
        &["extract", "--quiet", "--threads", "1", "--out", "/d", "/in"][..],
        &["run", "--quiet", "--threads", "1", "--out", "/d", "p.toml"][..],
        &[
            "dedupe",
            "--quiet",
            "--threads",
            "1",
            "/d",
            "--stage",
            "buckets",
        ][..],
        &[
            "dedupe",
            "--quiet",
            "--threads",
            "1",
            "/d",
            "--stage",
            "decide",
        ][..],
    ] {
        parses(words);
    }
}
