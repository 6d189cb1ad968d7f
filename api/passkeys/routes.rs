//! `/api/me/passkeys…` (adding, naming, removing one's passkeys), `/api/session/passkey…`
//! (signing in with one), `/api/secretariat/people/{id}/passkeys` (a lost phone).

use chrono::{DateTime, Utc};
use diesel_async::AsyncConnection;
use poem::web::Data;
use poem_openapi::{ApiResponse, Object, OpenApi, param::Path, payload::Json};
use serde_json::Value;
use uuid::Uuid;
use webauthn_rs::prelude::{
    DiscoverableAuthentication, PasskeyRegistration, PublicKeyCredential,
    RegisterPublicKeyCredential, WebauthnError,
};

use super::{
    ceremony::{self, Kind},
    relying_party,
    store::{self, StoredPasskey},
};
use crate::{
    accounts::store as accounts,
    errors::{ApiError, ApiResult, NOT_FOUND},
    http::client::Client,
    limits::{self, Limit},
    people::model::PersonId,
    secretariat::routes::Secretary,
    security_log::{self, Event, EventKind},
    sessions::{
        Caller, caller,
        login::{self, LoginResponse},
    },
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
    PASSKEY_NAME_MISSING,
    400,
    "passkey-name-missing",
    "Donnez un nom à cette clé d’accès (par exemple « iPhone de Lucas »)",
    "Give this passkey a name (for example “Lucas’s iPhone”)"
);
crate::errors::problem!(
    PASSKEY_ALREADY_ADDED,
    409,
    "passkey-already-added",
    "Cette clé d’accès est déjà enregistrée",
    "This passkey is already registered"
);

#[derive(Debug, Object)]
pub struct PasskeyView {
    pub id: Uuid,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl From<StoredPasskey> for PasskeyView {
    fn from(p: StoredPasskey) -> Self {
        PasskeyView {
            id: p.id,
            name: p.name,
            created_at: p.created_at,
            last_used_at: p.last_used_at,
        }
    }
}

/// A ceremony started: hand `options` to `navigator.credentials.create()` or `.get()` (as
/// `PublicKeyCredential.parseCreationOptionsFromJSON`/`parseRequestOptionsFromJSON` read them),
/// and send the answer back with `ceremony`, within 5 minutes.
#[derive(Debug, Object)]
pub struct Ceremony {
    pub ceremony: String,
    pub options: Value,
}

#[derive(Debug, Object)]
pub struct NewPasskey {
    #[oai(validator(max_length = 100))]
    pub ceremony: String,
    /// The `PublicKeyCredential` that `create()` gave, in its JSON form.
    pub credential: Value,
    /// « iPhone de Lucas »: how the person will know it.
    #[oai(validator(min_length = 1, max_length = 60))]
    pub name: String,
}

#[derive(Debug, Object)]
pub struct PasskeyName {
    #[oai(validator(min_length = 1, max_length = 60))]
    pub name: String,
}

#[derive(Debug, Object)]
pub struct PasskeyLogin {
    #[oai(validator(max_length = 100))]
    pub ceremony: String,
    /// The `PublicKeyCredential` that `get()` gave, in its JSON form.
    pub credential: Value,
    /// « Rester connecté sur cet appareil ».
    #[oai(default)]
    pub remember: bool,
}

#[derive(ApiResponse)]
pub enum Added {
    #[oai(status = 201)]
    Added(Json<PasskeyView>),
}

#[derive(ApiResponse)]
pub enum Removed {
    /// Removed (doing it again is 404).
    #[oai(status = 204)]
    Removed,
}

#[derive(Default)]
pub struct PasskeysApi;

#[OpenApi(tag = "crate::app::Tag::Account")]
impl PasskeysApi {
    /// The person's passkeys, oldest first.
    #[oai(path = "/me/passkeys", method = "get", operation_id = "my_passkeys")]
    async fn list(
        &self,
        state: Data<&AppState>,
        caller: Caller,
    ) -> ApiResult<Json<Vec<PasskeyView>>> {
        let mut conn = state.conn().await?;
        let mine = store::of_person(&mut conn, caller.person_id).await?;
        Ok(Json(mine.into_iter().map(PasskeyView::from).collect()))
    }

    /// Starts adding a passkey (needs the password typed in the last 10 minutes).
    #[oai(
        path = "/me/passkeys/registration",
        method = "post",
        operation_id = "start_passkey_registration"
    )]
    async fn start(&self, state: Data<&AppState>, caller: Caller) -> ApiResult<Json<Ceremony>> {
        let now = state.clock.now();
        caller.require_recent_password(now)?;
        let mut conn = state.conn().await?;
        let (person, _) = accounts::by_id(&mut conn, caller.person_id)
            .await?
            .ok_or(ApiError::new(caller::NOT_SIGNED_IN))?;
        let existing: Vec<_> = store::of_person(&mut conn, person.id)
            .await?
            .iter()
            .filter_map(StoredPasskey::passkey)
            .map(|p| p.cred_id().clone())
            .collect();
        drop(conn);
        let display = format!("{} {}", person.given_name, person.family_name);
        let account_name = person
            .institutional_email
            .as_deref()
            .unwrap_or(&person.number);
        let (options, registration) = relying_party::of(&state.config)?
            .start_passkey_registration(person.id.0, account_name, &display, Some(existing))
            .map_err(ApiError::internal)?;
        let mut options = serde_json::to_value(options).map_err(ApiError::internal)?;
        // A passkey is found at login without an identifier: the authenticator must keep it.
        if let Some(selection) = options["publicKey"]["authenticatorSelection"].as_object_mut() {
            selection.insert("residentKey".into(), "required".into());
            selection.insert("requireResidentKey".into(), true.into());
        }
        let ceremony = ceremony::keep(
            &state.redis,
            Kind::Registration,
            Some(person.id),
            registration,
            now,
        )
        .await?;
        Ok(Json(Ceremony { ceremony, options }))
    }

    /// Finishes adding the passkey, under its name.
    #[oai(path = "/me/passkeys", method = "post", operation_id = "add_passkey")]
    async fn add(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        client: Client,
        body: Json<NewPasskey>,
    ) -> ApiResult<Added> {
        // Before the ceremony is used up: a missing name costs a retype, not a new passkey.
        let name = named(&body.name)?;
        let now = state.clock.now();
        let taken: Option<(Option<PersonId>, PasskeyRegistration)> =
            ceremony::take(&state.redis, Kind::Registration, &body.ceremony, now).await?;
        let registration = match taken {
            Some((Some(person), registration)) if person == caller.person_id => registration,
            _ => return Err(ApiError::new(CEREMONY_EXPIRED)),
        };
        let credential: RegisterPublicKeyCredential =
            serde_json::from_value(body.credential.clone())
                .map_err(|_| ApiError::new(PASSKEY_REFUSED))?;
        let passkey = relying_party::of(&state.config)?
            .finish_passkey_registration(&credential, &registration)
            .map_err(|_| ApiError::new(PASSKEY_REFUSED))?;
        let mut conn = state.conn().await?;
        let person = caller.person_id;
        let stored = conn
            .transaction(async |conn| {
                let stored = store::insert(conn, person, &passkey, name, now).await?;
                let event = Event::of(person, EventKind::PasskeyAdded, &client).detail(name);
                security_log::record(conn, event, now).await?;
                Ok::<_, diesel::result::Error>(stored)
            })
            .await
            .map_err(|e| match e {
                diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    _,
                ) => ApiError::new(PASSKEY_ALREADY_ADDED),
                e => e.into(),
            })?;
        Ok(Added::Added(Json(stored.into())))
    }

    /// Renames one of the person's passkeys.
    #[oai(
        path = "/me/passkeys/:id",
        method = "patch",
        operation_id = "rename_passkey"
    )]
    async fn rename(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        id: Path<Uuid>,
        body: Json<PasskeyName>,
    ) -> ApiResult<Json<PasskeyView>> {
        let name = named(&body.name)?;
        let mut conn = state.conn().await?;
        let renamed = store::rename(&mut conn, caller.person_id, *id, name)
            .await?
            .ok_or(ApiError::new(NOT_FOUND))?;
        Ok(Json(renamed.into()))
    }

    /// Removes one of the person's passkeys (needs the password typed in the last 10 minutes;
    /// the password stays a way to sign in).
    #[oai(
        path = "/me/passkeys/:id",
        method = "delete",
        operation_id = "remove_passkey"
    )]
    async fn remove(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        client: Client,
        id: Path<Uuid>,
    ) -> ApiResult<Removed> {
        caller.require_recent_password(state.clock.now())?;
        remove(&state, caller.person_id, Some(*id), None, &client).await
    }

    /// Removes every passkey of a person (a lost phone), for the secretariat.
    #[oai(
        path = "/secretariat/people/:person_id/passkeys",
        method = "delete",
        operation_id = "remove_persons_passkeys"
    )]
    async fn remove_all(
        &self,
        state: Data<&AppState>,
        staff: Secretary,
        client: Client,
        person_id: Path<PersonId>,
    ) -> ApiResult<Removed> {
        remove(&state, *person_id, None, Some(staff.0), &client).await
    }
}

/// The name typed, without its surrounding spaces; refused when nothing is left.
fn named(typed: &str) -> Result<&str, ApiError> {
    Some(typed.trim())
        .filter(|n| !n.is_empty())
        .ok_or(ApiError::new(PASSKEY_NAME_MISSING))
}

/// Removes the passkey `id` of `person` (all of them without `id`), with its security event;
/// 404 when there was none.
async fn remove(
    state: &AppState,
    person: PersonId,
    id: Option<Uuid>,
    staff: Option<PersonId>,
    client: &Client,
) -> ApiResult<Removed> {
    let now = state.clock.now();
    let mut conn = state.conn().await?;
    let removed = conn
        .transaction(async |conn| {
            let names = store::remove(conn, person, id).await?;
            if !names.is_empty() {
                let event =
                    Event::of(person, EventKind::PasskeyRemoved, client).detail(names.join(", "));
                let event = match staff {
                    Some(staff) => event.by(staff),
                    None => event,
                };
                security_log::record(conn, event, now).await?;
            }
            Ok::<_, diesel::result::Error>(!names.is_empty())
        })
        .await?;
    if removed {
        Ok(Removed::Removed)
    } else {
        Err(ApiError::new(NOT_FOUND))
    }
}

#[derive(Default)]
pub struct PasskeyLoginApi;

#[OpenApi(tag = "crate::app::Tag::Session")]
impl PasskeyLoginApi {
    /// Starts a passkey login: no identifier, the authenticator offers the person's passkeys
    /// (`mediation: conditional` in the options, for the browser's autofill; drop it for a
    /// button).
    #[oai(
        path = "/session/passkey/challenge",
        method = "post",
        operation_id = "start_passkey_login"
    )]
    async fn challenge(&self, state: Data<&AppState>, client: Client) -> ApiResult<Json<Ceremony>> {
        let per_minute = state.config.limits.logins_per_address_per_minute;
        let limit = Limit::per_minute("passkey-challenge-ip", per_minute);
        limits::enforce(&state, limit, &client.ip).await?;
        let (options, login) = relying_party::of(&state.config)?
            .start_discoverable_authentication()
            .map_err(ApiError::internal)?;
        let options = serde_json::to_value(options).map_err(ApiError::internal)?;
        let now = state.clock.now();
        let ceremony = ceremony::keep(&state.redis, Kind::Login, None, login, now).await?;
        Ok(Json(Ceremony { ceremony, options }))
    }

    /// Signs in with the passkey's answer: a full login (new session, device, security log),
    /// under the same per-address limit as a password.
    #[oai(
        path = "/session/passkey",
        method = "post",
        operation_id = "login_with_passkey"
    )]
    async fn login(
        &self,
        state: Data<&AppState>,
        client: Client,
        body: Json<PasskeyLogin>,
    ) -> ApiResult<LoginResponse> {
        login::limit_address(&state, &client).await?;
        let now = state.clock.now();
        let login: DiscoverableAuthentication =
            match ceremony::take(&state.redis, Kind::Login, &body.ceremony, now).await? {
                Some((_, login)) => login,
                None => return Err(ApiError::new(CEREMONY_EXPIRED)),
            };
        let credential: PublicKeyCredential = serde_json::from_value(body.credential.clone())
            .map_err(|_| ApiError::new(PASSKEY_REFUSED))?;
        let (stored, passkey) = verified(&state, &client, &credential, login, now).await?;
        let mut conn = state.conn().await?;
        let holder = accounts::by_id(&mut conn, stored.person_id)
            .await?
            .ok_or(ApiError::new(PASSKEY_UNKNOWN))?;
        let account = holder.1.as_ref().ok_or(ApiError::new(PASSKEY_UNKNOWN))?;
        login::refuse_unless_active(&state, account)?;
        store::used(&mut conn, stored.id, &passkey, now).await?;
        drop(conn);
        login::signed_in(&state, holder, body.remember, &client, Some("passkey")).await
    }
}

/// The stored passkey that signed `credential`, its counter moved on; a counter that went
/// backwards is refused and recorded.
async fn verified(
    state: &AppState,
    client: &Client,
    credential: &PublicKeyCredential,
    login: DiscoverableAuthentication,
    now: DateTime<Utc>,
) -> Result<(StoredPasskey, webauthn_rs::prelude::Passkey), ApiError> {
    let webauthn = relying_party::of(&state.config)?;
    let (user, credential_id) = webauthn
        .identify_discoverable_authentication(credential)
        .map_err(|_| ApiError::new(PASSKEY_REFUSED))?;
    let mut conn = state.conn().await?;
    let stored = store::by_credential(&mut conn, credential_id)
        .await?
        .filter(|s| s.person_id.0 == user)
        .ok_or(ApiError::new(PASSKEY_UNKNOWN))?;
    let mut passkey = stored.passkey().ok_or(ApiError::new(PASSKEY_UNKNOWN))?;
    match webauthn.finish_discoverable_authentication_v2(credential, login, &passkey) {
        Ok(result) => {
            passkey.update_credential(&result);
            Ok((stored, passkey))
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
