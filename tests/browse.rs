//! End-to-end tests of facets, date sorting and cursor pagination (`search_after`) over the
//! fixture corpus (real CSL, arXiv and patent records).

use std::collections::HashSet;

use common::{enc, fixtures, ids, Server};
use serde_json::Value;

use crate::common;

fn start() -> (tempfile::TempDir, Server) {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(&dir.path().join("index"), &fixtures());
    (dir, server)
}

fn search(server: &Server, params: &str) -> Value {
    let r = server.get(&format!("/v1/search?{params}"));
    assert_eq!(r.status, 200, "{params}: {}", r.body);
    r.json()
}

/// `2019` → `2019-01-01`, `2019-05` → `2019-05-01`: the day the index sorts a partial date by.
fn first_day(date: &str) -> String {
    match date.len() {
        4 => format!("{date}-01-01"),
        7 => format!("{date}-01"),
        _ => date.to_string(),
    }
}

/// Every hit of `params`, page by page through `search_after`.
fn all_pages(server: &Server, params: &str, page: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..1000 {
        let after = cursor
            .as_deref()
            .map(|c| format!("&search_after={}", enc(c)))
            .unwrap_or_default();
        let v = search(
            server,
            &format!("{params}&limit={page}&highlight=false{after}"),
        );
        let got = ids(&v);
        out.extend(got.iter().cloned());
        match v["next"].as_str() {
            Some(next) if got.len() == page => cursor = Some(next.to_string()),
            _ => return out,
        }
    }
    panic!("more than 1000 pages");
}

#[test]
fn facets_count_what_filters_find() {
    let (_dir, server) = start();
    // Every record (the empty query), then a query.
    let q = "q=".to_string();
    let v = search(
        &server,
        &format!("{q}&facets=kind,lang,year,ipc_section,applicant&facet_size=100"),
    );
    let total = v["total"].as_u64().expect("total");
    assert!(total > 20, "{total}");
    for (facet, param) in [("kind", "kind"), ("lang", "lang")] {
        let values = v["facets"][facet].as_array().expect(facet);
        let sum: u64 = values.iter().filter_map(|x| x["count"].as_u64()).sum();
        assert_eq!(sum, total, "every hit has one {facet}");
        for value in values {
            let name = value["value"].as_str().expect("value");
            let filtered = search(&server, &format!("{q}&{param}={name}&limit=1"));
            assert_eq!(filtered["total"], value["count"], "{facet}={name}");
        }
    }
    let years = v["facets"]["year"].as_array().expect("year");
    let top = &years[0];
    let year = top["value"].as_str().expect("year");
    let filtered = search(
        &server,
        &format!("{q}&date_from={year}&date_to={year}&limit=1"),
    );
    assert_eq!(filtered["total"], top["count"], "year {year}");
    // Most frequent first, ties by value.
    for pair in years.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        assert!(
            a["count"].as_u64() > b["count"].as_u64()
                || (a["count"] == b["count"] && a["value"].as_str() < b["value"].as_str()),
            "{pair:?}"
        );
    }
    assert!(v["facets"]["ipc_section"].is_array());
    let small = search(&server, &format!("{q}&facets=year&facet_size=2"));
    assert_eq!(small["facets"]["year"].as_array().map(Vec::len), Some(2));
    assert_eq!(small["facets"]["year"][0], years[0]);
}

#[test]
fn cursors_walk_every_hit_once_in_order() {
    let (_dir, server) = start();
    // Relevance, with distinct scores and with all-equal ones (the empty query: ties by id):
    // the cursor walk equals the offset pages.
    let queries = [
        (format!("q={}", enc("network OR 控制 OR 材料")), 10),
        ("q=".to_string(), 40),
    ];
    for (q, at_least) in queries {
        let total = search(&server, &format!("{q}&limit=1"))["total"]
            .as_u64()
            .expect("total") as usize;
        assert!(total > at_least, "{q}: {total}");
        let walked = all_pages(&server, &q, 3);
        let paged = ids(&search(&server, &format!("{q}&limit=100&highlight=false")));
        assert_eq!(walked.len(), total);
        assert_eq!(walked, paged, "{q}");
    }
    let q = "q=".to_string();
    let total = ids(&search(&server, "q=&limit=100")).len();
    // Newest first: dates never increase, undated last, each hit once.
    let by_date = all_pages(&server, &format!("{q}&sort=date_desc"), 9);
    assert_eq!(by_date.len(), total);
    assert_eq!(by_date.iter().collect::<HashSet<_>>().len(), total);
    let mut dates = Vec::new();
    for id in &by_date {
        let record = server.get(&format!("/v1/documents/{}", enc(id))).json();
        dates.push(record["pub_date"].as_str().map(first_day));
    }
    let dated = dates.iter().take_while(|d| d.is_some()).count();
    assert!(
        dates[dated..].iter().all(Option::is_none),
        "undated records last"
    );
    for pair in dates[..dated].windows(2) {
        assert!(pair[0] >= pair[1], "{pair:?}");
    }
    let oldest = ids(&search(&server, &format!("{q}&sort=date_asc&limit=1")));
    let record = server
        .get(&format!("/v1/documents/{}", enc(&oldest[0])))
        .json();
    let oldest_date = record["pub_date"].as_str().map(first_day);
    assert_eq!(
        oldest_date,
        dates[dated - 1],
        "date_asc starts with the oldest date"
    );
}

#[test]
fn bad_browse_parameters_are_named() {
    let (_dir, server) = start();
    let cases = [
        ("q=network&facets=author", "facets"),
        ("q=network&facet_size=0", "facet_size"),
        ("q=network&sort=newest", "sort"),
        ("q=network&search_after=garbage", "search_after"),
        (
            "q=network&sort=date_desc&search_after=r:1:x",
            "search_after",
        ),
        ("q=network&offset=10&search_after=r:1:x", "offset"),
    ];
    for (params, field) in cases {
        let r = server.get(&format!("/v1/search?{params}"));
        assert_eq!(r.status, 422, "{params}: {}", r.body);
        assert_eq!(r.json()["error"]["field"], field, "{params}: {}", r.body);
    }
    let body = r#"{"q": "network", "facets": ["ipc", "year"], "sort": "date_asc", "limit": 3}"#;
    let r = server.post_json("/v1/search", body);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.json()["facets"]["ipc_subclass"].is_array(), "{}", r.body);
}
