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
use tantivy::{IndexWriter, ReloadPolicy, Searcher, Term};

use crate::error::{IngestError, LineError};
use crate::input::{open_input, Input};
use crate::progress::{Progress, ProgressMode};

/// A line longer than this is rejected without being parsed.
pub const MAX_LINE_BYTES: usize = 16 << 20;
/// Default [`IngestOptions::batch_bytes`].
pub const BATCH_BYTES: usize = 4 << 20;

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
    /// Most bytes of text in one batch (a longer line makes a batch alone): analysed records
    /// take several times their text in memory, so this, not `batch_size`, bounds an
    /// ingest's memory when lines are long.
    pub batch_bytes: usize,
    /// How progress is shown.
    pub progress: ProgressMode,
    /// Rejections kept in [`IngestSummary::first_errors`].
    pub max_reported_errors: usize,
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
            batch_bytes: BATCH_BYTES,
            progress: ProgressMode::Silent,
            max_reported_errors: 20,
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
    /// Records deleted.
    pub deleted: u64,
    /// Non-empty lines read.
    pub lines: u64,
    /// Uncompressed bytes of the lines read.
    pub input_bytes: u64,
    /// Wall-clock seconds of the run.
    pub elapsed_secs: f64,
    /// Records indexed per second.
    pub docs_per_sec: f64,
    /// The rejects file, when lines were rejected and one was asked for.
    pub rejects_file: Option<PathBuf>,
    /// The first rejections (at most [`IngestOptions::max_reported_errors`]).
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
    let mut session = WriteSession::open(index, options)?;
    let total_bytes = inputs.iter().map(|i| i.bytes).sum();
    let read_bytes = Arc::new(AtomicU64::new(0));
    let mut progress = Progress::new(options.progress, total_bytes);
    for input in inputs {
        let io = |source| IngestError::Io {
            path: input.path.clone(),
            source,
        };
        let mut reader = open_input(&input.path, read_bytes.clone()).map_err(io)?;
        let added = session.add_ndjson(
            &input.path.display().to_string(),
            &mut *reader,
            &mut |summary| {
                progress.update(
                    read_bytes.load(Ordering::Relaxed),
                    summary.indexed + summary.replaced,
                    summary.rejected,
                )
            },
        );
        if let Err(e) = added {
            progress.finish();
            return Err(e);
        }
    }
    progress.finish();
    session.commit()
}

/// One write to an index: records added, replaced and deleted through a single tantivy writer,
/// visible to nobody until [`WriteSession::commit`]. Dropped without a commit, it leaves the
/// index as it was (tantivy discards uncommitted documents, also after a crash).
///
/// Invariant: a session holds the index's writer lock, so writes to one index are serialised
/// (another writer, in this process or another, gets [`IngestError::Tantivy`] `LockBusy`).
pub struct WriteSession<'a> {
    index: &'a ChaxinIndex,
    writer: IndexWriter<IndexDocument>,
    /// The index as committed when the session opened (to tell new ids from replaced ones).
    searcher: Searcher,
    options: IngestOptions,
    rejects: Rejects,
    summary: IngestSummary,
    /// Ids added in this session.
    seen: HashSet<String>,
    started: Instant,
}

impl<'a> WriteSession<'a> {
    /// Takes the index's writer.
    pub fn open(index: &'a ChaxinIndex, options: &IngestOptions) -> Result<Self, IngestError> {
        let writer = index
            .index
            .writer_with_num_threads(options.writer_threads.max(1), options.writer_memory)?;
        let reader = index
            .index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Self {
            index,
            writer,
            searcher: reader.searcher(),
            options: options.clone(),
            rejects: Rejects {
                path: options.rejects.clone(),
                out: None,
            },
            summary: IngestSummary::default(),
            seen: HashSet::new(),
            started: Instant::now(),
        })
    }

    /// What the session did so far.
    pub fn summary(&self) -> &IngestSummary {
        &self.summary
    }

    /// Reads NDJSON records from `reader` (called `source` in line errors) and adds the valid
    /// ones; `on_batch` sees the summary after every batch. With `strict`, the first bad line
    /// is returned as [`IngestError::Strict`] (the caller then drops the session).
    pub fn add_ndjson(
        &mut self,
        source: &str,
        reader: &mut dyn BufRead,
        on_batch: &mut dyn FnMut(&IngestSummary),
    ) -> Result<(), IngestError> {
        let io = |error| IngestError::Read {
            source_name: source.to_string(),
            error,
        };
        let mut line_number = 0u64;
        let mut pending = None;
        loop {
            let limits = (self.options.batch_size, self.options.batch_bytes);
            let batch = read_batch(reader, &mut line_number, limits, &mut pending).map_err(io)?;
            if batch.is_empty() {
                return Ok(());
            }
            let (index, fields) = (self.index, &self.index.fields);
            let analysed: Vec<Result<(Record, IndexDocument), RecordError>> = batch
                .par_iter()
                .map(|line| {
                    let text = line.text.as_ref().map_err(|reason| RecordError {
                        field: "-".into(),
                        reason: reason.clone(),
                    })?;
                    let record = Record::from_json(text)?;
                    let doc = to_document(fields, &index.analyzer, &record);
                    Ok((record, doc))
                })
                .collect();
            for (line, result) in batch.iter().zip(analysed) {
                self.summary.lines += 1;
                self.summary.input_bytes += line.text.as_ref().map_or(0, |t| t.len() as u64 + 1);
                match result {
                    Ok((record, doc)) => self.add_document(record.id, doc)?,
                    Err(err) => {
                        let error = LineError {
                            file: source.to_string(),
                            line: line.number,
                            field: err.field,
                            reason: err.reason,
                        };
                        self.reject(error, line.text.as_deref().unwrap_or(""))?;
                    }
                }
            }
            // Tests wait for this line to know that a run is under way and nothing of it is
            // committed yet.
            tracing::debug!(lines = self.summary.lines, "batch added, not committed");
            on_batch(&self.summary);
        }
    }

    /// Counts a rejected input (and writes it to the rejects file); an error when strict.
    fn reject(&mut self, error: LineError, text: &str) -> Result<(), IngestError> {
        if self.options.strict {
            return Err(IngestError::Strict(error));
        }
        tracing::debug!("rejected {error}");
        self.rejects.write(&error, text)?;
        self.summary.rejected += 1;
        if self.summary.first_errors.len() < self.options.max_reported_errors {
            self.summary.first_errors.push(error);
        }
        Ok(())
    }

    /// Adds what an importer read (one "line" per record): records are indexed, rejections
    /// counted as rejected lines.
    pub fn add_imported(&mut self, items: crate::import::Imported) -> Result<(), IngestError> {
        for item in items {
            self.summary.lines += 1;
            match item {
                Ok(record) => {
                    self.add_record(record)?;
                }
                Err(error) => self.reject(error, "")?,
            }
        }
        Ok(())
    }

    /// Adds one validated record; returns whether it replaced one with the same id.
    pub fn add_record(&mut self, record: Record) -> Result<bool, IngestError> {
        let doc = to_document(&self.index.fields, &self.index.analyzer, &record);
        let before = self.summary.replaced;
        self.add_document(record.id, doc)?;
        Ok(self.summary.replaced > before)
    }

    /// Deletes the record `id`; returns whether there was one.
    pub fn delete(&mut self, id: &str) -> Result<bool, IngestError> {
        if !self.exists(id)? {
            return Ok(false);
        }
        self.writer
            .delete_term(Term::from_field_text(self.index.fields.id, id));
        self.seen.remove(id);
        self.summary.deleted += 1;
        Ok(true)
    }

    fn exists(&self, id: &str) -> Result<bool, IngestError> {
        Ok(self.seen.contains(id)
            || find_live_doc(&self.searcher, self.index.fields.id, id)?.is_some())
    }

    fn add_document(&mut self, id: String, doc: IndexDocument) -> Result<(), IngestError> {
        if self.exists(&id)? {
            self.writer
                .delete_term(Term::from_field_text(self.index.fields.id, &id));
            self.summary.replaced += 1;
        } else {
            self.summary.indexed += 1;
            self.seen.insert(id);
        }
        self.writer.add_document(doc)?;
        Ok(())
    }

    /// Commits: everything added and deleted becomes durable and visible to new readers.
    pub fn commit(mut self) -> Result<IngestSummary, IngestError> {
        self.writer.commit()?;
        self.writer.wait_merging_threads()?;
        let mut summary = self.summary;
        summary.rejects_file = self.rejects.finish()?;
        summary.elapsed_secs = self.started.elapsed().as_secs_f64();
        summary.docs_per_sec =
            (summary.indexed + summary.replaced) as f64 / summary.elapsed_secs.max(1e-9);
        Ok(summary)
    }
}

/// Reads up to `max` non-blank lines and `max_bytes` of text (`pending`, a line read past
/// the byte limit, starts the next batch; a longer line makes a batch alone). Lines that are
/// not UTF-8 or are too long are returned as errors so they are reported with their line
/// number; a too long line is skipped without being held in memory.
fn read_batch(
    reader: &mut dyn BufRead,
    line_number: &mut u64,
    (max, max_bytes): (usize, usize),
    pending: &mut Option<Line>,
) -> std::io::Result<Vec<Line>> {
    let mut batch = Vec::with_capacity(max.min(4096));
    let mut bytes = 0;
    let size = |line: &Line| line.text.as_ref().map_or(0, String::len);
    if let Some(line) = pending.take() {
        bytes += size(&line);
        batch.push(line);
    }
    let mut buf = Vec::new();
    while batch.len() < max && bytes < max_bytes {
        buf.clear();
        let Some(length) = read_line_bounded(reader, &mut buf, MAX_LINE_BYTES)? else {
            break;
        };
        *line_number += 1;
        if length > MAX_LINE_BYTES {
            batch.push(Line {
                number: *line_number,
                text: Err(format!(
                    "line is {length} bytes, more than the limit of {MAX_LINE_BYTES}"
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
        let line = Line {
            number: *line_number,
            text: Ok(text.to_string()),
        };
        if !batch.is_empty() && bytes + size(&line) > max_bytes {
            *pending = Some(line);
            break;
        }
        bytes += size(&line);
        batch.push(line);
    }
    Ok(batch)
}

/// Reads one line (through `\n`) into `buf`, keeping at most `limit + 1` bytes of it; returns
/// its full length, or `None` at the end of the input.
pub(crate) fn read_line_bounded(
    reader: &mut dyn BufRead,
    buf: &mut Vec<u8>,
    limit: usize,
) -> std::io::Result<Option<usize>> {
    let mut length = 0;
    loop {
        let available = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok((length > 0).then_some(length));
        }
        let (chunk, done) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (&available[..=i], true),
            None => (available, false),
        };
        let keep = chunk.len().min((limit + 1).saturating_sub(buf.len()));
        buf.extend_from_slice(&chunk[..keep]);
        length += chunk.len();
        let consumed = chunk.len();
        reader.consume(consumed);
        if done {
            return Ok(Some(length));
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_read_whole_or_cut_at_the_limit_and_numbered() {
        let input = format!(
            "{{\"id\": \"a\"}}\n\n{}\n\u{feff}{{\"id\": \"b\"}}",
            "x".repeat(50)
        );
        let mut reader = std::io::BufReader::with_capacity(8, input.as_bytes());
        let mut buf = Vec::new();
        // A long line keeps at most limit + 1 bytes but reports its full length.
        assert_eq!(
            read_line_bounded(&mut reader, &mut buf, 20).ok(),
            Some(Some(12))
        );
        buf.clear();
        assert_eq!(
            read_line_bounded(&mut reader, &mut buf, 20).ok(),
            Some(Some(1))
        );
        buf.clear();
        assert_eq!(
            read_line_bounded(&mut reader, &mut buf, 20).ok(),
            Some(Some(51))
        );
        assert_eq!(buf.len(), 21);
        buf.clear();
        assert_eq!(
            read_line_bounded(&mut reader, &mut buf, 20).ok(),
            Some(Some(14))
        );
        buf.clear();
        assert_eq!(
            read_line_bounded(&mut reader, &mut buf, 20).ok(),
            Some(None)
        );

        let mut line = 0;
        let batch = read_batch(
            &mut input.as_bytes(),
            &mut line,
            (10, usize::MAX),
            &mut None,
        )
        .unwrap_or_default();
        let numbers: Vec<u64> = batch.iter().map(|l| l.number).collect();
        assert_eq!(
            numbers,
            [1, 3, 4],
            "blank lines are skipped, not renumbered"
        );
        assert_eq!(batch[2].text.as_deref().ok(), Some("{\"id\": \"b\"}"));
    }
}

/// Property tests of the NDJSON reader: any bytes are read without panicking, every non-blank
/// line comes out once, numbered by its position, as text or as a reason.
#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn any_bytes_read_as_numbered_lines(bytes in prop::collection::vec(any::<u8>(), 0..600), batch in 1usize..8, batch_bytes in 1usize..64) {
            let lines = bytes.split(|&b| b == b'\n').count();
            let mut reader = std::io::BufReader::with_capacity(7, bytes.as_slice());
            let mut number = 0;
            let mut seen = Vec::new();
            let mut pending = None;
            loop {
                let got = read_batch(&mut reader, &mut number, (batch, batch_bytes), &mut pending);
                prop_assert!(got.is_ok());
                let got = got.unwrap_or_default();
                if got.is_empty() {
                    break;
                }
                // Over the byte limit only when one line is longer than it.
                let text: usize = got.iter().map(|l| l.text.as_ref().map_or(0, String::len)).sum();
                prop_assert!(got.len() == 1 || text <= batch_bytes, "{} bytes in {}", text, got.len());
                for line in got {
                    prop_assert!(line.number as usize <= lines);
                    if let Ok(text) = &line.text {
                        prop_assert!(!text.trim().is_empty());
                        // Whatever the line, parsing it is an answer, never a panic.
                        let _ = Record::from_json(text);
                    }
                    seen.push(line.number);
                }
            }
            prop_assert!(seen.windows(2).all(|w| w[0] < w[1]), "{:?}", seen);
        }

        #[test]
        fn json_like_lines_get_a_record_or_a_field_error(line in "\\{(\"[a-z_]{1,9}\": ?(\"\\PC{0,12}\"|[0-9]{1,4}|null|\\[\\]|\\{\\}), ?){0,4}\"id\": ?\"[a-z0-9-]{0,8}\"\\}") {
            match Record::from_json(&line) {
                Ok(record) => prop_assert!(!record.id.is_empty()),
                Err(e) => prop_assert!(!e.field.is_empty() && !e.reason.is_empty(), "{:?}", e),
            }
        }
    }
}
