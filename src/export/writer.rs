//! Parquet files written atomically, in row groups, as rows arrive.
//!
//! Rows are buffered into Arrow builders and written as a record batch every
//! [`BATCH_ROWS`] rows, so memory stays flat however many pages a run reads. The file
//! is written under a hidden temporary name (`.RUN.parquet.tmp`, which no reader's glob
//! or dataset discovery picks up) and renamed into place only when complete: a killed
//! run never leaves a truncated `.parquet` file.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};
use arrow_array::builder::{
    BinaryBuilder, Float64Builder, Int32Builder, Int64Builder, ListBuilder, StringBuilder,
    TimestampMicrosecondBuilder, UInt64Builder,
};
use arrow_array::{ArrayRef, BooleanArray, RecordBatch};
use arrow_schema::SchemaRef;
use arrow_select::filter::filter_record_batch;
use chrono::{DateTime, Utc};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use parquet::schema::types::ColumnPath;

use super::schema::{self, SCHEMA_VERSION};
use crate::dedupe::{Entry, Hasher};
use crate::record::{Article, Duplicate, Reject};

/// Rows per record batch handed to the Parquet writer.
pub const BATCH_ROWS: usize = 1024;
/// Rows per Parquet row group.
const ROW_GROUP_ROWS: usize = 16 * 1024;
/// A row group is also closed once its encoded data in memory passes this size, so a
/// run's memory does not grow with article length times row count.
const ROW_GROUP_BYTES: usize = 1024 * 1024;

/// One table's file for one run.
pub struct TableFile {
    tmp: PathBuf,
    dest: PathBuf,
    writer: Option<ArrowWriter<File>>,
    schema: SchemaRef,
    props: WriterProperties,
    rows: u64,
}

impl TableFile {
    /// Opens `dir/<table>/.<stem>.parquet.tmp` for writing (the stem is the run id, or
    /// the run id and a part number for a checkpointed crawl's later parts).
    pub fn create(dir: &Path, table: &str, stem: &str) -> Result<Self> {
        Self::create_with(dir, table, stem, vec![])
    }

    /// Like [`TableFile::create`], with key-value pairs in the file's footer (how the
    /// signatures were made, for instance).
    pub fn create_with(
        dir: &Path,
        table: &str,
        stem: &str,
        footer: Vec<(String, String)>,
    ) -> Result<Self> {
        let schema = schema::of(table).with_context(|| format!("unknown table {table}"))?;
        let folder = dir.join(table);
        std::fs::create_dir_all(&folder)
            .with_context(|| format!("cannot create the table folder {}", folder.display()))?;
        let dest = folder.join(format!("{stem}.parquet"));
        let tmp = folder.join(format!(".{stem}.parquet.tmp"));
        let file =
            File::create(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
        // Dictionaries only where values repeat (site, category, language...): on
        // bodies and URLs they cost memory for nothing.
        let mut props = WriterProperties::builder()
            .set_compression(Compression::ZSTD(
                ZstdLevel::try_new(3).context("zstd level")?,
            ))
            .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
            .set_dictionary_enabled(false)
            // Min/max statistics of long text (bodies) would be kept whole per row group.
            .set_statistics_truncate_length(Some(64))
            .set_created_by(format!(
                "newsmill {} (schema {SCHEMA_VERSION})",
                env!("CARGO_PKG_VERSION")
            ));
        if !footer.is_empty() {
            props = props.set_key_value_metadata(Some(
                footer
                    .into_iter()
                    .map(|(k, v)| parquet::file::metadata::KeyValue::new(k, v))
                    .collect(),
            ));
        }
        for column in schema::dictionary_columns(table) {
            props = props.set_column_dictionary_enabled(ColumnPath::from(*column), true);
        }
        let props = props.build();
        let writer = ArrowWriter::try_new(file, schema.clone(), Some(props.clone()))
            .context("cannot start the Parquet writer")?;
        Ok(TableFile {
            tmp,
            dest,
            writer: Some(writer),
            schema,
            props,
            rows: 0,
        })
    }

    /// Writes one batch of columns in schema order.
    pub fn write(&mut self, columns: Vec<ArrayRef>) -> Result<()> {
        let batch = RecordBatch::try_new(self.schema.clone(), columns)
            .context("rows do not match the declared schema")?;
        self.rows += batch.num_rows() as u64;
        let writer = self
            .writer
            .as_mut()
            .context("the Parquet file is already closed")?;
        writer
            .write(&batch)
            .with_context(|| format!("cannot write to {}", self.tmp.display()))?;
        if writer.in_progress_size() > ROW_GROUP_BYTES {
            writer
                .flush()
                .with_context(|| format!("cannot write to {}", self.tmp.display()))?;
        }
        Ok(())
    }

    /// Closes the file, syncs it and renames it into place. Returns the rows written.
    pub fn commit(self) -> Result<(PathBuf, u64)> {
        self.commit_without(&[])
    }

    /// Like [`TableFile::commit`], leaving out row `i` wherever `drop[i]` is true.
    pub fn commit_without(self, drop: &[bool]) -> Result<(PathBuf, u64)> {
        self.prepare(drop)?.publish()
    }

    /// Closes and syncs the file without the dropped rows, still under its hidden
    /// temporary name: [`Prepared::publish`] renames it into place. In between, a
    /// crawl records the rename in its state, so that a kill at any point either
    /// loses the part or finishes publishing it at the next start.
    ///
    /// Rows already in the file are copied batch by batch into a second temporary file,
    /// so memory stays at one batch; with nothing to drop the file is kept as is.
    pub fn prepare(mut self, drop: &[bool]) -> Result<Prepared> {
        let writer = self
            .writer
            .take()
            .context("the Parquet file is already closed")?;
        let file = writer
            .into_inner()
            .with_context(|| format!("cannot finish {}", self.tmp.display()))?;
        file.sync_all()
            .with_context(|| format!("cannot sync {}", self.tmp.display()))?;
        let mut rows = self.rows;
        if drop.iter().any(|d| *d) {
            match self.filter_into_place(drop) {
                Ok(kept) => rows = kept,
                Err(e) => {
                    // Nothing half-written stays behind.
                    let _ = std::fs::remove_file(self.tmp.with_extension("tmp2"));
                    let _ = std::fs::remove_file(&self.tmp);
                    return Err(e);
                }
            }
        }
        Ok(Prepared {
            tmp: self.tmp.clone(),
            dest: self.dest.clone(),
            rows,
        })
    }

    /// Rewrites the closed temporary file without the dropped rows, under the same
    /// temporary name. Returns the rows kept.
    fn filter_into_place(&self, drop: &[bool]) -> Result<u64> {
        let ctx = || {
            format!(
                "cannot rewrite {} without its duplicates",
                self.tmp.display()
            )
        };
        let filtered = self.tmp.with_extension("tmp2");
        let input = File::open(&self.tmp).with_context(ctx)?;
        let reader = ParquetRecordBatchReaderBuilder::try_new(input)
            .with_context(ctx)?
            .with_batch_size(BATCH_ROWS)
            .build()
            .with_context(ctx)?;
        let out = File::create(&filtered).with_context(ctx)?;
        let mut writer = ArrowWriter::try_new(out, self.schema.clone(), Some(self.props.clone()))
            .with_context(ctx)?;
        let mut at = 0usize;
        let mut kept = 0u64;
        for batch in reader {
            let batch = batch.with_context(ctx)?;
            let n = batch.num_rows();
            let mask: BooleanArray = (at..at + n)
                .map(|i| Some(!drop.get(i).copied().unwrap_or(false)))
                .collect();
            at += n;
            let batch = filter_record_batch(&batch, &mask).with_context(ctx)?;
            kept += batch.num_rows() as u64;
            writer.write(&batch).with_context(ctx)?;
            if writer.in_progress_size() > ROW_GROUP_BYTES {
                writer.flush().with_context(ctx)?;
            }
        }
        writer
            .into_inner()
            .with_context(ctx)?
            .sync_all()
            .with_context(ctx)?;
        std::fs::rename(&filtered, &self.tmp).with_context(ctx)?;
        Ok(kept)
    }
}

impl Drop for TableFile {
    /// An uncommitted file (an error, a cancelled run) is removed, never renamed.
    fn drop(&mut self) {
        if self.writer.is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// A complete file under its temporary name, waiting to be renamed into place.
pub struct Prepared {
    pub tmp: PathBuf,
    pub dest: PathBuf,
    rows: u64,
}

impl Prepared {
    /// Renames the file into place (unless a crawl state's commit already did).
    /// Returns where it is and its rows.
    pub fn publish(self) -> Result<(PathBuf, u64)> {
        if !self.tmp.exists() && self.dest.exists() {
            return Ok((self.dest, self.rows));
        }
        std::fs::rename(&self.tmp, &self.dest).with_context(|| {
            format!(
                "cannot rename {} to {}",
                self.tmp.display(),
                self.dest.display()
            )
        })?;
        Ok((self.dest, self.rows))
    }
}

/// Row buffers of one table: how many rows wait, and their columns in schema order.
pub trait Rows {
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    fn finish(&mut self) -> Vec<ArrayRef>;
}

macro_rules! impl_rows {
    ($($t:ty),*) => {$(
        impl Rows for $t {
            fn len(&self) -> usize {
                self.n
            }
            fn finish(&mut self) -> Vec<ArrayRef> {
                self.n = 0;
                self.columns()
            }
        }
    )*};
}

impl_rows!(
    ArticleRows,
    ImageRows,
    ParticipantRows,
    DuplicateRows,
    RejectRows,
    SignatureRows
);

fn ts_micros(t: &DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

fn list_builder() -> ListBuilder<StringBuilder> {
    ListBuilder::new(StringBuilder::new()).with_field(schema::list_item())
}

fn push_list(b: &mut ListBuilder<StringBuilder>, items: &[String]) {
    for i in items {
        b.values().append_value(i);
    }
    b.append(true);
}

fn ts_builder() -> TimestampMicrosecondBuilder {
    TimestampMicrosecondBuilder::new().with_timezone("UTC")
}

fn arc<A: arrow_array::Array + 'static>(a: A) -> ArrayRef {
    Arc::new(a)
}

/// Column builders of the articles table.
#[derive(Default)]
pub struct ArticleRows {
    n: usize,
    article_id: StringBuilder,
    url: StringBuilder,
    source: StringBuilder,
    site: StringBuilder,
    title: StringBuilder,
    kind: StringBuilder,
    lead: StringBuilder,
    body: StringBuilder,
    category: StringBuilder,
    tags: Option<ListBuilder<StringBuilder>>,
    authors: Option<ListBuilder<StringBuilder>>,
    published_at: Option<TimestampMicrosecondBuilder>,
    published_text: StringBuilder,
    modified_at: Option<TimestampMicrosecondBuilder>,
    date_source: StringBuilder,
    language: StringBuilder,
    language_confidence: Float64Builder,
    word_count: Int32Builder,
    image_count: Int32Builder,
    participant_count: Int32Builder,
    content_hash: StringBuilder,
    charset: StringBuilder,
    html_bytes: Int64Builder,
    fetched_at: Option<TimestampMicrosecondBuilder>,
    run_id: StringBuilder,
}

impl ArticleRows {
    pub fn push(&mut self, a: &Article, run_id: &str) {
        self.n += 1;
        self.article_id.append_value(&a.article_id);
        self.url.append_value(&a.url);
        self.source.append_value(&a.source);
        self.site.append_option(a.site.as_deref());
        self.title.append_value(&a.title);
        self.kind.append_value(a.kind.as_str());
        self.lead.append_option(a.lead.as_deref());
        self.body.append_value(&a.body);
        self.category.append_option(a.category.as_deref());
        push_list(self.tags.get_or_insert_with(list_builder), &a.tags);
        push_list(self.authors.get_or_insert_with(list_builder), &a.authors);
        self.published_at
            .get_or_insert_with(ts_builder)
            .append_option(a.published_at.as_ref().map(ts_micros));
        self.published_text
            .append_option(a.published_text.as_deref());
        self.modified_at
            .get_or_insert_with(ts_builder)
            .append_option(a.modified_at.as_ref().map(ts_micros));
        self.date_source.append_option(a.date_source);
        self.language.append_option(a.language.as_deref());
        self.language_confidence
            .append_option(a.language_confidence);
        self.word_count
            .append_value(a.word_count.min(i32::MAX as u32) as i32);
        self.image_count.append_value(a.images.len() as i32);
        self.participant_count
            .append_value(a.participants.len() as i32);
        self.content_hash.append_value(&a.content_hash);
        self.charset.append_value(&a.charset);
        self.html_bytes.append_value(a.html_bytes as i64);
        self.fetched_at
            .get_or_insert_with(ts_builder)
            .append_value(ts_micros(&a.fetched_at));
        self.run_id.append_value(run_id);
    }

    fn columns(&mut self) -> Vec<ArrayRef> {
        vec![
            arc(self.article_id.finish()),
            arc(self.url.finish()),
            arc(self.source.finish()),
            arc(self.site.finish()),
            arc(self.title.finish()),
            arc(self.kind.finish()),
            arc(self.lead.finish()),
            arc(self.body.finish()),
            arc(self.category.finish()),
            arc(self.tags.get_or_insert_with(list_builder).finish()),
            arc(self.authors.get_or_insert_with(list_builder).finish()),
            arc(self.published_at.get_or_insert_with(ts_builder).finish()),
            arc(self.published_text.finish()),
            arc(self.modified_at.get_or_insert_with(ts_builder).finish()),
            arc(self.date_source.finish()),
            arc(self.language.finish()),
            arc(self.language_confidence.finish()),
            arc(self.word_count.finish()),
            arc(self.image_count.finish()),
            arc(self.participant_count.finish()),
            arc(self.content_hash.finish()),
            arc(self.charset.finish()),
            arc(self.html_bytes.finish()),
            arc(self.fetched_at.get_or_insert_with(ts_builder).finish()),
            arc(self.run_id.finish()),
        ]
    }
}

/// Column builders of the images table.
#[derive(Default)]
pub struct ImageRows {
    n: usize,
    article_id: StringBuilder,
    position: Int32Builder,
    src: StringBuilder,
    alt: StringBuilder,
    caption: StringBuilder,
    credit: StringBuilder,
    run_id: StringBuilder,
}

impl ImageRows {
    pub fn push_article(&mut self, a: &Article, run_id: &str) {
        for (i, img) in a.images.iter().enumerate() {
            self.n += 1;
            self.article_id.append_value(&a.article_id);
            self.position.append_value(i as i32 + 1);
            self.src.append_value(&img.src);
            self.alt.append_option(img.alt.as_deref());
            self.caption.append_option(img.caption.as_deref());
            self.credit.append_option(img.credit.as_deref());
            self.run_id.append_value(run_id);
        }
    }
    fn columns(&mut self) -> Vec<ArrayRef> {
        vec![
            arc(self.article_id.finish()),
            arc(self.position.finish()),
            arc(self.src.finish()),
            arc(self.alt.finish()),
            arc(self.caption.finish()),
            arc(self.credit.finish()),
            arc(self.run_id.finish()),
        ]
    }
}

/// Column builders of the participants table.
#[derive(Default)]
pub struct ParticipantRows {
    n: usize,
    article_id: StringBuilder,
    name: StringBuilder,
    rank: StringBuilder,
    titles: Option<ListBuilder<StringBuilder>>,
    other_titles: Option<ListBuilder<StringBuilder>>,
    role_group: StringBuilder,
    mentions: Int32Builder,
    first_offset: Int32Builder,
    source: StringBuilder,
    run_id: StringBuilder,
}

impl ParticipantRows {
    pub fn push_article(&mut self, a: &Article, run_id: &str) {
        for p in &a.participants {
            self.n += 1;
            self.article_id.append_value(&a.article_id);
            self.name.append_value(&p.name);
            self.rank.append_option(p.rank.as_deref());
            push_list(self.titles.get_or_insert_with(list_builder), &p.titles);
            push_list(
                self.other_titles.get_or_insert_with(list_builder),
                &p.other_titles,
            );
            self.role_group.append_option(p.role_group.as_deref());
            self.mentions.append_value(p.mentions as i32);
            self.first_offset
                .append_option(p.first_offset.map(|o| o as i32));
            self.source.append_value(p.place.as_str());
            self.run_id.append_value(run_id);
        }
    }
    fn columns(&mut self) -> Vec<ArrayRef> {
        vec![
            arc(self.article_id.finish()),
            arc(self.name.finish()),
            arc(self.rank.finish()),
            arc(self.titles.get_or_insert_with(list_builder).finish()),
            arc(self.other_titles.get_or_insert_with(list_builder).finish()),
            arc(self.role_group.finish()),
            arc(self.mentions.finish()),
            arc(self.first_offset.finish()),
            arc(self.source.finish()),
            arc(self.run_id.finish()),
        ]
    }
}

/// Column builders of the duplicates table.
#[derive(Default)]
pub struct DuplicateRows {
    n: usize,
    article_id: StringBuilder,
    url: StringBuilder,
    source: StringBuilder,
    duplicate_of: StringBuilder,
    method: StringBuilder,
    similarity: Float64Builder,
    run_id: StringBuilder,
}

impl DuplicateRows {
    pub fn push(&mut self, d: &Duplicate, run_id: &str) {
        self.n += 1;
        self.article_id.append_value(&d.article_id);
        self.url.append_value(&d.url);
        self.source.append_value(&d.source);
        self.duplicate_of.append_value(&d.duplicate_of);
        self.method.append_value(d.method);
        self.similarity.append_value(d.similarity);
        self.run_id.append_value(run_id);
    }
    fn columns(&mut self) -> Vec<ArrayRef> {
        vec![
            arc(self.article_id.finish()),
            arc(self.url.finish()),
            arc(self.source.finish()),
            arc(self.duplicate_of.finish()),
            arc(self.method.finish()),
            arc(self.similarity.finish()),
            arc(self.run_id.finish()),
        ]
    }
}

/// Column builders of the rejects table.
#[derive(Default)]
pub struct RejectRows {
    n: usize,
    source: StringBuilder,
    stage: StringBuilder,
    reason: StringBuilder,
    detail: StringBuilder,
    run_id: StringBuilder,
}

impl RejectRows {
    pub fn push(&mut self, r: &Reject, run_id: &str) {
        self.n += 1;
        self.source.append_value(&r.source);
        self.stage.append_value(r.stage.as_str());
        self.reason.append_value(r.reason);
        self.detail.append_value(&r.detail);
        self.run_id.append_value(run_id);
    }
    fn columns(&mut self) -> Vec<ArrayRef> {
        vec![
            arc(self.source.finish()),
            arc(self.stage.finish()),
            arc(self.reason.finish()),
            arc(self.detail.finish()),
            arc(self.run_id.finish()),
        ]
    }
}

/// Column builders of the signatures table (see [`schema::signatures`]).
pub struct SignatureRows {
    n: usize,
    hasher: Hasher,
    article_id: StringBuilder,
    url: StringBuilder,
    source: StringBuilder,
    url_hash: UInt64Builder,
    alias_hashes: ListBuilder<UInt64Builder>,
    body_hash: UInt64Builder,
    published_at: TimestampMicrosecondBuilder,
    origin_hash: UInt64Builder,
    band_keys: ListBuilder<UInt64Builder>,
    signature: BinaryBuilder,
    run_id: StringBuilder,
}

fn u64_list_builder() -> ListBuilder<UInt64Builder> {
    ListBuilder::new(UInt64Builder::new()).with_field(Arc::new(arrow_schema::Field::new(
        "item",
        arrow_schema::DataType::UInt64,
        false,
    )))
}

impl SignatureRows {
    pub fn new(hasher: Hasher) -> Self {
        SignatureRows {
            n: 0,
            hasher,
            article_id: StringBuilder::new(),
            url: StringBuilder::new(),
            source: StringBuilder::new(),
            url_hash: UInt64Builder::new(),
            alias_hashes: u64_list_builder(),
            body_hash: UInt64Builder::new(),
            published_at: ts_builder(),
            origin_hash: UInt64Builder::new(),
            band_keys: u64_list_builder(),
            signature: BinaryBuilder::new(),
            run_id: StringBuilder::new(),
        }
    }

    /// The footer that says how these signatures were made: a dataset dedupe with
    /// other settings signs the articles again instead of comparing unlike signatures.
    pub fn footer(&self) -> Vec<(String, String)> {
        vec![(
            crate::dedupe::corpus::PARAMS_KEY.to_string(),
            crate::dedupe::corpus::params_text(&self.hasher.params()),
        )]
    }

    /// One article's row: `entry` is its dedupe entry, `signature` its MinHash.
    pub fn push(&mut self, a: &Article, entry: &Entry, signature: &[u16], run_id: &str) {
        self.n += 1;
        self.article_id.append_value(&entry.article_id);
        self.url.append_value(&a.url);
        self.source.append_value(&a.source);
        self.url_hash.append_option(entry.url);
        self.alias_hashes.values().append_slice(&entry.aliases);
        self.alias_hashes.append(true);
        self.body_hash.append_value(entry.body);
        self.published_at.append_option(entry.published);
        self.origin_hash.append_value(entry.origin);
        self.band_keys
            .values()
            .append_slice(&self.hasher.band_keys(signature));
        self.band_keys.append(true);
        let bytes: Vec<u8> = signature.iter().flat_map(|v| v.to_le_bytes()).collect();
        self.signature.append_value(bytes);
        self.run_id.append_value(run_id);
    }
    fn columns(&mut self) -> Vec<ArrayRef> {
        vec![
            arc(self.article_id.finish()),
            arc(self.url.finish()),
            arc(self.source.finish()),
            arc(self.url_hash.finish()),
            arc(self.alias_hashes.finish()),
            arc(self.body_hash.finish()),
            arc(self.published_at.finish()),
            arc(self.origin_hash.finish()),
            arc(self.band_keys.finish()),
            arc(self.signature.finish()),
            arc(self.run_id.finish()),
        ]
    }
}
