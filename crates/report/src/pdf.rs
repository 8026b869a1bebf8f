//! Check sheets and procurement case records (判断記録) as PDF: typeset by typst with
//! templates that use only built-ins, Noto Sans JP (SIL OFL 1.1, `fonts/OFL.txt`) embedded.
//! Nothing is downloaded.

use crate::{CheckReport, counts, facts};
use ismap_core::case::ResolutionKind;
use ismap_core::check::{Status, StatusCounts};
use ismap_core::lang::Lang;
use serde_json::{Value, json};
use std::sync::OnceLock;
use typst::foundations::{Dict, Str};
use typst_as_lib::{TypstEngine, TypstTemplateMainFile};
use typst_layout::PagedDocument;

const TEMPLATE: &str = include_str!("pdf/check_sheet.typ");
const CASE_TEMPLATE: &str = include_str!("pdf/case_record.typ");
const REGULAR: &[u8] = include_bytes!("../fonts/NotoSansJP_400Regular.ttf");
const BOLD: &[u8] = include_bytes!("../fonts/NotoSansJP_700Bold.ttf");

fn data(report: &CheckReport) -> Value {
    let lang = report.lang();
    let l = |ja: &'static str, en: &'static str| lang.pick(ja, en);
    let results: Vec<Value> = report
        .results
        .iter()
        .map(|r| {
            let StatusCounts { pass, review, fail } = counts(&r);
            json!({
                "registration_no": r.registration_no,
                "service_name": r.service_name.clone().unwrap_or_default(),
                "status_label": r.status_label,
                "expires_on": r.expires_on.map(|d| d.to_string()).unwrap_or_else(|| "-".into()),
                "verdict": r.verdict.as_str(),
                "verdict_label": r.verdict.label(lang),
                "counts": format!("{pass}/{review}/{fail}"),
                "checks": r.checks.iter().map(|c| json!({
                    "check": c.check.label(lang),
                    "status": c.status.as_str(),
                    "status_label": c.status.label(lang),
                    "code": c.code,
                    "subject": c.subject.clone().unwrap_or_else(|| "-".into()),
                    "reason": c.reason,
                    "action": c.action.unwrap_or("-"),
                })).collect::<Vec<_>>(),
                "responsibilities": r.responsibilities.iter().map(|x| x.text).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "lang": lang.code(),
        "title": l("ISMAP 調達チェックシート", "ISMAP procurement check sheet"),
        "profile_name": report.profile.name,
        "evaluated_on": report.evaluated_on.to_string(),
        "evaluated_on_label": l("評価日", "Evaluated on"),
        "criteria_label": l("管理基準", "criteria"),
        "criteria_version": report.criteria_version,
        "registry_sha256": report.registry.sha256,
        "facts": facts(report).into_iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>(),
        "labels": {
            "comparison": l("比較", "Comparison"),
            "verdict": l("判定", "Verdict"),
            "responsibilities": crate::responsibilities_heading(lang),
            "summary_header": [l("登録番号", "Registration"), l("サービス名", "Service"), l("状態", "Status"), l("有効期限", "Expires"), l("判定", "Verdict"), l("適合/要確認/不適合", "pass/review/fail")],
            "header": [l("項目", "Check"), l("判定", "Status"), l("対象", "Subject"), l("理由", "Reason"), l("対応", "Action")],
        },
        "results": results,
    })
}

type Engine = TypstEngine<TypstTemplateMainFile>;

/// An engine with its template and the fonts, built once: parsing about 10 MB of fonts on
/// every request is what made concurrent PDF downloads stall the server.
fn engine(cell: &'static OnceLock<Engine>, template: &'static str) -> &'static Engine {
    cell.get_or_init(|| {
        TypstEngine::builder()
            .main_file(template)
            .fonts([REGULAR, BOLD])
            .build()
    })
}

/// The report as PDF bytes. CPU-bound (a second or more for many candidates): callers on an
/// async runtime run it on a blocking thread.
pub fn check_sheets(report: &CheckReport) -> Result<Vec<u8>, String> {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    typeset(engine(&ENGINE, TEMPLATE), data(report))
}

/// A procurement case's record (`ismap_store::CaseView` as JSON) as PDF bytes, with the case's
/// audit-trail head (`SEQ:HASH`) in every page's footer.
pub fn case_record(case: &Value, audit_head: &str, lang: Lang) -> Result<Vec<u8>, String> {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    typeset(
        engine(&ENGINE, CASE_TEMPLATE),
        case_data(case, audit_head, lang),
    )
}

fn typeset(engine: &Engine, data: Value) -> Result<Vec<u8>, String> {
    let inputs: Dict = [(
        Str::from("data"),
        typst::foundations::Value::Str(data.to_string().into()),
    )]
    .into_iter()
    .collect();
    let document: PagedDocument = engine
        .compile_with_input(inputs)
        .output
        .map_err(|e| format!("typesetting failed: {e:?}"))?;
    typst_pdf::pdf(&document, &Default::default()).map_err(|e| format!("PDF export failed: {e:?}"))
}

/// A stored UTC time (RFC 3339) as Japan time, to the minute.
fn jst(v: &Value) -> String {
    v.as_str()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map_or_else(
            || "-".to_owned(),
            |t| {
                format!(
                    "{} JST",
                    ismap_core::validity::japan_time(t.to_utc()).format("%Y-%m-%d %H:%M")
                )
            },
        )
}

/// The case view with labels and the texts the template sets.
fn case_data(case: &Value, audit_head: &str, lang: Lang) -> Value {
    let l = |ja: &'static str, en: &'static str| lang.pick(ja, en);
    let text = |v: &Value| v.as_str().unwrap_or("-").to_owned();
    let status = |v: &Value| serde_json::from_value::<Status>(v.clone()).unwrap_or(Status::Review);
    let snapshot = &case["snapshot"];
    let decision = &case["decision"];
    let entries: Vec<&Value> = case["entries"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["status"] != "pass")
        .collect();
    let resolution = |r: &Value| -> String {
        if r.is_null() {
            return "-".into();
        }
        let kind = r["kind"]
            .as_str()
            .and_then(|k| k.parse::<ResolutionKind>().ok());
        let mut out = format!(
            "{}: {}",
            kind.map_or("-", |k| k.label(lang)),
            text(&r["text"])
        );
        if let Some(n) = r["document"]["number"].as_str() {
            out.push_str(&format!("\n{}{n}", l("文書番号: ", "Document: ")));
            if let Some(d) = r["document"]["date"].as_str() {
                out.push_str(&format!(
                    " {}",
                    lang.pick(&format!("（{d}付）"), &format!("({d})"))
                ));
            }
        }
        if let Some(b) = r["legal_basis"].as_str() {
            out.push_str(&format!("\n{}{b}", l("根拠: ", "Basis: ")));
        }
        if let Some(sha) = r["attachment"].as_str() {
            out.push_str(&format!(
                "\n{}{sha}",
                l("添付ファイル SHA-256: ", "Attached file SHA-256: ")
            ));
        }
        out.push_str(&format!(
            "\n{}{}",
            l("起案: ", "Drafted by: "),
            text(&r["by"])
        ));
        out.push_str(&format!(" {}", jst(&r["at"])));
        if let Some(a) = r["approved_by"].as_str() {
            out.push_str(&format!(
                "\n{}{a} {}",
                l("承認: ", "Approved by: "),
                jst(&r["approved_at"])
            ));
        }
        out
    };
    json!({
        "lang": lang.code(),
        "title": l("調達判断記録", "Procurement decision record"),
        "name": text(&case["name"]),
        "organisation": text(&case["organisation"]),
        "state": text(&case["state"]),
        "registry_sha256": snapshot["registry_sha256"].as_str().unwrap_or("-"),
        "audit_head": audit_head,
        "facts": [
            [l("調達件名", "Procurement title"), text(&case["name"])],
            [l("組織", "Organisation"), text(&case["organisation"])],
            [l("確認（スナップショット）", "Snapshot"), snapshot["seq"].to_string()],
            [l("評価日", "Evaluated on"), text(&snapshot["evaluated_on"])],
            [l("管理基準のバージョン", "Criteria version"), text(&snapshot["criteria_version"])],
            [l("有効期限の計算", "Expiry rule"), snapshot["expiry_rule"].as_str().and_then(|r| r.parse::<ismap_core::validity::ExpiryRule>().ok()).map_or_else(|| text(&snapshot["expiry_rule"]), |r| r.label(lang).to_owned())],
            [l("ISMAPクラウドサービスリストの SHA-256", "Registry SHA-256"), text(&snapshot["registry_sha256"])],
            [l("ISMAPクラウドサービスリストの版", "Registry revision"), snapshot["registry_revision"].to_string()],
            [l("要件プロファイルの版", "Profile version"), case["profile_version"].to_string()],
            [l("監査証跡の最新記録（連番:ハッシュ）", "Latest audit-trail event (seq:hash)"), audit_head],
            [l("出力日時", "Printed at"), format!("{} JST", ismap_core::validity::japan_time(chrono::Utc::now()).format("%Y-%m-%d %H:%M"))],
        ],
        // 承認者 | 確認者 | 起案者 (highest on the left); 確認者 is left for a stamp.
        "approval_names": [
            decision["approved_by"].as_str().unwrap_or(""),
            "",
            decision["decided_by"].as_str().unwrap_or(""),
        ],
        "approval_dates": [
            if decision["approved_at"].is_null() { String::new() } else { jst(&decision["approved_at"]) },
            String::new(),
            decision["decided_on"].as_str().unwrap_or("").to_owned(),
        ],
        "approval_state": match (decision.is_null(), decision["approved_by"].is_null(), case["premise_changed"] == true) {
            (true, _, _) => l("判断未記録", "No decision recorded"),
            (false, true, _) => l("未決裁（判断の承認待ち）", "Not approved (the decision awaits approval)"),
            (false, false, false) => l("決裁済み", "Approved"),
            (false, false, true) => l("決裁済み（判断後に前提が変化・再判断未了）", "Approved (premises changed since; not yet decided again)"),
        },
        "premise_changed": if case["premise_changed"] == true {
            l("判断の前提が変わりました: 判断後の再確認（ISMAPクラウドサービスリストの変更又は日付の経過による判定の変化）で前提の変化を検知し、新しい確認を記録しています。比較と対応記録を確認してください。", "The premises of the decision changed: a re-check after the decision (a list change or the date passing) found a changed premise and recorded a new snapshot. Review the comparison and the resolutions.")
        } else { "" },
        "chosen": case["chosen"]["registration_no"].as_str().map(|no| {
            let name = case["chosen"]["service_name"].as_str().unwrap_or("");
            let provider = case["chosen"]["provider"].as_str().map(|p| format!("（{p}）")).unwrap_or_default();
            format!("{no} {name}{provider}")
        }).unwrap_or_default(),
        "duties": case["duties"].as_array().into_iter().flatten().map(|d| {
            let r = &d["row"];
            let cell = |k: &str| r[k].as_str().filter(|v| !v.is_empty()).unwrap_or("-").to_owned();
            let performer = r["performer"].as_str().and_then(|p| p.parse::<ismap_core::case::evidence::Performer>().ok());
            json!({
                "title": if d["retired"] == true { format!("{}{}", text(&d["title"]), l("（現在の確認結果にない責任）", " (no longer listed)")) } else { text(&d["title"]) },
                "filled": !r.is_null(),
                "overdue": d["overdue"] == true,
                "activity": if r.is_null() { text(&d["text"]) } else { cell("activity") },
                "performer": performer.map_or("-", |p| p.label(lang)),
                "frequency": cell("frequency"),
                "evidence": cell("evidence"),
                "location": cell("location"),
                "retention": cell("retention"),
                "checked": format!("{} {}", cell("last_checked"), cell("checked_by")),
                "next_due": if d["overdue"] == true { format!("{} {}", cell("next_due"), l("（出力日時点で期限超過）", "(overdue when printed)")) } else { cell("next_due") },
            })
        }).collect::<Vec<_>>(),
        "candidates": case["candidates"].as_array().into_iter().flatten().map(|c| json!({
            "registration_no": text(&c["registration_no"]),
            "verdict": c["verdict"],
            "verdict_label": status(&c["verdict"]).label(lang),
            "verdict_text": text(&c["verdict_text"]),
        })).collect::<Vec<_>>(),
        "decision_text": if decision.is_null() {
            l("現在、有効な判断はありません。", "No decision is currently in force.").to_owned()
        } else {
            format!(
                "{}{}（{}{}、{}{}、{}{}）\n{}{}\n{}",
                l("選定したサービス: ", "Service chosen: "),
                text(&decision["service"]),
                l("判断日 ", "decided on "),
                text(&decision["decided_on"]),
                l("起案 ", "proposed by "),
                text(&decision["decided_by"]),
                l("承認 ", "approved by "),
                decision["approved_by"].as_str().unwrap_or(l("（承認待ち）", "(awaiting approval)")),
                l("選定理由: ", "Reason for the choice: "),
                text(&decision["reason"]),
                match lang {
                    Lang::Ja => format!("判断時の確認: 第{}回／最新の確認: 第{}回", decision["snapshot"], snapshot["seq"]),
                    Lang::En => format!("Decided on snapshot {}; latest snapshot {}", decision["snapshot"], snapshot["seq"]),
                },
            )
        },
        "entries": entries.iter().map(|e| json!({
            "entry": e["entry"].as_u64().unwrap_or(0),
            "registration_no": text(&e["registration_no"]),
            "status": e["status"],
            "status_label": status(&e["status"]).label(lang),
            "code": text(&e["code"]),
            "subject": e["subject"].as_str().unwrap_or(""),
            "reason": text(&e["reason"]),
            "state": match (e["resolution"].is_null(), e["settled"].as_bool()) {
                (true, _) => l("未対応", "open"),
                (false, Some(true)) => l("対応済み", "settled"),
                _ => l("承認待ち", "awaiting approval"),
            },
            "resolution": resolution(&e["resolution"]),
        })).collect::<Vec<_>>(),
        "note": ismap_core::check::scope_note(lang),
        "labels": {
            "audit_head": l("監査証跡（最新）", "audit trail (latest)"),
            "approval_box": [l("承認者", "Approved by"), l("確認者", "Checked by"), l("起案者", "Drafted by")],
            "comparison": l("候補の判定", "Candidates"),
            "verdict_header": [l("登録番号", "Registration"), l("判定", "Verdict"), l("対応後の判定", "After resolutions")],
            "decision": l("判断", "Decision"),
            "findings": l("要確認・不適合と対応記録", "Review and fail entries and their resolutions"),
            "no_findings": l("要確認・不適合の項目はありません。", "No review or fail entries."),
            "duties": l("責任分界（利用者側の実施と証跡）", "Customer duties: what is done and kept as evidence"),
            "no_duties": l("判断（案）でサービスを選定すると、利用者側の責任ごとの実施と証跡を記録します。", "Once a service is chosen, the agency records how each customer duty is done and evidenced."),
            "not_filled": l("（未記入）", "(not filled)"),
            "duties_header": [l("責任", "Duty"), l("実施内容", "Activity"), l("実施者・頻度", "By, how often"), l("証跡・保管場所・保存期間", "Evidence, where, how long"), l("最終確認", "Last confirmed"), l("次回期限", "Next due")],
            "chosen": l("選定したサービス", "Service chosen"),
            "findings_header": [l("項目", "Entry"), l("登録番号", "Registration"), l("判定", "Status"), l("対象と理由", "Subject and reason"), l("対応と承認", "Resolution and approval")],
        },
    })
}
