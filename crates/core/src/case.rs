//! The procurement case (調達案件) and its accountability record (判断記録): check snapshots
//! that are never edited, resolutions (対応記録) settled by a second person with approval
//! rights (職責分離), and the decision, after which the case is locked until reopened.
//! The rules are here once; the store applies them and records every act in the audit trail.

use crate::access::{Actor, Permission};
use crate::check::{ResultView, Status};
use crate::lang::Lang;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// How an open point was settled.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResolutionKind {
    WrittenConfirmation,
    AlternativeMeasure,
    AdditionalMeasure,
    ContractClause,
    LegalReview,
    RiskAcceptance,
    OutOfScope,
    Exception,
}

pub const RESOLUTION_KINDS: [ResolutionKind; 8] = [
    ResolutionKind::WrittenConfirmation,
    ResolutionKind::AlternativeMeasure,
    ResolutionKind::AdditionalMeasure,
    ResolutionKind::ContractClause,
    ResolutionKind::LegalReview,
    ResolutionKind::RiskAcceptance,
    ResolutionKind::OutOfScope,
    ResolutionKind::Exception,
];

impl ResolutionKind {
    pub fn code(self) -> &'static str {
        match self {
            ResolutionKind::WrittenConfirmation => "written_confirmation",
            ResolutionKind::AlternativeMeasure => "alternative_measure",
            ResolutionKind::AdditionalMeasure => "additional_measure",
            ResolutionKind::ContractClause => "contract_clause",
            ResolutionKind::LegalReview => "legal_review",
            ResolutionKind::RiskAcceptance => "risk_acceptance",
            ResolutionKind::OutOfScope => "out_of_scope",
            ResolutionKind::Exception => "exception",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            ResolutionKind::WrittenConfirmation => {
                lang.pick("書面による確認", "Written confirmation")
            }
            ResolutionKind::AlternativeMeasure => lang.pick("代替措置", "Alternative measure"),
            ResolutionKind::AdditionalMeasure => lang.pick("追加措置", "Additional measure"),
            ResolutionKind::ContractClause => lang.pick("契約条項で担保", "Contract clause"),
            ResolutionKind::LegalReview => lang.pick("法務確認", "Legal review"),
            ResolutionKind::RiskAcceptance => lang.pick("リスク受容", "Risk acceptance"),
            ResolutionKind::OutOfScope => lang.pick("対象外と判断", "Out of scope"),
            ResolutionKind::Exception => lang.pick("例外措置", "Exception (例外措置)"),
        }
    }
}

impl FromStr for ResolutionKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RESOLUTION_KINDS
            .into_iter()
            .find(|k| k.code() == s.trim())
            .ok_or_else(|| {
                format!(
                    "unknown resolution kind {s:?}: expected one of {}",
                    RESOLUTION_KINDS.map(ResolutionKind::code).join(", ")
                )
            })
    }
}

impl fmt::Display for ResolutionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One entry of a check snapshot, numbered within the snapshot.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotEntry {
    /// Stable within the snapshot: 1, 2, … in report order.
    pub entry: u32,
    pub registration_no: String,
    pub check: String,
    pub status: Status,
    pub code: String,
    pub subject: Option<String>,
    pub reason: String,
    pub action: Option<String>,
}

impl SnapshotEntry {
    /// The key under which two snapshots' entries are compared (status included).
    fn key(&self) -> EntryKey<'_> {
        (
            &self.registration_no,
            &self.check,
            &self.code,
            self.subject.as_deref(),
            self.status,
        )
    }

    /// The same entry under another number (to compare entries of two snapshots).
    pub fn renumbered(mut self, entry: u32) -> SnapshotEntry {
        self.entry = entry;
        self
    }

    /// A `fail` on listing (not on the list, expired, revoked, not yet valid): only a
    /// documented exception with its legal basis can settle it.
    pub fn is_listing_failure(&self) -> bool {
        self.check == "listing" && self.status == Status::Fail
    }
}

type EntryKey<'a> = (&'a str, &'a str, &'a str, Option<&'a str>, Status);

/// The entries of a check's results, numbered in order.
pub fn snapshot_entries(results: &[ResultView]) -> Vec<SnapshotEntry> {
    results
        .iter()
        .flat_map(|r| r.checks.iter().map(move |c| (r, c)))
        .enumerate()
        .map(|(i, (r, c))| SnapshotEntry {
            entry: i as u32 + 1,
            registration_no: r.registration_no.clone(),
            check: c.check.as_str().to_owned(),
            status: c.status,
            code: c.code.to_owned(),
            subject: c.subject.clone(),
            reason: c.reason.clone(),
            action: c.action.map(str::to_owned),
        })
        .collect()
}

/// What changed between two snapshots: entries added, entries gone, entries whose status
/// changed (old, new), compared by candidate, check, code and subject.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SnapshotDiff {
    pub added: Vec<SnapshotEntry>,
    pub removed: Vec<SnapshotEntry>,
}

pub fn snapshot_diff(old: &[SnapshotEntry], new: &[SnapshotEntry]) -> SnapshotDiff {
    let old_keys: Vec<EntryKey> = old.iter().map(SnapshotEntry::key).collect();
    let new_keys: Vec<EntryKey> = new.iter().map(SnapshotEntry::key).collect();
    SnapshotDiff {
        added: new
            .iter()
            .filter(|e| !old_keys.contains(&e.key()))
            .cloned()
            .collect(),
        removed: old
            .iter()
            .filter(|e| !new_keys.contains(&e.key()))
            .cloned()
            .collect(),
    }
}

/// A document that records a resolution (文書番号 and its date).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentRef {
    pub number: String,
    pub date: Option<NaiveDate>,
}

/// A resolution as proposed: it takes effect when approved by someone else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub kind: ResolutionKind,
    pub text: String,
    pub document: Option<DocumentRef>,
    /// For an exception: the legal basis it is applied under.
    pub legal_basis: Option<String>,
    /// The SHA-256 of a file already kept with the case that holds the document.
    pub attachment: Option<String>,
}

/// Why an act on a case is refused. `forbidden()` tells 403 (who) from 409 (when).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseRefusal {
    /// The actor may not act on cases at all, or not on this organisation's.
    NotYours,
    /// Approving needs the approver permission.
    NotApprover,
    /// 職責分離: the author of a resolution cannot approve it.
    OwnResolution,
    /// 職責分離: the proposer of a decision cannot approve it.
    OwnDecision,
    /// The case is decided: reopen it first.
    Decided,
    /// The case is not decided, so it cannot be reopened.
    NotDecided,
    /// No entry with that number in the latest snapshot.
    NoSuchEntry { entry: u32 },
    /// A passing entry needs no resolution.
    NothingToSettle { entry: u32 },
    /// A listing failure is settled only by an exception with its legal basis.
    ListingNeedsException { entry: u32 },
    /// An exception names its legal basis.
    ExceptionWithoutBasis,
    /// The entry already has a resolution (approved, or awaiting approval).
    AlreadyResolved { entry: u32 },
    /// No resolution awaits approval on that entry.
    NothingToApprove { entry: u32 },
    /// The case has not been checked yet.
    NoSnapshot,
    /// The chosen service is not a candidate of the latest snapshot.
    NotACandidate { service: String },
    /// Open points of the chosen service are not settled.
    OpenPoints { service: String, count: usize },
    /// Text the act needs is missing or too long.
    BadText { field: &'static str, max: usize },
    /// The decision is already approved.
    DecisionApproved,
    /// The act names an older snapshot than the latest (the page was stale).
    StaleSnapshot { latest: i32 },
    /// The check was run on an older version of the profile.
    StaleProfile,
    /// The decision date lies before the evaluation date or after today.
    DecisionDate { evaluated_on: NaiveDate },
    /// The evidence register lists the chosen service's duties only.
    NotADuty { duty: String },
    /// A last confirmation in the future, or a next due date not after it.
    EvidenceDate,
    /// The evidence register is kept for a chosen (proposed or approved) service.
    NoChosenService,
}

impl CaseRefusal {
    /// 403 when the actor lacks the right, 409 when the case's state refuses the act.
    pub fn forbidden(&self) -> bool {
        matches!(
            self,
            CaseRefusal::NotYours
                | CaseRefusal::NotApprover
                | CaseRefusal::OwnResolution
                | CaseRefusal::OwnDecision
        )
    }

    pub fn message(&self, lang: Lang) -> String {
        let ja = lang == Lang::Ja;
        match self {
            CaseRefusal::NotYours => lang.pick("この調達案件を操作する権限がありません（自組織の案件のみ操作できます）。", "You may not act on this case (only on your own organisation's cases).").into(),
            CaseRefusal::NotApprover => lang.pick("承認権限がありません。承認者（承認権限を持つ方）に依頼してください。", "You do not hold the approver permission; ask an approver.").into(),
            CaseRefusal::OwnResolution => lang.pick("自分が起案した対応記録は承認できません（職責分離）。別の承認者に依頼してください。", "You cannot approve a resolution you wrote (separation of duties); ask another approver.").into(),
            CaseRefusal::OwnDecision => lang.pick("自分が起案した判断は承認できません（職責分離）。別の承認者に依頼してください。", "You cannot approve a decision you proposed (separation of duties); ask another approver.").into(),
            CaseRefusal::Decided => lang.pick("判断（案）の記録後は案件を変更できません。変更が必要な場合は、承認者に理由を添えて差戻し（承認済みの場合は判断の取消し）を依頼してください。", "The case is locked once a decision is proposed. To change it, ask an approver to return the proposal (or withdraw the approved decision), giving the reason.").into(),
            CaseRefusal::DecisionApproved => lang.pick("この判断は既に承認されています。", "This decision is already approved.").into(),
            CaseRefusal::StaleSnapshot { latest } if ja => format!("確認結果が更新されています（最新は第{latest}回）。最新の内容を表示し直してから操作してください。"),
            CaseRefusal::StaleSnapshot { latest } => format!("The case has a newer snapshot ({latest}); reload it and act on the latest."),
            CaseRefusal::StaleProfile => lang.pick("確認の実行中に要件が変更されました。もう一度確認を実行してください。", "The requirements changed while the check ran; run it again.").into(),
            CaseRefusal::DecisionDate { evaluated_on } if ja => format!("判断日は確認の評価日（{evaluated_on}）以降、本日以前の日付を指定してください。"),
            CaseRefusal::DecisionDate { evaluated_on } => format!("The decision date must fall between the evaluation date ({evaluated_on}) and today."),
            CaseRefusal::NotDecided => lang.pick("この案件にはまだ判断（案）がありません。", "The case has no decision, proposed or approved.").into(),
            CaseRefusal::NoSuchEntry { entry } if ja => format!("最新の確認結果に項目 {entry} はありません。"),
            CaseRefusal::NoSuchEntry { entry } => format!("The latest snapshot has no entry {entry}."),
            CaseRefusal::NothingToSettle { entry } if ja => format!("項目 {entry} は適合のため、対応記録は不要です。"),
            CaseRefusal::NothingToSettle { entry } => format!("Entry {entry} passes; it needs no resolution."),
            CaseRefusal::ListingNeedsException { entry } if ja => format!("項目 {entry} は ISMAP クラウドサービスリストへの登録に関する不適合（未登録・有効期限切れ・登録の取消し等）です。根拠（府省庁対策基準の例外措置の規定、許可文書等）を示した「例外措置」でのみ対応できます。"),
            CaseRefusal::ListingNeedsException { entry } => format!("Entry {entry} is a registration failure (not registered, expired, revoked…): only an exception (例外措置) stating its basis — the agency's rules and the permission document — can settle it."),
            CaseRefusal::ExceptionWithoutBasis => lang.pick("例外措置には根拠（規程の条項、許可文書の番号等）の記載が必要です。", "An exception must state its basis (the rule and the permission document).").into(),
            CaseRefusal::AlreadyResolved { entry } if ja => format!("項目 {entry} には既に対応記録があります。"),
            CaseRefusal::AlreadyResolved { entry } => format!("Entry {entry} already has a resolution."),
            CaseRefusal::NothingToApprove { entry } if ja => format!("項目 {entry} に承認待ちの対応記録はありません。"),
            CaseRefusal::NothingToApprove { entry } => format!("No resolution awaits approval on entry {entry}."),
            CaseRefusal::NoSnapshot => lang.pick("まだ確認（チェック）を実行していません。", "The case has not been checked yet.").into(),
            CaseRefusal::NotACandidate { service } if ja => format!("{service} は最新の確認結果の候補にありません。"),
            CaseRefusal::NotACandidate { service } => format!("{service} is not a candidate of the latest snapshot."),
            CaseRefusal::OpenPoints { service, count } if ja => format!("{service} には未対応（または未承認）の要確認・不適合が {count} 件あります。"),
            CaseRefusal::OpenPoints { service, count } => format!("{service} has {count} review or fail entries not settled by an approved resolution."),
            CaseRefusal::NotADuty { duty } if ja => format!("「{}」（{duty}）は、選定したサービスについて利用者側が担う責任に含まれていません。", evidence::duty_text(duty, lang)),
            CaseRefusal::NotADuty { duty } => format!("\"{}\" ({duty}) is not among the customer duties for the chosen service.", evidence::duty_text(duty, lang)),
            CaseRefusal::EvidenceDate => lang.pick("最終確認日は本日以前、次回期限は最終確認日より後の日付を指定してください。", "The last confirmation must not lie in the future, and the next due date must fall after it.").into(),
            CaseRefusal::NoChosenService => lang.pick("責任分界の記録は、判断（案）で選定したサービスについて作成します。先に判断（案）を記録してください。", "The evidence register is kept for the chosen service: propose a decision first.").into(),
            CaseRefusal::BadText { field, max } => {
                let (ja_name, en_name) = match *field {
                    "text" => ("対応内容", "The resolution text"),
                    "legal_basis" => ("根拠", "The basis"),
                    "document" => ("文書番号（1行）", "The document number (one line)"),
                    "decision_reason" => ("選定理由", "The reason for the choice"),
                    "activity" => ("実施内容", "The activity"),
                    "frequency" => ("頻度（1行）", "The frequency (one line)"),
                    "evidence" => ("証跡の種類（1行）", "The kind of evidence (one line)"),
                    "location" => ("保管場所（1行）", "Where it is kept (one line)"),
                    "retention" => ("保存期間（1行）", "The retention (one line)"),
                    "checked_by" => ("確認者（1行）", "Who confirmed (one line)"),
                    _ => ("理由", "The reason"),
                };
                let optional = matches!(*field, "frequency" | "location" | "retention" | "checked_by");
                match (lang, optional) {
                    (Lang::Ja, true) => format!("{ja_name}は{max}文字以内で入力してください（省略可）。"),
                    (Lang::En, true) => format!("{en_name} must be at most {max} characters (optional)."),
                    (Lang::Ja, false) => format!("{ja_name}は1〜{max}文字で入力してください。"),
                    (Lang::En, false) => format!("{en_name} must be 1 to {max} characters."),
                }
            }
        }
    }
}

impl fmt::Display for CaseRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

/// The longest resolution text, legal basis or reason.
pub const MAX_CASE_TEXT: usize = 4000;
/// The longest document number (文書番号), one line.
pub const MAX_DOCUMENT_NUMBER: usize = 200;

fn text_ok(field: &'static str, text: &str) -> Result<(), CaseRefusal> {
    let n = text.trim().chars().count();
    if n == 0 || n > MAX_CASE_TEXT {
        return Err(CaseRefusal::BadText {
            field,
            max: MAX_CASE_TEXT,
        });
    }
    Ok(())
}

/// A case's organisation and whether it is decided: what every rule below needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseState<'a> {
    pub organisation: &'a str,
    pub decided: bool,
}

/// Members of the case's organisation with the case permission act on it; nobody else sees
/// it (operators and auditors of the program included).
pub fn may_act(actor: &Actor, case: CaseState) -> Result<(), CaseRefusal> {
    if actor.can(Permission::ManageCases)
        && actor.organisation.as_deref() == Some(case.organisation)
    {
        Ok(())
    } else {
        Err(CaseRefusal::NotYours)
    }
}

/// A change to the requirements, a new check run, or a resolution: not on a decided case.
pub fn may_change(actor: &Actor, case: CaseState) -> Result<(), CaseRefusal> {
    may_act(actor, case)?;
    if case.decided {
        return Err(CaseRefusal::Decided);
    }
    Ok(())
}

/// A resolution state of one entry, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolutionState {
    pub entry: u32,
    pub author: String,
    pub approved: bool,
}

/// Whether `proposal` may settle `entry` of the latest snapshot.
pub fn may_resolve(
    actor: &Actor,
    case: CaseState,
    latest: &[SnapshotEntry],
    existing: &[ResolutionState],
    entry: u32,
    proposal: &Proposal,
) -> Result<(), CaseRefusal> {
    may_change(actor, case)?;
    let e = latest
        .iter()
        .find(|e| e.entry == entry)
        .ok_or(CaseRefusal::NoSuchEntry { entry })?;
    if e.status == Status::Pass {
        return Err(CaseRefusal::NothingToSettle { entry });
    }
    if existing.iter().any(|r| r.entry == entry) {
        return Err(CaseRefusal::AlreadyResolved { entry });
    }
    text_ok("text", &proposal.text)?;
    let basis = proposal
        .legal_basis
        .as_deref()
        .map(str::trim)
        .filter(|b| !b.is_empty());
    if e.is_listing_failure() && proposal.kind != ResolutionKind::Exception {
        return Err(CaseRefusal::ListingNeedsException { entry });
    }
    if proposal.kind == ResolutionKind::Exception {
        match basis {
            Some(b) => text_ok("legal_basis", b)?,
            None => return Err(CaseRefusal::ExceptionWithoutBasis),
        }
    }
    Ok(())
}

/// Whether `actor` may approve the resolution awaiting approval on `entry`.
pub fn may_approve(
    actor: &Actor,
    case: CaseState,
    existing: &[ResolutionState],
    entry: u32,
) -> Result<(), CaseRefusal> {
    may_change(actor, case)?;
    if !actor.can(Permission::ApproveResolutions) {
        return Err(CaseRefusal::NotApprover);
    }
    let r = existing
        .iter()
        .find(|r| r.entry == entry && !r.approved)
        .ok_or(CaseRefusal::NothingToApprove { entry })?;
    if r.author == actor.name {
        return Err(CaseRefusal::OwnResolution);
    }
    Ok(())
}

/// Whether the case may be decided for `service`: a candidate of the latest snapshot whose
/// every review and fail entry carries an approved resolution. The decision is proposed by a
/// member (起案) and takes effect when an approver other than the proposer approves it; from
/// the proposal on, the case is locked.
pub fn may_decide(
    actor: &Actor,
    case: CaseState,
    latest: &[SnapshotEntry],
    existing: &[ResolutionState],
    service: &str,
    dates: DecisionDates,
) -> Result<(), CaseRefusal> {
    may_change(actor, case)?;
    if latest.is_empty() {
        return Err(CaseRefusal::NoSnapshot);
    }
    if dates.decided_on < dates.evaluated_on || dates.decided_on > dates.today {
        return Err(CaseRefusal::DecisionDate {
            evaluated_on: dates.evaluated_on,
        });
    }
    let entries: Vec<&SnapshotEntry> = latest
        .iter()
        .filter(|e| e.registration_no == service)
        .collect();
    if entries.is_empty() {
        return Err(CaseRefusal::NotACandidate {
            service: service.to_owned(),
        });
    }
    let open = entries
        .iter()
        .filter(|e| e.status != Status::Pass && !settled(existing, e.entry))
        .count();
    if open > 0 {
        return Err(CaseRefusal::OpenPoints {
            service: service.to_owned(),
            count: open,
        });
    }
    Ok(())
}

/// A decision states why the service was chosen (選定理由): the core of the record an
/// auditor reads.
pub fn decision_reason(reason: &str) -> Result<(), CaseRefusal> {
    text_ok("decision_reason", reason)
}

/// A decision's date, the latest check's evaluation date and today in Japan: a decision is
/// dated between the two.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecisionDates {
    pub decided_on: NaiveDate,
    pub evaluated_on: NaiveDate,
    pub today: NaiveDate,
}

/// Whether `actor` may approve the decision `proposer` proposed.
pub fn may_approve_decision(
    actor: &Actor,
    case: CaseState,
    proposer: Option<&str>,
    approved: bool,
    (service, open): (&str, usize),
) -> Result<(), CaseRefusal> {
    may_act(actor, case)?;
    if !actor.can(Permission::ApproveResolutions) {
        return Err(CaseRefusal::NotApprover);
    }
    match proposer {
        Some(_) if approved => Err(CaseRefusal::DecisionApproved),
        Some(p) if p == actor.name => Err(CaseRefusal::OwnDecision),
        // Re-checked: nothing may have reopened a point since the proposal.
        Some(_) if open > 0 => Err(CaseRefusal::OpenPoints {
            service: service.to_owned(),
            count: open,
        }),
        Some(_) => Ok(()),
        None => Err(CaseRefusal::NotDecided),
    }
}

/// Reopening a decided case (or withdrawing a proposed decision), with its reason.
pub fn may_reopen(actor: &Actor, case: CaseState, reason: &str) -> Result<(), CaseRefusal> {
    may_act(actor, case)?;
    if !actor.can(Permission::ApproveResolutions) {
        return Err(CaseRefusal::NotApprover);
    }
    if !case.decided {
        return Err(CaseRefusal::NotDecided);
    }
    text_ok("reason", reason)
}

fn settled(existing: &[ResolutionState], entry: u32) -> bool {
    existing.iter().any(|r| r.entry == entry && r.approved)
}

/// A candidate's verdict as checked, and with approved resolutions counted as settled.
pub fn verdicts(
    latest: &[SnapshotEntry],
    existing: &[ResolutionState],
    service: &str,
) -> (Status, Status) {
    let entries = latest.iter().filter(|e| e.registration_no == service);
    let worst = |it: &mut dyn Iterator<Item = Status>| it.max().unwrap_or(Status::Pass);
    let before = worst(&mut entries.clone().map(|e| e.status));
    let after = worst(&mut entries.map(|e| {
        if settled(existing, e.entry) {
            Status::Pass
        } else {
            e.status
        }
    }));
    (before, after)
}

/// How many of a candidate's review and fail entries are settled (approved) and open.
pub fn settled_counts(
    latest: &[SnapshotEntry],
    existing: &[ResolutionState],
    service: &str,
) -> (usize, usize) {
    latest
        .iter()
        .filter(|e| e.registration_no == service && e.status != Status::Pass)
        .fold((0, 0), |(s, o), e| {
            if settled(existing, e.entry) {
                (s + 1, o)
            } else {
                (s, o + 1)
            }
        })
}

/// 「要確認 → 全件対応済み（承認済み 3 件）」 or 「不適合 → 要確認（対応済み 1 件・未対応 12 件）」:
/// a settled point is settled, not conformant (a risk acceptance is not 適合).
pub fn verdict_text(
    before: Status,
    (settled, open): (usize, usize),
    after: Status,
    lang: Lang,
) -> String {
    match (settled, open, lang) {
        (0, _, _) => before.label(lang).to_owned(),
        (s, 0, Lang::Ja) => format!("{} → 全件対応済み（承認済み {s} 件）", before.label(lang)),
        (s, 0, Lang::En) => format!(
            "{} → all settled ({s} approved resolutions)",
            before.label(lang)
        ),
        (s, o, Lang::Ja) => format!(
            "{} → {}（対応済み {s} 件・未対応 {o} 件）",
            before.label(lang),
            after.label(lang)
        ),
        (s, o, Lang::En) => format!(
            "{} → {} ({s} settled, {o} open)",
            before.label(lang),
            after.label(lang)
        ),
    }
}

pub mod clauses;
pub mod evidence;
pub mod premise;
pub mod record;

#[cfg(test)]
mod tests;
