//! `ismap alerts run`: one alert run for cron (the server runs the same on a schedule).

use super::source::RegistrySource;
use crate::context::{Context, date_arg};
use crate::output;
use anyhow::Result;
use chrono::NaiveDate;
use clap::Args;
use ismap_core::alerts::AlertSettings;
use ismap_core::egress::Policy;
use ismap_notify::{Mailer, Settings};

/// When alerts are raised and where e-mail goes; shared by `alerts run` and `serve`.
#[derive(Debug, Args)]
pub struct AlertArgs {
    /// Days before expiry at which to warn (the tightest reached is raised once)
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "90,30,7",
        value_name = "DAYS"
    )]
    alert_days: Vec<u32>,
    /// Warn when no renewal is filed this many days before expiry
    #[arg(long, default_value_t = 60, value_name = "DAYS")]
    renewal_days: u32,
    /// Warn when a renewal has been pending (undecided) for more than this many days
    #[arg(long, default_value_t = 180, value_name = "DAYS")]
    pending_days: u32,
    /// Days before its filing deadline (the expiry) at which a provider is reminded of its
    /// own registration while no renewal is filed
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "180,90,30",
        value_name = "DAYS"
    )]
    provider_days: Vec<u32>,
    /// SMTP server for alert e-mail, e.g. smtp://user:pass@mail.example.go.jp:587?tls=required
    #[arg(long, env = "ISMAP_SMTP_URL", hide_env_values = true)]
    smtp_url: Option<String>,
    /// Sender address of alert e-mail
    #[arg(long, env = "ISMAP_MAIL_FROM", default_value = "ismap@localhost")]
    mail_from: String,
    /// A host webhooks may reach although it resolves to an internal address (closed
    /// networks); repeat for several. Every other internal address is refused.
    #[arg(long = "webhook-allow-host", value_name = "HOST")]
    webhook_allow_hosts: Vec<String>,
}

impl AlertArgs {
    pub fn settings(&self, ctx: &Context) -> Result<Settings> {
        let mailer = match &self.smtp_url {
            Some(url) => Some(
                Mailer::new(url, &self.mail_from).map_err(|e| crate::BadInput(e.to_string()))?,
            ),
            None => None,
        };
        Ok(Settings {
            rule: ctx.rule,
            alerts: AlertSettings {
                expiry_days: self.alert_days.clone(),
                renewal_days: self.renewal_days,
                pending_days: self.pending_days,
                provider_days: self.provider_days.clone(),
            },
            mailer,
            egress: Policy::allowing(&self.webhook_allow_hosts),
        })
    }
}

#[derive(Debug, Args)]
pub struct AlertsCmd {
    /// Raise the alerts due on this date (YYYY-MM-DD) [default: today in Japan]
    #[arg(long, value_name = "DATE", value_parser = date_arg)]
    on: Option<NaiveDate>,
    #[command(flatten)]
    alerts: AlertArgs,
}

impl AlertsCmd {
    pub async fn run(self, ctx: &Context) -> Result<()> {
        let today = self.on.unwrap_or_else(|| ctx.today());
        let settings = self.alerts.settings(ctx)?;
        let store = ctx.store().await?;
        let loaded = RegistrySource::database().load(ctx).await?;
        let list = ismap_notify::List {
            registry: &loaded.registry,
            catalog: &loaded.catalog,
            sha256: &loaded.info.sha256,
            revision: loaded.info.origin.revision(),
        };
        let report =
            ismap_notify::run(&store, list, (today, chrono::Utc::now()), &settings).await?;
        output::write(&format!("{}\n", serde_json::to_string(&report)?), None)
    }
}
