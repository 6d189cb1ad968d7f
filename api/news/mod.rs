//! News: items for everyone or for an audience (roles, campuses, programs, groups), scheduled
//! and expiring, pinned or urgent (pushed to the audience when published), each person's feed
//! with unread markers, and the public feed shown before login.

pub mod announce;
pub mod routes;
pub mod store;
