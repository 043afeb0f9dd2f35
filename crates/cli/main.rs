//! `chaxin`: the command-line front end (index, serve, search, import).

mod config;
mod lexicon;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use chaxin_index::{ChaxinIndex, Kind, PartialDate};
use chaxin_ingest::import::{import_to_ndjson, Format};
use chaxin_ingest::synthetic::{self, Recombiner};
use chaxin_ingest::{
    collect_inputs, default_rejects_path, ingest, write_output, IngestOptions, IngestSummary,
    ProgressMode,
};
use chaxin_query::{DefaultOperator, SearchConfig, SearchEngine, SearchRequest};
use chaxin_text::AnalyzerSettings;
use clap::{Args, Parser, Subcommand};

// Indexing allocates many small token strings; mimalloc handles that better than glibc malloc.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "chaxin",
    version,
    about = "Novelty-search (查新) engine for Chinese and English papers and patents"
)]
struct Cli {
    /// Log lines on standard error: `text`, or `json` (one object per line, for collectors).
    #[arg(
        long,
        global = true,
        env = "CHAXIN_LOG_FORMAT",
        value_enum,
        default_value = "text"
    )]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Index NDJSON records (.ndjson/.jsonl, optionally .zst) into an index directory.
    Index(IndexArgs),
    /// Serve the HTTP API; builds the index from the data directory first if it does not exist.
    Serve(ServeArgs),
    /// Search an index from the command line.
    Search(SearchArgs),
    /// Convert source files (CSL, arXiv CSV, PatentsView CSV, USPTO XML) or reference-manager
    /// exports (RIS, EndNote, RefWorks, NoteExpress, CNKI E-Study) into chaxin NDJSON.
    Import(ImportArgs),
    /// Write a 科技查新报告 draft: run the novelty search of a report request (JSON, as the
    /// body of `POST /v1/reports`) and render it as JSON, Markdown, HTML or DOCX.
    Report(ReportArgs),
    /// Evaluate ranking on test collections in BEIR layout (corpus.jsonl, queries.jsonl,
    /// qrels/test.tsv): nDCG@10, Recall@100, MAP@100, MRR@10, PRES@100.
    Eval(EvalArgs),
    /// Build the bilingual (zh ↔ en) lexicon from dictionaries and bilingual records, or look
    /// terms up in it.
    #[command(subcommand)]
    Lexicon(lexicon::LexiconCommand),
    /// Write a synthetic benchmark corpus: records recombined from real ones (deterministic
    /// for a seed).
    Generate(GenerateArgs),
}

#[derive(Args)]
struct GenerateArgs {
    /// Number of records.
    #[arg(long, default_value_t = 1_000_000)]
    records: u64,
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Real records to recombine (NDJSON files or directories, optionally .zst).
    #[arg(long = "from", default_value = "index-data", num_args = 1..)]
    sources: Vec<PathBuf>,
    /// Output NDJSON file (zstd level 3 when it ends in .zst).
    #[arg(long, short)]
    output: PathBuf,
}

#[derive(Args)]
struct EvalArgs {
    /// Collection directories.
    #[arg(required = true, num_args = 1..)]
    dirs: Vec<PathBuf>,
    /// Also write every set's mean and per-query scores as JSON.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Also write each set's ranking as a TREC run file `<dir>/<set>.run` (for trec_eval).
    #[arg(long)]
    runs: Option<PathBuf>,
    /// Novelty mode: also write, per set, `<dir>/<set>.explain.ndjson`: each query's concepts
    /// and its top candidates with their score parts.
    #[arg(long)]
    explain: Option<PathBuf>,
    /// `search`: each query as plain text; `novelty`: each query as a one-point novelty
    /// request.
    #[arg(long, value_enum, default_value_t = EvalMode::Search)]
    mode: EvalMode,
    /// Bilingual lexicon directory (`none`: search without one).
    #[arg(long, default_value = "index-data/lexicon")]
    lexicon: PathBuf,
    /// Only the queries whose judged papers are in fold K of N (`1/2`), for a lexicon mined
    /// with `chaxin lexicon build --hold-out K/N`.
    #[arg(long, value_name = "K/N")]
    fold: Option<String>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum EvalMode {
    Search,
    Novelty,
}

#[derive(Args)]
struct WriterArgs {
    /// tantivy indexing threads (default: number of cores, at most 8).
    #[arg(long)]
    threads: Option<usize>,
    /// Indexing memory budget in MiB, shared by the threads.
    #[arg(long, default_value_t = 512)]
    memory_mb: usize,
}

#[derive(Args)]
struct IndexArgs {
    /// Input files or directories (searched recursively).
    #[arg(long, short, required = true, num_args = 1..)]
    input: Vec<PathBuf>,
    /// Index directory (created if missing).
    #[arg(long)]
    index: PathBuf,
    /// Stop at the first bad line and commit nothing.
    #[arg(long)]
    strict: bool,
    /// Where rejected lines go (default: <index>.rejects.ndjson beside the index).
    #[arg(long)]
    rejects: Option<PathBuf>,
    /// Domain dictionary (one term per line) for a new index; recorded in the index.
    #[arg(long)]
    user_dict: Option<PathBuf>,
    /// After indexing, switch the server at this URL (`http://127.0.0.1:7700`) to this index:
    /// `POST /v1/aliases` with the index's directory name (it must sit in the directory of
    /// the server's indexes) and the key in CHAXIN_WRITE_KEY.
    #[arg(long)]
    publish: Option<String>,
    #[command(flatten)]
    writer: WriterArgs,
}

#[derive(Args)]
struct ServeArgs {
    /// Settings file (TOML, the flags below in snake case); flags and environment win.
    #[arg(long, env = "CHAXIN_CONFIG")]
    config: Option<PathBuf>,
    /// Index directory; built from --data when it does not exist.
    #[arg(long, env = "CHAXIN_INDEX", default_value = "data/index")]
    index: PathBuf,
    /// Records to build a missing index from.
    /// Bilingual lexicon directory (default: `lexicon/` in the data directory; `none`: no
    /// cross-language search).
    #[arg(long, env = "CHAXIN_LEXICON")]
    lexicon: Option<PathBuf>,
    #[arg(long, env = "CHAXIN_DATA", default_value = "index-data")]
    data: PathBuf,
    /// Address to listen on (port 0: any free port).
    #[arg(long, env = "CHAXIN_BIND", default_value = "127.0.0.1:7700")]
    bind: String,
    /// Largest accepted request body, in KiB.
    #[arg(long, env = "CHAXIN_MAX_BODY_KB", default_value_t = 64)]
    max_body_kb: usize,
    /// Searches that run at once (default: number of cores + 1); further requests queue in
    /// arrival order.
    #[arg(long)]
    engine_threads: Option<usize>,
    /// Largest upload to `POST /v1/documents`, compressed and uncompressed, in MiB.
    #[arg(long, env = "CHAXIN_MAX_UPLOAD_MB", default_value_t = 2048)]
    max_upload_mb: u64,
    /// Read keys (comma-separated): when set, reads need `Authorization: Bearer <key>`.
    #[arg(
        long,
        env = "CHAXIN_READ_KEY",
        hide_env_values = true,
        default_value = ""
    )]
    read_keys: String,
    /// Write keys (comma-separated): writes need one; they also read.
    #[arg(
        long,
        env = "CHAXIN_WRITE_KEY",
        hide_env_values = true,
        default_value = ""
    )]
    write_keys: String,
    /// Accept writes without a key (local use only).
    #[arg(long)]
    open: bool,
    /// Longest a search or novelty request may take, in milliseconds (then 503 `timeout`).
    #[arg(long, env = "CHAXIN_TIMEOUT_MS", default_value_t = 30_000)]
    timeout_ms: u64,
    /// Writes admitted at once (running or waiting their turn); more get 429 with Retry-After.
    #[arg(long, default_value_t = 4)]
    max_writes: usize,
    /// Longest an upload's body may send nothing, in milliseconds (then 408, nothing
    /// committed); also the grace period before --upload-min-kbps applies.
    #[arg(long, default_value_t = 15_000)]
    upload_idle_ms: u64,
    /// Slowest average rate of an upload's body after the grace period, in KiB/s.
    #[arg(long, default_value_t = 16)]
    upload_min_kbps: u64,
    #[command(flatten)]
    writer: WriterArgs,
}

#[derive(Args)]
struct SearchArgs {
    /// Query (see README: words, "phrases", AND/OR/NOT, +/-, field:value).
    query: String,
    #[arg(long, default_value = "data/index")]
    index: PathBuf,
    /// Bilingual lexicon directory (`none`: search in the query's language only).
    #[arg(long, default_value = "index-data/lexicon")]
    lexicon: PathBuf,
    /// Only these kinds (comma-separated).
    #[arg(long, value_delimiter = ',')]
    kind: Vec<String>,
    /// Only these languages (comma-separated).
    #[arg(long, value_delimiter = ',')]
    lang: Vec<String>,
    /// Published on or after (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long)]
    from: Option<String>,
    /// Published on or before.
    #[arg(long)]
    to: Option<String>,
    #[arg(long, default_value_t = 10)]
    limit: usize,
    #[arg(long, default_value_t = 0)]
    offset: usize,
    /// Require every term.
    #[arg(long)]
    and: bool,
    /// Print the JSON response.
    #[arg(long)]
    json: bool,
    /// Print the page as gbt7714, ris, bibtex or csv instead.
    #[arg(long, conflicts_with = "json")]
    format: Option<String>,
}

#[derive(Args)]
struct ReportArgs {
    /// The report request (JSON file; `-` reads standard input).
    request: PathBuf,
    #[arg(long, default_value = "data/index")]
    index: PathBuf,
    /// Bilingual lexicon directory (`none`: search in the points' language only).
    #[arg(long, default_value = "index-data/lexicon")]
    lexicon: PathBuf,
    /// json, markdown, html or docx.
    #[arg(long, default_value = "markdown")]
    format: String,
    /// station (科技查新报告) or examiner (search-report table); overrides the request's.
    #[arg(long)]
    style: Option<String>,
    /// Output file (standard output when absent; required for docx).
    #[arg(long, short)]
    output: Option<PathBuf>,
}

#[derive(Args)]
struct ImportArgs {
    /// csl, arxiv-csv, patentsview-csv, uspto-xml, ris, endnote, refworks, noteexpress or
    /// estudy.
    #[arg(long)]
    format: String,
    #[arg(long, short, required = true, num_args = 1..)]
    input: Vec<PathBuf>,
    /// Output NDJSON file (zstd-compressed when it ends in .zst).
    #[arg(long, short)]
    output: PathBuf,
}

fn main() {
    let matches = <Cli as clap::CommandFactory>::command().get_matches();
    let cli = match <Cli as clap::FromArgMatches>::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(filter);
    match cli.log_format {
        LogFormat::Json => logs.json().init(),
        LogFormat::Text => logs.init(),
    }
    let result = match cli.command {
        Command::Index(args) => run_index(args),
        Command::Serve(args) => {
            let serve = matches.subcommand_matches("serve");
            run_serve(args, serve.unwrap_or(&matches))
        }
        Command::Search(args) => run_search(args),
        Command::Import(args) => run_import(args),
        Command::Report(args) => run_report(args),
        Command::Eval(args) => run_eval(args),
        Command::Generate(args) => run_generate(args),
        Command::Lexicon(command) => lexicon::run(command),
    };
    if let Err(err) = result {
        eprintln!("error: {err:#}");
        std::process::exit(1);
    }
}

fn ingest_options(writer: &WriterArgs, strict: bool, rejects: Option<PathBuf>) -> IngestOptions {
    let defaults = IngestOptions::default();
    IngestOptions {
        strict,
        rejects,
        writer_threads: writer.threads.unwrap_or(defaults.writer_threads),
        writer_memory: writer.memory_mb.max(16) << 20,
        progress: ProgressMode::auto(),
        ..defaults
    }
}

fn print_summary(summary: &IngestSummary) {
    eprintln!(
        "indexed {} new, {} replaced, {} rejected ({} lines, {:.1} MB) in {:.1} s: {:.0} docs/s",
        summary.indexed,
        summary.replaced,
        summary.rejected,
        summary.lines,
        summary.input_bytes as f64 / 1e6,
        summary.elapsed_secs,
        summary.docs_per_sec
    );
    for error in &summary.first_errors {
        eprintln!("  rejected {error}");
    }
    if summary.rejected as usize > summary.first_errors.len() {
        eprintln!(
            "  … and {} more",
            summary.rejected as usize - summary.first_errors.len()
        );
    }
    if let Some(path) = &summary.rejects_file {
        eprintln!("rejected lines written to {}", path.display());
    }
}

fn analyzer_settings(user_dict: Option<&Path>) -> Result<AnalyzerSettings> {
    match user_dict {
        None => Ok(AnalyzerSettings::default()),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            AnalyzerSettings::with_user_dictionary(&text)
                .with_context(|| format!("{}", path.display()))
        }
    }
}

fn run_index(args: IndexArgs) -> Result<()> {
    let inputs = collect_inputs(&args.input)?;
    let settings = analyzer_settings(args.user_dict.as_deref())?;
    let index = if ChaxinIndex::exists(&args.index) {
        let index = ChaxinIndex::open(&args.index)?;
        if args.user_dict.is_some() && index.meta.analyzer != settings {
            bail!(
                "{} already exists with other analyzer settings; a user dictionary applies to a new index only",
                args.index.display()
            );
        }
        index
    } else {
        ChaxinIndex::create(&args.index, settings)?
    };
    let rejects = args
        .rejects
        .unwrap_or_else(|| default_rejects_path(&args.index));
    let options = ingest_options(&args.writer, args.strict, Some(rejects));
    let summary = ingest(&index, &inputs, &options)?;
    print_summary(&summary);
    if let Some(url) = &args.publish {
        drop(index);
        publish(url, &args.index)?;
    }
    Ok(())
}

/// Points the `main` alias of the server at `url` to the index in `dir`.
fn publish(url: &str, dir: &Path) -> Result<()> {
    let name = dir
        .file_name()
        .and_then(|n| n.to_str())
        .with_context(|| format!("{}: no index name", dir.display()))?;
    let endpoint = format!("{}/v1/aliases", url.trim_end_matches('/'));
    let mut request = ureq::post(&endpoint);
    if let Ok(key) = std::env::var("CHAXIN_WRITE_KEY") {
        let key = key.split(',').next().unwrap_or_default().trim().to_string();
        request = request.set("Authorization", &format!("Bearer {key}"));
    }
    match request
        .send_json(serde_json::json!({"alias": chaxin_ingest::catalog::MAIN_ALIAS, "index": name}))
    {
        Ok(_) => {
            println!(
                "published {name} as {} on {url}",
                chaxin_ingest::catalog::MAIN_ALIAS
            );
            Ok(())
        }
        Err(ureq::Error::Status(code, response)) => bail!(
            "publishing {name} on {url}: HTTP {code}: {}",
            response.into_string().unwrap_or_default()
        ),
        Err(e) => bail!("publishing {name} on {url}: {e}"),
    }
}

/// Builds the index from `data` into a sibling directory and renames it into place, so an
/// interrupted build never leaves a half-built index where `serve` would pick it up.
fn build_default_index(index: &Path, data: &Path, writer: &WriterArgs) -> Result<()> {
    if !data.is_dir() {
        bail!(
            "the index {} does not exist and there is no data directory {} to build it from (run from the repository root, or pass --data)",
            index.display(),
            data.display()
        );
    }
    tracing::info!(
        "building {} from {} (first start only)",
        index.display(),
        data.display()
    );
    let building = index.with_extension("building");
    if building.exists() {
        std::fs::remove_dir_all(&building)
            .with_context(|| format!("removing {}", building.display()))?;
    }
    let user_dict = data.join("user_dict.txt");
    let settings = analyzer_settings(user_dict.is_file().then_some(user_dict.as_path()))?;
    let new_index = ChaxinIndex::create(&building, settings)?;
    let inputs = collect_inputs(&[data.to_path_buf()])?;
    let options = ingest_options(writer, false, Some(default_rejects_path(index)));
    let summary = ingest(&new_index, &inputs, &options)?;
    print_summary(&summary);
    drop(new_index);
    std::fs::rename(&building, index)
        .with_context(|| format!("moving {} to {}", building.display(), index.display()))?;
    Ok(())
}

fn run_serve(mut args: ServeArgs, matches: &clap::ArgMatches) -> Result<()> {
    if let Some(path) = args.config.clone() {
        config::apply(&mut args, matches, &path)?;
    }
    config::validate(&args)?;
    if !ChaxinIndex::exists(&args.index) {
        if let Some(parent) = args.index.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        build_default_index(&args.index, &args.data, &args.writer)?;
    }
    let keys = chaxin_api::ApiKeys::from_lists(&args.read_keys, &args.write_keys, args.open)
        .map_err(|e| anyhow::anyhow!("API keys: {e}"))?;
    // The indexes live beside the default one; `aliases.json` there says which is served.
    let root = args
        .index
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let default_name = args
        .index
        .file_name()
        .and_then(|n| n.to_str())
        .with_context(|| format!("{}: not a directory name", args.index.display()))?
        .to_string();
    let name = match chaxin_ingest::catalog::Catalog::saved_alias(&root) {
        Some(saved) if ChaxinIndex::exists(&root.join(&saved)) => saved,
        Some(saved) => {
            tracing::warn!(
                "alias main names `{saved}`, which is not an index; serving {default_name}"
            );
            default_name
        }
        None => default_name,
    };
    let index = ChaxinIndex::open(&root.join(&name))?;
    let lexicon = args
        .lexicon
        .clone()
        .unwrap_or_else(|| args.data.join("lexicon"));
    let config = SearchConfig {
        lexicon: Arc::new(load_lexicon(&lexicon)?),
        ..SearchConfig::default()
    };
    let engine = Arc::new(SearchEngine::new(index, config)?);
    let listener = std::net::TcpListener::bind(&args.bind)
        .with_context(|| format!("binding {}", args.bind))?;
    let address = listener.local_addr()?;
    if !address.ip().is_loopback() {
        if keys.open {
            tracing::warn!(
                "--open on {address}: anyone who can reach this address can change the index"
            );
        }
        if !keys.reads_need_key() {
            tracing::warn!(
                "serving {address} beyond loopback without read keys: anyone who can reach                  it can search (set CHAXIN_READ_KEY)"
            );
        }
    }
    if keys.write.is_empty() && !keys.open {
        tracing::info!("writes are disabled: set CHAXIN_WRITE_KEY (or --open for local use)");
    }
    let documents = engine.stats()?.documents;
    tracing::info!(
        "serving {} records from {} as main",
        documents,
        root.join(&name).display()
    );
    // The first stdout line is the address: scripts and tests read it (port 0 picks any).
    println!("chaxin listening on http://{address}");
    let defaults = chaxin_api::ApiLimits::default();
    let limits = chaxin_api::ApiLimits {
        max_body_bytes: args.max_body_kb.max(1) * 1024,
        // `serve` admits at least one search whatever is given.
        engine_threads: args.engine_threads.unwrap_or(defaults.engine_threads),
        request_timeout: std::time::Duration::from_millis(args.timeout_ms.max(1)),
    };
    let writes = chaxin_api::WriteSettings {
        threads: args
            .writer
            .threads
            .unwrap_or(chaxin_api::WriteSettings::default().threads),
        memory_bytes: args.writer.memory_mb.max(16) << 20,
        max_upload_bytes: args.max_upload_mb.max(1) << 20,
        max_writes: args.max_writes.max(1),
        body_idle_timeout: std::time::Duration::from_millis(args.upload_idle_ms.max(1)),
        min_body_bytes_per_sec: args.upload_min_kbps << 10,
    };
    let catalog = chaxin_ingest::catalog::Catalog::new(root, name, engine);
    let metrics = chaxin_api::Metrics::new().context("metrics registry")?;
    let state = chaxin_api::AppState::new(catalog, limits, keys, writes, metrics)
        .context("engine threads")?;
    actix_web::rt::System::new().block_on(chaxin_api::serve(state, listener))?;
    Ok(())
}

fn run_search(args: SearchArgs) -> Result<()> {
    let index = ChaxinIndex::open(&args.index)?;
    let config = SearchConfig {
        lexicon: Arc::new(load_lexicon(&args.lexicon)?),
        ..SearchConfig::default()
    };
    let engine = SearchEngine::new(index, config)?;
    let kind = args
        .kind
        .iter()
        .map(|k| Kind::parse(k).with_context(|| format!("unknown kind `{k}`")))
        .collect::<Result<Vec<_>>>()?;
    let date = |d: &Option<String>| {
        d.as_deref()
            .map(PartialDate::parse)
            .transpose()
            .map_err(anyhow::Error::msg)
    };
    let request = SearchRequest {
        q: args.query.clone(),
        kind,
        lang: args.lang.clone(),
        date_from: date(&args.from)?,
        date_to: date(&args.to)?,
        offset: args.offset,
        limit: args.limit,
        operator: if args.and {
            DefaultOperator::And
        } else {
            DefaultOperator::Or
        },
        ..SearchRequest::default()
    };
    let response = engine
        .search(&request)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&response)?);
        return Ok(());
    }
    if let Some(name) = &args.format {
        use chaxin_report::export::{export, ExportFormat, ExportItem};
        let format = ExportFormat::parse(name)
            .with_context(|| format!("unknown format `{name}`: gbt7714, ris, bibtex or csv"))?;
        let mut items = Vec::new();
        for hit in &response.hits {
            if let Some(record) = engine.get(&hit.id)? {
                items.push(ExportItem {
                    record,
                    score: Some(hit.score),
                    category: None,
                });
            }
        }
        std::io::Write::write_all(&mut std::io::stdout(), &export(format, &items))?;
        return Ok(());
    }
    println!(
        "{} hits for {} ({} ms)",
        response.total, response.query, response.took_ms
    );
    for (rank, hit) in response.hits.iter().enumerate() {
        let date = hit
            .pub_date
            .map(|d| d.to_string())
            .unwrap_or_else(|| "----".into());
        println!(
            "{:>3}. [{:.3}] {} {} {}  {}",
            args.offset + rank + 1,
            hit.score,
            hit.id,
            hit.kind.as_str(),
            date,
            hit.title
        );
        if let Some(snippet) = hit.snippets.as_ref().and_then(|s| s.r#abstract.as_ref()) {
            println!("      {snippet}");
        }
    }
    Ok(())
}

fn run_import(args: ImportArgs) -> Result<()> {
    let Some(format) = Format::parse(&args.format) else {
        let names: Vec<&str> = Format::ALL.iter().map(|(n, _)| *n).collect();
        bail!(
            "unknown format `{}`; formats: {}",
            args.format,
            names.join(", ")
        );
    };
    let summary = import_to_ndjson(format, &args.input, &args.output)?;
    eprintln!(
        "wrote {} records to {}",
        summary.records,
        args.output.display()
    );
    for error in &summary.rejected {
        eprintln!("  rejected {error}");
    }
    Ok(())
}

fn run_report(args: ReportArgs) -> Result<()> {
    use chaxin_report::draft::{ReportRequest, ReportStyle};
    use chaxin_report::render::{self, ReportFormat};
    let text = if args.request.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin())?
    } else {
        std::fs::read_to_string(&args.request)
            .with_context(|| format!("reading {}", args.request.display()))?
    };
    let mut request: ReportRequest = serde_json::from_str(&text)
        .with_context(|| format!("{}: not a report request", args.request.display()))?;
    let format = ReportFormat::parse(&args.format).with_context(|| {
        format!(
            "unknown format `{}`: json, markdown, html or docx",
            args.format
        )
    })?;
    if format == ReportFormat::Docx && args.output.is_none() {
        bail!("--format docx needs --output FILE.docx");
    }
    if let Some(style) = &args.style {
        request.style = ReportStyle::parse(style)
            .with_context(|| format!("unknown style `{style}`: station or examiner"))?;
    }
    let config = SearchConfig {
        lexicon: Arc::new(load_lexicon(&args.lexicon)?),
        ..SearchConfig::default()
    };
    let engine = SearchEngine::new(ChaxinIndex::open(&args.index)?, config)?;
    let report = chaxin_report::builder::build_report(&engine, &request, &Default::default())?;
    let bytes = match format {
        // Pretty for reading on a terminal; the API's is compact.
        ReportFormat::Json => serde_json::to_vec_pretty(&report)?,
        format => render::render(&report, format)?,
    };
    match &args.output {
        Some(path) => {
            std::fs::write(path, &bytes).with_context(|| format!("writing {}", path.display()))?;
            eprintln!(
                "wrote the {} draft of `{}` ({} documents cited) to {}",
                args.format,
                report.project.name,
                report.domestic.len() + report.foreign.len(),
                path.display()
            );
        }
        None => std::io::Write::write_all(&mut std::io::stdout(), &bytes)?,
    }
    Ok(())
}

fn run_generate(args: GenerateArgs) -> Result<()> {
    let started = std::time::Instant::now();
    let pool = Recombiner::from_inputs(&collect_inputs(&args.sources)?)?;
    let summary = write_output(
        &args.output,
        3,
        |e| anyhow::Error::new(e).context(format!("writing {}", args.output.display())),
        |out| Ok(synthetic::generate(&pool, args.seed, args.records, out)?),
    )?;
    eprintln!(
        "wrote {} records ({:.1} MB of NDJSON, from {} real records, seed {}) to {} in {:.1} s",
        summary.records,
        summary.bytes as f64 / 1e6,
        summary.source_records,
        args.seed,
        args.output.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Loads the lexicon files of `dir` (`none`, or a directory that does not exist: an empty
/// lexicon), logging what was loaded.
fn load_lexicon(dir: &Path) -> Result<chaxin_lexicon::Lexicon> {
    if dir.as_os_str() == "none" {
        return Ok(chaxin_lexicon::Lexicon::default());
    }
    let started = std::time::Instant::now();
    let lexicon = chaxin_lexicon::load_dir(dir)?;
    for (origin, pairs) in lexicon.origins() {
        tracing::info!("lexicon {}: {origin}, {pairs} pairs", dir.display());
    }
    if lexicon.is_empty() {
        tracing::warn!(
            "no lexicon in {}: search stays in the query's language",
            dir.display()
        );
    } else {
        tracing::info!("lexicon loaded in {:.2} s", started.elapsed().as_secs_f64());
    }
    Ok(lexicon)
}

/// `config` with the terminology of the set's own corpus added to its lexicon, as
/// `chaxin lexicon build --records` mines it from the records an index holds.
fn with_corpus_terms(config: &SearchConfig, dataset: &chaxin_eval::Dataset) -> SearchConfig {
    if config.lexicon.is_empty() {
        return config.clone();
    }
    let sources: Vec<chaxin_lexicon::terms::TermSource> = dataset
        .docs
        .iter()
        .map(|d| chaxin_lexicon::terms::TermSource {
            keywords: Vec::new(),
            texts: vec![d.title.clone(), d.text.clone()],
        })
        .collect();
    let terms =
        chaxin_lexicon::terms::mine_terms(&chaxin_text::Analyzer::default_settings(), &sources);
    tracing::info!(
        "{}: {} terms mined from its corpus",
        dataset.name,
        terms.len()
    );
    let mut lexicon = (*config.lexicon).clone();
    lexicon.add_terms(&terms);
    SearchConfig {
        lexicon: Arc::new(lexicon),
        ..config.clone()
    }
}

fn run_eval(args: EvalArgs) -> Result<()> {
    let mut reports = Vec::new();
    let config = SearchConfig {
        lexicon: Arc::new(load_lexicon(&args.lexicon)?),
        ..SearchConfig::default()
    };
    let fold = args.fold.as_deref().map(lexicon::parse_fold).transpose()?;
    for dir in &args.dirs {
        let mut dataset = chaxin_eval::load(dir)?;
        if let Some((k, n)) = fold {
            dataset.keep_fold(k, n);
        }
        let mode = match args.mode {
            EvalMode::Search => chaxin_eval::Mode::Search,
            EvalMode::Novelty => chaxin_eval::Mode::Novelty,
        };
        let config = with_corpus_terms(&config, &dataset);
        let report = chaxin_eval::evaluate(&dataset, &config, mode)?;
        if let Some(runs) = &args.runs {
            std::fs::create_dir_all(runs)
                .with_context(|| format!("creating {}", runs.display()))?;
            let path = runs.join(format!("{}.run", report.name));
            std::fs::write(&path, chaxin_eval::trec_run(&report))
                .with_context(|| format!("writing {}", path.display()))?;
        }
        if let Some(dir) = &args.explain {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            let path = dir.join(format!("{}.explain.ndjson", report.name));
            let mut lines = String::new();
            for (query, explanation) in &report.explanations {
                let mut line = serde_json::json!({ "id": query });
                if let (Some(line), Some(e)) = (line.as_object_mut(), explanation.as_object()) {
                    line.extend(e.clone());
                }
                lines.push_str(&line.to_string());
                lines.push('\n');
            }
            std::fs::write(&path, lines).with_context(|| format!("writing {}", path.display()))?;
        }
        reports.push(report);
    }
    print!("{}", chaxin_eval::markdown_table(&reports));
    if let Some(path) = &args.json {
        let by_set: serde_json::Map<String, serde_json::Value> = reports
            .iter()
            .map(|r| Ok((r.name.clone(), serde_json::to_value(r)?)))
            .collect::<Result<_>>()?;
        std::fs::write(path, serde_json::to_string_pretty(&by_set)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}
