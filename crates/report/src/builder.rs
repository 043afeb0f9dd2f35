//! Running a report request: its novelty search (unless the request brings a reviewed
//! result), the records its candidates cite, then the draft ([`crate::draft::build`]). The
//! HTTP API and `chaxin report` both call [`build_report`].

use std::collections::HashMap;

use chaxin_query::{Interrupt, SearchEngine, SearchError};

use crate::draft::{self, Report, ReportError, ReportRequest};

/// Why a report could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The request is refused (the field and the reason).
    #[error(transparent)]
    Invalid(#[from] ReportError),
    /// The novelty search or a record lookup failed (or was interrupted).
    #[error(transparent)]
    Search(#[from] SearchError),
}

/// Runs the novelty search of `request` (stopping when `interrupt` fires) and builds its
/// draft.
pub fn build_report(
    engine: &SearchEngine,
    request: &ReportRequest,
    interrupt: &Interrupt,
) -> Result<Report, BuildError> {
    request.validate()?;
    let searched;
    let novelty = match &request.novelty {
        Some(given) => given,
        None => {
            searched = engine.novelty_until(&request.novelty_request(), interrupt)?;
            &searched
        }
    };
    let mut records = HashMap::new();
    for candidate in &novelty.candidates {
        if let Some(record) = engine.get(&candidate.id)? {
            records.insert(candidate.id.clone(), record);
        }
    }
    let collections = engine.collections()?;
    Ok(draft::build(request, novelty, &records, &collections))
}
