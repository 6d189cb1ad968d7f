//! Sessions: login and logout, the person's devices, the cookie and CSRF checks.

pub mod caller;
pub mod devices;
pub mod lockout;
pub mod login;
pub mod store;

pub use caller::{Caller, Client};
