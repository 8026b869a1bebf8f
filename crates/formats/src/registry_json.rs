//! The registry file: `{"registrations": [...]}`, read with precise errors and written back in
//! a canonical form (the same registry always gives the same bytes, hence the same SHA-256).

use crate::date::{self, parse_date};
use crate::declaration::{ControlDoc, RegionDoc, ScopeDoc};
use crate::declaration::{Declaration, DeclarationDoc, Layout};
use crate::{InputError, sha256_hex};
use chrono::NaiveDate;
use ismap_core::criteria::Catalog;
use ismap_core::ids::RegistrationNumber;
use ismap_core::registration::Registration;
use ismap_core::registry::Registry;
use ismap_core::validity::AuditPeriod;
use serde::de::DeserializeSeed;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistryDoc<'a> {
    #[serde(borrow)]
    pub registrations: Vec<RegistrationDoc<'a>>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistrationDoc<'a> {
    #[serde(borrow)]
    pub registration_no: Cow<'a, str>,
    #[serde(borrow)]
    pub program: Cow<'a, str>,
    #[serde(borrow)]
    pub service_name: Cow<'a, str>,
    #[serde(borrow)]
    pub provider: Cow<'a, str>,
    #[serde(default, borrow, skip_serializing_if = "Option::is_none")]
    pub service_model: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub registered_on: Cow<'a, str>,
    #[serde(borrow)]
    pub audit_period: AuditPeriodDoc<'a>,
    #[serde(default, borrow, skip_serializing_if = "Option::is_none")]
    pub renewal_filed_on: Option<Cow<'a, str>>,
    #[serde(default, borrow, skip_serializing_if = "Option::is_none")]
    pub revoked_on: Option<Cow<'a, str>>,
    /// The expiry the list publishes; when given it decides the status.
    #[serde(default, borrow, skip_serializing_if = "Option::is_none")]
    pub expires_on: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub scope: ScopeDoc<'a>,
    #[serde(borrow)]
    pub regions: Vec<RegionDoc<'a>>,
    #[serde(default, borrow, skip_serializing_if = "Vec::is_empty")]
    pub underlying: Vec<Cow<'a, str>>,
    #[serde(default, borrow, skip_serializing_if = "Option::is_none")]
    pub criteria_version: Option<Cow<'a, str>>,
    /// In file order; a control named twice is an error, not silently the last one.
    #[cfg_attr(feature = "openapi", schema(value_type = std::collections::BTreeMap<String, ControlDoc>))]
    #[serde(
        default,
        borrow,
        skip_serializing_if = "Vec::is_empty",
        with = "controls_map"
    )]
    pub controls: Vec<(Cow<'a, str>, ControlDoc<'a>)>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditPeriodDoc<'a> {
    #[serde(borrow)]
    pub start: Cow<'a, str>,
    #[serde(borrow)]
    pub end: Cow<'a, str>,
}

/// `controls` is a JSON object read into a list of pairs, keeping order and duplicates.
mod controls_map {
    use super::ControlDoc;
    use serde::de::{MapAccess, Visitor};
    use serde::ser::SerializeMap;
    use serde::{Deserializer, Serializer};
    use std::borrow::Cow;
    use std::fmt;

    pub fn serialize<S: Serializer>(
        pairs: &[(Cow<'_, str>, ControlDoc<'_>)],
        s: S,
    ) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(pairs.len()))?;
        for (k, v) in pairs {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Vec<(Cow<'de, str>, ControlDoc<'de>)>, D::Error> {
        struct Pairs;
        impl<'de> Visitor<'de> for Pairs {
            type Value = Vec<(Cow<'de, str>, ControlDoc<'de>)>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of control statements keyed by criteria ID")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(0));
                while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                    pairs.push((key, map.next_value()?));
                }
                Ok(pairs)
            }
        }
        d.deserialize_map(Pairs)
    }
}

/// A registry read from a file, with the SHA-256 of the bytes it was read from.
#[derive(Debug)]
pub struct LoadedRegistry {
    pub registry: Registry,
    pub sha256: String,
}

/// Parses a registry file. `file` names it in errors. Control IDs are checked against
/// `catalog`; a registration naming another criteria version is refused.
///
/// Each registration is converted as soon as it is read, so the file's documents never exist
/// all at once: memory holds the bytes and the registry being built. A syntax or type error
/// is found again by a second, slower reading that tracks the path to name the field.
pub fn parse_registry(
    file: &str,
    bytes: &[u8],
    catalog: &Catalog,
) -> Result<LoadedRegistry, InputError> {
    // A large file is hashed beside the reading, on another core (a tenth of the work).
    if bytes.len() < 1 << 20 {
        let registry = read_registrations(file, bytes, catalog)?;
        return Ok(LoadedRegistry {
            registry,
            sha256: sha256_hex(bytes),
        });
    }
    std::thread::scope(|scope| {
        let sha256 = scope.spawn(|| sha256_hex(bytes));
        let registry = read_registrations(file, bytes, catalog)?;
        let sha256 = sha256.join().unwrap_or_else(|_| sha256_hex(bytes));
        Ok(LoadedRegistry { registry, sha256 })
    })
}

fn read_registrations(file: &str, bytes: &[u8], catalog: &Catalog) -> Result<Registry, InputError> {
    // A UTF-8 byte-order mark, as Windows editors write, is not part of the JSON.
    let json = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // Checked once as a whole: the parser then need not check each string.
    let text = std::str::from_utf8(json).map_err(|e| not_utf8(file, json, e.valid_up_to()))?;
    let mut refused = None;
    let mut de = serde_json::Deserializer::from_str(text);
    let read = stream::RegistrySeed {
        file,
        catalog,
        refused: &mut refused,
    }
    .deserialize(&mut de)
    .and_then(|registrations| de.end().map(|()| registrations));
    let registrations = match (read, refused) {
        (_, Some(error)) => return Err(error),
        (Ok(registrations), None) => registrations,
        (Err(syntax), None) => return Err(located_syntax_error(file, json, syntax)),
    };
    registry_of(file, registrations)
}

/// The place of the first byte that is not UTF-8.
fn not_utf8(file: &str, json: &[u8], at: usize) -> InputError {
    let before = &json[..at];
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let column = at
        - before
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |i| i + 1)
        + 1;
    InputError::new(file, "not UTF-8 text: save the file as UTF-8").at(line, column)
}

/// The error of a file the fast reading refused, with the field path of the full reading.
fn located_syntax_error(file: &str, json: &[u8], fast: serde_json::Error) -> InputError {
    let mut de = serde_json::Deserializer::from_slice(json);
    match serde_path_to_error::deserialize::<_, RegistryDoc>(&mut de) {
        Err(e) => InputError::json(file, e),
        // The documents read; what the fast reading refused comes after them.
        Ok(_) => InputError::json_at(file, String::new(), fast),
    }
}

fn registry_of(file: &str, registrations: Vec<Registration>) -> Result<Registry, InputError> {
    Registry::new(registrations).map_err(|e| {
        InputError::new(
            file,
            format!(
                "duplicate registration number (first at registrations[{}])",
                e.first
            ),
        )
        .field(format!("registrations[{}].registration_no", e.second))
        .value(e.no.to_string())
    })
}

/// The registry read one registration at a time (see [`parse_registry`]).
mod stream {
    use super::{InputError, RegistrationDoc, registration_from_doc};
    use ismap_core::criteria::Catalog;
    use ismap_core::registration::Registration;
    use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
    use std::fmt;

    /// Reads `{"registrations": [...]}`; a registration that does not convert is kept in
    /// `refused` and stops the reading.
    pub struct RegistrySeed<'r, 'c> {
        pub file: &'r str,
        pub catalog: &'c Catalog,
        pub refused: &'r mut Option<InputError>,
    }

    impl<'de> DeserializeSeed<'de> for RegistrySeed<'_, '_> {
        type Value = Vec<Registration>;
        fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_map(self)
        }
    }

    impl<'de> Visitor<'de> for RegistrySeed<'_, '_> {
        type Value = Vec<Registration>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an object with a list of registrations")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut registrations = None;
            while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                if key != "registrations" || registrations.is_some() {
                    // The slow reading names the field; this one only has to stop.
                    map.next_value::<IgnoredAny>()?;
                    return Err(de::Error::custom("unexpected field"));
                }
                registrations = Some(map.next_value_seed(Registrations {
                    file: self.file,
                    catalog: self.catalog,
                    refused: &mut *self.refused,
                })?);
            }
            registrations.ok_or_else(|| de::Error::missing_field("registrations"))
        }
    }

    struct Registrations<'r, 'c> {
        file: &'r str,
        catalog: &'c Catalog,
        refused: &'r mut Option<InputError>,
    }

    impl<'de> DeserializeSeed<'de> for Registrations<'_, '_> {
        type Value = Vec<Registration>;
        fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_seq(self)
        }
    }

    impl<'de> Visitor<'de> for Registrations<'_, '_> {
        type Value = Vec<Registration>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a list of registrations")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut registrations = Vec::with_capacity(seq.size_hint().unwrap_or(0));
            while let Some(doc) = seq.next_element::<RegistrationDoc<'de>>()? {
                let at = format!("registrations[{}]", registrations.len());
                match registration_from_doc(self.file, &at, doc, self.catalog) {
                    Ok(r) => registrations.push(r),
                    Err(e) => {
                        *self.refused = Some(e);
                        return Err(de::Error::custom("refused registration"));
                    }
                }
            }
            Ok(registrations)
        }
    }
}

/// Converts one registration; `at` is its path in the file (`registrations[3]`).
pub fn registration_from_doc(
    file: &str,
    at: &str,
    r: RegistrationDoc<'_>,
    catalog: &Catalog,
) -> Result<Registration, InputError> {
    let bad = |field: &str, value: &str, message: &str| {
        InputError::in_entry(file, at, field, message).value(value)
    };
    let date = |field: &str, value: &str| -> Result<NaiveDate, InputError> {
        parse_date(value).ok_or_else(|| bad(field, value, &format!("expected {}", date::EXPECTED)))
    };
    let optional_date = |field: &str, value: &Option<Cow<'_, str>>| {
        value.as_deref().map(|v| date(field, v)).transpose()
    };
    // An entry of the list has a number, a name and a provider.
    let named = |field: &str, value: &str| match value.trim() {
        "" => Err(bad(field, value, "must not be empty")),
        v => Ok(v.to_owned()),
    };
    let registration_no = RegistrationNumber::parse(&r.registration_no).map_err(|e| {
        bad(
            "registration_no",
            &r.registration_no,
            &format!("expected {}", e.expected),
        )
    })?;
    let start = date("audit_period.start", &r.audit_period.start)?;
    let end = date("audit_period.end", &r.audit_period.end)?;
    let audit_period = AuditPeriod::new(start, end)
        .map_err(|e| bad("audit_period.end", &r.audit_period.end, &e.to_string()))?;
    named("service_name", &r.service_name)?;
    let provider = named("provider", &r.provider)?;
    let registered_on = date("registered_on", &r.registered_on)?;
    let renewal_filed_on = optional_date("renewal_filed_on", &r.renewal_filed_on)?;
    let revoked_on = optional_date("revoked_on", &r.revoked_on)?;
    let published_expiry = optional_date("expires_on", &r.expires_on)?;
    let declared = DeclarationDoc {
        program: r.program,
        service_name: r.service_name,
        service_model: r.service_model,
        criteria_version: r.criteria_version,
        scope: r.scope,
        regions: r.regions,
        underlying: r.underlying,
        controls: r.controls,
    };
    let mut registration = Declaration::read(declared, Layout::Registry, catalog)
        .map_err(|e| e.in_file(file, at))?
        .into_registration(registration_no, provider, registered_on, audit_period);
    registration.renewal_filed_on = renewal_filed_on;
    registration.revoked_on = revoked_on;
    registration.published_expiry = published_expiry;
    if let Some(conflict) = registration.conflict() {
        let field = conflict.field(|key| catalog.get(key).id.to_string());
        return Err(bad(&field, &conflict.value(), &conflict.to_string()));
    }
    Ok(registration)
}

/// The document form of a registration, as written by [`write_registry`].
pub fn registration_to_doc<'a>(r: &'a Registration, catalog: &'a Catalog) -> RegistrationDoc<'a> {
    let day = |d: NaiveDate| Cow::Owned(d.format("%Y-%m-%d").to_string());
    let borrowed = |s: &'a str| Cow::Borrowed(s);
    RegistrationDoc {
        registration_no: borrowed(r.registration_no.as_str()),
        program: borrowed(r.program.as_str()),
        service_name: borrowed(&r.service_name),
        provider: borrowed(&r.provider),
        service_model: r.service_model.map(|m| borrowed(m.as_str())),
        registered_on: day(r.registered_on),
        audit_period: AuditPeriodDoc {
            start: day(r.audit_period.start()),
            end: day(r.audit_period.end()),
        },
        renewal_filed_on: r.renewal_filed_on.map(day),
        revoked_on: r.revoked_on.map(day),
        expires_on: r.published_expiry.map(day),
        scope: ScopeDoc {
            included: r.scope.included.iter().map(|s| borrowed(&s.text)).collect(),
            excluded: r.scope.excluded.iter().map(|s| borrowed(&s.text)).collect(),
        },
        regions: r
            .regions
            .iter()
            .map(|g| RegionDoc {
                name: borrowed(&g.name),
                country: borrowed(g.country.as_str()),
                selectable: g.selectable,
            })
            .collect(),
        underlying: r.underlying.iter().map(|u| borrowed(u.as_str())).collect(),
        criteria_version: Some(borrowed(&r.criteria_version)),
        controls: r
            .controls()
            .iter()
            .map(|c| {
                let doc = ControlDoc {
                    status: borrowed(c.status.as_str()),
                    reason: c.reason.as_deref().map(borrowed),
                    inherited_from: c.inherited_from.as_ref().map(|n| borrowed(n.as_str())),
                };
                (borrowed(catalog.get(c.key).id.as_str()), doc)
            })
            .collect(),
    }
}

/// Canonical JSON of a registry (pretty, fields in a fixed order, registrations as given).
pub fn write_registry(registry: &Registry, catalog: &Catalog) -> String {
    let doc = RegistryDoc {
        registrations: registry
            .registrations()
            .iter()
            .map(|r| registration_to_doc(r, catalog))
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

/// SHA-256 of a registry's canonical form: how a registry that is not a file (a database's
/// list) is identified; `ismap registry export` writes exactly these bytes.
pub fn canonical_sha256(registry: &Registry, catalog: &Catalog) -> String {
    sha256_hex(write_registry(registry, catalog).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::criteria::builtin_catalog;

    const GOOD: &str = r#"{"registrations": [
      {"registration_no": "C99-0001-1", "program": "ismap", "service_name": "Svc", "provider": "Prov",
       "service_model": "IaaS", "registered_on": "2024-06-01",
       "audit_period": {"start": "2023-04-01", "end": "2024-03-31"},
       "scope": {"included": ["VM"], "excluded": ["ML"]},
       "regions": [{"name": "東京", "country": "jp", "selectable": false}],
       "underlying": ["C99-0002-1"],
       "controls": {"5.1.1": {"status": "implemented"}, "6.1.1.13.PB": {"status": "partial", "reason": "r"}}},
      {"registration_no": "C99-0002-1", "program": "ismap-liu", "service_name": "Base", "provider": "Prov",
       "registered_on": "2024-06-01", "audit_period": {"start": "2023-04-01", "end": "2024-03-31"},
       "scope": {}, "regions": []}
    ]}"#;

    fn parse(text: &str) -> Result<LoadedRegistry, InputError> {
        parse_registry(
            "reg.json",
            text.as_bytes(),
            &builtin_catalog().expect("builtin"),
        )
    }

    #[test]
    fn reads_a_registry() {
        let loaded = parse(GOOD).expect("valid");
        assert_eq!(loaded.registry.len(), 2);
        let r = &loaded.registry.registrations()[0];
        assert_eq!(r.regions[0].country.as_str(), "JP");
        assert_eq!(r.controls().len(), 2);
        assert_eq!(loaded.sha256, sha256_hex(GOOD.as_bytes()));
    }

    #[test]
    fn canonical_form_round_trips() {
        let catalog = builtin_catalog().expect("builtin");
        let first = parse(GOOD).expect("valid");
        let written = write_registry(&first.registry, &catalog);
        let second = parse_registry("again.json", written.as_bytes(), &catalog).expect("re-read");
        assert_eq!(
            first.registry.registrations(),
            second.registry.registrations()
        );
        assert_eq!(write_registry(&second.registry, &catalog), written);
    }

    #[test]
    fn errors_name_the_place() {
        // (replace this, with this, expected display)
        let cases = [
            (
                r#""2024-03-31"}"#,
                r#""2024-03-31"},"#,
                "reg.json:4:69: registrations[0]: key must be a string",
            ),
            (
                r#""program": "ismap-liu""#,
                r#""program": "fedramp""#,
                "reg.json: registrations[1].program: expected \"ismap\" or \"ismap-liu\" (value \"fedramp\")",
            ),
            (
                r#""registered_on": "2024-06-01", "audit"#,
                r#""registered_on": "2024/06/01", "audit"#,
                "reg.json: registrations[1].registered_on: expected a date written YYYY-MM-DD between 1900-01-01 and 9999-12-31 (value \"2024/06/01\")",
            ),
            (
                r#""6.1.1.13.PB""#,
                r#""6.1.1.99""#,
                "reg.json: registrations[0].controls.\"6.1.1.99\": not a criteria ID of version 2022-04-01 (value \"6.1.1.99\")",
            ),
            (
                r#""status": "partial""#,
                r#""status": "done""#,
                "reg.json: registrations[0].controls.\"6.1.1.13.PB\".status: expected implemented, partial or not_applicable (実施／一部実施／非該当) (value \"done\")",
            ),
            (
                r#""country": "jp""#,
                r#""country": "JPN""#,
                "reg.json: registrations[0].regions[0].country: expected an ISO 3166-1 alpha-2 country code such as JP (value \"JPN\")",
            ),
            (
                r#""C99-0002-1", "program""#,
                r#""C99-0001-1", "program""#,
                "reg.json: registrations[1].registration_no: duplicate registration number (first at registrations[0]) (value \"C99-0001-1\")",
            ),
            (
                r#""selectable": false"#,
                r#""selectable": false, "zone": 1"#,
                "reg.json:6:82: registrations[0].regions[0].zone: unknown field `zone`, expected one of `name`, `country`, `selectable`",
            ),
            (
                r#""end": "2024-03-31"}"#,
                r#""end": "2024-04-01"}"#,
                "reg.json: registrations[0].audit_period.end: the audit period 2023-04-01 – 2024-04-01 is longer than 12 months (it may end on 2024-03-31 at the latest) (value \"2024-04-01\")",
            ),
            (
                r#""service_name": "Base""#,
                r#""service_name": " ""#,
                "reg.json: registrations[1].service_name: must not be empty (value \" \")",
            ),
            (
                r#""scope": {}, "regions": []"#,
                r#""scope": {}"#,
                "reg.json:11:19: registrations[1]: missing field `regions`",
            ),
            // dates and references that contradict each other
            // (docs/domain.md, "Rules settled after review")
            (
                r#""registered_on": "2024-06-01", "audit"#,
                r#""registered_on": "2024-06-01", "renewal_filed_on": "2024-03-31", "audit"#,
                "reg.json: registrations[1].renewal_filed_on: a renewal is filed after the audit period it follows: 2024-03-31 is on or before the audit period's end 2024-03-31 (value \"2024-03-31\")",
            ),
            (
                r#""registered_on": "2024-06-01", "audit"#,
                r#""registered_on": "2024-06-01", "revoked_on": "2024-05-31", "audit"#,
                "reg.json: registrations[1].revoked_on: the registration is revoked on 2024-05-31, before it was registered on 2024-06-01 (value \"2024-05-31\")",
            ),
            (
                r#""registered_on": "2024-06-01", "audit"#,
                r#""registered_on": "2024-06-01", "expires_on": "2024-01-31", "audit"#,
                "reg.json: registrations[1].expires_on: the published expiry 2024-01-31 is on or before the audit period's end 2024-03-31 (value \"2024-01-31\")",
            ),
            (
                r#""5.1.1": {"status": "implemented"}"#,
                r#""5.1.1": {"status": "implemented", "inherited_from": "C99-0003-1"}"#,
                "reg.json: registrations[0].controls.\"5.1.1\".inherited_from: controls are inherited from C99-0003-1, which is not one of the entry's underlying services (value \"C99-0003-1\")",
            ),
        ];
        for (from, to, expected) in cases {
            assert!(GOOD.contains(from), "fixture lacks {from}");
            let text = GOOD.replacen(from, to, 1);
            let err = parse(&text).expect_err(to);
            assert_eq!(err.to_string(), expected);
        }
    }

    #[test]
    fn each_entry_follows_its_own_criteria_version() {
        let builtin = builtin_catalog().expect("builtin");
        // a later revision without 5.1.1 (IDs are not stable across revisions)
        let criteria = builtin
            .criteria()
            .iter()
            .filter(|c| c.id.as_str() != "5.1.1")
            .cloned()
            .collect();
        let later = Catalog::new("2023-10", criteria, Vec::new()).expect("catalog");
        let merged = builtin.merge(&later).expect("merged");
        let parse = |text: &str| parse_registry("reg.json", text.as_bytes(), &merged);
        let first = r#""registration_no": "C99-0001-1", "program": "ismap","#;
        let with = |version: &str| {
            GOOD.replacen(
                first,
                &format!(r#"{first} "criteria_version": "{version}","#),
                1,
            )
        };
        let err = parse(&with("2023-10")).expect_err("5.1.1 is not in 2023-10");
        assert!(
            err.to_string().contains(
                "registrations[0].controls.\"5.1.1\": not a criteria ID of version 2023-10"
            ),
            "{err}"
        );
        let without = with("2023-10").replacen(r#""5.1.1": {"status": "implemented"}, "#, "", 1);
        let loaded = parse(&without).expect("valid under 2023-10");
        assert_eq!(
            loaded.registry.registrations()[0].criteria_version,
            "2023-10"
        );
        assert_eq!(
            loaded.registry.registrations()[1].criteria_version,
            "2022-04-01"
        );
        let err = parse(&with("2030-01")).expect_err("not loaded");
        assert!(
            err.to_string()
                .contains("criteria version not loaded (loaded: 2022-04-01, 2023-10)"),
            "{err}"
        );
    }

    #[test]
    fn a_control_named_twice_is_refused() {
        let text = GOOD.replacen(
            r#""5.1.1": {"status": "implemented"}"#,
            r#""5.1.1": {"status": "implemented"}, "5.1.1": {"status": "not_applicable"}"#,
            1,
        );
        let err = parse(&text).expect_err("duplicate key");
        assert_eq!(
            err.to_string(),
            "reg.json: registrations[0].controls.\"5.1.1\": control stated more than once (value \"5.1.1\")"
        );
    }

    proptest::proptest! {
        // Any bytes, and any single-byte corruption of a valid file: an error or a registry,
        // never a panic.
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
            let _ = parse_registry("fuzz.json", &bytes, &builtin_catalog().expect("builtin"));
        }

        #[test]
        fn corrupted_files_never_panic(at in 0usize..GOOD.len(), byte in proptest::num::u8::ANY) {
            let mut bytes = GOOD.as_bytes().to_vec();
            bytes[at] = byte;
            let _ = parse_registry("fuzz.json", &bytes, &builtin_catalog().expect("builtin"));
        }
    }

    #[test]
    fn bytes_that_are_not_utf8_are_located() {
        // Shift_JIS, as a Windows editor may save it: サービス
        let mut bytes = GOOD.as_bytes().to_vec();
        let at = GOOD.find("\"Base\"").expect("fixture") + 1;
        bytes.splice(at..at + 4, [0x83, 0x54, 0x81, 0x5b]);
        let err = parse_registry("reg.json", &bytes, &builtin_catalog().expect("builtin"))
            .expect_err("not UTF-8");
        assert_eq!(
            err.to_string(),
            "reg.json:9:82: not UTF-8 text: save the file as UTF-8"
        );
    }

    #[test]
    fn never_panics_on_garbage() {
        for text in [
            "",
            "{",
            "[]",
            "null",
            "{\"registrations\": 5}",
            "\u{feff}{}",
            "{\"registrations\": [{}]}",
        ] {
            assert!(parse(text).is_err(), "{text:?}");
        }
    }
}
