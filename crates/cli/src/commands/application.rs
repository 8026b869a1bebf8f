//! `ismap application`: the lifecycle from the command line, acting as an account
//! (`--as NAME`), with the same rules as the web application. Refusals exit with code 2.

use crate::BadInput;
use crate::context::{Context, read_file};
use crate::output;
use anyhow::Result;
use clap::{Args, Subcommand};
use ismap_core::criteria::BUILTIN_VERSION;
use ismap_core::lifecycle::Action;
use ismap_store::{ApplicationContent, ApplicationError, StoreError};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ApplicationCmd {
    /// The account to act as (required)
    #[arg(long = "as", value_name = "USER", global = true)]
    user: Option<String>,
    #[command(subcommand)]
    what: What,
}

#[derive(Debug, Subcommand)]
enum What {
    /// Applications the account may see / 申請の一覧
    List,
    /// One application as JSON / 申請の詳細
    Show { id: i32 },
    /// Open a draft from a JSON file (providers) / 申請書を作成する
    Create {
        /// Content as JSON: service_name, service_model, audit_body, scope_included,
        /// scope_excluded, regions [{name, country, selectable}], underlying, statements
        /// [{control_id, status, reason?, inherited_from?}]
        file: PathBuf,
    },
    /// Replace a draft's content (providers) / 申請内容を変更する
    Edit { id: i32, file: PathBuf },
    /// Open a change application to a registered service, as a draft holding its current
    /// content; it reaches the list when an operator approves it (providers) / 変更申請を作成する
    Change { id: i32 },
    /// Apply a lifecycle action given as JSON, e.g. '{"action":"submit"}' / 申請の状態を進める
    Act {
        id: i32,
        /// The action as JSON, e.g. {"action":"register","on":"2026-06-01","registration_no":"C26-0001-1"}
        action: String,
    },
}

/// Refusals, forbidden actions and invalid content are the user's to fix (exit 2).
fn refused(e: StoreError, ctx: &Context) -> anyhow::Error {
    match e {
        StoreError::Application(ApplicationError::Refused(r)) => {
            BadInput(r.message(ctx.lang)).into()
        }
        StoreError::Application(a) => BadInput(a.to_string()).into(),
        StoreError::Limit(l) => BadInput(l.message(ctx.lang)).into(),
        other => other.into(),
    }
}

fn content(path: &std::path::Path) -> Result<ApplicationContent> {
    let bytes = read_file(path)?;
    serde_json::from_slice(&bytes).map_err(|e| {
        BadInput(format!(
            "{}:{}:{}: {e}",
            path.display(),
            e.line(),
            e.column()
        ))
        .into()
    })
}

impl ApplicationCmd {
    pub async fn run(self, ctx: &Context) -> Result<()> {
        let who = self
            .user
            .as_deref()
            .ok_or_else(|| BadInput("--as USER: name the account to act as".into()))?;
        let store = ctx.store().await?;
        let catalog = store.load_criteria(BUILTIN_VERSION).await?;
        let actor = store
            .account(who)
            .await?
            .ok_or_else(|| BadInput(format!("--as: no user {who:?}")))?
            .actor();
        let rule = ctx.rule;
        let fail = |e| refused(e, ctx);
        let shown = match self.what {
            What::List => serde_json::to_value(store.applications(&actor).await.map_err(fail)?)?,
            What::Show { id } => {
                serde_json::to_value(store.application(&actor, id).await.map_err(fail)?)?
            }
            What::Create { file } => serde_json::to_value(
                store
                    .create_application(&actor, content(&file)?, &catalog)
                    .await
                    .map_err(fail)?,
            )?,
            What::Edit { id, file } => serde_json::to_value(
                store
                    .edit_application(&actor, id, content(&file)?, &catalog)
                    .await
                    .map_err(fail)?,
            )?,
            What::Change { id } => {
                serde_json::to_value(store.create_change(&actor, id).await.map_err(fail)?)?
            }
            What::Act { id, action } => {
                let action: Action = serde_json::from_str(&action)
                    .map_err(|e| BadInput(format!("action: {e} (got {action:?})")))?;
                serde_json::to_value(
                    store
                        .act(&actor, id, action, &catalog, rule)
                        .await
                        .map_err(fail)?,
                )?
            }
        };
        output::write(
            &format!("{}\n", serde_json::to_string_pretty(&shown)?),
            None,
        )
    }
}
