//! Which rows of a dataset's `articles` files are current: the newest version of each
//! article, minus the articles a dedupe verdict named as copies.
//!
//! An article crawled twice has one row per changed version, each in its run's file;
//! a verdict in `duplicates` (from a run's own dedupe or from `newsmill dedupe`)
//! applies to the versions that existed when it was made, i.e. to rows of runs up to
//! and including the verdict's run. A version written after the verdict is judged by
//! the run that wrote it.
//!
//! Why not a hash map: a dataset of ten million articles would need hundreds of
//! megabytes for one. Each row instead becomes a 24-byte entry (article id as 96
//! bits, file, row); entries are sorted in chunks of bounded size, chunks past the
//! first are spilled to anonymous temporary files, and one k-way merge walks them in
//! id order. What survives is one bit per row, so memory stays at one chunk plus a
//! bit per row however large the dataset.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use arrow_array::Array;
use arrow_array::cast::AsArray;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

/// Entries sorted in memory before a chunk is spilled: 6 MB, so that a dataset of a
/// hundred thousand rows and one of ten million need about the same memory.
pub const CHUNK_ENTRIES: usize = 1 << 18;

/// What to keep besides the newest, distinct version of each article.
#[derive(Debug, Clone, Copy, Default)]
pub struct Keep {
    /// Every version of each article, not only the newest.
    pub all_versions: bool,
    /// Articles a dedupe verdict named as copies.
    pub duplicates: bool,
}

/// Rows to export, one bit per row of each articles file (in the order given).
#[derive(Debug, Default)]
pub struct Selection {
    bits: Vec<Vec<u64>>,
    /// Older versions left out.
    pub older_versions: u64,
    /// Rows left out because a verdict named them copies.
    pub duplicates: u64,
    /// Rows kept.
    pub kept: u64,
}

impl Selection {
    /// Whether row `row` of file `file` is exported.
    pub fn contains(&self, file: usize, row: usize) -> bool {
        self.bits
            .get(file)
            .and_then(|b| b.get(row / 64))
            .is_some_and(|w| w >> (row % 64) & 1 == 1)
    }
}

/// A row of an articles file (`row < u32::MAX`), or a dedupe verdict whose run covers
/// articles files `0..file` (`row == VERDICT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    id: u128,
    file: u32,
    row: u32,
}

const VERDICT: u32 = u32::MAX;
const ENTRY_BYTES: usize = 24;

impl Entry {
    fn to_bytes(self) -> [u8; ENTRY_BYTES] {
        let mut b = [0u8; ENTRY_BYTES];
        b[..16].copy_from_slice(&self.id.to_le_bytes());
        b[16..20].copy_from_slice(&self.file.to_le_bytes());
        b[20..].copy_from_slice(&self.row.to_le_bytes());
        b
    }

    fn from_bytes(b: &[u8; ENTRY_BYTES]) -> Self {
        let mut id = [0u8; 16];
        id.copy_from_slice(&b[..16]);
        let mut file = [0u8; 4];
        file.copy_from_slice(&b[16..20]);
        let mut row = [0u8; 4];
        row.copy_from_slice(&b[20..]);
        Entry {
            id: u128::from_le_bytes(id),
            file: u32::from_le_bytes(file),
            row: u32::from_le_bytes(row),
        }
    }
}

/// The article id as a number: newsmill's ids are 24 hex digits (96 bits, exact);
/// anything else is hashed.
pub fn id_key(id: &str) -> u128 {
    if id.len() == 24
        && let Ok(v) = u128::from_str_radix(id, 16)
    {
        return v;
    }
    xxhash_rust::xxh3::xxh3_128(id.as_bytes()) | (1 << 127)
}

/// Sorted entries, in memory until a chunk is full, then on disk.
struct Sorter {
    chunk: Vec<Entry>,
    spilled: Vec<File>,
    chunk_entries: usize,
}

impl Sorter {
    fn new(chunk_entries: usize) -> Self {
        Sorter {
            chunk: Vec::new(),
            spilled: Vec::new(),
            chunk_entries: chunk_entries.max(1),
        }
    }

    fn push(&mut self, e: Entry) -> Result<()> {
        self.chunk.push(e);
        if self.chunk.len() >= self.chunk_entries {
            self.spill()?;
        }
        Ok(())
    }

    fn spill(&mut self) -> Result<()> {
        self.chunk.sort_unstable();
        let mut file = tempfile::tempfile().context("cannot create a temporary file to sort")?;
        {
            let mut w = BufWriter::with_capacity(1 << 16, &mut file);
            for e in self.chunk.drain(..) {
                w.write_all(&e.to_bytes())
                    .context("cannot write a temporary file to sort (is the disk full?)")?;
            }
            w.flush()
                .context("cannot write a temporary file to sort (is the disk full?)")?;
        }
        file.seek(SeekFrom::Start(0))?;
        self.spilled.push(file);
        Ok(())
    }

    /// Every entry in order, through `each`.
    fn drain(mut self, mut each: impl FnMut(Entry)) -> Result<()> {
        if self.spilled.is_empty() {
            self.chunk.sort_unstable();
            self.chunk.into_iter().for_each(each);
            return Ok(());
        }
        if !self.chunk.is_empty() {
            self.spill()?;
        }
        let mut readers: Vec<BufReader<File>> = self
            .spilled
            .into_iter()
            .map(|f| BufReader::with_capacity(1 << 16, f))
            .collect();
        let mut heap = BinaryHeap::new();
        for (i, r) in readers.iter_mut().enumerate() {
            if let Some(e) = read_entry(r)? {
                heap.push(Reverse((e, i)));
            }
        }
        while let Some(Reverse((e, i))) = heap.pop() {
            each(e);
            if let Some(next) = read_entry(&mut readers[i])? {
                heap.push(Reverse((next, i)));
            }
        }
        Ok(())
    }
}

fn read_entry(r: &mut impl Read) -> Result<Option<Entry>> {
    let mut b = [0u8; ENTRY_BYTES];
    match r.read_exact(&mut b) {
        Ok(()) => Ok(Some(Entry::from_bytes(&b))),
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Ok(None),
        Err(e) => Err(e).context("cannot read back a temporary file to sort"),
    }
}

/// The run id a table file belongs to: its name without `.parquet`.
pub fn run_of(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Decides which rows of `articles` (files oldest run first) are exported, given the
/// dataset's `duplicates` files.
pub fn select(
    articles: &[PathBuf],
    duplicates: &[PathBuf],
    keep: Keep,
    chunk_entries: usize,
) -> Result<Selection> {
    let runs: Vec<String> = articles.iter().map(|p| run_of(p)).collect();
    let mut sorter = Sorter::new(chunk_entries);
    let mut rows_per_file = Vec::with_capacity(articles.len());
    for (f, path) in articles.iter().enumerate() {
        let mut row = 0u32;
        for_each_id(path, |id, _| {
            sorter.push(Entry {
                id: id_key(id),
                file: f as u32,
                row,
            })?;
            row += 1;
            Ok(())
        })?;
        rows_per_file.push(row as usize);
    }
    if !keep.duplicates {
        for path in duplicates {
            for_each_id(path, |id, run| {
                // The verdict covers the articles files of its run and every earlier one.
                let cut = runs.partition_point(|r| r.as_str() <= run.unwrap_or(""));
                sorter.push(Entry {
                    id: id_key(id),
                    file: cut as u32,
                    row: VERDICT,
                })
            })?;
        }
    }

    let mut sel = Selection {
        bits: rows_per_file
            .iter()
            .map(|n| vec![0u64; n.div_ceil(64)])
            .collect(),
        ..Default::default()
    };
    let mut group: Vec<Entry> = Vec::new();
    let decide = |group: &mut Vec<Entry>, sel: &mut Selection| {
        // Entries of one id sort by (file, row): verdicts (row MAX) after the rows of
        // their cut file, the newest version last among rows.
        let cut = group
            .iter()
            .filter(|e| e.row == VERDICT)
            .map(|e| e.file)
            .max();
        let versions: Vec<&Entry> = group.iter().filter(|e| e.row != VERDICT).collect();
        if let Some(newest) = versions.last().copied() {
            for v in &versions {
                if !keep.all_versions && v != &newest {
                    sel.older_versions += 1;
                } else if cut.is_some_and(|c| v.file < c) {
                    sel.duplicates += 1;
                } else {
                    let (f, r) = (v.file as usize, v.row as usize);
                    sel.bits[f][r / 64] |= 1 << (r % 64);
                    sel.kept += 1;
                }
            }
        }
        group.clear();
    };
    sorter.drain(|e| {
        if group.first().is_some_and(|g| g.id != e.id) {
            decide(&mut group, &mut sel);
        }
        group.push(e);
    })?;
    decide(&mut group, &mut sel);
    Ok(sel)
}

/// Calls `each(article_id, run_id)` for every row of a table file, reading only those
/// two columns.
fn for_each_id(path: &Path, mut each: impl FnMut(&str, Option<&str>) -> Result<()>) -> Result<()> {
    let f = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(f)
        .with_context(|| format!("{} is not a readable Parquet file", path.display()))?;
    let mask = ProjectionMask::columns(builder.parquet_schema(), ["article_id", "run_id"]);
    let reader = builder
        .with_projection(mask)
        .with_batch_size(crate::export::writer::BATCH_ROWS * 4)
        .build()
        .with_context(|| format!("cannot read {}", path.display()))?;
    for batch in reader {
        let batch = batch.with_context(|| format!("cannot read {}", path.display()))?;
        let ids = batch
            .column_by_name("article_id")
            .and_then(|c| c.as_string_opt::<i32>())
            .with_context(|| format!("{}: no article_id text column", path.display()))?;
        let runs = batch
            .column_by_name("run_id")
            .and_then(|c| c.as_string_opt::<i32>());
        for i in 0..batch.num_rows() {
            if ids.is_null(i) {
                continue;
            }
            let run = runs.filter(|r| r.is_valid(i)).map(|r| r.value(i));
            each(ids.value(i), run)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_of_newsmill_are_exact_and_others_hashed_apart() {
        assert_eq!(id_key("000000000000000000000001"), 1);
        assert_eq!(id_key("ffffffffffffffffffffffff"), (1u128 << 96) - 1);
        assert!(id_key("not-an-id") >= 1 << 127);
        assert_ne!(id_key("a"), id_key("b"));
    }

    fn entries(sorter_chunk: usize, input: &[Entry]) -> Vec<Entry> {
        let mut s = Sorter::new(sorter_chunk);
        for e in input {
            s.push(*e).unwrap();
        }
        let mut out = Vec::new();
        s.drain(|e| out.push(e)).unwrap();
        out
    }

    #[test]
    fn spilled_chunks_merge_into_the_same_order_as_one_sort() {
        let mut input = Vec::new();
        let mut x = 7u64;
        for i in 0..5000u32 {
            // A small LCG: ids repeat, so groups span chunks.
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            input.push(Entry {
                id: (x >> 54) as u128,
                file: i % 7,
                row: i,
            });
        }
        let mut want = input.clone();
        want.sort();
        assert_eq!(entries(1 << 20, &input), want, "in memory");
        assert_eq!(entries(333, &input), want, "spilled in 16 chunks");
        assert_eq!(entries(1, &input), want, "one entry per chunk");
    }
}
