//! Query string → [`Ast`]: the expert query language (see `docs/query-language.md`).
//!
//! Grammar (lowest precedence first; operators in capitals):
//!
//! ```text
//! query    := or EOF
//! or       := sequence (("OR" | " + ") sequence)*
//! sequence := and+                      -- juxtaposed clauses, joined by the default operator
//! and      := unary (("AND" | " * ") unary)*
//! unary    := ("NOT" | " - " | "-" | "+") unary | prox
//! prox     := primary (PROX primary)*   -- PROX: NEAR/n ADJ/n W/n /SEN /PARA
//! primary  := "(" or ")" | FIELD ("=" | ":") primary | DATES | "\"" phrase "\"" | "'" phrase "'"
//!           | WORD | TRUNCATED
//! DATES    := DATEFIELD ("=" | ":") (date | "[" date "TO" date "]") | DATEFIELD ("<"|"<="|">"|">=") date
//! ```
//!
//! `-x`/`NOT x` exclude, `+x` requires; a clause made only of exclusions matches everything
//! else. CNKI's `*`, `+`, `-` are AND, OR, NOT when they stand alone (spaces around them, or
//! next to a quote or parenthesis). Full-width parentheses and Chinese quotes (`（）`, `“”`)
//! work like ASCII ones.

use serde::{Deserialize, Serialize};

use crate::ast::{Ast, Occur};
use crate::error::QueryError;
use crate::field::{FieldRef, RawField};
use crate::lexer::{err, is_close_paren, is_open_paren, is_quote, lex, proximity, Spanned, Tok};

/// Longest accepted query, in characters.
pub const MAX_QUERY_CHARS: usize = 2000;
/// Deepest accepted nesting of parentheses and prefixes.
const MAX_DEPTH: usize = 32;
/// Characters a truncated word must have before its first `*` or `?`.
const MIN_TRUNCATION_STEM: usize = 2;

/// How juxtaposed clauses (`a b`) combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DefaultOperator {
    /// Any clause may match; more matches rank higher (default).
    #[default]
    Or,
    /// Every clause must match.
    And,
}

struct Parser {
    toks: Vec<Spanned>,
    pos: usize,
    end_column: usize,
    default_operator: DefaultOperator,
    depth: usize,
}

/// Turns natural-language text (a title, an innovation point, an evaluation query) into a query
/// that searches its words and nothing else: quotes, parentheses, field prefixes, truncation
/// and operators lose their meaning.
pub fn plain_text_query(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| {
            if is_quote(c)
                || is_open_paren(c)
                || is_close_paren(c)
                || matches!(
                    c,
                    ':' | '=' | '<' | '>' | '*' | '?' | '\'' | '[' | ']' | '{' | '}'
                )
            {
                ' '
            } else {
                c
            }
        })
        .collect();
    cleaned
        .split_whitespace()
        .map(|word| word.trim_start_matches(['+', '-', '/']))
        .filter(|word| {
            !word.is_empty()
                && !matches!(*word, "AND" | "OR" | "NOT" | "&&" | "||" | "NEAR" | "ADJ")
                && !matches!(proximity(word, 0), Ok(Some(_)) | Err(_))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Parses a query string. Errors give the column, what was expected, and the query as
/// understood up to that point.
pub fn parse(query: &str, default_operator: DefaultOperator) -> Result<Ast, QueryError> {
    let length = query.chars().count();
    if length > MAX_QUERY_CHARS {
        return Err(err(
            MAX_QUERY_CHARS + 1,
            format!("query is {length} characters long; the limit is {MAX_QUERY_CHARS}"),
        ));
    }
    // `*` alone is every record: what an empty query is written as (Ast::All).
    if query.trim() == "*" {
        return Ok(Ast::All);
    }
    let mut toks = Vec::new();
    // Tokens read when an error was found: the query as understood.
    let mut consumed = None;
    let result = lex(query, &mut toks).and_then(|()| {
        if toks.is_empty() {
            return Ok(Ast::All);
        }
        let mut parser = Parser {
            toks: toks.clone(),
            pos: 0,
            end_column: length + 1,
            default_operator,
            depth: 0,
        };
        let parsed = parser.or().and_then(|ast| match parser.peek() {
            Some(t) => {
                let message = match t.tok {
                    Tok::RParen => "unmatched `)`",
                    _ => "unexpected input",
                };
                Err(err(t.column, message))
            }
            None => Ok(simplify(ast)),
        });
        if parsed.is_err() {
            consumed = Some(parser.pos);
        }
        parsed
    });
    result.map_err(|mut e| {
        let read = consumed.unwrap_or(toks.len()).min(toks.len());
        e.understood = toks[..read]
            .iter()
            .map(|t| t.tok.render())
            .collect::<Vec<_>>()
            .join(" ")
            .replace("= ", "=");
        e
    })
}

/// Operands a proximity accepts: terms, or an `OR` of terms.
fn is_proximity_operand(ast: &Ast) -> bool {
    match ast {
        Ast::Word { .. } | Ast::Phrase { .. } | Ast::Wildcard { .. } => true,
        Ast::Bool(clauses) => clauses
            .iter()
            .all(|(o, a)| *o == Occur::Should && is_proximity_operand(a)),
        _ => false,
    }
}

/// The one text field (or group) of a proximity's operands.
fn operand_field(ast: &Ast, column: usize) -> Result<Option<FieldRef>, QueryError> {
    let mut fields = Vec::new();
    ast.visit_positive(&mut |a| fields.push(a.field()));
    fields.dedup();
    match fields[..] {
        [] => Ok(None),
        [f] => Ok(f),
        _ => Err(err(
            column,
            "the terms of a proximity must all be in one field",
        )),
    }
}

/// Removes the field of every term (a proximity keeps it once, for all its terms).
fn strip_field(ast: Ast) -> Ast {
    match ast {
        Ast::Word { text, column, .. } => Ast::Word {
            field: None,
            text,
            column,
        },
        Ast::Phrase { text, column, .. } => Ast::Phrase {
            field: None,
            text,
            column,
        },
        Ast::Wildcard {
            pattern, column, ..
        } => Ast::Wildcard {
            field: None,
            pattern,
            column,
        },
        Ast::Bool(clauses) => Ast::Bool(
            clauses
                .into_iter()
                .map(|(o, a)| (o, strip_field(a)))
                .collect(),
        ),
        other => other,
    }
}

impl Parser {
    fn peek(&self) -> Option<&Spanned> {
        self.toks.get(self.pos)
    }

    fn next_column(&self) -> usize {
        self.peek().map_or(self.end_column, |t| t.column)
    }

    fn eat(&mut self, tok: &Tok) -> bool {
        if self.peek().is_some_and(|t| &t.tok == tok) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn enter(&mut self) -> Result<(), QueryError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(err(
                self.next_column(),
                format!("query nests deeper than {MAX_DEPTH} levels"),
            ));
        }
        Ok(())
    }

    fn or(&mut self) -> Result<Ast, QueryError> {
        let mut alternatives = vec![self.sequence()?];
        while self.eat(&Tok::Or) {
            alternatives.push(self.sequence()?);
        }
        Ok(if alternatives.len() == 1 {
            alternatives.remove(0)
        } else {
            Ast::Bool(
                alternatives
                    .into_iter()
                    .map(|a| (Occur::Should, a))
                    .collect(),
            )
        })
    }

    fn starts_clause(&self) -> bool {
        matches!(
            self.peek().map(|t| &t.tok),
            Some(
                Tok::Word(_)
                    | Tok::Phrase(_)
                    | Tok::Field(_)
                    | Tok::Dates { .. }
                    | Tok::LParen
                    | Tok::Not
                    | Tok::Plus
                    | Tok::Minus
            )
        )
    }

    fn sequence(&mut self) -> Result<Ast, QueryError> {
        if !self.starts_clause() {
            let what = match self.peek().map(|t| &t.tok) {
                Some(Tok::Or) => "`OR` needs a term on each side",
                Some(Tok::And) => "`AND` needs a term on each side",
                Some(Tok::Prox(_)) => "a proximity operator needs a term on each side",
                Some(Tok::RParen) => "expected a term before `)`",
                None => "expected a term at the end of the query",
                _ => "expected a term",
            };
            return Err(err(self.next_column(), what));
        }
        let plain = match self.default_operator {
            DefaultOperator::Or => Occur::Should,
            DefaultOperator::And => Occur::Must,
        };
        let mut clauses = Vec::new();
        while self.starts_clause() {
            let (occur, ast) = self.and()?;
            clauses.push((occur.unwrap_or(plain), ast));
        }
        Ok(Ast::Bool(clauses))
    }

    /// Returns the clause and its explicit occurrence (`+`, `-`, `NOT`), if any.
    fn and(&mut self) -> Result<(Option<Occur>, Ast), QueryError> {
        let first = self.unary()?;
        if !self.peek().is_some_and(|t| t.tok == Tok::And) {
            return Ok(first);
        }
        let mut clauses = vec![(first.0.unwrap_or(Occur::Must), first.1)];
        while self.eat(&Tok::And) {
            if !self.starts_clause() {
                return Err(err(self.next_column(), "expected a term after `AND`"));
            }
            let (occur, ast) = self.unary()?;
            clauses.push((occur.unwrap_or(Occur::Must), ast));
        }
        Ok((None, Ast::Bool(clauses)))
    }

    fn unary(&mut self) -> Result<(Option<Occur>, Ast), QueryError> {
        let occur = match self.peek().map(|t| &t.tok) {
            Some(Tok::Not) | Some(Tok::Minus) => Some(Occur::MustNot),
            Some(Tok::Plus) => Some(Occur::Must),
            _ => None,
        };
        if let Some(occur) = occur {
            let column = self.next_column();
            self.pos += 1;
            if !self.starts_clause() {
                return Err(err(column, "expected a term after this operator"));
            }
            self.enter()?;
            // In `NOT -x` or `+-x` the outer operator decides.
            let (_, ast) = self.unary()?;
            self.depth -= 1;
            return Ok((Some(occur), ast));
        }
        Ok((None, self.proximity()?))
    }

    /// `a NEAR/3 b ADJ c` becomes `(a NEAR/3 b) AND (b ADJ c)`.
    fn proximity(&mut self) -> Result<Ast, QueryError> {
        let first = self.primary(None)?;
        let mut pairs = Vec::new();
        let mut left = first.clone();
        while let Some(Spanned {
            tok: Tok::Prox(proximity),
            column,
        }) = self.peek().cloned()
        {
            self.pos += 1;
            if !matches!(
                self.peek().map(|t| &t.tok),
                Some(Tok::Word(_) | Tok::Phrase(_) | Tok::Field(_) | Tok::LParen)
            ) {
                return Err(err(
                    self.next_column(),
                    format!("expected a term after `{proximity}`"),
                ));
            }
            let right = self.primary(None)?;
            for side in [&left, &right] {
                if !is_proximity_operand(side) {
                    return Err(err(
                        column,
                        format!(
                            "`{proximity}` joins words, phrases or truncations (or an OR of them), not `{side}`"
                        ),
                    ));
                }
            }
            let field = match (
                operand_field(&left, column)?,
                operand_field(&right, column)?,
            ) {
                (Some(a), Some(b)) if a != b => {
                    return Err(err(
                        column,
                        format!("`{proximity}` needs both terms in one field"),
                    ))
                }
                (a, b) => a.or(b),
            };
            if matches!(field, Some(FieldRef::Raw(_) | FieldRef::Date(_))) {
                return Err(err(
                    column,
                    format!("`{proximity}` works in text fields only"),
                ));
            }
            pairs.push((
                Occur::Must,
                Ast::Near {
                    field,
                    left: Box::new(strip_field(left.clone())),
                    right: Box::new(strip_field(right.clone())),
                    proximity,
                    column,
                },
            ));
            left = right;
        }
        Ok(match pairs.len() {
            0 => first,
            1 => pairs.remove(0).1,
            _ => Ast::Bool(pairs),
        })
    }

    fn primary(&mut self, field: Option<FieldRef>) -> Result<Ast, QueryError> {
        let Some(t) = self.peek().cloned() else {
            return Err(err(
                self.end_column,
                "expected a term at the end of the query",
            ));
        };
        self.pos += 1;
        match t.tok {
            Tok::Word(text) => self.word(field, text, t.column),
            Tok::Phrase(text) => Ok(Ast::Phrase {
                field,
                text,
                column: t.column,
            }),
            Tok::Dates {
                field: date_field,
                lower,
                upper,
            } => {
                if field.is_some() {
                    return Err(err(t.column, "a date cannot follow a field prefix"));
                }
                Ok(Ast::Dates {
                    field: date_field,
                    lower,
                    upper,
                    column: t.column,
                })
            }
            Tok::LParen => {
                self.enter()?;
                if self.peek().is_some_and(|n| n.tok == Tok::RParen) {
                    return Err(err(t.column, "empty parentheses"));
                }
                let inner = self.or()?;
                self.depth -= 1;
                if !self.eat(&Tok::RParen) {
                    return Err(err(t.column, "unclosed `(`: a `)` is missing"));
                }
                Ok(inner.with_field(field))
            }
            Tok::Field(f) => {
                if field.is_some() {
                    return Err(err(t.column, "a field prefix cannot follow another one"));
                }
                match self.peek().map(|n| &n.tok) {
                    Some(Tok::Word(_) | Tok::Phrase(_) | Tok::LParen) => self.primary(Some(f)),
                    _ => Err(err(
                        t.column,
                        format!("expected a value after `{}=`", f.display_name()),
                    )),
                }
            }
            Tok::RParen => Err(err(t.column, "unmatched `)`")),
            Tok::And | Tok::Or => Err(err(t.column, "operator without a term before it")),
            Tok::Prox(p) => Err(err(t.column, format!("`{p}` without a term before it"))),
            Tok::Not | Tok::Plus | Tok::Minus => Err(err(t.column, "unexpected operator")),
        }
    }

    /// A word, a truncation, or a classification code (`IPC=C22C 38/` joins the group).
    fn word(
        &mut self,
        field: Option<FieldRef>,
        mut text: String,
        column: usize,
    ) -> Result<Ast, QueryError> {
        if matches!(field, Some(FieldRef::Raw(RawField::Ipc | RawField::Cpc))) {
            let is_subclass = text.len() == 4 && {
                let b = text.as_bytes();
                b[0].is_ascii_alphabetic()
                    && b[1].is_ascii_digit()
                    && b[2].is_ascii_digit()
                    && b[3].is_ascii_alphabetic()
            };
            if let Some(Spanned {
                tok: Tok::Word(group),
                ..
            }) = self.peek()
            {
                let is_group = group.contains('/')
                    && group
                        .chars()
                        .all(|c| c.is_ascii_digit() || c == '/' || c == '*');
                if is_subclass && is_group {
                    text.push_str(group);
                    self.pos += 1;
                }
            }
            if text.ends_with('/') {
                text.push('*');
            }
        }
        let Some(wild) = text.find(['*', '?']) else {
            return Ok(Ast::Word {
                field,
                text,
                column,
            });
        };
        if matches!(field, Some(FieldRef::Date(_))) {
            return Err(err(column, "dates take ranges, not truncation"));
        }
        let stem = text[..wild].chars().count();
        if stem < MIN_TRUNCATION_STEM {
            return Err(err(
                column,
                format!(
                    "truncation needs at least {MIN_TRUNCATION_STEM} characters before `*` or `?`: `{text}`"
                ),
            ));
        }
        if text.chars().any(chaxin_text::is_han) && text.contains('?') {
            return Err(err(
                column,
                "`?` truncation applies to Latin words; a Chinese word already matches inside longer ones",
            ));
        }
        Ok(Ast::Wildcard {
            field,
            pattern: text,
            column,
        })
    }
}

/// Removes single-clause groups that add nothing (`((a))` → `a`).
fn simplify(ast: Ast) -> Ast {
    match ast {
        Ast::Bool(clauses) => {
            let clauses: Vec<(Occur, Ast)> =
                clauses.into_iter().map(|(o, a)| (o, simplify(a))).collect();
            if clauses.len() == 1 && clauses[0].0 != Occur::MustNot {
                clauses.into_iter().next().map_or(Ast::All, |(_, a)| a)
            } else {
                Ast::Bool(clauses)
            }
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use chaxin_index::TextField;

    use super::*;
    use crate::ast::Proximity;

    fn p(q: &str) -> Ast {
        parse(q, DefaultOperator::Or).unwrap()
    }

    fn e(q: &str) -> QueryError {
        parse(q, DefaultOperator::Or).unwrap_err()
    }

    #[test]
    fn words_phrases_and_fields() {
        assert_eq!(p("稀土永磁").to_string(), "稀土永磁");
        assert_eq!(p("稀土 永磁").to_string(), "稀土 OR 永磁");
        assert_eq!(
            p("title:石墨烯 \"锂离子 电池\"").to_string(),
            "TI=石墨烯 OR \"锂离子 电池\""
        );
        match p("TI:(graphene OR \"carbon nanotube\")") {
            Ast::Bool(c) => assert!(c.iter().all(|(_, a)| matches!(
                a,
                Ast::Word {
                    field: Some(FieldRef::Text(TextField::Title)),
                    ..
                } | Ast::Phrase {
                    field: Some(FieldRef::Text(TextField::Title)),
                    ..
                }
            ))),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn boolean_operators_and_prefixes() {
        assert_eq!(p("a AND b OR c").to_string(), "(a AND b) OR c");
        assert_eq!(p("a AND NOT b").to_string(), "+a -b");
        assert_eq!(p("+稀土 永磁 -钴").to_string(), "+稀土 永磁 -钴");
        assert_eq!(p("(a OR b) AND c").to_string(), "(a OR b) AND c");
        assert_eq!(p("-x").to_string(), "-x");
        assert_eq!(p("Nd-Fe-B").to_string(), "Nd-Fe-B");
        assert_eq!(
            parse("a b", DefaultOperator::And).unwrap().to_string(),
            "a AND b"
        );
    }

    #[test]
    fn normalised_expression_parses_back_to_itself() {
        for q in [
            "a AND b OR c",
            "+稀土 永磁 -钴",
            "title:(a OR \"b c\") AND NOT kind:patent",
            "TI=(石墨烯 + graphene) * 电池 - 锂",
            "SU=('生态'+'环境')*'保护'",
            "AB=(graph* NEAR/3 \"neural network\") AND PD=[2010 TO 2020-06-30]",
            "稀土 /SEN 永磁 OR 钕铁硼 /PARA 烧结",
            "PD<2021 AND AD>=2015-03 AND PR>2010 AND ED<=2019-12-31",
            "IPC=H01M* OR IPC=C22C 38/ OR CPC=G06N3/08",
            "wom?n ADJ/2 engineer* W/1 training",
            "LA=zh AND KD=patent AND FT=钢 AND AU=张三 AND AF=清华大学 AND CL=活塞 AND KY=焊接",
            "（锂电池 OR 钠电池） AND 正极",
        ] {
            let once = p(q).to_string();
            assert_eq!(p(&once).to_string(), once, "{q}");
        }
    }

    #[test]
    fn errors_give_column_and_reason() {
        let cases = [
            ("(a b", 1, "unclosed"),
            ("a b)", 4, "unmatched"),
            ("\"稀土 永磁", 1, "unterminated"),
            ("foo:bar", 1, "unknown field"),
            ("a AND", 6, "after `AND`"),
            ("OR a", 1, "`OR` needs a term"),
            ("title:", 1, "expected a value"),
            ("()", 1, "empty parentheses"),
        ];
        for (q, column, msg) in cases {
            let error = e(q);
            assert_eq!(error.column, column, "{q}: {error}");
            assert!(error.message.contains(msg), "{q}: {error}");
        }
    }

    #[test]
    fn limits_are_enforced() {
        let long = "a ".repeat(MAX_QUERY_CHARS);
        assert!(e(&long).message.contains("limit"));
        let deep = format!("{}a{}", "(".repeat(40), ")".repeat(40));
        assert!(e(&deep).message.contains("deeper"));
    }

    #[test]
    fn plain_text_has_no_syntax() {
        let q = plain_text_query("what \"similarity\" laws (heated) -aircraft: AND NOT 5 Nd-Fe-B");
        assert_eq!(q, "what similarity laws heated aircraft 5 Nd-Fe-B");
        assert!(parse(&q, DefaultOperator::Or).is_ok());
        assert_eq!(plain_text_query("+ - ()"), "");
    }

    #[test]
    fn field_codes_both_forms() {
        for (q, expected) in [
            ("TI=石墨烯", "TI=石墨烯"),
            ("ti:graphene", "TI=graphene"),
            ("SU=(电池 OR battery)", "SU=电池 OR SU=battery"),
            ("ky:焊接", "KY=焊接"),
            ("FT=x", "FT=x"),
            ("E=mc2", "E=mc2"),
        ] {
            assert_eq!(p(q).to_string(), expected, "{q}");
        }
    }

    #[test]
    fn cnki_operators() {
        assert_eq!(
            p("TI=(石墨烯 + graphene) * 电池 - 锂").to_string(),
            "((TI=石墨烯 OR TI=graphene) AND 电池) -锂"
        );
        assert_eq!(
            p("SU=('生态'+'环境')*'保护'").to_string(),
            "(SU=\"生态\" OR SU=\"环境\") AND \"保护\""
        );
        // Attached `+`/`-` still require and exclude.
        assert_eq!(p("+稀土 -钴").to_string(), "+稀土 -钴");
    }

    #[test]
    fn truncation_and_ipc_prefixes() {
        assert!(matches!(p("graph*"), Ast::Wildcard { .. }));
        assert!(matches!(p("wom?n"), Ast::Wildcard { .. }));
        assert_eq!(p("IPC=C22C 38/").to_string(), "IPC=C22C38/*");
        assert_eq!(p("IPC=H01M*").to_string(), "IPC=H01M*");
        assert!(e("g*").message.contains("at least 2"));
        assert!(e("石墨?").message.contains("Latin"));
    }

    #[test]
    fn proximity_operators() {
        match p("TI=(graphene NEAR/3 battery)") {
            Ast::Near {
                proximity, field, ..
            } => {
                assert_eq!(proximity, Proximity::Near(3));
                assert_eq!(field, Some(FieldRef::Text(TextField::Title)));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(p("a ADJ b").to_string(), "a ADJ/0 b");
        assert_eq!(p("a W/2 b").to_string(), "a ADJ/2 b");
        assert_eq!(p("a NEAR b").to_string(), "a NEAR/5 b");
        assert_eq!(p("稀土 /SEN 永磁").to_string(), "稀土 /SEN 永磁");
        assert_eq!(
            p("a NEAR/2 b ADJ/1 c").to_string(),
            "a NEAR/2 b AND b ADJ/1 c"
        );
        assert_eq!(p("(a OR b) NEAR/2 c").to_string(), "(a OR b) NEAR/2 c");
        assert!(e("a NEAR/x b").message.contains("distance"));
        assert!(e("a NEAR/2").message.contains("after `NEAR/2`"));
        assert!(e("(a AND b) NEAR/2 c").message.contains("words, phrases"));
        assert!(e("TI=a NEAR/2 AB=b").message.contains("one field"));
        assert!(e("NEAR/2 b").message.contains("needs a term"));
    }

    #[test]
    fn dates() {
        assert_eq!(
            p("PD=[2010 TO 2020-06-30]").to_string(),
            "PD=[2010 TO 2020-06-30]"
        );
        assert_eq!(p("PD<2021").to_string(), "PD<2021");
        assert_eq!(p("pd:2019").to_string(), "PD=2019");
        assert_eq!(p("AD=[* TO 2020]").to_string(), "AD<=2020");
        let error = e("PD<2021-13");
        assert_eq!(error.column, 4);
        assert!(error.message.contains("month 13"), "{error}");
        assert!(e("PD=[2010 2020]").message.contains("date range"));
        assert!(e("TI<2020").message.contains("not a date field"));
    }

    #[test]
    fn errors_say_what_was_understood() {
        let error = e("TI=石墨烯 AND (电池 OR");
        assert_eq!(error.understood, "TI=石墨烯 AND ( 电池 OR");
        assert!(error.to_string().contains("understood so far"), "{error}");
        assert_eq!(e("title:(稀土").understood, "TI=( 稀土");
        assert_eq!(e("a AND AND b").understood, "a AND");
        let error = e("XY=石墨烯");
        assert!(error.message.contains("unknown field `XY`"), "{error}");
    }

    #[test]
    fn empty_query_matches_all() {
        assert_eq!(p("   "), Ast::All);
        assert_eq!(p(" * "), Ast::All, "the normalised form of the empty query");
    }
}

/// Property tests: the parser never panics, reports errors inside the query, and what it
/// accepts it writes as an expression that parses back to itself.
#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    /// Pieces of the language, so random queries reach deep into the grammar.
    const PIECES: &[&str] = &[
        "石墨烯",
        "graphene",
        "neural",
        "永磁",
        "稀土永磁",
        "AND",
        "OR",
        "NOT",
        "*",
        "+",
        "-",
        "(",
        ")",
        "（",
        "）",
        "\"",
        "'",
        "“",
        "”",
        "TI=",
        "ti:",
        "SU=",
        "AB=",
        "FT=",
        "IPC=",
        "CPC=",
        "AU=",
        "PD=",
        "PD<",
        "AD>=",
        "ED<=",
        "[",
        "]",
        "TO",
        "2010",
        "2020-06-30",
        "2021-13",
        "graph*",
        "wom?n",
        "H01M*",
        "C22C 38/",
        "NEAR/3",
        "NEAR",
        "ADJ/2",
        "W/1",
        "/SEN",
        "/PARA",
        "LA=zh",
        "KD=patent",
        ":",
        "=",
        "\\",
        "?",
        "  ",
        "\u{3000}",
        "é",
        "😀",
    ];

    fn query() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(PIECES), 0..12)
            .prop_map(|pieces| pieces.join(" "))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn built_queries_parse_or_fail_cleanly(q in query(), and in any::<bool>()) {
            let op = if and { DefaultOperator::And } else { DefaultOperator::Or };
            match parse(&q, op) {
                Ok(ast) => {
                    let once = ast.to_string();
                    let again = parse(&once, op).map(|a| a.to_string());
                    prop_assert_eq!(again.as_deref(), Ok(once.as_str()), "query {:?}", q);
                }
                Err(e) => {
                    prop_assert!(e.column >= 1 && e.column <= q.chars().count() + 1, "{:?}: {}", q, e);
                    prop_assert!(!e.message.is_empty());
                }
            }
        }

        #[test]
        fn arbitrary_text_never_panics(q in "\\PC{0,80}") {
            if let Err(e) = parse(&q, DefaultOperator::Or) {
                prop_assert!(e.column >= 1 && e.column <= q.chars().count() + 1, "{:?}: {}", q, e);
            }
        }
    }
}
