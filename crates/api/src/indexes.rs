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

use crate::error::{ApiError, ErrorCode};

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
    pub name: String,
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
    pub name: String,
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
    pub fn path_of(&self, name: &str) -> Result<PathBuf, ApiError> {
        if let Some(why) = reserved(name) {
            return Err(ApiError::invalid_field(
                "name",
                format!("`{name}` cannot name an index: {why}"),
            ));
        }
        let valid = !name.is_empty()
            && name.chars().count() <= MAX_NAME_CHARS
            && !name.starts_with(['.', '-'])
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !valid {
            return Err(ApiError::invalid_field(
                "name",
                format!(
                    "`{name}` is not an index name: 1 to {MAX_NAME_CHARS} ASCII letters, digits, \
                     `-`, `_` or `.`, not starting with `.` or `-`"
                ),
            ));
        }
        Ok(self.root.join(name))
    }

    fn not_found(name: &str) -> ApiError {
        ApiError::new(ErrorCode::IndexNotFound, format!("no index named `{name}`"))
    }

    /// Opens index `name` for writing (the served one is shared, not reopened).
    pub fn open(&self, name: &str) -> Result<ChaxinIndex, ApiError> {
        let served = self.served();
        if served.name == name {
            return Ok(served.engine.index().clone());
        }
        let path = self.path_of(name)?;
        if !ChaxinIndex::exists(&path) {
            return Err(Self::not_found(name));
        }
        ChaxinIndex::open(&path).map_err(|e| ApiError::internal("opening an index", e))
    }

    /// The named indexes, by name.
    pub fn list(&self) -> Result<Vec<IndexInfo>, ApiError> {
        let served = self.served();
        let entries =
            std::fs::read_dir(&self.root).map_err(|e| ApiError::internal("listing indexes", e))?;
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
    pub fn create(&self, name: &str) -> Result<(), ApiError> {
        let path = self.path_of(name)?;
        if path.exists() {
            return Err(ApiError::new(
                ErrorCode::IndexExists,
                format!("an index (or file) named `{name}` exists"),
            ));
        }
        let settings = self.served().engine.index().meta.analyzer.clone();
        ChaxinIndex::create(&path, settings)
            .map(drop)
            .map_err(|e| ApiError::internal("creating an index", e))
    }

    /// Points `main` at index `name`; returns the previous one.
    pub fn switch(&self, name: &str) -> Result<String, ApiError> {
        let path = self.path_of(name)?;
        if !ChaxinIndex::exists(&path) {
            return Err(Self::not_found(name));
        }
        let index =
            ChaxinIndex::open(&path).map_err(|e| ApiError::internal("opening an index", e))?;
        let engine = SearchEngine::new(index, self.config.clone())
            .map_err(|e| ApiError::internal("opening an index", e))?;
        // Persist first: if this fails, nothing has switched.
        let saved = self.root.join(ALIASES_FILE);
        let temporary = self.root.join(format!(".{ALIASES_FILE}.tmp"));
        let json = serde_json::json!({ MAIN_ALIAS: name }).to_string();
        std::fs::write(&temporary, json)
            .and_then(|()| std::fs::File::open(&temporary)?.sync_all())
            .and_then(|()| std::fs::rename(&temporary, &saved))
            .map_err(|e| ApiError::internal("saving aliases", e))?;
        let previous = self.served.swap(Arc::new(Served {
            name: name.to_string(),
            engine: Arc::new(engine),
        }));
        tracing::info!("alias {MAIN_ALIAS}: {} → {name}", previous.name);
        Ok(previous.name.clone())
    }

    /// Deletes index `name` (not the served one).
    pub fn delete(&self, name: &str) -> Result<(), ApiError> {
        let path = self.path_of(name)?;
        if self.served().name == name {
            return Err(ApiError::new(
                ErrorCode::IndexInUse,
                format!("`{name}` is served as `{MAIN_ALIAS}`: switch the alias first"),
            ));
        }
        if !ChaxinIndex::exists(&path) {
            return Err(Self::not_found(name));
        }
        std::fs::remove_dir_all(&path).map_err(|e| ApiError::internal("deleting an index", e))
    }
}

/// `GET /v1/indexes`.
#[utoipa::path(get, path = "/v1/indexes", tag = "indexes", responses((status = 200, body = Vec<IndexInfo>)))]
pub(crate) async fn list(
    state: actix_web::web::Data<crate::AppState>,
) -> Result<actix_web::HttpResponse, ApiError> {
    let catalog = state.into_inner();
    let indexes = actix_web::web::block(move || catalog.catalog.list())
        .await
        .map_err(|e| ApiError::internal("worker pool", e))??;
    Ok(actix_web::HttpResponse::Ok().json(serde_json::json!({ "indexes": indexes })))
}

/// Body of `POST /v1/indexes`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct NewIndex {
    name: String,
}

/// `POST /v1/indexes`: `{"name": "…"}` creates an empty index.
#[utoipa::path(post, path = "/v1/indexes", tag = "indexes", request_body(content = String, content_type = "application/json", description = "`{\"name\": \"2026-11\"}`"), responses((status = 201, body = IndexInfo)))]
pub(crate) async fn create(
    req: actix_web::HttpRequest,
    payload: actix_web::web::Payload,
    state: actix_web::web::Data<crate::AppState>,
) -> Result<actix_web::HttpResponse, ApiError> {
    let limit = state.limits.max_body_bytes;
    let body: NewIndex =
        crate::routes::json_body(&req, payload, "{\"name\": \"2026-11\"}", limit).await?;
    let name = body.name.clone();
    crate::documents::exclusive(&state, move |state| state.catalog.create(&body.name)).await?;
    Ok(actix_web::HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/v1/indexes/{name}"),
        ))
        .json(serde_json::json!({ "name": name, "documents": 0, "served": false })))
}

/// `DELETE /v1/indexes/{name}`.
#[utoipa::path(delete, path = "/v1/indexes/{name}", tag = "indexes", params(("name" = String, Path)), responses((status = 200, description = "deleted")))]
pub(crate) async fn delete(
    path: actix_web::web::Path<String>,
    state: actix_web::web::Data<crate::AppState>,
) -> Result<actix_web::HttpResponse, ApiError> {
    let name = path.into_inner();
    let target = name.clone();
    crate::documents::exclusive(&state, move |state| state.catalog.delete(&target)).await?;
    Ok(
        actix_web::HttpResponse::Ok()
            .json(serde_json::json!({ "name": name, "result": "deleted" })),
    )
}

/// `GET /v1/aliases`.
#[utoipa::path(get, path = "/v1/aliases", tag = "indexes", responses((status = 200, description = "`{\"main\": \"<index>\"}`")))]
pub(crate) async fn aliases(
    state: actix_web::web::Data<crate::AppState>,
) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .json(serde_json::json!({ MAIN_ALIAS: state.catalog.served().name }))
}

/// Body of `POST /v1/aliases`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct AliasSwitch {
    alias: String,
    index: String,
}

/// `POST /v1/aliases`: `{"alias": "main", "index": "…"}` switches searches atomically.
#[utoipa::path(post, path = "/v1/aliases", tag = "indexes", request_body(content = String, content_type = "application/json", description = "`{\"alias\": \"main\", \"index\": \"2026-11\"}`"), responses((status = 200, description = "`{\"main\", \"previous\"}`")))]
pub(crate) async fn switch(
    req: actix_web::HttpRequest,
    payload: actix_web::web::Payload,
    state: actix_web::web::Data<crate::AppState>,
) -> Result<actix_web::HttpResponse, ApiError> {
    let limit = state.limits.max_body_bytes;
    let body: AliasSwitch = crate::routes::json_body(
        &req,
        payload,
        "{\"alias\": \"main\", \"index\": \"2026-11\"}",
        limit,
    )
    .await?;
    if body.alias != MAIN_ALIAS {
        return Err(ApiError::invalid_field(
            "alias",
            format!(
                "`{}`: the only alias is `{MAIN_ALIAS}` (what is served)",
                body.alias
            ),
        ));
    }
    let index = body.index.clone();
    // Under the write lock, so no write to the old index is half done when it switches.
    let previous =
        crate::documents::exclusive(&state, move |state| state.catalog.switch(&body.index)).await?;
    Ok(actix_web::HttpResponse::Ok()
        .json(serde_json::json!({ MAIN_ALIAS: index, "previous": previous })))
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
