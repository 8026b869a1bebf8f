#![no_main]
//! Any bytes as a registry CSV (UTF-8 or CP932): an error or a registry, never a panic.
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static CATALOG: LazyLock<ismap_core::criteria::Catalog> =
    LazyLock::new(|| ismap_formats::criteria::builtin_catalog().expect("built-in criteria"));

fuzz_target!(|data: &[u8]| {
    if let Ok(sheet) = ismap_formats::spreadsheet::read_csv("fuzz.csv", data) {
        let _ = ismap_formats::registry_table::sheet_to_registry(&sheet, &CATALOG);
        let _ = ismap_formats::statement_table::sheet_to_statements(&sheet, &CATALOG);
        let _ = ismap_formats::criteria_table::merge_criteria(&sheet, &CATALOG, "fuzz");
    }
});
