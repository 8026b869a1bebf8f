//! Bad input: exit code 2, a message naming the place and the value, and nothing written.

use crate::{Env, fixture, repo_file};

#[test]
fn malformed_registry_names_line_and_column_and_changes_nothing() {
    let env = Env::new();
    env.run(&["demo"]).ok();
    let before = env.run(&["registry", "export"]).ok();
    let err = env
        .run(&["import", "registry", &fixture("broken-syntax.json")])
        .bad_input();
    assert!(err.contains("broken-syntax.json:4:"), "{err}");
    let err = env
        .run(&["import", "registry", &fixture("bad-date.json")])
        .bad_input();
    assert!(
        err.contains("registrations[1].audit_period.end: expected a date written YYYY-MM-DD")
            && err.contains("(value \"2025/03/31\")"),
        "{err}"
    );
    let err = env
        .run(&["import", "registry", &fixture("unknown-control.json")])
        .bad_input();
    assert!(
        err.contains(
            "registrations[0].controls.\"5.1.9\": not a criteria ID of version 2022-04-01"
        ),
        "{err}"
    );
    let err = env
        .run(&["import", "registry", &fixture("unknown-program.json")])
        .bad_input();
    assert!(
        err.contains(
            "registrations[0].program: expected \"ismap\" or \"ismap-liu\" (value \"fedramp\")"
        ),
        "{err}"
    );
    assert_eq!(
        env.run(&["registry", "export"]).ok(),
        before,
        "a refused import changed the database"
    );
}

/// docs/domain.md, "Rules settled after review": facts of one entry that contradict each other
/// are refused.
#[test]
fn contradicting_facts_are_refused_naming_field_value_and_date() {
    let env = Env::new();
    env.run(&["demo"]).ok();
    let before = env.run(&["registry", "export"]).ok();
    let demo = std::fs::read_to_string(repo_file("examples/demo-registry.json")).expect("demo");
    // (replace this, with this, expected in the message)
    let cases = [
        (
            r#""renewal_filed_on": "2026-10-15""#,
            r#""renewal_filed_on": "2025-07-31""#,
            "registrations[4].renewal_filed_on: a renewal is filed after the audit period it follows: 2025-07-31 is on or before the audit period's end 2025-07-31",
        ),
        (
            r#""revoked_on": "2026-09-30""#,
            r#""revoked_on": "2025-07-31""#,
            "registrations[5].revoked_on: the registration is revoked on 2025-07-31, before it was registered on 2025-08-01",
        ),
        (
            r#""10.1.1": { "status": "implemented", "inherited_from": "C99-0004-1" }"#,
            r#""10.1.1": { "status": "implemented", "inherited_from": "C99-0001-1" }"#,
            "registrations[8].controls.\"10.1.1\".inherited_from: controls are inherited from C99-0001-1, which is not one of the entry's underlying services (value \"C99-0001-1\")",
        ),
    ];
    let refused = |file: &std::path::Path| {
        env.run(&[
            "--lang",
            "en",
            "import",
            "registry",
            file.to_str().expect("utf-8"),
        ])
        .bad_input()
    };
    for (i, (from, to, expected)) in cases.into_iter().enumerate() {
        assert!(demo.contains(from), "the demo lacks {from}");
        let file = env.path(&format!("contradiction-{i}.json"));
        std::fs::write(&file, demo.replacen(from, to, 1)).expect("write");
        let err = refused(&file);
        assert!(err.contains(expected), "{err}");
    }
    // The same rule through a spreadsheet: the column and the row are named.
    let csv = env.path("renewal.csv");
    std::fs::write(
        &csv,
        "登録番号,制度,サービス名称,事業者名,登録日,監査対象期間 開始,監査対象期間 終了,更新申請日\n\
         C99-0100-1,ISMAP,架空サービス,架空株式会社,2024-06-01,2023-04-01,2024-03-31,2023-12-01\n",
    )
    .expect("write");
    let err = refused(&csv);
    assert!(
        err.contains("更新申請日") && err.contains("2023-12-01") && err.contains("2024-03-31"),
        "{err}"
    );
    assert_eq!(
        env.run(&["registry", "export"]).ok(),
        before,
        "a refused import changed the database"
    );
}

#[test]
fn bad_profiles() {
    let env = Env::new();
    let registry = repo_file("examples/demo-registry.json");
    let cases = [
        (
            "confidentiality = 2",
            "confidentiality = 5",
            "confidentiality: expected 1, 2 or 3",
        ),
        (
            "\"9.1.1\"",
            "\"9.1.99\"",
            "controls.required[2]: not a criteria ID of version 2022-04-01 (value \"9.1.99\")",
        ),
        (
            "end = 2029-12-31",
            "end = \"2029-02-30\"",
            "contract.end: expected a date",
        ),
        ("low_impact = false", "low_impact = no", "p.toml:6:"),
    ];
    let good =
        std::fs::read_to_string(repo_file("examples/demo-profile.toml")).expect("demo profile");
    for (from, to, expected) in cases {
        assert!(good.contains(from), "{from}");
        let profile = env.write("p.toml", &good.replacen(from, to, 1));
        let err = env
            .run(&[
                "check",
                "--profile",
                profile.to_str().expect("utf-8"),
                "--registry",
                &registry,
            ])
            .bad_input();
        assert!(err.contains(expected), "{to}: {err}");
    }
}

#[test]
fn bad_arguments() {
    let env = Env::new();
    let profile = repo_file("examples/demo-profile.toml");
    let err = env
        .run(&["check", "--profile", "no-such.toml", "--demo"])
        .bad_input();
    assert!(err.contains("no-such.toml: cannot read"), "{err}");
    let err = env
        .run(&[
            "check",
            "--profile",
            &profile,
            "--demo",
            "--on",
            "2026-02-30",
        ])
        .bad_input();
    // Refused at the command line's boundary, naming the option, the value and the form.
    assert!(
        err.contains("invalid value '2026-02-30' for '--on <DATE>'")
            && err.contains("expected a date written YYYY-MM-DD"),
        "{err}"
    );
    let err = env
        .run(&["check", "--profile", &profile, "--demo", "--format", "docx"])
        .bad_input();
    assert!(err.contains("invalid value 'docx'"), "{err}");
    let err = env
        .run(&["expiry", "--audit-end", "31/03/2024"])
        .bad_input();
    assert!(
        err.contains("'31/03/2024' for '--audit-end <DATE>'"),
        "{err}"
    );
    let err = env.run(&["check", "--profile", &profile]).bad_input();
    assert!(
        err.contains("ismap import registry"),
        "empty database: {err}"
    );
    let err = env
        .run(&["registry", "show", "C99-0404-1", "--demo"])
        .bad_input();
    assert!(err.contains("C99-0404-1"), "{err}");
    let err = env.run(&["criteria", "show", "5.1.1.X"]).bad_input();
    assert!(err.contains("5.1.1.X"), "{err}");
    let err = env
        .run(&["criteria", "list", "--criteria-version", "2099-01-01"])
        .bad_input();
    assert!(err.contains("2099-01-01"), "{err}");
    for refresh in ["0", "0.05", "inf", "NaN", "soon"] {
        let err = env.run(&["serve", "--refresh", refresh]).bad_input();
        assert!(
            err.contains(&format!(
                "invalid value '{refresh}' for '--refresh <SECONDS>'"
            )) && err.contains("between 0.1 and 3600"),
            "{err}"
        );
    }
}

#[test]
fn other_failures_exit_1_and_a_closed_pipe_is_not_one() {
    let env = Env::new();
    // a database that cannot be opened is a failure, not bad input
    let missing = env.path("no-such-dir/ismap.db");
    let out = env.run(&["--db", missing.to_str().expect("utf-8"), "registry", "list"]);
    assert_eq!(out.code(), 1, "{}", out.stderr());
    assert!(
        out.stderr().contains("cannot open database"),
        "{}",
        out.stderr()
    );

    // `ismap criteria list --format json | true`: the reader is gone before the first write
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ismap"))
        .args(["criteria", "list", "--format", "json"])
        .env("ISMAP_DB", env.db())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn database_passwords_are_never_printed() {
    let env = Env::new();
    let backup = env.write("backup.json", "{}");
    let url = "postgres://ismap:s3cret-pw@127.0.0.1:1/nowhere";
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["registry", "list"],
        vec!["restore", backup.to_str().expect("utf-8")],
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_ismap"))
            .args(&args)
            .env("ISMAP_DB", url)
            .output()
            .expect("run ismap");
        let printed = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!printed.contains("s3cret-pw"), "{args:?}: {printed}");
        if args[0] != "--help" && args[1] != "--help" {
            assert!(!out.status.success(), "{args:?}");
            assert!(
                printed.contains("127.0.0.1:1"),
                "still says where: {printed}"
            );
        }
    }
}

#[test]
fn an_import_dated_before_the_list_history_is_refused_and_changes_nothing() {
    let env = Env::new();
    let registry = repo_file("examples/demo-registry.json");
    env.run(&["import", "registry", "--effective", "2026-01-01", &registry])
        .ok();
    let two = fixture("two-services.json");
    let before = env.run(&["registry", "export"]).ok();
    let err = env
        .run(&["import", "registry", "--effective", "2025-12-31", &two])
        .bad_input();
    assert!(
        err.contains("only grows forward") && err.contains("2026-01-01"),
        "{err}"
    );
    assert_eq!(env.run(&["registry", "export"]).ok(), before);
    env.run(&["import", "registry", "--effective", "2026-01-01", &two])
        .ok();
}
