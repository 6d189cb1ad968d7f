//! In front of the API operations: a per-client rate limit shared by all instances (Redis),
//! a bound on the size of request bodies (with or without `Content-Length`), and the refusal of
//! state-changing requests sent by other sites (CSRF, login CSRF included).

use futures_util::StreamExt;
use poem::{Body, Endpoint, IntoResponse, Request, Response, http::header};

use crate::{
    errors::{ApiError, BAD_REQUEST, PAYLOAD_TOO_LARGE, TOO_MANY_REQUESTS},
    limits::{self, Limit, Verdict},
    state::AppState,
};

/// Largest request body the API accepts: a card photo (the one upload).
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;
/// A refused body is still read (and dropped) up to this size, so that the client receives the
/// refusal: closing a connection with unread data resets it, and the answer is lost.
const DRAIN_LIMIT: usize = 8 * BODY_LIMIT;

crate::errors::problem!(
    CROSS_SITE_REQUEST,
    403,
    "cross-site-request",
    "Requête refusée : elle vient d’un autre site",
    "Request refused: it comes from another site"
);

pub async fn handle<E: Endpoint>(next: E, mut req: Request) -> poem::Result<Response> {
    if !req.method().is_safe() && from_another_site(&req) {
        return Err(ApiError::new(CROSS_SITE_REQUEST).into());
    }
    let state = req
        .data::<AppState>()
        .cloned()
        .ok_or_else(|| ApiError::internal("AppState missing"))?;
    let client = client_address(&req, state.config.http.behind_proxy);
    let limit = Limit::per_minute("api", state.config.limits.api_requests_per_minute);
    let verdict = limits::hit(&state.redis, limit, &client, state.clock.now()).await;
    let body = read_bounded(req.take_body()).await;
    match verdict? {
        Verdict::Allowed => {
            req.set_body(body?);
            Ok(next.call(req).await?.into_response())
        }
        Verdict::Refused { retry_after } => Err(ApiError::new(TOO_MANY_REQUESTS)
            .with_retry_after(retry_after)
            .into()),
    }
}

/// Browsers say where a request comes from: `Sec-Fetch-Site` (all current ones), else `Origin`,
/// which must then name this very host. Clients that send neither are not browsers, and cannot
/// carry a victim's cookies.
fn from_another_site(req: &Request) -> bool {
    if let Some(site) = req.header("sec-fetch-site") {
        return !matches!(site, "same-origin" | "none");
    }
    match (req.header(header::ORIGIN), req.header(header::HOST)) {
        (Some(origin), Some(host)) => origin.split_once("://").map(|(_, h)| h) != Some(host),
        (Some(_), None) => true,
        (None, _) => false,
    }
}

/// The body when it is at most [`BODY_LIMIT`] long; 413 otherwise.
async fn read_bounded(body: Body) -> Result<Vec<u8>, ApiError> {
    let mut stream = body.into_bytes_stream();
    let (mut kept, mut seen) = (Vec::new(), 0usize);
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| ApiError::new(BAD_REQUEST).caused_by(e))?;
        seen += chunk.len();
        if seen <= BODY_LIMIT {
            kept.extend_from_slice(&chunk);
        } else if seen > DRAIN_LIMIT {
            break;
        }
    }
    if seen > BODY_LIMIT {
        Err(ApiError::new(PAYLOAD_TOO_LARGE))
    } else {
        Ok(kept)
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
