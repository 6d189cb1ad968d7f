//! The composition root: features and plumbing assembled into one HTTP application.

use std::{collections::HashMap, sync::Arc};

use poem::{Endpoint, EndpointExt, Route, get, middleware::Compression};
use poem_openapi::{OpenApiService, Tags};

use crate::{
    accounts, card, cas, client_errors, courses, directory, help,
    http::{edge, guard, ops, pwa::Pwa},
    messaging, news, passkeys, push, registration, secretariat, security_log, sessions,
    state::AppState,
    timetable, university,
};

/// Sections of the API document.
#[derive(Tags)]
pub enum Tag {
    /// The university's public information
    University,
    /// First connection: activating an account by phone verification
    Activation,
    /// Logging in and out
    Session,
    /// The signed-in person's account: password, devices, two-factor, security activity
    Account,
    /// Forgotten password
    Recovery,
    /// Account administration by the secretariat
    Secretariat,
    /// Push notifications: subscriptions and preferences
    Notifications,
    /// Classes: each person's timetable and courses (« Mes cours »), staff edits, the personal
    /// calendar feed
    Timetable,
    /// News of the university and its campuses
    News,
    /// Conversations and their messages
    Messages,
    /// Help requests and the help desk's queues, including for people who cannot log in
    Assistance,
    /// The staff directory (« Annuaire »)
    Directory,
    /// « Tous les services » and the central authentication service (CAS)
    Services,
    /// Registration and re-registration, the certificate of enrolment, the student card
    Registration,
    /// What the app reports about itself
    Diagnostics,
}

/// Every feature's operations, in one document.
type Features = (
    university::UniversityApi,
    client_errors::ClientErrorsApi,
    accounts::Api,
    sessions::Api,
    security_log::routes::SecurityLogApi,
    secretariat::routes::SecretariatApi,
    push::routes::PushApi,
    timetable::routes::TimetableApi,
    news::routes::NewsApi,
    help::Api,
    (messaging::Api, passkeys::Api),
    // Default is implemented for tuples of up to twelve.
    (
        cas::Api,
        directory::Api,
        registration::Api,
        card::Api,
        courses::Api,
    ),
);

pub fn api_service() -> OpenApiService<Features, ()> {
    OpenApiService::new(Features::default(), "ENT mobile", env!("CARGO_PKG_VERSION"))
        .description("The API of ENT mobile. Errors are application/problem+json (RFC 9457).")
        .server("/api")
}

/// The OpenAPI document, as served at `/api/openapi.json`.
pub fn openapi_json() -> String {
    api_service().spec()
}

/// From the OpenAPI document: operation id → path template (`public_config` →
/// `/api/config/public`), for metrics labels, and each template's methods, for `Allow`.
fn api_routes() -> (HashMap<String, String>, Vec<edge::Methods>) {
    let spec: serde_json::Value = serde_json::from_str(&openapi_json()).expect("spec is JSON");
    let mut templates = HashMap::new();
    let mut methods = Vec::new();
    for (path, operations) in spec["paths"].as_object().into_iter().flatten() {
        let template = format!("/api{path}");
        let mut allowed = Vec::new();
        for (method, operation) in operations.as_object().into_iter().flatten() {
            if let Some(id) = operation["operationId"].as_str() {
                templates.insert(id.to_string(), template.clone());
            }
            allowed.push(method.to_uppercase());
        }
        methods.push(edge::Methods::new(&template, &allowed));
    }
    (templates, methods)
}

pub fn build(state: AppState) -> impl Endpoint {
    let service = api_service();
    let docs = service.swagger_ui();
    let spec = service.spec_endpoint();
    let (templates, methods) = api_routes();
    let edge_ctx = Arc::new(edge::Edge {
        metrics: state.metrics.clone(),
        hsts: state.config.hsts(),
        templates,
        methods,
    });
    let pwa = Pwa::new(&state.config.http.pwa_dir);
    Route::new()
        .nest(
            "/api",
            Route::new()
                .at("/openapi.json", spec)
                .nest("/docs", docs)
                .nest("/", service.around(guard::handle)),
        )
        .nest("/cas", cas::protocol())
        .at("/verify/card/:token", get(card::routes::verify))
        .at("/verify/:code", get(registration::routes::verify))
        .at("/healthz", get(ops::healthz))
        .at("/readyz", get(ops::readyz))
        .at("/metrics", get(ops::metrics))
        .at("/manifest.webmanifest", get(university::manifest))
        .nest("/", pwa)
        .with(Compression::new())
        .data(state)
        .around(move |ep, req| edge::handle(ep, req, edge_ctx.clone()))
}
