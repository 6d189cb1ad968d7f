//! Help requests ("Assistance"): a person files a request in a category, which routes it to a
//! staff queue; staff of the queue (permission `help:<queue>`) assign, reply, add internal notes
//! and change its status; the requester follows its thread, answers, and may reopen it for a
//! while once resolved. People who cannot log in file a connection assistance request with the
//! details they know and an e-mail address they confirm by code.

pub mod connection;
pub mod model;
pub mod notices;
pub mod routes;
pub mod store;
pub mod view;
pub mod workflow;

/// The help desk's operations.
pub type Api = (routes::HelpApi, connection::ConnectionApi);
