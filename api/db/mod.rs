//! PostgreSQL: the connection pool and the embedded migrations.

pub mod schema;
pub mod tls;
pub mod words;

use std::{sync::Arc, time::Duration};

use diesel_async::{
    AsyncPgConnection,
    pooled_connection::{AsyncDieselConnectionManager, ManagerConfig, deadpool},
};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use futures_util::FutureExt;

use crate::config;

pub type Pool = deadpool::Pool<AsyncPgConnection>;
pub type Conn = deadpool::Object<AsyncPgConnection>;

diesel::define_sql_function! {
    /// Lower case, accents off (migration 000008): what people type matched as they think of it.
    fn folded(t: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// The pool opens connections lazily: building it never fails on an unreachable server (only
/// on a URL or CA file it cannot read).
pub fn pool(cfg: &config::Database) -> anyhow::Result<Pool> {
    let wait = Duration::from_millis(cfg.connect_timeout_ms);
    let connector = Arc::new(tls::Connector::new(cfg.url.as_str())?);
    let mut setup = ManagerConfig::default();
    setup.custom_setup = Box::new(move |_url| {
        let connector = connector.clone();
        async move { connector.connect().await }.boxed()
    });
    let manager =
        AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(cfg.url.as_str(), setup);
    Ok(deadpool::Pool::builder(manager)
        .max_size(cfg.pool_size)
        .wait_timeout(Some(wait))
        .create_timeout(Some(wait))
        .recycle_timeout(Some(wait))
        .runtime(::deadpool::Runtime::Tokio1)
        .build()?)
}

/// Applies the pending migrations; returns their names.
pub async fn migrate(cfg: &config::Database) -> anyhow::Result<Vec<String>> {
    let connector = tls::Connector::new(cfg.url.as_str())?;
    let conn = tokio::time::timeout(
        Duration::from_millis(cfg.connect_timeout_ms),
        connector.connect(),
    )
    .await
    .map_err(|_| anyhow::anyhow!("PostgreSQL did not answer in time; check database.url"))?
    .map_err(unreachable)?;
    let mut harness = diesel_async::AsyncMigrationHarness::new(conn);
    let applied = harness
        .run_pending_migrations(MIGRATIONS)
        .map_err(|e| anyhow::anyhow!("migration failed: {e}"))?;
    Ok(applied.iter().map(ToString::to_string).collect())
}

/// The one-line report of a failed connection.
pub fn unreachable(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("PostgreSQL is unreachable ({e}); check database.url")
}

/// Is PostgreSQL answering? (readiness)
pub async fn ping(pool: &Pool) -> bool {
    use diesel_async::RunQueryDsl;
    let Ok(mut conn) = pool.get().await else {
        return false;
    };
    diesel::sql_query("SELECT 1")
        .execute(&mut conn)
        .await
        .is_ok()
}
