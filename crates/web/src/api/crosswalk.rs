//! `GET /api/v1/crosswalk`: what an ISMAP, ISO/IEC 27001 or NIST SP 800-53 ID is linked to,
//! with the route and source of every link.

use super::params;
use crate::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use ismap_core::crosswalk::{Framework, LookupError};
use ismap_core::lang::Lang;
use ismap_formats::crosswalk::builtin_crosswalk;
use ismap_report::crosswalk::{LookupView, lookup_view};
use serde::Deserialize;
use std::sync::Arc;
use utoipa::IntoParams;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LookupParams {
    /// ismap (default), iso27001-2013, iso27001-2022 or nist-800-53r5 (nist)
    from: Option<String>,
    /// The ID in that framework, e.g. 9.2.3, A.5.15 or ac-2
    id: Option<String>,
    /// Only links into this framework
    to: Option<String>,
    /// ja (default) or en, for labels and paths
    lang: Option<String>,
}

fn framework(name: &'static str, value: &str) -> Result<Framework, ApiError> {
    value
        .parse()
        .map_err(|e: String| ApiError::bad_parameter(name, e))
}

/// Links of one ID / 他の基準との対応
#[utoipa::path(
    get,
    path = "/api/v1/crosswalk",
    tag = "criteria",
    params(LookupParams),
    responses(
        (status = 200, description = "Every link with its relationship, route and sources; a mapping suggests where evidence may be reused and does not prove conformity", body = LookupView),
        (status = 400, description = "Unknown framework, malformed ID or unknown parameter", body = crate::error::ErrorBody),
        (status = 404, description = "The ID is not known in that framework", body = crate::error::ErrorBody)
    )
)]
pub async fn lookup(
    State(state): State<Arc<AppState>>,
    query: Result<Query<LookupParams>, QueryRejection>,
) -> Result<Json<LookupView>, ApiError> {
    let p = params(query)?;
    let from = framework("from", p.from.as_deref().unwrap_or("ismap"))?;
    let to = p.to.as_deref().map(|t| framework("to", t)).transpose()?;
    if to == Some(from) {
        return Err(ApiError::bad_parameter("to", "the same framework as from"));
    }
    let raw =
        p.id.as_deref()
            .filter(|i| !i.trim().is_empty())
            .ok_or_else(|| ApiError::bad_parameter("id", "required"))?;
    let lang = match p.lang.as_deref() {
        Some(l) => l
            .parse()
            .map_err(|e: String| ApiError::bad_parameter("lang", e))?,
        None => Lang::Ja,
    };
    let snapshot = state.snapshot();
    let cw = builtin_crosswalk();
    let id = cw
        .resolve_id(&snapshot.catalog, from, raw)
        .map_err(|e| match e {
            LookupError::BadId { .. } => ApiError::bad_parameter("id", e.reason()),
            LookupError::UnknownId { .. } => ApiError::not_found(format!("{raw}: {}", e.reason())),
        })?;
    let found = cw.lookup(&snapshot.catalog, from, &id, to);
    Ok(Json(lookup_view(&found, &snapshot.catalog, lang)))
}
