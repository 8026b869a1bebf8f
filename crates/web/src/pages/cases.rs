//! `/cases`: the agency's procurement cases, and one case's page in sections (要件, 比較,
//! 対応記録, 責任分界, 判断, 条項案, 履歴) linked from a tab bar, with forms that work without
//! JavaScript. The rules and their refusals are the core's, as through the API and the CLI.

use super::requirements;
use super::{Nav, PageError, csrf_field, head, layout, status_badge, t};
use crate::ApiError;
use crate::auth::Viewer;
use crate::lang::UiLang;
use crate::state::AppState;
use axum::extract::{Form, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ismap_core::access::Permission;
use ismap_core::case::clauses::{Clause, draft};
use ismap_core::case::evidence::{EvidenceRow, PERFORMERS, columns};
use ismap_core::case::{DocumentRef, Proposal, RESOLUTION_KINDS, ResolutionKind};
use ismap_core::check::Status;
use ismap_core::lang::Lang;
use ismap_core::validity::japan_date;
use ismap_formats::date::parse_date;
use ismap_formats::profile_toml::parse_profile;
use ismap_store::{CaseView, DutyView, StoreError};
use maud::{Markup, html};
use serde::Deserialize;
use std::sync::Arc;

fn page_error(lang: Lang, e: StoreError) -> PageError {
    PageError::from((lang, ApiError::from(e)))
}

/// The requirements a form gives: a profile typed as TOML, or the editor's fields.
fn profile_of(form: &requirements::Pairs, catalog: &ismap_core::criteria::Catalog) -> String {
    match requirements::value(form, "profile") {
        "" => requirements::to_toml(form, catalog),
        toml => toml.to_owned(),
    }
}

pub async fn list(
    State(state): State<Arc<AppState>>,
    UiLang(lang): UiLang,
    viewer: Viewer,
) -> Result<Markup, PageError> {
    let store = state.db().map_err(|e| PageError::from((lang, e)))?;
    let cases = store
        .cases(&viewer.actor)
        .await
        .map_err(|e| page_error(lang, e))?;
    let title = t(lang, "調達案件", "Procurement cases");
    let today = japan_date(chrono::Utc::now());
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
                    (head(lang, &[("番号", "No."), ("調達件名", "Title"), ("状態", "State"), ("未対応", "Open points"), ("注意", "Attention"), ("作成者", "Created by")]))
                    tbody { @for c in &cases {
                        @let v = c.view(lang, today);
                        tr {
                            td { (v.id) }
                            td { a href={ "/cases/" (v.id) } { (v.name) } }
                            td { (v.state) }
                            td.num { (v.entries.iter().filter(|e| e.entry.status != Status::Pass && !e.settled).count()) }
                            td {
                                @if v.premise_changed { strong { (t(lang, "判断の前提が変わりました", "Premises changed")) } br; }
                                @let overdue = v.duties.iter().filter(|d| d.overdue).count();
                                @if overdue > 0 { (t(lang, "責任分界の確認期限超過 ", "Duties overdue: ")) (overdue) }
                            }
                            td { (v.created_by) }
                        }
                    } }
                } }
            }
            h2 { (t(lang, "調達案件を作成する", "Open a case")) }
            form.stack method="post" action="/cases" {
                (csrf_field())
                (requirements::fieldsets(lang, &state.snapshot(), &Vec::new()))
                details {
                    summary { (t(lang, "要件プロファイル（TOML）で指定する", "Give the requirements as a profile (TOML) instead")) }
                    label for="c-profile" { (t(lang, "要件プロファイル（TOML。入力すると上の項目より優先されます）", "Requirement profile (TOML; when given, it is used instead of the fields above)")) }
                    textarea id="c-profile" name="profile" rows="10" {}
                }
                div.actions { button type="submit" { (t(lang, "作成する", "Create")) } }
            }
        },
    ))
}

pub async fn create(
    State(state): State<Arc<AppState>>,
    UiLang(lang): UiLang,
    viewer: Viewer,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let form = requirements::pairs(&body);
    let catalog = &state.snapshot().catalog;
    let toml = profile_of(&form, catalog);
    let profile = parse_profile("profile", &toml, catalog)
        .map_err(|e| PageError::new(StatusCode::UNPROCESSABLE_ENTITY, lang, e.to_string()))?;
    let store = state.db().map_err(|e| PageError::from((lang, e)))?;
    let c = store
        .create_case(&viewer.actor, &profile.name, &toml)
        .await
        .map_err(|e| page_error(lang, e))?;
    Ok(Redirect::to(&format!("/cases/{}", c.id)).into_response())
}

fn tabs(lang: Lang) -> Markup {
    html! {
        nav.tabs aria-label=(t(lang, "調達案件の項目", "Case sections")) { ul {
            @for (id, ja, en) in [("requirements", "要件", "Requirements"), ("comparison", "比較", "Comparison"), ("resolutions", "対応記録", "Resolutions"), ("duties", "責任分界", "Customer duties"), ("decision", "判断", "Decision"), ("clauses", "条項案", "Clause drafts"), ("history", "履歴", "History")] {
                li { a href={ "#" (id) } { (t(lang, ja, en)) } }
            }
        } }
    }
}

fn resolution_form(lang: Lang, id: i32, (snapshot, entry): (i32, u32), listing: bool) -> Markup {
    html! {
        details { summary { (t(lang, "対応を記録する", "Record a resolution")) }
            form.stack method="post" action={ "/cases/" (id) "/resolutions" } enctype="multipart/form-data" {
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
                label for={ "f" (entry) } { (t(lang, "文書ファイル（任意。10 MiB まで。SHA-256 とともに案件に保存されます）", "Document file (optional, up to 10 MiB; kept with the case under its SHA-256)")) }
                input type="file" id={ "f" (entry) } name="file";
                div.actions { button type="submit" { (t(lang, "記録する（承認待ちになります）", "Record (it then awaits approval)")) } }
            }
        }
    }
}

/// What the case page shows besides the case: its trail, its clause drafts, and the list
/// and the profile as editor fields (none when only TOML can say it).
struct Extras<'a> {
    history: &'a [ismap_store::AuditEvent],
    clauses: &'a [Clause],
    snapshot: &'a crate::state::Snapshot,
    editor: Option<&'a requirements::Pairs>,
}

fn render(v: &CaseView, viewer: &Viewer, extras: Extras, lang: Lang) -> Markup {
    let Extras {
        history,
        clauses,
        snapshot,
        editor,
    } = extras;
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
        p.lead { (v.state) " · " a href={ "/cases/" (v.id) "/record.pdf" } { (t(lang, "判断記録（PDF、決裁欄付き）", "Decision record (PDF, with the approval box)")) }
            " · " a href={ "/api/v1/cases/" (v.id) "/record.xlsx" } { "XLSX" }
            " · " a href={ "/api/v1/cases/" (v.id) "/record.oscal.json" } { "OSCAL" } }
        @if v.premise_changed {
            div.warning role="alert" {
                strong { (t(lang, "判断の前提が変わりました。", "The premises of the decision changed.")) }
                " " (t(lang, "判断後の再確認（ISMAPクラウドサービスリストの変更又は日付の経過による判定の変化）で前提の変化を検知し、新しい確認結果を記録しました。比較と対応記録を確認し、判断を再開してください。判断を維持する場合も、再開して理由を記録し、改めて承認を受けてください。", "A re-check after the decision (a list change or the date passing) found a changed premise and recorded a new snapshot. Review the comparison and the resolutions, then reopen the decision; to keep it, reopen it, record the reason and have it approved again."))
            }
        }
        (tabs(lang))
        section #requirements aria-labelledby="h-req" {
            h2 #h-req { (t(lang, "要件", "Requirements")) }
            p { (t(lang, "プロファイルの版: ", "Profile version: ")) (v.profile_version) }
            @if v.decision.is_none() {
                p.hint { (t(lang, "変更すると新しい版として記録され、以前の版も残ります。確認の評価日は常に実行した日（日本時間）です。", "A change is kept as a new version; earlier ones stay. A case is always checked on the day it runs (Japan time).")) }
                @if let Some(fields) = editor {
                    form.stack method="post" action={ "/cases/" (v.id) "/profile" } {
                        (csrf_field())
                        (requirements::fieldsets(lang, snapshot, fields))
                        div.actions { button.secondary type="submit" { (t(lang, "要件を変更する", "Change the requirements")) } }
                    }
                }
                details open[editor.is_none()] {
                    summary { (t(lang, "要件プロファイル（TOML）で変更する", "Change the profile as TOML")) }
                    form.stack method="post" action={ "/cases/" (v.id) "/profile" } {
                        (csrf_field())
                        label for="profile" { (t(lang, "要件プロファイル（TOML）", "Requirement profile (TOML)")) }
                        textarea id="profile" name="profile" rows="12" required { (v.profile) }
                        div.actions { button.secondary type="submit" { (t(lang, "要件を変更する", "Change the requirements")) } }
                    }
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
                                    @if let Some(sha) = &r.attachment { br; a href={ "/cases/" (v.id) "/attachments/" (sha) } { (t(lang, "文書ファイル", "Document file")) } " SHA-256 " code { (sha) } }
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
        (duties_section(v, lang))
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
        section #clauses aria-labelledby="h-cla" {
            h2 #h-cla { (t(lang, "条項案", "Clause drafts")) }
            @if clauses.is_empty() {
                p { (t(lang, "判断（案）で選定したサービスについて、仕様書・契約書の条項案を作成します。", "Clause drafts for the specification and contract are made for the chosen service.")) }
            } @else {
                p.meta { (t(lang, "ひな形から作成した案です。法務確認を経て使用してください。ひな形は組織で編集できます（data/clauses、ismap serve --clauses）。", "Drafts from templates, for legal review before use. The templates are the agency's to edit (data/clauses, ismap serve --clauses).")) }
                @for c in clauses {
                    h3 { (c.title) }
                    pre.clause { (c.text) }
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
        "case.evidence" => t(lang, "責任分界の記録", "customer duty recorded"),
        "case.attach" => t(lang, "ファイルの添付", "file attached"),
        "case.watch" => t(
            lang,
            "一覧の変更による再確認",
            "re-checked after a list change",
        ),
        other => other,
    }
}

pub async fn detail(
    State(state): State<Arc<AppState>>,
    UiLang(lang): UiLang,
    viewer: Viewer,
    Path(id): Path<i32>,
) -> Result<Markup, PageError> {
    let store = state.db().map_err(|e| PageError::from((lang, e)))?;
    let c = store
        .case(&viewer.actor, id)
        .await
        .map_err(|e| page_error(lang, e))?;
    let history = store
        .audit_events(Some(&format!("case:{id}")), 200)
        .await
        .map_err(|e| page_error(lang, e))?;
    let v = c.view(lang, japan_date(chrono::Utc::now()));
    let clauses = draft(&state.deployment().clauses, &c, lang);
    let snapshot = state.snapshot();
    let editor = parse_profile("profile", &c.profile, &snapshot.catalog)
        .ok()
        .and_then(|p| requirements::from_profile(&p, &snapshot));
    let extras = Extras {
        history: &history,
        clauses: &clauses,
        snapshot: &snapshot,
        editor: editor.as_ref(),
    };
    Ok(layout(
        lang,
        &v.name.clone(),
        Nav::Cases,
        &format!("/cases/{id}"),
        render(&v, &viewer, extras, lang),
    ))
}

/// After an act: back to the case's section.
fn back(id: i32, section: &str) -> Response {
    Redirect::to(&format!("/cases/{id}#{section}")).into_response()
}

pub async fn check(
    State(state): State<Arc<AppState>>,
    UiLang(lang): UiLang,
    viewer: Viewer,
    Path(id): Path<i32>,
) -> Result<Response, PageError> {
    let store = state.db().map_err(|e| PageError::from((lang, e)))?;
    let c = store
        .case(&viewer.actor, id)
        .await
        .map_err(|e| page_error(lang, e))?;
    let (profile, version) = (c.profile.clone(), c.profile_version);
    let worker = Arc::clone(&state);
    let snapshot = state
        .render()
        .run(move || {
            worker
                .snapshot()
                .check_case(&profile, version, worker.rule())
        })
        .await
        .map_err(|e| PageError::from((lang, ApiError::from(e))))?
        .map_err(|e| PageError::from((lang, e)))?;
    store
        .record_snapshot(&viewer.actor, id, snapshot)
        .await
        .map_err(|e| page_error(lang, e))?;
    Ok(back(id, "comparison"))
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
    Evidence(Box<EvidenceRow>),
}

async fn perform(
    state: &AppState,
    viewer: &Viewer,
    lang: Lang,
    id: i32,
    act: Act,
) -> Result<Response, PageError> {
    let store = state.db().map_err(|e| PageError::from((lang, e)))?;
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
        Act::Evidence(row) => {
            let today = japan_date(chrono::Utc::now());
            (
                store.set_evidence(actor, id, *row, today).await.map(drop),
                "duties",
            )
        }
    };
    done.map_err(|e| page_error(lang, e))?;
    Ok(back(id, section))
}

/// The resolution form (multipart, for its optional file): its fields, and the file.
#[derive(Default)]
struct ResolutionForm {
    fields: std::collections::HashMap<String, String>,
    file: Option<(String, Vec<u8>)>,
}

impl ResolutionForm {
    async fn read(mut multipart: Multipart) -> Result<ResolutionForm, String> {
        let mut form = ResolutionForm::default();
        while let Some(field) = multipart.next_field().await.map_err(|e| e.body_text())? {
            let name = field.name().unwrap_or("").to_owned();
            let file_name = field.file_name().map(str::to_owned);
            let bytes = field.bytes().await.map_err(|e| e.body_text())?;
            match file_name {
                Some(f) if name == "file" && !bytes.is_empty() => {
                    form.file = Some((f, bytes.to_vec()))
                }
                Some(_) => {}
                None => {
                    form.fields
                        .insert(name, String::from_utf8_lossy(&bytes).into_owned());
                }
            }
        }
        Ok(form)
    }

    fn get(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", |v| v.trim())
    }
}

pub async fn resolve(
    State(state): State<Arc<AppState>>,
    UiLang(lang): UiLang,
    viewer: Viewer,
    Path(id): Path<i32>,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let bad = |m: String| PageError::new(StatusCode::BAD_REQUEST, lang, m);
    let f = ResolutionForm::read(multipart).await.map_err(bad)?;
    let snapshot: i32 = f
        .get("snapshot")
        .parse()
        .map_err(|_| bad(format!("snapshot: {:?}", f.get("snapshot"))))?;
    let entry: u32 = f
        .get("entry")
        .parse()
        .map_err(|_| bad(format!("entry: {:?}", f.get("entry"))))?;
    let kind: ResolutionKind = f.get("kind").parse().map_err(bad)?;
    let date = match f.get("document_date") {
        "" => None,
        d => Some(parse_date(d).ok_or_else(|| bad(format!("document_date: {d:?}")))?),
    };
    let document = (!f.get("document_number").is_empty()).then(|| DocumentRef {
        number: f.get("document_number").to_owned(),
        date,
    });
    let mut proposal = Proposal {
        kind,
        text: f.get("text").to_owned(),
        document,
        legal_basis: Some(f.get("legal_basis").to_owned()).filter(|b| !b.is_empty()),
        attachment: None,
    };
    if let Some((name, bytes)) = &f.file {
        // The resolution's rules first: a refused one keeps no file.
        let store = state.db().map_err(|e| PageError::from((lang, e)))?;
        let c = store
            .case(&viewer.actor, id)
            .await
            .map_err(|e| page_error(lang, e))?;
        let refusal = if snapshot == c.snapshots {
            ismap_core::case::may_resolve(
                &viewer.actor,
                c.state(),
                c.entries(),
                &c.resolution_states(),
                entry,
                &proposal,
            )
            .err()
        } else {
            Some(ismap_core::case::CaseRefusal::StaleSnapshot {
                latest: c.snapshots,
            })
        };
        if let Some(r) = refusal {
            return Err(page_error(lang, r.into()));
        }
        let kept = store
            .add_attachment(&viewer.actor, id, name, bytes)
            .await
            .map_err(|e| page_error(lang, e))?;
        proposal.attachment = Some(kept.sha256);
    }
    perform(
        &state,
        &viewer,
        lang,
        id,
        Act::Resolve((snapshot, entry), proposal),
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
    UiLang(lang): UiLang,
    viewer: Viewer,
    Path((id, entry)): Path<(i32, u32)>,
    Form(f): Form<ApprovalForm>,
) -> Result<Response, PageError> {
    let act = Act::Approve((f.snapshot, entry));
    perform(&state, &viewer, lang, id, act).await
}

pub async fn set_profile(
    State(state): State<Arc<AppState>>,
    UiLang(lang): UiLang,
    viewer: Viewer,
    Path(id): Path<i32>,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let catalog = &state.snapshot().catalog;
    let toml = profile_of(&requirements::pairs(&body), catalog);
    parse_profile("profile", &toml, catalog)
        .map_err(|e| PageError::new(StatusCode::UNPROCESSABLE_ENTITY, lang, e.to_string()))?;
    perform(&state, &viewer, lang, id, Act::Profile(toml)).await
}

#[derive(Deserialize)]
pub struct DecisionForm {
    service: String,
    reason: String,
}

pub async fn decide(
    State(state): State<Arc<AppState>>,
    UiLang(lang): UiLang,
    viewer: Viewer,
    Path(id): Path<i32>,
    Form(f): Form<DecisionForm>,
) -> Result<Response, PageError> {
    perform(&state, &viewer, lang, id, Act::Decide(f.service, f.reason)).await
}

pub async fn approve_decision(
    State(state): State<Arc<AppState>>,
    UiLang(lang): UiLang,
    viewer: Viewer,
    Path(id): Path<i32>,
    Form(f): Form<ApprovalForm>,
) -> Result<Response, PageError> {
    let act = Act::ApproveDecision(f.service);
    perform(&state, &viewer, lang, id, act).await
}

#[derive(Deserialize)]
pub struct ReopenForm {
    reason: String,
}

pub async fn reopen(
    State(state): State<Arc<AppState>>,
    UiLang(lang): UiLang,
    viewer: Viewer,
    Path(id): Path<i32>,
    Form(f): Form<ReopenForm>,
) -> Result<Response, PageError> {
    perform(&state, &viewer, lang, id, Act::Reopen(f.reason)).await
}

/// The record as an A4 PDF with the approval box, rendered on the pool.
pub async fn record_pdf(
    State(state): State<Arc<AppState>>,
    UiLang(lang): UiLang,
    viewer: Viewer,
    Path(id): Path<i32>,
) -> Result<Response, PageError> {
    let store = state.db().map_err(|e| PageError::from((lang, e)))?;
    let record = store
        .case_export(&viewer.actor, id, (lang, japan_date(chrono::Utc::now())))
        .await
        .map_err(|e| page_error(lang, e))?;
    let case = serde_json::to_value(&record.case)
        .map_err(|e| PageError::from((lang, ApiError::internal(e))))?;
    let head = record.audit_head.unwrap_or_else(|| "-".into());
    let bytes = state
        .render()
        .run(move || ismap_report::pdf::case_record(&case, &head, lang))
        .await
        .map_err(|e| PageError::from((lang, ApiError::from(e))))?
        .map_err(|e| PageError::from((lang, ApiError::internal(e))))?;
    Ok(super::attachment(
        "application/pdf",
        &format!("ismap-case-{id}.pdf"),
        bytes,
    ))
}

/// The evidence register (責任分界の利用者側): the chosen service's duties, each with the
/// agency's row and a form to fill or update it (also after the decision).
fn duties_section(v: &CaseView, lang: Lang) -> Markup {
    let columns = columns(lang);
    html! {
        section #duties aria-labelledby="h-dut" {
            h2 #h-dut { (t(lang, "責任分界（利用者側）", "Customer duties (shared responsibility)")) }
            @match &v.chosen {
                None => p { (t(lang, "判断（案）でサービスを選定すると、利用者側の責任ごとに、実施内容・実施者・証跡・次回期限を記録できます。次回期限を過ぎると案件のメンバーに通知されます。", "Once a service is chosen, record for each customer duty what is done, by whom, its evidence and the next due date. Members are alerted when a row is overdue.")) },
                Some(chosen) => {
                    p.meta { (chosen.title()) }
                    div.table-wrap { table {
                        thead { tr { @for c in columns { th scope="col" { (c) } } } }
                        tbody { @for d in &v.duties { tr {
                            th scope="row" { (d.title) @if d.retired { br; small { (t(lang, "（現在の確認結果にない責任）", "(no longer listed)")) } } }
                            @match &d.row {
                                None => td colspan="9" { (t(lang, "未記入", "not filled")) " — " small { (d.text) } },
                                Some(r) => {
                                    td { (r.activity) } td { (r.performer.label(lang)) } td { (r.frequency) } td { (r.evidence) }
                                    td { (r.location) } td { (r.retention) }
                                    td { (r.last_checked.map(|d| d.to_string()).unwrap_or_default()) }
                                    td { (r.checked_by.as_deref().unwrap_or("")) }
                                    td { @if d.overdue { strong.overdue { (r.next_due.map(|d| d.to_string()).unwrap_or_default()) " " (t(lang, "期限超過", "overdue")) } } @else { (r.next_due.map(|d| d.to_string()).unwrap_or_default()) } }
                                }
                            }
                        } } }
                    } }
                    @for d in v.duties.iter().filter(|d| !d.retired) {
                        (evidence_form(v.id, d, lang))
                    }
                }
            }
        }
    }
}

fn evidence_form(id: i32, d: &DutyView, lang: Lang) -> Markup {
    let r = d.row.as_ref();
    let text = |f: fn(&EvidenceRow) -> &str| r.map_or("", f).to_owned();
    let date = |f: fn(&EvidenceRow) -> Option<chrono::NaiveDate>| {
        r.and_then(f).map(|d| d.to_string()).unwrap_or_default()
    };
    let field = |name: &str| format!("{}-{name}", d.duty);
    let columns = columns(lang);
    html! {
        details { summary { (d.title) " — " (t(lang, "記録する", "record")) }
            form.stack method="post" action={ "/cases/" (id) "/evidence" } {
                (csrf_field())
                input type="hidden" name="duty" value=(d.duty);
                label for=(field("activity")) { (columns[1]) }
                textarea id=(field("activity")) name="activity" rows="2" required maxlength="500" { (text(|r| &r.activity)) }
                label for=(field("performer")) { (columns[2]) }
                select id=(field("performer")) name="performer" {
                    @for p in PERFORMERS { option value=(p.code()) selected[r.is_some_and(|r| r.performer == p)] { (p.label(lang)) } }
                }
                div.row {
                    div { label for=(field("frequency")) { (columns[3]) } input type="text" id=(field("frequency")) name="frequency" maxlength="500" value=(text(|r| &r.frequency)); }
                    div { label for=(field("evidence")) { (columns[4]) } input type="text" id=(field("evidence")) name="evidence" required maxlength="500" value=(text(|r| &r.evidence)); }
                }
                div.row {
                    div { label for=(field("location")) { (columns[5]) } input type="text" id=(field("location")) name="location" maxlength="500" value=(text(|r| &r.location)); }
                    div { label for=(field("retention")) { (columns[6]) } input type="text" id=(field("retention")) name="retention" maxlength="500" value=(text(|r| &r.retention)); }
                }
                div.row {
                    div { label for=(field("last")) { (columns[7]) } input type="date" id=(field("last")) name="last_checked" value=(date(|r| r.last_checked)); }
                    div { label for=(field("by")) { (columns[8]) } input type="text" id=(field("by")) name="checked_by" maxlength="500" value=(r.and_then(|r| r.checked_by.clone()).unwrap_or_default()); }
                    div { label for=(field("next")) { (columns[9]) } input type="date" id=(field("next")) name="next_due" value=(date(|r| r.next_due)); }
                }
                div.actions { button type="submit" { (t(lang, "記録する", "Save")) } }
            }
        }
    }
}

#[derive(Deserialize)]
pub struct EvidenceForm {
    duty: String,
    activity: String,
    performer: String,
    #[serde(default)]
    frequency: String,
    #[serde(default)]
    evidence: String,
    #[serde(default)]
    location: String,
    #[serde(default)]
    retention: String,
    #[serde(default)]
    last_checked: String,
    #[serde(default)]
    checked_by: String,
    #[serde(default)]
    next_due: String,
}

pub async fn evidence(
    State(state): State<Arc<AppState>>,
    UiLang(lang): UiLang,
    viewer: Viewer,
    Path(id): Path<i32>,
    Form(f): Form<EvidenceForm>,
) -> Result<Response, PageError> {
    let bad = |m: String| PageError::new(StatusCode::BAD_REQUEST, lang, m);
    let date = |field: &str, d: &str| match d.trim() {
        "" => Ok(None),
        d => parse_date(d)
            .map(Some)
            .ok_or_else(|| bad(format!("{field}: {d:?}"))),
    };
    let row = EvidenceRow {
        duty: f.duty,
        activity: f.activity,
        performer: f.performer.parse().map_err(bad)?,
        frequency: f.frequency,
        evidence: f.evidence,
        location: f.location,
        retention: f.retention,
        last_checked: date("last_checked", &f.last_checked)?,
        checked_by: Some(f.checked_by).filter(|b| !b.trim().is_empty()),
        next_due: date("next_due", &f.next_due)?,
    };
    perform(&state, &viewer, lang, id, Act::Evidence(Box::new(row))).await
}

/// A file kept with the case, as a download of opaque bytes.
pub async fn attachment(
    State(state): State<Arc<AppState>>,
    UiLang(lang): UiLang,
    viewer: Viewer,
    Path((id, sha)): Path<(i32, String)>,
) -> Result<Response, PageError> {
    let store = state.db().map_err(|e| PageError::from((lang, e)))?;
    let (meta, bytes) = store
        .attachment(&viewer.actor, id, &sha)
        .await
        .map_err(|e| page_error(lang, e))?;
    Ok(crate::download::uploaded(&meta.name, bytes))
}
