//! Accounts, the lifecycle through the store, the audit chain (tampered with directly in the
//! database), the list history, alerts and backups, on the engine `ISMAP_TEST_ENGINE` selects.

use super::{catalog, demo_registry};
use chrono::NaiveDate;
use ismap_core::access::{Actor, Role};
use ismap_core::alerts::AlertSettings;
use ismap_core::ids::RegistrationNumber;
use ismap_core::lifecycle::{Action, AuditResult, Phase, Refusal};
use ismap_core::validity::ExpiryRule;
use ismap_store::testing::TestDb;
use ismap_store::{
    Anchor, ApplicationContent, ApplicationError, LoginClient, LoginRefused, Store, StoreError,
    Verification,
};
use sea_orm::ConnectionTrait;

const PASSWORD: &str = "correct horse battery";

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

async fn store(db: &TestDb) -> Store {
    let store = Store::open(&db.spec).await.expect("open");
    store.ensure_criteria(&catalog()).await.expect("criteria");
    store
}

async fn actor(store: &Store, name: &str, role: Role, org: Option<&str>) -> Actor {
    store
        .add_user(
            "test",
            name,
            PASSWORD,
            role,
            org,
            Some(&format!("{name}@example.invalid")),
        )
        .await
        .expect("add user")
        .actor()
}

/// A draft a submission accepts: every mandatory item stated.
fn content() -> ApplicationContent {
    serde_json::from_value(serde_json::json!({
        "service_name": "架空クラウド",
        "service_model": "SaaS",
        "audit_body": "監査法人X",
        "scope_included": ["文書管理", "ワークフロー"],
        "regions": [{"name": "東京", "country": "JP", "selectable": false}],
        "statements": ismap_store::testing::complete_statement(&catalog())
    }))
    .expect("content")
}

#[tokio::test]
async fn accounts_sessions_tokens_and_throttling() {
    let db = TestDb::new().await;
    let store = store(&db).await;
    actor(&store, "alice", Role::Procurer, Some("デジタル庁")).await;
    // Weak passwords, duplicate names and missing organisations are refused.
    let weak = store
        .add_user("t", "bob", "short", Role::Admin, None, None)
        .await;
    assert!(matches!(weak, Err(StoreError::Account(_))));
    let twice = store
        .add_user("t", "alice", PASSWORD, Role::Admin, None, None)
        .await;
    assert!(matches!(twice, Err(StoreError::Account(_))));
    let no_org = store
        .add_user("t", "carol", PASSWORD, Role::Provider, None, None)
        .await;
    assert!(matches!(no_org, Err(StoreError::Account(_))));
    // Names that are paths, and the public role, are refused.
    for name in [".", "..", ".hidden", "-x", "a/b", "名前"] {
        let r = store
            .add_user("t", name, PASSWORD, Role::Operator, None, None)
            .await;
        assert!(matches!(r, Err(StoreError::Account(_))), "{name}");
    }
    let public = store
        .add_user("t", "anyone", PASSWORD, Role::Public, None, None)
        .await;
    assert!(matches!(public, Err(StoreError::Account(_))));

    let (cookie, session) = store
        .login("alice", PASSWORD, &LoginClient::new("127.0.0.1"))
        .await
        .expect("db")
        .expect("login");
    assert_eq!(session.account.role, Role::Procurer);
    assert!(store.session(&cookie).await.expect("db").is_some());
    // A second login gets a different session; logging out ends only that one.
    let (cookie2, _) = store
        .login("alice", PASSWORD, &LoginClient::new("127.0.0.1"))
        .await
        .expect("db")
        .expect("login");
    assert_ne!(cookie, cookie2);
    store.logout(&cookie).await.expect("logout");
    assert!(store.session(&cookie).await.expect("db").is_none());
    assert!(store.session(&cookie2).await.expect("db").is_some());
    // A password change ends every session.
    store
        .set_password("t", "alice", "another long password")
        .await
        .expect("passwd");
    assert!(store.session(&cookie2).await.expect("db").is_none());

    // Tokens live 1 to 366 days, and a password change revokes every one.
    for days in [0, 367] {
        let r = store.create_token("t", "alice", "cron", days).await;
        assert!(matches!(r, Err(StoreError::Account(_))), "{days}");
    }
    let (_, before_change) = store
        .create_token("t", "alice", "cron", 90)
        .await
        .expect("token");
    assert!(
        store
            .token_account(&before_change)
            .await
            .expect("db")
            .is_some()
    );
    store
        .set_password("t", "alice", "another long password")
        .await
        .expect("passwd");
    assert!(
        store
            .token_account(&before_change)
            .await
            .expect("db")
            .is_none()
    );
    // An expired token is refused.
    let (expiring, stale) = store
        .create_token("t", "alice", "cron", 1)
        .await
        .expect("token");
    assert!(store.token_account(&stale).await.expect("db").is_some());
    store
        .connection()
        .execute_unprepared(&format!(
            "UPDATE api_token SET expires_at = created_at WHERE id = {expiring}"
        ))
        .await
        .expect("age the token");
    assert!(store.token_account(&stale).await.expect("db").is_none());
    let listed = store.tokens("alice").await.expect("tokens");
    assert!(listed.iter().all(|t| t.expires_at.is_some()));

    let (id, token) = store
        .create_token("t", "alice", "cron", 90)
        .await
        .expect("token");
    assert_eq!(
        store
            .token_account(&token)
            .await
            .expect("db")
            .map(|a| a.username),
        Some("alice".into())
    );
    assert!(store.revoke_token("t", "alice", id).await.expect("revoke"));
    assert!(
        !store
            .revoke_token("t", "alice", id)
            .await
            .expect("revoke twice")
    );
    assert!(store.token_account(&token).await.expect("db").is_none());
    // At most 20 live tokens per account.
    for _ in 0..20 {
        store
            .create_token("t", "alice", "bulk", 90)
            .await
            .expect("token");
    }
    let r = store.create_token("t", "alice", "one too many", 90).await;
    assert!(
        matches!(r, Err(StoreError::Limit(ismap_store::Limit::Tokens))),
        "{r:?}"
    );

    // Five failures lock the name, even for the right password.
    for _ in 0..5 {
        let r = store
            .login("alice", "wrong password!!", &LoginClient::new("127.0.0.1"))
            .await
            .expect("db");
        assert_eq!(r.err(), Some(LoginRefused::BadCredentials));
    }
    let r = store
        .login(
            "alice",
            "another long password",
            &LoginClient::new("127.0.0.1"),
        )
        .await
        .expect("db");
    assert_eq!(r.err(), Some(LoginRefused::Throttled));
    let r = store
        .login("nobody", PASSWORD, &LoginClient::new("127.0.0.1"))
        .await
        .expect("db");
    assert_eq!(r.err(), Some(LoginRefused::BadCredentials));
    // The five failures against alice are in the trail; the unknown name is not.
    let failed = |subject: &'static str| {
        let store = &store;
        async move {
            store
                .audit_events(Some(subject), 100)
                .await
                .expect("events")
                .iter()
                .filter(|e| e.action == "account.login_failed")
                .count()
        }
    };
    assert_eq!(failed("account:alice").await, 5);
    assert_eq!(failed("account:nobody").await, 0);

    // One address trying many names is refused, whatever the name; other addresses are not.
    let sprayer = LoginClient {
        address: "198.51.100.7".into(),
        max_failures: 3,
    };
    actor(&store, "dave", Role::Operator, None).await;
    for name in ["x1", "x2", "x3"] {
        let r = store.login(name, PASSWORD, &sprayer).await.expect("db");
        assert_eq!(r.err(), Some(LoginRefused::BadCredentials));
    }
    let r = store.login("dave", PASSWORD, &sprayer).await.expect("db");
    assert_eq!(r.err(), Some(LoginRefused::ClientThrottled));
    let elsewhere = LoginClient::new("192.0.2.1");
    let r = store.login("dave", PASSWORD, &elsewhere).await.expect("db");
    assert!(r.is_ok(), "another address is not throttled");
    assert!(matches!(
        store.verify_audit(&[]).await.expect("verify"),
        Verification::Intact { .. }
    ));
}

#[tokio::test]
async fn lifecycle_through_the_store_publishes_and_records() {
    let db = TestDb::new().await;
    let store = store(&db).await;
    let catalog = catalog();
    let civil = ExpiryRule::Civil;
    let provider = actor(&store, "p1", Role::Provider, Some("架空株式会社")).await;
    let other = actor(&store, "p2", Role::Provider, Some("別会社")).await;
    let auditor = actor(&store, "a1", Role::Auditor, Some("監査法人X")).await;
    let other_auditor = actor(&store, "a2", Role::Auditor, Some("監査法人Y")).await;
    let operator = actor(&store, "o1", Role::Operator, None).await;

    let app = store
        .create_application(&provider, content(), &catalog)
        .await
        .expect("create");
    // Other providers and other audit bodies do not see it at all.
    for outsider in [&other, &other_auditor] {
        let r = store.application(outsider, app.id).await;
        assert!(matches!(
            r,
            Err(StoreError::Application(ApplicationError::NotFound(_)))
        ));
        assert!(store.applications(outsider).await.expect("list").is_empty());
    }
    // An unknown control ID is named with its field.
    let mut bad = content();
    bad.statements[0].control_id = "99.9".into();
    let r = store
        .edit_application(&provider, app.id, bad, &catalog)
        .await;
    match r {
        Err(StoreError::Application(ApplicationError::Invalid { field, value, .. })) => {
            assert_eq!(
                (field.as_str(), value.as_str()),
                ("statements[0].control_id", "99.9")
            );
        }
        other => panic!("expected invalid, got {other:?}"),
    }
    // The wrong role is forbidden; the wrong phase is refused.
    let r = store
        .act(&auditor, app.id, Action::Submit, &catalog, civil)
        .await;
    assert!(matches!(
        r,
        Err(StoreError::Application(ApplicationError::Forbidden(_)))
    ));
    let r = store
        .act(&operator, app.id, Action::StartReview, &catalog, civil)
        .await;
    assert!(matches!(
        r,
        Err(StoreError::Application(ApplicationError::Refused(
            Refusal::WrongPhase { .. }
        )))
    ));

    let no = RegistrationNumber::parse("C24-0100-1").expect("no");
    let steps = [
        (&provider, Action::Submit),
        (
            &auditor,
            Action::RecordAudit {
                start: d("2023-04-01"),
                end: d("2024-03-31"),
                result: AuditResult::Pass,
            },
        ),
        (&operator, Action::StartReview),
        (
            &operator,
            Action::Register {
                on: d("2024-06-01"),
                registration_no: no.clone(),
            },
        ),
    ];
    for (who, action) in steps {
        store
            .act(who, app.id, action, &catalog, civil)
            .await
            .expect("allowed");
    }
    let registry = store.load_registry(&catalog).await.expect("registry");
    let entry = registry.get(&no).expect("published");
    assert_eq!(entry.provider, "架空株式会社");
    assert_eq!(entry.expires_on(civil), d("2025-07-31"));

    // Registration numbers are unique on the list.
    let second = store
        .create_application(&provider, content(), &catalog)
        .await
        .expect("create");
    for (who, action) in [
        (&provider, Action::Submit),
        (
            &auditor,
            Action::RecordAudit {
                start: d("2023-04-01"),
                end: d("2024-03-31"),
                result: AuditResult::Pass,
            },
        ),
        (&operator, Action::StartReview),
    ] {
        store
            .act(who, second.id, action, &catalog, civil)
            .await
            .expect("allowed");
    }
    let r = store
        .act(
            &operator,
            second.id,
            Action::Register {
                on: d("2024-06-01"),
                registration_no: no.clone(),
            },
            &catalog,
            civil,
        )
        .await;
    assert!(matches!(
        r,
        Err(StoreError::Application(ApplicationError::Invalid { .. }))
    ));

    // Every step is on the chain, with who did it.
    let events = store
        .audit_events(Some(&format!("application:{}", app.id)), 50)
        .await
        .expect("events");
    let actions: Vec<&str> = events.iter().rev().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "application.create",
            "application.submit",
            "application.record_audit",
            "application.start_review",
            "application.register",
        ]
    );
    assert_eq!(events.last().map(|e| e.actor.as_str()), Some("p1"));
}

/// A registered application through its lifecycle, audited up to a month ago and registered
/// today (so that it is in force now, whatever the date the test runs on).
async fn registered_today(store: &Store, people: &[&Actor; 3], no: &RegistrationNumber) -> i32 {
    let [provider, auditor, operator] = *people;
    let catalog = catalog();
    let today = ismap_core::validity::japan_date(chrono::Utc::now());
    let end = today - chrono::Days::new(30);
    let start = end - chrono::Days::new(300);
    let app = store
        .create_application(provider, content(), &catalog)
        .await
        .expect("create");
    let steps = [
        (provider, Action::Submit),
        (
            auditor,
            Action::RecordAudit {
                start,
                end,
                result: AuditResult::Pass,
            },
        ),
        (operator, Action::StartReview),
        (
            operator,
            Action::Register {
                on: today,
                registration_no: no.clone(),
            },
        ),
    ];
    for (who, action) in steps {
        store
            .act(who, app.id, action, &catalog, ExpiryRule::Civil)
            .await
            .expect("allowed");
    }
    app.id
}

#[tokio::test]
async fn a_change_to_a_registered_service_is_reviewed_before_the_list_shows_it() {
    let db = TestDb::new().await;
    let store = store(&db).await;
    let catalog = catalog();
    let civil = ExpiryRule::Civil;
    let provider = actor(&store, "p1", Role::Provider, Some("架空株式会社")).await;
    let other = actor(&store, "p2", Role::Provider, Some("別会社")).await;
    let auditor = actor(&store, "a1", Role::Auditor, Some("監査法人X")).await;
    let operator = actor(&store, "o1", Role::Operator, None).await;
    let no = RegistrationNumber::parse("C26-0100-1").expect("no");
    let id = registered_today(&store, &[&provider, &auditor, &operator], &no).await;
    let listed = store.load_registry(&catalog).await.expect("registry");
    let expires = listed.get(&no).expect("listed").expires_on(civil);
    let refused = |r: Result<ismap_store::Application, StoreError>| match r {
        Err(StoreError::Application(ApplicationError::Refused(refusal))) => refusal,
        other => panic!("expected a refusal, got {other:?}"),
    };

    // The registered application itself cannot be edited.
    let mut changed = content();
    changed.scope_included.push("電子契約".into());
    let r = store
        .edit_application(&provider, id, changed.clone(), &catalog)
        .await;
    assert!(matches!(
        refused(r),
        Refusal::NotADraft {
            phase: Phase::Registered
        }
    ));

    // A change application: a draft of the registered content, one open at a time, only for
    // the provider's own registration.
    let change = store.create_change(&provider, id).await.expect("change");
    assert_eq!(change.lifecycle.amends.as_ref(), Some(&no));
    assert_eq!(change.lifecycle.phase, Phase::Draft);
    assert_eq!(change.content, content());
    let r = store.create_change(&provider, id).await;
    assert!(matches!(refused(r), Refusal::ChangeOpen { application } if application == change.id));
    let r = store.create_change(&other, id).await;
    assert!(matches!(
        r,
        Err(StoreError::Application(ApplicationError::NotFound(_)))
    ));
    // Program and service name stay as registered.
    for field in ["program", "service_name"] {
        let mut renamed = changed.clone();
        match field {
            "program" => renamed.program = "ismap-liu".into(),
            _ => renamed.service_name = "別のサービス".into(),
        }
        let r = store
            .edit_application(&provider, change.id, renamed, &catalog)
            .await;
        assert_eq!(refused(r), Refusal::Unchangeable { field }, "{field}");
    }
    store
        .edit_application(&provider, change.id, changed, &catalog)
        .await
        .expect("edit the change");

    // Audited and reviewed; the list does not move until an operator approves.
    let today = ismap_core::validity::japan_date(chrono::Utc::now());
    for (who, action) in [
        (&provider, Action::Submit),
        (
            &auditor,
            Action::RecordAudit {
                start: today - chrono::Days::new(200),
                end: today - chrono::Days::new(10),
                result: AuditResult::Pass,
            },
        ),
        (&operator, Action::StartReview),
    ] {
        store
            .act(who, change.id, action, &catalog, civil)
            .await
            .expect("allowed");
    }
    let scope = |registry: &ismap_core::registry::Registry| {
        registry.get(&no).map(|r| r.scope.included.len())
    };
    assert_eq!(
        scope(&store.load_registry(&catalog).await.expect("list")),
        Some(2)
    );
    let r = store
        .act(
            &operator,
            change.id,
            Action::Register {
                on: today,
                registration_no: RegistrationNumber::parse("C26-0101-1").expect("no"),
            },
            &catalog,
            civil,
        )
        .await;
    assert!(matches!(refused(r), Refusal::IsAChange { .. }));
    let r = store
        .act(&provider, change.id, Action::ApproveChange, &catalog, civil)
        .await;
    assert!(matches!(
        r,
        Err(StoreError::Application(ApplicationError::Forbidden(_)))
    ));
    let approved = store
        .act(&operator, change.id, Action::ApproveChange, &catalog, civil)
        .await
        .expect("approve");
    assert_eq!(approved.lifecycle.phase, Phase::ChangeApproved);

    // Published from today, on the same registration: same number, same expiry.
    let list = store.load_registry(&catalog).await.expect("list");
    assert_eq!(scope(&list), Some(3));
    assert_eq!(list.get(&no).map(|r| r.expires_on(civil)), Some(expires));
    let yesterday = today - chrono::Days::new(1);
    assert_eq!(
        scope(
            &store
                .registry_as_of(yesterday, &catalog)
                .await
                .expect("as of")
        ),
        None,
        "the past does not change: registered today"
    );
    assert_eq!(
        scope(&store.registry_as_of(today, &catalog).await.expect("as of")),
        Some(3)
    );
    let changes = store
        .list_changes(10, &catalog, civil)
        .await
        .expect("changes");
    assert_eq!(
        changes[0].change.describe(ismap_core::lang::Lang::En),
        "scope: +電子契約"
    );
    assert!(changes.iter().all(|c| c.effective_on == today));
    // The registered application now holds the approved content; a new change may open.
    let registered = store.application(&provider, id).await.expect("app");
    assert_eq!(registered.content.scope_included.len(), 3);
    store
        .create_change(&provider, id)
        .await
        .expect("next change");
    let trail = store
        .audit_events(Some(&format!("application:{id}")), 50)
        .await
        .expect("events");
    assert_eq!(trail[0].action, "application.change_applied");
}

#[tokio::test]
async fn tampering_with_the_audit_trail_is_detected() {
    // (statement, the first event verification must name)
    let cases = [
        ("UPDATE audit_event SET actor = 'mallory' WHERE seq = 3", 3),
        ("UPDATE audit_event SET after = NULL WHERE seq = 2", 2),
        ("DELETE FROM audit_event WHERE seq = 3", 3),
        ("DELETE FROM audit_event WHERE seq = 5", 5),
    ];
    for (tamper, expected) in cases {
        let db = TestDb::new().await;
        let store = store(&db).await;
        for name in ["u1", "u2", "u3", "u4", "u5"] {
            actor(&store, name, Role::Operator, None).await;
        }
        assert!(matches!(
            store.verify_audit(&[]).await.expect("verify"),
            Verification::Intact { events: 5, .. }
        ));
        // The engine refuses the change outright …
        let refused = store.connection().execute_unprepared(tamper).await;
        assert!(refused.is_err(), "{tamper} was allowed");
        // … so the attacker, with full rights on the database, lifts the guard first.
        let db = store.connection();
        db.execute_unprepared("INSERT INTO audit_unlock (id) VALUES (1)")
            .await
            .expect("lift the guard");
        db.execute_unprepared(tamper).await.expect("tamper");
        match store.verify_audit(&[]).await.expect("verify") {
            Verification::Broken { seq, problem } => {
                assert_eq!(seq, expected, "{tamper}: {problem}");
            }
            intact => panic!("{tamper} went unnoticed: {intact:?}"),
        }
    }
}

/// Someone with full rights can cut the newest events and move the head back, and the chain
/// still verifies on its own; a head recorded outside the database catches it.
#[tokio::test]
async fn anchors_recorded_elsewhere_catch_a_truncated_trail() {
    let db = TestDb::new().await;
    let store = store(&db).await;
    for name in ["u1", "u2", "u3", "u4", "u5"] {
        actor(&store, name, Role::Operator, None).await;
    }
    let Verification::Intact { events, head } = store.verify_audit(&[]).await.expect("verify")
    else {
        panic!("intact at first")
    };
    let anchor = Anchor::head(events, &head);
    assert_eq!(
        anchor.to_string().parse::<Anchor>(),
        Ok(anchor.clone()),
        "round trip"
    );
    let genesis: Anchor = format!("0:{}", "0".repeat(64)).parse().expect("anchor");
    assert!(matches!(
        store
            .verify_audit(&[genesis.clone(), anchor.clone()])
            .await
            .expect("verify"),
        Verification::Intact { events: 5, .. }
    ));
    // A wrong hash for an event that exists is named.
    let wrong = Anchor {
        seq: 2,
        hash: "a".repeat(64),
    };
    match store.verify_audit(&[wrong]).await.expect("verify") {
        Verification::Broken { seq, problem } => {
            assert_eq!(seq, 2);
            assert!(problem.contains("rewritten"), "{problem}");
        }
        intact => panic!("a wrong anchor verified: {intact:?}"),
    }
    let conn = store.connection();
    let kept = store.audit_events(None, 10).await.expect("events")[2].clone();
    assert_eq!(kept.seq, 3);
    for sql in [
        "INSERT INTO audit_unlock (id) VALUES (1)".to_owned(),
        "DELETE FROM audit_event WHERE seq > 3".to_owned(),
        format!("UPDATE audit_head SET seq = 3, hash = '{}'", kept.hash),
        "DELETE FROM audit_unlock".to_owned(),
    ] {
        conn.execute_unprepared(&sql).await.expect(&sql);
    }
    assert!(
        matches!(
            store.verify_audit(&[]).await.expect("verify"),
            Verification::Intact { events: 3, .. }
        ),
        "without an anchor the shorter chain is consistent"
    );
    match store.verify_audit(&[anchor]).await.expect("verify") {
        Verification::Broken { seq, problem } => {
            assert_eq!(seq, 5);
            assert!(problem.contains("gone"), "{problem}");
        }
        intact => panic!("the truncation went unnoticed: {intact:?}"),
    }
    for bad in ["5", "x:abc", "-1:00", &format!("3:{}", "g".repeat(64))] {
        assert!(bad.parse::<Anchor>().is_err(), "{bad} parsed");
    }
}

#[tokio::test]
async fn alerts_are_raised_once_and_queued_for_delivery() {
    let db = TestDb::new().await;
    let store = store(&db).await;
    let catalog = catalog();
    let registry = demo_registry(&catalog);
    store
        .import_registry(&registry, &catalog, "demo", "x", false)
        .await
        .expect("import");
    let procurer = actor(&store, "buyer", Role::Procurer, Some("架空市")).await;
    let entry = &registry.registrations()[0];
    let expires = entry.expires_on(ExpiryRule::Civil);
    // Three buyers watch the same entry, all with the same receiver URL and each with its own
    // key; one then removes its webhook. Each delivery is signed with its own webhook's key.
    let other = actor(&store, "other", Role::Procurer, Some("架空町")).await;
    let leaving = actor(&store, "leaving", Role::Procurer, Some("架空村")).await;
    for (buyer, secret, label) in [
        (&procurer, "s3cret", "基幹系"),
        (&other, "other-secret", ""),
        (&leaving, "gone-secret", ""),
    ] {
        store
            .add_watch(
                buyer,
                &entry.registration_no,
                (
                    expires - chrono::Days::new(400),
                    expires + chrono::Days::new(365),
                ),
                label,
                &[],
            )
            .await
            .expect("watch");
        store
            .add_webhook(buyer, "http://127.0.0.1:9/hook", secret)
            .await
            .expect("hook");
    }
    let today = expires - chrono::Days::new(20);
    let settings = AlertSettings::default();
    let raised = store
        .run_alerts(&registry, &catalog, today, ExpiryRule::Civil, &settings)
        .await
        .expect("run");
    assert!(
        raised >= 2,
        "expiry within 30 days and before the contract end: {raised}"
    );
    // A second run on the same day raises nothing new.
    let again = store
        .run_alerts(&registry, &catalog, today, ExpiryRule::Civil, &settings)
        .await
        .expect("run");
    assert_eq!(again, 0);
    let alerts = store.alerts(&procurer, 10).await.expect("alerts");
    assert_eq!(
        raised % 3,
        0,
        "the three buyers are alerted alike: {raised}"
    );
    let each = raised / 3;
    assert_eq!(alerts.len(), each);
    // A webhook is removed only by its owner; its undelivered alerts are cancelled.
    let hook = store.webhooks(&leaving).await.expect("hooks")[0].id;
    assert!(!store.remove_webhook(&other, hook).await.expect("remove"));
    assert!(store.remove_webhook(&leaving, hook).await.expect("remove"));
    assert!(store.webhooks(&leaving).await.expect("hooks").is_empty());
    // One webhook and one e-mail per remaining alert, claimed once.
    let now = chrono::Utc::now();
    let claimed = store.claim_deliveries(now, 100).await.expect("claim");
    assert_eq!(claimed.len(), each * 5);
    for d in claimed.iter().filter(|d| d.channel == "webhook") {
        let owner = store
            .alerts(&procurer, 10)
            .await
            .expect("alerts")
            .iter()
            .any(|a| a.id == d.alert.id);
        let expected = if owner { "s3cret" } else { "other-secret" };
        assert_eq!(d.secret.as_deref(), Some(expected), "alert {}", d.alert.id);
    }
    assert!(
        store
            .claim_deliveries(now, 100)
            .await
            .expect("claim")
            .is_empty(),
        "leased"
    );
}

#[tokio::test]
async fn providers_are_reminded_of_their_own_filing_deadline() {
    let db = TestDb::new().await;
    let store = store(&db).await;
    let catalog = catalog();
    // C99-0001-1 (架空クラウド) expires 2027-07-31, and so does a second service of the same
    // provider (same audit period); C99-0007-1 of the provider is not yet registered on the day.
    let demo = demo_registry(&catalog);
    let mut second = demo.registrations()[0].clone();
    second.registration_no = RegistrationNumber::parse("C99-0010-1").expect("no");
    let mut entries = demo.registrations().to_vec();
    entries.push(second);
    let registry = ismap_core::registry::Registry::new(entries).expect("unique");
    store
        .import_registry(&registry, &catalog, "demo", "x", false)
        .await
        .expect("import");
    let owner = actor(
        &store,
        "cloud",
        Role::Provider,
        Some("架空クラウド株式会社 (Fictional Cloud K.K.)"),
    )
    .await;
    let colleague = actor(
        &store,
        "cloud2",
        Role::Provider,
        Some("架空クラウド株式会社 (Fictional Cloud K.K.)"),
    )
    .await;
    let stranger = actor(&store, "other", Role::Provider, Some("架空株式会社")).await;
    let settings = AlertSettings::default();
    let run = |today: &str| {
        let (store, registry, catalog, settings) = (&store, &registry, &catalog, &settings);
        let today = d(today);
        async move {
            store
                .run_alerts(registry, catalog, today, ExpiryRule::Civil, settings)
                .await
                .expect("run")
        }
    };
    assert_eq!(run("2027-01-31").await, 0, "181 days before: nothing yet");
    assert_eq!(
        run("2027-02-01").await,
        4,
        "180 days: both services, both accounts of the provider"
    );
    assert_eq!(run("2027-02-02").await, 0, "raised once");
    assert_eq!(run("2027-05-02").await, 4, "90 days");
    let alerts = store.alerts(&owner, 10).await.expect("alerts");
    assert_eq!(alerts.len(), 4);
    assert!(alerts.iter().all(|a| a.kind == "renewal_deadline"
        && ["C99-0001-1", "C99-0010-1"].contains(&a.registration_no.as_str())
        && a.watch_id == ismap_store::OWN_REGISTRATION));
    assert!(
        alerts[0].message_ja.contains(
            "更新のための監査対象期間は 2026-04-01 から最長12か月（2027-03-31 まで）です"
        ),
        "{}",
        alerts[0].message_ja
    );
    assert_eq!(store.alerts(&colleague, 10).await.expect("alerts").len(), 4);
    assert!(
        store
            .alerts(&stranger, 10)
            .await
            .expect("alerts")
            .is_empty()
    );
}

#[tokio::test]
async fn a_watch_keeps_the_controls_it_relies_on() {
    let db = TestDb::new().await;
    let store = store(&db).await;
    let buyer = actor(&store, "buyer", Role::Procurer, Some("架空市")).await;
    let no = RegistrationNumber::parse("C99-0001-1").expect("no");
    let ids = vec!["9.2.3".to_owned(), "12.4.1".to_owned()];
    store
        .add_watch(&buyer, &no, (d("2027-01-01"), d("2029-12-31")), "", &ids)
        .await
        .expect("watch");
    assert_eq!(
        store.watches(&buyer).await.expect("watches")[0].controls,
        ids
    );
}

#[tokio::test]
async fn backup_restores_onto_a_fresh_database() {
    let db = TestDb::new().await;
    let store = store(&db).await;
    let catalog = catalog();
    store
        .import_registry(&demo_registry(&catalog), &catalog, "demo", "x", false)
        .await
        .expect("import");
    let provider = actor(&store, "p1", Role::Provider, Some("架空株式会社")).await;
    store
        .create_application(&provider, content(), &catalog)
        .await
        .expect("create");
    let backup = store.backup().await.expect("backup");

    // Onto SQLite, and onto PostgreSQL when there is one.
    let mut targets = vec![TestDb::sqlite()];
    if let Some(server) = ismap_store::testing::postgres_server() {
        targets.push(TestDb::postgres(&server).await);
    }
    for target in &targets {
        let restored = Store::open(&target.spec).await.expect("open");
        restored
            .restore(backup.clone(), "cli:root", &[])
            .await
            .expect("restore");
        assert_eq!(
            restored
                .load_registry(&catalog)
                .await
                .expect("registry")
                .registrations(),
            store
                .load_registry(&catalog)
                .await
                .expect("registry")
                .registrations()
        );
        // The restored chain holds the original events, then the restore itself.
        let Verification::Intact { events, .. } = store.verify_audit(&[]).await.expect("verify")
        else {
            panic!("the source chain is intact");
        };
        assert!(matches!(
            restored.verify_audit(&[]).await.expect("verify"),
            Verification::Intact { events: n, .. } if n == events + 1
        ));
        let last = &restored.audit_events(None, 1).await.expect("events")[0];
        assert_eq!(
            (last.actor.as_str(), last.action.as_str()),
            ("cli:root", "backup.restore")
        );
        // Logins and new rows work after the restore (generated keys continue).
        assert!(
            restored
                .login("p1", PASSWORD, &LoginClient::new("127.0.0.1"))
                .await
                .expect("db")
                .is_ok()
        );
        let again = restored
            .create_application(&provider, content(), &catalog)
            .await
            .expect("create");
        assert_eq!(again.id, 2);
    }
    let mut wrong = backup.clone();
    wrong["format"] = serde_json::json!("something else");
    assert!(matches!(
        store.restore(wrong, "cli:root", &[]).await,
        Err(StoreError::Backup(_))
    ));
}

#[tokio::test]
async fn restore_refuses_a_backup_whose_trail_does_not_verify_and_ends_sessions() {
    let db = TestDb::new().await;
    let store = store(&db).await;
    let catalog = catalog();
    let provider = actor(&store, "p1", Role::Provider, Some("架空株式会社")).await;
    store
        .create_application(&provider, content(), &catalog)
        .await
        .expect("create");
    let (cookie, _) = store
        .login("p1", PASSWORD, &LoginClient::new("127.0.0.1"))
        .await
        .expect("db")
        .expect("login");
    let (_, token) = store
        .create_token("t", "p1", "cron", 90)
        .await
        .expect("token");
    let backup = store.backup().await.expect("backup");
    let Verification::Intact { events, head } = store.verify_audit(&[]).await.expect("verify")
    else {
        panic!("intact");
    };

    // An edited event (a provider's name changed in the trail) is refused; nothing changes.
    let mut edited = backup.clone();
    edited["tables"]["audit_event"][0]["actor"] = serde_json::json!("someone-else");
    let target = TestDb::sqlite();
    let restored = Store::open(&target.spec).await.expect("open");
    let refused = restored.restore(edited, "cli:root", &[]).await;
    assert!(
        matches!(&refused, Err(StoreError::Backup(m)) if m.contains("does not verify at event 1")),
        "{refused:?}"
    );
    assert!(!restored.holds_data().await.expect("db"));

    // A backup cut short (its newest events and head moved back) passes the chain alone but
    // not the head recorded elsewhere.
    let mut cut = backup.clone();
    let rows = cut["tables"]["audit_event"].as_array_mut().expect("rows");
    rows.pop();
    let last = rows.last().expect("an event").clone();
    cut["tables"]["audit_head"][0]["seq"] = last["seq"].clone();
    cut["tables"]["audit_head"][0]["hash"] = last["hash"].clone();
    assert!(restored.restore(cut.clone(), "cli:root", &[]).await.is_ok());
    let anchor = Anchor::head(events, &head);
    assert!(matches!(
        restored
            .restore(cut, "cli:root", std::slice::from_ref(&anchor))
            .await,
        Err(StoreError::Backup(_))
    ));

    // The intact backup restores; the session and the token it carried are over.
    restored
        .restore(backup, "cli:root", &[anchor])
        .await
        .expect("restore");
    assert!(restored.session(&cookie).await.expect("db").is_none());
    assert!(restored.token_account(&token).await.expect("db").is_none());
}

#[tokio::test]
async fn the_list_history_only_grows_forward() {
    let db = TestDb::new().await;
    let store = store(&db).await;
    let catalog = catalog();
    let old = demo_registry(&catalog);
    let mut entries = old.registrations().to_vec();
    entries[0].service_name = "改名後".into();
    entries.pop();
    let new = ismap_core::registry::Registry::new(entries).expect("unique");
    let import = |registry, on: &str| {
        let store = &store;
        let catalog = &catalog;
        let on = d(on);
        async move {
            store
                .import_registry_as("t", registry, catalog, ("x", "y"), false, on)
                .await
        }
    };
    import(&old, "2025-01-01").await.expect("import");
    import(&new, "2026-01-01").await.expect("import");
    let first = &old.registrations()[0].registration_no;
    let on = |date: &str| {
        let store = &store;
        let catalog = &catalog;
        let date = d(date);
        async move { store.registry_as_of(date, catalog).await.expect("as of") }
    };
    assert!(on("2024-12-31").await.is_empty());
    let in_2025 = on("2025-06-01").await;
    assert_eq!(in_2025.len(), old.len());
    assert_eq!(
        in_2025.get(first).map(|r| r.service_name.as_str()),
        Some(old.registrations()[0].service_name.as_str())
    );
    let in_2026 = on("2026-06-01").await;
    assert_eq!(
        in_2026.get(first).map(|r| r.service_name.as_str()),
        Some("改名後")
    );
    assert_eq!(in_2026.len(), new.len());

    // Back-filling the old list before the new one would rewrite what 2025 showed: refused,
    // and nothing of that import is kept.
    let before = store.list_revision().await.expect("revision");
    let r = import(&old, "2025-06-01").await;
    match r {
        Err(StoreError::Backdated {
            registration_no,
            effective_on,
            latest,
        }) => {
            assert_eq!(registration_no, first.to_string());
            assert_eq!((effective_on, latest), (d("2025-06-01"), d("2026-01-01")));
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(store.list_revision().await.expect("revision"), before);
    assert_eq!(
        on("2025-06-01").await.registrations(),
        in_2025.registrations()
    );
}

fn snapshot_entry(
    n: u32,
    service: &str,
    status: ismap_core::check::Status,
    code: &str,
) -> ismap_core::case::SnapshotEntry {
    ismap_core::case::SnapshotEntry {
        entry: n,
        registration_no: service.into(),
        check: "controls".into(),
        status,
        code: code.into(),
        subject: Some(format!("subject {n}")),
        reason: "r".into(),
        action: None,
    }
}

fn case_snapshot(entries: Vec<ismap_core::case::SnapshotEntry>) -> ismap_store::Snapshot {
    ismap_store::Snapshot {
        seq: 0,
        profile_version: 1,
        evaluated_on: d("2026-12-01"),
        criteria_version: "2022-04-01".into(),
        expiry_rule: "civil".into(),
        registry_sha256: "a".repeat(64),
        registry_revision: Some(7),
        entries,
        candidates: vec![facts(ismap_core::registration::ListingStatus::Valid)],
        contract: None,
    }
}

fn facts(
    status: ismap_core::registration::ListingStatus,
) -> ismap_core::case::premise::CandidateFacts {
    ismap_core::case::premise::CandidateFacts {
        registration_no: "C99-0001-1".into(),
        service_name: Some("架空クラウド".into()),
        provider: Some("架空株式会社".into()),
        status,
        expires_on: Some(d("2027-07-31")),
        regions: vec!["東京".into()],
        duties: vec!["iam".into(), "logging".into()],
    }
}

#[tokio::test]
async fn procurement_cases_keep_their_record_on_either_engine() {
    use ismap_core::case::{CaseRefusal, Proposal, ResolutionKind};
    use ismap_core::check::Status;
    use ismap_store::CaseError;
    let db = TestDb::new().await;
    let store = store(&db).await;
    let drafter = actor(&store, "drafter", Role::Procurer, Some("架空省")).await;
    let boss = actor(&store, "boss", Role::Procurer, Some("架空省")).await;
    let boss = Actor {
        approver: store
            .set_approver("admin", "boss", true)
            .await
            .expect("approver")
            .approver,
        ..boss
    };
    let stranger = actor(&store, "stranger", Role::Procurer, Some("別省")).await;
    let operator = actor(&store, "op", Role::Operator, None).await;
    // Only procurers become approvers.
    assert!(matches!(
        store.set_approver("admin", "op", true).await,
        Err(StoreError::Account(
            ismap_store::AccountError::ApproverRole(_)
        ))
    ));
    let refused = |e: StoreError| match e {
        StoreError::Case(CaseError::Refused(r)) => r,
        other => panic!("expected a refusal, got {other:?}"),
    };
    let case = store
        .create_case(&drafter, "人事給与", "name = \"p\"\nconfidentiality = 2\n")
        .await
        .expect("create");
    for outsider in [&stranger, &operator] {
        assert!(matches!(
            store.case(outsider, case.id).await,
            Err(StoreError::Case(CaseError::NotFound(_)))
        ));
    }
    assert!(store.cases(&stranger).await.expect("own cases").is_empty());
    let entries = vec![
        snapshot_entry(1, "C99-0001-1", Status::Pass, "implemented"),
        snapshot_entry(2, "C99-0001-1", Status::Review, "partial"),
        snapshot_entry(3, "C99-0001-1", Status::Fail, "not_applicable"),
    ];
    let checked = store
        .record_snapshot(&drafter, case.id, case_snapshot(entries.clone()))
        .await
        .expect("snapshot");
    assert_eq!((checked.snapshots, checked.profile_version), (1, 1));
    let proposal = |kind| Proposal {
        kind,
        text: "書面で確認".into(),
        document: None,
        legal_basis: None,
        attachment: None,
    };
    store
        .resolve(
            &drafter,
            case.id,
            (1, 2),
            proposal(ResolutionKind::WrittenConfirmation),
        )
        .await
        .expect("resolve 2");
    store
        .resolve(
            &drafter,
            case.id,
            (1, 3),
            proposal(ResolutionKind::AlternativeMeasure),
        )
        .await
        .expect("resolve 3");
    assert_eq!(
        refused(
            store
                .approve_resolution(&drafter, case.id, (1, 2))
                .await
                .expect_err("no right")
        ),
        CaseRefusal::NotApprover
    );
    store
        .approve_resolution(&boss, case.id, (1, 2))
        .await
        .expect("approve 2");
    // A new check: the approved resolution of the unchanged entry 2 carries over (as entry 1
    // now); entry 3 changed its status, so its resolution stays with the old snapshot.
    let mut changed = entries.clone();
    changed.remove(0);
    changed[0].entry = 1;
    changed[1].entry = 2;
    changed[1].status = Status::Review;
    let again = store
        .record_snapshot(&drafter, case.id, case_snapshot(changed))
        .await
        .expect("snapshot 2");
    assert_eq!(again.snapshots, 2);
    // A page still showing snapshot 1 cannot approve what entry 2 means now.
    assert_eq!(
        refused(
            store
                .approve_resolution(&boss, case.id, (1, 2))
                .await
                .expect_err("stale")
        ),
        CaseRefusal::StaleSnapshot { latest: 2 }
    );
    let carried: Vec<(u32, bool)> = again
        .resolutions
        .iter()
        .map(|r| (r.entry, r.approved_by.is_some()))
        .collect();
    assert_eq!(carried, [(1, true)]);
    store
        .resolve(
            &boss,
            case.id,
            (2, 2),
            proposal(ResolutionKind::RiskAcceptance),
        )
        .await
        .expect("resolve");
    assert_eq!(
        refused(
            store
                .approve_resolution(&boss, case.id, (2, 2))
                .await
                .expect_err("own")
        ),
        CaseRefusal::OwnResolution
    );
    let deputy = actor(&store, "deputy", Role::Procurer, Some("架空省")).await;
    let deputy = Actor {
        approver: store
            .set_approver("admin", "deputy", true)
            .await
            .expect("d")
            .approver,
        ..deputy
    };
    store
        .approve_resolution(&deputy, case.id, (2, 2))
        .await
        .expect("deputy approves");
    let proposed = store
        .decide(
            &drafter,
            case.id,
            "C99-0001-1",
            d("2026-12-02"),
            "要件をすべて満たし、価格が最も低い",
        )
        .await
        .expect("decide");
    assert!(
        proposed
            .decision
            .as_ref()
            .is_some_and(|d| d.approved_by.is_none())
    );
    assert_eq!(
        refused(
            store
                .resolve(
                    &drafter,
                    case.id,
                    (2, 1),
                    proposal(ResolutionKind::LegalReview)
                )
                .await
                .expect_err("locked")
        ),
        CaseRefusal::Decided
    );
    let decided = store
        .approve_decision(&boss, case.id, "C99-0001-1")
        .await
        .expect("approve decision");
    assert_eq!(
        decided
            .decision
            .as_ref()
            .and_then(|d| d.approved_by.as_deref()),
        Some("boss")
    );
    assert_eq!(
        store
            .case_snapshots(&drafter, case.id)
            .await
            .expect("all")
            .len(),
        2
    );
    // Every act is in the trail, the chain verifies, and a backup carries the cases.
    let trail: Vec<String> = store
        .audit_events(Some(&format!("case:{}", case.id)), 100)
        .await
        .expect("trail")
        .into_iter()
        .map(|e| e.action)
        .collect();
    for action in [
        "case.create",
        "case.check",
        "case.resolve",
        "case.approve",
        "case.decide",
        "case.approve_decision",
    ] {
        assert!(trail.iter().any(|a| a == action), "{action}: {trail:?}");
    }
    assert!(matches!(
        store.verify_audit(&[]).await.expect("verify"),
        Verification::Intact { .. }
    ));
    let backup = store.backup().await.expect("backup");
    let tables = backup["tables"].as_object().expect("tables");
    assert_eq!(tables["case_resolution"].as_array().map(Vec::len), Some(4));
    assert_eq!(tables["case_snapshot"].as_array().map(Vec::len), Some(2));
}

/// After the choice: the evidence register, files kept with the case, and the watch that
/// re-checks a decided case and alerts its members when the list changed under the decision.
#[tokio::test]
async fn procurement_cases_in_operation_on_either_engine() {
    use ismap_core::case::CaseRefusal;
    use ismap_core::case::evidence::{EvidenceRow, Performer};
    use ismap_core::check::Status;
    use ismap_core::registration::ListingStatus;
    use ismap_store::CaseError;
    let db = TestDb::new().await;
    let store = store(&db).await;
    let drafter = actor(&store, "drafter", Role::Procurer, Some("架空省")).await;
    let boss = actor(&store, "boss", Role::Procurer, Some("架空省")).await;
    let boss = Actor {
        approver: store
            .set_approver("admin", "boss", true)
            .await
            .expect("approver")
            .approver,
        ..boss
    };
    let stranger = actor(&store, "stranger", Role::Procurer, Some("別省")).await;
    let refused = |e: StoreError| match e {
        StoreError::Case(CaseError::Refused(r)) => r,
        other => panic!("expected a refusal, got {other:?}"),
    };
    let case = store
        .create_case(&drafter, "文書管理", "name = \"p\"\nconfidentiality = 2\n")
        .await
        .expect("create");
    let passing = vec![snapshot_entry(1, "C99-0001-1", Status::Pass, "implemented")];
    store
        .record_snapshot(&drafter, case.id, case_snapshot(passing.clone()))
        .await
        .expect("snapshot");
    let today = d("2026-12-03");
    let row = |duty: &str, next: &str| EvidenceRow {
        duty: duty.into(),
        activity: "特権IDの棚卸し".into(),
        performer: Performer::Own,
        frequency: "四半期".into(),
        evidence: "棚卸し記録".into(),
        location: "共有フォルダ".into(),
        retention: "5年".into(),
        last_checked: Some(d("2026-09-01")),
        checked_by: Some("山田".into()),
        next_due: Some(d(next)),
    };
    // The register is for the chosen service: nothing before a decision.
    assert_eq!(
        refused(
            store
                .set_evidence(&drafter, case.id, row("iam", "2026-12-01"), today)
                .await
                .expect_err("no choice yet")
        ),
        CaseRefusal::NoChosenService
    );
    // Files: kept under their SHA-256, once; another agency cannot reach them.
    let kept = store
        .add_attachment(
            &drafter,
            case.id,
            "C:\\docs\\確認書.pdf",
            b"%PDF-1.4 letter",
        )
        .await
        .expect("attach");
    assert_eq!(kept.name, "確認書.pdf");
    assert_eq!(kept.media_type, "application/pdf");
    // sha256sum of the same bytes
    assert_eq!(
        kept.sha256,
        "d9c2649d18ac2776f94479589c8247d72e7c070977240abf79e33a2ffd54302c"
    );
    let again = store
        .add_attachment(&boss, case.id, "copy.pdf", b"%PDF-1.4 letter")
        .await
        .expect("same file");
    assert_eq!(
        (again.sha256.as_str(), again.name.as_str()),
        (kept.sha256.as_str(), "確認書.pdf")
    );
    let (_, bytes) = store
        .attachment(&boss, case.id, &kept.sha256)
        .await
        .expect("fetch");
    assert_eq!(bytes, b"%PDF-1.4 letter");
    assert!(matches!(
        store.attachment(&stranger, case.id, &kept.sha256).await,
        Err(StoreError::Case(CaseError::NotFound(_)))
    ));
    assert!(matches!(
        store
            .add_attachment(&drafter, case.id, "empty.txt", b"")
            .await,
        Err(StoreError::Case(CaseError::Invalid(_)))
    ));
    store
        .decide(
            &drafter,
            case.id,
            "C99-0001-1",
            d("2026-12-02"),
            "唯一の候補",
        )
        .await
        .expect("decide");
    // The list changes under the proposal (a renewal moved the expiry): the watch records it,
    // and the proposal made on the earlier snapshot can no longer be approved.
    let mut moved = case_snapshot(passing.clone());
    moved.candidates[0].expires_on = Some(d("2028-07-31"));
    assert_eq!(
        store
            .watch_case(case.id, moved, today)
            .await
            .expect("moved"),
        2
    );
    assert_eq!(
        refused(
            store
                .approve_decision(&boss, case.id, "C99-0001-1")
                .await
                .expect_err("stale")
        ),
        CaseRefusal::StaleSnapshot { latest: 2 }
    );
    store
        .reopen(&boss, case.id, "更新後の有効期限で判断し直す")
        .await
        .expect("reopen");
    store
        .decide(
            &drafter,
            case.id,
            "C99-0001-1",
            d("2026-12-02"),
            "更新を確認した",
        )
        .await
        .expect("decide again");
    store
        .approve_decision(&boss, case.id, "C99-0001-1")
        .await
        .expect("approve");
    // Decided, and still the register takes rows (it is kept in operation), for its duties only.
    assert_eq!(
        refused(
            store
                .set_evidence(&drafter, case.id, row("waf_operation", "2027-01-01"), today)
                .await
                .expect_err("not a duty")
        ),
        CaseRefusal::NotADuty {
            duty: "waf_operation".into()
        }
    );
    let filled = store
        .set_evidence(&drafter, case.id, row("iam", "2026-12-01"), today)
        .await
        .expect("evidence");
    let view = filled.view(ismap_core::lang::Lang::Ja, today);
    let iam = view.duties.iter().find(|d| d.duty == "iam").expect("iam");
    assert!(iam.overdue && iam.row.is_some());
    assert!(
        view.duties
            .iter()
            .any(|d| d.duty == "logging" && d.row.is_none())
    );
    assert!(matches!(
        store
            .set_evidence(&stranger, case.id, row("iam", "2027-01-01"), today)
            .await,
        Err(StoreError::Case(CaseError::NotFound(_)))
    ));
    // Overdue evidence: one alert per member, once.
    assert_eq!(store.evidence_alerts(today).await.expect("overdue"), 2);
    assert_eq!(store.evidence_alerts(today).await.expect("once"), 0);
    assert!(store.alerts(&stranger, 10).await.expect("none").is_empty());

    // The watch: the same facts change nothing …
    let mut same = case_snapshot(passing.clone());
    same.candidates[0].expires_on = Some(d("2028-07-31"));
    assert_eq!(
        store.watch_case(case.id, same, today).await.expect("same"),
        0
    );
    // … a revocation is recorded as a new snapshot and alerts both members, once.
    let mut revoked = case_snapshot(vec![snapshot_entry(
        1,
        "C99-0001-1",
        Status::Fail,
        "revoked",
    )]);
    revoked.candidates = vec![facts(ListingStatus::Revoked)];
    revoked.candidates[0].expires_on = Some(d("2028-07-31"));
    assert_eq!(
        store
            .watch_case(case.id, revoked.clone(), today)
            .await
            .expect("changed"),
        2
    );
    assert_eq!(
        store
            .watch_case(case.id, revoked, today)
            .await
            .expect("seen"),
        0
    );
    let now = store.case(&drafter, case.id).await.expect("case");
    assert_eq!(now.snapshots, 3);
    assert!(now.premise_changed());
    let alerts = store.alerts(&boss, 10).await.expect("alerts");
    let premise = alerts
        .iter()
        .find(|a| a.kind == "case_premise_changed")
        .expect("premise alert");
    assert!(
        premise.message_ja.contains("判断の前提が変わりました"),
        "{}",
        premise.message_ja
    );
    assert!(
        premise.message_ja.contains("登録取消"),
        "{}",
        premise.message_ja
    );
    assert_eq!(premise.case_id, Some(case.id));
    assert!(alerts.iter().any(|a| a.kind == "evidence_overdue"));
    let trail: Vec<String> = store
        .audit_events(Some(&format!("case:{}", case.id)), 100)
        .await
        .expect("trail")
        .into_iter()
        .map(|e| e.action)
        .collect();
    for action in ["case.attach", "case.evidence", "case.watch"] {
        assert!(trail.iter().any(|a| a == action), "{action}: {trail:?}");
    }
}
