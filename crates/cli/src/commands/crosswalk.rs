//! `ismap crosswalk` (what an ID is linked to) and `ismap gap` (what a provider still has to
//! evidence for ISMAP, given what it implements in any framework). Both read the built-in
//! criteria and the crosswalk shipped with the binary; neither needs the database.

use super::terminal_width;
use crate::BadInput;
use crate::context::{Context, read_file};
use crate::output;
use anyhow::Result;
use clap::{Args, ValueEnum};
use ismap_core::criteria::ControlKey;
use ismap_core::crosswalk::{FedrampBaseline, Framework};
use ismap_formats::crosswalk::{builtin_crosswalk, held_fedramp, parse_held};
use ismap_report::crosswalk as render;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LookupFormat {
    Table,
    Json,
    Csv,
}

#[derive(Debug, Args)]
pub struct CrosswalkCmd {
    /// The ID to look up, e.g. 9.2.3, ac-2 or A.5.15
    id: String,
    /// The framework of ID: ismap, iso27001-2013, iso27001-2022 or nist-800-53r5 (nist)
    #[arg(long, default_value = "ismap")]
    from: Framework,
    /// Only links into this framework [default: every other framework]
    #[arg(long)]
    to: Option<Framework>,
    #[arg(long, value_enum, default_value_t = LookupFormat::Table)]
    format: LookupFormat,
}

impl CrosswalkCmd {
    pub fn run(self, ctx: &Context) -> Result<()> {
        let catalog = ctx.builtin_catalog()?;
        let cw = builtin_crosswalk();
        let id = cw
            .resolve_id(&catalog, self.from, &self.id)
            .map_err(|e| BadInput(format!("{}: {}", self.id, e.reason())))?;
        if self.to == Some(self.from) {
            return Err(BadInput(format!("--to: same framework as --from ({})", self.from)).into());
        }
        let lookup = cw.lookup(&catalog, self.from, &id, self.to);
        let view = render::lookup_view(&lookup, &catalog, ctx.lang);
        let text = match self.format {
            LookupFormat::Table => render::lookup_table(&view, ctx.lang, terminal_width()),
            LookupFormat::Csv => render::lookup_csv(&view),
            LookupFormat::Json => pretty(&view),
        };
        output::write(&text, None)
    }
}

fn pretty<T: serde::Serialize>(v: &T) -> String {
    let mut text = serde_json::to_string_pretty(v).unwrap_or_default();
    text.push('\n');
    text
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GapFormat {
    Table,
    Markdown,
    Json,
    /// A workbook (needs -o FILE)
    Xlsx,
}

/// Which ISMAP controls the analysis covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GapControls {
    /// Every mandatory item (the "basic" baseline)
    Basic,
    /// Every item of the criteria
    All,
}

#[derive(Debug, Args)]
pub struct GapCmd {
    /// What is implemented: a CSV file (framework,id[,status]), an OSCAL component
    /// definition or SSP (JSON), or fedramp-low|fedramp-moderate|fedramp-high|fedramp-li-saas
    #[arg(long, value_name = "FILE|BASELINE")]
    have: String,
    #[arg(long, value_enum, default_value_t = GapControls::Basic)]
    controls: GapControls,
    #[arg(long, value_enum, default_value_t = GapFormat::Table)]
    format: GapFormat,
    /// Write the result to this file instead of standard output
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

impl GapCmd {
    pub fn run(self, ctx: &Context) -> Result<()> {
        let catalog = ctx.builtin_catalog()?;
        let cw = builtin_crosswalk();
        let (held, described) = match self.have.parse::<FedrampBaseline>() {
            Ok(b) if self.have.to_ascii_lowercase().starts_with("fedramp") => {
                (held_fedramp(cw, b), b.label().to_owned())
            }
            _ => {
                let path = PathBuf::from(&self.have);
                let name = path.display().to_string();
                let held = parse_held(&name, &read_file(&path)?, cw, &catalog)?;
                let file = path
                    .file_name()
                    .map_or(name.clone(), |f| f.to_string_lossy().into_owned());
                let n = held.len();
                (
                    held,
                    format!("{file} ({n} {})", ctx.lang.pick("件", "controls")),
                )
            }
        };
        let controls: Vec<ControlKey> = match self.controls {
            GapControls::Basic => catalog.basic_baseline(),
            GapControls::All => catalog.keys().collect(),
        };
        let gap = cw.gap(&catalog, &controls, &held);
        let nist = held.iter().any(|h| h.node.framework == Framework::Nist);
        let view = render::gap_view(&gap, &catalog, described, nist, ctx.lang);
        let text = match self.format {
            GapFormat::Table => render::gap_table(&view, ctx.lang, terminal_width()),
            GapFormat::Markdown => render::gap_markdown(&view, ctx.lang),
            GapFormat::Json => pretty(&view),
            GapFormat::Xlsx => {
                let Some(path) = self.output.as_deref() else {
                    return Err(BadInput("--format xlsx: name the file with -o FILE".into()).into());
                };
                let bytes = render::gap_xlsx(&view, ctx.lang).map_err(anyhow::Error::msg)?;
                return output::emit(Some(path), |w| w.write_all(&bytes));
            }
        };
        output::write(&text, self.output.as_deref())
    }
}
