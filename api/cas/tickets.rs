//! CAS tickets in Redis. A ticket is stored under the SHA-256 of its text, so a copy of Redis
//! opens nothing. Service and proxy tickets are taken with `GETDEL`: whatever the validation
//! then decides, the ticket is spent, and of two validations at the same moment exactly one
//! finds it.

use chrono::{DateTime, Utc};
use redis::AsyncCommands;
use serde::{Serialize, de::DeserializeOwned};

use crate::{errors::ApiError, redis::Redis, secrets};

/// The kinds of CAS tickets, by the prefix every CAS client expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Service,
    Proxy,
    ProxyGranting,
    ProxyGrantingIou,
    /// The REST protocol's ticket-granting ticket, which names a session.
    TicketGranting,
    /// A `/cas/login` waiting for the person to sign in on the PWA (not a CAS ticket).
    LoginRequest,
}

impl Kind {
    pub fn prefix(self) -> &'static str {
        match self {
            Kind::Service => "ST-",
            Kind::Proxy => "PT-",
            Kind::ProxyGranting => "PGT-",
            Kind::ProxyGrantingIou => "PGTIOU-",
            Kind::TicketGranting => "TGT-",
            Kind::LoginRequest => "LR-",
        }
    }

    /// Random bytes after the prefix, written in hex: `[A-Za-z0-9-]` only, as the
    /// specification says (mod_auth_cas refuses an underscore). 256 bits for service and proxy
    /// tickets (64 characters); 384 for the long-lived ones.
    fn random_bytes(self) -> usize {
        match self {
            Kind::Service | Kind::Proxy | Kind::LoginRequest => 32,
            _ => 48,
        }
    }

    fn key(self, redis: &Redis, ticket: &str) -> String {
        redis.key(&format!(
            "cas:{}{}",
            self.prefix(),
            secrets::token_hash(ticket)
        ))
    }

    /// The kind a ticket's text claims to be.
    pub fn of(ticket: &str) -> Option<Kind> {
        [Kind::Service, Kind::Proxy]
            .into_iter()
            .find(|k| ticket.starts_with(k.prefix()))
    }
}

/// A new ticket of `kind`.
pub fn new(kind: Kind) -> String {
    let bytes: Vec<u8> = (0..kind.random_bytes()).map(|_| rand::random()).collect();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{}{hex}", kind.prefix())
}

/// Stores `value` under a new ticket of `kind`, for `seconds`.
pub async fn issue<T: Serialize>(
    redis: &Redis,
    kind: Kind,
    value: &T,
    seconds: u64,
) -> Result<String, ApiError> {
    let ticket = new(kind);
    let key = kind.key(redis, &ticket);
    let json = serde_json::to_string(value).map_err(ApiError::internal)?;
    redis
        .run(|mut c| async move { c.set_ex::<_, _, ()>(&key, json, seconds.max(1)).await })
        .await?;
    Ok(ticket)
}

/// The ticket's value, spent by this call.
pub async fn take<T: DeserializeOwned>(
    redis: &Redis,
    kind: Kind,
    ticket: &str,
) -> Result<Option<T>, ApiError> {
    read(redis, kind, ticket, "GETDEL").await
}

/// The ticket's value, left in place (proxy-granting tickets serve many times).
pub async fn peek<T: DeserializeOwned>(
    redis: &Redis,
    kind: Kind,
    ticket: &str,
) -> Result<Option<T>, ApiError> {
    read(redis, kind, ticket, "GET").await
}

async fn read<T: DeserializeOwned>(
    redis: &Redis,
    kind: Kind,
    ticket: &str,
    command: &'static str,
) -> Result<Option<T>, ApiError> {
    let key = kind.key(redis, ticket);
    let json: Option<String> = redis
        .run(|mut c| async move { redis::cmd(command).arg(&key).query_async(&mut c).await })
        .await?;
    Ok(json.and_then(|j| serde_json::from_str(&j).ok()))
}

pub async fn forget(redis: &Redis, kind: Kind, ticket: &str) -> Result<(), ApiError> {
    let key = kind.key(redis, ticket);
    redis
        .run(|mut c| async move { c.del::<_, ()>(&key).await })
        .await
}

/// Redis forgets a ticket soon after it expires; the clock decides that it has (tests move it).
pub fn expired(issued_at: DateTime<Utc>, seconds: u32, now: DateTime<Utc>) -> bool {
    now - issued_at > chrono::Duration::seconds(seconds.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tickets_have_their_prefix_length_and_alphabet() {
        let st = new(Kind::Service);
        assert!(st.starts_with("ST-") && st.len() == 3 + 64);
        let pgt = new(Kind::ProxyGranting);
        assert!(pgt.starts_with("PGT-") && pgt.len() == 4 + 96);
        assert!(st.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
        assert_ne!(new(Kind::Service), st);
        assert_eq!(Kind::of(&st), Some(Kind::Service));
        assert_eq!(Kind::of("PT-1"), Some(Kind::Proxy));
        assert_eq!(Kind::of("TGT-1"), None);
    }
}
