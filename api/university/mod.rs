//! The university itself: its public configuration (name, campuses, branding, secretariat),
//! the web app manifest made from it, and the campuses copied into the database.

pub mod model;
pub mod routes;
pub mod store;

pub use routes::{UniversityApi, manifest};
