//! Contract clause templates (`data/clauses/*.toml`): the shipped set, compiled in, and an
//! agency's own directory of the same files. Each file is one clause; a template that names
//! an unknown placeholder or condition is refused with its file and field.

use crate::InputError;
use ismap_core::case::clauses::{Body, Template, When};
use serde::Deserialize;
use std::path::Path;
use std::sync::OnceLock;

const SHIPPED: [(&str, &str); 6] = [
    (
        "10-renewal-exit.toml",
        include_str!("../../../data/clauses/10-renewal-exit.toml"),
    ),
    (
        "20-scope-confirmation.toml",
        include_str!("../../../data/clauses/20-scope-confirmation.toml"),
    ),
    (
        "25-confirmations.toml",
        include_str!("../../../data/clauses/25-confirmations.toml"),
    ),
    (
        "30-data-location.toml",
        include_str!("../../../data/clauses/30-data-location.toml"),
    ),
    (
        "40-customer-duties.toml",
        include_str!("../../../data/clauses/40-customer-duties.toml"),
    ),
    (
        "50-settled-points.toml",
        include_str!("../../../data/clauses/50-settled-points.toml"),
    ),
];

/// The most templates a directory may hold, and the largest template file.
const MAX_TEMPLATES: usize = 100;
const MAX_TEMPLATE_BYTES: u64 = 64 * 1024;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Doc {
    id: String,
    when: String,
    title: Pair,
    body: Pair,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Pair {
    ja: String,
    en: String,
}

/// The shipped templates, parsed once (they are compiled in and checked by the tests).
pub fn builtin_clauses() -> &'static [Template] {
    static BUILT: OnceLock<Vec<Template>> = OnceLock::new();
    BUILT.get_or_init(|| {
        let files: Vec<(String, String)> = SHIPPED
            .iter()
            .map(|(n, t)| ((*n).to_owned(), (*t).to_owned()))
            .collect();
        parse_clauses(&files).expect("the shipped clause templates parse")
    })
}

/// Templates from `(file name, text)` pairs, in file-name order; ids are unique.
pub fn parse_clauses(files: &[(String, String)]) -> Result<Vec<Template>, InputError> {
    let mut sorted: Vec<&(String, String)> = files.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out: Vec<Template> = Vec::new();
    for (file, text) in sorted {
        let doc: Doc = toml::from_str(text).map_err(|e| {
            let error = InputError::new(file, e.message().trim_end().to_owned());
            match e
                .span()
                .map(|s| crate::profile_toml::line_column(text, s.start))
            {
                Some((line, column)) => error.at(line, column),
                None => error,
            }
        })?;
        let id = doc.id.trim();
        if id.is_empty()
            || id.len() > 64
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(
                InputError::new(file, "letters, digits, _ and - (at most 64)")
                    .field("id")
                    .value(id),
            );
        }
        if out.iter().any(|t| t.id == id) {
            return Err(InputError::new(file, "another template has this id")
                .field("id")
                .value(id));
        }
        let body = |field: &str, text: &str| {
            Body::parse(text).map_err(|m| InputError::new(file, m).field(field))
        };
        out.push(Template {
            id: id.to_owned(),
            when: When::parse(&doc.when)
                .map_err(|m| InputError::new(file, m).field("when").value(&doc.when))?,
            title_ja: doc.title.ja.trim().to_owned(),
            title_en: doc.title.en.trim().to_owned(),
            body_ja: body("body.ja", &doc.body.ja)?,
            body_en: body("body.en", &doc.body.en)?,
        });
    }
    Ok(out)
}

/// The templates of a directory an agency keeps (`*.toml`, at most 100 files of 64 KiB).
pub fn read_clause_dir(dir: &Path) -> Result<Vec<Template>, InputError> {
    let name = dir.display().to_string();
    let entries = std::fs::read_dir(dir).map_err(|e| InputError::new(&name, e.to_string()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| InputError::new(&name, e.to_string()))?
            .path();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        let file = path.display().to_string();
        let size = std::fs::metadata(&path)
            .map_err(|e| InputError::new(&file, e.to_string()))?
            .len();
        if size > MAX_TEMPLATE_BYTES || files.len() >= MAX_TEMPLATES {
            return Err(InputError::new(
                &file,
                format!("at most {MAX_TEMPLATES} templates of {MAX_TEMPLATE_BYTES} bytes each"),
            ));
        }
        let text =
            std::fs::read_to_string(&path).map_err(|e| InputError::new(&file, e.to_string()))?;
        files.push((file, text));
    }
    if files.is_empty() {
        return Err(InputError::new(&name, "no *.toml clause templates here"));
    }
    parse_clauses(&files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_templates_parse_in_order() {
        let ids: Vec<&str> = builtin_clauses().iter().map(|t| t.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "renewal_exit",
                "scope_confirmation",
                "confirmations",
                "data_location",
                "customer_duties",
                "settled_points"
            ]
        );
    }

    #[test]
    fn bad_templates_name_file_and_field() {
        let ok = "id = \"x\"\nwhen = \"always\"\n[title]\nja = \"t\"\nen = \"t\"\n[body]\nja = \"{service}\"\nen = \"{service}\"\n";
        let table: [(&str, &str); 5] = [
            ("id = \"x\"", "missing field"),
            (&ok.replace("always", "sometimes"), "unknown condition"),
            (
                &ok.replace("ja = \"{service}\"", "ja = \"{servise}\""),
                "unknown placeholder",
            ),
            (&ok.replace("id = \"x\"", "id = \"a b\""), "letters, digits"),
            (&format!("{ok}extra = 1\n"), "unknown field"),
        ];
        for (text, expected) in table {
            let err = parse_clauses(&[("c.toml".into(), text.to_owned())]).expect_err("refused");
            assert_eq!(err.file, "c.toml");
            assert!(err.message.contains(expected), "{text}: {err}");
        }
        let twice = parse_clauses(&[("a.toml".into(), ok.into()), ("b.toml".into(), ok.into())])
            .expect_err("refused");
        assert_eq!(
            (twice.file.as_str(), twice.field.as_deref()),
            ("b.toml", Some("id"))
        );
    }
}
