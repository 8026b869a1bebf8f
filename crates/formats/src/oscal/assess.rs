//! A registration's statement as an OSCAL component-definition, and a check's results as
//! OSCAL assessment-results.

use super::export::control_id;
use super::{NS, OSCAL_VERSION, uuid_from};
use chrono::NaiveDate;
use ismap_core::check::{ResultView, Status};
use ismap_core::criteria::Catalog;
use ismap_core::registration::{Registration, StatementStatus};
use serde_json::{Value, json};

fn metadata(title: String, version: &str, last_modified: &str) -> Value {
    json!({ "title": title, "last-modified": last_modified, "version": version, "oscal-version": OSCAL_VERSION })
}

/// The provider's statement for one registration: one service component whose implemented
/// requirements carry the ISMAP status (implemented / partial / not-applicable).
pub fn component_definition(
    r: &Registration,
    catalog: &Catalog,
    catalog_href: &str,
    last_modified: &str,
) -> Value {
    let no = r.registration_no.as_str();
    let requirements: Vec<Value> = r
        .controls()
        .iter()
        .map(|s| {
            let id = catalog.get(s.key).id.as_str();
            let status = match s.status {
                StatementStatus::Implemented => "implemented",
                StatementStatus::Partial => "partial",
                StatementStatus::NotApplicable => "not-applicable",
            };
            let mut v = json!({
                "uuid": uuid_from(&format!("component {no} requirement {id}")),
                "control-id": control_id(id),
                "description": s.reason.clone().unwrap_or_else(|| format!("{id}: {}", s.status.as_str())),
                "props": [{ "name": "implementation-status", "ns": NS, "value": status }],
            });
            if let (Some(from), Some(props)) = (&s.inherited_from, v["props"].as_array_mut()) {
                props.push(json!({ "name": "inherited-from", "ns": NS, "value": from.as_str() }));
            }
            v
        })
        .collect();
    let mut component = json!({
        "uuid": uuid_from(&format!("component {no}")),
        "type": "service",
        "title": r.service_name,
        "description": format!("{} — {} ({})", r.service_name, r.provider, r.program.label()),
        "props": [
            { "name": "registration-no", "ns": NS, "value": no },
            { "name": "program", "ns": NS, "value": r.program.as_str() },
            { "name": "audit-period-end", "ns": NS, "value": r.audit_period.end().to_string() },
        ],
    });
    if !requirements.is_empty() {
        component["control-implementations"] = json!([{
            "uuid": uuid_from(&format!("component {no} implementation")),
            "source": catalog_href,
            "description": format!("ISMAP statement (言明書) of {no}, criteria {}", r.criteria_version),
            "implemented-requirements": requirements,
        }]);
    }
    json!({
        "component-definition": {
            "uuid": uuid_from(&format!("component-definition {no}")),
            "metadata": metadata(format!("{} {no}", r.service_name), &r.criteria_version, last_modified),
            "components": [component],
        }
    })
}

/// The results of a check: one result per candidate, one finding per entry.
pub fn assessment_results(
    profile_name: &str,
    evaluated_on: NaiveDate,
    criteria_version: &str,
    registry_sha256: &str,
    results: &[ResultView],
    last_modified: &str,
) -> Value {
    let plan = uuid_from(&format!(
        "profile {profile_name} {evaluated_on} {registry_sha256}"
    ));
    let start = format!("{evaluated_on}T00:00:00+09:00");
    let out: Vec<Value> = results
        .iter()
        .map(|r| {
            let findings: Vec<Value> = r
                .checks
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let subject = c.subject.as_deref().unwrap_or("");
                    let mut f = json!({
                        "uuid": uuid_from(&format!("{plan} {} {i}", r.registration_no)),
                        "title": format!("{} {subject}", c.check.as_str()).trim_end().to_owned(),
                        "description": c.reason,
                        "props": [
                            { "name": "ismap-status", "ns": NS, "value": c.status.as_str() },
                            { "name": "ismap-code", "ns": NS, "value": c.code },
                        ],
                        "target": {
                            "type": "objective-id",
                            "target-id": c.check.as_str(),
                            "status": { "state": if c.status == Status::Pass { "satisfied" } else { "not-satisfied" } },
                        },
                    });
                    if let Some(action) = c.action {
                        f["remarks"] = json!(action);
                    }
                    f
                })
                .collect();
            json!({
                "uuid": uuid_from(&format!("{plan} {}", r.registration_no)),
                "title": format!("{} {}", r.registration_no, r.service_name.as_deref().unwrap_or("")).trim_end().to_owned(),
                "description": format!("verdict: {}; listing status: {}", r.verdict.as_str(), r.status.as_str()),
                "start": start,
                "props": [{ "name": "verdict", "ns": NS, "value": r.verdict.as_str() }],
                "reviewed-controls": { "control-selections": [{ "include-all": {} }] },
                "findings": findings,
            })
        })
        .collect();
    json!({
        "assessment-results": {
            "uuid": uuid_from(&format!("assessment-results {plan}")),
            "metadata": metadata(format!("ISMAP procurement check: {profile_name}"), criteria_version, last_modified),
            "import-ap": { "href": format!("#{plan}") },
            "results": out,
            "back-matter": { "resources": [{
                "uuid": plan,
                "title": format!("Requirement profile {profile_name}"),
                "description": format!("evaluated on {evaluated_on}; criteria {criteria_version}; registry SHA-256 {registry_sha256}"),
            }] },
        }
    })
}
