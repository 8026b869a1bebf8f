//! Files in and out: registry JSON, requirement profiles in TOML, the built-in criteria and the
//! demo data. Every parser returns an [`InputError`] that names the file, the line and column
//! or the field path, the value and what was expected; nothing here panics on user input.

pub mod criteria;
pub mod date;
pub mod demo;
mod error;
pub mod profile_toml;
pub mod registry_json;

pub use error::InputError;

use sha2::{Digest, Sha256};

/// Hex SHA-256 of bytes, used to record exactly which registry a result was computed from.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}
