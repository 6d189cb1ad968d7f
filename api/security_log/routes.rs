//! `GET /api/me/security-events`

use poem::web::Data;
use poem_openapi::{OpenApi, payload::Json};

use super::{SecurityEvent, recent};
use crate::{errors::ApiResult, sessions::Caller, state::AppState};

#[derive(Default)]
pub struct SecurityLogApi;

#[OpenApi(tag = "crate::app::Tag::Account")]
impl SecurityLogApi {
    /// The signed-in person's recent security activity (50 latest events).
    #[oai(
        path = "/me/security-events",
        method = "get",
        operation_id = "my_security_events"
    )]
    async fn mine(
        &self,
        state: Data<&AppState>,
        caller: Caller,
    ) -> ApiResult<Json<Vec<SecurityEvent>>> {
        let mut conn = state.conn().await?;
        let events = recent(&mut conn, caller.person_id, 50).await?;
        Ok(Json(events))
    }
}
