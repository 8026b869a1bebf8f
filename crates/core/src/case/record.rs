//! A case as loaded and shown: its latest snapshot, resolutions, decision and evidence
//! register, with the verdicts before and after resolutions. Pure data, shared by the store
//! (which loads it), the report formats and the interfaces.

use super::evidence::EvidenceRow;
use super::premise::CandidateFacts;
use super::{self as case, CaseState, DocumentRef, ResolutionKind, ResolutionState, SnapshotEntry};
use crate::check::Status;
use crate::lang::Lang;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// A check run of a case: the inputs that determined it and every entry, numbered.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    #[serde(default)]
    pub seq: i32,
    pub profile_version: i32,
    pub evaluated_on: NaiveDate,
    pub criteria_version: String,
    pub expiry_rule: String,
    pub registry_sha256: String,
    pub registry_revision: Option<i64>,
    pub entries: Vec<SnapshotEntry>,
    /// What the list said about each candidate (absent in snapshots taken before it was kept).
    #[serde(default)]
    pub candidates: Vec<CandidateFacts>,
    /// The contract period of the profile checked, when it names one.
    #[serde(default)]
    pub contract: Option<(NaiveDate, NaiveDate)>,
}

impl Snapshot {
    /// A check of the case's candidates: every candidate evaluated, entries numbered in
    /// report order, with the inputs that determined them. One definition for the CLI, the
    /// API and the pages.
    pub fn of_check(
        engine: &crate::check::Engine,
        registry_sha256: &str,
        registry_revision: Option<i64>,
        profile_version: i32,
    ) -> Snapshot {
        let results = engine.evaluate(&engine.default_candidates());
        let views: Vec<_> = results.iter().map(|r| engine.view(r, Lang::Ja)).collect();
        let candidates = results
            .iter()
            .zip(&views)
            .map(|(r, v)| {
                let registration = r.position.map(|i| &engine.registry.registrations()[i]);
                CandidateFacts::of(v, registration)
            })
            .collect();
        Snapshot {
            seq: 0,
            profile_version,
            evaluated_on: engine.evaluated_on,
            criteria_version: engine.catalog.version().to_owned(),
            expiry_rule: engine.rule.to_string(),
            registry_sha256: registry_sha256.to_owned(),
            registry_revision,
            entries: case::snapshot_entries(&views),
            candidates,
            contract: engine.profile.contract.map(|c| (c.start(), c.end())),
        }
    }
}

/// A resolution with its approval, as shown and exported.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResolutionRecord {
    pub snapshot: i32,
    pub entry: u32,
    pub kind: ResolutionKind,
    pub text: String,
    pub document: Option<DocumentRef>,
    pub legal_basis: Option<String>,
    pub by: String,
    pub at: DateTime<Utc>,
    pub approved_by: Option<String>,
    pub approved_at: Option<DateTime<Utc>>,
    /// The SHA-256 of the attachment holding the document, kept with the case.
    pub attachment: Option<String>,
}

/// The decision: proposed by a member, locked once an approver (another person) approves.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub service: String,
    /// 選定理由: why this service was chosen.
    #[serde(default)]
    pub reason: String,
    pub decided_on: NaiveDate,
    pub decided_by: String,
    pub approved_by: Option<String>,
    pub approved_at: Option<DateTime<Utc>>,
    /// The snapshot the decision was proposed on (0 in decisions recorded before it was kept):
    /// a later snapshot means the list changed under the decision.
    #[serde(default)]
    pub snapshot: i32,
}

/// A case as its members see it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseRecord {
    pub id: i32,
    pub organisation: String,
    pub name: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub profile_version: i32,
    /// The current requirement profile (TOML).
    pub profile: String,
    pub decision: Option<Decision>,
    pub snapshots: i32,
    pub latest: Option<Snapshot>,
    /// Resolutions of the latest snapshot's entries.
    pub resolutions: Vec<ResolutionRecord>,
    /// The evidence register's rows (責任分界の利用者側), by duty.
    pub evidence: Vec<EvidenceRow>,
    /// Files kept with the case (their contents are fetched one by one).
    pub attachments: Vec<Attachment>,
}

/// A file kept with a case, named by its SHA-256 (the same file uploaded twice is kept once).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attachment {
    pub sha256: String,
    pub name: String,
    pub media_type: String,
    pub size: i64,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
}

impl CaseRecord {
    pub fn state(&self) -> CaseState<'_> {
        CaseState {
            organisation: &self.organisation,
            decided: self.decision.is_some(),
        }
    }

    pub fn resolution_states(&self) -> Vec<ResolutionState> {
        self.resolutions
            .iter()
            .map(|r| ResolutionState {
                entry: r.entry,
                author: r.by.clone(),
                approved: r.approved_by.is_some(),
            })
            .collect()
    }

    pub fn entries(&self) -> &[SnapshotEntry] {
        self.latest.as_ref().map_or(&[], |s| s.entries.as_slice())
    }

    /// The service the decision chose (proposed or approved), as the latest snapshot saw it.
    pub fn chosen(&self) -> Option<&CandidateFacts> {
        let service = &self.decision.as_ref()?.service;
        self.latest
            .as_ref()?
            .candidates
            .iter()
            .find(|c| c.registration_no == *service)
    }

    /// The customer's duties for the chosen service: what the evidence register lists.
    pub fn duties(&self) -> &[String] {
        self.chosen().map_or(&[], |c| c.duties.as_slice())
    }

    /// True when a snapshot newer than the one the decision was made on exists: the list
    /// changed under the decision (判断の前提が変わりました).
    pub fn premise_changed(&self) -> bool {
        match (&self.decision, &self.latest) {
            (Some(d), Some(s)) => d.snapshot > 0 && s.seq > d.snapshot,
            _ => false,
        }
    }
}

/// One candidate's verdict, as checked and after approved resolutions.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CandidateVerdict {
    pub registration_no: String,
    pub verdict: Status,
    pub verdict_after_resolutions: Status,
    /// 「要確認 → 全件対応済み（承認済み 3 件）」: settled, which is not the same as conformant.
    pub verdict_text: String,
}

/// An entry of the latest snapshot with its resolution.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryView {
    #[serde(flatten)]
    pub entry: SnapshotEntry,
    pub resolution: Option<ResolutionRecord>,
    /// True once the resolution is approved.
    pub settled: bool,
}

/// One duty of the evidence register with the agency's row, if filled.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DutyView {
    pub duty: String,
    /// The duty's short name and what it asks, in the language asked for.
    pub title: String,
    pub text: String,
    pub row: Option<EvidenceRow>,
    /// Past its next due date on the day the view was made.
    pub overdue: bool,
    /// Filled for a duty the latest check no longer lists for the chosen service.
    pub retired: bool,
}

/// A case as shown, exported and answered by the API.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseView {
    pub id: i32,
    pub name: String,
    pub organisation: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub profile_version: i32,
    pub profile: String,
    /// 未確認 / 対応中 / 承認待ち（判断案: …）/ 決裁済み（… を選定）, in the language asked for.
    pub state: String,
    pub decision: Option<Decision>,
    /// The latest snapshot's inputs (its entries are in `entries`).
    pub snapshot: Option<SnapshotInfo>,
    pub candidates: Vec<CandidateVerdict>,
    pub entries: Vec<EntryView>,
    /// The chosen service as the latest snapshot saw it.
    pub chosen: Option<CandidateFacts>,
    /// The evidence register: the chosen service's duties and the agency's rows.
    pub duties: Vec<DutyView>,
    /// A snapshot newer than the decision's exists (判断の前提が変わりました).
    pub premise_changed: bool,
    pub attachments: Vec<Attachment>,
}

/// What a snapshot was computed from.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SnapshotInfo {
    pub seq: i32,
    pub profile_version: i32,
    pub evaluated_on: NaiveDate,
    pub criteria_version: String,
    pub expiry_rule: String,
    pub registry_sha256: String,
    pub registry_revision: Option<i64>,
}

/// The whole record of a case: the case as shown, every snapshot, and the case's latest
/// audit-trail event (`SEQ:HASH`), which ties a printed record to the data.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseExport {
    pub case: CaseView,
    pub snapshots: Vec<Snapshot>,
    pub audit_head: Option<String>,
}

impl CaseRecord {
    pub fn state_text(&self, lang: Lang) -> String {
        match &self.decision {
            Some(d) if d.approved_by.is_some() => match lang {
                Lang::Ja => format!("決裁済み（{} を選定）", d.service),
                Lang::En => format!("Decided: {}", d.service),
            },
            Some(d) => match lang {
                Lang::Ja => format!("承認待ち（判断案: {}）", d.service),
                Lang::En => format!("Awaiting approval (proposed: {})", d.service),
            },
            None if self.latest.is_none() => lang.pick("未確認", "not checked").to_owned(),
            None => lang.pick("対応中", "in progress").to_owned(),
        }
    }

    /// The evidence register as of `today`: each duty of the chosen service with its row,
    /// then rows of duties the latest check no longer lists.
    pub fn duty_views(&self, lang: Lang, today: NaiveDate) -> Vec<DutyView> {
        let duties = self.duties();
        let row = |d: &str| self.evidence.iter().find(|r| r.duty == d).cloned();
        let listed = duties.iter().map(|d| (d.clone(), row(d), false));
        let retired = self
            .evidence
            .iter()
            .filter(|r| !duties.contains(&r.duty))
            .map(|r| (r.duty.clone(), Some(r.clone()), true));
        listed
            .chain(retired)
            .map(|(duty, row, retired)| {
                let known = duty.parse::<crate::responsibility::Responsibility>().ok();
                DutyView {
                    title: super::evidence::duty_text(&duty, lang),
                    text: known.map(|r| r.text(lang).to_owned()).unwrap_or_default(),
                    overdue: row
                        .as_ref()
                        .is_some_and(|r| super::evidence::overdue(r, today)),
                    duty,
                    row,
                    retired,
                }
            })
            .collect()
    }

    /// The case with each candidate's verdicts and each entry's resolution, its evidence
    /// register judged on `today`.
    pub fn view(&self, lang: Lang, today: NaiveDate) -> CaseView {
        let states = self.resolution_states();
        let entries = self.entries();
        let mut candidates: Vec<&str> =
            entries.iter().map(|e| e.registration_no.as_str()).collect();
        candidates.dedup();
        CaseView {
            id: self.id,
            name: self.name.clone(),
            organisation: self.organisation.clone(),
            created_by: self.created_by.clone(),
            created_at: self.created_at,
            profile_version: self.profile_version,
            profile: self.profile.clone(),
            state: self.state_text(lang),
            decision: self.decision.clone(),
            snapshot: self.latest.as_ref().map(|s| SnapshotInfo {
                seq: s.seq,
                profile_version: s.profile_version,
                evaluated_on: s.evaluated_on,
                criteria_version: s.criteria_version.clone(),
                expiry_rule: s.expiry_rule.clone(),
                registry_sha256: s.registry_sha256.clone(),
                registry_revision: s.registry_revision,
            }),
            candidates: candidates
                .into_iter()
                .map(|no| {
                    let (before, after) = case::verdicts(entries, &states, no);
                    let counts = case::settled_counts(entries, &states, no);
                    CandidateVerdict {
                        registration_no: no.to_owned(),
                        verdict: before,
                        verdict_after_resolutions: after,
                        verdict_text: case::verdict_text(before, counts, after, lang),
                    }
                })
                .collect(),
            entries: entries
                .iter()
                .map(|e| {
                    let resolution = self
                        .resolutions
                        .iter()
                        .find(|r| r.entry == e.entry)
                        .cloned();
                    EntryView {
                        entry: e.clone(),
                        settled: resolution.as_ref().is_some_and(|r| r.approved_by.is_some()),
                        resolution,
                    }
                })
                .collect(),
            chosen: self.chosen().cloned(),
            duties: self.duty_views(lang, today),
            premise_changed: self.premise_changed(),
            attachments: self.attachments.clone(),
        }
    }
}
