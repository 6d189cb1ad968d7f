//! Operations endpoints: liveness, readiness, metrics.

use poem::{
    IntoResponse, Response, handler,
    http::StatusCode,
    web::{Data, Json},
};

use crate::{db, state::AppState};

/// Alive: the process answers.
#[handler]
pub fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

/// Ready: PostgreSQL and Redis both answer.
#[handler]
pub async fn readyz(Data(state): Data<&AppState>) -> Response {
    let (postgres, redis) = tokio::join!(db::ping(&state.db), state.redis.ping());
    let status = if postgres && redis {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let up = |ok: bool| if ok { "up" } else { "down" };
    Json(serde_json::json!({ "postgres": up(postgres), "redis": up(redis) }))
        .with_status(status)
        .into_response()
}

#[handler]
pub fn metrics(Data(state): Data<&AppState>) -> Response {
    state
        .metrics
        .render(&state.db.status())
        .with_content_type("text/plain; version=0.0.4")
        .into_response()
}
