//! The 科技查新报告 draft: a novelty result turned into the sections of a GB/T 32003-style
//! report (or a patent-examiner search report), for the 查新员 to review and sign.
//!
//! Invariants: the draft is built only from the request, the novelty result, the cited
//! records and the index's collections — no clock, no randomness — so the same index and
//! request give the same draft byte for byte. Its wording states what was and was not found
//! in the searched collections; it never grades novelty ([`EVALUATIVE_PHRASES`] are tested
//! absent).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chaxin_index::{PartialDate, Record};
use chaxin_query::{
    Candidate, Category, Collection, ConceptEdit, Expression, NoveltyFilters, NoveltyRequest,
    NoveltyResponse,
};
use serde::{Deserialize, Serialize};

use crate::citation::gbt7714;

/// Phrases a draft never writes: grading novelty is the 查新员's call, not the engine's.
pub const EVALUATIVE_PHRASES: &[&str] = &[
    "国内首创",
    "国际首创",
    "填补空白",
    "填补国内空白",
    "国际领先",
    "国内领先",
    "国际先进",
    "国内先进",
    "领先水平",
    "首次提出",
    "具有新颖性",
    "不具有新颖性",
];

/// Most documents cited in a report.
pub const MAX_REPORT_DOCUMENTS: usize = 100;
/// Passages quoted per feature in the comparison.
const PASSAGES_PER_FEATURE: usize = 3;

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
    #[default]
    Zh,
    En,
}

/// The project under search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Project {
    /// 查新项目名称.
    pub name: String,
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
    pub project: Project,
    /// 查新点: the innovation points (may be left out when `novelty` is given).
    #[serde(default)]
    pub points: Vec<String>,
    /// Only prior art before this date.
    #[serde(default)]
    pub cutoff: Option<PartialDate>,
    #[serde(default)]
    pub filters: NoveltyFilters,
    #[serde(default)]
    pub must: Vec<String>,
    #[serde(default)]
    pub synonyms: BTreeMap<String, Vec<String>>,
    /// Corrections of the extracted concepts (as in a novelty request).
    #[serde(default)]
    pub concepts: Vec<ConceptEdit>,
    /// Documents cited at most (1–100).
    #[serde(default = "default_report_limit")]
    pub limit: usize,
    #[serde(default)]
    pub drop_undated: bool,
    #[serde(default)]
    pub style: ReportStyle,
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
    pub field: &'static str,
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

/// Relevance tier of a cited document (密切相关 from X, 一般相关 from Y/A).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub enum Tier {
    #[serde(rename = "密切相关")]
    Close,
    #[serde(rename = "一般相关")]
    General,
}

impl Tier {
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
    pub id: String,
    pub tier: Tier,
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
    pub feature: String,
    pub passages: Vec<Passage>,
}

/// 对比分析 of one point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PointComparison {
    pub point: usize,
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
    pub point: usize,
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
    pub points: Vec<PointStrategy>,
}

/// 查新结论 for one point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PointConclusion {
    pub point: usize,
    pub text: String,
}

/// One row of the examiner-style search report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SearchReportRow {
    pub category: Category,
    pub number: usize,
    pub citation: String,
    /// Relevant passages (at most three).
    pub passages: Vec<Passage>,
    pub points: Vec<usize>,
}

/// A report draft (the JSON form; Markdown, HTML and DOCX are written from it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Report {
    /// Always `draft`: a 查新员 reviews and signs the report.
    pub status: String,
    pub notice: String,
    pub style: ReportStyle,
    pub lang: ReportLang,
    pub project: Project,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cutoff: Option<PartialDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<PartialDate>,
    /// 查新点, numbered from 1.
    pub points: Vec<String>,
    /// 查新要求.
    pub requirement: String,
    pub strategy: Strategy,
    /// 国内 documents, by relevance.
    pub domestic: Vec<CitedDocument>,
    /// 国外 documents, by relevance.
    pub foreign: Vec<CitedDocument>,
    pub comparison: Vec<PointComparison>,
    pub conclusions: Vec<PointConclusion>,
    /// The examiner-style table: X, then Y, then A, by reference number.
    pub search_report: Vec<SearchReportRow>,
}

/// Draft notice printed at the top of every rendering.
/// Forms of a concept listed among the search terms (检索词), at most.
const TERMS_PER_CONCEPT: usize = 3;
/// Smallest confidence of a lexicon form listed among the search terms.
const TERM_CONFIDENCE: f32 = 0.6;

pub const DRAFT_NOTICE: &str = "草稿：本报告由 chaxin 根据检索结果自动生成，检索式、文献相关性与结论措辞须经查新员审核、修改并签字后方可出具。Draft for review by the search examiner.";

/// A domestic document: Chinese-language, or a Chinese patent.
fn is_domestic(candidate: &Candidate) -> bool {
    candidate.lang == "zh"
        || candidate
            .pub_number
            .as_deref()
            .is_some_and(|n| n.starts_with("CN"))
}

/// The first sentence of the abstract (at most 120 characters), else the title.
fn description(record: Option<&Record>, candidate: &Candidate) -> String {
    let text = record
        .and_then(|r| r.abstract_text.as_ref())
        .map(|a| a.preferred(&candidate.lang).to_string())
        .unwrap_or_default();
    let first = chaxin_text::sentences(&text)
        .into_iter()
        .map(|range| text[range].trim().to_string())
        .find(|s| !s.is_empty())
        .unwrap_or_else(|| candidate.title.clone());
    let mut chars = first.chars();
    let short: String = chars.by_ref().take(120).collect();
    if chars.next().is_some() {
        format!("{short}…")
    } else {
        short
    }
}

/// A record for the citation: the indexed one, else what the candidate carries.
fn citation_record(record: Option<&Record>, candidate: &Candidate) -> Record {
    record.cloned().unwrap_or_else(|| Record {
        id: candidate.id.clone(),
        kind: candidate.kind,
        lang: Some(candidate.lang.clone()),
        title: Some(chaxin_index::Localized::Text(candidate.title.clone())),
        authors: candidate.authors.clone(),
        venue: candidate.venue.clone(),
        pub_date: candidate.pub_date,
        doi: candidate.doi.clone(),
        pub_number: candidate.pub_number.clone(),
        ..Record::default()
    })
}

fn refs(numbers: &[usize]) -> String {
    numbers.iter().map(|n| format!("[{n}]")).collect()
}

fn quoted(words: &[String]) -> String {
    words
        .iter()
        .map(|w| format!("“{w}”"))
        .collect::<Vec<_>>()
        .join("、")
}

/// Collections as a phrase: `CSL（2000—2021）、arXiv（2007—2023）`.
fn collections_phrase(collections: &[Collection]) -> String {
    let list: Vec<String> = collections
        .iter()
        .map(|c| match (c.first_year, c.last_year) {
            (Some(a), Some(b)) if a != b => format!("{}（{a}—{b}）", c.name),
            (Some(a), _) => format!("{}（{a}）", c.name),
            _ => c.name.clone(),
        })
        .collect();
    if list.is_empty() {
        "所检索的数据库".into()
    } else {
        list.join("、")
    }
}

/// Builds the draft from the novelty result. `records` holds the cited records by id (a
/// candidate missing there is cited from what the result carries); `collections` are the
/// searched collections.
pub fn build(
    request: &ReportRequest,
    novelty: &NoveltyResponse,
    records: &HashMap<String, Record>,
    collections: &[Collection],
) -> Report {
    let collections: Vec<Collection> = collections
        .iter()
        .filter(|c| match request.project.scope {
            Scope::Domestic => c.langs.contains("zh"),
            Scope::Worldwide => true,
        })
        .cloned()
        .collect();
    // Reference numbers: domestic first, each by relevance.
    // A given novelty result may hold more candidates than the report cites.
    // A record that discloses nothing, or only a point's least specific concept, is not
    // prior art worth citing.
    let (domestic, foreign): (Vec<&Candidate>, Vec<&Candidate>) = novelty
        .candidates
        .iter()
        .filter(|c| {
            c.points
                .iter()
                .any(|p| !p.found.is_empty() && !p.only_lightest)
        })
        .take(request.limit)
        .partition(|c| is_domestic(c));
    let ordered: Vec<&Candidate> = domestic.iter().chain(&foreign).copied().collect();
    let number_of: HashMap<&str, usize> = ordered
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i + 1))
        .collect();
    // Each document is cited once; the lists and the examiner table share these.
    let cited: Vec<CitedDocument> = ordered
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let record = records.get(&c.id);
            CitedDocument {
                number: i + 1,
                id: c.id.clone(),
                tier: if c.category == Category::X {
                    Tier::Close
                } else {
                    Tier::General
                },
                category: c.category,
                citation: gbt7714(&citation_record(record, c)),
                description: description(record, c),
                points: c
                    .points
                    .iter()
                    .filter(|p| !p.found.is_empty())
                    .map(|p| p.point)
                    .collect(),
                date_known: c.date_known,
            }
        })
        .collect();

    // Search terms in first-seen order (it reads better than sorted), each once.
    let mut terms_zh: Vec<String> = Vec::new();
    let mut terms_en: Vec<String> = Vec::new();
    for point in &novelty.points {
        for feature in point.features.iter().filter(|f| !f.generic) {
            // The concept and its surest forms (a request's own synonyms always): a search
            // term list is read by people, the long tail of dictionary senses is not for them.
            let forms = feature
                .forms
                .iter()
                .filter(|f| {
                    f.source == chaxin_lexicon::Source::User || f.confidence >= TERM_CONFIDENCE
                })
                .take(TERMS_PER_CONCEPT)
                .map(|f| &f.text);
            let synonyms: Vec<&String> = if feature.forms.is_empty() {
                feature.synonyms.iter().collect()
            } else {
                forms.collect()
            };
            for word in std::iter::once(&feature.text).chain(synonyms) {
                let terms = if word.chars().any(chaxin_text::is_han) {
                    &mut terms_zh
                } else {
                    &mut terms_en
                };
                if !terms.contains(word) {
                    terms.push(word.clone());
                }
            }
        }
    }

    let comparison: Vec<PointComparison> = novelty
        .points
        .iter()
        .map(|point| {
            let key: Vec<&str> = point
                .features
                .iter()
                .filter(|f| !f.generic)
                .map(|f| f.text.as_str())
                .collect();
            let mut disclosed = Vec::new();
            let mut undisclosed = Vec::new();
            for feature in &key {
                let passages: Vec<Passage> = ordered
                    .iter()
                    .filter_map(|c| {
                        let m = c.points.iter().find(|m| m.point == point.point)?;
                        let found = m.found.iter().find(|f| f.feature == *feature)?;
                        Some(Passage {
                            number: number_of[c.id.as_str()],
                            field: found.field.to_string(),
                            text: found.passage.clone(),
                        })
                    })
                    .take(PASSAGES_PER_FEATURE)
                    .collect();
                if passages.is_empty() {
                    undisclosed.push(feature.to_string());
                } else {
                    disclosed.push(Disclosure {
                        feature: feature.to_string(),
                        passages,
                    });
                }
            }
            PointComparison {
                point: point.point,
                text: point.text.clone(),
                closest: point
                    .closest
                    .as_deref()
                    .and_then(|id| number_of.get(id).copied()),
                disclosed,
                undisclosed,
            }
        })
        .collect();

    let where_searched = collections_phrase(&collections);
    let cutoff = novelty
        .cutoff
        .map(|d| format!("（{d}之前公开）"))
        .unwrap_or_default();
    let conclusions = comparison
        .iter()
        .map(|cmp| PointConclusion {
            point: cmp.point,
            text: conclusion(cmp, &ordered, &number_of, &where_searched, &cutoff),
        })
        .collect();

    let mut search_report: Vec<SearchReportRow> = ordered
        .iter()
        .zip(&cited)
        .map(|(c, doc)| {
            SearchReportRow {
                category: c.category,
                number: doc.number,
                citation: doc.citation.clone(),
                passages: c
                    .points
                    .iter()
                    .flat_map(|m| &m.found)
                    .map(|f| Passage {
                        number: doc.number,
                        field: f.field.clone(),
                        text: f.passage.clone(),
                    })
                    .fold(Vec::<Passage>::new(), |mut acc, p| {
                        // One sentence once, whichever point's features it marks.
                        let unmarked = |t: &str| t.replace("<em>", "").replace("</em>", "");
                        let seen = acc.iter().any(|q| unmarked(&q.text) == unmarked(&p.text));
                        if !seen && acc.len() < PASSAGES_PER_FEATURE {
                            acc.push(p);
                        }
                        acc
                    }),
                points: doc.points.clone(),
            }
        })
        .collect();
    search_report.sort_by_key(|row| (row.category, row.number));

    let scope = match request.project.scope {
        Scope::Domestic => "国内",
        Scope::Worldwide => "国内外",
    };
    Report {
        status: "draft".into(),
        notice: DRAFT_NOTICE.into(),
        style: request.style,
        lang: request.lang,
        project: request.project.clone(),
        cutoff: novelty.cutoff,
        date: request.date,
        points: novelty.points.iter().map(|p| p.text.clone()).collect(),
        requirement: format!(
            "查证{scope}公开文献{cutoff}中是否有与上述查新点相同或相近的报道，逐点给出检出文献与查新点的对比。"
        ),
        strategy: Strategy {
            collections,
            terms_zh,
            terms_en,
            points: novelty
                .points
                .iter()
                .map(|p| PointStrategy {
                    point: p.point,
                    expressions: p.expressions.clone(),
                })
                .collect(),
        },
        domestic: cited[..domestic.len()].to_vec(),
        foreign: cited[domestic.len()..].to_vec(),
        comparison,
        conclusions,
        search_report,
    }
}

/// Neutral wording of what the search found for one point.
fn conclusion(
    cmp: &PointComparison,
    ordered: &[&Candidate],
    number_of: &HashMap<&str, usize>,
    where_searched: &str,
    cutoff: &str,
) -> String {
    let mut text = format!("在{where_searched}{cutoff}中，");
    let related: Vec<(usize, Category, Vec<String>)> = ordered
        .iter()
        .filter_map(|c| {
            let m = c.points.iter().find(|m| m.point == cmp.point)?;
            (!m.found.is_empty()).then(|| {
                let features = m.found.iter().map(|f| f.feature.clone()).collect();
                (number_of[c.id.as_str()], m.category, features)
            })
        })
        .collect();
    let all_key: Vec<String> = cmp
        .disclosed
        .iter()
        .map(|d| d.feature.clone())
        .chain(cmp.undisclosed.iter().cloned())
        .collect();
    let of = |category: Category| -> Vec<usize> {
        related
            .iter()
            .filter(|(_, c, _)| *c == category)
            .map(|(n, _, _)| *n)
            .collect()
    };
    let (x, y) = (of(Category::X), of(Category::Y));
    if related.is_empty() {
        text.push_str(&format!(
            "未检出公开本查新点技术特征{}的文献。",
            quoted(&all_key)
        ));
        return text;
    }
    if !x.is_empty() {
        text.push_str(&format!(
            "检出文献{}公开了本查新点的全部关键技术特征（{}）。",
            refs(&x),
            quoted(&all_key)
        ));
    } else if !y.is_empty() {
        text.push_str(&format!(
            "检出文献{}分别公开了本查新点的部分技术特征",
            refs(&y)
        ));
        let parts: Vec<String> = related
            .iter()
            .filter(|(_, c, _)| *c == Category::Y)
            .take(3)
            .map(|(n, _, f)| format!("文献[{n}]公开了{}", quoted(f)))
            .collect();
        text.push_str(&format!("：{}；", parts.join("；")));
        text.push_str("未见单篇文献同时公开本查新点的全部关键技术特征。");
    } else {
        let numbers: Vec<usize> = related.iter().map(|(n, _, _)| *n).take(5).collect();
        let found: BTreeSet<&String> = related.iter().flat_map(|(_, _, f)| f).collect();
        let found: Vec<String> = all_key
            .iter()
            .filter(|k| found.contains(k))
            .cloned()
            .collect();
        text.push_str(&format!(
            "检出的相关文献{}涉及{}，未见同时公开本查新点主要技术特征的文献。",
            refs(&numbers),
            quoted(&found)
        ));
    }
    if !cmp.undisclosed.is_empty() {
        text.push_str(&format!("所检文献均未见公开{}。", quoted(&cmp.undisclosed)));
    }
    text
}
