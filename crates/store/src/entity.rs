//! Tables. Every model is serialisable: backups are the rows as JSON.
//! Dates are `NaiveDate` columns (DATE on both engines); lists that are only ever read
//! with their registration (scope, regions, underlying services) are JSON text.

pub mod criterion {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "criterion")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub version: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub position: i32,
        pub part: String,
        pub level: String,
        pub parent: String,
        pub domain: String,
        pub category: String,
        pub source_standard: Option<String>,
        pub title_ja: Option<String>,
        pub title_en: Option<String>,
        pub text_ja: Option<String>,
        pub text_en: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod criteria_section {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "criteria_section")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub version: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub kind: String,
        pub title_ja: Option<String>,
        pub title_en: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod registration {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "registration")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub registration_no: String,
        /// Order of the registry file, kept so that exports reproduce it.
        pub position: i32,
        pub program: String,
        pub service_name: String,
        pub provider: String,
        pub service_model: Option<String>,
        pub registered_on: Date,
        pub audit_start: Date,
        pub audit_end: Date,
        pub renewal_filed_on: Option<Date>,
        pub revoked_on: Option<Date>,
        /// The published expiry; absent in history documents written before it existed.
        #[serde(default)]
        pub expires_on: Option<Date>,
        pub criteria_version: String,
        #[sea_orm(column_type = "Text")]
        pub scope: String,
        #[sea_orm(column_type = "Text")]
        pub regions: String,
        #[sea_orm(column_type = "Text")]
        pub underlying: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod control_statement {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "control_statement")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub registration_no: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub control_id: String,
        pub status: String,
        pub reason: Option<String>,
        pub inherited_from: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod import_log {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "import_log")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub imported_at: DateTimeUtc,
        pub source: String,
        pub sha256: String,
        pub added: i32,
        pub changed: i32,
        pub removed: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod account {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "account")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        #[sea_orm(unique)]
        pub username: String,
        pub password_hash: String,
        pub role: String,
        pub organisation: Option<String>,
        pub email: Option<String>,
        pub disabled: bool,
        #[serde(default)]
        pub approver: bool,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod session {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "session")]
    pub struct Model {
        /// SHA-256 of the cookie value: a copy of the table gives no usable session.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id_hash: String,
        pub account_id: i32,
        pub csrf_token: String,
        pub created_at: DateTimeUtc,
        pub expires_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod api_token {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "api_token")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub account_id: i32,
        pub name: String,
        #[sea_orm(unique)]
        pub token_hash: String,
        pub created_at: DateTimeUtc,
        pub revoked_at: Option<DateTimeUtc>,
        /// Absent in backups from before tokens expired: such tokens are refused.
        #[serde(default)]
        pub expires_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod login_failure {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "login_failure")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub username: String,
        /// The address the attempt came from.
        pub client: String,
        pub at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod application {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "application")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub provider: String,
        pub audit_body: Option<String>,
        pub phase: String,
        pub registration_no: Option<String>,
        /// The lifecycle state (`ismap_core::lifecycle::Lifecycle`) as JSON.
        #[sea_orm(column_type = "Text")]
        pub lifecycle: String,
        /// What the provider declares, as JSON.
        #[sea_orm(column_type = "Text")]
        pub content: String,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod list_event {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};
    /// One version of one list entry: the history the list is rebuilt from for any date.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "list_event")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub seq: i64,
        /// The date from which the list showed this version of the entry.
        pub effective_on: Date,
        pub recorded_at: DateTimeUtc,
        pub registration_no: String,
        /// The entry's rows as JSON, or none when it left the list.
        #[sea_orm(column_type = "Text", nullable)]
        pub document: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod audit_event {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "audit_event")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub seq: i64,
        /// RFC 3339 in UTC with milliseconds, stored as text so both engines hash the same bytes.
        pub at: String,
        pub actor: String,
        pub action: String,
        pub subject: String,
        #[sea_orm(column_type = "Text", nullable)]
        pub before: Option<String>,
        #[sea_orm(column_type = "Text", nullable)]
        pub after: Option<String>,
        pub prev_hash: String,
        pub hash: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod audit_head {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};
    /// The chain's last event: writers lock this row, and truncation shows against it.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "audit_head")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: i32,
        pub seq: i64,
        pub hash: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod watch {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "watch")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub account_id: i32,
        pub registration_no: String,
        pub contract_start: Date,
        pub contract_end: Date,
        pub label: String,
        /// The entry as last seen by the alert run (list_event document), to detect changes.
        #[sea_orm(column_type = "Text", nullable)]
        pub seen: Option<String>,
        pub created_at: DateTimeUtc,
        /// The criteria IDs the agency relies on, as a JSON array (absent: none).
        #[sea_orm(column_type = "Text", nullable)]
        #[serde(default)]
        pub controls: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod alert {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "alert")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub watch_id: i32,
        pub account_id: i32,
        pub registration_no: String,
        pub kind: String,
        /// SHA-256 of the alert's key: unique per watch, so an alert is raised once.
        pub key_hash: String,
        #[sea_orm(column_type = "Text")]
        pub message_ja: String,
        #[sea_orm(column_type = "Text")]
        pub message_en: String,
        pub raised_on: Date,
        pub created_at: DateTimeUtc,
        pub read_at: Option<DateTimeUtc>,
        /// The procurement case an alert belongs to (case alerts only).
        pub case_id: Option<i32>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod webhook {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "webhook")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub account_id: i32,
        pub url: String,
        /// The HMAC key, shown once at creation.
        pub secret: String,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod delivery {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "delivery")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub alert_id: i32,
        /// `webhook` or `email`.
        pub channel: String,
        pub target: String,
        /// The webhook a `webhook` delivery goes to (its URL may be shared by several).
        pub webhook_id: Option<i32>,
        pub attempts: i32,
        pub next_attempt_at: DateTimeUtc,
        pub delivered_at: Option<DateTimeUtc>,
        #[sea_orm(column_type = "Text", nullable)]
        pub last_error: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A procurement case (調達案件) of one organisation.
pub mod procurement_case {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "procurement_case")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub organisation: String,
        pub name: String,
        pub created_by: String,
        pub created_at: DateTimeUtc,
        /// The decision as JSON while the case is decided; none when open or reopened.
        pub decision: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Every version of a case's requirement profile (TOML), kept.
pub mod case_profile {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "case_profile")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub case_id: i32,
        #[sea_orm(primary_key, auto_increment = false)]
        pub version: i32,
        pub profile: String,
        pub created_by: String,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A check run of a case, never edited: its inputs and every entry, as JSON.
pub mod case_snapshot {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "case_snapshot")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub case_id: i32,
        #[sea_orm(primary_key, auto_increment = false)]
        pub seq: i32,
        pub body: String,
        pub created_by: String,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A resolution of one entry of one snapshot, and its approval.
pub mod case_resolution {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "case_resolution")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub case_id: i32,
        pub snapshot_seq: i32,
        pub entry: i32,
        pub kind: String,
        pub text: String,
        pub document_number: Option<String>,
        pub document_date: Option<Date>,
        pub legal_basis: Option<String>,
        pub author: String,
        pub created_at: DateTimeUtc,
        pub approved_by: Option<String>,
        pub approved_at: Option<DateTimeUtc>,
        /// The SHA-256 of the case attachment the resolution's document is kept in.
        pub attachment_sha256: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A row of a case's evidence register (the row as JSON; its next due date as a column, for
/// the overdue alerts).
pub mod case_evidence {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "case_evidence")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub case_id: i32,
        #[sea_orm(primary_key, auto_increment = false)]
        pub duty: String,
        #[sea_orm(column_type = "Text")]
        pub body: String,
        pub next_due: Option<Date>,
        pub updated_by: String,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A file kept with a case (a resolution's document), addressed by its SHA-256.
pub mod case_attachment {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "case_attachment")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub case_id: i32,
        #[sea_orm(primary_key, auto_increment = false)]
        pub sha256: String,
        #[sea_orm(column_type = "Text")]
        pub name: String,
        pub media_type: String,
        pub size: i64,
        #[sea_orm(column_type = "Blob")]
        pub content: Vec<u8>,
        pub uploaded_by: String,
        pub uploaded_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
