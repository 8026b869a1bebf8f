//! A check run as a report: one structure ([`CheckReport`]), made by one pipeline
//! ([`run_check`]) and rendered by one switch ([`Format`]) as JSON, a one-line-per-candidate
//! summary, Markdown, a terminal table, XLSX, OSCAL or PDF, in Japanese or English. The inputs that determine the result (profile,
//! registry hash, criteria version, evaluation date, expiry rule) are part of every report.

pub mod case_xlsx;
pub mod crosswalk;
mod markdown;
pub mod pdf;
mod render;
mod run;
mod table;
mod xlsx;

use chrono::NaiveDate;
use ismap_core::check::{CandidateResult, CheckKind, Engine, ResultView, Status, StatusCounts};
use ismap_core::lang::Lang;
use ismap_core::profile::LowImpactBasis;
use ismap_core::registry::Registry;
pub use ismap_core::responsibility::heading as responsibilities_heading;
use serde::Serialize;

pub use markdown::markdown;
pub use render::Format;
pub use run::{Candidates, CheckError, CheckInput, run_check};
pub use table::table;
pub use xlsx::xlsx;

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct ProfileInfo {
    pub name: String,
    pub agency: Option<String>,
    pub confidentiality: u8,
    pub low_impact: bool,
    /// Who judged the use low impact and on what basis, when the profile records it.
    pub low_impact_basis: Option<LowImpactBasis>,
    pub features: Vec<String>,
    /// The regions the system will use, as the profile names them.
    pub required_regions: Vec<String>,
    pub required_controls: usize,
    /// Requirements written in NIST, ISO/IEC 27001 or FedRAMP terms, as the profile wrote
    /// them (a FedRAMP baseline once, with its size); each required control says which.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub mapped_requirements: Vec<String>,
    pub contract: Option<ContractInfo>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct ContractInfo {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

/// The registry a check ran against, named by what identifies its content (hash, entry count,
/// revision), never by where it is kept: a report is public, a connection string or a
/// server path is not.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct RegistryInfo {
    /// SHA-256 of the registry file, or of its canonical export when read from a database.
    pub sha256: String,
    pub entries: usize,
    #[serde(flatten)]
    pub origin: Origin,
}

impl RegistryInfo {
    pub fn new(registry: &Registry, sha256: String, origin: Origin) -> Self {
        RegistryInfo {
            sha256,
            entries: registry.len(),
            origin,
        }
    }
}

/// Where a registry was read from, without its location.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum Origin {
    /// The database's list: its revision (the latest list event), and the date when the list
    /// was reconstructed as of a past date.
    Database {
        revision: Option<i64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        as_of: Option<NaiveDate>,
    },
    /// A registry file: its name only, without the directory.
    File { name: String },
    /// The built-in fictional demo registry.
    Demo,
}

impl Origin {
    /// A file's origin: the last component of `path` (a directory is nobody else's business).
    /// The database list's revision (none for a file or the demo).
    pub fn revision(&self) -> Option<i64> {
        match self {
            Origin::Database { revision, .. } => *revision,
            _ => None,
        }
    }

    pub fn file(path: &std::path::Path) -> Origin {
        Origin::File {
            name: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        }
    }

    pub fn describe(&self, lang: Lang) -> String {
        match self {
            Origin::Database { revision, as_of } => {
                let mut text = lang.pick("データベース", "database").to_owned();
                if let Some(r) = revision {
                    text += &match lang {
                        Lang::Ja => format!("（改訂 {r}）"),
                        Lang::En => format!(" (revision {r})"),
                    };
                }
                if let Some(d) = as_of {
                    text += &match lang {
                        Lang::Ja => format!("（{d} 時点）"),
                        Lang::En => format!(" (as of {d})"),
                    };
                }
                text
            }
            Origin::File { name } => match lang {
                Lang::Ja => format!("ファイル {name}"),
                Lang::En => format!("file {name}"),
            },
            Origin::Demo => lang
                .pick("デモデータ（架空）", "demo data (fictional)")
                .to_owned(),
        }
    }
}

/// A report borrows the engine and its results: each candidate's text is produced when it is
/// written, so a report on 10,000 candidates never holds all of its text in memory at once.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Serialize)]
pub struct CheckReport<'a> {
    pub lang: &'static str,
    pub profile: ProfileInfo,
    pub evaluated_on: NaiveDate,
    pub criteria_version: String,
    pub expiry_rule: String,
    pub registry: RegistryInfo,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<ismap_core::check::ResultView>))]
    pub results: Results<'a>,
}

/// The results of a check, turned into [`ResultView`]s one at a time.
#[derive(Clone, Copy)]
pub struct Results<'a> {
    engine: &'a Engine<'a>,
    results: &'a [CandidateResult],
    lang: Lang,
}

impl Results<'_> {
    pub fn iter(&self) -> impl Iterator<Item = ResultView> + '_ {
        self.results.iter().map(|r| self.engine.view(r, self.lang))
    }
}

impl Serialize for Results<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'a> CheckReport<'a> {
    pub fn new(
        engine: &'a Engine<'a>,
        results: &'a [CandidateResult],
        registry: RegistryInfo,
        lang: Lang,
    ) -> Self {
        let p = engine.profile;
        CheckReport {
            lang: lang.code(),
            profile: ProfileInfo {
                name: p.name.clone(),
                agency: p.agency.clone(),
                confidentiality: p.confidentiality.level(),
                low_impact: p.low_impact,
                low_impact_basis: p.low_impact_basis.clone(),
                features: p.features.clone(),
                required_regions: p
                    .regions
                    .required_names()
                    .into_iter()
                    .map(str::to_owned)
                    .collect(),
                required_controls: engine.required_controls().len(),
                mapped_requirements: mapped_requirements(p, lang),
                contract: p.contract.map(|c| ContractInfo {
                    start: c.start(),
                    end: c.end(),
                }),
            },
            evaluated_on: engine.evaluated_on,
            criteria_version: engine.catalog.version().to_owned(),
            expiry_rule: engine.rule.to_string(),
            registry,
            results: Results {
                engine,
                results,
                lang,
            },
        }
    }

    pub fn lang(&self) -> Lang {
        self.results.lang
    }

    /// Writes the report as pretty-printed JSON, streaming.
    /// The bytes are those of `serde_json::to_writer_pretty`; the results are made on every
    /// core, a block at a time, and written in order.
    pub fn write_json<W: std::io::Write>(&self, mut w: W) -> std::io::Result<()> {
        // The report without its results ends in `"results": []` and the closing brace.
        let mut head = self.clone();
        head.results.results = &[];
        let head = serde_json::to_vec_pretty(&head)?;
        let Some(open) = head.strip_suffix(b"[]\n}") else {
            return Err(std::io::Error::other("unexpected end of the report's head"));
        };
        let Some((first, rest)) = self.results.results.split_first() else {
            w.write_all(&head)?;
            return w.write_all(b"\n");
        };
        let Results { engine, lang, .. } = self.results;
        // An item of `results` is two levels deep.
        let item = |result: &CandidateResult, out: &mut Vec<u8>| {
            serde_json::to_writer_pretty(Indented(out), &engine.view(result, lang))
        };
        w.write_all(open)?;
        w.write_all(b"[\n    ")?;
        let mut out = Vec::new();
        item(first, &mut out)?;
        w.write_all(&out)?;
        // A candidate's report can be 75 KB: a block is small enough to hold at once.
        self.results
            .write_each(&mut w, rest, (512, 64), |result, out| {
                out.extend_from_slice(b",\n    ");
                item(result, out)
            })?;
        w.write_all(b"\n  ]\n}\n")
    }

    /// Writes one JSON line per candidate ([`SummaryView`](ismap_core::check::SummaryView)):
    /// the verdict, counts per status and the entries that are not a pass, for screening the
    /// whole list.
    pub fn write_summary<W: std::io::Write>(&self, mut w: W) -> std::io::Result<()> {
        let Results { engine, lang, .. } = self.results;
        self.results.write_each(
            &mut w,
            self.results.results,
            (2048, 256),
            |result, lines| {
                serde_json::to_writer(&mut *lines, &engine.summary(result, lang))?;
                lines.push(b'\n');
                Ok(())
            },
        )
    }
}

impl Results<'_> {
    /// Writes `results` in order, each made into text by `item` on every core, `block`
    /// results at a time (in chunks of at least `at_least`): the memory held is one block's
    /// text, whatever the length of the list.
    fn write_each<W: std::io::Write>(
        &self,
        w: &mut W,
        results: &[CandidateResult],
        (block, at_least): (usize, usize),
        item: impl Fn(&CandidateResult, &mut Vec<u8>) -> serde_json::Result<()> + Sync,
    ) -> std::io::Result<()> {
        for block in results.chunks(block) {
            let parts = ismap_core::parallel::map_chunks(block, at_least, |part| {
                let mut out = Vec::new();
                for result in part {
                    item(result, &mut out)?;
                }
                Ok::<_, serde_json::Error>(out)
            });
            for part in parts {
                w.write_all(&part?)?;
            }
        }
        Ok(())
    }
}

/// A buffer written with every line after the first indented by four spaces (two levels of
/// pretty-printed JSON, whose strings never hold a raw line break).
struct Indented<'a>(&'a mut Vec<u8>);

impl std::io::Write for Indented<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        for (n, line) in buf.split(|b| *b == b'\n').enumerate() {
            if n > 0 {
                self.0.extend_from_slice(b"\n    ");
            }
            self.0.extend_from_slice(line);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// One check of a result in a word: its worst status, and how many entries are not a pass.
pub fn check_summary(result: &ResultView, kind: CheckKind) -> Option<(Status, usize)> {
    let statuses = result
        .checks
        .iter()
        .filter(|c| c.check == kind)
        .map(|c| c.status);
    let worst = statuses.clone().max()?;
    Some((worst, statuses.filter(|s| *s != Status::Pass).count()))
}

/// Entries of a result counted by status.
pub fn counts(result: &ResultView) -> StatusCounts {
    StatusCounts::of(result.checks.iter().map(|c| c.status))
}

/// The inputs that determined a report, as (label, value) lines: every rendering shows them.
pub fn facts(report: &CheckReport) -> Vec<(&'static str, String)> {
    let l = Labels {
        lang: report.lang(),
    };
    let p = &report.profile;
    let mut facts = vec![
        (l.get("調達件名", "Procurement title"), p.name.clone()),
        (
            l.get("調達府省庁等", "Agency"),
            p.agency.clone().unwrap_or_else(|| "-".into()),
        ),
        (
            l.get("評価日", "Evaluated on"),
            report.evaluated_on.to_string(),
        ),
        (
            l.get("管理基準のバージョン", "Criteria version"),
            report.criteria_version.clone(),
        ),
        (
            l.get("有効期限の計算", "Expiry rule"),
            report
                .expiry_rule
                .parse::<ismap_core::validity::ExpiryRule>()
                .map_or_else(
                    |_| report.expiry_rule.clone(),
                    |r| r.label(l.lang).to_owned(),
                ),
        ),
        (
            l.get("ISMAPクラウドサービスリスト", "Registry"),
            format!(
                "{} ({} {})",
                report.registry.origin.describe(report.lang()),
                report.registry.entries,
                l.get("件", "entries")
            ),
        ),
        (
            l.get("リストの SHA-256", "Registry SHA-256"),
            report.registry.sha256.clone(),
        ),
        (
            l.get("機密性", "Confidentiality"),
            p.confidentiality.to_string(),
        ),
        (
            l.get("低影響利用の判断", "Low-impact judgment"),
            format!(
                "{}{}",
                l.get(
                    if p.low_impact { "あり" } else { "なし" },
                    if p.low_impact { "yes" } else { "no" },
                ),
                p.low_impact_basis
                    .as_ref()
                    .map_or_else(String::new, |b| b.describe(l.lang))
            ),
        ),
        (
            l.get(
                "システムが利用するリージョン",
                "Regions the system will use",
            ),
            if p.required_regions.is_empty() {
                "-".into()
            } else {
                p.required_regions.join("、")
            },
        ),
        (
            l.get("利用する機能", "Features"),
            if p.features.is_empty() {
                "-".into()
            } else {
                p.features.join("、")
            },
        ),
        (
            l.get("必須とする管理策", "Required controls"),
            format!("{}{}", p.required_controls, l.get("件", "")),
        ),
        (
            l.get("契約期間", "Contract"),
            p.contract
                .as_ref()
                .map_or_else(|| "-".into(), |c| format!("{} – {}", c.start, c.end)),
        ),
        (
            l.get("注記", "Note"),
            ismap_core::check::scope_note(l.lang).to_owned(),
        ),
    ];
    if !p.mapped_requirements.is_empty() {
        facts.push((
            l.get(
                "他の枠組みで書かれた要件",
                "Requirements in other frameworks' terms",
            ),
            // The first ten, then how many more: a fact is one cell of a workbook too.
            format!(
                "{}{} — {}",
                p.mapped_requirements
                    .iter()
                    .take(10)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(l.get("、", ", ")),
                match p.mapped_requirements.len().saturating_sub(10) {
                    0 => String::new(),
                    more => match l.lang {
                        Lang::Ja => format!("ほか {more} 件"),
                        Lang::En => format!(" and {more} more"),
                    },
                },
                ismap_core::crosswalk::disclaimer(l.lang)
            ),
        ));
    }
    facts
}

/// `NIST SP 800-53 rev5 ac-2`, …, `FedRAMP Moderate (323)`.
fn mapped_requirements(p: &ismap_core::profile::Profile, lang: Lang) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let requirements = &p.controls.mapped.requirements;
    for r in requirements {
        match r.requirement.fedramp {
            None => out.push(r.requirement.describe(lang)),
            Some(b) if !out.iter().any(|o| o.starts_with(b.label())) => {
                let n = requirements
                    .iter()
                    .filter(|x| x.requirement.fedramp == Some(b))
                    .count();
                out.push(match lang {
                    Lang::Ja => format!("{}（{n} 管理策）", b.label()),
                    Lang::En => format!("{} ({n} controls)", b.label()),
                });
            }
            Some(_) => {}
        }
    }
    out
}

/// Labels shared by the table and Markdown renderings.
struct Labels {
    lang: Lang,
}

impl Labels {
    fn get(&self, ja: &'static str, en: &'static str) -> &'static str {
        self.lang.pick(ja, en)
    }

    /// The columns of a result's entries; the code ties each row to docs/checks.md and to
    /// the same row in every other format.
    fn header(&self) -> [&'static str; 6] {
        [
            self.get("項目", "Check"),
            self.get("判定", "Status"),
            self.get("対象", "Subject"),
            self.get("理由", "Reason"),
            self.get("対応", "Action"),
            self.get("コード", "Code"),
        ]
    }

    fn summary_header(&self) -> [&'static str; 6] {
        [
            self.get("登録番号", "Registration"),
            self.get("サービス名", "Service"),
            self.get("状態", "Status"),
            self.get("有効期限", "Expires"),
            self.get("判定", "Verdict"),
            self.get("適合/要確認/不適合", "pass/review/fail"),
        ]
    }
}

fn date_text(date: Option<NaiveDate>) -> String {
    date.map_or_else(|| "-".to_owned(), |d| d.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ismap_core::validity::ExpiryRule;
    use ismap_formats::{criteria, demo, profile_toml, registry_json};

    #[test]
    fn the_json_made_on_every_core_is_serde_jsons_pretty_print() {
        let catalog = criteria::builtin_catalog().expect("criteria");
        let demo = registry_json::parse_registry("demo", demo::REGISTRY_JSON.as_bytes(), &catalog)
            .expect("demo")
            .registry;
        // The demo's entries again and again under new numbers: more than a block of 512.
        let registry = Registry::new(
            (0..1100)
                .map(|i| {
                    let mut r = demo.registrations()[i % demo.len()].clone();
                    r.registration_no =
                        ismap_core::ids::RegistrationNumber::parse(&format!("C24-{i:04}-1"))
                            .expect("number");
                    r
                })
                .collect(),
        )
        .expect("unique");
        let profile =
            profile_toml::parse_profile("demo", demo::PROFILE_TOML, &catalog).expect("profile");
        let on = NaiveDate::from_ymd_opt(2026, 12, 3).expect("date");
        let engine =
            Engine::new(&catalog, &registry, &profile, on, ExpiryRule::Civil).expect("engine");
        let numbers: Vec<_> = registry
            .registrations()
            .iter()
            .map(|r| r.registration_no.clone())
            .collect();
        let results = engine.evaluate(&numbers);
        for n in [0, 1, 2, 600, 1100] {
            let info = RegistryInfo::new(&registry, "0".repeat(64), Origin::Demo);
            let report = CheckReport::new(&engine, &results[..n], info, Lang::Ja);
            let mut expected = serde_json::to_vec_pretty(&report).expect("json");
            expected.push(b'\n');
            let mut written = Vec::new();
            report.write_json(&mut written).expect("written");
            assert!(written == expected, "{n} candidates: not the same bytes");
        }
    }
}
