//! `newsmill inspect`: a quick look at a dataset without Python.

use std::fmt::Write as _;
use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int32Type, Int64Type, TimestampMicrosecondType};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::DataType;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::error::UsageError;
use crate::export::schema::TABLES;

/// The complete Parquet files of one table, oldest run first (hidden temporaries left out).
pub fn table_files(dir: &Path, table: &str) -> Result<Vec<PathBuf>> {
    let folder = dir.join(table);
    if !folder.is_dir() {
        return Ok(vec![]);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .with_context(|| format!("cannot list {}", folder.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            name.ends_with(".parquet") && !name.starts_with('.')
        })
        .collect();
    files.sort();
    Ok(files)
}

/// The articles files of a dataset that `export` and `report` read, or a usage error
/// saying why `dir` is no such dataset (an address, no `articles/`, no file yet).
pub fn dataset_articles(dir: &Path) -> Result<Vec<PathBuf>> {
    crate::pipeline::not_a_url(dir, &format!("dataset folder {}", dir.display()))?;
    if !dir.join("articles").is_dir() {
        return Err(UsageError(format!(
            "{} is not a dataset folder (no articles/ in it): give the folder a `newsmill extract` or `newsmill run` wrote",
            dir.display()
        ))
        .into());
    }
    let articles = table_files(dir, "articles")?;
    if articles.is_empty() {
        return Err(UsageError(format!(
            "{} is an empty dataset: articles/ holds no Parquet file yet (no run has finished in it)",
            dir.display()
        ))
        .into());
    }
    Ok(articles)
}

/// Text of the dataset overview: per table, files, rows, schema, sample rows.
pub fn render(dir: &Path, sample_rows: usize, only: Option<&str>) -> Result<String> {
    crate::pipeline::not_a_url(dir, &format!("dataset folder {}", dir.display()))?;
    if !dir.is_dir() {
        return Err(UsageError(format!(
            "{} is not a dataset folder (it does not exist or is not a folder)",
            dir.display()
        ))
        .into());
    }
    if let Some(t) = only
        && !TABLES.contains(&t)
    {
        return Err(UsageError(format!(
            "unknown table {t:?}; tables are {}",
            TABLES.join(", ")
        ))
        .into());
    }
    let mut out = String::new();
    let runs = dir.join("runs");
    let run_count = std::fs::read_dir(&runs)
        .map(|r| {
            r.filter_map(|e| e.ok())
                .filter(|e| e.file_name().to_string_lossy().ends_with(".json"))
                .count()
        })
        .unwrap_or(0);
    writeln!(out, "dataset {} ({run_count} runs)", dir.display())?;
    for table in TABLES.iter().filter(|t| only.is_none_or(|o| o == **t)) {
        let files = table_files(dir, table)?;
        let mut rows = 0i64;
        let mut sample: Option<RecordBatch> = None;
        let mut schema_text = String::new();
        for f in &files {
            let file = File::open(f).with_context(|| format!("cannot open {}", f.display()))?;
            let builder = ParquetRecordBatchReaderBuilder::try_new(file)
                .with_context(|| format!("{} is not a readable Parquet file", f.display()))?;
            rows += builder.metadata().file_metadata().num_rows();
            if schema_text.is_empty() {
                for field in builder.schema().fields() {
                    writeln!(
                        schema_text,
                        "    {:<18} {}{}",
                        field.name(),
                        type_name(field.data_type()),
                        if field.is_nullable() { "" } else { " not null" }
                    )?;
                }
            }
            if sample.is_none()
                && sample_rows > 0
                && builder.metadata().file_metadata().num_rows() > 0
            {
                let mut reader = builder.with_batch_size(sample_rows).build()?;
                sample = reader.next().transpose()?;
            }
        }
        writeln!(out, "\n{table}: {rows} rows in {} files", files.len())?;
        out.push_str(&schema_text);
        if let Some(batch) = sample {
            for r in 0..batch.num_rows().min(sample_rows) {
                writeln!(out, "  row {}:", r + 1)?;
                for (i, field) in batch.schema().fields().iter().enumerate() {
                    writeln!(out, "    {:<18} {}", field.name(), cell(batch.column(i), r))?;
                }
            }
        }
    }
    Ok(out)
}

fn type_name(t: &DataType) -> String {
    match t {
        DataType::Utf8 => "string".into(),
        DataType::List(f) => format!("list<{}>", type_name(f.data_type())),
        DataType::Timestamp(_, Some(tz)) => format!("timestamp[us, {tz}]"),
        other => other.to_string().to_lowercase(),
    }
}

/// One value, shortened for the terminal.
fn cell(col: &ArrayRef, row: usize) -> String {
    if col.is_null(row) {
        return "null".into();
    }
    let full = match col.data_type() {
        DataType::Utf8 => col.as_string::<i32>().value(row).to_string(),
        DataType::Int32 => col.as_primitive::<Int32Type>().value(row).to_string(),
        DataType::Int64 => col.as_primitive::<Int64Type>().value(row).to_string(),
        DataType::Float64 => format!("{:.3}", col.as_primitive::<Float64Type>().value(row)),
        DataType::Timestamp(_, _) => {
            let micros = col.as_primitive::<TimestampMicrosecondType>().value(row);
            chrono::DateTime::from_timestamp_micros(micros)
                .map(|d| d.to_rfc3339())
                .unwrap_or_else(|| micros.to_string())
        }
        DataType::List(_) => {
            let values = col.as_list::<i32>().value(row);
            let items: Vec<String> = (0..values.len()).map(|i| cell(&values, i)).collect();
            format!("[{}]", items.join(", "))
        }
        other => format!("<{other}>"),
    };
    let one_line = full.replace('\n', " ⏎ ");
    if one_line.chars().count() > 100 {
        format!("{}…", one_line.chars().take(100).collect::<String>())
    } else {
        one_line
    }
}
