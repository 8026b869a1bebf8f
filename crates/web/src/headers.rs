//! Security headers on every response: no script but our own (there is none inline), no
//! framing, no MIME sniffing, no referrer sent to other sites, signed-in answers never
//! stored by a cache, and HSTS when the server is reached over TLS.

use crate::auth::{SECURE_SESSION_COOKIE, SESSION_COOKIE, cookie, is_secure};
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::Arc;

/// The pages: everything from this origin, no inline script or style, no plugins.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
/// Swagger UI (`/api/docs`) starts itself with an inline script and styles.
const CSP_API_DOCS: &str = "default-src 'self'; script-src 'self' 'unsafe-inline'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; \
    frame-ancestors 'none'";

pub async fn security_headers(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let signed_in = request.headers().contains_key(header::AUTHORIZATION)
        || [SESSION_COOKIE, SECURE_SESSION_COOKIE]
            .into_iter()
            .any(|name| cookie(request.headers(), name).is_some());
    let secure = is_secure(&state, request.headers());
    let csp = if request.uri().path().starts_with("/api/docs") {
        CSP_API_DOCS
    } else {
        CSP
    };
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(csp),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if signed_in {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if secure {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    response
}
