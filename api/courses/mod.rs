//! « Mes cours »: each course of the person's timetable this semester — through their groups,
//! or what they teach — with its teachers, its next session, the hours done and to come by kind,
//! and its page on the learning platform.

pub mod routes;
pub mod summary;

/// This feature's operations in the API document.
pub type Api = routes::CoursesApi;
