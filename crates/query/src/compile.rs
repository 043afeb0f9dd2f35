//! [`Ast`] → tantivy query.

use chaxin_index::{classification_terms, number_variants, ChaxinIndex, Kind, TextField};
use chaxin_text::Token;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur as TOccur,
    PhrasePrefixQuery, PhraseQuery, Query, RegexQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

use crate::ast::{Ast, Occur};
use crate::error::QueryError;
use crate::field::{FieldRef, RawField};

/// Compiles queries against one index with given default fields and boosts.
pub(crate) struct Compiler<'a> {
    pub index: &'a ChaxinIndex,
    pub boosts: &'a [(TextField, f32)],
}

type BoxQuery = Box<dyn Query>;

/// Weight of a term that is part of a longer term of the same word (`永磁` in `稀土永磁`,
/// `fe` in `Nd-Fe-B`): it still finds the word split differently, but does not count as much
/// as the word itself.
const PART_WEIGHT: f32 = 0.5;

fn boolean(clauses: Vec<(TOccur, BoxQuery)>) -> BoxQuery {
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

    fn fields(&self, field: &Option<FieldRef>) -> Vec<(TextField, f32)> {
        match field {
            Some(FieldRef::Text(tf)) => vec![(*tf, 1.0)],
            _ => self.boosts.to_vec(),
        }
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
                    return Err(QueryError {
                        column,
                        message: format!("unknown kind `{value}`; kinds: {}", kinds.join(", ")),
                    });
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
        Ok(Box::new(ConstScoreQuery::new(Box::new(q), 1.0)))
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

/// Terms whose span is not strictly inside another token's span.
fn maximal(tokens: &[Token]) -> Vec<&str> {
    let mut out: Vec<&str> = tokens
        .iter()
        .filter(|t| {
            !tokens.iter().any(|o| {
                o.offset_from <= t.offset_from
                    && t.offset_to <= o.offset_to
                    && (o.offset_to - o.offset_from) > (t.offset_to - t.offset_from)
            })
        })
        .map(|t| t.text.as_str())
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chaxin_text::Analyzer;

    #[test]
    fn maximal_terms_skip_parts() {
        let a = Analyzer::default_settings();
        let tokens = a.analyze("Nd-Fe-B");
        assert_eq!(maximal(&tokens), vec!["ndfeb"]);
        let tokens = a.analyze("中华人民共和国");
        assert_eq!(maximal(&tokens), vec!["中华人民共和国"]);
    }
}
