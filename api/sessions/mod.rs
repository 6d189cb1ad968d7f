//! Sessions: login and logout, the person's devices, the cookie and CSRF checks.

pub mod caller;
pub mod devices;
pub mod end;
pub mod lockout;
pub mod login;
pub mod store;

pub use caller::Caller;
pub use end::{end, end_all};

/// This feature's operations in the API document.
pub type Api = (login::SessionApi, devices::DevicesApi);
