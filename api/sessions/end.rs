//! Ending sessions: in Redis, the push subscriptions of their devices with them, and the
//! services they opened through CAS (Single Logout).

use super::store::{self, SessionKey};
use diesel_async::AsyncConnection;

use crate::people::model::PersonId;
use crate::{cas, errors::ApiError, push, state::AppState};

pub async fn end(state: &AppState, person: PersonId, keys: &[SessionKey]) -> Result<(), ApiError> {
    store::remove(&state.redis, person, keys).await?;
    forget_devices(state, keys).await
}

/// Ends every session of `person` but `keep`; returns how many ended.
pub async fn end_all(
    state: &AppState,
    person: PersonId,
    keep: Option<&str>,
) -> Result<usize, ApiError> {
    let ending: Vec<SessionKey> = store::list(&state.redis, person)
        .await?
        .into_iter()
        .map(|(k, _)| k)
        .filter(|k| Some(k.as_str()) != keep)
        .collect();
    end(state, person, &ending).await?;
    Ok(ending.len())
}

/// The sessions' devices stop receiving pushes, and their services are told (Single Logout),
/// in one transaction.
async fn forget_devices(state: &AppState, keys: &[SessionKey]) -> Result<(), ApiError> {
    if keys.is_empty() {
        return Ok(());
    }
    let (cas, now) = (&state.config.cas, state.clock.now());
    let mut conn = state.conn().await?;
    conn.transaction(async |conn| {
        push::store::forget_sessions(conn, keys).await?;
        cas::sign_ons::log_out(conn, cas, keys, now).await?;
        diesel::QueryResult::Ok(())
    })
    .await
    .map_err(ApiError::from)
}
