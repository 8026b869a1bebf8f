use super::{ListFormat, terminal_width};
use crate::BadInput;
use crate::context::Context;
use crate::output;
use anyhow::Result;
use clap::{Args, Subcommand};
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};
use ismap_core::criteria::{BUILTIN_VERSION, Catalog, Criterion, Part};
use ismap_core::ids::ControlId;
use serde::Serialize;

#[derive(Debug, Subcommand)]
pub enum CriteriaCmd {
    /// List criteria IDs / 管理基準の一覧
    List(ListCmd),
    /// Show one criterion with its children / 管理基準の詳細
    Show(ShowCmd),
    /// IDs added, removed and changed between two versions / 版の差分
    Diff(DiffCmd),
}

#[derive(Debug, Args)]
pub struct DiffCmd {
    /// The older version
    old: String,
    /// The newer version
    new: String,
}

#[derive(Debug, Args)]
pub struct ListCmd {
    /// Criteria version
    #[arg(long, default_value = BUILTIN_VERSION)]
    criteria_version: String,
    /// Only this part: governance, management or controls
    #[arg(long)]
    part: Option<Part>,
    /// Only mandatory criteria (the "basic" baseline)
    #[arg(long)]
    mandatory: bool,
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    format: ListFormat,
}

#[derive(Debug, Args)]
pub struct ShowCmd {
    /// Criteria ID, e.g. 6.1.1 or 6.1.1.13.PB
    id: String,
    /// Criteria version
    #[arg(long, default_value = BUILTIN_VERSION)]
    criteria_version: String,
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    format: ListFormat,
}

#[derive(Serialize)]
struct Row<'a> {
    id: &'a str,
    part: &'static str,
    level: &'static str,
    parent: &'a str,
    suffix: &'static str,
    mandatory: bool,
    cloud_specific: bool,
    source_standard: Option<&'a str>,
    title_ja: Option<&'a str>,
    title_en: Option<&'a str>,
}

fn row(c: &Criterion) -> Row<'_> {
    Row {
        id: c.id.as_str(),
        part: c.part.as_str(),
        level: c.level.as_str(),
        parent: &c.parent,
        suffix: c.suffix().as_str(),
        mandatory: c.is_mandatory(),
        cloud_specific: c.suffix().is_cloud_specific(),
        source_standard: c.source_standard.as_deref(),
        title_ja: c.title.ja.as_deref(),
        title_en: c.title.en.as_deref(),
    }
}

fn table(ctx: &Context, rows: &[Row]) -> String {
    let l = |ja, en| ctx.lang.pick(ja, en);
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(terminal_width());
    t.set_header([
        l("ID", "ID"),
        l("区分", "Part"),
        l("階層", "Level"),
        l("必須", "Mandatory"),
        l("名称", "Title"),
    ]);
    for r in rows {
        let title = match ctx.lang {
            ismap_core::lang::Lang::Ja => r.title_ja.or(r.title_en),
            ismap_core::lang::Lang::En => r.title_en.or(r.title_ja),
        };
        t.add_row(vec![
            r.id.to_owned(),
            r.part.to_owned(),
            r.level.to_owned(),
            if r.mandatory {
                "●".into()
            } else {
                String::new()
            },
            title.unwrap_or("").to_owned(),
        ]);
    }
    format!("{t}\n")
}

fn json<T: Serialize>(value: &T) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

async fn catalog(ctx: &Context, version: &str) -> Result<Catalog> {
    let store = ctx.store().await?;
    let versions = store.criteria_versions().await?;
    if !versions.iter().any(|v| v == version) {
        return Err(BadInput(format!(
            "--criteria-version: {version:?} is not in the database (held: {})",
            versions.join(", ")
        ))
        .into());
    }
    Ok(store.load_catalog(version).await?)
}

impl CriteriaCmd {
    pub async fn run(self, ctx: &Context) -> Result<()> {
        match self {
            CriteriaCmd::List(c) => {
                let catalog = catalog(ctx, &c.criteria_version).await?;
                let rows: Vec<Row> = catalog
                    .criteria()
                    .iter()
                    .filter(|x| {
                        c.part.is_none_or(|p| x.part == p) && (!c.mandatory || x.is_mandatory())
                    })
                    .map(row)
                    .collect();
                let text = match c.format {
                    ListFormat::Json => json(&rows),
                    ListFormat::Table => {
                        format!(
                            "{}{} {}\n",
                            table(ctx, &rows),
                            rows.len(),
                            ctx.lang.pick("件", "criteria")
                        )
                    }
                };
                output::write(&text, None)
            }
            CriteriaCmd::Diff(c) => {
                let old = catalog(ctx, &c.old).await?;
                let new = catalog(ctx, &c.new).await?;
                let d = ismap_core::criteria::diff(&old, &new);
                let text =
                    super::import::changes_text(ctx, false, &d.added, &d.changed, &d.removed);
                output::write(&text, None)
            }
            CriteriaCmd::Show(c) => {
                let catalog = catalog(ctx, &c.criteria_version).await?;
                let id = ControlId::parse(&c.id).map_err(|e| BadInput(e.to_string()))?;
                let key = catalog.key(&id).ok_or_else(|| {
                    BadInput(format!(
                        "{id}: not a criteria ID of version {}",
                        catalog.version()
                    ))
                })?;
                let mut rows = vec![row(catalog.get(key))];
                rows.extend(catalog.children(key).map(|k| row(catalog.get(k))));
                let text = match c.format {
                    ListFormat::Json => json(&rows),
                    ListFormat::Table => table(ctx, &rows),
                };
                output::write(&text, None)
            }
        }
    }
}
