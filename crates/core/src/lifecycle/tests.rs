use super::*;
use Phase::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
}

fn no() -> RegistrationNumber {
    RegistrationNumber::parse("C24-0001-1").expect("valid")
}

const COMPLETE: Completeness = Completeness {
    missing: Vec::new(),
    unstated: Vec::new(),
    unexplained: Vec::new(),
};

fn pass(start: &str, end: &str) -> Action {
    Action::RecordAudit {
        start: d(start),
        end: d(end),
        result: AuditResult::Pass,
    }
}

/// Registered on 2024-06-01 on the audit 2023-04-01..2024-03-31: expires 2025-07-31 (Civil).
fn registered() -> Lifecycle {
    let steps = [
        Action::Submit,
        pass("2023-04-01", "2024-03-31"),
        Action::StartReview,
        Action::Register {
            on: d("2024-06-01"),
            registration_no: no(),
        },
    ];
    steps.iter().fold(Lifecycle::default(), |s, a| {
        s.apply(a, &COMPLETE, ExpiryRule::Civil).expect("allowed")
    })
}

/// A change application of [`no`] taken through submission, a passed audit, review and
/// then `more`.
fn change_through(more: &[Action]) -> Lifecycle {
    let steps = [
        Action::Submit,
        pass("2024-04-01", "2024-09-30"),
        Action::StartReview,
    ];
    steps
        .iter()
        .chain(more)
        .try_fold(Lifecycle::change_of(no()), |s, a| {
            s.apply(a, &COMPLETE, ExpiryRule::Civil)
        })
        .expect("allowed")
}

#[test]
fn a_change_application_is_approved_never_registered() {
    let reviewed = change_through(&[]);
    assert_eq!(reviewed.phase, UnderReview);
    assert_eq!(
        reviewed.available(),
        [ActionKind::ReturnToProvider, ActionKind::ApproveChange]
    );
    let register = Action::Register {
        on: d("2025-01-01"),
        registration_no: no(),
    };
    assert_eq!(
        reviewed.apply(&register, &COMPLETE, ExpiryRule::Civil),
        Err(Refusal::IsAChange { amends: no() })
    );
    let approved = change_through(&[Action::ApproveChange]);
    assert_eq!(approved.phase, ChangeApproved);
    assert!(!approved.phase.is_published());
    assert_eq!(approved.amends, Some(no()));
    // A failed audit cannot be approved.
    let failed = [
        Action::Submit,
        Action::RecordAudit {
            start: d("2024-04-01"),
            end: d("2024-09-30"),
            result: AuditResult::Fail,
        },
        Action::StartReview,
    ]
    .iter()
    .try_fold(Lifecycle::change_of(no()), |s, a| {
        s.apply(a, &COMPLETE, ExpiryRule::Civil)
    })
    .expect("allowed");
    assert_eq!(
        failed.apply(&Action::ApproveChange, &COMPLETE, ExpiryRule::Civil),
        Err(Refusal::AuditNotPassed)
    );
}

fn in_phase(phase: Phase) -> Lifecycle {
    let base = registered();
    let then =
        |s: &Lifecycle, a: Action| s.apply(&a, &COMPLETE, ExpiryRule::Civil).expect("allowed");
    match phase {
        Draft => Lifecycle::default(),
        Submitted => then(&Lifecycle::default(), Action::Submit),
        Audited => then(&in_phase(Submitted), pass("2023-04-01", "2024-03-31")),
        UnderReview => then(&in_phase(Audited), Action::StartReview),
        Registered => base,
        RenewalFiled => then(
            &base,
            Action::FileRenewal {
                on: d("2025-05-01"),
            },
        ),
        RenewalAudited => then(&in_phase(RenewalFiled), pass("2024-04-01", "2025-03-31")),
        ChangeApproved => change_through(&[Action::ApproveChange]),
        Expired => then(
            &base,
            Action::Expire {
                on: d("2025-08-01"),
            },
        ),
        Revoked => then(
            &base,
            Action::Revoke {
                on: d("2024-09-01"),
                reason: "重大な事故".into(),
            },
        ),
    }
}

/// A valid example of each action for the state built by `in_phase`.
fn example(kind: ActionKind) -> Action {
    match kind {
        ActionKind::Submit => Action::Submit,
        ActionKind::RecordAudit => pass("2024-04-01", "2025-03-31"),
        ActionKind::StartReview => Action::StartReview,
        ActionKind::ReturnToProvider => Action::ReturnToProvider {
            reason: "記載不備".into(),
        },
        ActionKind::Register => Action::Register {
            on: d("2025-06-01"),
            registration_no: no(),
        },
        ActionKind::ApproveChange => Action::ApproveChange,
        ActionKind::FileRenewal => Action::FileRenewal {
            on: d("2025-05-01"),
        },
        ActionKind::Renew => Action::Renew {
            on: d("2025-07-01"),
        },
        ActionKind::DeclineRenewal => Action::DeclineRenewal {
            on: d("2025-07-01"),
            reason: "監査不備".into(),
        },
        ActionKind::Expire => Action::Expire {
            on: d("2025-08-01"),
        },
        ActionKind::Revoke => Action::Revoke {
            on: d("2025-06-01"),
            reason: "重大な事故".into(),
        },
    }
}

#[test]
fn every_phase_and_action() {
    // (from, action, to): every allowed transition; everything else is refused.
    let allowed = [
        (Draft, ActionKind::Submit, Submitted),
        (Submitted, ActionKind::RecordAudit, Audited),
        (Submitted, ActionKind::ReturnToProvider, Draft),
        (Audited, ActionKind::StartReview, UnderReview),
        (Audited, ActionKind::ReturnToProvider, Draft),
        (UnderReview, ActionKind::Register, Registered),
        (UnderReview, ActionKind::ReturnToProvider, Draft),
        (Registered, ActionKind::FileRenewal, RenewalFiled),
        (Registered, ActionKind::Expire, Expired),
        (Registered, ActionKind::Revoke, Revoked),
        (RenewalFiled, ActionKind::RecordAudit, RenewalAudited),
        (RenewalFiled, ActionKind::Revoke, Revoked),
        (RenewalAudited, ActionKind::Renew, Registered),
        (RenewalAudited, ActionKind::DeclineRenewal, Registered),
        (RenewalAudited, ActionKind::Revoke, Revoked),
    ];
    for phase in PHASES {
        let state = in_phase(phase);
        assert_eq!(state.phase, phase);
        for kind in ACTION_KINDS {
            let result = state.apply(&example(kind), &COMPLETE, ExpiryRule::Civil);
            match allowed.iter().find(|(f, k, _)| *f == phase && *k == kind) {
                Some((_, _, to)) => {
                    assert_eq!(result.map(|s| s.phase), Ok(*to), "{phase} {kind:?}");
                    assert!(state.available().contains(&kind));
                }
                // An application that is not a change reaches the phase but cannot be
                // approved as one.
                None if (phase, kind) == (UnderReview, ActionKind::ApproveChange) => {
                    assert_eq!(result, Err(Refusal::NotAChange));
                    assert!(!state.available().contains(&kind));
                }
                None => {
                    assert!(
                        matches!(result, Err(Refusal::WrongPhase { .. })),
                        "{phase} {kind:?} should be refused, got {result:?}"
                    );
                    assert!(!state.available().contains(&kind));
                }
            }
        }
    }
}

#[test]
fn registration_computes_the_expiry() {
    let s = registered();
    assert_eq!(s.registration_no, Some(no()));
    assert_eq!(s.expires_on(ExpiryRule::Civil), Some(d("2025-07-31")));
    assert_eq!(s.pending_audit, None);
}

#[test]
fn renewal_rules() {
    let s = registered();
    let civil = ExpiryRule::Civil;
    // (action on the registered state, expected outcome)
    let cases: Vec<(Action, Result<Phase, Refusal>)> = vec![
        // Filing on the expiry day itself is on time; the day after is late.
        (
            Action::FileRenewal {
                on: d("2025-07-31"),
            },
            Ok(RenewalFiled),
        ),
        (
            Action::FileRenewal {
                on: d("2025-08-01"),
            },
            Err(Refusal::RenewalTooLate {
                on: d("2025-08-01"),
                expired_on: d("2025-07-31"),
            }),
        ),
        (
            Action::FileRenewal {
                on: d("2024-05-31"),
            },
            Err(Refusal::DateBefore {
                on: d("2024-05-31"),
                earliest: d("2024-06-01"),
            }),
        ),
        (
            Action::Expire {
                on: d("2025-07-31"),
            },
            Err(Refusal::NotYetExpired {
                expires_on: d("2025-07-31"),
            }),
        ),
        (
            Action::Expire {
                on: d("2025-08-01"),
            },
            Ok(Expired),
        ),
    ];
    for (action, expected) in cases {
        assert_eq!(
            s.apply(&action, &COMPLETE, civil).map(|n| n.phase),
            expected,
            "{action:?}"
        );
    }

    let filed = s
        .apply(
            &Action::FileRenewal {
                on: d("2025-07-31"),
            },
            &COMPLETE,
            civil,
        )
        .expect("on time");
    // The renewal audit starts the day after the previous period ended: 2024-04-01.
    let audits = [
        ("2024-04-01", "2025-03-31", Ok(RenewalAudited)),
        (
            "2024-04-02",
            "2025-03-31",
            Err(Refusal::RenewalGap {
                expected_start: d("2024-04-01"),
                start: d("2024-04-02"),
            }),
        ),
        (
            "2024-03-01",
            "2025-02-28",
            Err(Refusal::RenewalGap {
                expected_start: d("2024-04-01"),
                start: d("2024-03-01"),
            }),
        ),
    ];
    for (start, end, expected) in audits {
        assert_eq!(
            filed
                .apply(&pass(start, end), &COMPLETE, civil)
                .map(|n| n.phase),
            expected,
            "{start}"
        );
    }
    // Still in force after the old expiry while the renewal is pending; renewing moves the
    // expiry to 1 year 4 months after the new period.
    let audited = filed
        .apply(&pass("2024-04-01", "2025-03-31"), &COMPLETE, civil)
        .expect("no gap");
    let renewed = audited
        .apply(
            &Action::Renew {
                on: d("2025-08-15"),
            },
            &COMPLETE,
            civil,
        )
        .expect("renewed");
    assert_eq!(renewed.phase, Registered);
    assert_eq!(renewed.expires_on(civil), Some(d("2026-07-31")));
    assert_eq!(renewed.renewal_filed_on, None);
    // Declined after the old expiry: expired; declined before it: registered until expiry.
    let decline = |on: &str| Action::DeclineRenewal {
        on: d(on),
        reason: "更新要件を満たさない".into(),
    };
    let after = audited.apply(&decline("2025-08-15"), &COMPLETE, civil);
    assert_eq!(after.map(|n| n.phase), Ok(Expired));
    let before = audited.apply(&decline("2025-07-31"), &COMPLETE, civil);
    assert_eq!(before.map(|n| n.phase), Ok(Registered));
}

#[test]
fn audit_rules() {
    let submitted = in_phase(Submitted);
    let civil = ExpiryRule::Civil;
    let cases = [
        // 12 months exactly is the longest; 3 months exactly the shortest.
        ("2023-04-01", "2024-03-31", true),
        ("2023-04-01", "2024-04-01", false),
        ("2024-01-01", "2024-03-31", true),
        ("2024-01-01", "2024-03-30", false),
        ("2024-03-31", "2024-03-01", false),
    ];
    for (start, end, ok) in cases {
        let r = submitted.apply(&pass(start, end), &COMPLETE, civil);
        assert_eq!(r.is_ok(), ok, "{start}..{end}: {r:?}");
    }
    let failed = submitted
        .apply(
            &Action::RecordAudit {
                start: d("2023-04-01"),
                end: d("2024-03-31"),
                result: AuditResult::Fail,
            },
            &COMPLETE,
            civil,
        )
        .and_then(|s| s.apply(&Action::StartReview, &COMPLETE, civil))
        .expect("reviewed");
    let register = |on: &str| Action::Register {
        on: d(on),
        registration_no: no(),
    };
    assert_eq!(
        failed.apply(&register("2024-06-01"), &COMPLETE, civil),
        Err(Refusal::AuditNotPassed)
    );
    assert_eq!(
        in_phase(UnderReview).apply(&register("2024-03-31"), &COMPLETE, civil),
        Err(Refusal::RegisteredBeforeAuditEnd {
            on: d("2024-03-31"),
            audit_end: d("2024-03-31")
        })
    );
    // audit end 2024-03-31 gives expiry 2025-07-31: a registration after it would be lapsed
    assert!(
        in_phase(UnderReview)
            .apply(&register("2025-07-31"), &COMPLETE, civil)
            .is_ok()
    );
    assert_eq!(
        in_phase(UnderReview).apply(&register("2025-08-01"), &COMPLETE, civil),
        Err(Refusal::RegisteredAfterExpiry {
            on: d("2025-08-01"),
            expires_on: d("2025-07-31")
        })
    );
}

#[test]
fn a_statement_states_every_mandatory_item_and_explains_every_exclusion() {
    use crate::criteria::tests::small_catalog;
    use crate::ids::ControlId;
    let catalog = small_catalog();
    let key = |id: &str| {
        catalog
            .key(&ControlId::parse(id).expect("valid"))
            .expect("in catalog")
    };
    let statement = |id: &str, status: StatementStatus, reason: Option<&str>| ControlStatement {
        key: key(id),
        status,
        reason: reason.map(str::to_owned),
        inherited_from: None,
    };
    let mandatory: Vec<String> = catalog
        .basic_baseline()
        .into_iter()
        .map(|k| catalog.get(k).id.to_string())
        .collect();
    let every = |status: StatementStatus, reason: Option<&str>| {
        let mut all: Vec<ControlStatement> = mandatory
            .iter()
            .map(|id| statement(id, status, reason))
            .collect();
        all.sort_by_key(|c| c.key);
        all
    };
    let check =
        |controls: &[ControlStatement]| Completeness::default().statement(&catalog, controls);

    let full = check(&every(StatementStatus::Implemented, None));
    assert!(full.is_complete(), "{full:?}");
    let nothing = check(&[]);
    assert_eq!(nothing.unstated, mandatory);
    // 非該当 needs a reason
    let reasonless = check(&every(StatementStatus::NotApplicable, None));
    assert_eq!(reasonless.unexplained, mandatory);
    assert!(check(&every(StatementStatus::NotApplicable, Some("理由"))).is_complete());
    // an objective stated 非該当 exempts its mandatory children
    let objective = "9.2.3";
    let children: Vec<&String> = mandatory
        .iter()
        .filter(|id| id.starts_with("9.2.3."))
        .collect();
    assert!(
        !children.is_empty(),
        "the fixture has mandatory children of {objective}"
    );
    let mut without_children: Vec<ControlStatement> = every(StatementStatus::Implemented, None)
        .into_iter()
        .filter(|c| !children.contains(&&catalog.get(c.key).id.to_string()))
        .collect();
    assert_eq!(check(&without_children).unstated.len(), children.len());
    let at = without_children
        .iter()
        .position(|c| c.key == key(objective))
        .expect("objective stated");
    without_children[at] = statement(objective, StatementStatus::NotApplicable, Some("使わない"));
    assert!(check(&without_children).is_complete());
}

#[test]
fn submission_needs_a_complete_draft_and_reasons_are_required() {
    let missing = Completeness {
        missing: vec!["scope", "regions"],
        unstated: (1..=12).map(|i| format!("5.1.{i}")).collect(),
        unexplained: vec!["9.1.1".into()],
    };
    let refused = Lifecycle::default()
        .apply(&Action::Submit, &missing, ExpiryRule::Civil)
        .expect_err("incomplete");
    assert_eq!(
        refused.message(Lang::Ja),
        "申請書が完成していません。未記入の項目: scope、リージョン。記載のない必須項目（統制目標・基本言明要件）: 5.1.1、5.1.2、5.1.3、5.1.4、5.1.5、5.1.6、5.1.7、5.1.8、5.1.9、5.1.10 ほか2件。理由のない非該当: 9.1.1"
    );
    assert!(
        refused.message(Lang::En).contains("5.1.10 and 2 more"),
        "{refused}"
    );
    let blank = Action::Revoke {
        on: d("2024-09-01"),
        reason: "  ".into(),
    };
    assert_eq!(
        registered().apply(&blank, &COMPLETE, ExpiryRule::Civil),
        Err(Refusal::ReasonRequired)
    );
}

#[test]
fn refusals_explain_themselves_in_both_languages() {
    let r = in_phase(Draft)
        .apply(&Action::StartReview, &COMPLETE, ExpiryRule::Civil)
        .expect_err("refused");
    assert_eq!(
        r.message(Lang::Ja),
        "「審査を開始する」は「申請書作成中」の状態ではできません（できる状態: 監査結果記録済み）"
    );
    assert_eq!(
        r.message(Lang::En),
        "cannot start the review while draft (allowed from: audited)"
    );
    let r = in_phase(Registered)
        .apply(&Action::ApproveChange, &COMPLETE, ExpiryRule::Civil)
        .expect_err("refused");
    assert!(r.message(Lang::Ja).contains("「変更を承認する」"), "{r}");
    for r in [
        Refusal::IsAChange { amends: no() },
        Refusal::NotAChange,
        Refusal::Unchangeable {
            field: "service_name",
        },
        Refusal::ChangeOpen { application: 7 },
        Refusal::NotADraft { phase: Registered },
        Refusal::NotInForce {
            registration_no: no(),
            phase: Revoked,
        },
    ] {
        let (ja, en) = (r.message(Lang::Ja), r.message(Lang::En));
        assert!(!ja.is_empty() && ja != en, "{r:?}");
        assert!(!ja.is_ascii(), "{r:?}: {ja}");
    }
}

#[test]
fn each_action_is_performed_by_the_role_the_program_names() {
    // The provider applies and files for renewal (申請者), the audit body records its audit
    // (監査機関), and the operator records everything else (IPA's review, the Steering
    // Committee's decisions). The store refuses an action to any other role, so this table is
    // the whole permission rule.
    use ActionKind::*;
    let table = [
        (Submit, Role::Provider),
        (FileRenewal, Role::Provider),
        (RecordAudit, Role::Auditor),
        (StartReview, Role::Operator),
        (ReturnToProvider, Role::Operator),
        (Register, Role::Operator),
        (ApproveChange, Role::Operator),
        (Renew, Role::Operator),
        (DeclineRenewal, Role::Operator),
        (Expire, Role::Operator),
        (Revoke, Role::Operator),
    ];
    // A new action must be placed in the table, not fall to a default role.
    assert_eq!(table.len(), ACTION_KINDS.len());
    for (kind, role) in table {
        assert!(ACTION_KINDS.contains(&kind), "{kind:?}");
        assert_eq!(kind.role(), role, "{kind:?}");
    }
}
