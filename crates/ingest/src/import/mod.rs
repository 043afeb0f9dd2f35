//! Importers: source formats → chaxin records.
//!
//! Each importer reads one file and yields records or errors located by line. `chaxin import`
//! writes the records as NDJSON (zstd when the output ends in `.zst`); `index-data/` is built
//! this way from `../shared/data/`.

mod arxiv;
mod chinaxiv;
mod csl;
mod kppatent;
mod patentsview;
mod refs;
mod stream;
mod uspto;
mod util;

use std::path::{Path, PathBuf};

use chaxin_index::Record;
pub use refs::{normalise_issue, RefFormat};
pub use stream::{import_reader, CHUNK_BYTES};

use crate::error::{IngestError, LineError};
use crate::input::write_output;

/// A source format `chaxin import` understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// CSL Chinese papers (JSON lines: id, title, abstract, keywords, discipline, category).
    Csl,
    /// arXiv metadata snapshot as CSV (Kaggle `arxiv-metadata` columns).
    Arxiv,
    /// PatentsView CSV (`patent_abstract, patent_date, patent_number, patent_title`).
    Patentsview,
    /// USPTO full-text XML: grants and applications (v4.x, 2005–), and 2001–2004
    /// `patent-application-publication` documents; bulk files with many documents too.
    UsptoXml,
    /// A reference-manager export (RIS, EndNote, RefWorks, NoteExpress, CNKI E-Study).
    Refs(RefFormat),
    /// ChinaXiv bilingual papers (JSON lines with `title_zh`/`title_en`, …, `chinaxiv_month`).
    Chinaxiv,
    /// KPPatent-ZH Chinese patent applications (JSON lines: id, title, abstract, claims,
    /// keyphrases, publication_number_from_ocr).
    KppatentZh,
}

impl Format {
    /// All formats with their command-line names.
    pub const ALL: [(&'static str, Format); 11] = [
        ("csl", Format::Csl),
        ("chinaxiv", Format::Chinaxiv),
        ("kppatent-zh", Format::KppatentZh),
        ("arxiv-csv", Format::Arxiv),
        ("patentsview-csv", Format::Patentsview),
        ("uspto-xml", Format::UsptoXml),
        ("ris", Format::Refs(RefFormat::Ris)),
        ("endnote", Format::Refs(RefFormat::EndNote)),
        ("refworks", Format::Refs(RefFormat::RefWorks)),
        ("noteexpress", Format::Refs(RefFormat::NoteExpress)),
        ("estudy", Format::Refs(RefFormat::EStudy)),
    ];

    /// The command-line name.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, f)| *f == self)
            .map_or("", |&(n, _)| n)
    }

    /// Parses a command-line name.
    pub fn parse(name: &str) -> Option<Format> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|&(_, f)| f)
    }

    fn accepts(self, path: &Path) -> bool {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default();
        match self {
            Format::Csl | Format::Chinaxiv | Format::KppatentZh => {
                matches!(ext, "jsonl" | "json" | "ndjson")
            }
            Format::Arxiv | Format::Patentsview => ext == "csv",
            Format::UsptoXml => ext.eq_ignore_ascii_case("xml"),
            Format::Refs(RefFormat::Ris) => matches!(ext, "ris" | "txt"),
            Format::Refs(RefFormat::EndNote) => matches!(ext, "enw" | "txt"),
            Format::Refs(RefFormat::RefWorks) => ext == "txt",
            Format::Refs(RefFormat::NoteExpress) => matches!(ext, "net" | "txt"),
            Format::Refs(RefFormat::EStudy) => matches!(ext, "eln" | "txt"),
        }
    }
}

/// Records and rejected entries of one input file.
pub type Imported = Vec<Result<Record, LineError>>;

/// Reads one file in `format`.
pub fn import_file(format: Format, path: &Path) -> Result<Imported, IngestError> {
    let text = std::fs::read_to_string(path).map_err(|source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(import_text(format, &text, &path.display().to_string()))
}

/// Reads the text of one input named `file` (in errors) in `format`.
pub fn import_text(format: Format, text: &str, file: &str) -> Imported {
    let file = file.to_string();
    let mut out = match format {
        Format::Csl => csl::import(text, &file),
        Format::Chinaxiv => chinaxiv::import(text, &file),
        Format::KppatentZh => kppatent::import(text, &file),
        Format::Arxiv => arxiv::import(text, &file),
        Format::Patentsview => patentsview::import(text, &file),
        Format::UsptoXml => uspto::import(text, &file),
        Format::Refs(refs) => refs::import(refs, text, &file),
    };
    // Every record goes through the same validation as an NDJSON line.
    for item in &mut out {
        if let Ok(record) = item {
            if let Err(err) = record.validate() {
                let id = record.id.clone();
                *item = Err(LineError {
                    file: file.clone(),
                    line: 0,
                    field: err.field,
                    reason: format!("record {id}: {}", err.reason),
                });
            }
        }
    }
    out
}

/// Expands inputs (files, or directories searched recursively for files of the format).
pub fn collect_files(format: Format, inputs: &[PathBuf]) -> Result<Vec<PathBuf>, IngestError> {
    let mut files = Vec::new();
    for input in inputs {
        if input.is_dir() {
            files.extend(crate::input::files_under(input, |p| format.accepts(p))?);
        } else if input.exists() {
            files.push(input.clone());
        } else {
            return Err(IngestError::Io {
                path: input.clone(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
            });
        }
    }
    if files.is_empty() {
        return Err(IngestError::NoInput(format!("{inputs:?}")));
    }
    Ok(files)
}

/// What an import run wrote.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    /// Records written.
    pub records: u64,
    /// Rejected records, each with its file and line.
    pub rejected: Vec<LineError>,
}

/// Imports every input and writes the records as NDJSON to `output` (zstd level 19 when it
/// ends in `.zst`), in input order.
pub fn import_to_ndjson(
    format: Format,
    inputs: &[PathBuf],
    output: &Path,
) -> Result<ImportSummary, IngestError> {
    let files = collect_files(format, inputs)?;
    let io = |source| IngestError::Io {
        path: output.to_path_buf(),
        source,
    };
    write_output(output, 19, io, |writer| {
        let mut summary = ImportSummary::default();
        for path in files {
            for item in import_file(format, &path)? {
                match item {
                    Ok(record) => {
                        let line = serde_json::to_string(&record).map_err(|e| io(e.into()))?;
                        writeln!(writer, "{line}").map_err(io)?;
                        summary.records += 1;
                    }
                    Err(err) => summary.rejected.push(err),
                }
            }
        }
        Ok(summary)
    })
}
