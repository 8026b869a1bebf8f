//! Procurement cases over HTTP, as each role would try them: a member drafts and checks, an
//! approver approves, and every denied act (no right, one's own resolution, another
//! organisation's case, a locked case) is a 403 or 409 with its reason in both languages.

use crate::{database_server, request};
use ismap_core::access::Role;

const PROFILE: &str = include_str!("../../../../examples/demo-profile.toml");

async fn bearer(
    store: &ismap_store::Store,
    name: &str,
    role: Role,
    org: Option<&str>,
    approver: bool,
) -> String {
    crate::bearer_for(store, name, role, org, approver).await
}

#[tokio::test]
async fn a_case_through_the_api_with_every_refusal() {
    let (s, store) = database_server().await;
    let drafter = bearer(&store, "drafter", Role::Procurer, Some("架空省"), false).await;
    let boss = bearer(&store, "boss", Role::Procurer, Some("架空省"), true).await;
    let stranger = bearer(&store, "stranger", Role::Procurer, Some("別省"), true).await;
    let operator = bearer(&store, "op", Role::Operator, None, false).await;
    let call = |auth: &str, method: &'static str, path: String, body: serde_json::Value| {
        let auth = auth.to_owned();
        async move {
            let body = if body.is_null() {
                String::new()
            } else {
                body.to_string()
            };
            request(
                s.addr,
                method,
                &path,
                &[
                    ("Authorization", &auth),
                    ("Content-Type", "application/json"),
                ],
                body.as_bytes(),
            )
            .await
        }
    };
    let created = call(
        &drafter,
        "POST",
        "/api/v1/cases".into(),
        serde_json::json!({"name": "人事給与システム", "profile": PROFILE}),
    )
    .await;
    assert_eq!(
        created.status,
        201,
        "{}",
        String::from_utf8_lossy(&created.body)
    );
    let id = created.json()["id"].as_i64().expect("id");
    let checked = call(
        &drafter,
        "POST",
        format!("/api/v1/cases/{id}/checks"),
        serde_json::Value::Null,
    )
    .await;
    assert_eq!(
        checked.status,
        200,
        "{}",
        String::from_utf8_lossy(&checked.body)
    );
    let view = checked.json();
    assert_eq!(view["snapshot"]["seq"], 1);
    let entry = view["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .find(|e| e["registration_no"] == "C99-0001-1" && e["status"] != "pass")
        .map(|e| e["entry"].as_u64().expect("n"))
        .expect("an open point");
    let resolved = call(&drafter, "POST", format!("/api/v1/cases/{id}/resolutions"), serde_json::json!({"snapshot": 1, "entry": entry, "kind": "contract_clause", "text": "契約書で手当て", "document": {"number": "架空省情第1号", "date": "2026-12-01"}})).await;
    assert_eq!(
        resolved.status,
        201,
        "{}",
        String::from_utf8_lossy(&resolved.body)
    );
    let approval = format!("/api/v1/cases/{id}/resolutions/{entry}/approval");
    let on_snapshot_1 = serde_json::json!({"snapshot": 1});
    // (who, method, path, body, status, error, Japanese reason contains)
    let denied = [
        (
            &drafter,
            "POST",
            approval.clone(),
            on_snapshot_1.clone(),
            403,
            "承認権限",
        ),
        // Another agency's case does not exist for them.
        (
            &stranger,
            "GET",
            format!("/api/v1/cases/{id}"),
            serde_json::Value::Null,
            404,
            "",
        ),
        (
            &stranger,
            "POST",
            approval.clone(),
            on_snapshot_1.clone(),
            404,
            "",
        ),
        // An approval made from an older snapshot than the latest is refused.
        (
            &boss,
            "POST",
            approval.clone(),
            serde_json::json!({"snapshot": 0}),
            409,
            "確認結果が更新されています",
        ),
        (
            &drafter,
            "POST",
            format!("/api/v1/cases/{id}/decision"),
            serde_json::json!({"service": "C99-0001-1", "reason": "価格"}),
            409,
            "未対応",
        ),
        (
            &drafter,
            "POST",
            format!("/api/v1/cases/{id}/resolutions"),
            serde_json::json!({"snapshot": 1, "entry": 1, "kind": "bogus", "text": "x"}),
            422,
            "",
        ),
    ];
    for (who, method, path, body, status, reason) in denied {
        let reply = call(who, method, path.clone(), body).await;
        assert_eq!(
            reply.status,
            status,
            "{method} {path}: {}",
            String::from_utf8_lossy(&reply.body)
        );
        if !reason.is_empty() {
            let body = reply.json();
            assert!(
                body["detail_ja"]
                    .as_str()
                    .is_some_and(|d| d.contains(reason)),
                "{body}"
            );
            assert!(body["detail"].as_str().is_some_and(|d| !d.is_empty()));
        }
    }
    // Operators and auditors of the program do not see agencies' cases at all.
    assert_eq!(
        call(
            &operator,
            "GET",
            "/api/v1/cases".into(),
            serde_json::Value::Null
        )
        .await
        .status,
        403
    );
    let approved = call(&boss, "POST", approval, on_snapshot_1).await;
    assert_eq!(approved.status, 200);
    assert_eq!(approved.json()["approved_by"], "boss");
    let shown = call(
        &boss,
        "GET",
        format!("/api/v1/cases/{id}"),
        serde_json::Value::Null,
    )
    .await
    .json();
    let settled = shown["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .find(|e| e["entry"].as_u64() == Some(entry))
        .cloned()
        .expect("entry");
    assert_eq!(settled["settled"], true);
    assert_eq!(settled["resolution"]["document"]["number"], "架空省情第1号");
    assert_eq!(
        call(
            &stranger,
            "GET",
            "/api/v1/cases".into(),
            serde_json::Value::Null
        )
        .await
        .json()
        .as_array()
        .map(Vec::len),
        Some(0)
    );
}

#[tokio::test]
async fn the_case_pages_work_without_javascript() {
    let (s, store) = database_server().await;
    let drafter = bearer(&store, "drafter", Role::Procurer, Some("架空省"), false).await;
    let boss = bearer(&store, "boss", Role::Procurer, Some("架空省"), true).await;
    let stranger = bearer(&store, "stranger", Role::Procurer, Some("別省"), false).await;
    let form = |auth: &str, path: String, pairs: Vec<(&'static str, String)>| {
        let auth = auth.to_owned();
        async move {
            let mut body = form_urlencoded::Serializer::new(String::new());
            for (k, v) in &pairs {
                body.append_pair(k, v);
            }
            request(
                s.addr,
                "POST",
                &path,
                &[
                    ("Authorization", &auth),
                    ("Content-Type", "application/x-www-form-urlencoded"),
                ],
                body.finish().as_bytes(),
            )
            .await
        }
    };
    let page = |auth: &str, path: String| {
        let auth = auth.to_owned();
        async move { request(s.addr, "GET", &path, &[("Authorization", &auth)], b"").await }
    };
    let created = form(
        &drafter,
        "/cases".into(),
        vec![("name", "庁内ポータル".into()), ("profile", PROFILE.into())],
    )
    .await;
    assert_eq!(created.status, 303);
    // The requirement editor's fields alone make a case too: an objective ticked as a whole
    // brings its detailed controls, and the page offers the same editor to change them.
    let edited = form(
        &drafter,
        "/cases".into(),
        vec![
            ("name", "文書共有（エディタ）".into()),
            ("confidentiality", "2".into()),
            ("feature", "仮想マシン".into()),
            ("required_region", "東京".into()),
            ("objective", "6.1.1".into()),
            ("required", "9.2.3".into()),
            ("candidates", "C99-0001-1".into()),
        ],
    )
    .await;
    assert_eq!(
        edited.status,
        303,
        "{}",
        String::from_utf8_lossy(&edited.body)
    );
    let edited_at = edited.header("location").expect("location");
    let edited_page = String::from_utf8_lossy(&page(&drafter, edited_at).await.body).into_owned();
    assert!(
        edited_page.contains("文書共有（エディタ）"),
        "{edited_page}"
    );
    assert!(
        edited_page
            .contains("id=\"control-6.1.1.13.PB\" name=\"control\" value=\"6.1.1.13.PB\" checked"),
        "the objective's controls come back ticked"
    );
    let at = created.header("location").expect("location");
    let id: i32 = at.trim_start_matches("/cases/").parse().expect("id");
    assert_eq!(
        form(&drafter, format!("/cases/{id}/check"), vec![])
            .await
            .status,
        303
    );
    let shown = String::from_utf8_lossy(&page(&drafter, at.clone()).await.body).into_owned();
    for section in [
        "id=\"requirements\"",
        "id=\"comparison\"",
        "id=\"resolutions\"",
        "id=\"decision\"",
        "id=\"history\"",
        "確認の実行",
    ] {
        assert!(shown.contains(section), "{section}");
    }
    let view = store
        .case(
            &store
                .account("drafter")
                .await
                .expect("a")
                .expect("drafter")
                .actor(),
            id,
        )
        .await
        .expect("case")
        .view(ismap_core::lang::Lang::Ja, chrono::NaiveDate::MIN);
    let open = view
        .entries
        .iter()
        .find(|e| e.entry.status != ismap_core::check::Status::Pass)
        .expect("open point")
        .entry
        .entry;
    // The resolution form is multipart: it may carry the document's file.
    let mut body = String::new();
    for (k, v) in [
        ("snapshot", "1".to_owned()),
        ("entry", open.to_string()),
        ("kind", "written_confirmation".into()),
        ("text", "書面で確認した".into()),
        ("document_number", "架空省情第2号".into()),
        ("document_date", "2026-12-01".into()),
    ] {
        body.push_str(&format!(
            "--XyZ\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
        ));
    }
    body.push_str("--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"回答書.html\"\r\nContent-Type: text/html\r\n\r\n<script>alert(1)</script>\r\n--XyZ--\r\n");
    let resolved = request(
        s.addr,
        "POST",
        &format!("/cases/{id}/resolutions"),
        &[
            ("Authorization", &drafter),
            ("Content-Type", "multipart/form-data; boundary=XyZ"),
        ],
        body.as_bytes(),
    )
    .await;
    assert_eq!(
        resolved.status,
        303,
        "{}",
        String::from_utf8_lossy(&resolved.body)
    );
    let shown = String::from_utf8_lossy(&page(&boss, at.clone()).await.body).into_owned();
    assert!(
        shown.contains("承認待ち") && shown.contains("架空省情第2号"),
        "{shown}"
    );
    // The file is kept under its SHA-256 and comes back as opaque bytes to download, never
    // as a page of the application (an uploaded HTML file must not run here).
    let kept = store
        .case(
            &ismap_core::access::Actor {
                role: Role::Procurer,
                organisation: Some("架空省".into()),
                name: "boss".into(),
                approver: true,
            },
            id,
        )
        .await
        .expect("case")
        .attachments;
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].name, "回答書.html");
    let file = page(&boss, format!("/cases/{id}/attachments/{}", kept[0].sha256)).await;
    assert_eq!(file.status, 200);
    assert_eq!(
        file.header("content-type").as_deref(),
        Some("application/octet-stream")
    );
    assert!(
        file.header("content-disposition")
            .is_some_and(|d| d.starts_with("attachment;"))
    );
    assert_eq!(file.body, b"<script>alert(1)</script>");
    assert_eq!(
        page(
            &stranger,
            format!("/cases/{id}/attachments/{}", kept[0].sha256)
        )
        .await
        .status,
        404
    );
    // The drafter gets no approve button and is refused if they post anyway.
    let on_1 = || vec![("snapshot", "1".to_owned())];
    assert_eq!(
        form(
            &drafter,
            format!("/cases/{id}/resolutions/{open}/approval"),
            on_1()
        )
        .await
        .status,
        403
    );
    assert_eq!(
        form(
            &boss,
            format!("/cases/{id}/resolutions/{open}/approval"),
            on_1()
        )
        .await
        .status,
        303
    );
    let shown = String::from_utf8_lossy(&page(&drafter, at.clone()).await.body).into_owned();
    assert!(
        shown.contains("対応済み") && shown.contains("対応の承認"),
        "{shown}"
    );
    let pdf = page(&drafter, format!("/cases/{id}/record.pdf")).await;
    assert_eq!(pdf.status, 200);
    assert!(pdf.body.starts_with(b"%PDF"));
    assert!(
        pdf.header("content-disposition")
            .is_some_and(|d| d.contains(&format!("ismap-case-{id}.pdf")))
    );
    let record = page(&drafter, format!("/api/v1/cases/{id}/record"))
        .await
        .json();
    assert!(
        record["audit_head"]
            .as_str()
            .is_some_and(|h| h.contains(':'))
    );
    assert_eq!(record["snapshots"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        page(&stranger, format!("/cases/{id}/record.pdf"))
            .await
            .status,
        404
    );
    let other = page(&stranger, at).await;
    assert_eq!(other.status, 404);
}

/// The case's operation over HTTP: files (raw bytes, at most 10 MiB, a JSON 413 beyond),
/// clause drafts and the evidence register only once a service is chosen, and the XLSX and
/// OSCAL records.
#[tokio::test]
async fn files_duties_clauses_and_records_over_the_api() {
    let (s, store) = database_server().await;
    let drafter = bearer(&store, "drafter", Role::Procurer, Some("架空省"), false).await;
    let boss = bearer(&store, "boss", Role::Procurer, Some("架空省"), true).await;
    let send =
        |auth: &str, method: &'static str, path: String, kind: &'static str, body: Vec<u8>| {
            let auth = auth.to_owned();
            async move {
                request(
                    s.addr,
                    method,
                    &path,
                    &[("Authorization", &auth), ("Content-Type", kind)],
                    &body,
                )
                .await
            }
        };
    let json = |v: serde_json::Value| v.to_string().into_bytes();
    const JSON: &str = "application/json";
    let profile = "name = \"文書管理\"\nconfidentiality = 2\nlow_impact = false\ncandidates = [\"C99-0001-1\"]\n";
    let created = send(
        &drafter,
        "POST",
        "/api/v1/cases".into(),
        JSON,
        json(serde_json::json!({"name": "文書管理", "profile": profile})),
    )
    .await;
    let id = created.json()["id"].as_i64().expect("id");
    let at = |tail: &str| format!("/api/v1/cases/{id}{tail}");
    let checked = send(&drafter, "POST", at("/checks"), JSON, vec![])
        .await
        .json();
    let seq = checked["snapshot"]["seq"].as_i64().expect("seq");
    // A file: kept under its SHA-256; too large is a JSON 413; empty is 422.
    let kept = send(
        &drafter,
        "POST",
        at("/attachments?name=%E5%9B%9E%E7%AD%94.pdf"),
        "application/octet-stream",
        b"%PDF-1.4 x".to_vec(),
    )
    .await;
    assert_eq!(kept.status, 201, "{}", String::from_utf8_lossy(&kept.body));
    let sha = kept.json()["sha256"].as_str().expect("sha").to_owned();
    assert_eq!(kept.json()["name"], "回答.pdf");
    let big = send(
        &drafter,
        "POST",
        at("/attachments?name=big.bin"),
        "application/octet-stream",
        vec![0; ismap_web::UPLOAD_LIMIT + 1],
    )
    .await;
    assert_eq!(big.status, 413);
    assert!(big.json()["error"].is_string());
    // Within the body limit but over the file limit: refused by the store's rule.
    let over = send(
        &drafter,
        "POST",
        at("/attachments?name=big.bin"),
        "application/octet-stream",
        vec![0; ismap_store::MAX_ATTACHMENT_BYTES + 1],
    )
    .await;
    assert_eq!(over.status, 422);
    let empty = send(
        &drafter,
        "POST",
        at("/attachments?name=e.txt"),
        "application/octet-stream",
        vec![],
    )
    .await;
    assert_eq!(
        empty.status,
        422,
        "{}",
        String::from_utf8_lossy(&empty.body)
    );
    let back = send(
        &boss,
        "GET",
        at(&format!("/attachments/{sha}")),
        JSON,
        vec![],
    )
    .await;
    assert_eq!(
        (back.status, back.body.as_slice()),
        (200, b"%PDF-1.4 x".as_slice())
    );
    // Before a choice: no clauses, no register.
    assert_eq!(
        send(&drafter, "GET", at("/clauses"), JSON, vec![])
            .await
            .status,
        409
    );
    let row = serde_json::json!({
        "duty": "iam", "activity": "特権IDの棚卸し", "performer": "contractor", "frequency": "四半期",
        "evidence": "棚卸し結果", "location": "共有", "retention": "5年",
        "last_checked": "2026-09-01", "checked_by": "山田", "next_due": "2027-03-01"
    });
    assert_eq!(
        send(
            &drafter,
            "PUT",
            at("/evidence/iam"),
            JSON,
            json(row.clone())
        )
        .await
        .status,
        409
    );
    // Settle whatever is open, then choose.
    for e in checked["entries"].as_array().expect("entries") {
        if e["status"] == "pass" {
            continue;
        }
        let n = e["entry"].as_u64().expect("n");
        let r = send(
            &drafter,
            "POST",
            at("/resolutions"),
            JSON,
            json(serde_json::json!({
                "snapshot": seq, "entry": n, "kind": "written_confirmation", "text": "書面で確認",
                "document": {"number": "架空省情第3号", "date": null}, "attachment": sha
            })),
        )
        .await;
        assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
        assert_eq!(r.json()["attachment"], sha.as_str());
        let a = send(
            &boss,
            "POST",
            at(&format!("/resolutions/{n}/approval")),
            JSON,
            json(serde_json::json!({"snapshot": seq})),
        )
        .await;
        assert_eq!(a.status, 200);
    }
    let decided = send(
        &drafter,
        "POST",
        at("/decision"),
        JSON,
        json(serde_json::json!({"service": "C99-0001-1", "reason": "唯一の候補"})),
    )
    .await;
    assert_eq!(
        decided.status,
        200,
        "{}",
        String::from_utf8_lossy(&decided.body)
    );
    // The path names the duty the body fills.
    assert_eq!(
        send(
            &drafter,
            "PUT",
            at("/evidence/logging"),
            JSON,
            json(row.clone())
        )
        .await
        .status,
        400
    );
    let filled = send(&drafter, "PUT", at("/evidence/iam"), JSON, json(row)).await;
    assert_eq!(
        filled.status,
        200,
        "{}",
        String::from_utf8_lossy(&filled.body)
    );
    let duty = filled.json()["duties"]
        .as_array()
        .expect("duties")
        .iter()
        .find(|d| d["duty"] == "iam")
        .cloned()
        .expect("iam");
    assert_eq!(duty["row"]["activity"], "特権IDの棚卸し");
    assert_eq!(duty["overdue"], false);
    let clauses = send(&drafter, "GET", at("/clauses"), JSON, vec![])
        .await
        .json();
    let texts: Vec<&str> = clauses
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|c| c["text"].as_str())
        .collect();
    assert!(
        texts
            .iter()
            .any(|t| t.contains("C99-0001-1") && t.contains("有効期限")),
        "{texts:?}"
    );
    assert!(
        texts.iter().any(|t| t.contains("特権IDの棚卸し")),
        "{texts:?}"
    );
    let xlsx = send(&drafter, "GET", at("/record.xlsx"), JSON, vec![]).await;
    assert_eq!(xlsx.status, 200);
    assert!(xlsx.body.starts_with(b"PK"));
    let oscal = send(&drafter, "GET", at("/record.oscal.json"), JSON, vec![])
        .await
        .json();
    assert!(oscal["assessment-results"]["results"][0]["findings"].is_array());
}
