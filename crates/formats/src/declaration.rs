//! What a provider declares about a service: its program, name, model, statement scope,
//! regions, underlying services and control statements. One reading, by one set of rules,
//! wherever it is written: an entry of the registry file (JSON, CSV, XLSX) or an application
//! in the lifecycle. The program's part of an entry (number, provider, dates) is the caller's.
//!
//! The rules: an optional value left blank is absent; a blank item of a list (scope,
//! underlying services) or a blank region name is an error; control IDs are those of the
//! entry's criteria version, each stated once; a control is inherited only from one of the
//! entry's underlying services.

use ismap_core::criteria::Catalog;
use ismap_core::ids::{CountryCode, RegistrationNumber};
use ismap_core::lang::Lang;
use ismap_core::registration::{
    Conflict, ControlStatement, Program, Region, Registration, Scope, ScopeItem, ServiceModel,
    inheritance_conflict,
};
use ismap_core::validity::AuditPeriod;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

// Strings are `Cow`s: they borrow from the input where they can (no escapes), which keeps a
// large registry from turning into millions of small allocations.

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScopeDoc<'a> {
    #[serde(default, borrow)]
    pub included: Vec<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub excluded: Vec<Cow<'a, str>>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionDoc<'a> {
    #[serde(borrow)]
    pub name: Cow<'a, str>,
    #[serde(borrow)]
    pub country: Cow<'a, str>,
    #[serde(default)]
    pub selectable: bool,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ControlDoc<'a> {
    #[serde(borrow)]
    pub status: Cow<'a, str>,
    #[serde(default, borrow, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Cow<'a, str>>,
    #[serde(default, borrow, skip_serializing_if = "Option::is_none")]
    pub inherited_from: Option<Cow<'a, str>>,
}

/// The declared part as written, before any check.
#[derive(Debug, Clone, Default)]
pub struct DeclarationDoc<'a> {
    pub program: Cow<'a, str>,
    pub service_name: Cow<'a, str>,
    pub service_model: Option<Cow<'a, str>>,
    /// The criteria version the statements refer to; absent means the catalog's primary one.
    pub criteria_version: Option<Cow<'a, str>>,
    pub scope: ScopeDoc<'a>,
    pub regions: Vec<RegionDoc<'a>>,
    pub underlying: Vec<Cow<'a, str>>,
    /// `(control ID, statement)` in the order written.
    pub controls: Vec<(Cow<'a, str>, ControlDoc<'a>)>,
}

/// How the document names its fields, for errors: the registry file keys statements by
/// control ID (`controls."5.1.1".status`), an application lists them
/// (`statements[3].status`) and writes scope as two fields (`scope_included[0]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Registry,
    Application,
}

/// A part of one control statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Id,
    Status,
    InheritedFrom,
}

impl Layout {
    fn scope(self, excluded: bool, i: usize) -> String {
        let name = match (self, excluded) {
            (Layout::Registry, false) => "scope.included",
            (Layout::Registry, true) => "scope.excluded",
            (Layout::Application, false) => "scope_included",
            (Layout::Application, true) => "scope_excluded",
        };
        format!("{name}[{i}]")
    }

    fn statement(self, i: usize, id: &str, part: Part) -> String {
        match (self, part) {
            (Layout::Registry, Part::Id) => format!("controls.{id:?}"),
            (Layout::Registry, Part::Status) => format!("controls.{id:?}.status"),
            (Layout::Registry, Part::InheritedFrom) => format!("controls.{id:?}.inherited_from"),
            (Layout::Application, Part::Id) => format!("statements[{i}].control_id"),
            (Layout::Application, Part::Status) => format!("statements[{i}].status"),
            (Layout::Application, Part::InheritedFrom) => {
                format!("statements[{i}].inherited_from")
            }
        }
    }
}

/// Which rule a declared value breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    CriteriaVersion {
        loaded: String,
    },
    Blank,
    /// Not one of the values or forms the field takes: what was expected in each language.
    Expected {
        en: String,
        ja: &'static str,
    },
    ControlId {
        version: String,
    },
    StatedTwice,
    Conflict(Conflict),
}

impl Rule {
    /// What was expected, without the value (the caller shows it once, next to the field).
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (Rule::CriteriaVersion { loaded }, Lang::En) => {
                format!("criteria version not loaded (loaded: {loaded})")
            }
            (Rule::CriteriaVersion { loaded }, Lang::Ja) => {
                format!("この版の管理基準は読み込まれていません（読み込み済み: {loaded}）。")
            }
            (Rule::Blank, Lang::En) => "must not be empty".into(),
            (Rule::Blank, Lang::Ja) => "空欄にはできません。".into(),
            (Rule::Expected { en, .. }, Lang::En) => en.clone(),
            (Rule::Expected { ja, .. }, Lang::Ja) => (*ja).into(),
            (Rule::ControlId { version }, Lang::En) => {
                format!("not a criteria ID of version {version}")
            }
            (Rule::ControlId { version }, Lang::Ja) => {
                format!("管理基準 {version} の管理策IDではありません（例: 5.1.1、6.1.1.13.PB）。")
            }
            (Rule::StatedTwice, Lang::En) => "control stated more than once".into(),
            (Rule::StatedTwice, Lang::Ja) => {
                "同じ管理策IDの言明が複数あります。1行にまとめてください。".into()
            }
            (Rule::Conflict(c), lang) => c.message(lang),
        }
    }
}

/// A declared value that breaks a rule: the field's path in the document, the value as
/// written and the rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub value: String,
    pub rule: Rule,
}

impl FieldError {
    pub fn new(field: impl Into<String>, value: &str, rule: Rule) -> Self {
        FieldError {
            field: field.into(),
            value: value.to_owned(),
            rule,
        }
    }

    /// As an error of `file`, the field under `at` (`registrations[3]`, or empty).
    pub fn in_file(self, file: &str, at: &str) -> crate::InputError {
        crate::InputError::in_entry(file, at, &self.field, self.rule.message(Lang::En))
            .value(self.value)
    }
}

/// The declared part, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declaration {
    pub program: Program,
    /// Trimmed; may be empty (a draft not yet named; a list entry must have a name).
    pub service_name: String,
    pub service_model: Option<ServiceModel>,
    pub criteria_version: String,
    pub scope: Scope,
    pub regions: Vec<Region>,
    pub underlying: Vec<RegistrationNumber>,
    /// Sorted by control, one statement per control.
    pub controls: Vec<ControlStatement>,
}

/// The rule a registration number breaks.
fn number(e: ismap_core::ids::IdError) -> Rule {
    Rule::Expected {
        en: format!("expected {}", e.expected),
        ja: "登録番号の形式で入力してください（例: C21-0008-2）。",
    }
}

/// `value` unless it is blank.
fn present<'t>(value: &'t Option<Cow<'_, str>>) -> Option<&'t str> {
    value.as_deref().filter(|v| !v.trim().is_empty())
}

impl Declaration {
    /// Reads `doc`, naming the first value that breaks a rule by its path in `layout`.
    pub fn read(
        doc: DeclarationDoc<'_>,
        layout: Layout,
        catalog: &Catalog,
    ) -> Result<Declaration, FieldError> {
        let program = doc.program.parse().map_err(|en| {
            let ja = "「ismap」または「ismap-liu」を指定してください。";
            FieldError::new("program", &doc.program, Rule::Expected { en, ja })
        })?;
        let service_model = present(&doc.service_model)
            .map(|m| {
                m.parse().map_err(|en| {
                    let ja = "IaaS・PaaS・SaaS のいずれかを指定してください。";
                    FieldError::new("service_model", m, Rule::Expected { en, ja })
                })
            })
            .transpose()?;
        // Each entry is checked against its own criteria version (the list mixes revisions).
        let version = present(&doc.criteria_version)
            .map(str::trim)
            .unwrap_or(catalog.version());
        let Some(members) = catalog.members_of(version) else {
            let loaded = catalog.versions().collect::<Vec<_>>().join(", ");
            return Err(FieldError::new(
                "criteria_version",
                version,
                Rule::CriteriaVersion { loaded },
            ));
        };
        let items = |excluded: bool, list: &[Cow<'_, str>]| -> Result<Vec<ScopeItem>, FieldError> {
            list.iter()
                .enumerate()
                .map(|(i, s)| match s.trim() {
                    "" => Err(FieldError::new(layout.scope(excluded, i), s, Rule::Blank)),
                    _ => Ok(ScopeItem::new(s)),
                })
                .collect()
        };
        let scope = Scope {
            included: items(false, &doc.scope.included)?,
            excluded: items(true, &doc.scope.excluded)?,
        };
        let mut regions = Vec::with_capacity(doc.regions.len());
        for (i, g) in doc.regions.iter().enumerate() {
            let country = CountryCode::parse(&g.country).map_err(|e| {
                let ja = "ISO 3166-1 alpha-2 の2文字で入力してください（例: JP）。";
                let rule = Rule::Expected {
                    en: format!("expected {}", e.expected),
                    ja,
                };
                FieldError::new(format!("regions[{i}].country"), &g.country, rule)
            })?;
            let name = g.name.trim();
            if name.is_empty() {
                return Err(FieldError::new(
                    format!("regions[{i}].name"),
                    &g.name,
                    Rule::Blank,
                ));
            }
            regions.push(Region {
                name: name.to_owned(),
                country,
                selectable: g.selectable,
            });
        }
        let underlying = doc
            .underlying
            .iter()
            .enumerate()
            .map(|(i, u)| {
                RegistrationNumber::parse(u)
                    .map_err(|e| FieldError::new(format!("underlying[{i}]"), u, number(e)))
            })
            .collect::<Result<Vec<_>, _>>()?;

        let mut controls = Vec::with_capacity(doc.controls.len());
        for (i, (id, c)) in doc.controls.iter().enumerate() {
            // Paths are built only for an error: this loop runs for every statement of a file.
            let bad = |part, value: &str, rule| {
                FieldError::new(layout.statement(i, id, part), value, rule)
            };
            let key = catalog
                .key_of(id)
                .filter(|k| members[k.index()])
                .ok_or_else(|| {
                    let version = version.to_owned();
                    bad(Part::Id, id, Rule::ControlId { version })
                })?;
            let status = c.status.parse().map_err(|en| {
                let ja = "「実施」「一部実施」「非該当」のいずれかを入力してください。";
                bad(Part::Status, &c.status, Rule::Expected { en, ja })
            })?;
            let inherited_from = present(&c.inherited_from)
                .map(|from| {
                    RegistrationNumber::parse(from)
                        .map_err(|e| bad(Part::InheritedFrom, from, number(e)))
                })
                .transpose()?;
            controls.push(ControlStatement {
                key,
                status,
                reason: present(&c.reason).map(|r| r.trim().to_owned()),
                inherited_from,
            });
        }
        controls.sort_by_key(|c| c.key);
        // Where the `nth` statement of a control is written (only for an error).
        let written = |key, nth| {
            doc.controls
                .iter()
                .enumerate()
                .filter(|(_, (id, _))| catalog.key_of(id) == Some(key))
                .nth(nth)
                .map_or((0, ""), |(i, (id, _))| (i, id.as_ref()))
        };
        if let Some(pair) = controls.windows(2).find(|w| w[0].key == w[1].key) {
            let (i, id) = written(pair[1].key, 1);
            return Err(FieldError::new(
                layout.statement(i, id, Part::Id),
                id,
                Rule::StatedTwice,
            ));
        }
        if let Some(conflict) = inheritance_conflict(&controls, &underlying) {
            let (i, id) = conflict.control().map_or((0, ""), |key| written(key, 0));
            return Err(FieldError::new(
                layout.statement(i, id, Part::InheritedFrom),
                &conflict.value(),
                Rule::Conflict(conflict),
            ));
        }
        Ok(Declaration {
            program,
            service_name: doc.service_name.trim().to_owned(),
            service_model,
            criteria_version: version.to_owned(),
            scope,
            regions,
            underlying,
            controls,
        })
    }

    /// The list entry this declaration makes with the program's part.
    pub fn into_registration(
        self,
        registration_no: RegistrationNumber,
        provider: String,
        registered_on: chrono::NaiveDate,
        audit_period: AuditPeriod,
    ) -> Registration {
        let mut r = Registration::new(
            registration_no,
            self.program,
            self.service_name,
            provider,
            registered_on,
            audit_period,
            self.criteria_version,
        );
        r.service_model = self.service_model;
        r.scope = self.scope;
        r.regions = self.regions;
        r.underlying = self.underlying;
        // Sorted and unique: checked by `read`.
        let _ = r.set_controls(self.controls);
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::criteria::builtin_catalog;

    fn doc() -> DeclarationDoc<'static> {
        let t = |s: &'static str| Cow::Borrowed(s);
        let control = |status, inherited_from| ControlDoc {
            status: t(status),
            reason: Some(t(" ")),
            inherited_from,
        };
        DeclarationDoc {
            program: t("ismap"),
            service_name: t(" Svc "),
            service_model: Some(t("")),
            criteria_version: None,
            scope: ScopeDoc {
                included: vec![t("VM")],
                excluded: vec![],
            },
            regions: vec![RegionDoc {
                name: t(" 東京 "),
                country: t("jp"),
                selectable: false,
            }],
            underlying: vec![t("C99-0002-1")],
            controls: vec![
                (t("6.1.1.13.PB"), control("一部実施", Some(t("")))),
                (t("5.1.1"), control("implemented", Some(t("C99-0002-1")))),
            ],
        }
    }

    #[test]
    fn reads_a_declaration() {
        let catalog = builtin_catalog().expect("builtin");
        let d = Declaration::read(doc(), Layout::Application, &catalog).expect("valid");
        assert_eq!(d.service_name, "Svc");
        assert_eq!(d.service_model, None, "blank optional value is absent");
        assert_eq!(d.regions[0].name, "東京");
        assert_eq!(d.criteria_version, "2022-04-01");
        let ids: Vec<_> = d
            .controls
            .iter()
            .map(|c| catalog.get(c.key).id.as_str())
            .collect();
        assert_eq!(ids, ["5.1.1", "6.1.1.13.PB"], "sorted by control");
        assert_eq!(d.controls[0].reason, None, "blank reason is absent");
        assert_eq!(
            d.controls[1].inherited_from, None,
            "blank inheritance is absent"
        );
        assert_eq!(
            Declaration::read(doc(), Layout::Registry, &catalog),
            Ok(d),
            "one reading whatever the layout"
        );
    }

    #[test]
    fn each_rule_names_the_field_in_either_layout() {
        let catalog = builtin_catalog().expect("builtin");
        type Change = fn(&mut DeclarationDoc<'static>);
        // (change, registry path, application path, value, message, Japanese message)
        let cases: [(Change, &str, &str, &str, &str, &str); 10] = [
            (
                |d| d.program = Cow::Borrowed("fedramp"),
                "program",
                "program",
                "fedramp",
                "expected \"ismap\" or \"ismap-liu\"",
                "「ismap」または「ismap-liu」",
            ),
            (
                |d| d.service_model = Some(Cow::Borrowed("FaaS")),
                "service_model",
                "service_model",
                "FaaS",
                "expected IaaS, PaaS or SaaS",
                "IaaS・PaaS・SaaS",
            ),
            (
                |d| d.criteria_version = Some(Cow::Borrowed("2030-01")),
                "criteria_version",
                "criteria_version",
                "2030-01",
                "criteria version not loaded (loaded: 2022-04-01)",
                "この版の管理基準は読み込まれていません（読み込み済み: 2022-04-01）",
            ),
            (
                |d| d.scope.excluded.push(Cow::Borrowed(" ")),
                "scope.excluded[0]",
                "scope_excluded[0]",
                " ",
                "must not be empty",
                "空欄にはできません",
            ),
            (
                |d| d.regions[0].name = Cow::Borrowed(""),
                "regions[0].name",
                "regions[0].name",
                "",
                "must not be empty",
                "空欄にはできません",
            ),
            (
                |d| d.regions[0].country = Cow::Borrowed("JPN"),
                "regions[0].country",
                "regions[0].country",
                "JPN",
                "expected an ISO 3166-1 alpha-2 country code such as JP",
                "ISO 3166-1 alpha-2 の2文字",
            ),
            (
                |d| d.underlying.push(Cow::Borrowed(" ")),
                "underlying[1]",
                "underlying[1]",
                " ",
                "expected a registration number",
                "登録番号の形式",
            ),
            (
                |d| d.controls[1].0 = Cow::Borrowed("9.9.9"),
                "controls.\"9.9.9\"",
                "statements[1].control_id",
                "9.9.9",
                "not a criteria ID of version 2022-04-01",
                "管理基準 2022-04-01 の管理策IDではありません",
            ),
            (
                |d| d.controls[0].1.status = Cow::Borrowed("done"),
                "controls.\"6.1.1.13.PB\".status",
                "statements[0].status",
                "done",
                "expected implemented, partial or not_applicable",
                "「実施」「一部実施」「非該当」のいずれか",
            ),
            (
                |d| d.controls[1].1.inherited_from = Some(Cow::Borrowed("C99-0003-1")),
                "controls.\"5.1.1\".inherited_from",
                "statements[1].inherited_from",
                "C99-0003-1",
                "controls are inherited from C99-0003-1, which is not one of the entry's underlying services",
                "継承元 C99-0003-1 は基盤サービスに含まれていません",
            ),
        ];
        for (change, registry, application, value, message, ja) in cases {
            let mut d = doc();
            change(&mut d);
            for (layout, field) in [
                (Layout::Registry, registry),
                (Layout::Application, application),
            ] {
                let e = Declaration::read(d.clone(), layout, &catalog).expect_err(field);
                assert_eq!(
                    (e.field.as_str(), e.value.as_str()),
                    (field, value),
                    "{layout:?}"
                );
                for (lang, expected) in [(Lang::En, message), (Lang::Ja, ja)] {
                    let said = e.rule.message(lang);
                    assert!(said.starts_with(expected), "{layout:?} {field}: {said}");
                    assert!(
                        !said.contains(&format!("{value:?}")),
                        "the value is quoted once, by the caller: {said}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_control_stated_twice_is_named_at_its_second_statement() {
        let catalog = builtin_catalog().expect("builtin");
        let mut d = doc();
        let again = d.controls[1].clone();
        d.controls.insert(1, (Cow::Borrowed(" 5.1.1"), again.1));
        let e = Declaration::read(d, Layout::Application, &catalog).expect_err("twice");
        assert_eq!(
            (e.field.as_str(), e.value.as_str(), e.rule),
            ("statements[2].control_id", "5.1.1", Rule::StatedTwice)
        );
    }
}
