//! Top-k collection ordered by score, then record id: the same index and request always give
//! the same order, whatever the segment layout.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

/// A collected hit.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Ranked {
    pub score: Score,
    pub id: String,
    pub address: DocAddress,
}

/// Ranking order: higher score first, then smaller id.
fn rank_order(a_score: Score, a_id: &str, b_score: Score, b_id: &str) -> Ordering {
    b_score.total_cmp(&a_score).then_with(|| a_id.cmp(b_id))
}

/// Collects the total hit count and the best `k` hits.
pub(crate) struct TopByScoreThenId {
    pub k: usize,
    pub id_field: String,
}

/// Heap entry; within one segment, id ordinals sort like the ids themselves.
#[derive(Debug, Clone, Copy)]
struct Entry {
    score: Score,
    ord: u64,
    doc: DocId,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    /// "Greater" means "ranks worse", so the max-heap's top is the entry to evict.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .score
            .total_cmp(&self.score)
            .then_with(|| self.ord.cmp(&other.ord))
    }
}

pub(crate) struct SegmentTop {
    k: usize,
    segment: SegmentOrdinal,
    ids: Option<StrColumn>,
    heap: BinaryHeap<Entry>,
    count: u64,
}

impl Collector for TopByScoreThenId {
    type Fruit = (u64, Vec<Ranked>);
    type Child = SegmentTop;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentTop> {
        Ok(SegmentTop {
            k: self.k,
            segment,
            ids: reader.fast_fields().str(&self.id_field)?,
            heap: BinaryHeap::with_capacity(self.k.min(4096) + 1),
            count: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<(u64, Vec<Ranked>)>) -> tantivy::Result<(u64, Vec<Ranked>)> {
        let total = fruits.iter().map(|(c, _)| c).sum();
        let mut all: Vec<Ranked> = fruits.into_iter().flat_map(|(_, hits)| hits).collect();
        all.sort_by(|a, b| rank_order(a.score, &a.id, b.score, &b.id));
        all.truncate(self.k);
        Ok((total, all))
    }
}

impl SegmentCollector for SegmentTop {
    type Fruit = (u64, Vec<Ranked>);

    fn collect(&mut self, doc: DocId, score: Score) {
        self.count += 1;
        if self.k == 0 {
            return;
        }
        let ord = self
            .ids
            .as_ref()
            .and_then(|ids| ids.term_ords(doc).next())
            .unwrap_or(u64::MAX);
        let entry = Entry { score, ord, doc };
        if self.heap.len() < self.k {
            self.heap.push(entry);
        } else if self.heap.peek().is_some_and(|worst| entry < *worst) {
            self.heap.pop();
            self.heap.push(entry);
        }
    }

    fn harvest(self) -> (u64, Vec<Ranked>) {
        let mut buf = String::new();
        let hits = self
            .heap
            .into_vec()
            .into_iter()
            .map(|e| {
                buf.clear();
                if let Some(ids) = &self.ids {
                    // An io error here means a corrupt column; the id then sorts as empty.
                    let _ = ids.ord_to_str(e.ord, &mut buf);
                }
                Ranked {
                    score: e.score,
                    id: buf.clone(),
                    address: DocAddress::new(self.segment, e.doc),
                }
            })
            .collect();
        (self.count, hits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_is_score_then_id() {
        assert_eq!(rank_order(2.0, "b", 1.0, "a"), Ordering::Less);
        assert_eq!(rank_order(1.0, "a", 1.0, "b"), Ordering::Less);
        assert_eq!(rank_order(1.0, "b", 1.0, "a"), Ordering::Greater);
        let worse = Entry {
            score: 1.0,
            ord: 5,
            doc: 0,
        };
        let better = Entry {
            score: 1.0,
            ord: 2,
            doc: 1,
        };
        assert!(worse > better);
    }
}
