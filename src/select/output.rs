//! Where an export goes: CSV, JSON Lines or Parquet, to a file that appears only when
//! complete, or to standard output. The writers are Arrow's own.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};
use arrow_array::builder::StringBuilder;
use arrow_array::cast::AsArray;
use arrow_array::types::TimestampMicrosecondType;
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};
use parquet::arrow::ArrowWriter;

use crate::error::UsageError;

/// File formats an export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Csv,
    Jsonl,
    Parquet,
}

impl Format {
    /// The format a file name asks for.
    pub fn of_path(path: &Path) -> Option<Format> {
        let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
        if name.ends_with(".csv") {
            Some(Format::Csv)
        } else if name.ends_with(".jsonl") || name.ends_with(".ndjson") {
            Some(Format::Jsonl)
        } else if name.ends_with(".parquet") {
            Some(Format::Parquet)
        } else {
            None
        }
    }

    /// The format of `--out` and `--format` together, or a usage error saying what to give.
    pub fn resolve(out: &Path, asked: Option<Format>) -> Result<Format> {
        if let Some(f) = asked {
            return Ok(f);
        }
        if out == Path::new("-") {
            return Err(UsageError(
                "--out - (standard output) needs --format csv, jsonl or parquet".into(),
            )
            .into());
        }
        Format::of_path(out).ok_or_else(|| {
            UsageError(format!(
                "--out {}: name the file .csv, .jsonl or .parquet, or give --format",
                out.display()
            ))
            .into()
        })
    }
}

/// The hidden temporary an output file is written to before it is renamed into place,
/// in the same folder (which must exist: a usage error names it otherwise).
pub fn temporary_for(out: &Path) -> Result<PathBuf, UsageError> {
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        return Err(UsageError(format!(
            "--out {}: the folder {} does not exist",
            out.display(),
            dir.display()
        )));
    }
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(dir.join(format!(".{name}.{}.tmp", std::process::id())))
}

/// Separator of list items (authors, tags, titles) in a CSV cell.
pub const LIST_SEPARATOR: &str = "; ";

enum Inner {
    Csv(arrow_csv::Writer<Box<dyn Write + Send>>),
    Jsonl(arrow_json::LineDelimitedWriter<Box<dyn Write + Send>>),
    Parquet(ArrowWriter<Box<dyn Write + Send>>),
}

/// An open export.
pub struct Output {
    inner: Option<Inner>,
    schema: SchemaRef,
    /// The hidden temporary and the final name, for a file (not standard output).
    files: Option<(PathBuf, PathBuf)>,
    pub rows: u64,
}

impl Output {
    /// Opens `out` (`-` for standard output). `bom` starts a CSV with the UTF-8 byte
    /// order mark, which spreadsheet programs need to read accents right.
    pub fn create(out: &Path, format: Format, schema: &SchemaRef, bom: bool) -> Result<Self> {
        let (mut sink, files): (Box<dyn Write + Send>, _) = if out == Path::new("-") {
            (Box::new(BufWriter::new(std::io::stdout())), None)
        } else {
            let tmp = temporary_for(out)?;
            let f =
                File::create(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
            (
                Box::new(BufWriter::with_capacity(1 << 16, f)),
                Some((tmp, out.to_path_buf())),
            )
        };
        if bom && format == Format::Csv {
            sink.write_all("\u{feff}".as_bytes())
                .context("cannot write the export")?;
        }
        let inner = match format {
            Format::Csv => Inner::Csv(
                arrow_csv::WriterBuilder::new()
                    .with_header(true)
                    .with_timestamp_tz_format("%Y-%m-%dT%H:%M:%SZ".into())
                    .build(sink),
            ),
            Format::Jsonl => Inner::Jsonl(arrow_json::LineDelimitedWriter::new(sink)),
            Format::Parquet => {
                let props = parquet::file::properties::WriterProperties::builder()
                    .set_compression(parquet::basic::Compression::ZSTD(Default::default()))
                    .build();
                Inner::Parquet(
                    ArrowWriter::try_new(sink, schema.clone(), Some(props))
                        .context("cannot start the Parquet export")?,
                )
            }
        };
        Ok(Output {
            inner: Some(inner),
            schema: schema.clone(),
            files,
            rows: 0,
        })
    }

    /// The schema rows are written in: for CSV, list columns become text.
    pub fn schema_for(format: Format, schema: &SchemaRef) -> SchemaRef {
        if format != Format::Csv {
            return schema.clone();
        }
        Arc::new(Schema::new_with_metadata(
            schema
                .fields()
                .iter()
                .map(|f| match f.data_type() {
                    DataType::List(_) => Arc::new(Field::new(f.name(), DataType::Utf8, true)),
                    _ => f.clone(),
                })
                .collect::<Vec<_>>(),
            schema.metadata().clone(),
        ))
    }

    pub fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        if batch.num_rows() == 0 {
            return Ok(());
        }
        let ctx = "cannot write the export (is the disk full, or the reader gone?)";
        match self.inner.as_mut() {
            Some(Inner::Csv(w)) => w
                .write(&offset_time_zones(&flatten_lists(batch)?)?)
                .context(ctx)?,
            Some(Inner::Jsonl(w)) => w.write(&offset_time_zones(batch)?).context(ctx)?,
            Some(Inner::Parquet(w)) => w.write(batch).context(ctx)?,
            None => {}
        }
        self.rows += batch.num_rows() as u64;
        Ok(())
    }

    /// Finishes the file and renames it into place.
    pub fn commit(mut self) -> Result<()> {
        let ctx = "cannot finish the export";
        // A CSV with no rows still has its header line.
        if self.rows == 0
            && let Some(Inner::Csv(w)) = self.inner.as_mut()
        {
            let empty = RecordBatch::new_empty(Output::schema_for(Format::Csv, &self.schema));
            w.write(&offset_time_zones(&empty)?).context(ctx)?;
        }
        let sink: Box<dyn Write + Send> = match self.inner.take() {
            Some(Inner::Csv(w)) => w.into_inner(),
            Some(Inner::Jsonl(mut w)) => {
                w.finish().context(ctx)?;
                w.into_inner()
            }
            Some(Inner::Parquet(w)) => w.into_inner().context(ctx)?,
            None => return Ok(()),
        };
        let mut sink = sink;
        sink.flush().context(ctx)?;
        drop(sink);
        if let Some((tmp, dest)) = self.files.take() {
            File::open(&tmp)
                .and_then(|f| f.sync_all())
                .with_context(|| format!("cannot sync {}", tmp.display()))?;
            std::fs::rename(&tmp, &dest).with_context(|| {
                format!("cannot rename {} to {}", tmp.display(), dest.display())
            })?;
        }
        Ok(())
    }
}

impl Drop for Output {
    /// An export that failed or was interrupted leaves no file behind.
    fn drop(&mut self) {
        if let Some((tmp, _)) = self.files.take() {
            self.inner = None;
            let _ = std::fs::remove_file(tmp);
        }
    }
}

/// Timestamps in "UTC" relabelled "+00:00", the same instants: Arrow's text writers
/// format offset zones without a time-zone database.
fn offset_time_zones(batch: &RecordBatch) -> Result<RecordBatch> {
    let named =
        |t: &DataType| matches!(t, DataType::Timestamp(_, Some(tz)) if tz.as_ref() == "UTC");
    if !batch.schema().fields().iter().any(|f| named(f.data_type())) {
        return Ok(batch.clone());
    }
    let mut fields = Vec::new();
    let mut columns = Vec::new();
    for (f, c) in batch.schema().fields().iter().zip(batch.columns()) {
        match f.data_type() {
            DataType::Timestamp(TimeUnit::Microsecond, Some(tz)) if tz.as_ref() == "UTC" => {
                let t = c
                    .as_primitive::<TimestampMicrosecondType>()
                    .clone()
                    .with_timezone("+00:00");
                fields.push(Arc::new(
                    f.as_ref().clone().with_data_type(t.data_type().clone()),
                ));
                columns.push(Arc::new(t) as ArrayRef);
            }
            _ => {
                fields.push(f.clone());
                columns.push(c.clone());
            }
        }
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), columns)
        .context("cannot relabel time zones for text output")
}

/// List columns as text, items joined with `; ` (CSV has no lists).
fn flatten_lists(batch: &RecordBatch) -> Result<RecordBatch> {
    if !batch
        .schema()
        .fields()
        .iter()
        .any(|f| matches!(f.data_type(), DataType::List(_)))
    {
        return Ok(batch.clone());
    }
    let schema = Output::schema_for(Format::Csv, &batch.schema());
    let columns: Vec<ArrayRef> = batch
        .columns()
        .iter()
        .map(|c| match c.as_list_opt::<i32>() {
            Some(list) => {
                let mut b = StringBuilder::new();
                for i in 0..list.len() {
                    if list.is_null(i) {
                        b.append_null();
                        continue;
                    }
                    let items = list.value(i);
                    let items = items.as_string_opt::<i32>();
                    let text: Vec<&str> = items
                        .map(|s| s.iter().flatten().collect())
                        .unwrap_or_default();
                    b.append_value(text.join(LIST_SEPARATOR));
                }
                Arc::new(b.finish()) as ArrayRef
            }
            None => c.clone(),
        })
        .collect();
    RecordBatch::try_new(schema, columns).context("cannot turn lists into text for CSV")
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::builder::ListBuilder;
    use arrow_array::{Int32Array, StringArray};

    fn batch() -> RecordBatch {
        let mut authors = ListBuilder::new(StringBuilder::new());
        authors.values().append_value("Lê Văn A");
        authors.values().append_value("Trần B");
        authors.append(true);
        authors.append(true);
        let schema = Arc::new(Schema::new(vec![
            Field::new("title", DataType::Utf8, false),
            Field::new(
                "authors",
                DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
                true,
            ),
            Field::new("word_count", DataType::Int32, false),
        ]));
        RecordBatch::try_new(
            schema,
            vec![
                Arc::new(StringArray::from(vec!["Bão số 3, \"lớn\"", "Mưa"])),
                Arc::new(authors.finish()),
                Arc::new(Int32Array::from(vec![120, 7])),
            ],
        )
        .unwrap()
    }

    #[test]
    fn the_format_comes_from_the_name_or_the_flag() {
        assert_eq!(
            Format::resolve(Path::new("a/b.CSV"), None).unwrap(),
            Format::Csv
        );
        assert_eq!(
            Format::resolve(Path::new("-"), Some(Format::Jsonl)).unwrap(),
            Format::Jsonl
        );
        assert!(
            Format::resolve(Path::new("-"), None)
                .unwrap_err()
                .is::<UsageError>()
        );
        assert!(
            Format::resolve(Path::new("x.xlsx"), None)
                .unwrap_err()
                .is::<UsageError>()
        );
    }

    #[test]
    fn csv_has_a_bom_on_request_lists_joined_and_quotes_escaped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.csv");
        let b = batch();
        let schema = Output::schema_for(Format::Csv, &b.schema());
        let mut out = Output::create(&path, Format::Csv, &schema, true).unwrap();
        out.write(&b).unwrap();
        assert!(!path.exists(), "the file appears only when complete");
        out.commit().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            "\u{feff}title,authors,word_count\n\"Bão số 3, \"\"lớn\"\"\",Lê Văn A; Trần B,120\nMưa,,7\n"
        );
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary left");

        let none = dir.path().join("none.csv");
        let out = Output::create(&none, Format::Csv, &b.schema(), false).unwrap();
        out.commit().unwrap();
        let text = std::fs::read_to_string(&none).unwrap();
        assert_eq!(
            text, "title,authors,word_count\n",
            "a header even without rows"
        );
    }

    #[test]
    fn jsonl_keeps_lists_and_an_abandoned_export_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.jsonl");
        let b = batch();
        let mut out = Output::create(&path, Format::Jsonl, &b.schema(), false).unwrap();
        out.write(&b).unwrap();
        out.commit().unwrap();
        let lines: Vec<serde_json::Value> = std::fs::read_to_string(&path)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["authors"][1], "Trần B");
        assert_eq!(lines[1]["word_count"], 7);

        let other = dir.path().join("b.parquet");
        let mut out = Output::create(&other, Format::Parquet, &b.schema(), false).unwrap();
        out.write(&b).unwrap();
        drop(out);
        assert!(!other.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
