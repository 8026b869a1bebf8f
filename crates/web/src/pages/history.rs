//! `/history`: the list's changes between two dates, links to the feeds and downloads.

use super::{Nav, PageError, head, layout, t};
use crate::lang::UiLang;
use crate::params::{date_param, today};
use crate::state::AppState;
use axum::extract::{Query, State};
use chrono::Days;
use maud::{Markup, html};
use serde::Deserialize;
use std::sync::Arc;

#[derive(Deserialize)]
pub struct Params {
    from: Option<String>,
    to: Option<String>,
}

pub async fn page(
    State(state): State<Arc<AppState>>,
    UiLang(lang): UiLang,
    Query(p): Query<Params>,
) -> Result<Markup, PageError> {
    let e = |e| PageError::from((lang, e));
    let to = date_param("to", p.to.as_deref())
        .map_err(e)?
        .unwrap_or_else(today);
    let from = date_param("from", p.from.as_deref())
        .map_err(e)?
        .unwrap_or_else(|| to.checked_sub_days(Days::new(90)).unwrap_or(to));
    let has_history = state.store().is_some();
    let changes = match state.store() {
        Some(store) => store
            .list_diff((from, to), &state.snapshot().catalog, state.rule())
            .await
            .map_err(|err| e(err.into()))?,
        None => Vec::new(),
    };
    let title = t(lang, "変更履歴", "History");
    Ok(layout(
        lang,
        title,
        Nav::History,
        "/history",
        html! {
            h1 { (title) }
            p.lead { (t(lang, "任意の2時点の間に、リストに追加・削除された登録と、言明対象範囲・リージョン・有効期限などの変更を示します。",
                          "Entries added to and removed from the list between two dates, and changes of scope, regions, expiry and more.")) }
            form.filters method="get" action="/history" {
                div { label for="from" { (t(lang, "開始日", "From")) } input type="date" id="from" name="from" value=(from.to_string()); }
                div { label for="to" { (t(lang, "終了日", "To")) } input type="date" id="to" name="to" value=(to.to_string()); }
                div { button type="submit" { (t(lang, "表示", "Show")) } }
            }
            @if !has_history {
                p { (t(lang, "ファイルやデモから起動したサーバーには履歴がありません。", "A server started on a file or the demo has no history.")) }
            } @else if changes.is_empty() {
                p { (t(lang, "この期間の変更はありません。", "No changes in this period.")) }
            } @else {
                div.table-wrap { table {
                    (head(lang, &[("登録番号", "Registration"), ("サービス名", "Service"), ("変更", "Change")]))
                    tbody { @for c in &changes { tr {
                        td { a href={ "/registry/" (c.registration_no()) } { (c.registration_no()) } }
                        td { (c.service_name()) }
                        td { (c.describe(lang)) }
                    } } }
                } }
            }
            h2 { (t(lang, "フィードとダウンロード", "Feeds and downloads")) }
            ul {
                li { a href="/api/v1/feed.atom" { "Atom" } " · " a href="/api/v1/feed.json" { "JSON Feed" } }
                li { (t(lang, "リスト全体（", "The whole list (")) (to) "): "
                     a href={ "/api/v1/downloads/registry.json?as_of=" (to) } { "JSON" } " · "
                     a href={ "/api/v1/downloads/registry.csv?as_of=" (to) } { "CSV" } " · "
                     a href={ "/api/v1/downloads/registry.xlsx?as_of=" (to) } { "XLSX" } }
            }
        },
    ))
}
