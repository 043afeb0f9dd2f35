//! Running a collection through the engine.

use std::collections::BTreeMap;
use std::io::Write;
use std::time::Instant;

use chaxin_index::ChaxinIndex;
use chaxin_ingest::{collect_inputs, ingest, IngestOptions};
use chaxin_query::{
    plain_text_query, NoveltyRequest, SearchConfig, SearchEngine, SearchRequest, MAX_LIMIT,
};
use chaxin_text::AnalyzerSettings;
use serde::Serialize;

use crate::beir::{Dataset, EvalError};
use crate::metrics::{average_precision_at, ndcg_at, pres_at, recall_at, reciprocal_rank_at};

/// Scores of one query.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct QueryScores {
    /// nDCG@10.
    #[serde(rename = "nDCG@10")]
    pub ndcg10: f64,
    /// Recall@100.
    #[serde(rename = "Recall@100")]
    pub recall100: f64,
    /// MAP@100.
    #[serde(rename = "MAP@100")]
    pub map100: f64,
    /// MRR@10.
    #[serde(rename = "MRR@10")]
    pub mrr10: f64,
    /// PRES@100 (patent retrieval's recall-oriented measure).
    #[serde(rename = "PRES@100")]
    pub pres100: f64,
}

/// Mean scores of a collection, and every query's.
#[derive(Debug, Clone, Serialize)]
pub struct SetReport {
    /// The set's name.
    #[serde(skip)]
    pub name: String,
    /// The scores averaged over the judged queries.
    #[serde(flatten)]
    pub mean: QueryScores,
    /// Judged queries evaluated.
    pub queries: usize,
    /// Corpus documents the ingest rejected (e.g. empty ones); they cannot be found.
    pub rejected_docs: u64,
    /// Queries answered per second, one thread, search only (top 100, no highlighting).
    pub queries_per_sec: f64,
    /// The scores of each query, by query id.
    pub per_query: BTreeMap<String, QueryScores>,
    /// The ranking of every query (document ids, best first).
    #[serde(skip)]
    pub rankings: BTreeMap<String, Vec<String>>,
    /// Novelty mode: per query, the point's concepts and the top candidates with their score
    /// parts (one JSON object), to see why a ranking came out as it did.
    #[serde(skip)]
    pub explanations: BTreeMap<String, serde_json::Value>,
}

/// How queries are run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// As plain text through `SearchEngine::search`.
    #[default]
    Search,
    /// As a one-point novelty request (`SearchEngine::novelty`); collapsed near-duplicates
    /// follow the candidate they were folded into.
    Novelty,
}

/// Indexes `dataset` into a temporary index and evaluates every judged query.
pub fn evaluate(
    dataset: &Dataset,
    config: &SearchConfig,
    mode: Mode,
) -> Result<SetReport, EvalError> {
    let tmp = tempfile::tempdir().map_err(|source| EvalError::Io {
        path: std::env::temp_dir(),
        source,
    })?;
    let corpus = tmp.path().join("corpus.ndjson");
    let io = |source| EvalError::Io {
        path: corpus.clone(),
        source,
    };
    let mut out = std::io::BufWriter::new(std::fs::File::create(&corpus).map_err(io)?);
    for doc in &dataset.docs {
        let mut record = serde_json::Map::new();
        record.insert("id".into(), doc.id.clone().into());
        if !doc.title.trim().is_empty() {
            record.insert("title".into(), doc.title.clone().into());
        }
        if !doc.text.trim().is_empty() {
            record.insert("abstract".into(), doc.text.clone().into());
        }
        writeln!(out, "{}", serde_json::Value::Object(record)).map_err(io)?;
    }
    out.flush().map_err(io)?;
    drop(out);

    let started = Instant::now();
    let index = ChaxinIndex::create(&tmp.path().join("index"), AnalyzerSettings::default())
        .map_err(|e| EvalError::Index(e.to_string()))?;
    let inputs = collect_inputs(std::slice::from_ref(&corpus))
        .map_err(|e| EvalError::Index(e.to_string()))?;
    let summary = ingest(&index, &inputs, &IngestOptions::default())
        .map_err(|e| EvalError::Index(e.to_string()))?;
    tracing::info!(
        "{}: indexed {} documents in {:.1} s ({} rejected)",
        dataset.name,
        summary.indexed + summary.replaced,
        started.elapsed().as_secs_f64(),
        summary.rejected
    );
    let engine =
        SearchEngine::new(index, config.clone()).map_err(|e| EvalError::Index(e.to_string()))?;
    engine
        .reload()
        .map_err(|e| EvalError::Index(e.to_string()))?;

    let mut search_time = std::time::Duration::ZERO;
    let mut per_query = BTreeMap::new();
    let mut rankings = BTreeMap::new();
    let mut explanations = BTreeMap::new();
    for (id, text) in &dataset.queries {
        let Some(judgments) = dataset.qrels.get(id) else {
            continue;
        };
        if !judgments.values().any(|&g| g > 0) {
            continue;
        }
        let started = Instant::now();
        let failed = |e: chaxin_query::SearchError| EvalError::Index(format!("query {id}: {e}"));
        let ranking: Vec<String> = match mode {
            Mode::Search => {
                let request = SearchRequest {
                    q: plain_text_query(text),
                    limit: MAX_LIMIT,
                    highlight: false,
                    ..SearchRequest::default()
                };
                let response = engine.search(&request).map_err(failed)?;
                response.hits.into_iter().map(|h| h.id).collect()
            }
            Mode::Novelty => {
                let request = NoveltyRequest {
                    points: vec![text.clone()],
                    limit: MAX_LIMIT,
                    ..NoveltyRequest::default()
                };
                match engine.novelty(&request) {
                    Ok(response) => {
                        let top: Vec<serde_json::Value> = response
                            .candidates
                            .iter()
                            .take(3)
                            .map(|c| {
                                serde_json::json!({
                                    "id": c.id,
                                    "score": c.score,
                                    "parts": c.points.first().map(|p| p.explanation),
                                })
                            })
                            .collect();
                        explanations.insert(
                            id.clone(),
                            serde_json::json!({
                                "query": text,
                                "relevant": judgments.keys().collect::<Vec<_>>(),
                                "features": response.points.first().map(|p| &p.features),
                                "top": top,
                            }),
                        );
                        response
                            .candidates
                            .into_iter()
                            .flat_map(|c| std::iter::once(c.id).chain(c.collapsed))
                            .take(MAX_LIMIT)
                            .collect()
                    }
                    // A query of stop words only finds nothing, as in search mode.
                    Err(chaxin_query::SearchError::InvalidValue { .. }) => Vec::new(),
                    Err(e) => return Err(failed(e)),
                }
            }
        };
        search_time += started.elapsed();
        per_query.insert(
            id.clone(),
            QueryScores {
                ndcg10: ndcg_at(&ranking, judgments, 10),
                recall100: recall_at(&ranking, judgments, 100),
                map100: average_precision_at(&ranking, judgments, 100),
                mrr10: reciprocal_rank_at(&ranking, judgments, 10),
                pres100: pres_at(&ranking, judgments, 100),
            },
        );
        rankings.insert(id.clone(), ranking);
    }
    tracing::info!(
        "{}: ran {} queries in {:.1} s",
        dataset.name,
        per_query.len(),
        search_time.as_secs_f64()
    );
    let n = per_query.len().max(1) as f64;
    let mean = |f: fn(&QueryScores) -> f64| per_query.values().map(f).sum::<f64>() / n;
    Ok(SetReport {
        name: dataset.name.clone(),
        mean: QueryScores {
            ndcg10: mean(|s| s.ndcg10),
            recall100: mean(|s| s.recall100),
            map100: mean(|s| s.map100),
            mrr10: mean(|s| s.mrr10),
            pres100: mean(|s| s.pres100),
        },
        queries: per_query.len(),
        rejected_docs: summary.rejected,
        queries_per_sec: per_query.len() as f64 / search_time.as_secs_f64().max(1e-9),
        per_query,
        rankings,
        explanations,
    })
}

/// The rankings in TREC run format (`qid Q0 docid rank score run`). The score column is
/// `1000 − rank`, strictly decreasing, so trec_eval (which re-sorts by score, breaking ties by
/// document id) keeps chaxin's order, ties included.
pub fn trec_run(report: &SetReport) -> String {
    let mut out = String::new();
    for (query, ranking) in &report.rankings {
        for (i, doc) in ranking.iter().enumerate() {
            out.push_str(&format!(
                "{query} Q0 {doc} {} {} chaxin\n",
                i + 1,
                1000 - i as i64
            ));
        }
    }
    out
}

/// The reports as a Markdown table, one row per collection.
pub fn markdown_table(reports: &[SetReport]) -> String {
    let mut out = String::from("| set | queries | nDCG@10 | Recall@100 | MAP@100 | MRR@10 | PRES@100 |\n|---|---|---|---|---|---|---|\n");
    for r in reports {
        let m = &r.mean;
        out.push_str(&format!(
            "| {} | {} | {:.4} | {:.4} | {:.4} | {:.4} | {:.4} |\n",
            r.name, r.queries, m.ndcg10, m.recall100, m.map100, m.mrr10, m.pres100
        ));
    }
    out
}
