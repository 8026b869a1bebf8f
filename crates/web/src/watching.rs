//! Watches, alerts and webhooks: checking and recording what a procurer asks for, and the
//! buttons on its own items, done the same way for the API and the watches page.

use crate::ApiError;
use crate::auth::Viewer;
use crate::params::date_param;
use crate::state::AppState;
use axum::http::StatusCode;
use ismap_core::ids::RegistrationNumber;
use ismap_core::lang::Lang;
use ismap_store::{WatchRecord, WebhookRecord};
use serde::Deserialize;
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
pub async fn add_watch(
    state: &AppState,
    viewer: &Viewer,
    w: &NewWatch,
) -> Result<WatchRecord, ApiError> {
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
    Ok(state
        .db()?
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
        let store = state.db()?;
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
    Ok(state
        .db()?
        .add_webhook(&viewer.actor, url, &w.secret)
        .await?)
}
