//! Progressive soft-lock of an account after failed logins, counted in Redis so that every
//! instance sees it. Unknown identifiers are counted the same way (by what was typed), so the
//! lock tells nothing about whether an account exists.

use chrono::{DateTime, Utc};
use redis::AsyncCommands;

use crate::{config, errors::ApiError, redis::Redis};

/// First lock; each further failure doubles it, up to `max_lock_minutes`. With the defaults (5
/// failures, 15 minutes) an attacker gets about 16 tries in the first hour, then 4 an hour.
const FIRST_LOCK_SECONDS: i64 = 5;

fn key(redis: &Redis, subject: &str) -> String {
    redis.key(&format!("login-guard:{subject}"))
}

/// Seconds the subject stays locked, if it is.
pub async fn locked_for(
    redis: &Redis,
    subject: &str,
    now: DateTime<Utc>,
) -> Result<Option<u64>, ApiError> {
    let key = key(redis, subject);
    let until: Option<i64> = redis
        .run(|mut c| async move { c.hget(&key, "locked_until").await })
        .await?;
    Ok(until
        .filter(|u| *u > now.timestamp())
        .map(|u| (u - now.timestamp()) as u64))
}

/// A lock a failure started.
pub struct Lock {
    pub seconds: u64,
    /// The first lock of the series: the security event (longer ones follow from it).
    pub first: bool,
}

/// Counts a failure; returns the lock it starts, if any.
pub async fn failed(
    redis: &Redis,
    subject: &str,
    cfg: &config::Accounts,
    now: DateTime<Utc>,
) -> Result<Option<Lock>, ApiError> {
    let key = key(redis, subject);
    let failures: u32 = redis
        .run(|mut c| {
            let key = key.clone();
            async move {
                let (n,): (u32,) = redis::pipe()
                    .atomic()
                    .hincr(&key, "failures", 1)
                    .expire(&key, 86_400)
                    .ignore()
                    .query_async(&mut c)
                    .await?;
                Ok(n)
            }
        })
        .await?;
    let Some(beyond) = failures.checked_sub(cfg.failures_before_lock) else {
        return Ok(None);
    };
    let cap = i64::from(cfg.max_lock_minutes) * 60;
    let seconds = FIRST_LOCK_SECONDS
        .saturating_mul(1i64 << beyond.min(30))
        .min(cap);
    let until = now.timestamp() + seconds;
    redis
        .run(|mut c| async move { c.hset::<_, _, _, ()>(&key, "locked_until", until).await })
        .await?;
    Ok(Some(Lock {
        seconds: seconds as u64,
        first: beyond == 0,
    }))
}

pub async fn succeeded(redis: &Redis, subject: &str) -> Result<(), ApiError> {
    let key = key(redis, subject);
    redis
        .run(|mut c| async move { c.del::<_, ()>(&key).await })
        .await
}
