//! One switch from a check report to each format it is written in.

use crate::CheckReport;
use std::io::{self, Write};

/// A check report's formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A terminal table `width` columns wide.
    Table {
        width: u16,
    },
    Markdown,
    /// The whole report, pretty-printed.
    Json,
    /// One JSON line per candidate: the verdict, counts per status, the entries not a pass.
    Summary,
    /// A workbook: a comparison sheet and one sheet per candidate.
    Xlsx,
    /// OSCAL assessment-results: one result per candidate, one finding per entry.
    Oscal,
    /// A4 check sheets with the Japanese font embedded.
    Pdf,
}

impl Format {
    /// Bytes a terminal should not receive: written to a file or downloaded.
    pub fn is_binary(self) -> bool {
        matches!(self, Format::Xlsx | Format::Pdf)
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Format::Table { .. } => "text/plain; charset=utf-8",
            Format::Markdown => "text/markdown; charset=utf-8",
            Format::Json | Format::Oscal => "application/json",
            Format::Summary => "application/x-ndjson",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Pdf => "application/pdf",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Table { .. } => "txt",
            Format::Markdown => "md",
            Format::Json | Format::Oscal => "json",
            Format::Summary => "jsonl",
            Format::Xlsx => "xlsx",
            Format::Pdf => "pdf",
        }
    }
}

impl CheckReport<'_> {
    /// Writes the report in `format`. JSON and the summary stream one candidate at a time; the
    /// other formats are built whole, then written.
    pub fn render(&self, format: Format, w: &mut dyn Write) -> io::Result<()> {
        let bytes = match format {
            Format::Json => return self.write_json(w),
            Format::Summary => return self.write_summary(w),
            Format::Table { width } => crate::table(self, width).into_bytes(),
            Format::Markdown => crate::markdown(self).into_bytes(),
            Format::Xlsx => crate::xlsx(self).map_err(io::Error::other)?,
            Format::Pdf => crate::pdf::check_sheets(self).map_err(io::Error::other)?,
            Format::Oscal => {
                let views: Vec<_> = self.results.iter().collect();
                let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
                let doc = ismap_formats::oscal::assessment_results(
                    &self.profile.name,
                    self.evaluated_on,
                    &self.criteria_version,
                    &self.registry.sha256,
                    &views,
                    &now,
                );
                let mut text = serde_json::to_vec_pretty(&doc).map_err(io::Error::other)?;
                text.push(b'\n');
                text
            }
        };
        w.write_all(&bytes)
    }
}
