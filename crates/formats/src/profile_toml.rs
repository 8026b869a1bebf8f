//! Requirement profiles in TOML. Dates may be TOML dates (`2025-04-01`) or strings.

use crate::InputError;
use crate::crosswalk::builtin_crosswalk;
use crate::date::{self, parse_date};
use chrono::NaiveDate;
use ismap_core::case::record::Snapshot;
use ismap_core::check::Engine;
use ismap_core::criteria::Catalog;
use ismap_core::crosswalk::{Expansion, FedrampBaseline, Framework, Node, Requirement};
use ismap_core::ids::{ControlId, CountryCode, RegistrationNumber};
use ismap_core::profile::{
    Confidentiality, ContractPeriod, ControlRequirements, LowImpactBasis, Profile, RegionPolicy,
};
use ismap_core::registry::Registry;
use ismap_core::validity::ExpiryRule;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileDoc {
    name: String,
    agency: Option<String>,
    evaluation_date: Option<toml::Value>,
    confidentiality: toml::Value,
    #[serde(default)]
    low_impact: bool,
    low_impact_basis: Option<LowImpactBasisDoc>,
    #[serde(default)]
    features: Vec<String>,
    candidates: Option<Vec<String>>,
    #[serde(default)]
    regions: RegionsDoc,
    contract: Option<ContractDoc>,
    #[serde(default)]
    controls: ControlsDoc,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegionsDoc {
    allowed_countries: Option<Vec<String>>,
    allowed: Option<Vec<String>>,
    /// The regions the system will use: the service must offer each.
    #[serde(default)]
    required: Vec<String>,
}

/// Who judged the use low impact (ISMAP-LIU), and on what basis.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LowImpactBasisDoc {
    judged_by: String,
    basis: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ContractDoc {
    start: toml::Value,
    end: toml::Value,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ControlsDoc {
    #[serde(default)]
    required: Vec<String>,
    baseline: Option<String>,
    /// Requirements in other frameworks' terms, expanded through the crosswalk.
    #[serde(default)]
    nist: Vec<String>,
    #[serde(default)]
    iso27001_2013: Vec<String>,
    #[serde(default)]
    iso27001_2022: Vec<String>,
    fedramp: Option<String>,
}

/// Line and column (1-based, in characters) of a byte offset.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..text.floor_char_boundary(offset.min(text.len()))];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// The longest name, agency, feature, region or ID a profile may hold.
pub const MAX_TEXT: usize = 200;
/// The most features a profile may list.
pub const MAX_FEATURES: usize = 100;
/// The most candidates, regions, countries or required controls (the real criteria hold
/// about 1,200 controls; the list, a few hundred services).
pub const MAX_LIST: usize = 2000;

/// Parses a profile. Control IDs are checked against `catalog`.
pub fn parse_profile(file: &str, text: &str, catalog: &Catalog) -> Result<Profile, InputError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let located = |e: &toml::de::Error| {
        let error = InputError::new(file, e.message().trim_end().to_owned());
        match e.span() {
            Some(span) => {
                let (line, column) = line_column(text, span.start);
                error.at(line, column)
            }
            None => error,
        }
    };
    let de = toml::Deserializer::parse(text).map_err(|e| located(&e))?;
    let doc: ProfileDoc = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        located(e.inner()).field(path)
    })?;
    profile_from_doc(file, doc, catalog)
}

/// Where a case's check ran: the list's SHA-256 and revision, the day (in Japan) and the
/// expiry rule.
#[derive(Debug, Clone, Copy)]
pub struct CaseCheckOn<'a> {
    pub registry_sha256: &'a str,
    pub registry_revision: Option<i64>,
    pub evaluated_on: NaiveDate,
    pub rule: ExpiryRule,
}

/// A procurement case's check: its profile (TOML, version `version`) parsed against
/// `catalog` and run on `registry` as `on` says. One definition for the CLI, the server and
/// the case watch.
pub fn case_snapshot(
    (file, profile, version): (&str, &str, i32),
    catalog: &Catalog,
    registry: &Registry,
    on: CaseCheckOn,
) -> Result<Snapshot, InputError> {
    let profile = parse_profile(file, profile, catalog)?;
    let engine = Engine::new(catalog, registry, &profile, on.evaluated_on, on.rule)
        .map_err(|e| InputError::new(file, e.to_string()))?;
    Ok(Snapshot::of_check(
        &engine,
        on.registry_sha256,
        on.registry_revision,
        version,
    ))
}

/// Parses a profile written as JSON with the same fields (dates as `"YYYY-MM-DD"`), as the
/// web API accepts it.
pub fn parse_profile_json(
    file: &str,
    bytes: &[u8],
    catalog: &Catalog,
) -> Result<Profile, InputError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let doc: ProfileDoc =
        serde_path_to_error::deserialize(&mut de).map_err(|e| InputError::json(file, e))?;
    profile_from_doc(file, doc, catalog)
}

fn profile_from_doc(file: &str, doc: ProfileDoc, catalog: &Catalog) -> Result<Profile, InputError> {
    let bad = |field: &str, value: &str, message: &str| {
        InputError::new(file, message).field(field).value(value)
    };
    let date = |field: &str, value: &toml::Value| -> Result<NaiveDate, InputError> {
        let parsed = match value {
            toml::Value::String(s) => parse_date(s),
            toml::Value::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => {
                dt.date.and_then(|d| parse_date(&d.to_string()))
            }
            _ => None,
        };
        parsed.ok_or_else(|| {
            bad(
                field,
                &value_text(value),
                &format!("expected {}", date::EXPECTED),
            )
        })
    };
    let list = |field: &str, values: &[String], parse: &dyn Fn(&str) -> Result<(), String>| {
        for (i, v) in values.iter().enumerate() {
            parse(v).map_err(|e| bad(&format!("{field}[{i}]"), v, &e))?;
        }
        Ok::<(), InputError>(())
    };

    // Bounds: a profile is a page of choices, and every candidate is rendered in the sheets
    // (PDF, XLSX) anyone may request; beyond these it is not a profile but a load.
    let too_long = |field: &str, value: &str| {
        bad(
            field,
            &value.chars().take(40).collect::<String>(),
            &format!("at most {MAX_TEXT} characters"),
        )
    };
    // Texts are printed as lines of Markdown, tables and sheets: one line each.
    let basis = doc.low_impact_basis.as_ref();
    for (field, value) in [
        ("name", Some(&doc.name)),
        ("agency", doc.agency.as_ref()),
        ("low_impact_basis.judged_by", basis.map(|b| &b.judged_by)),
        ("low_impact_basis.basis", basis.map(|b| &b.basis)),
        ("controls.fedramp", doc.controls.fedramp.as_ref()),
    ] {
        if let Some(v) = value.filter(|v| v.chars().count() > MAX_TEXT) {
            return Err(too_long(field, v));
        }
        if let Some(v) = value.filter(|v| v.chars().any(char::is_control)) {
            return Err(bad(
                field,
                v,
                "must be one line of text (no line breaks or control characters)",
            ));
        }
    }
    let lists: [(&str, &[String], usize); 9] = [
        ("features", &doc.features, MAX_FEATURES),
        (
            "candidates",
            doc.candidates.as_deref().unwrap_or_default(),
            MAX_LIST,
        ),
        (
            "regions.allowed",
            doc.regions.allowed.as_deref().unwrap_or_default(),
            MAX_LIST,
        ),
        (
            "regions.allowed_countries",
            doc.regions.allowed_countries.as_deref().unwrap_or_default(),
            MAX_LIST,
        ),
        ("controls.required", &doc.controls.required, MAX_LIST),
        ("controls.nist", &doc.controls.nist, MAX_LIST),
        (
            "controls.iso27001_2013",
            &doc.controls.iso27001_2013,
            MAX_LIST,
        ),
        (
            "controls.iso27001_2022",
            &doc.controls.iso27001_2022,
            MAX_LIST,
        ),
        ("regions.required", &doc.regions.required, MAX_FEATURES),
    ];
    for (field, values, max) in lists {
        if values.len() > max {
            return Err(bad(
                field,
                &format!("{} entries", values.len()),
                &format!("at most {max} entries"),
            ));
        }
        if let Some((i, v)) = values
            .iter()
            .enumerate()
            .find(|(_, v)| v.chars().count() > MAX_TEXT)
        {
            return Err(too_long(&format!("{field}[{i}]"), v));
        }
    }
    // Requirements in other frameworks' terms, together: each expands through the crosswalk.
    let mapped_ids = doc.controls.nist.len()
        + doc.controls.iso27001_2013.len()
        + doc.controls.iso27001_2022.len();
    if mapped_ids > MAX_LIST {
        return Err(bad(
            "controls",
            &format!("{mapped_ids} IDs in nist, iso27001_2013 and iso27001_2022"),
            &format!("at most {MAX_LIST} such IDs in all"),
        ));
    }
    let name = doc.name.trim().to_owned();
    if name.is_empty() {
        return Err(bad("name", &doc.name, "must not be empty"));
    }
    let confidentiality = doc
        .confidentiality
        .as_integer()
        .and_then(Confidentiality::new)
        .ok_or_else(|| {
            bad(
                "confidentiality",
                &value_text(&doc.confidentiality),
                "expected 1, 2 or 3 (機密性1/2/3)",
            )
        })?;
    let evaluation_date = doc
        .evaluation_date
        .as_ref()
        .map(|v| date("evaluation_date", v))
        .transpose()?;
    for (i, f) in doc.features.iter().enumerate() {
        if f.trim().is_empty() {
            return Err(bad(&format!("features[{i}]"), f, "must not be empty"));
        }
    }
    let candidates = match &doc.candidates {
        Some(c) => {
            list("candidates", c, &|v| {
                RegistrationNumber::parse(v)
                    .map(drop)
                    .map_err(|e| format!("expected {}", e.expected))
            })?;
            // Each candidate once, in the order given.
            let mut unique: Vec<RegistrationNumber> = Vec::with_capacity(c.len());
            for no in c.iter().filter_map(|v| RegistrationNumber::parse(v).ok()) {
                if !unique.contains(&no) {
                    unique.push(no);
                }
            }
            Some(unique)
        }
        None => None,
    };
    let allowed_countries = match &doc.regions.allowed_countries {
        Some(c) => {
            list("regions.allowed_countries", c, &|v| {
                CountryCode::parse(v)
                    .map(drop)
                    .map_err(|e| format!("expected {}", e.expected))
            })?;
            Some(
                c.iter()
                    .filter_map(|v| CountryCode::parse(v).ok())
                    .collect(),
            )
        }
        None => None,
    };
    let not_empty = |v: &str| -> Result<(), String> {
        if v.trim().is_empty() {
            Err("must not be empty".into())
        } else {
            Ok(())
        }
    };
    if let Some(names) = &doc.regions.allowed {
        list("regions.allowed", names, &not_empty)?;
    }
    list("regions.required", &doc.regions.required, &not_empty)?;
    let low_impact_basis = match &doc.low_impact_basis {
        Some(b) => {
            for (field, value) in [
                ("low_impact_basis.judged_by", &b.judged_by),
                ("low_impact_basis.basis", &b.basis),
            ] {
                not_empty(value).map_err(|e| bad(field, value, &e))?;
            }
            Some(LowImpactBasis {
                judged_by: b.judged_by.trim().to_owned(),
                basis: b.basis.trim().to_owned(),
            })
        }
        None => None,
    };
    let contract = match &doc.contract {
        Some(c) => {
            let start = date("contract.start", &c.start)?;
            let end = date("contract.end", &c.end)?;
            Some(ContractPeriod::new(start, end).ok_or_else(|| {
                bad(
                    "contract.end",
                    &end.to_string(),
                    &format!("the contract ends before it starts ({start})"),
                )
            })?)
        }
        None => None,
    };
    let mut required = Vec::with_capacity(doc.controls.required.len());
    for (i, v) in doc.controls.required.iter().enumerate() {
        let field = format!("controls.required[{i}]");
        let id =
            ControlId::parse(v).map_err(|e| bad(&field, v, &format!("expected {}", e.expected)))?;
        if catalog.key(&id).is_none() {
            return Err(bad(
                &field,
                v,
                &format!("not a criteria ID of version {}", catalog.version()),
            ));
        }
        required.push(id);
    }
    let baseline = match &doc.controls.baseline {
        Some(b) => Some(
            b.parse()
                .map_err(|e: String| bad("controls.baseline", b, &e))?,
        ),
        None => None,
    };
    let mapped = mapped_requirements(&doc.controls, catalog, &bad)?;
    Ok(Profile {
        name,
        agency: doc
            .agency
            .map(|a| a.trim().to_owned())
            .filter(|a| !a.is_empty()),
        evaluation_date,
        confidentiality,
        low_impact: doc.low_impact,
        low_impact_basis,
        features: doc.features.iter().map(|f| f.trim().to_owned()).collect(),
        candidates,
        regions: RegionPolicy::new(allowed_countries, doc.regions.allowed.clone()).requiring(
            doc.regions
                .required
                .iter()
                .map(|r| r.trim().to_owned())
                .collect(),
        ),
        contract,
        controls: ControlRequirements {
            required,
            baseline,
            mapped,
        },
    })
}

/// `[controls] nist`, `iso27001_2013`, `iso27001_2022` and `fedramp`, each ID checked
/// against the crosswalk and expanded to the ISMAP controls it maps to.
fn mapped_requirements(
    doc: &ControlsDoc,
    catalog: &Catalog,
    bad: &dyn Fn(&str, &str, &str) -> InputError,
) -> Result<Expansion, InputError> {
    let crosswalk = builtin_crosswalk();
    let mut requirements = Vec::new();
    let lists = [
        ("controls.nist", Framework::Nist, &doc.nist),
        (
            "controls.iso27001_2013",
            Framework::Iso2013,
            &doc.iso27001_2013,
        ),
        (
            "controls.iso27001_2022",
            Framework::Iso2022,
            &doc.iso27001_2022,
        ),
    ];
    for (field, framework, ids) in lists {
        for (i, raw) in ids.iter().enumerate() {
            let id = crosswalk
                .resolve_id(catalog, framework, raw)
                .map_err(|e| bad(&format!("{field}[{i}]"), raw, &e.reason()))?;
            requirements.push(Requirement {
                node: Node::new(framework, id),
                fedramp: None,
            });
        }
    }
    if let Some(b) = &doc.fedramp {
        let baseline: FedrampBaseline = b
            .parse()
            .map_err(|e: String| bad("controls.fedramp", b, &e))?;
        requirements.extend(crosswalk.fedramp(baseline).iter().map(|id| Requirement {
            node: Node::new(Framework::Nist, id.clone()),
            fedramp: Some(baseline),
        }));
    }
    Ok(crosswalk.expand(catalog, requirements))
}

/// A profile as TOML, in the layout `parse_profile` reads (dates as TOML dates).
pub fn write_profile(p: &Profile) -> String {
    use toml::{Table, Value};
    let date = |d: NaiveDate| {
        d.format("%Y-%m-%d")
            .to_string()
            .parse::<toml::value::Datetime>()
            .map_or_else(|_| Value::String(d.to_string()), Value::Datetime)
    };
    let strings = |items: Vec<String>| Value::Array(items.into_iter().map(Value::String).collect());
    let mut t = Table::new();
    t.insert("name".into(), Value::String(p.name.clone()));
    if let Some(a) = &p.agency {
        t.insert("agency".into(), Value::String(a.clone()));
    }
    if let Some(d) = p.evaluation_date {
        t.insert("evaluation_date".into(), date(d));
    }
    t.insert(
        "confidentiality".into(),
        Value::Integer(i64::from(p.confidentiality.level())),
    );
    t.insert("low_impact".into(), Value::Boolean(p.low_impact));
    if let Some(b) = &p.low_impact_basis {
        let mut basis = Table::new();
        basis.insert("judged_by".into(), Value::String(b.judged_by.clone()));
        basis.insert("basis".into(), Value::String(b.basis.clone()));
        t.insert("low_impact_basis".into(), Value::Table(basis));
    }
    t.insert("features".into(), strings(p.features.clone()));
    if let Some(c) = &p.candidates {
        t.insert(
            "candidates".into(),
            strings(c.iter().map(ToString::to_string).collect()),
        );
    }
    let mut regions = Table::new();
    if let Some(c) = &p.regions.allowed_countries {
        regions.insert(
            "allowed_countries".into(),
            strings(c.iter().map(ToString::to_string).collect()),
        );
    }
    if let Some(names) = p.regions.allowed_names() {
        regions.insert(
            "allowed".into(),
            strings(names.into_iter().map(str::to_owned).collect()),
        );
    }
    let required = p.regions.required_names();
    if !required.is_empty() {
        regions.insert(
            "required".into(),
            strings(required.into_iter().map(str::to_owned).collect()),
        );
    }
    if !regions.is_empty() {
        t.insert("regions".into(), Value::Table(regions));
    }
    if let Some(c) = p.contract {
        let mut contract = Table::new();
        contract.insert("start".into(), date(c.start()));
        contract.insert("end".into(), date(c.end()));
        t.insert("contract".into(), Value::Table(contract));
    }
    let mut controls = Table::new();
    controls.insert(
        "required".into(),
        strings(
            p.controls
                .required
                .iter()
                .map(ToString::to_string)
                .collect(),
        ),
    );
    if p.controls.baseline.is_some() {
        controls.insert("baseline".into(), Value::String("basic".into()));
    }
    let written = |framework| {
        p.controls
            .mapped
            .requirements
            .iter()
            .filter(|r| {
                r.requirement.fedramp.is_none() && r.requirement.node.framework == framework
            })
            .map(|r| r.requirement.node.id.clone())
            .collect::<Vec<_>>()
    };
    for (key, framework) in [
        ("nist", Framework::Nist),
        ("iso27001_2013", Framework::Iso2013),
        ("iso27001_2022", Framework::Iso2022),
    ] {
        let ids = written(framework);
        if !ids.is_empty() {
            controls.insert(key.into(), strings(ids));
        }
    }
    if let Some(b) = p
        .controls
        .mapped
        .requirements
        .iter()
        .find_map(|r| r.requirement.fedramp)
    {
        controls.insert("fedramp".into(), Value::String(b.code().into()));
    }
    t.insert("controls".into(), Value::Table(controls));
    toml::to_string(&t).unwrap_or_default()
}

fn value_text(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::criteria::builtin_catalog;

    const GOOD: &str = r#"
name = "人事給与システム"
agency = "架空省"
evaluation_date = 2026-12-01
confidentiality = 2
low_impact = false
features = ["仮想マシン", "オブジェクトストレージ"]
candidates = ["C99-0001-1"]

[low_impact_basis]
judged_by = "情報システム課長"
basis = "公開情報のみを扱う"

[regions]
allowed_countries = ["JP"]
allowed = ["東京", "大阪"]
required = ["東京"]

[contract]
start = "2026-04-01"
end = 2029-03-31

[controls]
required = ["9.2.3", "6.1.1.13.PB"]
baseline = "basic"
"#;

    fn parse(text: &str) -> Result<Profile, InputError> {
        parse_profile("p.toml", text, &builtin_catalog().expect("builtin"))
    }

    #[test]
    fn reads_a_profile() {
        let p = parse(GOOD).expect("valid");
        assert_eq!(p.evaluation_date, parse_date("2026-12-01"));
        assert_eq!(p.contract.map(|c| c.end()), parse_date("2029-03-31"));
        assert_eq!(p.controls.required.len(), 2);
        assert_eq!(p.regions.allowed_names(), Some(vec!["東京", "大阪"]));
        assert_eq!(p.regions.required_names(), ["東京"]);
        assert_eq!(
            p.low_impact_basis.as_ref().map(|b| b.judged_by.as_str()),
            Some("情報システム課長")
        );
        let minimal = parse("name = \"x\"\nconfidentiality = 1\n").expect("minimal");
        assert!(!minimal.low_impact && minimal.contract.is_none() && minimal.candidates.is_none());
    }

    #[test]
    fn requirements_in_other_frameworks_expand_and_round_trip() {
        let text = "name = \"x\"\nconfidentiality = 2\n[controls]\nnist = [\"AC-02\", \"ac-10\"]\niso27001_2022 = [\"a.5.15\"]\nfedramp = \"FedRAMP Low\"\n";
        let p = parse(text).expect("valid");
        let reqs = &p.controls.mapped.requirements;
        assert_eq!(reqs[0].requirement.node.id, "ac-2");
        assert_eq!(reqs[2].requirement.node.id, "A.5.15");
        // ac-2 is also in FedRAMP Low: counted once.
        assert_eq!(reqs.len(), 3 + 156 - 1);
        // ac-10 is in no published table: kept, with nothing mapped, to be reported.
        let unmapped: Vec<&str> = p
            .controls
            .mapped
            .unmapped()
            .map(|(_, r)| r.requirement.node.id.as_str())
            .collect();
        assert!(unmapped.contains(&"ac-10"), "{unmapped:?}");
        // A.5.15 is A.9.1.1 and A.9.1.2 in 2013 terms: ISMAP 9.1.1 and 9.1.2.
        let a515: Vec<&str> = reqs[2].controls.iter().map(|c| c.id.as_str()).collect();
        assert!(
            a515.contains(&"9.1.1") && a515.contains(&"9.1.2"),
            "{a515:?}"
        );
        let catalog = builtin_catalog().expect("builtin");
        assert!(p.controls.resolve(&catalog).expect("known").len() > 50);
        let again = parse(&write_profile(&p)).expect("re-read");
        assert_eq!(again.controls, p.controls);
        for (text, want) in [
            (
                "nist = [\"ac-2\", \"ac-99\"]",
                "p.toml: controls.nist[1]: not a known NIST SP 800-53 Rev. 5 ID (value \"ac-99\")",
            ),
            (
                "iso27001_2013 = [\"9.2.3\"]",
                "p.toml: controls.iso27001_2013[0]: not a known ISO/IEC 27001:2013 ID (value \"9.2.3\")",
            ),
            (
                "nist = [\"access control\"]",
                "p.toml: controls.nist[0]: expected a NIST SP 800-53 ID such as ac-2, AC-2(1) or ac-2.1 (value \"access control\")",
            ),
            (
                "fedramp = \"medium\"",
                "p.toml: controls.fedramp: unknown FedRAMP baseline \"medium\": expected low, moderate, high or li-saas (value \"medium\")",
            ),
        ] {
            let err = parse(&format!(
                "name = \"x\"\nconfidentiality = 2\n[controls]\n{text}\n"
            ))
            .expect_err(text);
            assert_eq!(err.to_string(), want);
        }
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,300}") {
            let _ = parse(&text);
        }

        #[test]
        fn corrupted_profiles_never_panic(at in 0usize..GOOD.len(), c in proptest::char::any()) {
            let mut text: Vec<char> = GOOD.chars().collect();
            let at = at % text.len();
            text[at] = c;
            let _ = parse(&text.into_iter().collect::<String>());
        }
    }

    #[test]
    fn oversized_profiles_are_refused_with_the_field() {
        let long = "あ".repeat(MAX_TEXT + 1);
        let many = |n: usize| {
            (0..n)
                .map(|i| format!("\"f{i}\""))
                .collect::<Vec<_>>()
                .join(",")
        };
        let cases = [
            (
                format!("name = \"{long}\"\nconfidentiality = 2\n"),
                "name",
                "at most 200 characters",
            ),
            (
                format!(
                    "name = \"x\"\nconfidentiality = 2\nfeatures = [{}]\n",
                    many(MAX_FEATURES + 1)
                ),
                "features",
                "at most 100 entries",
            ),
            (
                format!("name = \"x\"\nconfidentiality = 2\nfeatures = [\"{long}\"]\n"),
                "features[0]",
                "at most 200 characters",
            ),
        ];
        for (text, field, message) in cases {
            let e = parse(&text).expect_err(field);
            assert_eq!(e.field.as_deref(), Some(field), "{e}");
            assert!(e.to_string().contains(message), "{e}");
        }
        let at_limit = format!(
            "name = \"x\"\nconfidentiality = 2\nfeatures = [{}]\n",
            many(MAX_FEATURES)
        );
        assert!(parse(&at_limit).is_ok());
    }

    #[test]
    fn written_profiles_read_back_the_same() {
        let catalog = builtin_catalog().expect("builtin");
        let p = parse(GOOD).expect("valid");
        let written = write_profile(&p);
        assert_eq!(
            parse_profile("again.toml", &written, &catalog).expect("re-read"),
            p
        );
        assert!(
            written.contains("evaluation_date = 2026-12-01"),
            "{written}"
        );
        let minimal = parse("name = \"x\"\nconfidentiality = 1\n").expect("minimal");
        assert_eq!(
            parse_profile("m.toml", &write_profile(&minimal), &catalog).expect("re-read"),
            minimal
        );
    }

    #[test]
    fn json_profiles() {
        let catalog = builtin_catalog().expect("builtin");
        let json = r#"{"name": "p", "confidentiality": 2, "evaluation_date": "2026-12-01",
            "features": ["仮想マシン"], "contract": {"start": "2026-04-01", "end": "2029-03-31"},
            "controls": {"required": ["9.2.3"]}}"#;
        let p = parse_profile_json("body", json.as_bytes(), &catalog).expect("valid");
        assert_eq!(p.evaluation_date, parse_date("2026-12-01"));
        assert_eq!(p.controls.required.len(), 1);
        let err = parse_profile_json(
            "body",
            br#"{"name": "p", "confidentiality": "x"}"#,
            &catalog,
        )
        .expect_err("bad");
        assert_eq!(
            err.to_string(),
            "body: confidentiality: expected 1, 2 or 3 (機密性1/2/3) (value \"x\")"
        );
        let err = parse_profile_json("body", b"{\"name\": ", &catalog).expect_err("bad");
        assert_eq!((err.line, err.column), (Some(1), Some(9)));
    }

    #[test]
    fn duplicates_fold_and_texts_stay_on_one_line() {
        let text = GOOD
            .replace(
                r#"candidates = ["C99-0001-1"]"#,
                r#"candidates = ["C99-0001-1", "C99-0002-1", "C99-0001-1"]"#,
            )
            .replace(
                r#"required = ["東京"]"#,
                r#"required = ["東京", "ｔｏｋｙｏ", "Tokyo", "東京"]"#,
            );
        let p = parse(&text).expect("valid");
        assert_eq!(p.candidates.map(|c| c.len()), Some(2));
        assert_eq!(p.regions.required_names(), ["東京", "ｔｏｋｙｏ"]);
        let broken = GOOD.replace(
            r#"judged_by = "情報システム課長""#,
            r#"judged_by = "課長\n# 差し込まれた見出し""#,
        );
        let err = parse(&broken).expect_err("two lines");
        assert!(
            err.to_string()
                .starts_with("p.toml: low_impact_basis.judged_by: must be one line of text"),
            "{err}"
        );
    }

    #[test]
    fn errors_name_the_place() {
        let cases = [
            (
                "confidentiality = 2",
                "confidentiality = 4",
                "p.toml: confidentiality: expected 1, 2 or 3 (機密性1/2/3) (value \"4\")",
            ),
            (
                "confidentiality = 2",
                "confidentiality = \"2\"",
                "p.toml: confidentiality: expected 1, 2 or 3 (機密性1/2/3) (value \"2\")",
            ),
            (
                "evaluation_date = 2026-12-01",
                "evaluation_date = \"2026-13-01\"",
                "p.toml: evaluation_date: expected a date written YYYY-MM-DD between 1900-01-01 and 9999-12-31 (value \"2026-13-01\")",
            ),
            (
                "evaluation_date = 2026-12-01",
                "evaluation_date = 2026-12-01T10:00:00",
                "p.toml: evaluation_date: expected a date written YYYY-MM-DD between 1900-01-01 and 9999-12-31 (value \"2026-12-01T10:00:00\")",
            ),
            (
                "end = 2029-03-31",
                "end = 2026-03-31",
                "p.toml: contract.end: the contract ends before it starts (2026-04-01) (value \"2026-03-31\")",
            ),
            (
                "\"6.1.1.13.PB\"",
                "\"6.1.1.14.PB\"",
                "p.toml: controls.required[1]: not a criteria ID of version 2022-04-01 (value \"6.1.1.14.PB\")",
            ),
            (
                "\"6.1.1.13.PB\"",
                "\"A.5.1\"",
                "p.toml: controls.required[1]: expected a criteria ID such as 5.1.1 or 6.1.1.13.PB (value \"A.5.1\")",
            ),
            (
                "baseline = \"basic\"",
                "baseline = \"high\"",
                "p.toml: controls.baseline: unknown baseline \"high\": expected \"basic\" (value \"high\")",
            ),
            (
                "allowed_countries = [\"JP\"]",
                "allowed_countries = [\"JP\", \"Japan\"]",
                "p.toml: regions.allowed_countries[1]: expected an ISO 3166-1 alpha-2 country code such as JP (value \"Japan\")",
            ),
            (
                "low_impact = false",
                "low_impact = \"no\"",
                "p.toml:6:14: low_impact: invalid type: string \"no\", expected a boolean",
            ),
            (
                "low_impact = false",
                "low_impact = false\nlow_impakt = true",
                "p.toml:7:1: low_impakt: unknown field `low_impakt`, expected one of `name`, `agency`, `evaluation_date`, `confidentiality`, `low_impact`, `low_impact_basis`, `features`, `candidates`, `regions`, `contract`, `controls`",
            ),
            (
                "features = [\"仮想マシン\",",
                "features = [\"仮想マシン\" ",
                "p.toml:7:22: missing comma between array elements, expected `,`",
            ),
        ];
        for (from, to, expected) in cases {
            assert!(GOOD.contains(from), "fixture lacks {from}");
            let err = parse(&GOOD.replacen(from, to, 1)).expect_err(to);
            assert_eq!(err.to_string(), expected, "{to}");
        }
        let err = parse("confidentiality = 2\n").expect_err("no name");
        assert_eq!(err.to_string(), "p.toml:1:1: missing field `name`");
    }
}
