//! Writes: `POST /v1/documents` (NDJSON upload, streamed), `PUT` and `DELETE
//! /v1/documents/{id}`.
//!
//! Invariants: every write commits before it is acknowledged (a 2xx answer means the change
//! is durable and visible to searches); a write that fails or is refused commits nothing;
//! writes run one at a time (a mutex here, tantivy's writer lock against other processes).
//! An upload is read as it arrives, through a bounded channel, never buffered whole.

use std::io::{BufRead, BufReader, ErrorKind, Read};
use std::sync::Arc;
use std::time::Duration;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use chaxin_index::Record;
use chaxin_ingest::import::{import_reader, Format};
use chaxin_ingest::{IngestError, IngestOptions, IngestSummary, LineError, WriteSession};
use futures_util::StreamExt;
use serde::Serialize;
use tokio::sync::{mpsc, OwnedSemaphorePermit};

use crate::error::{ApiError, ErrorCode};
use crate::server::AppState;

/// Rejected lines listed in an answer (all are counted).
const MAX_LISTED_ERRORS: usize = 1000;
/// Upload chunks in flight between the connection and the indexing thread.
const CHANNEL_CHUNKS: usize = 16;

/// Indexing resources of writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteSettings {
    /// tantivy indexing threads.
    pub threads: usize,
    /// tantivy memory budget in bytes.
    pub memory_bytes: usize,
    /// Largest upload, compressed and uncompressed, in bytes.
    pub max_upload_bytes: u64,
    /// Writes admitted at once, running or waiting for the write lock; more are answered 429
    /// `too_many_writes` with `Retry-After`.
    pub max_writes: usize,
    /// Longest an upload's body may send nothing; also the grace period before
    /// [`WriteSettings::min_body_bytes_per_sec`] applies. Then 408 `body_timeout`, nothing
    /// committed.
    pub body_idle_timeout: Duration,
    /// Slowest average rate of an upload's body (time spent waiting for the client only),
    /// after the grace period.
    pub min_body_bytes_per_sec: u64,
}

impl Default for WriteSettings {
    fn default() -> Self {
        let options = IngestOptions::default();
        Self {
            threads: options.writer_threads,
            memory_bytes: 256 << 20,
            max_upload_bytes: 2 << 30,
            max_writes: 4,
            body_idle_timeout: Duration::from_secs(15),
            min_body_bytes_per_sec: 16 << 10,
        }
    }
}

/// Seconds a client refused with 429 is asked to wait.
pub(crate) const RETRY_AFTER_SECS: u64 = 5;

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

/// Query parameters of `POST /v1/documents`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct UploadParams {
    /// Commit the valid lines even when some are invalid (default: all or nothing).
    #[serde(default)]
    skip_invalid: bool,
    /// `ndjson` (default), or an importer's format (`ris`, `endnote`, `refworks`,
    /// `noteexpress`, `estudy`, `csl`, …): imported as it arrives, a chunk of records at a time.
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

fn ingest_options(settings: &WriteSettings) -> IngestOptions {
    IngestOptions {
        writer_threads: settings.threads,
        writer_memory: settings.memory_bytes,
        max_reported_errors: MAX_LISTED_ERRORS,
        ..IngestOptions::default()
    }
}

/// An ingest failure as an answer (`limit`: the upload limit, named when it was passed).
fn write_error(err: IngestError, limit: u64) -> ApiError {
    match err {
        IngestError::Tantivy(tantivy::TantivyError::LockFailure(..)) => ApiError::new(
            ErrorCode::IndexLocked,
            "the index is being written by another process (a `chaxin index` run?); retry when \
             it has finished",
        ),
        IngestError::Read { error, .. } if error.kind() == ErrorKind::FileTooLarge => {
            ApiError::new(
                ErrorCode::PayloadTooLarge,
                format!("upload larger than the limit of {limit} bytes; nothing was committed"),
            )
        }
        IngestError::Read { error, .. } if error.kind() == ErrorKind::TimedOut => ApiError::new(
            ErrorCode::BodyTimeout,
            format!("{error}; nothing was committed"),
        ),
        IngestError::Read { error, .. } => ApiError::new(
            ErrorCode::BadRequest,
            format!("could not read the upload: {error}; nothing was committed"),
        ),
        e => ApiError::internal("write", e),
    }
}

/// A write's place among the [`WriteSettings::max_writes`] admitted ones, or 429 at once.
pub(crate) fn admit(state: &AppState) -> Result<OwnedSemaphorePermit, ApiError> {
    Arc::clone(&state.write_slots)
        .try_acquire_owned()
        .map_err(|_| {
            ApiError::new(
                ErrorCode::TooManyWrites,
                format!(
                    "{} writes are running or queued, the most this server admits; retry in \
                     {RETRY_AFTER_SECS} s",
                    state.writes.max_writes
                ),
            )
        })
}

/// Runs `write` on the blocking pool, one write at a time, and makes its commit visible.
/// Admission (429 beyond [`WriteSettings::max_writes`]) happens at the first poll; the wait
/// for the lock is asynchronous, so a request dropped while waiting never writes.
pub(crate) async fn exclusive<T: Send + 'static>(
    state: &web::Data<AppState>,
    write: impl FnOnce(&AppState) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let admitted = admit(state)?;
    let waiting = Waiting;
    let one_writer = Arc::clone(&state.write_lock).lock_owned().await;
    std::mem::forget(waiting);
    let state = Arc::clone(&state.clone().into_inner());
    web::block(move || {
        let _held = (admitted, one_writer);
        write(&state)
    })
    .await
    .map_err(|e| ApiError::internal("worker pool", e))?
}

/// Logs a queued write dropped before it ran (its client left): nothing of it is written.
struct Waiting;

impl Drop for Waiting {
    fn drop(&mut self) {
        tracing::warn!(
            target: "chaxin::write",
            "write not committed: its client left while it waited for the write lock"
        );
    }
}

/// Commits `session` and reloads the served searcher so the change is visible on return.
fn commit(state: &AppState, session: WriteSession<'_>) -> Result<IngestSummary, ApiError> {
    let summary = session
        .commit()
        .map_err(|e| write_error(e, state.writes.max_upload_bytes))?;
    state
        .catalog
        .engine()
        .reload()
        .map_err(|e| ApiError::internal("reload after commit", e))?;
    Ok(summary)
}

/// `POST /v1/documents`: NDJSON records into the served index.
#[utoipa::path(post, path = "/v1/documents", tag = "documents", params(("skip_invalid" = Option<bool>, Query, description = "commit the valid lines when some are invalid"), ("format" = Option<String>, Query, description = "ndjson (default), or an export to import: ris, endnote, refworks, noteexpress, estudy (CNKI E-Study), csl, arxiv-csv, patentsview-csv, uspto-xml")), request_body(content = String, content_type = "application/x-ndjson", description = "one JSON record per line, or an export in `format`; `Content-Encoding: zstd` accepted"), responses((status = 200, body = UploadReport)))]
pub(crate) async fn upload(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    upload_into(req, payload, state, None).await
}

/// `POST /v1/indexes/{name}/documents`: NDJSON records into index `name`.
#[utoipa::path(post, path = "/v1/indexes/{name}/documents", tag = "indexes", params(("name" = String, Path), ("skip_invalid" = Option<bool>, Query), ("format" = Option<String>, Query, description = "as for POST /v1/documents")), request_body(content = String, content_type = "application/x-ndjson"), responses((status = 200, body = UploadReport)))]
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
    mut payload: web::Payload,
    state: web::Data<AppState>,
    name: Option<String>,
) -> Result<HttpResponse, ApiError> {
    let params: UploadParams = serde_urlencoded::from_str(req.query_string())
        .map_err(|e| ApiError::new(ErrorCode::BadRequest, format!("query string: {e}")))?;
    let import = import_format(params.format.as_deref())?;
    if import.is_none() {
        require_ndjson(&req)?;
    }
    let zstd = zstd_encoded(&req)?;
    let limit = state.writes.max_upload_bytes;
    let started = std::time::Instant::now();

    let (chunks, received) = mpsc::channel::<BodyPart>(CHANNEL_CHUNKS);
    let write_upload = move |state: &AppState| -> Result<UploadReport, ApiError> {
        let body = Limited {
            inner: ChannelReader {
                chunks: received,
                current: web::Bytes::new(),
                ended: false,
            },
            left: limit,
        };
        let mut reader: Box<dyn BufRead> = if zstd {
            let decoder = zstd::Decoder::new(body)
                .map_err(|e| ApiError::new(ErrorCode::BadRequest, format!("zstd body: {e}")))?;
            Box::new(BufReader::new(Limited {
                inner: decoder,
                left: limit,
            }))
        } else {
            Box::new(BufReader::new(body))
        };
        let index = match &name {
            Some(name) => state.catalog.open(name)?,
            None => state.catalog.engine().index().clone(),
        };
        let mut session = WriteSession::open(&index, &ingest_options(&state.writes))
            .map_err(|e| write_error(e, limit))?;
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

    // Feed the body to the indexing thread as it arrives; only a body read to its end sends
    // `End`, so a reset connection or a dropped request can never look like a whole upload.
    let pace = state.writes;
    let feed = async move {
        let mut sent: u64 = 0;
        // Time spent waiting for the client (not for the indexing thread).
        let mut waited = Duration::ZERO;
        loop {
            let asked = std::time::Instant::now();
            let next = actix_web::rt::time::timeout(pace.body_idle_timeout, payload.next()).await;
            waited += asked.elapsed();
            let part = match next {
                Err(_) => BodyPart::Failed(std::io::Error::new(
                    ErrorKind::TimedOut,
                    format!(
                        "the upload sent nothing for {} ms (after {sent} bytes)",
                        pace.body_idle_timeout.as_millis()
                    ),
                )),
                Ok(None) => BodyPart::End,
                Ok(Some(Err(e))) => BodyPart::Failed(std::io::Error::new(
                    ErrorKind::UnexpectedEof,
                    format!("the body was not received whole ({e})"),
                )),
                Ok(Some(Ok(bytes))) => {
                    sent += bytes.len() as u64;
                    // What tests wait for to know that an upload is under way.
                    tracing::debug!(target: "chaxin::write", "upload body: {sent} bytes received");
                    match too_slow(sent, waited, &pace) {
                        Some(error) => BodyPart::Failed(error),
                        None => BodyPart::Data(bytes),
                    }
                }
            };
            let last = !matches!(part, BodyPart::Data(_)) || sent > limit;
            if chunks.send(part).await.is_err() || last {
                break;
            }
        }
    };
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
        crate::routes::json_body(&req, payload, "{\"title\": \"…\"}", MAX_RECORD_BYTES).await?;
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
        let mut session = WriteSession::open(&index, &ingest_options(&state.writes))
            .map_err(|e| write_error(e, state.writes.max_upload_bytes))?;
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
        let mut session = WriteSession::open(&index, &ingest_options(&state.writes))
            .map_err(|e| write_error(e, state.writes.max_upload_bytes))?;
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

/// Largest body of `PUT /v1/documents/{id}` (one record, as one NDJSON line may be).
const MAX_RECORD_BYTES: usize = chaxin_ingest::MAX_LINE_BYTES;

fn require_ndjson(req: &HttpRequest) -> Result<(), ApiError> {
    let (value, essence) = crate::routes::content_type(req).unwrap_or_default();
    match essence.as_str() {
        "application/x-ndjson"
        | "application/ndjson"
        | "application/jsonl"
        | "application/json" => Ok(()),
        _ => Err(ApiError::new(
            ErrorCode::UnsupportedMediaType,
            format!(
                "Content-Type `{value}` is not NDJSON: send `Content-Type: application/x-ndjson` \
                 (one JSON record per line)"
            ),
        )),
    }
}

/// Whether the body is zstd-compressed (`Content-Encoding: zstd`); other encodings are 415.
fn zstd_encoded(req: &HttpRequest) -> Result<bool, ApiError> {
    let Some(value) = req.headers().get(header::CONTENT_ENCODING) else {
        return Ok(false);
    };
    match value
        .to_str()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
        .as_str()
    {
        "zstd" => Ok(true),
        "identity" | "" => Ok(false),
        other => Err(ApiError::new(
            ErrorCode::UnsupportedMediaType,
            format!("Content-Encoding `{other}` is not supported: send zstd or no encoding"),
        )),
    }
}

/// What the connection side sends the indexing thread.
enum BodyPart {
    Data(web::Bytes),
    /// The body was read to its end.
    End,
    /// The body could not be read whole (reset, incomplete, too slow).
    Failed(std::io::Error),
}

/// An error when the body arrives slower than the minimum rate, after the grace period.
fn too_slow(sent: u64, waited: Duration, pace: &WriteSettings) -> Option<std::io::Error> {
    if waited <= pace.body_idle_timeout {
        return None;
    }
    let rate = sent as f64 / waited.as_secs_f64();
    (rate < pace.min_body_bytes_per_sec as f64).then(|| {
        std::io::Error::new(
            ErrorKind::TimedOut,
            format!(
                "the upload arrived at {rate:.0} bytes/s, below the minimum of {} bytes/s",
                pace.min_body_bytes_per_sec
            ),
        )
    })
}

/// The upload as `Read`, fed chunk by chunk from the connection. The end of the channel
/// without [`BodyPart::End`] is an error, never the end of the body.
struct ChannelReader {
    chunks: mpsc::Receiver<BodyPart>,
    current: web::Bytes,
    ended: bool,
}

impl Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.current.is_empty() {
            if self.ended {
                return Ok(0);
            }
            match self.chunks.blocking_recv() {
                Some(BodyPart::Data(bytes)) => self.current = bytes,
                Some(BodyPart::End) => self.ended = true,
                Some(BodyPart::Failed(error)) => return Err(error),
                None => {
                    return Err(std::io::Error::new(
                        ErrorKind::UnexpectedEof,
                        "the connection ended before the body was complete",
                    ))
                }
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current.split_to(n));
        Ok(n)
    }
}

/// A reader that fails with `FileTooLarge` after `left` bytes.
struct Limited<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n as u64 > self.left {
            return Err(std::io::Error::new(
                ErrorKind::FileTooLarge,
                "upload larger than the limit",
            ));
        }
        self.left -= n as u64;
        Ok(n)
    }
}
