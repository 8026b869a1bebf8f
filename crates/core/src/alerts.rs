//! Alerts for a procurer's watch on a registration it uses under a contract: expiry coming,
//! expiry before the contract ends, renewal filed or not, scope or region changes,
//! revocation, removal from the list. Each alert has a key so that it is raised once.

use crate::history::{FieldChange, registration_changes};
use crate::ids::RegistrationNumber;
use crate::lang::Lang;
use crate::registration::{ListingStatus, Registration};
use crate::validity::ExpiryRule;
use chrono::NaiveDate;
use serde::Serialize;

/// A registration used under a contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watch {
    pub registration_no: RegistrationNumber,
    pub contract_start: NaiveDate,
    pub contract_end: NaiveDate,
}

/// When to warn. Defaults: 90, 30 and 7 days before expiry; renewal not filed 60 days before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertSettings {
    pub expiry_days: Vec<u32>,
    pub renewal_days: u32,
}

impl Default for AlertSettings {
    fn default() -> Self {
        AlertSettings {
            expiry_days: vec![90, 30, 7],
            renewal_days: 60,
        }
    }
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
                        "{no} は有効期限 {expires_on}（残り{days_left}日）が近いのに更新が申請されていません"
                    )
                } else {
                    format!(
                        "{no} expires on {expires_on} ({days_left} days left) and no renewal has been filed"
                    )
                }
            }
            AlertKind::Expired { expires_on } => {
                if ja {
                    format!("{no} の登録は {expires_on} に有効期限が切れました")
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
                    format!("{no} はリストに掲載されていません")
                } else {
                    format!("{no} is no longer on the list")
                }
            }
        }
    }
}

/// The alerts due on `today` for `watch`, given the registration as last seen by the watch
/// (`seen`) and as it is now (`current`, `None` when it is not on the list). Callers drop
/// the ones whose key was already raised.
pub fn evaluate(
    watch: &Watch,
    seen: Option<&Registration>,
    current: Option<&Registration>,
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
                FieldChange::RenewalFiled { on: Some(on) } => {
                    alerts.push(AlertKind::RenewalFiled { on })
                }
                _ => {}
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
        _ => {}
    }
    if expires_on < watch.contract_end && watch.contract_start <= expires_on {
        alerts.push(AlertKind::ExpiresBeforeContractEnd {
            expires_on,
            contract_end: watch.contract_end,
        });
    }
    let days_left = (expires_on - today).num_days();
    // Only the tightest threshold reached: a watch created 5 days before expiry gets "7 days".
    if let Some(days) = settings
        .expiry_days
        .iter()
        .copied()
        .filter(|d| (0..=i64::from(*d)).contains(&days_left))
        .min()
    {
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
    use crate::ids::CountryCode;
    use crate::registration::Region;
    use crate::registration::tests::{d, registration};

    fn watch(end: &str) -> Watch {
        Watch {
            registration_no: RegistrationNumber::parse("C24-0001-1").expect("valid"),
            contract_start: d("2024-07-01"),
            contract_end: d(end),
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
                d(today),
                ExpiryRule::Civil,
                &settings,
            );
            assert_eq!(kinds(&got), expected, "{today} contract end {end}");
        }
    }

    #[test]
    fn changes_since_last_seen() {
        let before = registration("C24-0001-1");
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
        let got = evaluate(
            &watch("2025-06-30"),
            Some(&before),
            Some(&after),
            d("2025-01-01"),
            ExpiryRule::Civil,
            &AlertSettings::default(),
        );
        assert_eq!(
            got,
            vec![AlertKind::RegionsChanged {
                added: vec!["Osaka (JP)".into()],
                removed: vec![]
            }]
        );
        let gone = evaluate(
            &watch("2025-06-30"),
            Some(&before),
            None,
            d("2025-01-01"),
            ExpiryRule::Civil,
            &AlertSettings::default(),
        );
        assert_eq!(kinds(&gone), ["delisted:"]);
        assert_eq!(
            gone[0].message(&before.registration_no, Lang::Ja),
            "C24-0001-1 はリストに掲載されていません"
        );
    }
}
