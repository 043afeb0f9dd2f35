//! Query string → tokens ([`Tok`], with their columns) for the parser ([`crate::parser`]):
//! words, phrases in any of the quotes users type, field prefixes, date ranges, proximity
//! operators, and CNKI's `*`, `+`, `-` where they stand alone.

use std::ops::Bound;

use chaxin_index::PartialDate;

use crate::ast::{Ast, Proximity};
use crate::error::QueryError;
use crate::field::{canonical_names, DateField, FieldRef};

/// Largest distance of a proximity operator.
const MAX_DISTANCE: u32 = 1000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Tok {
    Word(String),
    Phrase(String),
    Field(FieldRef),
    Dates {
        field: DateField,
        lower: Bound<PartialDate>,
        upper: Bound<PartialDate>,
    },
    Prox(Proximity),
    LParen,
    RParen,
    And,
    Or,
    Not,
    Plus,
    Minus,
}

impl Tok {
    /// The token as the normalised expression writes it (for "understood so far").
    pub(crate) fn render(&self) -> String {
        match self {
            Tok::Word(w) => w.clone(),
            Tok::Phrase(p) => format!("\"{p}\""),
            Tok::Field(f) => format!("{}=", f.display_name()),
            Tok::Dates {
                field,
                lower,
                upper,
            } => Ast::Dates {
                field: *field,
                lower: *lower,
                upper: *upper,
                column: 0,
            }
            .to_string(),
            Tok::Prox(p) => p.to_string(),
            Tok::LParen => "(".into(),
            Tok::RParen => ")".into(),
            Tok::And => "AND".into(),
            Tok::Or => "OR".into(),
            Tok::Not => "NOT".into(),
            Tok::Plus => "+".into(),
            Tok::Minus => "-".into(),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Spanned {
    pub(crate) tok: Tok,
    pub(crate) column: usize,
}

/// ASCII, full-width and Chinese quotes; `“` and `”` both open and close, since users type
/// either.
pub(crate) fn is_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '＂')
}

pub(crate) fn is_open_paren(c: char) -> bool {
    matches!(c, '(' | '（')
}

pub(crate) fn is_close_paren(c: char) -> bool {
    matches!(c, ')' | '）')
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{3000}'
}

pub(crate) fn err(column: usize, message: impl Into<String>) -> QueryError {
    QueryError::new(column, message)
}

/// A proximity operator word (`NEAR`, `NEAR/3`, `ADJ/2`, `W/1`, `/SEN`, `/PARA`).
pub(crate) fn proximity(word: &str, column: usize) -> Result<Option<Proximity>, QueryError> {
    let (name, distance) = match word.split_once('/') {
        Some(("", rest)) => {
            return Ok(match rest {
                "SEN" => Some(Proximity::Sentence),
                "PARA" => Some(Proximity::Paragraph),
                _ => None,
            })
        }
        Some((name, n)) => (name, Some(n)),
        None => (word, None),
    };
    if !matches!(name, "NEAR" | "ADJ" | "W") || (name == "W" && distance.is_none()) {
        return Ok(None);
    }
    let n = match distance {
        None => None,
        Some(n) => match n.parse::<u32>() {
            Ok(n) if n <= MAX_DISTANCE => Some(n),
            _ => {
                return Err(err(
                    column,
                    format!("`{word}`: expected a distance from 0 to {MAX_DISTANCE} after `/`"),
                ))
            }
        },
    };
    Ok(Some(match name {
        "NEAR" => Proximity::Near(n.unwrap_or(5)),
        _ => Proximity::Ordered(n.unwrap_or(0)),
    }))
}

/// Splits `NAME=rest`, `NAME:rest`, `NAME<rest`, … at the first operator after a name made of
/// ASCII letters and `_`; returns (name, operator, rest).
fn field_prefix(word: &str) -> Option<(&str, &str, &str)> {
    let end = word.find(|c: char| !(c.is_ascii_alphabetic() || c == '_'))?;
    if end == 0 {
        return None;
    }
    let rest = &word[end..];
    let op = ["<=", ">=", "=", ":", "<", ">"]
        .into_iter()
        .find(|op| rest.starts_with(op))?;
    Some((&word[..end], op, &rest[op.len()..]))
}

fn parse_date(text: &str, column: usize) -> Result<PartialDate, QueryError> {
    PartialDate::parse(text).map_err(|e| err(column, e))
}

/// Lexes the date expression after `CODE=`/`CODE<`…; `i` is at its first character. Returns
/// the bounds and the index after the expression.
fn lex_dates(
    chars: &[char],
    mut i: usize,
    op: &str,
) -> Result<(Bound<PartialDate>, Bound<PartialDate>, usize), QueryError> {
    let column = i + 1;
    let opening = chars.get(i).copied();
    if matches!(op, "=" | ":") && matches!(opening, Some('[' | '{')) {
        let close = chars[i..]
            .iter()
            .position(|&c| c == ']' || c == '}')
            .map(|p| i + p)
            .ok_or_else(|| err(column, "unclosed date range: `]` is missing"))?;
        let inside: String = chars[i + 1..close].iter().collect();
        let parts: Vec<&str> = inside.split_whitespace().collect();
        let [from, to_kw, to] = parts[..] else {
            return Err(err(
                column,
                "expected a date range such as [2010 TO 2020-06-30]",
            ));
        };
        if to_kw != "TO" {
            return Err(err(
                column,
                "expected `TO` between the two dates of a range",
            ));
        }
        let bound = |text: &str, included: bool| -> Result<Bound<PartialDate>, QueryError> {
            if text == "*" {
                return Ok(Bound::Unbounded);
            }
            let date = parse_date(text, column + 1)?;
            Ok(if included {
                Bound::Included(date)
            } else {
                Bound::Excluded(date)
            })
        };
        let lower = bound(from, opening == Some('['))?;
        let upper = bound(to, chars[close] == ']')?;
        return Ok((lower, upper, close + 1));
    }
    let start = i;
    while i < chars.len() && !is_space(chars[i]) && !is_close_paren(chars[i]) {
        i += 1;
    }
    let text: String = chars[start..i].iter().collect();
    if text.is_empty() {
        return Err(err(column, "expected a date (YYYY, YYYY-MM or YYYY-MM-DD)"));
    }
    let date = parse_date(&text, column)?;
    let (lower, upper) = match op {
        "<" => (Bound::Unbounded, Bound::Excluded(date)),
        "<=" => (Bound::Unbounded, Bound::Included(date)),
        ">" => (Bound::Excluded(date), Bound::Unbounded),
        ">=" => (Bound::Included(date), Bound::Unbounded),
        _ => (Bound::Included(date), Bound::Included(date)),
    };
    Ok((lower, upper, i))
}

pub(crate) fn lex(query: &str, out: &mut Vec<Spanned>) -> Result<(), QueryError> {
    let chars: Vec<char> = query.chars().collect();
    let mut i = 0;
    // True where a `+`/`-` may start a clause (start, after space, paren or field).
    let mut at_clause_start = true;
    while i < chars.len() {
        let c = chars[i];
        let column = i + 1;
        let push = |out: &mut Vec<Spanned>, tok| out.push(Spanned { tok, column });
        if is_space(c) {
            i += 1;
            at_clause_start = true;
            continue;
        }
        if is_open_paren(c) {
            push(out, Tok::LParen);
            i += 1;
            at_clause_start = true;
            continue;
        }
        if is_close_paren(c) {
            push(out, Tok::RParen);
            i += 1;
            at_clause_start = false;
            continue;
        }
        let single_quote = c == '\'' && at_clause_start;
        if is_quote(c) || single_quote {
            let start = i + 1;
            let closes = |x: char| if single_quote { x == '\'' } else { is_quote(x) };
            let Some(len) = chars[start..].iter().position(|&x| closes(x)) else {
                let q = if single_quote { '\'' } else { '"' };
                return Err(err(
                    column,
                    format!("unterminated phrase: a closing `{q}` is missing"),
                ));
            };
            push(out, Tok::Phrase(chars[start..start + len].iter().collect()));
            i = start + len + 1;
            at_clause_start = false;
            continue;
        }
        // CNKI's operators stand alone, or touch a quote or parenthesis.
        if matches!(c, '*' | '+' | '-') {
            let next = chars.get(i + 1).copied();
            let after_group = matches!(
                out.last().map(|t| &t.tok),
                Some(Tok::Phrase(_) | Tok::RParen)
            ) && !at_clause_start;
            let alone = next.is_none_or(is_space);
            let before_group = next.is_some_and(|n| n == '\'' || is_quote(n) || is_open_paren(n));
            if (at_clause_start && alone) || after_group && (alone || before_group) {
                push(
                    out,
                    match c {
                        '*' => Tok::And,
                        '+' => Tok::Or,
                        _ => Tok::Not,
                    },
                );
                i += 1;
                at_clause_start = true;
                continue;
            }
            if at_clause_start && c != '*' && next.is_some_and(|n| !is_space(n)) {
                push(out, if c == '+' { Tok::Plus } else { Tok::Minus });
                i += 1;
                continue;
            }
        }
        // A word runs to white space, a parenthesis or a quote.
        let start = i;
        while i < chars.len()
            && !is_space(chars[i])
            && !is_open_paren(chars[i])
            && !is_close_paren(chars[i])
            && !is_quote(chars[i])
        {
            i += 1;
        }
        let word: String = chars[start..i].iter().collect();
        at_clause_start = false;
        match word.as_str() {
            "AND" | "&&" => push(out, Tok::And),
            "OR" | "||" => push(out, Tok::Or),
            "NOT" => push(out, Tok::Not),
            _ => {
                if let Some(p) = proximity(&word, column)? {
                    push(out, Tok::Prox(p));
                    at_clause_start = true;
                    continue;
                }
                if let Some((name, op, _)) = field_prefix(&word) {
                    let value_start = start + name.chars().count() + op.chars().count();
                    match FieldRef::parse(name) {
                        Some(FieldRef::Date(field)) => {
                            let (lower, upper, end) = lex_dates(&chars, value_start, op)?;
                            push(
                                out,
                                Tok::Dates {
                                    field,
                                    lower,
                                    upper,
                                },
                            );
                            i = end;
                            continue;
                        }
                        Some(field) if matches!(op, "=" | ":") => {
                            push(out, Tok::Field(field));
                            // The value starts right after the operator (and may be quoted).
                            i = value_start;
                            at_clause_start = true;
                            continue;
                        }
                        Some(field) => {
                            return Err(err(
                                column,
                                format!(
                                    "`{op}` compares dates; `{}` is not a date field (use `=`)",
                                    field.display_name()
                                ),
                            ))
                        }
                        // `E=mc2` is a word; `XY=…` and `foo:…` look like a field.
                        None if op == ":"
                            || (op == "="
                                && (2..=3).contains(&name.len())
                                && name.chars().all(|c| c.is_ascii_uppercase())) =>
                        {
                            return Err(err(
                                column,
                                format!(
                                    "unknown field `{name}`; known fields: {}",
                                    canonical_names()
                                ),
                            ));
                        }
                        None => {}
                    }
                }
                push(out, Tok::Word(word));
            }
        }
    }
    Ok(())
}
