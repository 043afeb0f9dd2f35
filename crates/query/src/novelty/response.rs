//! What a novelty search answers: per point its concepts and expressions, and the candidates
//! with what each discloses of each point (category, coverage, found and missing concepts,
//! evidence, the score's parts).

use chaxin_index::{Kind, PartialDate};
use serde::{Deserialize, Serialize};

use super::evidence::FoundFeature;
use super::features::Feature;

/// Relevance class of a document for a point (search-report categories).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema,
)]
pub enum Category {
    /// Discloses every key feature of the point on its own.
    X,
    /// Discloses most key features; with another candidate it covers the point.
    Y,
    /// Background.
    A,
}

/// A search expression that was run, with its hit count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Expression {
    /// `all` (every concept block), `essential` (the essential ones), `relaxed` (the
    /// essential blocks without the least specific ones, when the stricter expressions found
    /// nothing), `broad` (any concept: the ranking expression).
    pub purpose: String,
    /// `zh` or `en` for the blocks of one language only (中文检索式, 英文检索式); absent
    /// for the expressions that join both languages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// The expression in the expert language, as normalised.
    pub expression: String,
    /// Records it matches.
    pub hits: u64,
}

/// What the response says about one point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PointReport {
    /// 1-based number of the point.
    pub point: usize,
    /// The point as written.
    pub text: String,
    /// Its features, in the order of the point.
    pub features: Vec<Feature>,
    /// The point's search expressions with their hit counts.
    pub expressions: Vec<Expression>,
    /// Id of the candidate that covers the point best.
    pub closest: Option<String>,
}

/// Score components of one point (the machine-readable explanation).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ScoreParts {
    /// BM25 of the broad expression plus that of the point's exact-stream terms at a quarter
    /// weight (0 when the point's search did not retrieve it).
    pub bm25: f32,
    /// Credit for consecutive features standing close together.
    pub proximity: f32,
    /// Weighted share of the point's features found.
    pub coverage: f32,
    /// Weighted share found in one sentence.
    pub sentence: f32,
    /// `bm25 + 1.0 × proximity + (0.5 × coverage + 0.5 × sentence) × total feature weight`.
    pub score: f32,
}

/// How a candidate relates to one point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PointMatch {
    /// The point's number (1-based).
    pub point: usize,
    /// `X`: every essential concept disclosed; `Y`: most of the concepts, the rest by another
    /// candidate; `A`: background.
    pub category: Category,
    /// It discloses only the point's least specific concept (`神经网络` of a point about
    /// soft-sensing NOx): background at most, left out of report drafts.
    #[serde(default)]
    pub only_lightest: bool,
    /// Weighted share of the key features (not `方法`, `system`, …) found.
    pub coverage: f32,
    /// The concepts found, each with a passage that shows it.
    pub found: Vec<FoundFeature>,
    /// The concepts not found in the record.
    pub missing: Vec<String>,
    /// How the score is made up.
    pub explanation: ScoreParts,
}

/// A prior-art candidate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Candidate {
    /// The record id.
    pub id: String,
    /// Best point's score plus a quarter of the others'.
    pub score: f32,
    /// The best category over the points.
    pub category: Category,
    /// Record kind.
    pub kind: Kind,
    /// Record language.
    pub lang: String,
    /// The title in the record's language.
    pub title: String,
    /// Authors, then inventors.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    /// Journal, proceedings or other venue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub venue: Option<String>,
    /// Publication date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pub_date: Option<PartialDate>,
    /// The date compared with the cut-off (priority, filing or publication).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective_date: Option<PartialDate>,
    /// False when the record has no date: it may not be prior art.
    pub date_known: bool,
    /// DOI.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doi: Option<String>,
    /// Patent publication number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pub_number: Option<String>,
    /// What the record discloses of each point, in point order.
    pub points: Vec<PointMatch>,
    /// Ids of near-duplicates folded into this one (same DOI, title or patent family).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub collapsed: Vec<String>,
}

/// The answer to a novelty request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NoveltyResponse {
    /// The cut-off date: only records before it are prior art.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cutoff: Option<PartialDate>,
    /// Each point's concepts, expressions and closest candidate.
    pub points: Vec<PointReport>,
    /// Distinct candidates considered (before collapsing and the limit).
    pub considered: usize,
    /// The candidates, best first (duplicates collapsed into the first).
    pub candidates: Vec<Candidate>,
    /// Time spent in the engine, in milliseconds.
    pub took_ms: f64,
}
