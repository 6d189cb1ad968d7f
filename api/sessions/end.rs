//! Ending sessions: in Redis, and the push subscriptions of their devices with them.

use super::store::{self, SessionKey};
use crate::people::model::PersonId;
use crate::{errors::ApiError, push, state::AppState};

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

async fn forget_devices(state: &AppState, keys: &[SessionKey]) -> Result<(), ApiError> {
    if keys.is_empty() {
        return Ok(());
    }
    let mut conn = state.conn().await?;
    push::store::forget_sessions(&mut conn, keys)
        .await
        .map(drop)
        .map_err(ApiError::from)
}
