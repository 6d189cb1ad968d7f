//! `/api/me/passkeys…` (adding, naming, removing one's passkeys), `/api/session/passkey…`
//! (signing in with one), `/api/secretariat/people/{id}/passkeys` (a lost phone).

use chrono::{DateTime, Utc};
use diesel_async::AsyncConnection;
use poem::web::Data;
use poem_openapi::{ApiResponse, Object, OpenApi, param::Path, payload::Json};
use serde_json::Value;
use uuid::Uuid;
use webauthn_rs::prelude::{PasskeyRegistration, RegisterPublicKeyCredential};

use super::{
    answer::{self, CEREMONY_EXPIRED, PASSKEY_REFUSED, PASSKEY_UNKNOWN, PasskeyAnswer},
    ceremony::{self, Ceremony, Kind},
    relying_party,
    store::{self, StoredPasskey},
};
use crate::{
    accounts::{recovery, store as accounts},
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

crate::errors::problem!(
    LAST_SECOND_FACTOR,
    409,
    "passkey-last-second-factor",
    "C’est votre dernière clé d’accès et votre double authentification en dépend : ajoutez-en une autre ou désactivez d’abord la double authentification",
    "This is your last passkey and your two-factor depends on it: add another one or turn two-factor off first"
);

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
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
pub struct PendingLogin {
    /// From the login's `two_factor_required` answer.
    #[oai(validator(max_length = 100))]
    pub pending: String,
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
        let kind = Kind::Registration;
        let mut started = ceremony::start(
            &state.redis,
            kind,
            Some(person.id),
            &options,
            registration,
            now,
        )
        .await?;
        // A passkey is found at login without an identifier: the authenticator must keep it.
        let selection = &mut started.options["publicKey"]["authenticatorSelection"];
        if let Some(selection) = selection.as_object_mut() {
            selection.insert("residentKey".into(), "required".into());
            selection.insert("requireResidentKey".into(), true.into());
        }
        Ok(Json(started))
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
        keep_a_second_factor(&state, caller.person_id).await?;
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

/// With two-factor by passkeys alone, the last passkey stays until two-factor is turned off
/// (or an authenticator app added): recovery codes are for a lost phone, not a daily login.
/// The secretariat may still remove it (a lost phone: the recovery codes remain).
async fn keep_a_second_factor(state: &AppState, person: PersonId) -> Result<(), ApiError> {
    let mut conn = state.conn().await?;
    let (_, account) = accounts::by_id(&mut conn, person)
        .await?
        .ok_or(ApiError::new(caller::NOT_SIGNED_IN))?;
    let by_passkeys_alone =
        account.is_some_and(|a| a.two_factor_on() && a.two_factor_secret.is_none());
    if by_passkeys_alone && store::of_person(&mut conn, person).await?.len() == 1 {
        return Err(ApiError::new(LAST_SECOND_FACTOR));
    }
    Ok(())
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
        let now = state.clock.now();
        let started = ceremony::start(&state.redis, Kind::Login, None, &options, login, now);
        Ok(Json(started.await?))
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
        let person = answer::identify(&state, &client, &body.ceremony, &body.credential).await?;
        let mut conn = state.conn().await?;
        let holder = accounts::by_id(&mut conn, person)
            .await?
            .ok_or(ApiError::new(PASSKEY_UNKNOWN))?;
        drop(conn);
        let account = holder.1.as_ref().ok_or(ApiError::new(PASSKEY_UNKNOWN))?;
        login::refuse_unless_active(&state, account)?;
        login::signed_in(&state, holder, body.remember, &client, Some("passkey")).await
    }

    /// A passkey challenge for the second factor of a login waiting for one (`pending`); answer
    /// it in `POST /api/session/two-factor` (`passkey`). 409 `no-passkey` without any.
    #[oai(
        path = "/session/two-factor/passkey-challenge",
        method = "post",
        operation_id = "start_passkey_second_factor"
    )]
    async fn second_factor(
        &self,
        state: Data<&AppState>,
        body: Json<PendingLogin>,
    ) -> ApiResult<Json<Ceremony>> {
        let (person, _) = login::waiting_for_second_factor(&state, &body.pending).await?;
        Ok(Json(answer::challenge(&state, person).await?))
    }

    /// A passkey challenge for the person a recovery link names; answer it in
    /// `POST /api/recovery/completion` (`passkey`). 409 `no-passkey` without any.
    #[oai(
        path = "/recovery/passkey-challenge",
        method = "post",
        operation_id = "start_passkey_recovery"
    )]
    async fn recovery(
        &self,
        state: Data<&AppState>,
        body: Json<recovery::RecoveryToken>,
    ) -> ApiResult<Json<Ceremony>> {
        let (person, _) = recovery::holder_of(&state, &body.token).await?;
        Ok(Json(answer::challenge(&state, person.id).await?))
    }

    /// A passkey challenge to confirm it is still the person, before a sensitive setting
    /// (instead of the password); answer it in `POST /api/session/reauthentication/passkey`.
    #[oai(
        path = "/session/reauthentication/passkey-challenge",
        method = "post",
        operation_id = "start_passkey_reauthentication"
    )]
    async fn reauthentication(
        &self,
        state: Data<&AppState>,
        caller: Caller,
    ) -> ApiResult<Json<Ceremony>> {
        Ok(Json(answer::challenge(&state, caller.person_id).await?))
    }

    /// Confirms it is still the person with one of their passkeys (valid 10 minutes, like the
    /// password); renews the session id.
    #[oai(
        path = "/session/reauthentication/passkey",
        method = "post",
        operation_id = "reauthenticate_with_passkey"
    )]
    async fn reauthenticate(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        client: Client,
        body: Json<PasskeyAnswer>,
    ) -> ApiResult<login::Renewed> {
        answer::confirm(&state, &client, caller.person_id, &body).await?;
        let cookie = login::renew(&state, caller).await?;
        Ok(login::Renewed::Renewed(cookie))
    }
}
