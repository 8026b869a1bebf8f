//! The Markdown rendering, for procurement files and tickets.

use crate::{CheckReport, Labels, counts, date_text};
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
    let facts = [
        (
            l.get("調達府省庁等", "Agency"),
            p.agency.clone().unwrap_or_else(|| "-".into()),
        ),
        (
            l.get("評価日", "Evaluated on"),
            report.evaluated_on.to_string(),
        ),
        (
            l.get("管理基準のバージョン", "Criteria version"),
            report.criteria_version.clone(),
        ),
        (
            l.get("有効期限の計算", "Expiry rule"),
            report.expiry_rule.clone(),
        ),
        (
            l.get("登録簿", "Registry"),
            format!(
                "{} ({} {})",
                report.registry.source,
                report.registry.entries,
                l.get("件", "entries")
            ),
        ),
        (
            l.get("登録簿 SHA-256", "Registry SHA-256"),
            format!("`{}`", report.registry.sha256),
        ),
        (
            l.get("機密性", "Confidentiality"),
            p.confidentiality.to_string(),
        ),
        (
            l.get("低影響利用の判断", "Low-impact judgment"),
            l.get(
                if p.low_impact { "あり" } else { "なし" },
                if p.low_impact { "yes" } else { "no" },
            )
            .to_owned(),
        ),
        (
            l.get("利用する機能", "Features"),
            if p.features.is_empty() {
                "-".into()
            } else {
                p.features.join("、")
            },
        ),
        (
            l.get("必須とする管理策", "Required controls"),
            p.required_controls.to_string(),
        ),
        (
            l.get("契約期間", "Contract"),
            p.contract
                .as_ref()
                .map_or_else(|| "-".into(), |c| format!("{} – {}", c.start, c.end)),
        ),
    ];
    for (k, v) in facts {
        let _ = writeln!(out, "- {k}: {v}");
    }
    let _ = writeln!(out, "\n## {}\n", l.get("比較", "Comparison"));
    header(&mut out, &l.summary_header());
    for r in report.results.iter() {
        let (pass, review, fail) = counts(&r);
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
                ],
            );
        }
        if !r.responsibilities.is_empty() {
            let _ = writeln!(
                out,
                "\n### {}\n",
                l.get("利用者側の責任", "Customer responsibilities")
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
