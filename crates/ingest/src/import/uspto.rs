//! USPTO full-text XML: `us-patent-grant` and `us-patent-application` (DTD v4.x, 2005 on) and
//! the 2001–2004 `patent-application-publication` format. Bulk files that concatenate many
//! documents (each with its own `<?xml` declaration) are split first.

use chaxin_index::{Kind, Localized, Record};
use roxmltree::{Document, Node, ParsingOptions};

use super::csl::empty_record;
use super::util::{collapse_ws, compact_date, line_error, line_of};
use super::Imported;

pub(crate) fn import(text: &str, file: &str) -> Imported {
    let mut starts: Vec<usize> = text.match_indices("<?xml").map(|(i, _)| i).collect();
    if starts.first() != Some(&0) {
        starts.insert(0, 0);
    }
    let mut out = Vec::new();
    for (n, &start) in starts.iter().enumerate() {
        let end = starts.get(n + 1).copied().unwrap_or(text.len());
        let chunk = &text[start..end];
        if chunk.trim().is_empty() {
            continue;
        }
        let first_line = line_of(text, start);
        let options = ParsingOptions {
            allow_dtd: true,
            ..ParsingOptions::default()
        };
        let chunk = resolve_entities(chunk);
        let doc = match Document::parse_with_options(&chunk, options) {
            Ok(doc) => doc,
            Err(e) => {
                let line = first_line + u64::from(e.pos().row) - 1;
                out.push(Err(line_error(file, line, "-", format!("XML: {e}"))));
                continue;
            }
        };
        let root = doc.root_element();
        let record = match root.tag_name().name() {
            "us-patent-grant" | "us-patent-application" => Ok(v4(root)),
            "patent-application-publication" => Ok(pap(root)),
            other => Err(line_error(
                file,
                first_line,
                "-",
                format!("<{other}> is not a US patent grant or application document"),
            )),
        };
        out.push(record.and_then(|r| {
            r.ok_or_else(|| {
                line_error(
                    file,
                    first_line,
                    "doc-number",
                    "document has no publication number",
                )
            })
        }));
    }
    out
}

/// Named character entities of the ISO sets that USPTO documents use without declaring them
/// (their DTDs are external). Unknown names are kept visibly as `&name;` text.
const ENTITIES: &[(&str, char)] = &[
    ("minus", '−'),
    ("plus", '+'),
    ("equals", '='),
    ("times", '×'),
    ("divide", '÷'),
    ("plusmn", '±'),
    ("lsqb", '['),
    ("rsqb", ']'),
    ("lcub", '{'),
    ("rcub", '}'),
    ("lpar", '('),
    ("rpar", ')'),
    ("num", '#'),
    ("percnt", '%'),
    ("dollar", '$'),
    ("commat", '@'),
    ("ast", '*'),
    ("sol", '/'),
    ("bsol", '\\'),
    ("verbar", '|'),
    ("lowbar", '_'),
    ("excl", '!'),
    ("quest", '?'),
    ("colon", ':'),
    ("semi", ';'),
    ("comma", ','),
    ("period", '.'),
    ("hyphen", '-'),
    ("dash", '‐'),
    ("ndash", '–'),
    ("mdash", '—'),
    ("lsquo", '‘'),
    ("rsquo", '’'),
    ("ldquo", '“'),
    ("rdquo", '”'),
    ("bull", '•'),
    ("middot", '·'),
    ("deg", '°'),
    ("micro", 'µ'),
    ("ohm", 'Ω'),
    ("angst", 'Å'),
    ("le", '≤'),
    ("ge", '≥'),
    ("ne", '≠'),
    ("asymp", '≈'),
    ("infin", '∞'),
    ("larr", '←'),
    ("rarr", '→'),
    ("uarr", '↑'),
    ("darr", '↓'),
    ("prime", '′'),
    ("Prime", '″'),
    ("sup2", '²'),
    ("sup3", '³'),
    ("frac12", '½'),
    ("frac14", '¼'),
    ("frac34", '¾'),
    ("nbsp", '\u{a0}'),
    ("thinsp", '\u{2009}'),
    ("emsp", '\u{2003}'),
    ("ensp", '\u{2002}'),
    ("copy", '©'),
    ("reg", '®'),
    ("trade", '™'),
    ("sect", '§'),
    ("para", '¶'),
    ("alpha", 'α'),
    ("beta", 'β'),
    ("gamma", 'γ'),
    ("delta", 'δ'),
    ("epsi", 'ε'),
    ("epsilon", 'ε'),
    ("zeta", 'ζ'),
    ("eta", 'η'),
    ("theta", 'θ'),
    ("iota", 'ι'),
    ("kappa", 'κ'),
    ("lambda", 'λ'),
    ("mu", 'μ'),
    ("nu", 'ν'),
    ("xi", 'ξ'),
    ("pi", 'π'),
    ("rho", 'ρ'),
    ("sigma", 'σ'),
    ("tau", 'τ'),
    ("phi", 'φ'),
    ("chi", 'χ'),
    ("psi", 'ψ'),
    ("omega", 'ω'),
    ("Delta", 'Δ'),
    ("Omega", 'Ω'),
    ("Sigma", 'Σ'),
    ("Phi", 'Φ'),
    ("Gamma", 'Γ'),
    ("Lambda", 'Λ'),
    ("Pi", 'Π'),
    ("Theta", 'Θ'),
];

/// Replaces undeclared named entities (see [`ENTITIES`]) so the document parses.
fn resolve_entities(xml: &str) -> std::borrow::Cow<'_, str> {
    const XML_NAMES: [&str; 5] = ["amp", "lt", "gt", "quot", "apos"];
    if !xml.contains('&') {
        return xml.into();
    }
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(pos) = rest.find('&') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        let name_len = after
            .char_indices()
            .find(|&(i, c)| !(c.is_ascii_alphanumeric() && (i > 0 || c.is_ascii_alphabetic())))
            .map_or(after.len(), |(i, _)| i);
        let name = &after[..name_len];
        let is_named = name_len > 0 && after[name_len..].starts_with(';');
        if !is_named || XML_NAMES.contains(&name) {
            out.push('&');
            rest = after;
            continue;
        }
        match ENTITIES.iter().find(|(n, _)| *n == name) {
            Some(&(_, c)) => out.push(c),
            None => {
                out.push_str("&amp;");
                out.push_str(name);
                out.push(';');
            }
        }
        rest = &after[name_len + 1..];
    }
    out.push_str(rest);
    out.into()
}

fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|c| c.has_tag_name(name))
}

fn path<'a, 'i>(node: Node<'a, 'i>, names: &[&str]) -> Option<Node<'a, 'i>> {
    names.iter().try_fold(node, |n, name| child(n, name))
}

fn descendants<'a, 'i: 'a>(
    node: Node<'a, 'i>,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    node.descendants().filter(move |d| d.has_tag_name(name))
}

/// All text below `node`, white space collapsed.
fn text(node: Node<'_, '_>) -> String {
    let raw: String = node
        .descendants()
        .filter(|d| d.is_text())
        .filter_map(|d| d.text())
        .collect();
    collapse_ws(&raw)
}

fn child_text(node: Node<'_, '_>, name: &str) -> Option<String> {
    child(node, name).map(text).filter(|t| !t.is_empty())
}

/// Paragraph-like elements below `node`, one per line.
fn paragraphs(node: Node<'_, '_>, element: &str) -> Option<String> {
    let lines: Vec<String> = descendants(node, element)
        .map(text)
        .filter(|t| !t.is_empty())
        .collect();
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// `G06F015/16` → `G06F 15/16`.
fn readable_ipc(code: &str) -> String {
    let code: String = code.split_whitespace().collect();
    if code.len() <= 4 {
        return code;
    }
    let (subclass, rest) = code.split_at(4);
    match rest.split_once('/') {
        Some((group, sub)) => format!("{subclass} {}/{sub}", group.trim_start_matches('0')),
        None => format!("{subclass} {}", rest.trim_start_matches('0')),
    }
}

/// An IPCR/CPC element with section, class, subclass, main-group, subgroup children.
fn structured_class(node: Node<'_, '_>) -> Option<String> {
    let get = |n| child_text(node, n).unwrap_or_default();
    let head = format!("{}{}{}", get("section"), get("class"), get("subclass"));
    if head.len() != 4 {
        return None;
    }
    Some(format!("{head} {}/{}", get("main-group"), get("subgroup")))
}

fn person(addressbook: Node<'_, '_>) -> Option<String> {
    if let Some(org) = child_text(addressbook, "orgname") {
        return Some(org);
    }
    let last = child_text(addressbook, "last-name")?;
    Some(match child_text(addressbook, "first-name") {
        Some(first) => format!("{last}, {first}"),
        None => last,
    })
}

fn dedup(mut v: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    v.retain(|x| seen.insert(x.clone()));
    v
}

fn base_record(number: &str, kind_code: &str) -> Record {
    let number = number.trim().trim_start_matches('0');
    let mut record = empty_record();
    record.id = format!("US{number}");
    record.kind = Kind::Patent;
    record.lang = Some("en".into());
    record.pub_number = Some(format!("US{number}{kind_code}"));
    record.source = Some("USPTO".into());
    record.url = Some(format!(
        "https://patents.google.com/patent/US{number}{kind_code}"
    ));
    record
}

/// DTD v4.x grants and applications.
fn v4(root: Node<'_, '_>) -> Option<Record> {
    let bib = root
        .children()
        .find(|c| c.tag_name().name().starts_with("us-bibliographic-data"))?;
    let pubref = path(bib, &["publication-reference", "document-id"])?;
    let number = child_text(pubref, "doc-number")?;
    let kind_code = child_text(pubref, "kind").unwrap_or_default();
    let mut record = base_record(&number, &kind_code);
    record.pub_date = child_text(pubref, "date").and_then(|d| compact_date(&d));
    if let Some(appref) = path(bib, &["application-reference", "document-id"]) {
        record.application_number = child_text(appref, "doc-number").map(|n| format!("US{n}"));
        record.filing_date = child_text(appref, "date").and_then(|d| compact_date(&d));
    }
    record.priority_date = descendants(bib, "priority-claim")
        .filter_map(|p| child_text(p, "date").and_then(|d| compact_date(&d)))
        .min();
    record.title = child_text(bib, "invention-title").map(Localized::Text);
    let mut ipc: Vec<String> = Vec::new();
    for node in descendants(bib, "classification-ipc") {
        for c in node.children().filter(|c| {
            c.has_tag_name("main-classification") || c.has_tag_name("further-classification")
        }) {
            ipc.push(readable_ipc(&text(c)));
        }
    }
    ipc.extend(descendants(bib, "classification-ipcr").filter_map(structured_class));
    record.ipc = dedup(ipc);
    record.cpc = dedup(
        descendants(bib, "classification-cpc")
            .filter_map(structured_class)
            .collect(),
    );
    let mut inventors: Vec<String> = descendants(bib, "inventor")
        .filter_map(|i| child(i, "addressbook").and_then(person))
        .collect();
    let mut applicants: Vec<String> = Vec::new();
    for applicant in bib
        .descendants()
        .filter(|d| d.has_tag_name("applicant") || d.has_tag_name("us-applicant"))
    {
        let Some(name) = child(applicant, "addressbook").and_then(person) else {
            continue;
        };
        if applicant.attribute("app-type") == Some("applicant-inventor") {
            inventors.push(name);
        } else if child(applicant, "addressbook")
            .and_then(|a| child(a, "orgname"))
            .is_some()
        {
            applicants.push(name);
        }
    }
    applicants.extend(
        descendants(bib, "assignee").filter_map(|a| child(a, "addressbook").and_then(person)),
    );
    record.inventors = dedup(inventors);
    record.applicants = dedup(applicants);
    read_body(
        &mut record,
        root,
        ["abstract", "claims", "description", "p"],
    );
    Some(record)
}

/// Abstract, claims (one per line) and description (one paragraph per line); the formats differ
/// only in element names: `[abstract, claims, description, paragraph]`.
fn read_body(
    record: &mut Record,
    root: Node<'_, '_>,
    [abstract_el, claims_el, description_el, paragraph_el]: [&str; 4],
) {
    record.abstract_text = child(root, abstract_el)
        .map(text)
        .filter(|t| !t.is_empty())
        .map(Localized::Text);
    record.claims = child(root, claims_el).and_then(|c| paragraphs(c, "claim"));
    record.description = child(root, description_el).and_then(|d| paragraphs(d, paragraph_el));
}

/// 2001–2004 pre-grant publications.
fn pap(root: Node<'_, '_>) -> Option<Record> {
    let bib = child(root, "subdoc-bibliographic-information")?;
    let docid = child(bib, "document-id")?;
    let number = child_text(docid, "doc-number")?;
    let kind_code = child_text(docid, "kind-code").unwrap_or_default();
    let mut record = base_record(&number, &kind_code);
    record.pub_date = child_text(docid, "document-date").and_then(|d| compact_date(&d));
    if let Some(filing) = descendants(bib, "domestic-filing-data").next() {
        record.application_number =
            path(filing, &["application-number", "doc-number"]).map(|n| format!("US{}", text(n)));
        record.filing_date = child_text(filing, "filing-date").and_then(|d| compact_date(&d));
    }
    record.priority_date = descendants(bib, "foreign-priority-data")
        .filter_map(|p| child_text(p, "filing-date").and_then(|d| compact_date(&d)))
        .min();
    record.title = descendants(bib, "title-of-invention")
        .next()
        .map(text)
        .filter(|t| !t.is_empty())
        .map(Localized::Text);
    record.ipc = dedup(
        descendants(bib, "ipc")
            .map(|n| readable_ipc(&text(n)))
            .filter(|c| !c.is_empty())
            .collect(),
    );
    record.inventors = dedup(
        descendants(bib, "name")
            .filter(|n| n.ancestors().any(|a| a.has_tag_name("inventors")))
            .filter_map(|n| {
                let family = child_text(n, "family-name")?;
                Some(match child_text(n, "given-name") {
                    Some(given) => format!("{family}, {given}"),
                    None => family,
                })
            })
            .collect(),
    );
    record.applicants = dedup(
        descendants(bib, "assignee")
            .filter_map(|a| child_text(a, "organization-name"))
            .collect(),
    );
    read_body(
        &mut record,
        root,
        [
            "subdoc-abstract",
            "subdoc-claims",
            "subdoc-description",
            "paragraph",
        ],
    );
    Some(record)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GRANT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE us-patent-grant SYSTEM "us-patent-grant-v45-2014-04-03.dtd" [ ]>
<us-patent-grant lang="EN" dtd-version="v4.5 2014-04-03">
<us-bibliographic-data-grant>
<publication-reference><document-id><country>US</country><doc-number>08926509</doc-number><kind>B2</kind><date>20150106</date></document-id></publication-reference>
<application-reference appl-type="utility"><document-id><country>US</country><doc-number>12134151</doc-number><date>20080605</date></document-id></application-reference>
<classifications-ipcr><classification-ipcr><section>A</section><class>61</class><subclass>B</subclass><main-group>5</main-group><subgroup>00</subgroup></classification-ipcr></classifications-ipcr>
<invention-title id="d2e53">Wireless physiological sensor patches and systems</invention-title>
<us-parties><inventors><inventor sequence="001"><addressbook><last-name>Magar</last-name><first-name>Surendar</first-name></addressbook></inventor></inventors>
<us-agents><agent><addressbook><orgname>Law Firm &amp; Co</orgname></addressbook></agent></us-agents></us-parties>
<assignees><assignee><addressbook><orgname>Hmicro, Inc.</orgname></addressbook></assignee></assignees>
</us-bibliographic-data-grant>
<abstract id="abstract"><p id="p-0001">A wireless   sensor patch.</p></abstract>
<claims id="claims"><claim id="CLM-00001" num="00001"><claim-text>1. A patch comprising: <claim-text>a sensor;</claim-text></claim-text></claim><claim id="CLM-00002"><claim-text>2. The patch of claim 1.</claim-text></claim></claims>
</us-patent-grant>
"#;

    #[test]
    fn imports_a_v4_grant() {
        let out = import(GRANT, "g.xml");
        let r = out[0].as_ref().unwrap();
        assert_eq!(r.id, "US8926509");
        assert_eq!(r.pub_number.as_deref(), Some("US8926509B2"));
        assert_eq!(r.pub_date.unwrap().to_string(), "2015-01-06");
        assert_eq!(r.filing_date.unwrap().to_string(), "2008-06-05");
        assert_eq!(r.ipc, vec!["A61B 5/00"]);
        assert_eq!(r.inventors, vec!["Magar, Surendar"]);
        assert_eq!(r.applicants, vec!["Hmicro, Inc."]);
        assert_eq!(
            r.display_title(),
            "Wireless physiological sensor patches and systems"
        );
        assert_eq!(
            r.claims.as_deref(),
            Some("1. A patch comprising: a sensor;\n2. The patch of claim 1.")
        );
    }

    #[test]
    fn splits_bulk_files_and_locates_errors() {
        let bulk = format!(
            "{GRANT}<?xml version=\"1.0\"?>\n<us-patent-grant><broken></us-patent-grant>\n"
        );
        let out = import(&bulk, "bulk.xml");
        assert_eq!(out.len(), 2);
        assert!(out[0].is_ok());
        let err = out[1].as_ref().unwrap_err();
        assert_eq!(err.line, line_of(&bulk, bulk.rfind("<?xml").unwrap()) + 1);
    }

    #[test]
    fn undeclared_entities_are_resolved() {
        assert_eq!(
            resolve_entities("a &minus; b &lsqb;1&rsqb; &amp; &unknownx; &#x26;"),
            "a − b [1] &amp; &amp;unknownx; &#x26;"
        );
    }

    #[test]
    fn ipc_codes_are_made_readable() {
        assert_eq!(readable_ipc("G06F015/16"), "G06F 15/16");
        assert_eq!(readable_ipc("A61B005/00"), "A61B 5/00");
    }
}
