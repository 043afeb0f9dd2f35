//! End-to-end tests of novelty search (`POST /v1/novelty`) and of the expert query language on
//! `GET /v1/search`, over real records (tests/fixtures/corpus.ndjson).

use common::{enc, fixtures, Server};
use serde_json::{json, Value};

use crate::common;

fn start() -> (tempfile::TempDir, Server) {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(&dir.path().join("index"), &fixtures());
    (dir, server)
}

fn novelty(server: &Server, body: Value) -> Value {
    let r = server.post_json("/v1/novelty", &body.to_string());
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()
}

fn candidate<'a>(v: &'a Value, id: &str) -> Option<&'a Value> {
    v["candidates"]
        .as_array()
        .expect("candidates")
        .iter()
        .find(|c| c["id"] == id)
}

fn ids(v: &Value, key: &str) -> Vec<String> {
    v[key]
        .as_array()
        .expect("array")
        .iter()
        .map(|h| h["id"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// The `<em>`-marked spans of a passage.
fn marked(passage: &str) -> Vec<String> {
    passage
        .split("<em>")
        .skip(1)
        .filter_map(|s| s.split_once("</em>").map(|(m, _)| m.to_lowercase()))
        .collect()
}

#[test]
fn points_get_prior_art_with_found_and_missing_features_and_passages() {
    let (_dir, server) = start();
    let v = novelty(
        &server,
        json!({
            "points": [
                "基于平方和优化的飞行器大角度机动镇定控制器设计",
                "determining the sweet spot of baseball bats by the center of percussion",
                "飞行器镇定控制器 量子纠缠"
            ],
            "limit": 10
        }),
    );
    let points = v["points"].as_array().unwrap();
    assert_eq!(points[0]["closest"], "csl-dev-0000", "{v}");
    assert_eq!(points[1]["closest"], "US5269177", "{v}");
    // The expressions actually run, with hit counts, in the expert language.
    for p in points {
        // The strategy: every concept block first, the broad union (the ranking expression)
        // last, which finds at least as much.
        let expressions = p["expressions"].as_array().unwrap();
        assert!(expressions.len() >= 2, "{p}");
        let (first, last) = (&expressions[0], &expressions[expressions.len() - 1]);
        assert_eq!(
            (first["purpose"].as_str(), last["purpose"].as_str()),
            (Some("all"), Some("broad")),
            "{p}"
        );
        for e in expressions {
            let text = e["expression"].as_str().unwrap();
            assert!(text.trim_start_matches('(').starts_with("FT="), "{text}");
        }
        assert!(last["hits"].as_u64().unwrap() >= first["hits"].as_u64().unwrap());
        // Generic words are features, flagged, never reported missing.
        let features = p["features"].as_array().unwrap();
        assert!(!features.is_empty());
    }
    let generic: Vec<&str> = points[0]["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["generic"] == true)
        .map(|f| f["text"].as_str().unwrap())
        .collect();
    assert!(generic.contains(&"设计"), "{generic:?}");
    // A function word is no feature at all.
    assert!(
        !points[0]["features"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["text"] == "基于"),
        "{}",
        points[0]["features"]
    );

    let paper = candidate(&v, "csl-dev-0000").expect("csl-dev-0000 found");
    assert_eq!(paper["category"], "X", "{paper}");
    assert_eq!(
        paper["date_known"], false,
        "CSL records carry no date: {paper}"
    );
    let first = &paper["points"][0];
    assert_eq!(first["category"], "X");
    assert_eq!(first["coverage"], 1.0);
    assert!(first["missing"].as_array().unwrap().is_empty(), "{first}");
    // Every found feature comes with a passage that really marks it.
    let found = first["found"].as_array().unwrap();
    let features: Vec<&str> = found
        .iter()
        .map(|f| f["feature"].as_str().unwrap())
        .collect();
    for f in ["平方和", "飞行器", "镇定", "控制器"] {
        assert!(
            features.iter().any(|x| x.contains(f) || f.contains(x)),
            "{f} in {features:?}"
        );
    }
    for f in found {
        let feature = f["feature"].as_str().unwrap();
        let passage = f["passage"].as_str().unwrap();
        assert!(
            marked(passage).iter().any(|m| m.contains(feature)),
            "{feature} not marked in {passage}"
        );
        assert!(["title", "abstract", "keywords", "claims"].contains(&f["field"].as_str().unwrap()));
    }
    // The third point's 量子纠缠 is disclosed nowhere: missing, so not X.
    let third = &paper["points"][2];
    assert_ne!(third["category"], "X", "{third}");
    // (jieba splits 量子纠缠; each part is a feature.)
    assert_eq!(third["missing"], json!(["量子", "纠缠"]), "{third}");
    // English features are found through stemming, and marked where they occur.
    let patent = candidate(&v, "US5269177").expect("US5269177 found");
    let second = &patent["points"][1];
    let found = second["found"].as_array().unwrap();
    assert!(found.len() >= 4, "{second}");
    for f in found {
        let feature = f["feature"].as_str().unwrap().to_lowercase();
        let stem = &feature[..feature.len().min(4)];
        assert!(
            marked(f["passage"].as_str().unwrap())
                .iter()
                .any(|m| m.starts_with(stem)),
            "{feature}: {f}"
        );
    }
    assert!(
        second["explanation"]["bm25"].as_f64().unwrap() > 0.0,
        "{second}"
    );
    // Scores are in ranking order, ties by id.
    let scores: Vec<f64> = v["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["score"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
}

#[test]
fn cutoff_uses_filing_dates_for_patents_and_flags_undated_records() {
    let (_dir, server) = start();
    let body = |cutoff: &str, drop: bool| {
        json!({"points": ["wireless physiological sensor patch", "baseball bat sweet spot", "飞行器镇定控制器"],
               "cutoff": cutoff, "drop_undated": drop, "limit": 50})
    };
    // US8926509 was published in 2015 but filed in 2008: prior art for a 2010 cut-off.
    let v = novelty(&server, body("2010-01-01", false));
    let sensor = candidate(&v, "US8926509").expect("filed before the cut-off");
    assert_eq!(sensor["effective_date"], "2008-06-05");
    assert_eq!(sensor["date_known"], true);
    // US5269177 (1993-12-14) is after a 1993-06 cut-off; US4955607 (1990) is before it.
    let v = novelty(&server, body("1993-06", false));
    assert!(candidate(&v, "US5269177").is_none(), "{v}");
    assert!(candidate(&v, "US4955607").is_some(), "{v}");
    assert!(candidate(&v, "US8926509").is_none(), "{v}");
    let undated = v["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["date_known"] == false)
        .count();
    assert!(undated > 0, "undated records are kept and flagged: {v}");
    let expression = v["points"][0]["expressions"][0]["expression"]
        .as_str()
        .unwrap();
    assert!(expression.contains("-ED>=1993-06"), "{expression}");
    // Asked to, undated records are dropped.
    let v = novelty(&server, body("1993-06", true));
    assert!(v["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["date_known"] == true));
    // Filters and `must` expressions restrict every expression.
    let v = novelty(
        &server,
        json!({"points": ["wireless physiological sensor patch"],
               "filters": {"ipc": ["A61B 5/"], "kind": ["patent"]},
               "must": ["TI=sensor* OR AB=sensor*"], "limit": 5}),
    );
    assert_eq!(ids(&v, "candidates"), vec!["US8926509"], "{v}");
}

#[test]
fn features_in_one_sentence_outrank_the_same_words_scattered() {
    // Real CSL sentences: one record has the four features of the point in one sentence
    // (from csl-dev-0000), the other has each in a different sentence (csl-dev-0367, -0173,
    // -0074, -0545); both are padded with unrelated real sentences to similar lengths.
    let data = tempfile::tempdir().expect("tempdir");
    let together = "利用刚体姿态动力学方程和运动学方程建立了带有转动惯量体坐标系各轴间耦合量的非线性控制系统模型；水运工程项目作为我国航运和水利的重要组成部分,其重要性不言而喻.国家主权是人权得以实现的基本前提,没有国权就没有人权;";
    let records = [
        json!({"id": "together", "lang": "zh", "doi": "10.1000/CHAXIN.1", "abstract": together}),
        // The same article again (another source, same DOI): folded into the first.
        json!({"id": "together-copy", "lang": "zh", "doi": "10.1000/chaxin.1", "abstract": together}),
        json!({"id": "scattered", "lang": "zh", "abstract":
            "该自动驾驶仪采用PID控制方式稳定飞行器姿态和操作飞行器;简要介绍了计算流体动力学理论及其软件用于吸入制剂研究的一般方法及新进展.利用边界层法,研究了一类具有多重解的非线性奇摄动问题.在喷杆喷雾机上应用该控制系统，可以很好地实现喷杆位姿的实时控制。"}),
    ];
    let lines: Vec<String> = records.iter().map(Value::to_string).collect();
    std::fs::write(data.path().join("sentences.ndjson"), lines.join("\n")).unwrap();
    std::fs::copy(
        fixtures().join("corpus.ndjson"),
        data.path().join("corpus.ndjson"),
    )
    .unwrap();
    let server = Server::start(&data.path().join("index"), data.path());
    let v = novelty(
        &server,
        json!({"points": ["姿态动力学非线性控制系统"], "limit": 50}),
    );
    let order = ids(&v, "candidates");
    let rank = |id: &str| order.iter().position(|x| x == id).unwrap_or(usize::MAX);
    assert!(rank("together") < rank("scattered"), "{order:?}");
    assert!(!order.contains(&"together-copy".to_string()), "{order:?}");
    let together = candidate(&v, "together").unwrap();
    let scattered = candidate(&v, "scattered").unwrap();
    assert_eq!(together["collapsed"], json!(["together-copy"]));
    // Both disclose every feature; only one in a single sentence.
    assert_eq!(together["points"][0]["category"], "X");
    assert_eq!(scattered["points"][0]["category"], "X");
    assert_eq!(together["points"][0]["explanation"]["sentence"], 1.0);
    assert!(
        scattered["points"][0]["explanation"]["sentence"]
            .as_f64()
            .unwrap()
            < 0.5,
        "{v}"
    );
    assert!(
        together["points"][0]["explanation"]["proximity"]
            .as_f64()
            .unwrap()
            > scattered["points"][0]["explanation"]["proximity"]
                .as_f64()
                .unwrap()
    );
    // The expert language agrees: same sentence, and within a few characters.
    let same_sentence = |q: &str| -> Vec<String> {
        let r = server.get(&format!("/v1/search?q={}", enc(q)));
        assert_eq!(r.status, 200, "{}", r.body);
        let mut found = ids(&r.json(), "hits");
        found.sort();
        found
    };
    let both = ["csl-dev-0000", "together", "together-copy"];
    assert_eq!(same_sentence("姿态 /SEN 非线性"), both);
    assert_eq!(
        same_sentence("姿态 /PARA 非线性"),
        ["csl-dev-0000", "scattered", "together", "together-copy"]
    );
    assert_eq!(same_sentence("AB=(姿态 NEAR/2 动力学)"), both);
    assert_eq!(same_sentence("动力学 ADJ/2 姿态"), Vec::<String>::new());
}

#[test]
fn bad_novelty_requests_say_which_field_and_why() {
    let (_dir, server) = start();
    let cases = [
        (r#"{"points": []}"#, "points"),
        (
            r#"{"points": ["石墨烯"], "cutoff": "2024-13-01"}"#,
            "cutoff",
        ),
        (r#"{"points": ["石墨烯"], "limit": 0}"#, "limit"),
        (r#"{"points": ["石墨烯"], "colour": 1}"#, "colour"),
        (r#"{"points": "石墨烯"}"#, "points"),
        (r#"{"points": ["石墨烯"], "must": ["TI=(a"]}"#, "must"),
        (r#"{"points": ["石墨烯"], "must": ["KD=blog"]}"#, "must"),
        (
            r#"{"points": ["石墨烯"], "filters": {"kind": ["blog"]}}"#,
            "filters.kind[0]",
        ),
        (r#"{"points": ["的 了"]}"#, "points"),
        (
            r#"{"points": ["石墨烯"], "concepts": [{"text": "石墨烯", "point": 2}]}"#,
            "concepts",
        ),
        (
            r#"{"points": ["石墨烯"], "concepts": [{"text": "石墨烯", "drop": true}]}"#,
            "points",
        ),
        (
            r#"{"points": ["石墨烯"], "concepts": [{"text": "石墨烯", "weight": 2}]}"#,
            "concepts[0].weight",
        ),
    ];
    for (body, field) in cases {
        let r = server.post_json("/v1/novelty", body);
        assert_eq!(r.status, 422, "{body}: {}", r.body);
        let v = r.json();
        assert_eq!(v["error"]["field"], field, "{body}: {v}");
    }
    let r = server.post_json("/v1/novelty", r#"{"points": ["#);
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.json()["error"]["line"].is_number());
}

#[test]
fn examiners_merge_add_drop_and_mark_concepts() {
    let (_dir, server) = start();
    let point = "基于平方和优化的飞行器大角度机动镇定控制器设计";
    let texts = |v: &Value| -> Vec<String> {
        v["points"][0]["features"]
            .as_array()
            .expect("features")
            .iter()
            .map(|f| f["text"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    let machine = novelty(&server, json!({"points": [point], "limit": 5}));
    let before = texts(&machine);
    assert!(before.contains(&"设计".to_string()), "{before:?}");
    assert!(!before.contains(&"镇定控制器".to_string()), "{before:?}");
    let edited = novelty(
        &server,
        json!({
            "points": [point],
            "limit": 5,
            "concepts": [
                {"text": "镇定控制器", "essential": true},
                {"text": "设计", "drop": true},
                {"text": "姿态控制", "forms": ["attitude control"]},
                {"text": "飞行器", "essential": false},
                {"text": "量子纠缠", "point": 1, "drop": true}
            ]
        }),
    );
    let after = texts(&edited);
    assert!(after.contains(&"镇定控制器".to_string()), "{after:?}");
    assert!(!after.contains(&"镇定".to_string()), "{after:?}");
    assert!(!after.contains(&"设计".to_string()), "{after:?}");
    let features = edited["points"][0]["features"].as_array().unwrap();
    let find = |text: &str| features.iter().find(|f| f["text"] == text).unwrap();
    assert_eq!(find("镇定控制器")["essential"], true);
    assert_eq!(find("飞行器")["essential"], false);
    let added = find("姿态控制");
    assert_eq!(added["forms"][0]["text"], "attitude control");
    assert_eq!(added["forms"][0]["source"], "user");
    // The strategy follows the edits, and its counts are those of /v1/search.
    for e in edited["points"][0]["expressions"].as_array().unwrap() {
        let expression = e["expression"].as_str().unwrap();
        assert!(!expression.contains("设计"), "{expression}");
        let r = server.get(&format!("/v1/search?q={}&limit=1", enc(expression)));
        assert_eq!(r.status, 200, "{expression}: {}", r.body);
        assert_eq!(r.json()["total"], e["hits"], "{expression}");
    }
    let essential = edited["points"][0]["expressions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["purpose"] == "essential" && e["lang"].is_null())
        .map(|e| e["expression"].as_str().unwrap().to_string());
    if let Some(essential) = essential {
        assert!(essential.contains("镇定控制器"), "{essential}");
        assert!(!essential.contains("飞行器"), "{essential}");
    }
}

#[test]
fn search_accepts_the_expert_language() {
    let (_dir, server) = start();
    let hits = |q: &str| -> Vec<String> {
        let r = server.get(&format!("/v1/search?q={}&limit=50", enc(q)));
        assert_eq!(r.status, 200, "{q}: {}", r.body);
        ids(&r.json(), "hits")
    };
    assert_eq!(hits("TI=镇定控制器")[0], "csl-dev-0000");
    assert_eq!(hits("TI=\"镇定控制器\""), vec!["csl-dev-0000"]);
    assert_eq!(hits("ti:percussion"), vec!["US5269177"]);
    assert_eq!(hits("percuss*"), vec!["US5269177"]);
    assert_eq!(hits("TI=(baseball ADJ/0 bats)"), vec!["US5269177"]);
    assert_eq!(
        hits("TI=baseball AND PD=[1990 TO 1991-12-31]"),
        vec!["US4955607"]
    );
    assert_eq!(hits("TI=baseball AND PD<1990"), Vec::<String>::new());
    assert_eq!(hits("AD=2008-06-05"), vec!["US8926509"]);
    assert_eq!(hits("IPC=A61B 5/"), vec!["US8926509"]);
    assert_eq!(hits("IPC=H04W*"), vec!["US8926509"]);
    assert_eq!(
        hits("KD=patent * LA=en * AB='sweet spot'"),
        vec!["US5269177"]
    );
    assert_eq!(hits("KD=patent * TI='sweet spot'"), vec!["US5269177"]);
    assert_eq!(hits("KD=paper * TI='sweet spot'"), Vec::<String>::new());
    assert_eq!(hits("SU=(平方和 + 镇定) * 飞行器"), vec!["csl-dev-0000"]);
    // Plain words still work.
    assert_eq!(hits("center of percussion baseball")[0], "US5269177");
    // The normalised expression is returned, and parses back to itself.
    let v = server
        .get(&format!(
            "/v1/parse?q={}",
            enc("ti:(石墨烯 + graphene) * 电池 pd<2021")
        ))
        .json();
    let normalised = v["normalised"].as_str().unwrap().to_string();
    assert_eq!(
        normalised,
        "((TI=石墨烯 OR TI=graphene) AND 电池) OR PD<2021"
    );
    let again = server
        .get(&format!("/v1/parse?q={}", enc(&normalised)))
        .json();
    assert_eq!(again["normalised"], normalised.as_str());
    // Errors give the column, what was expected and what was understood.
    let r = server.get(&format!("/v1/search?q={}", enc("TI=石墨烯 AND (电池 OR")));
    assert_eq!(r.status, 400, "{}", r.body);
    let e = &r.json()["error"];
    assert_eq!(e["code"], "query_syntax");
    assert_eq!(e["column"], 18);
    assert!(e["message"].as_str().unwrap().contains("expected"), "{e}");
    assert_eq!(e["understood"], "TI=石墨烯 AND ( 电池 OR");
}
