//! Applications for each role: providers draft, edit and submit (one item per line in plain
//! text areas), auditors record audits, operators review and decide. The detail page offers
//! exactly the actions the viewer's role may take in the current phase, and shows the
//! application's history from the audit trail.

use super::{Nav, PageError, PageId, csrf_field, head, layout, t};
use crate::ApiError;
use crate::auth::Viewer;
use crate::lang::UiLang;
use crate::params::today;
use crate::state::AppState;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ismap_core::access::{Permission, Role};
use ismap_core::lang::Lang;
use ismap_core::lifecycle::{Action, ActionKind, Phase};
use ismap_core::registration::StatementStatus;
use ismap_core::validity::ExpiryRule;
use ismap_store::{Application, ApplicationContent, RegionJson, StatementContent};
use maud::{Markup, html};
use std::collections::HashMap;
use std::sync::Arc;

fn page_error(lang: Lang) -> impl Fn(ApiError) -> PageError {
    move |e| PageError::from((lang, e))
}

fn store_error(lang: Lang) -> impl Fn(ismap_store::StoreError) -> PageError {
    move |e| {
        let e = ApiError::from(e);
        match e.status {
            StatusCode::UNPROCESSABLE_ENTITY => {
                PageError::new(e.status, lang, explain(&e, &HashMap::new(), lang))
            }
            _ => PageError::from((lang, e)),
        }
    }
}

/// A refusal as this module's pages say it: the field named as the form names it.
fn explain(e: &ApiError, form: &HashMap<String, String>, lang: Lang) -> String {
    match e
        .body
        .field
        .as_deref()
        .and_then(|f| form_place(form, f, lang))
    {
        Some(place) => format!("{place}: {}", e.detail(lang)),
        None => e.explain(lang),
    }
}

pub async fn list(
    State(state): State<Arc<AppState>>,
    UiLang(lang): UiLang,
    viewer: Viewer,
) -> Result<Markup, PageError> {
    let store = state.db().map_err(page_error(lang))?;
    let apps = store
        .applications(&viewer.actor)
        .await
        .map_err(store_error(lang))?;
    // A provider's reminders of its own registrations' filing deadlines.
    let reminders = match viewer.actor.can(Permission::Apply) {
        true => store
            .alerts(&viewer.actor, 20)
            .await
            .map_err(store_error(lang))?,
        false => Vec::new(),
    };
    let title = t(lang, "申請", "Applications");
    Ok(layout(
        lang,
        title,
        Nav::Applications,
        "/applications",
        html! {
            h1 { (title) }
            @if !reminders.is_empty() {
                section aria-labelledby="reminders" {
                    h2 id="reminders" { (t(lang, "更新申請の期限のお知らせ", "Renewal filing reminders")) }
                    ul { @for a in &reminders { li { (a.raised_on) " " (lang.pick(&a.message_ja, &a.message_en)) } } }
                }
            }
            @if viewer.actor.can(Permission::Apply) {
                form method="post" action="/applications" {
                    (csrf_field())
                    button type="submit" { (t(lang, "新しい申請書を作成する", "Start a new application")) }
                }
            }
            @if apps.is_empty() {
                p { (t(lang, "表示できる申請はありません。", "No applications to show.")) }
            } @else {
                div.table-wrap { table {
                    (head(lang, &[("ID", "ID"), ("サービス名", "Service"), ("事業者", "Provider"), ("監査機関", "Audit body"), ("状態", "Phase"), ("登録番号", "Registration"), ("最終更新日時（日本時間）", "Last updated (JST)")]))
                    tbody { @for a in &apps { tr {
                        td { a href={ "/applications/" (a.id) } { "#" (a.id) } }
                        td { (if a.content.service_name.is_empty() { "-" } else { &a.content.service_name }) }
                        td { (a.provider) }
                        td { (a.content.audit_body.as_deref().unwrap_or("-")) }
                        td { span.badge.s-none { (a.lifecycle.phase.label(lang)) } }
                        td { @if let Some(no) = &a.lifecycle.registration_no { (no) } @else { "-" } }
                        td { (ismap_core::validity::japan_time(a.updated_at).format("%Y-%m-%d %H:%M")) }
                    } } }
                } }
            }
        },
    ))
}

pub async fn create(
    State(state): State<Arc<AppState>>,
    UiLang(lang): UiLang,
    viewer: Viewer,
) -> Result<Redirect, PageError> {
    let snapshot = state.snapshot();
    let app = state
        .db()
        .map_err(page_error(lang))?
        .create_application(
            &viewer.actor,
            ApplicationContent::default(),
            &snapshot.catalog,
        )
        .await
        .map_err(store_error(lang))?;
    Ok(Redirect::to(&format!("/applications/{}/edit", app.id)))
}

fn lines(items: &[String]) -> String {
    items.join("\n")
}

/// Regions one per line, `name, country[, 選択可]` (`selectable` in English).
fn region_lines(regions: &[RegionJson], lang: Lang) -> String {
    regions
        .iter()
        .map(|r| {
            let mut line = format!("{}, {}", r.name, r.country);
            if r.selectable {
                line.push_str(lang.pick(", 選択可", ", selectable"));
            }
            line
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Statements one per line; in Japanese the status is written 実施, 一部実施 or 非該当.
fn statement_lines(statements: &[StatementContent], lang: Lang) -> String {
    statements
        .iter()
        .map(|s| {
            let status = match (lang, s.status.parse::<StatementStatus>()) {
                (Lang::Ja, Ok(status)) => status.label(lang).to_owned(),
                _ => s.status.clone(),
            };
            let mut fields = vec![s.control_id.clone(), status];
            let reason = s.reason.clone().unwrap_or_default();
            if let Some(from) = &s.inherited_from {
                fields.extend([reason, from.clone()]);
            } else if !reason.is_empty() {
                fields.push(reason);
            }
            fields.join(", ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn edit_page(
    lang: Lang,
    app: &Application,
    form: &HashMap<String, String>,
    error: Option<&str>,
) -> Markup {
    let c = &app.content;
    let value = |name: &str, current: String| form.get(name).cloned().unwrap_or(current);
    let title = format!(
        "{} #{}",
        t(lang, "申請書の編集", "Edit application"),
        app.id
    );
    let registered = app.lifecycle.phase.is_published();
    layout(
        lang,
        &title,
        Nav::Applications,
        &format!("/applications/{}/edit", app.id),
        html! {
            h1 { (title) }
            @if registered {
                p.lead { (t(lang, "登録済みのサービスです。この申請書は編集できません。登録内容を変更するには、申請の詳細画面の「変更申請を作成する」から変更申請を行ってください（監査・審査を経て、事務局の承認後に公開されます）。",
                              "This service is registered: this application cannot be edited. To change the registration, start a change application from the application's page (it is audited, reviewed and published once approved).")) }
            }
            @if let Some(e) = error { div.error-box role="alert" { p { (e) } } }
            form.stack method="post" action={ "/applications/" (app.id) "/edit" } {
                (csrf_field())
                div.row {
                    div { label for="service_name" { (t(lang, "サービス名", "Service name")) }
                          input type="text" id="service_name" name="service_name" value=(value("service_name", c.service_name.clone())); }
                    div { label for="program" { (t(lang, "制度", "Program")) }
                          select id="program" name="program" {
                              @for (v, label) in [("ismap", "ISMAP"), ("ismap-liu", "ISMAP-LIU")] {
                                  option value=(v) selected[value("program", c.program.clone()) == v] { (label) }
                              }
                          } }
                    div { label for="service_model" { (t(lang, "サービスモデル", "Service model")) }
                          select id="service_model" name="service_model" {
                              @for v in ["", "IaaS", "PaaS", "SaaS"] {
                                  option value=(v) selected[value("service_model", c.service_model.clone().unwrap_or_default()) == v] { (if v.is_empty() { "-" } else { v }) }
                              }
                          } }
                    div { label for="audit_body" { (t(lang, "監査機関", "Audit body")) }
                          input type="text" id="audit_body" name="audit_body" value=(value("audit_body", c.audit_body.clone().unwrap_or_default())); }
                }
                div { label for="scope_included" { (t(lang, "言明対象範囲に含むもの（1行に1項目）", "Scope: included (one per line)")) }
                      textarea id="scope_included" name="scope_included" { "\n" (value("scope_included", lines(&c.scope_included))) } }
                div { label for="scope_excluded" { (t(lang, "言明対象範囲に含まないもの（1行に1項目）", "Scope: excluded (one per line)")) }
                      textarea id="scope_excluded" name="scope_excluded" { "\n" (value("scope_excluded", lines(&c.scope_excluded))) } }
                div { label for="regions" { (t(lang, "リージョン（名前, 国コード[, 選択可]）", "Regions (name, country[, selectable])")) }
                      textarea id="regions" name="regions" { "\n" (value("regions", region_lines(&c.regions, lang))) }
                      p.hint { (t(lang, "東京, JP / シンガポール, SG, 選択可", "東京, JP / Singapore, SG, selectable")) } }
                div { label for="underlying" { (t(lang, "基盤サービスの登録番号（1行に1件）", "Underlying services (registration numbers, one per line)")) }
                      textarea id="underlying" name="underlying" { "\n" (value("underlying", lines(&c.underlying))) } }
                div { label for="statements" { (t(lang, "管理策の言明（管理策ID, 実施状況[, 理由[, 継承元]]）", "Control statements (control ID, status[, reason[, inherited from]])")) }
                      textarea id="statements" name="statements" rows="12" { "\n" (value("statements", statement_lines(&c.statements, lang))) }
                      p.hint { (t(lang, "5.1.1, 実施 / 9.1.1.B, 非該当, 理由 / 11.1.1, 実施, , C99-0001-1（実施状況: 実施・一部実施・非該当）", "5.1.1, implemented / 9.1.1.B, not_applicable, 理由 / 11.1.1, implemented, , C99-0001-1")) } }
                div.actions {
                    button type="submit" { (t(lang, "保存する", "Save")) }
                    a href={ "/applications/" (app.id) } { (t(lang, "戻る", "Back")) }
                }
            }
        },
    )
}

pub async fn edit_form(
    State(state): State<Arc<AppState>>,
    UiLang(lang): UiLang,
    viewer: Viewer,
    PageId(id): PageId,
) -> Result<Markup, PageError> {
    let app = state
        .db()
        .map_err(page_error(lang))?
        .application(&viewer.actor, id)
        .await
        .map_err(store_error(lang))?;
    Ok(edit_page(lang, &app, &HashMap::new(), None))
}

/// A control status as typed in the form, as its code: the core reads the Japanese word
/// (実施, 一部実施, 非該当) or the code; anything else is kept for the store to refuse.
fn status_code(typed: &str) -> String {
    typed
        .parse::<StatementStatus>()
        .map_or_else(|_| typed.to_owned(), |s| s.as_str().to_owned())
}

/// The form's fields by name, as the page calls them (and the lifecycle's, for refusals of an
/// action): `(name, Japanese, English)`.
const FIELDS: [(&str, &str, &str); 16] = [
    ("service_name", "サービス名", "Service name"),
    ("program", "制度", "Program"),
    ("service_model", "サービスモデル", "Service model"),
    ("audit_body", "監査機関", "Audit body"),
    (
        "scope_included",
        "言明対象範囲に含むもの",
        "Scope: included",
    ),
    (
        "scope_excluded",
        "言明対象範囲に含まないもの",
        "Scope: excluded",
    ),
    ("regions", "リージョン", "Regions"),
    (
        "underlying",
        "基盤サービスの登録番号",
        "Underlying services",
    ),
    ("statements", "管理策の言明", "Control statements"),
    ("registration_no", "登録番号", "Registration number"),
    ("audit_period", "監査対象期間", "Audit period"),
    ("renewal_filed_on", "更新申請日", "Renewal filed on"),
    ("revoked_on", "登録取消日", "Revoked on"),
    ("expires_on", "有効期限", "Expiry date"),
    ("amends", "変更対象の登録番号", "Registration changed"),
    ("id", "申請", "Application"),
];

/// The parts of a line, as the store names them after the item (`statements[2].status`).
const PARTS: [(&str, &str, &str); 5] = [
    ("control_id", "管理策ID", "control ID"),
    ("status", "実施状況", "status"),
    ("inherited_from", "継承元", "inherited from"),
    ("name", "名前", "name"),
    ("country", "国コード", "country"),
];

fn label(
    table: &[(&'static str, &'static str, &'static str)],
    name: &str,
    lang: Lang,
) -> Option<&'static str> {
    table
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, ja, en)| lang.pick(ja, en))
}

/// A text area's lines that are not blank, with their line numbers from 1.
fn filled_lines<'f>(
    form: &'f HashMap<String, String>,
    name: &str,
) -> impl Iterator<Item = (usize, &'f str)> {
    form.get(name)
        .map_or("", String::as_str)
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| (i + 1, l))
}

/// Where the store's field path (`statements[2].status`) is in the form: the text area, the
/// line the provider typed it on and the part of that line. `None` for a path the form does
/// not have.
fn form_place(form: &HashMap<String, String>, field: &str, lang: Lang) -> Option<String> {
    let (name, rest) = field.split_once('[').unwrap_or((field, ""));
    let area = label(&FIELDS, name, lang)?;
    let Some((index, part)) = rest.split_once(']') else {
        return Some(area.to_owned());
    };
    let (line, _) = filled_lines(form, name).nth(index.parse().ok()?)?;
    let part = match part.strip_prefix('.') {
        Some(p) => Some(label(&PARTS, p, lang)?),
        None => None,
    };
    Some(match (lang, part) {
        (Lang::Ja, None) => format!("{area} {line}行目"),
        (Lang::Ja, Some(p)) => format!("{area} {line}行目の{p}"),
        (Lang::En, None) => format!("{area}, line {line}"),
        (Lang::En, Some(p)) => format!("{area}, line {line}, {p}"),
    })
}

/// A line of a form's text area that is not in the expected shape.
fn line_error(
    lang: Lang,
    name: &str,
    (shape_ja, shape_en): (&str, &str),
    line: usize,
    text: &str,
) -> String {
    let area = label(&FIELDS, name, lang).unwrap_or(name);
    match lang {
        Lang::Ja => {
            format!("{area} {line}行目: 「{shape_ja}」の形で書いてください（入力値: {text}）")
        }
        Lang::En => format!("{area}, line {line}: expected \"{shape_en}\", got {text:?}"),
    }
}

/// The form's text areas as content; a line that cannot be read is named by field and line.
fn content_from(form: &HashMap<String, String>, lang: Lang) -> Result<ApplicationContent, String> {
    let get = |k: &str| form.get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
    let items = |k: &str| -> Vec<String> {
        filled_lines(form, k)
            .map(|(_, l)| l.trim().to_owned())
            .collect()
    };
    let mut regions = Vec::new();
    for (i, line) in filled_lines(form, "regions") {
        let parts: Vec<&str> = line.split([',', '、']).map(str::trim).collect();
        let (name, country, selectable) = match parts.as_slice() {
            [name, country] | [name, country, ""] => (name, country, false),
            [name, country, "selectable" | "選択可"] => (name, country, true),
            _ => {
                return Err(line_error(
                    lang,
                    "regions",
                    ("名前, 国コード[, 選択可]", "name, country[, selectable]"),
                    i,
                    line,
                ));
            }
        };
        regions.push(RegionJson {
            name: (*name).into(),
            country: (*country).into(),
            selectable,
        });
    }
    let mut statements = Vec::new();
    for (i, line) in filled_lines(form, "statements") {
        let parts: Vec<&str> = line.splitn(4, ',').map(str::trim).collect();
        let non_empty = |s: Option<&&str>| s.filter(|v| !v.is_empty()).map(|v| (*v).to_owned());
        if parts.len() < 2 {
            return Err(line_error(
                lang,
                "statements",
                (
                    "管理策ID, 実施状況[, 理由[, 継承元]]",
                    "control ID, status[, reason[, inherited from]]",
                ),
                i,
                line,
            ));
        }
        statements.push(StatementContent {
            control_id: parts[0].to_owned(),
            status: status_code(parts[1]),
            reason: non_empty(parts.get(2)),
            inherited_from: non_empty(parts.get(3)),
        });
    }
    let optional = |k: &str| Some(get(k)).filter(|v| !v.is_empty());
    Ok(ApplicationContent {
        program: optional("program").unwrap_or_else(|| ApplicationContent::default().program),
        service_name: get("service_name"),
        service_model: optional("service_model"),
        audit_body: optional("audit_body"),
        scope_included: items("scope_included"),
        scope_excluded: items("scope_excluded"),
        regions,
        underlying: items("underlying"),
        statements,
    })
}

pub async fn edit(
    State(state): State<Arc<AppState>>,
    UiLang(lang): UiLang,
    viewer: Viewer,
    PageId(id): PageId,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let store = state.db().map_err(page_error(lang))?;
    let app = store
        .application(&viewer.actor, id)
        .await
        .map_err(store_error(lang))?;
    let content = match content_from(&form, lang) {
        Ok(c) => c,
        Err(e) => {
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                edit_page(lang, &app, &form, Some(&e)),
            )
                .into_response());
        }
    };
    let snapshot = state.snapshot();
    match store
        .edit_application(&viewer.actor, id, content, &snapshot.catalog)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/applications/{id}")).into_response()),
        Err(e) => {
            let e = ApiError::from(e);
            let message = explain(&e, &form, lang);
            Ok((e.status, edit_page(lang, &app, &form, Some(&message))).into_response())
        }
    }
}

/// The inputs an action's form asks for.
fn action_fields(kind: ActionKind, lang: Lang) -> Markup {
    let date = |name: &str, label: &str| {
        html! {
            div { label for={ (kind.as_str()) "-" (name) } { (label) }
                  input type="date" id={ (kind.as_str()) "-" (name) } name=(name) value=(today().to_string()) required; }
        }
    };
    let reason = html! {
        div { label for={ (kind.as_str()) "-reason" } { (t(lang, "理由", "Reason")) }
              input type="text" id={ (kind.as_str()) "-reason" } name="reason" required; }
    };
    let on = date("on", t(lang, "日付", "Date"));
    match kind {
        ActionKind::RecordAudit => html! {
            (date("start", t(lang, "監査対象期間の開始日", "Audit period start")))
            (date("end", t(lang, "監査対象期間の末日", "Audit period end")))
            div { label for="record_audit-result" { (t(lang, "結果", "Result")) }
                  select id="record_audit-result" name="result" {
                      option value="pass" { (t(lang, "指摘事項なし", "no findings")) }
                      option value="fail" { (t(lang, "指摘事項あり", "findings")) }
                  } }
        },
        ActionKind::Register => html! {
            (on)
            div { label for="register-no" { (t(lang, "登録番号", "Registration number")) }
                  input type="text" id="register-no" name="registration_no" required placeholder="C25-0001-1"; }
        },
        ActionKind::ReturnToProvider => reason,
        ActionKind::DeclineRenewal | ActionKind::Revoke => html! { (on) (reason) },
        ActionKind::FileRenewal | ActionKind::Renew | ActionKind::Expire => on,
        _ => html! {},
    }
}

pub async fn detail(
    State(state): State<Arc<AppState>>,
    UiLang(lang): UiLang,
    viewer: Viewer,
    PageId(id): PageId,
) -> Result<Markup, PageError> {
    let store = state.db().map_err(page_error(lang))?;
    with_history(store, state.rule(), &viewer, id, lang, None).await
}

/// The detail page, read afresh: the application and its history from the audit trail.
async fn with_history(
    store: &ismap_store::Store,
    rule: ExpiryRule,
    viewer: &Viewer,
    id: i32,
    lang: Lang,
    error: Option<&str>,
) -> Result<Markup, PageError> {
    let app = store
        .application(&viewer.actor, id)
        .await
        .map_err(store_error(lang))?;
    let history = store
        .audit_events(Some(&format!("application:{id}")), 100)
        .await
        .map_err(store_error(lang))?;
    Ok(detail_page(lang, viewer, &app, &history, error, rule))
}

fn detail_page(
    lang: Lang,
    viewer: &Viewer,
    app: &Application,
    history: &[ismap_store::AuditEvent],
    error: Option<&str>,
    rule: ExpiryRule,
) -> Markup {
    let l = &app.lifecycle;
    let c = &app.content;
    let mine: Vec<ActionKind> = l
        .available()
        .into_iter()
        .filter(|k| k.role() == viewer.actor.role)
        .collect();
    let title = format!("{} #{}", t(lang, "申請", "Application"), app.id);
    let dash = || "-".to_owned();
    layout(
        lang,
        &title,
        Nav::Applications,
        &format!("/applications/{}", app.id),
        html! {
            h1 { (title) " " (c.service_name) }
            @if let Some(e) = error { div.error-box role="alert" { p { (e) } } }
            dl.fields {
                dt { (t(lang, "状態", "Phase")) } dd { span.badge.s-none { (l.phase.label(lang)) } }
                dt { (t(lang, "事業者", "Provider")) } dd { (app.provider) }
                dt { (t(lang, "監査機関", "Audit body")) } dd { (c.audit_body.clone().unwrap_or_else(dash)) }
                dt { (t(lang, "登録番号", "Registration")) } dd {
                    @if let Some(no) = &l.registration_no { a href={ "/registry/" (no) } { (no) } } @else { "-" } }
                @if let Some(no) = &l.amends {
                    dt { (t(lang, "変更対象の登録", "Changes registration")) } dd { a href={ "/registry/" (no) } { (no) } }
                }
                dt { (t(lang, "監査対象期間", "Audit period")) } dd {
                    @if let Some((s, e)) = l.audit_period { (s) " – " (e) } @else { "-" } }
                dt { (t(lang, "有効期限", "Expires on")) } dd { (l.expires_on(rule).map_or_else(dash, |d| d.to_string())) }
                @if let Some(a) = l.pending_audit {
                    dt { (t(lang, "審査待ちの監査", "Audit under decision")) }
                    dd { (a.start) " – " (a.end) " (" (match a.result { ismap_core::lifecycle::AuditResult::Pass => t(lang, "指摘事項なし", "no findings"), ismap_core::lifecycle::AuditResult::Fail => t(lang, "指摘事項あり", "findings") }) ")" }
                }
                @if let Some(d) = l.renewal_filed_on { dt { (t(lang, "更新申請日", "Renewal filed on")) } dd { (d) } }
                @if let Some(d) = l.revoked_on { dt { (t(lang, "登録取消日", "Revoked on")) } dd { (d) } }
                @if let Some(r) = &l.reason { dt { (t(lang, "理由", "Reason")) } dd { (r) } }
                dt { (t(lang, "言明対象範囲に含むもの", "Scope")) } dd { (c.scope_included.join("、")) }
                dt { (t(lang, "リージョン", "Regions")) } dd { (region_lines(&c.regions, lang).replace('\n', " / ")) }
                dt { (t(lang, "管理策の言明", "Control statements")) } dd { (c.statements.len()) }
            }
            @if viewer.actor.role == Role::Provider && l.phase == Phase::Draft {
                p { a.button.secondary href={ "/applications/" (app.id) "/edit" } { (t(lang, "申請書を編集する", "Edit the application")) } }
            }
            @if viewer.actor.role == Role::Provider && l.registration_no.is_some() && matches!(l.phase, Phase::Registered | Phase::RenewalFiled | Phase::RenewalAudited) {
                form method="post" action={ "/applications/" (app.id) "/change" } {
                    (csrf_field())
                    p.hint { (t(lang, "登録内容（言明対象範囲・リージョン・管理策の言明など）の変更は変更申請として監査・審査を経て、事務局（審査）の承認後に公開されます。", "A change to what is registered (scope, regions, control statements…) is a change application: it is audited and reviewed, and published when an operator approves it.")) }
                    button.secondary type="submit" { (t(lang, "変更申請を作成する", "Open a change application")) }
                }
            }
            @let forms: Vec<ActionKind> = mine.to_vec();
            @if !forms.is_empty() {
                h2 { (t(lang, "この段階でできる操作", "What you can do now")) }
                @for kind in forms {
                    form.stack method="post" action={ "/applications/" (app.id) "/action" } {
                        (csrf_field())
                        input type="hidden" name="action" value=(kind.as_str());
                        fieldset { legend { (kind.label(lang)) }
                            div.row { (action_fields(kind, lang)) }
                            div.actions { button type="submit" { (kind.label(lang)) } }
                        }
                    }
                }
            }
            h2 { (t(lang, "履歴", "History")) }
            div.table-wrap { table {
                (head(lang, &[("日時（日本時間）", "When (JST)"), ("実施者", "Who"), ("操作", "Action")]))
                tbody { @for e in history { tr { td { (super::japan_time(&e.at)) } td { (e.actor) } td { (e.action) } } } }
            } }
        },
    )
}

/// Form fields as the JSON of an [`Action`] (`action` is the tag; empty fields are absent).
fn action_from(form: &HashMap<String, String>) -> Result<Action, String> {
    let object: serde_json::Map<String, serde_json::Value> = form
        .iter()
        .filter(|(k, v)| k.as_str() != crate::auth::CSRF_FIELD && !v.trim().is_empty())
        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.trim().to_owned())))
        .collect();
    serde_json::from_value(serde_json::Value::Object(object)).map_err(|e| e.to_string())
}

pub async fn act(
    State(state): State<Arc<AppState>>,
    UiLang(lang): UiLang,
    viewer: Viewer,
    PageId(id): PageId,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let store = state.db().map_err(page_error(lang))?;
    let outcome = match action_from(&form) {
        Ok(action) => {
            let snapshot = state.snapshot();
            store
                .act(&viewer.actor, id, action, &snapshot.catalog, state.rule())
                .await
                .map_err(ApiError::from)
        }
        Err(e) => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_value",
            e,
        )),
    };
    match outcome {
        Ok(_) => {
            state.after_change().await;
            Ok(Redirect::to(&format!("/applications/{id}")).into_response())
        }
        Err(e) if e.status == StatusCode::NOT_FOUND => Err(PageError::from((lang, e))),
        Err(e) => {
            let page = with_history(
                store,
                state.rule(),
                &viewer,
                id,
                lang,
                Some(&explain(&e, &form, lang)),
            )
            .await?;
            Ok((e.status, page).into_response())
        }
    }
}

/// Opens a change application to a registered service, then its edit form.
pub async fn change(
    State(state): State<Arc<AppState>>,
    UiLang(lang): UiLang,
    viewer: Viewer,
    PageId(id): PageId,
) -> Result<Response, PageError> {
    let store = state.db().map_err(page_error(lang))?;
    let change = store
        .create_change(&viewer.actor, id)
        .await
        .map_err(store_error(lang))?;
    Ok(Redirect::to(&format!("/applications/{}/edit", change.id)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(fields: &[(&str, &str)]) -> HashMap<String, String> {
        fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_refused_field_is_named_where_it_was_typed() {
        let typed = form(&[
            ("statements", "\n5.1.1, 実施\n\n5.1.2, 済み"),
            ("regions", "東京, JPN"),
        ]);
        // (the store's field path, the place in Japanese, in English)
        let cases = [
            (
                "statements[1].status",
                Some("管理策の言明 4行目の実施状況"),
                Some("Control statements, line 4, status"),
            ),
            (
                "regions[0].country",
                Some("リージョン 1行目の国コード"),
                Some("Regions, line 1, country"),
            ),
            (
                "statements[0]",
                Some("管理策の言明 2行目"),
                Some("Control statements, line 2"),
            ),
            ("audit_period", Some("監査対象期間"), Some("Audit period")),
            ("statements[2].status", None, None),
            ("statements[x].status", None, None),
            ("statements[0].unknown", None, None),
            ("unknown", None, None),
        ];
        for (field, ja, en) in cases {
            assert_eq!(
                form_place(&typed, field, Lang::Ja).as_deref(),
                ja,
                "{field}"
            );
            assert_eq!(
                form_place(&typed, field, Lang::En).as_deref(),
                en,
                "{field}"
            );
        }
    }

    #[test]
    fn japanese_words_are_read_as_codes_and_written_back() {
        let content = content_from(
            &form(&[
                ("service_name", "架空サービス"),
                (
                    "regions",
                    "東京, JP\nシンガポール、SG、選択可\nVirginia, US, selectable",
                ),
                (
                    "statements",
                    "5.1.1, 実施\n9.1.1, 非該当, 理由\n11.1.1, 一部実施\n12.1.1, implemented, , C99-0001-1",
                ),
            ]),
            Lang::Ja,
        )
        .expect("content");
        let selectable: Vec<bool> = content.regions.iter().map(|r| r.selectable).collect();
        assert_eq!(selectable, [false, true, true]);
        let codes: Vec<&str> = content
            .statements
            .iter()
            .map(|s| s.status.as_str())
            .collect();
        assert_eq!(
            codes,
            ["implemented", "not_applicable", "partial", "implemented"]
        );
        assert_eq!(
            statement_lines(&content.statements, Lang::Ja),
            "5.1.1, 実施\n9.1.1, 非該当, 理由\n11.1.1, 一部実施\n12.1.1, 実施, , C99-0001-1"
        );
        assert_eq!(
            region_lines(&content.regions, Lang::Ja),
            "東京, JP\nシンガポール, SG, 選択可\nVirginia, US, 選択可"
        );
        assert_eq!(
            statement_lines(&content.statements, Lang::En),
            "5.1.1, implemented\n9.1.1, not_applicable, 理由\n11.1.1, partial\n12.1.1, implemented, , C99-0001-1"
        );
        assert!(region_lines(&content.regions, Lang::En).ends_with("Virginia, US, selectable"));
        let refused = content_from(&form(&[("regions", "東京, JP, 可")]), Lang::Ja)
            .expect_err("an unknown third field");
        assert!(refused.contains("選択可"), "{refused}");
    }
}
