//! `/cas/login` and `/cas/logout`: single sign-on for the university's services. The ENT's
//! session is the single sign-on session; without one (or with `renew`), the browser goes to
//! the PWA's login with a login request, and the PWA comes back through
//! `POST /api/cas/continuation` once the person has signed in, then navigates to the service.

use chrono::{DateTime, Utc};
use poem::{
    Request, Response, handler,
    http::StatusCode,
    web::{Data, Query},
};
use poem_openapi::{Object, OpenApi, payload::Json};
use serde::{Deserialize, Serialize};

use super::{
    flag,
    grant::Grant,
    page::{self, Page},
    principal::{self, Refusal},
    sign_ons::{self, SignOn},
    ticket_lifetime,
    tickets::{self, Kind},
};
use diesel_async::AsyncConnection;

use crate::{
    config::Service,
    errors::{ApiError, ApiResult},
    http::client::Client,
    i18n::Lang,
    limits::{self, Limit},
    security_log::{self, Event, EventKind},
    sessions::{Caller, caller},
    state::AppState,
};

crate::errors::problem!(
    LOGIN_REQUEST_EXPIRED,
    410,
    "cas-login-request-expired",
    "Le délai pour ouvrir ce service est dépassé : rouvrez-le depuis le service ou « Tous les services »",
    "It took too long to open this service: open it again from the service or “All services”"
);
crate::errors::problem!(
    SERVICE_FORBIDDEN,
    403,
    "service-forbidden",
    "Ce service n’est pas ouvert à votre profil",
    "This service is not open to your profile"
);
crate::errors::problem!(
    ACCOUNT_INACTIVE,
    403,
    "account-inactive",
    "Votre compte est suspendu ou fermé : il n’ouvre pas les services de l’université",
    "Your account is suspended or closed: it does not open the university's services"
);
crate::errors::problem!(
    PHONE_VERIFICATION_REQUIRED,
    403,
    "phone-verification-required",
    "Confirmez d’abord votre numéro de téléphone (Sécurité → Téléphone)",
    "Confirm your phone number first (Security → Phone)"
);

/// A login request waits this long for the person to sign in.
const LOGIN_REQUEST_SECONDS: u64 = 15 * 60;

/// Login requests are stored before anyone signs in: an address may not fill Redis with them.
const LOGIN_REQUESTS: Limit = Limit::per_minute("cas-login-request", 60);

#[derive(Debug, Deserialize)]
pub struct LoginParams {
    service: Option<String>,
    renew: Option<String>,
    gateway: Option<String>,
}

/// A `/cas/login` waiting for the PWA's login.
#[derive(Debug, Serialize, Deserialize)]
struct LoginRequest {
    service: String,
    renew: bool,
    asked_at: DateTime<Utc>,
}

#[handler]
pub async fn login(
    req: &Request,
    Data(state): Data<&AppState>,
    Query(p): Query<LoginParams>,
    caller: Option<Caller>,
    client: Client,
) -> poem::Result<Response> {
    Ok(match answer_login(state, p, caller, &client).await? {
        Ok(location) => see(&location),
        Err(page) => page.render(Lang::of(req)),
    })
}

async fn answer_login(
    state: &AppState,
    p: LoginParams,
    caller: Option<Caller>,
    client: &Client,
) -> Result<Result<String, &'static Page>, ApiError> {
    let renew = flag(p.renew.as_deref());
    let Some(url) = p.service else {
        return Ok(match caller {
            Some(_) if !renew => Err(&page::SIGNED_IN),
            _ => Ok("/login".to_string()),
        });
    };
    let Some(service) = state.config.cas.service_for(&url) else {
        return Ok(Err(&page::UNKNOWN_SERVICE));
    };
    match caller {
        Some(caller) if !renew => {
            let opened = open(state, &caller, &url, service, false, client).await?;
            Ok(opened.map(|t| with_ticket(&url, &t)).map_err(refusal_page))
        }
        None if flag(p.gateway.as_deref()) && !renew => Ok(Ok(url)),
        _ => {
            limits::enforce(state, LOGIN_REQUESTS, &client.ip).await?;
            let request = LoginRequest {
                service: url,
                renew,
                asked_at: state.clock.now(),
            };
            let id = tickets::issue(
                &state.redis,
                Kind::LoginRequest,
                &request,
                LOGIN_REQUEST_SECONDS,
            )
            .await?;
            Ok(Ok(format!("/login?cas={id}")))
        }
    }
}

fn refusal_page(refusal: Refusal) -> &'static Page {
    match refusal {
        Refusal::Inactive => &page::ACCOUNT_INACTIVE,
        Refusal::PhoneToVerify => &page::PHONE_TO_VERIFY,
        Refusal::Forbidden => &page::FORBIDDEN_SERVICE,
    }
}

/// The problem an API caller gets for a refusal.
pub fn refused(refusal: Refusal) -> ApiError {
    ApiError::new(match refusal {
        Refusal::Inactive => ACCOUNT_INACTIVE,
        Refusal::PhoneToVerify => PHONE_VERIFICATION_REQUIRED,
        Refusal::Forbidden => SERVICE_FORBIDDEN,
    })
}

/// A plain navigation (302) that is never cached.
fn see(location: &str) -> Response {
    Response::builder()
        .status(StatusCode::FOUND)
        .header("Location", location)
        .header("Cache-Control", "no-store")
        .finish()
}

/// Issues a service ticket for `url` in the caller's session, or says why the person may not
/// open the service.
pub async fn open(
    state: &AppState,
    caller: &Caller,
    url: &str,
    service: &Service,
    from_new_login: bool,
    client: &Client,
) -> Result<Result<String, Refusal>, ApiError> {
    let mut conn = state.conn().await?;
    let principal = principal::load(&mut conn, caller.person_id)
        .await?
        .ok_or(ApiError::new(caller::NOT_SIGNED_IN))?;
    if let Err(refusal) = principal.may_open(service) {
        return Ok(Err(refusal));
    }
    let now = state.clock.now();
    let grant = Grant {
        person: caller.person_id,
        session: caller.key.clone(),
        service: url.to_string(),
        issued_at: now,
        authenticated_at: caller.session.authenticated_at,
        from_new_login,
        remembered: caller.session.remembered,
        proxies: Vec::new(),
    };
    let ticket =
        tickets::issue(&state.redis, Kind::Service, &grant, ticket_lifetime(state)).await?;
    let sign_on = SignOn {
        session: &caller.key,
        person: caller.person_id,
        service_code: service.code.as_str(),
        service_url: url,
        ticket: &ticket,
    };
    let event =
        Event::of(caller.person_id, EventKind::ServiceOpened, client).detail(service.code.as_str());
    let session_lifetime =
        chrono::Duration::days(state.config.accounts.session_absolute_days.into());
    conn.transaction(async |conn| {
        sign_ons::record(conn, sign_on, now, now - session_lifetime).await?;
        security_log::record(conn, event, now).await
    })
    .await?;
    Ok(Ok(ticket))
}

/// The service URL with `ticket=` added to its query (before any fragment).
fn with_ticket(service: &str, ticket: &str) -> String {
    match url::Url::parse(service) {
        Ok(mut u) => {
            u.query_pairs_mut().append_pair("ticket", ticket);
            u.to_string()
        }
        // Registered services parse (the registry matched them); keep a safe fallback.
        Err(_) => format!("{service}?ticket={ticket}"),
    }
}

#[derive(Debug, Deserialize)]
pub struct LogoutParams {
    service: Option<String>,
}

/// `/cas/logout`: ends the session like « Se déconnecter » (Single Logout included), then
/// goes back to the service if it is registered.
#[handler]
pub async fn logout(
    req: &Request,
    Data(state): Data<&AppState>,
    Query(p): Query<LogoutParams>,
    caller: Option<Caller>,
) -> poem::Result<Response> {
    if let Some(caller) = caller {
        crate::sessions::end(state, caller.person_id, &[caller.key]).await?;
    }
    let cookie = caller::expired_cookie(&state.config);
    let registered = p
        .service
        .filter(|s| state.config.cas.service_for(s).is_some());
    let response = match registered {
        Some(service) => see(&service),
        None => page::SIGNED_OUT.render(Lang::of(req)),
    };
    let mut response = response;
    if let Ok(value) = cookie.parse() {
        response.headers_mut().append("Set-Cookie", value);
    }
    Ok(response)
}

#[derive(Debug, Object)]
pub struct Continuation {
    /// The `cas` parameter `/cas/login` put on the login page's address.
    #[oai(validator(max_length = 100))]
    pub request: String,
}

#[derive(Debug, Object)]
pub struct ServiceLocation {
    /// Where to send the browser: the service, with its ticket. Navigate to it (no fetch).
    pub location: String,
}

#[derive(Default)]
pub struct ContinuationApi;

#[OpenApi(tag = "crate::app::Tag::Services")]
impl ContinuationApi {
    /// After signing in on the PWA for a service: its address with a service ticket. With
    /// `renew`, the password must have been typed after the service asked (403
    /// `reauthentication-required` otherwise: confirm it, then call again).
    #[oai(
        path = "/cas/continuation",
        method = "post",
        operation_id = "continue_to_service"
    )]
    async fn continuation(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        client: Client,
        body: Json<Continuation>,
    ) -> ApiResult<Json<ServiceLocation>> {
        let id = body.request.as_str();
        let expired = || ApiError::new(LOGIN_REQUEST_EXPIRED);
        if !id.starts_with(Kind::LoginRequest.prefix()) {
            return Err(expired());
        }
        let request: LoginRequest = tickets::peek(&state.redis, Kind::LoginRequest, id)
            .await?
            .ok_or_else(expired)?;
        let fresh = caller.session.authenticated_at >= request.asked_at;
        if request.renew && !fresh {
            return Err(ApiError::new(caller::REAUTHENTICATION_REQUIRED));
        }
        let service = state
            .config
            .cas
            .service_for(&request.service)
            .ok_or_else(expired)?;
        let ticket = open(&state, &caller, &request.service, service, fresh, &client)
            .await?
            .map_err(refused)?;
        tickets::forget(&state.redis, Kind::LoginRequest, id).await?;
        Ok(Json(ServiceLocation {
            location: with_ticket(&request.service, &ticket),
        }))
    }
}
