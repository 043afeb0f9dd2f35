//! Technical features of an innovation point: the words that carry its meaning, weighted.

use std::collections::{BTreeMap, HashSet};

use chaxin_lexicon::{is_function_word, Lang, Lexicon, Source, FUNCTION_CHARS};
use chaxin_text::{Analyzer, Token};
use serde::Serialize;

use crate::compile::is_maximal;
use crate::proximity::term_width;

/// Words that say what kind of contribution a point is, not what it is about. They are never
/// reported as found or missing, and a point's `X` needs only its other features; they rank
/// like any other word (idf already makes them light; damping them further was worse on
/// every dev set, e.g. patents 0.705 → 0.699 nDCG@10 at a factor of 0.2).
const GENERIC_WORDS: &[&str] = &[
    "一种",
    "方法",
    "基于",
    "研究",
    "系统",
    "装置",
    "设备",
    "及其",
    "用于",
    "应用",
    "技术",
    "实现",
    "探索",
    "探讨",
    "浅谈",
    "问题",
    "新型",
    "利用",
    "采用",
    "提供",
    "包括",
    "具有",
    "进行",
    "通过",
    "本发明",
    "发明",
    "所述",
    "其中",
    "设计",
    "分析",
    "有效性",
    "相关",
    "初探",
    "若干",
    "基础",
    "system",
    "systems",
    "method",
    "methods",
    "apparatus",
    "device",
    "devices",
    "using",
    "use",
    "based",
    "means",
    "thereof",
    "therefor",
    "improved",
    "novel",
    "new",
    "study",
    "studies",
    "research",
    "investigation",
    "influence",
    "effect",
    "effects",
    "different",
    "various",
    "characteristics",
    "ways",
    "影响",
    "不同",
    "特性",
    "analysis",
    "approach",
    "technique",
    "comprising",
    "having",
    "including",
    "wherein",
    "said",
    "invention",
    "present",
    "provide",
    "provided",
    "related",
    "via",
    "thereby",
    "arrangement",
    "assembly",
];

/// Most forms in the other language a concept carries (best first).
pub const MAX_FORMS: usize = 8;
/// Smallest confidence of a form in the other language.
pub const MIN_FORM_CONFIDENCE: f32 = 0.3;
/// A form's confidence must be at least this share of the concept's best form.
const RELATIVE_FORM_CONFIDENCE: f32 = 0.4;
/// A concept is essential when its weight is at least this share of the point's heaviest
/// concept (`神经网络` is not essential to a point about soft-sensing NOx in boilers, on a
/// corpus where neural networks are everywhere).
pub const ESSENTIAL_SHARE: f32 = 0.6;

/// Another way of writing a concept: a synonym, variant or translation.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Form {
    /// The form as written.
    pub text: String,
    /// Its language.
    #[schema(value_type = String, example = "en")]
    pub lang: Lang,
    /// Where it comes from: the request (`user`), a dictionary, or the corpus.
    #[schema(value_type = String, example = "dictionary")]
    pub source: Source,
    /// In (0, 1].
    pub confidence: f32,
}

/// One feature (technical concept) of a point.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Feature {
    /// The concept as written in the point.
    pub text: String,
    /// The main-stream terms that must occur, consecutively (one term, except for a
    /// multiword concept or a synonym key that the analyzer splits, such as `石墨烯` →
    /// `石墨`, `烯`).
    #[serde(skip)]
    pub terms: Vec<String>,
    /// Language of the concept as written.
    #[serde(default = "default_lang")]
    #[schema(value_type = String, example = "zh")]
    pub lang: Lang,
    /// The texts of `forms` (what the report lists as search terms).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub synonyms: Vec<String>,
    /// Other ways of saying it, with where each comes from and how sure it is: the request's
    /// synonyms (`user`), the lexicon's translations (`dictionary`, `corpus`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forms: Vec<Form>,
    /// Main-stream terms of each form, in the order of `forms`; a multi-term form must occur
    /// as consecutive terms.
    #[serde(skip)]
    pub synonym_terms: Vec<Vec<String>>,
    /// Inverse document frequency of its words in the index.
    pub weight: f32,
    /// Inverse document frequency of its commonest form (its words or a translation): how
    /// specific the concept is, whatever the language; decides `essential`.
    #[serde(default)]
    pub specificity: f32,
    /// A word such as `方法` or `system`: ranked, not a concept, not reported.
    pub generic: bool,
    /// Needed for `X`: the point is disclosed only where every essential concept is.
    #[serde(default)]
    pub essential: bool,
    /// Positions it spans in the point.
    #[serde(skip)]
    pub span: usize,
    /// For a Chinese word of two or more characters: its character bigrams with their
    /// offsets, so it is found whatever the segmentation of the text around it.
    #[serde(skip)]
    pub bigrams: Vec<(usize, String)>,
    /// The same for each form (empty for forms that are not Chinese), in form order.
    #[serde(skip)]
    pub form_bigrams: Vec<Vec<(usize, String)>>,
    /// For an English word with no Chinese form that reads as a Chinese name in pinyin
    /// (`Zhangye`, `Beidou`): that spelling, found in a Chinese text where its characters
    /// read it (`张掖`, `北斗`; see [`chaxin_lexicon::Lexicon::name_spelling`]).
    #[serde(skip)]
    pub spelling: Option<String>,
}

fn default_lang() -> Lang {
    Lang::Zh
}

impl Feature {
    /// True when the concept has a form in `lang` other than itself.
    pub fn has_form_in(&self, lang: Lang) -> bool {
        self.forms.iter().any(|f| f.lang == lang)
    }
}

/// What concept extraction looks things up in.
pub struct Context<'a> {
    pub analyzer: &'a Analyzer,
    pub lexicon: &'a Lexicon,
    /// The request's synonyms: `{"石墨烯": ["graphene"]}`.
    pub synonyms: &'a BTreeMap<String, Vec<String>>,
    /// Main-stream terms of the generic words.
    pub generic: &'a HashSet<String>,
    /// A term's inverse document frequency.
    pub idf: &'a dyn Fn(&str) -> f32,
    /// True when a main-stream term occurs in the index: a translation the index never uses
    /// (`patency` for 开放) makes way for the next one.
    pub occurs: &'a dyn Fn(&str) -> bool,
}

/// Where a multiword concept stands in the point and how it is looked up.
struct Span {
    range: std::ops::Range<usize>,
    /// A synonym key of the request, or a lexicon key with its language.
    lookup: Lookup,
}

enum Lookup {
    User(String),
    Lexicon(Lang, String),
}

/// Multiword concepts of the point found in the lexicon: Chinese by forward maximum matching
/// over each Han run (`以软测量结果` → `软测量`, whatever jieba made of `以软`), English by the
/// longest run of consecutive terms that is a lexicon key (`flue gas`, `neural network`).
fn lexicon_spans(cx: &Context<'_>, point: &str, tokens: &[Token]) -> Vec<Span> {
    let mut spans = Vec::new();
    if cx.lexicon.is_empty() {
        return spans;
    }
    let norm = chaxin_text::normalize(point);
    let chars: Vec<char> = norm.text.chars().collect();
    let longest = cx.lexicon.zh_max_chars().min(MAX_CONCEPT_CHARS);
    let (starts, ends) = word_boundaries(cx, point, tokens);
    let mut i = 0;
    while i < chars.len() {
        if !chaxin_text::is_han(chars[i]) {
            i += 1;
            continue;
        }
        let run_end = (i..chars.len())
            .find(|&j| !chaxin_text::is_han(chars[j]))
            .unwrap_or(chars.len());
        let found = (2..=longest.min(run_end - i)).rev().find_map(|len| {
            let candidate: String = chars[i..i + len].iter().collect();
            let range = norm.original_range(i, i + len);
            let usable = starts.contains(&range.start)
                && ends.contains(&range.end)
                && !is_function_word(&candidate)
                && !chaxin_lexicon::FUNCTION_WORDS
                    .iter()
                    .any(|w| candidate.starts_with(w) || candidate.ends_with(w))
                && (cx.lexicon.is_term(Lang::Zh, &candidate)
                    || cx.lexicon.knows(Lang::Zh, &candidate)
                        && has_usable_form(cx, Lang::Zh, &candidate, None));
            usable.then_some((len, candidate))
        });
        match found {
            // Only multi-word matches need a span; a single jieba word is its own token.
            Some((len, key)) => {
                let range = norm.original_range(i, i + len);
                let is_one_token = tokens
                    .iter()
                    .any(|t| t.offset_from == range.start && t.offset_to == range.end);
                if !is_one_token {
                    spans.push(Span {
                        range,
                        lookup: Lookup::Lexicon(Lang::Zh, key),
                    });
                }
                i += len;
            }
            None => i += 1,
        }
    }
    // English: maximal word tokens, consecutive (stop words between keep their positions).
    let words: Vec<&Token> = tokens
        .iter()
        .filter(|t| {
            is_concept_token(cx, point, t, tokens) && !t.text.chars().any(chaxin_text::is_han)
        })
        .collect();
    let longest = cx.lexicon.en_max_terms().min(MAX_CONCEPT_TERMS);
    let mut i = 0;
    while i < words.len() {
        let mut taken = 1;
        for n in (2..=longest.min(words.len() - i)).rev() {
            let run = &words[i..i + n];
            let consecutive = run.windows(2).all(|w| w[1].position <= w[0].position + 3);
            if !consecutive
                || cx.generic.contains(&run[0].text)
                || cx.generic.contains(&run[n - 1].text)
            {
                continue;
            }
            let key = run
                .iter()
                .map(|t| t.text.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            let written = &point[run[0].offset_from..run[n - 1].offset_to];
            let usable = |key: &str| {
                cx.lexicon.is_term(Lang::En, key)
                    || cx.lexicon.knows(Lang::En, key)
                        && has_usable_form(cx, Lang::En, key, Some(written))
            };
            // A hyphenated word is one term (`fluidstructur`) where a dictionary may write its
            // parts (`fluid structure interaction`): that key is tried when the first is not.
            let key = if usable(&key) {
                Some(key)
            } else {
                let parted = run
                    .iter()
                    .flat_map(|w| {
                        let parts: Vec<&str> = tokens
                            .iter()
                            .filter(|t| chaxin_lexicon::keys::is_inside(t, w))
                            .map(|t| t.text.as_str())
                            .collect();
                        if parts.is_empty() {
                            vec![w.text.as_str()]
                        } else {
                            parts
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" ");
                (parted != key && usable(&parted)).then_some(parted)
            };
            if let Some(key) = key {
                spans.push(Span {
                    range: run[0].offset_from..run[n - 1].offset_to,
                    lookup: Lookup::Lexicon(Lang::En, key),
                });
                taken = n;
                break;
            }
        }
        i += taken;
    }
    spans
}

/// True for a token that stands for words of the point: a maximal one, except a word OCR glued
/// together (`TheNeural`, `Softsensorof`: ASCII letters only, with words inside), which stands
/// for the words the analyzer found in it. A hyphenated word stays whole, and so does a name
/// that reads as pinyin (`Guanting` is 官厅, not *guan* + *ting*: see
/// [`Lexicon::name_spelling`]); fold 1 of 2 of cx-en2zh 0.9219 → 0.9225, 2 queries better.
fn is_concept_token(cx: &Context<'_>, point: &str, token: &Token, tokens: &[Token]) -> bool {
    let inside = chaxin_lexicon::keys::is_inside;
    let glued = |t: &Token| {
        point.get(t.offset_from..t.offset_to).is_some_and(|w| {
            w.chars().all(|c| c.is_ascii_alphabetic()) && cx.lexicon.name_spelling(w).is_none()
        }) && tokens.iter().any(|o| inside(o, t))
    };
    if is_maximal(token, tokens) {
        return !glued(token);
    }
    tokens
        .iter()
        .any(|g| inside(token, g) && is_maximal(g, tokens) && glued(g))
}

/// Where a Chinese lexicon term may start and end (byte offsets of the point): at the
/// boundaries of jieba's words, so that a term never takes a character from a word jieba is
/// sure of (`夜天文气象` is 夜 + 天文 + 气象, not 夜天 + 文气; `领军人才` has no 军人), and
/// inside a word the lexicon does not know (jieba's `以软` in `以软测量`, glued from a
/// function character and the start of 软测量).
fn word_boundaries(
    cx: &Context<'_>,
    point: &str,
    tokens: &[Token],
) -> (HashSet<usize>, HashSet<usize>) {
    let mut starts = HashSet::new();
    let mut ends = HashSet::new();
    for token in tokens.iter().filter(|t| is_maximal(t, tokens)) {
        starts.insert(token.offset_from);
        ends.insert(token.offset_to);
        let Some(text) = point.get(token.offset_from..token.offset_to) else {
            continue;
        };
        let known = chaxin_lexicon::zh_key(text).is_some_and(|k| cx.lexicon.knows(Lang::Zh, &k));
        if !known {
            for (at, _) in text.char_indices().skip(1) {
                starts.insert(token.offset_from + at);
                ends.insert(token.offset_from + at);
            }
        }
    }
    (starts, ends)
}

/// Longest Chinese concept matched in the lexicon, in characters.
const MAX_CONCEPT_CHARS: usize = 8;
/// Longest English concept matched in the lexicon, in terms.
const MAX_CONCEPT_TERMS: usize = 4;

/// True when a lexicon form of the key occurs in the index: only then is a multiword concept
/// kept whole (in a one-language index its words stay separate features, as they rank best).
/// `written`: the concept as the point writes it (see [`lexicon_forms`]).
fn has_usable_form(cx: &Context<'_>, lang: Lang, key: &str, written: Option<&str>) -> bool {
    lexicon_forms(cx, lang, key, written)
        .iter()
        .any(|form| is_used(cx, form))
}

/// True when every main-stream term of `form` occurs in the index.
fn is_used(cx: &Context<'_>, form: &Form) -> bool {
    let terms = main_terms(cx.analyzer, &form.text);
    !terms.is_empty() && terms.iter().all(|t| (cx.occurs)(t))
}

/// The lexicon's forms of a key in `lang`, best first (`feature` keeps the best
/// [`MAX_FORMS`] that occur in the index); with the concept as `written`, the senses of the
/// word itself before those of its stem mates (see [`Lexicon::translations_as_written`]).
fn lexicon_forms(cx: &Context<'_>, lang: Lang, key: &str, written: Option<&str>) -> Vec<Form> {
    let entries = match written {
        Some(written) => cx
            .lexicon
            .translations_as_written(lang, key, written)
            .into(),
        None => std::borrow::Cow::Borrowed(cx.lexicon.translations(lang, key)),
    };
    entry_forms(entries.iter(), lang.other())
}

/// Forms in `lang` of lexicon entries given best first: those at least
/// [`MIN_FORM_CONFIDENCE`] and [`RELATIVE_FORM_CONFIDENCE`] of the best sure, one-character
/// ones at [`LONE_CHARACTER_SHARE`], re-sorted.
fn entry_forms<'e>(
    entries: impl Iterator<Item = &'e chaxin_lexicon::Entry>,
    lang: Lang,
) -> Vec<Form> {
    let mut entries = entries.peekable();
    let best = entries.peek().map_or(0.0, |e| e.confidence);
    let mut forms: Vec<Form> = entries
        .filter(|e| {
            e.confidence >= MIN_FORM_CONFIDENCE && e.confidence >= RELATIVE_FORM_CONFIDENCE * best
        })
        .map(|e| Form {
            text: e.text.clone(),
            lang,
            source: e.source,
            confidence: e.confidence
                * if is_lone_han(&e.text) {
                    LONE_CHARACTER_SHARE
                } else {
                    1.0
                },
        })
        .collect();
    sort_forms(&mut forms);
    forms
}

/// Share of its confidence a one-character Chinese translation keeps: the character also
/// stands alone where jieba could not segment a longer word (`酶` for *ferment*). On fold 1
/// of 2, cx-en2zh / pt-en2zh: 1.0 0.9161 / 0.9776, 0.9 0.9142 / 0.9776, 0.8 0.9147 / 0.9826,
/// 0.7 0.9142 / 0.9826.
const LONE_CHARACTER_SHARE: f32 = 0.8;

/// Idf from which a lone character of a point is a concept of its own: BM25's idf of a term
/// in a share `s` of the records is about ln(1/s) whatever their number, so 6.0 is one
/// record in 400 or fewer (`镉`, `霾`; on the patent-heavy pt-* corpus also `器` and `设`,
/// whose senses are vaguer: a character names a concept less surely than a word). On fold
/// 1 of 2, cx-zh2en / pt-zh2en: never 0.9074 / 0.9422, 8.0 0.9077 / 0.9442, 7.0 0.9078 /
/// 0.9442, 6.0 0.9092 / 0.9502, 5.0 0.9089 / 0.9465.
const LONE_CONCEPT_IDF: f32 = 6.0;

fn is_lone_han(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(chaxin_text::is_han) && chars.next().is_none()
}

/// True for a word written in capitals, two letters or more, perhaps with a plural `s`
/// (`DAMPE`, `BIM`, `LEDs`).
fn is_acronym(word: &str) -> bool {
    let word = word.strip_suffix('s').unwrap_or(word);
    word.chars().filter(char::is_ascii_alphabetic).count() >= 2
        && word
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
}

/// The translations of an acronym of the point: only those written for the acronym itself,
/// with capitals (a plural `s` aside). Its key is a stem like any English word's: the stem of
/// `DAMPE` is that of *damp* (阻尼), and `LEDs` shares its key with *led* (领导).
fn acronym_forms(cx: &Context<'_>, key: &str, written: &str) -> Vec<Form> {
    let written = written.to_lowercase();
    let own = cx.lexicon.translations(Lang::En, key).iter().filter(|e| {
        let w = e.written.to_lowercase();
        e.written.chars().any(|c| c.is_ascii_uppercase())
            && (w == written
                || w.strip_suffix('s') == Some(written.as_str())
                || written.strip_suffix('s') == Some(w.as_str()))
    });
    entry_forms(own, Lang::Zh)
}

/// The forms of a lexicon or terminology term: its translations the index uses, else
/// (a mined term no dictionary translates, `锅炉运行参数`) the translations of its parts; an
/// English term also gets the known terms its parts compose into.
fn term_forms(cx: &Context<'_>, lang: Lang, key: &str, written: &str) -> Vec<Form> {
    let mut forms = lexicon_forms(cx, lang, key, Some(written));
    let usable = forms.iter().any(|form| is_used(cx, form));
    match lang {
        Lang::Zh if !usable => part_forms(cx, key),
        Lang::Zh => forms,
        Lang::En => {
            let parts: Vec<&str> = key.split(' ').collect();
            if !usable {
                forms.clear();
            }
            forms.extend(english_part_forms(cx, &parts, !usable));
            sort_forms(&mut forms);
            forms
        }
    }
}

/// Best first (ties by text), each text once (its best).
fn sort_forms(forms: &mut Vec<Form>) {
    forms.sort_by(|a, b| {
        b.confidence
            .total_cmp(&a.confidence)
            .then(a.text.cmp(&b.text))
    });
    let mut seen = HashSet::new();
    forms.retain(|f| seen.insert(f.text.clone()));
}

/// Share of the product of both translations' confidences a same-language synonym found
/// through the other language keeps (0.8 lowered cx-zh2en and cx-en2zh by 0.003 on fold 1 of
/// 2; at 0.5 every set is within 0.0012 of none).
const PIVOT_SHARE: f32 = 0.5;
/// Smallest confidence of each of the two translations a pivot synonym goes through.
const PIVOT_MIN: f32 = 0.6;
/// Most same-language synonyms found through the other language, per concept.
const MAX_PIVOTS: usize = 2;

/// Same-language synonyms and abbreviations of a concept, found through its surest
/// translations that the index uses (`软测量` → *soft sensor* → `软仪表`; *nitrogen oxides* →
/// `氮氧化物` → *NOx*): both translations at least [`PIVOT_MIN`] sure, at [`PIVOT_SHARE`] of
/// their product, the best [`MAX_PIVOTS`].
fn pivot_forms(cx: &Context<'_>, lang: Lang, text: &str, forms: &[Form]) -> Vec<Form> {
    let own = lexicon_key(cx.analyzer, lang, text);
    let mut found: Vec<Form> = Vec::new();
    // Only through translations the index uses: in a one-language index the detour adds
    // words of other meanings (Cranfield 0.384 → 0.368, csl-kw2abs 0.986 → 0.980,
    // patent-title2abs 0.716 → 0.696 nDCG@10 when every translation could lead).
    for form in forms.iter().filter(|f| {
        f.lang != lang && f.source != Source::User && f.confidence >= PIVOT_MIN && is_used(cx, f)
    }) {
        let Some(key) = lexicon_key(cx.analyzer, form.lang, &form.text) else {
            continue;
        };
        for back in cx.lexicon.translations(form.lang, &key) {
            // A lone character (`泥` through *sludge* for `污泥`) is too vague a synonym.
            if back.confidence < PIVOT_MIN
                || is_lone_han(&back.text)
                || Some(&back.key) == own.as_ref()
            {
                continue;
            }
            let confidence = form.confidence * back.confidence * PIVOT_SHARE;
            if confidence < MIN_FORM_CONFIDENCE {
                continue;
            }
            match found.iter_mut().find(|f| f.text == back.text) {
                Some(f) => f.confidence = f.confidence.max(confidence),
                None => found.push(Form {
                    text: back.text.clone(),
                    lang,
                    source: back.source,
                    confidence,
                }),
            }
        }
    }
    sort_forms(&mut found);
    found.truncate(MAX_PIVOTS);
    found
}

/// Share of its confidence a part's translation keeps as a form of the whole word.
const PART_SHARE: f32 = 0.7;

/// For a Chinese word of three or more characters no dictionary translates (`海月水母`,
/// `阵天线`): the translations of the lexicon terms inside it (`水母` jellyfish, `天线` antenna),
/// at [`PART_SHARE`] of their confidence, and the [`composed_forms`] of the parts when they
/// cover the word. A record that names the head of the concept in the other language
/// discloses part of it. The parts are found by maximum matching from both ends (`大功率` is
/// `大功` and `率` forward, `大` and `功率` backward), and the forms of both kept, the forward
/// ones first (in the order of [`forms_of_parts`]): neither direction is right for every word.
fn part_forms(cx: &Context<'_>, word: &str) -> Vec<Form> {
    let chars: Vec<char> = word.chars().collect();
    if chars.len() < 3 {
        return Vec::new();
    }
    let forward = segment(cx, &chars, false);
    let backward = segment(cx, &chars, true);
    let mut forms = forms_of_parts(cx, forward);
    for form in forms_of_parts(cx, backward) {
        match forms.iter_mut().find(|f| f.text == form.text) {
            Some(known) => known.confidence = known.confidence.max(form.confidence),
            None => forms.push(form),
        }
    }
    forms
}

/// The parts of a word by maximum matching against the lexicon (from the end when
/// `backward`), in the word's order: each part's translations, and whether it stands alone
/// as a form of the word (a lone character, `阵` of `阵天线`, only composes: alone it is too
/// vague).
fn segment(cx: &Context<'_>, chars: &[char], backward: bool) -> Vec<(Vec<Form>, bool)> {
    let mut parts = Vec::new();
    let (mut start, mut end) = (0, chars.len());
    while start < end {
        let room = end - start;
        let found = (2..=room.min(MAX_CONCEPT_CHARS))
            .rev()
            .filter(|&len| len < chars.len())
            .find_map(|len| {
                let range = if backward {
                    end - len..end
                } else {
                    start..start + len
                };
                let part: String = chars[range].iter().collect();
                if is_function_word(&part) {
                    return None;
                }
                let translations = lexicon_forms(cx, Lang::Zh, &part, None);
                (!translations.is_empty()).then_some((len, translations))
            });
        let (len, part) = match found {
            Some((len, translations)) => (len, (translations, true)),
            None => {
                let c = if backward {
                    chars[end - 1]
                } else {
                    chars[start]
                };
                let single = if FUNCTION_CHARS.contains(c) {
                    Vec::new()
                } else {
                    lexicon_forms(cx, Lang::Zh, &c.to_string(), None)
                };
                (1, (single, false))
            }
        };
        parts.push(part);
        if backward {
            end -= len;
        } else {
            start += len;
        }
    }
    if backward {
        parts.reverse();
    }
    parts
}

/// The forms a word's parts give it: their composition when every part translates, then
/// the parts that stand alone.
fn forms_of_parts(cx: &Context<'_>, parts: Vec<(Vec<Form>, bool)>) -> Vec<Form> {
    let covered = parts
        .iter()
        .all(|(translations, _)| !translations.is_empty());
    let whole: Vec<Vec<Form>> = parts.iter().map(|(t, _)| t.clone()).collect();
    let mut forms = if covered {
        composed_forms(cx, Lang::Zh, &whole)
    } else {
        Vec::new()
    };
    forms.extend(
        parts
            .into_iter()
            .filter(|(_, alone)| *alone)
            .flat_map(|(translations, _)| part_alone(translations)),
    );
    forms
}

/// A part's best two translations as forms of the whole, at [`PART_SHARE`].
fn part_alone(translations: Vec<Form>) -> impl Iterator<Item = Form> {
    translations.into_iter().take(2).map(|mut f| {
        f.confidence *= PART_SHARE;
        f
    })
}

/// Share of the geometric mean of its parts' confidences a composed translation keeps.
const COMPOSED_SHARE: f32 = 0.8;
/// Translations of each part tried when composing.
const COMPOSED_ALTERNATIVES: usize = 3;

/// Translations of a compound composed from its parts' (`Li-ion` → 锂 + 离子 → `锂离子`,
/// `antioxidant activity` → `抗氧化活性`, `阵天线` → *array antenna*), in the parts' order
/// (both languages put the modifier first), kept only when the lexicon or the index's
/// terminology knows the composed term: a dictionary that lacks a compound usually has its
/// parts, and only a known term is a safe guess. `parts` are each part's translations from
/// `lang`, best first; two or three parts.
fn composed_forms(cx: &Context<'_>, lang: Lang, parts: &[Vec<Form>]) -> Vec<Form> {
    if !(2..=3).contains(&parts.len()) || parts.iter().any(Vec::is_empty) {
        return Vec::new();
    }
    let target = lang.other();
    let mut combinations: Vec<(String, f32)> = vec![(String::new(), 1.0)];
    for part in parts {
        let mut next = Vec::new();
        for (text, confidence) in &combinations {
            for form in part.iter().take(COMPOSED_ALTERNATIVES) {
                let joined = match target {
                    Lang::Zh => format!("{text}{}", form.text),
                    Lang::En if text.is_empty() => form.text.clone(),
                    Lang::En => format!("{text} {}", form.text),
                };
                next.push((joined, confidence * form.confidence));
            }
        }
        combinations = next;
    }
    let root = 1.0 / parts.len() as f32;
    let mut forms: Vec<Form> = Vec::new();
    for (text, product) in combinations {
        let Some(key) = lexicon_key(cx.analyzer, target, &text) else {
            continue;
        };
        let known = cx.lexicon.knows(target, &key) || cx.lexicon.is_term(target, &key);
        if known && !forms.iter().any(|f| f.text == text) {
            forms.push(Form {
                text,
                lang: target,
                source: Source::Dictionary,
                confidence: COMPOSED_SHARE * product.powf(root),
            });
        }
    }
    sort_forms(&mut forms);
    forms
}

/// The translations of an English compound's parts (`dual` + `band` for `dual-band`,
/// `antioxidant` + `activity`): composed into known terms, then each part's best two at
/// [`PART_SHARE`] when `with_parts` (the whole has no usable translation of its own).
fn english_part_forms(cx: &Context<'_>, parts: &[&str], with_parts: bool) -> Vec<Form> {
    let translations: Vec<Vec<Form>> = parts
        .iter()
        .map(|part| lexicon_forms(cx, Lang::En, part, None))
        .collect();
    let mut forms = composed_forms(cx, Lang::En, &translations);
    if with_parts {
        forms.extend(translations.into_iter().flat_map(part_alone));
    }
    forms
}

/// Confidence of a concept's pinyin spelling as its English form.
const PINYIN_CONFIDENCE: f32 = 0.5;

/// For a Chinese word no dictionary translates, most often a name (`盐城`, `黄龙山`): its
/// pinyin as English writes names, whole and without a last character such as 山 or 市
/// (`huanglongshan`, `huanglong`). `feature` keeps only spellings the index uses.
fn pinyin_forms(cx: &Context<'_>, word: &str) -> Vec<Form> {
    let chars: Vec<char> = word.chars().collect();
    if !(2..=4).contains(&chars.len()) {
        return Vec::new();
    }
    let mut spellings: Vec<String> = cx.lexicon.pinyin(word).into_iter().collect();
    if chars.len() >= 3 {
        let stem: String = chars[..chars.len() - 1].iter().collect();
        spellings.extend(cx.lexicon.pinyin(&stem));
    }
    spellings
        .into_iter()
        .map(|text| Form {
            text,
            lang: Lang::En,
            source: Source::Dictionary,
            confidence: PINYIN_CONFIDENCE,
        })
        .collect()
}

/// Extracts the features (concepts) of `point`, in order, each once: multiword concepts of
/// the request's synonyms and of the lexicon kept whole, then the point's other maximal terms
/// (not part of a longer term) that are not function words. Each carries its forms in the
/// other language, its weight (idf) and whether it is essential.
pub fn extract(cx: &Context<'_>, point: &str) -> Vec<Feature> {
    let analyzer = cx.analyzer;
    let tokens = analyzer.analyze(point);
    // Synonym keys written in the point are features of their own, whatever the
    // segmentation (ASCII case-insensitive; byte offsets are those of the point).
    let lower = point.to_ascii_lowercase();
    let mut spans: Vec<Span> = Vec::new();
    for key in cx.synonyms.keys() {
        let needle = key.trim().to_ascii_lowercase();
        if needle.is_empty() {
            continue;
        }
        for (at, _) in lower.match_indices(&needle) {
            spans.push(Span {
                range: at..at + needle.len(),
                lookup: Lookup::User(key.clone()),
            });
        }
    }
    for span in lexicon_spans(cx, point, &tokens) {
        let overlaps = spans
            .iter()
            .any(|s| s.range.start < span.range.end && span.range.start < s.range.end);
        if !overlaps {
            spans.push(span);
        }
    }
    let mut seen = HashSet::new();
    let mut features = Vec::new();
    for token in &tokens {
        let overlapping = spans
            .iter()
            .find(|s| s.range.start < token.offset_to && token.offset_from < s.range.end);
        if let Some(span) = overlapping {
            let range = span.range.clone();
            let text = point[range].to_string();
            if !seen.insert(format!("\u{1}{}", text.to_lowercase())) {
                continue;
            }
            let terms = main_terms(analyzer, &text);
            if terms.is_empty() {
                continue;
            }
            let (lang, forms) = match &span.lookup {
                Lookup::User(key) => (lang_of(key), user_forms(cx, key)),
                Lookup::Lexicon(lang, key) => (*lang, term_forms(cx, *lang, key, &text)),
            };
            let span_width = span_width(&text, &terms);
            let mut forms = forms;
            forms.extend(pivot_forms(cx, lang, &text, &forms));
            features.push(feature(cx, text, terms, lang, forms, false, span_width));
            continue;
        }
        if !is_concept_token(cx, point, token, &tokens) || !seen.insert(token.text.clone()) {
            continue;
        }
        let mut text = point[token.offset_from..token.offset_to].to_string();
        let mut terms = vec![token.text.clone()];
        let han = token.text.chars().all(chaxin_text::is_han);
        // A lone letter (`L` of an OCR-broken `L ecturers`, `s`) names nothing; dictionaries
        // give it odd senses (`l` → 瞳孔对光及调节反应).
        let letter = {
            let mut chars = token.text.chars();
            chars.next().is_some_and(|c| c.is_ascii_alphabetic()) && chars.next().is_none()
        };
        let mut generic = letter || cx.generic.contains(&token.text);
        if han && !cx.lexicon.knows(Lang::Zh, &token.text) {
            // A word jieba glued from a function character and an unknown one (`由帽体`,
            // `面骨及`): the concept is what the function character leaves.
            if let Some((stripped, stripped_terms)) = without_function_chars(cx, &text) {
                if !seen.insert(stripped_terms.join(" ")) {
                    continue;
                }
                text = stripped;
                terms = stripped_terms;
            }
        }
        if han && terms.len() == 1 {
            let word = &terms[0];
            if is_function_word(word) {
                continue;
            }
            // A lone character (`中`) or a two-character word glued to a function character
            // (`以软`) still ranks, like a generic word, but is no concept.
            let known = cx.lexicon.knows(Lang::Zh, word);
            let glued = !known
                && word.chars().count() == 2
                && [word.chars().next(), word.chars().last()]
                    .into_iter()
                    .flatten()
                    .any(|c| FUNCTION_CHARS.contains(c));
            // A lone character the lexicon translates (`镉` cadmium, `霾` haze, `肺` lung) is
            // a concept when it is rare enough to name one.
            let lone = is_lone_han(word);
            let named = lone
                && (cx.idf)(word) >= LONE_CONCEPT_IDF
                && !cx.lexicon.translations(Lang::Zh, word).is_empty();
            generic |= (lone && !named) || glued || cx.generic.contains(word);
        }
        let lang = if han { Lang::Zh } else { Lang::En };
        let key = if terms.len() == 1 {
            terms[0].clone()
        } else {
            chaxin_lexicon::zh_key(&text).unwrap_or_else(|| terms.concat())
        };
        // In a point written all in capitals, a capitalised word is no acronym.
        let acronym = !han
            && is_acronym(&text)
            && point
                .chars()
                .any(|c| c.is_lowercase() || chaxin_text::is_han(c));
        let mut forms = if generic {
            Vec::new()
        } else if acronym {
            acronym_forms(cx, &key, &text)
        } else {
            lexicon_forms(cx, lang, &key, Some(&text))
        };
        // A word whose translations the index never uses (`压力梯度` → *baric gradient*) is
        // as untranslated as one with none.
        if han && !generic && !forms.iter().any(|form| is_used(cx, form)) {
            forms = part_forms(cx, &key);
            forms.extend(pinyin_forms(cx, &key));
        }
        let width = if terms.len() == 1 && text == point[token.offset_from..token.offset_to] {
            span_of(token)
        } else {
            span_width(&text, &terms)
        };
        if !generic {
            let pivots = pivot_forms(cx, lang, &text, &forms);
            forms.extend(pivots);
        }
        if !han && !generic {
            // A hyphenated word (`Li-ion`, `dual-band`) is one term; its parts translate,
            // after the word's own forms and synonyms (parts make no synonyms: through them,
            // Cranfield's English points picked up English words of other meanings).
            let parts: Vec<&str> = tokens
                .iter()
                .filter(|t| chaxin_lexicon::keys::is_inside(t, token))
                .map(|t| t.text.as_str())
                .collect();
            if parts.len() >= 2 {
                let usable = has_usable_form(cx, lang, &key, Some(&text));
                forms.extend(english_part_forms(cx, &parts, !usable));
            }
        }
        features.push(feature(cx, text, terms, lang, forms, generic, width));
    }
    mark_essential(&mut features);
    features
}

/// The forms a user gave for `key` (in the request's synonyms), then the lexicon's
/// translations unless the user gave forms in the other language.
fn user_forms(cx: &Context<'_>, key: &str) -> Vec<Form> {
    let lang = lang_of(key);
    let mut forms: Vec<Form> = cx
        .synonyms
        .get(key)
        .into_iter()
        .flatten()
        .map(|s| Form {
            text: s.clone(),
            lang: lang_of(s),
            source: Source::User,
            confidence: 1.0,
        })
        .collect();
    if !forms.iter().any(|f| f.lang != lang) {
        if let Some(k) = lexicon_key(cx.analyzer, lang, key) {
            forms.extend(lexicon_forms(cx, lang, &k, Some(key)));
        }
    }
    forms
}

/// Positions a concept's text spans: its Han bigram width, or its number of terms.
fn span_width(text: &str, terms: &[String]) -> usize {
    if text.chars().all(chaxin_text::is_han) {
        term_width(text)
    } else {
        terms.len()
    }
}

/// A concept the user adds to a point that does not contain it (see
/// [`super::edits::apply`]), with the forms of the request's synonyms for it and the
/// lexicon's; `None` when it has no searchable term. Not essential until marked.
pub(crate) fn user_concept(cx: &Context<'_>, text: &str) -> Option<Feature> {
    let terms = main_terms(cx.analyzer, text);
    if terms.is_empty() {
        return None;
    }
    let lang = lang_of(text);
    let forms = user_forms(cx, text);
    let width = span_width(text, &terms);
    Some(feature(
        cx,
        text.to_string(),
        terms,
        lang,
        forms,
        false,
        width,
    ))
}

/// `word` (three or more Han characters) without the function characters jieba glued to its
/// ends, with its terms, when at least two characters are left and they make index terms.
fn without_function_chars(cx: &Context<'_>, word: &str) -> Option<(String, Vec<String>)> {
    let chars: Vec<char> = word.chars().collect();
    if chars.len() < 3 {
        return None;
    }
    let mut start = 0;
    let mut end = chars.len();
    while start < end && FUNCTION_CHARS.contains(chars[start]) {
        start += 1;
    }
    while end > start && FUNCTION_CHARS.contains(chars[end - 1]) {
        end -= 1;
    }
    if (start == 0 && end == chars.len()) || end - start < 2 {
        return None;
    }
    let stripped: String = chars[start..end].iter().collect();
    let terms = main_terms(cx.analyzer, &stripped);
    (!terms.is_empty()).then_some((stripped, terms))
}

/// Language of a written word: Chinese when it has a Han character.
fn lang_of(text: &str) -> Lang {
    if text.chars().any(chaxin_text::is_han) {
        Lang::Zh
    } else {
        Lang::En
    }
}

fn lexicon_key(analyzer: &Analyzer, lang: Lang, text: &str) -> Option<String> {
    match lang {
        Lang::Zh => chaxin_lexicon::zh_key(text),
        Lang::En => chaxin_lexicon::en_key(analyzer, text),
    }
}

fn feature(
    cx: &Context<'_>,
    text: String,
    terms: Vec<String>,
    lang: Lang,
    forms: Vec<Form>,
    generic: bool,
    span: usize,
) -> Feature {
    let mut kept = Vec::with_capacity(forms.len());
    let mut form_terms = Vec::with_capacity(forms.len());
    for form in forms {
        if kept.len() == MAX_FORMS {
            break;
        }
        let t = main_terms(cx.analyzer, &form.text);
        let occurs = form.source == Source::User || t.iter().all(|t| (cx.occurs)(t));
        if occurs && !t.is_empty() && t != terms && !form_terms.contains(&t) {
            form_terms.push(t);
            kept.push(form);
        }
    }
    // The weight of a concept is the idf of its words as written (what ranks it); its
    // specificity that of its commonest form: a Chinese word that is rare in a mostly English
    // index is as common as its English translation.
    let idf_of = |terms: &[String]| terms.iter().map(|t| (cx.idf)(t)).fold(0.0, f32::max);
    let weight = idf_of(&terms);
    let specificity = form_terms
        .iter()
        .zip(&kept)
        .filter(|(_, f)| f.lang != lang)
        .map(|(t, _)| idf_of(t))
        .fold(weight, f32::min);
    let spelling = if lang == Lang::En && !generic && !kept.iter().any(|f| f.lang == Lang::Zh) {
        cx.lexicon.name_spelling(&text)
    } else {
        None
    };
    Feature {
        spelling,
        bigrams: han_bigrams(cx.analyzer, &text),
        form_bigrams: kept
            .iter()
            .map(|f| han_bigrams(cx.analyzer, &f.text))
            .collect(),
        synonyms: kept.iter().map(|f| f.text.clone()).collect(),
        text,
        terms,
        lang,
        forms: kept,
        synonym_terms: form_terms,
        weight,
        specificity,
        generic,
        essential: false,
        span,
    }
}

/// Marks the concepts of at least [`ESSENTIAL_SHARE`] of the heaviest one's weight essential.
pub(super) fn mark_essential(features: &mut [Feature]) {
    let heaviest = features
        .iter()
        .filter(|f| !f.generic)
        .map(|f| f.specificity)
        .fold(0.0, f32::max);
    for f in features.iter_mut() {
        f.essential = !f.generic && f.specificity >= ESSENTIAL_SHARE * heaviest;
    }
}

/// Character bigrams of a Han word of two or more characters (none otherwise).
fn han_bigrams(analyzer: &Analyzer, term: &str) -> Vec<(usize, String)> {
    if term.chars().count() < 2 || !term.chars().all(chaxin_text::is_han) {
        return Vec::new();
    }
    let phrase = analyzer.phrase_terms(term);
    if phrase.last_is_prefix {
        return Vec::new();
    }
    phrase.terms
}

/// The exact-stream terms of `point` that carry meaning, each once, in order: its Han
/// character bigrams, across word boundaries (`银杏树体改造` gives `树体` whatever jieba makes of
/// it), and its whole unstemmed words that are not stop words. They let the ranking credit a
/// document that says the point with another segmentation or word form; a lone Han character
/// (the end of a run) and stop words would match nearly every document and are left out.
pub fn exact_terms(analyzer: &Analyzer, point: &str) -> Vec<String> {
    let mut seen = HashSet::new();
    analyzer
        .analyze_exact(point)
        .into_iter()
        .map(|t| t.text)
        .filter(|term| {
            if term.chars().all(chaxin_text::is_han) {
                term.chars().count() >= 2
            } else {
                !analyzer.analyze(term).is_empty()
            }
        })
        .filter(|term| seen.insert(term.clone()))
        .collect()
}

/// The main-stream terms of [`GENERIC_WORDS`] (as `analyzer` stems them).
pub fn generic_terms(analyzer: &Analyzer) -> HashSet<String> {
    GENERIC_WORDS
        .iter()
        .flat_map(|w| analyzer.analyze(w))
        .map(|t| t.text)
        .collect()
}

/// Maximal main-stream terms of `text`, in order (a synonym's words).
pub fn main_terms(analyzer: &Analyzer, text: &str) -> Vec<String> {
    let tokens = analyzer.analyze(text);
    tokens
        .iter()
        .filter(|t| is_maximal(t, &tokens))
        .map(|t| t.text.clone())
        .collect()
}

/// The terms of `text` inside its maximal ones (jieba search mode's `激光` of `激光器`).
pub fn part_terms(analyzer: &Analyzer, text: &str) -> Vec<String> {
    let tokens = analyzer.analyze(text);
    let mut parts: Vec<String> = tokens
        .iter()
        .filter(|t| !is_maximal(t, &tokens))
        .map(|t| t.text.clone())
        .collect();
    parts.sort_unstable();
    parts.dedup();
    parts
}

/// Positions a token covers: one per Han character, one for anything else.
pub(crate) fn span_of(token: &Token) -> usize {
    term_width(&token.text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn features(point: &str) -> Vec<Feature> {
        with_lexicon(point, &Lexicon::default(), &BTreeMap::new())
    }

    fn with_lexicon(
        point: &str,
        lexicon: &Lexicon,
        synonyms: &BTreeMap<String, Vec<String>>,
    ) -> Vec<Feature> {
        // Rarer terms weigh more: a stand-in idf by length.
        with_idf(point, lexicon, synonyms, &|t: &str| {
            1.0 + t.chars().count() as f32
        })
    }

    fn with_idf(
        point: &str,
        lexicon: &Lexicon,
        synonyms: &BTreeMap<String, Vec<String>>,
        idf: &dyn Fn(&str) -> f32,
    ) -> Vec<Feature> {
        extract_in(point, lexicon, synonyms, idf, &|_| true)
    }

    /// The features of `point` in an index where the terms have `idf` and only those `occurs`
    /// lets through occur.
    fn extract_in(
        point: &str,
        lexicon: &Lexicon,
        synonyms: &BTreeMap<String, Vec<String>>,
        idf: &dyn Fn(&str) -> f32,
        occurs: &dyn Fn(&str) -> bool,
    ) -> Vec<Feature> {
        let analyzer = Analyzer::default_settings();
        let generic = generic_terms(&analyzer);
        let cx = Context {
            analyzer: &analyzer,
            lexicon,
            synonyms,
            generic: &generic,
            idf,
            occurs,
        };
        extract(&cx, point)
    }

    /// A lexicon pair with the English key the analyzer makes.
    fn pair(zh: &str, en: &str, confidence: f32) -> chaxin_lexicon::Pair {
        chaxin_lexicon::Pair {
            zh: zh.into(),
            en_key: chaxin_lexicon::en_key(&Analyzer::default_settings(), en).unwrap(),
            en: en.into(),
            confidence,
        }
    }

    /// A lexicon of `pairs` from one origin.
    fn lexicon_of(source: Source, pairs: &[chaxin_lexicon::Pair]) -> Lexicon {
        let mut lexicon = Lexicon::default();
        lexicon.add("test", source, pairs);
        lexicon
    }

    /// A lexicon of real pairs, as the dictionaries and ChinaXiv give them.
    fn lexicon() -> Lexicon {
        lexicon_of(
            Source::Corpus,
            &[
                pair("软测量", "soft sensor", 0.9),
                pair("软测量", "soft sensing", 0.8),
                pair("神经网络", "neural network", 0.95),
                pair("氮氧化物", "nitrogen oxides", 0.8),
                pair("氮氧化物", "NOx", 0.7),
                pair("锅炉", "boiler", 0.9),
                pair("运行参数", "operating parameters", 0.8),
                pair("烟气", "flue gas", 0.85),
                pair("浓度", "concentration", 0.9),
                pair("燃烧优化", "combustion optimization", 0.8),
                pair("在线分析仪", "online analyzer", 0.7),
                // Dictionaries also know function words; they must not become concepts.
                pair("根据", "according to", 0.8),
                pair("结果", "result", 0.9),
            ],
        )
    }

    /// The forms of the concept written `text`, best first.
    fn form_texts<'f>(features: &'f [Feature], text: &str) -> Vec<&'f str> {
        let feature = features
            .iter()
            .find(|f| f.text == text)
            .unwrap_or_else(|| panic!("no concept {text} in {features:?}"));
        feature.forms.iter().map(|f| f.text.as_str()).collect()
    }

    fn concepts(features: &[Feature]) -> Vec<&str> {
        features
            .iter()
            .filter(|f| !f.generic)
            .map(|f| f.text.as_str())
            .collect()
    }

    #[test]
    fn chinese_points_give_whole_technical_concepts_and_no_function_words() {
        let lexicon = lexicon();
        let f = with_lexicon(
            "采用神经网络根据锅炉运行参数软测量烟气中的氮氧化物浓度",
            &lexicon,
            &BTreeMap::new(),
        );
        let c = concepts(&f);
        for whole in [
            "神经网络",
            "锅炉",
            "运行参数",
            "软测量",
            "烟气",
            "氮氧化物",
            "浓度",
        ] {
            assert!(c.contains(&whole), "{whole} missing from {c:?}");
        }
        for word in ["采用", "根据", "中", "软", "测量", "以软"] {
            assert!(!c.contains(&word), "{word} is a concept in {c:?}");
        }
        let soft = f.iter().find(|f| f.text == "软测量").unwrap();
        let forms: Vec<&str> = soft.forms.iter().map(|f| f.text.as_str()).collect();
        assert_eq!(forms, ["soft sensor", "soft sensing"]);
        assert!(soft
            .forms
            .iter()
            .all(|f| f.lang == Lang::En && f.source == Source::Corpus));
        let second = with_lexicon(
            "以软测量结果替代NOx在线分析仪进行燃烧优化控制",
            &lexicon,
            &BTreeMap::new(),
        );
        let c = concepts(&second);
        assert!(
            c.contains(&"软测量") && c.contains(&"燃烧优化") && c.contains(&"在线分析仪"),
            "{c:?}"
        );
        for word in ["以软", "结果", "替代", "进行"] {
            assert!(!c.contains(&word), "{word} is a concept in {c:?}");
        }
    }

    #[test]
    fn terms_mined_from_the_index_stay_whole_and_translate_by_their_parts() {
        let mut lexicon = lexicon();
        lexicon.add(
            "dict",
            Source::Dictionary,
            &[pair("随机", "random", 0.9), pair("森林", "forest", 0.9)],
        );
        let term = |lang, key: &str| chaxin_lexicon::terms::Term {
            lang,
            key: key.into(),
            shown: key.into(),
            records: 5,
        };
        let point = "采用随机森林回归估计锅炉运行参数 with gradient boosting trees";
        let before = concepts(&with_lexicon(point, &lexicon, &BTreeMap::new())).join(" ");
        assert!(!before.contains("随机森林"), "{before}");
        lexicon.add_terms(&[term(Lang::Zh, "随机森林"), term(Lang::En, "gradient boost")]);
        let f = with_lexicon(point, &lexicon, &BTreeMap::new());
        let c = concepts(&f);
        assert!(c.contains(&"随机森林") && c.contains(&"运行参数"), "{c:?}");
        assert!(c.contains(&"gradient boosting"), "{c:?}");
        let forest = f.iter().find(|f| f.text == "随机森林").unwrap();
        let forms: Vec<&str> = forest.forms.iter().map(|f| f.text.as_str()).collect();
        assert_eq!(forms, ["random", "forest"]);
        assert!(forest.forms.iter().all(|f| f.confidence < 0.9));
    }

    #[test]
    fn function_characters_glued_to_an_unknown_word_are_left_out() {
        let f = with_lexicon(
            "为守场员提供由帽体和面罩组成的头盔，防护颌骨、面骨及颞部",
            &lexicon(),
            &BTreeMap::new(),
        );
        let c = concepts(&f);
        // jieba glues `由` to the unknown `帽体`, and `及` to `面骨`.
        for whole in ["帽体", "面骨", "面罩", "头盔"] {
            assert!(c.contains(&whole), "{whole} missing from {c:?}");
        }
        assert!(
            !c.iter().any(|w| w.starts_with('由') || w.ends_with('及')),
            "{c:?}"
        );
    }

    #[test]
    fn same_language_synonyms_come_through_sure_translations() {
        let lexicon = lexicon_of(
            Source::Corpus,
            &[
                pair("软测量", "soft sensor", 0.95),
                pair("软仪表", "soft sensor", 0.9),
                pair("氮氧化物", "nitrogen oxides", 0.95),
                pair("氮氧化物", "NOx", 0.9),
                // Too unsure to carry a synonym across.
                pair("虚拟仪器", "soft sensor", 0.5),
            ],
        );
        let f = with_lexicon("软测量氮氧化物", &lexicon, &BTreeMap::new());
        let soft = f.iter().find(|f| f.text == "软测量").unwrap();
        let chinese: Vec<&str> = soft
            .forms
            .iter()
            .filter(|x| x.lang == Lang::Zh)
            .map(|x| x.text.as_str())
            .collect();
        assert_eq!(chinese, ["软仪表"], "{:?}", soft.forms);
        let f = with_lexicon("nitrogen oxides in flue gas", &lexicon, &BTreeMap::new());
        let nox = f.iter().find(|f| f.text == "nitrogen oxides").unwrap();
        let english: Vec<&str> = nox
            .forms
            .iter()
            .filter(|x| x.lang == Lang::En)
            .map(|x| x.text.as_str())
            .collect();
        assert_eq!(english, ["NOx"], "{:?}", nox.forms);
    }

    #[test]
    fn english_points_keep_multiword_terms_whole() {
        let lexicon = lexicon();
        let f = with_lexicon(
            "Using a neural network to estimate nitrogen oxides in boiler flue gas from operating parameters, wherein the soft sensor replaces the analyzer",
            &lexicon,
            &BTreeMap::new(),
        );
        let c = concepts(&f);
        for whole in [
            "neural network",
            "nitrogen oxides",
            "flue gas",
            "operating parameters",
            "soft sensor",
            "boiler",
        ] {
            assert!(c.contains(&whole), "{whole} missing from {c:?}");
        }
        for word in ["Using", "wherein", "neural", "network", "flue", "gas"] {
            assert!(!c.contains(&word), "{word} is a concept in {c:?}");
        }
        let gas = f.iter().find(|f| f.text == "flue gas").unwrap();
        assert_eq!(gas.lang, Lang::En);
        assert_eq!(gas.synonyms, ["烟气"]);
    }

    #[test]
    fn the_commonest_concept_is_not_essential() {
        // 神经网络 is common in the index (its English form even more), the others are rare.
        let idf = |t: &str| match t {
            "神经网络" | "神经" | "网络" | "neural" | "network" => 1.0,
            _ => 8.0,
        };
        let f = with_idf(
            "神经网络软测量锅炉烟气氮氧化物",
            &lexicon(),
            &BTreeMap::new(),
            &idf,
        );
        let nn = f.iter().find(|f| f.text == "神经网络").unwrap();
        assert!(!nn.essential);
        assert!(
            f.iter()
                .filter(|f| f.text != "神经网络")
                .all(|f| f.essential),
            "{f:?}"
        );
    }

    #[test]
    fn senses_written_for_the_word_come_before_those_of_its_stem_mates() {
        // `fabric` and `fabrication` share the key `fabric`.
        let lexicon = lexicon_of(
            Source::Dictionary,
            &[
                pair("织物", "fabric", 0.8),
                pair("组织", "fabric", 0.77),
                pair("制造", "fabrication", 0.7),
                pair("芯片", "chips", 0.8),
            ],
        );
        let f = with_lexicon(
            "fabrication of microfluidic chips",
            &lexicon,
            &BTreeMap::new(),
        );
        assert_eq!(form_texts(&f, "fabrication")[0], "制造", "{f:?}");
        // A plural is the same word.
        assert_eq!(form_texts(&f, "chips"), ["芯片"]);
    }

    #[test]
    fn compounds_translate_through_their_parts_into_known_terms() {
        let lexicon = lexicon_of(
            Source::Dictionary,
            &[
                pair("锂", "li", 0.8),
                pair("离子", "ion", 0.9),
                pair("电离", "ion", 0.5),
                // Known as a term of its own, under another English name.
                pair("锂离子", "lithium ion", 0.9),
                pair("电池", "battery", 0.9),
                pair("阵", "array", 0.6),
                pair("天线", "antenna", 0.9),
                pair("阵列天线", "array antenna", 0.9),
            ],
        );
        let f = with_lexicon("Li-ion battery", &lexicon, &BTreeMap::new());
        let forms = form_texts(&f, "Li-ion");
        assert_eq!(forms.first(), Some(&"锂离子"), "{forms:?}");
        // The parts' own translations follow, weaker; `锂电离` is no known term.
        assert!(
            forms.contains(&"离子") && !forms.contains(&"锂电离"),
            "{forms:?}"
        );
        let f = with_lexicon("阵天线的设计", &lexicon, &BTreeMap::new());
        let forms = form_texts(&f, "阵天线");
        assert_eq!(forms.first(), Some(&"array antenna"), "{forms:?}");
    }

    #[test]
    fn words_glued_by_ocr_are_concepts_of_their_own() {
        let f = features("TheNeural Mechanism ofPhonagnosia and Softsensorof boilers");
        let c = concepts(&f);
        for word in ["Neural", "Mechanism", "soft", "sensor", "boilers"] {
            assert!(
                c.iter().any(|t| t.eq_ignore_ascii_case(word)),
                "{word} missing from {c:?}"
            );
        }
        assert!(
            !c.iter()
                .any(|t| t.contains("TheNeural") || t.contains("Softsensorof")),
            "{c:?}"
        );
    }

    #[test]
    fn a_name_in_pinyin_is_one_concept_though_it_splits_into_english_words() {
        // `guanting` splits into the English words *guan* and *ting*; read as pinyin it is
        // 官厅, a name a Chinese record writes in characters.
        let point = "Organic matter in the water level fluctuation zone of Guanting Reservoir";
        let split = concepts(&features(point)).join(" | ");
        assert!(!split.contains("Guanting"), "{split}");
        let mut lexicon = Lexicon::default();
        lexicon.add_readings(vec![('官', "guan".into()), ('厅', "ting".into())]);
        let f = with_lexicon(point, &lexicon, &BTreeMap::new());
        let c = concepts(&f);
        assert!(c.contains(&"Guanting"), "{c:?}");
        assert!(!c.iter().any(|t| t.eq_ignore_ascii_case("ting")), "{c:?}");
    }

    /// The forms of the first concept of `point`, in an index where only the terms `occurs`
    /// lets through occur.
    fn first_forms(lexicon: &Lexicon, occurs: &dyn Fn(&str) -> bool, point: &str) -> Vec<String> {
        let f = extract_in(point, lexicon, &BTreeMap::new(), &|_| 1.0, occurs);
        f[0].forms.iter().map(|f| f.text.clone()).collect()
    }

    #[test]
    fn forms_the_index_never_uses_give_way() {
        let forms = first_forms(&lexicon(), &|t: &str| t != "sens", "软测量");
        assert_eq!(forms, ["soft sensor"]);
    }

    #[test]
    fn a_word_whose_translations_the_index_never_uses_translates_by_its_parts() {
        let lexicon = lexicon_of(
            Source::Dictionary,
            &[
                pair("压力梯度", "baric gradient", 0.7),
                pair("压力", "pressure", 0.9),
                pair("梯度", "gradient", 0.9),
                pair("大功", "great merit", 0.7),
                pair("功率", "power", 0.9),
                pair("大", "big", 0.8),
            ],
        );
        let occurs = |t: &str| t != "baric";
        assert_eq!(
            first_forms(&lexicon, &occurs, "压力梯度"),
            ["pressure", "gradient"]
        );
        // Matched from the front, `大功率` is 大功 + 率; from the back, 大 + 功率: both count.
        assert_eq!(
            first_forms(&lexicon, &occurs, "大功率"),
            ["great merit", "power"]
        );
    }

    #[test]
    fn chinese_point_keeps_content_words_in_order() {
        let point = "一种基于平方和优化的飞行器大角度机动镇定控制器设计方法";
        let f = features(point);
        let content: Vec<&str> = f
            .iter()
            .filter(|f| !f.generic)
            .map(|f| f.text.as_str())
            .collect();
        assert!(content.contains(&"飞行器"), "{content:?}");
        assert!(content.contains(&"控制器"), "{content:?}");
        assert!(!content.contains(&"方法") && !content.contains(&"一种"));
        let generic: Vec<&str> = f
            .iter()
            .filter(|f| f.generic)
            .map(|f| f.text.as_str())
            .collect();
        assert!(generic.contains(&"方法"), "{generic:?}");
        // In the order of the point: each feature stands after the previous one.
        let mut at = 0;
        for feature in &f {
            let found = point[at..].find(&feature.text);
            assert!(found.is_some(), "{} out of order in {f:?}", feature.text);
            at += found.unwrap_or(0) + feature.text.len();
        }
    }

    #[test]
    fn english_point_marks_generic_words() {
        let f = features("Method and apparatus for controlling a neural network system");
        let generic: Vec<&str> = f
            .iter()
            .filter(|f| f.generic)
            .map(|f| f.text.as_str())
            .collect();
        assert_eq!(generic, vec!["Method", "apparatus", "system"]);
        assert!(f.iter().any(|f| f.terms == ["neural"] && !f.generic));
    }

    #[test]
    fn exact_terms_cross_word_boundaries_and_skip_stop_words() {
        let analyzer = Analyzer::default_settings();
        // A CSL title whose abstract says 树体改造 where jieba cuts the title 银杏树/体/改造.
        let zh = exact_terms(&analyzer, "银杏树体改造技术探析");
        assert_eq!(
            zh,
            [
                "银杏", "杏树", "树体", "体改", "改造", "造技", "技术", "术探", "探析"
            ]
        );
        // Whole unstemmed words (`networks`, not `network`); `for`, `a` are stop words.
        let en = exact_terms(
            &analyzer,
            "Analog storage for a neural networks chip, networks",
        );
        assert_eq!(en, ["analog", "storage", "neural", "networks", "chip"]);
    }

    #[test]
    fn synonyms_attach_to_their_feature() {
        let synonyms = BTreeMap::from([("石墨烯".to_string(), vec!["graphene".to_string()])]);
        let f = with_lexicon("石墨烯电池", &Lexicon::default(), &synonyms);
        // jieba splits 石墨烯 here (石墨 + 烯); the synonym key keeps it one feature.
        let g = f
            .iter()
            .find(|f| f.text == "石墨烯")
            .unwrap_or_else(|| panic!("{f:?}"));
        assert_eq!(g.synonym_terms, vec![vec!["graphen".to_string()]]);
        assert!(
            f.iter().all(|f| f.text != "烯" && f.text != "石墨"),
            "{f:?}"
        );
    }

    #[test]
    fn an_english_word_translates_into_one_character_but_no_synonym_is_one() {
        let lexicon = lexicon_of(
            Source::Dictionary,
            &[
                pair("钙", "calcium", 0.94),
                pair("钙质", "calcium", 0.7),
                pair("污泥", "sludge", 0.9),
                pair("泥", "sludge", 0.8),
                pair("泥", "mud", 0.9),
            ],
        );
        let f = with_lexicon("Dietary calcium requirement", &lexicon, &BTreeMap::new());
        assert_eq!(form_texts(&f, "calcium"), ["钙", "钙质"]);
        // 污泥 → sludge → 泥 would make a lone character a synonym of 污泥: too vague.
        let f = with_lexicon("污泥热解", &lexicon, &BTreeMap::new());
        assert_eq!(form_texts(&f, "污泥"), ["sludge"]);
    }

    #[test]
    fn a_rare_character_that_translates_is_a_concept_a_common_one_is_not() {
        let lexicon = lexicon_of(
            Source::Dictionary,
            &[
                pair("霾", "haze", 0.9),
                pair("霾", "smog", 0.8),
                pair("天气", "weather", 0.94),
            ],
        );
        let extract_with = |idf_of_haze: f32| {
            let idf = move |t: &str| if t == "霾" { idf_of_haze } else { 5.0 };
            with_idf("陕西省霾天气变化特征", &lexicon, &BTreeMap::new(), &idf)
        };
        let rare = extract_with(9.0);
        assert!(concepts(&rare).contains(&"霾"), "{rare:?}");
        assert_eq!(form_texts(&rare, "霾"), ["haze", "smog"]);
        // In more than one record of 400 (idf below 6), a character names nothing.
        let common = extract_with(4.0);
        assert!(!concepts(&common).contains(&"霾"), "{common:?}");
        assert!(form_texts(&common, "霾").is_empty());
    }

    #[test]
    fn a_lone_letter_of_a_broken_word_is_no_concept() {
        let lexicon = lexicon_of(
            Source::Dictionary,
            &[
                pair("瞳孔对光及调节反应", "l", 0.7),
                pair("讲师", "lecturers", 0.9),
            ],
        );
        let f = with_lexicon(
            "Current S tatus of the L ecturers Teaching",
            &lexicon,
            &BTreeMap::new(),
        );
        let c = concepts(&f);
        assert!(!c.iter().any(|t| t.chars().count() == 1), "{c:?}");
        assert!(f
            .iter()
            .all(|f| !f.synonyms.contains(&"瞳孔对光及调节反应".to_string())));
    }

    #[test]
    fn an_acronym_takes_only_the_translations_written_for_it() {
        let lexicon = lexicon_of(
            Source::Dictionary,
            &[
                pair("阻尼", "damp", 0.94),
                pair("发光二极管", "LED", 0.9),
                pair("领导", "led", 0.8),
            ],
        );
        let analyzer = Analyzer::default_settings();
        assert_eq!(
            chaxin_lexicon::en_key(&analyzer, "DAMPE"),
            chaxin_lexicon::en_key(&analyzer, "damp"),
            "the test needs DAMPE to stem as damp"
        );
        let forms_of = |point: &str, word: &str| -> Vec<String> {
            let f = with_lexicon(point, &lexicon, &BTreeMap::new());
            form_texts(&f, word).into_iter().map(String::from).collect()
        };
        assert!(forms_of("DAMPE data storage", "DAMPE").is_empty());
        assert_eq!(forms_of("Blue LEDs on sapphire", "LEDs"), ["发光二极管"]);
        // Written in lower case, the word is the word: `damped` is damp.
        assert_eq!(forms_of("damped oscillation", "damped"), ["阻尼"]);
        // A point all in capitals has no acronyms.
        assert_eq!(forms_of("DAMPED OSCILLATION", "DAMPED"), ["阻尼"]);
    }
}
