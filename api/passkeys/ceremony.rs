//! A ceremony's server half (the challenge and what it expects back), kept in Redis until its
//! answer comes: single use, for 5 minutes of the service's clock, shared by every instance.

use chrono::{DateTime, Utc};
use poem_openapi::Object;
use redis::AsyncCommands;
use serde::{Serialize, de::DeserializeOwned};
use serde_json::Value;

use super::relying_party::CEREMONY_SECONDS;
use crate::{errors::ApiError, people::model::PersonId, redis::Redis, secrets};

#[derive(Clone, Copy)]
pub enum Kind {
    Registration,
    /// A login: the authenticator says whose passkey it is.
    Login,
    /// A known person's passkey: second factor, reauthentication, recovery.
    Confirmation,
}

impl Kind {
    fn key(self, redis: &Redis, id: &str) -> String {
        let kind = match self {
            Kind::Registration => "registration",
            Kind::Login => "login",
            Kind::Confirmation => "confirmation",
        };
        redis.key(&format!(
            "passkey-ceremony:{kind}:{}",
            secrets::token_hash(id)
        ))
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Kept<T> {
    /// Whose registration it is (none for a login: the authenticator says who).
    person: Option<PersonId>,
    expires: i64,
    state: T,
}

/// A ceremony started: hand `options` to `navigator.credentials.create()` or `.get()` (as
/// `PublicKeyCredential.parseCreationOptionsFromJSON`/`parseRequestOptionsFromJSON` read them),
/// and send the answer back with `ceremony`, within 5 minutes.
#[derive(Debug, Object)]
pub struct Ceremony {
    pub ceremony: String,
    pub options: Value,
}

/// Keeps the server half of a ceremony whose browser half is `options`.
pub async fn start<O: Serialize, T: Serialize>(
    redis: &Redis,
    kind: Kind,
    person: Option<PersonId>,
    options: &O,
    state: T,
    now: DateTime<Utc>,
) -> Result<Ceremony, ApiError> {
    let options = serde_json::to_value(options).map_err(ApiError::internal)?;
    let ceremony = keep(redis, kind, person, state, now).await?;
    Ok(Ceremony { ceremony, options })
}

/// Keeps `state`; the id names it in the answer.
async fn keep<T: Serialize>(
    redis: &Redis,
    kind: Kind,
    person: Option<PersonId>,
    state: T,
    now: DateTime<Utc>,
) -> Result<String, ApiError> {
    let id = secrets::random_token();
    let kept = Kept {
        person,
        expires: now.timestamp() + CEREMONY_SECONDS,
        state,
    };
    let value = serde_json::to_string(&kept).map_err(ApiError::internal)?;
    let key = kind.key(redis, &id);
    let ttl = CEREMONY_SECONDS as u64 + 60;
    redis
        .run(|mut c| async move { c.set_ex::<_, _, ()>(&key, value, ttl).await })
        .await?;
    Ok(id)
}

/// Takes the ceremony `id` (it cannot be answered twice): whose it is and its state, if it is
/// still running.
pub async fn take<T: DeserializeOwned>(
    redis: &Redis,
    kind: Kind,
    id: &str,
    now: DateTime<Utc>,
) -> Result<Option<(Option<PersonId>, T)>, ApiError> {
    let key = kind.key(redis, id);
    let value: Option<String> = redis
        .run(|mut c| async move { c.get_del(&key).await })
        .await?;
    let kept = value.and_then(|v| serde_json::from_str::<Kept<T>>(&v).ok());
    Ok(kept
        .filter(|k| now.timestamp() < k.expires)
        .map(|k| (k.person, k.state)))
}
