//! `chaxin serve --config FILE`: the serve settings from a TOML file. A setting given on the
//! command line or in its environment variable wins over the file, which wins over the
//! default. Unknown keys and wrong types are errors with their line and column.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::parser::ValueSource;
use clap::ArgMatches;
use serde::Deserialize;

use crate::ServeArgs;

/// The file's settings: the `serve` flags, in snake case.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ServeFile {
    index: Option<PathBuf>,
    data: Option<PathBuf>,
    lexicon: Option<PathBuf>,
    bind: Option<String>,
    max_body_kb: Option<usize>,
    engine_threads: Option<usize>,
    max_upload_mb: Option<u64>,
    read_keys: Option<Vec<String>>,
    write_keys: Option<Vec<String>>,
    open: Option<bool>,
    timeout_ms: Option<u64>,
    max_writes: Option<usize>,
    upload_idle_ms: Option<u64>,
    upload_min_kbps: Option<u64>,
    threads: Option<usize>,
    memory_mb: Option<usize>,
}

/// Fills the settings `args` did not get from the command line or the environment with the
/// file's.
pub fn apply(args: &mut ServeArgs, matches: &ArgMatches, path: &Path) -> Result<()> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let file: ServeFile =
        toml::from_str(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let given = |id: &str| {
        matches!(
            matches.value_source(id),
            Some(ValueSource::CommandLine | ValueSource::EnvVariable)
        )
    };
    macro_rules! fill {
        ($field:ident) => {
            if let Some(value) = file.$field {
                if !given(stringify!($field)) {
                    args.$field = value.into();
                }
            }
        };
    }
    fill!(index);
    fill!(data);
    fill!(bind);
    fill!(max_body_kb);
    fill!(max_upload_mb);
    fill!(open);
    fill!(timeout_ms);
    fill!(max_writes);
    fill!(upload_idle_ms);
    fill!(upload_min_kbps);
    if let Some(dir) = file.lexicon.filter(|_| !given("lexicon")) {
        args.lexicon = Some(dir);
    }
    if let Some(n) = file.engine_threads.filter(|_| !given("engine_threads")) {
        args.engine_threads = Some(n);
    }
    if let Some(keys) = file.read_keys.filter(|_| !given("read_keys")) {
        args.read_keys = keys.join(",");
    }
    if let Some(keys) = file.write_keys.filter(|_| !given("write_keys")) {
        args.write_keys = keys.join(",");
    }
    if let Some(n) = file.threads.filter(|_| !given("threads")) {
        args.writer.threads = Some(n);
    }
    if let Some(mb) = file.memory_mb.filter(|_| !given("memory_mb")) {
        args.writer.memory_mb = mb;
    }
    Ok(())
}

/// Checks the merged settings; errors name the setting.
pub fn validate(args: &ServeArgs) -> Result<()> {
    use std::net::ToSocketAddrs;
    if args
        .bind
        .to_socket_addrs()
        .map_or(true, |mut a| a.next().is_none())
    {
        bail!(
            "bind: `{}` is not an address such as 127.0.0.1:7700",
            args.bind
        );
    }
    let positive = [
        ("max_body_kb", args.max_body_kb as u64),
        ("max_upload_mb", args.max_upload_mb),
        ("timeout_ms", args.timeout_ms),
        ("max_writes", args.max_writes as u64),
        ("upload_idle_ms", args.upload_idle_ms),
        ("engine_threads", args.engine_threads.unwrap_or(1) as u64),
        ("threads", args.writer.threads.unwrap_or(1) as u64),
    ];
    for (name, value) in positive {
        if value == 0 {
            bail!("{name}: must be at least 1");
        }
    }
    if args.writer.memory_mb < 16 {
        bail!(
            "memory_mb: must be at least 16 (MiB), got {}",
            args.writer.memory_mb
        );
    }
    Ok(())
}
