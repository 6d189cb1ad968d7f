//! Rate limits counted in Redis, so that every instance shares them.

use chrono::{DateTime, Utc};

use crate::{
    errors::{ApiError, TOO_MANY_REQUESTS},
    redis::Redis,
    state::AppState,
};

/// The outcome of counting one more request.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    /// Refused; try again after this many seconds.
    Refused {
        retry_after: u64,
    },
}

/// Counts one event for `subject` in the current fixed window of `window_secs` and compares the
/// count with `limit`.
pub async fn hit(
    redis: &Redis,
    name: &str,
    subject: &str,
    limit: u32,
    window_secs: u64,
    now: DateTime<Utc>,
) -> Result<Verdict, ApiError> {
    let now = now.timestamp().max(0) as u64;
    let window = now / window_secs;
    let key = redis.key(&format!("rl:{name}:{subject}:{window}"));
    let (count,): (u64,) = redis
        .run(|mut c| async move {
            redis::pipe()
                .atomic()
                .incr(&key, 1u64)
                .expire(&key, window_secs as i64)
                .ignore()
                .query_async(&mut c)
                .await
        })
        .await?;
    Ok(if count > u64::from(limit) {
        Verdict::Refused {
            retry_after: (window + 1) * window_secs - now,
        }
    } else {
        Verdict::Allowed
    })
}

/// Counts one event and refuses it beyond `limit` per window: 429 with `Retry-After`.
pub async fn enforce(
    state: &AppState,
    name: &str,
    subject: &str,
    limit: u32,
    window_secs: u64,
) -> Result<(), ApiError> {
    match hit(
        &state.redis,
        name,
        subject,
        limit,
        window_secs,
        state.clock.now(),
    )
    .await?
    {
        Verdict::Allowed => Ok(()),
        Verdict::Refused { retry_after } => {
            Err(ApiError::new(TOO_MANY_REQUESTS).with_retry_after(retry_after))
        }
    }
}
