//! `ismap user`: accounts for the web application and the API, from the machine that runs it.

use crate::BadInput;
use crate::context::Context;
use crate::output;
use anyhow::Result;
use clap::{Args, Subcommand};
use ismap_core::access::Role;
use ismap_store::StoreError;
use std::io::BufRead;

#[derive(Debug, Subcommand)]
pub enum UserCmd {
    /// Create an account; the password is read from standard input / アカウントを作成する
    Add(AddCmd),
    /// Set a new password (read from standard input) and end the user's sessions / パスワードを変更する
    Passwd(NameArg),
    /// Issue an API token (printed once), or revoke one with --revoke ID / APIトークンを発行・無効化する
    Token(TokenCmd),
    /// Disable an account: its sessions end and its tokens stop working / アカウントを無効にする
    Disable(NameArg),
    /// Enable a disabled account again / アカウントを有効に戻す
    Enable(NameArg),
    /// Grant a procurer the approver permission for the agency's cases, or withdraw it with
    /// --revoke / 調達案件の承認権限を付与・取り消す
    Approver(ApproverCmd),
    /// List accounts / アカウントの一覧
    List,
}

#[derive(Debug, Args)]
pub struct ApproverCmd {
    username: String,
    /// Withdraw the permission instead of granting it
    #[arg(long)]
    revoke: bool,
}

#[derive(Debug, Args)]
pub struct AddCmd {
    /// User name (letters, digits, . _ - @)
    username: String,
    /// admin, operator, auditor, provider or procurer
    #[arg(long)]
    role: Role,
    /// The audit body, provider organisation or agency the account is bound to
    #[arg(long)]
    org: Option<String>,
    /// Address for alert e-mail
    #[arg(long)]
    email: Option<String>,
    /// A procurer who approves resolutions and decisions of the agency's cases (承認)
    #[arg(long)]
    approver: bool,
}

#[derive(Debug, Args)]
pub struct NameArg {
    username: String,
}

#[derive(Debug, Args)]
pub struct TokenCmd {
    username: String,
    /// A name to recognise the token by (e.g. the script using it)
    #[arg(long, default_value = "api")]
    name: String,
    /// Days the token stays valid (1 to 366)
    #[arg(long, default_value_t = ismap_store::TOKEN_DAYS, value_name = "DAYS")]
    days: u32,
    /// Revoke the token with this id instead of issuing one
    #[arg(long, value_name = "ID")]
    revoke: Option<i32>,
}

/// The first line of standard input, without its line ending.
fn read_password() -> Result<String> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// Account errors are the user's to fix.
fn account_error(e: StoreError) -> anyhow::Error {
    match e {
        StoreError::Account(a) => BadInput(a.to_string()).into(),
        StoreError::Limit(l) => BadInput(l.to_string()).into(),
        other => other.into(),
    }
}

impl UserCmd {
    pub async fn run(self, ctx: &Context) -> Result<()> {
        let store = ctx.store().await?;
        let actor = ctx.actor();
        match self {
            UserCmd::Add(c) => {
                if c.role == Role::Public {
                    return Err(
                        BadInput("--role public: the public needs no account".into()).into(),
                    );
                }
                if c.approver && c.role != Role::Procurer {
                    return Err(BadInput(
                        "--approver: only procurers approve procurement cases".into(),
                    )
                    .into());
                }
                let password = read_password()?;
                let mut account = store
                    .add_user(
                        &actor,
                        &c.username,
                        &password,
                        c.role,
                        c.org.as_deref(),
                        c.email.as_deref(),
                    )
                    .await
                    .map_err(account_error)?;
                if c.approver {
                    account = store
                        .set_approver(&actor, &c.username, true)
                        .await
                        .map_err(account_error)?;
                }
                output::write(
                    &format!(
                        "{} ({}{})\n",
                        account.username,
                        account.role,
                        if account.approver { ", approver" } else { "" }
                    ),
                    None,
                )
            }
            UserCmd::Approver(c) => store
                .set_approver(&actor, &c.username, !c.revoke)
                .await
                .map(|_| ())
                .map_err(account_error),
            UserCmd::Passwd(c) => {
                let password = read_password()?;
                store
                    .set_password(&actor, &c.username, &password)
                    .await
                    .map_err(account_error)?;
                Ok(())
            }
            UserCmd::Token(c) => match c.revoke {
                Some(id) => {
                    if !store
                        .revoke_token(&actor, &c.username, id)
                        .await
                        .map_err(account_error)?
                    {
                        return Err(BadInput(format!("{}: no live token {id}", c.username)).into());
                    }
                    Ok(())
                }
                None => {
                    let (id, token) = store
                        .create_token(&actor, &c.username, &c.name, c.days)
                        .await
                        .map_err(account_error)?;
                    eprintln!(
                        "token {id} for {}, valid {} days (shown once)",
                        c.username, c.days
                    );
                    output::write(&format!("{token}\n"), None)
                }
            },
            UserCmd::Disable(c) => store
                .set_disabled(&actor, &c.username, true)
                .await
                .map_err(account_error),
            UserCmd::Enable(c) => store
                .set_disabled(&actor, &c.username, false)
                .await
                .map_err(account_error),
            UserCmd::List => {
                let mut text = String::new();
                for a in store.accounts().await? {
                    text.push_str(&format!(
                        "{}\t{}\t{}{}{}\n",
                        a.username,
                        a.role,
                        a.organisation.unwrap_or_default(),
                        if a.approver { "\t(approver)" } else { "" },
                        if a.disabled { "\t(disabled)" } else { "" }
                    ));
                }
                output::write(&text, None)
            }
        }
    }
}
