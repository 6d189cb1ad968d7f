//! People as the registrar and HR know them (students, teachers, staff), their programs and
//! course groups, and the CSV import that keeps them up to date.

pub mod import;
pub mod model;
pub mod store;
