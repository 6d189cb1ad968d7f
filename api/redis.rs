//! Redis: one lazily connected, self-healing connection per instance, every key under the
//! configured prefix, every call bounded in time.

use std::{sync::Arc, time::Duration};

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use crate::{config, errors::ApiError};

mod hub;

#[derive(Clone)]
pub struct Redis {
    client: redis::Client,
    hub: Arc<hub::Hub>,
    conn: ConnectionManager,
    prefix: Arc<str>,
    timeout: Duration,
}

impl Redis {
    /// Never waits for the server: the first command connects, and a lost connection is
    /// re-established by the next command once Redis is back.
    pub fn new(cfg: &config::Redis) -> anyhow::Result<Self> {
        let client =
            redis::Client::open(cfg.url.as_str()).map_err(|e| anyhow::anyhow!("redis.url: {e}"))?;
        let settings = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_millis(cfg.connect_timeout_ms)))
            .set_response_timeout(Some(Duration::from_millis(cfg.response_timeout_ms)))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_millis(200));
        let conn = ConnectionManager::new_lazy_with_config(client.clone(), settings)?;
        Ok(Redis {
            client,
            hub: Default::default(),
            conn,
            prefix: cfg.prefix.as_str().into(),
            timeout: Duration::from_millis(cfg.connect_timeout_ms + cfg.response_timeout_ms),
        })
    }

    /// The full key for `name` (`<prefix><name>`).
    pub fn key(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    /// Runs commands on a connection; a slow or absent Redis becomes a 503.
    pub async fn run<T, F, Fut>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(ConnectionManager) -> Fut,
        Fut: Future<Output = redis::RedisResult<T>>,
    {
        match tokio::time::timeout(self.timeout, f(self.conn.clone())).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(ApiError::unavailable(format!("redis: {e}"))),
            Err(_) => Err(ApiError::unavailable("redis: timed out")),
        }
    }

    /// The messages published on `channel` (a full key) from the moment this returns, until
    /// the stream is dropped or the connection lost; one subscriber connection per instance.
    pub async fn subscribe(
        &self,
        channel: &str,
    ) -> Result<impl futures_util::Stream<Item = Arc<str>> + Send + 'static, ApiError> {
        match tokio::time::timeout(self.timeout, self.hub.listen(&self.client, channel)).await {
            Ok(Ok(stream)) => Ok(stream),
            Ok(Err(e)) => Err(ApiError::unavailable(format!("redis: {e}"))),
            Err(_) => Err(ApiError::unavailable("redis: timed out")),
        }
    }

    /// Is Redis answering? (readiness)
    pub async fn ping(&self) -> bool {
        self.run(|mut c| async move { redis::cmd("PING").query_async::<String>(&mut c).await })
            .await
            .is_ok()
    }
}
