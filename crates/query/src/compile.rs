//! [`Ast`] → tantivy query.

use std::ops::Bound;
use std::sync::atomic::Ordering::Relaxed;

use chaxin_index::PartialDate;
use chaxin_index::{classification_terms, number_variants, ChaxinIndex, Fields, Kind, TextField};
use chaxin_text::Token;
use tantivy::query::RangeQuery;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur as TOccur,
    PhrasePrefixQuery, PhraseQuery, Query, RegexQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

use crate::ast::{Ast, Occur, Proximity};
use crate::error::QueryError;
use crate::field::{DateField, FieldRef, RawField};
use crate::interrupt::Interrupt;
use crate::proximity::{expand, term_width, Pattern, ProximityQuery, Terms, MAX_EXPANSIONS};

/// Compiles queries against one index with given default fields and boosts.
pub(crate) struct Compiler<'a> {
    pub index: &'a ChaxinIndex,
    pub boosts: &'a [(TextField, f32)],
    /// The segments truncations inside proximities are expanded against, once, when the
    /// query is compiled (and refused past [`MAX_EXPANSIONS`] before any search work).
    pub searcher: &'a tantivy::Searcher,
    /// Handed to the proximity scorers, which check it between candidates.
    pub interrupt: &'a Interrupt,
    /// Terms the proximities' truncations expanded to so far (see [`MAX_QUERY_EXPANSIONS`]).
    expanded: std::sync::atomic::AtomicUsize,
}

/// Most terms all the truncations inside the proximities of one query may expand to, summed
/// over operands and fields (Elasticsearch counts
/// `max_clause_count` across the whole query the same way): a chain of wide proximities is
/// refused before it reads anything.
pub const MAX_QUERY_EXPANSIONS: usize = 16 * MAX_EXPANSIONS;

impl<'a> Compiler<'a> {
    pub fn new(
        index: &'a ChaxinIndex,
        boosts: &'a [(TextField, f32)],
        searcher: &'a tantivy::Searcher,
        interrupt: &'a Interrupt,
    ) -> Self {
        Self {
            index,
            boosts,
            searcher,
            interrupt,
            expanded: std::sync::atomic::AtomicUsize::new(0),
        }
    }
}

type BoxQuery = Box<dyn Query>;

/// Weight of a term that is part of a longer term of the same word (`永磁` in `稀土永磁`,
/// `fe` in `Nd-Fe-B`): it still finds the word split differently, but does not count as much
/// as the word itself.
pub(crate) const PART_WEIGHT: f32 = 0.5;

pub(crate) fn boolean(clauses: Vec<(TOccur, BoxQuery)>) -> BoxQuery {
    Box::new(BooleanQuery::new(clauses))
}

/// A union that avoids wrapping a single query.
fn any(mut queries: Vec<BoxQuery>) -> Option<BoxQuery> {
    match queries.len() {
        0 => None,
        1 => queries.pop(),
        _ => Some(boolean(
            queries.into_iter().map(|q| (TOccur::Should, q)).collect(),
        )),
    }
}

fn boosted(query: BoxQuery, boost: f32) -> BoxQuery {
    if (boost - 1.0).abs() < f32::EPSILON {
        query
    } else {
        Box::new(BoostQuery::new(query, boost))
    }
}

/// A compiled clause. A weighted disjunction of terms stays open so that enclosing
/// disjunctions merge into one flat union of term queries, which tantivy scores with block-max
/// WAND; nested unions would be scored exhaustively. Scores are sums either way, so flattening
/// does not change them.
pub(crate) enum Clause {
    Terms(Vec<(Term, f32)>),
    Query(BoxQuery),
}

impl Clause {
    pub fn into_query(self) -> BoxQuery {
        match self {
            Clause::Query(q) => q,
            Clause::Terms(terms) => any(terms
                .into_iter()
                .map(|(term, boost)| {
                    boosted(
                        Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
                        boost,
                    )
                })
                .collect())
            .unwrap_or_else(|| Box::new(EmptyQuery)),
        }
    }
}

/// A query that filters without scoring.
pub(crate) fn filter(query: BoxQuery) -> BoxQuery {
    Box::new(ConstScoreQuery::new(query, 0.0))
}

/// A query that matches with a constant score of 1 (exact-value fields).
fn filter_scored(query: BoxQuery) -> BoxQuery {
    Box::new(ConstScoreQuery::new(query, 1.0))
}

/// Records whose `field` date lies in the bounds (partial dates widen to whole periods: an
/// included lower bound counts from its first day, an excluded one after its last day, and the
/// other way round for upper bounds).
pub(crate) fn date_range(
    f: &Fields,
    field: DateField,
    lower: Bound<PartialDate>,
    upper: Bound<PartialDate>,
) -> BoxQuery {
    let target = match field {
        DateField::Publication => f.pub_date,
        DateField::Filing => f.filing_date,
        DateField::Priority => f.priority_date,
        DateField::Effective => f.effective_date,
    };
    let day = |d: (i32, u8, u8), shift: i64| {
        let days = PartialDate::days_from_civil(d) + shift;
        Term::from_field_date(
            target,
            tantivy::DateTime::from_timestamp_secs(days * 86_400),
        )
    };
    let lower = match lower {
        Bound::Included(d) => Bound::Included(day(d.first_day(), 0)),
        Bound::Excluded(d) => Bound::Included(day(d.last_day(), 1)),
        Bound::Unbounded => Bound::Unbounded,
    };
    let upper = match upper {
        Bound::Included(d) => Bound::Included(day(d.last_day(), 0)),
        Bound::Excluded(d) => Bound::Included(day(d.first_day(), -1)),
        Bound::Unbounded => Bound::Unbounded,
    };
    Box::new(RangeQuery::new(lower, upper))
}

/// `*` → any characters, `?` → one character; everything else literal.
fn glob_regex(glob: &str) -> String {
    let mut out = String::new();
    for c in glob.chars() {
        match c {
            '*' => out.push_str(".*"),
            '?' => out.push('.'),
            c => out.push_str(&regex_escape(&c.to_string())),
        }
    }
    out
}

impl Compiler<'_> {
    /// Compiles `ast`; `None` when nothing in it can match anything (e.g. only stop words).
    pub fn compile(&self, ast: &Ast) -> Result<Option<Clause>, QueryError> {
        self.node(ast, false)
    }

    fn node(&self, ast: &Ast, required: bool) -> Result<Option<Clause>, QueryError> {
        match ast {
            Ast::All => Ok(Some(Clause::Query(Box::new(AllQuery)))),
            Ast::Word {
                field: Some(FieldRef::Raw(raw)),
                text,
                column,
            }
            | Ast::Phrase {
                field: Some(FieldRef::Raw(raw)),
                text,
                column,
            } => self
                .raw(*raw, text, *column)
                .map(|q| Some(Clause::Query(q))),
            Ast::Word { field, text, .. } => Ok(self.word(self.fields(field), text, required)),
            Ast::Phrase { field, text, .. } => {
                Ok(self.phrase(&self.fields(field), text).map(Clause::Query))
            }
            Ast::Wildcard {
                field,
                pattern,
                column,
            } => self
                .wildcard(field, pattern, *column)
                .map(|q| q.map(Clause::Query)),
            Ast::Near {
                field,
                left,
                right,
                proximity,
                ..
            } => self.near(*field, left, right, *proximity),
            Ast::Dates {
                field,
                lower,
                upper,
                ..
            } => Ok(Some(Clause::Query(filter(
                self.dates(*field, *lower, *upper),
            )))),
            Ast::Bool(clauses) => {
                let mut compiled: Vec<(TOccur, Clause)> = Vec::new();
                for (occur, clause) in clauses {
                    // An excluded word is excluded as a whole concept, like a required one.
                    let required = *occur != Occur::Should;
                    if let Some(q) = self.node(clause, required)? {
                        let occur = match occur {
                            Occur::Must => TOccur::Must,
                            Occur::Should => TOccur::Should,
                            Occur::MustNot => TOccur::MustNot,
                        };
                        compiled.push((occur, q));
                    } else if *occur == Occur::Must {
                        // A required clause that cannot match makes the group unmatchable.
                        return Ok(Some(Clause::Query(Box::new(EmptyQuery))));
                    }
                }
                if compiled.is_empty() {
                    return Ok(None);
                }
                if compiled.iter().all(|(o, _)| *o == TOccur::MustNot) {
                    compiled.push((TOccur::Must, Clause::Query(Box::new(AllQuery))));
                }
                // Optional term disjunctions merge into one; a group of nothing else stays open.
                let mut terms = Vec::new();
                let mut others = Vec::new();
                for (occur, clause) in compiled {
                    match (occur, clause) {
                        (TOccur::Should, Clause::Terms(t)) => terms.extend(t),
                        (occur, clause) => others.push((occur, clause.into_query())),
                    }
                }
                if others.is_empty() {
                    return Ok(Some(Clause::Terms(terms)));
                }
                if !terms.is_empty() {
                    others.push((TOccur::Should, Clause::Terms(terms).into_query()));
                }
                Ok(Some(Clause::Query(boolean(others))))
            }
        }
    }

    /// Text fields a term searches, with their boosts: one field as given, a group with the
    /// default boosts of its fields, no field the default fields.
    /// `texts` as terms of the exact (bigram) twins of `field`'s fields, each weighted by its
    /// field's boost × `weight`.
    pub(crate) fn exact_terms(
        &self,
        field: Option<FieldRef>,
        texts: &[String],
        weight: f32,
    ) -> Vec<(Term, f32)> {
        let fields = self.fields(&field);
        texts
            .iter()
            .flat_map(|text| {
                fields.iter().map(move |&(tf, boost)| {
                    (
                        Term::from_field_text(self.index.fields.exact(tf), text),
                        boost * weight,
                    )
                })
            })
            .collect()
    }

    /// Main-stream `terms` over the default fields, each weighted by its field's boost × its
    /// own weight (a ranking clause built outside the query language).
    pub(crate) fn weighted_terms(
        &self,
        field: Option<FieldRef>,
        terms: &[(String, f32)],
    ) -> Vec<(Term, f32)> {
        let fields = self.fields(&field);
        terms
            .iter()
            .flat_map(|(term, weight)| self.term_over_fields(&fields, term, *weight))
            .collect()
    }

    fn fields(&self, field: &Option<FieldRef>) -> Vec<(TextField, f32)> {
        match field {
            Some(FieldRef::Text(tf)) => vec![(*tf, 1.0)],
            Some(FieldRef::Group(group)) => group
                .fields()
                .iter()
                .map(|tf| {
                    let boost = self
                        .boosts
                        .iter()
                        .find(|(f, _)| f == tf)
                        .map_or(1.0, |b| b.1);
                    (*tf, boost)
                })
                .collect(),
            _ => self.boosts.to_vec(),
        }
    }

    /// A truncated word: Latin words through the exact twins' term dictionaries; a Chinese
    /// stem as a phrase (it already matches inside longer words); IPC/CPC codes by prefix.
    fn wildcard(
        &self,
        field: &Option<FieldRef>,
        pattern: &str,
        column: usize,
    ) -> Result<Option<BoxQuery>, QueryError> {
        match field {
            Some(FieldRef::Raw(raw @ (RawField::Ipc | RawField::Cpc))) => {
                let f = &self.index.fields;
                let target = if *raw == RawField::Ipc { f.ipc } else { f.cpc };
                let code: String = pattern
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .map(|c| c.to_ascii_uppercase())
                    .collect();
                let regex = glob_regex(&code);
                return RegexQuery::from_pattern(&regex, target)
                    .map(|q| Some(filter_scored(Box::new(q))))
                    .map_err(|e| {
                        QueryError::new(
                            column,
                            format!("bad classification pattern `{pattern}`: {e}"),
                        )
                    });
            }
            Some(FieldRef::Raw(_) | FieldRef::Date(_)) => {
                return Err(QueryError::new(
                    column,
                    "truncation applies to text fields and IPC/CPC codes",
                ))
            }
            _ => {}
        }
        let fields = self.fields(field);
        if pattern.chars().any(chaxin_text::is_han) {
            let stem: String = pattern.chars().filter(|c| *c != '*').collect();
            return Ok(self.phrase(&fields, &stem));
        }
        let regex = glob_regex(&pattern.to_lowercase());
        let queries = fields
            .iter()
            .map(|&(tf, boost)| {
                RegexQuery::from_pattern(&regex, self.index.fields.exact(tf))
                    .map(|q| boosted(Box::new(q), boost))
                    .map_err(|e| {
                        QueryError::new(column, format!("bad truncation `{pattern}`: {e}"))
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(any(queries))
    }

    /// Alternatives of a proximity operand, as exact-stream patterns.
    fn patterns(&self, ast: &Ast) -> Vec<Pattern> {
        let phrase = |text: &str| {
            let p = self.index.analyzer.phrase_terms(text);
            if p.terms.is_empty() {
                return None;
            }
            Some(Pattern::Phrase(
                p.terms
                    .into_iter()
                    .map(|(offset, term)| {
                        let width = term_width(&term);
                        (offset, term, width)
                    })
                    .collect(),
            ))
        };
        match ast {
            Ast::Word { text, .. } | Ast::Phrase { text, .. } => phrase(text).into_iter().collect(),
            Ast::Wildcard { pattern, .. } if pattern.chars().any(chaxin_text::is_han) => {
                phrase(&pattern.replace('*', "")).into_iter().collect()
            }
            Ast::Wildcard {
                pattern, column, ..
            } => vec![Pattern::Glob {
                glob: pattern.to_lowercase(),
                column: *column,
            }],
            Ast::Bool(clauses) => clauses.iter().flat_map(|(_, a)| self.patterns(a)).collect(),
            _ => Vec::new(),
        }
    }

    /// Both operands must occur (and rank the document); positions must satisfy `proximity`
    /// in one of the fields.
    fn near(
        &self,
        field: Option<FieldRef>,
        left: &Ast,
        right: &Ast,
        proximity: Proximity,
    ) -> Result<Option<Clause>, QueryError> {
        let (left_patterns, right_patterns) = (self.patterns(left), self.patterns(right));
        if left_patterns.is_empty() || right_patterns.is_empty() {
            return Ok(Some(Clause::Query(Box::new(EmptyQuery))));
        }
        let mut per_field: Vec<BoxQuery> = Vec::new();
        for (tf, _) in self.fields(&field) {
            let exact = self.index.fields.exact(tf);
            per_field.push(Box::new(ProximityQuery {
                field: exact,
                left: self.alternatives(exact, &left_patterns)?,
                right: self.alternatives(exact, &right_patterns)?,
                proximity,
                interrupt: self.interrupt.clone(),
            }));
        }
        let positions = any(per_field).unwrap_or_else(|| Box::new(EmptyQuery));
        let mut clauses = vec![(TOccur::Must, filter(positions))];
        for side in [left, right] {
            if let Some(c) = self.node(&side.clone().with_field(field), false)? {
                clauses.push((TOccur::Should, c.into_query()));
            }
        }
        Ok(Some(Clause::Query(boolean(clauses))))
    }

    /// The alternatives of a proximity operand in the exact field `exact`: its phrases, and
    /// the terms its truncations match in the index. Refuses an operand whose truncations
    /// match more than [`MAX_EXPANSIONS`] distinct terms, and a query whose proximities'
    /// truncations match more than [`MAX_QUERY_EXPANSIONS`] in all (each term is a posting
    /// list read with positions), naming the truncation that crossed the limit. Terms are
    /// counted over all segments, so the limit does not depend on how the index is segmented.
    fn alternatives(&self, exact: Field, patterns: &[Pattern]) -> Result<Vec<Terms>, QueryError> {
        let mut out = Vec::new();
        let mut operand_terms = std::collections::BTreeSet::new();
        for pattern in patterns {
            let (glob, column) = match pattern {
                Pattern::Phrase(terms) => {
                    out.push(terms.clone());
                    continue;
                }
                Pattern::Glob { glob, column } => (glob, *column),
            };
            // Past the deadline the search stops at its first scorer; no use expanding.
            if self.interrupt.is_set() {
                break;
            }
            let mut terms = std::collections::BTreeSet::new();
            for reader in self.searcher.segment_readers() {
                let expanded = expand(reader, exact, glob, MAX_EXPANSIONS + 1)
                    .map_err(|e| QueryError::new(column, format!("expanding `{glob}`: {e}")))?;
                terms.extend(expanded);
                if terms.len() > MAX_EXPANSIONS {
                    break;
                }
            }
            let added = terms.len();
            for term in terms {
                if operand_terms.insert(term.clone()) {
                    out.push(vec![(0, term, 1)]);
                }
            }
            if operand_terms.len() > MAX_EXPANSIONS {
                return Err(QueryError::new(
                    column,
                    format!(
                        "truncation `{glob}` inside a proximity matches more than \
                         {MAX_EXPANSIONS} terms (with the operand's other truncations); \
                         give a longer stem"
                    ),
                ));
            }
            let query_terms = self.expanded.fetch_add(added, Relaxed) + added;
            if query_terms > MAX_QUERY_EXPANSIONS {
                return Err(QueryError::new(
                    column,
                    format!(
                        "truncation `{glob}`: the truncations inside proximities of this query \
                         match more than {MAX_QUERY_EXPANSIONS} terms in all; use fewer \
                         truncations or longer stems"
                    ),
                ));
            }
        }
        Ok(out)
    }

    fn dates(
        &self,
        field: DateField,
        lower: Bound<PartialDate>,
        upper: Bound<PartialDate>,
    ) -> BoxQuery {
        date_range(&self.index.fields, field, lower, upper)
    }

    /// `term` in the main twin of each of `fields`, weighted by the field's boost × `weight`.
    fn term_over_fields(
        &self,
        fields: &[(TextField, f32)],
        term: &str,
        weight: f32,
    ) -> Vec<(Term, f32)> {
        fields
            .iter()
            .map(|&(tf, boost)| {
                (
                    Term::from_field_text(self.index.fields.main(tf), term),
                    boost * weight,
                )
            })
            .collect()
    }

    /// A bare word. Its terms rank the document; when the word is required (or excluded) the
    /// document must contain all its maximal terms (those not part of a longer term of the
    /// same word) or the word verbatim, so `+稀土永磁材料` does not accept a mere `材料`.
    fn word(&self, fields: Vec<(TextField, f32)>, text: &str, required: bool) -> Option<Clause> {
        let tokens = self.index.analyzer.analyze(text);
        let mut terms: Vec<&str> = tokens.iter().map(|t| t.text.as_str()).collect();
        terms.sort_unstable();
        terms.dedup();
        if terms.is_empty() {
            return None;
        }
        let whole = maximal(&tokens);
        let ranking = Clause::Terms(
            terms
                .iter()
                .flat_map(|t| {
                    let weight = if whole.contains(t) { 1.0 } else { PART_WEIGHT };
                    self.term_over_fields(&fields, t, weight)
                })
                .collect(),
        );
        if !required || terms.len() == 1 {
            return Some(ranking);
        }
        let all_maximal = boolean(
            whole
                .into_iter()
                .map(|t| {
                    let all_fields = Clause::Terms(self.term_over_fields(&fields, t, 1.0));
                    (TOccur::Must, all_fields.into_query())
                })
                .collect(),
        );
        let requirement = match self.phrase(&fields, text) {
            Some(verbatim) => {
                any(vec![all_maximal, verbatim]).unwrap_or_else(|| Box::new(EmptyQuery))
            }
            None => all_maximal,
        };
        Some(Clause::Query(boolean(vec![
            (TOccur::Must, filter(requirement)),
            (TOccur::Should, ranking.into_query()),
        ])))
    }

    /// A quoted phrase on the exact twins of `fields`.
    fn phrase(&self, fields: &[(TextField, f32)], text: &str) -> Option<BoxQuery> {
        let phrase = self.index.analyzer.phrase_terms(text);
        if phrase.terms.is_empty() {
            return None;
        }
        let queries = fields
            .iter()
            .map(|&(tf, boost)| {
                let field = self.index.fields.exact(tf);
                boosted(phrase_query(field, &phrase), boost)
            })
            .collect();
        any(queries)
    }

    fn raw(&self, raw: RawField, value: &str, column: usize) -> Result<BoxQuery, QueryError> {
        let f = &self.index.fields;
        let value = value.trim();
        let (field, term): (Field, String) = match raw {
            RawField::Id => (f.id, value.to_string()),
            RawField::Kind => {
                let lower = value.to_ascii_lowercase();
                if Kind::parse(&lower).is_none() {
                    let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
                    return Err(QueryError::new(
                        column,
                        format!("unknown kind `{value}`; kinds: {}", kinds.join(", ")),
                    ));
                }
                (f.kind, lower)
            }
            RawField::Lang => (f.lang, value.to_ascii_lowercase()),
            RawField::Doi => (f.doi, value.to_lowercase()),
            RawField::Number => {
                let compact: String = value.chars().filter(char::is_ascii_alphanumeric).collect();
                let variants = number_variants(value);
                let norm = variants
                    .into_iter()
                    .find(|v| v.eq_ignore_ascii_case(&compact))
                    .unwrap_or(compact.to_ascii_uppercase());
                (f.number, norm)
            }
            RawField::Ipc | RawField::Cpc => {
                let field = if raw == RawField::Ipc { f.ipc } else { f.cpc };
                let code = classification_terms(value).pop().unwrap_or_default();
                (field, code)
            }
            RawField::Source => (f.source, value.to_string()),
            RawField::Discipline => (f.discipline, value.to_string()),
            RawField::Family => (f.family, value.to_string()),
        };
        let q = TermQuery::new(
            Term::from_field_text(field, &term),
            IndexRecordOption::Basic,
        );
        Ok(filter_scored(Box::new(q)))
    }
}

fn phrase_query(field: Field, phrase: &chaxin_text::PhraseTerms) -> BoxQuery {
    let terms: Vec<(usize, Term)> = phrase
        .terms
        .iter()
        .map(|(offset, text)| (*offset, Term::from_field_text(field, text)))
        .collect();
    match (terms.len(), phrase.last_is_prefix) {
        (1, false) => Box::new(TermQuery::new(
            terms[0].1.clone(),
            IndexRecordOption::WithFreqs,
        )),
        (1, true) => {
            let pattern = format!("{}.?", regex_escape(&phrase.terms[0].1));
            match RegexQuery::from_pattern(&pattern, field) {
                Ok(q) => Box::new(q),
                Err(_) => Box::new(EmptyQuery),
            }
        }
        (_, true) => Box::new(PhrasePrefixQuery::new_with_offset(terms)),
        (_, false) => Box::new(PhraseQuery::new_with_offset(terms)),
    }
}

fn regex_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if "\\.+*?()|[]{}^$#&-~\"<>@".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Whether `inner`'s span lies strictly inside `outer`'s (`永磁` in `稀土永磁`).
pub(crate) fn inside(inner: &Token, outer: &Token) -> bool {
    outer.offset_from <= inner.offset_from
        && inner.offset_to <= outer.offset_to
        && (outer.offset_to - outer.offset_from) > (inner.offset_to - inner.offset_from)
}

/// Whether no other token's span strictly contains `token`'s.
pub(crate) fn is_maximal(token: &Token, tokens: &[Token]) -> bool {
    !tokens.iter().any(|o| inside(token, o))
}

/// Terms whose span is not strictly inside another token's span, sorted, once each.
fn maximal(tokens: &[Token]) -> Vec<&str> {
    let mut out: Vec<&str> = tokens
        .iter()
        .filter(|t| is_maximal(t, tokens))
        .map(|t| t.text.as_str())
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use chaxin_text::Analyzer;

    use super::*;

    #[test]
    fn maximal_terms_skip_parts() {
        let a = Analyzer::default_settings();
        let tokens = a.analyze("Nd-Fe-B");
        assert_eq!(maximal(&tokens), vec!["ndfeb"]);
        let tokens = a.analyze("中华人民共和国");
        assert_eq!(maximal(&tokens), vec!["中华人民共和国"]);
    }
}
