//! Novelty search: innovation points (查新点) and a cut-off date in, prior art out, with what
//! each document discloses of each point, where, and how it was found.
//!
//! For every point the engine extracts weighted features ([`features`]), writes the search
//! expressions in the expert language, runs them (their hit counts go into the report), takes
//! the best [`RERANK_DEPTH`] candidates of the broad expression (its character bigrams and
//! unstemmed words count as extra, lighter evidence), and re-ranks the union of all
//! points' candidates on their stored text ([`evidence`]): BM25 plus credit for features that
//! stand together (proximity), for the share of the point covered, and for covering it in one
//! sentence.

mod categories;
mod edits;
mod evidence;
mod expressions;
mod features;
mod ranking;
mod request;
mod response;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Instant;

use chaxin_index::Record;
pub use edits::ConceptEdit;
pub use evidence::FoundFeature;
use evidence::{DocText, PointEvidence, Vocabulary};
use expressions::{expression, expression_in, restrictions, word};
pub use features::{Feature, Form};
use ranking::PointShape;
use rayon::prelude::*;
pub use request::{NoveltyFilters, NoveltyRequest};
pub use response::{
    Candidate, Category, Expression, NoveltyResponse, PointMatch, PointReport, ScoreParts,
};
use tantivy::query::{Occur as TOccur, Query};
use tantivy::{Searcher, Term};

use crate::ast::{Ast, Occur};
use crate::collector::{Ranked, TopByScoreThenId};
use crate::compile::{boolean, Clause, Compiler};
use crate::engine::{load_record, SearchEngine};
use crate::error::SearchError;
use crate::field::{FieldGroup, FieldRef};
use crate::interrupt::{Interrupt, Interruptible};

/// Most points in one request.
pub const MAX_POINTS: usize = 20;
/// Candidates per point that are re-ranked on their text.
pub const RERANK_DEPTH: usize = 100;
/// Largest `limit`.
pub const MAX_NOVELTY_LIMIT: usize = 200;
/// Hits of a cross-language search that are re-ranked on their text.
pub const SEARCH_RERANK_DEPTH: usize = 100;

/// Weight of a point's exact-stream terms (character bigrams, unstemmed words) in the ranking
/// query, relative to its features. 0.2 to 0.3 gave the same nDCG@10 on the dev sets within
/// ±0.001; 0.4 and more lowered Cranfield's recall (BENCHMARKS.md).
const EXACT_WEIGHT: f32 = 0.25;

/// Weight of the words of a concept that has no form in the other language (see
/// `SearchEngine::ranking_terms`).
const UNTRANSLATED_WEIGHT: f32 = 0.8;
/// Weight of a form in the other language relative to the concept's own words: a
/// translation is less sure evidence than the word itself.
const CROSS_LANGUAGE_WEIGHT: f32 = 1.0;
/// Largest factor by which a record's score is scaled up for the concepts of a point that
/// have no form in the record's language.
const LANGUAGE_GAP_FACTOR: f32 = 1.3;
/// Largest factor by which a form's term is weighted up to its concept's weight. A rare
/// Chinese word often translates into a common English one (`第二组` → *second*), which must
/// not weigh as much as the Chinese word. On fold 1 of 2, cx-zh2en / cx-en2zh / pt-zh2en:
/// 3.0 0.9092 / 0.9182 / 0.9502, 2.5 0.9097 / 0.9186 / 0.9599, 2.0 0.9102 / 0.9192 /
/// 0.9617, 1.5 0.9092 / 0.9199 / 0.9605, 1.0 0.8985 / 0.9175 / 0.9642.
const MAX_FORM_RATIO: f32 = 2.0;

/// Weight of the proximity credit (in BM25 units).
const PROXIMITY_WEIGHT: f32 = 1.0;
/// Weight of the covered share of the point, times the point's total feature weight.
const COVERAGE_WEIGHT: f32 = 0.5;
/// Weight of the share covered in one sentence, times the point's total feature weight.
const SENTENCE_WEIGHT: f32 = 0.5;
/// Share of a document's other points' scores added to its best point's.
const OTHER_POINTS_SHARE: f32 = 0.25;

/// A candidate with its evidence and score.
struct Scored<'v> {
    record: Record,
    evidence: Vec<PointEvidence>,
    parts: Vec<ScoreParts>,
    score: f32,
    text: DocText<'v>,
}

/// Dedup keys of a record: DOI, normalised title (long enough to be distinctive), family.
fn duplicate_keys(record: &Record) -> Vec<String> {
    let mut keys = Vec::new();
    if let Some(doi) = &record.doi {
        keys.push(format!("doi:{}", doi.trim().to_lowercase()));
    }
    let title: String = record
        .display_title()
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    if title.chars().count() >= 12 {
        keys.push(format!("title:{title}"));
    }
    if let Some(family) = &record.family_id {
        keys.push(format!("family:{family}"));
    }
    keys
}

impl SearchEngine {
    /// Runs a point's two expressions, `broad` (any feature) and `all` (every key feature),
    /// with their hit counts, and returns the best candidates of `broad`, ranked with the
    /// point's exact-stream terms as extra evidence at [`EXACT_WEIGHT`] (see
    /// [`features::exact_terms`]): they score, they do not widen the hits.
    fn run_expressions(
        &self,
        compiler: &Compiler<'_>,
        point: &str,
        features: &[Feature],
        restrictions: &[(Occur, Ast)],
        limit: usize,
        idf: &(dyn Fn(&str) -> f32 + Sync),
    ) -> Result<(Vec<Expression>, Vec<Ranked>), SearchError> {
        let searcher = compiler.searcher;
        let all: Vec<&Feature> = features.iter().collect();
        let key = key_features(features);
        let essential = essential_features(features);
        let run =
            |purpose: &str, lang: Option<&str>, ast: &Ast| -> Result<Expression, SearchError> {
                // `must` was checked; what is left to fail are filter values.
                let compiled = compiler
                    .compile(ast)
                    .map_err(|e| SearchError::InvalidValue {
                        field: "filters",
                        message: e.message,
                    })?;
                let query: Box<dyn Query> = compiled
                    .map(Clause::into_query)
                    .unwrap_or_else(|| Box::new(tantivy::query::EmptyQuery));
                let query = Interruptible {
                    inner: query,
                    interrupt: compiler.interrupt.clone(),
                };
                let hits = query.count(searcher)? as u64;
                compiler.interrupt.check()?;
                Ok(Expression {
                    purpose: purpose.to_string(),
                    lang: lang.map(str::to_string),
                    expression: ast.to_string(),
                    hits,
                })
            };
        // The counted expressions and the ranking search are independent: they run side by
        // side (a request's points are fewer than the jobs that keep two cores busy).
        let count_expressions = || -> Result<Vec<Expression>, SearchError> {
            let mut expressions: Vec<Expression> = Vec::new();
            // The search strategy as staff write it: every concept block, then the essential
            // ones, then (only when those find nothing) the essential blocks without the least
            // specific, one at a time; each language's blocks on their own; the broad union.
            if let Some(ast) = expression_in(&key, Occur::Must, restrictions, None) {
                expressions.push(run("all", None, &ast)?);
            }
            if essential.len() < key.len() {
                if let Some(ast) = expression_in(&essential, Occur::Must, restrictions, None) {
                    expressions.push(run("essential", None, &ast)?);
                }
            }
            let mut relaxed = essential.clone();
            while expressions.last().is_some_and(|e| e.hits == 0) && relaxed.len() > 1 {
                let lightest = relaxed
                    .iter()
                    .enumerate()
                    .min_by(|a, b| a.1.weight.total_cmp(&b.1.weight).then(b.0.cmp(&a.0)))
                    .map(|(i, _)| i);
                if let Some(i) = lightest {
                    relaxed.remove(i);
                }
                if let Some(ast) = expression_in(&relaxed, Occur::Must, restrictions, None) {
                    expressions.push(run("relaxed", None, &ast)?);
                }
            }
            for lang in [chaxin_lexicon::Lang::Zh, chaxin_lexicon::Lang::En] {
                if let Some(ast) = expression_in(&essential, Occur::Must, restrictions, Some(lang))
                {
                    expressions.push(run("essential", Some(lang.as_str()), &ast)?);
                }
            }
            // Any concept (generic words rank, they do not widen the hits).
            let concepts: Vec<&Feature> = if key.len() < all.len() {
                key.clone()
            } else {
                all
            };
            let broad = expression(&concepts, Occur::Should, restrictions);
            expressions.push(run("broad", None, &broad)?);
            Ok(expressions)
        };
        let rank = || -> Result<Vec<Ranked>, SearchError> {
            let crosses = features
                .iter()
                .any(|f| f.forms.iter().any(|form| form.lang != f.lang));
            // Han character bigrams only match Chinese records, across word boundaries: when the
            // point reaches the other language they would tilt the ranking towards Chinese records
            // that merely share characters (cx-zh2en 0.873 → 0.883 on fold 1 of 2). Unstemmed
            // words stay: they are the same words in either script (dropping them lowered
            // cx-en2en 0.974 → 0.968).
            let mut words = features::exact_terms(&self.index.analyzer, point);
            if crosses {
                words.retain(|w| !w.chars().any(chaxin_text::is_han));
            }
            let exact = compiler.exact_terms(
                Some(FieldRef::Group(FieldGroup::FullText)),
                &words,
                EXACT_WEIGHT,
            );
            // The candidates: the broad expression's records (its terms and forms, weighted as in
            // `ranking_terms`), ranked with the point's exact-stream terms as extra evidence.
            let mut terms = self.ranking_terms(compiler, features, idf);
            terms.extend(exact);
            let ranking: Box<dyn Query> = Box::new(Interruptible {
                inner: Clause::Terms(terms).into_query(),
                interrupt: compiler.interrupt.clone(),
            });
            let ranking: Box<dyn Query> = if restrictions.is_empty() {
                ranking
            } else {
                let filters = Ast::Bool(restrictions.to_vec());
                let compiled = compiler
                    .compile(&filters)
                    .map_err(|e| SearchError::InvalidValue {
                        field: "filters",
                        message: e.message,
                    })?
                    .map(Clause::into_query)
                    .unwrap_or_else(|| Box::new(tantivy::query::EmptyQuery));
                boolean(vec![
                    (TOccur::Must, ranking),
                    (TOccur::Must, crate::compile::filter(compiled)),
                ])
            };
            let id_field = self
                .index
                .fields
                .schema
                .get_field_name(self.index.fields.id);
            // The best candidates of each language, in one pass: in a mixed index the point's own
            // language would otherwise fill the re-ranking depth with records that merely share
            // its untranslated words (国内外: both must be there to compare).
            let depth = RERANK_DEPTH.max(limit);
            let collector = if crosses {
                let lang_field = self
                    .index
                    .fields
                    .schema
                    .get_field_name(self.index.fields.lang);
                TopByScoreThenId::relevance_split(depth, id_field.to_string(), lang_field, "zh")
            } else {
                TopByScoreThenId::relevance(depth, id_field.to_string(), false)
            };
            let (_, ranked) = searcher.search(&ranking, &collector)?;
            compiler.interrupt.check()?;
            Ok(ranked)
        };
        let (expressions, ranked) = rayon::join(count_expressions, rank);
        Ok((expressions?, ranked?))
    }

    /// The ranking terms of a point's features: each feature's own terms as the query
    /// language scores a word, and its forms' terms weighted so that a form counts like the
    /// concept itself (one term, whatever the form's own idf: a rare mistranslation must not
    /// outweigh the concept), times the form's confidence, shared among a multiword form's
    /// terms. A concept with no form in the other language is damped by
    /// [`UNTRANSLATED_WEIGHT`] when a lexicon is loaded: in a mixed-language index its words
    /// would otherwise pull in same-language records on other subjects.
    pub(crate) fn ranking_terms(
        &self,
        compiler: &Compiler<'_>,
        features: &[Feature],
        idf: &dyn Fn(&str) -> f32,
    ) -> Vec<(Term, f32)> {
        let field = Some(FieldRef::Group(FieldGroup::FullText));
        let mut out = Vec::new();
        let crosses = |f: &Feature| f.forms.iter().any(|form| form.lang != f.lang);
        // Nothing to balance when no concept reaches the other language (a one-language
        // index, or a point the lexicon cannot translate).
        let any_translated = features.iter().any(crosses);
        for feature in features {
            let translated = crosses(feature);
            let damping = if translated || !any_translated || self.config.lexicon.is_empty() {
                1.0
            } else {
                UNTRANSLATED_WEIGHT
            };
            // The concept's own words count as much as the concept (its commonest form): a
            // Chinese word is rarer in a mostly English index than its translation, and would
            // otherwise outweigh it.
            let scale = damping;
            let own = word(&feature.text).with_field(field);
            if let Ok(Some(Clause::Terms(terms))) = compiler.compile(&own) {
                out.extend(terms.into_iter().map(|(t, w)| (t, w * scale)));
            }
            let best = feature
                .forms
                .iter()
                .map(|f| f.confidence)
                .fold(f32::MIN_POSITIVE, f32::max);
            let mut weights: BTreeMap<String, f32> = BTreeMap::new();
            for (form, terms) in feature.forms.iter().zip(&feature.synonym_terms) {
                let across = if form.lang == feature.lang {
                    1.0
                } else {
                    CROSS_LANGUAGE_WEIGHT
                };
                let share = across * form.confidence / best / terms.len().max(1) as f32;
                for term in terms {
                    let ratio = (feature.weight / idf(term).max(0.05)).min(MAX_FORM_RATIO);
                    let w = weights.entry(term.clone()).or_default();
                    *w = w.max(share * ratio);
                }
                // A Chinese form's parts rank as a Chinese word's do (`激光` of `激光器`):
                // records write the term inside longer words (cx-en2zh 0.885 → 0.889 on
                // fold 1 of 2; at full weight 0.886).
                if form.lang == chaxin_lexicon::Lang::Zh {
                    for part in features::part_terms(&self.index.analyzer, &form.text) {
                        let ratio = (feature.weight / idf(&part).max(0.05)).min(MAX_FORM_RATIO);
                        let w = weights.entry(part).or_default();
                        *w = w.max(crate::compile::PART_WEIGHT * share * ratio);
                    }
                }
            }
            let weights: Vec<(String, f32)> = weights.into_iter().collect();
            out.extend(compiler.weighted_terms(field, &weights));
        }
        out
    }

    /// The concepts of `point` (see [`features::extract`]).
    pub(crate) fn concepts_of(
        &self,
        searcher: &Searcher,
        point: &str,
        synonyms: &BTreeMap<String, Vec<String>>,
    ) -> Vec<Feature> {
        let generic = features::generic_terms(&self.index.analyzer);
        let idf = idf_of(searcher, self);
        self.concepts_with(searcher, point, synonyms, &[], 1, &generic, &idf)
    }

    /// The concepts of point `number` (1-based), corrected by the `edits` for it.
    #[allow(clippy::too_many_arguments)]
    fn concepts_with(
        &self,
        searcher: &Searcher,
        point: &str,
        synonyms: &BTreeMap<String, Vec<String>>,
        edits: &[ConceptEdit],
        number: usize,
        generic: &HashSet<String>,
        idf: &dyn Fn(&str) -> f32,
    ) -> Vec<Feature> {
        let synonyms = edits::synonyms_for(synonyms, edits, number);
        let context = features::Context {
            analyzer: &self.index.analyzer,
            lexicon: &self.config.lexicon,
            synonyms: &synonyms,
            generic,
            idf,
            occurs: &|term: &str| occurs(searcher, self, term),
        };
        let mut features = features::extract(&context, point);
        edits::apply(&context, point, &mut features, edits, number);
        features
    }

    /// Runs a novelty request.
    pub fn novelty(&self, request: &NoveltyRequest) -> Result<NoveltyResponse, SearchError> {
        self.novelty_until(request, &Interrupt::default())
    }

    /// Runs a novelty request that stops when `interrupt` fires
    /// ([`SearchError::Interrupted`]).
    pub fn novelty_until(
        &self,
        request: &NoveltyRequest,
        interrupt: &Interrupt,
    ) -> Result<NoveltyResponse, SearchError> {
        let started = Instant::now();
        request.validate()?;
        let searcher = self.reader.searcher();
        let analyzer = &self.index.analyzer;
        let compiler = Compiler::new(&self.index, &self.config.boosts, &searcher, interrupt);
        let restrictions = restrictions(request, &compiler)?;
        let idf = idf_of(&searcher, self);

        // Features, expressions and candidates of every point (points in parallel).
        let generic = features::generic_terms(analyzer);
        let searched = request
            .points
            .par_iter()
            .enumerate()
            .map(|(p, point)| {
                let features = self.concepts_with(
                    &searcher,
                    point,
                    &request.synonyms,
                    &request.concepts,
                    p + 1,
                    &generic,
                    &idf,
                );
                if features.is_empty() {
                    let message = if request.concepts.iter().any(|e| e.applies_to(p + 1)) {
                        format!(
                            "point {} has no concepts left after the concept edits",
                            p + 1
                        )
                    } else {
                        format!("point {} has no searchable words", p + 1)
                    };
                    return Err(SearchError::InvalidValue {
                        field: "points",
                        message,
                    });
                }
                let (expressions, ranked) = self.run_expressions(
                    &compiler,
                    point,
                    &features,
                    &restrictions,
                    request.limit,
                    &idf,
                )?;
                Ok((features, expressions, ranked))
            })
            .collect::<Result<Vec<_>, SearchError>>()?;
        let mut reports = Vec::with_capacity(request.points.len());
        let mut point_features = Vec::with_capacity(request.points.len());
        let mut ranked = Vec::with_capacity(request.points.len());
        for (p, (features, expressions, hits)) in searched.into_iter().enumerate() {
            reports.push(PointReport {
                point: p + 1,
                text: request.points[p].clone(),
                features: features.clone(),
                expressions,
                closest: None,
            });
            point_features.push(features);
            ranked.push(hits);
        }
        let retrieved = ranking::pool(ranked);

        // Evidence and scores.
        let vocabulary = Vocabulary::of(point_features.iter().flatten(), &self.config.lexicon);
        let mut scored = retrieved
            .par_iter()
            .map(|r| -> Result<Scored, SearchError> {
                interrupt.check()?;
                let record = load_record(&searcher, self.index.fields.source_json, r.address)?;
                let text = DocText::new(analyzer, &record, &vocabulary);
                let mut evidence = Vec::with_capacity(point_features.len());
                let mut parts = Vec::with_capacity(point_features.len());
                for (p, features) in point_features.iter().enumerate() {
                    let (part, e) = self.point_score(r.bm25[p], features, &record, &text);
                    parts.push(part);
                    evidence.push(e);
                }
                let best = parts.iter().map(|s| s.score).fold(0.0, f32::max);
                let sum: f32 = parts.iter().map(|s| s.score).sum();
                let score = crate::collector::quantize(best + OTHER_POINTS_SHARE * (sum - best));
                Ok(Scored {
                    record,
                    evidence,
                    parts,
                    score,
                    text,
                })
            })
            .collect::<Result<Vec<_>, SearchError>>()?;
        scored.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.record.id.cmp(&b.record.id))
        });

        // Which key features each candidate discloses, per point (for X/Y/A).
        let disclosed: Vec<Vec<HashSet<usize>>> = scored
            .iter()
            .map(|s| {
                point_features
                    .iter()
                    .zip(&s.evidence)
                    .map(|(features, e)| ranking::disclosed(features, e))
                    .collect()
            })
            .collect();
        let shapes: Vec<PointShape> = point_features
            .iter()
            .map(|features| PointShape::of(features))
            .collect();

        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut candidates: Vec<Candidate> = Vec::new();
        for (rank, s) in scored.iter().enumerate() {
            let keys = duplicate_keys(&s.record);
            if let Some(&kept) = keys.iter().find_map(|k| seen.get(k)) {
                candidates[kept].collapsed.push(s.record.id.clone());
                continue;
            }
            if candidates.len() >= request.limit {
                continue;
            }
            let index = candidates.len();
            for k in keys {
                seen.entry(k).or_insert(index);
            }
            let mut points = Vec::with_capacity(point_features.len());
            for (p, features) in point_features.iter().enumerate() {
                let e = &s.evidence[p];
                let shape = &shapes[p];
                let found_keys = &disclosed[rank][p];
                let coverage = shape.coverage(features, found_keys, e);
                let others = disclosed
                    .iter()
                    .enumerate()
                    .filter(|(other, _)| *other != rank)
                    .map(|(_, d)| &d[p]);
                let category = categories::category(&shape.essential, found_keys, coverage, others);
                let missing = features
                    .iter()
                    .enumerate()
                    .filter(|(i, f)| !f.generic && e.occurrences[*i].is_empty())
                    .map(|(_, f)| f.text.clone())
                    .collect();
                let only_lightest = shape.only_lightest(found_keys);
                points.push(PointMatch {
                    point: p + 1,
                    category,
                    only_lightest,
                    coverage: round3(coverage),
                    found: s.text.passages(features, e),
                    missing,
                    explanation: round_parts(s.parts[p]),
                });
            }
            let category = points
                .iter()
                .map(|m| m.category)
                .min()
                .unwrap_or(Category::A);
            candidates.push(crate::listing::candidate(
                &s.record, s.score, category, points,
            ));
        }
        for report in &mut reports {
            report.closest = ranking::closest(&candidates, report.point - 1);
        }
        Ok(NoveltyResponse {
            cutoff: request.cutoff,
            points: reports,
            considered: scored.len(),
            candidates,
            took_ms: (started.elapsed().as_secs_f64() * 1e6).round() / 1e3,
        })
    }
}

impl SearchEngine {
    /// A record's score for one point: its BM25 plus credit for the point's concepts standing
    /// together (proximity), for the share of the point it covers, and for covering it in one
    /// sentence. Judged on what the point says in the record's language: a concept the
    /// lexicon cannot translate is no evidence against a record in the other language (its
    /// weight is left out of that record's coverage and its score scaled up, at most
    /// [`LANGUAGE_GAP_FACTOR`]).
    fn point_score(
        &self,
        bm25: f32,
        features: &[Feature],
        record: &Record,
        text: &DocText,
    ) -> (ScoreParts, PointEvidence) {
        let mut e = text.evidence(features);
        let total: f32 = features.iter().map(|f| f.weight).sum();
        let reachable = reachable_weight(features, record);
        let factor = if self.config.lexicon.is_empty() || reachable <= 0.0 {
            // Nothing of the point can be said in the record's language: it was found
            // through a stray word, there is nothing to scale.
            1.0
        } else {
            (total / reachable).min(LANGUAGE_GAP_FACTOR)
        };
        e.coverage = (e.coverage * factor).min(1.0);
        e.sentence_coverage = (e.sentence_coverage * factor).min(1.0);
        let score = bm25 * factor
            + PROXIMITY_WEIGHT * e.proximity * factor
            + (COVERAGE_WEIGHT * e.coverage + SENTENCE_WEIGHT * e.sentence_coverage) * total;
        let parts = ScoreParts {
            bm25,
            proximity: e.proximity,
            coverage: e.coverage,
            sentence: e.sentence_coverage,
            score,
        };
        (parts, e)
    }

    /// Re-ranks the first [`SEARCH_RERANK_DEPTH`] hits of a cross-language search (its
    /// query's `concepts`) as a novelty search ranks candidates ([`SearchEngine::point_score`]
    /// on their stored text), so that a record disclosing every concept of the query in its
    /// own language comes before one that repeats some of them. The hits after keep their
    /// BM25 order and scores, all below the re-ranked ones'. Hits are loaded in parallel;
    /// ties are broken by id.
    pub(crate) fn rerank_hits(
        &self,
        searcher: &Searcher,
        concepts: &[Feature],
        ranked: &mut [crate::collector::Ranked],
        interrupt: &Interrupt,
    ) -> Result<(), SearchError> {
        let depth = ranked.len().min(SEARCH_RERANK_DEPTH);
        let analyzer = &self.index.analyzer;
        let vocabulary = Vocabulary::of(concepts, &self.config.lexicon);
        let scores = ranked[..depth]
            .par_iter()
            .map(|r| -> Result<f32, SearchError> {
                interrupt.check()?;
                let record = load_record(searcher, self.index.fields.source_json, r.address)?;
                let text = DocText::new(analyzer, &record, &vocabulary);
                let (parts, _) = self.point_score(r.score, concepts, &record, &text);
                Ok(crate::collector::quantize(parts.score.max(r.score)))
            })
            .collect::<Result<Vec<f32>, SearchError>>()?;
        for (r, score) in ranked.iter_mut().zip(scores) {
            r.score = score;
            r.key = crate::collector::score_key(score);
        }
        ranked[..depth].sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
        Ok(())
    }
}

/// Weight of the features of a point that a record can disclose in its own language: all of
/// them for a record in the point's language or in both, else those with a form in the
/// record's language.
fn reachable_weight(features: &[Feature], record: &Record) -> f32 {
    let lang = match record.lang() {
        "zh" => chaxin_lexicon::Lang::Zh,
        _ => chaxin_lexicon::Lang::En,
    };
    // A title in both scripts (the record's language is judged by the same rule).
    let bilingual = record.title.as_ref().is_some_and(|t| {
        let texts = t.texts();
        texts.iter().any(|t| chaxin_text::is_chinese_text(t))
            && texts.iter().any(|t| !chaxin_text::is_chinese_text(t))
    });
    features
        .iter()
        .filter(|f| bilingual || f.lang == lang || f.has_form_in(lang) || is_code(&f.text))
        .map(|f| f.weight)
        .sum()
}

/// A token written the same in both languages: with a digit or two capitals (`NOx`, `Pin1`,
/// `225GHz`, `LncRNA`), and no Han character.
fn is_code(text: &str) -> bool {
    !text.chars().any(chaxin_text::is_han)
        && (text.chars().any(|c| c.is_ascii_digit())
            || text.chars().filter(char::is_ascii_uppercase).count() >= 2)
}

/// Three decimals; `+ 0.0` turns the `-0.0` of an empty float sum into `0.0`.
fn round3(x: f32) -> f32 {
    (x * 1000.0).round() / 1000.0 + 0.0
}

fn round_parts(p: ScoreParts) -> ScoreParts {
    ScoreParts {
        bm25: round3(p.bm25),
        proximity: round3(p.proximity),
        coverage: round3(p.coverage),
        sentence: round3(p.sentence),
        score: round3(p.score),
    }
}

/// The features that must all be disclosed for `X`: every non-generic one (all of them when
/// the point has only generic words).
fn key_features(features: &[Feature]) -> Vec<&Feature> {
    let key: Vec<&Feature> = features.iter().filter(|f| !f.generic).collect();
    if key.is_empty() {
        features.iter().collect()
    } else {
        key
    }
}

/// True when the main-stream `term` occurs in one of the default fields.
fn occurs(searcher: &Searcher, engine: &SearchEngine, term: &str) -> bool {
    engine.config.boosts.iter().any(|(tf, _)| {
        let term = Term::from_field_text(engine.index.fields.main(*tf), term);
        searcher.doc_freq(&term).unwrap_or(0) > 0
    })
}

/// The essential concepts of a point (the key features when none is marked).
fn essential_features(features: &[Feature]) -> Vec<&Feature> {
    let essential: Vec<&Feature> = features
        .iter()
        .filter(|f| f.essential && !f.generic)
        .collect();
    if essential.is_empty() {
        key_features(features)
    } else {
        essential
    }
}

/// BM25's idf of a main-stream term, from its document frequency in the default fields (the
/// largest of them).
pub(crate) fn idf_of<'a>(
    searcher: &'a Searcher,
    engine: &'a SearchEngine,
) -> impl Fn(&str) -> f32 + 'a {
    let n = searcher.num_docs() as f32;
    move |term: &str| {
        let df = engine
            .config
            .boosts
            .iter()
            .map(|(tf, _)| {
                let term = Term::from_field_text(engine.index.fields.main(*tf), term);
                searcher.doc_freq(&term).unwrap_or(0)
            })
            .max()
            .unwrap_or(0) as f32;
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
    }
}
