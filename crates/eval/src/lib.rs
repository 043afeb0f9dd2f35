//! Relevance evaluation on test collections in BEIR layout (`corpus.jsonl`, `queries.jsonl`,
//! `qrels/test.tsv`): index the corpus with the real analyzer and ingest pipeline, run every
//! query through [`chaxin_query::SearchEngine::search`] (the code path of the HTTP API) and score
//! the rankings with nDCG@10, Recall@100, MAP@100, MRR@10 and PRES@100.

#![warn(missing_docs)]

mod beir;
pub mod metrics;
mod run;

pub use beir::{load, load_qrels, Dataset, EvalError};
pub use run::{evaluate, markdown_table, trec_run, Mode, QueryScores, SetReport};
