//! One module per subcommand.

mod alerts;
mod application;
mod audit;
mod backup;
mod case;
mod check;
mod criteria;
mod crosswalk;
mod demo;
mod expiry;
mod import;
mod oscal;
mod registry;
mod serve;
mod source;
mod user;

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
    /// What an ISMAP, ISO/IEC 27001 or NIST SP 800-53 ID is linked to / 他の基準との対応を調べる
    Crosswalk(crosswalk::CrosswalkCmd),
    /// What a provider still has to evidence for ISMAP / 既存の認証・実装から見た ISMAP の不足
    Gap(crosswalk::GapCmd),
    /// Load the fictional demo registry into the database / 架空のデモ用ISMAPクラウドサービスリストを取り込む
    Demo(demo::DemoCmd),
    /// OSCAL catalogs and profiles: convert, resolve, validate
    #[command(subcommand)]
    Oscal(oscal::OscalCmd),
    /// Serve the REST API (and its OpenAPI document) / REST API を提供する
    Serve(serve::ServeCmd),
    /// Procurement cases: checks kept as snapshots, resolutions, approvals, the decision,
    /// acting as an account / 調達案件と判断記録
    Case(case::CaseCmd),
    /// Applications through the registration lifecycle, acting as an account / 申請と登録のライフサイクル
    Application(application::ApplicationCmd),
    /// Accounts and API tokens / アカウントとAPIトークン
    #[command(subcommand)]
    User(user::UserCmd),
    /// The audit trail / 監査証跡
    #[command(subcommand)]
    Audit(audit::AuditCmd),
    /// Alerts on watched registrations / 監視中の登録に関する通知
    #[command(subcommand)]
    Alerts(AlertsCmd),
    /// Write the whole database to a file / データベース全体をバックアップする
    Backup(backup::BackupCmd),
    /// Restore a backup onto this database (SQLite or PostgreSQL) / バックアップから復元する
    Restore(backup::RestoreCmd),
}

impl Command {
    pub async fn run(self, ctx: &Context) -> Result<()> {
        match self {
            Command::Check(c) => c.run(ctx).await,
            Command::Expiry(c) => c.run(ctx),
            Command::Import(c) => c.run(ctx).await,
            Command::Registry(c) => c.run(ctx).await,
            Command::Criteria(c) => c.run(ctx).await,
            Command::Crosswalk(c) => c.run(ctx),
            Command::Gap(c) => c.run(ctx),
            Command::Demo(c) => c.run(ctx).await,
            Command::Serve(c) => c.run(ctx).await,
            Command::Oscal(c) => c.run(ctx).await,
            Command::User(c) => c.run(ctx).await,
            Command::Application(c) => c.run(ctx).await,
            Command::Case(c) => c.run(ctx).await,
            Command::Audit(c) => c.run(ctx).await,
            Command::Alerts(AlertsCmd::Run(c)) => c.run(ctx).await,
            Command::Backup(c) => c.run(ctx).await,
            Command::Restore(c) => c.run(ctx).await,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum AlertsCmd {
    /// Raise the alerts due and deliver them (for cron) / 通知を判定して送る
    Run(alerts::AlertsCmd),
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
