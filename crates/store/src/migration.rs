//! Schema migrations. Each migration is written out (not derived from the entities) so that a
//! later change to an entity never rewrites history.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(Initial)]
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
