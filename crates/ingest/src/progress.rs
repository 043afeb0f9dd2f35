//! Progress reporting: a bar on a terminal, periodic log lines otherwise.

use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

/// How an ingest run reports progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressMode {
    /// indicatif bar on stderr (for terminals).
    Bar,
    /// A `tracing` info line every few seconds.
    Log,
    /// Nothing.
    Silent,
}

impl ProgressMode {
    /// `Bar` when stderr is a terminal, `Log` otherwise.
    pub fn auto() -> Self {
        use std::io::IsTerminal;
        if std::io::stderr().is_terminal() {
            ProgressMode::Bar
        } else {
            ProgressMode::Log
        }
    }
}

pub(crate) struct Progress {
    mode: ProgressMode,
    bar: Option<ProgressBar>,
    total_bytes: u64,
    last_log: Instant,
    started: Instant,
}

impl Progress {
    pub(crate) fn new(mode: ProgressMode, total_bytes: u64) -> Self {
        let bar = (mode == ProgressMode::Bar).then(|| {
            let bar = ProgressBar::new(total_bytes);
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar
        });
        Self {
            mode,
            bar,
            total_bytes,
            last_log: Instant::now(),
            started: Instant::now(),
        }
    }

    pub(crate) fn update(&mut self, read_bytes: u64, records: u64, rejected: u64) {
        match self.mode {
            ProgressMode::Bar => {
                if let Some(bar) = &self.bar {
                    bar.set_position(read_bytes);
                    bar.set_message(format!("{records} records, {rejected} rejected"));
                }
            }
            ProgressMode::Log => {
                if self.last_log.elapsed() >= Duration::from_secs(5) {
                    self.last_log = Instant::now();
                    let pct = if self.total_bytes == 0 {
                        100.0
                    } else {
                        100.0 * read_bytes as f64 / self.total_bytes as f64
                    };
                    let rate = records as f64 / self.started.elapsed().as_secs_f64().max(1e-9);
                    tracing::info!(
                        "indexing: {pct:.0}% of input read, {records} records ({rate:.0}/s), {rejected} rejected"
                    );
                }
            }
            ProgressMode::Silent => {}
        }
    }

    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
