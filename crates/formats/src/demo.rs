//! The demo registry and profile: clearly fictional services (registration numbers C99-…,
//! providers named 架空/Fictional) that exercise every branch of the check.

pub const REGISTRY_JSON: &str = include_str!("../../../examples/demo-registry.json");
pub const PROFILE_TOML: &str = include_str!("../../../examples/demo-profile.toml");
