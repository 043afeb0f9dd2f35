//! End-to-end tests of report drafts (`POST /v1/reports`), exports (`?format=` on search and
//! novelty) and imports of reference-manager exports (`POST /v1/documents?format=`), over
//! real records (tests/fixtures/corpus.ndjson).

use common::{enc, fixtures, Server};
use serde_json::{json, Value};

use crate::common;

fn start() -> (tempfile::TempDir, Server) {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = dir.path().join("index");
    let server = Server::start_with(&index, &fixtures(), &["--open"], &[]);
    (dir, server)
}

fn report_body() -> Value {
    json!({
        "project": {
            "name": "兆瓦级永磁同步风力发电机无速度传感器控制系统",
            "client": "某风电装备公司",
            "purpose": "成果鉴定",
            "summary": "采用无速度传感器矢量控制的兆瓦级永磁同步风力发电机控制系统，并以神经网络训练方法识别运行状态。",
            "scope": "国内外"
        },
        "points": [
            "永磁同步风力发电机无速度传感器矢量控制方法",
            "neural network training method for object detection"
        ],
        "cutoff": "2021-01-01",
        "limit": 10
    })
}

fn header<'a>(r: &'a common::Response, name: &str) -> Option<&'a str> {
    r.headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

#[test]
fn station_report_has_the_sections_in_order_and_is_deterministic() {
    let (_dir, server) = start();
    let body = report_body().to_string();
    let r = server.post_json("/v1/reports", &body);
    assert_eq!(r.status, 200, "{}", r.body);
    let report = r.json();
    assert_eq!(report["status"], "draft");
    assert_eq!(report["points"].as_array().unwrap().len(), 2);
    let domestic = report["domestic"].as_array().unwrap();
    let foreign = report["foreign"].as_array().unwrap();
    assert!(!domestic.is_empty() && !foreign.is_empty(), "{report}");
    // Domestic documents are numbered first, each list by relevance.
    let numbers: Vec<u64> = domestic
        .iter()
        .chain(foreign)
        .map(|d| d["number"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, (1..=numbers.len() as u64).collect::<Vec<_>>());
    assert!(domestic
        .iter()
        .all(|d| d["citation"].as_str().unwrap().contains("[J]")
            || d["citation"].as_str().unwrap().contains("[P]")));
    assert!(foreign
        .iter()
        .all(|d| d["tier"] == "密切相关" || d["tier"] == "一般相关"));
    let closest = domestic[0]["citation"].as_str().unwrap();
    assert!(closest.contains("兆瓦级永磁同步风力发电机"), "{closest}");
    // Each point's expressions and hit counts are reported, and the hit count is the real one.
    for point in report["strategy"]["points"].as_array().unwrap() {
        let expression = &point["expressions"][0];
        let hits = expression["hits"].as_u64().unwrap();
        let q = expression["expression"].as_str().unwrap();
        let search = server
            .get(&format!("/v1/search?q={}&limit=1", enc(q)))
            .json();
        assert_eq!(search["total"].as_u64().unwrap(), hits, "{q}");
    }
    // Comparison: every disclosed feature is quoted from a cited document, marked.
    let comparison = report["comparison"].as_array().unwrap();
    assert_eq!(comparison.len(), 2);
    let disclosed = comparison[0]["disclosed"].as_array().unwrap();
    assert!(!disclosed.is_empty());
    for d in disclosed {
        for p in d["passages"].as_array().unwrap() {
            assert!(p["text"].as_str().unwrap().contains("<em>"), "{p}");
        }
    }

    let markdown = server.post_json("/v1/reports?format=markdown", &body);
    assert_eq!(markdown.status, 200);
    assert!(header(&markdown, "content-type")
        .unwrap()
        .starts_with("text/markdown"));
    let text = &markdown.body;
    let headings = [
        "草稿",
        "## 一、查新目的",
        "## 二、查新项目的科学技术要点",
        "## 三、查新点与查新要求",
        "## 四、文献检索范围及检索策略",
        "检索式及命中数",
        "## 五、检索结果",
        "### 国内文献",
        "### 国外文献",
        "## 六、对比分析",
        "## 七、查新结论",
    ];
    let positions: Vec<usize> = headings
        .iter()
        .map(|h| {
            text.find(h)
                .unwrap_or_else(|| panic!("no `{h}` in\n{text}"))
        })
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
    assert!(text.contains("查新点1：") && text.contains("查新点2："));

    // Never an evaluative phrase, in any rendering.
    let html = server.post_json("/v1/reports?format=html", &body);
    assert!(
        html.body.starts_with("<!DOCTYPE html>") && html.body.contains("<h2>七、查新结论</h2>")
    );
    for rendering in [&r.body, text, &html.body] {
        for phrase in chaxin_report::draft::EVALUATIVE_PHRASES {
            assert!(!rendering.contains(phrase), "`{phrase}` in a draft");
        }
    }

    // Byte-identical on repetition.
    assert_eq!(
        server.post_json("/v1/reports?format=markdown", &body).body,
        *text
    );
    assert_eq!(server.post_json("/v1/reports", &body).body, r.body);
}

#[test]
fn examiner_style_docx_and_bad_requests() {
    let (_dir, server) = start();
    let body = report_body().to_string();
    let zh = server.post_json("/v1/reports?format=markdown&style=examiner", &body);
    assert_eq!(zh.status, 200, "{}", zh.body);
    assert!(
        zh.body
            .contains("| 类型 | 引用文件及相关段落 | 相关的查新点 |"),
        "{}",
        zh.body
    );
    let row = zh
        .body
        .lines()
        .find(|l| l.starts_with("| X |") || l.starts_with("| Y |") || l.starts_with("| A |"));
    assert!(row.is_some(), "{}", zh.body);
    let mut en = report_body();
    en["lang"] = json!("en");
    en["style"] = json!("examiner");
    let en = server.post_json("/v1/reports?format=markdown", &en.to_string());
    assert!(
        en.body.contains("| Category | Citation of document"),
        "{}",
        en.body
    );
    assert!(en.body.contains("Relevant to point No."));

    let docx = server.post_json("/v1/reports?format=docx", &body);
    assert_eq!(docx.status, 200);
    assert_eq!(
        header(&docx, "content-type"),
        Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    );
    assert!(docx.body.starts_with("PK"), "not a zip package");

    let mut nameless = report_body();
    nameless["project"]["name"] = json!(" ");
    let r = server.post_json("/v1/reports", &nameless.to_string());
    assert_eq!(r.status, 422);
    assert_eq!(r.json()["error"]["field"], "project.name");
    let r = server.post_json("/v1/reports?format=pdf", &body);
    assert_eq!(
        (r.status, r.json()["error"]["field"].clone()),
        (422, json!("format"))
    );
    let r = server.post_json("/v1/reports?style=official", &body);
    assert_eq!(
        (r.status, r.json()["error"]["field"].clone()),
        (422, json!("style"))
    );
    let mut bad = report_body();
    bad["project"]["scope"] = json!("全球");
    let r = server.post_json("/v1/reports", &bad.to_string());
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "project.scope");
}

#[test]
fn search_and_novelty_results_export_in_every_format() {
    let (_dir, server) = start();
    let q = enc("neural OR network OR 控制");
    let json = server.get(&format!("/v1/search?q={q}&limit=3")).json();
    let total = json["total"].as_u64().unwrap() as usize;
    assert!(total > 3, "{json}");

    let ris = server.get(&format!("/v1/search?q={q}&limit=3&format=ris"));
    assert_eq!(ris.status, 200, "{}", ris.body);
    assert!(header(&ris, "content-type")
        .unwrap()
        .starts_with("application/x-research-info-systems"));
    assert_eq!(ris.body.matches("TY  - ").count(), 3);
    assert!(header(&ris, "x-next-cursor").is_some());
    assert!(header(&ris, "content-disposition")
        .unwrap()
        .contains("chaxin-search.ris"));

    // Every page through the cursor: each matching record once.
    let all = server.get(&format!("/v1/search?q={q}&limit=2&format=ris&all=true"));
    assert_eq!(all.status, 200);
    assert_eq!(all.body.matches("ER  - ").count(), total);
    let mut ids: Vec<&str> = all
        .body
        .lines()
        .filter_map(|l| l.strip_prefix("ID  - "))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), total);

    let gbt = server.get(&format!("/v1/search?q={q}&limit=3&format=gbt7714"));
    let lines: Vec<&str> = gbt.body.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[0].starts_with("[1] ") && lines[2].starts_with("[3] "));
    assert!(lines.iter().all(|l| l.ends_with('.')));

    let csv = server.get(&format!("/v1/search?q={q}&limit=3&format=csv"));
    assert!(csv.body.starts_with('\u{feff}'));
    assert_eq!(csv.body.lines().count(), 4);

    let bib = server.post_json(
        "/v1/novelty?format=bibtex",
        &json!({"points": ["永磁同步风力发电机无速度传感器矢量控制"], "limit": 5}).to_string(),
    );
    assert_eq!(bib.status, 200, "{}", bib.body);
    assert!(bib.body.starts_with('@'), "{}", bib.body);
    assert!(bib.body.contains("title = {"));

    let r = server.get(&format!("/v1/search?q={q}&format=docx"));
    assert_eq!(
        (r.status, r.json()["error"]["field"].clone()),
        (422, json!("format"))
    );
    let r = server.get(&format!("/v1/search?q={q}&all=true"));
    assert_eq!(
        (r.status, r.json()["error"]["field"].clone()),
        (422, json!("all"))
    );
    let r = server.post_json("/v1/search?q=x", &json!({"q": "x"}).to_string());
    assert_eq!(r.status, 400);
}

const RIS_UPLOAD: &str = "TY  - JOUR\r\nTI  - 风力发电机组变桨距控制系统研究\r\nAU  - 张三\r\nAU  - 李四\r\nT2  - 电力系统自动化\r\nPY  - 2015\r\nVL  - 39\r\nIS  - 07\r\nSP  - 12\r\nEP  - 18\r\nSN  - 1000-1026\r\nC1  - 32-1180/TP\r\nKW  - 变桨距;风力发电\r\nAB  - 针对兆瓦级风力发电机组，设计了变桨距控制系统。\r\nER  - \r\n\r\nTY  - JOUR\r\nAU  - Nobody, N.\r\nER  - \r\n\r\nTY  - JOUR\r\nID  - ris-2\r\nTI  - Pitch control of megawatt wind turbines\r\nAU  - Smith, John\r\nPY  - 2016/05/03\r\nER  - \r\n";

#[test]
fn reference_exports_are_imported_over_http() {
    let (_dir, server) = start();
    let before = server.get("/healthz").json()["documents"].as_u64().unwrap();
    let upload = |query: &str, body: &str| {
        server.request(
            "POST",
            &format!("/v1/documents?{query}"),
            &[("Content-Type", "application/x-research-info-systems")],
            body.as_bytes(),
        )
    };
    // All or nothing: the record without a title is named by its line.
    let r = upload("format=ris", RIS_UPLOAD);
    assert_eq!(r.status, 422, "{}", r.body);
    let v = r.json();
    assert_eq!(v["error"]["committed"], false, "{v}");
    let errors = v["error"]["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(
        (errors[0]["line"].as_u64(), errors[0]["field"].as_str()),
        (Some(17), Some("title"))
    );
    assert_eq!(
        server.get("/healthz").json()["documents"].as_u64().unwrap(),
        before
    );

    let r = upload("format=ris&skip_invalid=true", RIS_UPLOAD);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["indexed"], 2);
    let record = server.get("/v1/documents/ris-2").json();
    assert_eq!(record["pub_date"], "2016-05-03");
    let hit = server
        .get(&format!("/v1/search?q={}", enc("变桨距")))
        .json();
    let id = hit["hits"][0]["id"].as_str().unwrap().to_string();
    let record = server.get(&format!("/v1/documents/{}", enc(&id))).json();
    assert_eq!(record["issue"], "7");
    assert_eq!(record["cn"], "32-1180/TP");
    assert_eq!(record["issn"], "1000-1026");
    assert_eq!(record["keywords"], json!(["变桨距", "风力发电"]));

    // A NoteExpress export from CNKI; the same upload twice replaces, never duplicates.
    let note = "{Reference Type}: Journal Article\n{Title}: 兆瓦级风电机组载荷计算\n{Author}: 王五;赵六;\n{Journal}: 太阳能学报\n{Year}: 2018\n{Issue}: 03\n{Keywords}: 风电机组;;载荷\n{Database Provider}: CNKI\n";
    let first = upload("format=noteexpress", note);
    assert_eq!(first.json()["indexed"], 1, "{}", first.body);
    let second = upload("format=noteexpress", note);
    assert_eq!(second.json()["replaced"], 1, "{}", second.body);

    let r = upload("format=docx", note);
    assert_eq!(
        (r.status, r.json()["error"]["field"].clone()),
        (422, json!("format"))
    );
    let r = server.request(
        "POST",
        "/v1/documents?format=ris",
        &[("Content-Type", "text/plain")],
        b"TY  - JOUR\nTI  - \xff\xfe\nER  - \n",
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("line 2"), "{}", r.body);
}

#[test]
fn a_reviewed_novelty_result_gives_the_same_report() {
    let (_dir, server) = start();
    let body = report_body();
    let novelty = server.post_json(
        "/v1/novelty",
        &json!({"points": body["points"], "cutoff": body["cutoff"], "limit": 10}).to_string(),
    );
    assert_eq!(novelty.status, 200, "{}", novelty.body);
    let searched = server.post_json("/v1/reports?format=markdown", &body.to_string());
    let mut from_result = json!({"project": body["project"], "novelty": novelty.json()});
    let given = server.post_json("/v1/reports?format=markdown", &from_result.to_string());
    assert_eq!(given.status, 200, "{}", given.body);
    assert_eq!(given.body, searched.body);
    // A report request may be larger than a search request (it may carry a long answer).
    let mut large = from_result.clone();
    large["project"]["summary"] = json!("采用无速度传感器矢量控制。".repeat(3000));
    let body = large.to_string();
    assert!(body.len() > 64 * 1024);
    assert_eq!(server.post_json("/v1/reports", &body).status, 200);
    // Points that are not the result's are refused.
    from_result["points"] = json!(["另一个查新点"]);
    let r = server.post_json("/v1/reports", &from_result.to_string());
    assert_eq!(
        (r.status, r.json()["error"]["field"].clone()),
        (422, json!("points"))
    );
}

/// A 国内外 report from Chinese points, on the shipped English patents and the shipped
/// lexicon: the English patents on NOx sensing with neural networks are foreign prior art, and
/// their English passages are quoted for the Chinese concepts they disclose.
/// A server on the shipped US patents and the shipped lexicon.
fn start_on_shipped_patents() -> (tempfile::TempDir, Server) {
    let dir = tempfile::tempdir().expect("tempdir");
    let shipped = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("index-data");
    let data = dir.path().join("data");
    std::fs::create_dir_all(data.join("lexicon")).unwrap();
    std::fs::copy(
        shipped.join("patentsview.ndjson.zst"),
        data.join("patentsview.ndjson.zst"),
    )
    .unwrap();
    for entry in std::fs::read_dir(shipped.join("lexicon")).unwrap() {
        let path = entry.unwrap().path();
        if path.to_string_lossy().ends_with(".tsv.zst") {
            std::fs::copy(&path, data.join("lexicon").join(path.file_name().unwrap())).unwrap();
        }
    }
    let server = Server::start_with(&dir.path().join("index"), &data, &["--open"], &[]);
    (dir, server)
}

#[test]
fn a_chinese_search_pages_through_re_ranked_english_patents_consistently() {
    let (_dir, server) = start_on_shipped_patents();
    let q = enc("神经网络 锅炉 燃烧 优化");
    let page = |extra: &str| -> (Vec<String>, Vec<f64>, Option<String>, Value) {
        let r = server.get(&format!("/v1/search?q={q}&highlight=false{extra}"));
        assert_eq!(r.status, 200, "{}", r.body);
        let v = r.json();
        let hits = v["hits"].as_array().unwrap();
        (
            hits.iter()
                .map(|h| h["id"].as_str().unwrap().to_string())
                .collect(),
            hits.iter().map(|h| h["score"].as_f64().unwrap()).collect(),
            v["next"].as_str().map(String::from),
            v,
        )
    };
    let (all, scores, _, first) = page("&limit=100");
    let total = first["total"].as_u64().unwrap();
    assert!(
        total > 130,
        "the test needs hits past the re-ranked ones: {total}"
    );
    assert_eq!(all.len(), 100);
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    // English patents on optimising combustion come first, found through the concepts'
    // English forms.
    let title = first["hits"][0]["title"].as_str().unwrap().to_lowercase();
    assert!(title.contains("combustion"), "{}", first["hits"]);
    let burns = first["concepts"].as_array().unwrap().iter().any(|c| {
        c["text"] == "燃烧"
            && c["forms"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["text"] == "combustion")
    });
    assert!(burns, "{}", first["concepts"]);
    // Pages by offset and pages by cursor cut the same ranking, past the re-ranked hits.
    let mut by_cursor = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..4 {
        let extra = match &cursor {
            Some(c) => format!("&limit=35&search_after={}", enc(c)),
            None => "&limit=35".to_string(),
        };
        let (ids, _, next, _) = page(&extra);
        by_cursor.extend(ids);
        cursor = next;
    }
    let mut by_offset = Vec::new();
    for offset in [0, 35, 70, 105] {
        by_offset.extend(page(&format!("&limit=35&offset={offset}")).0);
    }
    assert_eq!(by_cursor.len(), 140);
    assert_eq!(by_cursor, by_offset);
    assert_eq!(by_cursor[..100], all[..]);
    let unique: std::collections::HashSet<&String> = by_cursor.iter().collect();
    assert_eq!(unique.len(), by_cursor.len(), "a hit came twice");
}

#[test]
fn chinese_points_find_english_patents_with_english_evidence() {
    let (_dir, server) = start_on_shipped_patents();
    let body = json!({
        "project": {
            "name": "基于神经网络软测量的锅炉氮氧化物排放优化控制",
            "scope": "国内外"
        },
        "points": [
            "采用神经网络根据锅炉运行参数软测量烟气中的氮氧化物浓度",
            "以软测量结果替代NOx在线分析仪进行燃烧优化控制"
        ],
        "limit": 20
    });
    let r = server.post_json("/v1/reports", &body.to_string());
    assert_eq!(r.status, 200, "{}", r.body);
    let report = r.json();
    let foreign = |report: &Value| -> Vec<String> {
        report["foreign"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|d| d["id"].as_str().map(String::from))
            .collect()
    };
    assert!(
        !foreign(&report).is_empty(),
        "no foreign document: {report}"
    );
    // The lexicon knows no English for 软测量 (nor NOx for 氮氧化物); the examiner gives the
    // forms, and the NOx software sensor becomes the closest foreign document.
    let mut corrected = body.clone();
    corrected["synonyms"] = json!({
        "软测量": ["soft sensor", "software sensor", "virtual sensor"],
        "氮氧化物": ["NOx"],
        "烟气": ["flue gas"]
    });
    let r = server.post_json("/v1/reports", &corrected.to_string());
    assert_eq!(r.status, 200, "{}", r.body);
    let corrected = r.json();
    let ids = foreign(&corrected);
    assert_eq!(
        ids.first().map(String::as_str),
        Some("US7266460"),
        "{ids:?}"
    );
    assert!(ids.iter().any(|id| id == "US7765795"), "{ids:?}");
    let soft_sensor = corrected["comparison"][0]["disclosed"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["feature"] == "软测量")
        .cloned()
        .unwrap_or_default();
    assert!(
        soft_sensor["passages"][0]["text"]
            .as_str()
            .unwrap_or("")
            .contains("<em>software sensor</em>"),
        "{soft_sensor}"
    );
    // English evidence under a Chinese concept.
    let english_for_chinese = report["comparison"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["disclosed"].as_array().cloned().unwrap_or_default())
        .any(|d| {
            let concept = d["feature"].as_str().unwrap_or("");
            concept
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
                && d["passages"].as_array().is_some_and(|ps| {
                    ps.iter().any(|p| {
                        let text = p["text"].as_str().unwrap_or("");
                        text.contains("<em>") && text.is_ascii()
                    })
                })
        });
    assert!(
        english_for_chinese,
        "{}",
        serde_json::to_string_pretty(&report["comparison"]).unwrap()
    );
    // The search terms come from the concept blocks in both languages.
    let strategy = &report["strategy"];
    let zh: Vec<&str> = strategy["terms_zh"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let en: Vec<&str> = strategy["terms_en"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        zh.contains(&"神经网络") && en.contains(&"neural network"),
        "{zh:?} {en:?}"
    );
    for function_word in ["根据", "中", "进行", "结果", "以软", "采用"] {
        assert!(!zh.contains(&function_word), "{function_word} in {zh:?}");
    }
    // Every expression gives the same count through /v1/search.
    for point in strategy["points"].as_array().unwrap() {
        for e in point["expressions"].as_array().unwrap() {
            let q = e["expression"].as_str().unwrap();
            let s = server.get(&format!(
                "/v1/search?limit=1&cross_language=false&q={}",
                enc(q)
            ));
            assert_eq!(s.status, 200, "{q}: {}", s.body);
            assert_eq!(s.json()["total"], e["hits"], "{q}");
        }
    }
}
