//! The OpenAPI 3.1 document (`GET /openapi.json`), generated from the handlers' and types'
//! annotations (utoipa), and a plain HTML page written from it (`GET /docs`): no assets to
//! download, so it works offline.

use actix_web::HttpResponse;
use chaxin_text::html::escape;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::auth::Access;
use crate::error::ErrorCode;
use crate::table::{RouteSpec, Verb};
use crate::{documents, indexes, metrics, routes};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "chaxin",
        description = "Novelty-search (查新) engine: search in an expert query language, novelty requests with per-point evidence, 查新报告 drafts (JSON, Markdown, HTML, DOCX), exports (`?format=gbt7714|ris|bibtex|csv`), writes, named indexes. Errors are `{\"error\": {\"code\", \"message\", …}}`; the codes are listed under the `ErrorCode` schema."
    ),
    paths(
        routes::healthz,
        routes::healthz_head,
        metrics::metrics,
        openapi_json,
        docs_page,
        routes::search_get,
        routes::search_post,
        routes::parse_query,
        routes::novelty,
        crate::reports::report,
        routes::document,
        routes::stats,
        documents::upload,
        documents::put,
        documents::delete,
        indexes::list,
        indexes::create,
        indexes::delete,
        documents::upload_to,
        indexes::aliases,
        indexes::switch,
    ),
    components(schemas(ErrorCode, crate::error::ErrorBody)),
    modifiers(&Security, &ErrorCodes, &AccessFromTable),
    tags(
        (name = "search", description = "Search in the expert language"),
        (name = "novelty", description = "Innovation points → prior art with evidence"),
        (name = "documents", description = "Records: read, upload, replace, delete"),
        (name = "indexes", description = "Named indexes and the `main` alias (re-indexing without downtime)"),
        (name = "operations", description = "Health, statistics, metrics, this document"),
    )
)]
/// The OpenAPI 3.1 document of the API (`GET /openapi.json`), its error answers added from the route table.
pub struct ApiDoc;

/// The bearer-key scheme, and the note that reads need a key only when read keys are set.
struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut scheme = Http::new(HttpAuthScheme::Bearer);
        scheme.description = Some(
            "`Authorization: Bearer <key>`. Write keys (CHAXIN_WRITE_KEY) for writes and the \
             indexes/aliases routes; read keys (CHAXIN_READ_KEY), when set, for everything \
             else but /healthz."
                .to_string(),
        );
        components.add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}

/// Each operation's security from the route table: write routes need the bearer key; read
/// routes take it (needed only when read keys are set); public routes none.
struct AccessFromTable;

impl Modify for AccessFromTable {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::SecurityRequirement;
        for spec in crate::table::ROUTES {
            let Some(item) = openapi.paths.paths.get_mut(spec.path) else {
                continue;
            };
            let operation = match spec.verb {
                Verb::Get => item.get.as_mut(),
                Verb::Head => item.head.as_mut(),
                Verb::Post => item.post.as_mut(),
                Verb::Put => item.put.as_mut(),
                Verb::Delete => item.delete.as_mut(),
            };
            let Some(operation) = operation else {
                continue;
            };
            let bearer = || SecurityRequirement::new("bearer", Vec::<String>::new());
            let (security, needs) = match spec.access {
                Access::Public => (vec![SecurityRequirement::default()], "no key"),
                Access::Read => (
                    vec![SecurityRequirement::default(), bearer()],
                    "a read key when read keys are set",
                ),
                Access::Write => (vec![bearer()], "a write key"),
            };
            operation.security = Some(security);
            let description = operation.description.get_or_insert_with(String::new);
            if !description.is_empty() {
                description.push_str("\n\n");
            }
            description.push_str(&format!("Needs {needs}."));
            add_error_responses(operation, spec);
        }
    }
}

/// The error answers of a route, from its row of the table (its codes, and those of its
/// access): one response per status, listing the codes that answer with it.
fn add_error_responses(operation: &mut utoipa::openapi::path::Operation, spec: &RouteSpec) {
    use utoipa::openapi::content::ContentBuilder;
    use utoipa::openapi::response::ResponseBuilder;
    use utoipa::openapi::{Ref, RefOr};
    let access: &[ErrorCode] = match spec.access {
        Access::Public => &[],
        Access::Read | Access::Write => &[ErrorCode::Unauthorized, ErrorCode::Forbidden],
    };
    let mut by_status: std::collections::BTreeMap<u16, Vec<ErrorCode>> = Default::default();
    for &code in access.iter().chain(spec.errors) {
        by_status
            .entry(code.status().as_u16())
            .or_default()
            .push(code);
    }
    for (status, codes) in by_status {
        let description: Vec<String> = codes
            .iter()
            .map(|c| format!("`{}`: {}", c.as_str(), c.description()))
            .collect();
        let content = ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("ErrorBody")))
            .build();
        let response = ResponseBuilder::new()
            .description(description.join(" "))
            .content("application/json", content)
            .build();
        operation
            .responses
            .responses
            .insert(status.to_string(), RefOr::T(response));
    }
}

/// Lists every error code with its HTTP status in the `ErrorCode` schema's description.
struct ErrorCodes;

impl Modify for ErrorCodes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let Some(components) = openapi.components.as_mut() else {
            return;
        };
        let rows: Vec<String> = ErrorCode::ALL
            .iter()
            .map(|c| {
                format!(
                    "`{}` ({}): {}",
                    c.as_str(),
                    c.status().as_u16(),
                    c.description()
                )
            })
            .collect();
        if let Some(utoipa::openapi::RefOr::T(utoipa::openapi::schema::Schema::Object(schema))) =
            components.schemas.get_mut("ErrorCode")
        {
            schema.description = Some(format!(
                "Stable error codes (HTTP status): {} They never change meaning.",
                rows.join(" ")
            ));
        }
    }
}

/// `GET /openapi.json`.
#[utoipa::path(get, path = "/openapi.json", tag = "operations", responses((status = 200, description = "this document", content_type = "application/json")))]
pub(crate) async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}

/// `GET /docs`: every operation with its parameters, body and answers, from the document.
#[utoipa::path(get, path = "/docs", tag = "operations", responses((status = 200, description = "HTML page", content_type = "text/html")))]
pub(crate) async fn docs_page() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(render_page(&ApiDoc::openapi()))
}

fn render_page(doc: &utoipa::openapi::OpenApi) -> String {
    let json = serde_json::to_value(doc).unwrap_or_default();
    let text = |v: &serde_json::Value| escape(v.as_str().unwrap_or_default());
    let mut html = String::from(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>chaxin API</title>\
         <style>body{font-family:sans-serif;max-width:60em;margin:2em auto}code{background:#f3f3f3}\
         h3{margin-bottom:.2em}td{vertical-align:top;padding:.1em .6em}</style></head><body>",
    );
    html.push_str(&format!(
        "<h1>{} {}</h1><p>{}</p><p>Machine-readable: <a href=\"/openapi.json\">/openapi.json</a></p>",
        text(&json["info"]["title"]),
        text(&json["info"]["version"]),
        text(&json["info"]["description"])
    ));
    if let Some(paths) = json["paths"].as_object() {
        for (path, operations) in paths {
            let Some(operations) = operations.as_object() else {
                continue;
            };
            for (method, op) in operations {
                html.push_str(&format!(
                    "<h3><code>{} {}</code></h3><p>{}</p>",
                    method.to_uppercase(),
                    escape(path),
                    text(&op["summary"])
                ));
                if let Some(params) = op["parameters"].as_array() {
                    html.push_str("<table>");
                    for p in params {
                        html.push_str(&format!(
                            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                            text(&p["name"]),
                            text(&p["in"]),
                            text(&p["description"])
                        ));
                    }
                    html.push_str("</table>");
                }
                if let Some(responses) = op["responses"].as_object() {
                    let list: Vec<String> = responses
                        .iter()
                        .map(|(status, r)| format!("{status}: {}", text(&r["description"])))
                        .collect();
                    html.push_str(&format!("<p>Answers: {}</p>", list.join("; ")));
                }
            }
        }
    }
    let codes: Vec<String> = ErrorCode::ALL
        .iter()
        .map(|c| {
            format!(
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                c.as_str(),
                c.status().as_u16(),
                escape(c.description())
            )
        })
        .collect();
    html.push_str(&format!(
        "<h2>Error codes</h2><table>{}</table></body></html>",
        codes.join("")
    ));
    html
}
