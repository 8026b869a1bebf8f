//! The one way from a requirement profile to a report: the engine set up with the profile,
//! the candidates chosen, evaluated, and the report handed to the caller, who renders it
//! ([`CheckReport::render`]). The CLI, the API and the pages all check through here.

use crate::{CheckReport, RegistryInfo};
use chrono::NaiveDate;
use ismap_core::check::Engine;
use ismap_core::criteria::Catalog;
use ismap_core::ids::RegistrationNumber;
use ismap_core::lang::Lang;
use ismap_core::profile::{Profile, UnknownControl};
use ismap_core::registry::Registry;
use ismap_core::validity::ExpiryRule;
use std::fmt;

/// What a check reads: a list, the profile, the date and rule it is judged on.
pub struct CheckInput<'a> {
    pub catalog: &'a Catalog,
    pub registry: &'a Registry,
    pub registry_info: RegistryInfo,
    pub profile: &'a Profile,
    pub evaluated_on: NaiveDate,
    pub rule: ExpiryRule,
    pub lang: Lang,
}

/// Which registrations are checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Candidates {
    /// The profile's candidates, or every registration on the list when it names none.
    Profile,
    /// As [`Candidates::Profile`], refused when there are more than this many (a comparison
    /// on one screen).
    ProfileAtMost(usize),
    /// These registration numbers, whatever the profile says.
    Given(Vec<RegistrationNumber>),
}

/// Why a check did not run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckError {
    /// The profile requires a control the criteria do not have.
    UnknownControl(UnknownControl),
    /// [`Candidates::ProfileAtMost`] exceeded.
    TooManyCandidates { found: usize, max: usize },
}

impl CheckError {
    pub fn text(&self, lang: Lang) -> String {
        match (self, lang) {
            (CheckError::UnknownControl(u), Lang::Ja) => format!(
                "必須とする管理策 {} は、管理基準（{}版）にありません。IDと管理基準の版を確認してください",
                u.id, u.version
            ),
            (CheckError::UnknownControl(u), Lang::En) => u.to_string(),
            (CheckError::TooManyCandidates { found, max }, Lang::Ja) => format!(
                "候補が{found}件あります。比較する候補（最大{max}件）を登録番号で指定してください"
            ),
            (CheckError::TooManyCandidates { found, max }, Lang::En) => format!(
                "{found} candidates found; at most {max} can be compared: name them by registration number"
            ),
        }
    }
}

impl fmt::Display for CheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

impl std::error::Error for CheckError {}

/// Runs the check and hands its report to `use_it` (the report borrows the engine and its
/// results, so it lives only as long as this call).
pub fn run_check<T>(
    input: CheckInput<'_>,
    candidates: Candidates,
    use_it: impl FnOnce(&CheckReport) -> T,
) -> Result<T, CheckError> {
    let engine = Engine::new(
        input.catalog,
        input.registry,
        input.profile,
        input.evaluated_on,
        input.rule,
    )
    .map_err(CheckError::UnknownControl)?;
    let list = match candidates {
        Candidates::Profile => engine.default_candidates(),
        Candidates::ProfileAtMost(max) => {
            let list = engine.default_candidates();
            if list.len() > max {
                return Err(CheckError::TooManyCandidates {
                    found: list.len(),
                    max,
                });
            }
            list
        }
        Candidates::Given(list) => list,
    };
    let results = engine.evaluate(&list);
    let report = CheckReport::new(&engine, &results, input.registry_info, input.lang);
    Ok(use_it(&report))
}
