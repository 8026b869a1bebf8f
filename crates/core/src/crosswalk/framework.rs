//! The frameworks a crosswalk joins, their ID forms, and the relationships between controls.

use crate::ids::ControlId;
use crate::lang::Lang;
use crate::text::match_key;
use regex::Regex;
use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

/// A control framework the crosswalk links.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Framework {
    Ismap,
    Iso2013,
    Iso2022,
    Nist,
}

impl Framework {
    pub const ALL: [Framework; 4] = [
        Framework::Ismap,
        Framework::Iso2013,
        Framework::Iso2022,
        Framework::Nist,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Framework::Ismap => "ismap",
            Framework::Iso2013 => "iso27001-2013",
            Framework::Iso2022 => "iso27001-2022",
            Framework::Nist => "nist-800-53r5",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Framework::Ismap => lang.pick("ISMAP管理基準", "ISMAP control criteria"),
            Framework::Iso2013 => "ISO/IEC 27001:2013",
            Framework::Iso2022 => "ISO/IEC 27001:2022",
            Framework::Nist => lang.pick("NIST SP 800-53 Rev.5", "NIST SP 800-53 Rev. 5"),
        }
    }

    /// `ISMAP`, `ISO 2013`, `ISO 2022`, `NIST`: for routes.
    pub fn short_label(self) -> &'static str {
        match self {
            Framework::Ismap => "ISMAP",
            Framework::Iso2013 => "ISO 2013",
            Framework::Iso2022 => "ISO 2022",
            Framework::Nist => "NIST",
        }
    }

    /// The ID in the form the crosswalk keeps: ISMAP as in the criteria, ISO Annex A as
    /// `A.9.2.3` (main-body clauses as `6.1.2`), NIST in OSCAL form (`AC-02(01)` → `ac-2.1`).
    pub fn normalise_id(self, raw: &str) -> Result<String, String> {
        let text = match_key(raw);
        let id = match self {
            Framework::Ismap => ControlId::parse(&text.to_uppercase())
                .ok()
                .map(|id| id.as_str().to_owned()),
            Framework::Iso2013 | Framework::Iso2022 => {
                ISO_ID.is_match(&text).then(|| text.replacen("a.", "A.", 1))
            }
            Framework::Nist => NIST_ID.captures(&text).map(|c| match c.get(3) {
                Some(enhancement) => format!("{}-{}.{}", &c[1], &c[2], enhancement.as_str()),
                None => format!("{}-{}", &c[1], &c[2]),
            }),
        };
        id.ok_or_else(|| {
            match self {
                Framework::Ismap => "a criteria ID such as 9.2.3 or 6.1.1.13.PB",
                Framework::Iso2013 => {
                    "an ISO/IEC 27001:2013 ID such as A.9.2.3 (or a clause such as 6.1.2)"
                }
                Framework::Iso2022 => {
                    "an ISO/IEC 27001:2022 ID such as A.5.15 (or a clause such as 6.1.2)"
                }
                Framework::Nist => "a NIST SP 800-53 ID such as ac-2, AC-2(1) or ac-2.1",
            }
            .to_owned()
        })
    }
}

static ISO_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(a\.)?\d{1,2}(\.\d{1,2}){0,3}$").expect("valid regex"));
static NIST_ID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([a-z]{2})-0*(\d{1,3})(?:(?:\.|\s*\(\s*)0*(\d{1,3})\s*\)?)?$")
        .expect("valid regex")
});

impl FromStr for Framework {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match match_key(s).replace([' ', '_', ':', '/'], "-").as_str() {
            "ismap" => Ok(Framework::Ismap),
            "iso27001-2013" | "iso-27001-2013" | "iso-iec-27001-2013" | "iso2013" => {
                Ok(Framework::Iso2013)
            }
            "iso27001-2022" | "iso-27001-2022" | "iso-iec-27001-2022" | "iso2022" | "iso27001" => {
                Ok(Framework::Iso2022)
            }
            "nist-800-53r5" | "nist" | "nist-800-53" | "sp800-53r5" | "800-53"
            | "nist-sp-800-53" => Ok(Framework::Nist),
            _ => Err(format!(
                "unknown framework {s:?}: expected ismap, iso27001-2013, iso27001-2022 or nist-800-53r5"
            )),
        }
    }
}

impl fmt::Display for Framework {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One of FedRAMP's rev5 baselines: a set of NIST IDs chosen by FedRAMP (not NIST's own).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FedrampBaseline {
    Low,
    Moderate,
    High,
    LiSaas,
}

impl FedrampBaseline {
    pub const ALL: [FedrampBaseline; 4] = [
        FedrampBaseline::Low,
        FedrampBaseline::Moderate,
        FedrampBaseline::High,
        FedrampBaseline::LiSaas,
    ];

    pub fn code(self) -> &'static str {
        match self {
            FedrampBaseline::Low => "low",
            FedrampBaseline::Moderate => "moderate",
            FedrampBaseline::High => "high",
            FedrampBaseline::LiSaas => "li-saas",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            FedrampBaseline::Low => "FedRAMP Low",
            FedrampBaseline::Moderate => "FedRAMP Moderate",
            FedrampBaseline::High => "FedRAMP High",
            FedrampBaseline::LiSaas => "FedRAMP LI-SaaS",
        }
    }
}

impl FromStr for FedrampBaseline {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key = match_key(s).replace([' ', '_'], "-");
        match key.strip_prefix("fedramp-").unwrap_or(&key) {
            "low" => Ok(FedrampBaseline::Low),
            "moderate" => Ok(FedrampBaseline::Moderate),
            "high" => Ok(FedrampBaseline::High),
            "li-saas" | "lisaas" => Ok(FedrampBaseline::LiSaas),
            _ => Err(format!(
                "unknown FedRAMP baseline {s:?}: expected low, moderate, high or li-saas"
            )),
        }
    }
}

/// How the requirements of a source control relate to those of a target (NIST IR 8477's set
/// theory, plus `related` for published pairs that name no relationship).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Relationship {
    /// The pair was published as related, with no set relationship.
    Related,
    Intersects,
    /// The source's requirements are all in the target.
    Subset,
    /// The target's requirements are all in the source.
    Superset,
    Equal,
}

impl Relationship {
    pub fn code(self) -> &'static str {
        match self {
            Relationship::Related => "related",
            Relationship::Intersects => "intersects",
            Relationship::Subset => "subset",
            Relationship::Superset => "superset",
            Relationship::Equal => "equal",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Relationship::Related => lang.pick("関連", "related"),
            Relationship::Intersects => lang.pick("一部重複", "overlaps"),
            Relationship::Subset => lang.pick("対応先に包含される", "contained in target"),
            Relationship::Superset => lang.pick("対応先を包含する", "contains target"),
            Relationship::Equal => lang.pick("同等", "equivalent"),
        }
    }

    /// 0 (related) to 3 (equal): a derived link is never stronger than its weakest step.
    pub fn strength(self) -> u8 {
        match self {
            Relationship::Related => 0,
            Relationship::Intersects => 1,
            Relationship::Subset | Relationship::Superset => 2,
            Relationship::Equal => 3,
        }
    }

    /// Read the other way: `A subset B` is `B superset A`.
    pub fn reversed(self) -> Relationship {
        match self {
            Relationship::Subset => Relationship::Superset,
            Relationship::Superset => Relationship::Subset,
            other => other,
        }
    }

    /// `A self B` and `B next C` give `A ? C`: only what set theory guarantees, else related.
    pub fn then(self, next: Relationship) -> Relationship {
        use Relationship::*;
        match (self, next) {
            (Equal, r) | (r, Equal) => r,
            (Subset, Subset) => Subset,
            (Superset, Superset) => Superset,
            // A ⊇ B and B overlaps C (or B ⊆ C): A overlaps C.
            (Superset, Intersects | Subset) => Intersects,
            // A overlaps B and B ⊆ C: A overlaps C.
            (Intersects, Subset) => Intersects,
            _ => Related,
        }
    }
}

impl FromStr for Relationship {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "related" => Ok(Relationship::Related),
            "intersect" | "intersects" => Ok(Relationship::Intersects),
            "subset" => Ok(Relationship::Subset),
            "superset" => Ok(Relationship::Superset),
            "equal" => Ok(Relationship::Equal),
            other => Err(format!(
                "unknown relationship {other:?}: expected equal, subset, superset, intersects, related or partial"
            )),
        }
    }
}
