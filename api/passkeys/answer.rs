//! A passkey's answer to a ceremony, checked: at login, where the authenticator says whose it
//! is, and for a person already known — the second factor after their password, a fresh
//! confirmation before a sensitive setting, an e-mail recovery — where the challenge names that
//! person's passkeys only. Either way the counter moves on, and one gone backwards is refused
//! and recorded.

use chrono::{DateTime, Utc};
use poem_openapi::Object;
use serde_json::Value;
use webauthn_rs::prelude::{
    AuthenticationResult, DiscoverableAuthentication, Passkey, PasskeyAuthentication,
    PublicKeyCredential, WebauthnError,
};

use super::{
    ceremony::{self, Ceremony, Kind},
    relying_party,
    store::{self, StoredPasskey},
};
use crate::{
    errors::ApiError,
    http::client::Client,
    people::model::PersonId,
    security_log::{self, Event, EventKind},
    state::AppState,
};

crate::errors::problem!(
    CEREMONY_EXPIRED,
    400,
    "passkey-ceremony-expired",
    "La demande a expiré ou a déjà servi : recommencez",
    "The request expired or was already used: start again"
);
crate::errors::problem!(
    PASSKEY_REFUSED,
    400,
    "passkey-refused",
    "Cette clé d’accès n’a pas pu être vérifiée pour ce site : réessayez",
    "This passkey could not be verified for this site: try again"
);
crate::errors::problem!(
    PASSKEY_UNKNOWN,
    401,
    "passkey-unknown",
    "Clé d’accès inconnue : elle a peut-être été supprimée. Connectez-vous avec votre mot de passe.",
    "Unknown passkey: it may have been removed. Sign in with your password."
);
crate::errors::problem!(
    PASSKEY_CLONED,
    401,
    "passkey-possibly-cloned",
    "Cette clé d’accès semble avoir été copiée : elle est refusée. Connectez-vous avec votre mot de passe et supprimez-la dans Sécurité.",
    "This passkey looks copied: it is refused. Sign in with your password and remove it in Security."
);
crate::errors::problem!(
    NO_PASSKEY,
    409,
    "no-passkey",
    "Vous n’avez pas de clé d’accès : utilisez votre code ou votre mot de passe",
    "You have no passkey: use your code or your password"
);

/// A passkey's answer to a ceremony started for a known person.
#[derive(Debug, Object)]
pub struct PasskeyAnswer {
    #[oai(validator(max_length = 100))]
    pub ceremony: String,
    /// The `PublicKeyCredential` that `get()` gave, in its JSON form.
    pub credential: Value,
}

/// Starts a ceremony that only `person`'s passkeys can answer (409 `no-passkey` without any).
pub async fn challenge(state: &AppState, person: PersonId) -> Result<Ceremony, ApiError> {
    let mut conn = state.conn().await?;
    let passkeys: Vec<Passkey> = store::of_person(&mut conn, person)
        .await?
        .iter()
        .filter_map(StoredPasskey::passkey)
        .collect();
    drop(conn);
    if passkeys.is_empty() {
        return Err(ApiError::new(NO_PASSKEY));
    }
    let (options, confirmation) = relying_party::of(&state.config)?
        .start_passkey_authentication(&passkeys)
        .map_err(ApiError::internal)?;
    let now = state.clock.now();
    let kind = Kind::Confirmation;
    ceremony::start(
        &state.redis,
        kind,
        Some(person),
        &options,
        confirmation,
        now,
    )
    .await
}

/// Checks that one of `person`'s passkeys answered the ceremony started for them.
pub async fn confirm(
    state: &AppState,
    client: &Client,
    person: PersonId,
    answer: &PasskeyAnswer,
) -> Result<(), ApiError> {
    let now = state.clock.now();
    let taken = ceremony::take(&state.redis, Kind::Confirmation, &answer.ceremony, now).await?;
    let confirmation: PasskeyAuthentication = match taken {
        Some((Some(owner), confirmation)) if owner == person => confirmation,
        _ => return Err(ApiError::new(CEREMONY_EXPIRED)),
    };
    let credential = parsed(&answer.credential)?;
    let stored = stored(state, credential.raw_id.as_ref(), person).await?;
    let outcome =
        relying_party::of(&state.config)?.finish_passkey_authentication(&credential, &confirmation);
    settle(state, client, &stored, outcome, now).await
}

/// The person whose passkey answered a login ceremony (discoverable: no identifier asked).
pub async fn identify(
    state: &AppState,
    client: &Client,
    ceremony_id: &str,
    credential: &Value,
) -> Result<PersonId, ApiError> {
    let now = state.clock.now();
    let login: DiscoverableAuthentication =
        match ceremony::take(&state.redis, Kind::Login, ceremony_id, now).await? {
            Some((_, login)) => login,
            None => return Err(ApiError::new(CEREMONY_EXPIRED)),
        };
    let credential = parsed(credential)?;
    let webauthn = relying_party::of(&state.config)?;
    let (user, credential_id) = webauthn
        .identify_discoverable_authentication(&credential)
        .map_err(|_| ApiError::new(PASSKEY_REFUSED))?;
    let stored = stored(state, credential_id, PersonId(user)).await?;
    let passkey = stored.passkey().ok_or(ApiError::new(PASSKEY_UNKNOWN))?;
    let outcome = webauthn.finish_discoverable_authentication_v2(&credential, login, &passkey);
    settle(state, client, &stored, outcome, now).await?;
    Ok(stored.person_id)
}

fn parsed(credential: &Value) -> Result<PublicKeyCredential, ApiError> {
    serde_json::from_value(credential.clone()).map_err(|_| ApiError::new(PASSKEY_REFUSED))
}

/// The stored passkey `credential_id` of `person` (unknown once removed).
async fn stored(
    state: &AppState,
    credential_id: &[u8],
    person: PersonId,
) -> Result<StoredPasskey, ApiError> {
    let mut conn = state.conn().await?;
    store::by_credential(&mut conn, credential_id)
        .await?
        .filter(|s| s.person_id == person)
        .ok_or(ApiError::new(PASSKEY_UNKNOWN))
}

/// Keeps the counter of an accepted signature and when it was used; a counter that went
/// backwards (a copied authenticator) is refused and recorded.
async fn settle(
    state: &AppState,
    client: &Client,
    stored: &StoredPasskey,
    outcome: Result<AuthenticationResult, WebauthnError>,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let mut conn = state.conn().await?;
    match outcome {
        Ok(result) => {
            let mut passkey = stored.passkey().ok_or(ApiError::new(PASSKEY_UNKNOWN))?;
            passkey.update_credential(&result);
            store::used(&mut conn, stored.id, &passkey, now).await?;
            Ok(())
        }
        Err(WebauthnError::CredentialPossibleCompromise) => {
            let event = Event::of(stored.person_id, EventKind::PasskeyRefused, client)
                .failed()
                .detail(stored.name.clone());
            security_log::record(&mut conn, event, now).await?;
            Err(ApiError::new(PASSKEY_CLONED))
        }
        Err(_) => Err(ApiError::new(PASSKEY_REFUSED)),
    }
}
