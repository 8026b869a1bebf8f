//! The crosswalk in pages: the links of one ISMAP control (on its criteria page), and the
//! gap analysis at `/criteria/gap` (upload what is implemented, read what ISMAP still asks).

use super::{Nav, PageError, attachment, layout, t};
use crate::lang::UiLang;
use crate::state::AppState;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ismap_core::criteria::{Catalog, ControlKey};
use ismap_core::crosswalk::{Coverage, FedrampBaseline, Framework, disclaimer};
use ismap_core::lang::Lang;
use ismap_formats::crosswalk::{builtin_crosswalk, held_fedramp, parse_held};
use ismap_report::crosswalk::{GapView, gap_markdown, gap_view, gap_xlsx, lookup_view};
use maud::{Markup, html};
use std::sync::Arc;

/// The links of one ISMAP item into ISO/IEC 27001:2013, 27001:2022 and NIST SP 800-53r5.
pub fn links(catalog: &Catalog, id: &str, lang: Lang) -> Markup {
    let cw = builtin_crosswalk();
    html! {
        section aria-labelledby="crosswalk" {
            h2 #crosswalk { (t(lang, "他の基準との対応", "Links to other frameworks")) }
            p.note { (disclaimer(lang)) }
            @let why = cw.lookup(catalog, Framework::Ismap, id, Some(Framework::Iso2013)).no_link;
            @if let Some(reason) = why {
                p role="note" { (t(lang, "対応付けなし: ", "No links: ")) (reason.explain(lang)) }
            }
            @for to in [Framework::Iso2013, Framework::Iso2022, Framework::Nist].into_iter().filter(|_| why.is_none()) {
                @let view = lookup_view(&cw.lookup(catalog, Framework::Ismap, id, Some(to)), catalog, lang);
                h3 { (to.label(lang)) }
                @if view.links.is_empty() {
                    p { (t(lang, "対応はありません。", "No links.")) }
                } @else {
                    div.table-wrap { table aria-label=(to.label(lang)) {
                        thead { tr {
                            th scope="col" { "ID" }
                            th scope="col" { (t(lang, "関係", "Relationship")) }
                            th scope="col" { (t(lang, "経路と出典", "Path and sources")) }
                            th scope="col" { (t(lang, "他の経路", "Other routes")) }
                        } }
                        tbody { @for r in &view.links { tr {
                            td { code.id { (r.id) } }
                            td { (r.relationship_label) }
                            td { (r.path) }
                            td { (r.other_routes) }
                        } } }
                    } }
                }
            }
        }
    }
}

/// Neutral tags, not the check's pass/review/fail colours: a mapping judges nothing.
fn coverage_badge(coverage: Coverage, lang: Lang) -> Markup {
    html! { span.tag { (coverage.label(lang)) } }
}

fn gap_form(lang: Lang, error: Option<&str>) -> Markup {
    html! {
        @if let Some(e) = error { p.error role="alert" { (e) } }
        form method="post" action="/criteria/gap" enctype="multipart/form-data" {
            (super::csrf_field())
            fieldset {
                legend { (t(lang, "実装済みの管理策", "Controls you already implement")) }
                div {
                    label for="have" { (t(lang, "ファイル（CSV: framework,id[,status]、または OSCAL のコンポーネント定義・SSP）", "File (CSV: framework,id[,status], or an OSCAL component definition or SSP)")) }
                    input type="file" id="have" name="have" accept=".csv,.json,text/csv,application/json";
                }
                div {
                    label for="baseline" { (t(lang, "または FedRAMP のベースライン", "Or a FedRAMP baseline")) }
                    select id="baseline" name="baseline" {
                        option value="" { (t(lang, "（ファイルを使う）", "(use the file)")) }
                        @for b in FedrampBaseline::ALL { option value=(format!("fedramp-{}", b.code())) { (b.label()) } }
                    }
                }
            }
            div {
                label for="controls" { (t(lang, "対象とする ISMAP 管理策", "ISMAP controls to analyse")) }
                select id="controls" name="controls" {
                    option value="basic" { (t(lang, "必須の項目（基本）", "Mandatory items (basic)")) }
                    option value="all" { (t(lang, "すべての項目", "Every item")) }
                }
            }
            div {
                label for="format" { (t(lang, "形式", "Format")) }
                select id="format" name="format" {
                    option value="html" { (t(lang, "この画面に表示", "Show here")) }
                    option value="xlsx" { "Excel (XLSX)" }
                    option value="markdown" { "Markdown" }
                    option value="json" { "JSON" }
                }
            }
            div.actions { button type="submit" { (t(lang, "分析する", "Analyse")) } }
        }
    }
}

fn gap_page(lang: Lang, body: Markup, status: StatusCode) -> Response {
    let title = t(lang, "ギャップ分析", "Gap analysis");
    let page = html! {
        h1 { (title) }
        p.lead { (t(lang,
            "ISO/IEC 27001 の適用宣言書、FedRAMP の認可、OSCAL の実装記述から、ISMAP の管理策ごとに既存の証跡を再利用できる可能性と、新たに用意すべきものを示します。",
            "From an ISO/IEC 27001 statement of applicability, a FedRAMP authorisation or an OSCAL implementation, shows for each ISMAP control where existing evidence may be reused and what has to be prepared anew.")) }
        p.note { (disclaimer(lang)) }
        (body)
    };
    (
        status,
        layout(lang, title, Nav::Criteria, "/criteria/gap", page),
    )
        .into_response()
}

pub async fn form(UiLang(lang): UiLang) -> Response {
    gap_page(lang, gap_form(lang, None), StatusCode::OK)
}

fn results(view: &GapView, lang: Lang) -> Markup {
    html! {
        h2 { (t(lang, "結果", "Result")) }
        p role="status" {
            (t(lang, "既存の管理策: ", "Already implemented: ")) (view.held) " · "
            (Coverage::Covered.label(lang)) " " (view.covered) " · "
            (Coverage::Partly.label(lang)) " " (view.partly) " · "
            (Coverage::NotCovered.label(lang)) " " (view.not_covered)
        }
        ul { @for note in &view.notes { li { (note) } } }
        div.table-wrap { table aria-label=(t(lang, "ISMAP 管理策ごとの対応", "Coverage per ISMAP control")) {
            thead { tr {
                th scope="col" { (t(lang, "管理策", "Control")) }
                th scope="col" { (t(lang, "既存証跡の再利用", "Evidence reuse")) }
                th scope="col" { (t(lang, "既存の管理策と経路", "Held control and path")) }
                th scope="col" { (t(lang, "必要な作業", "What to do")) }
            } }
            tbody { @for r in &view.rows { tr {
                td { a href=(format!("/criteria/{}", r.id)) { code { (r.id) } } " " (r.title.as_deref().unwrap_or("")) }
                td { (coverage_badge(r.coverage, lang)) }
                td { (r.path.as_deref().or(r.via.as_deref()).or(r.no_link_reason.as_deref()).unwrap_or("")) }
                td { (r.action) }
            } } }
        } }
    }
}

/// The uploaded file (or the chosen baseline) analysed, shown or downloaded.
pub async fn analyse(
    State(state): State<Arc<AppState>>,
    UiLang(lang): UiLang,
    mut multipart: Multipart,
) -> Response {
    let (mut file, mut baseline, mut all, mut format) = (None, String::new(), false, String::new());
    while let Ok(Some(field)) = multipart.next_field().await {
        match field.name().unwrap_or("") {
            "have" => {
                let name = field.file_name().unwrap_or("upload").to_owned();
                if let Ok(bytes) = field.bytes().await
                    && !bytes.is_empty()
                {
                    file = Some((name, bytes));
                }
            }
            "baseline" => baseline = field.text().await.unwrap_or_default(),
            "controls" => all = field.text().await.is_ok_and(|v| v == "all"),
            "format" => format = field.text().await.unwrap_or_default(),
            _ => {}
        }
    }
    let snapshot = state.snapshot();
    let work = move || -> Response {
        let catalog = &snapshot.catalog;
        let cw = builtin_crosswalk();
        let (held, described) = match (baseline.parse::<FedrampBaseline>(), file) {
            (Ok(b), _) if !baseline.is_empty() => (held_fedramp(cw, b), b.label().to_owned()),
            (_, Some((name, bytes))) => match parse_held(&name, &bytes, cw, catalog) {
                Ok(held) => {
                    let n = held.len();
                    (held, format!("{name} ({n})"))
                }
                Err(e) => {
                    return gap_page(
                        lang,
                        gap_form(lang, Some(&e.to_string())),
                        StatusCode::UNPROCESSABLE_ENTITY,
                    );
                }
            },
            _ => {
                let e = t(
                    lang,
                    "ファイルを選ぶか、FedRAMP のベースラインを選んでください。",
                    "Choose a file or a FedRAMP baseline.",
                );
                return gap_page(lang, gap_form(lang, Some(e)), StatusCode::BAD_REQUEST);
            }
        };
        let controls: Vec<ControlKey> = if all {
            catalog.keys().collect()
        } else {
            catalog.basic_baseline()
        };
        let nist = held.iter().any(|h| h.node.framework == Framework::Nist);
        let view = gap_view(
            &cw.gap(catalog, &controls, &held),
            catalog,
            described,
            nist,
            lang,
        );
        match format.as_str() {
            "xlsx" => match gap_xlsx(&view, lang) {
                Ok(bytes) => attachment(
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    "ismap-gap.xlsx",
                    bytes,
                ),
                Err(e) => {
                    PageError::new(StatusCode::INTERNAL_SERVER_ERROR, lang, e).into_response()
                }
            },
            "markdown" => attachment(
                "text/markdown; charset=utf-8",
                "ismap-gap.md",
                gap_markdown(&view, lang).into_bytes(),
            ),
            "json" => attachment(
                "application/json",
                "ismap-gap.json",
                serde_json::to_vec_pretty(&view).unwrap_or_default(),
            ),
            _ => gap_page(
                lang,
                html! { (results(&view, lang)) (gap_form(lang, None)) },
                StatusCode::OK,
            ),
        }
    };
    super::on_pool(&state, lang, work).await
}
