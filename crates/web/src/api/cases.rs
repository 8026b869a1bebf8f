//! `/api/v1/cases`: procurement cases of the caller's organisation — the case, its check
//! snapshots, resolutions and their approval, the decision. The rules are the core's; a
//! refusal is 403 (who may not) or 409 (the case's state refuses), with the reason in both
//! languages.

use super::{Body, Id};
use crate::ApiError;
use crate::auth::Viewer;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use ismap_core::case::clauses::{Clause, draft};
use ismap_core::case::evidence::EvidenceRow;
use ismap_core::case::{DocumentRef, Proposal, ResolutionKind};
use ismap_core::lang::Lang;
use ismap_core::validity::japan_date;
use ismap_formats::profile_toml::parse_profile;
use ismap_store::{Attachment, CaseExport, CaseRecord, CaseView, ResolutionRecord};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ArrayBuilder, Object, Schema, Type};
use utoipa::{PartialSchema, ToSchema};

/// A new case: its name (調達件名) and requirement profile (TOML, as `ismap check` reads).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCase {
    pub name: String,
    pub profile: String,
}

/// A resolution of one entry of the latest snapshot.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewResolution {
    /// The snapshot the entry was read from: refused (409) unless it is still the latest.
    pub snapshot: i32,
    pub entry: u32,
    pub kind: ResolutionKind,
    pub text: String,
    pub document: Option<DocumentRef>,
    /// Required for `exception`.
    pub legal_basis: Option<String>,
    /// The SHA-256 of a file kept with the case (`POST …/attachments`) holding the document.
    pub attachment: Option<String>,
}

/// What an approval approves: the snapshot its entry was read from (a resolution), or the
/// service of the proposed decision — refused (409) when the case has changed since.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    pub snapshot: Option<i32>,
    pub service: Option<String>,
}

/// The proposed decision.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDecision {
    pub service: String,
    /// 選定理由: why this service was chosen.
    pub reason: String,
    /// Default: today in Japan.
    pub decided_on: Option<NaiveDate>,
}

/// A new version of the case's requirement profile (TOML).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProfile {
    pub profile: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reopening {
    pub reason: String,
}

fn today() -> NaiveDate {
    japan_date(chrono::Utc::now())
}

/// The case as answered: Japanese labels, the evidence register judged today in Japan.
fn view(c: &CaseRecord) -> CaseView {
    c.view(Lang::Ja, today())
}

/// The organisation's cases / 調達案件の一覧
#[utoipa::path(get, path = "/api/v1/cases", tag = "cases",
    responses((status = 200, description = "The organisation's cases, newest first", body = Vec<CaseView>),
        (status = 403, description = "Not a member of an agency", body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<Arc<AppState>>,
    viewer: Viewer,
) -> Result<Json<Vec<CaseView>>, ApiError> {
    let cases = state.db()?.cases(&viewer.actor).await?;
    Ok(Json(cases.iter().map(view).collect()))
}

/// Open a case / 調達案件を作成する
#[utoipa::path(post, path = "/api/v1/cases", tag = "cases", request_body = NewCase,
    responses((status = 201, description = "The case", body = CaseView),
        (status = 403, description = "Not a member of an agency", body = crate::error::ErrorBody),
        (status = 422, description = "Invalid name or profile", body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<Arc<AppState>>,
    viewer: Viewer,
    Body(new): Body<NewCase>,
) -> Result<Response, ApiError> {
    parse_profile("profile", &new.profile, &state.snapshot().catalog)?;
    let case = state
        .db()?
        .create_case(&viewer.actor, &new.name, &new.profile)
        .await?;
    Ok((StatusCode::CREATED, Json(view(&case))).into_response())
}

/// One case with its latest snapshot, resolutions and verdicts / 調達案件の詳細
#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases", params(("id" = i32, Path, description = "Case id")),
    responses((status = 200, description = "The case", body = CaseView),
        (status = 403, description = "Another organisation's case", body = crate::error::ErrorBody),
        (status = 404, description = "No such case", body = crate::error::ErrorBody)))]
pub async fn get_one(
    State(state): State<Arc<AppState>>,
    viewer: Viewer,
    Id(id): Id,
) -> Result<Json<CaseView>, ApiError> {
    let case = state.db()?.case(&viewer.actor, id).await?;
    Ok(Json(view(&case)))
}

/// Check the case against the list and keep the result / 確認を実行して記録する
#[utoipa::path(post, path = "/api/v1/cases/{id}/checks", tag = "cases", params(("id" = i32, Path, description = "Case id")),
    responses((status = 200, description = "The case with its new snapshot", body = CaseView),
        (status = 403, description = "Another organisation's case", body = crate::error::ErrorBody),
        (status = 409, description = "The case is decided", body = crate::error::ErrorBody)))]
pub async fn check(
    State(state): State<Arc<AppState>>,
    viewer: Viewer,
    Id(id): Id,
) -> Result<Json<CaseView>, ApiError> {
    let store = state.db()?;
    let case = store.case(&viewer.actor, id).await?;
    let (profile, version) = (case.profile.clone(), case.profile_version);
    let worker = Arc::clone(&state);
    let snapshot = state
        .render()
        .run(move || {
            worker
                .snapshot()
                .check_case(&profile, version, worker.rule())
        })
        .await??;
    let case = store.record_snapshot(&viewer.actor, id, snapshot).await?;
    Ok(Json(view(&case)))
}

/// Settle an entry of the latest snapshot / 対応記録を作成する
#[utoipa::path(post, path = "/api/v1/cases/{id}/resolutions", tag = "cases", params(("id" = i32, Path, description = "Case id")),
    request_body = NewResolution,
    responses((status = 201, description = "The resolution, awaiting approval", body = ResolutionRecord),
        (status = 403, description = "Another organisation's case", body = crate::error::ErrorBody),
        (status = 409, description = "Refused: a passing or unknown entry, a listing failure without an exception, a decided case", body = crate::error::ErrorBody)))]
pub async fn resolve(
    State(state): State<Arc<AppState>>,
    viewer: Viewer,
    Id(id): Id,
    Body(r): Body<NewResolution>,
) -> Result<Response, ApiError> {
    let proposal = Proposal {
        kind: r.kind,
        text: r.text,
        document: r.document,
        legal_basis: r.legal_basis,
        attachment: r.attachment,
    };
    let record = state
        .db()?
        .resolve(&viewer.actor, id, (r.snapshot, r.entry), proposal)
        .await?;
    Ok((StatusCode::CREATED, Json(record)).into_response())
}

/// Approve a resolution (an approver, not its author) / 対応記録を承認する
#[utoipa::path(post, path = "/api/v1/cases/{id}/resolutions/{entry}/approval", tag = "cases",
    params(("id" = i32, Path, description = "Case id"), ("entry" = u32, Path, description = "Entry number in the latest snapshot")),
    request_body = Approval,
    responses((status = 200, description = "The approved resolution", body = ResolutionRecord),
        (status = 403, description = "No approver permission, or one's own resolution", body = crate::error::ErrorBody),
        (status = 409, description = "Nothing awaits approval, or the case is decided", body = crate::error::ErrorBody)))]
pub async fn approve(
    State(state): State<Arc<AppState>>,
    viewer: Viewer,
    Path((id, entry)): Path<(i32, u32)>,
    Body(a): Body<Approval>,
) -> Result<Json<ResolutionRecord>, ApiError> {
    let snapshot = a
        .snapshot
        .ok_or_else(|| ApiError::bad_parameter("snapshot", "required"))?;
    Ok(Json(
        state
            .db()?
            .approve_resolution(&viewer.actor, id, (snapshot, entry))
            .await?,
    ))
}

/// Propose the decision; the case is locked from now on / 判断（案）を記録する
#[utoipa::path(post, path = "/api/v1/cases/{id}/decision", tag = "cases", params(("id" = i32, Path, description = "Case id")),
    request_body = NewDecision,
    responses((status = 200, description = "The case, locked", body = CaseView),
        (status = 409, description = "Open points, not a candidate, or already decided", body = crate::error::ErrorBody)))]
pub async fn decide(
    State(state): State<Arc<AppState>>,
    viewer: Viewer,
    Id(id): Id,
    Body(d): Body<NewDecision>,
) -> Result<Json<CaseView>, ApiError> {
    let on = d
        .decided_on
        .unwrap_or_else(|| japan_date(chrono::Utc::now()));
    let case = state
        .db()?
        .decide(&viewer.actor, id, &d.service, on, &d.reason)
        .await?;
    Ok(Json(view(&case)))
}

/// Approve the decision (an approver, not its proposer) / 判断を承認する
#[utoipa::path(post, path = "/api/v1/cases/{id}/decision/approval", tag = "cases", params(("id" = i32, Path, description = "Case id")),
    request_body = Approval,
    responses((status = 200, description = "The decided case", body = CaseView),
        (status = 403, description = "No approver permission, or one's own proposal", body = crate::error::ErrorBody),
        (status = 409, description = "No decision proposed, or already approved", body = crate::error::ErrorBody)))]
pub async fn approve_decision(
    State(state): State<Arc<AppState>>,
    viewer: Viewer,
    Id(id): Id,
    Body(a): Body<Approval>,
) -> Result<Json<CaseView>, ApiError> {
    let service = a
        .service
        .ok_or_else(|| ApiError::bad_parameter("service", "required"))?;
    let case = state
        .db()?
        .approve_decision(&viewer.actor, id, &service)
        .await?;
    Ok(Json(view(&case)))
}

/// Reopen a decided case, with the reason / 判断を再開する
#[utoipa::path(post, path = "/api/v1/cases/{id}/reopen", tag = "cases", params(("id" = i32, Path, description = "Case id")),
    request_body = Reopening,
    responses((status = 200, description = "The reopened case", body = CaseView),
        (status = 403, description = "No approver permission", body = crate::error::ErrorBody),
        (status = 409, description = "Not decided, or no reason", body = crate::error::ErrorBody)))]
pub async fn reopen(
    State(state): State<Arc<AppState>>,
    viewer: Viewer,
    Id(id): Id,
    Body(r): Body<Reopening>,
) -> Result<Json<CaseView>, ApiError> {
    let case = state.db()?.reopen(&viewer.actor, id, &r.reason).await?;
    Ok(Json(view(&case)))
}

/// The whole record: every snapshot and the audit-trail head / 判断記録
#[utoipa::path(get, path = "/api/v1/cases/{id}/record", tag = "cases", params(("id" = i32, Path, description = "Case id")),
    responses((status = 200, description = "The case, every snapshot and the case's audit-trail head (SEQ:HASH)", body = CaseExport),
        (status = 403, description = "Another organisation's case", body = crate::error::ErrorBody),
        (status = 404, description = "No such case", body = crate::error::ErrorBody)))]
pub async fn record(
    State(state): State<Arc<AppState>>,
    viewer: Viewer,
    Id(id): Id,
) -> Result<Json<CaseExport>, ApiError> {
    Ok(Json(
        state
            .db()?
            .case_export(&viewer.actor, id, (Lang::Ja, today()))
            .await?,
    ))
}

/// A new version of the requirement profile; earlier versions are kept / 要件を変更する
#[utoipa::path(put, path = "/api/v1/cases/{id}/profile", tag = "cases", params(("id" = i32, Path, description = "Case id")),
    request_body = NewProfile,
    responses((status = 200, description = "The case with its new profile version", body = CaseView),
        (status = 403, description = "Another organisation's case", body = crate::error::ErrorBody),
        (status = 409, description = "The case is decided", body = crate::error::ErrorBody),
        (status = 422, description = "Invalid profile", body = crate::error::ErrorBody)))]
pub async fn set_profile(
    State(state): State<Arc<AppState>>,
    viewer: Viewer,
    Id(id): Id,
    Body(p): Body<NewProfile>,
) -> Result<Json<CaseView>, ApiError> {
    parse_profile("profile", &p.profile, &state.snapshot().catalog)?;
    let case = state
        .db()?
        .set_case_profile(&viewer.actor, id, &p.profile)
        .await?;
    Ok(Json(view(&case)))
}

/// Fill a row of the evidence register for a duty of the chosen service; allowed after the
/// decision / 責任分界の記録を更新する
#[utoipa::path(put, path = "/api/v1/cases/{id}/evidence/{duty}", tag = "cases",
    params(("id" = i32, Path, description = "Case id"), ("duty" = String, Path, description = "The duty's code (iam, logging, tls, …)")),
    request_body = EvidenceRow,
    responses((status = 200, description = "The case with its register", body = CaseView),
        (status = 403, description = "Another organisation's case", body = crate::error::ErrorBody),
        (status = 409, description = "No chosen service, not one of its duties, or a field out of bounds", body = crate::error::ErrorBody)))]
pub async fn evidence(
    State(state): State<Arc<AppState>>,
    viewer: Viewer,
    Path((id, duty)): Path<(i32, String)>,
    Body(row): Body<EvidenceRow>,
) -> Result<Json<CaseView>, ApiError> {
    if row.duty != duty {
        return Err(ApiError::bad_parameter(
            "duty",
            "the body's duty differs from the path's",
        ));
    }
    let case = state
        .db()?
        .set_evidence(&viewer.actor, id, row, today())
        .await?;
    Ok(Json(view(&case)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AttachmentName {
    /// The file's name (its last path segment is kept).
    pub name: String,
}

/// Keep a file with the case, addressed by its SHA-256 (the body is the file's bytes, at most
/// 10 MiB) / 添付ファイルを登録する
#[utoipa::path(post, path = "/api/v1/cases/{id}/attachments", tag = "cases",
    params(("id" = i32, Path, description = "Case id"), AttachmentName),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, description = "The file kept (or already kept)", body = Attachment),
        (status = 403, description = "Another organisation's case", body = crate::error::ErrorBody),
        (status = 413, description = "Larger than 10 MiB", body = crate::error::ErrorBody),
        (status = 422, description = "Empty, or a bad name", body = crate::error::ErrorBody)))]
pub async fn attach(
    State(state): State<Arc<AppState>>,
    viewer: Viewer,
    Id(id): Id,
    Query(q): Query<AttachmentName>,
    bytes: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Response, ApiError> {
    // Too large (413) or unreadable: the JSON error body, not axum's plain text.
    let bytes = bytes.map_err(|r| ApiError::new(r.status(), "bad_file", r.body_text()))?;
    let kept = state
        .db()?
        .add_attachment(&viewer.actor, id, &q.name, &bytes)
        .await?;
    Ok((StatusCode::CREATED, Json(kept)).into_response())
}

/// A file kept with the case, as a download / 添付ファイル
#[utoipa::path(get, path = "/api/v1/cases/{id}/attachments/{sha256}", tag = "cases",
    params(("id" = i32, Path, description = "Case id"), ("sha256" = String, Path, description = "The file's SHA-256")),
    responses((status = 200, description = "The file (always as an attachment)", content_type = "application/octet-stream"),
        (status = 404, description = "No such case, or no such file in it", body = crate::error::ErrorBody)))]
pub async fn attachment(
    State(state): State<Arc<AppState>>,
    viewer: Viewer,
    Path((id, sha)): Path<(i32, String)>,
) -> Result<Response, ApiError> {
    let (meta, bytes) = state.db()?.attachment(&viewer.actor, id, &sha).await?;
    Ok(crate::download::uploaded(&meta.name, bytes))
}

/// Contract clause drafts for the chosen service / 仕様書・契約書の条項案
#[utoipa::path(get, path = "/api/v1/cases/{id}/clauses", tag = "cases", params(("id" = i32, Path, description = "Case id")),
    responses((status = 200, description = "The clauses that apply, drafted from the deployment's templates", body = Vec<Clause>),
        (status = 404, description = "No such case", body = crate::error::ErrorBody),
        (status = 409, description = "No service chosen yet", body = crate::error::ErrorBody)))]
pub async fn clauses(
    State(state): State<Arc<AppState>>,
    viewer: Viewer,
    Id(id): Id,
) -> Result<Json<Vec<Clause>>, ApiError> {
    let case = state.db()?.case(&viewer.actor, id).await?;
    if case.chosen().is_none() {
        return Err(
            ismap_store::StoreError::from(ismap_core::case::CaseRefusal::NoChosenService).into(),
        );
    }
    Ok(Json(draft(&state.deployment().clauses, &case, Lang::Ja)))
}

/// The record as a workbook (one sheet per part) / 判断記録（XLSX）
#[utoipa::path(get, path = "/api/v1/cases/{id}/record.xlsx", tag = "cases", params(("id" = i32, Path, description = "Case id")),
    responses((status = 200, description = "The workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 404, description = "No such case", body = crate::error::ErrorBody)))]
pub async fn record_xlsx(
    State(state): State<Arc<AppState>>,
    viewer: Viewer,
    Id(id): Id,
) -> Result<Response, ApiError> {
    let record = state
        .db()?
        .case_export(&viewer.actor, id, (Lang::Ja, today()))
        .await?;
    let bytes = state
        .render()
        .run(move || ismap_report::case_xlsx::case_xlsx(&record, Lang::Ja))
        .await?
        .map_err(ApiError::internal)?;
    Ok(crate::download::attachment(
        crate::download::XLSX,
        &format!("ismap-case-{id}.xlsx"),
        bytes,
    ))
}

/// An OSCAL assessment-results document: its top level here, every field in NIST's
/// `oscal_assessment-results_schema.json` (the OSCAL test validates against it).
#[derive(Serialize)]
#[serde(transparent)]
pub struct OscalAssessmentResults(serde_json::Value);

impl PartialSchema for OscalAssessmentResults {
    fn schema() -> RefOr<Schema> {
        let object = || Object::with_type(Type::Object);
        let results = Object::builder()
            .property("uuid", Object::with_type(Type::String))
            .property("metadata", object())
            .property("import-ap", object())
            .property("results", ArrayBuilder::new().items(object()))
            .required("uuid")
            .required("metadata")
            .required("import-ap")
            .required("results");
        Object::builder()
            .description(Some(format!(
                "OSCAL {} assessment-results (NIST's oscal_assessment-results_schema.json)",
                ismap_formats::oscal::OSCAL_VERSION
            )))
            .property("assessment-results", results)
            .required("assessment-results")
            .into()
    }
}

impl ToSchema for OscalAssessmentResults {}

/// The record as OSCAL assessment-results: findings, and the resolutions as risk responses /
/// 判断記録（OSCAL）
#[utoipa::path(get, path = "/api/v1/cases/{id}/record.oscal.json", tag = "cases", params(("id" = i32, Path, description = "Case id")),
    responses((status = 200, description = "OSCAL assessment-results", body = OscalAssessmentResults),
        (status = 404, description = "No such case", body = crate::error::ErrorBody)))]
pub async fn record_oscal(
    State(state): State<Arc<AppState>>,
    viewer: Viewer,
    Id(id): Id,
) -> Result<Json<OscalAssessmentResults>, ApiError> {
    let record = state
        .db()?
        .case_export(&viewer.actor, id, (Lang::Ja, today()))
        .await?;
    let document = ismap_formats::oscal::case_results(&record);
    Ok(Json(OscalAssessmentResults(document)))
}
