//! `POST /api/session` (login), `GET /api/session` (who am I), `DELETE /api/session` (logout),
//! `POST /api/session/reauthentication`.

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi, payload::Json};

use super::{
    Caller,
    caller::{self, session_cookie},
    lockout,
    store::{self, Session},
};
use crate::{
    accounts::{
        codes::{self, CODE_EXPIRED, Purpose},
        password,
        store::{self as accounts, Account, Holder, State, SuspensionReason},
        two_factor::{self, SecondFactorAnswer, SecondFactorKind},
    },
    config::Config,
    errors::{ApiError, ApiResult},
    home::{self, HomeLayout},
    http::client::Client,
    i18n::Translated,
    limits::{self, Limit},
    passkeys::answer::PasskeyAnswer,
    people::model::PersonId,
    people::model::Role,
    secrets,
    security_log::{self, Event, EventKind},
    state::AppState,
};

crate::errors::problem!(
    LOGIN_FAILED,
    401,
    "login-failed",
    "Identifiant ou mot de passe incorrect. Première connexion ? Activez d’abord votre compte.",
    "Wrong identifier or password. First time? Activate your account first."
);
crate::errors::problem!(
    ACCOUNT_LOCKED,
    429,
    "account-locked",
    "Trop d’essais : le compte est bloqué quelques instants",
    "Too many attempts: the account is locked for a moment"
);
crate::errors::problem!(
    ACCOUNT_SUSPENDED,
    403,
    "account-suspended",
    "Votre compte est suspendu : contactez le secrétariat",
    "Your account is suspended: contact the secretariat"
);
crate::errors::problem!(
    ACCOUNT_CLOSED,
    403,
    "account-closed",
    "Votre compte est fermé : vous n’êtes plus inscrit(e) à l’université",
    "Your account is closed: you are no longer enrolled at the university"
);
crate::errors::problem!(
    PASSWORD_INCORRECT,
    401,
    "password-incorrect",
    "Mot de passe incorrect",
    "Incorrect password"
);

#[derive(Debug, Object)]
pub struct Credentials {
    /// Identifier or institutional e-mail (any case).
    #[oai(validator(min_length = 1, max_length = 254))]
    pub identifier: String,
    #[oai(validator(max_length = 1024))]
    pub password: String,
    /// "Rester connecté sur cet appareil": weeks of idle time instead of minutes.
    #[oai(default)]
    pub remember: bool,
}

/// The signed-in person.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct Me {
    pub person_id: PersonId,
    pub identifier: String,
    pub given_name: String,
    pub family_name: String,
    pub role: Role,
    pub institutional_email: Option<String>,
    /// Beyond the role: `accounts` (secretariat account administration).
    pub permissions: Vec<String>,
    pub two_factor_enabled: bool,
    /// With two-factor on: what can answer it (an authenticator app, passkeys, recovery codes).
    pub second_factors: Vec<SecondFactorKind>,
    /// The secretariat changed the phone on record: the person should prove they hold it
    /// (`POST /api/me/phone-verification`).
    pub phone_verification_required: bool,
    /// Send it back as `X-CSRF-Token` on every POST, PUT and DELETE.
    pub csrf_token: String,
    /// The home's cards and the bottom navigation of the person's role (`[home]`).
    pub home: HomeLayout,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum LoginStatus {
    SignedIn,
    TwoFactorRequired,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct LoginOutcome {
    pub status: LoginStatus,
    pub me: Option<Me>,
    /// With `two_factor_required`: names this login in `POST /api/session/two-factor`.
    pub pending: Option<String>,
    /// With `two_factor_required`: what the person can answer with (a passkey through
    /// `POST /api/session/two-factor/passkey-challenge`).
    pub second_factors: Vec<SecondFactorKind>,
}

#[derive(ApiResponse)]
pub enum LoginResponse {
    /// Signed in (a new session cookie), or a second factor is needed.
    #[oai(status = 200)]
    Done(
        Json<LoginOutcome>,
        #[oai(header = "Set-Cookie")] Option<String>,
    ),
}

#[derive(ApiResponse)]
pub enum Ended {
    /// The session ended; the cookie is cleared.
    #[oai(status = 204)]
    Ended(#[oai(header = "Set-Cookie")] String),
}

#[derive(ApiResponse)]
pub enum Renewed {
    /// Password confirmed; the session id changed (new cookie).
    #[oai(status = 204)]
    Renewed(#[oai(header = "Set-Cookie")] String),
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct SecondFactor {
    /// From the login's `two_factor_required` answer.
    #[oai(validator(max_length = 100))]
    pub pending: String,
    /// The authenticator app's 6 digits, or a recovery code.
    #[oai(validator(max_length = 40))]
    pub code: Option<String>,
    /// Instead of a code: a passkey's answer to the login's passkey challenge.
    pub passkey: Option<PasskeyAnswer>,
}

/// Time to type the second factor after the password.
const SECOND_FACTOR_WAIT: chrono::Duration = chrono::Duration::minutes(5);

#[derive(Debug, Object)]
pub struct PasswordConfirmation {
    #[oai(validator(max_length = 1024))]
    pub password: String,
}

#[derive(ApiResponse)]
pub enum Checked {
    /// The session is alive.
    #[oai(status = 204)]
    Alive,
}

#[derive(Default)]
pub struct SessionApi;

#[OpenApi(tag = "crate::app::Tag::Session")]
impl SessionApi {
    /// Logs in with identifier (or institutional e-mail) and password.
    #[oai(path = "/session", method = "post", operation_id = "login")]
    async fn login(
        &self,
        state: Data<&AppState>,
        client: Client,
        body: Json<Credentials>,
    ) -> ApiResult<LoginResponse> {
        let now = state.clock.now();
        let (person, account) =
            check_credentials(&state, &client, &body.identifier, &body.password).await?;
        if account.two_factor_on() {
            let purpose = Purpose::SecondFactor {
                remembered: body.remember,
            };
            let pending =
                codes::issue_ticket(&state.redis, purpose, person.id, SECOND_FACTOR_WAIT, now)
                    .await?;
            let mut conn = state.conn().await?;
            let second_factors =
                two_factor::second_factors(&mut conn, person.id, Some(&account)).await?;
            return Ok(LoginResponse::Done(
                Json(LoginOutcome {
                    status: LoginStatus::TwoFactorRequired,
                    me: None,
                    pending: Some(pending),
                    second_factors,
                }),
                None,
            ));
        }
        signed_in(
            &state,
            (person, Some(account)),
            body.remember,
            &client,
            None,
        )
        .await
    }

    /// Completes a login with the two-factor code (or a recovery code).
    #[oai(
        path = "/session/two-factor",
        method = "post",
        operation_id = "login_second_factor"
    )]
    async fn second_factor(
        &self,
        state: Data<&AppState>,
        client: Client,
        body: Json<SecondFactor>,
    ) -> ApiResult<LoginResponse> {
        let now = state.clock.now();
        let (person, remembered) = waiting_for_second_factor(&state, &body.pending).await?;
        let mut conn = state.conn().await?;
        let holder = accounts::by_id(&mut conn, person)
            .await?
            .ok_or(ApiError::new(CODE_EXPIRED))?;
        drop(conn);
        let account = holder.1.as_ref().ok_or(ApiError::new(CODE_EXPIRED))?;
        refuse_unless_active(&state, account)?;
        let answer = SecondFactorAnswer::of(body.code.as_deref(), body.passkey.as_ref());
        two_factor::require_second_factor(&state, person, account, answer, &client).await?;
        let purpose = Purpose::SecondFactor { remembered };
        codes::take_ticket(&state.redis, purpose, &body.pending, now)
            .await?
            .ok_or(ApiError::new(CODE_EXPIRED))?;
        let how = body.passkey.as_ref().map(|_| "passkey as second factor");
        signed_in(&state, holder, remembered, &client, how).await
    }

    /// The signed-in person (401 `not-signed-in` otherwise).
    #[oai(path = "/session", method = "get", operation_id = "current_session")]
    async fn current(&self, state: Data<&AppState>, caller: Caller) -> ApiResult<Json<Me>> {
        let mut conn = state.conn().await?;
        let holder = accounts::by_id(&mut conn, caller.person_id)
            .await?
            .ok_or(ApiError::new(caller::NOT_SIGNED_IN))?;
        Ok(Json(
            me(&mut conn, &state.config, holder, &caller.session).await?,
        ))
    }

    /// Whether the session is alive (204; 401 `not-signed-in` otherwise): checks it in Redis and
    /// renews its idle expiry, nothing more.
    #[oai(
        path = "/session/check",
        method = "get",
        operation_id = "check_session"
    )]
    async fn check(&self, _caller: Caller) -> ApiResult<Checked> {
        Ok(Checked::Alive)
    }

    /// "Se déconnecter": ends this session on the server.
    #[oai(path = "/session", method = "delete", operation_id = "logout")]
    async fn logout(&self, state: Data<&AppState>, caller: Caller) -> ApiResult<Ended> {
        super::end(&state, caller.person_id, &[caller.key]).await?;
        Ok(Ended::Ended(caller::expired_cookie(&state.config)))
    }

    /// Confirms the password before a sensitive setting (valid 10 minutes); renews the session id.
    #[oai(
        path = "/session/reauthentication",
        method = "post",
        operation_id = "reauthenticate"
    )]
    async fn reauthenticate(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        client: Client,
        body: Json<PasswordConfirmation>,
    ) -> ApiResult<Renewed> {
        confirm_password(&state, &caller, &client, &body.password).await?;
        let id = renew(&state, caller).await?;
        Ok(Renewed::Renewed(id))
    }
}

/// A login's identifier and password, under the per-address limit and the account lockout:
/// the active account they open (its second factor is still to be asked), or the one generic
/// error. The REST protocol of CAS uses it too.
pub async fn check_credentials(
    state: &AppState,
    client: &Client,
    identifier: &str,
    password: &str,
) -> Result<(accounts::Person, Account), ApiError> {
    let now = state.clock.now();
    limit_address(state, client).await?;
    let login = identifier.trim().to_lowercase();
    let mut conn = state.conn().await?;
    let holder = accounts::by_login(&mut conn, &login).await?;
    drop(conn);
    let subject = match &holder {
        Some((p, _)) => p.id.to_string(),
        None => format!("login:{login}"),
    };
    if let Some(left) = lockout::locked_for(&state.redis, &subject, now).await? {
        return Err(locked(left));
    }
    let hash = holder
        .as_ref()
        .and_then(|(_, a)| a.as_ref())
        .map(|a| a.password_hash.as_str());
    if !password::verify(&state.cpu, hash, password).await? {
        return Err(failed_login(state, &subject, holder.as_ref(), client, now).await);
    }
    lockout::succeeded(&state.redis, &subject).await?;
    let (person, account) = holder.expect("a verified password has a holder");
    let account = account.expect("a verified password has an account");
    refuse_unless_active(state, &account)?;
    Ok((person, account))
}

/// Whose login `pending` names, still waiting for its second factor, and whether they asked to
/// stay signed in.
pub async fn waiting_for_second_factor(
    state: &AppState,
    pending: &str,
) -> Result<(PersonId, bool), ApiError> {
    let now = state.clock.now();
    for remembered in [false, true] {
        let purpose = Purpose::SecondFactor { remembered };
        if let Some(person) = codes::peek_ticket(&state.redis, purpose, pending, now).await? {
            return Ok((person, remembered));
        }
    }
    Err(ApiError::new(CODE_EXPIRED))
}

/// One login attempt more from the client's address (`limits.logins_per_address_per_minute`),
/// whatever it tries: a password or a passkey.
pub async fn limit_address(state: &AppState, client: &Client) -> Result<(), ApiError> {
    let per_minute = state.config.limits.logins_per_address_per_minute;
    limits::enforce(state, Limit::per_minute("login-ip", per_minute), &client.ip).await
}

/// Opens the session, logs the login (`how` it was made, when not by password), and answers
/// with the person and the cookie.
pub async fn signed_in(
    state: &AppState,
    holder: Holder,
    remembered: bool,
    client: &Client,
    how: Option<&str>,
) -> ApiResult<LoginResponse> {
    let now = state.clock.now();
    let person = holder.0.id;
    let (id, session) = open(state, person, remembered, client, now).await?;
    let mut conn = state.conn().await?;
    let event = Event::of(person, EventKind::Login, client);
    let event = match how {
        Some(how) => event.detail(how),
        None => event,
    };
    security_log::record(&mut conn, event, now).await?;
    let me = me(&mut conn, &state.config, holder, &session).await?;
    Ok(LoginResponse::Done(
        Json(LoginOutcome {
            status: LoginStatus::SignedIn,
            me: Some(me),
            pending: None,
            second_factors: Vec::new(),
        }),
        Some(session_cookie(&state.config, &id, remembered)),
    ))
}

/// Checks the caller's password (counted like a login failure when wrong).
pub async fn confirm_password(
    state: &AppState,
    caller: &Caller,
    client: &Client,
    password: &str,
) -> Result<Holder, ApiError> {
    let now = state.clock.now();
    let subject = caller.person_id.to_string();
    if let Some(left) = lockout::locked_for(&state.redis, &subject, now).await? {
        return Err(locked(left));
    }
    let mut conn = state.conn().await?;
    let holder = accounts::by_id(&mut conn, caller.person_id)
        .await?
        .ok_or(ApiError::new(caller::NOT_SIGNED_IN))?;
    drop(conn);
    let hash = holder.1.as_ref().map(|a| a.password_hash.as_str());
    if !password::verify(&state.cpu, hash, password).await? {
        failed_login(state, &subject, Some(&holder), client, now).await;
        return Err(ApiError::new(PASSWORD_INCORRECT));
    }
    lockout::succeeded(&state.redis, &subject).await?;
    Ok(holder)
}

/// A new id for the caller's session, with the password freshly confirmed: the old id stops
/// working (rotation at every privilege change).
pub async fn renew(state: &AppState, caller: Caller) -> Result<String, ApiError> {
    let now = state.clock.now();
    let mut session = caller.session;
    session.authenticated_at = now;
    let remembered = session.remembered;
    let expiry = caller::expiry(&state.config, &session, now);
    let id = store::create(&state.redis, &session, expiry).await?;
    store::remove(
        &state.redis,
        caller.person_id,
        std::slice::from_ref(&caller.key),
    )
    .await?;
    // The device keeps its push subscription, and the services it opened, under the new id.
    let mut conn = state.conn().await?;
    let new_key = secrets::token_hash(&id);
    crate::push::store::move_session(&mut conn, &caller.key, &new_key).await?;
    crate::cas::sign_ons::move_session(&mut conn, &caller.key, &new_key).await?;
    Ok(session_cookie(&state.config, &id, remembered))
}

/// A new session for `person`: a fresh id (never one the client chose) and CSRF token.
pub async fn open(
    state: &AppState,
    person: PersonId,
    remembered: bool,
    client: &Client,
    now: DateTime<Utc>,
) -> Result<(String, Session), ApiError> {
    let session = Session {
        person_id: person,
        created_at: now,
        last_seen_at: now,
        authenticated_at: now,
        remembered,
        user_agent: client.user_agent.clone(),
        ip: client.ip.clone(),
        csrf_token: secrets::random_token(),
    };
    let expiry = caller::expiry(&state.config, &session, now);
    let id = store::create(&state.redis, &session, expiry).await?;
    Ok((id, session))
}

fn locked(seconds: u64) -> ApiError {
    let minutes = seconds.div_ceil(60);
    ApiError::new(ACCOUNT_LOCKED)
        .with_retry_after(seconds)
        .with_detail(Translated {
            fr: format!(
                "Réessayez dans {minutes} min, ou réinitialisez votre mot de passe (« Mot de passe oublié ? »)."
            ),
            en: format!("Try again in {minutes} min, or reset your password (\"Forgotten password?\")."),
        })
}

/// Counts the failure, logs it (and the lock it may start), and gives the one generic error.
async fn failed_login(
    state: &AppState,
    subject: &str,
    holder: Option<&Holder>,
    client: &Client,
    now: DateTime<Utc>,
) -> ApiError {
    let lock = match lockout::failed(&state.redis, subject, &state.config.accounts, now).await {
        Ok(lock) => lock,
        Err(e) => return e,
    };
    if let Some((person, Some(_))) = holder {
        let mut events = vec![Event::of(person.id, EventKind::LoginFailed, client).failed()];
        if let Some(lock) = lock.filter(|l| l.first) {
            let event = Event::of(person.id, EventKind::AccountLocked, client);
            events.push(event.detail(format!("{} s", lock.seconds)));
        }
        if let Err(e) = record_all(state, events, now).await {
            return e;
        }
    }
    ApiError::new(LOGIN_FAILED)
}

async fn record_all(
    state: &AppState,
    events: Vec<Event<'_>>,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let mut conn = state.conn().await?;
    for event in events {
        security_log::record(&mut conn, event, now).await?;
    }
    Ok(())
}

/// Suspended and closed accounts are told so, once the password is right.
pub fn refuse_unless_active(state: &AppState, account: &Account) -> Result<(), ApiError> {
    match account.state {
        State::Active => Ok(()),
        State::Suspended => Err(
            ApiError::new(ACCOUNT_SUSPENDED).with_detail(suspension_detail(
                state,
                account.suspension_reason.unwrap_or(SuspensionReason::Other),
            )),
        ),
        State::Closed => Err(ApiError::new(ACCOUNT_CLOSED)),
    }
}

fn suspension_detail(state: &AppState, reason: SuspensionReason) -> Translated {
    let (fr, en) = match reason {
        SuspensionReason::UnpaidFees => {
            ("droits d’inscription impayés", "unpaid registration fees")
        }
        SuspensionReason::Disciplinary => ("décision disciplinaire", "disciplinary decision"),
        SuspensionReason::Security => ("mesure de sécurité", "security measure"),
        SuspensionReason::IdentityCheck => ("vérification d’identité", "identity check"),
        SuspensionReason::Other => ("autre motif", "other reason"),
    };
    let contacts: Vec<String> = state
        .config
        .secretariat
        .iter()
        .map(|c| format!("{} ({}, {})", c.name, c.email, c.phone))
        .collect();
    Translated {
        fr: format!("Motif : {fr}. Contact : {}.", contacts.join(" ; ")),
        en: format!("Reason: {en}. Contact: {}.", contacts.join("; ")),
    }
}

pub async fn me(
    conn: &mut diesel_async::AsyncPgConnection,
    config: &Config,
    (person, account): Holder,
    session: &Session,
) -> Result<Me, ApiError> {
    let permissions = accounts::permissions_of(conn, person.id).await?;
    let second_factors = two_factor::second_factors(conn, person.id, account.as_ref()).await?;
    let home = home::layout(config, &person, &permissions);
    Ok(Me {
        person_id: person.id,
        identifier: account
            .as_ref()
            .map_or_else(|| person.number.to_lowercase(), |a| a.identifier.clone()),
        given_name: person.given_name,
        family_name: person.family_name,
        role: person.role,
        institutional_email: person.institutional_email,
        permissions,
        phone_verification_required: person.mobile_phone.is_some()
            && person.phone_verified_at.is_none(),
        two_factor_enabled: account.is_some_and(|a| a.two_factor_on()),
        second_factors,
        csrf_token: session.csrf_token.clone(),
        home,
    })
}
