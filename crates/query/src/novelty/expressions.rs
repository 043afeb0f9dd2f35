//! A point's search expressions in the expert language, as staff write them: one block per
//! concept (its own words OR its forms), the blocks joined, and the request's restrictions
//! (cut-off, filters, `must`). Every expression is valid query language: its hit count is the
//! count `/v1/search` gives for it.

use std::ops::Bound;

use super::features::Feature;
use super::NoveltyRequest;
use crate::ast::{Ast, Occur};
use crate::compile::Compiler;
use crate::error::SearchError;
use crate::field::{DateField, FieldGroup, FieldRef};
use crate::parser::{parse, DefaultOperator};

pub(super) fn word(text: &str) -> Ast {
    // A feature is a token of the point; operators and quotes cannot occur in it, except
    // a capitalised operator word.
    let text = match text {
        "AND" | "OR" | "NOT" | "NEAR" | "ADJ" => text.to_lowercase(),
        _ => text.to_string(),
    };
    Ast::Word {
        field: None,
        text,
        column: 0,
    }
}

/// A feature and its forms as alternatives: a concept block such as
/// `(软测量 OR "soft sensor")`. With `lang`, only the forms in that language (`None` when the
/// concept has none).
pub(super) fn feature_block(feature: &Feature, lang: Option<chaxin_lexicon::Lang>) -> Option<Ast> {
    let mut texts: Vec<&String> = Vec::new();
    if lang.is_none_or(|l| l == feature.lang) {
        texts.push(&feature.text);
    }
    for form in &feature.forms {
        if lang.is_none_or(|l| l == form.lang) && !texts.contains(&&form.text) {
            texts.push(&form.text);
        }
    }
    let (first, rest) = texts.split_first()?;
    if rest.is_empty() && lang.is_none_or(|l| l == feature.lang) {
        return Some(word(first));
    }
    let alternatives = texts
        .iter()
        .map(|text| (Occur::Should, alternative(text)))
        .collect();
    Some(Ast::Bool(alternatives))
}

/// A form as a query term: a word, or a phrase when it has several words.
pub(super) fn alternative(text: &str) -> Ast {
    if text.split_whitespace().count() > 1 {
        Ast::Phrase {
            field: None,
            text: text.replace('"', ""),
            column: 0,
        }
    } else {
        word(text)
    }
}

/// A feature and its synonyms as alternatives.
pub(super) fn feature_ast(feature: &Feature) -> Ast {
    if feature.synonyms.is_empty() {
        return word(&feature.text);
    }
    let mut alternatives = vec![(Occur::Should, word(&feature.text))];
    for synonym in &feature.synonyms {
        let term = if synonym.split_whitespace().count() > 1 {
            Ast::Phrase {
                field: None,
                text: synonym.replace('"', ""),
                column: 0,
            }
        } else {
            word(synonym)
        };
        alternatives.push((Occur::Should, term));
    }
    Ast::Bool(alternatives)
}

/// What restricts every expression of a request: cut-off, filters, `must`.
pub(super) fn restrictions(
    request: &NoveltyRequest,
    compiler: &Compiler<'_>,
) -> Result<Vec<(Occur, Ast)>, SearchError> {
    let mut out = Vec::new();
    if let Some(cutoff) = request.cutoff {
        if request.drop_undated {
            out.push((
                Occur::Must,
                Ast::Dates {
                    field: DateField::Effective,
                    lower: Bound::Unbounded,
                    upper: Bound::Excluded(cutoff),
                    column: 0,
                },
            ));
        } else {
            out.push((
                Occur::MustNot,
                Ast::Dates {
                    field: DateField::Effective,
                    lower: Bound::Included(cutoff),
                    upper: Bound::Unbounded,
                    column: 0,
                },
            ));
        }
    } else if request.drop_undated {
        out.push((
            Occur::Must,
            Ast::Dates {
                field: DateField::Effective,
                lower: Bound::Unbounded,
                upper: Bound::Unbounded,
                column: 0,
            },
        ));
    }
    let f = &request.filters;
    out.extend(crate::filters::kind_and_lang(&f.kind, &f.lang));
    if !f.ipc.is_empty() {
        // Each code as `IPC=<code>` reads it: a section, class or subclass exactly, a group
        // (`C22C 38/`) or `*` by prefix.
        let codes = f
            .ipc
            .iter()
            .enumerate()
            .map(|(i, code)| {
                let invalid = |message: String| SearchError::InvalidValue {
                    field: "filters.ipc",
                    message: format!("code {}: {message}", i + 1),
                };
                match parse(&format!("IPC={}", code.trim()), DefaultOperator::And) {
                    Ok(ast @ (Ast::Word { .. } | Ast::Wildcard { .. })) => Ok((Occur::Should, ast)),
                    Ok(_) => Err(invalid(format!("`{code}` is not an IPC code or prefix"))),
                    Err(e) => Err(invalid(e.message)),
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        out.push((Occur::Must, Ast::Bool(codes)));
    }
    for (i, expression) in request.must.iter().enumerate() {
        let invalid = |e: crate::error::QueryError| SearchError::InvalidValue {
            field: "must",
            message: format!("expression {}: {e}", i + 1),
        };
        let ast = parse(expression, DefaultOperator::And).map_err(invalid)?;
        // Compiled once here so that its errors (`KD=blog`) are reported against `must`.
        compiler.compile(&ast).map_err(invalid)?;
        out.push((Occur::Must, ast));
    }
    Ok(out)
}

/// `FT=(concept blocks…)` joined by `occur`, plus the restrictions; with `lang`, the blocks in
/// that language only (`None` when no concept has a form in it).
pub(super) fn expression_in(
    features: &[&Feature],
    occur: Occur,
    restrictions: &[(Occur, Ast)],
    lang: Option<chaxin_lexicon::Lang>,
) -> Option<Ast> {
    let blocks: Vec<(Occur, Ast)> = features
        .iter()
        .filter_map(|f| feature_block(f, lang).map(|b| (occur, b)))
        .collect();
    if blocks.is_empty() {
        return None;
    }
    let terms = Ast::Bool(blocks).with_field(Some(FieldRef::Group(FieldGroup::FullText)));
    let mut clauses = vec![(Occur::Must, terms)];
    clauses.extend(restrictions.iter().cloned());
    Some(Ast::Bool(clauses))
}

/// `FT=(features…)` joined by `occur`, plus the restrictions.
pub(super) fn expression(
    features: &[&Feature],
    occur: Occur,
    restrictions: &[(Occur, Ast)],
) -> Ast {
    let terms = Ast::Bool(features.iter().map(|f| (occur, feature_ast(f))).collect())
        .with_field(Some(FieldRef::Group(FieldGroup::FullText)));
    let mut clauses = vec![(Occur::Must, terms)];
    clauses.extend(restrictions.iter().cloned());
    if clauses.len() == 1 {
        clauses.pop().map_or(Ast::All, |(_, a)| a)
    } else {
        Ast::Bool(clauses)
    }
}
