//! Named indexes and the `main` alias: a new index is built beside the served one (over HTTP or
//! with `chaxin index`), then searches switch to it in one atomic step.
//!
//! Invariants: the indexes are the sub-directories of one root; `main` always names an index
//! that opened, and is persisted in `<root>/aliases.json` (written to a temporary file, then
//! renamed) so a restart serves the same index. A request holds the engine it started with
//! until it ends, so a switch never fails a request: it only decides which index the next
//! requests read. The served index cannot be deleted.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arc_swap::ArcSwap;
use chaxin_index::ChaxinIndex;
use chaxin_query::{SearchConfig, SearchEngine};
use serde::Serialize;

/// Why the catalogue could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    /// `name` cannot name an index (`why` says which rule it breaks).
    #[error("{why}")]
    InvalidName {
        /// The name given.
        name: String,
        /// Why it is refused.
        why: String,
    },
    /// No index with that name.
    #[error("no index named `{0}`")]
    NotFound(String),
    /// An index, or a file, with that name exists.
    #[error("an index (or file) named `{0}` exists")]
    Exists(String),
    /// The index is the one served.
    #[error("`{0}` is served as `{MAIN_ALIAS}`: switch the alias first")]
    InUse(String),
    /// The file system failed while `doing` something.
    #[error("{doing}: {source}")]
    Io {
        /// What the catalogue was doing.
        doing: &'static str,
        /// Why it failed.
        source: std::io::Error,
    },
    /// An index would not open or be created.
    #[error("{doing}: {source}")]
    Index {
        /// What the catalogue was doing.
        doing: &'static str,
        /// Why it failed.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

fn index_error(doing: &'static str) -> impl Fn(chaxin_index::IndexError) -> CatalogError {
    move |e| CatalogError::Index {
        doing,
        source: Box::new(e),
    }
}

fn io_error(doing: &'static str) -> impl Fn(std::io::Error) -> CatalogError {
    move |source| CatalogError::Io { doing, source }
}

/// The alias that searches and writes without an index name use.
pub const MAIN_ALIAS: &str = "main";
const ALIASES_FILE: &str = "aliases.json";
/// Longest index name.
const MAX_NAME_CHARS: usize = 64;

/// Endings of the files the catalogue and the server keep beside the indexes: `aliases.json`
/// and its temporary copy, `<index>.building` (the first start's build), `<index>.rejects.ndjson`
/// and logs.
const RESERVED_ENDINGS: [&str; 5] = [".json", ".tmp", ".building", ".ndjson", ".log"];

/// Why `name` would collide with the alias or a file of the catalogue, if it would.
fn reserved(name: &str) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    if lower == MAIN_ALIAS {
        return Some(format!("`{MAIN_ALIAS}` is the alias, not an index"));
    }
    RESERVED_ENDINGS
        .iter()
        .find(|ending| lower.ends_with(*ending))
        .map(|ending| format!("names ending in `{ending}` are the catalogue's own files"))
}

/// The served index.
pub struct Served {
    /// The index's name.
    pub name: String,
    /// Its engine.
    pub engine: Arc<SearchEngine>,
}

/// The named indexes under one root and the one `main` points to.
pub struct Catalog {
    root: PathBuf,
    config: SearchConfig,
    served: ArcSwap<Served>,
}

/// One named index.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IndexInfo {
    /// The index's name.
    pub name: String,
    /// Live records in it.
    pub documents: u64,
    /// Whether `main` points to it.
    pub served: bool,
}

impl Catalog {
    /// A catalog serving `engine` (the index `name` under `root`).
    pub fn new(root: PathBuf, name: String, engine: Arc<SearchEngine>) -> Self {
        let config = engine.config().clone();
        Self {
            root,
            config,
            served: ArcSwap::from_pointee(Served { name, engine }),
        }
    }

    /// The index `aliases.json` under `root` says `main` points to, if any.
    pub fn saved_alias(root: &Path) -> Option<String> {
        let text = std::fs::read_to_string(root.join(ALIASES_FILE)).ok()?;
        let value: serde_json::Value = serde_json::from_str(&text).ok()?;
        value[MAIN_ALIAS].as_str().map(str::to_string)
    }

    /// The served index now (a request keeps it to its end).
    pub fn served(&self) -> Arc<Served> {
        self.served.load_full()
    }

    /// The served engine now.
    pub fn engine(&self) -> Arc<SearchEngine> {
        Arc::clone(&self.served.load().engine)
    }

    /// The directory of index `name`, after checking the name (see [`reserved`]).
    pub fn path_of(&self, name: &str) -> Result<PathBuf, CatalogError> {
        if let Some(why) = reserved(name) {
            return Err(CatalogError::InvalidName {
                name: name.to_string(),
                why: format!("`{name}` cannot name an index: {why}"),
            });
        }
        let valid = !name.is_empty()
            && name.chars().count() <= MAX_NAME_CHARS
            && !name.starts_with(['.', '-'])
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !valid {
            return Err(CatalogError::InvalidName {
                name: name.to_string(),
                why: format!(
                    "`{name}` is not an index name: 1 to {MAX_NAME_CHARS} ASCII letters, digits, \
                     `-`, `_` or `.`, not starting with `.` or `-`"
                ),
            });
        }
        Ok(self.root.join(name))
    }

    fn not_found(name: &str) -> CatalogError {
        CatalogError::NotFound(name.to_string())
    }

    /// Opens index `name` for writing (the served one is shared, not reopened).
    pub fn open(&self, name: &str) -> Result<ChaxinIndex, CatalogError> {
        let served = self.served();
        if served.name == name {
            return Ok(served.engine.index().clone());
        }
        let path = self.path_of(name)?;
        if !ChaxinIndex::exists(&path) {
            return Err(Self::not_found(name));
        }
        ChaxinIndex::open(&path).map_err(index_error("opening an index"))
    }

    /// The named indexes, by name.
    pub fn list(&self) -> Result<Vec<IndexInfo>, CatalogError> {
        let served = self.served();
        let entries = std::fs::read_dir(&self.root).map_err(io_error("listing indexes"))?;
        let mut out = Vec::new();
        for entry in entries.flatten() {
            let path = entry.path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            // The first start names its index after the directory (`data/index`), which the
            // reserved rule allows; anything reserved is a file of the catalogue.
            if !ChaxinIndex::exists(&path) || self.path_of(name).is_err() {
                continue;
            }
            let documents = if name == served.name {
                served.engine.num_docs()
            } else {
                ChaxinIndex::open(&path)
                    .ok()
                    .and_then(|i| i.index.reader().ok())
                    .map_or(0, |r| r.searcher().num_docs())
            };
            out.push(IndexInfo {
                name: name.to_string(),
                documents,
                served: name == served.name,
            });
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// Creates the empty index `name`, with the served index's analyzer settings.
    pub fn create(&self, name: &str) -> Result<(), CatalogError> {
        let path = self.path_of(name)?;
        if path.exists() {
            return Err(CatalogError::Exists(name.to_string()));
        }
        let settings = self.served().engine.index().meta.analyzer.clone();
        ChaxinIndex::create(&path, settings)
            .map(drop)
            .map_err(index_error("creating an index"))
    }

    /// Points `main` at index `name`; returns the previous one.
    pub fn switch(&self, name: &str) -> Result<String, CatalogError> {
        let path = self.path_of(name)?;
        if !ChaxinIndex::exists(&path) {
            return Err(Self::not_found(name));
        }
        let index = ChaxinIndex::open(&path).map_err(index_error("opening an index"))?;
        let engine =
            SearchEngine::new(index, self.config.clone()).map_err(|e| CatalogError::Index {
                doing: "opening an index",
                source: Box::new(e),
            })?;
        // Persist first: if this fails, nothing has switched.
        let saved = self.root.join(ALIASES_FILE);
        let temporary = self.root.join(format!(".{ALIASES_FILE}.tmp"));
        let json = serde_json::json!({ MAIN_ALIAS: name }).to_string();
        std::fs::write(&temporary, json)
            .and_then(|()| std::fs::File::open(&temporary)?.sync_all())
            .and_then(|()| std::fs::rename(&temporary, &saved))
            .map_err(io_error("saving aliases"))?;
        let previous = self.served.swap(Arc::new(Served {
            name: name.to_string(),
            engine: Arc::new(engine),
        }));
        tracing::info!("alias {MAIN_ALIAS}: {} → {name}", previous.name);
        Ok(previous.name.clone())
    }

    /// Deletes index `name` (not the served one).
    pub fn delete(&self, name: &str) -> Result<(), CatalogError> {
        let path = self.path_of(name)?;
        if self.served().name == name {
            return Err(CatalogError::InUse(name.to_string()));
        }
        if !ChaxinIndex::exists(&path) {
            return Err(Self::not_found(name));
        }
        std::fs::remove_dir_all(&path).map_err(io_error("deleting an index"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_alias_and_the_catalogue_files_are_not_index_names() {
        for name in [
            "main",
            "MAIN",
            "aliases.json",
            "Aliases.JSON",
            "index.building",
            "x.tmp",
            "index.rejects.ndjson",
            "serve.log",
        ] {
            assert!(reserved(name).is_some(), "{name}");
        }
        for name in ["index", "2026-11", "cnki_2026.11", "mainline", "json"] {
            assert_eq!(reserved(name), None, "{name}");
        }
    }
}
