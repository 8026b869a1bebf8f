//! `ismap audit`: the append-only event log and the proof that it is intact.

use crate::context::Context;
use crate::output;
use anyhow::{Result, bail};
use clap::{Args, Subcommand};
use ismap_store::{Anchor, Verification};

#[derive(Debug, Subcommand)]
pub enum AuditCmd {
    /// Recompute the SHA-256 chain; name the first broken event (exit 1) / 監査証跡の改ざんを検証する
    Verify(VerifyCmd),
    /// The latest events, newest first, as JSON lines / 監査証跡を表示する
    Log(LogCmd),
}

#[derive(Debug, Args)]
pub struct VerifyCmd {
    /// An event's hash recorded outside the database, as `verify` printed the head earlier
    /// (SEQ:HASH); the chain must still contain it. Repeatable
    #[arg(long, value_parser = parse_anchor)]
    anchor: Vec<Anchor>,
}

pub(crate) fn parse_anchor(s: &str) -> std::result::Result<Anchor, String> {
    s.parse()
}

#[derive(Debug, Args)]
pub struct LogCmd {
    /// Only events about this subject (e.g. application:3, account:alice)
    #[arg(long)]
    subject: Option<String>,
    #[arg(long, default_value_t = 50)]
    limit: u64,
}

impl AuditCmd {
    pub async fn run(self, ctx: &Context) -> Result<()> {
        let store = ctx.store().await?;
        match self {
            AuditCmd::Verify(c) => match store.verify_audit(&c.anchor).await? {
                Verification::Intact { events, head } => output::write(
                    &format!(
                        "{}: {events} {} (head {})\n",
                        ctx.lang.pick("改ざんは検出されませんでした", "intact"),
                        ctx.lang.pick("件", "events"),
                        Anchor::head(events, &head)
                    ),
                    None,
                ),
                Verification::Broken { seq, problem } => bail!(
                    "{} {seq}: {problem}",
                    ctx.lang.pick(
                        "監査証跡が壊れています。最初の不整合はイベント",
                        "the audit trail is broken at event"
                    )
                ),
            },
            AuditCmd::Log(c) => {
                let mut text = String::new();
                for e in store.audit_events(c.subject.as_deref(), c.limit).await? {
                    text.push_str(&serde_json::to_string(&e)?);
                    text.push('\n');
                }
                output::write(&text, None)
            }
        }
    }
}
