//! Where datasets and inputs live: local folders, or object storage (S3 and every
//! S3-compatible store, Google Cloud Storage, Azure Blob Storage, plain HTTP) through
//! the Arrow project's `object_store`, configured from the usual environment variables
//! (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, `AWS_ENDPOINT_URL`,
//! `AWS_ALLOW_HTTP`; `GOOGLE_SERVICE_ACCOUNT`; `AZURE_STORAGE_ACCOUNT_NAME`, ...).
//!
//! The stages keep writing local files (atomic renames, the SQLite crawl state); a
//! remote dataset is written into a local outbox ([`Outbox`]) and published from it:
//! each file is uploaded (as a multipart upload) under a hidden temporary key and then
//! moved to its place, data files first and each run's manifest last. A reader thus
//! never sees half a file, a run is complete when its manifest is there, and a killed
//! run leaves at most hidden temporaries, which no reader's glob picks up.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};
use futures_util::StreamExt;
use object_store::path::Path as Key;
use object_store::{ObjectStore, ObjectStoreExt, WriteMultipart};

use crate::error::UsageError;

/// A folder of an object store: the store, and the prefix under which the dataset (or
/// the inputs) live.
#[derive(Clone)]
pub struct Remote {
    store: Arc<dyn ObjectStore>,
    /// The address as the user gave it, without a trailing slash (for messages).
    pub url: String,
    prefix: Key,
    runtime: Arc<tokio::runtime::Runtime>,
}

impl std::fmt::Debug for Remote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.url)
    }
}

/// The scheme of an address (`s3` of `s3://bucket/x`), if `text` is one.
pub fn scheme(text: &str) -> Option<&str> {
    text.split_once("://").map(|(s, _)| s).filter(|s| {
        !s.is_empty()
            && s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
    })
}

/// The object store at `text` (`s3://bucket/prefix`, `gs://...`, `az://...`,
/// `https://...`), or `None` for a local path. Nothing is contacted yet.
pub fn parse(text: &str) -> Result<Option<Remote>, UsageError> {
    let Some(scheme) = scheme(text) else {
        return Ok(None);
    };
    let url = url::Url::parse(text)
        .map_err(|e| UsageError(format!("{text} is not a valid address: {e}")))?;
    // The store's HTTPS client uses the same TLS crypto as the fetcher (ring).
    let _ = rustls::crypto::ring::default_provider().install_default();
    // A store that does not answer is reported within seconds, not after the default
    // three minutes of retries.
    let retry = object_store::RetryConfig {
        max_retries: 3,
        retry_timeout: std::time::Duration::from_secs(30),
        ..Default::default()
    };
    let built: Result<Arc<dyn ObjectStore>, object_store::Error> = match scheme {
        "s3" | "s3a" => object_store::aws::AmazonS3Builder::from_env()
            .with_retry(retry.clone())
            .with_url(text)
            .build()
            .map(|s| Arc::new(s) as Arc<dyn ObjectStore>),
        "gs" => object_store::gcp::GoogleCloudStorageBuilder::from_env()
            .with_retry(retry.clone())
            .with_url(text)
            .build()
            .map(|s| Arc::new(s) as Arc<dyn ObjectStore>),
        "az" | "abfs" | "abfss" | "azure" => object_store::azure::MicrosoftAzureBuilder::from_env()
            .with_retry(retry.clone())
            .with_url(text)
            .build()
            .map(|s| Arc::new(s) as Arc<dyn ObjectStore>),
        "http" | "https" => object_store::http::HttpBuilder::new()
            .with_retry(retry)
            .with_url(format!("{}://{}", url.scheme(), url.authority()))
            .build()
            .map(|s| Arc::new(s) as Arc<dyn ObjectStore>),
        other => {
            return Err(UsageError(format!(
                "{text}: {other}:// is not a storage newsmill knows; use a local path, s3:// \
                 (also S3-compatible stores with AWS_ENDPOINT_URL), gs://, az:// or https://"
            )));
        }
    };
    let store = built.map_err(|e| {
        UsageError(format!(
            "{text}: cannot set up the object store: {e}; check the address and the \
             environment (AWS_REGION, AWS_ENDPOINT_URL, AWS_ALLOW_HTTP=true for http://, ...)"
        ))
    })?;
    // For s3://bucket/prefix the bucket is the host; for https:// the whole path is
    // the prefix.
    let path = url.path().trim_matches('/');
    let prefix = Key::parse(path)
        .map_err(|e| UsageError(format!("{text}: not a valid object path: {e}")))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| UsageError(format!("cannot start the storage client: {e}")))?;
    Ok(Some(Remote {
        store,
        url: text.trim_end_matches('/').to_string(),
        prefix,
        runtime: Arc::new(runtime),
    }))
}

/// A usage error for an object store that is not there or turns newsmill away.
fn refused(url: &str, e: &object_store::Error) -> UsageError {
    let text = e.to_string();
    // What the store answered first: an error code in its reply proves it was reached,
    // while the words that mean it was not ("connect", "dns") can turn up anywhere in a
    // reply's text (a random request id). A message can hold any digits (its timings),
    // so status codes are matched with their reason phrase only.
    let why = if matches!(e, object_store::Error::NotFound { .. }) || text.contains("NoSuchBucket")
    {
        "the bucket does not exist (create it first, or check the name)"
    } else if matches!(
        e,
        object_store::Error::PermissionDenied { .. } | object_store::Error::Unauthenticated { .. }
    ) || text.contains("403 Forbidden")
        || text.contains("InvalidAccessKeyId")
        || text.contains("SignatureDoesNotMatch")
        || text.contains("AccessDenied")
    {
        "the credentials were refused (check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or the store's own variables)"
    } else if text.contains("error sending request")
        || text.contains("connect")
        || text.contains("dns")
        || text.contains("timed out")
    {
        "the store cannot be reached (check AWS_ENDPOINT_URL, the network, AWS_ALLOW_HTTP=true for http://)"
    } else {
        "the store answered with an error"
    };
    tracing::debug!("{url}: {text}");
    UsageError(format!("{url}: {why}: {}", store_said(&text)))
}

/// The error code and message of an S3-style XML error body, when the text holds one
/// (the whole body, request ids and all, is noise on a terminal); else the text.
fn store_said(text: &str) -> String {
    let between = |open: &str, close: &str| {
        let from = text.find(open)? + open.len();
        let to = text[from..].find(close)? + from;
        Some(text[from..to].trim().to_string())
    };
    match (
        between("<Code>", "</Code>"),
        between("<Message>", "</Message>"),
    ) {
        (Some(code), Some(message)) => format!("the store said {code}: {message}"),
        (Some(code), None) => format!("the store said {code}"),
        _ => text.to_string(),
    }
}

impl Remote {
    fn key(&self, rel: &str) -> Key {
        let mut k = self.prefix.clone();
        for part in rel.split('/').filter(|p| !p.is_empty()) {
            k = k.clone().join(part);
        }
        k
    }

    /// Asks the store for the folder, so that a missing bucket, wrong credentials or an
    /// unreachable endpoint stop the command before it does any work (exit code 2).
    pub fn check(&self) -> Result<(), UsageError> {
        let prefix = self.prefix.clone();
        self.runtime
            .block_on(self.store.list_with_delimiter(Some(&prefix)))
            .map(|_| ())
            .map_err(|e| refused(&self.url, &e))
    }

    /// Every object under the folder whose key passes `keep`, as (path relative to the
    /// folder, size), sorted.
    pub fn list(&self, keep: &dyn Fn(&str) -> bool) -> Result<Vec<(String, u64)>> {
        let prefix = self.prefix.clone();
        let mut out = Vec::new();
        self.runtime.block_on(async {
            let mut stream = self.store.list(Some(&prefix));
            while let Some(meta) = stream.next().await {
                let meta = meta.map_err(|e| refused(&self.url, &e))?;
                let rel = meta
                    .location
                    .prefix_match(&prefix)
                    .map(|parts| parts.map(|p| p.as_ref().to_string()).collect::<Vec<_>>())
                    .unwrap_or_default()
                    .join("/");
                if keep(&rel) {
                    out.push((rel, meta.size));
                }
            }
            Ok::<_, anyhow::Error>(())
        })?;
        out.sort();
        Ok(out)
    }

    /// Copies the object at `rel` into the local file `dest` (streamed, never whole in
    /// memory), atomically: `dest` appears only when complete.
    pub fn download(&self, rel: &str, dest: &Path) -> Result<()> {
        use std::io::Write;
        let key = self.key(rel);
        let tmp = dest.with_extension("part");
        if let Some(dir) = dest.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        let what = format!("{}/{rel}", self.url);
        self.runtime.block_on(async {
            let got = self.store.get(&key).await.map_err(|e| refused(&what, &e))?;
            let mut file = std::fs::File::create(&tmp)
                .with_context(|| format!("cannot create {}", tmp.display()))?;
            let mut stream = got.into_stream();
            while let Some(chunk) = stream.next().await {
                let chunk = chunk.with_context(|| format!("cannot read {what}"))?;
                file.write_all(&chunk)
                    .with_context(|| format!("cannot write {}", tmp.display()))?;
            }
            file.sync_all()?;
            Ok::<_, anyhow::Error>(())
        })?;
        std::fs::rename(&tmp, dest)
            .with_context(|| format!("cannot rename {} to {}", tmp.display(), dest.display()))?;
        Ok(())
    }

    /// Uploads the local file `src` to `rel`: first under a hidden temporary key in
    /// parts of 8 MiB (a multipart upload), then moved into place, so the object at
    /// `rel` appears only when complete.
    pub fn upload(&self, src: &Path, rel: &str) -> Result<()> {
        use std::io::Read;
        let dest = self.key(rel);
        let name = dest.filename().unwrap_or("file").to_string();
        let tmp = match rel.rsplit_once('/') {
            Some((dir, _)) => self.key(&format!("{dir}/.{name}.uploading")),
            None => self.key(&format!(".{name}.uploading")),
        };
        let what = format!("{}/{rel}", self.url);
        self.runtime.block_on(async {
            let upload = self
                .store
                .put_multipart(&tmp)
                .await
                .map_err(|e| refused(&what, &e))?;
            let mut writer = WriteMultipart::new_with_chunk_size(upload, 8 << 20);
            let mut file = std::fs::File::open(src)
                .with_context(|| format!("cannot open {}", src.display()))?;
            let mut buf = vec![0u8; 1 << 20];
            loop {
                let n = file
                    .read(&mut buf)
                    .with_context(|| format!("cannot read {}", src.display()))?;
                if n == 0 {
                    break;
                }
                writer.write(&buf[..n]);
            }
            writer
                .finish()
                .await
                .with_context(|| format!("cannot upload {what}"))?;
            self.store
                .rename(&tmp, &dest)
                .await
                .with_context(|| format!("cannot move the upload into place at {what}"))?;
            Ok::<_, anyhow::Error>(())
        })
    }

    /// Deletes the object at `rel` (gone already is fine).
    pub fn delete(&self, rel: &str) -> Result<()> {
        let key = self.key(rel);
        match self.runtime.block_on(self.store.delete(&key)) {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(anyhow::anyhow!("cannot delete {}/{rel}: {e}", self.url)),
        }
    }
}

/// A local folder that stands for a remote dataset while a command writes it: the
/// stages write here as into any dataset folder, and [`Outbox::flush`] moves every
/// complete file to the store (and deletes it here).
#[derive(Debug)]
pub struct Outbox {
    pub local: PathBuf,
    pub remote: Remote,
    /// Keeps a temporary outbox alive (and removes it at the end).
    _temp: Option<tempfile::TempDir>,
}

impl Outbox {
    /// An outbox at `local` (kept across runs: a crawl's, beside its state, so that a
    /// killed run's files are published by the next one), or in a temporary folder.
    pub fn new(remote: Remote, local: Option<PathBuf>) -> Result<Self> {
        let (local, temp) = match local {
            Some(p) => {
                std::fs::create_dir_all(&p)
                    .with_context(|| format!("cannot create the outbox {}", p.display()))?;
                (p, None)
            }
            None => {
                let t = tempfile::Builder::new()
                    .prefix("newsmill-outbox-")
                    .tempdir()
                    .context("cannot create a temporary outbox")?;
                (t.path().to_path_buf(), Some(t))
            }
        };
        Ok(Outbox {
            local,
            remote,
            _temp: temp,
        })
    }

    /// Uploads every complete file of the outbox (hidden temporaries are left), data
    /// files first and run manifests last, deleting each once it is in place. Returns
    /// how many were published.
    pub fn flush(&self) -> Result<usize> {
        let mut files = Vec::new();
        collect(&self.local, "", &mut files)?;
        // Manifests last: a run is complete in the store once its manifest is there.
        files.sort_by_key(|rel| (rel.starts_with("runs/"), rel.clone()));
        for rel in &files {
            let src = self.local.join(rel);
            self.remote.upload(&src, rel)?;
            std::fs::remove_file(&src)
                .with_context(|| format!("cannot remove {} after publishing it", src.display()))?;
            tracing::debug!("published {}/{rel}", self.remote.url);
        }
        Ok(files.len())
    }
}

/// Relative paths of the visible files under `dir` (hidden files and folders, such as
/// temporaries being written, are skipped).
fn collect(dir: &Path, rel: &str, out: &mut Vec<String>) -> Result<()> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e).with_context(|| format!("cannot list {}", dir.display())),
    };
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot list {}", dir.display()))?;
        let name = entry.file_name().to_string_lossy().to_string();
        if name.starts_with('.') {
            continue;
        }
        let path = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        if entry.file_type()?.is_dir() {
            collect(&entry.path(), &path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// A local copy of the parts of a remote dataset a command reads (`tables`, and the
/// run manifests), in a temporary folder.
pub fn mirror(remote: &Remote, tables: &[&str]) -> Result<tempfile::TempDir> {
    let dir = tempfile::Builder::new()
        .prefix("newsmill-mirror-")
        .tempdir()
        .context("cannot create a temporary folder")?;
    let wanted = |rel: &str| {
        let top = rel.split('/').next().unwrap_or("");
        !rel.split('/').any(|p| p.starts_with('.')) && (tables.contains(&top) || top == "runs")
    };
    let listed = remote.list(&wanted)?;
    if !listed.iter().any(|(rel, _)| rel.starts_with("runs/")) {
        return Err(UsageError(format!(
            "{} holds no newsmill dataset (no run manifest under runs/): give the address a \
             `newsmill extract` or `newsmill run` wrote to",
            remote.url
        ))
        .into());
    }
    download_into(remote, listed, dir)
}

/// A dataset a read-only command works on: a local folder as given, or a local copy
/// of the tables it reads from object storage (removed when this is dropped).
pub struct Readable {
    local: std::path::PathBuf,
    /// The remote address and the copy standing in for it.
    remote: Option<(String, tempfile::TempDir)>,
}

impl Readable {
    /// Opens a dataset, `dir` (a folder or an object-storage address), for reading
    /// `tables`.
    pub fn open(dir: &Path, tables: &[&str]) -> Result<Readable> {
        Self::with(dir, |remote| mirror(remote, tables))
    }

    /// Opens a folder of labelled pages for `eval`: everything under it.
    pub fn labelled(dir: &Path) -> Result<Readable> {
        Self::with(dir, copy_down)
    }

    /// `dir` as it is, or the copy `copy` makes of it when it is an address.
    fn with(
        dir: &Path,
        copy: impl FnOnce(&Remote) -> Result<tempfile::TempDir>,
    ) -> Result<Readable> {
        match parse(&dir.to_string_lossy())? {
            Some(remote) => {
                remote.check()?;
                let copy = copy(&remote)?;
                Ok(Readable {
                    local: copy.path().to_path_buf(),
                    remote: Some((remote.url, copy)),
                })
            }
            None => Ok(Readable {
                local: dir.to_path_buf(),
                remote: None,
            }),
        }
    }

    /// Where the dataset's files are on this machine.
    pub fn path(&self) -> &Path {
        &self.local
    }

    /// `text` with the local copy's path put back as the address the user gave.
    pub fn name_paths(&self, text: &str) -> String {
        match &self.remote {
            Some((url, copy)) => text.replace(&copy.path().display().to_string(), url),
            None => text.to_string(),
        }
    }
}

/// A local copy of every visible object under a remote prefix (labelled pages for
/// `eval`: `labels/` + `html/`, or `ground-truth.json` + `html/`), in a temporary folder.
fn copy_down(remote: &Remote) -> Result<tempfile::TempDir> {
    let dir = tempfile::Builder::new()
        .prefix("newsmill-copy-")
        .tempdir()
        .context("cannot create a temporary folder")?;
    let listed = remote.list(&|rel: &str| !rel.split('/').any(|p| p.starts_with('.')))?;
    if listed.is_empty() {
        return Err(UsageError(format!(
            "{} holds no files: give the address of a folder of labelled pages \
             (labels/ and html/, or ground-truth.json and html/)",
            remote.url
        ))
        .into());
    }
    download_into(remote, listed, dir)
}

/// Downloads `listed` objects into `dir`, each at its relative path.
fn download_into(
    remote: &Remote,
    listed: Vec<(String, u64)>,
    dir: tempfile::TempDir,
) -> Result<tempfile::TempDir> {
    for (rel, _) in listed {
        remote.download(&rel, &dir.path().join(&rel))?;
    }
    Ok(dir)
}

/// The visible files under `dir`, relative to it.
pub fn files(dir: &Path) -> Result<std::collections::BTreeSet<String>> {
    let mut out = Vec::new();
    collect(dir, "", &mut out)?;
    Ok(out.into_iter().collect())
}

/// Publishes what a command changed in a local copy of a remote dataset: files added
/// since `before` are uploaded (manifests last), files removed are deleted remotely.
pub fn publish_changes(
    dir: &Path,
    before: &std::collections::BTreeSet<String>,
    remote: &Remote,
) -> Result<()> {
    let after = files(dir)?;
    let mut added: Vec<&String> = after.difference(before).collect();
    added.sort_by_key(|rel| (rel.starts_with("runs/"), (*rel).clone()));
    for rel in added {
        remote.upload(&dir.join(rel), rel)?;
    }
    for rel in before.difference(&after) {
        remote.delete(rel)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_that_does_not_answer_is_not_taken_for_refused_credentials() {
        // What newsmill says of a store's error whose text is `source`.
        let says = |source: &str| {
            let e = object_store::Error::Generic {
                store: "S3",
                source: source.to_string().into(),
            };
            refused("s3://b/x", &e).0
        };
        // The timing in the message holds "403" among its digits.
        let msg = says(
            "Error performing GET http://127.0.0.1:9/b in 446.640337ms, after 3 retries - HTTP error: error sending request",
        );
        assert!(msg.contains("cannot be reached"), "{msg}");
        assert!(
            says("Server returned non-2xx status code: 403 Forbidden: <Code>InvalidAccessKeyId</Code>")
                .contains("credentials were refused")
        );
        // A reply's random request id may hold "dns" or "connect": the code decides.
        assert!(
            says("403 Forbidden: <Code>SignatureDoesNotMatch</Code><RequestId>q7dnsConnectZ</RequestId>")
                .contains("credentials were refused")
        );
        assert!(says("404 Not Found: <Code>NoSuchBucket</Code>").contains("bucket does not exist"));
        // The store's own words, without the XML around them.
        assert_eq!(
            says(
                "Error performing list request: 403 Forbidden: <?xml version=\"1.0\"?><Error><Code>SignatureDoesNotMatch</Code><Message>Check your key.</Message><RequestId>X1</RequestId></Error>"
            ),
            "s3://b/x: the credentials were refused (check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or the store's own variables): the store said SignatureDoesNotMatch: Check your key."
        );
    }
}
