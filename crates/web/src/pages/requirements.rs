//! The requirement editor, shared by the procurement check (`/check`) and procurement cases:
//! an officer picks features from the list's own scope vocabulary (with how many services
//! offer each), controls from the criteria tree (objective → detailed controls, marked
//! mandatory and cloud-specific, all of an objective at once, the basic baseline as a
//! preset) and regions from the list's regions; typed IDs and names stay possible. The fields
//! become a profile in TOML, which `parse_profile` then validates like any file.

use super::t;
use crate::state::Snapshot;
use ismap_core::criteria::{Catalog, Level};
use ismap_core::lang::Lang;
use ismap_core::profile::{Baseline, Profile};
use maud::{Markup, html};
use std::collections::BTreeSet;

/// A form's fields, in order, repeated names kept.
pub type Pairs = Vec<(String, String)>;

/// How many of the most frequent scope items are offered as features.
const FEATURE_CHOICES: usize = 300;

pub fn pairs(body: &[u8]) -> Pairs {
    form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

pub fn value<'a>(pairs: &'a Pairs, name: &str) -> &'a str {
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

/// Each item once, in first-seen order.
fn unique(items: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    items
        .into_iter()
        .filter(|i| seen.insert(i.clone()))
        .collect()
}

/// The controls picked: typed IDs, ticked controls, and every detailed control of each
/// objective ticked as a whole.
fn picked_controls(f: &Pairs, catalog: &Catalog) -> Vec<String> {
    let mut ids = split_list(value(f, "required"), true);
    ids.extend(values(f, "control").map(str::to_owned));
    for objective in values(f, "objective") {
        if let Some(key) = catalog.key_of(objective) {
            ids.extend(catalog.children(key).map(|k| catalog.get(k).id.to_string()));
        }
    }
    unique(ids)
}

/// The editor's fields as profile TOML (validated afterwards by `parse_profile`).
pub fn to_toml(f: &Pairs, catalog: &Catalog) -> String {
    use toml::{Table, Value};
    let strings = |v: Vec<String>| Value::Array(v.into_iter().map(Value::String).collect());
    let text = |t: &mut Table, key: &str, field: &str| {
        if !value(f, field).is_empty() {
            t.insert(key.into(), Value::String(value(f, field).to_owned()));
        }
    };
    let mut t = Table::new();
    t.insert("name".into(), Value::String(value(f, "name").to_owned()));
    text(&mut t, "agency", "agency");
    text(&mut t, "evaluation_date", "evaluation_date");
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
    let (judged_by, basis) = (value(f, "judged_by"), value(f, "basis"));
    if !judged_by.is_empty() || !basis.is_empty() {
        let mut record = Table::new();
        record.insert("judged_by".into(), Value::String(judged_by.to_owned()));
        record.insert("basis".into(), Value::String(basis.to_owned()));
        t.insert("low_impact_basis".into(), Value::Table(record));
    }
    let mut features: Vec<String> = values(f, "feature").map(str::to_owned).collect();
    features.extend(split_list(value(f, "features_more"), false));
    t.insert("features".into(), strings(unique(features)));
    let candidates = split_list(value(f, "candidates"), true);
    if !candidates.is_empty() {
        t.insert("candidates".into(), strings(unique(candidates)));
    }
    let mut regions = Table::new();
    let countries = split_list(value(f, "allowed_countries"), true);
    if !countries.is_empty() {
        regions.insert("allowed_countries".into(), strings(countries));
    }
    for (key, ticked, typed) in [
        ("allowed", "allowed_region", "allowed_regions"),
        ("required", "required_region", "required_regions"),
    ] {
        let mut names: Vec<String> = values(f, ticked).map(str::to_owned).collect();
        names.extend(split_list(value(f, typed), false));
        if !names.is_empty() {
            regions.insert(key.into(), strings(unique(names)));
        }
    }
    t.insert("regions".into(), Value::Table(regions));
    if !value(f, "contract_start").is_empty() || !value(f, "contract_end").is_empty() {
        let mut contract = Table::new();
        for (key, field) in [("start", "contract_start"), ("end", "contract_end")] {
            contract.insert(key.into(), Value::String(value(f, field).to_owned()));
        }
        t.insert("contract".into(), Value::Table(contract));
    }
    let mut controls = Table::new();
    controls.insert("required".into(), strings(picked_controls(f, catalog)));
    if value(f, "baseline") == "basic" {
        controls.insert("baseline".into(), Value::String("basic".into()));
    }
    t.insert("controls".into(), Value::Table(controls));
    toml::to_string(&t).unwrap_or_default()
}

/// A profile as the editor's fields, to edit it again. `None` when the profile holds what
/// the editor cannot show (requirements written in NIST, ISO/IEC 27001 or FedRAMP terms):
/// that one is edited as TOML.
pub fn from_profile(p: &Profile, snapshot: &Snapshot) -> Option<Pairs> {
    if !p.controls.mapped.is_empty() {
        return None;
    }
    let mut f: Pairs = Vec::new();
    let mut put = |k: &str, v: String| f.push((k.to_owned(), v));
    put("name", p.name.clone());
    put("agency", p.agency.clone().unwrap_or_default());
    put(
        "evaluation_date",
        p.evaluation_date.map(|d| d.to_string()).unwrap_or_default(),
    );
    put("confidentiality", p.confidentiality.level().to_string());
    if p.low_impact {
        put("low_impact", "on".into());
    }
    if let Some(b) = &p.low_impact_basis {
        put("judged_by", b.judged_by.clone());
        put("basis", b.basis.clone());
    }
    let vocabulary: Vec<String> = feature_choices(snapshot)
        .into_iter()
        .map(|(s, _)| s)
        .collect();
    let (listed, more): (Vec<&String>, Vec<&String>) =
        p.features.iter().partition(|x| vocabulary.contains(x));
    for x in listed {
        put("feature", x.clone());
    }
    put(
        "features_more",
        more.iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
    );
    if let Some(c) = &p.candidates {
        put(
            "candidates",
            c.iter()
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
                .join("\n"),
        );
    }
    if let Some(c) = &p.regions.allowed_countries {
        put(
            "allowed_countries",
            c.iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join(", "),
        );
    } else {
        put("allowed_countries", String::new());
    }
    let names = region_choices(snapshot);
    let (ticked, typed): (Vec<&str>, Vec<&str>) = p
        .regions
        .allowed_names()
        .unwrap_or_default()
        .into_iter()
        .partition(|n| names.iter().any(|m| m == n));
    ticked
        .iter()
        .for_each(|n| put("allowed_region", (*n).to_owned()));
    put("allowed_regions", typed.join(", "));
    let (ticked, typed): (Vec<&str>, Vec<&str>) = p
        .regions
        .required_names()
        .into_iter()
        .partition(|n| names.iter().any(|m| m == n));
    ticked
        .iter()
        .for_each(|n| put("required_region", (*n).to_owned()));
    put("required_regions", typed.join(", "));
    if let Some(c) = &p.contract {
        put("contract_start", c.start().to_string());
        put("contract_end", c.end().to_string());
    }
    if p.controls.baseline == Some(Baseline::Basic) {
        put("baseline", "basic".into());
    }
    let tree: BTreeSet<String> = tree_controls(&snapshot.catalog);
    let (ticked, typed): (Vec<String>, Vec<String>) = p
        .controls
        .required
        .iter()
        .map(|id| id.to_string())
        .partition(|id| tree.contains(id));
    ticked.into_iter().for_each(|id| put("control", id));
    put("required", typed.join(" "));
    Some(f)
}

/// Scope items of the list, most offered first, with how many services offer each.
fn feature_choices(snapshot: &Snapshot) -> Vec<(String, usize)> {
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
        .take(FEATURE_CHOICES)
        .map(|(s, n)| (s.to_owned(), n))
        .collect()
}

/// Region names of the list, each once, sorted.
fn region_choices(snapshot: &Snapshot) -> Vec<String> {
    snapshot
        .registry
        .registrations()
        .iter()
        .flat_map(|r| r.regions.iter().map(|g| g.name.clone()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// The objectives (items of the governance and management criteria, control objectives of
/// the control criteria) that have detailed controls, in catalog order; one without any is
/// typed as an ID.
fn objectives(catalog: &Catalog) -> impl Iterator<Item = ismap_core::criteria::ControlKey> + '_ {
    catalog.keys().filter(|k| {
        catalog.get(*k).level == Level::Objective && catalog.children(*k).next().is_some()
    })
}

/// Every detailed control the tree offers.
fn tree_controls(catalog: &Catalog) -> BTreeSet<String> {
    objectives(catalog)
        .flat_map(|o| catalog.children(o))
        .map(|k| catalog.get(k).id.to_string())
        .collect()
}

/// The editor's fieldsets, filled from `f` (empty: the defaults), for a form that posts them.
pub fn fieldsets(lang: Lang, snapshot: &Snapshot, f: &Pairs) -> Markup {
    let today = crate::params::today().to_string();
    let or = |name: &str, default: &str| -> String {
        if f.is_empty() {
            default.to_owned()
        } else {
            value(f, name).to_owned()
        }
    };
    let ticked = |name: &str, v: &str| values(f, name).any(|x| x == v);
    let confidentiality = or("confidentiality", "2");
    let catalog = &snapshot.catalog;
    let chosen_controls: BTreeSet<&str> = values(f, "control").collect();
    let regions = region_choices(snapshot);
    html! {
        fieldset {
            legend { (t(lang, "調達の概要", "Procurement")) }
            div.row {
                div { label for="name" { (t(lang, "調達件名（必須）", "Title (required)")) } input type="text" id="name" name="name" required value=(or("name", "")); }
                div { label for="agency" { (t(lang, "調達府省庁等", "Agency")) } input type="text" id="agency" name="agency" value=(or("agency", "")); }
                div { label for="evaluation_date" { (t(lang, "評価日", "Evaluation date")) } input type="date" id="evaluation_date" name="evaluation_date" aria-describedby="evaluation-date-hint" value=(or("evaluation_date", &today));
                      p.hint id="evaluation-date-hint" { (t(lang, "各サービスのこの日の登録状況（有効・有効期限切れ・登録取消など）は、現在のリストの内容で判定します。", "Each service's listing status on this date (valid, expired, revoked…) is judged from the list as it is now.")) } }
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
                div { label for="judged_by" { (t(lang, "低影響と判断した者（任意）", "Judged low impact by (optional)")) } input type="text" id="judged_by" name="judged_by" value=(value(f, "judged_by")); }
                div { label for="basis" { (t(lang, "判断の根拠（任意）", "Basis of the judgment (optional)")) } input type="text" id="basis" name="basis" value=(value(f, "basis")); }
            }
        }
        fieldset {
            legend { (t(lang, "利用する機能", "Features to be used")) }
            p.hint { (t(lang, "ISMAPクラウドサービスリストの言明対象範囲にある項目です（括弧内は、その項目を言明対象範囲に含むサービスの数）。全角・半角、大文字・小文字の違いは無視して照合します。", "Items of the list's statement scopes (in brackets: how many services include each). Width and case are ignored when matching.")) }
            label for="feature-filter" { (t(lang, "機能を絞り込む", "Filter the features")) }
            input type="search" id="feature-filter" data-filter="feature-choices" autocomplete="off";
            div.choices id="feature-choices" {
                @for (i, (item, n)) in feature_choices(snapshot).iter().enumerate() {
                    div.choice {
                        input type="checkbox" id={ "feature-" (i) } name="feature" value=(item) checked[ticked("feature", item)];
                        label.inline for={ "feature-" (i) } { " " (item) " (" (n) ")" }
                    }
                }
            }
            label for="features_more" { (t(lang, "その他の機能（1行に1つ）", "More features (one per line)")) }
            textarea id="features_more" name="features_more" { (value(f, "features_more")) }
        }
        fieldset {
            legend { (t(lang, "データの所在", "Data location")) }
            label for="allowed_countries" { (t(lang, "許容する国（ISO 2文字、カンマ区切り）", "Allowed countries (ISO codes, comma-separated)")) }
            input type="text" id="allowed_countries" name="allowed_countries" value=(or("allowed_countries", "JP"));
            div.row {
                fieldset.choices {
                    legend { (t(lang, "要件を満たすリージョン（任意）", "Allowed regions (optional)")) }
                    @for (i, r) in regions.iter().enumerate() {
                        div.choice { input type="checkbox" id={ "allowed-" (i) } name="allowed_region" value=(r) checked[ticked("allowed_region", r)]; label.inline for={ "allowed-" (i) } { " " (r) } }
                    }
                }
                fieldset.choices {
                    legend { (t(lang, "システムが利用するリージョン（任意。提供されなければ不適合）", "Regions the system will use (optional; a service without one fails)")) }
                    @for (i, r) in regions.iter().enumerate() {
                        div.choice { input type="checkbox" id={ "required-" (i) } name="required_region" value=(r) checked[ticked("required_region", r)]; label.inline for={ "required-" (i) } { " " (r) } }
                    }
                }
            }
            div.row {
                div { label for="allowed_regions" { (t(lang, "その他の許容するリージョン名（カンマ区切り）", "Other allowed region names (comma-separated)")) } input type="text" id="allowed_regions" name="allowed_regions" value=(value(f, "allowed_regions")); }
                div { label for="required_regions" { (t(lang, "その他の利用するリージョン名（カンマ区切り）", "Other regions the system will use (comma-separated)")) } input type="text" id="required_regions" name="required_regions" value=(value(f, "required_regions")); }
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
            p.hint { (t(lang, "統制目標（ガバナンス基準・マネジメント基準では項目）ごとに、詳細管理策を選べます。【必須】は原則必須（B・PB）、【クラウド】はクラウド固有（P・PB）の管理策です。", "Pick detailed controls under each control objective (each item of the governance and management criteria). [Mandatory] marks those mandatory in principle (B, PB), [Cloud] the cloud-specific ones (P, PB).")) }
            div.tree {
                @for o in objectives(catalog) {
                    @let objective = catalog.get(o);
                    @let children: Vec<_> = catalog.children(o).collect();
                    @let picked = children.iter().filter(|k| chosen_controls.contains(catalog.get(**k).id.as_str())).count();
                    details open[picked > 0 || ticked("objective", objective.id.as_str())] {
                        summary { (objective.id) " " (objective.title.get(lang).unwrap_or("")) " (" (picked) "/" (children.len()) ")" }
                        div.choice {
                            input type="checkbox" id={ "objective-" (objective.id) } name="objective" value=(objective.id) checked[ticked("objective", objective.id.as_str())];
                            label.inline for={ "objective-" (objective.id) } { " " strong { (t(lang, "この統制目標の詳細管理策をすべて選ぶ", "All detailed controls of this objective")) } }
                        }
                        @for k in &children {
                            @let c = catalog.get(*k);
                            div.choice {
                                input type="checkbox" id={ "control-" (c.id) } name="control" value=(c.id) checked[chosen_controls.contains(c.id.as_str())];
                                label.inline for={ "control-" (c.id) } {
                                    " " (c.id) " " (c.title.get(lang).unwrap_or(""))
                                    @if c.is_mandatory() { " " span.marker { (t(lang, "【必須】", "[Mandatory]")) } }
                                    @if c.suffix().is_cloud_specific() { " " span.marker { (t(lang, "【クラウド】", "[Cloud]")) } }
                                }
                            }
                        }
                    }
                }
            }
            label for="required" { (t(lang, "その他の管理策ID（空白・カンマ・改行区切り。ガバナンス基準・マネジメント基準の項目も可）", "Other criteria IDs (spaces, commas or lines; governance and management items too)")) }
            textarea id="required" name="required" placeholder="9.2.3 6.1.1.13.PB" { (value(f, "required")) }
            p.hint { a href="/criteria" { (t(lang, "管理基準を参照", "Browse the criteria")) } }
        }
        fieldset {
            legend { (t(lang, "候補サービス", "Candidates")) }
            label for="candidates" { (t(lang, "登録番号（1行に1つ）", "Registration numbers (one per line)")) }
            textarea id="candidates" name="candidates" placeholder="C21-0008-2" { (value(f, "candidates")) }
            p.hint { (t(lang, "最大20件まで並べて比較できます。", "Up to 20 candidates side by side.")) " " a href="/registry" { (t(lang, "ISMAPクラウドサービスリストで探す", "Find them in the registry")) } }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(fields: &[(&str, &str)]) -> Pairs {
        fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn form_fields_become_profile_toml() {
        let catalog = ismap_formats::criteria::builtin_catalog().expect("criteria");
        let objective = objectives(&catalog).next().expect("an objective");
        let children: Vec<String> = catalog
            .children(objective)
            .map(|k| catalog.get(k).id.to_string())
            .collect();
        assert!(!children.is_empty());
        let f = form(&[
            ("name", "件名"),
            ("confidentiality", "2"),
            ("feature", "仮想マシン"),
            ("feature", ""),
            ("features_more", "CDN\nWAF、DNS\n仮想マシン"),
            ("allowed_countries", "JP, US"),
            ("allowed_region", "東京"),
            ("required_region", "東京"),
            ("required_regions", "大阪"),
            ("required", "9.2.3 6.1.1.13.PB,5.1.1"),
            ("control", "9.2.3"),
            ("objective", catalog.get(objective).id.as_str()),
            ("baseline", "basic"),
            ("candidates", "C21-0001-1\nC21-0002-1"),
            ("contract_start", "2027-04-01"),
            ("contract_end", "2030-03-31"),
        ]);
        let text = to_toml(&f, &catalog);
        let value: toml::Table = toml::from_str(&text).expect("TOML");
        // a feature ticked and typed again counts once
        assert_eq!(value["features"].as_array().map(Vec::len), Some(4));
        let ids: Vec<&str> = value["controls"]["required"]
            .as_array()
            .expect("list")
            .iter()
            .filter_map(|v| v.as_str())
            .collect();
        // typed (3), ticked 9.2.3 again (once), and every detailed control of the objective
        assert_eq!(&ids[..3], ["9.2.3", "6.1.1.13.PB", "5.1.1"]);
        for child in &children {
            assert!(ids.contains(&child.as_str()), "{child}");
        }
        assert_eq!(ids.iter().filter(|i| **i == "9.2.3").count(), 1);
        let regions = &value["regions"];
        assert_eq!(
            regions["allowed_countries"].as_array().map(Vec::len),
            Some(2)
        );
        assert_eq!(regions["allowed"].as_array().map(Vec::len), Some(1));
        assert_eq!(regions["required"].as_array().map(Vec::len), Some(2));
        assert_eq!(value["candidates"].as_array().map(Vec::len), Some(2));
        assert_eq!(value["low_impact"].as_bool(), Some(false));
        // and the profile reads
        ismap_formats::profile_toml::parse_profile("form", &text, &catalog).expect("a profile");
    }
}
