//! The card's QR code: a JWT (RFC 7519) signed with Ed25519 (`EdDSA`, RFC 8037) that says whose
//! card it is and until when, good for a few minutes. A desk checks it online at
//! `/verify/card/{token}`, or offline with the public key of `/api/card/keys` (a JWK set) and
//! any JWT library. Expiry is checked against the service's clock, not the library's.

use aws_lc_rs::signature::{Ed25519KeyPair, KeyPair};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, NaiveDate, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::config::StudentCard;

/// What a card's token states: nothing a desk does not need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The university's ENT address.
    pub iss: String,
    pub iat: i64,
    pub exp: i64,
    pub name: String,
    /// The last day of the academic year the card is for.
    pub valid_until: NaiveDate,
}

/// Why a token is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Not signed by this university's key, or not a card token at all.
    Forged,
    Expired,
}

/// The key pair of `[card] signing_key`.
pub struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    public: Vec<u8>,
}

impl Keys {
    pub fn of(config: &StudentCard) -> Keys {
        let pair = Ed25519KeyPair::from_seed_unchecked(&config.seed()).expect("a 32-byte seed");
        let pkcs8 = pair.to_pkcs8().expect("an Ed25519 key encodes");
        let public = pair.public_key().as_ref().to_vec();
        Keys {
            encoding: EncodingKey::from_ed_der(pkcs8.as_ref()),
            decoding: DecodingKey::from_ed_der(&public),
            public,
        }
    }

    /// Names the key in the JWK set and the token's header, so that a new key can be published
    /// beside the old one.
    fn key_id(&self) -> String {
        URL_SAFE_NO_PAD.encode(&self.public[..8])
    }

    pub fn sign(&self, claims: &Claims) -> String {
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(self.key_id());
        jsonwebtoken::encode(&header, claims, &self.encoding).expect("Ed25519 signs")
    }

    pub fn check(&self, token: &str, now: DateTime<Utc>) -> Result<Claims, Refused> {
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.validate_exp = false;
        validation.required_spec_claims.clear();
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)
            .map_err(|_| Refused::Forged)?
            .claims;
        if claims.exp <= now.timestamp() {
            return Err(Refused::Expired);
        }
        Ok(claims)
    }

    /// The public key as a JWK set (RFC 7517, `OKP` key of RFC 8037).
    pub fn jwks(&self) -> Value {
        json!({"keys": [{
            "kty": "OKP",
            "crv": "Ed25519",
            "x": URL_SAFE_NO_PAD.encode(&self.public),
            "kid": self.key_id(),
            "alg": "EdDSA",
            "use": "sig",
        }]})
    }
}
