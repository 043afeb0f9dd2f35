//! Writes of records: `POST /v1/documents` (NDJSON or an export, streamed), `PUT` and
//! `DELETE /v1/documents/{id}`, `POST /v1/indexes/{name}/documents`.
//!
//! The handlers are here; [`body`] reads an upload as it arrives, through a bounded channel,
//! never buffered whole; [`crate::write`] admits and commits.

mod body;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use chaxin_index::Record;
use chaxin_ingest::import::{import_reader, Format};
use chaxin_ingest::{IngestSummary, LineError};
use serde::Serialize;

use crate::error::{ApiError, ErrorCode};
use crate::server::AppState;
use crate::write::{commit, exclusive, open_session, write_error};

/// A rejected line of an upload.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LineIssue {
    /// 1-based line of the (uncompressed) body.
    pub line: u64,
    /// JSON path of the field at fault (`-`: the line as a whole).
    pub field: String,
    pub reason: String,
}

/// What an upload did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UploadReport {
    /// Whether the valid records were committed.
    pub committed: bool,
    /// New records.
    pub indexed: u64,
    /// Records that replaced one with the same id.
    pub replaced: u64,
    /// Invalid lines.
    pub rejected: u64,
    /// Non-blank lines read.
    pub lines: u64,
    /// The first rejected lines (at most 1000).
    pub errors: Vec<LineIssue>,
    pub took_ms: f64,
}

impl UploadReport {
    fn new(summary: &IngestSummary, committed: bool, started: std::time::Instant) -> Self {
        Self {
            committed,
            indexed: summary.indexed,
            replaced: summary.replaced,
            rejected: summary.rejected,
            lines: summary.lines,
            errors: summary
                .first_errors
                .iter()
                .map(|e: &LineError| LineIssue {
                    line: e.line,
                    field: e.field.clone(),
                    reason: e.reason.clone(),
                })
                .collect(),
            took_ms: (started.elapsed().as_secs_f64() * 1e6).round() / 1e3,
        }
    }
}

/// Query parameters of `POST /v1/documents` and `POST /v1/indexes/{name}/documents`.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct UploadParams {
    /// Commit the valid lines even when some are invalid (default: all or nothing).
    #[serde(default)]
    skip_invalid: bool,
    /// `ndjson` (default), or an export to import: `ris`, `endnote`, `refworks`,
    /// `noteexpress`, `estudy` (CNKI E-Study), `csl`, `chinaxiv`, `kppatent-zh`, `arxiv-csv`,
    /// `patentsview-csv`, `uspto-xml`. Imported as it arrives, a chunk of records at a time.
    #[serde(default)]
    format: Option<String>,
}

/// The importer of `?format=` (`None` for NDJSON).
fn import_format(name: Option<&str>) -> Result<Option<Format>, ApiError> {
    match name {
        None | Some("ndjson") => Ok(None),
        Some(name) => Format::parse(name).map(Some).ok_or_else(|| {
            let names: Vec<&str> = Format::ALL.iter().map(|(n, _)| *n).collect();
            ApiError::invalid_field(
                "format",
                format!("`{name}` is not ndjson or one of {}", names.join(", ")),
            )
        }),
    }
}

/// `POST /v1/documents`: NDJSON records into the served index.
#[utoipa::path(post, path = "/v1/documents", tag = "documents", params(UploadParams), request_body(content = String, content_type = "application/x-ndjson", description = "one JSON record per line, or an export in `format`; `Content-Encoding: zstd` accepted"), responses((status = 200, body = UploadReport)))]
pub(crate) async fn upload(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    upload_into(req, payload, state, None).await
}

/// `POST /v1/indexes/{name}/documents`: NDJSON records into index `name`.
#[utoipa::path(post, path = "/v1/indexes/{name}/documents", tag = "indexes", params(("name" = String, Path), UploadParams), request_body(content = String, content_type = "application/x-ndjson"), responses((status = 200, body = UploadReport)))]
pub(crate) async fn upload_to(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    upload_into(req, payload, state, Some(path.into_inner())).await
}

/// NDJSON records (`Content-Type: application/x-ndjson`, optionally `Content-Encoding:
/// zstd`) into index `name` (the served one when `None`). All valid or nothing committed,
/// unless `?skip_invalid=true`.
async fn upload_into(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
    name: Option<String>,
) -> Result<HttpResponse, ApiError> {
    let params: UploadParams = serde_urlencoded::from_str(req.query_string())
        .map_err(|e| ApiError::new(ErrorCode::BadRequest, format!("query string: {e}")))?;
    let import = import_format(params.format.as_deref())?;
    if import.is_none() {
        body::require_ndjson(&req)?;
    }
    let zstd = body::zstd_encoded(&req)?;
    let limit = state.writes.max_upload_bytes;
    let started = std::time::Instant::now();

    let (chunks, received) = body::channel();
    let write_upload = move |state: &AppState| -> Result<UploadReport, ApiError> {
        let mut reader = body::reader(received, zstd, limit)?;
        let index = match &name {
            Some(name) => state.catalog.open(name)?,
            None => state.catalog.engine().index().clone(),
        };
        let mut session = open_session(state, &index)?;
        match import {
            None => session.add_ndjson("body", &mut reader, &mut |_| {}),
            // Chunk by chunk: the body is never held whole.
            Some(format) => import_reader(format, &mut reader, "body", &mut |items| {
                session.add_imported(items)
            }),
        }
        .map_err(|e| write_error(e, limit))?;
        let summary = session.summary();
        if summary.lines == 0 {
            return Err(ApiError::new(
                ErrorCode::BadRequest,
                match import {
                    None => "empty upload: send one JSON record per line",
                    Some(_) => "empty upload: the body holds no record",
                },
            ));
        }
        if summary.rejected > 0 && !params.skip_invalid {
            let report = UploadReport::new(summary, false, started);
            return Err(ApiError {
                upload: Some(Box::new(report)),
                ..ApiError::new(
                    ErrorCode::InvalidDocuments,
                    format!(
                        "{} of {} lines (records) are invalid; nothing was committed (fix them, \
                         or send ?skip_invalid=true to commit the valid ones)",
                        summary.rejected, summary.lines
                    ),
                )
            });
        }
        let summary = commit(state, session)?;
        Ok(UploadReport::new(&summary, true, started))
    };
    let write = exclusive(&state, move |state| {
        let outcome = write_upload(state);
        if let Err(e) = &outcome {
            // Logged here, on the writing thread: the request may be gone (a reset client).
            tracing::warn!(target: "chaxin::write", "upload not committed: {}", e.message);
        }
        outcome
    });

    let feed = body::feed(payload, chunks, state.writes, limit);
    // The write ends the exchange: once it has answered (an early refusal, a bad line in
    // strict mode, a commit), what is left of the body is not waited for.
    let report = match futures_util::future::select(Box::pin(write), Box::pin(feed)).await {
        futures_util::future::Either::Left((report, _feed)) => report,
        futures_util::future::Either::Right(((), write)) => write.await,
    }?;
    tracing::info!(
        target: "chaxin::write",
        "upload: {} new, {} replaced, {} rejected in {:.0} ms",
        report.indexed,
        report.replaced,
        report.rejected,
        report.took_ms
    );
    Ok(HttpResponse::Ok().json(report))
}

/// `PUT /v1/documents/{id}`: one JSON record; its `id` is the path's (or absent).
#[utoipa::path(put, path = "/v1/documents/{id}", tag = "documents", params(("id" = String, Path)), request_body = Record, responses((status = 200, description = "replaced"), (status = 201, description = "created")))]
pub(crate) async fn put(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let mut value: serde_json::Value =
        crate::routes::json_body(&req, payload, "{\"title\": \"…\"}", body::MAX_RECORD_BYTES)
            .await?;
    if let Some(object) = value.as_object_mut() {
        match object.get("id") {
            None => {
                object.insert("id".into(), id.clone().into());
            }
            Some(serde_json::Value::String(given)) if *given == id => {}
            Some(other) => {
                return Err(ApiError::invalid_field(
                    "id",
                    format!("the body's id {other} differs from the path's `{id}`"),
                ))
            }
        }
    }
    let record = Record::from_json(&value.to_string())
        .map_err(|e| ApiError::invalid_field(e.field, e.reason))?;
    let replaced = exclusive(&state, move |state| {
        let index = state.catalog.engine().index().clone();
        let mut session = open_session(state, &index)?;
        let replaced = session
            .add_record(record)
            .map_err(|e| write_error(e, state.writes.max_upload_bytes))?;
        commit(state, session)?;
        Ok(replaced)
    })
    .await?;
    let (mut response, result) = if replaced {
        (HttpResponse::Ok(), "replaced")
    } else {
        (HttpResponse::Created(), "created")
    };
    Ok(response
        .insert_header((header::LOCATION, format!("/v1/documents/{id}")))
        .json(serde_json::json!({"id": id, "result": result})))
}

/// `DELETE /v1/documents/{id}`.
#[utoipa::path(delete, path = "/v1/documents/{id}", tag = "documents", params(("id" = String, Path)), responses((status = 200, description = "deleted")))]
pub(crate) async fn delete(
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let target = id.clone();
    let deleted = exclusive(&state, move |state| {
        let index = state.catalog.engine().index().clone();
        let mut session = open_session(state, &index)?;
        if !session
            .delete(&target)
            .map_err(|e| write_error(e, state.writes.max_upload_bytes))?
        {
            return Ok(false);
        }
        commit(state, session)?;
        Ok(true)
    })
    .await?;
    if !deleted {
        return Err(ApiError::new(
            ErrorCode::DocumentNotFound,
            format!("no record with id `{id}`"),
        ));
    }
    Ok(HttpResponse::Ok().json(serde_json::json!({"id": id, "result": "deleted"})))
}
