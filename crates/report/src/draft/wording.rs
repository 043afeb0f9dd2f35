//! The neutral wording of the draft: what was and was not found, where, for each point.

use std::collections::BTreeSet;

use chaxin_query::{Category, Collection};

use super::cited::Citing;
use super::sections::PointComparison;

fn refs(numbers: &[usize]) -> String {
    numbers.iter().map(|n| format!("[{n}]")).collect()
}

fn quoted(words: &[String]) -> String {
    words
        .iter()
        .map(|w| format!("“{w}”"))
        .collect::<Vec<_>>()
        .join("、")
}

/// Collections as a phrase: `CSL（2000—2021）、arXiv（2007—2023）`.
pub(super) fn collections_phrase(collections: &[Collection]) -> String {
    let list: Vec<String> = collections
        .iter()
        .map(|c| match (c.first_year, c.last_year) {
            (Some(a), Some(b)) if a != b => format!("{}（{a}—{b}）", c.name),
            (Some(a), _) => format!("{}（{a}）", c.name),
            _ => c.name.clone(),
        })
        .collect();
    if list.is_empty() {
        "所检索的数据库".into()
    } else {
        list.join("、")
    }
}

/// Neutral wording of what the search found for one point.
pub(super) fn conclusion(
    cmp: &PointComparison,
    citing: &Citing<'_>,
    where_searched: &str,
    cutoff: &str,
) -> String {
    let mut text = format!("在{where_searched}{cutoff}中，");
    let related: Vec<(usize, Category, Vec<String>)> = citing
        .ordered
        .iter()
        .filter_map(|c| {
            let m = c.points.iter().find(|m| m.point == cmp.point)?;
            if m.found.is_empty() {
                return None;
            }
            let features = m.found.iter().map(|f| f.feature.clone()).collect();
            Some((citing.number_of(&c.id)?, m.category, features))
        })
        .collect();
    let all_key: Vec<String> = cmp
        .disclosed
        .iter()
        .map(|d| d.feature.clone())
        .chain(cmp.undisclosed.iter().cloned())
        .collect();
    let of = |category: Category| -> Vec<usize> {
        related
            .iter()
            .filter(|(_, c, _)| *c == category)
            .map(|(n, _, _)| *n)
            .collect()
    };
    let (x, y) = (of(Category::X), of(Category::Y));
    if related.is_empty() {
        text.push_str(&format!(
            "未检出公开本查新点技术特征{}的文献。",
            quoted(&all_key)
        ));
        return text;
    }
    if !x.is_empty() {
        text.push_str(&format!(
            "检出文献{}公开了本查新点的全部关键技术特征（{}）。",
            refs(&x),
            quoted(&all_key)
        ));
    } else if !y.is_empty() {
        text.push_str(&format!(
            "检出文献{}分别公开了本查新点的部分技术特征",
            refs(&y)
        ));
        let parts: Vec<String> = related
            .iter()
            .filter(|(_, c, _)| *c == Category::Y)
            .take(3)
            .map(|(n, _, f)| format!("文献[{n}]公开了{}", quoted(f)))
            .collect();
        text.push_str(&format!("：{}；", parts.join("；")));
        text.push_str("未见单篇文献同时公开本查新点的全部关键技术特征。");
    } else {
        let numbers: Vec<usize> = related.iter().map(|(n, _, _)| *n).take(5).collect();
        let found: BTreeSet<&String> = related.iter().flat_map(|(_, _, f)| f).collect();
        let found: Vec<String> = all_key
            .iter()
            .filter(|k| found.contains(k))
            .cloned()
            .collect();
        text.push_str(&format!(
            "检出的相关文献{}涉及{}，未见同时公开本查新点主要技术特征的文献。",
            refs(&numbers),
            quoted(&found)
        ));
    }
    if !cmp.undisclosed.is_empty() {
        text.push_str(&format!("所检文献均未见公开{}。", quoted(&cmp.undisclosed)));
    }
    text
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use chaxin_query::NoveltyResponse;

    use super::*;

    fn collection(name: &str, years: (Option<i32>, Option<i32>)) -> Collection {
        Collection {
            name: name.into(),
            documents: 1,
            first_year: years.0,
            last_year: years.1,
            kinds: BTreeSet::new(),
            langs: BTreeSet::new(),
        }
    }

    #[test]
    fn collections_are_named_with_their_years() {
        let collections = [
            collection("CSL", (Some(2000), Some(2021))),
            collection("USPTO", (Some(2015), Some(2015))),
            collection("-", (None, None)),
        ];
        assert_eq!(
            collections_phrase(&collections),
            "CSL（2000—2021）、USPTO（2015）、-"
        );
        assert_eq!(collections_phrase(&[]), "所检索的数据库");
    }

    #[test]
    fn a_point_nothing_discloses_is_said_so_with_its_features() {
        let novelty = NoveltyResponse {
            cutoff: None,
            points: Vec::new(),
            considered: 0,
            candidates: Vec::new(),
            took_ms: 0.0,
        };
        let citing = Citing::choose(&novelty, 20);
        let cmp = PointComparison {
            point: 1,
            text: "采用晶界扩散制备稀土永磁体".into(),
            closest: None,
            disclosed: Vec::new(),
            undisclosed: vec!["晶界扩散".into(), "稀土永磁".into()],
        };
        let text = conclusion(&cmp, &citing, "CSL（2000—2021）", "（2020-01-01之前公开）");
        assert_eq!(
            text,
            "在CSL（2000—2021）（2020-01-01之前公开）中，未检出公开本查新点技术特征“晶界扩散”、“稀土永磁”的文献。"
        );
        for phrase in crate::draft::EVALUATIVE_PHRASES {
            assert!(!text.contains(phrase), "{phrase}");
        }
    }
}
