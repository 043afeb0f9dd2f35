//! Field names users can put before `:` in a query.

use chaxin_index::TextField;

/// What a `field:` prefix (or `CODE=`) refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldRef {
    /// An analysed text field.
    Text(TextField),
    /// Several text fields searched together.
    Group(FieldGroup),
    /// An exact-value field.
    Raw(RawField),
    /// A date field (ranges and comparisons).
    Date(DateField),
}

/// Text fields searched together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldGroup {
    /// `SU`: title, keywords and abstract.
    Subject,
    /// `FT`: all technical text (title, keywords, abstract, claims, description), as words
    /// without a field do.
    FullText,
}

impl FieldGroup {
    /// The fields of the group.
    pub fn fields(self) -> &'static [TextField] {
        match self {
            FieldGroup::Subject => &[TextField::Title, TextField::Keywords, TextField::Abstract],
            FieldGroup::FullText => &[
                TextField::Title,
                TextField::Keywords,
                TextField::Abstract,
                TextField::Claims,
                TextField::Description,
            ],
        }
    }
}

/// Date fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateField {
    /// `PD`: publication date.
    Publication,
    /// `AD`: filing (application) date.
    Filing,
    /// `PR`: priority date.
    Priority,
    /// `ED`: the date that counts for prior art (priority, else filing, else publication).
    Effective,
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

/// Accepted field names and aliases, as documented in the README and `docs/query-language.md`.
/// The two-letter codes are those of CNKI and patent databases; the first name of each field
/// is the one the normalised expression uses.
pub const KNOWN_FIELDS: &[(&str, FieldRef)] = &[
    ("ti", FieldRef::Text(TextField::Title)),
    ("ab", FieldRef::Text(TextField::Abstract)),
    ("ky", FieldRef::Text(TextField::Keywords)),
    ("su", FieldRef::Group(FieldGroup::Subject)),
    ("ft", FieldRef::Group(FieldGroup::FullText)),
    ("au", FieldRef::Text(TextField::Authors)),
    ("af", FieldRef::Text(TextField::Affiliations)),
    ("cl", FieldRef::Text(TextField::Claims)),
    ("ipc", FieldRef::Raw(RawField::Ipc)),
    ("cpc", FieldRef::Raw(RawField::Cpc)),
    ("pd", FieldRef::Date(DateField::Publication)),
    ("ad", FieldRef::Date(DateField::Filing)),
    ("pr", FieldRef::Date(DateField::Priority)),
    ("ed", FieldRef::Date(DateField::Effective)),
    ("la", FieldRef::Raw(RawField::Lang)),
    ("kd", FieldRef::Raw(RawField::Kind)),
    ("description", FieldRef::Text(TextField::Description)),
    ("venue", FieldRef::Text(TextField::Venue)),
    ("id", FieldRef::Raw(RawField::Id)),
    ("doi", FieldRef::Raw(RawField::Doi)),
    ("pn", FieldRef::Raw(RawField::Number)),
    ("source", FieldRef::Raw(RawField::Source)),
    ("discipline", FieldRef::Raw(RawField::Discipline)),
    ("family", FieldRef::Raw(RawField::Family)),
    // Long names and aliases.
    ("title", FieldRef::Text(TextField::Title)),
    ("abstract", FieldRef::Text(TextField::Abstract)),
    ("keywords", FieldRef::Text(TextField::Keywords)),
    ("keyword", FieldRef::Text(TextField::Keywords)),
    ("kw", FieldRef::Text(TextField::Keywords)),
    ("subject", FieldRef::Group(FieldGroup::Subject)),
    ("fulltext", FieldRef::Group(FieldGroup::FullText)),
    ("claims", FieldRef::Text(TextField::Claims)),
    ("authors", FieldRef::Text(TextField::Authors)),
    ("author", FieldRef::Text(TextField::Authors)),
    ("inventor", FieldRef::Text(TextField::Authors)),
    ("affiliations", FieldRef::Text(TextField::Affiliations)),
    ("affiliation", FieldRef::Text(TextField::Affiliations)),
    ("applicant", FieldRef::Text(TextField::Affiliations)),
    ("pub_date", FieldRef::Date(DateField::Publication)),
    ("filing_date", FieldRef::Date(DateField::Filing)),
    ("priority_date", FieldRef::Date(DateField::Priority)),
    ("effective_date", FieldRef::Date(DateField::Effective)),
    ("lang", FieldRef::Raw(RawField::Lang)),
    ("kind", FieldRef::Raw(RawField::Kind)),
    ("number", FieldRef::Raw(RawField::Number)),
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

    /// Canonical name, as the normalised expression writes it (`TI`, `IPC`, `venue`, …).
    pub fn name(self) -> &'static str {
        KNOWN_FIELDS
            .iter()
            .find(|(_, f)| *f == self)
            .map_or("?", |(name, _)| name)
    }

    /// The canonical name in its written form: codes in capitals.
    pub fn display_name(self) -> String {
        let name = self.name();
        if name.len() <= 3 {
            name.to_ascii_uppercase()
        } else {
            name.to_string()
        }
    }
}

/// Canonical field names, for error messages.
pub(crate) fn canonical_names() -> String {
    let mut names: Vec<String> = Vec::new();
    for (_, f) in KNOWN_FIELDS {
        let name = f.display_name();
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names.join(", ")
}
