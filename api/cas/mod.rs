//! The university's central authentication service: CAS 3.0 for its other services
//! (Moodle, webmail, library…), with the ENT's session as the single sign-on session, and
//! « Tous les services », where each person finds the services of their role.
//!
//! The registry is `[[cas.services]]`: nothing it does not list obtains a ticket.

pub mod grant;
pub mod login;
pub mod page;
pub mod principal;
pub mod proxy;
pub mod responses;
pub mod rest;
pub mod services;
pub mod sign_ons;
pub mod tickets;
pub mod validation;

use poem::{Route, get, post};

use crate::state::AppState;

/// This feature's operations in the API document.
pub type Api = (services::ServicesApi, login::ContinuationApi);

/// The protocol's endpoints, under `/cas`.
pub fn protocol() -> Route {
    Route::new()
        .at("/login", get(login::login))
        .at("/logout", get(login::logout))
        .at("/validate", get(validation::cas1))
        .at("/serviceValidate", get(validation::service_validate))
        .at("/proxyValidate", get(validation::proxy_validate))
        .at("/p3/serviceValidate", get(validation::p3_service_validate))
        .at("/p3/proxyValidate", get(validation::p3_proxy_validate))
        .at("/proxy", get(proxy::proxy))
        .at("/v1/tickets", post(rest::create))
        .at(
            "/v1/tickets/:tgt",
            post(rest::service_ticket)
                .get(rest::status)
                .delete(rest::destroy),
        )
}

/// A CAS boolean parameter: set unless absent or `false`.
fn flag(value: Option<&str>) -> bool {
    value.is_some_and(|v| !v.eq_ignore_ascii_case("false"))
}

/// Redis keeps service and proxy tickets a little past their validity; the clock decides.
fn ticket_lifetime(state: &AppState) -> u64 {
    u64::from(state.config.cas.ticket_seconds) + 60
}
