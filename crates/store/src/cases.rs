//! Procurement cases: the case and every version of its profile, check snapshots that are
//! never edited, resolutions and their approval, and the decision that locks the case. The
//! rules are the core's (`ismap_core::case`); every act is an audit-trail event, in the same
//! transaction as the change it records.

use crate::audit::{Change, record};
use crate::entity::{
    case_attachment, case_evidence, case_profile, case_resolution, case_snapshot, procurement_case,
};
use crate::{Result, Store, StoreError};
use chrono::{NaiveDate, Utc};
use ismap_core::access::Actor;
use ismap_core::case::evidence::EvidenceRow;
use ismap_core::case::record::{
    Attachment, CaseExport, CaseRecord, Decision, ResolutionRecord, Snapshot,
};
use ismap_core::case::{self, CaseRefusal, CaseState, DocumentRef, Proposal, ResolutionKind};
use ismap_core::lang::Lang;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionTrait,
};

mod operation;

use operation::attachment_in;
pub use operation::{MAX_ATTACHMENT_BYTES, WATCH_ACTOR, WatchedCase};

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
/// The most cases, decided ones included, one organisation keeps.
pub const MAX_CASES_KEPT: u64 = 10_000;
/// The longest case name (調達件名).
pub const MAX_CASE_NAME: usize = 200;

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
        attachment: m.attachment_sha256,
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
    let evidence = case_evidence::Entity::find()
        .filter(case_evidence::Column::CaseId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| serde_json::from_str(&r.body).map_err(|e| corrupt("case_evidence", id, e)))
        .collect::<Result<Vec<EvidenceRow>>>()?;
    let attachments = case_attachment::Entity::find()
        .select_only()
        .columns([
            case_attachment::Column::Sha256,
            case_attachment::Column::Name,
            case_attachment::Column::MediaType,
            case_attachment::Column::Size,
            case_attachment::Column::UploadedBy,
            case_attachment::Column::UploadedAt,
        ])
        .filter(case_attachment::Column::CaseId.eq(id))
        .order_by_asc(case_attachment::Column::UploadedAt)
        .into_tuple::<(String, String, String, i64, String, chrono::DateTime<Utc>)>()
        .all(db)
        .await?
        .into_iter()
        .map(
            |(sha256, name, media_type, size, uploaded_by, uploaded_at)| Attachment {
                sha256,
                name,
                media_type,
                size,
                uploaded_by,
                uploaded_at,
            },
        )
        .collect();
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
        evidence,
        attachments,
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

/// Inserts `snapshot` as the case's next one (taken by `by`), and carries over to it the
/// resolutions of the previous snapshot whose entry is still there unchanged, under the same
/// profile version, with their approvals. Returns the new sequence number and how many
/// resolutions were carried over.
async fn insert_snapshot<C: ConnectionTrait>(
    txn: &C,
    by: &str,
    c: &CaseRecord,
    snapshot: &mut Snapshot,
) -> Result<(i32, usize)> {
    let id = c.id;
    let seq = c.snapshots + 1;
    snapshot.seq = seq;
    let body =
        serde_json::to_string(&*snapshot).map_err(|e| StoreError::Internal(e.to_string()))?;
    case_snapshot::ActiveModel {
        case_id: Set(id),
        seq: Set(seq),
        body: Set(body),
        created_by: Set(by.to_owned()),
        created_at: Set(Utc::now()),
    }
    .insert(txn)
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
        .all(txn)
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
            copy.insert(txn).await?;
            carried += 1;
        }
    }
    Ok((seq, carried))
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
        // Decided cases are kept for the record, but not without end.
        let all = procurement_case::Entity::find()
            .filter(procurement_case::Column::Organisation.eq(&organisation))
            .count(&txn)
            .await?;
        if all >= MAX_CASES_KEPT {
            return Err(StoreError::Case(CaseError::Invalid(format!(
                "an organisation keeps at most {MAX_CASES_KEPT} cases"
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
    pub async fn case_export(
        &self,
        actor: &Actor,
        id: i32,
        (lang, today): (Lang, NaiveDate),
    ) -> Result<CaseExport> {
        let c = self.case(actor, id).await?;
        let snapshots = self.snapshots_of(id).await?;
        let head = self
            .audit_events(Some(&subject(id)), 1)
            .await?
            .into_iter()
            .next();
        Ok(CaseExport {
            case: c.view(lang, today),
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
        let (seq, carried) = insert_snapshot(&txn, &actor.name, &c, &mut snapshot).await?;
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
        let attachment = match proposal.attachment {
            Some(sha) => Some(attachment_in(&txn, id, &sha).await?),
            None => None,
        };
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
            attachment_sha256: Set(attachment),
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
            snapshot: c.snapshots,
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
        // The list changed under the proposal (the watch took a new snapshot): what the
        // approver would approve is not what was proposed.
        if let Some(d) = &proposed
            && d.snapshot > 0
            && d.snapshot != c.snapshots
        {
            return Err(CaseRefusal::StaleSnapshot {
                latest: c.snapshots,
            }
            .into());
        }
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
