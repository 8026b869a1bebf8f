//! Procurement cases: the case and every version of its profile, check snapshots that are
//! never edited, resolutions and their approval, and the decision that locks the case. The
//! rules are the core's (`ismap_core::case`); every act is an audit-trail event, in the same
//! transaction as the change it records.

use crate::audit::{Change, record};
use crate::entity::{case_profile, case_resolution, case_snapshot, procurement_case};
use crate::{Result, Store, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use ismap_core::access::Actor;
use ismap_core::case::{
    self, CaseRefusal, CaseState, DocumentRef, Proposal, ResolutionKind, ResolutionState,
    SnapshotEntry,
};
use ismap_core::check::Status;
use ismap_core::lang::Lang;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseError {
    #[error("{0}")]
    Refused(CaseRefusal),
    #[error("no procurement case {0}")]
    NotFound(i32),
    #[error("{0}")]
    Invalid(String),
}

impl CaseError {
    /// What was refused, in the language asked for (the `Display` form is English).
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (CaseError::Refused(r), _) => r.message(lang),
            (CaseError::NotFound(id), Lang::Ja) => format!("調達案件 {id} はありません。"),
            (other, _) => other.to_string(),
        }
    }
}

impl From<CaseRefusal> for StoreError {
    fn from(r: CaseRefusal) -> Self {
        StoreError::Case(CaseError::Refused(r))
    }
}

/// The most cases one organisation may hold open at once.
pub const MAX_CASES: usize = 500;
/// The longest case name (調達件名).
pub const MAX_CASE_NAME: usize = 200;

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
}

impl Snapshot {
    /// A check of the case's candidates: every candidate evaluated, entries numbered in
    /// report order, with the inputs that determined them. One definition for the CLI, the
    /// API and the pages.
    pub fn of_check(
        engine: &ismap_core::check::Engine,
        registry_sha256: &str,
        registry_revision: Option<i64>,
        profile_version: i32,
    ) -> Snapshot {
        let results = engine.evaluate(&engine.default_candidates());
        let views: Vec<_> = results.iter().map(|r| engine.view(r, Lang::Ja)).collect();
        Snapshot {
            seq: 0,
            profile_version,
            evaluated_on: engine.evaluated_on,
            criteria_version: engine.catalog.version().to_owned(),
            expiry_rule: engine.rule.to_string(),
            registry_sha256: registry_sha256.to_owned(),
            registry_revision,
            entries: case::snapshot_entries(&views),
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
}

impl CaseRecord {
    fn state(&self) -> CaseState<'_> {
        CaseState {
            organisation: &self.organisation,
            decided: self.decision.is_some(),
        }
    }

    fn resolution_states(&self) -> Vec<ResolutionState> {
        self.resolutions
            .iter()
            .map(|r| ResolutionState {
                entry: r.entry,
                author: r.by.clone(),
                approved: r.approved_by.is_some(),
            })
            .collect()
    }

    fn entries(&self) -> &[SnapshotEntry] {
        self.latest.as_ref().map_or(&[], |s| s.entries.as_slice())
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

    /// The case with each candidate's verdicts and each entry's resolution.
    pub fn view(&self, lang: Lang) -> CaseView {
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
        }
    }
}

fn corrupt(table: &'static str, key: impl ToString, e: impl ToString) -> StoreError {
    StoreError::Corrupt {
        table,
        key: key.to_string(),
        message: e.to_string(),
    }
}

fn to_resolution(m: case_resolution::Model) -> Result<ResolutionRecord> {
    let kind: ResolutionKind = m
        .kind
        .parse()
        .map_err(|e| corrupt("case_resolution", m.id, e))?;
    Ok(ResolutionRecord {
        snapshot: m.snapshot_seq,
        entry: u32::try_from(m.entry).map_err(|e| corrupt("case_resolution", m.id, e))?,
        kind,
        text: m.text,
        document: m.document_number.map(|number| DocumentRef {
            number,
            date: m.document_date,
        }),
        legal_basis: m.legal_basis,
        by: m.author,
        at: m.created_at,
        approved_by: m.approved_by,
        approved_at: m.approved_at,
    })
}

async fn load<C: ConnectionTrait>(db: &C, id: i32) -> Result<CaseRecord> {
    let m = procurement_case::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(StoreError::Case(CaseError::NotFound(id)))?;
    let profile = case_profile::Entity::find()
        .filter(case_profile::Column::CaseId.eq(id))
        .order_by_desc(case_profile::Column::Version)
        .one(db)
        .await?
        .ok_or_else(|| corrupt("case_profile", id, "no profile"))?;
    let latest = case_snapshot::Entity::find()
        .filter(case_snapshot::Column::CaseId.eq(id))
        .order_by_desc(case_snapshot::Column::Seq)
        .one(db)
        .await?;
    let (snapshots, latest) = match latest {
        Some(s) => {
            let mut snapshot: Snapshot =
                serde_json::from_str(&s.body).map_err(|e| corrupt("case_snapshot", id, e))?;
            snapshot.seq = s.seq;
            (s.seq, Some(snapshot))
        }
        None => (0, None),
    };
    let resolutions = case_resolution::Entity::find()
        .filter(case_resolution::Column::CaseId.eq(id))
        .filter(case_resolution::Column::SnapshotSeq.eq(snapshots))
        .order_by_asc(case_resolution::Column::Entry)
        .all(db)
        .await?
        .into_iter()
        .map(to_resolution)
        .collect::<Result<Vec<_>>>()?;
    let decision = m
        .decision
        .as_deref()
        .map(serde_json::from_str)
        .transpose()
        .map_err(|e| corrupt("procurement_case", id, e))?;
    Ok(CaseRecord {
        id,
        organisation: m.organisation,
        name: m.name,
        created_by: m.created_by,
        created_at: m.created_at,
        profile_version: profile.version,
        profile: profile.profile,
        decision,
        snapshots,
        latest,
        resolutions,
    })
}

fn subject(id: i32) -> String {
    format!("case:{id}")
}

/// The most snapshots a case keeps (each check is one).
pub const MAX_SNAPSHOTS: i32 = 100;

/// Locks the case's row for the rest of the transaction (a write lock on SQLite, a row lock
/// on PostgreSQL), so that the rule checked and the write it allows see the same case.
async fn lock<C: ConnectionTrait>(db: &C, id: i32) -> Result<CaseRecord> {
    procurement_case::Entity::update_many()
        .col_expr(
            procurement_case::Column::Id,
            sea_orm::sea_query::Expr::col(procurement_case::Column::Id),
        )
        .filter(procurement_case::Column::Id.eq(id))
        .exec(db)
        .await?;
    load(db, id).await
}

/// The case, locked, for an act on an entry of snapshot `snapshot`: who may see the case
/// first (another agency's is not found), then whether that is still the latest snapshot.
async fn lock_at<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
    snapshot: i32,
) -> Result<CaseRecord> {
    let c = lock(db, id).await?;
    case::may_act(actor, c.state()).map_err(|r| refused(id, r))?;
    if snapshot != c.snapshots {
        return Err(CaseRefusal::StaleSnapshot {
            latest: c.snapshots,
        }
        .into());
    }
    Ok(c)
}

/// Another organisation's case does not exist for the actor (404, like applications).
fn refused(id: i32, r: CaseRefusal) -> StoreError {
    match r {
        CaseRefusal::NotYours => StoreError::Case(CaseError::NotFound(id)),
        other => other.into(),
    }
}

impl Store {
    /// Opens a case for the actor's organisation with its first profile (already parsed and
    /// checked by the caller against the criteria).
    pub async fn create_case(
        &self,
        actor: &Actor,
        name: &str,
        profile: &str,
    ) -> Result<CaseRecord> {
        let organisation = actor.organisation.clone().unwrap_or_default();
        case::may_act(
            actor,
            CaseState {
                organisation: &organisation,
                decided: false,
            },
        )?;
        let name = name.trim();
        if name.is_empty()
            || name.chars().count() > MAX_CASE_NAME
            || name.chars().any(char::is_control)
        {
            return Err(StoreError::Case(CaseError::Invalid(format!(
                "name: one line of 1 to {MAX_CASE_NAME} characters"
            ))));
        }
        let txn = self.db.begin().await?;
        // Decided cases do not count: the cap is on cases in progress.
        let held = procurement_case::Entity::find()
            .filter(procurement_case::Column::Organisation.eq(&organisation))
            .filter(procurement_case::Column::Decision.is_null())
            .all(&txn)
            .await?
            .len();
        if held >= MAX_CASES {
            return Err(StoreError::Case(CaseError::Invalid(format!(
                "an organisation holds at most {MAX_CASES} cases"
            ))));
        }
        let now = Utc::now();
        let m = procurement_case::ActiveModel {
            organisation: Set(organisation.clone()),
            name: Set(name.to_owned()),
            created_by: Set(actor.name.clone()),
            created_at: Set(now),
            decision: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        case_profile::ActiveModel {
            case_id: Set(m.id),
            version: Set(1),
            profile: Set(profile.to_owned()),
            created_by: Set(actor.name.clone()),
            created_at: Set(now),
        }
        .insert(&txn)
        .await?;
        record(
            &txn,
            Change::new(&actor.name, "case.create", &subject(m.id)).after(Some(
                serde_json::json!({ "name": name, "organisation": organisation }),
            )),
        )
        .await?;
        let created = load(&txn, m.id).await?;
        txn.commit().await?;
        Ok(created)
    }

    /// The cases of the actor's organisation, newest first.
    pub async fn cases(&self, actor: &Actor) -> Result<Vec<CaseRecord>> {
        let Some(organisation) = actor.organisation.as_deref() else {
            return Err(CaseRefusal::NotYours.into());
        };
        case::may_act(
            actor,
            CaseState {
                organisation,
                decided: false,
            },
        )?;
        let ids: Vec<i32> = procurement_case::Entity::find()
            .filter(procurement_case::Column::Organisation.eq(organisation))
            .order_by_desc(procurement_case::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| m.id)
            .collect();
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(load(&self.db, id).await?);
        }
        Ok(out)
    }

    /// One case, if the actor is a member of its organisation.
    pub async fn case(&self, actor: &Actor, id: i32) -> Result<CaseRecord> {
        let c = load(&self.db, id).await?;
        case::may_act(actor, c.state()).map_err(|r| refused(id, r))?;
        Ok(c)
    }

    /// Every snapshot of a case, oldest first (to show what changed between two).
    pub async fn case_snapshots(&self, actor: &Actor, id: i32) -> Result<Vec<Snapshot>> {
        self.case(actor, id).await?;
        self.snapshots_of(id).await
    }

    /// Every snapshot of a case the caller may already see.
    async fn snapshots_of(&self, id: i32) -> Result<Vec<Snapshot>> {
        case_snapshot::Entity::find()
            .filter(case_snapshot::Column::CaseId.eq(id))
            .order_by_asc(case_snapshot::Column::Seq)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|s| {
                let mut snapshot: Snapshot =
                    serde_json::from_str(&s.body).map_err(|e| corrupt("case_snapshot", id, e))?;
                snapshot.seq = s.seq;
                Ok(snapshot)
            })
            .collect()
    }

    /// The record of a case for export (JSON, PDF).
    pub async fn case_export(&self, actor: &Actor, id: i32, lang: Lang) -> Result<CaseExport> {
        let c = self.case(actor, id).await?;
        let snapshots = self.snapshots_of(id).await?;
        let head = self
            .audit_events(Some(&subject(id)), 1)
            .await?
            .into_iter()
            .next();
        Ok(CaseExport {
            case: c.view(lang),
            snapshots,
            audit_head: head.map(|e| format!("{}:{}", e.seq, e.hash)),
        })
    }

    /// A new version of the case's profile (the earlier ones are kept).
    pub async fn set_case_profile(
        &self,
        actor: &Actor,
        id: i32,
        profile: &str,
    ) -> Result<CaseRecord> {
        let txn = self.db.begin().await?;
        let c = lock(&txn, id).await?;
        case::may_change(actor, c.state()).map_err(|r| refused(id, r))?;
        let version = c.profile_version + 1;
        case_profile::ActiveModel {
            case_id: Set(id),
            version: Set(version),
            profile: Set(profile.to_owned()),
            created_by: Set(actor.name.clone()),
            created_at: Set(Utc::now()),
        }
        .insert(&txn)
        .await?;
        record(
            &txn,
            Change::new(&actor.name, "case.profile", &subject(id))
                .after(Some(serde_json::json!({ "version": version }))),
        )
        .await?;
        let updated = load(&txn, id).await?;
        txn.commit().await?;
        Ok(updated)
    }

    /// Stores a check run as the case's next snapshot (run on the case's current profile
    /// version, at most [`MAX_SNAPSHOTS`]). Resolutions of the previous snapshot whose entry
    /// is still there unchanged, under the same profile version, carry over to it with their
    /// approvals.
    pub async fn record_snapshot(
        &self,
        actor: &Actor,
        id: i32,
        mut snapshot: Snapshot,
    ) -> Result<CaseRecord> {
        let txn = self.db.begin().await?;
        let c = lock(&txn, id).await?;
        case::may_change(actor, c.state()).map_err(|r| refused(id, r))?;
        if snapshot.profile_version != c.profile_version {
            return Err(CaseRefusal::StaleProfile.into());
        }
        if c.snapshots >= MAX_SNAPSHOTS {
            return Err(StoreError::Case(CaseError::Invalid(format!(
                "a case keeps at most {MAX_SNAPSHOTS} snapshots"
            ))));
        }
        let seq = c.snapshots + 1;
        snapshot.seq = seq;
        let body =
            serde_json::to_string(&snapshot).map_err(|e| StoreError::Internal(e.to_string()))?;
        case_snapshot::ActiveModel {
            case_id: Set(id),
            seq: Set(seq),
            body: Set(body),
            created_by: Set(actor.name.clone()),
            created_at: Set(Utc::now()),
        }
        .insert(&txn)
        .await?;
        let mut carried = 0;
        let same_profile = c
            .latest
            .as_ref()
            .is_some_and(|old| old.profile_version == snapshot.profile_version);
        let mut taken: Vec<u32> = Vec::new();
        for r in case_resolution::Entity::find()
            .filter(case_resolution::Column::CaseId.eq(id))
            .filter(case_resolution::Column::SnapshotSeq.eq(c.snapshots))
            .all(&txn)
            .await?
        {
            let old = c
                .entries()
                .iter()
                .find(|e| i64::from(e.entry) == i64::from(r.entry));
            // The same facts (candidate, check, code, subject, status, reason, action) under
            // the same requirements; one resolution per new entry.
            let same = old.filter(|_| same_profile).and_then(|o| {
                snapshot
                    .entries
                    .iter()
                    .find(|n| !taken.contains(&n.entry) && **n == o.clone().renumbered(n.entry))
            });
            if let Some(n) = same {
                taken.push(n.entry);
                let mut copy: case_resolution::ActiveModel = r.into();
                copy.id = sea_orm::ActiveValue::NotSet;
                copy.snapshot_seq = Set(seq);
                copy.entry = Set(n.entry as i32);
                copy.insert(&txn).await?;
                carried += 1;
            }
        }
        record(
            &txn,
            Change::new(&actor.name, "case.check", &subject(id)).after(Some(serde_json::json!({
                "snapshot": seq,
                "profile_version": snapshot.profile_version,
                "evaluated_on": snapshot.evaluated_on,
                "registry_sha256": snapshot.registry_sha256,
                "entries": snapshot.entries.len(),
                "resolutions_carried_over": carried,
            }))),
        )
        .await?;
        let updated = load(&txn, id).await?;
        txn.commit().await?;
        Ok(updated)
    }

    /// Records a resolution of an entry of the latest snapshot; it takes effect when approved.
    pub async fn resolve(
        &self,
        actor: &Actor,
        id: i32,
        (snapshot, entry): (i32, u32),
        proposal: Proposal,
    ) -> Result<ResolutionRecord> {
        let txn = self.db.begin().await?;
        let c = lock_at(&txn, actor, id, snapshot).await?;
        case::may_resolve(
            actor,
            c.state(),
            c.entries(),
            &c.resolution_states(),
            entry,
            &proposal,
        )
        .map_err(|r| refused(id, r))?;
        let document = proposal.document.filter(|d| !d.number.trim().is_empty());
        let m = case_resolution::ActiveModel {
            case_id: Set(id),
            snapshot_seq: Set(c.snapshots),
            entry: Set(entry as i32),
            kind: Set(proposal.kind.code().to_owned()),
            text: Set(proposal.text.trim().to_owned()),
            document_number: Set(document.as_ref().map(|d| d.number.trim().to_owned())),
            document_date: Set(document.and_then(|d| d.date)),
            legal_basis: Set(proposal
                .legal_basis
                .map(|b| b.trim().to_owned())
                .filter(|b| !b.is_empty())),
            author: Set(actor.name.clone()),
            created_at: Set(Utc::now()),
            approved_by: Set(None),
            approved_at: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let resolution = to_resolution(m)?;
        record(
            &txn,
            Change::new(&actor.name, "case.resolve", &subject(id))
                .after(serde_json::to_value(&resolution).ok()),
        )
        .await?;
        txn.commit().await?;
        Ok(resolution)
    }

    /// Approves the resolution awaiting approval on `entry` (by someone other than its author).
    pub async fn approve_resolution(
        &self,
        actor: &Actor,
        id: i32,
        (snapshot, entry): (i32, u32),
    ) -> Result<ResolutionRecord> {
        let txn = self.db.begin().await?;
        let c = lock_at(&txn, actor, id, snapshot).await?;
        case::may_approve(actor, c.state(), &c.resolution_states(), entry)
            .map_err(|r| refused(id, r))?;
        let m = case_resolution::Entity::find()
            .filter(case_resolution::Column::CaseId.eq(id))
            .filter(case_resolution::Column::SnapshotSeq.eq(c.snapshots))
            .filter(case_resolution::Column::Entry.eq(entry as i32))
            .one(&txn)
            .await?
            .ok_or(CaseRefusal::NothingToApprove { entry })?;
        let mut active: case_resolution::ActiveModel = m.into();
        active.approved_by = Set(Some(actor.name.clone()));
        active.approved_at = Set(Some(Utc::now()));
        let resolution = to_resolution(active.update(&txn).await?)?;
        record(
            &txn,
            Change::new(&actor.name, "case.approve", &subject(id)).after(Some(
                serde_json::json!({ "snapshot": c.snapshots, "entry": entry }),
            )),
        )
        .await?;
        txn.commit().await?;
        Ok(resolution)
    }

    /// Proposes the decision for `service` (a member); the case is locked from now on.
    pub async fn decide(
        &self,
        actor: &Actor,
        id: i32,
        service: &str,
        decided_on: NaiveDate,
        reason: &str,
    ) -> Result<CaseRecord> {
        case::decision_reason(reason)?;
        let txn = self.db.begin().await?;
        let c = lock(&txn, id).await?;
        let dates = case::DecisionDates {
            decided_on,
            evaluated_on: c.latest.as_ref().map_or(decided_on, |s| s.evaluated_on),
            today: ismap_core::validity::japan_date(Utc::now()),
        };
        case::may_decide(
            actor,
            c.state(),
            c.entries(),
            &c.resolution_states(),
            service,
            dates,
        )
        .map_err(|r| refused(id, r))?;
        let decision = Decision {
            service: service.to_owned(),
            reason: reason.trim().to_owned(),
            decided_on,
            decided_by: actor.name.clone(),
            approved_by: None,
            approved_at: None,
        };
        self.set_decision(&txn, actor, id, Some(&decision), "case.decide")
            .await?;
        let updated = load(&txn, id).await?;
        txn.commit().await?;
        Ok(updated)
    }

    /// Approves the proposed decision for `service` (an approver other than its proposer): a
    /// decision for another service, proposed since the approver looked, is not approved.
    pub async fn approve_decision(
        &self,
        actor: &Actor,
        id: i32,
        service: &str,
    ) -> Result<CaseRecord> {
        let txn = self.db.begin().await?;
        let c = lock(&txn, id).await?;
        let proposed = c.decision.clone();
        let open = case::settled_counts(c.entries(), &c.resolution_states(), service).1;
        case::may_approve_decision(
            actor,
            c.state(),
            proposed.as_ref().map(|d| d.decided_by.as_str()),
            proposed.as_ref().is_some_and(|d| d.approved_by.is_some()),
            (service, open),
        )
        .map_err(|r| refused(id, r))?;
        if proposed.as_ref().is_some_and(|d| d.service != service) {
            return Err(CaseRefusal::NotACandidate {
                service: service.to_owned(),
            }
            .into());
        }
        let decision = Decision {
            approved_by: Some(actor.name.clone()),
            approved_at: Some(Utc::now()),
            ..proposed.ok_or(CaseRefusal::NotDecided)?
        };
        self.set_decision(&txn, actor, id, Some(&decision), "case.approve_decision")
            .await?;
        let updated = load(&txn, id).await?;
        txn.commit().await?;
        Ok(updated)
    }

    /// Reopens a decided case (or withdraws a proposed decision), recording the reason.
    pub async fn reopen(&self, actor: &Actor, id: i32, reason: &str) -> Result<CaseRecord> {
        let txn = self.db.begin().await?;
        let c = lock(&txn, id).await?;
        case::may_reopen(actor, c.state(), reason).map_err(|r| refused(id, r))?;
        record(
            &txn,
            Change::new(&actor.name, "case.reopen", &subject(id))
                .before(serde_json::to_value(&c.decision).ok())
                .after(Some(serde_json::json!({ "reason": reason.trim() }))),
        )
        .await?;
        self.set_decision(&txn, actor, id, None, "").await?;
        let updated = load(&txn, id).await?;
        txn.commit().await?;
        Ok(updated)
    }

    /// Writes the decision column and, unless `action` is empty, its audit event.
    async fn set_decision<C: ConnectionTrait>(
        &self,
        db: &C,
        actor: &Actor,
        id: i32,
        decision: Option<&Decision>,
        action: &str,
    ) -> Result<()> {
        let text = decision
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| StoreError::Internal(e.to_string()))?;
        procurement_case::Entity::update(procurement_case::ActiveModel {
            id: Set(id),
            decision: Set(text),
            ..Default::default()
        })
        .exec(db)
        .await?;
        if !action.is_empty() {
            record(
                db,
                Change::new(&actor.name, action, &subject(id))
                    .after(serde_json::to_value(decision).ok()),
            )
            .await?;
        }
        Ok(())
    }
}
