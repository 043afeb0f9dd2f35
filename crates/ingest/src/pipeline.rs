//! The ingest pipeline: lines → (rayon) records and documents → tantivy writer → one commit.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use chaxin_index::{find_live_doc, to_document, ChaxinIndex, IndexDocument, Record, RecordError};
use rayon::prelude::*;
use serde::Serialize;
use tantivy::{IndexWriter, ReloadPolicy, Term};

use crate::error::{IngestError, LineError};
use crate::input::{open_input, Input};
use crate::progress::{Progress, ProgressMode};

/// A line longer than this is rejected without being parsed.
pub const MAX_LINE_BYTES: usize = 16 << 20;

/// Options of an ingest run.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// Stop at the first bad line and commit nothing.
    pub strict: bool,
    /// Where rejected lines go (NDJSON: file, line, field, reason, record); `None`: nowhere.
    pub rejects: Option<PathBuf>,
    /// tantivy indexing threads.
    pub writer_threads: usize,
    /// tantivy writer memory budget in bytes (shared by its threads).
    pub writer_memory: usize,
    /// Lines parsed and analysed together in parallel.
    pub batch_size: usize,
    pub progress: ProgressMode,
}

impl Default for IngestOptions {
    fn default() -> Self {
        let threads = std::thread::available_parallelism()
            .map_or(2, |n| n.get())
            .min(8);
        Self {
            strict: false,
            rejects: None,
            writer_threads: threads,
            writer_memory: 512 << 20,
            batch_size: 2048,
            progress: ProgressMode::Silent,
        }
    }
}

/// What an ingest run did.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct IngestSummary {
    /// Records whose id was new.
    pub indexed: u64,
    /// Records that replaced one with the same id (already indexed, or earlier in this run).
    pub replaced: u64,
    /// Lines rejected.
    pub rejected: u64,
    /// Non-empty lines read.
    pub lines: u64,
    /// Uncompressed bytes of the lines read.
    pub input_bytes: u64,
    pub elapsed_secs: f64,
    pub docs_per_sec: f64,
    /// The rejects file, when lines were rejected and one was asked for.
    pub rejects_file: Option<PathBuf>,
    /// The first rejections (at most 20), for the closing summary.
    pub first_errors: Vec<LineError>,
}

struct Line {
    number: u64,
    text: Result<String, String>,
}

/// Writes rejected lines, opening the file on the first one.
struct Rejects {
    path: Option<PathBuf>,
    out: Option<BufWriter<File>>,
}

impl Rejects {
    fn write(&mut self, error: &LineError, raw: &str) -> Result<(), IngestError> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let io = |source| IngestError::Io {
            path: path.clone(),
            source,
        };
        if self.out.is_none() {
            self.out = Some(BufWriter::new(File::create(path).map_err(io)?));
        }
        #[derive(Serialize)]
        struct Rejected<'a> {
            #[serde(flatten)]
            error: &'a LineError,
            record: &'a str,
        }
        if let Some(out) = &mut self.out {
            let json = serde_json::to_string(&Rejected { error, record: raw })
                .unwrap_or_else(|_| "{}".to_string());
            writeln!(out, "{json}").map_err(io)?;
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<Option<PathBuf>, IngestError> {
        match (&mut self.out, &self.path) {
            (Some(out), Some(path)) => {
                out.flush().map_err(|source| IngestError::Io {
                    path: path.clone(),
                    source,
                })?;
                Ok(Some(path.clone()))
            }
            _ => Ok(None),
        }
    }
}

/// Indexes every record of `inputs` into `index` and commits once.
///
/// Bad lines are skipped and reported (or, with `strict`, stop the run before anything is
/// committed). A record whose id is already indexed, or appeared earlier in the run, replaces
/// the earlier one.
pub fn ingest(
    index: &ChaxinIndex,
    inputs: &[Input],
    options: &IngestOptions,
) -> Result<IngestSummary, IngestError> {
    let started = Instant::now();
    let mut writer: IndexWriter<IndexDocument> = index
        .index
        .writer_with_num_threads(options.writer_threads.max(1), options.writer_memory)?;
    let reader = index
        .index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    let searcher = reader.searcher();
    let total_bytes = inputs.iter().map(|i| i.bytes).sum();
    let read_bytes = Arc::new(AtomicU64::new(0));
    let mut progress = Progress::new(options.progress, total_bytes);
    let mut rejects = Rejects {
        path: options.rejects.clone(),
        out: None,
    };
    let mut summary = IngestSummary::default();
    let mut seen: HashSet<String> = HashSet::new();

    for input in inputs {
        let file_name = input.path.display().to_string();
        let io = |source| IngestError::Io {
            path: input.path.clone(),
            source,
        };
        let mut reader = open_input(&input.path, read_bytes.clone()).map_err(io)?;
        let mut line_number = 0u64;
        loop {
            let batch =
                read_batch(&mut reader, &mut line_number, options.batch_size).map_err(io)?;
            if batch.is_empty() {
                break;
            }
            let analysed: Vec<Result<(Record, IndexDocument), RecordError>> = batch
                .par_iter()
                .map(|line| {
                    let text = line.text.as_ref().map_err(|reason| RecordError {
                        field: "-".into(),
                        reason: reason.clone(),
                    })?;
                    let record = Record::from_json(text)?;
                    let doc = to_document(&index.fields, &index.analyzer, &record);
                    Ok((record, doc))
                })
                .collect();
            for (line, result) in batch.iter().zip(analysed) {
                summary.lines += 1;
                summary.input_bytes += line.text.as_ref().map_or(0, |t| t.len() as u64 + 1);
                match result {
                    Ok((record, doc)) => {
                        let existed = seen.contains(&record.id)
                            || find_live_doc(&searcher, index.fields.id, &record.id)?.is_some();
                        if existed {
                            writer.delete_term(Term::from_field_text(index.fields.id, &record.id));
                            summary.replaced += 1;
                        } else {
                            summary.indexed += 1;
                            seen.insert(record.id);
                        }
                        writer.add_document(doc)?;
                    }
                    Err(err) => {
                        let error = LineError {
                            file: file_name.clone(),
                            line: line.number,
                            field: err.field,
                            reason: err.reason,
                        };
                        if options.strict {
                            progress.finish();
                            writer.rollback()?;
                            return Err(IngestError::Strict(error));
                        }
                        tracing::debug!("rejected {error}");
                        let raw = line.text.as_deref().unwrap_or("");
                        rejects.write(&error, raw)?;
                        summary.rejected += 1;
                        if summary.first_errors.len() < 20 {
                            summary.first_errors.push(error);
                        }
                    }
                }
            }
            progress.update(
                read_bytes.load(Ordering::Relaxed),
                summary.indexed + summary.replaced,
                summary.rejected,
            );
        }
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    progress.finish();
    summary.rejects_file = rejects.finish()?;
    summary.elapsed_secs = started.elapsed().as_secs_f64();
    summary.docs_per_sec =
        (summary.indexed + summary.replaced) as f64 / summary.elapsed_secs.max(1e-9);
    Ok(summary)
}

/// Reads up to `max` non-blank lines. Lines that are not UTF-8 or are too long are returned as
/// errors so they are reported with their line number.
fn read_batch(
    reader: &mut dyn BufRead,
    line_number: &mut u64,
    max: usize,
) -> std::io::Result<Vec<Line>> {
    let mut batch = Vec::with_capacity(max);
    let mut buf = Vec::new();
    while batch.len() < max {
        buf.clear();
        if reader.read_until(b'\n', &mut buf)? == 0 {
            break;
        }
        *line_number += 1;
        if buf.len() > MAX_LINE_BYTES {
            batch.push(Line {
                number: *line_number,
                text: Err(format!(
                    "line is {} bytes, more than the limit of {MAX_LINE_BYTES}",
                    buf.len()
                )),
            });
            continue;
        }
        let text = match std::str::from_utf8(&buf) {
            Ok(t) => t,
            Err(e) => {
                batch.push(Line {
                    number: *line_number,
                    text: Err(format!("invalid UTF-8 at byte {}", e.valid_up_to() + 1)),
                });
                continue;
            }
        };
        let text = text.trim_start_matches('\u{feff}').trim();
        if text.is_empty() {
            continue;
        }
        batch.push(Line {
            number: *line_number,
            text: Ok(text.to_string()),
        });
    }
    Ok(batch)
}

/// Default rejects file for an index directory: `<index>.rejects.ndjson` beside it.
pub fn default_rejects_path(index_dir: &Path) -> PathBuf {
    let mut name = index_dir
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_else(|| "index".into());
    name.push(".rejects.ndjson");
    index_dir.with_file_name(name)
}
