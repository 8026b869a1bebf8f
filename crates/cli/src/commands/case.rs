//! `ismap case`: procurement cases (調達案件) from the command line, acting as an account
//! (`--as USER`), with the same rules as the web application: snapshots, resolutions approved
//! by a second person, a decision that locks the case. Refusals exit with code 2.

use super::source::RegistrySource;
use crate::BadInput;
use crate::context::{Context, date_arg, read_file};
use crate::output;
use anyhow::Result;
use chrono::NaiveDate;
use clap::{Args, Subcommand, ValueEnum};
use ismap_core::case::clauses::draft;
use ismap_core::case::evidence::{EvidenceRow, Performer};
use ismap_core::case::{CaseRefusal, DocumentRef, Proposal, ResolutionKind};
use ismap_core::check::Status;
use ismap_core::lang::Lang;
use ismap_formats::clauses::{builtin_clauses, read_clause_dir};
use ismap_formats::oscal::case_results;
use ismap_formats::profile_toml::{CaseCheckOn, case_snapshot, parse_profile};
use ismap_store::{CaseError, CaseRecord, Snapshot, StoreError};
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
    /// One sheet per part; needs -o FILE
    Xlsx,
    /// OSCAL assessment-results: findings with the resolutions as risk responses
    Oscal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ClauseFormat {
    Markdown,
    Json,
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
        #[arg(long, value_name = "DATE", value_parser = date_arg, requires = "doc")]
        doc_date: Option<NaiveDate>,
        /// For an exception: the legal basis it is applied under
        #[arg(long, value_name = "TEXT")]
        legal_basis: Option<String>,
        /// A file holding the document, kept with the case under its SHA-256
        #[arg(long, value_name = "FILE")]
        attach: Option<PathBuf>,
    },
    /// Keep a file with the case (prints its SHA-256) / 添付ファイルを登録する
    Attach { id: i32, file: PathBuf },
    /// Write a file kept with the case / 添付ファイルを取り出す
    Attachment {
        id: i32,
        #[arg(long, value_name = "HEX")]
        sha256: String,
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
    /// Fill a row of the evidence register for a duty of the chosen service (責任分界の
    ///利用者側); allowed after the decision / 責任分界の記録を更新する
    Evidence {
        id: i32,
        /// The duty's code, as `case show` lists it (iam, logging, configuration, tls, …)
        #[arg(long)]
        duty: String,
        /// 実施内容
        #[arg(long)]
        activity: String,
        /// 実施者
        #[arg(long, value_enum)]
        performer: PerformerArg,
        /// 頻度
        #[arg(long, default_value = "")]
        frequency: String,
        /// 証跡の種類
        #[arg(long)]
        evidence: String,
        /// 保管場所
        #[arg(long, default_value = "")]
        location: String,
        /// 保存期間
        #[arg(long, default_value = "")]
        retention: String,
        /// 最終確認日 (YYYY-MM-DD)
        #[arg(long, value_name = "DATE", value_parser = date_arg)]
        last_checked: Option<NaiveDate>,
        /// 確認者
        #[arg(long, value_name = "NAME")]
        checked_by: Option<String>,
        /// 次回期限 (YYYY-MM-DD): an alert is raised to the case's members once it has passed
        #[arg(long, value_name = "DATE", value_parser = date_arg)]
        next_due: Option<NaiveDate>,
    },
    /// Contract clause drafts for the chosen service / 仕様書・契約書の条項案
    Clauses {
        id: i32,
        /// A directory of clause templates (*.toml) [default: the shipped ones]
        #[arg(long, value_name = "DIR")]
        templates: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = ClauseFormat::Markdown)]
        format: ClauseFormat,
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
        #[arg(long, value_name = "DATE", value_parser = date_arg)]
        on: Option<NaiveDate>,
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

/// 実施者: own (自組織), contractor (運用委託先) or vendor (ベンダー).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PerformerArg {
    Own,
    Contractor,
    Vendor,
}

impl From<PerformerArg> for Performer {
    fn from(p: PerformerArg) -> Performer {
        match p {
            PerformerArg::Own => Performer::Own,
            PerformerArg::Contractor => Performer::Contractor,
            PerformerArg::Vendor => Performer::Vendor,
        }
    }
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
            What::Attach { id, file } => {
                let kept = attach_file(&store, &actor, id, &file).await.map_err(fail)?;
                format!("{}\t{}\n", kept.sha256, kept.name)
            }
            What::Attachment {
                id,
                sha256,
                output: path,
            } => {
                let (_, bytes) = store.attachment(&actor, id, &sha256).await.map_err(fail)?;
                return output::emit(Some(&path), |w| w.write_all(&bytes));
            }
            What::Evidence {
                id,
                duty,
                activity,
                performer,
                frequency,
                evidence,
                location,
                retention,
                last_checked,
                checked_by,
                next_due,
            } => {
                let row = EvidenceRow {
                    duty,
                    activity,
                    performer: performer.into(),
                    frequency,
                    evidence,
                    location,
                    retention,
                    last_checked,
                    checked_by,
                    next_due,
                };
                show(
                    &store
                        .set_evidence(&actor, id, row, ctx.today())
                        .await
                        .map_err(fail)?,
                    lang,
                    ShowFormat::Table,
                )
            }
            What::Clauses {
                id,
                templates,
                format,
            } => {
                let c = store.case(&actor, id).await.map_err(fail)?;
                let own;
                let templates = match templates {
                    Some(dir) => {
                        own = read_clause_dir(&dir)?;
                        own.as_slice()
                    }
                    None => builtin_clauses(),
                };
                let drafted = draft(templates, &c, lang);
                if drafted.is_empty() {
                    return Err(BadInput(CaseRefusal::NoChosenService.message(lang)).into());
                }
                match format {
                    ClauseFormat::Json => format!("{}\n", serde_json::to_string_pretty(&drafted)?),
                    ClauseFormat::Markdown => drafted
                        .iter()
                        .map(|d| format!("## {}\n\n{}\n\n", d.title, d.text))
                        .collect(),
                }
            }
            What::Resolve {
                id,
                entry,
                kind,
                text,
                doc,
                doc_date,
                legal_basis,
                attach,
            } => {
                let attachment = match attach {
                    Some(file) => Some(attach_file(&store, &actor, id, &file).await.map_err(fail)?),
                    None => None,
                };
                let document = doc.map(|number| DocumentRef {
                    number,
                    date: doc_date,
                });
                let proposal = Proposal {
                    kind,
                    text,
                    document,
                    legal_basis,
                    attachment: attachment.map(|a| a.sha256),
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
                let on = on.unwrap_or_else(|| ctx.today());
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
                let record = store
                    .case_export(&actor, id, (lang, ctx.today()))
                    .await
                    .map_err(fail)?;
                let binary = |name: &str| match to.as_deref() {
                    Some(path) => Ok(path),
                    None => Err(BadInput(format!(
                        "--format {name}: name the file with -o FILE"
                    ))),
                };
                let bytes = match format {
                    ExportFormat::Pdf => {
                        let path = binary("pdf")?;
                        let bytes = ismap_report::pdf::case_record(
                            &serde_json::to_value(&record.case)?,
                            record.audit_head.as_deref().unwrap_or("-"),
                            lang,
                        )
                        .map_err(anyhow::Error::msg)?;
                        return output::emit(Some(path), |w| w.write_all(&bytes));
                    }
                    ExportFormat::Xlsx => {
                        let path = binary("xlsx")?;
                        let bytes = ismap_report::case_xlsx::case_xlsx(&record, lang)
                            .map_err(anyhow::Error::msg)?;
                        return output::emit(Some(path), |w| w.write_all(&bytes));
                    }
                    ExportFormat::Oscal => serde_json::to_string_pretty(&case_results(&record))?,
                    ExportFormat::Json => serde_json::to_string_pretty(&record)?,
                };
                return output::write(&format!("{bytes}\n"), to.as_deref());
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
    let on = CaseCheckOn {
        registry_sha256: &loaded.info.sha256,
        registry_revision: loaded.info.origin.revision(),
        evaluated_on: ctx.today(),
        rule: ctx.rule,
    };
    Ok(case_snapshot(
        (
            &format!("case {} profile", c.id),
            &c.profile,
            c.profile_version,
        ),
        &loaded.catalog,
        &loaded.registry,
        on,
    )?)
}

/// Keeps `file` with the case, under its name without the directory.
async fn attach_file(
    store: &ismap_store::Store,
    actor: &ismap_core::access::Actor,
    id: i32,
    file: &std::path::Path,
) -> std::result::Result<ismap_store::Attachment, StoreError> {
    let bytes = read_file(file).map_err(|e| StoreError::Case(CaseError::Invalid(e.to_string())))?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    store.add_attachment(actor, id, &name, &bytes).await
}

fn show(c: &CaseRecord, lang: Lang, format: ShowFormat) -> String {
    let v = c.view(lang, ismap_core::validity::japan_date(chrono::Utc::now()));
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
    if v.premise_changed {
        out.push_str(lang.pick(
            "！ 判断の前提が変わりました（判断後に一覧の変更を検知し、新しい確認を記録しました）。\n",
            "! The premises of the decision changed (a list change was detected after the decision and a new snapshot recorded).\n",
        ));
    }
    if !v.duties.is_empty() {
        out.push_str(&format!(
            "{}{}\n",
            if md { "\n## " } else { "" },
            lang.pick(
                "責任分界（利用者側）",
                "Customer duties (evidence register)"
            )
        ));
    }
    for d in &v.duties {
        let row = match &d.row {
            None => lang.pick("未記入", "not filled").to_owned(),
            Some(r) => format!(
                "{} / {} / {} / {} {}",
                r.activity.replace('\n', " "),
                r.performer.label(lang),
                r.evidence,
                lang.pick("次回期限", "next due"),
                r.next_due.map_or("-".to_owned(), |d| d.to_string())
            ),
        };
        out.push_str(&format!(
            "{}{} ({}){}: {row}\n",
            if md { "- " } else { "  " },
            d.title,
            d.duty,
            if d.overdue {
                lang.pick(" 【期限超過】", " [OVERDUE]")
            } else {
                ""
            }
        ));
    }
    out
}
