//! End-to-end tests: the real `newsmill` binary on real pages, Parquet read back.
//!
//! One test target links the dependency graph once. Tests that need `../shared`
//! (the corpora beside the checkout) are `#[ignore]`d so `cargo test` passes on a
//! fresh clone; `.ci/run` runs them with `--include-ignored`.

mod authors;
mod bad_input;
mod common;
mod corpus;
mod crawl;
mod dataset;
mod dedupe;
mod photo;
mod portal;
mod props;
mod seed;
mod server;
