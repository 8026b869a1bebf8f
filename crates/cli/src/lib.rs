//! The `ismap` command. `main` parses the command line into one [`Cli`], runs the chosen
//! subcommand, and turns the outcome into an exit code: 0 success, 2 bad input (the message
//! names the file, line/field and value), 1 anything else.

mod commands;
mod context;
mod output;
mod progress;

use clap::Parser;
use context::Context;
use ismap_core::lang::Lang;
use ismap_core::validity::ExpiryRule;
use std::process::ExitCode;

/// ISMAP cloud service list: registry, criteria and procurement checks.
/// ISMAPクラウドサービスリスト・管理基準・調達チェック。
#[derive(Debug, Parser)]
#[command(name = "ismap", version, propagate_version = true)]
pub struct Cli {
    /// Database: a file path, sqlite://… or postgres://… [default: ismap.db in the user's data directory]
    #[arg(long, env = "ISMAP_DB", hide_env_values = true, global = true)]
    db: Option<String>,
    /// Language of messages and reports: ja or en.
    #[arg(long, env = "ISMAP_LANG", default_value = "ja", global = true)]
    lang: Lang,
    /// Expiry rule: civil (Civil Code counting, 民法143条) or calendar (start + 16 months,
    /// clamped to the month's end).
    #[arg(
        long,
        env = "ISMAP_EXPIRY_RULE",
        default_value = "civil",
        global = true
    )]
    rule: ExpiryRule,
    #[command(subcommand)]
    command: commands::Command,
}

/// Input the user can fix: reported with exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadInput(pub String);

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("ismap: cannot start: {e}");
            return ExitCode::from(1);
        }
    };
    let ctx = Context::new(cli.db, cli.lang, cli.rule);
    match runtime.block_on(cli.command.run(&ctx)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if output::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            // A backdated import is the user's to fix, like any other bad input.
            let bad_input = e.chain().any(|c| {
                c.is::<BadInput>()
                    || c.is::<ismap_formats::InputError>()
                    || matches!(
                        c.downcast_ref::<ismap_store::StoreError>(),
                        Some(ismap_store::StoreError::Backdated { .. })
                    )
            });
            eprintln!(
                "ismap: {}",
                e.chain()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(": ")
            );
            ExitCode::from(if bad_input { 2 } else { 1 })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    #[test]
    fn command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
