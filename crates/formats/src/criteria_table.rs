//! Criteria text from a spreadsheet (CSV or XLSX), merged onto a catalog: users who hold the
//! official criteria load their titles and text; IDs not yet in the catalog (the detailed
//! controls the public structure leaves out) are added where they fit.

use crate::InputError;
use crate::sheet::{Column, Sheet};
use ismap_core::criteria::{Bilingual, Catalog, Criterion, Level, Part};
use ismap_core::ids::ControlId;
use ismap_core::text::match_key;

const COLUMNS: [Column; 7] = [
    Column {
        key: "id",
        ja: "ID",
        en: "id",
        required: true,
    },
    Column {
        key: "part",
        ja: "区分",
        en: "part",
        required: false,
    },
    Column {
        key: "title_ja",
        ja: "名称（日本語）",
        en: "title_ja",
        required: false,
    },
    Column {
        key: "title_en",
        ja: "名称（英語）",
        en: "title_en",
        required: false,
    },
    Column {
        key: "text_ja",
        ja: "本文（日本語）",
        en: "text_ja",
        required: false,
    },
    Column {
        key: "text_en",
        ja: "本文（英語）",
        en: "text_en",
        required: false,
    },
    Column {
        key: "source_standard",
        ja: "出典",
        en: "source_standard",
        required: false,
    },
];

fn part(text: &str) -> Option<Part> {
    match match_key(text).as_str() {
        "governance" | "ガバナンス" | "ガバナンス基準" => Some(Part::Governance),
        "management" | "マネジメント" | "マネジメント基準" => Some(Part::Management),
        "controls" | "管理策" | "管理策基準" => Some(Part::Controls),
        _ => None,
    }
}

fn join(numbers: &[u32]) -> String {
    numbers
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

/// `base` with the sheet's rows merged in, named `version`.
pub fn merge_criteria(sheet: &Sheet, base: &Catalog, version: &str) -> Result<Catalog, InputError> {
    let mut criteria: Vec<Criterion> = base.criteria().to_vec();
    let mut added_rows: Vec<(usize, usize)> = Vec::new();
    for row in sheet.rows(&COLUMNS)? {
        let id = ControlId::parse(&row.text("id"))
            .map_err(|e| row.error("id", format!("expected {}", e.expected), None))?;
        let text = |key: &str| Some(row.text(key)).filter(|t| !t.is_empty());
        let given_part = match text("part") {
            Some(p) => Some(part(&p).ok_or_else(|| {
                row.error("part", "expected governance, management or controls (ガバナンス, マネジメント, 管理策)", None)
            })?),
            None => None,
        };
        let numbers = id.numbers();
        let index = match criteria.iter().position(|c| c.id == id) {
            Some(i) => i,
            None => {
                let level = if numbers.len() == 3 {
                    Level::Objective
                } else {
                    Level::Detailed
                };
                let inferred = match numbers.first() {
                    Some(3) => Part::Governance,
                    Some(4) => Part::Management,
                    _ => Part::Controls,
                };
                criteria.push(Criterion {
                    id: id.clone(),
                    part: given_part.unwrap_or(inferred),
                    level,
                    // Resolved below, once every new objective is known.
                    parent: join(&numbers[..2.min(numbers.len())]),
                    domain: join(&numbers[..1.min(numbers.len())]),
                    category: join(&numbers[..2.min(numbers.len())]),
                    source_standard: None,
                    title: Bilingual::default(),
                    text: Bilingual::default(),
                });
                added_rows.push((criteria.len() - 1, row.number));
                criteria.len() - 1
            }
        };
        let c = &mut criteria[index];
        if let Some(p) = given_part {
            c.part = p;
        }
        c.title.ja = text("title_ja").or(c.title.ja.take());
        c.title.en = text("title_en").or(c.title.en.take());
        c.text.ja = text("text_ja").or(c.text.ja.take());
        c.text.en = text("text_en").or(c.text.en.take());
        c.source_standard = text("source_standard").or(c.source_standard.take());
    }
    // A new detailed control belongs to the objective with its first three numbers.
    for (index, row) in added_rows {
        if criteria[index].level == Level::Detailed {
            let prefix = &criteria[index].id.numbers()[..3];
            let objective = criteria
                .iter()
                .find(|o| o.level == Level::Objective && o.id.numbers() == prefix)
                .map(|o| o.id.to_string())
                .ok_or_else(|| {
                    InputError::new(
                        &sheet.name,
                        format!(
                            "no control objective {} for this detailed control",
                            join(prefix)
                        ),
                    )
                    .at(row, 1)
                    .field("ID")
                    .value(criteria[index].id.to_string())
                })?;
            criteria[index].parent = objective;
        }
    }
    Catalog::new(version, criteria, base.sections().to_vec())
        .map_err(|e| InputError::new(&sheet.name, e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::criteria::builtin_catalog;
    use crate::spreadsheet::read_csv;
    use ismap_core::criteria::diff;

    const HEADER: &str = "ID,区分,名称（日本語）,名称（英語）,本文（日本語）\n";

    fn merge(rows: &str) -> Result<Catalog, InputError> {
        let sheet = read_csv("c.csv", format!("{HEADER}{rows}").as_bytes())?;
        merge_criteria(&sheet, &builtin_catalog().expect("criteria"), "2022-04-01")
    }

    #[test]
    fn text_is_merged_and_new_controls_added() {
        let base = builtin_catalog().expect("criteria");
        let merged = merge("5.1.1.1,,方針文書,Policy document,情報セキュリティの方針群を定める。\n6.3.1.1.PB,,,,クラウドの役割分担を定める。\n5.1.1,,,Policies (official)\n")
            .expect("valid");
        let d = diff(&base, &merged);
        let ids = |v: &[ControlId]| v.iter().map(|i| i.to_string()).collect::<Vec<_>>();
        assert_eq!(ids(&d.added), ["5.1.1.1"]);
        assert_eq!(ids(&d.changed), ["5.1.1", "6.3.1.1.PB"]);
        let added = merged
            .find(&ControlId::parse("5.1.1.1").expect("valid"))
            .expect("added");
        assert_eq!(
            (added.parent.as_str(), added.level, added.part),
            ("5.1.1", Level::Detailed, Part::Controls)
        );
        assert!(!added.is_mandatory(), "no B suffix: chosen by risk");
        let objective = merged
            .find(&ControlId::parse("5.1.1").expect("valid"))
            .expect("kept");
        assert_eq!(
            objective.title.ja.as_deref(),
            Some("情報セキュリティのための方針群"),
            "an empty cell keeps the old text"
        );
        assert_eq!(objective.title.en.as_deref(), Some("Policies (official)"));
    }

    #[test]
    fn errors() {
        let cases = [
            (
                "5.1.X,,,\n",
                "c.csv:2:1: ID: expected a criteria ID such as 5.1.1 or 6.1.1.13.PB (value \"5.1.X\")",
            ),
            (
                "5.1.1.1,法務,,\n",
                "c.csv:2:2: 区分: expected governance, management or controls (ガバナンス, マネジメント, 管理策) (value \"法務\")",
            ),
            (
                "5.9.9.1,,,\n",
                "c.csv:2:1: ID: no control objective 5.9.9 for this detailed control (value \"5.9.9.1\")",
            ),
        ];
        for (rows, expected) in cases {
            assert_eq!(
                merge(rows).err().map(|e| e.to_string()).as_deref(),
                Some(expected),
                "{rows}"
            );
        }
    }
}
