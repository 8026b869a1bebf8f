//! Reading an OSCAL catalog into a typed model of the parts that matter (ids, titles,
//! parameters, parts, nesting), without building the whole document in memory: what is
//! required must be there with the right type, ids must be well-formed tokens and unique.

use serde::Deserialize;
use serde::de::IgnoredAny;
use std::borrow::Cow;
use std::collections::HashSet;

#[derive(Deserialize)]
struct Doc<'a> {
    #[serde(borrow)]
    catalog: Catalog<'a>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Catalog<'a> {
    #[serde(borrow)]
    uuid: Cow<'a, str>,
    #[serde(borrow)]
    metadata: Metadata<'a>,
    #[serde(default, borrow)]
    params: Vec<Param<'a>>,
    #[serde(default, borrow)]
    controls: Vec<Control<'a>>,
    #[serde(default, borrow)]
    groups: Vec<Group<'a>>,
    #[serde(default)]
    back_matter: Option<IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Metadata<'a> {
    #[serde(borrow)]
    title: Cow<'a, str>,
    #[serde(borrow)]
    last_modified: Cow<'a, str>,
    #[serde(borrow)]
    version: Cow<'a, str>,
    #[serde(borrow)]
    oscal_version: Cow<'a, str>,
}

#[derive(Deserialize)]
struct Group<'a> {
    #[serde(default, borrow)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    title: Cow<'a, str>,
    #[serde(default, borrow)]
    params: Vec<Param<'a>>,
    #[serde(default, borrow)]
    parts: Vec<Part<'a>>,
    #[serde(default, borrow)]
    groups: Vec<Group<'a>>,
    #[serde(default, borrow)]
    controls: Vec<Control<'a>>,
}

#[derive(Deserialize)]
struct Control<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow)]
    title: Cow<'a, str>,
    #[serde(default, borrow)]
    params: Vec<Param<'a>>,
    #[serde(default, borrow)]
    parts: Vec<Part<'a>>,
    #[serde(default, borrow)]
    controls: Vec<Control<'a>>,
}

#[derive(Deserialize)]
struct Param<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
}

#[derive(Deserialize)]
struct Part<'a> {
    #[serde(default, borrow)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(default, borrow)]
    parts: Vec<Part<'a>>,
}

/// What a valid catalog holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogSummary {
    pub title: String,
    pub controls: usize,
    pub params: usize,
}

/// OSCAL's token: a letter or `_`, then letters, digits, `.`, `-` or `_`.
fn is_token(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
        && parts
            .iter()
            .all(|p| p.chars().all(|c| c.is_ascii_hexdigit()))
}

struct Check {
    ids: HashSet<String>,
    controls: usize,
    params: usize,
}

impl Check {
    fn id(&mut self, id: &str, what: &str) -> Result<(), String> {
        if !is_token(id) {
            return Err(format!(
                "{what} id {id:?} is not an OSCAL token (a letter or _, then letters, digits, . - _)"
            ));
        }
        if !self.ids.insert(id.to_owned()) {
            return Err(format!("{what} id {id:?} appears twice"));
        }
        Ok(())
    }

    fn params(&mut self, params: &[Param]) -> Result<(), String> {
        for p in params {
            self.id(&p.id, "parameter")?;
            self.params += 1;
        }
        Ok(())
    }

    fn parts(&mut self, parts: &[Part]) -> Result<(), String> {
        for p in parts {
            if !is_token(&p.name) {
                return Err(format!("part name {:?} is not an OSCAL token", p.name));
            }
            if let Some(id) = &p.id {
                self.id(id, "part")?;
            }
            self.parts(&p.parts)?;
        }
        Ok(())
    }

    fn controls(&mut self, controls: &[Control]) -> Result<(), String> {
        for c in controls {
            self.id(&c.id, "control")?;
            if c.title.trim().is_empty() {
                return Err(format!("control {} has an empty title", c.id));
            }
            self.controls += 1;
            self.params(&c.params)?;
            self.parts(&c.parts)?;
            self.controls(&c.controls)?;
        }
        Ok(())
    }

    fn groups(&mut self, groups: &[Group]) -> Result<(), String> {
        for g in groups {
            if let Some(id) = &g.id {
                self.id(id, "group")?;
            }
            if g.title.trim().is_empty() {
                return Err("a group has an empty title".into());
            }
            self.params(&g.params)?;
            self.parts(&g.parts)?;
            self.groups(&g.groups)?;
            self.controls(&g.controls)?;
        }
        Ok(())
    }
}

/// Reads and checks a catalog document; the error says what is wrong and where.
pub fn validate_catalog(bytes: &[u8]) -> Result<CatalogSummary, String> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let doc: Doc = serde_path_to_error::deserialize(&mut de)
        .map_err(|e| format!("{}: {}", e.path(), e.inner()))?;
    let c = doc.catalog;
    if !is_uuid(&c.uuid) {
        return Err(format!("catalog.uuid: {:?} is not a UUID", c.uuid));
    }
    let m = &c.metadata;
    if m.title.trim().is_empty() || m.version.trim().is_empty() || m.oscal_version.trim().is_empty()
    {
        return Err("catalog.metadata: title, version and oscal-version must not be empty".into());
    }
    if chrono::DateTime::parse_from_rfc3339(&m.last_modified).is_err() {
        return Err(format!(
            "catalog.metadata.last-modified: {:?} is not a date-time with a time zone",
            m.last_modified
        ));
    }
    let _ = &c.back_matter;
    let mut check = Check {
        ids: HashSet::new(),
        controls: 0,
        params: 0,
    };
    check.params(&c.params)?;
    check.groups(&c.groups)?;
    check.controls(&c.controls)?;
    Ok(CatalogSummary {
        title: m.title.to_string(),
        controls: check.controls,
        params: check.params,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(controls: serde_json::Value) -> Vec<u8> {
        json!({"catalog": {"uuid": "74c8ba1e-5cd4-4ad1-bbfd-d888e2f6c724",
            "metadata": {"title": "t", "last-modified": "2021-06-08T13:57:28.355446-04:00", "version": "1", "oscal-version": "1.0.0"},
            "groups": [{"id": "ac", "title": "AC", "controls": controls}]}})
        .to_string()
        .into_bytes()
    }

    #[test]
    fn checks() {
        let ok = doc(
            json!([{"id": "ac-1", "title": "x", "params": [{"id": "ac-1_prm_1"}], "parts": [{"name": "statement", "id": "ac-1_smt"}],
            "controls": [{"id": "ac-1.1", "title": "y"}]}]),
        );
        assert_eq!(
            validate_catalog(&ok),
            Ok(CatalogSummary {
                title: "t".into(),
                controls: 2,
                params: 1
            })
        );
        let cases = [
            (
                json!([{"id": "ac-1", "title": "x"}, {"id": "ac-1", "title": "y"}]),
                "control id \"ac-1\" appears twice",
            ),
            (
                json!([{"id": "1ac", "title": "x"}]),
                "control id \"1ac\" is not an OSCAL token",
            ),
            (json!([{"id": "ac-1"}]), "missing field `title`"),
            (
                json!([{"id": "ac-1", "title": "x", "params": [{"label": "l"}]}]),
                "missing field `id`",
            ),
        ];
        for (controls, expected) in cases {
            let err = validate_catalog(&doc(controls.clone())).expect_err("invalid");
            assert!(err.contains(expected), "{controls}: {err}");
        }
        assert!(validate_catalog(b"{\"catalog\": {}}").is_err());
        assert!(validate_catalog(b"[1, 2").is_err());
    }
}
