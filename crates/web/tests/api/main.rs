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
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

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
    pub headers: String,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
        })
    }
}

/// A minimal HTTP/1.1 client: one request per connection.
pub async fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Reply {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await.expect("write head");
    stream.write_all(body).await.expect("write body");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.expect("read");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head");
    let headers = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = headers
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status");
    let mut body = raw[split + 4..].to_vec();
    if headers
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = dechunk(&body);
    }
    Reply {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = data.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&data[..end]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&data[end + 2..end + 2 + size]);
        data = &data[end + 4 + size..];
    }
    out
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

/// Percent-encodes a query value (UTF-8).
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
