//! Contract clause drafts (仕様書・契約書の条項案) from a case: renewal failure and exit,
//! written confirmation of the statement scope, data location and jurisdiction, the
//! customer's evidence duties, and the points settled by contract. The wording is the
//! agency's: templates are data files (`data/clauses/*.toml`, or a directory the agency
//! keeps) with `{placeholders}` filled from the case; this module only checks and fills them.

use super::ResolutionKind;
use super::evidence::Performer;
use super::record::CaseRecord;
use crate::check::Status;
use crate::lang::Lang;
use serde::Serialize;

/// When a clause applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Always,
    /// The chosen service has review or fail entries.
    Findings,
    /// A resolution of the chosen service is settled by a contract clause.
    ContractClauses,
    /// A resolution of the chosen service rests on a written confirmation.
    Confirmations,
}

impl When {
    pub fn parse(s: &str) -> Result<When, String> {
        match s.trim() {
            "always" => Ok(When::Always),
            "findings" => Ok(When::Findings),
            "contract_clauses" => Ok(When::ContractClauses),
            "confirmations" => Ok(When::Confirmations),
            other => Err(format!(
                "unknown condition {other:?}: expected always, findings, contract_clauses or confirmations"
            )),
        }
    }
}

/// What a template may name, each filled from the case.
pub const PLACEHOLDERS: [&str; 15] = [
    "agency",
    "case_name",
    "service",
    "registration_no",
    "service_name",
    "provider",
    "expires_on",
    "contract_start",
    "contract_end",
    "regions",
    "duties",
    "contractor_duties",
    "findings",
    "contract_clauses",
    "confirmations",
];

/// A piece of a template: text as written, or a placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Slot(&'static str),
}

/// A template's body, checked: every `{name}` is a known placeholder; `{{` and `}}` are
/// literal braces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body(Vec<Piece>);

impl Body {
    pub fn parse(text: &str) -> Result<Body, String> {
        let mut pieces = Vec::new();
        let mut text_run = String::new();
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            match c {
                '{' if chars.peek().map(|p| p.1) == Some('{') => {
                    chars.next();
                    text_run.push('{');
                }
                '}' if chars.peek().map(|p| p.1) == Some('}') => {
                    chars.next();
                    text_run.push('}');
                }
                '{' => {
                    let rest = &text[i + 1..];
                    let end = rest
                        .find('}')
                        .ok_or_else(|| format!("unclosed {{ at character {i}"))?;
                    let name = rest[..end].trim();
                    let slot = PLACEHOLDERS.iter().find(|p| **p == name).ok_or_else(|| {
                        format!(
                            "unknown placeholder {{{name}}}: expected one of {}",
                            PLACEHOLDERS.join(", ")
                        )
                    })?;
                    // Past the name and its closing brace (`end` counts bytes; skip chars).
                    for _ in 0..rest[..end].chars().count() + 1 {
                        chars.next();
                    }
                    pieces.push(Piece::Text(std::mem::take(&mut text_run)));
                    pieces.push(Piece::Slot(slot));
                }
                '}' => {
                    return Err(format!(
                        "a lone }} at character {i} (write }}}} for a brace)"
                    ));
                }
                c => text_run.push(c),
            }
        }
        pieces.push(Piece::Text(text_run));
        Ok(Body(pieces))
    }

    fn fill(&self, value: impl Fn(&str) -> String) -> String {
        self.0
            .iter()
            .map(|p| match p {
                Piece::Text(t) => t.clone(),
                Piece::Slot(name) => value(name),
            })
            .collect()
    }
}

/// A clause template in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub id: String,
    pub when: When,
    pub title_ja: String,
    pub title_en: String,
    pub body_ja: Body,
    pub body_en: Body,
}

/// A drafted clause.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Clause {
    pub id: String,
    pub title: String,
    pub text: String,
}

/// A date as a contract writes it: 2027年3月31日, or 2027-03-31 in English.
fn date_text(d: chrono::NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Ja => d.format("%Y年%-m月%-d日").to_string(),
        Lang::En => d.to_string(),
    }
}

/// The value of `name` for the case's chosen service, in `lang`. Lists are one line per
/// item; an empty list reads 「（なし）」.
fn value(c: &CaseRecord, name: &str, lang: Lang) -> String {
    let none = || lang.pick("（なし）", "(none)").to_owned();
    let list = |items: Vec<String>| {
        if items.is_empty() {
            none()
        } else {
            items
                .iter()
                .map(|i| format!("{}{i}", lang.pick("・", "- ")))
                .collect::<Vec<_>>()
                .join("\n")
        }
    };
    let chosen = c.chosen();
    let service = chosen.map_or("", |f| f.registration_no.as_str());
    let contract = c.latest.as_ref().and_then(|s| s.contract);
    let resolutions_of = |kind: ResolutionKind| {
        c.resolutions
            .iter()
            .filter(|r| r.kind == kind && r.approved_by.is_some())
            .filter(|r| {
                c.entries()
                    .iter()
                    .any(|e| e.entry == r.entry && e.registration_no == service)
            })
            .map(|r| match &r.document {
                Some(d) => format!("{}（{}）", r.text, d.number),
                None => r.text.clone(),
            })
            .collect::<Vec<_>>()
    };
    match name {
        "agency" => c.organisation.clone(),
        "case_name" => c.name.clone(),
        "service" => chosen.map_or_else(none, |f| f.title()),
        "registration_no" => service.to_owned(),
        "service_name" => chosen
            .and_then(|f| f.service_name.clone())
            .unwrap_or_else(none),
        "provider" => chosen.and_then(|f| f.provider.clone()).unwrap_or_else(none),
        "expires_on" => chosen
            .and_then(|f| f.expires_on)
            .map_or_else(none, |d| date_text(d, lang)),
        "contract_start" => contract.map_or_else(none, |c| date_text(c.0, lang)),
        "contract_end" => contract.map_or_else(none, |c| date_text(c.1, lang)),
        "regions" => chosen.map_or_else(none, |f| {
            if f.regions.is_empty() {
                none()
            } else {
                f.regions.join(lang.pick("、", ", "))
            }
        }),
        "duties" => list(
            c.duty_views(lang, chrono::NaiveDate::MIN)
                .into_iter()
                .filter(|d| !d.retired)
                .map(|d| match d.row {
                    Some(r) => format!(
                        "{}: {}（{}・{}・{}）",
                        d.title,
                        r.activity.replace('\n', " "),
                        r.performer.label(lang),
                        r.frequency,
                        r.evidence
                    ),
                    None => format!(
                        "{}: {}",
                        d.title,
                        lang.pick(
                            "（実施内容は発注者が別途定める）",
                            "(what is done is set by the purchaser)"
                        )
                    ),
                })
                .collect(),
        ),
        "contractor_duties" => list(
            c.duty_views(lang, chrono::NaiveDate::MIN)
                .into_iter()
                .filter(|d| !d.retired)
                .filter_map(|d| {
                    let r = d.row.filter(|r| r.performer == Performer::Contractor)?;
                    Some(format!(
                        "{}: {}（{}{}・{}{}）",
                        d.title,
                        r.activity.replace('\n', " "),
                        lang.pick("頻度 ", "frequency "),
                        if r.frequency.is_empty() {
                            "-"
                        } else {
                            &r.frequency
                        },
                        lang.pick("証跡 ", "evidence "),
                        r.evidence
                    ))
                })
                .collect(),
        ),
        "findings" => list(
            c.entries()
                .iter()
                .filter(|e| e.registration_no == service && e.status != Status::Pass)
                .map(|e| {
                    let settled = c
                        .resolutions
                        .iter()
                        .find(|r| r.entry == e.entry && r.approved_by.is_some());
                    match settled {
                        Some(r) => format!("{}（{}: {}）", e.reason, r.kind.label(lang), r.text),
                        None => e.reason.clone(),
                    }
                })
                .collect(),
        ),
        "contract_clauses" => list(resolutions_of(ResolutionKind::ContractClause)),
        "confirmations" => list(resolutions_of(ResolutionKind::WrittenConfirmation)),
        _ => String::new(),
    }
}

fn applies(c: &CaseRecord, when: When) -> bool {
    let service = c.chosen().map_or("", |f| f.registration_no.as_str());
    let has = |kind: ResolutionKind| {
        c.resolutions.iter().any(|r| {
            r.kind == kind
                && r.approved_by.is_some()
                && c.entries()
                    .iter()
                    .any(|e| e.entry == r.entry && e.registration_no == service)
        })
    };
    match when {
        When::Always => true,
        When::Findings => c
            .entries()
            .iter()
            .any(|e| e.registration_no == service && e.status != Status::Pass),
        When::ContractClauses => has(ResolutionKind::ContractClause),
        When::Confirmations => has(ResolutionKind::WrittenConfirmation),
    }
}

/// The clauses that apply to the case's chosen service, drafted in `lang`; none until a
/// service is chosen.
pub fn draft(templates: &[Template], c: &CaseRecord, lang: Lang) -> Vec<Clause> {
    if c.chosen().is_none() {
        return Vec::new();
    }
    templates
        .iter()
        .filter(|t| applies(c, t.when))
        .map(|t| {
            let (title, body) = match lang {
                Lang::Ja => (&t.title_ja, &t.body_ja),
                Lang::En => (&t.title_en, &t.body_en),
            };
            Clause {
                id: t.id.clone(),
                title: title.clone(),
                text: body.fill(|name| value(c, name, lang)).trim().to_owned(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_name_known_placeholders_only() {
        let table: [(&str, Result<usize, &str>); 7] = [
            ("本契約の期間（{contract_start}〜{contract_end}）", Ok(5)),
            ("{{literal}} braces", Ok(1)),
            ("{ service }", Ok(3)),
            ("{\u{3000}agency\u{3000}}と", Ok(3)),
            ("{servise}", Err("unknown placeholder {servise}")),
            ("{service", Err("unclosed {")),
            ("a } b", Err("a lone }")),
        ];
        for (text, expected) in table {
            match (Body::parse(text), expected) {
                (Ok(b), Ok(n)) => assert_eq!(b.0.len(), n, "{text}"),
                (Err(e), Err(prefix)) => assert!(e.starts_with(prefix), "{text}: {e}"),
                (got, _) => panic!("{text}: {got:?}"),
            }
        }
        let b = Body::parse("{{x}} {agency}").expect("valid");
        assert_eq!(b.fill(|n| n.to_uppercase()), "{x} AGENCY");
    }

    fn case(kind: ResolutionKind) -> CaseRecord {
        use crate::case::SnapshotEntry;
        use crate::case::premise::CandidateFacts;
        use crate::case::record::{Decision, ResolutionRecord, Snapshot};
        use crate::registration::ListingStatus;
        let entry = |n: u32, service: &str, status: Status| SnapshotEntry {
            entry: n,
            registration_no: service.into(),
            check: "controls".into(),
            status,
            code: "partial".into(),
            subject: Some("12.3.1".into()),
            reason: format!("理由{n}"),
            action: None,
        };
        let facts = |no: &str| CandidateFacts {
            registration_no: no.into(),
            service_name: Some("Example Cloud".into()),
            provider: Some("Example株式会社".into()),
            status: ListingStatus::Valid,
            expires_on: Some("2027-07-31".parse().expect("valid")),
            regions: vec!["東京".into(), "大阪".into()],
            duties: vec!["iam".into(), "logging".into()],
        };
        let at = chrono::Utc::now();
        CaseRecord {
            id: 1,
            organisation: "架空省".into(),
            name: "文書管理".into(),
            created_by: "a".into(),
            created_at: at,
            profile_version: 1,
            profile: String::new(),
            decision: Some(Decision {
                service: "C24-0001-1".into(),
                reason: "理由".into(),
                decided_on: "2026-12-01".parse().expect("valid"),
                decided_by: "a".into(),
                approved_by: None,
                approved_at: None,
                snapshot: 1,
            }),
            snapshots: 1,
            latest: Some(Snapshot {
                seq: 1,
                profile_version: 1,
                evaluated_on: "2026-12-01".parse().expect("valid"),
                criteria_version: "2022-04-01".into(),
                expiry_rule: "civil".into(),
                registry_sha256: "00".into(),
                registry_revision: None,
                entries: vec![
                    entry(1, "C24-0001-1", Status::Review),
                    entry(2, "C24-0002-1", Status::Fail),
                ],
                candidates: vec![facts("C24-0001-1"), facts("C24-0002-1")],
                contract: Some((
                    "2027-01-01".parse().expect("valid"),
                    "2029-12-31".parse().expect("valid"),
                )),
            }),
            resolutions: vec![ResolutionRecord {
                snapshot: 1,
                entry: 1,
                kind,
                text: "契約書第12条で担保".into(),
                document: None,
                legal_basis: None,
                by: "a".into(),
                at,
                approved_by: Some("b".into()),
                approved_at: Some(at),
                attachment: None,
            }],
            evidence: vec![],
            attachments: vec![],
        }
    }

    fn template(id: &str, when: When, body: &str) -> Template {
        Template {
            id: id.into(),
            when,
            title_ja: id.into(),
            title_en: id.into(),
            body_ja: Body::parse(body).expect("valid"),
            body_en: Body::parse(body).expect("valid"),
        }
    }

    #[test]
    fn drafts_fill_the_chosen_service_and_apply_by_condition() {
        let templates = [
            template(
                "exit",
                When::Always,
                "{service}: {expires_on} / {contract_end} / {regions}",
            ),
            template("clauses", When::ContractClauses, "{contract_clauses}"),
            template("confirm", When::Confirmations, "{confirmations}"),
            template("duties", When::Always, "{duties}"),
        ];
        let c = case(ResolutionKind::ContractClause);
        let drafted = draft(&templates, &c, Lang::Ja);
        let ids: Vec<&str> = drafted.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["exit", "clauses", "duties"]);
        assert_eq!(
            drafted[0].text,
            "C24-0001-1 Example Cloud（Example株式会社）: 2027年7月31日 / 2029年12月31日 / 東京、大阪"
        );
        assert_eq!(drafted[1].text, "・契約書第12条で担保");
        assert_eq!(
            drafted[2].text,
            "・IAM（ID・権限管理）: （実施内容は発注者が別途定める）\n・ログの取得・監視: （実施内容は発注者が別途定める）"
        );
        // a written confirmation brings its clause instead
        let c = case(ResolutionKind::WrittenConfirmation);
        let ids: Vec<String> = draft(&templates, &c, Lang::En)
            .into_iter()
            .map(|d| d.id)
            .collect();
        assert_eq!(ids, ["exit", "confirm", "duties"]);
        // nothing chosen, nothing drafted
        let mut open = case(ResolutionKind::ContractClause);
        open.decision = None;
        assert!(draft(&templates, &open, Lang::Ja).is_empty());
    }

    #[test]
    fn conditions_read_back() {
        assert_eq!(When::parse("findings"), Ok(When::Findings));
        assert!(When::parse("sometimes").is_err());
    }
}
