//! The criteria structure as CSV: the built-in 2022-04-01 version ships inside the binary.

use crate::InputError;
use ismap_core::criteria::{BUILTIN_VERSION, Bilingual, Catalog, Criterion, Level, Part, Section};
use ismap_core::ids::{ControlId, Suffix};
use serde::Deserialize;
use std::collections::HashMap;

const BUILTIN_IDS: &str = include_str!("../../../data/criteria/2022-04-01/ids.csv");
const BUILTIN_SECTIONS: &str = include_str!("../../../data/criteria/2022-04-01/sections.csv");
const BUILTIN_TITLES: &str = include_str!("../../../data/criteria/2022-04-01/titles.csv");

/// The public structure of the 2022-04-01 criteria with the project's own short titles.
pub fn builtin_catalog() -> Result<Catalog, InputError> {
    parse_catalog(
        BUILTIN_VERSION,
        ("ids.csv", BUILTIN_IDS),
        ("sections.csv", BUILTIN_SECTIONS),
        ("titles.csv", BUILTIN_TITLES),
    )
}

#[derive(Deserialize)]
struct IdRow {
    id: String,
    part: String,
    level: String,
    parent: String,
    domain: String,
    category: String,
    suffix: String,
    #[allow(dead_code)] // derived from the suffix; read so that the column is checked to exist
    cloud_specific: String,
    source_standard: String,
}

#[derive(Deserialize)]
struct SectionRow {
    id: String,
    kind: String,
    title_en: String,
    title_ja: String,
}

#[derive(Deserialize)]
struct TitleRow {
    id: String,
    title_ja: String,
    title_en: String,
}

fn rows<T: for<'de> Deserialize<'de>>(
    (file, text): (&str, &str),
) -> Result<Vec<(usize, T)>, InputError> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut out = Vec::new();
    for record in reader.deserialize::<T>() {
        match record {
            Ok(row) => out.push((out.len() + 2, row)),
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                return Err(InputError::new(file, e.to_string()).at(line, 1));
            }
        }
    }
    Ok(out)
}

/// Builds a catalog from the three CSV files of a criteria version.
pub fn parse_catalog(
    version: &str,
    ids: (&str, &str),
    sections: (&str, &str),
    titles: (&str, &str),
) -> Result<Catalog, InputError> {
    let titles: HashMap<String, Bilingual> = rows::<TitleRow>(titles)?
        .into_iter()
        .map(|(_, t)| (t.id, Bilingual::new(&t.title_ja, &t.title_en)))
        .collect();
    let sections = rows::<SectionRow>(sections)?
        .into_iter()
        .map(|(_, s)| Section {
            id: s.id,
            kind: s.kind,
            title: Bilingual::new(&s.title_ja, &s.title_en),
        })
        .collect();
    let (file, _) = ids;
    let mut criteria = Vec::new();
    for (line, row) in rows::<IdRow>(ids)? {
        let err = |field: &str, value: &str, message: String| {
            InputError::new(file, message)
                .at(line, 1)
                .field(field)
                .value(value)
        };
        let id = ControlId::parse(&row.id).map_err(|e| err("id", &row.id, e.to_string()))?;
        let part: Part = row.part.parse().map_err(|e| err("part", &row.part, e))?;
        let level: Level = row.level.parse().map_err(|e| err("level", &row.level, e))?;
        let suffix = Suffix::parse(row.suffix.trim())
            .ok_or_else(|| err("suffix", &row.suffix, "expected empty, P, B or PB".into()))?;
        if suffix != id.suffix() {
            return Err(err(
                "suffix",
                &row.suffix,
                format!("does not match the suffix of ID {id}"),
            ));
        }
        criteria.push(Criterion {
            title: titles.get(id.as_str()).cloned().unwrap_or_default(),
            id,
            part,
            level,
            parent: row.parent,
            domain: row.domain,
            category: row.category,
            source_standard: (!row.source_standard.trim().is_empty())
                .then_some(row.source_standard),
            text: Bilingual::default(),
        });
    }
    Catalog::new(version, criteria, sections).map_err(|e| InputError::new(file, e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_structure() {
        let catalog = builtin_catalog().expect("built-in criteria parse");
        assert_eq!(catalog.version(), "2022-04-01");
        assert_eq!(catalog.len(), 261);
        let count = |part: Part, level: Level| {
            catalog
                .criteria()
                .iter()
                .filter(|c| c.part == part && c.level == level)
                .count()
        };
        assert_eq!(count(Part::Governance, Level::Objective), 6);
        assert_eq!(count(Part::Governance, Level::Detailed), 18);
        assert_eq!(count(Part::Management, Level::Objective), 21);
        assert_eq!(count(Part::Management, Level::Detailed), 64);
        assert_eq!(count(Part::Controls, Level::Objective), 121);
        assert_eq!(count(Part::Controls, Level::Detailed), 31);
        // every objective has a title in both languages
        for c in catalog
            .criteria()
            .iter()
            .filter(|c| c.level == Level::Objective)
        {
            assert!(
                c.title.ja.is_some() && c.title.en.is_some(),
                "{} has no title",
                c.id
            );
        }
        // mandatory: 6+18+21+64 governance/management, 121 objectives, 31 B/PB detailed
        assert_eq!(catalog.basic_baseline().len(), 6 + 18 + 21 + 64 + 121 + 31);
        let pb = catalog
            .find(&ControlId::parse("6.3.1.1.PB").expect("valid"))
            .expect("present");
        assert_eq!(pb.parent, "6.3.1.P");
        assert!(catalog.section("18.2").is_some());
    }

    #[test]
    fn bad_rows_are_located() {
        let ids = "id,part,level,parent,domain,category,suffix,cloud_specific,source_standard\n\
                   5.1.1,controls,objective,5.1,5,5.1,,false,\n\
                   5.1.1.1.B,controls,detailed,5.1.1,5,5.1,P,false,\n";
        let err = parse_catalog(
            "x",
            ("ids.csv", ids),
            ("s.csv", "id,kind,title_en,title_ja\n"),
            ("t.csv", "id,title_ja,title_en\n"),
        )
        .expect_err("suffix mismatch");
        assert_eq!(
            (err.line, err.field.as_deref(), err.value.as_deref()),
            (Some(3), Some("suffix"), Some("P"))
        );
        let ids = "id,part,level,parent,domain,category,suffix,cloud_specific,source_standard\n5.1.1,policy,objective,5.1,5,5.1,,false,\n";
        let err = parse_catalog(
            "x",
            ("ids.csv", ids),
            ("s.csv", "id,kind,title_en,title_ja\n"),
            ("t.csv", "id,title_ja,title_en\n"),
        )
        .expect_err("bad part");
        assert_eq!(
            err.to_string(),
            "ids.csv:2:1: part: unknown part \"policy\": expected governance, management or controls (value \"policy\")"
        );
    }
}
