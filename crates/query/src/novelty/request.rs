//! What a novelty request asks: its points, cut-off, filters, corrections, and their checks.

use std::collections::BTreeMap;

use chaxin_index::{Kind, PartialDate};
use serde::{Deserialize, Serialize};

use super::{edits, ConceptEdit, MAX_NOVELTY_LIMIT, MAX_POINTS};
use crate::engine::check_langs;
use crate::error::SearchError;
use crate::parser::MAX_QUERY_CHARS;

fn default_limit() -> usize {
    50
}

/// Filters of a novelty request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoveltyFilters {
    /// Only these kinds.
    #[serde(default)]
    pub kind: Vec<Kind>,
    /// Only these languages.
    #[serde(default)]
    pub lang: Vec<String>,
    /// Only records with one of these IPC codes or prefixes (`H01M`, `C22C 38/`).
    #[serde(default)]
    pub ipc: Vec<String>,
}

/// The body of `POST /v1/novelty`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoveltyRequest {
    /// The innovation points, in Chinese or English.
    pub points: Vec<String>,
    /// Only prior art before this date (patents by priority, else filing, else publication
    /// date). Records without any date are kept and flagged unless `drop_undated`.
    #[serde(default)]
    pub cutoff: Option<PartialDate>,
    /// Kinds, languages and IPC codes the candidates must have.
    #[serde(default)]
    pub filters: NoveltyFilters,
    /// Expert-language expressions every candidate must match (`KD=patent`, `IPC=H01M*`).
    #[serde(default)]
    pub must: Vec<String>,
    /// Other ways of saying a word of the points: `{"石墨烯": ["graphene"]}`.
    #[serde(default)]
    pub synonyms: BTreeMap<String, Vec<String>>,
    /// Corrections of the extracted concepts, in order: merge, add, drop, mark essential,
    /// give forms (see [`ConceptEdit`]).
    #[serde(default)]
    pub concepts: Vec<ConceptEdit>,
    /// Candidates returned.
    #[serde(default = "default_limit")]
    pub limit: usize,
    /// Leave out records with no date at all.
    #[serde(default)]
    pub drop_undated: bool,
}

impl Default for NoveltyRequest {
    fn default() -> Self {
        Self {
            points: Vec::new(),
            cutoff: None,
            filters: NoveltyFilters::default(),
            must: Vec::new(),
            synonyms: BTreeMap::new(),
            concepts: Vec::new(),
            limit: default_limit(),
            drop_undated: false,
        }
    }
}

impl NoveltyRequest {
    /// Checks sizes and values; errors name the field.
    pub fn validate(&self) -> Result<(), SearchError> {
        let invalid = |field, message: String| Err(SearchError::InvalidValue { field, message });
        if self.points.is_empty() || self.points.len() > MAX_POINTS {
            return invalid(
                "points",
                format!(
                    "give between 1 and {MAX_POINTS} innovation points, got {}",
                    self.points.len()
                ),
            );
        }
        for (i, point) in self.points.iter().enumerate() {
            let chars = point.chars().count();
            if point.trim().is_empty() || chars > MAX_QUERY_CHARS {
                return invalid(
                    "points",
                    format!(
                        "point {} must have 1 to {MAX_QUERY_CHARS} characters, it has {chars}",
                        i + 1
                    ),
                );
            }
        }
        if self.limit == 0 || self.limit > MAX_NOVELTY_LIMIT {
            return invalid(
                "limit",
                format!(
                    "must be between 1 and {MAX_NOVELTY_LIMIT}, got {}",
                    self.limit
                ),
            );
        }
        check_langs("filters.lang", &self.filters.lang)?;
        if self.synonyms.len() > 200 || self.synonyms.values().any(|v| v.len() > 50) {
            return invalid(
                "synonyms",
                "at most 200 words with at most 50 synonyms each".to_string(),
            );
        }
        edits::validate(&self.concepts, self.points.len())
    }
}
