use crate::{Env, repo_file};
use serde_json::Value;

fn demo_check(env: &Env, extra: &[&str]) -> Value {
    let profile = repo_file("examples/demo-profile.toml");
    let registry = repo_file("examples/demo-registry.json");
    let mut args = vec![
        "check",
        "--profile",
        &profile,
        "--registry",
        &registry,
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    env.run(&args).json()
}

fn result<'a>(report: &'a Value, no: &str) -> &'a Value {
    report["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["registration_no"] == no)
        .expect("result present")
}

/// The (status, code) pairs of one check of one result.
fn entries(report: &Value, no: &str, check: &str) -> Vec<(String, String)> {
    result(report, no)["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|c| c["check"] == check)
        .map(|c| {
            (
                c["status"].as_str().unwrap_or("").to_owned(),
                c["code"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

fn pair(status: &str, code: &str) -> (String, String) {
    (status.to_owned(), code.to_owned())
}

#[test]
fn demo_registry_exercises_every_outcome() {
    let env = Env::new();
    let report = demo_check(&env, &[]);
    assert_eq!(report["evaluated_on"], "2026-12-01");
    assert_eq!(report["criteria_version"], "2022-04-01");
    assert_eq!(report["registry"]["entries"], 9);
    assert_eq!(
        report["registry"]["sha256"].as_str().map(str::len),
        Some(64)
    );
    assert_eq!(report["results"].as_array().map(Vec::len), Some(9));

    let verdicts: Vec<(&str, &str, &str)> = report["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            (
                r["registration_no"].as_str().unwrap_or(""),
                r["status"].as_str().unwrap_or(""),
                r["verdict"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        verdicts,
        [
            ("C99-0001-1", "valid", "review"),
            ("C99-0002-1", "valid", "fail"),
            ("C99-0003-2", "valid", "fail"),
            ("C99-0004-1", "expired", "fail"),
            ("C99-0005-1", "renewal_pending", "review"),
            ("C99-0006-1", "revoked", "fail"),
            ("C99-0007-1", "not_yet_valid", "fail"),
            ("C99-0008-1", "valid", "fail"),
            ("C99-0009-1", "valid", "fail"),
        ]
    );
    assert_eq!(
        entries(&report, "C99-0003-2", "program"),
        [pair("fail", "liu_without_low_impact")]
    );
    assert_eq!(
        entries(&report, "C99-0005-1", "listing"),
        [pair("review", "renewal_pending")]
    );
    assert_eq!(
        entries(&report, "C99-0001-1", "validity"),
        [pair("review", "expires_before_contract_end")]
    );
    // 東京 is needed and offered as a choice; an allowed region outside Japan is reviewed
    assert_eq!(
        entries(&report, "C99-0001-1", "regions"),
        [
            pair("pass", "region_required_selectable"),
            pair("pass", "region_allowed"),
            pair("pass", "region_allowed"),
            pair("review", "region_overseas")
        ]
    );
    assert_eq!(
        entries(&report, "C99-0002-1", "regions")[0],
        pair("pass", "region_required_offered")
    );
    assert_eq!(
        entries(&report, "C99-0003-2", "listing"),
        [pair("pass", "listed"), pair("review", "expiry_differs")]
    );
    assert_eq!(
        entries(&report, "C99-0008-1", "regions")[2],
        pair("fail", "region_not_selectable")
    );
    assert_eq!(
        entries(&report, "C99-0008-1", "scope")[1],
        pair("fail", "feature_excluded")
    );
    assert_eq!(
        entries(&report, "C99-0008-1", "underlying"),
        [pair("fail", "underlying_not_listed")]
    );
    assert_eq!(
        entries(&report, "C99-0009-1", "underlying"),
        [pair("fail", "underlying_not_valid")]
    );
    assert_eq!(
        entries(&report, "C99-0009-1", "regions"),
        [
            pair("fail", "region_missing"),
            pair("review", "no_regions_declared")
        ]
    );
    let controls = entries(&report, "C99-0009-1", "controls");
    assert_eq!(
        controls[0],
        pair("fail", "objective_excluded"),
        "6.3.1.1.PB under an excluded 6.3.1.P"
    );
    assert_eq!(
        controls[4],
        pair("review", "inherited_from_not_valid"),
        "10.1.1 inherited from an expired service"
    );
    assert_eq!(
        controls[5],
        pair("review", "inherited_from_not_valid"),
        "12.3.1, partial, inherited from an expired service: the same rules as 実施"
    );
    // 10.1.1 and 12.3.1 inherited from a renewal-pending and a valid service; 12.4.1 partial
    let office = entries(&report, "C99-0002-1", "controls");
    assert_eq!(
        office[4..7],
        [
            pair("pass", "implemented_inherited"),
            pair("pass", "implemented_inherited"),
            pair("review", "partial")
        ]
    );
    // every result lists the customer's own share of the work
    let responsibilities = result(&report, "C99-0008-1")["responsibilities"]
        .as_array()
        .expect("list")
        .len();
    assert_eq!(
        responsibilities, 4,
        "the agency uses none of its CDN or WAF: IaaS/PaaS basics and evidence only"
    );
}

#[test]
fn confidentiality_3_and_the_low_impact_record() {
    let env = Env::new();
    let profile = repo_file("examples/demo-profile-confidentiality3.toml");
    let registry = repo_file("examples/demo-registry.json");
    let args = ["check", "--profile", &profile, "--registry", &registry];
    let report = env.run(&[&args[..], &["--format", "json"]].concat()).json();
    // ISMAP-LIU fails for 機密性3 although the profile judged the use low impact
    assert_eq!(
        entries(&report, "C99-0003-2", "program"),
        [pair("fail", "liu_confidentiality")]
    );
    assert_eq!(
        entries(&report, "C99-0001-1", "program"),
        [pair("review", "confidentiality_beyond_ismap")]
    );
    assert_eq!(
        report["profile"]["low_impact_basis"]["judged_by"],
        "架空省 デジタル統括課 担当係長"
    );
    // no features named: the duties follow the whole scope, CDN and WAF included
    let duties: Vec<&str> = result(&report, "C99-0008-1")["responsibilities"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|r| r["code"].as_str())
        .collect();
    assert_eq!(
        duties,
        [
            "iam",
            "logging",
            "configuration",
            "tls",
            "access_control",
            "log_retention",
            "cdn_availability",
            "waf_operation",
            "evidence"
        ]
    );
    let md = env
        .run(&[&args[..], &["--format", "markdown"]].concat())
        .ok();
    assert!(
        md.contains("- 低影響利用の判断: あり（判断者: 架空省 デジタル統括課 担当係長、根拠: （誤った判断の例）取り扱う情報の格付を確認せずに低影響と記録した）"),
        "{md}"
    );
    assert!(md.contains("| liu_confidentiality |"), "{md}");
}

#[test]
fn services_option_and_not_listed_candidates() {
    let env = Env::new();
    let report = demo_check(
        &env,
        &["--service", "C99-0001-1", "--service", "C99-0404-1"],
    );
    let results = report["results"].as_array().expect("results");
    assert_eq!(results.len(), 2);
    assert_eq!(results[1]["status"], "not_listed");
    assert_eq!(results[1]["verdict"], "fail");
    assert_eq!(
        results[1]["checks"].as_array().map(Vec::len),
        Some(1),
        "only the listing entry"
    );
    assert_eq!(results[1]["service_name"], Value::Null);
}

#[test]
fn evaluation_date_and_rule_options() {
    let env = Env::new();
    // C99-0005-1's audit ended 2025-07-31: civil expiry 2026-11-30, calendar 2026-12-01
    let civil = demo_check(&env, &["--service", "C99-0005-1", "--on", "2026-11-30"]);
    assert_eq!(result(&civil, "C99-0005-1")["status"], "valid");
    let after = demo_check(&env, &["--service", "C99-0005-1", "--on", "2026-12-01"]);
    assert_eq!(result(&after, "C99-0005-1")["status"], "renewal_pending");
    let calendar = demo_check(
        &env,
        &[
            "--service",
            "C99-0005-1",
            "--on",
            "2026-12-01",
            "--rule",
            "calendar",
        ],
    );
    assert_eq!(result(&calendar, "C99-0005-1")["status"], "valid");
    assert_eq!(result(&calendar, "C99-0005-1")["expires_on"], "2026-12-01");
    assert_eq!(calendar["expiry_rule"], "calendar");
}

#[test]
fn languages_and_formats() {
    let env = Env::new();
    let profile = repo_file("examples/demo-profile.toml");
    let registry = repo_file("examples/demo-registry.json");
    let base = [
        "check",
        "--profile",
        &profile,
        "--registry",
        &registry,
        "--service",
        "C99-0002-1",
    ];
    let ja = env.run(&base).ok();
    assert!(
        ja.contains("不適合") && ja.contains("利用者側の責任"),
        "{ja}"
    );
    let en = env.run(&[&base[..], &["--lang", "en"]].concat()).ok();
    assert!(
        en.contains("Customer responsibilities") && en.contains("verdict: fail"),
        "{en}"
    );
    let en_md = env
        .run(&[&base[..], &["--lang", "en", "--format", "markdown"]].concat())
        .ok();
    assert!(en_md.contains("| Controls | fail | 8.1.5.P Removal of customer assets | Not applicable (provider's reason: 契約終了時のデータ削除は利用者が実施する) | Put alternative or additional measures in place, or choose another service. | not_applicable |"), "{en_md}");
    let md = env
        .run(&[&base[..], &["--format", "markdown"]].concat())
        .ok();
    assert!(
        md.starts_with("# ISMAP 調達チェック: デモ: 人事給与システムのクラウド調達（架空）\n"),
        "{md}"
    );
    assert!(md.contains("| C99-0002-1 | デモ オフィススイート（架空） | 有効 | 2027-01-31 | **不適合** | 12/5/1 |"), "{md}");
    // -o writes the file and prints nothing
    let out = env.path("report.md");
    let printed = env
        .run(
            &[
                &base[..],
                &["--format", "markdown", "-o", out.to_str().expect("utf-8")],
            ]
            .concat(),
        )
        .ok();
    assert!(printed.is_empty());
    assert_eq!(std::fs::read_to_string(out).expect("report written"), md);
    // One check rendered in every format names the same codes, in the same order.
    let json = env.run(&[&base[..], &["--format", "json"]].concat()).json();
    let codes: Vec<String> = json["results"][0]["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .map(|c| c["code"].as_str().unwrap_or("").to_owned())
        .collect();
    assert!(
        codes.contains(&"region_required_offered".to_owned()),
        "{codes:?}"
    );
    // Markdown and the terminal table: the code is the last column of each row
    let md = env
        .run(&[&base[..], &["--format", "markdown"]].concat())
        .ok();
    let md_codes: Vec<String> = md
        .lines()
        .filter(|l| l.starts_with("| ") && l.matches(" | ").count() == 5)
        .filter_map(|l| l.trim_end_matches(" |").rsplit(" | ").next())
        .map(str::to_owned)
        .filter(|c| codes.contains(c))
        .collect();
    assert_eq!(md_codes, codes, "markdown");
    let table = env.run(&[&base[..], &["--lang", "en"]].concat()).ok();
    let mut at = 0;
    for code in &codes {
        let found = table[at..]
            .find(code.as_str())
            .unwrap_or_else(|| panic!("table lacks {code} after {at}"));
        at += found + code.len();
    }
    // XLSX: column F of the result's sheet; PDF: the text read back in order
    let xlsx = env.path("check.xlsx");
    env.run(
        &[
            &base[..],
            &["--format", "xlsx", "-o", xlsx.to_str().expect("utf-8")],
        ]
        .concat(),
    )
    .ok();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).expect("a workbook");
    let sheet = calamine::Reader::worksheet_range(&mut book, "C99-0002-1").expect("sheet");
    let xlsx_codes: Vec<String> = sheet
        .rows()
        .filter_map(|row| row.get(5).map(ToString::to_string))
        .filter(|c| codes.contains(c))
        .collect();
    assert_eq!(xlsx_codes, codes, "xlsx");
    let pdf = env.path("check.pdf");
    env.run(
        &[
            &base[..],
            &["--format", "pdf", "-o", pdf.to_str().expect("utf-8")],
        ]
        .concat(),
    )
    .ok();
    if let Some(text) = pdf_text(&pdf) {
        let mut at = 0;
        for code in &codes {
            let found = text[at..]
                .find(code.as_str())
                .unwrap_or_else(|| panic!("pdf lacks {code} after {at}"));
            at += found + code.len();
        }
    }
}

#[test]
fn expiry_command() {
    let env = Env::new();
    let cases = [
        ("2024-03-31", "civil", "2025-07-31"),
        ("2024-10-30", "civil", "2026-02-28"),
        ("2024-03-31", "calendar", "2025-08-01"),
        ("2023-12-31", "civil", "2025-04-30"),
    ];
    for (end, rule, expected) in cases {
        assert_eq!(
            env.run(&["expiry", "--audit-end", end, "--rule", rule])
                .ok(),
            format!("{expected}\n")
        );
    }
}

#[test]
fn demo_data_in_the_database() {
    let env = Env::new();
    let loaded = env
        .run(&[
            "demo",
            "--profile-out",
            env.path("p.toml").to_str().expect("utf-8"),
        ])
        .ok();
    assert!(loaded.contains("追加: 9"), "{loaded}");
    let profile = env.path("p.toml");
    let report = env
        .run(&[
            "check",
            "--profile",
            profile.to_str().expect("utf-8"),
            "--format",
            "json",
        ])
        .json();
    assert_eq!(report["results"].as_array().map(Vec::len), Some(9));
    // the hash a database-backed report cites is that of `registry export`
    let exported = env.run(&["registry", "export"]).ok();
    let file = env.write("export.json", &exported);
    let from_file = env
        .run(&[
            "check",
            "--profile",
            profile.to_str().expect("utf-8"),
            "--registry",
            file.to_str().expect("utf-8"),
            "--format",
            "json",
        ])
        .json();
    assert_eq!(
        report["registry"]["sha256"],
        from_file["registry"]["sha256"]
    );
    assert_eq!(report["results"], from_file["results"]);
}

#[test]
fn criteria_from_a_directory() {
    let env = Env::new();
    let dir = env.path("mini-2025");
    std::fs::create_dir(&dir).expect("criteria dir");
    std::fs::write(
        dir.join("ids.csv"),
        "id,part,level,parent,domain,category,suffix,cloud_specific,source_standard\n\
         5.1.1,controls,objective,5.1,5,5.1,,false,\n\
         5.1.1.1,controls,detailed,5.1.1,5,5.1,,false,\n\
         5.1.1.2.B,controls,detailed,5.1.1,5,5.1,B,false,\n",
    )
    .expect("ids.csv");
    let registry = env.write(
        "r.json",
        r#"{"registrations": [{"registration_no": "C99-0001-1", "program": "ismap", "service_name": "S",
            "provider": "P", "registered_on": "2025-06-01", "audit_period": {"start": "2024-04-01", "end": "2025-03-31"},
            "scope": {}, "regions": [], "controls": {"5.1.1.1": {"status": "implemented"}}}]}"#,
    );
    let profile = env.write("p.toml", "name = \"p\"\nconfidentiality = 2\n[controls]\nbaseline = \"basic\"\nrequired = [\"5.1.1.1\"]\n");
    let args = [
        "check",
        "--criteria",
        dir.to_str().expect("utf-8"),
        "--registry",
        registry.to_str().expect("utf-8"),
        "--profile",
        profile.to_str().expect("utf-8"),
        "--on",
        "2025-07-01",
        "--format",
        "json",
    ];
    let report = env.run(&args).json();
    assert_eq!(report["criteria_version"], "mini-2025");
    assert_eq!(
        report["profile"]["required_controls"], 3,
        "5.1.1 and 5.1.1.2.B from the baseline, 5.1.1.1 listed"
    );
    let codes: Vec<&str> = report["results"][0]["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|c| c["check"] == "controls")
        .filter_map(|c| c["code"].as_str())
        .collect();
    assert_eq!(codes, ["not_stated", "implemented", "not_stated"]);
    // A list that mixes versions: each entry is read under its own, and a required control
    // its version lacks is reviewed, naming the version.
    let later = env.path("mini-2026");
    std::fs::create_dir(&later).expect("criteria dir");
    std::fs::write(
        later.join("ids.csv"),
        "id,part,level,parent,domain,category,suffix,cloud_specific,source_standard\n\
         5.1.1,controls,objective,5.1,5,5.1,,false,\n\
         5.1.1.2.B,controls,detailed,5.1.1,5,5.1,B,false,\n\
         5.1.1.3,controls,detailed,5.1.1,5,5.1,,false,\n",
    )
    .expect("ids.csv");
    let mixed = env.write(
        "mixed.json",
        r#"{"registrations": [{"registration_no": "C99-0001-1", "program": "ismap", "service_name": "S",
            "provider": "P", "registered_on": "2025-06-01", "audit_period": {"start": "2024-04-01", "end": "2025-03-31"},
            "scope": {}, "regions": [], "controls": {"5.1.1.1": {"status": "implemented"}}},
            {"registration_no": "C99-0002-1", "program": "ismap", "service_name": "T", "criteria_version": "mini-2026",
            "provider": "P", "registered_on": "2025-06-01", "audit_period": {"start": "2024-04-01", "end": "2025-03-31"},
            "scope": {}, "regions": [], "controls": {"5.1.1.3": {"status": "implemented"}}}]}"#,
    );
    let both = [
        &args[..3],
        &[
            "--criteria",
            later.to_str().expect("utf-8"),
            "--registry",
            mixed.to_str().expect("utf-8"),
        ],
        &args[5..],
    ]
    .concat();
    let report = env.run(&both).json();
    assert_eq!(report["criteria_version"], "mini-2025");
    let codes = |i: usize| -> Vec<String> {
        report["results"][i]["checks"]
            .as_array()
            .expect("checks")
            .iter()
            .filter(|c| c["check"] == "controls")
            .filter_map(|c| c["code"].as_str().map(str::to_owned))
            .collect()
    };
    assert_eq!(codes(0), ["not_stated", "implemented", "not_stated"]);
    assert_eq!(
        codes(1),
        ["not_stated", "control_not_in_version", "not_stated"],
        "5.1.1.1 is not in mini-2026"
    );
    // the built-in IDs are unknown to this version
    let other = env.write(
        "q.toml",
        "name = \"q\"\nconfidentiality = 2\n[controls]\nrequired = [\"9.2.3\"]\n",
    );
    let err = env
        .run(&[&args[..5], &["--profile", other.to_str().expect("utf-8")]].concat())
        .bad_input();
    assert!(
        err.contains("controls.required[0]: not a criteria ID of version mini-2025"),
        "{err}"
    );
    // --criteria does not apply to the database
    let err = env
        .run(&[
            "check",
            "--criteria",
            dir.to_str().expect("utf-8"),
            "--profile",
            profile.to_str().expect("utf-8"),
        ])
        .bad_input();
    assert!(
        err.contains("--criteria: only with --registry or --demo"),
        "{err}"
    );
}

#[test]
fn xlsx_report() {
    use calamine::{Reader, Xlsx};
    let env = Env::new();
    let profile = repo_file("examples/demo-profile.toml");
    let registry = repo_file("examples/demo-registry.json");
    let out = env.path("check.xlsx");
    let args = [
        "check",
        "--profile",
        &profile,
        "--registry",
        &registry,
        "--format",
        "xlsx",
    ];
    let err = env.run(&args).bad_input();
    assert!(err.contains("-o FILE"), "{err}");
    env.run(&[&args[..], &["-o", out.to_str().expect("utf-8")]].concat())
        .ok();
    let mut book: Xlsx<_> = calamine::open_workbook(&out).expect("a workbook");
    let names = book.sheet_names();
    assert_eq!(
        names.len(),
        10,
        "comparison + one sheet per candidate: {names:?}"
    );
    assert_eq!(names[0], "比較");
    let comparison = book.worksheet_range("比較").expect("comparison sheet");
    let cell = |r: u32, c: u32| {
        comparison
            .get_value((r, c))
            .map(|v| v.to_string())
            .unwrap_or_default()
    };
    assert_eq!(cell(0, 1), "デモ: 人事給与システムのクラウド調達（架空）");
    // the inputs first, then the header row of the comparison
    let header = (0..30)
        .find(|r| cell(*r, 0) == "登録番号")
        .expect("a header row");
    assert!(header > 6, "the inputs come first");
    assert!(
        (1..header).any(|r| cell(r, 0) == "リストの SHA-256"),
        "the registry hash is among the inputs"
    );
    assert_eq!(cell(header, 4), "判定");
    assert_eq!(
        (cell(header + 2, 0), cell(header + 2, 4)),
        ("C99-0002-1".into(), "不適合".into())
    );
    let sheet = book.worksheet_range("C99-0002-1").expect("candidate sheet");
    let text: Vec<String> = sheet
        .rows()
        .flat_map(|r| r.iter().map(|c| c.to_string()))
        .collect();
    assert!(
        text.iter()
            .any(|t| t == "非該当（事業者の理由: 契約終了時のデータ削除は利用者が実施する）"),
        "{text:?}"
    );
}

/// The text of a PDF without white space (table cells wrap), read by pdftotext (poppler): the
/// font is embedded with its mapping. `None`, with a note, when pdftotext is not installed.
fn pdf_text(path: &std::path::Path) -> Option<String> {
    let Ok(out) = std::process::Command::new("pdftotext")
        .args(["-layout", path.to_str().expect("utf-8"), "-"])
        .output()
    else {
        assert!(
            std::env::var_os("ISMAP_REQUIRE_TOOLS").is_none(),
            "ISMAP_REQUIRE_TOOLS is set but pdftotext is missing"
        );
        eprintln!(
            "skipped the text check: pdftotext not installed (apt-get install poppler-utils)"
        );
        return None;
    };
    Some(
        String::from_utf8_lossy(&out.stdout)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect(),
    )
}

#[test]
fn pdf_check_sheets() {
    let env = Env::new();
    let profile = repo_file("examples/demo-profile.toml");
    let out = env.path("sheet.pdf");
    let args = [
        "check",
        "--demo",
        "--profile",
        &profile,
        "--service",
        "C99-0002-1",
        "--service",
        "C99-0008-1",
        "--format",
        "pdf",
    ];
    assert!(env.run(&args).bad_input().contains("-o FILE"));
    env.run(&[&args[..], &["-o", out.to_str().expect("utf-8")]].concat())
        .ok();
    let bytes = std::fs::read(&out).expect("PDF written");
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    let Some(text) = pdf_text(&out) else {
        return;
    };
    for expected in [
        "ISMAP 調達チェックシート",
        "デモ オフィススイート（架空）",
        "不適合",
        "シンガポール (SG)",
        "利用者側の責任",
        "製品の導入だけでは足りません",
        "1 / 4",
        "調達要件のすべてを満たすことを意味しません",
    ] {
        let expected: String = expected.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(
            text.contains(&expected),
            "{expected:?} not in the PDF text:\n{text}"
        );
    }
}

#[test]
fn summary_lines_agree_with_the_full_report() {
    let env = Env::new();
    let full = demo_check(&env, &[]);
    let profile = repo_file("examples/demo-profile.toml");
    let registry = repo_file("examples/demo-registry.json");
    let summary = |extra: &[&str]| {
        let base = ["check", "--profile", &profile, "--registry", &registry];
        env.run(&[&base[..], &["--summary"], extra].concat())
    };
    let text = summary(&[]).ok();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    let results = full["results"].as_array().expect("results");
    assert_eq!(lines.len(), results.len());
    for (line, result) in lines.iter().zip(results) {
        assert_eq!(line["registration_no"], result["registration_no"]);
        assert_eq!(line["verdict"], result["verdict"]);
        let checks = result["checks"].as_array().expect("checks");
        let count = |s: &str| checks.iter().filter(|c| c["status"] == s).count();
        for status in ["pass", "review", "fail"] {
            assert_eq!(line["counts"][status], count(status), "{status}");
        }
        // Only what is not a pass, in the report's order, with the same reasons.
        let not_passing: Vec<&Value> = checks.iter().filter(|c| c["status"] != "pass").collect();
        let summary: Vec<&Value> = line["checks"].as_array().expect("checks").iter().collect();
        assert_eq!(summary, not_passing);
    }
    assert!(
        lines.iter().any(|l| l["counts"]["fail"].as_u64() > Some(0)),
        "the demo has a failing candidate"
    );
    // --summary writes JSON lines, not another format.
    summary(&["--format", "markdown"]).bad_input();
}
