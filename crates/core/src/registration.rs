//! One entry of the ISMAP cloud service list and its status on a date.

use crate::criteria::ControlKey;
use crate::ids::{CountryCode, RegistrationNumber};
use crate::lang::Lang;
use crate::text::match_key;
use crate::validity::{AuditPeriod, ExpiryRule, expiry_date};
use chrono::NaiveDate;
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// The list a service is registered on (docs/domain.md, "The list and its entries": ISMAP, or
/// ISMAP-LIU for low-impact SaaS).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Program {
    #[serde(rename = "ismap")]
    Ismap,
    #[serde(rename = "ismap-liu")]
    IsmapLiu,
}

impl Program {
    pub fn as_str(self) -> &'static str {
        match self {
            Program::Ismap => "ismap",
            Program::IsmapLiu => "ismap-liu",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Program::Ismap => "ISMAP",
            Program::IsmapLiu => "ISMAP-LIU",
        }
    }
}

impl FromStr for Program {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "ismap" => Ok(Program::Ismap),
            "ismap-liu" | "ismap_liu" | "liu" => Ok(Program::IsmapLiu),
            // The callers show the value next to the field.
            _ => Err("expected \"ismap\" or \"ismap-liu\"".into()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum ServiceModel {
    IaaS,
    PaaS,
    SaaS,
}

impl ServiceModel {
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceModel::IaaS => "IaaS",
            ServiceModel::PaaS => "PaaS",
            ServiceModel::SaaS => "SaaS",
        }
    }
}

impl FromStr for ServiceModel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "iaas" => Ok(ServiceModel::IaaS),
            "paas" => Ok(ServiceModel::PaaS),
            "saas" => Ok(ServiceModel::SaaS),
            _ => Err("expected IaaS, PaaS or SaaS".into()),
        }
    }
}

/// A feature or sub-service named in the statement scope, with its matching key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeItem {
    pub text: String,
    key: String,
}

impl ScopeItem {
    pub fn new(text: &str) -> Self {
        ScopeItem {
            text: text.trim().to_owned(),
            key: match_key(text),
        }
    }

    pub fn key(&self) -> &str {
        &self.key
    }
}

/// The statement scope (言明対象範囲): what is covered and what is explicitly not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    pub included: Vec<ScopeItem>,
    pub excluded: Vec<ScopeItem>,
}

/// A region the service runs in; `selectable` means the customer can choose not to use it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    pub name: String,
    pub country: CountryCode,
    pub selectable: bool,
}

/// docs/domain.md, "Control statements": each control is implemented (実施), partial (一部実施)
/// or not applicable (非該当).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StatementStatus {
    Implemented,
    Partial,
    NotApplicable,
}

impl StatementStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            StatementStatus::Implemented => "implemented",
            StatementStatus::Partial => "partial",
            StatementStatus::NotApplicable => "not_applicable",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            StatementStatus::Implemented => lang.pick("実施", "implemented"),
            StatementStatus::Partial => lang.pick("一部実施", "partial"),
            StatementStatus::NotApplicable => lang.pick("非該当", "not applicable"),
        }
    }
}

impl FromStr for StatementStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // The codes, or the words of the statement itself (実施／一部実施／非該当), as typed:
        // any width, case or spacing (the exact code first: a registry has millions).
        let known = |s: &str| match s {
            "implemented" | "実施" => Some(StatementStatus::Implemented),
            "partial" | "partially implemented" | "一部実施" => Some(StatementStatus::Partial),
            "not_applicable" | "not applicable" | "非該当" => {
                Some(StatementStatus::NotApplicable)
            }
            _ => None,
        };
        known(s).or_else(|| known(&match_key(s))).ok_or_else(|| {
            "expected implemented, partial or not_applicable (実施／一部実施／非該当)".into()
        })
    }
}

/// The provider's statement for one control of the criteria.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlStatement {
    /// The control, in the catalog of the registration's criteria version.
    pub key: ControlKey,
    pub status: StatementStatus,
    pub reason: Option<String>,
    pub inherited_from: Option<RegistrationNumber>,
}

/// Status of a registration on a date.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListingStatus {
    Valid,
    RenewalPending,
    Expired,
    Revoked,
    NotYetValid,
    /// A candidate absent from the registry.
    NotListed,
}

impl ListingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ListingStatus::Valid => "valid",
            ListingStatus::RenewalPending => "renewal_pending",
            ListingStatus::Expired => "expired",
            ListingStatus::Revoked => "revoked",
            ListingStatus::NotYetValid => "not_yet_valid",
            ListingStatus::NotListed => "not_listed",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            ListingStatus::Valid => lang.pick("有効", "valid"),
            // In force: a bare 更新審査中 would read as not in force.
            ListingStatus::RenewalPending => lang.pick(
                "更新審査中（運営委員会の決定まで有効）",
                "renewal pending (in force until the Steering Committee decides)",
            ),
            ListingStatus::Expired => lang.pick("有効期限切れ（失効）", "expired"),
            ListingStatus::Revoked => lang.pick("登録取消", "revoked"),
            ListingStatus::NotYetValid => lang.pick("登録前", "not yet valid"),
            ListingStatus::NotListed => lang.pick("未掲載", "not listed"),
        }
    }
}

impl fmt::Display for ListingStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Two facts of one entry that cannot both be true; imports refuse the entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Conflict {
    /// A renewal belongs to the cycle whose audit period it follows.
    #[error(
        "a renewal is filed after the audit period it follows: {filed} is on or before the audit period's end {audit_end}"
    )]
    RenewalFiledInAuditPeriod {
        filed: NaiveDate,
        audit_end: NaiveDate,
    },
    #[error("the registration is revoked on {revoked}, before it was registered on {registered}")]
    RevokedBeforeRegistration {
        revoked: NaiveDate,
        registered: NaiveDate,
    },
    #[error("the published expiry {expires} is on or before the audit period's end {audit_end}")]
    ExpiryInAuditPeriod {
        expires: NaiveDate,
        audit_end: NaiveDate,
    },
    #[error(
        "the published expiry {expires} is more than a year after {computed}, 1 year 4 months from the day after the audit period ends"
    )]
    ExpiryFarFromRule {
        expires: NaiveDate,
        computed: NaiveDate,
    },
    /// `inherited_from` names one of the registration's own underlying services.
    #[error(
        "controls are inherited from {from}, which is not one of the entry's underlying services"
    )]
    InheritedFromNotUnderlying {
        control: ControlKey,
        from: RegistrationNumber,
    },
}

impl Conflict {
    /// The field that carries the conflicting value, as the registry file names it; for an
    /// inherited control, the control's ID is given by the caller.
    pub fn field(&self, control_id: impl FnOnce(ControlKey) -> String) -> String {
        match self {
            Conflict::RenewalFiledInAuditPeriod { .. } => "renewal_filed_on".into(),
            Conflict::RevokedBeforeRegistration { .. } => "revoked_on".into(),
            Conflict::ExpiryInAuditPeriod { .. } | Conflict::ExpiryFarFromRule { .. } => {
                "expires_on".into()
            }
            Conflict::InheritedFromNotUnderlying { control, .. } => {
                format!("controls.{:?}.inherited_from", control_id(*control))
            }
        }
    }

    /// The control the conflict is about, if it is about one.
    pub fn control(&self) -> Option<ControlKey> {
        match self {
            Conflict::InheritedFromNotUnderlying { control, .. } => Some(*control),
            _ => None,
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (_, Lang::En) => self.to_string(),
            (Conflict::RenewalFiledInAuditPeriod { filed, audit_end }, Lang::Ja) => format!(
                "更新申請日 {filed} が監査対象期間の末日 {audit_end} 以前です（更新申請はこの監査対象期間の末日より後に行います）。"
            ),
            (
                Conflict::RevokedBeforeRegistration {
                    revoked,
                    registered,
                },
                Lang::Ja,
            ) => format!("登録取消日 {revoked} が初回登録日 {registered} より前です。"),
            (Conflict::ExpiryInAuditPeriod { expires, audit_end }, Lang::Ja) => format!(
                "リストに記載の有効期限 {expires} が監査対象期間の末日 {audit_end} 以前です。"
            ),
            (Conflict::ExpiryFarFromRule { expires, computed }, Lang::Ja) => format!(
                "リストに記載の有効期限 {expires} が、監査対象期間の末日の翌日から1年4か月として算定した日 {computed} より1年を超えて後です。"
            ),
            (Conflict::InheritedFromNotUnderlying { from, .. }, Lang::Ja) => format!(
                "継承元 {from} は基盤サービスに含まれていません。基盤サービスの登録番号に加えるか、継承元を修正してください。"
            ),
        }
    }

    /// The conflicting value as written.
    pub fn value(&self) -> String {
        match self {
            Conflict::RenewalFiledInAuditPeriod { filed: d, .. }
            | Conflict::RevokedBeforeRegistration { revoked: d, .. }
            | Conflict::ExpiryInAuditPeriod { expires: d, .. }
            | Conflict::ExpiryFarFromRule { expires: d, .. } => d.to_string(),
            Conflict::InheritedFromNotUnderlying { from, .. } => from.to_string(),
        }
    }
}

/// The first control inherited from a service that is not one of `underlying` (a control is
/// inherited only from a service the entry runs on).
pub fn inheritance_conflict(
    controls: &[ControlStatement],
    underlying: &[RegistrationNumber],
) -> Option<Conflict> {
    controls.iter().find_map(|c| {
        c.inherited_from
            .as_ref()
            .filter(|from| !underlying.contains(from))
            .map(|from| Conflict::InheritedFromNotUnderlying {
                control: c.key,
                from: from.clone(),
            })
    })
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a control is stated more than once")]
pub struct DuplicateStatement(pub ControlKey);

/// One registration (one list entry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub registration_no: RegistrationNumber,
    pub program: Program,
    pub service_name: String,
    pub provider: String,
    pub service_model: Option<ServiceModel>,
    pub registered_on: NaiveDate,
    pub audit_period: AuditPeriod,
    pub renewal_filed_on: Option<NaiveDate>,
    pub revoked_on: Option<NaiveDate>,
    /// The expiry the list publishes, when known: it decides the status over the rule's date.
    pub published_expiry: Option<NaiveDate>,
    pub scope: Scope,
    pub regions: Vec<Region>,
    pub underlying: Vec<RegistrationNumber>,
    /// The criteria version the control statements refer to.
    pub criteria_version: String,
    /// Sorted by key, one statement per control.
    controls: Vec<ControlStatement>,
    /// The same statements packed into 4 bytes each, for the check engine's walk: a registry
    /// of full statements is hundreds of megabytes, and the walk needs only key and status.
    stated: Vec<Stated>,
}

/// A statement packed as `key << 3 | inherited << 2 | status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stated(u32);

impl Stated {
    fn new(c: &ControlStatement) -> Self {
        let status = match c.status {
            StatementStatus::Implemented => 0,
            StatementStatus::Partial => 1,
            StatementStatus::NotApplicable => 2,
        };
        Stated(c.key.raw() << 3 | u32::from(c.inherited_from.is_some()) << 2 | status)
    }

    pub fn key(self) -> ControlKey {
        ControlKey::from_raw(self.0 >> 3)
    }

    pub fn status(self) -> StatementStatus {
        match self.0 & 3 {
            0 => StatementStatus::Implemented,
            1 => StatementStatus::Partial,
            _ => StatementStatus::NotApplicable,
        }
    }

    pub fn is_inherited(self) -> bool {
        self.0 & 4 != 0
    }
}

impl Registration {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        registration_no: RegistrationNumber,
        program: Program,
        service_name: String,
        provider: String,
        registered_on: NaiveDate,
        audit_period: AuditPeriod,
        criteria_version: String,
    ) -> Self {
        Registration {
            registration_no,
            program,
            service_name,
            provider,
            service_model: None,
            registered_on,
            audit_period,
            renewal_filed_on: None,
            revoked_on: None,
            published_expiry: None,
            scope: Scope::default(),
            regions: Vec::new(),
            underlying: Vec::new(),
            criteria_version,
            controls: Vec::new(),
            stated: Vec::new(),
        }
    }

    /// Sets the control statements; each control may be stated once.
    pub fn set_controls(
        &mut self,
        mut controls: Vec<ControlStatement>,
    ) -> Result<(), DuplicateStatement> {
        controls.sort_by_key(|c| c.key);
        if let Some(pair) = controls.windows(2).find(|w| w[0].key == w[1].key) {
            return Err(DuplicateStatement(pair[1].key));
        }
        self.stated = controls.iter().map(Stated::new).collect();
        self.controls = controls;
        Ok(())
    }

    /// Control statements in catalog order.
    pub fn controls(&self) -> &[ControlStatement] {
        &self.controls
    }

    /// The statements packed for walking, in the order of [`Registration::controls`].
    pub fn stated(&self) -> &[Stated] {
        &self.stated
    }

    pub fn statement(&self, key: ControlKey) -> Option<&ControlStatement> {
        self.controls
            .binary_search_by_key(&key, |c| c.key)
            .ok()
            .map(|i| &self.controls[i])
    }

    /// The expiry that decides the status: the published one when the list gives it,
    /// otherwise the rule's date.
    pub fn expires_on(&self, rule: ExpiryRule) -> NaiveDate {
        self.published_expiry
            .unwrap_or_else(|| self.rule_expiry(rule))
    }

    /// docs/domain.md, "Validity": valid until 1 year 4 months from the day after the audit
    /// period ends.
    pub fn rule_expiry(&self, rule: ExpiryRule) -> NaiveDate {
        expiry_date(self.audit_period.end(), rule).unwrap_or(NaiveDate::MAX)
    }

    /// The published expiry, when it differs from the rule's date: `(published, rule)`.
    pub fn expiry_differs(&self, rule: ExpiryRule) -> Option<(NaiveDate, NaiveDate)> {
        let computed = self.rule_expiry(rule);
        self.published_expiry
            .filter(|p| *p != computed)
            .map(|p| (p, computed))
    }

    /// The first date or reference that contradicts another one of the same entry
    /// (docs/domain.md, "Rules settled after review"), or `None` when the entry is consistent.
    pub fn conflict(&self) -> Option<Conflict> {
        let audit_end = self.audit_period.end();
        if let Some(filed) = self.renewal_filed_on.filter(|f| *f <= audit_end) {
            return Some(Conflict::RenewalFiledInAuditPeriod { filed, audit_end });
        }
        if let Some(revoked) = self.revoked_on.filter(|r| *r < self.registered_on) {
            return Some(Conflict::RevokedBeforeRegistration {
                revoked,
                registered: self.registered_on,
            });
        }
        if let Some(expires) = self.published_expiry.filter(|e| *e <= audit_end) {
            return Some(Conflict::ExpiryInAuditPeriod { expires, audit_end });
        }
        // A typo such as 2205 would silence every expiry alert: a published date is at most a
        // year after the rule's (Civil Code counting; the calendar one differs by a day).
        let computed = self.rule_expiry(ExpiryRule::Civil);
        if let Some(expires) = self
            .published_expiry
            .filter(|e| (*e - computed).num_days() > 366)
        {
            return Some(Conflict::ExpiryFarFromRule { expires, computed });
        }
        inheritance_conflict(&self.controls, &self.underlying)
    }

    /// Status on `date`. A renewal filed on or before expiry keeps the registration in force
    /// after expiry until the Steering Committee decides (docs/domain.md, "Lifecycle"):
    /// `renewal_pending`.
    pub fn status_on(&self, date: NaiveDate, rule: ExpiryRule) -> ListingStatus {
        if self.revoked_on.is_some_and(|r| r <= date) {
            return ListingStatus::Revoked;
        }
        if date < self.registered_on {
            return ListingStatus::NotYetValid;
        }
        let expires = self.expires_on(rule);
        if date <= expires {
            ListingStatus::Valid
        } else if self.renewal_filed_on.is_some_and(|f| f <= expires) {
            ListingStatus::RenewalPending
        } else {
            ListingStatus::Expired
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    /// Audit period 2023-04-01..2024-03-31, registered 2024-06-01, civil expiry 2025-07-31.
    pub(crate) fn registration(no: &str) -> Registration {
        Registration::new(
            RegistrationNumber::parse(no).expect("valid"),
            Program::Ismap,
            format!("Service {no}"),
            "Provider".into(),
            d("2024-06-01"),
            AuditPeriod::new(d("2023-04-01"), d("2024-03-31")).expect("valid"),
            "test".into(),
        )
    }

    #[test]
    fn each_conflict_is_explained_in_both_languages_with_its_dates() {
        let (a, b) = (d("2024-03-31"), d("2024-06-01"));
        let from = RegistrationNumber::parse("C99-0003-1").expect("valid");
        // (conflict, what the Japanese names)
        let cases = [
            (
                Conflict::RenewalFiledInAuditPeriod {
                    filed: a,
                    audit_end: b,
                },
                "更新申請日 2024-03-31",
            ),
            (
                Conflict::RevokedBeforeRegistration {
                    revoked: a,
                    registered: b,
                },
                "登録取消日 2024-03-31 が初回登録日 2024-06-01 より前",
            ),
            (
                Conflict::ExpiryInAuditPeriod {
                    expires: a,
                    audit_end: b,
                },
                "有効期限 2024-03-31",
            ),
            (
                Conflict::ExpiryFarFromRule {
                    expires: b,
                    computed: a,
                },
                "1年4か月として算定した日 2024-03-31",
            ),
            (
                Conflict::InheritedFromNotUnderlying {
                    control: ControlKey::from_raw(0),
                    from,
                },
                "継承元 C99-0003-1 は基盤サービスに含まれていません",
            ),
        ];
        for (conflict, ja) in cases {
            assert_eq!(conflict.message(Lang::En), conflict.to_string());
            assert!(conflict.message(Lang::Ja).contains(ja), "{conflict:?}");
        }
    }

    #[test]
    fn status_on_a_date() {
        use ListingStatus::*;
        // (revoked_on, renewal_filed_on, date, expected)
        let cases: [(Option<&str>, Option<&str>, &str, ListingStatus); 12] = [
            (None, None, "2024-05-31", NotYetValid),
            (None, None, "2024-06-01", Valid),
            (None, None, "2025-07-31", Valid),
            (None, None, "2025-08-01", Expired),
            (None, Some("2025-07-31"), "2025-08-01", RenewalPending),
            (None, Some("2025-05-01"), "2026-03-01", RenewalPending),
            (None, Some("2025-08-01"), "2025-08-01", Expired), // filed after expiry
            (None, Some("2025-05-01"), "2025-07-01", Valid),
            (Some("2025-01-10"), None, "2025-01-09", Valid),
            (Some("2025-01-10"), None, "2025-01-10", Revoked),
            (
                Some("2025-01-10"),
                Some("2025-01-01"),
                "2025-09-01",
                Revoked,
            ),
            (Some("2024-01-01"), None, "2024-05-01", Revoked), // revocation wins
        ];
        for (revoked, filed, date, expected) in cases {
            let mut r = registration("C24-0001-1");
            r.revoked_on = revoked.map(d);
            r.renewal_filed_on = filed.map(d);
            assert_eq!(
                r.status_on(d(date), ExpiryRule::Civil),
                expected,
                "revoked {revoked:?} filed {filed:?} on {date}"
            );
        }
    }

    #[test]
    fn conflicting_dates_and_references() {
        let no = |s: &str| RegistrationNumber::parse(s).expect("valid");
        // (renewal_filed_on, revoked_on, published expiry, inherited from, expected field)
        type Case<'a> = [Option<&'a str>; 5];
        let cases: [Case; 11] = [
            [None, None, None, None, None],
            [Some("2024-04-01"), None, None, None, None], // day after the audit period
            [
                Some("2024-03-31"),
                None,
                None,
                None,
                Some("renewal_filed_on"),
            ], // its last day
            [
                Some("2023-01-01"),
                None,
                None,
                None,
                Some("renewal_filed_on"),
            ], // earlier cycle
            [None, Some("2024-06-01"), None, None, None],
            [None, Some("2024-05-31"), None, None, Some("revoked_on")],
            [None, None, Some("2024-03-31"), None, Some("expires_on")],
            [None, None, Some("2026-07-31"), None, None], // a year after the rule's 2025-07-31
            [None, None, Some("2026-08-02"), None, Some("expires_on")],
            [None, None, None, Some("C22-0001-1"), None], // an underlying service
            [
                None,
                None,
                None,
                Some("C22-0002-1"),
                Some("controls.\"5.1.1\".inherited_from"),
            ],
        ];
        for [filed, revoked, expires, from, expected] in cases {
            let mut r = registration("C24-0001-1");
            r.renewal_filed_on = filed.map(d);
            r.revoked_on = revoked.map(d);
            r.published_expiry = expires.map(d);
            r.underlying = vec![no("C22-0001-1")];
            let key = ControlKey::from_raw(0);
            r.set_controls(vec![ControlStatement {
                key,
                status: StatementStatus::Implemented,
                reason: None,
                inherited_from: from.map(no),
            }])
            .expect("one statement");
            let conflict = r.conflict();
            let field = conflict.as_ref().map(|c| c.field(|_| "5.1.1".into()));
            assert_eq!(
                field.as_deref(),
                expected,
                "{filed:?} {revoked:?} {expires:?} {from:?}"
            );
            if let Some(c) = conflict {
                // the message names the value and the date it conflicts with
                assert!(c.to_string().contains(&c.value()), "{c}");
            }
        }
    }

    #[test]
    fn a_published_expiry_decides_the_status() {
        let mut r = registration("C24-0001-1");
        assert_eq!(r.expiry_differs(ExpiryRule::Civil), None);
        r.published_expiry = Some(d("2025-07-31")); // the same as the rule's date
        assert_eq!(r.expiry_differs(ExpiryRule::Civil), None);
        assert_eq!(
            r.expiry_differs(ExpiryRule::Calendar),
            Some((d("2025-07-31"), d("2025-08-01")))
        );
        r.published_expiry = Some(d("2025-09-30"));
        assert_eq!(
            r.expiry_differs(ExpiryRule::Civil),
            Some((d("2025-09-30"), d("2025-07-31")))
        );
        assert_eq!(
            r.status_on(d("2025-09-30"), ExpiryRule::Civil),
            ListingStatus::Valid
        );
        assert_eq!(
            r.status_on(d("2025-10-01"), ExpiryRule::Civil),
            ListingStatus::Expired
        );
        r.renewal_filed_on = Some(d("2025-09-30"));
        assert_eq!(
            r.status_on(d("2025-10-01"), ExpiryRule::Civil),
            ListingStatus::RenewalPending
        );
    }

    #[test]
    fn expiry_follows_the_rule() {
        let r = registration("C24-0001-1");
        assert_eq!(r.expires_on(ExpiryRule::Civil), d("2025-07-31"));
        assert_eq!(r.expires_on(ExpiryRule::Calendar), d("2025-08-01"));
        assert_eq!(
            r.status_on(d("2025-08-01"), ExpiryRule::Calendar),
            ListingStatus::Valid
        );
    }

    #[test]
    fn parse_enums() {
        assert_eq!("ismap-liu".parse(), Ok(Program::IsmapLiu));
        assert_eq!("ISMAP".parse(), Ok(Program::Ismap));
        assert!("fedramp".parse::<Program>().is_err());
        assert_eq!("saas".parse(), Ok(ServiceModel::SaaS));
        assert!("faas".parse::<ServiceModel>().is_err());
        // every way a status is written in the list, a form or a sheet
        use StatementStatus::*;
        for (typed, status) in [
            ("implemented", Some(Implemented)),
            ("実施", Some(Implemented)),
            (" Implemented ", Some(Implemented)),
            ("partial", Some(Partial)),
            ("Partially  Implemented", Some(Partial)),
            ("一部実施", Some(Partial)),
            ("not_applicable", Some(NotApplicable)),
            ("Not applicable", Some(NotApplicable)),
            ("非該当", Some(NotApplicable)),
            ("n/a", None),
            ("済", None),
            ("", None),
        ] {
            assert_eq!(typed.parse::<StatementStatus>().ok(), status, "{typed:?}");
        }
    }
}
