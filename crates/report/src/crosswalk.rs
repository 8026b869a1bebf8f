//! Crosswalk look-ups and gap analyses as rows, rendered as a terminal table, CSV, Markdown,
//! a workbook or JSON. Every rendering carries [`disclaimer`]: a mapping suggests where
//! evidence may be reused; it does not prove conformity.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};
use ismap_core::criteria::Catalog;
use ismap_core::crosswalk::{Coverage, Framework, Gap, Lookup, SOURCES, disclaimer, source_label};
use ismap_core::lang::Lang;
use ismap_core::text::inert_cell;
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use serde::Serialize;
use std::fmt::Write;

/// One path from the looked-up ID to a target.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkRow {
    pub framework: &'static str,
    pub id: String,
    pub relationship: &'static str,
    pub relationship_label: &'static str,
    /// NIST's asterisk on some step: the ISO control does not fully satisfy the NIST control.
    pub partial: bool,
    pub route: String,
    /// `9.2.3 → A.9.2.3（ISMAP の番号 …）→ ac-6（NIST 対応表 …）`.
    pub path: String,
    pub sources: Vec<String>,
    /// Other routes tried that do not reach this target (the routes disagree).
    pub not_reached_by: Vec<String>,
    /// For people: 「一致」 / "agree", or the routes that do not reach the target.
    pub other_routes: String,
}

/// A look-up as the API and `--format json` give it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LookupView {
    pub framework: &'static str,
    pub id: String,
    /// ISMAP only: the criterion's title.
    pub title: Option<String>,
    /// Why nothing is linked, when nothing is.
    pub no_link: Option<&'static str>,
    pub no_link_reason: Option<&'static str>,
    /// A withdrawn NIST control: where its content went.
    pub withdrawn_into: Option<Vec<String>>,
    pub links: Vec<LinkRow>,
    pub disclaimer: &'static str,
}

/// How many routes were tried towards a target: those that reached it and those that did not.
fn routes_tried(t: &ismap_core::crosswalk::Target) -> usize {
    let mut reached: Vec<_> = t.links.iter().map(|l| l.route).collect();
    reached.dedup();
    reached.len() + t.missing_routes.len()
}

pub fn lookup_view(lookup: &Lookup, catalog: &Catalog, lang: Lang) -> LookupView {
    let source = &lookup.source;
    let links = lookup
        .targets
        .iter()
        .flat_map(|t| {
            t.links.iter().map(move |l| LinkRow {
                framework: t.node.framework.code(),
                id: t.node.id.clone(),
                relationship: l.relationship.code(),
                relationship_label: l.relationship.label(lang),
                partial: l.partial,
                route: l.route.code(),
                path: l.describe(&source.id, lang),
                sources: l.steps.iter().map(|s| s.source.clone()).collect(),
                not_reached_by: t.missing_routes.iter().map(|r| r.code()).collect(),
                other_routes: if t.missing_routes.is_empty() && routes_tried(t) > 1 {
                    lang.pick("全経路で到達", "reached by every route")
                        .to_owned()
                } else if t.missing_routes.is_empty() {
                    lang.pick("経路は1つ", "single route").to_owned()
                } else {
                    format!(
                        "{}{}",
                        lang.pick("到達しない経路: ", "not reached by: "),
                        t.missing_routes
                            .iter()
                            .map(|r| r.label())
                            .collect::<Vec<_>>()
                            .join(lang.pick("、", "; "))
                    )
                },
            })
        })
        .collect();
    LookupView {
        framework: source.framework.code(),
        id: source.id.clone(),
        title: (source.framework == Framework::Ismap)
            .then(|| catalog.key_of(&source.id))
            .flatten()
            .and_then(|k| catalog.get(k).title.get(lang).map(str::to_owned)),
        no_link: lookup.no_link.map(|n| n.code()),
        no_link_reason: lookup.no_link.map(|n| n.explain(lang)),
        withdrawn_into: lookup.withdrawn_into.clone(),
        links,
        disclaimer: disclaimer(lang),
    }
}

fn new_table(width: u16) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(width);
    t
}

/// A look-up for a terminal: the ID, then one row per path.
pub fn lookup_table(view: &LookupView, lang: Lang, width: u16) -> String {
    let mut out = format!("{} {}", view.framework, view.id);
    if let Some(title) = &view.title {
        let _ = write!(out, " {title}");
    }
    out.push('\n');
    // Withdrawn first: it explains why nothing is linked. A family (`sr`) rather than a
    // control, where the catalog says so.
    if let Some(into) = &view.withdrawn_into {
        let into: Vec<String> = into
            .iter()
            .map(|i| match i.contains('-') {
                true => i.clone(),
                false => format!(
                    "{}{}",
                    i.to_uppercase(),
                    lang.pick(" ファミリー", " family")
                ),
            })
            .collect();
        let _ = writeln!(
            out,
            "{}{}",
            lang.pick(
                "廃止された管理策です。統合先: ",
                "Withdrawn; incorporated into: "
            ),
            into.join(lang.pick("、", ", "))
        );
    }
    if let Some(reason) = view.no_link_reason {
        let _ = writeln!(out, "{}{reason}", lang.pick("対応付けなし: ", "No links: "));
    }
    if !view.links.is_empty() {
        let mut t = new_table(width);
        t.set_header([
            lang.pick("枠組み", "Framework"),
            "ID",
            lang.pick("関係", "Relationship"),
            lang.pick("経路と出典", "Path and sources"),
            lang.pick("他の経路", "Other routes"),
        ]);
        for r in &view.links {
            t.add_row(vec![
                r.framework.to_owned(),
                r.id.clone(),
                r.relationship_label.to_owned(),
                r.path.clone(),
                r.other_routes.clone(),
            ]);
        }
        let _ = writeln!(out, "{t}");
        let mut targets: Vec<(&str, &str)> = view
            .links
            .iter()
            .map(|l| (l.framework, l.id.as_str()))
            .collect();
        targets.dedup();
        let _ = writeln!(
            out,
            "{}",
            match lang {
                Lang::Ja => format!(
                    "対応先 {} 件（経路 {} 件）",
                    targets.len(),
                    view.links.len()
                ),
                Lang::En => format!("{} targets ({} paths)", targets.len(), view.links.len()),
            }
        );
    }
    let _ = writeln!(out, "{}", view.disclaimer);
    out
}

/// A look-up as CSV: one row per path; the disclaimer is the last row.
pub fn lookup_csv(view: &LookupView) -> String {
    // Flexible: the disclaimer is a one-field row at the end.
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    let _ = w.write_record([
        "from_framework",
        "from_id",
        "framework",
        "id",
        "relationship",
        "partial",
        "route",
        "path",
        "sources",
        "not_reached_by",
    ]);
    for r in &view.links {
        let cells = [
            view.framework,
            &view.id,
            r.framework,
            &r.id,
            r.relationship,
            if r.partial { "true" } else { "false" },
            &r.route,
            &r.path,
            &r.sources.join(" "),
            &r.not_reached_by.join(" "),
        ];
        let _ = w.write_record(cells.map(|c| inert_cell(c).into_owned()));
    }
    if let Some(n) = view.no_link {
        let _ = w.write_record([view.framework, &view.id, "", "", "", "", "", n, "", ""]);
    }
    let _ = w.write_record([format!("# {}", view.disclaimer)]);
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// One ISMAP control of a gap analysis.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GapRowView {
    pub id: String,
    pub title: Option<String>,
    pub mandatory: bool,
    pub coverage: Coverage,
    pub coverage_label: &'static str,
    /// The held control that covers it best, `framework id`.
    pub via: Option<String>,
    pub relationship: Option<&'static str>,
    pub path: Option<String>,
    pub no_link_reason: Option<String>,
    pub action: &'static str,
}

/// A gap analysis as every rendering and the API give it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GapView {
    /// What the provider holds, e.g. `FedRAMP Moderate` or the file's name and row count.
    pub held: String,
    /// What the counts mean, said in every rendering.
    pub notes: Vec<String>,
    pub criteria_version: String,
    pub covered: usize,
    pub partly: usize,
    pub not_covered: usize,
    pub rows: Vec<GapRowView>,
    pub disclaimer: &'static str,
}

/// The break-down of "nothing to reuse", and why NIST-based holdings never give a reuse
/// candidate.
fn gap_notes(gap: &Gap, nist_held: bool, lang: Lang) -> Vec<String> {
    use ismap_core::crosswalk::NoLink;
    let count = |f: &dyn Fn(&ismap_core::crosswalk::GapRow) -> bool| {
        gap.rows.iter().filter(|r| f(r)).count()
    };
    let governance = count(&|r| r.no_link == Some(NoLink::GovernanceOrManagement));
    let cloud = count(&|r| r.no_link == Some(NoLink::CloudOnly));
    let unheld = count(&|r| r.coverage == Coverage::NotCovered && r.no_link.is_none());
    let mut notes = vec![match lang {
        Lang::Ja => format!(
            "再利用元なしの内訳: 対応表の対象外 {}（ガバナンス・マネジメント基準 {governance}、ISO/IEC 27017 由来 {cloud}）、対応先はあるが未保有 {unheld}",
            governance + cloud
        ),
        Lang::En => format!(
            "Nothing to reuse: outside the mappings {} (governance and management criteria {governance}, from ISO/IEC 27017 {cloud}); linked but not held {unheld}",
            governance + cloud
        ),
    }];
    if nist_held {
        notes.push(lang.pick(
            "注: NIST SP 800-53 と ISO/IEC 27001 の公開対応表は、すべての対応を「関連」（範囲の包含関係を示さない）としています。そのため NIST・FedRAMP の管理策は最良でも「一部・関連のみ」となります。再利用候補が 0 件でも、FedRAMP の実装が使えないことを意味しません。",
            "Note: the published NIST SP 800-53–ISO/IEC 27001 mappings mark every pair 'related' (no containment stated), so NIST or FedRAMP controls give 'partial or related only' at best. A count of 0 reuse candidates does not mean the FedRAMP implementation is of no use.",
        ).to_owned());
    }
    notes
}

pub fn gap_view(
    gap: &Gap,
    catalog: &Catalog,
    held: String,
    nist_held: bool,
    lang: Lang,
) -> GapView {
    let (covered, partly, not_covered) = gap.counts();
    let notes = gap_notes(gap, nist_held, lang);
    let rows = gap
        .rows
        .iter()
        .map(|r| {
            let c = catalog.get(r.key);
            let (via, relationship, path) = match &r.via {
                Some((node, link)) => (
                    Some(format!("{} {}", node.framework.code(), node.id)),
                    link.as_ref().map(|l| l.relationship.code()),
                    link.as_ref().map(|l| l.describe(c.id.as_str(), lang)),
                ),
                None => (None, None, None),
            };
            GapRowView {
                id: c.id.to_string(),
                title: c.title.get(lang).map(str::to_owned),
                mandatory: c.is_mandatory(),
                coverage: r.coverage,
                coverage_label: r.coverage.label(lang),
                via,
                relationship,
                path,
                no_link_reason: r.no_link.map(|n| n.explain(lang).to_owned()).or_else(|| {
                    (!r.unheld.is_empty()).then(|| {
                        let ids = r
                            .unheld
                            .iter()
                            .map(|n| format!("{} {}", n.framework.label(lang), n.id))
                            .collect::<Vec<_>>()
                            .join(lang.pick("、", ", "));
                        match lang {
                            Lang::Ja => format!(
                                "対応する管理策（{ids}）は、保有する管理策に含まれていません。"
                            ),
                            Lang::En => {
                                format!("Linked controls ({ids}) are not among those held.")
                            }
                        }
                    })
                }),
                action: r.coverage.action(lang),
            }
        })
        .collect();
    GapView {
        held,
        notes,
        criteria_version: catalog.version().to_owned(),
        covered,
        partly,
        not_covered,
        rows,
        disclaimer: disclaimer(lang),
    }
}

fn gap_header(lang: Lang) -> [&'static str; 6] {
    [
        lang.pick("管理策", "Control"),
        lang.pick("名称", "Title"),
        lang.pick("既存証跡の再利用", "Evidence reuse"),
        lang.pick("既存の管理策と経路", "Held control and path"),
        lang.pick("再利用元がない理由", "Why nothing to reuse"),
        lang.pick("必要な作業", "What to do"),
    ]
}

fn gap_cells(r: &GapRowView) -> [String; 6] {
    [
        r.id.clone(),
        r.title.clone().unwrap_or_default(),
        r.coverage_label.to_owned(),
        r.path.clone().or_else(|| r.via.clone()).unwrap_or_default(),
        r.no_link_reason.clone().unwrap_or_default(),
        r.action.to_owned(),
    ]
}

fn gap_summary(view: &GapView, lang: Lang) -> String {
    format!(
        "{}: {} / {} {} / {}: {} {}{sep}{} {}{sep}{} {}",
        lang.pick("既存の管理策", "Already implemented"),
        view.held,
        lang.pick("管理基準", "Criteria"),
        view.criteria_version,
        lang.pick("結果", "Result"),
        Coverage::Covered.label(lang),
        view.covered,
        Coverage::Partly.label(lang),
        view.partly,
        Coverage::NotCovered.label(lang),
        view.not_covered,
        sep = lang.pick("、", ", "),
    )
}

pub fn gap_table(view: &GapView, lang: Lang, width: u16) -> String {
    let mut t = new_table(width);
    t.set_header(gap_header(lang));
    for r in &view.rows {
        t.add_row(gap_cells(r).to_vec());
    }
    format!(
        "{}\n{}\n{t}\n{}\n",
        gap_summary(view, lang),
        view.notes.join("\n"),
        view.disclaimer
    )
}

pub fn gap_markdown(view: &GapView, lang: Lang) -> String {
    let cell = |s: &str| s.replace('|', "\\|").replace(['\n', '\r'], " ");
    let mut out = format!(
        "# {}\n\n{}\n\n{}\n> {}\n\n",
        lang.pick("ISMAP ギャップ分析", "ISMAP gap analysis"),
        cell(&gap_summary(view, lang)),
        view.notes
            .iter()
            .map(|n| format!("- {}\n", cell(n)))
            .collect::<String>(),
        view.disclaimer
    );
    let _ = writeln!(out, "| {} |", gap_header(lang).join(" | "));
    let _ = writeln!(out, "|{}", "---|".repeat(6));
    for r in &view.rows {
        let cells: Vec<String> = gap_cells(r).iter().map(|c| cell(c)).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    out
}

pub fn gap_xlsx(view: &GapView, lang: Lang) -> Result<Vec<u8>, String> {
    build_gap(view, lang)
        .and_then(|mut w| w.save_to_buffer())
        .map_err(|e| e.to_string())
}

fn build_gap(view: &GapView, lang: Lang) -> Result<Workbook, XlsxError> {
    let mut book = Workbook::new();
    let head = Format::new()
        .set_bold()
        .set_background_color("#DCE6F1")
        .set_text_wrap();
    let wrap = Format::new().set_text_wrap();
    let sheet = book.add_worksheet();
    sheet.set_name(lang.pick("ギャップ分析", "Gap analysis"))?;
    sheet.write_string(0, 0, gap_summary(view, lang))?;
    for (i, note) in view.notes.iter().enumerate() {
        sheet.write_string(1 + i as u32, 0, note)?;
    }
    let after_notes = 1 + view.notes.len() as u32;
    sheet.write_string(after_notes, 0, view.disclaimer)?;
    let top = after_notes + 2;
    for (c, h) in gap_header(lang).iter().enumerate() {
        sheet.write_string_with_format(top, c as u16, *h, &head)?;
    }
    for (i, r) in view.rows.iter().enumerate() {
        for (c, v) in gap_cells(r).iter().enumerate() {
            sheet.write_string_with_format(top + 1 + i as u32, c as u16, v, &wrap)?;
        }
    }
    for (c, width) in [12.0, 30.0, 12.0, 60.0, 40.0, 40.0].into_iter().enumerate() {
        sheet.set_column_width(c as u16, width)?;
    }
    sheet.set_freeze_panes(top + 1, 1)?;
    sheet.autofilter(top, 0, top + view.rows.len() as u32, 5)?;
    let sources = book.add_worksheet();
    sources.set_name(lang.pick("出典", "Sources"))?;
    sources.write_string_with_format(0, 0, lang.pick("出典コード", "Source code"), &head)?;
    sources.write_string_with_format(0, 1, lang.pick("内容", "Meaning"), &head)?;
    for (i, code) in SOURCES.iter().enumerate() {
        sources.write_string(i as u32 + 1, 0, *code)?;
        sources.write_string(i as u32 + 1, 1, source_label(code, lang))?;
    }
    sources.set_column_width(0, 40.0)?;
    sources.set_column_width(1, 60.0)?;
    Ok(book)
}
