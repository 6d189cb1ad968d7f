//! The CAS REST protocol, for native apps (ESUP's MULTI): a ticket-granting ticket from the
//! identifier and password, then service tickets from it. It goes through the login's limits
//! and lockout; an account with two-factor is refused (no password-only way around it).

use poem::{
    IntoResponse, Response, handler,
    http::StatusCode,
    web::{Data, Form, Path},
};
use serde::{Deserialize, Serialize};

use super::{
    login,
    tickets::{self, Kind},
};
use crate::{
    errors::{ApiError, NOT_FOUND},
    http::client::Client,
    people::model::PersonId,
    security_log::{self, Event, EventKind},
    sessions::{self, Caller, login::check_credentials, store},
    state::AppState,
};

crate::errors::problem!(
    TWO_FACTOR_NOT_OFFERED,
    401,
    "two-factor-not-offered",
    "Votre compte est protégé par la double authentification : connectez-vous depuis l’ENT",
    "Your account is protected by two-factor authentication: sign in from the ENT"
);
crate::errors::problem!(
    SERVICE_UNKNOWN,
    400,
    "service-unknown",
    "Ce service n’est pas enregistré auprès du service d’authentification",
    "This service is not registered with the authentication service"
);

#[derive(Debug, Deserialize)]
pub struct CredentialsForm {
    username: String,
    password: String,
}

#[derive(Debug, Deserialize)]
pub struct ServiceForm {
    service: String,
}

/// What a ticket-granting ticket names: a session opened for the app.
#[derive(Debug, Serialize, Deserialize)]
struct TicketGranting {
    person: PersonId,
    session: store::SessionKey,
}

/// `POST /cas/v1/tickets`: 201, the ticket-granting ticket in `Location` and in the body.
#[handler]
pub async fn create(
    Data(state): Data<&AppState>,
    client: Client,
    Form(form): Form<CredentialsForm>,
) -> poem::Result<Response> {
    let (person, account) =
        check_credentials(state, &client, &form.username, &form.password).await?;
    if account.two_factor_on() {
        return Err(ApiError::new(TWO_FACTOR_NOT_OFFERED).into());
    }
    let now = state.clock.now();
    let (id, _) = sessions::login::open(state, person.id, false, &client, now).await?;
    let mut conn = state.conn().await?;
    security_log::record(
        &mut conn,
        Event::of(person.id, EventKind::Login, &client),
        now,
    )
    .await
    .map_err(ApiError::from)?;
    let value = TicketGranting {
        person: person.id,
        session: crate::secrets::token_hash(&id),
    };
    let lifetime = u64::from(state.config.accounts.session_absolute_days) * 86_400;
    let tgt = tickets::issue(&state.redis, Kind::TicketGranting, &value, lifetime).await?;
    let location = format!("{}/cas/v1/tickets/{tgt}", state.config.http.public_url);
    Ok(tgt
        .with_status(StatusCode::CREATED)
        .with_header("Location", location)
        .with_content_type("text/plain; charset=utf-8")
        .into_response())
}

/// The session behind a ticket-granting ticket, while it lasts (each use keeps it alive).
async fn caller_of(state: &AppState, tgt: &str) -> Result<Option<Caller>, ApiError> {
    if !tgt.starts_with(Kind::TicketGranting.prefix()) {
        return Ok(None);
    }
    let Some(value) =
        tickets::peek::<TicketGranting>(&state.redis, Kind::TicketGranting, tgt).await?
    else {
        return Ok(None);
    };
    match store::by_key(&state.redis, &value.session).await? {
        Some(session) => Caller::seen(state, value.session, session).await,
        None => Ok(None),
    }
}

/// `POST /cas/v1/tickets/{tgt}` with `service`: a service ticket, as text.
#[handler]
pub async fn service_ticket(
    Data(state): Data<&AppState>,
    client: Client,
    Path(tgt): Path<String>,
    Form(form): Form<ServiceForm>,
) -> poem::Result<Response> {
    let caller = caller_of(state, &tgt)
        .await?
        .ok_or(ApiError::new(NOT_FOUND))?;
    let service = state
        .config
        .cas
        .service_for(&form.service)
        .ok_or(ApiError::new(SERVICE_UNKNOWN))?;
    let ticket = login::open(state, &caller, &form.service, service, false, &client)
        .await?
        .map_err(login::refused)?;
    Ok(ticket
        .with_content_type("text/plain; charset=utf-8")
        .into_response())
}

/// `GET /cas/v1/tickets/{tgt}`: 200 while the ticket-granting ticket lives, 404 after.
#[handler]
pub async fn status(
    Data(state): Data<&AppState>,
    Path(tgt): Path<String>,
) -> poem::Result<Response> {
    caller_of(state, &tgt)
        .await?
        .ok_or(ApiError::new(NOT_FOUND))?;
    Ok(StatusCode::OK.into_response())
}

/// `DELETE /cas/v1/tickets/{tgt}`: logs out (Single Logout included).
#[handler]
pub async fn destroy(
    Data(state): Data<&AppState>,
    Path(tgt): Path<String>,
) -> poem::Result<Response> {
    if let Some(caller) = caller_of(state, &tgt).await? {
        sessions::end(state, caller.person_id, &[caller.key]).await?;
    }
    tickets::forget(&state.redis, Kind::TicketGranting, &tgt).await?;
    Ok(StatusCode::OK.into_response())
}
