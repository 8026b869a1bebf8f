use crate::{Env, fixture, repo_file};

#[test]
fn import_list_show_and_reimport() {
    let env = Env::new();
    let registry = repo_file("examples/demo-registry.json");
    let dry = env
        .run(&["import", "registry", &registry, "--dry-run"])
        .ok();
    assert!(dry.contains("確認のみ") && dry.contains("追加: 9"), "{dry}");
    assert!(
        !env.db().exists() || env.run(&["registry", "list", "--format", "json"]).code() == 2,
        "dry run wrote data"
    );

    let first = env
        .run(&["--lang", "en", "import", "registry", &registry])
        .ok();
    assert!(first.contains("added: 9"), "{first}");
    let again = env
        .run(&["--lang", "en", "import", "registry", &registry])
        .ok();
    assert!(
        again.contains("added: 0") && again.contains("unchanged: 9"),
        "{again}"
    );

    let list = env
        .run(&["registry", "list", "--on", "2026-12-01", "--format", "json"])
        .json();
    let rows = list.as_array().expect("rows");
    assert_eq!(rows.len(), 9);
    assert_eq!(rows[4]["status"], "renewal_pending");
    assert_eq!(rows[4]["expires_on"], "2026-11-30");

    let shown = env
        .run(&[
            "registry",
            "show",
            "C99-0002-1",
            "--on",
            "2026-12-01",
            "--format",
            "json",
        ])
        .json();
    assert_eq!(shown["status"], "valid");
    assert_eq!(shown["controls"]["12.3.1"]["inherited_from"], "C99-0001-1");
    let table = env
        .run(&["registry", "show", "C99-0001-1", "--lang", "en"])
        .ok();
    assert!(table.contains("バージニア北部 (US, selectable)"), "{table}");

    // a smaller registry replaces the stored one: removals are reported
    let small = env
        .run(&[
            "--lang",
            "en",
            "import",
            "registry",
            &fixture("two-services.json"),
        ])
        .ok();
    assert!(small.contains("removed: 7 (C99-0003-2, "), "{small}");
    assert!(
        small.contains("changed: 2 (C99-0001-1, C99-0002-1)"),
        "{small}"
    );
    assert_eq!(
        env.run(&["registry", "list", "--format", "json"])
            .json()
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    assert!(!small.contains("note:"), "{small}");
}

#[test]
fn unconventional_registration_numbers_are_accepted_and_pointed_out() {
    let env = Env::new();
    let text = std::fs::read_to_string(fixture("two-services.json"))
        .expect("fixture")
        .replace("C99-0002-1", "DEMO-2");
    let file = env.write("odd.json", &text);
    let out = env
        .run(&[
            "--lang",
            "en",
            "import",
            "registry",
            file.to_str().expect("utf-8"),
        ])
        .ok();
    assert!(out.contains("added: 2"), "{out}");
    assert!(
        out.contains("note: registration numbers not in the usual form (e.g. C21-0008-2): DEMO-2"),
        "{out}"
    );
}

#[test]
fn criteria_commands() {
    let env = Env::new();
    let all = env.run(&["criteria", "list", "--format", "json"]).json();
    assert_eq!(all.as_array().map(Vec::len), Some(261));
    let governance = env
        .run(&[
            "criteria",
            "list",
            "--part",
            "governance",
            "--format",
            "json",
        ])
        .json();
    assert_eq!(governance.as_array().map(Vec::len), Some(24));
    let shown = env
        .run(&["criteria", "show", "6.3.1.P", "--format", "json"])
        .json();
    let ids: Vec<&str> = shown
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert_eq!(ids, ["6.3.1.P", "6.3.1.1.PB"]);
    assert_eq!(shown[1]["mandatory"], true);
    assert_eq!(shown[0]["cloud_specific"], true);
    let en = env
        .run(&["--lang", "en", "criteria", "show", "9.5.2.P"])
        .ok();
    assert!(en.contains("Virtual machine hardening"), "{en}");
}

#[test]
fn help_everywhere() {
    let env = Env::new();
    for args in [
        vec!["--help"],
        vec!["check", "--help"],
        vec!["expiry", "--help"],
        vec!["import", "registry", "--help"],
        vec!["registry", "list", "--help"],
        vec!["registry", "show", "--help"],
        vec!["registry", "export", "--help"],
        vec!["criteria", "list", "--help"],
        vec!["criteria", "show", "--help"],
        vec!["demo", "--help"],
    ] {
        let out = env.run(&args).ok();
        assert!(out.contains("Usage:"), "{args:?}: {out}");
    }
}

#[test]
fn spreadsheets_in_and_out() {
    let env = Env::new();
    env.run(&["demo"]).ok();
    let csv = env.path("registry.csv");
    let xlsx = env.path("registry.xlsx");
    env.run(&[
        "registry",
        "export",
        "--format",
        "csv",
        "-o",
        csv.to_str().expect("utf-8"),
    ])
    .ok();
    assert!(
        std::fs::read(&csv)
            .expect("csv written")
            .starts_with(b"\xEF\xBB\xBF"),
        "UTF-8 BOM for Excel"
    );
    env.run(&[
        "registry",
        "export",
        "--format",
        "xlsx",
        "-o",
        xlsx.to_str().expect("utf-8"),
    ])
    .ok();
    let err = env
        .run(&["registry", "export", "--format", "xlsx"])
        .bad_input();
    assert!(err.contains("-o FILE"), "{err}");

    // a registry sheet carries no control statements: re-importing it changes only those
    let other = Env::new();
    let out = other
        .run(&[
            "--lang",
            "en",
            "import",
            "registry",
            xlsx.to_str().expect("utf-8"),
        ])
        .ok();
    assert!(out.contains("added: 9"), "{out}");
    let from_xlsx = other
        .run(&["registry", "list", "--on", "2026-12-01", "--format", "json"])
        .json();
    let from_demo = env
        .run(&["registry", "list", "--on", "2026-12-01", "--format", "json"])
        .json();
    assert_eq!(from_xlsx, from_demo);
    let out = other
        .run(&[
            "--lang",
            "en",
            "import",
            "registry",
            csv.to_str().expect("utf-8"),
            "--dry-run",
        ])
        .ok();
    assert!(out.contains("unchanged: 9"), "{out}");

    // check reads a spreadsheet registry directly
    let profile = crate::repo_file("examples/demo-profile.toml");
    let report = env
        .run(&[
            "check",
            "--profile",
            &profile,
            "--registry",
            csv.to_str().expect("utf-8"),
            "--service",
            "C99-0008-1",
            "--format",
            "json",
        ])
        .json();
    assert_eq!(report["results"][0]["verdict"], "fail");

    // a bad cell: file, row, column, value; nothing written
    let text =
        std::fs::read_to_string(&csv)
            .expect("csv")
            .replacen("2026-06-15", "令和8年2月30日", 1);
    let bad = env.write("bad.csv", &text);
    let err = other
        .run(&["import", "registry", bad.to_str().expect("utf-8")])
        .bad_input();
    assert!(
        err.contains("bad.csv:2:6: 登録日: expected a date such as")
            && err.contains("(value \"令和8年2月30日\")"),
        "{err}"
    );
    assert_eq!(
        other
            .run(&["registry", "list", "--on", "2026-12-01", "--format", "json"])
            .json(),
        from_demo
    );
}

#[test]
fn statements_in_and_out() {
    let env = Env::new();
    env.run(&["demo"]).ok();
    let full = env.run(&["registry", "export"]).ok();
    let sheet = env.path("registry.xlsx");
    let statements = env.path("statements.xlsx");
    env.run(&[
        "registry",
        "export",
        "--format",
        "xlsx",
        "-o",
        sheet.to_str().expect("utf-8"),
    ])
    .ok();
    env.run(&[
        "registry",
        "export",
        "--statements",
        "--format",
        "xlsx",
        "-o",
        statements.to_str().expect("utf-8"),
    ])
    .ok();
    let err = env.run(&["registry", "export", "--statements"]).bad_input();
    assert!(err.contains("--statements"), "{err}");

    // registry sheet first (no statements), then the statements: the same registry as before
    let other = Env::new();
    other
        .run(&["import", "registry", sheet.to_str().expect("utf-8")])
        .ok();
    let dry = other
        .run(&[
            "--lang",
            "en",
            "import",
            "statements",
            statements.to_str().expect("utf-8"),
            "--dry-run",
        ])
        .ok();
    assert!(
        dry.contains("changed: 3 (C99-0001-1, C99-0002-1, C99-0009-1)"),
        "{dry}"
    );
    other
        .run(&["import", "statements", statements.to_str().expect("utf-8")])
        .ok();
    assert_eq!(other.run(&["registry", "export"]).ok(), full);

    let csv = env.write(
        "s.csv",
        "登録番号,管理策ID,実施状況\nC99-0001-1,9.1.1,done\n",
    );
    let err = other
        .run(&["import", "statements", csv.to_str().expect("utf-8")])
        .bad_input();
    assert!(
        err.contains("s.csv:2:3: 実施状況: expected implemented, partial or not_applicable (実施／一部実施／非該当) (value \"done\")"),
        "{err}"
    );
    assert_eq!(
        other.run(&["registry", "export"]).ok(),
        full,
        "nothing written"
    );
}

#[test]
fn criteria_import_and_diff() {
    let env = Env::new();
    let file = env.write(
        "criteria.csv",
        "ID,名称（日本語）,名称（英語）,本文（日本語）\n5.1.1.1,方針文書,Policy document,方針群を定め、承認し、公表する。\n8.1.5.4.P,,Removal of customer data,\n",
    );
    let f = file.to_str().expect("utf-8");
    let dry = env
        .run(&["--lang", "en", "import", "criteria", f, "--dry-run"])
        .ok();
    assert!(
        dry.contains("added: 2 (5.1.1.1, 8.1.5.4.P)") && dry.contains("changed: 0"),
        "{dry}"
    );
    assert_eq!(
        env.run(&["criteria", "list", "--format", "json"])
            .json()
            .as_array()
            .map(Vec::len),
        Some(261),
        "dry run wrote"
    );

    // a new version starts from the built-in structure; the built-in one is untouched
    let out = env
        .run(&[
            "--lang",
            "en",
            "import",
            "criteria",
            f,
            "--criteria-version",
            "2024-07-01",
        ])
        .ok();
    assert!(out.contains("added: 2 (5.1.1.1, 8.1.5.4.P)"), "{out}");
    let diff = env
        .run(&[
            "--lang",
            "en",
            "criteria",
            "diff",
            "2022-04-01",
            "2024-07-01",
        ])
        .ok();
    assert_eq!(
        diff,
        "added: 2 (5.1.1.1, 8.1.5.4.P)\nchanged: 0\nremoved: 0\n"
    );
    let shown = env
        .run(&[
            "criteria",
            "show",
            "5.1.1",
            "--criteria-version",
            "2024-07-01",
            "--format",
            "json",
        ])
        .json();
    assert_eq!(shown[1]["id"], "5.1.1.1");
    assert_eq!(shown[1]["mandatory"], false);
    assert_eq!(shown[1]["title_ja"], "方針文書");

    let bad = env.write("bad.csv", "ID,名称（日本語）\n5.9.9.1,x\n");
    let err = env
        .run(&["import", "criteria", bad.to_str().expect("utf-8")])
        .bad_input();
    assert!(
        err.contains("bad.csv:2:1: ID: no control objective 5.9.9"),
        "{err}"
    );
    let err = env
        .run(&["criteria", "diff", "2022-04-01", "1999-01-01"])
        .bad_input();
    assert!(err.contains("1999-01-01"), "{err}");
}

#[test]
fn oscal_verbs() {
    let env = Env::new();
    let catalog = env.path("ismap-catalog.json");
    let profile = env.path("ismap-profile.json");
    env.run(&[
        "oscal",
        "convert",
        "catalog",
        "-o",
        catalog.to_str().expect("utf-8"),
    ])
    .ok();
    env.run(&[
        "oscal",
        "convert",
        "profile",
        "-o",
        profile.to_str().expect("utf-8"),
    ])
    .ok();
    let out = env
        .run(&[
            "--lang",
            "en",
            "oscal",
            "validate",
            catalog.to_str().expect("utf-8"),
        ])
        .ok();
    assert!(
        out.ends_with("catalog (valid), 261 controls, 0 parameters\n"),
        "{out}"
    );
    let out = env
        .run(&[
            "--lang",
            "en",
            "oscal",
            "validate",
            profile.to_str().expect("utf-8"),
        ])
        .ok();
    assert!(out.ends_with("profile (valid), 261 controls\n"), "{out}");
    let resolved = env
        .run(&["oscal", "resolve", profile.to_str().expect("utf-8")])
        .json();
    assert_eq!(
        resolved["catalog"]["groups"][0]["id"],
        "ismap-part-governance"
    );

    let broken = env.write(
        "broken.json",
        r#"{"catalog": {"uuid": "x", "metadata": {"title": "t"}}}"#,
    );
    let err = env
        .run(&["oscal", "validate", broken.to_str().expect("utf-8")])
        .bad_input();
    assert!(
        err.contains("broken.json: catalog.metadata: missing field `last-modified`"),
        "{err}"
    );
    let lost = env.write("lost.json", r#"{"profile": {"uuid": "x", "metadata": {"title": "t"}, "imports": [{"href": "nowhere.json", "include-all": {}}]}}"#);
    let err = env
        .run(&["oscal", "resolve", lost.to_str().expect("utf-8")])
        .bad_input();
    assert!(err.contains("cannot load nowhere.json"), "{err}");

    // Imports are local files inside the profile's directory (or --allow-path), at most 64.
    let elsewhere = env.path("elsewhere");
    std::fs::create_dir(&elsewhere).expect("dir");
    let inside = elsewhere.join("p");
    std::fs::create_dir(&inside).expect("dir");
    std::fs::copy(&catalog, elsewhere.join("cat.json")).expect("copy");
    let escaping = inside.join("escaping.json");
    std::fs::write(
        &escaping,
        r#"{"profile": {"uuid": "x", "metadata": {"title": "t"}, "imports": [{"href": "../cat.json", "include-all": {}}]}}"#,
    )
    .expect("write");
    let escaping = escaping.to_str().expect("utf-8");
    let err = env.run(&["oscal", "resolve", escaping]).bad_input();
    assert!(
        err.contains("outside the profile's directory; allow it with --allow-path DIR"),
        "{err}"
    );
    let allowed = env
        .run(&[
            "oscal",
            "resolve",
            escaping,
            "--allow-path",
            elsewhere.to_str().expect("utf-8"),
        ])
        .json();
    assert!(
        allowed["catalog"]["controls"]
            .as_array()
            .is_some_and(|c| !c.is_empty()),
        "{allowed}"
    );
    let remote = env.write("remote.json", r#"{"profile": {"uuid": "x", "metadata": {"title": "t"}, "imports": [{"href": "https://example.org/cat.json", "include-all": {}}]}}"#);
    let err = env
        .run(&["oscal", "resolve", remote.to_str().expect("utf-8")])
        .bad_input();
    assert!(err.contains("remote imports are not fetched"), "{err}");
    let imports: Vec<String> = (0..65)
        .map(|_| r#"{"href": "ismap-catalog.json", "include-all": {}}"#.to_owned())
        .collect();
    let many = env.write(
        "many.json",
        &format!(
            r#"{{"profile": {{"uuid": "x", "metadata": {{"title": "t"}}, "imports": [{}]}}}}"#,
            imports.join(",")
        ),
    );
    let err = env
        .run(&["oscal", "resolve", many.to_str().expect("utf-8")])
        .bad_input();
    assert!(err.contains("more than 64 imports"), "{err}");

    let component = env
        .run(&[
            "oscal",
            "convert",
            "component",
            "--demo",
            "--service",
            "C99-0002-1",
        ])
        .json();
    let requirements = &component["component-definition"]["components"][0]["control-implementations"]
        [0]["implemented-requirements"];
    assert_eq!(requirements.as_array().map(Vec::len), Some(9));
    assert_eq!(requirements[1]["control-id"], "ismap-8.1.5.P");
    assert_eq!(requirements[1]["props"][0]["value"], "not-applicable");
    let err = env
        .run(&["oscal", "convert", "component", "--demo"])
        .bad_input();
    assert!(err.contains("--service"), "{err}");
    let profile_file = crate::repo_file("examples/demo-profile.toml");
    let results = env
        .run(&[
            "check",
            "--demo",
            "--profile",
            &profile_file,
            "--format",
            "oscal",
            "--service",
            "C99-0006-1",
        ])
        .json();
    let result = &results["assessment-results"]["results"][0];
    assert_eq!(
        result["findings"][0]["target"]["status"]["state"],
        "not-satisfied"
    );
    assert_eq!(result["findings"][0]["props"][1]["value"], "revoked");

    // NIST's own profile, when the shared data is there (CI)
    let nist = crate::repo_file(
        "../shared/data/oscal/rev5.0.1-2021-06/NIST_SP-800-53_rev5_MODERATE-baseline_profile.json",
    );
    if std::path::Path::new(&nist).exists() {
        let out = env.run(&["--lang", "en", "oscal", "validate", &nist]).ok();
        assert!(out.ends_with("profile (valid), 287 controls\n"), "{out}");
    } else {
        eprintln!("skipped the NIST part: ../shared/data/oscal is absent");
    }
}
