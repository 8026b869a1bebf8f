//! Operating commands on the engine `ISMAP_TEST_ENGINE` selects: accounts, the audit trail
//! (tampered with directly in the database), backups restored onto SQLite and PostgreSQL,
//! alert runs on a given date, the list's history.

use super::Run;
use ismap_core::access::Role;
use ismap_store::Store;
use ismap_store::testing::{TestDb, postgres_server};
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
    let verified = ismap(&db, &["audit", "verify"], "").ok();
    assert!(verified.starts_with("intact: 4 events"), "{verified}");
    let log = ismap(&db, &["audit", "log", "--subject", "account:ops"], "").ok();
    assert_eq!(log.lines().count(), 3, "add, token, revoke: {log}");

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
        ismap(target, &["restore", file], "").ok();
        assert_eq!(
            ismap(target, &["registry", "list", "--format", "json"], "").ok(),
            listed
        );
        assert!(
            ismap(target, &["audit", "verify"], "")
                .ok()
                .starts_with("intact: 4 events")
        );
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

    // Tampering in the database is found, and the first broken event named.
    let store = Store::open(&db.spec).await.expect("open");
    store
        .connection()
        .execute_unprepared("UPDATE audit_event SET actor = 'someone else' WHERE seq = 2")
        .await
        .expect("tamper");
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
        .add_watch(&buyer, &no, (d("2025-01-01"), d("2030-03-31")), "基幹系")
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
}
