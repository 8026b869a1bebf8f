//! Applications through the lifecycle: providers draft and submit, auditors record audits,
//! operators review, register, renew and revoke. A refused transition is 409 with the reason
//! in English and Japanese; an action of another role is 403; another organisation's
//! application does not exist for the caller (404).

use super::{Body, Id};
use crate::ApiError;
use crate::auth::Viewer;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ismap_core::lifecycle::Action;
use ismap_store::{Application, ApplicationContent};
use std::sync::Arc;

/// Applications the caller may see / 申請の一覧
#[utoipa::path(get, path = "/api/v1/applications", tag = "applications",
    responses((status = 200, description = "Applications, newest first", body = Vec<Application>)))]
pub async fn list(
    State(state): State<Arc<AppState>>,
    viewer: Viewer,
) -> Result<Json<Vec<Application>>, ApiError> {
    Ok(Json(state.db()?.applications(&viewer.actor).await?))
}

/// Open a draft application (providers) / 申請書を作成する
#[utoipa::path(post, path = "/api/v1/applications", tag = "applications", request_body = ApplicationContent,
    responses((status = 201, description = "The draft", body = Application),
              (status = 422, description = "A field is invalid", body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<Arc<AppState>>,
    viewer: Viewer,
    Body(content): Body<ApplicationContent>,
) -> Result<Response, ApiError> {
    let snapshot = state.snapshot();
    let app = state
        .db()?
        .create_application(&viewer.actor, content, &snapshot.catalog)
        .await?;
    Ok((StatusCode::CREATED, Json(app)).into_response())
}

/// One application / 申請の詳細
#[utoipa::path(get, path = "/api/v1/applications/{id}", tag = "applications",
    params(("id" = i32, Path, description = "Application id")),
    responses((status = 200, description = "The application", body = Application),
              (status = 404, description = "No such application for the caller", body = crate::error::ErrorBody)))]
pub async fn get_one(
    State(state): State<Arc<AppState>>,
    viewer: Viewer,
    Id(id): Id,
) -> Result<Json<Application>, ApiError> {
    Ok(Json(state.db()?.application(&viewer.actor, id).await?))
}

/// Replace the content of a draft (providers); a registered service changes through a change
/// application / 申請書の内容を変更する
#[utoipa::path(put, path = "/api/v1/applications/{id}", tag = "applications",
    params(("id" = i32, Path, description = "Application id")), request_body = ApplicationContent,
    responses((status = 200, description = "The application", body = Application),
              (status = 409, description = "Not a draft, or a change application's program or service name changed", body = crate::error::ErrorBody)))]
pub async fn edit(
    State(state): State<Arc<AppState>>,
    viewer: Viewer,
    Id(id): Id,
    Body(content): Body<ApplicationContent>,
) -> Result<Json<Application>, ApiError> {
    let snapshot = state.snapshot();
    let app = state
        .db()?
        .edit_application(&viewer.actor, id, content, &snapshot.catalog)
        .await?;
    Ok(Json(app))
}

/// Open a change application to a registered service: a draft holding its current content,
/// audited and reviewed like any application, published when an operator approves it
/// (providers) / 変更申請を作成する
#[utoipa::path(post, path = "/api/v1/applications/{id}/changes", tag = "applications",
    params(("id" = i32, Path, description = "The registered application's id")),
    responses((status = 201, description = "The change application (a draft)", body = Application),
              (status = 409, description = "Not in force, or a change is already open", body = crate::error::ErrorBody)))]
pub async fn change(
    State(state): State<Arc<AppState>>,
    viewer: Viewer,
    Id(id): Id,
) -> Result<Response, ApiError> {
    let app = state.db()?.create_change(&viewer.actor, id).await?;
    Ok((StatusCode::CREATED, Json(app)).into_response())
}

/// Apply a lifecycle action, e.g. `{"action": "submit"}`, `{"action": "record_audit",
/// "start": "2024-04-01", "end": "2025-03-31", "result": "pass"}`, `{"action": "register",
/// "on": "2025-06-01", "registration_no": "C25-0001-1"}` / 申請の状態を進める
#[utoipa::path(post, path = "/api/v1/applications/{id}/actions", tag = "applications",
    params(("id" = i32, Path, description = "Application id")), request_body = Action,
    responses((status = 200, description = "The application after the action", body = Application),
              (status = 403, description = "The caller's role does not perform this action", body = crate::error::ErrorBody),
              (status = 409, description = "Refused in this phase or on these dates", body = crate::error::ErrorBody)))]
pub async fn act(
    State(state): State<Arc<AppState>>,
    viewer: Viewer,
    Id(id): Id,
    Body(action): Body<Action>,
) -> Result<Json<Application>, ApiError> {
    let snapshot = state.snapshot();
    let app = state
        .db()?
        .act(&viewer.actor, id, action, &snapshot.catalog, state.rule())
        .await?;
    state.after_change().await;
    Ok(Json(app))
}
