//! Check sheets as PDF: the report's structure typeset by typst with a template that uses only
//! built-ins, Noto Sans JP (SIL OFL 1.1, `fonts/OFL.txt`) embedded. Nothing is downloaded.

use ismap_report::{CheckReport, counts, facts};
use serde_json::{Value, json};
use std::sync::OnceLock;
use typst::foundations::{Dict, Str};
use typst_as_lib::{TypstEngine, TypstTemplateMainFile};
use typst_layout::PagedDocument;

const TEMPLATE: &str = include_str!("check_sheet.typ");
const REGULAR: &[u8] = include_bytes!("../fonts/NotoSansJP_400Regular.ttf");
const BOLD: &[u8] = include_bytes!("../fonts/NotoSansJP_700Bold.ttf");

fn data(report: &CheckReport) -> Value {
    let lang = report.lang();
    let l = |ja: &'static str, en: &'static str| lang.pick(ja, en);
    let results: Vec<Value> = report
        .results
        .iter()
        .map(|r| {
            let (pass, review, fail) = counts(&r);
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
            "responsibilities": ismap_report::responsibilities_heading(lang),
            "summary_header": [l("登録番号", "Registration"), l("サービス名", "Service"), l("状態", "Status"), l("有効期限", "Expires"), l("判定", "Verdict"), l("適合/要確認/不適合", "pass/review/fail")],
            "header": [l("項目", "Check"), l("判定", "Status"), l("対象", "Subject"), l("理由", "Reason"), l("対応", "Action")],
        },
        "results": results,
    })
}

/// The engine with the template and fonts, built once: parsing about 10 MB of fonts on every
/// request is what made concurrent PDF downloads stall the server.
fn engine() -> &'static TypstEngine<TypstTemplateMainFile> {
    static ENGINE: OnceLock<TypstEngine<TypstTemplateMainFile>> = OnceLock::new();
    ENGINE.get_or_init(|| {
        TypstEngine::builder()
            .main_file(TEMPLATE)
            .fonts([REGULAR, BOLD])
            .build()
    })
}

/// The report as PDF bytes. CPU-bound (a second or more for many candidates): callers on an
/// async runtime run it on a blocking thread.
pub fn pdf(report: &CheckReport) -> Result<Vec<u8>, String> {
    let engine = engine();
    let inputs: Dict = [(
        Str::from("data"),
        typst::foundations::Value::Str(data(report).to_string().into()),
    )]
    .into_iter()
    .collect();
    let document: PagedDocument = engine
        .compile_with_input(inputs)
        .output
        .map_err(|e| format!("typesetting failed: {e:?}"))?;
    typst_pdf::pdf(&document, &Default::default()).map_err(|e| format!("PDF export failed: {e:?}"))
}
