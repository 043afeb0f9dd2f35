//! Top-k collection ordered by a key (score, or publication date), then record id: the same
//! index and request always give the same order, whatever the segment layout. A cursor
//! (`search_after`) resumes the order after a given (key, id).

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::query::Weight;
use tantivy::DateTime;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

/// A collected hit.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Ranked {
    pub score: Score,
    /// Its sort key (for the cursor of the page it ends).
    pub key: i64,
    pub id: String,
    pub address: DocAddress,
    /// With [`TopByScoreThenId::split`]: true for a hit of the split-off value.
    pub split: bool,
}

/// What hits are ordered by (then by id, ascending).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    /// Highest score first.
    #[default]
    Relevance,
    /// Newest publication date first; undated records last.
    DateDesc,
    /// Oldest publication date first; undated records last.
    DateAsc,
}

/// Where a page ends: the sort key and id of its last hit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct After {
    pub key: i64,
    pub id: String,
}

/// A score as an `i64` that orders like the score.
pub(crate) fn score_key(score: Score) -> i64 {
    let bits = score.to_bits() as i32;
    i64::from(bits ^ (((bits >> 31) as u32) >> 1) as i32)
}

/// Ranking order: higher key first, then smaller id.
fn rank_order(a_key: i64, a_id: &str, b_key: i64, b_id: &str) -> Ordering {
    b_key.cmp(&a_key).then_with(|| a_id.cmp(b_id))
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
    /// Only with [`SortOrder::Relevance`].
    pub prune: bool,
    pub order: SortOrder,
    /// The date field of the date orders.
    pub date_field: String,
    pub after: Option<After>,
    /// `(fast field, value)`: keep the top `k` of the records with that value and the top `k`
    /// of the others, in one pass (a novelty point's Chinese and other candidates).
    pub split: Option<(String, String)>,
}

impl TopByScoreThenId {
    /// Top `k` by relevance.
    pub fn relevance(k: usize, id_field: String, prune: bool) -> Self {
        Self {
            k,
            id_field,
            prune,
            order: SortOrder::Relevance,
            date_field: String::new(),
            after: None,
            split: None,
        }
    }

    /// Top `k` by relevance of the records whose `field` is `value`, and top `k` of the others.
    pub fn relevance_split(k: usize, id_field: String, field: &str, value: &str) -> Self {
        Self {
            split: Some((field.to_string(), value.to_string())),
            ..Self::relevance(k, id_field, false)
        }
    }
}

/// Heap entry; within one segment, id ordinals sort like the ids themselves.
#[derive(Debug, Clone, Copy)]
struct Entry {
    key: i64,
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
            .key
            .cmp(&self.key)
            .then_with(|| self.ord.cmp(&other.ord))
    }
}

pub(crate) struct SegmentTop {
    k: usize,
    segment: SegmentOrdinal,
    ids: Option<StrColumn>,
    order: SortOrder,
    dates: Option<Column<DateTime>>,
    /// The cursor's key, and the smallest id ordinal of this segment after the cursor's id.
    after: Option<(i64, u64)>,
    heap: BinaryHeap<Entry>,
    /// With a split: the split-off value's column and ordinal in this segment, and its heap.
    split: Option<(StrColumn, Option<u64>)>,
    split_heap: BinaryHeap<Entry>,
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
        let ids = reader.fast_fields().str(&self.id_field)?;
        let after = match (&self.after, &ids) {
            (Some(after), Some(column)) => {
                let first_after = match column.dictionary().term_ord_or_next(&after.id)? {
                    tantivy::columnar::TermOrdHit::Exact(ord) => ord + 1,
                    tantivy::columnar::TermOrdHit::Next(ord) => ord,
                };
                Some((after.key, first_after))
            }
            (Some(after), None) => Some((after.key, u64::MAX)),
            (None, _) => None,
        };
        let dates = match self.order {
            SortOrder::Relevance => None,
            _ => Some(reader.fast_fields().date(&self.date_field)?),
        };
        let split = match &self.split {
            Some((field, value)) => match reader.fast_fields().str(field)? {
                Some(column) => {
                    let ord = column.dictionary().term_ord(value)?;
                    Some((column, ord))
                }
                None => None,
            },
            None => None,
        };
        Ok(SegmentTop {
            k: self.k,
            segment,
            ids,
            order: self.order,
            dates,
            after,
            heap: BinaryHeap::with_capacity(self.k.min(4096) + 1),
            split_heap: BinaryHeap::new(),
            split,
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
        let (mut split, mut all): (Vec<Ranked>, Vec<Ranked>) = fruits
            .into_iter()
            .flat_map(|(_, hits)| hits)
            .partition(|h| h.split);
        for hits in [&mut split, &mut all] {
            hits.sort_by(|a, b| rank_order(a.key, &a.id, b.key, &b.id));
            hits.truncate(self.k);
        }
        split.extend(all);
        Ok((total, split))
    }
}

impl SegmentTop {
    /// Scores strictly above this can enter the top k once the heap is full: a little below
    /// the k-th best score, so that every raw score that quantizes to it is still collected.
    fn threshold(&self) -> Score {
        match self.heap.peek() {
            Some(worst)
                if self.order == SortOrder::Relevance
                    && self.heap.len() >= self.k
                    && worst.score > 0.0 =>
            {
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
        let key = match (self.order, &self.dates) {
            (SortOrder::Relevance, _) | (_, None) => score_key(score),
            (order, Some(dates)) => match dates.first(doc) {
                None => i64::MIN,
                Some(date) if order == SortOrder::DateDesc => date.into_timestamp_secs(),
                Some(date) => -date.into_timestamp_secs(),
            },
        };
        if let Some((after_key, _)) = self.after {
            if key > after_key {
                return; // on an earlier page
            }
        }
        let in_split = self
            .split
            .as_ref()
            .is_some_and(|(column, ord)| ord.is_some() && column.term_ords(doc).next() == *ord);
        let heap = if in_split {
            &self.split_heap
        } else {
            &self.heap
        };
        if heap.len() >= self.k && heap.peek().is_some_and(|w| key < w.key) {
            return; // skips the id lookup for most documents of a full scan
        }
        let ord = self
            .ids
            .as_ref()
            .and_then(|ids| ids.term_ords(doc).next())
            .unwrap_or(u64::MAX);
        if let Some((after_key, first_after)) = self.after {
            if key == after_key && ord < first_after {
                return;
            }
        }
        let entry = Entry {
            key,
            score,
            ord,
            doc,
        };
        let heap = if in_split {
            &mut self.split_heap
        } else {
            &mut self.heap
        };
        if heap.len() < self.k {
            heap.push(entry);
        } else if heap.peek().is_some_and(|worst| entry < *worst) {
            heap.pop();
            heap.push(entry);
        }
    }

    fn harvest(self) -> (u64, Vec<Ranked>) {
        // Ids are looked up in ordinal order, so each block of the id dictionary is
        // decompressed once rather than once per hit.
        let split_count = self.split_heap.len();
        let mut entries: Vec<(Entry, bool)> = self
            .split_heap
            .into_iter()
            .map(|e| (e, true))
            .chain(self.heap.into_iter().map(|e| (e, false)))
            .collect();
        debug_assert!(split_count <= self.k);
        entries.sort_unstable_by_key(|(e, _)| e.ord);
        let known = entries.partition_point(|(e, _)| e.ord != u64::MAX);
        let mut ids: Vec<String> = Vec::with_capacity(entries.len());
        if let Some(column) = &self.ids {
            let ords: Vec<u64> = entries[..known].iter().map(|(e, _)| e.ord).collect();
            // An io error here means a corrupt column; the ids then sort as empty.
            let _ = column.dictionary().sorted_ords_to_term_cb(&ords, |bytes| {
                ids.push(String::from_utf8_lossy(bytes).into_owned())
            });
        }
        let hits = entries
            .into_iter()
            .enumerate()
            .map(|(i, (e, split))| Ranked {
                score: e.score,
                key: e.key,
                id: ids.get(i).cloned().unwrap_or_default(),
                address: DocAddress::new(self.segment, e.doc),
                split,
            })
            .collect();
        (self.count, hits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_split_keeps_the_best_of_each_side() {
        let collector = TopByScoreThenId::relevance_split(2, "id".into(), "lang", "zh");
        let hit = |id: &str, score: Score, split| Ranked {
            score,
            key: score_key(score),
            id: id.into(),
            address: DocAddress::new(0, 0),
            split,
        };
        // Every Chinese hit outscores every other: without the split, no English one is kept.
        let fruits = vec![
            (
                3,
                vec![
                    hit("zh-b", 2.0, true),
                    hit("zh-a", 3.0, true),
                    hit("zh-c", 1.0, true),
                ],
            ),
            (
                3,
                vec![
                    hit("en-d", 0.5, false),
                    hit("en-f", 0.3, false),
                    hit("en-e", 0.4, false),
                ],
            ),
        ];
        let (total, hits) = collector.merge_fruits(fruits).unwrap();
        assert_eq!(total, 6);
        let ids: Vec<&str> = hits.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["zh-a", "zh-b", "en-d", "en-e"]);
    }

    #[test]
    fn order_is_score_then_id() {
        let (one, two) = (score_key(1.0), score_key(2.0));
        assert_eq!(rank_order(two, "b", one, "a"), Ordering::Less);
        assert_eq!(rank_order(one, "a", one, "b"), Ordering::Less);
        assert_eq!(rank_order(one, "b", one, "a"), Ordering::Greater);
        let worse = Entry {
            key: one,
            score: 1.0,
            ord: 5,
            doc: 0,
        };
        let better = Entry {
            key: one,
            score: 1.0,
            ord: 2,
            doc: 1,
        };
        assert!(worse > better);
    }

    #[test]
    fn score_keys_order_like_scores() {
        let scores = [-3.5f32, -0.0, 0.0, 1e-9, 0.5, 1.0, 38.3, f32::MAX];
        for pair in scores.windows(2) {
            assert!(score_key(pair[0]) <= score_key(pair[1]), "{pair:?}");
        }
        assert!(score_key(0.5) < score_key(1.0));
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
