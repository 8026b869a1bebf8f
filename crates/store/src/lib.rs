//! Storage for criteria and registries: SQLite by default (one file, nothing to install),
//! PostgreSQL for shared deployments. One schema in Rust (sea-orm); DDL per engine.
//!
//! Registries are imported whole: an import makes the stored registry equal to the file, in
//! one transaction, and reports what was added, changed and removed.

mod accounts;
mod applications;
pub mod audit;
mod backup;
mod cases;
mod criteria;
mod entity;
mod history;
mod migration;
mod registry;
#[cfg(feature = "testing")]
pub mod testing;
mod watches;

pub use accounts::{
    Account, AccountError, CLIENT_MAX_FAILURES, FAILURE_FLOOR, LoginClient, LoginRefused,
    SESSION_HOURS, Session, TOKEN_DAYS, TOKEN_MAX_DAYS, TokenInfo, random_token,
};
pub use applications::{Application, ApplicationContent, ApplicationError, StatementContent};
pub use audit::{Anchor, AuditEvent, Verification};
pub use backup::{BACKUP_FORMAT, BackupSummary};
pub use cases::{CaseError, MAX_ATTACHMENT_BYTES, MAX_CASES, WATCH_ACTOR, WatchedCase};
// The case's data types live in the core; the store loads and stores them.
pub use history::ListEvent;
pub use ismap_core::case::record::{
    Attachment, CandidateVerdict, CaseExport, CaseRecord, CaseView, Decision, DutyView, EntryView,
    ResolutionRecord, Snapshot, SnapshotInfo,
};
pub use registry::{ImportRecord, ImportSummary, RegionJson};
pub use watches::{
    AlertRecord, Delivery, MAX_WATCHED_CONTROLS, OWN_REGISTRATION, WatchRecord, WebhookRecord,
};

use sea_orm::{
    ActiveModelTrait, ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbErr,
    EntityTrait,
};
use sea_orm_migration::MigratorTrait;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] DbErr),
    #[error("the database holds data this version cannot read ({table} {key}: {message})")]
    Corrupt {
        table: &'static str,
        key: String,
        message: String,
    },
    #[error("criteria version {0} is not in the database")]
    UnknownVersion(String),
    #[error(transparent)]
    Account(#[from] AccountError),
    #[error(transparent)]
    Application(#[from] ApplicationError),
    #[error(transparent)]
    Case(#[from] CaseError),
    #[error("{0}")]
    Internal(String),
    #[error("backup: {0}")]
    Backup(String),
    #[error("{0}")]
    Limit(Limit),
    #[error(
        "the list history only grows forward: {registration_no} already has a version effective {latest}, so none can take effect on {effective_on}"
    )]
    Backdated {
        registration_no: String,
        effective_on: chrono::NaiveDate,
        latest: chrono::NaiveDate,
    },
    #[error("unsupported database URL {0:?}: expected a file path, sqlite://… or postgres://…")]
    UnsupportedUrl(String),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// What one account may hold at most: enough for real use, few enough that one account
/// cannot fill the database or the delivery queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    Watches,
    Webhooks,
    Tokens,
    Drafts,
}

impl Limit {
    pub fn max(self) -> u64 {
        match self {
            Limit::Watches => 200,
            Limit::Webhooks => 10,
            Limit::Tokens => 20,
            Limit::Drafts => 20,
        }
    }

    pub fn message(self, lang: ismap_core::lang::Lang) -> String {
        let max = self.max();
        match (self, lang) {
            (Limit::Watches, ismap_core::lang::Lang::Ja) => {
                format!("監視できる登録は1アカウント{max}件までです")
            }
            (Limit::Webhooks, ismap_core::lang::Lang::Ja) => {
                format!("Webhookは1アカウント{max}件までです")
            }
            (Limit::Tokens, ismap_core::lang::Lang::Ja) => {
                format!(
                    "有効なAPIトークンは1アカウント{max}件までです。不要なものを無効にしてください"
                )
            }
            (Limit::Drafts, ismap_core::lang::Lang::Ja) => {
                format!("未提出の申請は1アカウント{max}件までです")
            }
            (Limit::Watches, _) => format!("an account may hold at most {max} watches"),
            (Limit::Webhooks, _) => format!("an account may hold at most {max} webhooks"),
            (Limit::Tokens, _) => {
                format!("an account may hold at most {max} live API tokens; revoke one first")
            }
            (Limit::Drafts, _) => {
                format!("an account may hold at most {max} unsubmitted applications")
            }
        }
    }

    /// Refuses one more when `held` already reaches the limit.
    pub(crate) fn check(self, held: u64) -> Result<()> {
        if held >= self.max() {
            return Err(StoreError::Limit(self));
        }
        Ok(())
    }
}

impl std::fmt::Display for Limit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(ismap_core::lang::Lang::En))
    }
}

/// An open database with the schema migrated to the current version.
pub struct Store {
    db: DatabaseConnection,
}

/// Turns what a user typed (a path or a URL) into a connection URL.
pub fn database_url(spec: &str) -> Result<String> {
    if spec.starts_with("postgres://") || spec.starts_with("postgresql://") {
        return Ok(spec.to_owned());
    }
    if let Some(rest) = spec.strip_prefix("sqlite:") {
        // Create the file if missing unless the URL says otherwise.
        return Ok(if rest.contains("mode=") {
            spec.to_owned()
        } else {
            format!("{spec}?mode=rwc")
        });
    }
    if spec.contains("://") {
        return Err(StoreError::UnsupportedUrl(spec.to_owned()));
    }
    Ok(format!("sqlite://{}?mode=rwc", Path::new(spec).display()))
}

impl Store {
    /// Connects (a path, `sqlite://…` or `postgres://…`) and applies pending migrations.
    pub async fn open(spec: &str) -> Result<Store> {
        let mut options = ConnectOptions::new(database_url(spec)?);
        // A server that is down or unreachable is reported in seconds, not after the pool's
        // default half minute of retries.
        options
            .sqlx_logging(false)
            .connect_timeout(std::time::Duration::from_secs(10))
            .acquire_timeout(std::time::Duration::from_secs(10));
        let db = Database::connect(options).await?;
        migration::Migrator::up(&db, None).await?;
        let store = Store { db };
        store.backfill_history().await?;
        Ok(store)
    }

    pub fn connection(&self) -> &DatabaseConnection {
        &self.db
    }
}

/// Inserts rows in batches of 500: the engines limit the bind parameters of one statement.
async fn insert_batches<C: ConnectionTrait, A: ActiveModelTrait + Clone + Send>(
    db: &C,
    rows: Vec<A>,
) -> Result<()> {
    for chunk in rows.chunks(500) {
        <A::Entity as EntityTrait>::insert_many(chunk.to_vec())
            .exec(db)
            .await?;
    }
    Ok(())
}
