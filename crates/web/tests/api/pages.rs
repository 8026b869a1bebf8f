//! The pages over HTTP: languages, the wizard's upload and downloads, errors.

use crate::{demo_server, get, request};

const PROFILE: &str = include_str!("../../../../examples/demo-profile.toml");

fn html(reply: &crate::Reply) -> String {
    String::from_utf8_lossy(&reply.body).into_owned()
}

#[tokio::test]
async fn pages_in_both_languages() {
    let s = demo_server().await;
    for path in [
        "/",
        "/registry",
        "/registry/C99-0001-1",
        "/criteria",
        "/check",
    ] {
        let ja = get(s.addr, path).await;
        assert_eq!(ja.status, 200, "{path}");
        assert!(html(&ja).contains("<html lang=\"ja\">"), "{path}");
        let en = request(s.addr, "GET", path, &[("Cookie", "theme=x; lang=en")], b"").await;
        assert!(html(&en).contains("<html lang=\"en\">"), "{path}");
    }
    let switch = get(s.addr, "/lang/en?back=%2Fcriteria").await;
    assert_eq!(switch.status, 303);
    assert_eq!(switch.header("location").as_deref(), Some("/criteria"));
    assert!(
        switch
            .header("set-cookie")
            .is_some_and(|c| c.starts_with("lang=en;"))
    );
    // never a redirect to another site
    for back in [
        "%2F%2Fevil.example%2F",
        "%2F%5Cevil.example",
        "https%3A%2F%2Fevil.example",
        "%2F%09%2Fevil.example",
    ] {
        let away = get(s.addr, &format!("/lang/ja?back={back}")).await;
        assert_eq!(away.header("location").as_deref(), Some("/"), "{back}");
    }
    let css = get(s.addr, "/static/app.css").await;
    assert!(
        css.header("content-type")
            .is_some_and(|t| t.starts_with("text/css"))
    );
    // The Digital Agency's design tokens, from this server (the pages load nothing else).
    let tokens = get(s.addr, "/static/design-tokens.css").await;
    assert_eq!(tokens.status, 200);
    assert!(
        tokens
            .header("content-type")
            .is_some_and(|t| t.starts_with("text/css"))
            && html(&tokens).contains("--color-primitive-blue-900:")
            && html(&tokens).contains("MIT License")
    );
}

#[tokio::test]
async fn unknown_pages_and_bad_parameters() {
    let s = demo_server().await;
    let page = get(s.addr, "/no-such-page").await;
    assert_eq!(page.status, 404);
    assert!(html(&page).contains("ページが見つかりません: /no-such-page"));
    let registration = get(s.addr, "/registry/C99-0404-1").await;
    assert_eq!(registration.status, 404);
    let bad = get(s.addr, "/registry?status=bogus").await;
    assert_eq!(bad.status, 400);
    assert!(
        html(&bad).contains("role=\"alert\"") && html(&bad).contains("status: unknown status"),
        "{}",
        html(&bad)
    );
}

fn multipart(name: &str, file: &str, body: &str) -> (String, Vec<u8>) {
    multipart_fields(&[(name, Some(file), body)])
}

/// A multipart body of fields, each `(name, file name if a file, value)`.
fn multipart_fields(fields: &[(&str, Option<&str>, &str)]) -> (String, Vec<u8>) {
    let boundary = "ismapboundary7MA4YWxk";
    let mut data = String::new();
    for (name, file, body) in fields {
        let disposition = match file {
            Some(file) => format!(
                "form-data; name=\"{name}\"; filename=\"{file}\"\r\nContent-Type: application/octet-stream"
            ),
            None => format!("form-data; name=\"{name}\""),
        };
        data.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n{body}\r\n"
        ));
    }
    data.push_str(&format!("--{boundary}--\r\n"));
    (
        format!("multipart/form-data; boundary={boundary}"),
        data.into_bytes(),
    )
}

#[tokio::test]
async fn criteria_pages_show_their_links() {
    let s = demo_server().await;
    let page = html(&get(s.addr, "/criteria/9.2.3").await);
    assert!(page.contains("他の基準との対応"), "{page}");
    assert!(page.contains("A.9.2.3"), "{page}");
    assert!(page.contains("ac-6"), "{page}");
    assert!(
        page.contains("NIST SP 800-53 Rev.5–ISO/IEC 27001:2013 対応表"),
        "{page}"
    );
    let cloud = html(&get(s.addr, "/criteria/6.3.1.P").await);
    assert!(
        cloud.contains("ISO/IEC 27017 が追加したクラウド固有の管理策"),
        "{cloud}"
    );
    let tree = html(&get(s.addr, "/criteria").await);
    assert!(tree.contains("href=\"/criteria/9.2.3\""));
    assert_eq!(get(s.addr, "/criteria/9.9.9").await.status, 404);
}

#[tokio::test]
async fn gap_analysis_from_an_upload_or_a_baseline() {
    let s = demo_server().await;
    assert_eq!(get(s.addr, "/criteria/gap").await.status, 200);
    let post = |fields: Vec<(&'static str, Option<&'static str>, &'static str)>| {
        let addr = s.addr;
        async move {
            let (content_type, body) = multipart_fields(&fields);
            request(
                addr,
                "POST",
                "/criteria/gap",
                &[("Content-Type", &content_type)],
                &body,
            )
            .await
        }
    };
    let csv = "framework,id\niso27001-2013,A.9.2.3\nnist,ac-2\n";
    let shown = post(vec![
        ("have", Some("soa.csv"), csv),
        ("format", None, "html"),
    ])
    .await;
    assert_eq!(shown.status, 200);
    let page = html(&shown);
    assert!(page.contains("soa.csv (2)"), "{page}");
    assert!(page.contains("再利用候補"), "{page}");
    assert!(page.contains("9.2.3 →〔同等／本ツールの番号対応"), "{page}");
    let xlsx = post(vec![
        ("baseline", None, "fedramp-moderate"),
        ("format", None, "xlsx"),
    ])
    .await;
    assert_eq!(xlsx.status, 200);
    assert!(
        xlsx.header("content-disposition")
            .is_some_and(|d| d.contains("ismap-gap.xlsx"))
    );
    assert!(xlsx.body.starts_with(b"PK"));
    let json = post(vec![
        ("baseline", None, "fedramp-low"),
        ("format", None, "json"),
    ])
    .await;
    let view: serde_json::Value = serde_json::from_slice(&json.body).expect("json");
    assert_eq!(view["held"], "FedRAMP Low");
    assert_eq!(view["covered"], 0);
    assert!(
        view["notes"][1]
            .as_str()
            .is_some_and(|n| n.contains("「関連」"))
    );
    let bad = post(vec![("have", Some("soa.csv"), "nist,ac-2\ncobit,APO01\n")]).await;
    assert_eq!(bad.status, 422);
    assert!(
        html(&bad).contains("soa.csv:2:1: unknown framework"),
        "{}",
        html(&bad)
    );
    let nothing = post(vec![("format", None, "html")]).await;
    assert_eq!(nothing.status, 400);
}

#[tokio::test]
async fn upload_then_download() {
    let s = demo_server().await;
    let (content_type, body) = multipart("profile", "demo-profile.toml", PROFILE);
    let reply = request(
        s.addr,
        "POST",
        "/check/upload",
        &[("Content-Type", &content_type)],
        &body,
    )
    .await;
    assert_eq!(reply.status, 200);
    let page = html(&reply);
    assert!(
        page.contains("比較結果: デモ: 人事給与システムのクラウド調達（架空）"),
        "{page}"
    );
    assert_eq!(
        page.matches("name=\"candidate\"").count(),
        9,
        "one check sheet form per candidate"
    );

    let form = |format: &str| {
        form_urlencoded::Serializer::new(String::new())
            .append_pair("profile", PROFILE)
            .append_pair("format", format)
            .finish()
    };
    let urlencoded = [("Content-Type", "application/x-www-form-urlencoded")];
    let json = request(
        s.addr,
        "POST",
        "/check/download",
        &urlencoded,
        form("json").as_bytes(),
    )
    .await;
    assert_eq!(
        json.header("content-disposition").as_deref(),
        Some("attachment; filename=\"ismap-check.json\"; filename*=UTF-8''ismap-check.json")
    );
    assert_eq!(json.json()["results"].as_array().map(Vec::len), Some(9));
    let md = request(
        s.addr,
        "POST",
        "/check/download",
        &urlencoded,
        form("markdown").as_bytes(),
    )
    .await;
    assert!(html(&md).starts_with("# ISMAP 調達チェック"));
    let toml = request(
        s.addr,
        "POST",
        "/check/download",
        &urlencoded,
        form("toml").as_bytes(),
    )
    .await;
    assert!(html(&toml).contains("confidentiality = 2"));

    let sheet = form_urlencoded::Serializer::new(String::new())
        .append_pair("profile", PROFILE)
        .append_pair("candidate", "C99-0008-1")
        .finish();
    let reply = request(
        s.addr,
        "POST",
        "/check/sheet",
        &urlencoded,
        sheet.as_bytes(),
    )
    .await;
    let page = html(&reply);
    assert!(
        page.contains("シンガポール (SG)")
            && page.contains("<code>underlying_not_listed</code>")
            && page.contains("製品の導入だけでは足りません"),
        "{page}"
    );

    let (content_type, body) = multipart("profile", "bad.toml", "confidentiality = 9");
    let reply = request(
        s.addr,
        "POST",
        "/check/upload",
        &[("Content-Type", &content_type)],
        &body,
    )
    .await;
    assert_eq!(reply.status, 422);
    assert!(html(&reply).contains("入力を確認してください"));
}

#[tokio::test]
async fn public_output_names_the_registry_by_hash_never_by_its_database() {
    let db = ismap_store::testing::TestDb::new().await;
    let spec = db.spec.clone();
    let (s, store) = crate::database_server_on(db).await;
    let revision = store.list_revision().await.expect("revision");
    let dashboard = html(&get(s.addr, "/").await);
    assert!(!dashboard.contains(&spec), "{dashboard}");
    assert!(
        dashboard.contains("demo"),
        "the import's file name: {dashboard}"
    );
    let report = request(
        s.addr,
        "POST",
        "/api/v1/checks",
        &[("Content-Type", "application/toml")],
        PROFILE.as_bytes(),
    )
    .await;
    let text = html(&report);
    assert!(!text.contains(&spec), "{text}");
    let registry = &report.json()["registry"];
    assert_eq!(registry["revision"], revision, "{registry}");
    assert_eq!(
        registry["source"], "database",
        "a kind, not a connection string"
    );
    assert_eq!(registry["sha256"].as_str().map(str::len), Some(64));
    for format in ["json", "markdown"] {
        let form = form_urlencoded::Serializer::new(String::new())
            .append_pair("profile", PROFILE)
            .append_pair("format", format)
            .finish();
        let download = request(
            s.addr,
            "POST",
            "/check/download",
            &[("Content-Type", "application/x-www-form-urlencoded")],
            form.as_bytes(),
        )
        .await;
        assert_eq!(download.status, 200, "{format}");
        assert!(!html(&download).contains(&spec), "{format}");
    }
}
