//! GB/T 7714-2015 references (顺序编码制): `[n] Authors. Title[J]. Journal, year, vol(issue): pages.`
//!
//! Every field that a record lacks is left out with its punctuation, so a partial record still
//! gives a well-formed reference. Punctuation is the standard's (ASCII with a following space),
//! as in its worked examples, which the tests reproduce character for character.

use chaxin_index::{Kind, Record};

use crate::names::{gbt7714_name, has_cjk};

/// Authors listed before `等` / `et al.` (§8.1.2: up to three).
const MAX_LISTED_AUTHORS: usize = 3;

/// The document type code of a kind (§4 and appendix B).
pub fn type_code(kind: Kind) -> &'static str {
    match kind {
        Kind::Paper => "J",
        Kind::Patent => "P",
        Kind::Thesis => "D",
        Kind::Conference => "C",
        Kind::Standard => "S",
        Kind::Report => "R",
        Kind::Book => "M",
        Kind::Preprint => "EB/OL",
        Kind::Other => "Z",
    }
}

/// The responsible persons or bodies: authors; for patents the inventors, else the applicants.
fn creators(record: &Record) -> (Vec<String>, bool) {
    if record.kind == Kind::Patent {
        if !record.inventors.is_empty() {
            return (record.inventors.clone(), true);
        }
        return (record.applicants.clone(), false);
    }
    (record.authors.clone(), true)
}

/// `A, B, C, 等` or `A, B, C, et al.`: at most three, personal names in GB/T 7714 form.
pub fn authors(names: &[String], personal: bool, chinese: bool) -> String {
    let names: Vec<&String> = names.iter().filter(|n| !n.trim().is_empty()).collect();
    let mut listed: Vec<String> = names
        .iter()
        .take(MAX_LISTED_AUTHORS)
        .map(|n| {
            if personal {
                gbt7714_name(n)
            } else {
                n.trim().to_string()
            }
        })
        .collect();
    if names.len() > MAX_LISTED_AUTHORS {
        listed.push(if chinese { "等" } else { "et al." }.to_string());
    }
    listed.join(", ")
}

/// Appends `sep` then `part` when `part` is non-empty.
fn push_part(out: &mut String, sep: &str, part: &str) {
    if !part.is_empty() {
        if !out.is_empty() {
            out.push_str(sep);
        }
        out.push_str(part);
    }
}

fn text(field: &Option<String>) -> &str {
    field.as_deref().map_or("", str::trim)
}

fn year(record: &Record) -> String {
    record
        .pub_date
        .map(|d| d.year.to_string())
        .unwrap_or_default()
}

/// `北京: 中华书局, 2000` (place, publisher and year, each optional).
fn imprint(record: &Record, publisher: &str) -> String {
    let mut out = String::new();
    match (text(&record.place), publisher) {
        (place, "") => push_part(&mut out, "", place),
        ("", publisher) => push_part(&mut out, "", publisher),
        (place, publisher) => out = format!("{place}: {publisher}"),
    }
    push_part(&mut out, ", ", &year(record));
    out
}

/// `: pages` when the record has pages.
fn with_pages(mut out: String, record: &Record) -> String {
    let pages = text(&record.pages);
    if !pages.is_empty() {
        if out.is_empty() {
            out.push_str(pages);
        } else {
            out.push_str(": ");
            out.push_str(pages);
        }
    }
    out
}

/// The publication part after the type code: `科学通报, 2012, 55(34): 3219` for a journal.
fn publication(record: &Record) -> String {
    let venue = text(&record.venue);
    match record.kind {
        Kind::Paper => {
            let mut out = venue.to_string();
            push_part(&mut out, ", ", &year(record));
            let mut volume = text(&record.volume).to_string();
            let issue = text(&record.issue);
            if !issue.is_empty() {
                volume.push_str(&format!("({issue})"));
            }
            push_part(&mut out, ", ", &volume);
            with_pages(out, record)
        }
        Kind::Patent => record.pub_date.map(|d| d.to_string()).unwrap_or_default(),
        Kind::Preprint => {
            let mut out = String::new();
            if let Some(date) = record.pub_date {
                out = format!("({date})");
            }
            push_part(&mut out, ". ", text(&record.url));
            out
        }
        Kind::Conference => {
            // Part of a proceedings (析出文献): `[C]//Proceedings. Place: Publisher, year: pages`.
            let imprint = with_pages(imprint(record, text(&record.publisher)), record);
            let mut out = venue.to_string();
            push_part(&mut out, ". ", &imprint);
            out
        }
        Kind::Thesis | Kind::Book | Kind::Report | Kind::Standard | Kind::Other => {
            let publisher = match text(&record.publisher) {
                "" => venue,
                publisher => publisher,
            };
            with_pages(imprint(record, publisher), record)
        }
    }
}

/// The reference of `record` without its number.
pub fn gbt7714(record: &Record) -> String {
    let title = record.display_title().trim();
    let chinese = record.lang() == "zh" || has_cjk(title);
    let (names, personal) = creators(record);
    let mut out = authors(&names, personal, chinese);
    if !out.is_empty() {
        // `et al.` already ends with the full stop.
        out.push_str(if out.ends_with('.') { " " } else { ". " });
    }
    out.push_str(title);
    if matches!(record.kind, Kind::Patent | Kind::Standard) {
        if let Some(number) = record
            .pub_number
            .as_deref()
            .filter(|n| !n.trim().is_empty())
        {
            out.push_str(": ");
            out.push_str(number.trim());
        }
    }
    out.push('[');
    out.push_str(type_code(record.kind));
    out.push(']');
    let publication = publication(record);
    if !publication.is_empty() {
        out.push_str(if record.kind == Kind::Conference {
            "//"
        } else {
            ". "
        });
        out.push_str(&publication);
    }
    if let Some(doi) = record.doi.as_deref().filter(|d| !d.trim().is_empty()) {
        out.push_str(". DOI: ");
        out.push_str(doi.trim());
    }
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

/// A numbered list, one reference per line: `[1] …`.
pub fn gbt7714_list<'a>(records: impl IntoIterator<Item = &'a Record>) -> String {
    let mut out = String::new();
    for (i, record) in records.into_iter().enumerate() {
        out.push_str(&format!("[{}] {}\n", i + 1, gbt7714(record)));
    }
    out
}

#[cfg(test)]
mod tests {
    use chaxin_index::PartialDate;

    use super::*;

    fn record(kind: Kind, lang: &str, title: &str) -> Record {
        Record {
            id: "t".into(),
            kind,
            lang: Some(lang.into()),
            title: Some(chaxin_index::Localized::Text(title.into())),
            ..Record::default()
        }
    }

    fn date(s: &str) -> Option<PartialDate> {
        Some(PartialDate::parse(s).unwrap())
    }

    fn some(s: &str) -> Option<String> {
        Some(s.to_string())
    }

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    // The worked examples of GB/T 7714-2015 (§8 and appendix A), without the
    // online-access parts (`/OL`, access date, URL) a record does not carry.

    #[test]
    fn journal_articles_match_the_standard() {
        let mut r = record(
            Kind::Paper,
            "zh",
            "蓝田生物群: 一个认识多细胞生物起源和早期演化的新窗口",
        );
        r.authors = names(&["袁训来", "陈哲", "肖书海", "万斌"]);
        r.venue = some("科学通报");
        r.pub_date = date("2012");
        r.volume = some("55");
        r.issue = some("34");
        r.pages = some("3219");
        assert_eq!(
            gbt7714(&r),
            "袁训来, 陈哲, 肖书海, 等. 蓝田生物群: 一个认识多细胞生物起源和早期演化的新窗口[J]. 科学通报, 2012, 55(34): 3219."
        );

        let mut r = record(Kind::Paper, "en", "Shaking without quaking");
        r.authors = names(&["Hiroo Kanamori"]);
        r.venue = some("Science");
        r.pub_date = date("1998");
        r.volume = some("279");
        r.issue = some("5359");
        r.pages = some("2063");
        assert_eq!(
            gbt7714(&r),
            "KANAMORI H. Shaking without quaking[J]. Science, 1998, 279(5359): 2063."
        );

        let mut r = record(Kind::Paper, "en", "Cataloging internet resources");
        r.authors = names(&["Caplan, P."]);
        r.venue = some("The Public-Access Computer Systems Review");
        r.pub_date = date("1993");
        r.volume = some("4");
        r.issue = some("2");
        r.pages = some("61-66");
        assert_eq!(
            gbt7714(&r),
            "CAPLAN P. Cataloging internet resources[J]. The Public-Access Computer Systems Review, 1993, 4(2): 61-66."
        );

        let mut r = record(Kind::Paper, "en", "The genome of eucalyptus grandis");
        r.authors = names(&[
            "Myburg, Alexander A.",
            "Grattapaglia, Dario",
            "Tuskan, Gerald A.",
            "Hellsten, Uffe",
        ]);
        r.venue = some("Nature");
        r.pub_date = date("2014");
        r.volume = some("510");
        r.pages = some("356-362");
        assert_eq!(
            gbt7714(&r),
            "MYBURG A A, GRATTAPAGLIA D, TUSKAN G A, et al. The genome of eucalyptus grandis[J]. Nature, 2014, 510: 356-362."
        );
    }

    #[test]
    fn patents_match_the_standard() {
        let mut r = record(Kind::Patent, "zh", "全智能节电器");
        r.inventors = names(&["邓一刚"]);
        r.pub_number = some("200610171314.3");
        r.pub_date = date("2006-12-13");
        assert_eq!(
            gbt7714(&r),
            "邓一刚. 全智能节电器: 200610171314.3[P]. 2006-12-13."
        );

        let mut r = record(Kind::Patent, "zh", "光折变自适应光外差探测方法");
        r.applicants = names(&["西安电子科技大学"]);
        r.pub_number = some("01128777.2");
        r.pub_date = date("2002-03-06");
        assert_eq!(
            gbt7714(&r),
            "西安电子科技大学. 光折变自适应光外差探测方法: 01128777.2[P]. 2002-03-06."
        );

        let mut r = record(
            Kind::Patent,
            "en",
            "Electronic watermarking method and system",
        );
        r.inventors = names(&[
            "Ryuki Tachibana",
            "Shuichi Shimizu",
            "Seiji Kobayshi",
            "Taiga Nakamura",
        ]);
        r.pub_number = some("US6915001");
        r.pub_date = date("2005-07-05");
        assert_eq!(
            gbt7714(&r),
            "TACHIBANA R, SHIMIZU S, KOBAYSHI S, et al. Electronic watermarking method and system: US6915001[P]. 2005-07-05."
        );
    }

    #[test]
    fn theses_proceedings_standards_and_reports_match_the_standard() {
        let mut r = record(
            Kind::Thesis,
            "zh",
            "人类活动影响下海河流域典型区水循环变化分析",
        );
        r.authors = names(&["马欢"]);
        r.place = some("北京");
        r.publisher = some("清华大学");
        r.pub_date = date("2011");
        r.pages = some("27");
        assert_eq!(
            gbt7714(&r),
            "马欢. 人类活动影响下海河流域典型区水循环变化分析[D]. 北京: 清华大学, 2011: 27."
        );

        let mut r = record(
            Kind::Thesis,
            "en",
            "Infrared spectroscopic studies on solid oxygen",
        );
        r.authors = names(&["Calms, R. B."]);
        r.place = some("Berkeley");
        r.publisher = some("Univ. of California");
        r.pub_date = date("1965");
        assert_eq!(
            gbt7714(&r),
            "CALMS R B. Infrared spectroscopic studies on solid oxygen[D]. Berkeley: Univ. of California, 1965."
        );

        let mut r = record(
            Kind::Conference,
            "zh",
            "面向数字素养的高校图书馆数字服务体系研究",
        );
        r.authors = names(&["贾东琴", "柯平"]);
        r.venue = some("中国图书馆学会. 中国图书馆学会年会论文集: 2011年卷");
        r.place = some("北京");
        r.publisher = some("国家图书馆出版社");
        r.pub_date = date("2011");
        r.pages = some("45-52");
        assert_eq!(
            gbt7714(&r),
            "贾东琴, 柯平. 面向数字素养的高校图书馆数字服务体系研究[C]//中国图书馆学会. 中国图书馆学会年会论文集: 2011年卷. 北京: 国家图书馆出版社, 2011: 45-52."
        );

        let mut r = record(Kind::Standard, "zh", "信息与文献　都柏林核心元数据元素集");
        r.authors = names(&["全国信息与文献标准化技术委员会"]);
        r.pub_number = some("GB/T 25100—2010");
        r.place = some("北京");
        r.publisher = some("中国标准出版社");
        r.pub_date = date("2010");
        r.pages = some("2-3");
        assert_eq!(
            gbt7714(&r),
            "全国信息与文献标准化技术委员会. 信息与文献　都柏林核心元数据元素集: GB/T 25100—2010[S]. 北京: 中国标准出版社, 2010: 2-3."
        );

        let mut r = record(
            Kind::Report,
            "en",
            "Factors regulating the immune response: report of WHO Scientific Group",
        );
        r.authors = names(&["World Health Organization"]);
        r.place = some("Geneva");
        r.publisher = some("WHO");
        r.pub_date = date("1970");
        assert_eq!(
            gbt7714(&r),
            "World Health Organization. Factors regulating the immune response: report of WHO Scientific Group[R]. Geneva: WHO, 1970."
        );
    }

    #[test]
    fn missing_fields_leave_no_stray_punctuation() {
        let r = record(Kind::Paper, "zh", "石墨烯负极材料的制备");
        assert_eq!(gbt7714(&r), "石墨烯负极材料的制备[J].");
        let mut r = record(Kind::Paper, "en", "On graphene anodes");
        r.venue = some("Carbon");
        r.pub_date = date("2019-05");
        r.doi = some("10.1000/x");
        assert_eq!(
            gbt7714(&r),
            "On graphene anodes[J]. Carbon, 2019. DOI: 10.1000/x."
        );
        let list = gbt7714_list([&r, &r]);
        assert!(list.starts_with("[1] On graphene") && list.contains("\n[2] On graphene"));
    }
}
