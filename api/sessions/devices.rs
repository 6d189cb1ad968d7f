//! "Mes appareils": the person's sessions, and revoking them.

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::{ApiResponse, Object, OpenApi, payload::Json};

use super::{Caller, login::confirm_password, store};
use crate::http::client::Client;
use crate::{
    cas,
    errors::{ApiError, ApiResult, NOT_FOUND},
    push,
    security_log::{self, Event, EventKind, describe_device},
    state::AppState,
};

#[derive(Debug, Object)]
pub struct DeviceSession {
    /// Names the session for revocation (not the cookie's id).
    pub id: String,
    /// "Chrome · Android", from the user agent.
    pub device: String,
    /// Address of first use.
    pub ip: String,
    pub first_seen_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    /// The session of this request.
    pub current: bool,
    /// This device receives push notifications.
    pub push: bool,
    pub remembered: bool,
    /// Codes of the services opened from this session through CAS (« Tous les services »
    /// names them).
    pub services: Vec<String>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct Revocation {
    #[oai(validator(max_length = 1024))]
    pub password: String,
    /// One session's id; none ends every session but this one.
    #[oai(validator(max_length = 100))]
    pub session: Option<String>,
}

#[derive(ApiResponse)]
pub enum Revoked {
    #[oai(status = 204)]
    Revoked,
}

#[derive(Default)]
pub struct DevicesApi;

#[OpenApi(tag = "crate::app::Tag::Account")]
impl DevicesApi {
    /// The signed-in person's sessions, the most recently active first.
    #[oai(path = "/me/sessions", method = "get", operation_id = "my_sessions")]
    async fn list(
        &self,
        state: Data<&AppState>,
        caller: Caller,
    ) -> ApiResult<Json<Vec<DeviceSession>>> {
        let sessions = store::list(&state.redis, caller.person_id).await?;
        let mut conn = state.conn().await?;
        let subscribed: Vec<String> = push::store::of_person(&mut conn, caller.person_id)
            .await?
            .into_iter()
            .map(|s| s.session_key)
            .collect();
        let keys: Vec<String> = sessions.iter().map(|(k, _)| k.clone()).collect();
        let opened = cas::sign_ons::opened_in(&mut conn, &keys).await?;
        Ok(Json(
            sessions
                .into_iter()
                .map(|(key, s)| DeviceSession {
                    services: opened
                        .iter()
                        .filter(|(k, _)| *k == key)
                        .map(|(_, code)| code.clone())
                        .collect(),
                    current: key == caller.key,
                    push: subscribed.contains(&key),
                    id: key,
                    device: describe_device(&s.user_agent),
                    ip: s.ip,
                    first_seen_at: s.created_at,
                    last_seen_at: s.last_seen_at,
                    remembered: s.remembered,
                })
                .collect(),
        ))
    }

    /// Ends one session, or all others, after the password is typed again.
    #[oai(
        path = "/me/sessions/revocation",
        method = "post",
        operation_id = "revoke_my_sessions"
    )]
    async fn revoke(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        client: Client,
        body: Json<Revocation>,
    ) -> ApiResult<Revoked> {
        confirm_password(&state, &caller, &client, &body.password).await?;
        let ended = match &body.session {
            Some(id) => {
                let mine = store::list(&state.redis, caller.person_id).await?;
                if !mine.iter().any(|(k, _)| k == id) {
                    return Err(ApiError::new(NOT_FOUND));
                }
                super::end(&state, caller.person_id, std::slice::from_ref(id)).await?;
                1
            }
            None => super::end_all(&state, caller.person_id, Some(&caller.key)).await?,
        };
        let mut conn = state.conn().await?;
        let event = Event::of(caller.person_id, EventKind::SessionRevoked, &client);
        security_log::record(
            &mut conn,
            event.detail(format!("{ended}")),
            state.clock.now(),
        )
        .await?;
        Ok(Revoked::Revoked)
    }
}
