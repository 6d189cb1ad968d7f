//! The staff directory (« Annuaire »): teachers and staff at work — title, service, campus,
//! office, professional phone and e-mail — found by name, service or campus, by the roles
//! `[directory]` opens it to. Never personal data, never students, never the unlisted.

pub mod routes;
pub mod store;

/// This feature's operations in the API document.
pub type Api = routes::DirectoryApi;
