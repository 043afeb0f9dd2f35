//! Route handlers.

use std::sync::Arc;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use chaxin_index::Record;
use chaxin_query::Interrupt;
use chaxin_query::{
    parse, NoveltyRequest, SearchEngine, SearchRequest, MAX_POINTS, MAX_QUERY_CHARS,
};
use chaxin_query::{NoveltyResponse, SearchResponse, Stats};
use futures_util::StreamExt;
use serde_json::json;

use crate::error::{ApiError, ErrorCode};
use crate::params;
use crate::server::{AppState, HEALTH_PROBE};

/// Runs CPU-bound engine work on the engine pool, at most `engine_threads` at a time, within
/// the request timeout (the wait for a slot included).
///
/// Waiting requests queue in arrival order (the semaphore is fair). Running more searches than
/// cores at once only time-slices them: every search then takes several times longer, and
/// the slowest ones set the tail latency. At the deadline the request is answered 503 and the
/// work is interrupted (its scorers check the [`Interrupt`]), so its CPU ends within
/// milliseconds; its slot is held until then. A dropped request (the client left) interrupts
/// its work too.
pub(crate) async fn blocking<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&SearchEngine, &Interrupt) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    blocking_within(state, state.limits.request_timeout, f).await
}

/// [`blocking`] with its own time limit.
pub(crate) async fn blocking_within<T: Send + 'static>(
    state: &AppState,
    limit: std::time::Duration,
    f: impl FnOnce(&SearchEngine, &Interrupt) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let deadline = std::time::Instant::now() + limit;
    let interrupt = Interrupt::at(deadline);
    let _stop_when_dropped = StopOnDrop(interrupt.clone());
    let work = async {
        let slot = Arc::clone(&state.engine_slots)
            .acquire_owned()
            .await
            .map_err(|e| ApiError::internal("engine slots", e))?;
        let engine = state.catalog.engine();
        let (done, result) = tokio::sync::oneshot::channel();
        let interrupt = interrupt.clone();
        state.engine_pool.spawn(move || {
            let _slot = slot;
            let outcome = match interrupt.check() {
                Ok(()) => f(&engine, &interrupt),
                Err(e) => Err(ApiError::from_search(e, "")),
            };
            // The receiver is gone when the request was answered or dropped.
            let _ = done.send(outcome);
        });
        result.await.map_err(|_| {
            ApiError::internal("engine pool", "the engine call ended without an answer")
        })?
    };
    match actix_web::rt::time::timeout(limit, work).await {
        Ok(result) => result,
        Err(_) => Err(timeout_error(limit)),
    }
}

fn timeout_error(limit: std::time::Duration) -> ApiError {
    ApiError::new(
        ErrorCode::Timeout,
        format!(
            "the request took longer than {} ms; narrow the query or the request",
            limit.as_millis()
        ),
    )
}

/// Interrupts a search when the request waiting for it ends (answered, timed out or dropped).
struct StopOnDrop(Interrupt);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, description = "ready: `{\"status\": \"ok\", \"documents\": N}`"), (status = 503, description = "not ready: `{\"status\": \"unavailable\", \"reason\": \"…\"}` (no search could start within 1 s)")))]
pub(crate) async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    health(&state).await
}

/// `HEAD /healthz`: the status of `GET /healthz` without its body (load balancers' probes).
#[utoipa::path(head, path = "/healthz", tag = "operations", responses((status = 200, description = "ready"), (status = 503, description = "not ready")))]
pub(crate) async fn healthz_head(state: web::Data<AppState>) -> HttpResponse {
    health(&state).await
}

/// Ready when a search could start now: the probe takes an engine slot and runs on the
/// engine pool like a search, within [`HEALTH_PROBE`].
async fn health(state: &AppState) -> HttpResponse {
    let limit = HEALTH_PROBE.min(state.limits.request_timeout);
    match blocking_within(state, limit, |engine, _| Ok(engine.num_docs())).await {
        Ok(documents) => HttpResponse::Ok().json(json!({"status": "ok", "documents": documents})),
        Err(e) => HttpResponse::ServiceUnavailable().json(json!({
            "status": "unavailable",
            "reason": format!(
                "no search could start within {} ms ({} engine slots, all busy): {}",
                limit.as_millis(),
                state.limits.engine_threads.max(1),
                e.message
            ),
        })),
    }
}

#[utoipa::path(get, path = "/v1/search", tag = "search", params(crate::params::SearchParams), responses((status = 200, body = SearchResponse)))]
pub(crate) async fn search_get(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (export, rest) = crate::reports::export_params(req.query_string())?;
    let request = params::search_request(&rest)?;
    match export.format {
        Some(format) => crate::reports::export_search(state, request, export, format).await,
        None => run_search(state, request).await,
    }
}

#[utoipa::path(post, path = "/v1/search", tag = "search", request_body = SearchRequest, responses((status = 200, body = SearchResponse)))]
pub(crate) async fn search_post(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let export = crate::reports::only_export_params(req.query_string())?;
    let limit = state.limits.max_body_bytes;
    let request: SearchRequest = json_body(&req, payload, "{\"q\": \"…\"}", limit).await?;
    match export.format {
        Some(format) => crate::reports::export_search(state, request, export, format).await,
        None => run_search(state, request).await,
    }
}

/// Reads a JSON object body of type `T` of at most `limit` bytes (`example` shows the
/// expected shape when empty).
pub(crate) async fn json_body<T: serde::de::DeserializeOwned>(
    req: &HttpRequest,
    payload: web::Payload,
    example: &str,
    limit: usize,
) -> Result<T, ApiError> {
    require_json(req)?;
    let body = read_body(payload, limit, req).await?;
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::new(
            ErrorCode::MalformedJson,
            format!("empty body: send a JSON object such as {example}"),
        ));
    }
    parse_json_object(&body)
}

#[utoipa::path(post, path = "/v1/novelty", tag = "novelty", request_body = NoveltyRequest, responses((status = 200, body = NoveltyResponse)))]
pub(crate) async fn novelty(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let export = crate::reports::only_export_params(req.query_string())?;
    let request: NoveltyRequest = json_body(
        &req,
        payload,
        "{\"points\": [\"…\"], \"cutoff\": \"2024-03-01\"}",
        state.limits.max_body_bytes.max(NOVELTY_BODY_BYTES),
    )
    .await?;
    let response = blocking(&state, move |engine, interrupt| {
        engine
            .novelty_until(&request, interrupt)
            .map_err(|e| ApiError::from_search(e, ""))
    })
    .await?;
    match export.format {
        Some(format) => crate::reports::export_novelty(state, response, format).await,
        None => Ok(HttpResponse::Ok().json(response)),
    }
}

/// Smallest body limit of `POST /v1/novelty`: the largest valid request — [`MAX_POINTS`]
/// points of [`MAX_QUERY_CHARS`] characters, each written as a 6-byte `\uXXXX` escape — fits
/// with room for synonyms, `must` and filters, whatever `--max-body-kb` says.
pub const NOVELTY_BODY_BYTES: usize = 2 * MAX_POINTS * MAX_QUERY_CHARS * 6;

/// `GET /v1/parse?q=…`: the query as understood, as a normalised expression (for reports).
#[utoipa::path(get, path = "/v1/parse", tag = "search", params(("q" = String, Query, description = "query in the expert language")), responses((status = 200, description = "`{\"query\", \"normalised\"}`")))]
pub(crate) async fn parse_query(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let request = params::search_request(req.query_string())?;
    let ast = parse(&request.q, request.operator)
        .map_err(|e| ApiError::from_search(e.into(), &request.q))?;
    Ok(HttpResponse::Ok().json(json!({"query": request.q, "normalised": ast.to_string()})))
}

async fn run_search(
    state: web::Data<AppState>,
    request: SearchRequest,
) -> Result<HttpResponse, ApiError> {
    let response = blocking(&state, move |engine, interrupt| {
        engine
            .search_until(&request, interrupt)
            .map_err(|e| ApiError::from_search(e, &request.q))
    })
    .await?;
    Ok(HttpResponse::Ok().json(response))
}

#[utoipa::path(get, path = "/v1/documents/{id}", tag = "documents", params(("id" = String, Path)), responses((status = 200, body = Record)))]
pub(crate) async fn document(
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let lookup_id = id.clone();
    let record = blocking(&state, move |engine, _| {
        engine
            .get(&lookup_id)
            .map_err(|e| ApiError::internal("document lookup", e))
    })
    .await?;
    match record {
        Some(record) => Ok(HttpResponse::Ok().json(record)),
        None => Err(ApiError {
            field: Some("id".into()),
            ..ApiError::new(
                ErrorCode::DocumentNotFound,
                format!("no record with id `{id}`"),
            )
        }),
    }
}

#[utoipa::path(get, path = "/v1/stats", tag = "operations", responses((status = 200, body = Stats)))]
pub(crate) async fn stats(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let stats = blocking(&state, move |engine, _| {
        engine.stats().map_err(|e| ApiError::internal("stats", e))
    })
    .await?;
    Ok(HttpResponse::Ok().json(stats))
}

pub(crate) async fn not_found(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::new(
        ErrorCode::NotFound,
        format!("no route for {} {}", req.method(), req.path()),
    ))
}

pub(crate) async fn method_not_allowed(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::new(
        ErrorCode::MethodNotAllowed,
        format!("{} is not allowed on {}", req.method(), req.path()),
    ))
}

/// Parses a JSON object body: syntax errors (including nesting deeper than serde_json's limit
/// of 128) are 400 with line and column; a body that is not an object, or whose fields have
/// the wrong type or are unknown, is 422 naming the field.
fn parse_json_object<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let value: serde_json::Value = {
        let de = &mut serde_json::Deserializer::from_slice(body);
        serde_path_to_error::deserialize(de).map_err(ApiError::from_json)?
    };
    if !value.is_object() {
        return Err(ApiError::invalid_field(
            "-",
            "the body must be a JSON object",
        ));
    }
    serde_path_to_error::deserialize(value).map_err(ApiError::from_json)
}

/// The request's `Content-Type`, lowercased, and its media type without parameters
/// (`None` without the header).
pub(crate) fn content_type(req: &HttpRequest) -> Option<(String, String)> {
    let value = req
        .headers()
        .get(header::CONTENT_TYPE)?
        .to_str()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let essence = value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_string();
    Some((value, essence))
}

fn require_json(req: &HttpRequest) -> Result<(), ApiError> {
    let Some((value, essence)) = content_type(req) else {
        return Ok(());
    };
    if essence == "application/json" || essence.ends_with("+json") {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorCode::UnsupportedMediaType,
            format!("Content-Type `{value}` is not JSON: send `Content-Type: application/json`"),
        ))
    }
}

/// Reads a body up to `limit` bytes; larger bodies get 413 before they are read whole.
async fn read_body(
    mut payload: web::Payload,
    limit: usize,
    req: &HttpRequest,
) -> Result<web::BytesMut, ApiError> {
    let too_large = || {
        ApiError::new(
            ErrorCode::PayloadTooLarge,
            format!("request body is larger than the limit of {limit} bytes"),
        )
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            ApiError::new(
                ErrorCode::BadRequest,
                format!("could not read the request body: {e}"),
            )
        })?;
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use chaxin_ingest::catalog::Catalog;

    use super::*;
    use crate::auth::ApiKeys;
    use crate::metrics::Metrics;
    use crate::server::ApiLimits;
    use crate::write::WriteSettings;

    fn state(root: &std::path::Path) -> AppState {
        let index = chaxin_index::ChaxinIndex::create(&root.join("index"), Default::default())
            .expect("index");
        let engine = SearchEngine::new(index, Default::default()).expect("engine");
        let catalog = Catalog::new(root.to_path_buf(), "index".into(), Arc::new(engine));
        AppState::new(
            catalog,
            ApiLimits::default(),
            ApiKeys::default(),
            WriteSettings::default(),
            Metrics::new().expect("metrics"),
        )
        .expect("state")
    }

    #[actix_web::test]
    async fn an_engine_call_past_its_deadline_is_answered_timeout_and_never_runs() {
        let dir = tempfile::tempdir().expect("tempdir");
        let state = state(dir.path());
        let ran = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = Arc::clone(&ran);
        let outcome = blocking_within(&state, std::time::Duration::ZERO, move |_, _| {
            flag.store(true, std::sync::atomic::Ordering::SeqCst);
            Ok(())
        })
        .await;
        let error = outcome.expect_err("a call with no time left must time out");
        assert_eq!(error.code, ErrorCode::Timeout, "{}", error.message);
        assert!(!ran.load(std::sync::atomic::Ordering::SeqCst));
        // Within its time, the same call answers.
        let answer =
            blocking_within(&state, std::time::Duration::from_secs(30), |_, _| Ok(7)).await;
        assert_eq!(answer.map_err(|e| e.message).expect("answer"), 7);
    }
}
