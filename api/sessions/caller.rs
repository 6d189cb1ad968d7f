//! Who is calling: the session named by the cookie, checked on every request (expiry, CSRF),
//! and the cookie itself.

use chrono::{DateTime, Duration, Utc};
use poem::{FromRequest, Request, RequestBody, http::header};

use super::store::{self, Expiry, Session, SessionKey};
use crate::people::model::PersonId;
use crate::{config::Config, errors::ApiError, http::client::app_state, secrets, state::AppState};

crate::errors::problem!(
    NOT_SIGNED_IN,
    401,
    "not-signed-in",
    "Vous n’êtes pas connecté(e), ou votre session a pris fin",
    "You are not signed in, or your session has ended"
);
crate::errors::problem!(
    CSRF_TOKEN_MISSING,
    403,
    "csrf-token-missing",
    "Requête refusée : rechargez la page et réessayez",
    "Request refused: reload the page and try again"
);
crate::errors::problem!(
    REAUTHENTICATION_REQUIRED,
    403,
    "reauthentication-required",
    "Confirmez votre mot de passe pour continuer",
    "Confirm your password to continue"
);

/// A signed-in person, from a valid session.
pub struct Caller {
    pub person_id: PersonId,
    pub key: SessionKey,
    pub session: Session,
}

impl<'a> FromRequest<'a> for Caller {
    async fn from_request(req: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        let state = app_state(req)?;
        let config = &state.config;
        let id = session_id(req, config).ok_or(ApiError::new(NOT_SIGNED_IN))?;
        let (key, session) = store::find(&state.redis, &id)
            .await?
            .ok_or(ApiError::new(NOT_SIGNED_IN))?;
        if !req.method().is_safe() {
            let sent = req.header("x-csrf-token").unwrap_or_default();
            if !secrets::same(sent, &session.csrf_token) {
                return Err(ApiError::new(CSRF_TOKEN_MISSING).into());
            }
        }
        Ok(Caller::seen(state, key, session)
            .await?
            .ok_or(ApiError::new(NOT_SIGNED_IN))?)
    }
}

impl Caller {
    /// The session in use again: ended if it outlived its limits, otherwise its idle expiry
    /// starts over. (The cookie's caller comes here, and so does the CAS REST protocol's
    /// ticket-granting ticket.)
    pub async fn seen(
        state: &AppState,
        key: SessionKey,
        mut session: Session,
    ) -> Result<Option<Caller>, ApiError> {
        let (config, now) = (&state.config, state.clock.now());
        if !alive(config, &session, now) {
            super::end(state, session.person_id, &[key]).await?;
            return Ok(None);
        }
        session.last_seen_at = now;
        store::save(&state.redis, &key, &session, expiry(config, &session, now)).await?;
        Ok(Some(Caller {
            person_id: session.person_id,
            key,
            session,
        }))
    }

    /// The caller, if they hold `permission`; otherwise 404, as if the place did not exist.
    pub async fn holding(
        req: &Request,
        body: &mut RequestBody,
        permission: &str,
    ) -> poem::Result<Caller> {
        let caller = Caller::from_request(req, body).await?;
        let state = app_state(req)?;
        let mut conn = state.conn().await?;
        let permissions = crate::accounts::store::permissions_of(&mut conn, caller.person_id)
            .await
            .map_err(ApiError::from)?;
        if permissions.iter().any(|p| p == permission) {
            Ok(caller)
        } else {
            Err(ApiError::new(crate::errors::NOT_FOUND).into())
        }
    }

    /// Sensitive settings need the password typed in the last 10 minutes.
    pub fn require_recent_password(&self, now: DateTime<Utc>) -> Result<(), ApiError> {
        if now - self.session.authenticated_at <= Duration::minutes(10) {
            Ok(())
        } else {
            Err(ApiError::new(REAUTHENTICATION_REQUIRED))
        }
    }
}

fn idle_limit(config: &Config, session: &Session) -> Duration {
    let a = &config.accounts;
    if session.remembered {
        Duration::days(a.remembered_session_idle_days.into())
    } else {
        Duration::minutes(a.session_idle_minutes.into())
    }
}

/// Neither idle too long nor older than the absolute limit.
fn alive(config: &Config, session: &Session, now: DateTime<Utc>) -> bool {
    let absolute = Duration::days(config.accounts.session_absolute_days.into());
    now - session.last_seen_at < idle_limit(config, session) && now - session.created_at < absolute
}

/// How long Redis keeps the session: until the server would refuse it anyway.
pub fn expiry(config: &Config, session: &Session, now: DateTime<Utc>) -> Expiry {
    let absolute = Duration::days(config.accounts.session_absolute_days.into());
    let left = idle_limit(config, session).min(session.created_at + absolute - now);
    Expiry {
        seconds: left.num_seconds().max(1) as u64,
    }
}

/// `__Host-` binds the cookie to this exact origin, but browsers accept it only over https.
pub fn cookie_name(config: &Config) -> String {
    if config.hsts() {
        "__Host-ent-session".into()
    } else {
        "ent-session".into()
    }
}

/// `Set-Cookie` for a new session id: persistent only when the person asked to stay signed in.
pub fn session_cookie(config: &Config, id: &str, remembered: bool) -> String {
    let max_age = if remembered {
        format!(
            "; Max-Age={}",
            i64::from(config.accounts.remembered_session_idle_days) * 86_400
        )
    } else {
        String::new()
    };
    format!(
        "{}={id}; Path=/; Secure; HttpOnly; SameSite=Lax{max_age}",
        cookie_name(config)
    )
}

pub fn expired_cookie(config: &Config) -> String {
    format!(
        "{}=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0",
        cookie_name(config)
    )
}

/// The session id the request's cookie carries, if any (not checked).
pub fn session_id(req: &Request, config: &Config) -> Option<String> {
    cookie_value(req, &cookie_name(config))
}

fn cookie_value(req: &Request, name: &str) -> Option<String> {
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.to_string())
        .filter(|v| !v.is_empty())
}
