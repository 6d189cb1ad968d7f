//! Every integration test in one binary: each binary links the whole service, and on two cores
//! ten of them cost minutes at every run. A module per feature; `common` is the test kit.

mod common;

mod accounts;
mod card;
mod cas;
mod cli;
mod couriers;
mod courses;
mod directory;
mod help;
mod home;
mod http;
mod import;
mod messaging;
mod news;
mod passkeys;
mod push;
mod registration;
mod timetable;
