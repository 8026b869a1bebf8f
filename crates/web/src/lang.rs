//! The language a browser reads the site in: Japanese unless it chose English (the `lang`
//! cookie set by `/lang/{code}`). Read by the pages and by the error pages of refusals made
//! outside any handler.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use ismap_core::lang::Lang;
use std::convert::Infallible;

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

/// The request's language as an extractor (never fails: Japanese by default), for handlers
/// that read the headers for nothing else: `UiLang(lang): UiLang`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UiLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for UiLang {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Infallible> {
        Ok(UiLang(lang(&parts.headers)))
    }
}
