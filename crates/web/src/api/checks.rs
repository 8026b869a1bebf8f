//! `POST /api/v1/checks`: a requirement profile in (JSON or TOML), a check report out — the
//! same structure as `ismap check --format json`.

use super::params;
use crate::ApiError;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ismap_core::lang::Lang;
use ismap_core::validity::ExpiryRule;
use ismap_formats::date::{EXPECTED, parse_date};
use ismap_formats::profile_toml::{parse_profile, parse_profile_json};
use ismap_report::{Candidates, CheckInput, Format, run_check};
use serde::Deserialize;
use std::sync::Arc;
use utoipa::IntoParams;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CheckParams {
    /// Language of reasons and actions: ja (default) or en
    lang: Option<String>,
    /// Evaluation date, YYYY-MM-DD [default: the profile's evaluation_date, else today in Japan]
    on: Option<String>,
    /// Expiry rule: civil (default) or calendar
    rule: Option<String>,
    /// `true`: one JSON line per candidate (`application/x-ndjson`) with the verdict, counts
    /// per status and only the entries that are not a pass, for screening the whole list
    summary: Option<bool>,
}

/// Run a procurement check / 調達チェックを実行する
///
/// The body is a requirement profile, as TOML (`application/toml`) or as JSON with the same
/// fields (`application/json`). The answer has, per candidate, a verdict and every check
/// entry with its reason and action, plus the inputs that determined it.
#[utoipa::path(
    post,
    path = "/api/v1/checks",
    tag = "checks",
    params(CheckParams),
    request_body(content = String, description = "Requirement profile", content_type = "application/toml"),
    responses(
        (status = 200, description = "The check report; with `summary=true`, one line per candidate", content(
            (ismap_report::CheckReport = "application/json"),
            (ismap_core::check::SummaryView = "application/x-ndjson")
        )),
        (status = 400, description = "Malformed body or parameter", body = crate::error::ErrorBody),
        (status = 413, description = "Body larger than 1 MiB", body = crate::error::ErrorBody),
        (status = 415, description = "Neither JSON nor TOML", body = crate::error::ErrorBody),
        (status = 422, description = "A field has an invalid value", body = crate::error::ErrorBody)
    )
)]
pub async fn create(
    State(state): State<Arc<AppState>>,
    query: Result<Query<CheckParams>, QueryRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let p = params(query)?;
    let format = if p.summary.unwrap_or(false) {
        Format::Summary
    } else {
        Format::Json
    };
    let body = body.map_err(|e| {
        let status = e.status();
        let error = if status == StatusCode::PAYLOAD_TOO_LARGE {
            "body_too_large"
        } else {
            "unreadable_body"
        };
        ApiError::new(status, error, e.body_text())
    })?;
    let lang: Lang = match p.lang.as_deref() {
        None | Some("") => Lang::Ja,
        Some(l) => l
            .parse()
            .map_err(|e: String| ApiError::bad_parameter("lang", e))?,
    };
    let rule: ExpiryRule = match p.rule.as_deref() {
        None | Some("") => state.rule(),
        Some(r) => r
            .parse()
            .map_err(|e: String| ApiError::bad_parameter("rule", e))?,
    };
    let on = match p.on.as_deref() {
        None | Some("") => None,
        Some(d) => Some(parse_date(d).ok_or_else(|| {
            ApiError::bad_parameter("on", format!("expected {EXPECTED}, got {d:?}"))
        })?),
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let media = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let snapshot = state.snapshot();
    let profile = match media.as_str() {
        "application/json" => parse_profile_json("body", &body, &snapshot.catalog)?,
        "application/toml" | "text/toml" | "text/plain" => {
            let text = std::str::from_utf8(&body).map_err(|_| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "malformed_body",
                    "the body is not UTF-8 text",
                )
            })?;
            parse_profile("body", text, &snapshot.catalog)?
        }
        other => {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                format!("expected application/json or application/toml, got {other:?}"),
            ));
        }
    };
    let evaluated_on = on
        .or(profile.evaluation_date)
        .unwrap_or_else(crate::params::today);
    // The whole list against a profile at its limits is real work: it runs on the bounded
    // pool, like the renderings, so anonymous requests cannot tie up the server's threads.
    let body = state
        .render()
        .run(move || {
            let input = CheckInput {
                catalog: &snapshot.catalog,
                registry: &snapshot.registry,
                registry_info: snapshot.registry_info(),
                profile: &profile,
                evaluated_on,
                rule,
                lang,
            };
            let mut body = Vec::new();
            run_check(input, Candidates::Profile, |report| {
                report.render(format, &mut body)
            })
            .map_err(|e| {
                let mut err = ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_value",
                    e.text(Lang::En),
                );
                err.body.detail_ja = Some(e.text(Lang::Ja));
                err
            })?
            .map_err(ApiError::internal)?;
            Ok::<_, ApiError>(body)
        })
        .await??;
    Ok(([(header::CONTENT_TYPE, format.media_type())], body).into_response())
}
