use super::*;
use crate::criteria::tests::small_catalog;
use Relationship::*;

fn pair(from: (Framework, &str), to: (Framework, &str), rel: Relationship, source: &str) -> Pair {
    Pair {
        from: (from.0, from.1.to_owned()),
        to: (to.0, to.1.to_owned()),
        relationship: rel,
        partial: false,
        source: source.to_owned(),
    }
}

/// A.9.2.3 reaches ac-6 by NIST's 2013 tables, and ac-2 only through 2022 (A.8.2, OLIR);
/// ac-6 is also reached through 2022: the two routes agree on ac-6 and disagree on ac-2.
fn fixture() -> Crosswalk {
    use Framework::*;
    let nist = ["ac-2", "ac-6", "ac-6.1", "pm-1", "sa-15.9"];
    Crosswalk::new(
        vec![
            pair(
                (Nist, "ac-6"),
                (Iso2013, "A.9.2.3"),
                Related,
                "nist-sp800-53r5-iso27001-mapping:T1+T2",
            ),
            Pair {
                partial: true,
                ..pair(
                    (Nist, "ac-2"),
                    (Iso2013, "A.9.2.1"),
                    Related,
                    "nist-sp800-53r5-iso27001-mapping:T1",
                )
            },
            pair(
                (Iso2013, "A.9.2.3"),
                (Iso2022, "A.8.2"),
                Equal,
                "iso27002-2022-annexB",
            ),
            pair(
                (Iso2013, "A.9.2.1"),
                (Iso2022, "A.5.16"),
                Subset,
                "iso27002-2022-annexB",
            ),
            pair((Nist, "ac-2"), (Iso2022, "A.8.2"), Related, "nist-olir-155"),
            pair((Nist, "ac-6"), (Iso2022, "A.8.2"), Related, "nist-olir-155"),
        ],
        nist.iter()
            .map(|id| NistId {
                id: (*id).to_owned(),
                withdrawn_into: (*id == "sa-15.9").then(|| vec!["sa-3.2".to_owned()]),
            })
            .collect(),
        vec![
            (FedrampBaseline::Low, "ac-2".to_owned()),
            (FedrampBaseline::Moderate, "ac-2".to_owned()),
            (FedrampBaseline::Moderate, "ac-6".to_owned()),
        ],
    )
}

#[test]
fn relationships_combine_no_stronger_than_the_weakest_step() {
    let all = [Related, Intersects, Subset, Superset, Equal];
    let table = [
        (Equal, Equal, Equal),
        (Equal, Subset, Subset),
        (Superset, Equal, Superset),
        (Subset, Subset, Subset),
        (Superset, Superset, Superset),
        (Subset, Superset, Related),
        (Superset, Subset, Intersects),
        (Superset, Intersects, Intersects),
        (Intersects, Subset, Intersects),
        (Subset, Intersects, Related),
        (Intersects, Superset, Related),
        (Intersects, Intersects, Related),
        (Related, Equal, Related),
        (Equal, Related, Related),
    ];
    for (a, b, want) in table {
        assert_eq!(a.then(b), want, "{a:?} then {b:?}");
    }
    for a in all {
        assert_eq!(a.reversed().reversed(), a);
        for b in all {
            let c = a.then(b);
            assert!(
                c.strength() <= a.strength().min(b.strength()),
                "{a:?} {b:?} {c:?}"
            );
            // Reading the chain backwards gives the reversed result.
            assert_eq!(b.reversed().then(a.reversed()), c.reversed(), "{a:?} {b:?}");
        }
    }
}

#[test]
fn ids_are_normalised_per_framework() {
    use Framework::*;
    let cases = [
        (Nist, "AC-2", Ok("ac-2")),
        (Nist, "AC-02(01)", Ok("ac-2.1")),
        (Nist, "AC-2 (1)", Ok("ac-2.1")),
        (Nist, "ac-2(", Err(())),
        (Nist, "ac-2(1)", Ok("ac-2.1")),
        (Nist, "ＡＣ－２", Ok("ac-2")),
        (Nist, "ac-2.1", Ok("ac-2.1")),
        (Nist, "A.5.15", Err(())),
        (Iso2022, "a.5.15", Ok("A.5.15")),
        (Iso2022, " A.5.15 ", Ok("A.5.15")),
        (Iso2013, "6.1.2", Ok("6.1.2")),
        (Iso2013, "ac-2", Err(())),
        (Ismap, "9.2.3.4.pb", Ok("9.2.3.4.PB")),
        (Ismap, "A.9.2.3", Err(())),
    ];
    for (f, raw, want) in cases {
        assert_eq!(
            f.normalise_id(raw).map_err(|_| ()),
            want.map(str::to_owned),
            "{f} {raw:?}"
        );
    }
    for (text, want) in [
        ("nist", Ok(Nist)),
        ("ISO27001:2022", Ok(Iso2022)),
        ("iso27001-2013", Ok(Iso2013)),
        ("cobit", Err(())),
    ] {
        assert_eq!(text.parse::<Framework>().map_err(|_| ()), want, "{text}");
    }
    assert_eq!("FedRAMP-Moderate".parse(), Ok(FedrampBaseline::Moderate));
    assert!("medium".parse::<FedrampBaseline>().is_err());
}

#[test]
fn ismap_joins_iso_2013_by_number() {
    let catalog = small_catalog();
    let cw = fixture();
    // (ISMAP ID, Annex A ID or why not, relationship)
    let cases: [(&str, Result<&str, NoLink>, Relationship); 8] = [
        ("9.2.3", Ok("A.9.2.3"), Equal),
        ("9.2.3.1", Ok("A.9.2.3"), Subset),
        ("9.2.3.2.B", Ok("A.9.2.3"), Subset),
        ("9.2.3.3.P", Ok("A.9.2.3"), Related),
        ("9.2.3.4.PB", Ok("A.9.2.3"), Related),
        ("12.4.5.P", Err(NoLink::CloudOnly), Related),
        ("12.4.5.1", Err(NoLink::CloudOnly), Related),
        ("3.1.2.1", Err(NoLink::GovernanceOrManagement), Related),
    ];
    for (id, want, rel) in cases {
        let found = cw.lookup(&catalog, Framework::Ismap, id, Some(Framework::Iso2013));
        match want {
            Ok(iso) => {
                assert_eq!(found.no_link, None, "{id}");
                assert_eq!(found.targets.len(), 1, "{id}");
                assert_eq!(found.targets[0].node.id, iso, "{id}");
                assert_eq!(found.targets[0].strongest(), rel, "{id}");
            }
            Err(why) => {
                assert_eq!(found.no_link, Some(why), "{id}");
                assert!(found.targets.is_empty(), "{id}");
            }
        }
    }
    // Read from the ISO side: the objective and every detailed item, relationships reversed.
    let back = cw.lookup(
        &catalog,
        Framework::Iso2013,
        "A.9.2.3",
        Some(Framework::Ismap),
    );
    let got: Vec<(&str, Relationship)> = back
        .targets
        .iter()
        .map(|t| (t.node.id.as_str(), t.strongest()))
        .collect();
    assert_eq!(
        got,
        [
            ("9.2.3", Equal),
            ("9.2.3.1", Superset),
            ("9.2.3.2.B", Superset),
            ("9.2.3.3.P", Related),
            ("9.2.3.4.PB", Related)
        ]
    );
}

#[test]
fn two_routes_to_nist_are_both_shown() {
    let catalog = small_catalog();
    let found = fixture().lookup(&catalog, Framework::Ismap, "9.2.3", Some(Framework::Nist));
    let ids: Vec<&str> = found.targets.iter().map(|t| t.node.id.as_str()).collect();
    assert_eq!(ids, ["ac-2", "ac-6"]);
    let ac2 = &found.targets[0];
    // Only the 2022 route reaches ac-2; the 2013 tables do not.
    assert_eq!(ac2.links.len(), 1);
    assert_eq!(
        ac2.links[0].route.code(),
        "ismap→iso27001-2013→iso27001-2022→nist-800-53r5"
    );
    assert_eq!(ac2.missing_routes.len(), 1);
    assert_eq!(
        ac2.missing_routes[0].code(),
        "ismap→iso27001-2013→nist-800-53r5"
    );
    let ac6 = &found.targets[1];
    assert_eq!(ac6.links.len(), 2);
    assert!(ac6.missing_routes.is_empty());
    assert_eq!(
        ac6.links[0].describe("9.2.3", Lang::En),
        "9.2.3 → [equivalent; ismap's join by number (objective X.Y.Z = Annex A A.X.Y.Z)] A.9.2.3 → [related; NIST SP 800-53 Rev. 5 to ISO/IEC 27001:2013 mapping, Tables 1–2] ac-6"
    );
    let steps: Vec<&str> = ac6.links[1]
        .steps
        .iter()
        .map(|s| s.source.as_str())
        .collect();
    assert_eq!(
        steps,
        ["ismap-numbering", "iso27002-2022-annexB", "nist-olir-155"]
    );
    // A cloud-only objective reaches nothing and says why.
    let cloud = fixture().lookup(&catalog, Framework::Ismap, "12.4.5.P", None);
    assert_eq!(cloud.no_link, Some(NoLink::CloudOnly));
    assert!(cloud.targets.is_empty());
}

#[test]
fn partial_asterisk_and_withdrawn_ids_are_kept() {
    let catalog = small_catalog();
    let cw = fixture();
    let ac2 = cw.lookup(&catalog, Framework::Nist, "ac-2", Some(Framework::Iso2013));
    let direct = ac2
        .targets
        .iter()
        .find(|t| t.node.id == "A.9.2.1")
        .expect("A.9.2.1");
    assert!(direct.links[0].partial);
    let withdrawn = cw.lookup(&catalog, Framework::Nist, "sa-15.9", None);
    assert_eq!(withdrawn.withdrawn_into, Some(vec!["sa-3.2".to_owned()]));
    assert_eq!(withdrawn.no_link, Some(NoLink::NotMapped));
    assert!(matches!(
        cw.resolve_id(&catalog, Framework::Nist, "ac-99"),
        Err(LookupError::UnknownId { .. })
    ));
    assert!(matches!(
        cw.resolve_id(&catalog, Framework::Nist, "access control"),
        Err(LookupError::BadId { .. })
    ));
    assert_eq!(
        cw.resolve_id(&catalog, Framework::Nist, "AC-06"),
        Ok("ac-6".to_owned())
    );
    assert!(cw.resolve_id(&catalog, Framework::Ismap, "9.9.9").is_err());
}

#[test]
fn requirements_expand_with_their_path() {
    let catalog = small_catalog();
    let cw = fixture();
    let req = |f, id: &str| Requirement {
        node: Node::new(f, id),
        fedramp: None,
    };
    let expansion = cw.expand(
        &catalog,
        vec![req(Framework::Nist, "ac-6"), req(Framework::Nist, "pm-1")],
    );
    let ac6: Vec<&str> = expansion.requirements[0]
        .controls
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(
        ac6,
        ["9.2.3", "9.2.3.1", "9.2.3.2.B", "9.2.3.3.P", "9.2.3.4.PB"]
    );
    // Reported, not dropped.
    let unmapped: Vec<usize> = expansion.unmapped().map(|(i, _)| i).collect();
    assert_eq!(unmapped, [1]);
    let origins = expansion.origins();
    assert_eq!(
        expansion.origin_text(origins["9.2.3"], Lang::En),
        "NIST SP 800-53 Rev. 5 ac-6 → [related; NIST SP 800-53 Rev. 5 to ISO/IEC 27001:2013 mapping, Tables 1–2] A.9.2.3 → [equivalent; ismap's join by number (objective X.Y.Z = Annex A A.X.Y.Z)] 9.2.3 (overall: related)"
    );
    assert!(!origins.contains_key("12.4.5.P"));
    // A control named by two requirements says so.
    let twice = cw.expand(
        &catalog,
        vec![
            req(Framework::Nist, "ac-6"),
            req(Framework::Iso2013, "A.9.2.3"),
        ],
    );
    assert!(
        twice
            .origin_text(twice.origins()["9.2.3"], Lang::Ja)
            .ends_with("（総合: 関連）。ほか 1 件の要件からも対応付けられています")
    );
    // Named twice (once through a baseline): counted once.
    let dup = cw.expand(
        &catalog,
        vec![
            req(Framework::Nist, "ac-6"),
            Requirement {
                fedramp: Some(FedrampBaseline::Moderate),
                ..req(Framework::Nist, "ac-6")
            },
        ],
    );
    assert_eq!(dup.requirements.len(), 1);
    // An enhancement no table names takes its base control's links, as related.
    let enhancement = cw.expand(&catalog, vec![req(Framework::Nist, "ac-6.1")]);
    let first = &enhancement.requirements[0].controls[0];
    assert_eq!(first.id.as_str(), "9.2.3");
    assert_eq!(first.link.steps[0].to.id, "ac-6");
    assert_eq!(first.link.steps[0].source, SOURCE_ENHANCEMENT);
    assert_eq!(first.link.relationship, Relationship::Related);
}

#[test]
fn gap_analysis_on_a_small_fixture() {
    let catalog = small_catalog();
    let cw = fixture();
    let held = |f, id: &str, status| Held {
        node: Node::new(f, id),
        status,
    };
    let keys: Vec<ControlKey> = catalog.keys().collect();
    let ids = |gap: &Gap| -> Vec<(String, Coverage)> {
        gap.rows
            .iter()
            .map(|r| (catalog.get(r.key).id.to_string(), r.coverage))
            .collect()
    };
    // An ISO 2013 statement of applicability covering A.9.2.3: the objective and its plain
    // detailed items are covered, the cloud-specific additions only partly.
    let iso = cw.gap(
        &catalog,
        &keys,
        &[held(Framework::Iso2013, "A.9.2.3", HeldStatus::Implemented)],
    );
    let by_id = ids(&iso);
    let want = [
        ("3.1.2", Coverage::NotCovered),
        ("9.2.3", Coverage::Covered),
        ("9.2.3.1", Coverage::Covered),
        ("9.2.3.3.P", Coverage::Partly),
        ("12.4.5.P", Coverage::NotCovered),
    ];
    for (id, coverage) in want {
        assert!(
            by_id.contains(&(id.to_owned(), coverage)),
            "{id}: {by_id:?}"
        );
    }
    let cloud = iso
        .rows
        .iter()
        .find(|r| catalog.get(r.key).id.as_str() == "12.4.5.P")
        .expect("row");
    assert_eq!(cloud.no_link, Some(NoLink::CloudOnly));
    // The same control held only in part is never "covered".
    let partial = cw.gap(
        &catalog,
        &keys,
        &[held(Framework::Iso2013, "A.9.2.3", HeldStatus::Partial)],
    );
    assert!(!ids(&partial).iter().any(|(_, c)| *c == Coverage::Covered));
    // NIST pairs are "related": a FedRAMP baseline covers ISMAP controls partly at best.
    let fedramp: Vec<Held> = cw
        .fedramp(FedrampBaseline::Moderate)
        .iter()
        .map(|id| held(Framework::Nist, id, HeldStatus::Implemented))
        .collect();
    let gap = cw.gap(&catalog, &keys, &fedramp);
    assert_eq!(gap.counts().0, 0);
    let row = gap
        .rows
        .iter()
        .find(|r| catalog.get(r.key).id.as_str() == "9.2.3")
        .expect("row");
    assert_eq!(row.coverage, Coverage::Partly);
    assert_eq!(row.via.as_ref().map(|(n, _)| n.id.as_str()), Some("ac-2"));
}
