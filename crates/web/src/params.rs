//! Query parameters of registry searches, read the same way by the API and the pages, so that
//! the same URL parameters give the same results in both.

use crate::ApiError;
use chrono::NaiveDate;
use ismap_core::ids::CountryCode;
use ismap_core::query::RegistryQuery;
use ismap_core::registration::ListingStatus;
use ismap_core::validity::japan_date;
use ismap_formats::date::{EXPECTED, parse_date};
use serde::Deserialize;
use utoipa::IntoParams;

pub const MAX_PER_PAGE: usize = 500;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Words to find in the registration number, service name, provider, scope or regions
    /// (Japanese and English; width, case and kana variants match)
    pub q: Option<String>,
    /// `ismap` or `ismap-liu`
    pub program: Option<String>,
    /// Status on `on`: valid, renewal_pending, expired, revoked, not_yet_valid
    pub status: Option<String>,
    /// Service model: IaaS, PaaS or SaaS
    pub model: Option<String>,
    /// ISO 3166-1 alpha-2 country of a region
    pub country: Option<String>,
    /// A region name
    pub region: Option<String>,
    /// Valid on `on` and expiring within this many days
    pub expiring_within: Option<String>,
    /// The date statuses refer to, YYYY-MM-DD [default: `as_of`, else today in Japan]
    pub on: Option<String>,
    /// Search the list as it was on this date, YYYY-MM-DD (from the history) [default: now]
    pub as_of: Option<String>,
    /// Expiry rule: civil (default) or calendar
    pub rule: Option<String>,
    /// registration_no (default), service_name, provider, registered_on, expires_on
    pub sort: Option<String>,
    /// asc (default) or desc
    pub order: Option<String>,
    /// Page number, from 1
    pub page: Option<String>,
    /// Results per page, 1–500 [default 50]
    pub per_page: Option<String>,
}

pub fn parse<T>(
    field: &str,
    value: Option<&str>,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Result<Option<T>, ApiError> {
    value
        .filter(|v| !v.trim().is_empty())
        .map(|v| parse(v).map_err(|e| ApiError::bad_parameter(field, e)))
        .transpose()
}

pub fn date_param(field: &str, value: Option<&str>) -> Result<Option<NaiveDate>, ApiError> {
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

/// Today in Japan, the default date of every question.
pub fn today() -> NaiveDate {
    japan_date(chrono::Utc::now())
}

/// The `on` parameter, today when absent.
pub fn on_or_today(value: Option<&str>) -> Result<NaiveDate, ApiError> {
    Ok(date_param("on", value)?.unwrap_or_else(today))
}

impl ListParams {
    /// The `as_of` date, if any.
    pub fn as_of(&self) -> Result<Option<NaiveDate>, ApiError> {
        date_param("as_of", self.as_of.as_deref())
    }

    pub fn query(&self) -> Result<RegistryQuery, ApiError> {
        let on = match (date_param("on", self.on.as_deref())?, self.as_of()?) {
            (Some(on), _) | (None, Some(on)) => on,
            (None, None) => today(),
        };
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
