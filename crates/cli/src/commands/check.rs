use super::source::RegistrySource;
use crate::BadInput;
use crate::context::{Context, date_arg, read_file};
use crate::output;
use anyhow::Result;
use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use ismap_core::ids::RegistrationNumber;
use ismap_formats::profile_toml::parse_profile;
use ismap_report::{Candidates, CheckInput, Format as ReportFormat, run_check};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Markdown,
    Json,
    /// A workbook: a comparison sheet and one sheet per candidate (needs -o FILE)
    Xlsx,
    /// OSCAL assessment-results (one result per candidate, one finding per entry)
    Oscal,
    /// A4 check sheets with the Japanese font embedded (needs -o FILE)
    Pdf,
}

#[derive(Debug, Args)]
pub struct CheckCmd {
    /// Requirement profile (TOML) / 要件プロファイル
    #[arg(long, value_name = "FILE")]
    profile: PathBuf,
    #[command(flatten)]
    source: RegistrySource,
    /// Check only these registration numbers (repeatable); overrides the profile's candidates
    #[arg(long = "service", value_name = "NO")]
    services: Vec<String>,
    /// Evaluation date (YYYY-MM-DD) [default: the profile's evaluation_date, else today in Japan]
    #[arg(long, value_name = "DATE", value_parser = date_arg)]
    on: Option<NaiveDate>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// One JSON line per candidate: verdict, counts per status and only the entries that are
    /// not a pass (for screening the whole list) / リスト全体の一次確認（絞り込み）
    #[arg(long, conflicts_with = "format")]
    summary: bool,
    /// Write the report to this file instead of standard output
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

impl CheckCmd {
    pub async fn run(self, ctx: &Context) -> Result<()> {
        let loaded = self.source.load(ctx).await?;
        let text = String::from_utf8(read_file(&self.profile)?)
            .map_err(|_| BadInput(format!("{}: not UTF-8 text", self.profile.display())))?;
        let profile = parse_profile(&self.profile.display().to_string(), &text, &loaded.catalog)?;
        let evaluated_on = self
            .on
            .or(profile.evaluation_date)
            .unwrap_or_else(|| ctx.today());
        let candidates = if self.services.is_empty() {
            Candidates::Profile
        } else {
            Candidates::Given(
                self.services
                    .iter()
                    .map(|s| {
                        RegistrationNumber::parse(s)
                            .map_err(|e| BadInput(format!("--service: {e}")))
                    })
                    .collect::<Result<Vec<_>, _>>()?,
            )
        };
        let format = match (self.summary, self.format) {
            (true, _) => ReportFormat::Summary,
            (false, Format::Table) => ReportFormat::Table {
                width: super::terminal_width(),
            },
            (false, Format::Markdown) => ReportFormat::Markdown,
            (false, Format::Json) => ReportFormat::Json,
            (false, Format::Xlsx) => ReportFormat::Xlsx,
            (false, Format::Oscal) => ReportFormat::Oscal,
            (false, Format::Pdf) => ReportFormat::Pdf,
        };
        if format.is_binary() && self.output.is_none() {
            return Err(BadInput(format!(
                "--format {}: name the file with -o FILE",
                format.extension()
            ))
            .into());
        }
        let input = CheckInput {
            catalog: &loaded.catalog,
            registry: &loaded.registry,
            registry_info: loaded.info,
            profile: &profile,
            evaluated_on,
            rule: ctx.rule,
            lang: ctx.lang,
        };
        let written = run_check(input, candidates, |report| match format {
            // Streamed as they are produced: a report on the whole list never sits in memory.
            ReportFormat::Json | ReportFormat::Summary => {
                output::emit(self.output.as_deref(), |w| report.render(format, w))
            }
            // Built whole first, so that a failed rendering leaves any earlier file as it was.
            _ => {
                let mut bytes = Vec::new();
                report.render(format, &mut bytes)?;
                output::emit(self.output.as_deref(), |w| w.write_all(&bytes))
            }
        });
        // The process ends here: freeing millions of statements one by one would only delay
        // the exit (a tenth of a large registry's time), so the registry is left to the OS.
        std::mem::forget(loaded.registry);
        written.map_err(|e| BadInput(e.text(ctx.lang)))?
    }
}
