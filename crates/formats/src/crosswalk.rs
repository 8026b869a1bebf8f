//! The crosswalk's data files (shipped inside the binary, `data/crosswalk/`), and the
//! provider's list of implemented controls for a gap analysis (CSV or OSCAL JSON).

use crate::InputError;
use ismap_core::criteria::Catalog;
use ismap_core::crosswalk::{
    Crosswalk, FedrampBaseline, Framework, Held, HeldStatus, NistId, Node, Pair, Relationship,
};
use serde_json::Value;
use std::sync::OnceLock;

const ISO_2013_2022: &str = include_str!("../../../data/crosswalk/iso27001-2013_2022.csv");
const NIST_ISO_2013: &str = include_str!("../../../data/crosswalk/nist80053r5_iso27001-2013.csv");
const NIST_ISO_2022: &str = include_str!("../../../data/crosswalk/nist80053r5_iso27001-2022.csv");
const FEDRAMP: &str = include_str!("../../../data/crosswalk/fedramp-rev5.csv");
const NIST_IDS: &str = include_str!("../../../data/crosswalk/nist-800-53r5-ids.csv");

/// The most rows a provider's file may hold (SP 800-53 has 1,189 IDs; ISMAP about 1,200).
const MAX_HELD: usize = 20_000;

/// The crosswalk built from the shipped tables, once per process.
pub fn builtin_crosswalk() -> &'static Crosswalk {
    static BUILT: OnceLock<Crosswalk> = OnceLock::new();
    // The tables are compiled in and checked by this crate's tests.
    BUILT.get_or_init(|| build_builtin().expect("the shipped crosswalk tables parse"))
}

/// Parses the shipped tables into a crosswalk (what [`builtin_crosswalk`] caches).
pub fn build_builtin() -> Result<Crosswalk, InputError> {
    let mut pairs = Vec::new();
    let tables = [
        (
            "iso27001-2013_2022.csv",
            ISO_2013_2022,
            Framework::Iso2013,
            Framework::Iso2022,
        ),
        (
            "nist80053r5_iso27001-2013.csv",
            NIST_ISO_2013,
            Framework::Nist,
            Framework::Iso2013,
        ),
        (
            "nist80053r5_iso27001-2022.csv",
            NIST_ISO_2022,
            Framework::Nist,
            Framework::Iso2022,
        ),
    ];
    for (file, text, from, to) in tables {
        let header = if from == Framework::Nist {
            "nist_id"
        } else {
            "iso2013_id"
        };
        for (line, row) in records(file, text, 4, header)? {
            let id = |i: usize, f: Framework| {
                f.normalise_id(&row[i])
                    .map_err(|e| bad(file, line, i, &row[i], &format!("expected {e}")))
            };
            let (relationship, partial) = match row[2].as_str() {
                "partial" => (Relationship::Related, true),
                other => (
                    other
                        .parse()
                        .map_err(|e: String| bad(file, line, 2, other, &e))?,
                    false,
                ),
            };
            pairs.push(Pair {
                from: (from, id(0, from)?),
                to: (to, id(1, to)?),
                relationship,
                partial,
                source: row[3].clone(),
            });
        }
    }
    let mut nist_ids = Vec::new();
    for (line, row) in records("nist-800-53r5-ids.csv", NIST_IDS, 3, "nist_id")? {
        let id = Framework::Nist
            .normalise_id(&row[0])
            .map_err(|e| bad("nist-800-53r5-ids.csv", line, 0, &row[0], &e))?;
        nist_ids.push(NistId {
            id,
            withdrawn_into: (row[1] == "withdrawn")
                .then(|| row[2].split_whitespace().map(str::to_owned).collect()),
        });
    }
    let mut fedramp = Vec::new();
    for (line, row) in records("fedramp-rev5.csv", FEDRAMP, 2, "baseline")? {
        let baseline: FedrampBaseline = row[0]
            .parse()
            .map_err(|e: String| bad("fedramp-rev5.csv", line, 0, &row[0], &e))?;
        fedramp.push((baseline, row[1].clone()));
    }
    Ok(Crosswalk::new(pairs, nist_ids, fedramp))
}

/// An error at a cell, naming at most the first 40 characters of its value.
fn bad(file: &str, line: usize, column: usize, value: &str, message: &str) -> InputError {
    InputError::new(file, message)
        .at(line, column + 1)
        .value(preview(value))
}

fn preview(value: &str) -> String {
    value.chars().take(40).collect()
}

/// CSV records with at least `min_fields` fields, with their line numbers; a first row whose
/// first field is `header` is skipped.
fn records(
    file: &str,
    text: &str,
    min_fields: usize,
    header: &str,
) -> Result<Vec<(usize, Vec<String>)>, InputError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize);
            InputError::new(file, format!("not CSV: {e}")).at(line, 1)
        })?;
        let line = record
            .position()
            .map_or(out.len() + 1, |p| p.line() as usize);
        let fields: Vec<String> = record.iter().map(str::to_owned).collect();
        if fields.iter().all(String::is_empty) {
            continue;
        }
        if out.is_empty() && fields[0].eq_ignore_ascii_case(header) {
            continue;
        }
        if fields.len() < min_fields {
            return Err(InputError::new(
                file,
                format!("expected {min_fields} fields, found {}", fields.len()),
            )
            .at(line, 1));
        }
        out.push((line, fields));
        if out.len() > MAX_HELD {
            return Err(InputError::new(file, format!("more than {MAX_HELD} rows")).at(line, 1));
        }
    }
    Ok(out)
}

/// The provider's implemented controls: a CSV of `framework,id[,status]` or an OSCAL
/// component-definition or system security plan (JSON). All or nothing: the first bad row
/// is an error naming its line, column and value.
pub fn parse_held(
    name: &str,
    bytes: &[u8],
    crosswalk: &Crosswalk,
    catalog: &Catalog,
) -> Result<Vec<Held>, InputError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| InputError::new(name, format!("not UTF-8 text: {e}")))?;
    let held = if text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{')
    {
        held_from_oscal(name, text, crosswalk, catalog)?
    } else {
        held_from_csv(name, text, crosswalk, catalog)?
    };
    if held.is_empty() {
        return Err(InputError::new(name, "no implemented controls listed"));
    }
    Ok(held)
}

fn held_from_csv(
    name: &str,
    text: &str,
    crosswalk: &Crosswalk,
    catalog: &Catalog,
) -> Result<Vec<Held>, InputError> {
    let mut held = Vec::new();
    for (line, row) in records(name, text, 2, "framework")? {
        let framework: Framework = row[0].parse().map_err(|_| {
            bad(
                name,
                line,
                0,
                &row[0],
                "unknown framework: expected ismap, iso27001-2013, iso27001-2022 or nist-800-53r5",
            )
        })?;
        let id = resolve(crosswalk, catalog, framework, &row[1])
            .map_err(|e| bad(name, line, 1, &row[1], &e))?;
        let status = match row.get(2).map(|s| s.to_ascii_lowercase()).as_deref() {
            None | Some("") | Some("implemented") | Some("yes") | Some("実施") => {
                Some(HeldStatus::Implemented)
            }
            Some("partial") | Some("partially-implemented") | Some("一部実施") => {
                Some(HeldStatus::Partial)
            }
            // Planned, not implemented, or excluded in a statement of applicability: not held.
            Some(
                "planned" | "not-implemented" | "no" | "未実施" | "excluded" | "not-applicable"
                | "適用除外" | "対象外",
            ) => None,
            Some(other) => {
                return Err(bad(
                    name,
                    line,
                    2,
                    other,
                    "unknown status: expected implemented, partial, planned, not-implemented or excluded",
                ));
            }
        };
        if let Some(status) = status {
            held.push(Held {
                node: Node::new(framework, id),
                status,
            });
        }
    }
    Ok(held)
}

fn resolve(
    crosswalk: &Crosswalk,
    catalog: &Catalog,
    framework: Framework,
    raw: &str,
) -> Result<String, String> {
    crosswalk
        .resolve_id(catalog, framework, raw)
        .map_err(|e| e.reason())
}

/// Implemented requirements of an OSCAL component definition or SSP. OSCAL control IDs
/// are NIST SP 800-53 IDs (`ac-2`, `ac-2.1`); a requirement whose `implementation-status`
/// property says `partial` counts as partial, `planned` or `not-applicable` as not held.
fn held_from_oscal(
    name: &str,
    text: &str,
    crosswalk: &Crosswalk,
    catalog: &Catalog,
) -> Result<Vec<Held>, InputError> {
    let doc: Value = serde_json::from_str(text)
        .map_err(|e| InputError::new(name, format!("not JSON: {e}")).at(e.line(), e.column()))?;
    let implementations: Vec<(String, &Value)> = match crate::oscal::model_of(&doc) {
        Some("component-definition") => doc["component-definition"]["components"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
            .flat_map(|(c, comp)| {
                comp["control-implementations"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .enumerate()
                    .map(move |(i, ci)| {
                        (
                            format!(
                                "component-definition.components[{c}].control-implementations[{i}]"
                            ),
                            ci,
                        )
                    })
            })
            .collect(),
        Some("system-security-plan") => vec![(
            "system-security-plan.control-implementation".to_owned(),
            &doc["system-security-plan"]["control-implementation"],
        )],
        other => {
            return Err(InputError::new(
                name,
                format!(
                    "expected an OSCAL component-definition or system-security-plan, found {}",
                    other.map_or("no single model".to_owned(), |m| format!("{m:?}"))
                ),
            ));
        }
    };
    let mut held = Vec::new();
    for (path, ci) in implementations {
        for (i, req) in ci["implemented-requirements"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            let field = format!("{path}.implemented-requirements[{i}].control-id");
            let raw = req["control-id"]
                .as_str()
                .ok_or_else(|| InputError::new(name, "missing control-id").field(field.clone()))?;
            let id = resolve(crosswalk, catalog, Framework::Nist, raw).map_err(|e| {
                InputError::new(name, e)
                    .field(field.clone())
                    .value(preview(raw))
            })?;
            let status = req["props"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|p| p["name"] == "implementation-status")
                .and_then(|p| p["value"].as_str());
            let status = match status {
                None | Some("implemented") => Some(HeldStatus::Implemented),
                Some("partial") => Some(HeldStatus::Partial),
                Some(_) => None,
            };
            if let Some(status) = status {
                held.push(Held {
                    node: Node::new(Framework::Nist, id),
                    status,
                });
            }
            if held.len() > MAX_HELD {
                return Err(InputError::new(
                    name,
                    format!("more than {MAX_HELD} requirements"),
                ));
            }
        }
    }
    Ok(held)
}

/// `fedramp-moderate` (and the other baselines) as a held list: every ID implemented.
pub fn held_fedramp(crosswalk: &Crosswalk, baseline: FedrampBaseline) -> Vec<Held> {
    crosswalk
        .fedramp(baseline)
        .iter()
        .map(|id| Held {
            node: Node::new(Framework::Nist, id.clone()),
            status: HeldStatus::Implemented,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::criteria::builtin_catalog;
    use ismap_core::crosswalk::{Coverage, NoLink};

    #[test]
    fn shipped_tables_parse_with_the_counts_of_their_readme() {
        let cw = build_builtin().expect("tables parse");
        assert_eq!(cw.ids(Framework::Nist).count(), 1189);
        let fedramp: Vec<usize> = FedrampBaseline::ALL
            .iter()
            .map(|b| cw.fedramp(*b).len())
            .collect();
        assert_eq!(fedramp, [156, 323, 410, 156]);
        let annex_a_2013 = cw
            .ids(Framework::Iso2013)
            .filter(|i| i.starts_with("A."))
            .count();
        let annex_a_2022 = cw
            .ids(Framework::Iso2022)
            .filter(|i| i.starts_with("A."))
            .count();
        assert_eq!((annex_a_2013, annex_a_2022), (114, 93));
        // Every FedRAMP ID is a NIST ID.
        for b in FedrampBaseline::ALL {
            for id in cw.fedramp(b) {
                assert!(cw.ids(Framework::Nist).any(|n| n == id), "{id}");
            }
        }
    }

    #[test]
    fn every_annex_a_objective_of_the_criteria_joins() {
        let catalog = builtin_catalog().expect("builtin");
        let cw = builtin_crosswalk();
        let mut joined = 0;
        for key in catalog.keys() {
            let c = catalog.get(key);
            let found = cw.lookup(
                &catalog,
                Framework::Ismap,
                c.id.as_str(),
                Some(Framework::Iso2013),
            );
            match found.no_link {
                None => joined += usize::from(c.level == ismap_core::criteria::Level::Objective),
                Some(why) => assert!(
                    matches!(why, NoLink::CloudOnly | NoLink::GovernanceOrManagement),
                    "{}: {why:?}",
                    c.id
                ),
            }
        }
        assert_eq!(joined, 114);
        // 9.2.3 reaches NIST by both routes; A.9.2.3's pairs are NIST's.
        let nist = cw.lookup(&catalog, Framework::Ismap, "9.2.3", Some(Framework::Nist));
        assert!(nist.targets.iter().any(|t| t.node.id == "ac-6"));
        assert!(nist.targets.iter().any(|t| t.links.len() == 2));
    }

    #[test]
    fn held_lists_are_read_all_or_nothing() {
        let catalog = builtin_catalog().expect("builtin");
        let cw = builtin_crosswalk();
        let ok = parse_held(
            "have.csv",
            "framework,id,status\nnist,AC-2,implemented\niso27001-2022,A.5.15,partial\nnist,ac-3,planned\n".as_bytes(),
            cw,
            &catalog,
        )
        .expect("valid");
        assert_eq!(ok.len(), 2);
        assert_eq!(ok[0].node.id, "ac-2");
        assert_eq!(ok[1].status, HeldStatus::Partial);
        let cases = [
            (
                "cobit,APO01\n",
                "have.csv:1:1: unknown framework: expected ismap, iso27001-2013, iso27001-2022 or nist-800-53r5 (value \"cobit\")",
            ),
            (
                "nist,ac-2\nnist,ac-99\n",
                "have.csv:2:2: not a known NIST SP 800-53 Rev. 5 ID (value \"ac-99\")",
            ),
            (
                "nist,ac-2\niso27001-2022,5.15.x\n",
                "have.csv:2:2: expected an ISO/IEC 27001:2022 ID such as A.5.15 (or a clause such as 6.1.2) (value \"5.15.x\")",
            ),
            (
                "nist,ac-2,done\n",
                "have.csv:1:3: unknown status: expected implemented, partial, planned, not-implemented or excluded (value \"done\")",
            ),
            ("nist\n", "have.csv:1:1: expected 2 fields, found 1"),
            ("framework,id\n", "have.csv: no implemented controls listed"),
            (
                "{\"catalog\": {}}",
                "have.csv: expected an OSCAL component-definition or system-security-plan, found \"catalog\"",
            ),
        ];
        for (text, want) in cases {
            let err = parse_held("have.csv", text.as_bytes(), cw, &catalog).expect_err(text);
            assert_eq!(err.to_string(), want, "{text}");
        }
        let ssp = r#"{"system-security-plan": {"control-implementation": {"implemented-requirements": [
            {"control-id": "ac-2"}, {"control-id": "ac-3", "props": [{"name": "implementation-status", "value": "planned"}]},
            {"control-id": "zz-1"}]}}}"#;
        let err = parse_held("ssp.json", ssp.as_bytes(), cw, &catalog).expect_err("zz-1");
        assert_eq!(
            err.to_string(),
            "ssp.json: system-security-plan.control-implementation.implemented-requirements[2].control-id: not a known NIST SP 800-53 Rev. 5 ID (value \"zz-1\")"
        );
    }

    #[test]
    fn fedramp_moderate_gap_on_the_shipped_data() {
        let catalog = builtin_catalog().expect("builtin");
        let cw = builtin_crosswalk();
        let gap = cw.gap(
            &catalog,
            &catalog.basic_baseline(),
            &held_fedramp(cw, FedrampBaseline::Moderate),
        );
        let (covered, partly, not) = gap.counts();
        // NIST's pairs are "related": reuse is partial at best, never "covered".
        assert_eq!(covered, 0);
        assert!(partly > 100, "{partly}");
        // Governance, management and cloud-only items are left to evidence anew.
        assert!(not > 0);
        for r in &gap.rows {
            if r.coverage == Coverage::NotCovered && r.via.is_none() {
                let c = catalog.get(r.key);
                let linked = cw.lookup(
                    &catalog,
                    Framework::Ismap,
                    c.id.as_str(),
                    Some(Framework::Nist),
                );
                assert!(
                    !linked
                        .targets
                        .iter()
                        .any(|t| cw.fedramp(FedrampBaseline::Moderate).contains(&t.node.id)),
                    "{} is linked to a Moderate control but not covered",
                    c.id
                );
            }
        }
    }
}
