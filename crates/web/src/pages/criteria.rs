//! `/criteria`: the criteria as a tree (part → domain → category → objective → detailed),
//! with suffix badges and the mandatory marker; or, with `?q=`, the matches for an ID or title.

use super::{Nav, PageError, layout, t};
use crate::lang::UiLang;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use ismap_core::criteria::{Catalog, ControlKey, Criterion, Level, Part};
use ismap_core::ids::ControlId;
use ismap_core::lang::Lang;
use ismap_core::search::search_key;
use maud::{Markup, html};
use serde::Deserialize;
use std::sync::Arc;

#[derive(Deserialize)]
pub struct Params {
    q: Option<String>,
}

fn badges(c: &Criterion, lang: Lang) -> Markup {
    let suffix = c.suffix();
    html! {
        @if suffix.is_cloud_specific() { span.tag title=(t(lang, "クラウド固有", "Cloud-specific")) { "P" } }
        @if suffix.is_basic() { span.tag title=(t(lang, "基本言明要件", "Basic statement requirement")) { "B" } }
        @if c.is_mandatory() { span.tag.must { (t(lang, "必須", "Mandatory")) } }
    }
}

fn part_label(part: Part, lang: Lang) -> &'static str {
    match part {
        Part::Governance => t(lang, "ガバナンス基準（3）", "Governance criteria (3)"),
        Part::Management => t(lang, "マネジメント基準（4）", "Management criteria (4)"),
        Part::Controls => t(lang, "管理策基準（5–18）", "Control criteria (5–18)"),
    }
}

fn line(c: &Criterion, lang: Lang) -> Markup {
    html! {
        a href=(format!("/criteria/{}", c.id)) { code { (c.id) } } " "
        (label(c, lang))
    }
}

/// A criterion's title and badges, without the link (a `summary` may hold no link: it is
/// itself the control that opens its list).
fn label(c: &Criterion, lang: Lang) -> Markup {
    html! {
        (c.title.get(lang).unwrap_or(match c.level { Level::Detailed => t(lang, "（詳細管理策）", "(detailed control)"), Level::Objective => "" }))
        (badges(c, lang))
    }
}

fn section_title(catalog: &Catalog, id: &str, lang: Lang) -> String {
    catalog
        .section(id)
        .and_then(|s| s.title.get(lang))
        .map_or_else(|| id.to_owned(), |t| format!("{id} {t}"))
}

fn objective(catalog: &Catalog, key: ControlKey, lang: Lang) -> Markup {
    let children: Vec<ControlKey> = catalog.children(key).collect();
    html! {
        li {
            @if children.is_empty() {
                (line(catalog.get(key), lang))
            } @else {
                @let c = catalog.get(key);
                details {
                    summary { code { (c.id) } " " (label(c, lang)) " " span.meta { "(" (children.len()) ")" } }
                    ul {
                        li { a href=(format!("/criteria/{}", c.id)) { (t(lang, "統制目標 ", "Control objective ")) code { (c.id) } (t(lang, " のページ", " page")) } }
                        @for k in children { li { (line(catalog.get(k), lang)) } }
                    }
                }
            }
        }
    }
}

/// The distinct values of a sequence in which equal values are adjacent (catalog order).
fn runs<'a>(values: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut v: Vec<&str> = values.collect();
    v.dedup();
    v
}

fn tree(catalog: &Catalog, lang: Lang) -> Markup {
    let objectives: Vec<ControlKey> = catalog
        .keys()
        .filter(|k| catalog.get(*k).level == Level::Objective)
        .collect();
    html! {
        @for part in Part::ALL {
            @let in_part: Vec<ControlKey> = objectives.iter().copied().filter(|k| catalog.get(*k).part == part).collect();
            section {
                h2 { (part_label(part, lang)) }
                @let domains = runs(in_part.iter().map(|k| catalog.get(*k).domain.as_str()));
                ul.tree {
                    @for domain in domains {
                        @let in_domain: Vec<ControlKey> = in_part.iter().copied().filter(|k| catalog.get(*k).domain == domain).collect();
                        @let categories = runs(in_domain.iter().map(|k| catalog.get(*k).parent.as_str()));
                        li {
                            details open[part != Part::Controls] {
                                summary { strong { (section_title(catalog, domain, lang)) } }
                                ul { @for category in categories {
                                    li {
                                        details open[part != Part::Controls] {
                                            summary { (section_title(catalog, category, lang)) }
                                            ul { @for k in in_domain.iter().copied().filter(|k| catalog.get(*k).parent == category) {
                                                (objective(catalog, k, lang))
                                            } }
                                        }
                                    }
                                } }
                            }
                        }
                    }
                }
            }
        }
    }
}

pub async fn page(
    State(state): State<Arc<AppState>>,
    UiLang(lang): UiLang,
    Query(p): Query<Params>,
) -> Markup {
    let snapshot = state.snapshot();
    let catalog = &snapshot.catalog;
    let needle = p.q.as_deref().map(search_key).filter(|k| !k.is_empty());
    let matches: Vec<&Criterion> = match &needle {
        Some(n) => catalog
            .criteria()
            .iter()
            .filter(|c| {
                [
                    Some(c.id.as_str()),
                    c.title.ja.as_deref(),
                    c.title.en.as_deref(),
                ]
                .into_iter()
                .flatten()
                .any(|text| search_key(text).contains(n.as_str()))
            })
            .collect(),
        None => Vec::new(),
    };
    let title = t(lang, "管理基準", "Control criteria");
    let body = html! {
        h1 { (title) }
        p.lead {
            (t(lang, "バージョン ", "Version ")) (catalog.version()) " · " (catalog.len()) (t(lang, " 項目。", " IDs. "))
            (t(lang, "名称は本プロジェクトが付した短い見出しです（公式の本文は再配布できません）。", "Titles are short labels written by this project (the official text is not redistributable)."))
        }
        p { a href="/criteria/gap" { (t(lang, "ギャップ分析: ISO/IEC 27001・FedRAMP・OSCAL の実装から、ISMAP で追加に必要な対応を調べる", "Gap analysis: from ISO/IEC 27001, FedRAMP or OSCAL, what ISMAP still asks for")) } }
        form.filters method="get" action="/criteria" role="search" {
            div.wide {
                label for="q" { (t(lang, "IDまたは名称で検索", "Search by ID or title")) }
                input type="search" id="q" name="q" value=(p.q.as_deref().unwrap_or("")) placeholder=(t(lang, "例: 9.2 / バックアップ", "e.g. 9.2 / backup"));
            }
            div.actions.wide { button type="submit" { (t(lang, "検索", "Search")) } a.button.secondary href="/criteria" { (t(lang, "ツリー表示", "Show the tree")) } }
        }
        p.meta {
            span.tag { "P" } " " (t(lang, "クラウド固有", "cloud-specific")) " · "
            span.tag { "B" } " " (t(lang, "基本言明要件", "basic statement requirement")) " · "
            span.tag.must { (t(lang, "必須", "Mandatory")) } " " (t(lang, "原則として必須（ガバナンス・マネジメント基準の全項目、統制目標、B/PB）", "mandatory in principle (governance and management items, control objectives, B/PB)"))
        }
        @if needle.is_some() {
            h2 { (t(lang, "検索結果", "Matches")) " (" (matches.len()) ")" }
            @if matches.is_empty() { p role="status" { (t(lang, "該当する項目はありません。", "Nothing matches.")) } }
            ul.tree { @for c in &matches { li { (line(c, lang)) } } }
        } @else {
            (tree(catalog, lang))
        }
    };
    layout(lang, title, Nav::Criteria, "/criteria", body)
}

/// One criterion: where it sits, its detailed controls, and its links to ISO/IEC 27001 and
/// NIST SP 800-53 with the route and source of each.
pub async fn detail(
    State(state): State<Arc<AppState>>,
    UiLang(lang): UiLang,
    Path(id): Path<String>,
) -> Result<Markup, PageError> {
    let snapshot = state.snapshot();
    let catalog = &snapshot.catalog;
    let key = ControlId::parse(&id)
        .ok()
        .and_then(|id| catalog.key(&id))
        .ok_or_else(|| {
            PageError::new(
                StatusCode::NOT_FOUND,
                lang,
                format!(
                    "{id}: {}",
                    t(
                        lang,
                        "この版の管理基準にない ID です",
                        "not a criteria ID of this version"
                    )
                ),
            )
        })?;
    let c = catalog.get(key);
    let title = format!("{} {}", c.id, c.title.get(lang).unwrap_or(""));
    let body = html! {
        p.meta { a href="/criteria" { (t(lang, "管理基準", "Control criteria")) } " › " (section_title(catalog, &c.category, lang)) }
        h1 { (title) (badges(c, lang)) }
        dl.fields {
            dt { (t(lang, "区分", "Part")) } dd { (part_label(c.part, lang)) }
            dt { (t(lang, "階層", "Level")) } dd { (match (c.part, c.level) {
                (Part::Controls, Level::Objective) => t(lang, "統制目標", "control objective"),
                (_, Level::Objective) => t(lang, "項目", "item"),
                (_, Level::Detailed) => t(lang, "詳細管理策", "detailed control"),
            }) }
            @if let Some(parent) = catalog.parent(key) {
                dt { (t(lang, "上位", "Parent")) } dd { (line(catalog.get(parent), lang)) }
            }
            @if let Some(s) = &c.source_standard { dt { (t(lang, "出典規格", "Source standard")) } dd { (s) } }
        }
        @let children: Vec<ControlKey> = catalog.children(key).collect();
        @if !children.is_empty() {
            h2 { (t(lang, "詳細管理策", "Detailed controls")) }
            ul.tree { @for k in children { li { (line(catalog.get(k), lang)) } } }
        }
        (super::crosswalk::links(catalog, c.id.as_str(), lang))
    };
    Ok(layout(
        lang,
        &title,
        Nav::Criteria,
        &format!("/criteria/{}", c.id),
        body,
    ))
}
