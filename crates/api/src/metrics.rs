//! Prometheus metrics (`GET /metrics`): requests by route, method and status, their latency,
//! and the served index's size.
//!
//! Routes are labelled by their pattern (`/v1/documents/{id}`), never by the raw path, so the
//! number of series stays bounded whatever clients send; methods outside the route table are
//! labelled `other`, unrouted requests `unmatched`.

use prometheus::{Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, Opts, Registry};

use crate::error::ApiError;

/// The server's Prometheus metrics (`GET /metrics`): requests by route and status, latencies, and the index's size.
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    documents: IntGauge,
    index_bytes: IntGauge,
}

impl Metrics {
    /// Registers the metrics in a registry of their own (prefix `chaxin`).
    pub fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new_custom(Some("chaxin".into()), None)?;
        let requests = IntCounterVec::new(
            Opts::new("http_requests_total", "HTTP requests answered"),
            &["route", "method", "status"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "Time from request to response head",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
            ]),
            &["route", "method", "status"],
        )?;
        let documents = IntGauge::new("index_documents", "Records in the served index")?;
        let index_bytes = IntGauge::new("index_size_bytes", "Size of the served index on disk")?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(documents.clone()))?;
        registry.register(Box::new(index_bytes.clone()))?;
        Ok(Self {
            registry,
            requests,
            latency,
            documents,
            index_bytes,
        })
    }

    /// Records one answered request.
    pub fn observe(&self, route: &str, method: &str, status: u16, seconds: f64) {
        self.requests
            .with_label_values(&[route, method, &status.to_string()])
            .inc();
        self.latency
            .with_label_values(&[route, method, &status.to_string()])
            .observe(seconds);
    }

    /// The text exposition, with the index gauges as of now.
    pub fn render(&self, documents: u64, index_bytes: u64) -> Result<String, ApiError> {
        self.documents
            .set(i64::try_from(documents).unwrap_or(i64::MAX));
        self.index_bytes
            .set(i64::try_from(index_bytes).unwrap_or(i64::MAX));
        let mut out = Vec::new();
        prometheus::TextEncoder::new()
            .encode(&self.registry.gather(), &mut out)
            .map_err(|e| ApiError::internal("metrics", e))?;
        String::from_utf8(out).map_err(|e| ApiError::internal("metrics", e))
    }
}

/// The `method` label of a request: its name when the route table uses it, else `other`
/// (clients may send any token as a method; each would otherwise become a new series).
pub(crate) fn method_label(method: &actix_web::http::Method) -> &'static str {
    crate::table::ROUTES
        .iter()
        .map(|r| r.verb.as_str())
        .find(|name| *name == method.as_str())
        .unwrap_or("other")
}

/// `GET /metrics`.
#[utoipa::path(get, path = "/metrics", tag = "operations", responses((status = 200, description = "Prometheus text exposition", content_type = "text/plain")))]
pub(crate) async fn metrics(
    state: actix_web::web::Data<crate::AppState>,
) -> Result<actix_web::HttpResponse, ApiError> {
    let state = state.into_inner();
    let text = actix_web::web::block(move || {
        let engine = state.catalog.engine();
        state
            .metrics
            .render(engine.num_docs(), engine.index().size_on_disk())
    })
    .await
    .map_err(|e| ApiError::internal("worker pool", e))??;
    Ok(actix_web::HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_counted_by_route_pattern() {
        let m = Metrics::new().unwrap_or_else(|e| panic!("{e}"));
        m.observe("/v1/documents/{id}", "GET", 200, 0.003);
        m.observe("/v1/documents/{id}", "GET", 200, 0.02);
        m.observe("/v1/search", "GET", 422, 0.001);
        let text = m.render(12, 3456).unwrap_or_else(|e| panic!("{e}"));
        assert!(text.contains(
            r#"chaxin_http_requests_total{method="GET",route="/v1/documents/{id}",status="200"} 2"#
        ), "{text}");
        assert!(text.contains(r#"status="422"} 1"#), "{text}");
        assert!(text.contains("chaxin_index_documents 12"), "{text}");
        assert!(text.contains("chaxin_index_size_bytes 3456"), "{text}");
        assert!(
            text.contains("chaxin_http_request_duration_seconds_bucket"),
            "{text}"
        );
    }
}
