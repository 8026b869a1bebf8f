//! Who is asking, and whether they may. A middleware resolves every request to a [`Viewer`]
//! (a session cookie, an API token, or the anonymous public) and enforces CSRF protection on
//! state-changing requests made with a session cookie; handlers take it as an extractor
//! (`viewer: Viewer`). Every route is registered through [`guard`], which names the
//! permission it needs: anonymous callers get 401, others 403. Shared by the API and the pages.

use crate::ApiError;
use crate::state::AppState;
use axum::body::{Body, to_bytes};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::{Next, from_fn};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use ismap_core::access::{Actor, Permission};
use ismap_store::{Account, LoginClient};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

pub const SESSION_COOKIE: &str = "ismap_session";
/// Over TLS the cookie carries the `__Host-` prefix: the browser then accepts it only when set
/// `Secure`, for path `/`, by this very host (no sibling subdomain can plant or shadow it).
pub const SECURE_SESSION_COOKIE: &str = "__Host-ismap_session";

/// The session cookie's name on a connection that is (or is not) TLS.
pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

/// The session cookie this request carries, under the name its connection uses.
pub fn session_value<'a>(state: &AppState, headers: &'a HeaderMap) -> Option<&'a str> {
    let name = session_cookie_name(is_secure(state, headers));
    cookie(headers, name)
}
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

/// The viewer [`identify`] resolved for this request, as an extractor. `identify` runs before
/// every route and always leaves one, so a missing viewer is the server's fault (500).
impl<S: Send + Sync> FromRequestParts<S> for Viewer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        parts
            .extensions
            .get::<Viewer>()
            .cloned()
            .ok_or_else(|| ApiError::internal("no viewer: the identify middleware did not run"))
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
        } else if let Some(value) = session_value(&state, &parts.headers) {
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
        // The larger limit only for those who may act on cases: others are refused anyway,
        // and should not make the server hold 10 MiB first.
        let limit = if crate::takes_upload(&path)
            && viewer
                .actor
                .can(ismap_core::access::Permission::ManageCases)
        {
            crate::UPLOAD_LIMIT
        } else {
            crate::BODY_LIMIT
        };
        let bytes = match to_bytes(body, limit).await {
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
        if !csrf_matches(&parts.headers, &bytes, &expected) {
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

/// The token from the header, or the form's `csrf` field (urlencoded or multipart). Never
/// from the URL: a token there ends up in logs and `Referer` headers.
fn csrf_matches(headers: &HeaderMap, body: &[u8], expected: &str) -> bool {
    if expected.is_empty() {
        return false;
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let given = headers
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| {
            if content_type.starts_with("application/x-www-form-urlencoded") {
                form_urlencoded::parse(body)
                    .find(|(k, _)| k == CSRF_FIELD)
                    .map(|(_, v)| v.into_owned())
            } else if content_type.starts_with("multipart/form-data") {
                multipart_field(content_type, body, CSRF_FIELD)
            } else {
                None
            }
        });
    given.is_some_and(|g| same_secret(&g, expected))
}

/// Constant-time comparison: the values are secrets.
fn same_secret(given: &str, expected: &str) -> bool {
    given.len() == expected.len()
        && given
            .bytes()
            .zip(expected.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// The anonymous login form's CSRF protection (a double-submit cookie): the form carries a
/// random token that must equal this cookie, which another site cannot read or set, so no
/// other site can sign a browser in to an account of its choosing.
pub const LOGIN_COOKIE: &str = "ismap_login";

/// The `Set-Cookie` value for a login form's token.
pub fn login_cookie(token: &str, secure: bool) -> String {
    format!(
        "{LOGIN_COOKIE}={token}; Path=/login; HttpOnly; SameSite=Strict; Max-Age=3600{}",
        if secure { "; Secure" } else { "" }
    )
}

/// Whether a login form's token is the one its cookie holds.
pub fn login_token_matches(headers: &HeaderMap, given: &str) -> bool {
    cookie(headers, LOGIN_COOKIE)
        .is_some_and(|expected| !expected.is_empty() && same_secret(given, expected))
}

/// The text of the multipart part named `name` (`Content-Disposition: form-data;
/// name="…"`), read from the raw body: the form's fields come before its file.
fn multipart_field(content_type: &str, body: &[u8], name: &str) -> Option<String> {
    let boundary = content_type
        .split(';')
        .map(str::trim)
        .find_map(|p| p.strip_prefix("boundary="))?
        .trim_matches('"');
    let delimiter = format!("--{boundary}");
    let text = String::from_utf8_lossy(body);
    let wanted = format!("name=\"{name}\"");
    text.split(delimiter.as_str()).find_map(|part| {
        let (head, value) = part.split_once("\r\n\r\n")?;
        let disposition = head
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("content-disposition:"))?;
        let named = disposition.split(';').map(str::trim).any(|p| p == wanted);
        named.then(|| value.strip_suffix("\r\n").unwrap_or(value).to_owned())
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
        "{}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{}",
        session_cookie_name(secure),
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

#[cfg(test)]
mod tests {
    use super::multipart_field;

    #[test]
    fn a_multipart_forms_field_is_found_in_its_body() {
        let body = "--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nt0ken\r\n\
                    --XyZ\r\nContent-Disposition: form-data; name=\"profile\"; filename=\"p.toml\"\r\n\
                    Content-Type: application/toml\r\n\r\nname = \"csrf\"\r\n--XyZ--\r\n";
        let cases = [
            ("multipart/form-data; boundary=XyZ", "csrf", Some("t0ken")),
            (
                "multipart/form-data; boundary=\"XyZ\"",
                "csrf",
                Some("t0ken"),
            ),
            (
                "multipart/form-data; boundary=XyZ",
                "profile",
                Some("name = \"csrf\""),
            ),
            ("multipart/form-data; boundary=XyZ", "other", None),
            ("multipart/form-data", "csrf", None), // no boundary
        ];
        for (content_type, name, expected) in cases {
            assert_eq!(
                multipart_field(content_type, body.as_bytes(), name).as_deref(),
                expected,
                "{content_type} {name}"
            );
        }
        // a part merely mentioning the name in its file name is not the field
        let sly = "--b\r\nContent-Disposition: form-data; name=\"profile\"; filename=\"name=\\\"csrf\\\"\"\r\n\r\nx\r\n--b--";
        assert_eq!(
            multipart_field("multipart/form-data; boundary=b", sly.as_bytes(), "csrf"),
            None
        );
    }
}
