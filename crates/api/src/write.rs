//! Write admission and commit, shared by every route that changes an index.
//!
//! Invariants: every write commits before it is acknowledged (a 2xx answer means the change
//! is durable and visible to searches); a write that fails or is refused commits nothing;
//! writes run one at a time (a mutex here, tantivy's writer lock against other processes);
//! beyond [`WriteSettings::max_writes`] admitted writes, the next is refused at once (429).

use std::io::ErrorKind;
use std::sync::Arc;
use std::time::Duration;

use actix_web::web;
use chaxin_ingest::{IngestError, IngestOptions, IngestSummary, WriteSession};
use tokio::sync::OwnedSemaphorePermit;

use crate::error::{ApiError, ErrorCode};
use crate::server::AppState;

/// Rejected lines listed in an answer (all are counted).
const MAX_LISTED_ERRORS: usize = 1000;

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

/// The ingest options of a write under `settings`.
fn ingest_options(settings: &WriteSettings) -> IngestOptions {
    IngestOptions {
        writer_threads: settings.threads,
        writer_memory: settings.memory_bytes,
        max_reported_errors: MAX_LISTED_ERRORS,
        ..IngestOptions::default()
    }
}

/// An ingest failure as an answer (`limit`: the upload limit, named when it was passed).
pub(crate) fn write_error(err: IngestError, limit: u64) -> ApiError {
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
fn admit(state: &AppState) -> Result<OwnedSemaphorePermit, ApiError> {
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
pub(crate) fn commit(
    state: &AppState,
    session: WriteSession<'_>,
) -> Result<IngestSummary, ApiError> {
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

/// Opens a write session on `index` with the server's write settings.
pub(crate) fn open_session<'a>(
    state: &AppState,
    index: &'a chaxin_index::ChaxinIndex,
) -> Result<WriteSession<'a>, ApiError> {
    WriteSession::open(index, &ingest_options(&state.writes))
        .map_err(|e| write_error(e, state.writes.max_upload_bytes))
}
