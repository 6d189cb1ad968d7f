//! Optional two-factor authentication: TOTP (RFC 6238) with one step of drift, each code
//! accepted once, wrong codes throttled, the secret encrypted at rest, 10 single-use recovery
//! codes stored as keyed hashes.

use base64::{Engine, engine::general_purpose::STANDARD};
use chacha20poly1305::{
    XChaCha20Poly1305, XNonce,
    aead::{Aead, KeyInit},
};
use chrono::{DateTime, Utc};
use diesel::{ExpressionMethods, QueryDsl, insert_into, update};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use poem::web::Data;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi, payload::Json};
use redis::AsyncCommands;
use totp_rs::{Builder, Secret, Totp};

use super::{codes::CODE_INCORRECT, messages::ProtectionChange, notices, store::Account};
use crate::{
    db::schema::{accounts, two_factor_recovery_codes as recovery},
    errors::{ApiError, ApiResult, BAD_REQUEST},
    http::client::Client,
    i18n::Lang,
    passkeys::{self, answer::PasskeyAnswer},
    people::model::PersonId,
    secrets,
    security_log::{self, Event, EventKind},
    sessions::{Caller, caller::NOT_SIGNED_IN, lockout},
    state::AppState,
};

const RECOVERY_CODES: usize = 10;

crate::errors::problem!(
    TWO_FACTOR_ALREADY_ON,
    409,
    "two-factor-already-on",
    "La double authentification est déjà activée : vos clés d’accès servent déjà de second facteur",
    "Two-factor is already on: your passkeys already serve as a second factor"
);
crate::errors::problem!(
    PASSKEY_NEEDED,
    409,
    "passkey-needed",
    "Ajoutez d’abord une clé d’accès (Sécurité → Clés d’accès)",
    "Add a passkey first (Security → Passkeys)"
);

#[derive(Debug, Object)]
pub struct TwoFactorEnrolment {
    /// `otpauth://totp/…`, for authenticator apps.
    pub otpauth_uri: String,
    /// The secret in base32, to type by hand.
    pub secret: String,
    /// The URI as a QR code (PNG, base64).
    pub qr_png_base64: String,
}

#[derive(Debug, Object)]
pub struct TwoFactorCode {
    #[oai(validator(max_length = 40))]
    pub code: String,
}

#[derive(Debug, Object)]
pub struct RecoveryCodes {
    /// Shown once: each opens the account once when the authenticator is lost.
    pub recovery_codes: Vec<String>,
}

#[derive(ApiResponse)]
pub enum Disabled {
    #[oai(status = 204)]
    Disabled,
}

#[derive(Default)]
pub struct TwoFactorApi;

#[OpenApi(tag = "crate::app::Tag::Account")]
impl TwoFactorApi {
    /// Starts enrolment: a new secret to scan (needs the password typed in the last 10 minutes).
    #[oai(
        path = "/me/two-factor/enrolment",
        method = "post",
        operation_id = "enrol_two_factor"
    )]
    async fn enrol(
        &self,
        state: Data<&AppState>,
        caller: Caller,
    ) -> ApiResult<Json<TwoFactorEnrolment>> {
        caller.require_recent_password(state.clock.now())?;
        let (identifier, _) = account_of(&state, caller.person_id).await?;
        let secret = Secret::generate();
        let totp = totp(&state, secret.as_ref(), &identifier)?;
        let sealed = seal(&state, secret.as_ref())?;
        let key = pending_key(&state, caller.person_id);
        state
            .redis
            .run(|mut c| async move { c.set_ex::<_, _, ()>(&key, sealed, 900).await })
            .await?;
        Ok(Json(TwoFactorEnrolment {
            otpauth_uri: totp.to_url().map_err(ApiError::internal)?,
            secret: secret.to_base32(),
            qr_png_base64: totp.to_qr_base64().map_err(ApiError::internal)?,
        }))
    }

    /// Confirms enrolment with a first code; gives the recovery codes, once.
    #[oai(
        path = "/me/two-factor/confirmation",
        method = "post",
        operation_id = "confirm_two_factor"
    )]
    async fn confirm(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        client: Client,
        body: Json<TwoFactorCode>,
    ) -> ApiResult<Json<RecoveryCodes>> {
        let now = state.clock.now();
        let key = pending_key(&state, caller.person_id);
        let sealed: Option<Vec<u8>> = state
            .redis
            .run(|mut c| async move { c.get(&key).await })
            .await?;
        let sealed = sealed.ok_or(ApiError::new(BAD_REQUEST))?;
        let (identifier, _) = account_of(&state, caller.person_id).await?;
        let totp = totp(&state, &open(&state, &sealed)?, &identifier)?;
        let step = totp
            .check(body.code.trim(), now.timestamp().max(0) as u64)
            .ok_or(ApiError::new(CODE_INCORRECT))?;
        let app = AuthenticatorApp {
            sealed: &sealed,
            step: step as i64,
        };
        let codes = turn_on(&state, caller.person_id, Some(app), &client, now).await?;
        Ok(Json(codes))
    }

    /// Turns two-factor on with passkeys alone, no authenticator app (needs the password typed
    /// in the last 10 minutes, and a passkey); gives the recovery codes, once.
    #[oai(
        path = "/me/two-factor/passkeys",
        method = "post",
        operation_id = "enable_two_factor_with_passkeys"
    )]
    async fn with_passkeys(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        client: Client,
    ) -> ApiResult<Json<RecoveryCodes>> {
        let now = state.clock.now();
        caller.require_recent_password(now)?;
        let (_, account) = account_of(&state, caller.person_id).await?;
        if account.two_factor_on() {
            return Err(ApiError::new(TWO_FACTOR_ALREADY_ON));
        }
        let mut conn = state.conn().await?;
        if !passkeys::store::any(&mut conn, caller.person_id).await? {
            return Err(ApiError::new(PASSKEY_NEEDED));
        }
        drop(conn);
        let codes = turn_on(&state, caller.person_id, None, &client, now).await?;
        Ok(Json(codes))
    }

    /// Turns two-factor off (needs the password typed in the last 10 minutes).
    #[oai(
        path = "/me/two-factor",
        method = "delete",
        operation_id = "disable_two_factor"
    )]
    async fn disable(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        client: Client,
        lang: Lang,
    ) -> ApiResult<Disabled> {
        let now = state.clock.now();
        caller.require_recent_password(now)?;
        let mut conn = state.conn().await?;
        let (person, client) = (caller.person_id, &client);
        conn.transaction(async |conn| {
            update(accounts::table.find(person))
                .set((
                    accounts::two_factor_secret.eq(None::<Vec<u8>>),
                    accounts::two_factor_enabled_at.eq(None::<DateTime<Utc>>),
                    accounts::two_factor_last_step.eq(None::<i64>),
                ))
                .execute(conn)
                .await?;
            replace_recovery_codes(conn, person, &[]).await?;
            let change = ProtectionChange::TwoFactorDisabled;
            notices::protection_changed(conn, &state.config, lang, person, change, client, now)
                .await?;
            security_log::record(
                conn,
                Event::of(person, EventKind::TwoFactorDisabled, client),
                now,
            )
            .await
        })
        .await?;
        Ok(Disabled::Disabled)
    }
}

/// The authenticator app being confirmed: its sealed secret and the step of its first code.
struct AuthenticatorApp<'a> {
    sealed: &'a [u8],
    step: i64,
}

/// Turns two-factor on, with the app (or with passkeys alone), and replaces the recovery codes.
async fn turn_on(
    state: &AppState,
    person: PersonId,
    app: Option<AuthenticatorApp<'_>>,
    client: &Client,
    now: DateTime<Utc>,
) -> Result<RecoveryCodes, ApiError> {
    let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| recovery_code()).collect();
    let hashes: Vec<String> = codes.iter().map(|c| recovery_hash(state, c)).collect();
    let event = Event::of(person, EventKind::TwoFactorEnabled, client);
    let event = match app {
        Some(_) => event,
        None => event.detail("passkeys"),
    };
    let mut conn = state.conn().await?;
    conn.transaction(async |conn| {
        update(accounts::table.find(person))
            .set((
                accounts::two_factor_secret.eq(app.as_ref().map(|a| a.sealed)),
                accounts::two_factor_enabled_at.eq(now),
                accounts::two_factor_last_step.eq(app.as_ref().map(|a| a.step)),
            ))
            .execute(conn)
            .await?;
        replace_recovery_codes(conn, person, &hashes).await?;
        security_log::record(conn, event, now).await
    })
    .await?;
    Ok(RecoveryCodes {
        recovery_codes: codes,
    })
}

/// What a person gives as their second factor.
pub enum SecondFactorAnswer<'a> {
    /// Typed: the authenticator app's 6 digits, or a recovery code.
    Code(&'a str),
    Passkey(&'a PasskeyAnswer),
}

impl<'a> SecondFactorAnswer<'a> {
    /// The passkey's answer when there is one, else the code (none typed: an empty one).
    pub fn of(code: Option<&'a str>, passkey: Option<&'a PasskeyAnswer>) -> Self {
        match passkey {
            Some(passkey) => SecondFactorAnswer::Passkey(passkey),
            None => SecondFactorAnswer::Code(code.unwrap_or_default()),
        }
    }
}

/// The second factors a person can answer with, when their account asks for one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum SecondFactorKind {
    AuthenticatorApp,
    Passkey,
    RecoveryCode,
}

/// Which second factors `person` has (none when two-factor is off).
pub async fn second_factors(
    conn: &mut AsyncPgConnection,
    person: PersonId,
    account: Option<&Account>,
) -> Result<Vec<SecondFactorKind>, ApiError> {
    let Some(account) = account.filter(|a| a.two_factor_on()) else {
        return Ok(Vec::new());
    };
    let mut kinds = Vec::new();
    if account.two_factor_secret.is_some() {
        kinds.push(SecondFactorKind::AuthenticatorApp);
    }
    if passkeys::store::any(conn, person).await? {
        kinds.push(SecondFactorKind::Passkey);
    }
    let unused: i64 = recovery::table
        .filter(recovery::person_id.eq(person))
        .filter(recovery::used_at.is_null())
        .count()
        .get_result(conn)
        .await?;
    if unused > 0 {
        kinds.push(SecondFactorKind::RecoveryCode);
    }
    Ok(kinds)
}

/// When the account has two-factor, the answer must be one of the person's passkeys, a fresh
/// code of their authenticator app or an unused recovery code. Wrong codes lock the second
/// factor progressively, like passwords.
pub async fn require_second_factor(
    state: &AppState,
    person: PersonId,
    account: &Account,
    answer: SecondFactorAnswer<'_>,
    client: &Client,
) -> Result<(), ApiError> {
    if !account.two_factor_on() {
        return Ok(());
    }
    let code = match answer {
        SecondFactorAnswer::Passkey(passkey) => {
            return passkeys::answer::confirm(state, client, person, passkey).await;
        }
        SecondFactorAnswer::Code(code) => code.trim(),
    };
    let now = state.clock.now();
    let subject = format!("2fa:{person}");
    if let Some(left) = lockout::locked_for(&state.redis, &subject, now).await? {
        return Err(ApiError::new(crate::errors::TOO_MANY_REQUESTS).with_retry_after(left));
    }
    let step = match &account.two_factor_secret {
        Some(sealed) => totp(state, &open(state, sealed)?, &account.identifier)?
            .check(code, now.timestamp().max(0) as u64),
        None => None,
    };
    let mut conn = state.conn().await?;
    let accepted = match step {
        Some(step) => claim_step(&mut conn, person, step as i64).await?,
        None => use_recovery_code(&mut conn, person, &recovery_hash(state, code), now).await?,
    };
    if accepted {
        lockout::succeeded(&state.redis, &subject).await?;
        return Ok(());
    }
    lockout::failed(&state.redis, &subject, &state.config.accounts, now).await?;
    let event = Event::of(person, EventKind::TwoFactorFailed, client).failed();
    security_log::record(&mut conn, event, now).await?;
    Err(ApiError::new(CODE_INCORRECT))
}

/// Accepts a TOTP step once: a replayed code (same or earlier step) is refused, even when two
/// requests race.
async fn claim_step(
    conn: &mut AsyncPgConnection,
    person: PersonId,
    step: i64,
) -> Result<bool, ApiError> {
    let claimed = diesel::sql_query(
        "UPDATE accounts SET two_factor_last_step = $2 WHERE person_id = $1 \
         AND (two_factor_last_step IS NULL OR two_factor_last_step < $2)",
    )
    .bind::<diesel::sql_types::Uuid, _>(person)
    .bind::<diesel::sql_types::BigInt, _>(step)
    .execute(conn)
    .await?;
    Ok(claimed == 1)
}

async fn use_recovery_code(
    conn: &mut AsyncPgConnection,
    person: PersonId,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<bool, ApiError> {
    let used = update(
        recovery::table
            .filter(recovery::person_id.eq(person))
            .filter(recovery::code_hash.eq(hash))
            .filter(recovery::used_at.is_null()),
    )
    .set(recovery::used_at.eq(now))
    .execute(conn)
    .await?;
    Ok(used == 1)
}

async fn replace_recovery_codes(
    conn: &mut AsyncPgConnection,
    person: PersonId,
    hashes: &[String],
) -> diesel::QueryResult<()> {
    diesel::delete(recovery::table.filter(recovery::person_id.eq(person)))
        .execute(conn)
        .await?;
    let rows: Vec<_> = hashes
        .iter()
        .map(|h| (recovery::person_id.eq(person), recovery::code_hash.eq(h)))
        .collect();
    insert_into(recovery::table)
        .values(rows)
        .execute(conn)
        .await
        .map(drop)
}

/// `k7q2-m9xp-3fwa`: 60 bits, easy to copy.
fn recovery_code() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let chars: String = (0..12)
        .map(|_| ALPHABET[rand::random_range(0..ALPHABET.len())] as char)
        .collect();
    format!("{}-{}-{}", &chars[0..4], &chars[4..8], &chars[8..12])
}

fn recovery_hash(state: &AppState, code: &str) -> String {
    let normalized = code.trim().to_lowercase();
    secrets::keyed_hash(
        state.config.accounts.secret.expose(),
        &["recovery-code", &normalized],
    )
}

async fn account_of(state: &AppState, person: PersonId) -> Result<(String, Account), ApiError> {
    let mut conn = state.conn().await?;
    let (_, account) = super::store::by_id(&mut conn, person)
        .await?
        .ok_or(ApiError::new(NOT_SIGNED_IN))?;
    let account = account.ok_or(ApiError::new(NOT_SIGNED_IN))?;
    Ok((account.identifier.clone(), account))
}

fn totp(state: &AppState, secret: &[u8], identifier: &str) -> Result<Totp, ApiError> {
    Builder::new()
        .with_secret(secret.to_vec())
        .with_issuer(Some(state.config.university.short_name.as_str()))
        .with_account_name(identifier)
        .build()
        .map_err(ApiError::internal)
}

fn pending_key(state: &AppState, person: PersonId) -> String {
    state.redis.key(&format!("two-factor-pending:{person}"))
}

fn cipher(state: &AppState) -> Result<XChaCha20Poly1305, ApiError> {
    let key = STANDARD
        .decode(state.config.accounts.two_factor_key.expose())
        .map_err(ApiError::internal)?;
    XChaCha20Poly1305::new_from_slice(&key).map_err(ApiError::internal)
}

/// nonce ‖ ciphertext
fn seal(state: &AppState, secret: &[u8]) -> Result<Vec<u8>, ApiError> {
    let nonce_bytes: [u8; 24] = rand::random();
    let nonce = XNonce::from(nonce_bytes);
    let mut sealed = nonce_bytes.to_vec();
    sealed.extend(
        cipher(state)?
            .encrypt(&nonce, secret)
            .map_err(ApiError::internal)?,
    );
    Ok(sealed)
}

fn open(state: &AppState, sealed: &[u8]) -> Result<Vec<u8>, ApiError> {
    if sealed.len() < 24 {
        return Err(ApiError::internal("two-factor secret too short"));
    }
    let (nonce, ciphertext) = sealed.split_at(24);
    let nonce = XNonce::try_from(nonce).map_err(ApiError::internal)?;
    cipher(state)?.decrypt(&nonce, ciphertext).map_err(|_| {
        ApiError::internal("two-factor secret unreadable (accounts.two_factor_key changed?)")
    })
}
