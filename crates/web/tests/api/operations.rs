//! Accounts and permissions over real HTTP: the permission matrix (every documented route ×
//! every role), session fixation, CSRF, token revocation, throttling, the lifecycle through
//! the API, history and feeds, and two servers sharing one PostgreSQL database.

use crate::{Reply, Server, database_server, database_server_on, get, request};
use ismap_core::access::Role;
use ismap_store::testing::TestDb;
use ismap_store::{LoginClient, Store};
use ismap_web::Deployment;
use std::collections::BTreeSet;

const PASSWORD: &str = "a long enough password";

/// One account per role with an API token; the public has none.
async fn tokens(store: &Store) -> Vec<(Role, Option<String>)> {
    let mut out = Vec::new();
    for (role, org) in [
        (Role::Admin, None),
        (Role::Operator, None),
        (Role::Auditor, Some("監査法人X")),
        (Role::Provider, Some("架空株式会社")),
        (Role::Procurer, Some("架空市")),
    ] {
        let name = format!("{role}1");
        store
            .add_user("test", &name, PASSWORD, role, org, None)
            .await
            .expect("user");
        let (_, token) = store
            .create_token("test", &name, "t", 90)
            .await
            .expect("token");
        out.push((role, Some(token)));
    }
    out.push((Role::Public, None));
    out
}

async fn call(s: &Server, method: &str, path: &str, token: Option<&str>, body: &str) -> Reply {
    let auth = token.map(|t| format!("Bearer {t}"));
    let mut headers = vec![("Content-Type", "application/json")];
    if let Some(a) = &auth {
        headers.push(("Authorization", a.as_str()));
    }
    request(s.addr, method, path, &headers, body.as_bytes()).await
}

#[tokio::test]
async fn permission_matrix_covers_every_route() {
    use Role::*;
    let (s, store) = database_server().await;
    let tokens = tokens(&store).await;
    const ALL: &[Role] = &[Admin, Operator, Auditor, Provider, Procurer, Public];
    const SIGNED_IN: &[Role] = &[Admin, Operator, Auditor, Provider, Procurer];
    const APPLICANTS: &[Role] = &[Operator, Auditor, Provider];
    // (method, documented path, concrete path, body, roles allowed)
    let matrix: &[(&str, &str, &str, &str, &[Role])] = &[
        ("get", "/healthz", "/healthz", "", ALL),
        (
            "get",
            "/api/v1/registrations",
            "/api/v1/registrations",
            "",
            ALL,
        ),
        (
            "get",
            "/api/v1/registrations/{no}",
            "/api/v1/registrations/C99-0001-1",
            "",
            ALL,
        ),
        ("get", "/api/v1/criteria", "/api/v1/criteria", "", ALL),
        (
            "get",
            "/api/v1/criteria/{id}",
            "/api/v1/criteria/5.1.1",
            "",
            ALL,
        ),
        (
            "get",
            "/api/v1/crosswalk",
            "/api/v1/crosswalk?from=nist&id=ac-2",
            "",
            ALL,
        ),
        ("post", "/api/v1/checks", "/api/v1/checks", "{}", ALL),
        (
            "get",
            "/api/v1/history/diff",
            "/api/v1/history/diff?from=2024-01-01",
            "",
            ALL,
        ),
        ("get", "/api/v1/feed.json", "/api/v1/feed.json", "", ALL),
        ("get", "/api/v1/feed.atom", "/api/v1/feed.atom", "", ALL),
        (
            "get",
            "/api/v1/downloads/{file}",
            "/api/v1/downloads/registry.csv",
            "",
            ALL,
        ),
        (
            "post",
            "/api/v1/session",
            "/api/v1/session",
            r#"{"username":"admin1","password":"a long enough password"}"#,
            ALL,
        ),
        (
            "delete",
            "/api/v1/session",
            "/api/v1/session",
            "",
            SIGNED_IN,
        ),
        ("get", "/api/v1/me", "/api/v1/me", "", SIGNED_IN),
        ("get", "/api/v1/tokens", "/api/v1/tokens", "", SIGNED_IN),
        (
            "post",
            "/api/v1/tokens",
            "/api/v1/tokens",
            r#"{"name":"x"}"#,
            SIGNED_IN,
        ),
        (
            "delete",
            "/api/v1/tokens/{id}",
            "/api/v1/tokens/999999",
            "",
            SIGNED_IN,
        ),
        ("get", "/api/v1/users", "/api/v1/users", "", &[Admin]),
        (
            "post",
            "/api/v1/users",
            "/api/v1/users",
            r#"{"username":"new","password":"short","role":"operator"}"#,
            &[Admin],
        ),
        (
            "get",
            "/api/v1/applications",
            "/api/v1/applications",
            "",
            APPLICANTS,
        ),
        (
            "post",
            "/api/v1/applications",
            "/api/v1/applications",
            "{}",
            &[Provider],
        ),
        (
            "get",
            "/api/v1/applications/{id}",
            "/api/v1/applications/999999",
            "",
            APPLICANTS,
        ),
        (
            "put",
            "/api/v1/applications/{id}",
            "/api/v1/applications/999999",
            "{}",
            &[Provider],
        ),
        (
            "post",
            "/api/v1/applications/{id}/changes",
            "/api/v1/applications/999999/changes",
            "",
            &[Provider],
        ),
        (
            "post",
            "/api/v1/applications/{id}/actions",
            "/api/v1/applications/999999/actions",
            r#"{"action":"start_review"}"#,
            APPLICANTS,
        ),
        ("get", "/api/v1/watches", "/api/v1/watches", "", &[Procurer]),
        (
            "post",
            "/api/v1/watches",
            "/api/v1/watches",
            "{}",
            &[Procurer],
        ),
        (
            "delete",
            "/api/v1/watches/{id}",
            "/api/v1/watches/999999",
            "",
            &[Procurer],
        ),
        // a provider reads its filing reminders
        (
            "get",
            "/api/v1/alerts",
            "/api/v1/alerts",
            "",
            &[Procurer, Provider],
        ),
        (
            "post",
            "/api/v1/alerts/{id}/read",
            "/api/v1/alerts/999999/read",
            "",
            &[Procurer, Provider],
        ),
        (
            "get",
            "/api/v1/webhooks",
            "/api/v1/webhooks",
            "",
            &[Procurer],
        ),
        (
            "post",
            "/api/v1/webhooks",
            "/api/v1/webhooks",
            r#"{"url":"ftp://x","secret":"s"}"#,
            &[Procurer],
        ),
        (
            "delete",
            "/api/v1/webhooks/{id}",
            "/api/v1/webhooks/999999",
            "",
            &[Procurer],
        ),
        (
            "get",
            "/api/v1/audit",
            "/api/v1/audit",
            "",
            &[Operator, Admin],
        ),
        // agencies' cases: procurers only (operators and auditors of the program included out)
        ("get", "/api/v1/cases", "/api/v1/cases", "", &[Procurer]),
        ("post", "/api/v1/cases", "/api/v1/cases", "{}", &[Procurer]),
        (
            "get",
            "/api/v1/cases/{id}",
            "/api/v1/cases/999999",
            "",
            &[Procurer],
        ),
        (
            "post",
            "/api/v1/cases/{id}/checks",
            "/api/v1/cases/999999/checks",
            "",
            &[Procurer],
        ),
        (
            "post",
            "/api/v1/cases/{id}/resolutions",
            "/api/v1/cases/999999/resolutions",
            "{}",
            &[Procurer],
        ),
        (
            "post",
            "/api/v1/cases/{id}/resolutions/{entry}/approval",
            "/api/v1/cases/999999/resolutions/1/approval",
            "",
            &[Procurer],
        ),
        (
            "post",
            "/api/v1/cases/{id}/decision",
            "/api/v1/cases/999999/decision",
            "{}",
            &[Procurer],
        ),
        (
            "post",
            "/api/v1/cases/{id}/decision/approval",
            "/api/v1/cases/999999/decision/approval",
            "",
            &[Procurer],
        ),
        (
            "post",
            "/api/v1/cases/{id}/reopen",
            "/api/v1/cases/999999/reopen",
            "{}",
            &[Procurer],
        ),
        (
            "get",
            "/api/v1/cases/{id}/record",
            "/api/v1/cases/999999/record",
            "",
            &[Procurer],
        ),
        (
            "put",
            "/api/v1/cases/{id}/profile",
            "/api/v1/cases/999999/profile",
            "{}",
            &[Procurer],
        ),
        (
            "put",
            "/api/v1/cases/{id}/evidence/{duty}",
            "/api/v1/cases/999999/evidence/iam",
            "{}",
            &[Procurer],
        ),
        (
            "post",
            "/api/v1/cases/{id}/attachments",
            "/api/v1/cases/999999/attachments?name=a.pdf",
            "%PDF",
            &[Procurer],
        ),
        (
            "get",
            "/api/v1/cases/{id}/attachments/{sha256}",
            "/api/v1/cases/999999/attachments/00",
            "",
            &[Procurer],
        ),
        (
            "get",
            "/api/v1/cases/{id}/clauses",
            "/api/v1/cases/999999/clauses",
            "",
            &[Procurer],
        ),
        (
            "get",
            "/api/v1/cases/{id}/record.xlsx",
            "/api/v1/cases/999999/record.xlsx",
            "",
            &[Procurer],
        ),
        (
            "get",
            "/api/v1/cases/{id}/record.oscal.json",
            "/api/v1/cases/999999/record.oscal.json",
            "",
            &[Procurer],
        ),
        (
            "get",
            "/api/v1/audit/verify",
            "/api/v1/audit/verify",
            "",
            &[Operator, Admin],
        ),
    ];
    // Every documented route is in the matrix, and every row is documented.
    let doc = get(s.addr, "/api/openapi.json").await.json();
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("item").keys() {
            documented.insert((method.clone(), path.clone()));
        }
    }
    let tested: BTreeSet<(String, String)> = matrix
        .iter()
        .map(|(m, p, ..)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    assert_eq!(
        documented, tested,
        "the matrix and the OpenAPI document list the same routes"
    );

    for (method, _, path, body, allowed) in matrix {
        for (role, token) in &tokens {
            let r = call(&s, &method.to_uppercase(), path, token.as_deref(), body).await;
            let denied = matches!(r.status, 401 | 403);
            if allowed.contains(role) {
                assert!(
                    !denied,
                    "{method} {path} as {role}: {} {}",
                    r.status,
                    String::from_utf8_lossy(&r.body)
                );
            } else {
                let expected = if *role == Public { 401 } else { 403 };
                assert_eq!(
                    r.status, expected,
                    "{method} {path} as {role} must be denied"
                );
                assert!(r.json()["error"].is_string(), "a JSON error body");
            }
        }
    }
    // Pages: the public is sent to the login page; the wrong role gets 403.
    let pages: &[(&str, &[Role])] = &[
        ("/applications", APPLICANTS),
        ("/watches", &[Procurer]),
        ("/audit", &[Operator, Admin]),
        ("/account", SIGNED_IN),
        ("/users", &[Admin]),
        ("/history", ALL),
        ("/", ALL),
    ];
    for (path, allowed) in pages {
        for (role, token) in &tokens {
            let r = call(&s, "GET", path, token.as_deref(), "").await;
            let expected = if allowed.contains(role) {
                200
            } else if *role == Public {
                303
            } else {
                403
            };
            assert_eq!(r.status, expected, "GET {path} as {role}");
        }
    }
}

/// The `ismap_session` value a response sets.
fn session_of(r: &Reply) -> String {
    let cookie = r.header("set-cookie").expect("a cookie");
    cookie
        .split(';')
        .next()
        .and_then(|c| c.strip_prefix("ismap_session="))
        .expect("the session cookie")
        .to_owned()
}

#[tokio::test]
async fn sessions_csrf_tokens_and_throttling() {
    let (s, store) = database_server().await;
    store
        .add_user(
            "test",
            "alice",
            PASSWORD,
            Role::Procurer,
            Some("架空市"),
            None,
        )
        .await
        .expect("user");
    let login = format!(r#"{{"username":"alice","password":"{PASSWORD}"}}"#);

    // Session fixation: a cookie planted before login is not what the login issues, and
    // carries no authority afterwards.
    let planted = "ismap_session=attacker-chosen-value";
    let r = request(
        s.addr,
        "POST",
        "/api/v1/session",
        &[("Content-Type", "application/json"), ("Cookie", planted)],
        login.as_bytes(),
    )
    .await;
    assert_eq!(r.status, 200);
    let set = r.header("set-cookie").expect("cookie");
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict") && !set.contains("Secure"),
        "{set}"
    );
    let session = session_of(&r);
    assert_ne!(session, "attacker-chosen-value");
    let csrf = r.json()["csrf_token"]
        .as_str()
        .expect("csrf token")
        .to_owned();
    let me = request(s.addr, "GET", "/api/v1/me", &[("Cookie", planted)], b"").await;
    assert_eq!(me.status, 401);
    let cookie = format!("ismap_session={session}");
    let me = request(s.addr, "GET", "/api/v1/me", &[("Cookie", &cookie)], b"").await;
    assert_eq!(me.json()["username"], "alice");
    // Behind a TLS proxy the cookie is Secure.
    let r = request(
        s.addr,
        "POST",
        "/api/v1/session",
        &[
            ("Content-Type", "application/json"),
            ("X-Forwarded-Proto", "https"),
        ],
        login.as_bytes(),
    )
    .await;
    // Behind a TLS proxy the cookie is Secure and carries the __Host- prefix; over TLS only
    // that name signs in.
    let set = r.header("set-cookie").expect("cookie").to_owned();
    assert!(
        set.starts_with("__Host-ismap_session=")
            && set.contains("; Secure")
            && set.contains("Path=/"),
        "{set}"
    );
    let tls_session = set
        .split(';')
        .next()
        .and_then(|c| c.strip_prefix("__Host-ismap_session="))
        .expect("value")
        .to_owned();
    let over_tls = |cookie: String| async move {
        request(
            s.addr,
            "GET",
            "/api/v1/me",
            &[("Cookie", &cookie), ("X-Forwarded-Proto", "https")],
            b"",
        )
        .await
        .status
    };
    assert_eq!(
        over_tls(format!("__Host-ismap_session={tls_session}")).await,
        200
    );
    assert_eq!(over_tls(format!("ismap_session={tls_session}")).await, 401);

    // CSRF: a state change with the session cookie needs the session's token.
    let json = ("Content-Type", "application/json");
    let body = format!(r#"{{"name":"script","password":"{PASSWORD}"}}"#);
    let body = body.as_bytes();
    let r = request(
        s.addr,
        "POST",
        "/api/v1/tokens",
        &[json, ("Cookie", &cookie)],
        body,
    )
    .await;
    assert_eq!((r.status, r.json()["error"].as_str()), (403, Some("csrf")));
    let r = request(
        s.addr,
        "POST",
        "/api/v1/tokens",
        &[json, ("Cookie", &cookie), ("X-CSRF-Token", "wrong")],
        body,
    )
    .await;
    assert_eq!(r.status, 403);
    let r = request(
        s.addr,
        "POST",
        "/api/v1/tokens",
        &[json, ("Cookie", &cookie), ("X-CSRF-Token", &csrf)],
        body,
    )
    .await;
    assert_eq!(r.status, 201);
    let token = r.json()["token"].as_str().expect("token").to_owned();
    let id = r.json()["id"].as_i64().expect("id");
    // A page form without the field is refused; with it, it works.
    let form = ("Content-Type", "application/x-www-form-urlencoded");
    let post_form = |path: String, body: String| {
        let cookie = cookie.clone();
        async move {
            request(
                s.addr,
                "POST",
                &path,
                &[form, ("Cookie", &cookie)],
                body.as_bytes(),
            )
            .await
        }
    };
    // A multipart form carries the token as a field, never in its URL.
    let profile_part = "--b0\r\nContent-Disposition: form-data; name=\"profile\"; filename=\"p.toml\"\r\nContent-Type: application/toml\r\n\r\nname = \"p\"\nconfidentiality = 2\n\r\n--b0--\r\n";
    let token_part =
        format!("--b0\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n");
    let upload = |path: String, body: String| {
        let cookie = cookie.clone();
        async move {
            request(
                s.addr,
                "POST",
                &path,
                &[
                    ("Content-Type", "multipart/form-data; boundary=b0"),
                    ("Cookie", &cookie),
                ],
                body.as_bytes(),
            )
            .await
            .status
        }
    };
    assert_eq!(
        upload("/check/upload".into(), profile_part.into()).await,
        403
    );
    assert_eq!(
        upload(format!("/check/upload?csrf={csrf}"), profile_part.into()).await,
        403,
        "a token in the URL is not accepted"
    );
    assert_eq!(
        upload(
            "/check/upload".into(),
            format!("{token_part}{profile_part}")
        )
        .await,
        200
    );
    let watch = "registration_no=C99-0001-1&contract_start=2025-01-01&contract_end=2026-01-01";
    let r = post_form("/watches".into(), watch.into()).await;
    assert_eq!(r.status, 403);
    let r = post_form("/watches".into(), format!("csrf={csrf}&{watch}")).await;
    assert_eq!(r.status, 303, "{}", String::from_utf8_lossy(&r.body));
    let alice = store
        .account("alice")
        .await
        .expect("db")
        .expect("alice")
        .actor();
    assert_eq!(store.watches(&alice).await.expect("watches").len(), 1);
    // The controls a watch relies on: a form's text, each ID checked against the criteria.
    let bad = format!("csrf={csrf}&{watch}&controls=9.2.3%2C+99.9");
    let r = post_form("/watches".into(), bad).await;
    assert_eq!(r.status, 422, "{}", String::from_utf8_lossy(&r.body));
    assert!(String::from_utf8_lossy(&r.body).contains("99.9"));
    let good = format!("csrf={csrf}&{watch}&controls=9.2.3%E3%80%8112.4.1");
    assert_eq!(post_form("/watches".into(), good).await.status, 303);
    let watches = store.watches(&alice).await.expect("watches");
    assert_eq!(watches[1].controls, ["9.2.3", "12.4.1"]);

    // A webhook added and removed through the page's forms; the audit trail has both.
    let hook = format!(
        "csrf={csrf}&url={}&secret=a-long-enough-secret",
        crate::enc("https://93.184.216.34/ismap")
    );
    let r = post_form("/webhooks".into(), hook).await;
    assert_eq!(r.status, 303, "{}", String::from_utf8_lossy(&r.body));
    let hook_id = store.webhooks(&alice).await.expect("hooks")[0].id;
    let page = request(s.addr, "GET", "/watches", &[("Cookie", &cookie)], b"").await;
    let remove = format!("/webhooks/{hook_id}/delete");
    assert!(String::from_utf8_lossy(&page.body).contains(&remove));
    let r = post_form(remove.clone(), format!("csrf={csrf}")).await;
    assert_eq!(r.status, 303);
    assert!(store.webhooks(&alice).await.expect("hooks").is_empty());
    let again = post_form(remove, format!("csrf={csrf}")).await;
    assert_eq!(again.status, 404, "a removed webhook is not found");
    let subject = format!("webhook:{hook_id}");
    let actions: Vec<String> = store
        .audit_events(Some(&subject), 10)
        .await
        .expect("events")
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions, ["webhook.remove", "webhook.add"]);

    // Token revocation: the token works, is revoked, then is refused.
    let bearer = format!("Bearer {token}");
    let r = request(
        s.addr,
        "GET",
        "/api/v1/watches",
        &[("Authorization", &bearer)],
        b"",
    )
    .await;
    assert_eq!(r.status, 200);
    let r = request(
        s.addr,
        "DELETE",
        &format!("/api/v1/tokens/{id}"),
        &[("Authorization", &bearer)],
        b"",
    )
    .await;
    assert_eq!(r.status, 204);
    let r = request(
        s.addr,
        "GET",
        "/api/v1/watches",
        &[("Authorization", &bearer)],
        b"",
    )
    .await;
    assert_eq!(r.status, 401);

    // Logging out ends the session.
    let r = request(
        s.addr,
        "DELETE",
        "/api/v1/session",
        &[("Cookie", &cookie), ("X-CSRF-Token", &csrf)],
        b"",
    )
    .await;
    assert_eq!(r.status, 204);
    let me = request(s.addr, "GET", "/api/v1/me", &[("Cookie", &cookie)], b"").await;
    assert_eq!(me.status, 401);

    // Throttling: five failures, then even the right password waits.
    let wrong = br#"{"username":"alice","password":"not the password"}"#;
    for _ in 0..5 {
        let r = request(s.addr, "POST", "/api/v1/session", &[json], wrong).await;
        assert_eq!(r.status, 401);
    }
    let r = request(s.addr, "POST", "/api/v1/session", &[json], login.as_bytes()).await;
    assert_eq!(r.status, 429);
}

/// Behind a proxy, failures are counted per forwarded client address: one address trying many
/// names is stopped, others are not, and an address the client forges in front of the proxy's
/// does not help it.
#[tokio::test]
async fn failed_logins_are_throttled_per_client_address_behind_a_proxy() {
    let deployment = Deployment {
        behind_proxy: true,
        client_login_failures: 3,
        ..Deployment::default()
    };
    let (s, store) = crate::database_server_as(TestDb::new().await, deployment).await;
    store
        .add_user("test", "op", PASSWORD, Role::Operator, None, None)
        .await
        .expect("user");
    let json = ("Content-Type", "application/json");
    let attempt = |forwarded: &'static str, user: &'static str, password: &'static str| {
        let body = format!(r#"{{"username":"{user}","password":"{password}"}}"#);
        async move {
            request(
                s.addr,
                "POST",
                "/api/v1/session",
                &[json, ("X-Forwarded-For", forwarded)],
                body.as_bytes(),
            )
            .await
        }
    };
    for (i, user) in ["a1", "a2", "a3"].into_iter().enumerate() {
        // The client varies the first address; the proxy's (last) one stays.
        let forwarded = [
            "10.0.0.1, 203.0.113.5",
            "10.0.0.2, 203.0.113.5",
            "203.0.113.5",
        ][i];
        assert_eq!(
            attempt(forwarded, user, "wrong password x").await.status,
            401
        );
    }
    let r = attempt("198.51.100.1, 203.0.113.5", "op", PASSWORD).await;
    assert_eq!(r.status, 429, "{}", String::from_utf8_lossy(&r.body));
    assert!(
        r.json()["detail"]
            .as_str()
            .is_some_and(|d| d.contains("address"))
    );
    let (login_cookie, token) = crate::login_form(s.addr).await;
    let page = request(
        s.addr,
        "POST",
        "/login",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("X-Forwarded-For", "203.0.113.5"),
            ("Accept-Language", "ja"),
            ("Cookie", &login_cookie),
        ],
        format!("csrf={token}&username=op&password={}", crate::enc(PASSWORD)).as_bytes(),
    )
    .await;
    assert_eq!(page.status, 429);
    assert!(String::from_utf8_lossy(&page.body).contains("この接続元"));
    assert_eq!(attempt("203.0.113.6", "op", PASSWORD).await.status, 200);
}

#[tokio::test]
async fn lifecycle_over_the_api_publishes_to_the_list_and_the_feeds() {
    let (s, store) = database_server().await;
    let tokens = tokens(&store).await;
    let token = |role: Role| {
        tokens
            .iter()
            .find(|(r, _)| *r == role)
            .and_then(|(_, t)| t.clone())
    };
    let (provider, auditor, operator) = (
        token(Role::Provider),
        token(Role::Auditor),
        token(Role::Operator),
    );
    store
        .add_user(
            "test",
            "other",
            PASSWORD,
            Role::Provider,
            Some("別会社"),
            None,
        )
        .await
        .expect("user");
    let (_, other) = store
        .create_token("test", "other", "t", 90)
        .await
        .expect("token");

    let r = call(
        &s,
        "POST",
        "/api/v1/applications",
        provider.as_deref(),
        r#"{"service_name":"架空電子契約"}"#,
    )
    .await;
    assert_eq!(r.status, 201);
    let id = r.json()["id"].as_i64().expect("id");
    let app = format!("/api/v1/applications/{id}");
    let actions = format!("{app}/actions");
    // Incomplete: 409 with the reason in both languages.
    let r = call(
        &s,
        "POST",
        &actions,
        provider.as_deref(),
        r#"{"action":"submit"}"#,
    )
    .await;
    assert_eq!(r.status, 409);
    assert!(
        r.json()["detail_ja"]
            .as_str()
            .expect("ja")
            .contains("未記入"),
        "{:?}",
        r.json()
    );
    // An invalid field is 422 naming it.
    let bad = r#"{"service_name":"架空電子契約","regions":[{"name":"東京","country":"JPN"}]}"#;
    let r = call(&s, "PUT", &app, provider.as_deref(), bad).await;
    assert_eq!(
        (r.status, r.json()["field"].as_str()),
        (422, Some("regions[0].country"))
    );
    assert_eq!(
        r.json()["detail_ja"].as_str(),
        Some("ISO 3166-1 alpha-2 の2文字で入力してください（例: JP）。（入力値: JPN）")
    );
    // A message that names the value does not repeat it.
    let bad = r#"{"service_name":"架空電子契約","statements":[{"control_id":"5.1.1","status":"実施","inherited_from":"C99-0003-1"}]}"#;
    let r = call(&s, "PUT", &app, provider.as_deref(), bad).await;
    assert_eq!(
        (
            r.status,
            r.json()["field"].as_str(),
            r.json()["detail_ja"].as_str()
        ),
        (
            422,
            Some("statements[0].inherited_from"),
            Some(
                "継承元 C99-0003-1 は基盤サービスに含まれていません。基盤サービスの登録番号に加えるか、継承元を修正してください。"
            )
        )
    );
    // A complete draft: every mandatory item stated.
    let full = &ismap_store::testing::stated_in_full(
        r#"{"service_name":"架空電子契約","audit_body":"監査法人X","scope_included":["電子契約"],
        "regions":[{"name":"東京","country":"JP"}]}"#,
        &ismap_formats::criteria::builtin_catalog().expect("criteria"),
    );
    assert_eq!(
        call(&s, "PUT", &app, provider.as_deref(), full)
            .await
            .status,
        200
    );
    // Another provider cannot see it; an auditor cannot submit it.
    assert_eq!(call(&s, "GET", &app, Some(&other), "").await.status, 404);
    assert_eq!(
        call(
            &s,
            "POST",
            &actions,
            auditor.as_deref(),
            r#"{"action":"submit"}"#
        )
        .await
        .status,
        403
    );
    for (who, body) in [
        (&provider, r#"{"action":"submit"}"#),
        (
            &auditor,
            r#"{"action":"record_audit","start":"2024-04-01","end":"2025-03-31","result":"pass"}"#,
        ),
        (&operator, r#"{"action":"start_review"}"#),
        (
            &operator,
            r#"{"action":"register","on":"2025-06-01","registration_no":"C25-0500-1"}"#,
        ),
    ] {
        let r = call(&s, "POST", &actions, who.as_deref(), body).await;
        assert_eq!(
            r.status,
            200,
            "{body}: {}",
            String::from_utf8_lossy(&r.body)
        );
    }
    // A refused transition: registered again.
    let r = call(
        &s,
        "POST",
        &actions,
        operator.as_deref(),
        r#"{"action":"start_review"}"#,
    )
    .await;
    assert_eq!(r.status, 409);

    // On the list at once, searchable, with the computed expiry.
    let r = get(s.addr, "/api/v1/registrations/C25-0500-1").await;
    assert_eq!(
        (r.status, r.json()["expires_on"].as_str()),
        (200, Some("2026-07-31"))
    );
    let r = get(
        s.addr,
        &format!("/api/v1/registrations?q={}", crate::enc("電子契約")),
    )
    .await;
    assert_eq!(r.json()["total"], 1);
    // The history knows when it arrived (the day the operator registered it, whatever date
    // the registration carries); the feeds and downloads carry it.
    let today = ismap_core::validity::japan_date(chrono::Utc::now());
    let yesterday = today - chrono::Days::new(1);
    let r = get(
        s.addr,
        &format!("/api/v1/history/diff?from={yesterday}&to={today}"),
    )
    .await;
    let changes = r.json()["changes"].clone();
    assert!(
        changes.as_array().is_some_and(|c| c
            .iter()
            .any(|c| c["registration_no"] == "C25-0500-1" && c["change"] == "added")),
        "{changes}"
    );
    let atom = get(s.addr, "/api/v1/feed.atom").await;
    assert!(
        atom.header("content-type")
            .expect("type")
            .contains("atom+xml")
    );
    assert!(String::from_utf8_lossy(&atom.body).contains("C25-0500-1"));
    let feed = get(s.addr, "/api/v1/feed.json").await.json();
    assert_eq!(
        feed["items"][0]["_ismap"]["change"]["registration_no"],
        "C25-0500-1"
    );
    // Links come from the server's own address (or --public-url), never from the Host header.
    let forged = request(
        s.addr,
        "GET",
        "/api/v1/feed.json",
        &[("Host", "evil.example"), ("X-Forwarded-Proto", "https")],
        b"",
    )
    .await
    .json();
    assert_eq!(
        forged["home_page_url"],
        format!("http://{}/registry", s.addr)
    );
    let csv = get(
        s.addr,
        &format!("/api/v1/downloads/registry.csv?as_of={today}"),
    )
    .await;
    assert!(String::from_utf8_lossy(&csv.body).contains("C25-0500-1"));
    let csv = get(
        s.addr,
        &format!("/api/v1/downloads/registry.csv?as_of={yesterday}"),
    )
    .await;
    assert!(!String::from_utf8_lossy(&csv.body).contains("C25-0500-1"));

    // The registered application is not edited in place: a change application is opened.
    let r = call(
        &s,
        "PUT",
        &app,
        provider.as_deref(),
        r#"{"service_name":"x"}"#,
    )
    .await;
    assert_eq!(
        (r.status, r.json()["error"].as_str()),
        (409, Some("refused"))
    );
    assert!(
        r.json()["detail"]
            .as_str()
            .is_some_and(|d| d.contains("/changes"))
    );
    let r = call(
        &s,
        "POST",
        &format!("{app}/changes"),
        provider.as_deref(),
        "",
    )
    .await;
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.json()["lifecycle"]["amends"], "C25-0500-1");
    assert_eq!(r.json()["lifecycle"]["phase"], "draft");
    let r = call(
        &s,
        "POST",
        &format!("{app}/changes"),
        provider.as_deref(),
        "",
    )
    .await;
    assert_eq!(r.status, 409, "one open change at a time");
    assert_eq!(
        get(s.addr, "/api/v1/downloads/registry.pdf").await.status,
        404
    );
    // The chain holds every step.
    let r = call(&s, "GET", "/api/v1/audit/verify", operator.as_deref(), "").await;
    assert_eq!(r.json()["result"], "intact");
    let anchor = format!(
        "{}:{}",
        r.json()["events"],
        r.json()["head"].as_str().expect("head")
    );
    let path = format!("/api/v1/audit/verify?anchor={anchor}");
    let r = call(&s, "GET", &path, operator.as_deref(), "").await;
    assert_eq!(r.json()["result"], "intact");
    let r = call(
        &s,
        "GET",
        "/api/v1/audit/verify?anchor=3",
        operator.as_deref(),
        "",
    )
    .await;
    assert_eq!(
        (r.status, r.json()["field"].as_str()),
        (400, Some("anchor"))
    );
}

#[tokio::test]
async fn two_servers_share_one_postgresql_database() {
    let Some(server) = ismap_store::testing::postgres_server() else {
        eprintln!("skipped: set ISMAP_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432 (CI does)");
        return;
    };
    let db = TestDb::postgres(&server).await;
    let spec = db.spec.clone();
    let (a, store) = database_server_on(db).await;
    let b_state = ismap_web::AppState::from_store(
        Store::open(&spec).await.expect("open"),
        Default::default(),
    )
    .await
    .expect("state");
    b_state.spawn_refresh(std::time::Duration::from_millis(100));
    let b = crate::start(b_state, None).await;

    store
        .add_user(
            "test",
            "p",
            PASSWORD,
            Role::Provider,
            Some("架空株式会社"),
            None,
        )
        .await
        .expect("user");
    store
        .add_user(
            "test",
            "x",
            PASSWORD,
            Role::Auditor,
            Some("監査法人X"),
            None,
        )
        .await
        .expect("user");
    store
        .add_user("test", "o", PASSWORD, Role::Operator, None, None)
        .await
        .expect("user");
    // A session opened on one server is valid on the other.
    let login = |u: &str| format!(r#"{{"username":"{u}","password":"{PASSWORD}"}}"#);
    let r = request(
        a.addr,
        "POST",
        "/api/v1/session",
        &[("Content-Type", "application/json")],
        login("o").as_bytes(),
    )
    .await;
    let cookie = format!("ismap_session={}", session_of(&r));
    let me = request(b.addr, "GET", "/api/v1/me", &[("Cookie", &cookie)], b"").await;
    assert_eq!(me.json()["username"], "o");

    // A registration made through server A …
    let mut tok = std::collections::HashMap::new();
    for u in ["p", "x", "o"] {
        tok.insert(
            u,
            store
                .create_token("test", u, "t", 90)
                .await
                .expect("token")
                .1,
        );
    }
    let full = &ismap_store::testing::stated_in_full(
        r#"{"service_name":"共有テストサービス","audit_body":"監査法人X","scope_included":["文書管理"],
        "regions":[{"name":"大阪","country":"JP"}]}"#,
        &ismap_formats::criteria::builtin_catalog().expect("criteria"),
    );
    let r = call(&a, "POST", "/api/v1/applications", Some(&tok["p"]), full).await;
    let actions = format!("/api/v1/applications/{}/actions", r.json()["id"]);
    for (u, body) in [
        ("p", r#"{"action":"submit"}"#),
        (
            "x",
            r#"{"action":"record_audit","start":"2024-04-01","end":"2025-03-31","result":"pass"}"#,
        ),
        ("o", r#"{"action":"start_review"}"#),
        (
            "o",
            r#"{"action":"register","on":"2025-06-01","registration_no":"C25-0600-1"}"#,
        ),
    ] {
        assert_eq!(
            call(&a, "POST", &actions, Some(&tok[u]), body).await.status,
            200,
            "{body}"
        );
    }
    // … is visible and searchable through server B once B notices the change.
    let query = format!("/api/v1/registrations?q={}", crate::enc("共有テスト"));
    let mut found = 0;
    for _ in 0..100 {
        found = get(b.addr, &query).await.json()["total"]
            .as_u64()
            .unwrap_or(0);
        if found == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        found, 1,
        "server B sees the registration made through server A"
    );
    assert_eq!(
        get(b.addr, "/api/v1/registrations/C25-0600-1").await.status,
        200
    );
}

#[tokio::test]
async fn the_list_as_of_a_date() {
    let (s, _store) = database_server().await;
    // The demo was imported today: two days ago the list was empty.
    let past = (chrono::Utc::now() - chrono::Duration::days(2)).date_naive();
    let r = get(s.addr, &format!("/api/v1/registrations?as_of={past}")).await;
    assert_eq!((r.status, r.json()["total"].as_u64()), (200, Some(0)));
    assert_eq!(
        r.json()["on"],
        past.to_string(),
        "statuses default to the as-of date"
    );
    let r = get(s.addr, "/api/v1/registrations").await;
    assert_eq!(r.json()["total"], 9);
    let r = get(s.addr, "/api/v1/registrations?as_of=someday").await;
    assert_eq!((r.status, r.json()["field"].as_str()), (400, Some("as_of")));
    let page = get(s.addr, &format!("/registry?as_of={past}")).await;
    assert_eq!(page.status, 200);
    assert!(String::from_utf8_lossy(&page.body).contains("該当する登録はありません"));
}

/// Signs in through the login form; returns the cookie header and the page's CSRF token.
async fn page_session(s: &Server, user: &str, password: &str, page: &str) -> (String, String) {
    let (login_cookie, token) = crate::login_form(s.addr).await;
    let form = format!(
        "csrf={token}&username={user}&password={}",
        crate::enc(password)
    );
    let r = request(
        s.addr,
        "POST",
        "/login",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Cookie", &login_cookie),
        ],
        form.as_bytes(),
    )
    .await;
    assert_eq!(r.status, 303, "login as {user}");
    let cookie = format!("ismap_session={}", session_of(&r));
    let html = request(s.addr, "GET", page, &[("Cookie", &cookie)], b"").await;
    let html = String::from_utf8_lossy(&html.body).into_owned();
    let csrf = html
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a CSRF field in the page")
        .to_owned();
    (cookie, csrf)
}

#[tokio::test]
async fn administrators_manage_accounts_and_users_change_their_passwords() {
    let (s, store) = database_server().await;
    store
        .add_user("test", "root", PASSWORD, Role::Admin, None, None)
        .await
        .expect("admin");
    let (cookie, csrf) = page_session(&s, "root", PASSWORD, "/users").await;
    let form = ("Content-Type", "application/x-www-form-urlencoded");
    let post = |path: &'static str, body: String| {
        let cookie = cookie.clone();
        async move {
            request(
                s.addr,
                "POST",
                path,
                &[form, ("Cookie", &cookie)],
                body.as_bytes(),
            )
            .await
        }
    };
    // A provider needs its organisation: refused with the reason, nothing created.
    let r = post(
        "/users",
        format!(
            "csrf={csrf}&username=acme&role=provider&organisation=&email=&password={}",
            crate::enc(PASSWORD)
        ),
    )
    .await;
    assert_eq!(r.status, 422);
    assert!(
        String::from_utf8_lossy(&r.body).contains("--org"),
        "names the missing organisation"
    );
    assert!(store.account("acme").await.expect("db").is_none());
    // The public needs no account, on the page as in the API.
    let r = post(
        "/users",
        format!(
            "csrf={csrf}&username=anyone&role=public&organisation=&email=&password={}",
            crate::enc(PASSWORD)
        ),
    )
    .await;
    assert_eq!(r.status, 422);
    assert!(store.account("anyone").await.expect("db").is_none());
    let r = post(
        "/users",
        format!(
            "csrf={csrf}&username=acme&role=provider&organisation={}&email=&password={}",
            crate::enc("架空株式会社"),
            crate::enc(PASSWORD)
        ),
    )
    .await;
    assert_eq!(r.status, 303);
    // Disabled, the account cannot sign in; its sessions ended.
    let (acme_cookie, _) = page_session(&s, "acme", PASSWORD, "/account").await;
    let r = post("/users/acme/disable", format!("csrf={csrf}")).await;
    assert_eq!(r.status, 303);
    let me = request(
        s.addr,
        "GET",
        "/api/v1/me",
        &[("Cookie", &acme_cookie)],
        b"",
    )
    .await;
    assert_eq!(me.status, 401);
    assert!(
        store
            .login("acme", PASSWORD, &LoginClient::new("127.0.0.1"))
            .await
            .expect("db")
            .is_err()
    );
    let r = post("/users/acme/enable", format!("csrf={csrf}")).await;
    assert_eq!(r.status, 303);

    // A user changes their own password: the current one is required, then every session ends.
    let (acme_cookie, acme_csrf) = page_session(&s, "acme", PASSWORD, "/account").await;
    let change = |current: &str| {
        format!(
            "csrf={acme_csrf}&current={}&new={}",
            crate::enc(current),
            crate::enc("an entirely new password")
        )
    };
    let r = request(
        s.addr,
        "POST",
        "/account/password",
        &[form, ("Cookie", &acme_cookie)],
        change("not my password").as_bytes(),
    )
    .await;
    assert_eq!(r.status, 422);
    let r = request(
        s.addr,
        "POST",
        "/account/password",
        &[form, ("Cookie", &acme_cookie)],
        change(PASSWORD).as_bytes(),
    )
    .await;
    assert_eq!(r.status, 303);
    let me = request(
        s.addr,
        "GET",
        "/api/v1/me",
        &[("Cookie", &acme_cookie)],
        b"",
    )
    .await;
    assert_eq!(me.status, 401);
    assert!(
        store
            .login(
                "acme",
                "an entirely new password",
                &LoginClient::new("127.0.0.1")
            )
            .await
            .expect("db")
            .is_ok()
    );
    // Only administrators reach the page.
    let (acme_cookie, acme_csrf) =
        page_session(&s, "acme", "an entirely new password", "/account").await;
    let body = format!("csrf={acme_csrf}&username=x");
    let r = request(
        s.addr,
        "POST",
        "/users",
        &[form, ("Cookie", &acme_cookie)],
        body.as_bytes(),
    )
    .await;
    assert_eq!(r.status, 403);
}

#[tokio::test]
async fn bad_bodies_and_ids_get_json_errors() {
    let (s, store) = database_server().await;
    let tokens = tokens(&store).await;
    let provider = tokens
        .iter()
        .find(|(r, _)| *r == Role::Provider)
        .and_then(|(_, t)| t.clone());
    let bearer = format!("Bearer {}", provider.unwrap_or_default());
    let auth = ("Authorization", bearer.as_str());
    let json = ("Content-Type", "application/json");
    // (method, path, JSON content type, body, status, field)
    let cases = [
        ("POST", "/api/v1/applications", true, "{not json", 400, None),
        (
            "POST",
            "/api/v1/applications",
            true,
            r#"{"service_name": 5}"#,
            422,
            None,
        ),
        (
            "POST",
            "/api/v1/applications",
            true,
            r#"{"colour": "blue"}"#,
            422,
            None,
        ),
        ("POST", "/api/v1/applications", false, "{}", 415, None),
        (
            "GET",
            "/api/v1/applications/abc",
            false,
            "",
            400,
            Some("id"),
        ),
        (
            "POST",
            "/api/v1/applications/1/actions",
            true,
            r#"{"action":"fly"}"#,
            422,
            None,
        ),
        (
            "POST",
            "/api/v1/session",
            true,
            r#"{"username":"x"}"#,
            422,
            None,
        ),
    ];
    // Pages answer a page, in the viewer's language.
    let r = request(s.addr, "GET", "/applications/abc", &[auth], b"").await;
    assert_eq!(r.status, 400);
    assert!(String::from_utf8_lossy(&r.body).contains("番号は整数で指定してください"));
    for (method, path, json_type, body, status, field) in cases {
        let headers = if json_type {
            vec![auth, json]
        } else {
            vec![auth]
        };
        let r = request(s.addr, method, path, &headers, body.as_bytes()).await;
        assert_eq!(r.status, status, "{method} {path} {body}");
        let error = r.json();
        assert!(error["detail"].is_string(), "{error}");
        assert_eq!(error["field"].as_str(), field, "{error}");
    }
}
