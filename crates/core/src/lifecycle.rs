//! The registration lifecycle as a state machine: a provider drafts and submits an application,
//! an audit body records the audit, the operators review and register; a registered service
//! files for renewal (the new audit period starts the day after the previous one ended),
//! is renewed or expires, and may be revoked. A change to a registered service is a change
//! application: drafted from the registration, audited and reviewed like any other, and put
//! on the list only when an operator approves it. Each transition is allowed only in certain
//! phases and to one role; a refused transition says why, in Japanese and English.
//!
//! docs/domain.md, "Lifecycle", marks revocation and withdrawal triggers unverified: the states
//! exist, the operator decides, and nothing here revokes on its own.

use crate::access::Role;
use crate::criteria::{Catalog, ControlKey};
use crate::ids::RegistrationNumber;
use crate::lang::Lang;
use crate::registration::{ControlStatement, StatementStatus};
use crate::validity::{AuditPeriod, ExpiryRule, expiry_date, period_end};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Shortest audit period accepted (docs/domain.md, "Audit periods": at least 3 months of
/// operation).
pub const MIN_AUDIT_MONTHS: u32 = 3;

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Draft,
    Submitted,
    Audited,
    UnderReview,
    Registered,
    RenewalFiled,
    RenewalAudited,
    Expired,
    Revoked,
    /// A change application approved onto its registration (its content is now published).
    ChangeApproved,
}

pub const PHASES: [Phase; 10] = [
    Phase::Draft,
    Phase::Submitted,
    Phase::Audited,
    Phase::UnderReview,
    Phase::Registered,
    Phase::RenewalFiled,
    Phase::RenewalAudited,
    Phase::Expired,
    Phase::Revoked,
    Phase::ChangeApproved,
];

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Draft => "draft",
            Phase::Submitted => "submitted",
            Phase::Audited => "audited",
            Phase::UnderReview => "under_review",
            Phase::Registered => "registered",
            Phase::RenewalFiled => "renewal_filed",
            Phase::RenewalAudited => "renewal_audited",
            Phase::Expired => "expired",
            Phase::Revoked => "revoked",
            Phase::ChangeApproved => "change_approved",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Phase::Draft => lang.pick("申請書作成中", "draft"),
            Phase::Submitted => lang.pick("申請済み", "submitted"),
            Phase::Audited => lang.pick("監査結果記録済み", "audited"),
            Phase::UnderReview => lang.pick("審査中", "under review"),
            Phase::Registered => lang.pick("登録済み", "registered"),
            Phase::RenewalFiled => lang.pick("更新申請済み", "renewal filed"),
            Phase::RenewalAudited => lang.pick("更新の監査結果記録済み", "renewal audited"),
            Phase::Expired => lang.pick("有効期限切れ（失効）", "expired"),
            Phase::Revoked => lang.pick("登録取消", "revoked"),
            Phase::ChangeApproved => lang.pick("変更承認済み", "change approved"),
        }
    }

    /// Whether the registration is on the published list in this phase.
    pub fn is_published(self) -> bool {
        matches!(
            self,
            Phase::Registered
                | Phase::RenewalFiled
                | Phase::RenewalAudited
                | Phase::Expired
                | Phase::Revoked
        )
    }
}

impl std::str::FromStr for Phase {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PHASES
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| format!("unknown phase {s:?}"))
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditResult {
    /// 指摘事項なし: the agreed-upon procedures found nothing (ISMAP audits report findings,
    /// not opinions).
    #[serde(alias = "no_findings")]
    Pass,
    /// 指摘事項あり: the procedures found exceptions; the operator cannot register on them.
    #[serde(alias = "findings")]
    Fail,
}

impl AuditResult {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            AuditResult::Pass => lang.pick("指摘事項なし", "no findings"),
            AuditResult::Fail => lang.pick("指摘事項あり", "findings"),
        }
    }
}

/// An audit as recorded by the audit body.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedAudit {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub result: AuditResult,
}

/// The lifecycle state of one application / registration.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lifecycle {
    pub phase: Phase,
    /// The audit the next decision is about (initial or renewal).
    pub pending_audit: Option<RecordedAudit>,
    /// The audit period the registration in force rests on: [start, end].
    #[cfg_attr(feature = "openapi", schema(value_type = Option<[chrono::NaiveDate; 2]>))]
    pub audit_period: Option<(NaiveDate, NaiveDate)>,
    pub registration_no: Option<RegistrationNumber>,
    pub registered_on: Option<NaiveDate>,
    pub renewal_filed_on: Option<NaiveDate>,
    pub revoked_on: Option<NaiveDate>,
    /// The reason given with the last return, decline or revocation.
    pub reason: Option<String>,
    /// For a change application: the registration it changes.
    #[serde(default)]
    pub amends: Option<RegistrationNumber>,
}

impl Default for Lifecycle {
    fn default() -> Self {
        Lifecycle {
            phase: Phase::Draft,
            pending_audit: None,
            audit_period: None,
            registration_no: None,
            registered_on: None,
            renewal_filed_on: None,
            revoked_on: None,
            reason: None,
            amends: None,
        }
    }
}

impl Lifecycle {
    /// The start of a change application to `registration_no`.
    pub fn change_of(registration_no: RegistrationNumber) -> Lifecycle {
        Lifecycle {
            amends: Some(registration_no),
            ..Lifecycle::default()
        }
    }
}

/// A requested transition, with what it carries.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// Provider: hand the draft to the program.
    Submit,
    /// Auditor: the audit period and its result (initial or renewal audit).
    RecordAudit {
        start: NaiveDate,
        end: NaiveDate,
        result: AuditResult,
    },
    /// Operator: take an audited application into review.
    StartReview,
    /// Operator: send the application back to the provider.
    ReturnToProvider { reason: String },
    /// Operator: put the service on the list.
    Register {
        on: NaiveDate,
        registration_no: RegistrationNumber,
    },
    /// Operator: put a reviewed change application's content on its registration's entry.
    ApproveChange,
    /// Provider: file for renewal, on or before expiry.
    FileRenewal { on: NaiveDate },
    /// Operator: renew on the renewal audit; the expiry moves with the new audit period.
    Renew { on: NaiveDate },
    /// Operator: decide not to renew.
    DeclineRenewal { on: NaiveDate, reason: String },
    /// Operator: record that the registration lapsed (expired without renewal filed in time).
    Expire { on: NaiveDate },
    /// Operator: revoke the registration.
    Revoke { on: NaiveDate, reason: String },
}

/// The kinds of [`Action`], for listing what a phase allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    Submit,
    RecordAudit,
    StartReview,
    ReturnToProvider,
    Register,
    ApproveChange,
    FileRenewal,
    Renew,
    DeclineRenewal,
    Expire,
    Revoke,
}

pub const ACTION_KINDS: [ActionKind; 11] = [
    ActionKind::Submit,
    ActionKind::RecordAudit,
    ActionKind::StartReview,
    ActionKind::ReturnToProvider,
    ActionKind::Register,
    ActionKind::ApproveChange,
    ActionKind::FileRenewal,
    ActionKind::Renew,
    ActionKind::DeclineRenewal,
    ActionKind::Expire,
    ActionKind::Revoke,
];

impl ActionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Submit => "submit",
            ActionKind::RecordAudit => "record_audit",
            ActionKind::StartReview => "start_review",
            ActionKind::ReturnToProvider => "return_to_provider",
            ActionKind::Register => "register",
            ActionKind::ApproveChange => "approve_change",
            ActionKind::FileRenewal => "file_renewal",
            ActionKind::Renew => "renew",
            ActionKind::DeclineRenewal => "decline_renewal",
            ActionKind::Expire => "expire",
            ActionKind::Revoke => "revoke",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            ActionKind::Submit => lang.pick("申請する", "submit"),
            ActionKind::RecordAudit => lang.pick("監査結果を記録する", "record the audit"),
            ActionKind::StartReview => lang.pick("審査を開始する", "start the review"),
            ActionKind::ReturnToProvider => lang.pick("差し戻す", "return to the provider"),
            ActionKind::Register => lang.pick("登録する", "register"),
            ActionKind::ApproveChange => lang.pick("変更を承認する", "approve the change"),
            ActionKind::FileRenewal => lang.pick("更新を申請する", "file for renewal"),
            ActionKind::Renew => lang.pick("更新を決定する", "renew"),
            ActionKind::DeclineRenewal => lang.pick("不更新を決定する", "decide not to renew"),
            ActionKind::Expire => lang.pick("有効期限切れ（失効）を記録する", "record the expiry"),
            ActionKind::Revoke => lang.pick("登録を取り消す", "revoke"),
        }
    }

    /// The one role that performs this action.
    pub fn role(self) -> Role {
        match self {
            ActionKind::Submit | ActionKind::FileRenewal => Role::Provider,
            ActionKind::RecordAudit => Role::Auditor,
            // Listed one by one: a new action is given its role, never a default.
            ActionKind::StartReview
            | ActionKind::ReturnToProvider
            | ActionKind::Register
            | ActionKind::ApproveChange
            | ActionKind::Renew
            | ActionKind::DeclineRenewal
            | ActionKind::Expire
            | ActionKind::Revoke => Role::Operator,
        }
    }

    /// The phases the action may start from.
    pub fn from_phases(self) -> &'static [Phase] {
        use Phase::*;
        match self {
            ActionKind::Submit => &[Draft],
            ActionKind::RecordAudit => &[Submitted, RenewalFiled],
            ActionKind::StartReview => &[Audited],
            ActionKind::ReturnToProvider => &[Submitted, Audited, UnderReview],
            ActionKind::Register | ActionKind::ApproveChange => &[UnderReview],
            ActionKind::FileRenewal => &[Registered],
            ActionKind::Renew | ActionKind::DeclineRenewal => &[RenewalAudited],
            ActionKind::Expire => &[Registered],
            ActionKind::Revoke => &[Registered, RenewalFiled, RenewalAudited],
        }
    }
}

impl Action {
    /// The date the action takes effect from, for the actions that carry one.
    pub fn date(&self) -> Option<NaiveDate> {
        match self {
            Action::Register { on, .. }
            | Action::FileRenewal { on }
            | Action::Renew { on }
            | Action::DeclineRenewal { on, .. }
            | Action::Expire { on }
            | Action::Revoke { on, .. } => Some(*on),
            Action::Submit
            | Action::RecordAudit { .. }
            | Action::StartReview
            | Action::ApproveChange
            | Action::ReturnToProvider { .. } => None,
        }
    }

    pub fn kind(&self) -> ActionKind {
        match self {
            Action::Submit => ActionKind::Submit,
            Action::RecordAudit { .. } => ActionKind::RecordAudit,
            Action::StartReview => ActionKind::StartReview,
            Action::ReturnToProvider { .. } => ActionKind::ReturnToProvider,
            Action::Register { .. } => ActionKind::Register,
            Action::ApproveChange => ActionKind::ApproveChange,
            Action::FileRenewal { .. } => ActionKind::FileRenewal,
            Action::Renew { .. } => ActionKind::Renew,
            Action::DeclineRenewal { .. } => ActionKind::DeclineRenewal,
            Action::Expire { .. } => ActionKind::Expire,
            Action::Revoke { .. } => ActionKind::Revoke,
        }
    }
}

/// Why a transition was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Refusal {
    WrongPhase {
        action: ActionKind,
        phase: Phase,
        allowed_from: Vec<Phase>,
    },
    /// What the draft still lacks: field names, mandatory controls not stated, and 非該当
    /// statements without a reason (criteria IDs).
    Incomplete {
        missing: Vec<&'static str>,
        unstated: Vec<String>,
        unexplained: Vec<String>,
    },
    AuditPeriod {
        message: String,
    },
    AuditTooShort {
        start: NaiveDate,
        end: NaiveDate,
        min_end: NaiveDate,
    },
    /// A renewal audit must start the day after the previous period ended.
    RenewalGap {
        expected_start: NaiveDate,
        start: NaiveDate,
    },
    AuditNotPassed,
    RegisteredBeforeAuditEnd {
        on: NaiveDate,
        audit_end: NaiveDate,
    },
    /// The registration would already have expired on the day it is made.
    RegisteredAfterExpiry {
        on: NaiveDate,
        expires_on: NaiveDate,
    },
    RenewalTooLate {
        on: NaiveDate,
        expired_on: NaiveDate,
    },
    NotYetExpired {
        expires_on: NaiveDate,
    },
    NoLongerValid {
        on: NaiveDate,
        expired_on: NaiveDate,
    },
    ReasonRequired,
    /// A date before the last recorded event (registration, filing).
    DateBefore {
        on: NaiveDate,
        earliest: NaiveDate,
    },
    /// A change application is approved onto its registration, never registered anew.
    IsAChange {
        amends: RegistrationNumber,
    },
    /// Only a change application can be approved as a change.
    NotAChange,
    /// The registration a change application is for is no longer in force.
    NotInForce {
        registration_no: RegistrationNumber,
        phase: Phase,
    },
    /// A change application may not rename the service or move it to another program.
    Unchangeable {
        field: &'static str,
    },
    /// A registration has one open change application at a time.
    ChangeOpen {
        application: i32,
    },
    /// Only a draft's content can be edited.
    NotADraft {
        phase: Phase,
    },
}

impl Refusal {
    pub fn message(&self, lang: Lang) -> String {
        let ja = lang == Lang::Ja;
        match self {
            Refusal::WrongPhase {
                action,
                phase,
                allowed_from,
            } => {
                let from: Vec<&str> = allowed_from.iter().map(|p| p.label(lang)).collect();
                if ja {
                    format!(
                        "「{}」は「{}」の状態ではできません（できる状態: {}）",
                        action.label(lang),
                        phase.label(lang),
                        from.join("、")
                    )
                } else {
                    format!(
                        "cannot {} while {} (allowed from: {})",
                        action.label(lang),
                        phase.label(lang),
                        from.join(", ")
                    )
                }
            }
            Refusal::Incomplete {
                missing,
                unstated,
                unexplained,
            } => {
                let sep = lang.pick("、", ", ");
                let mut parts = Vec::new();
                if !missing.is_empty() {
                    let names: Vec<&str> = missing.iter().map(|f| field_label(f, lang)).collect();
                    parts.push(format!(
                        "{}{}",
                        lang.pick("未記入の項目: ", "fields not filled in: "),
                        names.join(sep)
                    ));
                }
                if !unstated.is_empty() {
                    parts.push(format!(
                        "{}{}",
                        lang.pick(
                            "記載のない必須項目（統制目標・基本言明要件）: ",
                            "mandatory items not stated (control objectives, basic statement requirements): "
                        ),
                        abbreviated(unstated, lang)
                    ));
                }
                if !unexplained.is_empty() {
                    parts.push(format!(
                        "{}{}",
                        lang.pick("理由のない非該当: ", "not applicable without a reason: "),
                        abbreviated(unexplained, lang)
                    ));
                }
                if ja {
                    format!("申請書が完成していません。{}", parts.join("。"))
                } else {
                    format!("the application is incomplete: {}", parts.join("; "))
                }
            }
            Refusal::AuditPeriod { message } => {
                if ja {
                    format!("監査対象期間が不正です: {message}")
                } else {
                    format!("invalid audit period: {message}")
                }
            }
            Refusal::AuditTooShort {
                start,
                end,
                min_end,
            } => {
                if ja {
                    format!(
                        "監査対象期間 {start}〜{end} は{MIN_AUDIT_MONTHS}か月未満です（{min_end} 以降に終わる必要があります）"
                    )
                } else {
                    format!(
                        "the audit period {start} – {end} is shorter than {MIN_AUDIT_MONTHS} months (it must end on {min_end} or later)"
                    )
                }
            }
            Refusal::RenewalGap {
                expected_start,
                start,
            } => {
                if ja {
                    format!(
                        "更新の監査対象期間は前回の期間の翌日 {expected_start} から始まる必要があります（{start} から始まっています）"
                    )
                } else {
                    format!(
                        "a renewal audit period must start on {expected_start}, the day after the previous one ended (it starts on {start})"
                    )
                }
            }
            Refusal::AuditNotPassed => lang
                .pick(
                    "監査の結果が「指摘事項なし」ではないため登録・更新できません",
                    "the audit reported findings: cannot register or renew on it",
                )
                .to_owned(),
            Refusal::RegisteredAfterExpiry { on, expires_on } => {
                if ja {
                    format!(
                        "登録日 {on} は、この監査対象期間による有効期限 {expires_on} より後です"
                    )
                } else {
                    format!(
                        "registration date {on} is after the expiry {expires_on} this audit period gives"
                    )
                }
            }
            Refusal::RegisteredBeforeAuditEnd { on, audit_end } => {
                if ja {
                    format!("登録日 {on} が監査対象期間の末日 {audit_end} 以前です")
                } else {
                    format!(
                        "registration date {on} is not after the audit period's end {audit_end}"
                    )
                }
            }
            Refusal::RenewalTooLate { on, expired_on } => {
                if ja {
                    format!("更新申請は有効期限 {expired_on} までに行う必要があります（{on}）")
                } else {
                    format!(
                        "a renewal must be filed on or before expiry ({expired_on}); it is {on}"
                    )
                }
            }
            Refusal::NotYetExpired { expires_on } => {
                if ja {
                    format!("有効期限 {expires_on} を過ぎていません")
                } else {
                    format!("the registration is valid until {expires_on}")
                }
            }
            Refusal::NoLongerValid { on, expired_on } => {
                if ja {
                    format!("有効期限 {expired_on} を過ぎているため変更できません（{on}）")
                } else {
                    format!("the registration expired on {expired_on}: no changes on {on}")
                }
            }
            Refusal::ReasonRequired => lang
                .pick("理由を記入してください", "a reason is required")
                .to_owned(),
            Refusal::DateBefore { on, earliest } => {
                if ja {
                    format!("日付 {on} は直前の記録 {earliest} より前です")
                } else {
                    format!("the date {on} is before the last recorded event ({earliest})")
                }
            }
            Refusal::IsAChange { amends } => {
                if ja {
                    format!(
                        "この申請は登録 {amends} の変更申請です。新規登録ではなく変更の承認を行ってください"
                    )
                } else {
                    format!(
                        "this application changes registration {amends}: approve the change instead of registering it"
                    )
                }
            }
            Refusal::NotAChange => lang
                .pick(
                    "変更申請ではないため、変更として承認できません",
                    "only a change application can be approved as a change",
                )
                .to_owned(),
            Refusal::NotInForce {
                registration_no,
                phase,
            } => {
                if ja {
                    format!(
                        "登録 {registration_no} は「{}」のため変更できません",
                        phase.label(lang)
                    )
                } else {
                    format!(
                        "registration {registration_no} is {}: it cannot be changed",
                        phase.label(lang)
                    )
                }
            }
            Refusal::Unchangeable { field } => {
                if ja {
                    format!(
                        "変更申請では{}を変更できません（新規の申請が必要です）",
                        field_label(field, lang)
                    )
                } else {
                    format!(
                        "a change application cannot change {field} (that needs a new application)"
                    )
                }
            }
            Refusal::NotADraft { phase } => {
                if ja {
                    format!(
                        "「{}」の申請は編集できません。登録済みのサービスの内容は変更申請（POST /api/v1/applications/{{id}}/changes）で変更してください",
                        phase.label(lang)
                    )
                } else {
                    format!(
                        "an application that is {} cannot be edited; a registered service changes through a change application (POST /api/v1/applications/{{id}}/changes)",
                        phase.label(lang)
                    )
                }
            }
            Refusal::ChangeOpen { application } => {
                if ja {
                    format!("この登録には処理中の変更申請 {application} があります")
                } else {
                    format!(
                        "this registration already has an open change application ({application})"
                    )
                }
            }
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

/// An application field as the form names it (the field's own name in English).
fn field_label(field: &'static str, lang: Lang) -> &'static str {
    match (field, lang) {
        ("service_name", Lang::Ja) => "サービス名",
        ("audit_body", Lang::Ja) => "監査機関",
        ("scope_included", Lang::Ja) => "言明対象範囲に含むもの",
        ("regions", Lang::Ja) => "リージョン",
        ("statements", Lang::Ja) => "管理策の言明",
        ("program", Lang::Ja) => "制度",
        _ => field,
    }
}

/// The first ten IDs of a list, and how many more.
fn abbreviated(ids: &[String], lang: Lang) -> String {
    const SHOWN: usize = 10;
    let mut text = ids
        .iter()
        .take(SHOWN)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(lang.pick("、", ", "));
    if ids.len() > SHOWN {
        let more = ids.len() - SHOWN;
        text.push_str(&match lang {
            Lang::Ja => format!(" ほか{more}件"),
            Lang::En => format!(" and {more} more"),
        });
    }
    text
}

/// What a draft must hold before submission: the caller reports the fields it lacks, and
/// [`Completeness::statement`] what the statement lacks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Completeness {
    pub missing: Vec<&'static str>,
    /// Mandatory criteria (governance, management, control objectives, `.B`/`.PB`) not
    /// stated, and not exempted by an objective stated 非該当.
    pub unstated: Vec<String>,
    /// Criteria stated 非該当 without a reason.
    pub unexplained: Vec<String>,
}

impl Completeness {
    pub fn is_complete(&self) -> bool {
        self.missing.is_empty() && self.unstated.is_empty() && self.unexplained.is_empty()
    }

    /// What a statement lacks against `catalog`; `controls` are sorted by key, as
    /// [`crate::registration::Registration::controls`] are. Every mandatory item is stated;
    /// excluding a control objective, with a reason, exempts its children (docs/domain.md,
    /// "Control criteria and their IDs").
    pub fn statement(mut self, catalog: &Catalog, controls: &[ControlStatement]) -> Self {
        let status = |key: ControlKey| {
            controls
                .binary_search_by_key(&key, |c| c.key)
                .ok()
                .map(|i| controls[i].status)
        };
        self.unstated = catalog
            .basic_baseline()
            .into_iter()
            .filter(|&key| status(key).is_none())
            .filter(|&key| {
                catalog
                    .parent(key)
                    .is_none_or(|p| status(p) != Some(StatementStatus::NotApplicable))
            })
            .map(|key| catalog.get(key).id.to_string())
            .collect();
        self.unexplained = controls
            .iter()
            .filter(|c| c.status == StatementStatus::NotApplicable && c.reason.is_none())
            .map(|c| catalog.get(c.key).id.to_string())
            .collect();
        self
    }
}

impl Lifecycle {
    /// The expiry of the registration in force, when there is one.
    pub fn expires_on(&self, rule: ExpiryRule) -> Option<NaiveDate> {
        self.audit_period
            .and_then(|(_, end)| expiry_date(end, rule))
    }

    /// The actions that may start from the current phase (a change application is approved,
    /// any other application registered).
    pub fn available(&self) -> Vec<ActionKind> {
        ACTION_KINDS
            .into_iter()
            .filter(|k| k.from_phases().contains(&self.phase))
            .filter(|k| match k {
                ActionKind::Register => self.amends.is_none(),
                ActionKind::ApproveChange => self.amends.is_some(),
                _ => true,
            })
            .collect()
    }

    /// Applies `action`, returning the new state, or the reason it is refused. `draft`
    /// reports what the application lacks (checked on submission).
    pub fn apply(
        &self,
        action: &Action,
        draft: &Completeness,
        rule: ExpiryRule,
    ) -> Result<Lifecycle, Refusal> {
        let kind = action.kind();
        if !kind.from_phases().contains(&self.phase) {
            return Err(Refusal::WrongPhase {
                action: kind,
                phase: self.phase,
                allowed_from: kind.from_phases().to_vec(),
            });
        }
        let mut next = self.clone();
        match action {
            Action::Submit => {
                if !draft.is_complete() {
                    return Err(Refusal::Incomplete {
                        missing: draft.missing.clone(),
                        unstated: draft.unstated.clone(),
                        unexplained: draft.unexplained.clone(),
                    });
                }
                next.phase = Phase::Submitted;
                next.reason = None;
            }
            Action::RecordAudit { start, end, result } => {
                let period = AuditPeriod::new(*start, *end).map_err(|e| Refusal::AuditPeriod {
                    message: e.to_string(),
                })?;
                let min_end = period_end(*start, MIN_AUDIT_MONTHS, ExpiryRule::Civil)
                    .unwrap_or(NaiveDate::MAX);
                if *end < min_end {
                    return Err(Refusal::AuditTooShort {
                        start: *start,
                        end: *end,
                        min_end,
                    });
                }
                if self.phase == Phase::RenewalFiled
                    && let Some((_, previous_end)) = self.audit_period
                    && let Some(expected_start) = previous_end.succ_opt()
                    && period.start() != expected_start
                {
                    return Err(Refusal::RenewalGap {
                        expected_start,
                        start: *start,
                    });
                }
                next.pending_audit = Some(RecordedAudit {
                    start: *start,
                    end: *end,
                    result: *result,
                });
                next.phase = if self.phase == Phase::RenewalFiled {
                    Phase::RenewalAudited
                } else {
                    Phase::Audited
                };
            }
            Action::StartReview => next.phase = Phase::UnderReview,
            Action::ReturnToProvider { reason } => {
                next.reason = Some(required(reason)?);
                next.pending_audit = None;
                next.phase = Phase::Draft;
            }
            Action::Register {
                on,
                registration_no,
            } => {
                if let Some(amends) = &self.amends {
                    return Err(Refusal::IsAChange {
                        amends: amends.clone(),
                    });
                }
                let audit = self.passed_audit()?;
                if *on <= audit.end {
                    return Err(Refusal::RegisteredBeforeAuditEnd {
                        on: *on,
                        audit_end: audit.end,
                    });
                }
                if let Some(expires_on) = expiry_date(audit.end, rule)
                    && *on > expires_on
                {
                    return Err(Refusal::RegisteredAfterExpiry {
                        on: *on,
                        expires_on,
                    });
                }
                next.audit_period = Some((audit.start, audit.end));
                next.pending_audit = None;
                next.registration_no = Some(registration_no.clone());
                next.registered_on = Some(*on);
                next.phase = Phase::Registered;
            }
            Action::ApproveChange => {
                if self.amends.is_none() {
                    return Err(Refusal::NotAChange);
                }
                self.passed_audit()?;
                next.pending_audit = None;
                next.phase = Phase::ChangeApproved;
            }
            Action::FileRenewal { on } => {
                self.not_before(*on)?;
                if let Some(expired_on) = self.expires_on(rule)
                    && *on > expired_on
                {
                    return Err(Refusal::RenewalTooLate {
                        on: *on,
                        expired_on,
                    });
                }
                next.renewal_filed_on = Some(*on);
                next.phase = Phase::RenewalFiled;
            }
            Action::Renew { on } => {
                self.not_before(*on)?;
                let audit = self.passed_audit()?;
                next.audit_period = Some((audit.start, audit.end));
                next.pending_audit = None;
                next.renewal_filed_on = None;
                next.phase = Phase::Registered;
            }
            Action::DeclineRenewal { on, reason } => {
                self.not_before(*on)?;
                next.reason = Some(required(reason)?);
                next.pending_audit = None;
                next.renewal_filed_on = None;
                // Kept in force after expiry only while the renewal was pending.
                next.phase = match self.expires_on(rule) {
                    Some(expires) if *on > expires => Phase::Expired,
                    _ => Phase::Registered,
                };
            }
            Action::Expire { on } => {
                let expires_on = self.expires_on(rule).unwrap_or(NaiveDate::MAX);
                if *on <= expires_on {
                    return Err(Refusal::NotYetExpired { expires_on });
                }
                next.phase = Phase::Expired;
            }
            Action::Revoke { on, reason } => {
                self.not_before(*on)?;
                next.reason = Some(required(reason)?);
                next.revoked_on = Some(*on);
                next.phase = Phase::Revoked;
            }
        }
        Ok(next)
    }

    fn passed_audit(&self) -> Result<RecordedAudit, Refusal> {
        match self.pending_audit {
            Some(a) if a.result == AuditResult::Pass => Ok(a),
            _ => Err(Refusal::AuditNotPassed),
        }
    }

    /// Dates of later events may not precede the registration or the renewal filing.
    fn not_before(&self, on: NaiveDate) -> Result<(), Refusal> {
        let earliest = self.renewal_filed_on.or(self.registered_on);
        match earliest {
            Some(earliest) if on < earliest => Err(Refusal::DateBefore { on, earliest }),
            _ => Ok(()),
        }
    }
}

fn required(reason: &str) -> Result<String, Refusal> {
    let reason = reason.trim();
    if reason.is_empty() {
        Err(Refusal::ReasonRequired)
    } else {
        Ok(reason.to_owned())
    }
}

#[cfg(test)]
mod tests;
