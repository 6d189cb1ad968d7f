//! VAPID (RFC 8292): our key pair, and signatures reused per push service until near expiry
//! instead of signed for every message.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use web_push::{
    PartialVapidSignatureBuilder, SubscriptionInfo, VapidSignature, VapidSignatureBuilder,
};

use crate::config;

/// web-push signs tokens valid 12 hours; a cached one is replaced after 11.
const REUSE_FOR: Duration = Duration::from_secs(11 * 3600);

/// A new key pair: (private, public), both base64url as the configuration and browsers want.
pub fn generate() -> (String, String) {
    loop {
        let private = URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>());
        // Almost every 32-byte string is a valid P-256 scalar; draw again otherwise.
        if let Ok(key) = VapidSignatureBuilder::from_base64_no_sub(&private) {
            return (private, URL_SAFE_NO_PAD.encode(key.get_public_key()));
        }
    }
}

/// Signs for push services, one token per service origin, reused.
#[derive(Clone)]
pub struct Signer {
    key: PartialVapidSignatureBuilder,
    subject: String,
    cache: Arc<Mutex<HashMap<String, (VapidSignature, Instant)>>>,
}

impl Signer {
    pub fn new(cfg: &config::Push) -> anyhow::Result<Self> {
        let key = VapidSignatureBuilder::from_base64_no_sub(cfg.vapid_private_key.expose())
            .map_err(|_| anyhow::anyhow!("push.vapid_private_key: not a P-256 key in base64url (ent vapid-keys makes one)"))?;
        Ok(Signer {
            key,
            subject: cfg.subject.to_string(),
            cache: Arc::default(),
        })
    }

    /// The public key, base64url: what `PushManager.subscribe` needs.
    pub fn public_key(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.key.get_public_key())
    }

    /// A valid signature for the subscription's push service.
    pub fn sign(
        &self,
        subscription: &SubscriptionInfo,
    ) -> Result<VapidSignature, web_push::WebPushError> {
        let origin = origin(&subscription.endpoint);
        let mut cache = self.cache.lock().expect("vapid cache");
        if let Some((signature, made)) = cache.get(&origin)
            && made.elapsed() < REUSE_FOR
        {
            return Ok(signature.clone());
        }
        let mut builder = self.key.clone().add_sub_info(subscription);
        // web-push's own audience drops the port (RFC 8292 §2 wants the whole origin).
        builder.add_claim("aud", origin.as_str());
        builder.add_claim("sub", self.subject.as_str());
        let signature = builder.build()?;
        cache.insert(origin, (signature.clone(), Instant::now()));
        Ok(signature)
    }
}

/// The endpoint's origin (RFC 6454): scheme, host, and the port unless it is the scheme's
/// default — the JWT's audience, and the cache key.
fn origin(endpoint: &str) -> String {
    url::Url::parse(endpoint).map_or_else(
        |_| endpoint.to_string(),
        |url| url.origin().ascii_serialization(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_are_a_usable_pair() {
        let (private, public) = generate();
        assert_eq!(URL_SAFE_NO_PAD.decode(&private).unwrap().len(), 32);
        let public = URL_SAFE_NO_PAD.decode(&public).unwrap();
        assert_eq!(
            (public.len(), public[0]),
            (65, 4),
            "uncompressed P-256 point"
        );
    }

    #[test]
    fn the_audience_is_the_origin_with_a_port_only_when_not_the_default() {
        for (endpoint, audience) in [
            (
                "https://fcm.googleapis.com/fcm/send/abc",
                "https://fcm.googleapis.com",
            ),
            (
                "https://fcm.googleapis.com:443/fcm/send/abc",
                "https://fcm.googleapis.com",
            ),
            (
                "https://push.example.org:8443/x?y#z",
                "https://push.example.org:8443",
            ),
            ("http://127.0.0.1:35799/notify/1", "http://127.0.0.1:35799"),
            ("http://localhost:80/a", "http://localhost"),
            (
                "HTTPS://Web.Push.Apple.com/QGu",
                "https://web.push.apple.com",
            ),
        ] {
            assert_eq!(origin(endpoint), audience, "{endpoint}");
        }
    }

    #[test]
    fn one_token_per_push_service_is_reused() {
        let (private, public) = generate();
        let cfg = config::Push {
            vapid_private_key: private.try_into().unwrap(),
            subject: "mailto:x@example.org".to_string().try_into().unwrap(),
            allowed_hosts: vec![],
            allow_loopback: false,
            timeout_ms: 1000,
            concurrency: 1,
            max_attempts: 1,
            first_backoff_seconds: 1,
            max_backoff_seconds: 1,
            poll_ms: 1,
        };
        let signer = Signer::new(&cfg).unwrap();
        assert_eq!(signer.public_key(), public);
        let device = |url: &str| SubscriptionInfo::new(url, &public, "AAAAAAAAAAAAAAAAAAAAAA");
        let a = signer
            .sign(&device("https://fcm.googleapis.com/fcm/send/a"))
            .unwrap();
        let b = signer
            .sign(&device("https://fcm.googleapis.com/fcm/send/b"))
            .unwrap();
        let c = signer
            .sign(&device("https://web.push.apple.com/c"))
            .unwrap();
        assert_eq!(a.auth_t, b.auth_t);
        assert_ne!(a.auth_t, c.auth_t);
    }
}
