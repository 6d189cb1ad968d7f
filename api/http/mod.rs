//! HTTP plumbing shared by every feature: the edge (request ids, languages, problems, panics,
//! metrics, security headers), the API guard, operations endpoints and the PWA's files.

pub mod edge;
pub mod guard;
pub mod ops;
pub mod pwa;
pub mod raw_json;
