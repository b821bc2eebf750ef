//! Helpers: run the binary, read a table back as JSON-like rows, normalise label text.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int32Type, Int64Type, TimestampMicrosecondType};
use arrow_array::{Array, ArrayRef};
use arrow_schema::DataType;
use newsmill::normalise::text::{ToneStyle, clean};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use serde_json::{Map, Value};

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_newsmill"))
}

/// Runs `newsmill` with `args`, returning its output.
pub fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("the newsmill binary runs")
}

/// Runs `newsmill extract PATHS --out OUT -q` and asserts success.
pub fn extract(paths: &[&Path], out: &Path) -> Output {
    let mut cmd = bin();
    cmd.arg("extract");
    for p in paths {
        cmd.arg(p);
    }
    cmd.arg("--out").arg(out).arg("-q");
    let o = cmd.output().expect("the newsmill binary runs");
    assert!(
        o.status.success(),
        "extract failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The shared corpora beside the checkout (`../shared`).
pub fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared")
}

/// The complete Parquet files of one table.
pub fn table_files(dir: &Path, table: &str) -> Vec<PathBuf> {
    newsmill::inspect::table_files(dir, table).expect("table folder lists")
}

/// All rows of a table across runs, as JSON objects keyed by column name.
pub fn rows(dir: &Path, table: &str) -> Vec<Map<String, Value>> {
    let mut out = Vec::new();
    for f in table_files(dir, table) {
        let reader = ParquetRecordBatchReaderBuilder::try_new(File::open(&f).unwrap())
            .unwrap()
            .build()
            .unwrap();
        for batch in reader {
            let batch = batch.unwrap();
            for r in 0..batch.num_rows() {
                let mut m = Map::new();
                for (i, field) in batch.schema().fields().iter().enumerate() {
                    m.insert(field.name().clone(), value(batch.column(i), r));
                }
                out.push(m);
            }
        }
    }
    out
}

fn value(col: &ArrayRef, row: usize) -> Value {
    if col.is_null(row) {
        return Value::Null;
    }
    match col.data_type() {
        DataType::Utf8 => Value::String(col.as_string::<i32>().value(row).to_string()),
        DataType::Int32 => Value::from(col.as_primitive::<Int32Type>().value(row)),
        DataType::Int64 => Value::from(col.as_primitive::<Int64Type>().value(row)),
        DataType::Float64 => Value::from(col.as_primitive::<Float64Type>().value(row)),
        DataType::Timestamp(_, _) => {
            Value::from(col.as_primitive::<TimestampMicrosecondType>().value(row))
        }
        DataType::List(_) => {
            let values = col.as_list::<i32>().value(row);
            Value::Array((0..values.len()).map(|i| value(&values, i)).collect())
        }
        other => panic!("unexpected column type {other}"),
    }
}

/// Label text and extracted text are compared after the same normalisation: NFC, tone
/// style, whitespace, and no space before closing punctuation (labels were cut from
/// text where inline tags left "Interfax , Phó" for the page's "Interfax, Phó").
pub fn norm(s: &str) -> String {
    let c = clean(s, ToneStyle::Old);
    let mut out = String::with_capacity(c.len());
    for ch in c.chars() {
        if matches!(ch, ',' | '.' | ';' | ':' | '!' | '?' | ')') && out.ends_with(' ') {
            out.pop();
        }
        out.push(ch);
    }
    out
}

pub fn norm_opt(v: &Value) -> Option<String> {
    v.as_str().map(norm)
}

/// A label's ISO 8601 time as microseconds since the epoch (UTC).
pub fn label_micros(s: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|d| d.timestamp_micros())
}
