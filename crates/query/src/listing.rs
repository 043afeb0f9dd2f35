//! What a result list shows of a record: one builder for a search hit and a prior-art
//! candidate, so both name, date and credit a record the same way.

use chaxin_index::{Kind, PartialDate, Record};

/// The listed fields of a record, as a hit and a candidate carry them.
pub(crate) struct Listing {
    pub(crate) id: String,
    pub(crate) kind: Kind,
    pub(crate) lang: String,
    /// The title in the record's own language ([`Record::display_title`]).
    pub(crate) title: String,
    /// Authors, then inventors.
    pub(crate) authors: Vec<String>,
    pub(crate) venue: Option<String>,
    pub(crate) pub_date: Option<PartialDate>,
    pub(crate) doi: Option<String>,
    pub(crate) pub_number: Option<String>,
}

impl Listing {
    pub(crate) fn of(record: &Record) -> Self {
        Listing {
            id: record.id.clone(),
            kind: record.kind,
            lang: record.lang().to_string(),
            title: record.display_title().to_string(),
            authors: record.authors_and_inventors().cloned().collect(),
            venue: record.venue.clone(),
            pub_date: record.pub_date,
            doi: record.doi.clone(),
            pub_number: record.pub_number.clone(),
        }
    }
}
