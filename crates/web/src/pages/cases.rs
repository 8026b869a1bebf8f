//! `/cases`: the agency's procurement cases, and one case's page in sections (要件, 比較,
//! 対応記録, 判断, 履歴) linked from a tab bar, with forms that work without JavaScript. The
//! rules and their refusals are the core's, as through the API and the CLI.

use super::{Nav, PageError, csrf_field, head, lang, layout, status_badge, t};
use crate::ApiError;
use crate::api::accounts::store;
use crate::auth::Viewer;
use crate::state::AppState;
use axum::Extension;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use ismap_core::access::Permission;
use ismap_core::case::{DocumentRef, Proposal, RESOLUTION_KINDS, ResolutionKind};
use ismap_core::check::Status;
use ismap_core::lang::Lang;
use ismap_core::validity::japan_date;
use ismap_formats::date::parse_date;
use ismap_formats::profile_toml::parse_profile;
use ismap_store::{CaseView, StoreError};
use maud::{Markup, html};
use serde::Deserialize;
use std::sync::Arc;

fn page_error(lang: Lang, e: StoreError) -> PageError {
    PageError::from((lang, ApiError::from(e)))
}

#[derive(Deserialize)]
pub struct NewCaseForm {
    name: String,
    profile: String,
}

pub async fn list(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Extension(viewer): Extension<Viewer>,
) -> Result<Markup, PageError> {
    let lang = lang(&headers);
    let store = store(&state).map_err(|e| PageError::from((lang, e)))?;
    let cases = store
        .cases(&viewer.actor)
        .await
        .map_err(|e| page_error(lang, e))?;
    let title = t(lang, "調達案件", "Procurement cases");
    Ok(layout(
        lang,
        title,
        Nav::Cases,
        "/cases",
        html! {
            h1 { (title) }
            p.lead { (t(lang,
                "調達ごとに、確認結果（スナップショット）、要確認・不適合への対応記録とその承認、選定の判断を記録します。記録は自組織の調達担当者だけが閲覧できます。",
                "For each procurement, keep the checks (snapshots), the resolution of every review or fail point with its approval, and the decision. Only your organisation's procurers see the record.")) }
            @if cases.is_empty() { p { (t(lang, "調達案件はまだありません。", "No cases yet.")) } } @else {
                div.table-wrap { table {
                    (head(lang, &[("番号", "No."), ("調達件名", "Title"), ("状態", "State"), ("未対応", "Open points"), ("作成者", "Created by")]))
                    tbody { @for c in &cases {
                        @let v = c.view(lang);
                        tr {
                            td { (v.id) }
                            td { a href={ "/cases/" (v.id) } { (v.name) } }
                            td { (v.state) }
                            td.num { (v.entries.iter().filter(|e| e.entry.status != Status::Pass && !e.settled).count()) }
                            td { (v.created_by) }
                        }
                    } }
                } }
            }
            form.stack method="post" action="/cases" {
                (csrf_field())
                fieldset { legend { (t(lang, "調達案件を作成する", "Open a case")) }
                    label for="c-name" { (t(lang, "調達件名", "Procurement title")) }
                    input type="text" id="c-name" name="name" required maxlength="200";
                    label for="c-profile" { (t(lang, "要件プロファイル（TOML。調達チェックの「プロファイルを保存」で作成できます）", "Requirement profile (TOML; the procurement check's “Save the profile” writes one)")) }
                    textarea id="c-profile" name="profile" rows="10" required {}
                    div.actions { button type="submit" { (t(lang, "作成する", "Create")) } }
                }
            }
        },
    ))
}

pub async fn create(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Extension(viewer): Extension<Viewer>,
    Form(f): Form<NewCaseForm>,
) -> Result<Response, PageError> {
    let lang = lang(&headers);
    parse_profile("profile", &f.profile, &state.snapshot().catalog)
        .map_err(|e| PageError::new(StatusCode::UNPROCESSABLE_ENTITY, lang, e.to_string()))?;
    let store = store(&state).map_err(|e| PageError::from((lang, e)))?;
    let c = store
        .create_case(&viewer.actor, &f.name, &f.profile)
        .await
        .map_err(|e| page_error(lang, e))?;
    Ok(Redirect::to(&format!("/cases/{}", c.id)).into_response())
}

fn tabs(lang: Lang) -> Markup {
    html! {
        nav.tabs aria-label=(t(lang, "調達案件の項目", "Case sections")) { ul {
            @for (id, ja, en) in [("requirements", "要件", "Requirements"), ("comparison", "比較", "Comparison"), ("resolutions", "対応記録", "Resolutions"), ("decision", "判断", "Decision"), ("history", "履歴", "History")] {
                li { a href={ "#" (id) } { (t(lang, ja, en)) } }
            }
        } }
    }
}

fn resolution_form(lang: Lang, id: i32, (snapshot, entry): (i32, u32), listing: bool) -> Markup {
    html! {
        details { summary { (t(lang, "対応を記録する", "Record a resolution")) }
            form.stack method="post" action={ "/cases/" (id) "/resolutions" } {
                (csrf_field())
                input type="hidden" name="snapshot" value=(snapshot);
                input type="hidden" name="entry" value=(entry);
                label for={ "k" (entry) } { (t(lang, "対応の種類", "Kind")) }
                select id={ "k" (entry) } name="kind" {
                    @for k in RESOLUTION_KINDS.into_iter().filter(|k| !listing || *k == ResolutionKind::Exception) {
                        option value=(k.code()) { (k.label(lang)) }
                    }
                }
                label for={ "x" (entry) } { (t(lang, "対応内容", "Resolution")) }
                textarea id={ "x" (entry) } name="text" rows="3" required maxlength="4000" {}
                div.row {
                    div { label for={ "n" (entry) } { (t(lang, "文書番号（任意）", "Document number (optional)")) } input type="text" id={ "n" (entry) } name="document_number"; }
                    div { label for={ "d" (entry) } { (t(lang, "文書の日付（任意）", "Document date (optional)")) } input type="date" id={ "d" (entry) } name="document_date"; }
                }
                label for={ "b" (entry) } { (t(lang, "根拠（例外措置の場合は必須。規程の条項・許可文書等）", "Basis (required for an exception: the rule and the permission document)")) }
                input type="text" id={ "b" (entry) } name="legal_basis" maxlength="4000";
                div.actions { button type="submit" { (t(lang, "記録する（承認待ちになります）", "Record (it then awaits approval)")) } }
            }
        }
    }
}

fn render(
    v: &CaseView,
    viewer: &Viewer,
    history: &[ismap_store::AuditEvent],
    lang: Lang,
) -> Markup {
    let approver = viewer.actor.can(Permission::ApproveResolutions);
    let seq = v.snapshot.as_ref().map_or(0, |s| s.seq);
    let open: Vec<_> = v
        .entries
        .iter()
        .filter(|e| e.entry.status != Status::Pass)
        .collect();
    html! {
        p.meta { a href="/cases" { (t(lang, "調達案件", "Procurement cases")) } " › " (v.id) }
        h1 { (v.name) }
        p.lead { (v.state) " · " a href={ "/cases/" (v.id) "/record.pdf" } { (t(lang, "判断記録（PDF、決裁欄付き）", "Decision record (PDF, with the approval box)")) } }
        (tabs(lang))
        section #requirements aria-labelledby="h-req" {
            h2 #h-req { (t(lang, "要件", "Requirements")) }
            p { (t(lang, "プロファイルの版: ", "Profile version: ")) (v.profile_version) }
            @if v.decision.is_none() {
                form.stack method="post" action={ "/cases/" (v.id) "/profile" } {
                    (csrf_field())
                    label for="profile" { (t(lang, "要件プロファイル（TOML。変更すると新しい版として記録され、以前の版も残ります）", "Requirement profile (TOML; a change is kept as a new version, earlier ones stay)")) }
                    textarea id="profile" name="profile" rows="12" required { (v.profile) }
                    div.actions { button.secondary type="submit" { (t(lang, "要件を変更する", "Change the requirements")) } }
                }
            } @else {
                pre { (v.profile) }
            }
        }
        section #comparison aria-labelledby="h-cmp" {
            h2 #h-cmp { (t(lang, "比較", "Comparison")) }
            @match &v.snapshot {
                None => {
                    p { (t(lang, "まだ確認していません。", "Not checked yet.")) }
                }
                Some(s) => {
                    p.meta {
                        (t(lang, "確認 ", "Snapshot ")) (s.seq) " · " (t(lang, "評価日 ", "evaluated on ")) (s.evaluated_on)
                        " · " (t(lang, "管理基準 ", "criteria ")) (s.criteria_version) " · SHA-256 " code { (s.registry_sha256) }
                        @if let Some(r) = s.registry_revision { " · " (t(lang, "リスト版 ", "list revision ")) (r) }
                    }
                    div.table-wrap { table {
                        (head(lang, &[("登録番号", "Registration"), ("判定", "Verdict"), ("対応後", "After resolutions")]))
                        tbody { @for c in &v.candidates { tr {
                            td { a href={ "/registry/" (c.registration_no) } { (c.registration_no) } }
                            td { (status_badge(c.verdict, lang)) }
                            td { (c.verdict_text) }
                        } } }
                    } }
                }
            }
            @if v.decision.is_none() {
                form method="post" action={ "/cases/" (v.id) "/check" } { (csrf_field()) button type="submit" { (t(lang, "確認を実行して記録する", "Run the check and keep it")) } }
            }
        }
        section #resolutions aria-labelledby="h-res" {
            h2 #h-res { (t(lang, "対応記録", "Resolutions")) }
            @if open.is_empty() { p { (t(lang, "要確認・不適合の項目はありません。", "No review or fail entries.")) } } @else {
                div.table-wrap { table {
                    (head(lang, &[("項目", "Entry"), ("登録番号", "Registration"), ("判定", "Status"), ("対象と理由", "Subject and reason"), ("対応", "Resolution")]))
                    tbody { @for e in &open { tr {
                        td.num { (e.entry.entry) }
                        td { (e.entry.registration_no) }
                        td { (status_badge(e.entry.status, lang)) br; code { (e.entry.code) } }
                        td { @if let Some(s) = &e.entry.subject { strong { (s) } br; } (e.entry.reason) }
                        td {
                            @match &e.resolution {
                                None => {
                                    @if v.decision.is_none() { (resolution_form(lang, v.id, (seq, e.entry.entry), e.entry.is_listing_failure())) } @else { (t(lang, "未対応", "open")) }
                                }
                                Some(r) => {
                                    strong { (if e.settled { t(lang, "対応済み", "settled") } else { t(lang, "承認待ち", "awaiting approval") }) }
                                    " — " (r.kind.label(lang)) ": " (r.text)
                                    @if let Some(d) = &r.document { br; (t(lang, "文書 ", "Document ")) (d.number) @if let Some(day) = d.date { " (" (day) ")" } }
                                    @if let Some(b) = &r.legal_basis { br; (t(lang, "根拠: ", "Basis: ")) (b) }
                                    br; (t(lang, "起案: ", "By: ")) (r.by)
                                    @if let Some(a) = &r.approved_by { " · " (t(lang, "承認: ", "Approved by: ")) (a) }
                                    @if !e.settled && approver && v.decision.is_none() && r.by != viewer.actor.name {
                                        form method="post" action={ "/cases/" (v.id) "/resolutions/" (e.entry.entry) "/approval" } { (csrf_field()) input type="hidden" name="snapshot" value=(seq); button type="submit" { (t(lang, "承認する", "Approve")) } }
                                    }
                                }
                            }
                        }
                    } } }
                } }
            }
        }
        section #decision aria-labelledby="h-dec" {
            h2 #h-dec { (t(lang, "判断", "Decision")) }
            @match &v.decision {
                Some(d) => {
                    dl.fields {
                        dt { (t(lang, "選定したサービス", "Service chosen")) } dd { (d.service) }
                        dt { (t(lang, "選定理由", "Reason for the choice")) } dd { (d.reason) }
                        dt { (t(lang, "判断日", "Decided on")) } dd { (d.decided_on) }
                        dt { (t(lang, "起案者", "Proposed by")) } dd { (d.decided_by) }
                        dt { (t(lang, "承認者", "Approved by")) } dd { (d.approved_by.as_deref().unwrap_or(t(lang, "（承認待ち）", "(awaiting approval)"))) }
                    }
                    @if approver && d.approved_by.is_none() && d.decided_by != viewer.actor.name {
                        form method="post" action={ "/cases/" (v.id) "/decision/approval" } { (csrf_field()) input type="hidden" name="service" value=(d.service); button type="submit" { (t(lang, "判断を承認する", "Approve the decision")) } }
                    }
                    @if approver {
                        form.stack method="post" action={ "/cases/" (v.id) "/reopen" } {
                            (csrf_field())
                            label for="reason" { (t(lang, "判断を再開する理由", "Why the decision is reopened")) }
                            input type="text" id="reason" name="reason" required maxlength="4000";
                            div.actions { button.secondary type="submit" { (t(lang, "判断を再開する", "Reopen")) } }
                        }
                    }
                }
                None => {
                    @if v.candidates.is_empty() { p { (t(lang, "確認を実行すると、候補から選定できます。", "Run the check to choose among the candidates.")) } } @else {
                        form.stack method="post" action={ "/cases/" (v.id) "/decision" } {
                            (csrf_field())
                            label for="service" { (t(lang, "選定するサービス（要確認・不適合がすべて承認済みの対応で解消されていること）", "Service to choose (every review or fail point settled by an approved resolution)")) }
                            select id="service" name="service" { @for c in &v.candidates { option value=(c.registration_no) { (c.registration_no) " — " (c.verdict_text) } } }
                            label for="reason" { (t(lang, "選定理由", "Reason for the choice")) }
                            textarea id="reason" name="reason" rows="4" required maxlength="4000" {}
                            div.actions { button type="submit" { (t(lang, "判断（案）を記録する", "Propose the decision")) } }
                        }
                    }
                }
            }
        }
        section #history aria-labelledby="h-his" {
            h2 #h-his { (t(lang, "履歴", "History")) }
            div.table-wrap { table {
                (head(lang, &[("日時", "When"), ("操作者", "Who"), ("操作", "Action"), ("監査証跡", "Trail")]))
                tbody { @for e in history { tr {
                    td { (super::japan_time(&e.at)) } td { (e.actor) } td { (action_label(&e.action, lang)) } td { code { (e.seq) ":" (&e.hash[..e.hash.len().min(12)]) } }
                } } }
            } }
        }
    }
}

fn action_label(action: &str, lang: Lang) -> &str {
    match action {
        "case.create" => t(lang, "作成", "created"),
        "case.profile" => t(lang, "要件の変更", "profile changed"),
        "case.check" => t(lang, "確認の実行", "checked"),
        "case.resolve" => t(lang, "対応の記録", "resolution recorded"),
        "case.approve" => t(lang, "対応の承認", "resolution approved"),
        "case.decide" => t(lang, "判断（案）の記録", "decision proposed"),
        "case.approve_decision" => t(lang, "判断の承認", "decision approved"),
        "case.reopen" => t(lang, "判断の再開", "decision reopened"),
        other => other,
    }
}

pub async fn detail(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<i32>,
) -> Result<Markup, PageError> {
    let lang = lang(&headers);
    let store = store(&state).map_err(|e| PageError::from((lang, e)))?;
    let c = store
        .case(&viewer.actor, id)
        .await
        .map_err(|e| page_error(lang, e))?;
    let history = store
        .audit_events(Some(&format!("case:{id}")), 200)
        .await
        .map_err(|e| page_error(lang, e))?;
    let v = c.view(lang);
    Ok(layout(
        lang,
        &v.name.clone(),
        Nav::Cases,
        &format!("/cases/{id}"),
        render(&v, &viewer, &history, lang),
    ))
}

/// After an act: back to the case's section.
fn back(id: i32, section: &str) -> Response {
    Redirect::to(&format!("/cases/{id}#{section}")).into_response()
}

pub async fn check(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<i32>,
) -> Result<Response, PageError> {
    let lang = lang(&headers);
    let store = store(&state).map_err(|e| PageError::from((lang, e)))?;
    let c = store
        .case(&viewer.actor, id)
        .await
        .map_err(|e| page_error(lang, e))?;
    let (profile, version) = (c.profile.clone(), c.profile_version);
    let worker = Arc::clone(&state);
    let snapshot = state
        .render()
        .run(move || worker.snapshot().check_case(&profile, version))
        .await
        .map_err(|e| PageError::from((lang, ApiError::from(e))))?
        .map_err(|e| PageError::from((lang, e)))?;
    store
        .record_snapshot(&viewer.actor, id, snapshot)
        .await
        .map_err(|e| page_error(lang, e))?;
    Ok(back(id, "comparison"))
}

#[derive(Deserialize)]
pub struct ResolutionForm {
    snapshot: i32,
    entry: u32,
    kind: String,
    text: String,
    #[serde(default)]
    document_number: String,
    #[serde(default)]
    document_date: String,
    #[serde(default)]
    legal_basis: String,
}

/// A form's act on a case: done through the store (which applies the core's rules), then back
/// to the case's section; a refusal is the page's 403 or 409 with the reason.
enum Act {
    Profile(String),
    Resolve((i32, u32), Proposal),
    Approve((i32, u32)),
    Decide(String, String),
    ApproveDecision(String),
    Reopen(String),
}

async fn perform(
    state: &AppState,
    viewer: &Viewer,
    lang: Lang,
    id: i32,
    act: Act,
) -> Result<Response, PageError> {
    let store = store(state).map_err(|e| PageError::from((lang, e)))?;
    let actor = &viewer.actor;
    let (done, section) = match act {
        Act::Profile(p) => (
            store.set_case_profile(actor, id, &p).await.map(drop),
            "requirements",
        ),
        Act::Resolve(at, p) => (
            store.resolve(actor, id, at, p).await.map(drop),
            "resolutions",
        ),
        Act::Approve(at) => (
            store.approve_resolution(actor, id, at).await.map(drop),
            "resolutions",
        ),
        Act::Decide(service, reason) => {
            let today = japan_date(chrono::Utc::now());
            (
                store
                    .decide(actor, id, &service, today, &reason)
                    .await
                    .map(drop),
                "decision",
            )
        }
        Act::ApproveDecision(service) => (
            store.approve_decision(actor, id, &service).await.map(drop),
            "decision",
        ),
        Act::Reopen(reason) => (store.reopen(actor, id, &reason).await.map(drop), "decision"),
    };
    done.map_err(|e| page_error(lang, e))?;
    Ok(back(id, section))
}

pub async fn resolve(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<i32>,
    Form(f): Form<ResolutionForm>,
) -> Result<Response, PageError> {
    let lang = lang(&headers);
    let bad = |m: String| PageError::new(StatusCode::BAD_REQUEST, lang, m);
    let kind: ResolutionKind = f.kind.parse().map_err(bad)?;
    let date = match f.document_date.trim() {
        "" => None,
        d => Some(parse_date(d).ok_or_else(|| bad(format!("document_date: {d:?}")))?),
    };
    let document = (!f.document_number.trim().is_empty()).then(|| DocumentRef {
        number: f.document_number.trim().to_owned(),
        date,
    });
    let proposal = Proposal {
        kind,
        text: f.text,
        document,
        legal_basis: Some(f.legal_basis).filter(|b| !b.trim().is_empty()),
    };
    perform(
        &state,
        &viewer,
        lang,
        id,
        Act::Resolve((f.snapshot, f.entry), proposal),
    )
    .await
}

/// What the page showed when its approve button was pressed.
#[derive(Deserialize)]
pub struct ApprovalForm {
    #[serde(default)]
    snapshot: i32,
    #[serde(default)]
    service: String,
}

pub async fn approve(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Extension(viewer): Extension<Viewer>,
    Path((id, entry)): Path<(i32, u32)>,
    Form(f): Form<ApprovalForm>,
) -> Result<Response, PageError> {
    let act = Act::Approve((f.snapshot, entry));
    perform(&state, &viewer, lang(&headers), id, act).await
}

#[derive(Deserialize)]
pub struct ProfileForm {
    profile: String,
}

pub async fn set_profile(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<i32>,
    Form(f): Form<ProfileForm>,
) -> Result<Response, PageError> {
    let lang = lang(&headers);
    parse_profile("profile", &f.profile, &state.snapshot().catalog)
        .map_err(|e| PageError::new(StatusCode::UNPROCESSABLE_ENTITY, lang, e.to_string()))?;
    perform(&state, &viewer, lang, id, Act::Profile(f.profile)).await
}

#[derive(Deserialize)]
pub struct DecisionForm {
    service: String,
    reason: String,
}

pub async fn decide(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<i32>,
    Form(f): Form<DecisionForm>,
) -> Result<Response, PageError> {
    perform(
        &state,
        &viewer,
        lang(&headers),
        id,
        Act::Decide(f.service, f.reason),
    )
    .await
}

pub async fn approve_decision(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<i32>,
    Form(f): Form<ApprovalForm>,
) -> Result<Response, PageError> {
    let act = Act::ApproveDecision(f.service);
    perform(&state, &viewer, lang(&headers), id, act).await
}

#[derive(Deserialize)]
pub struct ReopenForm {
    reason: String,
}

pub async fn reopen(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<i32>,
    Form(f): Form<ReopenForm>,
) -> Result<Response, PageError> {
    perform(&state, &viewer, lang(&headers), id, Act::Reopen(f.reason)).await
}

/// The record as an A4 PDF with the approval box, rendered on the pool.
pub async fn record_pdf(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<i32>,
) -> Result<Response, PageError> {
    let lang = lang(&headers);
    let store = store(&state).map_err(|e| PageError::from((lang, e)))?;
    let record = store
        .case_export(&viewer.actor, id, lang)
        .await
        .map_err(|e| page_error(lang, e))?;
    let case = serde_json::to_value(&record.case)
        .map_err(|e| PageError::from((lang, ApiError::internal(e))))?;
    let head = record.audit_head.unwrap_or_else(|| "-".into());
    let bytes = state
        .render()
        .run(move || ismap_report_pdf::case_record(&case, &head, lang))
        .await
        .map_err(|e| PageError::from((lang, ApiError::from(e))))?
        .map_err(|e| PageError::from((lang, ApiError::internal(e))))?;
    Ok(super::attachment(
        "application/pdf",
        &format!("ismap-case-{id}.pdf"),
        bytes,
    ))
}
