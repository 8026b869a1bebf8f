#![no_main]
//! Any bytes as an OSCAL catalog or profile: validated and resolved without a panic, read
//! whole and read with its controls as skeletons (`oscal::lazy`), which write back the same
//! document whenever serde_json reads it whole.
use ismap_formats::oscal::{self, lazy};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let _ = oscal::validate_catalog(data);
    let whole = serde_json::from_slice::<Value>(data).ok();
    if let Some(doc) = &whole {
        // the profile imports itself as its catalog: exercises selection and modification
        let copy = doc.clone();
        let _ = oscal::resolve(doc, &mut |_| Ok(copy.clone()));
        let _ = oscal::control_ids(doc);
    }
    if let Ok(skeletons) = lazy::read(data) {
        let written = lazy::to_pretty(&skeletons);
        if let Some(doc) = &whole {
            let written: Value =
                serde_json::from_slice(&written.expect("as deep as serde_json reads"))
                    .expect("JSON written");
            assert_eq!(&written, doc, "skeletons write back their document");
            let mut materialized = skeletons.clone();
            lazy::materialize(&mut materialized).expect("read whole");
            assert_eq!(&materialized, doc, "skeletons read whole are the document");
        }
        let copy = skeletons.clone();
        if let Ok(resolved) = oscal::resolve(&skeletons, &mut |_| Ok(copy.clone())) {
            let _ = lazy::to_pretty(&resolved);
        }
    }
});
