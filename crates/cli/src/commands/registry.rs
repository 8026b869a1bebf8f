use super::source::RegistrySource;
use super::{ListFormat, terminal_width};
use crate::BadInput;
use crate::context::{Context, date_arg};
use crate::output;
use anyhow::Result;
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};
use ismap_core::ids::RegistrationNumber;
use ismap_core::registration::{ListingStatus, Registration};
use ismap_core::validity::ExpiryRule;
use ismap_formats::registry_json::{registration_to_doc, write_registry};
use ismap_formats::{registry_table, spreadsheet, statement_table};
use serde::Serialize;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum RegistryCmd {
    /// List registrations with their status on a date / 登録の一覧
    List(ListCmd),
    /// Show one registration / 登録の詳細
    Show(ShowCmd),
    /// What changed on the list between two dates (from the database's history) / 2時点間の変更
    Diff(DiffCmd),
    /// Write the registry as canonical JSON (its SHA-256 is the one reports cite) / ISMAPクラウドサービスリストを書き出す
    Export(ExportCmd),
}

/// What `list` and `show` share: where the registry is, the date, the rule, the format.
#[derive(Debug, Args)]
pub struct ViewArgs {
    #[command(flatten)]
    source: RegistrySource,
    /// Status on this date (YYYY-MM-DD) [default: today in Japan]
    #[arg(long, value_name = "DATE", value_parser = date_arg)]
    on: Option<NaiveDate>,
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    format: ListFormat,
}

impl ViewArgs {
    fn date(&self, ctx: &Context) -> NaiveDate {
        self.on.unwrap_or_else(|| ctx.today())
    }
}

#[derive(Debug, Args)]
pub struct ListCmd {
    #[command(flatten)]
    view: ViewArgs,
}

#[derive(Debug, Args)]
pub struct ShowCmd {
    /// Registration number / 登録番号
    registration_no: String,
    #[command(flatten)]
    view: ViewArgs,
}

#[derive(Debug, Args)]
pub struct DiffCmd {
    /// The earlier date (YYYY-MM-DD)
    #[arg(long, value_name = "DATE", value_parser = date_arg)]
    from: NaiveDate,
    /// The later date [default: today in Japan]
    #[arg(long, value_name = "DATE", value_parser = date_arg)]
    to: Option<NaiveDate>,
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    format: ListFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Json,
    Csv,
    Xlsx,
}

#[derive(Debug, Args)]
pub struct ExportCmd {
    #[command(flatten)]
    source: RegistrySource,
    /// json (canonical; its SHA-256 is the one reports cite), csv (UTF-8 with BOM) or xlsx
    #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
    format: ExportFormat,
    /// Write the control statements (one row per registration and control) instead
    #[arg(long)]
    statements: bool,
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Serialize)]
struct Row<'a> {
    registration_no: String,
    program: &'static str,
    service_name: &'a str,
    provider: &'a str,
    status: ListingStatus,
    expires_on: NaiveDate,
}

fn row<'a>(r: &'a Registration, on: NaiveDate, rule: ExpiryRule) -> Row<'a> {
    Row {
        registration_no: r.registration_no.to_string(),
        program: r.program.label(),
        service_name: &r.service_name,
        provider: &r.provider,
        status: r.status_on(on, rule),
        expires_on: r.expires_on(rule),
    }
}

fn table() -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(terminal_width());
    t
}

fn json<T: Serialize>(value: &T) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

impl RegistryCmd {
    pub async fn run(self, ctx: &Context) -> Result<()> {
        match self {
            RegistryCmd::List(c) => c.run(ctx).await,
            RegistryCmd::Show(c) => c.run(ctx).await,
            RegistryCmd::Diff(c) => c.run(ctx).await,
            RegistryCmd::Export(c) => {
                let progress =
                    crate::progress::Progress::start(ctx.lang.pick("書き出し中", "exporting"));
                let loaded = c.source.load(ctx).await?;
                let (sheet, (headers, rows)) = if c.statements {
                    (
                        "言明",
                        statement_table::rows(&loaded.registry, &loaded.catalog),
                    )
                } else {
                    (
                        spreadsheet::LIST_SHEET,
                        registry_table::rows(&loaded.registry),
                    )
                };
                let bytes = match c.format {
                    ExportFormat::Json if c.statements => {
                        return Err(BadInput("--statements: choose --format csv or xlsx (the JSON registry holds them already)".into()).into());
                    }
                    ExportFormat::Json => {
                        write_registry(&loaded.registry, &loaded.catalog).into_bytes()
                    }
                    ExportFormat::Csv => spreadsheet::write_csv(&headers, &rows),
                    ExportFormat::Xlsx => {
                        if c.output.is_none() {
                            return Err(BadInput(
                                "--format xlsx: name the file with -o FILE".into(),
                            )
                            .into());
                        }
                        spreadsheet::write_xlsx(sheet, &headers, &rows)
                            .map_err(anyhow::Error::msg)?
                    }
                };
                drop(progress);
                output::emit(c.output.as_deref(), |w| w.write_all(&bytes))
            }
        }
    }
}

impl ListCmd {
    async fn run(self, ctx: &Context) -> Result<()> {
        let loaded = self.view.source.load(ctx).await?;
        let on = self.view.date(ctx);
        let rows: Vec<Row> = loaded
            .registry
            .registrations()
            .iter()
            .map(|r| row(r, on, ctx.rule))
            .collect();
        if self.view.format == ListFormat::Json {
            return output::write(&json(&rows), None);
        }
        let l = |ja, en| ctx.lang.pick(ja, en);
        let mut t = table();
        t.set_header([
            l("登録番号", "Registration"),
            l("制度", "Program"),
            l("サービス名", "Service"),
            l("事業者", "Provider"),
            l("状態", "Status"),
            l("有効期限", "Expires"),
        ]);
        for r in &rows {
            t.add_row(vec![
                r.registration_no.clone(),
                r.program.to_owned(),
                r.service_name.to_owned(),
                r.provider.to_owned(),
                r.status.label(ctx.lang).to_owned(),
                r.expires_on.to_string(),
            ]);
        }
        output::write(
            &format!(
                "{t}\n{} {} ({} {on})\n",
                rows.len(),
                l("件", "registrations"),
                l("状態の基準日", "status on")
            ),
            None,
        )
    }
}

impl ShowCmd {
    async fn run(self, ctx: &Context) -> Result<()> {
        let loaded = self.view.source.load(ctx).await?;
        let on = self.view.date(ctx);
        let no = RegistrationNumber::parse(&self.registration_no)
            .map_err(|e| BadInput(e.to_string()))?;
        let r = loaded.registry.get(&no).ok_or_else(|| {
            BadInput(format!(
                "{}: {no}",
                ctx.lang.pick(
                    "ISMAPクラウドサービスリストにない登録番号です",
                    "no such registration in the registry"
                )
            ))
        })?;
        let status = r.status_on(on, ctx.rule);
        let expires = r.expires_on(ctx.rule);
        if self.view.format == ListFormat::Json {
            #[derive(Serialize)]
            struct Shown<'a> {
                status: ListingStatus,
                status_on: NaiveDate,
                expires_on: NaiveDate,
                #[serde(flatten)]
                registration: ismap_formats::registry_json::RegistrationDoc<'a>,
            }
            let shown = Shown {
                status,
                status_on: on,
                expires_on: expires,
                registration: registration_to_doc(r, &loaded.catalog),
            };
            return output::write(&json(&shown), None);
        }
        let l = |ja, en| ctx.lang.pick(ja, en);
        let none = || "-".to_owned();
        let list = |items: Vec<String>| {
            if items.is_empty() {
                none()
            } else {
                items.join(", ")
            }
        };
        let mut t = table();
        let fields = [
            (l("登録番号", "Registration"), r.registration_no.to_string()),
            (l("サービス名", "Service"), r.service_name.clone()),
            (l("事業者", "Provider"), r.provider.clone()),
            (l("制度", "Program"), r.program.label().to_owned()),
            (
                l("サービスモデル", "Service model"),
                r.service_model.map_or_else(none, |m| m.as_str().to_owned()),
            ),
            (
                l("初回登録日", "First registered on"),
                r.registered_on.to_string(),
            ),
            (
                l("監査対象期間", "Audit period"),
                format!("{} – {}", r.audit_period.start(), r.audit_period.end()),
            ),
            (l("有効期限", "Expires on"), expires.to_string()),
            (
                l("更新申請日", "Renewal filed on"),
                r.renewal_filed_on.map_or_else(none, |d| d.to_string()),
            ),
            (
                l("登録取消日", "Revoked on"),
                r.revoked_on.map_or_else(none, |d| d.to_string()),
            ),
            (
                l("状態", "Status"),
                format!("{} ({on})", status.label(ctx.lang)),
            ),
            (
                l("言明対象範囲に含むもの", "Scope (included)"),
                list(r.scope.included.iter().map(|s| s.text.clone()).collect()),
            ),
            (
                l("言明対象範囲に含まないもの", "Scope (excluded)"),
                list(r.scope.excluded.iter().map(|s| s.text.clone()).collect()),
            ),
            (
                l("リージョン", "Regions"),
                list(
                    r.regions
                        .iter()
                        .map(|g| {
                            format!(
                                "{} ({}{})",
                                g.name,
                                g.country,
                                if g.selectable {
                                    l(", 選択可", ", selectable")
                                } else {
                                    ""
                                }
                            )
                        })
                        .collect(),
                ),
            ),
            (
                l("基盤サービス", "Underlying"),
                list(r.underlying.iter().map(ToString::to_string).collect()),
            ),
            (
                l("管理基準", "Criteria version"),
                r.criteria_version.clone(),
            ),
        ];
        for (k, v) in fields {
            t.add_row(vec![k.to_owned(), v]);
        }
        let mut text = format!("{t}\n");
        if !r.controls().is_empty() {
            let mut c = table();
            c.set_header([
                l("管理策", "Control"),
                l("実施状況", "Status"),
                l("理由", "Reason"),
                l("継承元", "Inherited from"),
            ]);
            for s in r.controls() {
                c.add_row(vec![
                    loaded.catalog.get(s.key).id.to_string(),
                    s.status.label(ctx.lang).to_owned(),
                    s.reason.clone().unwrap_or_default(),
                    s.inherited_from
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                ]);
            }
            text.push_str(&format!("{c}\n"));
        }
        output::write(&text, None)
    }
}

impl DiffCmd {
    async fn run(self, ctx: &Context) -> Result<()> {
        let (from, to) = (self.from, self.to.unwrap_or_else(|| ctx.today()));
        let store = ctx.store().await?;
        let catalog = store
            .load_criteria(ismap_core::criteria::BUILTIN_VERSION)
            .await?;
        let changes = store.list_diff((from, to), &catalog, ctx.rule).await?;
        if self.format == ListFormat::Json {
            return output::write(&json(&changes), None);
        }
        let l = |ja, en| ctx.lang.pick(ja, en);
        let mut t = table();
        t.set_header([
            l("登録番号", "Registration"),
            l("サービス名", "Service"),
            l("変更", "Change"),
        ]);
        for c in &changes {
            t.add_row(vec![
                c.registration_no().to_string(),
                c.service_name().to_owned(),
                c.describe(ctx.lang),
            ]);
        }
        output::write(
            &format!(
                "{t}\n{} {} ({from} → {to})\n",
                changes.len(),
                l("件の変更", "changes")
            ),
            None,
        )
    }
}
