//! What the server answers from: an immutable snapshot of criteria, registry and search index,
//! swapped whole when the database's registry changes (checked on an interval).

use ismap_core::criteria::{BUILTIN_VERSION, Catalog};
use ismap_core::query::RegistryIndex;
use ismap_core::registry::Registry;
use ismap_formats::registry_json::write_registry;
use ismap_formats::sha256_hex;
use ismap_store::{ImportRecord, Store, StoreError};
use std::sync::{Arc, RwLock};
use std::time::Duration;

pub struct Snapshot {
    pub catalog: Catalog,
    pub registry: Registry,
    pub index: RegistryIndex,
    /// SHA-256 of the registry file, or of the canonical export for a database.
    pub sha256: String,
    pub source: String,
    /// The latest imports, newest first (empty when not served from a database).
    pub imports: Vec<ImportRecord>,
}

impl Snapshot {
    pub fn new(
        catalog: Catalog,
        registry: Registry,
        sha256: String,
        source: String,
        imports: Vec<ImportRecord>,
    ) -> Self {
        let index = RegistryIndex::new(&registry);
        Snapshot {
            catalog,
            registry,
            index,
            sha256,
            source,
            imports,
        }
    }

    async fn from_store(store: &Store, source: &str) -> Result<Snapshot, StoreError> {
        let catalog = store.load_catalog(BUILTIN_VERSION).await?;
        let registry = store.load_registry(&catalog).await?;
        let sha256 = sha256_hex(write_registry(&registry, &catalog).as_bytes());
        let imports = store.recent_imports(20).await?;
        Ok(Snapshot::new(
            catalog,
            registry,
            sha256,
            source.to_owned(),
            imports,
        ))
    }

    fn import_marker(&self) -> Option<i32> {
        self.imports.first().map(|i| i.id)
    }
}

pub struct AppState {
    store: Option<(Store, String)>,
    snapshot: RwLock<Arc<Snapshot>>,
}

impl AppState {
    /// Serves a fixed registry (a file or the demo): never reloaded.
    pub fn fixed(snapshot: Snapshot) -> Arc<AppState> {
        Arc::new(AppState {
            store: None,
            snapshot: RwLock::new(Arc::new(snapshot)),
        })
    }

    /// Serves the database's registry; `source` names it in reports.
    pub async fn from_store(store: Store, source: &str) -> Result<Arc<AppState>, StoreError> {
        let snapshot = Snapshot::from_store(&store, source).await?;
        Ok(Arc::new(AppState {
            store: Some((store, source.to_owned())),
            snapshot: RwLock::new(Arc::new(snapshot)),
        }))
    }

    pub fn snapshot(&self) -> Arc<Snapshot> {
        match self.snapshot.read() {
            Ok(s) => Arc::clone(&s),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Reloads when an import happened since the snapshot was taken. Returns whether it did.
    pub async fn refresh(&self) -> Result<bool, StoreError> {
        let Some((store, source)) = &self.store else {
            return Ok(false);
        };
        let latest = store.recent_imports(1).await?.first().map(|i| i.id);
        if latest == self.snapshot().import_marker() {
            return Ok(false);
        }
        let fresh = Arc::new(Snapshot::from_store(store, source).await?);
        match self.snapshot.write() {
            Ok(mut s) => *s = fresh,
            Err(poisoned) => *poisoned.into_inner() = fresh,
        }
        tracing::info!("registry reloaded after an import");
        Ok(true)
    }

    /// Checks for imports every `every` until the process ends.
    pub fn spawn_refresh(self: &Arc<Self>, every: Duration) {
        if self.store.is_none() {
            return;
        }
        let state = Arc::clone(self);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            loop {
                tick.tick().await;
                if let Err(e) = state.refresh().await {
                    tracing::warn!("registry refresh failed: {e}");
                }
            }
        });
    }
}
