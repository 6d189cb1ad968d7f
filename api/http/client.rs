//! Where a request comes from, for sessions, rate limits and the security log.

use poem::{FromRequest, Request, RequestBody, http::header};

use super::guard::client_address;
use crate::{errors::ApiError, state::AppState};

#[derive(Clone)]
pub struct Client {
    pub ip: String,
    pub user_agent: String,
}

impl<'a> FromRequest<'a> for Client {
    async fn from_request(req: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        let state = app_state(req)?;
        Ok(Client {
            ip: client_address(req, state.config.http.behind_proxy),
            user_agent: req
                .header(header::USER_AGENT)
                .unwrap_or_default()
                .chars()
                .take(300)
                .collect(),
        })
    }
}

/// The state the server attached to every request.
pub fn app_state(req: &Request) -> Result<&AppState, ApiError> {
    req.data::<AppState>()
        .ok_or_else(|| ApiError::internal("AppState missing"))
}
