//! The list's history for everyone: the list on a date, what changed between two dates, a
//! JSON Feed and an Atom feed of changes, and full-list downloads (JSON, CSV, XLSX).

use super::params;
use crate::ApiError;
use crate::list_on::registry_on;
use crate::params::{date_param, today};
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use ismap_core::history::EntryChange;
use ismap_core::lang::Lang;
use ismap_formats::registry_json::write_registry;
use ismap_formats::{registry_table, spreadsheet};
use ismap_store::ListEvent;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};

const FEED_ENTRIES: u64 = 100;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DiffParams {
    /// The earlier date, YYYY-MM-DD
    from: Option<String>,
    /// The later date [default: today in Japan]
    to: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ListDiff {
    from: NaiveDate,
    to: NaiveDate,
    changes: Vec<EntryChange>,
}

/// What changed on the list between two dates / 2時点間の変更
#[utoipa::path(get, path = "/api/v1/history/diff", tag = "history", params(DiffParams),
    responses((status = 200, description = "Entries added, removed and changed", body = ListDiff),
              (status = 400, description = "A date is missing or invalid", body = crate::error::ErrorBody)))]
pub async fn list_diff(
    State(state): State<Arc<AppState>>,
    query: Result<Query<DiffParams>, QueryRejection>,
) -> Result<Json<ListDiff>, ApiError> {
    let p = params(query)?;
    let from = date_param("from", p.from.as_deref())?
        .ok_or_else(|| ApiError::bad_parameter("from", "expected a date, YYYY-MM-DD"))?;
    let to = date_param("to", p.to.as_deref())?.unwrap_or_else(today);
    let snapshot = state.snapshot();
    let changes = state
        .db()?
        .list_diff((from, to), &snapshot.catalog, state.rule())
        .await?;
    Ok(Json(ListDiff { from, to, changes }))
}

async fn events(state: &AppState) -> Result<Vec<ListEvent>, ApiError> {
    let snapshot = state.snapshot();
    Ok(state
        .db()?
        .list_changes(FEED_ENTRIES, &snapshot.catalog, state.rule())
        .await?)
}

fn title(e: &ListEvent) -> String {
    format!(
        "{} {} — {}",
        e.change.registration_no(),
        e.change.service_name(),
        e.change.describe(Lang::Ja)
    )
}

/// A JSON Feed 1.1 document (jsonfeed.org/version/1.1).
#[derive(Serialize, ToSchema)]
pub struct JsonFeed {
    #[schema(example = "https://jsonfeed.org/version/1.1")]
    version: &'static str,
    title: &'static str,
    home_page_url: String,
    feed_url: String,
    language: &'static str,
    /// Newest first
    items: Vec<FeedItem>,
}

/// One change to the list; `_ismap` carries it as data (JSON Feed's extension convention).
#[derive(Serialize, ToSchema)]
pub struct FeedItem {
    id: String,
    url: String,
    title: String,
    /// The change described in Japanese, then in English
    content_text: String,
    /// RFC 3339
    date_published: String,
    #[serde(rename = "_ismap")]
    ismap: FeedChange,
}

#[derive(Serialize, ToSchema)]
pub struct FeedChange {
    #[schema(value_type = String, format = Date)]
    effective_on: NaiveDate,
    change: EntryChange,
}

/// Changes to the list as a JSON Feed 1.1 / 変更フィード（JSON）
#[utoipa::path(get, path = "/api/v1/feed.json", tag = "history",
    responses((status = 200, description = "JSON Feed 1.1, newest first", body = JsonFeed,
        content_type = "application/feed+json")))]
pub async fn feed_json(State(state): State<Arc<AppState>>) -> Result<Response, ApiError> {
    let base = state.public_url().to_owned();
    let items = events(&state)
        .await?
        .iter()
        .map(|e| FeedItem {
            id: format!("{base}/api/v1/feed/{}", e.seq),
            url: format!("{base}/registry/{}", e.change.registration_no()),
            title: title(e),
            content_text: format!(
                "{}\n{}",
                e.change.describe(Lang::Ja),
                e.change.describe(Lang::En)
            ),
            date_published: e.recorded_at.to_rfc3339(),
            ismap: FeedChange {
                effective_on: e.effective_on,
                change: e.change.clone(),
            },
        })
        .collect();
    let feed = JsonFeed {
        version: "https://jsonfeed.org/version/1.1",
        title: "ISMAPクラウドサービスリストの変更 / ISMAP list changes",
        home_page_url: format!("{base}/registry"),
        feed_url: format!("{base}/api/v1/feed.json"),
        language: "ja",
        items,
    };
    Ok((
        [(header::CONTENT_TYPE, "application/feed+json")],
        Json(feed),
    )
        .into_response())
}

fn xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Changes to the list as an Atom feed / 変更フィード（Atom）
#[utoipa::path(get, path = "/api/v1/feed.atom", tag = "history",
    responses((status = 200, description = "Atom 1.0, newest first", body = String, content_type = "application/atom+xml")))]
pub async fn feed_atom(State(state): State<Arc<AppState>>) -> Result<Response, ApiError> {
    let base = state.public_url().to_owned();
    let events = events(&state).await?;
    let updated = events.first().map_or_else(
        || chrono::Utc::now().to_rfc3339(),
        |e| e.recorded_at.to_rfc3339(),
    );
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"ja\">\n\
         <title>ISMAPクラウドサービスリストの変更 / ISMAP list changes</title>\n<id>{base}/api/v1/feed.atom</id>\n\
         <link rel=\"self\" href=\"{base}/api/v1/feed.atom\"/>\n<link href=\"{base}/registry\"/>\n<updated>{updated}</updated>\n<author><name>ismap</name></author>\n"
    );
    for e in &events {
        out.push_str(&format!(
            "<entry>\n<id>{base}/api/v1/feed/{seq}</id>\n<title>{title}</title>\n<link href=\"{base}/registry/{no}\"/>\n<updated>{at}</updated>\n<summary>{ja}\n{en} ({effective})</summary>\n</entry>\n",
            seq = e.seq,
            title = xml(&title(e)),
            no = xml(e.change.registration_no().as_str()),
            at = e.recorded_at.to_rfc3339(),
            ja = xml(&e.change.describe(Lang::Ja)),
            en = xml(&e.change.describe(Lang::En)),
            effective = e.effective_on,
        ));
    }
    out.push_str("</feed>\n");
    Ok((
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        out,
    )
        .into_response())
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DownloadParams {
    /// The list as it was on this date, YYYY-MM-DD [default: now]
    as_of: Option<String>,
}

/// The whole list as a file: `json` (canonical), `csv` (UTF-8 with BOM) or `xlsx` / ISMAPクラウドサービスリスト全体のダウンロード
#[utoipa::path(get, path = "/api/v1/downloads/{file}", tag = "history",
    params(("file" = String, Path, description = "registry.json, registry.csv or registry.xlsx"), DownloadParams),
    responses((status = 200, description = "The list", body = String),
              (status = 404, description = "Unknown format", body = crate::error::ErrorBody)))]
pub async fn download(
    State(state): State<Arc<AppState>>,
    Path(file): Path<String>,
    query: Result<Query<DownloadParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let p = params(query)?;
    let as_of = date_param("as_of", p.as_of.as_deref())?;
    let format = file
        .strip_prefix("registry.")
        .ok_or_else(|| ApiError::not_found(format!("no such download {file}")))?
        .to_owned();
    let list = registry_on(&state, as_of).await?;
    let registry = list.registry();
    let snapshot = state.snapshot();
    let name = match as_of {
        Some(d) => format!("ismap-registry-{d}.{format}"),
        None => format!("ismap-registry.{format}"),
    };
    let (content_type, bytes) = match format.as_str() {
        "json" => (
            "application/json",
            write_registry(registry, &snapshot.catalog).into_bytes(),
        ),
        "csv" => {
            let (headers, rows) = registry_table::rows(registry);
            (
                "text/csv; charset=utf-8",
                spreadsheet::write_csv(&headers, &rows),
            )
        }
        "xlsx" => {
            let (headers, rows) = registry_table::rows(registry);
            let bytes = state
                .render()
                .run(move || spreadsheet::write_xlsx(spreadsheet::LIST_SHEET, &headers, &rows))
                .await?
                .map_err(ApiError::internal)?;
            (
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                bytes,
            )
        }
        other => {
            return Err(ApiError::not_found(format!(
                "no download format {other:?}: expected json, csv or xlsx"
            )));
        }
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
