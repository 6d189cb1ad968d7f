//! What a service or proxy ticket stands for, and the proxy-granting ticket behind proxies.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{people::model::PersonId, sessions::store::SessionKey};

/// A service ticket (from `/cas/login`) or a proxy ticket (from `/cas/proxy`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Grant {
    pub person: PersonId,
    /// The single sign-on session it came from: its end reaches the service as Single Logout,
    /// and ends the proxy-granting tickets got through it.
    pub session: SessionKey,
    /// The exact service URL the ticket was issued for.
    pub service: String,
    pub issued_at: DateTime<Utc>,
    /// When the person last typed their password in that session.
    pub authenticated_at: DateTime<Utc>,
    /// Issued right after the person typed their password (not from single sign-on).
    pub from_new_login: bool,
    /// « Rester connecté »: CAS's long-term authentication.
    pub remembered: bool,
    /// For a proxy ticket: the proxies it went through, the most recent first.
    #[serde(default)]
    pub proxies: Vec<String>,
}

/// A proxy-granting ticket: lets a service get proxy tickets for the same person.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProxyGranting {
    pub person: PersonId,
    pub session: SessionKey,
    pub authenticated_at: DateTime<Utc>,
    pub remembered: bool,
    /// This proxy's callback first, then those before it.
    pub proxies: Vec<String>,
}
