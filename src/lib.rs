//! newsmill: news portals in, clean and deduplicated Parquet datasets out.
//!
//! The pipeline is a chain of stages, each in its own module and each with one record
//! type in and one out (see [`record`]): [`sources`] (and later fetch) produce raw
//! pages, [`parse`] reads them into documents, [`normalise`] cleans them into articles,
//! [`people`] finds who took part, [`dedupe`] drops repeats and [`export`] writes
//! Parquet. [`pipeline`] wires them with bounded channels; [`cli`] only parses flags.

pub mod alloc;
pub mod batch;
pub mod cli;
pub mod config;
pub mod crawl;
pub mod dedupe;
pub mod drift;
pub mod error;
pub mod eval;
pub mod export;
pub mod inspect;
pub mod normalise;
pub mod parse;
pub mod people;
pub mod pipeline;
pub mod record;
pub mod report;
pub mod select;
pub mod shard;
pub mod sources;
pub mod store;
pub mod wordlist;
