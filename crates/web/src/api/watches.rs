//! A procurer's watches on registrations it uses, the alerts they raise, and the webhooks
//! alerts are delivered to (checked and recorded by `crate::watching`, shared with the page).

use super::{Body, Id};
use crate::ApiError;
use crate::auth::Viewer;
use crate::state::AppState;
use crate::watching::{Item, NewWatch, NewWebhook, add_watch, add_webhook};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ismap_store::{AlertRecord, WatchRecord, WebhookRecord};
use std::sync::Arc;

/// The caller's watches / 監視中の登録
#[utoipa::path(get, path = "/api/v1/watches", tag = "alerts", responses((status = 200, description = "Watches", body = Vec<WatchRecord>)))]
pub async fn list(
    State(state): State<Arc<AppState>>,
    viewer: Viewer,
) -> Result<Json<Vec<WatchRecord>>, ApiError> {
    Ok(Json(state.db()?.watches(&viewer.actor).await?))
}

/// Watch a registration used under a contract / 登録を監視する
#[utoipa::path(post, path = "/api/v1/watches", tag = "alerts", request_body = NewWatch,
    responses((status = 201, description = "The watch", body = WatchRecord), (status = 422, description = "Invalid", body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<Arc<AppState>>,
    viewer: Viewer,
    Body(w): Body<NewWatch>,
) -> Result<Response, ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(add_watch(&state, &viewer, &w).await?),
    )
        .into_response())
}

/// Stop watching / 監視をやめる
#[utoipa::path(delete, path = "/api/v1/watches/{id}", tag = "alerts", params(("id" = i32, Path, description = "Watch id")),
    responses((status = 204, description = "Removed"), (status = 404, description = "No such watch", body = crate::error::ErrorBody)))]
pub async fn remove(
    State(state): State<Arc<AppState>>,
    viewer: Viewer,
    Id(id): Id,
) -> Result<StatusCode, ApiError> {
    Item::Watch.act(&state, &viewer, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's alerts, newest first / 通知
#[utoipa::path(get, path = "/api/v1/alerts", tag = "alerts", responses((status = 200, description = "Alerts", body = Vec<AlertRecord>)))]
pub async fn alerts(
    State(state): State<Arc<AppState>>,
    viewer: Viewer,
) -> Result<Json<Vec<AlertRecord>>, ApiError> {
    Ok(Json(state.db()?.alerts(&viewer.actor, 200).await?))
}

/// Mark an alert read / 既読にする
#[utoipa::path(post, path = "/api/v1/alerts/{id}/read", tag = "alerts", params(("id" = i32, Path, description = "Alert id")),
    responses((status = 204, description = "Marked"), (status = 404, description = "No such alert", body = crate::error::ErrorBody)))]
pub async fn read(
    State(state): State<Arc<AppState>>,
    viewer: Viewer,
    Id(id): Id,
) -> Result<StatusCode, ApiError> {
    Item::Alert.act(&state, &viewer, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's webhooks / Webhookの一覧
#[utoipa::path(get, path = "/api/v1/webhooks", tag = "alerts", responses((status = 200, description = "Webhooks", body = Vec<WebhookRecord>)))]
pub async fn webhooks(
    State(state): State<Arc<AppState>>,
    viewer: Viewer,
) -> Result<Json<Vec<WebhookRecord>>, ApiError> {
    Ok(Json(state.db()?.webhooks(&viewer.actor).await?))
}

/// Stop delivering to a webhook / Webhookを削除する
#[utoipa::path(delete, path = "/api/v1/webhooks/{id}", tag = "alerts", params(("id" = i32, Path, description = "Webhook id")),
    responses((status = 204, description = "Removed; undelivered alerts to it are cancelled"),
              (status = 404, description = "No such webhook", body = crate::error::ErrorBody)))]
pub async fn remove_webhook(
    State(state): State<Arc<AppState>>,
    viewer: Viewer,
    Id(id): Id,
) -> Result<StatusCode, ApiError> {
    Item::Webhook.act(&state, &viewer, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Deliver alerts to a webhook / Webhookを登録する
#[utoipa::path(post, path = "/api/v1/webhooks", tag = "alerts", request_body = NewWebhook,
    responses((status = 201, description = "The webhook", body = WebhookRecord), (status = 422, description = "Invalid", body = crate::error::ErrorBody)))]
pub async fn create_webhook(
    State(state): State<Arc<AppState>>,
    viewer: Viewer,
    Body(w): Body<NewWebhook>,
) -> Result<Response, ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(add_webhook(&state, &viewer, &w).await?),
    )
        .into_response())
}
