//! One module per subcommand.

mod check;
mod criteria;
mod demo;
mod expiry;
mod import;
mod oscal;
mod registry;
mod serve;
mod source;

use crate::context::Context;
use anyhow::Result;
use clap::{Subcommand, ValueEnum};

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check candidate services against a requirement profile / 要件プロファイルで候補サービスを確認する
    Check(check::CheckCmd),
    /// Compute the expiry date from the end of an audit period / 監査対象期間の末日から有効期限を計算する
    Expiry(expiry::ExpiryCmd),
    /// Import data into the database / データベースへ取り込む
    #[command(subcommand)]
    Import(import::ImportCmd),
    /// List, show and export registrations / 登録の一覧・詳細・書き出し
    #[command(subcommand)]
    Registry(registry::RegistryCmd),
    /// Browse the control criteria / 管理基準を参照する
    #[command(subcommand)]
    Criteria(criteria::CriteriaCmd),
    /// Load the fictional demo registry into the database / 架空のデモ登録簿を取り込む
    Demo(demo::DemoCmd),
    /// OSCAL catalogs and profiles: convert, resolve, validate
    #[command(subcommand)]
    Oscal(oscal::OscalCmd),
    /// Serve the REST API (and its OpenAPI document) / REST API を提供する
    Serve(serve::ServeCmd),
}

impl Command {
    pub async fn run(self, ctx: &Context) -> Result<()> {
        match self {
            Command::Check(c) => c.run(ctx).await,
            Command::Expiry(c) => c.run(),
            Command::Import(c) => c.run(ctx).await,
            Command::Registry(c) => c.run(ctx).await,
            Command::Criteria(c) => c.run(ctx).await,
            Command::Demo(c) => c.run(ctx).await,
            Command::Serve(c) => c.run(ctx).await,
            Command::Oscal(c) => c.run(ctx).await,
        }
    }
}

/// Output formats for lists and single records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
}

/// Width for terminal tables: `$COLUMNS`, else 120.
fn terminal_width() -> u16 {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|w| *w >= 40)
        .unwrap_or(120)
}
