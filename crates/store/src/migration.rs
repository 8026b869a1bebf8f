//! Schema migrations. Each migration is written out (not derived from the entities) so that a
//! later change to an entity never rewrites history.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(Initial),
            Box::new(Operations),
            Box::new(TokenExpiry),
            Box::new(DomainRules),
            Box::new(Cases),
            Box::new(CaseOperation),
        ]
    }
}

#[derive(DeriveMigrationName)]
struct Initial;

#[async_trait::async_trait]
impl MigrationTrait for Initial {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("criterion")
                .col(string("version"))
                .col(string("id"))
                .col(integer("position"))
                .col(string("part"))
                .col(string("level"))
                .col(string("parent"))
                .col(string("domain"))
                .col(string("category"))
                .col(string_null("source_standard"))
                .col(text_null("title_ja"))
                .col(text_null("title_en"))
                .col(text_null("text_ja"))
                .col(text_null("text_en"))
                .primary_key(Index::create().col("version").col("id"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("criteria_section")
                .col(string("version"))
                .col(string("id"))
                .col(string("kind"))
                .col(text_null("title_ja"))
                .col(text_null("title_en"))
                .primary_key(Index::create().col("version").col("id"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("registration")
                .col(string("registration_no").primary_key())
                .col(integer("position"))
                .col(string("program"))
                .col(text("service_name"))
                .col(text("provider"))
                .col(string_null("service_model"))
                .col(date("registered_on"))
                .col(date("audit_start"))
                .col(date("audit_end"))
                .col(date_null("renewal_filed_on"))
                .col(date_null("revoked_on"))
                .col(string("criteria_version"))
                .col(text("scope"))
                .col(text("regions"))
                .col(text("underlying"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("control_statement")
                .col(string("registration_no"))
                .col(string("control_id"))
                .col(string("status"))
                .col(text_null("reason"))
                .col(string_null("inherited_from"))
                .primary_key(Index::create().col("registration_no").col("control_id"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("import_log")
                .col(pk_auto("id"))
                .col(timestamp_with_time_zone("imported_at"))
                .col(text("source"))
                .col(string("sha256"))
                .col(integer("added"))
                .col(integer("changed"))
                .col(integer("removed"))
                .to_owned(),
        )
        .await
    }
}

/// Accounts and sessions, applications, the list history, the audit trail, watches and alerts.
struct Operations;

// DeriveMigrationName names a migration after its file; this one shares the file.
impl MigrationName for Operations {
    fn name(&self) -> &str {
        "m0002_operations"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Operations {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let tables = [
            Table::create()
                .table("account")
                .col(pk_auto("id"))
                .col(string_uniq("username"))
                .col(text("password_hash"))
                .col(string("role"))
                .col(text_null("organisation"))
                .col(text_null("email"))
                .col(boolean("disabled"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
            Table::create()
                .table("session")
                .col(string("id_hash").primary_key())
                .col(integer("account_id"))
                .col(string("csrf_token"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .to_owned(),
            Table::create()
                .table("api_token")
                .col(pk_auto("id"))
                .col(integer("account_id"))
                .col(text("name"))
                .col(string_uniq("token_hash"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .to_owned(),
            Table::create()
                .table("login_failure")
                .col(pk_auto("id"))
                .col(string("username"))
                .col(string("client"))
                .col(timestamp_with_time_zone("at"))
                .to_owned(),
            Table::create()
                .table("application")
                .col(pk_auto("id"))
                .col(text("provider"))
                .col(text_null("audit_body"))
                .col(string("phase"))
                .col(string_null("registration_no"))
                .col(text("lifecycle"))
                .col(text("content"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
            Table::create()
                .table("list_event")
                .col(big_pk_auto("seq"))
                .col(date("effective_on"))
                .col(timestamp_with_time_zone("recorded_at"))
                .col(string("registration_no"))
                .col(text_null("document"))
                .to_owned(),
            Table::create()
                .table("audit_event")
                .col(big_integer("seq").primary_key())
                .col(string("at"))
                .col(text("actor"))
                .col(string("action"))
                .col(text("subject"))
                .col(text_null("before"))
                .col(text_null("after"))
                .col(string("prev_hash"))
                .col(string("hash"))
                .to_owned(),
            Table::create()
                .table("audit_head")
                .col(integer("id").primary_key())
                .col(big_integer("seq"))
                .col(string("hash"))
                .to_owned(),
            Table::create()
                .table("watch")
                .col(pk_auto("id"))
                .col(integer("account_id"))
                .col(string("registration_no"))
                .col(date("contract_start"))
                .col(date("contract_end"))
                .col(text("label"))
                .col(text_null("seen"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
            Table::create()
                .table("alert")
                .col(pk_auto("id"))
                .col(integer("watch_id"))
                .col(integer("account_id"))
                .col(string("registration_no"))
                .col(string("kind"))
                .col(string("key_hash"))
                .col(text("message_ja"))
                .col(text("message_en"))
                .col(date("raised_on"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("read_at"))
                .to_owned(),
            Table::create()
                .table("webhook")
                .col(pk_auto("id"))
                .col(integer("account_id"))
                .col(text("url"))
                .col(string("secret"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
            Table::create()
                .table("delivery")
                .col(pk_auto("id"))
                .col(integer("alert_id"))
                .col(string("channel"))
                .col(text("target"))
                .col(integer_null("webhook_id"))
                .col(integer("attempts"))
                .col(timestamp_with_time_zone("next_attempt_at"))
                .col(timestamp_with_time_zone_null("delivered_at"))
                .col(text_null("last_error"))
                .to_owned(),
        ];
        for table in tables {
            m.create_table(table).await?;
        }
        let indexes = [
            Index::create()
                .name("alert_once")
                .table("alert")
                .col("watch_id")
                .col("key_hash")
                .unique()
                .to_owned(),
            Index::create()
                .name("list_event_entry")
                .table("list_event")
                .col("registration_no")
                .col("effective_on")
                .to_owned(),
            Index::create()
                .name("login_failure_user")
                .table("login_failure")
                .col("username")
                .col("at")
                .to_owned(),
            Index::create()
                .name("login_failure_client")
                .table("login_failure")
                .col("client")
                .col("at")
                .to_owned(),
        ];
        for index in indexes {
            m.create_index(index).await?;
        }
        // Append-only: the engine refuses to change or delete audit events, except inside a
        // restore, which marks its own transaction by a row in `audit_unlock`.
        m.create_table(
            Table::create()
                .table("audit_unlock")
                .col(integer("id").primary_key())
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();
        let statements: &[&str] = match db.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => &[
                "CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN IF EXISTS (SELECT 1 FROM audit_unlock) THEN RETURN COALESCE(NEW, OLD); END IF; \
                 RAISE EXCEPTION 'audit_event is append-only'; END $$",
                "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event \
                 FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
            ],
            _ => &[
                "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event \
                 WHEN NOT EXISTS (SELECT 1 FROM audit_unlock) \
                 BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
                "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event \
                 WHEN NOT EXISTS (SELECT 1 FROM audit_unlock) \
                 BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
            ],
        };
        for sql in statements {
            db.execute_unprepared(sql).await?;
        }
        // The chain's head exists from the start, so every writer locks the same row.
        let head = Query::insert()
            .into_table("audit_head")
            .columns(["id", "seq", "hash"])
            .values([1.into(), 0i64.into(), crate::audit::GENESIS.into()])
            .map_err(|e| DbErr::Custom(e.to_string()))?
            .to_owned();
        m.exec_stmt(head).await
    }
}

/// API tokens expire; tokens issued before get the default lifetime from the upgrade on.
struct TokenExpiry;

impl MigrationName for TokenExpiry {
    fn name(&self) -> &str {
        "m0003_token_expiry"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for TokenExpiry {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("api_token")
                .add_column(timestamp_with_time_zone_null("expires_at"))
                .to_owned(),
        )
        .await?;
        let expires =
            chrono::Utc::now() + chrono::Duration::days(i64::from(crate::accounts::TOKEN_DAYS));
        let update = Query::update()
            .table("api_token")
            .value("expires_at", expires)
            .to_owned();
        m.exec_stmt(update).await
    }
}

/// A list entry may carry the expiry the list publishes (it decides the status when given);
/// a watch names the controls the agency relies on (alerts when one weakens).
struct DomainRules;

impl MigrationName for DomainRules {
    fn name(&self) -> &str {
        "m0004_domain_rules"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for DomainRules {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("registration")
                .add_column(date_null("expires_on"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("watch")
                .add_column(text_null("controls"))
                .to_owned(),
        )
        .await
    }
}

/// Procurement cases: the case, every version of its profile, its check snapshots and its
/// resolutions; procurer accounts may be approvers.
struct Cases;

impl MigrationName for Cases {
    fn name(&self) -> &str {
        "m0005_cases"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Cases {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("account")
                .add_column(boolean("approver").default(false))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("procurement_case")
                .col(pk_auto("id"))
                .col(string("organisation"))
                .col(text("name"))
                .col(string("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(text_null("decision"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("case_profile")
                .col(integer("case_id"))
                .col(integer("version"))
                .col(text("profile"))
                .col(string("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .primary_key(Index::create().col("case_id").col("version"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("case_snapshot")
                .col(integer("case_id"))
                .col(integer("seq"))
                .col(text("body"))
                .col(string("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .primary_key(Index::create().col("case_id").col("seq"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("case_resolution")
                .col(pk_auto("id"))
                .col(integer("case_id"))
                .col(integer("snapshot_seq"))
                .col(integer("entry"))
                .col(string("kind"))
                .col(text("text"))
                .col(text_null("document_number"))
                .col(date_null("document_date"))
                .col(text_null("legal_basis"))
                .col(string("author"))
                .col(timestamp_with_time_zone("created_at"))
                .col(string_null("approved_by"))
                .col(timestamp_with_time_zone_null("approved_at"))
                .to_owned(),
        )
        .await?;
        // One resolution per entry of a snapshot.
        m.create_index(
            Index::create()
                .name("case_resolution_entry")
                .table("case_resolution")
                .col("case_id")
                .col("snapshot_seq")
                .col("entry")
                .unique()
                .to_owned(),
        )
        .await
    }
}

/// The case in operation: the agency's evidence register, attachments kept with their
/// SHA-256, and alerts that belong to a case (the list changed under a decision, evidence
/// overdue).
struct CaseOperation;

impl MigrationName for CaseOperation {
    fn name(&self) -> &str {
        "m0006_case_operation"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CaseOperation {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("case_evidence")
                .col(integer("case_id"))
                .col(string("duty"))
                .col(text("body"))
                .col(date_null("next_due"))
                .col(string("updated_by"))
                .col(timestamp_with_time_zone("updated_at"))
                .primary_key(Index::create().col("case_id").col("duty"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("case_attachment")
                .col(integer("case_id"))
                .col(string("sha256"))
                .col(text("name"))
                .col(string("media_type"))
                .col(big_integer("size"))
                .col(blob("content"))
                .col(string("uploaded_by"))
                .col(timestamp_with_time_zone("uploaded_at"))
                .primary_key(Index::create().col("case_id").col("sha256"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("case_resolution")
                .add_column(string_null("attachment_sha256"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("alert")
                .add_column(integer_null("case_id"))
                .to_owned(),
        )
        .await
    }
}
