//! `/api/v1`: registrations, criteria and checks; `/api/openapi.json` and `/api/docs`.

mod checks;
mod criteria;
mod registrations;

use crate::ApiError;
use crate::error::ErrorBody;
use crate::state::AppState;
use axum::Router;
use axum::extract::Query;
use axum::extract::rejection::QueryRejection;
use axum::http::StatusCode;
use axum::routing::{get, post};
use std::sync::Arc;
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "ismap API",
        description = "The ISMAP cloud service list, the control criteria and procurement checks. \
                       ISMAPクラウドサービスリスト・管理基準・調達チェックのAPI。"
    ),
    paths(
        registrations::list,
        registrations::get_one,
        criteria::list,
        criteria::get_one,
        checks::create,
        health
    ),
    components(schemas(
        ErrorBody,
        registrations::RegistrationSummary,
        registrations::RegistrationPage,
        criteria::CriterionItem,
        criteria::CriterionDetail
    )),
    tags(
        (name = "registry", description = "Registrations on the list / 登録簿"),
        (name = "criteria", description = "Control criteria / 管理基準"),
        (name = "checks", description = "Procurement checks / 調達チェック")
    )
)]
pub struct ApiDoc;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/healthz", get(health))
        .route("/api/v1/registrations", get(registrations::list))
        .route("/api/v1/registrations/{no}", get(registrations::get_one))
        .route("/api/v1/criteria", get(criteria::list))
        .route("/api/v1/criteria/{id}", get(criteria::get_one))
        .route("/api/v1/checks", post(checks::create))
        .merge(SwaggerUi::new("/api/docs").url("/api/openapi.json", ApiDoc::openapi()))
}

/// Liveness: answers `ok` while the server runs.
#[utoipa::path(get, path = "/healthz", responses((status = 200, description = "ok", body = String)))]
async fn health() -> &'static str {
    "ok"
}

/// Query parameters as strings, validated one by one so that an error can name its parameter;
/// a malformed query string or an unknown parameter is a JSON 400.
pub fn params<T>(query: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    query
        .map(|Query(t)| t)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "invalid_parameter", e.body_text()))
}
