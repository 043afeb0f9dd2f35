//! Importing from a reader, a chunk of records at a time, so that an import body of any size
//! is never held whole: memory is bounded by [`CHUNK_BYTES`] plus one record (at most
//! [`MAX_LINE_BYTES`]).
//!
//! The text is cut only where a record starts (a format's start tag, a `<?xml` declaration,
//! a JSON line, a CSV row outside quotes), so each chunk reads exactly as it would inside the
//! whole file; errors keep the line numbers of the whole input.

use std::io::{BufRead, ErrorKind};

use super::{import_text, Format, Imported};
use crate::error::{IngestError, LineError};
use crate::pipeline::{read_line_bounded, MAX_LINE_BYTES};

/// Text handed to an importer at once (several records; a chunk ends at the first record
/// start past it).
pub const CHUNK_BYTES: usize = 1 << 20;

/// Reads `reader` (named `file` in errors) in `format` and hands each chunk's records and
/// rejections to `each`, in input order. A record longer than [`MAX_LINE_BYTES`] is rejected
/// (and skipped) without being held; text that is not UTF-8 stops the import with its line.
pub fn import_reader(
    format: Format,
    reader: &mut dyn BufRead,
    file: &str,
    each: &mut dyn FnMut(Imported) -> Result<(), IngestError>,
) -> Result<(), IngestError> {
    let io = |error| IngestError::Read {
        source_name: file.to_string(),
        error,
    };
    let csv = matches!(format, Format::Arxiv | Format::Patentsview);
    let mut chunk = Chunk::default();
    // CSV: the header row, repeated at the top of every chunk.
    let mut header: Option<String> = None;
    let mut header_done = !csv;
    let mut in_quotes = false;
    // A record too large to hold: skipped to the next record start.
    let mut skipping = false;
    let mut bytes = Vec::new();
    let mut number = 0u64;
    loop {
        bytes.clear();
        let Some(length) = read_line_bounded(reader, &mut bytes, MAX_LINE_BYTES).map_err(io)?
        else {
            break;
        };
        number += 1;
        if length > MAX_LINE_BYTES {
            bytes.clear();
        }
        let line = std::str::from_utf8(&bytes).map_err(|e| {
            io(std::io::Error::new(
                ErrorKind::InvalidData,
                format!(
                    "line {number} is not UTF-8 (byte {}); export as UTF-8 and retry",
                    e.valid_up_to() + 1
                ),
            ))
        })?;
        let line = if number == 1 {
            line.trim_start_matches('\u{feff}')
        } else {
            line
        };
        let starts = match format {
            Format::Csl | Format::Chinaxiv | Format::KppatentZh => true,
            Format::UsptoXml => line.trim_start().starts_with("<?xml"),
            Format::Refs(refs) => refs.starts_record(line),
            Format::Arxiv | Format::Patentsview => !in_quotes,
        };
        if csv && line.matches('"').count() % 2 == 1 {
            in_quotes = !in_quotes;
        }
        if !header_done {
            header.get_or_insert_with(String::new).push_str(line);
            header_done = !in_quotes;
            continue;
        }
        if starts {
            skipping = false;
            if chunk.text.len() >= CHUNK_BYTES {
                chunk.flush(format, header.as_deref(), file, each)?;
            }
            // This line starts the record whose size is checked below.
            chunk.record_start = chunk.text.len();
            chunk.record_bytes = 0;
            chunk.record_line = Some(number);
        }
        if skipping {
            continue;
        }
        if chunk.record_bytes + line.len() > MAX_LINE_BYTES || length > MAX_LINE_BYTES {
            // Drop the record being read (from its start) and say where it started.
            let started = chunk.record_line.unwrap_or(number);
            chunk.text.truncate(chunk.record_start);
            chunk.record_bytes = 0;
            chunk.record_line = None;
            chunk.rejected.push(LineError {
                file: file.to_string(),
                line: started,
                field: "-".into(),
                reason: format!("the record is longer than the limit of {MAX_LINE_BYTES} bytes"),
            });
            skipping = true;
            continue;
        }
        if chunk.text.is_empty() {
            chunk.first_line = number;
        }
        chunk.text.push_str(line);
        chunk.record_bytes += line.len();
    }
    chunk.flush(format, header.as_deref(), file, each)
}

/// The text being gathered, with where its last record starts.
#[derive(Default)]
struct Chunk {
    text: String,
    /// Line of the input where `text` starts.
    first_line: u64,
    /// Byte of `text` where the record being read starts, its size and its line.
    record_start: usize,
    record_bytes: usize,
    record_line: Option<u64>,
    /// Records dropped as too long, reported with the chunk.
    rejected: Vec<LineError>,
}

impl Chunk {
    fn flush(
        &mut self,
        format: Format,
        header: Option<&str>,
        file: &str,
        each: &mut dyn FnMut(Imported) -> Result<(), IngestError>,
    ) -> Result<(), IngestError> {
        let mut items: Imported = std::mem::take(&mut self.rejected)
            .into_iter()
            .map(Err)
            .collect();
        if !self.text.trim().is_empty() {
            // Lines of the importer's text that precede the chunk's first input line.
            let (text, before) = match header {
                Some(header) => (
                    format!("{header}{}", self.text),
                    header.matches('\n').count() as u64,
                ),
                None => (std::mem::take(&mut self.text), 0),
            };
            let offset = self.first_line.saturating_sub(1 + before);
            for mut item in import_text(format, &text, file) {
                if let Err(e) = &mut item {
                    // Line 0: a record-level validation error with no line.
                    if e.line > 0 {
                        e.line += offset;
                    }
                }
                items.push(item);
            }
        }
        self.text.clear();
        self.record_start = 0;
        self.record_bytes = 0;
        self.record_line = None;
        if items.is_empty() {
            return Ok(());
        }
        each(items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::RefFormat;

    /// Records and error lines of a streamed import with a small chunk size.
    fn streamed(format: Format, text: &str) -> (Vec<String>, Vec<u64>) {
        let mut ids = Vec::new();
        let mut lines = Vec::new();
        let mut reader = std::io::BufReader::with_capacity(7, text.as_bytes());
        import_reader(format, &mut reader, "body", &mut |items| {
            for item in items {
                match item {
                    Ok(r) => ids.push(r.display_title().to_string()),
                    Err(e) => lines.push(e.line),
                }
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
        (ids, lines)
    }

    fn whole(format: Format, text: &str) -> (Vec<String>, Vec<u64>) {
        let mut ids = Vec::new();
        let mut lines = Vec::new();
        for item in import_text(format, text, "body") {
            match item {
                Ok(r) => ids.push(r.display_title().to_string()),
                Err(e) => lines.push(e.line),
            }
        }
        (ids, lines)
    }

    #[test]
    fn streaming_reads_what_the_whole_text_reads() {
        let one = "TY  - JOUR\nTI  - 蓝田生物群\nAU  - 袁训来\nPY  - 2012\nER  - \n\n";
        let bad = "TY  - JOUR\nTI  - Bad date\nPY  - 20x9\nER  - \n";
        let mut ris = String::new();
        for i in 0..40_000 {
            ris.push_str(&one.replace("蓝田生物群", &format!("蓝田生物群 {i}")));
            if i % 997 == 0 {
                ris.push_str(bad);
            }
        }
        assert!(ris.len() > 2 * CHUNK_BYTES);
        let format = Format::Refs(RefFormat::Ris);
        assert_eq!(streamed(format, &ris), whole(format, &ris));
        let (ids, errors) = streamed(format, &ris);
        assert_eq!((ids.len(), errors.len()), (40_000, 41));

        let mut csv = String::from("patent_abstract,patent_date,patent_number,patent_title\n");
        for i in 0..30_000 {
            csv.push_str(&format!(
                "\"A wireless sensor patch,\nwith \"\"quotes\"\"\",2015-01-{:02},{},Sensor patch {i}\n",
                1 + i % 28,
                8_000_000 + i
            ));
        }
        csv.push_str("\"Bad date\",2015-13-01,9000001,Broken\n");
        assert!(csv.len() > 2 * CHUNK_BYTES);
        let (ids, errors) = streamed(Format::Patentsview, &csv);
        assert_eq!((ids, errors.clone()), whole(Format::Patentsview, &csv));
        assert_eq!(errors, vec![60_002]);
    }

    #[test]
    fn a_large_record_under_the_limit_does_not_count_against_the_next() {
        // The first record is 4 bytes under the limit; the next one's first line is longer.
        let first = "TY  - JOUR\nTI  - 大\nAB  - \nER  - \n".len();
        let big = "y".repeat(MAX_LINE_BYTES - 4 - first);
        let ris =
            format!("TY  - JOUR\nTI  - 大\nAB  - {big}\nER  - \nTY  - JOUR\nTI  - 次\nER  - \n");
        let (ids, errors) = streamed(Format::Refs(RefFormat::Ris), &ris);
        assert_eq!(
            (ids, errors),
            (vec!["大".to_string(), "次".to_string()], vec![])
        );
    }

    #[test]
    fn a_record_over_the_limit_is_rejected_without_being_held() {
        let huge = "x".repeat(MAX_LINE_BYTES / 4);
        let mut ris = String::from("TY  - JOUR\nTI  - 前\nER  - \nTY  - JOUR\nTI  - 大\n");
        for _ in 0..5 {
            ris.push_str(&format!("AB  - {huge}\n"));
        }
        ris.push_str("ER  - \nTY  - JOUR\nTI  - 后\nER  - \n");
        let (ids, errors) = streamed(Format::Refs(RefFormat::Ris), &ris);
        assert_eq!(ids, vec!["前", "后"]);
        assert_eq!(errors, vec![4]);
    }
}
