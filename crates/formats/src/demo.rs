//! The demo registry and profile: clearly fictional services (registration numbers C99-…,
//! providers named 架空/Fictional) that exercise every branch of the check.

pub const REGISTRY_JSON: &str = include_str!("../../../examples/demo-registry.json");
pub const PROFILE_TOML: &str = include_str!("../../../examples/demo-profile.toml");

/// The demo registry, parsed against the built-in criteria (for tests).
#[cfg(test)]
pub(crate) fn registry() -> ismap_core::registry::Registry {
    let catalog = crate::criteria::builtin_catalog().expect("built-in criteria");
    crate::registry_json::parse_registry("demo", REGISTRY_JSON.as_bytes(), &catalog)
        .expect("demo registry")
        .registry
}
