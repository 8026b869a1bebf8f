#![no_main]
//! Any bytes as the input of `ismap restore`: a JSON document restored onto a real SQLite
//! database (opened and migrated once per process). An error is fine; a panic is a finding.
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

struct Db {
    runtime: tokio::runtime::Runtime,
    store: ismap_store::Store,
}

/// `ISMAP_FUZZ_VERBOSE=1` prints each restore's outcome (to check that a seed restores).
static VERBOSE: LazyLock<bool> = LazyLock::new(|| std::env::var_os("ISMAP_FUZZ_VERBOSE").is_some());

static DB: LazyLock<Db> = LazyLock::new(|| {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    // A file (on tmpfs where there is one) rather than `sqlite::memory:`: the pool may close its
    // one connection, and an in-memory database goes with it. One file per process.
    let dir = if std::path::Path::new("/dev/shm").is_dir() {
        std::path::PathBuf::from("/dev/shm")
    } else {
        std::env::temp_dir()
    };
    let path = dir.join(format!("ismap-fuzz-backup-{}.db", std::process::id()));
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let spec = path.display().to_string();
    let store = runtime
        .block_on(ismap_store::Store::open(&spec))
        .expect("open the fuzz database");
    Db { runtime, store }
});

fuzz_target!(|data: &[u8]| {
    let Ok(backup) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let db = &*DB;
    let result = db.runtime.block_on(db.store.restore(backup, "fuzz", &[]));
    if *VERBOSE {
        eprintln!("restore: {result:?}");
    }
});
