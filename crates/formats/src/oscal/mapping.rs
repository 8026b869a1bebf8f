//! The crosswalk as an OSCAL 1.2 `mapping-collection`: one `map` per derived link, with the
//! route and each step's source, and the IDs that map to nothing in a source gap summary.
//! [`validate_mapping`] checks a collection against the mapping metaschema's rules.

use super::{NS, uuid_from};
use ismap_core::criteria::Catalog;
use ismap_core::crosswalk::{
    Crosswalk, Framework, Link, Lookup, Relationship, disclaimer, source_label,
};
use ismap_core::lang::Lang;
use serde_json::{Value, json};

/// The OSCAL version mapping collections declare (the model is new in 1.2).
pub const MAPPING_OSCAL_VERSION: &str = "1.2.2";

/// OSCAL's relationship values (mapping-common metaschema, `map/relationship`).
pub const RELATIONSHIPS: [&str; 6] = [
    "equivalent-to",
    "equal-to",
    "subset-of",
    "superset-of",
    "intersects-with",
    "no-relationship",
];
pub const METHODS: [&str; 3] = ["human", "automation", "hybrid"];
pub const MATCHING_RATIONALES: [&str; 3] = ["syntactic", "semantic", "functional"];
pub const STATUSES: [&str; 5] = [
    "complete",
    "not-complete",
    "draft",
    "deprecated",
    "superseded",
];

/// Where each framework's controls are published, for `source-resource`/`target-resource`.
fn resource(framework: Framework, ismap_href: &str) -> Value {
    let href = match framework {
        Framework::Ismap => ismap_href,
        Framework::Nist => {
            "https://raw.githubusercontent.com/usnistgov/oscal-content/main/nist.gov/SP800-53/rev5/json/NIST_SP-800-53_rev5_catalog.json"
        }
        Framework::Iso2013 => "https://www.iso.org/standard/54534.html",
        Framework::Iso2022 => "https://www.iso.org/standard/27001",
    };
    json!({
        "type": if matches!(framework, Framework::Iso2013 | Framework::Iso2022) { "standard" } else { "catalog" },
        "href": href,
        "props": [{ "name": "framework", "ns": NS, "value": framework.code() }],
    })
}

/// How an ID is referenced: ISMAP as in ismap's OSCAL catalog (`ismap-9.2.3`).
fn id_ref(framework: Framework, id: &str) -> String {
    match framework {
        Framework::Ismap => super::export::control_id(id),
        _ => id.to_owned(),
    }
}

/// OSCAL has no value for a pair published without a set relationship; ismap's namespace
/// qualifies `related` (the map's `ns` flag exists for this).
fn relationship(r: Relationship) -> (&'static str, Option<&'static str>) {
    match r {
        Relationship::Equal => ("equal-to", None),
        Relationship::Subset => ("subset-of", None),
        Relationship::Superset => ("superset-of", None),
        Relationship::Intersects => ("intersects-with", None),
        Relationship::Related => ("related", Some(NS)),
    }
}

fn map(from: Framework, source: &str, link: &Link) -> Value {
    let target = link.target();
    let (rel, ns) = relationship(link.relationship);
    let mut props = vec![json!({ "name": "route", "ns": NS, "value": link.route.code() })];
    for (i, step) in link.steps.iter().enumerate() {
        props.push(json!({
            "name": "step", "ns": NS, "class": format!("step-{}", i + 1),
            "value": format!("{} {} {}", step.to.framework.code(), step.to.id, step.relationship.code()),
            "remarks": step.source,
        }));
    }
    if link.partial {
        props.push(json!({ "name": "nist-partial", "ns": NS, "value": "true" }));
    }
    let mut m = json!({
        "uuid": uuid_from(&format!("ismap-map:{}:{source}:{}:{}", from.code(), link.route.code(),
            link.steps.iter().map(|s| s.to.id.as_str()).collect::<Vec<_>>().join(">"))),
        "relationship": rel,
        "sources": [{ "type": "control", "id-ref": id_ref(from, source) }],
        "targets": [{ "type": "control", "id-ref": id_ref(target.framework, &target.id) }],
        "props": props,
        "remarks": link.describe(source, Lang::En),
    });
    if let Some(ns) = ns {
        m["ns"] = json!(ns);
    }
    m
}

/// Every ID of `from` with its links into `to`, as an OSCAL mapping collection.
pub fn mapping_collection(
    crosswalk: &Crosswalk,
    catalog: &Catalog,
    from: Framework,
    to: Framework,
    ismap_href: &str,
    now: &str,
) -> Value {
    let lookups: Vec<Lookup> = match from {
        Framework::Ismap => catalog
            .criteria()
            .iter()
            .map(|c| crosswalk.lookup(catalog, from, c.id.as_str(), Some(to)))
            .collect(),
        _ => crosswalk
            .ids(from)
            .map(|id| crosswalk.lookup(catalog, from, id, Some(to)))
            .collect(),
    };
    let maps: Vec<Value> = lookups
        .iter()
        .flat_map(|l| {
            l.targets
                .iter()
                .flat_map(|t| t.links.iter().map(|link| map(from, &l.source.id, link)))
        })
        .collect();
    let unmapped: Vec<String> = lookups
        .iter()
        .filter(|l| l.targets.is_empty())
        .map(|l| id_ref(from, &l.source.id))
        .collect();
    let sources: Vec<String> = {
        let mut s: Vec<&str> = lookups
            .iter()
            .flat_map(|l| {
                l.targets
                    .iter()
                    .flat_map(|t| &t.links)
                    .flat_map(|k| &k.steps)
            })
            .map(|s| s.source.as_str())
            .collect();
        s.sort_unstable();
        s.dedup();
        s.iter()
            .map(|c| format!("{c}: {}", source_label(c, Lang::En)))
            .collect()
    };
    let title = format!(
        "Crosswalk: {} → {}",
        from.label(Lang::En),
        to.label(Lang::En)
    );
    let mut mapping = json!({
        "uuid": uuid_from(&format!("ismap-mapping:{}:{}:{}", from.code(), to.code(), catalog.version())),
        "source-resource": resource(from, ismap_href),
        "target-resource": resource(to, ismap_href),
        "maps": maps,
    });
    if !unmapped.is_empty() {
        mapping["source-gap-summary"] = json!({
            "uuid": uuid_from(&format!("ismap-gap:{}:{}:{}", from.code(), to.code(), catalog.version())),
            "unmapped-controls": [{ "with-ids": unmapped }],
        });
    }
    json!({ "mapping-collection": {
        "uuid": uuid_from(&format!("ismap-mapping-collection:{}:{}:{}", from.code(), to.code(), catalog.version())),
        "metadata": {
            "title": title,
            "last-modified": now,
            "version": format!("ismap {} (criteria {})", env!("CARGO_PKG_VERSION"), catalog.version()),
            "oscal-version": MAPPING_OSCAL_VERSION,
        },
        "provenance": {
            "method": "hybrid",
            "matching-rationale": "semantic",
            "status": "not-complete",
            "mapping-description": format!(
                "Derived by ismap from published ID pairs (NIST OLIR #155; NIST's SP 800-53r5 to ISO/IEC 27001:2013 tables; ISO/IEC 27002:2022 Annex B) and the ISMAP criteria numbering (objective X.Y.Z = ISO/IEC 27001:2013 A.X.Y.Z; detailed items inherit their objective's link). One map per route; a derived link is never stronger than its weakest step. Pairs published without a set relationship are \"related\" in the namespace {NS}. {}",
                disclaimer(Lang::En)
            ),
            "remarks": format!("Sources: {}. Cloud-only objectives from ISO/IEC 27017 and the governance and management criteria have no ISO/IEC 27001 Annex A counterpart; they are listed as unmapped, not guessed.", sources.join("; ")),
        },
        "mappings": [mapping],
    }})
}

/// The most problems [`validate_mapping`] reports (then how many more there are).
const MAX_PROBLEMS: usize = 100;

/// The mapping metaschema's rules: required fields, at least one mapping and map, known
/// `method`/`matching-rationale`/`status`, OSCAL relationship values unless another
/// namespace qualifies them, `control` or `statement` items. Returns the first
/// [`MAX_PROBLEMS`] problems found, and how many more.
pub fn validate_mapping(doc: &Value) -> Vec<String> {
    let mut problems = every_problem(doc);
    if problems.len() > MAX_PROBLEMS {
        let more = problems.len() - MAX_PROBLEMS;
        problems.truncate(MAX_PROBLEMS);
        problems.push(format!("and {more} more"));
    }
    problems
}

fn every_problem(doc: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let mc = &doc["mapping-collection"];
    let mut need = |v: &Value, path: &str| {
        if v.is_null() || v.as_str() == Some("") {
            problems.push(format!("{path}: required"));
            false
        } else {
            true
        }
    };
    need(&mc["uuid"], "mapping-collection.uuid");
    for f in ["title", "last-modified", "version", "oscal-version"] {
        need(
            &mc["metadata"][f],
            &format!("mapping-collection.metadata.{f}"),
        );
    }
    let prov = &mc["provenance"];
    need(
        &prov["mapping-description"],
        "mapping-collection.provenance.mapping-description",
    );
    let mut problems_after = Vec::new();
    for (flag, allowed) in [
        ("method", &METHODS[..]),
        ("matching-rationale", &MATCHING_RATIONALES[..]),
        ("status", &STATUSES[..]),
    ] {
        let path = format!("mapping-collection.provenance.{flag}");
        match prov[flag].as_str() {
            None => problems_after.push(format!("{path}: required")),
            Some(v) if !allowed.contains(&v) => problems_after.push(format!(
                "{path}: {v:?} is not one of {}",
                allowed.join(", ")
            )),
            Some(_) => {}
        }
    }
    problems.extend(problems_after);
    let mappings = mc["mappings"].as_array().map_or(&[][..], Vec::as_slice);
    if mappings.is_empty() {
        problems.push("mapping-collection.mappings: at least one mapping required".into());
    }
    for (i, m) in mappings.iter().enumerate() {
        let at = format!("mapping-collection.mappings[{i}]");
        for f in ["uuid"] {
            if m[f].as_str().is_none_or(str::is_empty) {
                problems.push(format!("{at}.{f}: required"));
            }
        }
        for r in ["source-resource", "target-resource"] {
            for f in ["type", "href"] {
                if m[r][f].as_str().is_none_or(str::is_empty) {
                    problems.push(format!("{at}.{r}.{f}: required"));
                }
            }
        }
        let maps = m["maps"].as_array().map_or(&[][..], Vec::as_slice);
        if maps.is_empty() {
            problems.push(format!("{at}.maps: at least one map required"));
        }
        for (j, map) in maps.iter().enumerate() {
            let at = format!("{at}.maps[{j}]");
            if map["uuid"].as_str().is_none_or(str::is_empty) {
                problems.push(format!("{at}.uuid: required"));
            }
            let oscal_ns = map["ns"]
                .as_str()
                .is_none_or(|ns| ns == "http://csrc.nist.gov/ns/oscal");
            match map["relationship"].as_str() {
                None => problems.push(format!("{at}.relationship: required")),
                Some(r) if oscal_ns && !RELATIONSHIPS.contains(&r) => problems.push(format!(
                    "{at}.relationship: {r:?} is not one of {}",
                    RELATIONSHIPS.join(", ")
                )),
                Some(_) => {}
            }
            for side in ["sources", "targets"] {
                let items = map[side].as_array().map_or(&[][..], Vec::as_slice);
                if items.is_empty() {
                    problems.push(format!("{at}.{side}: at least one required"));
                }
                for (k, item) in items.iter().enumerate() {
                    if !matches!(item["type"].as_str(), Some("control" | "statement")) {
                        problems.push(format!(
                            "{at}.{side}[{k}].type: expected control or statement"
                        ));
                    }
                    if item["id-ref"].as_str().is_none_or(str::is_empty) {
                        problems.push(format!("{at}.{side}[{k}].id-ref: required"));
                    }
                }
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::criteria::builtin_catalog;
    use crate::crosswalk::builtin_crosswalk;

    fn collection() -> Value {
        let catalog = builtin_catalog().expect("builtin");
        mapping_collection(
            builtin_crosswalk(),
            &catalog,
            Framework::Ismap,
            Framework::Nist,
            "ismap-catalog.json",
            "2026-12-02T00:00:00Z",
        )
    }

    #[test]
    fn the_ismap_to_nist_collection_keeps_the_rules() {
        let doc = collection();
        assert_eq!(validate_mapping(&doc), Vec::<String>::new());
        let mapping = &doc["mapping-collection"]["mappings"][0];
        let maps = mapping["maps"].as_array().expect("maps");
        assert!(maps.len() > 1000, "{}", maps.len());
        // Every map names its route and the source of each step.
        for m in maps {
            let props = m["props"].as_array().expect("props");
            assert!(props.iter().any(|p| p["name"] == "route"));
            assert!(props.iter().filter(|p| p["name"] == "step").count() >= 2);
        }
        let map_9_2_3: Vec<&Value> = maps
            .iter()
            .filter(|m| m["sources"][0]["id-ref"] == "ismap-9.2.3")
            .collect();
        assert!(
            map_9_2_3
                .iter()
                .any(|m| m["targets"][0]["id-ref"] == "ac-6")
        );
        // NIST's pairs carry no set relationship: "related", in ismap's namespace.
        assert!(
            map_9_2_3
                .iter()
                .all(|m| m["relationship"] == "related" && m["ns"] == NS)
        );
        // Cloud-only and governance items are listed as unmapped, not guessed.
        let unmapped = mapping["source-gap-summary"]["unmapped-controls"][0]["with-ids"]
            .as_array()
            .expect("unmapped");
        assert!(unmapped.contains(&json!("ismap-12.1.5.P")));
        assert!(unmapped.contains(&json!("ismap-3.1.1")));
        // Reproducible: same input, same document.
        assert_eq!(doc, collection());
    }

    #[test]
    fn broken_collections_are_caught() {
        type Break = fn(&mut Value);
        let cases: [(&str, Break); 5] = [
            ("relationship: \"same-as\" is not one of", |d| {
                let m = &mut d["mapping-collection"]["mappings"][0]["maps"][0];
                m["relationship"] = json!("same-as");
                m.as_object_mut().expect("map").remove("ns");
            }),
            ("provenance.method: required", |d| {
                d["mapping-collection"]
                    .as_object_mut()
                    .expect("root")
                    .remove("provenance");
            }),
            ("provenance.status: \"final\" is not one of", |d| {
                d["mapping-collection"]["provenance"]["status"] = json!("final");
            }),
            ("maps: at least one map required", |d| {
                d["mapping-collection"]["mappings"][0]["maps"] = json!([]);
            }),
            ("targets[0].type: expected control or statement", |d| {
                d["mapping-collection"]["mappings"][0]["maps"][0]["targets"][0]["type"] =
                    json!("family");
            }),
        ];
        for (want, break_it) in cases {
            let mut doc = collection();
            break_it(&mut doc);
            let problems = validate_mapping(&doc);
            assert!(
                problems.iter().any(|p| p.contains(want)),
                "{want}: {problems:?}"
            );
        }
    }

    /// Our lists of allowed values are NIST's: read them from the OSCAL 1.2 metaschema when
    /// the shared data is present (CI always has it; a user's clone may not).
    #[test]
    fn allowed_values_match_the_metaschema() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/oscal/v1.2.2-metaschema/oscal_mapping-common_metaschema.xml"
        );
        let Ok(xml) = std::fs::read_to_string(path) else {
            eprintln!("skipped: {path} is absent (the OSCAL metaschema is not shipped)");
            return;
        };
        let enums = |after: &str| -> Vec<String> {
            let start = xml.find(after).expect(after);
            let end = start + xml[start..].find("</allowed-values>").expect("end");
            xml[start..end]
                .split("<enum value=\"")
                .skip(1)
                .map(|s| s[..s.find('"').expect("quote")].to_owned())
                .collect()
        };
        assert_eq!(enums("<define-field name=\"relationship\""), RELATIONSHIPS);
        assert_eq!(enums("<define-flag name=\"method\""), METHODS);
        assert_eq!(
            enums("<define-flag name=\"matching-rationale\""),
            MATCHING_RATIONALES
        );
        assert_eq!(enums("<define-flag name=\"status\""), STATUSES);
    }
}
