//! Tables. Dates are `NaiveDate` columns (DATE on both engines); lists that are only ever read
//! with their registration (scope, regions, underlying services) are JSON text.

pub mod criterion {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
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

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
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

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
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

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
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

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
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
