//! `GET /v1/search` parameters → [`SearchRequest`], with errors that name the parameter.

use chaxin_index::{Kind, PartialDate};
use chaxin_query::{DefaultOperator, Facet, SearchRequest, SortOrder};

use crate::error::{ApiError, ErrorCode};

/// The parameters of `GET /v1/search`, in the order the OpenAPI document lists them. The
/// query string is read by [`search_request`] (and the export parameters by
/// `reports::export_params`); a test keeps this list and theirs the same.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(
    dead_code,
    reason = "read by utoipa only: search_request parses the query string"
)]
pub(crate) struct SearchParams {
    /// The query in the expert language (README, docs/query-language.md).
    q: Option<String>,
    /// Kinds, comma-separated or repeated (`paper`, `patent`, …).
    kind: Option<String>,
    /// Languages, comma-separated or repeated (`zh`, `en`).
    lang: Option<String>,
    /// Published on or after: `YYYY[-MM[-DD]]`.
    date_from: Option<String>,
    /// Published on or before: `YYYY[-MM[-DD]]`, inclusive.
    date_to: Option<String>,
    /// Hits skipped before the page.
    offset: Option<usize>,
    /// Hits in the page: 1–100.
    limit: Option<usize>,
    /// How juxtaposed terms combine: `or` or `and`.
    operator: Option<String>,
    /// Return `<em>` snippets (default true).
    highlight: Option<bool>,
    /// Facets to count, comma-separated: year, kind, lang, ipc_section, ipc_class, ipc
    /// (subclass), venue, applicant.
    facets: Option<String>,
    /// Values returned per facet: 1–100.
    facet_size: Option<usize>,
    /// `relevance` (default), `date_desc` or `date_asc`.
    sort: Option<SortOrder>,
    /// The `next` cursor of the previous page.
    search_after: Option<String>,
    /// Also search a plain query's concepts in the other language (with a lexicon).
    cross_language: Option<bool>,
    /// Export the page instead of JSON: `gbt7714`, `ris`, `bibtex` or `csv`.
    format: Option<String>,
    /// With `format`: export every page, not only this one.
    all: Option<bool>,
}

/// The parameters [`search_request`] reads.
const SEARCH_PARAMETERS: &[&str] = &[
    "q",
    "kind",
    "lang",
    "date_from",
    "date_to",
    "offset",
    "limit",
    "operator",
    "highlight",
    "facets",
    "facet_size",
    "sort",
    "search_after",
    "cross_language",
];

/// Parses a URL query string. Lists (`kind`, `lang`) are comma-separated or repeated.
pub(crate) fn search_request(query_string: &str) -> Result<SearchRequest, ApiError> {
    let mut request = SearchRequest::default();
    for (key, value) in url::form_urlencoded::parse(query_string.as_bytes()) {
        let value = value.as_ref();
        match key.as_ref() {
            "q" => request.q = value.to_string(),
            "kind" => {
                for k in split_list(value) {
                    let kind = Kind::parse(k).ok_or_else(|| {
                        let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
                        ApiError::invalid_field(
                            "kind",
                            format!("unknown kind `{k}`; kinds: {}", kinds.join(", ")),
                        )
                    })?;
                    request.kind.push(kind);
                }
            }
            "lang" => request.lang.extend(split_list(value).map(str::to_string)),
            "date_from" => request.date_from = Some(date("date_from", value)?),
            "date_to" => request.date_to = Some(date("date_to", value)?),
            "offset" => request.offset = number("offset", value)?,
            "limit" => request.limit = number("limit", value)?,
            "operator" => {
                request.operator = match value {
                    "or" | "OR" => DefaultOperator::Or,
                    "and" | "AND" => DefaultOperator::And,
                    _ => {
                        return Err(ApiError::invalid_field(
                            "operator",
                            format!("`{value}` is neither `or` nor `and`"),
                        ))
                    }
                }
            }
            "highlight" => request.highlight = boolean("highlight", value)?,
            "facets" => {
                for name in split_list(value) {
                    let facet = Facet::parse(name).ok_or_else(|| {
                        let names: Vec<&str> = Facet::ALL.iter().map(|f| f.name()).collect();
                        ApiError::invalid_field(
                            "facets",
                            format!(
                                "unknown facet `{name}`; facets: {} (ipc = ipc_subclass)",
                                names.join(", ")
                            ),
                        )
                    })?;
                    if !request.facets.contains(&facet) {
                        request.facets.push(facet);
                    }
                }
            }
            "facet_size" => request.facet_size = number("facet_size", value)?,
            "sort" => {
                request.sort = match value {
                    "relevance" => SortOrder::Relevance,
                    "date_desc" => SortOrder::DateDesc,
                    "date_asc" => SortOrder::DateAsc,
                    _ => {
                        return Err(ApiError::invalid_field(
                            "sort",
                            format!("`{value}` is not relevance, date_desc or date_asc"),
                        ))
                    }
                }
            }
            "search_after" => request.search_after = Some(value.to_string()),
            "cross_language" => request.cross_language = boolean("cross_language", value)?,
            other => {
                return Err(ApiError {
                    field: Some(other.to_string()),
                    ..ApiError::new(
                        ErrorCode::BadRequest,
                        format!(
                            "unknown parameter `{other}`; parameters: {}",
                            SEARCH_PARAMETERS.join(", ")
                        ),
                    )
                })
            }
        }
    }
    Ok(request)
}

/// Refuses a path or query string that is not UTF-8 once percent-decoded (the decoders
/// downstream would put U+FFFD in its place), naming the parameter or path segment.
pub(crate) fn check_utf8(uri: &actix_web::http::Uri) -> Result<(), ApiError> {
    use percent_encoding::percent_decode_str;
    let bad = |field: String, what: &str| {
        Err(ApiError {
            field: Some(field),
            ..ApiError::new(
                ErrorCode::BadRequest,
                format!("{what} is not UTF-8 once percent-decoded; encode text as UTF-8"),
            )
        })
    };
    for (i, segment) in uri.path().split('/').enumerate().skip(1) {
        if percent_decode_str(segment).decode_utf8().is_err() {
            return bad(format!("path segment {i}"), &format!("path segment {i}"));
        }
    }
    for pair in uri.query().unwrap_or_default().split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        // `+` (a space) is ASCII: it cannot change whether the bytes are UTF-8.
        let Ok(name) = percent_decode_str(key).decode_utf8() else {
            return bad("-".into(), "a parameter name");
        };
        if percent_decode_str(value).decode_utf8().is_err() {
            let name = name.replace('+', " ");
            return bad(name.clone(), &format!("parameter `{name}`"));
        }
    }
    Ok(())
}

fn split_list(value: &str) -> impl Iterator<Item = &str> {
    value.split(',').map(str::trim).filter(|s| !s.is_empty())
}

fn date(field: &str, value: &str) -> Result<PartialDate, ApiError> {
    PartialDate::parse(value.trim()).map_err(|reason| ApiError::invalid_field(field, reason))
}

/// `true`/`1` or `false`/`0`.
pub(crate) fn boolean(field: &str, value: &str) -> Result<bool, ApiError> {
    match value {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(ApiError::invalid_field(
            field,
            format!("`{value}` is not a boolean"),
        )),
    }
}

fn number(field: &str, value: &str) -> Result<usize, ApiError> {
    value.trim().parse().map_err(|_| {
        ApiError::invalid_field(field, format!("`{value}` is not a non-negative integer"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_parameters_are_the_ones_read() {
        use utoipa::IntoParams;
        let documented: Vec<String> = SearchParams::into_params(|| None)
            .into_iter()
            .map(|p| p.name)
            .collect();
        let mut read: Vec<&str> = SEARCH_PARAMETERS.to_vec();
        read.extend(["format", "all"]);
        assert_eq!(documented, read);
        // And each is read: none is answered `unknown parameter`.
        for name in SEARCH_PARAMETERS {
            let err = search_request(&format!("{name}=%ZZ")).err();
            assert!(
                err.is_none_or(|e| !e.message.starts_with("unknown parameter")),
                "{name}"
            );
        }
    }

    #[test]
    fn parses_every_parameter() {
        let r = search_request("q=%E7%A8%80%E5%9C%9F+magnet&kind=paper,patent&lang=zh&date_from=2010&date_to=2020-06-30&offset=10&limit=20&operator=and&highlight=false").unwrap();
        assert_eq!(r.q, "稀土 magnet");
        assert_eq!(r.kind, vec![Kind::Paper, Kind::Patent]);
        assert_eq!(r.date_to.unwrap().to_string(), "2020-06-30");
        assert_eq!(
            (r.offset, r.limit, r.operator, r.highlight),
            (10, 20, DefaultOperator::And, false)
        );
    }

    #[test]
    fn text_that_is_not_utf8_is_refused_with_its_parameter() {
        let check = |uri: &str| check_utf8(&uri.parse().unwrap()).map_err(|e| e.field);
        assert_eq!(check("/v1/search?q=%E7%A8%80%E5%9C%9F&limit=5"), Ok(()));
        assert_eq!(check("/v1/search?q=%FF%FE"), Err(Some("q".into())));
        assert_eq!(
            check("/v1/search?limit=5&kind=pa%C3"),
            Err(Some("kind".into()))
        );
        assert_eq!(
            check("/v1/documents/US%FF1"),
            Err(Some("path segment 3".into()))
        );
        assert_eq!(check("/v1/documents/%E7%A8%80"), Ok(()));
    }

    #[test]
    fn errors_name_the_parameter() {
        assert_eq!(
            search_request("limit=ten").unwrap_err().field.as_deref(),
            Some("limit")
        );
        assert_eq!(
            search_request("date_to=2020-13")
                .unwrap_err()
                .field
                .as_deref(),
            Some("date_to")
        );
        assert_eq!(
            search_request("kind=blog").unwrap_err().field.as_deref(),
            Some("kind")
        );
        let unknown = search_request("qq=x").unwrap_err();
        assert_eq!(unknown.code, ErrorCode::BadRequest);
    }
}
