//! One table per check: each row builds a registry and profile, runs the engine and looks at
//! the entries of that check.

use super::*;
use crate::criteria::tests::small_catalog;
use crate::ids::{ControlId, CountryCode};
use crate::lang::Lang;
use crate::profile::{
    Baseline, Confidentiality, ContractPeriod, ControlRequirements, RegionPolicy,
};
use crate::registration::tests::{d, registration};
use crate::registration::{ControlStatement, Region, ScopeItem};

fn no(s: &str) -> RegistrationNumber {
    RegistrationNumber::parse(s).expect("valid")
}

fn profile() -> Profile {
    Profile {
        name: "test".into(),
        agency: None,
        evaluation_date: None,
        confidentiality: Confidentiality::new(2).expect("valid"),
        low_impact: false,
        low_impact_basis: None,
        features: Vec::new(),
        candidates: None,
        regions: RegionPolicy::default(),
        contract: None,
        controls: ControlRequirements::default(),
    }
}

const TARGET: &str = "C24-0001-1";
const DAY: &str = "2025-01-15";

/// Runs the engine on `TARGET` (registry = target + others) and returns the entries of `kind`.
fn run(
    target: Registration,
    others: Vec<Registration>,
    profile: &Profile,
    kind: CheckKind,
) -> Vec<(Finding, Status)> {
    let catalog = small_catalog();
    let mut all = vec![target];
    all.extend(others);
    let registry = Registry::new(all).expect("unique");
    let engine = Engine::new(&catalog, &registry, profile, d(DAY), ExpiryRule::Civil)
        .expect("known controls");
    let result = engine.evaluate_one(&no(TARGET));
    // every check is present, verdict is the worst entry
    for k in CheckKind::ALL {
        assert!(
            result.entries.iter().any(|e| e.check() == k),
            "no {k:?} entry"
        );
    }
    assert_eq!(
        Some(result.verdict),
        result.entries.iter().map(Entry::status).max()
    );
    // every entry renders in both languages
    for lang in [Lang::Ja, Lang::En] {
        let view = engine.view(&result, lang);
        assert!(view.checks.iter().all(|c| !c.reason.is_empty()));
    }
    result
        .entries
        .iter()
        .filter(|e| e.check() == kind)
        .map(|e| (e.finding, e.status()))
        .collect()
}

#[test]
fn listing() {
    // (registered_on, renewal_filed_on, revoked_on, expected) on 2025-01-15;
    // audit end 2023-12-31 → expiry 2025-04-30, audit end 2023-09-30 → expiry 2025-01-31.
    type Case<'a> = (
        &'a str,
        &'a str,
        Option<&'a str>,
        Option<&'a str>,
        Finding,
        Status,
    );
    let cases: [Case; 6] = [
        (
            "2024-03-01",
            "2023-12-31",
            None,
            None,
            Finding::Listed {
                expires: d("2025-04-30"),
            },
            Status::Pass,
        ),
        (
            "2024-03-01",
            "2023-08-31",
            Some("2024-12-01"),
            None,
            Finding::RenewalPending {
                expired: d("2024-12-31"),
                filed: d("2024-12-01"),
            },
            Status::Review,
        ),
        (
            "2024-03-01",
            "2023-08-31",
            None,
            None,
            Finding::Expired {
                on: d("2024-12-31"),
            },
            Status::Fail,
        ),
        (
            "2024-03-01",
            "2023-12-31",
            None,
            Some("2025-01-02"),
            Finding::Revoked {
                on: d("2025-01-02"),
            },
            Status::Fail,
        ),
        (
            "2025-02-01",
            "2023-12-31",
            None,
            None,
            Finding::NotYetValid {
                from: d("2025-02-01"),
            },
            Status::Fail,
        ),
        (
            "2024-03-01",
            "2023-08-31",
            Some("2025-01-02"),
            None,
            Finding::Expired {
                on: d("2024-12-31"),
            },
            Status::Fail,
        ),
    ];
    for (registered, audit_end, filed, revoked, finding, status) in cases {
        let mut r = registration(TARGET);
        r.registered_on = d(registered);
        r.audit_period =
            crate::validity::AuditPeriod::new(d("2023-01-01"), d(audit_end)).expect("valid");
        r.renewal_filed_on = filed.map(d);
        r.revoked_on = revoked.map(d);
        assert_eq!(
            run(r, vec![], &profile(), CheckKind::Listing),
            [(finding, status)],
            "{registered} {audit_end} {filed:?} {revoked:?}"
        );
    }
}

#[test]
fn a_long_list_split_over_the_cores_gives_each_candidate_its_own_result() {
    let catalog = small_catalog();
    let registry = Registry::new(
        (0..700)
            .map(|i| {
                let mut r = registration(&format!("C24-{i:04}-1"));
                r.registered_on = d("2024-06-01") + chrono::Days::new(i);
                r
            })
            .collect(),
    )
    .expect("unique");
    let p = profile();
    let engine = Engine::new(&catalog, &registry, &p, d(DAY), ExpiryRule::Civil).expect("known");
    let mut candidates: Vec<_> = registry
        .registrations()
        .iter()
        .map(|r| r.registration_no.clone())
        .rev()
        .collect();
    candidates.push(no("C99-9999-9"));
    let together = engine.evaluate(&candidates);
    let one_by_one: Vec<_> = candidates.iter().map(|c| engine.evaluate_one(c)).collect();
    assert_eq!(together, one_by_one);
}

#[test]
fn not_listed_has_only_its_listing_entry() {
    let catalog = small_catalog();
    let registry = Registry::new(vec![registration(TARGET)]).expect("unique");
    let p = profile();
    let engine = Engine::new(&catalog, &registry, &p, d(DAY), ExpiryRule::Civil).expect("known");
    let result = engine.evaluate_one(&no("C99-9999-9"));
    assert_eq!(result.status, ListingStatus::NotListed);
    assert_eq!(result.verdict, Status::Fail);
    assert_eq!(
        result.entries,
        [Entry::new(Subject::None, Finding::NotListed)]
    );
    assert!(engine.responsibilities(&result).is_empty());
}

#[test]
fn program() {
    use Finding::*;
    let cases = [
        (
            Program::Ismap,
            false,
            2,
            vec![(
                ProgramAccepted {
                    program: Program::Ismap,
                },
                Status::Pass,
            )],
        ),
        (
            Program::Ismap,
            true,
            1,
            vec![(
                ProgramAccepted {
                    program: Program::Ismap,
                },
                Status::Pass,
            )],
        ),
        (
            Program::IsmapLiu,
            true,
            2,
            vec![(
                ProgramAccepted {
                    program: Program::IsmapLiu,
                },
                Status::Pass,
            )],
        ),
        (
            Program::IsmapLiu,
            false,
            2,
            vec![(LiuWithoutLowImpact, Status::Fail)],
        ),
        (
            Program::Ismap,
            false,
            3,
            vec![(ConfidentialityBeyondIsmap, Status::Review)],
        ),
        // 機密性3 is never low impact: LIU fails whatever low_impact says
        (
            Program::IsmapLiu,
            true,
            3,
            vec![(LiuConfidentiality, Status::Fail)],
        ),
        (
            Program::IsmapLiu,
            false,
            3,
            vec![(LiuConfidentiality, Status::Fail)],
        ),
    ];
    for (program, low_impact, confidentiality, expected) in cases {
        let mut r = registration(TARGET);
        r.program = program;
        let mut p = profile();
        p.low_impact = low_impact;
        p.confidentiality = Confidentiality::new(confidentiality).expect("valid");
        assert_eq!(
            run(r, vec![], &p, CheckKind::Program),
            expected,
            "{program:?} {low_impact} {confidentiality}"
        );
    }
}

#[test]
fn the_low_impact_judgment_is_recorded_in_the_report() {
    let mut r = registration(TARGET);
    r.program = Program::IsmapLiu;
    let registry = Registry::new(vec![r]).expect("unique");
    let catalog = small_catalog();
    let mut p = profile();
    p.low_impact = true;
    p.low_impact_basis = Some(crate::profile::LowImpactBasis {
        judged_by: "情報システム課長".into(),
        basis: "公開情報のみを扱う".into(),
    });
    let engine = Engine::new(&catalog, &registry, &p, d(DAY), ExpiryRule::Civil).expect("known");
    let view = engine.view(&engine.evaluate_one(&no(TARGET)), Lang::Ja);
    let program = view
        .checks
        .iter()
        .find(|c| c.check == CheckKind::Program)
        .expect("program entry");
    assert_eq!(program.code, "program_accepted");
    assert!(
        program
            .reason
            .contains("判断者: 情報システム課長、根拠: 公開情報のみを扱う"),
        "{}",
        program.reason
    );
}

#[test]
fn a_published_expiry_other_than_the_rules_is_reviewed() {
    use Finding::*;
    // audit end 2024-03-31: the rule gives 2025-07-31
    let cases = [
        (
            None,
            vec![(
                Listed {
                    expires: d("2025-07-31"),
                },
                Status::Pass,
            )],
        ),
        (
            Some("2025-07-31"),
            vec![(
                Listed {
                    expires: d("2025-07-31"),
                },
                Status::Pass,
            )],
        ),
        (
            Some("2025-01-14"), // published earlier: expired on DAY
            vec![
                (
                    Expired {
                        on: d("2025-01-14"),
                    },
                    Status::Fail,
                ),
                (
                    ExpiryDiffers {
                        published: d("2025-01-14"),
                        computed: d("2025-07-31"),
                    },
                    Status::Review,
                ),
            ],
        ),
    ];
    for (published, expected) in cases {
        let mut r = registration(TARGET);
        r.published_expiry = published.map(d);
        assert_eq!(
            run(r, vec![], &profile(), CheckKind::Listing),
            expected,
            "{published:?}"
        );
    }
}

#[test]
fn validity() {
    // expiry of `registration()` is 2025-07-31
    let expires = d("2025-07-31");
    let cases = [
        (None, Finding::NoContract, Status::Pass),
        (
            Some("2025-07-31"),
            Finding::CoversContract {
                expires,
                contract_end: d("2025-07-31"),
            },
            Status::Pass,
        ),
        (
            Some("2025-03-31"),
            Finding::CoversContract {
                expires,
                contract_end: d("2025-03-31"),
            },
            Status::Pass,
        ),
        (
            Some("2025-08-01"),
            Finding::ExpiresBeforeContractEnd {
                expires,
                contract_end: d("2025-08-01"),
            },
            Status::Review,
        ),
    ];
    for (end, finding, status) in cases {
        let mut p = profile();
        p.contract = end.map(|e| ContractPeriod::new(d("2024-04-01"), d(e)).expect("valid"));
        assert_eq!(
            run(registration(TARGET), vec![], &p, CheckKind::Validity),
            [(finding, status)],
            "{end:?}"
        );
    }
    // independent of status: an expired registration is still compared
    let mut p = profile();
    p.contract = ContractPeriod::new(d("2024-04-01"), d("2026-03-31"));
    let mut r = registration(TARGET);
    r.revoked_on = Some(d("2024-12-01"));
    let got = run(r, vec![], &p, CheckKind::Validity);
    assert_eq!(got[0].1, Status::Review);
}

#[test]
fn scope() {
    use Finding::*;
    let mut r = registration(TARGET);
    r.scope.included = ["仮想マシン", "Object Storage", "管理コンソール"]
        .map(ScopeItem::new)
        .to_vec();
    r.scope.excluded = ["Object Storage", "機械学習"].map(ScopeItem::new).to_vec();
    type Case<'a> = (&'a [&'a str], Vec<(Finding, Status)>);
    let cases: [Case; 5] = [
        (&[], vec![(NoFeaturesRequired, Status::Pass)]),
        (&["仮想マシン"], vec![(FeatureIncluded, Status::Pass)]),
        (
            &["  管理　コンソール "],
            vec![(FeatureNotStated, Status::Review)],
        ), // inner space is not folded away
        (
            &["ＯＢＪＥＣＴ  storage"],
            vec![(FeatureExcluded, Status::Fail)],
        ), // excluded wins
        (
            &["機械学習", "ﾃﾞｰﾀﾍﾞｰｽ", "仮想マシン"],
            vec![
                (FeatureExcluded, Status::Fail),
                (FeatureNotStated, Status::Review),
                (FeatureIncluded, Status::Pass),
            ],
        ),
    ];
    for (features, expected) in cases {
        let mut p = profile();
        p.features = features.iter().map(|s| s.to_string()).collect();
        assert_eq!(
            run(r.clone(), vec![], &p, CheckKind::Scope),
            expected,
            "{features:?}"
        );
    }
}

fn statement(
    catalog: &Catalog,
    id: &str,
    status: StatementStatus,
    inherited_from: Option<&str>,
) -> ControlStatement {
    let id = ControlId::parse(id).expect("valid");
    ControlStatement {
        key: catalog.key(&id).expect("in catalog"),
        status,
        reason: Some("理由".into()),
        inherited_from: inherited_from.map(no),
    }
}

#[test]
fn controls() {
    use Finding::*;
    use StatementStatus as S;
    let catalog = small_catalog();
    let mut base = registration("C24-0002-1"); // valid on DAY
    base.registered_on = d("2024-01-01");
    let mut lapsed = registration("C24-0003-1");
    lapsed.revoked_on = Some(d("2024-12-01"));
    // expired 2024-12-31 (audit end 2023-08-31), renewal filed in time: in force
    let mut pending = registration("C24-0005-1");
    pending.registered_on = d("2023-10-01");
    pending.audit_period =
        crate::validity::AuditPeriod::new(d("2023-01-01"), d("2023-08-31")).expect("valid");
    pending.renewal_filed_on = Some(d("2024-12-01"));
    let others = vec![base, lapsed, pending];
    let objective = catalog
        .key(&ControlId::parse("12.4.5.P").expect("valid"))
        .expect("present");
    // (statements, required, expected)
    type Case<'a> = (
        Vec<(&'a str, StatementStatus, Option<&'a str>)>,
        Vec<&'a str>,
        Vec<(Finding, Status)>,
    );
    let cases: Vec<Case> = vec![
        (vec![], vec![], vec![(NoControlsRequired, Status::Pass)]),
        (
            vec![("9.2.3.1", S::Implemented, None)],
            vec!["9.2.3.1"],
            vec![(Implemented, Status::Pass)],
        ),
        (
            vec![("9.2.3.1", S::Implemented, Some("C24-0002-1"))],
            vec!["9.2.3.1"],
            vec![(
                ImplementedInherited {
                    status: ListingStatus::Valid,
                },
                Status::Pass,
            )],
        ),
        // a renewal-pending source is in force
        (
            vec![("9.2.3.1", S::Implemented, Some("C24-0005-1"))],
            vec!["9.2.3.1"],
            vec![(
                ImplementedInherited {
                    status: ListingStatus::RenewalPending,
                },
                Status::Pass,
            )],
        ),
        // 一部実施 follows the same inheritance rules
        (
            vec![("9.2.3.1", S::Partial, Some("C24-0002-1"))],
            vec!["9.2.3.1"],
            vec![(Partial, Status::Review)],
        ),
        (
            vec![("9.2.3.1", S::Partial, Some("C24-0003-1"))],
            vec!["9.2.3.1"],
            vec![(
                InheritedFromNotValid {
                    status: ListingStatus::Revoked,
                },
                Status::Review,
            )],
        ),
        (
            vec![("9.2.3.1", S::Implemented, Some("C24-0003-1"))],
            vec!["9.2.3.1"],
            vec![(
                InheritedFromNotValid {
                    status: ListingStatus::Revoked,
                },
                Status::Review,
            )],
        ),
        (
            vec![("9.2.3.1", S::Implemented, Some("C99-0000-1"))],
            vec!["9.2.3.1"],
            vec![(
                InheritedFromNotValid {
                    status: ListingStatus::NotListed,
                },
                Status::Review,
            )],
        ),
        (
            vec![("9.2.3.1", S::Partial, None)],
            vec!["9.2.3.1"],
            vec![(Partial, Status::Review)],
        ),
        (
            vec![("9.2.3.1", S::NotApplicable, None)],
            vec!["9.2.3.1"],
            vec![(NotApplicable, Status::Fail)],
        ),
        (vec![], vec!["9.2.3.1"], vec![(NotStated, Status::Review)]),
        // an excluded objective exempts its children, unless a child is stated itself
        (
            vec![("12.4.5.P", S::NotApplicable, None)],
            vec!["12.4.5.1"],
            vec![(ObjectiveExcluded { objective }, Status::Fail)],
        ),
        (
            vec![("9.2.3", S::Partial, None)],
            vec!["9.2.3.1"],
            vec![(NotStated, Status::Review)],
        ),
        // the merge walk: several statements, several required, in any order
        (
            vec![
                ("9.2.3.4.PB", S::Implemented, None),
                ("3.1.2", S::Implemented, None),
                ("9.2.3.1", S::Partial, None),
            ],
            vec!["9.2.3.4.PB", "9.2.3.2.B", "3.1.2", "9.2.3.1"],
            vec![
                (Implemented, Status::Pass),
                (Partial, Status::Review),
                (NotStated, Status::Review),
                (Implemented, Status::Pass),
            ],
        ),
    ];
    for (statements, required, expected) in cases {
        let mut r = registration(TARGET);
        r.set_controls(
            statements
                .iter()
                .map(|(id, s, from)| statement(&catalog, id, *s, *from))
                .collect(),
        )
        .expect("unique");
        let mut p = profile();
        p.controls.required = required
            .iter()
            .map(|s| ControlId::parse(s).expect("valid"))
            .collect();
        assert_eq!(
            run(r, others.clone(), &p, CheckKind::Controls),
            expected,
            "{statements:?} {required:?}"
        );
    }
}

#[test]
fn basic_baseline_covers_every_mandatory_control() {
    let catalog = small_catalog();
    let mut p = profile();
    p.controls.baseline = Some(Baseline::Basic);
    let got = run(registration(TARGET), vec![], &p, CheckKind::Controls);
    assert_eq!(got.len(), catalog.basic_baseline().len());
    assert!(got.iter().all(|(f, _)| *f == Finding::NotStated));
}

#[test]
fn regions() {
    use Finding::*;
    let region = |name: &str, country: &str, selectable: bool| Region {
        name: name.into(),
        country: CountryCode::parse(country).expect("valid"),
        selectable,
    };
    let jp_only = RegionPolicy::new(Some(vec![CountryCode::parse("JP").expect("valid")]), None);
    let tokyo_only = RegionPolicy::new(None, Some(vec!["東京".into()]));
    let cases = [
        (
            vec![],
            RegionPolicy::default(),
            vec![(NoRegionsDeclared, Status::Review)],
        ),
        (
            vec![region("東京", "JP", false), region("大阪", "JP", true)],
            jp_only.clone(),
            vec![(RegionAllowed, Status::Pass), (RegionAllowed, Status::Pass)],
        ),
        (
            vec![region("東京", "JP", false), region("Virginia", "US", true)],
            jp_only.clone(),
            vec![
                (RegionAllowed, Status::Pass),
                (RegionSelectable, Status::Pass),
            ],
        ),
        (
            vec![region("東京", "JP", false), region("Virginia", "US", false)],
            jp_only.clone(),
            vec![
                (RegionAllowed, Status::Pass),
                (RegionNotSelectable, Status::Fail),
            ],
        ),
        (
            vec![region("Virginia", "US", true), region("Oregon", "US", true)],
            jp_only,
            vec![
                (NoAllowedRegion, Status::Fail),
                (NoAllowedRegion, Status::Fail),
            ],
        ),
        (
            vec![region("Virginia", "US", false)],
            RegionPolicy::default(),
            vec![(RegionOverseas, Status::Review)],
        ),
        // an overseas region the profile allows by name or country is still reviewed
        (
            vec![region("東京", "JP", false), region("Virginia", "US", false)],
            RegionPolicy::new(None, Some(vec!["東京".into(), "virginia".into()])),
            vec![
                (RegionAllowed, Status::Pass),
                (RegionOverseas, Status::Review),
            ],
        ),
        // regions the system will use: offered, offered as a choice, not offered
        (
            vec![region("東京", "JP", false), region("大阪", "JP", true)],
            RegionPolicy::default().requiring(vec![
                "ＴＯＫＹＯ".into(),
                "大阪".into(),
                "福岡".into(),
            ]),
            vec![
                (RegionMissing, Status::Fail), // "ＴＯＫＹＯ" is not "東京": names are matched as written
                (RegionRequiredSelectable, Status::Pass),
                (RegionMissing, Status::Fail),
                (RegionAllowed, Status::Pass),
                (RegionAllowed, Status::Pass),
            ],
        ),
        (
            vec![region("Tokyo", "JP", false)],
            RegionPolicy::default().requiring(vec!["ｔｏｋｙｏ".into()]),
            vec![
                (RegionRequiredOffered, Status::Pass),
                (RegionAllowed, Status::Pass),
            ],
        ),
        (
            vec![],
            RegionPolicy::default().requiring(vec!["東京".into()]),
            vec![
                (RegionMissing, Status::Fail),
                (NoRegionsDeclared, Status::Review),
            ],
        ),
        (
            vec![region("東京", "JP", false), region("大阪", "JP", true)],
            tokyo_only,
            vec![
                (RegionAllowed, Status::Pass),
                (RegionSelectable, Status::Pass),
            ],
        ),
    ];
    for (regions, policy, expected) in cases {
        let mut r = registration(TARGET);
        r.regions = regions.clone();
        let mut p = profile();
        p.regions = policy;
        assert_eq!(
            run(r, vec![], &p, CheckKind::Regions),
            expected,
            "{regions:?}"
        );
    }
}

#[test]
fn underlying() {
    use Finding::*;
    let mut valid = registration("C24-0002-1");
    valid.registered_on = d("2024-01-01");
    let mut pending = registration("C24-0003-1");
    pending.audit_period =
        crate::validity::AuditPeriod::new(d("2023-01-01"), d("2023-08-31")).expect("valid");
    pending.renewal_filed_on = Some(d("2024-12-01"));
    let mut expired = registration("C24-0004-1");
    expired.audit_period =
        crate::validity::AuditPeriod::new(d("2023-01-01"), d("2023-08-31")).expect("valid");
    let others = vec![valid, pending, expired];
    let cases = [
        (vec![], vec![(NoUnderlying, Status::Pass)]),
        (vec!["C24-0002-1"], vec![(UnderlyingValid, Status::Pass)]),
        (
            vec!["C24-0003-1"],
            vec![(UnderlyingRenewalPending, Status::Review)],
        ),
        (
            vec!["C24-0004-1"],
            vec![(
                UnderlyingNotValid {
                    status: ListingStatus::Expired,
                },
                Status::Fail,
            )],
        ),
        (
            vec!["C99-0001-1", "C24-0002-1"],
            vec![
                (UnderlyingNotListed, Status::Fail),
                (UnderlyingValid, Status::Pass),
            ],
        ),
    ];
    for (underlying, expected) in cases {
        let mut r = registration(TARGET);
        r.underlying = underlying.iter().map(|s| no(s)).collect();
        assert_eq!(
            run(r, others.clone(), &profile(), CheckKind::Underlying),
            expected,
            "{underlying:?}"
        );
    }
}

#[test]
fn views_carry_subject_reason_and_action() {
    let catalog = small_catalog();
    let mut r = registration(TARGET);
    r.set_controls(vec![statement(
        &catalog,
        "9.2.3.1",
        StatementStatus::NotApplicable,
        None,
    )])
    .expect("unique");
    let registry = Registry::new(vec![r]).expect("unique");
    let mut p = profile();
    p.features = vec!["バックアップ".into()];
    p.controls.required = vec![ControlId::parse("9.2.3.1").expect("valid")];
    let engine = Engine::new(&catalog, &registry, &p, d(DAY), ExpiryRule::Civil).expect("known");
    let result = engine.evaluate_one(&no(TARGET));
    let ja = engine.view(&result, Lang::Ja);
    let control = ja
        .checks
        .iter()
        .find(|c| c.check == CheckKind::Controls)
        .expect("controls entry");
    assert_eq!(control.subject.as_deref(), Some("9.2.3.1 管理策 9.2.3.1"));
    assert_eq!(control.reason, "非該当（事業者の理由: 理由）");
    assert_eq!(
        control.action,
        Some("代替策・追加策を講じるか、他のサービスを選ぶ。")
    );
    let en = engine.view(&result, Lang::En);
    let feature = en
        .checks
        .iter()
        .find(|c| c.check == CheckKind::Scope)
        .expect("scope entry");
    assert_eq!(
        feature.subject.as_deref(),
        Some("バックアップ"),
        "data keeps its language"
    );
    assert_eq!(
        feature.action,
        Some(
            "Check in the statement and on the ISMAP portal whether this feature is inside the statement scope; if it is not, ask the provider how the feature is secured."
        )
    );
    assert_eq!(en.verdict, Status::Fail);
}

#[test]
fn a_control_missing_from_the_registrations_criteria_version_is_reviewed() {
    use crate::criteria::tests::second_version;
    let catalog = small_catalog().merge(&second_version()).expect("merged");
    let key = |id: &str| {
        catalog
            .key(&ControlId::parse(id).expect("valid"))
            .expect("in the union")
    };
    let statement = |id: &str| ControlStatement {
        key: key(id),
        status: StatementStatus::Implemented,
        reason: None,
        inherited_from: None,
    };
    let mut old = registration(TARGET); // audited under "test", the primary version
    old.set_controls(vec![statement("9.2.3.1")])
        .expect("unique");
    let mut new = registration("C24-0002-1");
    new.criteria_version = "v2".into();
    new.set_controls(vec![statement("9.2.3.2.B")])
        .expect("unique");
    let registry = Registry::new(vec![old, new]).expect("unique");
    let mut p = profile();
    p.controls.required = ["9.2.3.1", "9.2.3.2.B"]
        .map(|s| ControlId::parse(s).expect("valid"))
        .to_vec();
    let engine = Engine::new(&catalog, &registry, &p, d(DAY), ExpiryRule::Civil).expect("known");
    let controls = |no: &str| -> Vec<&'static str> {
        let result = engine.evaluate_one(&self::no(no));
        engine
            .view(&result, Lang::Ja)
            .checks
            .into_iter()
            .filter(|c| c.check == CheckKind::Controls)
            .map(|c| c.code)
            .collect()
    };
    assert_eq!(controls(TARGET), ["implemented", "not_stated"]);
    assert_eq!(
        controls("C24-0002-1"),
        ["control_not_in_version", "implemented"]
    );
    let view = engine.view(&engine.evaluate_one(&no("C24-0002-1")), Lang::Ja);
    assert_eq!(
        view.checks
            .iter()
            .find(|c| c.code == "control_not_in_version")
            .map(|c| (c.status, c.reason.as_str())),
        Some((
            Status::Review,
            "この登録が準拠する管理基準 v2 には、この管理策がありません。"
        ))
    );
}

/// Every finding, with sample dates and statement, in the order of `docs/checks.md`.
fn every_finding(catalog: &Catalog) -> Vec<(Subject, Finding)> {
    use Finding::*;
    let control = Subject::Control(
        catalog
            .key(&ControlId::parse("9.2.3.1").expect("valid"))
            .expect("in catalog"),
    );
    let objective = catalog
        .key(&ControlId::parse("9.2.3").expect("valid"))
        .expect("in catalog");
    let (expires, end, filed) = (d("2025-07-31"), d("2026-03-31"), d("2025-06-01"));
    let none = Subject::None;
    vec![
        (none, Listed { expires }),
        (
            none,
            RenewalPending {
                expired: expires,
                filed,
            },
        ),
        (none, Expired { on: expires }),
        (none, Revoked { on: filed }),
        (none, NotYetValid { from: filed }),
        (none, NotListed),
        (
            none,
            ExpiryDiffers {
                published: d("2025-09-30"),
                computed: expires,
            },
        ),
        (
            none,
            ProgramAccepted {
                program: Program::Ismap,
            },
        ),
        (none, LiuWithoutLowImpact),
        (none, LiuConfidentiality),
        (none, ConfidentialityBeyondIsmap),
        (none, NoContract),
        (
            none,
            CoversContract {
                expires,
                contract_end: d("2025-03-31"),
            },
        ),
        (
            none,
            ExpiresBeforeContractEnd {
                expires,
                contract_end: end,
            },
        ),
        (Subject::Feature(0), NoFeaturesRequired),
        (Subject::Feature(0), FeatureIncluded),
        (Subject::Feature(0), FeatureExcluded),
        (Subject::Feature(0), FeatureNotStated),
        (none, NoControlsRequired),
        (control, Implemented),
        (
            control,
            ImplementedInherited {
                status: ListingStatus::RenewalPending,
            },
        ),
        (
            control,
            InheritedFromNotValid {
                status: ListingStatus::Expired,
            },
        ),
        (control, Partial),
        (control, NotApplicable),
        (control, ObjectiveExcluded { objective }),
        (control, NotStated),
        (control, ControlNotInVersion),
        (Subject::UnmappedRequirements, RequirementUnmapped),
        (control, MappedNotApplicable),
        (none, NoRegionsDeclared),
        (Subject::Region(0), RegionAllowed),
        (Subject::Region(0), RegionOverseas),
        (Subject::Region(0), RegionSelectable),
        (Subject::Region(0), RegionNotSelectable),
        (Subject::Region(0), NoAllowedRegion),
        (Subject::RequiredRegion(0), RegionRequiredOffered),
        (Subject::RequiredRegion(0), RegionRequiredSelectable),
        (Subject::RequiredRegion(0), RegionMissing),
        (none, NoUnderlying),
        (Subject::Underlying(0), UnderlyingValid),
        (Subject::Underlying(0), UnderlyingRenewalPending),
        (
            Subject::Underlying(0),
            UnderlyingNotValid {
                status: ListingStatus::Revoked,
            },
        ),
        (Subject::Underlying(0), UnderlyingNotListed),
    ]
}

/// The reference table of `docs/checks.md`, rendered from the messages themselves, so the
/// documentation cannot drift from what the reports say. `ISMAP_UPDATE_DOCS=1` rewrites it.
#[test]
fn docs_list_every_code_with_its_wording() {
    let catalog = small_catalog();
    let mut r = registration(TARGET);
    r.criteria_version = "2023-10".into();
    r.underlying = vec![no("C24-0002-1")];
    r.set_controls(vec![statement(
        &catalog,
        "9.2.3.1",
        StatementStatus::Implemented,
        Some("C24-0002-1"),
    )])
    .expect("unique");
    let p = profile();
    let mut table = String::from(
        "| check | code | status | 理由（例） | 対応 | reason (example) | action |\n|---|---|---|---|---|---|---|\n",
    );
    let mut codes = std::collections::HashSet::new();
    for (subject, finding) in every_finding(&catalog) {
        let ctx = message::Context {
            catalog: &catalog,
            profile: &p,
            registration: Some(&r),
            subject,
        };
        let code = message::code(finding);
        assert!(codes.insert(code), "{code} listed twice");
        let cell = |s: &str| s.replace('|', "\\|");
        table.push_str(&format!(
            "| {} | `{code}` | {} | {} | {} | {} | {} |\n",
            finding.check().as_str(),
            finding.status().as_str(),
            cell(&message::reason(finding, &ctx, Lang::Ja)),
            message::action(finding, Lang::Ja).unwrap_or("–"),
            cell(&message::reason(finding, &ctx, Lang::En)),
            message::action(finding, Lang::En).unwrap_or("–"),
        ));
    }
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/checks.md");
    let doc = std::fs::read_to_string(path).expect("docs/checks.md");
    let (begin, end) = ("<!-- codes:begin -->\n", "<!-- codes:end -->");
    let (Some(start), Some(stop)) = (doc.find(begin), doc.find(end)) else {
        panic!("docs/checks.md lacks the {begin:?} … {end:?} markers");
    };
    let current = &doc[start + begin.len()..stop];
    if current != table {
        if std::env::var_os("ISMAP_UPDATE_DOCS").is_some() {
            let updated = format!("{}{begin}{table}{}", &doc[..start], &doc[stop..]);
            std::fs::write(path, updated).expect("write docs/checks.md");
        } else {
            panic!(
                "docs/checks.md's code table is out of date: run `ISMAP_UPDATE_DOCS=1 cargo test -p ismap-core docs_list_every_code`"
            );
        }
    }
}
