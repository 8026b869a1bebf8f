//! `/`: counts by program and status, what expires in the next 90/180 days, recent changes and imports.

use super::{Nav, PageError, head, layout, listing_badge, svg, t};
use crate::lang::UiLang;
use crate::params::on_or_today;
use crate::state::AppState;
use axum::extract::{Query, State};
use chrono::Days;
use ismap_core::registration::{ListingStatus, Program};
use maud::{Markup, html};
use serde::Deserialize;
use std::sync::Arc;

#[derive(Deserialize)]
pub struct Params {
    on: Option<String>,
}

const STATUSES: [ListingStatus; 5] = [
    ListingStatus::Valid,
    ListingStatus::RenewalPending,
    ListingStatus::Expired,
    ListingStatus::Revoked,
    ListingStatus::NotYetValid,
];

pub async fn page(
    State(state): State<Arc<AppState>>,
    UiLang(lang): UiLang,
    Query(p): Query<Params>,
) -> Result<Markup, PageError> {
    let on = on_or_today(p.on.as_deref()).map_err(|e| PageError::from((lang, e)))?;
    let snapshot = state.snapshot();
    let all = snapshot.registry.registrations();
    let rule = state.rule();
    let count = |program: Option<Program>, status: Option<ListingStatus>| {
        all.iter()
            .filter(|r| {
                program.is_none_or(|p| r.program == p)
                    && status.is_none_or(|s| r.status_on(on, rule) == s)
            })
            .count()
    };
    let horizon = on.checked_add_days(Days::new(180)).unwrap_or(on);
    let mut expiring: Vec<_> = all
        .iter()
        .filter(|r| r.status_on(on, rule) == ListingStatus::Valid && r.expires_on(rule) <= horizon)
        .collect();
    expiring.sort_by_key(|r| r.expires_on(rule));
    let marks: Vec<_> = expiring
        .iter()
        .map(|r| {
            (
                r.expires_on(rule),
                format!("{} {}", r.registration_no, r.service_name),
            )
        })
        .collect();
    let title = t(lang, "ダッシュボード", "Dashboard");
    let body = html! {
        h1 { (title) }
        p.lead {
            (t(lang, "状態の基準日 ", "Status on ")) (on) " · "
            (t(lang, "ISMAPクラウドサービスリスト ", "Registry ")) (snapshot.origin.describe(lang)) " · "
            (all.len()) (t(lang, " 件", " registrations")) " · SHA-256 "
            code { (snapshot.sha256_ready().and_then(|h| h.get(..12)).unwrap_or("…")) }
        }
        section aria-labelledby="counts" {
            h2 id="counts" { (t(lang, "状態別の件数", "Registrations by status")) }
            div.cards {
                @for s in STATUSES {
                    div.card {
                        div { (listing_badge(s, lang)) }
                        div.num { a href={ "/registry?status=" (s.as_str()) "&on=" (on) } { (count(None, Some(s))) } }
                    }
                }
            }
            h3 { (t(lang, "制度と状態", "Program and status")) }
            div.table-wrap {
                table {
                    thead { tr {
                        th scope="col" { (t(lang, "制度", "Program")) }
                        @for s in STATUSES { th.num scope="col" { (s.label(lang)) } }
                        th.num scope="col" { (t(lang, "計", "Total")) }
                    } }
                    tbody {
                        @for program in [Program::Ismap, Program::IsmapLiu] {
                            tr {
                                th scope="row" { (program.label()) }
                                @for s in STATUSES { td.num { (count(Some(program), Some(s))) } }
                                td.num { (count(Some(program), None)) }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="expiring" {
            h2 id="expiring" { (t(lang, "有効期限が近い登録（180日以内）", "Expiring within 180 days")) }
            p {
                (t(lang, "90日以内: ", "Within 90 days: "))
                strong { (expiring.iter().filter(|r| r.expires_on(rule) <= on.checked_add_days(Days::new(90)).unwrap_or(on)).count()) }
                (t(lang, " 件 / 180日以内: ", " · within 180 days: "))
                strong { (expiring.len()) }
                (t(lang, " 件", ""))
            }
            (svg::expiry_timeline(lang, on, 180, &marks))
            @if !expiring.is_empty() {
                div.table-wrap {
                    table {
                        thead { tr {
                            th scope="col" { (t(lang, "有効期限", "Expires")) }
                            th.num scope="col" { (t(lang, "残り日数", "Days left")) }
                            th scope="col" { (t(lang, "登録番号", "Registration")) }
                            th scope="col" { (t(lang, "サービス名", "Service")) }
                            th scope="col" { (t(lang, "更新申請日", "Renewal filed on")) }
                        } }
                        tbody {
                            @for r in &expiring {
                                tr {
                                    td { (r.expires_on(rule)) }
                                    td.num { (r.expires_on(rule).signed_duration_since(on).num_days()) }
                                    td { a href={ "/registry/" (r.registration_no) } { (r.registration_no) } }
                                    td { (r.service_name) }
                                    td { @match r.renewal_filed_on { Some(d) => (d), None => "-" } }
                                }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="changes" {
            h2 id="changes" { (t(lang, "ISMAPクラウドサービスリストの最近の変更", "Recent changes to the list")) }
            @if snapshot.changes.is_empty() {
                p { (t(lang, "変更の記録はありません（ファイルまたはデモを表示中）。", "No changes recorded (serving a file or the demo).")) }
            } @else {
                div.table-wrap { table {
                    (head(lang, &[("効力発生日", "Effective"), ("登録番号", "Registration"), ("サービス名", "Service"), ("変更", "Change")]))
                    tbody { @for e in &snapshot.changes { tr {
                        td { (e.effective_on) }
                        td { a href={ "/registry/" (e.change.registration_no()) } { (e.change.registration_no()) } }
                        td { (e.change.service_name()) }
                        td { (e.change.describe(lang)) }
                    } } }
                } }
                p { a href="/history" { (t(lang, "変更履歴・フィード・ダウンロード", "History, feeds and downloads")) } }
            }
        }
        @if !snapshot.imports.is_empty() {
            section aria-labelledby="imports" {
                h2 id="imports" { (t(lang, "取込みの記録", "Imports")) }
                div.table-wrap { table {
                    (head(lang, &[("日時（日本時間）", "When (JST)"), ("取込元", "Source"), ("追加", "Added"), ("変更", "Changed"), ("削除", "Removed")]))
                    tbody { @for i in &snapshot.imports { tr {
                        td { (ismap_core::validity::japan_time(i.imported_at).format("%Y-%m-%d %H:%M")) }
                        // The file's name: the server's directories are not public.
                        td { (file_name(&i.source)) }
                        td.num { (i.added) }
                        td.num { (i.changed) }
                        td.num { (i.removed) }
                    } } }
                } }
            }
        }
    };
    Ok(layout(lang, title, Nav::Dashboard, "/", body))
}

/// The last component of an imported file's path.
fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}
