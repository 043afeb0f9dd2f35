//! The lexicon files: one zstd-compressed TSV per origin, `<origin>.tsv.zst`.
//!
//! ```text
//! # chaxin-lexicon 1 ⇥ source=dictionary ⇥ origin=ecdict
//! 锅炉 ⇥ boiler ⇥ boiler ⇥ 0.850
//! ```
//!
//! (`⇥` is a tab.) The first line names the format version, the [`Source`] shown to users and the origin; every
//! other line is `zh key \t en key \t english as written \t confidence`, sorted, so a rebuild
//! from the same inputs gives the same bytes.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use crate::{Lexicon, Pair, Source};

const MAGIC: &str = "# chaxin-lexicon 1";
const READINGS_MAGIC: &str = "# chaxin-readings 1";
const TERMS_MAGIC: &str = "# chaxin-terms 1";
/// File name ending of a lexicon file.
pub const EXTENSION: &str = ".tsv.zst";

/// A lexicon file that cannot be read, with the file and line.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A lexicon file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A line of a lexicon file is malformed.
    #[error("{path}, line {line}: {message}")]
    Format {
        /// The file.
        path: PathBuf,
        /// The 1-based line.
        line: usize,
        /// What is wrong with it.
        message: String,
    },
}

/// Writes `pairs` (sorted here) as the lexicon file of `origin` in `dir`; returns its path.
pub fn write_pairs(
    dir: &Path,
    origin: &str,
    source: Source,
    pairs: &[Pair],
) -> Result<PathBuf, StoreError> {
    let path = dir.join(format!("{origin}{EXTENSION}"));
    let io = |source| StoreError::Io {
        path: path.clone(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    let mut sorted: Vec<&Pair> = pairs.iter().collect();
    sorted.sort_by(|a, b| (&a.zh, &a.en_key, &a.en).cmp(&(&b.zh, &b.en_key, &b.en)));
    let tmp = path.with_extension("tmp");
    let file = std::fs::File::create(&tmp).map_err(io)?;
    let mut out = zstd::Encoder::new(file, 19).map_err(io)?;
    writeln!(out, "{MAGIC}\tsource={}\torigin={origin}", source.as_str()).map_err(io)?;
    for p in sorted {
        debug_assert!(!p.zh.contains(['\t', '\n']) && !p.en.contains(['\t', '\n']));
        writeln!(out, "{}\t{}\t{}\t{:.3}", p.zh, p.en_key, p.en, p.confidence).map_err(io)?;
    }
    out.finish().map_err(io)?.sync_all().map_err(io)?;
    std::fs::rename(&tmp, &path).map_err(io)?;
    Ok(path)
}

/// Writes character readings (`char \t pinyin`) as `<origin>-readings.tsv.zst` in `dir`.
pub fn write_readings(
    dir: &Path,
    origin: &str,
    readings: &std::collections::BTreeMap<char, String>,
) -> Result<PathBuf, StoreError> {
    let path = dir.join(format!("{origin}-readings{EXTENSION}"));
    let io = |source| StoreError::Io {
        path: path.clone(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    let mut text = format!("{READINGS_MAGIC}\torigin={origin}\n");
    for (c, reading) in readings {
        text.push_str(&format!("{c}\t{reading}\n"));
    }
    let bytes = zstd::encode_all(text.as_bytes(), 19).map_err(io)?;
    std::fs::write(&path, bytes).map_err(io)?;
    Ok(path)
}

/// Writes mined terms (`lang \t key \t shown \t records`, sorted) as
/// `<origin>-terms.tsv.zst` in `dir`.
pub fn write_terms(
    dir: &Path,
    origin: &str,
    terms: &[crate::terms::Term],
) -> Result<PathBuf, StoreError> {
    let path = dir.join(format!("{origin}-terms{EXTENSION}"));
    let io = |source| StoreError::Io {
        path: path.clone(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    let mut sorted: Vec<&crate::terms::Term> = terms.iter().collect();
    sorted.sort_by(|a, b| (a.lang, &a.key).cmp(&(b.lang, &b.key)));
    let mut text = format!("{TERMS_MAGIC}\torigin={origin}\n");
    for t in sorted {
        debug_assert!(!t.key.contains(['\t', '\n']) && !t.shown.contains(['\t', '\n']));
        text.push_str(&format!(
            "{}\t{}\t{}\t{}\n",
            t.lang.as_str(),
            t.key,
            t.shown,
            t.records
        ));
    }
    let bytes = zstd::encode_all(text.as_bytes(), 19).map_err(io)?;
    std::fs::write(&path, bytes).map_err(io)?;
    Ok(path)
}

/// The text of a small zstd file whose first line starts with `magic`.
fn read_small_file(path: &Path, magic: &str) -> Result<String, StoreError> {
    let io = |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    };
    let bytes = zstd::decode_all(std::fs::File::open(path).map_err(io)?).map_err(io)?;
    let text = String::from_utf8(bytes).map_err(|e| format_error(path, 0, e.to_string()))?;
    if !text.lines().next().is_some_and(|h| h.starts_with(magic)) {
        return Err(format_error(path, 1, format!("expected `{magic}`")));
    }
    Ok(text)
}

fn format_error(path: &Path, line: usize, message: String) -> StoreError {
    StoreError::Format {
        path: path.to_path_buf(),
        line,
        message,
    }
}

fn read_terms(path: &Path) -> Result<Vec<crate::terms::Term>, StoreError> {
    let format = |line: usize, message: String| format_error(path, line, message);
    let text = read_small_file(path, TERMS_MAGIC)?;
    text.lines()
        .skip(1)
        .enumerate()
        .map(|(i, line)| {
            let parts: Vec<&str> = line.split('\t').collect();
            let bad = |message: String| format(i + 2, message);
            let [lang, key, shown, records] = parts[..] else {
                return Err(bad(format!(
                    "expected 4 tab-separated fields, got {}",
                    parts.len()
                )));
            };
            let lang = match lang {
                "zh" => crate::Lang::Zh,
                "en" => crate::Lang::En,
                other => return Err(bad(format!("language `{other}` is neither zh nor en"))),
            };
            let records = records
                .parse()
                .map_err(|_| bad(format!("record count `{records}` is not a number")))?;
            if key.is_empty() {
                return Err(bad("empty key".into()));
            }
            Ok(crate::terms::Term {
                lang,
                key: key.to_string(),
                shown: shown.to_string(),
                records,
            })
        })
        .collect()
}

/// Reads one lexicon file: its origin, source and pairs.
pub fn read_file(path: &Path) -> Result<(String, Source, Vec<Pair>), StoreError> {
    let io = |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    };
    let format = |line: usize, message: String| StoreError::Format {
        path: path.to_path_buf(),
        line,
        message,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let reader = BufReader::new(zstd::Decoder::new(file).map_err(io)?);
    let mut lines = reader.lines();
    let header = lines
        .next()
        .transpose()
        .map_err(io)?
        .ok_or_else(|| format(1, "empty file".into()))?;
    let mut fields = header.split('\t');
    if fields.next() != Some(MAGIC) {
        return Err(format(
            1,
            format!("not a chaxin lexicon (expected `{MAGIC}`)"),
        ));
    }
    let mut source = None;
    let mut origin = None;
    for field in fields {
        match field.split_once('=') {
            Some(("source", "dictionary")) => source = Some(Source::Dictionary),
            Some(("source", "corpus")) => source = Some(Source::Corpus),
            Some(("source", "user")) => source = Some(Source::User),
            Some(("origin", name)) => origin = Some(name.to_string()),
            _ => return Err(format(1, format!("unknown header field `{field}`"))),
        }
    }
    let (Some(source), Some(origin)) = (source, origin) else {
        return Err(format(1, "the header needs source= and origin=".into()));
    };
    let mut pairs = Vec::new();
    for (i, line) in lines.enumerate() {
        let line = line.map_err(io)?;
        let n = i + 2;
        let parts: Vec<&str> = line.split('\t').collect();
        let [zh, en_key, en, confidence] = parts[..] else {
            return Err(format(
                n,
                format!("expected 4 tab-separated fields, got {}", parts.len()),
            ));
        };
        let confidence: f32 = confidence
            .parse()
            .map_err(|_| format(n, format!("confidence `{confidence}` is not a number")))?;
        if !(confidence > 0.0 && confidence <= 1.0) || zh.is_empty() || en_key.is_empty() {
            return Err(format(n, "empty key or confidence outside (0, 1]".into()));
        }
        pairs.push(Pair {
            zh: zh.to_string(),
            en_key: en_key.to_string(),
            en: en.to_string(),
            confidence,
        });
    }
    Ok((origin, source, pairs))
}

fn read_readings(path: &Path) -> Result<Vec<(char, String)>, StoreError> {
    let format = |line: usize, message: String| format_error(path, line, message);
    let text = read_small_file(path, READINGS_MAGIC)?;
    text.lines()
        .skip(1)
        .enumerate()
        .map(|(i, line)| {
            let mut parts = line.split('\t');
            match (
                parts.next().map(|c| c.chars().collect::<Vec<_>>()),
                parts.next(),
            ) {
                (Some(c), Some(reading)) if c.len() == 1 && !reading.is_empty() => {
                    Ok((c[0], reading.to_string()))
                }
                _ => Err(format(
                    i + 2,
                    "expected a character, a tab and its reading".into(),
                )),
            }
        })
        .collect()
}

/// Loads every `*.tsv.zst` of `dir`, in name order. A missing directory is an empty lexicon.
pub fn load_dir(dir: &Path) -> Result<Lexicon, StoreError> {
    let mut lexicon = Lexicon::default();
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(lexicon),
        Err(source) => {
            return Err(StoreError::Io {
                path: dir.to_path_buf(),
                source,
            })
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(EXTENSION))
        .collect();
    files.sort();
    for path in files {
        let name = path.to_string_lossy();
        if name.ends_with(&format!("-readings{EXTENSION}")) {
            lexicon.add_readings(read_readings(&path)?);
            continue;
        }
        if name.ends_with(&format!("-terms{EXTENSION}")) {
            lexicon.add_terms(&read_terms(&path)?);
            continue;
        }
        let (origin, source, pairs) = read_file(&path)?;
        lexicon.add(&origin, source, &pairs);
    }
    Ok(lexicon)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_files_load_back() {
        let dir = tempfile::tempdir().unwrap();
        let pairs = vec![Pair {
            zh: "软测量".into(),
            en_key: "soft sensor".into(),
            en: "soft sensor".into(),
            confidence: 0.9,
        }];
        write_pairs(dir.path(), "chinaxiv", Source::Corpus, &pairs).unwrap();
        let lexicon = load_dir(dir.path()).unwrap();
        let en = lexicon.english_of("软测量");
        assert_eq!(en.len(), 1);
        assert_eq!(
            (en[0].text.as_str(), en[0].source),
            ("soft sensor", Source::Corpus)
        );
        assert_eq!(lexicon.origins(), [("chinaxiv".to_string(), 1)]);
    }

    #[test]
    fn a_bad_line_names_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.tsv.zst");
        let text = format!(
            "{MAGIC}\tsource=corpus\torigin=bad\n锅炉\tboiler\tboiler\t0.5\n锅炉\tboiler\n"
        );
        std::fs::write(&path, zstd::encode_all(text.as_bytes(), 1).unwrap()).unwrap();
        let e = load_dir(dir.path()).unwrap_err().to_string();
        assert!(e.contains("line 3") && e.contains("4 tab-separated"), "{e}");
    }
}

#[cfg(test)]
mod shipped {
    use chaxin_text::Analyzer;

    use crate::{en_key, zh_key};

    /// The lexicon the server loads (`index-data/lexicon`).
    fn shipped() -> crate::Lexicon {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../index-data/lexicon");
        super::load_dir(&dir).unwrap()
    }

    #[test]
    fn technical_terms_translate_both_ways() {
        let lexicon = shipped();
        let analyzer = Analyzer::default_settings();
        let english = |zh: &str| -> Vec<String> {
            lexicon
                .english_of(&zh_key(zh).unwrap())
                .iter()
                .map(|e| e.key.clone())
                .collect()
        };
        let chinese = |en: &str| -> Vec<String> {
            lexicon
                .chinese_of(&en_key(&analyzer, en).unwrap())
                .iter()
                .map(|e| e.text.clone())
                .collect()
        };
        let key = |en: &str| en_key(&analyzer, en).unwrap();
        assert!(
            english("神经网络").contains(&key("neural network")),
            "{:?}",
            english("神经网络")
        );
        assert!(
            english("遥感").contains(&key("remote sensing")),
            "{:?}",
            english("遥感")
        );
        assert!(
            english("锅炉").contains(&key("boiler")),
            "{:?}",
            english("锅炉")
        );
        assert!(
            chinese("nitrogen oxides").contains(&"氮氧化物".to_string()),
            "{:?}",
            chinese("nitrogen oxides")
        );
        assert!(chinese("boiler").contains(&"锅炉".to_string()));
        assert!(
            chinese("remote sensing").contains(&"遥感".to_string()),
            "{:?}",
            chinese("remote sensing")
        );
        assert_eq!(lexicon.pinyin("盐城").as_deref(), Some("yancheng"));
    }
}
