//! A registration's statement as an OSCAL component-definition, and a check's results as
//! OSCAL assessment-results.

use super::export::control_id;
use super::{NS, OSCAL_VERSION, uuid_from};
use chrono::NaiveDate;
use ismap_core::case::ResolutionKind;
use ismap_core::case::record::CaseExport;
use ismap_core::check::{ResultView, Status};
use ismap_core::criteria::Catalog;
use ismap_core::lang::Lang;
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

/// A procurement case's record as assessment-results: one result per candidate of the latest
/// snapshot, one finding per entry, and for every entry with a resolution a risk whose
/// remediation is the resolution (`completed` once approved, `planned` while it awaits
/// approval). A risk acceptance or exception that is approved is a `deviation-approved`
/// risk, not a closed one: settled is not conformant.
pub fn case_results(record: &CaseExport) -> Value {
    let case = &record.case;
    let snapshot = record.snapshots.last();
    let evaluated_on = snapshot.map(|s| s.evaluated_on);
    let plan = uuid_from(&format!(
        "case {} snapshot {:?}",
        case.id,
        snapshot.map(|s| s.seq)
    ));
    let start = evaluated_on.map_or_else(
        || case.created_at.to_rfc3339(),
        |d| format!("{d}T00:00:00+09:00"),
    );
    let last_modified = record
        .case
        .entries
        .iter()
        .filter_map(|e| e.resolution.as_ref())
        .flat_map(|r| [Some(r.at), r.approved_at])
        .flatten()
        .chain([case.created_at])
        .max()
        .unwrap_or(case.created_at)
        .to_rfc3339();
    let results: Vec<Value> = case
        .candidates
        .iter()
        .map(|cand| {
            let entries = case
                .entries
                .iter()
                .filter(|e| e.entry.registration_no == cand.registration_no);
            let mut findings = Vec::new();
            let mut risks = Vec::new();
            for e in entries {
                let n = e.entry.entry;
                let finding_uuid = uuid_from(&format!("{plan} finding {n}"));
                let mut finding = json!({
                    "uuid": finding_uuid,
                    "title": format!("{} {} {}", n, e.entry.check, e.entry.subject.as_deref().unwrap_or("")).trim_end().to_owned(),
                    "description": e.entry.reason,
                    "props": [
                        { "name": "ismap-entry", "ns": NS, "value": n.to_string() },
                        { "name": "ismap-status", "ns": NS, "value": e.entry.status.as_str() },
                        { "name": "ismap-code", "ns": NS, "value": e.entry.code },
                    ],
                    "target": {
                        "type": "objective-id",
                        "target-id": e.entry.check,
                        "status": { "state": if e.entry.status == Status::Pass { "satisfied" } else { "not-satisfied" } },
                    },
                });
                if let Some(r) = &e.resolution {
                    let risk_uuid = uuid_from(&format!("{plan} risk {n}"));
                    let approved = r.approved_by.is_some();
                    let accepted = matches!(r.kind, ResolutionKind::RiskAcceptance | ResolutionKind::Exception);
                    let status = match (approved, accepted) {
                        (false, _) => "investigating",
                        (true, true) => "deviation-approved",
                        (true, false) => "closed",
                    };
                    let mut props = vec![
                        json!({ "name": "resolution-kind", "ns": NS, "value": r.kind.code() }),
                        json!({ "name": "proposed-by", "ns": NS, "value": r.by }),
                    ];
                    if let Some(by) = &r.approved_by {
                        props.push(json!({ "name": "approved-by", "ns": NS, "value": by }));
                    }
                    if let Some(d) = &r.document {
                        props.push(json!({ "name": "document-number", "ns": NS, "value": d.number }));
                    }
                    if let Some(sha) = &r.attachment {
                        props.push(json!({ "name": "attachment-sha256", "ns": NS, "value": sha }));
                    }
                    let mut response = json!({
                        "uuid": uuid_from(&format!("{plan} response {n}")),
                        "lifecycle": if approved { "completed" } else { "planned" },
                        "title": r.kind.label(Lang::En),
                        "description": r.text,
                        "props": props,
                    });
                    if let Some(basis) = &r.legal_basis {
                        response["remarks"] = json!(format!("legal basis: {basis}"));
                    }
                    risks.push(json!({
                        "uuid": risk_uuid,
                        "title": format!("{} {}", e.entry.code, e.entry.subject.as_deref().unwrap_or("")).trim_end().to_owned(),
                        "description": e.entry.reason,
                        "statement": e.entry.action.as_deref().unwrap_or(&e.entry.reason),
                        "status": status,
                        "remediations": [response],
                    }));
                    finding["related-risks"] = json!([{ "risk-uuid": risk_uuid }]);
                }
                findings.push(finding);
            }
            let mut result = json!({
                "uuid": uuid_from(&format!("{plan} {}", cand.registration_no)),
                "title": cand.registration_no,
                "description": cand.verdict_text,
                "start": start,
                "props": [
                    { "name": "verdict", "ns": NS, "value": cand.verdict.as_str() },
                    { "name": "verdict-after-resolutions", "ns": NS, "value": cand.verdict_after_resolutions.as_str() },
                ],
                "reviewed-controls": { "control-selections": [{ "include-all": {} }] },
                "findings": findings,
            });
            if !risks.is_empty() {
                result["risks"] = json!(risks);
            }
            result
        })
        .collect();
    let mut facts = vec![format!(
        "case {} ({}), {}",
        case.id, case.organisation, case.state
    )];
    if let Some(s) = snapshot {
        facts.push(format!(
            "snapshot {} evaluated on {}; criteria {}; registry SHA-256 {}",
            s.seq, s.evaluated_on, s.criteria_version, s.registry_sha256
        ));
    }
    if let Some(d) = &case.decision {
        facts.push(format!(
            "decision: {} on {} by {}{}; reason: {}",
            d.service,
            d.decided_on,
            d.decided_by,
            d.approved_by
                .as_deref()
                .map(|a| format!(", approved by {a}"))
                .unwrap_or_default(),
            d.reason
        ));
    }
    if let Some(head) = &record.audit_head {
        facts.push(format!("audit trail head {head}"));
    }
    json!({
        "assessment-results": {
            "uuid": uuid_from(&format!("case assessment-results {plan}")),
            "metadata": metadata(
                format!("ISMAP procurement case: {}", case.name),
                snapshot.map_or("-", |s| s.criteria_version.as_str()),
                &last_modified,
            ),
            "import-ap": { "href": format!("#{plan}") },
            "results": if results.is_empty() {
                // The schema wants a result: an unchecked case has an empty one.
                vec![json!({
                    "uuid": uuid_from(&format!("{plan} unchecked")),
                    "title": "not checked",
                    "description": "The case has not been checked.",
                    "start": start,
                    "reviewed-controls": { "control-selections": [{ "include-all": {} }] },
                })]
            } else {
                results
            },
            "back-matter": { "resources": [{
                "uuid": plan,
                "title": format!("Procurement case {}: {}", case.id, case.name),
                "description": facts.join("\n"),
            }] },
        }
    })
}
