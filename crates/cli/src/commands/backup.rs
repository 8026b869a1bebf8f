//! `ismap backup` and `ismap restore`: the whole database as one JSON file.

use crate::BadInput;
use crate::context::{Context, read_file};
use crate::output;
use anyhow::Result;
use clap::Args;
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
                ctx.db_spec()?,
                ctx.lang.pick(
                    "にはデータがあります。置き換える場合は --replace を付けてください",
                    "already holds data: pass --replace to replace it"
                )
            ))
            .into());
        }
        let summary = store.restore(backup).await.map_err(|e| match e {
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
