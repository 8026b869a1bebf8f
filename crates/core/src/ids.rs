//! Identifiers that parse: a value of these types is always well formed.

use regex::Regex;
use serde::{Serialize, Serializer};
use std::fmt;
use std::sync::LazyLock;

/// docs/domain.md, "Control criteria and their IDs": `^\d+(\.\d+){1,4}(\.(PB|P|B))?$`.
static CONTROL_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\d+(\.\d+){1,4}(\.(PB|P|B))?$").expect("valid regex"));
/// docs/domain.md, "Registration numbers": `C21-0008-2` = C + 2-digit year + serial + suffix.
/// A soft check only.
static CONVENTIONAL_REG_NO: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^C\d{2}-\d{4}-\d+$").expect("valid regex"));

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not {expected}")]
pub struct IdError {
    pub value: String,
    pub expected: &'static str,
}

/// Suffix of a criteria ID: `.P` cloud-specific, `.B` basic statement requirement, `.PB` both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Suffix {
    #[default]
    None,
    P,
    B,
    PB,
}

impl Suffix {
    pub fn parse(s: &str) -> Option<Suffix> {
        match s {
            "" => Some(Suffix::None),
            "P" => Some(Suffix::P),
            "B" => Some(Suffix::B),
            "PB" => Some(Suffix::PB),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Suffix::None => "",
            Suffix::P => "P",
            Suffix::B => "B",
            Suffix::PB => "PB",
        }
    }

    pub fn is_cloud_specific(self) -> bool {
        matches!(self, Suffix::P | Suffix::PB)
    }

    /// A basic statement requirement (基本言明要件): mandatory for every provider.
    pub fn is_basic(self) -> bool {
        matches!(self, Suffix::B | Suffix::PB)
    }
}

/// A criteria ID such as `5.1.1` (control objective) or `6.1.1.13.PB` (detailed control).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ControlId(String);

impl ControlId {
    pub fn parse(value: &str) -> Result<Self, IdError> {
        let v = value.trim();
        if CONTROL_ID.is_match(v) {
            Ok(ControlId(v.to_owned()))
        } else {
            Err(IdError {
                value: value.to_owned(),
                expected: "a criteria ID such as 5.1.1 or 6.1.1.13.PB",
            })
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The numeric components, without the suffix: `6.1.1.13.PB` → `[6, 1, 1, 13]`.
    pub fn numbers(&self) -> Vec<u32> {
        self.0.split('.').map_while(|p| p.parse().ok()).collect()
    }

    pub fn suffix(&self) -> Suffix {
        self.0
            .rsplit('.')
            .next()
            .and_then(Suffix::parse)
            .unwrap_or_default()
    }

    /// Natural order: numbers compared as numbers (`5.1.10` after `5.1.9`), then the suffix.
    pub fn natural_cmp(&self, other: &ControlId) -> std::cmp::Ordering {
        self.numbers()
            .cmp(&other.numbers())
            .then(self.suffix().cmp(&other.suffix()))
    }
}

impl AsRef<str> for ControlId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

// Lets a map keyed by `ControlId` be searched with a `&str` without allocating.
impl std::borrow::Borrow<str> for ControlId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ControlId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for ControlId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// A registration number on the ISMAP list. Any non-empty text without control characters is
/// accepted; [`RegistrationNumber::is_conventional`] tells whether it has the usual shape.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegistrationNumber(String);

impl RegistrationNumber {
    pub fn parse(value: &str) -> Result<Self, IdError> {
        let v = value.trim();
        if v.is_empty() || v.chars().any(char::is_control) || v.chars().count() > 64 {
            return Err(IdError {
                value: value.to_owned(),
                expected: "a registration number such as C21-0008-2 (1–64 characters, no control characters)",
            });
        }
        Ok(RegistrationNumber(v.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The soft check of docs/domain.md, "Registration numbers": `C` + 2-digit year + `-` +
    /// 4-digit serial + `-` + suffix.
    pub fn is_conventional(&self) -> bool {
        CONVENTIONAL_REG_NO.is_match(&self.0)
    }
}

impl fmt::Display for RegistrationNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for RegistrationNumber {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for RegistrationNumber {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        RegistrationNumber::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// An ISO 3166-1 alpha-2 country code, upper case (`JP`, `US`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    pub fn parse(value: &str) -> Result<Self, IdError> {
        match value.trim().as_bytes() {
            [a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => Ok(CountryCode([
                a.to_ascii_uppercase(),
                b.to_ascii_uppercase(),
            ])),
            _ => Err(IdError {
                value: value.to_owned(),
                expected: "an ISO 3166-1 alpha-2 country code such as JP",
            }),
        }
    }

    /// Japan: a region elsewhere needs a legal look (governing law, foreign-law access).
    pub fn is_japan(&self) -> bool {
        self.0 == *b"JP"
    }

    pub fn as_str(&self) -> &str {
        // Both bytes are ASCII letters by construction.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for CountryCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_ids() {
        let valid = [
            ("5.1.1", Suffix::None),
            ("3.1.2.1", Suffix::None),
            ("6.1.1.13.PB", Suffix::PB),
            ("8.1.5.P", Suffix::P),
            ("8.1.5.4.P", Suffix::P),
            ("12.4.1.2.B", Suffix::B),
            ("1.2.3.4.5", Suffix::None),
            (" 5.1.1 ", Suffix::None),
        ];
        for (id, suffix) in valid {
            let parsed = ControlId::parse(id).unwrap_or_else(|e| panic!("{id}: {e}"));
            assert_eq!(parsed.suffix(), suffix, "{id}");
        }
        let invalid = [
            "",
            "5",
            "5.",
            "5.1.1.X",
            "5.1.1.BP",
            "a.b.c",
            "1.2.3.4.5.6",
            "5.1.1.p",
            "5..1",
            "5.1.1.PB.P",
        ];
        for id in invalid {
            assert!(ControlId::parse(id).is_err(), "{id:?} accepted");
        }
    }

    #[test]
    fn natural_order() {
        let mut ids: Vec<ControlId> = ["5.1.10", "5.1.9", "5.1.1.P", "5.1.1", "10.1.1", "9.5.1.P"]
            .iter()
            .map(|s| ControlId::parse(s).expect("valid"))
            .collect();
        ids.sort_by(ControlId::natural_cmp);
        let got: Vec<&str> = ids.iter().map(ControlId::as_str).collect();
        assert_eq!(
            got,
            ["5.1.1", "5.1.1.P", "5.1.9", "5.1.10", "9.5.1.P", "10.1.1"]
        );
    }

    #[test]
    fn suffix_flags() {
        let cases = [
            (Suffix::None, false, false),
            (Suffix::P, true, false),
            (Suffix::B, false, true),
            (Suffix::PB, true, true),
        ];
        for (s, cloud, basic) in cases {
            assert_eq!(
                (s.is_cloud_specific(), s.is_basic()),
                (cloud, basic),
                "{s:?}"
            );
        }
    }

    #[test]
    fn registration_numbers() {
        let cases = [
            ("C21-0008-2", true),
            ("C23-0123-1", true),
            (" C21-0008-2 ", true),
            ("C2-0008-2", false),
            ("L24-0001-1", false),
            ("DEMO-001", false),
        ];
        for (no, conventional) in cases {
            let parsed = RegistrationNumber::parse(no).expect("accepted");
            assert_eq!(parsed.is_conventional(), conventional, "{no}");
        }
        for bad in ["", "   ", "C21\n0008", &"x".repeat(65)] {
            assert!(RegistrationNumber::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn country_codes() {
        assert_eq!(
            CountryCode::parse("jp").map(|c| c.to_string()),
            Ok("JP".to_owned())
        );
        for bad in ["", "J", "JPN", "1A", "日本"] {
            assert!(CountryCode::parse(bad).is_err(), "{bad:?} accepted");
        }
    }
}
