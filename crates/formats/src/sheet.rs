//! A spreadsheet read as a header row and data rows, whatever the file (CSV or XLSX), with the
//! column mapping and cell parsing that every table import shares. Errors name the file (and
//! sheet), the row, the column header and the value.

use crate::InputError;
use crate::date::{EXPECTED_LOOSE, from_excel_serial, parse_date_loose};
use chrono::NaiveDate;
use ismap_core::text::match_key;

/// A column a table import knows: its key, its Japanese header (written on export) and its
/// English alias.
pub struct Column {
    pub key: &'static str,
    pub ja: &'static str,
    pub en: &'static str,
    pub required: bool,
}

/// Headers earlier versions wrote, and the header each now means: files written before stay
/// readable.
const FORMER_HEADERS: [(&str, &str); 2] = [
    ("言明対象範囲 (含む)", "言明対象範囲に含むもの"),
    ("言明対象範囲 (含まない)", "言明対象範囲に含まないもの"),
];

/// Headers compare after NFKC and case folding, without spaces, parentheses and underscores.
fn header_key(text: &str) -> String {
    match_key(text)
        .chars()
        .filter(|c| !matches!(c, ' ' | '(' | ')' | '_' | '・'))
        .collect()
}

/// One cell as read.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Date(NaiveDate),
}

impl Cell {
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.trim().to_owned(),
            Cell::Number(n) if n.fract() == 0.0 => format!("{n:.0}"),
            Cell::Number(n) => n.to_string(),
            Cell::Date(d) => d.to_string(),
        }
    }
}

/// A sheet: the header row and the data rows with their 1-based row numbers.
pub struct Sheet {
    /// How errors name it: `file.csv` or `file.xlsx [sheet]`.
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<(usize, Vec<Cell>)>,
}

/// List cells split on `;`, `、` and new lines.
pub fn split_list(text: &str) -> Vec<String> {
    text.split([';', '；', '、', '\n', '\r'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

impl Sheet {
    fn error(
        &self,
        row: usize,
        col: usize,
        header: &str,
        message: impl Into<String>,
    ) -> InputError {
        InputError::new(&self.name, message)
            .at(row, col.max(1))
            .field(header.to_owned())
    }

    /// The data rows with `columns` located by their headers: an unknown or repeated header,
    /// or a missing required one, is an error.
    pub fn rows<'a>(&'a self, columns: &'a [Column]) -> Result<Vec<Row<'a>>, InputError> {
        let mut positions: Vec<Option<usize>> = vec![None; columns.len()];
        for (i, h) in self.headers.iter().enumerate() {
            let mut key = header_key(h);
            if key.is_empty() {
                continue;
            }
            if let Some((_, now)) = FORMER_HEADERS
                .iter()
                .find(|(was, _)| header_key(was) == key)
            {
                key = header_key(now);
            }
            match columns
                .iter()
                .position(|c| header_key(c.ja) == key || header_key(c.en) == key)
            {
                Some(c) if positions[c].is_none() => positions[c] = Some(i),
                Some(_) => return Err(self.error(1, i + 1, h, "column appears twice")),
                None => {
                    let known: Vec<&str> = columns.iter().map(|c| c.ja).collect();
                    return Err(self.error(
                        1,
                        i + 1,
                        h,
                        format!("unknown column; expected one of {}", known.join(", ")),
                    ));
                }
            }
        }
        if let Some((c, _)) = columns
            .iter()
            .zip(&positions)
            .find(|(c, p)| c.required && p.is_none())
        {
            return Err(InputError::new(
                &self.name,
                format!("the header row has no column {} ({})", c.ja, c.en),
            )
            .at(1, 1));
        }
        let positions = std::rc::Rc::new(positions);
        Ok(self
            .rows
            .iter()
            .filter(|(_, cells)| cells.iter().any(|c| !c.text().is_empty()))
            .map(|(number, cells)| Row {
                sheet: self,
                columns,
                positions: positions.clone(),
                number: *number,
                cells,
            })
            .collect())
    }
}

/// One data row, read by column key.
pub struct Row<'a> {
    sheet: &'a Sheet,
    columns: &'a [Column],
    positions: std::rc::Rc<Vec<Option<usize>>>,
    pub number: usize,
    cells: &'a [Cell],
}

impl Row<'_> {
    /// Column number (1-based, 0 when absent), header and cell of a column key.
    fn cell(&self, key: &str) -> (usize, String, &Cell) {
        let position = self
            .columns
            .iter()
            .position(|c| c.key == key)
            .and_then(|i| self.positions[i]);
        let header = position.map_or_else(|| key.to_owned(), |i| self.sheet.headers[i].clone());
        (
            position.map_or(0, |i| i + 1),
            header,
            position
                .and_then(|i| self.cells.get(i))
                .unwrap_or(&Cell::Empty),
        )
    }

    pub fn text(&self, key: &str) -> String {
        self.cell(key).2.text()
    }

    /// An error about this row's cell in column `key`.
    pub fn error(
        &self,
        key: &str,
        message: impl Into<String>,
        value: Option<String>,
    ) -> InputError {
        let (col, header, cell) = self.cell(key);
        let mut e = self.sheet.error(self.number, col, &header, message);
        e.value = value.or_else(|| Some(cell.text()).filter(|t| !t.is_empty()));
        e
    }

    /// A date cell: a date, an Excel serial or text in any form `parse_date_loose` reads.
    pub fn date(&self, key: &str) -> Result<Option<NaiveDate>, InputError> {
        let parsed = match self.cell(key).2 {
            Cell::Empty => return Ok(None),
            Cell::Date(d) => Some(*d),
            Cell::Number(n) => from_excel_serial(*n),
            Cell::Text(t) if t.trim().is_empty() => return Ok(None),
            Cell::Text(t) => parse_date_loose(t),
        };
        parsed
            .map(Some)
            .ok_or_else(|| self.error(key, format!("expected {EXPECTED_LOOSE}"), None))
    }
}

#[cfg(test)]
mod tests {
    use super::header_key;

    #[test]
    fn headers_match_loosely() {
        assert_eq!(
            header_key("監査対象期間　開始"),
            header_key("監査対象期間 開始")
        );
        assert_eq!(
            header_key("言明対象範囲（含む）"),
            header_key("言明対象範囲 (含む)")
        );
        assert_eq!(header_key("Registration_No"), header_key("registration_no"));
    }
}
