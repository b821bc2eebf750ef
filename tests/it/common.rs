//! Helpers: run the binary, read a table back as JSON-like rows, normalise label text.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int32Type, Int64Type, TimestampMicrosecondType};
use arrow_array::{Array, ArrayRef};
use arrow_schema::DataType;
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
fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared")
}

/// Set to `1` (as `.ci/run` does) to make a missing corpus a failure instead of a skip.
pub const REQUIRE_CORPUS: &str = "NEWSMILL_REQUIRE_CORPUS";

/// The folder of corpus `name` in `../shared/corpus`, or `None` when it is not there.
///
/// The corpora are not part of the repository, so a plain clone must still pass
/// `cargo test -- --include-ignored`: a test that needs one says on stderr that it was
/// skipped and why, then returns. CI has the corpora; there a missing one means the
/// gate measured nothing, so `NEWSMILL_REQUIRE_CORPUS=1` turns the skip into a panic.
/// Every test that reads `../shared` goes through here.
pub fn corpus(name: &str) -> Option<PathBuf> {
    let dir = shared().join("corpus").join(name);
    if dir.is_dir() {
        return Some(dir);
    }
    let why = format!(
        "{} not found (the corpora sit beside the checkout as ../shared/corpus)",
        dir.display()
    );
    if std::env::var(REQUIRE_CORPUS).is_ok_and(|v| v == "1") {
        panic!("{REQUIRE_CORPUS}=1 but {why}");
    }
    // Straight to the process's stderr: the test harness would swallow `eprintln!` of a
    // passing test, and a skip must be seen.
    let _ = writeln!(
        std::io::stderr(),
        "skipped: {why}; set {REQUIRE_CORPUS}=1 to make this a failure"
    );
    None
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
        DataType::UInt64 => Value::from(
            col.as_primitive::<arrow_array::types::UInt64Type>()
                .value(row),
        ),
        DataType::Binary => Value::from(col.as_binary::<i32>().value(row).len()),
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

/// Label text and extracted text are compared after the same normalisation as `newsmill eval`.
pub fn norm(s: &str) -> String {
    newsmill::eval::norm(s)
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

/// The run manifests of a dataset, oldest first.
pub fn manifests(out: &Path) -> Vec<Value> {
    let mut files: Vec<_> = std::fs::read_dir(out.join("runs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap())
        .collect()
}

/// Asserts that a dataset holds only complete Parquet files (hidden temporaries aside).
pub fn assert_only_complete_files(out: &Path) {
    for table in newsmill::export::schema::TABLES {
        let Ok(entries) = std::fs::read_dir(out.join(table)) else {
            continue;
        };
        for e in entries {
            let name = e.unwrap().file_name().to_string_lossy().to_string();
            assert!(
                name.ends_with(".parquet") || name.starts_with('.'),
                "left behind: {table}/{name}"
            );
        }
    }
}

/// Every file under `dir`, as paths relative to it, sorted.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap_or(&p).to_path_buf());
            }
        }
    }
    out.sort();
    out
}
