//! The timetable: ADE's iCalendar exports imported per group with change detection, staff edits,
//! each person's week, a personal calendar feed, and a push to the people concerned when a class
//! moves, changes room or is cancelled.

pub mod cache;
pub mod changes;
pub mod feed;
pub mod ics;
pub mod import;
pub mod model;
pub mod notice;
pub mod pull;
pub mod routes;
pub mod store;
