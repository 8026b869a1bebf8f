//! What the server answers from: an immutable snapshot of criteria, registry and search index,
//! swapped whole when the database's registry changes (checked on an interval, and at once
//! after a change made through this server), and the database when there is one
//! ([`AppState::db`]: 404 without one). Shared by the API and the pages.

use crate::render::RenderPool;
use chrono::NaiveDate;
use ismap_core::criteria::{BUILTIN_VERSION, Catalog};
use ismap_core::query::RegistryIndex;
use ismap_core::registration::Registration;
use ismap_core::registry::Registry;
use ismap_core::validity::ExpiryRule;
use ismap_formats::registry_json::canonical_sha256;
use ismap_report::{Origin, RegistryInfo};
use ismap_store::{ImportRecord, ListEvent, Store, StoreError};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::Duration;

/// How many of the list's latest changes the dashboard shows.
const RECENT_CHANGES: u64 = 10;

pub struct Snapshot {
    pub catalog: Catalog,
    pub registry: Registry,
    pub index: RegistryIndex,
    /// SHA-256 of the registry file, or of the canonical export for a database: computed
    /// once, after a reload and off the request path ([`Snapshot::sha256`]).
    sha256: OnceLock<String>,
    /// Where the registry came from, as public output names it (never a path or URL).
    pub origin: Origin,
    /// The latest imports, newest first (empty when not served from a database).
    pub imports: Vec<ImportRecord>,
    /// The list's latest changes, newest first (empty when not served from a database).
    pub changes: Vec<ListEvent>,
    /// The database's list revision the snapshot was read at.
    revision: i64,
}

impl Snapshot {
    pub fn new(catalog: Catalog, registry: Registry, sha256: String, origin: Origin) -> Self {
        let snapshot = Snapshot::unhashed(catalog, registry, origin);
        let _ = snapshot.sha256.set(sha256);
        snapshot
    }

    /// A snapshot whose hash is computed when first asked for.
    fn unhashed(catalog: Catalog, registry: Registry, origin: Origin) -> Self {
        let index = RegistryIndex::new(&registry);
        Snapshot {
            catalog,
            registry,
            index,
            sha256: OnceLock::new(),
            origin,
            imports: Vec::new(),
            changes: Vec::new(),
            revision: 0,
        }
    }

    /// SHA-256 of the registry file, or of the canonical export for a database (`ismap
    /// registry export` writes exactly the bytes hashed). Computed on first use, which takes
    /// a moment on a large list: pages that only show it use [`Snapshot::sha256_ready`].
    pub fn sha256(&self) -> &str {
        self.sha256
            .get_or_init(|| canonical_sha256(&self.registry, &self.catalog))
    }

    /// The hash when it has been computed (right after a reload it is being computed).
    pub fn sha256_ready(&self) -> Option<&str> {
        self.sha256.get().map(String::as_str)
    }

    /// A procurement case's profile checked against this list: the snapshot the case keeps
    /// (on the render pool: a check of the whole list is real work).
    pub fn check_case(
        &self,
        profile: &str,
        profile_version: i32,
        rule: ExpiryRule,
    ) -> Result<ismap_store::Snapshot, crate::ApiError> {
        // Today in Japan, whatever the profile's evaluation date: a case's record is of the
        // list as it is, and a past date could let a revoked service pass.
        let on = ismap_formats::profile_toml::CaseCheckOn {
            registry_sha256: self.sha256(),
            registry_revision: self.origin.revision(),
            evaluated_on: ismap_core::validity::japan_date(chrono::Utc::now()),
            rule,
        };
        Ok(ismap_formats::profile_toml::case_snapshot(
            ("profile", profile, profile_version),
            &self.catalog,
            &self.registry,
            on,
        )?)
    }

    /// How reports name this registry.
    pub fn registry_info(&self) -> RegistryInfo {
        RegistryInfo::new(
            &self.registry,
            self.sha256().to_owned(),
            self.origin.clone(),
        )
    }

    async fn from_store(store: &Store, rule: ExpiryRule) -> Result<Snapshot, StoreError> {
        let revision = store.list_revision().await?;
        let catalog = store.load_criteria(BUILTIN_VERSION).await?;
        let registry = store.load_registry(&catalog).await?;
        Snapshot::at_revision(store, rule, (catalog, registry), revision).await
    }

    /// The snapshot of a registry read at `revision`, with the list's latest imports and
    /// changes.
    async fn at_revision(
        store: &Store,
        rule: ExpiryRule,
        (catalog, registry): (Catalog, Registry),
        revision: i64,
    ) -> Result<Snapshot, StoreError> {
        let imports = store.recent_imports(20).await?;
        let changes = store.list_changes(RECENT_CHANGES, &catalog, rule).await?;
        let origin = Origin::Database {
            revision: Some(revision),
            as_of: None,
        };
        let mut snapshot = Snapshot::unhashed(catalog, registry, origin);
        snapshot.imports = imports;
        snapshot.changes = changes;
        snapshot.revision = revision;
        Ok(snapshot)
    }

    /// This snapshot with the entries the list events since its revision name read again
    /// (not every statement row of the list); `None` when the list has not changed.
    async fn updated(
        &self,
        store: &Store,
        rule: ExpiryRule,
    ) -> Result<Option<Snapshot>, StoreError> {
        let revision = store.list_revision().await?;
        if revision == self.revision {
            return Ok(None);
        }
        let everything = || async { Snapshot::from_store(store, rule).await.map(Some) };
        // A history that went back (a restored backup) is read again whole.
        if revision < self.revision {
            return everything().await;
        }
        let changed = store.changed_since(self.revision).await?;
        if changed.len() > self.registry.len() / 2 {
            return everything().await;
        }
        // An entry that does not read under this snapshot's criteria (criteria imported
        // since): everything, criteria included, is read again.
        let Ok(mut fresh) = store.load_registrations(&changed, &self.catalog).await else {
            return everything().await;
        };
        let kept: HashMap<&str, &Registration> = self
            .registry
            .registrations()
            .iter()
            .map(|r| (r.registration_no.as_str(), r))
            .collect();
        let order = store.list_order().await?;
        let mut entries = Vec::with_capacity(order.len());
        for no in &order {
            match fresh.remove(no) {
                Some(r) => entries.push(r),
                None => match kept.get(no.as_str()) {
                    Some(r) => entries.push((*r).clone()),
                    // An entry added after the events were read.
                    None => return everything().await,
                },
            }
        }
        let registry = Registry::new(entries).map_err(|e| StoreError::Corrupt {
            table: "registration",
            key: e.no.to_string(),
            message: "duplicate registration number".into(),
        })?;
        let catalog = self.catalog.clone();
        Snapshot::at_revision(store, rule, (catalog, registry), revision)
            .await
            .map(Some)
    }
}

/// How the server is reached: set from `serve`'s options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deployment {
    /// Clients reach the server over TLS: session cookies are marked Secure.
    pub secure_cookies: bool,
    /// A reverse proxy or load balancer is in front: the client's address is the last one in
    /// X-Forwarded-For. Never set it when clients can reach the server directly.
    pub behind_proxy: bool,
    /// Failed logins one client address may have within the throttle's window.
    pub client_login_failures: u64,
    /// Where webhooks may point (internal hosts the operator allowed).
    pub egress: ismap_core::egress::Policy,
    /// How many PDF/XLSX renderings run and wait at once.
    pub render: crate::render::RenderLimits,
    /// The address the public reaches the server at (`https://ismap.example.go.jp`), for the
    /// links in feeds; without it, the address the server listens on. Never the request's
    /// `Host` header, which any client can set.
    pub public_url: Option<String>,
    /// The contract clause templates cases are drafted from (the shipped ones unless the
    /// agency keeps its own directory).
    pub clauses: Vec<ismap_core::case::clauses::Template>,
    /// How expiry dates are computed everywhere the server shows or checks one.
    pub rule: ExpiryRule,
}

impl Default for Deployment {
    fn default() -> Self {
        Deployment {
            secure_cookies: false,
            behind_proxy: false,
            client_login_failures: ismap_store::CLIENT_MAX_FAILURES,
            egress: ismap_core::egress::Policy::default(),
            render: crate::render::RenderLimits::default(),
            public_url: None,
            clauses: ismap_formats::clauses::builtin_clauses().to_vec(),
            rule: ExpiryRule::default(),
        }
    }
}

pub struct AppState {
    store: Option<Store>,
    snapshot: RwLock<Arc<Snapshot>>,
    render: RenderPool,
    /// Lists on past dates, rebuilt from the history once per list revision.
    past: Mutex<PastLists>,
    deployment: Deployment,
    /// `http://ADDRESS` of the listening socket, once bound.
    listening: std::sync::OnceLock<String>,
}

/// Lists on past dates for one list revision (a new revision empties it).
#[derive(Default)]
struct PastLists {
    revision: i64,
    lists: HashMap<NaiveDate, Arc<Registry>>,
}

/// How many past dates are kept; beyond, the cache starts again (dates asked for are few).
const PAST_LISTS_KEPT: usize = 64;

impl AppState {
    fn new(store: Option<Store>, snapshot: Snapshot, deployment: Deployment) -> Arc<AppState> {
        Arc::new(AppState {
            store,
            snapshot: RwLock::new(Arc::new(snapshot)),
            render: RenderPool::new(deployment.render),
            past: Mutex::default(),
            deployment,
            listening: std::sync::OnceLock::new(),
        })
    }

    /// Where links in feeds point: the configured public URL, else the listening address.
    pub fn public_url(&self) -> &str {
        self.deployment
            .public_url
            .as_deref()
            .or(self.listening.get().map(String::as_str))
            .unwrap_or("http://localhost")
    }

    pub(crate) fn listening_on(&self, addr: std::net::SocketAddr) {
        let _ = self.listening.set(format!("http://{addr}"));
    }

    /// Serves a fixed registry (a file or the demo): never reloaded.
    pub fn fixed(snapshot: Snapshot, deployment: Deployment) -> Arc<AppState> {
        AppState::new(None, snapshot, deployment)
    }

    /// The CPU-heavy renderings' pool.
    pub fn render(&self) -> &RenderPool {
        &self.render
    }

    /// The list as it was on `date`, from the history (cached per list revision).
    pub async fn registry_as_of(
        &self,
        store: &Store,
        date: NaiveDate,
    ) -> Result<Arc<Registry>, StoreError> {
        let revision = store.list_revision().await?;
        if let Ok(past) = self.past.lock()
            && past.revision == revision
            && let Some(list) = past.lists.get(&date)
        {
            return Ok(Arc::clone(list));
        }
        let catalog = &self.snapshot().catalog;
        let list = Arc::new(store.registry_as_of(date, catalog).await?);
        if let Ok(mut past) = self.past.lock() {
            if past.revision != revision || past.lists.len() >= PAST_LISTS_KEPT {
                *past = PastLists {
                    revision,
                    lists: HashMap::new(),
                };
            }
            past.lists.insert(date, Arc::clone(&list));
        }
        Ok(list)
    }

    /// Serves the database's registry.
    pub async fn from_store(
        store: Store,
        deployment: Deployment,
    ) -> Result<Arc<AppState>, StoreError> {
        let snapshot = Snapshot::from_store(&store, deployment.rule).await?;
        let state = AppState::new(Some(store), snapshot, deployment);
        warm(state.snapshot());
        Ok(state)
    }

    /// The database, when the server runs on one (accounts, applications, history).
    pub fn store(&self) -> Option<&Store> {
        self.store.as_ref()
    }

    /// The database, or 404 when the server runs on a file or the demo (no accounts there):
    /// what every handler needing accounts, applications, cases or history starts with.
    pub fn db(&self) -> Result<&Store, crate::ApiError> {
        self.store().ok_or_else(|| {
            crate::ApiError::not_found("this server runs without a database (--registry or --demo): no accounts, applications or history")
        })
    }

    pub fn deployment(&self) -> &Deployment {
        &self.deployment
    }

    /// The expiry rule the server was started with.
    pub fn rule(&self) -> ExpiryRule {
        self.deployment.rule
    }

    pub fn snapshot(&self) -> Arc<Snapshot> {
        match self.snapshot.read() {
            Ok(s) => Arc::clone(&s),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Reloads when the list changed (an import or a decision, through any server sharing the
    /// database) since the snapshot was taken. Returns whether it did.
    pub async fn refresh(&self) -> Result<bool, StoreError> {
        let Some(store) = &self.store else {
            return Ok(false);
        };
        let started = std::time::Instant::now();
        let Some(fresh) = self.snapshot().updated(store, self.rule()).await? else {
            return Ok(false);
        };
        let fresh = Arc::new(fresh);
        {
            let mut current = match self.snapshot.write() {
                Ok(s) => s,
                Err(poisoned) => poisoned.into_inner(),
            };
            // Two updates may run at once (a poll and a change made here): the later list
            // stays.
            if current.revision > fresh.revision {
                return Ok(false);
            }
            *current = Arc::clone(&fresh);
        }
        tracing::info!(
            revision = fresh.revision,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "registry updated after a change to the list"
        );
        warm(fresh);
        Ok(true)
    }

    /// The list changed through this server: show it at once, not at the next poll (a failed
    /// reload is logged; the interval retries it).
    pub async fn after_change(&self) {
        if let Err(e) = self.refresh().await {
            tracing::warn!("registry refresh failed: {e}");
        }
    }

    /// Checks for list changes every `every` until the process ends.
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

/// Computes a new snapshot's hash on a blocking thread, before a reader needs it.
fn warm(snapshot: Arc<Snapshot>) {
    tokio::task::spawn_blocking(move || {
        snapshot.sha256();
    });
}
