//! A bound on CPU-heavy work (password hashing): it runs on blocking threads, at most one job per
//! core at a time, so that a storm of such work queues instead of starving every other request.

use std::sync::Arc;

use tokio::sync::Semaphore;

use crate::errors::ApiError;

#[derive(Clone)]
pub struct CpuPool {
    permits: Arc<Semaphore>,
}

impl CpuPool {
    pub fn new() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        CpuPool {
            permits: Arc::new(Semaphore::new(cores)),
        }
    }

    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let _permit = self.permits.acquire().await.map_err(ApiError::internal)?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(ApiError::internal)
    }
}

impl Default for CpuPool {
    fn default() -> Self {
        Self::new()
    }
}
