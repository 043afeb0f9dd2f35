//! The HTTP face of the index catalogue ([`chaxin_ingest::catalog`]): list, create and delete
//! named indexes, and point the `main` alias.

use chaxin_ingest::catalog::{IndexInfo, MAIN_ALIAS};

use crate::error::ApiError;

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
    crate::write::exclusive(&state, move |state| Ok(state.catalog.create(&body.name)?)).await?;
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
    crate::write::exclusive(&state, move |state| Ok(state.catalog.delete(&target)?)).await?;
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
    let previous = crate::write::exclusive(&state, move |state| {
        Ok(state.catalog.switch(&body.index)?)
    })
    .await?;
    Ok(actix_web::HttpResponse::Ok()
        .json(serde_json::json!({ MAIN_ALIAS: index, "previous": previous })))
}
