//! A procuring agency's requirement profile: what the check engine checks candidates against.

use crate::criteria::{Catalog, ControlKey};
use crate::crosswalk::Expansion;
use crate::ids::{ControlId, CountryCode, RegistrationNumber};
use crate::registration::Region;
use crate::text::match_key;
use chrono::NaiveDate;

/// Confidentiality class of the information handled (Common Standards: 機密性1/2/3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Confidentiality(u8);

impl Confidentiality {
    pub fn new(level: i64) -> Option<Self> {
        (1..=3)
            .contains(&level)
            .then_some(Confidentiality(level as u8))
    }

    pub fn level(self) -> u8 {
        self.0
    }

    /// docs/domain.md, "Information classes": ISMAP is designed for 機密性2; 機密性3 needs the
    /// agency's own assessment.
    pub fn beyond_ismap(self) -> bool {
        self.0 >= 3
    }
}

/// The contract period; its end is compared with the expiry
/// (docs/domain.md, "What a procuring agency checks", item 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContractPeriod {
    start: NaiveDate,
    end: NaiveDate,
}

impl ContractPeriod {
    pub fn new(start: NaiveDate, end: NaiveDate) -> Option<Self> {
        (start <= end).then_some(ContractPeriod { start, end })
    }

    pub fn start(&self) -> NaiveDate {
        self.start
    }

    pub fn end(&self) -> NaiveDate {
        self.end
    }
}

/// Where data may be: a region is allowed when its country is in `allowed_countries` (if
/// given) and its name is in `allowed` (if given). `required` names the regions the system
/// will use, which the service must offer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegionPolicy {
    pub allowed_countries: Option<Vec<CountryCode>>,
    allowed_names: Option<Vec<(String, String)>>,
    required: Vec<(String, String)>,
}

/// Names with their match keys ([`match_key`]: NFKC, case, width), each key once.
fn keyed(names: Vec<String>) -> Vec<(String, String)> {
    let mut keyed: Vec<(String, String)> = Vec::with_capacity(names.len());
    for name in names {
        let key = match_key(&name);
        if !keyed.iter().any(|(k, _)| *k == key) {
            keyed.push((key, name));
        }
    }
    keyed
}

impl RegionPolicy {
    pub fn new(allowed_countries: Option<Vec<CountryCode>>, allowed: Option<Vec<String>>) -> Self {
        RegionPolicy {
            allowed_countries,
            allowed_names: allowed.map(keyed),
            required: Vec::new(),
        }
    }

    /// The same policy, with the regions the system will use.
    pub fn requiring(mut self, required: Vec<String>) -> Self {
        self.required = keyed(required);
        self
    }

    pub fn required_names(&self) -> Vec<&str> {
        self.required.iter().map(|(_, n)| n.as_str()).collect()
    }

    /// The `i`-th required region, as written.
    pub fn required_name(&self, i: usize) -> Option<&str> {
        self.required.get(i).map(|(_, n)| n.as_str())
    }

    pub fn required_keys(&self) -> impl Iterator<Item = &str> {
        self.required.iter().map(|(k, _)| k.as_str())
    }

    pub fn allowed_names(&self) -> Option<Vec<&str>> {
        self.allowed_names
            .as_ref()
            .map(|v| v.iter().map(|(_, n)| n.as_str()).collect())
    }

    pub fn allows(&self, region: &Region) -> bool {
        let country_ok = self
            .allowed_countries
            .as_ref()
            .is_none_or(|c| c.contains(&region.country));
        let name_ok = self.allowed_names.as_ref().is_none_or(|names| {
            let key = match_key(&region.name);
            names.iter().any(|(k, _)| *k == key)
        });
        country_ok && name_ok
    }
}

/// Named sets of controls a profile can require.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Baseline {
    /// Every mandatory control of the criteria version.
    Basic,
}

impl std::str::FromStr for Baseline {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "basic" => Ok(Baseline::Basic),
            other => Err(format!("unknown baseline {other:?}: expected \"basic\"")),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "control {id} (entry {index} of the required controls) is not in criteria version {version}"
)]
pub struct UnknownControl {
    pub index: usize,
    pub id: ControlId,
    pub version: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ControlRequirements {
    pub required: Vec<ControlId>,
    pub baseline: Option<Baseline>,
    /// Requirements written in NIST, ISO/IEC 27001 or FedRAMP terms, with the ISMAP
    /// controls each maps to and the path it maps by.
    pub mapped: Expansion,
}

impl ControlRequirements {
    /// The required controls as catalog keys: the baseline, the listed ones and those the
    /// mapped requirements expand to, each once, in catalog order.
    pub fn resolve(&self, catalog: &Catalog) -> Result<Vec<ControlKey>, UnknownControl> {
        let mut keys = match self.baseline {
            Some(Baseline::Basic) => catalog.basic_baseline(),
            None => Vec::new(),
        };
        for (index, id) in self.required.iter().enumerate() {
            let key = catalog.key(id).ok_or_else(|| UnknownControl {
                index,
                id: id.clone(),
                version: catalog.version().to_owned(),
            })?;
            keys.push(key);
        }
        keys.extend(self.mapped.control_ids().filter_map(|id| catalog.key(id)));
        keys.sort_unstable();
        keys.dedup();
        Ok(keys)
    }
}

/// The record of a low-impact judgment for ISMAP-LIU use.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LowImpactBasis {
    pub judged_by: String,
    pub basis: String,
}

impl LowImpactBasis {
    /// 「（判断者: …、根拠: …）」, as reports print it after the judgment.
    pub fn describe(&self, lang: crate::lang::Lang) -> String {
        format!(
            "{}{}{}{}{}",
            lang.pick("（判断者: ", " (judged by "),
            self.judged_by,
            lang.pick("、根拠: ", "; basis: "),
            self.basis,
            lang.pick("）", ")")
        )
    }
}

/// A requirement profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub name: String,
    pub agency: Option<String>,
    pub evaluation_date: Option<NaiveDate>,
    pub confidentiality: Confidentiality,
    pub low_impact: bool,
    /// Who judged the use low impact, and on what basis (recorded in the report).
    pub low_impact_basis: Option<LowImpactBasis>,
    /// Features the agency will use, as written; matched through [`match_key`].
    pub features: Vec<String>,
    pub candidates: Option<Vec<RegistrationNumber>>,
    pub regions: RegionPolicy,
    pub contract: Option<ContractPeriod>,
    pub controls: ControlRequirements,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::criteria::tests::small_catalog;

    fn region(name: &str, country: &str) -> Region {
        Region {
            name: name.into(),
            country: CountryCode::parse(country).expect("valid"),
            selectable: false,
        }
    }

    #[test]
    fn region_policy() {
        let jp = || Some(vec![CountryCode::parse("JP").expect("valid")]);
        let tokyo = region("Tokyo", "JP");
        let osaka = region("大阪", "JP");
        let virginia = region("Virginia", "US");
        let cases = [
            (RegionPolicy::new(None, None), &virginia, true),
            (RegionPolicy::new(jp(), None), &tokyo, true),
            (RegionPolicy::new(jp(), None), &virginia, false),
            (
                RegionPolicy::new(None, Some(vec!["ｔｏｋｙｏ".into()])),
                &tokyo,
                true,
            ),
            (
                RegionPolicy::new(None, Some(vec!["Tokyo".into()])),
                &osaka,
                false,
            ),
            (
                RegionPolicy::new(jp(), Some(vec!["Virginia".into()])),
                &virginia,
                false,
            ),
            (
                RegionPolicy::new(jp(), Some(vec!["大阪".into()])),
                &osaka,
                true,
            ),
        ];
        for (policy, region, allowed) in cases {
            assert_eq!(policy.allows(region), allowed, "{policy:?} {region:?}");
        }
    }

    #[test]
    fn resolve_required_controls() {
        let catalog = small_catalog();
        let id = |s: &str| ControlId::parse(s).expect("valid");
        let only_listed = ControlRequirements {
            required: vec![id("9.2.3.3.P"), id("9.2.3.1"), id("9.2.3.1")],
            baseline: None,
            ..Default::default()
        };
        let keys = only_listed.resolve(&catalog).expect("known");
        let ids: Vec<&str> = keys.iter().map(|k| catalog.get(*k).id.as_str()).collect();
        assert_eq!(ids, ["9.2.3.1", "9.2.3.3.P"]);

        let with_basic = ControlRequirements {
            required: vec![id("9.2.3.1")],
            baseline: Some(Baseline::Basic),
            ..Default::default()
        };
        assert_eq!(
            with_basic.resolve(&catalog).expect("known").len(),
            catalog.basic_baseline().len() + 1
        );

        let unknown = ControlRequirements {
            required: vec![id("9.2.3.1"), id("9.9.9")],
            baseline: None,
            ..Default::default()
        };
        assert_eq!(unknown.resolve(&catalog).err().map(|e| e.index), Some(1));
    }

    #[test]
    fn confidentiality_and_contract() {
        assert!(Confidentiality::new(0).is_none());
        assert!(Confidentiality::new(4).is_none());
        assert!(!Confidentiality::new(2).expect("valid").beyond_ismap());
        assert!(Confidentiality::new(3).expect("valid").beyond_ismap());
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        assert!(ContractPeriod::new(day("2025-04-01"), day("2025-03-31")).is_none());
        assert!(ContractPeriod::new(day("2025-04-01"), day("2025-04-01")).is_some());
    }
}
