//! Where a candidate discloses the features of a point: occurrences, sentences, proximity.
//!
//! The candidate's stored text is analysed again with the index's analyzer, so a feature is
//! found exactly where the index would match it, and passages point into the stored text.

use std::collections::HashMap;
use std::ops::Range;

use chaxin_index::{Record, TextField};
use chaxin_lexicon::Lexicon;
use chaxin_text::{sentence_of, sentences, Analyzer};

use super::features::{span_of, Feature};
use crate::highlight::{merge, render_window};

/// Longest text of one field analysed for evidence, in bytes (claims can be very long; the
/// first claims matter most).
const MAX_EVIDENCE_BYTES: usize = 24_000;
/// Longest passage returned, in characters.
const MAX_PASSAGE_CHARS: usize = 240;
/// Features further apart than this many positions (characters in Chinese, words otherwise)
/// earn no proximity credit.
const PROXIMITY_WINDOW: usize = 8;
/// Saturation of the proximity credit of one feature pair (as BM25's k1).
const PROXIMITY_SATURATION: f32 = 0.3;

/// The terms a request's evidence looks for: the main-stream terms of its features and of
/// their forms, and the exact-stream bigrams of its Han words, each with a small id. A
/// candidate's text keeps only where these occur: it is analysed for hundreds of candidates
/// per request, and indexing every one of its terms cost more than finding the features.
pub(crate) struct Vocabulary<'l> {
    main: HashMap<String, u32>,
    exact: HashMap<String, u32>,
    /// Names spelt in pinyin ([`Feature::spelling`]), with the lexicon that reads them.
    spellings: HashMap<String, u32>,
    lexicon: &'l Lexicon,
}

impl<'l> Vocabulary<'l> {
    /// The vocabulary of `features` (those of every point of a request), whose name
    /// spellings `lexicon` reads.
    pub fn of<'a>(features: impl IntoIterator<Item = &'a Feature>, lexicon: &'l Lexicon) -> Self {
        let mut main = HashMap::new();
        let mut exact = HashMap::new();
        let mut spellings = HashMap::new();
        let add = |map: &mut HashMap<String, u32>, term: &str| {
            let next = map.len() as u32;
            map.entry(term.to_string()).or_insert(next);
        };
        for f in features {
            for term in f.terms.iter().chain(f.synonym_terms.iter().flatten()) {
                add(&mut main, term);
            }
            for (_, bigram) in f.bigrams.iter().chain(f.form_bigrams.iter().flatten()) {
                add(&mut exact, bigram);
            }
            if let Some(spelling) = &f.spelling {
                add(&mut spellings, spelling);
            }
        }
        Self {
            main,
            exact,
            spellings,
            lexicon,
        }
    }

    fn main_ids(&self, terms: &[String]) -> Option<Vec<u32>> {
        let ids: Option<Vec<u32>> = terms.iter().map(|t| self.main.get(t).copied()).collect();
        debug_assert!(ids.is_some(), "{terms:?} are not in the vocabulary");
        ids
    }
}

/// Id of a token whose term the vocabulary does not hold.
const UNWANTED: u32 = u32::MAX;

/// One analysed field value of a candidate.
struct Value {
    field: TextField,
    text: String,
    sentences: Vec<Range<usize>>,
    /// Main-stream terms: (vocabulary id or [`UNWANTED`], position, span, byte range).
    tokens: Vec<(u32, usize, usize, Range<usize>)>,
    /// Exact-stream terms (Han bigrams, whole words): (position, byte range); empty for a
    /// value without Han characters (the vocabulary's exact terms are Han bigrams).
    exact: Vec<(usize, Range<usize>)>,
}

impl Value {
    /// Where Han characters of this value (number `index`) read a name spelling of
    /// `vocabulary`: (spelling id, occurrence at the positions of the tokens it falls in).
    fn spelt(&self, index: usize, vocabulary: &Vocabulary) -> Vec<(u32, Occurrence)> {
        let mut out = Vec::new();
        if vocabulary.spellings.is_empty() {
            return out;
        }
        for (at, c) in self.text.char_indices() {
            if !chaxin_text::is_han(c) {
                continue;
            }
            for (spelling, &id) in &vocabulary.spellings {
                if let Some(len) = vocabulary.lexicon.spelt_prefix(&self.text[at..], spelling) {
                    let range = at..at + len;
                    let chars = self.text[range.clone()].chars().count();
                    let position = self.position_at(at);
                    out.push((
                        id,
                        Occurrence {
                            value: index,
                            position,
                            end: position + chars,
                            sentence: sentence_of(&self.sentences, at),
                            range,
                            matched: Matched::Spelling,
                        },
                    ));
                }
            }
        }
        out
    }

    /// The position of the character at byte `at`: its token's, plus the characters before
    /// it in that token (a Han character takes one position); after the last token before
    /// it when no token holds it.
    fn position_at(&self, at: usize) -> usize {
        let after = self.tokens.partition_point(|t| t.3.start <= at);
        let Some((_, position, span, range)) = after.checked_sub(1).map(|i| &self.tokens[i]) else {
            return 0;
        };
        if at < range.end {
            position + self.text[range.start..at].chars().count()
        } else {
            position + span
        }
    }
}

/// A candidate's analysed text (title, keywords, abstract, claims), as far as a
/// [`Vocabulary`] asks for it.
pub(crate) struct DocText<'v> {
    vocabulary: &'v Vocabulary<'v>,
    values: Vec<Value>,
    /// Main term id → (value, index in `tokens`).
    by_term: Vec<Vec<(usize, usize)>>,
    /// Exact term id → (value, index in `exact`).
    by_exact: Vec<Vec<(usize, usize)>>,
    /// Spelling id → where characters read it.
    by_spelling: Vec<Vec<Occurrence>>,
}

/// What an occurrence is of.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Matched {
    /// The feature as written.
    Concept,
    /// One of its forms (index in `forms`).
    Form(usize),
    /// Characters that read its pinyin spelling ([`Feature::spelling`]).
    Spelling,
}

/// Where a feature occurs.
#[derive(Debug, Clone)]
pub(crate) struct Occurrence {
    value: usize,
    position: usize,
    end: usize,
    range: Range<usize>,
    sentence: usize,
    /// What of the feature occurs here.
    matched: Matched,
}

/// The evidence of one point in one candidate.
pub(crate) struct PointEvidence {
    /// Occurrences of each feature, in feature order.
    pub occurrences: Vec<Vec<Occurrence>>,
    /// Idf-weighted share of the features found anywhere.
    pub coverage: f32,
    /// Weighted share found in the single best sentence.
    pub sentence_coverage: f32,
    /// (value, sentence) of that best sentence.
    best_sentence: Option<(usize, usize)>,
    /// Idf-weighted credit for consecutive features of the point standing close together.
    pub proximity: f32,
}

#[cfg(test)]
impl PointEvidence {
    /// Evidence of nothing found for `features` features.
    pub(crate) fn empty(features: usize) -> Self {
        PointEvidence {
            occurrences: vec![Vec::new(); features],
            coverage: 0.0,
            sentence_coverage: 0.0,
            best_sentence: None,
            proximity: 0.0,
        }
    }
}

/// A found feature with its passage.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct FoundFeature {
    /// The feature as written in the point (kept for clients of the first API version).
    pub feature: String,
    /// The concept it stands for (the same text as `feature`).
    pub concept: String,
    /// The form that occurs in the record: the concept itself, a synonym or a translation
    /// (`software sensor` for `软测量`); the passage is in the record's own language.
    pub form: String,
    /// Field of the passage.
    pub field: String,
    /// The sentence that discloses it, HTML-escaped, features in `<em>`.
    pub passage: String,
}

impl<'v> DocText<'v> {
    /// Analyses `record`'s text for the terms of `vocabulary`: only the features whose terms
    /// it holds can be looked for later.
    pub fn new(analyzer: &Analyzer, record: &Record, vocabulary: &'v Vocabulary) -> Self {
        let lang = record.lang();
        let mut texts: Vec<(TextField, &str)> = Vec::new();
        if let Some(title) = &record.title {
            texts.extend(
                title
                    .texts_preferring(lang)
                    .into_iter()
                    .map(|t| (TextField::Title, t)),
            );
        }
        texts.extend(
            record
                .keywords
                .iter()
                .map(|k| (TextField::Keywords, k.as_str())),
        );
        if let Some(abstract_text) = &record.abstract_text {
            texts.extend(
                abstract_text
                    .texts_preferring(lang)
                    .into_iter()
                    .map(|t| (TextField::Abstract, t)),
            );
        }
        if let Some(claims) = &record.claims {
            texts.push((TextField::Claims, claims.as_str()));
        }
        let mut values = Vec::with_capacity(texts.len());
        let mut by_term = vec![Vec::new(); vocabulary.main.len()];
        let mut by_exact = vec![Vec::new(); vocabulary.exact.len()];
        let mut by_spelling = vec![Vec::new(); vocabulary.spellings.len()];
        for (field, text) in texts {
            let text = truncate(text, MAX_EVIDENCE_BYTES);
            let han = text.chars().any(chaxin_text::is_han);
            let (main, exact_tokens) = if han && !vocabulary.exact.is_empty() {
                analyzer.analyze_both(text)
            } else {
                (analyzer.analyze(text), Vec::new())
            };
            let index = values.len();
            let mut exact = Vec::with_capacity(exact_tokens.len());
            for (i, t) in exact_tokens.into_iter().enumerate() {
                exact.push((t.position, t.offset_from..t.offset_to));
                if let Some(&id) = vocabulary.exact.get(&t.text) {
                    by_exact[id as usize].push((index, i));
                }
            }
            let mut tokens = Vec::with_capacity(main.len());
            for (i, t) in main.into_iter().enumerate() {
                let id = vocabulary.main.get(&t.text).copied().unwrap_or(UNWANTED);
                if id != UNWANTED {
                    by_term[id as usize].push((index, i));
                }
                tokens.push((id, t.position, span_of(&t), t.offset_from..t.offset_to));
            }
            let value = Value {
                field,
                text: text.to_string(),
                sentences: sentences(text),
                tokens,
                exact,
            };
            if han {
                for (id, occurrence) in value.spelt(index, vocabulary) {
                    by_spelling[id as usize].push(occurrence);
                }
            }
            values.push(value);
        }
        Self {
            vocabulary,
            values,
            by_term,
            by_exact,
            by_spelling,
        }
    }

    /// Where the exact-stream term `bigram` occurs.
    fn exact_occurrences(&self, bigram: &str) -> &[(usize, usize)] {
        let id = self.vocabulary.exact.get(bigram);
        debug_assert!(id.is_some(), "{bigram} is not in the vocabulary");
        id.map_or(&[], |&id| &self.by_exact[id as usize])
    }

    /// Occurrences of a Han word as a character sequence (its exact-stream bigrams at
    /// consecutive positions), whatever the segmentation of the surrounding text.
    fn characters(&self, bigrams: &[(usize, String)], chars: usize) -> Vec<Occurrence> {
        let Some((_, first)) = bigrams.first() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for &(value, start) in self.exact_occurrences(first) {
            let v = &self.values[value];
            let (position, ref range) = v.exact[start];
            let all = bigrams[1..].iter().all(|(offset, term)| {
                self.exact_occurrences(term)
                    .iter()
                    .any(|&(w, i)| w == value && v.exact[i].0 == position + offset)
            });
            if all {
                let end_byte = v
                    .exact
                    .iter()
                    .find(|(p, _)| *p == position + chars - 1)
                    .map_or(range.end, |(_, r)| {
                        r.start + v.text[r.start..].chars().next().map_or(0, char::len_utf8)
                    });
                out.push(Occurrence {
                    value,
                    position,
                    end: position + chars,
                    range: range.start..end_byte,
                    sentence: sentence_of(&v.sentences, range.start),
                    matched: Matched::Concept,
                });
            }
        }
        out
    }

    fn occurrence(&self, value: usize, token: usize, last: usize) -> Occurrence {
        let v = &self.values[value];
        let (_, position, _, ref first) = v.tokens[token];
        let (_, last_position, last_span, ref last_range) = v.tokens[last];
        Occurrence {
            value,
            position,
            end: last_position + last_span,
            range: first.start..last_range.end,
            sentence: sentence_of(&v.sentences, first.start),
            matched: Matched::Concept,
        }
    }

    /// Occurrences of consecutive `terms` (each starting at most one position after the end
    /// of the previous one).
    fn sequence(&self, terms: &[String]) -> Vec<Occurrence> {
        let Some(ids) = self.vocabulary.main_ids(terms) else {
            return Vec::new();
        };
        let Some(&first) = ids.first() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for &(value, start) in &self.by_term[first as usize] {
            let tokens = &self.values[value].tokens;
            let mut last = start;
            let mut ok = true;
            for &term in &ids[1..] {
                let (_, position, span, _) = tokens[last];
                let end = position + span;
                match tokens[last + 1..]
                    .iter()
                    .take_while(|t| t.1 <= end + 1)
                    .position(|t| t.0 == term && t.1 >= end.saturating_sub(1))
                {
                    Some(p) => last = last + 1 + p,
                    None => {
                        ok = false;
                        break;
                    }
                }
            }
            if ok {
                out.push(self.occurrence(value, start, last));
            }
        }
        out
    }

    /// The evidence of a point's `features` in this text.
    pub fn evidence(&self, features: &[Feature]) -> PointEvidence {
        let occurrences: Vec<Vec<Occurrence>> = features
            .iter()
            .map(|f| {
                let mut occ = self.sequence(&f.terms);
                for (i, alternative) in f.synonym_terms.iter().enumerate() {
                    occ.extend(self.sequence(alternative).into_iter().map(|mut o| {
                        o.matched = Matched::Form(i);
                        o
                    }));
                    // A Chinese form is found by its characters too, as a Chinese concept is,
                    // whatever jieba made of the text around it (`流固耦合` in `双向流固耦合`;
                    // cx-en2zh 0.8895 → 0.8910 on fold 1 of 2, pt-en2zh 0.983 → 0.986).
                    let bigrams = f.form_bigrams.get(i).filter(|b| !b.is_empty());
                    if let (Some(bigrams), Some(form)) = (bigrams, f.forms.get(i)) {
                        let width = form.text.chars().count();
                        occ.extend(self.characters(bigrams, width).into_iter().map(|mut o| {
                            o.matched = Matched::Form(i);
                            o
                        }));
                    }
                }
                if !f.bigrams.is_empty() {
                    occ.extend(self.characters(&f.bigrams, f.span));
                }
                if let Some(id) = f
                    .spelling
                    .as_ref()
                    .and_then(|s| self.vocabulary.spellings.get(s))
                {
                    occ.extend(self.by_spelling[*id as usize].iter().cloned());
                }
                occ.sort_by_key(|o| (o.value, o.position));
                occ.dedup_by_key(|o| (o.value, o.position));
                occ
            })
            .collect();
        let total: f32 = features
            .iter()
            .map(|f| f.weight)
            .sum::<f32>()
            .max(f32::MIN_POSITIVE);
        let found: f32 = features
            .iter()
            .zip(&occurrences)
            .filter(|(_, o)| !o.is_empty())
            .map(|(f, _)| f.weight)
            .sum();
        let mut by_sentence: HashMap<(usize, usize), f32> = HashMap::new();
        for (feature, occ) in features.iter().zip(&occurrences) {
            let mut sentences: Vec<(usize, usize)> =
                occ.iter().map(|o| (o.value, o.sentence)).collect();
            sentences.dedup();
            for s in sentences {
                *by_sentence.entry(s).or_default() += feature.weight;
            }
        }
        // Ties go to the earliest sentence, so the passage is deterministic.
        let best_sentence = by_sentence
            .iter()
            .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(k, v)| (*k, *v));
        let mut proximity = 0.0;
        for i in 1..features.len() {
            let acc = pair_proximity(&occurrences[i - 1], &occurrences[i]);
            if acc > 0.0 {
                // The mean idf of the pair (the minimum was worse on every dev set).
                let weight = (features[i - 1].weight + features[i].weight) / 2.0;
                proximity +=
                    weight * acc * (PROXIMITY_SATURATION + 1.0) / (acc + PROXIMITY_SATURATION);
            }
        }
        PointEvidence {
            occurrences,
            coverage: found / total,
            sentence_coverage: best_sentence.map_or(0.0, |(_, w)| w / total),
            best_sentence: best_sentence.map(|(k, _)| k),
            proximity,
        }
    }

    /// A passage for each found feature: the best sentence when it holds the feature, else
    /// the feature's first occurrence (title, keywords, abstract, claims, in that order).
    pub fn passages(&self, features: &[Feature], evidence: &PointEvidence) -> Vec<FoundFeature> {
        let mut out = Vec::new();
        for (feature, occ) in features.iter().zip(&evidence.occurrences) {
            if feature.generic || occ.is_empty() {
                continue;
            }
            let chosen = evidence
                .best_sentence
                .and_then(|(v, s)| occ.iter().find(|o| o.value == v && o.sentence == s))
                .unwrap_or(&occ[0]);
            let value = &self.values[chosen.value];
            // A token implies a non-blank text, hence a sentence; skip rather than trust it.
            let Some(sentence) = value.sentences.get(chosen.sentence).cloned() else {
                continue;
            };
            // Mark every feature of the point inside the sentence.
            let mut marks: Vec<Range<usize>> = evidence
                .occurrences
                .iter()
                .zip(features)
                .filter(|(_, f)| !f.generic)
                .flat_map(|(o, _)| o.iter())
                .filter(|o| o.value == chosen.value && o.sentence == chosen.sentence)
                .map(|o| o.range.clone())
                .filter(|r| r.start >= sentence.start && r.end <= sentence.end)
                .collect();
            marks = merge(marks);
            let form = match chosen.matched {
                Matched::Concept => feature.text.clone(),
                Matched::Form(i) => feature
                    .forms
                    .get(i)
                    .map_or_else(|| feature.text.clone(), |f| f.text.clone()),
                Matched::Spelling => value.text[chosen.range.clone()].to_string(),
            };
            out.push(FoundFeature {
                feature: feature.text.clone(),
                concept: feature.text.clone(),
                form,
                field: value.field.name().to_string(),
                passage: passage(&value.text, sentence, &marks, &chosen.range),
            });
        }
        out
    }
}

/// Proximity credit of two features: Σ 1/(gap+1)² over occurrence pairs in the same value
/// whose gap is at most [`PROXIMITY_WINDOW`] positions (either order).
fn pair_proximity(a: &[Occurrence], b: &[Occurrence]) -> f32 {
    let mut acc = 0.0;
    for x in a {
        for y in b.iter().filter(|y| y.value == x.value) {
            // Positions between the two (0 when adjacent or overlapping), either order.
            let gap = if y.position >= x.end {
                y.position - x.end
            } else {
                x.position.saturating_sub(y.end)
            };
            if gap <= PROXIMITY_WINDOW {
                acc += 1.0 / ((gap + 1) * (gap + 1)) as f32;
            }
        }
    }
    acc
}

/// The sentence with `marks`, cut to about [`MAX_PASSAGE_CHARS`] around `anchor`.
fn passage(
    text: &str,
    sentence: Range<usize>,
    marks: &[Range<usize>],
    anchor: &Range<usize>,
) -> String {
    let mut window = sentence.clone();
    if text[sentence.clone()].chars().count() > MAX_PASSAGE_CHARS {
        let before: Vec<(usize, char)> =
            text[sentence.start..anchor.start].char_indices().collect();
        let back = MAX_PASSAGE_CHARS / 3;
        let start = if before.len() > back {
            sentence.start + before[before.len() - back].0
        } else {
            sentence.start
        };
        let end = text[start..sentence.end]
            .char_indices()
            .nth(MAX_PASSAGE_CHARS)
            .map_or(sentence.end, |(i, _)| start + i)
            .max(anchor.end);
        window = start..end;
    }
    render_window(text, marks, window, sentence)
}

fn truncate(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, HashSet};

    use chaxin_index::Record;
    use chaxin_lexicon::{Pair, Source};

    use super::*;
    use crate::novelty::features::{extract, Context};

    /// A lexicon of one dictionary pair.
    fn lexicon_with(analyzer: &Analyzer, zh: &str, en: &str) -> Lexicon {
        let mut lexicon = Lexicon::default();
        lexicon.add(
            "test",
            Source::Dictionary,
            &[Pair {
                zh: zh.into(),
                en_key: chaxin_lexicon::en_key(analyzer, en).unwrap(),
                en: en.into(),
                confidence: 0.9,
            }],
        );
        lexicon
    }

    /// The concepts of `point`, every term of idf 5 and in the index.
    fn concepts_of(analyzer: &Analyzer, lexicon: &Lexicon, point: &str) -> Vec<Feature> {
        let cx = Context {
            analyzer,
            lexicon,
            synonyms: &BTreeMap::new(),
            generic: &HashSet::new(),
            idf: &|_| 5.0,
            occurs: &|_| true,
        };
        extract(&cx, point)
    }

    #[test]
    fn a_chinese_form_is_found_by_its_characters_whatever_the_segmentation() {
        let analyzer = Analyzer::default_settings();
        let lexicon = lexicon_with(&analyzer, "石墨烯", "graphene");
        let features = concepts_of(&analyzer, &lexicon, "graphene composites for anodes");
        let (i, concept) = features
            .iter()
            .enumerate()
            .find(|(_, f)| f.forms.iter().any(|form| form.text == "石墨烯"))
            .expect("the concept translates");
        // jieba cuts the record's text across the form (`石墨` + `烯基`).
        let text = "制备了石墨烯基复合材料负极";
        let form_terms = &concept.synonym_terms[0];
        let tokens: Vec<String> = analyzer.analyze(text).into_iter().map(|t| t.text).collect();
        assert!(
            !form_terms.iter().all(|t| tokens.contains(t)),
            "{form_terms:?} are tokens of {tokens:?}: the test needs another segmentation"
        );
        let record = Record {
            id: "cx-test".into(),
            abstract_text: Some(chaxin_index::Localized::Text(text.into())),
            ..Record::default()
        };
        let vocabulary = Vocabulary::of(&features, &lexicon);
        let doc = DocText::new(&analyzer, &record, &vocabulary);
        let evidence = doc.evidence(&features);
        assert!(!evidence.occurrences[i].is_empty(), "石墨烯 not found");
        let found = doc.passages(&features, &evidence);
        let graphene = found
            .iter()
            .find(|f| f.form == "石墨烯")
            .expect("a passage");
        assert!(graphene.passage.contains("<em>石墨烯</em>"), "{graphene:?}");
    }

    #[test]
    fn an_english_name_is_found_where_chinese_characters_read_it() {
        let analyzer = Analyzer::default_settings();
        let mut lexicon = lexicon_with(&analyzer, "卫星", "satellite");
        lexicon.add_readings(
            [('北', "bei"), ('斗', "dou"), ('卫', "wei"), ('星', "xing")]
                .into_iter()
                .map(|(c, r)| (c, r.to_string()))
                .collect(),
        );
        let features = concepts_of(
            &analyzer,
            &lexicon,
            "precise ephemeris of Beidou satellites",
        );
        let (i, beidou) = features
            .iter()
            .enumerate()
            .find(|(_, f)| f.text == "Beidou")
            .expect("a concept");
        assert!(beidou.forms.is_empty(), "{beidou:?}");
        assert_eq!(beidou.spelling.as_deref(), Some("beidou"));
        let record = Record {
            id: "cx-test".into(),
            abstract_text: Some(chaxin_index::Localized::Text(
                "对北斗卫星导航系统精密星历进行插值。".into(),
            )),
            ..Record::default()
        };
        let vocabulary = Vocabulary::of(&features, &lexicon);
        let doc = DocText::new(&analyzer, &record, &vocabulary);
        let evidence = doc.evidence(&features);
        assert_eq!(evidence.occurrences[i].len(), 1, "北斗 not found once");
        let found = doc.passages(&features, &evidence);
        let name = found
            .iter()
            .find(|f| f.concept == "Beidou")
            .expect("a passage for Beidou");
        assert_eq!(name.form, "北斗");
        assert!(name.passage.contains("<em>北斗"), "{name:?}");
        // It stands next to the satellite it names.
        assert!(evidence.proximity > 0.0);
        // A text whose characters read something else discloses no name.
        let other = Record {
            id: "cx-other".into(),
            abstract_text: Some(chaxin_index::Localized::Text("北极卫星".into())),
            ..Record::default()
        };
        let doc = DocText::new(&analyzer, &other, &vocabulary);
        assert!(doc.evidence(&features).occurrences[i].is_empty());
    }
}
