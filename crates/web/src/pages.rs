//! Server-rendered pages (maud: HTML escaped by default, type-checked at compile time).
//! Japanese by default; the English switch is remembered in a cookie (`crate::lang`). No
//! external assets: the Digital Agency's design tokens and one stylesheet served from the
//! binary, system fonts, no JavaScript needed.
//! A sibling of `api`: both stand on the shared layer (`state`, `auth`, `lang`, `error`,
//! `accounts`, `watching`, `list_on`, `params`) and neither uses the other.

mod account;
mod applications;
mod audit;
mod cases;
mod check;
mod criteria;
mod crosswalk;
mod dashboard;
mod history;
mod registry;
mod requirements;
mod svg;
mod users;
mod watches;

use crate::auth::guard;
pub(super) use crate::download::attachment;
use crate::state::AppState;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Path};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use ismap_core::access::Permission;
use ismap_core::check::Status;
use ismap_core::lang::Lang;
use ismap_core::redirect::local_path;
use ismap_core::registration::ListingStatus;
use maud::{DOCTYPE, Markup, html};
use std::sync::Arc;

const CSS: &str = include_str!("../static/app.css");
/// デジタル庁デザインシステムのデザイントークン (npm `@digital-go-jp/design-tokens`, MIT):
/// colours, type scale and radii as CSS variables, which `app.css` uses.
const TOKENS_CSS: &str = include_str!("../static/design-tokens.css");
const EDITOR_JS: &str = include_str!("../static/editor.js");

/// A page computed on the render pool, off the async workers: a check of the whole list (or
/// a gap analysis) is real work, and anyone may ask for one. 503 with `Retry-After` when the
/// pool is full.
pub(super) async fn on_pool(
    state: &AppState,
    lang: Lang,
    page: impl FnOnce() -> Response + Send + 'static,
) -> Response {
    match state.render().run(page).await {
        Ok(response) => response,
        Err(busy) => PageError::from((lang, crate::ApiError::from(busy))).into_response(),
    }
}

/// Every page with the permission it needs.
pub fn router() -> Router<Arc<AppState>> {
    use Permission::*;
    Router::new()
        .route("/", guard(ReadList, get(dashboard::page)))
        .route("/registry", guard(ReadList, get(registry::list)))
        .route("/registry/{no}", guard(ReadList, get(registry::detail)))
        .route("/criteria", guard(ReadList, get(criteria::page)))
        .route(
            "/criteria/gap",
            guard(ReadList, get(crosswalk::form)).merge(guard(RunChecks, post(crosswalk::analyse))),
        )
        .route("/criteria/{id}", guard(ReadList, get(criteria::detail)))
        .route("/history", guard(ReadList, get(history::page)))
        .route(
            "/check",
            guard(RunChecks, get(check::form).post(check::results)),
        )
        .route("/check/upload", guard(RunChecks, post(check::upload)))
        .route("/check/sheet", guard(RunChecks, post(check::sheet)))
        .route("/check/download", guard(RunChecks, post(check::download)))
        .route(
            "/login",
            guard(ReadList, get(account::login_form).post(account::login)),
        )
        .route("/logout", guard(OwnAccount, post(account::logout)))
        .route("/account", guard(OwnAccount, get(account::page)))
        .route(
            "/account/tokens",
            guard(OwnAccount, post(account::create_token)),
        )
        .route(
            "/account/tokens/{id}/revoke",
            guard(OwnAccount, post(account::revoke_token)),
        )
        .route(
            "/applications",
            guard(ReadApplications, get(applications::list))
                .merge(guard(Apply, post(applications::create))),
        )
        .route(
            "/applications/{id}",
            guard(ReadApplications, get(applications::detail)),
        )
        .route(
            "/applications/{id}/edit",
            guard(Apply, get(applications::edit_form).post(applications::edit)),
        )
        .route(
            "/applications/{id}/change",
            guard(Apply, post(applications::change)),
        )
        .route(
            "/applications/{id}/action",
            guard(ReadApplications, post(applications::act)),
        )
        .route(
            "/watches",
            guard(Watch, get(watches::page).post(watches::create)),
        )
        .route("/watches/{id}/delete", guard(Watch, post(watches::remove)))
        .route("/webhooks", guard(Watch, post(watches::create_webhook)))
        .route(
            "/webhooks/{id}/delete",
            guard(Watch, post(watches::remove_webhook)),
        )
        .route("/alerts/{id}/read", guard(ReadAlerts, post(watches::read)))
        .route(
            "/cases",
            guard(ManageCases, get(cases::list).post(cases::create)),
        )
        .route("/cases/{id}", guard(ManageCases, get(cases::detail)))
        .route("/cases/{id}/check", guard(ManageCases, post(cases::check)))
        .route(
            "/cases/{id}/resolutions",
            guard(ManageCases, post(cases::resolve))
                .layer(DefaultBodyLimit::max(crate::UPLOAD_LIMIT)),
        )
        .route(
            "/cases/{id}/resolutions/{entry}/approval",
            guard(ManageCases, post(cases::approve)),
        )
        .route(
            "/cases/{id}/decision",
            guard(ManageCases, post(cases::decide)),
        )
        .route(
            "/cases/{id}/decision/approval",
            guard(ManageCases, post(cases::approve_decision)),
        )
        .route(
            "/cases/{id}/reopen",
            guard(ManageCases, post(cases::reopen)),
        )
        .route(
            "/cases/{id}/record.pdf",
            guard(ManageCases, get(cases::record_pdf)),
        )
        .route(
            "/cases/{id}/profile",
            guard(ManageCases, post(cases::set_profile)),
        )
        .route(
            "/cases/{id}/evidence",
            guard(ManageCases, post(cases::evidence)),
        )
        .route(
            "/cases/{id}/attachments/{sha256}",
            guard(ManageCases, get(cases::attachment)),
        )
        .route("/audit", guard(ReadAuditTrail, get(audit::page)))
        .route(
            "/account/password",
            guard(OwnAccount, post(account::change_password)),
        )
        .route(
            "/users",
            guard(ManageAccounts, get(users::page).post(users::create)),
        )
        .route(
            "/users/{name}/disable",
            guard(ManageAccounts, post(users::disable)),
        )
        .route(
            "/users/{name}/enable",
            guard(ManageAccounts, post(users::enable)),
        )
        .route("/lang/{code}", guard(ReadList, get(switch_language)))
        .route("/static/app.css", guard(ReadList, get(css)))
        .route(
            "/static/design-tokens.css",
            guard(ReadList, get(tokens_css)),
        )
        .route("/static/editor.js", guard(ReadList, get(editor_js)))
}

/// The hidden CSRF field for forms (empty for the public, who have no session to abuse).
pub fn csrf_field() -> Markup {
    match crate::auth::current().csrf {
        Some(token) => html! { input type="hidden" name=(crate::auth::CSRF_FIELD) value=(token); },
        None => html! {},
    }
}

/// Text in the page's language.
/// An instant as people read it: Japan time (stored in UTC). `at` is RFC 3339, as the audit
/// trail records it; anything else is shown as written.
pub fn japan_time(at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(at).map_or_else(
        |_| at.to_owned(),
        |t| {
            ismap_core::validity::japan_time(t.to_utc())
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        },
    )
}

pub fn t(lang: Lang, ja: &'static str, en: &'static str) -> &'static str {
    lang.pick(ja, en)
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Dashboard,
    Registry,
    Criteria,
    Check,
    History,
    Applications,
    Watches,
    Cases,
    Audit,
    Account,
    Users,
}

/// The page frame: header with navigation and language switch, main content, footer.
pub fn layout(lang: Lang, title: &str, nav: Nav, here: &str, body: Markup) -> Markup {
    let current = |n: Nav| if n == nav { Some("page") } else { None };
    let other = match lang {
        Lang::Ja => ("en", "English"),
        Lang::En => ("ja", "日本語"),
    };
    let back: String = form_urlencoded::byte_serialize(here.as_bytes()).collect();
    let viewer = crate::auth::current();
    let can = |p: Permission| viewer.actor.can(p) && viewer.is_signed_in();
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " | ismap" }
                link rel="stylesheet" href="/static/design-tokens.css";
                link rel="stylesheet" href="/static/app.css";
                script src="/static/editor.js" defer {}
            }
            body {
                a.skip href="#main" { (t(lang, "本文へ移動", "Skip to content")) }
                header.site {
                    div.bar {
                        a.brand href="/" { "ismap" }
                        nav aria-label=(t(lang, "メインメニュー", "Main menu")) {
                            ul {
                                li { a href="/" aria-current=[current(Nav::Dashboard)] { (t(lang, "ダッシュボード", "Dashboard")) } }
                                li { a href="/registry" aria-current=[current(Nav::Registry)] { (t(lang, "クラウドサービスリスト", "Registry")) } }
                                li { a href="/criteria" aria-current=[current(Nav::Criteria)] { (t(lang, "管理基準", "Criteria")) } }
                                li { a href="/check" aria-current=[current(Nav::Check)] { (t(lang, "調達チェック", "Procurement check")) } }
                                li { a href="/history" aria-current=[current(Nav::History)] { (t(lang, "変更履歴", "History")) } }
                                @if can(Permission::ReadApplications) {
                                    li { a href="/applications" aria-current=[current(Nav::Applications)] { (t(lang, "申請", "Applications")) } }
                                }
                                @if can(Permission::Watch) {
                                    li { a href="/watches" aria-current=[current(Nav::Watches)] { (t(lang, "監視と通知", "Watches")) } }
                                }
                                @if can(Permission::ManageCases) {
                                    li { a href="/cases" aria-current=[current(Nav::Cases)] { (t(lang, "調達案件", "Cases")) } }
                                }
                                @if can(Permission::ManageAccounts) {
                                    li { a href="/users" aria-current=[current(Nav::Users)] { (t(lang, "アカウント管理", "Accounts")) } }
                                }
                                @if can(Permission::ReadAuditTrail) {
                                    li { a href="/audit" aria-current=[current(Nav::Audit)] { (t(lang, "監査証跡", "Audit trail")) } }
                                }
                                li { a href="/api/docs/" { "API" } }
                            }
                        }
                        a.lang href={ "/lang/" (other.0) "?back=" (back) } lang=(other.0) hreflang=(other.0) { (other.1) }
                        @if let Some(account) = &viewer.account {
                            a.user href="/account" aria-current=[current(Nav::Account)] { (account.username) " (" (account.role.label(lang)) ")" }
                            form.inline method="post" action="/logout" {
                                (csrf_field())
                                button type="submit" { (t(lang, "ログアウト", "Sign out")) }
                            }
                        } @else if !matches!(nav, Nav::Account) {
                            a.user href="/login" { (t(lang, "ログイン", "Sign in")) }
                        }
                    }
                }
                main id="main" { (body) }
                footer.site {
                    (t(lang, "ismap — ISMAPクラウドサービスリスト・管理基準・調達チェック。", "ismap — the ISMAP cloud service list, control criteria and procurement checks."))
                    " "
                    (t(lang, "公式情報はISMAPポータルで確認してください。", "Confirm official information on the ISMAP portal."))
                }
            }
        }
    }
}

/// A table head with one column header per (Japanese, English) pair.
pub fn head(lang: Lang, columns: &[(&'static str, &'static str)]) -> Markup {
    html! { thead { tr { @for (ja, en) in columns { th scope="col" { (t(lang, ja, en)) } } } } }
}

/// A check status as colour, symbol and word: never colour alone.
pub fn status_badge(status: Status, lang: Lang) -> Markup {
    let (class, symbol) = match status {
        Status::Pass => ("s-pass", "✓"),
        Status::Review => ("s-review", "▲"),
        Status::Fail => ("s-fail", "✕"),
    };
    html! { span class={ "badge " (class) } { (symbol) " " (status.label(lang)) } }
}

pub fn listing_badge(status: ListingStatus, lang: Lang) -> Markup {
    let class = match status {
        ListingStatus::Valid => "s-pass",
        ListingStatus::RenewalPending => "s-review",
        _ => "s-fail",
    };
    html! { span class={ "badge " (class) } { (status.label(lang)) } }
}

/// An error page (bad parameters, unknown registration) in the page's language.
pub struct PageError {
    pub status: StatusCode,
    pub lang: Lang,
    pub message: String,
}

impl PageError {
    pub fn new(status: StatusCode, lang: Lang, message: impl Into<String>) -> Self {
        PageError {
            status,
            lang,
            message: message.into(),
        }
    }
}

impl From<(Lang, crate::ApiError)> for PageError {
    fn from((lang, e): (Lang, crate::ApiError)) -> Self {
        PageError::new(e.status, lang, e.explain(lang))
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let lang = self.lang;
        let title = t(lang, "エラー", "Error");
        let body = html! {
            h1 { (title) }
            div.error-box role="alert" { p { (self.message) } }
            p { a href="/" { (t(lang, "ダッシュボードへ戻る", "Back to the dashboard")) } }
        };
        crate::error::with_retry_after(
            self.status,
            (self.status, layout(lang, title, Nav::Dashboard, "/", body)).into_response(),
        )
    }
}

/// Renders the refusals made outside any page handler (`error::refusal`: unknown paths, the
/// guard, the CSRF check) as error pages in the site's frame; other responses pass through.
/// `lib.rs` layers it inside `auth::identify` (the guard's refusals, framed for the viewer)
/// and outside it (`identify`'s own).
pub async fn refusal_pages(mut response: Response) -> Response {
    let refusal = response
        .extensions_mut()
        .remove::<crate::error::PageRefusal>();
    match refusal {
        Some(r) => PageError::new(response.status(), r.lang, r.detail).into_response(),
        None => response,
    }
}

#[derive(serde::Deserialize)]
pub struct Back {
    back: Option<String>,
}

/// Remembers the language for a year and returns to the page the switch was on.
async fn switch_language(
    Path(code): Path<String>,
    axum::extract::Query(q): axum::extract::Query<Back>,
) -> Response {
    let lang: Lang = code.parse().unwrap_or_default();
    // Only a local path may be the target, never another site.
    let back = q
        .back
        .as_deref()
        .and_then(local_path)
        .unwrap_or("/")
        .to_owned();
    let cookie = format!(
        "lang={}; Path=/; Max-Age=31536000; SameSite=Lax",
        lang.code()
    );
    let mut response = Redirect::to(&back).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

async fn editor_js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        EDITOR_JS,
    )
}

async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        CSS,
    )
}

async fn tokens_css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        TOKENS_CSS,
    )
}

/// A numeric id in a page's path; anything else is a 400 page naming what was expected.
pub struct PageId(pub i32);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for PageId {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, PageError> {
        let lang = crate::lang::lang(&parts.headers);
        match Path::<i32>::from_request_parts(parts, state).await {
            Ok(Path(id)) => Ok(PageId(id)),
            Err(_) => Err(PageError::new(
                StatusCode::BAD_REQUEST,
                lang,
                t(
                    lang,
                    "番号は整数で指定してください: ",
                    "Expected a whole number in the address: ",
                )
                .to_owned()
                    + parts.uri.path(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn instants_are_shown_in_japan_time() {
        let cases = [
            ("2026-12-02T15:30:00+00:00", "2026-12-03 00:30:00"),
            ("2026-12-02T15:30:00.123456Z", "2026-12-03 00:30:00"),
            ("not a time", "not a time"),
        ];
        for (at, shown) in cases {
            assert_eq!(super::japan_time(at), shown, "{at}");
        }
    }
}
