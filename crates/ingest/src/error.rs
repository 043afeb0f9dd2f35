//! Ingest errors.

use std::path::PathBuf;

use serde::Serialize;

/// A rejected input line: where (`file:line`), which field and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{file}:{line}: field `{field}`: {reason}")]
pub struct LineError {
    /// The input file (`body` for an upload).
    pub file: String,
    /// The 1-based line (0: the record of a file without lines).
    pub line: u64,
    /// JSON path of the field at fault (`-`: the line as a whole).
    pub field: String,
    /// Why it is rejected.
    pub reason: String,
}

/// Errors that stop an ingest run (nothing of the run is committed).
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// An input file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Reading a stream (an upload) failed; nothing of the session was committed.
    #[error("reading {source_name}: {error}")]
    Read {
        /// The stream (`body`).
        source_name: String,
        /// Why.
        error: std::io::Error,
    },
    /// A line was rejected in strict mode; nothing was committed.
    #[error("{0} (--strict: nothing was committed)")]
    Strict(LineError),
    /// No input file was found under these paths.
    #[error("no input files found in {0}")]
    NoInput(String),
    /// A file that is not a record file (`.ndjson`, `.jsonl`, optionally `.zst`).
    #[error("{path}: not a supported input (expected .ndjson, .jsonl, optionally .zst)")]
    UnsupportedInput {
        /// The file.
        path: PathBuf,
    },
    /// The index could not be opened or created.
    #[error(transparent)]
    Index(#[from] chaxin_index::IndexError),
    /// tantivy failed.
    #[error("tantivy: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
}
