//! `POST /v1/reports` (查新报告 drafts) and exports of result lists
//! (`?format=gbt7714|ris|bibtex|csv` on search and novelty).

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use chaxin_index::Record;
use chaxin_query::{NoveltyResponse, SearchEngine, SearchRequest};
use chaxin_report::builder::{build_report, BuildError};
use chaxin_report::draft::{Report, ReportRequest, ReportStyle};
use chaxin_report::export::{export, ExportFormat, ExportItem};
use chaxin_report::render::{self, ReportFormat};

use crate::error::{ApiError, ErrorCode};
use crate::routes::{blocking, json_body};
use crate::server::AppState;

/// Most records one export walks through (`all=true`).
pub const MAX_EXPORT_RECORDS: usize = 10_000;
/// Largest report request: it may carry a whole novelty answer (200 candidates with their
/// passages run to a few hundred KiB), so it is not held to the search body limit.
pub const MAX_REPORT_BODY_BYTES: usize = 8 * 1024 * 1024;

/// How a search or novelty answer is returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct ExportParams {
    /// `None`: the JSON answer.
    pub format: Option<ExportFormat>,
    /// Every page (through the cursor), not just the requested one.
    pub all: bool,
}

/// Takes `format` and `all` out of a query string; returns them and the other pairs.
pub(crate) fn export_params(query_string: &str) -> Result<(ExportParams, String), ApiError> {
    let mut params = ExportParams::default();
    let mut rest = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in url::form_urlencoded::parse(query_string.as_bytes()) {
        match key.as_ref() {
            "format" if value == "json" => params.format = None,
            "format" => {
                params.format = Some(ExportFormat::parse(&value).ok_or_else(|| {
                    ApiError::invalid_field(
                        "format",
                        format!("`{value}` is not json, gbt7714, ris, bibtex or csv"),
                    )
                })?)
            }
            "all" => params.all = crate::params::boolean("all", &value)?,
            _ => {
                rest.append_pair(&key, &value);
            }
        }
    }
    if params.all && params.format.is_none() {
        return Err(ApiError::invalid_field(
            "all",
            "all=true exports every page: give a format (gbt7714, ris, bibtex or csv)",
        ));
    }
    Ok((params, rest.finish()))
}

/// Refuses any query parameter besides the export ones (POST bodies carry the request).
pub(crate) fn only_export_params(query_string: &str) -> Result<ExportParams, ApiError> {
    let (params, rest) = export_params(query_string)?;
    if let Some((key, _)) = url::form_urlencoded::parse(rest.as_bytes()).next() {
        return Err(ApiError {
            field: Some(key.to_string()),
            ..ApiError::new(
                ErrorCode::BadRequest,
                format!("unknown parameter `{key}`; parameters: format, all (the request goes in the body)"),
            )
        });
    }
    Ok(params)
}

fn load(engine: &SearchEngine, id: &str) -> Result<Option<Record>, ApiError> {
    engine
        .get(id)
        .map_err(|e| ApiError::internal("record lookup", e))
}

/// A download answer: the body in `format`, named `name.ext`.
fn download(format: ExportFormat, name: &str, body: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, format.content_type()))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}.{}\"", format.extension()),
        ))
        .body(body)
}

/// Runs `request` (every page with `all`) and exports the hits in `format`.
pub(crate) async fn export_search(
    state: web::Data<AppState>,
    mut request: SearchRequest,
    params: ExportParams,
    format: ExportFormat,
) -> Result<HttpResponse, ApiError> {
    let (items, next) = blocking(&state, move |engine, interrupt| {
        request.highlight = false;
        let mut items = Vec::new();
        loop {
            let page = engine
                .search_until(&request, interrupt)
                .map_err(|e| ApiError::from_search(e, &request.q))?;
            if params.all && page.total as usize > MAX_EXPORT_RECORDS {
                return Err(ApiError::invalid_field(
                    "all",
                    format!(
                        "{} records match; an export takes at most {MAX_EXPORT_RECORDS}: narrow the \
                         query, or export page by page (the X-Next-Cursor header is the next page's \
                         search_after)",
                        page.total
                    ),
                ));
            }
            for hit in &page.hits {
                if let Some(record) = load(engine, &hit.id)? {
                    items.push(ExportItem {
                        record,
                        score: Some(hit.score),
                        category: None,
                    });
                }
            }
            match page.next {
                Some(next) if params.all => {
                    request.search_after = Some(next);
                    request.offset = 0;
                }
                next => return Ok((items, next)),
            }
        }
    })
    .await?;
    let mut response = download(format, "chaxin-search", export(format, &items));
    if let Some(next) = next {
        if let Ok(value) = header::HeaderValue::from_str(&next) {
            response
                .headers_mut()
                .insert(header::HeaderName::from_static("x-next-cursor"), value);
        }
    }
    Ok(response)
}

/// Exports novelty candidates in `format` (they are one list: `all` changes nothing).
pub(crate) async fn export_novelty(
    state: web::Data<AppState>,
    response: NoveltyResponse,
    format: ExportFormat,
) -> Result<HttpResponse, ApiError> {
    let items = blocking(&state, move |engine, _| {
        let mut items = Vec::new();
        for candidate in &response.candidates {
            if let Some(record) = load(engine, &candidate.id)? {
                items.push(ExportItem {
                    record,
                    score: Some(candidate.score),
                    category: Some(format!("{:?}", candidate.category)),
                });
            }
        }
        Ok(items)
    })
    .await?;
    Ok(download(format, "chaxin-novelty", export(format, &items)))
}

fn report_params(query_string: &str) -> Result<(ReportFormat, Option<ReportStyle>), ApiError> {
    let mut format = ReportFormat::Json;
    let mut style = None;
    for (key, value) in url::form_urlencoded::parse(query_string.as_bytes()) {
        match key.as_ref() {
            "format" => {
                format = ReportFormat::parse(&value).ok_or_else(|| {
                    ApiError::invalid_field(
                        "format",
                        format!("`{value}` is not json, markdown, html or docx"),
                    )
                })?
            }
            "style" => {
                style = Some(ReportStyle::parse(&value).ok_or_else(|| {
                    ApiError::invalid_field(
                        "style",
                        format!("`{value}` is not station or examiner"),
                    )
                })?)
            }
            other => {
                return Err(ApiError {
                    field: Some(other.to_string()),
                    ..ApiError::new(
                        ErrorCode::BadRequest,
                        format!("unknown parameter `{other}`; parameters: format, style"),
                    )
                })
            }
        }
    }
    Ok((format, style))
}

#[utoipa::path(post, path = "/v1/reports", tag = "novelty", params(("format" = Option<String>, Query, description = "json (default), markdown, html or docx"), ("style" = Option<ReportStyle>, Query, description = "station (科技查新报告, default) or examiner (search-report table); overrides the body's `style`")), request_body = ReportRequest, responses((status = 200, body = Report, description = "the draft (JSON), or its Markdown, HTML or DOCX rendering")))]
pub(crate) async fn report(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (format, style) = report_params(req.query_string())?;
    let mut request: ReportRequest = json_body(
        &req,
        payload,
        "{\"project\": {\"name\": \"…\"}, \"points\": [\"…\"], \"cutoff\": \"2024-03-01\"}",
        state.limits.max_body_bytes.max(MAX_REPORT_BODY_BYTES),
    )
    .await?;
    if let Some(style) = style {
        request.style = style;
    }
    // Rendered on the engine pool too: a large DOCX takes a while, which would stall the
    // async worker (and every request it serves, /healthz included).
    let body = blocking(&state, move |engine, interrupt| {
        let report = build_report(engine, &request, interrupt).map_err(|e| match e {
            BuildError::Invalid(e) => ApiError::invalid_field(e.field, e.message),
            BuildError::Search(e) => ApiError::from_search(e, ""),
        })?;
        render::render(&report, format).map_err(|e| ApiError::internal("report", e))
    })
    .await?;
    let mut response = HttpResponse::Ok();
    response.content_type(format.content_type());
    if format == ReportFormat::Docx {
        response.insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"chaxin-report.docx\"",
        ));
    }
    Ok(response.body(body))
}
