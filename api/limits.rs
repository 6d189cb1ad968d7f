//! Rate limits counted in Redis, so that every instance shares them.

use chrono::{DateTime, Utc};

use crate::{
    errors::{ApiError, TOO_MANY_REQUESTS},
    redis::Redis,
    state::AppState,
};

/// At most `max` events per `window_secs` for one subject (an address, a person, a phone),
/// counted under `name`. Features declare theirs as constants beside the rule they serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub name: &'static str,
    pub max: u32,
    pub window_secs: u64,
}

impl Limit {
    pub const fn per_minute(name: &'static str, max: u32) -> Limit {
        Limit {
            name,
            max,
            window_secs: 60,
        }
    }

    pub const fn per_hour(name: &'static str, max: u32) -> Limit {
        Limit {
            name,
            max,
            window_secs: 3600,
        }
    }

    pub const fn per_day(name: &'static str, max: u32) -> Limit {
        Limit {
            name,
            max,
            window_secs: 86_400,
        }
    }
}

/// The outcome of counting one more request.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    /// Refused; try again after this many seconds.
    Refused {
        retry_after: u64,
    },
}

/// Counts one event for `subject` in the current fixed window of the limit and compares the
/// count with its maximum.
pub async fn hit(
    redis: &Redis,
    limit: Limit,
    subject: &str,
    now: DateTime<Utc>,
) -> Result<Verdict, ApiError> {
    let Limit {
        name,
        max,
        window_secs,
    } = limit;
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
    Ok(if count > u64::from(max) {
        Verdict::Refused {
            retry_after: (window + 1) * window_secs - now,
        }
    } else {
        Verdict::Allowed
    })
}

/// Counts one event and refuses it beyond the limit: 429 with `Retry-After`.
pub async fn enforce(state: &AppState, limit: Limit, subject: &str) -> Result<(), ApiError> {
    match hit(&state.redis, limit, subject, state.clock.now()).await? {
        Verdict::Allowed => Ok(()),
        Verdict::Refused { retry_after } => {
            Err(ApiError::new(TOO_MANY_REQUESTS).with_retry_after(retry_after))
        }
    }
}
