use crate::{demo_server, request};

const PROFILE: &str = include_str!("../../../../examples/demo-profile.toml");

#[tokio::test]
async fn toml_and_json_profiles_give_the_cli_structure() {
    let s = demo_server().await;
    let toml = request(
        s.addr,
        "POST",
        "/api/v1/checks?lang=en",
        &[("Content-Type", "application/toml")],
        PROFILE.as_bytes(),
    )
    .await;
    assert_eq!(toml.status, 200, "{}", String::from_utf8_lossy(&toml.body));
    let report = toml.json();
    assert_eq!(report["evaluated_on"], "2026-12-01");
    assert_eq!(report["criteria_version"], "2022-04-01");
    assert_eq!(report["registry"]["entries"], 9);
    assert_eq!(report["results"].as_array().map(Vec::len), Some(9));
    assert_eq!(report["results"][1]["verdict"], "fail");
    assert!(
        report["results"][0]["checks"][0]["reason"]
            .as_str()
            .is_some_and(|r| r.starts_with("On the ISMAP"))
    );

    let json = serde_json::json!({
        "name": "json", "confidentiality": 2, "evaluation_date": "2026-12-01",
        "features": ["仮想マシン"], "candidates": ["C99-0001-1", "C99-0404-1"],
        "regions": {"allowed_countries": ["JP"]}, "controls": {"required": ["9.2.3"]}
    });
    let reply = request(
        s.addr,
        "POST",
        "/api/v1/checks",
        &[("Content-Type", "application/json; charset=utf-8")],
        json.to_string().as_bytes(),
    )
    .await;
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    let report = reply.json();
    assert_eq!(report["lang"], "ja");
    let results = report["results"].as_array().expect("results");
    assert_eq!(results.len(), 2);
    assert_eq!(results[1]["status"], "not_listed");
    // ?on= overrides the profile's date
    let later = request(
        s.addr,
        "POST",
        "/api/v1/checks?on=2027-08-01",
        &[("Content-Type", "application/json")],
        json.to_string().as_bytes(),
    )
    .await
    .json();
    assert_eq!(later["results"][0]["status"], "expired");
}

#[tokio::test]
async fn a_summary_has_one_line_per_candidate() {
    let s = demo_server().await;
    let ask = |summary: &'static str| {
        request(
            s.addr,
            "POST",
            summary,
            &[("Content-Type", "application/toml")],
            PROFILE.as_bytes(),
        )
    };
    let full = ask("/api/v1/checks").await.json();
    let reply = ask("/api/v1/checks?summary=true").await;
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    assert_eq!(
        reply.header("content-type").as_deref(),
        Some("application/x-ndjson")
    );
    let text = String::from_utf8(reply.body.clone()).expect("UTF-8");
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON object per line"))
        .collect();
    let results = full["results"].as_array().expect("results");
    assert_eq!(lines.len(), results.len());
    for (line, result) in lines.iter().zip(results) {
        assert_eq!(line["registration_no"], result["registration_no"]);
        assert_eq!(line["verdict"], result["verdict"]);
        let failing = result["checks"]
            .as_array()
            .expect("checks")
            .iter()
            .filter(|c| c["status"] == "fail")
            .count();
        assert_eq!(line["counts"]["fail"], failing);
        assert!(
            line["checks"]
                .as_array()
                .expect("checks")
                .iter()
                .all(|c| c["status"] != "pass")
        );
    }
    // `summary=false` is the whole report; anything else is refused.
    assert_eq!(ask("/api/v1/checks?summary=false").await.json(), full);
    assert_eq!(ask("/api/v1/checks?summary=yes").await.status, 400);
}

#[tokio::test]
async fn bad_bodies() {
    let s = demo_server().await;
    let toml = [("Content-Type", "application/toml")];
    // (body, content type, status, error, field)
    type Case = (
        Vec<u8>,
        &'static str,
        u16,
        &'static str,
        Option<&'static str>,
    );
    let cases: Vec<Case> = vec![
        (
            b"name = ".to_vec(),
            "application/toml",
            400,
            "malformed_body",
            None,
        ),
        (
            b"{\"name\": ".to_vec(),
            "application/json",
            400,
            "malformed_body",
            Some("name"),
        ),
        (
            PROFILE
                .replace("confidentiality = 2", "confidentiality = 7")
                .into_bytes(),
            "application/toml",
            422,
            "invalid_value",
            Some("confidentiality"),
        ),
        (
            PROFILE.replace("\"9.1.1\"", "\"9.1.99\"").into_bytes(),
            "application/toml",
            422,
            "invalid_value",
            Some("controls.required[2]"),
        ),
        (
            PROFILE.as_bytes().to_vec(),
            "application/xml",
            415,
            "unsupported_media_type",
            None,
        ),
        (
            vec![b'#'; ismap_web::BODY_LIMIT + 1],
            "application/toml",
            413,
            "body_too_large",
            None,
        ),
    ];
    for (body, content_type, status, error, field) in cases {
        let reply = request(
            s.addr,
            "POST",
            "/api/v1/checks",
            &[("Content-Type", content_type)],
            &body,
        )
        .await;
        assert_eq!(
            reply.status,
            status,
            "{content_type} {}",
            String::from_utf8_lossy(&reply.body[..reply.body.len().min(200)])
        );
        let err = reply.json();
        assert_eq!(err["error"], error);
        assert_eq!(err["field"].as_str(), field);
    }
    let reply = request(
        s.addr,
        "POST",
        "/api/v1/checks?lang=fr",
        &toml,
        PROFILE.as_bytes(),
    )
    .await;
    assert_eq!(
        (reply.status, reply.json()["field"].as_str()),
        (400, Some("lang"))
    );
}
