//! Top-k collection ordered by score, then record id: the same index and request always give
//! the same order, whatever the segment layout.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::query::Weight;
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

/// Collects the best `k` hits and, unless pruning, the number of hits.
///
/// With `prune`, segments are scored through `Weight::for_each_pruning`, so a pure disjunction
/// of terms runs as block-max WAND, and the count is left to `Query::count` (cheap for term
/// unions: no scores, no positions). The threshold handed back is just below the k-th best
/// score: documents that tie with it are still seen, so ties are broken by id exactly as a
/// full scan would. Without `prune` (phrases, intersections, filters, which WAND does not
/// speed up) every hit is scored once and counted in the same pass.
pub(crate) struct TopByScoreThenId {
    pub k: usize,
    pub id_field: String,
    pub prune: bool,
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

    fn collect_segment(
        &self,
        weight: &dyn Weight,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<(u64, Vec<Ranked>)> {
        let mut top = self.for_segment(segment, reader)?;
        let alive = reader.alive_bitset();
        if !self.prune {
            weight.for_each(reader, &mut |doc, score| {
                if alive.is_none_or(|a| a.is_alive(doc)) {
                    top.count += 1;
                    top.collect(doc, score);
                }
            })?;
        } else if self.k > 0 {
            weight.for_each_pruning(Score::MIN, reader, &mut |doc, score| {
                if alive.is_none_or(|a| a.is_alive(doc)) {
                    top.collect(doc, score);
                }
                top.threshold()
            })?;
        }
        Ok(top.harvest())
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

impl SegmentTop {
    /// Scores strictly above this can enter the top k once the heap is full: a little below
    /// the k-th best score, so that every raw score that quantizes to it is still collected.
    fn threshold(&self) -> Score {
        match self.heap.peek() {
            Some(worst) if self.heap.len() >= self.k && worst.score > 0.0 => {
                worst.score * (1.0 - QUANTUM)
            }
            _ => Score::MIN,
        }
    }
}

/// Relative precision kept by [`quantize`] (2^-16; scores keep about five significant digits).
const QUANTUM: Score = 1.0 / 65536.0;

/// Rounds a score to 17 significant bits. tantivy sums a document's term scores in an order
/// that depends on the scorer (block-max WAND orders terms by their current document), so
/// the same document can score a few ulps apart from one plan or segment layout to another;
/// rounding turns such near-ties into ties, which the id then breaks the same way every time.
pub(crate) fn quantize(score: Score) -> Score {
    if !score.is_finite() {
        return score;
    }
    const DROPPED_BITS: u32 = 23 - 16;
    let bits = score.to_bits();
    let half = 1u32 << (DROPPED_BITS - 1);
    Score::from_bits((bits + half) & !((1u32 << DROPPED_BITS) - 1))
}

impl SegmentCollector for SegmentTop {
    type Fruit = (u64, Vec<Ranked>);

    fn collect(&mut self, doc: DocId, score: Score) {
        if self.k == 0 {
            return;
        }
        let score = quantize(score);
        if self.heap.len() >= self.k && self.heap.peek().is_some_and(|w| score < w.score) {
            return; // skips the id lookup for most documents of a full scan
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
        // Ids are looked up in ordinal order, so each block of the id dictionary is
        // decompressed once rather than once per hit.
        let mut entries = self.heap.into_vec();
        entries.sort_unstable_by_key(|e| e.ord);
        let known = entries.partition_point(|e| e.ord != u64::MAX);
        let mut ids: Vec<String> = Vec::with_capacity(entries.len());
        if let Some(column) = &self.ids {
            let ords: Vec<u64> = entries[..known].iter().map(|e| e.ord).collect();
            // An io error here means a corrupt column; the ids then sort as empty.
            let _ = column.dictionary().sorted_ords_to_term_cb(&ords, |bytes| {
                ids.push(String::from_utf8_lossy(bytes).into_owned())
            });
        }
        let hits = entries
            .into_iter()
            .enumerate()
            .map(|(i, e)| Ranked {
                score: e.score,
                id: ids.get(i).cloned().unwrap_or_default(),
                address: DocAddress::new(self.segment, e.doc),
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

    #[test]
    fn quantize_absorbs_summation_noise() {
        // Scores one or two ulps apart (different summation orders) become equal.
        let x: f32 = 38.308205;
        for ulps in [-2i32, -1, 1, 2] {
            let y = f32::from_bits(x.to_bits().wrapping_add_signed(ulps));
            assert_eq!(quantize(x), quantize(y), "{ulps}");
        }
        assert!(quantize(38.17527) < quantize(38.308205));
        assert!((quantize(7.123456) - 7.123456).abs() < 7.2 * QUANTUM);
        assert_eq!(quantize(0.0), 0.0);
    }
}
