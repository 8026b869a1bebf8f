use crate::BadInput;
use crate::context::{Context, date_arg, read_file};
use crate::progress::Progress;
use anyhow::Result;
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use ismap_core::criteria::BUILTIN_VERSION;
use ismap_core::registry::Registry;
use ismap_formats::{criteria_table, read_registry, spreadsheet, statement_table};
use ismap_store::ImportSummary;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum ImportCmd {
    /// Replace the stored registry with a registry file: JSON, CSV or XLSX by its extension
    /// (all or nothing) / ISMAPクラウドサービスリストを取り込む（JSON・CSV・XLSX）
    Registry(ImportRegistry),
    /// Replace the control statements of the registrations a CSV/XLSX file names (all or
    /// nothing) / 管理策の言明を取り込む
    Statements(ImportStatements),
    /// Merge criteria titles and text (and controls the structure lacks) from a CSV/XLSX file
    /// into a criteria version / 管理基準の名称・本文を取り込む
    Criteria(ImportCriteria),
}

#[derive(Debug, Args)]
pub struct ImportCriteria {
    /// Criteria file: .csv or .xlsx with ID, 区分, 名称（日本語）, 名称（英語）, 本文（日本語）, 本文（英語）, 出典
    file: PathBuf,
    /// The version to merge into (created from the built-in structure if new)
    #[arg(long, default_value = ismap_core::criteria::BUILTIN_VERSION)]
    criteria_version: String,
    /// Show what would change, and write nothing
    #[arg(long)]
    dry_run: bool,
}

#[derive(Debug, Args)]
pub struct ImportStatements {
    /// Statements file: .csv or .xlsx with 登録番号, 管理策ID, 実施状況, 理由, 継承元
    file: PathBuf,
    /// The date from which the list history shows the changes (YYYY-MM-DD) [default: today in Japan]
    #[arg(long, value_name = "DATE", value_parser = date_arg)]
    effective: Option<NaiveDate>,
    /// Show what would change, and write nothing
    #[arg(long)]
    dry_run: bool,
}

#[derive(Debug, Args)]
pub struct ImportRegistry {
    /// Registry file: .json, .csv (UTF-8 or CP932) or .xlsx
    file: PathBuf,
    /// The date from which the list history shows the changes (YYYY-MM-DD) [default: today in Japan]
    #[arg(long, value_name = "DATE", value_parser = date_arg)]
    effective: Option<NaiveDate>,
    /// Show what would be added, changed and removed, and write nothing
    #[arg(long)]
    dry_run: bool,
}

/// The `--effective` date, today (Japan) when absent.
fn effective(ctx: &Context, value: Option<NaiveDate>) -> NaiveDate {
    value.unwrap_or_else(|| ctx.today())
}

impl ImportCmd {
    pub async fn run(self, ctx: &Context) -> Result<()> {
        match self {
            ImportCmd::Registry(c) => c.run(ctx).await,
            ImportCmd::Statements(c) => c.run(ctx).await,
            ImportCmd::Criteria(c) => c.run(ctx).await,
        }
    }
}

impl ImportRegistry {
    async fn run(self, ctx: &Context) -> Result<()> {
        let name = self.file.display().to_string();
        let progress = Progress::start(ctx.lang.pick("読み込み中", "reading"));
        let bytes = read_file(&self.file)?;
        // Parse and validate everything before the database is touched.
        progress.stage(ctx.lang.pick("検証中", "validating"));
        // Each entry is validated against its own criteria version, as stored.
        let store = ctx.store().await?;
        let catalog = store.load_criteria(BUILTIN_VERSION).await?;
        let loaded = read_registry(&name, &bytes, &catalog)?;
        progress.stage(
            ctx.lang
                .pick("データベースへ書き込み中", "writing to the database"),
        );
        let summary = store
            .import_registry_as(
                &ctx.actor(),
                &loaded.registry,
                &catalog,
                (&name, &loaded.sha256),
                self.dry_run,
                effective(ctx, self.effective),
            )
            .await?;
        drop(progress);
        let mut text = summary_text(ctx, &summary, self.dry_run);
        text.push_str(&unconventional_numbers(ctx, &loaded.registry));
        crate::output::write(&text, None)
    }
}

/// docs/domain.md, "Registration numbers": the `C21-0008-2` shape is a soft check: accepted,
/// but pointed out.
fn unconventional_numbers(ctx: &Context, registry: &Registry) -> String {
    let odd: Vec<&str> = registry
        .registrations()
        .iter()
        .filter(|r| !r.registration_no.is_conventional())
        .map(|r| r.registration_no.as_str())
        .collect();
    if odd.is_empty() {
        return String::new();
    }
    format!(
        "{}: {}\n",
        ctx.lang.pick(
            "注意: 通常の形式（例 C21-0008-2）でない登録番号",
            "note: registration numbers not in the usual form (e.g. C21-0008-2)"
        ),
        odd.join(", ")
    )
}

/// What an import or a comparison changed: a line each for added, changed and removed, with
/// their names.
pub fn changes_text<S: AsRef<str>>(
    ctx: &Context,
    dry_run: bool,
    added: &[S],
    changed: &[S],
    removed: &[S],
) -> String {
    let l = |ja, en| ctx.lang.pick(ja, en);
    let mut out = String::new();
    if dry_run {
        out.push_str(l(
            "（確認のみ〔--dry-run〕: データベースには書き込んでいません）\n",
            "(dry run: nothing written)\n",
        ));
    }
    for (label, list) in [
        (l("追加", "added"), added),
        (l("変更", "changed"), changed),
        (l("削除", "removed"), removed),
    ] {
        out.push_str(&format!("{label}: {}", list.len()));
        if !list.is_empty() {
            let names: Vec<&str> = list.iter().map(AsRef::as_ref).collect();
            out.push_str(&format!(" ({})", names.join(", ")));
        }
        out.push('\n');
    }
    out
}

pub fn summary_text(ctx: &Context, s: &ImportSummary, dry_run: bool) -> String {
    let mut out = changes_text(ctx, dry_run, &s.added, &s.changed, &s.removed);
    out.push_str(&format!(
        "{}: {}\n",
        ctx.lang.pick("変更なし", "unchanged"),
        s.unchanged
    ));
    out
}

impl ImportStatements {
    async fn run(self, ctx: &Context) -> Result<()> {
        let name = self.file.display().to_string();
        let progress = Progress::start(ctx.lang.pick("読み込み中", "reading"));
        let bytes = read_file(&self.file)?;
        let store = ctx.store().await?;
        let catalog = store.load_criteria(BUILTIN_VERSION).await?;
        let sheet = spreadsheet::read_sheet(&name, &bytes)?;
        let statements = statement_table::sheet_to_statements(&sheet, &catalog)?;
        progress.stage(
            ctx.lang
                .pick("データベースへ書き込み中", "writing to the database"),
        );
        let registry = statements.apply(&store.load_registry(&catalog).await?, &catalog)?;
        let summary = store
            .import_registry_as(
                &ctx.actor(),
                &registry,
                &catalog,
                (&name, &ismap_formats::sha256_hex(&bytes)),
                self.dry_run,
                effective(ctx, self.effective),
            )
            .await?;
        drop(progress);
        crate::output::write(&summary_text(ctx, &summary, self.dry_run), None)
    }
}

impl ImportCriteria {
    async fn run(self, ctx: &Context) -> Result<()> {
        let name = self.file.display().to_string();
        let sheet = spreadsheet::read_sheet(&name, &read_file(&self.file)?)?;
        let version = self.criteria_version.trim();
        if version.is_empty() {
            return Err(BadInput("--criteria-version: must not be empty".into()).into());
        }
        let store = ctx.store().await?;
        let base = match store
            .criteria_versions()
            .await?
            .iter()
            .any(|v| v == version)
        {
            true => store.load_catalog(version).await?,
            false => ctx.builtin_catalog()?.renamed(version),
        };
        let merged = criteria_table::merge_criteria(&sheet, &base, version)?;
        let d = ismap_core::criteria::diff(&base, &merged);
        if !self.dry_run {
            store.save_criteria(&merged).await?;
        }
        crate::output::write(
            &changes_text(ctx, self.dry_run, &d.added, &d.changed, &d.removed),
            None,
        )
    }
}
