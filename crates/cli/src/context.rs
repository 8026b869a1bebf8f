//! What every subcommand may need: the database, the criteria, today's date, the language.

use crate::BadInput;
use anyhow::{Context as _, Result};
use chrono::NaiveDate;
use ismap_core::criteria::Catalog;
use ismap_core::lang::Lang;
use ismap_core::redact::redact_url;
use ismap_core::validity::{ExpiryRule, japan_date};
use ismap_formats::criteria::builtin_catalog;
use ismap_formats::date::{EXPECTED, parse_date};
use ismap_store::Store;
use std::path::PathBuf;

pub struct Context {
    db: Option<String>,
    pub lang: Lang,
    /// How expiry dates are computed, for every command (`--rule`).
    pub rule: ExpiryRule,
}

impl Context {
    pub fn new(db: Option<String>, lang: Lang, rule: ExpiryRule) -> Self {
        Context { db, lang, rule }
    }

    /// The database the user named, or `ismap.db` in the user's data directory.
    pub fn db_spec(&self) -> Result<String> {
        if let Some(db) = &self.db {
            return Ok(db.clone());
        }
        let dir = directories::ProjectDirs::from("", "", "ismap")
            .map(|d| d.data_dir().to_path_buf())
            .unwrap_or_else(|| PathBuf::from("."));
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        Ok(dir.join("ismap.db").display().to_string())
    }

    /// Opens the database, migrated and holding the built-in criteria.
    pub async fn store(&self) -> Result<Store> {
        let spec = self.db_spec()?;
        let store = Store::open(&spec)
            .await
            .with_context(|| format!("cannot open database {}", redact_url(&spec)))?;
        store.ensure_criteria(&builtin_catalog()?).await?;
        Ok(store)
    }

    pub fn builtin_catalog(&self) -> Result<Catalog> {
        Ok(builtin_catalog()?)
    }

    /// Who the audit trail names for changes made from the command line.
    pub fn actor(&self) -> String {
        let user = std::env::var("USER").unwrap_or_else(|_| "unknown".into());
        format!("cli:{user}")
    }

    /// Today in Japan (Asia/Tokyo), the default evaluation date.
    pub fn today(&self) -> NaiveDate {
        japan_date(chrono::Utc::now())
    }
}

/// Parses a date option at the command line's boundary (clap's `value_parser`): a bad date is
/// refused with the option's name, before any command runs.
pub fn date_arg(value: &str) -> Result<NaiveDate, String> {
    parse_date(value).ok_or_else(|| format!("expected {EXPECTED}"))
}

/// Reads an input file; a missing or unreadable file is the user's to fix.
pub fn read_file(path: &std::path::Path) -> Result<Vec<u8>> {
    std::fs::read(path)
        .map_err(|e| BadInput(format!("{}: cannot read: {e}", path.display())).into())
}
