//! A procurer's watches with their contract periods, the alerts raised, and the webhooks
//! alerts go to.

use super::{Nav, PageError, PageId, csrf_field, head, layout, t};
use crate::ApiError;
use crate::auth::Viewer;
use crate::lang::UiLang;
use crate::state::AppState;
use crate::watching::{Item, NewWatch, NewWebhook, add_watch, add_webhook};
use axum::extract::{Form, State};
use axum::response::{IntoResponse, Redirect, Response};
use ismap_core::lang::Lang;
use maud::{Markup, html};
use std::sync::Arc;

async fn render(
    state: &AppState,
    viewer: &Viewer,
    lang: Lang,
    error: Option<String>,
) -> Result<Markup, PageError> {
    let err = |e: ismap_store::StoreError| PageError::from((lang, ApiError::from(e)));
    let store = state.db().map_err(|e| PageError::from((lang, e)))?;
    let watches = store.watches(&viewer.actor).await.map_err(err)?;
    let alerts = store.alerts(&viewer.actor, 100).await.map_err(err)?;
    let hooks = store.webhooks(&viewer.actor).await.map_err(err)?;
    let title = t(lang, "監視と通知", "Watches and alerts");
    Ok(layout(
        lang,
        title,
        Nav::Watches,
        "/watches",
        html! {
            h1 { (title) }
            p.lead { (t(lang, "契約で利用している登録を監視し、有効期限・更新・言明対象範囲やリージョンの変更・登録取消を通知します。",
                          "Watch the registrations your contracts use: expiry, renewal, scope and region changes and revocation are notified.")) }
            @if let Some(e) = &error { div.error-box role="alert" { p { (e) } } }
            h2 { (t(lang, "通知", "Alerts")) }
            @if alerts.is_empty() { p { (t(lang, "通知はありません。", "No alerts.")) } } @else {
                div.table-wrap { table {
                    (head(lang, &[("日付", "Date"), ("登録番号", "Registration"), ("内容", "Alert"), ("", "")]))
                    tbody { @for a in &alerts { tr {
                        td { (a.raised_on) }
                        td { a href={ "/registry/" (a.registration_no) } { (a.registration_no) } }
                        td { @if a.read { (lang.pick(&a.message_ja, &a.message_en)) } @else { strong { (lang.pick(&a.message_ja, &a.message_en)) } } }
                        td { @if !a.read {
                            form method="post" action={ "/alerts/" (a.id) "/read" } { (csrf_field()) button.secondary type="submit" { (t(lang, "既読にする", "Mark read")) } }
                        } }
                    } } }
                } }
            }
            h2 { (t(lang, "監視中の登録", "Watched registrations")) }
            @if !watches.is_empty() {
                div.table-wrap { table {
                    (head(lang, &[("登録番号", "Registration"), ("契約期間", "Contract period"), ("メモ", "Label"), ("監視する管理策", "Controls watched"), ("", "")]))
                    tbody { @for w in &watches { tr {
                        td { a href={ "/registry/" (w.registration_no) } { (w.registration_no) } }
                        td { (w.contract_start) " – " (w.contract_end) }
                        td { (w.label) }
                        td { (if w.controls.is_empty() { "-".to_owned() } else { w.controls.join("、") }) }
                        td { form method="post" action={ "/watches/" (w.id) "/delete" } { (csrf_field()) button.secondary type="submit" { (t(lang, "監視をやめる", "Stop watching")) } } }
                    } } }
                } }
            }
            form.stack method="post" action="/watches" {
                (csrf_field())
                fieldset { legend { (t(lang, "登録を監視する", "Watch a registration")) }
                    div.row {
                        div { label for="w-no" { (t(lang, "登録番号", "Registration number")) } input type="text" id="w-no" name="registration_no" required; }
                        div { label for="w-start" { (t(lang, "契約開始日", "Contract start")) } input type="date" id="w-start" name="contract_start" required; }
                        div { label for="w-end" { (t(lang, "契約終了日", "Contract end")) } input type="date" id="w-end" name="contract_end" required; }
                        div { label for="w-label" { (t(lang, "メモ", "Label")) } input type="text" id="w-label" name="label"; }
                    }
                    label for="w-controls" { (t(lang, "監視する管理策（任意、カンマ区切り。一部実施・非該当に変わると通知）", "Controls watched (optional, comma-separated; alerts when one turns partial or not applicable)")) }
                    input type="text" id="w-controls" name="controls" placeholder="9.2.3, 12.4.1";
                    div.actions { button type="submit" { (t(lang, "監視する", "Watch")) } }
                }
            }
            h2 { "Webhook" }
            @for h in &hooks {
                form.inline method="post" action={ "/webhooks/" (h.id) "/delete" } {
                    (csrf_field()) code { (h.url) } " "
                    button.secondary type="submit" { (t(lang, "削除する", "Remove")) }
                }
            }
            form.stack method="post" action="/webhooks" {
                (csrf_field())
                fieldset { legend { (t(lang, "Webhookを追加する", "Add a webhook")) }
                    div.row {
                        div { label for="h-url" { "URL" } input type="text" id="h-url" name="url" required placeholder="https://"; }
                        div { label for="h-secret" { (t(lang, "署名鍵（16文字以上）", "Signing key (16+ characters)")) } input type="password" id="h-secret" name="secret" required; }
                    }
                    p.hint { (t(lang, "通知はJSONでPOSTされ、X-Ismap-Signature ヘッダーに t=時刻,sha256=HMAC が付きます。",
                                  "Alerts are POSTed as JSON with an X-Ismap-Signature header t=time,sha256=HMAC.")) }
                    div.actions { button type="submit" { (t(lang, "追加する", "Add")) } }
                }
            }
        },
    ))
}

pub async fn page(
    State(state): State<Arc<AppState>>,
    UiLang(lang): UiLang,
    viewer: Viewer,
) -> Result<Markup, PageError> {
    render(&state, &viewer, lang, None).await
}

/// Back to the page on success; the page with the error otherwise.
async fn outcome<T>(
    state: &AppState,
    viewer: &Viewer,
    lang: Lang,
    result: Result<T, ApiError>,
) -> Result<Response, PageError> {
    match result {
        Ok(_) => Ok(Redirect::to("/watches").into_response()),
        Err(e) => {
            let message = e.explain(lang);
            Ok((e.status, render(state, viewer, lang, Some(message)).await?).into_response())
        }
    }
}

pub async fn create(
    State(state): State<Arc<AppState>>,
    UiLang(lang): UiLang,
    viewer: Viewer,
    Form(w): Form<NewWatch>,
) -> Result<Response, PageError> {
    let result = add_watch(&state, &viewer, &w).await;
    outcome(&state, &viewer, lang, result).await
}

pub async fn create_webhook(
    State(state): State<Arc<AppState>>,
    UiLang(lang): UiLang,
    viewer: Viewer,
    Form(w): Form<NewWebhook>,
) -> Result<Response, PageError> {
    let result = add_webhook(&state, &viewer, &w).await;
    outcome(&state, &viewer, lang, result).await
}

/// A button on one of the viewer's items, then back to the page.
async fn act(
    state: &AppState,
    lang: Lang,
    viewer: &Viewer,
    item: Item,
    id: i32,
) -> Result<Response, PageError> {
    let result = item.act(state, viewer, id).await;
    outcome(state, viewer, lang, result).await
}

pub async fn remove(
    State(state): State<Arc<AppState>>,
    UiLang(lang): UiLang,
    viewer: Viewer,
    PageId(id): PageId,
) -> Result<Response, PageError> {
    act(&state, lang, &viewer, Item::Watch, id).await
}

pub async fn remove_webhook(
    State(state): State<Arc<AppState>>,
    UiLang(lang): UiLang,
    viewer: Viewer,
    PageId(id): PageId,
) -> Result<Response, PageError> {
    act(&state, lang, &viewer, Item::Webhook, id).await
}

pub async fn read(
    State(state): State<Arc<AppState>>,
    UiLang(lang): UiLang,
    viewer: Viewer,
    PageId(id): PageId,
) -> Result<Response, PageError> {
    act(&state, lang, &viewer, Item::Alert, id).await
}
