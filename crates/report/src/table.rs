//! The terminal rendering: a summary table, then one table per candidate.

use crate::{CheckReport, Labels, counts, date_text};
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};
use ismap_core::check::StatusCounts;
use std::fmt::Write;

fn new_table(width: u16) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(width);
    t
}

/// Renders the report for a terminal `width` columns wide.
pub fn table(report: &CheckReport, width: u16) -> String {
    let l = Labels {
        lang: report.lang(),
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {}",
        l.get("調達件名", "Profile"),
        report.profile.name
    );
    let _ = writeln!(
        out,
        "{} {} / {} {} / {} {} ({} {})",
        l.get("評価日", "Evaluated on"),
        report.evaluated_on,
        l.get("管理基準", "Criteria"),
        report.criteria_version,
        l.get("リスト", "Registry"),
        &report.registry.sha256[..report.registry.sha256.len().min(12)],
        report.registry.entries,
        l.get("件", "entries"),
    );
    let _ = writeln!(out, "{}", ismap_core::check::scope_note(l.lang));
    let mut summary = new_table(width);
    summary.set_header(l.summary_header());
    for r in report.results.iter() {
        let StatusCounts { pass, review, fail } = counts(&r);
        summary.add_row(vec![
            r.registration_no.clone(),
            r.service_name.clone().unwrap_or_default(),
            r.status_label.to_owned(),
            date_text(r.expires_on),
            r.verdict.label(l.lang).to_owned(),
            format!("{pass}/{review}/{fail}"),
        ]);
    }
    let _ = writeln!(out, "{summary}");
    for r in report.results.iter() {
        let _ = writeln!(
            out,
            "\n{} {} — {}: {}",
            r.registration_no,
            r.service_name.as_deref().unwrap_or_default(),
            l.get("判定", "verdict"),
            r.verdict.label(l.lang)
        );
        let mut t = new_table(width);
        t.set_header(l.header());
        for c in &r.checks {
            t.add_row(vec![
                c.check.label(l.lang).to_owned(),
                c.status.label(l.lang).to_owned(),
                c.subject.clone().unwrap_or_default(),
                c.reason.clone(),
                c.action.unwrap_or_default().to_owned(),
                c.code.to_owned(),
            ]);
        }
        let _ = writeln!(out, "{t}");
        if !r.responsibilities.is_empty() {
            let _ = writeln!(out, "{}:", ismap_core::responsibility::heading(l.lang));
            for item in &r.responsibilities {
                let _ = writeln!(out, "  - {}", item.text);
            }
        }
    }
    out
}
