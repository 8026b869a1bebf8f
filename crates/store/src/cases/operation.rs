//! The case in operation, after the choice: the agency's evidence register, files kept with
//! the case, and the watch that re-checks a decided case against the list and raises case
//! alerts (the list changed under the decision, evidence overdue).

use super::{CaseError, corrupt, insert_snapshot, load, lock, refused, subject};
use crate::audit::{Change, record};
use crate::entity::{account, case_attachment, case_evidence, case_profile, procurement_case};
use crate::watches::{CASE_ALERTS, raise};
use crate::{Result, Store, StoreError};
use chrono::{NaiveDate, Utc};
use ismap_core::access::{Actor, Role};
use ismap_core::alerts::AlertKind;
use ismap_core::case::evidence::{self, EvidenceRow};
use ismap_core::case::premise::{affected_resolutions, premise_changes};
use ismap_core::case::record::{Attachment, CaseRecord, Snapshot};
use ismap_core::case::{self, CaseRefusal};
use ismap_core::ids::RegistrationNumber;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};
use sha2::{Digest, Sha256};

/// The largest file kept with a case (a scanned written confirmation fits).
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;
/// The most files one case keeps.
pub const MAX_ATTACHMENTS: usize = 200;
/// The most bytes of files one organisation keeps over all its cases.
pub const MAX_ORGANISATION_BYTES: i64 = 2 * 1024 * 1024 * 1024;
/// The longest file name kept.
const MAX_ATTACHMENT_NAME: usize = 200;

/// Who the system acts as when the watch records a snapshot.
pub const WATCH_ACTOR: &str = "ismap-watch";

/// The SHA-256 of an attachment of case `id`, if the case keeps it.
pub(super) async fn attachment_in<C: ConnectionTrait>(
    db: &C,
    id: i32,
    sha: &str,
) -> Result<String> {
    let sha = sha.trim().to_ascii_lowercase();
    case_attachment::Entity::find()
        .select_only()
        .column(case_attachment::Column::Sha256)
        .filter(case_attachment::Column::CaseId.eq(id))
        .filter(case_attachment::Column::Sha256.eq(&sha))
        .into_tuple::<String>()
        .one(db)
        .await?
        .ok_or_else(|| no_file(id, &sha))
}

fn no_file(id: i32, sha: &str) -> StoreError {
    StoreError::Case(CaseError::Invalid(format!(
        "attachment: case {id} keeps no file with SHA-256 {sha}"
    )))
}

/// The accounts that act on the cases of `organisation` (its procurers), enabled.
async fn members<C: ConnectionTrait>(db: &C, organisation: &str) -> Result<Vec<i32>> {
    Ok(account::Entity::find()
        .filter(account::Column::Role.eq(Role::Procurer.as_str()))
        .filter(account::Column::Organisation.eq(organisation))
        .filter(account::Column::Disabled.eq(false))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.id)
        .collect())
}

/// Unicode format characters (category Cf) that change how a name reads: bidirectional
/// overrides (`x\u{202E}fdp.exe` shows as "xexe.pdf"), zero-width ones, the BOM.
fn is_format(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{FEFF}')
}

/// A file name as kept: its last path segment, one line, at most 200 characters.
fn file_name(name: &str) -> Result<String> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("").trim();
    if base.is_empty()
        || base.chars().count() > MAX_ATTACHMENT_NAME
        || base.chars().any(|c| c.is_control() || is_format(c))
    {
        return Err(StoreError::Case(CaseError::Invalid(format!(
            "name: a file name of 1 to {MAX_ATTACHMENT_NAME} characters, one line"
        ))));
    }
    Ok(base.to_owned())
}

/// The media type a file name's extension says (what the uploader claims is not trusted;
/// downloads are served as attachments whatever it says).
fn media_type(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("pdf") => "application/pdf",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("txt") => "text/plain",
        Some("csv") => "text/csv",
        Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Some("docx") => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Some("zip") => "application/zip",
        _ => "application/octet-stream",
    }
}

/// A case to re-check: its id and current profile (TOML) and version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchedCase {
    pub id: i32,
    pub profile: String,
    pub profile_version: i32,
}

impl Store {
    /// Records (or replaces) the row of the evidence register for `row.duty`. A duty of the
    /// chosen service only; allowed on a decided case (the register is kept in operation).
    pub async fn set_evidence(
        &self,
        actor: &Actor,
        id: i32,
        row: EvidenceRow,
        today: NaiveDate,
    ) -> Result<CaseRecord> {
        let txn = self.db.begin().await?;
        let c = lock(&txn, id).await?;
        case::may_act(actor, c.state()).map_err(|r| refused(id, r))?;
        if c.chosen().is_none() {
            return Err(CaseRefusal::NoChosenService.into());
        }
        evidence::validate(&row, c.duties(), today)?;
        let row = EvidenceRow {
            activity: row.activity.trim().to_owned(),
            frequency: row.frequency.trim().to_owned(),
            evidence: row.evidence.trim().to_owned(),
            location: row.location.trim().to_owned(),
            retention: row.retention.trim().to_owned(),
            checked_by: row
                .checked_by
                .map(|b| b.trim().to_owned())
                .filter(|b| !b.is_empty()),
            ..row
        };
        let body = serde_json::to_string(&row).map_err(|e| StoreError::Internal(e.to_string()))?;
        let before = c.evidence.iter().find(|r| r.duty == row.duty);
        let active = case_evidence::ActiveModel {
            case_id: Set(id),
            duty: Set(row.duty.clone()),
            body: Set(body),
            next_due: Set(row.next_due),
            updated_by: Set(actor.name.clone()),
            updated_at: Set(Utc::now()),
        };
        if before.is_some() {
            active.update(&txn).await?;
        } else {
            active.insert(&txn).await?;
        }
        record(
            &txn,
            Change::new(&actor.name, "case.evidence", &subject(id))
                .before(before.and_then(|b| serde_json::to_value(b).ok()))
                .after(serde_json::to_value(&row).ok()),
        )
        .await?;
        let updated = load(&txn, id).await?;
        txn.commit().await?;
        Ok(updated)
    }

    /// Keeps a file with the case, named by its SHA-256 (a file already kept is not stored
    /// twice). Allowed while the case can change, and for the evidence of a decided case.
    pub async fn add_attachment(
        &self,
        actor: &Actor,
        id: i32,
        name: &str,
        content: &[u8],
    ) -> Result<Attachment> {
        let name = file_name(name)?;
        if content.is_empty() || content.len() > MAX_ATTACHMENT_BYTES {
            return Err(StoreError::Case(CaseError::Invalid(format!(
                "file: 1 byte to {} MiB",
                MAX_ATTACHMENT_BYTES / 1024 / 1024
            ))));
        }
        let media_type = media_type(&name);
        let sha256 = hex::encode(Sha256::digest(content));
        let txn = self.db.begin().await?;
        let c = lock(&txn, id).await?;
        case::may_act(actor, c.state()).map_err(|r| refused(id, r))?;
        if let Some(kept) = c.attachments.iter().find(|a| a.sha256 == sha256) {
            return Ok(kept.clone());
        }
        if c.attachments.len() >= MAX_ATTACHMENTS {
            return Err(StoreError::Case(CaseError::Invalid(format!(
                "a case keeps at most {MAX_ATTACHMENTS} files"
            ))));
        }
        let cases: Vec<i32> = procurement_case::Entity::find()
            .select_only()
            .column(procurement_case::Column::Id)
            .filter(procurement_case::Column::Organisation.eq(&c.organisation))
            .into_tuple()
            .all(&txn)
            .await?;
        let used: i64 = case_attachment::Entity::find()
            .select_only()
            .column(case_attachment::Column::Size)
            .filter(case_attachment::Column::CaseId.is_in(cases))
            .into_tuple::<i64>()
            .all(&txn)
            .await?
            .into_iter()
            .sum();
        if used + content.len() as i64 > MAX_ORGANISATION_BYTES {
            return Err(StoreError::Case(CaseError::Invalid(format!(
                "an organisation keeps at most {} GiB of files",
                MAX_ORGANISATION_BYTES / 1024 / 1024 / 1024
            ))));
        }
        let now = Utc::now();
        case_attachment::ActiveModel {
            case_id: Set(id),
            sha256: Set(sha256.clone()),
            name: Set(name.clone()),
            media_type: Set(media_type.to_owned()),
            size: Set(content.len() as i64),
            content: Set(content.to_vec()),
            uploaded_by: Set(actor.name.clone()),
            uploaded_at: Set(now),
        }
        .insert(&txn)
        .await?;
        let kept = Attachment {
            sha256,
            name,
            media_type: media_type.to_owned(),
            size: content.len() as i64,
            uploaded_by: actor.name.clone(),
            uploaded_at: now,
        };
        record(
            &txn,
            Change::new(&actor.name, "case.attach", &subject(id))
                .after(serde_json::to_value(&kept).ok()),
        )
        .await?;
        txn.commit().await?;
        Ok(kept)
    }

    /// A file kept with the case, and its contents (members of the case's organisation only).
    pub async fn attachment(
        &self,
        actor: &Actor,
        id: i32,
        sha256: &str,
    ) -> Result<(Attachment, Vec<u8>)> {
        // The case as its member sees it lists the files; only the contents are read besides.
        let c = self.case(actor, id).await?;
        let sha = sha256.trim().to_ascii_lowercase();
        let meta = c
            .attachments
            .into_iter()
            .find(|a| a.sha256 == sha)
            .ok_or_else(|| no_file(id, &sha))?;
        let content = case_attachment::Entity::find()
            .select_only()
            .column(case_attachment::Column::Content)
            .filter(case_attachment::Column::CaseId.eq(id))
            .filter(case_attachment::Column::Sha256.eq(&sha))
            .into_tuple::<Vec<u8>>()
            .one(&self.db)
            .await?
            .ok_or_else(|| corrupt("case_attachment", id, "file missing"))?;
        Ok((meta, content))
    }

    /// The cases with a decision (proposed or approved), each with its current profile: the
    /// ones the watch re-checks. Only the profile is read (not snapshots, resolutions, files).
    pub async fn decided_cases(&self) -> Result<Vec<WatchedCase>> {
        let mut out = Vec::new();
        for id in procurement_case::Entity::find()
            .select_only()
            .column(procurement_case::Column::Id)
            .filter(procurement_case::Column::Decision.is_not_null())
            .into_tuple::<i32>()
            .all(&self.db)
            .await?
        {
            let profile = case_profile::Entity::find()
                .filter(case_profile::Column::CaseId.eq(id))
                .order_by_desc(case_profile::Column::Version)
                .one(&self.db)
                .await?
                .ok_or_else(|| corrupt("case_profile", id, "no profile"))?;
            out.push(WatchedCase {
                id,
                profile: profile.profile,
                profile_version: profile.version,
            });
        }
        Ok(out)
    }

    /// Compares a re-check of a decided case with its latest snapshot: when a premise of the
    /// decision changed for the chosen service, the re-check is recorded as the next snapshot
    /// (by the watch) and every member of the case's organisation gets a case alert naming
    /// what changed and which resolutions it touches. Returns how many alerts were raised.
    pub async fn watch_case(
        &self,
        id: i32,
        mut snapshot: Snapshot,
        today: NaiveDate,
    ) -> Result<usize> {
        let txn = self.db.begin().await?;
        let c = lock(&txn, id).await?;
        let (Some(decision), Some(latest)) = (&c.decision, &c.latest) else {
            return Ok(0);
        };
        // A profile changed since the re-check started: the next run takes it. The watch's
        // snapshots are not capped: each records a change of the list, which nobody controls
        // from the case.
        if snapshot.profile_version != c.profile_version {
            return Ok(0);
        }
        let changes = premise_changes(
            (&latest.candidates, &latest.entries),
            (&snapshot.candidates, &snapshot.entries),
            &decision.service,
        );
        if changes.is_empty() {
            return Ok(0);
        }
        let resolved: Vec<u32> = c.resolutions.iter().map(|r| r.entry).collect();
        let affected = affected_resolutions(&latest.entries, &changes, &resolved);
        let (seq, carried) = insert_snapshot(&txn, WATCH_ACTOR, &c, &mut snapshot).await?;
        record(
            &txn,
            Change::new(WATCH_ACTOR, "case.watch", &super::subject(id)).after(Some(
                serde_json::json!({
                    "snapshot": seq,
                    "service": decision.service,
                    "registry_sha256": snapshot.registry_sha256,
                    "changes": changes,
                    "affected_resolutions": affected,
                    "resolutions_carried_over": carried,
                }),
            )),
        )
        .await?;
        let no = RegistrationNumber::parse(&decision.service)
            .map_err(|e| corrupt("procurement_case", id, e))?;
        let kind = AlertKind::CasePremiseChanged {
            case: id,
            name: c.name.clone(),
            snapshot: seq,
            changes,
            affected,
        };
        let mut raised = 0;
        for member in members(&txn, &c.organisation).await? {
            raised += raise(
                &txn,
                member,
                (CASE_ALERTS, Some(id)),
                &no,
                vec![kind.clone()],
                today,
            )
            .await?;
        }
        txn.commit().await?;
        Ok(raised)
    }

    /// Raises, once per row and due date, an alert to the case's members for every evidence
    /// row past its next due date. Returns how many were raised.
    pub async fn evidence_alerts(&self, today: NaiveDate) -> Result<usize> {
        let due = case_evidence::Entity::find()
            .filter(case_evidence::Column::NextDue.lt(today))
            .all(&self.db)
            .await?;
        let mut raised = 0;
        for row in due {
            let Some(c) = procurement_case::Entity::find_by_id(row.case_id)
                .one(&self.db)
                .await?
            else {
                continue;
            };
            let service = c
                .decision
                .as_deref()
                .and_then(|d| serde_json::from_str::<super::Decision>(d).ok())
                .and_then(|d| RegistrationNumber::parse(&d.service).ok());
            // A reopened case keeps its register but has no chosen service to name.
            let (Some(no), Some(due)) = (service, row.next_due) else {
                continue;
            };
            let kind = AlertKind::EvidenceOverdue {
                case: c.id,
                name: c.name.clone(),
                duty: row.duty.clone(),
                due,
            };
            let txn = self.db.begin().await?;
            for member in members(&txn, &c.organisation).await? {
                raised += raise(
                    &txn,
                    member,
                    (CASE_ALERTS, Some(c.id)),
                    &no,
                    vec![kind.clone()],
                    today,
                )
                .await?;
            }
            txn.commit().await?;
        }
        Ok(raised)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_keep_their_last_segment() {
        let table: [(&str, Option<&str>); 7] = [
            ("確認書.pdf", Some("確認書.pdf")),
            ("C:\\Users\\a\\確認書.pdf", Some("確認書.pdf")),
            ("../../etc/passwd", Some("passwd")),
            ("dir/", None),
            ("a\nb.pdf", None),
            ("x\u{202E}fdp.exe", None),
            ("", None),
        ];
        for (name, expected) in table {
            assert_eq!(file_name(name).ok().as_deref(), expected, "{name:?}");
        }
    }
}
