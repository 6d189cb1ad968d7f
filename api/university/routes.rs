//! `GET /api/config/public` and `/manifest.webmanifest`.

use poem::{
    IntoResponse, Response, handler,
    web::{Data, Json as PlainJson},
};
use poem_openapi::{OpenApi, payload::Json};

use super::model::{self, PublicConfig};
use crate::{errors::ApiResult, state::AppState};

#[derive(Default)]
pub struct UniversityApi;

#[OpenApi(tag = "crate::app::Tag::University")]
impl UniversityApi {
    /// The university's public configuration: name, branding, languages, campuses, contacts.
    #[oai(
        path = "/config/public",
        method = "get",
        operation_id = "public_config"
    )]
    async fn public_config(&self, state: Data<&AppState>) -> ApiResult<Json<PublicConfig>> {
        Ok(Json(PublicConfig::from(state.config.as_ref())))
    }
}

#[handler]
pub fn manifest(Data(state): Data<&AppState>) -> Response {
    PlainJson(model::manifest(&state.config))
        .with_content_type("application/manifest+json")
        .with_header("cache-control", "no-cache")
        .into_response()
}
