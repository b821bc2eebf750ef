//! WARC files: the raw responses of a crawl, kept so it can be parsed again without
//! fetching again.
//!
//! Each record is its own gzip member (the usual `.warc.gz` layout, readable by
//! warcio and friends). The body stored is the one newsmill parsed, already
//! decompressed, so `Content-Encoding` and `Content-Length` are rewritten to match it.
//! The format is small and stable, so it is written and read here rather than through
//! a dependency.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::Utc;
use flate2::Compression;
use flate2::read::MultiGzDecoder;
use flate2::write::GzEncoder;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::record::{RawPage, Reject, Stage};

/// Writes `DIR/warc/<run_id>.warc.gz` atomically (temporary name until [`WarcWriter::commit`]).
pub struct WarcWriter {
    file: Option<File>,
    tmp: PathBuf,
    dest: PathBuf,
}

impl WarcWriter {
    pub fn create(dir: &Path, run_id: &str) -> Result<Self> {
        let folder = dir.join("warc");
        std::fs::create_dir_all(&folder)
            .with_context(|| format!("cannot create {}", folder.display()))?;
        let tmp = folder.join(format!(".{run_id}.warc.gz.tmp"));
        let dest = folder.join(format!("{run_id}.warc.gz"));
        let file =
            File::create(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
        let mut w = WarcWriter {
            file: Some(file),
            tmp,
            dest,
        };
        let info = format!(
            "software: newsmill/{}\r\nformat: WARC File Format 1.1\r\n",
            env!("CARGO_PKG_VERSION")
        );
        w.record("warcinfo", None, "application/warc-fields", info.as_bytes())?;
        Ok(w)
    }

    fn record(
        &mut self,
        kind: &str,
        uri: Option<&str>,
        content_type: &str,
        block: &[u8],
    ) -> Result<()> {
        let id = format!(
            "{:032x}",
            xxhash_rust::xxh3::xxh3_128(
                format!(
                    "{kind}{uri:?}{}{}",
                    Utc::now().timestamp_nanos_opt().unwrap_or(0),
                    block.len()
                )
                .as_bytes()
            )
        );
        let mut head = format!(
            "WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{}-{}-{}-{}-{}>\r\nWARC-Date: {}\r\n",
            &id[0..8],
            &id[8..12],
            &id[12..16],
            &id[16..20],
            &id[20..32],
            Utc::now().format("%Y-%m-%dT%H:%M:%SZ")
        );
        if let Some(u) = uri {
            head.push_str(&format!("WARC-Target-URI: {u}\r\n"));
        }
        head.push_str(&format!(
            "Content-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
            block.len()
        ));
        let file = self.file.as_mut().context("the WARC file is closed")?;
        let mut gz = GzEncoder::new(
            Vec::with_capacity(block.len() / 3 + 512),
            Compression::fast(),
        );
        gz.write_all(head.as_bytes())?;
        gz.write_all(block)?;
        gz.write_all(b"\r\n\r\n")?;
        file.write_all(&gz.finish()?)
            .with_context(|| format!("cannot write {}", self.tmp.display()))?;
        Ok(())
    }

    /// Appends one HTTP response record.
    pub fn response(
        &mut self,
        url: &str,
        status: StatusCode,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<()> {
        let mut block = format!(
            "HTTP/1.1 {} {}\r\n",
            status.as_u16(),
            status.canonical_reason().unwrap_or("")
        );
        for (name, value) in headers {
            if matches!(
                name.as_str(),
                "content-encoding" | "content-length" | "transfer-encoding"
            ) {
                continue;
            }
            if let Ok(v) = value.to_str() {
                block.push_str(&format!("{}: {v}\r\n", name.as_str()));
            }
        }
        block.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
        let mut bytes = block.into_bytes();
        bytes.extend_from_slice(body);
        self.record(
            "response",
            Some(url),
            "application/http; msgtype=response",
            &bytes,
        )
    }

    /// Closes the file and renames it into place.
    pub fn commit(mut self) -> Result<PathBuf> {
        let file = self.file.take().context("the WARC file is closed")?;
        file.sync_all()?;
        std::fs::rename(&self.tmp, &self.dest)
            .with_context(|| format!("cannot rename {}", self.tmp.display()))?;
        Ok(self.dest.clone())
    }
}

impl Drop for WarcWriter {
    fn drop(&mut self) {
        if self.file.is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// True for file names `extract` reads as WARC.
pub fn is_warc_name(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    !name.starts_with('.') && (name.ends_with(".warc") || name.ends_with(".warc.gz"))
}

/// Reads the HTML responses of a WARC file, one page per `response` record with status
/// 200 and an HTML (or unknown) content type. Broken records become rejects.
pub fn read_pages(path: &Path, max_bytes: u64) -> Vec<Result<RawPage, Reject>> {
    read_pages_named(path, &path.display().to_string(), max_bytes)
}

/// Like [`read_pages`], for a local copy of a file that records name `source` (an
/// object fetched from a store).
pub fn read_pages_named(path: &Path, source: &str, max_bytes: u64) -> Vec<Result<RawPage, Reject>> {
    let source = source.to_string();
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) => {
            return vec![Err(Reject::new(
                &source,
                Stage::Read,
                "read_error",
                format!("cannot open {source}: {e}"),
            ))];
        }
    };
    let gz = source.to_ascii_lowercase().ends_with(".gz");
    let reader: Box<dyn Read> = if gz {
        Box::new(MultiGzDecoder::new(file))
    } else {
        Box::new(file)
    };
    let mut r = BufReader::new(reader);
    let mut out = Vec::new();
    let mut index = 0;
    loop {
        match next_record(&mut r, max_bytes) {
            Ok(None) => break,
            Ok(Some(rec)) => {
                index += 1;
                if rec.kind != "response" {
                    continue;
                }
                let at = format!("{source}#{index}");
                match http_payload(&rec.block) {
                    Some((200, content_type, body)) => {
                        if content_type.as_deref().is_some_and(|c| !c.contains("html")) {
                            continue;
                        }
                        out.push(Ok(RawPage {
                            source: at,
                            url: rec.uri.clone(),
                            content_type,
                            fetched_at: rec.date.unwrap_or_else(Utc::now),
                            bytes: body,
                        }));
                    }
                    Some(_) => {}
                    None => out.push(Err(Reject::new(
                        at,
                        Stage::Read,
                        "warc_corrupt",
                        "the response record holds no readable HTTP message",
                    ))),
                }
            }
            Err(e) => {
                out.push(Err(Reject::new(
                    &source,
                    Stage::Read,
                    "warc_corrupt",
                    format!(
                        "{source}: record {} is broken ({e:#}); the records before it were read",
                        index + 1
                    ),
                )));
                break;
            }
        }
    }
    out
}

struct WarcRecord {
    kind: String,
    uri: Option<String>,
    date: Option<chrono::DateTime<Utc>>,
    block: Vec<u8>,
}

fn next_record(r: &mut impl BufRead, max_bytes: u64) -> Result<Option<WarcRecord>> {
    let mut line = String::new();
    // Skip blank lines between records.
    loop {
        line.clear();
        if r.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        if !line.trim().is_empty() {
            break;
        }
    }
    anyhow::ensure!(
        line.starts_with("WARC/"),
        "expected a WARC version line, found {:?}",
        line.trim()
    );
    let (mut kind, mut uri, mut date, mut len) = (String::new(), None, None, None);
    loop {
        line.clear();
        anyhow::ensure!(
            r.read_line(&mut line)? > 0,
            "the file ends inside a record header"
        );
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            let v = v.trim();
            match k.to_ascii_lowercase().as_str() {
                "warc-type" => kind = v.to_string(),
                "warc-target-uri" => uri = Some(v.trim_matches(['<', '>']).to_string()),
                "warc-date" => {
                    date = chrono::DateTime::parse_from_rfc3339(v)
                        .ok()
                        .map(|d| d.with_timezone(&Utc))
                }
                "content-length" => len = v.parse::<u64>().ok(),
                _ => {}
            }
        }
    }
    let len = len.context("a record has no Content-Length")?;
    anyhow::ensure!(
        len <= max_bytes.saturating_mul(2),
        "a record of {len} bytes is over the page size limit"
    );
    let mut block = vec![0u8; len as usize];
    r.read_exact(&mut block)
        .context("the file ends inside a record")?;
    Ok(Some(WarcRecord {
        kind,
        uri,
        date,
        block,
    }))
}

/// Status, content type and body of an HTTP response block.
fn http_payload(block: &[u8]) -> Option<(u16, Option<String>, Vec<u8>)> {
    let split = block.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&block[..split]).ok()?;
    let mut lines = head.split("\r\n");
    let status: u16 = lines.next()?.split_whitespace().nth(1)?.parse().ok()?;
    let content_type = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        .map(|(_, v)| v.trim().to_string());
    Some((status, content_type, block[split + 4..].to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{CONTENT_ENCODING, CONTENT_TYPE, HeaderValue};

    #[test]
    fn written_records_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = WarcWriter::create(dir.path(), "r1").unwrap();
        let mut h = HeaderMap::new();
        h.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=windows-1258"),
        );
        h.insert(CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        w.response(
            "https://e.vn/a.html",
            StatusCode::OK,
            &h,
            b"<html><p>a</p></html>",
        )
        .unwrap();
        w.response(
            "https://e.vn/b.html",
            StatusCode::OK,
            &h,
            b"<html><p>b</p></html>",
        )
        .unwrap();
        let path = w.commit().unwrap();
        assert!(path.ends_with("warc/r1.warc.gz"));
        let pages: Vec<RawPage> = read_pages(&path, 1 << 20)
            .into_iter()
            .map(Result::unwrap)
            .collect();
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[1].url.as_deref(), Some("https://e.vn/b.html"));
        assert_eq!(pages[1].bytes, b"<html><p>b</p></html>");
        assert_eq!(
            pages[0].content_type.as_deref(),
            Some("text/html; charset=windows-1258")
        );
    }

    #[test]
    fn truncated_warc_keeps_earlier_records() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = WarcWriter::create(dir.path(), "r1").unwrap();
        w.response(
            "https://e.vn/a.html",
            StatusCode::OK,
            &HeaderMap::new(),
            b"<p>a</p>",
        )
        .unwrap();
        w.response(
            "https://e.vn/b.html",
            StatusCode::OK,
            &HeaderMap::new(),
            &vec![b'x'; 5000],
        )
        .unwrap();
        let path = w.commit().unwrap();
        let plain = dir.path().join("x.warc");
        let mut text = Vec::new();
        MultiGzDecoder::new(File::open(&path).unwrap())
            .read_to_end(&mut text)
            .unwrap();
        std::fs::write(&plain, &text[..text.len() - 2000]).unwrap();
        let got = read_pages(&plain, 1 << 20);
        assert!(got[0].is_ok());
        assert_eq!(
            got.last().unwrap().as_ref().unwrap_err().reason,
            "warc_corrupt"
        );
    }
}
