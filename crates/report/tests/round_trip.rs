//! Export RIS → import RIS keeps every field of a record.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chaxin_index::Record;
use chaxin_ingest::import::{import_text, Format, RefFormat};
use chaxin_report::export::{export, ExportFormat, ExportItem};

fn round_trip(records: &[Record]) -> Vec<Record> {
    let items: Vec<ExportItem> = records
        .iter()
        .map(|r| ExportItem {
            record: r.clone(),
            score: None,
            category: None,
        })
        .collect();
    let ris = String::from_utf8(export(ExportFormat::Ris, &items)).unwrap();
    import_text(Format::Refs(RefFormat::Ris), &ris, "export.ris")
        .into_iter()
        .map(|r| r.unwrap_or_else(|e| panic!("{e:?}\n{ris}")))
        .collect()
}

#[test]
fn a_paper_with_every_field_survives() {
    let paper = Record::from_json(
        r#"{"id":"csl-dev-0000","kind":"paper","lang":"zh",
        "title":{"zh":"一种基于平方和优化的飞行器大角度机动镇定控制器设计方法","en":"A stabilizing controller design for large-angle spacecraft manoeuvres based on sum-of-squares optimization"},
        "abstract":{"zh":"采用修正的Rodrigues参数(MRP),建立了飞行器姿态控制系统的数学模型；\n利用刚体姿态动力学方程和运动学方程建立了非线性控制系统模型。","en":"A mathematical model of the attitude control system is built with modified Rodrigues parameters."},
        "keywords":["平方和优化","镇定控制","飞行器"],"authors":["张三","李四","Kanamori, Hiroo"],
        "affiliations":["北京航空航天大学"],"venue":"控制理论与应用","pub_date":"2019-05-14",
        "doi":"10.7641/CTA.2019.80123","url":"https://example.org/cta/2019/05","source":"CSL","discipline":"工学",
        "volume":"36","issue":"5","pages":"721-728","issn":"1000-8152","isbn":"978-7-03-012345-6","cn":"44-1240/TP",
        "publisher":"华南理工大学","place":"广州","extra":{"fund":"国家自然科学基金(61273175)"}}"#,
    )
    .unwrap();
    assert_eq!(round_trip(std::slice::from_ref(&paper)), vec![paper]);
}

#[test]
fn a_patent_with_every_field_survives() {
    let patent = Record::from_json(
        r#"{"id":"US5269177","kind":"patent","lang":"en",
        "title":"Apparatus and method for determining the center of percussion (\"sweet spot\") for baseball bats and other objects",
        "abstract":"Apparatus and method is provided for determining the subjective sweet spot of a baseball bat.",
        "authors":["Miller, James A."],"inventors":["Miller, James A.","Roe, Richard"],"applicants":["Sweet Spot Inc."],
        "pub_date":"1993-12-14","pub_number":"US5269177","application_number":"US07/956481",
        "ipc":["G01M 1/12","A63B 59/06"],"cpc":["A63B60/42"],"priority_date":"1992-10-05","filing_date":"1992-10-05",
        "family_id":"F123","claims":"1. An apparatus for determining the sweet spot of a bat.","description":"BACKGROUND OF THE INVENTION\nBaseball bats have a sweet spot.",
        "url":"https://patents.google.com/patent/US5269177","source":"PatentsView"}"#,
    )
    .unwrap();
    let inventors_only = Record {
        id: "US5864973".into(),
        authors: vec![],
        ..patent.clone()
    };
    let back = round_trip(&[patent.clone(), inventors_only.clone()]);
    assert_eq!(back, vec![patent, inventors_only]);
}

#[test]
fn every_kind_survives() {
    for kind in chaxin_index::Kind::ALL {
        let record = Record::from_json(&format!(
            r#"{{"id":"k-{}","kind":"{}","title":"Sample {}","pub_date":"2020"}}"#,
            kind.as_str(),
            kind.as_str(),
            kind.as_str()
        ))
        .unwrap();
        assert_eq!(round_trip(std::slice::from_ref(&record)), vec![record]);
    }
}
