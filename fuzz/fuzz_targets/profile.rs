#![no_main]
//! Any text as a requirement profile, TOML or JSON: an error or a profile, never a panic.
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static CATALOG: LazyLock<ismap_core::criteria::Catalog> =
    LazyLock::new(|| ismap_formats::criteria::builtin_catalog().expect("built-in criteria"));

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = ismap_formats::profile_toml::parse_profile("fuzz.toml", text, &CATALOG);
    }
    let _ = ismap_formats::profile_toml::parse_profile_json("fuzz.json", data, &CATALOG);
});
