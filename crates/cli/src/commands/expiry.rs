use crate::context::date_option;
use anyhow::Result;
use clap::Args;
use ismap_core::validity::{ExpiryRule, expiry_date};

#[derive(Debug, Args)]
pub struct ExpiryCmd {
    /// Last day of the audit period (YYYY-MM-DD) / 監査対象期間の末日
    #[arg(long, value_name = "DATE")]
    audit_end: String,
    /// civil: Civil Code counting (民法143条, default); calendar: start + 16 months, clamped
    #[arg(long, default_value = "civil")]
    rule: ExpiryRule,
}

impl ExpiryCmd {
    pub fn run(self) -> Result<()> {
        let end = date_option("--audit-end", &self.audit_end)?;
        let expiry = expiry_date(end, self.rule).ok_or_else(|| {
            crate::BadInput(format!(
                "--audit-end: {end} is too late to compute an expiry"
            ))
        })?;
        crate::output::write(&format!("{expiry}\n"), None)
    }
}
