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

/// A query that filters without scoring.
pub(crate) fn filter(query: BoxQuery) -> BoxQuery {
    Box::new(ConstScoreQuery::new(query, 0.0))
}

impl Compiler<'_> {
    /// Compiles `ast`; `None` when nothing in it can match anything (e.g. only stop words).
    pub fn compile(&self, ast: &Ast) -> Result<Option<BoxQuery>, QueryError> {
        self.node(ast, false)
    }

    fn node(&self, ast: &Ast, required: bool) -> Result<Option<BoxQuery>, QueryError> {
        match ast {
            Ast::All => Ok(Some(Box::new(AllQuery))),
            Ast::Word {
                field: Some(FieldRef::Raw(raw)),
                text,
                column,
            }
            | Ast::Phrase {
                field: Some(FieldRef::Raw(raw)),
                text,
                column,
            } => self.raw(*raw, text, *column).map(Some),
            Ast::Word { field, text, .. } => Ok(self.word(self.fields(field), text, required)),
            Ast::Phrase { field, text, .. } => Ok(self.phrase(&self.fields(field), text)),
            Ast::Bool(clauses) => {
                let mut compiled = Vec::new();
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
                        return Ok(Some(Box::new(EmptyQuery)));
                    }
                }
                if compiled.is_empty() {
                    return Ok(None);
                }
                if compiled.iter().all(|(o, _)| *o == TOccur::MustNot) {
                    compiled.push((TOccur::Must, Box::new(AllQuery)));
                }
                Ok(Some(boolean(compiled)))
            }
        }
    }

    fn fields(&self, field: &Option<FieldRef>) -> Vec<(TextField, f32)> {
        match field {
            Some(FieldRef::Text(tf)) => vec![(*tf, 1.0)],
            _ => self.boosts.to_vec(),
        }
    }

    fn term_over_fields(&self, fields: &[(TextField, f32)], term: &str) -> BoxQuery {
        let queries = fields
            .iter()
            .map(|&(tf, boost)| {
                let t = Term::from_field_text(self.index.fields.main(tf), term);
                boosted(
                    Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs)),
                    boost,
                )
            })
            .collect();
        any(queries).unwrap_or_else(|| Box::new(EmptyQuery))
    }

    /// A bare word. Its terms rank the document; when the word is required (or excluded) the
    /// document must contain all its maximal terms (those not part of a longer term of the
    /// same word) or the word verbatim, so `+稀土永磁材料` does not accept a mere `材料`.
    fn word(&self, fields: Vec<(TextField, f32)>, text: &str, required: bool) -> Option<BoxQuery> {
        let tokens = self.index.analyzer.analyze(text);
        let mut terms: Vec<&str> = tokens.iter().map(|t| t.text.as_str()).collect();
        terms.sort_unstable();
        terms.dedup();
        let whole = maximal(&tokens);
        let ranking = any(terms
            .iter()
            .map(|t| {
                let q = self.term_over_fields(&fields, t);
                if whole.contains(t) {
                    q
                } else {
                    boosted(q, PART_WEIGHT)
                }
            })
            .collect())?;
        if !required || terms.len() == 1 {
            return Some(ranking);
        }
        let all_maximal = boolean(
            whole
                .into_iter()
                .map(|t| (TOccur::Must, self.term_over_fields(&fields, t)))
                .collect(),
        );
        let requirement = match self.phrase(&fields, text) {
            Some(verbatim) => {
                any(vec![all_maximal, verbatim]).unwrap_or_else(|| Box::new(EmptyQuery))
            }
            None => all_maximal,
        };
        Some(boolean(vec![
            (TOccur::Must, filter(requirement)),
            (TOccur::Should, ranking),
        ]))
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
