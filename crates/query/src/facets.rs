//! Facet counts over every hit of a query: publication year, kind, language, IPC section,
//! class and subclass, venue, applicant.
//!
//! Counting runs on fast fields by term ordinal within a segment; ordinals become strings once
//! per segment at the end, so a facet costs one array increment per hit and value. A record
//! counts once per value (IPC levels and applicants are stored once per record).

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DateTime, DocId, Score, SegmentOrdinal, SegmentReader};

/// Values returned per facet at most.
pub const MAX_FACET_SIZE: usize = 100;

/// A facet of search results.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Facet {
    /// Publication year.
    Year,
    /// Record kind.
    Kind,
    /// Record language.
    Lang,
    /// IPC section (`H`).
    IpcSection,
    /// IPC class (`H01`).
    IpcClass,
    /// IPC subclass (`H01M`); also requested as `ipc`.
    #[serde(alias = "ipc")]
    IpcSubclass,
    /// Journal, proceedings or other venue.
    Venue,
    /// Patent applicant.
    Applicant,
}

impl Facet {
    /// Every facet.
    pub const ALL: [Facet; 8] = [
        Facet::Year,
        Facet::Kind,
        Facet::Lang,
        Facet::IpcSection,
        Facet::IpcClass,
        Facet::IpcSubclass,
        Facet::Venue,
        Facet::Applicant,
    ];

    /// The facet's name in requests and answers (`ipc_subclass`, …).
    pub fn name(self) -> &'static str {
        match self {
            Facet::Year => "year",
            Facet::Kind => "kind",
            Facet::Lang => "lang",
            Facet::IpcSection => "ipc_section",
            Facet::IpcClass => "ipc_class",
            Facet::IpcSubclass => "ipc_subclass",
            Facet::Venue => "venue",
            Facet::Applicant => "applicant",
        }
    }

    /// A facet by name (`ipc` is the subclass level).
    pub fn parse(name: &str) -> Option<Facet> {
        if name == "ipc" {
            return Some(Facet::IpcSubclass);
        }
        Facet::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The IPC level of a stored classification term, if it is one of the three.
    fn ipc_level(term: &str) -> Option<Facet> {
        if !term.is_ascii() {
            return None;
        }
        let mut chars = term.chars();
        let section = chars.next().is_some_and(|c| c.is_ascii_uppercase());
        let digits = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit());
        match term.len() {
            1 if section => Some(Facet::IpcSection),
            3 if section && digits(&term[1..3]) => Some(Facet::IpcClass),
            4 if section && digits(&term[1..3]) && term.as_bytes()[3].is_ascii_uppercase() => {
                Some(Facet::IpcSubclass)
            }
            _ => None,
        }
    }

    /// The fast field it is counted from.
    fn field(self) -> &'static str {
        match self {
            Facet::Year => "pub_date",
            Facet::Kind => "kind",
            Facet::Lang => "lang",
            Facet::IpcSection | Facet::IpcClass | Facet::IpcSubclass => "ipc",
            Facet::Venue => "venue_facet",
            Facet::Applicant => "applicant_facet",
        }
    }
}

/// A facet value and the number of hits that have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FacetValue {
    /// The value (a year, a kind, an IPC code, a venue, …).
    pub value: String,
    /// Hits with it.
    pub count: u64,
}

/// Counts `facets` and the hits; keeps the `size` most frequent values of each (ties by value).
pub(crate) struct FacetCollector {
    pub facets: Vec<Facet>,
    pub size: usize,
}

/// Per facet, value → count; and the number of hits.
type Counts = (u64, BTreeMap<Facet, HashMap<String, u64>>);

enum Source {
    /// A string column counted by ordinal; several facets may share it (the IPC levels).
    Terms {
        column: StrColumn,
        facets: Vec<Facet>,
        counts: Vec<u64>,
    },
    Years {
        column: Column<DateTime>,
        counts: HashMap<i32, u64>,
    },
}

pub(crate) struct SegmentFacets {
    sources: Vec<Source>,
    hits: u64,
}

impl Collector for FacetCollector {
    type Fruit = (u64, BTreeMap<Facet, Vec<FacetValue>>);
    type Child = SegmentFacets;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentFacets> {
        let mut sources: Vec<Source> = Vec::new();
        for &facet in &self.facets {
            if facet == Facet::Year {
                sources.push(Source::Years {
                    column: reader.fast_fields().date(facet.field())?,
                    counts: HashMap::new(),
                });
                continue;
            }
            let shared = sources.iter_mut().find_map(|s| match s {
                Source::Terms { facets, .. } if facets[0].field() == facet.field() => Some(facets),
                _ => None,
            });
            if let Some(facets) = shared {
                facets.push(facet);
            } else if let Some(column) = reader.fast_fields().str(facet.field())? {
                let counts = vec![0; column.num_terms()];
                sources.push(Source::Terms {
                    column,
                    facets: vec![facet],
                    counts,
                });
            }
        }
        Ok(SegmentFacets { sources, hits: 0 })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Counts>) -> tantivy::Result<Self::Fruit> {
        let mut hits = 0;
        let mut merged: BTreeMap<Facet, HashMap<String, u64>> = BTreeMap::new();
        for (segment_hits, counts) in fruits {
            hits += segment_hits;
            for (facet, values) in counts {
                let into = merged.entry(facet).or_default();
                for (value, count) in values {
                    *into.entry(value).or_default() += count;
                }
            }
        }
        let top = self
            .facets
            .iter()
            .map(|&facet| {
                let mut values: Vec<FacetValue> = merged
                    .remove(&facet)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(value, count)| FacetValue { value, count })
                    .collect();
                values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
                values.truncate(self.size);
                (facet, values)
            })
            .collect();
        Ok((hits, top))
    }
}

impl SegmentCollector for SegmentFacets {
    type Fruit = Counts;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.hits += 1;
        for source in &mut self.sources {
            match source {
                Source::Terms { column, counts, .. } => {
                    for ord in column.term_ords(doc) {
                        if let Some(c) = counts.get_mut(ord as usize) {
                            *c += 1;
                        }
                    }
                }
                Source::Years { column, counts } => {
                    if let Some(date) = column.first(doc) {
                        *counts.entry(date.into_utc().year()).or_default() += 1;
                    }
                }
            }
        }
    }

    fn harvest(self) -> Counts {
        let mut out: BTreeMap<Facet, HashMap<String, u64>> = BTreeMap::new();
        for source in self.sources {
            match source {
                Source::Terms {
                    column,
                    facets,
                    counts,
                } => {
                    let mut value = String::new();
                    for (ord, &count) in counts.iter().enumerate() {
                        if count == 0
                            || !matches!(column.ord_to_str(ord as u64, &mut value), Ok(true))
                        {
                            continue;
                        }
                        let facet = if facets[0].field() == "ipc" {
                            match Facet::ipc_level(&value).filter(|f| facets.contains(f)) {
                                Some(level) => level,
                                None => continue,
                            }
                        } else {
                            facets[0]
                        };
                        *out.entry(facet)
                            .or_default()
                            .entry(value.clone())
                            .or_default() += count;
                    }
                }
                Source::Years { counts, .. } => {
                    let years = out.entry(Facet::Year).or_default();
                    for (year, count) in counts {
                        *years.entry(year.to_string()).or_default() += count;
                    }
                }
            }
        }
        (self.hits, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_ipc_means_subclass() {
        for facet in Facet::ALL {
            assert_eq!(Facet::parse(facet.name()), Some(facet));
        }
        assert_eq!(Facet::parse("ipc"), Some(Facet::IpcSubclass));
        assert_eq!(Facet::parse("author"), None);
    }

    #[test]
    fn ipc_terms_have_their_level() {
        assert_eq!(Facet::ipc_level("H"), Some(Facet::IpcSection));
        assert_eq!(Facet::ipc_level("H01"), Some(Facet::IpcClass));
        assert_eq!(Facet::ipc_level("H01M"), Some(Facet::IpcSubclass));
        assert_eq!(Facet::ipc_level("H01M10/0525"), None);
        assert_eq!(Facet::ipc_level("H0"), None);
        assert_eq!(Facet::ipc_level("D06"), Some(Facet::IpcClass));
        assert_eq!(Facet::ipc_level("H中"), None);
    }
}
