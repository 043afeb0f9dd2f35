//! Query language, search, ranking and highlighting for chaxin.
//!
//! * [`parse`]: query string → [`Ast`] (boolean operators, `+`/`-`, parentheses, `"phrases"`,
//!   `field:` prefixes), with errors that give the column.
//! * [`SearchEngine`]: runs a [`SearchRequest`] against an index (field boosts, filters,
//!   pagination, deterministic order by score then id, `<em>` highlights).

#![warn(missing_docs)]

mod ast;
mod collections;
mod collector;
mod compile;
mod engine;
mod error;
mod facets;
mod field;
mod filters;
mod highlight;
mod interrupt;
mod lexer;
mod listing;
mod novelty;
mod parser;
mod proximity;

pub use ast::{Ast, Occur, Proximity};
pub use collections::Collection;
pub use collector::SortOrder;
pub use engine::{
    Hit, SearchConfig, SearchEngine, SearchRequest, SearchResponse, Snippets, Stats, MAX_LIMIT,
};
pub use error::{QueryError, SearchError};
pub use facets::{Facet, FacetValue};
pub use field::{DateField, FieldGroup, FieldRef};
pub use interrupt::Interrupt;
pub use novelty::{
    Candidate, Category, ConceptEdit, Expression, Feature, Form, FoundFeature, NoveltyFilters,
    NoveltyRequest, NoveltyResponse, PointMatch, PointReport, ScoreParts, MAX_NOVELTY_LIMIT,
    MAX_POINTS,
};
pub use parser::{parse, plain_text_query, DefaultOperator, MAX_QUERY_CHARS};
