//! Finding registrations: text, filters, sorting and paging. One definition, so that the API
//! and the pages give the same results for the same question.

use crate::ids::CountryCode;
use crate::registration::{ListingStatus, Program, Registration, ServiceModel};
use crate::registry::Registry;
use crate::search::SearchIndex;
use crate::text::match_key;
use crate::validity::ExpiryRule;
use chrono::{Days, NaiveDate};
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    #[default]
    RegistrationNo,
    ServiceName,
    Provider,
    RegisteredOn,
    ExpiresOn,
}

impl FromStr for SortKey {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "registration_no" => Ok(SortKey::RegistrationNo),
            "service_name" => Ok(SortKey::ServiceName),
            "provider" => Ok(SortKey::Provider),
            "registered_on" => Ok(SortKey::RegisteredOn),
            "expires_on" => Ok(SortKey::ExpiresOn),
            other => Err(format!(
                "unknown sort key {other:?}: expected registration_no, service_name, provider, registered_on or expires_on"
            )),
        }
    }
}

/// A question about the registry. `on` is the date statuses and expiry windows refer to.
#[derive(Debug, Clone)]
pub struct RegistryQuery {
    pub text: String,
    pub program: Option<Program>,
    pub status: Option<ListingStatus>,
    pub service_model: Option<ServiceModel>,
    pub country: Option<CountryCode>,
    /// A region name, matched after normalisation.
    pub region: Option<String>,
    /// Valid on `on` and expiring within this many days of it.
    pub expiring_within_days: Option<u32>,
    pub on: NaiveDate,
    pub rule: ExpiryRule,
    pub sort: SortKey,
    pub descending: bool,
    /// 1-based.
    pub page: usize,
    pub per_page: usize,
}

impl RegistryQuery {
    pub fn new(on: NaiveDate) -> Self {
        RegistryQuery {
            text: String::new(),
            program: None,
            status: None,
            service_model: None,
            country: None,
            region: None,
            expiring_within_days: None,
            on,
            rule: ExpiryRule::Civil,
            sort: SortKey::default(),
            descending: false,
            page: 1,
            per_page: 50,
        }
    }
}

/// What queries need besides the registry, computed once per registry: the text index and,
/// for every sort key, each registration's rank (so that a query sorts integers).
#[derive(Debug, Clone, Default)]
pub struct RegistryIndex {
    pub search: SearchIndex,
    by_number: Vec<u32>,
    by_service: Vec<u32>,
    by_provider: Vec<u32>,
    by_registered: Vec<u32>,
    by_expiry_civil: Vec<u32>,
    by_expiry_calendar: Vec<u32>,
}

fn ranks<K: Ord>(registry: &Registry, key: impl Fn(&Registration) -> K) -> Vec<u32> {
    let all = registry.registrations();
    let mut order: Vec<usize> = (0..all.len()).collect();
    order.sort_by_key(|&i| key(&all[i]));
    let mut rank = vec![0; all.len()];
    for (r, i) in order.into_iter().enumerate() {
        rank[i] = r as u32;
    }
    rank
}

impl RegistryIndex {
    pub fn new(registry: &Registry) -> Self {
        RegistryIndex {
            search: SearchIndex::new(registry),
            by_number: ranks(registry, |r| r.registration_no.clone()),
            by_service: ranks(registry, |r| r.service_name.clone()),
            by_provider: ranks(registry, |r| r.provider.clone()),
            by_registered: ranks(registry, |r| r.registered_on),
            by_expiry_civil: ranks(registry, |r| r.expires_on(ExpiryRule::Civil)),
            by_expiry_calendar: ranks(registry, |r| r.expires_on(ExpiryRule::Calendar)),
        }
    }

    fn ranks(&self, key: SortKey, rule: ExpiryRule) -> &[u32] {
        match (key, rule) {
            (SortKey::RegistrationNo, _) => &self.by_number,
            (SortKey::ServiceName, _) => &self.by_service,
            (SortKey::Provider, _) => &self.by_provider,
            (SortKey::RegisteredOn, _) => &self.by_registered,
            (SortKey::ExpiresOn, ExpiryRule::Civil) => &self.by_expiry_civil,
            (SortKey::ExpiresOn, ExpiryRule::Calendar) => &self.by_expiry_calendar,
        }
    }
}

/// One page of answers: positions in the registry, and how many matched in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryPage {
    pub total: usize,
    pub positions: Vec<usize>,
}

impl RegistryQuery {
    fn keeps(&self, r: &Registration, region_key: Option<&str>) -> bool {
        let status = || r.status_on(self.on, self.rule);
        self.program.is_none_or(|p| r.program == p)
            && self.status.is_none_or(|s| status() == s)
            && self
                .service_model
                .is_none_or(|m| r.service_model == Some(m))
            && self
                .country
                .is_none_or(|c| r.regions.iter().any(|g| g.country == c))
            && region_key.is_none_or(|k| r.regions.iter().any(|g| match_key(&g.name) == k))
            && self.expiring_within_days.is_none_or(|days| {
                let expires = r.expires_on(self.rule);
                status() == ListingStatus::Valid
                    && self
                        .on
                        .checked_add_days(Days::new(u64::from(days)))
                        .is_none_or(|last| expires <= last)
            })
    }

    pub fn run(&self, registry: &Registry, index: &RegistryIndex) -> QueryPage {
        let region_key = self.region.as_deref().map(match_key);
        let all = registry.registrations();
        let mut hits: Vec<usize> = index
            .search
            .search(&self.text)
            .into_iter()
            .filter(|&i| self.keeps(&all[i], region_key.as_deref()))
            .collect();
        let rank = index.ranks(self.sort, self.rule);
        if self.descending {
            hits.sort_unstable_by_key(|&i| std::cmp::Reverse(rank[i]));
        } else {
            hits.sort_unstable_by_key(|&i| rank[i]);
        }
        let total = hits.len();
        let per_page = self.per_page.max(1);
        let start = self.page.max(1).saturating_sub(1).saturating_mul(per_page);
        let positions = hits.into_iter().skip(start).take(per_page).collect();
        QueryPage { total, positions }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registration::Region;
    use crate::registration::tests::{d, registration};

    fn registry() -> Registry {
        let region = |name: &str, country: &str| Region {
            name: name.into(),
            country: CountryCode::parse(country).expect("valid"),
            selectable: false,
        };
        // civil expiry of `registration()` is 2025-07-31
        let mut a = registration("C24-0003-1");
        a.service_name = "B サービス".into();
        a.regions = vec![region("東京", "JP")];
        a.service_model = Some(ServiceModel::IaaS);
        let mut b = registration("C24-0001-1");
        b.service_name = "A サービス".into();
        b.program = Program::IsmapLiu;
        b.regions = vec![region("Virginia", "US")];
        let mut c = registration("C24-0002-1");
        c.service_name = "C サービス".into();
        c.revoked_on = Some(d("2025-01-01"));
        c.audit_period =
            crate::validity::AuditPeriod::new(d("2024-01-01"), d("2024-06-30")).expect("valid");
        Registry::new(vec![a, b, c]).expect("unique")
    }

    fn numbers(registry: &Registry, page: &QueryPage) -> Vec<String> {
        page.positions
            .iter()
            .map(|&i| registry.registrations()[i].registration_no.to_string())
            .collect()
    }

    #[test]
    fn filters_sorting_paging() {
        let registry = registry();
        let index = RegistryIndex::new(&registry);
        let base = RegistryQuery::new(d("2025-03-01"));
        let cases: Vec<(RegistryQuery, Vec<&str>, usize)> = vec![
            (
                base.clone(),
                vec!["C24-0001-1", "C24-0002-1", "C24-0003-1"],
                3,
            ),
            (
                RegistryQuery {
                    descending: true,
                    ..base.clone()
                },
                vec!["C24-0003-1", "C24-0002-1", "C24-0001-1"],
                3,
            ),
            (
                RegistryQuery {
                    sort: SortKey::ServiceName,
                    ..base.clone()
                },
                vec!["C24-0001-1", "C24-0003-1", "C24-0002-1"],
                3,
            ),
            (
                RegistryQuery {
                    program: Some(Program::IsmapLiu),
                    ..base.clone()
                },
                vec!["C24-0001-1"],
                1,
            ),
            (
                RegistryQuery {
                    status: Some(ListingStatus::Revoked),
                    ..base.clone()
                },
                vec!["C24-0002-1"],
                1,
            ),
            (
                RegistryQuery {
                    service_model: Some(ServiceModel::IaaS),
                    ..base.clone()
                },
                vec!["C24-0003-1"],
                1,
            ),
            (
                RegistryQuery {
                    country: CountryCode::parse("US").ok(),
                    ..base.clone()
                },
                vec!["C24-0001-1"],
                1,
            ),
            (
                RegistryQuery {
                    region: Some("東京".into()),
                    ..base.clone()
                },
                vec!["C24-0003-1"],
                1,
            ),
            // 2025-03-01 + 152 days = 2025-07-31: the valid ones expire exactly then
            (
                RegistryQuery {
                    expiring_within_days: Some(152),
                    ..base.clone()
                },
                vec!["C24-0001-1", "C24-0003-1"],
                2,
            ),
            (
                RegistryQuery {
                    expiring_within_days: Some(151),
                    ..base.clone()
                },
                vec![],
                0,
            ),
            (
                RegistryQuery {
                    text: "サービス".into(),
                    per_page: 2,
                    page: 2,
                    ..base.clone()
                },
                vec!["C24-0003-1"],
                3,
            ),
            (
                RegistryQuery {
                    text: "b さーびす".into(),
                    ..base.clone()
                },
                vec!["C24-0003-1"],
                1,
            ),
            (
                RegistryQuery {
                    page: 9,
                    ..base.clone()
                },
                vec![],
                3,
            ),
        ];
        for (query, expected, total) in cases {
            let page = query.run(&registry, &index);
            assert_eq!(
                (numbers(&registry, &page), page.total),
                (expected.iter().map(|s| s.to_string()).collect(), total),
                "{query:?}"
            );
        }
    }

    #[test]
    fn sort_keys_parse() {
        assert_eq!("expires_on".parse(), Ok(SortKey::ExpiresOn));
        assert!("price".parse::<SortKey>().is_err());
    }
}
