//! Proximity search on the exact twins: `NEAR/n`, `ADJ/n`, `/SEN`, `/PARA`.
//!
//! A [`ProximityQuery`] only filters (score 1); the enclosing clause scores the operands.
//! Candidates are the documents holding both operands; each is then checked on positions.
//! Sentences and paragraphs are the [`SENTENCE_MARK`]/[`PARAGRAPH_MARK`] terms the index puts at
//! the first position of each: two positions share a sentence when no mark lies in
//! `(earlier, later]`.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use chaxin_index::{PARAGRAPH_MARK, SENTENCE_MARK};
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{
    BooleanQuery, EmptyScorer, EnableScoring, Explanation, Occur, Query, Scorer, TermQuery, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyError, Term, TERMINATED};

use crate::ast::Proximity;
use crate::interrupt::Interrupt;

/// Positions a term covers in a token stream: one per Han character (a bigram covers two),
/// one for anything else.
pub(crate) fn term_width(term: &str) -> usize {
    if term.chars().all(chaxin_text::is_han) {
        term.chars().count()
    } else {
        1
    }
}

/// Most distinct terms the truncations of one proximity operand may expand to in one field:
/// each is a posting list the proximity reads with positions. A query past it is refused,
/// naming the truncation (as Elasticsearch's `indices.query.bool.max_clause_count` does, at its
/// usual value); the proximity's cost is linear in the postings, so the limit bounds memory and
/// set-up work, and the deadline bounds the rest.
pub const MAX_EXPANSIONS: usize = 4096;

/// Exact-stream terms at relative positions, each with the positions it covers: one way an
/// operand can occur.
pub(crate) type Terms = Vec<(usize, String, usize)>;

/// One way an operand can occur, as the query says it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Pattern {
    Phrase(Terms),
    /// A truncated word: `*` any characters, `?` one (lowercase), at `column` of the query.
    /// Expanded to its terms once, when the query is compiled.
    Glob {
        glob: String,
        column: usize,
    },
}

/// Both operands (each a list of alternatives, truncations already expanded) within
/// `proximity` in `field`.
#[derive(Debug, Clone)]
pub(crate) struct ProximityQuery {
    pub field: Field,
    pub left: Vec<Terms>,
    pub right: Vec<Terms>,
    pub proximity: Proximity,
    /// Checked every [`CHECK_CANDIDATES`] candidates: a proximity can read many candidates
    /// between two matches, and so between two checks of an enclosing [`Interruptible`].
    ///
    /// [`Interruptible`]: crate::interrupt::Interruptible
    pub interrupt: Interrupt,
}

/// Candidates between two checks of the interrupt inside the proximity scorer.
const CHECK_CANDIDATES: u32 = 64;

impl Query for ProximityQuery {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

/// An operand resolved in one segment: alternatives of (offset, term, width) sequences.
type Resolved = Vec<Vec<(usize, Term, usize)>>;

impl ProximityQuery {
    fn resolve(&self, alternatives: &[Terms]) -> Resolved {
        alternatives
            .iter()
            .map(|terms| {
                terms
                    .iter()
                    .map(|(o, t, w)| (*o, Term::from_field_text(self.field, t), *w))
                    .collect()
            })
            .collect()
    }
}

/// Terms of `field` in this segment that match `glob`, at most `limit`.
pub(crate) fn expand(
    reader: &SegmentReader,
    field: Field,
    glob: &str,
    limit: usize,
) -> tantivy::Result<Vec<String>> {
    let prefix: String = glob
        .chars()
        .take_while(|c| *c != '*' && *c != '?')
        .collect();
    let inverted = reader.inverted_index(field)?;
    let mut upper = prefix.clone().into_bytes();
    // The smallest string greater than every string with this prefix.
    while let Some(last) = upper.pop() {
        if last < 0xff {
            upper.push(last + 1);
            break;
        }
    }
    let mut builder = inverted.terms().range().ge(prefix.as_bytes());
    if !upper.is_empty() {
        builder = builder.lt(&upper);
    }
    let mut stream = builder.into_stream()?;
    let pattern: Vec<char> = glob.chars().collect();
    let mut out = Vec::new();
    while out.len() < limit && stream.advance() {
        let Ok(term) = std::str::from_utf8(stream.key()) else {
            continue;
        };
        if glob_matches(&pattern, &term.chars().collect::<Vec<_>>()) {
            out.push(term.to_string());
        }
    }
    Ok(out)
}

/// `*` any run of characters, `?` exactly one. Greedy with one backtrack point (the last
/// `*`), so a pattern of many stars costs O(pattern × text), never exponential time.
pub(crate) fn glob_matches(pattern: &[char], text: &[char]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == '?' || c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                // Let the last star swallow one more character and retry.
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

/// Documents holding some alternative of each operand.
fn candidates(
    reader: &SegmentReader,
    left: &Resolved,
    right: &Resolved,
) -> tantivy::Result<Box<dyn Scorer>> {
    let side = |alternatives: &Resolved| -> Box<dyn Query> {
        Box::new(BooleanQuery::new(
            alternatives
                .iter()
                .map(|terms| {
                    let all: Box<dyn Query> = Box::new(BooleanQuery::new(
                        terms
                            .iter()
                            .map(|(_, t, _)| {
                                let q: Box<dyn Query> =
                                    Box::new(TermQuery::new(t.clone(), IndexRecordOption::Basic));
                                (Occur::Must, q)
                            })
                            .collect(),
                    ));
                    (Occur::Should, all)
                })
                .collect(),
        ))
    };
    let both = BooleanQuery::new(vec![(Occur::Must, side(left)), (Occur::Must, side(right))]);
    let schema = reader.schema();
    both.weight(EnableScoring::disabled_from_schema(schema))?
        .scorer(reader, 1.0)
}

impl Weight for ProximityQuery {
    fn scorer(&self, reader: &SegmentReader, _boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        if self.interrupt.is_set() {
            return Ok(Box::new(EmptyScorer));
        }
        let left = self.resolve(&self.left);
        let right = self.resolve(&self.right);
        if left.is_empty() || right.is_empty() {
            return Ok(Box::new(EmptyScorer));
        }
        let candidates = candidates(reader, &left, &right)?;
        let inverted = reader.inverted_index(self.field)?;
        let side = |alternatives: Resolved| -> tantivy::Result<Operand> {
            let mut resolved = Vec::with_capacity(alternatives.len());
            for terms in alternatives {
                if self.interrupt.is_set() {
                    return Ok(Operand::new(Vec::new()));
                }
                let mut parts = Vec::with_capacity(terms.len());
                for (offset, term, width) in terms {
                    match inverted.read_postings(&term, IndexRecordOption::WithFreqsAndPositions)? {
                        Some(postings) => parts.push((offset as u32, postings, width as u32)),
                        // A term absent from the segment: the alternative cannot occur.
                        None => {
                            parts.clear();
                            break;
                        }
                    }
                }
                if !parts.is_empty() {
                    resolved.push(Alternative { parts });
                }
            }
            Ok(Operand::new(resolved))
        };
        let mark = match self.proximity {
            Proximity::Sentence => Some(SENTENCE_MARK),
            Proximity::Paragraph => Some(PARAGRAPH_MARK),
            _ => None,
        };
        let marks = match mark {
            Some(m) => inverted.read_postings(
                &Term::from_field_text(self.field, m),
                IndexRecordOption::WithFreqsAndPositions,
            )?,
            None => None,
        };
        let mut scorer = ProximityScorer {
            candidates,
            left: side(left)?,
            right: side(right)?,
            marks,
            proximity: self.proximity,
            interrupt: self.interrupt.clone(),
            checked: 0,
            stopped: false,
            buffer: Vec::new(),
        };
        scorer.settle();
        Ok(Box::new(scorer))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        Ok(Explanation::new("proximity", 1.0))
    }
}

/// One alternative of an operand: its terms' postings at their offsets, with their widths.
struct Alternative {
    parts: Vec<(u32, SegmentPostings, u32)>,
}

/// The alternatives of an operand, ordered by the next document of their first term, so the
/// alternatives present in a document are found without visiting the absent ones: every pop
/// of the heap moves one posting list forward, so the work is linear (times a log) in the
/// postings read, whatever the number of alternatives.
struct Operand {
    alternatives: Vec<Alternative>,
    /// (next document of the first term, alternative), smallest first.
    heap: BinaryHeap<Reverse<(DocId, usize)>>,
    /// Alternatives found at the current document (reused).
    present: Vec<usize>,
}

impl Operand {
    fn new(alternatives: Vec<Alternative>) -> Self {
        let heap = alternatives
            .iter()
            .enumerate()
            .map(|(i, a)| Reverse((a.parts[0].1.doc(), i)))
            .filter(|Reverse((doc, _))| *doc != TERMINATED)
            .collect();
        Self {
            alternatives,
            heap,
            present: Vec::new(),
        }
    }

    /// Where the operand occurs in `doc` ([start, end) in positions), in no order. `doc`
    /// never decreases between calls.
    fn spans(&mut self, doc: DocId, buffer: &mut Vec<u32>, out: &mut Spans) {
        out.clear();
        self.present.clear();
        while let Some(&Reverse((at, i))) = self.heap.peek() {
            if at > doc {
                break;
            }
            self.heap.pop();
            let first = &mut self.alternatives[i].parts[0].1;
            let now = if at < doc { first.seek(doc) } else { at };
            if now == doc {
                self.present.push(i);
            } else if now != TERMINATED {
                self.heap.push(Reverse((now, i)));
            }
        }
        for &i in &self.present {
            alternative_spans(&mut self.alternatives[i], doc, buffer, out);
            self.heap.push(Reverse((doc, i)));
        }
    }
}

/// Spans of one alternative in `doc`, whose first term is at `doc`.
fn alternative_spans(
    alternative: &mut Alternative,
    doc: DocId,
    buffer: &mut Vec<u32>,
    out: &mut Spans,
) {
    let end = alternative
        .parts
        .iter()
        .map(|(o, _, w)| o + w)
        .max()
        .unwrap_or(1);
    let mut lists: Vec<(u32, Vec<u32>)> = Vec::with_capacity(alternative.parts.len());
    for (offset, postings, _) in &mut alternative.parts {
        if postings.doc() < doc {
            postings.seek(doc);
        }
        if postings.doc() != doc {
            return;
        }
        buffer.clear();
        postings.positions(buffer);
        lists.push((*offset, buffer.clone()));
    }
    let Some(((first_offset, first), rest)) = lists.split_first() else {
        return;
    };
    for &p in first {
        let Some(start) = p.checked_sub(*first_offset) else {
            continue;
        };
        if rest
            .iter()
            .all(|(o, ps)| ps.binary_search(&(start + o)).is_ok())
        {
            out.push((start, start + end));
        }
    }
}

struct ProximityScorer {
    candidates: Box<dyn Scorer>,
    left: Operand,
    right: Operand,
    marks: Option<SegmentPostings>,
    proximity: Proximity,
    interrupt: Interrupt,
    /// Candidates checked since the last look at the interrupt.
    checked: u32,
    /// Set once the interrupt fired: the scorer is exhausted.
    stopped: bool,
    buffer: Vec<u32>,
}

/// Where an operand occurs: [start, end) in positions.
type Spans = Vec<(u32, u32)>;

impl ProximityScorer {
    /// Moves to the first candidate at or after the current one that really matches.
    fn settle(&mut self) -> DocId {
        let (mut l, mut r) = (Vec::new(), Vec::new());
        loop {
            let doc = self.candidates.doc();
            if doc == TERMINATED {
                return doc;
            }
            self.checked += 1;
            if self.checked >= CHECK_CANDIDATES {
                self.checked = 0;
                if self.interrupt.is_set() {
                    self.stopped = true;
                    return TERMINATED;
                }
            }
            if self.matches(doc, &mut l, &mut r) {
                return doc;
            }
            self.candidates.advance();
        }
    }

    fn matches(&mut self, doc: DocId, l: &mut Spans, r: &mut Spans) -> bool {
        self.left.spans(doc, &mut self.buffer, l);
        if l.is_empty() {
            return false;
        }
        self.right.spans(doc, &mut self.buffer, r);
        if r.is_empty() {
            return false;
        }
        let mut marks = Vec::new();
        if let Some(p) = &mut self.marks {
            if p.doc() < doc {
                p.seek(doc);
            }
            if p.doc() == doc {
                p.positions(&mut marks);
            }
        }
        any_close(l, r, self.proximity, &marks)
    }
}

/// Whether some span of `left` and some span of `right` satisfy `proximity`, in
/// O((|left| + |right|) log) instead of comparing every pair. Sorts both.
fn any_close(left: &mut Spans, right: &mut Spans, proximity: Proximity, marks: &[u32]) -> bool {
    match proximity {
        // a, b are close when b starts at most n after a ends and ends at most n before a
        // starts (overlapping spans are close): a sweep over a by end, b by start, keeping the
        // latest end among the b that start early enough.
        Proximity::Near(n) => {
            left.sort_unstable_by_key(|a| a.1);
            right.sort_unstable_by_key(|b| b.0);
            let mut next = 0;
            let mut latest_end: Option<u32> = None;
            for a in left.iter() {
                let reach = a.1.saturating_add(n);
                while next < right.len() && right[next].0 <= reach {
                    latest_end = latest_end.max(Some(right[next].1));
                    next += 1;
                }
                if latest_end.is_some_and(|end| end.saturating_add(n) >= a.0) {
                    return true;
                }
            }
            false
        }
        // b starts within [a.end, a.end + n].
        Proximity::Ordered(n) => {
            right.sort_unstable_by_key(|b| b.0);
            left.iter().any(|a| {
                let first = right.partition_point(|b| b.0 < a.1);
                right.get(first).is_some_and(|b| b.0 - a.1 <= n)
            })
        }
        // Same sentence (paragraph): the same number of marks at or before both starts.
        Proximity::Sentence | Proximity::Paragraph => {
            let unit = |p: u32| marks.partition_point(|&m| m <= p);
            let mut units: Vec<usize> = left.iter().map(|a| unit(a.0)).collect();
            units.sort_unstable();
            right
                .iter()
                .any(|b| units.binary_search(&unit(b.0)).is_ok())
        }
    }
}

impl DocSet for ProximityScorer {
    fn advance(&mut self) -> DocId {
        if self.stopped {
            return TERMINATED;
        }
        self.candidates.advance();
        self.settle()
    }

    /// Skips the candidates before `target` without checking their positions (an
    /// intersection seeks; the default would advance, checking each).
    fn seek(&mut self, target: DocId) -> DocId {
        if self.stopped {
            return TERMINATED;
        }
        if self.candidates.doc() >= target {
            return self.candidates.doc();
        }
        self.candidates.seek(target);
        self.settle()
    }

    fn doc(&self) -> DocId {
        if self.stopped {
            TERMINATED
        } else {
            self.candidates.doc()
        }
    }

    fn size_hint(&self) -> u32 {
        self.candidates.size_hint()
    }
}

impl Scorer for ProximityScorer {
    fn score(&mut self) -> Score {
        1.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        let m = |p: &str, t: &str| {
            glob_matches(
                &p.chars().collect::<Vec<_>>(),
                &t.chars().collect::<Vec<_>>(),
            )
        };
        assert!(m("graph*", "graphene"));
        assert!(m("graph*", "graph"));
        assert!(m("wom?n", "women"));
        assert!(!m("wom?n", "womn"));
        assert!(!m("graph*", "paragraph"));
        assert!(m("a*b*c", "axxbyyc"));
        assert!(!m("a*b*c", "axxbyy"));
        // Many stars stay fast.
        let many = format!("aa{}b", "*a".repeat(40));
        assert!(!m(&many, &"a".repeat(200)));
    }

    /// The pairwise rule `any_close` must agree with, written the slow way.
    fn close(a: (u32, u32), b: (u32, u32), proximity: Proximity, marks: &[u32]) -> bool {
        let gap = |x: (u32, u32), y: (u32, u32)| y.0.checked_sub(x.1);
        match proximity {
            Proximity::Near(n) => gap(a, b).or_else(|| gap(b, a)).unwrap_or(0) <= n,
            Proximity::Ordered(n) => gap(a, b).is_some_and(|g| g <= n),
            Proximity::Sentence | Proximity::Paragraph => {
                let (lo, hi) = (a.0.min(b.0), a.0.max(b.0));
                let first_after = marks.partition_point(|&m| m <= lo);
                marks.get(first_after).is_none_or(|&m| m > hi)
            }
        }
    }

    fn one(a: (u32, u32), b: (u32, u32), proximity: Proximity, marks: &[u32]) -> bool {
        any_close(&mut vec![a], &mut vec![b], proximity, marks)
    }

    #[test]
    fn distances() {
        // "a x b": a at 0, b at 2 → one word between.
        assert!(one((0, 1), (2, 3), Proximity::Near(1), &[]));
        assert!(!one((0, 1), (2, 3), Proximity::Near(0), &[]));
        assert!(one((2, 3), (0, 1), Proximity::Near(1), &[]));
        assert!(!one((2, 3), (0, 1), Proximity::Ordered(5), &[]));
        assert!(one((0, 1), (1, 2), Proximity::Ordered(0), &[]));
        // A sentence starts at 5.
        assert!(one((1, 2), (4, 5), Proximity::Sentence, &[0, 5]));
        assert!(!one((1, 2), (5, 6), Proximity::Sentence, &[0, 5]));
        assert!(one((5, 6), (9, 10), Proximity::Sentence, &[0, 5]));
    }

    proptest::proptest! {
        /// The sweep finds a close pair exactly when one of all pairs is close.
        #[test]
        fn the_sweep_agrees_with_every_pair(
            left in proptest::collection::vec((0u32..60, 1u32..4), 1..12),
            right in proptest::collection::vec((0u32..60, 1u32..4), 1..12),
            marks in proptest::collection::btree_set(0u32..64, 0..8),
            n in 0u32..6,
        ) {
            let spans = |v: &[(u32, u32)]| -> Spans { v.iter().map(|&(s, w)| (s, s + w)).collect() };
            let marks: Vec<u32> = marks.into_iter().collect();
            for proximity in [Proximity::Near(n), Proximity::Ordered(n), Proximity::Sentence] {
                let (l, r) = (spans(&left), spans(&right));
                let slow = l.iter().any(|a| r.iter().any(|b| close(*a, *b, proximity, &marks)));
                let fast = any_close(&mut l.clone(), &mut r.clone(), proximity, &marks);
                proptest::prop_assert_eq!(slow, fast, "{:?} {:?} {:?}", proximity, l, r);
            }
        }
    }
}
