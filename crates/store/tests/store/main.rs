//! The store against a real SQLite file, and against a real PostgreSQL when
//! `ISMAP_TEST_POSTGRES` names a server (CI sets it); each test makes and drops its database.

use ismap_core::criteria::Catalog;
use ismap_core::registry::Registry;
use ismap_formats::criteria::builtin_catalog;
use ismap_formats::demo;
use ismap_formats::registry_json::{parse_registry, write_registry};
use ismap_store::Store;

mod operations;

fn catalog() -> Catalog {
    builtin_catalog().expect("built-in criteria")
}

fn demo_registry(catalog: &Catalog) -> Registry {
    parse_registry("demo.json", demo::REGISTRY_JSON.as_bytes(), catalog)
        .expect("demo registry")
        .registry
}

/// The scenario every engine must pass.
async fn scenario(store: &Store) {
    let catalog = catalog();
    assert!(store.ensure_criteria(&catalog).await.expect("seed"));
    assert!(
        !store.ensure_criteria(&catalog).await.expect("seed again"),
        "seeded twice"
    );
    assert_eq!(
        store.criteria_versions().await.expect("versions"),
        ["2022-04-01"]
    );
    let loaded = store
        .load_catalog("2022-04-01")
        .await
        .expect("load catalog");
    assert_eq!(loaded.criteria(), catalog.criteria());
    assert_eq!(loaded.sections().len(), catalog.sections().len());
    assert!(store.load_catalog("1999-01-01").await.is_err());

    let registry = demo_registry(&catalog);
    let summary = store
        .import_registry(&registry, &catalog, "demo.json", "abc", false)
        .await
        .expect("import");
    assert_eq!(
        (
            summary.added.len(),
            summary.changed.len(),
            summary.removed.len()
        ),
        (registry.len(), 0, 0)
    );
    let back = store.load_registry(&catalog).await.expect("load registry");
    assert_eq!(back.registrations(), registry.registrations());
    assert_eq!(
        write_registry(&back, &catalog),
        write_registry(&registry, &catalog)
    );

    // the same file again changes nothing
    let again = store
        .import_registry(&registry, &catalog, "demo.json", "abc", false)
        .await
        .expect("re-import");
    assert_eq!(
        (
            again.added.len(),
            again.changed.len(),
            again.removed.len(),
            again.unchanged
        ),
        (0, 0, 0, registry.len())
    );

    // change one, drop one, reorder: a dry run reports and writes nothing
    let mut edited: Vec<_> = registry.registrations().to_vec();
    edited[0].service_name.push_str(" v2");
    let dropped = edited.remove(1).registration_no.to_string();
    edited.reverse();
    let edited = Registry::new(edited).expect("unique");
    let dry = store
        .import_registry(&edited, &catalog, "edit.json", "def", true)
        .await
        .expect("dry run");
    assert_eq!(dry.changed, ["C99-0001-1"]);
    assert_eq!(dry.removed, [dropped]);
    assert_eq!(
        store
            .load_registry(&catalog)
            .await
            .expect("load")
            .registrations(),
        registry.registrations()
    );

    let wet = store
        .import_registry(&edited, &catalog, "edit.json", "def", false)
        .await
        .expect("import edit");
    assert_eq!(wet, dry);
    let imports = store.recent_imports(10).await.expect("import log");
    let log: Vec<(&str, i32, i32, i32)> = imports
        .iter()
        .map(|i| (i.source.as_str(), i.added, i.changed, i.removed))
        .collect();
    assert_eq!(
        log,
        [
            ("edit.json", 0, 1, 1),
            ("demo.json", 0, 0, 0),
            ("demo.json", 9, 0, 0)
        ],
        "newest first, dry run not logged"
    );
    let after = store.load_registry(&catalog).await.expect("load");
    assert_eq!(
        after.registrations(),
        edited.registrations(),
        "order and content follow the file"
    );
}

#[tokio::test]
async fn sqlite_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("ismap.db");
    let spec = path.to_str().expect("utf-8 path");
    scenario(&Store::open(spec).await.expect("open")).await;
    // reopening runs no migration twice and keeps the data
    let reopened = Store::open(spec).await.expect("reopen");
    assert_eq!(
        reopened
            .load_registry(&catalog())
            .await
            .expect("load")
            .len(),
        demo_registry(&catalog()).len() - 1
    );
}

#[tokio::test]
async fn postgres() {
    let Some(server) = ismap_store::testing::postgres_server() else {
        eprintln!(
            "skipped: set ISMAP_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432 to run on PostgreSQL"
        );
        return;
    };
    let db = ismap_store::testing::TestDb::postgres(&server).await;
    scenario(&Store::open(&db.spec).await.expect("open")).await;
}
