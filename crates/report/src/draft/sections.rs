//! The draft's sections, as its JSON form carries them: cited documents, the strategy, the
//! point-by-point comparison, the conclusions and the examiner-style table.

use chaxin_index::PartialDate;
use chaxin_query::{Category, Collection, Expression};
use serde::{Deserialize, Serialize};

use super::request::{Project, ReportLang, ReportStyle};

/// Relevance tier of a cited document (密切相关 from X, 一般相关 from Y/A).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub enum Tier {
    /// 密切相关: discloses every key feature of a point (X).
    #[serde(rename = "密切相关")]
    Close,
    /// 一般相关: discloses some (Y or A).
    #[serde(rename = "一般相关")]
    General,
}

impl Tier {
    /// The tier as the report writes it.
    pub fn label(self) -> &'static str {
        match self {
            Tier::Close => "密切相关",
            Tier::General => "一般相关",
        }
    }
}

/// A cited document (检索结果).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CitedDocument {
    /// Reference number `[n]`, domestic documents first.
    pub number: usize,
    /// The record id.
    pub id: String,
    /// How closely it is related.
    pub tier: Tier,
    /// Its best category over the points.
    pub category: Category,
    /// GB/T 7714-2015 reference.
    pub citation: String,
    /// One line on what it is about (its first sentence).
    pub description: String,
    /// Points it relates to.
    pub points: Vec<usize>,
    /// False when the record has no date (it may not be prior art).
    pub date_known: bool,
}

/// A quoted passage that discloses a feature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Passage {
    /// Reference number of the document.
    pub number: usize,
    /// Field quoted (`title`, `abstract`, `claims`, …).
    pub field: String,
    /// The sentence, HTML-escaped, the feature in `<em>`.
    pub text: String,
}

/// A feature and the passages that disclose it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Disclosure {
    /// The feature.
    pub feature: String,
    /// The passages that disclose it, in citation order.
    pub passages: Vec<Passage>,
}

/// 对比分析 of one point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PointComparison {
    /// The point's number (1-based).
    pub point: usize,
    /// The point as written.
    pub text: String,
    /// Reference number of the document closest to the point.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closest: Option<usize>,
    /// Features disclosed by some cited document, in the point's order.
    pub disclosed: Vec<Disclosure>,
    /// Key features no cited document discloses.
    pub undisclosed: Vec<String>,
}

/// The search expressions of one point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PointStrategy {
    /// The point's number (1-based).
    pub point: usize,
    /// Its expressions with their hit counts.
    pub expressions: Vec<Expression>,
}

/// 文献检索范围及检索策略.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Strategy {
    /// Collections searched, with their year spans.
    pub collections: Vec<Collection>,
    /// Chinese search terms (检索词).
    pub terms_zh: Vec<String>,
    /// English search terms.
    pub terms_en: Vec<String>,
    /// The expressions of each point.
    pub points: Vec<PointStrategy>,
}

/// 查新结论 for one point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PointConclusion {
    /// The point's number (1-based).
    pub point: usize,
    /// The conclusion's wording.
    pub text: String,
}

/// One row of the examiner-style search report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SearchReportRow {
    /// X, Y or A.
    pub category: Category,
    /// The reference number.
    pub number: usize,
    /// The GB/T 7714 citation.
    pub citation: String,
    /// Relevant passages (at most three).
    pub passages: Vec<Passage>,
    /// The points it relates to.
    pub points: Vec<usize>,
}

/// A report draft (the JSON form; Markdown, HTML and DOCX are written from it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Report {
    /// Always `draft`: a 查新员 reviews and signs the report.
    pub status: String,
    /// The draft notice ([`super::DRAFT_NOTICE`]).
    pub notice: String,
    /// The layout.
    pub style: ReportStyle,
    /// Language of the examiner report's headings.
    pub lang: ReportLang,
    /// The project.
    pub project: Project,
    /// The cut-off date of the search.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cutoff: Option<PartialDate>,
    /// The report date, when the request gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<PartialDate>,
    /// 查新点, numbered from 1.
    pub points: Vec<String>,
    /// 查新要求.
    pub requirement: String,
    /// 文献检索范围及检索策略: where and how the search looked.
    pub strategy: Strategy,
    /// 国内 documents, by relevance.
    pub domestic: Vec<CitedDocument>,
    /// 国外 documents, by relevance.
    pub foreign: Vec<CitedDocument>,
    /// 对比分析: each point against the cited documents.
    pub comparison: Vec<PointComparison>,
    /// 查新结论: a neutral conclusion per point.
    pub conclusions: Vec<PointConclusion>,
    /// The examiner-style table: X, then Y, then A, by reference number.
    pub search_report: Vec<SearchReportRow>,
}
