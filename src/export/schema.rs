//! The dataset's tables, declared up front and versioned.
//!
//! Schemas never come from the data: every run writes exactly these columns in this
//! order and with these types, so pyarrow, polars, duckdb and Spark read any number of
//! runs as one table. A change of columns bumps [`SCHEMA_VERSION`], which is stored in
//! each file's metadata and in the run manifest.

use std::collections::HashMap;
use std::sync::Arc;

use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};

/// Version of the table layout; bump on any column change.
pub const SCHEMA_VERSION: u32 = 4;

/// The tables of a dataset, each a folder under the output directory.
pub const TABLES: [&str; 5] = [
    "articles",
    "images",
    "participants",
    "duplicates",
    "rejects",
];

fn utf8(name: &str, nullable: bool) -> Field {
    Field::new(name, DataType::Utf8, nullable)
}

/// The element field of every list column.
pub fn list_item() -> Arc<Field> {
    Arc::new(Field::new("item", DataType::Utf8, true))
}

fn list(name: &str) -> Field {
    Field::new(name, DataType::List(list_item()), false)
}

/// UTC timestamps in microseconds, which every reader (Spark included) understands.
pub fn timestamp_type() -> DataType {
    DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
}

fn ts(name: &str, nullable: bool) -> Field {
    Field::new(name, timestamp_type(), nullable)
}

fn with_meta(fields: Vec<Field>, table: &str) -> SchemaRef {
    let meta = HashMap::from([
        ("newsmill.table".to_string(), table.to_string()),
        (
            "newsmill.schema_version".to_string(),
            SCHEMA_VERSION.to_string(),
        ),
    ]);
    Arc::new(Schema::new_with_metadata(fields, meta))
}

pub fn articles() -> SchemaRef {
    with_meta(
        vec![
            utf8("article_id", false),
            utf8("url", false),
            utf8("source", false),
            utf8("site", true),
            utf8("title", false),
            utf8("kind", false),
            utf8("lead", true),
            utf8("body", false),
            utf8("category", true),
            list("tags"),
            list("authors"),
            ts("published_at", true),
            utf8("published_text", true),
            ts("modified_at", true),
            utf8("date_source", true),
            utf8("language", true),
            Field::new("language_confidence", DataType::Float64, true),
            Field::new("word_count", DataType::Int32, false),
            Field::new("image_count", DataType::Int32, false),
            Field::new("participant_count", DataType::Int32, false),
            utf8("content_hash", false),
            utf8("charset", false),
            Field::new("html_bytes", DataType::Int64, false),
            ts("fetched_at", false),
            utf8("run_id", false),
        ],
        "articles",
    )
}

pub fn images() -> SchemaRef {
    with_meta(
        vec![
            utf8("article_id", false),
            Field::new("position", DataType::Int32, false),
            utf8("src", false),
            utf8("alt", true),
            utf8("caption", true),
            utf8("credit", true),
            utf8("run_id", false),
        ],
        "images",
    )
}

pub fn participants() -> SchemaRef {
    with_meta(
        vec![
            utf8("article_id", false),
            utf8("name", false),
            utf8("rank", true),
            list("titles"),
            list("other_titles"),
            utf8("role_group", true),
            Field::new("mentions", DataType::Int32, false),
            Field::new("first_offset", DataType::Int32, true),
            utf8("source", false),
            utf8("run_id", false),
        ],
        "participants",
    )
}

pub fn duplicates() -> SchemaRef {
    with_meta(
        vec![
            utf8("article_id", false),
            utf8("url", false),
            utf8("source", false),
            utf8("duplicate_of", false),
            utf8("method", false),
            Field::new("similarity", DataType::Float64, false),
            utf8("run_id", false),
        ],
        "duplicates",
    )
}

pub fn rejects() -> SchemaRef {
    with_meta(
        vec![
            utf8("source", false),
            utf8("stage", false),
            utf8("reason", false),
            utf8("detail", false),
            utf8("run_id", false),
        ],
        "rejects",
    )
}

/// What the dedupe stage keeps of each exported article (`signatures/<run_id>.parquet`):
/// hashes and the MinHash signature, never text, so that `newsmill dedupe` over a whole
/// dataset (or its stages on a scheduler) reads 1 KiB per article instead of signing
/// every body again. Not a table for readers: `inspect` and `export` leave it alone.
pub fn signatures() -> SchemaRef {
    let u64_list = |name: &str| {
        Field::new(
            name,
            DataType::List(Arc::new(Field::new("item", DataType::UInt64, false))),
            false,
        )
    };
    with_meta(
        vec![
            utf8("article_id", false),
            utf8("url", false),
            utf8("source", false),
            Field::new("url_hash", DataType::UInt64, true),
            u64_list("alias_hashes"),
            Field::new("body_hash", DataType::UInt64, false),
            ts("published_at", true),
            Field::new("origin_hash", DataType::UInt64, false),
            u64_list("band_keys"),
            // Little-endian u16 per position.
            Field::new("signature", DataType::Binary, false),
            utf8("run_id", false),
        ],
        "signatures",
    )
}

/// The schema of a table by name.
pub fn of(table: &str) -> Option<SchemaRef> {
    Some(match table {
        "signatures" => signatures(),
        "articles" => articles(),
        "images" => images(),
        "participants" => participants(),
        "duplicates" => duplicates(),
        "rejects" => rejects(),
        _ => return None,
    })
}

/// Columns whose values repeat across rows, worth a Parquet dictionary.
pub fn dictionary_columns(table: &str) -> &'static [&'static str] {
    match table {
        "articles" => &[
            "site",
            "kind",
            "category",
            "date_source",
            "language",
            "charset",
            "run_id",
        ],
        "images" => &["run_id"],
        "participants" => &["rank", "source", "run_id"],
        "duplicates" => &["method", "run_id"],
        "rejects" => &["stage", "reason", "run_id"],
        "signatures" => &["run_id"],
        _ => &[],
    }
}
