//! The registry as a spreadsheet (CSV or XLSX): one row per registration, Japanese column
//! headers (English aliases accepted), list cells split on `;`, `、` or new lines, dates as
//! clerks type them. Rows are turned into the registry file's documents and validated by the
//! same code as JSON; errors name the file (and sheet), row, column header and value.

use crate::InputError;
use crate::declaration::{RegionDoc, ScopeDoc};
use crate::registry_json::{AuditPeriodDoc, RegistrationDoc, registration_from_doc};
use crate::sheet::{Column, Sheet, split_list};
use ismap_core::criteria::Catalog;
use ismap_core::registration::Registration;
use ismap_core::registry::Registry;
use ismap_core::text::match_key;
use std::borrow::Cow;

const COLUMNS: [Column; 15] = [
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
        key: "expires_on",
        ja: "有効期限",
        en: "expires_on",
        required: false,
    },
    Column {
        key: "scope_included",
        ja: "言明対象範囲に含むもの",
        en: "scope_included",
        required: false,
    },
    Column {
        key: "scope_excluded",
        ja: "言明対象範囲に含まないもの",
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

/// Builds the registry from a sheet: every row is checked before anything is returned.
pub fn sheet_to_registry(sheet: &Sheet, catalog: &Catalog) -> Result<Registry, InputError> {
    let mut registrations: Vec<Registration> = Vec::with_capacity(sheet.rows.len());
    for row in sheet.rows(&COLUMNS)? {
        let date = |key: &str| -> Result<Option<String>, InputError> {
            Ok(row.date(key)?.map(|d| d.to_string()))
        };
        let mut regions = Vec::new();
        for item in split_list(&row.text("regions")) {
            let (name, country, selectable) = parse_region(&item).ok_or_else(|| {
                row.error(
                    "regions",
                    "expected a region written as 名前 (国コード) or 名前 (国コード, 選択可), e.g. 東京 (JP, 選択可)",
                    Some(item.clone()),
                )
            })?;
            regions.push(RegionDoc {
                name: Cow::Owned(name),
                country: Cow::Owned(country),
                selectable,
            });
        }
        let owned = |s: String| Cow::Owned(s);
        let text = |key: &str| row.text(key);
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
            expires_on: date("expires_on")?.map(owned),
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
            registration_from_doc(&sheet.name, "row", doc, catalog).map_err(|e| {
                // `row.audit_period.end` → the column that holds it.
                let field = e.field.as_deref().unwrap_or("").trim_start_matches("row.");
                let key = match field.split(['.', '[']).next().unwrap_or("") {
                    "audit_period" if field.ends_with("start") => "audit_start",
                    "audit_period" => "audit_end",
                    "scope" if field.contains("excluded") => "scope_excluded",
                    "scope" => "scope_included",
                    other => other,
                };
                row.error(key, e.message, e.value)
            })?;
        if let Some(first) = registrations
            .iter()
            .position(|r| r.registration_no == registration.registration_no)
        {
            return Err(row.error(
                "registration_no",
                format!(
                    "duplicate registration number (first in data row {})",
                    first + 1
                ),
                None,
            ));
        }
        registrations.push(registration);
    }
    Registry::new(registrations).map_err(|e| InputError::new(&sheet.name, e.to_string()))
}

/// The header row and one row per registration, as text (dates ISO, lists joined with `; `).
pub fn rows(registry: &Registry) -> (Vec<&'static str>, Vec<Vec<String>>) {
    let headers = COLUMNS.iter().map(|c| c.ja).collect();
    let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let join = |items: Vec<String>| items.join("; ");
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
                day(r.published_expiry),
                join(r.scope.included.iter().map(|s| s.text.clone()).collect()),
                join(r.scope.excluded.iter().map(|s| s.text.clone()).collect()),
                join(
                    r.regions
                        .iter()
                        .map(|g| match g.selectable {
                            true => format!("{} ({}, 選択可)", g.name, g.country),
                            false => format!("{} ({})", g.name, g.country),
                        })
                        .collect(),
                ),
                join(r.underlying.iter().map(ToString::to_string).collect()),
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
}
