//! The composition root: features and plumbing assembled into one HTTP application.

use std::sync::Arc;

use poem::{
    Endpoint, EndpointExt, Route, get,
    middleware::{Compression, SizeLimit},
};
use poem_openapi::{OpenApiService, Tags};

use crate::{
    http::{edge, guard, ops, pwa::Pwa},
    state::AppState,
    university,
};

/// Sections of the API document.
#[derive(Tags)]
pub enum Tag {
    /// The university's public information
    University,
}

/// Largest request body the API accepts.
const BODY_LIMIT: usize = 1024 * 1024;

pub fn api_service() -> OpenApiService<university::UniversityApi, ()> {
    OpenApiService::new(
        university::UniversityApi,
        "ENT mobile",
        env!("CARGO_PKG_VERSION"),
    )
    .description("The API of ENT mobile. Errors are application/problem+json (RFC 9457).")
    .server("/api")
}

/// The OpenAPI document, as served at `/api/openapi.json`.
pub fn openapi_json() -> String {
    api_service().spec()
}

pub fn build(state: AppState) -> impl Endpoint {
    let service = api_service();
    let docs = service.swagger_ui();
    let spec = service.spec_endpoint();
    let edge_ctx = Arc::new(edge::Edge {
        metrics: state.metrics.clone(),
        hsts: state.config.hsts(),
    });
    let pwa = Pwa::new(&state.config.http.pwa_dir);
    Route::new()
        .nest(
            "/api",
            Route::new()
                .at("/openapi.json", spec)
                .nest("/docs", docs)
                .nest(
                    "/",
                    service
                        .around(guard::handle)
                        .with(SizeLimit::new(BODY_LIMIT)),
                ),
        )
        .at("/healthz", get(ops::healthz))
        .at("/readyz", get(ops::readyz))
        .at("/metrics", get(ops::metrics))
        .at("/manifest.webmanifest", get(university::manifest))
        .nest("/", pwa)
        .with(Compression::new())
        .data(state)
        .around(move |ep, req| edge::handle(ep, req, edge_ctx.clone()))
}
