//! Registration and re-registration (« Inscriptions et réinscriptions »): where the registrar
//! says each person's registration for an academic year stands, imported from its file; the
//! pushes of the « scolarité » category; the certificate of enrolment and its verification page.

pub mod certificate;
pub mod import;
pub mod model;
pub mod notices;
pub mod routes;
pub mod store;

/// This feature's operations in the API document.
pub type Api = routes::RegistrationApi;
