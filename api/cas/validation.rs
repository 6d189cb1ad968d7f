//! Ticket validation: `/cas/validate` (CAS 1), `/cas/serviceValidate` and `/cas/proxyValidate`
//! (CAS 2), `/cas/p3/serviceValidate` and `/cas/p3/proxyValidate` (CAS 3, with attributes).

use poem::{
    Response, handler,
    web::{Data, Query},
};
use serde::Deserialize;

use super::{
    flag,
    grant::Grant,
    principal::{self, Refusal},
    proxy,
    responses::{self, Code, Failure, Format, Success},
    tickets::{self, Kind},
};
use crate::{sessions::store as sessions, state::AppState};

#[derive(Debug, Deserialize)]
pub struct Params {
    service: Option<String>,
    ticket: Option<String>,
    #[serde(rename = "pgtUrl")]
    pgt_url: Option<String>,
    renew: Option<String>,
    format: Option<String>,
}

/// What an endpoint accepts and answers.
#[derive(Debug, Clone, Copy)]
struct Endpoint {
    proxy_tickets: bool,
    attributes: bool,
}

const SERVICE: Endpoint = Endpoint {
    proxy_tickets: false,
    attributes: false,
};
const PROXY: Endpoint = Endpoint {
    proxy_tickets: true,
    attributes: false,
};

#[handler]
pub async fn cas1(Data(state): Data<&AppState>, Query(p): Query<Params>) -> Response {
    responses::cas1(validate(state, &p, SERVICE).await)
}

#[handler]
pub async fn service_validate(Data(state): Data<&AppState>, Query(p): Query<Params>) -> Response {
    answer(state, p, SERVICE).await
}

#[handler]
pub async fn proxy_validate(Data(state): Data<&AppState>, Query(p): Query<Params>) -> Response {
    answer(state, p, PROXY).await
}

#[handler]
pub async fn p3_service_validate(
    Data(state): Data<&AppState>,
    Query(p): Query<Params>,
) -> Response {
    answer(
        state,
        p,
        Endpoint {
            attributes: true,
            ..SERVICE
        },
    )
    .await
}

#[handler]
pub async fn p3_proxy_validate(Data(state): Data<&AppState>, Query(p): Query<Params>) -> Response {
    answer(
        state,
        p,
        Endpoint {
            attributes: true,
            ..PROXY
        },
    )
    .await
}

async fn answer(state: &AppState, p: Params, endpoint: Endpoint) -> Response {
    match Format::of(p.format.as_deref()) {
        Ok(format) => responses::validation(format, validate(state, &p, endpoint).await),
        Err(failure) => responses::validation(Format::Xml, Err(failure)),
    }
}

async fn validate(state: &AppState, p: &Params, endpoint: Endpoint) -> Result<Success, Failure> {
    let (Some(service), Some(ticket)) = (given(&p.service), given(&p.ticket)) else {
        return Err(Failure::new(
            Code::InvalidRequest,
            "'service' and 'ticket' parameters are both required",
        ));
    };
    let internal = |e: &dyn std::fmt::Display| Failure::new(Code::InternalError, e.to_string());
    let Some(kind) = Kind::of(ticket) else {
        return Err(not_recognized(ticket));
    };
    // Spent now, whatever follows.
    let grant: Option<Grant> = tickets::take(&state.redis, kind, ticket)
        .await
        .map_err(|e| internal(&e))?;
    if kind == Kind::Proxy && !endpoint.proxy_tickets {
        return Err(Failure::new(
            Code::InvalidTicketSpec,
            "a proxy ticket was given to serviceValidate: use proxyValidate",
        ));
    }
    let grant = grant.ok_or_else(|| not_recognized(ticket))?;
    let cas = &state.config.cas;
    if tickets::expired(grant.issued_at, cas.ticket_seconds, state.clock.now()) {
        return Err(Failure::new(
            Code::InvalidTicket,
            format!("ticket {ticket} has expired"),
        ));
    }
    if grant.service != service {
        return Err(Failure::new(
            Code::InvalidService,
            format!("ticket {ticket} was not issued for this service"),
        ));
    }
    if flag(p.renew.as_deref()) && !grant.from_new_login {
        return Err(Failure::new(
            Code::InvalidTicket,
            format!("ticket {ticket} came from single sign-on, and renew was asked"),
        ));
    }
    let registered = cas.service_for(service).ok_or_else(|| {
        Failure::new(Code::InvalidService, "this service is no longer registered")
    })?;
    let mut conn = state.conn().await.map_err(|e| internal(&e))?;
    let principal = principal::load(&mut conn, grant.person)
        .await
        .map_err(|e| internal(&e))?
        .ok_or_else(|| not_recognized(ticket))?;
    drop(conn);
    if let Err(refusal) = principal.may_open(registered) {
        return Err(Failure::new(Code::InvalidTicket, refused(refusal)));
    }
    let live = sessions::exists(&state.redis, &grant.session)
        .await
        .map_err(|e| internal(&e))?;
    if !live {
        return Err(Failure::new(
            Code::InvalidTicket,
            "the session this ticket came from has ended",
        ));
    }
    let pgt_iou = match &p.pgt_url {
        Some(url) => Some(proxy::grant(state, registered, url, &grant).await?),
        None => None,
    };
    Ok(Success {
        user: principal.user().to_string(),
        attributes: endpoint.attributes.then(|| {
            let mut attributes = authentication_facts(&grant);
            attributes.extend(principal.attributes(registered, cas.principal_scope.as_str()));
            attributes
        }),
        pgt_iou,
        proxies: grant.proxies,
    })
}

/// A parameter that is there and not empty.
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|v| !v.is_empty())
}

/// CAS 3's attributes about the authentication itself.
fn authentication_facts(grant: &Grant) -> Vec<(&'static str, Vec<String>)> {
    vec![
        (
            "authenticationDate",
            vec![
                grant
                    .authenticated_at
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            ],
        ),
        (
            "longTermAuthenticationRequestTokenUsed",
            vec![grant.remembered.to_string()],
        ),
        ("isFromNewLogin", vec![grant.from_new_login.to_string()]),
    ]
}

fn not_recognized(ticket: &str) -> Failure {
    // The ticket is echoed as the specification's examples do, cut short: it may be junk.
    let shown: String = ticket.chars().take(80).collect();
    Failure::new(
        Code::InvalidTicket,
        format!("ticket {shown} not recognized"),
    )
}

pub fn refused(refusal: Refusal) -> &'static str {
    match refusal {
        Refusal::Inactive => "the account is suspended or closed",
        Refusal::PhoneToVerify => "the account must verify its phone first",
        Refusal::Forbidden => "the person's role may not use this service",
    }
}
