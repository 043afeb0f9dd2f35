//! Synthetic corpora for benchmarks: any number of realistic records recombined from real ones.
//!
//! Every generated record takes its kind, language, discipline and patent fields from one real
//! record (the *base*), splices its title with the title of another record of the same
//! discipline, and builds its abstract from a sentence or two of the base followed by sentences
//! of other records of the same discipline. Keywords, authors and affiliations are drawn from
//! the same pools. So term statistics, lengths, language and kind mix follow the real corpus
//! while the records themselves are new.
//!
//! Invariant: record `n` depends only on the source records (in input order), the seed and `n`
//! (each record has its own ChaCha8 stream), so the output is byte-identical for the same
//! inputs and seed whatever the number of threads.

use std::io::{BufRead, Write};
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use chaxin_index::{Kind, Localized, PartialDate, Record};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use crate::error::IngestError;
use crate::input::{open_input, Input};

/// Records generated per parallel batch (also the unit of output buffering).
const BATCH: u64 = 4096;

/// One real record, cut into the parts that are recombined.
#[derive(Debug)]
struct SourceRecord {
    record: Record,
    title: String,
    sentences: Vec<String>,
    /// Index into [`Recombiner::groups`]: records of the same kind, language and discipline.
    group: usize,
}

/// The pool of real records that synthetic ones are made of.
#[derive(Debug)]
pub struct Recombiner {
    sources: Vec<SourceRecord>,
    /// Source indexes by (kind, language, discipline).
    groups: Vec<Vec<usize>>,
    authors: Vec<String>,
    affiliations: Vec<String>,
}

/// What [`generate`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerateSummary {
    /// Records written.
    pub records: u64,
    /// NDJSON bytes before compression.
    pub bytes: u64,
    /// Real records the synthetic ones were made from.
    pub source_records: usize,
}

/// The sentences of an abstract ([`chaxin_text::sentences`], the splitter indexing and
/// evidence use), each with its closing punctuation; fragments under 8 characters are dropped.
fn sentences(text: &str) -> Vec<String> {
    chaxin_text::sentences(text)
        .into_iter()
        .map(|range| text[range].trim())
        .filter(|sentence| sentence.chars().count() >= 8)
        .map(str::to_string)
        .collect()
}

/// Joins the first part of `a` and the second part of `b` at a connective both contain, or
/// returns `a` when there is none.
fn splice_titles(a: &str, b: &str, lang: &str) -> String {
    let connectives: &[&str] = if lang == "zh" {
        &["的", "与", "及", "和", "在", "中"]
    } else {
        &[" of ", " for ", " in ", " with ", " and ", " using "]
    };
    for c in connectives {
        if let (Some(i), Some(j)) = (a.find(c), b.find(c)) {
            if i > 0 && j + c.len() < b.len() {
                return format!("{}{}", &a[..i], &b[j..]);
            }
        }
    }
    a.to_string()
}

impl Recombiner {
    /// Builds the pool from real records; records without a title or an abstract are skipped.
    pub fn new(records: Vec<Record>) -> Recombiner {
        let mut group_keys: Vec<(Kind, String, String)> = Vec::new();
        let mut groups: Vec<Vec<usize>> = Vec::new();
        let mut sources = Vec::new();
        let mut authors = Vec::new();
        let mut affiliations = Vec::new();
        for record in records {
            let lang = record.lang().to_string();
            let title = record
                .title
                .as_ref()
                .map(|t| t.preferred(&lang).to_string())
                .unwrap_or_default();
            let text = record
                .abstract_text
                .as_ref()
                .map(|t| t.preferred(&lang).to_string())
                .unwrap_or_default();
            let sentences = sentences(&text);
            if title.is_empty() || sentences.is_empty() {
                continue;
            }
            authors.extend(record.authors_and_inventors().cloned());
            affiliations.extend(record.affiliations_and_applicants().cloned());
            let key = (
                record.kind,
                lang,
                record.discipline.clone().unwrap_or_default(),
            );
            let group = match group_keys.iter().position(|k| *k == key) {
                Some(g) => g,
                None => {
                    group_keys.push(key);
                    groups.push(Vec::new());
                    groups.len() - 1
                }
            };
            groups[group].push(sources.len());
            sources.push(SourceRecord {
                record,
                title,
                sentences,
                group,
            });
        }
        Recombiner {
            sources,
            groups,
            authors,
            affiliations,
        }
    }

    /// Reads the pool from NDJSON inputs (plain or zstd), skipping lines that do not parse.
    pub fn from_inputs(inputs: &[Input]) -> Result<Recombiner, IngestError> {
        let mut records = Vec::new();
        for input in inputs {
            let reader =
                open_input(&input.path, Arc::new(AtomicU64::new(0))).map_err(|source| {
                    IngestError::Io {
                        path: input.path.clone(),
                        source,
                    }
                })?;
            for line in reader.lines() {
                let line = line.map_err(|source| IngestError::Io {
                    path: input.path.clone(),
                    source,
                })?;
                if let Ok(record) = Record::from_json(&line) {
                    records.push(record);
                }
            }
        }
        Ok(Recombiner::new(records))
    }

    /// Number of real records in the pool.
    pub fn len(&self) -> usize {
        self.sources.len()
    }

    /// True when the pool holds no record to generate from.
    pub fn is_empty(&self) -> bool {
        self.sources.is_empty()
    }

    fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
        &items[rng.random_range(0..items.len())]
    }

    /// Synthetic record number `n` for `seed`. Panics if the pool is empty.
    pub fn record(&self, seed: u64, n: u64) -> Record {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(n);
        let base = Self::pick(&mut rng, &self.sources);
        let group = &self.groups[base.group];
        let other = &self.sources[*Self::pick(&mut rng, group)];
        let lang = base.record.lang().to_string();

        let title = splice_titles(&base.title, &other.title, &lang);
        let mut parts: Vec<&str> = base
            .sentences
            .iter()
            .take(rng.random_range(1..=2))
            .map(String::as_str)
            .collect();
        for _ in 0..rng.random_range(2..=5) {
            let donor = &self.sources[*Self::pick(&mut rng, group)];
            parts.push(Self::pick(&mut rng, &donor.sentences).as_str());
        }
        let abstract_text = parts.join(if lang == "zh" { "" } else { " " });

        let mut keywords: Vec<String> = base.record.keywords.clone();
        keywords.extend(other.record.keywords.iter().take(2).cloned());
        keywords.dedup();

        let draw = |rng: &mut ChaCha8Rng, pool: &[String], max: usize| -> Vec<String> {
            if pool.is_empty() {
                return Vec::new();
            }
            (0..rng.random_range(1..=max))
                .map(|_| Self::pick(rng, pool).clone())
                .collect()
        };
        let people = draw(&mut rng, &self.authors, 4);
        let organisations = draw(&mut rng, &self.affiliations, 2);

        // Real dates shifted by up to two years; CSL records carry none, so they get a year
        // between 1995 and 2023 (synthetic data, for date filters in the query mix).
        let (year, month) = match base.record.pub_date.as_ref().map(|d| d.first_day()) {
            Some((y, m, _)) => ((y + rng.random_range(-2..=2)).min(2024), m),
            None => (rng.random_range(1995..=2023), rng.random_range(1..=12u8)),
        };
        let day = rng.random_range(1..=28u8);
        let pub_date = PartialDate::parse(&format!("{year:04}-{month:02}-{day:02}")).ok();

        let patent = base.record.kind == Kind::Patent;
        let b = &base.record;
        Record {
            id: format!("syn-{seed}-{n:08}"),
            kind: b.kind,
            lang: Some(lang),
            title: Some(Localized::Text(title)),
            abstract_text: Some(Localized::Text(abstract_text)),
            keywords,
            authors: if patent { Vec::new() } else { people.clone() },
            affiliations: if patent {
                Vec::new()
            } else {
                organisations.clone()
            },
            venue: b.venue.clone(),
            pub_date,
            source: Some("synthetic".into()),
            discipline: b.discipline.clone(),
            pub_number: patent.then(|| format!("SY{n:09}")),
            applicants: if patent { organisations } else { Vec::new() },
            inventors: if patent { people } else { Vec::new() },
            ipc: b.ipc.clone(),
            cpc: b.cpc.clone(),
            claims: b.claims.clone(),
            description: b.description.clone(),
            ..Record::default()
        }
    }
}

/// Writes `records` synthetic records (NDJSON, one per line, in order) made from `pool`.
pub fn generate(
    pool: &Recombiner,
    seed: u64,
    records: u64,
    out: &mut dyn Write,
) -> std::io::Result<GenerateSummary> {
    if pool.is_empty() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "no source record has both a title and an abstract",
        ));
    }
    let mut bytes = 0u64;
    let mut start = 0u64;
    while start < records {
        let end = (start + BATCH).min(records);
        let lines: Vec<String> = (start..end)
            .into_par_iter()
            .map(|n| serde_json::to_string(&pool.record(seed, n)).map_err(std::io::Error::other))
            .collect::<Result<_, _>>()?;
        for line in lines {
            out.write_all(line.as_bytes())?;
            out.write_all(b"\n")?;
            bytes += line.len() as u64 + 1;
        }
        start = end;
    }
    out.flush()?;
    Ok(GenerateSummary {
        records,
        bytes,
        source_records: pool.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool() -> Recombiner {
        let lines = [
            r#"{"id":"a","lang":"zh","title":"一种基于平方和优化的飞行器大角度机动镇定控制器设计方法","abstract":"采用修正的Rodrigues参数(MRP),建立了飞行器姿态控制系统的数学模型；利用刚体姿态动力学方程建立了非线性控制系统模型.仿真结果表明,用这种方法设计镇定控制器简化了设计过程。","keywords":["平方和优化","大角度机动"],"discipline":"兵器科学与技术"}"#,
            r#"{"id":"b","lang":"zh","title":"水运工程施工项目全过程管理的有效性探索","abstract":"水运工程项目作为我国航运和水利的重要组成部分,其重要性不言而喻。针对现阶段水运工程项目建设和运行中存在的问题,提出了全过程管理的措施。","keywords":["项目管理"],"discipline":"兵器科学与技术"}"#,
            r#"{"id":"US5269177","kind":"patent","lang":"en","title":"Apparatus and method for determining the center of percussion for baseball bats","abstract":"Apparatus and method is provided for determining the subjective sweet spot of a baseball bat. The subjective sweet spot is determined by first measuring the period of oscillation of the bat. Thereafter, a particular formula is utilized for determining the sweet spot.","pub_date":"1993-12-14"}"#,
        ];
        Recombiner::new(
            lines
                .iter()
                .map(|l| Record::from_json(l).unwrap())
                .collect(),
        )
    }

    #[test]
    fn splits_chinese_and_english_sentences() {
        let zh = sentences(
            "建立了数学模型；利用方程建立了控制系统模型.仿真结果表明,方法简化了设计过程。",
        );
        assert_eq!(
            zh,
            [
                "建立了数学模型；",
                "利用方程建立了控制系统模型.",
                "仿真结果表明,方法简化了设计过程。"
            ]
        );
        let en = sentences(
            "The bat is marked for the hitter. It uses a formula of 5.5 m. Done. Here now.",
        );
        assert_eq!(
            en,
            [
                "The bat is marked for the hitter.",
                "It uses a formula of 5.5 m.",
                "Here now."
            ],
            "a decimal point is no sentence end; a fragment under 8 characters is dropped"
        );
    }

    #[test]
    fn same_seed_same_records_and_they_validate() {
        let pool = pool();
        let mut first = Vec::new();
        let summary = generate(&pool, 7, 200, &mut first).unwrap();
        assert_eq!(summary.records, 200);
        let mut second = Vec::new();
        generate(&pool, 7, 200, &mut second).unwrap();
        assert_eq!(first, second);
        let mut other_seed = Vec::new();
        generate(&pool, 8, 200, &mut other_seed).unwrap();
        assert_ne!(first, other_seed);

        let text = String::from_utf8(first).unwrap();
        let mut kinds = std::collections::BTreeSet::new();
        for line in text.lines() {
            let mut record = Record::from_json(line).unwrap();
            record.validate().unwrap();
            kinds.insert((record.kind, record.lang().to_string()));
            let abstract_text = record.abstract_text.unwrap();
            assert!(abstract_text.texts()[0].chars().count() > 20);
        }
        assert_eq!(kinds.len(), 2, "both languages and kinds appear: {kinds:?}");
    }

    #[test]
    fn record_n_does_not_depend_on_batching() {
        let pool = pool();
        let mut all = Vec::new();
        generate(&pool, 3, BATCH + 5, &mut all).unwrap();
        let last = String::from_utf8(all)
            .unwrap()
            .lines()
            .last()
            .unwrap()
            .to_string();
        assert_eq!(
            last,
            serde_json::to_string(&pool.record(3, BATCH + 4)).unwrap()
        );
    }

    #[test]
    fn titles_splice_at_a_shared_connective() {
        assert_eq!(
            splice_titles("稀土永磁材料的制备方法", "铝合金的时效处理", "zh"),
            "稀土永磁材料的时效处理"
        );
        assert_eq!(
            splice_titles(
                "Training of neural networks",
                "Design of baseball bats",
                "en"
            ),
            "Training of baseball bats"
        );
        assert_eq!(splice_titles("石墨烯", "铝合金的时效", "zh"), "石墨烯");
    }
}
