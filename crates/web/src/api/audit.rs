//! The audit trail for operators and administrators.

use super::params;
use crate::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use ismap_store::{Anchor, AuditEvent, Verification};
use serde::Deserialize;
use std::sync::Arc;
use utoipa::IntoParams;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// Only events about this subject, e.g. `application:3`
    subject: Option<String>,
}

/// The latest 200 events, newest first / 監査証跡
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditParams),
    responses((status = 200, description = "Events", body = Vec<AuditEvent>)))]
pub async fn events(
    State(state): State<Arc<AppState>>,
    query: Result<Query<AuditParams>, QueryRejection>,
) -> Result<Json<Vec<AuditEvent>>, ApiError> {
    let p = params(query)?;
    Ok(Json(
        state.db()?.audit_events(p.subject.as_deref(), 200).await?,
    ))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct VerifyParams {
    /// An event's hash recorded outside the database, `SEQ:HASH` (as a previous verification
    /// gave `events` and `head`): the chain must still contain it
    anchor: Option<String>,
}

/// Recompute the hash chain / 監査証跡の検証
#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "audit", params(VerifyParams),
    responses((status = 200, description = "Intact, or the first broken event", body = Verification),
              (status = 400, description = "The anchor is not SEQ:HASH", body = crate::error::ErrorBody)))]
pub async fn verify(
    State(state): State<Arc<AppState>>,
    query: Result<Query<VerifyParams>, QueryRejection>,
) -> Result<Json<Verification>, ApiError> {
    let p = params(query)?;
    let anchors: Vec<Anchor> = match p.anchor.as_deref() {
        Some(a) => vec![
            a.parse()
                .map_err(|e: String| ApiError::bad_parameter("anchor", e))?,
        ],
        None => Vec::new(),
    };
    Ok(Json(state.db()?.verify_audit(&anchors).await?))
}
