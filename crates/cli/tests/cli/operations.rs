//! Operating commands on the engine `ISMAP_TEST_ENGINE` selects: accounts, the audit trail
//! (tampered with directly in the database), backups restored onto SQLite and PostgreSQL,
//! alert runs on a given date, the list's history.

use super::Run;
use ismap_core::access::Role;
use ismap_store::testing::{TestDb, postgres_server};
use ismap_store::{LoginClient, Store};
use sea_orm::ConnectionTrait;
use std::io::Write;
use std::process::{Command, Stdio};

/// Runs `ismap` on `db`, writing `stdin` to its standard input.
fn ismap(db: &TestDb, args: &[&str], stdin: &str) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ismap"))
        .args(args)
        .env("ISMAP_DB", &db.spec)
        .env("ISMAP_LANG", "en")
        .env("COLUMNS", "200")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run ismap");
    if let Some(mut input) = child.stdin.take() {
        input.write_all(stdin.as_bytes()).expect("stdin");
    }
    Run(child.wait_with_output().expect("wait"))
}

#[tokio::test]
async fn accounts_audit_and_backups() {
    let db = TestDb::new().await;
    ismap(&db, &["demo"], "").ok();
    let out = ismap(
        &db,
        &["user", "add", "ops", "--role", "operator"],
        "a long password here\n",
    )
    .ok();
    assert_eq!(out, "ops (operator)\n");
    let err = ismap(&db, &["user", "add", "weak", "--role", "admin"], "short\n").bad_input();
    assert!(err.contains("at least 12 characters"), "{err}");
    let err = ismap(
        &db,
        &["user", "add", "prov", "--role", "provider"],
        "a long password here\n",
    )
    .bad_input();
    assert!(err.contains("--org"), "{err}");
    let token = ismap(&db, &["user", "token", "ops", "--name", "cron"], "").ok();
    assert!(
        token.starts_with("ismap_") && token.trim().len() == 70,
        "{token}"
    );
    ismap(&db, &["user", "token", "ops", "--revoke", "1"], "").ok();
    ismap(&db, &["user", "token", "ops", "--revoke", "1"], "").bad_input();
    // A disabled account cannot sign in; enabled again, it can.
    let store = Store::open(&db.spec).await.expect("open");
    ismap(&db, &["user", "disable", "ops"], "").ok();
    assert!(
        store
            .login(
                "ops",
                "a long password here",
                &LoginClient::new("127.0.0.1")
            )
            .await
            .expect("db")
            .is_err()
    );
    ismap(&db, &["user", "enable", "ops"], "").ok();
    assert!(
        store
            .login(
                "ops",
                "a long password here",
                &LoginClient::new("127.0.0.1")
            )
            .await
            .expect("db")
            .is_ok()
    );
    ismap(&db, &["user", "disable", "nobody"], "").bad_input();
    let verified = ismap(&db, &["audit", "verify"], "").ok();
    assert!(verified.starts_with("intact: 8 events"), "{verified}");
    // The head it prints is the anchor to check against later.
    let anchor = verified
        .split("(head ")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .expect("the head");
    assert!(anchor.starts_with("8:"), "{anchor}");
    ismap(&db, &["audit", "verify", "--anchor", anchor], "").ok();
    let err = ismap(&db, &["audit", "verify", "--anchor", "8"], "").bad_input();
    assert!(err.contains("SEQ:HASH"), "{err}");
    let ahead = format!("9:{}", &anchor[2..]);
    assert_eq!(
        ismap(&db, &["audit", "verify", "--anchor", &ahead], "").code(),
        1,
        "an anchor past the end is a broken trail"
    );
    let log = ismap(&db, &["audit", "log", "--subject", "account:ops"], "").ok();
    assert_eq!(
        log.lines().count(),
        7,
        "add, token, revoke, disable, refused login, enable, login: {log}"
    );

    // A backup restores onto a fresh database of each engine, chain and all.
    let backup = tempfile::tempdir().expect("dir");
    let file = backup.path().join("backup.json");
    let file = file.to_str().expect("utf-8");
    ismap(&db, &["backup", "-o", file], "").ok();
    let mut targets = vec![TestDb::sqlite()];
    if let Some(server) = postgres_server() {
        targets.push(TestDb::postgres(&server).await);
    }
    let listed = ismap(&db, &["registry", "list", "--format", "json"], "").ok();
    for target in &targets {
        let wrong = format!("8:{}", "0".repeat(64));
        let err = ismap(target, &["restore", "--anchor", &wrong, file], "").bad_input();
        assert!(err.contains("does not verify"), "{err}");
        ismap(target, &["restore", "--anchor", anchor, file], "").ok();
        assert_eq!(
            ismap(target, &["registry", "list", "--format", "json"], "").ok(),
            listed
        );
        assert!(
            ismap(target, &["audit", "verify"], "")
                .ok()
                .starts_with("intact: 9 events"),
            "the restore itself is the ninth event"
        );
        let log = ismap(target, &["audit", "log"], "").ok();
        assert!(log.contains("backup.restore"), "{log}");
        let err = ismap(target, &["restore", file], "").bad_input();
        assert!(err.contains("--replace"), "{err}");
        ismap(target, &["restore", "--replace", file], "").ok();
    }
    std::fs::write(backup.path().join("bad.json"), "{\"format\": \"x\"").expect("write");
    let bad = backup.path().join("bad.json");
    let err = ismap(
        &targets[0],
        &["restore", "--replace", bad.to_str().expect("utf-8")],
        "",
    )
    .bad_input();
    assert!(err.contains("bad.json:1:"), "{err}");

    // Tampering in the database (with the append-only guard lifted) is found, and the first
    // broken event named.
    for sql in [
        "INSERT INTO audit_unlock (id) VALUES (1)",
        "UPDATE audit_event SET actor = 'someone else' WHERE seq = 2",
    ] {
        store
            .connection()
            .execute_unprepared(sql)
            .await
            .expect("tamper");
    }
    let broken = ismap(&db, &["audit", "verify"], "");
    assert_eq!(broken.code(), 1);
    assert!(
        broken.stderr().contains("broken at event 2"),
        "{}",
        broken.stderr()
    );
}

#[tokio::test]
async fn alert_runs_and_the_list_history() {
    let db = TestDb::new().await;
    ismap(&db, &["demo"], "").ok();
    let store = Store::open(&db.spec).await.expect("open");
    let buyer = store
        .add_user(
            "t",
            "buyer",
            "a long password here",
            Role::Procurer,
            Some("架空市"),
            None,
        )
        .await
        .expect("user")
        .actor();
    let no = ismap_core::ids::RegistrationNumber::parse("C99-0001-1").expect("no");
    let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
    store
        .add_watch(
            &buyer,
            &no,
            (d("2025-01-01"), d("2030-03-31")),
            "基幹系",
            &[],
        )
        .await
        .expect("watch");
    let run: serde_json::Value =
        serde_json::from_str(&ismap(&db, &["alerts", "run", "--on", "2025-01-01"], "").ok())
            .expect("json");
    assert!(run["raised"].as_u64().expect("raised") >= 1, "{run}");
    let again: serde_json::Value =
        serde_json::from_str(&ismap(&db, &["alerts", "run", "--on", "2025-01-01"], "").ok())
            .expect("json");
    assert_eq!(again["raised"], 0);
    assert!(!store.alerts(&buyer, 10).await.expect("alerts").is_empty());
    ismap(&db, &["alerts", "run", "--on", "2025-13-01"], "").bad_input();

    // The demo was imported today: the list before today is empty, after it the demo.
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(2))
        .date_naive()
        .to_string();
    let before = ismap(
        &db,
        &[
            "registry", "list", "--as-of", &yesterday, "--format", "json",
        ],
        "",
    )
    .json();
    assert_eq!(before.as_array().map(Vec::len), Some(0));
    let diff = ismap(
        &db,
        &["registry", "diff", "--from", &yesterday, "--format", "json"],
        "",
    )
    .json();
    assert_eq!(diff.as_array().map(Vec::len), Some(9));
    assert_eq!(diff[0]["change"], "added");
    ismap(&db, &["registry", "list", "--as-of", "yesterday"], "").bad_input();

    // An import dated by --effective: the list history shows it from that date.
    let demo = super::repo_file("examples/demo-registry.json");
    let fresh = TestDb::new().await;
    ismap(
        &fresh,
        &["import", "registry", &demo, "--effective", "2025-04-01"],
        "",
    )
    .ok();
    let on = |date: &str| {
        ismap(
            &fresh,
            &["registry", "list", "--as-of", date, "--format", "json"],
            "",
        )
        .json()
    };
    assert_eq!(on("2025-03-31").as_array().map(Vec::len), Some(0));
    assert_eq!(on("2025-04-01").as_array().map(Vec::len), Some(9));
    ismap(
        &fresh,
        &["import", "registry", &demo, "--effective", "1 April"],
        "",
    )
    .bad_input();
    let log = ismap(&fresh, &["audit", "log"], "").ok();
    assert!(
        log.contains("\"actor\":\"cli:"),
        "the audit trail names the command's user: {log}"
    );
}

#[tokio::test]
async fn the_lifecycle_from_the_command_line() {
    let db = TestDb::new().await;
    let pw = "a long password here\n";
    ismap(
        &db,
        &[
            "user",
            "add",
            "acme",
            "--role",
            "provider",
            "--org",
            "架空株式会社",
        ],
        pw,
    )
    .ok();
    ismap(
        &db,
        &[
            "user",
            "add",
            "aud",
            "--role",
            "auditor",
            "--org",
            "監査法人X",
        ],
        pw,
    )
    .ok();
    ismap(&db, &["user", "add", "ops", "--role", "operator"], pw).ok();
    let dir = tempfile::tempdir().expect("dir");
    // A statement that leaves out mandatory items, and a 非該当 without a reason, cannot be
    // submitted: the refusal names what is missing.
    let partial = dir.path().join("partial.json");
    std::fs::write(
        &partial,
        r#"{"service_name":"架空電子契約","audit_body":"監査法人X","scope_included":["電子契約"],
           "regions":[{"name":"東京","country":"JP"}],
           "statements":[{"control_id":"5.1.1","status":"implemented"},{"control_id":"9.1.1","status":"not_applicable"}]}"#,
    )
    .expect("write");
    let draft = ismap(
        &db,
        &[
            "application",
            "create",
            partial.to_str().expect("utf-8"),
            "--as",
            "acme",
        ],
        "",
    )
    .json();
    let draft_id = draft["id"].to_string();
    let err = ismap(
        &db,
        &[
            "--lang",
            "en",
            "application",
            "act",
            &draft_id,
            r#"{"action":"submit"}"#,
            "--as",
            "acme",
        ],
        "",
    )
    .bad_input();
    assert!(
        err.contains("mandatory items not stated")
            && err.contains("not applicable without a reason: 9.1.1"),
        "{err}"
    );
    let file = dir.path().join("app.json");
    std::fs::write(
        &file,
        ismap_store::testing::stated_in_full(
            r#"{"service_name":"架空電子契約","audit_body":"監査法人X","scope_included":["電子契約"],
               "regions":[{"name":"東京","country":"JP"}]}"#,
            &ismap_formats::criteria::builtin_catalog().expect("criteria"),
        ),
    )
    .expect("write");
    let created = ismap(
        &db,
        &[
            "application",
            "create",
            file.to_str().expect("utf-8"),
            "--as",
            "acme",
        ],
        "",
    )
    .json();
    assert_eq!(created["lifecycle"]["phase"], "draft");
    let id = created["id"].to_string();
    let act =
        |who: &str, json: &str| ismap(&db, &["application", "act", &id, json, "--as", who], "");
    // Refused transitions, wrong roles and bad JSON exit 2 with the reason.
    let err = act("ops", r#"{"action":"start_review"}"#).bad_input();
    assert!(err.contains("cannot start the review while draft"), "{err}");
    let err = act("aud", r#"{"action":"submit"}"#).bad_input();
    assert!(err.contains("only the provider role"), "{err}");
    act("ops", r#"{"action":"explode"}"#).bad_input();
    act("acme", r#"{"action":"submit"}"#).ok();
    let err = act(
        "aud",
        r#"{"action":"record_audit","start":"2025-04-01","end":"2026-04-01","result":"pass"}"#,
    )
    .bad_input();
    assert!(err.contains("longer than 12 months"), "{err}");
    act(
        "aud",
        r#"{"action":"record_audit","start":"2025-04-01","end":"2026-03-31","result":"pass"}"#,
    )
    .ok();
    act("ops", r#"{"action":"start_review"}"#).ok();
    // The audit period ends 2026-03-31: the registration would lapse on 2027-07-31.
    let err = act(
        "ops",
        r#"{"action":"register","on":"2027-08-01","registration_no":"C26-0001-1"}"#,
    )
    .bad_input();
    assert!(err.contains("after the expiry 2027-07-31"), "{err}");
    let registered = act(
        "ops",
        r#"{"action":"register","on":"2026-06-01","registration_no":"C26-0001-1"}"#,
    )
    .json();
    assert_eq!(registered["lifecycle"]["phase"], "registered");
    // The provider is reminded of its own filing deadline, 180 days ahead, once.
    let run = |on: &str| -> serde_json::Value {
        serde_json::from_str(&ismap(&db, &["alerts", "run", "--on", on], "").ok()).expect("json")
    };
    assert_eq!(run("2027-01-31")["raised"], 0);
    assert_eq!(run("2027-02-01")["raised"], 1);
    assert_eq!(run("2027-02-02")["raised"], 0);
    let err = act("acme", r#"{"action":"file_renewal","on":"2027-08-01"}"#).bad_input();
    assert!(err.contains("on or before expiry (2027-07-31)"), "{err}");
    act("acme", r#"{"action":"file_renewal","on":"2027-07-31"}"#).ok();
    let shown = ismap(
        &db,
        &[
            "registry",
            "show",
            "C26-0001-1",
            "--format",
            "json",
            "--on",
            "2027-08-15",
        ],
        "",
    )
    .json();
    assert_eq!(shown["status"], "renewal_pending");
}
