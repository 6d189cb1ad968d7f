//! The integration tests' kit: a real server on a random port, with its own PostgreSQL database
//! and Redis key prefix (both removed afterwards), and a clock the test controls.
#![allow(dead_code)] // each test file uses its own part of the kit

pub mod phone;
pub mod session;

use std::{path::PathBuf, sync::Arc};

use chrono::{TimeZone, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use ent::{
    clock::ManualClock,
    config::{Config, Source},
    db, server,
};

/// PostgreSQL role allowed to create databases (scripts/test and scripts/dev create it).
pub fn admin_url() -> String {
    std::env::var("ENTMOBILE_TEST_ADMIN_URL")
        .unwrap_or_else(|_| "postgres://ent:ent@127.0.0.1:5432/postgres".into())
}

/// The clone the tests run from, read when they run: a target directory shared by several clones
/// may hold a test binary compiled in another one.
pub fn project_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .expect("cargo sets CARGO_MANIFEST_DIR")
}

pub fn redis_url() -> String {
    std::env::var("ENTMOBILE_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

/// The `test` profile from `config/`, pointed at this test's own database and Redis prefix.
pub fn test_config(db_name: &str, prefix: &str) -> Config {
    let mut config = Config::load(&Source {
        dir: project_dir().join("config"),
        profile: "test".into(),
    })
    .expect("test configuration");
    let base = admin_url();
    let server_part = base.rsplit_once('/').expect("admin URL has a database").0;
    config.database.url = format!("{server_part}/{db_name}").try_into().unwrap();
    config.redis.url = redis_url().try_into().unwrap();
    config.redis.prefix = prefix.to_string().try_into().unwrap();
    config
}

/// A database of its own, migrated; dropped when this value goes (even if the test panics).
pub struct TestDb {
    pub name: String,
    pub config: Config,
}

impl TestDb {
    pub async fn new() -> TestDb {
        let db = TestDb::empty().await;
        db::migrate(&db.config.database)
            .await
            .expect("migrations apply");
        db
    }

    /// A database nothing has migrated yet.
    pub async fn empty() -> TestDb {
        let name = format!("ent_t_{}", uuid::Uuid::new_v4().simple());
        let mut admin = AsyncPgConnection::establish(&admin_url())
            .await
            .expect("PostgreSQL reachable (run scripts/test, which starts it)");
        diesel::sql_query(format!("CREATE DATABASE \"{name}\""))
            .execute(&mut admin)
            .await
            .expect("create test database");
        let config = test_config(&name, &format!("{name}:"));
        TestDb { name, config }
    }

    pub async fn conn(&self) -> AsyncPgConnection {
        AsyncPgConnection::establish(self.config.database.url.as_str())
            .await
            .expect("connect to test database")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let name = self.name.clone();
        let prefix = self.config.redis.prefix.to_string();
        // Drop cannot await: clean up on a thread with its own runtime.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                if let Ok(mut admin) = AsyncPgConnection::establish(&admin_url()).await {
                    let _ = diesel::sql_query(format!(
                        "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                    ))
                    .execute(&mut admin)
                    .await;
                }
                if let Ok(client) = redis::Client::open(redis_url())
                    && let Ok(mut c) = client.get_multiplexed_async_connection().await
                {
                    let keys: Vec<String> = redis::cmd("KEYS")
                        .arg(format!("{prefix}*"))
                        .query_async(&mut c)
                        .await
                        .unwrap_or_default();
                    if !keys.is_empty() {
                        let _: redis::RedisResult<()> =
                            redis::cmd("DEL").arg(keys).query_async(&mut c).await;
                    }
                }
            });
        })
        .join();
    }
}

type Running = (
    String,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<()>,
);

/// Serves `config` until the sender is dropped or used.
async fn serve(config: &Config, clock: &Arc<ManualClock>) -> Running {
    let state = server::state(config.clone(), clock.clone()).expect("state");
    let bound = server::bind(state).await.expect("server binds");
    let base = format!("http://{}", bound.addr);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let _ = bound
            .run(async {
                let _ = stopped.await;
            })
            .await;
    });
    (base, stop, task)
}

/// Another server of the same application; it stops when dropped.
pub struct Instance {
    pub base: String,
    _stop: tokio::sync::oneshot::Sender<()>,
}

/// A running server.
pub struct TestApp {
    pub base: String,
    pub http: reqwest::Client,
    pub clock: Arc<ManualClock>,
    pub db: TestDb,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl TestApp {
    pub async fn start() -> TestApp {
        TestApp::start_with(|_| {}).await
    }

    /// Starts with the test configuration changed by `adjust` (e.g. a PWA folder, a limit).
    pub async fn start_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
        let mut db = TestDb::new().await;
        adjust(&mut db.config);
        let clock = ManualClock::at(Utc.with_ymd_and_hms(2026, 11, 30, 7, 45, 0).unwrap());
        let (base, stop, task) = serve(&db.config, &clock).await;
        TestApp {
            base,
            http: reqwest::Client::new(),
            clock,
            db,
            stop: Some(stop),
            task: Some(task),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A second server on the same database, Redis and clock, as behind a load balancer.
    pub async fn another_instance(&self) -> Instance {
        let (base, stop, _task) = serve(&self.db.config, &self.clock).await;
        Instance { base, _stop: stop }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(self.url(path)).send().await.expect("request")
    }

    /// Stops serving (waits for the server to finish).
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Asserts a problem+json answer and returns its body.
pub async fn problem(resp: reqwest::Response, status: u16, slug: &str) -> serde_json::Value {
    assert_eq!(resp.status().as_u16(), status, "status");
    assert_eq!(
        resp.headers()["content-type"].to_str().unwrap(),
        "application/problem+json"
    );
    let body: serde_json::Value = resp.json().await.expect("problem body is JSON");
    assert_eq!(body["type"], format!("urn:ent-mobile:problem:{slug}"));
    assert_eq!(body["status"], status);
    assert!(body["title"].as_str().is_some_and(|t| !t.is_empty()));
    body
}
