//! `ismap alerts run`: one alert run for cron (the server runs the same on a schedule).

use crate::context::{Context, date_option};
use crate::output;
use anyhow::Result;
use clap::Args;
use ismap_core::criteria::BUILTIN_VERSION;
use ismap_core::validity::ExpiryRule;
use ismap_notify::Mailer;

/// Where alert e-mail goes; shared by `alerts run` and `serve`.
#[derive(Debug, Args)]
pub struct MailArgs {
    /// SMTP server for alert e-mail, e.g. smtp://user:pass@mail.example.go.jp:587?tls=required
    #[arg(long, env = "ISMAP_SMTP_URL", hide_env_values = true)]
    smtp_url: Option<String>,
    /// Sender address of alert e-mail
    #[arg(long, env = "ISMAP_MAIL_FROM", default_value = "ismap@localhost")]
    mail_from: String,
}

impl MailArgs {
    pub fn mailer(&self) -> Result<Option<Mailer>> {
        Ok(match &self.smtp_url {
            Some(url) => Some(
                Mailer::new(url, &self.mail_from).map_err(|e| crate::BadInput(e.to_string()))?,
            ),
            None => None,
        })
    }
}

#[derive(Debug, Args)]
pub struct AlertsCmd {
    /// Raise the alerts due on this date (YYYY-MM-DD) [default: today in Japan]
    #[arg(long, value_name = "DATE")]
    on: Option<String>,
    #[command(flatten)]
    mail: MailArgs,
}

impl AlertsCmd {
    pub async fn run(self, ctx: &Context) -> Result<()> {
        let today = match &self.on {
            Some(d) => date_option("--on", d)?,
            None => ctx.today(),
        };
        let mailer = self.mail.mailer()?;
        let store = ctx.store().await?;
        let catalog = store.load_catalog(BUILTIN_VERSION).await?;
        let registry = store.load_registry(&catalog).await?;
        let report = ismap_notify::run(
            &store,
            &registry,
            &catalog,
            (today, chrono::Utc::now()),
            ExpiryRule::Civil,
            mailer.as_ref(),
        )
        .await?;
        output::write(&format!("{}\n", serde_json::to_string(&report)?), None)
    }
}
