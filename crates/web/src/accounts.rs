//! Signing in and issuing API tokens: the account operations the API and the pages both
//! perform (throttled like a login, answered with the same errors).

use crate::ApiError;
use crate::auth::{Viewer, is_secure, login_client, session_cookie};
use crate::state::AppState;
use axum::http::{HeaderMap, StatusCode};
use ismap_store::{LoginRefused, Session};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use utoipa::ToSchema;

/// The signed-in caller's account name (routes guarded by a signed-in permission).
pub fn username(viewer: &Viewer) -> Result<&str, ApiError> {
    viewer
        .account
        .as_ref()
        .map(|a| a.username.as_str())
        .ok_or_else(|| ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", "sign in first"))
}

/// Checks the password and opens a session: the `Set-Cookie` value and the session. A new
/// session ID every time.
pub async fn open_session(
    state: &AppState,
    headers: &HeaderMap,
    peer: SocketAddr,
    username: &str,
    password: &str,
) -> Result<Result<(String, Session), LoginRefused>, ApiError> {
    let store = state.db()?;
    let client = login_client(state, headers, peer);
    let (cookie, session) = match store.login(username, password, &client).await? {
        Ok(opened) => opened,
        Err(refused) => return Ok(Err(refused)),
    };
    // A session the browser held before is ended, not carried over.
    if let Some(old) = crate::auth::session_value(state, headers) {
        store.logout(old).await?;
    }
    Ok(Ok((
        session_cookie(&cookie, is_secure(state, headers)),
        session,
    )))
}

/// A refused login as an error (401, or 429 when throttled).
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

/// (Unknown fields are ignored: the page's form posts its CSRF field with these.)
#[derive(Deserialize, ToSchema)]
pub struct NewToken {
    pub name: String,
    /// The caller's password again: a stolen session alone cannot mint lasting access
    pub password: String,
    /// Days the token stays valid, 1 to 366 (default 90)
    pub days: Option<u32>,
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
    let store = state.db()?;
    let client = login_client(state, headers, peer);
    if let Err(r) = store.confirm_password(name, &t.password, &client).await? {
        return Err(refused(r));
    }
    let days = t.days.unwrap_or(ismap_store::TOKEN_DAYS);
    let (id, token) = store.create_token(name, name, t.name.trim(), days).await?;
    Ok(IssuedToken { id, token, days })
}
