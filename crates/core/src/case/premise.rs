//! The premises of a decision (判断の前提): what the list said about the chosen service when
//! the case was checked, and what a later check finds changed — listing status, expiry,
//! regions, and each entry (scope, region, control) whose status moved. After a decision the
//! case keeps watching: a change here is a case alert naming what changed and which
//! resolutions it touches.

use super::SnapshotEntry;
use crate::check::{ResultView, Status};
use crate::lang::Lang;
use crate::registration::{ListingStatus, Registration};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What the list said about one candidate when a snapshot was taken.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateFacts {
    pub registration_no: String,
    pub service_name: Option<String>,
    pub provider: Option<String>,
    pub status: ListingStatus,
    pub expires_on: Option<NaiveDate>,
    /// Region names as listed.
    pub regions: Vec<String>,
    /// The customer's duties (責任分界) for this candidate under the case's features.
    pub duties: Vec<String>,
}

impl CandidateFacts {
    pub fn of(view: &ResultView, registration: Option<&Registration>) -> CandidateFacts {
        CandidateFacts {
            registration_no: view.registration_no.clone(),
            service_name: view.service_name.clone(),
            provider: view.provider.clone(),
            status: view.status,
            expires_on: view.expires_on,
            regions: registration
                .map(|r| r.regions.iter().map(|g| g.name.clone()).collect())
                .unwrap_or_default(),
            duties: view
                .responsibilities
                .iter()
                .map(|r| r.code.to_owned())
                .collect(),
        }
    }

    /// 「C24-0001-1 Example Cloud（Example株式会社）」, or the number alone when unlisted.
    pub fn title(&self) -> String {
        match (&self.service_name, &self.provider) {
            (Some(s), Some(p)) => format!("{} {s}（{p}）", self.registration_no),
            (Some(s), None) => format!("{} {s}", self.registration_no),
            _ => self.registration_no.clone(),
        }
    }
}

/// One change to a premise of the decision.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PremiseChange {
    Listing {
        from: ListingStatus,
        to: ListingStatus,
    },
    Expiry {
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    },
    Regions {
        added: Vec<String>,
        removed: Vec<String>,
    },
    /// An entry of the check whose status moved, appeared (`from` none) or went (`to` none).
    Entry {
        check: String,
        code: String,
        subject: Option<String>,
        from: Option<Status>,
        to: Option<Status>,
    },
}

fn status_text(s: Option<Status>, lang: Lang) -> &'static str {
    s.map_or(lang.pick("（なし）", "(none)"), |s| s.label(lang))
}

fn date_text(d: Option<NaiveDate>, lang: Lang) -> String {
    d.map_or(lang.pick("（なし）", "(none)").to_owned(), |d| {
        d.to_string()
    })
}

impl PremiseChange {
    pub fn text(&self, lang: Lang) -> String {
        let ja = lang == Lang::Ja;
        match self {
            PremiseChange::Listing { from, to } if ja => {
                format!("登録状況: {} → {}", from.label(lang), to.label(lang))
            }
            PremiseChange::Listing { from, to } => {
                format!("listing: {} → {}", from.label(lang), to.label(lang))
            }
            PremiseChange::Expiry { from, to } => format!(
                "{}: {} → {}",
                lang.pick("有効期限", "expiry"),
                date_text(*from, lang),
                date_text(*to, lang)
            ),
            PremiseChange::Regions { added, removed } => {
                let mut parts = Vec::new();
                if !added.is_empty() {
                    parts.push(format!("+{}", added.join("、")));
                }
                if !removed.is_empty() {
                    parts.push(format!("−{}", removed.join("、")));
                }
                format!(
                    "{}: {}",
                    lang.pick("リージョン", "regions"),
                    parts.join(" ")
                )
            }
            PremiseChange::Entry {
                check,
                code,
                subject,
                from,
                to,
            } => format!(
                "{check}/{code}{}: {} → {}",
                subject
                    .as_deref()
                    .map(|s| format!(" {s}"))
                    .unwrap_or_default(),
                status_text(*from, lang),
                status_text(*to, lang)
            ),
        }
    }
}

type Point<'a> = (&'a str, &'a str, Option<&'a str>);

fn point(e: &SnapshotEntry) -> Point<'_> {
    (&e.check, &e.code, e.subject.as_deref())
}

fn points<'a>(entries: &'a [SnapshotEntry], service: &str) -> Vec<(Point<'a>, Status)> {
    entries
        .iter()
        .filter(|e| e.registration_no == service)
        .map(|e| (point(e), e.status))
        .collect()
}

/// What changed for `service` between an earlier snapshot and a new one: facts first, then
/// the entries whose status moved, appeared or went (compared by check, code and subject).
pub fn premise_changes(
    old: (&[CandidateFacts], &[SnapshotEntry]),
    new: (&[CandidateFacts], &[SnapshotEntry]),
    service: &str,
) -> Vec<PremiseChange> {
    let mut changes = Vec::new();
    let facts = |f: &[CandidateFacts]| f.iter().find(|c| c.registration_no == service).cloned();
    if let (Some(o), Some(n)) = (facts(old.0), facts(new.0)) {
        if o.status != n.status {
            changes.push(PremiseChange::Listing {
                from: o.status,
                to: n.status,
            });
        }
        if o.expires_on != n.expires_on {
            changes.push(PremiseChange::Expiry {
                from: o.expires_on,
                to: n.expires_on,
            });
        }
        let added: Vec<String> = n
            .regions
            .iter()
            .filter(|r| !o.regions.contains(r))
            .cloned()
            .collect();
        let removed: Vec<String> = o
            .regions
            .iter()
            .filter(|r| !n.regions.contains(r))
            .cloned()
            .collect();
        if !added.is_empty() || !removed.is_empty() {
            changes.push(PremiseChange::Regions { added, removed });
        }
    }
    let (before, after) = (points(old.1, service), points(new.1, service));
    let find = |list: &[(Point, Status)], p: Point| list.iter().find(|(q, _)| *q == p).map(|x| x.1);
    let entry = |p: Point, from, to| PremiseChange::Entry {
        check: p.0.to_owned(),
        code: p.1.to_owned(),
        subject: p.2.map(str::to_owned),
        from,
        to,
    };
    for &(p, status) in &before {
        match find(&after, p) {
            Some(now) if now == status => {}
            now => changes.push(entry(p, Some(status), now)),
        }
    }
    for &(p, status) in &after {
        if find(&before, p).is_none() {
            changes.push(entry(p, None, Some(status)));
        }
    }
    changes
}

/// The entries of the earlier snapshot, among `resolved`, whose point changed: the
/// resolutions a change touches (an entry that is gone or whose status moved).
pub fn affected_resolutions(
    old: &[SnapshotEntry],
    changes: &[PremiseChange],
    resolved: &[u32],
) -> Vec<u32> {
    old.iter()
        .filter(|e| resolved.contains(&e.entry))
        .filter(|e| {
            changes.iter().any(|c| match c {
                PremiseChange::Entry {
                    check,
                    code,
                    subject,
                    ..
                } => point(e) == (check.as_str(), code.as_str(), subject.as_deref()),
                // A listing or expiry change touches the resolutions of listing and validity points.
                PremiseChange::Listing { .. } | PremiseChange::Expiry { .. } => {
                    e.check == "listing" || e.check == "validity"
                }
                PremiseChange::Regions { .. } => e.check == "regions",
            })
        })
        .map(|e| e.entry)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(status: ListingStatus, expires: &str, regions: &[&str]) -> CandidateFacts {
        CandidateFacts {
            registration_no: "C24-0001-1".into(),
            service_name: Some("Example Cloud".into()),
            provider: Some("Example株式会社".into()),
            status,
            expires_on: Some(expires.parse().expect("valid")),
            regions: regions.iter().map(|r| r.to_string()).collect(),
            duties: vec!["iam".into()],
        }
    }

    fn entry(n: u32, service: &str, check: &str, code: &str, status: Status) -> SnapshotEntry {
        SnapshotEntry {
            entry: n,
            registration_no: service.into(),
            check: check.into(),
            status,
            code: code.into(),
            subject: None,
            reason: format!("reason {n}"),
            action: None,
        }
    }

    #[test]
    fn changes_of_the_chosen_service_only() {
        use ListingStatus::*;
        let s = "C24-0001-1";
        let other = "C24-0002-1";
        let base_facts = [facts(Valid, "2027-03-31", &["東京"])];
        let base = [
            entry(1, s, "listing", "listed", Status::Pass),
            entry(2, s, "control", "partial", Status::Review),
            entry(3, other, "control", "partial", Status::Review),
        ];
        // (facts now, entries now, expected changes)
        let cases: Vec<(Vec<CandidateFacts>, Vec<SnapshotEntry>, Vec<PremiseChange>)> = vec![
            // nothing changed for the chosen service (another candidate did; renumbering and
            // reason wording do not count)
            (
                base_facts.to_vec(),
                vec![
                    entry(5, s, "listing", "listed", Status::Pass),
                    entry(6, s, "control", "partial", Status::Review),
                    entry(7, other, "control", "partial", Status::Fail),
                ],
                vec![],
            ),
            // renewal moved the expiry
            (
                vec![facts(Valid, "2028-07-31", &["東京"])],
                base.to_vec(),
                vec![PremiseChange::Expiry {
                    from: Some("2027-03-31".parse().expect("valid")),
                    to: Some("2028-07-31".parse().expect("valid")),
                }],
            ),
            // revoked: the listing fails and the status changes
            (
                vec![facts(Revoked, "2027-03-31", &["東京"])],
                vec![
                    entry(1, s, "listing", "revoked", Status::Fail),
                    entry(2, s, "control", "partial", Status::Review),
                ],
                vec![
                    PremiseChange::Listing {
                        from: Valid,
                        to: Revoked,
                    },
                    PremiseChange::Entry {
                        check: "listing".into(),
                        code: "listed".into(),
                        subject: None,
                        from: Some(Status::Pass),
                        to: None,
                    },
                    PremiseChange::Entry {
                        check: "listing".into(),
                        code: "revoked".into(),
                        subject: None,
                        from: None,
                        to: Some(Status::Fail),
                    },
                ],
            ),
            // a region added, a control's status moved
            (
                vec![facts(Valid, "2027-03-31", &["東京", "大阪"])],
                vec![
                    entry(1, s, "listing", "listed", Status::Pass),
                    entry(2, s, "control", "partial", Status::Fail),
                ],
                vec![
                    PremiseChange::Regions {
                        added: vec!["大阪".into()],
                        removed: vec![],
                    },
                    PremiseChange::Entry {
                        check: "control".into(),
                        code: "partial".into(),
                        subject: None,
                        from: Some(Status::Review),
                        to: Some(Status::Fail),
                    },
                ],
            ),
        ];
        for (i, (now_facts, now, expected)) in cases.into_iter().enumerate() {
            let got = premise_changes((&base_facts, &base), (&now_facts, &now), s);
            assert_eq!(got, expected, "case {i}");
        }
    }

    #[test]
    fn affected_resolutions_are_the_changed_points() {
        let s = "C24-0001-1";
        let old = [
            entry(1, s, "listing", "listed", Status::Pass),
            entry(2, s, "control", "partial", Status::Review),
            entry(3, s, "regions", "foreign", Status::Review),
        ];
        let control_moved = [PremiseChange::Entry {
            check: "control".into(),
            code: "partial".into(),
            subject: None,
            from: Some(Status::Review),
            to: Some(Status::Fail),
        }];
        assert_eq!(affected_resolutions(&old, &control_moved, &[2, 3]), [2]);
        // only resolved entries are named
        assert_eq!(
            affected_resolutions(&old, &control_moved, &[3]),
            [] as [u32; 0]
        );
        let regions = [PremiseChange::Regions {
            added: vec!["大阪".into()],
            removed: vec![],
        }];
        assert_eq!(affected_resolutions(&old, &regions, &[2, 3]), [3]);
    }

    #[test]
    fn changes_read_in_both_languages() {
        let c = PremiseChange::Listing {
            from: ListingStatus::Valid,
            to: ListingStatus::Revoked,
        };
        assert_eq!(c.text(Lang::Ja), "登録状況: 有効 → 登録取消");
        assert_eq!(c.text(Lang::En), "listing: valid → revoked");
        let e = PremiseChange::Entry {
            check: "control".into(),
            code: "partial".into(),
            subject: Some("5.1.1.1".into()),
            from: Some(Status::Review),
            to: None,
        };
        assert!(e.text(Lang::Ja).starts_with("control/partial 5.1.1.1: "));
    }
}
