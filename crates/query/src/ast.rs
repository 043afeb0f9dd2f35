//! The parsed query.

use std::fmt;
use std::ops::Bound;

use chaxin_index::PartialDate;

use crate::field::{DateField, FieldRef};

/// How a clause takes part in its boolean group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occur {
    /// Must match (`+x`, `AND`, `*`, or any term under the `and` default operator).
    Must,
    /// May match; adds to the score.
    Should,
    /// Must not match (`-x`, `NOT x`).
    MustNot,
}

/// How close two terms must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proximity {
    /// `NEAR/n`: at most `n` words (Chinese: characters) between them, in either order.
    Near(u32),
    /// `ADJ/n`, `W/n`: the right term after the left one, at most `n` words between them.
    Ordered(u32),
    /// `/SEN`: in the same sentence.
    Sentence,
    /// `/PARA`: in the same paragraph.
    Paragraph,
}

impl fmt::Display for Proximity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Proximity::Near(n) => write!(f, "NEAR/{n}"),
            Proximity::Ordered(n) => write!(f, "ADJ/{n}"),
            Proximity::Sentence => f.write_str("/SEN"),
            Proximity::Paragraph => f.write_str("/PARA"),
        }
    }
}

/// A parsed query. `column` is the 1-based character column where the node starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ast {
    /// A bare word (analysed: may yield several terms, e.g. a Chinese run).
    Word {
        /// The field it is restricted to (`TI=`), or the default fields.
        field: Option<FieldRef>,
        /// The word as written.
        text: String,
        /// Where it starts.
        column: usize,
    },
    /// A quoted phrase, matched verbatim (character sequence for Chinese).
    Phrase {
        /// The field it is restricted to, or the default fields.
        field: Option<FieldRef>,
        /// The phrase without its quotes.
        text: String,
        /// Where it starts.
        column: usize,
    },
    /// A truncated word: `*` any characters, `?` one character (`graph*`, `wom?n`, `H01M*`).
    Wildcard {
        /// The field it is restricted to, or the default fields.
        field: Option<FieldRef>,
        /// The word with its `*` and `?`.
        pattern: String,
        /// Where it starts.
        column: usize,
    },
    /// Two terms (words, phrases, truncations or an `OR` of them) close to each other.
    Near {
        /// The field both sides are restricted to, or the default fields.
        field: Option<FieldRef>,
        /// The first term.
        left: Box<Ast>,
        /// The second term.
        right: Box<Ast>,
        /// How close, and whether in order.
        proximity: Proximity,
        /// Where it starts.
        column: usize,
    },
    /// A date range: a lower bound counts from the first day of a partial date (or after its
    /// last day when excluded), an upper bound to its last day (or before its first day).
    Dates {
        /// Which date of a record.
        field: DateField,
        /// The lower bound.
        lower: Bound<PartialDate>,
        /// The upper bound.
        upper: Bound<PartialDate>,
        /// Where it starts.
        column: usize,
    },
    /// A group of clauses.
    Bool(Vec<(Occur, Ast)>),
    /// Matches every document (empty query).
    All,
}

impl Ast {
    /// Calls `f` on every term (word, phrase, truncation) that is not negated, with its field;
    /// the operands of a proximity get the proximity's field.
    pub fn visit_positive(&self, f: &mut dyn FnMut(&Ast)) {
        match self {
            Ast::Word { .. } | Ast::Phrase { .. } | Ast::Wildcard { .. } => f(self),
            Ast::Near {
                field, left, right, ..
            } => {
                for side in [left, right] {
                    side.as_ref().clone().with_field(*field).visit_positive(f);
                }
            }
            Ast::Bool(clauses) => {
                for (occur, clause) in clauses {
                    if *occur != Occur::MustNot {
                        clause.visit_positive(f);
                    }
                }
            }
            Ast::Dates { .. } | Ast::All => {}
        }
    }

    /// Sets the field of every term without one (a `FIELD=(…)` group).
    pub(crate) fn with_field(self, field: Option<FieldRef>) -> Ast {
        let Some(field) = field else {
            return self;
        };
        match self {
            Ast::Word {
                field: None,
                text,
                column,
            } => Ast::Word {
                field: Some(field),
                text,
                column,
            },
            Ast::Phrase {
                field: None,
                text,
                column,
            } => Ast::Phrase {
                field: Some(field),
                text,
                column,
            },
            Ast::Wildcard {
                field: None,
                pattern,
                column,
            } => Ast::Wildcard {
                field: Some(field),
                pattern,
                column,
            },
            Ast::Near {
                field: None,
                left,
                right,
                proximity,
                column,
            } => Ast::Near {
                field: Some(field),
                left,
                right,
                proximity,
                column,
            },
            Ast::Bool(clauses) => Ast::Bool(
                clauses
                    .into_iter()
                    .map(|(o, a)| (o, a.with_field(Some(field))))
                    .collect(),
            ),
            other => other,
        }
    }

    /// The field of a term (word, phrase or truncation), if it has one.
    pub(crate) fn field(&self) -> Option<FieldRef> {
        match self {
            Ast::Word { field, .. }
            | Ast::Phrase { field, .. }
            | Ast::Wildcard { field, .. }
            | Ast::Near { field, .. } => *field,
            _ => None,
        }
    }
}

fn write_field(f: &mut fmt::Formatter<'_>, field: &Option<FieldRef>) -> fmt::Result {
    match field {
        Some(field) => write!(f, "{}=", field.display_name()),
        None => Ok(()),
    }
}

/// The normalised expression: explicit operators and parentheses, canonical field codes
/// (`TI=`, `IPC=`, …), dates in full. It parses back to the same query.
impl fmt::Display for Ast {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ast::Word { field, text, .. } => {
                write_field(f, field)?;
                f.write_str(text)
            }
            Ast::Phrase { field, text, .. } => {
                write_field(f, field)?;
                // Quote characters inside a phrase (a CNKI '…' phrase may hold them) would end
                // it when read back; they are punctuation, never searched, so they are dropped.
                let text: String = text
                    .chars()
                    .filter(|&c| !matches!(c, '"' | '“' | '”' | '＂'))
                    .collect();
                write!(f, "\"{text}\"")
            }
            Ast::Wildcard { field, pattern, .. } => {
                write_field(f, field)?;
                f.write_str(pattern)
            }
            Ast::Near {
                field,
                left,
                right,
                proximity,
                ..
            } => {
                let operand = |a: &Ast| match a {
                    Ast::Bool(_) => format!("({a})"),
                    _ => a.to_string(),
                };
                let inner = format!("{} {proximity} {}", operand(left), operand(right));
                match field {
                    Some(field) => write!(f, "{}=({inner})", field.display_name()),
                    None => f.write_str(&inner),
                }
            }
            Ast::Dates {
                field,
                lower,
                upper,
                ..
            } => {
                let code = FieldRef::Date(*field).display_name();
                match (lower, upper) {
                    (Bound::Included(a), Bound::Included(b)) if a == b => write!(f, "{code}={a}"),
                    (Bound::Unbounded, Bound::Unbounded) => write!(f, "{code}=[* TO *]"),
                    (Bound::Unbounded, Bound::Included(b)) => write!(f, "{code}<={b}"),
                    (Bound::Unbounded, Bound::Excluded(b)) => write!(f, "{code}<{b}"),
                    (Bound::Included(a), Bound::Unbounded) => write!(f, "{code}>={a}"),
                    (Bound::Excluded(a), Bound::Unbounded) => write!(f, "{code}>{a}"),
                    (lower, upper) => {
                        let (open, a) = match lower {
                            Bound::Included(a) => ('[', a.to_string()),
                            Bound::Excluded(a) => ('{', a.to_string()),
                            Bound::Unbounded => ('[', "*".to_string()),
                        };
                        let (close, b) = match upper {
                            Bound::Included(b) => (']', b.to_string()),
                            Bound::Excluded(b) => ('}', b.to_string()),
                            Bound::Unbounded => (']', "*".to_string()),
                        };
                        write!(f, "{code}={open}{a} TO {b}{close}")
                    }
                }
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
