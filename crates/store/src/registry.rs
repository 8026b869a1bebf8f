//! Registries in the database: whole-registry imports and loading back into the domain.

use crate::audit::{Change, record};
use crate::entity::{control_statement, import_log, registration};
use crate::history::append_list_event;
use crate::{Result, Store, StoreError, insert_batches};
use ismap_core::criteria::Catalog;
use ismap_core::ids::{CountryCode, RegistrationNumber};
use ismap_core::registration::{ControlStatement, Region, Registration, ScopeItem};
use ismap_core::registry::Registry;
use ismap_core::validity::AuditPeriod;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Serialize, Deserialize)]
struct ScopeJson {
    included: Vec<String>,
    excluded: Vec<String>,
}

/// A region as stored and as written in an application.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionJson {
    pub name: String,
    pub country: String,
    #[serde(default)]
    pub selectable: bool,
}

/// What an import did (or, on a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    pub added: Vec<String>,
    pub changed: Vec<String>,
    pub removed: Vec<String>,
    pub unchanged: usize,
}

/// One entry of the import log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportRecord {
    pub id: i32,
    pub imported_at: chrono::DateTime<chrono::Utc>,
    pub source: String,
    pub sha256: String,
    pub added: i32,
    pub changed: i32,
    pub removed: i32,
}

pub(crate) type Rows = (registration::Model, Vec<control_statement::Model>);

pub(crate) fn to_rows(r: &Registration, position: usize, catalog: &Catalog) -> Rows {
    let no = r.registration_no.to_string();
    let texts = |items: &[ScopeItem]| items.iter().map(|s| s.text.clone()).collect();
    let scope = ScopeJson {
        included: texts(&r.scope.included),
        excluded: texts(&r.scope.excluded),
    };
    let regions: Vec<RegionJson> = r
        .regions
        .iter()
        .map(|g| RegionJson {
            name: g.name.clone(),
            country: g.country.to_string(),
            selectable: g.selectable,
        })
        .collect();
    let underlying: Vec<String> = r.underlying.iter().map(ToString::to_string).collect();
    let model = registration::Model {
        registration_no: no.clone(),
        position: position as i32,
        program: r.program.as_str().to_owned(),
        service_name: r.service_name.clone(),
        provider: r.provider.clone(),
        service_model: r.service_model.map(|m| m.as_str().to_owned()),
        registered_on: r.registered_on,
        audit_start: r.audit_period.start(),
        audit_end: r.audit_period.end(),
        renewal_filed_on: r.renewal_filed_on,
        revoked_on: r.revoked_on,
        expires_on: r.published_expiry,
        criteria_version: r.criteria_version.clone(),
        scope: serde_json::to_string(&scope).unwrap_or_default(),
        regions: serde_json::to_string(&regions).unwrap_or_default(),
        underlying: serde_json::to_string(&underlying).unwrap_or_default(),
    };
    let statements = r
        .controls()
        .iter()
        .map(|c| control_statement::Model {
            registration_no: no.clone(),
            control_id: catalog.get(c.key).id.to_string(),
            status: c.status.as_str().to_owned(),
            reason: c.reason.clone(),
            inherited_from: c.inherited_from.as_ref().map(ToString::to_string),
        })
        .collect();
    (model, statements)
}

pub(crate) fn from_rows(
    m: registration::Model,
    statements: Vec<control_statement::Model>,
    catalog: &Catalog,
) -> Result<Registration> {
    let corrupt = |message: String| StoreError::Corrupt {
        table: "registration",
        key: m.registration_no.clone(),
        message,
    };
    let json = |e: serde_json::Error| corrupt(e.to_string());
    let registration_no =
        RegistrationNumber::parse(&m.registration_no).map_err(|e| corrupt(e.to_string()))?;
    let audit = AuditPeriod::new(m.audit_start, m.audit_end).map_err(|e| corrupt(e.to_string()))?;
    let mut r = Registration::new(
        registration_no,
        m.program.parse().map_err(corrupt)?,
        m.service_name.clone(),
        m.provider.clone(),
        m.registered_on,
        audit,
        m.criteria_version.clone(),
    );
    r.service_model = m
        .service_model
        .as_deref()
        .map(str::parse)
        .transpose()
        .map_err(corrupt)?;
    r.renewal_filed_on = m.renewal_filed_on;
    r.revoked_on = m.revoked_on;
    r.published_expiry = m.expires_on;
    let scope: ScopeJson = serde_json::from_str(&m.scope).map_err(json)?;
    r.scope.included = scope.included.iter().map(|s| ScopeItem::new(s)).collect();
    r.scope.excluded = scope.excluded.iter().map(|s| ScopeItem::new(s)).collect();
    let regions: Vec<RegionJson> = serde_json::from_str(&m.regions).map_err(json)?;
    for g in regions {
        let country = CountryCode::parse(&g.country).map_err(|e| corrupt(e.to_string()))?;
        r.regions.push(Region {
            name: g.name,
            country,
            selectable: g.selectable,
        });
    }
    let underlying: Vec<String> = serde_json::from_str(&m.underlying).map_err(json)?;
    for u in underlying {
        r.underlying
            .push(RegistrationNumber::parse(&u).map_err(|e| corrupt(e.to_string()))?);
    }
    let mut controls = Vec::with_capacity(statements.len());
    for s in statements {
        let key = catalog.key_of(&s.control_id).ok_or_else(|| {
            corrupt(format!(
                "control {} is not in criteria {}",
                s.control_id,
                catalog.version()
            ))
        })?;
        let inherited_from = s
            .inherited_from
            .as_deref()
            .map(RegistrationNumber::parse)
            .transpose()
            .map_err(|e| corrupt(e.to_string()))?;
        controls.push(ControlStatement {
            key,
            status: s.status.parse().map_err(corrupt)?,
            reason: s.reason,
            inherited_from,
        });
    }
    r.set_controls(controls)
        .map_err(|e| corrupt(e.to_string()))?;
    Ok(r)
}

pub(crate) async fn insert_rows<C: ConnectionTrait>(db: &C, rows: Vec<Rows>) -> Result<()> {
    let (models, statements): (Vec<_>, Vec<_>) = rows.into_iter().unzip();
    let models: Vec<registration::ActiveModel> = models.into_iter().map(Into::into).collect();
    insert_batches(db, models).await?;
    let statements: Vec<control_statement::ActiveModel> =
        statements.into_iter().flatten().map(Into::into).collect();
    insert_batches(db, statements).await
}

pub(crate) async fn delete_rows<C: ConnectionTrait>(db: &C, numbers: &[String]) -> Result<()> {
    for chunk in numbers.chunks(500) {
        control_statement::Entity::delete_many()
            .filter(control_statement::Column::RegistrationNo.is_in(chunk.iter().cloned()))
            .exec(db)
            .await?;
        registration::Entity::delete_many()
            .filter(registration::Column::RegistrationNo.is_in(chunk.iter().cloned()))
            .exec(db)
            .await?;
    }
    Ok(())
}

impl Store {
    pub(crate) async fn stored_rows(&self) -> Result<Vec<Rows>> {
        let models = registration::Entity::find()
            .order_by_asc(registration::Column::Position)
            .all(&self.db)
            .await?;
        let mut statements: HashMap<String, Vec<control_statement::Model>> = HashMap::new();
        for s in control_statement::Entity::find().all(&self.db).await? {
            statements
                .entry(s.registration_no.clone())
                .or_default()
                .push(s);
        }
        Ok(models
            .into_iter()
            .map(|m| {
                let mut s = statements.remove(&m.registration_no).unwrap_or_default();
                s.sort_by(|a, b| a.control_id.cmp(&b.control_id));
                (m, s)
            })
            .collect())
    }

    /// Makes the stored registry equal to `registry`, in one transaction (nothing on a dry
    /// run), and logs the import with the source's name and SHA-256. The list history dates
    /// the changes today (Japan); see [`Store::import_registry_as`].
    pub async fn import_registry(
        &self,
        registry: &Registry,
        catalog: &Catalog,
        source: &str,
        sha256: &str,
        dry_run: bool,
    ) -> Result<ImportSummary> {
        let today = ismap_core::validity::japan_date(chrono::Utc::now());
        self.import_registry_as(
            "import",
            registry,
            catalog,
            (source, sha256),
            dry_run,
            today,
        )
        .await
    }

    /// An import by `actor` whose changes the list history shows from `effective_on`.
    pub async fn import_registry_as(
        &self,
        actor: &str,
        registry: &Registry,
        catalog: &Catalog,
        (source, sha256): (&str, &str),
        dry_run: bool,
        effective_on: chrono::NaiveDate,
    ) -> Result<ImportSummary> {
        let mut stored: HashMap<String, Rows> = self
            .stored_rows()
            .await?
            .into_iter()
            .map(|rows| (rows.0.registration_no.clone(), rows))
            .collect();
        let mut summary = ImportSummary::default();
        let mut inserts = Vec::new();
        let mut moved = Vec::new();
        for (position, r) in registry.registrations().iter().enumerate() {
            let (model, mut statements) = to_rows(r, position, catalog);
            statements.sort_by(|a, b| a.control_id.cmp(&b.control_id));
            let no = model.registration_no.clone();
            match stored.remove(&no) {
                None => {
                    summary.added.push(no);
                    inserts.push((model, statements));
                }
                Some((old, old_statements)) => {
                    let same_content = registration::Model {
                        position: model.position,
                        ..old.clone()
                    } == model
                        && old_statements == statements;
                    if !same_content {
                        summary.changed.push(no);
                        inserts.push((model, statements));
                    } else if old.position != model.position {
                        moved.push(model);
                    } else {
                        summary.unchanged += 1;
                    }
                }
            }
        }
        summary.removed = stored.into_keys().collect();
        summary.removed.sort();
        summary.unchanged += moved.len();
        if dry_run {
            return Ok(summary);
        }
        let txn = self.db.begin().await?;
        let replaced: Vec<String> = summary
            .removed
            .iter()
            .chain(&summary.changed)
            .cloned()
            .collect();
        for (model, statements) in &inserts {
            append_list_event(
                &txn,
                &model.registration_no,
                effective_on,
                Some(&(model.clone(), statements.clone())),
            )
            .await?;
        }
        for no in &summary.removed {
            append_list_event(&txn, no, effective_on, None).await?;
        }
        delete_rows(&txn, &replaced).await?;
        insert_rows(&txn, inserts).await?;
        for model in moved {
            let mut active = registration::ActiveModel {
                registration_no: Set(model.registration_no),
                ..Default::default()
            };
            active.position = Set(model.position);
            active.update(&txn).await?;
        }
        import_log::ActiveModel {
            imported_at: Set(chrono::Utc::now()),
            source: Set(source.to_owned()),
            sha256: Set(sha256.to_owned()),
            added: Set(summary.added.len() as i32),
            changed: Set(summary.changed.len() as i32),
            removed: Set(summary.removed.len() as i32),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        record(
            &txn,
            Change {
                actor,
                action: "registry.import",
                subject: &format!("import:{source}"),
                before: None,
                after: serde_json::to_value(serde_json::json!({
                    "sha256": sha256,
                    "effective_on": effective_on,
                    "summary": &summary,
                }))
                .ok(),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(summary)
    }

    /// The latest imports, newest first: when, from where, what changed.
    pub async fn recent_imports(&self, limit: u64) -> Result<Vec<ImportRecord>> {
        let rows = import_log::Entity::find()
            .order_by_desc(import_log::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| ImportRecord {
                id: r.id,
                imported_at: r.imported_at,
                source: r.source,
                sha256: r.sha256,
                added: r.added,
                changed: r.changed,
                removed: r.removed,
            })
            .collect())
    }

    /// The stored versions of `numbers` (a number no longer on the list is absent).
    pub async fn load_registrations(
        &self,
        numbers: &[String],
        catalog: &Catalog,
    ) -> Result<HashMap<String, Registration>> {
        let mut loaded = HashMap::with_capacity(numbers.len());
        for chunk in numbers.chunks(500) {
            let models = registration::Entity::find()
                .filter(registration::Column::RegistrationNo.is_in(chunk.iter().cloned()))
                .all(&self.db)
                .await?;
            let mut statements: HashMap<String, Vec<control_statement::Model>> = HashMap::new();
            for s in control_statement::Entity::find()
                .filter(control_statement::Column::RegistrationNo.is_in(chunk.iter().cloned()))
                .all(&self.db)
                .await?
            {
                statements
                    .entry(s.registration_no.clone())
                    .or_default()
                    .push(s);
            }
            for m in models {
                let s = statements.remove(&m.registration_no).unwrap_or_default();
                loaded.insert(m.registration_no.clone(), from_rows(m, s, catalog)?);
            }
        }
        Ok(loaded)
    }

    /// The registration numbers on the list, in its order.
    pub async fn list_order(&self) -> Result<Vec<String>> {
        Ok(registration::Entity::find()
            .select_only()
            .column(registration::Column::RegistrationNo)
            .order_by_asc(registration::Column::Position)
            .into_tuple::<String>()
            .all(&self.db)
            .await?)
    }

    /// The stored registry, in the order of the last import.
    pub async fn load_registry(&self, catalog: &Catalog) -> Result<Registry> {
        let mut registrations = Vec::new();
        for (model, statements) in self.stored_rows().await? {
            registrations.push(from_rows(model, statements, catalog)?);
        }
        Registry::new(registrations).map_err(|e| StoreError::Corrupt {
            table: "registration",
            key: e.no.to_string(),
            message: "duplicate registration number".into(),
        })
    }
}
