//! Applications: what a provider declares (scope, regions, underlying services, control
//! statements) and where it stands in the lifecycle. Transitions are the core's state
//! machine; this module checks who may act, stores the result with its audit event, and
//! publishes registered entries to the list (with a list-history event) in one transaction.

use crate::audit::{Change, record};
use crate::entity::{application, registration};
use crate::history::{append_list_event, latest_effective};
use crate::registry::{RegionJson, delete_rows, insert_rows, to_rows};
use crate::{Result, Store, StoreError};
use chrono::{NaiveDate, Utc};
use ismap_core::access::{Actor, Permission};
use ismap_core::criteria::Catalog;
use ismap_core::ids::RegistrationNumber;
use ismap_core::lang::Lang;
use ismap_core::lifecycle::{Action, Completeness, Lifecycle, PHASES, Phase, Refusal};
use ismap_core::registration::Registration;
use ismap_core::validity::{AuditPeriod, ExpiryRule};
use ismap_formats::declaration::{
    ControlDoc, Declaration, DeclarationDoc, FieldError, Layout, RegionDoc, ScopeDoc,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// One control statement as the provider writes it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct StatementContent {
    /// A criteria ID, e.g. `5.1.1`
    pub control_id: String,
    /// `implemented`, `partial` or `not_applicable`
    pub status: String,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub inherited_from: Option<String>,
}

/// What the provider declares: the statement (言明書) of the application.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplicationContent {
    /// `ismap` (the default) or `ismap-liu`
    #[serde(default = "default_program")]
    pub program: String,
    #[serde(default)]
    pub service_name: String,
    #[serde(default)]
    pub service_model: Option<String>,
    /// The audit body that will audit the service (its auditors see the application).
    #[serde(default)]
    pub audit_body: Option<String>,
    #[serde(default)]
    pub scope_included: Vec<String>,
    #[serde(default)]
    pub scope_excluded: Vec<String>,
    #[serde(default)]
    pub regions: Vec<RegionJson>,
    #[serde(default)]
    pub underlying: Vec<String>,
    #[serde(default)]
    pub statements: Vec<StatementContent>,
}

fn default_program() -> String {
    "ismap".into()
}

/// An empty draft under ISMAP.
impl Default for ApplicationContent {
    fn default() -> Self {
        ApplicationContent {
            program: default_program(),
            service_name: String::new(),
            service_model: None,
            audit_body: None,
            scope_included: Vec::new(),
            scope_excluded: Vec::new(),
            regions: Vec::new(),
            underlying: Vec::new(),
            statements: Vec::new(),
        }
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Application {
    pub id: i32,
    pub provider: String,
    pub lifecycle: Lifecycle,
    pub content: ApplicationContent,
    pub updated_at: chrono::DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApplicationError {
    /// The actor's role may not do this (HTTP 403).
    #[error("{0}")]
    Forbidden(String),
    /// No such application, or not one the actor may see (HTTP 404).
    #[error("no application {0}")]
    NotFound(i32),
    /// A field of the content is invalid (HTTP 422).
    #[error("{field}: {message} (got {value:?})")]
    Invalid {
        field: String,
        value: String,
        message: String,
        message_ja: String,
    },
    /// The lifecycle refuses the transition (HTTP 409).
    #[error("{0}")]
    Refused(Refusal),
}

/// `message` and `message_ja` say what was expected, without the value.
fn invalid(field: String, value: &str, message: String, message_ja: String) -> ApplicationError {
    ApplicationError::Invalid {
        field,
        value: value.to_owned(),
        message,
        message_ja,
    }
}

impl From<FieldError> for ApplicationError {
    fn from(e: FieldError) -> Self {
        invalid(
            e.field,
            &e.value,
            e.rule.message(Lang::En),
            e.rule.message(Lang::Ja),
        )
    }
}

impl ApplicationContent {
    /// The declaration as written, borrowing from the content.
    fn doc(&self) -> DeclarationDoc<'_> {
        fn text(s: &str) -> Cow<'_, str> {
            Cow::Borrowed(s)
        }
        fn texts(v: &[String]) -> Vec<Cow<'_, str>> {
            v.iter().map(|s| text(s)).collect()
        }
        DeclarationDoc {
            program: text(&self.program),
            service_name: text(&self.service_name),
            service_model: self.service_model.as_deref().map(text),
            // An application states the criteria of the catalog's primary version (the one it
            // is registered under), not those of other revisions merged in for reading.
            criteria_version: None,
            scope: ScopeDoc {
                included: texts(&self.scope_included),
                excluded: texts(&self.scope_excluded),
            },
            regions: self
                .regions
                .iter()
                .map(|g| RegionDoc {
                    name: text(&g.name),
                    country: text(&g.country),
                    selectable: g.selectable,
                })
                .collect(),
            underlying: texts(&self.underlying),
            controls: self
                .statements
                .iter()
                .map(|s| {
                    let doc = ControlDoc {
                        status: text(&s.status),
                        reason: s.reason.as_deref().map(text),
                        inherited_from: s.inherited_from.as_deref().map(text),
                    };
                    (text(&s.control_id), doc)
                })
                .collect(),
        }
    }

    /// The content checked by the rules every declaration follows (values, not
    /// completeness); the first invalid field is named.
    pub fn declaration(
        &self,
        catalog: &Catalog,
    ) -> std::result::Result<Declaration, ApplicationError> {
        Ok(Declaration::read(self.doc(), Layout::Application, catalog)?)
    }

    /// Builds the list entry this content declares, with the number, provider and dates the
    /// program gave it.
    pub fn to_registration(
        &self,
        no: RegistrationNumber,
        lifecycle: &Lifecycle,
        provider: &str,
        catalog: &Catalog,
    ) -> std::result::Result<Registration, ApplicationError> {
        let (start, end) = lifecycle
            .audit_period
            .or(lifecycle.pending_audit.map(|a| (a.start, a.end)))
            .unwrap_or((NaiveDate::MIN, NaiveDate::MIN));
        let period = AuditPeriod::new(start, end).map_err(|e| {
            let (en, ja) = (e.message(Lang::En), e.message(Lang::Ja));
            invalid("audit_period".into(), &format!("{start}〜{end}"), en, ja)
        })?;
        let mut r = self.declaration(catalog)?.into_registration(
            no,
            provider.to_owned(),
            lifecycle.registered_on.unwrap_or(NaiveDate::MIN),
            period,
        );
        r.renewal_filed_on = lifecycle.renewal_filed_on;
        r.revoked_on = lifecycle.revoked_on;
        // The lifecycle keeps its dates in order; this is a last guard before publishing.
        if let Some(conflict) = r.conflict() {
            let field = conflict.field(|key| catalog.get(key).id.to_string());
            let (en, ja) = (conflict.message(Lang::En), conflict.message(Lang::Ja));
            return Err(invalid(field, &conflict.value(), en, ja));
        }
        Ok(r)
    }

    /// What a draft still lacks before it can be submitted: fields, and the statement's
    /// mandatory items and reasons.
    pub fn completeness(&self, catalog: &Catalog) -> Completeness {
        let mut missing = Vec::new();
        if self.service_name.trim().is_empty() {
            missing.push("service_name");
        }
        if self
            .audit_body
            .as_deref()
            .is_none_or(|b| b.trim().is_empty())
        {
            missing.push("audit_body");
        }
        if self.scope_included.iter().all(|s| s.trim().is_empty()) {
            missing.push("scope_included");
        }
        if self.regions.is_empty() {
            missing.push("regions");
        }
        if self.statements.is_empty() {
            missing.push("statements");
        }
        let statements = self
            .declaration(catalog)
            .map(|d| d.controls)
            .unwrap_or_default();
        Completeness {
            missing,
            ..Completeness::default()
        }
        .statement(catalog, &statements)
    }
}

fn corrupt(m: &application::Model, message: String) -> StoreError {
    StoreError::Corrupt {
        table: "application",
        key: m.id.to_string(),
        message,
    }
}

fn to_application(m: application::Model) -> Result<Application> {
    let lifecycle = serde_json::from_str(&m.lifecycle).map_err(|e| corrupt(&m, e.to_string()))?;
    let mut content: ApplicationContent =
        serde_json::from_str(&m.content).map_err(|e| corrupt(&m, e.to_string()))?;
    // Saved before blank scope lines were refused (they were dropped when the entry was
    // built): dropped here too, so that such an application can still be approved.
    for items in [&mut content.scope_included, &mut content.scope_excluded] {
        items.retain(|s| !s.trim().is_empty());
    }
    Ok(Application {
        id: m.id,
        provider: m.provider,
        lifecycle,
        content,
        updated_at: m.updated_at,
    })
}

fn require(actor: &Actor, permission: Permission) -> std::result::Result<(), ApplicationError> {
    if actor.can(permission) {
        Ok(())
    } else {
        Err(ApplicationError::Forbidden(format!(
            "role {} may not do this ({permission:?})",
            actor.role
        )))
    }
}

/// The stored names of the phases `keep` selects, for a query on the `phase` column.
fn phase_names(keep: impl Fn(Phase) -> bool) -> Vec<&'static str> {
    PHASES
        .into_iter()
        .filter(|p| keep(*p))
        .map(Phase::as_str)
        .collect()
}

/// Replaces an application's content (and the audit body it names) in `db`.
async fn replace_content<C: ConnectionTrait>(
    db: &C,
    id: i32,
    content: &ApplicationContent,
) -> Result<()> {
    application::ActiveModel {
        id: Set(id),
        audit_body: Set(content.audit_body.clone()),
        content: Set(json(content)),
        updated_at: Set(Utc::now()),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}

/// Phases in which a registration is on the list and in force (changes may be applied).
fn in_force(phase: Phase) -> bool {
    matches!(
        phase,
        Phase::Registered | Phase::RenewalFiled | Phase::RenewalAudited
    )
}

impl Store {
    /// The registered application `no` stands for, and its list entry with `content` in place
    /// of what it declared: refused unless the registration is in force today.
    async fn amended<C: ConnectionTrait>(
        &self,
        db: &C,
        no: &RegistrationNumber,
        content: &ApplicationContent,
        catalog: &Catalog,
        rule: ExpiryRule,
    ) -> Result<(Application, Registration)> {
        let published = phase_names(Phase::is_published);
        let registered = application::Entity::find()
            .filter(application::Column::RegistrationNo.eq(no.as_str()))
            .filter(application::Column::Phase.is_in(published))
            .one(db)
            .await?
            .map(to_application)
            .transpose()?
            .ok_or_else(|| {
                invalid(
                    "amends".into(),
                    no.as_str(),
                    "a registration made here".into(),
                    format!("変更対象の登録番号 {no} の登録がこのシステムにありません。"),
                )
            })?;
        let lifecycle = &registered.lifecycle;
        if !in_force(lifecycle.phase) {
            return Err(ApplicationError::Refused(Refusal::NotInForce {
                registration_no: no.clone(),
                phase: lifecycle.phase,
            })
            .into());
        }
        let today = ismap_core::validity::japan_date(Utc::now());
        if let Some(expired_on) = lifecycle.expires_on(rule)
            && today > expired_on
            && lifecycle.phase == Phase::Registered
        {
            return Err(ApplicationError::Refused(Refusal::NoLongerValid {
                on: today,
                expired_on,
            })
            .into());
        }
        let entry =
            content.to_registration(no.clone(), lifecycle, &registered.provider, catalog)?;
        Ok((registered, entry))
    }

    /// A provider opens a draft application for its own organisation.
    pub async fn create_application(
        &self,
        actor: &Actor,
        content: ApplicationContent,
        catalog: &Catalog,
    ) -> Result<Application> {
        require(actor, Permission::Apply)?;
        content.declaration(catalog)?;
        let provider = actor.organisation.clone().unwrap_or_default();
        self.insert_draft(actor, &provider, Lifecycle::default(), content)
            .await
    }

    /// A provider opens a change application to one of its registered services: a draft
    /// holding the registration's current content, which goes through audit and review and
    /// reaches the list only when an operator approves it.
    pub async fn create_change(&self, actor: &Actor, id: i32) -> Result<Application> {
        require(actor, Permission::Apply)?;
        let registered = self.application(actor, id).await?;
        let lifecycle = &registered.lifecycle;
        let Some(no) = lifecycle.registration_no.clone() else {
            return Err(invalid(
                "id".into(),
                &id.to_string(),
                "the id of a registered application".into(),
                "この申請はまだ登録されていないため、変更申請を作成できません。".into(),
            )
            .into());
        };
        if !in_force(lifecycle.phase) {
            return Err(ApplicationError::Refused(Refusal::NotInForce {
                registration_no: no,
                phase: lifecycle.phase,
            })
            .into());
        }
        if let Some(open) = self.open_change(&no).await? {
            return Err(
                ApplicationError::Refused(Refusal::ChangeOpen { application: open }).into(),
            );
        }
        self.insert_draft(
            actor,
            &registered.provider,
            Lifecycle::change_of(no),
            registered.content,
        )
        .await
    }

    /// The change application to `no` still in progress, if any.
    async fn open_change(&self, no: &RegistrationNumber) -> Result<Option<i32>> {
        let closed = phase_names(|p| p.is_published() || p == Phase::ChangeApproved);
        Ok(application::Entity::find()
            .filter(application::Column::RegistrationNo.eq(no.as_str()))
            .filter(application::Column::Phase.is_not_in(closed))
            .one(&self.db)
            .await?
            .map(|m| m.id))
    }

    async fn insert_draft(
        &self,
        actor: &Actor,
        provider: &str,
        lifecycle: Lifecycle,
        content: ApplicationContent,
    ) -> Result<Application> {
        let txn = self.db.begin().await?;
        let drafts = application::Entity::find()
            .filter(application::Column::Provider.eq(provider))
            .filter(application::Column::Phase.eq(Phase::Draft.as_str()))
            .count(&txn)
            .await?;
        crate::Limit::Drafts.check(drafts)?;
        let row = application::ActiveModel {
            provider: Set(provider.to_owned()),
            audit_body: Set(content.audit_body.clone()),
            phase: Set(lifecycle.phase.as_str().to_owned()),
            registration_no: Set(lifecycle.amends.as_ref().map(ToString::to_string)),
            lifecycle: Set(json(&lifecycle)),
            content: Set(json(&content)),
            updated_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let app = to_application(row)?;
        let mut after = serde_json::to_value(&app.content).unwrap_or_default();
        if let (Some(no), Some(object)) = (&lifecycle.amends, after.as_object_mut()) {
            object.insert("amends".into(), no.to_string().into());
        }
        record(
            &txn,
            Change::new(
                &actor.name,
                "application.create",
                &format!("application:{}", app.id),
            )
            .after(Some(after)),
        )
        .await?;
        txn.commit().await?;
        Ok(app)
    }

    /// The applications `actor` may see, newest first.
    pub async fn applications(&self, actor: &Actor) -> Result<Vec<Application>> {
        require(actor, Permission::ReadApplications)?;
        // All rows, then the visibility rule: a limit before the filter could hide an
        // organisation's own applications behind others'.
        let rows = application::Entity::find()
            .order_by_desc(application::Column::Id)
            .all(&self.db)
            .await?;
        rows.into_iter()
            .filter(|m| actor.sees_application(&m.provider, m.audit_body.as_deref()))
            .map(to_application)
            .collect()
    }

    /// One application, if `actor` may see it (otherwise it does not exist for them).
    pub async fn application(&self, actor: &Actor, id: i32) -> Result<Application> {
        require(actor, Permission::ReadApplications)?;
        match application::Entity::find_by_id(id).one(&self.db).await? {
            Some(m) if actor.sees_application(&m.provider, m.audit_body.as_deref()) => {
                to_application(m)
            }
            _ => Err(ApplicationError::NotFound(id).into()),
        }
    }

    /// Replaces the content of a draft. What is on the list changes only through a change
    /// application ([`Store::create_change`]), which keeps the program and the service name.
    pub async fn edit_application(
        &self,
        actor: &Actor,
        id: i32,
        content: ApplicationContent,
        catalog: &Catalog,
    ) -> Result<Application> {
        require(actor, Permission::Apply)?;
        content.declaration(catalog)?;
        let current = self.application(actor, id).await?;
        if current.lifecycle.phase != Phase::Draft {
            return Err(ApplicationError::Refused(Refusal::NotADraft {
                phase: current.lifecycle.phase,
            })
            .into());
        }
        if current.lifecycle.amends.is_some() {
            for (field, before, after) in [
                ("program", &current.content.program, &content.program),
                (
                    "service_name",
                    &current.content.service_name,
                    &content.service_name,
                ),
            ] {
                if before != after {
                    return Err(ApplicationError::Refused(Refusal::Unchangeable { field }).into());
                }
            }
        }
        let txn = self.db.begin().await?;
        replace_content(&txn, id, &content).await?;
        record(
            &txn,
            Change::new(
                &actor.name,
                "application.edit",
                &format!("application:{id}"),
            )
            .before(serde_json::to_value(&current.content).ok())
            .after(serde_json::to_value(&content).ok()),
        )
        .await?;
        txn.commit().await?;
        self.application(actor, id).await
    }

    /// Applies a lifecycle action for `actor`, who must hold the action's role.
    pub async fn act(
        &self,
        actor: &Actor,
        id: i32,
        action: Action,
        catalog: &Catalog,
        rule: ExpiryRule,
    ) -> Result<Application> {
        let current = self.application(actor, id).await?;
        self.transition(actor, current, action, None, catalog, rule)
            .await
    }

    async fn transition(
        &self,
        actor: &Actor,
        current: Application,
        action: Action,
        new_content: Option<ApplicationContent>,
        catalog: &Catalog,
        rule: ExpiryRule,
    ) -> Result<Application> {
        let kind = action.kind();
        if kind.role() != actor.role {
            return Err(ApplicationError::Forbidden(format!(
                "only the {} role may {}",
                kind.role(),
                kind.as_str()
            ))
            .into());
        }
        let content = new_content.unwrap_or_else(|| current.content.clone());
        let next = current
            .lifecycle
            .apply(&action, &content.completeness(catalog), rule)
            .map_err(ApplicationError::Refused)?;
        let txn = self.db.begin().await?;
        // An approved change is published onto the registration it amends.
        let amended = match (&action, &next.amends) {
            (Action::ApproveChange, Some(no)) => {
                Some(self.amended(&txn, no, &content, catalog, rule).await?)
            }
            _ => None,
        };
        if let Action::Register {
            registration_no, ..
        } = &action
        {
            let taken = registration::Entity::find_by_id(registration_no.to_string())
                .one(&txn)
                .await?;
            if taken.is_some() {
                return Err(invalid(
                    "registration_no".into(),
                    registration_no.as_str(),
                    "a registration number not yet on the list".into(),
                    "この登録番号はすでにISMAPクラウドサービスリストにあります。別の登録番号を指定してください。".into(),
                )
                .into());
            }
        }
        application::ActiveModel {
            id: Set(current.id),
            phase: Set(next.phase.as_str().to_owned()),
            registration_no: Set(next
                .registration_no
                .as_ref()
                .or(next.amends.as_ref())
                .map(ToString::to_string)),
            lifecycle: Set(json(&next)),
            content: Set(json(&content)),
            updated_at: Set(Utc::now()),
            ..Default::default()
        }
        .update(&txn)
        .await?;
        if let Some(no) = next
            .registration_no
            .clone()
            .filter(|_| next.phase.is_published())
        {
            let entry = content.to_registration(no, &next, &current.provider, catalog)?;
            publish(&txn, &entry, catalog).await?;
        }
        if let Some((registered, entry)) = amended {
            publish(&txn, &entry, catalog).await?;
            replace_content(&txn, registered.id, &content).await?;
            record(
                &txn,
                Change::new(
                    &actor.name,
                    "application.change_applied",
                    &format!("application:{}", registered.id),
                )
                .before(serde_json::to_value(&registered.content).ok())
                .after(Some(serde_json::json!({
                    "change_application": current.id,
                    "content": content,
                }))),
            )
            .await?;
        }
        let after = serde_json::json!({ "lifecycle": next, "action": action });
        record(
            &txn,
            Change::new(
                &actor.name,
                &format!("application.{}", kind.as_str()),
                &format!("application:{}", current.id),
            )
            .before(serde_json::to_value(&current.lifecycle).ok())
            .after(Some(after)),
        )
        .await?;
        txn.commit().await?;
        Ok(Application {
            lifecycle: next,
            content,
            updated_at: Utc::now(),
            ..current
        })
    }
}

/// Writes `entry` to the list (replacing its previous version) and to the list history,
/// effective from today in Japan: the server sets the date, and never one before the entry's
/// latest published version (the history only grows forward).
async fn publish<C: ConnectionTrait>(
    db: &C,
    entry: &Registration,
    catalog: &Catalog,
) -> Result<()> {
    let no = entry.registration_no.to_string();
    let today = ismap_core::validity::japan_date(Utc::now());
    let effective_on = latest_effective(db, &no)
        .await?
        .map_or(today, |latest| latest.max(today));
    let existing = registration::Entity::find_by_id(no.clone()).one(db).await?;
    let position = match existing {
        Some(m) => m.position,
        None => {
            let last = registration::Entity::find()
                .order_by_desc(registration::Column::Position)
                .one(db)
                .await?;
            last.map_or(0, |m| m.position + 1)
        }
    };
    let rows = to_rows(entry, position as usize, catalog);
    append_list_event(db, &no, effective_on, Some(&rows)).await?;
    delete_rows(db, std::slice::from_ref(&no)).await?;
    insert_rows(db, vec![rows]).await
}

fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}
