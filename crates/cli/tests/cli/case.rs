//! A procurement case end to end through the real binary and a real SQLite file: create,
//! check, resolve, approve as a second person, decide, approve the decision, export; and
//! every refusal (separation of duties, another organisation, listing failures, a locked
//! case) exits 2 with its reason.

use crate::{Env, repo_file};
use serde_json::Value;

fn user(env: &Env, name: &str, org: &str, approver: bool) {
    let mut args = vec!["user", "add", name, "--role", "procurer", "--org", org];
    if approver {
        args.push("--approver");
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ismap"))
        .args(&args)
        .env("ISMAP_DB", env.db())
        .stdin(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(b"a long enough password\n")?;
            child.wait_with_output()
        })
        .expect("user add");
    assert!(out.status.success(), "user add {name}");
}

/// The entry number of the first entry of `service` with `code` in `case show --format json`.
fn entry(shown: &Value, service: &str, code: &str) -> String {
    shown["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .find(|e| e["registration_no"] == service && e["code"] == code)
        .map(|e| e["entry"].to_string())
        .unwrap_or_else(|| panic!("{service} {code} in {shown}"))
}

#[test]
fn a_case_from_check_to_locked_decision() {
    let env = Env::new();
    env.run(&["demo"]).ok();
    user(&env, "drafter", "架空省", false);
    user(&env, "boss", "架空省", true);
    user(&env, "other", "別省", true);
    let profile = repo_file("examples/demo-profile.toml");
    let id = env
        .run(&[
            "case",
            "create",
            "--profile",
            &profile,
            "--name",
            "人事給与システム",
            "--as",
            "drafter",
        ])
        .ok();
    let id = id.trim();
    env.run(&["case", "check", id, "--as", "drafter"]).ok();
    let show = |who: &str| {
        env.run(&["case", "show", id, "--format", "json", "--as", who])
            .json()
    };
    let shown = show("drafter");
    assert_eq!(shown["snapshot"]["seq"], 1);
    assert_eq!(
        shown["snapshot"]["registry_sha256"].as_str().map(str::len),
        Some(64)
    );
    let (contract, partial, overseas) = (
        entry(&shown, "C99-0001-1", "expires_before_contract_end"),
        entry(&shown, "C99-0001-1", "partial"),
        entry(&shown, "C99-0001-1", "region_overseas"),
    );
    let act = |who: &str, args: &[&str]| {
        let mut all = vec!["case"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--as", who]);
        env.run(&all)
    };
    act(
        "drafter",
        &[
            "resolve",
            id,
            "--entry",
            &contract,
            "--kind",
            "contract_clause",
            "--text",
            "不更新時の移行とデータ返却を契約書に規定",
            "--doc",
            "架空省情第1号",
            "--doc-date",
            "2026-12-01",
        ],
    )
    .ok();
    act(
        "drafter",
        &[
            "resolve",
            id,
            "--entry",
            &partial,
            "--kind",
            "additional_measure",
            "--text",
            "自組織で日次バックアップを取得",
        ],
    )
    .ok();
    // 職責分離 and least privilege, each with its reason.
    let refusals = [
        (
            "drafter",
            vec!["approve", id, "--entry", &contract],
            "承認権限がありません",
        ),
        (
            "other",
            vec!["approve", id, "--entry", &contract],
            "調達案件 1 はありません",
        ),
        ("other", vec!["show", id], "調達案件 1 はありません"),
        (
            "drafter",
            vec![
                "resolve",
                id,
                "--entry",
                &contract,
                "--kind",
                "legal_review",
                "--text",
                "x",
            ],
            "既に対応記録があります",
        ),
        (
            "drafter",
            vec!["decide", id, "--service", "C99-0001-1", "--reason", "価格"],
            "未対応（または未承認）の要確認・不適合が 3 件",
        ),
    ];
    for (who, args, want) in &refusals {
        let err = act(who, args).bad_input();
        assert!(err.contains(want), "{who} {args:?}: {err}");
    }
    act(
        "boss",
        &[
            "resolve",
            id,
            "--entry",
            &overseas,
            "--kind",
            "legal_review",
            "--text",
            "準拠法は日本法、管轄は東京地裁と確認",
        ],
    )
    .ok();
    let own = act("boss", &["approve", id, "--entry", &overseas]).bad_input();
    assert!(own.contains("職責分離"), "{own}");
    act("boss", &["approve", id, "--entry", &contract]).ok();
    act("boss", &["approve", id, "--entry", &partial]).ok();
    // A listing failure is settled only by an exception with its legal basis.
    let expired = entry(&shown, "C99-0004-1", "expired");
    let err = act(
        "drafter",
        &[
            "resolve",
            id,
            "--entry",
            &expired,
            "--kind",
            "risk_acceptance",
            "--text",
            "x",
        ],
    )
    .bad_input();
    assert!(err.contains("例外措置"), "{err}");
    let err = act(
        "drafter",
        &[
            "resolve",
            id,
            "--entry",
            &expired,
            "--kind",
            "exception",
            "--text",
            "x",
        ],
    )
    .bad_input();
    assert!(err.contains("根拠"), "{err}");

    let shown = show("boss");
    let c1 = shown["candidates"]
        .as_array()
        .expect("candidates")
        .iter()
        .find(|c| c["registration_no"] == "C99-0001-1")
        .cloned()
        .expect("C99-0001-1");
    assert_eq!(c1["verdict"], "review");
    assert_eq!(
        c1["verdict_after_resolutions"], "review",
        "one point still awaits approval"
    );
    let resolved: Vec<&Value> = shown["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| !e["resolution"].is_null())
        .collect();
    assert_eq!(resolved.len(), 3);
    assert!(
        resolved
            .iter()
            .any(|e| e["resolution"]["kind"] == "contract_clause"
                && e["settled"] == true
                && e["resolution"]["approved_by"] == "boss")
    );

    // The drafter approves nothing, so another approver is needed for the boss's resolution.
    user(&env, "deputy", "架空省", true);
    act("deputy", &["approve", id, "--entry", &overseas]).ok();
    let c1 = show("drafter")["candidates"]
        .as_array()
        .expect("c")
        .iter()
        .find(|c| c["registration_no"] == "C99-0001-1")
        .cloned()
        .expect("c1");
    assert_eq!(c1["verdict_after_resolutions"], "pass");
    assert_eq!(c1["verdict_text"], "要確認 → 全件対応済み（承認済み 3 件）");

    let early = act(
        "drafter",
        &[
            "decide",
            id,
            "--service",
            "C99-0001-1",
            "--on",
            "2020-01-01",
            "--reason",
            "価格",
        ],
    )
    .bad_input();
    assert!(early.contains("判断日は確認の評価日（"), "{early}");
    let no_reason = act(
        "drafter",
        &["decide", id, "--service", "C99-0001-1", "--reason", " "],
    )
    .bad_input();
    assert!(no_reason.contains("選定理由"), "{no_reason}");
    act(
        "drafter",
        &[
            "decide",
            id,
            "--service",
            "C99-0001-1",
            "--reason",
            "要件を満たし、東京リージョンで運用できるため",
        ],
    )
    .ok();
    // Locked from the proposal on; the proposer cannot approve it.
    let locked = act(
        "drafter",
        &[
            "resolve",
            id,
            "--entry",
            &expired,
            "--kind",
            "exception",
            "--text",
            "x",
            "--legal-basis",
            "y",
        ],
    )
    .bad_input();
    assert!(locked.contains("変更できません"), "{locked}");
    let err = act("drafter", &["check", id]).bad_input();
    assert!(err.contains("変更できません"), "{err}");
    act("boss", &["approve", id, "--decision"]).ok();
    let decided = show("drafter");
    assert_eq!(decided["decision"]["service"], "C99-0001-1");
    assert_eq!(decided["decision"]["decided_by"], "drafter");
    assert_eq!(decided["decision"]["approved_by"], "boss");

    let out = env.path("record.json");
    act(
        "drafter",
        &["export", id, "-o", out.to_str().expect("utf-8")],
    )
    .ok();
    let record: Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("read")).expect("json");
    assert!(
        record["audit_head"]
            .as_str()
            .is_some_and(|h| h.contains(':'))
    );
    assert_eq!(record["snapshots"].as_array().map(Vec::len), Some(1));
    assert!(
        record["case"]["profile"]
            .as_str()
            .is_some_and(|p| p.contains("デモ"))
    );
    // The paper: the approval box, each settled point with who approved it, the reason for
    // the choice, and the hashes that tie it to the data (read back by pdftotext, not ours).
    let pdf = env.path("record.pdf");
    act(
        "drafter",
        &[
            "export",
            id,
            "--format",
            "pdf",
            "-o",
            pdf.to_str().expect("utf-8"),
        ],
    )
    .ok();
    match std::process::Command::new("pdftotext")
        .args(["-layout", pdf.to_str().expect("utf-8"), "-"])
        .output()
    {
        Ok(out) => {
            let text = String::from_utf8_lossy(&out.stdout);
            for want in [
                "調達判断記録",
                "起案者",
                "承認者",
                "決裁済み",
                "選定理由: 要件を満たし",
                "契約条項で担保",
                "架空省情第1号",
                "対応済み",
                "JST",
            ] {
                assert!(text.contains(want), "{want} in {text}");
            }
            let sha = record["case"]["snapshot"]["registry_sha256"]
                .as_str()
                .expect("sha");
            assert!(text.contains(sha), "the registry SHA-256 in the footer");
            let head = record["audit_head"].as_str().expect("head");
            let seq = head.split(':').next().expect("seq");
            assert!(
                text.contains(&format!("{seq}:")),
                "the audit-trail event in the footer"
            );
        }
        Err(_) if std::env::var_os("ISMAP_REQUIRE_TOOLS").is_some() => {
            panic!("pdftotext is required")
        }
        Err(_) => eprintln!("skipped reading the PDF back: pdftotext is not installed"),
    }

    // Reopening needs a reason; afterwards the case can be checked again, and approved
    // resolutions of unchanged entries carry over to the new snapshot.
    assert!(
        act("boss", &["reopen", id, "--reason", " "])
            .bad_input()
            .contains("理由")
    );
    act(
        "boss",
        &["reopen", id, "--reason", "リストの変更を反映する"],
    )
    .ok();
    act("drafter", &["check", id]).ok();
    let again = show("drafter");
    assert_eq!(again["snapshot"]["seq"], 2);
    assert!(again["decision"].is_null());
    // The profile is versioned inside the case; a new check shows what changed.
    let stricter = env.write(
        "stricter.toml",
        &std::fs::read_to_string(repo_file("examples/demo-profile.toml"))
            .expect("profile")
            .replace("confidentiality = 2", "confidentiality = 3"),
    );
    act(
        "drafter",
        &[
            "profile",
            id,
            "--profile",
            stricter.to_str().expect("utf-8"),
        ],
    )
    .ok();
    act("drafter", &["check", id]).ok();
    let diff = act("drafter", &["diff", id]).ok();
    assert!(diff.starts_with("確認結果の差分 2 → 3"), "{diff}");
    assert!(
        diff.contains("+ C99-0001-1 要確認 confidentiality_beyond_ismap"),
        "{diff}"
    );
    assert_eq!(show("drafter")["profile_version"], 2);
    let carried = again["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["settled"] == true)
        .count();
    assert_eq!(carried, 3);

    // Every act is in the audit trail.
    let trail = env
        .run(&["audit", "log", "--subject", &format!("case:{id}")])
        .ok();
    for action in [
        "case.create",
        "case.check",
        "case.resolve",
        "case.approve",
        "case.decide",
        "case.approve_decision",
        "case.reopen",
    ] {
        assert!(
            trail.contains(&format!("\"action\":\"{action}\"")),
            "{action} in {trail}"
        );
    }
    env.run(&["audit", "verify"]).ok();
}

/// After the decision: the evidence register, a document kept with its SHA-256, clause
/// drafts, the XLSX and OSCAL records; then the list changes under the decision and an alert
/// run re-checks the case, records the new snapshot and tells the members.
#[test]
fn a_decided_case_keeps_its_duties_and_watches_the_list() {
    let env = Env::new();
    env.run(&["demo"]).ok();
    user(&env, "drafter", "架空省", false);
    user(&env, "boss", "架空省", true);
    let profile = env.write(
        "p.toml",
        "name = \"文書管理（架空）\"\nagency = \"架空省\"\nconfidentiality = 2\nlow_impact = false\ncandidates = [\"C99-0001-1\"]\n\n[contract]\nstart = 2027-01-01\nend = 2028-12-31\n",
    );
    let act = |who: &str, args: &[&str]| {
        let mut all = vec!["case"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--as", who]);
        env.run(&all)
    };
    let id = act(
        "drafter",
        &[
            "create",
            "--profile",
            profile.to_str().expect("utf-8"),
            "--name",
            "文書管理",
        ],
    )
    .ok();
    let id = id.trim();
    act("drafter", &["check", id]).ok();
    let show = || -> Value {
        serde_json::from_str(&act("drafter", &["show", id, "--format", "json"]).ok()).expect("json")
    };
    // Settle whatever the check left open (with a document file), approved by the boss.
    let letter = env.write("確認書.txt", "事業者からの回答書（架空）");
    for e in show()["entries"].as_array().expect("entries").clone() {
        if e["status"] == "pass" {
            continue;
        }
        let n = e["entry"].to_string();
        act(
            "drafter",
            &[
                "resolve",
                id,
                "--entry",
                &n,
                "--kind",
                "contract_clause",
                "--text",
                "契約書で担保する",
                "--doc",
                "架空省情第2号",
                "--attach",
                letter.to_str().expect("utf-8"),
            ],
        )
        .ok();
        act("boss", &["approve", id, "--entry", &n]).ok();
    }
    // Nothing chosen yet: no duties to record, no clauses to draft.
    let early = act(
        "drafter",
        &[
            "evidence",
            id,
            "--duty",
            "iam",
            "--activity",
            "棚卸し",
            "--performer",
            "own",
            "--evidence",
            "記録",
        ],
    )
    .bad_input();
    assert!(early.contains("判断（案）"), "{early}");
    act(
        "drafter",
        &[
            "decide",
            id,
            "--service",
            "C99-0001-1",
            "--reason",
            "唯一の候補で要件を満たす",
        ],
    )
    .ok();
    act("boss", &["approve", id, "--decision"]).ok();
    let decided = show();
    let duties: Vec<&str> = decided["duties"]
        .as_array()
        .expect("duties")
        .iter()
        .filter_map(|d| d["duty"].as_str())
        .collect();
    assert!(duties.contains(&"iam"), "{duties:?}");
    assert!(
        decided["chosen"]["service_name"]
            .as_str()
            .is_some_and(|n| n.contains("デモクラウド"))
    );
    // The register is kept after the decision; a row past its due date is overdue.
    act(
        "drafter",
        &[
            "evidence",
            id,
            "--duty",
            "iam",
            "--activity",
            "特権IDの棚卸し",
            "--performer",
            "contractor",
            "--frequency",
            "四半期ごと",
            "--evidence",
            "棚卸し結果",
            "--location",
            "文書管理システム",
            "--retention",
            "5年",
            "--last-checked",
            "2026-09-01",
            "--checked-by",
            "情報システム課",
            "--next-due",
            "2026-12-01",
        ],
    )
    .ok();
    let refused = act(
        "drafter",
        &[
            "evidence",
            id,
            "--duty",
            "waf_operation",
            "--activity",
            "x",
            "--performer",
            "own",
            "--evidence",
            "x",
        ],
    )
    .bad_input();
    assert!(refused.contains("waf_operation"), "{refused}");
    let row = show()["duties"]
        .as_array()
        .expect("duties")
        .iter()
        .find(|d| d["duty"] == "iam")
        .cloned()
        .expect("iam");
    assert_eq!(row["row"]["performer"], "contractor");
    assert_eq!(row["overdue"], true);

    // Clause drafts name the service, its regions and the contract's end.
    let clauses = act("drafter", &["clauses", id]).ok();
    for want in [
        "## ISMAP 登録の失効・取消し等の場合の取扱い",
        "C99-0001-1 デモクラウド IaaS",
        "2028年12月31日",
        "特権IDの棚卸し",
    ] {
        assert!(clauses.contains(want), "{want} in {clauses}");
    }
    // An agency's own template directory replaces the shipped ones; a bad one names its file.
    let own = env.path("clauses");
    std::fs::create_dir(&own).expect("dir");
    std::fs::write(
        own.join("a.toml"),
        "id = \"own\"\nwhen = \"always\"\n[title]\nja = \"独自条項\"\nen = \"Own\"\n[body]\nja = \"{service_name} を利用する\"\nen = \"{service_name}\"\n",
    )
    .expect("write");
    let drafted = act(
        "drafter",
        &["clauses", id, "--templates", own.to_str().expect("utf-8")],
    )
    .ok();
    assert!(
        drafted.starts_with("## 独自条項\n\nデモクラウド IaaS"),
        "{drafted}"
    );
    std::fs::write(own.join("b.toml"), "id = \"b\"\nwhen = \"always\"\n[title]\nja = \"x\"\nen = \"x\"\n[body]\nja = \"{agencyy}\"\nen = \"x\"\n").expect("write");
    let bad = act(
        "drafter",
        &["clauses", id, "--templates", own.to_str().expect("utf-8")],
    )
    .bad_input();
    assert!(bad.contains("b.toml") && bad.contains("{agencyy}"), "{bad}");

    // The records: one sheet per part; OSCAL findings with the resolutions as risk responses.
    let xlsx = env.path("record.xlsx");
    act(
        "drafter",
        &[
            "export",
            id,
            "--format",
            "xlsx",
            "-o",
            xlsx.to_str().expect("utf-8"),
        ],
    )
    .ok();
    let bytes = std::fs::read(&xlsx).expect("xlsx");
    assert!(bytes.starts_with(b"PK"), "a zip");
    let oscal: Value =
        serde_json::from_str(&act("drafter", &["export", id, "--format", "oscal"]).ok())
            .expect("json");
    let result = &oscal["assessment-results"]["results"][0];
    assert_eq!(result["title"], "C99-0001-1");
    if let Some(risks) = result["risks"].as_array() {
        assert!(
            risks.iter().all(
                |r| r["status"] == "closed" && r["remediations"][0]["lifecycle"] == "completed"
            )
        );
    }
    // The file kept with the case comes back byte for byte.
    let sha = show()["attachments"][0]["sha256"]
        .as_str()
        .map(str::to_owned);
    if let Some(sha) = sha {
        let back = env.path("back.txt");
        act(
            "boss",
            &[
                "attachment",
                id,
                "--sha256",
                &sha,
                "-o",
                back.to_str().expect("utf-8"),
            ],
        )
        .ok();
        assert_eq!(
            std::fs::read(&back).expect("back"),
            std::fs::read(&letter).expect("letter")
        );
    }

    // The list changes under the decision: the chosen service is revoked.
    let mut registry: Value = serde_json::from_str(
        &std::fs::read_to_string(repo_file("examples/demo-registry.json")).expect("registry"),
    )
    .expect("json");
    for r in registry["registrations"].as_array_mut().expect("list") {
        if r["registration_no"] == "C99-0001-1" {
            r["revoked_on"] = Value::from("2026-11-30");
        }
    }
    let changed = env.write("changed.json", &registry.to_string());
    env.run(&["import", "registry", changed.to_str().expect("utf-8")])
        .ok();
    let run: Value = serde_json::from_str(&env.run(&["alerts", "run"]).ok()).expect("json");
    // Two members, each told of the changed premise and of the overdue duty.
    assert_eq!(run["raised"], 4, "{run}");
    let watched = show();
    assert_eq!(watched["premise_changed"], true);
    assert_eq!(watched["snapshot"]["seq"], 2);
    let trail = env
        .run(&["audit", "log", "--subject", &format!("case:{id}")])
        .ok();
    for action in ["case.evidence", "case.attach", "case.watch"] {
        assert!(
            trail.contains(&format!("\"action\":\"{action}\"")),
            "{action} in {trail}"
        );
    }
    // The next run has nothing new to say.
    let again: Value = serde_json::from_str(&env.run(&["alerts", "run"]).ok()).expect("json");
    assert_eq!(again["raised"], 0, "{again}");
}
