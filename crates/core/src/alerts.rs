//! Alerts for a procurer's watch on a registration it uses under a contract: expiry coming,
//! expiry before the contract ends, renewal filed or not, pending too long, scope or region
//! changes, a feature newly excluded, a required control weakened, revocation, removal from
//! the list. And reminders for a provider about its own registrations: the renewal filing
//! deadline and the timeline that leads to it. Each alert has a key so that it is raised once.

use crate::case::premise::PremiseChange;
use crate::criteria::{Catalog, ControlKey};
use crate::history::{FieldChange, registration_changes};
use crate::ids::RegistrationNumber;
use crate::lang::Lang;
use crate::registration::{ListingStatus, Registration, StatementStatus};
use crate::validity::{ExpiryRule, MAX_AUDIT_MONTHS, period_end};
use chrono::NaiveDate;
use serde::Serialize;

/// A registration used under a contract, and the controls the agency relies on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watch {
    pub registration_no: RegistrationNumber,
    pub contract_start: NaiveDate,
    pub contract_end: NaiveDate,
    pub controls: Vec<ControlKey>,
}

/// When to warn. Defaults: 90, 30 and 7 days before expiry; renewal not filed 60 days before;
/// renewal pending for more than 180 days; providers reminded 180, 90 and 30 days before
/// their filing deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertSettings {
    pub expiry_days: Vec<u32>,
    pub renewal_days: u32,
    pub pending_days: u32,
    pub provider_days: Vec<u32>,
}

impl Default for AlertSettings {
    fn default() -> Self {
        AlertSettings {
            expiry_days: vec![90, 30, 7],
            renewal_days: 60,
            pending_days: 180,
            provider_days: vec![180, 90, 30],
        }
    }
}

/// The tightest of `thresholds` that `days_left` has reached: a watch created 5 days before
/// expiry gets "7 days", not "90".
fn threshold(thresholds: &[u32], days_left: i64) -> Option<u32> {
    thresholds
        .iter()
        .copied()
        .filter(|d| (0..=i64::from(*d)).contains(&days_left))
        .min()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AlertKind {
    ExpiresWithin {
        days: u32,
        expires_on: NaiveDate,
    },
    ExpiresBeforeContractEnd {
        expires_on: NaiveDate,
        contract_end: NaiveDate,
    },
    RenewalFiled {
        on: NaiveDate,
    },
    RenewalNotFiled {
        expires_on: NaiveDate,
        days_left: i64,
    },
    Expired {
        expires_on: NaiveDate,
    },
    ScopeChanged {
        added: Vec<String>,
        removed: Vec<String>,
    },
    RegionsChanged {
        added: Vec<String>,
        removed: Vec<String>,
    },
    Revoked {
        on: NaiveDate,
    },
    Delisted,
    /// Items newly listed as outside the statement scope.
    FeatureExcluded {
        features: Vec<String>,
    },
    /// A control the watch relies on is now stated 一部実施 or 非該当.
    ControlWeakened {
        control: String,
        from: Option<StatementStatus>,
        to: StatementStatus,
    },
    /// In force on a renewal filed in time, but undecided for longer than the setting.
    RenewalPendingLong {
        expires_on: NaiveDate,
        days: i64,
    },
    /// For the provider: the renewal must be filed by the expiry, and nothing is filed yet.
    RenewalDeadline {
        days: u32,
        expires_on: NaiveDate,
        next_audit_start: NaiveDate,
        next_audit_latest_end: NaiveDate,
    },
    /// A procurement case's decision rests on facts that changed (判断の前提が変わりました):
    /// a new snapshot was taken, and these resolutions are touched.
    CasePremiseChanged {
        case: i32,
        name: String,
        snapshot: i32,
        changes: Vec<PremiseChange>,
        affected: Vec<u32>,
    },
    /// A row of a case's evidence register is past its next due date.
    EvidenceOverdue {
        case: i32,
        name: String,
        duty: String,
        due: NaiveDate,
    },
}

impl AlertKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            AlertKind::ExpiresWithin { .. } => "expires_within",
            AlertKind::ExpiresBeforeContractEnd { .. } => "expires_before_contract_end",
            AlertKind::RenewalFiled { .. } => "renewal_filed",
            AlertKind::RenewalNotFiled { .. } => "renewal_not_filed",
            AlertKind::Expired { .. } => "expired",
            AlertKind::ScopeChanged { .. } => "scope_changed",
            AlertKind::RegionsChanged { .. } => "regions_changed",
            AlertKind::Revoked { .. } => "revoked",
            AlertKind::Delisted => "delisted",
            AlertKind::FeatureExcluded { .. } => "feature_excluded",
            AlertKind::ControlWeakened { .. } => "control_weakened",
            AlertKind::RenewalPendingLong { .. } => "renewal_pending_long",
            AlertKind::RenewalDeadline { .. } => "renewal_deadline",
            AlertKind::CasePremiseChanged { .. } => "case_premise_changed",
            AlertKind::EvidenceOverdue { .. } => "evidence_overdue",
        }
    }

    /// Identifies the alert among those of one watch: the same key is never raised twice.
    pub fn key(&self) -> String {
        let list = |a: &[String], r: &[String]| format!("+{}-{}", a.join("|"), r.join("|"));
        let detail = match self {
            AlertKind::ExpiresWithin { days, expires_on } => format!("{days}:{expires_on}"),
            AlertKind::ExpiresBeforeContractEnd {
                expires_on,
                contract_end,
            } => format!("{expires_on}:{contract_end}"),
            AlertKind::RenewalFiled { on } | AlertKind::Revoked { on } => on.to_string(),
            AlertKind::RenewalNotFiled { expires_on, .. } | AlertKind::Expired { expires_on } => {
                expires_on.to_string()
            }
            AlertKind::ScopeChanged { added, removed }
            | AlertKind::RegionsChanged { added, removed } => list(added, removed),
            AlertKind::Delisted => String::new(),
            AlertKind::FeatureExcluded { features } => features.join("|"),
            AlertKind::ControlWeakened { control, to, .. } => format!("{control}:{}", to.as_str()),
            AlertKind::RenewalPendingLong { expires_on, .. } => expires_on.to_string(),
            AlertKind::RenewalDeadline {
                days, expires_on, ..
            } => format!("{days}:{expires_on}"),
            AlertKind::CasePremiseChanged { case, snapshot, .. } => format!("{case}:{snapshot}"),
            AlertKind::EvidenceOverdue {
                case, duty, due, ..
            } => format!("{case}:{duty}:{due}"),
        };
        format!("{}:{detail}", self.as_str())
    }

    pub fn message(&self, no: &RegistrationNumber, lang: Lang) -> String {
        let ja = lang == Lang::Ja;
        let list = |items: &[String]| items.join(lang.pick("、", ", "));
        match self {
            AlertKind::ExpiresWithin { days, expires_on } => {
                if ja {
                    format!("{no} の登録は {expires_on} に有効期限を迎えます（{days}日以内）")
                } else {
                    format!("{no} expires on {expires_on} (within {days} days)")
                }
            }
            AlertKind::ExpiresBeforeContractEnd {
                expires_on,
                contract_end,
            } => {
                if ja {
                    format!(
                        "{no} の有効期限 {expires_on} が契約期間の終了 {contract_end} より前です。更新されない場合の取扱いを契約で定めてください"
                    )
                } else {
                    format!(
                        "{no} expires on {expires_on}, before the contract ends on {contract_end}: provide for non-renewal in the contract"
                    )
                }
            }
            AlertKind::RenewalFiled { on } => {
                if ja {
                    format!("{no} の更新が {on} に申請されました")
                } else {
                    format!("{no}: renewal filed on {on}")
                }
            }
            AlertKind::RenewalNotFiled {
                expires_on,
                days_left,
            } => {
                if ja {
                    format!(
                        "{no} の有効期限 {expires_on} まで残り{days_left}日ですが、ISMAPクラウドサービスリストに更新申請の記載がありません"
                    )
                } else {
                    format!(
                        "{no} expires on {expires_on} ({days_left} days left) and no renewal has been filed"
                    )
                }
            }
            AlertKind::Expired { expires_on } => {
                if ja {
                    format!(
                        "{no} の登録は {expires_on} の経過により有効期限切れ（失効）となりました"
                    )
                } else {
                    format!("{no} expired on {expires_on}")
                }
            }
            AlertKind::ScopeChanged { added, removed } => {
                if ja {
                    format!(
                        "{no} の言明対象範囲が変わりました（追加: {}／削除: {}）",
                        list(added),
                        list(removed)
                    )
                } else {
                    format!(
                        "{no}: statement scope changed (added: {}; removed: {})",
                        list(added),
                        list(removed)
                    )
                }
            }
            AlertKind::RegionsChanged { added, removed } => {
                if ja {
                    format!(
                        "{no} のリージョンが変わりました（追加: {}／削除: {}）",
                        list(added),
                        list(removed)
                    )
                } else {
                    format!(
                        "{no}: regions changed (added: {}; removed: {})",
                        list(added),
                        list(removed)
                    )
                }
            }
            AlertKind::Revoked { on } => {
                if ja {
                    format!("{no} の登録は {on} に取り消されました")
                } else {
                    format!("{no} was revoked on {on}")
                }
            }
            AlertKind::Delisted => {
                if ja {
                    format!(
                        "{no} が ISMAPクラウドサービスリストに掲載されなくなりました（掲載終了）。利用の継続について確認してください"
                    )
                } else {
                    format!("{no} is no longer on the list")
                }
            }
            AlertKind::FeatureExcluded { features } => {
                if ja {
                    format!(
                        "{no} の言明対象範囲に含まないものに、次の項目が追加されました: {}。利用している機能であれば、調達時の判断を見直してください",
                        list(features)
                    )
                } else {
                    format!(
                        "{no}: newly excluded from the statement scope: {}; if you use it, revisit the decision",
                        list(features)
                    )
                }
            }
            AlertKind::ControlWeakened { control, from, to } => {
                let before =
                    from.map_or(lang.pick("記載なし", "not stated"), |s| s.label(lang));
                if ja {
                    format!(
                        "{no} の管理策 {control} が「{before}」から「{}」に変わりました。代替策・追加策を確認してください",
                        to.label(lang)
                    )
                } else {
                    format!(
                        "{no}: control {control} changed from {before} to {}; check alternative or additional measures",
                        to.label(lang)
                    )
                }
            }
            AlertKind::RenewalPendingLong { expires_on, days } => {
                if ja {
                    format!(
                        "{no} は有効期限 {expires_on} から{days}日間、更新審査中（運営委員会の決定まで有効）のままです。ISMAPポータルで決定状況を確認してください"
                    )
                } else {
                    format!(
                        "{no} has been renewal pending for {days} days since it expired on {expires_on} (in force until the Steering Committee decides): check the decision"
                    )
                }
            }
            AlertKind::RenewalDeadline {
                days,
                expires_on,
                next_audit_start,
                next_audit_latest_end,
            } => {
                if ja {
                    format!(
                        "{no} の更新申請の期限（有効期限）{expires_on} まで{days}日を切りました。更新申請はまだありません。更新のための監査対象期間は {next_audit_start} から最長12か月（{next_audit_latest_end} まで）です。監査機関の報告書（合意された手続の実施結果）を受領したうえで、有効期限までに更新を申請してください"
                    )
                } else {
                    format!(
                        "{no}: {days} days or less until the renewal filing deadline (the expiry) {expires_on}, and no renewal is filed. The audit period for the renewal starts on {next_audit_start} and lasts at most 12 months (to {next_audit_latest_end}); file the renewal with the audit body's report (agreed-upon procedures) by the expiry"
                    )
                }
            }
            AlertKind::CasePremiseChanged {
                case,
                name,
                snapshot,
                changes,
                affected,
            } => {
                let what = changes
                    .iter()
                    .map(|c| c.text(lang))
                    .collect::<Vec<_>>()
                    .join(lang.pick("／", "; "));
                let touched = affected
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(", ");
                match (ja, affected.is_empty()) {
                    (true, true) => format!(
                        "調達案件「{name}」（案件 {case}）: 判断の前提が変わりました。判断後の再確認（ISMAPクラウドサービスリストの変更又は日付の経過による判定の変化）で、選定した {no} について {what}。再確認の結果を第{snapshot}回の確認として記録しました。比較と対応記録を確認し、判断を再開してください（判断を維持する場合も、再開して理由を記録し、改めて承認を受けてください）"
                    ),
                    (true, false) => format!(
                        "調達案件「{name}」（案件 {case}）: 判断の前提が変わりました。判断後の再確認（ISMAPクラウドサービスリストの変更又は日付の経過による判定の変化）で、選定した {no} について {what}。影響を受ける対応記録: 項目 {touched}（前回の確認の番号）。再確認の結果を第{snapshot}回の確認として記録しました。比較と対応記録を確認し、判断を再開してください（判断を維持する場合も、再開して理由を記録し、改めて承認を受けてください）"
                    ),
                    (false, true) => format!(
                        "Case \"{name}\" ({case}): the premises of the decision changed. A re-check after the decision (a list change or the date passing) found for the chosen {no}: {what}. The re-check is recorded as snapshot {snapshot}. Review the comparison and the resolutions, then reopen the decision (to keep it, reopen it, record the reason and have it approved again)"
                    ),
                    (false, false) => format!(
                        "Case \"{name}\" ({case}): the premises of the decision changed. A re-check after the decision (a list change or the date passing) found for the chosen {no}: {what}. Resolutions touched: entries {touched} (numbers of the earlier snapshot). The re-check is recorded as snapshot {snapshot}. Review the comparison and the resolutions, then reopen the decision (to keep it, reopen it, record the reason and have it approved again)"
                    ),
                }
            }
            AlertKind::EvidenceOverdue {
                case,
                name,
                duty,
                due,
            } => {
                let duty = crate::case::evidence::duty_text(duty, lang);
                if ja {
                    format!(
                        "調達案件「{name}」（案件 {case}）: 責任分界の「{duty}」の確認期限 {due} を過ぎています（{no}）。実施状況と証跡を確認し、最終確認日と次回期限を更新してください"
                    )
                } else {
                    format!(
                        "Case \"{name}\" ({case}): the customer duty \"{duty}\" was due for confirmation on {due} ({no}). Confirm it and its evidence, then record the confirmation and the next due date"
                    )
                }
            }
        }
    }
}

/// The reminder due on `today` for the provider of `registration`: the renewal is filed by
/// the expiry (docs/domain.md, "Lifecycle"), on an audit period of at most 12 months that
/// starts the day after the last one ended ("Audit periods"), so the provider is told 180, 90
/// and 30 days ahead while nothing is filed. Callers drop the ones whose key was already raised.
pub fn provider_reminder(
    registration: &Registration,
    today: NaiveDate,
    rule: ExpiryRule,
    settings: &AlertSettings,
) -> Option<AlertKind> {
    if registration.renewal_filed_on.is_some()
        || registration.status_on(today, rule) != ListingStatus::Valid
    {
        return None;
    }
    let expires_on = registration.expires_on(rule);
    let days = threshold(&settings.provider_days, (expires_on - today).num_days())?;
    let next_audit_start = registration.audit_period.next_start()?;
    Some(AlertKind::RenewalDeadline {
        days,
        expires_on,
        next_audit_start,
        next_audit_latest_end: period_end(next_audit_start, MAX_AUDIT_MONTHS, ExpiryRule::Civil)?,
    })
}

/// The alerts due on `today` for `watch`, given the registration as last seen by the watch
/// (`seen`) and as it is now (`current`, `None` when it is not on the list). Callers drop
/// the ones whose key was already raised.
pub fn evaluate(
    watch: &Watch,
    seen: Option<&Registration>,
    current: Option<&Registration>,
    catalog: &Catalog,
    today: NaiveDate,
    rule: ExpiryRule,
    settings: &AlertSettings,
) -> Vec<AlertKind> {
    let mut alerts = Vec::new();
    let Some(now) = current else {
        alerts.push(AlertKind::Delisted);
        return alerts;
    };
    if let Some(before) = seen {
        for change in registration_changes(before, now, rule) {
            match change {
                FieldChange::Scope { added, removed } => {
                    alerts.push(AlertKind::ScopeChanged { added, removed })
                }
                FieldChange::Regions { added, removed } => {
                    alerts.push(AlertKind::RegionsChanged { added, removed })
                }
                FieldChange::ScopeExcluded { added, .. } if !added.is_empty() => {
                    alerts.push(AlertKind::FeatureExcluded { features: added })
                }
                FieldChange::RenewalFiled { on: Some(on) } => {
                    alerts.push(AlertKind::RenewalFiled { on })
                }
                _ => {}
            }
        }
        for &key in &watch.controls {
            let (from, to) = (
                before.statement(key).map(|s| s.status),
                now.statement(key).map(|s| s.status),
            );
            if let Some(to) = to.filter(|t| *t != StatementStatus::Implemented && from != Some(*t))
            {
                alerts.push(AlertKind::ControlWeakened {
                    control: catalog.get(key).id.to_string(),
                    from,
                    to,
                });
            }
        }
    } else if let Some(on) = now.renewal_filed_on {
        alerts.push(AlertKind::RenewalFiled { on });
    }
    let expires_on = now.expires_on(rule);
    match now.status_on(today, rule) {
        ListingStatus::Revoked => {
            if let Some(on) = now.revoked_on {
                alerts.push(AlertKind::Revoked { on });
            }
            return alerts;
        }
        ListingStatus::Expired => {
            alerts.push(AlertKind::Expired { expires_on });
            return alerts;
        }
        ListingStatus::RenewalPending => {
            let days = (today - expires_on).num_days();
            if days > i64::from(settings.pending_days) {
                alerts.push(AlertKind::RenewalPendingLong { expires_on, days });
            }
        }
        _ => {}
    }
    // Also when it lapses before the contract even starts.
    if expires_on < watch.contract_end {
        alerts.push(AlertKind::ExpiresBeforeContractEnd {
            expires_on,
            contract_end: watch.contract_end,
        });
    }
    let days_left = (expires_on - today).num_days();
    if let Some(days) = threshold(&settings.expiry_days, days_left) {
        alerts.push(AlertKind::ExpiresWithin { days, expires_on });
    }
    if now.renewal_filed_on.is_none() && (0..=i64::from(settings.renewal_days)).contains(&days_left)
    {
        alerts.push(AlertKind::RenewalNotFiled {
            expires_on,
            days_left,
        });
    }
    alerts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::criteria::tests::small_catalog;
    use crate::ids::CountryCode;
    use crate::registration::Region;
    use crate::registration::tests::{d, registration};

    fn watch(end: &str) -> Watch {
        Watch {
            registration_no: RegistrationNumber::parse("C24-0001-1").expect("valid"),
            contract_start: d("2024-07-01"),
            contract_end: d(end),
            controls: Vec::new(),
        }
    }

    fn kinds(alerts: &[AlertKind]) -> Vec<String> {
        alerts.iter().map(AlertKind::key).collect()
    }

    /// The fixture expires on 2025-07-31 (Civil).
    #[test]
    fn alerts_by_date() {
        let r = registration("C24-0001-1");
        let mut filed = r.clone();
        filed.renewal_filed_on = Some(d("2025-06-01"));
        let mut revoked = r.clone();
        revoked.revoked_on = Some(d("2025-01-10"));
        let settings = AlertSettings::default();
        let cases: Vec<(&str, &str, &Registration, Vec<&str>)> = vec![
            ("2025-03-01", "2025-06-30", &r, vec![]),
            (
                "2025-03-01",
                "2026-03-31",
                &r,
                vec!["expires_before_contract_end:2025-07-31:2026-03-31"],
            ),
            // 91 days before: nothing yet; 90: the first threshold.
            ("2025-05-01", "2025-06-30", &r, vec![]),
            (
                "2025-05-02",
                "2025-06-30",
                &r,
                vec!["expires_within:90:2025-07-31"],
            ),
            (
                "2025-06-01",
                "2025-06-30",
                &r,
                vec![
                    "expires_within:90:2025-07-31",
                    "renewal_not_filed:2025-07-31",
                ],
            ),
            (
                "2025-07-25",
                "2025-06-30",
                &r,
                vec![
                    "expires_within:7:2025-07-31",
                    "renewal_not_filed:2025-07-31",
                ],
            ),
            (
                "2025-07-25",
                "2025-06-30",
                &filed,
                vec!["renewal_filed:2025-06-01", "expires_within:7:2025-07-31"],
            ),
            ("2025-08-01", "2025-06-30", &r, vec!["expired:2025-07-31"]),
            // Renewal filed in time: pending, not expired.
            (
                "2025-08-01",
                "2025-06-30",
                &filed,
                vec!["renewal_filed:2025-06-01"],
            ),
            (
                "2025-02-01",
                "2025-06-30",
                &revoked,
                vec!["revoked:2025-01-10"],
            ),
        ];
        for (today, end, current, expected) in cases {
            let got = evaluate(
                &watch(end),
                None,
                Some(current),
                &small_catalog(),
                d(today),
                ExpiryRule::Civil,
                &settings,
            );
            assert_eq!(kinds(&got), expected, "{today} contract end {end}");
        }
    }

    #[test]
    fn a_registration_that_lapses_before_the_contract_starts_is_flagged() {
        let mut w = watch("2026-03-31");
        w.contract_start = d("2025-09-01"); // after the expiry 2025-07-31
        let got = evaluate(
            &w,
            None,
            Some(&registration("C24-0001-1")),
            &small_catalog(),
            d("2025-03-01"),
            ExpiryRule::Civil,
            &AlertSettings::default(),
        );
        assert_eq!(
            kinds(&got),
            ["expires_before_contract_end:2025-07-31:2026-03-31"]
        );
    }

    #[test]
    fn a_renewal_pending_too_long_is_flagged() {
        let mut filed = registration("C24-0001-1");
        filed.renewal_filed_on = Some(d("2025-06-01"));
        // expired 2025-07-31: 180 days later is 2026-01-27
        let cases = [
            ("2026-01-27", vec![]),
            ("2026-01-28", vec!["renewal_pending_long:2025-07-31"]),
        ];
        for (today, expected) in cases {
            let got = evaluate(
                &watch("2025-06-30"),
                Some(&filed),
                Some(&filed),
                &small_catalog(),
                d(today),
                ExpiryRule::Civil,
                &AlertSettings::default(),
            );
            assert_eq!(kinds(&got), expected, "{today}");
        }
    }

    #[test]
    fn providers_are_reminded_of_their_filing_deadline() {
        let r = registration("C24-0001-1"); // audit 2023-04-01..2024-03-31, expires 2025-07-31
        let mut filed = r.clone();
        filed.renewal_filed_on = Some(d("2025-01-01"));
        let settings = AlertSettings::default();
        let cases = [
            ("2025-01-31", &r, None), // 181 days before
            ("2025-02-01", &r, Some("renewal_deadline:180:2025-07-31")),
            ("2025-05-01", &r, Some("renewal_deadline:180:2025-07-31")),
            ("2025-05-02", &r, Some("renewal_deadline:90:2025-07-31")),
            ("2025-07-01", &r, Some("renewal_deadline:30:2025-07-31")),
            ("2025-07-31", &r, Some("renewal_deadline:30:2025-07-31")),
            ("2025-08-01", &r, None), // expired: nothing left to remind
            ("2025-05-02", &filed, None),
        ];
        for (today, registration, expected) in cases {
            let got = provider_reminder(registration, d(today), ExpiryRule::Civil, &settings);
            assert_eq!(
                got.as_ref().map(AlertKind::key).as_deref(),
                expected,
                "{today}"
            );
        }
        let reminder =
            provider_reminder(&r, d("2025-02-01"), ExpiryRule::Civil, &settings).expect("due");
        assert_eq!(
            reminder,
            AlertKind::RenewalDeadline {
                days: 180,
                expires_on: d("2025-07-31"),
                next_audit_start: d("2024-04-01"),
                next_audit_latest_end: d("2025-03-31"),
            }
        );
        assert!(reminder.message(&r.registration_no, Lang::Ja).contains(
            "更新のための監査対象期間は 2024-04-01 から最長12か月（2025-03-31 まで）です"
        ),);
    }

    #[test]
    fn changes_since_last_seen() {
        let catalog = small_catalog();
        let key = |id: &str| {
            catalog
                .key(&crate::ids::ControlId::parse(id).expect("valid"))
                .expect("in catalog")
        };
        let statement = |id: &str, status| crate::registration::ControlStatement {
            key: key(id),
            status,
            reason: Some("理由".into()),
            inherited_from: None,
        };
        let mut before = registration("C24-0001-1");
        before
            .set_controls(vec![
                statement("9.2.3.1", StatementStatus::Implemented),
                statement("9.2.3.2.B", StatementStatus::Partial),
            ])
            .expect("unique");
        let mut after = before.clone();
        after.regions.push(Region {
            name: "Osaka".into(),
            country: CountryCode::parse("JP").expect("valid"),
            selectable: false,
        });
        after
            .scope
            .excluded
            .push(crate::registration::ScopeItem::new("AI"));
        // 9.2.3.1 weakens, 9.2.3.2.B stays partial, 9.2.3.3.P is not watched
        after
            .set_controls(vec![
                statement("9.2.3.1", StatementStatus::NotApplicable),
                statement("9.2.3.2.B", StatementStatus::Partial),
                statement("9.2.3.3.P", StatementStatus::Partial),
            ])
            .expect("unique");
        let mut w = watch("2025-06-30");
        w.controls = vec![key("9.2.3.1"), key("9.2.3.2.B")];
        let got = evaluate(
            &w,
            Some(&before),
            Some(&after),
            &catalog,
            d("2025-01-01"),
            ExpiryRule::Civil,
            &AlertSettings::default(),
        );
        assert_eq!(
            got,
            vec![
                AlertKind::FeatureExcluded {
                    features: vec!["AI".into()]
                },
                AlertKind::RegionsChanged {
                    added: vec!["Osaka (JP)".into()],
                    removed: vec![]
                },
                AlertKind::ControlWeakened {
                    control: "9.2.3.1".into(),
                    from: Some(StatementStatus::Implemented),
                    to: StatementStatus::NotApplicable,
                },
            ]
        );
        assert_eq!(
            got[2].message(&before.registration_no, Lang::Ja),
            "C24-0001-1 の管理策 9.2.3.1 が「実施」から「非該当」に変わりました。代替策・追加策を確認してください"
        );
        let gone = evaluate(
            &watch("2025-06-30"),
            Some(&before),
            None,
            &catalog,
            d("2025-01-01"),
            ExpiryRule::Civil,
            &AlertSettings::default(),
        );
        assert_eq!(kinds(&gone), ["delisted:"]);
        assert_eq!(
            gone[0].message(&before.registration_no, Lang::Ja),
            "C24-0001-1 が ISMAPクラウドサービスリストに掲載されなくなりました（掲載終了）。利用の継続について確認してください"
        );
    }
}
