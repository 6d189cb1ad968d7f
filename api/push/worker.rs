//! Delivering the push outbox (RFC 8030). A pass leases a batch of due pushes (see
//! [`store::claim`]), encrypts (RFC 8291, `aes128gcm`) and posts them with bounded concurrency
//! and a timeout each, and records each outcome as soon as it is known: a worker killed
//! mid-batch re-sends only what it had not recorded, once the lease ends.

use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use tokio::task::JoinHandle;
use web_push::{ContentEncoding, SubscriptionInfo, WebPushMessageBuilder};

use super::{store, store::Due, vapid::Signer};
use crate::{
    clock::SharedClock,
    config,
    couriers::{backoff, every_pass},
    db,
    metrics::Metrics,
    state::AppState,
};

/// What a push service's answer means for the message.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Delivered,
    /// 404/410: the subscription is gone; it is deleted (with what it still had queued).
    Expired,
    /// 429, 5xx, timeouts: again later (not before `Retry-After` when given).
    Retry {
        error: String,
        after: Option<u64>,
    },
    /// 413, 400/401/403 (our configuration), other 4xx: logged and dropped.
    Drop {
        error: String,
    },
}

#[derive(Clone)]
pub struct Pusher {
    db: db::Pool,
    clock: SharedClock,
    metrics: Metrics,
    settings: config::Push,
    signer: Signer,
    http: reqwest::Client,
    lease: chrono::Duration,
}

impl Pusher {
    pub fn new(state: &AppState) -> anyhow::Result<Pusher> {
        let settings = state.config.push.clone();
        let timeout = Duration::from_millis(settings.timeout_ms);
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        let rounds = Self::batch(&settings).div_ceil(settings.concurrency) as u32;
        Ok(Pusher {
            db: state.db.clone(),
            clock: state.clock.clone(),
            metrics: state.metrics.clone(),
            signer: Signer::new(&settings)?,
            lease: chrono::Duration::from_std(timeout * rounds + Duration::from_secs(60))?,
            settings,
            http,
        })
    }

    fn batch(settings: &config::Push) -> usize {
        settings.concurrency * 4
    }

    /// One pass over the pushes due now; returns how many it tried.
    pub async fn drain_once(&self) -> anyhow::Result<usize> {
        let mut conn = self.db.get().await.map_err(db::unreachable)?;
        let now = self.clock.now();
        let batch = Self::batch(&self.settings);
        let claimed = store::claim(&mut conn, batch as i64, now, now + self.lease).await?;
        let count = claimed.len();
        // Sends run as tasks (encryption spreads over the runtime's threads); outcomes are
        // recorded as they come, the deliveries ready together in one statement.
        let mut results = futures_util::stream::iter(claimed)
            .map(|due| {
                let pusher = self.clone();
                tokio::spawn(async move {
                    let outcome = pusher.send(&due).await;
                    (due, outcome)
                })
            })
            .buffer_unordered(self.settings.concurrency)
            .ready_chunks(self.settings.concurrency);
        while let Some(chunk) = results.next().await {
            let mut delivered = Vec::new();
            for joined in chunk {
                match joined? {
                    (due, Outcome::Delivered) => delivered.push(due.id),
                    (due, outcome) => self.record(&mut conn, &due, outcome).await?,
                }
            }
            store::sent(&mut conn, &delivered, self.clock.now()).await?;
            for _ in &delivered {
                self.metrics.courier("push", "sent");
            }
        }
        Ok(count)
    }

    /// Passes every `push.poll_ms` (at once again after a full batch) until `shutdown`.
    pub fn spawn(self, shutdown: impl Future<Output = ()> + Send + 'static) -> JoinHandle<()> {
        let poll = Duration::from_millis(self.settings.poll_ms);
        let batch = Self::batch(&self.settings);
        every_pass("push", poll, batch, shutdown, move || {
            let this = self.clone();
            async move { this.drain_once().await }
        })
    }

    /// Encrypts and posts one push.
    pub async fn send(&self, due: &Due) -> Outcome {
        let request = match self.encrypt(due) {
            Ok(r) => r,
            Err(e) => {
                return Outcome::Drop {
                    error: format!("cannot encrypt: {e}"),
                };
            }
        };
        match self.post(request).await {
            Ok(response) => classify(response.status().as_u16(), retry_after(&response)),
            Err(e) if e.is_timeout() => Outcome::Retry {
                error: "timed out".into(),
                after: None,
            },
            Err(e) => Outcome::Retry {
                error: format!("unreachable: {}", e.without_url()),
                after: None,
            },
        }
    }

    fn encrypt(&self, due: &Due) -> Result<http::Request<Vec<u8>>, web_push::WebPushError> {
        let info = SubscriptionInfo::new(
            due.endpoint.as_str(),
            due.p256dh.as_str(),
            due.auth.as_str(),
        );
        let mut builder = WebPushMessageBuilder::new(&info);
        builder.set_payload(ContentEncoding::Aes128Gcm, due.payload.as_bytes());
        builder.set_ttl(due.ttl.max(0) as u32);
        builder.set_urgency(match due.urgency.as_str() {
            "high" => web_push::Urgency::High,
            "low" => web_push::Urgency::Low,
            _ => web_push::Urgency::Normal,
        });
        if let Some(topic) = &due.topic {
            builder.set_topic(topic.clone());
        }
        builder.set_vapid_signature(self.signer.sign(&info)?);
        Ok(web_push::request_builder::build_request(builder.build()?))
    }

    async fn post(&self, request: http::Request<Vec<u8>>) -> reqwest::Result<reqwest::Response> {
        let (parts, body) = request.into_parts();
        let mut post = self.http.post(parts.uri.to_string()).body(body);
        for (name, value) in &parts.headers {
            post = post.header(name.as_str(), value.as_bytes());
        }
        post.send().await
    }

    async fn record(
        &self,
        conn: &mut diesel_async::AsyncPgConnection,
        due: &Due,
        outcome: Outcome,
    ) -> diesel::QueryResult<()> {
        let now = self.clock.now();
        let label = match outcome {
            Outcome::Delivered => {
                store::sent(conn, &[due.id], now).await?;
                "sent"
            }
            Outcome::Expired => {
                store::forget(conn, due.subscription_id).await?;
                "expired"
            }
            Outcome::Retry { error, after } => {
                let retry_at = self.retry_at(due, after, now);
                store::failed(conn, due.id, &error, retry_at, now).await?;
                match retry_at {
                    Some(at) => tracing::warn!(id = due.id, %error, %at, "push not delivered yet"),
                    None => tracing::error!(id = due.id, %error, "push given up"),
                }
                if retry_at.is_some() {
                    "failed"
                } else {
                    "given_up"
                }
            }
            Outcome::Drop { error } => {
                store::failed(conn, due.id, &error, None, now).await?;
                tracing::error!(id = due.id, %error, "push dropped");
                "dropped"
            }
        };
        self.metrics.courier("push", label);
        Ok(())
    }

    /// After the `attempts`-th try: the backoff, or the push service's `Retry-After` if later;
    /// none once `max_attempts` tries were made.
    fn retry_at(&self, due: &Due, after: Option<u64>, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let attempts = due.attempts.unsigned_abs();
        if attempts >= self.settings.max_attempts {
            return None;
        }
        let s = &self.settings;
        let wait = backoff(s.first_backoff_seconds, s.max_backoff_seconds, attempts)
            .max(chrono::Duration::seconds(after.unwrap_or(0) as i64));
        Some(now + wait)
    }
}

/// RFC 8030 §5 and §8.
pub fn classify(status: u16, retry_after: Option<u64>) -> Outcome {
    match status {
        200..=299 => Outcome::Delivered,
        404 | 410 => Outcome::Expired,
        429 | 500..=599 => Outcome::Retry {
            error: format!("push service answered {status}"),
            after: retry_after,
        },
        413 => Outcome::Drop {
            error: "payload too large (413)".into(),
        },
        400 | 401 | 403 => Outcome::Drop {
            error: format!("refused ({status}): check the VAPID keys and subject"),
        },
        _ => Outcome::Drop {
            error: format!("push service answered {status}"),
        },
    }
}

/// `Retry-After` in seconds (the HTTP-date form is read as "no hint").
fn retry_after(response: &reqwest::Response) -> Option<u64> {
    response
        .headers()
        .get("retry-after")?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_follow_rfc_8030() {
        assert_eq!(classify(201, None), Outcome::Delivered);
        assert_eq!(classify(410, None), Outcome::Expired);
        assert_eq!(classify(404, None), Outcome::Expired);
        assert!(matches!(
            classify(429, Some(30)),
            Outcome::Retry {
                after: Some(30),
                ..
            }
        ));
        assert!(matches!(
            classify(503, None),
            Outcome::Retry { after: None, .. }
        ));
        assert!(matches!(classify(413, None), Outcome::Drop { .. }));
        assert!(matches!(classify(401, None), Outcome::Drop { .. }));
    }
}
