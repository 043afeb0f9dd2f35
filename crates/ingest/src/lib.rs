//! Bulk indexing of NDJSON records (plain or zstd) and importers from source formats.
//!
//! [`ingest`] reads records line by line, parses, validates and analyses them in parallel
//! (rayon), hands the documents to tantivy's writer and commits once at the end: either the
//! whole run becomes visible or, after a crash or `--strict` failure, none of it does.

#![warn(missing_docs)]

pub mod catalog;
mod error;
pub mod import;
mod input;
mod pipeline;
mod progress;
pub mod synthetic;

pub use error::{IngestError, LineError};
pub use input::{collect_inputs, open_input, write_output, Input};
pub use pipeline::{
    default_rejects_path, ingest, IngestOptions, IngestSummary, WriteSession, MAX_LINE_BYTES,
};
pub use progress::ProgressMode;
