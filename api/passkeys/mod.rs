//! Passkeys (« clés d'accès »): WebAuthn discoverable credentials with user verification, by
//! webauthn-rs. Added in « Sécurité » after a fresh password, they sign the person in with the
//! phone's unlock alone — a full login, without an argon2 hash — and cannot be phished: the
//! browser signs for this site's relying party only.

pub mod answer;
pub mod ceremony;
pub mod relying_party;
pub mod routes;
pub mod store;

/// This feature's operations in the API document.
pub type Api = (routes::PasskeysApi, routes::PasskeyLoginApi);
