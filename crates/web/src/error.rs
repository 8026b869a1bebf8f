//! API errors: a JSON body `{error, detail, field?}` and a 4xx status; a database or other
//! unexpected failure is logged and answered with an opaque 500. Also the refusals made
//! outside any handler (unknown paths, the guard, the CSRF check): JSON under `/api`, else a
//! [`PageRefusal`] the pages render. Shared by the API and the pages; depends on neither.

use axum::Json;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use ismap_core::lang::Lang;
use ismap_formats::InputError;
use ismap_store::{ApplicationError, CaseError, StoreError};
use serde::Serialize;
use utoipa::ToSchema;

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// A short machine-readable name, e.g. `invalid_parameter`.
    pub error: &'static str,
    /// What was wrong and what was expected.
    pub detail: String,
    /// The parameter or field concerned, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The same explanation in Japanese, where the domain gives one (refused transitions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail_ja: Option<String>,
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: ErrorBody,
}

impl ApiError {
    pub fn new(status: StatusCode, error: &'static str, detail: impl Into<String>) -> Self {
        ApiError {
            status,
            body: ErrorBody {
                error,
                detail: detail.into(),
                field: None,
                detail_ja: None,
            },
        }
    }

    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.body.field = Some(field.into());
        self
    }

    /// What was wrong: in Japanese where the domain gave it.
    pub fn detail(&self, lang: Lang) -> &str {
        match (&self.body.detail_ja, lang) {
            (Some(ja), Lang::Ja) => ja,
            _ => &self.body.detail,
        }
    }

    /// The message for a page, with the field named.
    pub fn explain(&self, lang: Lang) -> String {
        let detail = self.detail(lang);
        match &self.body.field {
            Some(f) => format!("{f}: {detail}"),
            None => detail.to_owned(),
        }
    }

    pub fn bad_parameter(field: &str, detail: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "invalid_parameter", detail).field(field)
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", detail)
    }

    /// A failure that is not the client's: logged in full, answered without details.
    pub fn internal(e: impl std::fmt::Display) -> Self {
        tracing::error!("internal error: {e}");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "internal error; see the server log",
        )
    }
}

/// Syntax errors (with a line and column) are 400; well-formed but invalid input is 422.
impl From<InputError> for ApiError {
    fn from(e: InputError) -> Self {
        let (status, error) = if e.line.is_some() {
            (StatusCode::BAD_REQUEST, "malformed_body")
        } else {
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid_value")
        };
        let field = e.field.clone();
        let mut err = ApiError::new(status, error, e.to_string());
        err.body.field = field;
        err
    }
}

/// Store errors: the client's (403, 404, 409, 422) named precisely; the rest are 500.
impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Application(ApplicationError::Forbidden(m)) => {
                ApiError::new(StatusCode::FORBIDDEN, "forbidden", m)
            }
            StoreError::Application(ApplicationError::NotFound(id)) => {
                ApiError::not_found(format!("no application {id}"))
            }
            StoreError::Application(ApplicationError::Invalid {
                field,
                value,
                message,
                message_ja,
            }) => {
                let mut err = ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_value",
                    format!("{message} (got {value:?})"),
                )
                .field(field);
                // The value once: not again where the message already names it (the
                // domain's messages set values off with spaces).
                err.body.detail_ja = Some(match value.trim() {
                    "" => message_ja,
                    v if message_ja.contains(&format!(" {v} ")) => message_ja,
                    _ => format!("{message_ja}（入力値: {value}）"),
                });
                err
            }
            StoreError::Application(ApplicationError::Refused(r)) => {
                let mut err = ApiError::new(StatusCode::CONFLICT, "refused", r.message(Lang::En));
                err.body.detail_ja = Some(r.message(Lang::Ja));
                err
            }
            // A case refusal is 403 when the actor may not, 409 when the case's state refuses.
            StoreError::Case(c) => {
                let (status, error) = match &c {
                    CaseError::Refused(r) if r.forbidden() => (StatusCode::FORBIDDEN, "forbidden"),
                    CaseError::Refused(_) => (StatusCode::CONFLICT, "refused"),
                    CaseError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
                    CaseError::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_value"),
                };
                let (en, ja) = (c.message(Lang::En), c.message(Lang::Ja));
                let mut err = ApiError::new(status, error, en.clone());
                err.body.detail_ja = (ja != en).then_some(ja);
                err
            }
            backdated @ StoreError::Backdated { .. } => {
                ApiError::new(StatusCode::CONFLICT, "backdated", backdated.to_string())
            }
            StoreError::Limit(limit) => {
                let mut err = ApiError::new(
                    StatusCode::CONFLICT,
                    "limit_reached",
                    limit.message(Lang::En),
                );
                err.body.detail_ja = Some(limit.message(Lang::Ja));
                err
            }
            StoreError::Account(a) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_value",
                a.to_string(),
            ),
            other => ApiError::internal(other),
        }
    }
}

/// The rendering queue is full (HTTP 503, with Retry-After).
impl From<crate::render::Busy> for ApiError {
    fn from(_: crate::render::Busy) -> Self {
        let mut err = ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "busy",
            format!(
                "the server is rendering other documents: try again in {RETRY_AFTER_SECONDS} seconds"
            ),
        );
        err.body.detail_ja = Some(format!(
            "他の文書を作成中のため混み合っています。{RETRY_AFTER_SECONDS}秒ほど後にもう一度お試しください"
        ));
        err
    }
}

pub const RETRY_AFTER_SECONDS: u32 = 5;

/// Every 503 says when to come back.
pub fn with_retry_after(status: StatusCode, mut response: Response) -> Response {
    if status == StatusCode::SERVICE_UNAVAILABLE {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECONDS));
    }
    response
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        with_retry_after(self.status, (self.status, Json(self.body)).into_response())
    }
}

/// A refusal of a page request made outside any page handler (by [`refusal`]): the response
/// carries it in its extensions, and the pages' `refusal_pages` layer renders it as an error
/// page in the site's frame. This module knows no HTML; without that layer the body is the
/// detail as plain text.
#[derive(Debug, Clone)]
pub struct PageRefusal {
    pub lang: Lang,
    pub detail: String,
}

/// An error for a request outside any handler's own error path: JSON under `/api`, a page in
/// the viewer's language everywhere else (see [`PageRefusal`]).
pub fn refusal(
    headers: &HeaderMap,
    path: &str,
    status: StatusCode,
    error: &'static str,
    detail: &str,
) -> Response {
    if path.starts_with("/api/") {
        return ApiError::new(status, error, detail).into_response();
    }
    let mut response = (status, detail.to_owned()).into_response();
    response.extensions_mut().insert(PageRefusal {
        lang: crate::lang::lang(headers),
        detail: detail.to_owned(),
    });
    response
}

/// Unknown paths.
pub async fn not_found(uri: Uri, headers: HeaderMap) -> Response {
    let path = uri.path();
    let detail = if path.starts_with("/api/") {
        format!("no such resource: {path}")
    } else {
        crate::lang::lang(&headers)
            .pick("ページが見つかりません: ", "No such page: ")
            .to_owned()
            + path
    };
    refusal(&headers, path, StatusCode::NOT_FOUND, "not_found", &detail)
}
