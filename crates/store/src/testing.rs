//! Databases for tests (feature `testing`): a SQLite file in a temporary directory, or, when
//! `ISMAP_TEST_ENGINE=postgres`, a fresh database on the server `ISMAP_TEST_POSTGRES` names,
//! dropped when the value is dropped. `.ci/run` runs the suites once per engine.

use sea_orm::{ConnectionTrait, Database};

/// One test's own database.
pub struct TestDb {
    /// What `Store::open` and `--db` take.
    pub spec: String,
    engine: Engine,
}

enum Engine {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { server: String, name: String },
}

/// The PostgreSQL server for tests, if any. With `ISMAP_REQUIRE_POSTGRES` set (CI sets it), a
/// missing server fails the test instead of skipping it, so that a green run has really run on
/// PostgreSQL.
pub fn postgres_server() -> Option<String> {
    let server = std::env::var("ISMAP_TEST_POSTGRES").ok();
    assert!(
        server.is_some() || std::env::var_os("ISMAP_REQUIRE_POSTGRES").is_none(),
        "ISMAP_REQUIRE_POSTGRES is set but ISMAP_TEST_POSTGRES names no server"
    );
    server
}

/// Whether tests run on PostgreSQL (`ISMAP_TEST_ENGINE=postgres`).
pub fn on_postgres() -> bool {
    std::env::var("ISMAP_TEST_ENGINE").is_ok_and(|e| e == "postgres")
}

impl TestDb {
    /// A new empty database on the engine the environment selects.
    pub async fn new() -> TestDb {
        if on_postgres() {
            let server = postgres_server()
                .expect("ISMAP_TEST_ENGINE=postgres needs ISMAP_TEST_POSTGRES=postgres://…");
            TestDb::postgres(&server).await
        } else {
            TestDb::sqlite()
        }
    }

    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let spec = dir.path().join("ismap.db").display().to_string();
        TestDb {
            spec,
            engine: Engine::Sqlite(dir),
        }
    }

    /// A new database on `server` (e.g. `postgres://postgres@127.0.0.1:5432`).
    pub async fn postgres(server: &str) -> TestDb {
        use std::sync::atomic::{AtomicU32, Ordering};
        static N: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "ismap_test_{}_{}_{}",
            std::process::id(),
            chrono::Utc::now().timestamp_micros(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        let admin = Database::connect(format!("{server}/postgres"))
            .await
            .expect("connect to PostgreSQL");
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create database");
        TestDb {
            spec: format!("{server}/{name}"),
            engine: Engine::Postgres {
                server: server.to_owned(),
                name,
            },
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Engine::Postgres { server, name } = &self.engine {
            let (server, name) = (server.clone(), name.clone());
            // Drop may run inside a runtime: use a thread with its own.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                rt.block_on(async {
                    if let Ok(admin) = Database::connect(format!("{server}/postgres")).await {
                        let _ = admin
                            .execute_unprepared(&format!(
                                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                            ))
                            .await;
                    }
                });
            })
            .join();
        }
    }
}

/// A statement that a submission accepts: every mandatory item of `catalog` implemented.
pub fn complete_statement(catalog: &ismap_core::criteria::Catalog) -> Vec<crate::StatementContent> {
    catalog
        .basic_baseline()
        .into_iter()
        .map(|key| crate::StatementContent {
            control_id: catalog.get(key).id.to_string(),
            status: "implemented".into(),
            ..crate::StatementContent::default()
        })
        .collect()
}

/// Application content as JSON, with its `statements` replaced by [`complete_statement`].
pub fn stated_in_full(content: &str, catalog: &ismap_core::criteria::Catalog) -> String {
    let mut value: serde_json::Value = serde_json::from_str(content).expect("content JSON");
    value["statements"] = serde_json::to_value(complete_statement(catalog)).expect("statements");
    value.to_string()
}
