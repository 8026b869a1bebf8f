//! `ismap crosswalk`, `ismap gap`, the OSCAL mapping collection and profiles written in NIST
//! or ISO/IEC 27001 terms, through the real binary and real files.

use crate::{Env, repo_file};

#[test]
fn look_ups_in_every_direction_and_format() {
    let env = Env::new();
    let csv = env
        .run(&[
            "--lang",
            "en",
            "crosswalk",
            "9.2.3",
            "--to",
            "nist",
            "--format",
            "csv",
        ])
        .ok();
    let ac6: Vec<&str> = csv.lines().filter(|l| l.contains(",ac-6,")).collect();
    // Both routes reach ac-6 and name their sources.
    assert_eq!(ac6.len(), 2, "{csv}");
    assert!(ac6.iter().any(|l| l.contains("nist-olir-155")), "{csv}");
    assert!(
        csv.lines()
            .last()
            .is_some_and(|l| l.contains("no substitute for conformity"))
    );

    let back = env
        .run(&[
            "crosswalk",
            "--from",
            "nist",
            "AC-2",
            "--to",
            "ismap",
            "--format",
            "json",
        ])
        .json();
    assert_eq!(back["id"], "ac-2");
    let ids: Vec<&str> = back["links"]
        .as_array()
        .expect("links")
        .iter()
        .filter_map(|l| l["id"].as_str())
        .collect();
    assert!(ids.contains(&"9.2.1"), "{ids:?}");

    let table = env
        .run(&["crosswalk", "--from", "iso27001-2022", "A.5.15"])
        .ok();
    assert!(
        table.contains("A.9.1.1") && table.contains("9.1.1"),
        "{table}"
    );
    assert!(table.contains("証跡"), "{table}");

    let cloud = env.run(&["--lang", "en", "crosswalk", "6.3.1.P"]).ok();
    assert!(
        cloud.contains("No links: A control objective (or its detailed control) from the cloud-specific controls ISO/IEC 27017 adds"),
        "{cloud}"
    );

    let withdrawn = env
        .run(&["--lang", "en", "crosswalk", "--from", "nist", "sa-15.9"])
        .ok();
    assert!(
        withdrawn.contains("Withdrawn; incorporated into: sa-3.2"),
        "{withdrawn}"
    );

    for (args, want) in [
        (
            vec!["crosswalk", "--from", "nist", "ac-99"],
            "ismap: ac-99: not a known NIST SP 800-53 Rev. 5 ID\n",
        ),
        (
            vec!["crosswalk", "A.9.2.3"],
            "ismap: A.9.2.3: expected a criteria ID such as 9.2.3 or 6.1.1.13.PB\n",
        ),
        (
            vec!["crosswalk", "9.2.3", "--to", "ismap"],
            "ismap: --to: same framework as --from (ismap)\n",
        ),
    ] {
        assert_eq!(env.run(&args).bad_input(), want, "{args:?}");
    }
    let unknown = env.run(&["crosswalk", "--from", "cobit", "APO01"]);
    assert_eq!(unknown.code(), 2);
    assert!(
        unknown.stderr().contains("unknown framework \"cobit\""),
        "{}",
        unknown.stderr()
    );
}

#[test]
fn gap_analysis_from_a_file_or_a_baseline() {
    let env = Env::new();
    let have = env.write(
        "soa.csv",
        "framework,id,status\niso27001-2013,A.9.2.3,implemented\niso27001-2013,A.12.3.1,partial\nnist,ac-2\n",
    );
    let json = env
        .run(&[
            "gap",
            "--have",
            have.to_str().expect("utf-8"),
            "--format",
            "json",
        ])
        .json();
    let row = |id: &str| {
        json["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .find(|r| r["id"] == id)
            .cloned()
            .expect(id)
    };
    assert_eq!(row("9.2.3")["coverage"], "reuse_candidate");
    assert_eq!(row("12.3.1")["coverage"], "partial_or_related");
    assert_eq!(row("6.3.1.P")["coverage"], "nothing_to_reuse");
    assert!(
        row("6.3.1.P")["no_link_reason"]
            .as_str()
            .is_some_and(|r| r.contains("27017"))
    );
    assert_eq!(json["held"], "soa.csv (3 件)");

    let md = env
        .run(&[
            "--lang",
            "en",
            "gap",
            "--have",
            "fedramp-moderate",
            "--format",
            "markdown",
        ])
        .ok();
    assert!(md.starts_with("# ISMAP gap analysis"), "{md}");
    assert!(md.contains("Already implemented: FedRAMP Moderate"), "{md}");
    // Why FedRAMP gives no reuse candidate, and what "nothing to reuse" is made of.
    assert!(md.contains("mark every pair 'related'"), "{md}");
    assert!(
        md.contains("Nothing to reuse: outside the mappings"),
        "{md}"
    );
    assert!(md.contains("no substitute for conformity"), "{md}");

    let xlsx = env.path("gap.xlsx");
    env.run(&[
        "gap",
        "--have",
        "fedramp-high",
        "--controls",
        "all",
        "--format",
        "xlsx",
        "-o",
        xlsx.to_str().expect("utf-8"),
    ])
    .ok();
    assert!(std::fs::read(&xlsx).expect("xlsx").starts_with(b"PK"));

    let bad = env.write("bad.csv", "nist,ac-2\nnist,ac-99\n");
    assert_eq!(
        env.run(&["gap", "--have", bad.to_str().expect("utf-8")])
            .bad_input(),
        format!(
            "ismap: {}:2:2: not a known NIST SP 800-53 Rev. 5 ID (value \"ac-99\")\n",
            bad.display()
        )
    );
    let missing = env.run(&["gap", "--have", "no-such-file.csv"]).bad_input();
    assert!(
        missing.contains("no-such-file.csv: cannot read"),
        "{missing}"
    );
    let no_file = env
        .run(&["gap", "--have", "fedramp-moderate", "--format", "xlsx"])
        .bad_input();
    assert!(no_file.contains("-o FILE"), "{no_file}");
}

#[test]
fn the_crosswalk_as_an_oscal_mapping_collection() {
    let env = Env::new();
    let out = env.path("mapping.json");
    let path = out.to_str().expect("utf-8");
    env.run(&[
        "oscal",
        "convert",
        "mapping",
        "--from",
        "ismap",
        "--to",
        "nist-800-53r5",
        "-o",
        path,
    ])
    .ok();
    let valid = env.run(&["--lang", "en", "oscal", "validate", path]).ok();
    assert!(
        valid.contains("mapping-collection (valid),") && valid.ends_with(" maps\n"),
        "{valid}"
    );
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("read")).expect("json");
    assert_eq!(
        doc["mapping-collection"]["metadata"]["oscal-version"],
        "1.2.2"
    );
    assert_eq!(doc["mapping-collection"]["provenance"]["method"], "hybrid");
    // A wrong relationship value is refused, naming where it is.
    let mut broken = doc.clone();
    broken["mapping-collection"]["mappings"][0]["maps"][0]["relationship"] = "same".into();
    broken["mapping-collection"]["mappings"][0]["maps"][0]
        .as_object_mut()
        .expect("map")
        .remove("ns");
    let bad = env.write("broken.json", &broken.to_string());
    let err = env
        .run(&["oscal", "validate", bad.to_str().expect("utf-8")])
        .bad_input();
    assert!(
        err.contains("mappings[0].maps[0].relationship: \"same\" is not one of equivalent-to"),
        "{err}"
    );
    let same = env
        .run(&[
            "oscal", "convert", "mapping", "--from", "nist", "--to", "nist",
        ])
        .bad_input();
    assert!(
        same.contains("--from and --to are both nist-800-53r5"),
        "{same}"
    );
    // ISO 2013 → 2022 works too.
    let iso = env
        .run(&[
            "oscal",
            "convert",
            "mapping",
            "--from",
            "iso27001-2013",
            "--to",
            "iso27001-2022",
        ])
        .ok();
    assert!(
        iso.contains("\"equal-to\""),
        "the Annex B pairs keep their relationships"
    );
}

#[test]
fn a_profile_in_nist_terms_says_where_each_control_came_from() {
    let env = Env::new();
    let profile = env.write(
        "nist.toml",
        "name = \"NIST で書いた要件\"\nconfidentiality = 2\nevaluation_date = 2026-12-01\ncandidates = [\"C99-0001-1\"]\n[controls]\nnist = [\"ac-2\", \"ac-10\"]\n",
    );
    let registry = repo_file("examples/demo-registry.json");
    let run = |format: &str| {
        env.run(&[
            "check",
            "--profile",
            profile.to_str().expect("utf-8"),
            "--registry",
            &registry,
            "--format",
            format,
        ])
    };
    let report = run("json").json();
    let checks = report["results"][0]["checks"].as_array().expect("checks");
    let unmapped: Vec<&serde_json::Value> = checks
        .iter()
        .filter(|c| c["code"] == "requirement_unmapped")
        .collect();
    assert_eq!(unmapped.len(), 1);
    assert_eq!(unmapped[0]["subject"], "NIST SP 800-53 Rev.5 ac-10");
    assert_eq!(unmapped[0]["status"], "review");
    let traced = checks
        .iter()
        .find(|c| {
            c["subject"]
                .as_str()
                .is_some_and(|s| s.starts_with("9.2.1 "))
        })
        .expect("9.2.1 required through ac-2");
    assert!(
        traced["reason"]
            .as_str()
            .is_some_and(|r| r.contains("【要件の由来】NIST SP 800-53 Rev.5 ac-2 →〔関連／NIST SP 800-53 Rev.5–ISO/IEC 27001:2013 対応表 表1・表2〕A.9.2.1 →〔同等／本ツールの番号対応（統制目標 X.Y.Z ＝ 附属書A A.X.Y.Z）〕9.2.1（総合: 関連）")),
        "{traced}"
    );
    assert_eq!(
        report["profile"]["mapped_requirements"][1],
        "NIST SP 800-53 Rev.5 ac-10"
    );
    let md = run("markdown").ok();
    assert!(
        md.contains(
            "他の枠組みで書かれた要件: NIST SP 800-53 Rev.5 ac-2、NIST SP 800-53 Rev.5 ac-10"
        ),
        "{md}"
    );
    assert!(
        md.contains("【要件の由来】NIST SP 800-53 Rev.5 ac-2"),
        "{md}"
    );
}

#[test]
fn not_applicable_on_a_mapped_control_is_for_a_look_not_a_fail() {
    let env = Env::new();
    // C99-0001-1 states 9.2.3 not applicable; ac-6 reaches 9.2.3 only through the crosswalk.
    let mut registry: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo_file("examples/demo-registry.json")).expect("demo"),
    )
    .expect("json");
    let entry = registry["registrations"]
        .as_array_mut()
        .expect("registrations")
        .iter_mut()
        .find(|r| r["registration_no"] == "C99-0001-1")
        .expect("C99-0001-1");
    entry["controls"]["9.2.3"] =
        serde_json::json!({ "status": "not_applicable", "reason": "特権 ID は利用者が管理する" });
    let file = env.write("registry.json", &registry.to_string());
    let check = |controls: &str| {
        let profile = env.write(
            "p.toml",
            &format!("name = \"x\"\nconfidentiality = 2\nevaluation_date = 2026-12-01\ncandidates = [\"C99-0001-1\"]\n[controls]\n{controls}\n"),
        );
        let report = env
            .run(&[
                "check",
                "--profile",
                profile.to_str().expect("utf-8"),
                "--registry",
                file.to_str().expect("utf-8"),
                "--format",
                "json",
            ])
            .json();
        report["results"][0]["checks"]
            .as_array()
            .expect("checks")
            .iter()
            .find(|c| {
                c["subject"]
                    .as_str()
                    .is_some_and(|s| s.starts_with("9.2.3 "))
            })
            .map(|c| {
                (
                    c["status"].as_str().unwrap_or("").to_owned(),
                    c["code"].as_str().unwrap_or("").to_owned(),
                )
            })
            .expect("9.2.3 entry")
    };
    assert_eq!(
        check("nist = [\"ac-6\"]"),
        ("review".to_owned(), "mapped_not_applicable".to_owned())
    );
    // Required directly, the same statement is a fail.
    assert_eq!(
        check("required = [\"9.2.3\"]\nnist = [\"ac-6\"]"),
        ("fail".to_owned(), "not_applicable".to_owned())
    );
}
