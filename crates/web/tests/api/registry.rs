use crate::{database_server, demo_server, enc, get};
use ismap_core::registry::Registry;
use ismap_formats::criteria::builtin_catalog;
use ismap_formats::demo;
use ismap_formats::registry_json::parse_registry;
use serde_json::Value;

fn numbers(page: &Value) -> Vec<&str> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["registration_no"].as_str())
        .collect()
}

#[tokio::test]
async fn search_filter_sort_page() {
    let s = demo_server().await;
    let on = "on=2026-12-01";
    let cases: Vec<(String, Vec<&str>, u64)> = vec![
        (
            format!("q={}", enc("東京")),
            vec![
                "C99-0001-1",
                "C99-0002-1",
                "C99-0003-2",
                "C99-0004-1",
                "C99-0005-1",
                "C99-0006-1",
                "C99-0007-1",
                "C99-0008-1",
            ],
            8,
        ),
        (
            format!("q={}", enc("すとれーじ")),
            vec!["C99-0001-1", "C99-0004-1", "C99-0007-1", "C99-0009-1"],
            4,
        ),
        (format!("q={}", enc("ＣＤＮ")), vec!["C99-0008-1"], 1),
        (format!("q={}", enc("架")), vec![], 9), // one character: every provider is 架空…; checked by total
        ("program=ismap-liu".into(), vec!["C99-0003-2"], 1),
        ("status=renewal_pending".into(), vec!["C99-0005-1"], 1),
        (
            "model=SaaS&sort=expires_on&order=desc".into(),
            vec!["C99-0003-2", "C99-0002-1", "C99-0006-1"],
            3,
        ),
        ("country=SG".into(), vec!["C99-0008-1"], 1),
        (
            format!("region={}", enc("バージニア北部")),
            vec!["C99-0001-1"],
            1,
        ),
        ("expiring_within=90".into(), vec!["C99-0002-1"], 1),
        ("per_page=2&page=5".into(), vec!["C99-0009-1"], 9),
    ];
    for (query, expected, total) in cases {
        let reply = get(s.addr, &format!("/api/v1/registrations?{on}&{query}")).await;
        assert_eq!(reply.status, 200, "{query}");
        let page = reply.json();
        assert_eq!(page["total"], total, "{query}");
        if !expected.is_empty() || total == 0 {
            assert_eq!(numbers(&page), expected, "{query}");
        }
    }
    let page = get(
        s.addr,
        "/api/v1/registrations?on=2026-12-01&status=valid&per_page=1",
    )
    .await
    .json();
    assert_eq!(page["items"][0]["status"], "valid");
    assert_eq!(page["on"], "2026-12-01");
}

#[tokio::test]
async fn one_registration() {
    let s = demo_server().await;
    let r = get(s.addr, "/api/v1/registrations/C99-0002-1?on=2026-12-01").await;
    assert_eq!(r.status, 200);
    let r = r.json();
    assert_eq!(r["status"], "valid");
    assert_eq!(r["expires_on"], "2027-01-31");
    assert_eq!(r["underlying"][0], "C99-0001-1");
    assert_eq!(r["controls"]["12.3.1"]["inherited_from"], "C99-0001-1");
    let missing = get(s.addr, "/api/v1/registrations/C99-0404-1").await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["error"], "not_found");
}

#[tokio::test]
async fn criteria() {
    let s = demo_server().await;
    let all = get(s.addr, "/api/v1/criteria").await.json();
    assert_eq!(all.as_array().map(Vec::len), Some(261));
    let governance = get(s.addr, "/api/v1/criteria?part=governance").await.json();
    assert_eq!(governance.as_array().map(Vec::len), Some(24));
    let found = get(
        s.addr,
        &format!("/api/v1/criteria?q={}", enc("バックアップ")),
    )
    .await
    .json();
    assert_eq!(found[0]["id"], "12.3.1");
    let found = get(s.addr, "/api/v1/criteria?q=9.5.").await.json();
    let ids: Vec<&str> = found
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|c| c["id"].as_str())
        .collect();
    assert_eq!(ids, ["9.5.1.P", "9.5.2.P", "9.5.2.1.PB"]);
    let one = get(s.addr, "/api/v1/criteria/6.3.1.P").await.json();
    assert_eq!(one["children"][0]["id"], "6.3.1.1.PB");
    assert_eq!(one["children"][0]["mandatory"], true);
    assert_eq!(get(s.addr, "/api/v1/criteria/6.3.9").await.status, 404);
    assert_eq!(get(s.addr, "/api/v1/criteria/x.y").await.status, 400);
}

#[tokio::test]
async fn crosswalk_lookups() {
    let s = demo_server().await;
    let one = get(s.addr, "/api/v1/crosswalk?id=9.2.3&to=nist&lang=en").await;
    assert_eq!(one.status, 200);
    let body = one.json();
    assert_eq!(body["framework"], "ismap");
    let links = body["links"].as_array().expect("links");
    let ac6: Vec<&serde_json::Value> = links.iter().filter(|l| l["id"] == "ac-6").collect();
    // Both routes reach ac-6, each with its sources.
    assert_eq!(ac6.len(), 2, "{body}");
    assert_eq!(ac6[0]["sources"][0], "ismap-numbering");
    assert!(
        body["disclaimer"]
            .as_str()
            .is_some_and(|d| d.contains("no substitute for conformity"))
    );
    // From NIST back to ISMAP, in Japanese by default.
    let back = get(s.addr, "/api/v1/crosswalk?from=nist&id=AC-2&to=ismap")
        .await
        .json();
    assert_eq!(back["id"], "ac-2");
    assert!(
        back["links"]
            .as_array()
            .is_some_and(|l| l.iter().any(|x| x["id"] == "9.2.1"))
    );
    // A cloud-only objective says why it has no ISO link.
    let cloud = get(s.addr, "/api/v1/crosswalk?id=6.3.1.P").await.json();
    assert_eq!(cloud["no_link"], "cloud_only");
    assert!(cloud["links"].as_array().is_some_and(Vec::is_empty));
    for (path, status, field) in [
        ("/api/v1/crosswalk?from=cobit&id=1", 400, "from"),
        ("/api/v1/crosswalk?from=nist&id=access", 400, "id"),
        ("/api/v1/crosswalk?from=nist", 400, "id"),
        ("/api/v1/crosswalk?id=9.2.3&to=ismap", 400, "to"),
        ("/api/v1/crosswalk?id=9.2.3&lang=fr", 400, "lang"),
    ] {
        let reply = get(s.addr, path).await;
        assert_eq!(reply.status, status, "{path}");
        assert_eq!(reply.json()["field"], field, "{path}");
    }
    let unknown = get(s.addr, "/api/v1/crosswalk?from=nist&id=ac-99").await;
    assert_eq!(unknown.status, 404);
    assert!(
        unknown.json()["detail"]
            .as_str()
            .is_some_and(|d| d.contains("ac-99"))
    );
}

#[tokio::test]
async fn bad_parameters_are_named() {
    let s = demo_server().await;
    let cases = [
        ("/api/v1/registrations?status=bogus", "status"),
        ("/api/v1/registrations?on=2026-02-30", "on"),
        ("/api/v1/registrations?per_page=501", "per_page"),
        ("/api/v1/registrations?country=JPN", "country"),
        ("/api/v1/registrations?sort=price", "sort"),
        ("/api/v1/registrations?program=fedramp", "program"),
        ("/api/v1/criteria?part=policy", "part"),
    ];
    for (path, field) in cases {
        let reply = get(s.addr, path).await;
        assert_eq!(reply.status, 400, "{path}");
        let body = reply.json();
        assert_eq!(body["error"], "invalid_parameter", "{path}");
        assert_eq!(body["field"], field, "{path}");
        assert!(body["detail"].as_str().is_some_and(|d| !d.is_empty()));
    }
    let unknown = get(s.addr, "/api/v1/registrations?colour=red").await;
    assert_eq!(unknown.status, 400);
    assert!(
        unknown.json()["detail"]
            .as_str()
            .is_some_and(|d| d.contains("colour"))
    );
    let nowhere = get(s.addr, "/api/v2/anything").await;
    assert_eq!(nowhere.status, 404);
    assert_eq!(nowhere.json()["error"], "not_found");
}

#[tokio::test]
async fn service_basics() {
    let s = demo_server().await;
    let health = get(s.addr, "/healthz").await;
    assert_eq!((health.status, health.body.as_slice()), (200, &b"ok"[..]));
    assert!(
        health
            .header("x-request-id")
            .is_some_and(|id| id.len() >= 32),
        "{:?}",
        health.headers
    );
    let doc = get(s.addr, "/api/openapi.json").await.json();
    assert_eq!(doc["openapi"], "3.1.0");
    for path in [
        "/api/v1/registrations",
        "/api/v1/registrations/{no}",
        "/api/v1/criteria",
        "/api/v1/criteria/{id}",
        "/api/v1/checks",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} undocumented");
    }
    // Application bodies are described, not left as a bare object: a client can be generated.
    let post = &doc["paths"]["/api/v1/applications"]["post"];
    assert_eq!(
        post["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/ApplicationContent"
    );
    let schemas = &doc["components"]["schemas"];
    let actions = serde_json::to_string(&schemas["Action"]).expect("json");
    for action in ["record_audit", "register", "revoke", "approve_change"] {
        assert!(actions.contains(action), "{action} missing from {actions}");
    }
    assert!(schemas["Application"]["properties"]["lifecycle"].is_object());
    assert!(schemas["ApplicationContent"]["properties"]["statements"].is_object());
    for name in [
        "Account",
        "TokenInfo",
        "IssuedToken",
        "WatchRecord",
        "AuditEvent",
        "ListDiff",
    ] {
        assert!(
            schemas[name]["properties"].is_object(),
            "{name} undescribed"
        );
    }
    // Every response body is described: no bare object a client cannot be generated from.
    let mut bare = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("item") {
            for (status, response) in operation["responses"].as_object().expect("responses") {
                for (media, content) in response["content"].as_object().into_iter().flatten() {
                    let schema = &content["schema"];
                    if schema["type"] == "object"
                        && ["properties", "additionalProperties", "allOf", "$ref"]
                            .iter()
                            .all(|k| schema.get(k).is_none())
                    {
                        bare.push(format!("{method} {path} {status} {media}"));
                    }
                }
            }
        }
    }
    assert!(bare.is_empty(), "untyped response bodies: {bare:#?}");
    let detail = &schemas["RegistrationDoc"]["properties"];
    for field in ["registration_no", "scope", "regions", "controls"] {
        assert!(
            detail[field].is_object(),
            "RegistrationDoc.{field} undescribed"
        );
    }
    let ui = get(s.addr, "/api/docs/").await;
    assert_eq!(ui.status, 200);
    assert!(
        String::from_utf8_lossy(&ui.body).contains("swagger"),
        "Swagger UI served from the binary"
    );
    let gz = crate::request(
        s.addr,
        "GET",
        "/api/v1/criteria",
        &[("Accept-Encoding", "gzip")],
        b"",
    )
    .await;
    assert_eq!(gz.header("content-encoding").as_deref(), Some("gzip"));
}

#[tokio::test]
async fn database_changes_are_picked_up() {
    let (s, store) = database_server().await;
    let before = get(s.addr, "/api/v1/registrations").await.json();
    assert_eq!(before["total"], 9);
    // another process imports a smaller registry
    let catalog = builtin_catalog().expect("criteria");
    let demo = parse_registry("demo", demo::REGISTRY_JSON.as_bytes(), &catalog)
        .expect("demo")
        .registry;
    let smaller = Registry::new(demo.registrations()[..3].to_vec()).expect("unique");
    store
        .import_registry(&smaller, &catalog, "smaller", "x", false)
        .await
        .expect("import");
    assert!(
        s.state.refresh().await.expect("refresh"),
        "the import was not noticed"
    );
    assert!(!s.state.refresh().await.expect("refresh"), "reloaded twice");
    let after = get(s.addr, &format!("/api/v1/registrations?q={}", enc("デモ")))
        .await
        .json();
    assert_eq!(after["total"], 3, "search index rebuilt");
    // The dashboard's recent changes come from the list's history, newest first.
    let removed = &demo.registrations()[8].registration_no;
    let html = get(s.addr, "/").await;
    let html = String::from_utf8_lossy(&html.body);
    let changes = html
        .split("id=\"changes\"")
        .nth(1)
        .and_then(|rest| rest.split("id=\"imports\"").next())
        .expect("the changes section, then the imports");
    assert!(
        changes.contains(&format!("href=\"/registry/{removed}\"")) && changes.contains("掲載終了"),
        "{changes}"
    );
    assert!(html.contains("smaller"), "the import is listed");

    // An entry changed, one back, the order reversed: the snapshot, updated from the list
    // events alone, is the list a full reading gives, with the same hash.
    let mut next: Vec<_> = demo.registrations()[..4].to_vec();
    next[0].service_name = "改名されたサービス".into();
    next.reverse();
    let next = Registry::new(next).expect("unique");
    store
        .import_registry(&next, &catalog, "next", "y", false)
        .await
        .expect("import");
    assert!(s.state.refresh().await.expect("refresh"), "not noticed");
    let snapshot = s.state.snapshot();
    let stored = store.load_registry(&catalog).await.expect("load");
    assert_eq!(snapshot.registry.registrations(), stored.registrations());
    assert_eq!(
        snapshot.sha256(),
        ismap_formats::registry_json::canonical_sha256(&stored, &catalog)
    );
    let found = get(s.addr, &format!("/api/v1/registrations?q={}", enc("改名")))
        .await
        .json();
    assert_eq!(found["total"], 1, "search index rebuilt");
}

#[tokio::test]
async fn page_and_api_give_the_same_results() {
    let s = demo_server().await;
    for query in [
        format!("q={}", enc("すとれーじ")),
        "status=valid&on=2026-12-01".into(),
        format!("q={}&model=SaaS", enc("デモ")),
    ] {
        let api = get(s.addr, &format!("/api/v1/registrations?{query}"))
            .await
            .json();
        let page = get(s.addr, &format!("/registry?{query}")).await;
        assert_eq!(page.status, 200);
        let html = String::from_utf8_lossy(&page.body).into_owned();
        for item in api["items"].as_array().expect("items") {
            let no = item["registration_no"].as_str().expect("number");
            assert!(
                html.contains(&format!("href=\"/registry/{no}\"")),
                "{query}: {no} missing on the page"
            );
        }
        assert_eq!(
            html.matches("href=\"/registry/C99-").count(),
            api["items"].as_array().map_or(0, Vec::len),
            "{query}"
        );
        assert!(
            html.contains(&format!("<strong>{}</strong>", api["total"])),
            "{query}: total"
        );
    }
}
