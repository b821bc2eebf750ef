//! Where pages come from before any parsing: saved files and folders on disk.
//!
//! A source yields [`RawPage`]s, or a [`Reject`] when a page cannot even be read, so
//! every input is accounted for. The HTTP fetcher is another source of the same records.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::Utc;
use flate2::read::MultiGzDecoder;

use crate::error::UsageError;
use crate::record::{RawPage, Reject, Stage};

/// One input: a page file on disk, an object in a store (fetched when its turn comes),
/// or a folder entry that could not be listed.
#[derive(Debug, Clone)]
pub enum Input {
    File(PathBuf),
    Remote(crate::store::Remote, String),
    Unlistable(PathBuf, String),
}

impl Input {
    /// Where the input is, as rejects and shards name it.
    pub fn name(&self) -> String {
        match self {
            Input::File(p) | Input::Unlistable(p, _) => p.display().to_string(),
            Input::Remote(r, rel) => format!("{}/{rel}", r.url),
        }
    }

    /// Whether it is a WARC file.
    pub fn is_warc(&self) -> bool {
        match self {
            Input::File(p) => crate::crawl::warc::is_warc_name(p),
            Input::Remote(_, rel) => crate::crawl::warc::is_warc_name(Path::new(rel)),
            Input::Unlistable(..) => false,
        }
    }
}

/// True for the file names `extract` reads from folders (pages and WARC files).
pub fn is_page_name(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    !name.starts_with('.')
        && [
            ".html", ".htm", ".html.gz", ".htm.gz", ".xhtml", ".warc", ".warc.gz",
        ]
        .iter()
        .any(|e| name.ends_with(e))
}

/// Lists the pages under the given paths. Files named on the command line are taken
/// whatever their name; folders are walked recursively in sorted order for `*.html`,
/// `*.htm` and `*.html.gz`. A path that does not exist is a usage error.
pub fn list(paths: &[PathBuf]) -> Result<Vec<Input>, UsageError> {
    let mut out = Vec::new();
    for p in paths {
        if let Some(remote) = crate::store::parse(&p.to_string_lossy())? {
            out.extend(list_remote(remote)?);
            continue;
        }
        let meta = std::fs::metadata(p).map_err(|e| {
            UsageError(format!(
                "input path {} cannot be read: {e}; check the path and its permissions",
                p.display()
            ))
        })?;
        if meta.is_dir() {
            walk(p, &mut out);
        } else {
            out.push(Input::File(p.clone()));
        }
    }
    Ok(out)
}

/// The objects an address names: `s3://b/folder/` (pages and WARC files under it, at
/// any depth), `s3://b/folder/*.warc.gz` (a pattern: `*` and `?` within one level,
/// `**` across levels), or one object.
fn list_remote(remote: crate::store::Remote) -> Result<Vec<Input>, UsageError> {
    let url = remote.url.clone();
    let (base, pattern) = match url.find(['*', '?']) {
        Some(at) => {
            let cut = url[..at].rfind('/').unwrap_or(0);
            (url[..cut].to_string(), Some(url[cut + 1..].to_string()))
        }
        None => (url.clone(), None),
    };
    let remote = match pattern {
        Some(_) => crate::store::parse(&base)?.unwrap_or(remote),
        None => remote,
    };
    remote.check()?;
    let listed = remote
        .list(&|rel: &str| match &pattern {
            Some(p) => glob_match(p, rel),
            None => is_page_name(Path::new(rel)),
        })
        .map_err(|e| UsageError(format!("{url}: cannot list: {e:#}")))?;
    if !listed.is_empty() {
        return Ok(listed
            .into_iter()
            .map(|(rel, _)| Input::Remote(remote.clone(), rel))
            .collect());
    }
    if pattern.is_some() {
        return Err(UsageError(format!("{url}: no object matches")));
    }
    // One object: its folder, and its name.
    let (parent, name) = url
        .rsplit_once('/')
        .filter(|(p, _)| p.contains("://") && !p.ends_with('/') && !p.ends_with(':'))
        .ok_or_else(|| UsageError(format!("{url}: no pages or WARC files there")))?;
    let folder = crate::store::parse(parent)?
        .ok_or_else(|| UsageError(format!("{url}: not an object address")))?;
    let name = name.to_string();
    let found = folder
        .list(&|rel: &str| rel == name)
        .map_err(|e| UsageError(format!("{url}: cannot list: {e:#}")))?;
    if found.is_empty() {
        return Err(UsageError(format!(
            "{url}: no such object, and no pages or WARC files under it"
        )));
    }
    Ok(vec![Input::Remote(folder, name)])
}

/// Shell-style matching of a relative key: `*` and `?` within one level, `**` across.
fn glob_match(pattern: &str, text: &str) -> bool {
    fn go(p: &[u8], t: &[u8]) -> bool {
        match (p.first(), t.first()) {
            (None, None) => true,
            (Some(b'*'), _) if p.get(1) == Some(&b'*') => {
                let rest = &p[2..];
                let rest = rest.strip_prefix(b"/").unwrap_or(rest);
                (0..=t.len()).any(|i| go(rest, &t[i..]))
            }
            (Some(b'*'), _) => {
                let mut i = 0;
                loop {
                    if go(&p[1..], &t[i..]) {
                        return true;
                    }
                    if i == t.len() || t[i] == b'/' {
                        return false;
                    }
                    i += 1;
                }
            }
            (Some(b'?'), Some(c)) if *c != b'/' => go(&p[1..], &t[1..]),
            (Some(a), Some(b)) if a == b => go(&p[1..], &t[1..]),
            _ => false,
        }
    }
    go(pattern.as_bytes(), text.as_bytes())
}

fn walk(dir: &Path, out: &mut Vec<Input>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            out.push(Input::Unlistable(dir.to_path_buf(), e.to_string()));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        // A dangling link or a file that vanished still counts: it becomes a read reject.
        let is_dir = std::fs::metadata(&p).map(|m| m.is_dir()).unwrap_or(false);
        if is_dir {
            walk(&p, out);
        } else if is_page_name(&p) {
            out.push(Input::File(p));
        }
    }
}

/// Reads one input, decompressing `.gz`, refusing pages over `max_bytes`.
pub fn read(input: &Input, max_bytes: u64) -> Result<RawPage, Reject> {
    match input {
        Input::File(p) => read_file(p, &p.display().to_string(), max_bytes),
        Input::Unlistable(p, e) => Err(Reject::new(
            p.display().to_string(),
            Stage::Read,
            "read_error",
            format!("cannot list folder {}: {e}", p.display()),
        )),
        Input::Remote(..) => {
            let source = input.name();
            let local = fetch(input)?;
            read_file(&local, &source, max_bytes)
        }
    }
}

/// A remote input copied into a temporary local file (of the same name, so `.gz` and
/// WARC files are told apart), or a reject saying why it could not be.
pub fn fetch(input: &Input) -> Result<tempfile::TempPath, Reject> {
    let Input::Remote(remote, rel) = input else {
        return Err(Reject::new(
            input.name(),
            Stage::Read,
            "read_error",
            "not a remote input".to_string(),
        ));
    };
    let fail = |e: String| Reject::new(input.name(), Stage::Read, "read_error", e);
    let name = rel.rsplit('/').next().unwrap_or("page");
    let file = tempfile::Builder::new()
        .prefix("newsmill-in-")
        .suffix(&format!("-{name}"))
        .tempfile()
        .map_err(|e| fail(format!("cannot create a temporary file: {e}")))?;
    let path = file.into_temp_path();
    remote
        .download(rel, &path)
        .map_err(|e| fail(format!("cannot fetch {}: {e:#}", input.name())))?;
    Ok(path)
}

/// Reads the page file at `path`, named `source` in the records.
fn read_file(path: &Path, source: &str, max_bytes: u64) -> Result<RawPage, Reject> {
    let source = source.to_string();
    let fail =
        |reason: &'static str, detail: String| Reject::new(&source, Stage::Read, reason, detail);
    let file = File::open(path).map_err(|e| {
        fail(
            "read_error",
            format!("cannot open {source}: {e}; check that it exists and is readable"),
        )
    })?;
    let gz = path.to_string_lossy().to_ascii_lowercase().ends_with(".gz");
    let mut bytes = Vec::new();
    let limit = max_bytes.saturating_add(1);
    let result = if gz {
        MultiGzDecoder::new(file)
            .take(limit)
            .read_to_end(&mut bytes)
    } else {
        file.take(limit).read_to_end(&mut bytes)
    };
    if let Err(e) = result {
        return Err(if gz {
            fail(
                "gzip_corrupt",
                format!(
                    "{source} is not a complete gzip file ({e}); re-download or re-save the page"
                ),
            )
        } else {
            fail("read_error", format!("cannot read {source}: {e}"))
        });
    }
    if bytes.len() as u64 > max_bytes {
        return Err(fail(
            "too_large",
            format!(
                "{source} is over the page size limit of {max_bytes} bytes; raise --max-page-bytes if it is a real article"
            ),
        ));
    }
    if bytes.is_empty() {
        return Err(fail("empty", format!("{source} is empty (0 bytes)")));
    }
    Ok(RawPage {
        source,
        url: None,
        content_type: None,
        fetched_at: Utc::now(),
        bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn names() {
        assert!(is_page_name(Path::new("a/b.HTML")));
        assert!(is_page_name(Path::new("b.html.gz")));
        assert!(!is_page_name(Path::new("b.json")));
        assert!(!is_page_name(Path::new(".x.html")));
    }

    #[test]
    fn truncated_gzip_is_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.html.gz");
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(
            "<html><body><p>hello</p></body></html>"
                .repeat(50)
                .as_bytes(),
        )
        .unwrap();
        let full = enc.finish().unwrap();
        std::fs::write(&path, &full[..full.len() / 2]).unwrap();
        let err = read(&Input::File(path), 1 << 20).unwrap_err();
        assert_eq!(err.reason, "gzip_corrupt");
    }

    #[test]
    fn too_large_and_empty() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.html");
        std::fs::write(&big, vec![b'a'; 2000]).unwrap();
        assert_eq!(
            read(&Input::File(big), 1000).unwrap_err().reason,
            "too_large"
        );
        let empty = dir.path().join("e.html");
        std::fs::write(&empty, b"").unwrap();
        assert_eq!(read(&Input::File(empty), 1000).unwrap_err().reason, "empty");
    }

    #[test]
    fn missing_path_is_a_usage_error() {
        assert!(list(&[PathBuf::from("/definitely/not/here")]).is_err());
    }
}
