#![no_main]
//! Any bytes as a registry JSON file: an error or a registry, never a panic.
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static CATALOG: LazyLock<ismap_core::criteria::Catalog> =
    LazyLock::new(|| ismap_formats::criteria::builtin_catalog().expect("built-in criteria"));

fuzz_target!(|data: &[u8]| {
    let _ = ismap_formats::registry_json::parse_registry("fuzz.json", data, &CATALOG);
});
