//! `/api/v1`: registrations, criteria and checks; `/api/openapi.json` and `/api/docs`.
//! A sibling of `pages`: both stand on the shared layer (`state`, `auth`, `error`, `accounts`,
//! `watching`, `list_on`, `params`) and neither uses the other, so every module here is private.

mod accounts;
mod applications;
mod audit;
mod cases;
mod checks;
mod criteria;
mod crosswalk;
mod history;
mod registrations;
mod watches;

use crate::ApiError;
use crate::auth::guard;
use crate::error::ErrorBody;
use crate::state::AppState;
use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{DefaultBodyLimit, Query};
use axum::http::StatusCode;
use axum::routing::{delete, get, post, put};
use ismap_core::access::Permission;
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
        crosswalk::lookup,
        checks::create,
        health,
        accounts::login,
        accounts::logout,
        accounts::whoami,
        accounts::tokens,
        accounts::create_token,
        accounts::revoke_token,
        accounts::users,
        accounts::create_user,
        applications::list,
        applications::create,
        applications::get_one,
        applications::edit,
        applications::change,
        applications::act,
        history::list_diff,
        history::feed_json,
        history::feed_atom,
        history::download,
        watches::list,
        watches::create,
        watches::remove,
        watches::alerts,
        watches::read,
        watches::webhooks,
        watches::create_webhook,
        watches::remove_webhook,
        audit::events,
        audit::verify,
        cases::list,
        cases::create,
        cases::get_one,
        cases::check,
        cases::resolve,
        cases::approve,
        cases::decide,
        cases::approve_decision,
        cases::reopen,
        cases::record,
        cases::set_profile,
        cases::evidence,
        cases::attach,
        cases::attachment,
        cases::clauses,
        cases::record_xlsx,
        cases::record_oscal
    ),
    components(schemas(
        ErrorBody,
        registrations::RegistrationSummary,
        registrations::RegistrationPage,
        criteria::CriterionItem,
        criteria::CriterionDetail,
        ismap_report::crosswalk::LookupView,
        ismap_report::crosswalk::LinkRow,
        accounts::Credentials,
        accounts::Me,
        crate::accounts::NewToken,
        accounts::NewUser,
        crate::watching::NewWatch,
        crate::watching::NewWebhook,
        cases::NewCase,
        cases::NewResolution,
        cases::NewDecision,
        cases::Reopening,
        cases::NewProfile,
        cases::Approval,
        ismap_store::CaseView,
        ismap_store::CaseExport,
        ismap_store::Snapshot,
        ismap_store::CandidateVerdict,
        ismap_store::EntryView,
        ismap_store::SnapshotInfo,
        ismap_store::Decision,
        ismap_store::ResolutionRecord,
        ismap_core::case::SnapshotEntry,
        ismap_core::case::ResolutionKind,
        ismap_core::case::DocumentRef,
        ismap_core::case::evidence::EvidenceRow,
        ismap_core::case::evidence::Performer,
        ismap_core::case::premise::CandidateFacts,
        ismap_core::case::clauses::Clause,
        ismap_core::registration::ListingStatus,
        ismap_store::DutyView,
        ismap_store::Attachment,
        ismap_core::check::Status,
        ismap_report::CheckReport,
        ismap_core::check::SummaryView
    )),
    tags(
        (name = "registry", description = "Registrations on the list / ISMAPクラウドサービスリスト"),
        (name = "criteria", description = "Control criteria / 管理基準"),
        (name = "checks", description = "Procurement checks / 調達チェック"),
        (name = "history", description = "The list on any date, changes, feeds, downloads / 履歴・フィード"),
        (name = "accounts", description = "Sessions, API tokens, accounts / アカウント"),
        (name = "applications", description = "Applications and the registration lifecycle / 申請と登録のライフサイクル"),
        (name = "alerts", description = "Watches, alerts, webhooks / 監視と通知"),
        (name = "audit", description = "The audit trail / 監査証跡"),
        (name = "cases", description = "Procurement cases and their accountability record / 調達案件と判断記録")
    ),
    modifiers(&Security, &Refusals)
)]
pub struct ApiDoc;

/// The refusals any operation can answer, added where an operation does not list them itself:
/// 401 for credentials that are unknown, expired or revoked (on every operation); 403 where an
/// account's role is needed, and for a write made with the session cookie but without its CSRF
/// token; 409 for a write to an account's data, which a per-account limit can refuse.
struct Refusals;

/// Tags whose operations anyone may call.
const PUBLIC_TAGS: [&str; 5] = ["registry", "criteria", "checks", "crosswalk", "history"];

impl utoipa::Modify for Refusals {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{RefOr, Response, ResponseBuilder, schema::Ref};
        let refusal = |description: &str| -> RefOr<Response> {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    utoipa::openapi::Content::new(Some(Ref::from_schema_name("ErrorBody"))),
                )
                .build()
                .into()
        };
        for item in openapi.paths.paths.values_mut() {
            let reads = item.get.iter_mut().map(|op| (op, false));
            let writes = [
                &mut item.post,
                &mut item.put,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            .map(|op| (op, true));
            for (op, write) in reads.chain(writes) {
                let public = op
                    .tags
                    .iter()
                    .flatten()
                    .all(|t| PUBLIC_TAGS.contains(&t.as_str()));
                let mut add = |status: &str, description: &str| {
                    op.responses
                        .responses
                        .entry(status.to_owned())
                        .or_insert_with(|| refusal(description));
                };
                add(
                    "401",
                    "Credentials were given but are unknown, expired or revoked; or the operation needs an account",
                );
                if !public || write {
                    add(
                        "403",
                        "The caller's role may not do this, or a write with the session cookie lacks its CSRF token",
                    );
                }
                if !public && write {
                    add(
                        "409",
                        "Refused in the current state, or a per-account limit is reached",
                    );
                }
            }
        }
    }
}

/// Bearer tokens and the session cookie, documented for the OpenAPI reader.
struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{
            ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme,
        };
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            // `__Host-ismap_session` when served over TLS.
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::auth::SESSION_COOKIE,
            ))),
        );
    }
}

/// Every route with the permission it needs (see `docs/operations.md` for the matrix).
pub fn router() -> Router<Arc<AppState>> {
    use Permission::*;
    Router::new()
        .route("/healthz", guard(ReadList, get(health)))
        .route(
            "/api/v1/registrations",
            guard(ReadList, get(registrations::list)),
        )
        .route(
            "/api/v1/registrations/{no}",
            guard(ReadList, get(registrations::get_one)),
        )
        .route("/api/v1/criteria", guard(ReadList, get(criteria::list)))
        .route("/api/v1/crosswalk", guard(ReadList, get(crosswalk::lookup)))
        .route(
            "/api/v1/criteria/{id}",
            guard(ReadList, get(criteria::get_one)),
        )
        .route("/api/v1/checks", guard(RunChecks, post(checks::create)))
        .route(
            "/api/v1/history/diff",
            guard(ReadList, get(history::list_diff)),
        )
        .route(
            "/api/v1/feed.json",
            guard(ReadList, get(history::feed_json)),
        )
        .route(
            "/api/v1/feed.atom",
            guard(ReadList, get(history::feed_atom)),
        )
        .route(
            "/api/v1/downloads/{file}",
            guard(ReadList, get(history::download)),
        )
        .route(
            "/api/v1/session",
            guard(ReadList, post(accounts::login))
                .merge(guard(OwnAccount, delete(accounts::logout))),
        )
        .route("/api/v1/me", guard(OwnAccount, get(accounts::whoami)))
        .route(
            "/api/v1/tokens",
            guard(
                OwnAccount,
                get(accounts::tokens).post(accounts::create_token),
            ),
        )
        .route(
            "/api/v1/tokens/{id}",
            guard(OwnAccount, delete(accounts::revoke_token)),
        )
        .route(
            "/api/v1/users",
            guard(
                ManageAccounts,
                get(accounts::users).post(accounts::create_user),
            ),
        )
        .route(
            "/api/v1/applications",
            guard(ReadApplications, get(applications::list))
                .merge(guard(Apply, post(applications::create))),
        )
        .route(
            "/api/v1/applications/{id}",
            guard(ReadApplications, get(applications::get_one))
                .merge(guard(Apply, put(applications::edit))),
        )
        .route(
            "/api/v1/applications/{id}/changes",
            guard(Apply, post(applications::change)),
        )
        // The action's own role is checked against the lifecycle (403 otherwise).
        .route(
            "/api/v1/applications/{id}/actions",
            guard(ReadApplications, post(applications::act)),
        )
        .route(
            "/api/v1/watches",
            guard(Watch, get(watches::list).post(watches::create)),
        )
        .route(
            "/api/v1/watches/{id}",
            guard(Watch, delete(watches::remove)),
        )
        .route("/api/v1/alerts", guard(ReadAlerts, get(watches::alerts)))
        .route(
            "/api/v1/alerts/{id}/read",
            guard(ReadAlerts, post(watches::read)),
        )
        .route(
            "/api/v1/webhooks",
            guard(Watch, get(watches::webhooks).post(watches::create_webhook)),
        )
        .route(
            "/api/v1/webhooks/{id}",
            guard(Watch, delete(watches::remove_webhook)),
        )
        .route(
            "/api/v1/cases",
            guard(ManageCases, get(cases::list).post(cases::create)),
        )
        .route(
            "/api/v1/cases/{id}",
            guard(ManageCases, get(cases::get_one)),
        )
        .route(
            "/api/v1/cases/{id}/checks",
            guard(ManageCases, post(cases::check)),
        )
        .route(
            "/api/v1/cases/{id}/resolutions",
            guard(ManageCases, post(cases::resolve)),
        )
        .route(
            "/api/v1/cases/{id}/resolutions/{entry}/approval",
            guard(ManageCases, post(cases::approve)),
        )
        .route(
            "/api/v1/cases/{id}/decision",
            guard(ManageCases, post(cases::decide)),
        )
        .route(
            "/api/v1/cases/{id}/decision/approval",
            guard(ManageCases, post(cases::approve_decision)),
        )
        .route(
            "/api/v1/cases/{id}/reopen",
            guard(ManageCases, post(cases::reopen)),
        )
        .route(
            "/api/v1/cases/{id}/record",
            guard(ManageCases, get(cases::record)),
        )
        .route(
            "/api/v1/cases/{id}/profile",
            guard(ManageCases, put(cases::set_profile)),
        )
        .route(
            "/api/v1/cases/{id}/evidence/{duty}",
            guard(ManageCases, put(cases::evidence)),
        )
        .route(
            "/api/v1/cases/{id}/attachments",
            guard(ManageCases, post(cases::attach))
                .layer(DefaultBodyLimit::max(crate::UPLOAD_LIMIT)),
        )
        .route(
            "/api/v1/cases/{id}/attachments/{sha256}",
            guard(ManageCases, get(cases::attachment)),
        )
        .route(
            "/api/v1/cases/{id}/clauses",
            guard(ManageCases, get(cases::clauses)),
        )
        .route(
            "/api/v1/cases/{id}/record.xlsx",
            guard(ManageCases, get(cases::record_xlsx)),
        )
        .route(
            "/api/v1/cases/{id}/record.oscal.json",
            guard(ManageCases, get(cases::record_oscal)),
        )
        .route("/api/v1/audit", guard(ReadAuditTrail, get(audit::events)))
        .route(
            "/api/v1/audit/verify",
            guard(ReadAuditTrail, get(audit::verify)),
        )
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

/// A JSON request body whose rejection (malformed JSON, a missing or wrong field, the wrong
/// content type) is answered like every other API error: JSON with the reason.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> axum::extract::FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Body(value)),
            Err(rejection) => Err(ApiError::new(
                rejection.status(),
                "malformed_body",
                rejection.body_text(),
            )),
        }
    }
}

/// A numeric id in the path; anything else is a JSON 400 naming the parameter.
pub struct Id(pub i32);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Id {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, ApiError> {
        match axum::extract::Path::<i32>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(id)) => Ok(Id(id)),
            Err(rejection) => Err(ApiError::bad_parameter(
                "id",
                format!("expected a whole number: {}", rejection.body_text()),
            )),
        }
    }
}
