//! Mining a lexicon from bilingual records: papers whose authors wrote title, keywords and
//! abstract in Chinese and in English (ChinaXiv). Two signals:
//!
//! * **keyword lists** printed in the same order in both languages: the i-th Chinese keyword
//!   translates the i-th English one when both lists have the same length;
//! * **IBM Model 1** word alignment, trained in both directions on aligned segments (the two
//!   titles, each keyword pair, and the abstracts' sentences when both abstracts have the
//!   same number of sentences). Units are words and pairs of adjacent words on both sides, so
//!   `软测量` (jieba: `软` + `测量`) can align with `soft sensor`. A pair is kept when both
//!   directions agree (the geometric mean of `t(en|zh)` and `t(zh|en)`).
//!
//! The result depends only on the records given, in order-independent ways (records are
//! sorted by id first, maps are iterated in sorted order), so mining twice gives the same file.

use std::collections::{BTreeMap, HashMap, HashSet};

use chaxin_text::{is_han, sentences, Analyzer};
use serde::Deserialize;

use crate::keys::{
    is_function_word, is_inside as inside, maximal_terms, zh_key, FUNCTION_CHARS, MAX_ZH_CHARS,
};
use crate::{dict::prune, Pair};

/// EM iterations of Model 1 (the likelihood changes by less than 1% after 5 on ChinaXiv).
const ITERATIONS: usize = 6;
/// A pair must co-occur in at least this many segments.
const MIN_COOCCURRENCE: u32 = 3;
/// Smallest kept agreement (geometric mean of both directions' probabilities). Below it,
/// pairs are mostly words that came together in a few papers (`性状多样性` → *waterdepth*,
/// agreement 0.14). On fold 1 of 2, cx-en2zh / cx-zh2en: 0.12 0.9215 / 0.9197, 0.14
/// 0.9215 / 0.9216, 0.17 0.9218 / 0.9227, 0.2 0.9219 / 0.9234, 0.25 0.9214 / 0.9237, 0.3
/// 0.9196 / 0.9231 (and 2 co-occurrences at 0.09: 0.9175 / 0.9163; 4 at 0.12: 0.9202 /
/// 0.9225).
const MIN_CONFIDENCE: f32 = 0.2;

/// One bilingual record as ChinaXiv's JSONL gives it (other fields ignored).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct BilingualRecord {
    /// The paper's ChinaXiv id.
    #[serde(default)]
    pub chinaxiv_id: String,
    /// Chinese title.
    #[serde(default)]
    pub title_zh: Option<String>,
    /// English title.
    #[serde(default)]
    pub title_en: Option<String>,
    /// Chinese keywords, as one list.
    #[serde(default)]
    pub keywords_zh: Option<String>,
    /// English keywords, as one list.
    #[serde(default)]
    pub keywords_en: Option<String>,
    /// Chinese abstract.
    #[serde(default)]
    pub abstract_zh: Option<String>,
    /// English abstract.
    #[serde(default)]
    pub abstract_en: Option<String>,
    /// False when OCR glued the English words together (`Thisstudyfocused…`).
    #[serde(default)]
    pub en_ocr_spacing_ok: Option<bool>,
    /// Canonical id when the paper was deposited twice.
    #[serde(default)]
    pub duplicate_of: Option<String>,
}

impl BilingualRecord {
    /// The id of the paper (the canonical one for a second deposit).
    pub fn paper_id(&self) -> &str {
        self.duplicate_of.as_deref().unwrap_or(&self.chinaxiv_id)
    }
}

/// Splits a printed keyword list (`；`, `;`, `,`, `，`, `、`, and for Chinese also spaces).
pub fn split_keywords(text: &str, chinese: bool) -> Vec<String> {
    text.split(|c: char| {
        matches!(c, '；' | ';' | ',' | '，' | '、') || (chinese && c.is_whitespace())
    })
    .map(str::trim)
    .filter(|k| !k.is_empty())
    .map(str::to_string)
    .collect()
}

/// Vocabulary of one language: unit → id, and how each unit was written.
#[derive(Default)]
struct Vocab {
    ids: HashMap<String, u32>,
    words: Vec<String>,
    surfaces: Vec<BTreeMap<String, u32>>,
}

impl Vocab {
    fn id(&mut self, unit: &str, surface: &str) -> u32 {
        let id = match self.ids.get(unit) {
            Some(&id) => id,
            None => {
                let id = self.words.len() as u32;
                self.ids.insert(unit.to_string(), id);
                self.words.push(unit.to_string());
                self.surfaces.push(BTreeMap::new());
                id
            }
        };
        *self.surfaces[id as usize]
            .entry(surface.to_string())
            .or_default() += 1;
        id
    }

    /// The most frequent way of writing unit `id` (ties: the first in sort order).
    fn surface(&self, id: u32) -> &str {
        let forms = &self.surfaces[id as usize];
        let best = forms.values().copied().max().unwrap_or(0);
        forms
            .iter()
            .find(|(_, &n)| n == best)
            .map_or(self.words[id as usize].as_str(), |(s, _)| s.as_str())
    }
}

/// Chinese units of a text: its maximal Han words of two or more characters, and every
/// concatenation of two adjacent Han words (up to [`MAX_ZH_CHARS`]).
fn zh_units(analyzer: &Analyzer, text: &str) -> Vec<String> {
    let tokens = analyzer.analyze(text);
    let words: Vec<&str> = maximal_terms(&tokens)
        .into_iter()
        .filter(|w| w.chars().all(is_han) && !is_function_word(w))
        .collect();
    let mut units: Vec<String> = words
        .iter()
        .filter(|w| w.chars().count() >= 2)
        .map(|w| w.to_string())
        .collect();
    // Adjacent in the text: the second starts where the first ends.
    let maximal: Vec<&chaxin_text::Token> = tokens
        .iter()
        .filter(|t| words.contains(&t.text.as_str()))
        .collect();
    for pair in maximal.windows(2) {
        let edge = |t: &chaxin_text::Token| {
            t.text.chars().count() == 1 && t.text.chars().all(|c| FUNCTION_CHARS.contains(c))
        };
        if pair[0].offset_to == pair[1].offset_from && !edge(pair[0]) && !edge(pair[1]) {
            let joined = format!("{}{}", pair[0].text, pair[1].text);
            if joined.chars().count() <= MAX_ZH_CHARS {
                units.push(joined);
            }
        }
    }
    units.sort();
    units.dedup();
    units
}

/// English units with their surface forms (lowercased text): maximal stemmed terms without
/// Han, and adjacent pairs of them (the key of a two-word term, as [`crate::en_key`] makes it).
fn en_units(analyzer: &Analyzer, text: &str) -> Vec<(String, String)> {
    let tokens = analyzer.analyze(text);
    let terms: Vec<&chaxin_text::Token> = {
        let maximal = maximal_terms(&tokens);
        // A word OCR glued together (`thisstudyinvestigated`: letters only, with words inside
        // it) is mined as its words; a hyphenated word stays whole.
        let glued = |t: &chaxin_text::Token| {
            text.get(t.offset_from..t.offset_to)
                .is_some_and(|w| w.chars().all(|c| c.is_ascii_alphabetic()))
                && tokens.iter().any(|o| inside(o, t))
        };
        let glued_words: Vec<&chaxin_text::Token> = tokens
            .iter()
            .filter(|t| maximal.contains(&t.text.as_str()) && glued(t))
            .collect();
        tokens
            .iter()
            .filter(|t| {
                let whole = maximal.contains(&t.text.as_str()) && !glued(t);
                let piece = glued_words.iter().any(|g| inside(t, g));
                whole || piece
            })
            .filter(|t| {
                t.text.chars().any(|c| c.is_ascii_alphabetic()) && !t.text.chars().any(is_han)
            })
            .collect()
    };
    let surface = |from: usize, to: usize| text[from..to].to_lowercase();
    let mut units: Vec<(String, String)> = terms
        .iter()
        .filter(|t| t.text.len() >= 2)
        .map(|t| (t.text.clone(), surface(t.offset_from, t.offset_to)))
        .collect();
    for pair in terms.windows(2) {
        // Stop words between keep their positions: `state of the art` stays `state art`.
        if pair[1].position <= pair[0].position + 3 {
            units.push((
                format!("{} {}", pair[0].text, pair[1].text),
                surface(pair[0].offset_from, pair[1].offset_to),
            ));
        }
    }
    units.sort();
    units.dedup_by(|a, b| a.0 == b.0);
    units
}

/// Aligns the sentences of a text and its translation by length (Gale & Church): beads of
/// one sentence to one, one to two or two to one, found by dynamic programming over the
/// squared difference of lengths (the translation's lengths scaled to the text's). Returns
/// the ranges of sentences of each bead; sentences left unpaired are skipped.
pub fn align_sentences(
    a: &[f32],
    b: &[f32],
) -> Vec<(std::ops::Range<usize>, std::ops::Range<usize>)> {
    let (n, m) = (a.len(), b.len());
    if n == 0 || m == 0 {
        return Vec::new();
    }
    let ratio = a.iter().sum::<f32>() / b.iter().sum::<f32>().max(1.0);
    let cost = |la: f32, lb: f32| {
        let lb = lb * ratio;
        (la - lb) * (la - lb) / (la + lb + 1.0)
    };
    // (steps in a, steps in b, penalty)
    const BEADS: [(usize, usize, f32); 5] = [
        (1, 1, 0.0),
        (1, 2, 3.0),
        (2, 1, 3.0),
        (1, 0, 8.0),
        (0, 1, 8.0),
    ];
    let mut best = vec![vec![f32::INFINITY; m + 1]; n + 1];
    let mut back = vec![vec![(0usize, 0usize); m + 1]; n + 1];
    best[0][0] = 0.0;
    for i in 0..=n {
        for j in 0..=m {
            if best[i][j].is_infinite() {
                continue;
            }
            for &(di, dj, penalty) in &BEADS {
                let (ni, nj) = (i + di, j + dj);
                if ni > n || nj > m {
                    continue;
                }
                let la: f32 = a[i..ni].iter().sum();
                let lb: f32 = b[j..nj].iter().sum();
                let c = best[i][j]
                    + penalty
                    + if di > 0 && dj > 0 {
                        cost(la, lb)
                    } else {
                        la + lb
                    };
                if c < best[ni][nj] {
                    best[ni][nj] = c;
                    back[ni][nj] = (di, dj);
                }
            }
        }
    }
    let mut beads = Vec::new();
    let (mut i, mut j) = (n, m);
    while i > 0 || j > 0 {
        let (di, dj) = back[i][j];
        if di == 0 && dj == 0 {
            break;
        }
        if di > 0 && dj > 0 {
            beads.push((i - di..i, j - dj..j));
        }
        i -= di;
        j -= dj;
    }
    beads.reverse();
    beads
}

/// Aligned segments of the corpus, as unit ids.
struct Segments {
    zh: Vocab,
    en: Vocab,
    pairs: Vec<(Vec<u32>, Vec<u32>)>,
}

/// IBM Model 1: `t[(source, target)]` = probability that `source` translates as `target`.
fn model1(pairs: &[(Vec<u32>, Vec<u32>)], reverse: bool) -> HashMap<(u32, u32), f32> {
    let mut t: HashMap<(u32, u32), f32> = HashMap::new();
    for (zh, en) in pairs {
        let (source, target) = if reverse { (en, zh) } else { (zh, en) };
        for &s in source {
            for &g in target {
                t.insert((s, g), 1.0);
            }
        }
    }
    for _ in 0..ITERATIONS {
        let mut counts: HashMap<(u32, u32), f32> = HashMap::with_capacity(t.len());
        let mut totals: HashMap<u32, f32> = HashMap::new();
        for (zh, en) in pairs {
            let (source, target) = if reverse { (en, zh) } else { (zh, en) };
            for &g in target {
                // The empty word (translation of nothing) takes a fixed share.
                let denominator: f32 = source.iter().map(|&s| t[&(s, g)]).sum::<f32>() + 0.5;
                for &s in source {
                    let c = t[&(s, g)] / denominator;
                    *counts.entry((s, g)).or_default() += c;
                    *totals.entry(s).or_default() += c;
                }
            }
        }
        for ((s, g), c) in counts {
            t.insert((s, g), c / totals[&s].max(f32::MIN_POSITIVE));
        }
    }
    t
}

/// Mines pairs from `records`, leaving out the papers in `exclude` (by [`BilingualRecord::paper_id`]).
/// Records whose English OCR glued words together are mined too: the analyzer splits the
/// glued words (`thisstudyfocused` → this, study, focused), and they are 40% of ChinaXiv
/// (cx-zh2en and cx-en2zh +0.006 on fold 1 of 2).
pub fn mine(
    analyzer: &Analyzer,
    records: &[BilingualRecord],
    exclude: &HashSet<String>,
) -> Vec<Pair> {
    let mut records: Vec<&BilingualRecord> = records
        .iter()
        .filter(|r| !exclude.contains(r.paper_id()))
        .collect();
    records.sort_by(|a, b| a.chinaxiv_id.cmp(&b.chinaxiv_id));
    records.dedup_by(|a, b| a.paper_id() == b.paper_id());

    // Keyword lists of equal length, position by position.
    let mut keyword_pairs: BTreeMap<(String, String), (u32, String)> = BTreeMap::new();
    let mut keyword_count: HashMap<String, u32> = HashMap::new();
    let mut segments = Segments {
        zh: Vocab::default(),
        en: Vocab::default(),
        pairs: Vec::new(),
    };
    let add_segment = |segments: &mut Segments, zh: &str, en: &str| {
        let z: Vec<u32> = zh_units(analyzer, zh)
            .iter()
            .map(|u| segments.zh.id(u, u))
            .collect();
        let e: Vec<u32> = en_units(analyzer, en)
            .iter()
            .map(|(u, surface)| segments.en.id(u, surface))
            .collect();
        if !z.is_empty() && !e.is_empty() && z.len() <= 80 && e.len() <= 120 {
            segments.pairs.push((z, e));
        }
    };
    for record in &records {
        let (Some(kz), Some(ke)) = (&record.keywords_zh, &record.keywords_en) else {
            continue;
        };
        let zh = split_keywords(kz, true);
        let en = split_keywords(ke, false);
        if zh.len() != en.len() {
            continue;
        }
        for (z, e) in zh.iter().zip(&en) {
            let (Some(zk), Some(ek)) = (zh_key(z), crate::en_key(analyzer, e)) else {
                continue;
            };
            *keyword_count.entry(zk.clone()).or_default() += 1;
            *keyword_count.entry(format!("\u{1}{ek}")).or_default() += 1;
            let entry = keyword_pairs
                .entry((zk, ek))
                .or_insert((0, e.trim().to_string()));
            entry.0 += 1;
            add_segment(&mut segments, z, e);
        }
    }
    for record in &records {
        if let (Some(tz), Some(te)) = (&record.title_zh, &record.title_en) {
            add_segment(&mut segments, tz, te);
        }
        if let (Some(az), Some(ae)) = (&record.abstract_zh, &record.abstract_en) {
            let sz = sentences(az);
            let se = sentences(ae);
            let lengths = |text: &str, ranges: &[std::ops::Range<usize>]| -> Vec<f32> {
                ranges
                    .iter()
                    .map(|r| text[r.clone()].chars().count() as f32)
                    .collect()
            };
            for (z, e) in align_sentences(&lengths(az, &sz), &lengths(ae, &se)) {
                let zh = &az[sz[z.start].start..sz[z.end - 1].end];
                let en = &ae[se[e.start].start..se[e.end - 1].end];
                add_segment(&mut segments, zh, en);
            }
        }
    }
    tracing::info!(
        records = records.len(),
        segments = segments.pairs.len(),
        zh_units = segments.zh.words.len(),
        en_units = segments.en.words.len(),
        "mining a bilingual lexicon"
    );

    let mut cooccur: HashMap<(u32, u32), u32> = HashMap::new();
    for (zh, en) in &segments.pairs {
        for &z in zh {
            for &e in en {
                *cooccur.entry((z, e)).or_default() += 1;
            }
        }
    }
    let (forward, backward) = rayon::join(
        || model1(&segments.pairs, false),
        || model1(&segments.pairs, true),
    );
    let mut pairs = Vec::new();
    let mut sorted: Vec<(&(u32, u32), &u32)> = cooccur.iter().collect();
    sorted.sort();
    for (&(z, e), &count) in sorted {
        if count < MIN_COOCCURRENCE {
            continue;
        }
        let p_en = forward.get(&(z, e)).copied().unwrap_or(0.0);
        let p_zh = backward.get(&(e, z)).copied().unwrap_or(0.0);
        let agreement = (p_en * p_zh).sqrt();
        if agreement < MIN_CONFIDENCE {
            continue;
        }
        // Calibrated against the dictionaries' scale: an agreement of 0.25 between both
        // directions of Model 1 is as good a translation as a dictionary's second sense.
        let confidence = agreement.sqrt();
        pairs.push(Pair {
            zh: segments.zh.words[z as usize].clone(),
            en_key: segments.en.words[e as usize].clone(),
            en: segments.en.surface(e).to_string(),
            confidence: confidence.min(1.0),
        });
    }
    // Keyword pairs: as printed, trusted by how consistently they pair.
    for ((zh, en_key), (count, written)) in keyword_pairs {
        let seen = keyword_count[&zh].max(keyword_count[&format!("\u{1}{en_key}")]);
        // One printing may be a misaligned list; each consistent repetition makes it surer.
        let consistency = count as f32 / seen as f32;
        let repetition = 1.0 - 0.5f32.powi(count as i32);
        let confidence = 0.45 + 0.45 * consistency * repetition;
        pairs.push(Pair {
            zh,
            en_key,
            en: written.to_lowercase(),
            confidence,
        });
    }
    let pairs = drop_parts(prune(pairs));
    tracing::info!(pairs = pairs.len(), "mined a bilingual lexicon");
    pairs
}

/// Drops a pair whose English (or Chinese) side is a part of a longer side paired with the
/// same other side nearly as confidently: `神经网络 → network` goes when `神经网络 → neural
/// network` is there.
fn drop_parts(pairs: Vec<Pair>) -> Vec<Pair> {
    let mut by_zh: HashMap<&str, Vec<&Pair>> = HashMap::new();
    let mut by_en: HashMap<&str, Vec<&Pair>> = HashMap::new();
    for p in &pairs {
        by_zh.entry(&p.zh).or_default().push(p);
        by_en.entry(&p.en_key).or_default().push(p);
    }
    let covered = |p: &Pair| {
        let longer_en = by_zh[p.zh.as_str()].iter().any(|o| {
            o.en_key.len() > p.en_key.len()
                && o.en_key.split(' ').any(|w| w == p.en_key)
                && o.confidence >= 0.6 * p.confidence
        });
        let longer_zh = by_en[p.en_key.as_str()].iter().any(|o| {
            o.zh.len() > p.zh.len() && o.zh.contains(&p.zh) && o.confidence >= 0.6 * p.confidence
        });
        longer_en || longer_zh
    };
    let keep: Vec<bool> = pairs.iter().map(|p| !covered(p)).collect();
    pairs
        .into_iter()
        .zip(keep)
        .filter_map(|(p, k)| k.then_some(p))
        .collect()
}

/// The paper an evaluation document comes from: `cx201601.00052-en` → `201601.00052` (the
/// ChinaXiv id of the `cx-*` sets); other ids are their own paper.
pub fn paper_of_document(doc: &str) -> &str {
    let id = doc.strip_prefix("cx").unwrap_or(doc);
    id.rsplit_once('-').map_or(id, |(paper, _)| paper)
}

/// The fold (1 to `folds`) of a paper id: a stable hash (FNV-1a), so that mining and
/// evaluation agree on which papers a fold holds without sharing a list.
pub fn fold_of(id: &str, folds: usize) -> usize {
    debug_assert!(folds >= 1);
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in id.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    (hash % folds.max(1) as u64) as usize + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(
        id: &str,
        title_zh: &str,
        title_en: &str,
        kw_zh: &str,
        kw_en: &str,
    ) -> BilingualRecord {
        BilingualRecord {
            chinaxiv_id: id.into(),
            title_zh: Some(title_zh.into()),
            title_en: Some(title_en.into()),
            keywords_zh: Some(kw_zh.into()),
            keywords_en: Some(kw_en.into()),
            ..Default::default()
        }
    }

    fn corpus() -> Vec<BilingualRecord> {
        vec![
            record(
                "1",
                "基于神经网络的锅炉燃烧优化",
                "Boiler combustion optimization based on neural network",
                "神经网络；锅炉；燃烧优化",
                "neural network; boiler; combustion optimization",
            ),
            record(
                "2",
                "锅炉烟气氮氧化物软测量",
                "Soft sensor of nitrogen oxides in boiler flue gas",
                "软测量；氮氧化物；烟气",
                "soft sensor; nitrogen oxides; flue gas",
            ),
            record(
                "3",
                "神经网络软测量模型",
                "A neural network soft sensor model",
                "软测量；神经网络",
                "soft sensor; neural network",
            ),
            record(
                "4",
                "烟气脱硝与氮氧化物排放",
                "Flue gas denitrification and nitrogen oxides emission",
                "烟气；氮氧化物；脱硝",
                "flue gas; nitrogen oxides; denitrification",
            ),
            record(
                "5",
                "锅炉效率研究",
                "Study on boiler efficiency",
                "锅炉；效率",
                "boiler; efficiency",
            ),
        ]
    }

    fn english_of<'a>(pairs: &'a [Pair], zh: &str) -> Vec<&'a str> {
        pairs
            .iter()
            .filter(|p| p.zh == zh)
            .map(|p| p.en_key.as_str())
            .collect()
    }

    #[test]
    fn technical_terms_map_to_their_english_and_back() {
        let analyzer = Analyzer::default_settings();
        let pairs = mine(&analyzer, &corpus(), &HashSet::new());
        assert!(
            english_of(&pairs, "软测量").contains(&"soft sensor"),
            "{pairs:?}"
        );
        assert!(english_of(&pairs, "锅炉").contains(&"boiler"), "{pairs:?}");
        assert!(
            english_of(&pairs, "神经网络").contains(&"neural network"),
            "{pairs:?}"
        );
        assert!(
            !english_of(&pairs, "神经网络").contains(&"network"),
            "{pairs:?}"
        );
        let chinese: Vec<&str> = pairs
            .iter()
            .filter(|p| p.en_key == "flue gas")
            .map(|p| p.zh.as_str())
            .collect();
        assert!(chinese.contains(&"烟气"), "{chinese:?}");
    }

    #[test]
    fn excluded_papers_teach_nothing() {
        let analyzer = Analyzer::default_settings();
        let exclude: HashSet<String> = ["2", "3"].map(String::from).into();
        let pairs = mine(&analyzer, &corpus(), &exclude);
        assert!(english_of(&pairs, "软测量").is_empty(), "{pairs:?}");
    }

    #[test]
    fn words_glued_by_ocr_are_mined_as_their_words() {
        let analyzer = Analyzer::default_settings();
        let units: Vec<String> = en_units(&analyzer, "Softsensorof nitrogenoxides in flue gas")
            .into_iter()
            .map(|(key, _)| key)
            .collect();
        let key = |text: &str| crate::en_key(&analyzer, text).unwrap();
        for unit in [
            key("soft sensor"),
            key("sensor"),
            key("flue gas"),
            key("nitrogen oxides"),
        ] {
            assert!(units.contains(&unit), "{unit} missing from {units:?}");
        }
        assert!(
            !units.iter().any(|u| u.starts_with("softsensor")),
            "{units:?}"
        );
        // A hyphenated word stays whole.
        let units: Vec<String> = en_units(&analyzer, "fluid-structure interaction")
            .into_iter()
            .map(|(key, _)| key)
            .collect();
        assert!(units.contains(&key("fluid-structure")), "{units:?}");
    }

    #[test]
    fn sentences_align_by_length() {
        // Chinese lengths in characters, English in characters: about 3 to 1.
        let zh = [20.0, 35.0, 12.0];
        let en = [62.0, 50.0, 55.0, 37.0];
        let beads = align_sentences(&zh, &en);
        assert_eq!(beads, vec![(0..1, 0..1), (1..2, 1..3), (2..3, 3..4)]);
    }

    #[test]
    fn mining_is_deterministic() {
        let analyzer = Analyzer::default_settings();
        let mut reversed = corpus();
        reversed.reverse();
        assert_eq!(
            mine(&analyzer, &corpus(), &HashSet::new()),
            mine(&analyzer, &reversed, &HashSet::new())
        );
    }
}
