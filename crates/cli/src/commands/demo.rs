use super::import::summary_text;
use crate::context::Context;
use anyhow::{Context as _, Result};
use clap::Args;
use ismap_formats::demo;
use ismap_formats::registry_json::parse_registry;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct DemoCmd {
    /// Also write the demo requirement profile to this file
    #[arg(long, value_name = "FILE")]
    profile_out: Option<PathBuf>,
}

impl DemoCmd {
    pub async fn run(self, ctx: &Context) -> Result<()> {
        let catalog = ctx.builtin_catalog()?;
        let store = ctx.store().await?;
        let loaded = parse_registry("demo", demo::REGISTRY_JSON.as_bytes(), &catalog)?;
        let summary = store
            .import_registry(&loaded.registry, &catalog, "demo", &loaded.sha256, false)
            .await?;
        let mut text = ctx
            .lang
            .pick(
                "架空のデモ用ISMAPクラウドサービスリストを取り込みました: ",
                "Loaded the fictional demo registry into ",
            )
            .to_owned();
        text.push_str(&ismap_core::redact::redact_url(&ctx.db_spec()?));
        text.push('\n');
        text.push_str(&summary_text(ctx, &summary, false));
        if let Some(path) = &self.profile_out {
            std::fs::write(path, demo::PROFILE_TOML)
                .with_context(|| format!("cannot write {}", path.display()))?;
            text.push_str(&format!(
                "{}: {}\n",
                ctx.lang.pick("デモ用プロファイル", "demo profile"),
                path.display()
            ));
        }
        crate::output::write(&text, None)
    }
}
