//! The relying party: this ENT, as browsers and authenticators know it.

use webauthn_rs::prelude::{Url, Webauthn, WebauthnBuilder};

use crate::{
    config::{self, Config},
    errors::ApiError,
};

/// How long a person has to answer their authenticator (the ceremony's state lives as long).
pub const CEREMONY_SECONDS: i64 = 300;

/// The relying party of `http.public_url`: its host is the RP id and its origin the one allowed.
/// A loopback address (development, tests) becomes `localhost` on any port, since browsers
/// refuse an IP address as RP id.
pub fn of(config: &Config) -> Result<Webauthn, ApiError> {
    let public = Url::parse(config.http.public_url.as_str()).map_err(ApiError::internal)?;
    let loopback = config::is_loopback(&public);
    let origin = if loopback {
        Url::parse("http://localhost").map_err(ApiError::internal)?
    } else {
        public
    };
    let rp_id = origin.host_str().unwrap_or("localhost").to_string();
    WebauthnBuilder::new(&rp_id, &origin)
        .and_then(|b| {
            b.rp_name(config.university.short_name.as_str())
                .allow_any_port(loopback)
                .timeout(std::time::Duration::from_secs(CEREMONY_SECONDS as u64))
                .build()
        })
        .map_err(ApiError::internal)
}
