//! A set of registrations, looked up by registration number.

use crate::ids::RegistrationNumber;
use crate::registration::{ListingStatus, Registration};
use crate::validity::ExpiryRule;
use chrono::NaiveDate;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("registration number {no} appears twice (entries {first} and {second}, counted from 0)")]
pub struct DuplicateRegistration {
    pub no: RegistrationNumber,
    pub first: usize,
    pub second: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Registry {
    registrations: Vec<Registration>,
    index: HashMap<RegistrationNumber, usize>,
}

impl Registry {
    pub fn new(registrations: Vec<Registration>) -> Result<Registry, DuplicateRegistration> {
        let mut index = HashMap::with_capacity(registrations.len());
        for (i, r) in registrations.iter().enumerate() {
            if let Some(first) = index.insert(r.registration_no.clone(), i) {
                return Err(DuplicateRegistration {
                    no: r.registration_no.clone(),
                    first,
                    second: i,
                });
            }
        }
        Ok(Registry {
            registrations,
            index,
        })
    }

    pub fn registrations(&self) -> &[Registration] {
        &self.registrations
    }

    pub fn len(&self) -> usize {
        self.registrations.len()
    }

    pub fn is_empty(&self) -> bool {
        self.registrations.is_empty()
    }

    pub fn get(&self, no: &RegistrationNumber) -> Option<&Registration> {
        self.position(no).map(|i| &self.registrations[i])
    }

    /// Index of a registration in [`Registry::registrations`].
    pub fn position(&self, no: &RegistrationNumber) -> Option<usize> {
        self.index.get(no).copied()
    }

    /// Status of a registration number on a date; `not_listed` when it is absent.
    pub fn status_of(
        &self,
        no: &RegistrationNumber,
        date: NaiveDate,
        rule: ExpiryRule,
    ) -> ListingStatus {
        self.get(no)
            .map_or(ListingStatus::NotListed, |r| r.status_on(date, rule))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registration::tests::{d, registration};

    #[test]
    fn lookup_and_duplicates() {
        let registry = Registry::new(vec![registration("C24-0001-1"), registration("C24-0002-1")])
            .expect("unique");
        let no = |s: &str| RegistrationNumber::parse(s).expect("valid");
        assert_eq!(registry.len(), 2);
        assert_eq!(
            registry.status_of(&no("C24-0002-1"), d("2025-01-01"), ExpiryRule::Civil),
            ListingStatus::Valid
        );
        assert_eq!(
            registry.status_of(&no("C24-0009-1"), d("2025-01-01"), ExpiryRule::Civil),
            ListingStatus::NotListed
        );
        let dup = Registry::new(vec![registration("C24-0001-1"), registration("C24-0001-1")]);
        assert_eq!(dup.err().map(|e| (e.first, e.second)), Some((0, 1)));
    }
}
