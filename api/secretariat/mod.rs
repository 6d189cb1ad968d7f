//! Account administration by the secretariat: find a person, suspend, reinstate, close,
//! re-send activation, correct the phone, end sessions (API and `ent account`).

pub mod actions;
pub mod command;
pub mod routes;
pub mod store;
