//! The draft as [`Block`]s: headings, paragraphs, lists and tables, in the order of its
//! style (a station's 查新报告 or an examiner's search report). Every rendering writes these.

use crate::draft::{CitedDocument, Report, ReportLang, ReportStyle};

#[derive(Debug, Clone, PartialEq)]
pub struct Inline {
    pub text: String,
    pub strong: bool,
}

/// Paragraphs of a table cell or list item.
pub type Rich = Vec<Inline>;

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Title(String),
    Heading(String),
    Subheading(String),
    Paragraph(Rich),
    /// A numbered list.
    List(Vec<Rich>),
    Table {
        header: Vec<String>,
        rows: Vec<Vec<Vec<Rich>>>,
    },
}

pub(super) fn plain(text: impl Into<String>) -> Rich {
    vec![Inline {
        text: text.into(),
        strong: false,
    }]
}

/// An HTML-escaped passage with `<em>` marks → runs.
/// An HTML-escaped passage with `<em>` marks → runs.
pub fn passage(html: &str) -> Rich {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<em>") {
        let (before, after) = rest.split_at(start);
        let after = &after[4..];
        let end = after.find("</em>").unwrap_or(after.len());
        if !before.is_empty() {
            out.push(Inline {
                text: unescape(before),
                strong: false,
            });
        }
        out.push(Inline {
            text: unescape(&after[..end]),
            strong: true,
        });
        rest = after.get(end + 5..).unwrap_or("");
    }
    if !rest.is_empty() {
        out.push(Inline {
            text: unescape(rest),
            strong: false,
        });
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

fn field_label(field: &str) -> &str {
    match field {
        "title" => "题名",
        "abstract" => "摘要",
        "claims" => "权利要求",
        "description" => "说明书",
        "keywords" => "关键词",
        _ => field,
    }
}

fn cited_list(docs: &[CitedDocument], out: &mut Vec<Block>) {
    if docs.is_empty() {
        out.push(Block::Paragraph(plain("（无）")));
    }
    out.extend(docs.iter().map(|d| {
        let mut notes = d.tier.label().to_string();
        if !d.points.is_empty() {
            let points: Vec<String> = d.points.iter().map(|p| p.to_string()).collect();
            notes.push_str(&format!("，相关查新点：{}", points.join("、")));
        }
        if !d.date_known {
            notes.push_str("；无公开日期，须核实");
        }
        let text = format!(
            "[{}] {}\n{}（{notes}）",
            d.number, d.citation, d.description
        );
        Block::Paragraph(plain(text))
    }));
}

fn header_lines(report: &Report, zh: bool) -> Vec<Block> {
    let p = &report.project;
    let mut lines: Vec<(String, String)> = Vec::new();
    let label = |zh_label: &str, en_label: &str| if zh { zh_label } else { en_label }.to_string();
    lines.push((label("查新项目名称", "Project"), p.name.clone()));
    if let Some(en) = &p.name_en {
        lines.push((label("英文名称", "Project (English)"), en.clone()));
    }
    if let Some(client) = &p.client {
        lines.push((label("委托人", "Client"), client.clone()));
    }
    if let Some(cutoff) = report.cutoff {
        lines.push((label("检索截止日期", "Cut-off date"), cutoff.to_string()));
    }
    if let Some(date) = report.date {
        lines.push((label("报告日期", "Date"), date.to_string()));
    }
    let mut blocks = vec![Block::Paragraph(vec![Inline {
        text: report.notice.clone(),
        strong: true,
    }])];
    blocks.extend(
        lines
            .into_iter()
            .map(|(k, v)| Block::Paragraph(plain(format!("{k}：{v}")))),
    );
    blocks
}

fn strategy_blocks(report: &Report, zh: bool, out: &mut Vec<Block>) {
    let s = &report.strategy;
    let collections: Vec<Rich> = s
        .collections
        .iter()
        .map(|c| {
            let years = match (c.first_year, c.last_year) {
                (Some(a), Some(b)) => format!("{a}—{b}"),
                _ => "-".into(),
            };
            let kinds = c.kinds.iter().cloned().collect::<Vec<_>>().join(", ");
            let langs = c.langs.iter().cloned().collect::<Vec<_>>().join(", ");
            plain(if zh {
                format!(
                    "{}：{} 条（{}；{}；{}）",
                    c.name, c.documents, years, kinds, langs
                )
            } else {
                format!(
                    "{}: {} records ({}; {}; {})",
                    c.name, c.documents, years, kinds, langs
                )
            })
        })
        .collect();
    out.push(Block::Subheading(
        if zh {
            "检索的数据库及年限"
        } else {
            "Collections searched"
        }
        .into(),
    ));
    out.push(Block::List(collections));
    out.push(Block::Subheading(
        if zh { "检索词" } else { "Search terms" }.into(),
    ));
    out.push(Block::Paragraph(plain(format!(
        "{}{}",
        if zh {
            "中文检索词："
        } else {
            "Chinese: "
        },
        s.terms_zh.join("；")
    ))));
    out.push(Block::Paragraph(plain(format!(
        "{}{}",
        if zh {
            "英文检索词："
        } else {
            "English: "
        },
        s.terms_en.join("; ")
    ))));
    // 中文检索式 and 英文检索式 hold each language's concept blocks; the combined strategy
    // (all blocks, essential, relaxations, broad) joins both.
    let groups: [(Option<&str>, &str, &str); 3] = [
        (
            Some("zh"),
            "中文检索式及命中数",
            "Chinese expressions and hits",
        ),
        (
            Some("en"),
            "英文检索式及命中数",
            "English expressions and hits",
        ),
        (
            None,
            "中英文组合检索式及命中数",
            "Combined expressions and hits",
        ),
    ];
    for (lang, heading_zh, heading_en) in groups {
        let rows: Vec<_> = s
            .points
            .iter()
            .flat_map(|p| {
                p.expressions
                    .iter()
                    .filter(move |e| e.lang.as_deref() == lang)
                    .map(move |e| {
                        vec![
                            vec![plain(p.point.to_string())],
                            vec![plain(purpose_label(&e.purpose, zh).to_string())],
                            vec![plain(e.expression.clone())],
                            vec![plain(e.hits.to_string())],
                        ]
                    })
            })
            .collect();
        if rows.is_empty() {
            continue;
        }
        out.push(Block::Subheading(
            if zh { heading_zh } else { heading_en }.into(),
        ));
        out.push(Block::Table {
            header: if zh {
                vec![
                    "查新点".into(),
                    "步骤".into(),
                    "检索式".into(),
                    "命中数".into(),
                ]
            } else {
                vec![
                    "Point".into(),
                    "Step".into(),
                    "Expression".into(),
                    "Hits".into(),
                ]
            },
            rows,
        });
    }
}

/// What a strategy step is called in the report.
fn purpose_label(purpose: &str, zh: bool) -> &str {
    match (purpose, zh) {
        ("all", true) => "全部概念",
        ("essential", true) => "必要概念",
        ("relaxed", true) => "放宽",
        ("broad", true) => "任一概念",
        ("all", false) => "all concepts",
        ("essential", false) => "essential concepts",
        ("relaxed", false) => "relaxed",
        ("broad", false) => "any concept",
        (other, _) => other,
    }
}

fn station(report: &Report) -> Vec<Block> {
    let mut out = vec![Block::Title("科技查新报告（草稿）".into())];
    out.extend(header_lines(report, true));
    let p = &report.project;
    out.push(Block::Heading("一、查新目的".into()));
    out.push(Block::Paragraph(plain(
        p.purpose.clone().unwrap_or_else(|| "（待填写）".into()),
    )));
    out.push(Block::Heading("二、查新项目的科学技术要点".into()));
    out.push(Block::Paragraph(plain(
        p.summary.clone().unwrap_or_else(|| "（待填写）".into()),
    )));
    out.push(Block::Heading("三、查新点与查新要求".into()));
    out.push(Block::List(report.points.iter().map(plain).collect()));
    out.push(Block::Paragraph(plain(format!(
        "查新要求：{}",
        report.requirement
    ))));
    out.push(Block::Heading("四、文献检索范围及检索策略".into()));
    strategy_blocks(report, true, &mut out);
    out.push(Block::Heading("五、检索结果".into()));
    out.push(Block::Subheading(format!(
        "国内文献（{} 篇）",
        report.domestic.len()
    )));
    cited_list(&report.domestic, &mut out);
    out.push(Block::Subheading(format!(
        "国外文献（{} 篇）",
        report.foreign.len()
    )));
    cited_list(&report.foreign, &mut out);
    out.push(Block::Heading("六、对比分析".into()));
    for cmp in &report.comparison {
        out.push(Block::Subheading(format!(
            "查新点{}：{}",
            cmp.point, cmp.text
        )));
        if let Some(closest) = cmp.closest {
            out.push(Block::Paragraph(plain(format!(
                "与本查新点最接近的文献：[{closest}]。"
            ))));
        }
        for d in &cmp.disclosed {
            out.push(Block::Paragraph(vec![
                Inline {
                    text: format!("“{}”", d.feature),
                    strong: true,
                },
                Inline {
                    text: " 见于：".into(),
                    strong: false,
                },
            ]));
            out.push(Block::List(
                d.passages
                    .iter()
                    .map(|p| {
                        let mut rich =
                            plain(format!("[{}]（{}）", p.number, field_label(&p.field)));
                        rich.extend(passage(&p.text));
                        rich
                    })
                    .collect(),
            ));
        }
        out.push(Block::Paragraph(plain(if cmp.undisclosed.is_empty() {
            "所检文献公开了本查新点的全部关键技术特征。".to_string()
        } else {
            format!(
                "所检文献均未公开的技术特征：{}。",
                cmp.undisclosed
                    .iter()
                    .map(|f| format!("“{f}”"))
                    .collect::<Vec<_>>()
                    .join("、")
            )
        })));
    }
    out.push(Block::Heading("七、查新结论".into()));
    out.push(Block::List(
        report
            .conclusions
            .iter()
            .map(|c| plain(format!("查新点{}：{}", c.point, c.text)))
            .collect(),
    ));
    out.push(Block::Paragraph(plain(
        "以上结论仅依据上列数据库及其收录年限内的检索结果，须经查新员审核。",
    )));
    out
}

fn examiner(report: &Report) -> Vec<Block> {
    let zh = report.lang == ReportLang::Zh;
    let mut out = vec![Block::Title(
        if zh {
            "检索报告（草稿）"
        } else {
            "Search report (draft)"
        }
        .into(),
    )];
    out.extend(header_lines(report, zh));
    out.push(Block::Heading(if zh { "查新点" } else { "Points" }.into()));
    out.push(Block::List(report.points.iter().map(plain).collect()));
    out.push(Block::Heading(
        if zh {
            "检索范围"
        } else {
            "Fields searched"
        }
        .into(),
    ));
    strategy_blocks(report, zh, &mut out);
    out.push(Block::Heading(
        if zh {
            "相关文件"
        } else {
            "Documents considered to be relevant"
        }
        .into(),
    ));
    let rows = report
        .search_report
        .iter()
        .map(|row| {
            let mut cell = vec![plain(format!("[{}] {}", row.number, row.citation))];
            cell.extend(row.passages.iter().map(|p| {
                let mut rich = plain(if zh {
                    format!("{}：", field_label(&p.field))
                } else {
                    format!("{}: ", p.field)
                });
                rich.extend(passage(&p.text));
                rich
            }));
            vec![
                vec![plain(format!("{:?}", row.category))],
                cell,
                vec![plain(
                    row.points
                        .iter()
                        .map(|p| p.to_string())
                        .collect::<Vec<_>>()
                        .join(", "),
                )],
            ]
        })
        .collect();
    out.push(Block::Table {
        header: if zh {
            vec!["类型".into(), "引用文件及相关段落".into(), "相关的查新点".into()]
        } else {
            vec![
                "Category".into(),
                "Citation of document, with indication, where appropriate, of the relevant passages".into(),
                "Relevant to point No.".into(),
            ]
        },
        rows,
    });
    out.push(Block::Paragraph(plain(if zh {
        "X：单独一篇文献即公开查新点的全部关键技术特征；Y：与另一篇文献结合公开查新点的关键技术特征；A：背景技术文献。"
    } else {
        "X: particularly relevant if taken alone; Y: particularly relevant if combined with another document of the same category; A: document defining the general state of the art."
    })));
    out
}

/// Lays out the draft in its style.
pub fn layout(report: &Report) -> Vec<Block> {
    match report.style {
        ReportStyle::Station => station(report),
        ReportStyle::Examiner => examiner(report),
    }
}
