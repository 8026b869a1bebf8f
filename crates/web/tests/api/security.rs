//! The holes an attacker would try, each closed over real HTTP: webhooks into the server's
//! network, a raced login throttle, tokens minted from a stolen session, redirects away.

use crate::{database_server, request};
use ismap_core::access::Role;

const PASSWORD: &str = "a long enough password";

async fn bearer(store: &ismap_store::Store, name: &str, role: Role, org: Option<&str>) -> String {
    crate::bearer_for(store, name, role, org, false).await
}

#[tokio::test]
async fn webhooks_into_the_servers_network_are_refused_with_the_reason() {
    let (s, store) = database_server().await;
    let auth = bearer(&store, "buyer", Role::Procurer, Some("架空市")).await;
    let post = |url: &str| {
        let body = serde_json::json!({ "url": url, "secret": "a-long-enough-secret" }).to_string();
        let auth = auth.clone();
        async move {
            request(
                s.addr,
                "POST",
                "/api/v1/webhooks",
                &[
                    ("Content-Type", "application/json"),
                    ("Authorization", &auth),
                ],
                body.as_bytes(),
            )
            .await
        }
    };
    for (url, reason) in [
        ("http://169.254.169.254/latest/meta-data/", "cloud metadata"),
        ("http://127.0.0.1:5432/", "loopback"),
        ("http://localhost/", "names this server"),
        ("http://[::1]/", "loopback"),
        ("http://[::ffff:192.168.0.1]/", "private"),
        ("http://10.1.2.3/", "private"),
        ("http://[fd00::1]/", "unique local"),
        ("http://0.0.0.0/", "unspecified"),
        ("http://user:pw@93.184.216.34/", "user name or password"),
        ("file:///etc/passwd", "http or https"),
    ] {
        let r = post(url).await;
        assert_eq!(r.status, 422, "{url}");
        let body = r.json();
        assert_eq!(body["error"], "refused_target", "{url}");
        assert!(
            body["detail"].as_str().is_some_and(|d| d.contains(reason)),
            "{url}: {body}"
        );
        assert!(body["detail_ja"].as_str().is_some(), "{url}: {body}");
    }
    let buyer = store
        .account("buyer")
        .await
        .expect("db")
        .expect("buyer")
        .actor();
    assert!(store.webhooks(&buyer).await.expect("hooks").is_empty());

    // Ten per account; the audit trail names each by host and hash, never the URL.
    for i in 0..10 {
        let r = post(&format!("https://93.184.216.34/hook/{i}?key=secret-in-url")).await;
        assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    }
    let r = post("https://93.184.216.34/hook/11").await;
    assert_eq!(
        (r.status, r.json()["error"].as_str()),
        (409, Some("limit_reached"))
    );
    let trail =
        serde_json::to_string(&store.audit_events(None, 100).await.expect("events")).expect("json");
    assert!(trail.contains("url_sha256"));
    assert!(!trail.contains("secret-in-url"), "{trail}");
}

#[tokio::test]
async fn concurrent_wrong_passwords_cannot_outrun_the_throttle() {
    let (s, store) = database_server().await;
    store
        .add_user("test", "target", PASSWORD, Role::Operator, None, None)
        .await
        .expect("user");
    let body = r#"{"username":"target","password":"wrong password, guess"}"#;
    let attempts = (0..20).map(|_| async move {
        request(
            s.addr,
            "POST",
            "/api/v1/session",
            &[("Content-Type", "application/json")],
            body.as_bytes(),
        )
        .await
        .status
    });
    let statuses = futures_join_all(attempts).await;
    let evaluated = statuses.iter().filter(|&&st| st == 401).count();
    let throttled = statuses.iter().filter(|&&st| st == 429).count();
    assert_eq!(evaluated + throttled, 20, "{statuses:?}");
    assert!(
        evaluated <= 5,
        "{evaluated} of 20 were checked: {statuses:?}"
    );
    // Attempts that see each other may all be refused; never more than five checked.
    assert!(evaluated >= 1, "{statuses:?}");
}

/// Runs the futures at once on this runtime and collects their outputs in order.
async fn futures_join_all<F: std::future::Future<Output = u16> + Send + 'static>(
    futures: impl Iterator<Item = F>,
) -> Vec<u16> {
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.expect("task"));
    }
    out
}

#[tokio::test]
async fn minting_a_token_asks_for_the_password_and_a_password_change_revokes_tokens() {
    let (s, store) = database_server().await;
    let auth = bearer(&store, "ops", Role::Operator, None).await;
    let mint = |password: &str, days: u32| {
        let body = format!(r#"{{"name":"cron","password":"{password}","days":{days}}}"#);
        let auth = auth.clone();
        async move {
            request(
                s.addr,
                "POST",
                "/api/v1/tokens",
                &[
                    ("Content-Type", "application/json"),
                    ("Authorization", &auth),
                ],
                body.as_bytes(),
            )
            .await
        }
    };
    assert_eq!(mint("not the password", 30).await.status, 401);
    let r = mint(PASSWORD, 400).await;
    assert_eq!(r.status, 422, "{}", String::from_utf8_lossy(&r.body));
    let r = mint(PASSWORD, 30).await;
    assert_eq!(r.status, 201);
    assert_eq!(r.json()["days"], 30);
    let minted = format!("Bearer {}", r.json()["token"].as_str().expect("token"));
    let listed = request(
        s.addr,
        "GET",
        "/api/v1/tokens",
        &[("Authorization", &minted)],
        b"",
    )
    .await;
    assert!(
        listed.json()[1]["expires_at"].is_string(),
        "{}",
        listed.json()
    );

    store
        .set_password("admin", "ops", "a brand new long password")
        .await
        .expect("passwd");
    for token in [&auth, &minted] {
        let r = request(
            s.addr,
            "GET",
            "/api/v1/me",
            &[("Authorization", token)],
            b"",
        )
        .await;
        assert_eq!(r.status, 401, "a password change revokes every token");
    }
}

#[tokio::test]
async fn sign_in_returns_only_to_local_pages() {
    let (s, store) = database_server().await;
    store
        .add_user("test", "ops", PASSWORD, Role::Operator, None, None)
        .await
        .expect("user");
    for (next, expected) in [
        ("%2Fwatches", "/watches"),
        ("%2F%5Cevil.example", "/"),
        ("%2F%2Fevil.example", "/"),
        ("https%3A%2F%2Fevil.example%2F", "/"),
        ("%2F%0D%0ASet-Cookie%3Ax", "/"),
    ] {
        let (cookie, token) = crate::login_form(s.addr).await;
        let body = format!(
            "csrf={token}&username=ops&password={}&next={next}",
            crate::enc(PASSWORD)
        );
        let r = request(
            s.addr,
            "POST",
            "/login",
            &[
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("Cookie", &cookie),
            ],
            body.as_bytes(),
        )
        .await;
        assert_eq!(
            r.status,
            303,
            "{next}: {}",
            String::from_utf8_lossy(&r.body)
        );
        assert_eq!(r.header("location").as_deref(), Some(expected), "{next}");
    }
}

#[tokio::test]
async fn concurrent_pdf_downloads_queue_or_get_503_and_the_server_stays_up() {
    let deployment = ismap_web::Deployment {
        render: ismap_web::render::RenderLimits {
            workers: 1,
            queue: 1,
        },
        ..ismap_web::Deployment::default()
    };
    let s = crate::demo_server_as(deployment).await;
    let profile = include_str!("../../../../examples/demo-profile.toml");
    let form = form_urlencoded::Serializer::new(String::new())
        .append_pair("profile", profile)
        .append_pair("format", "pdf")
        .finish();
    let addr = s.addr;
    let downloads: Vec<_> = (0..8)
        .map(|_| {
            let form = form.clone();
            tokio::spawn(async move {
                request(
                    addr,
                    "POST",
                    "/check/download",
                    &[("Content-Type", "application/x-www-form-urlencoded")],
                    form.as_bytes(),
                )
                .await
            })
        })
        .collect();
    // While they run, the server answers everything else.
    let health = request(addr, "GET", "/healthz", &[], b"").await;
    assert_eq!(health.status, 200);
    let mut rendered = 0;
    let mut refused = 0;
    for d in downloads {
        let r = d.await.expect("task");
        match r.status {
            200 => {
                assert!(r.body.starts_with(b"%PDF"));
                rendered += 1;
            }
            503 => {
                assert_eq!(r.header("retry-after").as_deref(), Some("5"));
                refused += 1;
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert!(
        rendered >= 1 && refused >= 1,
        "{rendered} rendered, {refused} refused"
    );
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let (s, store) = database_server().await;
    let auth = bearer(&store, "ops", Role::Operator, None).await;
    for (path, headers) in [
        ("/", vec![]),
        ("/check", vec![]),
        ("/api/v1/registrations", vec![]),
        ("/no-such-page", vec![]),
        ("/api/v1/me", vec![("Authorization", auth.as_str())]),
    ] {
        let r = request(s.addr, "GET", path, &headers, b"").await;
        let csp = r.header("content-security-policy").unwrap_or_default();
        assert!(
            csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self';"),
            "{path}: {csp}"
        );
        assert_eq!(
            r.header("x-content-type-options").as_deref(),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(
            r.header("referrer-policy").as_deref(),
            Some("same-origin"),
            "{path}"
        );
        assert_eq!(
            r.header("strict-transport-security"),
            None,
            "{path}: not over TLS"
        );
        let stored = r.header("cache-control");
        if headers.is_empty() {
            assert_ne!(stored.as_deref(), Some("no-store"), "{path}");
        } else {
            assert_eq!(stored.as_deref(), Some("no-store"), "{path}: signed in");
        }
    }
    let tls = request(s.addr, "GET", "/", &[("X-Forwarded-Proto", "https")], b"").await;
    assert!(tls.header("strict-transport-security").is_some());
    // No page holds inline style or script the policy would block.
    for path in ["/", "/check", "/registry", "/criteria"] {
        let page = String::from_utf8_lossy(&request(s.addr, "GET", path, &[], b"").await.body)
            .into_owned();
        assert!(
            !page.contains(" style=\"") && !page.contains("<script>"),
            "{path}"
        );
    }
}

/// Login CSRF: another site cannot sign a browser in to an account of its choosing. The form
/// needs its token, which must equal the cookie only this site sets.
#[tokio::test]
async fn the_login_form_needs_its_own_token() {
    let (s, store) = crate::database_server().await;
    store
        .add_user(
            "test",
            "ops",
            PASSWORD,
            ismap_core::access::Role::Operator,
            None,
            None,
        )
        .await
        .expect("user");
    let post = |cookie: Option<String>, token: &str| {
        let body = format!(
            "csrf={token}&username=ops&password={}",
            crate::enc(PASSWORD)
        );
        async move {
            let mut headers = vec![(
                "Content-Type",
                "application/x-www-form-urlencoded".to_owned(),
            )];
            if let Some(c) = cookie {
                headers.push(("Cookie", c));
            }
            let headers: Vec<(&str, &str)> =
                headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
            request(s.addr, "POST", "/login", &headers, body.as_bytes()).await
        }
    };
    let (cookie, token) = crate::login_form(s.addr).await;
    // (cookie, form token, expected status)
    let cases = [
        (None, token.clone(), 403),                            // a cross-site form
        (Some(cookie.clone()), String::new(), 403),            // no token in the form
        (Some(cookie.clone()), "0".repeat(token.len()), 403),  // another token
        (Some("ismap_login=".to_owned()), String::new(), 403), // both empty
        (Some(cookie.clone()), token.clone(), 303),
    ];
    for (cookie, token, expected) in cases {
        let r = post(cookie.clone(), &token).await;
        assert_eq!(r.status, expected, "{cookie:?} {token}");
        if expected == 403 {
            assert!(
                r.header("set-cookie")
                    .is_some_and(|c| c.starts_with("ismap_login=")),
                "a refused form comes back with a fresh token"
            );
        }
    }
}
