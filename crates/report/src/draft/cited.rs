//! Cited documents: which candidates a draft cites, in which order, and how each is
//! described and cited.

use std::collections::HashMap;

use chaxin_index::Record;
use chaxin_query::{Candidate, Category, NoveltyResponse};

use super::sections::{CitedDocument, Tier};
use crate::citation::gbt7714;

/// The candidates a draft cites, in citation order: domestic first, each by relevance.
///
/// Invariant: `ordered[..domestic]` are domestic ([`is_domestic`]), the rest foreign; a
/// document's reference number is its place in `ordered` plus one.
pub(super) struct Citing<'a> {
    pub(super) ordered: Vec<&'a Candidate>,
    pub(super) domestic: usize,
    numbers: HashMap<&'a str, usize>,
}

impl<'a> Citing<'a> {
    /// At most `limit` candidates of `novelty` that disclose something more than a point's
    /// least specific concept (a record that does not is not prior art worth citing). A given
    /// novelty result may hold more candidates than the report cites.
    pub(super) fn choose(novelty: &'a NoveltyResponse, limit: usize) -> Self {
        let (domestic, foreign): (Vec<&Candidate>, Vec<&Candidate>) = novelty
            .candidates
            .iter()
            .filter(|c| {
                c.points
                    .iter()
                    .any(|p| !p.found.is_empty() && !p.only_lightest)
            })
            .take(limit)
            .partition(|c| is_domestic(c));
        let ordered: Vec<&Candidate> = domestic.iter().chain(&foreign).copied().collect();
        let numbers = ordered
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.as_str(), i + 1))
            .collect();
        debug_assert!(ordered[..domestic.len()].iter().all(|c| is_domestic(c)));
        Citing {
            ordered,
            domestic: domestic.len(),
            numbers,
        }
    }

    /// The reference number of the cited document `id`.
    pub(super) fn number_of(&self, id: &str) -> Option<usize> {
        self.numbers.get(id).copied()
    }

    /// The cited documents, each once: the lists and the examiner table share them.
    pub(super) fn documents(&self, records: &HashMap<String, Record>) -> Vec<CitedDocument> {
        self.ordered
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
            .collect()
    }
}

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
