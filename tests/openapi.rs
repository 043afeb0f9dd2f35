//! The OpenAPI document is valid, lists every route of the server's route table
//! (`chaxin_api::ROUTES`) and nothing it does not serve, with each route's access as its
//! security; the API page renders it.

use std::collections::BTreeSet;

use common::{fixtures, Server};
use serde_json::Value;

use crate::common;

const WRITE_KEY: &str = "write-key-for-openapi-test";

/// (METHOD, path) pairs of the server's route table.
fn registered_routes() -> BTreeSet<(String, String)> {
    chaxin_api::ROUTES
        .iter()
        .map(|r| (r.verb.as_str().to_string(), r.path.to_string()))
        .collect()
}

/// Every `$ref` in `value` names a schema of the document.
fn check_refs(value: &Value, schemas: &serde_json::Map<String, Value>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                let name = target
                    .strip_prefix("#/components/schemas/")
                    .expect("schema ref");
                assert!(schemas.contains_key(name), "dangling $ref {target}");
            }
            map.values().for_each(|v| check_refs(v, schemas));
        }
        Value::Array(items) => items.iter().for_each(|v| check_refs(v, schemas)),
        _ => {}
    }
}

#[test]
fn the_document_is_valid_and_lists_every_route() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start_with(
        &dir.path().join("index"),
        &fixtures(),
        &[],
        &[
            ("CHAXIN_WRITE_KEY", WRITE_KEY),
            ("CHAXIN_READ_KEY", "read-key-for-openapi-test"),
        ],
    );
    // Served without a key, like /healthz.
    let r = server.get("/openapi.json");
    assert_eq!(r.status, 200, "{}", r.body);
    let doc = r.json();
    assert!(
        doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")),
        "{}",
        doc["openapi"]
    );
    // It reads back as an OpenAPI document, and its references resolve.
    let parsed: Result<utoipa::openapi::OpenApi, _> = serde_json::from_value(doc.clone());
    assert!(parsed.is_ok(), "{:?}", parsed.err());
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    check_refs(&doc, schemas);
    for name in [
        "SearchRequest",
        "SearchResponse",
        "NoveltyRequest",
        "NoveltyResponse",
        "Record",
        "ErrorBody",
        "ErrorCode",
        "UploadReport",
    ] {
        assert!(schemas.contains_key(name), "schema {name} missing");
    }
    let codes = doc["components"]["schemas"]["ErrorCode"]["description"]
        .as_str()
        .unwrap_or_default();
    for code in [
        "malformed_json",
        "query_syntax",
        "invalid_documents",
        "index_locked",
        "timeout",
        "internal",
    ] {
        assert!(
            codes.contains(&format!("`{code}`")),
            "{code} not listed: {codes}"
        );
    }

    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .flat_map(|(path, ops)| {
            ops.as_object()
                .into_iter()
                .flat_map(|o| o.keys())
                .map(move |m| (m.to_uppercase(), path.clone()))
        })
        .collect();
    let registered = registered_routes();
    assert!(registered.len() >= 19, "{registered:?}");
    assert_eq!(documented, registered, "documented vs registered routes");

    // Each operation's security is its route's access in the table.
    for route in chaxin_api::ROUTES {
        let op = &doc["paths"][route.path][route.verb.as_str().to_lowercase()];
        let expected = match route.access {
            chaxin_api::Access::Public => serde_json::json!([{}]),
            chaxin_api::Access::Read => serde_json::json!([{}, {"bearer": []}]),
            chaxin_api::Access::Write => serde_json::json!([{"bearer": []}]),
        };
        assert_eq!(op["security"], expected, "{route:?}");
        // Its error answers are its codes in the table, and those of its access, each listed
        // under its status with the shared error body.
        let access: &[chaxin_api::ErrorCode] = match route.access {
            chaxin_api::Access::Public => &[],
            _ => &[
                chaxin_api::ErrorCode::Unauthorized,
                chaxin_api::ErrorCode::Forbidden,
            ],
        };
        for code in access.iter().chain(route.errors) {
            let answer = &op["responses"][code.status().as_u16().to_string()];
            let description = answer["description"].as_str().unwrap_or_default();
            assert!(
                description.contains(&format!("`{}`: {}", code.as_str(), code.description())),
                "{route:?}: {code:?} not documented: {answer}"
            );
            assert_eq!(
                answer["content"]["application/json"]["schema"]["$ref"],
                "#/components/schemas/ErrorBody",
                "{route:?}"
            );
        }
    }

    // Every documented operation is served (answers something other than an unknown route).
    let auth = format!("Bearer {WRITE_KEY}");
    for (method, path) in &documented {
        let concrete = path
            .replace("{id}", "no-such-id")
            .replace("{name}", "no-such-index");
        let r = server.request(
            method,
            &concrete,
            &[
                ("Authorization", auth.as_str()),
                ("Content-Type", "application/json"),
            ],
            b"{}",
        );
        let code = serde_json::from_str::<Value>(&r.body)
            .ok()
            .and_then(|v| v["error"]["code"].as_str().map(str::to_string));
        assert!(
            r.status != 405 && code.as_deref() != Some("not_found"),
            "{method} {path}: {} {}",
            r.status,
            r.body
        );
        // An error it answers is one its description lists, under that status.
        if let Some(code) = code {
            let answer = &doc["paths"][path.as_str()][method.to_lowercase()]["responses"]
                [r.status.to_string()];
            let description = answer["description"].as_str().unwrap_or_default();
            assert!(
                description.contains(&format!("`{code}`")),
                "{method} {path} answered {} `{code}`, documented as {answer}",
                r.status
            );
        }
    }

    let page = server.get("/docs");
    assert_eq!(page.status, 200);
    for (method, path) in &documented {
        assert!(
            page.body.contains(&format!("{method} {path}")),
            "{method} {path} not on /docs"
        );
    }
    assert!(page.body.contains("<code>index_in_use</code>"));
}
