//! Sessions, the caller's own account and API tokens, and account management (admin).

use super::{Body, Id};
use crate::ApiError;
use crate::auth::{Viewer, is_secure, login_client, session_cookie};
use crate::state::AppState;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use ismap_core::access::{Actor, Role};
use ismap_store::{Account, LoginRefused, Store, TokenInfo};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::sync::Arc;
use utoipa::ToSchema;

/// The store, or 404 when the server runs on a file or the demo (no accounts there).
pub fn store(state: &AppState) -> Result<&Store, ApiError> {
    state.store().ok_or_else(|| {
        ApiError::not_found("this server runs without a database (--registry or --demo): no accounts, applications or history")
    })
}

/// The signed-in caller's account name (routes guarded by a signed-in permission).
pub fn username(viewer: &Viewer) -> Result<&str, ApiError> {
    viewer
        .account
        .as_ref()
        .map(|a| a.username.as_str())
        .ok_or_else(|| ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", "sign in first"))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    pub username: String,
    pub role: String,
    pub organisation: Option<String>,
    /// Send as `X-CSRF-Token` with state-changing requests made with the session cookie.
    pub csrf_token: Option<String>,
}

fn me(actor: &Actor, csrf_token: Option<String>) -> Me {
    Me {
        username: actor.name.clone(),
        role: actor.role.to_string(),
        organisation: actor.organisation.clone(),
        csrf_token,
    }
}

/// Checks the password and opens a session (cookie); a new session ID every time.
pub async fn open_session(
    state: &AppState,
    headers: &HeaderMap,
    peer: SocketAddr,
    username: &str,
    password: &str,
) -> Result<Result<(String, Me), LoginRefused>, ApiError> {
    let store = store(state)?;
    let client = login_client(state, headers, peer);
    let (cookie, session) = match store.login(username, password, &client).await? {
        Ok(opened) => opened,
        Err(refused) => return Ok(Err(refused)),
    };
    // A session the browser held before is ended, not carried over.
    if let Some(old) = crate::auth::session_value(state, headers) {
        store.logout(old).await?;
    }
    let me = me(&session.account.actor(), Some(session.csrf_token));
    Ok(Ok((session_cookie(&cookie, is_secure(state, headers)), me)))
}

pub fn refused(r: LoginRefused) -> ApiError {
    match r {
        LoginRefused::Throttled => ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "throttled",
            "too many failed logins for this user: try again in 15 minutes",
        ),
        LoginRefused::ClientThrottled => ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "throttled",
            "too many failed logins from this address: try again in 15 minutes",
        ),
        LoginRefused::BadCredentials => ApiError::new(
            StatusCode::UNAUTHORIZED,
            "bad_credentials",
            "unknown user name or wrong password",
        ),
    }
}

/// Sign in / ログイン
#[utoipa::path(post, path = "/api/v1/session", tag = "accounts", request_body = Credentials,
    responses((status = 200, description = "Signed in; the session cookie is set", body = Me),
              (status = 401, description = "Wrong credentials", body = crate::error::ErrorBody),
              (status = 429, description = "Throttled", body = crate::error::ErrorBody)))]
pub async fn login(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Body(c): Body<Credentials>,
) -> Result<Response, ApiError> {
    match open_session(&state, &headers, peer, &c.username, &c.password).await? {
        Ok((cookie, me)) => Ok(([(header::SET_COOKIE, cookie)], Json(me)).into_response()),
        Err(r) => Err(refused(r)),
    }
}

/// Sign out / ログアウト
#[utoipa::path(delete, path = "/api/v1/session", tag = "accounts",
    responses((status = 204, description = "Signed out")))]
pub async fn logout(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if let Some(value) = crate::auth::session_value(&state, &headers) {
        store(&state)?.logout(value).await?;
    }
    let cookie = session_cookie("", is_secure(&state, &headers));
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}

/// The caller / 利用者情報
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", responses((status = 200, description = "The caller", body = Me)))]
pub async fn whoami(Extension(viewer): Extension<Viewer>) -> Json<Me> {
    Json(me(&viewer.actor, viewer.csrf.clone()))
}

/// (Unknown fields are ignored: the page's form posts its CSRF field with these.)
#[derive(Deserialize, ToSchema)]
pub struct NewToken {
    pub name: String,
    /// The caller's password again: a stolen session alone cannot mint lasting access
    pub password: String,
    /// Days the token stays valid, 1 to 366 (default 90)
    pub days: Option<u32>,
}

/// Issues a token to the signed-in caller once their password checks out (throttled like a
/// login; shared by the API and the account page).
pub async fn issue_token(
    state: &AppState,
    headers: &HeaderMap,
    peer: SocketAddr,
    viewer: &Viewer,
    t: &NewToken,
) -> Result<IssuedToken, ApiError> {
    let name = username(viewer)?;
    let store = store(state)?;
    let client = login_client(state, headers, peer);
    if let Err(r) = store.confirm_password(name, &t.password, &client).await? {
        return Err(refused(r));
    }
    let days = t.days.unwrap_or(ismap_store::TOKEN_DAYS);
    let (id, token) = store.create_token(name, name, t.name.trim(), days).await?;
    Ok(IssuedToken { id, token, days })
}

/// The caller's API tokens / APIトークンの一覧
#[utoipa::path(get, path = "/api/v1/tokens", tag = "accounts", responses((status = 200, description = "Tokens (never their values)", body = Vec<TokenInfo>)))]
pub async fn tokens(
    State(state): State<Arc<AppState>>,
    Extension(viewer): Extension<Viewer>,
) -> Result<Json<Vec<TokenInfo>>, ApiError> {
    Ok(Json(store(&state)?.tokens(username(&viewer)?).await?))
}

/// A token just issued: its value is shown this once and never stored.
#[derive(Serialize, ToSchema)]
pub struct IssuedToken {
    pub id: i32,
    /// `Authorization: Bearer <token>`
    pub token: String,
    /// Days it stays valid
    pub days: u32,
}

/// Issue an API token (its value is shown once) / APIトークンを発行する
#[utoipa::path(post, path = "/api/v1/tokens", tag = "accounts", request_body = NewToken,
    responses((status = 201, description = "The token", body = IssuedToken),
              (status = 401, description = "Wrong password", body = crate::error::ErrorBody),
              (status = 409, description = "Too many live tokens", body = crate::error::ErrorBody),
              (status = 429, description = "Throttled", body = crate::error::ErrorBody)))]
pub async fn create_token(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(viewer): Extension<Viewer>,
    Body(t): Body<NewToken>,
) -> Result<Response, ApiError> {
    let issued = issue_token(&state, &headers, peer, &viewer, &t).await?;
    Ok((StatusCode::CREATED, Json(issued)).into_response())
}

/// Revoke one of the caller's API tokens / APIトークンを無効にする
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "accounts",
    params(("id" = i32, Path, description = "Token id")),
    responses((status = 204, description = "Revoked"), (status = 404, description = "No such live token", body = crate::error::ErrorBody)))]
pub async fn revoke_token(
    State(state): State<Arc<AppState>>,
    Extension(viewer): Extension<Viewer>,
    Id(id): Id,
) -> Result<StatusCode, ApiError> {
    let name = username(&viewer)?;
    if store(&state)?.revoke_token(name, name, id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found(format!("no live token {id}")))
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    pub username: String,
    pub password: String,
    /// admin, operator, auditor, provider or procurer
    pub role: String,
    pub organisation: Option<String>,
    pub email: Option<String>,
}

/// Accounts (administrators) / アカウントの一覧
#[utoipa::path(get, path = "/api/v1/users", tag = "accounts", responses((status = 200, description = "Accounts", body = Vec<Account>)))]
pub async fn users(State(state): State<Arc<AppState>>) -> Result<Json<Vec<Account>>, ApiError> {
    Ok(Json(store(&state)?.accounts().await?))
}

/// Create an account (administrators) / アカウントを作成する
#[utoipa::path(post, path = "/api/v1/users", tag = "accounts", request_body = NewUser,
    responses((status = 201, description = "Created", body = Account), (status = 422, description = "Invalid", body = crate::error::ErrorBody)))]
pub async fn create_user(
    State(state): State<Arc<AppState>>,
    Extension(viewer): Extension<Viewer>,
    Body(u): Body<NewUser>,
) -> Result<Response, ApiError> {
    let role: Role = u.role.parse().map_err(|e: String| {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_value", e).field("role")
    })?;
    let account = store(&state)?
        .add_user(
            &viewer.actor.name,
            &u.username,
            &u.password,
            role,
            u.organisation.as_deref(),
            u.email.as_deref(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(account)).into_response())
}
