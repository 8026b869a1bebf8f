//! Watches, alerts and their deliveries. An alert run compares each watched entry with the
//! version the watch last saw, raises the core's alerts once each (a unique key per watch),
//! and queues a delivery per webhook and e-mail address of the watching account. Deliveries
//! are claimed with a lease, so several servers never send the same one twice at once.

use crate::accounts::sha256_hex;
use crate::audit::{Change, record};
use crate::entity::{account, alert, delivery, watch, webhook};
use crate::registry::{Rows, from_rows, to_rows};
use crate::{Result, Store, StoreError};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use ismap_core::access::{Actor, Role};
use ismap_core::alerts::{AlertKind, AlertSettings, Watch, evaluate, provider_reminder};
use ismap_core::criteria::Catalog;
use ismap_core::ids::RegistrationNumber;
use ismap_core::lang::Lang;
use ismap_core::registry::Registry;
use ismap_core::validity::ExpiryRule;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionTrait,
};
use serde::Serialize;

/// Give up on a delivery after this many attempts (about a day of backoff).
pub const MAX_ATTEMPTS: i32 = 10;
/// How long a claimed delivery is reserved for the server that claimed it.
const LEASE_SECONDS: i64 = 120;

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WatchRecord {
    pub id: i32,
    pub registration_no: String,
    pub contract_start: NaiveDate,
    pub contract_end: NaiveDate,
    pub label: String,
    /// Criteria IDs the agency relies on: an alert is raised when one turns 一部実施/非該当.
    pub controls: Vec<String>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlertRecord {
    pub id: i32,
    pub watch_id: i32,
    pub registration_no: String,
    pub kind: String,
    pub message_ja: String,
    pub message_en: String,
    pub raised_on: NaiveDate,
    pub read: bool,
    /// The procurement case a case alert belongs to.
    pub case_id: Option<i32>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WebhookRecord {
    pub id: i32,
    pub url: String,
}

/// A delivery to make now: where, and the alert it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub id: i32,
    pub channel: String,
    pub target: String,
    pub attempts: i32,
    /// The webhook's HMAC key (webhooks only).
    pub secret: Option<String>,
    pub alert: AlertRecord,
}

fn watched_controls(w: &watch::Model) -> Vec<String> {
    w.controls
        .as_deref()
        .and_then(|c| serde_json::from_str(c).ok())
        .unwrap_or_default()
}

fn to_watch(w: watch::Model) -> WatchRecord {
    WatchRecord {
        id: w.id,
        controls: watched_controls(&w),
        registration_no: w.registration_no,
        contract_start: w.contract_start,
        contract_end: w.contract_end,
        label: w.label,
    }
}

/// The most controls one watch may name (the real criteria hold about 1,200).
pub const MAX_WATCHED_CONTROLS: usize = 2000;

/// The `watch_id` of a provider's reminders about its own registrations (watch ids start at 1).
pub const OWN_REGISTRATION: i32 = 0;
/// The `watch_id` of a procurement case's alerts (the case is in `case_id`).
pub const CASE_ALERTS: i32 = -1;

fn to_alert(a: alert::Model) -> AlertRecord {
    AlertRecord {
        id: a.id,
        watch_id: a.watch_id,
        registration_no: a.registration_no,
        kind: a.kind,
        message_ja: a.message_ja,
        message_en: a.message_en,
        raised_on: a.raised_on,
        read: a.read_at.is_some(),
        case_id: a.case_id,
    }
}

async fn account_id(store: &Store, actor: &Actor) -> Result<i32> {
    account::Entity::find()
        .filter(account::Column::Username.eq(actor.name.as_str()))
        .one(&store.db)
        .await?
        .map(|a| a.id)
        .ok_or_else(|| StoreError::Internal(format!("no account {}", actor.name)))
}

/// How the audit trail names a webhook URL: its host and a hash, never the URL itself (paths
/// and queries often carry the receiver's secret).
fn fingerprint(url: &str) -> serde_json::Value {
    let host = url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned));
    serde_json::json!({ "host": host, "url_sha256": crate::accounts::sha256_hex(url) })
}

impl Store {
    pub async fn add_watch(
        &self,
        actor: &Actor,
        registration_no: &RegistrationNumber,
        contract: (NaiveDate, NaiveDate),
        label: &str,
        controls: &[String],
    ) -> Result<WatchRecord> {
        let account_id = account_id(self, actor).await?;
        let txn = self.db.begin().await?;
        let held = watch::Entity::find()
            .filter(watch::Column::AccountId.eq(account_id))
            .count(&txn)
            .await?;
        crate::Limit::Watches.check(held)?;
        let row = watch::ActiveModel {
            account_id: Set(account_id),
            registration_no: Set(registration_no.to_string()),
            contract_start: Set(contract.0),
            contract_end: Set(contract.1),
            label: Set(label.trim().to_owned()),
            seen: Set(None),
            created_at: Set(Utc::now()),
            controls: Set(
                (!controls.is_empty()).then(|| serde_json::to_string(controls).unwrap_or_default())
            ),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let record_ = to_watch(row);
        record(
            &txn,
            Change::new(&actor.name, "watch.add", &format!("watch:{}", record_.id))
                .after(serde_json::to_value(&record_).ok()),
        )
        .await?;
        txn.commit().await?;
        Ok(record_)
    }

    pub async fn watches(&self, actor: &Actor) -> Result<Vec<WatchRecord>> {
        let account_id = account_id(self, actor).await?;
        Ok(watch::Entity::find()
            .filter(watch::Column::AccountId.eq(account_id))
            .order_by_asc(watch::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_watch)
            .collect())
    }

    /// Removes one of the actor's watches; false when it has none with that id.
    pub async fn remove_watch(&self, actor: &Actor, id: i32) -> Result<bool> {
        let account_id = account_id(self, actor).await?;
        let txn = self.db.begin().await?;
        let gone = watch::Entity::delete_many()
            .filter(watch::Column::Id.eq(id))
            .filter(watch::Column::AccountId.eq(account_id))
            .exec(&txn)
            .await?
            .rows_affected
            == 1;
        if gone {
            record(
                &txn,
                Change::new(&actor.name, "watch.remove", &format!("watch:{id}")),
            )
            .await?;
        }
        txn.commit().await?;
        Ok(gone)
    }

    pub async fn add_webhook(
        &self,
        actor: &Actor,
        url: &str,
        secret: &str,
    ) -> Result<WebhookRecord> {
        let account_id = account_id(self, actor).await?;
        let txn = self.db.begin().await?;
        let held = webhook::Entity::find()
            .filter(webhook::Column::AccountId.eq(account_id))
            .count(&txn)
            .await?;
        crate::Limit::Webhooks.check(held)?;
        let row = webhook::ActiveModel {
            account_id: Set(account_id),
            url: Set(url.to_owned()),
            secret: Set(secret.to_owned()),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        record(
            &txn,
            Change::new(&actor.name, "webhook.add", &format!("webhook:{}", row.id))
                .after(Some(fingerprint(url))),
        )
        .await?;
        txn.commit().await?;
        Ok(WebhookRecord {
            id: row.id,
            url: row.url,
        })
    }

    /// Removes one of the actor's webhooks; alerts not yet delivered to it are cancelled.
    pub async fn remove_webhook(&self, actor: &Actor, id: i32) -> Result<bool> {
        let account_id = account_id(self, actor).await?;
        let txn = self.db.begin().await?;
        let Some(hook) = webhook::Entity::find_by_id(id)
            .filter(webhook::Column::AccountId.eq(account_id))
            .one(&txn)
            .await?
        else {
            return Ok(false);
        };
        delivery::Entity::update_many()
            .col_expr(delivery::Column::Attempts, Expr::value(MAX_ATTEMPTS))
            .col_expr(
                delivery::Column::LastError,
                Expr::value("the webhook was removed"),
            )
            .filter(delivery::Column::WebhookId.eq(id))
            .filter(delivery::Column::DeliveredAt.is_null())
            .exec(&txn)
            .await?;
        webhook::Entity::delete_by_id(id).exec(&txn).await?;
        record(
            &txn,
            Change::new(&actor.name, "webhook.remove", &format!("webhook:{id}"))
                .before(Some(fingerprint(&hook.url))),
        )
        .await?;
        txn.commit().await?;
        Ok(true)
    }

    pub async fn webhooks(&self, actor: &Actor) -> Result<Vec<WebhookRecord>> {
        let account_id = account_id(self, actor).await?;
        Ok(webhook::Entity::find()
            .filter(webhook::Column::AccountId.eq(account_id))
            .order_by_asc(webhook::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|w| WebhookRecord {
                id: w.id,
                url: w.url,
            })
            .collect())
    }

    /// The actor's alerts, newest first.
    pub async fn alerts(&self, actor: &Actor, limit: u64) -> Result<Vec<AlertRecord>> {
        let account_id = account_id(self, actor).await?;
        Ok(alert::Entity::find()
            .filter(alert::Column::AccountId.eq(account_id))
            .order_by_desc(alert::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_alert)
            .collect())
    }

    pub async fn mark_alert_read(&self, actor: &Actor, id: i32) -> Result<bool> {
        let account_id = account_id(self, actor).await?;
        Ok(alert::Entity::update_many()
            .col_expr(alert::Column::ReadAt, Expr::value(Some(Utc::now())))
            .filter(alert::Column::Id.eq(id))
            .filter(alert::Column::AccountId.eq(account_id))
            .exec(&self.db)
            .await?
            .rows_affected
            == 1)
    }

    /// Raises the alerts due on `today` for every watch against `registry` (the list now), and
    /// the filing reminders for providers' own registrations, and queues their deliveries.
    /// Returns how many alerts were raised.
    pub async fn run_alerts(
        &self,
        registry: &Registry,
        catalog: &Catalog,
        today: NaiveDate,
        rule: ExpiryRule,
        settings: &AlertSettings,
    ) -> Result<usize> {
        let watches = watch::Entity::find().all(&self.db).await?;
        let mut raised = 0;
        for w in watches {
            let Ok(no) = RegistrationNumber::parse(&w.registration_no) else {
                continue;
            };
            let current = registry.get(&no);
            let seen = match &w.seen {
                Some(doc) => {
                    let (m, s): Rows =
                        serde_json::from_str(doc).map_err(|e| StoreError::Corrupt {
                            table: "watch",
                            key: w.id.to_string(),
                            message: e.to_string(),
                        })?;
                    Some(from_rows(m, s, catalog)?)
                }
                None => None,
            };
            let spec = Watch {
                registration_no: no.clone(),
                contract_start: w.contract_start,
                contract_end: w.contract_end,
                controls: watched_controls(&w)
                    .iter()
                    .filter_map(|id| catalog.key_of(id))
                    .collect(),
            };
            let kinds = evaluate(
                &spec,
                seen.as_ref(),
                current,
                catalog,
                today,
                rule,
                settings,
            );
            let seen_now =
                current.map(|r| serde_json::to_string(&to_rows(r, 0, catalog)).unwrap_or_default());
            // Nothing due and nothing changed: no transaction, no write (most watches, most runs).
            if kinds.is_empty() && seen_now == w.seen {
                continue;
            }
            let txn = self.db.begin().await?;
            raised += raise(&txn, w.account_id, (w.id, None), &no, kinds, today).await?;
            let mut active: watch::ActiveModel = w.into();
            active.seen = Set(seen_now);
            active.update(&txn).await?;
            txn.commit().await?;
        }
        raised += self
            .remind_providers(registry, today, rule, settings)
            .await?;
        Ok(raised)
    }

    /// Reminds each provider account of the filing deadline of its organisation's own
    /// registrations (the list's `provider` is the organisation that applied).
    async fn remind_providers(
        &self,
        registry: &Registry,
        today: NaiveDate,
        rule: ExpiryRule,
        settings: &AlertSettings,
    ) -> Result<usize> {
        let providers = account::Entity::find()
            .filter(account::Column::Role.eq(Role::Provider.as_str()))
            .filter(account::Column::Organisation.is_not_null())
            .filter(account::Column::Disabled.eq(false))
            .all(&self.db)
            .await?;
        let mut raised = 0;
        for r in registry.registrations() {
            let Some(kind) = provider_reminder(r, today, rule, settings) else {
                continue;
            };
            let owners = providers
                .iter()
                .filter(|a| a.organisation.as_deref().map(str::trim) == Some(r.provider.trim()));
            for owner in owners {
                let txn = self.db.begin().await?;
                raised += raise(
                    &txn,
                    owner.id,
                    (OWN_REGISTRATION, None),
                    &r.registration_no,
                    vec![kind.clone()],
                    today,
                )
                .await?;
                txn.commit().await?;
            }
        }
        Ok(raised)
    }

    /// Claims up to `limit` deliveries due at `now` (reserving them for a lease).
    pub async fn claim_deliveries(&self, now: DateTime<Utc>, limit: u64) -> Result<Vec<Delivery>> {
        let due = delivery::Entity::find()
            .filter(delivery::Column::DeliveredAt.is_null())
            .filter(delivery::Column::Attempts.lt(MAX_ATTEMPTS))
            .filter(delivery::Column::NextAttemptAt.lte(now))
            .order_by_asc(delivery::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?;
        let mut claimed = Vec::new();
        for d in due {
            // Only the server whose conditional update succeeds sends it.
            let won = delivery::Entity::update_many()
                .col_expr(
                    delivery::Column::NextAttemptAt,
                    Expr::value(now + Duration::seconds(LEASE_SECONDS)),
                )
                .filter(delivery::Column::Id.eq(d.id))
                .filter(delivery::Column::NextAttemptAt.eq(d.next_attempt_at))
                .exec(&self.db)
                .await?
                .rows_affected
                == 1;
            if !won {
                continue;
            }
            let Some(a) = alert::Entity::find_by_id(d.alert_id).one(&self.db).await? else {
                continue;
            };
            let secret = match d.webhook_id {
                Some(hook) => match webhook::Entity::find_by_id(hook).one(&self.db).await? {
                    Some(h) => Some(h.secret),
                    // Removed since it was queued (removal cancels its deliveries).
                    None => continue,
                },
                None => None,
            };
            claimed.push(Delivery {
                id: d.id,
                channel: d.channel,
                target: d.target,
                attempts: d.attempts,
                secret,
                alert: to_alert(a),
            });
        }
        Ok(claimed)
    }

    /// Records the outcome of an attempt; a failure is retried at `retry_at`.
    pub async fn finish_delivery(
        &self,
        id: i32,
        outcome: std::result::Result<(), String>,
        retry_at: DateTime<Utc>,
    ) -> Result<()> {
        let Some(d) = delivery::Entity::find_by_id(id).one(&self.db).await? else {
            return Ok(());
        };
        let attempts = d.attempts + 1;
        let mut active: delivery::ActiveModel = d.into();
        active.attempts = Set(attempts);
        match outcome {
            Ok(()) => active.delivered_at = Set(Some(Utc::now())),
            Err(e) => {
                active.last_error = Set(Some(e));
                active.next_attempt_at = Set(retry_at);
            }
        }
        active.update(&self.db).await?;
        Ok(())
    }
}

/// Records the alerts of `kinds` not raised before for (`account_id`, `watch_id`), and queues
/// their deliveries to the account's e-mail address and webhooks. Returns how many were new.
pub(crate) async fn raise<C: ConnectionTrait>(
    txn: &C,
    account_id: i32,
    (watch_id, case_id): (i32, Option<i32>),
    no: &RegistrationNumber,
    kinds: Vec<AlertKind>,
    today: NaiveDate,
) -> Result<usize> {
    let mut raised = 0;
    let mut targets: Option<Vec<(&str, String, Option<i32>)>> = None;
    for kind in kinds {
        // Reminders share watch id 0 across accounts and registrations; the unique index is
        // (watch_id, key), so both are part of their key.
        let key_hash = match watch_id {
            OWN_REGISTRATION | CASE_ALERTS => {
                sha256_hex(&format!("{account_id}:{no}:{}", kind.key()))
            }
            _ => sha256_hex(&kind.key()),
        };
        let exists = alert::Entity::find()
            .filter(alert::Column::AccountId.eq(account_id))
            .filter(alert::Column::WatchId.eq(watch_id))
            .filter(alert::Column::KeyHash.eq(key_hash.as_str()))
            .one(txn)
            .await?
            .is_some();
        if exists {
            continue;
        }
        let row = alert::ActiveModel {
            watch_id: Set(watch_id),
            account_id: Set(account_id),
            registration_no: Set(no.to_string()),
            kind: Set(kind.as_str().to_owned()),
            key_hash: Set(key_hash),
            message_ja: Set(kind.message(no, Lang::Ja)),
            message_en: Set(kind.message(no, Lang::En)),
            raised_on: Set(today),
            created_at: Set(Utc::now()),
            read_at: Set(None),
            case_id: Set(case_id),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        raised += 1;
        // Looked up once, and only when there is something to deliver.
        if targets.is_none() {
            let emails = account::Entity::find_by_id(account_id)
                .one(txn)
                .await?
                .and_then(|a| a.email);
            let hooks = webhook::Entity::find()
                .filter(webhook::Column::AccountId.eq(account_id))
                .all(txn)
                .await?;
            targets = Some(
                hooks
                    .into_iter()
                    .map(|h| ("webhook", h.url, Some(h.id)))
                    .chain(emails.map(|e| ("email", e, None)))
                    .collect(),
            );
        }
        for (channel, target, webhook_id) in targets.iter().flatten() {
            delivery::ActiveModel {
                alert_id: Set(row.id),
                channel: Set((*channel).to_owned()),
                target: Set(target.clone()),
                webhook_id: Set(*webhook_id),
                attempts: Set(0),
                next_attempt_at: Set(Utc::now()),
                delivered_at: Set(None),
                last_error: Set(None),
                ..Default::default()
            }
            .insert(txn)
            .await?;
        }
    }
    Ok(raised)
}
