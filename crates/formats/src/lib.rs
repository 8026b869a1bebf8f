//! Files in and out: registry JSON, requirement profiles in TOML, the built-in criteria and the
//! demo data. Every parser returns an [`InputError`] that names the file, the line and column
//! or the field path, the value and what was expected; nothing here panics on user input.

pub mod clauses;
pub mod criteria;
pub mod criteria_table;
pub mod crosswalk;
pub mod date;
pub mod declaration;
pub mod demo;
mod error;
pub mod oscal;
pub mod profile_toml;
pub mod registry_json;
pub mod registry_table;
pub mod sheet;
pub mod spreadsheet;
pub mod statement_table;
mod xlsx_bounds;

pub use error::InputError;

use ismap_core::criteria::Catalog;
use registry_json::LoadedRegistry;
use sha2::{Digest, Sha256};

/// Reads a registry file by its extension: `.csv`, `.xlsx`, otherwise JSON.
pub fn read_registry(
    name: &str,
    bytes: &[u8],
    catalog: &Catalog,
) -> Result<LoadedRegistry, InputError> {
    let extension = std::path::Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let registry = match extension.as_str() {
        "csv" => registry_table::sheet_to_registry(&spreadsheet::read_csv(name, bytes)?, catalog)?,
        "xlsx" => {
            registry_table::sheet_to_registry(&spreadsheet::read_xlsx(name, bytes)?, catalog)?
        }
        _ => return registry_json::parse_registry(name, bytes, catalog),
    };
    Ok(LoadedRegistry {
        registry,
        sha256: sha256_hex(bytes),
    })
}

/// Hex SHA-256 of bytes, used to record exactly which registry a result was computed from.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}
