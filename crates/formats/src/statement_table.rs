//! Control statements as a spreadsheet: one row per (registration, control) with its status,
//! the provider's reason and the registration it is inherited from. Importing replaces the
//! statements of the registrations the file names, and leaves the others as they are.

use crate::InputError;
use crate::sheet::{Column, Sheet};
use ismap_core::criteria::{Catalog, ControlKey};
use ismap_core::ids::RegistrationNumber;
use ismap_core::registration::{Conflict, ControlStatement, StatementStatus};
use ismap_core::registry::Registry;
use std::collections::HashMap;

const COLUMNS: [Column; 5] = [
    Column {
        key: "registration_no",
        ja: "登録番号",
        en: "registration_no",
        required: true,
    },
    Column {
        key: "control_id",
        ja: "管理策ID",
        en: "control_id",
        required: true,
    },
    Column {
        key: "status",
        ja: "実施状況",
        en: "status",
        required: true,
    },
    Column {
        key: "reason",
        ja: "理由",
        en: "reason",
        required: false,
    },
    Column {
        key: "inherited_from",
        ja: "継承元",
        en: "inherited_from",
        required: false,
    },
];

/// One registration's statements: its number, the row first naming it, and each statement
/// with its row.
type Group = (RegistrationNumber, usize, Vec<(usize, ControlStatement)>);

/// Statements grouped by registration, in the order the file first names each registration.
pub struct StatementSheet {
    name: String,
    groups: Vec<Group>,
}

pub fn sheet_to_statements(sheet: &Sheet, catalog: &Catalog) -> Result<StatementSheet, InputError> {
    let mut groups: Vec<Group> = Vec::new();
    let mut index: HashMap<RegistrationNumber, usize> = HashMap::new();
    let mut seen: HashMap<(usize, u32), usize> = HashMap::new();
    for row in sheet.rows(&COLUMNS)? {
        let no = RegistrationNumber::parse(&row.text("registration_no"))
            .map_err(|e| row.error("registration_no", format!("expected {}", e.expected), None))?;
        let id = row.text("control_id");
        let key = catalog.key_of(&id).ok_or_else(|| {
            row.error(
                "control_id",
                format!("not a criteria ID of version {}", catalog.version()),
                None,
            )
        })?;
        let status: StatementStatus = row
            .text("status")
            .parse()
            .map_err(|e: String| row.error("status", e, None))?;
        let inherited = row.text("inherited_from");
        let inherited_from = match inherited.as_str() {
            "" => None,
            text => Some(RegistrationNumber::parse(text).map_err(|e| {
                row.error("inherited_from", format!("expected {}", e.expected), None)
            })?),
        };
        let reason = Some(row.text("reason")).filter(|r| !r.is_empty());
        let group = *index.entry(no.clone()).or_insert_with(|| {
            groups.push((no.clone(), row.number, Vec::new()));
            groups.len() - 1
        });
        if let Some(first) = seen.insert((group, key.index() as u32), row.number) {
            return Err(row.error(
                "control_id",
                format!("{no} states this control twice (first in row {first})"),
                None,
            ));
        }
        groups[group].2.push((
            row.number,
            ControlStatement {
                key,
                status,
                reason,
                inherited_from,
            },
        ));
    }
    Ok(StatementSheet {
        name: sheet.name.clone(),
        groups,
    })
}

impl StatementSheet {
    /// The registry with the named registrations' statements replaced; each statement is
    /// checked against its registration's criteria version and underlying services.
    pub fn apply(self, registry: &Registry, catalog: &Catalog) -> Result<Registry, InputError> {
        let mut registrations = registry.registrations().to_vec();
        for (no, row, statements) in self.groups {
            let at = |row: usize, field: &str, message: String, value: String| {
                InputError::new(&self.name, message)
                    .at(row, 1)
                    .field(field)
                    .value(value)
            };
            let position = registry.position(&no).ok_or_else(|| {
                at(
                    row,
                    "登録番号",
                    "no such registration in the registry".into(),
                    no.to_string(),
                )
            })?;
            let r = &mut registrations[position];
            let members = catalog.members_of(&r.criteria_version).unwrap_or_default();
            if let Some((row, s)) = statements
                .iter()
                .find(|(_, s)| members.get(s.key.index()) != Some(&true))
            {
                return Err(at(
                    *row,
                    "管理策ID",
                    format!("not a criteria ID of version {}", r.criteria_version),
                    catalog.get(s.key).id.to_string(),
                ));
            }
            let rows: Vec<(usize, ControlKey)> =
                statements.iter().map(|(row, s)| (*row, s.key)).collect();
            // Each control appears once per registration: checked while reading.
            let _ = r.set_controls(statements.into_iter().map(|(_, s)| s).collect());
            if let Some(conflict) = r.conflict() {
                let row = match &conflict {
                    Conflict::InheritedFromNotUnderlying { control, .. } => rows
                        .iter()
                        .find(|(_, k)| k == control)
                        .map_or(row, |(row, _)| *row),
                    _ => row,
                };
                return Err(at(row, "継承元", conflict.to_string(), conflict.value()));
            }
        }
        Registry::new(registrations).map_err(|e| InputError::new(&self.name, e.to_string()))
    }
}

/// The header row and one row per statement (statuses in Japanese).
pub fn rows(registry: &Registry, catalog: &Catalog) -> (Vec<&'static str>, Vec<Vec<String>>) {
    let headers = COLUMNS.iter().map(|c| c.ja).collect();
    let rows = registry
        .registrations()
        .iter()
        .flat_map(|r| {
            r.controls().iter().map(move |s| {
                vec![
                    r.registration_no.to_string(),
                    catalog.get(s.key).id.to_string(),
                    s.status.label(ismap_core::lang::Lang::Ja).to_owned(),
                    s.reason.clone().unwrap_or_default(),
                    s.inherited_from
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                ]
            })
        })
        .collect();
    (headers, rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::criteria::builtin_catalog;
    use crate::demo;
    use crate::spreadsheet::{read_csv, read_xlsx, write_csv, write_xlsx};

    fn demo_registry() -> Registry {
        demo::registry()
    }

    #[test]
    fn round_trip_through_csv_and_xlsx() {
        let catalog = builtin_catalog().expect("criteria");
        let registry = demo_registry();
        let mut empty = registry.registrations().to_vec();
        for r in &mut empty {
            let _ = r.set_controls(Vec::new());
        }
        let empty = Registry::new(empty).expect("unique");
        let (headers, table) = rows(&registry, &catalog);
        let csv = read_csv("s.csv", &write_csv(&headers, &table)).expect("csv");
        let restored = sheet_to_statements(&csv, &catalog)
            .expect("valid")
            .apply(&empty, &catalog)
            .expect("applies");
        assert_eq!(restored.registrations(), registry.registrations());
        let xlsx = write_xlsx("言明", &headers, &table).expect("xlsx");
        let restored = sheet_to_statements(&read_xlsx("s.xlsx", &xlsx).expect("xlsx"), &catalog)
            .expect("valid")
            .apply(&empty, &catalog)
            .expect("applies");
        assert_eq!(restored.registrations(), registry.registrations());
    }

    #[test]
    fn errors() {
        let catalog = builtin_catalog().expect("criteria");
        let registry = demo_registry();
        let header = "登録番号,管理策ID,実施状況,理由,継承元\n";
        let cases = [
            (
                "C99-0001-1,9.9.9,実施,,\n",
                "s.csv:2:2: 管理策ID: not a criteria ID of version 2022-04-01 (value \"9.9.9\")",
            ),
            (
                "C99-0001-1,9.1.1,済,,\n",
                "s.csv:2:3: 実施状況: expected implemented, partial or not_applicable (実施／一部実施／非該当) (value \"済\")",
            ),
            (
                "C99-0001-1,9.1.1,実施,,\nC99-0001-1,9.1.1,非該当,,\n",
                "s.csv:3:2: 管理策ID: C99-0001-1 states this control twice (first in row 2) (value \"9.1.1\")",
            ),
            (
                "C99-0404-1,9.1.1,実施,,\n",
                "s.csv:2:1: 登録番号: no such registration in the registry (value \"C99-0404-1\")",
            ),
            // C99-0001-1 names no underlying service
            (
                "C99-0001-1,9.1.1,実施,,\nC99-0001-1,9.2.3,実施,,C99-0005-1\n",
                "s.csv:3:1: 継承元: controls are inherited from C99-0005-1, which is not one of the entry's underlying services (value \"C99-0005-1\")",
            ),
        ];
        for (rows, expected) in cases {
            let sheet = read_csv("s.csv", format!("{header}{rows}").as_bytes()).expect("csv");
            let err = sheet_to_statements(&sheet, &catalog)
                .and_then(|s| s.apply(&registry, &catalog))
                .err();
            assert_eq!(
                err.map(|e| e.to_string()).as_deref(),
                Some(expected),
                "{rows}"
            );
        }
        let sheet = read_csv(
            "s.csv",
            format!("{header}C99-0002-1,9.1.1,Partially Implemented,r,\n").as_bytes(),
        )
        .expect("csv");
        let applied = sheet_to_statements(&sheet, &catalog)
            .expect("valid")
            .apply(&registry, &catalog)
            .expect("applies");
        let no = RegistrationNumber::parse("C99-0002-1").expect("valid");
        assert_eq!(
            applied.get(&no).map(|r| r.controls().len()),
            Some(1),
            "the file's statements replace the registration's"
        );
    }
}
