//! What every request handler may reach: configuration, PostgreSQL, Redis, the clock, metrics,
//! the CPU pool.
//! Nothing in here is state that a second instance would need.

use std::sync::Arc;

use crate::{clock::SharedClock, config::Config, cpu::CpuPool, db, metrics::Metrics, redis::Redis};

#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub db: db::Pool,
    pub redis: Redis,
    pub clock: SharedClock,
    pub metrics: Metrics,
    pub cpu: CpuPool,
}
