//! `newsmill export DIR`: one table of a dataset, as an analyst wants it.
//!
//! A dataset keeps every run's files as they were written: an article crawled twice
//! has a row per changed version, and copies found by dedupe are named in
//! `duplicates` rather than deleted. An export reads it the way a reader should,
//! newest version of each article, copies left out ([`versions`]), then keeps the
//! rows the filters name ([`filter`]) and writes CSV, JSON Lines or Parquet
//! ([`output`]). It streams run file by run file, one batch at a time.

pub mod filter;
pub mod output;
pub mod versions;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, RecordBatch, new_null_array};
use arrow_buffer::BooleanBuffer;
use arrow_schema::{Field, Schema, SchemaRef};
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::error::UsageError;
use crate::export::schema;
use crate::export::writer::BATCH_ROWS;
pub use filter::Filters;
pub use output::Format;
pub use versions::Keep;

/// Tables an export can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Table {
    Articles,
    Images,
    Participants,
}

impl Table {
    fn name(self) -> &'static str {
        match self {
            Table::Articles => "articles",
            Table::Images => "images",
            Table::Participants => "participants",
        }
    }
}

/// Columns of the article added to each image or participant row.
const ARTICLE_COLUMNS: [&str; 4] = ["url", "title", "site", "published_at"];

/// One export, as the command line asked for it.
#[derive(Debug, Clone)]
pub struct Options {
    pub dir: PathBuf,
    pub table: Table,
    pub out: PathBuf,
    pub format: Format,
    pub bom: bool,
    pub filters: Filters,
    pub columns: Option<Vec<String>>,
    pub limit: Option<u64>,
    pub keep: Keep,
    pub progress: bool,
}

/// What an export wrote and what it left out.
#[derive(Debug, Default)]
pub struct Summary {
    pub rows: u64,
    pub articles: u64,
    pub older_versions: u64,
    pub duplicates: u64,
    pub filtered_out: u64,
}

impl Summary {
    pub fn render(&self, opts: &Options) -> String {
        let to = if opts.out == Path::new("-") {
            "standard output".to_string()
        } else {
            opts.out.display().to_string()
        };
        format!(
            "exported {} {} rows to {to} ({} articles kept; left out: {} older versions, {} duplicates, {} not matching the filters)",
            self.rows,
            opts.table.name(),
            self.articles,
            self.older_versions,
            self.duplicates,
            self.filtered_out
        )
    }
}

/// The schema of the export before `--columns`: every field nullable, so files of an
/// older schema version (a column missing) still fit.
fn full_schema(table: Table) -> SchemaRef {
    let articles = schema::articles();
    let nullable = |f: &Field| Arc::new(f.clone().with_nullable(true));
    let fields: Vec<Arc<Field>> = match table {
        Table::Articles => articles.fields().iter().map(|f| nullable(f)).collect(),
        Table::Images | Table::Participants => {
            let own = schema::of(table.name()).expect("a known table");
            let mut fields = vec![nullable(own.field(0))];
            for name in ARTICLE_COLUMNS {
                let f = articles
                    .field_with_name(name)
                    .expect("articles has these columns");
                fields.push(nullable(f));
            }
            fields.extend(own.fields().iter().skip(1).map(|f| nullable(f)));
            fields
        }
    };
    Arc::new(Schema::new(fields))
}

/// The schema after `--columns`, checked against what the table has.
fn chosen_schema(table: Table, columns: Option<&[String]>) -> Result<SchemaRef> {
    let full = full_schema(table);
    let Some(columns) = columns else {
        return Ok(full);
    };
    let mut fields = Vec::new();
    for c in columns {
        match full.field_with_name(c) {
            Ok(f) => fields.push(f.clone()),
            Err(_) => {
                let known: Vec<&str> = full.fields().iter().map(|f| f.name().as_str()).collect();
                return Err(UsageError(format!(
                    "--columns: {} has no column {c:?}; it has {}",
                    table.name(),
                    known.join(", ")
                ))
                .into());
            }
        }
    }
    if fields.is_empty() {
        return Err(UsageError("--columns: name at least one column".into()).into());
    }
    Ok(Arc::new(Schema::new(fields)))
}

/// A batch with exactly `schema`'s columns: missing ones as nulls.
fn conform(batch: &RecordBatch, schema: &SchemaRef, file: &Path) -> Result<RecordBatch> {
    let columns: Vec<ArrayRef> = schema
        .fields()
        .iter()
        .map(|f| match batch.column_by_name(f.name()) {
            Some(c) if c.data_type() == f.data_type() => Ok(c.clone()),
            Some(c) => bail!(
                "{}: column {} is {}, not {}",
                file.display(),
                f.name(),
                c.data_type(),
                f.data_type()
            ),
            None => Ok(new_null_array(f.data_type(), batch.num_rows())),
        })
        .collect::<Result<_>>()?;
    RecordBatch::try_new(schema.clone(), columns)
        .with_context(|| format!("{}: rows do not fit the export", file.display()))
}

/// Reads a table file a batch at a time, only `columns` (all when empty).
fn read(path: &Path, columns: &[&str]) -> Result<impl Iterator<Item = Result<RecordBatch>>> {
    let f = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut builder = ParquetRecordBatchReaderBuilder::try_new(f)
        .with_context(|| format!("{} is not a readable Parquet file", path.display()))?;
    if !columns.is_empty() {
        let mask = ProjectionMask::columns(builder.parquet_schema(), columns.iter().copied());
        builder = builder.with_projection(mask);
    }
    let reader = builder
        .with_batch_size(BATCH_ROWS)
        .build()
        .with_context(|| format!("cannot read {}", path.display()))?;
    let path = path.to_path_buf();
    Ok(reader.map(move |b| b.with_context(|| format!("cannot read {}", path.display()))))
}

/// Ids of a run's articles that name the person asked for.
fn naming(participants: &Path, person: &str) -> Result<FxHashSet<String>> {
    let mut ids = FxHashSet::default();
    if !participants.is_file() {
        return Ok(ids);
    }
    for batch in read(participants, &["article_id", "name"])? {
        let batch = batch?;
        let text = |n: &str| {
            batch
                .column_by_name(n)
                .and_then(|c| c.as_string_opt::<i32>())
                .with_context(|| format!("{}: no {n} text column", participants.display()))
        };
        let (id, name) = (text("article_id")?, text("name")?);
        for i in 0..batch.num_rows() {
            if id.is_valid(i) && name.is_valid(i) && filter::names(name.value(i), person) {
                ids.insert(id.value(i).to_string());
            }
        }
    }
    Ok(ids)
}

/// Runs an export; the output file appears only when it is complete.
pub fn run(opts: &Options) -> Result<Summary> {
    let articles = crate::inspect::dataset_articles(&opts.dir)?;
    let schema = chosen_schema(opts.table, opts.columns.as_deref())?;
    let duplicates = crate::inspect::table_files(&opts.dir, "duplicates")?;
    let selection = versions::select(&articles, &duplicates, opts.keep, versions::CHUNK_ENTRIES)?;
    let mut summary = Summary {
        older_versions: selection.older_versions,
        duplicates: selection.duplicates,
        ..Default::default()
    };
    let mut out = output::Output::create(&opts.out, opts.format, &schema, opts.bom)?;
    let full = full_schema(opts.table);
    // The article's columns as images and participants rows carry them.
    let article_part = Arc::new(Schema::new(
        full.fields()
            .iter()
            .take(1 + ARTICLE_COLUMNS.len())
            .cloned()
            .collect::<Vec<_>>(),
    ));

    // Columns read from the articles files.
    let mut wanted: Vec<&str> = opts.filters.columns();
    match opts.table {
        Table::Articles => wanted.extend(schema.fields().iter().map(|f| f.name().as_str())),
        _ => wanted.extend(ARTICLE_COLUMNS),
    }
    let pb = crate::pipeline::progress_bar(articles.len() as u64, opts.progress);
    let limit = opts.limit.unwrap_or(u64::MAX);
    'files: for (f, path) in articles.iter().enumerate() {
        let run = versions::run_of(path);
        let people = match &opts.filters.person {
            Some(p) => Some(naming(
                &opts.dir.join("participants").join(format!("{run}.parquet")),
                p,
            )?),
            None => None,
        };
        // For images and participants: the kept articles of this run.
        let mut kept: FxHashMap<String, usize> = FxHashMap::default();
        let mut kept_rows: Vec<RecordBatch> = Vec::new();
        let mut offset = 0usize;
        for batch in read(path, &wanted)? {
            let batch = batch?;
            let n = batch.num_rows();
            let current = BooleanBuffer::collect_bool(n, |i| selection.contains(f, offset + i));
            let before = current.count_set_bits() as u64;
            let mask = opts
                .filters
                .mask(&batch, current, people.as_ref())
                .with_context(|| format!("cannot filter {}", path.display()))?;
            offset += n;
            let passed = mask.count_set_bits() as u64;
            summary.filtered_out += before - passed;
            summary.articles += passed;
            if passed == 0 {
                continue;
            }
            let picked = arrow_select::filter::filter_record_batch(
                &batch,
                &arrow_array::BooleanArray::new(mask, None),
            )?;
            match opts.table {
                Table::Articles => {
                    let rows = conform(&picked, &schema, path)?;
                    let room = limit - out.rows;
                    let rows = rows.slice(0, rows.num_rows().min(room as usize));
                    out.write(&rows)?;
                    if out.rows >= limit {
                        break 'files;
                    }
                }
                Table::Images | Table::Participants => {
                    let ids = picked
                        .column_by_name("article_id")
                        .and_then(|c| c.as_string_opt::<i32>())
                        .with_context(|| format!("{}: no article_id column", path.display()))?;
                    let b = kept_rows.len();
                    for i in 0..picked.num_rows() {
                        kept.insert(ids.value(i).to_string(), b << 32 | i);
                    }
                    kept_rows.push(conform(&picked, &article_part, path)?);
                }
            }
        }
        if opts.table != Table::Articles && !kept.is_empty() {
            let table_file = opts
                .dir
                .join(opts.table.name())
                .join(format!("{run}.parquet"));
            if table_file.is_file() {
                for batch in read(&table_file, &[])? {
                    let rows = joined(&batch?, &kept, &kept_rows, &full, &table_file)?;
                    let rows = project(&rows, &schema)?;
                    let room = limit - out.rows;
                    out.write(&rows.slice(0, rows.num_rows().min(room as usize)))?;
                    if out.rows >= limit {
                        break 'files;
                    }
                }
            }
        }
        pb.inc(1);
    }
    pb.finish_and_clear();
    summary.rows = out.rows;
    out.commit()?;
    Ok(summary)
}

/// Rows of an images or participants batch whose article is kept, with the article's
/// columns added.
fn joined(
    batch: &RecordBatch,
    kept: &FxHashMap<String, usize>,
    articles: &[RecordBatch],
    full: &SchemaRef,
    file: &Path,
) -> Result<RecordBatch> {
    let ids = batch
        .column_by_name("article_id")
        .and_then(|c| c.as_string_opt::<i32>())
        .with_context(|| format!("{}: no article_id column", file.display()))?;
    // (article batch, row) of each kept row, in order.
    let mut rows: Vec<usize> = Vec::new();
    let mut at: Vec<(usize, usize)> = Vec::new();
    for i in 0..batch.num_rows() {
        if let Some(&k) = ids.is_valid(i).then(|| kept.get(ids.value(i))).flatten() {
            rows.push(i);
            at.push((k >> 32, k & 0xffff_ffff));
        }
    }
    let take = arrow_array::UInt32Array::from(rows.iter().map(|&i| i as u32).collect::<Vec<_>>());
    let own = arrow_select::take::take_record_batch(batch, &take)?;
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(full.fields().len());
    for field in full.fields() {
        let name = field.name().as_str();
        if ARTICLE_COLUMNS.contains(&name) {
            let sources = articles
                .iter()
                .map(|b| {
                    b.column_by_name(name)
                        .map(|c| c.as_ref())
                        .context("article columns are conformed")
                })
                .collect::<Result<Vec<&dyn Array>>>()?;
            columns.push(arrow_select::interleave::interleave(&sources, &at)?);
        } else {
            columns.push(match own.column_by_name(name) {
                Some(c) if c.data_type() == field.data_type() => c.clone(),
                Some(c) => bail!(
                    "{}: column {name} is {}, not {}",
                    file.display(),
                    c.data_type(),
                    field.data_type()
                ),
                None => new_null_array(field.data_type(), at.len()),
            });
        }
    }
    RecordBatch::try_new(full.clone(), columns)
        .with_context(|| format!("{}: rows do not fit the export", file.display()))
}

/// The columns of `schema`, in its order.
fn project(batch: &RecordBatch, schema: &SchemaRef) -> Result<RecordBatch> {
    let columns = schema
        .fields()
        .iter()
        .map(|f| {
            batch
                .column_by_name(f.name())
                .cloned()
                .with_context(|| format!("no column {}", f.name()))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(RecordBatch::try_new(schema.clone(), columns)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_and_participants_carry_their_article_after_its_id() {
        let s = full_schema(Table::Images);
        let names: Vec<&str> = s.fields().iter().map(|f| f.name().as_str()).collect();
        assert_eq!(
            &names[..6],
            &[
                "article_id",
                "url",
                "title",
                "site",
                "published_at",
                "position"
            ]
        );
        assert!(s.fields().iter().all(|f| f.is_nullable()));
    }

    #[test]
    fn unknown_columns_are_a_usage_error_naming_the_known_ones() {
        let e =
            chosen_schema(Table::Articles, Some(&["title".into(), "bodyy".into()])).unwrap_err();
        assert!(e.is::<UsageError>());
        assert!(e.to_string().contains("body,"), "{e}");
        let s = chosen_schema(Table::Participants, Some(&["name".into(), "url".into()])).unwrap();
        assert_eq!(s.fields().len(), 2);
    }
}
