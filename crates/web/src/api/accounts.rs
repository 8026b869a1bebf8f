//! Sessions, the caller's own account and API tokens, and account management (admin). Signing
//! in and issuing tokens are `crate::accounts`', shared with the pages.

use super::{Body, Id};
use crate::ApiError;
use crate::accounts::{IssuedToken, NewToken, issue_token, open_session, refused, username};
use crate::auth::{Viewer, is_secure, session_cookie};
use crate::state::AppState;
use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ismap_core::access::{Actor, Role};
use ismap_store::{Account, TokenInfo};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::sync::Arc;
use utoipa::ToSchema;

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
        Ok((cookie, session)) => {
            let me = me(&session.account.actor(), Some(session.csrf_token));
            Ok(([(header::SET_COOKIE, cookie)], Json(me)).into_response())
        }
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
        state.db()?.logout(value).await?;
    }
    let cookie = session_cookie("", is_secure(&state, &headers));
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}

/// The caller / 利用者情報
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", responses((status = 200, description = "The caller", body = Me)))]
pub async fn whoami(viewer: Viewer) -> Json<Me> {
    Json(me(&viewer.actor, viewer.csrf.clone()))
}

/// The caller's API tokens / APIトークンの一覧
#[utoipa::path(get, path = "/api/v1/tokens", tag = "accounts", responses((status = 200, description = "Tokens (never their values)", body = Vec<TokenInfo>)))]
pub async fn tokens(
    State(state): State<Arc<AppState>>,
    viewer: Viewer,
) -> Result<Json<Vec<TokenInfo>>, ApiError> {
    Ok(Json(state.db()?.tokens(username(&viewer)?).await?))
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
    viewer: Viewer,
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
    viewer: Viewer,
    Id(id): Id,
) -> Result<StatusCode, ApiError> {
    let name = username(&viewer)?;
    if state.db()?.revoke_token(name, name, id).await? {
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
    Ok(Json(state.db()?.accounts().await?))
}

/// Create an account (administrators) / アカウントを作成する
#[utoipa::path(post, path = "/api/v1/users", tag = "accounts", request_body = NewUser,
    responses((status = 201, description = "Created", body = Account), (status = 422, description = "Invalid", body = crate::error::ErrorBody)))]
pub async fn create_user(
    State(state): State<Arc<AppState>>,
    viewer: Viewer,
    Body(u): Body<NewUser>,
) -> Result<Response, ApiError> {
    let role: Role = u.role.parse().map_err(|e: String| {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_value", e).field("role")
    })?;
    let account = state
        .db()?
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
