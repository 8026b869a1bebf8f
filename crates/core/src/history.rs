//! What changed on the list between two states: entries added and removed, and for entries
//! on both, the changes a buyer acts on (scope, regions, expiry, renewal, revocation,
//! controls). Used for the list diff between two dates, the public feed and the alerts.

use crate::ids::RegistrationNumber;
use crate::lang::Lang;
use crate::registration::{Region, Registration, ScopeItem};
use crate::registry::Registry;
use crate::validity::ExpiryRule;
use chrono::NaiveDate;
use serde::Serialize;

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "field", rename_all = "snake_case")]
pub enum FieldChange {
    ServiceName {
        from: String,
        to: String,
    },
    Scope {
        added: Vec<String>,
        removed: Vec<String>,
    },
    ScopeExcluded {
        added: Vec<String>,
        removed: Vec<String>,
    },
    Regions {
        added: Vec<String>,
        removed: Vec<String>,
    },
    Expiry {
        from: NaiveDate,
        to: NaiveDate,
    },
    RenewalFiled {
        on: Option<NaiveDate>,
    },
    Revoked {
        on: Option<NaiveDate>,
    },
    /// Control statements changed (count of controls whose statement differs).
    Controls {
        changed: usize,
    },
}

impl FieldChange {
    pub fn describe(&self, lang: Lang) -> String {
        let list = |items: &[String]| items.join(lang.pick("、", ", "));
        let added_removed = |what: &str, added: &[String], removed: &[String]| {
            let mut parts = Vec::new();
            if !added.is_empty() {
                parts.push(format!("+{}", list(added)));
            }
            if !removed.is_empty() {
                parts.push(format!("−{}", list(removed)));
            }
            format!("{what}: {}", parts.join(" "))
        };
        match self {
            FieldChange::ServiceName { from, to } => {
                format!("{}: {from} → {to}", lang.pick("サービス名", "service name"))
            }
            FieldChange::Scope { added, removed } => {
                added_removed(lang.pick("言明対象範囲に含むもの", "scope"), added, removed)
            }
            FieldChange::ScopeExcluded { added, removed } => added_removed(
                lang.pick("言明対象範囲に含まないもの", "excluded from scope"),
                added,
                removed,
            ),
            FieldChange::Regions { added, removed } => {
                added_removed(lang.pick("リージョン", "regions"), added, removed)
            }
            FieldChange::Expiry { from, to } => {
                format!("{}: {from} → {to}", lang.pick("有効期限", "expiry"))
            }
            FieldChange::RenewalFiled { on: Some(on) } => {
                format!("{}: {on}", lang.pick("更新申請", "renewal filed"))
            }
            FieldChange::RenewalFiled { on: None } => lang
                .pick("更新申請の取下げ・決定", "renewal decided")
                .to_owned(),
            FieldChange::Revoked { on: Some(on) } => {
                format!("{}: {on}", lang.pick("登録取消", "revoked"))
            }
            FieldChange::Revoked { on: None } => {
                lang.pick("登録取消の解除", "revocation lifted").to_owned()
            }
            FieldChange::Controls { changed } => {
                format!(
                    "{}: {changed}{}",
                    lang.pick("管理策の言明の変更", "control statements changed"),
                    lang.pick("件", "")
                )
            }
        }
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum EntryChange {
    Added {
        registration_no: RegistrationNumber,
        service_name: String,
    },
    Removed {
        registration_no: RegistrationNumber,
        service_name: String,
    },
    Changed {
        registration_no: RegistrationNumber,
        service_name: String,
        fields: Vec<FieldChange>,
    },
}

impl EntryChange {
    pub fn registration_no(&self) -> &RegistrationNumber {
        match self {
            EntryChange::Added {
                registration_no, ..
            }
            | EntryChange::Removed {
                registration_no, ..
            }
            | EntryChange::Changed {
                registration_no, ..
            } => registration_no,
        }
    }

    pub fn service_name(&self) -> &str {
        match self {
            EntryChange::Added { service_name, .. }
            | EntryChange::Removed { service_name, .. }
            | EntryChange::Changed { service_name, .. } => service_name,
        }
    }

    /// One line: what happened to which entry.
    pub fn describe(&self, lang: Lang) -> String {
        match self {
            EntryChange::Added { .. } => lang.pick("掲載", "added").to_owned(),
            EntryChange::Removed { .. } => lang.pick("掲載終了", "removed").to_owned(),
            EntryChange::Changed { fields, .. } => fields
                .iter()
                .map(|f| f.describe(lang))
                .collect::<Vec<_>>()
                .join(lang.pick("／", "; ")),
        }
    }
}

/// Items of `after` not in `before`, and of `before` not in `after`, compared by key; none
/// when the two hold the same items.
fn added_removed<T, K: PartialEq>(
    before: &[T],
    after: &[T],
    key: impl Fn(&T) -> K,
    show: impl Fn(&T) -> String,
) -> Option<(Vec<String>, Vec<String>)> {
    let missing_from = |from: &[T], other: &[T]| {
        from.iter()
            .filter(|x| !other.iter().any(|y| key(y) == key(x)))
            .map(&show)
            .collect::<Vec<_>>()
    };
    let (added, removed) = (missing_from(after, before), missing_from(before, after));
    (!added.is_empty() || !removed.is_empty()).then_some((added, removed))
}

fn region_text(r: &Region) -> String {
    format!("{} ({})", r.name, r.country)
}

/// The changes a buyer acts on between two versions of one registration.
pub fn registration_changes(
    before: &Registration,
    after: &Registration,
    rule: ExpiryRule,
) -> Vec<FieldChange> {
    let mut fields = Vec::new();
    if before.service_name != after.service_name {
        fields.push(FieldChange::ServiceName {
            from: before.service_name.clone(),
            to: after.service_name.clone(),
        });
    }
    let scope_key = |s: &ScopeItem| s.key().to_owned();
    let scope_text = |s: &ScopeItem| s.text.clone();
    let (b, a) = (&before.scope, &after.scope);
    if let Some((added, removed)) = added_removed(&b.included, &a.included, scope_key, scope_text) {
        fields.push(FieldChange::Scope { added, removed });
    }
    if let Some((added, removed)) = added_removed(&b.excluded, &a.excluded, scope_key, scope_text) {
        fields.push(FieldChange::ScopeExcluded { added, removed });
    }
    let region_key = |r: &Region| (crate::text::match_key(&r.name), r.country);
    if let Some((added, removed)) =
        added_removed(&before.regions, &after.regions, region_key, region_text)
    {
        fields.push(FieldChange::Regions { added, removed });
    }
    let (from, to) = (before.expires_on(rule), after.expires_on(rule));
    if from != to {
        fields.push(FieldChange::Expiry { from, to });
    }
    if before.renewal_filed_on != after.renewal_filed_on {
        fields.push(FieldChange::RenewalFiled {
            on: after.renewal_filed_on,
        });
    }
    if before.revoked_on != after.revoked_on {
        fields.push(FieldChange::Revoked {
            on: after.revoked_on,
        });
    }
    let changed = controls_changed(before, after);
    if changed > 0 {
        fields.push(FieldChange::Controls { changed });
    }
    fields
}

/// Controls whose statement differs (status, reason, inheritance, or present on one side).
fn controls_changed(before: &Registration, after: &Registration) -> usize {
    let (a, b) = (before.controls(), after.controls());
    let (mut i, mut j, mut changed) = (0, 0, 0);
    while i < a.len() || j < b.len() {
        match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if x.key == y.key => {
                changed += usize::from(x != y);
                i += 1;
                j += 1;
            }
            (Some(x), Some(y)) if x.key < y.key => {
                changed += 1;
                i += 1;
            }
            (Some(_), None) => {
                changed += 1;
                i += 1;
            }
            _ => {
                changed += 1;
                j += 1;
            }
        }
    }
    changed
}

/// Every entry added, removed or changed from `before` to `after`, in `after`'s order with
/// removals last.
pub fn diff(before: &Registry, after: &Registry, rule: ExpiryRule) -> Vec<EntryChange> {
    let mut changes = Vec::new();
    for r in after.registrations() {
        match before.get(&r.registration_no) {
            None => changes.push(EntryChange::Added {
                registration_no: r.registration_no.clone(),
                service_name: r.service_name.clone(),
            }),
            Some(old) => {
                let fields = registration_changes(old, r, rule);
                if !fields.is_empty() {
                    changes.push(EntryChange::Changed {
                        registration_no: r.registration_no.clone(),
                        service_name: r.service_name.clone(),
                        fields,
                    });
                }
            }
        }
    }
    for r in before.registrations() {
        if after.get(&r.registration_no).is_none() {
            changes.push(EntryChange::Removed {
                registration_no: r.registration_no.clone(),
                service_name: r.service_name.clone(),
            });
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::CountryCode;
    use crate::registration::tests::{d, registration};
    use crate::validity::AuditPeriod;

    fn region(name: &str, country: &str) -> Region {
        Region {
            name: name.into(),
            country: CountryCode::parse(country).expect("valid"),
            selectable: true,
        }
    }

    #[test]
    fn registration_changes_table() {
        let base = {
            let mut r = registration("C24-0001-1");
            r.scope.included = vec![ScopeItem::new("Compute"), ScopeItem::new("Storage")];
            r.regions = vec![region("東京", "JP")];
            r
        };
        type Edit = fn(&mut Registration);
        let cases: [(Edit, Vec<FieldChange>); 6] = [
            (|_| {}, vec![]),
            // NFKC and case folding: "ＣＯＭＰＵＴＥ" is the same scope item.
            (
                |r| r.scope.included[0] = ScopeItem::new("ＣＯＭＰＵＴＥ"),
                vec![],
            ),
            (
                |r| r.scope.included = vec![ScopeItem::new("Compute"), ScopeItem::new("AI")],
                vec![FieldChange::Scope {
                    added: vec!["AI".into()],
                    removed: vec!["Storage".into()],
                }],
            ),
            (
                |r| {
                    r.regions.push(Region {
                        name: "Singapore".into(),
                        country: CountryCode::parse("SG").expect("valid"),
                        selectable: true,
                    })
                },
                vec![FieldChange::Regions {
                    added: vec!["Singapore (SG)".into()],
                    removed: vec![],
                }],
            ),
            (
                |r| {
                    r.audit_period =
                        AuditPeriod::new(d("2024-04-01"), d("2025-03-31")).expect("valid");
                    r.renewal_filed_on = Some(d("2025-05-01"));
                },
                vec![
                    FieldChange::Expiry {
                        from: d("2025-07-31"),
                        to: d("2026-07-31"),
                    },
                    FieldChange::RenewalFiled {
                        on: Some(d("2025-05-01")),
                    },
                ],
            ),
            (
                |r| r.revoked_on = Some(d("2024-09-01")),
                vec![FieldChange::Revoked {
                    on: Some(d("2024-09-01")),
                }],
            ),
        ];
        for (i, (edit, expected)) in cases.into_iter().enumerate() {
            let mut after = base.clone();
            edit(&mut after);
            assert_eq!(
                registration_changes(&base, &after, ExpiryRule::Civil),
                expected,
                "case {i}"
            );
        }
    }

    #[test]
    fn diff_lists_added_changed_removed() {
        let a = registration("C24-0001-1");
        let b = registration("C24-0002-1");
        let c = registration("C24-0003-1");
        let mut b2 = b.clone();
        b2.service_name = "Renamed".into();
        let before = Registry::new(vec![a.clone(), b]).expect("unique");
        let after = Registry::new(vec![b2, c]).expect("unique");
        let changes = diff(&before, &after, ExpiryRule::Civil);
        let summary: Vec<(String, String)> = changes
            .iter()
            .map(|c| (c.registration_no().to_string(), c.describe(Lang::En)))
            .collect();
        assert_eq!(
            summary,
            [
                (
                    "C24-0002-1".into(),
                    "service name: Service C24-0002-1 → Renamed".into()
                ),
                ("C24-0003-1".into(), "added".into()),
                ("C24-0001-1".into(), "removed".into()),
            ]
        );
        assert!(diff(&after, &after, ExpiryRule::Civil).is_empty());
    }
}
