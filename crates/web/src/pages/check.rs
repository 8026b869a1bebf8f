//! `/check`: the check wizard. A form (or an uploaded profile file) becomes a profile in TOML;
//! every later step (comparison, check sheet, downloads) carries that TOML in a hidden field
//! and parses it again, so the pages go through exactly the validation the CLI uses.

use super::{
    Nav, PageError, attachment, head, lang, layout, listing_badge, on_pool, status_badge, t,
};
use crate::state::{AppState, Snapshot};
use axum::body::Bytes;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use ismap_core::check::{CheckKind, Engine};
use ismap_core::lang::Lang;
use ismap_core::profile::Profile;
use ismap_core::validity::ExpiryRule;
use ismap_formats::InputError;
use ismap_formats::profile_toml::{parse_profile, write_profile};
use ismap_report::{CheckReport, check_summary};
use maud::{Markup, html};
use std::sync::Arc;

/// Beyond this many candidates a side-by-side comparison stops being readable.
const MAX_COMPARED: usize = 20;
const FEATURE_INPUTS: usize = 8;

type Pairs = Vec<(String, String)>;

fn pairs(body: &[u8]) -> Pairs {
    form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn value<'a>(pairs: &'a Pairs, name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.trim())
}

fn values<'a>(pairs: &'a Pairs, name: &str) -> impl Iterator<Item = &'a str> {
    pairs
        .iter()
        .filter(move |(k, _)| k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

/// Splits a list typed into one field: lines, commas (also 、，) and spaces.
fn split_list(text: &str, spaces_too: bool) -> Vec<String> {
    text.split(|c: char| {
        c == '\n' || c == ',' || c == '、' || c == '，' || (spaces_too && c.is_whitespace())
    })
    .map(str::trim)
    .filter(|s| !s.is_empty())
    .map(str::to_owned)
    .collect()
}

/// The wizard's fields as profile TOML (validated afterwards by `parse_profile`).
fn form_to_toml(f: &Pairs) -> String {
    use toml::{Table, Value};
    let strings = |v: Vec<String>| Value::Array(v.into_iter().map(Value::String).collect());
    let mut t = Table::new();
    t.insert("name".into(), Value::String(value(f, "name").to_owned()));
    if !value(f, "agency").is_empty() {
        t.insert(
            "agency".into(),
            Value::String(value(f, "agency").to_owned()),
        );
    }
    if !value(f, "evaluation_date").is_empty() {
        t.insert(
            "evaluation_date".into(),
            Value::String(value(f, "evaluation_date").to_owned()),
        );
    }
    let confidentiality = value(f, "confidentiality");
    t.insert(
        "confidentiality".into(),
        confidentiality.parse::<i64>().map_or_else(
            |_| Value::String(confidentiality.to_owned()),
            Value::Integer,
        ),
    );
    t.insert(
        "low_impact".into(),
        Value::Boolean(value(f, "low_impact") == "on"),
    );
    let (judged_by, basis) = (value(f, "judged_by").trim(), value(f, "basis").trim());
    if !judged_by.is_empty() || !basis.is_empty() {
        let mut record = Table::new();
        record.insert("judged_by".into(), Value::String(judged_by.to_owned()));
        record.insert("basis".into(), Value::String(basis.to_owned()));
        t.insert("low_impact_basis".into(), Value::Table(record));
    }
    let mut features: Vec<String> = values(f, "feature").map(str::to_owned).collect();
    features.extend(split_list(value(f, "features_more"), false));
    t.insert("features".into(), strings(features));
    let candidates = split_list(value(f, "candidates"), true);
    if !candidates.is_empty() {
        t.insert("candidates".into(), strings(candidates));
    }
    let mut regions = Table::new();
    let countries = split_list(value(f, "allowed_countries"), true);
    if !countries.is_empty() {
        regions.insert("allowed_countries".into(), strings(countries));
    }
    let names = split_list(value(f, "allowed_regions"), false);
    if !names.is_empty() {
        regions.insert("allowed".into(), strings(names));
    }
    let required = split_list(value(f, "required_regions"), false);
    if !required.is_empty() {
        regions.insert("required".into(), strings(required));
    }
    t.insert("regions".into(), Value::Table(regions));
    if !value(f, "contract_start").is_empty() || !value(f, "contract_end").is_empty() {
        let mut contract = Table::new();
        contract.insert(
            "start".into(),
            Value::String(value(f, "contract_start").to_owned()),
        );
        contract.insert(
            "end".into(),
            Value::String(value(f, "contract_end").to_owned()),
        );
        t.insert("contract".into(), Value::Table(contract));
    }
    let mut controls = Table::new();
    controls.insert(
        "required".into(),
        strings(split_list(value(f, "required"), true)),
    );
    if value(f, "baseline") == "basic" {
        controls.insert("baseline".into(), Value::String("basic".into()));
    }
    t.insert("controls".into(), Value::Table(controls));
    toml::to_string(&t).unwrap_or_default()
}

/// Scope items of the registry, most frequent first, as suggestions for features.
fn feature_suggestions(snapshot: &Snapshot) -> Vec<String> {
    let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for r in snapshot.registry.registrations() {
        for s in &r.scope.included {
            *counts.entry(s.text.as_str()).or_default() += 1;
        }
    }
    let mut items: Vec<(&str, usize)> = counts.into_iter().collect();
    items.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    items
        .into_iter()
        .take(300)
        .map(|(s, _)| s.to_owned())
        .collect()
}

fn form_page(
    lang: Lang,
    snapshot: &Snapshot,
    f: &Pairs,
    error: Option<&InputError>,
    status: StatusCode,
) -> Response {
    let today = crate::params::today().to_string();
    let or = |name: &str, default: &str| -> String {
        if f.is_empty() {
            default.to_owned()
        } else {
            value(f, name).to_owned()
        }
    };
    let features: Vec<&str> = values(f, "feature").collect();
    let confidentiality = or("confidentiality", "2");
    let title = t(lang, "調達チェック", "Procurement check");
    let body = html! {
        h1 { (title) }
        p.lead { (t(lang, "要件を入力すると、候補サービスごとに7項目の判定・理由・対応を比較できます。", "Enter the requirements to compare candidates on seven checks, each with its reason and action.")) }
        @if let Some(e) = error {
            div.error-box role="alert" id="errors" {
                p { strong { (t(lang, "入力を確認してください", "Please check the input")) } }
                p { @if let Some(field) = &e.field { code { (field) } ": " } (e.message) @if let Some(v) = &e.value { " (" (v) ")" } }
            }
        }
        form method="post" action="/check" {
            (super::csrf_field())
            fieldset {
                legend { (t(lang, "調達の概要", "Procurement")) }
                div.row {
                    div { label for="name" { (t(lang, "調達件名（必須）", "Title (required)")) } input type="text" id="name" name="name" required value=(or("name", "")); }
                    div { label for="agency" { (t(lang, "調達府省庁等", "Agency")) } input type="text" id="agency" name="agency" value=(or("agency", "")); }
                    div { label for="evaluation_date" { (t(lang, "評価日", "Evaluation date")) } input type="date" id="evaluation_date" name="evaluation_date" value=(or("evaluation_date", &today)); }
                }
            }
            fieldset {
                legend { (t(lang, "取り扱う情報", "Information handled")) }
                div.inline role="radiogroup" aria-labelledby="conf-label" {
                    span id="conf-label" { strong { (t(lang, "機密性", "Confidentiality")) } " " }
                    @for level in ["1", "2", "3"] {
                        input type="radio" id={ "conf" (level) } name="confidentiality" value=(level) checked[confidentiality == level];
                        label for={ "conf" (level) } { (t(lang, "機密性", "Class ")) (level) }
                    }
                }
                p.hint { (t(lang, "ISMAPは機密性2を想定しています。機密性3は独自の追加評価が必要です。", "ISMAP targets confidentiality 2; class 3 needs the agency's own additional assessment.")) }
                div {
                    input type="checkbox" id="low_impact" name="low_impact" checked[value(f, "low_impact") == "on"];
                    label.inline for="low_impact" { (t(lang, " 低影響利用と判断済み（ISMAP-LIU のサービスも可）", " Judged low impact (ISMAP-LIU services allowed)")) }
                }
                p.hint { (t(lang, "機密性3の情報を扱う業務は低影響と判断できないため、ISMAP-LIU のサービスは不適合になります。", "Work with confidentiality 3 information cannot be low impact: ISMAP-LIU services fail.")) }
                div.row {
                    div {
                        label for="judged_by" { (t(lang, "低影響と判断した者（任意）", "Judged low impact by (optional)")) }
                        input type="text" id="judged_by" name="judged_by" value=(value(f, "judged_by"));
                    }
                    div {
                        label for="basis" { (t(lang, "判断の根拠（任意）", "Basis of the judgment (optional)")) }
                        input type="text" id="basis" name="basis" value=(value(f, "basis"));
                    }
                }
            }
            fieldset {
                legend { (t(lang, "利用する機能", "Features to be used")) }
                p.hint { (t(lang, "ISMAPクラウドサービスリストの言明対象範囲から候補が表示されます。全角・半角、大文字・小文字の違いは無視して照合します。", "Suggestions come from the registry's scopes. Width and case are ignored when matching.")) }
                datalist id="feature-suggestions" { @for s in feature_suggestions(snapshot) { option value=(s) {} } }
                div.row {
                    @for i in 0..FEATURE_INPUTS {
                        div {
                            label for={ "feature" (i) } { (t(lang, "機能 ", "Feature ")) (i + 1) }
                            input type="text" id={ "feature" (i) } name="feature" list="feature-suggestions" value=(features.get(i).copied().unwrap_or(""));
                        }
                    }
                }
                label for="features_more" { (t(lang, "その他の機能（1行に1つ）", "More features (one per line)")) }
                textarea id="features_more" name="features_more" { (value(f, "features_more")) }
            }
            fieldset {
                legend { (t(lang, "データの所在", "Data location")) }
                div.row {
                    div {
                        label for="allowed_countries" { (t(lang, "許容する国（ISO 2文字、カンマ区切り）", "Allowed countries (ISO codes, comma-separated)")) }
                        input type="text" id="allowed_countries" name="allowed_countries" value=(or("allowed_countries", "JP"));
                    }
                    div {
                        label for="allowed_regions" { (t(lang, "要件を満たすリージョン名（任意、カンマ区切り）", "Allowed region names (optional, comma-separated)")) }
                        input type="text" id="allowed_regions" name="allowed_regions" value=(or("allowed_regions", ""));
                    }
                    div {
                        label for="required_regions" { (t(lang, "システムが利用するリージョン名（任意、カンマ区切り）", "Regions the system will use (optional, comma-separated)")) }
                        input type="text" id="required_regions" name="required_regions" value=(or("required_regions", ""));
                    }
                }
                p.hint { (t(lang, "国外のリージョンは、許容する国に含めても要確認（準拠法・裁判管轄・外国法令によるアクセスの確認）になります。", "A region outside Japan is always reviewed (governing law, jurisdiction, foreign-law access), even in an allowed country.")) }
            }
            fieldset {
                legend { (t(lang, "契約期間", "Contract period")) }
                div.row {
                    div { label for="contract_start" { (t(lang, "開始日", "Start")) } input type="date" id="contract_start" name="contract_start" value=(or("contract_start", "")); }
                    div { label for="contract_end" { (t(lang, "終了日", "End")) } input type="date" id="contract_end" name="contract_end" value=(or("contract_end", "")); }
                }
                p.hint { (t(lang, "有効期限が契約終了日より前の場合、更新されない場合の取扱いを契約に定めるよう案内します。", "If a registration expires before the contract ends, the check says to cover non-renewal in the contract.")) }
            }
            fieldset {
                legend { (t(lang, "必須とする管理策", "Required controls")) }
                div {
                    input type="checkbox" id="baseline" name="baseline" value="basic" checked[value(f, "baseline") == "basic"];
                    label.inline for="baseline" { (t(lang, " 基本（管理基準で原則必須の全項目）", " Basic (every criterion mandatory in principle)")) }
                }
                label for="required" { (t(lang, "管理策ID（空白・カンマ・改行区切り）", "Criteria IDs (separated by spaces, commas or lines)")) }
                textarea id="required" name="required" placeholder="9.2.3 6.1.1.13.PB" { (value(f, "required")) }
                p.hint { a href="/criteria" { (t(lang, "管理基準を参照", "Browse the criteria")) } }
            }
            fieldset {
                legend { (t(lang, "候補サービス", "Candidates")) }
                label for="candidates" { (t(lang, "登録番号（1行に1つ）", "Registration numbers (one per line)")) }
                textarea id="candidates" name="candidates" placeholder="C21-0008-2" { (value(f, "candidates")) }
                p.hint { (t(lang, "最大20件まで並べて比較できます。", "Up to 20 candidates side by side.")) " " a href="/registry" { (t(lang, "ISMAPクラウドサービスリストで探す", "Find them in the registry")) } }
            }
            div.actions { button type="submit" { (t(lang, "チェックする", "Run the check")) } }
        }
        h2 { (t(lang, "プロファイルファイルを使う", "Use a profile file")) }
        form method="post" action="/check/upload" enctype="multipart/form-data" {
            (super::csrf_field())
            label for="profile_file" { (t(lang, "要件プロファイル（TOML）", "Requirement profile (TOML)")) }
            input type="file" id="profile_file" name="profile" accept=".toml,text/plain,application/toml";
            div.actions { button type="submit" { (t(lang, "アップロードしてチェック", "Upload and check")) } }
        }
    };
    (status, layout(lang, title, Nav::Check, "/check", body)).into_response()
}

pub async fn form(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    form_page(
        lang(&headers),
        &state.snapshot(),
        &Vec::new(),
        None,
        StatusCode::OK,
    )
}

/// The hidden field every later step carries.
fn carry(profile_toml: &str) -> Markup {
    html! { input type="hidden" name="profile" value=(profile_toml); }
}

fn engine_for<'a>(snapshot: &'a Snapshot, profile: &'a Profile) -> Result<Engine<'a>, InputError> {
    let date = profile.evaluation_date.unwrap_or_else(crate::params::today);
    Engine::new(
        &snapshot.catalog,
        &snapshot.registry,
        profile,
        date,
        ExpiryRule::Civil,
    )
    .map_err(|e| InputError::new("profile", e.to_string()).field("controls.required"))
}

fn candidates(
    engine: &Engine,
    lang: Lang,
) -> Result<Vec<ismap_core::ids::RegistrationNumber>, InputError> {
    let list = engine.default_candidates();
    if list.len() > MAX_COMPARED {
        return Err(InputError::new(
            "profile",
            match lang {
                Lang::Ja => format!("候補が{}件あります。比較する候補（最大{MAX_COMPARED}件）を登録番号で指定してください", list.len()),
                Lang::En => format!("{} candidates: name at most {MAX_COMPARED} by registration number", list.len()),
            },
        )
        .field("candidates"));
    }
    Ok(list)
}

fn results_page(lang: Lang, snapshot: &Snapshot, profile_toml: &str) -> Result<Markup, InputError> {
    let profile = parse_profile("profile", profile_toml, &snapshot.catalog)?;
    let engine = engine_for(snapshot, &profile)?;
    let list = candidates(&engine, lang)?;
    let results = engine.evaluate(&list);
    let views: Vec<_> = results.iter().map(|r| engine.view(r, lang)).collect();
    let title = t(lang, "比較結果", "Comparison");
    let body = html! {
        p.meta.no-print { a href="/check" { "← " (t(lang, "条件を入力し直す", "Change the requirements")) } }
        h1 { (title) ": " (profile.name) }
        p.lead {
            (t(lang, "評価日 ", "Evaluated on ")) (engine.evaluated_on) " · "
            (t(lang, "管理基準 ", "Criteria ")) (snapshot.catalog.version()) " · "
            (t(lang, "リストの SHA-256 ", "Registry SHA-256 ")) code { (&snapshot.sha256[..snapshot.sha256.len().min(12)]) }
        }
        p.note { (ismap_core::check::scope_note(lang)) }
        div.table-wrap {
            table {
                caption.meta { (t(lang, "行は確認項目、列は候補。記号と文字で判定を示します（✓適合 ▲要確認 ✕不適合）。", "Rows are checks, columns candidates; symbols and words give each status (✓ pass ▲ review ✕ fail).")) }
                thead {
                    tr {
                        th scope="col" { (t(lang, "確認項目", "Check")) }
                        @for v in &views {
                            th scope="col" {
                                (v.registration_no) br;
                                span.meta { (v.service_name.as_deref().unwrap_or("-")) }
                            }
                        }
                    }
                }
                tbody {
                    tr {
                        th scope="row" { (t(lang, "総合判定", "Verdict")) }
                        @for v in &views { td { (status_badge(v.verdict, lang)) } }
                    }
                    tr {
                        th scope="row" { (t(lang, "登録の状態", "Listing status")) }
                        @for v in &views { td { (listing_badge(v.status, lang)) br; span.meta { (v.expires_on.map(|d| d.to_string()).unwrap_or_default()) } } }
                    }
                    @for kind in CheckKind::ALL {
                        tr {
                            th scope="row" { (kind.label(lang)) }
                            @for v in &views {
                                td {
                                    @match check_summary(v, kind) {
                                        Some((status, issues)) => {
                                            (status_badge(status, lang))
                                            @if issues > 0 { " " span.meta { "(" (issues) (t(lang, "件", "")) ")" } }
                                        }
                                        None => span.meta { "-" },
                                    }
                                }
                            }
                        }
                    }
                    tr.no-print {
                        th scope="row" { (t(lang, "チェックシート", "Check sheet")) }
                        @for v in &views {
                            td {
                                form method="post" action="/check/sheet" {
                                    (super::csrf_field())
                                    (carry(profile_toml))
                                    input type="hidden" name="candidate" value=(v.registration_no);
                                    button type="submit" aria-label={ (t(lang, "チェックシートを開く: ", "Open the check sheet: ")) (v.registration_no) } { (t(lang, "開く", "Open")) }
                                }
                            }
                        }
                    }
                }
            }
        }
        h2.no-print { (t(lang, "ダウンロード", "Downloads")) }
        div.actions.no-print {
            @for (format, label) in [("toml", t(lang, "プロファイル (TOML)", "Profile (TOML)")), ("json", t(lang, "結果 (JSON)", "Result (JSON)")), ("markdown", t(lang, "結果 (Markdown)", "Result (Markdown)")), ("xlsx", t(lang, "結果 (Excel)", "Result (Excel)")), ("pdf", t(lang, "チェックシート (PDF)", "Check sheets (PDF)"))] {
                form method="post" action="/check/download" {
                    (super::csrf_field())
                    (carry(profile_toml))
                    input type="hidden" name="format" value=(format);
                    button.secondary type="submit" { (label) }
                }
            }
        }
    };
    Ok(layout(lang, title, Nav::Check, "/check", body))
}

fn results_or_form(lang: Lang, snapshot: &Snapshot, profile_toml: &str, form: &Pairs) -> Response {
    match results_page(lang, snapshot, profile_toml) {
        Ok(page) => page.into_response(),
        Err(e) => form_page(
            lang,
            snapshot,
            form,
            Some(&e),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    }
}

pub async fn results(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = pairs(&body);
    let (lang, snapshot) = (lang(&headers), state.snapshot());
    on_pool(&state, lang, move || {
        results_or_form(lang, &snapshot, &form_to_toml(&form), &form)
    })
    .await
}

pub async fn upload(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Response {
    let lang = lang(&headers);
    let snapshot = state.snapshot();
    let mut text = None;
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some("profile") {
            text = field
                .bytes()
                .await
                .ok()
                .map(|b| String::from_utf8_lossy(&b).into_owned());
        }
    }
    match text.filter(|t| !t.trim().is_empty()) {
        Some(toml) => {
            on_pool(&state, lang, move || {
                results_or_form(lang, &snapshot, &toml, &Vec::new())
            })
            .await
        }
        None => form_page(
            lang,
            &snapshot,
            &Vec::new(),
            Some(
                &InputError::new(
                    "upload",
                    t(lang, "ファイルが選択されていません", "no file was chosen"),
                )
                .field("profile"),
            ),
            StatusCode::BAD_REQUEST,
        ),
    }
}

fn bad(lang: Lang, e: InputError) -> PageError {
    PageError::new(StatusCode::UNPROCESSABLE_ENTITY, lang, e.to_string())
}

/// One candidate's printable check sheet with every reason, action and input used.
pub async fn sheet(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Markup, PageError> {
    let lang = lang(&headers);
    let form = pairs(&body);
    let snapshot = state.snapshot();
    let profile_toml = value(&form, "profile");
    let profile =
        parse_profile("profile", profile_toml, &snapshot.catalog).map_err(|e| bad(lang, e))?;
    let engine = engine_for(&snapshot, &profile).map_err(|e| bad(lang, e))?;
    let no = ismap_core::ids::RegistrationNumber::parse(value(&form, "candidate"))
        .map_err(|e| PageError::new(StatusCode::BAD_REQUEST, lang, e.to_string()))?;
    let result = engine.evaluate_one(&no);
    let v = engine.view(&result, lang);
    let title = t(
        lang,
        "ISMAP 調達チェックシート",
        "ISMAP procurement check sheet",
    );
    let yes_no = |b: bool| {
        if b {
            t(lang, "あり", "yes")
        } else {
            t(lang, "なし", "no")
        }
    };
    let body = html! {
        h1 { (title) }
        p.lead { (v.registration_no) " " (v.service_name.as_deref().unwrap_or("")) }
        section aria-labelledby="verdict" {
            h2 id="verdict" { (t(lang, "総合判定", "Verdict")) }
            p { (status_badge(v.verdict, lang)) " " (listing_badge(v.status, lang)) @if let Some(d) = v.expires_on { " " (t(lang, "有効期限 ", "expires ")) (d) } }
            @if let Some(p) = &v.provider { p { (t(lang, "事業者: ", "Provider: ")) (p) } }
            p.note { (ismap_core::check::scope_note(lang)) }
        }
        section aria-labelledby="entries" {
            h2 id="entries" { (t(lang, "確認項目ごとの判定・理由・対応", "Every check: status, reason, action")) }
            div.table-wrap { table.sheet {
                (head(lang, &[("項目", "Check"), ("判定", "Status"), ("対象", "Subject"), ("理由", "Reason"), ("対応", "Action"), ("コード", "Code")]))
                tbody { @for c in &v.checks { tr {
                    td { (c.check.label(lang)) }
                    td { (status_badge(c.status, lang)) }
                    td { (c.subject.as_deref().unwrap_or("-")) }
                    td { (c.reason) }
                    td { (c.action.unwrap_or("-")) }
                    td { code { (c.code) } }
                } } }
            } }
        }
        @if !v.responsibilities.is_empty() {
            section aria-labelledby="customer" {
                h2 id="customer" { (ismap_core::responsibility::heading(lang)) }
                ul { @for r in &v.responsibilities { li { (r.text) } } }
            }
        }
        section aria-labelledby="inputs" {
            h2 id="inputs" { (t(lang, "判定に用いた入力", "Inputs used")) }
            dl.fields {
                dt { (t(lang, "調達件名", "Title")) } dd { (profile.name) }
                dt { (t(lang, "調達府省庁等", "Agency")) } dd { (profile.agency.as_deref().unwrap_or("-")) }
                dt { (t(lang, "評価日", "Evaluation date")) } dd { (engine.evaluated_on) }
                dt { (t(lang, "管理基準のバージョン", "Criteria version")) } dd { (snapshot.catalog.version()) }
                dt { (t(lang, "有効期限の計算", "Expiry rule")) } dd { (engine.rule.label(lang)) }
                dt { (t(lang, "ISMAPクラウドサービスリスト", "Registry")) } dd { (snapshot.origin.describe(lang)) " (" (snapshot.registry.len()) (t(lang, " 件", " entries")) ")" }
                dt { (t(lang, "リストの SHA-256", "Registry SHA-256")) } dd { code { (snapshot.sha256) } }
                dt { (t(lang, "機密性", "Confidentiality")) } dd { (profile.confidentiality.level()) }
                dt { (t(lang, "低影響利用の判断", "Low-impact judgment")) } dd {
                    (yes_no(profile.low_impact))
                    @if let Some(b) = &profile.low_impact_basis { (b.describe(lang)) }
                }
                dt { (t(lang, "システムが利用するリージョン", "Regions the system will use")) } dd { @let r = profile.regions.required_names(); (if r.is_empty() { "-".to_owned() } else { r.join("、") }) }
                dt { (t(lang, "利用する機能", "Features")) } dd { (if profile.features.is_empty() { "-".to_owned() } else { profile.features.join("、") }) }
                dt { (t(lang, "契約期間", "Contract")) } dd { @match profile.contract { Some(c) => { (c.start()) " – " (c.end()) }, None => "-" } }
                dt { (t(lang, "必須とする管理策", "Required controls")) } dd { (engine.required_controls().len()) }
            }
            details {
                summary { (t(lang, "要件プロファイル (TOML)", "Requirement profile (TOML)")) }
                pre { (profile_toml) }
            }
        }
        p.meta.no-print { (t(lang, "印刷にはブラウザの印刷機能を使ってください（印刷用の書式が適用されます）。", "Use the browser's print command; a print layout is applied.")) }
    };
    Ok(layout(lang, title, Nav::Check, "/check", body))
}

/// The profile as TOML, or the result as JSON or Markdown.
pub async fn download(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, PageError> {
    let lang = lang(&headers);
    let form = pairs(&body);
    let snapshot = state.snapshot();
    let profile = parse_profile("profile", value(&form, "profile"), &snapshot.catalog)
        .map_err(|e| bad(lang, e))?;
    let format = value(&form, "format");
    if format == "toml" {
        return Ok(attachment(
            "application/toml; charset=utf-8",
            "profile.toml",
            write_profile(&profile).into_bytes(),
        ));
    }
    let (content_type, name) = match format {
        "pdf" => ("application/pdf", "ismap-check.pdf"),
        "xlsx" => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "ismap-check.xlsx",
        ),
        "json" => ("application/json", "ismap-check.json"),
        "markdown" => ("text/markdown; charset=utf-8", "ismap-check.md"),
        other => {
            return Err(PageError::new(
                StatusCode::BAD_REQUEST,
                lang,
                format!("format: expected toml, json, markdown, xlsx or pdf, got {other:?}"),
            ));
        }
    };
    // The whole check and its rendering on the render pool, off the async workers.
    let format = format.to_owned();
    let bytes = state
        .render()
        .run(move || {
            with_report(&snapshot, &profile, lang, |report| match format.as_str() {
                "pdf" => ismap_report_pdf::pdf(report),
                "xlsx" => ismap_report::xlsx(report),
                "json" => {
                    let mut out = Vec::new();
                    report.write_json(&mut out).map_err(|e| e.to_string())?;
                    Ok(out)
                }
                _ => Ok(ismap_report::markdown(report).into_bytes()),
            })?
            .map_err(|e| PageError::new(StatusCode::INTERNAL_SERVER_ERROR, lang, e))
        })
        .await
        .map_err(|busy| PageError::from((lang, crate::ApiError::from(busy))))??;
    Ok(attachment(content_type, name, bytes))
}

/// Runs the check `profile` describes against `snapshot` and hands its report to `use_it`.
fn with_report<T>(
    snapshot: &Snapshot,
    profile: &Profile,
    lang: Lang,
    use_it: impl FnOnce(&CheckReport) -> T,
) -> Result<T, PageError> {
    let engine = engine_for(snapshot, profile).map_err(|e| bad(lang, e))?;
    let list = candidates(&engine, lang).map_err(|e| bad(lang, e))?;
    let results = engine.evaluate(&list);
    let report = CheckReport::new(&engine, &results, snapshot.registry_info(), lang);
    Ok(use_it(&report))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_fields_become_profile_toml() {
        let form: Pairs = [
            ("name", "件名"),
            ("confidentiality", "2"),
            ("feature", "仮想マシン"),
            ("feature", ""),
            ("features_more", "CDN\nWAF、DNS"),
            ("allowed_countries", "JP, US"),
            ("required", "9.2.3 6.1.1.13.PB,5.1.1"),
            ("baseline", "basic"),
            ("candidates", "C21-0001-1\nC21-0002-1"),
            ("contract_start", "2027-04-01"),
            ("contract_end", "2030-03-31"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        let text = form_to_toml(&form);
        let value: toml::Table = toml::from_str(&text).expect("TOML");
        assert_eq!(value["features"].as_array().map(Vec::len), Some(4));
        assert_eq!(
            value["controls"]["required"].as_array().map(Vec::len),
            Some(3)
        );
        assert_eq!(
            value["regions"]["allowed_countries"]
                .as_array()
                .map(Vec::len),
            Some(2)
        );
        assert_eq!(value["candidates"].as_array().map(Vec::len), Some(2));
        assert_eq!(value["low_impact"].as_bool(), Some(false));
        let ids: std::collections::BTreeSet<&str> = value["controls"]["required"]
            .as_array()
            .expect("list")
            .iter()
            .filter_map(|v| v.as_str())
            .collect();
        assert!(ids.contains("6.1.1.13.PB"));
    }
}
