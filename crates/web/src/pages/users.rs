//! `/users`: accounts for administrators: list, create, disable and enable.

use super::{Nav, PageError, csrf_field, head, layout, t};
use crate::ApiError;
use crate::auth::Viewer;
use crate::lang::UiLang;
use crate::state::AppState;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ismap_core::access::{ROLES, Role};
use ismap_core::lang::Lang;
use maud::{Markup, html};
use serde::Deserialize;
use std::sync::Arc;

async fn render(state: &AppState, lang: Lang, error: Option<String>) -> Result<Markup, PageError> {
    let store = state.db().map_err(|e| PageError::from((lang, e)))?;
    let accounts = store
        .accounts()
        .await
        .map_err(|e| PageError::from((lang, ApiError::from(e))))?;
    let title = t(lang, "アカウント管理", "Accounts");
    Ok(layout(
        lang,
        title,
        Nav::Users,
        "/users",
        html! {
            h1 { (title) }
            @if let Some(e) = &error { div.error-box role="alert" { p { (e) } } }
            div.table-wrap { table {
                (head(lang, &[("ユーザー名", "User name"), ("役割", "Role"), ("所属", "Organisation"), ("メール", "E-mail"), ("状態", "State"), ("", "")]))
                tbody { @for a in &accounts { tr {
                    td { (a.username) }
                    td { (a.role.label(lang)) }
                    td { (a.organisation.as_deref().unwrap_or("-")) }
                    td { (a.email.as_deref().unwrap_or("-")) }
                    td { @if a.disabled { (t(lang, "無効", "disabled")) } @else { (t(lang, "有効", "enabled")) } }
                    td {
                        @let (action, label) = if a.disabled { ("enable", t(lang, "有効にする", "Enable")) } else { ("disable", t(lang, "無効にする", "Disable")) };
                        form method="post" action={ "/users/" (a.username) "/" (action) } {
                            (csrf_field())
                            button.secondary type="submit" aria-label={ (label) " " (a.username) } { (label) }
                        }
                    }
                } } }
            } }
            form.stack method="post" action="/users" {
                (csrf_field())
                fieldset { legend { (t(lang, "アカウントを作成する", "Create an account")) }
                    div.row {
                        div { label for="u-name" { (t(lang, "ユーザー名", "User name")) } input type="text" id="u-name" name="username" required; }
                        div { label for="u-role" { (t(lang, "役割", "Role")) }
                              select id="u-role" name="role" {
                                  @for role in ROLES.into_iter().filter(|r| *r != Role::Public) {
                                      option value=(role.as_str()) { (role.label(lang)) }
                                  }
                              } }
                        div { label for="u-org" { (t(lang, "所属（監査機関・事業者・調達府省庁等）", "Organisation (audit body, provider, agency)")) } input type="text" id="u-org" name="organisation"; }
                        div { label for="u-email" { (t(lang, "通知メール", "Alert e-mail")) } input type="text" id="u-email" name="email"; }
                        div { label for="u-password" { (t(lang, "初期パスワード（12文字以上）", "Initial password (12+ characters)")) } input type="password" id="u-password" name="password" autocomplete="new-password" required; }
                    }
                    div.actions { button type="submit" { (t(lang, "作成する", "Create")) } }
                }
            }
        },
    ))
}

pub async fn page(
    State(state): State<Arc<AppState>>,
    UiLang(lang): UiLang,
) -> Result<Markup, PageError> {
    render(&state, lang, None).await
}

#[derive(Deserialize)]
pub struct NewAccount {
    username: String,
    role: String,
    organisation: Option<String>,
    email: Option<String>,
    password: String,
}

/// Back to the list, or the list with the reason.
async fn outcome(
    state: &AppState,
    lang: Lang,
    result: Result<(), ApiError>,
) -> Result<Response, PageError> {
    match result {
        Ok(()) => Ok(Redirect::to("/users").into_response()),
        Err(e) => Ok((e.status, render(state, lang, Some(e.explain(lang))).await?).into_response()),
    }
}

pub async fn create(
    State(state): State<Arc<AppState>>,
    UiLang(lang): UiLang,
    viewer: Viewer,
    Form(f): Form<NewAccount>,
) -> Result<Response, PageError> {
    let result: Result<(), ApiError> = async {
        let role: Role = f.role.parse().map_err(|e: String| {
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_value", e).field("role")
        })?;
        state
            .db()?
            .add_user(
                &viewer.actor.name,
                f.username.trim(),
                &f.password,
                role,
                f.organisation.as_deref(),
                f.email.as_deref(),
            )
            .await?;
        Ok(())
    }
    .await;
    outcome(&state, lang, result).await
}

async fn set_disabled(
    state: &AppState,
    viewer: &Viewer,
    name: &str,
    disabled: bool,
) -> Result<(), ApiError> {
    Ok(state
        .db()?
        .set_disabled(&viewer.actor.name, name, disabled)
        .await?)
}

pub async fn disable(
    State(state): State<Arc<AppState>>,
    UiLang(lang): UiLang,
    viewer: Viewer,
    Path(name): Path<String>,
) -> Result<Response, PageError> {
    let result = set_disabled(&state, &viewer, &name, true).await;
    outcome(&state, lang, result).await
}

pub async fn enable(
    State(state): State<Arc<AppState>>,
    UiLang(lang): UiLang,
    viewer: Viewer,
    Path(name): Path<String>,
) -> Result<Response, PageError> {
    let result = set_disabled(&state, &viewer, &name, false).await;
    outcome(&state, lang, result).await
}
