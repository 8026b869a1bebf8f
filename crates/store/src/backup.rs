//! Backups: every table's rows as JSON, read in one read-only transaction (a consistent
//! snapshot on both engines), restorable onto SQLite or PostgreSQL. The audit chain is copied
//! byte for byte, so `audit verify` passes on the restored database.

use crate::audit::{Anchor, Change, Verification, record, verify_chain};
use crate::entity::*;
use crate::{Result, Store, StoreError};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, TransactionTrait,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

pub const BACKUP_FORMAT: &str = "ismap-backup";
const BACKUP_VERSION: u64 = 1;

/// Tables in the order they are restored; tables with generated keys name their key column.
const TABLES: [(&str, Option<&str>); 21] = [
    ("criterion", None),
    ("criteria_section", None),
    ("registration", None),
    ("control_statement", None),
    ("import_log", Some("id")),
    ("account", Some("id")),
    ("session", None),
    ("api_token", Some("id")),
    ("login_failure", Some("id")),
    ("application", Some("id")),
    ("list_event", Some("seq")),
    ("audit_event", None),
    ("audit_head", None),
    ("watch", Some("id")),
    ("alert", Some("id")),
    ("webhook", Some("id")),
    ("delivery", Some("id")),
    ("procurement_case", Some("id")),
    ("case_profile", None),
    ("case_snapshot", None),
    ("case_resolution", Some("id")),
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupSummary {
    pub tables: Vec<(String, usize)>,
}

async fn dump<E, C>(db: &C) -> Result<Value>
where
    E: EntityTrait,
    E::Model: Serialize,
    C: ConnectionTrait,
{
    let rows = E::find().all(db).await?;
    serde_json::to_value(rows).map_err(|e| StoreError::Internal(e.to_string()))
}

async fn load<E, C>(db: &C, table: &str, rows: Value) -> Result<usize>
where
    E: EntityTrait,
    E::Model: DeserializeOwned + IntoActiveModel<E::ActiveModel>,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send + Clone,
    C: ConnectionTrait,
{
    let models: Vec<E::Model> = serde_json::from_value(rows)
        .map_err(|e| StoreError::Backup(format!("table {table}: {e}")))?;
    let n = models.len();
    let active: Vec<E::ActiveModel> = models
        .into_iter()
        .map(IntoActiveModel::into_active_model)
        .collect();
    crate::insert_batches(db, active).await?;
    Ok(n)
}

macro_rules! each_table {
    ($name:expr, $f:ident, $($args:expr),*) => {
        match $name {
            "criterion" => $f::<criterion::Entity, _>($($args),*).await,
            "criteria_section" => $f::<criteria_section::Entity, _>($($args),*).await,
            "registration" => $f::<registration::Entity, _>($($args),*).await,
            "control_statement" => $f::<control_statement::Entity, _>($($args),*).await,
            "import_log" => $f::<import_log::Entity, _>($($args),*).await,
            "account" => $f::<account::Entity, _>($($args),*).await,
            "session" => $f::<session::Entity, _>($($args),*).await,
            "api_token" => $f::<api_token::Entity, _>($($args),*).await,
            "login_failure" => $f::<login_failure::Entity, _>($($args),*).await,
            "application" => $f::<application::Entity, _>($($args),*).await,
            "list_event" => $f::<list_event::Entity, _>($($args),*).await,
            "audit_event" => $f::<audit_event::Entity, _>($($args),*).await,
            "audit_head" => $f::<audit_head::Entity, _>($($args),*).await,
            "watch" => $f::<watch::Entity, _>($($args),*).await,
            "alert" => $f::<alert::Entity, _>($($args),*).await,
            "webhook" => $f::<webhook::Entity, _>($($args),*).await,
            "delivery" => $f::<delivery::Entity, _>($($args),*).await,
            "procurement_case" => $f::<procurement_case::Entity, _>($($args),*).await,
            "case_profile" => $f::<case_profile::Entity, _>($($args),*).await,
            "case_snapshot" => $f::<case_snapshot::Entity, _>($($args),*).await,
            "case_resolution" => $f::<case_resolution::Entity, _>($($args),*).await,
            other => Err(StoreError::Backup(format!("unknown table {other}"))),
        }
    };
}

impl Store {
    /// Every table as one JSON document, read from one snapshot.
    pub async fn backup(&self) -> Result<Value> {
        let txn = self
            .db
            .begin_with_config(
                Some(sea_orm::IsolationLevel::RepeatableRead),
                Some(sea_orm::AccessMode::ReadOnly),
            )
            .await?;
        let mut tables = Map::new();
        for (name, _) in TABLES {
            let rows = each_table!(name, dump, &txn)?;
            tables.insert(name.to_owned(), rows);
        }
        txn.commit().await?;
        Ok(serde_json::json!({
            "format": BACKUP_FORMAT,
            "version": BACKUP_VERSION,
            "created_at": chrono::Utc::now(),
            "tables": tables,
        }))
    }

    /// Whether the database holds anything beyond the built-in criteria.
    pub async fn holds_data(&self) -> Result<bool> {
        Ok(registration::Entity::find().count(&self.db).await? > 0
            || account::Entity::find().count(&self.db).await? > 0
            || application::Entity::find().count(&self.db).await? > 0
            || audit_event::Entity::find().count(&self.db).await? > 0)
    }

    /// Replaces the whole content of the database with a backup, in one transaction. The
    /// backup's audit chain must verify (and match `anchors`, heads recorded elsewhere), or
    /// nothing changes; the restore itself is appended to the trail in `actor`'s name, every
    /// session ends and every API token is revoked (a backup's credentials are not to be
    /// trusted).
    pub async fn restore(
        &self,
        backup: Value,
        actor: &str,
        anchors: &[Anchor],
    ) -> Result<BackupSummary> {
        if backup.get("format").and_then(Value::as_str) != Some(BACKUP_FORMAT) {
            return Err(StoreError::Backup(format!(
                "not an ismap backup: \"format\" must be {BACKUP_FORMAT:?}"
            )));
        }
        let version = backup.get("version").and_then(Value::as_u64);
        if version != Some(BACKUP_VERSION) {
            return Err(StoreError::Backup(format!(
                "backup version {version:?} is not supported (expected {BACKUP_VERSION})"
            )));
        }
        let Some(Value::Object(mut tables)) = backup.get("tables").cloned() else {
            return Err(StoreError::Backup("\"tables\" must be an object".into()));
        };
        let txn = self.db.begin().await?;
        // The one transaction allowed to delete and rewrite audit events (see the migration).
        txn.execute_unprepared("INSERT INTO audit_unlock (id) VALUES (1)")
            .await?;
        for (name, _) in TABLES.iter().rev() {
            txn.execute_unprepared(&format!("DELETE FROM {name}"))
                .await?;
        }
        let mut summary = BackupSummary { tables: Vec::new() };
        for (name, _) in TABLES {
            let rows = tables.remove(name).unwrap_or(Value::Array(Vec::new()));
            let n = each_table!(name, load, &txn, name, rows)?;
            summary.tables.push((name.to_owned(), n));
        }
        if let Some(extra) = tables.keys().next() {
            return Err(StoreError::Backup(format!(
                "unknown table {extra:?} in the backup"
            )));
        }
        txn.execute_unprepared("DELETE FROM audit_unlock").await?;
        if let Verification::Broken { seq, problem } = verify_chain(&txn, anchors).await? {
            return Err(StoreError::Backup(format!(
                "the backup's audit trail does not verify at event {seq}: {problem}"
            )));
        }
        session::Entity::delete_many().exec(&txn).await?;
        // A backup may predate revocations (after a compromise, a password change): every API
        // token is revoked, and users issue new ones.
        api_token::Entity::update_many()
            .col_expr(
                api_token::Column::RevokedAt,
                sea_orm::sea_query::Expr::value(chrono::Utc::now()),
            )
            .filter(api_token::Column::RevokedAt.is_null())
            .exec(&txn)
            .await?;
        let created_at = backup.get("created_at").cloned();
        record(
            &txn,
            Change::new(actor, "backup.restore", "database")
                .after(Some(serde_json::json!({ "backup_created_at": created_at }))),
        )
        .await?;
        if self.db.get_database_backend() == DatabaseBackend::Postgres {
            // Generated keys continue after the restored rows.
            for (name, key) in TABLES {
                if let Some(key) = key {
                    let sql = format!(
                        "SELECT setval(pg_get_serial_sequence('{name}', '{key}'), \
                         COALESCE((SELECT MAX({key}) FROM {name}), 0) + 1, false)"
                    );
                    txn.execute_unprepared(&sql).await?;
                }
            }
        }
        txn.commit().await?;
        Ok(summary)
    }
}
