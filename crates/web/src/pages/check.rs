//! `/check`: the check wizard. A form (or an uploaded profile file) becomes a profile in TOML;
//! every later step (comparison, check sheet, downloads) carries that TOML in a hidden field
//! and parses it again, so the pages go through exactly the validation the CLI uses.

use super::requirements::{self, Pairs, pairs, value};
use super::{Nav, PageError, attachment, head, layout, listing_badge, on_pool, status_badge, t};
use crate::lang::UiLang;
use crate::state::{AppState, Snapshot};
use axum::body::Bytes;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ismap_core::check::CheckKind;
use ismap_core::ids::RegistrationNumber;
use ismap_core::lang::Lang;
use ismap_core::profile::Profile;
use ismap_core::validity::ExpiryRule;
use ismap_formats::InputError;
use ismap_formats::profile_toml::{parse_profile, write_profile};
use ismap_report::{
    Candidates, CheckError, CheckInput, CheckReport, Format, check_summary, run_check,
};
use maud::{Markup, html};
use std::sync::Arc;

/// Beyond this many candidates a side-by-side comparison stops being readable.
const MAX_COMPARED: usize = 20;
fn form_page(
    lang: Lang,
    snapshot: &Snapshot,
    f: &Pairs,
    error: Option<&InputError>,
    status: StatusCode,
) -> Response {
    let title = t(lang, "調達チェック", "Procurement check");
    let body = html! {
        h1 { (title) }
        p.lead { (t(lang, "要件を入力すると、候補サービスごとに7項目の判定・理由・対応を比較できます。", "Enter the requirements to compare candidates on seven checks, each with its reason and action.")) }
        @if let Some(e) = error {
            div.error-box role="alert" id="errors" {
                p { strong { (t(lang, "入力を確認してください", "Please check the input")) } }
                p { @if let Some(field) = &e.field { code { (field) } ": " } (e.message) @if let Some(v) = &e.value { " (" (v) ")" } }
            }
        }
        form method="post" action="/check" {
            (super::csrf_field())
            (requirements::fieldsets(lang, snapshot, f))
            div.actions { button type="submit" { (t(lang, "チェックする", "Run the check")) } }
        }
        h2 { (t(lang, "プロファイルファイルを使う", "Use a profile file")) }
        form method="post" action="/check/upload" enctype="multipart/form-data" {
            (super::csrf_field())
            label for="profile_file" { (t(lang, "要件プロファイル（TOML）", "Requirement profile (TOML)")) }
            input type="file" id="profile_file" name="profile" accept=".toml,text/plain,application/toml";
            div.actions { button type="submit" { (t(lang, "アップロードしてチェック", "Upload and check")) } }
        }
    };
    (status, layout(lang, title, Nav::Check, "/check", body)).into_response()
}

pub async fn form(State(state): State<Arc<AppState>>, UiLang(lang): UiLang) -> Response {
    form_page(lang, &state.snapshot(), &Vec::new(), None, StatusCode::OK)
}

/// The hidden field every later step carries.
fn carry(profile_toml: &str) -> Markup {
    html! { input type="hidden" name="profile" value=(profile_toml); }
}

/// Runs the check `profile` describes against `snapshot` (the profile's candidates, at most
/// [`MAX_COMPARED`], unless `given`) and hands its report to `use_it`.
fn with_report<T>(
    snapshot: &Snapshot,
    rule: ExpiryRule,
    profile: &Profile,
    lang: Lang,
    given: Option<RegistrationNumber>,
    use_it: impl FnOnce(&CheckReport) -> T,
) -> Result<T, InputError> {
    let input = CheckInput {
        catalog: &snapshot.catalog,
        registry: &snapshot.registry,
        registry_info: snapshot.registry_info(),
        profile,
        evaluated_on: profile.evaluation_date.unwrap_or_else(crate::params::today),
        rule,
        lang,
    };
    let candidates = match given {
        Some(no) => Candidates::Given(vec![no]),
        None => Candidates::ProfileAtMost(MAX_COMPARED),
    };
    run_check(input, candidates, use_it).map_err(|e| {
        let field = match e {
            CheckError::UnknownControl(_) => "controls.required",
            CheckError::TooManyCandidates { .. } => "candidates",
        };
        InputError::new("profile", e.text(lang)).field(field)
    })
}

fn results_page(
    lang: Lang,
    snapshot: &Snapshot,
    rule: ExpiryRule,
    profile_toml: &str,
) -> Result<Markup, InputError> {
    let profile = parse_profile("profile", profile_toml, &snapshot.catalog)?;
    let (views, evaluated_on) = with_report(snapshot, rule, &profile, lang, None, |report| {
        (
            report.results.iter().collect::<Vec<_>>(),
            report.evaluated_on,
        )
    })?;
    let title = t(lang, "比較結果", "Comparison");
    let body = html! {
        p.meta.no-print { a href="/check" { "← " (t(lang, "条件を入力し直す", "Change the requirements")) } }
        h1 { (title) ": " (profile.name) }
        p.lead {
            (t(lang, "評価日 ", "Evaluated on ")) (evaluated_on) " · "
            (t(lang, "管理基準 ", "Criteria ")) (snapshot.catalog.version()) " · "
            (t(lang, "リストの SHA-256 ", "Registry SHA-256 ")) code { (snapshot.sha256_ready().and_then(|h| h.get(..12)).unwrap_or("…")) }
        }
        p.note { (ismap_core::check::scope_note(lang)) }
        div.table-wrap {
            table {
                caption.meta { (t(lang, "行は確認項目、列は候補。記号と文字で判定を示します（✓適合 ▲要確認 ✕不適合）。", "Rows are checks, columns candidates; symbols and words give each status (✓ pass ▲ review ✕ fail).")) }
                thead {
                    tr {
                        th scope="col" { (t(lang, "確認項目", "Check")) }
                        @for v in &views {
                            th scope="col" {
                                (v.registration_no) br;
                                span.meta { (v.service_name.as_deref().unwrap_or("-")) }
                            }
                        }
                    }
                }
                tbody {
                    tr {
                        th scope="row" { (t(lang, "総合判定", "Verdict")) }
                        @for v in &views { td { (status_badge(v.verdict, lang)) } }
                    }
                    tr {
                        th scope="row" { (t(lang, "登録の状態", "Listing status")) }
                        @for v in &views { td { (listing_badge(v.status, lang)) br; span.meta { (v.expires_on.map(|d| d.to_string()).unwrap_or_default()) } } }
                    }
                    @for kind in CheckKind::ALL {
                        tr {
                            th scope="row" { (kind.label(lang)) }
                            @for v in &views {
                                td {
                                    @match check_summary(v, kind) {
                                        Some((status, issues)) => {
                                            (status_badge(status, lang))
                                            @if issues > 0 { " " span.meta { "(" (issues) (t(lang, "件", "")) ")" } }
                                        }
                                        None => span.meta { "-" },
                                    }
                                }
                            }
                        }
                    }
                    tr.no-print {
                        th scope="row" { (t(lang, "チェックシート", "Check sheet")) }
                        @for v in &views {
                            td {
                                form method="post" action="/check/sheet" {
                                    (super::csrf_field())
                                    (carry(profile_toml))
                                    input type="hidden" name="candidate" value=(v.registration_no);
                                    button type="submit" aria-label={ (t(lang, "チェックシートを開く: ", "Open the check sheet: ")) (v.registration_no) } { (t(lang, "開く", "Open")) }
                                }
                            }
                        }
                    }
                }
            }
        }
        h2.no-print { (t(lang, "ダウンロード", "Downloads")) }
        div.actions.no-print {
            @for (format, label) in [("toml", t(lang, "プロファイル (TOML)", "Profile (TOML)")), ("json", t(lang, "結果 (JSON)", "Result (JSON)")), ("markdown", t(lang, "結果 (Markdown)", "Result (Markdown)")), ("xlsx", t(lang, "結果 (Excel)", "Result (Excel)")), ("pdf", t(lang, "チェックシート (PDF)", "Check sheets (PDF)"))] {
                form method="post" action="/check/download" {
                    (super::csrf_field())
                    (carry(profile_toml))
                    input type="hidden" name="format" value=(format);
                    button.secondary type="submit" { (label) }
                }
            }
        }
    };
    Ok(layout(lang, title, Nav::Check, "/check", body))
}

fn results_or_form(
    lang: Lang,
    (snapshot, rule): (&Snapshot, ExpiryRule),
    profile_toml: &str,
    form: &Pairs,
) -> Response {
    match results_page(lang, snapshot, rule, profile_toml) {
        Ok(page) => page.into_response(),
        Err(e) => form_page(
            lang,
            snapshot,
            form,
            Some(&e),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    }
}

pub async fn results(
    State(state): State<Arc<AppState>>,
    UiLang(lang): UiLang,
    body: Bytes,
) -> Response {
    let form = pairs(&body);
    let (snapshot, rule) = (state.snapshot(), state.rule());
    on_pool(&state, lang, move || {
        let toml = requirements::to_toml(&form, &snapshot.catalog);
        results_or_form(lang, (&snapshot, rule), &toml, &form)
    })
    .await
}

pub async fn upload(
    State(state): State<Arc<AppState>>,
    UiLang(lang): UiLang,
    mut multipart: Multipart,
) -> Response {
    let (snapshot, rule) = (state.snapshot(), state.rule());
    let mut text = None;
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some("profile") {
            text = field
                .bytes()
                .await
                .ok()
                .map(|b| String::from_utf8_lossy(&b).into_owned());
        }
    }
    match text.filter(|t| !t.trim().is_empty()) {
        Some(toml) => {
            on_pool(&state, lang, move || {
                results_or_form(lang, (&snapshot, rule), &toml, &Vec::new())
            })
            .await
        }
        None => form_page(
            lang,
            &snapshot,
            &Vec::new(),
            Some(
                &InputError::new(
                    "upload",
                    t(lang, "ファイルが選択されていません", "no file was chosen"),
                )
                .field("profile"),
            ),
            StatusCode::BAD_REQUEST,
        ),
    }
}

fn bad(lang: Lang, e: InputError) -> PageError {
    PageError::new(StatusCode::UNPROCESSABLE_ENTITY, lang, e.to_string())
}

/// One candidate's printable check sheet with every reason, action and input used; made on
/// the render pool, where waiting for the list's hash after a change blocks no async worker.
pub async fn sheet(
    State(state): State<Arc<AppState>>,
    UiLang(lang): UiLang,
    body: Bytes,
) -> Response {
    let form = pairs(&body);
    let (snapshot, rule) = (state.snapshot(), state.rule());
    on_pool(&state, lang, move || {
        sheet_page(lang, &snapshot, rule, &form).into_response()
    })
    .await
}

fn sheet_page(
    lang: Lang,
    snapshot: &Snapshot,
    rule: ExpiryRule,
    form: &Pairs,
) -> Result<Markup, PageError> {
    let profile_toml = value(form, "profile");
    let profile =
        parse_profile("profile", profile_toml, &snapshot.catalog).map_err(|e| bad(lang, e))?;
    let no = RegistrationNumber::parse(value(form, "candidate"))
        .map_err(|e| PageError::new(StatusCode::BAD_REQUEST, lang, e.to_string()))?;
    let (v, evaluated_on, required_controls) =
        with_report(snapshot, rule, &profile, lang, Some(no), |report| {
            let v = report.results.iter().next();
            (v, report.evaluated_on, report.profile.required_controls)
        })
        .map_err(|e| bad(lang, e))?;
    let v = v.ok_or_else(|| PageError::new(StatusCode::BAD_REQUEST, lang, "no candidate"))?;
    let title = t(
        lang,
        "ISMAP 調達チェックシート",
        "ISMAP procurement check sheet",
    );
    let yes_no = |b: bool| {
        if b {
            t(lang, "あり", "yes")
        } else {
            t(lang, "なし", "no")
        }
    };
    let body = html! {
        h1 { (title) }
        p.lead { (v.registration_no) " " (v.service_name.as_deref().unwrap_or("")) }
        section aria-labelledby="verdict" {
            h2 id="verdict" { (t(lang, "総合判定", "Verdict")) }
            p { (status_badge(v.verdict, lang)) " " (listing_badge(v.status, lang)) @if let Some(d) = v.expires_on { " " (t(lang, "有効期限 ", "expires ")) (d) } }
            @if let Some(p) = &v.provider { p { (t(lang, "事業者: ", "Provider: ")) (p) } }
            p.note { (ismap_core::check::scope_note(lang)) }
        }
        section aria-labelledby="entries" {
            h2 id="entries" { (t(lang, "確認項目ごとの判定・理由・対応", "Every check: status, reason, action")) }
            div.table-wrap { table.sheet {
                (head(lang, &[("項目", "Check"), ("判定", "Status"), ("対象", "Subject"), ("理由", "Reason"), ("対応", "Action"), ("コード", "Code")]))
                tbody { @for c in &v.checks { tr {
                    td { (c.check.label(lang)) }
                    td { (status_badge(c.status, lang)) }
                    td { (c.subject.as_deref().unwrap_or("-")) }
                    td { (c.reason) }
                    td { (c.action.unwrap_or("-")) }
                    td { code { (c.code) } }
                } } }
            } }
        }
        @if !v.responsibilities.is_empty() {
            section aria-labelledby="customer" {
                h2 id="customer" { (ismap_core::responsibility::heading(lang)) }
                ul { @for r in &v.responsibilities { li { (r.text) } } }
            }
        }
        section aria-labelledby="inputs" {
            h2 id="inputs" { (t(lang, "判定に用いた入力", "Inputs used")) }
            dl.fields {
                dt { (t(lang, "調達件名", "Title")) } dd { (profile.name) }
                dt { (t(lang, "調達府省庁等", "Agency")) } dd { (profile.agency.as_deref().unwrap_or("-")) }
                dt { (t(lang, "評価日", "Evaluation date")) } dd { (evaluated_on) }
                dt { (t(lang, "管理基準のバージョン", "Criteria version")) } dd { (snapshot.catalog.version()) }
                dt { (t(lang, "有効期限の計算", "Expiry rule")) } dd { (rule.label(lang)) }
                dt { (t(lang, "ISMAPクラウドサービスリスト", "Registry")) } dd { (snapshot.origin.describe(lang)) " (" (snapshot.registry.len()) (t(lang, " 件", " entries")) ")" }
                dt { (t(lang, "リストの SHA-256", "Registry SHA-256")) } dd { code { (snapshot.sha256()) } }
                dt { (t(lang, "機密性", "Confidentiality")) } dd { (profile.confidentiality.level()) }
                dt { (t(lang, "低影響利用の判断", "Low-impact judgment")) } dd {
                    (yes_no(profile.low_impact))
                    @if let Some(b) = &profile.low_impact_basis { (b.describe(lang)) }
                }
                dt { (t(lang, "システムが利用するリージョン", "Regions the system will use")) } dd { @let r = profile.regions.required_names(); (if r.is_empty() { "-".to_owned() } else { r.join("、") }) }
                dt { (t(lang, "利用する機能", "Features")) } dd { (if profile.features.is_empty() { "-".to_owned() } else { profile.features.join("、") }) }
                dt { (t(lang, "契約期間", "Contract")) } dd { @match profile.contract { Some(c) => { (c.start()) " – " (c.end()) }, None => "-" } }
                dt { (t(lang, "必須とする管理策", "Required controls")) } dd { (required_controls) }
            }
            details {
                summary { (t(lang, "要件プロファイル (TOML)", "Requirement profile (TOML)")) }
                pre { (profile_toml) }
            }
        }
        p.meta.no-print { (t(lang, "印刷にはブラウザの印刷機能を使ってください（印刷用の書式が適用されます）。", "Use the browser's print command; a print layout is applied.")) }
    };
    Ok(layout(lang, title, Nav::Check, "/check", body))
}

/// The profile as TOML, or the result as JSON or Markdown.
pub async fn download(
    State(state): State<Arc<AppState>>,
    UiLang(lang): UiLang,
    body: Bytes,
) -> Result<Response, PageError> {
    let form = pairs(&body);
    let (snapshot, rule) = (state.snapshot(), state.rule());
    let profile = parse_profile("profile", value(&form, "profile"), &snapshot.catalog)
        .map_err(|e| bad(lang, e))?;
    let format = value(&form, "format");
    if format == "toml" {
        return Ok(attachment(
            "application/toml; charset=utf-8",
            "profile.toml",
            write_profile(&profile).into_bytes(),
        ));
    }
    let format = match format {
        "pdf" => Format::Pdf,
        "xlsx" => Format::Xlsx,
        "json" => Format::Json,
        "markdown" => Format::Markdown,
        other => {
            return Err(PageError::new(
                StatusCode::BAD_REQUEST,
                lang,
                format!("format: expected toml, json, markdown, xlsx or pdf, got {other:?}"),
            ));
        }
    };
    // The whole check and its rendering on the render pool, off the async workers.
    let bytes = state
        .render()
        .run(move || {
            with_report(&snapshot, rule, &profile, lang, None, |report| {
                let mut out = Vec::new();
                report.render(format, &mut out).map(|()| out)
            })
            .map_err(|e| bad(lang, e))?
            .map_err(|e| PageError::new(StatusCode::INTERNAL_SERVER_ERROR, lang, e.to_string()))
        })
        .await
        .map_err(|busy| PageError::from((lang, crate::ApiError::from(busy))))??;
    let name = format!("ismap-check.{}", format.extension());
    Ok(attachment(format.media_type(), &name, bytes))
}
