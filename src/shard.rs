//! Sharded runs: one of N processes (a SLURM array task, a Kubernetes Indexed Job's
//! pod, or `--shard K/N` by hand) takes a deterministic 1/N of the work, so N of them
//! together do each page once and write their own run files into one dataset.
//!
//! What is split is a stable key: for saved pages the input path, for WARC records and
//! crawled articles the page's canonical URL key, hashed with xxh3 (the same on every
//! machine and in every release), so a page always lands on the same shard.

use crate::error::UsageError;

/// This process's share of the work: index `index` (0-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// `K/N` with `0 <= K < N`.
    pub fn parse(text: &str) -> Result<Shard, UsageError> {
        let bad = || {
            UsageError(format!(
                "--shard {text:?}: give K/N with K from 0 to N-1 (e.g. 0/4 ... 3/4)"
            ))
        };
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let (index, count): (u32, u32) = (
            k.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// The shard from `--shard`, else from the scheduler's environment: SLURM job
    /// arrays (`SLURM_ARRAY_TASK_ID` from `SLURM_ARRAY_TASK_MIN`, of
    /// `SLURM_ARRAY_TASK_COUNT`), or a Kubernetes Indexed Job (`JOB_COMPLETION_INDEX`,
    /// of `--shard-count`, which Kubernetes does not put in the environment).
    pub fn resolve(
        flag: Option<&str>,
        count_flag: Option<u32>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<Shard>, UsageError> {
        if let Some(text) = flag {
            return Shard::parse(text).map(Some);
        }
        let num = |name: &str| -> Result<Option<u32>, UsageError> {
            match env(name) {
                None => Ok(None),
                Some(v) => v.trim().parse().map(Some).map_err(|_| {
                    UsageError(format!("{name}={v:?} in the environment is not a number"))
                }),
            }
        };
        if let Some(id) = num("SLURM_ARRAY_TASK_ID")? {
            let count = num("SLURM_ARRAY_TASK_COUNT")?
                .or(count_flag)
                .ok_or_else(|| {
                    UsageError(
                    "SLURM_ARRAY_TASK_ID is set but not SLURM_ARRAY_TASK_COUNT: give --shard-count"
                        .into(),
                )
                })?;
            let min = num("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
            let index = id.checked_sub(min).ok_or_else(|| {
                UsageError(format!(
                    "SLURM_ARRAY_TASK_ID {id} is below SLURM_ARRAY_TASK_MIN {min}"
                ))
            })?;
            return Shard::parse(&format!("{index}/{count}")).map(Some);
        }
        if let Some(index) = num("JOB_COMPLETION_INDEX")? {
            let Some(count) = count_flag else {
                return Err(UsageError(
                    "JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job): give --shard-count \
                     with the Job's completions"
                        .into(),
                ));
            };
            return Shard::parse(&format!("{index}/{count}")).map(Some);
        }
        if count_flag.is_some() {
            return Err(UsageError(
                "--shard-count needs a shard index: --shard, SLURM_ARRAY_TASK_ID or \
                 JOB_COMPLETION_INDEX"
                    .into(),
            ));
        }
        Ok(None)
    }

    /// [`Shard::resolve`] with this process's environment.
    pub fn of_process(
        flag: Option<&str>,
        count_flag: Option<u32>,
    ) -> Result<Option<Shard>, UsageError> {
        Shard::resolve(flag, count_flag, |k| std::env::var(k).ok())
    }

    /// Whether the work named by `key` is this shard's.
    pub fn takes(&self, key: &str) -> bool {
        xxhash_rust::xxh3::xxh3_64(key.as_bytes()) % self.count as u64 == self.index as u64
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// This process's hold on its shard of one dataset, for as long as it runs: a second
/// process given the same index for the same dataset on this machine is turned away
/// (exit 2) instead of writing the same share twice.
#[derive(Debug)]
pub struct Claim {
    _file: std::fs::File,
}

/// Claims shard `shard` of `command` into `dataset` (a folder or an object-store URL)
/// through a lock file in the system's temporary folder, which the operating system
/// releases when the process ends however it ends. Not needed for one shard of one.
pub fn claim(shard: Shard, command: &str, dataset: &str) -> anyhow::Result<Option<Claim>> {
    claim_in(
        &std::env::temp_dir().join("newsmill-shards"),
        shard,
        command,
        dataset,
    )
}

fn claim_in(
    dir: &std::path::Path,
    shard: Shard,
    command: &str,
    dataset: &str,
) -> anyhow::Result<Option<Claim>> {
    if shard.count <= 1 {
        return Ok(None);
    }
    // The same dataset however it was written ("out", "./out/", an absolute path).
    let key = if dataset.contains("://") {
        dataset.trim_end_matches('/').to_string()
    } else {
        let p = std::path::Path::new(dataset);
        std::path::absolute(p)
            .map(|a| a.components().collect::<std::path::PathBuf>())
            .unwrap_or_else(|_| p.to_path_buf())
            .to_string_lossy()
            .into_owned()
    };
    std::fs::create_dir_all(dir).map_err(|e| {
        anyhow::anyhow!("cannot create the shard lock folder {}: {e}", dir.display())
    })?;
    let path = dir.join(format!(
        "{command}-{:016x}-{}-of-{}.lock",
        xxhash_rust::xxh3::xxh3_64(key.as_bytes()),
        shard.index,
        shard.count
    ));
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| anyhow::anyhow!("cannot open the shard lock {}: {e}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(Claim { _file: file })),
        Err(std::fs::TryLockError::WouldBlock) => Err(UsageError(format!(
            "shard {shard} of `{command}` into {dataset} is already being written by another process on this machine (lock {}): each process of a sharded run needs its own index, 0/{n} to {last}/{n}, once each",
            path.display(),
            n = shard.count,
            last = shard.count - 1
        ))
        .into()),
        Err(std::fs::TryLockError::Error(e)) => {
            Err(anyhow::Error::new(e).context(format!("cannot lock {}", path.display())))
        }
    }
}

/// The key a page is split by: its canonical URL key when it has a URL, else its
/// source (a file path).
pub fn page_key(url: Option<&str>, source: &str) -> String {
    url.and_then(crate::normalise::url::canonical_key)
        .unwrap_or_else(|| source.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn a_second_process_with_the_same_index_is_turned_away() {
        let tmp = tempfile::tempdir().unwrap();
        let locks = tmp.path().join("locks");
        let two = Shard { index: 1, count: 4 };
        let held = claim_in(&locks, two, "extract", "s3://lake/news").unwrap();
        assert!(held.is_some());
        // The same dataset written another way, the same index: refused, as bad usage.
        let err = claim_in(&locks, two, "extract", "s3://lake/news/").unwrap_err();
        let usage = err.downcast_ref::<UsageError>().expect("a usage error");
        assert!(usage.0.contains("shard 1/4"), "{}", usage.0);
        // Another index, another dataset, or one shard of one: no conflict.
        assert!(
            claim_in(
                &locks,
                Shard { index: 2, count: 4 },
                "extract",
                "s3://lake/news"
            )
            .is_ok()
        );
        assert!(claim_in(&locks, two, "extract", "s3://lake/other").is_ok());
        assert!(
            claim_in(&locks, Shard { index: 0, count: 1 }, "extract", "x")
                .unwrap()
                .is_none()
        );
        // Released with its holder.
        drop(held);
        assert!(claim_in(&locks, two, "extract", "s3://lake/news").is_ok());
    }

    #[test]
    fn shards_parse_and_refuse_what_cannot_be() {
        assert_eq!(Shard::parse("2/4").unwrap(), Shard { index: 2, count: 4 });
        for bad in ["4/4", "1/0", "a/3", "3", "-1/2"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn schedulers_environments_give_the_shard() {
        let env = |vars: &[(&str, &str)]| {
            let m: HashMap<String, String> = vars
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            move |k: &str| m.get(k).cloned()
        };
        let slurm = env(&[
            ("SLURM_ARRAY_TASK_ID", "7"),
            ("SLURM_ARRAY_TASK_MIN", "5"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ]);
        assert_eq!(
            Shard::resolve(None, None, slurm).unwrap(),
            Some(Shard { index: 2, count: 4 })
        );
        let k8s = env(&[("JOB_COMPLETION_INDEX", "1")]);
        assert_eq!(
            Shard::resolve(None, Some(3), &k8s).unwrap(),
            Some(Shard { index: 1, count: 3 })
        );
        assert!(Shard::resolve(None, None, &k8s).is_err(), "count needed");
        assert_eq!(
            Shard::resolve(Some("0/2"), None, &k8s)
                .unwrap()
                .unwrap()
                .index,
            0
        );
        assert_eq!(Shard::resolve(None, None, env(&[])).unwrap(), None);
    }

    #[test]
    fn every_key_goes_to_exactly_one_shard_and_about_evenly() {
        let shards: Vec<Shard> = (0..4).map(|i| Shard { index: i, count: 4 }).collect();
        let mut per = [0usize; 4];
        for i in 0..4000 {
            let key = format!("tin.example/bai-{i}.html");
            let owners: Vec<usize> = (0..4).filter(|&s| shards[s].takes(&key)).collect();
            assert_eq!(owners.len(), 1);
            per[owners[0]] += 1;
        }
        assert!(per.iter().all(|&n| (850..1150).contains(&n)), "{per:?}");
    }
}
