//! Input files: discovery and decompression.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::error::IngestError;

/// One input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// The file.
    pub path: PathBuf,
    /// Size on disk (compressed size for `.zst`).
    pub bytes: u64,
}

fn is_record_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let name = name.strip_suffix(".zst").unwrap_or(name);
    name.ends_with(".ndjson") || name.ends_with(".jsonl")
}

/// Expands files and directories (recursively, sorted by path for a reproducible order) into
/// the record files to read.
pub fn collect_inputs(paths: &[PathBuf]) -> Result<Vec<Input>, IngestError> {
    let mut out = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|source| IngestError::Io {
            path: path.clone(),
            source,
        })?;
        if meta.is_dir() {
            let found = files_under(path, is_record_file)?;
            if found.is_empty() {
                return Err(IngestError::NoInput(path.display().to_string()));
            }
            for file in found {
                let bytes = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
                out.push(Input { path: file, bytes });
            }
        } else if is_record_file(path) {
            out.push(Input {
                path: path.clone(),
                bytes: meta.len(),
            });
        } else {
            return Err(IngestError::UnsupportedInput { path: path.clone() });
        }
    }
    Ok(out)
}

/// The files under `dir` (recursively, through symbolic links) that `keep` accepts, sorted
/// by path so that a run reads them in a reproducible order. The one directory walker of
/// indexing and importing.
pub(crate) fn files_under(
    dir: &Path,
    keep: impl Fn(&Path) -> bool,
) -> Result<Vec<PathBuf>, IngestError> {
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(dir).follow_links(true) {
        let entry = entry.map_err(|error| IngestError::Io {
            path: error.path().unwrap_or(dir).to_path_buf(),
            source: error.into(),
        })?;
        if entry.file_type().is_file() && keep(entry.path()) {
            found.push(entry.into_path());
        }
    }
    found.sort();
    Ok(found)
}

/// Counts bytes read from the underlying file (for progress by compressed size).
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Opens an input for line reading, decompressing `.zst`; `read_bytes` counts the bytes read
/// from disk.
pub fn open_input(path: &Path, read_bytes: Arc<AtomicU64>) -> io::Result<Box<dyn BufRead + Send>> {
    let file = Counting {
        inner: File::open(path)?,
        count: read_bytes,
    };
    if path.extension().is_some_and(|e| e == "zst") {
        Ok(Box::new(BufReader::with_capacity(
            1 << 16,
            zstd::stream::read::Decoder::new(file)?,
        )))
    } else {
        Ok(Box::new(BufReader::with_capacity(1 << 16, file)))
    }
}

/// Creates `path` as an NDJSON output (zstd-compressed at `zstd_level` when the name ends in
/// `.zst`), lets `write` fill it and finishes the stream, so a failed final write is reported
/// rather than lost in a drop. `io_error` turns this function's own I/O errors into `E`.
pub fn write_output<T, E>(
    path: &Path,
    zstd_level: i32,
    io_error: impl Fn(io::Error) -> E,
    write: impl FnOnce(&mut dyn Write) -> Result<T, E>,
) -> Result<T, E> {
    let file = io::BufWriter::with_capacity(1 << 20, File::create(path).map_err(&io_error)?);
    if path.extension().is_some_and(|e| e == "zst") {
        let mut encoder = zstd::stream::write::Encoder::new(file, zstd_level).map_err(&io_error)?;
        let value = write(&mut encoder)?;
        encoder
            .finish()
            .and_then(|mut file| file.flush())
            .map_err(&io_error)?;
        Ok(value)
    } else {
        let mut file = file;
        let value = write(&mut file)?;
        file.flush().map_err(&io_error)?;
        Ok(value)
    }
}
