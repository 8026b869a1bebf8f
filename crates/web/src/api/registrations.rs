//! `GET /api/v1/registrations` (search, filter, sort, page) and `GET …/{no}`.

use super::params;
use crate::ApiError;
use crate::list_on::Searchable;
use crate::params::{ListParams, on_or_today, parse};
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use ismap_core::ids::RegistrationNumber;
use ismap_core::registration::{ListingStatus, Registration};
use ismap_core::validity::ExpiryRule;
use ismap_formats::registry_json::{RegistrationDoc, registration_to_doc};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};

/// One registration in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegistrationSummary {
    pub registration_no: String,
    /// `ismap` or `ismap-liu`
    pub program: &'static str,
    pub service_name: String,
    pub provider: String,
    pub service_model: Option<&'static str>,
    #[schema(value_type = String, format = Date)]
    pub registered_on: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub expires_on: NaiveDate,
    /// Status on the query's date
    #[schema(value_type = String, example = "valid")]
    pub status: ListingStatus,
}

/// A page of registrations.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegistrationPage {
    /// How many registrations match in all
    pub total: usize,
    pub page: usize,
    pub per_page: usize,
    /// The date statuses refer to
    #[schema(value_type = String, format = Date)]
    pub on: NaiveDate,
    pub items: Vec<RegistrationSummary>,
}

fn summary(r: &Registration, on: NaiveDate, rule: ExpiryRule) -> RegistrationSummary {
    RegistrationSummary {
        registration_no: r.registration_no.to_string(),
        program: r.program.as_str(),
        service_name: r.service_name.clone(),
        provider: r.provider.clone(),
        service_model: r.service_model.map(|m| m.as_str()),
        registered_on: r.registered_on,
        expires_on: r.expires_on(rule),
        status: r.status_on(on, rule),
    }
}

/// Search and filter registrations / 登録の検索
#[utoipa::path(
    get,
    path = "/api/v1/registrations",
    tag = "registry",
    params(ListParams),
    responses(
        (status = 200, description = "A page of registrations", body = RegistrationPage),
        (status = 400, description = "A parameter is invalid", body = crate::error::ErrorBody)
    )
)]
pub async fn list(
    State(state): State<Arc<AppState>>,
    query: Result<Query<ListParams>, QueryRejection>,
) -> Result<Json<RegistrationPage>, ApiError> {
    let p = params(query)?;
    let q = p.query()?;
    let list = Searchable::on(&state, p.as_of()?).await?;
    let page = q.run(list.registry(), list.index());
    let all = list.registry().registrations();
    Ok(Json(RegistrationPage {
        total: page.total,
        page: q.page,
        per_page: q.per_page,
        on: q.on,
        items: page
            .positions
            .iter()
            .map(|&i| summary(&all[i], q.on, q.rule))
            .collect(),
    }))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OneParams {
    /// The date the status refers to, YYYY-MM-DD [default: today in Japan]
    on: Option<String>,
    /// Expiry rule: civil (default) or calendar
    rule: Option<String>,
}

/// A registration as the registry file writes it, with its status on a date and its expiry.
#[derive(Serialize, ToSchema)]
pub struct RegistrationDetail<'a> {
    /// Status on `status_on`
    #[schema(value_type = String, example = "valid")]
    status: ListingStatus,
    #[schema(value_type = String, format = Date)]
    status_on: NaiveDate,
    /// The expiry by the query's rule
    #[schema(value_type = String, format = Date)]
    expires_on: NaiveDate,
    #[serde(flatten)]
    registration: RegistrationDoc<'a>,
}

/// One registration with its scope, regions, underlying services and control statements
/// (the fields of the registry file), plus its status and expiry / 登録の詳細
#[utoipa::path(
    get,
    path = "/api/v1/registrations/{no}",
    tag = "registry",
    params(("no" = String, Path, description = "Registration number, e.g. C21-0008-2"), OneParams),
    responses(
        (status = 200, description = "The registration", body = RegistrationDetail),
        (status = 400, description = "A parameter is invalid", body = crate::error::ErrorBody),
        (status = 404, description = "No such registration", body = crate::error::ErrorBody)
    )
)]
pub async fn get_one(
    State(state): State<Arc<AppState>>,
    Path(no): Path<String>,
    query: Result<Query<OneParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let p = params(query)?;
    let on = on_or_today(p.on.as_deref())?;
    let rule = parse("rule", p.rule.as_deref(), str::parse)?.unwrap_or_default();
    let snapshot = state.snapshot();
    let number =
        RegistrationNumber::parse(&no).map_err(|e| ApiError::bad_parameter("no", e.to_string()))?;
    let r = snapshot
        .registry
        .get(&number)
        .ok_or_else(|| ApiError::not_found(format!("no registration {number}")))?;
    let detail = RegistrationDetail {
        status: r.status_on(on, rule),
        status_on: on,
        expires_on: r.expires_on(rule),
        registration: registration_to_doc(r, &snapshot.catalog),
    };
    // Serialised here, while the snapshot it borrows from is held.
    Ok(Json(detail).into_response())
}
