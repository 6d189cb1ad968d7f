//! Proxying (CAS 2.0 §2.5.4, §2.7): a service that validates with `pgtUrl` receives a
//! proxy-granting ticket on that callback, then asks `/cas/proxy` for proxy tickets to back-end
//! services. The callback is called only when it matches the service's registered pattern
//! (the same rule against server-side request forgery as push and the couriers), over https
//! except loopback in tests, with a timeout and no redirects.

use std::time::Duration;

use poem::{
    Response, handler,
    web::{Data, Query},
};
use serde::Deserialize;

use super::{
    grant::{Grant, ProxyGranting},
    principal,
    responses::{self, Code, Failure, Format},
    tickets::{self, Kind},
};
use crate::{
    config::{Service, secure_url},
    sessions::store as sessions,
    state::AppState,
};

/// Gives the service a proxy-granting ticket on `pgt_url`; returns the IOU for the response.
pub async fn grant(
    state: &AppState,
    service: &Service,
    pgt_url: &str,
    grant: &Grant,
) -> Result<String, Failure> {
    let cas = &state.config.cas;
    let Some(pattern) = &service.proxy_callback else {
        return Err(Failure::new(
            Code::UnauthorizedServiceProxy,
            "this service may not receive proxy-granting tickets",
        ));
    };
    let callback = url::Url::parse(pgt_url)
        .ok()
        .filter(|u| secure_url(u, cas.allow_loopback) && pattern.matches(pgt_url))
        .ok_or_else(|| {
            Failure::new(
                Code::InvalidProxyCallback,
                "the proxy callback is not one registered for this service",
            )
        })?;
    let pgt = ProxyGranting {
        person: grant.person,
        session: grant.session.clone(),
        authenticated_at: grant.authenticated_at,
        remembered: grant.remembered,
        proxies: std::iter::once(pgt_url.to_string())
            .chain(grant.proxies.iter().cloned())
            .collect(),
    };
    let lifetime = u64::from(state.config.accounts.session_absolute_days) * 86_400;
    let id = tickets::issue(&state.redis, Kind::ProxyGranting, &pgt, lifetime)
        .await
        .map_err(|e| Failure::new(Code::InternalError, e.to_string()))?;
    let iou = tickets::new(Kind::ProxyGrantingIou);
    let timeout = Duration::from_millis(cas.proxy_callback_timeout_ms);
    if let Err(why) = call_back(callback, &id, &iou, timeout).await {
        let _ = tickets::forget(&state.redis, Kind::ProxyGranting, &id).await;
        return Err(Failure::new(Code::InvalidProxyCallback, why));
    }
    Ok(iou)
}

/// `GET pgtUrl?…&pgtId=…&pgtIou=…`: the parameters the callback already has are kept.
async fn call_back(
    mut callback: url::Url,
    pgt: &str,
    iou: &str,
    timeout: Duration,
) -> Result<(), String> {
    callback
        .query_pairs_mut()
        .append_pair("pgtId", pgt)
        .append_pair("pgtIou", iou);
    let client = reqwest::Client::builder()
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| e.to_string())?;
    match client.get(callback).send().await {
        Ok(r) if r.status() == reqwest::StatusCode::OK => Ok(()),
        Ok(r) => Err(format!("the proxy callback answered {}", r.status())),
        Err(e) if e.is_timeout() => Err("the proxy callback did not answer in time".into()),
        Err(_) => Err("the proxy callback could not be reached".into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct ProxyParams {
    pgt: Option<String>,
    #[serde(rename = "targetService")]
    target_service: Option<String>,
    format: Option<String>,
}

/// `/cas/proxy?pgt=…&targetService=…`: a proxy ticket for a back-end service.
#[handler]
pub async fn proxy(Data(state): Data<&AppState>, Query(p): Query<ProxyParams>) -> Response {
    match Format::of(p.format.as_deref()) {
        Ok(format) => responses::proxy(format, proxy_ticket(state, &p).await),
        Err(f) => responses::proxy(Format::Xml, Err(f)),
    }
}

async fn proxy_ticket(state: &AppState, p: &ProxyParams) -> Result<String, Failure> {
    let (Some(pgt), Some(target)) = (p.pgt.as_deref(), p.target_service.as_deref()) else {
        return Err(Failure::new(
            Code::InvalidRequest,
            "'pgt' and 'targetService' parameters are both required",
        ));
    };
    let internal = |e: crate::errors::ApiError| Failure::new(Code::InternalError, e.to_string());
    let unknown = || Failure::new(Code::InvalidTicket, "proxy-granting ticket not recognized");
    if !pgt.starts_with(Kind::ProxyGranting.prefix()) {
        return Err(unknown());
    }
    let granting: ProxyGranting = tickets::peek(&state.redis, Kind::ProxyGranting, pgt)
        .await
        .map_err(internal)?
        .ok_or_else(unknown)?;
    if !sessions::exists(&state.redis, &granting.session)
        .await
        .map_err(internal)?
    {
        // The person logged out: their proxy-granting tickets end with the session.
        tickets::forget(&state.redis, Kind::ProxyGranting, pgt)
            .await
            .map_err(internal)?;
        return Err(unknown());
    }
    let unauthorized = |why: &str| Failure::new(Code::UnauthorizedService, why.to_string());
    let cas = &state.config.cas;
    let service = cas
        .service_for(target)
        .filter(|s| s.accepts_proxy_tickets)
        .ok_or_else(|| unauthorized("this target service does not accept proxy tickets"))?;
    let mut conn = state.conn().await.map_err(internal)?;
    let person = principal::load(&mut conn, granting.person)
        .await
        .map_err(|e| Failure::new(Code::InternalError, e.to_string()))?
        .ok_or_else(unknown)?;
    drop(conn);
    person
        .may_open(service)
        .map_err(|r| unauthorized(super::validation::refused(r)))?;
    let grant = Grant {
        person: granting.person,
        session: granting.session,
        service: target.to_string(),
        issued_at: state.clock.now(),
        authenticated_at: granting.authenticated_at,
        from_new_login: false,
        remembered: granting.remembered,
        proxies: granting.proxies,
    };
    tickets::issue(
        &state.redis,
        Kind::Proxy,
        &grant,
        super::ticket_lifetime(state),
    )
    .await
    .map_err(internal)
}
