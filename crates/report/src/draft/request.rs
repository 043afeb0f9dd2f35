//! The report request (`POST /v1/reports`, `chaxin report`): the project, its points and
//! the novelty search to run, and its validation.

use std::collections::BTreeMap;

use chaxin_index::PartialDate;
use chaxin_query::{ConceptEdit, NoveltyFilters, NoveltyRequest, NoveltyResponse};
use serde::{Deserialize, Serialize};

use super::MAX_REPORT_DOCUMENTS;

/// Where the search looked (查新范围).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub enum Scope {
    /// Chinese-language literature and Chinese patents only.
    #[serde(rename = "国内", alias = "domestic")]
    Domestic,
    /// Chinese and foreign literature.
    #[default]
    #[serde(rename = "国内外", alias = "worldwide")]
    Worldwide,
}

/// Report layout.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ReportStyle {
    /// 科技查新报告 sections (查新目的 … 查新结论).
    #[default]
    Station,
    /// Patent-examiner search report: `Category | Citation | Relevant to point No.`
    Examiner,
}

impl ReportStyle {
    /// Parses `station` or `examiner`.
    pub fn parse(name: &str) -> Option<ReportStyle> {
        match name {
            "station" => Some(ReportStyle::Station),
            "examiner" => Some(ReportStyle::Examiner),
            _ => None,
        }
    }
}

/// Language of the examiner-style headings (the station report is in Chinese).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ReportLang {
    /// Chinese headings.
    #[default]
    Zh,
    /// English headings.
    En,
}

/// The project under search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Project {
    /// 查新项目名称.
    pub name: String,
    /// The project's English name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    /// 委托人.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    /// 查新目的 (`立项查新`, `成果鉴定`, `专利申请`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    /// 查新项目的科学技术要点.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Where the search looks: domestic or worldwide.
    #[serde(default)]
    pub scope: Scope,
}

fn default_report_limit() -> usize {
    20
}

/// The body of `POST /v1/reports`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportRequest {
    /// The project under search.
    pub project: Project,
    /// 查新点: the innovation points (may be left out when `novelty` is given).
    #[serde(default)]
    pub points: Vec<String>,
    /// Only prior art before this date.
    #[serde(default)]
    pub cutoff: Option<PartialDate>,
    /// Kinds, languages and IPC codes the prior art must have.
    #[serde(default)]
    pub filters: NoveltyFilters,
    /// Expressions every candidate must match (query language).
    #[serde(default)]
    pub must: Vec<String>,
    /// Synonyms of the points' words, by word.
    #[serde(default)]
    pub synonyms: BTreeMap<String, Vec<String>>,
    /// Corrections of the extracted concepts (as in a novelty request).
    #[serde(default)]
    pub concepts: Vec<ConceptEdit>,
    /// Documents cited at most (1–100).
    #[serde(default = "default_report_limit")]
    pub limit: usize,
    /// Leave out records without a date (they may not be prior art).
    #[serde(default)]
    pub drop_undated: bool,
    /// Station report (查新报告) or examiner search report.
    #[serde(default)]
    pub style: ReportStyle,
    /// Language of the examiner report's headings.
    #[serde(default)]
    pub lang: ReportLang,
    /// Report date, printed when given (the draft never reads the clock).
    #[serde(default)]
    pub date: Option<PartialDate>,
    /// A `POST /v1/novelty` answer to report on instead of searching again (say, after the
    /// 查新员 has reviewed it); its points and cut-off are the report's.
    #[serde(default)]
    pub novelty: Option<NoveltyResponse>,
}

/// Why a report request is refused: the field and the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ReportError {
    /// The request field at fault.
    pub field: &'static str,
    /// What is wrong with it.
    pub message: String,
}

impl ReportRequest {
    /// Checks what the novelty request does not: the project, the limit, and that a given
    /// novelty result is for the request's points.
    pub fn validate(&self) -> Result<(), ReportError> {
        if let Some(novelty) = &self.novelty {
            let points: Vec<&str> = novelty.points.iter().map(|p| p.text.as_str()).collect();
            if !self.points.is_empty() && self.points != points {
                return Err(ReportError {
                    field: "points",
                    message: "differ from the points of the given novelty result: leave them \
                              out, or run the search again"
                        .into(),
                });
            }
            if self.cutoff.is_some() && self.cutoff != novelty.cutoff {
                return Err(ReportError {
                    field: "cutoff",
                    message: "differs from the cut-off of the given novelty result".into(),
                });
            }
            if novelty.points.is_empty() || novelty.points.len() > chaxin_query::MAX_POINTS {
                return Err(ReportError {
                    field: "novelty.points",
                    message: format!(
                        "the novelty result must have 1 to {} points, it has {}",
                        chaxin_query::MAX_POINTS,
                        novelty.points.len()
                    ),
                });
            }
            if novelty.candidates.len() > chaxin_query::MAX_NOVELTY_LIMIT {
                return Err(ReportError {
                    field: "novelty.candidates",
                    message: format!(
                        "the novelty result may list at most {} candidates, it has {}",
                        chaxin_query::MAX_NOVELTY_LIMIT,
                        novelty.candidates.len()
                    ),
                });
            }
        }
        if self.project.name.trim().is_empty() {
            return Err(ReportError {
                field: "project.name",
                message: "the project needs a name (查新项目名称)".into(),
            });
        }
        if self.limit == 0 || self.limit > MAX_REPORT_DOCUMENTS {
            return Err(ReportError {
                field: "limit",
                message: format!(
                    "must be between 1 and {MAX_REPORT_DOCUMENTS}, got {}",
                    self.limit
                ),
            });
        }
        Ok(())
    }

    /// The novelty search the report runs: a domestic scope searches Chinese records only.
    pub fn novelty_request(&self) -> NoveltyRequest {
        let mut filters = self.filters.clone();
        if self.project.scope == Scope::Domestic && filters.lang.is_empty() {
            filters.lang = vec!["zh".into()];
        }
        NoveltyRequest {
            points: self.points.clone(),
            cutoff: self.cutoff,
            filters,
            must: self.must.clone(),
            synonyms: self.synonyms.clone(),
            concepts: self.concepts.clone(),
            limit: self.limit,
            drop_undated: self.drop_undated,
        }
    }
}
