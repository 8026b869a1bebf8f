//! `/registry` (search, filters, sorting, paging: the API's query, the same parameters) and
//! `/registry/{no}` (one registration).

use super::{Nav, PageError, head, layout, listing_badge, svg, t};
use crate::lang::UiLang;
use crate::list_on::Searchable;
use crate::params::{ListParams, on_or_today};
use crate::state::AppState;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::StatusCode;
use ismap_core::criteria::Part;
use ismap_core::ids::RegistrationNumber;
use ismap_core::lang::Lang;
use ismap_core::registration::{ListingStatus, StatementStatus};
use maud::{Markup, html};
use serde::Deserialize;
use std::sync::Arc;

fn select(name: &str, label: &str, current: Option<&str>, options: &[(&str, &str)]) -> Markup {
    html! {
        div {
            label for=(name) { (label) }
            select id=(name) name=(name) {
                @for (value, text) in options {
                    option value=(value) selected[current == Some(*value)] { (text) }
                }
            }
        }
    }
}

/// The query string with `page` replaced, for the pager.
fn with_page(raw: &str, page: usize) -> String {
    let mut pairs: Vec<(String, String)> = form_urlencoded::parse(raw.as_bytes())
        .filter(|(k, _)| k != "page")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    pairs.push(("page".into(), page.to_string()));
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

pub async fn list(
    State(state): State<Arc<AppState>>,
    UiLang(lang): UiLang,
    RawQuery(raw): RawQuery,
    query: Result<Query<ListParams>, QueryRejection>,
) -> Result<Markup, PageError> {
    let p = query
        .map(|Query(p)| p)
        .map_err(|e| PageError::new(StatusCode::BAD_REQUEST, lang, e.body_text()))?;
    let q = p.query().map_err(|e| PageError::from((lang, e)))?;
    let as_of = p.as_of().map_err(|e| PageError::from((lang, e)))?;
    let list = Searchable::on(&state, as_of)
        .await
        .map_err(|e| PageError::from((lang, e)))?;
    let page = q.run(list.registry(), list.index());
    let all = list.registry().registrations();
    let raw = raw.unwrap_or_default();
    let first = (q.page - 1) * q.per_page + 1;
    let last = first + page.positions.len().saturating_sub(1);
    let status_options: Vec<(&str, &str)> = std::iter::once(("", t(lang, "すべて", "All")))
        .chain(
            [
                ListingStatus::Valid,
                ListingStatus::RenewalPending,
                ListingStatus::Expired,
                ListingStatus::Revoked,
                ListingStatus::NotYetValid,
            ]
            .map(|s| (s.as_str(), s.label(lang))),
        )
        .collect();
    let title = t(lang, "ISMAPクラウドサービスリスト", "Registry");
    let here = format!("/registry?{raw}");
    let body = html! {
        h1 { (title) }
        form.filters method="get" action="/registry" role="search" {
            div.wide {
                label for="q" { (t(lang, "キーワード（サービス名・事業者・言明対象範囲・リージョン・登録番号）", "Words (service, provider, scope, region, registration number)")) }
                input type="search" id="q" name="q" value=(p.q.as_deref().unwrap_or("")) placeholder=(t(lang, "例: 東京 ストレージ", "e.g. Tokyo storage"));
            }
            (select("program", t(lang, "制度", "Program"), p.program.as_deref(), &[("", t(lang, "すべて", "All")), ("ismap", "ISMAP"), ("ismap-liu", "ISMAP-LIU")]))
            (select("status", t(lang, "状態", "Status"), p.status.as_deref(), &status_options))
            (select("model", t(lang, "サービスモデル", "Service model"), p.model.as_deref(), &[("", t(lang, "すべて", "All")), ("IaaS", "IaaS"), ("PaaS", "PaaS"), ("SaaS", "SaaS")]))
            div {
                label for="country" { (t(lang, "国（ISO 2文字）", "Country (ISO 2 letters)")) }
                input type="text" id="country" name="country" maxlength="2" value=(p.country.as_deref().unwrap_or("")) placeholder="JP";
            }
            div {
                label for="region" { (t(lang, "リージョン名", "Region name")) }
                input type="text" id="region" name="region" value=(p.region.as_deref().unwrap_or(""));
            }
            div {
                label for="expiring_within" { (t(lang, "有効期限までN日以内", "Expiring within N days")) }
                input type="number" id="expiring_within" name="expiring_within" min="0" value=(p.expiring_within.as_deref().unwrap_or(""));
            }
            div {
                label for="on" { (t(lang, "状態の基準日", "Status on")) }
                input type="date" id="on" name="on" value=(q.on);
            }
            @if state.store().is_some() {
                div {
                    label for="as_of" { (t(lang, "この日のリスト", "The list as of")) }
                    input type="date" id="as_of" name="as_of" value=(p.as_of.as_deref().unwrap_or(""));
                }
            }
            (select("sort", t(lang, "並び順", "Sort by"), p.sort.as_deref(), &[
                ("registration_no", t(lang, "登録番号", "Registration number")),
                ("service_name", t(lang, "サービス名", "Service name")),
                ("provider", t(lang, "事業者", "Provider")),
                ("registered_on", t(lang, "初回登録日", "First registration date")),
                ("expires_on", t(lang, "有効期限", "Expiry")),
            ]))
            (select("order", t(lang, "順序", "Order"), p.order.as_deref(), &[("asc", t(lang, "昇順", "Ascending")), ("desc", t(lang, "降順", "Descending"))]))
            div.actions.wide { button type="submit" { (t(lang, "検索", "Search")) } a.button.secondary href="/registry" { (t(lang, "条件をクリア", "Clear")) } }
        }
        p role="status" {
            @if page.total == 0 {
                (t(lang, "該当する登録はありません。", "No registration matches."))
            } @else {
                strong { (page.total) } (t(lang, " 件中 ", " matches, showing ")) (first) "–" (last) (t(lang, " 件を表示", ""))
            }
        }
        @if !page.positions.is_empty() {
            div.table-wrap {
                table {
                    caption.meta { (t(lang, "状態の基準日 ", "Status on ")) (q.on) }
                    (head(lang, &[("登録番号", "Registration"), ("サービス名", "Service"), ("事業者", "Provider"), ("制度", "Program"), ("モデル", "Model"), ("状態", "Status"), ("有効期限", "Expires")]))
                    tbody {
                        @for &i in &page.positions {
                            @let r = &all[i];
                            tr {
                                td { a href={ "/registry/" (r.registration_no) } { (r.registration_no) } }
                                td { (r.service_name) }
                                td { (r.provider) }
                                td { (r.program.label()) }
                                td { @match r.service_model { Some(m) => (m.as_str()), None => "-" } }
                                td { (listing_badge(r.status_on(q.on, q.rule), lang)) }
                                td { (r.expires_on(q.rule)) }
                            }
                        }
                    }
                }
            }
            nav.pager aria-label=(t(lang, "ページ", "Pages")) {
                @if q.page > 1 { a href={ "/registry?" (with_page(&raw, q.page - 1)) } rel="prev" { "← " (t(lang, "前へ", "Previous")) } }
                span { (t(lang, "ページ ", "Page ")) (q.page) " / " (page.total.div_ceil(q.per_page).max(1)) }
                @if last < page.total { a href={ "/registry?" (with_page(&raw, q.page + 1)) } rel="next" { (t(lang, "次へ", "Next")) " →" } }
            }
        }
    };
    Ok(layout(lang, title, Nav::Registry, &here, body))
}

#[derive(Debug, Default, Deserialize)]
pub struct DetailParams {
    on: Option<String>,
    /// Filter of the control statement table
    status: Option<String>,
    part: Option<String>,
}

fn part_label(part: Part, lang: Lang) -> &'static str {
    match part {
        Part::Governance => t(lang, "ガバナンス基準", "Governance"),
        Part::Management => t(lang, "マネジメント基準", "Management"),
        Part::Controls => t(lang, "管理策基準", "Controls"),
    }
}

pub async fn detail(
    State(state): State<Arc<AppState>>,
    UiLang(lang): UiLang,
    Path(no): Path<String>,
    Query(p): Query<DetailParams>,
) -> Result<Markup, PageError> {
    let on = on_or_today(p.on.as_deref()).map_err(|e| PageError::from((lang, e)))?;
    let snapshot = state.snapshot();
    let not_found = || {
        PageError::new(
            StatusCode::NOT_FOUND,
            lang,
            format!(
                "{}: {no}",
                t(
                    lang,
                    "ISMAPクラウドサービスリストにない登録番号です",
                    "No such registration"
                )
            ),
        )
    };
    let number = RegistrationNumber::parse(&no).map_err(|_| not_found())?;
    let r = snapshot.registry.get(&number).ok_or_else(not_found)?;
    let rule = state.rule();
    let status = r.status_on(on, rule);
    let catalog = &snapshot.catalog;
    let status_filter: Option<StatementStatus> = p
        .status
        .as_deref()
        .filter(|s| !s.is_empty())
        .and_then(|s| s.parse().ok());
    let part_filter: Option<Part> = p
        .part
        .as_deref()
        .filter(|s| !s.is_empty())
        .and_then(|s| s.parse().ok());
    let statements: Vec<_> = r
        .controls()
        .iter()
        .filter(|s| {
            status_filter.is_none_or(|f| s.status == f)
                && part_filter.is_none_or(|f| catalog.get(s.key).part == f)
        })
        .collect();
    let none = || html! { span.meta { "-" } };
    let title = format!("{} {}", r.registration_no, r.service_name);
    let body = html! {
        p.meta { a href="/registry" { "← " (t(lang, "ISMAPクラウドサービスリスト", "Registry")) } }
        h1 { (r.service_name) }
        p.lead { (r.registration_no) " · " (r.provider) " · " (listing_badge(status, lang)) " " (t(lang, "（状態の基準日 ", "(status on ")) (on) (t(lang, "）", ")")) }
        section aria-labelledby="facts" {
            h2 id="facts" { (t(lang, "登録内容", "Registration")) }
            dl.fields {
                dt { (t(lang, "登録番号", "Registration number")) } dd { (r.registration_no) }
                dt { (t(lang, "サービス名", "Service name")) } dd { (r.service_name) }
                dt { (t(lang, "事業者", "Provider")) } dd { (r.provider) }
                dt { (t(lang, "制度", "Program")) } dd { (r.program.label()) }
                dt { (t(lang, "サービスモデル", "Service model")) } dd { @match r.service_model { Some(m) => (m.as_str()), None => (none()) } }
                dt { (t(lang, "初回登録日", "First registered on")) } dd { (r.registered_on) }
                dt { (t(lang, "監査対象期間", "Audit period")) } dd { (r.audit_period.start()) " – " (r.audit_period.end()) }
                dt { (t(lang, "有効期限", "Expires on")) } dd {
                    (r.expires_on(rule)) " "
                    @match r.expiry_differs(rule) {
                        Some((_, computed)) => span.meta { (t(lang, "（ISMAPクラウドサービスリスト記載の日付。監査対象期間からの算定では ", "(the date the list publishes; counted from the audit period: ")) (computed) (t(lang, "）", ")")) },
                        None if r.published_expiry.is_some() => span.meta { (t(lang, "（ISMAPクラウドサービスリスト記載の日付。監査対象期間からの算定と一致）", "(the date the list publishes; the same as counted from the audit period)")) },
                        None => span.meta { (t(lang, "（監査対象期間の末日の翌日から1年4か月、民法の期間計算）", "(1 year 4 months from the day after the audit period, Civil Code counting)")) },
                    }
                }
                dt { (t(lang, "更新申請日", "Renewal filed on")) } dd { @match r.renewal_filed_on { Some(d) => (d), None => (none()) } }
                dt { (t(lang, "登録取消日", "Revoked on")) } dd { @match r.revoked_on { Some(d) => (d), None => (none()) } }
                dt { (t(lang, "管理基準", "Criteria version")) } dd { (r.criteria_version) }
            }
            h3 { (t(lang, "登録期間の推移", "Registration timeline")) }
            (svg::validity_timeline(lang, &svg::Validity {
                audit: (r.audit_period.start(), r.audit_period.end()),
                registered: r.registered_on,
                expires: r.expires_on(rule),
                renewal_filed: r.renewal_filed_on,
                revoked: r.revoked_on,
                today: on,
            }))
        }
        section aria-labelledby="scope" {
            h2 id="scope" { (t(lang, "言明対象範囲", "Statement scope")) }
            div.row {
                div {
                    h3 { (t(lang, "言明対象範囲に含むもの", "Included")) }
                    @if r.scope.included.is_empty() { p { (none()) } }
                    ul { @for s in &r.scope.included { li { (s.text) } } }
                }
                div {
                    h3 { (t(lang, "言明対象範囲に含まないもの", "Excluded")) }
                    @if r.scope.excluded.is_empty() { p { (none()) } }
                    ul { @for s in &r.scope.excluded { li { (s.text) } } }
                }
            }
        }
        section aria-labelledby="regions" {
            h2 id="regions" { (t(lang, "リージョン", "Regions")) }
            @if r.regions.is_empty() {
                p { (t(lang, "リージョンが記載されていません。", "No regions declared.")) }
            } @else {
                div.table-wrap { table {
                    (head(lang, &[("リージョン", "Region"), ("国", "Country"), ("利用者が選択可能", "Customer can choose")]))
                    tbody { @for g in &r.regions { tr {
                        td { (g.name) } td { (g.country) }
                        td { (if g.selectable { t(lang, "はい（選択可）", "yes (selectable)") } else { t(lang, "いいえ", "no") }) }
                    } } }
                } }
            }
        }
        section aria-labelledby="underlying" {
            h2 id="underlying" { (t(lang, "基盤サービス", "Underlying services")) }
            @if r.underlying.is_empty() {
                p { (t(lang, "基盤サービスの記載はありません。", "No underlying services declared.")) }
            } @else {
                ul { @for u in &r.underlying {
                    li {
                        @match snapshot.registry.get(u) {
                            Some(base) => {
                                a href={ "/registry/" (u) } { (u) " " (base.service_name) } " " (listing_badge(base.status_on(on, rule), lang))
                            }
                            None => { (u) " " (listing_badge(ListingStatus::NotListed, lang)) }
                        }
                    }
                } }
            }
        }
        section aria-labelledby="controls" {
            h2 id="controls" { (t(lang, "管理策の言明", "Control statements")) }
            form.filters method="get" action={ "/registry/" (r.registration_no) "#controls" } {
                input type="hidden" name="on" value=(on);
                (select("status", t(lang, "実施状況", "Status"), p.status.as_deref(), &[
                    ("", t(lang, "すべて", "All")),
                    ("implemented", StatementStatus::Implemented.label(lang)),
                    ("partial", StatementStatus::Partial.label(lang)),
                    ("not_applicable", StatementStatus::NotApplicable.label(lang)),
                ]))
                (select("part", t(lang, "区分", "Part"), p.part.as_deref(), &[
                    ("", t(lang, "すべて", "All")),
                    ("governance", part_label(Part::Governance, lang)),
                    ("management", part_label(Part::Management, lang)),
                    ("controls", part_label(Part::Controls, lang)),
                ]))
                div.actions { button type="submit" { (t(lang, "絞り込む", "Filter")) } }
            }
            p role="status" { (statements.len()) " / " (r.controls().len()) (t(lang, " 件", " statements")) }
            @if !statements.is_empty() {
                div.table-wrap { table {
                    (head(lang, &[("管理策", "Control"), ("区分", "Part"), ("実施状況", "Status"), ("理由", "Reason"), ("継承元", "Inherited from")]))
                    tbody { @for s in &statements {
                        @let c = catalog.get(s.key);
                        tr {
                            td { (c.id) @if let Some(title) = c.title.get(lang) { " " (title) } }
                            td { (part_label(c.part, lang)) }
                            td {
                                @let class = match s.status { StatementStatus::Implemented => "s-pass", StatementStatus::Partial => "s-review", StatementStatus::NotApplicable => "s-fail" };
                                span class={ "badge " (class) } { (s.status.label(lang)) }
                            }
                            td { @match &s.reason { Some(reason) => (reason), None => (none()) } }
                            td { @match &s.inherited_from { Some(u) => { a href={ "/registry/" (u) } { (u) } }, None => (none()) } }
                        }
                    } }
                } }
            }
        }
    };
    Ok(layout(
        lang,
        &title,
        Nav::Registry,
        &format!("/registry/{}", r.registration_no),
        body,
    ))
}
