use super::source::RegistrySource;
use crate::BadInput;
use crate::context::{Context, date_option, read_file};
use crate::output;
use anyhow::Result;
use clap::{Args, ValueEnum};
use ismap_core::check::Engine;
use ismap_core::ids::RegistrationNumber;
use ismap_core::validity::ExpiryRule;
use ismap_formats::profile_toml::parse_profile;
use ismap_report::CheckReport;
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
    #[arg(long, value_name = "DATE")]
    on: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Expiry rule: civil (Civil Code, default) or calendar
    #[arg(long, default_value = "civil")]
    rule: ExpiryRule,
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
        let evaluated_on = match &self.on {
            Some(on) => date_option("--on", on)?,
            None => profile.evaluation_date.unwrap_or_else(|| ctx.today()),
        };
        let engine = Engine::new(
            &loaded.catalog,
            &loaded.registry,
            &profile,
            evaluated_on,
            self.rule,
        )
        .map_err(|e| BadInput(e.to_string()))?;
        let candidates = if self.services.is_empty() {
            engine.default_candidates()
        } else {
            self.services
                .iter()
                .map(|s| {
                    RegistrationNumber::parse(s).map_err(|e| BadInput(format!("--service: {e}")))
                })
                .collect::<Result<Vec<_>, _>>()?
        };
        let results = engine.evaluate(&candidates);
        let report = CheckReport::new(&engine, &results, loaded.info, ctx.lang);
        let text = match self.format {
            Format::Json => return output::emit(self.output.as_deref(), |w| report.write_json(w)),
            Format::Oscal => {
                let views: Vec<_> = report.results.iter().collect();
                let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
                let doc = ismap_formats::oscal::assessment_results(
                    &report.profile.name,
                    report.evaluated_on,
                    &report.criteria_version,
                    &report.registry.sha256,
                    &views,
                    &now,
                );
                let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
                text.push('\n');
                text
            }
            Format::Pdf => {
                let Some(path) = self.output.as_deref() else {
                    return Err(BadInput("--format pdf: name the file with -o FILE".into()).into());
                };
                let bytes = ismap_report_pdf::pdf(&report).map_err(anyhow::Error::msg)?;
                return output::emit(Some(path), |w| w.write_all(&bytes));
            }
            Format::Xlsx => {
                let Some(path) = self.output.as_deref() else {
                    return Err(BadInput("--format xlsx: name the file with -o FILE".into()).into());
                };
                let bytes = ismap_report::xlsx(&report).map_err(anyhow::Error::msg)?;
                return output::emit(Some(path), |w| w.write_all(&bytes));
            }
            Format::Markdown => ismap_report::markdown(&report),
            Format::Table => ismap_report::table(&report, super::terminal_width()),
        };
        output::write(&text, self.output.as_deref())
    }
}
