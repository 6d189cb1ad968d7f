//! Sessions in Redis, our own store so that a person's sessions can be listed and revoked.
//!
//! `session:<sha256(id)>` holds the session as JSON; `person-sessions:<person>` is the set of
//! that person's session keys. Only the hash of an id is stored: a copy of Redis opens nothing.

use chrono::{DateTime, Utc};
use redis::AsyncCommands;
use serde::{Deserialize, Serialize};

use crate::people::model::PersonId;
use crate::{errors::ApiError, redis::Redis, secrets};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Session {
    pub person_id: PersonId,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    /// Last time the person typed their password (sensitive settings need it recent).
    pub authenticated_at: DateTime<Utc>,
    /// "Rester connecté sur cet appareil": the long idle expiry.
    pub remembered: bool,
    pub user_agent: String,
    /// Where the session started.
    pub ip: String,
    pub csrf_token: String,
}

/// The stored form of a session id: what lists show and what revocation names.
pub type SessionKey = String;

/// Redis forgets a session a little after the server would refuse it anyway.
pub struct Expiry {
    pub seconds: u64,
}

fn session_key(redis: &Redis, key: &str) -> String {
    redis.key(&format!("session:{key}"))
}

fn person_key(redis: &Redis, person: PersonId) -> String {
    redis.key(&format!("person-sessions:{person}"))
}

/// Stores a new session; returns the id to put in the cookie.
pub async fn create(redis: &Redis, session: &Session, expiry: Expiry) -> Result<String, ApiError> {
    let id = secrets::random_token();
    let key = secrets::token_hash(&id);
    let (skey, pkey) = (
        session_key(redis, &key),
        person_key(redis, session.person_id),
    );
    let json = serde_json::to_string(session).map_err(ApiError::internal)?;
    redis
        .run(|mut c| async move {
            redis::pipe()
                .atomic()
                .set_ex(&skey, json, expiry.seconds)
                .ignore()
                .sadd(&pkey, &key)
                .ignore()
                .query_async::<()>(&mut c)
                .await
        })
        .await?;
    Ok(id)
}

/// The session a cookie names, if it still exists.
pub async fn find(redis: &Redis, id: &str) -> Result<Option<(SessionKey, Session)>, ApiError> {
    let key = secrets::token_hash(id);
    Ok(by_key(redis, &key).await?.map(|s| (key, s)))
}

/// The session stored under `key`, if it still exists.
pub async fn by_key(redis: &Redis, key: &str) -> Result<Option<Session>, ApiError> {
    let skey = session_key(redis, key);
    let json: Option<String> = redis.run(|mut c| async move { c.get(&skey).await }).await?;
    Ok(json.and_then(|j| serde_json::from_str(&j).ok()))
}

/// Writes `session` back, only if it was not revoked meanwhile (`XX`).
pub async fn save(
    redis: &Redis,
    key: &str,
    session: &Session,
    expiry: Expiry,
) -> Result<(), ApiError> {
    let skey = session_key(redis, key);
    let json = serde_json::to_string(session).map_err(ApiError::internal)?;
    redis
        .run(|mut c| async move {
            redis::cmd("SET")
                .arg(&skey)
                .arg(json)
                .arg("XX")
                .arg("EX")
                .arg(expiry.seconds)
                .query_async::<()>(&mut c)
                .await
        })
        .await
}

/// The person's sessions that still exist; forgotten ones are dropped from their set.
pub async fn list(redis: &Redis, person: PersonId) -> Result<Vec<(SessionKey, Session)>, ApiError> {
    let pkey = person_key(redis, person);
    let keys: Vec<String> = redis
        .run(|mut c| {
            let pkey = pkey.clone();
            async move { c.smembers(&pkey).await }
        })
        .await?;
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let skeys: Vec<String> = keys.iter().map(|k| session_key(redis, k)).collect();
    let values: Vec<Option<String>> = redis
        .run(|mut c| async move { c.mget(&skeys).await })
        .await?;
    let (mut live, mut gone) = (Vec::new(), Vec::new());
    for (key, value) in keys.into_iter().zip(values) {
        match value.and_then(|j| serde_json::from_str::<Session>(&j).ok()) {
            Some(s) => live.push((key, s)),
            None => gone.push(key),
        }
    }
    if !gone.is_empty() {
        redis
            .run(|mut c| async move { c.srem::<_, _, ()>(&pkey, &gone).await })
            .await?;
    }
    live.sort_by_key(|(_, s)| std::cmp::Reverse(s.last_seen_at));
    Ok(live)
}

/// Whether the session still exists (a long-lived stream checks that it may go on).
pub async fn exists(redis: &Redis, key: &SessionKey) -> Result<bool, ApiError> {
    let skey = session_key(redis, key);
    redis
        .run(|mut c| async move { c.exists(&skey).await })
        .await
}

/// Ends the given sessions of `person`.
pub async fn remove(redis: &Redis, person: PersonId, keys: &[SessionKey]) -> Result<(), ApiError> {
    if keys.is_empty() {
        return Ok(());
    }
    let pkey = person_key(redis, person);
    let skeys: Vec<String> = keys.iter().map(|k| session_key(redis, k)).collect();
    let keys = keys.to_vec();
    redis
        .run(|mut c| async move {
            redis::pipe()
                .atomic()
                .del(&skeys)
                .ignore()
                .srem(&pkey, &keys)
                .ignore()
                .query_async::<()>(&mut c)
                .await
        })
        .await
}
