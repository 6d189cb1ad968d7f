//! The digital student card (« Ma carte »): name, number, academic year, program, validity,
//! and a QR code that a library or restaurant desk checks — a short-lived token signed by the
//! server, so that a screenshot stops working and a desk can check it offline; the photo the
//! secretariat gives it.

pub mod photo;
pub mod routes;
pub mod token;

/// This feature's operations in the API document.
pub type Api = (routes::CardApi, photo::PhotoApi);
