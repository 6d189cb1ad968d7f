//! What every request handler may reach: configuration, PostgreSQL, Redis, the clock, metrics,
//! the CPU pool.
//! Nothing in here is state that a second instance would need.

use std::sync::Arc;

use crate::{
    clock::SharedClock, config::Config, cpu::CpuPool, db, errors::ApiError, metrics::Metrics,
    redis::Redis,
};

#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub db: db::Pool,
    pub redis: Redis,
    pub clock: SharedClock,
    pub metrics: Metrics,
    pub cpu: CpuPool,
}

impl AppState {
    /// A PostgreSQL connection from the pool; none within `database.connect_timeout_ms` is 503.
    pub async fn conn(&self) -> Result<db::Conn, ApiError> {
        self.db.get().await.map_err(ApiError::unavailable)
    }

    /// Today in the university's time zone, by the clock.
    pub fn today(&self) -> chrono::NaiveDate {
        let tz = self.config.university.time_zone.tz();
        self.clock.now().with_timezone(&tz).date_naive()
    }
}
