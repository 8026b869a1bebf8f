//! Alert delivery. An alert run raises the alerts due (the store and the core decide which),
//! then sends the queued deliveries: webhooks as JSON POSTs signed with HMAC-SHA256, e-mail
//! over SMTP. A failed attempt is retried with exponential backoff, up to the store's limit.
//! The same run serves `ismap alerts run` (cron) and the scheduler inside `ismap serve`.

pub mod egress;

use chrono::{DateTime, NaiveDate, Utc};
use egress::Egress;
use hmac::{Hmac, Mac};
use ismap_core::alerts::AlertSettings;
use ismap_core::criteria::Catalog;
use ismap_core::egress::Policy;
use ismap_core::redact::redact_url;
use ismap_core::registry::Registry;
use ismap_core::validity::ExpiryRule;
use ismap_formats::profile_toml::{CaseCheckOn, case_snapshot};
use ismap_store::{Delivery, Store, StoreError};
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sha2::Sha256;
use std::time::Duration;

/// Header carrying `t=<unix seconds>,sha256=<hex>`; the MAC covers `"<t>." + body`.
pub const SIGNATURE_HEADER: &str = "x-ismap-signature";
const WEBHOOK_TIMEOUT: Duration = Duration::from_secs(10);
/// The most one delivery may take, name resolution and SMTP included.
const DELIVERY_BUDGET: Duration = Duration::from_secs(20);
const CONCURRENT_DELIVERIES: usize = 8;

#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("SMTP settings: {0}")]
    Smtp(String),
    #[error("cannot start the webhook client: {0}")]
    Http(String),
}

/// Where e-mail goes out: an `smtp://`, `smtps://` URL (lettre's syntax, e.g.
/// `smtp://user:pass@mail.example.go.jp:587?tls=required`) and the sender address.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    pub fn new(url: &str, from: &str) -> Result<Mailer, NotifyError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| NotifyError::Smtp(format!("{:?}: {e}", redact_url(url))))?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        let from = from
            .parse()
            .map_err(|e| NotifyError::Smtp(format!("sender {from:?}: {e}")))?;
        Ok(Mailer { transport, from })
    }
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct RunReport {
    pub raised: usize,
    pub delivered: usize,
    pub failed: usize,
}

/// `t=<unix>,sha256=<hex>` for `body` sent at `timestamp`.
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!(
        "t={timestamp},sha256={}",
        hex::encode(mac.finalize().into_bytes())
    )
}

/// Delay before the next attempt after `attempts` failures: 1, 2, 4 … minutes, at most 6 hours.
pub fn backoff(attempts: i32) -> chrono::Duration {
    let minutes = 1i64 << attempts.clamp(0, 9);
    chrono::Duration::minutes(minutes.min(360))
}

fn payload(d: &Delivery) -> serde_json::Value {
    serde_json::json!({
        "alert_id": d.alert.id,
        "registration_no": d.alert.registration_no,
        "kind": d.alert.kind,
        "raised_on": d.alert.raised_on,
        "message_ja": d.alert.message_ja,
        "message_en": d.alert.message_en,
    })
}

async fn send_webhook(egress: &Egress, d: &Delivery) -> Result<(), String> {
    let body = serde_json::to_vec(&payload(d)).map_err(|e| e.to_string())?;
    let secret = d.secret.as_deref().unwrap_or_default();
    let response = egress
        .post(&d.target)
        .map_err(|e| e.to_string())?
        .header("content-type", "application/json")
        .header(
            SIGNATURE_HEADER,
            signature(secret, Utc::now().timestamp(), &body),
        )
        .body(body)
        .send()
        .await
        .map_err(egress::cause)?;
    if response.status().is_success() {
        Ok(())
    } else {
        Err(format!("HTTP {}", response.status()))
    }
}

async fn send_email(mailer: Option<&Mailer>, d: &Delivery) -> Result<(), String> {
    let Some(mailer) = mailer else {
        return Err("no SMTP server configured (--smtp-url)".into());
    };
    let to: Mailbox = d.target.parse().map_err(|e| format!("{}: {e}", d.target))?;
    let message = Message::builder()
        .from(mailer.from.clone())
        .to(to)
        // Not an official ISMAP notice: say whose it is.
        .subject(format!("[ismap 監視通知] {}", d.alert.message_ja))
        .header(ContentType::TEXT_PLAIN)
        .body(format!(
            "{}\n\n{}\n\n-- \nこのメールは ismap の監視機能による自動通知です。ISMAP運営からの公式通知ではありません。\nAn automatic notice from ismap's watch feature, not an official ISMAP notice.\n",
            d.alert.message_ja, d.alert.message_en
        ))
        .map_err(|e| e.to_string())?;
    mailer
        .transport
        .send(message)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// One delivery, within its time budget.
async fn send(
    egress: Egress,
    mailer: Option<Mailer>,
    d: Delivery,
) -> (Delivery, Result<(), String>) {
    let attempt = async {
        match d.channel.as_str() {
            "webhook" => send_webhook(&egress, &d).await,
            _ => send_email(mailer.as_ref(), &d).await,
        }
    };
    let outcome = tokio::time::timeout(DELIVERY_BUDGET, attempt)
        .await
        .unwrap_or_else(|_| Err(format!("no answer within {} s", DELIVERY_BUDGET.as_secs())));
    (d, outcome)
}

/// Sends every delivery due at `now`, several at a time so one slow receiver delays no one
/// else's alerts; failures are rescheduled with backoff. Webhooks go only where `egress`
/// allows.
pub async fn deliver_due(
    store: &Store,
    mailer: Option<&Mailer>,
    egress: &Policy,
    now: DateTime<Utc>,
) -> Result<RunReport, NotifyError> {
    let egress =
        Egress::new(egress, WEBHOOK_TIMEOUT).map_err(|e| NotifyError::Http(e.to_string()))?;
    let mut report = RunReport::default();
    loop {
        let batch = store.claim_deliveries(now, 50).await?;
        if batch.is_empty() {
            break;
        }
        let mut running = tokio::task::JoinSet::new();
        let mut finished = Vec::new();
        for d in batch {
            if running.len() >= CONCURRENT_DELIVERIES {
                finished.extend(running.join_next().await);
            }
            running.spawn(send(egress.clone(), mailer.cloned(), d));
        }
        finished.extend(running.join_all().await.into_iter().map(Ok));
        for joined in finished {
            let (d, outcome) = joined.map_err(|e| NotifyError::Http(e.to_string()))?;
            match &outcome {
                Ok(()) => report.delivered += 1,
                // The target is not logged: webhook URLs often carry secrets.
                Err(e) => {
                    report.failed += 1;
                    tracing::warn!("delivery {} ({}) failed: {e}", d.id, d.channel);
                }
            }
            store
                .finish_delivery(d.id, outcome, now + backoff(d.attempts))
                .await?;
        }
    }
    Ok(report)
}

/// How alert runs decide and deliver.
#[derive(Clone, Default)]
pub struct Settings {
    pub rule: ExpiryRule,
    pub alerts: AlertSettings,
    pub mailer: Option<Mailer>,
    /// Where webhooks may go.
    pub egress: Policy,
}

/// The list an alert run compares with, and how a case's record names it.
#[derive(Clone, Copy)]
pub struct List<'a> {
    pub registry: &'a Registry,
    pub catalog: &'a Catalog,
    pub sha256: &'a str,
    pub revision: Option<i64>,
}

/// One alert run on `today` against `list`: the watches' alerts, the providers' reminders,
/// the decided cases re-checked (判断の前提が変わりました) and their overdue evidence; then
/// the deliveries due at `now`.
pub async fn run(
    store: &Store,
    list: List<'_>,
    (today, now): (NaiveDate, DateTime<Utc>),
    settings: &Settings,
) -> Result<RunReport, NotifyError> {
    let mut raised = store
        .run_alerts(
            list.registry,
            list.catalog,
            today,
            settings.rule,
            &settings.alerts,
        )
        .await?;
    // A failure in the cases' watch is logged, not allowed to stop the deliveries.
    match watch_cases(store, list, today, settings.rule).await {
        Ok(n) => raised += n,
        Err(e) => tracing::warn!("case watch failed: {e}"),
    }
    match store.evidence_alerts(today).await {
        Ok(n) => raised += n,
        Err(e) => tracing::warn!("evidence alerts failed: {e}"),
    }
    let sent = deliver_due(store, settings.mailer.as_ref(), &settings.egress, now).await?;
    Ok(RunReport { raised, ..sent })
}

/// Re-checks every decided case on the list as it is today. A case whose profile no longer
/// reads (criteria changed under it) is skipped with a warning, not the whole run.
async fn watch_cases(
    store: &Store,
    list: List<'_>,
    today: NaiveDate,
    rule: ExpiryRule,
) -> Result<usize, NotifyError> {
    let on = CaseCheckOn {
        registry_sha256: list.sha256,
        registry_revision: list.revision,
        evaluated_on: today,
        rule,
    };
    let mut raised = 0;
    for case in store.decided_cases().await? {
        let file = format!("case {} profile", case.id);
        let checked = case_snapshot(
            (&file, &case.profile, case.profile_version),
            list.catalog,
            list.registry,
            on,
        );
        let watched = match checked {
            Ok(snapshot) => store.watch_case(case.id, snapshot, today).await,
            Err(e) => {
                tracing::warn!("case {} not re-checked: {e}", case.id);
                continue;
            }
        };
        match watched {
            Ok(n) => raised += n,
            Err(e) => tracing::warn!("case {} not re-checked: {e}", case.id),
        }
    }
    Ok(raised)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_hmac_sha256_of_timestamp_and_body() {
        // Computed independently with Python:
        // hmac.new(b"key", b"1700000000.{}", hashlib.sha256).hexdigest()
        assert_eq!(
            signature("key", 1_700_000_000, b"{}"),
            "t=1700000000,sha256=9d713ed406bb7076d4123f0dc2c39d2df5c654ed4b0cd56b52c8b4c940bd63ae"
        );
    }

    #[test]
    fn backoff_doubles_and_caps() {
        let table = [
            (0, 1),
            (1, 2),
            (2, 4),
            (5, 32),
            (8, 256),
            (9, 360),
            (50, 360),
        ];
        for (attempts, minutes) in table {
            assert_eq!(
                backoff(attempts),
                chrono::Duration::minutes(minutes),
                "{attempts}"
            );
        }
    }
}
