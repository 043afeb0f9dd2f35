//! Loading a BEIR-layout collection.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Errors reading a collection: the file, the line and why.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// A file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A line of a file is not what the BEIR layout expects.
    #[error("{path}:{line}: {reason}")]
    Format {
        /// The file.
        path: PathBuf,
        /// The 1-based line.
        line: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// The evaluation index could not be built or searched.
    #[error("{0}")]
    Index(String),
}

/// One corpus document.
#[derive(Debug, Clone, Deserialize)]
pub struct Doc {
    #[serde(rename = "_id")]
    pub id: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub text: String,
}

#[derive(Debug, Clone, Deserialize)]
struct Query {
    #[serde(rename = "_id")]
    id: String,
    text: String,
}

/// A collection: documents, queries and graded judgments (`qrels[query][doc] = grade`).
#[derive(Debug, Clone)]
pub struct Dataset {
    /// The set's directory name (`cx-zh2en`, `scifact`, …).
    pub name: String,
    /// The corpus.
    pub docs: Vec<Doc>,
    /// The queries: id and text.
    pub queries: Vec<(String, String)>,
    /// Relevance judgments: query id → document id → grade.
    pub qrels: HashMap<String, HashMap<String, i32>>,
}

impl Dataset {
    /// Keeps the queries whose judged documents belong to fold `k` of `n` (the paper a
    /// document comes from: `cx201601.00052-en` → `201601.00052`, see
    /// [`chaxin_lexicon::mine::fold_of`]), so that a lexicon mined without that fold is
    /// evaluated on papers it has not seen.
    pub fn keep_fold(&mut self, k: usize, n: usize) {
        use chaxin_lexicon::mine::{fold_of, paper_of_document};
        let qrels = &self.qrels;
        self.queries.retain(|(id, _)| {
            qrels.get(id).is_some_and(|judged| {
                judged
                    .iter()
                    .filter(|(_, &g)| g > 0)
                    .all(|(doc, _)| fold_of(paper_of_document(doc), n) == k)
            })
        });
    }
}

fn read(path: &Path) -> Result<String, EvalError> {
    std::fs::read_to_string(path).map_err(|source| EvalError::Io {
        path: path.to_path_buf(),
        source,
    })
}

fn jsonl<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Vec<T>, EvalError> {
    read(path)?
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| EvalError::Format {
                path: path.to_path_buf(),
                line: i + 1,
                reason: e.to_string(),
            })
        })
        .collect()
}

/// Loads `dir` (named after its last path component).
pub fn load(dir: &Path) -> Result<Dataset, EvalError> {
    let name = dir.file_name().map_or_else(
        || dir.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let docs: Vec<Doc> = jsonl(&dir.join("corpus.jsonl"))?;
    let queries: Vec<Query> = jsonl(&dir.join("queries.jsonl"))?;
    Ok(Dataset {
        name,
        docs,
        queries: queries.into_iter().map(|q| (q.id, q.text)).collect(),
        qrels: load_qrels(dir)?,
    })
}

/// The graded judgments of `dir` (`qrels/test.tsv`: `query-id<TAB>corpus-id<TAB>score`, an
/// optional header line), as `qrels[query][doc] = grade`.
pub fn load_qrels(dir: &Path) -> Result<HashMap<String, HashMap<String, i32>>, EvalError> {
    let qrels_path = dir.join("qrels").join("test.tsv");
    let mut qrels: HashMap<String, HashMap<String, i32>> = HashMap::new();
    for (i, line) in read(&qrels_path)?.lines().enumerate() {
        let fields: Vec<&str> = line.split('\t').collect();
        if line.trim().is_empty() || (i == 0 && fields.get(2).is_some_and(|f| f.trim() == "score"))
        {
            continue;
        }
        let bad = |reason: String| EvalError::Format {
            path: qrels_path.clone(),
            line: i + 1,
            reason,
        };
        let [query, doc, grade] = fields[..] else {
            return Err(bad(format!(
                "expected `query-id<TAB>corpus-id<TAB>score`, got {} fields",
                fields.len()
            )));
        };
        let grade: i32 = grade
            .trim()
            .parse()
            .map_err(|_| bad(format!("score `{grade}` is not an integer")))?;
        qrels
            .entry(query.to_string())
            .or_default()
            .insert(doc.to_string(), grade);
    }
    Ok(qrels)
}
