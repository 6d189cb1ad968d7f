//! HTTP plumbing shared by every feature: where a request comes from, the edge (request ids, languages, problems, panics,
//! metrics, security headers), the API guard, operations endpoints and the PWA's files.

pub mod client;
pub mod edge;
pub mod guard;
pub mod ops;
pub mod page;
pub mod pwa;
pub mod raw_json;
