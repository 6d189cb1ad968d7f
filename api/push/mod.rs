//! Web Push (RFC 8030, 8291, 8292): subscriptions per device, preferences per category, an
//! outbox delivered by workers, and notifications of account security events.

pub mod model;
pub mod notify;
pub mod routes;
pub mod store;
pub mod vapid;
pub mod worker;

pub use model::{Category, Notification};
pub use notify::notify;
