//! Query string → [`Ast`].
//!
//! Grammar (lowest precedence first; `OR`, `AND`, `NOT` are upper case):
//!
//! ```text
//! query    := or EOF
//! or       := sequence ("OR" sequence)*
//! sequence := and+                      -- juxtaposed clauses, joined by the default operator
//! and      := unary ("AND" unary)*
//! unary    := ("NOT" | "-" | "+") unary | primary
//! primary  := "(" or ")" | FIELD ":" primary | "\"" phrase "\"" | WORD
//! ```
//!
//! `-x`/`NOT x` exclude, `+x` requires; a clause made only of exclusions matches everything
//! else. Full-width parentheses and Chinese quotes (`（）`, `“”`) work like ASCII ones.

use serde::{Deserialize, Serialize};

use crate::ast::{Ast, Occur};
use crate::error::QueryError;
use crate::field::{canonical_names, FieldRef};

/// Longest accepted query, in characters.
pub const MAX_QUERY_CHARS: usize = 2000;
/// Deepest accepted nesting of parentheses and prefixes.
const MAX_DEPTH: usize = 32;

/// How juxtaposed clauses (`a b`) combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DefaultOperator {
    /// Any clause may match; more matches rank higher (default).
    #[default]
    Or,
    /// Every clause must match.
    And,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Word(String),
    Phrase(String),
    Field(FieldRef),
    LParen,
    RParen,
    And,
    Or,
    Not,
    Plus,
    Minus,
}

#[derive(Debug, Clone)]
struct Spanned {
    tok: Tok,
    column: usize,
}

/// ASCII, full-width and Chinese quotes; `“` and `”` both open and close, since users type
/// either.
fn is_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '＂')
}

fn is_open_paren(c: char) -> bool {
    matches!(c, '(' | '（')
}

fn is_close_paren(c: char) -> bool {
    matches!(c, ')' | '）')
}

fn err(column: usize, message: impl Into<String>) -> QueryError {
    QueryError {
        column,
        message: message.into(),
    }
}

fn lex(query: &str) -> Result<Vec<Spanned>, QueryError> {
    let chars: Vec<char> = query.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    // True where a `+`/`-` may start a clause (start, after space, paren or field).
    let mut at_clause_start = true;
    while i < chars.len() {
        let c = chars[i];
        let column = i + 1;
        if c.is_whitespace() || c == '\u{3000}' {
            i += 1;
            at_clause_start = true;
            continue;
        }
        if is_open_paren(c) {
            out.push(Spanned {
                tok: Tok::LParen,
                column,
            });
            i += 1;
            at_clause_start = true;
            continue;
        }
        if is_close_paren(c) {
            out.push(Spanned {
                tok: Tok::RParen,
                column,
            });
            i += 1;
            at_clause_start = false;
            continue;
        }
        if is_quote(c) {
            let start = i + 1;
            let mut j = start;
            while j < chars.len() && !is_quote(chars[j]) {
                j += 1;
            }
            if j == chars.len() {
                return Err(err(
                    column,
                    "unterminated phrase: a closing `\"` is missing",
                ));
            }
            let text: String = chars[start..j].iter().collect();
            out.push(Spanned {
                tok: Tok::Phrase(text),
                column,
            });
            i = j + 1;
            at_clause_start = false;
            continue;
        }
        if at_clause_start && (c == '+' || c == '-') {
            let next = chars.get(i + 1).copied();
            if next.is_some_and(|n| !n.is_whitespace()) {
                out.push(Spanned {
                    tok: if c == '+' { Tok::Plus } else { Tok::Minus },
                    column,
                });
                i += 1;
                continue;
            }
        }
        // A word runs to white space, a parenthesis or a quote.
        let start = i;
        while i < chars.len()
            && !chars[i].is_whitespace()
            && !is_open_paren(chars[i])
            && !is_close_paren(chars[i])
            && !is_quote(chars[i])
        {
            i += 1;
        }
        let word: String = chars[start..i].iter().collect();
        at_clause_start = false;
        match word.as_str() {
            "AND" | "&&" => out.push(Spanned {
                tok: Tok::And,
                column,
            }),
            "OR" | "||" => out.push(Spanned {
                tok: Tok::Or,
                column,
            }),
            "NOT" => out.push(Spanned {
                tok: Tok::Not,
                column,
            }),
            _ => {
                if let Some((name, _)) = word.split_once(':') {
                    if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphabetic()) {
                        let Some(field) = FieldRef::parse(name) else {
                            return Err(err(
                                column,
                                format!(
                                    "unknown field `{name}`; known fields: {}",
                                    canonical_names()
                                ),
                            ));
                        };
                        out.push(Spanned {
                            tok: Tok::Field(field),
                            column,
                        });
                        // The value starts right after the colon.
                        i = start + name.chars().count() + 1;
                        at_clause_start = false;
                        continue;
                    }
                }
                out.push(Spanned {
                    tok: Tok::Word(word),
                    column,
                });
            }
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<Spanned>,
    pos: usize,
    end_column: usize,
    default_operator: DefaultOperator,
    depth: usize,
}

/// Turns natural-language text (a title, an innovation point, an evaluation query) into a query
/// that searches its words and nothing else: quotes, parentheses, field prefixes and operators
/// lose their meaning.
pub fn plain_text_query(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| {
            if is_quote(c) || is_open_paren(c) || is_close_paren(c) || c == ':' {
                ' '
            } else {
                c
            }
        })
        .collect();
    cleaned
        .split_whitespace()
        .map(|word| word.trim_start_matches(['+', '-']))
        .filter(|word| !word.is_empty() && !matches!(*word, "AND" | "OR" | "NOT" | "&&" | "||"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Parses a query string.
pub fn parse(query: &str, default_operator: DefaultOperator) -> Result<Ast, QueryError> {
    let length = query.chars().count();
    if length > MAX_QUERY_CHARS {
        return Err(err(
            MAX_QUERY_CHARS + 1,
            format!("query is {length} characters long; the limit is {MAX_QUERY_CHARS}"),
        ));
    }
    let toks = lex(query)?;
    if toks.is_empty() {
        return Ok(Ast::All);
    }
    let mut parser = Parser {
        toks,
        pos: 0,
        end_column: length + 1,
        default_operator,
        depth: 0,
    };
    let ast = parser.or()?;
    if let Some(t) = parser.peek() {
        let message = match t.tok {
            Tok::RParen => "unmatched `)`".to_string(),
            _ => "unexpected input".to_string(),
        };
        return Err(err(t.column, message));
    }
    Ok(simplify(ast))
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
                Some(Tok::RParen) => "expected a term before `)`",
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
        Ok((None, self.primary(None)?))
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
            Tok::Word(text) => Ok(Ast::Word {
                field,
                text,
                column: t.column,
            }),
            Tok::Phrase(text) => Ok(Ast::Phrase {
                field,
                text,
                column: t.column,
            }),
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
                Ok(match field {
                    Some(f) => with_field(inner, f),
                    None => inner,
                })
            }
            Tok::Field(f) => {
                if field.is_some() {
                    return Err(err(t.column, "a field prefix cannot follow another one"));
                }
                match self.peek().map(|n| &n.tok) {
                    Some(Tok::Word(_) | Tok::Phrase(_) | Tok::LParen) => self.primary(Some(f)),
                    _ => Err(err(
                        t.column,
                        format!("expected a value after `{}:`", f.name()),
                    )),
                }
            }
            Tok::RParen => Err(err(t.column, "unmatched `)`")),
            Tok::And | Tok::Or => Err(err(t.column, "operator without a term before it")),
            Tok::Not | Tok::Plus | Tok::Minus => Err(err(t.column, "unexpected operator")),
        }
    }
}

/// Applies a field prefix to every word and phrase of a parenthesised group.
fn with_field(ast: Ast, field: FieldRef) -> Ast {
    match ast {
        Ast::Word { text, column, .. } => Ast::Word {
            field: Some(field),
            text,
            column,
        },
        Ast::Phrase { text, column, .. } => Ast::Phrase {
            field: Some(field),
            text,
            column,
        },
        Ast::Bool(clauses) => Ast::Bool(
            clauses
                .into_iter()
                .map(|(o, a)| (o, with_field(a, field)))
                .collect(),
        ),
        Ast::All => Ast::All,
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
    use super::*;
    use chaxin_index::TextField;

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
            "title:石墨烯 OR \"锂离子 电池\""
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
    fn empty_query_matches_all() {
        assert_eq!(p("   "), Ast::All);
    }
}
