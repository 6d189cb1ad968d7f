//! Forms posted to a service's registered address (CAS Single Logout). The address comes from
//! the configuration, or is a service URL that a configured pattern accepted: never one a
//! request chose freely. Redirects are not followed.

use std::time::Duration;

use reqwest::header::CONTENT_TYPE;

use super::{SendError, outbox::Claimed};

/// A service that takes longer than this to answer a logout is tried again later.
const TIME_LIMIT: Duration = Duration::from_secs(10);

pub struct BackChannel {
    client: reqwest::Client,
}

impl BackChannel {
    pub fn new() -> anyhow::Result<BackChannel> {
        let client = reqwest::Client::builder()
            .timeout(TIME_LIMIT)
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(BackChannel { client })
    }

    pub fn time_limit(&self) -> Duration {
        TIME_LIMIT
    }

    /// Any 2xx is delivered; anything else is tried again.
    pub async fn send(&self, message: &Claimed) -> Result<(), SendError> {
        let response = self
            .client
            .post(&message.recipient)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(message.body.clone())
            .send()
            .await
            .map_err(|e| SendError::chain(&e.without_url()))?;
        if response.status().is_success() {
            Ok(())
        } else {
            Err(SendError::new(format!("answered {}", response.status())))
        }
    }
}
