//! End-to-end tests: the real `newsmill` binary on real pages, Parquet read back.
//!
//! One test target links the dependency graph once. Tests that need `../shared`
//! (the corpora beside the checkout) are `#[ignore]`d and find their corpus through
//! `common::corpus`, which skips them with a note when it is absent, so
//! `cargo test -- --include-ignored` passes on a plain clone; `.ci/run` sets
//! `NEWSMILL_REQUIRE_CORPUS=1` so that there a missing corpus fails.

mod authors;
mod bad_input;
mod batch;
mod common;
mod corpus;
mod crawl;
mod dataset;
mod dedupe;
mod deploy;
mod drift;
mod export;
mod photo;
mod portal;
mod props;
mod report;
mod seed;
mod server;
mod shard;
mod slurm;
mod store;
