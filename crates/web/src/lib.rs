//! The web application: a REST API under `/api/v1` with its OpenAPI document and Swagger UI,
//! served by axum with request IDs, logging, compression, timeouts and body limits.
//! Pages come on top of the same state and queries.
//!
//! `api` and `pages` are siblings that never use each other: both stand on a shared layer —
//! `state` (the snapshot and the database), `auth` (the `Viewer` and the guard), `lang` (the
//! `UiLang` extractor), `error` (errors and refusals), `accounts` (sign-in, tokens),
//! `watching` (watches and webhooks), `list_on` (the list on a date), `params`, `download`,
//! `render` and `headers`. Only [`app`] names both, to assemble the router.

mod accounts;
mod api;
pub mod auth;
mod download;
mod error;
mod headers;
mod lang;
mod list_on;
mod pages;
mod params;
pub mod render;
mod state;
mod watching;

pub use api::ApiDoc;
pub use error::ApiError;
pub use ismap_report::Origin;
pub use state::{AppState, Deployment, Snapshot};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Request, StatusCode};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Largest request body accepted (a profile is a few kilobytes).
pub const BODY_LIMIT: usize = 1024 * 1024;
/// Largest body of the routes that take a file kept with a case (the file and a form).
pub const UPLOAD_LIMIT: usize = ismap_store::MAX_ATTACHMENT_BYTES + 64 * 1024;

/// The routes that take such a file: `/cases/{id}/resolutions` and
/// `/api/v1/cases/{id}/attachments`.
pub fn takes_upload(path: &str) -> bool {
    let Some(rest) = path
        .strip_prefix("/cases/")
        .or_else(|| path.strip_prefix("/api/v1/cases/"))
    else {
        return false;
    };
    match rest.split_once('/') {
        Some((id, tail)) => {
            !id.is_empty()
                && id.bytes().all(|b| b.is_ascii_digit())
                && (tail == "resolutions" && path.starts_with("/cases/")
                    || tail == "attachments" && path.starts_with("/api/"))
        }
        None => false,
    }
}
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The whole application with its middleware.
pub fn app(state: Arc<AppState>) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    let middleware = ServiceBuilder::new()
        .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                let id = req
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                tracing::info_span!("request", method = %req.method(), uri = %req.uri(), id = %id)
            }),
        )
        .layer(PropagateRequestIdLayer::new(request_id))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(CompressionLayer::new())
        .layer(DefaultBodyLimit::max(BODY_LIMIT));
    api::router()
        .merge(pages::router())
        .fallback(error::not_found)
        // Refusals on page paths become error pages: inside `identify` for the guard's and the
        // fallback's (framed for the viewer), outside it for those `identify` makes itself.
        .layer(axum::middleware::map_response(pages::refusal_pages))
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&state),
            auth::identify,
        ))
        .layer(axum::middleware::map_response(pages::refusal_pages))
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&state),
            headers::security_headers,
        ))
        .with_state(state)
        .layer(middleware)
}

/// A running server: its address, and the task serving it until shutdown.
pub struct Running {
    pub addr: SocketAddr,
    pub task: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// Binds `bind` (port 0 picks a free port), then serves until `shutdown` completes.
pub async fn start(
    state: Arc<AppState>,
    bind: &str,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<Running> {
    let listener = tokio::net::TcpListener::bind(bind).await?;
    let addr = listener.local_addr()?;
    state.listening_on(addr);
    let app = app(state);
    let task = tokio::spawn(async move {
        // The peer address feeds the login throttle per client.
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await
    });
    Ok(Running { addr, task })
}
