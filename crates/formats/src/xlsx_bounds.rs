//! What a workbook's sheets claim, checked before calamine reads them. calamine 0.38 adds up a
//! cell reference's column and row in a `u32` without checks (a cell `ZZZZZZZ1` or
//! `A9999999999` overflows: a panic, or a wrapped position) and then builds the dense rectangle
//! from the smallest to the largest cell (two cells, `A1` and `XFD1048576`, ask for 17 billion
//! cells). Both are refused here, naming the sheet and the reference; see docs/fuzzing.md.

use crate::InputError;
use std::io::Read;

/// Excel's own limits.
const MAX_ROWS: u64 = 1_048_576;
const MAX_COLUMNS: u64 = 16_384;
/// The most cells a sheet's rectangle may span: a statements sheet of 10,000 registrations
/// with every criterion stated is about 13 million cells.
pub const MAX_CELLS: u64 = 16_000_000;
/// A cell reference is at most `XFD1048576`.
const MAX_REFERENCE: usize = 16;

/// Refuses a workbook whose sheets hold a cell reference beyond Excel's limits, or whose cells
/// span more than [`MAX_CELLS`]. A file that is not a readable ZIP is left to calamine, which
/// says so.
pub fn check(name: &str, bytes: &[u8]) -> Result<(), InputError> {
    let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return Ok(());
    };
    for i in 0..zip.len() {
        let Ok(part) = zip.by_index(i) else {
            continue;
        };
        // A name that is not UTF-8 is no worksheet of ours; calamine reports it.
        let Ok(part_name) = part.name().map(|n| n.into_owned()) else {
            continue;
        };
        if !(part_name.starts_with("xl/worksheets/") && part_name.ends_with(".xml")) {
            continue;
        }
        let label = format!("{name} [{part_name}]");
        let mut scan = Scan::default();
        let mut buf = [0u8; 64 * 1024];
        let mut reader = part;
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) | Err(_) => break, // an unreadable part is calamine's to report
                Ok(n) => n,
            };
            for &b in &buf[..n] {
                scan.byte(b).map_err(|e| InputError::new(&label, e))?;
            }
        }
        scan.finish().map_err(|e| InputError::new(&label, e))?;
    }
    Ok(())
}

/// Reads ` r="…"` attributes byte by byte (a sheet may be hundreds of megabytes).
#[derive(Default)]
struct Scan {
    /// How much of ` r="` has been seen.
    matched: u8,
    /// The attribute's value while inside it.
    value: Option<Vec<u8>>,
    rows: Option<(u64, u64)>,
    columns: Option<(u64, u64)>,
}

impl Scan {
    fn byte(&mut self, b: u8) -> Result<(), String> {
        if let Some(value) = &mut self.value {
            if b == b'"' {
                let reference = std::mem::take(value);
                self.value = None;
                return self.reference(&reference);
            }
            if value.len() >= MAX_REFERENCE {
                return Err(format!(
                    "a cell reference longer than {MAX_REFERENCE} characters (starts {:?})",
                    String::from_utf8_lossy(value)
                ));
            }
            value.push(b);
            return Ok(());
        }
        self.matched = match (self.matched, b) {
            (_, b' ' | b'\t' | b'\n' | b'\r') => 1,
            (1, b'r') => 2,
            (2, b'=') => 3,
            (3, b'"') => {
                self.value = Some(Vec::new());
                0
            }
            _ => 0,
        };
        Ok(())
    }

    /// `B12` (a cell) or `12` (a row).
    fn reference(&mut self, reference: &[u8]) -> Result<(), String> {
        let text = String::from_utf8_lossy(reference);
        let letters = reference
            .iter()
            .take_while(|b| b.is_ascii_alphabetic())
            .count();
        let (column, row) = reference.split_at(letters);
        if row.is_empty() || !row.iter().all(u8::is_ascii_digit) {
            return Err(format!("{text:?} is not a cell reference"));
        }
        let beyond = |what: &str, max: u64| {
            format!("cell reference {text:?}: the {what} is beyond Excel's limit of {max}")
        };
        let row_number = row
            .iter()
            .try_fold(0u64, |n, d| {
                n.checked_mul(10)?.checked_add(u64::from(d - b'0'))
            })
            .filter(|n| (1..=MAX_ROWS).contains(n))
            .ok_or_else(|| beyond("row", MAX_ROWS))?;
        widen(&mut self.rows, row_number);
        if letters > 0 {
            let column_number = column
                .iter()
                .try_fold(0u64, |n, c| {
                    let digit = u64::from(c.to_ascii_uppercase() - b'A' + 1);
                    n.checked_mul(26)?.checked_add(digit)
                })
                .filter(|n| *n <= MAX_COLUMNS)
                .ok_or_else(|| beyond("column", MAX_COLUMNS))?;
            widen(&mut self.columns, column_number);
        }
        Ok(())
    }

    /// The rectangle the cells span must stay within [`MAX_CELLS`].
    fn finish(&self) -> Result<(), String> {
        let (Some((top, bottom)), Some((left, right))) = (self.rows, self.columns) else {
            return Ok(());
        };
        let cells = (bottom - top + 1) * (right - left + 1);
        if cells > MAX_CELLS {
            return Err(format!(
                "the cells span rows {top}–{bottom} and columns {left}–{right}, {cells} cells; at most {MAX_CELLS} are read"
            ));
        }
        Ok(())
    }
}

fn widen(span: &mut Option<(u64, u64)>, n: u64) {
    *span = Some(match *span {
        None => (n, n),
        Some((low, high)) => (low.min(n), high.max(n)),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A minimal workbook whose one sheet holds `cells` as `(reference, text)`.
    pub(crate) fn workbook(cells: &[(&str, &str)]) -> Vec<u8> {
        let cells: String = cells
            .iter()
            .map(|(r, t)| format!(r#"<c r="{r}" t="inlineStr"><is><t>{t}</t></is></c>"#))
            .collect();
        let parts = [
            (
                "[Content_Types].xml",
                r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_owned(),
            ),
            (
                "_rels/.rels",
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_owned(),
            ),
            (
                "xl/workbook.xml",
                r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="registry" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_owned(),
            ),
            (
                "xl/_rels/workbook.xml.rels",
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_owned(),
            ),
            (
                "xl/worksheets/sheet1.xml",
                format!(
                    r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">{cells}</row></sheetData></worksheet>"#
                ),
            ),
        ];
        let mut out = std::io::Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, text) in parts {
            zip.start_file(name, options).expect("part");
            zip.write_all(text.as_bytes()).expect("write");
        }
        zip.finish().expect("zip");
        out.into_inner()
    }

    #[test]
    fn references_beyond_excels_limits_are_refused() {
        // (cells, the error names …) — found by cargo-fuzz against calamine 0.38
        type Cells<'a> = &'a [(&'a str, &'a str)];
        let cases: [(Cells, Option<&str>); 7] = [
            (&[("A1", "登録番号"), ("B1", "制度")], None),
            (&[("A1", "x"), ("XFD1", "y")], None), // the widest row Excel allows
            (
                &[("ZZZZZZZ1", "x")],
                Some("\"ZZZZZZZ1\": the column is beyond"),
            ),
            (
                &[("zzzzzzz1", "x")],
                Some("\"zzzzzzz1\": the column is beyond"),
            ),
            (
                &[("A9999999999", "x")],
                Some("\"A9999999999\": the row is beyond"),
            ),
            (
                &[("A1", "x"), ("XFD1048576", "y")],
                Some("17179869184 cells"),
            ),
            (&[("A1B", "x")], Some("\"A1B\" is not a cell reference")),
        ];
        for (cells, expected) in cases {
            let result = check("r.xlsx", &workbook(cells));
            match expected {
                None => assert!(result.is_ok(), "{cells:?}: {result:?}"),
                Some(text) => {
                    let err = result.expect_err("refused").to_string();
                    assert!(
                        err.starts_with("r.xlsx [xl/worksheets/sheet1.xml]") && err.contains(text),
                        "{cells:?}: {err}"
                    );
                }
            }
        }
        // not a ZIP at all: calamine reports it
        assert!(check("r.xlsx", b"not a zip").is_ok());
    }

    /// Through the reader every import uses: an error, never calamine's overflow panic.
    #[test]
    fn the_reader_refuses_before_calamine_sees_the_sheet() {
        let bad = workbook(&[("A1", "登録番号"), ("ZZZZZZZ2", "x")]);
        let Err(err) = crate::spreadsheet::read_xlsx("r.xlsx", &bad) else {
            panic!("read");
        };
        assert!(err.to_string().contains("ZZZZZZZ2"), "{err}");
        let good = workbook(&[("A1", "登録番号"), ("B1", "制度")]);
        let sheet = crate::spreadsheet::read_xlsx("r.xlsx", &good).expect("read");
        assert_eq!(sheet.headers, ["登録番号", "制度"]);
    }
}
