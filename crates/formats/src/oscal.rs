//! OSCAL (JSON): the ISMAP criteria exported as a catalog and the "basic" baseline as a
//! profile, any profile resolved against its catalogs, and the crosswalk as a mapping collection. Documents are kept as JSON values,
//! so that fields this code does not interpret pass through unchanged.

mod assess;
mod export;
pub mod lazy;
mod mapping;
mod resolve;
mod validate;

pub use assess::{assessment_results, case_results, component_definition};
pub use export::{basic_profile, catalog};
pub use mapping::{MAPPING_OSCAL_VERSION, RELATIONSHIPS, mapping_collection, validate_mapping};
pub use resolve::{OscalError, control_ids, resolve};
pub use validate::{CatalogSummary, validate_catalog};

use serde_json::Value;

/// The namespace of ismap's own props (and of the `related` mapping relationship).
pub(crate) const NS: &str = "https://ismap.example/ns/oscal";

/// The OSCAL version the exports declare.
pub const OSCAL_VERSION: &str = "1.1.2";

/// A deterministic UUID (version-5 layout) from a name, so that exports are reproducible.
pub fn uuid_from(name: &str) -> String {
    use sha2::{Digest, Sha256};
    let h = Sha256::digest(name.as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&h[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Which OSCAL model a document is: its single top-level key.
pub fn model_of(doc: &Value) -> Option<&str> {
    let object = doc.as_object()?;
    (object.len() == 1)
        .then(|| object.keys().next().map(String::as_str))
        .flatten()
}
