//! What a result list shows of a record: the one builder of a search hit and of a prior-art
//! candidate, so both name, date and credit a record the same way.

use chaxin_index::Record;

use crate::engine::{Hit, Snippets};
use crate::novelty::{Candidate, Category, PointMatch};

/// A search hit for `record`: its title in its own language ([`Record::display_title`]),
/// authors then inventors.
pub(crate) fn hit(record: &Record, score: f32, snippets: Option<Snippets>) -> Hit {
    Hit {
        id: record.id.clone(),
        score,
        kind: record.kind,
        lang: record.lang().to_string(),
        title: record.display_title().to_string(),
        authors: record.authors_and_inventors().cloned().collect(),
        venue: record.venue.clone(),
        pub_date: record.pub_date,
        doi: record.doi.clone(),
        pub_number: record.pub_number.clone(),
        snippets,
    }
}

/// A prior-art candidate for `record`, listed as a [`hit`] is, with the date compared with
/// the cut-off and what it discloses of each point. Duplicates are collapsed into it later.
pub(crate) fn candidate(
    record: &Record,
    score: f32,
    category: Category,
    points: Vec<PointMatch>,
) -> Candidate {
    let effective_date = record.effective_date();
    Candidate {
        id: record.id.clone(),
        score,
        category,
        kind: record.kind,
        lang: record.lang().to_string(),
        title: record.display_title().to_string(),
        authors: record.authors_and_inventors().cloned().collect(),
        venue: record.venue.clone(),
        pub_date: record.pub_date,
        effective_date,
        date_known: effective_date.is_some(),
        doi: record.doi.clone(),
        pub_number: record.pub_number.clone(),
        points,
        collapsed: Vec::new(),
    }
}
