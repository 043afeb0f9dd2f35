//! `chaxin lexicon`: build the bilingual lexicon from dictionaries and bilingual records, and
//! look terms up in it.

use std::collections::HashSet;
use std::io::BufRead;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use chaxin_lexicon::mine::{fold_of, BilingualRecord};
use chaxin_lexicon::{KeyMaker, Lang, Source};
use chaxin_text::Analyzer;
use clap::{Args, Subcommand};

#[derive(Subcommand)]
pub enum LexiconCommand {
    /// Build lexicon files (`<origin>.tsv.zst`) into a directory.
    Build(BuildArgs),
    /// Show a term's forms in the other language.
    Lookup(LookupArgs),
}

#[derive(Args)]
pub struct BuildArgs {
    /// CC-CEDICT (`cedict_1_0_ts_utf-8_mdbg.txt`, optionally .gz).
    #[arg(long)]
    cedict: Option<PathBuf>,
    /// ECDICT's CSV (optionally .zst).
    #[arg(long)]
    ecdict: Option<PathBuf>,
    /// Bilingual records to mine (ChinaXiv JSONL: title_zh/en, keywords_zh/en, abstract_zh/en).
    #[arg(long)]
    bilingual: Option<PathBuf>,
    /// Records (NDJSON, optionally .zst, as indexed) to mine a terminology from: their
    /// keywords and cohesive word sequences (`index-terms.tsv.zst`).
    #[arg(long, value_name = "FILE", num_args = 1..)]
    records: Vec<PathBuf>,
    /// Leave fold K of N out of mining (`1/2`): the papers an evaluation then queries.
    #[arg(long, value_name = "K/N")]
    hold_out: Option<String>,
    /// With --hold-out: leave out only the fold's papers that these evaluation sets (BEIR
    /// directories) judge, and mine every other record.
    #[arg(long, value_name = "DIR", num_args = 1.., requires = "hold_out")]
    hold_out_judged: Vec<PathBuf>,
    /// Output directory.
    #[arg(long, short)]
    out: PathBuf,
}

#[derive(Args)]
pub struct LookupArgs {
    /// Lexicon directory.
    #[arg(long, default_value = "index-data/lexicon")]
    lexicon: PathBuf,
    /// Terms, in Chinese or English.
    #[arg(required = true)]
    terms: Vec<String>,
}

/// `K/N` → (k, n), 1 ≤ k ≤ n.
pub fn parse_fold(text: &str) -> Result<(usize, usize)> {
    let parsed = text
        .split_once('/')
        .and_then(|(k, n)| Some((k.trim().parse().ok()?, n.trim().parse().ok()?)));
    match parsed {
        Some((k, n)) if 1 <= k && k <= n => Ok((k, n)),
        _ => bail!("`{text}` is not a fold: write K/N with 1 ≤ K ≤ N, e.g. 1/2"),
    }
}

fn open(path: &Path) -> Result<Box<dyn std::io::Read>> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let name = path.to_string_lossy();
    Ok(if name.ends_with(".gz") {
        Box::new(flate2::read::GzDecoder::new(file))
    } else if name.ends_with(".zst") {
        Box::new(zstd::Decoder::new(file)?)
    } else {
        Box::new(file)
    })
}

pub fn run(command: LexiconCommand) -> Result<()> {
    match command {
        LexiconCommand::Build(args) => build(args),
        LexiconCommand::Lookup(args) => lookup(args),
    }
}

fn build(args: BuildArgs) -> Result<()> {
    let keys = KeyMaker::new(Analyzer::default_settings());
    let hold_out = args.hold_out.as_deref().map(parse_fold).transpose()?;
    if args.cedict.is_none()
        && args.ecdict.is_none()
        && args.bilingual.is_none()
        && args.records.is_empty()
    {
        bail!("give at least one of --cedict, --ecdict, --bilingual, --records");
    }
    if !args.records.is_empty() {
        let sources = read_term_sources(&args.records)?;
        let terms = chaxin_lexicon::terms::mine_terms(&keys.analyzer, &sources);
        let out = chaxin_lexicon::write_terms(&args.out, "index", &terms)?;
        tracing::info!(
            "{}: {} terms from {} records",
            out.display(),
            terms.len(),
            sources.len()
        );
    }
    if let Some(path) = &args.cedict {
        let reader = std::io::BufReader::new(open(path)?);
        let pairs = chaxin_lexicon::dict::read_cedict(reader, &keys)
            .with_context(|| format!("reading {}", path.display()))?;
        let out = chaxin_lexicon::write_pairs(&args.out, "cedict", Source::Dictionary, &pairs)?;
        tracing::info!("{}: {} pairs", out.display(), pairs.len());
        let reader = std::io::BufReader::new(open(path)?);
        let readings = chaxin_lexicon::dict::read_cedict_readings(reader)
            .with_context(|| format!("reading {}", path.display()))?;
        let out = chaxin_lexicon::write_readings(&args.out, "cedict", &readings)?;
        tracing::info!("{}: {} readings", out.display(), readings.len());
    }
    if let Some(path) = &args.ecdict {
        let pairs = chaxin_lexicon::dict::read_ecdict(open(path)?, &keys)
            .with_context(|| format!("reading {}", path.display()))?;
        let out = chaxin_lexicon::write_pairs(&args.out, "ecdict", Source::Dictionary, &pairs)?;
        tracing::info!("{}: {} pairs", out.display(), pairs.len());
    }
    if let Some(path) = &args.bilingual {
        let reader = std::io::BufReader::new(open(path)?);
        let mut records = Vec::new();
        for (n, line) in reader.lines().enumerate() {
            let line = line.with_context(|| format!("reading {}", path.display()))?;
            if line.trim().is_empty() {
                continue;
            }
            let record: BilingualRecord = serde_json::from_str(&line)
                .with_context(|| format!("{}, line {}", path.display(), n + 1))?;
            records.push(record);
        }
        let judged = judged_papers(&args.hold_out_judged)?;
        let exclude: HashSet<String> = match hold_out {
            Some((k, n)) => records
                .iter()
                .map(|r| r.paper_id().to_string())
                .filter(|id| fold_of(id, n) == k)
                .filter(|id| args.hold_out_judged.is_empty() || judged.contains(id))
                .collect(),
            None => HashSet::new(),
        };
        let pairs = chaxin_lexicon::mine::mine(&keys.analyzer, &records, &exclude);
        let origin = match hold_out {
            Some((k, n)) => format!("chinaxiv-without-{k}-of-{n}"),
            None => "chinaxiv".to_string(),
        };
        let out = chaxin_lexicon::write_pairs(&args.out, &origin, Source::Corpus, &pairs)?;
        tracing::info!(
            "{}: {} pairs from {} records ({} papers held out)",
            out.display(),
            pairs.len(),
            records.len(),
            exclude.len()
        );
    }
    Ok(())
}

/// The papers whose documents the evaluation sets in `dirs` judge relevant (their
/// `qrels/test.tsv`, grade > 0).
fn judged_papers(dirs: &[PathBuf]) -> Result<HashSet<String>> {
    let mut papers = HashSet::new();
    for dir in dirs {
        let qrels = chaxin_eval::load_qrels(dir)?;
        let judged = qrels.values().flatten().filter(|(_, &grade)| grade > 0);
        papers.extend(
            judged.map(|(doc, _)| chaxin_lexicon::mine::paper_of_document(doc).to_string()),
        );
    }
    Ok(papers)
}

/// The keywords, titles and abstracts of every record in `paths`; a line that is not a
/// record is an error naming the file and line.
fn read_term_sources(paths: &[PathBuf]) -> Result<Vec<chaxin_lexicon::terms::TermSource>> {
    let mut sources = Vec::new();
    for path in paths {
        let reader = std::io::BufReader::new(open(path)?);
        for (n, line) in reader.lines().enumerate() {
            let line = line.with_context(|| format!("reading {}", path.display()))?;
            if line.trim().is_empty() {
                continue;
            }
            let record = chaxin_index::Record::from_json(&line)
                .map_err(|e| anyhow::anyhow!("{}, line {}: {e}", path.display(), n + 1))?;
            let mut texts: Vec<String> = Vec::new();
            for localized in [&record.title, &record.abstract_text].into_iter().flatten() {
                texts.extend(localized.texts().into_iter().map(str::to_string));
            }
            sources.push(chaxin_lexicon::terms::TermSource {
                keywords: record.keywords.clone(),
                texts,
            });
        }
    }
    Ok(sources)
}

fn lookup(args: LookupArgs) -> Result<()> {
    let lexicon = chaxin_lexicon::load_dir(&args.lexicon)?;
    let keys = KeyMaker::new(Analyzer::default_settings());
    for term in &args.terms {
        let (lang, key) = match keys.zh(term) {
            Some(key) => (Lang::Zh, key),
            None => match keys.en(term) {
                Some(key) => (Lang::En, key),
                None => bail!("`{term}` is neither a Chinese term nor English words"),
            },
        };
        println!("{term} ({}, key `{key}`):", lang.as_str());
        for entry in lexicon.translations_as_written(lang, &key, term) {
            println!(
                "  {}\t{:.2}\t{} ({})",
                entry.text,
                entry.confidence,
                entry.source.as_str(),
                entry.origin
            );
        }
    }
    Ok(())
}
