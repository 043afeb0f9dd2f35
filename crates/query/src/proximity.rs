//! Proximity search on the exact twins: `NEAR/n`, `ADJ/n`, `/SEN`, `/PARA`.
//!
//! A [`ProximityQuery`] only filters (score 1); the enclosing clause scores the operands.
//! Candidates are the documents holding both operands; each is then checked on positions.
//! Sentences and paragraphs are the [`SENTENCE_MARK`]/[`PARAGRAPH_MARK`] terms the index puts at
//! the first position of each: two positions share a sentence when no mark lies in
//! `(earlier, later]`.

use std::collections::HashMap;

use chaxin_index::{PARAGRAPH_MARK, SENTENCE_MARK};
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{
    BooleanQuery, EmptyScorer, EnableScoring, Explanation, Occur, Query, Scorer, TermQuery, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyError, Term, TERMINATED};

use crate::ast::Proximity;

/// Positions a term covers in a token stream: one per Han character (a bigram covers two),
/// one for anything else.
pub(crate) fn term_width(term: &str) -> usize {
    if term.chars().all(chaxin_text::is_han) {
        term.chars().count()
    } else {
        1
    }
}

/// Most terms one truncation expands to in one segment.
pub(crate) const MAX_EXPANSIONS: usize = 4096;

/// One way an operand can occur.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Pattern {
    /// Exact-stream terms at relative positions, each with the positions it covers.
    Phrase(Vec<(usize, String, usize)>),
    /// A truncated word: `*` any characters, `?` one (lowercase).
    Glob(String),
}

/// Both operands (each a list of alternatives) within `proximity` in `field`.
#[derive(Debug, Clone)]
pub(crate) struct ProximityQuery {
    pub field: Field,
    pub left: Vec<Pattern>,
    pub right: Vec<Pattern>,
    pub proximity: Proximity,
}

impl Query for ProximityQuery {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

/// An operand resolved in one segment: alternatives of (offset, term, width) sequences.
type Resolved = Vec<Vec<(usize, Term, usize)>>;

impl ProximityQuery {
    fn resolve(&self, reader: &SegmentReader, patterns: &[Pattern]) -> tantivy::Result<Resolved> {
        let mut out = Vec::new();
        for pattern in patterns {
            match pattern {
                Pattern::Phrase(terms) => out.push(
                    terms
                        .iter()
                        .map(|(o, t, w)| (*o, Term::from_field_text(self.field, t), *w))
                        .collect(),
                ),
                Pattern::Glob(glob) => {
                    for term in expand(reader, self.field, glob)? {
                        out.push(vec![(0, Term::from_field_text(self.field, &term), 1)]);
                    }
                }
            }
        }
        Ok(out)
    }
}

/// Terms of `field` in this segment that match `glob`, at most [`MAX_EXPANSIONS`].
pub(crate) fn expand(
    reader: &SegmentReader,
    field: Field,
    glob: &str,
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
    while stream.advance() {
        let Ok(term) = std::str::from_utf8(stream.key()) else {
            continue;
        };
        if glob_matches(&pattern, &term.chars().collect::<Vec<_>>()) {
            out.push(term.to_string());
            if out.len() >= MAX_EXPANSIONS {
                tracing::warn!("truncation `{glob}` expands to more than {MAX_EXPANSIONS} terms; using the first");
                break;
            }
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
        let left = self.resolve(reader, &self.left)?;
        let right = self.resolve(reader, &self.right)?;
        if left.is_empty() || right.is_empty() {
            return Ok(Box::new(EmptyScorer));
        }
        let candidates = candidates(reader, &left, &right)?;
        let inverted = reader.inverted_index(self.field)?;
        let mut postings = HashMap::new();
        let mark = match self.proximity {
            Proximity::Sentence => Some(SENTENCE_MARK),
            Proximity::Paragraph => Some(PARAGRAPH_MARK),
            _ => None,
        };
        let mark = mark.map(|m| Term::from_field_text(self.field, m));
        for term in left
            .iter()
            .chain(&right)
            .flatten()
            .map(|(_, t, _)| t)
            .chain(mark.as_ref())
        {
            if !postings.contains_key(term) {
                if let Some(p) =
                    inverted.read_postings(term, IndexRecordOption::WithFreqsAndPositions)?
                {
                    postings.insert(term.clone(), p);
                }
            }
        }
        let mut scorer = ProximityScorer {
            candidates,
            postings,
            left,
            right,
            mark,
            proximity: self.proximity,
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

struct ProximityScorer {
    candidates: Box<dyn Scorer>,
    postings: HashMap<Term, SegmentPostings>,
    left: Resolved,
    right: Resolved,
    mark: Option<Term>,
    proximity: Proximity,
    buffer: Vec<u32>,
}

/// Where an operand occurs: [start, end) in positions.
type Spans = Vec<(u32, u32)>;

impl ProximityScorer {
    /// Moves to the first candidate at or after the current one that really matches.
    fn settle(&mut self) -> DocId {
        loop {
            let doc = self.candidates.doc();
            if doc == TERMINATED || self.matches(doc) {
                return doc;
            }
            self.candidates.advance();
        }
    }

    fn positions(&mut self, term: &Term, doc: DocId) -> Vec<u32> {
        let Some(p) = self.postings.get_mut(term) else {
            return Vec::new();
        };
        if p.doc() < doc {
            p.seek(doc);
        }
        if p.doc() != doc {
            return Vec::new();
        }
        self.buffer.clear();
        p.positions(&mut self.buffer);
        self.buffer.clone()
    }

    fn spans(&mut self, alternatives: &Resolved, doc: DocId) -> Spans {
        let mut spans = Vec::new();
        for terms in alternatives {
            let mut lists = Vec::with_capacity(terms.len());
            for (offset, term, width) in terms {
                lists.push((*offset as u32, self.positions(term, doc), *width as u32));
            }
            let Some((first_offset, first, _)) = lists.first() else {
                continue;
            };
            let end = lists.iter().map(|(o, _, w)| o + w).max().unwrap_or(1);
            for &p in first {
                let Some(start) = p.checked_sub(*first_offset) else {
                    continue;
                };
                if lists
                    .iter()
                    .all(|(o, ps, _)| ps.binary_search(&(start + o)).is_ok())
                {
                    spans.push((start, start + end));
                }
            }
        }
        spans
    }

    fn matches(&mut self, doc: DocId) -> bool {
        let left = self.left.clone();
        let right = self.right.clone();
        let l = self.spans(&left, doc);
        if l.is_empty() {
            return false;
        }
        let r = self.spans(&right, doc);
        if r.is_empty() {
            return false;
        }
        let marks = match self.mark.clone() {
            Some(mark) => self.positions(&mark, doc),
            None => Vec::new(),
        };
        let proximity = self.proximity;
        l.iter()
            .any(|a| r.iter().any(|b| close(*a, *b, proximity, &marks)))
    }
}

/// Whether spans `a` (left operand) and `b` (right operand) satisfy `proximity`.
fn close(a: (u32, u32), b: (u32, u32), proximity: Proximity, marks: &[u32]) -> bool {
    let gap = |x: (u32, u32), y: (u32, u32)| y.0.checked_sub(x.1);
    match proximity {
        Proximity::Near(n) => {
            let between = gap(a, b).or_else(|| gap(b, a)).unwrap_or(0);
            between <= n
        }
        Proximity::Ordered(n) => gap(a, b).is_some_and(|g| g <= n),
        Proximity::Sentence | Proximity::Paragraph => {
            let (lo, hi) = (a.0.min(b.0), a.0.max(b.0));
            // A mark in (lo, hi] starts a new sentence or paragraph between them.
            let first_after = marks.partition_point(|&m| m <= lo);
            marks.get(first_after).is_none_or(|&m| m > hi)
        }
    }
}

impl DocSet for ProximityScorer {
    fn advance(&mut self) -> DocId {
        self.candidates.advance();
        self.settle()
    }

    fn doc(&self) -> DocId {
        self.candidates.doc()
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

    #[test]
    fn distances() {
        // "a x b": a at 0, b at 2 → one word between.
        assert!(close((0, 1), (2, 3), Proximity::Near(1), &[]));
        assert!(!close((0, 1), (2, 3), Proximity::Near(0), &[]));
        assert!(close((2, 3), (0, 1), Proximity::Near(1), &[]));
        assert!(!close((2, 3), (0, 1), Proximity::Ordered(5), &[]));
        assert!(close((0, 1), (1, 2), Proximity::Ordered(0), &[]));
        // A sentence starts at 5.
        assert!(close((1, 2), (4, 5), Proximity::Sentence, &[0, 5]));
        assert!(!close((1, 2), (5, 6), Proximity::Sentence, &[0, 5]));
        assert!(close((5, 6), (9, 10), Proximity::Sentence, &[0, 5]));
    }
}
