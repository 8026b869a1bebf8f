//! The ISMAP criteria as an OSCAL catalog (groups for parts, domains/sections and categories;
//! controls for objectives with their detailed controls nested; props for the ISMAP ID,
//! suffix and mandatory flag) and the "basic" baseline as an OSCAL profile.

use super::{NS, OSCAL_VERSION, uuid_from};
use ismap_core::criteria::{Catalog, ControlKey, Level, Part};
use ismap_core::lang::Lang;
use serde_json::{Value, json};

/// OSCAL ids must start with a letter: `6.1.1.13.PB` → `ismap-6.1.1.13.PB`.
pub fn control_id(ismap_id: &str) -> String {
    format!("ismap-{ismap_id}")
}

fn prop(name: &str, value: &str) -> Value {
    json!({ "name": name, "ns": NS, "value": value })
}

fn control(catalog: &Catalog, key: ControlKey, lang: Lang) -> Value {
    let c = catalog.get(key);
    let suffix = c.suffix();
    let mut props = vec![
        json!({ "name": "label", "value": c.id.as_str() }),
        prop("level", c.level.as_str()),
        prop("mandatory", if c.is_mandatory() { "true" } else { "false" }),
    ];
    if !suffix.as_str().is_empty() {
        props.push(prop("suffix", suffix.as_str()));
    }
    if let Some(s) = &c.source_standard {
        props.push(prop("source-standard", s));
    }
    let mut v = json!({
        "id": control_id(c.id.as_str()),
        "class": if c.level == Level::Objective { "ismap-objective" } else { "ismap-detailed" },
        "title": c.title.get(lang).unwrap_or(c.id.as_str()),
        "props": props,
    });
    if let Some(text) = c.text.get(lang) {
        v["parts"] = json!([{ "id": format!("{}_smt", control_id(c.id.as_str())), "name": "statement", "prose": text }]);
    }
    let children: Vec<Value> = catalog
        .children(key)
        .map(|k| control(catalog, k, lang))
        .collect();
    if !children.is_empty() {
        v["controls"] = Value::Array(children);
    }
    v
}

fn group_title(catalog: &Catalog, id: &str, lang: Lang) -> String {
    catalog
        .section(id)
        .and_then(|s| s.title.get(lang))
        .map_or_else(|| id.to_owned(), str::to_owned)
}

/// The catalog of a criteria version, titles in `lang` (falling back to the other language).
pub fn catalog(catalog: &Catalog, lang: Lang, last_modified: &str) -> Value {
    let objectives: Vec<ControlKey> = catalog
        .keys()
        .filter(|k| catalog.get(*k).level == Level::Objective)
        .collect();
    let mut parts = Vec::new();
    for part in Part::ALL {
        let in_part: Vec<ControlKey> = objectives
            .iter()
            .copied()
            .filter(|k| catalog.get(*k).part == part)
            .collect();
        let mut categories: Vec<&str> = in_part
            .iter()
            .map(|k| catalog.get(*k).parent.as_str())
            .collect();
        categories.dedup();
        let groups: Vec<Value> = categories
            .iter()
            .map(|category| {
                json!({
                    "id": format!("ismap-{category}"),
                    "class": "ismap-category",
                    "title": group_title(catalog, category, lang),
                    "controls": in_part.iter().filter(|k| catalog.get(**k).parent == *category).map(|k| control(catalog, *k, lang)).collect::<Vec<_>>(),
                })
            })
            .collect();
        let title = match part {
            Part::Governance => lang.pick("ガバナンス基準", "Governance criteria"),
            Part::Management => lang.pick("マネジメント基準", "Management criteria"),
            Part::Controls => lang.pick("管理策基準", "Control criteria"),
        };
        parts.push(json!({ "id": format!("ismap-part-{}", part.as_str()), "class": "ismap-part", "title": title, "groups": groups }));
    }
    json!({
        "catalog": {
            "uuid": uuid_from(&format!("ismap catalog {} {}", catalog.version(), lang.code())),
            "metadata": {
                "title": format!("{} {}", lang.pick("ISMAP管理基準", "ISMAP control criteria"), catalog.version()),
                "last-modified": last_modified,
                "version": catalog.version(),
                "oscal-version": OSCAL_VERSION,
                "remarks": lang.pick(
                    "ISMAP管理基準の公開された構造。名称は ismap が付した見出しで、公式の本文ではありません。",
                    "The public structure of the ISMAP control criteria. Titles are labels written by ismap, not the official text."
                ),
            },
            "groups": parts,
        }
    })
}

/// The "basic" baseline (every mandatory criterion) as a profile importing `catalog_href`.
pub fn basic_profile(catalog: &Catalog, catalog_href: &str, last_modified: &str) -> Value {
    let ids: Vec<String> = catalog
        .basic_baseline()
        .iter()
        .map(|k| control_id(catalog.get(*k).id.as_str()))
        .collect();
    json!({
        "profile": {
            "uuid": uuid_from(&format!("ismap basic profile {}", catalog.version())),
            "metadata": {
                "title": format!("ISMAP basic baseline {}", catalog.version()),
                "last-modified": last_modified,
                "version": catalog.version(),
                "oscal-version": OSCAL_VERSION,
            },
            "imports": [{ "href": catalog_href, "include-controls": [{ "with-ids": ids }] }],
            "merge": { "as-is": true },
        }
    })
}
