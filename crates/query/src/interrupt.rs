//! Stopping a search that has run past its deadline.
//!
//! The HTTP layer answers a slow request with 503 at its deadline, but the thread computing it
//! cannot be killed; without this the work went on for tens of seconds after the answer. An
//! [`Interrupt`] is checked by the scorers themselves — every [`CHECK_EVERY`] documents by
//! [`Interruptible`], every few candidates inside the proximity scorer — so a search stops
//! within milliseconds of its deadline or of [`Interrupt::cancel`], and the engine then
//! returns [`crate::SearchError::Interrupted`] instead of a partial answer.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED};

/// Documents between two checks of the interrupt (a check reads the clock: ~25 ns).
pub(crate) const CHECK_EVERY: u32 = 1024;

/// A deadline and a cancel flag shared by a search and whoever waits for it. Cloning shares
/// it; the default never fires.
#[derive(Debug, Clone, Default)]
pub struct Interrupt(Option<Arc<State>>);

#[derive(Debug)]
struct State {
    cancelled: AtomicBool,
    deadline: Option<Instant>,
}

impl Interrupt {
    /// An interrupt that fires at `deadline` (or when cancelled).
    pub fn at(deadline: Instant) -> Self {
        Self(Some(Arc::new(State {
            cancelled: AtomicBool::new(false),
            deadline: Some(deadline),
        })))
    }

    /// An interrupt that fires only when cancelled.
    pub fn manual() -> Self {
        Self(Some(Arc::new(State {
            cancelled: AtomicBool::new(false),
            deadline: None,
        })))
    }

    /// Stops the searches that share this interrupt.
    pub fn cancel(&self) {
        if let Some(state) = &self.0 {
            state.cancelled.store(true, Ordering::Relaxed);
        }
    }

    /// Whether the searches should stop now.
    pub fn is_set(&self) -> bool {
        self.0.as_ref().is_some_and(|s| {
            s.cancelled.load(Ordering::Relaxed) || s.deadline.is_some_and(|d| Instant::now() >= d)
        })
    }

    /// `Err(Interrupted)` once the interrupt has fired.
    pub fn check(&self) -> Result<(), crate::SearchError> {
        if self.is_set() {
            Err(crate::SearchError::Interrupted)
        } else {
            Ok(())
        }
    }
}

/// `inner`, stopping at the interrupt: its scorers end (as if exhausted) once it fires. The
/// caller must then discard what was collected ([`Interrupt::check`]).
#[derive(Debug)]
pub(crate) struct Interruptible {
    pub inner: Box<dyn Query>,
    pub interrupt: Interrupt,
}

impl Clone for Interruptible {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.box_clone(),
            interrupt: self.interrupt.clone(),
        }
    }
}

impl Query for Interruptible {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(InterruptibleWeight {
            inner: self.inner.weight(scoring)?,
            interrupt: self.interrupt.clone(),
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a tantivy::Term, bool)) {
        self.inner.query_terms(visitor);
    }
}

struct InterruptibleWeight {
    inner: Box<dyn Weight>,
    interrupt: Interrupt,
}

impl Weight for InterruptibleWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        if self.interrupt.is_set() {
            return Ok(Box::new(tantivy::query::EmptyScorer));
        }
        Ok(Box::new(InterruptibleScorer {
            inner: self.inner.scorer(reader, boost)?,
            interrupt: self.interrupt.clone(),
            ticks: 0,
            stopped: false,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.inner.explain(reader, doc)
    }

    /// Keeps the inner weight's pruning (block-max WAND); once interrupted, the threshold
    /// rises above any score so the rest of the segment is skipped block by block.
    fn for_each_pruning(
        &self,
        threshold: Score,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()> {
        if self.interrupt.is_set() {
            return Ok(());
        }
        let mut ticks = 0u32;
        let mut stopped = false;
        self.inner
            .for_each_pruning(threshold, reader, &mut |doc, score| {
                if stopped {
                    return Score::MAX;
                }
                ticks += 1;
                if ticks >= CHECK_EVERY {
                    ticks = 0;
                    if self.interrupt.is_set() {
                        stopped = true;
                        return Score::MAX;
                    }
                }
                callback(doc, score)
            })
    }
}

struct InterruptibleScorer {
    inner: Box<dyn Scorer>,
    interrupt: Interrupt,
    ticks: u32,
    stopped: bool,
}

impl InterruptibleScorer {
    /// Whether to stop now (checked every [`CHECK_EVERY`] calls).
    fn stop(&mut self) -> bool {
        self.ticks += 1;
        if !self.stopped && self.ticks >= CHECK_EVERY {
            self.ticks = 0;
            self.stopped = self.interrupt.is_set();
        }
        self.stopped
    }
}

impl DocSet for InterruptibleScorer {
    fn advance(&mut self) -> DocId {
        if self.stop() {
            return TERMINATED;
        }
        self.inner.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.stop() {
            return TERMINATED;
        }
        self.inner.seek(target)
    }

    fn doc(&self) -> DocId {
        if self.stopped {
            TERMINATED
        } else {
            self.inner.doc()
        }
    }

    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }

    fn cost(&self) -> u64 {
        self.inner.cost()
    }

    /// The inner scorer's own count (unions and intersections count block by block, many
    /// times faster than advancing through every document): the interrupt is checked once
    /// per segment, whose count takes milliseconds.
    fn count(&mut self, alive_bitset: &tantivy::fastfield::AliveBitSet) -> u32 {
        if self.stopped || self.interrupt.is_set() {
            self.stopped = true;
            return 0;
        }
        self.inner.count(alive_bitset)
    }

    fn count_including_deleted(&mut self) -> u32 {
        if self.stopped || self.interrupt.is_set() {
            self.stopped = true;
            return 0;
        }
        self.inner.count_including_deleted()
    }
}

impl Scorer for InterruptibleScorer {
    fn score(&mut self) -> Score {
        self.inner.score()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    /// An index of `n` documents of one text field.
    fn index(n: usize) -> tantivy::Index {
        let mut schema = tantivy::schema::Schema::builder();
        let text = schema.add_text_field("text", tantivy::schema::TEXT);
        let index = tantivy::Index::create_in_ram(schema.build());
        let mut writer = index
            .writer_with_num_threads(1, 15_000_000)
            .unwrap_or_else(|e| panic!("{e}"));
        for i in 0..n {
            let doc = tantivy::doc!(text => format!("传感器 sensor {}", i % 7));
            writer.add_document(doc).unwrap_or_else(|e| panic!("{e}"));
        }
        writer.commit().unwrap_or_else(|e| panic!("{e}"));
        index
    }

    #[test]
    fn an_interrupted_search_stops_within_a_check() {
        let index = index(20_000);
        let searcher = index.reader().unwrap_or_else(|e| panic!("{e}")).searcher();
        let all = |interrupt: &Interrupt| Interruptible {
            inner: Box::new(tantivy::query::AllQuery),
            interrupt: interrupt.clone(),
        };
        let none = Interrupt::default();
        let count = all(&none)
            .count(&searcher)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(count, 20_000);
        let fired = Interrupt::at(Instant::now());
        assert_eq!(all(&fired).count(&searcher).unwrap_or_default(), 0);
        assert!(fired.check().is_err());
        // Cancelled from inside the collection after 100 documents: at most one more check
        // interval of documents is seen.
        let cancel = Interrupt::manual();
        let query = all(&cancel);
        let weight = query
            .weight(EnableScoring::disabled_from_searcher(&searcher))
            .unwrap_or_else(|e| panic!("{e}"));
        let mut seen = 0u32;
        for reader in searcher.segment_readers() {
            weight
                .for_each(reader, &mut |_, _| {
                    seen += 1;
                    if seen == 100 {
                        cancel.cancel();
                    }
                })
                .unwrap_or_else(|e| panic!("{e}"));
        }
        assert!((100..=100 + CHECK_EVERY).contains(&seen), "{seen}");
    }

    #[test]
    fn a_count_is_the_inner_scorers_and_stops_at_the_interrupt() {
        let index = index(5_000);
        let searcher = index.reader().unwrap_or_else(|e| panic!("{e}")).searcher();
        let term = |w: &str| {
            let field = index
                .schema()
                .get_field("text")
                .unwrap_or_else(|e| panic!("{e}"));
            let q: Box<dyn Query> = Box::new(tantivy::query::TermQuery::new(
                tantivy::Term::from_field_text(field, w),
                tantivy::schema::IndexRecordOption::Basic,
            ));
            (tantivy::query::Occur::Should, q)
        };
        // A union counts block by block through the wrapper; every document has `sensor`,
        // one in seven has `3`.
        let union = || {
            Box::new(tantivy::query::BooleanQuery::new(vec![
                term("sensor"),
                term("3"),
            ]))
        };
        let interrupt = Interrupt::manual();
        let query = Interruptible {
            inner: union(),
            interrupt: interrupt.clone(),
        };
        assert_eq!(
            query.count(&searcher).unwrap_or_else(|e| panic!("{e}")),
            5_000
        );
        let weight = query
            .weight(EnableScoring::disabled_from_searcher(&searcher))
            .unwrap_or_else(|e| panic!("{e}"));
        let reader = &searcher.segment_readers()[0];
        let mut scorer = weight.scorer(reader, 1.0).unwrap_or_else(|e| panic!("{e}"));
        interrupt.cancel();
        assert_eq!(scorer.count_including_deleted(), 0);
        assert_eq!(scorer.doc(), TERMINATED);
    }

    #[test]
    fn fires_at_the_deadline_or_when_cancelled() {
        assert!(!Interrupt::default().is_set());
        let manual = Interrupt::manual();
        let shared = manual.clone();
        assert!(!shared.is_set());
        manual.cancel();
        assert!(shared.is_set());
        assert!(Interrupt::at(Instant::now()).is_set());
        assert!(!Interrupt::at(Instant::now() + Duration::from_secs(60)).is_set());
    }
}
