//! The registry as a spreadsheet (CSV or XLSX): one row per registration, Japanese column
//! headers (English aliases accepted), list cells split on `;`, `、` or new lines, dates as
//! clerks type them. Rows are turned into the registry file's documents and validated by the
//! same code as JSON; errors name the file (and sheet), row, column header and value.

use crate::InputError;
use crate::date::{EXPECTED_LOOSE, from_excel_serial, parse_date_loose};
use crate::registry_json::{
    AuditPeriodDoc, RegionDoc, RegistrationDoc, ScopeDoc, registration_from_doc,
};
use ismap_core::criteria::Catalog;
use ismap_core::registration::Registration;
use ismap_core::registry::Registry;
use ismap_core::text::match_key;
use std::borrow::Cow;

/// A column: its key, its Japanese header (written on export) and accepted aliases.
struct Column {
    key: &'static str,
    ja: &'static str,
    en: &'static str,
    required: bool,
}

const COLUMNS: [Column; 14] = [
    Column {
        key: "registration_no",
        ja: "登録番号",
        en: "registration_no",
        required: true,
    },
    Column {
        key: "program",
        ja: "制度",
        en: "program",
        required: true,
    },
    Column {
        key: "service_name",
        ja: "サービス名称",
        en: "service_name",
        required: true,
    },
    Column {
        key: "provider",
        ja: "事業者名",
        en: "provider",
        required: true,
    },
    Column {
        key: "service_model",
        ja: "サービスモデル",
        en: "service_model",
        required: false,
    },
    Column {
        key: "registered_on",
        ja: "登録日",
        en: "registered_on",
        required: true,
    },
    Column {
        key: "audit_start",
        ja: "監査対象期間 開始",
        en: "audit_start",
        required: true,
    },
    Column {
        key: "audit_end",
        ja: "監査対象期間 終了",
        en: "audit_end",
        required: true,
    },
    Column {
        key: "renewal_filed_on",
        ja: "更新申請日",
        en: "renewal_filed_on",
        required: false,
    },
    Column {
        key: "revoked_on",
        ja: "登録取消日",
        en: "revoked_on",
        required: false,
    },
    Column {
        key: "scope_included",
        ja: "言明対象範囲 (含む)",
        en: "scope_included",
        required: false,
    },
    Column {
        key: "scope_excluded",
        ja: "言明対象範囲 (含まない)",
        en: "scope_excluded",
        required: false,
    },
    Column {
        key: "regions",
        ja: "リージョン",
        en: "regions",
        required: false,
    },
    Column {
        key: "underlying",
        ja: "基盤サービス",
        en: "underlying",
        required: false,
    },
];

/// Headers compare after NFKC, case folding and with spaces, parentheses and underscores removed.
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
    Date(chrono::NaiveDate),
}

impl Cell {
    fn text(&self) -> String {
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

fn split_list(text: &str) -> Vec<String> {
    text.split([';', '；', '、', '\n', '\r'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `東京 (JP, 選択可)` → name, country, selectable.
fn parse_region(text: &str) -> Option<(String, String, bool)> {
    let open = text.rfind(['(', '（'])?;
    let inner = text[open..]
        .trim_start_matches(['(', '（'])
        .trim_end_matches([')', '）']);
    let mut parts = inner.split([',', '，', '、']).map(str::trim);
    let country = parts.next()?.to_owned();
    let selectable = parts.any(|p| matches!(match_key(p).as_str(), "選択可" | "selectable"));
    let name = text[..open].trim().to_owned();
    (!name.is_empty()).then_some((name, country, selectable))
}

impl Sheet {
    /// Builds the registry: every row is checked before anything is returned.
    pub fn to_registry(&self, catalog: &Catalog) -> Result<Registry, InputError> {
        let at = |row: usize, col: usize, header: &str| {
            InputError::new(&self.name, "")
                .at(row, col)
                .field(header.to_owned())
        };
        // Map each known column to its position in this sheet.
        let mut positions: Vec<Option<usize>> = vec![None; COLUMNS.len()];
        for (i, h) in self.headers.iter().enumerate() {
            let key = header_key(h);
            if key.is_empty() {
                continue;
            }
            match COLUMNS
                .iter()
                .position(|c| header_key(c.ja) == key || header_key(c.en) == key)
            {
                Some(c) if positions[c].is_none() => positions[c] = Some(i),
                Some(_) => {
                    return Err(InputError {
                        message: "column appears twice".into(),
                        ..at(1, i + 1, h)
                    });
                }
                None => {
                    let known: Vec<&str> = COLUMNS.iter().map(|c| c.ja).collect();
                    return Err(InputError {
                        message: format!("unknown column; expected one of {}", known.join(", ")),
                        ..at(1, i + 1, h)
                    });
                }
            }
        }
        if let Some(missing) = COLUMNS
            .iter()
            .zip(&positions)
            .find(|(c, p)| c.required && p.is_none())
        {
            return Err(InputError::new(
                &self.name,
                format!(
                    "the header row has no column {} ({})",
                    missing.0.ja, missing.0.en
                ),
            )
            .at(1, 1));
        }
        let mut registrations: Vec<Registration> = Vec::with_capacity(self.rows.len());
        for (row, cells) in &self.rows {
            if cells.iter().all(|c| c.text().is_empty()) {
                continue;
            }
            let cell = |key: &str| -> (usize, String, &Cell) {
                let c = COLUMNS
                    .iter()
                    .position(|c| c.key == key)
                    .and_then(|i| positions[i]);
                let header = c.map_or_else(String::new, |i| self.headers[i].clone());
                (
                    c.map_or(0, |i| i + 1),
                    header,
                    c.and_then(|i| cells.get(i)).unwrap_or(&Cell::Empty),
                )
            };
            let text = |key: &str| cell(key).2.text();
            let date = |key: &str| -> Result<Option<String>, InputError> {
                let (col, header, c) = cell(key);
                let parsed = match c {
                    Cell::Empty => return Ok(None),
                    Cell::Date(d) => Some(*d),
                    Cell::Number(n) => from_excel_serial(*n),
                    Cell::Text(t) if t.trim().is_empty() => return Ok(None),
                    Cell::Text(t) => parse_date_loose(t),
                };
                parsed
                    .map(|d| Some(d.to_string()))
                    .ok_or_else(|| InputError {
                        message: format!("expected {EXPECTED_LOOSE}"),
                        value: Some(c.text()),
                        ..at(*row, col, &header)
                    })
            };
            let mut regions = Vec::new();
            for item in split_list(&text("regions")) {
                let (col, header, _) = cell("regions");
                let (name, country, selectable) = parse_region(&item).ok_or_else(|| InputError {
                    message: "expected a region written as 名前 (国コード) or 名前 (国コード, 選択可), e.g. 東京 (JP, 選択可)".into(),
                    value: Some(item.clone()),
                    ..at(*row, col, &header)
                })?;
                regions.push(RegionDoc {
                    name: Cow::Owned(name),
                    country: Cow::Owned(country),
                    selectable,
                });
            }
            let owned = |s: String| Cow::Owned(s);
            let doc = RegistrationDoc {
                registration_no: owned(text("registration_no")),
                program: owned(text("program")),
                service_name: owned(text("service_name")),
                provider: owned(text("provider")),
                service_model: Some(text("service_model"))
                    .filter(|s| !s.is_empty())
                    .map(owned),
                registered_on: owned(date("registered_on")?.unwrap_or_default()),
                audit_period: AuditPeriodDoc {
                    start: owned(date("audit_start")?.unwrap_or_default()),
                    end: owned(date("audit_end")?.unwrap_or_default()),
                },
                renewal_filed_on: date("renewal_filed_on")?.map(owned),
                revoked_on: date("revoked_on")?.map(owned),
                scope: ScopeDoc {
                    included: split_list(&text("scope_included"))
                        .into_iter()
                        .map(owned)
                        .collect(),
                    excluded: split_list(&text("scope_excluded"))
                        .into_iter()
                        .map(owned)
                        .collect(),
                },
                regions,
                underlying: split_list(&text("underlying"))
                    .into_iter()
                    .map(owned)
                    .collect(),
                criteria_version: None,
                controls: Vec::new(),
            };
            let registration =
                registration_from_doc(&self.name, "row", doc, catalog).map_err(|e| {
                    // `row.audit_period.end` → the column that holds it.
                    let field = e.field.as_deref().unwrap_or("").trim_start_matches("row.");
                    let key = match field.split(['.', '[']).next().unwrap_or("") {
                        "audit_period" if field.ends_with("start") => "audit_start",
                        "audit_period" => "audit_end",
                        "scope" if field.contains("excluded") => "scope_excluded",
                        "scope" => "scope_included",
                        other => other,
                    };
                    let (col, header, _) = cell(key);
                    InputError {
                        message: e.message,
                        value: e.value,
                        ..at(*row, col.max(1), &header)
                    }
                })?;
            if let Some(first) = registrations
                .iter()
                .position(|r| r.registration_no == registration.registration_no)
            {
                let (col, header, _) = cell("registration_no");
                return Err(InputError {
                    message: format!(
                        "duplicate registration number (first in data row {})",
                        first + 1
                    ),
                    value: Some(registration.registration_no.to_string()),
                    ..at(*row, col, &header)
                });
            }
            registrations.push(registration);
        }
        Registry::new(registrations).map_err(|e| InputError::new(&self.name, e.to_string()))
    }
}

/// The header row and one row per registration, as text (dates ISO, lists joined with `; `).
pub fn rows(registry: &Registry) -> (Vec<&'static str>, Vec<Vec<String>>) {
    let headers = COLUMNS.iter().map(|c| c.ja).collect();
    let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let rows = registry
        .registrations()
        .iter()
        .map(|r| {
            vec![
                r.registration_no.to_string(),
                r.program.label().to_owned(),
                r.service_name.clone(),
                r.provider.clone(),
                r.service_model
                    .map(|m| m.as_str().to_owned())
                    .unwrap_or_default(),
                r.registered_on.to_string(),
                r.audit_period.start().to_string(),
                r.audit_period.end().to_string(),
                day(r.renewal_filed_on),
                day(r.revoked_on),
                r.scope
                    .included
                    .iter()
                    .map(|s| s.text.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
                r.scope
                    .excluded
                    .iter()
                    .map(|s| s.text.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
                r.regions
                    .iter()
                    .map(|g| {
                        if g.selectable {
                            format!("{} ({}, 選択可)", g.name, g.country)
                        } else {
                            format!("{} ({})", g.name, g.country)
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
                r.underlying
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
            ]
        })
        .collect();
    (headers, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_cells() {
        let cases = [
            ("東京 (JP, 選択可)", Some(("東京", "JP", true))),
            ("大阪（JP）", Some(("大阪", "JP", false))),
            ("Virginia (US, selectable)", Some(("Virginia", "US", true))),
            ("東京", None),
            ("(JP)", None),
        ];
        for (text, expected) in cases {
            let got = parse_region(text);
            assert_eq!(
                got.as_ref().map(|(n, c, s)| (n.as_str(), c.as_str(), *s)),
                expected,
                "{text}"
            );
        }
    }

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
