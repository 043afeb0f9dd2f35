//! The search engine: requests in, ranked and highlighted hits out.

use std::collections::BTreeMap;
use std::ops::Bound;
use std::time::Instant;

use chaxin_index::{find_live_doc, ChaxinIndex, Kind, PartialDate, Record, TextField};
use chaxin_text::AnalyzerSettings;
use serde::{Deserialize, Serialize};
use tantivy::collector::Count;
use tantivy::query::{BooleanQuery, EmptyQuery, Occur as TOccur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{IndexReader, ReloadPolicy, Searcher, TantivyDocument, Term};

use crate::ast::Ast;
use crate::collector::{After, Ranked, SortOrder, TopByScoreThenId};
use crate::compile::{date_range, filter, Clause, Compiler};
use crate::error::SearchError;
use crate::facets::{Facet, FacetCollector, FacetValue, MAX_FACET_SIZE};
use crate::field::DateField;
use crate::highlight::Highlighter;
use crate::interrupt::{Interrupt, Interruptible};
use crate::parser::{parse, DefaultOperator};

/// Largest page.
pub const MAX_LIMIT: usize = 100;
/// Deepest reachable result (`offset + limit`).
pub const MAX_WINDOW: usize = 10_000;

/// Ranking and presentation settings.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchConfig {
    /// Fields searched by words without a field prefix, with their boosts.
    pub boosts: Vec<(TextField, f32)>,
    /// Length of abstract snippets, in characters.
    pub snippet_chars: usize,
    /// The bilingual lexicon that gives concepts their forms in the other language (empty:
    /// no cross-language search). Loaded once per process and shared.
    pub lexicon: std::sync::Arc<chaxin_lexicon::Lexicon>,
}

impl Default for SearchConfig {
    fn default() -> Self {
        Self {
            boosts: vec![
                (TextField::Title, 2.0),
                (TextField::Keywords, 1.5),
                (TextField::Abstract, 1.0),
                (TextField::Claims, 0.8),
                (TextField::Description, 0.5),
            ],
            snippet_chars: 200,
            lexicon: Default::default(),
        }
    }
}

fn default_limit() -> usize {
    10
}

fn default_true() -> bool {
    true
}

/// A search request (the JSON body of `POST /v1/search`; `GET` takes the same as parameters).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchRequest {
    /// Query string (see the README for the syntax). Empty: every record.
    #[serde(default)]
    pub q: String,
    /// Only these kinds.
    #[serde(default)]
    pub kind: Vec<Kind>,
    /// Only these languages.
    #[serde(default)]
    pub lang: Vec<String>,
    /// Published on or after (a partial date counts from its first day).
    #[serde(default)]
    pub date_from: Option<PartialDate>,
    /// Published on or before (a partial date counts to its last day).
    #[serde(default)]
    pub date_to: Option<PartialDate>,
    /// Hits skipped before the page.
    #[serde(default)]
    pub offset: usize,
    /// Hits in the page (1–100).
    #[serde(default = "default_limit")]
    pub limit: usize,
    /// How juxtaposed terms combine.
    #[serde(default)]
    pub operator: DefaultOperator,
    /// Return `<em>` snippets.
    #[serde(default = "default_true")]
    pub highlight: bool,
    /// Facets to count over every hit.
    #[serde(default)]
    pub facets: Vec<Facet>,
    /// Values returned per facet (most frequent first).
    #[serde(default = "default_facet_size")]
    pub facet_size: usize,
    /// Relevance (default) or date order.
    #[serde(default)]
    pub sort: SortOrder,
    /// Cursor from the `next` of the previous page: the page after it (with `offset` 0),
    /// however deep.
    #[serde(default)]
    pub search_after: Option<String>,
    /// A query of bare words (no field, operator or quote) also finds records in the other
    /// language: its concepts get their forms from the lexicon (shown in `concepts`), and,
    /// ranked by relevance, its first 100 hits are re-ranked on their text by how much of the
    /// query they disclose, as novelty candidates are.
    #[serde(default = "default_true")]
    pub cross_language: bool,
}

fn default_facet_size() -> usize {
    10
}

/// Ranking terms with their weights.
type WeightedTerms = Vec<(Term, f32)>;

/// True for a query of bare words only (what a user types without the expert language).
fn is_plain(ast: &Ast) -> bool {
    match ast {
        Ast::Word { field: None, .. } => true,
        Ast::Bool(clauses) => clauses
            .iter()
            .all(|(occur, a)| *occur == crate::ast::Occur::Should && is_plain(a)),
        _ => false,
    }
}

/// A page cursor: the sort order, sort key and id of a page's last hit.
fn encode_cursor(order: SortOrder, key: i64, id: &str) -> String {
    format!("{}:{key}:{id}", cursor_tag(order))
}

/// The first field of a cursor: the sort order it belongs to.
fn cursor_tag(order: SortOrder) -> &'static str {
    match order {
        SortOrder::Relevance => "r",
        SortOrder::DateDesc => "d",
        SortOrder::DateAsc => "a",
    }
}

fn decode_cursor(order: SortOrder, cursor: &str) -> Result<After, SearchError> {
    let invalid = |message: &str| SearchError::InvalidValue {
        field: "search_after",
        message: format!("{message}: pass the `next` of the previous page unchanged"),
    };
    let mut parts = cursor.splitn(3, ':');
    let (Some(tag), Some(key), Some(id)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(invalid("not a cursor"));
    };
    if tag != cursor_tag(order) {
        return Err(invalid("the cursor is for another sort order"));
    }
    let key = key.parse().map_err(|_| invalid("not a cursor"))?;
    if id.is_empty() {
        return Err(invalid("not a cursor"));
    }
    Ok(After {
        key,
        id: id.to_string(),
    })
}

impl Default for SearchRequest {
    fn default() -> Self {
        Self {
            q: String::new(),
            kind: vec![],
            lang: vec![],
            date_from: None,
            date_to: None,
            offset: 0,
            limit: default_limit(),
            operator: DefaultOperator::Or,
            highlight: true,
            cross_language: true,
            facets: vec![],
            facet_size: default_facet_size(),
            sort: SortOrder::Relevance,
            search_after: None,
        }
    }
}

impl SearchRequest {
    /// Checks ranges and consistency; errors name the field.
    pub fn validate(&self) -> Result<(), SearchError> {
        let invalid = |field, message: String| Err(SearchError::InvalidValue { field, message });
        if self.limit == 0 || self.limit > MAX_LIMIT {
            return invalid(
                "limit",
                format!("must be between 1 and {MAX_LIMIT}, got {}", self.limit),
            );
        }
        if self.offset.saturating_add(self.limit) > MAX_WINDOW {
            return invalid(
                "offset",
                format!(
                    "offset + limit must not exceed {MAX_WINDOW}, got {}",
                    self.offset.saturating_add(self.limit)
                ),
            );
        }
        if let (Some(from), Some(to)) = (self.date_from, self.date_to) {
            if from.first_day() > to.last_day() {
                return invalid("date_from", format!("{from} is after date_to {to}"));
            }
        }
        if self.facet_size == 0 || self.facet_size > MAX_FACET_SIZE {
            return invalid(
                "facet_size",
                format!(
                    "must be between 1 and {MAX_FACET_SIZE}, got {}",
                    self.facet_size
                ),
            );
        }
        if let Some(cursor) = &self.search_after {
            if self.offset != 0 {
                return invalid(
                    "offset",
                    "must be 0 with search_after (the cursor says where the page starts)"
                        .to_string(),
                );
            }
            decode_cursor(self.sort, cursor)?;
        }
        check_langs("lang", &self.lang)
    }
}

/// Language filters must be lowercase ISO 639 codes; `field` names the request field.
pub(crate) fn check_langs(field: &'static str, langs: &[String]) -> Result<(), SearchError> {
    match langs
        .iter()
        .find(|l| !(2..=3).contains(&l.len()) || !l.bytes().all(|b| b.is_ascii_lowercase()))
    {
        Some(bad) => Err(SearchError::InvalidValue {
            field,
            message: format!("`{bad}` is not a lowercase ISO 639 code such as `zh` or `en`"),
        }),
        None => Ok(()),
    }
}

/// Highlighted snippets of a hit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, utoipa::ToSchema)]
pub struct Snippets {
    /// The title with matches in `<em>` (HTML-escaped); absent when the title did not match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// A fragment of the abstract around the matches (its beginning when nothing matched).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub r#abstract: Option<String>,
}

/// One result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Hit {
    /// The record id.
    pub id: String,
    /// Relevance score (BM25 with field boosts).
    pub score: f32,
    /// Record kind.
    pub kind: Kind,
    /// Record language.
    pub lang: String,
    /// The title in the record's language.
    pub title: String,
    /// Authors, then inventors.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub authors: Vec<String>,
    /// Journal, proceedings or other venue.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub venue: Option<String>,
    /// Publication date.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub pub_date: Option<PartialDate>,
    /// DOI.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub doi: Option<String>,
    /// Patent publication number.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub pub_number: Option<String>,
    /// Highlighted title and abstract (with `highlight`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub snippets: Option<Snippets>,
}

/// A page of results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SearchResponse {
    /// The query as understood (normalised expression).
    pub query: String,
    /// Number of matching records.
    pub total: u64,
    /// Hits skipped before this page.
    pub offset: usize,
    /// The page size asked for.
    pub limit: usize,
    /// Time spent in the engine, in milliseconds.
    pub took_ms: f64,
    /// The page.
    pub hits: Vec<Hit>,
    /// Counts per requested facet, most frequent first.
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub facets: BTreeMap<Facet, Vec<FacetValue>>,
    /// Cursor of the next page (`search_after`), when this page is full.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub next: Option<String>,
    /// For a cross-language search: the query's concepts with the forms it also searched.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub concepts: Vec<crate::Feature>,
}

/// What `GET /v1/stats` returns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Stats {
    /// Live records.
    pub documents: u64,
    /// Live records by kind.
    pub by_kind: BTreeMap<String, u64>,
    /// Live records by language.
    pub by_lang: BTreeMap<String, u64>,
    /// Index segments.
    pub segments: usize,
    /// Size of the index files, in bytes.
    pub index_bytes: u64,
    /// The analyzer the index was built with.
    pub analyzer: AnalyzerSettings,
}

/// A searchable index.
pub struct SearchEngine {
    pub(crate) index: ChaxinIndex,
    pub(crate) reader: IndexReader,
    pub(crate) config: SearchConfig,
}

impl SearchEngine {
    /// Opens a reader on `index`; commits become visible within about a second.
    pub fn new(index: ChaxinIndex, config: SearchConfig) -> Result<Self, SearchError> {
        let reader = index
            .index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()?;
        Ok(Self {
            index,
            reader,
            config,
        })
    }

    /// The index searched.
    pub fn index(&self) -> &ChaxinIndex {
        &self.index
    }

    /// The search settings (field boosts, lexicon).
    pub fn config(&self) -> &SearchConfig {
        &self.config
    }

    /// Makes the last commit visible now.
    pub fn reload(&self) -> Result<(), SearchError> {
        Ok(self.reader.reload()?)
    }

    fn default_fields(&self) -> Vec<TextField> {
        self.config.boosts.iter().map(|(f, _)| *f).collect()
    }

    /// Runs a search.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResponse, SearchError> {
        self.search_until(request, &Interrupt::default())
    }

    /// Runs a search that stops when `interrupt` fires ([`SearchError::Interrupted`]).
    pub fn search_until(
        &self,
        request: &SearchRequest,
        interrupt: &Interrupt,
    ) -> Result<SearchResponse, SearchError> {
        let started = Instant::now();
        request.validate()?;
        let ast = parse(&request.q, request.operator)?;
        let searcher = self.reader.searcher();
        let compiler = Compiler::new(&self.index, &self.config.boosts, &searcher, interrupt);
        let mut compiled = compiler.compile(&ast)?;
        let mut concepts = Vec::new();
        if request.cross_language && !self.config.lexicon.is_empty() && is_plain(&ast) {
            if let Some(Clause::Terms(_)) = &compiled {
                if let Some(terms) = self.cross_language_terms(&compiler, &searcher, &request.q) {
                    compiled = Some(Clause::Terms(terms.0));
                    concepts = terms.1;
                }
            }
        }
        let filters = self.filters(&compiler, request)?;
        // Block-max WAND pays off for an unfiltered disjunction of terms ranked by relevance,
        // when not every hit must be seen for facets.
        let prune = filters.is_empty()
            && request.facets.is_empty()
            && request.sort == SortOrder::Relevance
            && matches!(compiled, Some(Clause::Terms(_)));
        let user_query: Box<dyn Query> = compiled
            .map(Clause::into_query)
            .unwrap_or_else(|| Box::new(EmptyQuery));
        // Unwrapped when unfiltered, so a pure disjunction of terms reaches the collector as
        // such and is scored with block-max WAND.
        let query: Box<dyn Query> = if filters.is_empty() {
            user_query
        } else {
            let mut clauses: Vec<(TOccur, Box<dyn Query>)> = vec![(TOccur::Must, user_query)];
            clauses.extend(filters.into_iter().map(|f| (TOccur::Must, filter(f))));
            Box::new(BooleanQuery::new(clauses))
        };
        let query: Box<dyn Query> = Box::new(Interruptible {
            inner: query,
            interrupt: interrupt.clone(),
        });

        let fields = &self.index.fields;
        let after = match &request.search_after {
            Some(cursor) => Some(decode_cursor(request.sort, cursor)?),
            None => None,
        };
        // A cross-language search ranked by relevance re-ranks its first hits on their text
        // (see `SearchEngine::rerank_hits`): the pages are cut from that order, and a cursor
        // into the re-ranked hits is found among them again.
        let rerank = !concepts.is_empty() && request.sort == SortOrder::Relevance;
        let wanted = request.offset + request.limit;
        let collector = |k: usize, after: Option<After>| TopByScoreThenId {
            k,
            id_field: fields.schema.get_field_name(fields.id).to_string(),
            prune,
            order: request.sort,
            date_field: fields.schema.get_field_name(fields.pub_date).to_string(),
            after,
            split: None,
        };
        let first_k = if rerank {
            wanted.max(crate::novelty::SEARCH_RERANK_DEPTH)
        } else {
            wanted
        };
        let first_after = if rerank { None } else { after.clone() };
        let (mut total, mut ranked, facets) = if request.facets.is_empty() {
            let (total, ranked) = searcher.search(&query, &collector(first_k, first_after))?;
            (total, ranked, BTreeMap::new())
        } else {
            let facets = FacetCollector {
                facets: request.facets.clone(),
                size: request.facet_size,
            };
            // The facet collector sees every hit, so it also counts them.
            let ((_, ranked), (total, facets)) =
                searcher.search(&query, &(collector(first_k, first_after), facets))?;
            (total, ranked, facets)
        };
        if prune {
            total = query.count(&searcher)? as u64;
        }
        interrupt.check()?;
        if rerank {
            let depth = ranked.len().min(crate::novelty::SEARCH_RERANK_DEPTH);
            // Where the hits after the re-ranked ones start, in BM25 order.
            let tail_after = ranked[..depth].last().map(|r| After {
                key: r.key,
                id: r.id.clone(),
            });
            self.rerank_hits(&searcher, &concepts, &mut ranked, interrupt)?;
            ranked = match &after {
                None => ranked,
                Some(cursor) => match ranked[..depth].iter().position(|r| r.id == cursor.id) {
                    // The cursor is a re-ranked hit: the page goes on after it, then into
                    // the hits after the re-ranked ones.
                    Some(at) => {
                        let mut page: Vec<Ranked> = ranked.drain(..depth).skip(at + 1).collect();
                        if page.len() < wanted && depth == crate::novelty::SEARCH_RERANK_DEPTH {
                            let (_, tail) = searcher
                                .search(&query, &collector(wanted - page.len(), tail_after))?;
                            page.extend(tail);
                        }
                        page
                    }
                    // The cursor is past them: BM25 order, as without re-ranking.
                    None => {
                        searcher
                            .search(&query, &collector(wanted, Some(cursor.clone())))?
                            .1
                    }
                },
            };
            ranked.truncate(wanted);
        }
        let next = (ranked.len() == wanted)
            .then(|| ranked.last())
            .flatten()
            .map(|last| encode_cursor(request.sort, last.key, &last.id));
        let title_hl = Highlighter::for_field(
            &self.index.analyzer,
            &ast,
            TextField::Title,
            &self.default_fields(),
        );
        let abstract_hl = Highlighter::for_field(
            &self.index.analyzer,
            &ast,
            TextField::Abstract,
            &self.default_fields(),
        );
        let mut hits = Vec::with_capacity(request.limit);
        for r in ranked.into_iter().skip(request.offset) {
            let record = load_record(&searcher, fields.source_json, r.address)?;
            let snippets = request
                .highlight
                .then(|| self.snippets(&record, &title_hl, &abstract_hl));
            hits.push(crate::listing::hit(&record, r.score, snippets));
        }
        Ok(SearchResponse {
            query: ast.to_string(),
            total,
            offset: request.offset,
            limit: request.limit,
            took_ms: (started.elapsed().as_secs_f64() * 1e6).round() / 1e3,
            hits,
            facets,
            next,
            concepts,
        })
    }

    /// The ranking terms of a plain query as a point's concepts with their forms, when at
    /// least one concept has a form in the other language.
    fn cross_language_terms(
        &self,
        compiler: &Compiler<'_>,
        searcher: &tantivy::Searcher,
        words: &str,
    ) -> Option<(WeightedTerms, Vec<crate::Feature>)> {
        let features = self.concepts_of(searcher, words, &Default::default());
        let crosses = features
            .iter()
            .any(|f| f.forms.iter().any(|form| form.lang != f.lang));
        if !crosses {
            return None;
        }
        let idf = crate::novelty::idf_of(searcher, self);
        Some((self.ranking_terms(compiler, &features, &idf), features))
    }

    /// The request's filters (kind, language, dates), each a query every hit must match.
    fn filters(
        &self,
        compiler: &Compiler<'_>,
        request: &SearchRequest,
    ) -> Result<Vec<Box<dyn Query>>, SearchError> {
        let f = &self.index.fields;
        let mut out: Vec<Box<dyn Query>> = Vec::new();
        for (_, ast) in crate::filters::kind_and_lang(&request.kind, &request.lang) {
            out.extend(compiler.compile(&ast)?.map(Clause::into_query));
        }
        if request.date_from.is_some() || request.date_to.is_some() {
            let bound = |d: Option<PartialDate>| d.map_or(Bound::Unbounded, Bound::Included);
            out.push(date_range(
                f,
                DateField::Publication,
                bound(request.date_from),
                bound(request.date_to),
            ));
        }
        Ok(out)
    }

    fn snippets(
        &self,
        record: &Record,
        title_hl: &Highlighter<'_>,
        abstract_hl: &Highlighter<'_>,
    ) -> Snippets {
        let lang = record.lang();
        let title = record.title.as_ref().and_then(|t| {
            t.texts_preferring(lang)
                .into_iter()
                .find_map(|x| title_hl.highlight_all(x))
        });
        let r#abstract = record.abstract_text.as_ref().map(|a| {
            let texts = a.texts_preferring(lang);
            let fragments: Vec<(String, bool)> = texts
                .iter()
                .map(|x| abstract_hl.fragment(x, self.config.snippet_chars))
                .collect();
            fragments
                .iter()
                .find(|(_, matched)| *matched)
                .or(fragments.first())
                .map(|(s, _)| s.clone())
                .unwrap_or_default()
        });
        Snippets { title, r#abstract }
    }

    /// Number of live records.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// The record with id `id`, if indexed.
    pub fn get(&self, id: &str) -> Result<Option<Record>, SearchError> {
        let searcher = self.reader.searcher();
        match find_live_doc(&searcher, self.index.fields.id, id)? {
            Some(address) => Ok(Some(load_record(
                &searcher,
                self.index.fields.source_json,
                address,
            )?)),
            None => Ok(None),
        }
    }

    /// The collections (sources) of the index with their year spans, by name.
    pub fn collections(&self) -> Result<Vec<crate::collections::Collection>, SearchError> {
        crate::collections::collections(&self.reader.searcher())
    }

    /// Counts by kind and language, index size and analyzer settings.
    pub fn stats(&self) -> Result<Stats, SearchError> {
        let searcher = self.reader.searcher();
        let f = &self.index.fields;
        let count = |field, value: &str| -> Result<u64, SearchError> {
            let q = TermQuery::new(
                Term::from_field_text(field, value),
                IndexRecordOption::Basic,
            );
            Ok(searcher.search(&q, &Count)? as u64)
        };
        // Counted with queries, not term frequencies, so deleted records are not counted.
        let by_value = |field| -> Result<BTreeMap<String, u64>, SearchError> {
            let mut counts = BTreeMap::new();
            for value in indexed_values(&searcher, field)? {
                let n = count(field, &value)?;
                if n > 0 {
                    counts.insert(value, n);
                }
            }
            Ok(counts)
        };
        let (by_kind, by_lang) = (by_value(f.kind)?, by_value(f.lang)?);
        Ok(Stats {
            documents: searcher.num_docs(),
            by_kind,
            by_lang,
            segments: searcher.segment_readers().len(),
            index_bytes: self.index.size_on_disk(),
            analyzer: self.index.meta.analyzer.clone(),
        })
    }
}

pub(crate) fn load_record(
    searcher: &Searcher,
    source: tantivy::schema::Field,
    address: tantivy::DocAddress,
) -> Result<Record, SearchError> {
    let doc: TantivyDocument = searcher.doc(address)?;
    let bytes = doc
        .get_first(source)
        .and_then(|v| v.as_bytes())
        .unwrap_or_default();
    serde_json::from_slice(bytes).map_err(|e| {
        SearchError::Tantivy(tantivy::TantivyError::InternalError(format!(
            "stored record at {address:?} is unreadable: {e}"
        )))
    })
}

/// Distinct terms of a raw field across segments.
fn indexed_values(
    searcher: &Searcher,
    field: tantivy::schema::Field,
) -> Result<Vec<String>, SearchError> {
    let mut values = std::collections::BTreeSet::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        let mut stream = inverted
            .terms()
            .stream()
            .map_err(tantivy::TantivyError::from)?;
        while stream.advance() {
            values.insert(String::from_utf8_lossy(stream.key()).into_owned());
        }
    }
    Ok(values.into_iter().collect())
}
