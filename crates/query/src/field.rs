//! Field names users can put before `:` in a query.

use chaxin_index::TextField;

/// What a `field:` prefix refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldRef {
    /// An analysed text field.
    Text(TextField),
    /// An exact-value field.
    Raw(RawField),
}

/// Fields matched by exact (normalised) value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RawField {
    Id,
    Kind,
    Lang,
    Doi,
    Number,
    Ipc,
    Cpc,
    Source,
    Discipline,
    Family,
}

/// Accepted field names and aliases, as documented in the README.
pub const KNOWN_FIELDS: &[(&str, FieldRef)] = &[
    ("title", FieldRef::Text(TextField::Title)),
    ("ti", FieldRef::Text(TextField::Title)),
    ("abstract", FieldRef::Text(TextField::Abstract)),
    ("ab", FieldRef::Text(TextField::Abstract)),
    ("keywords", FieldRef::Text(TextField::Keywords)),
    ("keyword", FieldRef::Text(TextField::Keywords)),
    ("kw", FieldRef::Text(TextField::Keywords)),
    ("claims", FieldRef::Text(TextField::Claims)),
    ("cl", FieldRef::Text(TextField::Claims)),
    ("description", FieldRef::Text(TextField::Description)),
    ("authors", FieldRef::Text(TextField::Authors)),
    ("author", FieldRef::Text(TextField::Authors)),
    ("au", FieldRef::Text(TextField::Authors)),
    ("inventor", FieldRef::Text(TextField::Authors)),
    ("affiliations", FieldRef::Text(TextField::Affiliations)),
    ("affiliation", FieldRef::Text(TextField::Affiliations)),
    ("af", FieldRef::Text(TextField::Affiliations)),
    ("applicant", FieldRef::Text(TextField::Affiliations)),
    ("venue", FieldRef::Text(TextField::Venue)),
    ("id", FieldRef::Raw(RawField::Id)),
    ("kind", FieldRef::Raw(RawField::Kind)),
    ("lang", FieldRef::Raw(RawField::Lang)),
    ("doi", FieldRef::Raw(RawField::Doi)),
    ("number", FieldRef::Raw(RawField::Number)),
    ("pn", FieldRef::Raw(RawField::Number)),
    ("ipc", FieldRef::Raw(RawField::Ipc)),
    ("cpc", FieldRef::Raw(RawField::Cpc)),
    ("source", FieldRef::Raw(RawField::Source)),
    ("discipline", FieldRef::Raw(RawField::Discipline)),
    ("family", FieldRef::Raw(RawField::Family)),
];

impl FieldRef {
    /// Looks a field name up (case-insensitive).
    pub fn parse(name: &str) -> Option<FieldRef> {
        let lower = name.to_ascii_lowercase();
        KNOWN_FIELDS
            .iter()
            .find(|(n, _)| *n == lower)
            .map(|&(_, f)| f)
    }

    /// Canonical name (used in the normalised query).
    pub fn name(self) -> &'static str {
        match self {
            FieldRef::Text(t) => t.name(),
            FieldRef::Raw(r) => match r {
                RawField::Id => "id",
                RawField::Kind => "kind",
                RawField::Lang => "lang",
                RawField::Doi => "doi",
                RawField::Number => "number",
                RawField::Ipc => "ipc",
                RawField::Cpc => "cpc",
                RawField::Source => "source",
                RawField::Discipline => "discipline",
                RawField::Family => "family",
            },
        }
    }
}

/// Canonical field names, for error messages.
pub(crate) fn canonical_names() -> String {
    let mut names: Vec<&str> = KNOWN_FIELDS.iter().map(|(_, f)| f.name()).collect();
    names.dedup();
    names.join(", ")
}
