//! An index directory: tantivy files plus `chaxin.json` with the analyzer settings.

use std::fs;
use std::path::{Path, PathBuf};

use chaxin_text::{register_tokenizers, Analyzer, AnalyzerSettings};
use serde::{Deserialize, Serialize};
use tantivy::Index;

use crate::error::IndexError;
use crate::schema::Fields;

/// File in the index directory recording how the index was built.
pub const META_FILE: &str = "chaxin.json";

/// Version of the schema; bumped when fields change in a way an old index cannot serve
/// (3: the `venue` and `applicant` facet fields).
const FORMAT_VERSION: u32 = 3;

/// Contents of `chaxin.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexMeta {
    /// Schema format version.
    pub format: u32,
    /// Analyzer settings every query against this index must use.
    pub analyzer: AnalyzerSettings,
}

/// An open chaxin index.
#[derive(Clone)]
pub struct ChaxinIndex {
    /// The tantivy index.
    pub index: Index,
    /// Its fields.
    pub fields: Fields,
    /// The analyzer it was built with (from `chaxin.json`).
    pub analyzer: Analyzer,
    /// Its `chaxin.json`.
    pub meta: IndexMeta,
    /// Its directory.
    pub path: PathBuf,
}

impl std::fmt::Debug for ChaxinIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChaxinIndex")
            .field("path", &self.path)
            .field("meta", &self.meta)
            .finish()
    }
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> IndexError + '_ {
    move |source| IndexError::Io {
        path: path.to_path_buf(),
        source,
    }
}

impl ChaxinIndex {
    /// True when `path` holds a complete chaxin index (both meta files present).
    pub fn exists(path: &Path) -> bool {
        path.join(META_FILE).is_file() && path.join("meta.json").is_file()
    }

    /// Creates a new, empty index in `path` (created if missing; must not hold an index).
    pub fn create(path: &Path, settings: AnalyzerSettings) -> Result<Self, IndexError> {
        fs::create_dir_all(path).map_err(io_err(path))?;
        let meta = IndexMeta {
            format: FORMAT_VERSION,
            analyzer: settings,
        };
        // chaxin.json first: a crash before tantivy's meta.json leaves a directory that
        // `exists` does not accept, and the next `create` simply starts over.
        let meta_path = path.join(META_FILE);
        let tmp = path.join(format!("{META_FILE}.tmp"));
        let json = serde_json::to_vec_pretty(&meta).map_err(|e| IndexError::BadMeta {
            path: meta_path.clone(),
            reason: e.to_string(),
        })?;
        fs::write(&tmp, json).map_err(io_err(&tmp))?;
        fs::rename(&tmp, &meta_path).map_err(io_err(&meta_path))?;
        let fields = Fields::new();
        let index = Index::create_in_dir(path, fields.schema.clone())?;
        Self::assemble(index, fields, meta, path)
    }

    /// Opens an existing index, checking its format and analyzer version.
    pub fn open(path: &Path) -> Result<Self, IndexError> {
        let meta_path = path.join(META_FILE);
        if !Self::exists(path) {
            return Err(IndexError::NotAnIndex {
                path: path.to_path_buf(),
                file: if meta_path.is_file() {
                    "meta.json"
                } else {
                    META_FILE
                },
            });
        }
        let bytes = fs::read(&meta_path).map_err(io_err(&meta_path))?;
        let meta: IndexMeta = serde_json::from_slice(&bytes).map_err(|e| IndexError::BadMeta {
            path: meta_path.clone(),
            reason: e.to_string(),
        })?;
        if meta.format != FORMAT_VERSION {
            return Err(IndexError::BadMeta {
                path: meta_path,
                reason: format!(
                    "index format {} but this build reads format {FORMAT_VERSION}: rebuild the index",
                    meta.format
                ),
            });
        }
        let index = Index::open_in_dir(path)?;
        let fields = Fields::new();
        if index.schema() != fields.schema {
            return Err(IndexError::BadMeta {
                path: path.to_path_buf(),
                reason: "index schema differs from this build's: rebuild the index".into(),
            });
        }
        Self::assemble(index, fields, meta, path)
    }

    /// Opens the index in `path`, creating it with `settings` when it does not exist.
    pub fn open_or_create(path: &Path, settings: AnalyzerSettings) -> Result<Self, IndexError> {
        if Self::exists(path) {
            Self::open(path)
        } else {
            Self::create(path, settings)
        }
    }

    fn assemble(
        index: Index,
        fields: Fields,
        meta: IndexMeta,
        path: &Path,
    ) -> Result<Self, IndexError> {
        let analyzer = Analyzer::new(&meta.analyzer)?;
        register_tokenizers(index.tokenizers(), &analyzer);
        Ok(Self {
            index,
            fields,
            analyzer,
            meta,
            path: path.to_path_buf(),
        })
    }

    /// Total size of the files in the index directory, in bytes.
    pub fn size_on_disk(&self) -> u64 {
        fs::read_dir(&self.path)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .filter_map(|e| e.metadata().ok())
                    .filter(|m| m.is_file())
                    .map(|m| m.len())
                    .sum()
            })
            .unwrap_or(0)
    }
}

/// Address of the live document with record id `id`, if any.
pub fn find_live_doc(
    searcher: &tantivy::Searcher,
    id_field: tantivy::schema::Field,
    id: &str,
) -> tantivy::Result<Option<tantivy::DocAddress>> {
    use tantivy::schema::IndexRecordOption;
    use tantivy::{DocSet, Term, TERMINATED};
    let term = Term::from_field_text(id_field, id);
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let inverted = segment.inverted_index(id_field)?;
        let Some(mut postings) = inverted.read_postings(&term, IndexRecordOption::Basic)? else {
            continue;
        };
        let mut doc = postings.doc();
        while doc != TERMINATED {
            if segment
                .alive_bitset()
                .is_none_or(|alive| alive.is_alive(doc))
            {
                return Ok(Some(tantivy::DocAddress::new(ord as u32, doc)));
            }
            doc = postings.advance();
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_then_open_keeps_settings() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("idx");
        assert!(!ChaxinIndex::exists(&path));
        let settings = AnalyzerSettings::with_user_dictionary("钕铁硼永磁\n").unwrap();
        ChaxinIndex::create(&path, settings.clone()).unwrap();
        assert!(ChaxinIndex::exists(&path));
        let opened = ChaxinIndex::open(&path).unwrap();
        assert_eq!(opened.meta.analyzer, settings);
    }

    #[test]
    fn open_refuses_a_non_index() {
        let dir = tempfile::tempdir().unwrap();
        let err = ChaxinIndex::open(dir.path()).unwrap_err();
        assert!(err.to_string().contains("not a chaxin index"), "{err}");
    }
}
