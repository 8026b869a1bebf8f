//! Server-rendered pages (maud: HTML escaped by default, type-checked at compile time).
//! Japanese by default; the English switch is remembered in a cookie. No external assets:
//! one stylesheet served from the binary, system fonts, no JavaScript needed.

mod check;
mod criteria;
mod dashboard;
mod registry;
mod svg;

use crate::state::AppState;
use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use ismap_core::check::Status;
use ismap_core::lang::Lang;
use ismap_core::registration::ListingStatus;
use maud::{DOCTYPE, Markup, html};
use std::sync::Arc;

const CSS: &str = include_str!("../../static/app.css");

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/", get(dashboard::page))
        .route("/registry", get(registry::list))
        .route("/registry/{no}", get(registry::detail))
        .route("/criteria", get(criteria::page))
        .route("/check", get(check::form).post(check::results))
        .route("/check/upload", post(check::upload))
        .route("/check/sheet", post(check::sheet))
        .route("/check/download", post(check::download))
        .route("/lang/{code}", get(switch_language))
        .route("/static/app.css", get(css))
}

/// The language chosen by this browser (cookie `lang`), Japanese by default.
pub fn lang(headers: &HeaderMap) -> Lang {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix("lang="))
        .and_then(|v| v.parse().ok())
        .unwrap_or_default()
}

/// Text in the page's language.
pub fn t(lang: Lang, ja: &'static str, en: &'static str) -> &'static str {
    lang.pick(ja, en)
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Dashboard,
    Registry,
    Criteria,
    Check,
}

/// The page frame: header with navigation and language switch, main content, footer.
pub fn layout(lang: Lang, title: &str, nav: Nav, here: &str, body: Markup) -> Markup {
    let current = |n: Nav| if n == nav { Some("page") } else { None };
    let other = match lang {
        Lang::Ja => ("en", "English"),
        Lang::En => ("ja", "日本語"),
    };
    let back: String = form_urlencoded::byte_serialize(here.as_bytes()).collect();
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " | ismap" }
                link rel="stylesheet" href="/static/app.css";
            }
            body {
                a.skip href="#main" { (t(lang, "本文へ移動", "Skip to content")) }
                header.site {
                    div.bar {
                        a.brand href="/" { "ismap" }
                        nav aria-label=(t(lang, "メインメニュー", "Main menu")) {
                            ul {
                                li { a href="/" aria-current=[current(Nav::Dashboard)] { (t(lang, "ダッシュボード", "Dashboard")) } }
                                li { a href="/registry" aria-current=[current(Nav::Registry)] { (t(lang, "登録簿", "Registry")) } }
                                li { a href="/criteria" aria-current=[current(Nav::Criteria)] { (t(lang, "管理基準", "Criteria")) } }
                                li { a href="/check" aria-current=[current(Nav::Check)] { (t(lang, "調達チェック", "Procurement check")) } }
                                li { a href="/api/docs/" { "API" } }
                            }
                        }
                        a.lang href={ "/lang/" (other.0) "?back=" (back) } lang=(other.0) hreflang=(other.0) { (other.1) }
                    }
                }
                main id="main" { (body) }
                footer.site {
                    (t(lang, "ismap — ISMAPクラウドサービスリストの登録簿・管理基準・調達チェック。", "ismap — the ISMAP cloud service list, control criteria and procurement checks."))
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
        let message = match e.body.field {
            Some(field) => format!("{field}: {}", e.body.detail),
            None => e.body.detail,
        };
        PageError::new(e.status, lang, message)
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
        (self.status, layout(lang, title, Nav::Dashboard, "/", body)).into_response()
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
        .filter(|b| b.starts_with('/') && !b.starts_with("//"))
        .unwrap_or_else(|| "/".into());
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

async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        CSS,
    )
}
