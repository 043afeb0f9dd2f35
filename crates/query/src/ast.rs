//! The parsed query.

use std::fmt;

use crate::field::FieldRef;

/// How a clause takes part in its boolean group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occur {
    /// Must match (`+x`, `AND`, or any term under the `and` default operator).
    Must,
    /// May match; adds to the score.
    Should,
    /// Must not match (`-x`, `NOT x`).
    MustNot,
}

/// A parsed query. `column` is the 1-based character column where the node starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ast {
    /// A bare word (analysed: may yield several terms, e.g. a Chinese run).
    Word {
        field: Option<FieldRef>,
        text: String,
        column: usize,
    },
    /// A quoted phrase, matched verbatim (character sequence for Chinese).
    Phrase {
        field: Option<FieldRef>,
        text: String,
        column: usize,
    },
    /// A group of clauses.
    Bool(Vec<(Occur, Ast)>),
    /// Matches every document (empty query).
    All,
}

impl Ast {
    /// Calls `f` on every word and phrase that is not negated, with its field.
    pub fn visit_positive(&self, f: &mut dyn FnMut(&Ast)) {
        match self {
            Ast::Word { .. } | Ast::Phrase { .. } => f(self),
            Ast::Bool(clauses) => {
                for (occur, clause) in clauses {
                    if *occur != Occur::MustNot {
                        clause.visit_positive(f);
                    }
                }
            }
            Ast::All => {}
        }
    }
}

fn write_field(f: &mut fmt::Formatter<'_>, field: &Option<FieldRef>) -> fmt::Result {
    match field {
        Some(field) => write!(f, "{}:", field.name()),
        None => Ok(()),
    }
}

/// The normalised expression: explicit operators and parentheses, canonical field names. It
/// parses back to the same query.
impl fmt::Display for Ast {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ast::Word { field, text, .. } => {
                write_field(f, field)?;
                f.write_str(text)
            }
            Ast::Phrase { field, text, .. } => {
                write_field(f, field)?;
                write!(f, "\"{}\"", text.replace('"', ""))
            }
            Ast::All => f.write_str("*"),
            Ast::Bool(clauses) => {
                let group = |a: &Ast| -> String {
                    match a {
                        Ast::Bool(c) if c.len() > 1 => format!("({a})"),
                        _ => a.to_string(),
                    }
                };
                let all = |occur: Occur| clauses.iter().all(|(o, _)| *o == occur);
                let joined = |sep: &str| {
                    clauses
                        .iter()
                        .map(|(_, a)| group(a))
                        .collect::<Vec<_>>()
                        .join(sep)
                };
                // Pure groups read as operators; mixed ones use +/- prefixes, which parse back
                // to the same clauses under the default `or` operator.
                let out = if all(Occur::Should) {
                    joined(" OR ")
                } else if all(Occur::Must) {
                    joined(" AND ")
                } else {
                    clauses
                        .iter()
                        .map(|(occur, a)| {
                            let prefix = match occur {
                                Occur::Must => "+",
                                Occur::Should => "",
                                Occur::MustNot => "-",
                            };
                            format!("{prefix}{}", group(a))
                        })
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                f.write_str(&out)
            }
        }
    }
}
