//! CSV and XLSX files as [`Sheet`]s, and the registry written back to both.
//! CSV may be UTF-8 (with or without a byte-order mark) or CP932, as Japanese Excel saves it;
//! CSV is written as UTF-8 with a byte-order mark so that Excel opens it correctly.

use crate::InputError;
use crate::sheet::{Cell, Sheet};

/// Sheet names tried first in a workbook; otherwise its first sheet.
/// The sheet the list is written to.
pub const LIST_SHEET: &str = "ISMAPクラウドサービスリスト";

/// (登録簿 is what earlier versions named the list's sheet.)
const SHEET_NAMES: [&str; 5] = [LIST_SHEET, "登録簿", "registry", "言明", "statements"];

/// Text of a CSV file: UTF-8, else CP932 (Shift_JIS as Windows writes it).
fn decode(name: &str, bytes: &[u8]) -> Result<String, InputError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_owned());
    }
    let (text, _, had_errors) = encoding_rs::SHIFT_JIS.decode(bytes);
    if had_errors {
        return Err(InputError::new(
            name,
            "the file is neither UTF-8 nor CP932 (Shift_JIS) text",
        ));
    }
    Ok(text.into_owned())
}

/// A `.csv` or `.xlsx` file, by its extension.
pub fn read_sheet(name: &str, bytes: &[u8]) -> Result<Sheet, InputError> {
    match name
        .rsplit('.')
        .next()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("csv") => read_csv(name, bytes),
        Some("xlsx") => read_xlsx(name, bytes),
        _ => Err(InputError::new(name, "expected a .csv or .xlsx file")),
    }
}

pub fn read_csv(name: &str, bytes: &[u8]) -> Result<Sheet, InputError> {
    let text = decode(name, bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let headers = match records.next() {
        Some(Ok(h)) => h.iter().map(str::to_owned).collect(),
        Some(Err(e)) => return Err(InputError::new(name, e.to_string()).at(1, 1)),
        None => {
            return Err(InputError::new(
                name,
                "the file is empty: expected a header row",
            ));
        }
    };
    let mut rows = Vec::new();
    for record in records {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize);
            InputError::new(name, e.to_string()).at(line, 1)
        })?;
        let line = record
            .position()
            .map_or(rows.len() + 2, |p| p.line() as usize);
        rows.push((
            line,
            record
                .iter()
                .map(|c| {
                    if c.trim().is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(original_cell(c).to_owned())
                    }
                })
                .collect(),
        ));
    }
    Ok(Sheet {
        name: name.to_owned(),
        headers,
        rows,
    })
}

pub use ismap_core::text::inert_cell;

/// The text [`inert_cell`] was given: a file we wrote reads back as it was.
fn original_cell(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if inert_cell(rest) != rest => rest,
        _ => cell,
    }
}

/// A table as CSV: UTF-8 with a byte-order mark, for Excel; every cell made [`inert_cell`].
pub fn write_csv(headers: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    let mut writer = csv::Writer::from_writer(&mut out);
    let _ = writer.write_record(headers.iter().map(|h| inert_cell(h).into_owned()));
    for row in rows {
        let _ = writer.write_record(row.iter().map(|c| inert_cell(c).into_owned()));
    }
    drop(writer);
    out
}

pub fn read_xlsx(name: &str, bytes: &[u8]) -> Result<Sheet, InputError> {
    use calamine::{Data, Reader, Xlsx};
    crate::xlsx_bounds::check(name, bytes)?;
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e| InputError::new(name, format!("not a readable XLSX workbook: {e}")))?;
    let names = book.sheet_names();
    let sheet = SHEET_NAMES
        .iter()
        .find_map(|wanted| names.iter().find(|n| n.trim() == *wanted))
        .or(names.first())
        .cloned()
        .ok_or_else(|| InputError::new(name, "the workbook has no sheet"))?;
    let label = format!("{name} [{sheet}]");
    let range = book
        .worksheet_range(&sheet)
        .map_err(|e| InputError::new(&label, e.to_string()))?;
    let (top, _) = range.start().unwrap_or((0, 0));
    let mut iter = range.rows();
    let headers = match iter.next() {
        Some(row) => row
            .iter()
            .map(|c| c.to_string().trim().to_owned())
            .collect(),
        None => {
            return Err(InputError::new(
                &label,
                "the sheet is empty: expected a header row",
            ));
        }
    };
    let rows = iter
        .enumerate()
        .map(|(i, row)| {
            let cells = row
                .iter()
                .map(|c| match c {
                    Data::Empty => Cell::Empty,
                    Data::String(s) if s.trim().is_empty() => Cell::Empty,
                    Data::String(s) => Cell::Text(s.clone()),
                    Data::Float(f) => Cell::Number(*f),
                    Data::Int(n) => Cell::Number(*n as f64),
                    Data::DateTime(dt) => dt
                        .as_datetime()
                        .map_or_else(|| Cell::Number(dt.as_f64()), |d| Cell::Date(d.date())),
                    other => Cell::Text(other.to_string()),
                })
                .collect();
            (top as usize + i + 2, cells)
        })
        .collect();
    Ok(Sheet {
        name: label,
        headers,
        rows,
    })
}

/// A table as a workbook of one sheet: bold frozen header, filters, wrapped text.
pub fn write_xlsx(
    sheet_name: &str,
    headers: &[&str],
    rows: &[Vec<String>],
) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let e = |e: rust_xlsxwriter::XlsxError| e.to_string();
    sheet.set_name(sheet_name).map_err(e)?;
    let bold = Format::new()
        .set_bold()
        .set_background_color("#DCE6F1")
        .set_text_wrap();
    let wrap = Format::new().set_text_wrap();
    for (c, h) in headers.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *h, &bold)
            .map_err(e)?;
        // Wide enough for the longest of the first rows, within reason.
        let longest = rows
            .iter()
            .take(200)
            .filter_map(|r| r.get(c))
            .map(|v| v.chars().count())
            .max()
            .unwrap_or(0);
        let width = (longest.max(h.chars().count() * 2) as f64 * 1.2).clamp(10.0, 50.0);
        sheet.set_column_width(c as u16, width).map_err(e)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            sheet
                .write_string_with_format(r as u32 + 1, c as u16, value, &wrap)
                .map_err(e)?;
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(e)?;
    sheet
        .autofilter(
            0,
            0,
            rows.len() as u32,
            headers.len().saturating_sub(1) as u16,
        )
        .map_err(e)?;
    book.save_to_buffer().map_err(e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::criteria::builtin_catalog;
    use crate::demo;
    use crate::registry_json::write_registry;
    use crate::registry_table::{rows, sheet_to_registry};
    use ismap_core::registry::Registry;

    fn demo_registry() -> Registry {
        demo::registry()
    }

    /// The registry without control statements: what a registry sheet holds.
    fn without_statements(registry: &Registry) -> String {
        let catalog = builtin_catalog().expect("criteria");
        let mut plain = registry.registrations().to_vec();
        for r in &mut plain {
            let _ = r.set_controls(Vec::new());
        }
        write_registry(&Registry::new(plain).expect("unique"), &catalog)
    }

    #[test]
    fn csv_cells_that_spreadsheets_take_for_formulas_are_written_as_text() {
        let cells = [
            (
                "=HYPERLINK(\"http://evil.example\",\"x\")",
                "'=HYPERLINK(\"http://evil.example\",\"x\")",
            ),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("東京", "東京"),
            ("a=b", "a=b"),
            ("'quoted", "'quoted"),
            ("", ""),
        ];
        let row: Vec<String> = cells.iter().map(|(c, _)| (*c).to_owned()).collect();
        let bytes = write_csv(&["=h"; 10], std::slice::from_ref(&row));
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(&bytes[3..]);
        let records: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("csv")).collect();
        assert_eq!(&records[0][0], "'=h");
        for (i, (_, written)) in cells.iter().enumerate() {
            assert_eq!(&records[1][i], *written, "{i}");
        }
        // Our own files read back as they were.
        let sheet = read_csv("x.csv", &bytes).expect("read");
        let back: Vec<String> = sheet.rows[0]
            .1
            .iter()
            .map(|c| match c {
                Cell::Text(t) => t.clone(),
                _ => String::new(),
            })
            .collect();
        assert_eq!(back, row);
    }

    #[test]
    fn csv_and_xlsx_round_trips() {
        let catalog = builtin_catalog().expect("criteria");
        let registry = demo_registry();
        let (headers, table) = rows(&registry);
        let from_csv = sheet_to_registry(
            &read_csv("r.csv", &write_csv(&headers, &table)).expect("read CSV"),
            &catalog,
        )
        .expect("valid");
        assert_eq!(without_statements(&from_csv), without_statements(&registry));
        let xlsx = write_xlsx(LIST_SHEET, &headers, &table).expect("write XLSX");
        let from_xlsx =
            sheet_to_registry(&read_xlsx("r.xlsx", &xlsx).expect("read XLSX"), &catalog)
                .expect("valid");
        assert_eq!(
            without_statements(&from_xlsx),
            without_statements(&registry)
        );
    }

    const HEADER: &str = "登録番号,制度,サービス名称,事業者名,登録日,監査対象期間 開始,監査対象期間 終了,リージョン,言明対象範囲（含む）\n";

    fn csv(rows: &str) -> Result<Registry, InputError> {
        sheet_to_registry(
            &read_csv("r.csv", format!("{HEADER}{rows}").as_bytes())?,
            &builtin_catalog().expect("criteria"),
        )
    }

    #[test]
    fn tolerant_cells() {
        let r = csv("C99-0001-1,ISMAP-LIU,Svc,Prov,令和6年6月1日,2023/4/1,2024年3月31日,\"東京 (JP, 選択可); 大阪（JP）\",\"仮想マシン、ストレージ\nDNS\"\n")
            .expect("valid");
        let r = &r.registrations()[0];
        assert_eq!(r.registered_on.to_string(), "2024-06-01");
        assert_eq!(r.audit_period.end().to_string(), "2024-03-31");
        assert_eq!(r.regions.len(), 2);
        assert!(r.regions[0].selectable && !r.regions[1].selectable);
        assert_eq!(r.scope.included.len(), 3);
        assert_eq!(r.program.as_str(), "ismap-liu");
    }

    #[test]
    fn cp932_csv() {
        let text = format!(
            "{HEADER}C99-0001-1,ISMAP,サービス,事業者,2024-06-01,2023-04-01,2024-03-31,東京 (JP),\n"
        );
        let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(&text);
        let registry = sheet_to_registry(
            &read_csv("sjis.csv", &bytes).expect("CP932"),
            &builtin_catalog().expect("criteria"),
        )
        .expect("valid");
        assert_eq!(registry.registrations()[0].service_name, "サービス");
        assert!(
            read_csv("bad.csv", b"\x81\x20,\x82\n").is_err(),
            "neither UTF-8 nor CP932"
        );
    }

    #[test]
    fn errors_name_row_column_and_value() {
        let cases = [
            (
                "C99-0001-1,ISMAP,S,P,2024-06-01,2023-04-01,2024/02/30,東京 (JP),\n",
                "r.csv:2:7: 監査対象期間 終了: expected a date such as 2021-03-12, 2021/3/12, 2021年3月12日, 令和3年3月12日 or an Excel date serial (value \"2024/02/30\")",
            ),
            (
                "C99-0001-1,FedRAMP,S,P,2024-06-01,2023-04-01,2024-03-31,東京 (JP),\n",
                "r.csv:2:2: 制度: expected \"ismap\" or \"ismap-liu\" (value \"FedRAMP\")",
            ),
            (
                "C99-0001-1,ISMAP,S,P,2024-06-01,2023-04-01,2024-03-31,東京,\n",
                "r.csv:2:8: リージョン: expected a region written as 名前 (国コード) or 名前 (国コード, 選択可), e.g. 東京 (JP, 選択可) (value \"東京\")",
            ),
            (
                "C99-0001-1,ISMAP,S,P,2024-06-01,2023-04-01,2024-03-31,東京 (JPN),\n",
                "r.csv:2:8: リージョン: expected an ISO 3166-1 alpha-2 country code such as JP (value \"JPN\")",
            ),
            (
                "C99-0001-1,ISMAP,S,P,2024-06-01,2023-04-01,2024-04-01,,\n",
                "r.csv:2:7: 監査対象期間 終了: the audit period 2023-04-01 – 2024-04-01 is longer than 12 months (it may end on 2024-03-31 at the latest) (value \"2024-04-01\")",
            ),
            (
                "C99-0001-1,ISMAP,S,P,2024-06-01,2023-04-01,2024-03-31,,\nC99-0001-1,ISMAP,T,P,2024-06-01,2023-04-01,2024-03-31,,\n",
                "r.csv:3:1: 登録番号: duplicate registration number (first in data row 1) (value \"C99-0001-1\")",
            ),
        ];
        for (rows, expected) in cases {
            assert_eq!(
                csv(rows).err().map(|e| e.to_string()).as_deref(),
                Some(expected),
                "{rows}"
            );
        }
        let unknown = sheet_to_registry(
            &read_csv("r.csv", "登録番号,色\n".as_bytes()).expect("csv"),
            &builtin_catalog().expect("criteria"),
        );
        assert!(
            unknown
                .err()
                .is_some_and(|e| e.to_string().starts_with("r.csv:1:2: 色: unknown column"))
        );
        let missing = sheet_to_registry(
            &read_csv("r.csv", "登録番号\n".as_bytes()).expect("csv"),
            &builtin_catalog().expect("criteria"),
        );
        assert!(
            missing
                .err()
                .is_some_and(|e| e.to_string().contains("no column 制度"))
        );
    }
}
