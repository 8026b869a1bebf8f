//! The procurement check engine: seven checks per candidate, each entry with a status, a
//! reason and what to do about it. Source: docs/domain.md, "What a procuring agency checks";
//! the exact branches are those of the core issue and are listed on each [`Finding`] variant.

mod message;
mod view;

pub use view::{EntryView, ResultView, StatusCounts, SummaryView};

use crate::criteria::{Catalog, ControlKey};
use crate::ids::RegistrationNumber;
use crate::lang::Lang;
use crate::profile::{ControlRequirements, Profile, UnknownControl};
use crate::registration::{ListingStatus, Program, Registration, StatementStatus};
use crate::registry::Registry;
use crate::responsibility::{Responsibility, responsibilities};
use crate::text::match_key;
use crate::validity::ExpiryRule;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashMap;

/// What a check is and is not, printed with every result: registration, and a pass here, are
/// not "meets all our requirements" (docs/domain.md, "What a procuring agency checks"), and the
/// customer's share is not judged.
pub fn scope_note(lang: Lang) -> &'static str {
    lang.pick(
        "この判定は、ISMAPクラウドサービスリストの記載と入力した要件を照合した結果です。ISMAPに登録されていること、またこの判定が「適合」であることは、調達要件のすべてを満たすことを意味しません。利用者側の責任（責任分界）の事項は判定に含まれないため、別途対応が必要です。公式情報はISMAPポータルで確認してください。",
        "This check compares what the ISMAP cloud service list states with the requirements entered. Being registered under ISMAP, or passing this check, does not mean that every procurement requirement is met. The customer's own responsibilities are not judged here and need their own arrangements. Confirm official information on the ISMAP portal.",
    )
}

/// The seven checks, in the order they are reported.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    Listing,
    Program,
    Validity,
    Scope,
    Controls,
    Regions,
    Underlying,
}

impl CheckKind {
    pub const ALL: [CheckKind; 7] = [
        CheckKind::Listing,
        CheckKind::Program,
        CheckKind::Validity,
        CheckKind::Scope,
        CheckKind::Controls,
        CheckKind::Regions,
        CheckKind::Underlying,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CheckKind::Listing => "listing",
            CheckKind::Program => "program",
            CheckKind::Validity => "validity",
            CheckKind::Scope => "scope",
            CheckKind::Controls => "controls",
            CheckKind::Regions => "regions",
            CheckKind::Underlying => "underlying",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            CheckKind::Listing => lang.pick("リスト掲載", "Listing"),
            CheckKind::Program => lang.pick("制度", "Program"),
            CheckKind::Validity => lang.pick("有効期限", "Validity"),
            CheckKind::Scope => lang.pick("言明対象範囲", "Scope"),
            CheckKind::Controls => lang.pick("管理策", "Controls"),
            CheckKind::Regions => lang.pick("リージョン", "Regions"),
            CheckKind::Underlying => lang.pick("基盤サービス", "Underlying"),
        }
    }
}

/// 適合 / 要確認 / 不適合. Ordered from best to worst: a verdict is the worst entry.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pass,
    Review,
    Fail,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Review => "review",
            Status::Fail => "fail",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Status::Pass => lang.pick("適合", "pass"),
            Status::Review => lang.pick("要確認", "review"),
            Status::Fail => lang.pick("不適合", "fail"),
        }
    }
}

/// What an entry is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    None,
    /// Index into the profile's features.
    Feature(u32),
    Control(ControlKey),
    /// Index into the registration's regions.
    Region(u32),
    /// Index into the profile's required regions.
    RequiredRegion(u32),
    /// Index into the registration's underlying services.
    Underlying(u32),
    /// The profile's requirements in other frameworks' terms that map to no ISMAP control.
    UnmappedRequirements,
}

/// Every outcome a check can have. The check and the status follow from the variant, so the
/// rule for each lives in exactly one match arm of [`Finding::check`] and [`Finding::status`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finding {
    // listing
    Listed {
        expires: NaiveDate,
    },
    RenewalPending {
        expired: NaiveDate,
        filed: NaiveDate,
    },
    Expired {
        on: NaiveDate,
    },
    Revoked {
        on: NaiveDate,
    },
    NotYetValid {
        from: NaiveDate,
    },
    NotListed,
    /// The published expiry decides; the rule gives another date.
    ExpiryDiffers {
        published: NaiveDate,
        computed: NaiveDate,
    },
    // program
    ProgramAccepted {
        program: Program,
    },
    LiuWithoutLowImpact,
    LiuConfidentiality,
    ConfidentialityBeyondIsmap,
    // validity
    NoContract,
    CoversContract {
        expires: NaiveDate,
        contract_end: NaiveDate,
    },
    ExpiresBeforeContractEnd {
        expires: NaiveDate,
        contract_end: NaiveDate,
    },
    // scope
    NoFeaturesRequired,
    FeatureIncluded,
    FeatureExcluded,
    FeatureNotStated,
    // controls
    NoControlsRequired,
    Implemented,
    /// Implemented by a registration in force (valid, or renewal pending).
    ImplementedInherited {
        status: ListingStatus,
    },
    /// Implemented or partial, inherited from a registration not in force.
    InheritedFromNotValid {
        status: ListingStatus,
    },
    Partial,
    NotApplicable,
    ObjectiveExcluded {
        objective: ControlKey,
    },
    NotStated,
    /// The registration's criteria version has no such control (the version is named by the
    /// registration).
    ControlNotInVersion,
    /// Requirements in NIST, ISO/IEC 27001 or FedRAMP terms that no ISMAP control maps to
    /// (one entry for all of them).
    RequirementUnmapped,
    /// Stated 非該当 (or under an objective stated 非該当), for a control required only
    /// through another framework's terms: the mapping cannot make it a plain fail.
    MappedNotApplicable,
    // regions
    NoRegionsDeclared,
    /// Allowed, in Japan.
    RegionAllowed,
    /// Allowed, outside Japan: governing law and foreign-law access need a look.
    RegionOverseas,
    RegionSelectable,
    RegionNotSelectable,
    NoAllowedRegion,
    /// A region the system needs, offered by the service.
    RegionRequiredOffered,
    /// A region the system needs, offered as a customer choice.
    RegionRequiredSelectable,
    /// A region the system needs that the service does not offer.
    RegionMissing,
    // underlying
    NoUnderlying,
    UnderlyingValid,
    UnderlyingRenewalPending,
    UnderlyingNotValid {
        status: ListingStatus,
    },
    UnderlyingNotListed,
}

impl Finding {
    pub fn check(self) -> CheckKind {
        use Finding::*;
        match self {
            Listed { .. }
            | RenewalPending { .. }
            | Expired { .. }
            | Revoked { .. }
            | NotYetValid { .. }
            | NotListed
            | ExpiryDiffers { .. } => CheckKind::Listing,
            ProgramAccepted { .. }
            | LiuWithoutLowImpact
            | LiuConfidentiality
            | ConfidentialityBeyondIsmap => CheckKind::Program,
            NoContract | CoversContract { .. } | ExpiresBeforeContractEnd { .. } => {
                CheckKind::Validity
            }
            NoFeaturesRequired | FeatureIncluded | FeatureExcluded | FeatureNotStated => {
                CheckKind::Scope
            }
            NoControlsRequired
            | Implemented
            | ImplementedInherited { .. }
            | InheritedFromNotValid { .. }
            | Partial
            | NotApplicable
            | ObjectiveExcluded { .. }
            | NotStated
            | ControlNotInVersion
            | RequirementUnmapped
            | MappedNotApplicable => CheckKind::Controls,
            NoRegionsDeclared
            | RegionAllowed
            | RegionOverseas
            | RegionSelectable
            | RegionNotSelectable
            | NoAllowedRegion
            | RegionRequiredOffered
            | RegionRequiredSelectable
            | RegionMissing => CheckKind::Regions,
            NoUnderlying
            | UnderlyingValid
            | UnderlyingRenewalPending
            | UnderlyingNotValid { .. }
            | UnderlyingNotListed => CheckKind::Underlying,
        }
    }

    pub fn status(self) -> Status {
        use Finding::*;
        match self {
            // listing: valid → pass; renewal_pending → review; anything else → fail; a
            // published expiry other than the rule's → review
            Listed { .. } => Status::Pass,
            RenewalPending { .. } | ExpiryDiffers { .. } => Status::Review,
            Expired { .. } | Revoked { .. } | NotYetValid { .. } | NotListed => Status::Fail,
            // program: LIU without a low-impact judgment, or LIU for 機密性3 → fail;
            // ISMAP for 機密性3 → review
            ProgramAccepted { .. } => Status::Pass,
            LiuWithoutLowImpact | LiuConfidentiality => Status::Fail,
            ConfidentialityBeyondIsmap => Status::Review,
            // validity: expiry before the contract end → review
            NoContract | CoversContract { .. } => Status::Pass,
            ExpiresBeforeContractEnd { .. } => Status::Review,
            // scope: excluded → fail, included → pass, neither → review
            NoFeaturesRequired | FeatureIncluded => Status::Pass,
            FeatureExcluded => Status::Fail,
            FeatureNotStated => Status::Review,
            // controls
            NoControlsRequired | Implemented | ImplementedInherited { .. } => Status::Pass,
            // a requirement no ISMAP control maps to is reported for a look, not dropped
            InheritedFromNotValid { .. }
            | Partial
            | NotStated
            | ControlNotInVersion
            | RequirementUnmapped
            | MappedNotApplicable => Status::Review,
            NotApplicable | ObjectiveExcluded { .. } => Status::Fail,
            // regions: outside Japan is never a plain pass; a needed region not offered → fail
            RegionAllowed | RegionSelectable => Status::Pass,
            RegionRequiredOffered | RegionRequiredSelectable => Status::Pass,
            RegionNotSelectable | NoAllowedRegion | RegionMissing => Status::Fail,
            NoRegionsDeclared | RegionOverseas => Status::Review,
            // underlying: renewal pending keeps a registration in force, but needs a look;
            // an underlying service must itself be on the list
            NoUnderlying | UnderlyingValid => Status::Pass,
            UnderlyingRenewalPending => Status::Review,
            UnderlyingNotValid { .. } | UnderlyingNotListed => Status::Fail,
        }
    }
}

/// One line of a check: about `subject`, the outcome `finding`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub subject: Subject,
    pub finding: Finding,
}

impl Entry {
    fn new(subject: Subject, finding: Finding) -> Self {
        Entry { subject, finding }
    }

    pub fn check(&self) -> CheckKind {
        self.finding.check()
    }

    pub fn status(&self) -> Status {
        self.finding.status()
    }
}

/// The result for one candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidateResult {
    pub registration_no: RegistrationNumber,
    /// Position in the registry; `None` for a candidate that is not listed.
    pub position: Option<usize>,
    pub status: ListingStatus,
    pub expires_on: Option<NaiveDate>,
    pub verdict: Status,
    pub entries: Vec<Entry>,
}

/// Everything a check depends on, resolved once, so that a result can be reproduced.
pub struct Engine<'a> {
    pub catalog: &'a Catalog,
    pub registry: &'a Registry,
    pub profile: &'a Profile,
    pub evaluated_on: NaiveDate,
    pub rule: ExpiryRule,
    required: Vec<ControlKey>,
    feature_keys: Vec<String>,
    /// For controls required through another framework's terms: where each came from.
    origins: HashMap<ControlKey, (usize, usize, usize)>,
    /// Indexed by control key: required only through another framework's terms.
    derived_only: Vec<bool>,
}

/// A registration controls are inherited from counts while it is in force: valid, or renewal
/// pending (in force until the Steering Committee decides).
fn in_force(status: ListingStatus) -> bool {
    matches!(status, ListingStatus::Valid | ListingStatus::RenewalPending)
}

impl<'a> Engine<'a> {
    pub fn new(
        catalog: &'a Catalog,
        registry: &'a Registry,
        profile: &'a Profile,
        evaluated_on: NaiveDate,
        rule: ExpiryRule,
    ) -> Result<Self, UnknownControl> {
        let required = profile.controls.resolve(catalog)?;
        let feature_keys = profile.features.iter().map(|f| match_key(f)).collect();
        let origins = profile
            .controls
            .mapped
            .origins()
            .into_iter()
            .filter_map(|(id, origin)| catalog.key_of(id).map(|k| (k, origin)))
            .collect::<HashMap<_, _>>();
        let direct = ControlRequirements {
            required: profile.controls.required.clone(),
            baseline: profile.controls.baseline,
            mapped: Default::default(),
        }
        .resolve(catalog)?;
        let mut derived_only = vec![false; if origins.is_empty() { 0 } else { catalog.len() }];
        for key in origins.keys() {
            derived_only[key.index()] = direct.binary_search(key).is_err();
        }
        Ok(Engine {
            catalog,
            registry,
            profile,
            evaluated_on,
            rule,
            required,
            feature_keys,
            origins,
            derived_only,
        })
    }

    /// Where a control required through another framework's terms came from.
    pub fn origin(&self, key: ControlKey, lang: Lang) -> Option<String> {
        let origin = self.origins.get(&key)?;
        Some(self.profile.controls.mapped.origin_text(*origin, lang))
    }

    /// The controls the profile requires, in catalog order.
    pub fn required_controls(&self) -> &[ControlKey] {
        &self.required
    }

    /// The candidates: the profile's list, or every registration of the registry.
    pub fn default_candidates(&self) -> Vec<RegistrationNumber> {
        match &self.profile.candidates {
            Some(c) => c.clone(),
            None => self
                .registry
                .registrations()
                .iter()
                .map(|r| r.registration_no.clone())
                .collect(),
        }
    }

    pub fn evaluate(&self, candidates: &[RegistrationNumber]) -> Vec<CandidateResult> {
        // Candidates are independent: a long list is split over the cores.
        crate::parallel::map_chunks(candidates, 256, |chunk| {
            // One zeroed table per thread, indexed by control key, reused by every candidate.
            let mut scratch = vec![0; self.catalog.len()];
            chunk
                .iter()
                .map(|no| self.evaluate_with(no, &mut scratch))
                .collect::<Vec<_>>()
        })
        .into_iter()
        .flatten()
        .collect()
    }

    pub fn evaluate_one(&self, no: &RegistrationNumber) -> CandidateResult {
        self.evaluate_with(no, &mut vec![0; self.catalog.len()])
    }

    fn evaluate_with(&self, no: &RegistrationNumber, scratch: &mut [u32]) -> CandidateResult {
        let Some(position) = self.registry.position(no) else {
            return CandidateResult {
                registration_no: no.clone(),
                position: None,
                status: ListingStatus::NotListed,
                expires_on: None,
                verdict: Status::Fail,
                entries: vec![Entry::new(Subject::None, Finding::NotListed)],
            };
        };
        let r = &self.registry.registrations()[position];
        let status = r.status_on(self.evaluated_on, self.rule);
        let expires = r.expires_on(self.rule);
        let mut entries = Vec::with_capacity(
            9 + self.feature_keys.len()
                + self.required.len()
                + r.regions.len()
                + self.profile.regions.required_keys().count(),
        );
        entries.push(Entry::new(Subject::None, self.listing(r, status, expires)));
        if let Some((published, computed)) = r.expiry_differs(self.rule) {
            entries.push(Entry::new(
                Subject::None,
                Finding::ExpiryDiffers {
                    published,
                    computed,
                },
            ));
        }
        self.program(&mut entries, r);
        entries.push(Entry::new(Subject::None, self.validity(expires)));
        self.scope(&mut entries, r);
        self.controls(&mut entries, r, scratch);
        self.regions(&mut entries, r);
        self.underlying(&mut entries, r);
        let verdict = entries
            .iter()
            .map(Entry::status)
            .max()
            .unwrap_or(Status::Pass);
        CandidateResult {
            registration_no: no.clone(),
            position: Some(position),
            status,
            expires_on: Some(expires),
            verdict,
            entries,
        }
    }

    /// The customer's own share of the work for a candidate (information, not a verdict);
    /// none for a candidate that is not listed.
    pub fn responsibilities(&self, result: &CandidateResult) -> Vec<Responsibility> {
        match result.position {
            Some(i) => responsibilities(&self.registry.registrations()[i], &self.feature_keys),
            None => Vec::new(),
        }
    }

    fn listing(&self, r: &Registration, status: ListingStatus, expires: NaiveDate) -> Finding {
        match status {
            ListingStatus::Valid => Finding::Listed { expires },
            ListingStatus::RenewalPending => Finding::RenewalPending {
                expired: expires,
                filed: r.renewal_filed_on.unwrap_or(expires),
            },
            ListingStatus::Expired => Finding::Expired { on: expires },
            ListingStatus::Revoked => Finding::Revoked {
                on: r.revoked_on.unwrap_or(self.evaluated_on),
            },
            ListingStatus::NotYetValid => Finding::NotYetValid {
                from: r.registered_on,
            },
            ListingStatus::NotListed => Finding::NotListed,
        }
    }

    fn program(&self, entries: &mut Vec<Entry>, r: &Registration) {
        let before = entries.len();
        let beyond = self.profile.confidentiality.beyond_ismap();
        if r.program == Program::IsmapLiu {
            // 機密性3 information is never low impact, whatever the profile says.
            if beyond {
                entries.push(Entry::new(Subject::None, Finding::LiuConfidentiality));
            } else if !self.profile.low_impact {
                entries.push(Entry::new(Subject::None, Finding::LiuWithoutLowImpact));
            }
        } else if beyond {
            entries.push(Entry::new(
                Subject::None,
                Finding::ConfidentialityBeyondIsmap,
            ));
        }
        if entries.len() == before {
            entries.push(Entry::new(
                Subject::None,
                Finding::ProgramAccepted { program: r.program },
            ));
        }
    }

    fn validity(&self, expires: NaiveDate) -> Finding {
        match self.profile.contract {
            None => Finding::NoContract,
            Some(c) if expires >= c.end() => Finding::CoversContract {
                expires,
                contract_end: c.end(),
            },
            Some(c) => Finding::ExpiresBeforeContractEnd {
                expires,
                contract_end: c.end(),
            },
        }
    }

    fn scope(&self, entries: &mut Vec<Entry>, r: &Registration) {
        if self.feature_keys.is_empty() {
            entries.push(Entry::new(Subject::None, Finding::NoFeaturesRequired));
            return;
        }
        for (i, key) in self.feature_keys.iter().enumerate() {
            let listed =
                |items: &[crate::registration::ScopeItem]| items.iter().any(|s| s.key() == key);
            // Excluded wins over included.
            let finding = if listed(&r.scope.excluded) {
                Finding::FeatureExcluded
            } else if listed(&r.scope.included) {
                Finding::FeatureIncluded
            } else {
                Finding::FeatureNotStated
            };
            entries.push(Entry::new(Subject::Feature(i as u32), finding));
        }
    }

    fn controls(&self, entries: &mut Vec<Entry>, r: &Registration, scratch: &mut [u32]) {
        let unmapped = self.profile.controls.mapped.unmapped().next().is_some();
        if unmapped {
            entries.push(Entry::new(
                Subject::UnmappedRequirements,
                Finding::RequirementUnmapped,
            ));
        }
        if self.required.is_empty() {
            if !unmapped {
                entries.push(Entry::new(Subject::None, Finding::NoControlsRequired));
            }
            return;
        }
        let stated = r.stated();
        // Objectives stated not applicable exempt their children; usually there are none.
        let excluded: Vec<ControlKey> = stated
            .iter()
            .filter(|s| {
                s.status() == StatementStatus::NotApplicable
                    && self.catalog.parent(s.key()).is_none()
            })
            .map(|s| s.key())
            .collect();
        let mut inherited = Vec::new();
        // A registration audited under another revision of the criteria: the required controls
        // its version lacks cannot be stated (docs/domain.md, "Control criteria and their IDs":
        // IDs are not stable across revisions).
        let other_version = (r.criteria_version != self.catalog.version())
            .then(|| self.catalog.members_of(&r.criteria_version))
            .flatten();
        // Where each control is stated (position + 1), read in one step per required control.
        for (i, s) in stated.iter().enumerate() {
            scratch[s.key().index()] = i as u32 + 1;
        }
        for &key in &self.required {
            if other_version.is_some_and(|has| !has[key.index()]) {
                entries.push(Entry::new(
                    Subject::Control(key),
                    Finding::ControlNotInVersion,
                ));
                continue;
            }
            let next = (scratch[key.index()] as usize).wrapping_sub(1);
            let finding = match stated.get(next) {
                Some(s) => {
                    // Only an inherited statement needs its full record.
                    let from = s.is_inherited().then(|| r.controls().get(next)).flatten();
                    let source = from
                        .and_then(|c| c.inherited_from.as_ref())
                        .map(|from| self.inherited_status(&mut inherited, from));
                    // The inheritance rules apply to 一部実施 as to 実施.
                    match (s.status(), source) {
                        (StatementStatus::NotApplicable, _) => Finding::NotApplicable,
                        (_, Some(status)) if !in_force(status) => {
                            Finding::InheritedFromNotValid { status }
                        }
                        (StatementStatus::Partial, _) => Finding::Partial,
                        (StatementStatus::Implemented, None) => Finding::Implemented,
                        (StatementStatus::Implemented, Some(status)) => {
                            Finding::ImplementedInherited { status }
                        }
                    }
                }
                // docs/domain.md, "Control criteria and their IDs": excluding a control
                // objective also exempts its children.
                None => match self.catalog.parent(key) {
                    Some(objective) if excluded.contains(&objective) => {
                        Finding::ObjectiveExcluded { objective }
                    }
                    _ => Finding::NotStated,
                },
            };
            // Required only through a mapping: 非該当 is for a look, not a plain fail.
            let finding = match finding {
                Finding::NotApplicable | Finding::ObjectiveExcluded { .. }
                    if self.derived_only.get(key.index()) == Some(&true) =>
                {
                    Finding::MappedNotApplicable
                }
                other => other,
            };
            entries.push(Entry::new(Subject::Control(key), finding));
        }
        for s in stated {
            scratch[s.key().index()] = 0;
        }
    }

    /// Status of a registration controls are inherited from, looked up once per candidate.
    fn inherited_status<'r>(
        &self,
        seen: &mut Vec<(&'r RegistrationNumber, ListingStatus)>,
        from: &'r RegistrationNumber,
    ) -> ListingStatus {
        if let Some((_, status)) = seen.iter().find(|(no, _)| *no == from) {
            return *status;
        }
        let status = self.registry.status_of(from, self.evaluated_on, self.rule);
        seen.push((from, status));
        status
    }

    fn regions(&self, entries: &mut Vec<Entry>, r: &Registration) {
        // Each region the system needs, offered or not (the service's names keyed once).
        let names: Vec<String> = match self.profile.regions.required_keys().next() {
            Some(_) => r.regions.iter().map(|g| match_key(&g.name)).collect(),
            None => Vec::new(),
        };
        for (i, key) in self.profile.regions.required_keys().enumerate() {
            let offered = names.iter().position(|n| n == key).map(|at| &r.regions[at]);
            let finding = match offered {
                None => Finding::RegionMissing,
                Some(g) if g.selectable => Finding::RegionRequiredSelectable,
                Some(_) => Finding::RegionRequiredOffered,
            };
            entries.push(Entry::new(Subject::RequiredRegion(i as u32), finding));
        }
        if r.regions.is_empty() {
            entries.push(Entry::new(Subject::None, Finding::NoRegionsDeclared));
            return;
        }
        let allowed: Vec<bool> = r
            .regions
            .iter()
            .map(|g| self.profile.regions.allows(g))
            .collect();
        let any_allowed = allowed.contains(&true);
        for (i, (region, ok)) in r.regions.iter().zip(allowed).enumerate() {
            let finding = if ok && region.country.is_japan() {
                Finding::RegionAllowed
            } else if ok {
                Finding::RegionOverseas
            } else if !any_allowed {
                Finding::NoAllowedRegion
            } else if region.selectable {
                Finding::RegionSelectable
            } else {
                Finding::RegionNotSelectable
            };
            entries.push(Entry::new(Subject::Region(i as u32), finding));
        }
    }

    fn underlying(&self, entries: &mut Vec<Entry>, r: &Registration) {
        if r.underlying.is_empty() {
            entries.push(Entry::new(Subject::None, Finding::NoUnderlying));
            return;
        }
        for (i, no) in r.underlying.iter().enumerate() {
            let finding = match self.registry.status_of(no, self.evaluated_on, self.rule) {
                ListingStatus::Valid => Finding::UnderlyingValid,
                ListingStatus::RenewalPending => Finding::UnderlyingRenewalPending,
                ListingStatus::NotListed => Finding::UnderlyingNotListed,
                status => Finding::UnderlyingNotValid { status },
            };
            entries.push(Entry::new(Subject::Underlying(i as u32), finding));
        }
    }
}

#[cfg(test)]
mod tests;
