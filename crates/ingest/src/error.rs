//! Ingest errors.

use std::path::PathBuf;

use serde::Serialize;

/// A rejected input line: where (`file:line`), which field and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{file}:{line}: field `{field}`: {reason}")]
pub struct LineError {
    pub file: String,
    pub line: u64,
    pub field: String,
    pub reason: String,
}

/// Errors that stop an ingest run (nothing of the run is committed).
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Reading a stream (an upload) failed; nothing of the session was committed.
    #[error("reading {source_name}: {error}")]
    Read {
        source_name: String,
        error: std::io::Error,
    },
    #[error("{0} (--strict: nothing was committed)")]
    Strict(LineError),
    #[error("no input files found in {0}")]
    NoInput(String),
    #[error("{path}: not a supported input (expected .ndjson, .jsonl, optionally .zst)")]
    UnsupportedInput { path: PathBuf },
    #[error(transparent)]
    Index(#[from] chaxin_index::IndexError),
    #[error("tantivy: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
}
