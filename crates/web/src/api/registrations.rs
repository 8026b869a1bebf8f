//! `GET /api/v1/registrations` (search, filter, sort, page) and `GET …/{no}`.

use super::params;
use crate::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use chrono::NaiveDate;
use ismap_core::ids::{CountryCode, RegistrationNumber};
use ismap_core::query::RegistryQuery;
use ismap_core::registration::{ListingStatus, Registration};
use ismap_core::validity::{ExpiryRule, japan_date};
use ismap_formats::date::{EXPECTED, parse_date};
use ismap_formats::registry_json::{RegistrationDoc, registration_to_doc};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};

pub const MAX_PER_PAGE: usize = 500;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Words to find in the registration number, service name, provider, scope or regions
    /// (Japanese and English; width, case and kana variants match)
    q: Option<String>,
    /// `ismap` or `ismap-liu`
    program: Option<String>,
    /// Status on `on`: valid, renewal_pending, expired, revoked, not_yet_valid
    status: Option<String>,
    /// Service model: IaaS, PaaS or SaaS
    model: Option<String>,
    /// ISO 3166-1 alpha-2 country of a region
    country: Option<String>,
    /// A region name
    region: Option<String>,
    /// Valid on `on` and expiring within this many days
    expiring_within: Option<String>,
    /// The date statuses refer to, YYYY-MM-DD [default: today in Japan]
    on: Option<String>,
    /// Expiry rule: civil (default) or calendar
    rule: Option<String>,
    /// registration_no (default), service_name, provider, registered_on, expires_on
    sort: Option<String>,
    /// asc (default) or desc
    order: Option<String>,
    /// Page number, from 1
    page: Option<String>,
    /// Results per page, 1–500 [default 50]
    per_page: Option<String>,
}

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

fn parse<T>(
    field: &str,
    value: Option<&str>,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Result<Option<T>, ApiError> {
    value
        .filter(|v| !v.trim().is_empty())
        .map(|v| parse(v).map_err(|e| ApiError::bad_parameter(field, e)))
        .transpose()
}

fn date_param(field: &str, value: Option<&str>) -> Result<Option<NaiveDate>, ApiError> {
    parse(field, value, |v| {
        parse_date(v).ok_or_else(|| format!("expected {EXPECTED}, got {v:?}"))
    })
}

fn number(
    field: &str,
    value: Option<&str>,
    range: std::ops::RangeInclusive<usize>,
) -> Result<Option<usize>, ApiError> {
    parse(field, value, |v| {
        v.trim()
            .parse::<usize>()
            .ok()
            .filter(|n| range.contains(n))
            .ok_or_else(|| {
                format!(
                    "expected a whole number from {} to {}, got {v:?}",
                    range.start(),
                    range.end()
                )
            })
    })
}

fn status(v: &str) -> Result<ListingStatus, String> {
    use ListingStatus::*;
    [Valid, RenewalPending, Expired, Revoked, NotYetValid]
        .into_iter()
        .find(|s| s.as_str() == v.trim())
        .ok_or_else(|| format!("unknown status {v:?}: expected valid, renewal_pending, expired, revoked or not_yet_valid"))
}

impl ListParams {
    fn query(&self) -> Result<RegistryQuery, ApiError> {
        let on =
            date_param("on", self.on.as_deref())?.unwrap_or_else(|| japan_date(chrono::Utc::now()));
        let mut q = RegistryQuery::new(on);
        q.text = self.q.clone().unwrap_or_default();
        q.program = parse("program", self.program.as_deref(), str::parse)?;
        q.status = parse("status", self.status.as_deref(), status)?;
        q.service_model = parse("model", self.model.as_deref(), str::parse)?;
        q.country = parse("country", self.country.as_deref(), |v| {
            CountryCode::parse(v).map_err(|e| format!("expected {}", e.expected))
        })?;
        q.region = self.region.clone().filter(|r| !r.trim().is_empty());
        q.expiring_within_days = number(
            "expiring_within",
            self.expiring_within.as_deref(),
            0..=36_500,
        )?
        .map(|n| n as u32);
        q.rule = parse("rule", self.rule.as_deref(), str::parse)?.unwrap_or_default();
        q.sort = parse("sort", self.sort.as_deref(), str::parse)?.unwrap_or_default();
        q.descending = parse("order", self.order.as_deref(), |v| match v {
            "asc" => Ok(false),
            "desc" => Ok(true),
            _ => Err(format!("expected asc or desc, got {v:?}")),
        })?
        .unwrap_or(false);
        q.page = number("page", self.page.as_deref(), 1..=1_000_000)?.unwrap_or(1);
        q.per_page = number("per_page", self.per_page.as_deref(), 1..=MAX_PER_PAGE)?.unwrap_or(50);
        Ok(q)
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
    let q = params(query)?.query()?;
    let snapshot = state.snapshot();
    let page = q.run(&snapshot.registry, &snapshot.index);
    let all = snapshot.registry.registrations();
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

#[derive(Serialize)]
pub struct RegistrationDetail<'a> {
    status: ListingStatus,
    status_on: NaiveDate,
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
        (status = 200, description = "The registration", body = Object),
        (status = 400, description = "A parameter is invalid", body = crate::error::ErrorBody),
        (status = 404, description = "No such registration", body = crate::error::ErrorBody)
    )
)]
pub async fn get_one(
    State(state): State<Arc<AppState>>,
    Path(no): Path<String>,
    query: Result<Query<OneParams>, QueryRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let p = params(query)?;
    let on = date_param("on", p.on.as_deref())?.unwrap_or_else(|| japan_date(chrono::Utc::now()));
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
    serde_json::to_value(detail)
        .map(Json)
        .map_err(ApiError::internal)
}
