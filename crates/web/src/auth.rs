//! Who is asking, and whether they may. A middleware resolves every request to a [`Viewer`]
//! (a session cookie, an API token, or the anonymous public) and enforces CSRF protection on
//! state-changing requests made with a session cookie. Every route is registered through
//! [`guard`], which names the permission it needs: anonymous callers get 401, others 403.

use crate::ApiError;
use crate::state::AppState;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::{Next, from_fn};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use ismap_core::access::{Actor, Permission};
use ismap_store::{Account, LoginClient};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

pub const SESSION_COOKIE: &str = "ismap_session";
pub const CSRF_HEADER: &str = "x-csrf-token";
pub const CSRF_FIELD: &str = "csrf";

/// The caller of one request.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub actor: Actor,
    pub account: Option<Account>,
    /// The session's CSRF token (forms must carry it); none for tokens and the public.
    pub csrf: Option<String>,
}

impl Viewer {
    pub fn public() -> Viewer {
        Viewer {
            actor: Actor::public(),
            account: None,
            csrf: None,
        }
    }

    pub fn is_signed_in(&self) -> bool {
        self.account.is_some()
    }
}

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix(name)?.strip_prefix('='))
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// Resolves the viewer and checks CSRF; runs before every handler.
pub async fn identify(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = request.into_parts();
    let path = parts.uri.path().to_owned();
    let mut viewer = Viewer::public();
    if let Some(store) = state.store() {
        if let Some(token) = bearer(&parts.headers) {
            match store.token_account(token).await {
                Ok(Some(account)) => {
                    viewer.actor = account.actor();
                    viewer.account = Some(account);
                }
                Ok(None) => {
                    return crate::error::refusal(
                        &parts.headers,
                        &path,
                        StatusCode::UNAUTHORIZED,
                        "unauthenticated",
                        "the API token is unknown or revoked",
                    );
                }
                Err(e) => return ApiError::internal(e).into_response(),
            }
        } else if let Some(value) = cookie(&parts.headers, SESSION_COOKIE) {
            match store.session(value).await {
                Ok(Some(session)) => {
                    viewer.actor = session.account.actor();
                    viewer.account = Some(session.account);
                    viewer.csrf = Some(session.csrf_token);
                }
                Ok(None) => {}
                Err(e) => return ApiError::internal(e).into_response(),
            }
        }
    }
    let unsafe_method = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    // Only a session cookie is an ambient credential; it alone carries a CSRF token.
    let body = if unsafe_method && let Some(expected) = viewer.csrf.clone() {
        let bytes = match to_bytes(body, crate::BODY_LIMIT).await {
            Ok(b) => b,
            Err(_) => {
                return crate::error::refusal(
                    &parts.headers,
                    &path,
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "body_too_large",
                    "the request body is too large",
                );
            }
        };
        if !csrf_matches(&parts.headers, parts.uri.query(), &bytes, &expected) {
            return crate::error::refusal(
                &parts.headers,
                &path,
                StatusCode::FORBIDDEN,
                "csrf",
                "the request lacks this session's CSRF token (form field csrf or header X-CSRF-Token)",
            );
        }
        Body::from(bytes)
    } else {
        body
    };
    parts.extensions.insert(viewer.clone());
    // Pages read the viewer for their frame (navigation, sign-out, CSRF fields) without every
    // handler passing it down.
    CURRENT
        .scope(viewer, next.run(Request::from_parts(parts, body)))
        .await
}

tokio::task_local! {
    static CURRENT: Viewer;
}

/// The viewer of the request being handled (the public outside a request).
pub fn current() -> Viewer {
    CURRENT
        .try_with(Clone::clone)
        .unwrap_or_else(|_| Viewer::public())
}

/// The token from the header, the urlencoded form field, or (multipart forms) the query.
fn csrf_matches(headers: &HeaderMap, query: Option<&str>, body: &[u8], expected: &str) -> bool {
    if expected.is_empty() {
        return false;
    }
    let field = |text: &[u8]| {
        form_urlencoded::parse(text)
            .find(|(k, _)| k == CSRF_FIELD)
            .map(|(_, v)| v.into_owned())
    };
    let given = headers
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| {
            let form = headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
            if form { field(body) } else { None }
        })
        .or_else(|| query.and_then(|q| field(q.as_bytes())));
    // Constant-time comparison: the token is a secret.
    given.is_some_and(|g| {
        g.len() == expected.len()
            && g.bytes()
                .zip(expected.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    })
}

/// The route needs `permission`: 401 for the public, 403 for roles without it.
pub fn guard<S: Clone + Send + Sync + 'static>(
    permission: Permission,
    route: MethodRouter<S>,
) -> MethodRouter<S> {
    route.route_layer(from_fn(move |request: Request, next: Next| async move {
        let viewer = request
            .extensions()
            .get::<Viewer>()
            .cloned()
            .unwrap_or_else(Viewer::public);
        if viewer.actor.can(permission) {
            return next.run(request).await;
        }
        let path = request.uri().path().to_owned();
        let headers = request.headers();
        if viewer.is_signed_in() {
            crate::error::refusal(
                headers,
                &path,
                StatusCode::FORBIDDEN,
                "forbidden",
                &format!("role {} may not do this", viewer.actor.role),
            )
        } else if path.starts_with("/api/") {
            crate::error::refusal(
                headers,
                &path,
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "sign in or send an API token (Authorization: Bearer …)",
            )
        } else {
            axum::response::Redirect::to(&format!(
                "/login?next={}",
                form_urlencoded::byte_serialize(path.as_bytes()).collect::<String>()
            ))
            .into_response()
        }
    }))
}

/// The `Set-Cookie` value for a new session (or, with an empty value, its removal).
pub fn session_cookie(value: &str, secure: bool) -> String {
    let max_age = if value.is_empty() {
        0
    } else {
        ismap_store::SESSION_HOURS * 3600
    };
    format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{}",
        if secure { "; Secure" } else { "" }
    )
}

/// Whether the client reached us over TLS (directly configured, or via a proxy that says so).
pub fn is_secure(state: &AppState, headers: &HeaderMap) -> bool {
    state.deployment().secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|p| p.eq_ignore_ascii_case("https"))
}

/// Who is trying to log in, for the throttle: the TCP peer, or behind a proxy the last address
/// in X-Forwarded-For (the one the proxy appended; earlier ones are the client's to forge).
pub fn login_client(state: &AppState, headers: &HeaderMap, peer: SocketAddr) -> LoginClient {
    let deployment = state.deployment();
    let forwarded = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .last()
        .and_then(|a| a.trim().parse::<IpAddr>().ok());
    let address = match forwarded {
        Some(a) if deployment.behind_proxy => a,
        _ => peer.ip(),
    };
    LoginClient {
        address: address.to_string(),
        max_failures: deployment.client_login_failures,
    }
}
