//! Sign in and out, and the signed-in user's own page: role, organisation, API tokens.

use super::{Nav, PageError, PageId, csrf_field, layout, t};
use crate::ApiError;
use crate::accounts::{IssuedToken, NewToken, issue_token, open_session, refused};
use crate::auth::{
    CSRF_FIELD, Viewer, is_secure, login_client, login_cookie, login_token_matches, session_cookie,
};
use crate::lang::{UiLang, lang};
use crate::state::AppState;
use axum::extract::{ConnectInfo, Form, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use ismap_core::lang::Lang;
use ismap_core::validity::japan_time;
use ismap_store::LoginRefused;
use maud::{Markup, html};
use serde::Deserialize;
use std::net::SocketAddr;
use std::sync::Arc;

#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

/// Only a local path may follow a login, never another site.
fn local(next: Option<&str>) -> String {
    next.and_then(ismap_core::redirect::local_path)
        .unwrap_or("/")
        .to_owned()
}

/// The login page with a fresh form token, and the cookie that holds the same token.
fn form(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    next: &str,
    error: Option<&str>,
) -> Response {
    let token = ismap_store::random_token();
    let cookie = login_cookie(&token, is_secure(state, headers));
    let page = form_page(lang(headers), next, error, &token);
    (status, [(header::SET_COOKIE, cookie)], page).into_response()
}

fn form_page(lang: Lang, next: &str, error: Option<&str>, token: &str) -> Markup {
    let title = t(lang, "ログイン", "Sign in");
    layout(
        lang,
        title,
        Nav::Account,
        "/login",
        html! {
            h1 { (title) }
            @if let Some(e) = error { div.error-box role="alert" { p { (e) } } }
            form.stack method="post" action="/login" {
                input type="hidden" name=(CSRF_FIELD) value=(token);
                input type="hidden" name="next" value=(next);
                div { label for="username" { (t(lang, "ユーザー名", "User name")) }
                      input type="text" id="username" name="username" autocomplete="username" required; }
                div { label for="password" { (t(lang, "パスワード", "Password")) }
                      input type="password" id="password" name="password" autocomplete="current-password" required; }
                button type="submit" { (title) }
            }
            p.hint { (t(lang, "アカウントは管理者が発行します。閲覧と調達チェックにログインは不要です。",
                          "Accounts are issued by the administrator. Browsing and checks need no account.")) }
        },
    )
}

pub async fn login_form(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<Next>,
) -> Response {
    form(
        &state,
        &headers,
        StatusCode::OK,
        &local(q.next.as_deref()),
        None,
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
    #[serde(default)]
    csrf: String,
}

pub async fn login(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    UiLang(lang): UiLang,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    let next = local(f.next.as_deref());
    // A form from this server, in this browser (login CSRF): checked before the password.
    if !login_token_matches(&headers, &f.csrf) {
        let message = t(
            lang,
            "ログイン画面の有効期限が切れたか、別のサイトから送信されました。もう一度ログインしてください。",
            "The sign-in form expired or was sent from another site: please sign in again.",
        );
        return form(
            &state,
            &headers,
            StatusCode::FORBIDDEN,
            &next,
            Some(message),
        );
    }
    match open_session(&state, &headers, peer, &f.username, &f.password).await {
        Ok(Ok((cookie, _))) => {
            ([(header::SET_COOKIE, cookie)], Redirect::to(&next)).into_response()
        }
        Ok(Err(r)) => {
            let e = refused(r);
            let message = match r {
                LoginRefused::Throttled => t(
                    lang,
                    "ログインの失敗が続いたため、15分間このユーザーはログインできません。",
                    "Too many failed logins: this user is locked for 15 minutes.",
                ),
                LoginRefused::ClientThrottled => t(
                    lang,
                    "この接続元からのログインの失敗が続いたため、15分間ログインできません。",
                    "Too many failed logins from this address: try again in 15 minutes.",
                ),
                LoginRefused::BadCredentials => t(
                    lang,
                    "ユーザー名またはパスワードが違います。",
                    "Unknown user name or wrong password.",
                ),
            };
            form(&state, &headers, e.status, &next, Some(message))
        }
        Err(e) => PageError::from((lang, e)).into_response(),
    }
}

pub async fn logout(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    if let (Some(store), Some(value)) =
        (state.store(), crate::auth::session_value(&state, &headers))
    {
        let _ = store.logout(value).await;
    }
    let cookie = session_cookie("", is_secure(&state, &headers));
    ([(header::SET_COOKIE, cookie)], Redirect::to("/")).into_response()
}

async fn account_page(
    state: &AppState,
    viewer: &Viewer,
    lang: Lang,
    new_token: Option<IssuedToken>,
    password_error: Option<&str>,
) -> Result<Markup, PageError> {
    let Some(account) = &viewer.account else {
        return Err(PageError::new(
            StatusCode::UNAUTHORIZED,
            lang,
            "sign in first",
        ));
    };
    let store = state.db().map_err(|e| PageError::from((lang, e)))?;
    let tokens = store
        .tokens(&account.username)
        .await
        .map_err(|e| PageError::from((lang, e.into())))?;
    let title = t(lang, "アカウント", "Account");
    let now = chrono::Utc::now();
    Ok(layout(
        lang,
        title,
        Nav::Account,
        "/account",
        html! {
            h1 { (title) }
            dl.fields {
                dt { (t(lang, "ユーザー名", "User name")) } dd { (account.username) }
                dt { (t(lang, "役割", "Role")) } dd { (account.role.label(lang)) }
                dt { (t(lang, "所属", "Organisation")) } dd { (account.organisation.as_deref().unwrap_or("-")) }
                dt { (t(lang, "通知メール", "Alert e-mail")) } dd { (account.email.as_deref().unwrap_or("-")) }
            }
            h2 { (t(lang, "APIトークン", "API tokens")) }
            @if let Some(issued) = &new_token {
                div.notice role="status" {
                    p { (t(lang, "新しいトークン（この画面でのみ表示されます）:", "New token (shown only now):")) " #" (issued.id) }
                    pre { code { (issued.token) } }
                    p { (t(lang, "有効期間: ", "Valid for: ")) (issued.days) (t(lang, "日", " days")) }
                    p.hint { "Authorization: Bearer …" }
                }
            }
            @if tokens.is_empty() { p { (t(lang, "トークンはありません。", "No tokens.")) } } @else {
                div.table-wrap { table {
                    (super::head(lang, &[("ID", "ID"), ("名前", "Name"), ("発行日時", "Created"), ("有効期限", "Expires"), ("状態", "State"), ("", "")]))
                    tbody { @for tk in &tokens { @let live = !tk.revoked && tk.expires_at.is_some_and(|e| e > now); tr {
                        td { (tk.id) } td { (tk.name) } td { (japan_time(tk.created_at).format("%Y-%m-%d %H:%M JST")) }
                        td { @if let Some(e) = tk.expires_at { (japan_time(e).format("%Y-%m-%d %H:%M JST")) } @else { "-" } }
                        td { @if tk.revoked { (t(lang, "無効化済み", "revoked")) } @else if live { (t(lang, "有効", "live")) } @else { (t(lang, "有効期限切れ", "expired")) } }
                        td { @if live {
                            form method="post" action={ "/account/tokens/" (tk.id) "/revoke" } {
                                (csrf_field())
                                button.secondary type="submit" { (t(lang, "無効にする", "Revoke")) }
                            }
                        } }
                    } } }
                } }
            }
            form.stack method="post" action="/account/tokens" {
                (csrf_field())
                div { label for="token-name" { (t(lang, "新しいトークンの名前", "Name of a new token")) }
                      input type="text" id="token-name" name="name" required placeholder="cron"; }
                div { label for="token-days" { (t(lang, "有効日数（1〜366）", "Valid for (days, 1–366)")) }
                      input type="number" id="token-days" name="days" min="1" max="366" value=(ismap_store::TOKEN_DAYS); }
                div { label for="token-password" { (t(lang, "確認のためパスワードを入力", "Your password, to confirm")) }
                      input type="password" id="token-password" name="password" required autocomplete="current-password"; }
                button type="submit" { (t(lang, "発行する", "Issue")) }
            }
            h2 { (t(lang, "パスワードの変更", "Change the password")) }
            @if let Some(e) = password_error { div.error-box role="alert" { p { (e) } } }
            form.stack method="post" action="/account/password" {
                (csrf_field())
                div { label for="current" { (t(lang, "現在のパスワード", "Current password")) }
                      input type="password" id="current" name="current" autocomplete="current-password" required; }
                div { label for="new" { (t(lang, "新しいパスワード（12文字以上）", "New password (12 characters or more)")) }
                      input type="password" id="new" name="new" autocomplete="new-password" minlength="12" required; }
                button type="submit" { (t(lang, "変更して再ログインする", "Change and sign in again")) }
            }
        },
    ))
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current: String,
    new: String,
}

/// Changes the user's own password; every session ends, so the user signs in again.
pub async fn change_password(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    UiLang(lang): UiLang,
    headers: HeaderMap,
    viewer: Viewer,
    Form(f): Form<PasswordForm>,
) -> Result<Response, PageError> {
    let store = state.db().map_err(|e| PageError::from((lang, e)))?;
    let message = match store
        .change_own_password(
            &viewer.actor.name,
            &f.current,
            &f.new,
            &login_client(&state, &headers, peer),
        )
        .await
    {
        Ok(Ok(())) => {
            let cookie = session_cookie("", is_secure(&state, &headers));
            return Ok((
                [(header::SET_COOKIE, cookie)],
                Redirect::to("/login?next=/account"),
            )
                .into_response());
        }
        Ok(Err(r)) => refused(r).explain(lang),
        Err(e) => ApiError::from(e).explain(lang),
    };
    let page = account_page(&state, &viewer, lang, None, Some(&message)).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

pub async fn page(
    State(state): State<Arc<AppState>>,
    UiLang(lang): UiLang,
    viewer: Viewer,
) -> Result<Markup, PageError> {
    account_page(&state, &viewer, lang, None, None).await
}

pub async fn create_token(
    State(state): State<Arc<AppState>>,
    UiLang(lang): UiLang,
    headers: HeaderMap,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    viewer: Viewer,
    Form(f): Form<NewToken>,
) -> Result<Markup, PageError> {
    let issued = issue_token(&state, &headers, peer, &viewer, &f)
        .await
        .map_err(|e| PageError::from((lang, e)))?;
    account_page(&state, &viewer, lang, Some(issued), None).await
}

pub async fn revoke_token(
    State(state): State<Arc<AppState>>,
    UiLang(lang): UiLang,
    viewer: Viewer,
    PageId(id): PageId,
) -> Result<Redirect, PageError> {
    let name = &viewer.actor.name;
    let store = state.db().map_err(|e| PageError::from((lang, e)))?;
    store
        .revoke_token(name, name, id)
        .await
        .map_err(|e| PageError::from((lang, e.into())))?;
    Ok(Redirect::to("/account"))
}
