//! The shipped dictionaries, read into translation pairs: CC-CEDICT (Chinese → English
//! glosses) and ECDICT (English → Chinese senses, many technical multiword terms with a domain
//! tag such as `[化]` or `[计]`).
//!
//! A dictionary gives senses, not translations: `to use; to employ` or `氧化氮(通常指NO一氧化氮)`.
//! Only senses that are themselves a term are kept (parentheticals and grammatical notes
//! removed; a Chinese side of 2 to 12 Han characters, an English side of 1 to 5 terms), and
//! the first senses of an entry are trusted more than the later ones.

use std::collections::HashMap;
use std::io::BufRead;

use crate::keys::KeyMaker;
use crate::Pair;

/// Translations kept per key and direction after reading a dictionary: the best ones (a
/// common word such as `网络` is a sense of hundreds of English headwords).
pub const KEEP_PER_KEY: usize = 6;
/// One-character senses kept per English word, besides its [`KEEP_PER_KEY`] words.
pub const KEEP_LONE_PER_WORD: usize = 2;

/// Errors while reading a dictionary, with the line.
#[derive(Debug, thiserror::Error)]
pub enum DictError {
    /// A line of the dictionary is malformed: its 1-based number and why.
    #[error("line {line}: {message}")]
    Line {
        /// The 1-based line.
        line: u64,
        /// What is wrong with it.
        message: String,
    },
    /// The dictionary could not be read.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Removes `(…)`, `（…）` and `[…]` groups (nested ones too).
fn strip_brackets(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' | '（' | '[' | '【' => depth += 1,
            ')' | '）' | ']' | '】' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// True for an English term as dictionaries write one: letters, digits, spaces, hyphens,
/// apostrophes and dots, with at least one letter.
fn is_english_term(text: &str) -> bool {
    // `move along one's course`, `to do sth`: a description of a sense, not a term.
    let described = text.split_whitespace().count() > 3
        || text.split_whitespace().any(|w| {
            matches!(
                w,
                "one's" | "oneself" | "sth" | "sb" | "someone" | "something" | "etc"
            )
        });
    !described
        && text.chars().any(|c| c.is_ascii_alphabetic())
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '\'' | '.' | '/'))
}

/// Words that may follow a place's name in a CC-CEDICT gloss (`Chira County in Hotan
/// Prefecture`, `Kashgar or Qeshqer city and prefecture`, `Aqsu wilayiti`).
const PLACE_WORDS: &[&str] = &[
    "autonomous",
    "banner",
    "basin",
    "bay",
    "city",
    "county",
    "desert",
    "district",
    "gulf",
    "in",
    "island",
    "islands",
    "lake",
    "mountain",
    "mountains",
    "nahiyisi",
    "near",
    "plateau",
    "prefecture",
    "prefecture-level",
    "province",
    "region",
    "river",
    "sea",
    "shehiri",
    "town",
    "township",
    "village",
    "wilayiti",
];

/// The names a proper noun's gloss opens with, when a description follows them: `Kashgar`
/// and `Qeshqer` in `Kashgar or Qeshqer city and prefecture in the west of Xinjiang`,
/// `Hotan` in `Hotan, city and prefecture in Xinjiang`, `Tarim Basin` in `the Tarim Basin in
/// southern Xinjiang`. Such glosses describe rather than translate, so they are no sense of
/// their own; but the name is the one English writes (often not the pinyin: 喀什 is *Kashgar*,
/// not *Kashi*). A name is one to three capitalised words; a run followed by anything but
/// the end of its clause or a place word (`Way of the Overlord`) is no name.
fn place_names(gloss: &str) -> impl Iterator<Item = String> + '_ {
    let clause = gloss.split([',', ';']).next().unwrap_or("").trim();
    let clause = clause.strip_prefix("the ").unwrap_or(clause);
    clause.split(" or ").filter_map(|alternative| {
        let alternative = alternative.trim();
        let words: Vec<&str> = alternative.split_whitespace().collect();
        let name_words = words
            .iter()
            .take_while(|w| {
                w.starts_with(|c: char| c.is_ascii_uppercase())
                    && w.chars()
                        .all(|c| c.is_ascii_alphabetic() || matches!(c, '-' | '\''))
            })
            .count();
        let letters: usize = words[..name_words].iter().map(|w| w.len()).sum();
        let followed_well = words
            .get(name_words)
            .is_none_or(|next| PLACE_WORDS.contains(next));
        if name_words == 0 || name_words > 3 || letters < 4 || !followed_well {
            return None;
        }
        Some(words[..name_words].join(" "))
    })
}

/// Confidence of the `rank`-th sense (0-based) of an entry.
fn sense_confidence(first: f32, rank: usize) -> f32 {
    (first - 0.08 * rank as f32).max(0.3)
}

/// CC-CEDICT lines (`Trad Simp [pin1 yin1] /gloss/gloss/`) → pairs.
pub fn read_cedict(reader: impl BufRead, keys: &KeyMaker) -> Result<Vec<Pair>, DictError> {
    let mut pairs = Vec::new();
    for (n, line) in reader.lines().enumerate() {
        let line = line?;
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let bad = |message: &str| DictError::Line {
            line: n as u64 + 1,
            message: message.to_string(),
        };
        let (head, glosses) = line.split_once('/').ok_or_else(|| bad("no `/gloss/`"))?;
        let simplified = head
            .split_whitespace()
            .nth(1)
            .ok_or_else(|| bad("no simplified headword"))?;
        let Some(zh) = keys.zh(simplified) else {
            continue;
        };
        // CC-CEDICT writes the pinyin of a proper noun capitalised (`[Ka1 shi2]`).
        let proper = head
            .split_once('[')
            .is_some_and(|(_, pinyin)| pinyin.starts_with(|c: char| c.is_ascii_uppercase()));
        let mut rank = 0;
        for gloss in glosses.split('/') {
            let gloss = gloss.trim();
            let lower = gloss.to_ascii_lowercase();
            if gloss.is_empty()
                || [
                    "cl:",
                    "variant of",
                    "old variant",
                    "see ",
                    "surname ",
                    "abbr. for",
                    "used in",
                    "also written",
                    "also pr.",
                    "erhua variant",
                ]
                .iter()
                .any(|p| lower.starts_with(p))
            {
                continue;
            }
            let stripped = strip_brackets(gloss);
            let mut senses: Vec<String> = stripped.split(';').map(str::to_string).collect();
            if proper {
                senses.extend(place_names(&stripped));
            }
            for sense in &senses {
                let sense = sense.trim();
                let sense = sense.strip_prefix("to ").unwrap_or(sense).trim();
                if !is_english_term(sense) {
                    continue;
                }
                let Some(en_key) = keys.en(sense) else {
                    continue;
                };
                pairs.push(Pair {
                    zh: zh.clone(),
                    en_key,
                    en: sense.to_string(),
                    confidence: sense_confidence(0.7, rank),
                });
                rank += 1;
            }
        }
    }
    Ok(prune(pairs))
}

/// The commonest reading (toneless pinyin) of every character of CC-CEDICT's simplified
/// headwords, counted over the words it occurs in (`行`: `xing` in more words than `hang`),
/// for spelling names the dictionaries do not translate (`盐城` → `yancheng`).
pub fn read_cedict_readings(
    reader: impl BufRead,
) -> Result<std::collections::BTreeMap<char, String>, DictError> {
    let mut counts: HashMap<char, HashMap<String, u32>> = HashMap::new();
    for line in reader.lines() {
        let line = line?;
        if line.starts_with('#') {
            continue;
        }
        let (Some(open), Some(close)) = (line.find('['), line.find(']')) else {
            continue;
        };
        let Some(simplified) = line[..open].split_whitespace().nth(1) else {
            continue;
        };
        let syllables: Vec<String> = line[open + 1..close]
            .split_whitespace()
            .map(|s| {
                s.chars()
                    .filter(|c| c.is_ascii_alphabetic() || *c == ':')
                    .collect::<String>()
                    .to_ascii_lowercase()
                    .replace("u:", "v")
            })
            .collect();
        let chars: Vec<char> = simplified.chars().collect();
        if chars.len() != syllables.len() {
            continue;
        }
        for (c, syllable) in chars.into_iter().zip(syllables) {
            if chaxin_text::is_han(c) && !syllable.is_empty() {
                *counts.entry(c).or_default().entry(syllable).or_default() += 1;
            }
        }
    }
    Ok(counts
        .into_iter()
        .filter_map(|(c, readings)| {
            let best = readings
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))?;
            Some((c, best.0))
        })
        .collect())
}

/// ECDICT's CSV (`word,phonetic,definition,translation,pos,collins,oxford,tag,bnc,frq,…`) →
/// pairs. `translation` holds one sense group per line (a literal `\n`), each maybe with a part
/// of speech (`n.`) and a domain tag (`[化]`); `[网络]` groups look web-mined and are trusted
/// less.
pub fn read_ecdict(reader: impl std::io::Read, keys: &KeyMaker) -> Result<Vec<Pair>, DictError> {
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(reader);
    let mut pairs = Vec::new();
    for (n, row) in csv.records().enumerate() {
        let row = row.map_err(|e| DictError::Line {
            line: n as u64 + 2,
            message: e.to_string(),
        })?;
        let (Some(word), Some(translation)) = (row.get(0), row.get(3)) else {
            continue;
        };
        let word = word.trim();
        if word.len() < 2 || !is_english_term(word) {
            continue;
        }
        let Some(en_key) = keys.en(word) else {
            continue;
        };
        // A headword without any frequency (BNC, corpus, Collins, Oxford) is rare: for a
        // Chinese sense, `proton` is a better English than `merron`. Multiword headwords are
        // mostly technical terms, which frequency lists do not rank.
        let ranked = [5, 6, 8, 9].iter().any(|&c| {
            row.get(c)
                .is_some_and(|v| !v.trim().is_empty() && v.trim() != "0")
        });
        let commonness = match (ranked, word.contains(' ')) {
            (true, _) => 1.0,
            (false, true) => 0.9,
            (false, false) => 0.7,
        };
        for (group_rank, group) in translation.split("\\n").enumerate() {
            let mut rank = group_rank;
            let group = group.trim();
            let web = group.contains("[网络]");
            let technical = !web && group.starts_with('[');
            // A part of speech such as `n.`, `vt.` or `a.` before the senses.
            let group = match group.split_once(". ") {
                Some((pos, rest))
                    if pos.len() <= 5 && pos.chars().all(|c| c.is_ascii_lowercase()) =>
                {
                    rest
                }
                _ => group,
            };
            for sense in strip_brackets(group).split([',', '，', ';', '；']) {
                let Some(zh) = keys.zh(sense) else {
                    continue;
                };
                let mut confidence =
                    commonness * sense_confidence(if technical { 0.85 } else { 0.8 }, rank);
                if web {
                    confidence *= 0.5;
                }
                pairs.push(Pair {
                    zh,
                    en_key: en_key.clone(),
                    en: word.to_string(),
                    confidence,
                });
                rank += 1;
            }
        }
    }
    Ok(prune(pairs))
}

/// A shorter headword of the same key is shown instead of the surest one when it is at least
/// this share as sure.
const SHORTER_HEADWORD_SHARE: f32 = 0.75;

/// Keeps a pair when it is among the [`KEEP_PER_KEY`] most confident pairs of its Chinese key
/// and of its English word as written (ties: shorter English first, then text), each (zh, en key) once.
pub fn prune(mut pairs: Vec<Pair>) -> Vec<Pair> {
    pairs.sort_by(|a, b| {
        (&a.zh, &a.en_key)
            .cmp(&(&b.zh, &b.en_key))
            .then(b.confidence.total_cmp(&a.confidence))
    });
    // One pair per (zh, English key), the surest; it is written as the shortest of the
    // group's headwords that are nearly as sure (`control`, not `controlling`, for 控制).
    let mut deduped: Vec<Pair> = Vec::with_capacity(pairs.len());
    for pair in pairs {
        match deduped.last_mut() {
            Some(best) if best.zh == pair.zh && best.en_key == pair.en_key => {
                if pair.confidence >= SHORTER_HEADWORD_SHARE * best.confidence
                    && pair.en.len() < best.en.len()
                {
                    best.en = pair.en;
                }
            }
            _ => deduped.push(pair),
        }
    }
    let pairs = deduped;
    let order = |a: &Pair, b: &Pair| {
        b.confidence
            .total_cmp(&a.confidence)
            .then(a.en_key.len().cmp(&b.en_key.len()))
            .then(a.en.cmp(&b.en))
            .then(a.zh.cmp(&b.zh))
    };
    let mut keep = vec![0u8; pairs.len()];
    for by_zh in [true, false] {
        // Keyed by (one-character sense, Chinese key or English word).
        let mut groups: HashMap<(bool, String), Vec<usize>> = HashMap::new();
        for (i, p) in pairs.iter().enumerate() {
            // English words that stem alike (`convert`, `converter`) keep their own senses;
            // inflections (`showing`, `show`) share theirs.
            // One-character senses (`忘` for *forget*) are counted apart: a character glosses
            // many English words and would crowd out the words (`遗忘`) that name them.
            let key = if by_zh {
                (false, p.zh.clone())
            } else {
                let lone = p.zh.chars().nth(1).is_none();
                (lone, crate::inflection_key(&p.en.to_lowercase()))
            };
            groups.entry(key).or_default().push(i);
        }
        for ((lone, _), mut members) in groups {
            members.sort_by(|&a, &b| order(&pairs[a], &pairs[b]));
            let budget = if lone {
                KEEP_LONE_PER_WORD
            } else {
                KEEP_PER_KEY
            };
            for &i in members.iter().take(budget) {
                keep[i] += 1;
            }
        }
    }
    let mut kept: Vec<Pair> = pairs
        .into_iter()
        .zip(keep)
        .filter_map(|(p, k)| (k == 2).then_some(p))
        .collect();
    kept.sort_by(|a, b| (&a.zh, &a.en_key).cmp(&(&b.zh, &b.en_key)));
    kept
}

#[cfg(test)]
mod tests {
    use chaxin_text::Analyzer;

    use super::*;

    fn keys() -> KeyMaker {
        KeyMaker::new(Analyzer::default_settings())
    }

    #[test]
    fn cedict_glosses_become_terms() {
        let text = "# comment\n神經網絡 神经网络 [shen2 jing1 wang3 luo4] /neural network/\n\
                    鍋爐 锅炉 [guo1 lu2] /boiler/CL:個|个[ge4]/\n\
                    使用 使用 [shi3 yong4] /to use; to employ/\n";
        let pairs = read_cedict(text.as_bytes(), &keys()).unwrap();
        let readings = read_cedict_readings(text.as_bytes()).unwrap();
        assert_eq!(readings.get(&'锅').map(String::as_str), Some("guo"));
        let got: Vec<(&str, &str)> = pairs
            .iter()
            .map(|p| (p.zh.as_str(), p.en.as_str()))
            .collect();
        assert!(got.contains(&("神经网络", "neural network")), "{got:?}");
        assert!(got.contains(&("锅炉", "boiler")), "{got:?}");
        assert!(got.contains(&("使用", "employ")), "{got:?}");
        assert!(!got.iter().any(|(_, en)| en.contains("CL")), "{got:?}");
    }

    #[test]
    fn a_place_is_known_by_the_name_its_gloss_opens_with() {
        let text = "喀什 喀什 [Ka1 shi2] /Kashgar or Qeshqer (Kāshí) city and prefecture in the west of Xinjiang near Kyrgyzstan/\n\
                    和田 和田 [He2 tian2] /Hotan, city and prefecture in Xinjiang/Wada (Japanese surname and place name)/\n\
                    塔里木 塔里木 [Ta3 li3 mu4] /the Tarim Basin in southern Xinjiang/\n\
                    霸王之道 霸王之道 [ba4 wang2 zhi1 dao4] /Way of the Overlord/\n\
                    五斗米道 五斗米道 [Wu3 dou3 mi3 Dao4] /Way of the Five Pecks of Rice/\n\
                    上證綜合指數 上证综合指数 [Shang4 zheng4 zong1 he2 zhi3 shu4] /SSE (Shanghai Stock Exchange) Composite Index/\n\
                    伊思邁爾 伊思迈尔 [Yi1 si1 mai4 er3] /Shah Ismail I (1487-1524), founder of Persian Safavid dynasty/\n";
        let pairs = read_cedict(text.as_bytes(), &keys()).unwrap();
        let got: Vec<(&str, &str)> = pairs
            .iter()
            .map(|p| (p.zh.as_str(), p.en.as_str()))
            .collect();
        for pair in [
            ("喀什", "Kashgar"),
            ("喀什", "Qeshqer"),
            ("和田", "Hotan"),
            ("塔里木", "Tarim Basin"),
            // Words as the gloss has them, one space apart, the last one whole.
            ("上证综合指数", "SSE Composite Index"),
            ("伊思迈尔", "Shah Ismail I"),
        ] {
            assert!(got.contains(&pair), "{pair:?} in {got:?}");
        }
        // `Way` is followed by more of a title, not by a place word; a lowercase pinyin is no
        // proper noun at all.
        assert!(!got.iter().any(|(_, en)| *en == "Way"), "{got:?}");
        assert!(!got.iter().any(|(zh, _)| *zh == "霸王之道"), "{got:?}");
    }

    #[test]
    fn ecdict_senses_lose_tags_and_parentheticals() {
        let csv = "word,phonetic,definition,translation,pos,collins,oxford,tag,bnc,frq,exchange,detail,audio\n\
                   nitrogen oxide,,,[化] 氧化氮(通常指NO一氧化氮); 氮的氧化物,,,,,0,0,,,\n\
                   boiler,'bɒilә,n. vessel,\"n. 煮器, 汽锅, 锅炉\\n[化] 锅炉\",,1,,cet6,6121,10861,,,\n";
        let pairs = read_ecdict(csv.as_bytes(), &keys()).unwrap();
        let got: Vec<(&str, &str)> = pairs
            .iter()
            .map(|p| (p.zh.as_str(), p.en.as_str()))
            .collect();
        assert!(got.contains(&("氧化氮", "nitrogen oxide")), "{got:?}");
        // A `的` inside makes a phrase, not a term.
        assert!(!got.iter().any(|(zh, _)| zh.contains('的')), "{got:?}");
        assert!(got.contains(&("锅炉", "boiler")), "{got:?}");
        // 锅炉 is the first sense of the technical line: more confident than 煮器's rank.
        let conf = |zh: &str| pairs.iter().find(|p| p.zh == zh).map(|p| p.confidence);
        assert!(conf("煮器") >= conf("汽锅"));
    }

    #[test]
    fn prune_keeps_the_best_per_key() {
        let pairs: Vec<Pair> = (0..10)
            .map(|i| Pair {
                zh: "网络".into(),
                en_key: format!("net{i}"),
                en: format!("net{i}"),
                confidence: 0.9 - i as f32 * 0.05,
            })
            .collect();
        let kept = prune(pairs);
        assert_eq!(kept.len(), KEEP_PER_KEY);
        assert!(kept.iter().any(|p| p.en == "net0") && !kept.iter().any(|p| p.en == "net9"));
    }

    #[test]
    fn one_character_senses_do_not_crowd_out_the_words_of_an_english_word() {
        let keys = keys();
        let sense = |zh: &str, confidence: f32| Pair {
            zh: zh.into(),
            en_key: keys.en("forget").unwrap(),
            en: "forget".into(),
            confidence,
        };
        let mut pairs: Vec<Pair> = ["忘记", "忘却", "忘怀", "忘掉", "忽略", "遗忘"]
            .iter()
            .map(|zh| sense(zh, 0.7))
            .collect();
        pairs.extend(["忘", "遗", "忽"].iter().map(|zh| sense(zh, 0.8)));
        let kept: Vec<String> = prune(pairs).into_iter().map(|p| p.zh).collect();
        assert!(kept.contains(&"遗忘".to_string()), "{kept:?}");
        assert_eq!(
            kept.iter().filter(|zh| zh.chars().count() == 1).count(),
            KEEP_LONE_PER_WORD
        );
        assert_eq!(kept.len(), KEEP_PER_KEY + KEEP_LONE_PER_WORD, "{kept:?}");
    }

    #[test]
    fn a_key_is_written_as_its_shortest_nearly_as_sure_headword() {
        let keys = keys();
        let pair = |en: &str, confidence: f32| Pair {
            zh: "控制".into(),
            en_key: keys.en(en).unwrap(),
            en: en.into(),
            confidence,
        };
        let kept = prune(vec![pair("controlling", 0.8), pair("control", 0.7)]);
        assert_eq!(kept.len(), 1);
        assert_eq!((kept[0].en.as_str(), kept[0].confidence), ("control", 0.8));
        // Much less sure: the surer headword is shown.
        let kept = prune(vec![pair("controlling", 0.8), pair("control", 0.4)]);
        assert_eq!(kept[0].en, "controlling");
    }

    #[test]
    fn words_that_stem_alike_keep_their_own_senses() {
        let keys = keys();
        let sense = |zh: &str, en: &str, confidence: f32| Pair {
            zh: zh.into(),
            en_key: keys.en(en).unwrap(),
            en: en.into(),
            confidence,
        };
        let mut pairs: Vec<Pair> = [
            "皈依", "改信", "兑换", "折算", "换算", "改变", "转变", "变换",
        ]
        .iter()
        .map(|zh| sense(zh, "convert", 0.8))
        .collect();
        pairs.push(sense("换流器", "converter", 0.7));
        pairs.push(sense("转换器", "converter", 0.6));
        assert_eq!(pairs[0].en_key, pairs[9].en_key, "the test needs one key");
        let kept = prune(pairs);
        let zh: Vec<&str> = kept.iter().map(|p| p.zh.as_str()).collect();
        assert!(zh.contains(&"换流器") && zh.contains(&"转换器"), "{zh:?}");
        assert_eq!(
            kept.iter().filter(|p| p.en == "convert").count(),
            KEEP_PER_KEY
        );
    }
}
