//! `ismap case`: procurement cases (調達案件) from the command line, acting as an account
//! (`--as USER`), with the same rules as the web application: snapshots, resolutions approved
//! by a second person, a decision that locks the case. Refusals exit with code 2.

use super::source::RegistrySource;
use crate::BadInput;
use crate::context::{Context, date_option, read_file};
use crate::output;
use anyhow::Result;
use clap::{Args, Subcommand, ValueEnum};
use ismap_core::case::{DocumentRef, Proposal, ResolutionKind};
use ismap_core::check::{Engine, Status};
use ismap_core::lang::Lang;
use ismap_core::validity::ExpiryRule;
use ismap_formats::profile_toml::parse_profile;
use ismap_report::Origin;
use ismap_store::{CaseRecord, Snapshot, StoreError};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct CaseCmd {
    /// The account to act as (required)
    #[arg(long = "as", value_name = "USER", global = true)]
    user: Option<String>,
    #[command(subcommand)]
    what: What,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShowFormat {
    Table,
    Markdown,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Json,
    /// Needs -o FILE
    Pdf,
}

#[derive(Debug, Subcommand)]
enum What {
    /// Open a case with its requirement profile; prints the case id / 調達案件を作成する
    Create {
        #[arg(long, value_name = "FILE")]
        profile: PathBuf,
        /// 調達件名
        #[arg(long)]
        name: String,
    },
    /// The organisation's cases / 調達案件の一覧
    List,
    /// Check the database's list as of today in Japan and keep the result as the case's next
    /// snapshot / 確認を実行して記録する
    Check { id: i32 },
    /// The case, its latest snapshot and resolutions / 調達案件の詳細
    Show {
        id: i32,
        #[arg(long, value_enum, default_value_t = ShowFormat::Table)]
        format: ShowFormat,
    },
    /// Settle a review or fail entry of the latest snapshot / 対応記録を作成する
    Resolve {
        id: i32,
        /// The entry number in the latest snapshot
        #[arg(long)]
        entry: u32,
        /// written_confirmation, alternative_measure, additional_measure, contract_clause,
        /// legal_review, risk_acceptance, out_of_scope or exception
        #[arg(long)]
        kind: ResolutionKind,
        #[arg(long)]
        text: String,
        /// 文書番号 of the document recording it
        #[arg(long, value_name = "REF")]
        doc: Option<String>,
        /// The document's date (YYYY-MM-DD)
        #[arg(long, value_name = "DATE", requires = "doc")]
        doc_date: Option<String>,
        /// For an exception: the legal basis it is applied under
        #[arg(long, value_name = "TEXT")]
        legal_basis: Option<String>,
    },
    /// Approve a resolution (--entry N) or the proposed decision (--decision) / 承認する
    Approve {
        id: i32,
        #[arg(
            long,
            conflicts_with = "decision",
            required_unless_present = "decision"
        )]
        entry: Option<u32>,
        #[arg(long)]
        decision: bool,
    },
    /// Propose the decision for a service; it locks the case / 判断（案）を記録する
    Decide {
        id: i32,
        /// The registration number chosen
        #[arg(long, value_name = "NO")]
        service: String,
        /// 選定理由: why this service was chosen
        #[arg(long, value_name = "TEXT")]
        reason: String,
        /// The decision date [default: today in Japan]
        #[arg(long, value_name = "DATE")]
        on: Option<String>,
    },
    /// A new version of the case's requirement profile (earlier versions are kept) / 要件を変更する
    Profile {
        id: i32,
        #[arg(long, value_name = "FILE")]
        profile: PathBuf,
    },
    /// What changed between two snapshots [default: the last two] / 確認結果の差分
    Diff {
        id: i32,
        #[arg(long, value_name = "N")]
        from: Option<i32>,
        #[arg(long, value_name = "N")]
        to: Option<i32>,
    },
    /// Reopen a decided case, with the reason / 判断を再開する
    Reopen {
        id: i32,
        #[arg(long)]
        reason: String,
    },
    /// The record: JSON (every snapshot, resolution and the audit-trail head) or PDF (A4,
    /// with the approval box 決裁欄) / 判断記録を書き出す
    Export {
        id: i32,
        #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
        format: ExportFormat,
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

/// Refusals and invalid input are the user's to fix (exit 2).
fn refused(e: StoreError, lang: Lang) -> anyhow::Error {
    match e {
        StoreError::Case(c) => BadInput(c.message(lang)).into(),
        other => other.into(),
    }
}

fn profile_text(path: &std::path::Path) -> Result<String> {
    String::from_utf8(read_file(path)?)
        .map_err(|_| BadInput(format!("{}: not UTF-8 text", path.display())).into())
}

impl CaseCmd {
    pub async fn run(self, ctx: &Context) -> Result<()> {
        let who = self
            .user
            .as_deref()
            .ok_or_else(|| BadInput("--as USER: name the account to act as".into()))?;
        let store = ctx.store().await?;
        let account = store
            .account(who)
            .await?
            .filter(|a| !a.disabled)
            .ok_or_else(|| BadInput(format!("--as: no active user {who:?}")))?;
        let actor = account.actor();
        let lang = ctx.lang;
        let fail = |e| refused(e, lang);
        let text = match self.what {
            What::Create { profile, name } => {
                let toml = profile_text(&profile)?;
                let catalog = ctx.builtin_catalog()?;
                parse_profile(&profile.display().to_string(), &toml, &catalog)?;
                let c = store
                    .create_case(&actor, &name, &toml)
                    .await
                    .map_err(fail)?;
                format!("{}\n", c.id)
            }
            What::List => {
                let cases = store.cases(&actor).await.map_err(fail)?;
                cases
                    .iter()
                    .map(|c| format!("{}\t{}\t{}\n", c.id, c.name, c.state_text(lang)))
                    .collect()
            }
            What::Check { id } => {
                let c = store.case(&actor, id).await.map_err(fail)?;
                let snapshot = check(ctx, &c).await?;
                let c = store
                    .record_snapshot(&actor, id, snapshot)
                    .await
                    .map_err(fail)?;
                show(&c, lang, ShowFormat::Table)
            }
            What::Show { id, format } => {
                show(&store.case(&actor, id).await.map_err(fail)?, lang, format)
            }
            What::Resolve {
                id,
                entry,
                kind,
                text,
                doc,
                doc_date,
                legal_basis,
            } => {
                let document = match doc {
                    Some(number) => Some(DocumentRef {
                        number,
                        date: doc_date
                            .as_deref()
                            .map(|d| date_option("--doc-date", d))
                            .transpose()?,
                    }),
                    None => None,
                };
                let proposal = Proposal {
                    kind,
                    text,
                    document,
                    legal_basis,
                };
                // The command line acts on the latest snapshot, as `case show` prints it.
                let latest = store.case(&actor, id).await.map_err(fail)?.snapshots;
                let r = store
                    .resolve(&actor, id, (latest, entry), proposal)
                    .await
                    .map_err(fail)?;
                format!("{}\n", serde_json::to_string_pretty(&r)?)
            }
            What::Approve {
                id,
                entry: Some(entry),
                ..
            } => {
                let latest = store.case(&actor, id).await.map_err(fail)?.snapshots;
                let r = store
                    .approve_resolution(&actor, id, (latest, entry))
                    .await
                    .map_err(fail)?;
                format!("{}\n", serde_json::to_string_pretty(&r)?)
            }
            What::Approve { id, .. } => {
                let c = store.case(&actor, id).await.map_err(fail)?;
                let service = c.decision.map(|d| d.service).unwrap_or_default();
                show(
                    &store
                        .approve_decision(&actor, id, &service)
                        .await
                        .map_err(fail)?,
                    lang,
                    ShowFormat::Table,
                )
            }
            What::Decide {
                id,
                service,
                on,
                reason,
            } => {
                let on = match on {
                    Some(d) => date_option("--on", &d)?,
                    None => ctx.today(),
                };
                show(
                    &store
                        .decide(&actor, id, &service, on, &reason)
                        .await
                        .map_err(fail)?,
                    lang,
                    ShowFormat::Table,
                )
            }
            What::Profile { id, profile } => {
                let toml = profile_text(&profile)?;
                parse_profile(
                    &profile.display().to_string(),
                    &toml,
                    &ctx.builtin_catalog()?,
                )?;
                show(
                    &store
                        .set_case_profile(&actor, id, &toml)
                        .await
                        .map_err(fail)?,
                    lang,
                    ShowFormat::Table,
                )
            }
            What::Diff { id, from, to } => {
                let snapshots = store.case_snapshots(&actor, id).await.map_err(fail)?;
                let pick = |n: Option<i32>, fallback: usize| -> Result<&Snapshot> {
                    let found = match n {
                        Some(n) => snapshots.iter().find(|s| s.seq == n),
                        None => snapshots
                            .len()
                            .checked_sub(fallback)
                            .and_then(|i| snapshots.get(i)),
                    };
                    found.ok_or_else(|| {
                        BadInput(format!(
                            "case {id}: no such snapshot ({} held)",
                            snapshots.len()
                        ))
                        .into()
                    })
                };
                let (old, new) = (pick(from, 2)?, pick(to, 1)?);
                let d = ismap_core::case::snapshot_diff(&old.entries, &new.entries);
                let mut text = format!(
                    "{} {} → {}\n",
                    lang.pick("確認結果の差分", "Snapshot changes"),
                    old.seq,
                    new.seq
                );
                for (sign, entries) in [("-", &d.removed), ("+", &d.added)] {
                    for e in entries {
                        text.push_str(&format!(
                            "{sign} {} {} {} {} {}\n",
                            e.registration_no,
                            e.status.label(lang),
                            e.code,
                            e.subject.as_deref().unwrap_or(""),
                            e.reason
                        ));
                    }
                }
                if d.added.is_empty() && d.removed.is_empty() {
                    text.push_str(lang.pick("変更はありません。\n", "No changes.\n"));
                }
                text
            }
            What::Reopen { id, reason } => show(
                &store.reopen(&actor, id, &reason).await.map_err(fail)?,
                lang,
                ShowFormat::Table,
            ),
            What::Export {
                id,
                format,
                output: to,
            } => {
                let record = store.case_export(&actor, id, lang).await.map_err(fail)?;
                if format == ExportFormat::Pdf {
                    let Some(path) = to.as_deref() else {
                        return Err(
                            BadInput("--format pdf: name the file with -o FILE".into()).into()
                        );
                    };
                    let bytes = ismap_report_pdf::case_record(
                        &serde_json::to_value(&record.case)?,
                        record.audit_head.as_deref().unwrap_or("-"),
                        lang,
                    )
                    .map_err(anyhow::Error::msg)?;
                    return output::emit(Some(path), |w| w.write_all(&bytes));
                }
                return output::write(
                    &format!("{}\n", serde_json::to_string_pretty(&record)?),
                    to.as_deref(),
                );
            }
        };
        output::write(&text, None)
    }
}

/// Runs the case's current profile against the list and returns the snapshot to keep.
/// A case is always checked against the database's list as it is today in Japan: a past
/// date or another file could make a revoked service pass without an exception.
async fn check(ctx: &Context, c: &CaseRecord) -> Result<Snapshot> {
    let loaded = RegistrySource::database().load(ctx).await?;
    let profile = parse_profile(
        &format!("case {} profile", c.id),
        &c.profile,
        &loaded.catalog,
    )?;
    let evaluated_on = ctx.today();
    let rule = ExpiryRule::Civil;
    let engine = Engine::new(
        &loaded.catalog,
        &loaded.registry,
        &profile,
        evaluated_on,
        rule,
    )
    .map_err(|e| BadInput(e.to_string()))?;
    let revision = match loaded.info.origin {
        Origin::Database { revision, .. } => revision,
        _ => None,
    };
    Ok(Snapshot::of_check(
        &engine,
        &loaded.info.sha256,
        revision,
        c.profile_version,
    ))
}

fn show(c: &CaseRecord, lang: Lang, format: ShowFormat) -> String {
    let v = c.view(lang);
    if format == ShowFormat::Json {
        return format!("{}\n", serde_json::to_string_pretty(&v).unwrap_or_default());
    }
    let md = format == ShowFormat::Markdown;
    let mut out = format!(
        "{}{} {} — {}\n",
        if md { "# " } else { "" },
        v.id,
        v.name,
        v.state
    );
    if let Some(s) = &v.snapshot {
        out.push_str(&format!(
            "{}: {} / {} {} / {} {} / SHA-256 {}\n",
            lang.pick("確認", "Snapshot"),
            s.seq,
            lang.pick("評価日", "evaluated on"),
            s.evaluated_on,
            lang.pick("管理基準", "criteria"),
            s.criteria_version,
            s.registry_sha256
        ));
    }
    for cand in &v.candidates {
        out.push_str(&format!(
            "{} {}: {}\n",
            if md { "-" } else { " " },
            cand.registration_no,
            cand.verdict_text
        ));
    }
    for e in v.entries.iter().filter(|e| e.entry.status != Status::Pass) {
        let state = match &e.resolution {
            None => lang.pick("未対応", "open").to_owned(),
            Some(r) => format!(
                "{}（{}）",
                if e.settled {
                    lang.pick("対応済み", "settled")
                } else {
                    lang.pick("承認待ち", "awaiting approval")
                },
                r.kind.label(lang)
            ),
        };
        out.push_str(&format!(
            "{}[{}] {} {} {} {} — {state}\n",
            if md { "- " } else { "  " },
            e.entry.entry,
            e.entry.registration_no,
            e.entry.status.label(lang),
            e.entry.code,
            e.entry.subject.as_deref().unwrap_or(""),
        ));
    }
    out
}
