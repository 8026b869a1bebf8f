//! The Markdown rendering, for procurement files and tickets.

use crate::{CheckReport, Labels, counts, date_text};
use ismap_core::check::StatusCounts;
use std::fmt::Write;

/// Makes text safe inside a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
}

fn row(out: &mut String, cells: &[&str]) {
    let cells: Vec<String> = cells.iter().map(|c| cell(c)).collect();
    let _ = writeln!(out, "| {} |", cells.join(" | "));
}

fn header(out: &mut String, cells: &[&str]) {
    row(out, cells);
    let _ = writeln!(out, "|{}", "---|".repeat(cells.len()));
}

pub fn markdown(report: &CheckReport) -> String {
    let l = Labels {
        lang: report.lang(),
    };
    let mut out = String::new();
    let p = &report.profile;
    let _ = writeln!(
        out,
        "# {}: {}\n",
        l.get("ISMAP 調達チェック", "ISMAP procurement check"),
        cell(&p.name)
    );
    let facts = crate::facts(report);
    for (k, v) in facts {
        let _ = writeln!(out, "- {k}: {v}");
    }
    let _ = writeln!(out, "\n## {}\n", l.get("比較", "Comparison"));
    header(&mut out, &l.summary_header());
    for r in report.results.iter() {
        let StatusCounts { pass, review, fail } = counts(&r);
        row(
            &mut out,
            &[
                &r.registration_no,
                r.service_name.as_deref().unwrap_or("-"),
                r.status_label,
                &date_text(r.expires_on),
                &format!("**{}**", r.verdict.label(l.lang)),
                &format!("{pass}/{review}/{fail}"),
            ],
        );
    }
    for r in report.results.iter() {
        let _ = writeln!(
            out,
            "\n## {}\n\n{}: **{}**\n",
            cell(
                format!(
                    "{} {}",
                    r.registration_no,
                    r.service_name.as_deref().unwrap_or_default()
                )
                .trim_end()
            ),
            l.get("判定", "Verdict"),
            r.verdict.label(l.lang)
        );
        header(&mut out, &l.header());
        for c in &r.checks {
            row(
                &mut out,
                &[
                    c.check.label(l.lang),
                    c.status.label(l.lang),
                    c.subject.as_deref().unwrap_or("-"),
                    &c.reason,
                    c.action.unwrap_or("-"),
                    c.code,
                ],
            );
        }
        if !r.responsibilities.is_empty() {
            let _ = writeln!(
                out,
                "\n### {}\n",
                ismap_core::responsibility::heading(l.lang)
            );
            for item in &r.responsibilities {
                let _ = writeln!(out, "- {}", item.text);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn cells_cannot_break_the_table() {
        assert_eq!(cell("a|b\nc\\"), "a\\|b c\\\\");
    }
}
