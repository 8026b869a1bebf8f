//! Alerts delivered for real: webhooks to a local HTTP receiver that checks the signature and
//! fails the first attempt, e-mail to a local SMTP sink; dates from a fake clock.

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use ismap_core::access::{Actor, Role};
use ismap_core::criteria::Catalog;
use ismap_core::egress::Policy;
use ismap_core::registry::Registry;
use ismap_core::validity::ExpiryRule;
use ismap_formats::criteria::builtin_catalog;
use ismap_formats::demo;
use ismap_formats::registry_json::parse_registry;
use ismap_notify::{Mailer, SIGNATURE_HEADER, Settings, deliver_due, run, signature};
use ismap_store::Store;
use ismap_store::testing::TestDb;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

type Received = Arc<Mutex<Vec<(String, String)>>>;

/// An HTTP receiver that answers 500 to the first request and 200 after, recording bodies
/// whose signature verifies with `secret`.
async fn webhook_receiver(secret: &'static str) -> (String, Received, Arc<Mutex<u32>>) {
    let received: Received = Arc::default();
    let calls = Arc::new(Mutex::new(0u32));
    let (r, c) = (received.clone(), calls.clone());
    let app = Router::new().route(
        "/hook",
        post(move |headers: HeaderMap, body: Bytes| {
            let (r, c) = (r.clone(), c.clone());
            async move {
                let n = {
                    let mut c = c.lock().expect("lock");
                    *c += 1;
                    *c
                };
                if n == 1 {
                    return StatusCode::INTERNAL_SERVER_ERROR;
                }
                let header = headers
                    .get(SIGNATURE_HEADER)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                let t: i64 = header
                    .split(',')
                    .find_map(|p| p.strip_prefix("t="))
                    .and_then(|t| t.parse().ok())
                    .unwrap_or_default();
                if signature(secret, t, &body) != header {
                    return StatusCode::UNAUTHORIZED;
                }
                r.lock()
                    .expect("lock")
                    .push((header, String::from_utf8_lossy(&body).into_owned()));
                StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/hook"), received, calls)
}

/// A minimal SMTP server that accepts every message and keeps its data.
async fn smtp_sink() -> (u16, Arc<Mutex<Vec<String>>>) {
    let messages: Arc<Mutex<Vec<String>>> = Arc::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let m = messages.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let m = m.clone();
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = BufReader::new(read).lines();
                let _ = write.write_all(b"220 sink ESMTP\r\n").await;
                let mut data: Option<String> = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(body) = data.as_mut() {
                        if line == "." {
                            m.lock().expect("lock").push(std::mem::take(body));
                            data = None;
                            let _ = write.write_all(b"250 queued\r\n").await;
                        } else {
                            body.push_str(&line);
                            body.push('\n');
                        }
                        continue;
                    }
                    let verb = line.get(..4).unwrap_or_default().to_ascii_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250 sink\r\n",
                        "DATA" => {
                            data = Some(String::new());
                            b"354 go ahead\r\n"
                        }
                        "QUIT" => {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            break;
                        }
                        _ => b"250 OK\r\n",
                    };
                    let _ = write.write_all(reply).await;
                }
            });
        }
    });
    (port, messages)
}

/// A database with the demo list and a procurer watching its first entry, and the day 20
/// days before that entry expires (09:00 JST as the instant).
struct Watching {
    _db: TestDb,
    store: Store,
    catalog: Catalog,
    registry: Registry,
    buyer: Actor,
    today: NaiveDate,
    now: DateTime<Utc>,
}

async fn watching() -> Watching {
    let db = TestDb::new().await;
    let store = Store::open(&db.spec).await.expect("open");
    let catalog = builtin_catalog().expect("catalog");
    store.ensure_criteria(&catalog).await.expect("criteria");
    let registry = parse_registry("demo", demo::REGISTRY_JSON.as_bytes(), &catalog)
        .expect("demo")
        .registry;
    store
        .import_registry(&registry, &catalog, "demo", "x", false)
        .await
        .expect("import");
    let buyer = store
        .add_user(
            "t",
            "buyer",
            "a long password!",
            Role::Procurer,
            Some("架空市"),
            Some("buyer@city.example"),
        )
        .await
        .expect("user")
        .actor();
    let entry = &registry.registrations()[0];
    let expires = entry.expires_on(ExpiryRule::Civil);
    store
        .add_watch(
            &buyer,
            &entry.registration_no,
            (expires - Days::new(300), expires + Days::new(200)),
            "基幹系",
            &[],
        )
        .await
        .expect("watch");
    let today = expires - Days::new(20);
    let now = Utc
        .from_local_datetime(&today.and_hms_opt(0, 0, 0).expect("time"))
        .single()
        .expect("instant");
    Watching {
        _db: db,
        store,
        catalog,
        registry,
        buyer,
        today,
        now,
    }
}

/// The receivers of these tests listen on 127.0.0.1, which only an operator's exception
/// lets webhooks reach.
fn loopback_allowed() -> Policy {
    Policy::allowing(["127.0.0.1"])
}

#[tokio::test]
async fn alerts_reach_webhooks_and_mailboxes_with_retries() {
    let Watching {
        _db,
        store,
        catalog,
        registry,
        buyer,
        today,
        now,
    } = watching().await;
    let entry = &registry.registrations()[0];
    let (url, received, calls) = webhook_receiver("hook-secret").await;
    store
        .add_webhook(&buyer, &url, "hook-secret")
        .await
        .expect("hook");
    let (port, mails) = smtp_sink().await;
    let mailer =
        Mailer::new(&format!("smtp://127.0.0.1:{port}"), "ismap@example.invalid").expect("mailer");

    let settings = Settings {
        mailer: Some(mailer.clone()),
        egress: loopback_allowed(),
        ..Settings::default()
    };
    let report = run(&store, list(&registry, &catalog), (today, now), &settings)
        .await
        .expect("run");
    assert!(report.raised >= 2, "{report:?}");
    // Mail all went through; the webhook failed once (HTTP 500) and waits for its retry.
    assert_eq!(mails.lock().expect("lock").len(), report.raised);
    assert_eq!(report.failed, 1);
    let mail = mails.lock().expect("lock").join("\n");
    assert!(mail.contains("buyer@city.example"), "{mail}");

    // Not yet due one second later; due after the backoff (one minute).
    let early = deliver_due(
        &store,
        Some(&mailer),
        &settings.egress,
        now + chrono::Duration::seconds(1),
    )
    .await
    .expect("deliver");
    assert_eq!(early.delivered, 0);
    let later = deliver_due(
        &store,
        Some(&mailer),
        &settings.egress,
        now + chrono::Duration::minutes(3),
    )
    .await
    .expect("deliver");
    assert_eq!(later.failed, 0);
    let hooks = received.lock().expect("lock").clone();
    assert_eq!(hooks.len(), report.raised, "every alert arrived, signed");
    assert!(
        hooks
            .iter()
            .any(|(_, body)| body.contains(entry.registration_no.as_str()))
    );
    assert_eq!(*calls.lock().expect("lock"), report.raised as u32 + 1);
    // Nothing is sent twice.
    let again = run(
        &store,
        list(&registry, &catalog),
        (today, now + chrono::Duration::minutes(10)),
        &settings,
    )
    .await
    .expect("run");
    assert_eq!(again, ismap_notify::RunReport::default());
}

/// A receiver that counts requests per path: `/hook` answers with `status` (and a redirect
/// to `/elsewhere` when it is 3xx); `/slow` answers only once `/fast` has been reached.
async fn counting_receiver(status: u16) -> (String, Arc<Mutex<Vec<String>>>) {
    let hits: Arc<Mutex<Vec<String>>> = Arc::default();
    let fast_reached = Arc::new(tokio::sync::Semaphore::new(0));
    let app = Router::new().fallback({
        let hits = hits.clone();
        move |uri: axum::http::Uri| {
            let (hits, fast_reached) = (hits.clone(), fast_reached.clone());
            async move {
                let path = uri.path().to_owned();
                hits.lock().expect("lock").push(path.clone());
                match path.as_str() {
                    "/fast" => fast_reached.add_permits(1000),
                    "/slow" => {
                        if let Ok(permit) = fast_reached.acquire().await {
                            permit.forget();
                        }
                    }
                    _ => {}
                }
                let status = StatusCode::from_u16(if path == "/hook" { status } else { 200 })
                    .expect("status");
                (status, [(axum::http::header::LOCATION, "/elsewhere")])
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), hits)
}

#[tokio::test]
async fn webhooks_reach_no_internal_address_and_follow_no_redirect() {
    let w = watching().await;
    let (base, hits) = counting_receiver(307).await;
    // Stored directly, as a row written before the creation check existed would be.
    w.store
        .add_webhook(&w.buyer, &format!("{base}/hook"), "hook-secret")
        .await
        .expect("hook");
    let settings = Settings::default();
    let report = run(
        &w.store,
        list(&w.registry, &w.catalog),
        (w.today, w.now),
        &settings,
    )
    .await
    .expect("run");
    assert!(report.failed >= 1, "{report:?}");
    assert!(
        hits.lock().expect("lock").is_empty(),
        "nothing reaches a loopback address unless the operator allows it"
    );

    // Allowed, the receiver is reached once; its redirect is not followed.
    let later = w.now + chrono::Duration::minutes(5);
    let report = deliver_due(&w.store, None, &loopback_allowed(), later)
        .await
        .expect("deliver");
    assert!(
        report.failed >= 1,
        "a redirect is a failed delivery: {report:?}"
    );
    let seen = hits.lock().expect("lock").clone();
    assert!(seen.iter().all(|p| p == "/hook"), "{seen:?}");
    assert!(!seen.is_empty());
}

#[tokio::test]
async fn a_slow_receiver_does_not_hold_up_the_others() {
    let w = watching().await;
    let (base, hits) = counting_receiver(200).await;
    // The slow receiver is registered (and so claimed) first; it answers only after the fast
    // one has received its alert, which a one-at-a-time run would never let happen in time.
    for path in ["/slow", "/fast"] {
        w.store
            .add_webhook(&w.buyer, &format!("{base}{path}"), "hook-secret")
            .await
            .expect("hook");
    }
    let (port, _) = smtp_sink().await;
    let settings = Settings {
        egress: loopback_allowed(),
        mailer: Some(
            Mailer::new(&format!("smtp://127.0.0.1:{port}"), "ismap@example.invalid")
                .expect("mailer"),
        ),
        ..Settings::default()
    };
    let report = run(
        &w.store,
        list(&w.registry, &w.catalog),
        (w.today, w.now),
        &settings,
    )
    .await
    .expect("run");
    assert_eq!(report.failed, 0, "{report:?}");
    let seen = hits.lock().expect("lock").clone();
    assert!(
        seen.contains(&"/slow".to_owned()) && seen.contains(&"/fast".to_owned()),
        "{seen:?}"
    );
}

/// The list an alert run compares with (these tests hold no procurement cases).
fn list<'a>(registry: &'a Registry, catalog: &'a Catalog) -> ismap_notify::List<'a> {
    ismap_notify::List {
        registry,
        catalog,
        sha256: "test",
        revision: None,
    }
}
