//! Reference-manager exports → chaxin records: RIS, EndNote/Refer, RefWorks, NoteExpress and
//! CNKI E-Study, as CNKI, Wanfang and reference managers write them.
//!
//! All five are "one tagged field per line" formats; they differ in how a line is tagged,
//! where a record starts and ends, and what the tags mean. Each format is a line reader plus a
//! tag table; one mapper turns tagged fields into a [`Record`]. Tags a table does not know are
//! kept under `extra` (as strings), so nothing an export carries is dropped.
//!
//! Authors are split on `;` (and on `,` in Chinese lists without `;`), keywords on `;`/`;;`;
//! ISSN, ISBN and CN serial numbers are kept; zero-padded issues (`05`) become `5`.
//! A record without an id gets `ref:` plus a hash of its title, first author and year, so
//! importing the same export twice replaces instead of duplicating.//!
//! - [`tags`]: what each format's tags mean, and how a line is tagged;
//! - [`reader`]: lines → tagged records;
//! - [`fields`]: the value parsers (lists, dates, issues, serial numbers);
//! - [`record`]: tagged fields → a [`Record`].

mod fields;
mod reader;
mod record;
mod tags;

pub use fields::normalise_issue;

use super::Imported;

/// A reference-manager format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefFormat {
    /// RIS (`TY  - JOUR` … `ER  -`), as CNKI, Wanfang and reference managers export it.
    Ris,
    /// EndNote tagged / Refer (`%0 Journal Article`, `%A`, `%T`, …).
    EndNote,
    /// RefWorks tagged (`RT Journal Article`, `A1`, `T1`, …).
    RefWorks,
    /// NoteExpress (`{Reference Type}: Journal Article`, `{Title}: …`).
    NoteExpress,
    /// CNKI E-Study (`DataType: 1`, `Title-题名: …`).
    EStudy,
}

/// Reads a reference-manager export.
pub(crate) fn import(format: RefFormat, text: &str, file: &str) -> Imported {
    reader::read_tagged(format, text, file)
        .into_iter()
        .map(|tagged| record::to_record(format, tagged?, file))
        .collect()
}

#[cfg(test)]
mod tests {
    use chaxin_index::{Kind, Record};

    use super::*;

    fn one(format: RefFormat, text: &str) -> Record {
        let mut out = import(format, text, "t");
        assert_eq!(out.len(), 1, "{out:?}");
        out.remove(0).unwrap()
    }

    #[test]
    fn noteexpress_from_cnki() {
        let r = one(
            RefFormat::NoteExpress,
            "{Reference Type}: Journal Article\n{Title}: 基于平方和优化的飞行器大角度机动镇定控制器设计\n{Author}: 张三;李四;\n{Author Address}: 北京航空航天大学;\n{Journal}: 控制理论与应用\n{Year}: 2019\n{Volume}: 36\n{Issue}: 05\n{Pages}: 721-728\n{Keywords}: 平方和优化;;镇定控制;;飞行器\n{Abstract}: 采用修正的Rodrigues参数(MRP),建立了飞行器姿态控制系统的数学模型。\n{ISBN/ISSN}: 1000-8152\n{Notes}: 44-1240/TP\n{Database Provider}: CNKI\n",
        );
        assert_eq!(r.kind, Kind::Paper);
        assert_eq!(r.authors, ["张三", "李四"]);
        assert_eq!(r.keywords, ["平方和优化", "镇定控制", "飞行器"]);
        assert_eq!(r.issue.as_deref(), Some("5"));
        assert_eq!(r.issn.as_deref(), Some("1000-8152"));
        assert_eq!(r.cn.as_deref(), Some("44-1240/TP"));
        assert_eq!(r.pages.as_deref(), Some("721-728"));
        assert_eq!(r.source.as_deref(), Some("CNKI"));
        assert_eq!(r.lang(), "zh");
        assert!(r.id.starts_with("ref:"));
    }

    #[test]
    fn endnote_refworks_and_estudy() {
        let r = one(
            RefFormat::EndNote,
            "%0 Journal Article\n%A 袁训来\n%A 陈哲\n%+ 中国科学院南京地质古生物研究所\n%T 蓝田生物群\n%J 科学通报\n%D 2012\n%V 55\n%N 34\n%K 埃迪卡拉纪;多细胞生物\n%X 蓝田生物群是迄今已知最古老的宏体生物群。\n%P 3219\n%@ 0023-074X\n%L 11-1784/N\n%W CNKI\n",
        );
        assert_eq!(r.authors, ["袁训来", "陈哲"]);
        assert_eq!(r.cn.as_deref(), Some("11-1784/N"));
        assert_eq!(r.pub_date.unwrap().year, 2012);
        let r = one(
            RefFormat::RefWorks,
            "RT Journal Article\nSR 1\nA1 袁训来;陈哲\nT1 蓝田生物群\nJF 科学通报\nYR 2012\nIS 034\nVO 55\nOP 3230\nSP 3219\nK1 埃迪卡拉纪;多细胞生物\nSN 0023-074X\nCN 11-1784/N\nDS CNKI\n",
        );
        assert_eq!(r.issue.as_deref(), Some("34"));
        assert_eq!(r.pages.as_deref(), Some("3219-3230"));
        assert_eq!(r.cn.as_deref(), Some("11-1784/N"));
        let r = one(
            RefFormat::EStudy,
            "DataType: 1\nTitle-题名: 蓝田生物群\nAuthor-作者: 袁训来;陈哲;\nSource-文献来源: 科学通报\nKeyword-关键词: 埃迪卡拉纪;多细胞生物;\nSummary-摘要: 蓝田生物群是迄今已知最古老的宏体生物群。\nPubTime-发表时间: 2012-12-10 14:40\nPeriod-期: 34\nPageCount-页码: 3219-3230\nCN-国内统一刊号: 11-1784/N\nCLC-中图分类号: Q911\n",
        );
        assert_eq!(r.pub_date.unwrap().to_string(), "2012-12-10");
        assert_eq!(r.extra.unwrap()["CLC"], "Q911");
        assert_eq!(r.source.as_deref(), Some("CNKI"));
    }

    #[test]
    fn bad_records_are_reported_with_their_line() {
        let out = import(
            RefFormat::Ris,
            "TY  - JOUR\nTI  - Good\nER  - \n\nAU  - Stray\nTY  - JOUR\nPY  - 20x9\nTI  - Bad date\nER  - \nTY  - JOUR\nAU  - Smith, J.\nER  - \nTY  - JOUR\nTI  - Never closed\n",
            "refs.ris",
        );
        let errors: Vec<_> = out.iter().filter_map(|r| r.as_ref().err()).collect();
        assert_eq!(out.len(), 5, "{out:?}");
        assert_eq!((errors[0].line, errors[0].field.as_str()), (5, "AU"));
        assert_eq!((errors[1].line, errors[1].field.as_str()), (7, "PY"));
        assert_eq!((errors[2].line, errors[2].field.as_str()), (10, "title"));
        assert_eq!((errors[3].line, errors[3].field.as_str()), (13, "ER"));
        assert!(errors.iter().all(|e| e.file == "refs.ris"));
    }

    #[test]
    fn issues_lose_their_padding_only() {
        for (given, expected) in [
            ("05", "5"),
            ("034", "34"),
            ("01-02", "1-2"),
            ("S1", "S1"),
            ("0", "0"),
            ("Z1", "Z1"),
        ] {
            assert_eq!(normalise_issue(given), expected, "{given}");
        }
    }

    #[test]
    fn the_same_export_gets_the_same_ids() {
        let text = "%0 Journal Article\n%T 蓝田生物群\n%A 袁训来\n%D 2012\n";
        assert_eq!(
            one(RefFormat::EndNote, text).id,
            one(RefFormat::EndNote, text).id
        );
    }

    mod fuzz {
        use proptest::prelude::*;

        use super::*;

        /// Lines that look like each format's, and anything else.
        fn line() -> impl Strategy<Value = String> {
            prop_oneof![
                Just("TY  - JOUR".to_string()),
                Just("ER  - ".to_string()),
                Just("%0 Journal Article".to_string()),
                Just("RT Journal Article".to_string()),
                Just("{Reference Type}: Patent".to_string()),
                Just("DataType: 1".to_string()),
                Just(String::new()),
                "[A-Z][A-Z0-9]  - \\PC{0,12}",
                "%[A-Z0-9@+] \\PC{0,12}",
                "[A-Z][A-Z0-9] \\PC{0,12}",
                "\\{[A-Za-z /]{1,12}\\}: \\PC{0,12}",
                "[A-Za-z]{1,10}-[题名作者期]{1,3}[:：] ?\\PC{0,12}",
                "\\PC{0,16}",
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

            /// No input makes a reader panic; every error points at a line of the input,
            /// and every record it accepts is valid.
            #[test]
            fn readers_never_panic_and_locate_errors(lines in prop::collection::vec(line(), 0..24)) {
                let text = lines.join("\n");
                let count = text.lines().count() as u64;
                for format in [RefFormat::Ris, RefFormat::EndNote, RefFormat::RefWorks, RefFormat::NoteExpress, RefFormat::EStudy] {
                    for item in import(format, &text, "fuzz") {
                        match item {
                            Ok(mut record) => prop_assert!(record.validate().is_ok()),
                            Err(e) => prop_assert!((1..=count).contains(&e.line), "{e:?} in {count} lines"),
                        }
                    }
                }
            }
        }
    }
}
