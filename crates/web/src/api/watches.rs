//! A procurer's watches on registrations it uses, the alerts they raise, and the webhooks
//! alerts are delivered to.

use super::accounts::store;
use super::{Body, Id};
use crate::ApiError;
use crate::auth::Viewer;
use crate::params::date_param;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use ismap_core::ids::RegistrationNumber;
use ismap_core::lang::Lang;
use ismap_store::{AlertRecord, WatchRecord, WebhookRecord};
use serde::Deserialize;
use std::sync::Arc;
use utoipa::ToSchema;

/// (Unknown fields are ignored: the page's form posts its CSRF field with these.)
#[derive(Deserialize, ToSchema)]
pub struct NewWatch {
    pub registration_no: String,
    /// The contract period the service is used under, YYYY-MM-DD
    pub contract_start: String,
    pub contract_end: String,
    #[serde(default)]
    pub label: String,
    /// Criteria IDs the agency relies on (an alert when one turns 一部実施/非該当): a list, or
    /// one string separated by commas or spaces, as the page's form sends it
    #[serde(default, deserialize_with = "id_list")]
    #[schema(value_type = Vec<String>)]
    pub controls: Vec<String>,
}

/// A list of IDs, or one string of them separated by commas, 、 or white space.
fn id_list<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Ids {
        List(Vec<String>),
        Text(String),
    }
    Ok(match Ids::deserialize(d)? {
        Ids::List(ids) => ids,
        Ids::Text(text) => text
            .split([',', '、', ' ', '\n', '\t'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
    })
}

/// Checks and records a watch (shared by the API and the page).
pub async fn add(state: &AppState, viewer: &Viewer, w: &NewWatch) -> Result<WatchRecord, ApiError> {
    let no = RegistrationNumber::parse(&w.registration_no)
        .map_err(|e| ApiError::bad_parameter("registration_no", e.to_string()))?;
    if state.snapshot().registry.get(&no).is_none() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_value",
            format!("{no} is not on the list"),
        )
        .field("registration_no"));
    }
    let required = |field: &str, value: &str| {
        date_param(field, Some(value))?
            .ok_or_else(|| ApiError::bad_parameter(field, "expected a date, YYYY-MM-DD"))
    };
    let start = required("contract_start", &w.contract_start)?;
    let end = required("contract_end", &w.contract_end)?;
    if end < start {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_value",
            format!("the contract ends ({end}) before it starts ({start})"),
        )
        .field("contract_end"));
    }
    let catalog = &state.snapshot().catalog;
    if w.controls.len() > ismap_store::MAX_WATCHED_CONTROLS {
        return Err(ApiError::bad_parameter(
            "controls",
            format!("at most {} controls", ismap_store::MAX_WATCHED_CONTROLS),
        ));
    }
    // Stored as the catalog writes them, each once.
    let mut controls: Vec<String> = Vec::with_capacity(w.controls.len());
    for (i, id) in w.controls.iter().enumerate() {
        let Some(key) = catalog.key_of(id) else {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_value",
                format!(
                    "{id:?} is not a criteria ID of version {}",
                    catalog.version()
                ),
            )
            .field(format!("controls[{i}]")));
        };
        let id = catalog.get(key).id.to_string();
        if !controls.contains(&id) {
            controls.push(id);
        }
    }
    Ok(store(state)?
        .add_watch(&viewer.actor, &no, (start, end), &w.label, &controls)
        .await?)
}

/// What the buttons on the caller's own watches, alerts and webhooks do (API and page).
#[derive(Debug, Clone, Copy)]
pub enum Item {
    /// Stop watching.
    Watch,
    /// Mark read.
    Alert,
    /// Remove, cancelling what it has not yet been sent.
    Webhook,
}

impl Item {
    /// Acts on the caller's item `id`; another account's is not found, like a missing one.
    pub async fn act(self, state: &AppState, viewer: &Viewer, id: i32) -> Result<(), ApiError> {
        let store = store(state)?;
        let (done, noun) = match self {
            Item::Watch => (store.remove_watch(&viewer.actor, id).await?, "watch"),
            Item::Alert => (store.mark_alert_read(&viewer.actor, id).await?, "alert"),
            Item::Webhook => (store.remove_webhook(&viewer.actor, id).await?, "webhook"),
        };
        if done {
            Ok(())
        } else {
            Err(ApiError::not_found(format!("no {noun} {id}")))
        }
    }
}

/// The caller's watches / 監視中の登録
#[utoipa::path(get, path = "/api/v1/watches", tag = "alerts", responses((status = 200, description = "Watches", body = Vec<WatchRecord>)))]
pub async fn list(
    State(state): State<Arc<AppState>>,
    Extension(viewer): Extension<Viewer>,
) -> Result<Json<Vec<WatchRecord>>, ApiError> {
    Ok(Json(store(&state)?.watches(&viewer.actor).await?))
}

/// Watch a registration used under a contract / 登録を監視する
#[utoipa::path(post, path = "/api/v1/watches", tag = "alerts", request_body = NewWatch,
    responses((status = 201, description = "The watch", body = WatchRecord), (status = 422, description = "Invalid", body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<Arc<AppState>>,
    Extension(viewer): Extension<Viewer>,
    Body(w): Body<NewWatch>,
) -> Result<Response, ApiError> {
    Ok((StatusCode::CREATED, Json(add(&state, &viewer, &w).await?)).into_response())
}

/// Stop watching / 監視をやめる
#[utoipa::path(delete, path = "/api/v1/watches/{id}", tag = "alerts", params(("id" = i32, Path, description = "Watch id")),
    responses((status = 204, description = "Removed"), (status = 404, description = "No such watch", body = crate::error::ErrorBody)))]
pub async fn remove(
    State(state): State<Arc<AppState>>,
    Extension(viewer): Extension<Viewer>,
    Id(id): Id,
) -> Result<StatusCode, ApiError> {
    Item::Watch.act(&state, &viewer, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's alerts, newest first / 通知
#[utoipa::path(get, path = "/api/v1/alerts", tag = "alerts", responses((status = 200, description = "Alerts", body = Vec<AlertRecord>)))]
pub async fn alerts(
    State(state): State<Arc<AppState>>,
    Extension(viewer): Extension<Viewer>,
) -> Result<Json<Vec<AlertRecord>>, ApiError> {
    Ok(Json(store(&state)?.alerts(&viewer.actor, 200).await?))
}

/// Mark an alert read / 既読にする
#[utoipa::path(post, path = "/api/v1/alerts/{id}/read", tag = "alerts", params(("id" = i32, Path, description = "Alert id")),
    responses((status = 204, description = "Marked"), (status = 404, description = "No such alert", body = crate::error::ErrorBody)))]
pub async fn read(
    State(state): State<Arc<AppState>>,
    Extension(viewer): Extension<Viewer>,
    Id(id): Id,
) -> Result<StatusCode, ApiError> {
    Item::Alert.act(&state, &viewer, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct NewWebhook {
    /// An http:// or https:// URL that receives alerts as signed JSON POSTs
    pub url: String,
    /// The HMAC-SHA256 key the receiver verifies `X-Ismap-Signature` with (at least 16 characters)
    pub secret: String,
}

/// Checks and records a webhook (shared by the API and the page).
pub async fn add_webhook(
    state: &AppState,
    viewer: &Viewer,
    w: &NewWebhook,
) -> Result<WebhookRecord, ApiError> {
    let url = w.url.trim();
    if url.len() > 2000 {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_value",
            "the URL is longer than 2000 characters",
        )
        .field("url"));
    }
    // Where the server would send requests: never inside its own network.
    if let Err(refused) = ismap_notify::egress::vet(&state.deployment().egress, url).await {
        let mut err = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "refused_target",
            refused.message(Lang::En),
        )
        .field("url");
        err.body.detail_ja = Some(refused.message(Lang::Ja));
        return Err(err);
    }
    if w.secret.chars().count() < 16 {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_value",
            "the secret must be at least 16 characters",
        )
        .field("secret"));
    }
    Ok(store(state)?
        .add_webhook(&viewer.actor, url, &w.secret)
        .await?)
}

/// The caller's webhooks / Webhookの一覧
#[utoipa::path(get, path = "/api/v1/webhooks", tag = "alerts", responses((status = 200, description = "Webhooks", body = Vec<WebhookRecord>)))]
pub async fn webhooks(
    State(state): State<Arc<AppState>>,
    Extension(viewer): Extension<Viewer>,
) -> Result<Json<Vec<WebhookRecord>>, ApiError> {
    Ok(Json(store(&state)?.webhooks(&viewer.actor).await?))
}

/// Stop delivering to a webhook / Webhookを削除する
#[utoipa::path(delete, path = "/api/v1/webhooks/{id}", tag = "alerts", params(("id" = i32, Path, description = "Webhook id")),
    responses((status = 204, description = "Removed; undelivered alerts to it are cancelled"),
              (status = 404, description = "No such webhook", body = crate::error::ErrorBody)))]
pub async fn remove_webhook(
    State(state): State<Arc<AppState>>,
    Extension(viewer): Extension<Viewer>,
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
    Extension(viewer): Extension<Viewer>,
    Body(w): Body<NewWebhook>,
) -> Result<Response, ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(add_webhook(&state, &viewer, &w).await?),
    )
        .into_response())
}
