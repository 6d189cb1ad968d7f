//! In front of the API operations: a per-client rate limit shared by all instances (Redis),
//! and a bound on the size of request bodies (with or without `Content-Length`).

use poem::{Endpoint, IntoResponse, Request, Response};

use crate::{
    errors::{ApiError, PAYLOAD_TOO_LARGE, TOO_MANY_REQUESTS},
    limits::{self, Verdict},
    state::AppState,
};

/// Largest request body the API accepts.
pub const BODY_LIMIT: usize = 1024 * 1024;

pub async fn handle<E: Endpoint>(next: E, mut req: Request) -> poem::Result<Response> {
    let state = req
        .data::<AppState>()
        .cloned()
        .ok_or_else(|| ApiError::internal("AppState missing"))?;
    let client = client_address(&req, state.config.http.behind_proxy);
    let limit = state.config.limits.api_requests_per_minute;
    match limits::hit(&state.redis, "api", &client, limit, 60, state.clock.now()).await? {
        Verdict::Allowed => {
            let body = req
                .take_body()
                .into_bytes_limit(BODY_LIMIT)
                .await
                .map_err(|_| ApiError::new(PAYLOAD_TOO_LARGE))?;
            req.set_body(body);
            Ok(next.call(req).await?.into_response())
        }
        Verdict::Refused { retry_after } => Err(ApiError::new(TOO_MANY_REQUESTS)
            .with_retry_after(retry_after)
            .into()),
    }
}

/// The client's address: the peer, or behind a trusted proxy the last `X-Forwarded-For` hop.
pub fn client_address(req: &Request, behind_proxy: bool) -> String {
    let forwarded = behind_proxy
        .then(|| req.header("x-forwarded-for"))
        .flatten()
        .and_then(|v| v.rsplit(',').next())
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty());
    forwarded.unwrap_or_else(|| match req.remote_addr().as_socket_addr() {
        Some(addr) => addr.ip().to_string(),
        None => "unknown".into(),
    })
}
