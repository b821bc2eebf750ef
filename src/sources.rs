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

/// One input found on disk: a page file, or a folder entry that could not be listed.
#[derive(Debug, Clone)]
pub enum Input {
    File(PathBuf),
    Unlistable(PathBuf, String),
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
        crate::pipeline::not_a_url(p, &format!("input path {}", p.display()))?;
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
    let path = match input {
        Input::File(p) => p,
        Input::Unlistable(p, e) => {
            return Err(Reject::new(
                p.display().to_string(),
                Stage::Read,
                "read_error",
                format!("cannot list folder {}: {e}", p.display()),
            ));
        }
    };
    let source = path.display().to_string();
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
