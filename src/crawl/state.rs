//! Crawl state in an embedded SQLite file: what every URL is, what happened to it, and
//! the validators that make the next run incremental.
//!
//! Results of a run are written to a `pending` table as pages finish and moved into
//! `urls` in one transaction only after the run's Parquet files are renamed into
//! place. A run killed with SIGKILL therefore leaves its pages as they were before it
//! started, and the next run redoes exactly those: no row lost, none exported twice.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::Utc;
use rusqlite::{Connection, OptionalExtension, params};

use crate::dedupe;

/// Updates are committed in transactions of this many rows.
const BATCH: usize = 256;

/// What the state knows of one URL before this run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Known {
    pub status: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub body_hash: Option<String>,
    pub content_hash: Option<String>,
    pub article_id: Option<String>,
    pub attempts: u32,
}

/// The columns [`Known::from_row`] reads, in its order.
const KNOWN_COLUMNS: &str =
    "status, etag, last_modified, body_hash, content_hash, article_id, attempts";

impl Known {
    /// Reads [`KNOWN_COLUMNS`] starting at column `at`.
    fn from_row(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Self> {
        Ok(Known {
            status: r.get(at)?,
            etag: r.get(at + 1)?,
            last_modified: r.get(at + 2)?,
            body_hash: r.get(at + 3)?,
            content_hash: r.get(at + 4)?,
            article_id: r.get(at + 5)?,
            attempts: r.get(at + 6)?,
        })
    }
}

/// The result of one URL in this run, kept pending until the run commits.
#[derive(Debug, Clone, Default)]
pub struct Update {
    pub url: String,
    /// `exported`, `duplicate`, `unchanged` or `failed`.
    pub status: &'static str,
    pub http_status: Option<u16>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub body_hash: Option<String>,
    pub content_hash: Option<String>,
    pub article_id: Option<String>,
    pub error: Option<String>,
}

/// The article URLs a run fetches: those its discovery saw again (revalidated), never
/// fetched, or failed fewer than the allowed times; with `resume`, not those a killed
/// run committed at a checkpoint (the run after a kill picks up where it stopped).
fn frontier_sql(resume: bool) -> String {
    let resumed = if resume {
        format!(" AND NOT (status NOT IN ('discovered', 'failed') AND {DONE_BY_KILLED_RUN})")
    } else {
        String::new()
    };
    format!(
        "kind = 'article' AND (seen_run = ?1 OR status = 'discovered' OR (status = 'failed' AND attempts < ?2)){resumed}"
    )
}

/// Renames into place the files a committed part (or run) left under their temporary
/// names, when a kill came between the state's commit and the renames, then forgets
/// the list. Idempotent: a file already renamed is skipped.
fn finish_publishing(conn: &Connection) -> Result<()> {
    let renames: Vec<(String, String)> = {
        let mut stmt = conn.prepare("SELECT tmp, dest FROM publishing")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for (tmp, dest) in &renames {
        if Path::new(tmp).exists() {
            std::fs::rename(tmp, dest).with_context(|| format!("cannot rename {tmp} to {dest}"))?;
            tracing::info!("{dest}: published (its run was killed while publishing it)");
        }
    }
    if !renames.is_empty() {
        conn.execute("DELETE FROM publishing", [])?;
    }
    Ok(())
}

/// A page that a run killed after its last finished run committed at a checkpoint:
/// the run after the kill resumes instead of revalidating it.
const DONE_BY_KILLED_RUN: &str = "run_id IN (SELECT run_id FROM runs WHERE status = 'killed'
    AND started_at > (SELECT COALESCE(MAX(started_at), '') FROM runs WHERE status NOT IN ('killed', 'running')))";

/// An exclusive lock on a crawl state for the length of a run (`STATE.lock` beside it).
/// Two runs of one pipeline sharing a state file would each commit over the other's
/// pages (the later one failed at its end with "database is locked" and kept none of its
/// files); the second run is turned away before it touches anything. The operating
/// system releases the lock when the process ends, however it ends, so a killed run
/// leaves no stale lock behind.
pub struct StateLock {
    _file: std::fs::File,
}

impl StateLock {
    pub fn acquire(state: &Path) -> Result<Self> {
        crate::pipeline::not_a_url(state, &format!("--state {}", state.display()))?;
        let mut name = state.as_os_str().to_owned();
        name.push(".lock");
        let path = std::path::PathBuf::from(name);
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| {
                crate::error::UsageError(format!(
                    "--state {}: its folder cannot be created: {e}; choose a writable place",
                    state.display()
                ))
            })?;
        }
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| {
                crate::error::UsageError(format!(
                    "--state {}: cannot open its lock file {}: {e}; choose a writable place",
                    state.display(),
                    path.display()
                ))
            })?;
        match file.try_lock() {
            Ok(()) => Ok(StateLock { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => Err(crate::error::UsageError(format!(
                "another newsmill run is using the crawl state {} (locked through {}); wait for it \
                 to finish, or give this run its own --state and --out",
                state.display(),
                path.display()
            ))
            .into()),
            Err(std::fs::TryLockError::Error(e)) => Err(anyhow::Error::new(e)
                .context(format!("cannot lock the crawl state {}", state.display()))),
        }
    }
}

/// One URL of the frontier and what earlier runs knew of it.
#[derive(Debug, Clone)]
pub struct FrontierRow {
    pub url: String,
    pub known: Known,
}

/// Streams the frontier of run `run_id` newest first (undated last, in discovery order)
/// from a separate read connection, so the URL list lives on disk, not in memory.
/// Rows arrive on the returned channel; the reader thread ends when the list does or
/// the receiver is dropped.
pub fn frontier(
    path: &Path,
    run_id: &str,
    max_attempts: u32,
    limit: Option<usize>,
    resume: bool,
) -> Result<tokio::sync::mpsc::Receiver<FrontierRow>> {
    let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .with_context(|| format!("cannot open the crawl state {} for reading", path.display()))?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    // The list is read once, in index order: a small page cache serves it (the default
    // 2 MiB filled up on long crawls only, so memory grew with the crawl's size).
    conn.pragma_update(None, "cache_size", -256)?;
    let (tx, rx) = tokio::sync::mpsc::channel(512);
    let run = run_id.to_string();
    std::thread::Builder::new()
        .name("newsmill-frontier".into())
        .spawn(move || {
            // A run with a limit takes the pages it has not finished yet first, newest
            // first, and only then looks again at pages done before: otherwise each run
            // would spend its whole limit revalidating the same newest pages (all 304s)
            // and never reach the rest.
            let order = if limit.is_some() {
                "status NOT IN ('discovered', 'failed'), published DESC, rowid"
            } else {
                "published DESC, rowid"
            };
            let sql = format!(
                "SELECT url, {KNOWN_COLUMNS} FROM urls WHERE {}
             ORDER BY {order} LIMIT ?3",
                frontier_sql(resume)
            );
            let result = (|| -> rusqlite::Result<()> {
                let mut stmt = conn.prepare(&sql)?;
                let limit = limit.map_or(-1, |l| l as i64);
                let mut rows = stmt.query(params![run, max_attempts, limit])?;
                while let Some(r) = rows.next()? {
                    let row = FrontierRow {
                        url: r.get(0)?,
                        known: Known::from_row(r, 1)?,
                    };
                    if tx.blocking_send(row).is_err() {
                        break;
                    }
                }
                Ok(())
            })();
            if let Err(e) = result {
                tracing::error!("cannot read the crawl frontier: {e}");
            }
        })?;
    Ok(rx)
}

/// The crawl state file.
pub struct State {
    conn: Connection,
    queued: usize,
    run_id: String,
    /// `--ignore-state`: the dedupe decision sees only this run's articles.
    dedupe_this_run_only: bool,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS urls (
    url TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    http_status INTEGER,
    etag TEXT,
    last_modified TEXT,
    body_hash TEXT,
    content_hash TEXT,
    article_id TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    published TEXT,
    discovered_at TEXT NOT NULL,
    fetched_at TEXT,
    run_id TEXT,
    seen_run TEXT
);
CREATE INDEX IF NOT EXISTS urls_by_date ON urls (published DESC);
CREATE TABLE IF NOT EXISTS pending (
    url TEXT PRIMARY KEY,
    run_id TEXT NOT NULL,
    status TEXT NOT NULL,
    http_status INTEGER,
    etag TEXT,
    last_modified TEXT,
    body_hash TEXT,
    content_hash TEXT,
    article_id TEXT,
    error TEXT,
    fetched_at TEXT NOT NULL
);
-- What the dedupe stage needs of every article ever exported, to catch copies in
-- later runs: hashes and MinHash signatures (1 KiB), never text. The URL and band
-- indexes refer to articles by row number: 16-byte rows keep the band index small
-- enough to stay in the page cache.
CREATE TABLE IF NOT EXISTS dedupe_articles (
    id INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL UNIQUE,
    body_hash INTEGER NOT NULL,
    signature BLOB NOT NULL,
    run_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS dedupe_by_body ON dedupe_articles (body_hash);
CREATE TABLE IF NOT EXISTS dedupe_urls (
    url_hash INTEGER NOT NULL,
    art INTEGER NOT NULL,
    PRIMARY KEY (url_hash, art)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS dedupe_bands (
    band_key INTEGER NOT NULL,
    art INTEGER NOT NULL,
    PRIMARY KEY (band_key, art)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL
);
-- Files of a committed part still to be renamed into place (see State::checkpoint).
CREATE TABLE IF NOT EXISTS publishing (
    tmp TEXT PRIMARY KEY,
    dest TEXT NOT NULL
);
";

/// The running run's articles as the dedupe decision needs them, set aside on disk
/// as they are exported: signature, and the URL and source a `duplicates` row names.
const DEDUPE_RUN: &str = "
DROP TABLE IF EXISTS dedupe_run;
CREATE TABLE dedupe_run (
    seq INTEGER PRIMARY KEY,
    signature BLOB NOT NULL,
    url TEXT NOT NULL,
    source TEXT NOT NULL,
    article_id TEXT NOT NULL,
    published INTEGER,
    -- Hashes stored with the top bit flipped, so that SQLite's signed order is their
    -- unsigned order, as in memory.
    body INTEGER NOT NULL,
    origin INTEGER NOT NULL,
    url_hash INTEGER,
    aliases BLOB NOT NULL
);
";

impl State {
    /// Opens (creating if needed) the state file and forgets the uncommitted results of
    /// any run that did not finish.
    pub fn open(path: &Path, run_id: &str) -> Result<Self> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        let conn = Connection::open(path)
            .with_context(|| format!("cannot open the crawl state {}", path.display()))?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .context("cannot set WAL mode")?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .context("cannot set synchronous mode")?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        // A small page cache: the state is on disk so that memory stays flat.
        conn.pragma_update(None, "cache_size", -1024)?;
        conn.execute_batch(SCHEMA).with_context(|| {
            format!(
                "{} is not a newsmill state file (schema check failed)",
                path.display()
            )
        })?;
        // State files written before `seen_run` existed gain the column.
        let has_seen: bool = conn
            .prepare("SELECT 1 FROM pragma_table_info('urls') WHERE name = 'seen_run'")?
            .exists([])?;
        if !has_seen {
            conn.execute_batch("ALTER TABLE urls ADD COLUMN seen_run TEXT")?;
        }
        finish_publishing(&conn)?;
        let abandoned: i64 = conn.query_row("SELECT COUNT(*) FROM pending", [], |r| r.get(0))?;
        if abandoned > 0 {
            tracing::warn!(
                "{abandoned} results of an interrupted run were never committed; those pages will be fetched again"
            );
        }
        conn.execute("DELETE FROM pending", [])?;
        // Scratch space of the running run: rebuilt at every start, so its shape can
        // change between versions without a migration.
        conn.execute_batch(DEDUPE_RUN)?;
        conn.execute(
            "UPDATE runs SET status = 'killed' WHERE status = 'running'",
            [],
        )?;
        conn.execute(
            "INSERT INTO runs (run_id, started_at, status) VALUES (?1, ?2, 'running')",
            params![run_id, Utc::now().to_rfc3339()],
        )?;
        conn.execute_batch("BEGIN")?;
        Ok(State {
            conn,
            queued: 0,
            run_id: run_id.to_string(),
            dedupe_this_run_only: false,
        })
    }

    fn tick(&mut self) -> Result<()> {
        self.queued += 1;
        if self.queued >= BATCH {
            self.conn.execute_batch("COMMIT; BEGIN")?;
            self.queued = 0;
        }
        Ok(())
    }

    /// Makes what was recorded so far durable (discovered URLs survive a kill).
    pub fn flush(&mut self) -> Result<()> {
        self.conn.execute_batch("COMMIT; BEGIN")?;
        self.queued = 0;
        Ok(())
    }

    /// Records a discovered URL (a no-op when it is already known).
    pub fn discovered(&mut self, url: &str, kind: &str, published: Option<&str>) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO urls (url, kind, status, published, discovered_at, seen_run) VALUES (?1, ?2, 'discovered', ?3, ?4, ?5)
                 ON CONFLICT(url) DO UPDATE SET published = COALESCE(excluded.published, urls.published), seen_run = excluded.seen_run",
            )?
            .execute(params![url, kind, published, Utc::now().to_rfc3339(), self.run_id])?;
        self.tick()
    }

    /// What is known of `url` from earlier runs.
    pub fn known(&self, url: &str) -> Result<Option<Known>> {
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT {KNOWN_COLUMNS} FROM urls WHERE url = ?1"))?
            .query_row([url], |r| Known::from_row(r, 0))
            .optional()?)
    }

    /// URLs of `kind` still to do from earlier runs: discovered but never finished, or failed.
    pub fn unfinished(&self, kind: &str, max_attempts: u32) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare("SELECT url FROM urls WHERE kind = ?1 AND (status = 'discovered' OR (status = 'failed' AND attempts < ?2)) ORDER BY published DESC, url")?;
        let rows = stmt.query_map(params![kind, max_attempts], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Records this run's result for one URL; it takes effect at [`State::commit`].
    pub fn record(&mut self, u: &Update) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT OR REPLACE INTO pending (url, run_id, status, http_status, etag, last_modified, body_hash, content_hash, article_id, error, fetched_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?
            .execute(params![
                u.url,
                self.run_id,
                u.status,
                u.http_status,
                u.etag,
                u.last_modified,
                u.body_hash,
                u.content_hash,
                u.article_id,
                u.error,
                Utc::now().to_rfc3339()
            ])?;
        self.tick()
    }

    /// Moves this run's results into `urls` and ends the run, in one transaction with
    /// the renames that publish its last files (`renames`: temporary, final name),
    /// which the caller then does. Files and state thus agree however a kill lands:
    /// before this, neither counts; after it, the next start finishes the renames.
    pub fn commit(self, status: &str, renames: &[(PathBuf, PathBuf)]) -> Result<()> {
        self.apply_pending()?;
        self.to_publish(renames)?;
        self.conn.execute(
            "UPDATE runs SET finished_at = ?2, status = ?3 WHERE run_id = ?1",
            params![self.run_id, Utc::now().to_rfc3339(), status],
        )?;
        self.conn.execute_batch("COMMIT")?;
        finish_publishing(&self.conn)
    }

    /// A checkpoint: what the run did so far becomes durable, with the renames of the
    /// part's files, as at the end of a run, and the run goes on. The caller renames
    /// the files next, then calls [`State::published`]; a kill after this loses only
    /// the pages that come later.
    pub fn checkpoint(&mut self, renames: &[(PathBuf, PathBuf)]) -> Result<()> {
        self.apply_pending()?;
        self.to_publish(renames)?;
        self.conn.execute_batch("COMMIT; BEGIN")?;
        self.queued = 0;
        Ok(())
    }

    /// The renames recorded by the last checkpoint are done.
    pub fn published(&mut self) -> Result<()> {
        self.conn.execute("DELETE FROM publishing", [])?;
        Ok(())
    }

    fn to_publish(&self, renames: &[(PathBuf, PathBuf)]) -> Result<()> {
        let mut stmt = self
            .conn
            .prepare_cached("INSERT OR REPLACE INTO publishing (tmp, dest) VALUES (?1, ?2)")?;
        for (tmp, dest) in renames {
            stmt.execute(params![
                tmp.to_string_lossy().as_ref(),
                dest.to_string_lossy().as_ref()
            ])?;
        }
        Ok(())
    }

    /// Pages whose last fetch was by a run killed since the last run that finished: a
    /// checkpoint committed them, and the run after the kill does not fetch them again.
    pub fn resumed_pages(&self) -> Result<u64> {
        let n: i64 = self.conn.query_row(
            &format!("SELECT COUNT(*) FROM urls WHERE kind = 'article' AND {DONE_BY_KILLED_RUN}"),
            [],
            |r| r.get(0),
        )?;
        Ok(n as u64)
    }

    fn apply_pending(&self) -> Result<()> {
        let run = self.run_id.clone();
        let tx = "
            INSERT INTO urls (url, kind, status, discovered_at) SELECT url, 'article', 'discovered', fetched_at FROM pending WHERE run_id = ?1
                ON CONFLICT(url) DO NOTHING;
            ";
        self.conn.execute(tx, [&run])?;
        self.conn.execute(
            "UPDATE urls SET
                status = CASE p.status WHEN 'unchanged' THEN urls.status ELSE p.status END,
                http_status = COALESCE(p.http_status, urls.http_status),
                etag = CASE WHEN p.status = 'failed' THEN urls.etag ELSE COALESCE(p.etag, urls.etag) END,
                last_modified = CASE WHEN p.status = 'failed' THEN urls.last_modified ELSE COALESCE(p.last_modified, urls.last_modified) END,
                body_hash = COALESCE(p.body_hash, urls.body_hash),
                content_hash = COALESCE(p.content_hash, urls.content_hash),
                article_id = COALESCE(p.article_id, urls.article_id),
                attempts = CASE p.status WHEN 'failed' THEN urls.attempts + 1 ELSE 0 END,
                last_error = p.error,
                fetched_at = p.fetched_at,
                run_id = p.run_id
             FROM pending AS p WHERE p.url = urls.url AND p.run_id = ?1",
            [&run],
        )?;
        self.conn
            .execute("DELETE FROM pending WHERE run_id = ?1", [&run])?;
        self.conn.execute("DELETE FROM dedupe_run", [])?;
        Ok(())
    }

    /// A page of this run turned out to copy `duplicate_of`: its URL is done, as a copy.
    pub fn mark_duplicate(&mut self, url: &str, duplicate_of: &str) -> Result<()> {
        self.conn
            .prepare_cached(
                "UPDATE pending SET status = 'duplicate', article_id = ?3 WHERE url = ?1 AND run_id = ?2",
            )?
            .execute(params![url, self.run_id, duplicate_of])?;
        Ok(())
    }

    /// Sets an article's dedupe entry, signature, URL and source aside until the run's
    /// dedupe decision, so that a crawl's memory does not grow with its article count.
    pub fn stash(
        &mut self,
        seq: usize,
        entry: &dedupe::Entry,
        signature: &[u16],
        url: &str,
        source: &str,
    ) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT OR REPLACE INTO dedupe_run
                 (seq, signature, url, source, article_id, published, body, origin, url_hash, aliases)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(params![
                seq as i64,
                to_blob(signature),
                url,
                source,
                entry.article_id,
                entry.published,
                flip(entry.body),
                flip(entry.origin),
                entry.url.map(|u| u as i64),
                keys_to_blob(&entry.aliases)
            ])?;
        self.tick()
    }

    /// The URL and source of the run's article `seq`, as [`State::stash`] set them aside.
    pub fn stashed_origin(&mut self, seq: usize) -> Result<(String, String)> {
        self.conn
            .prepare_cached("SELECT url, source FROM dedupe_run WHERE seq = ?1")?
            .query_row([seq as i64], |r| Ok((r.get(0)?, r.get(1)?)))
            .with_context(|| format!("article {seq} of this run is missing from the crawl state"))
    }

    /// Gets the state ready for the run's dedupe decision. `earlier_runs: false`
    /// (`--ignore-state`) hides the articles of earlier runs from it.
    pub fn begin_dedupe(&mut self, earlier_runs: bool) -> Result<()> {
        self.dedupe_this_run_only = !earlier_runs;
        // The decision reads this run's signatures in order and writes the band index
        // in key order: the run's small page cache serves it. (When it probed the index
        // at random, a larger cache made the end of a long crawl its memory peak.)
        Ok(())
    }

    /// How many URLs [`frontier`] will yield.
    pub fn frontier_len(
        &self,
        max_attempts: u32,
        limit: Option<usize>,
        resume: bool,
    ) -> Result<u64> {
        let n: i64 = self.conn.query_row(
            &format!("SELECT COUNT(*) FROM urls WHERE {}", frontier_sql(resume)),
            params![self.run_id, max_attempts],
            |r| r.get(0),
        )?;
        Ok(limit.map_or(n as u64, |l| (n as u64).min(l as u64)))
    }

    /// Counts of URLs by status, for tests and `inspect`.
    pub fn counts(&self) -> Result<Vec<(String, i64)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT status, COUNT(*) FROM urls GROUP BY status ORDER BY status")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }
}

impl State {
    /// With `--ignore-state`, the run whose own articles alone count as earlier.
    fn only_run(&self) -> Option<String> {
        self.dedupe_this_run_only.then(|| self.run_id.clone())
    }
}

/// A 64-bit hash as an SQLite integer whose signed order is the hash's unsigned order.
fn flip(h: u64) -> i64 {
    (h ^ (1 << 63)) as i64
}

fn unflip(v: i64) -> u64 {
    (v as u64) ^ (1 << 63)
}

fn to_blob(signature: &[u16]) -> Vec<u8> {
    signature.iter().flat_map(|v| v.to_le_bytes()).collect()
}

fn from_blob(blob: &[u8]) -> dedupe::Signature {
    sig_from_blob(blob).collect()
}

fn sig_from_blob(blob: &[u8]) -> impl Iterator<Item = u16> + '_ {
    blob.chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
}

/// URL-key hashes (an entry's aliases) as a blob, 8 bytes each.
fn keys_to_blob(keys: &[u64]) -> Vec<u8> {
    keys.iter().flat_map(|k| k.to_le_bytes()).collect()
}

fn keys_from_blob(blob: &[u8]) -> impl Iterator<Item = u64> + '_ {
    blob.chunks_exact(8)
        .map(|c| u64::from_le_bytes(c.try_into().unwrap_or([0; 8])))
}

/// The articles of earlier runs, this run's signatures until its decision, and then
/// the articles this run keeps: the whole dedupe index of a crawl lives here, on disk.
/// Rows of this run take effect with the run at [`State::commit`].
impl dedupe::History for State {
    fn has_earlier(&mut self) -> Result<bool> {
        // This run's articles join the index only after a decision (a checkpoint's or
        // the end's); with `--ignore-state` only those of its own earlier checkpoints
        // count.
        Ok(self
            .conn
            .prepare_cached(
                "SELECT 1 FROM dedupe_articles WHERE ?1 IS NULL OR run_id = ?1 LIMIT 1",
            )?
            .exists([self.only_run()])?)
    }

    fn by_url(&mut self, url: u64, except: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT a.article_id FROM dedupe_urls AS u JOIN dedupe_articles AS a ON a.id = u.art
                 WHERE u.url_hash = ?1 AND a.article_id != ?2 AND (?3 IS NULL OR a.run_id = ?3)
                 ORDER BY a.article_id LIMIT 1",
            )?
            .query_row(params![url as i64, except, self.only_run()], |r| r.get(0))
            .optional()?)
    }

    fn by_body(&mut self, body: u64, except: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT article_id FROM dedupe_articles
                 WHERE body_hash = ?1 AND article_id != ?2 AND (?3 IS NULL OR run_id = ?3)
                 ORDER BY article_id LIMIT 1",
            )?
            .query_row(params![body as i64, except, self.only_run()], |r| r.get(0))
            .optional()?)
    }

    fn by_bands(&mut self, keys: &[u64], except: &str) -> Result<Vec<dedupe::Earlier>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        // One query for all bands of the signature.
        let mut arts: Vec<i64> = Vec::new();
        {
            let marks = vec!["?"; keys.len()].join(",");
            let mut stmt = self.conn.prepare_cached(&format!(
                "SELECT DISTINCT art FROM dedupe_bands WHERE band_key IN ({marks})"
            ))?;
            let values = keys.iter().map(|k| *k as i64);
            for art in stmt.query_map(rusqlite::params_from_iter(values), |r| r.get::<_, i64>(0))? {
                arts.push(art?);
            }
        }
        let mut out = Vec::with_capacity(arts.len());
        // This run's articles join the index only after its decision, so every row
        // here is an earlier run's.
        let only = self.only_run();
        let mut stmt = self.conn.prepare_cached(
            "SELECT article_id, signature FROM dedupe_articles WHERE id = ?1 AND (?2 IS NULL OR run_id = ?2)",
        )?;
        for art in arts {
            let row: Option<(String, Vec<u8>)> = stmt
                .query_row(params![art, only], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            if let Some((id, sig)) = row {
                if id == except {
                    continue;
                }
                out.push(dedupe::Earlier {
                    article_id: id,
                    signature: from_blob(&sig),
                });
            }
        }
        out.sort_by(|a, b| a.article_id.cmp(&b.article_id));
        Ok(out)
    }

    fn signature(&mut self, seq: usize) -> Result<Option<dedupe::Signature>> {
        let blob: Option<Vec<u8>> = self
            .conn
            .prepare_cached("SELECT signature FROM dedupe_run WHERE seq = ?1")?
            .query_row([seq as i64], |r| r.get(0))
            .optional()?;
        Ok(blob.map(|b| from_blob(&b)))
    }

    fn entry(&mut self, seq: usize) -> Result<Option<dedupe::Entry>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT article_id, published, body, origin, url_hash, aliases FROM dedupe_run WHERE seq = ?1",
            )?
            .query_row([seq as i64], |r| {
                Ok(dedupe::Entry {
                    article_id: r.get(0)?,
                    published: r.get(1)?,
                    body: unflip(r.get(2)?),
                    origin: unflip(r.get(3)?),
                    url: r.get::<_, Option<i64>>(4)?.map(|u| u as u64),
                    aliases: keys_from_blob(r.get_ref(5)?.as_blob()?).collect(),
                    signature: Box::default(),
                })
            })
            .optional()?)
    }

    fn order(&mut self) -> Result<Vec<usize>> {
        // The order of `Deduper::resolve`: earliest published (undated last), then
        // article id, body, origin and arrival.
        let mut stmt = self.conn.prepare(
            "SELECT seq FROM dedupe_run
             ORDER BY published IS NULL, published, article_id, body, origin, seq",
        )?;
        let rows = stmt.query_map([], |r| r.get::<_, i64>(0))?;
        let mut out = Vec::new();
        for seq in rows {
            out.push(seq? as usize);
        }
        Ok(out)
    }

    fn each_signature(&mut self, f: &mut dyn FnMut(usize, &[u16])) -> Result<()> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT seq, signature FROM dedupe_run ORDER BY seq")?;
        let mut rows = stmt.query([])?;
        let mut sig: Vec<u16> = Vec::new();
        while let Some(r) = rows.next()? {
            let seq: i64 = r.get(0)?;
            let blob = r.get_ref(1)?.as_blob()?;
            sig.clear();
            sig.extend(sig_from_blob(blob));
            f(seq as usize, &sig);
        }
        Ok(())
    }

    fn keep_all(&mut self, kept: &[bool], hasher: &dedupe::Hasher) -> Result<()> {
        // Article rows and URLs first, in sequence order, noting each row's id.
        let mut arts: Vec<i64> = vec![0; kept.len()];
        let mut olds: Vec<(u64, i64)> = Vec::new();
        {
            let mut scan = self.conn.prepare(
                "SELECT seq, signature, article_id, body, url_hash, aliases FROM dedupe_run ORDER BY seq",
            )?;
            let mut rows = scan.query([])?;
            while let Some(r) = rows.next()? {
                let seq = r.get::<_, i64>(0)? as usize;
                if !kept.get(seq).copied().unwrap_or(false) {
                    continue;
                }
                let blob = r.get_ref(1)?.as_blob()?;
                let article_id: String = r.get(2)?;
                let body = unflip(r.get(3)?);
                let url: Option<i64> = r.get(4)?;
                let aliases = r.get_ref(5)?.as_blob()?;
                let keys = url
                    .into_iter()
                    .chain(keys_from_blob(aliases).map(|k| k as i64));
                // A changed article keeps its row; the bands of its earlier version go
                // (found from its stored signature, by primary key: a delete by article
                // alone would scan the whole table once per article).
                let old: Option<(i64, Vec<u8>)> = self
                    .conn
                    .prepare_cached(
                        "SELECT id, signature FROM dedupe_articles WHERE article_id = ?1",
                    )?
                    .query_row([&article_id], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()?;
                let art = match old {
                    Some((art, old)) => {
                        olds.extend(
                            hasher
                                .band_keys(&from_blob(&old))
                                .into_iter()
                                .map(|k| (k, art)),
                        );
                        self.conn
                            .prepare_cached(
                                "UPDATE dedupe_articles SET body_hash = ?2, signature = ?3, run_id = ?4 WHERE id = ?1",
                            )?
                            .execute(params![art, body as i64, blob, self.run_id])?;
                        art
                    }
                    None => {
                        self.conn
                            .prepare_cached(
                                "INSERT INTO dedupe_articles (article_id, body_hash, signature, run_id) VALUES (?1, ?2, ?3, ?4)",
                            )?
                            .execute(params![article_id, body as i64, blob, self.run_id])?;
                        self.conn.last_insert_rowid()
                    }
                };
                for k in keys {
                    self.conn
                        .prepare_cached(
                            "INSERT OR IGNORE INTO dedupe_urls (url_hash, art) VALUES (?1, ?2)",
                        )?
                        .execute(params![k, art])?;
                }
                arts[seq] = art;
            }
        }
        olds.sort_unstable();
        for (k, art) in olds {
            self.conn
                .prepare_cached("DELETE FROM dedupe_bands WHERE band_key = ?1 AND art = ?2")?
                .execute(params![k as i64, art])?;
        }
        // Then the bands, a few at a time, each pass inserted in key order: B-tree
        // pages are then filled one after another instead of at random, which is what
        // made a long crawl's decision slow once the index outgrew the page cache.
        let bands = hasher.params().bands;
        let per_pass = (BAND_ROWS_PER_PASS / kept.len().max(1)).clamp(1, bands);
        let mut rows: Vec<(u64, i64)> = Vec::new();
        for first in (0..bands).step_by(per_pass) {
            let last = (first + per_pass).min(bands);
            rows.clear();
            dedupe::History::each_signature(self, &mut |seq, sig| {
                if let Some(&art) = arts.get(seq).filter(|a| **a != 0) {
                    let keys = hasher.band_keys(sig);
                    for k in keys.get(first..last.min(keys.len())).unwrap_or(&[]) {
                        rows.push((*k, art));
                    }
                }
            })?;
            rows.sort_unstable();
            let mut insert = self.conn.prepare_cached(
                "INSERT OR IGNORE INTO dedupe_bands (band_key, art) VALUES (?1, ?2)",
            )?;
            for (k, art) in &rows {
                insert.execute(params![*k as i64, art])?;
            }
        }
        Ok(())
    }
}

/// How many band rows [`State`]'s `keep_all` sorts at once (16 bytes each: 2 MiB).
const BAND_ROWS_PER_PASS: usize = 1 << 17;

#[cfg(test)]
mod tests {
    use super::*;

    fn exported(url: &str) -> Update {
        Update {
            url: url.into(),
            status: "exported",
            http_status: Some(200),
            etag: Some("\"v1\"".into()),
            content_hash: Some("h1".into()),
            article_id: Some("a1".into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_checkpoint_survives_a_kill_and_its_files_are_published_at_the_next_start() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.sqlite");
        let (tmp, dest) = (
            dir.path().join(".part.tmp"),
            dir.path().join("part.parquet"),
        );
        std::fs::write(&tmp, b"rows").unwrap();
        let mut s = State::open(&path, "run1").unwrap();
        for u in ["https://e.vn/a.html", "https://e.vn/b.html"] {
            s.discovered(u, "article", None).unwrap();
        }
        s.flush().unwrap();
        s.record(&exported("https://e.vn/a.html")).unwrap();
        s.checkpoint(&[(tmp.clone(), dest.clone())]).unwrap();
        // Killed after the checkpoint's commit, before renaming, and before b was done.
        s.record(&exported("https://e.vn/b.html")).unwrap();
        drop(s);
        assert!(!dest.exists());
        let mut s = State::open(&path, "run2").unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"rows");
        assert!(!tmp.exists());
        assert_eq!(
            s.known("https://e.vn/a.html").unwrap().unwrap().status,
            "exported"
        );
        assert_eq!(
            s.known("https://e.vn/b.html").unwrap().unwrap().status,
            "discovered"
        );
        // The killed run's committed page is not fetched again; the other one is
        // (without resuming, as with --ignore-state, both are).
        assert_eq!(s.resumed_pages().unwrap(), 1);
        for u in ["https://e.vn/a.html", "https://e.vn/b.html"] {
            s.discovered(u, "article", None).unwrap();
        }
        assert_eq!(s.frontier_len(3, None, true).unwrap(), 1);
        assert_eq!(s.frontier_len(3, None, false).unwrap(), 2);
        // Once a run finishes, everything seen is revalidated as usual.
        s.commit("completed", &[]).unwrap();
        let mut s = State::open(&path, "run3").unwrap();
        assert_eq!(s.resumed_pages().unwrap(), 0);
        for u in ["https://e.vn/a.html", "https://e.vn/b.html"] {
            s.discovered(u, "article", None).unwrap();
        }
        assert_eq!(s.frontier_len(3, None, true).unwrap(), 2);
    }

    #[test]
    fn results_take_effect_only_on_commit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.sqlite");
        let mut s = State::open(&path, "run1").unwrap();
        s.discovered("https://e.vn/a.html", "article", None)
            .unwrap();
        s.flush().unwrap();
        s.record(&exported("https://e.vn/a.html")).unwrap();
        // Killed before commit: dropped without commit.
        drop(s);
        let mut s = State::open(&path, "run2").unwrap();
        let k = s.known("https://e.vn/a.html").unwrap().unwrap();
        assert_eq!(k.status, "discovered");
        assert_eq!(k.etag, None);
        assert_eq!(
            s.unfinished("article", 3).unwrap(),
            vec!["https://e.vn/a.html"]
        );
        s.record(&exported("https://e.vn/a.html")).unwrap();
        s.commit("completed", &[]).unwrap();
        let s = State::open(&path, "run3").unwrap();
        let k = s.known("https://e.vn/a.html").unwrap().unwrap();
        assert_eq!(k.status, "exported");
        assert_eq!(k.etag.as_deref(), Some("\"v1\""));
        assert_eq!(k.content_hash.as_deref(), Some("h1"));
        assert!(s.unfinished("article", 3).unwrap().is_empty());
    }

    #[test]
    fn unchanged_keeps_status_and_failures_count_attempts() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.sqlite");
        let mut s = State::open(&path, "r1").unwrap();
        s.record(&exported("https://e.vn/a.html")).unwrap();
        s.record(&Update {
            url: "https://e.vn/b.html".into(),
            status: "failed",
            http_status: Some(503),
            error: Some("http_503".into()),
            ..Default::default()
        })
        .unwrap();
        s.commit("completed", &[]).unwrap();
        let mut s = State::open(&path, "r2").unwrap();
        s.record(&Update {
            url: "https://e.vn/a.html".into(),
            status: "unchanged",
            http_status: Some(304),
            ..Default::default()
        })
        .unwrap();
        s.commit("completed", &[]).unwrap();
        let s = State::open(&path, "r3").unwrap();
        assert_eq!(
            s.known("https://e.vn/a.html").unwrap().unwrap().status,
            "exported"
        );
        let b = s.known("https://e.vn/b.html").unwrap().unwrap();
        assert_eq!((b.status.as_str(), b.attempts), ("failed", 1));
        assert_eq!(
            s.unfinished("article", 3).unwrap(),
            vec!["https://e.vn/b.html"]
        );
    }
}
