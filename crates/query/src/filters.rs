//! The kind and language filters of a request, as query-language clauses (`KD=…`,
//! `LA=…`). Search and novelty search build them here, so the two filter alike, and a
//! novelty expression shows its filters as staff would write them.

use chaxin_index::Kind;

use crate::ast::{Ast, Occur};
use crate::field::{FieldRef, RawField};

/// One `Must` clause per non-empty list: the record's kind is one of `kinds`, its language
/// one of `langs`. Nothing for empty lists (no restriction).
pub(crate) fn kind_and_lang(kinds: &[Kind], langs: &[String]) -> Vec<(Occur, Ast)> {
    let mut out = Vec::new();
    if !kinds.is_empty() {
        let kinds = kinds.iter().map(|k| k.as_str().to_string());
        out.push((Occur::Must, any_of(RawField::Kind, kinds)));
    }
    if !langs.is_empty() {
        out.push((Occur::Must, any_of(RawField::Lang, langs.iter().cloned())));
    }
    out
}

/// `FIELD=a OR FIELD=b …`.
fn any_of(field: RawField, values: impl Iterator<Item = String>) -> Ast {
    Ast::Bool(
        values
            .map(|text| {
                let word = Ast::Word {
                    field: Some(FieldRef::Raw(field)),
                    text,
                    column: 0,
                };
                (Occur::Should, word)
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_list_is_one_clause_and_reads_as_the_query_language() {
        let clauses = kind_and_lang(&[Kind::Paper, Kind::Patent], &["zh".to_string()]);
        let written: Vec<String> = clauses.iter().map(|(_, ast)| ast.to_string()).collect();
        assert_eq!(written, ["KD=paper OR KD=patent", "LA=zh"]);
        assert!(clauses.iter().all(|(occur, _)| *occur == Occur::Must));
        assert!(kind_and_lang(&[], &[]).is_empty());
    }
}
