//! Errors seen in people's browsers, reported by the PWA so that the team learns about them:
//! written to the server log with the request id, never stored, never echoed back.

pub mod routes;

pub use routes::ClientErrorsApi;
