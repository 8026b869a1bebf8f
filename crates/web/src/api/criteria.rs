//! `GET /api/v1/criteria` and `GET /api/v1/criteria/{id}`.

use super::params;
use crate::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use ismap_core::criteria::{Criterion, Part};
use ismap_core::ids::ControlId;
use ismap_core::search::search_key;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// governance, management or controls
    part: Option<String>,
    /// `true`: only mandatory criteria (the "basic" baseline)
    mandatory: Option<String>,
    /// Text in the ID or the title (ja or en)
    q: Option<String>,
}

/// One criterion of the catalog.
#[derive(Debug, Serialize, ToSchema)]
pub struct CriterionItem {
    pub id: String,
    pub part: &'static str,
    /// `objective` (X.X.X) or `detailed` (X.X.X.X)
    pub level: &'static str,
    pub parent: String,
    /// "", "P" (cloud-specific), "B" (basic statement requirement) or "PB"
    pub suffix: &'static str,
    pub mandatory: bool,
    pub cloud_specific: bool,
    pub source_standard: Option<String>,
    pub title_ja: Option<String>,
    pub title_en: Option<String>,
}

/// A criterion with its detailed controls.
#[derive(Debug, Serialize, ToSchema)]
pub struct CriterionDetail {
    pub version: String,
    pub criterion: CriterionItem,
    pub children: Vec<CriterionItem>,
}

fn item(c: &Criterion) -> CriterionItem {
    CriterionItem {
        id: c.id.to_string(),
        part: c.part.as_str(),
        level: c.level.as_str(),
        parent: c.parent.clone(),
        suffix: c.suffix().as_str(),
        mandatory: c.is_mandatory(),
        cloud_specific: c.suffix().is_cloud_specific(),
        source_standard: c.source_standard.clone(),
        title_ja: c.title.ja.clone(),
        title_en: c.title.en.clone(),
    }
}

/// List the criteria / 管理基準の一覧
#[utoipa::path(
    get,
    path = "/api/v1/criteria",
    tag = "criteria",
    params(ListParams),
    responses(
        (status = 200, description = "Criteria in ID order", body = Vec<CriterionItem>),
        (status = 400, description = "A parameter is invalid", body = crate::error::ErrorBody)
    )
)]
pub async fn list(
    State(state): State<Arc<AppState>>,
    query: Result<Query<ListParams>, QueryRejection>,
) -> Result<Json<Vec<CriterionItem>>, ApiError> {
    let p = params(query)?;
    let part: Option<Part> = p
        .part
        .as_deref()
        .map(str::parse)
        .transpose()
        .map_err(|e: String| ApiError::bad_parameter("part", e))?;
    let mandatory = match p.mandatory.as_deref() {
        None | Some("" | "false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(ApiError::bad_parameter(
                "mandatory",
                format!("expected true or false, got {other:?}"),
            ));
        }
    };
    let needle = p.q.as_deref().map(search_key).filter(|k| !k.is_empty());
    let snapshot = state.snapshot();
    let items = snapshot
        .catalog
        .criteria()
        .iter()
        .filter(|c| part.is_none_or(|p| c.part == p) && (!mandatory || c.is_mandatory()))
        .filter(|c| {
            needle.as_deref().is_none_or(|n| {
                [
                    Some(c.id.as_str()),
                    c.title.ja.as_deref(),
                    c.title.en.as_deref(),
                ]
                .into_iter()
                .flatten()
                .any(|t| search_key(t).contains(n))
            })
        })
        .map(item)
        .collect();
    Ok(Json(items))
}

/// One criterion and its detailed controls / 管理基準の詳細
#[utoipa::path(
    get,
    path = "/api/v1/criteria/{id}",
    tag = "criteria",
    params(("id" = String, Path, description = "Criteria ID, e.g. 6.3.1.P")),
    responses(
        (status = 200, description = "The criterion", body = CriterionDetail),
        (status = 400, description = "Not a criteria ID", body = crate::error::ErrorBody),
        (status = 404, description = "Not in this criteria version", body = crate::error::ErrorBody)
    )
)]
pub async fn get_one(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Json<CriterionDetail>, ApiError> {
    let id = ControlId::parse(&id).map_err(|e| ApiError::bad_parameter("id", e.to_string()))?;
    let snapshot = state.snapshot();
    let catalog = &snapshot.catalog;
    let key = catalog.key(&id).ok_or_else(|| {
        ApiError::not_found(format!(
            "{id} is not a criteria ID of version {}",
            catalog.version()
        ))
    })?;
    Ok(Json(CriterionDetail {
        version: catalog.version().to_owned(),
        criterion: item(catalog.get(key)),
        children: catalog
            .children(key)
            .map(|k| item(catalog.get(k)))
            .collect(),
    }))
}
