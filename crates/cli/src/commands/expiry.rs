use crate::context::{Context, date_arg};
use anyhow::Result;
use chrono::NaiveDate;
use clap::Args;
use ismap_core::validity::expiry_date;

#[derive(Debug, Args)]
pub struct ExpiryCmd {
    /// Last day of the audit period (YYYY-MM-DD) / 監査対象期間の末日
    #[arg(long, value_name = "DATE", value_parser = date_arg)]
    audit_end: NaiveDate,
}

impl ExpiryCmd {
    pub fn run(self, ctx: &Context) -> Result<()> {
        let end = self.audit_end;
        let expiry = expiry_date(end, ctx.rule).ok_or_else(|| {
            crate::BadInput(format!(
                "--audit-end: {end} is too late to compute an expiry"
            ))
        })?;
        crate::output::write(&format!("{expiry}\n"), None)
    }
}
