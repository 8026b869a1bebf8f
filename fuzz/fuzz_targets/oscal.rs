#![no_main]
//! Any bytes as an OSCAL catalog or profile: validated and resolved without a panic.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = ismap_formats::oscal::validate_catalog(data);
    if let Ok(doc) = serde_json::from_slice::<serde_json::Value>(data) {
        // the profile imports itself as its catalog: exercises selection and modification
        let copy = doc.clone();
        let _ = ismap_formats::oscal::resolve(&doc, &mut |_| Ok(copy.clone()));
        let _ = ismap_formats::oscal::control_ids(&doc);
    }
});
