//! Export stage: articles, images, participants, duplicates and rejects as Parquet
//! files of one run, plus the run manifest.

pub mod manifest;
pub mod schema;
pub mod writer;

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::dedupe::{Entry, Hasher, Params};
use crate::record::{Article, Duplicate, Reject};
use writer::{
    ArticleRows, BATCH_ROWS, DuplicateRows, ImageRows, ParticipantRows, RejectRows, Rows,
    SignatureRows, TableFile,
};

/// The five table files of one run, and its signatures file, with their row buffers.
pub struct Exporter {
    run_id: String,
    articles: (TableFile, ArticleRows),
    images: (TableFile, ImageRows),
    participants: (TableFile, ParticipantRows),
    duplicates: (TableFile, DuplicateRows),
    rejects: (TableFile, RejectRows),
    signatures: (TableFile, SignatureRows),
}

/// Files written by a run and their row counts, in table order.
pub type Written = Vec<(String, PathBuf, u64)>;

macro_rules! flush_if_full {
    ($slot:expr, $limit:expr) => {
        if $slot.1.len() >= $limit {
            let cols = $slot.1.finish();
            $slot.0.write(cols)?;
        }
    };
}

impl Exporter {
    /// Opens the temporary files of run `run_id` under `dir`; `dedupe` says how the
    /// signatures file's signatures and band keys are made.
    pub fn create(dir: &Path, run_id: &str, dedupe: Params) -> Result<Self> {
        Self::create_part(dir, run_id, dedupe, 1)
    }

    /// The files of part `part` of a run that commits in parts (a crawl's checkpoints):
    /// part 1 is `<run_id>.parquet` like any run's, later ones `<run_id>_pNNNN.parquet`,
    /// which sort after it.
    pub fn create_part(dir: &Path, run_id: &str, dedupe: Params, part: u32) -> Result<Self> {
        let stem = if part <= 1 {
            run_id.to_string()
        } else {
            format!("{run_id}_p{part:04}")
        };
        let stem = stem.as_str();
        let signatures = SignatureRows::new(Hasher::new(dedupe));
        Ok(Exporter {
            signatures: (
                TableFile::create_with(dir, "signatures", stem, signatures.footer())?,
                signatures,
            ),
            run_id: run_id.to_string(),
            articles: (
                TableFile::create(dir, "articles", stem)?,
                ArticleRows::default(),
            ),
            images: (
                TableFile::create(dir, "images", stem)?,
                ImageRows::default(),
            ),
            participants: (
                TableFile::create(dir, "participants", stem)?,
                ParticipantRows::default(),
            ),
            duplicates: (
                TableFile::create(dir, "duplicates", stem)?,
                DuplicateRows::default(),
            ),
            rejects: (
                TableFile::create(dir, "rejects", stem)?,
                RejectRows::default(),
            ),
        })
    }

    /// An article's rows; `entry` and `signature` are what the dedupe stage keeps of it.
    pub fn article(&mut self, a: &Article, entry: &Entry, signature: &[u16]) -> Result<()> {
        self.articles.1.push(a, &self.run_id);
        self.signatures.1.push(a, entry, signature, &self.run_id);
        self.images.1.push_article(a, &self.run_id);
        self.participants.1.push_article(a, &self.run_id);
        // Article bodies are large: smaller batches keep memory flat.
        flush_if_full!(self.articles, BATCH_ROWS / 4);
        flush_if_full!(self.images, BATCH_ROWS);
        flush_if_full!(self.participants, BATCH_ROWS);
        flush_if_full!(self.signatures, BATCH_ROWS / 4);
        Ok(())
    }

    pub fn duplicate(&mut self, d: &Duplicate) -> Result<()> {
        self.duplicates.1.push(d, &self.run_id);
        flush_if_full!(self.duplicates, BATCH_ROWS);
        Ok(())
    }

    pub fn reject(&mut self, r: &Reject) -> Result<()> {
        self.rejects.1.push(r, &self.run_id);
        flush_if_full!(self.rejects, BATCH_ROWS);
        Ok(())
    }

    /// Writes what is buffered and renames every file into place, leaving out the rows
    /// of articles the dedupe stage found to be copies.
    pub fn commit(self, dropped: &crate::pipeline::Dropped) -> Result<Written> {
        self.prepare(dropped)?.publish()
    }

    /// Writes what is buffered and closes every file, leaving out the rows of articles
    /// the dedupe stage found to be copies, without renaming them into place yet (see
    /// [`writer::TableFile::prepare`]).
    pub fn prepare(mut self, dropped: &crate::pipeline::Dropped) -> Result<PreparedRun> {
        flush_if_full!(self.articles, 1);
        flush_if_full!(self.images, 1);
        flush_if_full!(self.participants, 1);
        flush_if_full!(self.duplicates, 1);
        flush_if_full!(self.rejects, 1);
        flush_if_full!(self.signatures, 1);
        let mut out = Vec::new();
        let none: &[bool] = &[];
        for (name, file, drop) in [
            ("articles", self.articles.0, dropped.articles.as_slice()),
            ("images", self.images.0, dropped.images.as_slice()),
            (
                "participants",
                self.participants.0,
                dropped.participants.as_slice(),
            ),
            ("duplicates", self.duplicates.0, none),
            ("rejects", self.rejects.0, none),
            ("signatures", self.signatures.0, dropped.articles.as_slice()),
        ] {
            out.push((name.to_string(), file.prepare(drop)?));
        }
        Ok(PreparedRun(out))
    }
}

/// A run's (or a part's) complete files, under their temporary names.
pub struct PreparedRun(Vec<(String, writer::Prepared)>);

impl PreparedRun {
    /// (temporary name, final name) of every file, for the crawl state to record.
    pub fn renames(&self) -> Vec<(PathBuf, PathBuf)> {
        self.0
            .iter()
            .map(|(_, p)| (p.tmp.clone(), p.dest.clone()))
            .collect()
    }

    /// Renames every file into place.
    pub fn publish(self) -> Result<Written> {
        let mut out = Vec::new();
        for (name, file) in self.0 {
            let (path, rows) = file.publish()?;
            out.push((name, path, rows));
        }
        Ok(out)
    }
}
