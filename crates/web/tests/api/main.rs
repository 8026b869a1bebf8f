//! The API against the real server on port 0, over real HTTP, with a real SQLite database in
//! a temp directory (and a fixed registry where the database does not matter).

mod browser;
mod cases;
mod checks;
mod operations;
mod pages;
mod registry;
mod security;

use ismap_formats::criteria::builtin_catalog;
use ismap_formats::demo;
use ismap_formats::registry_json::parse_registry;
use ismap_store::Store;
use ismap_store::testing::TestDb;
use ismap_web::{AppState, Deployment, Origin, Snapshot};
use std::net::SocketAddr;
use std::sync::Arc;

pub struct Server {
    pub addr: SocketAddr,
    pub state: Arc<AppState>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    _db: Option<TestDb>,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

async fn start(state: Arc<AppState>, db: Option<TestDb>) -> Server {
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = ismap_web::start(Arc::clone(&state), "127.0.0.1:0", async {
        let _ = stopped.await;
    })
    .await
    .expect("bind port 0");
    Server {
        addr: running.addr,
        state,
        stop: Some(stop),
        _db: db,
    }
}

/// The demo registry from memory.
pub async fn demo_server() -> Server {
    demo_server_as(Deployment::default()).await
}

pub async fn demo_server_as(deployment: Deployment) -> Server {
    let catalog = builtin_catalog().expect("criteria");
    let loaded = parse_registry("demo", demo::REGISTRY_JSON.as_bytes(), &catalog).expect("demo");
    start(
        AppState::fixed(
            Snapshot::new(catalog, loaded.registry, loaded.sha256, Origin::Demo),
            deployment,
        ),
        None,
    )
    .await
}

/// A database of its own (SQLite, or PostgreSQL with `ISMAP_TEST_ENGINE=postgres`) holding
/// the demo registry.
pub async fn database_server() -> (Server, Store) {
    database_server_on(TestDb::new().await).await
}

pub async fn database_server_on(db: TestDb) -> (Server, Store) {
    database_server_as(db, Deployment::default()).await
}

pub async fn database_server_as(db: TestDb, deployment: Deployment) -> (Server, Store) {
    let spec = db.spec.clone();
    let catalog = builtin_catalog().expect("criteria");
    let store = Store::open(&spec).await.expect("open");
    store.ensure_criteria(&catalog).await.expect("criteria");
    let loaded = parse_registry("demo", demo::REGISTRY_JSON.as_bytes(), &catalog).expect("demo");
    store
        .import_registry(&loaded.registry, &catalog, "demo", &loaded.sha256, false)
        .await
        .expect("import");
    let state = AppState::from_store(Store::open(&spec).await.expect("open"), deployment)
        .await
        .expect("state");
    (start(state, Some(db)).await, store)
}

pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    /// The first value of header `name`.
    pub fn header(&self, name: &str) -> Option<String> {
        let value = self.headers.get(name)?;
        Some(String::from_utf8_lossy(value.as_bytes()).into_owned())
    }
}

/// One request as written, over a connection of its own: no redirect followed, no proxy, no
/// cookie kept, so each test sees exactly what the server answered.
pub async fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Reply {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .tls_built_in_root_certs(false)
        .build()
        .expect("client");
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let mut request = client.request(method, format!("http://{addr}{path}"));
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    if !body.is_empty() {
        request = request.body(body.to_vec());
    }
    let response = request.send().await.expect("a response");
    Reply {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: response.bytes().await.expect("the body").to_vec(),
    }
}

pub async fn get(addr: SocketAddr, path: &str) -> Reply {
    request(addr, "GET", path, &[], b"").await
}

/// A login form as the browser gets it: the `Cookie` header holding its token, and the token
/// for the form's `csrf` field (the login form's double-submit protection).
pub async fn login_form(addr: SocketAddr) -> (String, String) {
    let page = get(addr, "/login").await;
    let cookie = page
        .header("set-cookie")
        .and_then(|c| c.split(';').next().map(str::to_owned))
        .expect("the login cookie");
    let token = cookie
        .strip_prefix("ismap_login=")
        .expect("ismap_login")
        .to_owned();
    (cookie, token)
}

/// A new account's API token as an Authorization header value; procurers may be approvers.
pub async fn bearer_for(
    store: &Store,
    name: &str,
    role: ismap_core::access::Role,
    org: Option<&str>,
    approver: bool,
) -> String {
    store
        .add_user("test", name, "a long enough password", role, org, None)
        .await
        .expect("user");
    if approver {
        store
            .set_approver("test", name, true)
            .await
            .expect("approver");
    }
    let (_, token) = store
        .create_token("test", name, "t", 90)
        .await
        .expect("token");
    format!("Bearer {token}")
}

/// Percent-encodes a query value (UTF-8).
pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
