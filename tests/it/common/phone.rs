//! A phone with a passkey: webauthn-authenticator-rs's software authenticator, for the tests and
//! `scripts/bench-login` (which includes this file). That authenticator cannot keep a
//! credential itself (no resident keys), so the phone plays the part a real phone's platform
//! plays for a discoverable credential: it asks the authenticator for an ordinary one, and at
//! login points it at that credential and gives back the user handle the phone would have kept.
//! Everything the server checks — origin, relying party, challenge, signature, counter, user
//! verification — is the authenticator's real work.

use serde_json::{Value, json};
use webauthn_authenticator_rs::{
    WebauthnAuthenticator,
    prelude::{CreationChallengeResponse, RequestChallengeResponse, Url},
    softpasskey::SoftPasskey,
};

/// The origin the relying party of a loopback `http.public_url` accepts (any port).
pub fn origin() -> Url {
    Url::parse("http://localhost:8080").unwrap()
}

pub struct Phone {
    authenticator: SoftPasskey,
    pub credential_id: String,
    user_handle: String,
}

impl Phone {
    /// A new passkey for the `options` of `POST /api/me/passkeys/registration`: the phone, and
    /// the credential to send to `POST /api/me/passkeys`.
    pub fn register(options: &Value) -> (Phone, Value) {
        let mut options = options.clone();
        let selection = &mut options["publicKey"]["authenticatorSelection"];
        assert_eq!(selection["residentKey"], "required", "{selection}");
        assert_eq!(selection["userVerification"], "required");
        selection["requireResidentKey"] = false.into();
        selection.as_object_mut().unwrap().remove("residentKey");
        let user_handle = options["publicKey"]["user"]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let options: CreationChallengeResponse = serde_json::from_value(options).unwrap();
        let mut authenticator = SoftPasskey::new(true);
        let credential = authenticator.do_registration(origin(), options).unwrap();
        let phone = Phone {
            credential_id: credential.id.clone(),
            authenticator,
            user_handle,
        };
        (phone, serde_json::to_value(credential).unwrap())
    }

    /// The phone's answer to a challenge's `options` (a login's or a confirmation's), as the
    /// browser at `origin` would give it.
    pub fn answer(&mut self, options: &Value, origin: Url) -> Value {
        let mut options = options.clone();
        options["publicKey"]["allowCredentials"] =
            json!([{"type": "public-key", "id": self.credential_id}]);
        let options: RequestChallengeResponse = serde_json::from_value(options).unwrap();
        let assertion = self
            .authenticator
            .do_authentication(origin, options)
            .unwrap();
        let mut assertion = serde_json::to_value(assertion).unwrap();
        assertion["response"]["userHandle"] = self.user_handle.clone().into();
        assertion
    }
}
