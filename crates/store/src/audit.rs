//! The append-only audit trail: every change (who, when, what, before and after) is one event,
//! chained to the previous one by SHA-256. Writers append inside the transaction that makes
//! the change, after locking the chain's head row, so concurrent writers (several servers on
//! one PostgreSQL) line up instead of forking the chain. `verify` recomputes every hash.

use crate::entity::{audit_event, audit_head};
use crate::{Result, Store};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// A change to record.
pub struct Change<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub subject: &'a str,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl<'a> Change<'a> {
    /// A change with nothing to show before or after (e.g. a password was set).
    pub fn new(actor: &'a str, action: &'a str, subject: &'a str) -> Self {
        Change {
            actor,
            action,
            subject,
            before: None,
            after: None,
        }
    }

    pub fn before(self, before: Option<serde_json::Value>) -> Self {
        Change { before, ..self }
    }

    pub fn after(self, after: Option<serde_json::Value>) -> Self {
        Change { after, ..self }
    }
}

/// One recorded event, as listed to operators.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEvent {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub hash: String,
}

/// An event's hash as recorded outside the database (a ticket, a signed report, another
/// system), written `SEQ:HASH` as `verify` prints the head. Whoever can write to the database
/// can recompute the whole chain; they cannot change what was recorded elsewhere, so a chain
/// rewritten at or before an anchored event no longer matches it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub seq: i64,
    pub hash: String,
}

impl Anchor {
    /// The head of an intact chain (`Verification::Intact`), as the anchor to record elsewhere.
    pub fn head(events: u64, hash: &str) -> Anchor {
        Anchor {
            seq: events as i64,
            hash: hash.to_owned(),
        }
    }
}

impl std::str::FromStr for Anchor {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        let expected =
            || format!("expected SEQ:HASH (an event number and its 64-digit SHA-256), got {s:?}");
        let (seq, hash) = s.trim().split_once(':').ok_or_else(expected)?;
        let seq: i64 = seq.parse().map_err(|_| expected())?;
        let hash = hash.to_ascii_lowercase();
        if seq < 0 || hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(expected());
        }
        Ok(Anchor { seq, hash })
    }
}

impl std::fmt::Display for Anchor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.seq, self.hash)
    }
}

/// The outcome of `verify`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Verification {
    Intact {
        events: u64,
        head: String,
    },
    /// The first event whose stored content or link does not match.
    Broken {
        seq: i64,
        problem: String,
    },
}

fn hash(e: &audit_event::Model) -> String {
    // Length-prefixed fields: no two different events serialise to the same bytes.
    let mut h = Sha256::new();
    let mut field = |bytes: &[u8]| {
        h.update((bytes.len() as u64).to_be_bytes());
        h.update(bytes);
    };
    field(e.seq.to_string().as_bytes());
    field(e.at.as_bytes());
    field(e.actor.as_bytes());
    field(e.action.as_bytes());
    field(e.subject.as_bytes());
    field(e.before.as_deref().unwrap_or("\u{0}").as_bytes());
    field(e.after.as_deref().unwrap_or("\u{0}").as_bytes());
    field(e.prev_hash.as_bytes());
    hex::encode(h.finalize())
}

/// Locks the chain's head row until `db`'s transaction ends: the write lock on SQLite, a row
/// lock on PostgreSQL. Writers of the list history take it too, before their first event, so
/// that list events are numbered in the order they commit.
pub(crate) async fn lock_head<C: ConnectionTrait>(db: &C) -> Result<()> {
    let locked = audit_head::Entity::update_many()
        .col_expr(audit_head::Column::Id, Expr::col(audit_head::Column::Id))
        .filter(audit_head::Column::Id.eq(1))
        .exec(db)
        .await?;
    if locked.rows_affected != 1 {
        return Err(sea_orm::DbErr::RecordNotFound("audit_head".into()).into());
    }
    Ok(())
}

/// Appends `change` on `db` (a transaction of the caller's, so that the change and its record
/// commit together).
pub async fn record<C: ConnectionTrait>(db: &C, change: Change<'_>) -> Result<i64> {
    lock_head(db).await?;
    let head = audit_head::Entity::find_by_id(1)
        .one(db)
        .await?
        .ok_or_else(|| sea_orm::DbErr::RecordNotFound("audit_head".into()))?;
    let (seq, prev_hash) = (head.seq + 1, head.hash);
    let text = |v: Option<serde_json::Value>| v.map(|v| v.to_string());
    let mut event = audit_event::Model {
        seq,
        at: chrono::Utc::now()
            .format("%Y-%m-%dT%H:%M:%S%.3fZ")
            .to_string(),
        actor: change.actor.to_owned(),
        action: change.action.to_owned(),
        subject: change.subject.to_owned(),
        before: text(change.before),
        after: text(change.after),
        prev_hash,
        hash: String::new(),
    };
    event.hash = hash(&event);
    audit_head::ActiveModel {
        id: Set(1),
        seq: Set(seq),
        hash: Set(event.hash.clone()),
    }
    .update(db)
    .await?;
    audit_event::ActiveModel::from(event).insert(db).await?;
    Ok(seq)
}

const VERIFY_BATCH: u64 = 1000;

/// Recomputes the chain from the first event, and compares it with hashes recorded
/// outside the database; names the first event that does not match.
pub(crate) async fn verify_chain<C: ConnectionTrait>(
    db: &C,
    anchors: &[Anchor],
) -> Result<Verification> {
    let anchored = |seq: i64| anchors.iter().filter(move |a| a.seq == seq);
    if let Some(a) = anchored(0).find(|a| a.hash != GENESIS) {
        return Ok(Verification::Broken {
            seq: 0,
            problem: format!("the anchor {a} is not the chain's start"),
        });
    }
    let mut expected_prev = GENESIS.to_owned();
    let mut expected_seq = 1i64;
    loop {
        let batch = audit_event::Entity::find()
            .filter(audit_event::Column::Seq.gte(expected_seq))
            .order_by_asc(audit_event::Column::Seq)
            .limit(VERIFY_BATCH)
            .all(db)
            .await?;
        let done = (batch.len() as u64) < VERIFY_BATCH;
        for e in batch {
            let broken = |problem: String| {
                Ok(Verification::Broken {
                    seq: e.seq,
                    problem,
                })
            };
            if e.seq != expected_seq {
                return Ok(Verification::Broken {
                    seq: expected_seq,
                    problem: format!(
                        "event {expected_seq} is missing (next stored event is {})",
                        e.seq
                    ),
                });
            }
            if e.prev_hash != expected_prev {
                return broken("its link to the previous event does not match".into());
            }
            if hash(&e) != e.hash {
                return broken("its content does not match its hash".into());
            }
            if anchored(e.seq).any(|a| a.hash != e.hash) {
                return broken(
                    "its hash differs from the one recorded outside the database: the trail was rewritten".into(),
                );
            }
            expected_prev = e.hash;
            expected_seq += 1;
        }
        if done {
            break;
        }
    }
    let events = (expected_seq - 1) as u64;
    if let Some(a) = anchors.iter().find(|a| a.seq > events as i64) {
        return Ok(Verification::Broken {
            seq: a.seq,
            problem: format!(
                "the anchored event {} is gone: the chain ends at event {events}",
                a.seq
            ),
        });
    }
    let head = audit_head::Entity::find_by_id(1).one(db).await?;
    match head {
        Some(h) if h.seq != events as i64 || h.hash != expected_prev => Ok(Verification::Broken {
            seq: events as i64 + 1,
            problem: format!(
                "the chain ends at event {events} but its head records event {}: events were removed",
                h.seq
            ),
        }),
        None => Ok(Verification::Broken {
            seq: 1,
            problem: "the chain's head is missing".into(),
        }),
        _ => Ok(Verification::Intact {
            events,
            head: expected_prev,
        }),
    }
}

impl Store {
    /// Recomputes the chain from the first event, and compares it with hashes recorded
    /// outside the database; names the first event that does not match.
    pub async fn verify_audit(&self, anchors: &[Anchor]) -> Result<Verification> {
        verify_chain(&self.db, anchors).await
    }

    /// The latest events, newest first; `subject` narrows to one record.
    pub async fn audit_events(&self, subject: Option<&str>, limit: u64) -> Result<Vec<AuditEvent>> {
        let mut query = audit_event::Entity::find().order_by_desc(audit_event::Column::Seq);
        if let Some(subject) = subject {
            query = query.filter(audit_event::Column::Subject.eq(subject));
        }
        let rows = query.limit(limit).all(&self.db).await?;
        let json = |t: Option<String>| t.and_then(|t| serde_json::from_str(&t).ok());
        Ok(rows
            .into_iter()
            .map(|e| AuditEvent {
                seq: e.seq,
                at: e.at,
                actor: e.actor,
                action: e.action,
                subject: e.subject,
                before: json(e.before),
                after: json(e.after),
                hash: e.hash,
            })
            .collect())
    }

    /// Records a change in its own transaction (for changes that are one statement).
    pub async fn record(&self, change: Change<'_>) -> Result<i64> {
        use sea_orm::TransactionTrait;
        let txn = self.db.begin().await?;
        let seq = record(&txn, change).await?;
        txn.commit().await?;
        Ok(seq)
    }
}
