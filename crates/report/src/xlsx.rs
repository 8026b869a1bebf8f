//! The report as a workbook: a comparison sheet (one row per candidate, one column per check)
//! and one sheet per candidate with every entry; frozen headers, filters, column widths, and
//! each status as a word on a coloured cell.

use crate::{CheckReport, Labels, counts, date_text};
use ismap_core::check::{CheckKind, ResultView, Status, StatusCounts};
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

pub(crate) fn status_format(status: Status) -> Format {
    let (fg, bg) = match status {
        Status::Pass => ("#1A7F37", "#DAFBE1"),
        Status::Review => ("#7A4D00", "#FFF1C2"),
        Status::Fail => ("#B3261E", "#FFE2DF"),
    };
    Format::new()
        .set_bold()
        .set_font_color(fg)
        .set_background_color(bg)
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`, unique in the book.
fn sheet_name(wanted: &str, taken: &mut Vec<String>) -> String {
    let clean: String = wanted
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(28)
        .collect();
    let mut name = clean.clone();
    let mut n = 2;
    while taken.iter().any(|t| t.eq_ignore_ascii_case(&name)) {
        name = format!("{clean}~{n}");
        n += 1;
    }
    taken.push(name.clone());
    name
}

fn facts_rows(
    sheet: &mut Worksheet,
    report: &CheckReport,
    l: &Labels,
    bold: &Format,
) -> Result<u32, XlsxError> {
    let mut rows = vec![(l.get("調達件名", "Profile"), report.profile.name.clone())];
    rows.extend(crate::facts(report));
    for (i, (k, v)) in rows.iter().enumerate() {
        sheet.write_string_with_format(i as u32, 0, *k, bold)?;
        sheet.write_string(i as u32, 1, v)?;
    }
    Ok(rows.len() as u32 + 1)
}

fn build(report: &CheckReport) -> Result<Workbook, XlsxError> {
    let l = Labels {
        lang: report.lang(),
    };
    let bold = Format::new().set_bold();
    let head = Format::new()
        .set_bold()
        .set_background_color("#DCE6F1")
        .set_text_wrap()
        .set_border_bottom(rust_xlsxwriter::FormatBorder::Thin);
    let wrap = Format::new()
        .set_text_wrap()
        .set_align(rust_xlsxwriter::FormatAlign::Top);
    let mut book = Workbook::new();
    let mut taken = Vec::new();

    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name(l.get("比較", "Comparison"), &mut taken))?;
    let top = facts_rows(sheet, report, &l, &bold)?;
    let mut headers: Vec<&str> = l.summary_header().to_vec();
    headers.extend(CheckKind::ALL.map(|k| k.label(l.lang)));
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(top, c as u16, *h, &head)?;
        sheet.set_column_width(c as u16, if c == 1 { 36.0 } else { 14.0 })?;
    }
    let results: Vec<ResultView> = report.results.iter().collect();
    for (i, r) in results.iter().enumerate() {
        let row = top + 1 + i as u32;
        let StatusCounts { pass, review, fail } = counts(r);
        sheet.write_string(row, 0, &r.registration_no)?;
        sheet.write_string_with_format(row, 1, r.service_name.as_deref().unwrap_or("-"), &wrap)?;
        sheet.write_string(row, 2, r.status_label)?;
        sheet.write_string(row, 3, date_text(r.expires_on))?;
        sheet.write_string_with_format(
            row,
            4,
            r.verdict.label(l.lang),
            &status_format(r.verdict),
        )?;
        sheet.write_string(row, 5, format!("{pass}/{review}/{fail}"))?;
        for (k, kind) in CheckKind::ALL.iter().enumerate() {
            let col = 6 + k as u16;
            match crate::check_summary(r, *kind).map(|(s, _)| s) {
                Some(s) => {
                    sheet.write_string_with_format(row, col, s.label(l.lang), &status_format(s))?
                }
                None => sheet.write_string(row, col, "-")?,
            };
        }
    }
    sheet.set_freeze_panes(top + 1, 1)?;
    sheet.autofilter(top, 0, top + results.len() as u32, headers.len() as u16 - 1)?;

    for r in &results {
        let sheet = book.add_worksheet();
        sheet.set_name(sheet_name(&r.registration_no, &mut taken))?;
        sheet.write_string_with_format(
            0,
            0,
            format!(
                "{} {}",
                r.registration_no,
                r.service_name.as_deref().unwrap_or("")
            ),
            &bold,
        )?;
        sheet.write_string(
            1,
            0,
            format!(
                "{}: {} / {}",
                l.get("判定", "Verdict"),
                r.verdict.label(l.lang),
                r.status_label
            ),
        )?;
        let header = l.header();
        for (c, h) in header.iter().enumerate() {
            sheet.write_string_with_format(3, c as u16, *h, &head)?;
            sheet.set_column_width(c as u16, [14.0, 10.0, 30.0, 60.0, 60.0, 24.0][c])?;
        }
        for (i, c) in r.checks.iter().enumerate() {
            let row = 4 + i as u32;
            sheet.write_string(row, 0, c.check.label(l.lang))?;
            sheet.write_string_with_format(
                row,
                1,
                c.status.label(l.lang),
                &status_format(c.status),
            )?;
            sheet.write_string_with_format(row, 2, c.subject.as_deref().unwrap_or("-"), &wrap)?;
            sheet.write_string_with_format(row, 3, &c.reason, &wrap)?;
            sheet.write_string_with_format(row, 4, c.action.unwrap_or("-"), &wrap)?;
            sheet.write_string(row, 5, c.code)?;
        }
        let last = 3 + r.checks.len() as u32;
        sheet.set_freeze_panes(4, 0)?;
        sheet.autofilter(3, 0, last, 5)?;
        if !r.responsibilities.is_empty() {
            sheet.write_string_with_format(
                last + 2,
                0,
                ismap_core::responsibility::heading(l.lang),
                &bold,
            )?;
            for (i, item) in r.responsibilities.iter().enumerate() {
                sheet.merge_range(
                    last + 3 + i as u32,
                    0,
                    last + 3 + i as u32,
                    4,
                    item.text,
                    &wrap,
                )?;
            }
        }
    }
    Ok(book)
}

/// The report as XLSX bytes.
pub fn xlsx(report: &CheckReport) -> Result<Vec<u8>, String> {
    build(report)
        .and_then(|mut b| b.save_to_buffer())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::sheet_name;

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let mut taken = Vec::new();
        assert_eq!(sheet_name("C21-0008-2", &mut taken), "C21-0008-2");
        assert_eq!(sheet_name("C21-0008-2", &mut taken), "C21-0008-2~2");
        assert_eq!(sheet_name("a/b:c", &mut taken), "a_b_c");
        assert!(sheet_name(&"x".repeat(40), &mut taken).chars().count() <= 31);
    }
}
