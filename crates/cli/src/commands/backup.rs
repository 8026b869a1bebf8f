//! `ismap backup` and `ismap restore`: the whole database as one JSON file.

use crate::BadInput;
use crate::commands::audit::parse_anchor;
use crate::context::{Context, read_file};
use crate::output;
use anyhow::Result;
use clap::Args;
use ismap_store::Anchor;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct BackupCmd {
    /// Write the backup here [default: standard output]
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RestoreCmd {
    /// A file written by `ismap backup`
    file: PathBuf,
    /// Replace a database that already holds data
    #[arg(long)]
    replace: bool,
    /// The audit trail's head recorded outside the database (SEQ:HASH, as `audit verify`
    /// prints it): the backup's chain must contain it. Repeatable
    #[arg(long, value_parser = parse_anchor)]
    anchor: Vec<Anchor>,
}

impl BackupCmd {
    pub async fn run(self, ctx: &Context) -> Result<()> {
        let store = ctx.store().await?;
        let backup = store.backup().await?;
        let text = serde_json::to_vec(&backup)?;
        output::emit(self.output.as_deref(), |w| w.write_all(&text))
    }
}

impl RestoreCmd {
    pub async fn run(self, ctx: &Context) -> Result<()> {
        let bytes = read_file(&self.file)?;
        let backup: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
            BadInput(format!(
                "{}:{}:{}: {e}",
                self.file.display(),
                e.line(),
                e.column()
            ))
        })?;
        let store = ctx.store().await?;
        if store.holds_data().await? && !self.replace {
            return Err(BadInput(format!(
                "{} {}",
                ismap_core::redact::redact_url(&ctx.db_spec()?),
                ctx.lang.pick(
                    "にはデータがあります。置き換える場合は --replace を付けてください",
                    "already holds data: pass --replace to replace it"
                )
            ))
            .into());
        }
        let summary = store
            .restore(backup, &ctx.actor(), &self.anchor)
            .await
            .map_err(|e| match e {
                ismap_store::StoreError::Backup(m) => {
                    BadInput(format!("{}: {m}", self.file.display())).into()
                }
                other => anyhow::Error::from(other),
            })?;
        let mut text = String::new();
        for (table, rows) in summary.tables {
            text.push_str(&format!("{table}\t{rows}\n"));
        }
        output::write(&text, None)
    }
}
