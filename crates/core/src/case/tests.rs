use super::*;
use crate::access::Role;

fn actor(name: &str, org: &str, approver: bool) -> Actor {
    Actor {
        role: Role::Procurer,
        organisation: Some(org.into()),
        name: name.into(),
        approver,
    }
}

fn entry(n: u32, service: &str, check: &str, status: Status, code: &str) -> SnapshotEntry {
    SnapshotEntry {
        entry: n,
        registration_no: service.into(),
        check: check.into(),
        status,
        code: code.into(),
        subject: None,
        reason: String::new(),
        action: None,
    }
}

fn latest() -> Vec<SnapshotEntry> {
    vec![
        entry(1, "C99-0001-1", "listing", Status::Pass, "listed"),
        entry(
            2,
            "C99-0001-1",
            "scope",
            Status::Review,
            "feature_not_stated",
        ),
        entry(3, "C99-0001-1", "controls", Status::Fail, "not_applicable"),
        entry(4, "C99-0002-1", "listing", Status::Fail, "expired"),
    ]
}

fn proposal(kind: ResolutionKind, basis: Option<&str>) -> Proposal {
    Proposal {
        kind,
        text: "事業者から書面で確認した".into(),
        document: None,
        legal_basis: basis.map(str::to_owned),
        attachment: None,
    }
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

const DATES: DecisionDates = DecisionDates {
    decided_on: NaiveDate::from_ymd_opt(2026, 12, 2).expect("date"),
    evaluated_on: NaiveDate::from_ymd_opt(2026, 12, 1).expect("date"),
    today: NaiveDate::from_ymd_opt(2026, 12, 3).expect("date"),
};

#[test]
fn a_decision_states_its_reason() {
    assert_eq!(
        decision_reason("価格と東京リージョンの可用性で最も優れる"),
        Ok(())
    );
    assert_eq!(
        decision_reason("  "),
        Err(CaseRefusal::BadText {
            field: "decision_reason",
            max: MAX_CASE_TEXT
        })
    );
    assert_eq!(
        CaseRefusal::BadText {
            field: "decision_reason",
            max: MAX_CASE_TEXT
        }
        .message(Lang::Ja),
        "選定理由は1〜4000文字で入力してください。"
    );
}

#[test]
fn a_decision_is_dated_between_the_check_and_today() {
    let approver = actor("approver", "架空省", true);
    let all = [
        ResolutionState {
            entry: 2,
            author: "d".into(),
            approved: true,
        },
        ResolutionState {
            entry: 3,
            author: "d".into(),
            approved: true,
        },
    ];
    for (on, ok) in [
        ("2026-11-30", false),
        ("2026-12-01", true),
        ("2026-12-03", true),
        ("2026-12-04", false),
    ] {
        let dates = DecisionDates {
            decided_on: d(on),
            ..DATES
        };
        let got = may_decide(&approver, OPEN, &latest(), &all, "C99-0001-1", dates);
        assert_eq!(got.is_ok(), ok, "{on}: {got:?}");
    }
}

const OPEN: CaseState = CaseState {
    organisation: "架空省",
    decided: false,
};
const DECIDED: CaseState = CaseState {
    organisation: "架空省",
    decided: true,
};

#[test]
fn who_may_resolve_what() {
    use ResolutionKind::*;
    let drafter = actor("drafter", "架空省", false);
    let stranger = actor("other", "別省", true);
    let pending = [ResolutionState {
        entry: 2,
        author: "drafter".into(),
        approved: false,
    }];
    type Row<'a> = (
        &'a Actor,
        CaseState<'a>,
        u32,
        Proposal,
        Result<(), CaseRefusal>,
    );
    let cases: [Row; 9] = [
        (
            &drafter,
            OPEN,
            3,
            proposal(AlternativeMeasure, None),
            Ok(()),
        ),
        (
            &stranger,
            OPEN,
            3,
            proposal(AlternativeMeasure, None),
            Err(CaseRefusal::NotYours),
        ),
        (
            &drafter,
            DECIDED,
            3,
            proposal(AlternativeMeasure, None),
            Err(CaseRefusal::Decided),
        ),
        (
            &drafter,
            OPEN,
            1,
            proposal(AlternativeMeasure, None),
            Err(CaseRefusal::NothingToSettle { entry: 1 }),
        ),
        (
            &drafter,
            OPEN,
            9,
            proposal(AlternativeMeasure, None),
            Err(CaseRefusal::NoSuchEntry { entry: 9 }),
        ),
        (
            &drafter,
            OPEN,
            2,
            proposal(WrittenConfirmation, None),
            Err(CaseRefusal::AlreadyResolved { entry: 2 }),
        ),
        // A listing failure: only an exception, and only with its legal basis.
        (
            &drafter,
            OPEN,
            4,
            proposal(RiskAcceptance, None),
            Err(CaseRefusal::ListingNeedsException { entry: 4 }),
        ),
        (
            &drafter,
            OPEN,
            4,
            proposal(Exception, Some("  ")),
            Err(CaseRefusal::ExceptionWithoutBasis),
        ),
        (
            &drafter,
            OPEN,
            4,
            proposal(Exception, Some("政府機関等の対策基準 第○条ただし書")),
            Ok(()),
        ),
    ];
    for (who, case, n, p, want) in cases {
        assert_eq!(
            may_resolve(who, case, &latest(), &pending, n, &p),
            want,
            "{} entry {n} {:?}",
            who.name,
            p.kind
        );
    }
    let empty = Proposal {
        text: " ".into(),
        ..proposal(AlternativeMeasure, None)
    };
    assert_eq!(
        may_resolve(&drafter, OPEN, &latest(), &[], 3, &empty),
        Err(CaseRefusal::BadText {
            field: "text",
            max: MAX_CASE_TEXT
        })
    );
}

#[test]
fn approval_is_someone_elses_with_the_right() {
    let pending = [ResolutionState {
        entry: 3,
        author: "drafter".into(),
        approved: false,
    }];
    let cases = [
        (actor("approver", "架空省", true), OPEN, Ok(())),
        // 職責分離: the author cannot approve, even holding the right.
        (
            actor("drafter", "架空省", true),
            OPEN,
            Err(CaseRefusal::OwnResolution),
        ),
        (
            actor("colleague", "架空省", false),
            OPEN,
            Err(CaseRefusal::NotApprover),
        ),
        (
            actor("approver", "別省", true),
            OPEN,
            Err(CaseRefusal::NotYours),
        ),
        (
            actor("approver", "架空省", true),
            DECIDED,
            Err(CaseRefusal::Decided),
        ),
    ];
    for (who, case, want) in cases {
        assert_eq!(may_approve(&who, case, &pending, 3), want, "{}", who.name);
    }
    assert_eq!(
        may_approve(&actor("approver", "架空省", true), OPEN, &pending, 2),
        Err(CaseRefusal::NothingToApprove { entry: 2 })
    );
    let operator = Actor {
        role: Role::Operator,
        ..actor("op", "架空省", true)
    };
    assert_eq!(may_act(&operator, OPEN), Err(CaseRefusal::NotYours));
    assert!(CaseRefusal::OwnResolution.forbidden() && !CaseRefusal::Decided.forbidden());
}

#[test]
fn a_decision_needs_every_open_point_settled() {
    let approver = actor("approver", "架空省", true);
    let approved = |entry| ResolutionState {
        entry,
        author: "drafter".into(),
        approved: true,
    };
    let awaiting = |entry| ResolutionState {
        approved: false,
        ..approved(entry)
    };
    assert_eq!(
        may_decide(
            &approver,
            OPEN,
            &latest(),
            &[approved(2), awaiting(3)],
            "C99-0001-1",
            DATES
        ),
        Err(CaseRefusal::OpenPoints {
            service: "C99-0001-1".into(),
            count: 1
        })
    );
    assert_eq!(
        may_decide(
            &approver,
            OPEN,
            &latest(),
            &[approved(2), approved(3)],
            "C99-0001-1",
            DATES
        ),
        Ok(())
    );
    assert_eq!(
        may_decide(&approver, OPEN, &latest(), &[], "C99-0404-1", DATES),
        Err(CaseRefusal::NotACandidate {
            service: "C99-0404-1".into()
        })
    );
    assert_eq!(
        may_decide(&approver, OPEN, &[], &[], "C99-0001-1", DATES),
        Err(CaseRefusal::NoSnapshot)
    );
    // A member proposes; an approver other than the proposer approves.
    let drafter = actor("drafter", "架空省", false);
    assert_eq!(
        may_decide(
            &drafter,
            OPEN,
            &latest(),
            &[approved(2), approved(3)],
            "C99-0001-1",
            DATES
        ),
        Ok(())
    );
    assert_eq!(
        may_decide(&drafter, DECIDED, &latest(), &[], "C99-0001-1", DATES),
        Err(CaseRefusal::Decided)
    );
    let decision_cases = [
        (&approver, Some("drafter"), false, Ok(())),
        (
            &drafter,
            Some("drafter"),
            false,
            Err(CaseRefusal::NotApprover),
        ),
        (
            &approver,
            Some("approver"),
            false,
            Err(CaseRefusal::OwnDecision),
        ),
        (
            &approver,
            Some("drafter"),
            true,
            Err(CaseRefusal::DecisionApproved),
        ),
        (&approver, None, false, Err(CaseRefusal::NotDecided)),
    ];
    for (who, proposer, done, want) in decision_cases {
        assert_eq!(
            may_approve_decision(who, DECIDED, proposer, done, ("C99-0001-1", 0)),
            want,
            "{} {proposer:?}",
            who.name
        );
    }
    assert_eq!(
        may_reopen(&approver, DECIDED, "リストの変更により前提が変わった"),
        Ok(())
    );
    assert_eq!(
        may_reopen(&approver, OPEN, "x"),
        Err(CaseRefusal::NotDecided)
    );
    assert!(matches!(
        may_reopen(&approver, DECIDED, ""),
        Err(CaseRefusal::BadText {
            field: "reason",
            ..
        })
    ));
}

#[test]
fn verdicts_before_and_after_resolutions() {
    let approved = |entry| ResolutionState {
        entry,
        author: "d".into(),
        approved: true,
    };
    let table = [
        (vec![], (Status::Fail, Status::Fail), "不適合"),
        (
            vec![approved(3)],
            (Status::Fail, Status::Review),
            "不適合 → 要確認（対応済み 1 件・未対応 1 件）",
        ),
        (
            vec![approved(2), approved(3)],
            (Status::Fail, Status::Pass),
            "不適合 → 全件対応済み（承認済み 2 件）",
        ),
    ];
    for (resolutions, want, text) in table {
        let v = verdicts(&latest(), &resolutions, "C99-0001-1");
        assert_eq!(v, want);
        let counts = settled_counts(&latest(), &resolutions, "C99-0001-1");
        assert_eq!(verdict_text(v.0, counts, v.1, Lang::Ja), text);
    }
    assert_eq!(
        verdict_text(Status::Fail, (2, 0), Status::Pass, Lang::En),
        "fail → all settled (2 approved resolutions)"
    );
}

#[test]
fn snapshots_compare_by_candidate_check_code_and_subject() {
    let old = latest();
    let mut new = latest();
    new[1].status = Status::Pass;
    new[1].code = "feature_included".into();
    new.pop();
    let d = snapshot_diff(&old, &new);
    let codes = |v: &[SnapshotEntry]| v.iter().map(|e| e.code.clone()).collect::<Vec<_>>();
    assert_eq!(codes(&d.added), ["feature_included"]);
    assert_eq!(codes(&d.removed), ["feature_not_stated", "expired"]);
    assert_eq!(snapshot_diff(&old, &old), SnapshotDiff::default());
    assert!("bogus".parse::<ResolutionKind>().is_err());
    for k in RESOLUTION_KINDS {
        assert_eq!(k.code().parse(), Ok(k));
    }
}
