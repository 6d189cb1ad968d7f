//! Draining the outbox. A pass leases a batch of due messages (see [`outbox::claim`]) by pushing
//! their `next_attempt_at` past the time the whole batch may take, sends them one by one outside
//! any transaction, and records each outcome. Instances share the queue without sending a
//! message twice; a worker that dies mid-batch leaves its messages leased, and they come back
//! when the lease ends (a message sent but not yet recorded may then go twice: at least once).

use std::time::Duration;

use tokio::task::JoinHandle;

use super::{
    Channel, SendError, back_channel::BackChannel, email::EmailTransport, outbox, outbox::Claimed,
    sms::SmsTransport,
};
use crate::{clock::SharedClock, config, db, metrics::Metrics, state::AppState};

/// Messages per pass: small enough for a short lease, large enough to keep up.
pub const BATCH: usize = 20;

/// Added to the lease for the database round trips of a pass.
const LEASE_MARGIN: Duration = Duration::from_secs(60);

pub struct Couriers {
    db: db::Pool,
    clock: SharedClock,
    metrics: Metrics,
    settings: config::Couriers,
    sms: SmsTransport,
    email: EmailTransport,
    back_channel: BackChannel,
    lease: chrono::Duration,
}

impl Couriers {
    /// Reads `[sms]`, `[email]` and `[couriers]`; fails on a mistake there (start-up stops).
    pub fn new(state: &AppState) -> anyhow::Result<Couriers> {
        let sms = SmsTransport::new(&state.config.sms)?;
        let email = EmailTransport::new(&state.config.email)?;
        let back_channel = BackChannel::new()?;
        let slowest = sms
            .time_limit()
            .max(email.time_limit())
            .max(back_channel.time_limit());
        let lease = chrono::Duration::from_std(slowest * BATCH as u32 + LEASE_MARGIN)?;
        Ok(Couriers {
            db: state.db.clone(),
            clock: state.clock.clone(),
            metrics: state.metrics.clone(),
            settings: state.config.couriers.clone(),
            sms,
            email,
            back_channel,
            lease,
        })
    }

    /// One pass: sends the messages due now (at most [`BATCH`]); returns how many it tried.
    pub async fn drain_once(&self) -> anyhow::Result<usize> {
        let mut conn = self.db.get().await.map_err(db::unreachable)?;
        let now = self.clock.now();
        let claimed = outbox::claim(&mut conn, now, now + self.lease, BATCH as i64).await?;
        for message in &claimed {
            let result = self.send(message).await;
            self.record(&mut conn, message, result).await?;
        }
        Ok(claimed.len())
    }

    /// Drains the outbox every `couriers.poll_ms` (at once again after a full batch) until
    /// `shutdown` completes; a pass under way is finished first.
    pub fn spawn(self, shutdown: impl Future<Output = ()> + Send + 'static) -> JoinHandle<()> {
        let poll = Duration::from_millis(self.settings.poll_ms);
        let this = std::sync::Arc::new(self);
        every_pass("outbox", poll, BATCH, shutdown, move || {
            let this = this.clone();
            async move { this.drain_once().await }
        })
    }

    async fn send(&self, message: &Claimed) -> Result<(), SendError> {
        match message.channel {
            Channel::Sms => self.sms.send(&message.recipient, &message.body).await,
            Channel::Email => self.email.send(message, self.clock.now()).await,
            Channel::BackChannel => self.back_channel.send(message).await,
        }
    }

    /// Sent, to be retried after a backoff, or given up after `max_attempts` tries.
    async fn record(
        &self,
        conn: &mut diesel_async::AsyncPgConnection,
        message: &Claimed,
        result: Result<(), SendError>,
    ) -> diesel::QueryResult<()> {
        let now = self.clock.now();
        let (id, channel) = (message.id, message.channel.as_str());
        let attempts = message.attempts.unsigned_abs() + 1;
        let outcome = match result {
            Ok(()) => {
                outbox::mark_sent(conn, message, now).await?;
                "sent"
            }
            Err(error) if attempts >= self.settings.max_attempts => {
                outbox::give_up(conn, message, &error, now).await?;
                tracing::error!(id, channel, attempts, %error, "message given up");
                "given_up"
            }
            Err(error) => {
                let s = &self.settings;
                let retry_at =
                    now + backoff(s.first_backoff_seconds, s.max_backoff_seconds, attempts);
                outbox::retry_later(conn, message, &error, retry_at).await?;
                tracing::warn!(id, channel, attempts, %error, %retry_at, "message not sent yet");
                "failed"
            }
        };
        self.metrics.courier(channel, outcome);
        Ok(())
    }
}

/// Runs `pass` again and again until `shutdown`: at once after a full batch (there is more),
/// after `poll` otherwise; a pass under way is finished first. (Push delivery uses it too.)
pub fn every_pass<P, F>(
    name: &'static str,
    poll: Duration,
    batch: usize,
    shutdown: impl Future<Output = ()> + Send + 'static,
    pass: P,
) -> JoinHandle<()>
where
    P: Fn() -> F + Send + 'static,
    F: Future<Output = anyhow::Result<usize>> + Send,
{
    tokio::spawn(async move {
        tokio::pin!(shutdown);
        loop {
            let pause = match pass().await {
                Ok(n) if n == batch => Duration::ZERO,
                Ok(_) => poll,
                Err(e) => {
                    tracing::warn!(error = %e, worker = name, "pass failed");
                    poll
                }
            };
            tokio::select! {
                biased;
                () = &mut shutdown => break,
                () = tokio::time::sleep(pause) => {}
            }
        }
    })
}

/// The wait after the `failures`-th failed try: `first` seconds, doubling each time, at most
/// `max` (push deliveries use it too).
pub fn backoff(first: u32, max: u32, failures: u32) -> chrono::Duration {
    let doublings = failures.saturating_sub(1).min(32);
    let seconds = (u64::from(first) << doublings).min(u64::from(max));
    chrono::Duration::seconds(seconds as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let waits: Vec<i64> = (1..=10)
            .map(|n| backoff(10, 3600, n).num_seconds())
            .collect();
        assert_eq!(waits, [10, 20, 40, 80, 160, 320, 640, 1280, 2560, 3600]);
        assert_eq!(backoff(10, 3600, u32::MAX).num_seconds(), 3600);
    }
}
