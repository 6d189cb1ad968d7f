//! "Mot de passe oublié ?": a single-use link by e-mail, then a new password.
//!
//! The request is answered at once, before anything is looked up: the same answer in the same
//! time whether or not the address is known.

use chrono::Duration;
use diesel_async::AsyncConnection;
use poem::web::Data;
use poem_openapi::{ApiResponse, Object, OpenApi, payload::Json};

use super::{
    codes::{self, Purpose},
    messages::{self, ProtectionChange},
    notices, password,
    policy::require_acceptable,
    store::{self, Holder},
    two_factor::{self, SecondFactorAnswer, SecondFactorKind},
};
use crate::{
    couriers,
    errors::{ApiError, ApiResult},
    http::client::Client,
    i18n::Lang,
    limits::{self, Limit, Verdict},
    passkeys::answer::PasskeyAnswer,
    security_log::{self, Event, EventKind},
    sessions,
    state::AppState,
};

crate::errors::problem!(
    LINK_EXPIRED,
    410,
    "link-expired",
    "Ce lien n’est plus valable : demandez-en un nouveau",
    "This link is no longer valid: ask for a new one"
);

const LINK_LIFETIME: Duration = Duration::minutes(30);
const RECOVERY_PER_ADDRESS: Limit = Limit::per_hour("recovery-ip", 10);
/// Links sent to one mailbox: beyond, the asks are answered alike and nothing is sent.
const LINKS_PER_EMAIL: Limit = Limit::per_hour("recovery-email", 3);

#[derive(Debug, Object)]
pub struct RecoveryRequest {
    /// Personal or institutional e-mail address.
    #[oai(validator(min_length = 3, max_length = 254))]
    pub email: String,
}

#[derive(Debug, Object)]
pub struct RecoveryToken {
    #[oai(validator(max_length = 100))]
    pub token: String,
}

#[derive(Debug, Object)]
pub struct RecoveryLink {
    /// The account has two-factor: the new password needs a second factor too.
    pub two_factor_required: bool,
    /// What can answer it (a passkey through `POST /api/recovery/passkey-challenge`).
    pub second_factors: Vec<SecondFactorKind>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct RecoveryCompletion {
    #[oai(validator(max_length = 100))]
    pub token: String,
    #[oai(validator(max_length = 1024))]
    pub password: String,
    /// Two-factor code (or recovery code), when the account has two-factor.
    #[oai(validator(max_length = 40))]
    pub code: Option<String>,
    /// Instead of a code: a passkey's answer to the link's passkey challenge.
    pub passkey: Option<PasskeyAnswer>,
}

#[derive(ApiResponse)]
pub enum Accepted {
    /// If the address belongs to an account, a link is on its way.
    #[oai(status = 202)]
    Accepted,
}

#[derive(ApiResponse)]
pub enum Reset {
    /// The password is changed and every session has ended.
    #[oai(status = 204)]
    Reset,
}

#[derive(Default)]
pub struct RecoveryApi;

#[OpenApi(tag = "crate::app::Tag::Recovery")]
impl RecoveryApi {
    /// Sends a password reset link to the address, if it belongs to an active account.
    #[oai(path = "/recovery", method = "post", operation_id = "request_recovery")]
    async fn request(
        &self,
        state: Data<&AppState>,
        client: Client,
        lang: Lang,
        body: Json<RecoveryRequest>,
    ) -> ApiResult<Accepted> {
        limits::enforce(&state, RECOVERY_PER_ADDRESS, &client.ip).await?;
        let email = body.email.trim().to_lowercase();
        let state = state.0.clone();
        tokio::spawn(async move {
            if let Err(e) = send_links(&state, &client, lang, &email).await {
                tracing::warn!(error = %e, cause = e.cause.as_deref().unwrap_or(""), "recovery link not sent");
            }
        });
        Ok(Accepted::Accepted)
    }

    /// Whether a link still works, and whether it needs a two-factor code.
    #[oai(
        path = "/recovery/inspection",
        method = "post",
        operation_id = "inspect_recovery_link"
    )]
    async fn inspect(
        &self,
        state: Data<&AppState>,
        body: Json<RecoveryToken>,
    ) -> ApiResult<Json<RecoveryLink>> {
        let (person, account) = holder_of(&state, &body.token).await?;
        let mut conn = state.conn().await?;
        let second_factors =
            two_factor::second_factors(&mut conn, person.id, account.as_ref()).await?;
        Ok(Json(RecoveryLink {
            two_factor_required: account.is_some_and(|a| a.two_factor_on()),
            second_factors,
        }))
    }

    /// Sets the new password; every session of the account ends.
    #[oai(
        path = "/recovery/completion",
        method = "post",
        operation_id = "complete_recovery"
    )]
    async fn complete(
        &self,
        state: Data<&AppState>,
        client: Client,
        lang: Lang,
        body: Json<RecoveryCompletion>,
    ) -> ApiResult<Reset> {
        let now = state.clock.now();
        let (person, account) = holder_of(&state, &body.token).await?;
        let account = account.ok_or(ApiError::new(LINK_EXPIRED))?;
        let answer = SecondFactorAnswer::of(body.code.as_deref(), body.passkey.as_ref());
        two_factor::require_second_factor(&state, person.id, &account, answer, &client).await?;
        require_acceptable(&state.config.passwords, &body.password, &person)?;
        let hash = password::hash(&state.cpu, &body.password).await?;
        codes::take_ticket(&state.redis, Purpose::Recovery, &body.token, now)
            .await?
            .ok_or(ApiError::new(LINK_EXPIRED))?;
        let mut conn = state.conn().await?;
        let client = &client;
        conn.transaction(async |conn| {
            store::set_password(conn, person.id, &hash, now).await?;
            let change = ProtectionChange::PasswordReset;
            notices::protection_changed(conn, &state.config, lang, person.id, change, client, now)
                .await?;
            let event = Event::of(person.id, EventKind::PasswordReset, client);
            security_log::record(conn, event, now).await
        })
        .await?;
        sessions::end_all(&state, person.id, None).await?;
        Ok(Reset::Reset)
    }
}

/// The holder a live link names.
pub async fn holder_of(state: &AppState, token: &str) -> Result<Holder, ApiError> {
    let now = state.clock.now();
    let person = codes::peek_ticket(&state.redis, Purpose::Recovery, token, now)
        .await?
        .ok_or(ApiError::new(LINK_EXPIRED))?;
    let mut conn = state.conn().await?;
    store::by_id(&mut conn, person)
        .await?
        .ok_or(ApiError::new(LINK_EXPIRED))
}

/// One link to each active account at `email`, 3 an hour per address at most.
async fn send_links(
    state: &AppState,
    client: &Client,
    lang: Lang,
    email: &str,
) -> Result<(), ApiError> {
    let now = state.clock.now();
    let verdict = limits::hit(&state.redis, LINKS_PER_EMAIL, email, now).await?;
    if verdict != Verdict::Allowed {
        return Ok(());
    }
    let mut conn = state.conn().await?;
    let holders = store::by_email(&mut conn, email).await?;
    for (person, _) in holders {
        let token = codes::issue_ticket(
            &state.redis,
            Purpose::Recovery,
            person.id,
            LINK_LIFETIME,
            now,
        )
        .await?;
        let message = messages::recovery_link(&state.config, lang, email, &token);
        conn.transaction(async |conn| {
            couriers::enqueue(conn, &message, now).await?;
            let event = Event::of(person.id, EventKind::RecoveryRequested, client);
            security_log::record(conn, event, now).await
        })
        .await?;
    }
    Ok(())
}
