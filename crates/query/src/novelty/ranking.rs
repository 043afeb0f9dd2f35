//! The ranking steps of a novelty search that need no index: pooling the points'
//! candidates, the shape of each point (which concepts are key, essential, lightest), what a
//! candidate discloses of it, and the closest candidate of each point.

use std::collections::{HashMap, HashSet};

use tantivy::DocAddress;

use super::evidence::PointEvidence;
use super::features::Feature;
use super::response::Candidate;
use crate::collector::Ranked;

/// One retrieved candidate.
pub(super) struct Retrieved {
    pub(super) address: DocAddress,
    /// BM25 of each point's broad expression (0 when not retrieved by it).
    pub(super) bm25: Vec<f32>,
}

/// The candidates of all points, each once, in first-retrieved order, with its BM25 for
/// each point (`ranked[p]` are point `p`'s hits).
pub(super) fn pool(ranked: Vec<Vec<Ranked>>) -> Vec<Retrieved> {
    let points = ranked.len();
    let mut retrieved: Vec<Retrieved> = Vec::new();
    let mut slot: HashMap<DocAddress, usize> = HashMap::new();
    for (p, hits) in ranked.into_iter().enumerate() {
        for r in hits {
            let i = *slot.entry(r.address).or_insert_with(|| {
                retrieved.push(Retrieved {
                    address: r.address,
                    bm25: vec![0.0; points],
                });
                retrieved.len() - 1
            });
            retrieved[i].bm25[p] = r.score;
        }
    }
    debug_assert!(retrieved.iter().all(|r| r.bm25.len() == points));
    retrieved
}

/// Which concepts of a point decide its category, by their place in the point's features.
#[derive(Debug, PartialEq)]
pub(super) struct PointShape {
    /// The concepts (every feature that is not generic).
    pub(super) key: HashSet<usize>,
    /// The concepts X and Y are judged on ([`super::essential_features`]).
    pub(super) essential: HashSet<usize>,
    /// The least specific of two or more concepts: the one a record may share by chance
    /// (神经网络 for a NOx soft sensor).
    pub(super) lightest: Option<usize>,
}

impl PointShape {
    pub(super) fn of(features: &[Feature]) -> Self {
        let key: HashSet<usize> = features
            .iter()
            .enumerate()
            .filter(|(_, f)| !f.generic)
            .map(|(i, _)| i)
            .collect();
        let essential_features = super::essential_features(features);
        let essential = features
            .iter()
            .enumerate()
            .filter(|(_, f)| essential_features.iter().any(|e| std::ptr::eq(*e, *f)))
            .map(|(i, _)| i)
            .collect();
        let lightest = (key.len() >= 2)
            .then(|| {
                features
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| !f.generic)
                    .min_by(|a, b| a.1.weight.total_cmp(&b.1.weight).then(b.0.cmp(&a.0)))
                    .map(|(i, _)| i)
            })
            .flatten();
        PointShape {
            key,
            essential,
            lightest,
        }
    }

    /// The idf-weighted share of the concepts found (the evidence's own coverage when the
    /// point has only generic words). In [0, 1].
    pub(super) fn coverage(
        &self,
        features: &[Feature],
        found: &HashSet<usize>,
        evidence: &PointEvidence,
    ) -> f32 {
        if self.key.is_empty() {
            return evidence.coverage;
        }
        let weight =
            |set: &HashSet<usize>| -> f32 { set.iter().map(|&i| features[i].weight).sum() };
        let coverage = weight(found) / weight(&self.key).max(f32::MIN_POSITIVE);
        debug_assert!(found.is_subset(&self.key));
        coverage
    }

    /// True when what is found is the lightest concept alone.
    pub(super) fn only_lightest(&self, found: &HashSet<usize>) -> bool {
        self.lightest
            .is_some_and(|l| found.len() == 1 && found.contains(&l))
    }
}

/// The concepts of a point a record discloses: those with an occurrence in its evidence.
pub(super) fn disclosed(features: &[Feature], evidence: &PointEvidence) -> HashSet<usize> {
    features
        .iter()
        .enumerate()
        .filter(|(i, f)| !f.generic && !evidence.occurrences[*i].is_empty())
        .map(|(i, _)| i)
        .collect()
}

/// The closest prior art of point `p` (0-based): the candidate that discloses most of it
/// (coverage, then score, then the smaller id), among those that disclose something.
pub(super) fn closest(candidates: &[Candidate], p: usize) -> Option<String> {
    candidates
        .iter()
        .max_by(|a, b| {
            let key = |c: &Candidate| (c.points[p].coverage, c.points[p].explanation.score);
            let (ka, kb) = (key(a), key(b));
            ka.0.total_cmp(&kb.0)
                .then(ka.1.total_cmp(&kb.1))
                .then(b.id.cmp(&a.id))
        })
        .filter(|c| !c.points[p].found.is_empty())
        .map(|c| c.id.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn concept(text: &str, weight: f32, generic: bool, essential: bool) -> Feature {
        serde_json::from_value(serde_json::json!({
            "text": text, "weight": weight, "generic": generic, "essential": essential,
        }))
        .unwrap()
    }

    fn hit(doc: u32, score: f32) -> Ranked {
        Ranked {
            score,
            key: 0,
            id: doc.to_string(),
            address: DocAddress::new(0, doc),
            split: false,
        }
    }

    #[test]
    fn a_record_two_points_retrieve_is_pooled_once_with_both_scores() {
        let pooled = pool(vec![vec![hit(7, 3.0), hit(2, 1.0)], vec![hit(2, 5.0)]]);
        let by_doc: Vec<(u32, Vec<f32>)> = pooled
            .iter()
            .map(|r| (r.address.doc_id, r.bm25.clone()))
            .collect();
        assert_eq!(by_doc, [(7, vec![3.0, 0.0]), (2, vec![1.0, 5.0])]);
    }

    #[test]
    fn a_point_is_judged_on_its_essential_concepts_and_knows_its_lightest() {
        let features = [
            concept("软测量", 6.0, false, true),
            concept("方法", 0.5, true, false),
            concept("神经网络", 2.0, false, false),
            concept("NOx", 5.0, false, true),
        ];
        let shape = PointShape::of(&features);
        assert_eq!(shape.key, HashSet::from([0, 2, 3]));
        assert_eq!(shape.essential, HashSet::from([0, 3]));
        assert_eq!(shape.lightest, Some(2));
        assert!(shape.only_lightest(&HashSet::from([2])));
        assert!(!shape.only_lightest(&HashSet::from([2, 3])));

        // Unmarked: every concept is essential; one concept has no lightest.
        let one = [
            concept("稀土永磁", 4.0, false, false),
            concept("方法", 0.5, true, false),
        ];
        let shape = PointShape::of(&one);
        assert_eq!(shape.essential, HashSet::from([0]));
        assert_eq!(shape.lightest, None);
    }

    #[test]
    fn coverage_is_the_weighted_share_of_the_concepts_found() {
        let features = [
            concept("软测量", 6.0, false, true),
            concept("神经网络", 2.0, false, false),
        ];
        let shape = PointShape::of(&features);
        let evidence = PointEvidence::empty(2);
        assert_eq!(
            shape.coverage(&features, &HashSet::from([1]), &evidence),
            0.25
        );
        assert_eq!(
            shape.coverage(&features, &HashSet::from([0, 1]), &evidence),
            1.0
        );
        assert_eq!(shape.coverage(&features, &HashSet::new(), &evidence), 0.0);
    }
}
