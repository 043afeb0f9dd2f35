//! The 科技查新报告 draft: a novelty result turned into the sections of a GB/T 32003-style
//! report (or a patent-examiner search report), for the 查新员 to review and sign.
//!
//! Invariants: the draft is built only from the request, the novelty result, the cited
//! records and the index's collections — no clock, no randomness — so the same index and
//! request give the same draft byte for byte. Its wording states what was and was not found
//! in the searched collections; it never grades novelty ([`EVALUATIVE_PHRASES`] are tested
//! absent).
//!
//! - [`request`]: the request and its validation;
//! - [`sections`]: the draft's parts (its JSON form);
//! - `cited`, `terms`, `wording`: the documents cited, the search terms, the conclusions.

mod cited;
mod request;
mod sections;
mod terms;
mod wording;

use std::collections::HashMap;

use chaxin_index::Record;
use chaxin_query::{Collection, NoveltyResponse, PointReport};
pub use request::{Project, ReportError, ReportLang, ReportRequest, ReportStyle, Scope};
pub use sections::{
    CitedDocument, Disclosure, Passage, PointComparison, PointConclusion, PointStrategy, Report,
    SearchReportRow, Strategy, Tier,
};

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

/// Draft notice printed at the top of every rendering.
pub const DRAFT_NOTICE: &str = "草稿：本报告由 chaxin 根据检索结果自动生成，检索式、文献相关性与结论措辞须经查新员审核、修改并签字后方可出具。Draft for review by the search examiner.";

/// Builds the draft from the novelty result. `records` holds the cited records by id (a
/// candidate missing there is cited from what the result carries); `collections` are the
/// searched collections.
pub fn build(
    request: &ReportRequest,
    novelty: &NoveltyResponse,
    records: &HashMap<String, Record>,
    collections: &[Collection],
) -> Report {
    let collections = searched_collections(collections, request.project.scope);
    let citing = cited::Citing::choose(novelty, request.limit);
    let cited = citing.documents(records);
    let (terms_zh, terms_en) = terms::search_terms(novelty);
    let comparison: Vec<PointComparison> = novelty
        .points
        .iter()
        .map(|point| compare(point, &citing))
        .collect();
    let where_searched = wording::collections_phrase(&collections);
    let cutoff = novelty
        .cutoff
        .map(|d| format!("（{d}之前公开）"))
        .unwrap_or_default();
    let conclusions = comparison
        .iter()
        .map(|cmp| PointConclusion {
            point: cmp.point,
            text: wording::conclusion(cmp, &citing, &where_searched, &cutoff),
        })
        .collect();
    let search_report = search_report(&citing, &cited);
    let scope = match request.project.scope {
        Scope::Domestic => "国内",
        Scope::Worldwide => "国内外",
    };
    let domestic = citing.domestic;
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
        domestic: cited[..domestic].to_vec(),
        foreign: cited[domestic..].to_vec(),
        comparison,
        conclusions,
        search_report,
    }
}

/// The collections of the report's scope: all, or the Chinese-language ones for a domestic
/// search.
fn searched_collections(collections: &[Collection], scope: Scope) -> Vec<Collection> {
    collections
        .iter()
        .filter(|c| match scope {
            Scope::Domestic => c.langs.contains("zh"),
            Scope::Worldwide => true,
        })
        .cloned()
        .collect()
}

/// 对比分析 of one point: each key feature with the passages (of the cited documents, in
/// citation order, at most [`PASSAGES_PER_FEATURE`]) that disclose it, or listed undisclosed.
fn compare(point: &PointReport, citing: &cited::Citing<'_>) -> PointComparison {
    let mut disclosed = Vec::new();
    let mut undisclosed = Vec::new();
    for feature in point.features.iter().filter(|f| !f.generic) {
        let feature = feature.text.as_str();
        let passages: Vec<Passage> = citing
            .ordered
            .iter()
            .filter_map(|c| {
                let m = c.points.iter().find(|m| m.point == point.point)?;
                let found = m.found.iter().find(|f| f.feature == feature)?;
                Some(Passage {
                    number: citing.number_of(&c.id)?,
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
        closest: point.closest.as_deref().and_then(|id| citing.number_of(id)),
        disclosed,
        undisclosed,
    }
}

/// The examiner-style table: a row per cited document, X before Y before A, each with its
/// first distinct passages.
fn search_report(citing: &cited::Citing<'_>, cited: &[CitedDocument]) -> Vec<SearchReportRow> {
    let mut rows: Vec<SearchReportRow> = citing
        .ordered
        .iter()
        .zip(cited)
        .map(|(c, doc)| SearchReportRow {
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
        })
        .collect();
    rows.sort_by_key(|row| (row.category, row.number));
    rows
}
